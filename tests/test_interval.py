"""The certified interval prover (symloss.engine.interval): enclosures attacked at
random 50-digit points, box covers re-checked and tampered with, random
claims whose proofs and candidates are checked independently, and the
benchmark conjectures of issue 11 with their expected verdicts."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import mpmath
import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symloss.conjectures import build_problem, load_all
from symloss.errors import ProofCheckError
from symloss.calculus.exact import point_is_admissible, truth
from symloss.language.functions import MPMATH_FUNCTIONS, relu, sigmoid, softplus
from symloss.engine.interval import (IntervalCover, Tail, Undefined, enclose, prove_interval, region_bounds)
from symloss.calculus.proof import Given, Sign, check_proof
from symloss.engine.tactics import Env, Goal

ROOT = Path(__file__).resolve().parent.parent
CLAIMS = ROOT / "tests" / "data" / "interval_claims.toml"

x, y = sp.symbols("x y", real=True)
p = sp.Symbol("p", positive=True)
R = sp.Rational


def ge(a, b=0):
    return sp.GreaterThan(a, b, evaluate=False)


def gt(a, b=0):
    return sp.StrictGreaterThan(a, b, evaluate=False)


def le(a, b=0):
    return sp.LessThan(a, b, evaluate=False)


def lt(a, b=0):
    return sp.StrictLessThan(a, b, evaluate=False)


def _ends(e):
    """The exact endpoints of an interval (no rounding to the mp precision)."""
    return mpmath.mp.make_mpf(e._mpi_[0]), mpmath.mp.make_mpf(e._mpi_[1])


def _value(expr, point, dps=50):
    with mpmath.workdps(dps):
        return sp.lambdify(list(point), expr, modules=[MPMATH_FUNCTIONS, "mpmath"])(
            *[mpmath.mpf(v.p) / v.q for v in point.values()])


# ---------------------------------------------------------------- enclosures

@pytest.mark.parametrize("expr,box,order,width", [
    (sp.exp(x) - 1 - x, {x: (0, 1)}, 2, 0.72),
    (x * sp.exp(x), {x: (-1, 0)}, 1, 0.37),
    (sigmoid(x), {x: (-sp.oo, 0)}, 0, 0.5),                 # unbounded boxes: limits
    (sp.tanh(x) - x + x ** 3 / 3, {x: (0, 2)}, 3, 1.64),    # touches 0 at x = 0
    (softplus(x) - x / 2 - sp.log(2), {x: (0, 0)}, 0, 0),   # the exact value at a point
    (sp.Abs(x) + relu(-x), {x: (-1, 1)}, 0, 2),
])
def test_enclosure_contains_the_range_and_is_tight(expr, box, order, width):
    e = enclose(expr, box, order)
    (lo, hi), = box.values()
    lo, hi = max(lo, -60), min(hi, 60)
    for k in range(41):
        t = lo + (hi - lo) * R(k, 40)
        v = _value(expr, {x: t})
        assert _ends(e)[0] <= v <= _ends(e)[1], (t, v, e)
    a, b = _ends(e)
    assert b - a <= width + 1e-9
    assert a >= 0 or order != 3  # the touching point is certified


@pytest.mark.parametrize("expr,box", [
    (sp.log(x), {x: (0, 1)}),          # log reaches 0
    (1 / x, {x: (-1, 1)}),             # division by an interval containing 0
    (sp.sqrt(x), {x: (-1, 1)}),        # root of negatives
    (sp.sin(x), {x: (0, 1)}),          # no interval rule
])
def test_undefined_somewhere_on_the_box_gives_no_enclosure(expr, box):
    with pytest.raises(Undefined):
        enclose(expr, box, 2)


LEAVES = [x, x + 1, 2 * x - R(1, 3)]
UNARY = [sp.exp, sigmoid, softplus, sp.tanh, sp.sinh, sp.cosh, sp.Abs, relu,
         lambda e: sp.log(1 + e ** 2), lambda e: sp.sqrt(1 + e ** 2), lambda e: e ** 3, lambda e: 1 / (2 + e ** 2)]


def _grammar():
    leaf = st.sampled_from(LEAVES)
    return st.recursive(leaf, lambda inner: st.one_of(
        st.builds(lambda f, e: f(e), st.sampled_from(UNARY), inner),
        st.builds(lambda a, b: a + b, inner, inner),
        st.builds(lambda a, b: a * b, inner, inner),
        st.builds(lambda a, b: a - R(b, 3) * a, inner, st.integers(-4, 4)),
    ), max_leaves=4)


SETTINGS = dict(deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


@settings(max_examples=60, **SETTINGS)
@given(_grammar(), st.integers(-12, 12), st.integers(1, 16), st.integers(0, 3), st.randoms(use_true_random=False))
def test_enclosures_contain_random_50_digit_values(expr, a, width, order, rnd):
    """Random expressions, boxes and orders: every 50-digit value at a random
    point of the box (and at its ends) lies in the enclosure."""
    lo, hi = R(a, 4), R(a, 4) + R(width, 8)
    try:
        e = enclose(expr, {x: (lo, hi)}, order)
    except Undefined:
        return
    points = [lo, hi] + [lo + (hi - lo) * R(rnd.randrange(10 ** 12), 10 ** 12) for _ in range(6)]
    for t in points:
        v = _value(expr, {x: t})
        assert _ends(e)[0] <= v <= _ends(e)[1], (expr, (lo, hi), order, t, v, e)


# ---------------------------------------------------------------- regions

@pytest.mark.parametrize("facts,sym,expected", [
    ([ge(x, 0)], x, (0, None)),
    ([le(2 * x - 3, 0), gt(x, -1)], x, (-1, R(3, 2))),
    ([sp.Abs(x - 1) <= 2], x, (-1, 3)),
    ([sp.Eq(x, 0) | sp.Eq(x, 1)], x, (0, 1)),
    ([ge(x * y, 0)], x, (None, None)),     # not a bound on x alone
    ([], p, (0, None)),                     # a positive symbol
])
def test_region_bounds(facts, sym, expected):
    assert region_bounds(facts, sym) == expected


# ---------------------------------------------------------------- proofs and their checks

def _prove(statement, facts=(), seconds=20.0):
    goal = Goal(statement).assuming(facts, "hypothesis")
    env = Env(deadline=time.monotonic() + seconds)
    return prove_interval(goal, env, seconds=seconds), env, goal


@pytest.mark.parametrize("statement,facts", [
    (ge(x * sp.exp(x) + R(368, 1000)), ()),
    (le(sigmoid(x) - R(1, 2) - x / 4), (ge(x, 0),)),
    (ge(sp.tanh(x) - x + x ** 3 / 3), (ge(x, 0),)),
    (gt(sigmoid(x + y) - sigmoid(x) * sigmoid(y)), (sp.Abs(x) <= 2, sp.Abs(y) <= 2)),
    (ge(softplus(x) - x / 2 - sp.log(2)), ()),
])
def test_true_goals_get_a_box_cover_that_rechecks(statement, facts):
    step, _, goal = _prove(statement, facts)
    assert isinstance(step, IntervalCover) and step.fact == statement
    check_proof(step, set(goal.facts))
    assert "boxes covering" in step.summary()


@pytest.mark.parametrize("statement,point", [
    (ge(x * sp.exp(x) + R(367, 1000)), {x: -1}),      # false only near x = -1
    (ge(sp.exp(x) - 1 - x - x ** 2 / 2), None),        # false for x < 0
])
def test_false_goals_give_a_checked_candidate(statement, point):
    from symloss.refute.counterexample import verify

    step, env, goal = _prove(statement)
    assert step is None and env.candidates
    c = env.candidates[0]
    assert verify(statement, list(goal.facts), c)
    if point is not None:
        assert c == point


def _w_exp_w_cover():
    statement = ge(x * sp.exp(x) + R(368, 1000))
    step, _, _ = _prove(statement)
    assert step is not None
    return step


def _break_tree(tree):
    """The tree with its first enclosure leaf's sibling split replaced by a leaf."""
    i, m, left, right = tree
    return (i, m, left, None) if right is not None else (i, m, None, right)


