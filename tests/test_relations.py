"""proportional / nondecreasing tactics: proved claims hold numerically
(mpmath oracle), proofs re-check and tampering fails, false claims are never
proved and come back refuted with exactly verified pairs."""

from __future__ import annotations

import dataclasses
import random

import mpmath
import pytest
import sympy as sp

from symloss.engine import relations
from symloss.calculus.claims import Nondecreasing, Proportional, parse_claim
from symloss.refute.counterexample import pair_form
from symloss.decide import TACTICS, Context, decide
from symloss.errors import ProofCheckError
from symloss.calculus.exact import point_is_admissible, truth
from symloss.language.functions import MPMATH_FUNCTIONS
from symloss.problem import problem
from symloss.calculus.proof import check_proof

REG = TACTICS.copy()
relations.register(REG)


def _claim(model, loss, text, assume=()):
    return parse_claim(problem(model, loss), text, assume=assume)


def _value(dom, rnd):
    """A random admissible float (finite domains: one of the elements)."""
    if dom is not None and dom.is_finite:
        return float(rnd.choice(dom.elements))
    for _ in range(100):
        v = sp.Rational(rnd.randint(-300, 300), 100)
        if dom is None or dom.contains(v):
            return float(v)
    return 1.0


def _points(claim, n, seed=0):
    rnd = random.Random(seed)
    for _ in range(n):
        yield {s: _value(claim.domain_of(s), rnd) for s in claim.symbols}


def _numeric(expr, syms):
    return sp.lambdify(syms, expr, modules=[MPMATH_FUNCTIONS, "mpmath"])


def _ctx():
    import time

    return Context(deadline=time.monotonic() + 20)


# ---------------------------------------------------------------------------
# proportional

PROPORTIONAL_TRUE = [
    ("linear", "exponential", "proportional(d(L, w), L, w)"),
    ("linear", "exponential", "proportional(d(L, b), L, b)"),
    ("linear", "squared", "proportional(d(L, w), yhat - y, w)"),
    ("linear", "mse", "proportional(d(L, w), d(L, b), w)"),
    ("linear", "bce_logits", "proportional(d(L, w), sigmoid(b + w*x) - y, w)"),
    ("logistic", "bce", "proportional(d(L, w), d(L, b), w)"),
    ("poisson", "squared", "proportional(d(L, w), x*d(L, b), w)"),
]


@pytest.mark.parametrize("model,loss,text", PROPORTIONAL_TRUE)
def test_proportional_proved_and_holds(model, loss, text):
    claim = _claim(model, loss, text)
    r = decide(claim, tactics=REG, timeout=20)
    assert r.verdict == "proved" and r.method.startswith("proportional")
    check_proof(r.proof, set(claim.hypotheses))
    syms = list(claim.symbols) + [claim.var]
    a, b = _numeric(claim.a, syms), _numeric(claim.b, syms)
    mpmath.mp.dps = 30
    for pt in _points(claim, 5):
        c = [_numeric(case.c, list(claim.symbols))(*[pt[s] for s in claim.symbols]) for case in r.proof.cases
             if all(pt[s] == float(v) for s, v in case.values)]
        for w in (-1.3, 0.4, 2.1):
            args = [pt[s] for s in claim.symbols] + [w]
            assert abs(a(*args) - c[0] * b(*args)) < 1e-20


@pytest.mark.parametrize("model,loss,text", [
    ("linear", "squared", "proportional(d(L, w), L, w)"),
    ("linear", "bce_logits", "proportional(d(L, w), L, w)"),
    ("linear", "poisson_nll", "proportional(d(L, w), L, w)"),
    ("linear", "cauchy", "proportional(d(L, w), yhat - y, w)"),
])
def test_proportional_false_is_refuted_with_exact_pair(model, loss, text):
    claim = _claim(model, loss, text)
    assert relations.proportional(claim, _ctx()) is None
    r = decide(claim, tactics=REG, timeout=20)
    assert r.verdict == "refuted"
    ce = r.counterexample
    v, w1, w2 = ce.pair
    point = dict(ce.values)
    a1, a2 = (claim.a.xreplace({**point, v: w}) for w in (w1, w2))
    b1, b2 = (claim.b.xreplace({**point, v: w}) for w in (w1, w2))
    assert truth(sp.Ne(a1 * b2, a2 * b1, evaluate=False), {}) is True
    for w in (w1, w2):
        assert point_is_admissible(claim.hypotheses, {**point, v: w}) is True


