"""argmin: existence and uniqueness of minimisers across GLMs (canonical and
non-canonical losses), closed-form and implicit w*; failures left to the
exact refutation stage; tampered minimiser proofs fail; an independent
numeric minimiser (grid + golden section) agrees with every proved claim."""

import dataclasses
import time

import numpy as np
import pytest
import sympy as sp

from symloss.engine import argmin, argmin_claim, prover
from symloss.engine.argmin_claim import ArgminSign, ArgminSubstitution
from symloss.engine.argmin import (
    ArgminValue,
    Minimiser,
    MinimiserBySign,
    OppositeLimits,
    RootExists,
)
from symloss.calculus.claims import ArgMin, parse_claim
from symloss.refute.counterexample import verify
from symloss.decide import TACTICS, Context, decide
from symloss.errors import ProofCheckError
from symloss.language.functions import NUMPY_FUNCTIONS, derivative, relu, sigmoid
from symloss.problem import problem
from symloss.calculus.proof import Given, check_proof, iter_steps
from symloss.engine.tactics import Env


def _registry():
    reg = TACTICS.copy()
    prover.register(reg)
    argmin_claim.register(reg)
    return reg


REG = _registry()
SIGN = "sign(d(L, w)) == sign(w - argmin(L, w))"


def _ctx(seconds=30.0):
    return Context(deadline=time.monotonic() + seconds)


# ---------------------------------------------------------------- numeric oracle


def _golden_min(f, lo, hi, tol=1e-12):
    """The minimiser of a unimodal ``f`` on ``[lo, hi]`` by golden-section
    search (a bracket from the grid; no SciPy, so the oracle shares nothing
    with the engine and needs no extra dependency)."""
    g = (5 ** 0.5 - 1) / 2
    a, b = float(lo), float(hi)
    c, d = b - g * (b - a), a + g * (b - a)
    fc, fd = f(c), f(d)
    while b - a > tol * (1 + abs(a) + abs(b)):
        if fc <= fd:
            b, d, fd = d, c, fc
            c = b - g * (b - a)
            fc = f(c)
        else:
            a, c, fc = c, d, fd
            d = a + g * (b - a)
            fd = f(d)
    return (a + b) / 2


def test_golden_section_oracle_finds_known_minimisers():
    assert _golden_min(lambda t: (t - 0.3) ** 2, -1, 2) == pytest.approx(0.3, abs=1e-9)
    assert _golden_min(lambda t: abs(t + 1.25), -3, 0) == pytest.approx(-1.25, abs=1e-9)
    assert _golden_min(lambda t: float(np.cosh(t - 2)), 1.9, 2.05) == pytest.approx(2.0, abs=1e-6)


def _numeric_check(claim, n=12, seed=3):
    """For random admissible values of the other symbols, minimise E over w
    numerically (a dense grid on [−60, 60], refined by bounded Brent) and check that the claim
    holds at several w: ``sign(A(w)) = sign(w − w*)`` away from w*, or the
    closed form equals w*.  Returns the number of clear violations."""
    term = next(iter(claim.formula.atoms(ArgMin)))
    v = term.var
    others = [s for s in claim.symbols if s != v]
    rng = np.random.default_rng(seed)
    samples = {s: np.clip(claim.domain_of(s).sample(rng, 200), -3, 3) for s in others}
    e_f = sp.lambdify([v, *others], term.expr, modules=[NUMPY_FUNCTIONS, "numpy"])
    hyps = [h for h in claim.hypotheses if v not in h.free_symbols]
    h_fs = [sp.lambdify(others, h, modules=[NUMPY_FUNCTIONS, "numpy"]) for h in hyps]
    sign_case = argmin_claim._sign_pattern(claim.formula)
    if sign_case is not None:
        a_f = sp.lambdify([v, *others], sign_case[0], modules=[NUMPY_FUNCTIONS, "numpy"])
    else:  # an equation about the minimiser: evaluate lhs − rhs with w* in its place
        star = sp.Dummy("star", real=True)
        eq = claim.formula.xreplace({term: star})
        gap_f = sp.lambdify([star, *others], eq.lhs - eq.rhs, modules=[NUMPY_FUNCTIONS, "numpy"])
    bad = checked = 0
    for i in range(200):
        vals = [float(samples[s][i]) for s in others]
        if not all(bool(h(*vals)) for h in h_fs):
            continue
        grid = np.linspace(-60, 60, 24001)
        with np.errstate(all="ignore"):
            values = np.asarray(e_f(grid, *vals), dtype=float)
        k = int(np.nanargmin(values))
        if k < 2 or k > len(grid) - 3:  # minimiser outside the bracket: no evidence
            continue
        wstar = _golden_min(lambda t: float(e_f(t, *vals)), grid[k - 1], grid[k + 1])
        checked += 1
        if sign_case is not None:
            for t in (wstar - 2, wstar - 0.3, wstar + 0.3, wstar + 2):
                g = a_f(t, *vals)
                if abs(g) > 1e-12 and np.sign(g) != np.sign(t - wstar):
                    bad += 1
        elif abs(gap_f(wstar, *vals)) > 1e-4 * (1 + abs(wstar)):
            bad += 1
        if checked >= n:
            break
    assert checked >= n // 2, "too few admissible points for the oracle"
    return bad


