"""The fast numeric path: a claim compiled once, judged on batches of points.

Random search over many problems (``symloss explore``) must not pay SymPy's
price per point.  :class:`CompiledClaim` lambdifies the sides of every
comparison of a pointwise claim and of its hypotheses *once*, with symloss's
NumPy function table (σ, softplus, ReLU) and the kink conventions that
:func:`symloss.functions.derivative` writes into the expressions
(``Heaviside(z, 0)``: relu'(0) = 0, sign(0) = 0), and judges whole batches of
float points in three-valued logic with a margin (:mod:`symloss.sampling`),
so rounding never makes a candidate.

A failing float point is only a *candidate*: :func:`screen` rationalises it
(:func:`symloss.counterexample.rationalise`), re-checks the exact point with
:func:`symloss.counterexample.verify` (every domain, hypothesis and
definedness condition holds and the claim is false, decided exactly), moves
it to simple values (:func:`symloss.counterexample.shrink`) and only then
returns a :class:`~symloss.verdict.Counterexample`.  Nothing here ever says a
claim holds: no failure among the points tried is evidence, not proof.

Claims with ``argmin`` or ``corr`` have no pointwise numeric form; they are
refused (:class:`NotNumeric`) and left to :mod:`symloss.decide`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import sympy as sp

from .claims import ArgMin, Corr, Pointwise
from .sampling import NumericFormula

__all__ = ["NotNumeric", "CompiledClaim", "Screen", "draw_points", "screen"]

#: Numerators and denominators of the small exact rationals every batch
#: mixes in (a failure found there rationalises to itself).
_NUMERATORS = np.arange(-12, 13, dtype=float)
_DENOMINATORS = np.array([1.0, 1.0, 2.0, 2.0, 3.0, 4.0, 5.0, 10.0])


class NotNumeric(Exception):
    """The claim has no pointwise numeric form (argmin, corr, pairs), or a
    side NumPy cannot evaluate."""


def draw_points(symbols, domains, rng: np.random.Generator, n: int, exact_share: float = 0.5) -> dict:
    """``n`` float points: symbol → array, inside each symbol's domain.

    About ``exact_share`` of the values are small rationals ``p/q``
    (``|p| <= 12``, ``q`` in 1, 2, 3, 4, 5, 10) kept when inside the domain,
    the rest come from :meth:`~symloss.domains.Domain.sample` (wide and
    narrow scales, domain ends).

    >>> from symloss.domains import parse_domain
    >>> x = sp.Symbol('x', real=True)
    >>> pts = draw_points([x], {x: parse_domain('(0, 1)')}, np.random.default_rng(0), 1000)
    >>> bool(((pts[x] > 0) & (pts[x] < 1)).all())
    True
    """
    out = {}
    for s in symbols:
        dom = domains.get(s)
        if dom is None:
            raise NotNumeric(f"no domain for {s}")
        wide = dom.sample(rng, n)
        if dom.is_finite:
            out[s] = wide
            continue
        small = rng.choice(_NUMERATORS, n) / rng.choice(_DENOMINATORS, n)
        take = (rng.random(n) < exact_share) & dom.contains_array(small)
        out[s] = np.where(take, small, wide)
    return out


class CompiledClaim:
    """A pointwise claim and its hypotheses, lambdified once.

    :meth:`failing` gives, for a batch, the points where every hypothesis
    looks true (none is surely false) and the claim is surely false.

    >>> from symloss.problem import problem
    >>> from symloss.claims import parse_claim
    >>> c = CompiledClaim(parse_claim(problem('sigmoid(w*x)', 'squared'), 'd(L, w, 2) >= 0'))
    >>> pts = draw_points(c.symbols, c.domains, np.random.default_rng(1), 2000)
    >>> bool(c.failing(pts).any())
    True
    """

    def __init__(self, claim):
        if not isinstance(claim, Pointwise):
            raise NotNumeric(f"a {type(claim).__name__} claim has no pointwise numeric form")
        if claim.formula.atoms(ArgMin, Corr) or any(h.atoms(ArgMin, Corr) for h in claim.hypotheses):
            raise NotNumeric("argmin and corr have no pointwise numeric form")
        self.claim = claim
        self.symbols = list(claim.symbols)
        self.domains = dict(claim.domains)
        self.formula = NumericFormula(self.symbols, claim.formula)
        hyps = [h for h in claim.hypotheses if h is not sp.true]
        self.hypotheses = NumericFormula(self.symbols, sp.And(*hyps)) if hyps else None
        if not self.formula.ok or (self.hypotheses is not None and not self.hypotheses.ok):
            raise NotNumeric("a side of the claim or of a hypothesis does not compile to NumPy")

    def failing(self, points) -> np.ndarray:
        """Boolean mask: admissible-looking points where the claim is surely false."""
        _, bad = self.formula.judge(points)
        if self.hypotheses is not None:
            _, hyp_false = self.hypotheses.judge(points)
            bad &= ~hyp_false
        for s in self.symbols:
            bad &= np.isfinite(points[s])
        return bad


@dataclass(frozen=True)
class Screen:
    """What :func:`screen` found: an exactly verified counterexample or
    ``None``, and the number of float points judged."""

    counterexample: object
    points: int


def _exact(compiled: CompiledClaim, point: dict, deadline, cache):
    """The simplest exact point near a float candidate that verifies, or ``None``."""
    from .counterexample import rationalise, verify

    claim = compiled.claim
    integer = [s for s in compiled.symbols if getattr(compiled.domains.get(s), "kind", "") in ("integer", "finite")]
    for cand in rationalise(point, integer):
        if deadline is not None and time.monotonic() > deadline:
            return None
        if verify(claim.formula, claim.hypotheses, cand, cache):
            return cand
    return None


def screen(claim, *, points: int = 20000, batch: int = 10000, seed: int = 0,
           deadline: float | None = None, max_candidates: int = 12):
    """Judge ``claim`` on up to ``points`` random points in batches; return a
    :class:`Screen` whose counterexample (if any) is exact, verified and
    shrunk.  Raises :class:`NotNumeric` for claims without a numeric form.

    >>> from symloss.problem import problem
    >>> from symloss.claims import parse_claim
    >>> s = screen(parse_claim(problem('sigmoid(w*x)', 'squared'), 'd(L, w, 2) >= 0'))
    >>> s.counterexample is not None
    True
    """
    from .counterexample import _explain, shrink
    from .verdict import Counterexample

    compiled = claim if isinstance(claim, CompiledClaim) else CompiledClaim(claim)
    rng = np.random.default_rng(seed)
    done = 0
    cache: dict = {}
    tried = 0
    while done < points:
        if deadline is not None and time.monotonic() > deadline:
            break
        n = min(batch, points - done)
        pts = draw_points(compiled.symbols, compiled.domains, rng, n)
        done += n
        idx = np.flatnonzero(compiled.failing(pts))
        if not len(idx):
            continue
        # simplest-looking candidates first: small magnitudes
        size = sum(np.abs(pts[s][idx]) for s in compiled.symbols) if compiled.symbols else np.zeros(len(idx))
        for i in idx[np.argsort(size, kind="stable")][:max_candidates]:
            tried += 1
            exact = _exact(compiled, {s: float(pts[s][i]) for s in compiled.symbols}, deadline, cache)
            if exact is None:
                continue
            c = compiled.claim
            values = shrink(c.formula, c.hypotheses, exact, compiled.symbols, deadline, cache=cache)
            evals, why = _explain(c, c.formula, values)
            return Screen(Counterexample(values, evaluations=evals, explanation=why), done)
        if tried >= 4 * max_candidates:
            break
    return Screen(None, done)