@pytest.mark.parametrize("tamper,match", [
    (lambda s: replace(s, expr=s.expr - R(1, 1000)), "enclosure|variables"),   # a tighter bound
    (lambda s: replace(s, sign=Sign.POSITIVE, expr=s.expr - R(368, 1000) + R(3678794, 10 ** 7)), "enclosure"),
    (lambda s: replace(s, box=((-8, sp.oo),)), "lower bound"),                  # region left uncovered
    (lambda s: replace(s, tree=_break_tree(s.tree)), "enclosure|tail"),         # a leaf too large
    (lambda s: replace(s, order=9), "order"),
    (lambda s: replace(s, tree=(0, sp.oo, s.tree, None)), "split point"),
    (lambda s: replace(s, tree=(0, sp.sqrt(2), s.tree, None)), "split point"),
])
def test_a_tampered_cover_fails_its_check(tamper, match):
    step = _w_exp_w_cover()
    step.verify()
    with pytest.raises(ProofCheckError, match=match):
        tamper(step).verify()


def test_a_tail_outside_its_leaf_or_with_a_wrong_proof_fails():
    step = _w_exp_w_cover()
    tails = [leaf for leaf, _ in step.leaves() if isinstance(leaf, Tail)]
    assert tails, step.summary()
    t = tails[0]

    def swap(tree, new):
        if tree is t:
            return new
        if isinstance(tree, tuple):
            i, m, a, b = tree
            return (i, m, swap(a, new), swap(b, new))
        return tree

    moved = replace(t, at=t.at + 1) if t.side < 0 else replace(t, at=t.at - 1)
    with pytest.raises(ProofCheckError):
        replace(step, tree=swap(step.tree, moved)).verify()
    flipped = replace(t, side=-t.side)
    with pytest.raises(ProofCheckError):
        replace(step, tree=swap(step.tree, flipped)).verify()


