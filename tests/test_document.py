"""Standalone documents: structure, figures (checked against an independent
mpmath evaluation), atomic writes, and real pdflatex runs on adversarial
content (exit code checked, text checked with pdftotext)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace as NS

import mpmath
import pytest
import sympy as sp

from symloss.render.document import (
    build_document,
    compile_pdf,
    figure_latex,
    sample_values,
    write_atomic,
    write_document,
)
from symloss.errors import SymlossError, ToolMissing
from symloss.language.functions import relu, sigmoid, softplus
from symloss.calculus.proof import Gap, Given

HAVE_PDFLATEX = shutil.which("pdflatex") is not None
HAVE_PDFTOTEXT = shutil.which("pdftotext") is not None
needs_latex = pytest.mark.skipif(not HAVE_PDFLATEX, reason="pdflatex is not installed (apt-get install texlive-latex-base texlive-pictures)")

w, x, b = sp.symbols("w x b", real=True)
y = sp.Symbol("y", real=True)
lam = sp.Symbol("lambda", positive=True)
delta1 = sp.Symbol("delta_1", positive=True)
x_i = sp.Symbol("x_{i}", real=True)
S = sp.Symbol


def _pdflatex(tex: Path) -> subprocess.CompletedProcess:
    """Our own pdflatex run (independent of compile_pdf)."""
    return subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", tex.name],
                          cwd=tex.parent, capture_output=True, timeout=180)


def _pdf_text(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, timeout=60, check=True)
    return " ".join(out.stdout.decode("utf-8", "replace").split())


def _alnum(text: str) -> str:
    """Letters and digits only (pdftotext renders \\_ and spacing its own way)."""
    return re.sub(r"[^A-Za-z0-9]", "", text)


# --------------------------------------------------------------------------
# adversarial results (stand-ins with the attributes verdict.Result has)

HUBER = sp.Piecewise(((w - y) ** 2 / 2, sp.Abs(w - y) <= delta1), (delta1 * (sp.Abs(w - y) - delta1 / 2), True))
LONG = sum(S("a_%d" % k) * lam**k * delta1 for k in range(30)) + relu(x_i) + softplus(w * x)
WEIRD = r"\input{/etc/passwd} & 100% $_^~#{} <b> |σ| — “a--b” ± → ∞ ŷ ½ naïve 名"


def _claim(formula, hyps=(), text=None, problem=None):
    syms = tuple(sorted(formula.free_symbols, key=lambda s: s.name))
    return NS(text=text or str(formula), formula=formula, hypotheses=tuple(hyps), symbols=syms, problem=problem)


def _sign_proof(expr, hyps=()):
    signs = pytest.importorskip("symloss.engine.signs")
    res = signs.sign_of(expr, hyps)
    assert res is not None
    return res.step


def adversarial_results():
    bce = -y * sp.log(sigmoid(w * x + b)) - (1 - y) * sp.log(1 - sigmoid(w * x + b))
    logistic_problem = NS(L=bce, params=(w, b), hypotheses=lambda: [sp.Eq(y, 0) | sp.Eq(y, 1)])
    huber_problem = NS(L=HUBER, params=(w,))
    out = []
    e = lam * delta1 * x**2 + sp.exp(w) + relu(x_i)
    out.append(("lambda-delta_1 positivity", NS(verdict="proved", claim=_claim(e > 0, text="lambda*delta_1*x**2 + exp(w) + relu(x_{i}) > 0"),
                                               proof=_sign_proof(e), counterexample=None, reason="", method="sign proof", seconds=0.1)))
    cx = NS(values={y: sp.Integer(0), delta1: sp.Integer(1)}, pair=(w, sp.Integer(-3), sp.Integer(3)),
            evaluations=(("L at w = -3", sp.Rational(5, 2)), ("L at w = 3", sp.Rational(5, 2))),
            explanation="the minimiser is unique but L is symmetric: w = ±3 give L = 5/2")
    out.append(("huber piecewise", NS(verdict="refuted", claim=NS(text="nondecreasing(L, w, w)", a=HUBER, b=w, var=w,
                                                                   hypotheses=(), symbols=(y, delta1), problem=huber_problem),
                                       proof=None, counterexample=cx, reason="pair", method="exact counterexample", seconds=0.3)))
    out.append(("long expression", NS(verdict="unknown", claim=_claim(LONG >= 0), proof=None, counterexample=None,
                                       reason="timeout after 10 s", method="timeout", seconds=10.0)))
    W, X = sp.IndexedBase("w"), sp.IndexedBase("x")
    j = sp.Symbol("j", integer=True)
    n = sp.Symbol("n", integer=True, positive=True)
    lin = sp.Sum(W[j] * X[j], (j, 1, n)) + b
    out.append(("indexed", NS(verdict="unknown", claim=_claim(sp.Eq(S("g_i"), X[S("i", integer=True)] * (lin - y))),
                               proof=Gap(lin**2 >= 0, "no rule for Sum"), counterexample=None, reason="partial", method="", seconds=0.0)))
    out.append((WEIRD, NS(verdict="unknown", claim=WEIRD, proof=None, counterexample=None, reason=WEIRD, method=WEIRD, seconds=1.0)))
    g = sigmoid(w * x + b) - y
    cx2 = NS(values={w: sp.Integer(1), x: sp.Integer(1), b: sp.Integer(1), y: sp.Integer(0)}, pair=None,
             evaluations=(("lhs", sigmoid(sp.Integer(2))), ("rhs", sp.Integer(0))), explanation="the left side is positive")
    out.append(("bce gradient sign", NS(verdict="refuted", claim=_claim(x * g <= 0, [sp.Eq(y, 0) | sp.Eq(y, 1)], problem=logistic_problem),
                                         proof=None, counterexample=cx2, reason="", method="exact counterexample", seconds=0.2)))
    z3bridge = pytest.importorskip("symloss.engine.z3bridge")
    goal = sigmoid(w * x + b) * (1 - sigmoid(w * x + b)) <= sp.Rational(1, 4)
    dec = z3bridge.decide(goal)
    assert dec.status == "proved"
    out.append(("sigma variance bound", NS(verdict="proved", claim=_claim(goal), proof=dec.step, counterexample=None,
                                            reason="", method="z3", seconds=0.5)))
    hyp = sp.Eq(y, 0) | sp.Eq(y, 1)
    out.append(("given only", NS(verdict="proved", claim=_claim(hyp, [hyp]), proof=Given(hyp, "domain of y"),
                                  counterexample=None, reason="", method="hypothesis", seconds=0.0)))
    return out


def _derivations():
    problem_mod = pytest.importorskip("symloss.problem")
    p = problem_mod.problem("logistic", "bce")
    return [p.derivation(prm) for prm in p.params]


# --------------------------------------------------------------------------
# structure

def test_document_structure():
    results = adversarial_results()
    doc = build_document(results, title="Tests & $pecial", derivations=_derivations())
    assert doc.isascii()
    for pkg in ("amsmath", "amssymb", "amsthm", "pgfplots", "hyperref"):
        assert r"\usepackage{%s}" % pkg in doc or r"]{%s}" % pkg in doc
    assert r"\pgfplotsset{compat=1.18}" in doc
    assert doc.count(r"\section{") == len(results) + 2
    for env in ("document", "proof", "enumerate", "center", "axis", "tikzpicture", "multline*", "align*"):
        assert doc.count(r"\begin{%s}" % env) == doc.count(r"\end{%s}" % env)
    assert r"\input{" not in doc and r"\input" not in doc.replace(r"\textbackslash{}input", "")
    assert r"\title{Tests \& \$pecial}" in doc
    assert doc.count(r"\addplot") >= 4  # huber and logistic figures: L, dL, marks


def test_runner_rows_are_accepted():
    spec = NS(file="f.toml", name="row & name", claim="L >= 0")
    row = NS(spec=spec, verdict="refuted", reason="r", method="m", seconds=0.5, counterexample={"w": "1/2", "x": ["-1", "1"]}, result=None)
    doc = build_document([row])
    assert r"\section{\texorpdfstring{row \& name}" in doc and r"$w = \text{1/2}$" in doc and "from f.toml" in doc


# --------------------------------------------------------------------------
# figures

def _parse_coords(fig: str) -> list[list[tuple[float, float]]]:
    plots = re.findall(r"\\addplot\[[^\]]*\] coordinates \{([^}]*)\};", fig)
    return [[tuple(map(float, c.split(","))) for c in re.findall(r"\(([^)]*)\)", p)] for p in plots]


@pytest.mark.parametrize("L, param, values, ref, dref", [
    ((w * x - 1) ** 2, w, {x: 2}, lambda t: (2 * t - 1) ** 2, lambda t: 4 * (2 * t - 1)),
    (softplus(-y * w * x), w, {x: 1, y: -1}, lambda t: mpmath.log(1 + mpmath.exp(t)), lambda t: 1 / (1 + mpmath.exp(-t))),
    (-y * sp.log(sigmoid(w * x + b)) - (1 - y) * sp.log(1 - sigmoid(w * x + b)), w, {x: 1, b: 0, y: 1},
     lambda t: -mpmath.log(1 / (1 + mpmath.exp(-t))), lambda t: 1 / (1 + mpmath.exp(-t)) - 1),
    (relu(w - 1) ** 2, w, {}, lambda t: max(t - 1, 0) ** 2, lambda t: 2 * max(t - 1, 0)),
])
def test_figure_coordinates_match_an_independent_evaluation(L, param, values, ref, dref):
    fig = figure_latex(L, param, values)
    curves = _parse_coords(fig)
    assert len(curves[0]) > 50 and len(curves[1]) > 50
    for (t, v) in curves[0][::10]:
        assert abs(v - float(ref(mpmath.mpf(t)))) <= 1e-4 * max(1, abs(v))
    for (t, v) in curves[1][::10]:
        assert abs(v - float(dref(mpmath.mpf(t)))) <= 1e-4 * max(1, abs(v))


def test_figure_marks_optimum_and_counterexample():
    fig = figure_latex((w * x - 1) ** 2, w, {x: 2}, mark=sp.Integer(4))
    curves = _parse_coords(fig)
    (opt,), (mark,) = curves[2], curves[3]
    assert abs(opt[0] - 0.5) <= 0.02 and abs(opt[1]) <= 0.01
    assert mark == (4.0, 49.0)
    assert "counterexample" in fig and "optimum" in fig


def test_figure_drops_non_finite_values():
    fig = figure_latex(sp.log(w) + w, w, {})
    for curve in _parse_coords(fig):
        assert curve and all(t > 0 for t, _ in curve)
    assert "nan" not in fig and "inf" not in fig


def test_figure_respects_parameter_domain():
    v = sp.Symbol("v", positive=True)
    fig = figure_latex((v - 2) ** 2, v, {})
    assert all(t > 0 for curve in _parse_coords(fig) for t, _ in curve)


def test_no_figure_without_concrete_values():
    assert figure_latex((w * x - 1) ** 2, w, {}) == ""  # x is not fixed


@pytest.mark.parametrize("symbols, hyps", [
    ([y, x], [sp.Eq(y, 0) | sp.Eq(y, 1), sp.Ne(x, 0)]),
    ([S("t", real=True)], [S("t", real=True) > 0, S("t", real=True) < 1]),
    ([x, w], [x * w > 1]),
    ([lam], []),
])
def test_sample_values_satisfy_the_hypotheses(symbols, hyps):
    vals = sample_values(symbols, hyps)
    assert vals is not None and set(vals) == set(symbols)
    for h in hyps:
        assert h.subs(vals) is sp.true
    for s, v in vals.items():
        assert v.is_Rational and (not s.is_positive or v > 0)


# --------------------------------------------------------------------------
# files

def test_write_atomic_never_leaves_a_truncated_file(tmp_path, monkeypatch):
    target = tmp_path / "out.tex"
    target.write_text("old complete content")
    os.chmod(target, 0o644)

    class Boom(str):
        def encode(self, *a, **k):
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_atomic(target, Boom("new"))
    assert target.read_text() == "old complete content"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.tex"]
    write_atomic(target, "new")
    assert target.read_text() == "new" and (target.stat().st_mode & 0o777) == 0o644


def test_compile_pdf_reports_missing_pdflatex(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    tex = tmp_path / "a.tex"
    tex.write_text("x")
    with pytest.raises(ToolMissing, match="pdflatex"):
        compile_pdf(tex, tmp_path / "a.pdf")
    with pytest.raises(ToolMissing, match="pdflatex"):
        write_document([], tmp_path / "b.tex", tmp_path / "b.pdf")
    assert not (tmp_path / "b.tex").exists() and not (tmp_path / "b.pdf").exists()


@needs_latex
@pytest.mark.latex
def test_compile_failure_keeps_old_pdf_and_shows_the_log(tmp_path):
    tex = tmp_path / "bad.tex"
    tex.write_text("\\documentclass{article}\\begin{document}\\undefinedmacro\\end{document}\n")
    pdf = tmp_path / "bad.pdf"
    pdf.write_bytes(b"old pdf")
    with pytest.raises(SymlossError, match="Undefined control sequence"):
        compile_pdf(tex, pdf)
    assert pdf.read_bytes() == b"old pdf"


@needs_latex
@pytest.mark.latex
def test_adversarial_document_compiles(tmp_path):
    results = adversarial_results()
    copy = tmp_path / "adv.tex"
    write_atomic(copy, build_document(results, title="Adversarial & 100%", derivations=_derivations()))
    run = _pdflatex(copy)  # our own run: check the exit code, not just that a PDF exists
    assert run.returncode == 0, run.stdout.decode(errors="replace")[-3000:]
    log = (copy.parent / "adv.log").read_text(errors="replace")
    overfull = [float(m) for m in re.findall(r"Overfull \\hbox \(([\d.]+)pt too wide\) in paragraph", log)]
    assert all(o < 40 for o in overfull), overfull  # long formulas were broken
    if HAVE_PDFTOTEXT:
        words = _pdf_text(copy.with_suffix(".pdf"))
        flat = _alnum(words)
        for name, r in results:  # every ASCII word of every name is in the PDF
            assert all(word in flat for word in re.findall(r"[A-Za-z0-9]+", name)), name
        for v in ("proved", "refuted", "unknown"):
            assert "Verdict: %s." % v in words
        assert r"\input{/etc/passwd}" in words  # rendered literally, never executed
        assert "Derivation of" in words


@needs_latex
@pytest.mark.latex
def test_cli_writes_tex_and_pdf(tmp_path):
    cli = pytest.importorskip("symloss.cli")
    pytest.importorskip("symloss.decide")
    toml = tmp_path / "c.toml"
    toml.write_text('[[claim]]\nname = "lin & sq"\nmodel = "linear"\nloss = "squared"\n'
                    'claim = "d(L, w) == x*(w*x + b - y)"\nexpect = "proved"\n\n'
                    '[[claim]]\nname = "sign"\nmodel = "linear"\nloss = "squared"\n'
                    'claim = "d(L, w) >= 0"\nexpect = "refuted"\n')
    tex, pdf = tmp_path / "o.tex", tmp_path / "o.pdf"
    status = cli.main(["check", str(toml), "--latex", str(tex), "--pdf", str(pdf)])
    assert status == 0
    assert pdf.read_bytes().startswith(b"%PDF") and tex.read_text().startswith(r"\documentclass")
    if HAVE_PDFTOTEXT:
        words = _pdf_text(pdf)
        assert "Verdict: proved." in words and "Verdict: refuted." in words


PROOFS = sorted(Path(__file__).resolve().parent.parent.glob("proofs/*.toml"))


@needs_latex
@pytest.mark.latex
@pytest.mark.slow
@pytest.mark.parametrize("path", PROOFS, ids=[p.name for p in PROOFS])
def test_every_claim_of_proofs_compiles(path, tmp_path):
    conjectures = pytest.importorskip("symloss.conjectures")
    pytest.importorskip("symloss.decide")
    for k, spec in enumerate(conjectures.load(path).claims):
        result = conjectures.evaluate(spec, 20)
        tex, pdf = tmp_path / ("c%d.tex" % k), tmp_path / ("c%d.pdf" % k)
        write_document([(spec.name, result)], tex, None)
        run = _pdflatex(tex)
        assert run.returncode == 0, (spec.name, run.stdout.decode(errors="replace")[-2000:])
        if HAVE_PDFTOTEXT:
            words = _pdf_text(tex.with_suffix(".pdf"))
            assert _alnum(spec.name) in _alnum(words) and "Verdict: %s." % result.verdict in words


def test_source_lines_stay_short():
    e = sp.diff(sp.tanh(sp.tanh(sp.tanh(w * x))), w, 3)
    results = [("big", NS(verdict="unknown", claim=_claim(sp.Abs(e) <= 1000 + LONG), proof=Gap(e >= -1000, "x"),
                          counterexample=None, reason="", method="", seconds=0.0))]
    doc = build_document(results)
    assert max(len(line) for line in doc.splitlines()) <= 1000


class _Exploding:
    verdict = "proved"

    @property
    def claim(self):
        raise RuntimeError("broken claim object")


def test_one_broken_result_does_not_cost_the_document():
    doc = build_document([("bad", _Exploding()), ("good", NS(verdict="unknown", claim="x > 0", reason="r"))])
    assert "could not be rendered" in doc and "RuntimeError: broken claim object" in doc
    assert r"\section{\texorpdfstring{good}" in doc


def test_runner_rows_give_names_files_and_figures(tmp_path):
    conjectures = pytest.importorskip("symloss.conjectures")
    runner = pytest.importorskip("symloss.batch")
    pytest.importorskip("symloss.decide")
    toml = tmp_path / "c.toml"
    toml.write_text('[[claim]]\nname = "sign of the gradient"\nmodel = "linear"\nloss = "squared"\n'
                    'claim = "d(L, w) >= 0"\nexpect = "refuted"\n')
    reports = runner.check_specs(conjectures.load_all([toml]), timeout=20, jobs=1)
    doc = build_document(reports)
    assert r"\section{\texorpdfstring{sign of the gradient}" in doc and "from " in doc
    assert r"\begin{tikzpicture}" in doc and "counterexample" in doc
    assert doc.count(r"\addplot") >= 3


def test_figure_uses_the_parameter_the_claim_differentiates_in():
    bce = -y * sp.log(sigmoid(w * x + b)) - (1 - y) * sp.log(1 - sigmoid(w * x + b))
    prob = NS(L=bce, params=(w, b), hypotheses=lambda: [sp.Eq(y, 0) | sp.Eq(y, 1)])
    r = NS(verdict="unknown", claim=NS(text="d(L, b) <= 1", formula=sp.true, hypotheses=(), symbols=()), reason="")
    doc = build_document([("c", r, prob)])
    assert "xlabel={$b$}" in doc and r"\partial L / \partial b" in doc


def test_missing_output_directory_is_a_clear_error(tmp_path):
    from symloss.errors import InvalidArgument

    with pytest.raises(InvalidArgument, match="does not exist"):
        write_atomic(tmp_path / "nope" / "a.tex", "x")
    with pytest.raises(InvalidArgument, match="does not exist"):
        write_document([], tmp_path / "a.tex", tmp_path / "nope" / "a.pdf")
    assert not (tmp_path / "a.tex").exists()


PIPELINE_CLAIMS = [
    # (name, model, loss, claim, assumptions): proofs through every tactic, refutations of every shape
    ("z3 with softplus", "linear", "bce_logits", "L > 0", ()),
    ("sign rules", "linear", "bce_logits", "d(L, w, 2) >= 0", ()),
    ("conjunction", "linear", "bce_logits", "(L > 0) & (d(L, w, 2) >= 0)", ()),
    ("implication", "linear", "bce_logits", "implies(x > 0, d(L, w) > -x)", ()),
    ("minimiser", "linear", "squared", "sign(d(L, w)) == sign(w - argmin(L, w))", ("x != 0",)),
    ("closed-form minimiser", "linear", "squared", "argmin(L, w) == (y - b)/x", ("x != 0",)),
    ("proportional", "linear", "exponential", "proportional(d(L, w), L, w)", ()),
    ("nondecreasing", "linear", "squared", "nondecreasing(abs(d(L, w)), L, w)", ()),
    ("wrong factor", "linear", "squared", "d(L, w) == 2*x*(w*x + b - y)", ()),
    ("not proportional", "linear", "squared", "proportional(d(L, w), L, w)", ()),
    ("not nondecreasing", "linear", "cauchy", "nondecreasing(abs(d(L, w)), L, w)", ()),
    ("no minimiser", "linear", "squared", "sign(d(L, w)) == sign(w - argmin(L, w))", ()),
]


@needs_latex
@pytest.mark.latex
@pytest.mark.slow
def test_pipeline_results_compile(tmp_path):
    """One document with real proofs and refutations from every tactic (and
    a derivation) compiles; each proof ends in the QED box and each
    refutation shows the counterexample and its figure."""
    decide_mod = pytest.importorskip("symloss.decide")
    claims = pytest.importorskip("symloss.calculus.claims")
    problem_mod = pytest.importorskip("symloss.problem")
    reg = decide_mod.TACTICS.copy()
    for name in ("prover", "argmin_claim", "relations", "corr"):
        pytest.importorskip("symloss.engine." + name).register(reg)
    rows = []
    for name, model, loss, text, assume in PIPELINE_CLAIMS:
        p = problem_mod.problem(model, loss)
        rows.append((name, decide_mod.decide(claims.parse_claim(p, text, assume=list(assume)), tactics=reg, timeout=30), p))
    verdicts = [r.verdict for _, r, _ in rows]
    if verdicts.count("proved") < 4 or verdicts.count("refuted") < 2:
        pytest.skip("the tactics decided too little here: %s" % verdicts)
    p = problem_mod.problem("logistic", "bce")
    doc = build_document(rows, derivations=[p.derivation(p.params[0])])
    assert "rule \\textsf" not in doc  # every step class met has its own printer
    tex = tmp_path / "pipeline.tex"
    write_atomic(tex, doc)
    run = _pdflatex(tex)
    assert run.returncode == 0, run.stdout.decode(errors="replace")[-3000:]
    log = tex.with_suffix(".log").read_text(errors="replace")
    overfull = [float(m) for m in re.findall(r"Overfull \\hbox \(([\d.]+)pt too wide\)", log)]
    assert all(o < 40 for o in overfull), overfull
    if HAVE_PDFTOTEXT:
        words = _pdf_text(tex.with_suffix(".pdf"))
        assert words.count("Hence the claim is false.") == verdicts.count("refuted")
        assert words.count("The last line is the claim.") == verdicts.count("proved")
        assert words.count("counterexample") >= verdicts.count("refuted")  # the figure legends


def test_pair_counterexample_marks_both_points():
    fig = figure_latex((w * x - 1) ** 2, w, {x: sp.Integer(2)}, mark=(sp.Integer(-1), sp.Rational(1, 2)))
    line = next(l for l in fig.splitlines() if "mark=x" in l)
    pts = [tuple(map(float, p.split(","))) for p in re.findall(r"\(([^()]*)\)", line.split("coordinates")[1])]
    expected = [(-1.0, float(mpmath.mpf(-2 - 1) ** 2)), (0.5, float(mpmath.mpf(1 - 1) ** 2))]  # L = (2w - 1)^2
    # pytest.approx compares flat sequences only (pytest 9 rejects nested tuples): point by point
    assert len(pts) == len(expected)
    for got, want in zip(pts, expected):
        assert got == pytest.approx(want)


@needs_latex
@pytest.mark.latex
@pytest.mark.skipif(not HAVE_PDFTOTEXT, reason="pdftotext is not installed")
def test_explanations_are_typeset_in_the_notation(tmp_path):
    """The refuter's sentences reach the page as mathematics in the one
    notation: the dead unit's inactive argument (w x < 0) typeset, the two
    sides not repeated as 'lhs'/'rhs', Jensen's three values, and ReLU as
    max(0, ·) (never ReLU(·) or relu(·))."""
    problem_mod = pytest.importorskip("symloss.problem")
    dead = problem_mod.problem("relu(w*x)", "(yhat - y)**2/2", params=["w"])
    r1 = dead.check("sign(d(L, w)) == sign(w - argmin(L, w))", assume=["x > 0", "y > 0"], timeout=30)
    two = problem_mod.problem("two_layer", "squared")
    r2 = two.check("convex(L, w)", timeout=30)
    assert r1.verdict == r2.verdict == "refuted", (r1, r2)
    tex = tmp_path / "explain.tex"
    write_document([("dead", r1, dead), ("jensen", r2, two)], tex, None)
    source = tex.read_text()
    assert r"\operatorname{ReLU}" not in source and "relu(" not in source.replace("relu(w*x)", "")
    assert "**" not in source.split(r"\begin{document}")[1].replace("relu(w*x)", "").replace(
        "(yhat - y)**2/2", "")
    run = _pdflatex(tex)
    assert run.returncode == 0, run.stdout.decode(errors="replace")[-2000:]
    words = _pdf_text(tex.with_suffix(".pdf"))
    assert "The unit is inactive here: wx < 0, so the ReLU and its gradient are 0." in words, words
    assert "lhs" not in words and "rhs" not in words and "left side" in words
    assert "Jensen fails: at the midpoint" in words
    assert "the mean of its values" in words and "≈ 0.464" in words and "E(" not in words, words
    assert "max(0, wx)" in words.replace(" ", "").replace("max(0,wx)", "max(0, wx)"), words
