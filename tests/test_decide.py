"""decide.py: the pipeline — identities proved and re-checked, nothing proved
by sampling, refutations re-checked, tactics, deadlines, and a Hypothesis
property test over random claims."""

import time

import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symloss.calculus.claims import parse_claim
from symloss.decide import TACTICS, TacticRegistry, ZeroEquivalence, check_claim, decide
from symloss.errors import ProofCheckError, SymlossSyntaxError
from symloss.problem import problem
from symloss.calculus.proof import check_proof
from symloss.engine.verdict import Result
from test_counterexample import recheck


@pytest.mark.parametrize("model, loss, text", [
    ("w*x + b", "(yhat - y)**2/2", "d(L, w) == x*(w*x + b - y)"),
    ("w*x + b", "(yhat - y)**2/2", "d(L, b) == yhat - y"),
    ("w*x + b", "(yhat - y)**2/2", "d(L, w, 2) == x**2"),
    ("w*x + b", "(yhat - y)**2/2", "at(d(L, w), w=0) == x*(b - y)"),
    ("linear", "logistic", "d(L, w) == -y*x*sigmoid(-y*(w*x + b))"),
    ("linear", "logistic", "d(L, w) == -y*x*exp(-y*(w*x + b))/(1 + exp(-y*(w*x + b)))"),
    ("logistic", "bce", "d(L, w) == x*(sigmoid(w*x + b) - y)"),
    ("w*x", "softplus(yhat)", "d(L, w, 2) == x**2*sigmoid(w*x)*(1 - sigmoid(w*x))"),
])
def test_identities_proved_and_proof_rechecks(model, loss, text):
    p = problem(model, loss)
    r = check_claim(p, text)
    assert r.verdict == "proved" and r.method == "zero-equivalence", r
    claim = parse_claim(p, text)
    check_proof(r.proof, set(claim.hypotheses))  # independent re-check of the returned proof


@pytest.mark.parametrize("model, loss, text, assume", [
    ("w*x + b", "(yhat - y)**2/2", "d(L, w, 2) >= 0", []),
    ("w*x + b", "(yhat - y)**2/2", "L >= 0", []),
    ("w*x + b", "(yhat - y)**2/2", "argmin(L, w) == (y - b)/x", []),
    ("w*x + b", "(yhat - y)**2/2", "sign(d(L, w)) == sign(w - argmin(L, w))", ["x != 0"]),
    ("w*x + b", "(yhat - y)**2/2", "proportional(d(L, w), yhat - y, w)", []),
    ("w*x + b", "(yhat - y)**2/2", "nondecreasing(abs(d(L, w)), L, w)", []),
    ("linear", "logistic", "abs(d(L, w)) <= abs(x)*L", []),
    ("logistic", "bce", "d(L, w, 2) >= 0", []),
])
def test_true_non_identities_stay_unknown(model, loss, text, assume):
    """With only zero-equivalence (no prover), true claims that are not
    identities stay unknown: sampling and refutation never prove."""
    from symloss.decide import TacticRegistry, zero_equivalence

    only_identities = TacticRegistry()
    only_identities.add("zero-equivalence", zero_equivalence, "prove")
    claim = parse_claim(problem(model, loss), text, assume=assume)
    r = decide(claim, timeout=10, tactics=only_identities)
    assert r.verdict == "unknown", r
    assert r.evidence.points > 0 or r.evidence.notes
    assert "zero-equivalence" in r.evidence.tactics


@pytest.mark.parametrize("text", ["d(L, w) == x*(w*x - y)", "d(L, w, 2) == x", "L == (yhat - y)**2"])
def test_non_identities_refuted(text):
    p = problem("w*x + b", "(yhat - y)**2/2")
    r = check_claim(p, text)
    assert r.verdict == "refuted"
    recheck(p, text, [], r)


def test_zero_equivalence_step_refuses_a_wrong_identity():
    x = sp.Symbol("x", real=True)
    with pytest.raises(ProofCheckError):
        ZeroEquivalence(x * (x + 1), x ** 2).verify()


def _without_prover():
    """The decide layer's own tactics only (no prover modules)."""
    from symloss.decide import closed_evaluation, zero_equivalence

    reg = TacticRegistry()
    reg.add("zero-equivalence", zero_equivalence, "prove")
    reg.add("exact evaluation", closed_evaluation, "prove")
    return reg


def test_tactic_that_lies_is_not_believed():
    x = sp.Symbol("x", real=True)
    reg = _without_prover()
    reg.add("liar", lambda claim, ctx: Result("proved", claim, proof=ZeroEquivalence(x, x + 1), method="lies"))
    reg.add("bogus refuter", lambda claim, ctx: None, "refute")
    p = problem("w*x + b", "(yhat - y)**2/2")
    r = decide(parse_claim(p, "d(L, w, 2) >= 0"), timeout=5, tactics=reg)
    assert r.verdict == "unknown" and "liar" in r.evidence.tactics and "bogus refuter" in r.evidence.tactics


