"""Claims over a symbolic batch size n refuted at one concrete n (issue 16).

A claim for every n is refuted by one n: the pipeline specialises it to
n = 1, 2, 3.  The oracle here is independent of that specialisation: the
same claim text is read in the N-sample problem (built by
``problem(..., samples=N)``, which names the samples x_1 … x_N itself), and
the counterexample — which must name n and every sample — is re-checked
exactly there, and at 50 digits with mpmath on a mean built here by hand.
"""

from __future__ import annotations

import re

import mpmath
import pytest
import sympy as sp

from symloss.calculus.batch_instance import indexed_instance, instance
from symloss.calculus.claims import Nondecreasing, Pointwise, Proportional, parse_claim
from symloss.calculus.convex import ConvexClaim
from symloss.calculus.exact import point_is_admissible, truth
from symloss.language.functions import MPMATH_FUNCTIONS
from symloss.problem import problem
from symloss.refute.counterexample import pair_form, verify


@pytest.fixture(autouse=True)
def _fifty_digits():
    with mpmath.workdps(50):
        yield


def _concrete(text: str, N: int) -> str:
    """A claim or assumption about samples of a symbolic batch in the
    N-sample problem's names (``x[i]`` → ``x_1``: the free index at 1)."""
    return re.sub(r"\b([a-z])\[i\]", r"\1" if N == 1 else r"\1_1", text)


def _hand_mean(model, loss, N, vars):
    single = problem(model, loss, vars=vars)
    terms = []
    for k in range(1, N + 1):
        ren = {s: sp.Symbol(s.name if N == 1 else f"{s.name}_{k}", real=True) for s in (*single.inputs, *single.labels)}
        terms.append(single.L.xreplace(ren))
    return sp.Add(*terms) / N


def _mp(expr, values):
    syms = sorted(expr.free_symbols, key=sp.default_sort_key)
    f = sp.lambdify(syms, expr, modules=[MPMATH_FUNCTIONS, "mpmath"])
    return f(*[mpmath.mpf(sp.Rational(values[s.name]).p) / sp.Rational(values[s.name]).q for s in syms])


REFUTED = [
    # model, loss, vars, claim, assume
    ("linear", "exponential", {"y": "real"}, "proportional(d(L, w), L, w)", ()),
    ("linear", "exponential", {"y": "real"}, "nondecreasing(abs(d(L, w)), L, w)", ()),
    ("linear", "squared", {}, "d(L, w) >= 0", ()),
    ("linear", "squared", {}, "d(L, w) >= 0", ("x[i] > 0",)),
    ("linear", "squared", {}, "proportional(d(L, w), L, w)", ()),
    ("linear", "squared", {}, "sign(d(L, w)) == sign(w - argmin(L, w))", ()),
    ("linear", "exponential", {"y": "real"}, "L >= 1", ()),
    ("linear", "squared", {}, "d(L, b) == w*x[i] + b - y[i]", ()),  # true for one sample only
    ("tanh_neuron", "squared", {}, "convex(L, w)", ()),
]


@pytest.mark.parametrize("model, loss, vars, claim, assume", REFUTED)
def test_symbolic_n_is_refuted_at_a_concrete_n(model, loss, vars, claim, assume):
    p = problem(model, loss, vars=vars, samples="n")
    r = p.check(claim, assume=assume, timeout=60)
    assert r.verdict == "refuted", r.reason
    ce = r.counterexample.to_json()
    N = int(ce.pop("n"))
    assert 1 <= N <= 3 and f"n = {N}" in r.method
    if "i" in ce:
        assert ce.pop("i") == "1"
    # every sample is named x_k, y_k, k = 1 … N (no family entry x[k] left)
    assert not any("[" in k for k in ce)
    for base in ("x", "y"):
        assert {f"{base}_{k}" for k in range(1, N + 1)} <= set(ce), ce
    # independent re-check: the same text read in the N-sample problem (x, y when N = 1)
    if N == 1:
        ce = {re.sub(r"_1\Z", "", k): v for k, v in ce.items()}
    q = problem(model, loss, vars=vars, samples=N)
    parsed = parse_claim(q, _concrete(claim, N), assume=tuple(_concrete(a, N) for a in assume))
    by_name = {s.name: s for s in parsed.symbols}
    if isinstance(parsed, (Proportional, Nondecreasing)):
        formula, hyps, _, _, v1, v2 = pair_form(parsed)
        point = {by_name[k]: sp.Rational(v) for k, v in ce.items() if k in by_name}
        point[v1], point[v2] = (sp.Rational(v) for v in ce[parsed.var.name])
        assert verify(formula, hyps, point)
        if isinstance(parsed, Proportional):  # A(w1)·B(w2) ≠ A(w2)·B(w1) on the hand-built mean, 50 digits
            L = _hand_mean(model, loss, N, vars)
            w = next(s for s in L.free_symbols if s.name == "w")
            A = sp.diff(L, w)
            w1, w2 = (sp.Rational(v) for v in ce["w"])
            at = {k: v for k, v in ce.items() if k != "w"}
            lhs = _mp(A.xreplace({w: w1}), at) * _mp(L.xreplace({w: w2}), at)
            rhs = _mp(A.xreplace({w: w2}), at) * _mp(L.xreplace({w: w1}), at)
            assert abs(lhs - rhs) > mpmath.mpf(10) ** -30
    elif isinstance(parsed, ConvexClaim):
        assert parsed.recheck_counterexample(_values_of(r.counterexample, by_name, parsed))
    else:
        point = {by_name[k]: sp.Rational(v) for k, v in ce.items() if k in by_name}
        assert verify(parsed.formula, parsed.hypotheses, point)
        if not parsed.bound_terms():
            assert point_is_admissible(parsed.hypotheses, point) is True
            assert truth(parsed.formula, point) is False


