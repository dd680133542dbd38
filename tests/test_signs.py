"""Sign engine: every proved sign re-checks and agrees with an independent
numeric oracle; tampered steps and false claims are rejected."""

import time

import numpy as np
import pytest
import sympy as sp

from symloss.errors import InvalidArgument, ProofCheckError
from symloss.language.functions import NUMPY_FUNCTIONS, relu, sigmoid, softplus
from symloss.calculus.proof import Given, Sign, check_proof, iter_steps
from symloss.engine.sign_rules import (
    AddSign,
    BranchProof,
    FunctionSign,
    LogSign,
    MonotoneDifference,
    NumberSign,
    PiecewiseSign,
    PowSign,
    ProductSign,
    RangeBound,
    Rewrite,
    SumOfSquares,
)
from symloss.engine.signs import (
    DEFAULT_RULES,
    Combine,
    HypothesisSign,
    SignRules,
    prove_sign,
    sign_of,
)

x, y, z, u, a, b, t, w = sp.symbols("x y z u a b t w", real=True)
d = sp.Symbol("d", positive=True)
n = sp.Symbol("n", negative=True)
k = sp.Symbol("k", nonnegative=True)
Q = sp.Rational
P, NN, N, NP, NZ, Z = (Sign.POSITIVE, Sign.NONNEGATIVE, Sign.NEGATIVE, Sign.NONPOSITIVE,
                       Sign.NONZERO, Sign.ZERO)
Y01 = sp.Eq(y, 0) | sp.Eq(y, 1)
UNIT = (0 < t) & (t < 1)


# ---------------------------------------------------------------- oracle

_SPECIAL = np.array([0.0, 1.0, -1.0, 0.5, 2.0, -0.5, 1e-3, 3.0])


def _sample(symbols, rng, size=400):
    cols = {}
    for s in symbols:
        v = np.where(rng.random(size) < 0.3, rng.choice(_SPECIAL, size), rng.normal(0, 4, size))
        if s.is_positive:
            v = np.abs(v) + 1e-3
        elif s.is_negative:
            v = -np.abs(v) - 1e-3
        elif s.is_nonnegative:
            v = np.abs(v)
        cols[s] = v
    return cols


def _numeric_agrees(expr, hyps, sign):
    """At random points satisfying the hypotheses, ``expr`` has ``sign``."""
    syms = sorted(set(expr.free_symbols).union(*[h.free_symbols for h in hyps]), key=str)
    rng = np.random.default_rng(1)
    cols = _sample(syms, rng)
    args = [cols[s] for s in syms]
    ok = np.ones(len(args[0]) if args else 1, dtype=bool)
    for h in hyps:
        ok &= np.asarray(sp.lambdify(syms, h, modules=[NUMPY_FUNCTIONS, "numpy"])(*args), dtype=bool)
    with np.errstate(all="ignore"):
        val = np.broadcast_to(
            np.asarray(sp.lambdify(syms, expr, modules=[NUMPY_FUNCTIONS, "numpy"])(*args), dtype=complex),
            ok.shape)
    ok &= np.isfinite(val) & (np.abs(val.imag) < 1e-12)
    v = val.real[ok]
    assert ok.sum() >= 5, f"too few admissible sample points for {expr} under {hyps}"
    tol = 1e-9 * (1 + np.abs(v))
    checks = {P: v > -tol, NN: v > -tol, N: v < tol, NP: v < tol, NZ: np.abs(v) > 0, Z: np.abs(v) < tol}
    assert checks[sign].all(), f"{expr} {sign.value} fails numerically at some admissible point"


