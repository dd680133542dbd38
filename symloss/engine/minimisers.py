"""Exact minimiser status at a point: how ``E(v)`` is minimised over the real line.

:func:`argmin_status` answers ``("unique", m)``, ``("none", why)``,
``("many", why)`` or ``None`` (undecided) for an expression in one variable
whose other symbols are numbers: polynomials by their exact critical points,
smooth functions by a proved sign of the derivative on each side, kinked and
piecewise ones by their finitely many candidate points, each comparison
proved by the sign engine or z3 and re-checked.  The refuter uses it to
evaluate ``argmin`` terms exactly at a candidate point
(:mod:`symloss.refute.counterexample`), and :mod:`.algebraic` takes its
candidate for a strict lower-bound proof from it; it lives in the engine
because every answer rests on engine proofs.
"""

from __future__ import annotations

import itertools
import time

import sympy as sp

from ..calculus.claims import ArgMin
from ..calculus.exact import sign_of, substitute, truth
from ..calculus.proof import Sign, check_proof
from ..errors import ProofCheckError
from ..language.functions import definedness_conditions, derivative, relu, sigmoid, softplus
from ..language.kernel import sign_of as kernel_sign
from .signs import prove_sign
from .verdict import value_text

__all__ = ["argmin_status", "argmin_closed_form", "SIMPLE"]

#: Simple values in the order the shrinker prefers them (0 after the small
#: nonzero values: a generic point explains more than a degenerate one).
SIMPLE = [sp.Integer(v) if isinstance(v, int) else sp.Rational(*v) for v in
          [1, -1, 2, -2, (1, 2), (-1, 2), 0, 3, -3, (3, 2), (-3, 2), (1, 3), (-1, 3),
           4, -4, (1, 4), (-1, 4), 5, -5, 10, -10]]
_RANK = {v: i for i, v in enumerate(SIMPLE)}


def _rank(v: sp.Basic) -> int:
    if v in _RANK:
        return _RANK[v]
    if v.is_Rational:
        return 100 + abs(int(v.p)) + int(v.q)
    return 10 ** 6


def _past(deadline: float | None) -> bool:
    return deadline is not None and time.monotonic() > deadline


_SMOOTH_HEADS = (sp.Add, sp.Mul, sp.Pow, sp.exp, sp.log, sigmoid, softplus, sp.tanh, sp.sinh,
                 sp.cosh, sp.atan, sp.Symbol, sp.Number, sp.NumberSymbol)
#: heads that are continuous but may have kinks (piecewise-linear pieces)
_KINK_HEADS = (sp.Abs, sp.Max, sp.Min, relu)
_STRICT = (sp.StrictGreaterThan, sp.StrictLessThan, sp.Unequality)
#: nodes of ``Piecewise``/``where`` definitions (z3 translates them exactly, so
#: the lower-bound proofs of :func:`_kink_status` cover them)
_PIECEWISE_NODES = (sp.Piecewise, sp.functions.elementary.piecewise.ExprCondPair, sp.Rel, sp.And, sp.Or,
                    sp.Not, sp.logic.boolalg.BooleanAtom)


def _heads_ok(expr: sp.Expr, var: sp.Symbol, heads) -> bool:
    """Every node of ``expr`` has one of ``heads``; powers of ``var``-terms
    have integer exponents (so no hidden kink such as ``(w**2)**(1/3)``)."""
    for node in sp.preorder_traversal(expr):
        if not isinstance(node, heads):
            return False
        if isinstance(node, sp.Pow) and var in node.base.free_symbols and not node.exp.is_Integer:
            return False
        if isinstance(node, sp.Pow) and var in node.exp.free_symbols and not (
                not node.base.free_symbols and kernel_sign(node.base) == 1):
            return False
    return True


def _checked_sign(expr: sp.Expr, goal: Sign, hypotheses, deadline=None) -> bool:
    """Whether the sign engine proves ``expr <goal> 0`` under ``hypotheses``
    with a proof that re-checks."""
    try:
        r = prove_sign(expr, goal, hypotheses, deadline=deadline)
    except Exception:  # noqa: BLE001 - a failed proof decides nothing
        return False
    if r is None:
        return False
    try:
        check_proof(r.step, set(hypotheses))
    except ProofCheckError:
        return False
    return True


