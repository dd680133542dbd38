r"""LaTeX for symloss: expressions in ML notation, proof steps, derivations,
claims, counterexamples and whole results.

Everything here returns LaTeX *fragments* (strings) that compile inside a
document loading ``amsmath``, ``amssymb`` and ``amsthm`` (see
:mod:`symloss.document` for the standalone document).

* :class:`SymlossLatexPrinter` prints SymPy expressions in the notation of ML
  papers (``yhat`` → :math:`\hat y`, ``delta_1`` → :math:`\delta_1`, ``w[j]`` →
  :math:`w_j`, residual-first ordering ``\sigma(w x + b) - y``) and proof steps:
  one ``_print_<StepClass>`` method per step class, each giving the step's
  fact and its justification in words, with a generic fallback (fact plus the
  first line of the class docstring) for step classes it does not know.
* :func:`latex` prints an expression; :func:`math_block` displays one,
  breaking long formulas at top-level ``+``/``-`` terms in ``multline*``.
* :func:`proof_latex`, :func:`counterexample_latex`, :func:`claim_latex`,
  :func:`result_latex` and :func:`derivation_latex` write up prover objects.
* :func:`escape_text` makes user text (claim names, reasons) safe in text
  mode: it can never inject a command.

Objects from other modules (``Result``, ``Claim``, ``Counterexample``,
``Derivation``) are read by attribute ("duck typing"), so this module imports
none of them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any, Iterable

import sympy as sp
from sympy.printing.latex import LatexPrinter, translate

from .proof import Gap, Given, Step, iter_steps

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


class SymlossLatexPrinter(LatexPrinter):
    r"""SymPy's LaTeX printer with ML notation, and the printer of proof steps.

    Expressions: symbol names through :func:`symbol_latex`; ``w[j]`` as
    ``w_{j}``; ``Heaviside(z, 0)`` as the indicator ``\mathbf{1}[z > 0]``;
    Piecewise as ``cases`` with "if"; sums ordered positive terms first and by
    decreasing degree (``\sigma(w x + b) - y``); a residual factor before
    plain symbols (``(\sigma(w x + b) - y) x``).

    Steps: ``self._print(step)`` finds ``_print_<StepClass>`` along the
    step's class hierarchy (methods of this class only, never SymPy's
    expression printers), falling back to :meth:`_print_Step`.  During
    :func:`proof_latex`, ``labels`` maps steps to their line numbers so that a
    justification can cite its premises.

    >>> w, x, b, y = sp.symbols('w x b y', real=True)
    >>> from symloss.functions import sigmoid
    >>> SymlossLatexPrinter().doprint((sigmoid(w*x + b) - y)*x)
    '\\left(\\sigma\\left(w x + b\\right) - y\\right) x'
    """

    printmethod = "_latex"

    def __init__(self, settings: dict | None = None, *, labels: Mapping | None = None):
        super().__init__(settings or {})
        self.labels: dict = dict(labels or {})

    # --- dispatch -------------------------------------------------------
    def _print(self, expr, **kwargs) -> str:
        if isinstance(expr, Step):
            return self._print_step(expr)
        if type(expr).__name__ in self._OWN_FORMS and isinstance(expr, sp.Basic):
            return getattr(self, "_print_" + type(expr).__name__)(expr)
        return super()._print(expr, **kwargs)

    #: claim-language terms printed here even though they define ``_latex``
    _OWN_FORMS = frozenset({"ArgMin", "Corr", "UniformDist", "NormalDist"})

    def _print_step(self, step: Step) -> str:
        for cls in type(step).__mro__:
            method = "_print_" + cls.__name__
            for owner in type(self).__mro__:
                if owner is LatexPrinter:
                    break
                if method in vars(owner):
                    try:
                        return getattr(self, method)(step)
                    except Exception:  # a step class that changed shape: the generic form still renders
                        return self._print_Step(step)
            if cls is Step:
                break
        return self._print_Step(step)

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
        return r"\operatorname*{arg\,min}_{%s} \left(%s\right)" % (self._print(var), self._print(body))

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

    # --- proof steps ----------------------------------------------------
    def fact_latex(self, step: Step) -> str:
        """The step's fact as inline math, or as a display when long."""
        try:
            fact = step.fact
        except Exception as exc:  # a malformed step still renders
            return r"\textit{(fact unavailable: %s)}" % escape_text(exc)
        return math_block(fact, printer=self, inline_ok=True)

    def cite(self, steps: Iterable[Step]) -> str:
        """``(2), (3)`` for premises that have line numbers."""
        refs = [self.labels[_step_key(s)] for s in steps if _step_key(s) in self.labels]
        return ", ".join("(%s)" % r for r in refs)

    def step_line(self, step: Step, justification: str) -> str:
        """Fact, justification in words, and citations of the premises."""
        refs = self.cite(step.premises())
        tail = justification
        if refs:
            tail += (" " if tail else "") + "(from %s)" % refs
        return "%s%s" % (self.fact_latex(step), (" --- " + tail) if tail else "")

    def _print_Step(self, step: Step) -> str:
        doc = (type(step).__doc__ or "").strip().splitlines()
        first = doc[0].strip() if doc else type(step).__name__
        return self.step_line(step, r"by the rule \textsf{%s}: %s" % (escape_text(type(step).__name__), escape_text(first)))

    def _print_Given(self, step: Given) -> str:
        return self.step_line(step, "by hypothesis (%s)" % escape_text(step.source))

    def _print_Gap(self, step: Gap) -> str:
        return r"\fbox{\textbf{GAP}} not shown: %s \\ \textit{reason: %s}" % (
            self.fact_latex(step),
            escape_text(step.reason),
        )

    # --- sign steps (symloss.signs / symloss.sign_rules) ----------------
    def _m(self, expr) -> str:
        return "$%s$" % self.doprint(expr)

    def _print_NumberSign(self, step) -> str:
        return self.step_line(step, "by exact arithmetic")

    def _print_AssumptionSign(self, step) -> str:
        word = {"> 0": "positive", "< 0": "negative", ">= 0": "nonnegative", "<= 0": "nonpositive",
                "!= 0": "nonzero", "= 0": "zero"}.get(getattr(step.sign, "value", ""), "so")
        return self.step_line(step, "since %s is declared %s" % (self._m(step.expr), word))

    def _print_HypothesisSign(self, step) -> str:
        return self.step_line(step, "read off the hypothesis %s" % self._m(step.given.fact))

    def _print_Combine(self, step) -> str:
        how = "weakening" if len(step.parts) == 1 else "combining what is known about %s" % self._m(step.expr)
        return self.step_line(step, "by " + how)

    def _print_AddSign(self, step) -> str:
        return self.step_line(step, "a sum of terms of known signs")

    def _print_ProductSign(self, step) -> str:
        return self.step_line(step, "a product of factors of known signs")

    def _print_PowSign(self, step) -> str:
        e = step.expr.exp if isinstance(step.expr, sp.Pow) else None
        if step.base is None and e is not None and e.is_Integer and e % 2 == 0:
            return self.step_line(step, "an even power of a real number is nonnegative")
        return self.step_line(step, "a power of a base of known sign")

    _RANGE_WORDS = {"sigmoid": r"\sigma(z) \in (0, 1)", "tanh": r"\tanh(z) \in (-1, 1)", "exp": r"e^{z} > 0",
                    "softplus": r"\operatorname{softplus}(z) > 0", "cosh": r"\cosh(z) \geq 1",
                    "relu": r"\operatorname{ReLU}(z) \geq 0", "Abs": r"\left|z\right| \geq 0"}

    def _print_RangeBound(self, step) -> str:
        name = getattr(step.func, "__name__", str(step.func))
        rng = self._RANGE_WORDS.get(name)
        why = ("since $%s$ for every real $z$" % rng) if rng else "by the range of %s" % escape_text(name)
        return self.step_line(step, why)

    def _print_FunctionSign(self, step) -> str:
        f = type(step.expr).__name__
        if f in ("exp", "sigmoid", "softplus", "cosh"):
            why = "since $%s$ for every real $z$" % self._RANGE_WORDS[f].replace(r"\in (0, 1)", "> 0").replace(r"\geq 1", "> 0")
        elif f in ("tanh", "sign", "sinh", "atan", "asinh"):
            why = "since %s has the sign of its argument" % escape_text(f)
        elif f == "relu":
            why = r"since $\operatorname{ReLU}(z) \geq 0$, with equality exactly when $z \leq 0$"
        elif f == "Abs":
            why = r"since $\left|z\right| \geq 0$, with equality exactly when $z = 0$"
        else:
            why = "by the sign table of %s" % escape_text(f)
        return self.step_line(step, why)

    def _print_MonotoneDifference(self, step) -> str:
        f = step.func if not step.func.startswith("pow:") else "$z \\mapsto z^{%s}$" % step.func[4:]
        return self.step_line(step, "since %s is strictly increasing, %s has the sign of %s" % (
            escape_text(f) if not f.startswith("$") else f, self._m(step.expr), self._m(step.a - step.b)))

    def _print_Rewrite(self, step) -> str:
        if hasattr(step, "form"):  # symloss.sign_rules.Rewrite
            return self.step_line(step, "since %s identically" % self._m(sp.Eq(step.expr, step.form, evaluate=False)))
        return self.step_line(step, self.rewrite_words(step))  # symloss.derive.Rewrite

    def rewrite_words(self, step) -> str:
        """``by recognising σ(z) = 1/(1 + e^{-z})`` for a derivation rewrite."""
        rule = getattr(step, "rule", "")
        words = {"kronecker_sum": r"collapsing the Kronecker-delta sum",
                 "sigmoid_from_exp": r"recognising $\sigma(z) = 1/(1 + e^{-z})$",
                 "factor": "simplifying: cancelling and collecting the residual and the input factor"}
        return "by " + words.get(rule, "the rewrite " + escape_text(rule))

    def _print_SumOfSquares(self, step) -> str:
        terms = [sp.Pow(lin, 2, evaluate=False) if c == 1 else sp.Mul(c, sp.Pow(lin, 2, evaluate=False), evaluate=False)
                 for c, lin in step.terms]
        form = sp.Add(*terms, evaluate=False) if len(terms) > 1 else (terms[0] if terms else sp.S.Zero)
        return self.step_line(step, "completing squares, %s is a sum of squares with nonnegative coefficients"
                              % self._m(sp.Eq(step.expr, form, evaluate=False)))

    def _print_LogSign(self, step) -> str:
        return self.step_line(step, r"since $\log$ is increasing with $\log 1 = 0$, %s has the sign of %s" % (
            self._m(step.expr), self._m(step.expr.args[0] - 1)))

    def _print_ExtremumSign(self, step) -> str:
        return self.step_line(step, "the sign of a maximum or minimum is the maximum or minimum of the signs")

    def _print_PiecewiseSign(self, step) -> str:
        cases = []
        for br in step.branches:
            cond = sp.And(*br.conditions) if br.conditions else sp.true
            sub = type(self)()
            cases.append(r"\item[] \emph{Case} %s: %s" % (self._m(cond), proof_latex(br.proof, sub, closing=False)))
        return self.step_line(step, "by case analysis on the branches of the piecewise definition") + (
            "\n\\begin{itemize}\n%s\n\\end{itemize}" % "\n".join(cases) if cases else "")

    def _print_Decided(self, step) -> str:
        abstraction = getattr(step, "abstraction", None)
        terms = tuple(getattr(abstraction, "terms", ()) or ())
        if not terms:
            why = "decided by a complete procedure for real polynomial arithmetic (z3%s)" % (
                ", nlsat" if step.logic == "QF_NRA" else "")
        else:
            subs = []
            for k, (_, term) in enumerate(terms, 1):
                rng = _range_note(term, self)
                subs.append("$t_{%d} = %s%s$" % (k, self.doprint(term), rng))
            procedure = ("a complete procedure for real polynomial arithmetic" if step.logic == "QF_NRA"
                         else "the SMT solver z3 (real polynomial arithmetic)")
            why = "decided by %s after substituting %s" % (procedure, _join_words(subs))
            axioms = []
            for ax in tuple(getattr(abstraction, "axioms", ()) or ())[:6]:
                try:
                    axioms.append(self._m(ax.statement))
                except Exception:  # an axiom that cannot be rebuilt is shown by name
                    axioms.append(escape_text(getattr(ax, "kind", "?")))
            if axioms:
                more = len(abstraction.axioms) - len(axioms)
                why += ", using the facts %s%s" % (", ".join(axioms), " and %d more" % more if more > 0 else "")
        return self.step_line(step, why)

    def _print_ZeroEquivalence(self, step) -> str:
        return self.step_line(step, "the difference of the two sides rewrites to 0 exactly (our functions written "
                              "with $\\exp$, then common denominators, expansion and cancellation)")

    def _print_Tautology(self, step) -> str:
        return self.step_line(step, "the statement is literally true once parsed")

    # --- relation steps (symloss.relations) -------------------------------
    def _local_latex(self, local, title: str = "") -> str:
        """A sub-proof under local conditions, as a nested numbered list."""
        conds = tuple(getattr(local, "conditions", ()) or ())
        head = title or ("Under %s:" % _join_words([self._m(c) for c in conds]) if conds else "")
        return (head + " " if head else "") + proof_latex(local.proof, type(self)(), closing=False)

    def _case_title(self, values) -> str:
        vals = tuple(values or ())
        return ("Case %s" % _join_words(["$%s = %s$" % (self.doprint(k), self.doprint(v)) for k, v in vals])) if vals else "Every case"

    def _print_FunctionOf(self, step) -> str:
        t = self.doprint(step.t)
        items = []
        for case in step.cases:
            text = "%s: $h(%s) = %s$" % (self._case_title(case.values), t, self.doprint(case.h))
            if getattr(case, "lo", None) is not None and getattr(case, "range", None) is not None:
                text += ", and every value of %s is at least %s: %s" % (self._m(step.b), self._m(case.lo),
                                                                      self._local_latex(case.range, " "))
            for loc in getattr(case, "defined", ()) or ():
                text += " $h$ is defined there: " + self._local_latex(loc, " ")
            items.append(r"\item " + text)
        why = ("since %s with %s free of %s; the difference rewrites to 0 in each case"
               % (self._m(sp.Eq(step.a, sp.Function("h")(step.b), evaluate=False)), "$h$", self._m(step.var)))
        return self.step_line(step, why) + ("\n\\begin{itemize}\n%s\n\\end{itemize}" % "\n".join(items) if items else "")

    def _print_NondecreasingVia(self, step) -> str:
        t = self.doprint(step.function_of.t) if hasattr(step, "function_of") else "t"
        items = [r"\item %s: %s" % (self._case_title(c.values), self._local_latex(loc, "$h'(%s) \\geq 0$:" % t))
                 for c, loc in zip(getattr(step.function_of, "cases", ()), step.monotone)]
        why = ("since %s = h(%s)$ with $h$ continuous and $h' \\geq 0$ (except at finitely many kinks), "
               "so $h$ is nondecreasing by the mean value theorem" % (self._m(step.a)[:-1], self.doprint(step.b)))
        return self.step_line(step, why) + ("\n\\begin{itemize}\n%s\n\\end{itemize}" % "\n".join(items) if items else "")

    def _print_TwoCopy(self, step) -> str:
        v1, v2 = self.doprint(step.v1), self.doprint(step.v2)
        why = "comparing two copies $%s, %s$ of %s: %s" % (v1, v2, self._m(step.var), self._local_latex(step.inner, " "))
        return self.step_line(step, why)

    def _print_ProportionalVia(self, step) -> str:
        items = []
        for case in step.cases:
            text = "%s: $%s = c \\cdot %s$ with $c = %s$" % (self._case_title(case.values), self.doprint(step.a),
                                                                 self.doprint(step.b), self.doprint(case.c))
            for loc in getattr(case, "defined", ()) or ():
                text += "; $c$ is defined: " + self._local_latex(loc, " ")
            items.append(r"\item " + text)
        why = "since in each case the ratio is a factor $c$ free of %s (the difference rewrites to 0)" % self._m(step.var)
        return self.step_line(step, why) + ("\n\\begin{itemize}\n%s\n\\end{itemize}" % "\n".join(items) if items else "")

    # --- derivation steps (symloss.derive) -------------------------------
    def _d(self, f: str, v: Any) -> str:
        return r"\frac{\partial %s}{\partial %s}" % (f, self.doprint(v))

    def _print_LossDerivative(self, step) -> str:
        lead = self._d(r"\ell", step.yhat) + " ="
        return "outer derivative: " + math_block(step.derivative, printer=self, inline_ok=True, lead=lead)

    def _print_ModelDerivative(self, step) -> str:
        lead = self._d(self.doprint(_yhat_for(step)), step.param) + " ="
        return "inner derivative: " + math_block(step.derivative, printer=self, inline_ok=True, lead=lead)

    def _print_DirectDerivative(self, step) -> str:
        lead = self._d("L", step.param) + " ="
        return "differentiating directly: " + math_block(step.derivative, printer=self, inline_ok=True, lead=lead)

    def _print_ChainRule(self, step) -> str:
        yhs = list(step.yhats)
        links = " + ".join(r"%s\,%s" % (self._d(r"\ell", yh), self._d(self.doprint(yh), step.param)) for yh in yhs)
        where = _join_words(["$%s = %s$" % (self.doprint(yh), self.doprint(m)) for yh, m in zip(yhs, step.models)])
        parts = ["by the chain rule through %s, $%s = %s$ with" % (where, self._d("L", step.param), links)]
        items = [self._print_LossDerivative(o) for o in step.outer] + [self._print_ModelDerivative(i) for i in step.inner]
        parts.append("\\begin{itemize}\n%s\n\\end{itemize}" % "\n".join(r"\item " + t for t in items))
        parts.append("so " + math_block(step.result, printer=self, lead=self._d("L", step.param) + " ="))
        return "\n".join(parts)

    def _print_Derivation(self, step) -> str:
        return derivation_latex(step, self)


