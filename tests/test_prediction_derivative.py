"""d(L, yhat): the loss differentiated in its prediction argument, then the
model substituted (with no model, ŷ is a plain real variable); yhat1..yhatK
for vector losses.  The oracle is mpmath's finite difference of the loss
formula in ŷ at 50 digits, at the model's value."""

from __future__ import annotations

import random

import mpmath
import pytest
import sympy as sp

import symloss
from symloss.calculus.claims import parse_claim
from symloss.errors import SymlossSyntaxError
from symloss.language.functions import MPMATH_FUNCTIONS

PSEUDO_HUBER = "delta**2*(sqrt(1 + ((yhat - y)/delta)**2) - 1)"


def _check(model, loss, claim, **kw):
    hyper = kw.pop("hyper", None)
    return symloss.problem(model=model, loss=loss, hyper=hyper).check(claim, **kw)


# ---------------------------------------------------------------- the questions users ask

@pytest.mark.parametrize("model, loss, hyper, claim", [
    ("linear", PSEUDO_HUBER, {"delta": "positive"}, "d(L, yhat) == (yhat - y)/sqrt(1 + ((yhat - y)/delta)**2)"),
    (None, PSEUDO_HUBER, {"delta": "positive"}, "d(L, yhat) == (yhat - y)/sqrt(1 + ((yhat - y)/delta)**2)"),
    ("linear", "log_cosh", None, "d(L, yhat) == tanh(yhat - y)"),
    ("tanh_neuron", "log_cosh", None, "d(L, yhat) == tanh(tanh(w*x + b) - y)"),
    (None, "log(cosh(yhat - y))", None, "d(L, yhat) == tanh(yhat - y)"),
    ("linear", "log_cosh", None, "d(L, yhat, 2) == 1 - tanh(yhat - y)**2"),
    ("linear", "squared", None, "d(L, yhat) == yhat - y"),
    ("linear", "absolute", None, "d(L, yhat) == sign(yhat - y)"),             # PyTorch's 0 at the kink
    ("logistic", "bce", None, "d(L, yhat) == (yhat - y)/(yhat*(1 - yhat))"),
    ("linear", "bce_logits", None, "d(L, yhat) == sigmoid(yhat) - y"),
    ("poisson", "poisson_nll_identity", None, "d(L, yhat) == 1 - y/yhat"),
    ("linear", "squared", None, "d(L, w) == x*d(L, yhat)"),                    # the chain rule
    ("logistic", "bce", None, "d(L, b) == d(L, yhat)*yhat*(1 - yhat)"),
    ("softmax3", "softmax_ce", None,
     "d(L, yhat2) == exp(w2*x + b2)/(exp(w1*x + b1) + exp(w2*x + b2) + exp(w3*x + b3)) - y2"),
    ("softmax3", "softmax_ce", None, "d(L, w3) == x*d(L, yhat3)"),
    ("linear", "squared", None, "d(yhat - y, yhat) == 1"),
])
def test_prediction_derivative_proved(model, loss, hyper, claim):
    r = _check(model, loss, claim, hyper=hyper)
    assert r.verdict == "proved", (r.verdict, r.reason)


@pytest.mark.parametrize("model, loss, claim", [
    ("linear", "log_cosh", "d(L, yhat) == tanh(yhat + y)"),
    ("linear", "log_cosh", "d(L, yhat) == tanh(w - y)"),
    ("linear", "squared", "d(L, yhat) == x*(yhat - y)"),   # that is d(L, w)
    ("softmax3", "softmax_ce", "d(L, yhat1) >= 0"),   # σ_1 − y1 < 0 when y1 = 1
])
def test_wrong_prediction_derivative_refuted(model, loss, claim):
    r = _check(model, loss, claim)
    assert r.verdict == "refuted", (r.verdict, r.reason)


# ---------------------------------------------------------------- the finite-difference oracle

CANDIDATES = [sp.Rational(v) for v in ("3/10", "-7/10", "1", "0", "6/5", "1/2", "-1", "2", "1/7", "5/3")]


def _point(p, claim, rng):
    point = {}
    for s in sorted(set(claim.symbols) | set(p.variables), key=str):
        choices = [c for c in CANDIDATES if p.domain(s).contains(c)]
        point[s] = rng.choice(choices)
    if all(h.xreplace(point) is sp.true for h in [*claim.hypotheses, *p.hypotheses()]):
        return point
    return None


def _mp(expr, point):
    syms = sorted(expr.free_symbols, key=str)
    f = sp.lambdify(syms, expr, modules=[MPMATH_FUNCTIONS, "mpmath"])
    return f(*[mpmath.mpf(sp.Rational(point[s]).p) / point[s].q for s in syms])


