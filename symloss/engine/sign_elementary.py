"""Sign rules of the elementary heads: numbers, symbols, sums, products,
powers, and the rewrites of a sum that make its sign visible (a sum of
squares, a factored form).

Each rule takes an expression and the driver (``ctx``), asks for the signs of
sub-expressions only through ``ctx.sign(sub)``, and returns a
:class:`~symloss.engine.sign_core.SignResult` (or ``None``).  The rules of the
function heads are in :mod:`.sign_functions`; :mod:`.sign_rules` puts both
families into the default table.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from ..calculus.proof import Sign, Step
from .sign_core import (
    ALL,
    SignResult,
    SignStep,
    set_add,
    set_mul,
    set_sign,
    sign_set,
)

__all__ = [
    "NumberSign", "number_rule", "AssumptionSign", "symbol_rule", "AddSign", "add_rule",
    "Rewrite", "SumOfSquares", "sum_of_squares_rule", "factor_rule", "ProductSign", "mul_rule",
    "PowSign", "pow_rule",
]

_X = sp.Symbol("x", real=True)  # for the examples


def _result(step: SignStep) -> SignResult:
    return SignResult(step.sign, step)


def _sgn(q: sp.Expr) -> int:
    return int(bool(q > 0)) - int(bool(q < 0))


def _real(e: sp.Expr) -> bool:
    """Known to be a finite real (extended reals may be ±∞, where exp(−∞) = 0
    is not positive)."""
    return e.is_real is True


# -------------------------------------------------------------- numbers

_POSITIVE_CONSTANTS = (sp.pi, sp.E)


@dataclass(frozen=True)
class NumberSign(SignStep):
    """An exact number's sign: a Rational compared with 0 exactly, or one of
    the constants π, e (positive)."""

    def verify(self) -> None:
        if self.expr.is_Rational:
            self.conclude(frozenset({_sgn(self.expr)}))
        elif self.expr in _POSITIVE_CONSTANTS:
            self.conclude(frozenset({1}))
        else:
            raise self.fail(f"{self.expr} is not an exact rational or a known constant")


def number_rule(expr, ctx):
    """Exact numbers.

    >>> from symloss.engine.sign_rules import _ctx
    >>> number_rule(sp.Rational(-1, 2), _ctx()).sign
    <Sign.NEGATIVE: '< 0'>
    """
    if expr.is_Rational:
        return _result(NumberSign(expr, set_sign({_sgn(expr)})))
    if expr in _POSITIVE_CONSTANTS:
        return _result(NumberSign(expr, Sign.POSITIVE))
    return None


# -------------------------------------------------------------- symbols

_ASSUMPTION = {
    Sign.POSITIVE: "positive",
    Sign.NEGATIVE: "negative",
    Sign.ZERO: "zero",
    Sign.NONNEGATIVE: "nonnegative",
    Sign.NONPOSITIVE: "nonpositive",
    Sign.NONZERO: "nonzero",
}


@dataclass(frozen=True)
class AssumptionSign(SignStep):
    """A symbol's sign from its declared assumption, e.g.
    ``Symbol('d', positive=True)`` gives ``d > 0``."""

    def verify(self) -> None:
        if not isinstance(self.expr, sp.Symbol):
            raise self.fail(f"{self.expr} is not a symbol")
        name = _ASSUMPTION[self.sign]
        if getattr(self.expr, "is_" + name) is not True:
            raise self.fail(f"symbol {self.expr} is not declared {name}")


def symbol_rule(expr, ctx):
    """Symbols, from their declared assumptions.

    >>> from symloss.engine.sign_rules import _ctx
    >>> symbol_rule(sp.Symbol('d', positive=True), _ctx()).sign
    <Sign.POSITIVE: '> 0'>
    """
    for s, name in _ASSUMPTION.items():  # strongest first
        if getattr(expr, "is_" + name) is True:
            return _result(AssumptionSign(expr, s))
    return None


# -------------------------------------------------------------- sums


@dataclass(frozen=True)
class AddSign(SignStep):
    """A sum of terms of known signs: all terms ≥ 0 and one > 0 gives > 0,
    all ≥ 0 gives ≥ 0 (and symmetrically for ≤ 0), by the sign sum table."""

    terms: tuple[Step, ...]

    def verify(self) -> None:
        exprs = [t.expr if hasattr(t, "expr") else None for t in self.terms]
        if None in exprs or sp.Add(*exprs) != self.expr:
            raise self.fail(f"the terms do not add up to {self.expr}")
        possible = frozenset({0})
        for t, e in zip(self.terms, exprs):
            possible = set_add(possible, self.premise_set(t, e))
        self.conclude(possible)


def add_rule(expr, ctx):
    """Sums whose terms all lean the same way.

    >>> from symloss.engine.sign_rules import _ctx
    >>> add_rule(_X**2 + 1, _ctx()).sign
    <Sign.POSITIVE: '> 0'>
    """
    steps = []
    possible = frozenset({0})
    terms = list(expr.args)
    closed = [t for t in terms if t.is_number]
    if len(closed) >= 2 and len(closed) < len(terms) and not all(t.is_Rational for t in closed):
        # the closed part is one number, signed by the kernel as a whole
        # (w**2 + log(1 + exp(-40)) - exp(-41): the constant is > 0)
        terms = [sp.Add(*closed)] + [t for t in terms if not t.is_number]
    for term in terms:
        r = ctx.sign(term)
        if r is None:
            return None
        steps.append(r.step)
        possible = set_add(possible, sign_set(r.sign))
        if possible == ALL:
            return None
    s = set_sign(possible)
    return _result(AddSign(expr, s, tuple(steps))) if s else None


@dataclass(frozen=True)
class Rewrite(SignStep):
    """``expr`` equals ``form`` as rational functions of its atoms (checked
    by ``cancel(together(expr − form)) == 0``), so it has ``form``'s sign;
    used for factorisations such as ``x² − 2x + 1 = (x − 1)²``."""

    form: sp.Expr
    premise: Step

    def verify(self) -> None:
        d = self.expr - self.form
        if sp.expand(d) != 0 and sp.cancel(sp.together(d)) != 0:
            raise self.fail(f"{self.expr} is not identically {self.form}")
        self.conclude(self.premise_set(self.premise, self.form))


@dataclass(frozen=True)
class SumOfSquares(SignStep):
    """``expr = Σ cᵢ·lᵢ²`` with rationals ``cᵢ ≥ 0`` and real ``lᵢ`` (checked
    by ``expand``), so ``expr ≥ 0``; ``> 0`` when some ``cᵢ > 0`` has ``lᵢ`` a
    nonzero number.  Found by completing squares in a quadratic polynomial
    (e.g. ``x² − xy + y² = (x − y/2)² + (3/4)·y²``)."""

    terms: tuple[tuple[sp.Rational, sp.Expr], ...]

    def verify(self) -> None:
        total = sp.S.Zero
        strict = False
        for c, lin in self.terms:
            if not (c.is_Rational and c >= 0):
                raise self.fail(f"coefficient {c} is not a nonnegative rational")
            if not _real(lin):
                raise self.fail(f"{lin} is not known to be real")
            strict = strict or (c > 0 and lin.is_Rational and lin != 0)
            total += c * lin**2
        if sp.expand(self.expr - total) != 0:
            raise self.fail(f"{self.expr} is not the stated sum of squares")
        self.conclude(frozenset({1}) if strict else frozenset({0, 1}))


_SOS_MAX_GENS = 6


def _complete_squares(expr):
    """Σ c·l² decomposition of a quadratic polynomial with rational
    coefficients whose quadratic form is positive semidefinite, or None."""
    if not expr.free_symbols:
        return None  # a number: Poly would need generators (and may be complex)
    try:
        poly = sp.Poly(expr)
    except sp.polys.polyerrors.BasePolynomialError:
        return None
    gens = poly.gens
    if (len(gens) > _SOS_MAX_GENS or poly.total_degree() != 2
            or not all(c.is_Rational for c in poly.coeffs()) or not all(_real(g) for g in gens)):
        return None
    n = len(gens) + 1
    vec = list(gens) + [sp.S.One]
    m = [[sp.S.Zero] * n for _ in range(n)]
    for monom, c in poly.terms():
        idx = [i for i, e in enumerate(monom) for _ in range(e)]
        i, j = (idx + [n - 1, n - 1])[:2]
        if i == j:
            m[i][i] += c
        else:
            m[i][j] += c / 2
            m[j][i] += c / 2
    terms = []
    for i in range(n):
        p = m[i][i]
        if p < 0:
            return None
        if p == 0:
            if any(m[i][j] != 0 for j in range(i + 1, n)):
                return None
            continue
        row = [m[i][j] / p for j in range(n)]
        terms.append((p, sp.Add(*[row[j] * vec[j] for j in range(i, n)])))
        for r in range(i + 1, n):
            for c in range(i + 1, n):
                m[r][c] -= p * row[r] * row[c]
    return tuple(terms)


def sum_of_squares_rule(expr, ctx):
    """Quadratic polynomials, by completing squares.

    >>> from symloss.engine.sign_rules import _ctx
    >>> sum_of_squares_rule(_X**2 + _X + 1, _ctx()).sign
    <Sign.POSITIVE: '> 0'>
    """
    terms = _complete_squares(expr)
    if terms is None:
        return None
    strict = any(c > 0 and lin.is_Rational and lin != 0 for c, lin in terms)
    return _result(SumOfSquares(expr, Sign.POSITIVE if strict else Sign.NONNEGATIVE, terms))


_FACTOR_LIMIT = 40  # count_ops above which factoring is not attempted


def factor_rule(expr, ctx):
    """Small sums whose factorisation has a known sign.

    >>> from symloss.engine.sign_rules import _ctx
    >>> factor_rule(_X**3 + _X**2, _ctx(_X > -1)).step.form
    x**2*(x + 1)
    """
    if sp.count_ops(expr) > _FACTOR_LIMIT:
        return None
    form = sp.factor(expr)
    if form == expr or isinstance(form, sp.Add):
        return None
    r = ctx.sign(form)
    if r is None:
        return None
    return _result(Rewrite(expr, r.sign, form, r.step))


# -------------------------------------------------------------- products


@dataclass(frozen=True)
class ProductSign(SignStep):
    """A product of factors of known signs, by the sign product table
    (positive × nonnegative ≥ 0, negative × negative > 0, ...)."""

    factors: tuple[Step, ...]

    def verify(self) -> None:
        exprs = [getattr(f, "expr", None) for f in self.factors]
        # an unevaluated product (factor() gives (1/4)*(x + 1), which Mul
        # would distribute) is accepted when its arguments are the factors
        if None in exprs or (sp.Mul(*exprs) != self.expr and not (
                isinstance(self.expr, sp.Mul) and tuple(exprs) == self.expr.args)):
            raise self.fail(f"the factors do not multiply to {self.expr}")
        possible = frozenset({1})
        for f, e in zip(self.factors, exprs):
            possible = set_mul(possible, self.premise_set(f, e))
        self.conclude(possible)


def mul_rule(expr, ctx):
    """Products of factors of known signs.

    >>> from symloss.engine.sign_rules import _ctx
    >>> from symloss.language.functions import sigmoid
    >>> mul_rule(-sigmoid(_X), _ctx()).sign
    <Sign.NEGATIVE: '< 0'>
    """
    steps = []
    possible = frozenset({1})
    for factor in expr.args:
        r = ctx.sign(factor)
        if r is None:
            return None
        steps.append(r.step)
        possible = set_mul(possible, sign_set(r.sign))
    s = set_sign(possible)
    return _result(ProductSign(expr, s, tuple(steps))) if s else None


# -------------------------------------------------------------- powers


def _pow_signs(base_set: frozenset, exponent: sp.Expr) -> frozenset | None:
    """Possible signs of ``base**exponent`` for a real base, or None when the
    power may be undefined / non-real for some base in the set."""
    if exponent.is_Integer:
        n = int(exponent)
        if n == 0:
            return frozenset({1}) if 0 not in base_set else None
        if n < 0 and 0 in base_set:
            return None
        return frozenset(x ** abs(n) for x in base_set)
    if exponent.is_Rational:  # p/q, principal root: needs a nonnegative base
        if not base_set <= {0, 1}:
            return None
        if exponent < 0 and 0 in base_set:
            return None
        return base_set
    if exponent.is_extended_real is True and base_set == {1}:
        return frozenset({1})
    return None


@dataclass(frozen=True)
class PowSign(SignStep):
    """``b**n``: even powers are ≥ 0 (> 0 when b ≠ 0), odd integer powers
    keep the sign of ``b``, negative powers need ``b ≠ 0`` and keep the sign
    pattern of the positive power, fractional powers need ``b ≥ 0``, and any
    real power of ``b > 0`` is > 0.  ``base`` is the premise about ``b``
    (``None`` when the rule needs none, e.g. ``b**2 ≥ 0``)."""

    base: Step | None = None

    def verify(self) -> None:
        if not isinstance(self.expr, sp.Pow):
            raise self.fail(f"{self.expr} is not a power")
        b, e = self.expr.args
        if self.base is None:
            if not _real(b):
                raise self.fail(f"base {b} not known to be real")
            bset = ALL
        else:
            bset = self.premise_set(self.base, b)
        possible = _pow_signs(bset, e)
        if possible is None:
            raise self.fail(f"{self.expr} may be undefined for a base with signs {sorted(bset)}")
        self.conclude(possible)


def pow_rule(expr, ctx):
    """Powers.

    >>> from symloss.engine.sign_rules import _ctx
    >>> pow_rule(_X**-2, _ctx(sp.Ne(_X, 0))).sign
    <Sign.POSITIVE: '> 0'>
    """
    b, e = expr.args
    if e.is_Integer and e > 0 and e % 2 == 0 and _real(b):
        base_free = set_sign(_pow_signs(ALL, e))
    else:
        base_free = None
    r = ctx.sign(b)
    if r is not None:
        possible = _pow_signs(sign_set(r.sign), e)
        s = set_sign(possible) if possible is not None else None
        if s is not None and (base_free is None or len(sign_set(s)) < len(sign_set(base_free))):
            return _result(PowSign(expr, s, r.step))
    if base_free is not None:
        return _result(PowSign(expr, base_free, None))
    return None

