"""Exact Pearson correlations of polynomials in the drawn variable: the
closed form a claim is read with, and its re-checked step
(:class:`CorrClosedForm`)."""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from .claims_terms import Corr, NormalDist, UniformDist
from .proof import Step

__all__ = ["CorrClosedForm", "pearson"]

def _expectation(expr: sp.Expr, v: sp.Symbol, dist: sp.Basic) -> sp.Expr | None:
    """E[expr] for v ~ dist when expr is a polynomial in v, else ``None``."""
    try:
        poly = sp.Poly(sp.expand(expr), v)
    except sp.PolynomialError:
        return None
    if any(v in c.free_symbols for c in poly.coeffs()):
        return None
    if isinstance(dist, UniformDist):
        lo, hi = dist.args
        total = sp.S.Zero
        for (n,), c in poly.terms():
            total += c * (hi ** (n + 1) - lo ** (n + 1)) / (n + 1)
        return sp.cancel(total / (hi - lo))
    if isinstance(dist, NormalDist):
        mu, sigma = dist.args
        z = sp.Dummy("z")
        shifted = sp.Poly(sp.expand(poly.as_expr().subs(v, mu + sigma * z)), z)
        total = sp.S.Zero
        for (n,), c in shifted.terms():
            if n % 2 == 0:
                total += c * (sp.factorial2(n - 1) if n else 1)
        return sp.expand(total)
    return None


def _integrated_mean(expr: sp.Expr, v: sp.Symbol, dist: sp.Basic) -> sp.Expr:
    """E[expr] for v ~ dist by integrating against the density (a route
    independent of the moment formulas of :func:`_expectation`)."""
    if isinstance(dist, UniformDist):
        lo, hi = dist.args
        return sp.integrate(sp.expand(expr), (v, lo, hi)) / (hi - lo)
    mu, sigma = dist.args
    density = sp.exp(-(v - mu) ** 2 / (2 * sigma ** 2)) / (sigma * sp.sqrt(2 * sp.pi))
    return sp.integrate(sp.expand(expr) * density, (v, -sp.oo, sp.oo), conds="none")


@dataclass(frozen=True)
class CorrClosedForm(Step):
    """corr(A, B; v ~ D) = cov/√(var_A·var_B): the Pearson correlation of two
    polynomials in v from the exact moments of D.  Checked by recomputing the
    covariance and both variances by integration against D's density."""

    a: sp.Expr
    b: sp.Expr
    var: sp.Symbol
    dist: sp.Basic
    cov: sp.Expr
    var_a: sp.Expr
    var_b: sp.Expr
    value: sp.Expr

    @property
    def fact(self) -> sp.Basic:
        return sp.Eq(Corr(self.a, self.b, self.var, self.dist), self.value, evaluate=False)

    def verify(self) -> None:
        v = self.var
        mask = _masks(self.dist, v)  # a minimiser in the support's ends is one number here
        d = self.dist.xreplace(mask)
        mean = lambda e: _integrated_mean(e, v, d)  # noqa: E731
        ea, eb = mean(self.a), mean(self.b)
        checks = {
            "covariance": (mean(self.a * self.b) - ea * eb, self.cov),
            "variance of A": (mean(self.a ** 2) - ea ** 2, self.var_a),
            "variance of B": (mean(self.b ** 2) - eb ** 2, self.var_b),
        }
        for what, (integrated, stated) in checks.items():
            stated = stated.xreplace(mask)
            if sp.expand(integrated - stated) == 0:  # polynomial identity: exact, and fast on a batch's sums
                continue
            if _rational_zero(integrated - stated):  # rational functions of the ends: cancel() decides 0 exactly
                continue
            if sp.expand(sp.simplify(integrated) - stated) != 0:
                raise self.fail(f"{what}: integration gives {integrated}, not {stated}")
        expected = sp.S.Zero if self.cov == 0 else self.cov / sp.sqrt(self.var_a * self.var_b)
        if self.value != expected:
            raise self.fail(f"{self.value} is not cov/sqrt(var_A var_B) = {expected}")


def _rational_zero(e: sp.Expr) -> bool:
    """Whether ``e`` is 0 as a rational function of its symbols and
    function applications (``cancel``, exact polynomial arithmetic)."""
    return sp.cancel(sp.together(e)) == 0


def _masks(dist: sp.Basic, v: sp.Symbol) -> dict:
    """A fresh real symbol for each minimiser (``argmin``) in the ends of
    ``dist``: a number free of ``v``, so the moment algebra may treat it as
    one symbol (an identity for every real value holds at the minimiser's)."""
    from .claims_terms import ArgMin

    return {t: sp.Dummy("m", real=True) for t in sorted(dist.atoms(ArgMin), key=sp.default_sort_key)
            if v not in t.free_symbols}


def _closed_form_step(a, b, v, dist) -> "CorrClosedForm | None":
    mask = _masks(dist, v)
    if mask:
        step = _closed_form_step(a, b, v, dist.xreplace(mask))
        if step is None:
            return None
        back = {m: t for t, m in mask.items()}
        cov, va, vb = (e.xreplace(back) for e in (step.cov, step.var_a, step.var_b))
        return CorrClosedForm(a, b, v, dist, cov, va, vb, sp.S.Zero if cov == 0 else cov / sp.sqrt(va * vb))
    ea, eb = _expectation(a, v, dist), _expectation(b, v, dist)
    eab = _expectation(a * b, v, dist)
    eaa, ebb = _expectation(a * a, v, dist), _expectation(b * b, v, dist)
    if None in (ea, eb, eab, eaa, ebb):
        return None
    cov = sp.factor(sp.expand(eab - ea * eb))
    va = sp.factor(sp.expand(eaa - ea ** 2))
    vb = sp.factor(sp.expand(ebb - eb ** 2))
    value = sp.S.Zero if cov == 0 else cov / sp.sqrt(va * vb)
    return CorrClosedForm(a, b, v, dist, cov, va, vb, value)


def pearson(a: sp.Expr, b: sp.Expr, v: sp.Symbol, dist: sp.Basic) -> sp.Expr:
    """The Pearson correlation of ``a`` and ``b`` for ``v ~ dist``: exact when
    both are polynomials in ``v``, else an unevaluated :class:`Corr`.

    >>> w = sp.Symbol('w', real=True)
    >>> pearson(w, 3*w + 1, w, UniformDist(0, 1))
    1
    >>> pearson(w**2, w, w, NormalDist(0, 1))
    0
    """
    step = _closed_form_step(a, b, v, dist)
    return Corr(a, b, v, dist) if step is None else step.value
