"""Tests of the function vocabulary (symloss.language.functions): derivatives against
an independent mpmath finite difference, kink conventions, LaTeX forms and
the NumPy/mpmath tables used by lambdify."""

from __future__ import annotations

import warnings

import mpmath
import numpy as np
import pytest
import sympy as sp

from symloss.language.functions import (
    MPMATH_FUNCTIONS,
    NUMPY_FUNCTIONS,
    VOCABULARY,
    definedness_conditions,
    derivative,
    relu,
    sigmoid,
    softplus,
)

x, y = sp.symbols("x y", real=True)
Q = sp.Rational
DPS = 50


def _mp(expr, *args):
    return sp.lambdify(args, expr, modules=[MPMATH_FUNCTIONS, "mpmath"])


def _np(expr, *args):
    return sp.lambdify(args, expr, modules=[NUMPY_FUNCTIONS, "numpy"])


def _central_difference(f, x0, h):
    return (f(x0 + h) - f(x0 - h)) / (2 * h)


# One expression per vocabulary entry, composed with an affine inner map so the
# chain rule is exercised; `kinks` are the x where the expression is not smooth,
# `lo`/`hi` the sampling range (inside the function's domain).
CASES = {
    "sigmoid": (sigmoid(2 * x - Q(1, 3)), [], -8, 8),
    "softplus": (softplus(-3 * x + 1), [], -8, 8),
    "relu": (relu(x - Q(1, 2)) ** 2 + relu(x), [Q(1, 2), 0], -4, 4),
    "tanh": (sp.tanh(x / 2 + 1), [], -6, 6),
    "cosh": (sp.cosh(x - 1), [], -4, 4),
    "exp": (sp.exp(-x**2 / 2), [], -4, 4),
    "log": (sp.log(x**2 + x + 1), [], -5, 5),
    "sqrt": (sp.sqrt(x + 5), [], -4, 5),
    "abs": (sp.Abs(3 * x - 1), [Q(1, 3)], -3, 3),
    "sign": (sp.sign(x - 1) * x, [1], -3, 3),
    "max": (sp.Max(x, 1 - x, Q(1, 5)), [Q(1, 2)], -3, 3),
    "min": (sp.Min(x**2, 2 - x), [1, -2], -3, 3),
    "where": (sp.Piecewise((x**3, x > 1), (2 * x - 1, True)), [1], -3, 3),
}


def test_cases_cover_vocabulary():
    assert set(CASES) == set(VOCABULARY)


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("seed", range(3))
def test_derivative_matches_finite_difference(name, seed):
    expr, kinks, lo, hi = CASES[name]
    d = derivative(expr, x)
    f, df = _mp(expr, x), _mp(d, x)
    rng = np.random.default_rng(seed)
    with mpmath.workdps(DPS):
        h = mpmath.mpf(10) ** -15
        for x0 in rng.uniform(lo, hi, size=8):
            x0 = mpmath.mpf(float(x0))
            if any(abs(x0 - mpmath.mpf(sp.Rational(k).p) / sp.Rational(k).q) < 1e-3 for k in kinks):
                continue
            fd = _central_difference(f, x0, h)
            exact = df(x0)
            assert abs(fd - exact) <= mpmath.mpf(10) ** -20 * (1 + abs(exact)), (name, x0, fd, exact)


@pytest.mark.parametrize("expr, var, order", [
    (sigmoid(x * y), x, 2),
    (softplus(x) * sp.tanh(y * x), x, 2),
    (sp.log(1 + sp.exp(-x * y)), y, 3),
])
def test_higher_derivatives_match_finite_difference(expr, var, order):
    d = derivative(expr, var, order)
    lower = derivative(expr, var, order - 1)
    other = y if var is x else x
    with mpmath.workdps(DPS):
        h = mpmath.mpf(10) ** -15
        for x0, y0 in [(Q(1, 3), Q(-2, 7)), (Q(-5, 4), Q(3, 2))]:
            point = {var: x0, other: y0}
            g = _mp(lower.subs(other, point[other]), var)
            exact = _mp(d, x, y)(*(mpmath.mpf(v.p) / v.q for v in (point[x], point[y])))
            fd = _central_difference(g, mpmath.mpf(x0.p) / x0.q, h)
            assert abs(fd - exact) <= mpmath.mpf(10) ** -20 * (1 + abs(exact))