CASES = [
    # numbers and symbols
    pytest.param(Q(3, 7), (), P, id="rational"),
    pytest.param(-Q(1, 2), (), N, id="negative-rational"),
    pytest.param(sp.S.Zero, (), Z, id="zero"),
    pytest.param(sp.pi, (), P, id="pi"),
    pytest.param(sp.pi - 3, (), P, id="pi-minus-3-by-certified-enclosure"),
    pytest.param(d, (), P, id="positive-symbol"),
    pytest.param(n, (), N, id="negative-symbol"),
    pytest.param(k, (), NN, id="nonneg-symbol"),
    pytest.param(x, (x > 0,), P, id="hyp-gt"),
    pytest.param(x, (x > 2,), P, id="hyp-gt-shift"),
    pytest.param(x, (sp.Ne(x, 0),), NZ, id="hyp-ne"),
    pytest.param(x, (x >= 0, sp.Ne(x, 0)), P, id="combine-nonneg-nonzero"),
    pytest.param(y, (Y01,), NN, id="hyp-or"),
    pytest.param(t, (UNIT,), P, id="hyp-and"),
    pytest.param(x - y, (x > y,), P, id="hyp-difference"),
    pytest.param(x, (), None, id="bare-symbol"),
    pytest.param(x, (x < 1,), None, id="hyp-useless"),
    # Add
    pytest.param(x**2 + 1, (), P, id="add-square-plus-one"),
    pytest.param(d + k, (), P, id="add-pos-nonneg"),
    pytest.param(x - 1, (), None, id="add-false-claim"),
    pytest.param(x - 1, (x > 1,), P, id="add-from-hyp"),
    pytest.param(1 - t, (UNIT,), P, id="add-one-minus-t"),
    pytest.param(x**2 - 2 * x + 1, (), NN, id="add-factor-square"),
    pytest.param(x**2 + 2 * x * y + y**2, (), NN, id="add-factor-square-2"),
    pytest.param(-y * sp.log(sigmoid(z)) - (1 - y) * sp.log(1 - sigmoid(z)), (Y01,), NN, id="add-bce"),
    pytest.param(x**2 - x * y + y**2, (), NN, id="add-sum-of-squares"),
    pytest.param(x**2 + x + 1, (), P, id="add-sos-strict"),
    pytest.param(x**2 - 2 * x * sigmoid(z) + 2 * sigmoid(z) ** 2, (), NN, id="add-sos-function-atoms"),
    pytest.param(x**2 - y**2, (), None, id="add-indefinite-quadratic"),
    # RangeBound
    pytest.param(1 - sigmoid(u), (), P, id="range-one-minus-sigmoid"),
    pytest.param(2 - 2 * sigmoid(u), (), P, id="range-scaled"),
    pytest.param(sigmoid(u) - 1, (), N, id="range-sigmoid-minus-one"),
    pytest.param(sp.tanh(u) + 1, (), P, id="range-tanh"),
    pytest.param(sp.cosh(u) - 1, (), NN, id="range-cosh"),
    pytest.param(sigmoid(u) - Q(1, 3), (), None, id="range-undecided"),
    # MonotoneDifference
    pytest.param(sigmoid(a) - sigmoid(b), (a > b,), P, id="mono-sigmoid"),
    pytest.param(sp.tanh(a) - sp.tanh(b), (a <= b,), NP, id="mono-tanh"),
    pytest.param(sp.exp(x) - 1, (x > 0,), P, id="mono-exp-anchor"),
    pytest.param(sigmoid(u) - Q(1, 2), (u < 0,), N, id="mono-sigmoid-half"),
    pytest.param(softplus(a) - softplus(b), (a > b,), P, id="mono-softplus"),
    pytest.param(x**3 - y**3, (x > y,), P, id="mono-cube"),
    pytest.param(sp.log(a) - sp.log(b), (a > b, b > 0, a > 0), P, id="mono-log"),
    pytest.param(sp.log(a) - sp.log(b), (a > b,), None, id="mono-log-no-domain"),
    pytest.param(sp.sqrt(a) - sp.sqrt(b), (a < b, a >= 0, b > 0), N, id="mono-sqrt"),
    pytest.param(sigmoid(a) - sigmoid(b), (), None, id="mono-unknown-order"),
    # Mul
    pytest.param(d * sp.exp(x), (), P, id="mul-pos-pos"),
    pytest.param(n * d, (), N, id="mul-neg-pos"),
    pytest.param(sigmoid(z) * (1 - sigmoid(z)), (), P, id="mul-sigmoid-deriv"),
    pytest.param(t * (1 - t), (UNIT,), P, id="mul-unit"),
    pytest.param(x * y, (x > 0,), None, id="mul-unknown-factor"),
    pytest.param(-x**2 * sigmoid(z), (), NP, id="mul-neg-square"),
    # Pow
    pytest.param(x**2, (), NN, id="pow-even"),
    pytest.param(x**4, (sp.Ne(x, 0),), P, id="pow-even-nonzero"),
    pytest.param(x**3, (x < 0,), N, id="pow-odd"),
    pytest.param(1 / x, (sp.Ne(x, 0),), NZ, id="pow-inverse"),
    pytest.param(1 / x, (x >= 0,), None, id="pow-inverse-maybe-zero"),
    pytest.param(x**-2, (sp.Ne(x, 0),), P, id="pow-inverse-square"),
    pytest.param(sp.sqrt(d), (), P, id="pow-sqrt-pos"),
    pytest.param(sp.sqrt(k), (), NN, id="pow-sqrt-nonneg"),
    pytest.param(sp.sqrt(x), (), None, id="pow-sqrt-unknown"),
    pytest.param(d**x, (), P, id="pow-symbolic-exponent"),
    pytest.param((w * x + b - y) ** 2, (), NN, id="pow-residual-square"),
    # functions
    pytest.param(sp.exp(x), (), P, id="exp"),
    pytest.param(sigmoid(x), (), P, id="sigmoid"),
    pytest.param(softplus(x), (), P, id="softplus"),
    pytest.param(relu(x), (), NN, id="relu"),
    pytest.param(relu(x), (x > 0,), P, id="relu-positive"),
    pytest.param(relu(x), (x <= 0,), Z, id="relu-zero"),
    pytest.param(sp.Abs(x), (), NN, id="abs"),
    pytest.param(sp.Abs(x), (sp.Ne(x, 0),), P, id="abs-nonzero"),
    pytest.param(sp.cosh(x), (), P, id="cosh"),
    pytest.param(sp.tanh(x), (x > 0,), P, id="tanh"),
    pytest.param(sp.tanh(x), (), None, id="tanh-unknown"),
    pytest.param(sp.sign(x), (x < 0,), N, id="sign"),
    pytest.param(sp.Heaviside(x, 0), (), NN, id="heaviside"),
    pytest.param(relu(x) + softplus(x), (), P, id="relu-plus-softplus"),
    # log
    pytest.param(sp.log(sigmoid(z)), (), N, id="log-sigmoid"),
    pytest.param(sp.log(1 + sp.exp(x)), (), P, id="log-one-plus-exp"),
    pytest.param(sp.log(x), (x > 1,), P, id="log-gt-one"),
    pytest.param(sp.log(t), (UNIT,), N, id="log-unit"),
    pytest.param(sp.log(x), (x > 0,), None, id="log-unknown"),
    pytest.param(sp.log(2), (), P, id="log-two"),
    # Max / Min
    pytest.param(sp.Max(x, d), (), P, id="max-one-positive"),
    pytest.param(sp.Min(x, d), (), None, id="min-unknown"),
    pytest.param(sp.Min(d, sp.exp(x)), (), P, id="min-all-positive"),
    pytest.param(sp.Max(x, y), (x < 0, y <= 0), NP, id="max-all-nonpositive"),
    # Piecewise
    pytest.param(sp.Piecewise((x, x > 0), (-x, True)), (), NN, id="piecewise-abs"),
    pytest.param(sp.Piecewise((x, x > 0), (sp.exp(x), True)), (), P, id="piecewise-positive"),
    pytest.param(sp.Piecewise((x, x > 1), (x - 1, True)), (), None, id="piecewise-mixed"),
    pytest.param(sp.Piecewise((sp.Piecewise((y, y > 0), (1, True)), x > 0), (2, True)), (), P,
                 id="piecewise-nested"),
]