def test_proportional_factor_must_be_defined():
    """A = B/x: c = 1/x is undefined at x = 0, where A and B are both defined
    only if x != 0 is a hypothesis."""
    w, x = sp.symbols("w x", real=True)
    assert relations.prove_proportional(w * x, w * x**2, w, []) is None
    step = relations.prove_proportional(w * x, w * x**2, w, [sp.Ne(x, 0)])
    assert step is not None and step.cases[0].c == 1 / x


# ---------------------------------------------------------------------------
# nondecreasing

NONDECREASING_TRUE = [
    ("linear", "squared", "nondecreasing(abs(d(L, w)), L, w)", "monotone relation"),
    ("linear", "squared", "nondecreasing(abs(d(L, b)), L, b)", "monotone relation"),
    ("linear", "mse", "nondecreasing(abs(d(L, w)), L, w)", "monotone relation"),
    ("linear", "exponential", "nondecreasing(abs(d(L, w)), L, w)", "monotone relation"),
    ("logistic", "bce", "nondecreasing(abs(d(L, w)), L, w)", "monotone relation"),
    ("linear", "bce_logits", "nondecreasing(abs(d(L, w)), L, w)", "monotone relation"),
    ("linear", "logistic", "nondecreasing(abs(d(L, w)), L, w)", "monotone relation"),
    ("linear", "squared", "nondecreasing(L, abs(d(L, w)), w)", None),
    ("linear", "log_cosh", "nondecreasing(abs(d(L, w)), L, w)", "monotone relation"),
    ("linear", "absolute", "nondecreasing(abs(d(L, w)), L, w)", "two-copy"),
    ("linear", "huber", "nondecreasing(abs(d(L, w)), L, w)", "two-copy"),
]


@pytest.mark.parametrize("model,loss,text,how", NONDECREASING_TRUE)
def test_nondecreasing_proved_and_holds(model, loss, text, how):
    claim = _claim(model, loss, text)
    r = decide(claim, tactics=REG, timeout=20)
    assert r.verdict == "proved", r.reason
    if how:
        assert how in r.method
    check_proof(r.proof, set(claim.hypotheses))
    syms = list(claim.symbols) + [claim.var]
    a, b = _numeric(claim.a, syms), _numeric(claim.b, syms)
    mpmath.mp.dps = 30
    grid = [mpmath.mpf(k) / 7 for k in range(-21, 22)]
    for pt in _points(claim, 4):
        vals = sorted((b(*[pt[s] for s in claim.symbols], w), a(*[pt[s] for s in claim.symbols], w)) for w in grid)
        for (b1, a1), (b2, a2) in zip(vals, vals[1:]):
            assert b1 <= b2 and a1 <= a2 + mpmath.mpf(10) ** -20 * (1 + abs(a2))


@pytest.mark.parametrize("change", ["drop_one", "swap", "unsquared"])
def test_tampered_squared_identity_fails(change):
    """log-cosh: |x||sinh r|/cosh r = |x|√(e^L − 1)√(e^L + 1)e^(−L) is shown on squares."""
    claim, step = _proved("linear", "log_cosh", "nondecreasing(abs(d(L, w)), L, w)")
    f = step.function_of
    case = f.cases[0]
    assert len(case.squared) == 2
    if change == "drop_one":
        bad_case = dataclasses.replace(case, squared=case.squared[:1])
    elif change == "swap":
        bad_case = dataclasses.replace(case, squared=case.squared[::-1])
    else:
        bad_case = dataclasses.replace(case, squared=())
    _fails(dataclasses.replace(step, function_of=dataclasses.replace(f, cases=(bad_case,))), claim.hypotheses)