def test_a_given_outside_the_hypotheses_is_refused():
    statement = le(sigmoid(x) - R(1, 2) - x / 4)
    step, _, goal = _prove(statement, (ge(x, 0),))
    with pytest.raises(ProofCheckError):
        check_proof(step, set())          # x >= 0 is needed and not given
    stripped = replace(step, context=())
    with pytest.raises(ProofCheckError, match="lower bound"):
        stripped.verify()


# ---------------------------------------------------------------- random claims, independent checks

@settings(max_examples=25, **SETTINGS)
@given(_grammar(), st.integers(-3, 3), st.sampled_from([ge, gt, le, lt]), st.booleans(),
       st.randoms(use_true_random=False))
def test_random_interval_verdicts_are_sound(expr, shift, rel, bounded, rnd):
    """``f op c`` with ``c`` near the range of ``f`` on a box: a cover is
    attacked at random 50-digit points and at the box's dyadic points; a
    candidate must falsify the statement exactly."""
    from symloss.refute.counterexample import verify

    c = R(shift, 2)
    facts = (ge(x, -2), le(x, 3)) if bounded else ()
    statement = rel(expr - c, 0)
    step, env, goal = _prove(statement, facts, seconds=3.0)
    if step is not None:
        check_proof(step, set(goal.facts))
        lo, hi = (-2, 3) if bounded else (-40, 40)
        pts = [R(lo) + R(hi - lo) * R(rnd.randrange(10 ** 12), 10 ** 12) for _ in range(25)]
        pts += [R(k, 8) for k in range(8 * lo, 8 * hi + 1, 3)]
        for t in pts:
            if truth(statement, {x: t}) is False:
                pytest.fail(f"SOUNDNESS BUG: {statement} proved, false at x = {t}")
    for cand in env.candidates:
        assert verify(statement, list(goal.facts), cand) or point_is_admissible(list(goal.facts), cand) is not True


# ---------------------------------------------------------------- the benchmark conjectures

@pytest.fixture(scope="module")
def bench_rows():
    cmd = [sys.executable, "-m", "symloss", "check", str(CLAIMS), "--json", "--jobs", "2"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=1800, cwd=ROOT)
    assert proc.stdout, proc.stderr[-3000:]
    return {row["name"]: row for row in json.loads(proc.stdout)["results"]}


SPECS = load_all([CLAIMS])


def test_the_benchmark_is_large_and_mixed():
    verdicts = [s.expect for s in SPECS]
    assert len(SPECS) >= 45 and verdicts.count("proved") >= 15 and verdicts.count("refuted") >= 15


