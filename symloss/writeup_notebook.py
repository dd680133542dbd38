r"""The short MathJax forms behind Jupyter's ``_repr_latex_``: a result
(verdict, the claim as typeset mathematics, the counterexample with both
sides evaluated, or the reason) and a problem (``L`` and its gradients).

They use no environment beyond ``aligned`` and no package beyond amsmath, so
they render in MathJax and compile in a minimal LaTeX document.  The full
write-ups are in :mod:`symloss.writeup`; the functions here are importable
from there and from :mod:`symloss.latex` as well.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import sympy as sp

from .latex import SymlossLatexPrinter
from .writeup import _exact_tools, _label_latex, _sides_evaluation, _value_latex, _verdict

__all__ = ["result_repr_latex", "problem_repr_latex", "MAX_REPR"]


#: Longest ``_repr_latex_`` formula shown in full (characters of LaTeX);
#: longer ones are replaced by the claim as written.
MAX_REPR = 1200


def result_repr_latex(result: Any) -> str:
    r"""A short MathJax-friendly form for Jupyter's ``_repr_latex_`` (no
    environments beyond ``aligned``, no packages beyond amsmath): the verdict
    and the claim as typeset mathematics; for a refuted claim the
    counterexample with both sides evaluated exactly; for an undecided one
    the reason.  A huge formula is replaced by the claim as written.

    >>> from types import SimpleNamespace as NS
    >>> x = sp.Symbol('x', real=True)
    >>> result_repr_latex(NS(verdict='proved', claim=NS(formula=x**2 >= x)))
    '$\\displaystyle \\text{proved: }\\; x^{2} \\geq x$'
    """
    from .statement import display_claim, repr_claim_latex

    p = SymlossLatexPrinter()
    verdict = _verdict(result)
    claim = getattr(result, "claim", None)
    formula = getattr(claim, "formula", None)
    text = getattr(claim, "text", claim if isinstance(claim, str) else None)
    body = repr_claim_latex(display_claim(text, getattr(claim, "problem", None)), p) if isinstance(text, str) else None
    if body is None and isinstance(formula, sp.Basic) and formula not in (sp.true, sp.false):
        body = p.doprint(formula)
    if body is None or len(body) > MAX_REPR:
        shown = str(text if text is not None else claim)
        body = r"\text{%s}" % _mathjax_text(shown if len(shown) <= 100 else shown[:97] + "...")
        if isinstance(formula, sp.Basic):
            body += r"\;\text{(expanded formula of %d characters omitted)}" % len(p.doprint(formula))
    elif isinstance(formula, sp.Basic) and formula not in (sp.true, sp.false) and len(p.doprint(formula)) > MAX_REPR:
        body += r"\quad\text{(written out: %d characters of formula, omitted)}" % len(p.doprint(formula))
    rows = [r"\text{%s: }\; %s" % (_mathjax_text(verdict), body)]
    cx = getattr(result, "counterexample", None)
    if verdict == "refuted" and cx is not None:
        rows.append(_repr_counterexample(cx, claim, p))
    elif verdict == "unknown":
        reason = str(getattr(result, "reason", "") or "")
        if reason:
            rows.append(r"\text{%s}" % _mathjax_text(reason if len(reason) <= 100 else reason[:97] + "..."))
    rows = [r for r in rows if r]
    if len(rows) == 1:
        return r"$\displaystyle %s$" % rows[0]
    return r"$$\begin{aligned} & %s \end{aligned}$$" % r" \\ & ".join(rows)


def _repr_ratio(claim: Any, values: Mapping, pair: tuple, p: SymlossLatexPrinter) -> str | None:
    """``A/B = 2 at w = 1 but -2 at w = -1`` for a refuted proportional claim."""
    tools = _exact_tools()
    if tools is None or "proportional" not in type(claim).__name__.lower():
        return None
    substitute, truth = tools
    var, v1, v2 = pair
    try:
        r = []
        for v in (v1, v2):
            pt = {**dict(values), var: v}
            a, b = substitute(claim.a, pt), substitute(claim.b, pt)
            if truth(sp.Ne(b, 0, evaluate=False), {}) is not True:
                return None
            r.append(sp.simplify(a / b))
    except Exception:  # the courtesy line is left out
        return None
    vt = p.doprint(var)
    return r"\text{the ratio is } %s \text{ at } %s = %s \text{ but } %s \text{ at } %s = %s" % (
        _value_latex(r[0], p), vt, p.doprint(v1), _value_latex(r[1], p), vt, p.doprint(v2))


def _repr_counterexample(cx: Any, claim: Any, p: SymlossLatexPrinter) -> str:
    """``counterexample: b = 1, x = 0;  left side = 1 ≈ 1.0, right side = 0``."""
    values = dict(getattr(cx, "values", None) or {})
    parts = ["%s = %s" % (_label_latex(k, p), _value_latex(v, p)) for k, v in values.items()]
    pair = getattr(cx, "pair", None)
    if pair:
        parts.append(r"%s \in \left\{%s, %s\right\}" % (p.doprint(pair[0]), p.doprint(pair[1]), p.doprint(pair[2])))
    out = r"\text{counterexample: }\; " + r",\ ".join(parts)
    expl = str(getattr(cx, "explanation", "") or "")
    ratio = _repr_ratio(claim, values, pair, p) if pair else None
    if ratio:
        out += r" \\ & " + ratio
    elif pair and expl:
        out += r" \\ & \text{%s}" % _mathjax_text(expl if len(expl) <= 70 else expl[:67] + "...")
    own = _sides_evaluation(claim, values, p) if not pair else None
    if own is not None:
        m = re.findall(r"\\text\{(left|right) side\} &= ([^\n]*?)(?: \\\\)?\n", own[0] + "\n")
        if m:
            out += r";\quad " + r",\ ".join(r"\text{%s side} = %s" % (k, v) for k, v in m)
    return out if len(out) <= MAX_REPR else out[:0] + r"\text{counterexample: %s}" % _mathjax_text(
        getattr(cx, "describe", lambda: "see the document")()[:100])


def problem_repr_latex(problem: Any) -> str:
    r"""MathJax-friendly ``_repr_latex_`` for a problem: ``L`` and each
    ``∂L/∂θ`` in an ``aligned`` block (no packages beyond amsmath).

    >>> from types import SimpleNamespace as NS
    >>> w, x = sp.symbols('w x', real=True)
    >>> print(problem_repr_latex(NS(L=(w*x)**2, params=(w,), grad=lambda p: 2*w*x**2)))
    $$\begin{aligned} L &= w^{2} x^{2} \\ \frac{\partial L}{\partial w} &= 2 w x^{2} \end{aligned}$$
    """
    p = SymlossLatexPrinter()
    rows = ["L &= %s" % p.doprint(problem.L)]
    for prm in tuple(getattr(problem, "params", ()) or ()):
        try:
            g = problem.grad(prm)
        except Exception:  # the display is best effort; L alone still shows
            continue
        rows.append(r"\frac{\partial L}{\partial %s} &= %s" % (p.doprint(prm), p.doprint(g)))
    return r"$$\begin{aligned} %s \end{aligned}$$" % r" \\ ".join(rows)


def _mathjax_text(s: str) -> str:
    return re.sub(r"[\\{}$&#^_%~]", lambda m: "\\" + m.group() if m.group() in "{}$&#_%" else " ", s)
