"""The fast numeric path: a claim compiled once, judged on batches of points.

Random search over many problems (``symloss explore``) must not pay SymPy's
price per point.  :class:`CompiledClaim` lambdifies the sides of every
comparison of a pointwise claim and of its hypotheses *once*, with symloss's
NumPy function table (σ, softplus, ReLU) and the kink conventions that
:func:`symloss.language.functions.derivative` writes into the expressions
(``Heaviside(z, 0)``: relu'(0) = 0, sign(0) = 0), and judges whole batches of
float points in three-valued logic with a margin (:mod:`symloss.refute.sampling`),
so rounding never makes a candidate.

A failing float point is only a *candidate*: :func:`screen` rationalises it
(:func:`symloss.refute.counterexample.rationalise`), re-checks the exact point with
:func:`symloss.refute.counterexample.verify` (every domain, hypothesis and
definedness condition holds and the claim is false, decided exactly), moves
it to simple values (:func:`symloss.refute.counterexample.shrink`) and only then
returns a :class:`~symloss.engine.verdict.Counterexample`.  Nothing here ever says a
claim holds: no failure among the points tried is evidence, not proof.

A claim with one ``argmin(E, w)`` term is screened by :class:`CompiledArgmin`:
for a batch of data points ``E`` is evaluated on a grid of ``w`` values (one
matrix, one NumPy call); a row whose grid minimum sits at the edge of the grid
(no minimiser?) or is matched by a distant second local minimum (not unique?)
is a candidate, and so is a point where the claim looks false with the grid
minimiser in place of ``argmin``.  Candidates are decided exactly, argmin
included (:func:`symloss.refute.counterexample.argmin_status`).  Claims with
``corr``, several ``argmin`` terms or pairs are refused (:class:`NotNumeric`)
and left to :mod:`symloss.decide`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..calculus.claims import ArgMin, Corr, Pointwise
from ..language.functions import NUMPY_FUNCTIONS
from .sampling import NumericFormula

__all__ = ["NotNumeric", "CompiledClaim", "CompiledArgmin", "Screen", "draw_points", "screen"]

#: Numerators and denominators of the small exact rationals every batch
#: mixes in (a failure found there rationalises to itself).
_DENOMINATORS = np.array([1.0, 1.0, 2.0, 2.0, 3.0, 4.0, 5.0, 10.0])


class NotNumeric(Exception):
    """The claim has no pointwise numeric form (argmin, corr, pairs), or a
    side NumPy cannot evaluate."""


def draw_points(symbols, domains, rng: np.random.Generator, n: int, exact_share: float = 0.5) -> dict:
    """``n`` float points: symbol → array, inside each symbol's domain.

    About ``exact_share`` of the values are small rationals ``p/q``
    (``|p| <= 12``, ``q`` in 1, 2, 3, 4, 5, 10) kept when inside the domain,
    the rest come from :meth:`~symloss.language.domains.Domain.sample` (wide and
    narrow scales, domain ends).

    >>> from symloss.language.domains import parse_domain
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
        if dom.is_finite:
            out[s] = dom.sample(rng, n)
            continue
        small = rng.integers(-12, 13, n) / _DENOMINATORS[rng.integers(0, len(_DENOMINATORS), n)]
        wide = ~((rng.random(n) < exact_share) & dom.contains_array(small))
        small[wide] = dom.sample(rng, int(wide.sum()))  # domain draws only where needed
        out[s] = small
    return out


