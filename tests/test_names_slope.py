"""``d(argmin(E, v), s)``: the derivative of a minimiser in another symbol
(issue #18, second round).  Computed from the exact closed form
``r = -b/(2a)`` of a quadratic ``a v^2 + b v + c`` (``a > 0`` exactly where
the minimiser exists); elsewhere the minimiser and its slope are missing
and a comparison about them is false.

Oracle for ŷ = w x + b, squared error: argmin over b is ``y - w x`` (always
exists: a = 1/2), argmin over w is ``(y - b)/x`` where ``x != 0``.
"""

from __future__ import annotations

import pytest
import sympy as sp

import symloss
from symloss.calculus.claims import ArgMin, parse_claim
from symloss.calculus.claims_slope import MinimiserSlope, differentiate, quadratic_minimiser
from symloss.engine.argmin_closed import SlopeOfMinimiser
from symloss.errors import ProofCheckError
from symloss.calculus.proof import Given, check_proof

LIN_SQ = dict(model="linear", loss="squared")


def _check(kw, claim, assume=(), timeout=30):
    return symloss.problem(**kw).check(claim, assume=list(assume), timeout=timeout)


def _value(r, name):
    return {s.name: v for s, v in r.counterexample.values.items()}[name]


@pytest.mark.parametrize("claim", [
    "d(argmin(L, b), y) == 1",
    "d(argmin(L, b), w) == -x",
    "d(argmin(L, b), x) == -w",
    "d(argmin(L, b), y, 2) == 0",
    "d(argmin(L, w), y) == 1/x",
    "d(argmin(L, w), b) == -1/x",
    "d(argmin(L, w), x) == -(y - b)/x**2",
    "implies(x != 0, x*d(argmin(L, w), y) == 1)",
    "d(x*argmin(L, w), y) == 1/x*x",
])
def test_slope_of_a_closed_form_minimiser_is_proved(claim):
    r = _check(LIN_SQ, claim)
    assert r.verdict == "proved", r


@pytest.mark.parametrize("claim, oracle", [
    # each: the slope's true value and the claimed one differ at the point
    ("d(argmin(L, b), w) == x", lambda v: -v["x"] != v["x"]),
    ("d(argmin(L, b), y) == 2", lambda v: True),
    ("d(argmin(L, w), x) == (y - b)/x**2", lambda v: -(v["y"] - v["b"]) != (v["y"] - v["b"])),
    ("d(argmin(L, w), y) == x", lambda v: v["x"] != 0 and 1 / v["x"] != v["x"]),
])
def test_false_slope_is_refuted_exactly(claim, oracle):
    r = _check(LIN_SQ, claim)
    assert r.verdict == "refuted", r
    v = {s.name: val for s, val in r.counterexample.values.items()}
    assert oracle(v)


@pytest.mark.parametrize("claim", [
    "x*d(argmin(L, w), y) == 1",          # no minimiser at x = 0, so no slope: false there
    "d(x*argmin(L, w), y) == 1",
    "d(argmin(L, w), y) > 0 or d(argmin(L, w), y) <= 0",
])
def test_missing_slope_falsifies_its_comparison(claim):
    r = _check(LIN_SQ, claim)
    assert r.verdict == "refuted", r
    assert _value(r, "x") == 0


def test_binding_is_kept():
    c = parse_claim(symloss.problem(**LIN_SQ), "d(argmin(L, b), y) == 1")
    (slope,) = c.formula.atoms(MinimiserSlope)
    assert isinstance(slope.term, ArgMin) and str(slope.term.var) == "b" and str(slope.wrt) == "y"
    assert "b" not in {s.name for s in c.symbols}  # b is bound, not a free symbol


def test_chain_rule_through_the_minimiser():
    b, w, x, y = sp.symbols("b w x y", real=True)
    t = ArgMin((w * x + b - y) ** 2 / 2, b)
    d = differentiate(t ** 2, y)
    assert d == 2 * t * MinimiserSlope(t, y, 1)
    assert quadratic_minimiser(t.expr, b) == (-w * x + y, sp.Rational(1, 2))


def test_slope_step_checks_its_premise():
    w, x, y = sp.symbols("w x y", real=True)
    slope = MinimiserSlope(ArgMin((w * x - y) ** 2 / 2, w), y, 1)
    good = Given(sp.StrictGreaterThan(x ** 2 / 2, 0, evaluate=False), "hypothesis")
    check_proof(SlopeOfMinimiser(slope, 1 / x, good), {good.fact})
    with pytest.raises(ProofCheckError):
        check_proof(SlopeOfMinimiser(slope, x, good), {good.fact})  # not the derivative
    bad = Given(sp.StrictGreaterThan(x, 0, evaluate=False), "hypothesis")
    with pytest.raises(ProofCheckError):
        check_proof(SlopeOfMinimiser(slope, 1 / x, bad), {bad.fact})  # not a > 0


# ---------------------------------------------------------------------------
# round 3, W1: a minimiser that SymPy's arithmetic cancels (d in a symbol it
# does not depend on, t - t, 0*t) still counts: the comparison asserts it.
# Oracle: at x = 0 there is no unique minimiser over w (every w minimises).

@pytest.mark.parametrize("kw, claim", [
    (LIN_SQ, "d(argmin(L, w), w) == 0"),
    (LIN_SQ, "d(argmin(L, w), w) >= 0"),
    (dict(LIN_SQ, vars={"k": "real"}), "d(argmin(L, w), k) == 0"),
    (LIN_SQ, "d(argmin(L, w), w, 2) == 0"),
    (dict(model="linear", loss="absolute"), "d(argmin(L, w), w) == 0"),
    (LIN_SQ, "argmin(L, w) - argmin(L, w) == 0"),
    (LIN_SQ, "0*argmin(L, w) == 0"),
    (LIN_SQ, "argmin(L, w)**0 == 1"),
])
def test_cancelled_minimiser_still_asserts_existence(kw, claim):
    r = _check(kw, claim)
    assert r.verdict == "refuted", r
    assert _value(r, "x") == 0


@pytest.mark.parametrize("claim", [
    "implies(x != 0, d(argmin(L, w), w) == 0)",
    "implies(x != 0, argmin(L, w) - argmin(L, w) == 0)",
    "d(argmin(L, b), w, 2) == 0",     # argmin over b always exists
    "argmin(L, b) - argmin(L, b) == 0",
])
def test_cancelled_minimiser_that_exists_is_proved(claim):
    assert _check(LIN_SQ, claim).verdict == "proved"


def test_rebuilt_term_keeps_the_declared_range():
    # sqrt(w)**2 reads as w, so w >= 0 is put back into E; the range (-1, 1) stays
    p = symloss.problem(loss="w", vars={"w": "(-1, 1)"})
    (t,) = parse_claim(p, "argmin(sqrt(w)**2 + (w - 2)**2, w) == 3/2").formula.atoms(ArgMin)
    assert t.range == sp.Interval.open(-1, 1)
    # on [0, 1) the function decreases towards the open end 1: no minimiser, and 3/2 is outside
    assert p.check("argmin(sqrt(w)**2 + (w - 2)**2, w) == 3/2", timeout=30).verdict != "proved"
