"""Roots by inverting monotone heads: ``H(u) = 0`` solved through the model output.

The minimiser of a loss of a monotone model (σ, tanh, exp, softplus of an
affine map) is where the model output equals a target: ``sinh(y − σ(z)) = 0``
iff ``σ(z) = y`` iff ``z = log y − log(1 − y)``.  :func:`inverted_roots` walks
``H`` down such heads -- products (a factor vanishes), sign-preserving heads
through 0 (``sinh``, ``tanh``, ``atan``, odd powers), one ``u``-term plus a
rest (``c·F(u) = −rest``), and the inverses of σ, ``tanh``, ``exp``,
``log``, softplus and ``sinh`` -- down to an equation linear in ``u``.

Only a search: every candidate is checked by :class:`symloss.engine.argmin.RootExists`
(substitution rewrites ``H`` to 0 by zero-equivalence; the candidate's
definedness conditions proved), so a wrong inversion can only lose a root,
never prove a false one.  It replaces SymPy's ``solve`` on these shapes,
which takes seconds on the exponential rewrite.

>>> u, x, y, b = sp.symbols('u x y b', real=True)
>>> inverted_roots(-x*sp.sinh(y - sigmoid(u*x + b)), u)
[(-b + log(-y/(y - 1)))/x, (-b + log(y) - log(1 - y))/x]
>>> inverted_roots(-x*y*(1 - sigmoid(u*x + b)) + x*(1 - y)*sigmoid(u*x + b), u)[0]
(-b + log(-y/(y - 1)))/x
>>> inverted_roots(sp.tanh(2*u) - y, u)[0]
log(-y/(y - 1) - 1/(y - 1))/4
"""

from __future__ import annotations

import sympy as sp

from ..language.functions import sigmoid, softplus

__all__ = ["inverted_roots"]

#: heads f with f(z) = 0 iff z = 0
_THROUGH_ZERO = (sp.sinh, sp.tanh, sp.atan)


def _inverse(head, a: sp.Expr) -> list:
    """``f⁻¹(a)`` for a monotone head ``f``, in its usual closed forms (the
    quotient form first, as SymPy's ``solve`` writes it; the split logs
    second, whose conditions are the range conditions one by one)."""
    if head is sigmoid:
        return [sp.log(a / (1 - a)), sp.log(a) - sp.log(1 - a)]
    if head is sp.exp:
        return [sp.log(a)]
    if head is sp.log:
        return [sp.exp(a)]
    if head is sp.tanh:
        return [sp.log((1 + a) / (1 - a)) / 2, (sp.log(1 + a) - sp.log(1 - a)) / 2]
    if head is softplus:
        return [sp.log(sp.exp(a) - 1)]
    if head is sp.sinh:
        return [sp.log(a + sp.sqrt(a ** 2 + 1))]
    return []


def _solve(e: sp.Expr, u, depth: int) -> list:
    """Candidates ``r`` (free of ``u``) with ``e(r) = 0``."""
    if depth > 12 or u not in e.free_symbols:
        return []
    try:
        poly = sp.Poly(e, u)
    except sp.PolynomialError:
        poly = None
    if poly is not None and poly.degree() == 1:
        c1, c0 = poly.all_coeffs()
        if u not in (c1 + c0).free_symbols:
            return [sp.cancel(-c0 / c1)]
    if isinstance(e, sp.Mul):
        out = []
        for f in e.args:
            out.extend(_solve(f, u, depth + 1))
        return out
    if isinstance(e, sp.Pow) and e.exp.is_Rational and e.exp > 0:
        return _solve(e.base, u, depth + 1)
    if isinstance(e, _THROUGH_ZERO):
        return _solve(e.args[0], u, depth + 1)
    if isinstance(e, sp.Add):
        with_u = [t for t in e.args if u in t.free_symbols]
        if len(with_u) == 1:
            rest = sp.Add(*[t for t in e.args if u not in t.free_symbols])
            c, f = with_u[0].as_independent(u, as_Add=False)
            return _equal(f, -rest / c, u, depth + 1)
        alt = sp.factor_terms(e)
        if alt != e and not isinstance(alt, sp.Add):
            return _solve(alt, u, depth + 1)
        return _through_output(e, u, depth)
    return []


def _through_output(e: sp.Expr, u, depth: int) -> list:
    """``u`` only inside one function node ``F`` (the model output): solve
    the equation linear in ``t = F``, then ``F = t*``."""
    nodes = {n for n in sp.preorder_traversal(e) if isinstance(n, sp.Function) and u in n.free_symbols}
    outer = [n for n in nodes if not any(m != n and m.has(n) for m in nodes)]  # not inside another
    if len(outer) != 1:
        return []
    f = outer[0]
    t = sp.Dummy("t")
    g = e.xreplace({f: t})
    if u in g.free_symbols:
        return []
    try:
        poly = sp.Poly(sp.expand(g), t)
    except sp.PolynomialError:
        return []
    if poly.degree() != 1:
        return []
    c1, c0 = poly.all_coeffs()
    return _equal(f, sp.cancel(-c0 / c1), u, depth + 1)


def _equal(f: sp.Expr, a: sp.Expr, u, depth: int) -> list:
    """Candidates with ``f(r) = a`` (``a`` free of ``u``)."""
    if isinstance(f, sp.Function) and len(f.args) == 1:
        out = []
        for inv in _inverse(type(f), a):
            out.extend(_solve(f.args[0] - inv, u, depth + 1))
        if out:
            return out
    return _solve(f - a, u, depth + 1) if not isinstance(f, sp.Function) else []


def inverted_roots(h: sp.Expr, u) -> list:
    """Closed-form candidates for the roots of ``h`` in ``u`` (see module doc)."""
    out = []
    for r in _solve(h, u, 0):
        if u not in r.free_symbols and r not in out:
            out.append(r)
    return out