def _values_of(ce, by_name, parsed):
    from symloss.engine.verdict import Counterexample

    strip = not any(s.name.endswith("_1") for s in by_name.values())
    values = {by_name[re.sub(r"_1\Z", "", str(k)) if strip else str(k)]: v for k, v in ce.values.items()
              if (re.sub(r"_1\Z", "", str(k)) if strip else str(k)) in by_name}
    pair = None if ce.pair is None else (parsed.var, ce.pair[1], ce.pair[2])
    return Counterexample(values, pair=pair)


PROVED = [
    ("linear", "squared", {}, "convex(L, w)", ()),
    ("linear", "exponential", {"y": "real"}, "L > 0", ()),
    ("linear", "squared", {}, "L >= 0", ()),
]


@pytest.mark.parametrize("model, loss, vars, claim, assume", PROVED)
def test_true_symbolic_claims_stay_proved(model, loss, vars, claim, assume):
    r = problem(model, loss, vars=vars, samples="n").check(claim, assume=assume, timeout=60)
    assert r.verdict == "proved", r.reason


def test_an_instance_proof_is_not_a_proof_for_every_n():
    """d(L, b) == w*x[i] + b - y[i] holds at n = 1 and fails at n = 2: never proved."""
    p = problem("linear", "squared", samples="n")
    r = p.check("d(L, b) == w*x[i] + b - y[i]", timeout=60)
    assert r.verdict == "refuted" and r.counterexample.values[sp.Symbol("n", integer=True, positive=True)] >= 2


def test_unknown_says_what_each_n_gave():
    """A true claim the termwise rules cannot prove: unknown, naming the sizes tried."""
    p = problem("linear", "squared", samples="n")
    r = p.check("L >= d(L, b)**2/2", timeout=20)  # Jensen: mean of r² ≥ (mean of r)²
    assert r.verdict == "unknown"
    assert "symbolic n" in r.reason and "n = 1" in r.reason


@pytest.mark.parametrize("N", [2, 3])  # (samples=1 is the single-sample problem, named x, y)
def test_instance_writes_the_sum_out(N):
    p = problem("linear", "squared", samples="n")
    claim = parse_claim(p, "d(L, w) >= 0", assume=("x[i] > 0",))
    inst, mapping = instance(claim, N)
    q = problem("linear", "squared", samples=N)
    assert sp.expand(inst.formula.lhs - q.grad("w")) == 0
    assert [str(h) for h in inst.hypotheses] == ["x_1 > 0"]
    assert {s.name for s in inst.symbols} == {"b", "w"} | {f"{c}_{k}" for c in "xy" for k in range(1, N + 1)}
    assert not indexed_instance(claim, N).formula.has(sp.Sum)


def test_no_instance_where_the_assumptions_exclude_n():
    p = problem("linear", "squared", samples="n")
    claim = parse_claim(p, "d(L, w) >= 0", assume=("n >= 5",))
    assert instance(claim, 2) is None and instance(claim, 5) is not None


def test_an_instance_is_a_claim_of_the_same_kind():
    p = problem("linear", "squared", samples="n")
    for text, kind in [("convex(L, w)", ConvexClaim), ("proportional(d(L, w), L, w)", Proportional),
                       ("L >= 0", Pointwise)]:
        assert isinstance(instance(parse_claim(p, text), 2)[0], kind)


# -- counterexamples listed sample by sample ---------------------------------------------------

@pytest.mark.parametrize("samples, vars", [(2, {}), (3, {}), ("n", {"y": "real"})])
def test_counterexample_is_listed_sample_by_sample(samples, vars):
    from symloss.render.writeup import result_latex
    from symloss.render.terminal import refutation_text

    r = problem("linear", "exponential", vars=vars, samples=samples).check("proportional(d(L, w), L, w)", timeout=60)
    assert r.verdict == "refuted", r.reason
    ce = r.counterexample
    shared, groups = ce.by_sample()
    N = len(groups)
    assert N >= 2 and [k for k, _ in groups] == list(range(1, N + 1))
    assert {str(s) for s in dict(shared)} >= {"b"} and not any(str(s)[0] in "xy" for s in dict(shared))
    for k, items in groups:
        assert {str(s) for s, _ in items} == {f"x_{k}", f"y_{k}"}
    # JSON: shared values and the pair first, then sample 1's, sample 2's, ...
    keys = list(ce.to_json())
    tail = [f"{c}_{k}" for k in range(1, N + 1) for c in "xy"]
    assert keys[-len(tail):] == tail and "w" in keys[:-len(tail)]
    assert r.to_json()["samples"] == [{f"x_{k}": ce.to_json()[f"x_{k}"], f"y_{k}": ce.to_json()[f"y_{k}"]}
                                      for k in range(1, N + 1)]
    # text and LaTeX: "sample 1: …; sample 2: …" after the shared values
    for text in (ce.describe(), refutation_text(r), result_latex(r)):
        assert all(f"sample {k}:" in text for k in range(1, N + 1))
        assert text.index("b = 1" if "b = 1" in text else "sample 1:") <= text.index("sample 1:") < text.index("sample 2:")


def test_one_sample_counterexamples_are_not_grouped():
    r = problem("linear", "squared").check("proportional(d(L, w), L, w)", timeout=60)
    assert r.verdict == "refuted" and not r.counterexample.samples
    assert "sample" not in r.counterexample.describe() and "samples" not in r.to_json()
