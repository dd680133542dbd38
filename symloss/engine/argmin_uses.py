"""Claims that use a minimiser inside other constructs, closed form or implicit.

A minimiser step of :mod:`symloss.engine.argmin` (:class:`~symloss.engine.argmin.Minimiser`
or :class:`~symloss.engine.argmin.MinimiserBySign`) shows, for every real ``u``,
``sign(∂E/∂u) = sign(u − u*)`` with ``u* = argmin(E, v)`` -- whether ``u*``
has a closed form or is only defined by ``H(u*) = 0`` (a transcendental
equation).  ``E`` is continuous and strictly decreasing before ``u*``,
strictly increasing after it, so:

* :class:`AboveMinimum`: ``E ≥ at(E, v=argmin(E, v))`` for every ``v`` (the
  value at the minimiser is the least value);
* :class:`MinimumAtMost`: ``at(E, v=argmin(E, v)) ≤ E(c)`` at a rational
  ``c`` (the least value is at most any value);
* :class:`MinimiserBound`: ``argmin(E, v) > c`` iff ``∂E/∂u < 0`` at
  ``u = c`` (and likewise for ``≥``, ``<``, ``≤``): the implicit minimiser
  is placed by the sign of the derivative at one point;
* :class:`StationaryMinimiser`: ``∂E/∂v = 0 ⟹ v = argmin(E, v)`` (a
  stationary point is the global minimiser) and
  ``∂E/∂v = 0 ⟹ E = at(E, v=argmin(E, v))`` (its value is the minimum):
  from ``sign(A) = sign(v − argmin(E, v))`` (an
  :class:`~symloss.engine.argmin_sign.ArgminSign` step, ``A`` the claim's derivative),
  ``A = 0`` gives ``sign(v − u*) = 0``.

Neither needs a closed form of ``u*``: the argument is the sign pattern of
the derivative (a strictly monotone factor with one sign change, or a
proved sign rule), each re-checked by its own step.

>>> import time
>>> from symloss.problem import problem
>>> from symloss.calculus.claims import parse_claim
>>> from symloss.engine.prover import claim_goal
>>> from symloss.engine.tactics import Env
>>> c = parse_claim(problem('tanh(w*x + b)', '(yhat - y)**2/2', params=['w']),
...                 'L >= at(L, w=argmin(L, w))', assume=['x != 0', 'y > -1', 'y < 1'])
>>> step = uses_of_minimiser(claim_goal(c), Env(deadline=time.monotonic() + 60))
>>> type(step).__name__, type(step.minimiser).__name__
('AboveMinimum', 'Minimiser')
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from .argmin import _MINIMISERS, _on_line, minimiser
from .argmin_sign import ArgminSign, _link, _sign_pattern
from ..calculus.binding import _replace
from ..calculus.claims import ArgMin, Corr
from ..calculus.proof import Step
from .tactics import Env, Goal

__all__ = ["AboveMinimum", "MinimumAtMost", "StationaryMinimiser", "MinimiserBound", "uses_of_minimiser"]

#: ``argmin op c`` holds iff ``∂E/∂u`` at ``u = c`` has this relation to 0
_AT_C = {sp.StrictGreaterThan: sp.StrictLessThan, sp.GreaterThan: sp.LessThan,
         sp.StrictLessThan: sp.StrictGreaterThan, sp.LessThan: sp.GreaterThan}
_FLIP = {sp.StrictGreaterThan: sp.StrictLessThan, sp.GreaterThan: sp.LessThan,
         sp.StrictLessThan: sp.StrictGreaterThan, sp.LessThan: sp.GreaterThan}


def _at_minimum_parts(statement: sp.Basic):
    """``(E, term)`` when ``statement`` is ``E >= at(E, v=argmin(E, v))``
    (or ``at(...) <= E``); ``None`` otherwise."""
    if isinstance(statement, sp.GreaterThan):
        big, small = statement.lhs, statement.rhs
    elif isinstance(statement, sp.LessThan):
        big, small = statement.rhs, statement.lhs
    else:
        return None
    terms = small.atoms(ArgMin)
    if len(terms) != 1:
        return None
    term = next(iter(terms))
    if term != _on_line(term) or term.expr != big or small != big.xreplace({term.var: term}):
        return None
    return big, term


@dataclass(frozen=True)
class AboveMinimum(Step):
    """``E ≥ at(E, v=argmin(E, v))``: ``minimiser`` shows
    ``sign(∂E/∂u) = sign(u − argmin(E, v))`` for every real ``u`` with ``E``
    continuous (and defined everywhere), so ``E`` decreases strictly up to
    the minimiser and increases strictly after it: its value there is the
    least one.  The minimiser may be implicit (no closed form)."""

    statement: sp.Basic
    minimiser: Step

    @property
    def fact(self) -> sp.Basic:
        return self.statement

    def verify(self) -> None:
        parts = _at_minimum_parts(self.statement)
        if parts is None:
            raise self.fail(f"{self.statement} is not E >= at(E, v=argmin(E, v))")
        _, term = parts
        m = self.minimiser
        if not isinstance(m, _MINIMISERS) or m.term != term:
            raise self.fail(f"the minimiser step is not about {term}")


def _at_most_parts(statement: sp.Basic):
    """``(E, term, R)`` when ``statement`` is ``at(E, v=argmin(E, v)) <= R``
    (or ``R >= at(...)``) with ``R`` free of ``v`` and of minimisers."""
    if isinstance(statement, sp.LessThan):
        small, big = statement.lhs, statement.rhs
    elif isinstance(statement, sp.GreaterThan):
        big, small = statement.lhs, statement.rhs
    else:
        return None
    terms = small.atoms(ArgMin)
    if len(terms) != 1 or big.atoms(ArgMin, Corr):
        return None
    term = next(iter(terms))
    e = term.expr
    if term != _on_line(term) or term.var in big.free_symbols or small != _replace(e, {term.var: term}):
        return None
    return e, term, big


@dataclass(frozen=True)
class MinimumAtMost(Step):
    """``at(E, v=argmin(E, v)) ≤ R``: ``minimiser`` shows that ``argmin(E, v)``
    is the unique global minimiser of ``E``, defined for every real ``v``, so
    the least value is at most ``E(c)`` for the rational ``c``; and ``R`` is
    ``E(c)`` (zero-equivalence, re-checked here).  The minimiser may be
    implicit: no value of it is needed."""

    statement: sp.Basic
    minimiser: Step
    point: sp.Rational

    @property
    def fact(self) -> sp.Basic:
        return self.statement

    def verify(self) -> None:
        from ..language.kernel import substitute
        from .prover import _is_zero

        parts = _at_most_parts(self.statement)
        if parts is None:
            raise self.fail(f"{self.statement} is not at(E, v=argmin(E, v)) <= R")
        e, term, r = parts
        m = self.minimiser
        if not isinstance(m, _MINIMISERS) or m.term != term:
            raise self.fail(f"the minimiser step is not about {term}")
        if not isinstance(self.point, sp.Rational):
            raise self.fail(f"{self.point} is not a rational point")
        if _is_zero(sp.Add(r, -substitute(e, {term.var: self.point}))) is not True:
            raise self.fail(f"{r} is not the value of {e} at {term.var} = {self.point}")


def _stationary_parts(statement: sp.Basic):
    """``(A, v, term, conclusion)`` when ``statement`` is ``A = 0 ⟹ v =
    argmin(E, v)`` or ``A = 0 ⟹ E = at(E, v=argmin(E, v))`` (either side
    first); ``None`` otherwise."""
    if not isinstance(statement, sp.Implies):
        return None
    p, q = statement.args
    if not isinstance(p, sp.Equality) or not isinstance(q, sp.Equality):
        return None
    if p.rhs == 0:
        a = p.lhs
    elif p.lhs == 0:
        a = p.rhs
    else:
        return None
    terms = q.atoms(ArgMin)
    if len(terms) != 1 or a.atoms(ArgMin, Corr):
        return None
    term = next(iter(terms))
    if term != _on_line(term):
        return None
    v, e = term.var, term.expr
    ok = {frozenset((v, term)), frozenset((e, e.xreplace({v: term})))}
    if frozenset((q.lhs, q.rhs)) not in ok:
        return None
    return a, v, term, q


@dataclass(frozen=True)
class StationaryMinimiser(Step):
    """``A = 0 ⟹ v = argmin(E, v)`` (or ``⟹ E = at(E, v=argmin(E, v))``):
    ``sign_rule`` shows ``sign(A) = sign(v − argmin(E, v))``, so ``A = 0``
    forces ``v − argmin(E, v) = 0``, and then ``E`` takes its value at the
    minimiser.  A stationary point is the (unique) global minimiser."""

    statement: sp.Basic
    sign_rule: Step

    @property
    def fact(self) -> sp.Basic:
        return self.statement

    def verify(self) -> None:
        parts = _stationary_parts(self.statement)
        if parts is None:
            raise self.fail(f"{self.statement} is not A = 0 => v = argmin(E, v)")
        a, v, term, _ = parts
        want = sp.Eq(sp.sign(a), sp.sign(sp.Add(v, -term)), evaluate=False)
        r = self.sign_rule
        if not isinstance(r, ArgminSign) or r.fact != want:
            raise self.fail(f"the sign rule shows {r.fact}, expected {want}")


def _bound_parts(statement: sp.Basic):
    """``(term, relation, c)`` when ``statement`` is ``argmin(E, v) op c``
    (or ``c op argmin(E, v)``) with ``c`` free of ``argmin`` and of ``v``."""
    if type(statement) not in _AT_C:
        return None
    rel, lhs, rhs = type(statement), statement.lhs, statement.rhs
    if not isinstance(lhs, ArgMin):
        lhs, rhs, rel = rhs, lhs, _FLIP[rel]
    if not isinstance(lhs, ArgMin) or lhs != _on_line(lhs) or rhs.atoms(ArgMin, Corr) \
            or lhs.var in rhs.free_symbols:
        return None
    return lhs, rel, rhs


@dataclass(frozen=True)
class MinimiserBound(Step):
    """``argmin(E, v) op c``: ``minimiser`` shows ``sign(G(u)) = sign(u −
    argmin(E, v))`` for every real ``u``; at ``u = c`` (real, defined where
    the hypotheses hold: ``defined`` proves its conditions) this is
    ``sign(G(c)) = sign(c − argmin)``, so ``argmin > c`` iff ``G(c) < 0``
    (``≥``: ``G(c) ≤ 0``; ``<``: ``G(c) > 0``; ``≤``: ``G(c) ≥ 0``), which
    ``at_point`` proves.  The minimiser may be implicit."""

    statement: sp.Basic
    minimiser: Step
    at_point: Step
    defined: tuple = ()

    @property
    def fact(self) -> sp.Basic:
        return self.statement

    def verify(self) -> None:
        from .argmin import _covered
        from ..language.functions import definedness_conditions
        from ..language.kernel import substitute

        parts = _bound_parts(self.statement)
        if parts is None:
            raise self.fail(f"{self.statement} is not argmin(E, v) op c")
        term, rel, c = parts
        m = self.minimiser
        if not isinstance(m, _MINIMISERS) or m.term != term:
            raise self.fail(f"the minimiser step is not about {term}")
        if not all(s.is_real for s in c.free_symbols) or c.has(sp.I, sp.zoo, sp.nan, sp.oo, -sp.oo):
            raise self.fail(f"{c} is not a real expression")  # real wherever its conditions hold
        _covered(self, definedness_conditions(c), self.defined, m.context)
        want = _AT_C[rel](substitute(m.gradient, {m.dummy: c}), 0, evaluate=False)
        if self.at_point.fact != want:
            raise self.fail(f"the premise shows {self.at_point.fact}, expected {want}")


def _sign_rule(a: sp.Expr, term: ArgMin, goal: Goal, env: Env) -> ArgminSign | None:
    statement = sp.Eq(sp.sign(a), sp.sign(sp.Add(term.var, -term)), evaluate=False)
    if _sign_pattern(statement) is None:
        return None
    m = minimiser(term, goal.context, env)
    if m is None:
        return None
    g = m.gradient.xreplace({m.dummy: term.var})
    link = _link(a, g, goal.context, env)
    if link is None:
        return None
    return ArgminSign(statement, m, link)


def uses_of_minimiser(goal: Goal, env: Env) -> Step | None:
    """An :class:`AboveMinimum` or :class:`StationaryMinimiser` proof of
    ``goal``, or ``None`` (the statement has another shape, or no minimiser
    step is found)."""
    f = goal.statement
    parts = _at_minimum_parts(f)
    if parts is not None:
        m = minimiser(parts[1], goal.context, env)
        return None if m is None else AboveMinimum(f, m)
    parts = _at_most_parts(f)
    if parts is not None:
        from ..language.kernel import substitute
        from .prover import _is_zero

        e, term, r = parts
        for c in (sp.S.Zero, sp.S.One, sp.S.NegativeOne):  # R = E(c): the minimum is at most that value
            if _is_zero(sp.Add(r, -substitute(e, {term.var: c}))) is True:
                m = minimiser(term, goal.context, env)
                return None if m is None else MinimumAtMost(f, m, c)
        return None
    parts = _bound_parts(f)
    if parts is not None:
        from .argmin import _prove, _prove_all
        from ..language.functions import definedness_conditions
        from ..language.kernel import substitute

        term, rel, c = parts
        m = minimiser(term, goal.context, env)
        if m is None:
            return None
        facts = {g.fact for g in goal.context}
        defined = _prove_all([k for k in definedness_conditions(c) if k not in facts], goal.context, env)
        if defined is None:
            return None
        at = _prove(_AT_C[rel](substitute(m.gradient, {m.dummy: c}), 0, evaluate=False), goal.context, env)
        return None if at is None else MinimiserBound(f, m, at, defined)
    parts = _stationary_parts(f)
    if parts is not None:
        a, _, term, _ = parts
        rule = _sign_rule(a, term, goal, env)
        return None if rule is None else StationaryMinimiser(f, rule)
    return None
