"""Issue #8: hostile closed numbers everywhere a comparison can hide, and
definedness taken before SymPy's rewrites, scoped to where it belongs.

Each case is one claim with the verdict it must *not* contradict: ``T`` (true:
``proved`` or ``unknown``, never ``refuted``), ``F`` (false: ``refuted`` or
``unknown``, never ``proved``), or an exact verdict where the engine must
decide (``proved``/``refuted``), or ``error`` (bad input, SymlossSyntaxError).
Truth values are argued in the comments: B = exp(-41) - log(1 + exp(-40))
= e^-41 - e^-40 + O(e^-80) ≈ -2.69e-18 < 0, and
P = log(1 + exp(-40)) - exp(-41) = -B > 0.
"""

import pytest

from symloss import problem
from symloss.errors import SymlossSyntaxError

B = "(exp(-41) - log(1 + exp(-40)))"
P = "(log(1 + exp(-40)) - exp(-41))"
SQ = {"loss": "(w*x - y)**2", "params": ["w"]}


def _check(kw, claim, assume=()):
    return problem(**kw).check(claim, assume=list(assume), timeout=20, hard=False).verdict


def _agrees(verdict, want):
    if want == "T":
        return verdict in ("proved", "unknown")
    if want == "F":
        return verdict in ("refuted", "unknown")
    return verdict == want


