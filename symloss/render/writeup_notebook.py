r"""The short MathJax forms behind Jupyter's ``_repr_latex_``: a result
(verdict, the claim as typeset mathematics, the counterexample with both
sides evaluated, or the reason) and a problem (``L`` and its gradients).

They use no environment beyond ``aligned`` and no package beyond amsmath, so
they render in MathJax and compile in a minimal LaTeX document.  The full
write-ups are in :mod:`symloss.render.writeup`; the functions here are importable
from there and from :mod:`symloss.render.latex` as well.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import sympy as sp

from .latex import SymlossLatexPrinter
from .writeup import _exact_tools, _label_latex, _value_latex, _verdict

__all__ = ["result_repr_latex", "problem_repr_latex", "relation_repr_latex", "abbreviate", "MAX_REPR", "MAX_PART"]


#: Longest ``_repr_latex_`` formula shown in full (characters of LaTeX);
#: longer ones are abbreviated (:func:`abbreviate`) or replaced by the claim as written.
MAX_REPR = 1200
#: Longest single formula (or named sub-expression) in a ``_repr_latex_`` row.
MAX_PART = 240
#: Longest exact value in a counterexample row; longer ones show their decimal value.
MAX_VALUE = 80
#: Longest formula worth abbreviating (characters of LaTeX): beyond it the claim as written is shown.
MAX_ABBREVIATE = 8000
_NAMES = ("A", "B", "C", "D", "E", "F", "G", "H")


def _subterms(expr: sp.Basic, counts: dict) -> dict:
    """Add the proper non-atomic sub-expressions of ``expr`` to ``counts`` (occurrences)."""
    for s in sp.preorder_traversal(expr):
        if s is expr or s.is_Atom or not isinstance(s, sp.Expr) or isinstance(s, sp.Dummy):
            continue
        counts[s] = counts.get(s, 0) + 1
    return counts


def abbreviate(expr: sp.Basic, limit: int = MAX_PART) -> tuple[str, list[tuple[str, str]]]:
    r"""LaTeX of ``expr`` with long sub-expressions named
    :math:`\mathcal{A}, \mathcal{B}, …` and each defined once, so that no
    part is longer than ``limit`` characters: ``(tex, [(name, definition)])``.
    The longest part is cut first, by naming a sub-expression that occurs
    more than once if there is one, else its largest sub-expression that fits
    (the main formula may be half as long again); a part still too long after
    eight names is elided with a note of its length.

    >>> x = sp.Symbol('x', real=True)
    >>> s = sum(x**k / (k + 1) for k in range(12))
    >>> tex, defs = abbreviate(sp.sin(s) * sp.cos(s) + sp.tanh(s), limit=180)
    >>> tex, [name for name, _ in defs]
    ('\\sin\\left(\\mathcal{A} \\right) \\cos\\left(\\mathcal{A} \\right) + \\tanh\\left(\\mathcal{A} \\right)', ['\\mathcal{A}'])
    """
    names: dict = {}
    parts: list = [(None, expr)]  # (name symbol or None for the whole, expression)

    def tex_of(e):
        return SymlossLatexPrinter({"symbol_names": names}).doprint(e)

    def room(n):  # the main formula may be a little longer than a definition
        return limit if n is not None else limit * 3 // 2

    for name in _NAMES:
        lengths = [len(tex_of(e)) for _, e in parts]
        worst = max(range(len(parts)), key=lambda k: lengths[k] / room(parts[k][0]))
        if lengths[worst] <= room(parts[worst][0]):
            break
        counts: dict = {}
        for _, e in parts:
            _subterms(e, counts)
        inside = _subterms(parts[worst][1], {})
        if not inside:
            break
        ratio = lengths[worst] / max(1, len(str(parts[worst][1])))  # LaTeX characters per str character
        size = {t: len(str(t)) * ratio for t in inside}
        # naming a short term saves nothing, unless it occurs many times
        worth = [t for t in inside if size[t] >= limit / 6 or (size[t] >= 12 and size[t] * (counts[t] - 1) >= limit / 3)]
        if not worth:
            break
        repeated = [t for t in worth if counts[t] > 1]
        fitting = [t for t in worth if size[t] <= limit]
        if repeated:
            pick = max(repeated, key=lambda t: size[t] * (counts[t] - 1))
        else:
            pick = max(fitting or worth, key=lambda t: size[t])
        sym = sp.Dummy(name)
        names[sym] = r"\mathcal{%s}" % name
        parts = [(n, e.xreplace({pick: sym})) for n, e in parts] + [(sym, pick)]
    out = []
    for n, e in parts:
        body = tex_of(e)
        if len(body) > room(n):
            body = r"\ldots\ \text{(a formula of %d characters, not shown)}" % len(body)
        out.append((names.get(n), body))
    return out[0][1], out[1:]


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
    defs: list = []
    written_out = False
    if body is None and isinstance(formula, sp.Basic) and formula not in (sp.true, sp.false):
        body, written_out = p.doprint(formula), True
        if MAX_PART < len(body) <= MAX_ABBREVIATE:  # long: name its sub-expressions
            body, defs = abbreviate(formula)
            if r"\ldots" in body:  # still too long: the claim as written, below
                body, defs = None, []
        elif len(body) > MAX_ABBREVIATE:
            body = None
    if body is None or len(body) > MAX_REPR:
        shown = str(text if text is not None else claim)
        body = r"\text{%s}" % _mathjax_text(shown if len(shown) <= 100 else shown[:97] + "...")
        if isinstance(formula, sp.Basic):
            body += r"\;\text{(expanded formula of %d characters omitted)}" % len(p.doprint(formula))
    elif not written_out and isinstance(formula, sp.Basic) and formula not in (sp.true, sp.false) \
            and len(p.doprint(formula)) > MAX_REPR:
        body += r"\quad\text{(written out: %d characters of formula, omitted)}" % len(p.doprint(formula))
    rows = [r"\text{%s: }\; %s" % (_mathjax_text(verdict), body)]
    rows += [r"\quad %s = %s" % d if k else r"\text{where }\; %s = %s" % d for k, d in enumerate(defs)]
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


def _short_value(v: Any, p: SymlossLatexPrinter) -> str:
    """An exact value with its decimal; a long closed form as its decimal
    value only, with the length of what is left out."""
    tex = _value_latex(v, p)
    if len(tex) <= MAX_VALUE:
        return tex
    if isinstance(v, sp.Basic) and v.is_number:
        try:
            approx = sp.N(v, 6)
            if approx.is_real:
                return r"\approx %s\ \text{(exact form: %d characters)}" % (p.doprint(approx), len(p.doprint(v)))
        except Exception:  # no decimal: elided with a note
            pass
    return r"\ldots\ \text{(%d characters)}" % len(tex)


def _repr_counterexample(cx: Any, claim: Any, p: SymlossLatexPrinter) -> str:
    """``counterexample: b = 1, x = 0;  left side = 1 ≈ 1.0, right side = 0``."""
    values = dict(getattr(cx, "values", None) or {})
    parts = ["%s = %s" % (_label_latex(k, p), _short_value(v, p)) for k, v in values.items()]
    pair = getattr(cx, "pair", None)
    if pair:
        parts.append(r"%s \in \left\{%s, %s\right\}" % (p.doprint(pair[0]), _short_value(pair[1], p),
                                                         _short_value(pair[2], p)))
    out = r"\text{counterexample: }\; " + r",\ ".join(parts)
    expl = str(getattr(cx, "explanation", "") or "")
    ratio = _repr_ratio(claim, values, pair, p) if pair else None
    if ratio and len(ratio) <= MAX_PART:
        out += r" \\ & " + ratio
    elif pair and expl:
        out += r" \\ & " + _explanation_tex(getattr(cx, "explanation", ""), p)
    own = _sides(claim, values, p) if not pair else None
    if own:
        out += r" \\ & " + own
    return out if len(out) <= MAX_REPR else r"\text{counterexample: %s}" % _mathjax_text(
        getattr(cx, "describe", lambda: "see the document")()[:100])


def _sides(claim: Any, values: Mapping, p: SymlossLatexPrinter) -> str:
    """``left side = 1/2 ≈ 0.5, right side = 0`` (long values by their decimals), or ``""``."""
    tools = _exact_tools()
    formula = getattr(claim, "formula", None)
    if tools is None or not values or not isinstance(formula, sp.core.relational.Relational):
        return ""
    if any(type(a).__name__ in ("ArgMin", "Corr") for a in sp.preorder_traversal(formula)):
        return ""
    substitute, _ = tools
    try:
        lhs, rhs = substitute(formula.lhs, values), substitute(formula.rhs, values)
    except Exception:  # the evaluation is a courtesy; the verdict was checked elsewhere
        return ""
    if lhs.free_symbols or rhs.free_symbols:
        return ""
    return r"\text{left side} = %s,\ \text{right side} = %s" % (_short_value(lhs, p), _short_value(rhs, p))


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


def relation_repr_latex(rel: Any) -> str:
    r"""Jupyter's form of a :class:`symloss.engine.relate.Relation`: ``∂L/∂w``
    (or its magnitude) as a function of ``L``, or why none exists.

    >>> from types import SimpleNamespace as NS
    >>> w, L = sp.symbols('w L', real=True)
    >>> relation_repr_latex(NS(param=w, status='proved', absolute=False, expr=2*L))
    '$\\frac{\\partial L}{\\partial w} = 2 L$'
    """
    p = SymlossLatexPrinter()
    d = r"\frac{\partial L}{\partial %s}" % p.doprint(rel.param)
    if rel.status == "proved":
        lhs = r"\left|%s\right|" % d if rel.absolute else d
        if rel.expr is None:
            return r"$%s = h(L) \text{ for a nondecreasing } h$" % lhs
        return "$%s = %s$" % (lhs, p.doprint(rel.expr))
    if rel.status == "refuted":
        ce = rel.counterexample
        var, a, b = ce.pair
        vals = ", ".join(r"%s = %s" % (p.doprint(k), _short_value(v, p)) for k, v in
                         sorted(ce.values.items(), key=lambda kv: str(kv[0])))
        return (r"$\text{no function of } L \text{ gives } %s\text{: at } %s,\ %s \in \{%s, %s\}"
                r"\text{ the loss is equal but } |%s| \text{ differs}$") % (
            d, vals or r"\text{any values}", p.doprint(var), p.doprint(a), p.doprint(b), d)
    return r"$\text{unknown: no relation found for } %s$" % d


def _explanation_tex(expl: Any, p: SymlossLatexPrinter) -> str:
    """An engine explanation for MathJax: its formulas typeset when it keeps
    them as expressions and the whole stays short, else its text (cut at 70
    characters)."""
    parts = getattr(expl, "parts", None)
    if not isinstance(parts, tuple):
        text = str(expl)
        return _text_tex(text if len(text) <= 70 else text[:67] + "...")
    out = ""
    for t in parts:  # formulas typeset, words as text, cut with "..." where the cell would overflow
        piece = _text_tex(t) if isinstance(t, str) else p.doprint(t)
        if len(out) + len(piece) > MAX_PART:
            return out + r"\text{ ...}"
        out += piece
    return out


def _text_tex(s: str) -> str:
    """Words for MathJax and pdflatex alike: ASCII runs in ``\\text{}``, the
    notation's symbols (ŷ, ⋅, ², ≤, ∂, Greek) as math commands."""
    from .latex_text import _UNICODE_MATH, _greek_command

    out, run = [], ""
    for ch in s:
        if ord(ch) < 128:
            run += ch
            continue
        if run:
            out.append(r"\text{%s}" % _mathjax_text(run))
            run = ""
        cmd = _UNICODE_MATH.get(ch) or _greek_command(ch)
        out.append(" %s " % cmd if cmd else r"\text{?}")
    if run:
        out.append(r"\text{%s}" % _mathjax_text(run))
    return "".join(out)


def _mathjax_text(s: str) -> str:
    return re.sub(r"[\\{}$&#^_%~]", lambda m: "\\" + m.group() if m.group() in "{}$&#_%" else " ", s)
