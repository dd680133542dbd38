"""Substitution that respects the variables claims bind.

``argmin(E, v)`` and ``corr(A, B, v, dist)`` bind ``v``: a case split on the
free ``w`` says nothing about the ``w`` that argmin ranges over.
:func:`_replace` is ``xreplace`` with that rule; the claim language
(``at()``) and the tactics (case splits, implications) both substitute with
it.  Nodes are rebuilt by the kernel, so a closed number's sign is never
SymPy's guess.
"""

from __future__ import annotations

import sympy as sp

from ..errors import InvalidArgument
from ..language.kernel import rebuild
from .claims_terms import ArgMin, Corr

__all__ = ["_replace", "BindingLeak"]


class BindingLeak(InvalidArgument):
    """A substitution whose result SymPy rewrote so that a variable bound by
    ``argmin``/``corr`` escaped its binder (SymPy folds a Piecewise through
    any function, a binder included, when a condition contains one)."""


def _binders() -> dict:
    """Heads that bind a variable, with the position of the bound variable:
    ``argmin(E, v)`` and ``corr(A, B, v, dist)``."""
    return {ArgMin: 1, Corr: 2}


def _replace(expr: sp.Basic, mapping: dict) -> sp.Basic:
    """``expr.xreplace(mapping)`` that respects bound variables: inside
    ``argmin(E, v)`` or ``corr(A, B, v, ·)`` a key mentioning ``v`` is the
    bound ``v``, not the free one, so it is not replaced there (a case
    ``w > 0`` says nothing about the ``w`` that argmin ranges over); a value
    mentioning ``v`` is put in after renaming ``v`` to a fresh symbol.

    >>> from symloss.calculus.claims import ArgMin
    >>> w = sp.Symbol('w', real=True)
    >>> _replace(sp.Abs(w) + ArgMin((w - sp.Abs(w))**2, w), {sp.Abs(w): w})
    w + ArgMin((w - Abs(w))**2, w)
    """
    out = _replace_in(expr, mapping)
    if mapping and out is not expr and isinstance(out, sp.Basic):
        allowed = set().union(*(v.free_symbols for v in mapping.values() if isinstance(v, sp.Basic)))
        allowed |= expr.free_symbols - {k for k in mapping if isinstance(k, sp.Symbol)}
        leaked = out.free_symbols - allowed
        if leaked:
            names = ", ".join(sorted(map(str, leaked)))
            raise BindingLeak(f"substituting {_show(mapping)} into {expr} would let the bound variable(s) {names} "
                              f"escape their argmin/corr (SymPy folds a piecewise condition through the binder); "
                              f"this substitution is not supported")
    return out


def _show(mapping: dict) -> str:
    return ", ".join(f"{k} = {v}" for k, v in mapping.items())


def _replace_in(expr: sp.Basic, mapping: dict) -> sp.Basic:
    if not mapping:
        return expr
    if expr in mapping:
        return mapping[expr]
    if not expr.args:
        return expr
    binders = _binders()
    head = next((h for h in binders if isinstance(expr, h)), None)
    if head is None:
        args = [_replace_in(a, mapping) for a in expr.args]
        # rebuilt by the kernel: a closed number's sign is never SymPy's guess
        return expr if all(a is b for a, b in zip(args, expr.args)) else rebuild(expr, args)
    i = binders[head]
    v = expr.args[i]
    inner = {k: val for k, val in mapping.items() if v not in k.free_symbols}
    if not inner:
        return expr
    if any(v in val.free_symbols for val in inner.values()):
        fresh = sp.Dummy(v.name, **v.assumptions0)
        expr = expr.func(*[a.xreplace({v: fresh}) for a in expr.args])
    args = list(expr.args)
    args = [a if j == i else _replace_in(a, inner) for j, a in enumerate(args)]
    return expr.func(*args)
