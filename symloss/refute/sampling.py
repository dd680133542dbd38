"""Vectorised sampling: where does a claim *look* false?

The sides of every comparison in the formula and the hypotheses are
lambdified once (``modules=[NUMPY_FUNCTIONS, "numpy"]``) and evaluated on
batches of points: a small grid of special points (0, ±1, ±½, ±2, domain
ends, zeros of kink arguments), small random rationals and draws from each
symbol's :meth:`Domain.sample`.  Each comparison is judged with a margin, in
three-valued logic (surely true / surely false / unsure), so rounding never
makes a candidate.  Candidates are only candidates: :mod:`symloss.calculus.exact`
decides.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

import numpy as np
import sympy as sp

from ..language.functions import NUMPY_FUNCTIONS

__all__ = ["Batch", "NumericFormula", "sample_batch", "find_violations", "kink_points"]

_REL_TYPES = (sp.Eq, sp.Ne, sp.Lt, sp.Le, sp.Gt, sp.Ge)
_SIMPLE = [0, 1, -1, 2, -2, 0.5, -0.5, 3, -3, 1 / 3, -1 / 3, 0.25, -0.25, 4, -4, 1.5, -1.5]


def _lambdify(symbols: Sequence[sp.Symbol], expr: sp.Expr) -> Callable:
    return sp.lambdify(list(symbols), expr, modules=[NUMPY_FUNCTIONS, "numpy"])


class NumericFormula:
    """A boolean formula compiled for batch evaluation in three-valued logic.

    >>> x = sp.Symbol('x', real=True)
    >>> f = NumericFormula([x], sp.Or(x > 1, x < -1))
    >>> t, fl = f.judge({x: np.array([0.0, 2.0, 1.0])})
    >>> t.tolist(), fl.tolist()
    ([False, True, False], [True, False, True])
    """

    def __init__(self, symbols: Sequence[sp.Symbol], formula: sp.Basic, rtol: float = 1e-7):
        self.symbols = list(symbols)
        self.rtol = rtol
        self._compiled: dict = {}
        self.ok = True
        self.formula = formula
        for rel in formula.atoms(*_REL_TYPES) if isinstance(formula, sp.Basic) else ():
            try:
                self._compiled[rel] = (_lambdify(self.symbols, rel.lhs), _lambdify(self.symbols, rel.rhs))
            except Exception:  # something NumPy cannot evaluate
                self.ok = False

    def _side(self, fn, args, n):
        with np.errstate(all="ignore"):
            try:
                v = np.asarray(fn(*args), dtype=float)
            except Exception:
                return np.full(n, np.nan)
        return np.broadcast_to(v, (n,)).astype(float)

    def judge(self, points: Mapping[sp.Symbol, np.ndarray]):
        """``(surely_true, surely_false)`` boolean arrays over the batch."""
        n = len(next(iter(points.values()))) if points else 1
        args = [np.asarray(points[s], dtype=float) for s in self.symbols]
        cache: dict = {}

        def rel(r):
            if r in cache:
                return cache[r]
            fl, fr = self._compiled[r]
            a, b = self._side(fl, args, n), self._side(fr, args, n)
            finite = np.isfinite(a) & np.isfinite(b)
            a, b = np.where(finite, a, 0.0), np.where(finite, b, 0.0)
            tol = self.rtol * (1.0 + np.abs(a) + np.abs(b))
            d = a - b
            big, small = d > tol, d < -tol
            zero = d == 0  # exactly zero in floating point: worth an exact look
            if isinstance(r, sp.Eq):
                t, f = ~(big | small), big | small  # "looks true" only counts as tested
            elif isinstance(r, sp.Ne):
                t, f = big | small, zero
            elif isinstance(r, sp.Gt):
                t, f = big, small | zero
            elif isinstance(r, sp.Ge):
                t, f = big, small
            elif isinstance(r, sp.Lt):
                t, f = small, big | zero
            else:  # Le
                t, f = small, big
            out = (t & finite, f & finite)
            cache[r] = out
            return out

        def walk(f):
            if f is sp.true or f is True:
                return np.ones(n, bool), np.zeros(n, bool)
            if f is sp.false or f is False:
                return np.zeros(n, bool), np.ones(n, bool)
            if isinstance(f, _REL_TYPES) and f in self._compiled:
                return rel(f)
            if isinstance(f, sp.Not):
                t, fl = walk(f.args[0])
                return fl, t
            if isinstance(f, sp.And):
                parts = [walk(a) for a in f.args]
                return np.logical_and.reduce([p[0] for p in parts]), np.logical_or.reduce([p[1] for p in parts])
            if isinstance(f, sp.Or):
                parts = [walk(a) for a in f.args]
                return np.logical_or.reduce([p[0] for p in parts]), np.logical_and.reduce([p[1] for p in parts])
            if isinstance(f, sp.Implies):
                pt, pf = walk(f.args[0])
                qt, qf = walk(f.args[1])
                return pf | qt, pt & qf
            if isinstance(f, sp.Contains):  # integer membership: samples are drawn inside
                return np.ones(n, bool), np.zeros(n, bool)
            return np.zeros(n, bool), np.zeros(n, bool)

        return walk(self.formula)


def kink_points(expr: sp.Basic, symbols: Sequence[sp.Symbol]) -> dict:
    """Values of single symbols that put a kink argument (of relu, abs, sign,
    Heaviside, max, min) at 0, when the argument is linear in that symbol
    with a rational root.

    >>> x = sp.Symbol('x', real=True)
    >>> kink_points(sp.Abs(2*x - 1), [x])
    {x: [0.5]}
    """
    from ..language.functions import relu

    out: dict = {}
    args = []
    for node in sp.preorder_traversal(expr):
        if isinstance(node, (relu, sp.Abs, sp.sign, sp.Heaviside)):
            args.append(node.args[0])
        elif isinstance(node, (sp.Max, sp.Min)) and len(node.args) == 2:
            args.append(node.args[0] - node.args[1])
    for a in args:
        syms = [s for s in symbols if s in a.free_symbols]
        if len(syms) != 1:
            continue
        s = syms[0]
        try:
            p = sp.Poly(a, s)
        except sp.PolynomialError:
            continue
        if p.degree() == 1 and all(c.is_Rational for c in p.all_coeffs()):
            root = -p.all_coeffs()[1] / p.all_coeffs()[0]
            out.setdefault(s, []).append(float(root))
    return out


@dataclass(frozen=True)
class Batch:
    """A batch of float points (symbol → array) and, per point, whether it
    came from the simple grid (those are tried first)."""

    points: dict
    simple: np.ndarray

    def __len__(self) -> int:
        return len(self.simple)


def _domain_values(dom, extra: Sequence[float]) -> list:
    vals = []
    try:
        vals = [float(v) for v in dom.special_points()]
    except Exception:
        vals = [0.0, 1.0, -1.0]
    for v in list(_SIMPLE) + list(extra):
        if v not in vals:
            try:
                if bool(dom.contains_array(np.array([v]))[0]):
                    vals.append(float(v))
            except Exception:
                pass
    return vals


def sample_batch(
    symbols: Sequence[sp.Symbol],
    domains: Mapping[sp.Symbol, object],
    rng: np.random.Generator,
    n_random: int = 2000,
    grid_cap: int = 4000,
    extra: Mapping[sp.Symbol, Sequence[float]] | None = None,
) -> Batch:
    """Simple grid points (capped) followed by random draws.

    >>> from symloss.language.domains import parse_domain
    >>> x = sp.Symbol('x', real=True)
    >>> b = sample_batch([x], {x: parse_domain("positive")}, np.random.default_rng(0), 10)
    >>> bool((b.points[x] > 0).all()), int(b.simple.sum()) > 3
    (True, True)
    """
    extra = extra or {}
    symbols = list(symbols)
    per = [_domain_values(domains[s], extra.get(s, ())) for s in symbols]
    # grid: all combinations of the first few simple values, capped
    k = len(symbols)
    if k == 0:
        return Batch({}, np.ones(1, bool))
    width = max(2, int(grid_cap ** (1.0 / k)))
    grid = list(itertools.islice(itertools.product(*[p[:width] for p in per]), grid_cap))
    # sort grid by simplicity: nonzero small values first
    grid.sort(key=lambda pt: sum((abs(v) + (0.5 if v == 0 else 0) + (0 if float(v).is_integer() else 1)) for v in pt))
    cols = {s: [pt[i] for pt in grid] for i, s in enumerate(symbols)}
    # random small rationals, then domain draws
    n_small = n_random // 4
    for i, s in enumerate(symbols):
        dom = domains[s]
        num = rng.integers(-6, 7, size=n_small).astype(float)
        den = rng.choice([1.0, 2.0, 3.0, 4.0, 5.0], size=n_small)
        small = num / den
        try:
            okmask = dom.contains_array(small)
            draws = dom.sample(rng, n_small)
            small = np.where(okmask, small, draws)
        except Exception:
            pass
        try:
            wide = dom.sample(rng, n_random - n_small)
        except Exception:
            wide = rng.standard_normal(n_random - n_small) * 10.0 ** rng.integers(-2, 3, size=n_random - n_small)
        cols[s] = np.concatenate([np.asarray(cols[s], dtype=float), small, wide])
    simple = np.zeros(len(cols[symbols[0]]), bool)
    simple[: len(grid)] = True
    return Batch({s: cols[s] for s in symbols}, simple)


def find_violations(
    symbols: Sequence[sp.Symbol],
    formula: sp.Basic,
    hypotheses: Sequence[sp.Basic],
    domains: Mapping[sp.Symbol, object],
    *,
    seed: int = 0,
    n_random: int = 2000,
    limit: int = 30,
) -> tuple[list[dict], int]:
    """Candidate points (symbol → float) where ``formula`` looks false and no
    hypothesis looks false, simple grid points first; and the number of
    admissible-looking points tested.

    >>> from symloss.language.domains import parse_domain
    >>> x = sp.Symbol('x', real=True)
    >>> cands, n = find_violations([x], x**2 > x, [], {x: parse_domain("real")}, n_random=100)
    >>> cands[0][x] in (0.0, 1.0), n > 50
    (True, True)
    """
    rng = np.random.default_rng(seed)
    extra = kink_points(sp.And(formula, *hypotheses) if hypotheses else formula, symbols) if isinstance(formula, sp.Basic) else {}
    batch = sample_batch(symbols, domains, rng, n_random, extra=extra)
    claim = NumericFormula(symbols, formula)
    if not claim.ok:
        return [], 0
    n = len(batch)
    admissible = np.ones(n, bool)
    for h in hypotheses:
        hf = NumericFormula(symbols, h)
        if not hf.ok:
            continue
        _, hfalse = hf.judge(batch.points)
        admissible &= ~hfalse
    for s in symbols:
        admissible &= np.isfinite(batch.points[s])
    _, bad = claim.judge(batch.points)
    # points where the claim's own sides are undefined are not "tested"
    t, _ = claim.judge(batch.points)
    tested = int(np.sum(admissible & (t | bad)))
    idx = np.flatnonzero(admissible & bad)
    simple_first = sorted(idx, key=lambda i: (not batch.simple[i], i))
    out = []
    seen = set()
    for i in simple_first:
        pt = tuple(float(batch.points[s][i]) for s in symbols)
        if pt in seen:
            continue
        seen.add(pt)
        out.append(dict(zip(symbols, pt)))
        if len(out) >= limit:
            break
    return out, tested
