"""One notation everywhere: reprs of results, relations, counterexamples and
problems, the terminal and ``derive --list`` print ŷ, |·|, 𝟙[·], max/min, σ,
Greek letters and ∂L/∂w (never ``yhat``, ``Abs``, ``Heaviside``/θ(·),
``Max``, ``**`` or ``d(L, w)``)."""

from __future__ import annotations

import re

import pytest

import symloss
from symloss.render.pretty import one_line
from symloss.render.terminal import claim_text

RAW = re.compile(r"yhat|Abs\(|Heaviside|θ\(|Max\(|Min\(|\*\*|sigmoid\(|\brelu\(|\bdelta\b|\bgamma\b|\bd\(L")


def _clean(text: str) -> bool:
    return RAW.search(text) is None


@pytest.mark.parametrize("text, expected", [
    ("abs(d(L, w)) == abs(yhat - y)*abs(x)", "|∂L/∂w| = |x|⋅|ŷ - y|"),
    ("d(L, w, 2) >= 0", "∂²L/∂w² ≥ 0"),
    ("sign(d(L, w)) == sign(w - argmin(L, w))", "sgn(∂L/∂w) = sgn(w - argmin_w L)"),
    ("proportional(d(L, w), L, w)", "∂L/∂w ∝ L (as w varies)"),
    ("nondecreasing(abs(d(L, w)), L, w)", "|∂L/∂w| is a nondecreasing function of L (as w varies)"),
    ("implies(x > 0, d(L, w) > -x)", "(x > 0) ⇒ (∂L/∂w > -x)"),
    ("L >= at(L, w=argmin(L, w))", "L ≥ L|_{w = argmin_w L}"),
    ("max(yhat, 0) >= 0", "max(0, ŷ) ≥ 0"),
    ("not a claim ((", "not a claim (("),   # unreadable text comes back as written
])
def test_claim_text(text, expected):
    assert claim_text(text) == expected


@pytest.mark.parametrize("kw, claim", [
    (dict(model="linear", loss="squared"), "abs(d(L, w)) == abs(yhat - y)*abs(x)"),
    (dict(model="linear", loss="squared"), "proportional(d(L, w), L, w)"),
    (dict(model="linear", loss="huber"), "d(L, w) == x*max(-delta, min(delta, yhat - y))"),
])
def test_result_and_counterexample_reprs(kw, claim):
    r = symloss.problem(**kw).check(claim, timeout=20)
    assert _clean(repr(r)), repr(r)
    assert "∂L/∂w" in repr(r)
    if r.counterexample is not None:
        values = repr(r.counterexample).split(":")[0]
        assert _clean(values), repr(r.counterexample)


@pytest.mark.parametrize("kw", [
    dict(model="linear", loss="huber"),
    dict(model="relu_neuron", loss="squared"),
    dict(model="logistic", loss="bce"),
    dict(model="linear", loss="cauchy"),
    dict(loss="delta*abs(w - yhat)", params=["w"], vars={"delta": "positive"}),
])
def test_problem_repr(kw):
    p = symloss.problem(**kw)
    assert _clean(repr(p)), repr(p)


@pytest.mark.parametrize("kw, param, needle", [
    (dict(model="linear", loss="cauchy"), "w", "γ"),
    (dict(loss="delta*(w - y)**2", params=["w"], vars={"delta": "positive"}), "w", "√δ"),
    (dict(model="relu_neuron", loss="squared"), "w", "is not a function of L"),
    (dict(model="two_layer", loss="squared"), "w", "≈"),
])
def test_relation_repr_and_latex(kw, param, needle):
    rel = symloss.problem(**kw).relation(param, timeout=20)
    text = repr(rel)
    assert needle in text and _clean(text), text
    tex = rel._repr_latex_()
    assert "yhat" not in tex and r"\theta" not in tex and "Heaviside" not in tex


def test_one_line_of_kinks_and_steps():
    import sympy as sp

    x, d = sp.Symbol("x", real=True), sp.Symbol("delta", positive=True)
    text = one_line(sp.Heaviside(x, 0) * sp.Abs(x) + sp.Max(x, d) + sp.sign(x))
    assert _clean(text) and "𝟙[x > 0]" in text and "|x|" in text and "max(" in text and "sgn(x)" in text


def test_derive_list_uses_the_notation(capsys):
    from symloss.cli import main

    assert main(["derive", "--list"]) == 0
    out = capsys.readouterr().out
    assert "ŷ" in out and "δ" in out and _clean(out), [line for line in out.splitlines() if not _clean(line)]


# --------------------------------------------------------------------------
# the refuter's and the engine's explanations: formulas kept as expressions,
# printed by the render stage in the one notation


def test_proportional_explanation_prints_its_formulas_in_the_notation():
    r = symloss.problem(model="linear", loss="squared").check("proportional(d(L, w), L, w)", timeout=20)
    assert r.verdict == "refuted"
    expl = r.counterexample.explanation
    text = str(expl)
    assert "A = x⋅(b + w⋅x - y)" in text and "B = (b + w⋅x - y)²/2" in text, text
    assert _clean(text) and "*" not in text, text
    assert "x*(b - y + w*x)" in expl.plain()  # the parser-readable form is kept
    assert text in r.reason and "*" not in r.to_json()["reason"]


