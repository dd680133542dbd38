"""Tactic combinators and each goal tactic of the prover: proved,
refuted-candidate-rejected and unknown outcomes, with every proof re-checked."""

import time

import pytest
import sympy as sp

from symloss.engine import prover
from symloss.language.functions import relu, sigmoid
from symloss.calculus.proof import Given, check_proof
from symloss.engine.tactics import Env, Goal, Split, Transformation, first, named, proves, repeat, then, try_each_case

x, y, z = sp.symbols("x y z", real=True)
d = sp.Symbol("d", positive=True)
Y01 = Given(sp.Eq(y, 0) | sp.Eq(y, 1), "domain of y")
POS_X = Given(sp.Gt(x, 0, evaluate=False), "assume")


def ge(a, b):
    return sp.GreaterThan(a, b, evaluate=False)


def gt(a, b):
    return sp.StrictGreaterThan(a, b, evaluate=False)


def le(a, b):
    return sp.LessThan(a, b, evaluate=False)


def eq(a, b):
    return sp.Equality(a, b, evaluate=False)


# ---------------------------------------------------------------- combinators

HX = Given(gt(x, 0), "h")


def _give(step):
    return lambda goal, env: step


def test_first_returns_the_first_proof_and_skips_mismatched_steps():
    wrong = Given(gt(x, 1), "other")
    assert first(_give(None), _give(wrong), _give(HX))(Goal(gt(x, 0)), Env()) is HX


def test_first_records_names_and_fails_when_nothing_applies():
    env = Env()
    t = first(named("a", _give(None)), named("b", _give(None)))
    assert t(Goal(gt(x, 0)), env) is None
    assert env.tried == ["a", "b"]


def test_named_stops_after_the_deadline():
    env = Env(deadline=time.monotonic() - 1)
    assert named("late", _give(HX))(Goal(gt(x, 0)), env) is None
    assert env.tried == []


def test_then_wraps_the_sub_proof():
    wrapped = []

    def transform(goal):
        return Transformation(goal.to(gt(x, 0)), lambda s: wrapped.append(s) or s)

    assert then(transform, _give(HX))(Goal(gt(x, 0)), Env()) is HX
    assert wrapped == [HX]
    assert then(lambda g: None, _give(HX))(Goal(gt(x, 0)), Env()) is None
    assert then(transform, _give(None))(Goal(gt(x, 0)), Env()) is None


def test_repeat_composes_until_the_transform_stops():
    def shift(goal):
        lhs = goal.statement.lhs
        if lhs == x:
            return None
        return Transformation(goal.to(gt(lhs - 1, 0)), lambda s: s)

    assert repeat(shift)(Goal(gt(x + 3, 0))).goal.statement == gt(x, 0)
    assert repeat(shift)(Goal(gt(x, 0))) is None


def test_try_each_case_needs_every_case():
    two = lambda g: Split((g, g.to(gt(x, 1))), lambda steps: steps[0])
    assert try_each_case(two, _give(HX))(Goal(gt(x, 0)), Env()) is None
    one = lambda g: Split((g,), lambda steps: steps[0])
    assert try_each_case(one, _give(HX))(Goal(gt(x, 0)), Env()) is HX


def test_proves_compares_facts_structurally():
    assert proves(HX, Goal(gt(x, 0))) and not proves(HX, Goal(ge(x, 0)))


# ---------------------------------------------------------------- goal tactics


def _check(step, goal):
    assert step is not None and step.fact == goal.statement
    check_proof(step, set(goal.facts))


PROVED = [
    # tactic, statement, context; the reason is in the comment
    (prover.sign_engine, ge(x**2 + 1, 2 * x), ()),                   # (x − 1)² ≥ 0
    (prover.sign_engine, gt(sigmoid(z) * (1 - sigmoid(z)), 0), ()),  # σ, 1 − σ > 0
    (prover.sign_engine, le(-d * x, 0), (POS_X,)),                   # d, x > 0
    (prover.decision_procedure, le(sigmoid(z) * (1 - sigmoid(z)), sp.Rational(1, 4)), ()),  # (s − ½)² ≥ 0
    (prover.decision_procedure, le(sp.Abs(x * (sigmoid(z) - y)), sp.Abs(x)), (Y01,)),     # |σ − y| < 1
    (prover.decision_procedure, eq(sp.sign(sigmoid(z) - sp.Rational(1, 2)), sp.sign(z)), ()),  # σ increasing, σ(0) = ½
    (prover.finite_cases, eq(y * (y - 1), 0), (Y01,)),               # y = 0 or 1
    (prover.finite_cases, ge(x**2 * y, 0), (Y01,)),                  # 0 and x²
    (prover.implication, sp.Implies(eq(x, 2), eq(x**2, 4)), ()),     # substitute x = 2
    (prover.implication, sp.Implies(gt(x, 1), gt(x**3, 1)), ()),     # z3 with x > 1
    (prover.same_sign, eq(sp.sign(d * x), sp.sign(x)), ()),          # ratio d > 0
    (prover.same_sign, eq(sp.sign(x * sigmoid(z)), sp.sign(x)), ()),  # ratio σ > 0
    (prover.conjunction, sp.And(ge(x**2, 0), gt(x**2 + 1, 0)), ()),
    (prover.identity, eq(sigmoid(z) + sigmoid(-z), 1), ()),          # σ(−z) = 1 − σ(z)
]


