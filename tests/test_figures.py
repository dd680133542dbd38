"""Figures that show something: a counterexample that makes the curves along
the parameter flat is plotted along the variable that flattens them (or the
caption says why it is flat); a correlation claim's figure shades the
support of the distribution.  Checked in the pgfplots source and in the text
of the compiled PDF (pdftotext)."""

from __future__ import annotations

import math
import re
import shutil
import subprocess

import pytest
import sympy as sp

import symloss
from symloss.render.document import _result_figure, build_document, figure_latex

LIN_SQ = dict(model="linear", loss="squared")


def _coords(fig: str) -> list[list[tuple[float, float]]]:
    return [[tuple(map(float, pt.split(","))) for pt in re.findall(r"\(([^()]*)\)", block)]
            for block in re.findall(r"\\addplot\[thick[^\]]*\] coordinates \{([^}]*)\}", fig)]


def _figure(kw, claim, assume=()):
    p = symloss.problem(**kw)
    r = p.check(claim, assume=list(assume), timeout=20)
    return r, p, _result_figure(r, p)


def test_flat_counterexample_is_resliced_along_the_flattening_variable():
    r, _, fig = _figure(LIN_SQ, "sign(d(L, w)) == sign(w - argmin(L, w))")
    assert r.verdict == "refuted" and r.counterexample.values[sp.Symbol("x", real=True)] == 0
    assert "xlabel={$x$}" in fig and r"\partial L / \partial w" in fig
    for curve in _coords(fig):   # neither curve is flat any more
        assert len({y for _, y in curve}) > 10
    assert "the cross marks $x = 0$" in fig and "does not depend on $w$" in fig


def test_a_figure_that_stays_flat_says_why():
    w, x = sp.symbols("w x", real=True)
    fig = figure_latex((x - 1) ** 2 + 0 * w, w, {x: 1})
    assert all(len({y for _, y in c}) == 1 for c in _coords(fig))
    assert "Both curves are flat" in fig and "does not depend on $w$" in fig


def test_a_claim_about_the_prediction_is_plotted_against_the_prediction():
    r, _, fig = _figure(dict(model="linear", loss="log_cosh"), "d(L, yhat) == tanh(yhat - y)")
    assert r.verdict == "proved"
    assert r"xlabel={$\hat{y}$}" in fig and r"\addlegendentry{$\ell$}" in fig and r"\partial \ell / \partial \hat{y}" in fig
    assert "with $y = 1$" in fig
    ell, slope = _coords(fig)
    for (a, v), (_, g) in zip(ell, slope):   # an independent evaluation at y = 1: log cosh(1 - ŷ), tanh(ŷ - 1)
        assert v == pytest.approx(math.log(math.cosh(1 - a)), abs=1e-4)
        assert g == pytest.approx(math.tanh(a - 1), abs=1e-4)


def test_ordinary_counterexample_keeps_its_parameter():
    _, _, fig = _figure(LIN_SQ, "d(L, w) <= 100")
    assert "xlabel={$w$}" in fig


@pytest.mark.parametrize("claim, assume, support", [
    ("corr(d(L, w), w, w, uniform(-1, 1)) > 0", ("x > 0", "y == 1"), (-1, 1)),
    ("corr(d(L, w), w, w, uniform(0, 2)) > 0", ("x > 0", "y == 1"), (0, 2)),
])
def test_correlation_figure_shades_the_support(claim, assume, support):
    _, _, fig = _figure(dict(model="logistic", loss="bce"), claim, assume)
    m = re.search(r"\\fill\[gray!20\] \(axis cs:([-\d.e]+),[^)]*\) rectangle \(axis cs:([-\d.e]+),", fig)
    assert m and (float(m.group(1)), float(m.group(2))) == support
    assert "support of $w$" in fig and "Shaded" in fig


@pytest.mark.skipif(not (shutil.which("pdflatex") and shutil.which("pdftotext")), reason="needs pdflatex and pdftotext")
def test_figures_read_in_the_pdf(tmp_path):
    from symloss.render.document import compile_pdf, write_atomic

    results = []
    for kw, claim, assume in [(LIN_SQ, "sign(d(L, w)) == sign(w - argmin(L, w))", ()),
                              (dict(model="logistic", loss="bce"), "corr(d(L, w), w, w, uniform(-1, 1)) > 0",
                               ("x > 0", "y == 1"))]:
        prob = symloss.problem(**kw)
        results.append((claim, prob.check(claim, assume=list(assume), timeout=20), prob))
    tex, pdf = tmp_path / "f.tex", tmp_path / "f.pdf"
    write_atomic(tex, build_document(results))
    compile_pdf(tex, pdf)
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True,
                                   timeout=60).stdout.decode("utf-8", "replace").split())
    assert "Varying x instead shows why" in text
    assert "Shaded: where w is drawn from" in text
