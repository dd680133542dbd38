"""Pointwise prover: catalogue claims with verdicts derived from the math,
proofs that re-check and agree with an independent numeric oracle,
tampered proofs that fail, and z3 candidates that only count after exact
verification."""

import dataclasses
import functools
import time

import mpmath
import numpy as np
import pytest
import sympy as sp

from symloss.engine import prover
from symloss.calculus.claims import parse_claim
from symloss.decide import TACTICS, Context, decide
from symloss.errors import ProofCheckError
from symloss.language.functions import MPMATH_FUNCTIONS
from symloss.problem import problem
from symloss.calculus.proof import check_proof, iter_steps
from symloss.engine.prover import (
    AndIntro,
    FiniteCases,
    Hypothetical,
    Identity,
    ImpliesIntro,
    KinkCases,
    RelationFromSign,
    SameSign,
)
from symloss.engine.z3bridge import Decided


def _registry():
    reg = TACTICS.copy()
    prover.register(reg)
    return reg


REG = _registry()


def _ctx(seconds=20.0):
    return Context(deadline=time.monotonic() + seconds)


# ---------------------------------------------------------------- numeric oracle
# Independent of the prover: random admissible points (domain sampling, then
# the hypotheses evaluated numerically) and the formula evaluated with mpmath
# at 80 digits, so float saturation (σ(40) == 1.0) cannot fake an equality.

_TOL = mpmath.mpf("1e-60")
_SPAN = 8  # samples are clipped to [-8, 8]: |η| ≤ 72, so 1 − σ(η) ≫ _TOL at 80 digits


@functools.lru_cache(maxsize=None)
def _lambdified(expr, symbols):
    return sp.lambdify(symbols, expr, modules=[MPMATH_FUNCTIONS, "mpmath"])


def _mp(expr, symbols):
    return _lambdified(expr, tuple(symbols))


def _holds(formula, symbols, point):
    """Truth at one point, with a tiny tolerance in favour of the claim
    (``None`` when the evaluation fails)."""
    if isinstance(formula, sp.And):
        vals = [_holds(a, symbols, point) for a in formula.args]
        return None if None in vals else all(vals)
    if isinstance(formula, sp.Or):
        vals = [_holds(a, symbols, point) for a in formula.args]
        return True if True in vals else (None if None in vals else False)
    if isinstance(formula, sp.Not):
        v = _holds(formula.args[0], symbols, point)
        return None if v is None else not v
    if isinstance(formula, sp.Implies):
        p = _holds(formula.args[0], symbols, point)
        return True if p is False else (None if p is None else _holds(formula.args[1], symbols, point))
    if formula in (sp.true, sp.false):
        return bool(formula)
    try:
        if isinstance(formula.lhs, sp.sign) and isinstance(formula.rhs, sp.sign):
            a = _mp(formula.lhs.args[0], symbols)(*point)
            b = _mp(formula.rhs.args[0], symbols)(*point)
            if abs(a) < _TOL or abs(b) < _TOL:
                return True  # too close to 0 to tell
            return mpmath.sign(a) == mpmath.sign(b)
        lhs = _mp(formula.lhs, symbols)(*point)
        rhs = _mp(formula.rhs, symbols)(*point)
    except (ValueError, ZeroDivisionError, TypeError):
        return None
    if isinstance(lhs, mpmath.mpc) or isinstance(rhs, mpmath.mpc):
        return None
    tol = _TOL * (1 + abs(lhs) + abs(rhs))
    if isinstance(formula, sp.Equality):
        return abs(lhs - rhs) <= tol
    if isinstance(formula, sp.Unequality):
        return abs(lhs - rhs) > tol
    if isinstance(formula, (sp.GreaterThan, sp.StrictGreaterThan)):
        return lhs >= rhs - tol
    if isinstance(formula, (sp.LessThan, sp.StrictLessThan)):
        return lhs <= rhs + tol
    raise AssertionError(f"oracle cannot evaluate {formula}")


def _points(claim, n, seed):
    rng = np.random.default_rng(seed)
    symbols = list(claim.symbols)
    cols = [np.clip(claim.domain_of(s).sample(rng, n), -_SPAN, _SPAN) for s in symbols]
    for i in range(n):
        yield symbols, [mpmath.mpf(float(c[i])) for c in cols]


def spot_check(claim, n=120, seed=1):
    """Number of admissible random points at which the formula clearly fails."""
    bad = admissible = 0
    with mpmath.workdps(80):
        for symbols, point in _points(claim, n, seed):
            if not all(_holds(h, symbols, point) for h in claim.hypotheses):
                continue
            admissible += 1
            if _holds(claim.formula, symbols, point) is False:
                bad += 1
    assert admissible > n // 10, "too few admissible points for the oracle"
    return bad


