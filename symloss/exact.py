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

import mpmath
import sympy as sp

from .functions import relu, sigmoid, softplus

__all__ = ["sign_of", "truth", "point_is_admissible", "substitute", "evaluate_interval"]

_PRECISIONS = (64, 256, 1024, 4096)


class _Undecided(Exception):
    """Raised inside the interval evaluator when an enclosure is impossible."""


def substitute(expr: sp.Basic, values: Mapping[sp.Symbol, sp.Basic]) -> sp.Basic:
    """``expr`` with ``values`` put in (exact, evaluated by SymPy's automatic
    rules only).

    >>> x = sp.Symbol('x', real=True)
    >>> substitute(x**2 + sigmoid(x), {x: 0})
    1/2
    """
    return expr.xreplace({k: sp.sympify(v) for k, v in values.items()})


# ---------------------------------------------------------------------------
# interval evaluation


def _iv(x) -> mpmath.iv.mpf:
    return mpmath.iv.mpf(x)


def _contains_zero(v) -> bool:
    return v.a <= 0 <= v.b


def _exp(v):
    return mpmath.iv.exp(v)


def _log(v):
    if v.a <= 0:
        raise _Undecided("log of a non-positive interval")
    return mpmath.iv.log(v)


def _pow(base_expr, exp_expr, base, prec):
    if exp_expr.is_Integer:
        n = int(exp_expr)
        if n >= 0:
            return base ** n
        if _contains_zero(base):
            raise _Undecided("division by an interval containing 0")
        return _iv(1) / (base ** (-n))
    if exp_expr.is_Rational:
        p, q = int(exp_expr.p), int(exp_expr.q)
        if base.a < 0:
            raise _Undecided("fractional power of a possibly negative number")
        if q == 2:
            root = mpmath.iv.sqrt(base)
        else:
            if base.a == 0:
                raise _Undecided("fractional power near 0")
            root = mpmath.iv.exp(mpmath.iv.log(base) / q)
        return root ** p if p >= 0 else _iv(1) / (root ** (-p))
    # symbolic exponent: base ** e = exp(e * log(base))
    e = _eval(exp_expr, prec)
    return mpmath.iv.exp(e * _log(base))


def _eval(expr: sp.Basic, prec: int):
    """An interval enclosing the real number ``expr`` (no free symbols)."""
    if expr.is_Rational:
        num = _iv(int(expr.p))
        return num / _iv(int(expr.q)) if expr.q != 1 else num
    if expr is sp.E:
        return mpmath.iv.exp(_iv(1))
    if expr is sp.pi:
        return mpmath.iv.pi
    if expr.is_Float:
        return _iv(mpmath.mpf(expr))
    if isinstance(expr, sp.Add):
        total = _iv(0)
        for a in expr.args:
            total = total + _eval(a, prec)
        return total
    if isinstance(expr, sp.Mul):
        total = _iv(1)
        for a in expr.args:
            total = total * _eval(a, prec)
        return total
    if isinstance(expr, sp.Pow):
        b, e = expr.args
        return _pow(b, e, _eval(b, prec), prec)
    if isinstance(expr, sp.exp):
        return _exp(_eval(expr.args[0], prec))
    if isinstance(expr, sp.log):
        return _log(_eval(expr.args[0], prec))
    if isinstance(expr, sigmoid):
        z = _eval(expr.args[0], prec)
        return _iv(1) / (_iv(1) + _exp(-z))
    if isinstance(expr, softplus):
        z = _eval(expr.args[0], prec)
        if z.b < 0:
            return mpmath.iv.log(_iv(1) + _exp(z))
        # log(1 + e^z) = z + log(1 + e^-z) keeps e^z from overflowing
        return z + mpmath.iv.log(_iv(1) + _exp(-z))
    if isinstance(expr, sp.tanh):
        z = _eval(expr.args[0], prec)
        return _iv(1) - _iv(2) / (_exp(2 * z) + 1)
    if isinstance(expr, sp.cosh):
        z = _eval(expr.args[0], prec)
        return (_exp(z) + _exp(-z)) / 2
    if isinstance(expr, sp.sinh):
        z = _eval(expr.args[0], prec)
        return (_exp(z) - _exp(-z)) / 2
    if isinstance(expr, (sp.Abs, relu)):
        z = _eval(expr.args[0], prec)
        lo, hi = z.a, z.b
        if isinstance(expr, relu):
            return mpmath.iv.mpf([max(lo, 0), max(hi, 0)])
        if lo >= 0:
            return z
        if hi <= 0:
            return -z
        return mpmath.iv.mpf([0, max(-lo, hi)])
    if isinstance(expr, (sp.Max, sp.Min)):
        vals = [_eval(a, prec) for a in expr.args]
        pick = max if isinstance(expr, sp.Max) else min
        return mpmath.iv.mpf([pick(v.a for v in vals), pick(v.b for v in vals)])
    if isinstance(expr, sp.sign):
        s = sign_of(expr.args[0])
        if s is None:
            raise _Undecided(f"sign of {expr.args[0]} undecided")
        return _iv(s)
    if isinstance(expr, sp.Heaviside):
        s = sign_of(expr.args[0])
        if s is None:
            raise _Undecided(f"sign of {expr.args[0]} undecided")
        if s == 0:
            h0 = expr.args[1] if len(expr.args) > 1 else sp.Rational(1, 2)
            return _eval(h0, prec)
        return _iv(1 if s > 0 else 0)
    if isinstance(expr, sp.CRootOf):  # a real algebraic number: its checked isolating interval
        from .algebraic import isolating_interval

        try:
            lo, hi = isolating_interval(expr, min(prec, 256))
        except ValueError:
            raise _Undecided(f"{expr} not isolated") from None
        return mpmath.iv.mpf([_eval(lo, prec).a, _eval(hi, prec).b])
    if isinstance(expr, sp.Piecewise):
        for value, cond in expr.args:
            t = truth(cond, {})
            if t is None:
                raise _Undecided(f"condition {cond} undecided")
            if t:
                return _eval(value, prec)
        raise _Undecided("no Piecewise branch applies")
    raise _Undecided(f"no interval rule for {type(expr).__name__}")


