r"""LaTeX for SymPy expressions in the notation of ML papers: the printer.

Everything here returns LaTeX *fragments* (strings) that compile inside a
document loading ``amsmath``, ``amssymb`` and ``amsthm`` (see
:mod:`symloss.render.document` for the standalone document).

* :class:`SymlossLatexPrinter` prints SymPy expressions in ML notation
  (``yhat`` → :math:`\hat y`, ``delta_1`` → :math:`\delta_1`, ``w[j]`` →
  :math:`w_j`, residual-first ordering ``\sigma(w x + b) - y``); it inherits
  the proof-step printers from :class:`symloss.render.latex_steps.StepPrinterMixin`
  and its sibling mixins.
* :func:`latex` prints an expression; :func:`math_block` displays one,
  :func:`step_latex` and :func:`proof_latex` write up a step or a proof,
  each with a :class:`SymlossLatexPrinter` unless given a printer.
* :func:`escape_text`, :func:`visible_width` and the line breaking are
  :mod:`symloss.render.latex_text`'s (re-exported here), which the mixins
  import without importing this module.

The write-ups of claims, counterexamples and results are
:mod:`symloss.render.writeup` (and :mod:`symloss.render.writeup_notebook` for
the ``_repr_latex_`` forms); they import this module, not the other way.
"""

from __future__ import annotations

import re
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
from .latex_steps import StepPrinterMixin
from .latex_steps import proof_latex as _proof_latex
from .latex_text import (  # noqa: F401 - re-exported
    _WIDTH,
    MAX_FORMULA,
    _greek_command,
    _pieces,
    _stacked,
    escape_text,
    omitted_formula,
    visible_width,
)
from .latex_text import math_block as _math_block
from .writeup_derivation import DerivationPrinterMixin

__all__ = [
    "SymlossLatexPrinter",
    "latex",
    "symbol_latex",
    "escape_text",
    "math_block",
    "visible_width",
    "omitted_formula",
    "step_latex",
    "proof_latex",
]

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
                          KinkPrinterMixin, NamePrinterMixin, DerivationPrinterMixin,
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
# the printer by default: the entry points that need no printer given


def math_block(expr: Any, *, printer: SymlossLatexPrinter | None = None, inline_ok: bool = False,
               width: int = _WIDTH, lead: str = "") -> str:
    r"""Display an expression (or a relation): :func:`symloss.render.latex_text.math_block`
    with a :class:`SymlossLatexPrinter` unless ``printer`` is given.

    >>> x = sp.Symbol('x', real=True)
    >>> math_block(x**2 + 1, inline_ok=True)
    '$x^{2} + 1$'
    >>> long = sum(sp.Symbol('a_%d' % k)*x**k for k in range(12))
    >>> math_block(long).startswith(r'\begin{multline*}')
    True
    """
    return _math_block(expr, printer=printer or SymlossLatexPrinter(), inline_ok=inline_ok, width=width, lead=lead)


def step_latex(step: Any, printer: Any = None) -> str:
    r"""One proof step: its fact and the justification in words.

    >>> from symloss.calculus.proof import Given
    >>> x = sp.Symbol('x', real=True)
    >>> step_latex(Given(x > 0, 'domain of x'))
    '$x > 0$ --- by hypothesis (domain of x)'
    """
    return (printer or SymlossLatexPrinter())._print(step)


def proof_latex(root: Any, printer: Any = None, *, closing: bool = True) -> str:
    r""":func:`symloss.render.latex_steps.proof_latex` with a
    :class:`SymlossLatexPrinter` unless ``printer`` is given.

    >>> from symloss.calculus.proof import Given
    >>> x = sp.Symbol('x', real=True)
    >>> print(proof_latex(Given(x > 0, 'domain of x')))
    \begin{enumerate}
    \item[(1)] $x > 0$ --- by hypothesis (domain of x)
    \end{enumerate}
    The last line is the claim.
    """
    return _proof_latex(root, printer or SymlossLatexPrinter(), closing=closing)
