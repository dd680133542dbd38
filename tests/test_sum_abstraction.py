"""Claims over a symbolic batch size proved through their data sums
(issue 16): Σ_i of a polynomial in the parameters splits into monomials
times data sums, each then a real variable (``SumAbstraction``).

Proved claims are checked at concrete n against an independent solve of the
normal equation and at random exact data; false ones are refuted at a
concrete n, never proved; forged steps fail their check.
"""

from __future__ import annotations

import dataclasses
import random

import pytest
import sympy as sp

from symloss.calculus.proof import check_proof
from symloss.decide import check_claim
from symloss.engine.sum_abstraction import SumAbstraction
from symloss.errors import ProofCheckError
from symloss.problem import problem

POS = "Sum(x[i]**2, (i, 1, n)) > 0"
LS = "Sum(x[i]*(y[i] - b), (i, 1, n))/Sum(x[i]**2, (i, 1, n))"


def _data(n, rnd):
    xs = [sp.Rational(rnd.randint(-9, 9), rnd.randint(1, 4)) for _ in range(n)]
    if all(v == 0 for v in xs):
        xs[0] = sp.Integer(1)
    ys = [sp.Rational(rnd.randint(-9, 9), rnd.randint(1, 4)) for _ in range(n)]
    return xs, ys


def _mean(n, xs, ys, w, b):
    return sum((w * x + b - y) ** 2 / 2 for x, y in zip(xs, ys)) / n


PROVED = [
    ("sign(d(L, w)) == sign(w - argmin(L, w))", (POS,)),
    (f"argmin(L, w) == {LS}", (POS,)),
    ("argmin(L, b) == Sum(y[i] - w*x[i], (i, 1, n))/n", ()),
]


@pytest.mark.parametrize("text, assume", PROVED)
def test_least_squares_claims_for_every_n(text, assume):
    p = problem("linear", "squared", samples="n")
    r = check_claim(p, text, assume=assume, timeout=60)
    assert r.verdict == "proved", r.reason
    assert isinstance(r.proof, SumAbstraction)
    check_proof(r.proof, set(r.claim.hypotheses))
    # independent: at n = 2..5 and random exact data, the minimisers from the normal equations
    w, b = sp.symbols("w b", real=True)
    rnd = random.Random(len(text))
    for n in (2, 3, 5):
        xs, ys = _data(n, rnd)
        bv = sp.Rational(rnd.randint(-5, 5), 3)
        mean = _mean(n, xs, ys, w, bv)
        (w_star,) = sp.solve(sp.diff(mean, w), w)
        assert w_star == sum(x * (y - bv) for x, y in zip(xs, ys)) / sum(x * x for x in xs)
        for wv in (w_star - 1, w_star, w_star + sp.Rational(1, 7)):
            assert sp.sign(sp.diff(mean, w).subs(w, wv)) == sp.sign(wv - w_star)
        wv = sp.Rational(rnd.randint(-5, 5), 2)
        (b_star,) = sp.solve(sp.diff(_mean(n, xs, ys, wv, b), b), b)
        assert b_star == sum(y - wv * x for x, y in zip(xs, ys)) / n


REFUTED = [
    ("sign(d(L, w)) == sign(w - argmin(L, w))", ()),  # all inputs 0: L flat in w
    ("argmin(L, w) == Sum(x[i]*y[i], (i, 1, n))/Sum(x[i]**2, (i, 1, n))", (POS,)),  # b forgotten
    ("argmin(L, b) == Sum(y[i], (i, 1, n))/n", ()),
]


@pytest.mark.parametrize("text, assume", REFUTED)
def test_false_least_squares_claims_are_refuted_at_a_concrete_n(text, assume):
    p = problem("linear", "squared", samples="n")
    r = check_claim(p, text, assume=assume, timeout=60)
    assert r.verdict == "refuted", r.reason
    assert "n" in {str(k) for k in r.counterexample.values} and r.counterexample.samples


def test_a_true_claim_beyond_independent_sums_stays_unknown():
    """L ≥ (∂L/∂b)²/2 needs Σ r_i² ≥ (Σ r_i)²/n, a relation between data sums: not proved."""
    r = check_claim(problem("linear", "squared", samples="n"), "L >= d(L, b)**2/2", timeout=20)
    assert r.verdict == "unknown"


def _proved():
    p = problem("linear", "squared", samples="n")
    return check_claim(p, f"argmin(L, w) == {LS}", assume=(POS,), timeout=60)


def test_a_split_that_does_not_add_up_is_refused():
    r = _proved()
    step = r.proof
    S, parts = step.splits.splits[0]
    (c0, a0), *rest = parts
    bad = dataclasses.replace(step.splits, splits=((S, ((2 * c0, a0), *rest)),) + step.splits.splits[1:])
    with pytest.raises(ProofCheckError, match="not the sum of its parts"):
        check_proof(dataclasses.replace(step, splits=bad), set(r.claim.hypotheses))


def test_a_data_sum_variable_must_be_fresh():
    r = _proved()
    step = r.proof
    w = next(s for s in r.claim.symbols if s.name == "b")
    names = tuple((a, w if k == 0 and isinstance(s, sp.Dummy) else s) for k, (a, s) in enumerate(step.splits.names))
    with pytest.raises(ProofCheckError):
        check_proof(dataclasses.replace(step, splits=dataclasses.replace(step.splits, names=names)),
                    set(r.claim.hypotheses))


def test_an_abstract_hypothesis_must_be_translated():
    r = _proved()
    step = r.proof
    s = next(s for _, s in step.splits.names if isinstance(s, sp.Dummy))
    forged = dataclasses.replace(step, abstract_hypotheses=step.abstract_hypotheses + (s > 5,))
    with pytest.raises(ProofCheckError, match="not a translated hypothesis"):
        forged.verify()