# ---------------------------------------------------------------- catalogue claims

PROVED = [
    # convexity: x²σ(1−σ) ≥ 0 (y ∈ {0,1} enters through y and 1 − y ≥ 0)
    ("logistic", "bce", "d(L, w, 2) >= 0", ()),
    ("linear", "bce_logits", "d(L, w, 2) >= 0", ()),
    ("linear", "squared", "d(L, w, 2) >= 0", ()),            # x²
    ("linear", "poisson_nll", "d(L, w, 2) >= 0", ()),        # x²·exp(η)
    ("linear", "exponential", "d(L, w, 2) >= 0", ()),        # x²y²·exp(−yη)
    ("linear", "logistic", "d(L, w, 2) >= 0", ()),           # x²y²σ(yη)σ(−yη)
    ("linear", "log_cosh", "d(L, w, 2) >= 0", ()),           # x²(1 − tanh²)
    # bounded gradients: |σ − y| ≤ 1 for y ∈ [0, 1]
    ("logistic", "bce", "abs(d(L, w)) <= abs(x)", ()),
    ("logistic", "bce_soft", "abs(d(L, w)) <= abs(x)", ()),
    ("linear", "bce_logits", "abs(d(L, w)) <= abs(x)", ()),
    ("linear", "absolute", "abs(d(L, w)) <= abs(x)", ()),     # |sign(r)| ≤ 1
    ("linear", "huber", "abs(d(L, w)) <= delta*abs(x)", ()),  # clipped residual
    ("linear", "log_cosh", "abs(d(L, w)) <= abs(x)", ()),     # |tanh| < 1
    # smoothness: σ(1 − σ) ≤ 1/4
    ("logistic", "bce", "d(L, w, 2) <= x**2/4", ()),
    ("linear", "bce_logits", "d(L, w, 2) <= x**2/4", ()),
    # Polyak–Łojasiewicz: (∂L/∂w)² = x²r² = 2x²L, (∂L/∂w)² + (∂L/∂b)² = (1 + x²)r² ≥ 2L
    ("linear", "squared", "d(L, w)**2 >= 2*x**2*L", ()),
    ("linear", "squared", "d(L, w)**2 + d(L, b)**2 >= 2*L", ()),
    # stationary points: σ ∈ (0, 1) and y ∈ {0, 1} make σ − y ≠ 0, so x = 0
    ("logistic", "bce", "implies(d(L, w) == 0, x == 0)", ()),
    ("linear", "squared", "implies(d(L, w) == 0, L == 0 or x == 0)", ()),  # x·r = 0
    ("linear", "squared", "implies(w == (y - b)/x, L == 0)", ()),           # r = 0 there
    # signs: hinge gradient is −y·x·H(1 − yη), so y·x·∂L/∂w = −x²y²H ≤ 0
    ("linear", "hinge", "y*x*d(L, w) <= 0", ()),
    ("linear", "bce_logits", "L > 0", ()),                   # softplus(η) > yη for y ∈ {0, 1}
    ("linear", "squared", "L >= 0 and d(L, w, 2) >= 0", ()),
    ("linear", "squared", "sign(d(L, w)) == sign(b + w*x - y)", ("x > 0",)),  # ∂L/∂w = x·r
    ("linear", "logistic", "sign(d(L, w)) == -sign(x*y)", ()),  # −x·y·σ(−yη), σ > 0
]

REFUTED = [
    ("logistic", "bce", "d(L, w, 2) <= x**2/5", ()),          # σ(0)(1 − σ(0)) = 1/4 > 1/5
    ("logistic", "bce", "abs(d(L, w)) <= abs(x)/2", ()),      # |σ − y| → 1
    ("linear", "squared", "d(L, w, 2) > 0", ()),              # x = 0
    ("linear", "squared", "implies(d(L, w) == 0, L == 0)", ()),  # x = 0 with r ≠ 0
    ("linear", "squared", "d(L, w)**2 >= 4*x**2*L", ()),      # 2x²L < 4x²L when xr ≠ 0
    ("logistic", "bce", "d(L, w) <= 0", ()),                  # y = 0, x > 0: xσ > 0
    ("linear", "bce_logits", "L > 1", ()),                    # L → 0 as yη → ∞... at y = 1, η large
]