def evaluate_interval(expr: sp.Basic, prec: int = 60):
    """A rigorous enclosure ``[a, b]`` (an ``mpmath.iv.mpf``) of a closed real
    expression, or ``None`` when no rule applies.

    >>> v = evaluate_interval(sigmoid(sp.Rational(1, 2)))
    >>> 0.6224 < v.a <= v.b < 0.6225
    True
    """
    old = mpmath.iv.prec
    try:
        mpmath.iv.prec = prec
        return _eval(sp.sympify(expr), prec)
    except (_Undecided, ZeroDivisionError, OverflowError, ValueError):
        return None
    finally:
        mpmath.iv.prec = old


def _is_exactly_zero(expr: sp.Expr) -> bool:
    """Whether a closed real expression is exactly 0, by sound rewrites only.

    (Not ``expr.is_zero``: for closed numbers SymPy's assumptions may consult
    a low-precision ``evalf``, which rounds ``softplus(-1077)`` to 0.)"""
    if expr == 0:
        return True
    try:
        if not expr.has(sp.exp, sp.log, sigmoid, softplus, sp.tanh, sp.cosh, sp.sinh, sp.E) and expr.is_algebraic:
            return sp.minimal_polynomial(expr, sp.Dummy("t")).is_Symbol
    except Exception:  # minimal_polynomial refuses: decide nothing here
        pass
    for rewrite in (
        lambda e: sp.expand(e),
        lambda e: sp.cancel(sp.together(e.rewrite(sp.exp))),
        lambda e: sp.expand_log(sp.expand(e.rewrite(sp.exp)), force=False),
    ):
        try:
            if rewrite(expr) == 0:
                return True
        except Exception:  # a rewrite that does not apply decides nothing
            continue
    return False


def sign_of(expr: sp.Basic) -> int | None:
    """The exact sign (-1, 0, 1) of a closed real expression, or ``None``.

    >>> sign_of(sigmoid(sp.Rational(1, 2)) - sp.Rational(5, 8)), sign_of(sp.sqrt(2)**2 - 2)
    (-1, 0)
    >>> sign_of(sp.log(3) - 1)
    1
    """
    expr = sp.sympify(expr)
    if expr.free_symbols:
        return None
    if expr.is_Rational:
        return int(sp.sign(expr))
    if expr.has(sp.zoo, sp.nan, sp.oo, -sp.oo, sp.I):
        return None
    for prec in _PRECISIONS:
        v = evaluate_interval(expr, prec)
        if v is None:
            break
        if v.a > 0:
            return 1
        if v.b < 0:
            return -1
        if v.a == 0 == v.b:
            return 0
    if _is_exactly_zero(expr):
        return 0
    return None


_REL = {
    sp.Eq: lambda s: s == 0,
    sp.Ne: lambda s: s != 0,
    sp.Lt: lambda s: s < 0,
    sp.Le: lambda s: s <= 0,
    sp.Gt: lambda s: s > 0,
    sp.Ge: lambda s: s >= 0,
}


def _and(values: Iterable[bool | None]) -> bool | None:
    out: bool | None = True
    for v in values:
        if v is False:
            return False
        if v is None:
            out = None
    return out


def _or(values: Iterable[bool | None]) -> bool | None:
    out: bool | None = False
    for v in values:
        if v is True:
            return True
        if v is None:
            out = None
    return out


def _not(v: bool | None) -> bool | None:
    return None if v is None else not v


def _truth(f: sp.Basic) -> bool | None:
    if f is sp.true or f is True:
        return True
    if f is sp.false or f is False:
        return False
    if isinstance(f, sp.Rel):
        rule = _REL.get(type(f))
        if rule is None:
            return None
        lhs, rhs = f.args
        if lhs.free_symbols or rhs.free_symbols:
            return None
        if any(a.has(sp.zoo, sp.nan, sp.I, sp.oo, -sp.oo) for a in (lhs, rhs)):
            return None
        with sp.evaluate(False):
            diff = sp.Add(lhs, sp.Mul(-1, rhs))
        s = sign_of(diff)
        return None if s is None else rule(s)
    if isinstance(f, sp.Contains):
        value, where = f.args
        value = sp.expand(value)
        if value.is_Rational and where is sp.Integers:
            return bool(value.is_integer)
        return None
    if isinstance(f, sp.And):
        return _and(_truth(a) for a in f.args)
    if isinstance(f, sp.Or):
        return _or(_truth(a) for a in f.args)
    if isinstance(f, sp.Not):
        return _not(_truth(f.args[0]))
    if isinstance(f, sp.Implies):
        return _or([_not(_truth(f.args[0])), _truth(f.args[1])])
    if isinstance(f, sp.Equivalent):
        vals = [_truth(a) for a in f.args]
        if None in vals:
            return None
        return len(set(vals)) == 1
    if isinstance(f, sp.Xor):
        vals = [_truth(a) for a in f.args]
        if None in vals:
            return None
        return sum(vals) % 2 == 1
    return None


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
    return _truth(f)


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
            return type(f)(_unevaluated(f.lhs, vals), _unevaluated(f.rhs, vals), evaluate=False)
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
