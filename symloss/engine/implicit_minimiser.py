"""Minimisers without a closed form, located exactly at a point.

At an exact point every symbol but the minimisation variable ``v`` is a
number, so ``E`` is a closed function of ``v``.  When SymPy finds no closed
minimiser (``tanh(w) − y`` under squared error plus weight decay, a σ neuron
under log-cosh), :func:`implicit_status` still answers exactly:

1. a :class:`~symloss.engine.argmin.Minimiser` proof for ``argmin(E, v)``,
   re-checked (``check_proof``): ``∂E/∂u = P·H`` with ``P > 0``, ``H``
   strictly increasing with a root, so ``sign(∂E/∂u) = sign(u − u*)`` and
   ``u*``, the root of ``H``, is the unique minimiser;
2. rationals ``a < b`` with ``H(a) < 0 < H(b)`` (exact signs from the
   kernel; ``a`` and ``b`` come from a floating-point root search, which
   decides nothing), so ``a < u* < b``;
3. the value ``ImplicitRoot(H, u, a, b)``
   (:class:`~symloss.language.implicit.ImplicitRoot`), which the kernel
   encloses by ``[a, b]`` after re-checking ``H(a) < 0 < H(b)`` and
   ``∂H/∂u > 0`` on ``[a, b]``.  A rational ``m`` where the kernel finds
   ``H(m) = 0`` exactly is the minimiser itself.

Claims about the minimiser (``sign(∂L/∂w) = −sign(w − argmin)``,
``argmin = 0``, ``at(L, w=argmin) > 0``) are then decided at the point by
the kernel's interval arithmetic on the bracket: a counterexample is
verified exactly, and re-checking it repeats every step above.

>>> w = sp.Symbol('w', real=True)
>>> st = implicit_status((sp.tanh(w) - sp.Rational(1, 2))**2/2 + w**2/2, w)
>>> st[0], type(st[1]).__name__, float(st[1])
('unique', 'ImplicitRoot', 0.2448987...)
"""

from __future__ import annotations

import time
from fractions import Fraction

import mpmath
import sympy as sp

from ..calculus.claims import ArgMin
from ..calculus.proof import check_proof
from ..errors import ProofCheckError
from ..language.implicit import ImplicitRoot
from ..language.kernel import evaluate_interval, sign_of, substitute
from .tactics import Env

__all__ = ["implicit_status", "bracket_root"]

#: relative width of the bracket put around the floating-point root
_WIDTH = Fraction(1, 2 ** 48)


def _sign_at(h: sp.Expr, u, t: sp.Rational) -> int | None:
    return sign_of(substitute(h, {u: t}))


def _float_root(h: sp.Expr, u, lo: sp.Rational, hi: sp.Rational) -> float | None:
    """A floating-point root of the increasing ``h`` in ``[lo, hi]`` (a search)."""
    from ..language.functions import MPMATH_FUNCTIONS

    try:
        f = sp.lambdify(u, h, modules=[MPMATH_FUNCTIONS, "mpmath"])
        with mpmath.workdps(30):
            a, b = mpmath.mpf(lo.p) / lo.q, mpmath.mpf(hi.p) / hi.q
            for _ in range(120):
                m = (a + b) / 2
                if f(m) < 0:
                    a = m
                else:
                    b = m
                if b - a < mpmath.mpf(2) ** -80 * (1 + abs(m)):
                    break
            return float((a + b) / 2)
    except Exception:  # noqa: BLE001 - a search only
        return None


def _rational(x: float) -> sp.Rational:
    f = Fraction(x).limit_denominator(2 ** 60)
    return sp.Rational(f.numerator, f.denominator)


def _ends(h, u, start: tuple | None, deadline) -> tuple | None:
    """Rationals ``lo < hi`` with exact signs ``H(lo) < 0 < H(hi)``, or an
    exact root ``(m, m)``."""
    if start is not None:
        return start
    lo = hi = None
    for k in (0, 1, 4, 16, 64, 256):
        if deadline is not None and time.monotonic() > deadline:
            return None
        for t in ({sp.Integer(-k), sp.Integer(k)} if k else {sp.Integer(0)}):
            s = _sign_at(h, u, t)
            if s == 0:
                return t, t
            if s == -1 and (lo is None or t > lo):
                lo = t
            if s == 1 and (hi is None or t < hi):
                hi = t
        if lo is not None and hi is not None and lo < hi:
            return lo, hi
    return None


