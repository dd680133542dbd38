"""corr tactic: parity and Chebyshev proofs re-check, agree with a numeric
Pearson correlation (mpmath quadrature), tampering fails, false claims are
never proved."""

from __future__ import annotations

import dataclasses
import time

import mpmath
import pytest
import sympy as sp

from symloss.engine import corr
from symloss.calculus.claims import Corr, NormalDist, UniformDist, parse_claim
from symloss.decide import TACTICS, Context, decide
from symloss.errors import ProofCheckError
from symloss.language.functions import MPMATH_FUNCTIONS, sigmoid
from symloss.problem import problem
from symloss.calculus.proof import check_proof

REG = TACTICS.copy()
corr.register(REG)
W = sp.Symbol("w", real=True)


def _ctx():
    return Context(deadline=time.monotonic() + 20)


def _pearson(a, b, v, dist, values):
    """Numeric Pearson correlation by mpmath quadrature (the oracle)."""
    mpmath.mp.dps = 20
    fa = sp.lambdify([v], a.xreplace(values), modules=[MPMATH_FUNCTIONS, "mpmath"])
    fb = sp.lambdify([v], b.xreplace(values), modules=[MPMATH_FUNCTIONS, "mpmath"])
    if isinstance(dist, UniformDist):
        lo, hi = (mpmath.mpf(float(x)) for x in dist.args)
        dens = lambda u: 1 / (hi - lo)  # noqa: E731
        rng = [lo, hi]
    else:
        mu, s = (mpmath.mpf(float(x)) for x in dist.args)
        dens = lambda u: mpmath.npdf(u, mu, s)  # noqa: E731
        rng = [-mpmath.inf, mpmath.inf]

    def e(f):
        return mpmath.quad(lambda u: f(u) * dens(u), rng)

    ea, eb = e(fa), e(fb)
    cov = e(lambda u: (fa(u) - ea) * (fb(u) - eb))
    va, vb = e(lambda u: (fa(u) - ea) ** 2), e(lambda u: (fb(u) - eb) ** 2)
    return cov / mpmath.sqrt(va * vb)


CASES = [
    # model, loss, claim, assume, expected sign of the correlation
    (None, "log(cosh(w))", "corr(L, d(L, w), w, uniform(-1, 1)) == 0", (), 0),
    (None, "log(cosh(w))", "corr(L, d(L, w), w, normal(0, 2)) == 0", (), 0),
    (None, "log(cosh(w - 1))", "corr(d(L, w), L, w, uniform(0, 2)) == 0", (), 0),
    (None, "softplus(w) - w/2", "corr(L, d(L, w), w, uniform(-3, 3)) >= 0", (), 0),
    (None, "log(cosh(w))", "corr(d(L, w), w, w, uniform(-1, 1)) > 0", (), 1),
    (None, "log(cosh(w))", "corr(d(L, w), w, w, normal(0, 1)) > 0", (), 1),
    (None, "log(cosh(w))", "corr(w, d(L, w), w, uniform(-1, 2)) > 0", (), 1),
    (None, "exp(-w)", "corr(L, w, w, uniform(0, 1)) < 0", (), -1),
    ("linear", "bce_logits", "corr(d(L, w), w, w, uniform(-1, 1)) >= 0", (), 1),
    ("linear", "bce_logits", "corr(d(L, w), w, w, uniform(-1, 1)) > 0", ("x != 0",), 1),
    ("linear", "bce_logits", "corr(0 - d(L, w), w, w, uniform(-1, 1)) <= 0", (), -1),
]


