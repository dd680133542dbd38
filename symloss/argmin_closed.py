"""Closed forms of minimisers used by proofs: the slope of a minimiser,
``d(argmin(E, v), s)`` (see :mod:`symloss.claims_slope` for when it is
defined).

:class:`SlopeOfMinimiser` states ``∂^k/∂s^k argmin(E, v) = ∂^k r/∂s^k``
for ``E = a·v² + b·v + c`` with smooth coefficients and ``r = −b/(2a)``,
from a proof that ``a > 0`` under the hypotheses.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from .claims_slope import MinimiserSlope
from .functions import derivative
from .proof import Step

__all__ = ["SlopeOfMinimiser", "slope_step"]


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
