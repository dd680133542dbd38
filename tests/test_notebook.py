"""Jupyter forms (``_repr_latex_``) of every kind of result: they compile in a
minimal amsmath document (pdflatex), stay within a notebook cell's width
(no overfull line wider than 20 pt on a 24 cm text width) and a bounded
length, and a huge formula is abbreviated (named sub-expressions, or elided
with a note), never dumped."""

from __future__ import annotations

import re
import shutil
import subprocess
from types import SimpleNamespace as NS

import pytest
import sympy as sp

import symloss
from symloss.render.writeup_notebook import MAX_PART, MAX_REPR, abbreviate, result_repr_latex

needs_latex = pytest.mark.skipif(not shutil.which("pdflatex"), reason="needs pdflatex")

LIN_SQ = dict(model="linear", loss="squared")
RESULTS = [
    # (problem, claim, verdict expected)
    (LIN_SQ, "d(L, w) == x*(yhat - y)", "proved"),
    (LIN_SQ, "d(L, w, 2) >= 0", "proved"),
    (dict(model="logistic", loss="bce"), "convex(L, w)", "proved"),
    (LIN_SQ, "d(L, w) <= 100", "refuted"),
    (LIN_SQ, "proportional(d(L, w), L, w)", "refuted"),
    (dict(model="two_layer", loss="cauchy"), "convex(L, v)", "refuted"),
    (dict(model="two_layer", loss="cauchy"), "d(L, w) <= 100", "refuted"),
    (dict(model="tanh_neuron", loss="squared"), "d(L, w) <= 10*L", "refuted"),
]


def _huge_unknown(order: int):
    """An undecided claim whose written-out formula is long and not readable from its text."""
    p = symloss.problem("two_layer", "cauchy")
    f = sp.diff(p.L, sp.Symbol("w", real=True), order)
    return NS(verdict="unknown", claim=NS(formula=f >= 0, text="(unreadable claim text"), reason="no tactic applied")


def _reprs() -> list[tuple[str, str]]:
    out = []
    for kw, text, verdict in RESULTS:
        r = symloss.problem(**kw).check(text, timeout=20)
        out.append(("%s [%s]" % (text, r.verdict), r._repr_latex_()))
    for order in (2, 3, 6):
        out.append(("huge-%d" % order, result_repr_latex(_huge_unknown(order))))
    for kw, param in [(LIN_SQ, "w"), (dict(model="linear", loss="hinge"), "w"), (dict(model="two_layer", loss="squared"), "w")]:
        p = symloss.problem(**kw)
        out.append(("relation %s" % param, p.relation(param, timeout=10)._repr_latex_()))
        out.append(("problem", p._repr_latex_()))
    return out


@pytest.fixture(scope="module")
def reprs():
    return _reprs()


def test_kinds_render_their_content(reprs):
    tex = dict(reprs)
    assert r"\frac{\partial L}{\partial w}" in tex["d(L, w) == x*(yhat - y) [proved]"]
    assert r"\text{is convex in}" in tex["convex(L, w) [proved]"]
    assert "counterexample" in tex["d(L, w) <= 100 [refuted]"] and "left side" in tex["d(L, w) <= 100 [refuted]"]
    assert r"\propto" in tex["proportional(d(L, w), L, w) [refuted]"]
    assert r"\mathcal{A}" in tex["huge-2"] and r"\text{where }" in tex["huge-2"]      # named once
    assert "omitted" in tex["huge-6"]                                              # or elided with a note
    for _, t in reprs:
        assert "yhat" not in t and "Heaviside" not in t and r"\texttt" not in t


def test_lengths_are_bounded(reprs):
    for name, t in reprs:
        assert len(t) <= 2 * MAX_REPR, (name, len(t))


@needs_latex
def test_reprs_compile_and_fit_a_cell(reprs, tmp_path):
    body = "\n\n".join("%% %s\n\\noindent %s\n" % (name.replace("\n", " "), t) for name, t in reprs)
    doc = ("\\documentclass{article}\n\\usepackage[paperwidth=26cm,paperheight=40cm,margin=1cm]{geometry}\n"
           "\\usepackage{amsmath,amssymb}\n\\begin{document}\n%s\n\\end{document}\n" % body)
    (tmp_path / "cells.tex").write_text(doc, encoding="utf-8")
    run = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", "cells.tex"],
                         cwd=tmp_path, capture_output=True, timeout=180)
    log = (tmp_path / "cells.log").read_text(encoding="latin-1")
    assert run.returncode == 0, log[-3000:]
    wide = [float(m) for m in re.findall(r"Overfull \\hbox \(([\d.]+)pt too wide\)", log)]
    assert all(w <= 20 for w in wide), sorted(wide)[-5:]


@pytest.mark.parametrize("order", [2, 3])
def test_abbreviation_names_long_parts_and_loses_nothing(order):
    p = symloss.problem("two_layer", "cauchy")
    f = sp.diff(p.L, sp.Symbol("w", real=True), order)
    tex, defs = abbreviate(f)
    assert len(tex) <= MAX_PART * 3 // 2 and all(len(d) <= MAX_PART for _, d in defs)
    assert r"\ldots" not in tex and not any(r"\ldots" in d for _, d in defs)
    names = [n for n, _ in defs]
    assert len(set(names)) == len(names) and all(n in tex or any(n in d for _, d in defs) for n in names)