class CompiledClaim:
    """A pointwise claim and its hypotheses, lambdified once.

    :meth:`failing` gives, for a batch, the points where every hypothesis
    looks true (none is surely false) and the claim is surely false.

    >>> from symloss.problem import problem
    >>> from symloss.calculus.claims import parse_claim
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


def _plainness(point: dict) -> float:
    """Smaller for points made of small simple rationals (tried first)."""
    total = 0.0
    for v in point.values():
        for q in (1, 2, 3, 4, 5, 10):
            if abs(v * q - round(v * q)) < 1e-12 and abs(v) <= 12:
                total += q + abs(v) / 100
                break
        else:
            total += 100 + abs(v)
    return total


#: The grid of the minimisation variable: dense near 0, spread to ±1000.
_GRID = np.unique(np.concatenate([np.linspace(-4.0, 4.0, 161), np.geomspace(4.0, 1000.0, 60),
                                  -np.geomspace(4.0, 1000.0, 60)]))


class CompiledArgmin:
    """A pointwise claim with one ``argmin(E, w)`` term, compiled once:
    ``E`` on a (data × grid of ``w``) matrix, the claim with the grid
    minimiser in place of the term.  :meth:`candidates` proposes float
    points, simplest-looking first; nothing is concluded from them.

    >>> from symloss.problem import problem
    >>> from symloss.calculus.claims import parse_claim
    >>> c = CompiledArgmin(parse_claim(problem('tanh(w*x)', 'squared'),
    ...                    'sign(d(L, w)) == sign(w - argmin(L, w))', assume=['x != 0']))
    >>> len(c.candidates(np.random.default_rng(0), 200)) > 0
    True
    """

    def __init__(self, claim):
        if not isinstance(claim, Pointwise) or claim.formula.atoms(Corr):
            raise NotNumeric("only pointwise claims without corr")
        terms = claim.formula.atoms(ArgMin)
        if len(terms) != 1 or any(h.atoms(ArgMin, Corr) for h in claim.hypotheses):
            raise NotNumeric("one argmin term, outside the hypotheses")
        (term,) = terms
        self.claim, self.term, self.var = claim, term, term.var
        self.domains = dict(claim.domains)
        dom = self.domains.get(self.var) or claim.domain_of(self.var)
        if dom is None:
            from ..language.domains import parse_domain

            dom = parse_domain("real")
        if dom.kind != "interval":
            raise NotNumeric("the minimisation variable ranges over an interval")
        self.grid = _GRID[dom.contains_array(_GRID)]
        if len(self.grid) < 5:
            raise NotNumeric("too few grid points inside the domain")
        self.symbols = list(claim.symbols)
        self.data = [s for s in self.symbols if s != self.var]
        wstar = sp.Dummy("wstar", real=True)
        self.wstar = wstar
        allsyms = self.data + [self.var]
        try:
            self.objective = sp.lambdify(allsyms, term.expr, modules=[NUMPY_FUNCTIONS, "numpy"])
        except Exception as exc:  # noqa: BLE001 - something NumPy cannot evaluate
            raise NotNumeric(str(exc)) from None
        self.formula = NumericFormula(allsyms + [wstar], claim.formula.xreplace({term: wstar}))
        hyps = [h for h in claim.hypotheses if h is not sp.true]
        self.hypotheses = NumericFormula(allsyms, sp.And(*hyps)) if hyps else None
        if not self.formula.ok or (self.hypotheses is not None and not self.hypotheses.ok):
            raise NotNumeric("a side of the claim or of a hypothesis does not compile to NumPy")

    def candidates(self, rng: np.random.Generator, rows: int) -> list[dict]:
        """Float points (symbol → float) worth an exact look."""
        data = draw_points(self.data, self.domains, rng, rows)
        g = len(self.grid)
        pts = {s: np.repeat(data[s], g) for s in self.data}
        pts[self.var] = np.tile(self.grid, rows)
        n = rows * g
        with np.errstate(all="ignore"):
            try:
                vals = np.broadcast_to(np.asarray(self.objective(*[pts[s] for s in self.data + [self.var]]),
                                                  dtype=float), (n,)).copy()
            except Exception:  # noqa: BLE001
                return []
        ok = np.isfinite(vals)
        if self.hypotheses is not None:
            _, hyp_false = self.hypotheses.judge(pts)
            ok &= ~hyp_false
        vals = np.where(ok, vals, np.inf).reshape(rows, g)
        finite = np.isfinite(vals)
        best = np.argmin(vals, axis=1)
        lo = vals[np.arange(rows), best]
        usable = np.isfinite(lo)
        cols = np.arange(g)
        first = np.where(finite.any(axis=1), np.argmax(finite, axis=1), 0)
        last = g - 1 - np.argmax(finite[:, ::-1], axis=1)
        edge = usable & ((best == first) | (best == last))  # the minimum runs off the grid
        # a distant second local minimum as low as the first: not unique?
        inner = vals[:, 1:-1]
        local = np.zeros_like(finite)
        local[:, 1:-1] = (inner <= vals[:, :-2]) & (inner <= vals[:, 2:])
        tol = 1e-9 * (1.0 + np.abs(np.where(usable, lo, 0.0)))
        distant = np.abs(cols[None, :] - best[:, None]) > 3
        tie = usable & ~edge & (local & distant & (vals - np.where(usable, lo, 0.0)[:, None] <= tol[:, None])).any(axis=1)
        # the claim with the grid minimiser in place of argmin
        wstar = np.repeat(self.grid[best], g)
        _, bad = self.formula.judge({**pts, self.wstar: wstar})
        bad = bad.reshape(rows, g) & finite & (np.abs(cols[None, :] - best[:, None]) > 2)
        wrong = usable & ~edge & ~tie & bad.any(axis=1)
        simple_w = float(self.grid[np.argmin(np.abs(self.grid - 1.0))])
        out: list[tuple] = []
        for kind, mask in ((0, edge), (1, tie), (2, wrong)):
            for r in np.flatnonzero(mask):
                point = {s: float(data[s][r]) for s in self.data}
                if kind == 2:
                    hits = np.flatnonzero(bad[r])
                    point[self.var] = float(self.grid[hits[np.argmin(np.abs(self.grid[hits]))]])
                else:
                    point[self.var] = simple_w
                out.append((kind, point))
        out.sort(key=lambda kp: (_plainness(kp[1]), kp[0]))
        return [p for _, p in out]


def _fails_exactly(compiled: "CompiledArgmin", values: dict, deadline, cache):
    """``(evaluations, explanation)`` when the claim fails at the exact point
    ``values`` (argmin decided exactly), else ``None``."""
    from .claims_truth import evaluate
    from .counterexample import _explain
    from .claims_truth import admissible

    c = compiled.claim
    if admissible(c.hypotheses, values, deadline, cache) is not True:
        return None
    value, why = evaluate(c.formula, values, deadline, cache)
    if value is not False:
        return None
    return ((), why) if why else _explain(c, c.formula, values, cache=cache)


def _argmin_exact(compiled: "CompiledArgmin", point: dict, deadline, cache):
    """An exact point near the float ``point`` where the claim fails, with
    its evaluations and explanation; or ``None``."""
    from .counterexample import rationalise

    integer = [s for s in compiled.symbols if getattr(compiled.domains.get(s), "kind", "") in ("integer", "finite")]
    for i, cand in enumerate(rationalise(point, integer)):
        if i >= 3 or (deadline is not None and time.monotonic() > deadline):
            return None
        found = _fails_exactly(compiled, cand, deadline, cache)
        if found is not None:
            return (cand, *found)
    return None


def _shrink_argmin(compiled, values: dict, deadline, cache, budget: float = 3.0) -> dict:
    """Simpler exact values that still fail, within ``budget`` seconds."""
    from .counterexample import shrink

    end = time.monotonic() + budget
    end = end if deadline is None else min(end, deadline)
    return shrink(None, None, values, compiled.symbols, end,
                  holds=lambda v: _fails_exactly(compiled, v, end, cache) is not None)


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
    >>> from symloss.calculus.claims import parse_claim
    >>> s = screen(parse_claim(problem('sigmoid(w*x)', 'squared'), 'd(L, w, 2) >= 0'))
    >>> s.counterexample is not None
    True
    """
    from .counterexample import _explain, shrink
    from ..engine.verdict import Counterexample

    if isinstance(claim, Pointwise) and claim.formula.atoms(ArgMin):
        return _screen_argmin(CompiledArgmin(claim), points=points, seed=seed, deadline=deadline,
                              max_candidates=max_candidates)
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


def _screen_argmin(compiled: CompiledArgmin, *, points: int, seed: int, deadline, max_candidates: int) -> Screen:
    """:func:`screen` for a claim with one argmin term."""
    from ..engine.verdict import Counterexample

    rng = np.random.default_rng(seed)
    rows = max(1, min(400, points // len(compiled.grid)))
    cache: dict = {}
    from ..engine.implicit_minimiser import remember_hypotheses

    remember_hypotheses(cache, compiled.claim.hypotheses, deadline)
    cands = compiled.candidates(rng, rows)
    judged = rows * len(compiled.grid)
    for point in cands[:max_candidates]:
        if deadline is not None and time.monotonic() > deadline:
            break
        # one candidate may not eat the budget: undecidable minimisers are common
        cap = time.monotonic() + 1.5
        found = _argmin_exact(compiled, point, cap if deadline is None else min(cap, deadline), cache)
        if found is not None:
            values = _shrink_argmin(compiled, found[0], deadline, cache)
            again = _fails_exactly(compiled, values, None, cache)
            values, evals, why = (values, *again) if again is not None else found
            return Screen(Counterexample(values, evaluations=evals, explanation=why), judged)
    return Screen(None, judged)
