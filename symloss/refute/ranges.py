"""Minimisation over a declared domain, decided exactly at a point.

``argmin(E, v)`` ranges over the declared domain of ``v`` (see
:class:`symloss.calculus.claims.ArgMin`): the real line, an interval (``positive``,
``[0, 1]``, ...), ℝ∖{0} or a finite set.  At a point (every other symbol a
number) :func:`argmin_status_on` says how ``E`` is minimised over that
range, with the same answers as
:func:`symloss.engine.minimisers.argmin_status` for the real line:
``("unique", m)``, ``("none", why)``, ``("many", why)``, or ``None`` when
undecided.  Every answer rests on exact arithmetic (:func:`exact.sign_of`):

* a finite set: the values of ``E`` at its points compared exactly;
* an interval, ``E`` a polynomial with number coefficients: the exact real
  critical points inside, the closed ends, and the behaviour at the open or
  infinite ends (a closed end can be the minimiser; an open end where ``E``
  approaches a value at or below every attained one means the infimum is
  not attained);
* otherwise: the real-line minimiser when it is unique and lies inside the
  range (a global minimiser over ℝ inside a subset is its unique minimiser
  there); anything else is undecided.

``E`` may have been rewritten with the facts of the domain (``abs(w)`` is
``w`` for a positive ``w``), so it is analysed only on the range: ``v`` is
renamed to a plain real variable and nothing outside the range is read.
"""

from __future__ import annotations

import sympy as sp

from ..calculus.exact import sign_of
from ..engine.minimisers import argmin_status

__all__ = ["argmin_status_on", "term_status", "resolve_argmins", "admissible", "failure_reason"]


def _nonzero_set() -> sp.Set:
    return sp.Union(sp.Interval.open(-sp.oo, 0), sp.Interval.open(0, sp.oo))


def term_status(term, values, deadline=None, cache=None):
    """:func:`argmin_status_on` for an :class:`~symloss.calculus.claims.ArgMin` term
    with every other symbol given by ``values``."""
    from ..calculus.exact import substitute
    from ..engine.implicit_minimiser import instantiated_status

    found = instantiated_status(term, values, cache, deadline)  # one symbolic proof per search
    if found is not None:
        return found
    others = {k: v for k, v in values.items() if k != term.var}
    return argmin_status_on(substitute(term.expr, others), term.var, term.range, deadline, cache)


def argmin_status_on(expr: sp.Expr, var: sp.Symbol, rng: sp.Set, deadline=None, cache=None):
    """How ``expr`` (whose only free symbol is ``var``) is minimised over
    ``rng``.

    >>> w = sp.Symbol('w', positive=True)
    >>> argmin_status_on(w + (w + 1)**2, w, sp.Interval.open(0, sp.oo))
    ('none', 'on w > 0 the infimum 1 is approached as w → 0 (an open end), not attained')
    >>> argmin_status_on((w - 2)**2, w, sp.Interval(3, 5))
    ('unique', 3)
    >>> argmin_status_on((w - 2)**2, w, sp.FiniteSet(1, 3))[0]
    'many'
    """
    if rng == sp.S.Reals:
        return argmin_status(expr, var, deadline, cache)
    key = ("range", expr, var, rng)
    if cache is not None and key in cache:
        return cache[key]
    out = _status(expr, var, rng, deadline, cache)
    if cache is not None and out is not None:
        cache[key] = out
    return out


def _status(expr, var, rng, deadline, cache):
    if expr.free_symbols - {var}:
        return None
    u = sp.Dummy(var.name, real=True)
    e = expr.xreplace({var: u})
    if isinstance(rng, sp.FiniteSet):
        return _finite(e, u, var, list(rng.args))
    if isinstance(rng, sp.Range):
        return _integers(e, u, var, rng, deadline, cache)
    if isinstance(rng, sp.Interval):
        try:
            poly = sp.Poly(sp.expand(e), u)
        except sp.PolynomialError:
            poly = None
        if poly is not None and all(c.is_number for c in poly.all_coeffs()):
            return _polynomial(poly, u, var, rng)
    elif rng == _nonzero_set():
        try:
            poly = sp.Poly(sp.expand(e), u)
        except sp.PolynomialError:
            poly = None
        if poly is not None and all(c.is_number for c in poly.all_coeffs()):
            return _polynomial(poly, u, var, sp.Interval(-sp.oo, sp.oo), holes=(sp.S.Zero,), where=_text(var, rng))
    else:
        return None
    # the real-line minimiser, when unique and inside the range
    if var not in expr.free_symbols:
        return ("many", f"the function does not depend on {var}: every {var} in {_text(var, rng)} is a minimiser")
    if isinstance(rng, sp.Interval):
        found = _proved_on_interval(e, u, rng, deadline, var)
        if found is not None:
            return found
    st = argmin_status(e, u, deadline, cache)
    if st is None or st[0] != "unique" or st[1].free_symbols:
        return None
    inside = _inside(st[1], rng)
    return st if inside is True else None


