"""Plain-text rendering of expressions: one readable line with σ, ⋅ and
positive terms first (``σ(b + w⋅x) - y``), for reprs and the command line.
LaTeX lives in :mod:`symloss.latex`.
"""

from __future__ import annotations

import re

import sympy as sp
from sympy.printing.latex import LatexPrinter
from sympy.printing.pretty.pretty import PrettyPrinter
from sympy.printing.str import StrPrinter

__all__ = ["one_line", "latex"]


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


_Pretty = _positive_first(PrettyPrinter)
_Str = _positive_first(StrPrinter)
_Latex = _positive_first(LatexPrinter)


def latex(expr: sp.Basic) -> str:
    """``sympy.latex`` with positive terms first.

    >>> y, z = sp.symbols('y z', real=True)
    >>> latex(z - y)
    'z - y'
    """
    return _Latex().doprint(expr)


def one_line(expr: sp.Basic) -> str:
    """A readable single-line form: SymPy's unicode pretty printer when its
    output fits one line, else the plain form with σ, ⋅ and −.

    >>> from symloss.functions import sigmoid
    >>> w, x, y, b = sp.symbols('w x y b', real=True)
    >>> one_line(x*(sigmoid(w*x + b) - y))
    'x⋅(σ(b + w⋅x) - y)'
    >>> one_line(x/(1 + w**2))
    'x/(w² + 1)'
    >>> one_line(sp.Piecewise((x, x > 0), (w**20, True)))
    'x if x > 0; w^20 otherwise'
    """
    if isinstance(expr, sp.Piecewise):
        parts = [f"{one_line(e)} if {one_line(c)}" if c is not sp.true else f"{one_line(e)} otherwise"
                 for e, c in expr.args]
        return "; ".join(parts)
    # SymPy's symbol tables read a process-wide unicode switch that depends
    # on the stream in use; pin it so the output is the same everywhere.
    from sympy.printing.pretty.pretty_symbology import pretty_use_unicode

    previous = pretty_use_unicode(True)
    try:
        text = _Pretty({"use_unicode": True, "wrap_line": False}).doprint(expr)
    finally:
        pretty_use_unicode(previous)
    if "\n" not in text:
        return text
    plain = _Str().doprint(expr)
    plain = re.sub(r"\*\*2(?![0-9.])", "²", plain)
    plain = re.sub(r"\*\*3(?![0-9.])", "³", plain)
    for a, b in (("**", "^"), ("*", "⋅"), ("sigmoid(", "σ(")):
        plain = plain.replace(a, b)
    return plain
