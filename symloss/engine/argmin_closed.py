"""Closed forms of minimisers used by proofs: the slope of a minimiser,
``d(argmin(E, v), s)`` (see :mod:`symloss.calculus.claims_slope` for when it is
defined).

:class:`SlopeOfMinimiser` states ``∂^k/∂s^k argmin(E, v) = ∂^k r/∂s^k``
for ``E = a·v² + b·v + c`` with smooth coefficients and ``r = −b/(2a)``,
from a proof that ``a > 0`` under the hypotheses.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from ..calculus.claims_slope import MinimiserSlope
from ..language.functions import derivative
from ..calculus.proof import Step

__all__ = ["SlopeOfMinimiser", "slope_step", "MissingWhereConclusionFails", "missing_where_conclusion_fails"]


@dataclass(frozen=True)
class SlopeOfMinimiser(Step):
    """``∂^k/∂s^k argmin(E, v) = value``: ``E`` is ``a·v² + b·v + c`` in the
    bound ``v`` (over the real line) with coefficients built from smooth
    functions, and ``positive`` proves ``a > 0``.  Where ``a > 0`` the
    unique minimiser is ``r = −b/(2a)``; ``a > 0`` holds on a neighbourhood
    (``a`` is continuous), so the minimiser is the differentiable function
    ``r`` there and its ``k``-th derivative in ``s`` is ``∂^k r/∂s^k``
    (``value``, recomputed)."""

    slope: MinimiserSlope
    value: sp.Expr
    positive: Step

    @property
    def fact(self) -> sp.Basic:
        return sp.Eq(self.slope, self.value, evaluate=False)

    def verify(self) -> None:
        cf = self.slope.closed_form()
        if cf is None:
            raise self.fail(f"{self.slope.term} has no exact quadratic closed form over the real line")
        r, a = cf
        want = sp.StrictGreaterThan(a, 0, evaluate=False)
        if self.positive.fact != want:
            raise self.fail(f"the premise shows {self.positive.fact}, needed {want}")
        expected = derivative(r, self.slope.wrt, self.slope.order)
        if self.value != expected:
            raise self.fail(f"{self.value} is not the derivative {expected} of the minimiser {r}")


def slope_step(slope: MinimiserSlope, context, env, prove) -> SlopeOfMinimiser | None:
    """A :class:`SlopeOfMinimiser` step for ``slope`` (``prove(statement,
    context, env)`` proves ``a > 0``), or ``None``."""
    cf = slope.closed_form()
    if cf is None:
        return None
    r, a = cf
    positive = prove(sp.StrictGreaterThan(a, 0, evaluate=False), context, env)
    if positive is None:
        env.notes.append(f"argmin: could not show {a} > 0, where the minimiser over {slope.term.var} exists")
        return None
    return SlopeOfMinimiser(slope, derivative(r, slope.wrt, slope.order), positive)


# ---------------------------------------------------------------------------
# a premise about a minimiser that is missing wherever the conclusion fails


def _needs(p: sp.Basic, term) -> bool:
    """Whether ``p`` is false wherever ``term`` has no unique minimiser (a
    comparison mentioning it is false there: symloss.calculus.claims_logic)."""
    if isinstance(p, sp.And):
        return any(_needs(a, term) for a in p.args)
    if isinstance(p, sp.Or):
        return all(_needs(a, term) for a in p.args)
    if isinstance(p, (sp.Not, sp.Implies, sp.Equivalent, sp.Xor)):
        return False
    return isinstance(p, sp.Rel) and p.has(term)


def _parts(statement):
    """``(p, q)`` of ``implies(p, q)`` or ``not p or q``; else ``None``."""
    if isinstance(statement, sp.Implies):
        return statement.args
    if isinstance(statement, sp.Or) and len(statement.args) == 2:
        for a, b in (statement.args, statement.args[::-1]):
            if isinstance(a, sp.Not):
                return a.args[0], b
    return None


def _equation(q):
    """``(s, c)`` when ``q`` is ``s != c`` for a symbol ``s`` and ``c`` free of it."""
    if not isinstance(q, sp.Unequality):
        return None
    for s, c in ((q.lhs, q.rhs), (q.rhs, q.lhs)):
        if isinstance(s, sp.Symbol) and s not in c.free_symbols:
            return s, c
    return None


def _many_points(rng) -> bool:
    if isinstance(rng, sp.FiniteSet):
        return len(rng.args) >= 2
    if isinstance(rng, sp.Interval):
        return rng.start != rng.end
    return rng == sp.S.Reals or isinstance(rng, (sp.Union, sp.Range)) and rng.sup != rng.inf


@dataclass(frozen=True)
class MissingWhereConclusionFails(Step):
    """``implies(p, s != c)`` (or ``not p or s != c``) where ``p`` is false
    wherever ``argmin(E, v)`` has no unique minimiser (``p`` a comparison
    mentioning it, or a conjunction with one, or a disjunction of such),
    and at ``s = c`` the function ``E`` no longer depends on ``v``: ``E``
    has no definedness condition on ``v`` (it is defined for every ``v`` of
    its range, which has at least two points), so at ``s = c`` every ``v``
    minimises it, the premise is false, and the implication holds; where
    ``s != c`` it holds too."""

    statement: sp.Basic
    term: sp.Basic

    @property
    def fact(self) -> sp.Basic:
        return self.statement

    def verify(self) -> None:
        from ..calculus.claims_terms import ArgMin
        from ..language.functions import definedness_conditions

        parts = _parts(self.statement)
        if parts is None:
            raise self.fail(f"{self.statement} is not implies(p, q)")
        p, q = parts
        eq = _equation(q)
        if eq is None or q.has(ArgMin):
            raise self.fail(f"the conclusion {q} is not s != c")
        t = self.term
        if not isinstance(t, ArgMin) or not _needs(p, t):
            raise self.fail(f"the premise {p} does not need the minimiser {t}")
        v = t.var
        if t.expr.has(sp.Piecewise) or any(v in c.free_symbols for c in definedness_conditions(t.expr)):
            raise self.fail(f"{t.expr} has definedness conditions on {v}")
        if not _many_points(t.range):
            raise self.fail(f"{t.range} has fewer than two points")
        s, c = eq
        if s == v:
            raise self.fail(f"{s} is the bound variable")
        if v in t.expr.xreplace({s: c}).free_symbols:
            raise self.fail(f"at {s} = {c}, {t.expr} still depends on {v}")


def missing_where_conclusion_fails(statement: sp.Basic) -> MissingWhereConclusionFails | None:
    """The step above for ``statement``, when it applies."""
    from ..calculus.claims_terms import ArgMin
    from ..errors import ProofCheckError

    parts = _parts(statement)
    if parts is None:
        return None
    p, _ = parts
    for t in sorted(p.atoms(ArgMin), key=sp.default_sort_key):
        step = MissingWhereConclusionFails(statement, t)
        try:
            step.verify()
        except ProofCheckError:
            continue
        return step
    return None