def _proved_on_interval(e, u, rng, deadline, name=None):
    """``("unique", r)`` from a checked :class:`~symloss.engine.argmin_interval.MinimiserOnInterval`
    proof for the closed function ``e`` of ``u`` on the interval ``rng``
    (a function defined on the interval only, such as ``log(u)/2 + c/u``),
    else ``None``."""
    from ..engine.argmin_interval import interval_minimiser
    from ..calculus.claims import ArgMin
    from ..calculus.proof import check_proof
    from ..engine.tactics import Env, Goal

    if not isinstance(rng, sp.Interval) or rng == sp.S.Reals:
        return None
    v = sp.Dummy(u.name, real=True)
    term = ArgMin(e.xreplace({u: v}), v, rng)
    try:
        step = interval_minimiser(term, Goal(sp.true, ()), Env(deadline=deadline))
        if step is not None and not step.root.free_symbols:
            check_proof(step, set())
            return ("unique", step.root)
    except Exception:  # noqa: BLE001 - no checked proof, no answer
        pass
    return _monotone_on_interval(term, rng, deadline, name or u)


def _monotone_on_interval(term, rng, deadline, name):
    """``("none", why)`` when ``E`` is defined and strictly monotone on the
    interval (its derivative's sign proved there, every definedness
    condition proved there) towards an open or infinite end: the infimum
    is approached at that end and not attained."""
    from ..engine.argmin import _conditions, _prove, _smooth
    from ..calculus.claims import membership
    from ..language.functions import derivative
    from ..calculus.proof import Given, check_proof
    from ..engine.tactics import Env

    v, e = term.var, term.expr
    if not _smooth(e):
        return None
    g = derivative(e, v)
    inside = tuple(membership(v, rng))
    ctx = tuple(Given(c, "the domain") for c in inside)
    env = Env(deadline=deadline)
    for c in _conditions([e, g]):
        if c in inside:
            continue
        p = _prove(c, ctx, env)
        if p is None:
            return None
        check_proof(p, set(inside))
    for rel, end, is_open, towards in ((sp.StrictGreaterThan, rng.start, rng.left_open, "→"),
                                       (sp.StrictLessThan, rng.end, rng.right_open, "→")):
        p = _prove(rel(g, 0, evaluate=False), ctx, env)
        if p is None:
            continue
        check_proof(p, set(inside))
        if end.is_finite and not is_open:  # strictly monotone towards a closed end: that end
            return ("unique", end)
        way = "increasing" if rel is sp.StrictGreaterThan else "decreasing"
        where = "an open end" if end.is_finite else "an infinite end"
        return ("none", f"on {_text(name, rng)} the function is strictly {way}: its infimum is approached "
                        f"as {name} {towards} {end} ({where}) and not attained")
    return None