def test_registry_default_instance_is_not_mutated_by_copies():
    reg = TACTICS.copy()
    reg.add("extra", lambda c, ctx: None)
    assert "extra" not in TACTICS.names() and "zero-equivalence" in TACTICS.names()
    assert isinstance(TacticRegistry().names(), tuple)


def test_deadline_in_the_past_gives_unknown_timeout():
    p = problem("w*x + b", "(yhat - y)**2/2")
    r = decide(parse_claim(p, "d(L, w) >= 0"), deadline=time.monotonic() - 1)
    assert r.verdict == "unknown" and r.method == "timeout"


def test_problem_check_and_json():
    p = problem("w*x + b", "(yhat - y)**2/2")
    r = p.check("d(L, w) >= 0")
    doc = r.to_json()
    assert doc["verdict"] == "refuted" and set(doc["counterexample"]) == {"b", "w", "x", "y"}
    assert repr(r).startswith("<refuted: ∂L/∂w ≥ 0 by exact counterexample")


def test_syntax_errors_propagate():
    with pytest.raises(SymlossSyntaxError):
        check_claim(problem("w*x", "(yhat - y)**2"), "d(L, q) > 0")


def test_conjectures_argument_order_accepted():
    p = problem("w*x", "(yhat - y)**2")
    assert parse_claim("d(L, w) > 0", p).text == "d(L, w) > 0"


# ---------------------------------------------------------------------------
# property: any refutation of a random claim re-checks exactly

DOMAINS = ["real", "positive", "nonzero", "(0, 1]", "{-1, 1}", "[-2, 3)"]
ATOMS = ["x", "y", "1", "2", "1/2", "sigmoid(x)", "softplus(y)", "x*y", "x**2", "relu(x - y)", "abs(y)", "exp(-x)"]
OPS = [">=", ">", "<=", "<", "==", "!="]


@st.composite
def expressions(draw, depth=2):
    if depth == 0 or draw(st.booleans()):
        return draw(st.sampled_from(ATOMS))
    op = draw(st.sampled_from(["+", "-", "*"]))
    return f"({draw(expressions(depth - 1))} {op} {draw(expressions(depth - 1))})"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dx=st.sampled_from(DOMAINS), dy=st.sampled_from(DOMAINS), lhs=expressions(), rhs=expressions(),
       op=st.sampled_from(OPS), assume=st.sampled_from([[], ["x != 1/2"], ["x < y"]]))
def test_property_refutations_recheck(dx, dy, lhs, rhs, op, assume):
    p = problem(loss="(x - y)**2", params=["x"], vars={"x": dx, "y": dy})
    text = f"{lhs} {op} {rhs}"
    r = check_claim(p, text, assume=assume, timeout=5)
    if r.verdict == "refuted":
        recheck(p, text, assume, r)
    elif r.verdict == "proved":
        check_proof(r.proof, set(parse_claim(p, text, assume=assume).hypotheses))


def test_crashing_tactic_is_recorded_not_fatal():
    def boom(claim, ctx):
        raise ZeroDivisionError("inside SymPy")

    reg = _without_prover()
    reg.add("boom", boom)
    p = problem("w*x + b", "(yhat - y)**2/2")
    r = decide(parse_claim(p, "d(L, w) >= 0"), timeout=5, tactics=reg)
    assert r.verdict == "refuted" and any("boom failed" in n for n in r.evidence.notes)


@pytest.mark.parametrize("text", [
    "d(L, w) >= 0", "d(L, w) == x*(w*x + b - y)", "proportional(d(L, w), L, w)",
    "sign(d(L, w)) == sign(w - argmin(L, w))", "d(L, w, 2) >= 0",
])
def test_results_pickle(text):
    import pickle

    r = check_claim(problem("w*x + b", "(yhat - y)**2/2"), text)
    back = pickle.loads(pickle.dumps(r))
    assert back.verdict == r.verdict and back.to_json()["counterexample"] == r.to_json()["counterexample"]


@pytest.mark.parametrize("text, verdict", [
    ("exp(1) < 3", "proved"),
    ("softplus(-1077) > 0", "proved"),          # needs > 1500 bits: intervals, not floats
    ("log(3) > 1", "proved"),
    ("exp(1) > 3", "refuted"),
    ("sigmoid(1/2) >= 5/8", "refuted"),
])
def test_closed_claims_by_exact_evaluation(text, verdict):
    p = problem(loss="(x - y)**2", params=["x"])
    r = check_claim(p, text)
    assert r.verdict == verdict, r
    if verdict == "proved":
        check_proof(r.proof, set())
        assert r.method == "exact evaluation"