@pytest.mark.parametrize("name", [s.name for s in SPECS])
def test_benchmark_claim_gets_its_expected_verdict(bench_rows, name):
    row = bench_rows[name]
    assert row["verdict"] == row["expect"], row


def test_benchmark_counterexamples_recheck_exactly(bench_rows):
    from symloss.calculus.claims import ArgMin, Pointwise, parse_claim
    from symloss.language.parser import parse

    checked = 0
    for spec in SPECS:
        row = bench_rows[spec.name]
        if row["verdict"] != "refuted":
            continue
        claim = parse_claim(build_problem(spec), spec.claim, assume=spec.assume)
        if not isinstance(claim, Pointwise) or claim.formula.atoms(ArgMin):
            continue
        names = {str(s): s for s in claim.formula.free_symbols | set().union(
            *(h.free_symbols for h in claim.hypotheses))}
        values = {names[k]: parse(v) for k, v in row["counterexample"].items() if k in names}
        assert point_is_admissible(list(claim.hypotheses), values) is True, row
        assert truth(claim.formula, values) is False, row
        checked += 1
    assert checked >= 10


# ---------------------------------------------------------------- tails by enclosures (0·∞ beyond a point)

w2 = sp.Symbol("w2", real=True)


def _enclosed_tails(step):
    out = []

    def walk(tree):
        if isinstance(tree, Tail):
            out.append(tree)
            walk(tree.face)
        elif isinstance(tree, tuple):
            walk(tree[2])
            walk(tree[3])
    walk(step.tree)
    return [t for t in out if t.kind == "enclosed"]


@pytest.mark.parametrize("statement", [
    le(x * sigmoid(x) * (1 - sigmoid(x)) - R(23, 100)),            # w·σ'(w): 0·∞ as w → ∞
    le(x ** 2 * sigmoid(x) * (1 - sigmoid(x)) - R(44, 100)),
    le(x * sp.exp(-x ** 2) + w2 * sp.exp(-w2 ** 2) - R(86, 100)),   # two unbounded variables
])
def test_tails_where_the_natural_enclosure_is_infinite_are_enclosed_slabs(statement):
    step, _, goal = _prove(statement, seconds=25.0)
    assert isinstance(step, IntervalCover), statement
    check_proof(step, set(goal.facts))
    tails = _enclosed_tails(step)
    assert tails, step.summary()


def _swap_tail(tree, old, new):
    if tree is old:
        return new
    if isinstance(tree, tuple):
        i, m, a, b = tree
        return (i, m, _swap_tail(a, old, new), _swap_tail(b, old, new))
    return tree


@pytest.mark.parametrize("tamper", [
    lambda t: replace(t, side=-t.side),                           # the other direction
    lambda t: replace(t, at=t.at * 2),                            # not the leaf's end
    lambda t: replace(t, face=(0, t.at + 1, None, None)),         # a split outside the face
    lambda t: replace(t, kind="monotone"),                        # a monotone tail needs proofs
])
def test_a_tampered_enclosed_tail_fails_its_check(tamper):
    step, _, _ = _prove(le(x * sigmoid(x) * (1 - sigmoid(x)) - R(23, 100)), seconds=25.0)
    t = _enclosed_tails(step)[0]
    with pytest.raises(ProofCheckError):
        replace(step, tree=_swap_tail(step.tree, t, tamper(t))).verify()


def test_an_enclosed_tail_is_refused_where_the_function_grows_outwards():
    """x·σ'(x) ≥ −1/10 would need the slab on the left to move away from 0
    going outwards: its derivative has the wrong sign, so no enclosed tail
    may stand for it."""
    from symloss.engine.interval import _enclosed_slab
    from symloss.engine.enclosure import _Fn

    fn = _Fn(x * sigmoid(x) * (1 - sigmoid(x)) - R(23, 100), (x,))
    assert _enclosed_slab(fn, ((8, sp.oo),), 0, 1, Sign.NONPOSITIVE)
    assert not _enclosed_slab(fn, ((8, sp.oo),), 0, 1, Sign.NONNEGATIVE)
    assert not _enclosed_slab(_Fn(sp.log(x), (x,)), ((-sp.oo, -8),), 0, -1, Sign.NONPOSITIVE)  # undefined there
