"""z3 bridge: proofs re-check, candidates are exact rationals for the
original symbols only, unsupported constructs give unknown, tampered proofs
fail, and every axiom schema is true (numerically at random points and
exactly at a few)."""

import dataclasses
import time

import mpmath
import numpy as np
import pytest
import sympy as sp
import z3

from symloss.errors import InvalidArgument, ProofCheckError
from symloss.language.functions import MPMATH_FUNCTIONS, relu, sigmoid, softplus
from symloss.calculus.proof import check_proof
from symloss.engine.z3bridge import AXIOM_KINDS, Abstraction, Axiom, Decided, Unsupported, decide, to_z3

x, y, z, u, a, b, w = sp.symbols("x y z u a b w", real=True)
d = sp.Symbol("d", positive=True)
Q = sp.Rational
Y01 = sp.Eq(y, 0) | sp.Eq(y, 1)


# ---------------------------------------------------------------- proved

PROVED = [
    pytest.param((sigmoid(a) - sigmoid(b)) * (a - b) >= 0, (), id="sigmoid-monotone"),
    pytest.param(sigmoid(z) * (1 - sigmoid(z)) <= Q(1, 4), (), id="sigmoid-deriv-bound"),
    pytest.param(x**2 * sigmoid(z) * (1 - sigmoid(z)) <= x**2 / 4, (), id="scaled-deriv-bound"),
    pytest.param(sp.Ge((w * x + b - y) ** 2, 0, evaluate=False), (), id="residual-square"),
    pytest.param(sp.Implies(sp.Ne(x, 0), x**2 > 0), (), id="implies-square"),
    pytest.param((sigmoid(u) - y) * (2 * y - 1) <= 0, (Y01,), id="bce-gradient-sign"),
    pytest.param((sigmoid(u) - y) * (2 * y - 1) < 0, (Y01,), id="bce-gradient-strict"),
    pytest.param(sp.Abs(sigmoid(u) - y) <= 1, (Y01,), id="abs-residual-le-1"),
    pytest.param(sp.Abs(sigmoid(u) - y) < 1, (Y01,), id="abs-residual-lt-1"),
    pytest.param(sigmoid(u) + sigmoid(-u) >= 1, (), id="sigmoid-reflect"),
    pytest.param(sp.log(x) <= x - 1, (x > 0,), id="log-tangent"),
    pytest.param(sp.exp(x) >= 1 + x, (), id="exp-tangent"),
    pytest.param(relu(x) >= x, (), id="relu-ge"),
    pytest.param(sp.Max(x, y) >= sp.Min(x, y), (), id="max-ge-min"),
    pytest.param(sp.sqrt(x) <= (x + 1) / 2, (x >= 0,), id="sqrt-am-gm"),
    pytest.param(1 / x > 0, (x > 0,), id="inverse-positive"),
    pytest.param(x * sp.tanh(x) >= 0, (), id="x-tanh"),
    pytest.param(softplus(x) - softplus(-x) <= x, (), id="softplus-reflect"),
    pytest.param(sp.exp(d) > 1, (), id="exp-anchor-assumption"),
    pytest.param(sp.Piecewise((x, x > 0), (-x, True)) >= 0, (), id="piecewise-abs"),
    pytest.param(sp.cosh(x) >= 1 + x**2 / 2, (), id="cosh-bound"),
    pytest.param(sp.pi > 3, (), id="pi-bound"),
    pytest.param(softplus(x) >= sp.log(2), (x >= 0,), id="softplus-anchor"),
    pytest.param(sp.log(sigmoid(z)) < 0, (), id="log-sigmoid"),
    pytest.param(sp.Eq(sigmoid(z) * (1 + sp.exp(-z)), 1), (), id="sigmoid-exp"),
]


@pytest.mark.parametrize("goal, hyps", PROVED)
def test_proved_and_rechecked(goal, hyps):
    t0 = time.monotonic()
    dec = decide(goal, hyps)
    assert dec.status == "proved", dec.reason
    assert time.monotonic() - t0 < 2.0
    assert isinstance(dec.step, Decided) and dec.step.fact == goal
    check_proof(dec.step, set(hyps))


# ---------------------------------------------------------------- candidates

CANDIDATE = [
    pytest.param(x - 1 > 0, (), id="linear"),
    pytest.param(x**2 - 2 > 0, (), id="quadratic"),
    pytest.param(x * y >= 0, (x > 0,), id="product"),
    pytest.param(sigmoid(u) > Q(1, 2), (), id="sigmoid-half"),
    pytest.param((sigmoid(u) - y) * (2 * y - 1) >= 0, (Y01,), id="bce-wrong-sign"),
]


@pytest.mark.parametrize("goal, hyps", CANDIDATE)
def test_candidates_are_exact_points(goal, hyps):
    dec = decide(goal, hyps)
    assert dec.status == "candidate", dec.reason
    assert "candidate" in dec.reason and dec.step is None
    syms = set(goal.free_symbols).union(*[h.free_symbols for h in hyps])
    assert set(dec.candidate) == syms  # original symbols only, no abstraction variables
    assert all(isinstance(v, sp.Rational) for v in dec.candidate.values())
    for h in hyps:  # the hypotheses hold exactly at the candidate
        assert h.subs(dec.candidate) is sp.true