@pytest.mark.parametrize("model,loss,text,assume,sign", CASES)
def test_corr_proved_and_matches_quadrature(model, loss, text, assume, sign):
    claim = parse_claim(problem(model, loss), text, assume=assume)
    r = decide(claim, tactics=REG, timeout=20)
    assert r.verdict == "proved" and r.method.startswith("corr"), r.reason
    check_proof(r.proof, set(claim.hypotheses))
    term = next(iter(claim.formula.atoms(Corr)))
    a, b, v, dist = term.args
    values = {s: sp.Integer(1) if s.name != "y" else sp.Integer(0) for s in claim.symbols}
    if "x != 0" not in assume and any(s.name == "x" for s in claim.symbols):
        values = {s: (sp.Rational(3, 2) if s.name == "x" else val) for s, val in values.items()}
    rho = _pearson(a, b, v, dist, values)
    if sign == 0:
        assert abs(rho) < 1e-10
    else:
        assert sign * rho > 1e-6


@pytest.mark.parametrize("model,loss,text", [
    (None, "log(cosh(w))", "corr(L, w, w, uniform(-1, 1)) > 0"),       # 0 by parity
    (None, "log(cosh(w))", "corr(d(L, w), w, w, uniform(-1, 1)) < 0"),  # positive
    (None, "log(cosh(w))", "corr(L, d(L, w), w, uniform(0, 1)) == 0"),  # not symmetric: positive
    ("linear", "exponential", "corr(L, d(L, w), w, uniform(-1, 1)) <= 0"),  # sign of -x y
])
def test_false_corr_claims_are_not_proved(model, loss, text):
    claim = parse_claim(problem(model, loss), text)
    assert corr.corr(claim, _ctx()) is None
    assert decide(claim, tactics=REG, timeout=5).verdict != "proved"


def test_corr_tactic_ignores_other_claims():
    claim = parse_claim(problem("linear", "squared"), "L >= 0")
    assert corr.corr(claim, _ctx()) is None
    assert corr.prove_corr_sign(sp.Gt(W, 0), []) is None


def _step(formula, hyps=()):
    step = corr.prove_corr_sign(formula, list(hyps))
    assert step is not None
    check_proof(step, set(hyps))
    return step


def _fails(step, hyps=()):
    with pytest.raises(ProofCheckError):
        check_proof(step, set(hyps))


@pytest.mark.parametrize("change", ["swap_parity", "shift_interval", "stronger_claim", "unknown_dist"])
def test_tampered_parity_fails(change):
    f = sp.Eq(Corr(sp.cosh(W), sp.tanh(W), W, UniformDist(-1, 1)), 0, evaluate=False)
    step = _step(f)
    assert isinstance(step.evidence, corr.Parity)
    if change == "swap_parity":
        bad = dataclasses.replace(step, evidence=corr.Parity("B" if step.evidence.even == "A" else "A"))
    elif change == "shift_interval":
        bad = dataclasses.replace(step, formula=sp.Eq(Corr(sp.cosh(W), sp.tanh(W), W, UniformDist(0, 1)), 0,
                                                       evaluate=False))
    elif change == "stronger_claim":
        bad = dataclasses.replace(step, formula=sp.Gt(f.lhs, 0, evaluate=False))
    else:
        bad = dataclasses.replace(step, formula=sp.Eq(Corr(sp.cosh(W), sp.tanh(W), W, sp.Function("cauchy")(0, 1)),
                                                       0, evaluate=False))
    _fails(bad)