# --- kink conventions (PyTorch autograd) -----------------------------------------
@pytest.mark.parametrize("expr, at, expected", [
    (relu(x), {x: 0}, 0),
    (relu(x), {x: 1}, 1),
    (relu(x), {x: -1}, 0),
    (sp.Abs(x), {x: 0}, 0),
    (sp.Abs(x), {x: -2}, -1),
    (sp.sign(x), {x: 0}, 0),
    (sp.sign(x), {x: 3}, 0),
    (sp.Max(x, y), {x: 1, y: 1}, Q(1, 2)),
    (sp.Max(x, y), {x: 2, y: 1}, 1),
    (sp.Min(x, y), {x: 1, y: 1}, Q(1, 2)),
    (sp.Min(x, y), {x: 2, y: 1}, 0),
    (sp.Piecewise((x**2, x > 0), (-x, True)), {x: 0}, -1),
    (sp.Piecewise((x**2, x >= 0), (-x, True)), {x: 0}, 0),
    (sigmoid(x), {x: 0}, Q(1, 4)),
    (softplus(x), {x: 0}, Q(1, 2)),
])
def test_kink_conventions(expr, at, expected):
    assert derivative(expr, x).subs(at) == expected


@pytest.mark.parametrize("expr", [relu(x), sp.Abs(x), sp.sign(x), relu(x - 1) + sp.Abs(x + 1)])
def test_no_dirac_deltas(expr):
    for order in (1, 2, 3):
        assert not derivative(expr, x, order).has(sp.DiracDelta)
    assert derivative(expr, x, 2).subs(x, Q(1, 3)) == 0


def test_derivative_order_zero_and_errors():
    assert derivative(sigmoid(x), x, 0) == sigmoid(x)
    with pytest.raises(ValueError, match="-1"):
        derivative(x, x, -1)


# --- exact values, assumptions, rewrites --------------------------------------------
@pytest.mark.parametrize("expr, expected", [
    (sigmoid(0), Q(1, 2)),
    (sigmoid(sp.oo), 1),
    (sigmoid(-sp.oo), 0),
    (softplus(0), sp.log(2)),
    (softplus(-sp.oo), 0),
    (softplus(sp.oo), sp.oo),
    (relu(-3), 0),
    (relu(Q(1, 2)), Q(1, 2)),
    (relu(sp.Symbol("p", positive=True)), sp.Symbol("p", positive=True)),
    (sigmoid(x).rewrite(sp.exp), 1 / (1 + sp.exp(-x))),
    (softplus(x).rewrite(sp.exp), sp.log(1 + sp.exp(x))),
    (relu(x).rewrite(sp.Max), sp.Max(0, x)),
])
def test_exact_values(expr, expected):
    assert expr == expected


@pytest.mark.parametrize("expr, attr, value", [
    (sigmoid(x), "is_positive", True),
    (sigmoid(x), "is_real", True),
    (softplus(x), "is_positive", True),
    (relu(x), "is_nonnegative", True),
    (relu(x), "is_positive", None),
    (relu(-x**2 - 1), "is_positive", False),
    (sigmoid(sp.Symbol("c")), "is_positive", None),
])
def test_assumptions(expr, attr, value):
    assert getattr(expr, attr) is value


@pytest.mark.parametrize("expr, value", [
    (sigmoid(Q(1, 3)), lambda: 1 / (1 + mpmath.exp(-mpmath.mpf(1) / 3))),
    (softplus(-2), lambda: mpmath.log(1 + mpmath.exp(-2))),
    (relu(-Q(1, 2)), lambda: mpmath.mpf(0)),
])
def test_evalf(expr, value):
    with mpmath.workdps(40):
        assert abs(mpmath.mpf(str(expr.evalf(40))) - value()) < mpmath.mpf(10) ** -35


# --- LaTeX ------------------------------------------------------------------------
@pytest.mark.parametrize("expr, latex", [
    (sigmoid(x), r"\sigma\left(x\right)"),
    (sigmoid(x) ** 2, r"\sigma\left(x\right)^{2}"),
    (softplus(x), r"\operatorname{softplus}\left(x\right)"),
    (relu(x), r"\max\left(0, x\right)"),        # the one notation: max(0, ·), as the terminal prints it
    (relu(x) ** 3, r"\max\left(0, x\right)^{3}"),
    (sigmoid(sp.Symbol("lambda", real=True)), r"\sigma\left(\lambda\right)"),
])
def test_latex(expr, latex):
    assert sp.latex(expr) == latex


# --- lambdify tables -----------------------------------------------------------------
POINTS = [-800.0, -40.0, -1.5, -1e-8, 0.0, 1e-8, 0.3, 2.0, 40.0, 800.0]


@pytest.mark.parametrize("name", ["sigmoid", "softplus", "relu"])
def test_numpy_table_matches_mpmath(name):
    """Full relative accuracy at every point, including the tails."""
    np_f, mp_f = NUMPY_FUNCTIONS[name], MPMATH_FUNCTIONS[name]
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        got = np_f(np.array(POINTS))
    assert got.dtype == np.float64 and got.shape == (len(POINTS),)
    with mpmath.workdps(DPS):
        for z, g in zip(POINTS, got):
            want = mp_f(mpmath.mpf(z))
            assert abs(g - want) <= 1e-300 + 4e-16 * abs(want), (name, z, g, want)