@pytest.mark.parametrize("kw, claim, needles", [
    # a dead ReLU: the inactive argument as an inequality in the notation
    (dict(model="relu(w*x)", loss="(yhat - y)**2/2", params=["w"], assume=["x > 0", "y > 0"]),
     "sign(d(L, w)) == sign(w - argmin(L, w))", ["w⋅x < 0", "left side 0, right side -1"]),
    # Jensen: the midpoint and the two ends as values
    (dict(model="two_layer", loss="squared"), "convex(L, w)", ["Jensen fails: at the midpoint w = ", "the mean of its values", "≈"]),
    # an irrational side gets its decimal next to it
    (dict(loss="w*exp(w)", params=["w"]), "L >= -367/1000", ["left side -exp(-1) ≈ -0.36788, right side -367/1000"]),
])
def test_explanations_use_the_notation(kw, claim, needles):
    r = symloss.problem(**kw).check(claim, timeout=30)
    assert r.verdict == "refuted", r
    text = str(r.counterexample.explanation)
    assert all(n in text for n in needles) and _clean(text) and "*" not in text, text


def test_relation_refutation_explanation_uses_the_notation():
    rel = symloss.problem(model="relu_neuron", loss="squared").relation("w", timeout=20)
    assert rel.status == "refuted"
    assert "∂L/∂w = " in rel.reason and _clean(rel.reason), rel.reason


def test_explanation_pickles_and_reads_as_text():
    import pickle

    import sympy as sp

    from symloss.engine.verdict import Counterexample, Explanation

    x, yhat = sp.Symbol("x", real=True), sp.Symbol("yhat", real=True)
    e = Explanation("left side ", sp.Abs(x - yhat) * x, ", right side ", sp.sqrt(2))
    assert pickle.loads(pickle.dumps(e)) == e
    assert str(e) == "left side x⋅|ŷ - x|, right side √2 ≈ 1.4142"
    assert f"{e}" == str(e) and "right side" in e and ("a: " + e).parts[0] == "a: "
    ce = Counterexample({x: 1}, explanation=e)
    assert ce.describe() == "x = 1: " + str(e)


def test_explanation_formulas_are_typeset_in_latex():
    import sympy as sp

    from symloss.engine.verdict import Explanation
    from symloss.render.latex import SymlossLatexPrinter
    from symloss.render.writeup import symbols_as_math

    w, yhat, y = sp.symbols("w yhat y", real=True)
    tex = symbols_as_math(Explanation("A = ", w * (yhat - y), " at w = ", 1), None, SymlossLatexPrinter())
    assert tex == r"A = $\left(\hat{y} - y\right) w$ at w = $1$", tex


# --------------------------------------------------------------------------
# ReLU is max(0, ·) and a residual is ŷ - y, in every printer


def test_relu_is_max_zero_everywhere():
    import sympy as sp

    from symloss.language.functions import relu
    from symloss.render.latex import latex

    z = sp.Symbol("z", real=True)
    assert one_line(relu(z) ** 2) == "max(0, z)²"
    assert latex(relu(z)) == r"\max\left(0, z\right)" and "ReLU" not in latex(relu(1 - z) ** 2)
    p = symloss.problem(model="relu_neuron", loss="hinge")
    assert "relu" not in repr(p).lower() or "relu_neuron" in repr(p).lower(), repr(p)
    assert "max(0, " in p._repr_latex_().replace(r"\max\left(0, ", "max(0, ") or r"\max" in p._repr_latex_()


@pytest.mark.parametrize("text, expected", [
    ("abs(y - yhat)", "|ŷ - y|"),
    ("abs(yhat - y)", "|ŷ - y|"),
    ("log(cosh(y - yhat))", "log(cosh(ŷ - y))"),
    ("abs(y + yhat)", "|y + ŷ|"),          # not a residual: as written
    ("abs(x - w)", "|w - x|"),
])
def test_residuals_read_yhat_minus_y(text, expected):
    from symloss.language.parser import parse
    from symloss.render.latex import latex

    e = parse(text)
    assert one_line(e) == expected
    if "ŷ - y" in expected:
        assert r"\hat{y} - y" in latex(e) and r"y - \hat{y}" not in latex(e)


@pytest.mark.parametrize("kw, claim, needle", [
    (dict(model="linear", loss="exponential"), "proportional(d(L, w), L, w)", "A = c·B with c = -x⋅y, free of w"),
    (dict(model="logistic", loss="bce"), "nondecreasing(abs(d(L, w)), L, w)", "h(t) = (1 - exp(-t))⋅|x|"),
    (dict(model="linear", loss="huber"), "nondecreasing(abs(d(L, w)), L, w)", "B(v₁) ≤ B(v₂) ⇒ A(v₁) ≤ A(v₂)"),
])
def test_proof_reasons_use_the_notation(kw, claim, needle):
    r = symloss.problem(**kw).check(claim, timeout=30)
    assert r.verdict == "proved" and needle in r.reason and _clean(r.reason) and "*" not in r.reason, r.reason


