"""Plain-text rendering of expressions for reprs and the command line, in
the notation of the documents: one readable line with ŷ (never ``yhat``),
Greek letters for δ, β, τ, γ, …, |·| (never ``Abs`` or box-drawing
characters), 𝟙[·] for step functions (never θ(·), which clashes with a
parameter θ), ``max``/``min``, Σ for sums, σ for the logistic function and
positive terms first (``σ(b + w⋅x) - y``).  LaTeX lives in
:mod:`symloss.render.latex`.

:func:`one_line` prints an expression; :func:`name_text` a symbol's name;
:func:`with_decimal` adds ``≈ 41.997`` to an exact closed form.
"""

from __future__ import annotations

import re
import unicodedata

import sympy as sp
from sympy.printing.latex import LatexPrinter
from sympy.printing.str import StrPrinter

from ..calculus.catalogue import is_label_name

__all__ = ["one_line", "latex", "name_text", "with_decimal"]


def _positive_first(printer_cls):
    """A printer class that prints the terms of a sum with positive
    coefficients first (``σ(z) - y`` rather than ``-y + σ(z)``)."""

    class Printer(printer_cls):
        def _as_ordered_terms(self, expr, order=None):
            terms = list(super()._as_ordered_terms(expr, order=order))
            return [t for t in terms if not t.could_extract_minus_sign()] + [
                t for t in terms if t.could_extract_minus_sign()
            ]

    Printer.__name__ = f"PositiveFirst{printer_cls.__name__}"
    return Printer


_Latex = _positive_first(LatexPrinter)


def latex(expr: sp.Basic) -> str:
    """``sympy.latex`` with positive terms first.

    >>> y, z = sp.symbols('y z', real=True)
    >>> latex(z - y)
    'z - y'
    """
    return _Latex().doprint(expr)


# --------------------------------------------------------------------------
# names

_SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_ALIASES = {"lam": "λ", "lmbda": "λ", "eps": "ε", "epsilon": "ε"}


def _greek(word: str) -> str | None:
    w = {"lambda": "lamda"}.get(word.lower(), word.lower())
    try:
        ch = unicodedata.lookup("GREEK %s LETTER %s" % ("CAPITAL" if word[:1].isupper() else "SMALL", w.upper()))
    except KeyError:
        return None
    return ch


def name_text(name: str) -> str:
    """A symbol's name as the documents print it.

    >>> [name_text(n) for n in ["yhat", "y_hat", "delta", "theta", "w1", "x_2", "lambda", "lr", "yhat_1"]]
    ['ŷ', 'ŷ', 'δ', 'θ', 'w₁', 'x₂', 'λ', 'lr', 'ŷ₁']
    """
    base, *subs = name.split("_")
    digits = re.search(r"\d+$", base)
    if digits and digits.start() > 0:
        subs.insert(0, digits.group())
        base = base[: digits.start()]
    hat = False
    if base.endswith("hat") and len(base) > 3:
        base, hat = base[:-3], True
    if "hat" in subs:
        subs.remove("hat")
        hat = True
    text = _ALIASES.get(base) or (_greek(base) if len(base) > 1 else None) or base
    if hat:
        text += "\u0302"
        text = unicodedata.normalize("NFC", text)
    for s in subs:
        text += s.translate(_SUBSCRIPT) if s.isdigit() else "_" + (_greek(s) or s)
    return text


# --------------------------------------------------------------------------
# residuals


def _is_prediction(s: sp.Basic) -> bool:
    return isinstance(s, sp.Symbol) and name_text(s.name).startswith("ŷ")