def test_polynomial_candidate_refutes_exactly():
    dec = decide(x**2 - 2 * x > 0)
    assert dec.status == "candidate"
    assert (x**2 - 2 * x > 0).subs(dec.candidate) is sp.false


def test_abstraction_candidate_may_be_spurious():
    # exp(x) > x**2 - 1 is true, but the abstraction cannot show it: the
    # answer must be a candidate (to be re-checked), never "refuted".
    dec = decide(sp.exp(x) > x**2 - 1)
    assert dec.status in ("candidate", "unknown")


# ---------------------------------------------------------------- unknown

@pytest.mark.parametrize("goal", [
    pytest.param(sp.sin(x) <= 1, id="unsupported-function"),
    pytest.param(sp.Symbol("c") > 0, id="non-real-symbol"),
    pytest.param(x ** Q(1, 3) >= 0, id="odd-root"),
    pytest.param(d**x - 1 > 0, id="symbolic-exponent"),
    pytest.param(sp.Piecewise((x, x > 0)) >= 0, id="piecewise-without-otherwise"),
])
def test_unsupported_is_unknown(goal):
    dec = decide(goal)
    assert dec.status == "unknown" and "unsupported" in dec.reason


def test_goal_must_be_boolean():
    with pytest.raises(InvalidArgument):
        decide(x + 1)
    with pytest.raises(InvalidArgument):
        decide(x > 0, ["x > 1"])


# ---------------------------------------------------------------- tampering

def _proved(goal, hyps=()):
    dec = decide(goal, hyps)
    assert dec.status == "proved"
    return dec.step


def test_tampered_goal_fails():
    step = _proved(sigmoid(z) * (1 - sigmoid(z)) <= Q(1, 4))
    bad = dataclasses.replace(step, goal=sigmoid(z) * (1 - sigmoid(z)) <= Q(1, 5))
    with pytest.raises(ProofCheckError):
        bad.verify()


def test_dropped_axioms_fail():
    step = _proved((sigmoid(a) - sigmoid(b)) * (a - b) >= 0)
    bad = dataclasses.replace(step, abstraction=Abstraction(step.abstraction.terms, ()))
    with pytest.raises(ProofCheckError):
        bad.verify()


def test_missing_term_fails():
    step = _proved(sp.exp(x) >= 1 + x)
    bad = dataclasses.replace(step, abstraction=Abstraction((), ()))
    with pytest.raises(ProofCheckError):
        bad.verify()


def test_term_aliasing_a_symbol_fails():
    step = _proved(sp.exp(x) >= 1 + x)
    ab = step.abstraction
    renamed = tuple(("x", t) for _, t in ab.terms)
    with pytest.raises(ProofCheckError):
        dataclasses.replace(step, abstraction=Abstraction(renamed, ab.axioms)).verify()
    doubled = ab.terms + (("t!9", ab.terms[0][1]),)
    with pytest.raises(ProofCheckError):
        dataclasses.replace(step, abstraction=Abstraction(doubled, ab.axioms)).verify()


def test_unknown_axiom_kind_fails():
    step = _proved(sp.exp(x) >= 1 + x)
    ab = step.abstraction
    fake = Axiom("exp_is_big", (x,))
    bad = dataclasses.replace(step, abstraction=Abstraction(ab.terms, ab.axioms + (fake,)))
    with pytest.raises(ProofCheckError):
        bad.verify()


def test_dropped_hypothesis_fails_and_givens_are_checked():
    step = _proved(sp.log(x) <= x - 1, (x > 0,))
    with pytest.raises(ProofCheckError):
        check_proof(step, {x > 1})
    bad = dataclasses.replace(step, hypotheses=())
    bad.verify()  # still true: log's axioms are conditional and x > 0 is a definedness condition
    step2 = _proved(x * y > 0, (x > 0, y > 0))
    with pytest.raises(ProofCheckError):
        dataclasses.replace(step2, hypotheses=step2.hypotheses[:1]).verify()


def test_to_z3_collects_terms_once():
    term, ab = to_z3(sigmoid(u) + sigmoid(u) ** 2 > sp.exp(u))
    assert [t for _, t in ab.terms] == [sigmoid(u), sp.exp(u)]
    assert isinstance(term, z3.BoolRef)
    with pytest.raises(Unsupported):
        to_z3(sp.sin(u))


# ---------------------------------------------------------------- axiom soundness

f = sp.Symbol
AXIOM_INSTANCES = [
    ("exp_pos", (u,)), ("exp_tangent", (u,)), ("sigmoid_range", (u,)),
    ("sigmoid_reflect", (u,)), ("sigmoid_exp", (u,)), ("softplus_bounds", (u,)),
    ("softplus_reflect", (u,)), ("softplus_anchor", (u,)), ("tanh_range", (u,)), ("cosh_bounds", (u,)),
    ("sinh_cosh", (u,)), ("log_bounds", (u,)), ("sqrt_def", (u,)),
    ("rpow_pos", (u, Q(3, 2))), ("rpow_pos", (u, -Q(1, 2))),
    *[("monotone", (f(name), u, a)) for name in ("exp", "sigmoid", "softplus", "tanh", "sinh", "log", "sqrt")],
    *[("anchor", (f(name), u)) for name in ("exp", "sigmoid", "tanh", "sinh", "log")],
    ("assumption", (d,)), ("assumption", (sp.Symbol("m", nonpositive=True),)),
    ("constant", (sp.pi,)), ("constant", (sp.E,)),
]