ORACLE = [
    ("linear", "squared", None), ("linear", "mse", None), ("linear", "log_cosh", None),
    ("tanh_neuron", "cauchy", None), ("linear", "gaussian_nll", None), ("logistic", "bce", None),
    ("logistic", "bce_soft", None), ("linear", "bce_logits", None), ("two_layer", "logistic", None),
    ("linear", "exponential", None), ("linear", "poisson_nll", None), ("poisson", "poisson_nll_identity", None),
    ("softplus_neuron", "poisson_nll_identity", None), ("logistic", "kl_div", None),
    ("linear", PSEUDO_HUBER, {"delta": "positive"}), ("deep_linear", PSEUDO_HUBER, {"delta": "positive"}),
    ("softmax3", "softmax_ce", None),
]


@pytest.mark.parametrize("order", [1, 2])
@pytest.mark.parametrize("model, loss, hyper", ORACLE)
def test_prediction_derivative_matches_mpmath_finite_differences(model, loss, hyper, order):
    p = symloss.problem(model=model, loss=loss, hyper=hyper)
    preds = p.yhat if isinstance(p.yhat, tuple) else (p.yhat,)
    outputs = p.model if isinstance(p.model, tuple) else (p.model,)
    rng = random.Random(7)
    for k, u in enumerate(preds):
        claim = parse_claim(p, f"d(L, {u}, {order}) == 0")
        derived = claim.formula.lhs
        assert not (derived.free_symbols & set(preds))  # the model is substituted
        tested = 0
        for _ in range(60):
            point = _point(p, claim, rng)
            if point is None:
                continue
            with mpmath.workdps(50):
                at = [_mp(o, point) for o in outputs]
                rest = {s: v for s, v in point.items()}

                def loss_in(t, k=k, at=at, rest=rest):
                    vals = dict(zip(preds, at))
                    vals[preds[k]] = t
                    env = {**{s: v for s, v in rest.items()}, **vals}
                    syms = sorted(p.loss.free_symbols, key=str)
                    f = sp.lambdify(syms, p.loss, modules=[MPMATH_FUNCTIONS, "mpmath"])
                    return f(*[env[s] if not isinstance(env[s], sp.Basic) else
                               mpmath.mpf(env[s].p) / env[s].q for s in syms])

                fd = mpmath.diff(loss_in, at[k], n=order)
                got = _mp(derived, point)
                assert abs(got - fd) <= mpmath.mpf(10) ** -20 * (1 + abs(fd)), (point, got, fd)
            tested += 1
            if tested >= 4:
                break
        assert tested >= 2, "too few admissible points"


# ---------------------------------------------------------------- what stays refused

@pytest.mark.parametrize("claim, fn", [
    ("argmin(L, yhat) == y", "argmin"),
    ("nondecreasing(abs(d(L, w)), L, yhat)", "nondecreasing"),
    ("proportional(d(L, w), L, yhat)", "proportional"),
    ("corr(L, d(L, w), yhat, uniform(0, 1)) > 0", "corr"),
])
def test_varying_over_yhat_with_a_model_is_refused_clearly(claim, fn):
    p = symloss.problem(model="linear", loss="squared")
    with pytest.raises(SymlossSyntaxError) as info:
        parse_claim(p, claim)
    message = str(info.value)
    assert f"{fn}: cannot vary over yhat: the model gives it (yhat = b + w*x)" in message
    assert "vary over a parameter such as w" in message


def test_without_a_model_yhat_is_a_plain_variable():
    p = symloss.problem(loss="(yhat - y)**2/2")
    assert p.check("argmin(L, yhat) == y").verdict == "proved"
    assert p.check("nondecreasing(abs(d(L, yhat)), L, yhat)").verdict == "proved"
    claim = parse_claim(p, "d(L, yhat) == yhat - y")
    assert {s.name for s in claim.symbols} == {"y", "yhat"}


def test_vector_prediction_varied_over_is_refused():
    p = symloss.problem(model="softmax3", loss="softmax_ce")
    with pytest.raises(SymlossSyntaxError, match="argmin: cannot vary over yhat1: the model gives it"):
        parse_claim(p, "argmin(L, yhat1) == 0")


@pytest.mark.parametrize("claim, words", [
    ("d(L + w, yhat) == 1", "E mentions w besides the prediction"),
    ("d(L*x, yhat) == 1", "E mentions x besides the prediction"),
])
def test_an_expression_not_written_in_the_prediction_is_refused(claim, words):
    p = symloss.problem(model="linear", loss="squared")
    with pytest.raises(SymlossSyntaxError) as info:
        parse_claim(p, claim)
    assert words in str(info.value) and "d(L, yhat)" in str(info.value)


def test_a_model_that_is_one_parameter_keeps_d_over_the_parameter():
    # yhat = w: d(L, w) and d(L, yhat) agree, and d(L, w) still reads w as the parameter
    p = symloss.problem(model="w", loss="squared")
    assert p.check("d(L, yhat) == d(L, w)").verdict == "proved"
    assert p.check("argmin(L, w) == y").verdict == "proved"