def _checked_z3(statement: sp.Basic, deadline=None) -> bool:
    """Whether z3 proves ``statement`` for every real value of its free
    symbols (where defined), with a :class:`Decided` step that re-checks."""
    try:
        from .z3bridge import decide as z3_decide
    except ImportError:  # pragma: no cover - z3 is a dependency
        return False
    left = 2.0 if deadline is None else min(2.0, deadline - time.monotonic())
    if left < 0.1:
        return False
    try:
        d = z3_decide(statement, [], timeout_ms=int(left * 1000))
        if d.status != "proved":
            return False
        check_proof(d.step, set())
    except Exception:  # noqa: BLE001 - ProofCheckError, z3 errors: nothing decided
        return False
    return True


def _implied(cond: sp.Basic, hypotheses, deadline=None) -> bool:
    """Whether the strict condition ``cond`` (``a != b``, ``a > b``, ``a < b``)
    follows from ``hypotheses`` by a re-checked sign proof."""
    goal = {sp.Unequality: Sign.NONZERO, sp.StrictGreaterThan: Sign.POSITIVE,
            sp.StrictLessThan: Sign.NEGATIVE}.get(type(cond))
    return goal is not None and _checked_sign(cond.lhs - cond.rhs, goal, hypotheses, deadline)


def _polynomial_status(poly: sp.Poly, var: sp.Symbol):
    """:func:`argmin_status` for a polynomial with closed (number)
    coefficients."""
    deg = poly.degree()
    if deg <= 0:
        return ("many", f"the function does not depend on {var}: every {var} is a minimiser")
    s = sign_of(poly.LC())
    if s is None:
        return None
    if deg % 2 == 1:
        end = "−∞" if s > 0 else "+∞"
        return ("none", f"unbounded below (degree {deg} in {var}): not attained as {var} → {end}")
    if s < 0:
        return ("none", f"unbounded below: not attained as {var} → ±∞")
    if deg == 2:
        a, b, _ = poly.all_coeffs()
        return ("unique", sp.cancel(-b / (2 * a)))
    # even degree, positive leading coefficient: the minimum is attained, at
    # a real critical point; every real critical point must be known exactly
    dpoly = poly.diff(var)
    try:
        crit = sp.real_roots(dpoly)
        count = sp.Poly(dpoly.sqf_part(), var).count_roots()
    except Exception:  # noqa: BLE001 - non-rational coefficients, ...
        return None
    crit = list(dict.fromkeys(crit))
    if any(r.has(sp.CRootOf) for r in crit):  # algebraic critical points: exact root isolation
        from .algebraic import polynomial_argmin

        best = polynomial_argmin(poly)
        return None if best is None else ("unique", best)
    if len(crit) != count or any(r.has(sp.I) for r in crit):
        return None
    for r in crit:  # each is exactly a real root of the derivative
        if sign_of(dpoly.as_expr().xreplace({var: r})) != 0:
            return None
    vals = [poly.as_expr().xreplace({var: r}) for r in crit]
    best = [0]
    for i in range(1, len(crit)):
        c = sign_of(vals[i] - vals[best[0]])
        if c is None:
            return None
        if c < 0:
            best = [i]
        elif c == 0:
            best.append(i)
    at = [crit[i] for i in best]
    if len(at) == 1:
        return ("unique", at[0])
    pts = ", ".join(value_text(r) for r in at)
    return ("many", f"minimisers {var} = {pts} (both give the value {value_text(vals[best[0]])})")


