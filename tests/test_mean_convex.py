"""Convexity of an empirical risk from one sample's term (issue 16): the
``ConvexTermSum`` (N samples) and ``ConvexMeanOverN`` (symbolic n) steps.

Proved claims are attacked with Jensen's inequality at random exact data and
random pairs of parameter values, evaluated with mpmath at 50 digits on a
mean built here from the single-sample problem; forged steps must fail
their check; false claims are refuted, never proved by this path.
"""

from __future__ import annotations

import dataclasses
import random

import mpmath
import pytest
import sympy as sp

from symloss.calculus.proof import check_proof, iter_steps
from symloss.engine.mean_convex import ConvexMeanOverN, ConvexTermSum
from symloss.errors import ProofCheckError
from symloss.language.functions import MPMATH_FUNCTIONS
from symloss.decide import check_claim
from symloss.problem import problem


def _check(p, text, timeout=60):
    """Decided in this process: the proof objects are the ones the pipeline checked (a worker's
    result comes back pickled, and SymPy re-evaluates 0 <= y_1 for a nonnegative y_1 on the way)."""
    return check_claim(p, text, timeout=timeout)


@pytest.fixture(autouse=True)
def _fifty_digits():
    with mpmath.workdps(50):
        yield


def _hand_mean(model, loss, N, vars=None):
    single = problem(model, loss, vars=vars or {})
    terms = []
    for k in range(1, N + 1):
        ren = {s: sp.Symbol(f"{s.name}_{k}", real=True) for s in (*single.inputs, *single.labels)}
        terms.append(single.L.xreplace({s: ren[s] for s in ren}))
    return sp.Add(*terms) / N, single


def _jensen_attack(model, loss, N, vars=None, tries=30, concave=False):
    """L((a + c)/2) <= (L(a) + L(c))/2 at random data and a < c (50 digits)."""
    L, single = _hand_mean(model, loss, N, vars)
    w = next(s for s in L.free_symbols if s.name == "w")
    syms = sorted(L.free_symbols - {w}, key=str)
    f = sp.lambdify([w, *syms], L, modules=[MPMATH_FUNCTIONS, "mpmath"])
    rnd = random.Random(N)
    done = 0
    for _ in range(tries):
        point = []
        for s in syms:
            name = s.name.rsplit("_", 1)[0]
            dom = single.domain(name) if name in single.symbols else None
            elements = getattr(dom, "elements", ()) if dom is not None else ()
            v = sp.Rational(rnd.choice(elements)) if elements else sp.Rational(rnd.randint(-8, 8), rnd.randint(1, 4))  # |w x| small: 1 - σ keeps its digits
            point.append(mpmath.mpf(v.p) / v.q)
        a, c = sorted(sp.Rational(rnd.randint(-10, 10), rnd.randint(1, 2)) for _ in range(2))
        if a == c:
            continue
        fa, fc = f(mpmath.mpf(a.p) / a.q, *point), f(mpmath.mpf(c.p) / c.q, *point)
        fm = f((mpmath.mpf(a.p) / a.q + mpmath.mpf(c.p) / c.q) / 2, *point)
        gap = fm - (fa + fc) / 2
        assert (gap >= -mpmath.mpf(10) ** -40) if concave else (gap <= mpmath.mpf(10) ** -40 * (1 + abs(fa) + abs(fc))), (
            gap, a, c, dict(zip(syms, point)))
        done += 1
    assert done >= 10


PROVED = [
    # model, loss, samples, vars, step class
    ("linear", "squared", 2, {}, ConvexTermSum),
    ("logistic", "bce", 3, {}, ConvexTermSum),
    ("linear", "hinge", 3, {}, ConvexTermSum),
    ("linear", "exponential", 2, {}, ConvexTermSum),
    ("linear", "squared", "n", {}, ConvexMeanOverN),
    ("linear", "exponential", "n", {"y": "real"}, ConvexMeanOverN),
    ("linear", "logistic", "n", {"y": "real"}, ConvexMeanOverN),
]


@pytest.mark.parametrize("model, loss, samples, vars, cls", PROVED)
def test_mean_of_convex_terms_is_proved_and_rechecked(model, loss, samples, vars, cls):
    p = problem(model, loss, vars=vars, samples=samples)
    r = _check(p, "convex(L, w)")
    assert r.verdict == "proved", r.reason
    assert isinstance(r.proof, cls), type(r.proof).__name__
    check_proof(r.proof, set(r.claim.hypotheses))
    _jensen_attack(model, loss, samples if isinstance(samples, int) else 4, vars)


