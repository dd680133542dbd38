"""Exact real algebraic numbers (symloss.engine.algebraic): isolating intervals
checked against mpmath's roots, signs, polynomial minimisers against a
brute-force 50-digit oracle, and the proof steps re-checked and tampered with."""

from __future__ import annotations

import mpmath
import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symloss.engine.algebraic import (AlgebraicTruth, AtMinimum, PolynomialMinimiser, algebraic_sign, at_minimum,
                               isolating_interval, polynomial_argmin, polynomial_minimiser)
from symloss.calculus.claims import ArgMin
from symloss.errors import ProofCheckError

X = sp.Symbol("x")
w = sp.Symbol("w", real=True)
R = sp.Rational


@pytest.mark.parametrize("poly", [X ** 3 - 2, 5 * X ** 3 - 10 * X + 1, X ** 5 - X - 1, 6 * X ** 5 - 8 * X + 1])
@pytest.mark.parametrize("steps", [0, 30])
def test_isolating_intervals_contain_the_root_and_only_it(poly, steps):
    roots = sorted(float(sp.re(r)) for r in sp.Poly(poly, X).nroots(n=30) if abs(sp.im(r)) < 1e-20)
    for k, value in enumerate(roots):
        a, b = isolating_interval(sp.CRootOf(poly, k), steps)
        assert float(a) <= value <= float(b)
        assert sum(float(a) <= v <= float(b) for v in roots) == 1
        assert b - a <= 4 * R(1, 2 ** steps)


def test_a_wrong_interval_or_a_complex_root_is_refused():
    with pytest.raises(ValueError):
        isolating_interval(sp.CRootOf(X ** 2 + 1, 0))


@pytest.mark.parametrize("expr,sign", [
    (sp.CRootOf(X ** 3 - 2, 0) ** 3 - 2, 0),                    # exactly zero: by the minimal polynomial
    (sp.CRootOf(X ** 3 - 2, 0) - R(126, 100), -1),
    (sp.CRootOf(5 * X ** 3 - 10 * X + 1, 0) + R(3, 2), 1),
    (sp.CRootOf(5 * X ** 3 - 10 * X + 1, 2) - sp.sqrt(2), -1),   # 1.3498 < 1.4142
    (R(-3, 7), -1),
])
def test_algebraic_sign(expr, sign):
    assert algebraic_sign(expr) == sign


def _brute_argmin(poly):
    f = sp.lambdify(w, poly.as_expr(), "mpmath")
    with mpmath.workdps(50):
        crit = [r for r in sp.Poly(poly.diff(w), w).sqf_part().nroots(n=40, maxsteps=300) if abs(sp.im(r)) < 1e-30]
        vals = sorted((f(mpmath.mpf(str(sp.re(r)))), float(sp.re(r))) for r in crit)
    return vals


@settings(max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(-6, 6), min_size=3, max_size=4), st.integers(1, 3))
def test_polynomial_argmin_matches_a_50_digit_oracle(low, lead):
    """Random even-degree polynomials: the exact minimiser is the critical
    point with the least 50-digit value (when that least value is unique)."""
    coeffs = [lead] + [R(c, 4) for c in low]
    poly = sp.Poly(sum(c * w ** (len(coeffs) - 1 - i) for i, c in enumerate(coeffs)), w)
    if poly.degree() % 2:
        poly = sp.Poly(poly.as_expr() * w + 1, w)
    r = polynomial_argmin(poly)
    vals = _brute_argmin(poly)
    if len(vals) > 1 and abs(vals[1][0] - vals[0][0]) < 1e-30:
        assert r is None  # a tie: no unique minimiser
        return
    assert r is not None
    assert abs(float(sp.N(r, 30)) - vals[0][1]) < 1e-9


def test_steps_recheck_and_tampering_fails():
    term = ArgMin(w ** 4 / 4 - w ** 2 + w / 5, w)
    m = polynomial_minimiser(term)
    m.verify()
    with pytest.raises(ProofCheckError):
        PolynomialMinimiser(term, sp.CRootOf(5 * X ** 3 - 10 * X + 1, 2)).verify()   # the shallower well
    with pytest.raises(ProofCheckError):
        PolynomialMinimiser(ArgMin((w ** 2 - 1) ** 2, w), sp.Integer(1)).verify()   # two minimisers
    AlgebraicTruth(sp.StrictLessThan(m.root, 0, evaluate=False)).verify()
    with pytest.raises(ProofCheckError):
        AlgebraicTruth(sp.StrictGreaterThan(m.root, 0, evaluate=False)).verify()
    e = term.args[0]
    step = at_minimum(sp.GreaterThan(e, e.xreplace({w: term}), evaluate=False))
    step.verify()
    with pytest.raises(ProofCheckError):
        AtMinimum(sp.GreaterThan(e, e.xreplace({w: term}) + 1, evaluate=False), m).verify()


def test_strict_minimum_of_a_piecewise_loss_rechecks_and_tampering_fails():
    from dataclasses import replace

    from symloss.engine.strict_minimum import StrictMinimum, strict_minimum

    e = sp.Piecewise((w ** 2 / 2, sp.Abs(w) <= 1), (sp.Abs(w) - R(1, 2), True))
    step = strict_minimum(ArgMin(e, w))
    assert step is not None and step.root == 0
    step.verify()
    with pytest.raises(ProofCheckError):
        replace(step, root=sp.Integer(1)).verify()            # the proof is about 0
    with pytest.raises(ProofCheckError):
        replace(step, term=ArgMin(e + w / 4, w)).verify()     # another function
    assert strict_minimum(ArgMin(sp.Abs(w - 2) + sp.Max(w, 0), w)) is None   # flat bottom: not unique