# ---------------------------------------------------------------- catalogue claims

PROVED = [
    # canonical GLMs: ∂L/∂w = x·(μ(η) − y) with μ increasing; x ≠ 0 makes it strict,
    # and the labels keep y inside the open range of μ so that w* exists
    ("linear", "squared", SIGN, ("x != 0",)),                            # w* = (y − b)/x
    ("logistic", "bce_soft", SIGN, ("x != 0", "y > 0", "y < 1")),        # σ(η*) = y
    ("poisson", "poisson_nll_identity", SIGN, ("x != 0", "y > 0")),      # exp(η*) = y
    ("linear", "poisson_nll", SIGN, ("x != 0", "y > 0")),
    # non-canonical: (σ − y)·σ(1 − σ)·x = [σ(1 − σ)]·[x(σ − y)], first factor > 0
    ("logistic", "squared", SIGN, ("x != 0", "y > 0", "y < 1")),
    ("tanh_neuron", "squared", SIGN, ("x != 0", "y > -1", "y < 1")),     # tanh(η*) = y
    ("linear", "log_cosh", SIGN, ("x != 0",)),                           # x·tanh(r)
    # closed forms
    ("linear", "squared", "argmin(L, w) == (y - b)/x", ("x != 0",)),
    ("poisson", "poisson_nll_identity", "argmin(L, w) == (log(y) - b)/x", ("x != 0", "y > 0")),
    ("logistic", "bce_soft", "argmin(L, w) == (log(y/(1 - y)) - b)/x", ("x != 0", "y > 0", "y < 1")),  # logit
    ("linear", "squared", "at(L, w=argmin(L, w)) == 0", ("x != 0",)),   # the fit is exact
    # over b the coefficient of b in η is 1: no assumption on x is needed
    ("logistic", "bce_soft", "sign(d(L, b)) == sign(b - argmin(L, b))", ("y > 0", "y < 1")),
    ("linear", "squared", "sign(w - argmin(L, w)) == sign(d(L, w))", ("x != 0",)),  # sides swapped
    # kinks: |r| is continuous and ∂L/∂w = x·sign(r) has the sign of x²(w − w*)
    ("linear", "absolute", SIGN, ("x != 0",)),
    ("linear", "absolute", "argmin(L, w) == (y - b)/x", ("x != 0",)),
]
# bce_logits has hard labels y ∈ {0, 1}: σ(η*) = y has no solution (see FAILS)

FAILS = [
    # x = 0 is admissible: L does not depend on w, every w is a minimiser
    ("linear", "squared", SIGN, ()),
    # hard labels: σ(η) = y ∈ {0, 1} is never attained, the infimum is not a minimum
    ("logistic", "bce", SIGN, ("x != 0",)),
    ("linear", "bce_logits", SIGN, ("x != 0",)),
    # wrong closed form: w* = (y − b)/x, not y/x (b = 1 tells them apart)
    ("linear", "squared", "argmin(L, w) == y/x", ("x != 0",)),
]


@pytest.mark.parametrize("model, loss, text, assume", PROVED)
def test_argmin_claims_are_proved_and_agree_with_a_numeric_minimiser(model, loss, text, assume):
    claim = parse_claim(problem(model, loss), text, assume=list(assume))
    r = decide(claim, tactics=REG, timeout=30)
    assert r.verdict == "proved", r.reason
    check_proof(r.proof, set(claim.hypotheses))
    assert any(isinstance(s, (Minimiser, MinimiserBySign)) for s in iter_steps(r.proof))
    assert _numeric_check(claim) == 0


