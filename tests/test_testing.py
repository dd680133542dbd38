"""Results have no truth value, and ``symloss.testing``'s assertions fail
with the verdict, the reason, the exact counterexample or the proof."""

import ast
import re

import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st

import symloss
from symloss import testing
from symloss.calculus.exact import truth
from symloss.testing import assert_claim_holds, assert_not_refuted, assert_proved, assert_refuted
from symloss.engine.verdict import Counterexample, Result

LINEAR = symloss.problem(model="linear", loss="squared")


# ---------------------------------------------------------------- Result.__bool__

@pytest.mark.parametrize("verdict", ["proved", "refuted", "unknown"])
def test_a_result_has_no_truth_value(verdict):
    x = sp.Symbol("x", real=True)
    cex = Counterexample({x: 0}) if verdict == "refuted" else None
    r = Result(verdict, "L < 0", counterexample=cex)
    with pytest.raises(TypeError) as info:
        bool(r)
    message = str(info.value)
    for alternative in ("r.proved", "r.verdict", "assert_proved", "assert_refuted", "assert_not_refuted"):
        assert alternative in message
    assert verdict in message and "L < 0" in message


def test_assert_on_a_refuted_check_raises_instead_of_passing():
    r = LINEAR.check("L < 0")
    assert r.verdict == "refuted"
    with pytest.raises(TypeError):
        assert r  # noqa: PT017 - the point: this once passed
    with pytest.raises(TypeError):
        if r:  # noqa: SIM108
            pass


@pytest.mark.parametrize("verdict, proved, refuted", [("proved", True, False), ("unknown", False, False)])
def test_proved_and_refuted_properties(verdict, proved, refuted):
    r = Result(verdict, "c")
    assert r.proved is proved and r.refuted is refuted


def test_refuted_property_of_a_real_refutation():
    r = LINEAR.check("L < 0")
    assert r.refuted is True and r.proved is False


# ---------------------------------------------------------------- the assertions

def _json_in(message: str) -> dict:
    line = next(l for l in message.splitlines() if l.startswith("counterexample (exact values): "))
    return ast.literal_eval(line.split(": ", 1)[1])


def test_assert_proved_passes_and_returns_the_result():
    r = assert_proved(LINEAR, "d(L, w) == x*(w*x + b - y)")
    assert r.verdict == "proved"


def test_assert_proved_failure_carries_verdict_reason_and_exact_counterexample():
    with pytest.raises(AssertionError) as info:
        assert_proved(LINEAR, "d(L, w) > 0")
    message = str(info.value)
    assert message.startswith("expected proved, got refuted")
    assert "reason: " in message and "claim: d(L, w) > 0" in message
    values = _json_in(message)
    # the values in the message are the counterexample: the claim is false there, exactly
    claim = symloss.parse_claim(LINEAR, "d(L, w) > 0")
    point = {s: sp.Rational(values[s.name]) for s in claim.symbols}
    assert truth(claim.formula, point) is False


def test_assert_refuted_failure_shows_the_proof():
    with pytest.raises(AssertionError) as info:
        assert_refuted(LINEAR, "d(L, w, 2) >= 0")
    message = str(info.value)
    assert message.startswith("expected refuted, got proved")
    assert "\nproof:\n" in message and re.search(r"- \w+: x² (>=|≥) 0", message)


def test_assert_refuted_passes_on_a_refutation():
    r = assert_refuted(LINEAR, "proportional(d(L, w), L, w)")
    assert r.counterexample.pair is not None


def test_assert_refuted_failure_on_unknown_shows_the_reason():
    with pytest.raises(AssertionError) as info:
        assert_refuted(LINEAR, "d(L, w, 2) >= 0", timeout=1e-9)
    message = str(info.value)
    assert "got unknown" in message and "reason: " in message


def test_assert_not_refuted_lets_unknown_pass_and_fails_on_refutation():
    assert assert_not_refuted(LINEAR, "d(L, w, 2) >= 0", timeout=1e-9).verdict == "unknown"
    with pytest.raises(AssertionError, match="expected not refuted, got refuted"):
        assert_not_refuted(LINEAR, "L < 0")


def test_assert_claim_holds_uses_the_assumptions():
    claim = "sign(d(L, w)) == sign(w - argmin(L, w))"
    with pytest.raises(AssertionError, match="x = 0"):
        assert_claim_holds(LINEAR, claim)
    assert assert_claim_holds(LINEAR, claim, assume=["x != 0"]).verdict == "proved"


def test_the_assertions_want_a_problem():
    with pytest.raises(symloss.InvalidArgument, match="expected a Problem"):
        assert_proved("linear", "L >= 0")


@settings(deadline=None, max_examples=6)
@given(st.sampled_from(["squared", "mse", "log_cosh", "absolute"]), st.integers(1, 3))
def test_assert_claim_holds_in_a_hypothesis_test(loss, k):
    p = symloss.problem(model="linear", loss=loss)
    assert_claim_holds(p, f"{k}*L >= 0")


def test_testing_module_api():
    assert sorted(testing.__all__) == sorted(
        ["assert_proved", "assert_refuted", "assert_not_refuted", "assert_claim_holds", "describe"])
    for name in testing.__all__:
        assert getattr(testing, name).__doc__