def _integers(e, u, var, rng: sp.Range, deadline, cache):
    """Integers in ``rng``: a bounded range of at most 2000 points is
    compared point by point; otherwise ``E`` must be a polynomial, which is
    monotone before its least and after its greatest real critical point,
    so only the integers between them (and the finite ends) can be the
    minimiser, and at an infinite end ``E`` must grow."""
    lo, hi = rng.inf, rng.sup
    if lo.is_finite and hi.is_finite and hi - lo <= 2000:
        return _finite(e, u, var, list(rng))
    try:
        poly = sp.Poly(sp.expand(e), u)
    except sp.PolynomialError:
        return None
    if not all(c.is_number for c in poly.all_coeffs()):
        return None
    where = f"the integers in {_text(var, rng)}"
    if poly.degree() <= 0:
        return ("many", f"the function does not depend on {var}: every {var} in {where} is a minimiser")
    lc = sign_of(poly.LC())
    if lc is None:
        return None
    for end, at_plus in ((lo, False), (hi, True)):
        if end.is_finite:
            continue
        up = lc > 0 if (at_plus or poly.degree() % 2 == 0) else lc < 0
        if not up:
            return ("none", f"on {where} the function is unbounded below as {var} → {end}: no minimiser")
    dpoly = poly.diff(u)
    try:
        crit = sp.real_roots(dpoly) if dpoly.degree() > 0 else []
    except Exception:  # noqa: BLE001
        return None
    pts = set()
    for end in (lo, hi):
        if end.is_finite:
            pts.add(end)
    if crit:
        a, b = sp.floor(min(crit, key=lambda r: float(r))), sp.ceiling(max(crit, key=lambda r: float(r)))
        if not (a.is_Integer and b.is_Integer) or b - a > 2000:
            return None
        pts |= {sp.Integer(k) for k in range(int(a), int(b) + 1) if rng.contains(sp.Integer(k)) is sp.true}
    if not pts:
        return None
    return _finite(e, u, var, sorted(pts))


def _text(var, rng) -> str:
    if isinstance(rng, sp.Range):
        return f"{{{rng.inf}, ..., {rng.sup}}}"
    if isinstance(rng, sp.FiniteSet):
        return f"{{{', '.join(map(str, rng.args))}}}"
    if rng == _nonzero_set():
        return f"{var} != 0"
    if isinstance(rng, sp.Interval):
        if rng.start.is_finite and not rng.end.is_finite:
            return f"{var} {'>' if rng.left_open else '>='} {rng.start}"
        if rng.end.is_finite and not rng.start.is_finite:
            return f"{var} {'<' if rng.right_open else '<='} {rng.end}"
        return f"{'(' if rng.left_open else '['}{rng.start}, {rng.end}{')' if rng.right_open else ']'}"
    return str(rng)


def _inside(m, rng) -> bool | None:
    from ..calculus.claims import membership

    verdicts = []
    for cond in membership(m, rng):
        if isinstance(cond, sp.Contains):
            verdicts.append(bool(m.is_integer) if m.is_integer is not None else None)
            continue
        if isinstance(cond, sp.Or):
            verdicts.append(any(sign_of(a.lhs - a.rhs) == 0 for a in cond.args) or None)
            continue
        d = sign_of(cond.rhs - cond.lhs) if isinstance(cond, (sp.StrictLessThan, sp.LessThan)) else sign_of(cond.lhs - cond.rhs)
        if d is None:
            return None
        if isinstance(cond, sp.StrictLessThan):
            verdicts.append(d > 0)
        elif isinstance(cond, sp.LessThan):
            verdicts.append(d >= 0)
        else:  # Ne(m, 0)
            verdicts.append(d != 0)
    if any(v is None for v in verdicts):
        return None
    return all(verdicts)


def _real_number(v) -> bool:
    return isinstance(v, sp.Expr) and not v.free_symbols and not v.has(sp.zoo, sp.nan, sp.oo, -sp.oo, sp.I)


def _least(points, vals):
    """Indices of the least values (exact comparisons), or ``None``."""
    best = [0]
    for i in range(1, len(points)):
        c = sign_of(vals[i] - vals[best[0]])
        if c is None:
            return None
        if c < 0:
            best = [i]
        elif c == 0:
            best.append(i)
    return best


def _defined_points(e, u, points):
    """The points where ``e`` is defined as written (its definedness
    conditions decided exactly there; ``argmin`` minimises over the values
    of its variable where the expression is defined), or ``None`` when
    that is not decided at some point."""
    from ..calculus.exact import point_is_admissible
    from ..language.functions import definedness_conditions

    conds = [c for c in definedness_conditions(e) if u in c.free_symbols]
    out = []
    for p in points:
        ok = point_is_admissible(conds, {u: p}) if conds else True
        if ok is None:
            return None
        if ok:
            out.append(p)
    return out


