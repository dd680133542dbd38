"""Sound refutation: search candidates, rationalise, verify exactly, shrink.

Candidates come from vectorised sampling (:mod:`symloss.refute.sampling`), from z3
models (:func:`symloss.engine.z3bridge.decide`, only ever a *candidate*) and, for
``argmin``, from a scan of simple exact points.  A candidate becomes a
:class:`~symloss.engine.verdict.Counterexample` only after :mod:`symloss.calculus.exact`
says, exactly, that every hypothesis holds at the point and the claim is
false there.  Verified points are then shrunk towards simple values (±1, ±2,
±½ before 0, so a generic point is preferred to a degenerate one).

``proportional`` and ``nondecreasing`` are reduced to pointwise claims over
two copies ``v1``, ``v2`` of the bound variable:
``A(v1)·B(v2) = A(v2)·B(v1)`` and ``B(v1) <= B(v2) ⇒ A(v1) <= A(v2)``.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass
from fractions import Fraction
from typing import Iterable, Iterator, Mapping, Sequence

import sympy as sp

from ..calculus.claims import ArgMin, Claim, Corr, Nondecreasing, Pointwise, Proportional
from ..calculus.exact import point_is_admissible, sign_of, substitute, truth
from ..language.functions import relu
from ..language.implicit import ImplicitRoot
from ..engine.implicit_minimiser import remember_hypotheses
from .claims_truth import admissible, failure_reason  # noqa: F401 - failure_reason is re-exported
from .ranges import term_status
from .ranges import resolve_argmins as _resolve
from .sampling import find_violations
from ..engine.verdict import Counterexample, Explanation
from ..engine.minimisers import (  # noqa: F401 - argmin_status, argmin_closed_form are re-exported
    SIMPLE,
    _past,
    _rank,
    argmin_closed_form,
    argmin_status,
)

__all__ = [
    "Search",
    "refute",
    "argmin_status",
    "argmin_closed_form",
    "verify",
    "shrink",
    "rationalise",
    "pair_form",
    "candidate_refutation",
]

@dataclass(frozen=True)
class Search:
    """The outcome of :func:`refute`: a verified counterexample or ``None``,
    the number of admissible points tested, and notes on what was tried."""

    counterexample: Counterexample | None
    tested: int = 0
    notes: tuple = ()
    method: str = ""


# ---------------------------------------------------------------------------
# exact verification


def verify(formula: sp.Basic, hypotheses: Sequence[sp.Basic], values: Mapping,
           cache: dict | None = None, deadline: float | None = None) -> bool:
    """True when every hypothesis holds at ``values`` and ``formula`` is
    false there, both decided exactly.  (``cache``: minimisers already
    decided in this search, see :func:`argmin_status`.)

    >>> x = sp.Symbol('x', real=True)
    >>> verify(x**2 > x, [x > 0], {x: sp.Rational(1, 2)}), verify(x**2 > x, [x > 0], {x: 2})
    (True, False)
    """
    from .claims_truth import evaluate

    # a statement about a minimiser is false where the minimiser is missing
    # (claims_logic): the same evaluation for hypotheses and claim
    for h in hypotheses:
        if evaluate(h, values, deadline, cache)[0] is not True:
            return False
    return evaluate(formula, values, deadline, cache)[0] is False


def rationalise(point: Mapping[sp.Symbol, float], integer: Iterable = ()) -> Iterator[dict]:
    """Exact points near a float point, simplest first (whole numbers, then
    halves, …, then 6-digit fractions).

    >>> x = sp.Symbol('x', real=True)
    >>> [p[x] for p in rationalise({x: 0.4999})][:3]
    [0, 1/2, 4999/10000]
    >>> [p[x] for p in rationalise({x: 0.3})]
    [0, 1/2, 1/3, 3/10]
    """
    integer = set(integer)
    seen = set()
    for d in (1, 2, 4, 10, 1000, 10 ** 6):
        out = {}
        for s, f in point.items():
            if f != f or f in (float("inf"), float("-inf")):
                return
            fr = Fraction(f).limit_denominator(1 if s in integer else d)
            out[s] = sp.Rational(fr.numerator, fr.denominator)
        key = tuple(out.items())
        if key not in seen:
            seen.add(key)
            yield out


def shrink(formula, hypotheses, values: dict, symbols: Sequence, deadline: float | None = None,
           holds=None, cache: dict | None = None) -> dict:
    """Move each value to a simpler one (see :data:`SIMPLE`) while the point
    stays a verified counterexample (or, when given, while ``holds(point)``).

    >>> x, y = sp.symbols('x y', real=True)
    >>> shrink(x + y > 0, [], {x: sp.Rational(-7, 3), y: sp.Rational(1, 5)}, [x, y])
    {x: -1, y: 1}
    """
    values = dict(values)
    changed = True
    while changed and not _past(deadline):
        changed = False
        for s in symbols:
            cur = values[s]
            for c in SIMPLE:
                if _rank(c) >= _rank(cur):
                    break
                trial = dict(values)
                trial[s] = c
                ok = holds(trial) if holds is not None else verify(formula, hypotheses, trial, cache, deadline)
                if ok:
                    values = trial
                    changed = True
                    break
    return values


# ---------------------------------------------------------------------------
# the claim kinds as pointwise problems


def pair_form(claim: Claim):
    """``(formula, hypotheses, symbols, domains, v1, v2)`` for a
    proportional/nondecreasing claim: the pointwise statement over two copies
    of the bound variable whose failure refutes the claim."""
    v = claim.var
    v1 = sp.Dummy(f"{v.name}1", **v.assumptions0)
    v2 = sp.Dummy(f"{v.name}2", **v.assumptions0)
    a1, a2 = claim.a.xreplace({v: v1}), claim.a.xreplace({v: v2})
    b1, b2 = claim.b.xreplace({v: v1}), claim.b.xreplace({v: v2})
    if isinstance(claim, Proportional):
        formula = sp.Eq(a1 * b2, a2 * b1)
    else:
        formula = sp.Implies(sp.Le(b1, b2), sp.Le(a1, a2))
    hyps = []
    for h in claim.hypotheses:
        if v in h.free_symbols:
            for c in (h.xreplace({v: v1}), h.xreplace({v: v2})):
                if c not in hyps:
                    hyps.append(c)
        elif h not in hyps:
            hyps.append(h)
    dom = claim.domain_of(v)
    if dom is not None:
        # the copies carry v's assumptions, so 'v < 0' substituted into them
        # evaluates to True and vanishes; state each copy's domain unevaluated
        # so every candidate pair is checked against it
        for copy in (v1, v2):
            cond = dom.condition(copy)
            for c in (cond.args if isinstance(cond, sp.And) else (cond,)):
                if c is not sp.true and c not in hyps:
                    hyps.append(c)
    domains = {s: d for s, d in claim.domains if s != v}
    domains[v1] = dom
    domains[v2] = dom
    symbols = [s for s in claim.symbols if s != v] + [v1, v2]
    return formula, hyps, symbols, domains, v1, v2


def _at_minimiser_note(formula: sp.Basic, values: dict, cache=None) -> Explanation:
    """`` (at w = argmin …)`` when a minimisation variable sits exactly at its
    minimiser (the point where a kink convention decides the claim)."""
    notes = []
    for term in sorted(formula.atoms(ArgMin), key=sp.default_sort_key):
        if term.var in values:
            m, _ = _resolve(term, values, cache)
            if m is not None and sign_of(m - values[term.var]) == 0:
                notes.append(Explanation("; " if notes else "", term.var, " = ", values[term.var],
                                         " is exactly the minimiser over ", term.var))
    return Explanation(" (", *notes, ")") if notes else Explanation()


def _inactive_note(claim, values: dict) -> Explanation:
    """`` (the unit is inactive here: …)`` when a ReLU of the claim's
    problem has a negative argument at the point (its gradient vanishes on
    a whole region there)."""
    exprs = [getattr(claim, "formula", None)] + list(getattr(claim, "hypotheses", ()))
    dead = []
    for e in exprs:
        if not isinstance(e, sp.Basic):
            continue
        for a in e.atoms(relu):
            u = substitute(a.args[0], values)
            if not u.free_symbols and sign_of(u) == -1 and a not in dead:
                dead.append(a)
    if not dead:
        return Explanation()
    where = [Explanation(", " if k else "", sp.Lt(a.args[0], 0, evaluate=False)) for k, a in enumerate(dead[:2])]
    return Explanation(" (the unit is inactive here: ", *where, ", so the ReLU and its gradient are 0)")


def _sides(lhs, rhs) -> Explanation:
    return Explanation("the claim is false here: left side ", lhs, ", right side ", rhs)


def _explain(claim: Claim, formula: sp.Basic, values: dict, pair=None, cache=None):
    """(evaluations, explanation) at a verified counterexample; the
    explanation keeps its formulas as expressions (printed in the documents'
    notation by the render stage).  ``cache``: the search's, so its
    minimisers are not located again."""
    if pair is not None:
        v, v1, v2 = pair
        at1 = {**values, v: v1}
        at2 = {**values, v: v2}
        a1, a2 = substitute(claim.a, at1), substitute(claim.a, at2)
        b1, b2 = substitute(claim.b, at1), substitute(claim.b, at2)
        evals = (("A(v1)", a1), ("A(v2)", a2), ("B(v1)", b1), ("B(v2)", b2))
        if isinstance(claim, Proportional):
            why = Explanation("A/B is not constant in ", v, ": A(", v1, ")·B(", v2, ") = ", a1 * b2, " but A(", v2,
                              ")·B(", v1, ") = ", a2 * b1, " (A = ", claim.a, ", B = ", claim.b, ")")
        else:
            why = Explanation("B does not decrease from ", v, " = ", v1, " to ", v2, " (", b1, " ≤ ", b2,
                              ") but A decreases (", a1, " > ", a2, ")")
        return evals, why
    if formula.atoms(ArgMin):
        from .claims_truth import evaluate

        value, missing = evaluate(formula, values, None, cache)
        if value is False and missing:  # a comparison about a missing minimiser is false
            return (), missing
    if isinstance(formula, sp.Rel):
        from .claims_truth import value_at

        lhs, rhs = value_at(formula.lhs, values, None, cache), value_at(formula.rhs, values, None, cache)
        if lhs is not None and rhs is not None:
            return (("lhs", lhs), ("rhs", rhs)), Explanation(
                _sides(lhs, rhs), _at_minimiser_note(formula, values, cache), _inactive_note(claim, values))
    return (), "the claim is false here (checked exactly)"


# ---------------------------------------------------------------------------
# searching


def _z3_candidate(formula, hypotheses, deadline) -> dict | None:
    try:
        from ..engine.z3bridge import decide as z3_decide
    except ImportError:
        return None
    left = 1.0 if deadline is None else min(1.5, deadline - time.monotonic())
    if left < 0.1:
        return None
    try:
        d = z3_decide(formula, list(hypotheses), timeout_ms=int(left * 1000))
    except Exception:
        return None
    if d.status == "candidate" and d.candidate:
        return {k: v for k, v in d.candidate.items() if isinstance(v, sp.Basic) and v.is_Rational}
    return None


def _hypothesis_search(formula, hypotheses, symbols, domains, deadline, max_examples=25):
    """Hypothesis ``find`` over small rationals inside the domains: every
    example is verified exactly, and Hypothesis shrinks what it finds."""
    try:
        from hypothesis import HealthCheck, Phase, find, settings
        from hypothesis import strategies as st
        from hypothesis.errors import NoSuchExample, Unsatisfiable
    except ImportError:  # pragma: no cover - hypothesis is a dependency
        return None
    if not symbols or _past(deadline):
        return None

    def value(sym):
        dom = domains.get(sym)
        base = st.fractions(min_value=-20, max_value=20, max_denominator=12)
        if dom is not None and dom.is_finite:
            return st.sampled_from(list(dom.elements))
        if dom is not None:
            base = base.map(lambda f: sp.Rational(f.numerator, f.denominator)).filter(dom.contains)
        else:
            base = base.map(lambda f: sp.Rational(f.numerator, f.denominator))
        return base

    strategy = st.fixed_dictionaries({s: value(s) for s in symbols})

    def bad(point):
        return not _past(deadline) and verify(formula, hypotheses, point)

    try:
        return find(strategy, bad, settings=settings(
            max_examples=max_examples, database=None, deadline=None,
            suppress_health_check=list(HealthCheck), phases=[Phase.generate, Phase.shrink]))
    except (NoSuchExample, Unsatisfiable):
        return None
    except Exception:  # noqa: BLE001 - a failed search decides nothing
        return None


def _fill(point: dict, symbols, domains) -> dict:
    """Give every symbol a value (simplest domain point for missing ones)."""
    out = dict(point)
    for s in symbols:
        if s not in out:
            pts = [p for p in domains[s].special_points()] if s in domains else [sp.Integer(1)]
            out[s] = sorted(pts, key=_rank)[0] if pts else sp.Integer(1)
    return out


def _search_pointwise(formula, hypotheses, symbols, domains, *, seed, deadline, n_random, cache=None):
    """``(point, tested, notes)``: a verified exact counterexample point
    (shrunk) or ``None``, the number of points tested, and notes."""
    notes = []
    cache = {} if cache is None else cache
    integer = [s for s in symbols if s.is_integer]
    sampling_formula = formula
    sampling_hyps = list(hypotheses)
    from ..calculus.claims_slope import outer_terms

    if formula.atoms(Corr):  # left unevaluated by the claim language: no closed form to evaluate at a point
        notes.append("correlation has no closed form")
        return None, 0, notes
    slopes, _ = outer_terms(formula)
    for slope in slopes:  # d(argmin(E, v), s): the derivative of the closed form (for sampling only)
        sampling_formula = sampling_formula.xreplace({slope: slope.value()})
    for term in sampling_formula.atoms(ArgMin):
        # the closed form is the real-line minimiser: over a declared domain
        # it may not be the minimiser at all, so only the exact scan applies
        cf = argmin_closed_form(term) if term.range == sp.S.Reals else None
        if cf is None:
            notes.append(f"no closed form for {term}: exact scan of simple points only")
            point, tested = _exact_scan(formula, hypotheses, symbols, domains, deadline, seed, cache)
            if point is not None:
                return point, tested, notes
            return None, tested, notes
        sampling_formula = sampling_formula.xreplace({term: cf[0]})
    sampling_hyps = [h for h in sampling_hyps if not h.atoms(ArgMin, Corr)]
    if sampling_formula.atoms(Corr):
        notes.append("correlation has no closed form")
        return None, 0, notes
    cands, tested = find_violations(symbols, sampling_formula, sampling_hyps, domains,
                                    seed=seed, n_random=n_random)
    notes.append(f"sampling: {tested} admissible points, {len(cands)} candidates")
    exact_points: list = []
    z3c = _z3_candidate(sampling_formula, sampling_hyps, deadline) if not _past(deadline) else None
    if z3c is not None:
        notes.append("z3 model as candidate")
    ordered = []
    simple = cands[:10]
    ordered += [("float", c) for c in simple]
    if z3c is not None:
        ordered.append(("exact", _fill(z3c, symbols, domains)))
    ordered += [("float", c) for c in cands[10:20]]
    for kind, c in ordered:
        if _past(deadline):
            break
        trials = [c] if kind == "exact" else rationalise(c, integer)
        for exact in trials:
            if _past(deadline):
                break
            if verify(formula, hypotheses, exact, cache, deadline):
                return shrink(formula, hypotheses, exact, symbols, deadline, cache=cache), tested, notes
    if not formula.atoms(ArgMin) and (deadline is None or deadline - time.monotonic() > 2.0):
        found = _hypothesis_search(formula, hypotheses, symbols, domains, deadline)
        notes.append("hypothesis search" + (": found a point" if found else ": nothing"))
        if found is not None:
            return shrink(formula, hypotheses, dict(found), symbols, deadline), tested, notes
    return None, tested, notes


def _simple_points(symbols, domains, seed, n_grid=60, n_random=40):
    """Exact points: a grid of simple domain values, then small random
    rationals (kept inside the domains)."""
    import numpy as np

    per = []
    for s in symbols:
        pts = sorted(domains[s].special_points(), key=_rank) if s in domains else list(SIMPLE[:7])
        first = list(pts)[:4]
        if sp.S.Zero in pts and sp.S.Zero not in first:
            first.append(sp.S.Zero)
        per.append(first or [sp.Integer(1)])
    grid = sorted(itertools.islice(itertools.product(*per), 2000), key=lambda p: sum(_rank(v) for v in p))
    yield from grid[:n_grid]
    rng = np.random.default_rng(seed)
    for _ in range(n_random):
        pt = []
        for i, s in enumerate(symbols):
            v = sp.Rational(int(rng.integers(-5, 6)), int(rng.integers(1, 4)))
            if s in domains and not domains[s].contains(v):
                v = per[i][int(rng.integers(0, len(per[i])))]
            pt.append(v)
        yield tuple(pt)


def _at_minimiser(values: dict, term: ArgMin, domains, cache, deadline) -> dict | None:
    """``values`` with the minimisation variable moved to the unique
    minimiser at the other values (where claims like
    ``sign(d(L, w)) == sign(w - argmin(L, w))`` fail at a kink), or ``None``."""
    v = term.var
    others = {k: x for k, x in values.items() if k != v}
    status = term_status(term, values, deadline, cache)
    if status is None or status[0] != "unique" or status[1].free_symbols or status[1].has(ImplicitRoot):
        return None  # a coordinate is a rational or a closed form, never a bracketed root
    m = status[1]
    if v in domains and m.is_Rational and not domains[v].contains(m):
        return None
    return {**values, v: m}


def _exact_scan(formula, hypotheses, symbols, domains, deadline, seed, cache=None):
    """The first simple exact point that verifies (shrunk), and how many
    admissible points were looked at.  When the minimisation variable of an
    ``argmin`` is also a free symbol, the point with that variable placed
    exactly at the minimiser is tried too (and kept there while shrinking)."""
    cache = {} if cache is None else cache
    tested = 0
    movable = [t for t in sorted(formula.atoms(ArgMin), key=sp.default_sort_key) if t.var in symbols]
    for point in _simple_points(symbols, domains, seed):
        if _past(deadline):
            break
        values = dict(zip(symbols, point))
        tested += 1
        if verify(formula, hypotheses, values, cache, deadline):
            return shrink(formula, hypotheses, values, symbols, deadline, cache=cache), tested
        for term in movable:
            plain = [h for h in hypotheses if not h.atoms(ArgMin, Corr) and term.var not in h.free_symbols]
            if point_is_admissible(plain, values) is False:
                continue  # no minimiser worth locating where the other symbols break a hypothesis
            moved = _at_minimiser(values, term, domains, cache, deadline)
            if moved is None or moved == values:
                continue
            tested += 1
            if verify(formula, hypotheses, moved, cache, deadline):
                def holds(trial, term=term):
                    at = _at_minimiser(trial, term, domains, cache, deadline)
                    return at is not None and verify(formula, hypotheses, at, cache, deadline)

                rest = [s for s in symbols if s != term.var]
                shrunk = shrink(None, None, moved, rest, deadline, holds=holds)
                at = _at_minimiser(shrunk, term, domains, cache, deadline)
                if at is not None and verify(formula, hypotheses, at, cache, deadline):
                    return at, tested
                return moved, tested
    return None, tested


def _argmin_failure(claim: Pointwise, deadline, seed, cache=None):
    """A verified point where some ``argmin`` term has no unique minimiser."""
    terms = claim.formula.atoms(ArgMin)
    if not terms:
        return None
    symbols = list(claim.symbols)
    hyps = list(claim.hypotheses)  # assumptions about argmin too: they must hold at the point
    doms = dict(claim.domains)

    def failure(values):
        from .claims_truth import refutes
        from .claims_truth import admissible

        if admissible(hyps, values, deadline, cache) is not True:
            return None
        # a comparison about a missing minimiser is false (claims_logic)
        return refutes(claim.formula, values, deadline, cache)

    # the degenerate point first (every symbol 0 where its domain allows):
    # a batch's minimiser fails where all inputs vanish together, a point
    # the grid of simple values reaches only for one or two symbols
    zeros = tuple(sp.S.Zero if s not in doms or doms[s].contains(sp.S.Zero) else _fill({}, [s], doms)[s]
                  for s in symbols)
    for point in itertools.chain([zeros], _simple_points(symbols, doms, seed)):
        if _past(deadline):
            return None
        values = dict(zip(symbols, point))
        if failure(values) is not None:
            values = shrink(None, None, values, symbols, deadline, holds=lambda v: failure(v) is not None)
            return values, failure(values)
    return None


def refute(claim: Claim, *, seed: int = 0, deadline: float | None = None, n_random: int = 2000) -> Search:
    """Search for a counterexample to ``claim`` and verify it exactly.

    Returns a :class:`Search`; its counterexample is ``None`` when none was
    found (which proves nothing).
    """
    if isinstance(claim, (Proportional, Nondecreasing)):
        formula, hyps, symbols, domains, v1, v2 = pair_form(claim)
        point, tested, notes = _search_pointwise(formula, hyps, symbols, domains,
                                                 seed=seed, deadline=deadline, n_random=n_random)
        if point is None:
            return Search(None, tested, tuple(notes))
        values = {s: point[s] for s in symbols if s not in (v1, v2)}
        pair = (claim.var, point[v1], point[v2])
        evals, why = _explain(claim, formula, values, pair)
        ce = Counterexample(values, pair=pair, evaluations=evals, explanation=why)
        return Search(ce, tested, tuple(notes), "exact counterexample")
    if not isinstance(claim, Pointwise):
        return Search(None, 0, (f"cannot refute a {type(claim).__name__}",))
    # a generic counterexample first (more informative), then missing minimisers
    domains = dict(claim.domains)
    cache: dict = {}
    remember_hypotheses(cache, claim.hypotheses, deadline)
    first = deadline
    if deadline is not None and claim.formula.atoms(ArgMin):
        # leave the missing-minimiser scan its share (its points reuse the cache)
        first = time.monotonic() + 0.6 * max(0.0, deadline - time.monotonic())
    point, tested, notes = _search_pointwise(claim.formula, claim.hypotheses, list(claim.symbols), domains,
                                             seed=seed, deadline=first, n_random=n_random, cache=cache)
    if point is not None:
        evals, why = _explain(claim, claim.formula, point, cache=cache)
        ce = Counterexample(point, evaluations=evals, explanation=why)
        return Search(ce, tested, tuple(notes), "exact counterexample")
    fail = _argmin_failure(claim, deadline, seed, cache)
    if fail is not None:
        values, why = fail
        if admissible(claim.hypotheses, values, deadline, cache) is True:
            ce = Counterexample(values, explanation=why)
            return Search(ce, tested, tuple(notes) + ("argmin scan",), "exact counterexample (no unique minimiser)")
    return Search(None, tested, tuple(notes))


def candidate_refutation(claim, env):
    """A refutation from the first of ``env.candidates`` (points a proof
    search met: z3 models, interval boxes) the exact verifier accepts, shrunk
    towards simple values while it stays verified, or ``None``.  ``env`` has
    ``candidates``, ``deadline`` and ``expired()`` (the prover's ``Env``)."""
    from ..calculus.exact import substitute as exact_value
    from ..engine.verdict import Result

    seen = []
    for point in env.candidates:
        if point in seen or env.expired():
            continue
        seen.append(point)
        values = {s: v for s, v in point.items() if s in set(claim.symbols)}
        if set(values) != set(claim.symbols):
            continue
        if not verify(claim.formula, claim.hypotheses, values):
            continue  # a candidate of the abstraction only: never reported
        values = shrink(claim.formula, claim.hypotheses, values, claim.symbols, deadline=env.deadline)
        f = claim.formula
        evaluations, why = (), "the claim is false here (checked exactly)"
        if isinstance(f, sp.Rel):
            lhs, rhs = exact_value(f.lhs, values), exact_value(f.rhs, values)
            evaluations = (("lhs", lhs), ("rhs", rhs))
            why = _sides(lhs, rhs)
        ce = Counterexample(values, evaluations=evaluations, explanation=why)
        return Result("refuted", claim, counterexample=ce, reason=ce.describe(),
                      method="exact counterexample (from a point met by the prover: a z3 model or an interval box)")
    return None
