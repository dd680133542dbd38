r"""Standalone LaTeX documents of results, pgfplots figures, and pdflatex.

* :func:`build_document` turns results into one standalone document
  (``article`` with amsmath, amssymb, amsthm, pgfplots, hyperref): a section
  per claim with its statement, verdict, proof or counterexample, and a
  figure of :math:`L` and :math:`\partial L/\partial\theta` against
  :math:`\theta` when the result carries its problem.
* :func:`figure_latex` draws that figure as pgfplots code (no image files),
  from coordinates computed with NumPy.
* :func:`write_atomic` and :func:`compile_pdf` write files so that a failed
  run never leaves a truncated or clobbered file; :func:`write_document` is
  what ``symloss check PATH --latex OUT.tex --pdf OUT.pdf`` calls.

The document is pure ASCII: every piece of user text goes through
:func:`symloss.render.latex.escape_text`.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np
import sympy as sp

from ..errors import InvalidArgument, SymlossError, ToolMissing
from ..language.functions import NUMPY_FUNCTIONS, derivative
from .latex import SymlossLatexPrinter, escape_text
from .writeup import derivation_latex, result_latex

__all__ = [
    "build_document",
    "figure_latex",
    "sample_values",
    "write_atomic",
    "compile_pdf",
    "write_document",
    "PREAMBLE",
]

#: Packages every document loads (all in Debian's texlive-latex-base and
#: texlive-pictures).
PREAMBLE = r"""\documentclass[11pt]{article}
\usepackage[margin=2.5cm]{geometry}
\usepackage{amsmath}
\usepackage{amssymb}
\usepackage{amsthm}
\usepackage{pgfplots}
\pgfplotsset{compat=1.18}
\usepackage[hidelinks]{hyperref}
\allowdisplaybreaks
\renewcommand{\qedsymbol}{$\blacksquare$}
\setlength{\emergencystretch}{3em}
"""


# --------------------------------------------------------------------------
# entries: Result objects, runner rows, or (name, result) pairs


@dataclass(frozen=True)
class _Entry:
    name: str
    result: Any
    file: str | None = None
    spec: Any = None
    problem: Any = None


@dataclass(frozen=True)
class _RowView:
    """A runner row (no Result crossed the process boundary) seen as a result."""

    verdict: str
    claim: Any
    reason: str
    method: str
    seconds: float
    counterexample: Any
    proof: Any = None


def _entries(results: Any) -> list[_Entry]:
    if isinstance(results, Mapping):
        results = list(results.items())
    out = []
    for k, item in enumerate(results, 1):
        name, file, problem = None, None, None
        if isinstance(item, tuple) and len(item) in (2, 3) and isinstance(item[0], str):
            name, item, problem = (item + (None,))[:3]
        spec = getattr(item, "spec", None)
        if spec is not None:
            file = getattr(spec, "file", None)
            name = name or getattr(spec, "name", None)
        if spec is not None and getattr(item, "result", None) is not None:
            item = item.result  # a runner row carrying its Result
        elif spec is not None and not hasattr(item, "claim"):
            # a runner row: ClaimReport(spec, verdict, reason, method, seconds, counterexample)
            item = _RowView(
                verdict=str(getattr(item, "verdict", "unknown")),
                claim=getattr(spec, "claim", ""),
                reason=getattr(item, "reason", "") or "",
                method=getattr(item, "method", "") or "",
                seconds=float(getattr(item, "seconds", 0.0) or 0.0),
                counterexample=getattr(item, "counterexample", None),
            )
        name = name or getattr(item, "name", None)
        if not name:
            claim = getattr(item, "claim", None)
            name = getattr(claim, "text", None) or (claim if isinstance(claim, str) else None) or "claim %d" % k
        out.append(_Entry(str(name), item, file, spec, problem))
    return out


def _entry_problem(e: _Entry) -> Any:
    """The problem a result is about: given, carried, or rebuilt from its spec."""
    claim = getattr(e.result, "claim", None)
    found = e.problem or getattr(e.result, "problem", None) or getattr(claim, "problem", None)
    if found is None and e.spec is not None and hasattr(e.spec, "problem"):
        found = e.spec.problem()  # a ClaimSpec of symloss.conjectures rebuilds its problem
    return found


# --------------------------------------------------------------------------
# figures

_CANDIDATES = [sp.Integer(1), sp.Rational(1, 2), sp.Integer(2), sp.Integer(-1), sp.Rational(3, 2),
               sp.Rational(-1, 2), sp.Integer(3), sp.Integer(0), sp.Rational(1, 4), sp.Rational(3, 4),
               sp.Integer(-2), sp.Rational(1, 3)]


def _holds(cond: sp.Basic, values: Mapping) -> bool | None:
    try:
        v = cond.subs(values)
    except Exception:  # a condition SymPy cannot substitute into: undecided
        return None
    if v is sp.true or v is True:
        return True
    if v is sp.false or v is False:
        return False
    return None


def sample_values(symbols: Iterable[sp.Symbol], hypotheses: Iterable[sp.Basic] = (), fixed: Mapping | None = None) -> dict | None:
    """Simple exact values (1, 1/2, 2, -1, ...) for ``symbols`` satisfying
    every hypothesis exactly, keeping the ``fixed`` ones; ``None`` when no
    such choice is found.

    >>> y, d = sp.Symbol('y', real=True), sp.Symbol('d', positive=True)
    >>> sample_values([y, d], [sp.Eq(y, 0) | sp.Eq(y, 1), d < 1])
    {y: 1, d: 1/2}
    """
    values = dict(fixed or {})
    hyps = [h for h in hypotheses if h is not sp.true]
    options: dict = {}
    for s in symbols:
        if s in values:
            continue
        mine = [h for h in hyps if getattr(h, "free_symbols", set()) == {s}]
        options[s] = [c for c in _CANDIDATES if _assumptions_allow(s, c) and all(_holds(h, {s: c}) for h in mine)]
        if not options[s]:
            return None
        values[s] = options[s][0]
    bad = [h for h in hyps if _holds(h, values) is False]
    if not bad:
        return values
    # joint conditions (x*w > 1): a small search over the symbols they involve
    free = sorted({s for h in bad for s in h.free_symbols if s in options}, key=lambda s: s.name)[:3]
    for combo in itertools.product(*[options[s][:7] for s in free]):
        trial = {**values, **dict(zip(free, combo))}
        if all(_holds(h, trial) is not False for h in hyps):
            return trial
    return None


def _assumptions_allow(s: sp.Symbol, c: sp.Basic) -> bool:
    checks = [("positive", c > 0), ("negative", c < 0), ("nonnegative", c >= 0),
              ("nonpositive", c <= 0), ("nonzero", c != 0), ("integer", c.is_integer)]
    return all(ok for attr, ok in checks if getattr(s, "is_" + attr, None))


def _fmt(v: float) -> str:
    return "%.6g" % v


def _coords(xs: np.ndarray, ys: np.ndarray) -> str:
    ok = np.isfinite(ys) & (np.abs(ys) < 1e6)
    return " ".join("(%s,%s)" % (_fmt(a), _fmt(b)) for a, b in zip(xs[ok], ys[ok]))


def _numeric(expr: sp.Expr, var: sp.Symbol, xs: np.ndarray) -> np.ndarray:
    f = sp.lambdify([var], expr, modules=[NUMPY_FUNCTIONS, "numpy"])
    with np.errstate(all="ignore"):
        ys = f(xs)
    ys = np.asarray(ys, dtype=complex if np.iscomplexobj(ys) else float)
    if np.iscomplexobj(ys):
        ys = np.where(np.abs(ys.imag) < 1e-12, ys.real, np.nan)
    return np.broadcast_to(ys, xs.shape).astype(float)


def _param_interval(param: sp.Symbol, hypotheses) -> tuple[float, float] | None:
    dom = _assumption_like(param, hypotheses)
    if isinstance(dom, sp.FiniteSet) or dom is None:
        return None
    lo = float(dom.inf) if dom.inf.is_finite else -np.inf
    hi = float(dom.sup) if dom.sup.is_finite else np.inf
    return lo, hi


def _assumption_like(param, hypotheses):
    from .writeup import _assumption_set, _flatten_and

    s = _assumption_set(param)
    for c in _flatten_and(hypotheses):
        if getattr(c, "free_symbols", set()) == {param}:
            try:
                cs = c.as_set()
            except Exception:  # not an interval condition: ignore for the range
                continue
            s = s.intersect(cs)
    return s if isinstance(s, (sp.Interval, sp.FiniteSet)) or s == sp.Reals else None


def figure_latex(L: sp.Expr, param: sp.Symbol, values: Mapping, *, grad: sp.Expr | None = None,
                 mark: sp.Basic | Sequence | None = None, hypotheses: Sequence = (), caption: str = "",
                 support: tuple | None = None, grad_label: str = "", optimum: bool = True,
                 loss_label: str = "$L$") -> str:
    r"""A pgfplots figure of ``L`` and ``dL/dparam`` against ``param``, the
    other symbols fixed to ``values``; the grid minimiser is marked, and
    ``mark`` (a counterexample's value of ``param``, or a tuple of values:
    the two points of a pair counterexample) too; ``support`` ``(lo, hi)``
    (a correlation's distribution) is shaded.  ``grad_label`` names the
    dashed curve when it is not ``dL/dparam`` (a re-sliced figure plots the
    claim's derivative against another variable), ``loss_label`` the solid
    one (``$\\ell$`` for the loss against the prediction); ``optimum=False`` leaves
    the grid minimiser unmarked.  Returns ``""`` when there is nothing finite
    to draw.

    >>> w, x = sp.symbols('w x', real=True)
    >>> fig = figure_latex((w*x - 1)**2, w, {x: 2})
    >>> fig.count(r'\addplot'), 'optimum' in fig
    (3, True)
    """
    p = SymlossLatexPrinter()
    L0 = L.subs(dict(values))
    g0 = (grad if grad is not None else derivative(L, param)).subs(dict(values))
    if (L0.free_symbols | g0.free_symbols) - {param} or L0.has(sp.Sum, sp.Indexed, sp.Integral):
        return ""
    interval = _param_interval(param, hypotheses) or (-np.inf, np.inf)
    lo, hi = max(interval[0], -8.0), min(interval[1], 8.0)
    if not lo < hi:
        return ""
    wide = np.linspace(lo, hi, 801)
    if np.isfinite(interval[0]) and interval[0] == lo:
        wide = wide[1:]
    if np.isfinite(interval[1]) and interval[1] == hi:
        wide = wide[:-1]
    lw = _numeric(L0, param, wide)
    finite = np.isfinite(lw)
    if not finite.any():
        return ""
    k = int(np.nanargmin(np.where(finite, lw, np.inf)))
    opt = float(wide[k]) if 0 < k < len(wide) - 1 else None
    centre = opt if opt is not None else float(np.clip(0.0, lo, hi))
    a, b = max(lo, centre - 3.0), min(hi, centre + 3.0)
    marks = []
    for mk in (mark if isinstance(mark, (tuple, list)) else (mark,)):
        try:
            m = float(mk) if mk is not None else None
        except (TypeError, ValueError):
            m = None
        if m is not None and np.isfinite(m):
            marks.append(m)
            a, b = min(a, m - 1.0), max(b, m + 1.0)
    if support is not None:
        a, b = min(a, support[0] - 0.5), max(b, support[1] + 0.5)
    a, b = max(a, interval[0]), min(b, interval[1])
    xs = np.linspace(a, b, 121)
    xs = xs[(xs > interval[0]) & (xs < interval[1])] if np.isfinite(interval).any() else xs
    ly, gy = _numeric(L0, param, xs), _numeric(g0, param, xs)
    gy = np.where(np.isfinite(ly), gy, np.nan)  # no slope where L itself is undefined
    cl, cg = _coords(xs, ly), _coords(xs, gy)
    if not cl and not cg:
        return ""
    name = p.doprint(param)
    both = np.concatenate([v[np.isfinite(v) & (np.abs(v) < 1e6)] for v in (ly, gy)])
    lo_y, hi_y = (float(both.min()), float(both.max())) if both.size else (-1.0, 1.0)
    pad = 0.08 * (hi_y - lo_y) if hi_y > lo_y else 1.0
    lo_y, hi_y = lo_y - pad, hi_y + pad
    lines = [
        r"\begin{center}",
        r"\begin{minipage}{\linewidth}\centering",  # the figure and its caption stay together, beside the text
        r"\begin{tikzpicture}",
        r"\begin{axis}[width=0.7\linewidth, height=6cm, xlabel={$%s$}, legend pos=outer north east," % name,
        r"  grid=major, legend cell align=left, scaled ticks=false, tick label style={font=\small},",
        r"  ymin=%s, ymax=%s]" % (_fmt(lo_y), _fmt(hi_y)),
    ]
    if support is not None:
        s0, s1 = max(support[0], a), min(support[1], b)
        if s0 < s1:
            lines.append(r"\fill[gray!20] (axis cs:%s,%s) rectangle (axis cs:%s,%s);" % (_fmt(s0), _fmt(lo_y), _fmt(s1), _fmt(hi_y)))
            lines.append(r"\addlegendimage{area legend, fill=gray!20, draw=none}")
            lines.append(r"\addlegendentry{support of $%s$}" % name)
    if cl:
        lines.append(r"\addplot[thick, blue] coordinates {%s};" % cl)
        lines.append(r"\addlegendentry{%s}" % loss_label)
    if cg:
        lines.append(r"\addplot[thick, dashed, red!70!black] coordinates {%s};" % cg)
        lines.append(r"\addlegendentry{%s}" % (grad_label or r"$\partial L / \partial %s$" % name))
    if optimum and opt is not None and a <= opt <= b:
        lo_v = _numeric(L0, param, np.array([opt]))[0]
        if np.isfinite(lo_v) and abs(lo_v) < 1e6:
            lines.append(r"\addplot[only marks, mark=*, mark size=2.5pt, black] coordinates {(%s,%s)};" % (_fmt(opt), _fmt(lo_v)))
            lines.append(r"\addlegendentry{optimum (grid)}")
    shown = [m for m in marks if a <= m <= b]
    mvs = _numeric(L0, param, np.array(shown, dtype=float)) if shown else np.array([])
    pts = " ".join("(%s,%s)" % (_fmt(m), _fmt(v)) for m, v in zip(shown, mvs) if np.isfinite(v) and abs(v) < 1e6)
    if pts:
        lines.append(r"\addplot[only marks, mark=x, mark size=5pt, very thick, orange!90!black] coordinates {%s};" % pts)
        lines.append(r"\addlegendentry{counterexample}")
    lines += [r"\end{axis}", r"\end{tikzpicture}"]
    fixed = ", ".join("$%s = %s$" % (p.doprint(k), p.doprint(v)) for k, v in values.items() if k != param)
    cap = caption or ("$L$ and $\\partial L/\\partial %s$ against $%s$%s." % (name, name, (" with " + fixed) if fixed else ""))
    if param not in L0.free_symbols and not caption:
        cap += " Both curves are flat: with these values $L$ does not depend on $%s$ (so every $%s$ minimises it)." % (name, name)
    if support is not None and not caption:
        cap += " Shaded: where $%s$ is drawn from." % name
    lines += [r"\\[1ex]", r"{\small %s}" % cap, r"\end{minipage}", r"\end{center}"]
    return "\n".join(lines)


def _result_figure(result: Any, problem: Any) -> str:
    """The figure for one result about ``problem``; ``""`` when there is none."""
    claim = getattr(result, "claim", None)
    L = getattr(problem, "L", None)
    if not isinstance(L, sp.Expr):
        return ""
    params = list(getattr(problem, "params", ()) or ())
    cx = getattr(result, "counterexample", None)
    fixed = dict(getattr(cx, "values", None) or {}) if cx is not None and not isinstance(cx, Mapping) else {}
    pair = getattr(cx, "pair", None) if cx is not None else None
    var = getattr(claim, "var", None)
    # the parameter the claim differentiates in (``d(L, b)``), else the first one
    named = re.findall(r"\bd\(\s*L\s*,\s*([A-Za-z_]\w*)", str(getattr(claim, "text", "")))
    params = [q for _, q in sorted(enumerate(params), key=lambda iq: (iq[1].name not in named, iq[0]))]
    param = var if isinstance(var, sp.Symbol) else (pair[0] if pair else (params[0] if params else None))
    if param is None:
        return ""
    if named and not pair and not isinstance(var, sp.Symbol) and all(n in ("yhat", "y_hat") for n in named):
        prediction = _prediction_figure(problem, fixed, claim)
        if prediction:
            return prediction
    mark = fixed.pop(param, None)
    if mark is None and pair:
        mark = (pair[1], pair[2]) if pair[0] == param else pair[1]
    hyps = list(getattr(claim, "hypotheses", ()) or ())
    if not hyps and hasattr(problem, "hypotheses"):
        try:
            hyps = list(problem.hypotheses())
        except Exception:  # the figure is optional; the document must not fail
            hyps = []
    others = sorted(L.free_symbols - {param}, key=lambda s: s.name)
    values = sample_values(others, [h for h in hyps if param not in getattr(h, "free_symbols", ())], fixed)
    if values is None:
        return ""
    grad = None
    if hasattr(problem, "grad"):
        try:
            grad = problem.grad(param)
        except Exception:  # fall back to differentiating here
            grad = None
    flat = _flat_slice(L, grad, param, values)
    if flat and not isinstance(mark, (tuple, list)) and mark is not None:
        other = _reslice(L, grad, param, mark, values, fixed, hyps)
        if other:
            return other
    return figure_latex(L, param, values, grad=grad, mark=mark, hypotheses=hyps, support=_support(claim, param))


def _prediction_figure(problem: Any, fixed: Mapping, claim: Any) -> str:
    """For a claim about ``∂L/∂ŷ``: the loss ``ℓ(ŷ, y)`` and its derivative
    against the prediction ``ŷ`` (not against a weight, which the claim is not about)."""
    loss = getattr(problem, "loss", None)
    if not isinstance(loss, sp.Expr):
        return ""
    yhat = next((s for s in loss.free_symbols if s.name in ("yhat", "y_hat")), None)
    if yhat is None:
        return ""
    hyps = [h for h in (getattr(claim, "hypotheses", ()) or ()) if yhat not in getattr(h, "free_symbols", ())]
    others = sorted(loss.free_symbols - {yhat}, key=lambda s: s.name)
    by_name = {getattr(k, "name", str(k)): v for k, v in dict(fixed).items()}
    values = sample_values(others, [h for h in hyps if getattr(h, "free_symbols", set()) <= set(others)],
                           {s: by_name[s.name] for s in others if s.name in by_name})
    if values is None:
        return ""
    p = SymlossLatexPrinter()
    fixed_tex = ", ".join("$%s = %s$" % (p.doprint(k), p.doprint(v)) for k, v in values.items())
    cap = (r"The loss $\ell(\hat{y}, y)$ and $\partial \ell/\partial \hat{y}$ against the prediction $\hat{y}$%s "
           r"(the claim is about the derivative in $\hat{y}$)." % ((" with " + fixed_tex) if fixed_tex else ""))
    mark = by_name.get(yhat.name)
    return figure_latex(loss, yhat, values, mark=mark, caption=cap, grad_label=r"$\partial \ell / \partial \hat{y}$",
                        loss_label=r"$\ell$")


def _flat_slice(L: sp.Expr, grad: Any, param: sp.Symbol, values: Mapping) -> bool:
    """Whether, with the other symbols at ``values``, neither ``L`` nor its
    derivative depends on ``param`` (the figure along ``param`` would be two
    flat lines)."""
    g = grad if isinstance(grad, sp.Expr) else derivative(L, param)
    try:
        return param not in L.subs(dict(values)).free_symbols and param not in g.subs(dict(values)).free_symbols
    except Exception:  # undecidable here: draw the ordinary figure
        return False


def _reslice(L: sp.Expr, grad: Any, param: sp.Symbol, at: Any, values: Mapping, fixed: Mapping,
             hyps: Sequence) -> str:
    """The figure of ``L`` and ``∂L/∂param`` against another variable of the
    counterexample, ``param`` held at its value there, when along ``param``
    both curves are flat: along the variable whose value flattens them, the
    reader sees why (``∂L/∂w = x⋅(ŷ − y)`` vanishes at ``x = 0``)."""
    g = grad if isinstance(grad, sp.Expr) else derivative(L, param)
    p = SymlossLatexPrinter()
    for s in sorted(fixed, key=lambda q: (q.name != "x", q.name)):
        rest = {k: v for k, v in values.items() if k != s}
        rest[param] = at
        L_s, g_s = L.subs(rest), g.subs(rest)
        if s not in (L_s.free_symbols | g_s.free_symbols) or (L_s.free_symbols | g_s.free_symbols) - {s}:
            continue
        pn, sn = p.doprint(param), p.doprint(s)
        others = ", ".join("$%s = %s$" % (p.doprint(k), p.doprint(v)) for k, v in rest.items())
        cap = (r"$L$ and $\partial L/\partial %s$ against $%s$, at %s. Along $%s$ both would be flat at the "
               "counterexample: with $%s = %s$ the loss does not depend on $%s$. Varying $%s$ instead shows "
               "why; the cross marks $%s = %s$." % (pn, sn, others, pn, sn, p.doprint(values[s]), pn, sn, sn,
                                                    p.doprint(values[s])))
        fig = figure_latex(L_s, s, {}, grad=g_s, mark=values[s],
                           hypotheses=[h for h in hyps if getattr(h, "free_symbols", set()) <= {s}],
                           caption=cap, grad_label=r"$\partial L / \partial %s$" % pn, optimum=False)
        if fig:
            return fig
    return ""


def _support(claim: Any, param: Any) -> tuple | None:
    """Where a correlation claim draws ``param`` from: ``(lo, hi)`` of a
    uniform distribution, mean ± 2 standard deviations of a normal one."""
    from .statement import display_claim

    formula = display_claim(getattr(claim, "text", claim), None)  # as written: a closed form replaced corr
    if not isinstance(formula, sp.Basic):
        return None
    for t in sp.preorder_traversal(formula):
        if type(t).__name__ in ("Corr", "CorrD") and len(t.args) > 3 and getattr(t.args[2], "name", None) == getattr(param, "name", ""):
            dist = t.args[3]
            try:
                lo, hi = (float(v) for v in dist.args[:2])
            except (TypeError, ValueError):
                return None
            if type(dist).__name__ in ("UniformDist", "UniformD"):
                return (lo, hi)
            if type(dist).__name__ in ("NormalDist", "NormalD"):
                return (lo - 2 * hi, lo + 2 * hi)
    return None


# --------------------------------------------------------------------------
# documents


def _pdf_string(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9 .,:;()+=*!?@/-]", " ", text).strip() or "claim"


def file_prose(path: str | Path) -> str:
    r"""The prose that opens a conjecture file: its first block of ``#``
    comment lines (up to the first blank or non-comment line), joined into
    paragraphs; ``""`` when the file opens otherwise or cannot be read.

    >>> import tempfile, os
    >>> with tempfile.NamedTemporaryFile('w', suffix='.toml', delete=False) as fh:
    ...     _ = fh.write('# Two lines of\n# prose.\n\n# not this\n[[claim]]\n')
    >>> file_prose(fh.name)
    'Two lines of prose.'
    >>> os.unlink(fh.name)
    """
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return ""
    words = []
    for line in lines:
        stripped = line.strip()
        if not stripped.startswith("#"):
            break
        words.append(stripped.lstrip("#").strip())
    return " ".join(w for w in words if w)


def build_document(results: Any, *, title: str = "symloss report", derivations: Iterable[Any] = ()) -> str:
    r"""A standalone LaTeX document (ASCII) with one section per result:
    the claim, the verdict, the proof or counterexample, and a figure when
    the problem is known.  ``results`` may be Result objects, runner rows
    (``symloss.runner`` reports: name, file and problem come from the spec),
    ``(name, result)`` or ``(name, result, problem)`` tuples, or a mapping
    name → result;
    ``derivations`` (from ``Problem.derivation``) get sections of their own.

    >>> from types import SimpleNamespace as NS
    >>> doc = build_document([("c1", NS(verdict='unknown', claim='L >= 0', reason='no tactic'))])
    >>> doc.startswith(r'\documentclass') and doc.rstrip().endswith(r'\end{document}')
    True
    """
    entries = _entries(results)
    counts = {v: sum(1 for e in entries if str(getattr(e.result, "verdict", "")) == v) for v in ("proved", "refuted", "unknown")}
    body = [PREAMBLE.rstrip(), r"\title{%s}" % escape_text(title), r"\date{}", r"\begin{document}", r"\maketitle"]
    if entries:
        body.append("%d claim%s: %d proved, %d refuted, %d unknown." % (
            len(entries), "" if len(entries) == 1 else "s", counts["proved"], counts["refuted"], counts["unknown"]))
        body.append(r"\begin{itemize}")
        for k, e in enumerate(entries, 1):
            body.append(r"\item \hyperref[claim:%d]{%s}: %s" % (k, escape_text(e.name), escape_text(getattr(e.result, "verdict", "unknown"))))
        body.append(r"\end{itemize}")
    last_file = None
    for k, e in enumerate(entries, 1):
        if e.file and e.file != last_file:  # a new conjecture file: its opening prose introduces its claims
            last_file = e.file
            prose = file_prose(e.file)
            if prose:
                shown = escape_text(_shown_path(e.file))
                body.append(r"\section*{\texorpdfstring{%s}{%s}}" % (shown, _pdf_string(_shown_path(e.file))))
                body.append(escape_text(prose))
        body.append(r"\section{\texorpdfstring{%s}{%s}}\label{claim:%d}" % (escape_text(e.name), _pdf_string(e.name), k))
        if e.file:
            body.append(r"\noindent\textit{from %s}" % escape_text(_shown_path(e.file)))
            body.append("")
        try:
            prob = _entry_problem(e)
        except Exception:  # a problem that cannot be rebuilt: the section goes without its setting
            prob = None
        try:
            body.append(result_latex(e.result, problem=prob))
        except Exception as exc:  # one unrenderable result must not cost the whole document
            body.append(r"\paragraph{Verdict: %s.} \textit{(this result could not be rendered: %s)}" % (
                escape_text(getattr(e.result, "verdict", "unknown")), escape_text("%s: %s" % (type(exc).__name__, exc))))
        try:
            fig = _result_figure(e.result, prob)
        except Exception as exc:  # a figure must never break the document
            fig = "%% no figure: %s" % _pdf_string(str(exc))
        if fig:
            body.append(fig)
    for d in derivations:
        param = getattr(d, "param", None)
        name = SymlossLatexPrinter().doprint(param) if isinstance(param, sp.Basic) else "?"
        body.append(r"\section{\texorpdfstring{Derivation of $\partial L/\partial %s$}{Derivation of dL/d%s}}" % (name, _pdf_string(str(param))))
        body.append(derivation_latex(d))
    body.append(r"\end{document}")
    return _wrap_source(unsized_inline("\n\n".join(body)) + "\n")


_INLINE_MATH = re.compile(r"(?<![\\$])\$(?!\$)((?:[^$\\]|\\.)+?)\$")
_SIZED = re.compile(r"\\(left|right)(?![A-Za-z])\s*(\\[{}|]|\\[A-Za-z]+|[()\[\]|.])")


def unsized_inline(text: str) -> str:
    r"""Inline formulas without ``\left``/``\right``: TeX cannot break a
    line inside a ``\left(...\right)`` group, so a long one sticks out of
    the margin; plain brackets let the line break at any ``+`` or ``=``.
    (Fractions are never set inline, so nothing needs the tall brackets.)

    >>> unsized_inline(r"so $\left(a + b\right) \left|c\right| > 0$ and \[ \left(x\right) \]")
    'so $(a + b) |c| > 0$ and \\[ \\left(x\\right) \\]'
    """
    def fix(m):
        body = _SIZED.sub(lambda k: "" if k.group(2) == "." else k.group(2), m.group(1))
        return "$%s$" % body

    return _INLINE_MATH.sub(fix, text)


def _wrap_source(text: str, width: int = 200) -> str:
    """Break source lines longer than ``width`` at spaces (a newline is a
    space to TeX), so no line overflows TeX's input buffer."""
    out = []
    for line in text.split("\n"):
        while len(line) > width:
            cut = line.rfind(" ", width // 2, width)
            if cut < 0:
                cut = line.find(" ", width)
            if cut < 0:
                break
            out.append(line[:cut])
            line = line[cut + 1 :]
        out.append(line)
    return "\n".join(out)


def write_atomic(path: str | os.PathLike, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same
    directory and ``os.replace``: readers see the old file or the whole new
    one, never a truncated file.

    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     write_atomic(pathlib.Path(d) / 'a.tex', 'x')
    ...     (pathlib.Path(d) / 'a.tex').read_text()
    'x'
    """
    _replace_with(Path(path), lambda f: f.write(text.encode("utf-8")))


def _replace_with(path: Path, fill) -> None:
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise InvalidArgument("cannot write %s: the directory %s does not exist" % (path, directory))
    fd, tmp = tempfile.mkstemp(prefix="." + path.name + ".", suffix=".tmp", dir=directory)
    try:
        try:  # mkstemp makes 0600 files: give the new file the mode a plain open() would
            mode = path.stat().st_mode & 0o777
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp, mode)
        with os.fdopen(fd, "wb") as f:
            fill(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def _log_tail(log: str, lines: int = 25) -> str:
    text = log.splitlines()
    errs = [i for i, line in enumerate(text) if line.startswith("!")]
    start = max(0, (errs[0] - 2) if errs else len(text) - lines)
    return "\n".join(text[start : start + lines])


def compile_pdf(tex_path: str | os.PathLike, pdf_path: str | os.PathLike, *, timeout: float | None = None) -> None:
    """Typeset ``tex_path`` with ``pdflatex -interaction=nonstopmode
    -halt-on-error -no-shell-escape`` in a temporary directory (rerun when
    references changed) and move the PDF atomically to ``pdf_path``.

    Raises :class:`ToolMissing` when pdflatex is not installed and
    :class:`SymlossError` with the end of the log when compilation fails or
    takes longer than ``timeout`` seconds (by default 120 s plus 1 s per 2 kB
    of source: a 57-claim document takes three runs of about 50 s each on a
    busy machine); ``pdf_path`` is then untouched.
    """
    exe = shutil.which("pdflatex")
    if exe is None:
        raise ToolMissing("pdflatex is not installed (needed to write %s); install TeX Live, "
                          "e.g. apt-get install texlive-latex-base texlive-pictures" % os.fspath(pdf_path))
    tex_path, pdf_path = Path(tex_path), Path(pdf_path)
    if timeout is None:
        timeout = 120 + tex_path.stat().st_size / 2000 if tex_path.exists() else 120
    deadline = time.monotonic() + timeout
    env = dict(os.environ, openout_any="p", shell_escape="f")
    with tempfile.TemporaryDirectory(prefix="symloss-tex-") as tmp:
        work = Path(tmp)
        shutil.copyfile(tex_path, work / "document.tex")
        for _ in range(3):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise SymlossError("pdflatex timed out after %g s on %s" % (timeout, tex_path))
            try:
                proc = subprocess.run(
                    [exe, "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", "document.tex"],
                    cwd=work, env=env, stdin=subprocess.DEVNULL, capture_output=True, timeout=remaining,
                )
            except subprocess.TimeoutExpired:
                raise SymlossError("pdflatex timed out after %g s on %s" % (timeout, tex_path)) from None
            log_file = work / "document.log"
            log = log_file.read_text(errors="replace") if log_file.exists() else proc.stdout.decode(errors="replace")
            if proc.returncode != 0:
                raise SymlossError("pdflatex failed on %s (exit code %d):\n%s" % (tex_path, proc.returncode, _log_tail(log)))
            if "Rerun to get" not in log and "Label(s) may have changed" not in log:
                break
        pdf = work / "document.pdf"
        if not pdf.exists():
            raise SymlossError("pdflatex produced no PDF for %s:\n%s" % (tex_path, _log_tail(log)))
        _replace_with(pdf_path, lambda f: f.write(pdf.read_bytes()))


def write_document(results: Any, tex_path: str | os.PathLike | None = None, pdf_path: str | os.PathLike | None = None,
                   *, title: str = "symloss report", timeout: float | None = None) -> str:
    """Build the document, write it atomically to ``tex_path`` (when given)
    and typeset it to ``pdf_path`` (when given); returns the LaTeX source.
    This is what ``symloss check PATH --latex OUT.tex --pdf OUT.pdf`` calls;
    ``timeout`` bounds pdflatex (default: :func:`compile_pdf`'s, which grows
    with the document).
    """
    text = build_document(results, title=title)
    if pdf_path is not None and shutil.which("pdflatex") is None:
        # fail before writing anything
        raise ToolMissing("pdflatex is not installed (needed to write %s); install TeX Live, "
                          "e.g. apt-get install texlive-latex-base texlive-pictures" % os.fspath(pdf_path))
    for target in (tex_path, pdf_path):  # refuse before writing anything
        if target is not None and not (Path(target).parent if str(Path(target).parent) else Path(".")).is_dir():
            raise InvalidArgument("cannot write %s: the directory %s does not exist" % (target, Path(target).parent))
    if tex_path is not None:
        write_atomic(tex_path, text)
    if pdf_path is not None:
        if tex_path is not None:
            compile_pdf(tex_path, pdf_path, timeout=timeout)
        else:
            with tempfile.TemporaryDirectory(prefix="symloss-doc-") as tmp:
                src = Path(tmp) / "document.tex"
                src.write_text(text, encoding="utf-8")
                compile_pdf(src, pdf_path, timeout=timeout)
    return text


def _shown_path(path) -> str:
    """A conjecture file's path as the reader typed it: relative to the
    working directory when it lies below it."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)