@pytest.mark.parametrize("model, loss, text, assume", FAILS)
def test_failing_minimisers_are_refuted_only_at_verified_points(model, loss, text, assume):
    claim = parse_claim(problem(model, loss), text, assume=list(assume))
    assert argmin_claim.argmin_claim(claim, _ctx()) is None
    r = decide(claim, tactics=REG, timeout=30)
    assert r.verdict == "refuted", r.reason
    values = r.counterexample.values
    if verify(claim.formula, claim.hypotheses, values):
        return  # the claim is false at an admissible point
    # otherwise the minimiser itself fails there (x = 0 or a hard label)
    from symloss.refute.counterexample import _resolve

    f, why = _resolve(claim.formula, values)
    assert f is None and why


def test_unknown_when_labels_may_leave_the_range():
    # logistic + squared with y unrestricted: for y ≥ 1 the infimum is not attained,
    # so no proof; the tactic must say nothing (refutation is another stage's job)
    claim = parse_claim(problem("logistic", "squared"), SIGN, assume=["x != 0"])
    assert argmin_claim.argmin_claim(claim, _ctx()) is None


def test_no_argmin_term_is_not_this_tactics_business():
    claim = parse_claim(problem("linear", "squared"), "L >= 0")
    assert argmin_claim.argmin_claim(claim, _ctx()) is None


# ---------------------------------------------------------------- the minimiser step

w, x, y, b = sp.symbols("w x y b", real=True)
XNZ = Given(sp.Ne(x, 0), "assume")
YIN = (Given(sp.Gt(y, 0), "assume"), Given(sp.Lt(y, 1), "assume"))


def _minimiser(expr, context):
    m = minimiser_or_fail(expr, context)
    check_proof(m, {g.fact for g in context})
    return m


def minimiser_or_fail(expr, context):
    m = argmin.minimiser(ArgMin(expr, w), context, Env())
    assert m is not None
    return m


ROOTS = [
    ((w * x + b - y) ** 2 / 2, (XNZ,), (y - b) / x),
    (sp.exp(w * x + b) - y * (w * x + b), (XNZ, Given(sp.Gt(y, 0), "assume")), (sp.log(y) - b) / x),
]


@pytest.mark.parametrize("expr, context, expected", ROOTS)
def test_closed_form_roots(expr, context, expected):
    m = _minimiser(expr, context)
    assert sp.simplify(m.root - expected) == 0  # test-only comparison
    assert ArgminValue(m).fact == sp.Eq(ArgMin(expr, w), m.root)


def test_logit_root_for_soft_labels():
    bce = -(y * sp.log(sigmoid(w * x + b)) + (1 - y) * sp.log(1 - sigmoid(w * x + b)))
    m = _minimiser(bce, (XNZ, *YIN))
    # the root satisfies σ(x·w* + b) = y exactly
    assert sp.simplify(sigmoid(x * m.root + b).rewrite(sp.exp) - y) == 0


def test_no_minimiser_without_x_nonzero_or_with_hard_labels():
    assert argmin.minimiser(ArgMin((w * x + b - y) ** 2, w), (), Env()) is None
    bce = -(y * sp.log(sigmoid(w * x + b)) + (1 - y) * sp.log(1 - sigmoid(w * x + b)))
    hard = Given(sp.Eq(y, 0) | sp.Eq(y, 1), "domain of y")
    assert argmin.minimiser(ArgMin(bce, w), (XNZ, hard), Env()) is None


def test_jumps_are_refused_and_kinks_take_the_sign_route():
    # sign(w − y) jumps: E is not continuous, no monotonicity argument applies
    assert argmin.minimiser(ArgMin(sp.sign(w - y) + w**2, w), (), Env()) is None
    # |w − y| has a kink at its minimiser y
    m = argmin.minimiser(ArgMin(sp.Abs(w - y), w), (), Env())
    assert isinstance(m, MinimiserBySign) and m.root == y


def test_tampered_minimiser_steps_fail():
    m = _minimiser((w * x + b - y) ** 2 / 2, (XNZ,))
    bad_root = dataclasses.replace(m.existence, root=y / x)
    with pytest.raises(ProofCheckError):
        bad_root.verify()
    with pytest.raises(ProofCheckError):
        dataclasses.replace(m, ratio=-m.ratio).verify()
    with pytest.raises(ProofCheckError):
        dataclasses.replace(m, increasing=m.positive).verify()
    with pytest.raises(ProofCheckError):
        dataclasses.replace(m, core=m.core + 1).verify()
    with pytest.raises(ProofCheckError):  # the Ne(x, 0) hypothesis is not available
        check_proof(m, set())


