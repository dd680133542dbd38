"""Checked root isolation of real algebraic numbers (``CRootOf``).

The trusted kernel encloses a ``CRootOf`` number by a rational interval that
provably contains that root of its polynomial and no other; this module
computes and checks that interval with exact arithmetic only (Sturm counts,
bisection at rational points).  It lives in the language stage because the
kernel, which builds and compares every closed number, needs it; the rest of
the algebraic-number machinery (signs, minimisers, proof steps) is
:mod:`symloss.engine.algebraic`.
"""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache

import sympy as sp

__all__ = ["isolating_interval"]


def _poly_of(r: sp.CRootOf) -> sp.Poly:
    x = sp.Dummy("x")
    return sp.Poly(r.poly.as_expr().xreplace({r.poly.gens[0]: x}), x)


@lru_cache(maxsize=512)  # a pure function of the root and the steps: the Sturm checks are not repeated
def isolating_interval(r: sp.CRootOf, steps: int = 0) -> tuple:
    """Rationals ``(a, b)``, ``a < b``, such that the real root ``r`` is the
    only root of its polynomial in ``[a, b]`` -- checked here: the
    polynomial is square-free with rational coefficients, it has exactly
    ``index`` real roots below ``a`` and exactly one in ``[a, b]`` (Sturm).
    ``steps`` bisections shrink the interval by ``2**steps``.

    >>> r = sp.CRootOf(sp.Symbol('x')**3 - 2, 0)
    >>> a, b = isolating_interval(r, 20)
    >>> a <= sp.Rational(1259921, 10**6) <= b and b - a < sp.Rational(1, 10**5)
    True
    """
    if not isinstance(r, sp.CRootOf) or not r.is_real:
        raise ValueError(f"{r} is not a real CRootOf number")
    p = _poly_of(r)
    if not all(c.is_Rational for c in p.all_coeffs()) or p.degree() < 1:
        raise ValueError(f"{p} does not have rational coefficients")
    if sp.degree(sp.gcd(p, p.diff())) > 0:
        raise ValueError(f"{p} is not square-free")
    box = r._get_interval()
    a, b = sp.Rational(box.a), sp.Rational(box.b)
    if a == b:
        raise ValueError("degenerate isolating interval")
    below = p.count_roots(None, a)  # real roots in (-oo, a]; the index counts roots before r
    if p.eval(a) == 0 or p.eval(b) == 0 or p.count_roots(a, b) != 1 or below != r.index:
        raise ValueError(f"({a}, {b}) does not isolate root {r.index} of {p}")
    coeffs = [Fraction(int(c.p), int(c.q)) for c in p.all_coeffs()]

    def value(t: Fraction) -> Fraction:
        out = Fraction(0)
        for c in coeffs:
            out = out * t + c
        return out

    lo, hi = Fraction(int(a.p), int(a.q)), Fraction(int(b.p), int(b.q))
    up = value(lo) < 0  # the polynomial crosses 0 upwards inside (lo, hi)
    for _ in range(steps):
        m = (lo + hi) / 2
        fm = value(m)
        if fm == 0:
            return sp.Rational(m.numerator, m.denominator), sp.Rational(m.numerator, m.denominator)
        if (fm < 0) == up:
            lo = m
        else:
            hi = m
    return sp.Rational(lo.numerator, lo.denominator), sp.Rational(hi.numerator, hi.denominator)