def _smooth_status(expr: sp.Expr, var: sp.Symbol, deadline=None):
    """:func:`argmin_status` for a function differentiable wherever defined
    on an open set: no minimiser when the derivative is strictly one-signed
    (Fermat); the critical point when the function is defined everywhere and
    strictly convex (second derivative > 0, proved and re-checked) and the
    root of the derivative is found in closed form and checked exactly."""
    conds = definedness_conditions(expr)
    if not all(isinstance(c, _STRICT) for c in conds):
        return None
    d = derivative(expr, var)
    for c in definedness_conditions(d):  # the derivative exists wherever the function is defined
        if c not in conds and not _implied(c, conds, deadline):
            return None
    for goal, word, end in ((Sign.POSITIVE, "increasing", "−∞"), (Sign.NEGATIVE, "decreasing", "+∞")):
        if _checked_sign(d, goal, conds, deadline):
            where = "" if not conds else " wherever it is defined"
            return ("none", f"the derivative in {var} is {goal.value}{where} (proved): strictly {word}, "
                            f"no minimiser (infimum approached as {var} → {end} or a boundary)")
    if conds:
        return None
    d2 = derivative(d, var)
    if definedness_conditions(d2) or not _checked_sign(d2, Sign.POSITIVE, [], deadline):
        return None
    from .argmin import solve_may_succeed

    if not solve_may_succeed(d, var):
        return None  # σ(w + 1) + σ(7 w/3 + 1), a batch's mean: solve() finds no closed form, slowly
    try:
        roots = sp.solve(d, var)
    except Exception:  # noqa: BLE001 - solve gives up in many ways
        return None
    for r in roots:
        if not isinstance(r, sp.Expr) or r.free_symbols or r.has(sp.I, sp.CRootOf, sp.zoo, sp.nan):
            continue
        for form in (sp.expand_log(r, force=True), r):  # log(2)/3 rather than log(2**(1/3))
            if sign_of(d.xreplace({var: form})) == 0:  # checked for the form returned
                return ("unique", form)
    return None


def _kink_candidates(expr: sp.Expr, var: sp.Symbol) -> list:
    """Exact real roots of the kink arguments of ``expr`` in ``var`` (where
    a piecewise-linear function can have its minimisers)."""
    args = []
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.Piecewise):  # where the branches meet
            args += [c.lhs - c.rhs for _, cond in node.args for c in sp.And.make_args(cond)
                     if isinstance(c, sp.Rel)]
        if isinstance(node, (sp.Abs, relu)):
            args.append(node.args[0])
        elif isinstance(node, (sp.Max, sp.Min)):
            args += [a - b for a, b in itertools.combinations(node.args, 2)]
    out = []
    for a in args:
        try:
            poly = sp.Poly(sp.expand(a), var)
        except sp.PolynomialError:
            continue
        if poly.degree() < 1 or poly.degree() > 2 or not all(c.is_Rational for c in poly.all_coeffs()):
            continue
        for r in sp.real_roots(poly):
            if r.is_Rational and r not in out:
                out.append(r)
    for r in _piece_critical_points(expr, var):  # smooth minimisers of one piece (an active ReLU)
        if r not in out:
            out.append(r)
    return sorted(out, key=_rank)


def _piece_critical_points(expr: sp.Expr, var: sp.Symbol) -> list:
    """Rational critical points of the polynomial pieces of a kinked
    function: every kink replaced by one of its branches (``relu(u)`` by
    ``u`` or 0, ``|u|`` by ``±u``, ``max``/``min`` by an argument), the
    derivative's rational roots.  Only candidates: each is checked by z3."""
    atoms = [a for a in expr.atoms(sp.Abs, relu, sp.Max, sp.Min, sp.Piecewise) if var in a.free_symbols][:3]
    branches = []
    for a in atoms:
        if isinstance(a, sp.Piecewise):
            branches.append(tuple(e for e, _ in a.args[:3]))
        elif isinstance(a, relu):
            branches.append((a.args[0], sp.S.Zero))
        elif isinstance(a, sp.Abs):
            branches.append((a.args[0], -a.args[0]))
        else:
            branches.append(tuple(a.args[:3]))
    out = []
    for choice in itertools.product(*branches):
        piece = expr.xreplace(dict(zip(atoms, choice)))
        try:
            poly = sp.Poly(sp.expand(sp.diff(piece, var)), var)
        except sp.PolynomialError:
            continue
        if not 1 <= poly.degree() <= 3 or not all(c.is_Rational for c in poly.all_coeffs()):
            continue
        out += [r for r in sp.real_roots(poly) if r.is_Rational and r not in out]
    return out


