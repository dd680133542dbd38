"""Exact real algebraic numbers: root isolation, signs, polynomial minimisers.

SymPy writes the real roots of an irreducible cubic or quartic as
``CRootOf(p, k)``: the ``k``-th real root of ``p``.  Such a number is exact
but SymPy cannot compare it with anything.  Here:

* :func:`isolating_interval` gives rationals ``a < b`` with exactly one root
  of ``p`` in ``[a, b]``, *checked* by Sturm's theorem (``count_roots``) and
  by the index (the number of real roots below ``a``), and refines it by
  bisection at exact rational points;
* :func:`algebraic_sign` decides the sign of a closed expression built from
  rationals, roots and ``CRootOf`` numbers: interval enclosures over
  isolating intervals refined until they exclude 0, and when they never do,
  exact zero-equivalence by the minimal polynomial;
* :func:`polynomial_argmin` finds the global minimiser of a polynomial with
  rational coefficients exactly: every real critical point (the real roots
  of ``p′``, counted by Sturm), their values compared exactly;
* :class:`PolynomialMinimiser` (``argmin(E, v) = r``) and
  :class:`AlgebraicTruth` (a closed statement decided exactly) are the proof
  steps; both ``verify()`` by recomputing from scratch.

>>> w = sp.Symbol('w', real=True)
>>> r = polynomial_argmin(sp.Poly(w**4/4 - w**2 + w/5, w))
>>> r
CRootOf(5*x**3 - 10*x + 1, 0)
>>> algebraic_sign(r + sp.Rational(3, 2)), algebraic_sign(r + sp.Rational(7, 5))
(1, -1)
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from ..calculus.proof import Step
from ..language.roots import _poly_of, isolating_interval  # noqa: F401 - isolating_interval is re-exported

__all__ = [
    "isolating_interval",
    "algebraic_sign",
    "algebraic_truth",
    "polynomial_argmin",
    "PolynomialMinimiser",
    "AlgebraicTruth",
    "AtMinimum",
    "polynomial_minimiser",
    "at_minimum",
]

#: bisection steps before a sign is left to exact zero-equivalence
_REFINE = 60


def _roots_in(expr: sp.Basic) -> list:
    return sorted(expr.atoms(sp.CRootOf), key=sp.default_sort_key)


def algebraic_sign(expr: sp.Expr) -> int | None:
    """The exact sign (-1, 0, 1) of a closed real expression that may
    contain ``CRootOf`` numbers, or ``None`` when undecided.

    >>> x = sp.Symbol('x')
    >>> r = sp.CRootOf(x**3 - 2, 0)
    >>> algebraic_sign(r**3 - 2), algebraic_sign(r - sp.Rational(126, 100))
    (0, -1)
    """
    from .enclosure import Undefined, enclose

    expr = sp.sympify(expr)
    if expr.free_symbols:
        return None
    if expr.is_Rational:
        return int(sp.sign(expr))
    roots = _roots_in(expr)
    names = [sp.Dummy(f"r{i}", real=True) for i in range(len(roots))]
    body = expr.xreplace(dict(zip(roots, names)))
    try:
        for steps in (0, 10, 25, _REFINE):
            box = {}
            for n, r in zip(names, roots):
                a, b = isolating_interval(r, steps)
                box[n] = (a, b)
            e = enclose(body, box, 0)
            if e.a > 0:
                return 1
            if e.b < 0:
                return -1
    except (ValueError, Undefined):
        pass
    try:
        if sp.minimal_polynomial(expr, sp.Dummy("t")).is_Symbol:
            return 0
    except Exception:  # noqa: BLE001 - minimal_polynomial refuses: undecided
        pass
    return None


_REL = {sp.Eq: lambda s: s == 0, sp.Ne: lambda s: s != 0, sp.Lt: lambda s: s < 0,
        sp.Le: lambda s: s <= 0, sp.Gt: lambda s: s > 0, sp.Ge: lambda s: s >= 0}


def algebraic_truth(statement: sp.Basic) -> bool | None:
    """Truth of a closed comparison (or ``and``/``or``/``not`` of them)
    whose sides may contain ``CRootOf`` numbers; ``None`` when undecided."""
    if statement is sp.true:
        return True
    if statement is sp.false:
        return False
    if isinstance(statement, sp.Rel) and type(statement) in _REL:
        s = algebraic_sign(sp.Add(statement.lhs, -statement.rhs))
        return None if s is None else _REL[type(statement)](s)
    if isinstance(statement, (sp.And, sp.Or)):
        vals = [algebraic_truth(a) for a in statement.args]
        if isinstance(statement, sp.And):
            return False if False in vals else (None if None in vals else True)
        return True if True in vals else (None if None in vals else False)
    if isinstance(statement, sp.Not):
        v = algebraic_truth(statement.args[0])
        return None if v is None else not v
    return None


def _is_root(r: sp.Expr, dp: sp.Poly) -> bool:
    """Whether ``r`` (a real root SymPy reported) is exactly a root of ``dp``:
    a rational by evaluation, a ``CRootOf`` by its polynomial dividing
    ``dp``, anything else by :func:`algebraic_sign`."""
    if r.is_Rational:
        return dp.eval(r) == 0
    if isinstance(r, sp.CRootOf):
        q = _poly_of(r)
        q = sp.Poly(q.as_expr().xreplace({q.gens[0]: dp.gens[0]}), dp.gens[0])
        return dp.rem(q).is_zero
    return algebraic_sign(dp.as_expr().xreplace({dp.gens[0]: r})) == 0


def _value_enclosure(e: sp.Expr, v, r: sp.Expr, steps: int):
    """An enclosure of ``e`` at ``v = r``: over the isolating interval of a
    ``CRootOf``, at the point for a rational, of the closed number otherwise."""
    from .enclosure import enclose

    if isinstance(r, sp.CRootOf):
        return enclose(e, {v: isolating_interval(r, steps)}, 1)
    if r.is_Rational:
        return enclose(e, {v: (r, r)}, 0)
    return enclose(e.xreplace({v: r}), {}, 0)


def _compare(e, v, r1, r2) -> int | None:
    """The sign of ``e(r1) − e(r2)`` from enclosures refined until they
    separate; ``None`` when they never do (a tie is not decided here)."""
    from .enclosure import Undefined, _hi, _lo

    for steps in (0, 10, 25, _REFINE):
        try:
            a, b = _value_enclosure(e, v, r1, steps), _value_enclosure(e, v, r2, steps)
        except (ValueError, Undefined):
            return None
        if _hi(a) < _lo(b):
            return -1
        if _lo(a) > _hi(b):
            return 1
    return None


def polynomial_argmin(poly: sp.Poly):
    """The unique global minimiser of a polynomial with rational
    coefficients in one variable (an exact rational, radical or
    ``CRootOf``), or ``None`` when there is none, it is not unique, or it is
    undecided.  Every real critical point is found (``real_roots`` of
    ``p′``, their number checked by Sturm's theorem on the square-free part,
    each checked to be a root exactly) and the values there are compared by
    enclosures over isolating intervals refined until they separate."""
    if len(poly.gens) != 1 or not all(c.is_Rational for c in poly.all_coeffs()):
        return None
    v = poly.gens[0]
    deg = poly.degree()
    if deg < 2 or deg % 2 or poly.LC() <= 0:
        return None
    dp = poly.diff(v)
    crit = list(dict.fromkeys(sp.real_roots(dp)))
    if len(crit) != sp.Poly(dp.sqf_part(), v).count_roots():
        return None
    if not all(_is_root(r, dp) for r in crit):
        return None
    e = poly.as_expr()
    best = crit[0]
    for r in crit[1:]:
        c = _compare(e, v, r, best)
        if c is None:
            return None
        if c < 0:
            best = r
    for r in crit:
        if r != best and _compare(e, v, r, best) != 1:
            return None  # a tie (not unique) or undecided
    return best


def _argmin_poly(term) -> sp.Poly | None:
    e, v = term.args
    if e.free_symbols != {v}:
        return None
    try:
        return sp.Poly(sp.expand(e), v)
    except sp.PolynomialError:
        return None


@dataclass(frozen=True)
class PolynomialMinimiser(Step):
    """``argmin(E, v) = r`` for a polynomial ``E`` in ``v`` with rational
    coefficients, even degree and positive leading coefficient (so the
    minimum is attained at a real critical point): ``r`` is a real root of
    ``E′`` and ``E(r) < E(c)`` at every other real root ``c`` of ``E′``
    (all of them, counted by Sturm's theorem), decided exactly with
    isolating intervals."""

    term: sp.Basic
    root: sp.Expr

    @property
    def fact(self) -> sp.Basic:
        return sp.Eq(self.term, self.root, evaluate=False)

    def verify(self) -> None:
        poly = _argmin_poly(self.term)
        if poly is None:
            raise self.fail(f"{self.term.args[0]} is not a polynomial in {self.term.args[1]} alone")
        r = polynomial_argmin(poly)
        if r is None or (r != self.root and algebraic_sign(r - self.root) != 0):
            raise self.fail(f"the unique minimiser is not {self.root}")


def polynomial_minimiser(term) -> PolynomialMinimiser | None:
    """A :class:`PolynomialMinimiser` step for ``argmin(E, v)``, or ``None``."""
    poly = _argmin_poly(term)
    if poly is None:
        return None
    try:
        r = polynomial_argmin(poly)
    except (ValueError, sp.PolynomialError, NotImplementedError):
        return None
    return None if r is None else PolynomialMinimiser(term, r)


@dataclass(frozen=True)
class AlgebraicTruth(Step):
    """A closed statement about real algebraic numbers (rationals, roots,
    ``CRootOf``) is true: each comparison's sign is decided exactly
    (isolating intervals refined until the enclosure excludes 0, else exact
    zero-equivalence by the minimal polynomial)."""

    statement: sp.Basic

    @property
    def fact(self) -> sp.Basic:
        return self.statement

    def verify(self) -> None:
        if self.statement.free_symbols:
            raise self.fail(f"{self.statement} is not closed")
        if algebraic_truth(self.statement) is not True:
            raise self.fail(f"{self.statement} is not decided true")


@dataclass(frozen=True)
class AtMinimum(Step):
    """``E ≥ E[v := argmin(E, v)]`` for every ``v``: ``minimiser`` shows that
    ``argmin(E, v)`` is the unique global minimiser ``r`` (so ``E(v) ≥ E(r)``
    for every real ``v``)."""

    statement: sp.Basic
    minimiser: Step

    @property
    def fact(self) -> sp.Basic:
        return self.statement

    def verify(self) -> None:
        f = self.statement
        if not isinstance(f, (sp.GreaterThan, sp.LessThan)):
            raise self.fail(f"{f} is not a non-strict comparison")
        big, small = (f.lhs, f.rhs) if isinstance(f, sp.GreaterThan) else (f.rhs, f.lhs)
        m = self.minimiser
        if not isinstance(m, PolynomialMinimiser):
            raise self.fail("needs a polynomial minimiser step")
        e, v = m.term.args
        if big != e or small != e.xreplace({v: m.term}):
            raise self.fail(f"{f} is not {e} >= its value at {m.term}")


def at_minimum(statement: sp.Basic) -> AtMinimum | None:
    """An :class:`AtMinimum` proof of ``E >= at(E, v=argmin(E, v))``, or ``None``."""
    if not isinstance(statement, (sp.GreaterThan, sp.LessThan)):
        return None
    big, small = (statement.lhs, statement.rhs) if isinstance(statement, sp.GreaterThan) \
        else (statement.rhs, statement.lhs)
    from ..calculus.claims import ArgMin

    terms = small.atoms(ArgMin)
    if len(terms) != 1:
        return None
    term = next(iter(terms))
    if term.args[0] != big or small != big.xreplace({term.args[1]: term}):
        return None
    m = polynomial_minimiser(term)
    return None if m is None else AtMinimum(statement, m)
