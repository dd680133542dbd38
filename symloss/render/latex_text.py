r"""LaTeX as text: safe text, widths and line breaking, for every printer.

* :func:`escape_text` makes user text (claim names, reasons) safe in text
  mode: it can never inject a command.
* :func:`math_block` displays an expression printed by the printer it is
  given, breaking long formulas at top-level ``+``/``-`` terms in
  ``multline*``; :func:`visible_width`, :func:`_stacked` and
  :func:`omitted_formula` measure and replace what is printed.

Nothing here knows the printer's class: the step printers
(:mod:`symloss.render.latex_steps` and its siblings) pass themselves, and
:func:`symloss.render.latex.math_block` supplies
:class:`~symloss.render.latex.SymlossLatexPrinter` when no printer is given.
So the printer's mixins and the printer itself can all import this module.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import sympy as sp
from sympy.printing.latex import LatexPrinter, translate

__all__ = ["escape_text", "visible_width", "omitted_formula", "math_block", "MAX_FORMULA"]


# --------------------------------------------------------------------------
# text escaping

_TEXT_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "#": r"\#",
    "^": r"\textasciicircum{}",
    "_": r"\_",
    "%": r"\%",
    "~": r"\textasciitilde{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
    "\n": " ",
    "\r": " ",
    "\t": " ",
}

#: Unicode mathematical characters that turn up in reasons ("σ ∈ (0, 1)").
_UNICODE_MATH = {
    "≤": r"\leq", "≥": r"\geq", "≠": r"\neq", "±": r"\pm", "∓": r"\mp",
    "→": r"\to", "←": r"\leftarrow", "⇒": r"\Rightarrow", "⇔": r"\Leftrightarrow",
    "↦": r"\mapsto", "∞": r"\infty", "∈": r"\in", "∉": r"\notin", "∂": r"\partial",
    "∇": r"\nabla", "∑": r"\sum", "∏": r"\prod", "√": r"\surd", "×": r"\times",
    "·": r"\cdot", "⋅": r"\cdot", "−": "-", "ℝ": r"\mathbb{R}", "ℤ": r"\mathbb{Z}",
    "ℕ": r"\mathbb{N}", "ℚ": r"\mathbb{Q}", "∀": r"\forall", "∃": r"\exists",
    "¬": r"\neg", "∧": r"\wedge", "∨": r"\vee", "≈": r"\approx", "≡": r"\equiv",
    "⊂": r"\subset", "⊆": r"\subseteq", "∪": r"\cup", "∩": r"\cap", "∅": r"\emptyset",
    "′": r"\prime", "∘": r"\circ", "∝": r"\propto", "∎": r"\blacksquare",
    "⊤": r"\top", "⊥": r"\bot", "∖": r"\setminus", "≔": r":=", "ŷ": r"\hat{y}",
    "²": r"^{2}", "³": r"^{3}", "½": r"\tfrac{1}{2}", "¼": r"\tfrac{1}{4}",
}
_UNICODE_TEXT = {
    "…": r"\ldots{}", "–": r"\textendash{}", "—": r"\textemdash{}", "‘": "'", "’": "'", "“": "\"",
    "”": "\"", "•": r"\textbullet{}", "\u00a0": " ",
}


def _greek_command(ch: str) -> str | None:
    """``\\theta`` for ``θ`` (and ``\\Theta`` for ``Θ``); None for non-Greek."""
    try:
        name = unicodedata.name(ch)
    except ValueError:
        return None
    m = re.fullmatch(r"GREEK (SMALL|CAPITAL) LETTER ([A-Z]+)", name)
    if not m:
        return None
    word = m.group(2).lower()
    word = {"lamda": "lambda", "omicron": "o"}.get(word, word)
    if m.group(1) == "CAPITAL":
        word = word.capitalize()
    tex = translate(word)
    return tex if tex.startswith("\\") else word


def escape_text(text: Any) -> str:
    r"""Text-mode LaTeX for arbitrary user text: every special character is
    escaped, so the result can never run a command; Greek letters and common
    mathematical symbols become math, other non-ASCII characters are shown
    as ``[U+XXXX]``.

    >>> escape_text(r"\input{/etc/passwd} 100% & $x_1$")
    '\\textbackslash{}input\\{/etc/passwd\\} 100\\% \\& \\$x\\_1\\$'
    >>> escape_text("σ(z) ∈ (0, 1)")
    '$\\sigma$(z) $\\in$ (0, 1)'
    """
    out = []
    for ch in str(text):
        if ch in _TEXT_ESCAPES:
            out.append(_TEXT_ESCAPES[ch])
        elif ord(ch) < 128:
            out.append(ch if ch.isprintable() else " ")
        elif ch in _UNICODE_MATH:
            out.append("$%s$" % _UNICODE_MATH[ch])
        elif ch in _UNICODE_TEXT:
            out.append(_UNICODE_TEXT[ch])
        elif (greek := _greek_command(ch)) is not None:
            out.append("$%s$" % greek)
        elif unicodedata.category(ch).startswith("L") and unicodedata.normalize("NFKD", ch)[0].isascii():
            # accented Latin letter: keep the base letter (pdflatex-safe)
            out.append(unicodedata.normalize("NFKD", ch)[0])
        else:
            out.append("[U+%04X]" % ord(ch))
    # break TeX's text ligatures so "a--b", "''" and "!`" print as typed
    text = "".join(out)
    for pair in ("--", "''", "``", "!`", "?`"):
        while pair in text:
            text = text.replace(pair, pair[0] + "{}" + pair[1])
    return text


# --------------------------------------------------------------------------
# line breaking

_WIDTH = 64  # visible characters that fit on one display line (roughly)
_ZERO_WIDTH = re.compile(r"\\(left|right|bigl|bigr|Bigl|Bigr|operatorname\*?|mathrm|mathit|mathbf|text|hat|bar|tilde|frac|tfrac|quad|qquad|,|;|:|!)|[{}\s]")
_COMMAND = re.compile(r"\\[A-Za-z]+")


def visible_width(tex: str) -> int:
    r"""A rough count of the characters a formula occupies when typeset.

    >>> visible_width(r"\left(\sigma\left(w x\right) - y\right)")
    9
    """
    tex = _ZERO_WIDTH.sub("", tex)
    tex = _COMMAND.sub("c", tex)
    return len(tex)


_REL_TEX = {"==": "=", ">": ">", "<": "<", ">=": r"\geq", "<=": r"\leq", "!=": r"\neq"}


def _pieces(expr: Any, p: LatexPrinter) -> list[str]:
    """Chunks of the formula between which a line may break."""
    if isinstance(expr, sp.core.relational.Relational):
        lhs, rhs = _pieces(expr.lhs, p), _pieces(expr.rhs, p)
        rhs[0] = _REL_TEX[expr.rel_op] + " " + rhs[0]
        return lhs + rhs
    if type(expr).__name__ in ("NondecreasingFact", "ProportionalFact") and len(expr.args) == 3:
        a, bb, v = (p.doprint(e) for e in expr.args)
        lhs, rhs = _pieces(expr.args[0], p), _pieces(expr.args[1], p)
        if type(expr).__name__ == "ProportionalFact":
            rhs[0] = r"\propto_{%s} " % v + rhs[0]
            return lhs + rhs
        rhs[0] = r"\text{ is a nondecreasing function of } " + rhs[0]
        rhs[-1] += r" \text{ (over } %s\text{)}" % v
        return lhs + rhs
    if isinstance(expr, (sp.Implies, sp.Equivalent)) and len(expr.args) == 2:
        lhs, rhs = _pieces(expr.args[0], p), _pieces(expr.args[1], p)
        rhs[0] = (r"\Rightarrow " if isinstance(expr, sp.Implies) else r"\Leftrightarrow ") + rhs[0]
        return lhs + rhs
    if isinstance(expr, (sp.And, sp.Or)):
        op = r"\wedge" if isinstance(expr, sp.And) else r"\vee"
        out: list[str] = []
        args = sorted(expr.args, key=sp.default_sort_key)  # the order LatexPrinter uses
        for i, a in enumerate(args):
            sub = _pieces(a, p)
            if len(args) > 1 and isinstance(a, (sp.And, sp.Or)):
                sub = [r"\bigl(" + sub[0]] + sub[1:-1] + [sub[-1] + r"\bigr)"] if len(sub) > 1 else [r"\left(%s\right)" % sub[0]]
            if i:
                sub[0] = op + " " + sub[0]
            out += sub
        return out
    if isinstance(expr, sp.Add) and p.order in (None, "lex"):
        whole = p.doprint(expr)
        # split the printed sum at its top-level " + " / " - " separators
        return _split_top_level(whole)
    if isinstance(expr, sp.Mul):
        tex = p.doprint(expr)
        m = re.fullmatch(r"(.*?)\\left\((.*)\\right\)(.*)", tex)
        # the bracket must sit at the top level: not inside a \frac{...}{...} or
        # another group, where a line break would leave braces open
        if (m and _balanced(m.group(1)) and _balanced(m.group(2)) and _balanced(m.group(3))
                and len(_split_top_level(m.group(2))) > 1):
            inner = _split_top_level(m.group(2))
            inner[0] = m.group(1) + r"\bigl(" + inner[0]
            inner[-1] = inner[-1] + r"\bigr)" + m.group(3)
            return inner
        factors = _split_top_level_factors(tex)
        if len(factors) > 1:  # a long product: break between its bracketed factors
            return [factors[0]] + [r"\cdot " + f for f in factors[1:]]
    return [p.doprint(expr)]


def _split_top_level_factors(tex: str) -> list[str]:
    r"""Split a printed product after each top-level ``\right)`` that is
    followed by another factor (``\left(a\right) \left(b\right)``)."""
    out, start, depth, i = [], 0, 0, 0
    while i < len(tex):
        if tex.startswith("\\left", i) and not tex[i + 5 : i + 6].isalpha():
            depth += 1
            i += 5
            continue
        if tex.startswith("\\right", i) and not tex[i + 6 : i + 7].isalpha():
            depth -= 1
            i += 7  # past the delimiter
            if depth == 0 and tex.startswith(" ", i) and i + 1 < len(tex) and tex[i + 1] not in "+-=^_":
                out.append(tex[start:i])
                start = i + 1
            continue
        if tex[i] == "{":
            depth += 1
        elif tex[i] == "}":
            depth -= 1
        i += 1
    out.append(tex[start:])
    return [s.strip() for s in out if s.strip()]


def _balanced(tex: str) -> bool:
    depth = 0
    for tok in re.findall(r"\\left\b|\\right\b|\\begin\{|\\end\{|[{}]", tex):
        depth += 1 if tok in ("\\left", "\\begin{", "{") else -1
        if depth < 0:
            return False
    return depth == 0


def _split_top_level(tex: str) -> list[str]:
    """Split printed LaTeX at `` + `` / `` - `` outside every group."""
    out, start, depth, i = [], 0, 0, 0
    while i < len(tex):
        if tex.startswith("\\left", i) and not tex[i + 5 : i + 6].isalpha():
            depth += 1
            i += 5
            continue
        if tex.startswith("\\right", i) and not tex[i + 6 : i + 7].isalpha():
            depth -= 1
            i += 6
            continue
        if tex.startswith("\\begin{", i):
            depth += 1
        elif tex.startswith("\\end{", i):
            depth -= 1
        ch = tex[i]
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif depth == 0 and tex.startswith((" + ", " - "), i) and i > start:
            out.append(tex[start:i])
            start = i + 1
            i += 3
            continue
        i += 1
    out.append(tex[start:])
    return [s.strip() for s in out if s.strip()]


#: Formulas whose LaTeX is longer than this many characters are not typeset
#: (they would fill pages); see :func:`omitted_formula`.
MAX_FORMULA = 4000


def omitted_formula(tex: str, *, lead: str = "") -> str:
    r"""The display shown instead of a formula too long to typeset.

    >>> print(omitted_formula("x" * 5000))
    \[ \text{[a formula of 5000 characters of \LaTeX{}, too long to show]} \]
    """
    body = r"\text{[a formula of %d characters of \LaTeX{}, too long to show]}" % len(tex)
    return "\\[ %s%s \\]" % ((lead + " ") if lead else "", body)


_FRACTION = re.compile(r"\\[dt]?frac\{")
_NUMERIC_FRACTION = re.compile(r"\\[dt]?frac\{[^{}\\]{1,6}\}\{[^{}\\]{1,6}\}")


def _stacked(tex: str) -> bool:
    """Whether ``tex`` has a fraction other than a plain number (``1/2``),
    or cases: set in running text these become tiny, so they go on display."""
    return bool(_FRACTION.search(_NUMERIC_FRACTION.sub("", tex))) or r"\begin{" in tex


def math_block(expr: Any, *, printer: LatexPrinter, inline_ok: bool = False,
               width: int = _WIDTH, lead: str = "") -> str:
    r"""Display an expression (or a relation): ``\[ ... \]`` when it fits on
    a line, otherwise ``multline*`` broken at top-level ``+``/``-`` terms.
    With ``inline_ok`` a short formula is returned as ``$...$`` instead;
    ``lead`` is LaTeX put in front (``\frac{\partial L}{\partial w} =``).

    >>> x = sp.Symbol('x', real=True)
    >>> from sympy.printing.latex import LatexPrinter
    >>> math_block(x**2 + 1, printer=LatexPrinter(), inline_ok=True)
    '$x^{2} + 1$'
    >>> long = sum(sp.Symbol('a_%d' % k)*x**k for k in range(12))
    >>> math_block(long, printer=LatexPrinter()).startswith(r'\begin{multline*}')
    True
    """
    p = printer
    whole = p.doprint(expr) if not isinstance(expr, str) else expr
    if len(whole) > MAX_FORMULA:
        return omitted_formula(whole, lead=lead)
    if lead:
        whole = lead + " " + whole
    w = visible_width(whole)
    if inline_ok and w <= width // 2 and not _stacked(whole):
        return "$%s$" % whole
    if w <= width:
        return "\\[ %s \\]" % whole
    pieces = _pieces(expr, p) if not isinstance(expr, str) else _split_top_level(expr)
    if lead:
        pieces[0] = lead + " " + pieces[0]
    lines, cur = [], ""
    for piece in pieces:
        if cur and visible_width(cur + piece) > width:
            lines.append(cur)
            cur = piece
        else:
            cur = (cur + " " + piece) if cur else piece
    if cur:
        lines.append(cur)
    if len(lines) < 2:
        return "\\[ %s \\]" % whole
    return "\\begin{multline*}\n%s\n\\end{multline*}" % " \\\\\n".join(lines)
