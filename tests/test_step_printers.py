"""Every proof-step class of the package has its own LaTeX printer, and the
printers of real steps (found by the real tactics) state the fact and its
justification in words and compile (pdflatex, read back with pdftotext)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import sympy as sp

import symloss
from symloss.render.latex import SymlossLatexPrinter, step_latex
from symloss.calculus.proof import Step, iter_steps

#: Step classes rendered by a printer of an ancestor, on purpose (documented here):
#: ``Step`` itself is the generic fallback; ``SignStep`` is an abstract base of the sign rules.
FALLBACK_OK = {"Step", "SignStep"}


def _step_classes() -> list[type]:
    """Every ``proof.Step`` subclass defined in a module of the package (found by walking it)."""
    found = set()
    for info in pkgutil.walk_packages(symloss.__path__, "symloss."):
        if info.name.endswith("__main__"):
            continue
        mod = importlib.import_module(info.name)
        for obj in vars(mod).values():
            if inspect.isclass(obj) and issubclass(obj, Step) and obj.__module__ == mod.__name__:
                found.add(obj)
    return sorted(found, key=lambda c: (c.__module__, c.__name__))


def _own_printer(cls: type) -> bool:
    """Whether the printer (its step mixins, not SymPy's LatexPrinter) defines ``_print_<cls>``."""
    from sympy.printing.latex import LatexPrinter

    own = [o for o in SymlossLatexPrinter.__mro__ if o not in LatexPrinter.__mro__]
    return any("_print_" + cls.__name__ in vars(o) for o in own)


def test_the_walk_finds_the_step_classes():
    names = {c.__name__ for c in _step_classes()}
    assert {"Given", "IntervalCover", "Decided", "FunctionOf", "SmoothConvexity"} <= names
    assert len(names) > 50


@pytest.mark.parametrize("cls", _step_classes(), ids=lambda c: c.__module__.split(".")[-1] + "." + c.__name__)
def test_every_step_class_has_its_own_printer(cls):
    if cls.__name__ in FALLBACK_OK:
        assert cls.__name__ == "Step" or cls.__subclasses__(), "%s is no base class" % cls.__name__
        return
    assert _own_printer(cls), "%s.%s has no _print_%s" % (cls.__module__, cls.__name__, cls.__name__)


# --------------------------------------------------------------------------
# real steps from the pipeline: (class, problem, claim, assumptions, phrases of the justification)

LIN_SQ = dict(model="linear", loss="squared")
DOUBLE_WELL = dict(loss="w**4/4 - w**2 + w/5", params=["w"])
REAL_STEPS = [
    ("AbsIdentity", LIN_SQ, "abs(d(L, w)) == abs(x)*sqrt(2*L)", (), ["normal form", "wherever both sides"]),
    ("PolynomialMinimiser", DOUBLE_WELL, "argmin(L, w) < 0", (), ["even degree 4", "Sturm",
                                                                 "smallest real root", r"\operatorname{root}_{1}", "approx"]),
    ("AlgebraicTruth", DOUBLE_WELL, "argmin(L, w) < 0", (), ["decided exactly", "minimal polynomial"]),
    ("AtMinimum", DOUBLE_WELL, "L >= at(L, w=argmin(L, w))", (), ["exists and is unique", "smaller value"]),
    ("StrictMinimum", dict(loss="abs(w - 1) + abs(w)/2", params=["w"]), "argmin(L, w) == 1", (),
     ["strict global lower bound", r"$w \neq 1$", "unique minimiser"]),
    ("FalseHypothesis", LIN_SQ, "x > 0", ("log(1 + exp(-40)) < 0",), ["false", "vacuously"]),
    ("ArgminOnDomain", dict(loss="(w - 3)**2", vars={"w": "[0, 1]"}), "argmin(L, w) == 1", (),
     ["closed upper end", "strictly decreasing there"]),
    ("ArgminFinite", dict(loss="(w - 1)**2", vars={"w": "{0, 1, 2}"}), "argmin(L, w) == 1", (),
     ["takes only the values", "strictly less than at every other"]),
    ("ArgminAtEnd", dict(loss="exp(w)", vars={"w": "[0, 1]"}), "argmin(L, w) == 0", (),
     ["strictly increasing", "closed lower end"]),
    ("SmoothConvexity", dict(model="logistic", loss="bce"), "convex(L, w)", (),
     ["twice differentiable", "second derivative", "convex there"]),
    ("ConvexTermSum", dict(model="logistic", loss="bce", samples=2), "convex(L, w)", (),
     ["one per sample", "renamed", "sum of convex functions is convex"]),
    ("ConvexMeanOverN", dict(model="linear", loss="squared", samples="n"), "convex(L, w)", (),
     ["one sample", "every number of samples"]),
    ("FinitePoints", dict(loss="2*y*w", vars={"y": "{1, 2}"}), "proportional(L, y, y)", (),
     ["takes only the values $1, 2$", "same at every admissible pair", "reduces to true"]),
    ("IntervalCover", dict(loss="softplus(w) + softplus(b)", params=["w", "b"]), "L >= softplus(w + b)",
     ("w >= -4", "w <= 4", "b >= -4", "b <= 4"), [r"$w \in \left[-4, 4\right]$", "boxes", "rigorous enclosure"]),
    ("IntervalCover", dict(loss="w*exp(w)", params=["w"]), "L >= -368/1000", (),
     ["unbounded part", r"For $w \leq -8$", "boxes"]),
]


def _steps_of(cls_name, kw, text, assume):
    r = symloss.problem(**kw).check(text, assume=list(assume), timeout=30)
    if r.verdict != "proved":
        pytest.skip("not proved here (%s): %s" % (r.method, r.reason))
    steps = [s for s in iter_steps(r.proof) if type(s).__name__ == cls_name]
    if not steps:
        pytest.skip("the tactics chose another route: %s" % sorted({type(s).__name__ for s in iter_steps(r.proof)}))
    return r, steps[0]


@pytest.mark.parametrize("cls_name, kw, text, assume, phrases", REAL_STEPS,
                         ids=[c[0] + "-" + c[2] for c in REAL_STEPS])
def test_real_step_is_written_in_words(cls_name, kw, text, assume, phrases):
    _, step = _steps_of(cls_name, kw, text, assume)
    tex = step_latex(step)
    assert r"rule \textsf" not in tex  # not the generic docstring fallback
    assert tex.count(r"\begin{") == tex.count(r"\end{")
    assert not re.search(r"(from|by) *(,|\.|$|and )", tex), tex  # no dangling citation without line numbers
    assert "CRootOf" not in tex
    for phrase in phrases:
        assert phrase in tex, (phrase, tex)


@pytest.mark.skipif(not (shutil.which("pdflatex") and shutil.which("pdftotext")), reason="needs pdflatex and pdftotext")
def test_real_steps_compile_in_a_document(tmp_path: Path):
    from symloss.render.document import PREAMBLE
    from symloss.render.writeup import result_latex

    body, wanted = [], []
    for cls_name, kw, text, assume, _ in REAL_STEPS:
        r = symloss.problem(**kw).check(text, assume=list(assume), timeout=30)
        if r.verdict != "proved":
            continue
        body.append(result_latex(r))
        wanted.append(cls_name)
    assert len(wanted) >= len(REAL_STEPS) - 2, wanted
    doc = "%s\n\\begin{document}\n%s\n\\end{document}\n" % (PREAMBLE.rstrip(), "\n\n".join(body))
    tex = tmp_path / "steps.tex"
    tex.write_text(doc, encoding="utf-8")
    run = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", tex.name],
                         cwd=tmp_path, capture_output=True, timeout=180)
    assert run.returncode == 0, run.stdout.decode("utf-8", "replace")[-3000:]
    text = subprocess.run(["pdftotext", str(tmp_path / "steps.pdf"), "-"], capture_output=True, check=True,
                          timeout=60).stdout.decode("utf-8", "replace")
    flat = " ".join(text.split())
    for phrase in ("strict global lower bound", "vacuously", "rigorous enclosure", "Sturm", "twice differentiable"):
        assert phrase in flat
    assert "by the rule" not in flat