def _range_note(term: sp.Expr, p: "SymlossLatexPrinter") -> str:
    """`` \\in (0, 1)`` for σ(u) and similar range notes for abstracted terms."""
    name = type(term).__name__
    return {"sigmoid": r" \in (0, 1)", "tanh": r" \in (-1, 1)", "exp": " > 0", "softplus": " > 0",
            "cosh": r" \geq 1"}.get(name, "")


def _yhat_for(step: Any) -> sp.Symbol:
    return getattr(step, "yhat", None) or sp.Symbol("yhat")


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
        if m and _balanced(m.group(2)) and len(_split_top_level(m.group(2))) > 1:
            inner = _split_top_level(m.group(2))
            inner[0] = m.group(1) + r"\bigl(" + inner[0]
            inner[-1] = inner[-1] + r"\bigr)" + m.group(3)
            return inner
    return [p.doprint(expr)]


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
    if inline_ok and w <= width // 2:
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
# proofs


def _step_key(step: Step):
    try:
        hash(step)
    except TypeError:
        return ("id", id(step))
    return step


def _linearise(root: Step) -> list[Step]:
    """Steps in dependency order (premises before conclusions), each once."""
    order: list[Step] = []
    seen: set = set()
    stack: list[tuple[Step, bool]] = [(root, False)]
    while stack:
        step, expanded = stack.pop()
        key = _step_key(step)
        if expanded:
            if key not in seen:
                seen.add(key)
                order.append(step)
            continue
        if key in seen:
            continue
        stack.append((step, True))
        for prem in reversed(step.premises()):
            stack.append((prem, False))
    # hypotheses first, in order of first use
    return [s for s in order if isinstance(s, Given)] + [s for s in order if not isinstance(s, Given)]


