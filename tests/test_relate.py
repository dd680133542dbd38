"""relation(problem, param): proved relations agree with the gradient at
random points (mpmath oracle), proofs re-check and tampering fails,
refutations are re-checked exactly and numerically."""

from __future__ import annotations

import dataclasses
import random

import mpmath
import pytest
import sympy as sp

from symloss.errors import InvalidArgument, ProofCheckError
from symloss.calculus.exact import point_is_admissible, truth
from symloss.language.functions import MPMATH_FUNCTIONS
from symloss.problem import problem
from symloss.calculus.proof import check_proof
from symloss.engine.relate import LOSS_SYMBOL, Relation, relation


def _value(dom, rnd):
    if dom.is_finite:
        return float(rnd.choice(dom.elements))
    for _ in range(100):
        v = sp.Rational(rnd.randint(-300, 300), 100)
        if dom.contains(v):
            return float(v)
    raise AssertionError(f"no value in {dom.text}")


PROVED = [
    # model, loss, param, absolute
    ("linear", "squared", "w", True),
    ("linear", "squared", "b", True),
    ("linear", "mse", "w", True),
    ("linear", "exponential", "w", False),
    ("linear", "exponential", "b", False),
    ("logistic", "bce", "w", True),
    ("linear", "bce_logits", "w", True),
    ("linear", "logistic", "w", False),
    ("linear", "cauchy", "w", True),
    ("linear", "gaussian_nll", "w", True),
    ("linear", "log_cosh", "w", True),
    ("linear", "absolute", "w", True),
    ("deep_linear", "absolute", "w", True),
    ("poisson", "logistic", "w", False),
    ("logistic", "kl_div", "w", False),
    ("poisson", "exponential", "w", False),
]


@pytest.mark.parametrize("model,loss,param,absolute", PROVED)
def test_relation_proved_and_holds_numerically(model, loss, param, absolute):
    p = problem(model, loss)
    rel = relation(p, param)
    assert rel.status == "proved" and rel.absolute is absolute
    rel.check()
    check_proof(rel.proof, set(rel.hypotheses))
    w = rel.param
    assert w not in rel.expr.free_symbols
    syms = sorted(p.L.free_symbols | rel.gradient.free_symbols, key=str)
    f_l = sp.lambdify(syms, p.L, modules=[MPMATH_FUNCTIONS, "mpmath"])
    f_g = sp.lambdify(syms, rel.gradient, modules=[MPMATH_FUNCTIONS, "mpmath"])
    f_h = sp.lambdify(syms + [LOSS_SYMBOL], rel.expr, modules=[MPMATH_FUNCTIONS, "mpmath"])
    mpmath.mp.dps = 30
    rnd = random.Random(1)
    for _ in range(25):
        args = [mpmath.mpf(_value(p.domain(s), rnd)) for s in syms]
        g = f_g(*args)
        lhs = abs(g) if absolute else g
        rhs = f_h(*args, f_l(*args))
        assert abs(lhs - rhs) <= mpmath.mpf(10) ** -20 * (1 + abs(lhs))


@pytest.mark.parametrize("model,loss,param", [
    ("logistic", "bce_soft", "w"),
    ("linear", "poisson_nll", "w"),
    ("linear", "poisson_nll", "b"),
    ("exp(w*x + b)", "poisson_nll", "w"),  # the catalogue refuses poisson + poisson_nll
])
def test_relation_refuted_exactly(model, loss, param):
    p = problem(model, loss)
    rel = relation(p, param)
    assert rel.status == "refuted" and rel.proof is None and rel.expr is None
    ce = rel.counterexample
    w, w1, w2 = ce.pair
    assert w == rel.param and w1 != w2
    at1, at2 = {**ce.values, w: w1}, {**ce.values, w: w2}
    hyps = list(p.hypotheses())
    assert point_is_admissible(hyps, at1) is True and point_is_admissible(hyps, at2) is True
    L1, L2 = p.L.xreplace(at1), p.L.xreplace(at2)
    g1, g2 = rel.gradient.xreplace(at1), rel.gradient.xreplace(at2)
    assert truth(sp.Eq(L1, L2, evaluate=False), {}) is True
    assert truth(sp.Ne(sp.Abs(g1), sp.Abs(g2), evaluate=False), {}) is True
    mpmath.mp.dps = 50
    assert abs(sp.N(L1 - L2, 50)) < 1e-40
    assert abs(abs(sp.N(g1, 50)) - abs(sp.N(g2, 50))) > 1e-6
    with pytest.raises(ProofCheckError):
        rel.check()


