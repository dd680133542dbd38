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

RAW = re.compile(r"yhat|Abs\(|Heaviside|θ\(|Max\(|Min\(|\*\*|sigmoid\(|\bdelta\b|\bgamma\b|\bd\(L")


def _clean(text: str) -> bool:
    return RAW.search(text) is None


@pytest.mark.parametrize("text, expected", [
    ("abs(d(L, w)) == abs(yhat - y)*abs(x)", "|∂L/∂w| = |x|⋅|y - ŷ|"),
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
