r"""LaTeX for SymPy expressions in the notation of ML papers, safe text,
and line breaking.

Everything here returns LaTeX *fragments* (strings) that compile inside a
document loading ``amsmath``, ``amssymb`` and ``amsthm`` (see
:mod:`symloss.render.document` for the standalone document).

* :class:`SymlossLatexPrinter` prints SymPy expressions in ML notation
  (``yhat`` → :math:`\hat y`, ``delta_1`` → :math:`\delta_1`, ``w[j]`` →
  :math:`w_j`, residual-first ordering ``\sigma(w x + b) - y``); it inherits
  the proof-step printers from :class:`symloss.render.latex_steps.StepPrinterMixin`.
* :func:`latex` prints an expression; :func:`math_block` displays one,
  breaking long formulas at top-level ``+``/``-`` terms in ``multline*``.
* :func:`escape_text` makes user text (claim names, reasons) safe in text
  mode: it can never inject a command.

The write-ups live in two sibling modules and stay importable from here:
:func:`step_latex` and :func:`proof_latex` in :mod:`symloss.render.latex_steps`;
:func:`quantifier_latex`, :func:`claim_latex`, :func:`counterexample_latex`,
:func:`result_latex`, :func:`result_repr_latex`, :func:`problem_repr_latex`
and :func:`derivation_latex` in :mod:`symloss.render.writeup` (loaded on first use,
since that module imports this one).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

import sympy as sp
from sympy.printing.latex import LatexPrinter, translate

from .pretty import residual_first, residuals_forward
from .latex_certified import CertificatePrinterMixin
from .latex_kinks import KinkPrinterMixin
from .latex_minimisers import MinimiserPrinterMixin
from .latex_names import NamePrinterMixin
from .latex_relations import RelationPrinterMixin
from .latex_steps import StepPrinterMixin, proof_latex, step_latex

__all__ = [
    "SymlossLatexPrinter",
    "latex",
    "symbol_latex",
    "escape_text",
    "math_block",
    "visible_width",
    "omitted_formula",
    "quantifier_latex",
    "step_latex",
    "proof_latex",
    "claim_latex",
    "counterexample_latex",
    "result_latex",
    "result_repr_latex",
    "problem_repr_latex",
    "derivation_latex",
]

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
# symbol names

_MODIFIERS = {
    "hat": r"\hat{%s}", "bar": r"\bar{%s}", "tilde": r"\tilde{%s}",
    "dot": r"\dot{%s}", "ddot": r"\ddot{%s}", "vec": r"\vec{%s}",
    "star": r"%s^{*}", "prime": r"%s'", "opt": r"%s^{*}",
}
_ALIASES = {"lam": r"\lambda", "eps": r"\varepsilon", "epsilon": r"\varepsilon"}
_SIMPLE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*")


def _word_latex(word: str) -> str:
    """One name part: Greek name → command, ``yhat`` → ``\\hat{y}``, a
    single letter or a number as is, a longer word upright."""
    if word.isdigit() or (len(word) == 1 and word.isascii()):
        return word
    if word in _ALIASES:
        return _ALIASES[word]
    tex = translate(word)
    if tex != word:
        return tex
    return r"\mathrm{%s}" % word


def _fallback_name(name: str) -> str:
    parts = []
    for ch in name:
        if ch.isascii() and ch.isalnum():
            parts.append(ch)
        elif ch == "_":
            parts.append(r"\_")
        elif (greek := _greek_command(ch)) is not None:
            parts.append("{%s}" % greek)
        else:
            parts.append(r"{[U{+}%04X]}" % ord(ch))
    return r"\mathit{%s}" % "".join(parts)


def symbol_latex(name: str) -> str:
    r"""LaTeX for a symbol name in ML notation.

    >>> [symbol_latex(n) for n in ["yhat", "lambda", "delta_1", "x_i", "w12", "y_hat", "lr"]]
    ['\\hat{y}', '\\lambda', '\\delta_{1}', 'x_{i}', 'w_{12}', '\\hat{y}', '\\mathrm{lr}']
    >>> symbol_latex("x_{i}"), symbol_latex("_odd__name")
    ('x_{i}', '\\mathit{\\_odd\\_\\_name}')
    """
    m = re.fullmatch(r"([A-Za-z][A-Za-z0-9]*)_\{([A-Za-z0-9, ]+)\}", name)
    if m:  # the TeX-style name "x_{i}" or "w_{i, j}"
        name = m.group(1) + "_" + "_".join(p.strip() for p in m.group(2).split(",") if p.strip())
    if len(name) == 1 and not name.isascii():
        greek = _greek_command(name)
        if greek is not None:
            return greek
    if not _SIMPLE_NAME.fullmatch(name):
        return _fallback_name(name)
    base, *subs = name.split("_")
    digits = re.search(r"\d+$", base)
    if digits and digits.start() > 0:
        subs.insert(0, digits.group())
        base = base[: digits.start()]
    mods = [s for s in subs if s in _MODIFIERS]
    subs = [s for s in subs if s not in _MODIFIERS]
    tex = _word_latex(base)
    for mod in mods:
        tex = _MODIFIERS[mod] % tex
    if subs:
        sub = ", ".join(_word_latex(s) for s in subs)
        if "^" in tex or "'" in tex:
            tex = "{%s}" % tex
        tex += "_{%s}" % sub
    return tex


# --------------------------------------------------------------------------
# the printer


def _weight(expr: sp.Expr) -> int:
    """Rough polynomial degree used to order terms (``w x`` before ``b``)."""
    if expr.is_Number or expr.is_NumberSymbol:
        return 0
    if expr.is_Mul:
        return sum(_weight(a) for a in expr.args)
    if expr.is_Pow and expr.exp.is_Integer and expr.exp > 0:
        return _weight(expr.base) * int(expr.exp)
    if isinstance(expr, sp.Sum):
        return _weight(expr.function)
    return 1


def _is_atomic_factor(expr: sp.Expr) -> bool:
    if isinstance(expr, (sp.Symbol, sp.Indexed)):
        return True
    return bool(expr.is_Pow and isinstance(expr.base, (sp.Symbol, sp.Indexed)) and expr.exp.is_Integer and expr.exp > 0)

class SymlossLatexPrinter(StepPrinterMixin, MinimiserPrinterMixin, RelationPrinterMixin, CertificatePrinterMixin,
                          KinkPrinterMixin, NamePrinterMixin,
                          LatexPrinter):
    r"""SymPy's LaTeX printer with ML notation, and the printer of proof steps.

    Expressions: symbol names through :func:`symbol_latex`; ``w[j]`` as
    ``w_{j}``; ``Heaviside(z, 0)`` as the indicator ``\mathbf{1}[z > 0]``;
    Piecewise as ``cases`` with "if"; sums ordered positive terms first and by
    decreasing degree (``\sigma(w x + b) - y``); a residual factor before
    plain symbols (``(\sigma(w x + b) - y) x``).

    Steps: ``self._print(step)`` is handled by the inherited
    :class:`~symloss.render.latex_steps.StepPrinterMixin` and the step-family mixins
    of :mod:`symloss.render.latex_minimisers`, :mod:`symloss.render.latex_relations` and
    :mod:`symloss.render.latex_certified` (one ``_print_<StepClass>`` method per step
    class).  During :func:`proof_latex`, ``labels`` maps
    steps to their line numbers so that a justification can cite its
    premises.

    >>> w, x, b, y = sp.symbols('w x b y', real=True)
    >>> from symloss.language.functions import sigmoid
    >>> SymlossLatexPrinter().doprint((sigmoid(w*x + b) - y)*x)
    '\\left(\\sigma\\left(w x + b\\right) - y\\right) x'
    """

    printmethod = "_latex"

    def __init__(self, settings: dict | None = None, *, labels: Mapping | None = None):
        super().__init__(settings or {})
        self.labels: dict = dict(labels or {})

    def doprint(self, expr, *args, **kwargs):
        if isinstance(expr, sp.Expr):  # sgn(ŷ - y), not -sgn(y - ŷ): residuals read forward
            try:
                expr = residuals_forward(expr)
            except Exception:  # noqa: BLE001 - the expression as it is
                pass
        out = super().doprint(expr, *args, **kwargs)
        return _unbrace_calls(out) if isinstance(out, str) else out

    # --- dispatch -------------------------------------------------------
    def _print(self, expr, **kwargs) -> str:
        if type(expr).__name__ in self._OWN_FORMS and isinstance(expr, sp.Basic):
            return getattr(self, "_print_" + type(expr).__name__)(expr)
        return super()._print(expr, **kwargs)  # steps: StepPrinterMixin._print

    #: claim-language terms printed here even though they define ``_latex``
    _OWN_FORMS = frozenset({"ArgMin", "Corr", "UniformDist", "NormalDist"})

    # --- expressions ----------------------------------------------------
    def _print_Symbol(self, expr, style="plain"):
        name = self._settings["symbol_names"].get(expr)
        if name is not None:
            return name
        tex = symbol_latex(expr.name)
        return r"\mathbf{%s}" % tex if style == "bold" else tex

    _print_Dummy = _print_Symbol

    def _print_IndexedBase(self, expr):
        return self._print(expr.label)

    def _print_Indexed(self, expr):
        base = self._print(expr.base)
        idx = ", ".join(self._print(i) for i in expr.indices)
        if "_" in base or "^" in base or "'" in base:
            base = "{%s}" % base
        return "%s_{%s}" % (base, idx)

    def _print_ComplexRootOf(self, expr, exp=None):
        r"""``CRootOf(5x³ − 10x + 1, 0)`` as :math:`\operatorname{root}_{1}(5 t^{3} - 10 t + 1)`:
        the first real root (in increasing order) of the polynomial in a bound ``t``."""
        t = sp.Symbol("t")
        tex = r"\operatorname{root}_{%d}\left(%s\right)" % (expr.index + 1, self._print(expr.poly.as_expr(t)))
        return r"\left(%s\right)^{%s}" % (tex, exp) if exp else tex

    def _print_Heaviside(self, expr, exp=None):
        z = self._print(expr.args[0])
        h0 = expr.args[1] if len(expr.args) > 1 else None
        if h0 == 0:
            tex = r"\mathbf{1}\left[%s > 0\right]" % z
        elif h0 == 1:
            tex = r"\mathbf{1}\left[%s \geq 0\right]" % z
        else:
            tex = r"H\left(%s\right)" % z
        return r"\left(%s\right)^{%s}" % (tex, exp) if exp else tex

    def _print_Abs(self, expr, exp=None):  # |ŷ - y|, as the residual reads everywhere
        tex = r"\left|{%s}\right|" % self._print(residual_first(expr.args[0]))
        return r"%s^{%s}" % (tex, exp) if exp else tex

    def _print_cosh(self, expr, exp=None):
        tex = r"\cosh%s\left(%s\right)" % ("^{%s}" % exp if exp else "", self._print(residual_first(expr.args[0])))
        return tex

    def _print_sign(self, expr, exp=None):
        tex = r"\operatorname{sgn}\left(%s\right)" % self._print(expr.args[0])
        return r"%s^{%s}" % (tex, exp) if exp else tex

    def _print_Piecewise(self, expr):
        rows = []
        for e, c in expr.args:
            cond = r"\text{otherwise}" if c == sp.true else r"\text{if } %s" % self._print(c)
            rows.append(r"%s & %s" % (self._print(e), cond))
        return r"\begin{cases} %s \end{cases}" % r" \\ ".join(rows)

    def _print_Add(self, expr, order=None):
        if order is not None or self.order not in (None, "lex"):
            return super()._print_Add(expr, order=order)
        terms = list(self._as_ordered_terms(expr, order=None))
        terms.sort(key=lambda t: (t.could_extract_minus_sign(), bool(t.is_number), -_weight(t)))
        tex = ""
        for i, term in enumerate(terms):
            if i == 0:
                pass
            elif term.could_extract_minus_sign():
                tex += " - "
                term = -term
            else:
                tex += " + "
            term_tex = self._print(term)
            if self._needs_add_brackets(term):
                term_tex = r"\left(%s\right)" % term_tex
            tex += term_tex
        return tex

    def _print_Mul(self, expr):
        args = expr.as_ordered_factors() if expr.is_commutative else list(expr.args)
        simple = (
            expr.is_commutative
            and not expr.could_extract_minus_sign()
            and all(not (a.is_Pow and a.exp.could_extract_minus_sign()) for a in args)
            and all(not a.is_Rational or a.is_Integer for a in args)
            and any(a.is_Add for a in args)
        )
        if not simple:
            return super()._print_Mul(expr)
        coeff = [a for a in args if a.is_Number]
        adds = [a for a in args if a.is_Add]
        atoms = [a for a in args if _is_atomic_factor(a)]
        others = [a for a in args if not (a.is_Number or a.is_Add or _is_atomic_factor(a))]
        if others or not atoms:
            return super()._print_Mul(expr)
        ordered = coeff + adds + atoms
        sep = self._settings["mul_symbol_latex"]
        parts = []
        for i, a in enumerate(ordered):
            t = self._print(a)
            if a.is_Add or self._needs_mul_brackets(a, first=(i == 0), last=(i == len(ordered) - 1)):
                t = r"\left(%s\right)" % t
            parts.append(t)
        return sep.join(parts)

    def _print_ArgMin(self, expr):
        body, var = expr.args[0], expr.args[1]
        sub = self._print(var)
        if len(expr.args) == 3:  # over the declared domain of var
            sub += r" \in %s" % self._print(expr.args[2])
        return r"\operatorname*{arg\,min}_{%s} \left(%s\right)" % (sub, self._print(body))

    def _print_Corr(self, expr):
        a, b, var = expr.args[:3]
        dist = expr.args[3] if len(expr.args) > 3 else None
        sub = self._print(var)
        if dist is not None:
            sub += r" \sim %s" % self._print(dist)
        return r"\operatorname{corr}_{%s}\left(%s, %s\right)" % (sub, self._print(a), self._print(b))

    def _print_UniformDist(self, expr):
        return r"\mathcal{U}\left(%s, %s\right)" % tuple(self._print(a) for a in expr.args[:2])

    def _print_NormalDist(self, expr):
        mu, sd = expr.args[:2]
        return r"\mathcal{N}\left(%s, %s\right)" % (self._print(mu), self._print(sd**2))

    def _print_Naturals0(self, expr):
        return r"\mathbb{N}_{0}"

# macros whose braces are arguments, not SymPy's call grouping: never unbrace them
_ARGUMENT_MACROS = (r"(?:[dt]?frac|sqrt|binom|text|textsf|mathrm|mathbf|mathit|mathcal|mathbb|operatorname|"
                    r"hat|bar|tilde|overline|underline|boxed|left|right)")
_CALL_BRACE = re.compile(r"(\\(?!" + _ARGUMENT_MACROS + r"(?![A-Za-z]))[A-Za-z]+(?:\^\{[^{}]*\})?)\{\\left\(")


def _unbrace_calls(tex: str) -> str:
    r"""``\log{\left(x\right)}`` as ``\log\left(x\right)``: SymPy's extra
    braces make the call one unbreakable box, which sticks out of the margin
    in running text.

    >>> _unbrace_calls(r"\log{\left(\cosh{\left(x \right)} \right)} + \tanh^{2}{\left(y \right)}")
    '\\log\\left(\\cosh\\left(x \\right) \\right) + \\tanh^{2}\\left(y \\right)'

    A fraction's braces are its arguments and stay:

    >>> _unbrace_calls(r"\frac{\left(a\right) \left(b\right)}{2}")
    '\\frac{\\left(a\\right) \\left(b\\right)}{2}'
    """
    while True:
        m = _CALL_BRACE.search(tex)
        if not m:
            return tex
        open_at = m.end(1)  # the "{" before \left(
        depth, i = 0, open_at
        while i < len(tex):
            if tex[i] == "\\":
                i += 2
                continue
            if tex[i] == "{":
                depth += 1
            elif tex[i] == "}":
                depth -= 1
                if depth == 0:
                    break
            i += 1
        if i >= len(tex) or not tex[:i].rstrip().endswith("\\right)"):
            return tex  # not the shape SymPy prints: leave it
        tex = tex[:open_at] + tex[open_at + 1 : i] + tex[i + 1 :]


def latex(expr: Any, **settings) -> str:
    r"""LaTeX (math mode, no delimiters) for a SymPy expression.

    >>> x, y = sp.symbols('x y', real=True)
    >>> latex(sp.Symbol('yhat') - y), latex(sp.Symbol('delta_1')*x)
    ('\\hat{y} - y', '\\delta_{1} x')
    """
    return SymlossLatexPrinter(settings).doprint(expr)


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


def _pieces(expr: Any, p: SymlossLatexPrinter) -> list[str]:
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


def math_block(expr: Any, *, printer: SymlossLatexPrinter | None = None, inline_ok: bool = False,
               width: int = _WIDTH, lead: str = "") -> str:
    r"""Display an expression (or a relation): ``\[ ... \]`` when it fits on
    a line, otherwise ``multline*`` broken at top-level ``+``/``-`` terms.
    With ``inline_ok`` a short formula is returned as ``$...$`` instead;
    ``lead`` is LaTeX put in front (``\frac{\partial L}{\partial w} =``).

    >>> x = sp.Symbol('x', real=True)
    >>> math_block(x**2 + 1, inline_ok=True)
    '$x^{2} + 1$'
    >>> long = sum(sp.Symbol('a_%d' % k)*x**k for k in range(12))
    >>> math_block(long).startswith(r'\begin{multline*}')
    True
    """
    p = printer or SymlossLatexPrinter()
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



# --------------------------------------------------------------------------
# re-exports

_WRITEUP_NAMES = frozenset({
    "quantifier_latex", "claim_latex", "counterexample_latex", "result_latex",
    "result_repr_latex", "problem_repr_latex", "derivation_latex",
})


def __getattr__(name: str) -> Any:
    """The write-up functions, from :mod:`symloss.render.writeup` on first use
    (that module imports this one, so it cannot be imported at the top)."""
    if name in _WRITEUP_NAMES:
        from . import writeup

        return getattr(writeup, name)
    raise AttributeError("module %r has no attribute %r" % (__name__, name))