@pytest.mark.parametrize("model,loss,text", [
    ("linear", "squared", "nondecreasing(d(L, w), L, w)"),
    ("linear", "cauchy", "nondecreasing(abs(d(L, w)), L, w)"),
    ("linear", "poisson_nll", "nondecreasing(abs(d(L, w)), L, w)"),
    ("linear", "exponential", "nondecreasing(d(L, w), L, w)"),
])
def test_nondecreasing_false_is_refuted_with_exact_pair(model, loss, text):
    claim = _claim(model, loss, text)
    assert relations.nondecreasing(claim, _ctx()) is None
    r = decide(claim, tactics=REG, timeout=20)
    assert r.verdict == "refuted"
    v, w1, w2 = r.counterexample.pair
    point = dict(r.counterexample.values)
    at = [{**point, v: w} for w in (w1, w2)]
    for p in at:
        assert point_is_admissible(claim.hypotheses, p) is True
    assert truth(sp.Le(claim.b, claim.b.xreplace({v: w2}), evaluate=False), at[0]) is True
    assert truth(sp.Gt(claim.a, claim.a.xreplace({v: w2}), evaluate=False), at[0]) is True


def test_two_copy_form_matches_the_refuter():
    """TwoCopy states the same pointwise statement the refuter searches."""
    claim = _claim("linear", "absolute", "nondecreasing(abs(d(L, w)), L, w)")
    step = relations.prove_nondecreasing(claim.a, claim.b, claim.var, claim.hypotheses)
    assert isinstance(step, relations.TwoCopy)
    formula, *_ = pair_form(claim)
    assert type(step.inner.proof.fact) is type(formula) is sp.Implies


# ---------------------------------------------------------------------------
# tampering


def _proved(model, loss, text):
    claim = _claim(model, loss, text)
    r = decide(claim, tactics=REG, timeout=20)
    assert r.verdict == "proved"
    return claim, r.proof


def _fails(step, hyps):
    with pytest.raises(ProofCheckError):
        check_proof(step, set(hyps))


@pytest.mark.parametrize("change", ["c+1", "c*w", "other_a", "drop_case", "no_definedness"])
def test_tampered_proportional_fails(change):
    claim, step = _proved("linear", "exponential", "proportional(d(L, w), L, w)")
    case = step.cases[0]
    w = claim.var
    if change == "c+1":
        bad = dataclasses.replace(step, cases=(dataclasses.replace(case, c=case.c + 1),))
    elif change == "c*w":
        bad = dataclasses.replace(step, cases=(dataclasses.replace(case, c=case.c * w),))
    elif change == "other_a":
        bad = dataclasses.replace(step, a=step.a + 1)
    elif change == "drop_case":
        bad = dataclasses.replace(step, label=claim.symbols[-1], cases=(dataclasses.replace(case, values=((claim.symbols[-1], 1),)),))
    else:
        w_, x = sp.symbols("w x", real=True)
        good = relations.prove_proportional(w_ * x, w_ * x**2, w_, [sp.Ne(x, 0)])
        bad = dataclasses.replace(good, cases=(dataclasses.replace(good.cases[0], defined=()),))
        _fails(bad, [sp.Ne(x, 0)])
        return
    _fails(bad, claim.hypotheses)


@pytest.mark.parametrize("change", ["h+1", "label_cover", "mono_swap", "t_in_context", "derivative_fact"])
def test_tampered_function_of_fails(change):
    claim, step = _proved("logistic", "bce", "nondecreasing(abs(d(L, w)), L, w)")
    assert isinstance(step, relations.NondecreasingVia)
    f = step.function_of
    case0 = f.cases[0]
    t = f.t
    if change == "h+1":
        bad_f = dataclasses.replace(f, cases=(dataclasses.replace(case0, h=case0.h + 1),) + f.cases[1:])
        bad = dataclasses.replace(step, function_of=bad_f)
    elif change == "label_cover":
        bad_f = dataclasses.replace(f, cases=f.cases[:1])
        bad = dataclasses.replace(step, function_of=bad_f, monotone=step.monotone[:1])
    elif change == "mono_swap":
        x = [s for s in claim.symbols if s.name == "x"][0]
        fake = relations.Local((), relations._prove(sp.Abs(x), relations.Sign.NONNEGATIVE, [], (), None).proof)
        bad = dataclasses.replace(step, monotone=(fake,) * len(step.monotone))
    elif change == "t_in_context":
        from symloss.calculus.proof import Given

        bad_f = dataclasses.replace(f, context=f.context + (Given(sp.Gt(t, 0), "smuggled"),))
        bad = dataclasses.replace(step, function_of=bad_f)
    else:
        bad = dataclasses.replace(step, a=-step.a)
    _fails(bad, list(claim.hypotheses) + [sp.Gt(t, 0)] if change == "t_in_context" else claim.hypotheses)