def residual_first(arg: sp.Basic) -> sp.Basic:
    """The argument of an even function (|·|, cosh) turned round so a
    residual reads ``ŷ - y``, as everywhere else, not ``y - ŷ``:
    ``|y - ŷ| = |ŷ - y|``.  Any other argument is returned unchanged.

    With the model written out, a label ``y`` alone against terms that all
    carry a minus sign is a turned-round residual too: ``y - w⋅x - b``.

    >>> y, yh, w, x = sp.symbols('y yhat w x', real=True)
    >>> residual_first(y - yh), residual_first(y + yh), residual_first(y - w*x - 1)
    (-y + yhat, y + yhat, w*x - y + 1)
    """
    if not isinstance(arg, sp.Add):
        return arg
    coeffs = [arg.coeff(s) for s in arg.free_symbols if _is_prediction(s)]
    if coeffs:
        return -arg if all(c.is_number and c.is_negative for c in coeffs) else arg
    labels = [t for t in arg.args if isinstance(t, sp.Symbol) and is_label_name(t.name)]
    if len(labels) == 1 and all(t is labels[0] or t.could_extract_minus_sign() for t in arg.args):
        return -arg
    return arg


_ODD = (sp.sign, sp.tanh, sp.sinh, sp.atan, sp.asinh)


def residuals_forward(expr: sp.Basic) -> sp.Basic:
    """``expr`` with every odd function of a turned-round residual written
    forward, for printing only: ``-δ⋅sgn(y - ŷ)`` becomes ``δ⋅sgn(ŷ - y)``
    and ``-x⋅tanh(y - ŷ)`` becomes ``x⋅tanh(ŷ - y)`` (the changed products
    are built unevaluated, since SymPy would turn them round again).

    >>> y, yh, d = sp.symbols('y yhat delta', real=True)
    >>> one_line(-d*sp.sign(y - yh)), one_line(sp.tanh(y - yh))
    ('δ⋅sgn(ŷ - y)', '-tanh(ŷ - y)')
    """
    if not isinstance(expr, sp.Basic) or expr.is_Atom or not expr.args:
        return expr
    args = tuple(residuals_forward(a) for a in expr.args)
    if isinstance(expr, sp.Pow) and args[1].is_Integer and args[1] % 2 == 0 and isinstance(args[0], sp.Add) \
            and residual_first(args[0]) is not args[0]:  # (y - ŷ)² = (ŷ - y)²
        return sp.Pow(-args[0], args[1], evaluate=False)
    if isinstance(expr, _ODD) and residual_first(args[0]) is not args[0]:
        return sp.Mul(sp.S.NegativeOne, type(expr)(-args[0], evaluate=False), evaluate=False)
    if isinstance(expr, sp.Mul):
        flips, rest = 0, []
        for a in args:
            if isinstance(a, sp.Mul) and len(a.args) == 2 and a.args[0] is sp.S.NegativeOne \
                    and isinstance(a.args[1], _ODD):
                flips, a = flips + 1, a.args[1]
            elif isinstance(a, sp.Add) and residual_first(a) is not a:  # -x⋅(y - ŷ) = x⋅(ŷ - y)
                flips, a = flips + 1, -a
            elif isinstance(a, sp.Pow) and a.exp.is_Integer and isinstance(a.base, sp.Add) \
                    and residual_first(a.base) is not a.base:  # 1/(y - ŷ) = -1/(ŷ - y)
                flips, a = flips + int(a.exp % 2), sp.Pow(-a.base, a.exp, evaluate=False)
            rest.append(a)
        if rest != list(args):
            sign = (-1) ** flips
            coeff = [a for a in rest if a.is_Number]
            others = [a for a in rest if not a.is_Number]
            c = sign * sp.Mul(*coeff)
            return sp.Mul(*([c] if c != 1 else []), *others, evaluate=False) if others else c
    if args == expr.args:
        return expr
    try:
        return expr.func(*args, evaluate=False)
    except TypeError:  # a head without the keyword: rebuilt as SymPy builds it
        return expr.func(*args)


# --------------------------------------------------------------------------
# the one-line printer