@pytest.mark.parametrize("tactic, statement, context", PROVED)
def test_tactic_proves(tactic, statement, context):
    goal = Goal(statement, context)
    _check(tactic(goal, Env()), goal)


UNKNOWN = [
    (prover.sign_engine, gt(x, 0), ()),                  # no hypothesis about x
    (prover.sign_engine, ge(x**3, 0), ()),               # false for x < 0
    (prover.decision_procedure, gt(x**2, 0), ()),        # false at 0
    (prover.finite_cases, gt(y, 0), (Y01,)),             # the case y = 0 fails
    (prover.finite_cases, gt(x, 0), ()),                 # no finite domain: not applicable
    (prover.implication, sp.Implies(gt(x, 0), gt(x, 1)), ()),  # false at x = 1/2
    (prover.same_sign, eq(sp.sign(x * z), sp.sign(x)), ()),    # ratio z has no sign
    (prover.conjunction, sp.And(ge(x**2, 0), gt(x, 0)), ()),   # second part false
    (prover.identity, eq(x, x + 1), ()),
]


@pytest.mark.parametrize("tactic, statement, context", UNKNOWN)
def test_tactic_gives_up(tactic, statement, context):
    assert tactic(Goal(statement, context), Env()) is None


def test_kink_cases_prove_and_give_up():
    split = prover.try_each_case(prover.kink_split, prover._recursive)
    goal = Goal(ge(sp.Abs(x), x))                        # |x| = x, 0 or −x by case
    _check(split(goal, Env()), goal)
    goal = Goal(ge(relu(x), x))                          # relu(x) = x or 0 ≥ x
    _check(split(goal, Env()), goal)
    assert split(Goal(gt(sp.Abs(x), x)), Env()) is None  # fails for x ≥ 0
    assert split(Goal(gt(x, 0)), Env()) is None          # no kink


def test_decision_procedure_candidate_is_only_recorded():
    env = Env(fixed={y: sp.Integer(1)})
    goal = Goal(ge(sp.exp(x), 1 + x + x**2 / 2), (Given(ge(x, 0), "assume"),))
    # true, but the abstraction knows only exp(u) ≥ 1 + u: a model is a candidate
    assert prover.decision_procedure(goal, env) is None
    assert env.candidates and env.candidates[0][y] == 1  # completed with the fixed case values


def test_finite_cases_record_the_case_values_for_candidates():
    env = Env()
    goal = Goal(gt(x * y + 1, x), (Y01,))               # y = 0: 1 > x fails
    assert prover.finite_cases(goal, env) is None
    assert any(c.get(y) == 0 for c in env.candidates)
    assert env.fixed == {}


def test_prove_goal_respects_the_deadline():
    env = Env(deadline=time.monotonic() - 1)
    assert prover.prove_goal(Goal(ge(x**2, 0)), env) is None


def test_piecewise_cases_prove_give_up_and_reject_tampering():
    split = prover.try_each_case(prover.piecewise_split, prover._recursive)
    pw = sp.Piecewise((sigmoid(x), x > 0), (1 - sigmoid(-x) + x**2, True))
    goal = Goal(gt(pw, 0))                                # σ > 0 and σ(x) + x² > 0
    step = split(goal, Env())
    _check(step, goal)
    assert split(Goal(gt(sp.Piecewise((x, x > -1), (1, True)), 0)), Env()) is None  # x ∈ (−1, 0]
    assert split(Goal(gt(x, 0)), Env()) is None           # no piecewise term
    import dataclasses

    from symloss.errors import ProofCheckError

    with pytest.raises(ProofCheckError):
        dataclasses.replace(step, cases=step.cases[:1]).verify()
    with pytest.raises(ProofCheckError):
        dataclasses.replace(step, cases=step.cases[::-1]).verify()