@pytest.mark.parametrize("change", ["no_range", "no_definedness", "no_strict_condition"])
def test_tampered_sqrt_relation_fails(change):
    """|∂L/∂w| = √2·√L·|x| needs L >= 0 for √L to be defined and L > 0 for h' >= 0."""
    claim, step = _proved("linear", "squared", "nondecreasing(abs(d(L, w)), L, w)")
    f = step.function_of
    case = f.cases[0]
    assert case.lo == 0 and case.h.has(sp.sqrt(f.t))
    if change == "no_range":
        bad_case = dataclasses.replace(case, lo=None, range=None)
        bad = dataclasses.replace(step, function_of=dataclasses.replace(f, cases=(bad_case,)))
    elif change == "no_definedness":
        bad_case = dataclasses.replace(case, defined=())
        bad = dataclasses.replace(step, function_of=dataclasses.replace(f, cases=(bad_case,)))
    else:
        mono = relations.Local((), step.monotone[0].proof)
        bad = dataclasses.replace(step, monotone=(mono,))
    _fails(bad, claim.hypotheses)


def test_tampered_two_copy_fails():
    claim = _claim("linear", "absolute", "nondecreasing(abs(d(L, w)), L, w)")
    step = relations.prove_nondecreasing(claim.a, claim.b, claim.var, claim.hypotheses)
    check_proof(step, set(claim.hypotheses))
    _fails(dataclasses.replace(step, a=claim.b, b=claim.a), claim.hypotheses)
    _fails(dataclasses.replace(step, v2=step.v1), claim.hypotheses)
    _fails(dataclasses.replace(step, inner=relations.Local((sp.Gt(step.v1, 0),), step.inner.proof)), claim.hypotheses)


# ---------------------------------------------------------------------------
# pieces


_Y = sp.Symbol("y", real=True)


@pytest.mark.parametrize("fact,values", [
    (sp.Eq(_Y, 0) | sp.Eq(_Y, 1), {0, 1}),
    (sp.Eq(_Y, -1) | sp.Eq(_Y, 1), {-1, 1}),
    (sp.Eq(_Y, 2), {2}),
    (_Y >= 0, None),
    (sp.Eq(_Y, 0) | (_Y > 1), None),
])
def test_finite_values(fact, values):
    got = relations.finite_values(fact, _Y)
    assert (got is None and values is None) or set(got) == values


def test_register_names():
    from symloss.decide import TacticRegistry

    reg = TacticRegistry()
    relations.register(reg)
    assert reg.names("prove") == ("proportional", "nondecreasing")


def test_tactics_ignore_other_claims():
    claim = _claim("linear", "squared", "L >= 0")
    assert relations.proportional(claim, _ctx()) is None
    assert relations.nondecreasing(claim, _ctx()) is None
    assert isinstance(_claim("linear", "squared", "proportional(L, L, w)"), Proportional)
    assert isinstance(_claim("linear", "squared", "nondecreasing(L, L, w)"), Nondecreasing)


def test_smuggled_local_condition_fails():
    """A sub-proof may not assume more than its owner allows."""
    claim, step = _proved("linear", "squared", "nondecreasing(abs(d(L, w)), L, w)")
    f = step.function_of
    case = f.cases[0]
    x = [s for s in claim.symbols if s.name == "x"][0]
    smuggled = relations.Local((sp.Gt(x, 0),), case.range.proof)
    bad_f = dataclasses.replace(f, cases=(dataclasses.replace(case, range=smuggled),))
    _fails(dataclasses.replace(step, function_of=bad_f), claim.hypotheses)


def test_untracked_heads_are_refused():
    """atanh has a domain definedness_conditions does not describe."""
    w, x = sp.symbols("w x", real=True)
    t = sp.Dummy("t", real=True)
    case = relations.Case((), sp.atanh(sp.tanh(t)))
    step = relations.FunctionOf(w * x, w * x, w, t, (), None, (case,))
    with pytest.raises(ProofCheckError, match="not tracked"):
        step.verify()
    relations.FunctionOf(w * x, w * x, w, t, (), None, (relations.Case((), t),)).verify()