def _has_gap(root: Step) -> bool:
    return any(isinstance(s, Gap) for s in iter_steps(root))


def step_latex(step: Step, printer: SymlossLatexPrinter | None = None) -> str:
    r"""One proof step: its fact and the justification in words.

    >>> x = sp.Symbol('x', real=True)
    >>> step_latex(Given(x > 0, 'domain of x'))
    '$x > 0$ --- by hypothesis (domain of x)'
    """
    return (printer or SymlossLatexPrinter())._print(step)


def proof_latex(root: Step, printer: SymlossLatexPrinter | None = None, *, closing: bool = True) -> str:
    r"""A numbered, linear write-up of a proof tree: hypotheses first, every
    other step after the steps it cites, the last line being the claim.
    (The caller wraps it in ``proof``, which ends in ∎.)

    >>> x = sp.Symbol('x', real=True)
    >>> print(proof_latex(Given(x > 0, 'domain of x')))
    \begin{enumerate}
    \item[(1)] $x > 0$ --- by hypothesis (domain of x)
    \end{enumerate}
    The last line is the claim.
    """
    p = printer or SymlossLatexPrinter()
    steps = _linearise(root)
    p.labels = {_step_key(s): k for k, s in enumerate(steps, 1)}
    items = []
    for k, s in enumerate(steps, 1):
        items.append(r"\item[(%d)] %s" % (k, p._print(s)))
    end = "The last line is the claim." if not _has_gap(root) else (
        r"\textbf{This argument is incomplete:} the steps marked GAP were not shown."
    )
    return "\\begin{enumerate}\n%s\n\\end{enumerate}%s" % ("\n".join(items), ("\n" + end) if closing else "")