@pytest.mark.parametrize("change", ["flip_claim", "swap_premises", "discontinuous", "point_mass", "wrong_support"])
def test_tampered_chebyshev_fails(change):
    f = sp.Gt(Corr(sigmoid(W), W**3 + W, W, UniformDist(-1, 2)), 0, evaluate=False)
    step = _step(f)
    ev = step.evidence
    assert isinstance(ev, corr.Chebyshev)
    if change == "flip_claim":
        bad = dataclasses.replace(step, formula=sp.Lt(f.lhs, 0, evaluate=False))
    elif change == "swap_premises":
        bad = dataclasses.replace(step, evidence=corr.Chebyshev(ev.db, ev.da))
    elif change == "discontinuous":
        bad = dataclasses.replace(step, formula=sp.Gt(Corr(sigmoid(W) + sp.sign(W), W**3 + W, W, UniformDist(-1, 2)),
                                                       0, evaluate=False))
    elif change == "point_mass":
        bad = dataclasses.replace(step, formula=sp.Gt(Corr(sigmoid(W), W**3 + W, W, UniformDist(1, 1)), 0,
                                                       evaluate=False))
        # derivative facts still check on [1, 1] only if the support matches: make them match
        sup = (sp.Ge(W, 1, evaluate=False), sp.Le(W, 1, evaluate=False))
        from symloss.engine.relations import Local

        bad = dataclasses.replace(bad, evidence=corr.Chebyshev(Local(sup, ev.da.proof), Local(sup, ev.db.proof)))
    else:
        from symloss.engine.relations import Local

        bad = dataclasses.replace(step, evidence=corr.Chebyshev(Local((), ev.da.proof), ev.db))
    _fails(bad)


def test_weak_sign_when_a_derivative_may_vanish():
    x = sp.Symbol("x", real=True)
    f = sp.Ge(Corr(x**2 * sigmoid(W), W, W, NormalDist(0, 1)), 0, evaluate=False)
    step = _step(f)
    strict = dataclasses.replace(step, formula=sp.Gt(f.lhs, 0, evaluate=False))
    _fails(strict)
    assert corr.prove_corr_sign(sp.Gt(f.lhs, 0, evaluate=False), []) is None
    assert corr.prove_corr_sign(sp.Gt(f.lhs, 0, evaluate=False), [sp.Ne(x, 0)]) is not None


@pytest.mark.parametrize("text,proved", [
    ("corr(log(w + 2), w, w, uniform(-1, 1)) > 0", True),
    ("corr(log(w), w, w, uniform(-1, 1)) > 0", False),      # log undefined on half the support
    ("corr(sqrt(w + 1), w, w, uniform(-1, 1)) > 0", True),
])
def test_sides_must_be_defined_on_the_support(text, proved):
    claim = parse_claim(problem(None, "w**2"), text)
    step = corr.prove_corr_sign(claim.formula, claim.hypotheses)
    assert (step is not None) is proved
    if step is not None and step.evidence.defined:
        _fails(dataclasses.replace(step, evidence=dataclasses.replace(step.evidence, defined=())), claim.hypotheses)


# --- a side unbounded at an edge of the support (adversarial round 5, W2) -------------------------------
# With w declared positive, 1/w has no definedness condition, yet E[1/w] over U(0, 1) is infinite: the
# correlation does not exist and must not be proved (by Chebyshev's inequality or otherwise).

@pytest.mark.parametrize("loss, claim, proved", [
    ("1/w", "corr(L, w, w, uniform(0, 1)) < 0", False),          # E[1/w] = ∞
    ("1/sqrt(w)", "corr(L, w, w, uniform(0, 1)) < 0", False),    # Var = ∞
    ("-log(w)/w", "corr(L, w, w, uniform(0, 1)) < 0", False),    # E = ∞
    ("1/w", "corr(L, w, w, uniform(0, 1)) > -1", False),
    ("1/w", "corr(L, w, w, uniform(1, 2)) < 0", True),           # bounded on [1, 2]
    ("log(w)", "corr(L, w, w, uniform(1, 2)) > 0", True),
])
def test_unbounded_side_at_a_support_edge(loss, claim, proved):
    r = problem(loss=loss, params=["w"], vars={"w": "positive"}).check(claim, timeout=20)
    assert (r.verdict == "proved") is proved, r.reason
    assert r.verdict != "refuted"
    if proved:
        check_proof(r.proof, set(r.claim.hypotheses))
    r = problem(loss=loss, params=["w"], vars={"w": "positive", "a": "positive"}).check(  # a symbolic right end
        claim.replace("uniform(0, 1)", "uniform(0, a)"), timeout=20)
    assert r.verdict != "proved" or proved, r.reason