@pytest.mark.parametrize("model,loss", [("linear", "hinge"), ("linear", "squared_hinge")])
def test_relation_without_closed_form_is_proved_monotone(model, loss):
    """Hinge: |∂L/∂w| = |x|·[L > 0], but relu cannot be inverted to find h;
    the monotone relation that `check` proves still makes |∂L/∂w| a function
    of L (it once stayed unknown here)."""
    p = problem(model, loss)
    rel = relation(p, "w", timeout=20)
    assert rel.status == "proved" and rel.counterexample is None
    if rel.expr is None:
        assert rel.monotone and rel.proof is not None
        rel.check()
        _check_monotone(p, rel)


def test_relation_out_of_time_is_honest():
    rel = relation(problem("linear", "hinge"), "w", timeout=0.001)
    assert rel.status == "unknown" and rel.proof is None and rel.counterexample is None


@pytest.mark.parametrize("change", ["expr", "case_h", "gradient"])
def test_tampered_relation_fails(change):
    rel = relation(problem("logistic", "bce"), "w")
    step = rel.proof
    if change == "expr":
        case = step.cases[0]
        bad = dataclasses.replace(step, cases=(dataclasses.replace(case, h=case.h ** 2),) + step.cases[1:])
    elif change == "case_h":
        bad = dataclasses.replace(step, cases=tuple(dataclasses.replace(c, h=c.h * 2) for c in step.cases))
    else:
        bad = dataclasses.replace(step, a=step.a + 1)
    with pytest.raises(ProofCheckError):
        check_proof(bad, set(rel.hypotheses))


def test_relation_reprs():
    rel = relation(problem("linear", "squared"), "w")
    assert repr(rel).startswith("|∂L/∂w| = ")
    assert rel._repr_latex_().startswith(r"$\left|\frac{\partial L}{\partial w}\right| = ")
    rel = relation(problem("linear", "exponential"), "w")
    assert repr(rel) == "∂L/∂w = -L⋅x⋅y" and rel.to_json()["status"] == "proved"
    ref = relation(problem("linear", "poisson_nll"), "w")
    assert repr(ref).startswith("∂L/∂w is not a function of L") and "equal" in ref._repr_latex_()
    assert ref.to_json()["counterexample"]["w"] == ["0", "1"]


def test_relation_bad_parameter():
    with pytest.raises(InvalidArgument, match="'q'"):
        relation(problem("linear", "squared"), "q")
    assert isinstance(relation(problem("linear", "squared"), problem("linear", "squared").params[0]), Relation)


def test_pointwise_definedness_is_not_enough_for_monotonicity():
    """√(L − log(var)/2) is defined at every value of L, not on a half-line
    the proof names: NondecreasingVia must refuse it."""
    from symloss.engine import relations

    rel = relation(problem("linear", "gaussian_nll"), "w")
    f = rel.proof
    assert rel.status == "proved" and f.cases[0].pointwise
    fake = relations.Local((), f.cases[0].pointwise[0].proof)
    step = relations.NondecreasingVia(f.a, f.b, f.var, f, (fake,))
    with pytest.raises(ProofCheckError, match="half-line"):
        check_proof(step, set(rel.hypotheses))
    no_proof = dataclasses.replace(f, cases=(dataclasses.replace(f.cases[0], pointwise=()),))
    with pytest.raises(ProofCheckError, match="defined"):
        check_proof(no_proof, set(rel.hypotheses))


def _catalogue_pairs(models):
    from symloss.calculus.catalogue import CATALOGUE

    return [(m, l.name) for m in models for l in CATALOGUE.losses if CATALOGUE.compatible(m, l.name).ok]


def _check_monotone(p, rel, tries=40):
    """Independent re-check of a relation proved without a closed form: at
    random admissible points and pairs of parameter values, L(w1) <= L(w2)
    gives A(w1) <= A(w2) (A the gradient or its magnitude), in 50 digits."""
    w = rel.param
    others = sorted((p.L.free_symbols | rel.gradient.free_symbols) - {w}, key=str)
    f_l = sp.lambdify([w, *others], p.L, modules=[MPMATH_FUNCTIONS, "mpmath"])
    f_g = sp.lambdify([w, *others], rel.gradient, modules=[MPMATH_FUNCTIONS, "mpmath"])
    rnd = random.Random(5)
    seen = 0
    with mpmath.workdps(50):
        for _ in range(tries):
            point = {s: sp.Rational(_value(p.domain(s), rnd)).limit_denominator(100) for s in others}
            w1, w2 = (sp.Rational(rnd.randint(-40, 40), 8) for _ in range(2))
            if any(point_is_admissible(list(p.hypotheses()), {**point, w: u}) is not True for u in (w1, w2)):
                continue
            args = [mpmath.mpf(point[s].p) / point[s].q for s in others]
            l1, l2 = (f_l(mpmath.mpf(u.p) / u.q, *args) for u in (w1, w2))
            a1, a2 = (f_g(mpmath.mpf(u.p) / u.q, *args) for u in (w1, w2))
            if rel.absolute:
                a1, a2 = abs(a1), abs(a2)
            if l1 <= l2:
                assert a1 <= a2 + mpmath.mpf(10) ** -30, (point, w1, w2)
            if l2 <= l1:
                assert a2 <= a1 + mpmath.mpf(10) ** -30, (point, w1, w2)
            seen += 1
    assert seen >= tries // 4