@pytest.mark.parametrize("expr, hyps, expected", CASES)
def test_sign_of(expr, hyps, expected):
    r = sign_of(expr, hyps)
    got = None if r is None else r.sign
    assert got == expected
    if r is not None:
        assert r.step.fact == r.sign.relation(expr)
        check_proof(r.step, set(hyps))
        if expr.free_symbols:
            _numeric_agrees(expr, hyps, r.sign)


@pytest.mark.parametrize("expr, hyps, goal", [
    (x**2 + 1, (), NN),
    (sigmoid(x), (), NZ),
    (x, (x > 3,), NN),
    (sp.exp(x) - 1, (x >= 0,), NN),
])
def test_prove_sign_weakens_to_goal(expr, hyps, goal):
    r = prove_sign(expr, goal, hyps)
    assert r is not None and r.sign == goal and r.step.fact == goal.relation(expr)
    check_proof(r.step, set(hyps))


@pytest.mark.parametrize("expr, hyps, goal", [
    (x - 1, (), P),
    (x**2, (), P),
    (sigmoid(x) - Q(1, 2), (), NN),
    (x, (x >= 0,), P),
    (sp.log(x), (x > 0,), NN),
])
def test_false_or_unjustified_goals_are_not_proved(expr, hyps, goal):
    assert prove_sign(expr, goal, hyps) is None