def _kink_status(expr: sp.Expr, var: sp.Symbol, deadline=None):
    """:func:`argmin_status` for a continuous function with kinks, defined
    everywhere: a candidate ``c`` (a kink) is a minimiser when z3 proves
    ``E(v) >= E(c)`` for every ``v``; unique when it proves ``E(v) > E(c)``
    for ``v != c``; not unique when another exact point gives the same
    value."""
    if definedness_conditions(expr) or not _heads_ok(expr, var, _SMOOTH_HEADS + _KINK_HEADS + _PIECEWISE_NODES):
        return None
    u = sp.Dummy("u", real=True)
    e = expr.xreplace({var: u})
    for c in _kink_candidates(expr, var)[:4]:
        m = substitute(expr, {var: c})
        if truth(sp.Eq(expr, m), {var: c}) is not True:  # E(c) = m, decided exactly
            continue
        if not _checked_z3(sp.Ge(e, m), deadline):
            continue
        for other in [c + k for k in (1, -1, 2, -2, sp.Rational(1, 2), sp.Rational(-1, 2))]:
            if sign_of(substitute(expr, {var: other}) - m) == 0:
                lo, hi = sorted([c, other])
                return ("many", f"minimisers {var} = {value_text(lo)}, {value_text(hi)} (both give the "
                                f"value {value_text(m)}, and {value_text(m)} is a lower bound, proved)")
        if _checked_z3(sp.Implies(sp.Ne(u, c), sp.Gt(e, m)), deadline):
            return ("unique", c)
        return None
    return None


def argmin_status(expr: sp.Expr, var: sp.Symbol, deadline: float | None = None, cache: dict | None = None):
    """How ``expr`` (whose only free symbol is ``var``) is minimised over the
    reals: ``("unique", m)``, ``("none", why)``, ``("many", why)``, or
    ``None`` when undecided.  Every answer rests on an exact argument:
    exact roots of a polynomial's derivative; a re-checked sign proof of the
    derivative (no minimiser) or of the second derivative (strict
    convexity); a re-checked z3 proof of a lower bound for kinked functions.
    ``cache`` (a dict owned by the caller) remembers answers.

    >>> w = sp.Symbol('w', real=True)
    >>> argmin_status((2*w - 1)**2, w)
    ('unique', 1/2)
    >>> argmin_status(sp.Integer(3), w)[0], argmin_status(3*w + 1, w)[0], argmin_status((w**2 - 1)**2, w)
    ('many', 'none', ('many', 'minimisers w = -1, 1 (both give the value 0)'))
    >>> argmin_status(w**4 - w, w), argmin_status(sp.exp(w) + sp.exp(-2*w), w)
    (('unique', 2**(1/3)/2), ('unique', log(2)/3))
    >>> argmin_status(sigmoid(w), w)[0], argmin_status(relu(1 - w), w)[0], argmin_status(sp.Abs(w - 1), w)
    ('none', 'many', ('unique', 1))
    """
    if cache is not None and (expr, var) in cache:
        return cache[(expr, var)]
    out = _argmin_status(expr, var, deadline)
    if cache is not None and (out is not None or not _past(deadline)):
        cache[(expr, var)] = out
    return out


def _argmin_status(expr: sp.Expr, var: sp.Symbol, deadline):
    if var not in expr.free_symbols:
        return ("many", f"the function does not depend on {var}: every {var} is a minimiser")
    if expr.free_symbols - {var}:
        return None
    try:
        poly = sp.Poly(sp.expand(expr), var)
    except sp.PolynomialError:
        poly = None
    if poly is not None and all(c.is_number for c in poly.all_coeffs()):
        return _polynomial_status(poly, var)
    if _heads_ok(expr, var, _SMOOTH_HEADS):
        found = _smooth_status(expr, var, deadline)
        if found is None and not _past(deadline):  # no closed form: a checked bracket of the root
            from .implicit_minimiser import implicit_status

            found = implicit_status(expr, var, deadline)
        return found
    return _kink_status(expr, var, deadline)


def argmin_closed_form(term: ArgMin):
    """A closed form of ``argmin`` valid where the function is a convex
    quadratic in the variable, as ``(m, condition)``; ``None`` otherwise.

    >>> w, x, y = sp.symbols('w x y', real=True)
    >>> argmin_closed_form(ArgMin((w*x - y)**2/2, w))
    (y/x, x**2/2 > 0)
    """
    e, v = term.expr, term.var
    try:
        poly = sp.Poly(sp.expand(e), v)
    except sp.PolynomialError:
        return None
    if poly.degree() != 2:
        return None
    a, b, _ = poly.all_coeffs()
    return sp.cancel(-b / (2 * a)), sp.Gt(sp.factor(a), 0)