def test_a_renaming_onto_the_variable_is_refused():
    r = _check(problem("linear", "squared", samples=2), "convex(L, w)")
    step = r.proof
    w = r.claim.var
    x1 = next(a for a, _ in step.renamings[1] if a.name == "x_1")
    forged = dataclasses.replace(step, renamings=(step.renamings[0], ((x1, w),)))
    with pytest.raises(ProofCheckError, match="renaming"):
        check_proof(forged, set(r.claim.hypotheses))


def test_the_renamed_hypotheses_must_be_given():
    """logistic + BCE: sample 1's proof cites y_1 ∈ {0, 1}; the copy needs
    y_2 ∈ {0, 1} as a hypothesis of the claim."""
    r = _check(problem("logistic", "bce", samples=2), "convex(L, w)")
    assert isinstance(r.proof, ConvexTermSum) and r.proof.givens
    with pytest.raises(ProofCheckError, match="not given"):
        check_proof(dataclasses.replace(r.proof, givens=()), set(r.claim.hypotheses))
    # and a given must be a hypothesis of the claim: the claim without sample 2's label domain fails
    fewer = {h for h in r.claim.hypotheses if "y_2" not in str(h)}
    with pytest.raises(ProofCheckError):
        check_proof(r.proof, fewer)


def test_a_sum_that_is_not_the_renamed_terms_is_refused():
    r = _check(problem("linear", "squared", samples=2), "convex(L, w)")
    forged = dataclasses.replace(r.proof, expr=r.proof.expr - r.claim.var ** 2)  # concave part added
    with pytest.raises(ProofCheckError, match="not the sum"):
        check_proof(forged, set(r.claim.hypotheses))


def test_the_symbolic_step_needs_a_positive_factor():
    r = _check(problem("linear", "squared", samples="n"), "convex(L, w)")
    forged = dataclasses.replace(r.proof, expr=-r.proof.expr)
    with pytest.raises(ProofCheckError, match="factor"):
        check_proof(forged, set(r.claim.hypotheses))


def test_the_symbolic_step_refuses_a_per_sample_hypothesis():
    """A proof of the term that cites x > 0 for the generic x is not about every sample."""
    p = problem("w*x", "exp(-yhat)", vars={"y": "real"}, samples="n")
    r = _check(p, "convex(L, w)")
    assert r.verdict == "proved" and isinstance(r.proof, ConvexMeanOverN)
    g = r.proof.entries[0][0]  # the generic x of one sample
    from symloss.calculus.proof import Given

    check_proof(r.proof, set(r.claim.hypotheses))  # the real one checks
    bad = ConvexMeanOverN(r.proof.expr, r.proof.var, False, r.proof.term, r.proof.entries,
                          _citing(r.proof.premise, Given(g > 0, "assume")))
    with pytest.raises(ProofCheckError, match="shared by all samples"):
        bad.verify()


def _citing(step, given):
    """``step`` with an extra cited hypothesis (a sum-sign premise replaced by one that cites it)."""
    from symloss.calculus.proof import Step

    @dataclasses.dataclass(frozen=True)
    class Cites(Step):
        inner: Step
        extra: Step

        @property
        def fact(self):
            return self.inner.fact

        def verify(self):
            pass

    return Cites(step, given)


@pytest.mark.parametrize("model, loss, samples, vars, text", [
    ("tanh_neuron", "squared", 2, {}, "convex(L, w)"),
    ("tanh_neuron", "squared", "n", {}, "convex(L, w)"),
    ("linear", "squared", 3, {}, "concave(L, w)"),
    ("linear", "squared", "n", {}, "concave(L, w)"),
])
def test_false_convexity_is_refuted_not_proved(model, loss, samples, vars, text):
    r = problem(model, loss, vars=vars, samples=samples).check(text, timeout=60)
    assert r.verdict == "refuted", r.reason
    assert r.counterexample.pair is not None


def test_no_step_for_one_sample():
    r = problem("logistic", "bce").check("convex(L, w)", timeout=60)
    assert r.verdict == "proved" and not any(isinstance(s, (ConvexTermSum, ConvexMeanOverN))
                                             for s in iter_steps(r.proof))