# --------------------------------------------------------------------------
# claims


def _flatten_and(conds: Iterable[Any]) -> list[Any]:
    out = []
    for c in conds:
        if isinstance(c, sp.And):
            out.extend(_flatten_and(c.args))
        elif c is not sp.true and c is not True:
            out.append(c)
    return out


_NICE_SETS = (sp.Interval, sp.FiniteSet, sp.Range)


def _assumption_set(sym: sp.Symbol) -> sp.Set:
    s: sp.Set = sp.Reals
    if getattr(sym, "is_integer", None):
        s = sp.Integers
    if sym.is_positive:
        s = s.intersect(sp.Interval.open(0, sp.oo))
    elif sym.is_nonnegative:
        s = s.intersect(sp.Interval(0, sp.oo))
    elif sym.is_negative:
        s = s.intersect(sp.Interval.open(-sp.oo, 0))
    elif sym.is_nonpositive:
        s = s.intersect(sp.Interval(-sp.oo, 0))
    return s


def _domains(symbols: Iterable[Any], hypotheses: Iterable[Any]) -> tuple[list[tuple[str, list]], list[Any]]:
    """Group symbols by domain (printed set) and return the remaining
    multivariate or non-interval conditions."""
    symbols = list(symbols)
    sets = {s: _assumption_set(s) if isinstance(s, sp.Symbol) else sp.Reals for s in symbols}
    rest = []
    for c in _flatten_and(hypotheses):
        free = getattr(c, "free_symbols", set())
        if len(free) == 1:
            (s,) = free
            try:
                cs = c.as_set()
            except Exception:  # as_set refuses many booleans: keep it as a condition
                cs = None
            if isinstance(cs, _NICE_SETS) or cs == sp.Reals:
                new = sets.get(s, _assumption_set(s)).intersect(cs)
                if isinstance(new, _NICE_SETS) or new in (sp.Reals, sp.Integers, sp.EmptySet):
                    sets[s] = new
                    if s not in symbols:
                        symbols.append(s)
                    continue
        rest.append(c)
    groups: dict[str, list] = {}
    p = SymlossLatexPrinter()
    for s in symbols:
        groups.setdefault(p.doprint(sets[s]), []).append(s)
    return list(groups.items()), rest


