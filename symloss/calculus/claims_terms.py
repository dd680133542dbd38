"""The terms of the claim language that bind a variable -- ``argmin(E, v)``
and ``corr(A, B, v, D)`` with its distributions -- and the value the
relation built-ins return before a claim wraps it (see
:mod:`symloss.calculus.claims`)."""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

__all__ = ["ArgMin", "UniformDist", "NormalDist", "Corr", "RESERVED"]

RESERVED = ("L", "yhat")


class ArgMin(sp.Function):
    """The unique minimiser of ``E`` over ``v`` (unevaluated; ``v`` is bound,
    so it is not a free symbol).  ``v`` ranges over the real line, or over
    the set given as third argument: the declared domain of ``v`` (a SymPy
    ``Interval``, ``FiniteSet`` or ``Union``), so that every step -- the
    parser's rewrites that use ``v``'s domain, the proofs and the exact
    evaluation -- reads the same range.

    >>> w, x = sp.symbols('w x', real=True)
    >>> ArgMin((w - x)**2, w).free_symbols == {x}
    True
    >>> ArgMin(w, w, sp.Interval.open(0, sp.oo)).range
    Interval.open(0, oo)
    """

    nargs = (2, 3)
    is_real = True

    @property
    def range(self) -> sp.Set:
        """The set ``v`` ranges over (``Reals`` when none is given)."""
        return self.args[2] if len(self.args) == 3 else sp.S.Reals

    @property
    def free_symbols(self):
        return self.args[0].free_symbols - {self.args[1]}

    @property
    def expr(self) -> sp.Expr:
        return self.args[0]

    @property
    def var(self) -> sp.Symbol:
        return self.args[1]

    def _latex(self, printer, exp=None):
        sub = printer._print(self.args[1])
        if len(self.args) == 3:
            sub += r" \in %s" % printer._print(self.args[2])
        body = r"\operatorname*{argmin}_{%s} %s" % (sub, printer._print(self.args[0]))
        return body if exp is None else r"\left(%s\right)^{%s}" % (body, exp)


class UniformDist(sp.Function):
    """The uniform distribution on ``[lo, hi]`` (a marker inside :class:`Corr`)."""

    nargs = 2

    def _latex(self, printer, exp=None):
        return r"\mathcal{U}\left(%s, %s\right)" % tuple(printer._print(a) for a in self.args)


class NormalDist(sp.Function):
    """The normal distribution with mean ``mu`` and standard deviation ``sigma``."""

    nargs = 2

    def _latex(self, printer, exp=None):
        return r"\mathcal{N}\left(%s, %s^{2}\right)" % tuple(printer._print(a) for a in self.args)


class Corr(sp.Function):
    """Pearson correlation of ``A`` and ``B`` when ``v`` follows ``dist``
    (unevaluated: :func:`pearson` found no closed form).

    >>> w = sp.Symbol('w', real=True)
    >>> Corr(sp.exp(w), w, w, NormalDist(0, 1)).free_symbols
    set()
    """

    nargs = 4
    is_real = True

    @property
    def free_symbols(self):
        a, b, v, dist = self.args
        return (a.free_symbols | b.free_symbols | dist.free_symbols) - {v}

    def _latex(self, printer, exp=None):
        a, b, v, dist = (printer._print(x) for x in self.args)
        body = r"\operatorname{corr}_{%s \sim %s}\left(%s, %s\right)" % (v, dist, a, b)
        return body if exp is None else r"\left(%s\right)^{%s}" % (body, exp)


@dataclass(frozen=True)
class _Relation:
    """What the proportional/nondecreasing built-ins return before wrapping."""

    kind: str
    a: sp.Expr
    b: sp.Expr
    var: sp.Symbol