def test_long_values_of_the_point_are_named_in_relate():
    """A long exact value given to a symbol of the point is shown once and
    named in the formulas that contain it (``(c + tanh(1) - 1)²/2 with c as
    above``)."""
    import sympy as sp

    from symloss.render.terminal import _named_values, _short

    c = sp.Symbol("c", real=True)
    long = (sp.tanh(2) ** 2 / 2 + sp.tanh(1) - sp.tanh(2)) / (sp.tanh(1) - sp.tanh(2))
    named = _named_values({c: long, sp.Symbol("x", real=True): sp.Integer(1)})
    assert named == {long: c}
    text = _short((long + sp.tanh(1) - 1) ** 2 / 2, named=named)
    assert text.startswith("≈ ") and "(exactly (c + tanh(1) - 1)²/2 with c as above)" in text, text


def test_explanation_in_a_notebook_is_typeset():
    """Jupyter shows an explanation's formulas as MathJax (ŷ as \\hat{y}),
    its words as text."""
    import sympy as sp

    from symloss.engine.verdict import Explanation
    from symloss.render.latex import SymlossLatexPrinter
    from symloss.render.writeup_notebook import _explanation_tex

    w, yhat, y = sp.symbols("w yhat y", real=True)
    tex = _explanation_tex(Explanation("A = ", w * (yhat - y), " at w = ", sp.sqrt(2)), SymlossLatexPrinter())
    assert tex == r"\text{A = }\left(\hat{y} - y\right) w\text{ at w = }\sqrt{2}", tex
    assert _explanation_tex("plain words", SymlossLatexPrinter()) == r"\text{plain words}"
    # the notation's symbols leave \text (pdflatex cannot set ⋅ or ŷ there); a long one is cut with "..."
    assert _explanation_tex("A(1)⋅B(2) ≤ ŷ", SymlossLatexPrinter()) == \
        r"\text{A(1)} \cdot \text{B(2) } \leq \text{ } \hat{y} ", _explanation_tex("A(1)⋅B(2) ≤ ŷ", SymlossLatexPrinter())
    long = Explanation(*(["term ", w ** 2 * yhat, ", "] * 40))
    tex = _explanation_tex(long, SymlossLatexPrinter())
    assert tex.endswith(r"\text{ ...}") and len(tex) < 300, tex


@pytest.mark.parametrize("text, expected", [
    # a case split inside a product is bracketed (never "x⋅a if c; b otherwise⋅𝟙[…]")
    ("x*where(w > 0, w, 0)", "x⋅(w if w > 0; 0 otherwise)"),
    # odd functions of a residual read forward, the sign moved out
    ("-delta*sign(y - yhat)", "δ⋅sgn(ŷ - y)"),
    ("-x*tanh(y - yhat)", "x⋅tanh(ŷ - y)"),
    ("sign(y - w*x - b)", "-sgn(b + w⋅x - y)"),
    ("abs(y - w*x - b)", "|b + w⋅x - y|"),
    ("sign(x - w)", "sgn(x - w)"),            # no label, no prediction: as written
])
def test_cases_and_residuals_read_as_written_mathematics(text, expected):
    from symloss.language.parser import parse

    assert one_line(parse(text)) == expected


def test_derive_steps_bracket_cases_and_read_residuals_forward(capsys):
    from symloss.cli import main

    assert main(["derive", "--model", "relu_neuron", "--loss", "huber", "--steps", "--param", "w"]) == 0
    out = capsys.readouterr().out
    assert "∂ℓ/∂ŷ = (ŷ - y if δ > |ŷ - y|; δ⋅sgn(ŷ - y) otherwise);" in out, out
    assert "otherwise⋅" not in out and "sgn(y - " not in out and "|y - " not in out, out
    assert _clean(out), out


def test_missing_minimiser_slope_explanation_uses_the_notation():
    r = symloss.problem(model="w*x", loss="squared").check("d(argmin(L, w), y) * x == 1", timeout=30)
    assert r.verdict == "refuted", r
    text = str(r.counterexample.explanation)
    assert "∂(argmin over w)/∂y fails" in text and "the coefficient x²/2 of w² is 0" in text, text
    assert _clean(text) and "*" not in text, text


@pytest.mark.parametrize("text, expected", [
    ("-x*(y - yhat)", "x⋅(ŷ - y)"),
    ("x/(y - yhat)", "-x/(ŷ - y)"),
    ("(y - yhat)**2/2", "(ŷ - y)²/2"),
    ("x*(y - w*x - b)", "-x⋅(b + w⋅x - y)"),
])
def test_residual_factors_read_forward(text, expected):
    from symloss.language.parser import parse

    assert one_line(parse(text)) == expected