# ---------------------------------------------------------------- tampering

def _given(h):
    return Given(h, "test")


@pytest.mark.parametrize("step", [
    ProductSign(x * y, P, (HypothesisSign(x, P, _given(x > 0)), HypothesisSign(y, N, _given(y < 0)))),
    ProductSign(x * z, P, (HypothesisSign(x, P, _given(x > 0)), HypothesisSign(y, P, _given(y > 0)))),
    AddSign(x + y, P, (HypothesisSign(x, P, _given(x > 0)), HypothesisSign(y, N, _given(y < 0)))),
    AddSign(x - y, P, (HypothesisSign(x, P, _given(x > 0)), HypothesisSign(y, P, _given(y > 0)))),
    HypothesisSign(x - 2, P, _given(x > 1)),
    HypothesisSign(x, P, _given(x >= 0)),
    NumberSign(-Q(1, 3), P),
    NumberSign(x, P),
    RangeBound(Q(1, 2) - sigmoid(u), P, sigmoid, u, Q(1, 2), -sp.S.One),
    RangeBound(1 - sp.tanh(u), P, sigmoid, u, sp.S.One, -sp.S.One),
    MonotoneDifference(sp.cosh(a) - sp.cosh(b), P, "cosh", a, b, HypothesisSign(a - b, P, _given(a > b))),
    MonotoneDifference(sigmoid(a) - sigmoid(b), P, "sigmoid", a, b, HypothesisSign(a - b, NN, _given(a >= b))),
    MonotoneDifference(sp.log(a) - sp.log(b), P, "log", a, b, HypothesisSign(a - b, P, _given(a > b))),
    PowSign(x**-1, NN, HypothesisSign(x, NN, _given(x >= 0))),
    PowSign(sp.sqrt(x), NN, None),
    FunctionSign(sp.tanh(x), P, None),
    LogSign(sp.log(x), N, HypothesisSign(x - 1, N, _given(x < 1)), None),
    Rewrite(x**2 + 1, NN, (x + 1) ** 2, PowSign((x + 1) ** 2, NN, None)),
    Combine(x, P, (HypothesisSign(x, NN, _given(x >= 0)),)),
    SumOfSquares(x**2 - y**2, NN, ((sp.S.One, x), (sp.S.One, y))),
    SumOfSquares(x**2 - 2 * x + 1, NN, ((-sp.S.One, x - 1),)),
    SumOfSquares(x**2, P, ((sp.S.One, x),)),
    PiecewiseSign(sp.Piecewise((x, x > 0), (-x, True)), NN, (),
                  (BranchProof((x > 0,), HypothesisSign(x, P, _given(x > 0))),
                   BranchProof((x > 0,), HypothesisSign(-x, NN, _given(x > 0))))),
], ids=lambda s: type(s).__name__)
def test_tampered_steps_fail(step):
    hyps = {g.fact for g in iter_steps(step) if isinstance(g, Given)}
    with pytest.raises(ProofCheckError):
        check_proof(step, hyps)


def test_given_outside_the_hypotheses_fails():
    r = sign_of(x - 1, [x > 1])
    check_proof(r.step, {x > 1})
    with pytest.raises(ProofCheckError):
        check_proof(r.step, {x > 2})


# ---------------------------------------------------------------- driver

def test_registry_objects_are_independent():
    empty = SignRules()
    assert sign_of(x**2, rules=empty) is None
    mine = empty.copy()

    @mine.register(sp.Pow)
    def only_squares(expr, ctx):
        if expr.exp == 2:
            return DEFAULT_RULES.rules_for(expr)[0](expr, ctx)
        return None

    assert sign_of(x**2, rules=mine).sign == NN
    assert sign_of(x**2, rules=empty) is None


def test_register_needs_a_head():
    with pytest.raises(InvalidArgument):
        SignRules().register()


def test_past_deadline_gives_none():
    assert sign_of(x**2 + 1, deadline=time.monotonic() - 1) is None


def test_bad_inputs():
    with pytest.raises(InvalidArgument):
        sign_of("x")
    with pytest.raises(InvalidArgument):
        sign_of(x, ["x > 0"])
    with pytest.raises(InvalidArgument):
        prove_sign(x, ">0")