def test_numpy_sigmoid_absolute_accuracy():
    got = NUMPY_FUNCTIONS["sigmoid"](np.array(POINTS))
    with mpmath.workdps(DPS):
        for z, g in zip(POINTS, got):
            assert abs(g - MPMATH_FUNCTIONS["sigmoid"](mpmath.mpf(z))) <= 2.3e-16


@pytest.mark.parametrize("name, reference", [
    ("sigmoid", lambda z: 1 / (1 + mpmath.exp(-z))),
    ("softplus", lambda z: mpmath.log(1 + mpmath.exp(z))),
    ("relu", lambda z: max(z, 0)),
])
def test_mpmath_table_matches_definition(name, reference):
    with mpmath.workdps(DPS):
        for z in POINTS:
            z = mpmath.mpf(z)
            want = reference(z)
            assert abs(MPMATH_FUNCTIONS[name](z) - want) <= mpmath.mpf(10) ** -45 * (1 + abs(want))


def test_sigmoid_stable_at_extremes():
    f = _np(sigmoid(x), x)
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        v = f(np.array([-800.0, 800.0, -1e5, 1e5]))
        sp_ = _np(softplus(x), x)(np.array([-800.0, 800.0, 1e5]))
    assert np.all(np.isfinite(v)) and np.all(np.isfinite(sp_))
    assert v[1] == 1.0 and v[3] == 1.0 and 0.0 <= v[0] < 1e-300
    assert sp_[1] == 800.0 and sp_[2] == 1e5 and 0.0 <= sp_[0] < 1e-300
    with mpmath.workdps(DPS):
        assert abs(MPMATH_FUNCTIONS["sigmoid"](mpmath.mpf(-800)) - mpmath.exp(-800)) < mpmath.exp(-800) * 1e-40
        assert abs(1 - MPMATH_FUNCTIONS["sigmoid"](mpmath.mpf(40)) - mpmath.exp(-40)) < 2 * mpmath.exp(-80)


@pytest.mark.parametrize("expr", [
    sigmoid(2 * x + y) * (1 - sigmoid(y)),
    softplus(x - y) + relu(x * y),
    derivative(relu(x - y), x),
    derivative(sp.Abs(x - y) + sp.Max(x, y), x),
    derivative(softplus(-x * y), x, 2),
    sp.Piecewise((x, x > y), (y, True)),
])
def test_lambdify_numpy_agrees_with_mpmath(expr):
    rng = np.random.default_rng(7)
    xs, ys = rng.normal(size=50) * 3, rng.normal(size=50) * 3
    xs[:3] = ys[:3]  # ties / kinks
    got = _np(expr, x, y)(xs, ys)
    got = np.broadcast_to(got, xs.shape)
    f = _mp(expr, x, y)
    with mpmath.workdps(DPS):
        for a, b, g in zip(xs, ys, got):
            want = f(mpmath.mpf(a), mpmath.mpf(b))
            assert abs(g - want) <= 1e-12 * (1 + abs(want)), (a, b, g, want)


# --- definedness --------------------------------------------------------------------
@pytest.mark.parametrize("expr, expected", [
    (sp.log(x), {sp.Gt(x, 0)}),
    (sp.sqrt(x + 2), {sp.Ge(x + 2, 0)}),
    (1 / (x - 1), {sp.Ne(x - 1, 0)}),
    (x ** Q(-1, 2), {sp.Gt(x, 0)}),
    (x ** Q(-1, 3), {sp.Gt(x, 0)}),  # SymPy's cube root of a negative is complex
    (x ** Q(1, 3), {sp.Ge(x, 0)}),
    (x ** -2, {sp.Ne(x, 0)}),
    (2 ** x, set()),
    (x ** y, {sp.Ge(x, 0), sp.Or(sp.Ne(x, 0), sp.Gt(y, 0))}),  # y real: x >= 0 (x = 0 needs y > 0); a negative base needs y declared integer
    (sigmoid(x) + relu(x) + x**2, set()),
    (sp.log(sigmoid(x)), set()),
])
def test_definedness_conditions(expr, expected):
    assert set(definedness_conditions(expr)) == expected


@pytest.mark.parametrize("name", sorted(VOCABULARY))
def test_vocabulary_specs(name):
    spec = VOCABULARY[name]
    lo, hi = spec.arity
    assert spec.name == name and lo >= 1 and (hi is None or hi >= lo)
    assert spec.doc and spec.domain


# --- evaluation in the far tail: never rounds a positive value to 0 ---------------------
@pytest.mark.parametrize("z", [-1077, -2000, -40, 0, 3])
def test_softplus_evalf_keeps_relative_accuracy(z):
    import sympy as sp

    from symloss.language.functions import softplus

    got = sp.N(softplus(sp.Integer(z)), 30)
    with mpmath.workdps(60):
        want = mpmath.log1p(mpmath.exp(z))
        assert got > 0 and abs(mpmath.mpf(str(got)) - want) <= want * mpmath.mpf(10) ** -25
    assert softplus(sp.Integer(z)) > 0