def _check_relation(p, rel):
    """Independent re-check: proved → the relation holds at random points in
    50-digit arithmetic; refuted → the pair is verified exactly."""
    if rel.status == "proved" and rel.expr is None:
        rel.check()
        _check_monotone(p, rel)
    elif rel.status == "proved":
        rel.check()
        syms = sorted(p.L.free_symbols | rel.gradient.free_symbols, key=str)
        f_l = sp.lambdify(syms, p.L, modules=[MPMATH_FUNCTIONS, "mpmath"])
        f_g = sp.lambdify(syms, rel.gradient, modules=[MPMATH_FUNCTIONS, "mpmath"])
        f_h = sp.lambdify(syms + [LOSS_SYMBOL], rel.expr, modules=[MPMATH_FUNCTIONS, "mpmath"])
        mpmath.mp.dps = 50
        rnd = random.Random(3)
        for _ in range(15):
            point = {s: sp.Rational(_value(p.domain(s), rnd)).limit_denominator(100) for s in syms}
            if point_is_admissible(list(p.hypotheses()), point) is not True:
                continue
            args = [mpmath.mpf(point[s].p) / point[s].q for s in syms]
            g = f_g(*args)
            lhs = abs(g) if rel.absolute else g
            assert abs(lhs - f_h(*args, f_l(*args))) <= mpmath.mpf(10) ** -30 * (1 + abs(lhs))
    elif rel.status == "refuted":
        w, w1, w2 = rel.counterexample.pair
        at = [{**rel.counterexample.values, w: u} for u in (w1, w2)]
        assert all(point_is_admissible(list(p.hypotheses()), pt) is True for pt in at)
        assert truth(sp.Eq(p.L.xreplace(at[0]), p.L.xreplace(at[1]), evaluate=False), {}) is True
        assert truth(sp.Ne(sp.Abs(rel.gradient.xreplace(at[0])), sp.Abs(rel.gradient.xreplace(at[1])),
                           evaluate=False), {}) is True


@pytest.mark.slow
@pytest.mark.parametrize("model,loss", _catalogue_pairs(("linear", "logistic", "poisson", "deep_linear")))
def test_relation_sound_over_catalogue(model, loss):
    p = problem(model, loss)
    _check_relation(p, relation(p, p.params[0], timeout=4))


@pytest.mark.parametrize("param", ["w", "b"])
def test_hinge_relation_found_as_check_proves_it(param):
    """`check` proves nondecreasing(abs(d(L, w)), L, w) for linear + hinge
    (|∂L/∂w| = |x| where L > 0, 0 where L = 0); relate once answered unknown."""
    p = problem("linear", "hinge")
    claim = f"nondecreasing(abs(d(L, {param})), L, {param})"
    assert p.check(claim, timeout=20).verdict == "proved"
    rel = relation(p, param, timeout=20)
    assert rel.status == "proved" and rel.absolute and rel.monotone and rel.expr is None
    assert claim in rel.reason and "h(L) for a nondecreasing h" in repr(rel)
    # the repr speaks the one notation (|∂L/∂w|), not the claim language (abs(d(L, w)))
    assert f"|∂L/∂{param}| is a nondecreasing function of L as {param} varies" in repr(rel)
    assert "abs(" not in repr(rel) and "d(L" not in repr(rel), repr(rel)
    assert rel.to_json()["monotone"] is True and rel.to_json()["expr"] is None
    rel.check()
    _check_monotone(p, rel)


def test_a_tampered_monotone_relation_fails_its_check():
    p = problem("linear", "hinge")
    rel = relation(p, "w", timeout=20)
    bad = dataclasses.replace(rel, proof=dataclasses.replace(rel.proof, a=rel.gradient))  # not |∂L/∂w|
    with pytest.raises(ProofCheckError):
        bad.check()


def test_closed_forms_keep_their_relation():
    rel = relation(problem("linear", "squared"), "w")
    assert rel.expr is not None and rel.monotone is False and rel.to_json()["monotone"] is False
