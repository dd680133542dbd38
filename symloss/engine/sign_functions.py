"""Sign rules of the function heads: σ, softplus, ReLU, exp, tanh … by their
sign tables (:data:`FUNCTION_SIGNS`), their ranges (``1 − σ(x) > 0``,
:data:`RANGES`) and monotonicity (``exp(x) − 1`` has the sign of ``x``,
:data:`MONOTONE`); ``log``; ``Max``/``Min``; ``Piecewise`` branch by branch.

Same conventions as :mod:`.sign_elementary`, whose helpers these rules share;
:mod:`.sign_rules` puts both families into the default table.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import sympy as sp

from ..language.functions import relu, sigmoid, softplus
from ..calculus.proof import Sign, Step, check_proof
from .sign_core import (
    ALL,
    SignStep,
    fact_sign,
    set_sign,
    sign_set,
)
from .sign_elementary import _X, _real, _result, _sgn  # noqa: F401 - _X: the examples' variable

__all__ = [
    "RANGES", "RangeBound", "range_rule", "MONOTONE", "MonotoneDifference", "monotone_difference_rule",
    "FUNCTION_SIGNS", "FunctionSign", "function_rule", "LogSign", "log_rule", "ExtremumSign",
    "extremum_rule", "BranchProof", "piecewise_branches", "PiecewiseSign", "piecewise_rule",
]


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

    >>> from symloss.engine.sign_rules import _ctx
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

    >>> from symloss.engine.sign_rules import _ctx
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

    >>> from symloss.engine.sign_rules import _ctx
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

    >>> from symloss.engine.sign_rules import _ctx
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

    >>> from symloss.engine.sign_rules import _ctx
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

    >>> from symloss.engine.sign_rules import _ctx
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