@pytest.mark.parametrize("model, loss, text, assume", PROVED)
def test_true_claims_are_proved_and_recheck(model, loss, text, assume):
    claim = parse_claim(problem(model, loss), text, assume=list(assume))
    r = decide(claim, tactics=REG, timeout=20)
    assert r.verdict == "proved", r.reason
    check_proof(r.proof, set(claim.hypotheses))
    assert spot_check(claim) == 0


@pytest.mark.parametrize("model, loss, text, assume", PROVED)
def test_prover_tactic_alone_proves(model, loss, text, assume):
    """The prover itself (not only zero-equivalence) proves every true claim."""
    claim = parse_claim(problem(model, loss), text, assume=list(assume))
    r = prover.pointwise(claim, _ctx())
    assert r is not None and r.verdict == "proved"
    check_proof(r.proof, set(claim.hypotheses))


@pytest.mark.parametrize("model, loss, text, assume", REFUTED)
def test_false_claims_are_never_proved(model, loss, text, assume):
    claim = parse_claim(problem(model, loss), text, assume=list(assume))
    r = decide(claim, tactics=REG, timeout=20)
    assert r.verdict == "refuted", r.reason
    from symloss.refute.counterexample import verify

    assert verify(claim.formula, claim.hypotheses, r.counterexample.values)


# ---------------------------------------------------------------- candidates


def test_abstract_candidate_is_rejected_by_the_exact_verifier():
    # true (Taylor with a nonnegative remainder) but beyond the z3 abstraction,
    # which only knows exp(u) >= 1 + u: z3 offers candidates, exact checks reject
    # them, and the interval prover (the last tactic) proves the claim
    claim = parse_claim(problem("linear", "squared"), "exp(x) >= 1 + x + x**2/2", assume=["x >= 0"])
    env = prover.Env()
    step = prover.prove_goal(prover.claim_goal(claim), env)
    assert env.candidates
    assert step is not None and "IntervalCover" in prover._kinds(step)
    assert prover.pointwise(claim, _ctx()).verdict == "proved"
    assert decide(claim, tactics=REG, timeout=5).verdict != "refuted"


def test_verified_candidate_becomes_a_refutation():
    claim = parse_claim(problem("linear", "squared"), "x**2 >= x")
    r = prover.pointwise(claim, _ctx())
    assert r.verdict == "refuted"
    v = r.counterexample.values[claim.symbols[0]]
    assert 0 < v < 1


# ---------------------------------------------------------------- tampering


def _proof(model, loss, text, assume=()):
    claim = parse_claim(problem(model, loss), text, assume=list(assume))
    r = prover.pointwise(claim, _ctx())
    assert r is not None and r.verdict == "proved"
    return claim, r.proof


def _find(step, cls):
    return next(s for s in iter_steps(step) if isinstance(s, cls))


def test_tampered_relation_from_sign_fails():
    claim, proof = _proof("logistic", "bce", "d(L, w, 2) <= x**2/4")
    step = _find(proof, RelationFromSign)
    stronger = sp.StrictLessThan(step.relation.lhs, step.relation.rhs, evaluate=False)
    with pytest.raises(ProofCheckError):
        dataclasses.replace(step, relation=stronger).verify()
    with pytest.raises(ProofCheckError):
        dataclasses.replace(step, form=step.form + 1).verify()


def test_tampered_decided_goal_fails():
    claim, proof = _proof("logistic", "bce", "abs(d(L, w)) <= abs(x)")
    step = _find(proof, Decided)
    with pytest.raises(ProofCheckError):
        dataclasses.replace(step, goal=sp.Le(step.goal.lhs, step.goal.rhs / 2, evaluate=False)).verify()


def test_proof_with_foreign_hypothesis_fails_the_check():
    claim, proof = _proof("linear", "squared", "sign(d(L, w)) == sign(b + w*x - y)", ("x > 0",))
    other = parse_claim(problem("linear", "squared"), "sign(d(L, w)) == sign(b + w*x - y)")
    with pytest.raises(ProofCheckError):
        check_proof(proof, set(other.hypotheses))  # x > 0 is not a hypothesis there


x, y, u = sp.symbols("x y u", real=True)
d = sp.Symbol("d", positive=True)
Y01 = prover.Given(sp.Eq(y, 0) | sp.Eq(y, 1), "domain of y")


def test_tampered_finite_cases_fail():
    goal = prover.Goal(sp.Eq(y * (y - 1), 0, evaluate=False), (Y01,))
    step = prover.finite_cases(goal, prover.Env())
    check_proof(step, {Y01.fact})
    with pytest.raises(ProofCheckError):
        dataclasses.replace(step, cases=step.cases[:1]).verify()
    with pytest.raises(ProofCheckError):
        dataclasses.replace(step, cases=step.cases[::-1]).verify()
    wider = prover.Given(sp.Eq(y, 0) | sp.Eq(y, 1) | sp.Eq(y, 2), "domain of y")
    with pytest.raises(ProofCheckError):
        dataclasses.replace(step, cover=wider, context=(wider,)).verify()


