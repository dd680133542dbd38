"""claims.py: parsing the claim language, hypotheses, misuse errors."""

import pytest
import sympy as sp

from symloss.calculus.claims import ArgMin, Corr, Nondecreasing, Pointwise, Proportional, parse_claim, pearson
from symloss.errors import SymlossSyntaxError
from symloss.problem import problem


@pytest.fixture(scope="module")
def lin():
    return problem(model="w*x + b", loss="(yhat - y)**2/2")


@pytest.fixture(scope="module")
def logit():
    return problem("linear", "logistic")


@pytest.mark.parametrize("text, kind", [
    ("d(L, w) == x*(w*x + b - y)", Pointwise),
    ("d(L, w, 2) >= 0", Pointwise),
    ("argmin(L, w) == (y - b)/x", Pointwise),
    ("at(L, w=0) >= 0", Pointwise),
    ("at(L, w, 0) >= 0", Pointwise),
    ("proportional(d(L, w), yhat - y, w)", Proportional),
    ("nondecreasing(abs(d(L, w)), L, w)", Nondecreasing),
    ("corr(L, d(L, w), w, uniform(0, 1)) > 0", Pointwise),
    ("implies(x > 0, d(L, w) > 0)", Pointwise),
    ("x > 0 and not (y < 0 or b == 1)", Pointwise),
])
def test_kinds(lin, text, kind):
    c = parse_claim(lin, text)
    assert isinstance(c, kind) and c.text == text


@pytest.mark.parametrize("text", ["d(L, w, 2) >= 0", "d(L, w) == d(L, w)", "L >= 0", "x**2 >= 0"])
def test_comparisons_stay_unevaluated(lin, text):
    # SymPy would decide these while parsing; a claim must never be decided by that
    assert isinstance(parse_claim(lin, text).formula, sp.Rel)


@pytest.mark.parametrize("text, expected", [
    ("d(L, w) == 0", "Eq(x*(b + w*x - y), 0)"),
    ("d(L, b, 2) == 1", "Eq(1, 1)"),
    ("at(d(L, w), w=0) == 0", "Eq(x*(b - y), 0)"),
    ("yhat == 1", "Eq(b + w*x, 1)"),
])
def test_builtins_compute(lin, text, expected):
    assert str(parse_claim(lin, text).formula) == expected


def test_argmin_is_bound(lin):
    c = parse_claim(lin, "argmin(L, w) == y/x")
    (term,) = c.formula.atoms(ArgMin)
    assert term.var.name == "w" and [s.name for s in c.symbols] == ["b", "x", "y"]
    assert sp.Ne(c.symbols[1], 0) in c.hypotheses  # definedness of y/x


def test_hypotheses_collect_domains_assumptions_definedness(logit):
    c = parse_claim(logit, "log(x) <= d(L, w)", assume=["b != 0"])
    text = {str(h) for h in c.hypotheses}
    assert {"Eq(y, -1) | Eq(y, 1)", "Ne(b, 0)", "x > 0"} <= text


@pytest.mark.parametrize("text, column, fragment", [
    ("argmin(L) == 0", 1, "needs the variable"),
    ("d(L, q) > 0", 1, "q is not a symbol of the problem"),
    ("1 + d(L, 2*w) > 0", 5, "must be a symbol"),
    ("d(L, w, 1/2) > 0", 1, "nonnegative integer"),
    ("d(L, w, 1, 2) > 0", 1, "arguments"),
    ("x > 0 and proportional(L, L, w)", 11, "whole claim"),
    ("corr(L, L, w, 3) > 0", 1, "uniform"),
    ("L + 1", 1, "statement"),
])
def test_misuse_errors(lin, text, column, fragment):
    with pytest.raises(SymlossSyntaxError) as info:
        parse_claim(lin, text)
    assert fragment in str(info.value) and info.value.column == column


def test_bad_assumption_text(lin):
    with pytest.raises(SymlossSyntaxError):
        parse_claim(lin, "x > 0", assume=["x +"])


