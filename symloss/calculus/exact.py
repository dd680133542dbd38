"""Exact truth of a quantifier-free claim at an exact point: the verifier.

A counterexample is reported only after :func:`point_is_admissible` says
every hypothesis (domains, assumptions, definedness) holds at the point and
:func:`truth` says the formula is ``False`` there.  Both answer ``True``,
``False`` or ``None`` (not certain); nothing here guesses.

Rational values are decided by exact arithmetic.  When transcendental or
irrational numbers remain (``sigmoid(1/2)``, ``log(3)``, ``sqrt(2)``), the
sign of a difference is decided with rigorous interval arithmetic
(:mod:`mpmath.iv`) at increasing precision; a difference whose interval keeps
containing 0 is decided only when it is exactly zero (algebraic numbers by
their minimal polynomial, otherwise a few exact rewrites).  Discontinuous
functions (``sign``, ``Heaviside``, ``where``) are evaluated from the exact
sign of their argument, so kink conventions are honoured exactly.
"""

from __future__ import annotations

from typing import Iterable, Mapping

import sympy as sp

from ..language.functions import sigmoid  # noqa: F401 (doctests)
from ..language.kernel import _and, evaluate_interval, holds, sign_of
from ..language.kernel import substitute as kernel_substitute

__all__ = ["sign_of", "truth", "point_is_admissible", "substitute", "evaluate_interval"]

def substitute(expr: sp.Basic, values: Mapping[sp.Symbol, sp.Basic]) -> sp.Basic:
    """``expr`` with ``values`` put in; every rebuilt node is built by the
    kernel (:func:`symloss.language.kernel.substitute`), so no closed number's sign is
    guessed on the way.

    >>> x = sp.Symbol('x', real=True)
    >>> substitute(x**2 + sigmoid(x), {x: 0})
    1/2
    """
    return kernel_substitute(expr, values)


def truth(formula: sp.Basic, values: Mapping[sp.Symbol, sp.Basic]) -> bool | None:
    """Whether ``formula`` holds at the exact point ``values``: ``True``,
    ``False``, or ``None`` when not certain (a free symbol is left, a value is
    undefined, or the interval arithmetic cannot separate a difference from 0).

    >>> x, y = sp.symbols('x y', real=True)
    >>> truth(sp.Gt(sigmoid(x), y), {x: sp.Rational(1, 2), y: sp.Rational(5, 8)})
    False
    >>> truth(sp.Eq(sp.sign(x) * x, sp.Abs(x)), {x: -3}), truth(x > 0, {})
    (True, None)
    """
    f = _substitute_bool(formula, values)
    return holds(f)


def _unevaluated(expr: sp.Basic, vals: Mapping) -> sp.Basic:
    """``expr`` with ``vals`` put in and *nothing* evaluated: SymPy's
    automatic evaluation of ``sign``, ``Abs``, ``Max``, ``relu`` … at closed
    numbers may consult a low-precision ``evalf``; the interval evaluator
    decides those instead."""
    with sp.evaluate(False):
        return expr.xreplace(vals)


def _substitute_bool(formula: sp.Basic, values: Mapping[sp.Symbol, sp.Basic]) -> sp.Basic:
    """Substitute into a boolean without letting SymPy decide anything by
    floating point: relations and their sides are rebuilt unevaluated."""
    vals = {k: sp.sympify(v) for k, v in values.items()}

    def walk(f):
        if isinstance(f, sp.Rel):
            # each side rebuilt by the kernel: exact where the values make it exact
            return type(f)(substitute(f.lhs, vals), substitute(f.rhs, vals), evaluate=False)
        if isinstance(f, (sp.And, sp.Or, sp.Not, sp.Implies, sp.Equivalent, sp.Xor)):
            return type(f)(*[walk(a) for a in f.args], evaluate=False)
        if isinstance(f, sp.Contains):
            return sp.Contains(_unevaluated(f.args[0], vals), f.args[1], evaluate=False)
        return substitute(f, vals)

    return walk(formula)


def point_is_admissible(
    hypotheses: Iterable[sp.Basic], values: Mapping[sp.Symbol, sp.Basic]
) -> bool | None:
    """Whether every hypothesis holds at ``values`` (``None`` if one is not
    decided).  A hypothesis mentioning a symbol without a value is not
    decided.

    >>> x = sp.Symbol('x', real=True)
    >>> point_is_admissible([x > 0, sp.Ne(x - 1, 0)], {x: 2}), point_is_admissible([x > 0], {x: 0})
    (True, False)
    """
    return _and(truth(h, values) for h in hypotheses)