def _claim_symbols(claim: Any) -> list:
    syms = getattr(claim, "symbols", None)
    if syms:
        return list(syms)
    free: set = set()
    for name in ("formula", "a", "b"):
        e = getattr(claim, name, None)
        free |= getattr(e, "free_symbols", set())
    return sorted(free, key=_natural_key)


def _natural_key(sym: Any) -> tuple:
    """``a_2`` before ``a_10``."""
    name = getattr(sym, "name", str(sym))
    return tuple((0, int(t), "") if t.isdigit() else (1, 0, t) for t in re.findall(r"\d+|\D+", name))


def quantifier_latex(symbols: Iterable[Any], hypotheses: Iterable[Any] = (), printer: SymlossLatexPrinter | None = None) -> str:
    r"""``For all $w, b \in \mathbb{R}$ and $y \in \{0, 1\}$ with $x \neq 0$``.

    >>> w, y = sp.Symbol('w', real=True), sp.Symbol('y', real=True)
    >>> quantifier_latex([w, y], [sp.Eq(y, 0) | sp.Eq(y, 1), sp.Ne(w, 0)])
    'For all $w \\in \\mathbb{R}$ and $y \\in \\left\\{0, 1\\right\\}$ with $w \\neq 0$'
    """
    p = printer or SymlossLatexPrinter()
    groups, rest = _domains(symbols, hypotheses)
    if not groups:
        head = "For the values considered"
    else:
        parts = ["$%s \\in %s$" % (", \\allowbreak ".join(p.doprint(s) for s in syms), st) for st, syms in groups]
        head = "For all " + _join_words(parts)
    if rest:
        head += " with " + _join_words([math_block(c, printer=p, inline_ok=True, width=120) for c in rest])
    return head