def _finite(e, u, var, points):
    points = _defined_points(e, u, points)
    if points is None:
        return None
    if not points:
        return ("none", f"the function is defined at no value of {var} in its domain: no minimiser")
    vals = [e.xreplace({u: p}) for p in points]
    if not all(_real_number(v) for v in vals):
        return None  # some value is not a plain number: undecided
    best = _least(points, vals)
    if best is None:
        return None
    if len(best) > 1:
        pts = ", ".join(str(points[i]) for i in best)
        return ("many", f"minimisers {var} = {pts} (both give the value {vals[best[0]]})")
    return ("unique", points[best[0]])


def _polynomial(poly: sp.Poly, u, var, rng: sp.Interval, holes=(), where=None):
    """``holes``: points removed from the interval (0 for ℝ∖{0}); each is an
    open end on both sides."""
    where = where or _text(var, rng)
    if poly.degree() <= 0:
        return ("many", f"the function does not depend on {var}: every {var} in {where} is a minimiser")
    dpoly = poly.diff(u)
    try:
        crit = sp.real_roots(dpoly) if dpoly.degree() > 0 else []
        count = sp.Poly(dpoly.sqf_part(), u).count_roots() if dpoly.degree() > 0 else 0
    except Exception:  # noqa: BLE001 - non-rational coefficients, ...
        return None
    crit = list(dict.fromkeys(crit))
    if len(crit) != count or any(r.has(sp.CRootOf, sp.I) for r in crit):
        return None
    cands = []
    for r in crit:
        if sign_of(dpoly.as_expr().xreplace({u: r})) != 0:
            return None
        inside = _inside(r, sp.Interval.open(rng.start, rng.end))
        if inside is None:
            return None
        if inside and all(r != h for h in holes):
            cands.append(r)
    ends = [(h, poly.as_expr().xreplace({u: h})) for h in holes]  # (end, value or ±oo): ends not in the range
    lc = sign_of(poly.LC())
    if lc is None:
        return None
    for end, is_open, at_plus in ((rng.start, rng.left_open, False), (rng.end, rng.right_open, True)):
        if end.is_finite and not is_open:
            cands.append(end)
        elif end.is_finite:
            ends.append((end, poly.as_expr().xreplace({u: end})))
        else:
            up = lc > 0 if (at_plus or poly.degree() % 2 == 0) else lc < 0
            ends.append((end, sp.oo if up else -sp.oo))
    vals = [poly.as_expr().xreplace({u: c}) for c in cands]
    for end, limit in ends:
        if limit == -sp.oo:
            return ("none", f"on {where} the function is unbounded below as {var} → {end}: no minimiser")
    best = _least(cands, vals) if cands else []
    if best is None:
        return None
    finite_ends = [(end, limit) for end, limit in ends if limit != sp.oo]
    if not cands:
        order = _least(finite_ends, [limit for _, limit in finite_ends]) if finite_ends else None
        if not order:
            return None
        finite_ends = [finite_ends[order[0]]]
    for end, limit in finite_ends:
        c = -1 if not cands else sign_of(limit - vals[best[0]])
        if c is None:
            return None
        if c < 0:
            return ("none", f"on {where} the infimum {limit} is approached as {var} → {end} "
                            f"(an open end), not attained")
    if not cands:
        return None
    if len(best) > 1:
        pts = ", ".join(str(cands[i]) for i in best)
        return ("many", f"on {where}: minimisers {var} = {pts} (all give the value {vals[best[0]]})")
    return ("unique", cands[best[0]])


# ---------------------------------------------------------------------------
# argmin terms replaced by their minimisers (display); the truth of claims
# about missing minimisers is refute/claims_truth


def resolve_argmins(formula, values, cache=None, deadline=None):
    """``formula`` with each ``argmin`` term replaced by its exact value at
    ``values``: ``(formula, None)``, or ``(None, why)`` when some minimiser
    does not exist or is not unique, or ``(None, None)`` when undecided (a
    ``corr`` term is never resolved at one point)."""
    from ..calculus.claims import ArgMin, Corr

    repl = {}
    for term in formula.atoms(ArgMin):
        status = term_status(term, values, deadline, cache)
        if status is None:
            return None, None
        if status[0] != "unique":
            return None, status[1]
        repl[term] = status[1]
    if formula.atoms(Corr):
        return None, None
    return (formula.xreplace(repl) if repl else formula), None