def bracket_root(h: sp.Expr, u, start: tuple | None = None, deadline=None):
    """The root of the strictly increasing ``h`` as an exact rational (the
    kernel finds ``h = 0`` there) or as an :class:`ImplicitRoot` with a narrow
    bracket the kernel accepts; ``None`` when neither is found."""
    ends = _ends(h, u, start, deadline)
    if ends is None:
        return None
    lo, hi = ends
    if lo == hi:
        return lo
    r = _float_root(h, u, lo, hi)
    if r is None:
        return None
    for t in (_rational(r), sp.Rational(round(r * 2 ** 20), 2 ** 20), sp.Integer(round(r))):
        if lo < t < hi and _sign_at(h, u, t) == 0:  # an exact root at a simple rational
            return t
    width = _WIDTH * (1 + abs(Fraction(r)))
    for _ in range(3):
        a, b = _rational(r - float(width)), _rational(r + float(width))
        a, b = max(a, lo), min(b, hi)
        if a < b and _sign_at(h, u, a) == -1 and _sign_at(h, u, b) == 1:
            root = ImplicitRoot(h, u, a, b)
            if evaluate_interval(root) is not None:  # the kernel's own check of the bracket
                return root
        width *= 2 ** 12
    root = ImplicitRoot(h, u, lo, hi)
    return root if evaluate_interval(root) is not None else None


def implicit_status(expr: sp.Expr, var: sp.Symbol, deadline: float | None = None):
    """``("unique", m)`` for a closed smooth function of ``var`` whose
    minimiser a re-checked :class:`~symloss.engine.argmin.Minimiser` proof
    establishes, with ``m`` exact (closed form, rational root) or an
    :class:`ImplicitRoot`; ``None`` otherwise."""
    from .argmin import Minimiser, minimiser
    from .ivt import SignChange

    if expr.free_symbols - {var}:
        return None
    try:
        m = minimiser(ArgMin(expr, var), (), Env(deadline=deadline))
        if not isinstance(m, Minimiser):
            return None
        check_proof(m, set())
    except (ProofCheckError, ValueError, TypeError, ZeroDivisionError, RecursionError):
        return None
    if m.root is not None:
        return ("unique", m.root) if not m.root.free_symbols else None
    ex = m.existence
    start = (ex.low, ex.high) if isinstance(ex, SignChange) else None
    value = bracket_root(m.core, m.dummy, start, deadline)
    return None if value is None else ("unique", value)


# ---------------------------------------------------------------------------
# one symbolic proof, instantiated at every point of a refutation search

#: the key under which a search's cache holds its claim's hypotheses and deadline
HYPOTHESES = ("implicit minimiser", "hypotheses")


def remember_hypotheses(cache: dict | None, hypotheses, deadline: float | None = None) -> None:
    """Let :func:`instantiated_status` prove each minimiser once for a
    search whose points all satisfy ``hypotheses`` (the claim's), within
    ``deadline`` (the search's, not one candidate's)."""
    if cache is not None:
        cache[HYPOTHESES] = (tuple(hypotheses), deadline)


def _symbolic(term: ArgMin, hypotheses, deadline):
    """A checked :class:`Minimiser` for ``term`` under the hypotheses that
    do not mention its variable or a minimiser (``None``: none found)."""
    from ..calculus.claims import Corr
    from ..calculus.proof import Given
    from .argmin import Minimiser, minimiser

    facts = [h for h in hypotheses if isinstance(h, sp.Basic) and h is not sp.true
             and not h.atoms(ArgMin, Corr) and term.var not in h.free_symbols]
    context = tuple(Given(h, "hypothesis") for h in facts)
    try:
        m = minimiser(term, context, Env(deadline=deadline))
        if not isinstance(m, Minimiser):
            return None
        check_proof(m, set(facts))
    except (ProofCheckError, ValueError, TypeError, ZeroDivisionError, RecursionError):
        return None
    return m


def _transcendental(expr: sp.Expr, var) -> bool:
    from .ivt import _smooth

    if not _smooth(expr):
        return False
    try:
        sp.Poly(expr, var)
        return False
    except sp.PolynomialError:
        return True


def instantiated_status(term: ArgMin, values: dict, cache: dict | None, deadline=None):
    """``("unique", m)`` for ``term`` at the exact point ``values`` from one
    symbolic :class:`Minimiser` proof (made once per search, under the
    claim's hypotheses, which the point must satisfy exactly): the closed
    root at the point, or a bracket of the root of the core ``H`` at the
    point (the kernel re-checks it).  ``None`` when there are no
    hypotheses to work under, the range is not the real line, ``E`` is not
    transcendental and smooth, or no proof is found."""
    from ..calculus.exact import point_is_admissible

    if cache is None or HYPOTHESES not in cache or term.range != sp.S.Reals \
            or not _transcendental(term.expr, term.var):
        return None
    key = ("implicit minimiser", term)
    if key not in cache:
        hyps, overall = cache[HYPOTHESES]
        m = _symbolic(term, hyps, overall)
        if m is None and overall is not None and time.monotonic() > overall:
            return None  # out of time: not a verdict about this term
        cache[key] = m
    m = cache[key]
    if m is None:
        return None
    others = {k: v for k, v in values.items() if k != term.var}
    if point_is_admissible([g.fact for g in m.context], others) is not True:
        return None
    if m.root is not None:
        r = substitute(m.root, others)
        return ("unique", r) if not r.free_symbols and sign_of(r) is not None else None
    h = substitute(m.core, others)
    if h.free_symbols - {m.dummy}:
        return None
    value = bracket_root(h, m.dummy, None, deadline)
    return None if value is None else ("unique", value)
