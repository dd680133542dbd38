"""The trusted kernel: certified signs of closed numbers, kernel-built nodes.

Oracle: mpmath at 1200 digits (independent of the kernel's interval code),
and signs argued by series expansions in the comments.
"""

import mpmath
import pytest
import sympy as sp

from symloss.language.functions import relu, sigmoid, softplus
from symloss.language.kernel import build, compare, holds, is_exactly_zero, sign_of, substitute

E, L, Q = sp.exp, sp.log, sp.Rational
w = sp.Symbol("w", real=True)
p = sp.Symbol("p", positive=True)

# exp(-41) - log(1 + exp(-40)) = e^-41 - e^-40 + O(e^-80) ≈ -2.69e-18
C = E(-41) - L(1 + E(-40))


def _mp(expr):
    """Independent 1200-digit value (mpmath, not interval arithmetic)."""
    with mpmath.workdps(1200):
        f = sp.lambdify([], expr, modules=[{"sigmoid": lambda z: 1 / (1 + mpmath.exp(-z)),
                                            "softplus": lambda z: mpmath.log1p(mpmath.exp(z))}, "mpmath"])
        return f()


def _hostile():
    """(expression, sign): differences of nearly equal transcendental numbers,
    magnitudes from 1e-18 down to below 1e-300."""
    out = [(C, -1), (-C, 1)]
    for k in (20, 40, 100, 200, 345):
        t = E(-k)
        out.append((t - L(1 + t), 1))                               # t²/2 - t³/3 …
        out.append((sigmoid(k) - 1 + t, 1))                         # 1 - σ(k) = t - t² + …
        out.append((sigmoid(k) - 1 + t - 2 * E(-2 * k), -1))        # … - t² < 0
        out.append((softplus(-k) - t, -1))                          # log(1 + t) - t < 0
        out.append((sp.tanh(k) - 1 + 2 * E(-2 * k), 1))            # 1 - tanh k = 2e^-2k - 2e^-4k + …
    with mpmath.workdps(700):
        r = mpmath.sqrt(2)
        lo = sp.Rational(int(mpmath.floor(r * 10**320)), 10**320)
    out += [(sp.sqrt(2) - lo, 1), (lo - sp.sqrt(2), -1), (sp.pi - Q(355, 113), -1)]
    return out


@pytest.mark.parametrize("expr, sign", _hostile())
def test_sign_of_hostile(expr, sign):
    assert sign_of(expr) == sign
    assert mpmath.sign(_mp(expr)) == sign  # the oracle agrees (guards the table itself)


@pytest.mark.parametrize("expr", [
    sp.Pow(sp.sqrt(2), 2, evaluate=False) - 2,
    sigmoid(1) + sigmoid(-1) - 1,
    sp.Add(sp.sqrt(8), -2 * sp.sqrt(2), evaluate=False),
    sp.S.Zero,
])
def test_sign_of_exact_zero(expr):
    assert sign_of(expr) == 0


@pytest.mark.parametrize("expr", [
    L(6) - L(2) - L(3),            # zero, but no exact argument here proves it
    E(-10**6) - E(-10**6 - 1) * E(1),
])
def test_sign_of_never_guesses(expr):
    assert sign_of(expr) in (None, 0)


@pytest.mark.parametrize("expr", [w, w + C, sp.oo, sp.zoo, sp.nan, L(-1)])
def test_sign_of_refuses_non_closed_or_non_real(expr):
    assert sign_of(expr) is None


@pytest.mark.parametrize("a, b, s", [
    (L(1 + E(-40)), 0, 1), (E(-41), L(1 + E(-40)), -1), (sigmoid(400), 1, -1), (sp.sqrt(2), sp.sqrt(2), 0),
])
def test_compare(a, b, s):
    assert compare(a, b) == s


@pytest.mark.parametrize("cond, value", [
    (sp.Gt(L(1 + E(-40)), 0, evaluate=False), True),
    (sp.Ge(C, 0, evaluate=False), False),
    (sp.And(sp.Lt(C, 0, evaluate=False), sp.Gt(sigmoid(400), Q(1, 2), evaluate=False), evaluate=False), True),
    (sp.Not(sp.Lt(C, 0, evaluate=False), evaluate=False), False),
    (sp.Gt(w, 0), None),
    (sp.Gt(sp.oo, 0, evaluate=False), None),
])
def test_holds(cond, value):
    assert holds(cond) is value


@pytest.mark.parametrize("fn, args, expected", [
    (sp.Abs, (C,), -C),
    (sp.Abs, (C * p,), -C * p),
    (sp.sign, (C,), -1),
    (sp.sign, (C * p,), -1),
    (sp.Heaviside, (C,), 0),
    (sp.Heaviside, (-C, 0), 1),
    (relu, (C,), 0),
    (relu, (-C,), -C),
    (sp.Max, (C, 0), 0),
    (sp.Max, (sigmoid(400) - 1, 0), 0),
    (sp.Min, (C, 0), C),
    (sp.Max, (C, 2 * C, w), sp.Max(C, w, evaluate=False)),
    (sp.Gt, (L(1 + E(-40)), 0), sp.true),
    (sp.Ge, (C, 0), sp.false),
    (sp.Eq, (sigmoid(1) + sigmoid(-1), 1), sp.true),
    (sp.Piecewise, ((1, sp.true), ), 1),
])
def test_build_decides_by_the_kernel(fn, args, expected):
    got = build(fn, *args)
    assert got == expected or (isinstance(got, sp.Expr) and sp.expand(got - expected) == 0)


def test_build_piecewise_condition():
    cond = build(sp.Gt, L(1 + E(-40)), 0)
    assert build(sp.Piecewise, (w**2, cond), (w**2 - 1, True)) == w**2


@pytest.mark.parametrize("expr, point, expected", [
    (sp.Abs(w + C), {w: 0}, -C),
    (sp.Max(w + C, 0), {w: 0}, 0),
    (sp.sign(w + C), {w: 0}, -1),
    (relu(w - C), {w: 0}, -C),
    (sp.Abs(w) + 1, {w: -3}, 4),
])
def test_substitute_decides_by_the_kernel(expr, point, expected):
    assert substitute(expr, point) == expected


def test_is_exactly_zero_does_not_rewrite_kinks():
    assert is_exactly_zero(sp.Abs(C, evaluate=False) + C) is False  # -C + C: decided by intervals, not rewrites