CASES = [
    # class 1: comparisons of closed numbers, inside every head
    (SQ, "where(log(1 + exp(-40)) > 0, 1, 0) == 0", (), "refuted"),
    (SQ, f"abs({B}) < 0", (), "refuted"),
    (SQ, f"abs({B}) == {P}", (), "T"),
    (SQ, f"relu({B}) > 0", (), "refuted"),
    (SQ, f"relu({P}) > 0", (), "proved"),
    (SQ, f"max({B}, 0) < 0", (), "refuted"),
    (SQ, f"min({B}, 0) < 0", (), "proved"),
    (SQ, f"sign({B}) == 1", (), "refuted"),
    (SQ, f"sign({B}) == -1", (), "proved"),
    (SQ, f"Heaviside({B}) == 1", (), "refuted"),
    (SQ, f"Heaviside({P}) == 1", (), "proved"),
    (SQ, f"at(abs({B} + w), w=0) < 0", (), "refuted"),
    (SQ, f"at(sign(w), w={B}) == 1", (), "refuted"),
    (SQ, f"abs({B}*w) == {P}*abs(w)", (), "T"),
    (SQ, f"w**2 + {P} > 0", (), "proved"),
    (SQ, f"w**2 + {B} >= 0", (), "refuted"),
    (SQ, "sigmoid(400) < 1", (), "proved"),
    (SQ, "sigmoid(400) - 1 + exp(-400) > 0", (), "T"),       # 1 - σ(400) = e^-400 - e^-800 + …
    (SQ, "softplus(-345) - exp(-345) < 0", (), "T"),         # log(1 + t) < t, gap ≈ 1e-300
    (SQ, "x > 0", ["log(1 + exp(-40)) > 0"], "refuted"),    # a true assumption is no help
    (SQ, "x > 0", [f"{B} > 0"], "proved"),                   # a false assumption: vacuous
    ({**SQ, "vars": {"x": f"({B}, 1)"}}, "x > 0", (), "refuted"),
    ({**SQ, "vars": {"x": f"({P}, 1)"}}, "x > 0", (), "proved"),
    ({**SQ, "vars": {"x": "(0, tanh(30) - 1 + 2*exp(-60))"}}, "x > 0", (), "proved"),
    ({**SQ, "vars": {"x": f"[{B}, 1]"}}, "x >= 0", (), "F"),
    ({**SQ, "vars": {"x": f"[{P}, 1]"}}, "x > 0", (), "proved"),
    ({**SQ, "vars": {"x": f"({B}, 1]"}}, "x > -1e-17", (), "T"),
    ({**SQ, "vars": {"x": f"({B}, 1]"}}, "x > -1e-18", (), "F"),
    ({**SQ, "vars": {"x": f"(-inf, {B}]"}}, "x < 0", (), "proved"),
    (SQ, f"Piecewise((1, {B} > 0), (0, True)) == 0", (), "proved"),
    (SQ, f"{B} < 0 < {P}", (), "proved"),
    (SQ, f"Ne({B}, 0) and not ({B} >= 0)", (), "proved"),
    (SQ, f"min(exp(-41), log(1 + exp(-40)), 1) == exp(-41)", (), "proved"),
    (SQ, f"at(d(abs(w + {B}), w), w=0) == 1", (), "refuted"),
    (SQ, f"relu(w + {B}) <= relu(w)", (), "T"),
    (SQ, f"({P})**(1/3) > 0", (), "T"),
    (SQ, f"sqrt({B}) >= 0", (), "error"),
    (SQ, f"log({B}) < 0", (), "error"),
    (SQ, "1/(sqrt(2)**2 - 2) > 0", (), "error"),
    ({"loss": "where(log(1 + exp(-40)) > 0, w**2, w**2 - 1)", "params": ["w"]}, "L >= 0", (), "proved"),
    ({"model": f"relu({B})*w", "loss": "(yhat - y)**2"}, "yhat == 0", (), "proved"),
    ({"loss": f"relu({B})*w", "params": ["w"]}, "L == 0", (), "proved"),   # w stays a parameter
    (SQ, f"corr(w, -w, w, uniform(exp(-41), log(1 + exp(-40)))) > -1", (), "F"),  # a valid distribution
    ({"model": "max(exp(-41), log(1 + exp(-40)))*w", "loss": "(yhat - y)**2"},
     "yhat == log(1 + exp(-40))*w", (), "proved"),
    # class 2: definedness taken before SymPy's rewrites
    ({"model": "w*x", "loss": "exp(log(yhat - y))"}, "L > 0", (), "T"),
    ({"model": "sqrt(w)**2 * x", "loss": "(yhat - y)**2"}, "w >= 0 or yhat != w*x", (), "T"),
    ({"model": "sqrt(w)**2 * x", "loss": "(yhat - y)**2"}, "yhat == w*x", (), "T"),
    (SQ, "x > -1", ["exp(log(x)) > -1"], "proved"),
    (SQ, "log(w) - log(w) == 0 and w > 0", (), "proved"),
    (SQ, "w/w == 1", (), "proved"),
    (SQ, "1/(1/w) != 0", (), "proved"),
    ({"loss": "w**2 + 2*sqrt(w)**2", "params": ["w"]}, "argmin(L, w) == -1", (), "F"),
    # class 3: the loss's and the model's definedness join derivative claims
    ({"loss": "log(w) + w"}, "d(L, w) > 0", (), "proved"),
    ({"model": "w*x + b", "loss": "-(y*log(yhat) + (1 - y)*log(1 - yhat))", "params": ["w"]},
     "d(L, w) == x*(yhat - y)/(yhat*(1 - yhat))", (), "proved"),
    ({"model": "w*x + b", "loss": "-(y*log(yhat) + (1 - y)*log(1 - yhat))", "params": ["w"]},
     "yhat < 1", (), "proved"),
    ({"model": "sqrt(w)", "loss": "(yhat - y)**2"}, "d(yhat, w) > 0", (), "T"),
    # class 4: at() scopes its conditions
    (SQ, "at(log(w), w=1) + w >= 0", (), "refuted"),
    (SQ, "at(sqrt(w), w=4) + w > 0", (), "refuted"),
    (SQ, "at(1/w, w=2)*w != 0", (), "refuted"),
    (SQ, "at(sqrt(w), w=x) + w >= 0", (), "refuted"),
    (SQ, "at(sqrt(w)**2, w=x) + x >= 0", (), "proved"),
    (SQ, "at(log(w), w=x) > 0 or x <= 1", (), "proved"),
    (SQ, "at(sqrt(w)**2, w=-1) > 0", (), "error"),
    ({"loss": "log(w) + w"}, "at(L, w=1) == 1 and w*w >= 0", (), "proved"),
    # class 5: valid input accepted, infinity refused
    (SQ, "max(sigmoid(400) - 1, 0) <= 0", (), "proved"),
    (SQ, "at(exp(-w), w=oo) > 0", (), "error"),
    (SQ, "1/oo == 0", (), "error"),
    (SQ, "exp(inf) > 0", (), "error"),
]


@pytest.mark.parametrize("kw, claim, assume, want", CASES)
def test_closed_numbers_and_definedness(kw, claim, assume, want):
    if want == "error":
        with pytest.raises(SymlossSyntaxError):
            _check(kw, claim, assume)
        return
    verdict = _check(kw, claim, assume)
    assert _agrees(verdict, want), verdict


@pytest.mark.parametrize("loss", ["(w - inf)**2", "w**2/oo"])
def test_infinity_is_not_a_value_in_a_loss(loss):
    with pytest.raises(SymlossSyntaxError):
        problem(loss=loss)