class _OneLine(_positive_first(StrPrinter)):
    def _print(self, expr, **kwargs):
        if isinstance(expr, sp.Indexed):  # Indexed prints itself as w[j] otherwise
            return self._print_Indexed(expr)
        return super()._print(expr, **kwargs)

    def _print_Symbol(self, expr):
        return name_text(expr.name)

    _print_Dummy = _print_Symbol

    def _print_Indexed(self, expr):
        return "%s_%s" % (self._print(expr.base.label), ",".join(self._print(i) for i in expr.indices))

    def _print_Pow(self, expr, rational=False):
        if expr.exp == sp.S.Half:
            base = self._print(expr.base)
            return "√" + (base if (expr.base.is_Atom or isinstance(expr.base, sp.Abs)) else "(%s)" % base)
        return super()._print_Pow(expr, rational=rational)

    def _print_Abs(self, expr):
        return "|%s|" % self._print(residual_first(expr.args[0]))

    def _print_cosh(self, expr):
        return "cosh(%s)" % self._print(residual_first(expr.args[0]))

    def _print_Max(self, expr):
        return "max(%s)" % ", ".join(self._print(a) for a in expr.args)

    def _print_Min(self, expr):
        return "min(%s)" % ", ".join(self._print(a) for a in expr.args)

    def _print_Heaviside(self, expr):
        z = self._print(expr.args[0])
        h0 = expr.args[1] if len(expr.args) > 1 else None
        return "𝟙[%s ≥ 0]" % z if h0 == 1 else "𝟙[%s > 0]" % z

    def _print_relu(self, expr):  # the one notation: max(0, z), as LaTeX prints it
        return "max(0, %s)" % self._print(expr.args[0])

    def _print_sigmoid(self, expr):
        return "σ(%s)" % self._print(expr.args[0])

    def _print_Sum(self, expr):
        limits = ", ".join("%s=%s..%s" % tuple(self._print(a) for a in lim) for lim in expr.limits)
        body = self._print(expr.function)
        return "Σ_{%s} %s" % (limits, "(%s)" % body if isinstance(expr.function, sp.Add) else body)

    #: the expression printed whole: a Piecewise there needs no brackets
    _top = None

    def _print_Piecewise(self, expr):
        body = "; ".join(f"{self._print(e)} if {self._print(c)}" if c is not sp.true else f"{self._print(e)} otherwise"
                         for e, c in expr.args)
        # inside a product, a sum or an equation the cases are bracketed, so
        # "x⋅(a if c; b otherwise)" never reads as "x⋅a if c; b otherwise⋅…"
        return body if expr is self._top else "(%s)" % body

    def _print_Relational(self, expr):
        op = {"==": "=", "!=": "≠", ">=": "≥", "<=": "≤"}.get(expr.rel_op, expr.rel_op)
        return "%s %s %s" % (self._print(expr.lhs), op, self._print(expr.rhs))

    def _print_Function(self, expr):
        name = type(expr).__name__
        if name == "sigmoid":
            return self._print_sigmoid(expr)
        if name == "relu":
            return self._print_relu(expr)
        return super()._print_Function(expr)

    def _print_Exp1(self, expr):
        return "e"

    def _print_sign(self, expr):
        return "sgn(%s)" % self._print(expr.args[0])

    # the claim language's display objects (symloss.statement), found by class name
    def _print_Partial(self, expr):
        body, var = expr.args[0], expr.args[1]
        k = expr.args[2] if len(expr.args) > 2 else sp.Integer(1)
        sup = "" if k == 1 else str(k).translate(_SUPERSCRIPT)
        b = self._print(body)
        if isinstance(body, sp.Symbol):
            return "∂%s%s/∂%s%s" % (sup, b, self._print(var), sup)
        return "∂%s(%s)/∂%s%s" % (sup, b, self._print(var), sup)

    def _print_ArgMinD(self, expr):
        return "argmin_%s %s" % (self._print(expr.args[1]), self.parenthesize(expr.args[0], 100))

    _print_ArgMin = _print_ArgMinD

    def _print_AtD(self, expr):
        body, rest = expr.args[0], expr.args[1:]
        subs = ", ".join("%s = %s" % (self._print(a), self._print(b)) for a, b in zip(rest[::2], rest[1::2]))
        b = self._print(body)
        return "%s|_{%s}" % (b if isinstance(body, sp.Symbol) else "(%s)" % b, subs)

    def _print_CorrD(self, expr):
        a, b, var, dist = expr.args
        return "corr_{%s ~ %s}(%s, %s)" % (self._print(var), self._print(dist), self._print(a), self._print(b))

    def _print_UniformD(self, expr):
        return "U(%s, %s)" % tuple(self._print(a) for a in expr.args)

    def _print_NormalD(self, expr):
        return "N(%s, %s²)" % tuple(self._print(a) for a in expr.args)

    def _print_And(self, expr):
        return " ∧ ".join(self.parenthesize(a, 100) if isinstance(a, (sp.Or, sp.Implies)) else self._print(a)
                          for a in expr.args)

    def _print_Or(self, expr):
        return " ∨ ".join(self._print(a) for a in expr.args)

    def _print_Implies(self, expr):
        return "(%s) ⇒ (%s)" % (self._print(expr.args[0]), self._print(expr.args[1]))


