"""The sign rules: one small function per expression head, each returning a
:class:`~symloss.engine.signs.SignResult` whose step re-checks itself by a table.

:func:`default_rules` builds the table of every rule with the heads it
applies to, in the order the driver tries them (:data:`RULES`); nothing is
registered by importing a module, and a user can build a table of their own
from any of the rules.  A rule asks for the signs of
sub-expressions only through the driver (``ctx.sign(sub)``).

Each step class states its rule in its docstring and keeps every premise in
an explicit field; ``verify()`` checks (1) that ``expr`` really has the shape
the rule needs (rebuilding it from the fields and comparing structurally) and
(2) that the sign table turns the premises' facts into the conclusion.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import sympy as sp

from ..language.functions import relu, sigmoid, softplus
from ..calculus.proof import Given, Sign, Step, check_proof
from .sign_core import (
    ALL,
    SignContext,
    SignRules,
    SignResult,
    SignStep,
    fact_sign,
    set_add,
    set_mul,
    set_sign,
    sign_set,
)

__all__ = [
    "RULES",
    "default_rules",
    "NumberSign",
    "AssumptionSign",
    "AddSign",
    "RangeBound",
    "MonotoneDifference",
    "Rewrite",
    "SumOfSquares",
    "ProductSign",
    "PowSign",
    "FunctionSign",
    "LogSign",
    "ExtremumSign",
    "BranchProof",
    "PiecewiseSign",
    "MONOTONE",
]


_X = sp.Symbol("x", real=True)  # for the examples


def _ctx(*hypotheses):
    """A driver context for the examples: ``_ctx(x > 0)``."""
    return SignContext(tuple(Given(h, "example") for h in hypotheses), default_rules())


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


#: ranges of functions of one real argument: (low, low_open, high, high_open);
#: ``None`` is an infinite end.
RANGES = {
    sigmoid: (sp.S.Zero, True, sp.S.One, True),
    sp.tanh: (-sp.S.One, True, sp.S.One, True),
    sp.exp: (sp.S.Zero, True, None, True),
    softplus: (sp.S.Zero, True, None, True),
    sp.cosh: (sp.S.One, False, None, True),
    relu: (sp.S.Zero, False, None, True),
    sp.Abs: (sp.S.Zero, False, None, True),
}


def _range_signs(const, coeff, func) -> frozenset:
    lo, lo_open, hi, hi_open = RANGES[func]
    if coeff < 0:
        lo, lo_open, hi, hi_open = hi, hi_open, lo, lo_open
    out = set(ALL)
    if lo is not None:
        low = const + coeff * lo
        if low > 0 or (low == 0 and lo_open):
            out &= {1}
        elif low == 0:
            out &= {0, 1}
    if hi is not None:
        high = const + coeff * hi
        if high < 0 or (high == 0 and hi_open):
            out &= {-1}
        elif high == 0:
            out &= {-1, 0}
    return frozenset(out)


@dataclass(frozen=True)
class RangeBound(SignStep):
    """``c + k·f(u)`` for a function ``f`` of known range (σ ∈ (0, 1),
    tanh ∈ (−1, 1), exp, softplus > 0, cosh ≥ 1, relu, |·| ≥ 0) and rationals
    ``c``, ``k ≠ 0``: the range of ``f`` shifted and scaled fixes the sign,
    e.g. ``1 − σ(u) > 0``."""

    func: type
    arg: sp.Expr
    const: sp.Rational
    coeff: sp.Rational

    def verify(self) -> None:
        if self.func not in RANGES or not (self.const.is_Rational and self.coeff.is_Rational):
            raise self.fail(f"no range known for {self.func} or non-rational constants")
        if self.coeff == 0 or sp.Add(self.const, self.coeff * self.func(self.arg)) != self.expr:
            raise self.fail(f"{self.expr} is not {self.const} + {self.coeff}*{self.func}(...)")
        if not _real(self.arg):
            raise self.fail(f"argument {self.arg} is not known to be real")
        self.conclude(_range_signs(self.const, self.coeff, self.func))


def range_rule(expr, ctx):
    """``c + k·f(u)`` for ``f`` of known range.

    >>> range_rule(1 - sigmoid(_X), _ctx()).sign
    <Sign.POSITIVE: '> 0'>
    """
    if len(expr.args) != 2 or not expr.args[0].is_Rational:
        return None
    const, term = expr.args
    coeff, core = term.as_coeff_Mul()
    if type(core) not in RANGES or len(core.args) != 1 or not _real(core.args[0]):
        return None
    s = set_sign(_range_signs(const, coeff, type(core)))
    if s is None:
        return None
    return _result(RangeBound(expr, s, type(core), core.args[0], const, coeff))


#: strictly increasing functions: name -> (builder, sign the arguments need
#: for the function to be defined and increasing, or None for all reals).
MONOTONE = {
    "sigmoid": (sigmoid, None),
    "tanh": (sp.tanh, None),
    "exp": (sp.exp, None),
    "softplus": (softplus, None),
    "sinh": (sp.sinh, None),
    "atan": (sp.atan, None),
    "log": (sp.log, Sign.POSITIVE),
    "sqrt": (sp.sqrt, Sign.NONNEGATIVE),
}


def _monotone(name: str):
    """(builder, domain sign) for a MONOTONE name or ``pow:n`` (positive
    integer n: odd powers on ℝ, even powers on [0, ∞))."""
    if name in MONOTONE:
        return MONOTONE[name]
    if name.startswith("pow:") and name[4:].isdigit() and int(name[4:]) > 0:
        n = int(name[4:])
        return (lambda u: u**n), (None if n % 2 else Sign.NONNEGATIVE)
    return None


def _monotone_name(e: sp.Expr) -> tuple[str, sp.Expr] | None:
    if isinstance(e, sp.Pow) and e.exp.is_Integer and e.exp > 1:
        return f"pow:{e.exp}", e.base
    if isinstance(e, sp.Pow) and e.exp == sp.S.Half:
        return "sqrt", e.base
    for name, (f, _) in MONOTONE.items():
        if isinstance(f, type) and isinstance(e, f) and len(e.args) == 1:
            return name, e.args[0]
    return None


@dataclass(frozen=True)
class MonotoneDifference(SignStep):
    """``f(a) − f(b)`` has the sign of ``a − b`` when ``f`` is strictly
    increasing (σ, tanh, exp, softplus, sinh, atan on ℝ; log on (0, ∞);
    sqrt and even powers on [0, ∞); odd powers on ℝ).  ``diff`` proves the
    sign of ``a − b``; ``domain`` proves ``a``, ``b`` lie where ``f`` is
    increasing (empty when ``f`` is increasing on all of ℝ)."""

    func: str
    a: sp.Expr
    b: sp.Expr
    diff: Step
    domain: tuple[Step, ...] = ()

    def verify(self) -> None:
        spec = _monotone(self.func)
        if spec is None:
            raise self.fail(f"{self.func!r} is not a known increasing function")
        f, dom = spec
        if sp.Add(f(self.a), -f(self.b)) != self.expr:
            raise self.fail(f"{self.expr} is not {self.func}({self.a}) - {self.func}({self.b})")
        if not (_real(self.a) and _real(self.b)):
            raise self.fail("arguments not known to be real")
        if dom is not None:
            for x in (self.a, self.b):
                if not any(fact_sign(d.fact, x) and sign_set(fact_sign(d.fact, x)) <= sign_set(dom)
                           for d in self.domain):
                    raise self.fail(f"no premise puts {x} in the domain ({dom.value}) of {self.func}")
        self.conclude(self.premise_set(self.diff, self.a - self.b))


def monotone_difference_rule(expr, ctx):
    """``f(a) − f(b)`` for increasing ``f``.

    >>> monotone_difference_rule(sp.exp(_X) - 1, _ctx(_X > 0)).sign
    <Sign.POSITIVE: '> 0'>
    """
    if len(expr.args) != 2:
        return None
    for first, second in (expr.args, expr.args[::-1]):
        hit = _monotone_name(first)
        if hit is None:
            continue
        name, a = hit
        f, dom = _monotone(name)
        neg = -second
        other = _monotone_name(neg)
        if other is not None and other[0] == name:
            b = other[1]
        else:  # a constant f(b) for a small b, e.g. σ(u) − 1/2 = σ(u) − σ(0)
            b = next((c for c in (sp.S.Zero, sp.S.One) if f(c) == neg), None)
            if b is None:
                continue
        if sp.Add(f(a), -f(b)) != expr:
            continue
        d = ctx.sign(a - b)
        if d is None:
            continue
        domain = []
        if dom is not None:
            for x in (a, b):
                r = ctx.sign(x)
                if r is None or not sign_set(r.sign) <= sign_set(dom):
                    return None
                domain.append(r.step)
        return _result(MonotoneDifference(expr, d.sign, name, a, b, d.step, tuple(domain)))
    return None


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


# -------------------------------------------------------------- functions of one argument

_ID = {-1: -1, 0: 0, 1: 1}
#: head -> map from sign(argument) to sign(value)
FUNCTION_SIGNS = {
    sp.exp: {-1: 1, 0: 1, 1: 1},
    sigmoid: {-1: 1, 0: 1, 1: 1},
    softplus: {-1: 1, 0: 1, 1: 1},
    sp.cosh: {-1: 1, 0: 1, 1: 1},
    relu: {-1: 0, 0: 0, 1: 1},
    sp.Abs: {-1: 1, 0: 0, 1: 1},
    sp.tanh: _ID,
    sp.sign: _ID,
    sp.sinh: _ID,
    sp.atan: _ID,
    sp.asinh: _ID,
}


def _function_table(expr) -> dict | None:
    table = FUNCTION_SIGNS.get(type(expr))
    if table is not None and len(expr.args) == 1:
        return table
    if isinstance(expr, sp.Heaviside) and len(expr.args) == 2 and expr.args[1].is_Rational:
        return {-1: 0, 0: _sgn(expr.args[1]), 1: 1}
    return None


@dataclass(frozen=True)
class FunctionSign(SignStep):
    """``f(u)`` for a function whose sign is a function of ``sign(u)``:
    exp, σ, softplus, cosh > 0; relu ≥ 0 (> 0 iff u > 0); |u| ≥ 0 (> 0 iff
    u ≠ 0); tanh, sign, sinh, atan, asinh keep the sign of ``u``; Heaviside by
    its value at 0.  ``premise`` is the fact about ``u`` (``None`` when the
    result does not depend on it)."""

    premise: Step | None = None

    def verify(self) -> None:
        table = _function_table(self.expr)
        if table is None:
            raise self.fail(f"no sign table for {self.expr}")
        u = self.expr.args[0]
        if not _real(u):
            raise self.fail(f"argument {u} is not known to be real")
        uset = ALL if self.premise is None else self.premise_set(self.premise, u)
        self.conclude(frozenset(table[x] for x in uset))


def function_rule(expr, ctx):
    """Functions whose sign depends only on the sign of the argument.

    >>> function_rule(relu(_X), _ctx(_X <= 0)).sign
    <Sign.ZERO: '= 0'>
    """
    table = _function_table(expr)
    if table is None or not _real(expr.args[0]):
        return None
    free = set_sign(set(table.values()))
    if free in (Sign.POSITIVE, Sign.NEGATIVE, Sign.ZERO):
        return _result(FunctionSign(expr, free, None))
    r = ctx.sign(expr.args[0])
    if r is not None:
        s = set_sign({table[x] for x in sign_set(r.sign)})
        if s is not None:
            return _result(FunctionSign(expr, s, r.step))
    return _result(FunctionSign(expr, free, None)) if free else None


# -------------------------------------------------------------- log


@dataclass(frozen=True)
class LogSign(SignStep):
    """``log(u)`` has the sign of ``u − 1`` (log is increasing with
    log 1 = 0).  ``shifted`` proves the sign of ``u − 1``; ``domain`` proves
    ``u > 0`` (not needed when ``u − 1 ≥ 0``)."""

    shifted: Step
    domain: Step | None = None

    def verify(self) -> None:
        if not isinstance(self.expr, sp.log) or len(self.expr.args) != 1:
            raise self.fail(f"{self.expr} is not log(u)")
        u = self.expr.args[0]
        if not _real(u):
            raise self.fail(f"argument {u} is not known to be real")
        s = self.premise_set(self.shifted, u - 1)
        if not s <= {0, 1}:
            if self.domain is None or fact_sign(self.domain.fact, u) is not Sign.POSITIVE:
                raise self.fail(f"log({u}) needs a premise {u} > 0")
        self.conclude(s)


def log_rule(expr, ctx):
    """``log(u)`` from the sign of ``u − 1``.

    >>> log_rule(sp.log(sigmoid(_X)), _ctx()).sign
    <Sign.NEGATIVE: '< 0'>
    """
    if len(expr.args) != 1:
        return None
    u = expr.args[0]
    if not _real(u):
        return None
    r = ctx.sign(u - 1)
    if r is None:
        return None
    domain = None
    if not sign_set(r.sign) <= {0, 1}:
        d = ctx.sign(u)
        if d is None or d.sign is not Sign.POSITIVE:
            return None
        domain = d.step
    return _result(LogSign(expr, r.sign, r.step, domain))


# -------------------------------------------------------------- max / min


@dataclass(frozen=True)
class ExtremumSign(SignStep):
    """``max(a, b, ...)`` / ``min(a, b, ...)``: sign is monotone, so
    ``sign(max) = max(signs)`` and ``sign(min) = min(signs)``; ``args`` holds
    one premise per argument (``None`` = nothing known about it)."""

    args: tuple[Step | None, ...]

    def verify(self) -> None:
        if not isinstance(self.expr, (sp.Max, sp.Min)) or len(self.args) != len(self.expr.args):
            raise self.fail(f"{self.expr} is not max/min of {len(self.args)} arguments")
        pick = max if isinstance(self.expr, sp.Max) else min
        sets = [ALL if p is None else self.premise_set(p, a)
                for p, a in zip(self.args, self.expr.args)]
        self.conclude(frozenset(pick(c) for c in itertools.product(*sets)))


def extremum_rule(expr, ctx):
    """``Max`` / ``Min``.

    >>> extremum_rule(sp.Max(_X, 1), _ctx()).sign
    <Sign.POSITIVE: '> 0'>
    """
    pick = max if isinstance(expr, sp.Max) else min
    steps, sets = [], []
    for a in expr.args:
        r = ctx.sign(a)
        steps.append(None if r is None else r.step)
        sets.append(ALL if r is None else sign_set(r.sign))
    s = set_sign({pick(c) for c in itertools.product(*sets)})
    return _result(ExtremumSign(expr, s, tuple(steps))) if s else None


# -------------------------------------------------------------- piecewise


@dataclass(frozen=True)
class BranchProof:
    """One Piecewise branch: the local ``conditions`` (its own condition and
    the negations of the earlier ones) and the sign ``proof`` of its value,
    which may cite those conditions as :class:`~symloss.calculus.proof.Given`."""

    conditions: tuple[sp.Basic, ...]
    proof: Step


def piecewise_branches(pw: sp.Piecewise) -> list[tuple[sp.Expr, tuple]]:
    """``(value, conditions)`` per branch of ``pw``: its own condition and the
    negations of the earlier ones.  Together they cover every point only when
    the last condition is ``True``; without an otherwise-branch the points no
    condition selects are where ``pw`` is undefined (see
    :func:`~symloss.language.functions.definedness_conditions`), so a case split must
    check for the otherwise-branch itself."""
    out, earlier = [], []
    for value, cond in pw.args:
        conds = tuple(c for c in [cond, *(sp.Not(e) for e in earlier)] if c is not sp.true)
        out.append((value, conds))
        earlier.append(cond)
    return out


@dataclass(frozen=True)
class PiecewiseSign(SignStep):
    """A Piecewise expression: each branch's value has a sign proved under
    the claim's hypotheses (``context``) plus that branch's conditions; the
    union of the branch signs is the sign of the whole.  ``verify`` re-checks
    every branch proof with exactly those hypotheses allowed."""

    context: tuple[Given, ...]
    branches: tuple[BranchProof, ...]

    def verify(self) -> None:
        if not isinstance(self.expr, sp.Piecewise):
            raise self.fail(f"{self.expr} is not Piecewise")
        expected = piecewise_branches(self.expr)
        if len(expected) != len(self.branches):
            raise self.fail("one proof per branch is needed")
        allowed = {g.fact for g in self.context}
        possible = frozenset()
        for (value, conds), br in zip(expected, self.branches):
            if tuple(br.conditions) != conds:
                raise self.fail(f"branch conditions {br.conditions} should be {conds}")
            check_proof(br.proof, allowed | set(conds))
            possible = possible | self.premise_set(br.proof, value)
        self.conclude(possible)


def piecewise_rule(expr, ctx):
    """Piecewise, branch by branch under each condition.

    >>> piecewise_rule(sp.Piecewise((_X, _X > 0), (0, True)), _ctx()).sign
    <Sign.NONNEGATIVE: '>= 0'>
    """
    branches, possible = [], frozenset()
    for value, conds in piecewise_branches(expr):
        r = ctx.sign_under(value, conds)
        if r is None:
            return None
        branches.append(BranchProof(conds, r.step))
        possible = possible | sign_set(r.sign)
    s = set_sign(possible)
    if s is None:
        return None
    return _result(PiecewiseSign(expr, s, ctx.hypotheses, tuple(branches)))


# --------------------------------------------------------------------------
# the default table

#: Every rule with the expression heads it applies to, in the order the
#: driver tries them for one head.
RULES = (
    (number_rule, (sp.Rational, sp.NumberSymbol)),
    (symbol_rule, (sp.Symbol,)),
    (add_rule, (sp.Add,)),
    (range_rule, (sp.Add,)),
    (monotone_difference_rule, (sp.Add,)),
    (sum_of_squares_rule, (sp.Add,)),
    (factor_rule, (sp.Add,)),
    (mul_rule, (sp.Mul,)),
    (pow_rule, (sp.Pow,)),
    (function_rule, (*FUNCTION_SIGNS, sp.Heaviside)),
    (log_rule, (sp.log,)),
    (extremum_rule, (sp.Max, sp.Min)),
    (piecewise_rule, (sp.Piecewise,)),
)


def default_rules() -> SignRules:
    """A fresh table of the rules in :data:`RULES` (extend it, or build a
    :class:`~symloss.engine.sign_core.SignRules` of your own).

    >>> [r.__name__ for r in default_rules().rules_for(sp.Symbol('x') + 1)][:2]
    ['add_rule', 'range_rule']
    """
    rules = SignRules()
    for rule, heads in RULES:
        rules.register(*heads)(rule)
    return rules