def _join_words(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _claim_body(claim: Any, p: SymlossLatexPrinter) -> str:
    kind = type(claim).__name__.lower()
    formula = getattr(claim, "formula", None)
    if formula is sp.true or formula is sp.false:
        return r"\[ \text{\texttt{%s}} \]which, as parsed, is literally %s." % (
            escape_text(getattr(claim, "text", "")), "true" if formula is sp.true else "false")
    if isinstance(formula, sp.Basic):
        return math_block(formula, printer=p)
    a, b, var = (getattr(claim, n, None) for n in ("a", "b", "var"))
    if all(isinstance(v, sp.Basic) for v in (a, b, var)):
        if "proportional" in kind:
            return (r"\[ %s \propto %s \quad \text{as functions of } %s, \]"
                    r"i.e.\ their ratio does not depend on $%s$." % (p.doprint(a), p.doprint(b), p.doprint(var), p.doprint(var)))
        if "nondecreasing" in kind:
            v1, v2 = sp.Symbol(var.name + "_1", real=True), sp.Symbol(var.name + "_2", real=True)
            lhs = sp.Le(b.subs(var, v1), b.subs(var, v2), evaluate=False)
            rhs = sp.Le(a.subs(var, v1), a.subs(var, v2), evaluate=False)
            return (r"$%s$ is a nondecreasing function of $%s$ along $%s$: for all $%s$, "
                    % (p.doprint(a), p.doprint(b), p.doprint(var), p.doprint(v1) + ", " + p.doprint(v2))
                    + math_block(sp.Implies(lhs, rhs, evaluate=False), printer=p))
    text = getattr(claim, "text", claim)
    return r"\[ \text{\texttt{%s}} \]" % escape_text(text)


def claim_latex(claim: Any, printer: SymlossLatexPrinter | None = None) -> str:
    r"""The claim in mathematical notation with its quantifiers, domains and
    assumptions.  Plain strings are shown verbatim (escaped).

    >>> claim_latex("d(L, w) == 0")
    '\\[ \\text{\\texttt{d(L, w) == 0}} \\]'
    """
    p = printer or SymlossLatexPrinter()
    if isinstance(claim, str):
        return r"\[ \text{\texttt{%s}} \]" % escape_text(claim)
    formula = getattr(claim, "formula", None)
    if isinstance(formula, sp.Basic) and len(p.doprint(formula)) > MAX_FORMULA:
        # show what the user wrote instead of pages of expanded derivatives
        return (quantifier_latex(_claim_symbols(claim), getattr(claim, "hypotheses", ()) or (), p)
                + ":\n" + r"\[ \text{\texttt{%s}} \]" % escape_text(getattr(claim, "text", ""))
                + "(the expanded formula is too long to show).")
    symbols = [s for s in _claim_symbols(claim)]
    var = getattr(claim, "var", None)
    if "nondecreasing" in type(claim).__name__.lower() and var in symbols:
        symbols.remove(var)
    hyps = getattr(claim, "hypotheses", ()) or ()
    head = quantifier_latex(symbols, hyps, p)
    return head + ":\n" + _claim_body(claim, p)


# --------------------------------------------------------------------------
# counterexamples and results


def _value_latex(v: Any, p: SymlossLatexPrinter) -> str:
    """An exact value, with a decimal approximation when it is not rational."""
    if isinstance(v, sp.Basic):
        tex = p.doprint(v)
        if v.is_number and not v.is_Rational and not isinstance(v, sp.Float):
            try:
                approx = sp.N(v, 6)
                if approx.is_real:
                    tex += r" \approx %s" % p.doprint(approx)
            except Exception:  # no approximation: the exact value stands alone
                pass
        return tex
    if isinstance(v, bool):
        return r"\text{%s}" % ("true" if v else "false")
    if isinstance(v, (int, float)):
        return p.doprint(sp.sympify(v)) if isinstance(v, int) else p.doprint(sp.Float(v))
    return r"\text{%s}" % escape_text(v)


def _label_latex(k: Any, p: SymlossLatexPrinter) -> str:
    return p.doprint(k) if isinstance(k, sp.Basic) else r"\text{%s}" % escape_text(k)


def counterexample_latex(cx: Any, claim: Any = None, printer: SymlossLatexPrinter | None = None) -> str:
    r"""The counterexample: the values, both sides evaluated exactly, and why
    the claim fails there.

    >>> from types import SimpleNamespace as NS
    >>> w = sp.Symbol('w', real=True)
    >>> cx = NS(values={w: sp.Rational(-1, 2)}, pair=None, evaluations={'left side': sp.Integer(1)}, explanation='1 < 0 is false')
    >>> print(counterexample_latex(cx))
    Take $w = - \frac{1}{2}$.
    Evaluated exactly:
    \begin{align*}
    \text{left side} &= 1
    \end{align*}
    1 \textless{} 0 is false. Hence the claim is false.
    """
    p = printer or SymlossLatexPrinter()
    if isinstance(cx, Mapping):  # the JSON form: name -> value text, or [v1, v2]
        parts = ["$%s %s$" % (symbol_latex(str(k)) if _SIMPLE_NAME.fullmatch(str(k)) else _label_latex(k, p),
                               ("\\in \\{%s\\}" % ", ".join(_label_latex(u, p) for u in v)) if isinstance(v, (list, tuple))
                               else "= " + _value_latex(v, p)) for k, v in cx.items()]
        return "Take %s. Hence the claim is false." % _join_words(parts) if parts else "Hence the claim is false."
    values = getattr(cx, "values", None) or {}
    parts = ["$%s = %s$" % (_label_latex(k, p), _value_latex(v, p)) for k, v in dict(values).items()]
    out = ["Take %s." % _join_words(parts) if parts else "Take the point below."]
    pair = getattr(cx, "pair", None)
    if pair:
        var, v1, v2 = pair
        vt = _label_latex(var, p)
        out.append("Compare the two values $%s = %s$ and $%s = %s$." % (vt, _value_latex(v1, p), vt, _value_latex(v2, p)))
    ev = getattr(cx, "evaluations", None)
    rows = []
    if isinstance(ev, Mapping):
        rows = [(_label_latex(k, p), _value_latex(v, p)) for k, v in ev.items()]
    elif isinstance(ev, (tuple, list)):
        for k, item in enumerate(ev):
            if isinstance(item, tuple) and len(item) == 2:
                rows.append((_label_latex(item[0], p), _value_latex(item[1], p)))
            else:
                rows.append((r"\text{%s side}" % ("left" if k == 0 else "right" if k == 1 else "term %d" % (k + 1)), _value_latex(item, p)))
    if rows:
        out.append("Evaluated exactly:\n\\begin{align*}\n%s\n\\end{align*}" % " \\\\\n".join("%s &= %s" % r for r in rows))
    expl = getattr(cx, "explanation", None)
    tail = "Hence the claim is false."
    if expl:
        text = escape_text(expl).rstrip(".")
        tail = "%s. %s" % (text, tail)
    out.append(tail)
    return "\n".join(out)


def _verdict(result: Any) -> str:
    v = getattr(result, "verdict", "unknown")
    v = getattr(v, "value", v)
    return str(v)


def result_latex(result: Any, printer: SymlossLatexPrinter | None = None) -> str:
    r"""A fragment: the claim, the verdict, and the proof (ending in ∎), the
    counterexample, or the reason nothing was decided.  Needs amsmath,
    amssymb and amsthm.

    >>> from types import SimpleNamespace as NS
    >>> r = NS(verdict='unknown', claim='L >= 0', proof=None, counterexample=None, reason='timeout', method='timeout', seconds=1.5)
    >>> 'Verdict: unknown' in result_latex(r)
    True
    """
    p = printer or SymlossLatexPrinter()
    verdict = _verdict(result)
    claim = getattr(result, "claim", None)
    method = getattr(result, "method", None)
    seconds = getattr(result, "seconds", None)
    out = [r"\paragraph{Claim.} " + (claim_latex(claim, p) if claim is not None else "(no claim)")]
    meta = r"\paragraph{Verdict: %s.}" % escape_text(verdict)
    details = []
    if method:
        details.append("method: " + escape_text(method))
    if isinstance(seconds, (int, float)):
        details.append("%.2f\\,s" % seconds)
    if details:
        meta += " (" + "; ".join(details) + ")"
    out.append(meta)
    proof = getattr(result, "proof", None)
    cx = getattr(result, "counterexample", None)
    reason = getattr(result, "reason", None)
    if verdict == "proved" and isinstance(proof, Step):
        out.append("\\begin{proof}\n%s\n\\end{proof}" % proof_latex(proof, p))
    elif verdict == "refuted" and cx is not None:
        out.append(r"\paragraph{Counterexample.} " + counterexample_latex(cx, claim, p))
    else:
        if isinstance(proof, Step):
            out.append(r"\paragraph{Partial argument.} " + proof_latex(proof, p))
        if reason:
            out.append(r"\paragraph{Reason.} " + escape_text(reason))
    return "\n\n".join(out)


def result_repr_latex(result: Any) -> str:
    r"""A short MathJax-friendly form for Jupyter's ``_repr_latex_``: the
    verdict and the claim's formula (no environments, no packages).

    >>> from types import SimpleNamespace as NS
    >>> x = sp.Symbol('x', real=True)
    >>> result_repr_latex(NS(verdict='proved', claim=NS(formula=x**2 >= x)))
    '$\\text{proved: }\\; x^{2} \\geq x$'
    """
    claim = getattr(result, "claim", None)
    formula = getattr(claim, "formula", None)
    if isinstance(formula, sp.Basic):
        body = latex(formula)
    else:
        text = getattr(claim, "text", claim)
        body = r"\text{%s}" % _mathjax_text(str(text))
    return r"$\text{%s: }\; %s$" % (_mathjax_text(_verdict(result)), body)


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


# --------------------------------------------------------------------------
# derivations


def derivation_latex(derivation: Any, printer: SymlossLatexPrinter | None = None) -> str:
    r"""A fragment deriving :math:`\partial L/\partial\theta`: the model, the
    loss, each step (chain rule with its outer and inner derivatives, then
    the rewrites, each with its rule in words) and the canonical result.

    >>> from types import SimpleNamespace as NS
    >>> w, x, y, yhat = sp.symbols('w x y yhat', real=True)
    >>> d = NS(param=w, model_expr=(w*x,), loss_expr=(yhat - y)**2, steps=(), result=2*x*(w*x - y))
    >>> print(derivation_latex(d))
    Model: $\hat{y} = w x$. Loss: $\ell = \left(\hat{y} - y\right)^{2}$.
    <BLANKLINE>
    Hence
    \[ \frac{\partial L}{\partial w} = 2 \left(w x - y\right) x \]
    """
    p = printer or SymlossLatexPrinter()
    param = getattr(derivation, "param", None)
    steps = tuple(getattr(derivation, "steps", ()) or ())
    model = _first_attr(derivation, ("model_expr", "model"))
    loss = _first_attr(derivation, ("loss_expr", "loss"))
    models = tuple(model) if isinstance(model, (tuple, list)) else ((model,) if isinstance(model, sp.Basic) else ())
    yhats = tuple(getattr(steps[0], "yhats", ()) or ()) if steps else ()
    if len(yhats) != len(models):
        yhats = (sp.Symbol("yhat"),) if len(models) == 1 else tuple(sp.Symbol("yhat_%d" % k) for k in range(1, len(models) + 1))
    head = ["Model: %s." % math_block(sp.Eq(yh, m, evaluate=False), printer=p, inline_ok=True) for yh, m in zip(yhats, models)]
    if isinstance(loss, sp.Basic):
        head.append("Loss: %s." % math_block(loss, printer=p, inline_ok=True, lead=r"\ell ="))
    out = [" ".join(head)]
    composite = getattr(steps[0], "composite", None) if steps else None
    if isinstance(composite, sp.Basic):
        out.append("With the model substituted, " + math_block(composite, printer=p, inline_ok=True, lead="L =") + ".")
    dl = (r"\frac{\partial L}{\partial %s} =" % p.doprint(param)) if isinstance(param, sp.Basic) else "="
    if steps:
        p.labels = {_step_key(s): k for k, s in enumerate(steps, 1)}
        items = []
        for k, s in enumerate(steps, 1):
            if all(hasattr(s, a) for a in ("before", "after", "rule")):
                body = "%s: %s" % (p.rewrite_words(s), math_block(s.after, printer=p, lead=dl))
            else:
                body = p._print(s)
            items.append(r"\item[(%d)] %s" % (k, body))
        out.append("\\begin{enumerate}\n%s\n\\end{enumerate}" % "\n".join(items))
    result = getattr(derivation, "result", None)
    if isinstance(result, sp.Basic) and isinstance(param, sp.Basic):
        out.append("Hence\n" + math_block(result, printer=p, lead=dl))
    return "\n\n".join(out)


def _first_attr(obj: Any, names: tuple[str, ...]) -> Any:
    for n in names:
        v = getattr(obj, n, None)
        if v is not None:
            return v
    return None
