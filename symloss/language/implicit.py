"""Real numbers defined implicitly: the unique root of a function in a bracket.

``ImplicitRoot(H, u, a, b)`` denotes the unique root of ``H`` (a closed
expression in the bound variable ``u``) in ``(a, b)``, ``a < b`` rationals.
The trusted kernel (:mod:`symloss.language.kernel`) encloses it by
``[a, b]`` only after checking, by outward-rounded interval arithmetic,
that ``H(a) < 0 < H(b)`` and that ``∂H/∂u > 0`` on the whole of ``[a, b]``
(so ``H`` is defined, continuous and strictly increasing there: exactly one
root).  Anything else leaves the number undecided.

The engine builds such numbers for minimisers without a closed form at an
exact point (:mod:`symloss.engine.implicit_minimiser`): a checked proof that
``sign(∂E/∂u) = sign(H(u))`` and ``H`` has one sign change places
``argmin(E, v)`` at the root of ``H``; two rationals where ``H`` has opposite
exact signs bracket it.

>>> u = sp.Dummy('u', real=True)
>>> r = ImplicitRoot(u**3 + u - 1, u, sp.Rational(1, 2), sp.Rational(3, 4))
>>> r.free_symbols, r.bracket
(set(), (1/2, 3/4))
>>> str(r)
'(argmin ≈ 0.625)'
"""

from __future__ import annotations

import sympy as sp
from mpmath.libmp import prec_to_dps

__all__ = ["ImplicitRoot"]


class ImplicitRoot(sp.Function):
    """The unique root of ``H`` (``args[0]``, in the bound variable
    ``args[1]``) between the rationals ``args[2] < args[3]`` (see the module
    doc; the kernel checks the bracket before it uses it)."""

    nargs = 4
    is_real = True

    @property
    def free_symbols(self):
        return self.args[0].free_symbols - {self.args[1]}

    @property
    def core(self) -> sp.Expr:
        return self.args[0]

    @property
    def var(self) -> sp.Symbol:
        return self.args[1]

    @property
    def bracket(self) -> tuple:
        return self.args[2], self.args[3]

    def _eval_evalf(self, prec):
        # display only: the midpoint of the bracket (never used to decide anything)
        a, b = self.bracket
        return sp.Float((a + b) / 2).evalf(prec_to_dps(prec) if prec else 15)

    def _eval_derivative(self, s):
        return sp.S.Zero  # a number: no free symbols

    def _sympystr(self, printer):
        # the bracket's midpoint (the engine builds these numbers for minimisers): (argmin ≈ 0.2448987280)
        a, b = self.bracket
        return f"(argmin ≈ {float((a + b) / 2):.10g})"

    def _latex(self, printer, exp=None):
        a, b = self.bracket
        body = r"\operatorname{root}_{%s \in [%s, %s]} \left(%s\right)" % (
            printer._print(self.var), printer._print(sp.Float(float(a), 6)), printer._print(sp.Float(float(b), 6)),
            printer._print(self.core))
        return body if exp is None else r"\left(%s\right)^{%s}" % (body, exp)