_LAMBDAS: dict = {}  # per-module memo of compiled relations (test helper only)


def _truth(stmt, env):
    """Evaluate a boolean at a point with 50-digit mpmath; the consequent of
    an implication is only evaluated when the antecedent holds."""
    if stmt is sp.true or stmt is sp.false:
        return bool(stmt)
    if isinstance(stmt, sp.And):
        return all(_truth(s, env) for s in stmt.args)
    if isinstance(stmt, sp.Or):
        return any(_truth(s, env) for s in stmt.args)
    if isinstance(stmt, sp.Not):
        return not _truth(stmt.args[0], env)
    if isinstance(stmt, sp.Implies):
        return (not _truth(stmt.args[0], env)) or _truth(stmt.args[1], env)
    if isinstance(stmt, sp.Equivalent):
        vals = {_truth(s, env) for s in stmt.args}
        return len(vals) == 1
    syms = sorted(stmt.free_symbols, key=str)
    fn = _LAMBDAS.get(stmt)
    if fn is None:
        fn = _LAMBDAS[stmt] = sp.lambdify(syms, stmt.lhs - stmt.rhs, modules=[MPMATH_FUNCTIONS, "mpmath"])
    diff = fn(*[env[s] for s in syms])
    tol = mpmath.mpf(10) ** -35
    return {sp.StrictGreaterThan: diff > tol, sp.GreaterThan: diff > -tol,
            sp.StrictLessThan: diff < -tol, sp.LessThan: diff < tol,
            sp.Equality: abs(diff) < tol, sp.Unequality: abs(diff) > tol}[type(stmt)]


def test_every_axiom_kind_is_covered():
    assert {k for k, _ in AXIOM_INSTANCES} == set(AXIOM_KINDS)


@pytest.mark.parametrize("kind, args", AXIOM_INSTANCES, ids=lambda v: str(v))
def test_axiom_true_at_random_points(kind, args):
    stmt = Axiom(kind, args).statement
    rng = np.random.default_rng(7)
    specials = [0, 1, -1, Q(1, 2), 2, -3]
    pts = [(s1, s2) for s1 in specials for s2 in specials] + [
        tuple(rng.normal(0, 6, 2)) for _ in range(150)]
    pts += [(p, p) for p, _ in pts[-20:]]  # equal arguments
    with mpmath.workdps(50):
        for pu, pa in pts:
            env = {u: mpmath.mpf(sp.Rational(pu)) if isinstance(pu, (int, sp.Rational)) else mpmath.mpf(pu),
                   a: mpmath.mpf(sp.Rational(pa)) if isinstance(pa, (int, sp.Rational)) else mpmath.mpf(pa)}
            for s in stmt.free_symbols - {u, a}:  # assumption axioms: sample in the declared set
                env[s] = mpmath.mpf(abs(pu) + 1) * (1 if s.is_positive else -1)
            assert _truth(stmt, env), f"{kind}{args} false at u={pu}, a={pa}: {stmt}"


@pytest.mark.parametrize("kind, args, point", [
    ("sigmoid_range", (u,), 0), ("sigmoid_reflect", (u,), 0), ("exp_tangent", (u,), 0),
    ("log_bounds", (u,), 1), ("sqrt_def", (u,), 4), ("cosh_bounds", (u,), 0),
    ("anchor", (f("sigmoid"), u), 0), ("anchor", (f("log"), u), 1), ("anchor", (f("exp"), u), 0),
    ("softplus_reflect", (u,), 0), ("softplus_anchor", (u,), 0), ("tanh_range", (u,), 0), ("sigmoid_exp", (u,), 0),
    ("constant", (sp.pi,), None), ("constant", (sp.E,), None),
])
def test_axiom_true_exactly(kind, args, point):
    stmt = Axiom(kind, args).statement
    if point is not None:
        stmt = stmt.subs(u, point)
    assert sp.simplify(stmt) is sp.true


def test_axioms_in_real_proofs_are_schema_instances():
    for goal, hyps in [((sigmoid(a) - sigmoid(b)) * (a - b) >= 0, ()),
                       (sp.log(x) <= x - 1, (x > 0,)), (sp.sqrt(x) <= (x + 1) / 2, (x >= 0,))]:
        step = _proved(goal, hyps)
        for ax in step.abstraction.axioms:
            assert ax.kind in AXIOM_KINDS
            ax.statement  # noqa: B018 - must build
    with pytest.raises(InvalidArgument):
        Axiom("monotone", (f("cosh"), u, a)).statement
    with pytest.raises(InvalidArgument):
        Axiom("nonsense", (u,)).statement