def test_tampered_kink_cases_fail():
    goal = prover.Goal(sp.Ge(sp.Abs(x), x, evaluate=False))
    step = prover.prove_goal(goal, prover.Env())
    kink = prover.try_each_case(prover.kink_split, prover._recursive)(goal, prover.Env())
    assert isinstance(kink, KinkCases) and step is not None
    check_proof(kink, set())
    swapped = (kink.cases[2], kink.cases[1], kink.cases[0])
    with pytest.raises(ProofCheckError):
        dataclasses.replace(kink, cases=swapped).verify()


def test_tampered_implication_fails():
    goal = prover.Goal(sp.Implies(sp.Eq(x, 2), sp.Eq(x**2, 4)))
    step = prover.implication(goal, prover.Env())
    check_proof(step, set())
    with pytest.raises(ProofCheckError):
        dataclasses.replace(step, premise=sp.Eq(x, 3)).verify()
    with pytest.raises(ProofCheckError):
        dataclasses.replace(step, solved=(x, sp.Integer(3))).verify()


def test_tampered_same_sign_fails():
    goal = prover.Goal(sp.Eq(sp.sign(d * x), sp.sign(x), evaluate=False))
    step = prover.same_sign(goal, prover.Env())
    check_proof(step, set())
    with pytest.raises(ProofCheckError):
        dataclasses.replace(step, ratio=-d).verify()
    with pytest.raises(ProofCheckError):
        dataclasses.replace(step, rhs=x + 1).verify()


def test_tampered_conjunction_fails():
    goal = prover.Goal(sp.And(sp.Ge(x**2, 0, evaluate=False), sp.Gt(x**2 + 1, 0, evaluate=False)))
    step = prover.conjunction(goal, prover.Env())
    check_proof(step, set())
    with pytest.raises(ProofCheckError):
        dataclasses.replace(step, parts=step.parts[:1]).verify()


def test_tampered_hypothetical_cannot_smuggle_assumptions():
    goal = prover.Goal(sp.Implies(sp.Gt(x, 0, evaluate=False), sp.Gt(x + 1, 0, evaluate=False)))
    step = prover.implication(goal, prover.Env())
    check_proof(step, set())
    bad = Hypothetical(step.proof.assumed + (sp.Gt(x, 5),), step.proof.proof)
    with pytest.raises(ProofCheckError):
        dataclasses.replace(step, proof=bad).verify()


def test_identity_rejects_a_nonzero_difference():
    with pytest.raises(ProofCheckError):
        Identity(sp.Eq(x, x + 1, evaluate=False)).verify()
    with pytest.raises(ProofCheckError):
        AndIntro(sp.Gt(x, 0), ()).verify()


# ---------------------------------------------------------------- soundness property

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

PAIRS = [("linear", "squared"), ("logistic", "bce"), ("linear", "bce_logits"), ("linear", "poisson_nll"),
         ("linear", "exponential"), ("linear", "logistic"), ("linear", "huber"), ("linear", "absolute"),
         ("logistic", "squared"), ("linear", "log_cosh"), ("tanh_neuron", "squared"), ("linear", "hinge")]
TEMPLATES = ["d(L, w, 2) >= {c}", "d(L, w, 2) <= {c}*x**2", "abs(d(L, w)) <= {c}*abs(x)", "L >= {c}",
             "L > {c}", "d(L, w)**2 >= {c}*x**2*L", "x*d(L, w) >= {c}", "implies(d(L, w) == 0, x == {c})",
             "d(L, w, 2) >= {c}*x**2", "abs(d(L, b)) <= {c}"]
CONSTANTS = ["0", "1", "-1", "1/4", "1/5", "2", "1/2"]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(PAIRS), st.sampled_from(TEMPLATES), st.sampled_from(CONSTANTS))
def test_every_proof_of_a_random_claim_holds_at_random_points(pair, template, c):
    claim = parse_claim(problem(*pair), template.format(c=c))
    r = prover.pointwise(claim, _ctx(5))
    if r is None:
        return
    if r.verdict == "proved":
        check_proof(r.proof, set(claim.hypotheses))
        assert spot_check(claim, n=60) == 0
    else:
        from symloss.refute.counterexample import verify

        assert r.verdict == "refuted" and verify(claim.formula, claim.hypotheses, r.counterexample.values)
