"""Roots and absolute values in a normal form, so ratios and identities through them cancel.

SymPy leaves ``|x·(b + w x − y)| / |b + w x − y|`` alone, so the ratio test
of ``proportional(abs(d(L, w)), sqrt(L), w)`` sees ``w`` in the quotient.
:func:`abs_normal` rewrites, bottom-up, with identities that hold for all
real values wherever either side is defined:

* ``|a·b| = |a|·|b|`` (after pulling common factors out of ``|·|``'s
  argument: ``|b x + w x² − x y| = |x·(b + w x − y)|``);
* ``|aⁿ| = |a|ⁿ`` for an integer ``n``;
* ``√(a²) = |a|`` and ``(a²)^(k/2) = |a|^k`` for real ``a``;
* ``|a|^(2k) = a^(2k)`` for real ``a`` and an integer ``k``;
* ``|c| = c`` or ``−c`` for a rational ``c``.

:class:`AbsIdentity` (``A = B`` because the normal form of ``A − B`` is
zero-equivalent to 0) is the checked step; its ``verify()`` recomputes the
normal form.

>>> x, r = sp.symbols('x r', real=True)
>>> abs_normal(sp.Abs(x*r + 2*x) / sp.Abs(r + 2))
Abs(x)
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from ..calculus.proof import Step

__all__ = ["abs_normal", "AbsIdentity", "abs_identity"]


def _real(e: sp.Expr) -> bool:
    return e.is_extended_real is True


def _abs_of(arg: sp.Expr) -> sp.Expr:
    """``|arg|`` split over the factors of ``arg`` (rationals taken out exactly)."""
    if arg.is_Rational:
        return abs(arg)
    if isinstance(arg, sp.Add):
        pulled = sp.factor_terms(arg)
        if isinstance(pulled, sp.Mul):
            arg = pulled
    if isinstance(arg, sp.Mul):
        return sp.Mul(*[_abs_of(a) for a in arg.args])
    if isinstance(arg, sp.Pow) and arg.exp.is_Integer:
        return _abs_of(arg.base) ** arg.exp
    if isinstance(arg, sp.Abs):
        return arg
    if isinstance(arg, sp.Pow) and arg.exp.is_Rational and arg.base.is_nonnegative is True:
        return arg
    return sp.Abs(arg)


def _node(e: sp.Expr) -> sp.Expr:
    if isinstance(e, sp.Abs) and _real(e.args[0]):
        return _abs_of(e.args[0])
    if isinstance(e, sp.Pow) and e.exp.is_Rational:
        b, n = e.base, e.exp
        if isinstance(b, sp.Abs) and n.is_Integer and n % 2 == 0 and _real(b.args[0]):
            return b.args[0] ** n
        if isinstance(b, sp.Pow) and b.exp == 2 and _real(b.base) and (2 * n).is_Integer:
            return _abs_of(b.base) ** (2 * n)  # (a²)^(k/2) = |a|^k
    return e


def abs_normal(expr: sp.Expr) -> sp.Expr:
    """``expr`` with the rewrites of the module doc applied bottom-up."""
    if not isinstance(expr, sp.Basic) or not expr.args:
        return expr
    args = [abs_normal(a) for a in expr.args]
    e = expr if all(a is b for a, b in zip(args, expr.args)) else expr.func(*args)
    out = _node(e)
    return abs_normal(out) if out != e and out.args and not isinstance(out, sp.Abs) else out


def _is_zero(e) -> bool:
    from ..calculus.derive import is_zero

    try:
        return is_zero(e) is True
    except (TypeError, ValueError, sp.PolynomialError):
        return False


@dataclass(frozen=True)
class AbsIdentity(Step):
    """``A = B`` because ``A − B`` rewrites to 0 once roots and absolute
    values are normalised (``|a·b| = |a|·|b|``, ``|aⁿ| = |a|ⁿ``,
    ``√(a²) = |a|``, ``|a|^(2k) = a^(2k)`` for real ``a``), wherever both
    sides are defined."""

    relation: sp.Basic

    @property
    def fact(self) -> sp.Basic:
        return self.relation

    def verify(self) -> None:
        r = self.relation
        if not isinstance(r, sp.Equality):
            raise self.fail(f"{r} is not an equation")
        from ..calculus.claims import ArgMin, Corr

        if r.atoms(ArgMin, Corr) or not _is_zero(abs_normal(sp.Add(r.lhs, -r.rhs))):
            raise self.fail(f"{r.lhs} - ({r.rhs}) does not rewrite to 0 after normalising |.| and roots")


def abs_identity(goal, env) -> AbsIdentity | None:
    """Goal tactic: ``A == B`` through :func:`abs_normal` (only when ``|·|``
    or a fractional power occurs)."""
    f = goal.statement
    if not isinstance(f, sp.Equality) or isinstance(f.lhs, sp.sign):
        return None
    if not f.has(sp.Abs) and not any(p.exp.is_Rational and not p.exp.is_Integer for p in f.atoms(sp.Pow)):
        return None
    step = AbsIdentity(f)
    try:
        step.verify()
    except Exception:  # noqa: BLE001 - ProofCheckError or a SymPy failure: not proved
        return None
    return step
