"""Minimisers over a declared domain: the proof steps for ``argmin(E, v)``
when ``v`` ranges over an interval, ℝ∖{0} or a finite set (see
:class:`symloss.calculus.claims.ArgMin` and proofs/README.md, "Names and scoping").

* :class:`ArgminOnDomain`: the real-line minimiser (a :class:`Minimiser`
  step, so ``E`` decreases before it and increases after it) lies in the
  domain, or lies beyond a closed end, which is then the minimiser;
* :class:`ArgminAtEnd`: ``E`` strictly monotone on the whole line, so the
  closed end on the low side is the minimiser;
* :class:`ArgminFinite`: one point of a finite domain where ``E`` is
  smaller than at every other point.

The exact evaluation at a point (counterexamples) is :mod:`symloss.refute.ranges`.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from .argmin import (
    _MINIMISERS,
    _check_inside,
    _conditions,
    _covered,
    _on_line,
    _plain_real,
    _prove,
    _prove_all,
    _smooth,
    minimiser,
)
from ..calculus.claims import ArgMin
from ..language.functions import definedness_conditions, derivative
from ..calculus.proof import Step
from .tactics import check_context

__all__ = ["ArgminOnDomain", "ArgminFinite", "ArgminAtEnd", "on_domain"]


@dataclass(frozen=True)
class ArgminOnDomain(Step):
    """``argmin(E, v) = value`` for ``v`` ranging over its declared domain
    ``D`` (an interval, ℝ∖{0} or a range of integers): the minimiser step gives
    ``sign(∂E/∂u) = sign(u − r)`` for every real ``u`` (``E`` strictly
    decreasing up to the real-line minimiser ``r``, strictly increasing
    after it), so on ``D`` ⊆ ℝ:

    * ``r ∈ D`` (``inside``): ``r`` is the unique minimiser over ``D``;
    * ``r ≤ lo`` with ``lo`` a closed end of ``D``: ``E`` increases on ``D``
      and ``lo`` is the unique minimiser (``hi ≤ r`` likewise gives ``hi``).

    ``E`` is read on ``D`` only, so rewrites made with ``v ∈ D`` are sound."""

    term: ArgMin
    minimiser: Step
    value: sp.Expr
    inside: tuple

    @property
    def fact(self) -> sp.Basic:
        return sp.Eq(self.term, self.value, evaluate=False)

    def verify(self) -> None:
        m, term = self.minimiser, self.term
        if not isinstance(m, _MINIMISERS) or m.term != _on_line(term) or m.root is None:
            raise self.fail(f"needs a real-line minimiser with a closed form for {term}")
        rng = term.range
        if self.value == m.root:
            _check_inside(self, m, term, self.inside)
            return
        ends = _closed_ends(rng)
        if ends is None:
            raise self.fail(f"{self.value} is not the real-line minimiser {m.root}")
        lo, hi = ends
        if lo is not None and self.value == lo:
            want = [sp.LessThan(m.root, lo, evaluate=False)]
        elif hi is not None and self.value == hi:
            want = [sp.LessThan(hi, m.root, evaluate=False)]
        else:
            raise self.fail(f"{self.value} is neither the real-line minimiser nor a closed end of {rng}")
        if [p.fact for p in self.inside] != want:
            raise self.fail(f"the premises show {[p.fact for p in self.inside]}, needed {want}")


def _closed_ends(rng):
    """``(lo, hi)``: the finite ends of an interval or integer range that
    belong to it (``None`` for an open or infinite end); ``None`` for other
    sets."""
    if isinstance(rng, sp.Interval):
        return (rng.start if rng.start.is_finite and not rng.left_open else None,
                rng.end if rng.end.is_finite and not rng.right_open else None)
    if isinstance(rng, sp.Range):
        return (rng.inf if rng.inf.is_finite else None, rng.sup if rng.sup.is_finite else None)
    return None


def _finite_goal(term: ArgMin, value: sp.Expr) -> sp.Basic | None:
    """``E(value) < E(p)`` for every other point ``p`` of the finite range
    where ``E`` is defined, and ``E`` defined at ``value``: points where a
    definedness condition of ``E`` is false as a closed statement are left
    out (``argmin`` minimises where ``E`` is defined), the others carry
    their conditions as premises.  ``None`` when ``value`` is such a point
    or a value is not a real number."""
    from ..language.kernel import holds
    from .relations import _at_point, admissible_points, point_definedness_depends_on_others

    e, v = term.expr, term.var
    conds = [c for c in definedness_conditions(e) if v in c.free_symbols]
    points = admissible_points(conds, v, list(term.range.args))
    if value not in points:
        return None

    def defined(p) -> list:
        at = [_at_point(c, v, p) for c in conds]
        return [c for c in at if c.free_symbols or holds(c) is not True]

    parts = list(defined(value))
    for p in points:
        if p == value:
            continue
        lo, hi = e.xreplace({v: value}), e.xreplace({v: p})
        if any(x.has(sp.zoo, sp.nan, sp.oo, -sp.oo, sp.I) for x in (lo, hi)):
            return None
        if point_definedness_depends_on_others([e], v, [lo, hi]):
            return None  # the prover would assume E defined at both points (adversarial round 4)
        less = sp.StrictLessThan(lo, hi, evaluate=False)
        premise = defined(p)
        if premise:
            less = sp.Implies(sp.And(*premise, evaluate=False) if len(premise) > 1 else premise[0], less,
                              evaluate=False)
        parts.append(less)
    if not parts:
        return sp.true
    return sp.And(*parts, evaluate=False) if len(parts) > 1 else parts[0]


@dataclass(frozen=True)
class ArgminFinite(Step):
    """``argmin(E, v) = value`` for ``v`` ranging over a finite set: ``value``
    is one of its points and ``proof`` shows ``E(value) < E(p)`` for every
    other point ``p`` (so the minimiser exists and is unique)."""

    term: ArgMin
    value: sp.Expr
    proof: Step

    @property
    def fact(self) -> sp.Basic:
        return sp.Eq(self.term, self.value, evaluate=False)

    def verify(self) -> None:
        rng = self.term.range
        if not isinstance(rng, sp.FiniteSet) or self.value not in rng.args or len(rng.args) < 2:
            raise self.fail(f"{self.value} is not a point of a finite range {rng}")
        want = _finite_goal(self.term, self.value)
        if want is None or want is sp.true:
            raise self.fail(f"{self.value} is not a point where {self.term.expr} is defined, "
                            f"or no other point to compare with")
        if self.proof.fact != want:
            raise self.fail(f"the sub-proof shows {self.proof.fact}, needed {want}")


@dataclass(frozen=True)
class ArgminAtEnd(Step):
    """``argmin(E, v) = value`` for ``v`` ranging over an interval whose
    closed end is ``value``: ``E`` (``v`` renamed to the plain real ``u``)
    is smooth and defined for every real ``u`` (``defined``), and
    ``monotone`` shows ``∂E/∂u > 0`` for every ``u`` (then the least point,
    the closed lower end, is the unique minimiser) or ``∂E/∂u < 0`` (the
    closed upper end)."""

    term: ArgMin
    dummy: sp.Symbol
    value: sp.Expr
    monotone: Step
    defined: tuple = ()
    context: tuple = ()

    @property
    def fact(self) -> sp.Basic:
        return sp.Eq(self.term, self.value, evaluate=False)

    def verify(self) -> None:
        check_context(self, self.context)
        u, rng = self.dummy, self.term.range
        if not _plain_real(u) or u in self.term.expr.free_symbols or any(u in g.fact.free_symbols for g in self.context):
            raise self.fail(f"{u} is not a fresh real variable")
        e = self.term.expr.xreplace({self.term.var: u})
        g = derivative(e, u)
        if not (_smooth(e) and _smooth(g)):
            raise self.fail(f"{e} is not built from smooth functions only")
        _covered(self, _conditions([e, g]), self.defined, self.context)
        if not isinstance(rng, sp.Interval):
            raise self.fail(f"{rng} is not an interval")
        if self.value == rng.start and rng.start.is_finite and not rng.left_open:
            want = sp.StrictGreaterThan(g, 0, evaluate=False)
        elif self.value == rng.end and rng.end.is_finite and not rng.right_open:
            want = sp.StrictLessThan(g, 0, evaluate=False)
        else:
            raise self.fail(f"{self.value} is not a closed end of {rng}")
        if self.monotone.fact != want:
            raise self.fail(f"the premise shows {self.monotone.fact}, needed {want}")


def _at_end(term: ArgMin, goal, env) -> Step | None:
    rng = term.range
    if not isinstance(rng, sp.Interval):
        return None
    u = sp.Dummy(term.var.name, real=True)
    e = term.expr.xreplace({term.var: u})
    g = derivative(e, u)
    if not (_smooth(e) and _smooth(g)):
        return None
    facts = {c.fact for c in goal.context}
    for value, closed, rel in ((rng.start, not rng.left_open, sp.StrictGreaterThan),
                               (rng.end, not rng.right_open, sp.StrictLessThan)):
        if not (closed and value.is_finite):
            continue
        mono = _prove(rel(g, 0, evaluate=False), goal.context, env)
        if mono is None:
            continue
        defined = _prove_all([c for c in _conditions([e, g]) if c not in facts], goal.context, env)
        if defined is None:
            return None
        return ArgminAtEnd(term, u, value, mono, defined, goal.context)
    return None


def on_domain(term: ArgMin, goal, env) -> Step | None:
    """An :class:`ArgminOnDomain` (or :class:`ArgminFinite`) proof for a
    term over a declared domain."""
    from ..calculus.claims import membership

    if isinstance(term.range, sp.FiniteSet):
        if len(term.range.args) < 2:
            return None
        for value in term.range.args:
            want = _finite_goal(term, value)
            if want is None or want is sp.true:
                continue
            proof = _prove(want, goal.context, env)
            if proof is not None:
                return ArgminFinite(term, value, proof)
        return None
    m = minimiser(_on_line(term), goal.context, env)
    if m is None or m.root is None:
        from .argmin_interval import end_minimiser, interval_minimiser  # E defined on the interval only

        return interval_minimiser(term, goal, env) or _at_end(term, goal, env) or end_minimiser(term, goal, env)
    rng = term.range
    tries = [(m.root, membership(m.root, rng))]
    lo, hi = _closed_ends(rng) or (None, None)
    if lo is not None:
        tries.append((lo, [sp.LessThan(m.root, lo, evaluate=False)]))
    if hi is not None:
        tries.append((hi, [sp.LessThan(hi, m.root, evaluate=False)]))
    for value, conds in tries:
        proofs = _prove_all(conds, goal.context, env)
        if proofs is not None:
            return ArgminOnDomain(term, m, value, proofs)
    env.notes.append(f"argmin: could not place the minimiser {m.root} relative to {rng}")
    return None
