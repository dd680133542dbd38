"""Minimisers of functions defined only on part of the line: ``argmin(E, v)``
for ``v`` ranging over an interval (its declared domain) where ``E`` is
defined and smooth on the interval only — the Gaussian negative
log-likelihood ``log(var)/2 + (ŷ − y)²/(2·var)`` over ``var > 0``, whose
minimiser ``(ŷ − y)²`` exists where ``ŷ ≠ y``.

:class:`MinimiserOnInterval` is the monotonicity argument of
:class:`symloss.engine.argmin.Minimiser` with every premise proved for ``u`` in the
interval only (the proofs are made under ``u ∈ I``), and the root ``r``
proved to lie in ``I``.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from .argmin import _conditions, _factorisations, _plain_real, _prove, _prove_all, _roots, _smooth
from ..calculus.claims import ArgMin, membership
from ..language.functions import definedness_conditions, derivative
from ..calculus.proof import Given, Step
from .prover import _is_zero
from .signs import Sign, fact_sign
from .tactics import Hypothetical, check_context, check_under

__all__ = ["MinimiserOnInterval", "MonotoneToEnd", "interval_minimiser", "end_minimiser"]


@dataclass(frozen=True)
class MinimiserOnInterval(Step):
    """``argmin(E, v) = root`` for ``v`` ranging over the interval ``I`` of
    the term: with ``u`` a fresh real variable, ``inside`` the conditions
    ``u ∈ I`` and ``G = ∂E/∂u``, proved under the hypotheses and
    ``inside``: ``E``, ``G``, ``H`` are smooth and defined (``defined``, one
    sub-proof per definedness condition that is not a hypothesis), ``P > 0``
    (``positive``) and ``∂H/∂u > 0`` (``increasing``), where ``G = P·H``
    (zero-equivalence); and under the hypotheses: ``H(root) = 0``
    (zero-equivalence), ``root`` defined (``root_defined``) and in ``I``
    (``root_inside``).  On the interval ``I``, ``H`` is strictly increasing
    with its root at ``root``, so ``G`` has the sign of ``u − root``: ``E``
    strictly decreases before ``root`` and increases after it, and ``root``
    is the unique minimiser over ``I``."""

    term: ArgMin
    dummy: sp.Symbol
    ratio: sp.Expr
    core: sp.Expr
    root: sp.Expr
    positive: Hypothetical
    increasing: Hypothetical
    defined: tuple = ()
    root_defined: tuple = ()
    root_inside: tuple = ()
    context: tuple = ()

    @property
    def fact(self) -> sp.Basic:
        return sp.Eq(self.term, self.root, evaluate=False)

    @property
    def value(self) -> sp.Expr:
        return self.root

    def inside(self) -> tuple:
        return tuple(membership(self.dummy, self.term.range))

    def verify(self) -> None:
        check_context(self, self.context)
        u, term = self.dummy, self.term
        rng = term.range
        if not isinstance(rng, sp.Interval) or rng == sp.S.Reals:
            raise self.fail(f"{rng} is not a proper interval")
        if not _plain_real(u) or u in term.expr.free_symbols or any(u in g.fact.free_symbols for g in self.context):
            raise self.fail(f"{u} is not a fresh real variable")
        inside = self.inside()
        e = term.expr.xreplace({term.var: u})
        g = derivative(e, u)
        dh = derivative(self.core, u)
        for part in (e, g, self.core, self.ratio):
            if not _smooth(part):
                raise self.fail(f"{part} is not built from smooth functions only")
        facts = {c.fact for c in self.context}
        conds = [c for c in _conditions([e, g, self.core, self.ratio, dh]) if c not in facts and c not in inside]
        if len(conds) != len(self.defined):
            raise self.fail(f"one sub-proof per definedness condition is needed: {conds}")
        for c, sub in zip(conds, self.defined):
            check_under(self, self.context, sub, c, inside)
        if _is_zero(sp.Add(g, -self.ratio * self.core)) is not True:
            raise self.fail(f"{g} is not ({self.ratio})·({self.core})")
        check_under(self, self.context, self.positive, sp.StrictGreaterThan(self.ratio, 0, evaluate=False), inside)
        check_under(self, self.context, self.increasing, sp.StrictGreaterThan(dh, 0, evaluate=False), inside)
        if u in self.root.free_symbols or term.var in self.root.free_symbols:
            raise self.fail(f"the root {self.root} depends on the variable")
        if _is_zero(self.core.xreplace({u: self.root})) is not True:
            raise self.fail(f"{self.core} does not vanish at {u} = {self.root}")
        want = [c for c in definedness_conditions(self.root) if c not in facts]
        if [p.fact for p in self.root_defined] != want:
            raise self.fail(f"the root's definedness {want} is not proved")
        if [p.fact for p in self.root_inside] != list(membership(self.root, rng)):
            raise self.fail(f"{self.root} is not proved to lie in {rng}")


def interval_minimiser(term: ArgMin, goal, env) -> MinimiserOnInterval | None:
    """A :class:`MinimiserOnInterval` proof for ``term`` under ``goal``'s
    hypotheses, or ``None``."""
    rng = term.range
    if not isinstance(rng, sp.Interval) or rng == sp.S.Reals:
        return None
    u = sp.Dummy(term.var.name, real=True)
    e = term.expr.xreplace({term.var: u})
    if not _smooth(e):
        return None
    g = derivative(e, u)
    if not _smooth(g):
        return None
    inside = tuple(membership(u, rng))
    ctx = goal.context + tuple(Given(c, "the domain of the minimisation variable") for c in inside)
    facts = {c.fact for c in goal.context}

    def under(statement):
        p = _prove(statement, ctx, env)
        return None if p is None else Hypothetical(inside, p)

    for p, h, _ in _factorisations(g, ctx, env):
        if env.expired() or not _smooth(h) or u not in h.free_symbols:
            continue
        dh = derivative(h, u)
        conds = [c for c in _conditions([e, g, h, p, dh]) if c not in facts and c not in inside]
        defined = [under(c) for c in conds]
        if any(d is None for d in defined):
            env.notes.append(f"argmin: could not show {term.expr} is defined for every {term.var} in {rng}")
            continue
        pos = under(sp.StrictGreaterThan(p, 0, evaluate=False))
        inc = under(sp.StrictGreaterThan(dh, 0, evaluate=False))
        if pos is None or inc is None:
            env.notes.append(f"argmin: could not show {h} strictly increasing on {rng}")
            continue
        for r in _roots(h, u):
            r_def = _prove_all([c for c in definedness_conditions(r) if c not in facts], goal.context, env)
            r_in = _prove_all(membership(r, rng), goal.context, env)
            if r_def is None or r_in is None:
                env.notes.append(f"argmin: could not show the root {r} lies in {rng}")
                continue
            step = MinimiserOnInterval(term, u, p, h, r, pos, inc, tuple(defined), r_def, r_in, goal.context)
            try:
                step.verify()
            except Exception as exc:  # noqa: BLE001 - a failed check is no proof
                env.notes.append(f"argmin: minimiser on {rng} failed its check ({exc})")
                continue
            return step
    return None


@dataclass(frozen=True)
class MonotoneToEnd(Step):
    """``argmin(E, v) = end`` for ``v`` ranging over the interval ``I`` of the
    term, ``end`` a closed end of ``I``: with ``u`` a fresh real variable
    and ``inside`` the conditions ``u ∈ I``, proved under the hypotheses and
    ``inside``: ``E`` and ``G = ∂E/∂u`` are smooth and defined
    (``defined``), and ``monotone`` shows ``G > 0`` (``end`` the lower end)
    or ``G < 0`` (the upper end).  ``E`` is then strictly monotone on ``I``
    and ``end`` is its unique minimiser there."""

    term: ArgMin
    dummy: sp.Symbol
    end: sp.Expr
    monotone: Hypothetical
    defined: tuple = ()
    context: tuple = ()

    @property
    def fact(self) -> sp.Basic:
        return sp.Eq(self.term, self.end, evaluate=False)

    @property
    def value(self) -> sp.Expr:
        return self.end

    def verify(self) -> None:
        check_context(self, self.context)
        u, term = self.dummy, self.term
        rng = term.range
        if not isinstance(rng, sp.Interval) or rng == sp.S.Reals:
            raise self.fail(f"{rng} is not a proper interval")
        if not _plain_real(u) or u in term.expr.free_symbols or any(u in g.fact.free_symbols for g in self.context):
            raise self.fail(f"{u} is not a fresh real variable")
        inside = tuple(membership(u, rng))
        e = term.expr.xreplace({term.var: u})
        g = derivative(e, u)
        if not (_smooth(e) and _smooth(g)):
            raise self.fail(f"{e} is not built from smooth functions only")
        facts = {c.fact for c in self.context}
        conds = [c for c in _conditions([e, g]) if c not in facts and c not in inside]
        if len(conds) != len(self.defined):
            raise self.fail(f"one sub-proof per definedness condition is needed: {conds}")
        for c, sub in zip(conds, self.defined):
            check_under(self, self.context, sub, c, inside)
        if self.end == rng.start and rng.start.is_finite and not rng.left_open:
            want = sp.StrictGreaterThan(g, 0, evaluate=False)
        elif self.end == rng.end and rng.end.is_finite and not rng.right_open:
            want = sp.StrictLessThan(g, 0, evaluate=False)
        else:
            raise self.fail(f"{self.end} is not a closed end of {rng}")
        check_under(self, self.context, self.monotone, want, inside)


def end_minimiser(term: ArgMin, goal, env) -> MonotoneToEnd | None:
    """A :class:`MonotoneToEnd` proof for ``term``, or ``None``."""
    rng = term.range
    if not isinstance(rng, sp.Interval) or rng == sp.S.Reals:
        return None
    u = sp.Dummy(term.var.name, real=True)
    e = term.expr.xreplace({term.var: u})
    g = derivative(e, u)
    if not (_smooth(e) and _smooth(g)):
        return None
    inside = tuple(membership(u, rng))
    ctx = goal.context + tuple(Given(c, "the domain of the minimisation variable") for c in inside)
    facts = {c.fact for c in goal.context}
    for end, closed, rel in ((rng.start, not rng.left_open, sp.StrictGreaterThan),
                             (rng.end, not rng.right_open, sp.StrictLessThan)):
        if not (closed and end.is_finite) or env.expired():
            continue
        mono = _prove(rel(g, 0, evaluate=False), ctx, env)
        if mono is None:
            continue
        defined = []
        for c in _conditions([e, g]):
            if c in facts or c in inside:
                continue
            p = _prove(c, ctx, env)
            if p is None:
                return None
            defined.append(Hypothetical(inside, p))
        step = MonotoneToEnd(term, u, end, Hypothetical(inside, mono), tuple(defined), goal.context)
        try:
            step.verify()
        except Exception as exc:  # noqa: BLE001 - a failed check is no proof
            env.notes.append(f"argmin: closed end on {rng} failed its check ({exc})")
            return None
        return step
    return None
