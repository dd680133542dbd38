"""Issue 11 minimisers: piecewise losses glued at their joins, roots through
the model output, implicit minimisers (two proved signs) and the claims
that use a minimiser -- each step re-checked and tampered with."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest
import sympy as sp

from symloss.engine.argmin import MinimiserBySign, minimiser
from symloss.engine.argmin_uses import AboveMinimum, MinimiserBound, StationaryMinimiser, uses_of_minimiser
from symloss.calculus.claims import ArgMin, parse_claim
from symloss.errors import ProofCheckError
from symloss.language.functions import sigmoid
from symloss.engine.inversion import inverted_roots
from symloss.engine.ivt import SignChange, sign_change_existence
from symloss.engine.piecewise import glue_error, join_statements, prove_joins
from symloss.problem import problem
from symloss.calculus.proof import Given, check_proof
from symloss.engine.prover import claim_goal
from symloss.engine.tactics import Env

u, w, x, y, b = sp.symbols("u w x y b", real=True)
R = sp.Rational
HUBER = sp.Piecewise((u ** 2 / 2, sp.Abs(u) <= 1), (sp.Abs(u) - R(1, 2), True))
JUMP = sp.Piecewise((u ** 2, u > 0), (u ** 2 + 1, True))


def _env(seconds=30.0):
    return Env(deadline=time.monotonic() + seconds)


# ---------------------------------------------------------------- gluing

@pytest.mark.parametrize("expr,joined,why", [
    (HUBER, True, None),
    (HUBER, False, "join"),
    (sp.Piecewise((u, (u > 0) & (u < 1)), (0, True)), True, "one comparison"),
    (sp.Piecewise((sp.log(u), u > 1), (u - 1, True)), True, "not defined"),
    (sp.Piecewise((u, u > 0),), True, "otherwise"),
    (sp.Piecewise((sp.sign(u), u > 0), (0, True)), True, "continuous"),
    (sp.Piecewise((u, u < 0), (sp.Piecewise((0, u < 1), (u - 1, True)), True)), True, None),
])
def test_glue_rules(expr, joined, why):
    joins = set(join_statements(expr, u)) if joined else set()
    err = glue_error(expr, u, joins)
    assert (err is None) if why is None else (why in err), err


@pytest.mark.parametrize("expr,provable", [(HUBER, True), (JUMP, False)])
def test_only_true_joins_are_proved(expr, provable):
    assert (prove_joins(expr, u, (), _env()) is not None) == provable


# ---------------------------------------------------------------- roots through the model output

@pytest.mark.parametrize("h,root", [
    (-x * sp.sinh(y - sigmoid(u * x + b)), (sp.log(y / (1 - y)) - b) / x),
    (-x * y * (1 - sigmoid(u * x + b)) + x * (1 - y) * sigmoid(u * x + b), (sp.log(y / (1 - y)) - b) / x),
    (x * (sp.tanh(u * x + b) - y), (sp.atanh(y) - b) / x),
    (sp.exp(2 * u) - y, sp.log(y) / 2),
])
def test_inverted_roots_are_roots(h, root):
    got = inverted_roots(h, u)
    assert got
    at = {x: R(3, 2), b: R(-1, 3), y: R(1, 4)}
    assert any(abs(sp.N((r - root).xreplace(at), 30)) < 1e-25 for r in got), got


# ---------------------------------------------------------------- tampered steps

def _huber_minimiser():
    term = ArgMin(sp.Piecewise(((w * x + b - y) ** 2 / 2, sp.Abs(w * x + b - y) <= 1),
                               (sp.Abs(w * x + b - y) - R(1, 2), True)), w)
    ctx = (Given(sp.Ne(x, 0), "assumption"),)
    m = minimiser(term, ctx, _env())
    assert isinstance(m, MinimiserBySign) and m.joins
    check_proof(m, {g.fact for g in ctx})
    return m, ctx


def test_a_piecewise_minimiser_needs_its_joins():
    m, _ = _huber_minimiser()
    with pytest.raises(ProofCheckError, match="join"):
        replace(m, joins=()).verify()


def _decay():
    ctx = (Given(y > -1, "hypothesis"), Given(y < 1, "hypothesis"))
    h = u + (sp.tanh(u) - y) * (1 - sp.tanh(u) ** 2)
    step = sign_change_existence(h, u, ctx, _env())
    assert isinstance(step, SignChange)
    check_proof(step, {g.fact for g in ctx})
    return step


@pytest.mark.parametrize("tamper", [
    lambda s: replace(s, low=s.high, high=s.low),
    lambda s: replace(s, low=s.low - 1),
    lambda s: replace(s, core=s.core + 5),
    lambda s: replace(s, core=sp.Abs(s.core)),
])
def test_a_tampered_sign_change_fails(tamper):
    with pytest.raises(ProofCheckError):
        tamper(_decay()).verify()


def _claim_step(model, loss, params, text, assume):
    c = parse_claim(problem(model, loss, params=params) if model else problem(loss=loss, params=params),
                    text, assume=assume)
    g = claim_goal(c)
    step = uses_of_minimiser(g, _env(60))
    assert step is not None, text
    check_proof(step, set(g.facts))
    return step


def test_claims_using_an_implicit_minimiser_recheck_and_resist_tampering():
    bound = _claim_step(None, "(tanh(w) - y)**2/2 + w**2/2", ["w"], "argmin(L, w) > 0", ["y > 0", "y < 1"])
    assert isinstance(bound, MinimiserBound)
    assert isinstance(bound.minimiser.existence, SignChange)   # no closed form: the root is implicit
    flipped = replace(bound, statement=sp.StrictLessThan(bound.statement.lhs, 0, evaluate=False))
    with pytest.raises(ProofCheckError):
        flipped.verify()
    above = _claim_step("tanh(w*x + b)", "(yhat - y)**2/2", ["w"], "L >= at(L, w=argmin(L, w))",
                        ["x != 0", "y > -1", "y < 1"])
    assert isinstance(above, AboveMinimum)
    with pytest.raises(ProofCheckError):
        replace(above, minimiser=bound.minimiser).verify()        # a minimiser of another function
    stat = _claim_step("tanh(w*x + b)", "(yhat - y)**2/2", ["w"], "implies(d(L, w) == 0, w == argmin(L, w))",
                       ["x != 0", "y > -1", "y < 1"])
    assert isinstance(stat, StationaryMinimiser)
    with pytest.raises(ProofCheckError):
        replace(stat, sign_rule=above).verify()
    wrong = sp.Implies(sp.Eq(stat.statement.args[0].lhs, 1), stat.statement.args[1], evaluate=False)
    with pytest.raises(ProofCheckError):
        replace(stat, statement=wrong).verify()