# ---------------------------------------------------------------------------
# soundness over the catalogue: whatever the tactics prove holds numerically


def _catalogue_pairs(models):
    from symloss.calculus.catalogue import CATALOGUE

    return [(m, l.name) for m in models for l in CATALOGUE.losses
            if CATALOGUE.compatible(m, l.name).ok]


def _numeric_check(claim, kind, seed=0):
    """Vectorised float oracle: on random admissible points and a grid of the
    variable, the proved relation must hold (relative tolerance 1e-7)."""
    import numpy as np

    from symloss.language.functions import NUMPY_FUNCTIONS

    syms = list(claim.symbols)
    v = claim.var
    rng = np.random.default_rng(seed)
    n = 40
    cols = []
    for s in syms:
        dom = claim.domain_of(s)
        if dom is not None and dom.is_finite:
            cols.append(rng.choice(np.array([float(e) for e in dom.elements]), n))
        elif dom is not None and (s.is_positive or s.is_nonnegative):
            cols.append(rng.uniform(0.1, 2.5, n))
        else:
            cols.append(rng.uniform(-2.5, 2.5, n))
    grid = np.linspace(-2.0, 2.0, 17)
    f = lambda e: sp.lambdify(syms + [v], e, modules=[NUMPY_FUNCTIONS, "numpy"])  # noqa: E731
    A, B = f(claim.a), f(claim.b)
    hyp = [f(h) for h in claim.hypotheses]
    with np.errstate(all="ignore"):
        for i in range(n):
            pt = [c[i] for c in cols]
            ok = np.ones_like(grid, dtype=bool)
            for h in hyp:
                ok &= np.broadcast_to(np.asarray(h(*pt, grid), dtype=bool), grid.shape)
            a = np.broadcast_to(np.asarray(A(*pt, grid), dtype=float), grid.shape)[ok]
            b = np.broadcast_to(np.asarray(B(*pt, grid), dtype=float), grid.shape)[ok]
            if kind == "proportional":
                lhs, rhs = np.outer(a, b), np.outer(b, a)
                assert np.allclose(lhs, rhs, rtol=1e-7, atol=1e-9), (pt, a, b)
            else:
                order = np.lexsort((a, b))
                a, b = a[order], b[order]
                strict = np.diff(b) > 1e-9 * (1 + np.abs(b[1:]))
                assert np.all(np.diff(a)[strict] >= -1e-7 * (1 + np.abs(a[1:][strict]))), (pt, a, b)


def _soundness(model, loss):
    p = problem(model, loss)
    for kind, text in (("proportional", "proportional(d(L, w), L, w)"),
                       ("nondecreasing", "nondecreasing(abs(d(L, w)), L, w)"),
                       ("nondecreasing", "nondecreasing(L, abs(d(L, w)), w)")):
        claim = parse_claim(p, text)
        tactic = relations.proportional if kind == "proportional" else relations.nondecreasing
        r = tactic(claim, _ctx())
        if r is None:
            continue
        check_proof(r.proof, set(claim.hypotheses))
        _numeric_check(claim, kind)


@pytest.mark.parametrize("model,loss", [("linear", "squared"), ("linear", "exponential"), ("logistic", "bce"),
                                        ("linear", "cauchy"), ("exp(w*x + b)", "poisson_nll")])  # exp twice: an expression model
def test_soundness_sample(model, loss):
    _soundness(model, loss)


@pytest.mark.slow
@pytest.mark.parametrize("model,loss", _catalogue_pairs(("linear", "logistic", "poisson", "tanh_neuron",
                                                         "softplus_neuron", "deep_linear", "cubic")))
def test_soundness_over_catalogue(model, loss):
    _soundness(model, loss)


@pytest.mark.parametrize("model,loss,kind,text", [
    ("linear", "cauchy", "nondecreasing", "nondecreasing(abs(d(L, w)), L, w)"),
    ("linear", "squared", "proportional", "proportional(d(L, w), L, w)"),
])
def test_numeric_oracle_can_fail(model, loss, kind, text):
    """The oracle of the soundness tests rejects false claims."""
    with pytest.raises(AssertionError):
        _numeric_check(parse_claim(problem(model, loss), text), kind)