_POWERS = {"2": "²", "3": "³"}


def one_line(expr: sp.Basic, *, bracket_cases: bool = False) -> str:
    """A readable single-line form: σ, ⋅, ², |·|, ŷ, Greek letters, 𝟙[·].

    >>> from symloss.language.functions import sigmoid
    >>> w, x, y, b = sp.symbols('w x y b', real=True)
    >>> one_line(x*(sigmoid(w*x + b) - y))
    'x⋅(σ(b + w⋅x) - y)'
    >>> one_line(x/(1 + w**2))
    'x/(w² + 1)'
    >>> one_line(sp.Piecewise((x, x > 0), (w**20, True)))
    'x if x > 0; w^20 otherwise'
    >>> d, yh = sp.symbols('delta yhat', real=True)
    >>> one_line(sp.Piecewise(((yh - y)**2/2, d > abs(y - yh)), (d*(abs(y - yh) - d/2), True)))
    '(ŷ - y)²/2 if δ > |ŷ - y|; δ⋅(|ŷ - y| - δ/2) otherwise'
    >>> one_line(sp.Heaviside(w, 0) + sp.Max(w, 0))
    '𝟙[w > 0] + max(0, w)'
    >>> one_line(x*sp.Piecewise((w, w > 0), (0, True)))
    'x⋅(w if w > 0; 0 otherwise)'

    ``bracket_cases`` brackets a piecewise expression printed whole too
    (for a line that lists several formulas).
    """
    printer = _OneLine({"order": None})
    try:
        expr = residuals_forward(expr)
    except Exception:  # noqa: BLE001 - the expression as it is
        pass
    if not bracket_cases:
        printer._top = expr
    text = printer.doprint(expr)
    text = re.sub(r"\*\*([23])(?![0-9.])", lambda m: _POWERS[m.group(1)], text)
    return text.replace("**", "^").replace("*", "⋅")


def with_decimal(value: sp.Basic, digits: int = 5) -> str:
    """An exact value in one line, with its decimal value when it is not a
    plain rational: ``100⋅(1 - tanh(1)²) ≈ 41.997``.

    >>> with_decimal(sp.Rational(1, 2)), with_decimal(sp.log(2)/2)
    ('1/2', 'log(2)/2 ≈ 0.34657')
    """
    text = one_line(value)
    try:
        v = sp.sympify(value)
        if v.is_number and not v.is_Rational:
            approx = sp.N(v, digits)
            if approx.is_real:
                text += " ≈ %s" % _decimal(approx, digits)
    except Exception:  # no decimal: the exact value stands alone
        pass
    return text


def _decimal(x: sp.Basic, digits: int) -> str:
    s = "%.*g" % (digits, float(x))
    return s