W = sp.Symbol("w", real=True)


@pytest.mark.parametrize("a, b, dist, expected", [
    (W, 3 * W + 1, "uniform", 1),
    (W, -W, "normal", -1),
    (W ** 2, W, "normal", 0),
    (W ** 2, W, "uniform", sp.sqrt(15) / 4),
])
def test_pearson_exact(a, b, dist, expected):
    from symloss.calculus.claims import NormalDist, UniformDist

    d = UniformDist(0, 1) if dist == "uniform" else NormalDist(0, 1)
    got = pearson(a, b, W, d)
    assert sp.simplify(got - expected) == 0


def test_pearson_non_polynomial_stays_unevaluated():
    w = sp.Symbol("w", real=True)
    from symloss.calculus.claims import NormalDist

    assert isinstance(pearson(sp.exp(w), w, w, NormalDist(0, 1)), Corr)


# --- hostile claim text: refused quickly with our error, never RecursionError/MemoryError
@pytest.mark.parametrize("text", [
    "-" * 5000 + "x",
    "x**" * 3000 + "x",
    "not " * 3000 + "x > 0",
    "(" * 300 + "x" + ")" * 300,
    "implies(" * 200 + "x > 0" + ", x > 0)" * 200,
    "x" * 20000,
])
def test_hostile_claim_text_is_refused_quickly(text):
    import time

    import symloss

    p = symloss.problem(model="linear", loss="squared")
    start = time.perf_counter()
    with pytest.raises(symloss.SymlossSyntaxError):
        symloss.parse_claim(p, text)
    assert time.perf_counter() - start < 1.0


# --- an exact correlation is defined only where both variances are positive -------------
@pytest.mark.parametrize("text, expected", [
    ("corr(x, w, w, uniform(-1, 1)) != 0", "does not exist"),       # Var(x) = 0: bad input, never vacuous
    ("corr(d(L, w), w, w, uniform(-1, 1)) == 1", "x**4/3 > 0"),     # needs x != 0
])
def test_exact_correlation_records_positive_variances(text, expected):
    import symloss

    p = symloss.problem(model="linear", loss="squared")
    if expected == "does not exist":
        with pytest.raises(symloss.SymlossSyntaxError, match=expected):
            symloss.parse_claim(p, text)
        return
    claim = symloss.parse_claim(p, text)
    assert expected in {str(h) for h in claim.hypotheses}


# --- a closed-form correlation is a re-checked reading of the claim -----------------------
@pytest.mark.parametrize("text, dist", [
    ("corr(d(L, w), w, w, uniform(-1, 1)) == 1", "UniformDist"),
    ("corr(d(L, w), L, w, uniform(0, 2)) >= 0", "UniformDist"),
    ("corr(w**2, w, w, normal(0, 1)) == 0", "NormalDist"),
])
def test_closed_form_correlation_is_recorded_and_rechecks(text, dist):
    import symloss
    from symloss.calculus.claims import CorrClosedForm
    from symloss.calculus.proof import check_proof

    p = symloss.problem(model="linear", loss="squared")
    claim = symloss.parse_claim(p, text)
    (step,) = claim.readings
    assert isinstance(step, CorrClosedForm) and type(step.dist).__name__ == dist
    check_proof(step, set(claim.hypotheses))


def test_tampered_correlation_reading_fails_and_blocks_the_verdict():
    import dataclasses

    import symloss
    from symloss.decide import decide
    from symloss.errors import ProofCheckError

    p = symloss.problem(model="linear", loss="squared")
    claim = symloss.parse_claim(p, "corr(d(L, w), w, w, uniform(-1, 1)) == 1", assume=["x != 0"])
    (step,) = claim.readings
    bad = dataclasses.replace(step, var_b=step.var_b * 2)
    with pytest.raises(ProofCheckError):
        bad.verify()
    tampered = dataclasses.replace(claim, readings=(bad,))
    assert decide(tampered, timeout=10).verdict == "unknown"