def test_tampered_argmin_sign_and_substitution_fail():
    claim = parse_claim(problem("linear", "squared"), SIGN, assume=["x != 0"])
    r = decide(claim, tactics=REG, timeout=30)
    step = r.proof
    assert isinstance(step, ArgminSign)
    other = sp.Eq(step.statement.lhs, sp.sign(step.statement.rhs.args[0] + 1), evaluate=False)
    with pytest.raises(ProofCheckError):
        dataclasses.replace(step, statement=other).verify()
    with pytest.raises(ProofCheckError):
        dataclasses.replace(step, link=step.minimiser).verify()
    claim = parse_claim(problem("linear", "squared"), "argmin(L, w) == (y - b)/x", assume=["x != 0"])
    r = decide(claim, tactics=REG, timeout=30)
    sub = r.proof
    assert isinstance(sub, ArgminSubstitution)
    with pytest.raises(ProofCheckError):
        dataclasses.replace(sub, values=()).verify()
    with pytest.raises(ProofCheckError):
        dataclasses.replace(sub, statement=sp.Eq(sub.statement.lhs, y / x, evaluate=False)).verify()


# ---------------------------------------------------------------- implicit w* (limits)

SOFT_REG = "softplus(yhat) - y*yhat + yhat**2/2"  # ∂/∂η = σ(η) − y + η: no closed-form root


@pytest.mark.slow
def test_implicit_minimiser_by_opposite_limits():
    claim = parse_claim(problem("linear", SOFT_REG), SIGN, assume=["x != 0"])
    r = decide(claim, tactics=REG, timeout=60)
    assert r.verdict == "proved", r.reason
    m = next(s for s in iter_steps(r.proof) if isinstance(s, Minimiser))
    assert m.root is None and isinstance(m.existence, OppositeLimits)
    assert m.defining_fact.lhs.atoms(ArgMin)
    assert _numeric_check(claim) == 0
    case = m.existence.cases[0]
    with pytest.raises(ProofCheckError):
        dataclasses.replace(m.existence, cases=(dataclasses.replace(case, low=case.high),)
                            + m.existence.cases[1:]).verify()
    with pytest.raises(ProofCheckError):
        dataclasses.replace(m.existence, cases=m.existence.cases[:1]).verify()


def test_limit_helper_refuses_undetermined_signs():
    h = x * (sigmoid(w * x + b) - y)
    assert argmin._limit(h, w, sp.oo, ()) is None or not argmin._limit(h, w, sp.oo, ()).has(sp.zoo)
    from symloss.calculus.proof import Sign

    assert argmin._limit(h, w, sp.oo, ((x, Sign.POSITIVE),)) == x * (1 - y)
    assert argmin._limit(h, w, -sp.oo, ((x, Sign.POSITIVE),)) == -x * y


def test_definedness_of_every_piece_must_be_proved():
    # E = (w − y)²/x needs x ≠ 0: a proof from x > 0 is part of the minimiser step
    xpos = Given(sp.Gt(x, 0), "assume")
    m = _minimiser((w - y) ** 2 / x, (xpos,))
    assert any(p.fact == sp.Ne(x, 0) for p in m.defined)
    with pytest.raises(ProofCheckError):
        dataclasses.replace(m, defined=()).verify()
    # log(exp(w) + y) is defined for every w, but only with the proof of exp(w) + y > 0
    m = _minimiser(sp.log(sp.exp(w) + y) + w**2, (Given(sp.Gt(y, 0), "assume"),))
    assert m.defined
    with pytest.raises(ProofCheckError):
        dataclasses.replace(m, defined=()).verify()


def test_minimiser_by_sign_for_a_kink_and_its_tampering():
    m = argmin.minimiser(ArgMin(sp.Abs(w * x + b - y), w), (XNZ,), Env())
    assert isinstance(m, MinimiserBySign)
    check_proof(m, {XNZ.fact})
    assert sp.simplify(m.root - (y - b) / x) == 0  # test-only comparison
    with pytest.raises(ProofCheckError):
        dataclasses.replace(m, value=y / x).verify()  # the sign proof is about (y − b)/x
    with pytest.raises(ProofCheckError):
        dataclasses.replace(m, expr=sp.sign(w * x + b - y)).verify()  # a jump is not continuous
    with pytest.raises(ProofCheckError):
        check_proof(m, set())  # x ≠ 0 is needed
    # hinge: relu(1 − yη) is flat on yη ≥ 1, so no sign change and no proof
    hinge = ArgMin(relu(1 - y * (w * x + b)), w)
    assert argmin.minimiser(hinge, (XNZ,), Env()) is None
