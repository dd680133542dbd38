"""A root of a continuous function from two proved signs (intermediate value theorem).

When a minimiser's core ``H`` (strictly increasing in ``u``) has no closed
root -- ``u + (tanh u − y)(1 − tanh² u)`` -- its existence needs only two
rational points ``a < b`` with ``H(a) < 0 < H(b)`` for every admissible value
of the other symbols.  Each sign is a pointwise goal in the remaining
symbols (the sign engine, z3, or the certified interval prover), much cheaper
than SymPy's ``limit`` at ``±∞``.

:class:`SomeRoot` names the root such a step shows to exist, and
:func:`_smooth` says which expressions are continuous by their heads (the
minimiser steps of :mod:`symloss.engine.argmin` use both).
:class:`SignChange` is the step; :func:`sign_change_existence` searches
``a ∈ {0, −1, −4, −16}``, ``b ∈ {0, 1, 4, 16}`` (one second per point).

>>> import time
>>> from symloss.engine.tactics import Env
>>> u, y = sp.Dummy('u', real=True), sp.Symbol('y', real=True)
>>> from symloss.calculus.proof import Given
>>> ctx = (Given(y > -1, 'hypothesis'), Given(y < 1, 'hypothesis'))
>>> h = u + (sp.tanh(u) - y)*(1 - sp.tanh(u)**2)
>>> step = sign_change_existence(h, u, ctx, Env(deadline=time.monotonic() + 30))
>>> (step.low, step.high)
(-1, 1)
>>> step.verify()
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from ..calculus.proof import Given, Step
from ..language.functions import sigmoid, softplus
from .tactics import Env, Goal, check_context

__all__ = ["SomeRoot", "SignChange", "sign_change_existence"]

#: heads allowed in E, G and H: continuous and differentiable wherever defined
_SMOOTH = (sp.Add, sp.Mul, sp.Pow, sp.exp, sp.log, sigmoid, softplus, sp.tanh, sp.sinh, sp.cosh,
           sp.atan, sp.Symbol, sp.Number, sp.NumberSymbol)


def _only_heads(expr: sp.Expr, heads: tuple) -> bool:
    """Whether every node of ``expr`` has one of ``heads`` (powers only with
    constant exponents)."""
    for node in sp.preorder_traversal(expr):
        if not isinstance(node, heads):
            return False
        if isinstance(node, sp.Pow) and not (node.exp.is_Rational or node.exp.free_symbols == set()):
            return False
    return True


def _smooth(expr: sp.Expr) -> bool:
    """Whether every node of ``expr`` has a smooth head (see :mod:`symloss.engine.argmin`).

    >>> w = sp.Symbol('w', real=True)
    >>> _smooth(sigmoid(w) * w**2), _smooth(sp.Abs(w))
    (True, False)
    """
    return _only_heads(expr, _SMOOTH)


class SomeRoot(sp.Function):
    """A real root of ``H`` in ``u`` whose existence a step has shown (no
    closed form is claimed): ``SomeRoot(H, u)``."""

    nargs = 2
    is_real = True

    @property
    def free_symbols(self):
        return self.args[0].free_symbols - {self.args[1]}


#: candidate ends, tried in order (both signs)
_ENDS = (0, 1, 4, 16)


def _at(core: sp.Expr, var, value) -> sp.Expr:
    from ..language.kernel import substitute

    return substitute(core, {var: value})


@dataclass(frozen=True)
class SignChange(Step):
    """``H`` has a root: ``H`` is continuous in ``u`` on ``[low, high]``
    (smooth heads; defined for every real ``u`` -- the minimiser step that
    uses this one checks that), ``low < high`` are rationals, and
    ``low_proof``/``high_proof`` show ``H(low) < 0`` and ``H(high) > 0``
    under the hypotheses; by the intermediate value theorem ``H`` vanishes
    between them."""

    core: sp.Expr
    var: sp.Symbol
    low: sp.Rational
    high: sp.Rational
    low_proof: Step
    high_proof: Step
    context: tuple[Given, ...] = ()

    @property
    def fact(self) -> sp.Basic:
        return sp.Eq(self.core.xreplace({self.var: SomeRoot(self.core, self.var)}), 0, evaluate=False)

    def verify(self) -> None:
        check_context(self, self.context)
        if not _smooth(self.core):
            raise self.fail(f"{self.core} is not known to be continuous")
        if not (isinstance(self.low, sp.Rational) and isinstance(self.high, sp.Rational) and self.low < self.high):
            raise self.fail(f"[{self.low}, {self.high}] is not an interval with rational ends")
        want_low = sp.StrictLessThan(_at(self.core, self.var, self.low), 0, evaluate=False)
        want_high = sp.StrictGreaterThan(_at(self.core, self.var, self.high), 0, evaluate=False)
        if self.low_proof.fact != want_low:
            raise self.fail(f"the premise shows {self.low_proof.fact}, expected {want_low}")
        if self.high_proof.fact != want_high:
            raise self.fail(f"the premise shows {self.high_proof.fact}, expected {want_high}")


def _first(core, u, ends, rel, context, env):
    import time

    from .prover import prove_goal

    for e in ends:
        if env.expired():
            return None
        value = sp.Integer(e)
        statement = rel(_at(core, u, value), 0, evaluate=False)
        stop = time.monotonic() + 1.0  # one point: a short budget, the next point may be easier
        sub = Env(deadline=stop if env.deadline is None else min(stop, env.deadline), depth=env.depth)
        step = prove_goal(Goal(statement, context), sub)
        if step is not None:
            return value, step
    return None


#: other free symbols of ``H`` beyond which the search is not tried (each sign
#: is a goal in those symbols; three or more rarely pay for the box search)
_MAX_OTHERS = 1


def sign_change_existence(core: sp.Expr, u, context: tuple, env: Env) -> SignChange | None:
    """A :class:`SignChange` step for ``core`` (increasing in ``u``), or ``None``
    (also when ``core`` has more than one symbol besides ``u``: limits
    handle those, with their sign cases)."""
    if len(core.free_symbols - {u}) > _MAX_OTHERS:
        return None
    low = _first(core, u, [-e for e in _ENDS], sp.StrictLessThan, context, env)
    if low is None:
        return None
    high = _first(core, u, [e for e in _ENDS if e > low[0]], sp.StrictGreaterThan, context, env)
    if high is None:
        return None
    return SignChange(core, u, low[0], high[0], low[1], high[1], context)
