"""What a user would try instead of symloss, on the same claims.

Each baseline receives a claim already read by symloss's front end (model,
loss, claim text → a SymPy formula with ``L``, ``ŷ`` and ``d(...)``
substituted), so the comparison is about *deciding*, not parsing.  Each
returns ``"proved"``, ``"refuted"`` or ``"unknown"`` and never raises.

* :func:`sympy_baseline` — plain SymPy as a user would use it: ``simplify``
  (and ``.equals``) for identities, the assumptions system and
  ``solve_univariate_inequality`` for inequalities, ``solve(diff(E, v), v)``
  for minimisers, ``simplify(A/B)`` for proportionality, ``integrate`` for
  correlations under a uniform distribution.
* :func:`z3_baseline` — z3's nonlinear real arithmetic on the claims it can
  express (polynomial and rational, with |·|, max, min, sign and relu as
  if-then-else); a ``sat`` model of the negation is read as a refutation.
* :func:`random_baseline` — float testing: vectorised NumPy on random points
  of the domains; a violated point is read as a refutation (never a proof).

A baseline's answer is *wrong* when it contradicts the claim's known truth;
the benchmark counts those.  This module is a benchmark helper, not part of
the package.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from symloss.calculus.claims import ArgMin, Corr, Nondecreasing, Pointwise, Proportional, UniformDist
from symloss.language.functions import NUMPY_FUNCTIONS

__all__ = ["BASELINES", "sympy_baseline", "z3_baseline", "random_baseline", "portfolio"]

_REL = (sp.Eq, sp.Ne, sp.Lt, sp.Le, sp.Gt, sp.Ge)


# ---------------------------------------------------------------------------
# plain SymPy


def _argmin_by_solve(formula: sp.Basic):
    """Replace each ArgMin(E, v) by the single real solution of E' = 0, as a
    user of ``solve`` would; ``None`` when there is not exactly one."""
    reps = {}
    for t in formula.atoms(ArgMin):
        sols = [s for s in sp.solve(sp.diff(t.expr, t.var), t.var) if s.is_real is not False]
        if len(sols) != 1:
            return None
        reps[t] = sols[0]
    return formula.xreplace(reps)


def _corr_by_integrate(formula: sp.Basic):
    """Replace each Corr under a uniform distribution by ``integrate``'s value."""
    reps = {}
    for t in formula.atoms(Corr):
        a, b, v, dist = t.args
        if not isinstance(dist, UniformDist):
            return None
        lo, hi = dist.args

        def mean(e):
            return sp.integrate(e, (v, lo, hi)) / (hi - lo)

        ma, mb = mean(a), mean(b)
        cov = mean(a * b) - ma * mb
        va, vb = mean(a**2) - ma**2, mean(b**2) - mb**2
        reps[t] = sp.simplify(cov / sp.sqrt(va * vb))
    return formula.xreplace(reps)


def _sympy_relational(rel: sp.Basic, claim) -> str:
    if rel is sp.true:
        return "proved"
    if rel is sp.false:
        return "refuted"
    if not isinstance(rel, _REL):
        simp = sp.simplify(rel)
        return "proved" if simp is sp.true else "refuted" if simp is sp.false else "unknown"
    diff = sp.simplify(rel.lhs - rel.rhs)
    if isinstance(rel, (sp.Eq, sp.Ne)):
        same = diff == 0 or diff.equals(0)
        if same is True:
            return "proved" if isinstance(rel, sp.Eq) else "refuted"
        if same is False or (diff.is_number and diff != 0):
            return "refuted" if isinstance(rel, sp.Eq) else "proved"
        return "unknown"
    if isinstance(rel, (sp.Ge, sp.Le)):
        sign_ok = diff.is_nonnegative if isinstance(rel, sp.Ge) else diff.is_nonpositive
    else:
        sign_ok = diff.is_positive if isinstance(rel, sp.Gt) else diff.is_negative
    if sign_ok is not None:
        return "proved" if sign_ok else "refuted"
    free = sorted(diff.free_symbols, key=lambda s: s.name)
    if len(free) == 1:
        v = free[0]
        dom = claim.domain_of(v)
        try:
            sol = sp.solve_univariate_inequality(rel.func(diff, 0), v, relational=False)
        except Exception:
            return "unknown"
        whole = sp.Interval(-sp.oo, sp.oo)
        if dom is not None and dom.kind == "interval":
            whole = sp.Interval(dom.lo, dom.hi, dom.lo_open, dom.hi_open)
        return "proved" if whole.is_subset(sol) else "refuted"
    return "unknown"


def sympy_baseline(claim) -> str:
    """Plain SymPy on a parsed claim."""
    if isinstance(claim, Proportional):
        ratio = sp.simplify(claim.a / claim.b)
        return "refuted" if claim.var in ratio.free_symbols else "proved"
    if isinstance(claim, Nondecreasing) or not isinstance(claim, Pointwise):
        return "unknown"
    formula = claim.formula
    if formula.atoms(ArgMin):
        formula = _argmin_by_solve(formula)
    if formula is not None and formula.atoms(Corr):
        formula = _corr_by_integrate(formula)
    if formula is None:
        return "unknown"
    return _sympy_relational(formula, claim)


# ---------------------------------------------------------------------------
# z3 on the polynomial subset


class _NotExpressible(Exception):
    pass


def _to_z3(e, env, z3):
    if isinstance(e, sp.Symbol):
        if e not in env:
            env[e] = z3.Real(e.name)
        return env[e]
    if e.is_Rational:
        return z3.RealVal(str(e.p)) / z3.RealVal(str(e.q)) if e.q != 1 else z3.RealVal(str(e.p))
    if isinstance(e, sp.Add):
        return z3.Sum(*[_to_z3(a, env, z3) for a in e.args])
    if isinstance(e, sp.Mul):
        out = _to_z3(e.args[0], env, z3)
        for a in e.args[1:]:
            out = out * _to_z3(a, env, z3)
        return out
    if isinstance(e, sp.Pow) and e.exp.is_Integer:
        base = _to_z3(e.base, env, z3)
        n = int(e.exp)
        if n == 0:
            return z3.RealVal(1)
        out = base
        for _ in range(abs(n) - 1):
            out = out * base
        return out if n > 0 else 1 / out
    if isinstance(e, sp.Abs):
        a = _to_z3(e.args[0], env, z3)
        return z3.If(a >= 0, a, -a)
    if isinstance(e, sp.sign):
        a = _to_z3(e.args[0], env, z3)
        return z3.If(a > 0, z3.RealVal(1), z3.If(a < 0, z3.RealVal(-1), z3.RealVal(0)))
    if isinstance(e, (sp.Max, sp.Min)):
        args = [_to_z3(a, env, z3) for a in e.args]
        out = args[0]
        for a in args[1:]:
            out = z3.If(a > out, a, out) if isinstance(e, sp.Max) else z3.If(a < out, a, out)
        return out
    if type(e).__name__ == "relu":
        a = _to_z3(e.args[0], env, z3)
        return z3.If(a > 0, a, z3.RealVal(0))
    if isinstance(e, sp.Piecewise):
        out = None
        for expr, cond in reversed(e.args):
            val = _to_z3(expr, env, z3)
            out = val if out is None else z3.If(_bool_to_z3(cond, env, z3), val, out)
        return out
    raise _NotExpressible(type(e).__name__)


def _bool_to_z3(b, env, z3):
    if b is sp.true:
        return z3.BoolVal(True)
    if b is sp.false:
        return z3.BoolVal(False)
    ops = {sp.Eq: lambda a, c: a == c, sp.Ne: lambda a, c: a != c, sp.Lt: lambda a, c: a < c,
           sp.Le: lambda a, c: a <= c, sp.Gt: lambda a, c: a > c, sp.Ge: lambda a, c: a >= c}
    for cls, op in ops.items():
        if isinstance(b, cls):
            return op(_to_z3(b.lhs, env, z3), _to_z3(b.rhs, env, z3))
    if isinstance(b, sp.And):
        return z3.And(*[_bool_to_z3(a, env, z3) for a in b.args])
    if isinstance(b, sp.Or):
        return z3.Or(*[_bool_to_z3(a, env, z3) for a in b.args])
    if isinstance(b, sp.Not):
        return z3.Not(_bool_to_z3(b.args[0], env, z3))
    if isinstance(b, sp.Implies):
        return z3.Implies(_bool_to_z3(b.args[0], env, z3), _bool_to_z3(b.args[1], env, z3))
    if isinstance(b, sp.Contains):
        raise _NotExpressible("Contains")
    raise _NotExpressible(type(b).__name__)


def expressible_in_z3(claim) -> bool:
    """Whether the z3 baseline can state the claim at all."""
    import z3

    if not isinstance(claim, Pointwise) or claim.bound_terms():
        return False
    try:
        env: dict = {}
        _bool_to_z3(claim.formula, env, z3)
        for h in claim.hypotheses:
            _bool_to_z3(h, env, z3)
    except (_NotExpressible, TypeError, ValueError):
        return False
    return True


def z3_baseline(claim, timeout_ms: int = 5000) -> str:
    """z3's nonlinear real arithmetic: hypotheses ∧ ¬claim unsat ⇒ proved; sat ⇒ refuted."""
    import z3

    if not expressible_in_z3(claim):
        return "unknown"
    env: dict = {}
    solver = z3.Solver()
    solver.set("timeout", timeout_ms)
    for h in claim.hypotheses:
        solver.add(_bool_to_z3(h, env, z3))
    for s, dom in claim.domains:
        if dom.kind == "finite":
            v = _to_z3(s, env, z3)
            solver.add(z3.Or(*[v == _to_z3(sp.Rational(p), env, z3) for p in dom.elements]))
        elif dom.kind == "integer":
            solver.add(z3.IsInt(_to_z3(s, env, z3)))
    solver.add(z3.Not(_bool_to_z3(claim.formula, env, z3)))
    answer = solver.check()
    if answer == z3.unsat:
        return "proved"
    if answer == z3.sat:
        return "refuted"
    return "unknown"


# ---------------------------------------------------------------------------
# random float testing


def _columns(claim, syms, rng, n):
    cols = []
    for s in syms:
        dom = claim.domain_of(s)
        cols.append(dom.sample(rng, n) if dom is not None else rng.standard_normal(n) * 3)
    return cols


def _numeric(expr, syms):
    return sp.lambdify(syms, expr, modules=[NUMPY_FUNCTIONS, "numpy"])


def random_baseline(claim, n: int = 20_000, seed: int = 0) -> str:
    """Float testing on ``n`` random points: ``refuted`` or ``unknown``, never ``proved``."""
    rng = np.random.default_rng(seed)
    with np.errstate(all="ignore"):
        if isinstance(claim, (Proportional, Nondecreasing)):
            v = claim.var
            syms = list(claim.symbols)
            others = _columns(claim, syms, rng, n)
            v_dom = claim.domain_of(v)
            v1 = v_dom.sample(rng, n) if v_dom is not None else rng.standard_normal(n) * 3
            v2 = v_dom.sample(rng, n) if v_dom is not None else rng.standard_normal(n) * 3
            fa, fb = _numeric(claim.a, syms + [v]), _numeric(claim.b, syms + [v])
            a1, a2 = (np.broadcast_to(np.asarray(fa(*others, t), float), (n,)) for t in (v1, v2))
            b1, b2 = (np.broadcast_to(np.asarray(fb(*others, t), float), (n,)) for t in (v1, v2))
            ok = np.isfinite(a1) & np.isfinite(a2) & np.isfinite(b1) & np.isfinite(b2)
            if isinstance(claim, Proportional):
                bad = ok & ~np.isclose(a1 * b2, a2 * b1, rtol=1e-9, atol=1e-12)
            else:
                bad = ok & (b1 <= b2) & (a1 > a2 + 1e-12 * (1 + np.abs(a2)))
            return "refuted" if bad.any() else "unknown"
        if not isinstance(claim, Pointwise) or claim.bound_terms():
            return "unknown"
        syms = list(claim.symbols)
        cols = _columns(claim, syms, rng, n)
        holds = np.ones(n, dtype=bool)
        for h in claim.hypotheses:
            try:
                val = _numeric(h, syms)(*cols)
            except Exception:
                continue
            holds &= np.broadcast_to(np.asarray(val, dtype=bool), (n,))
        try:
            truth = np.broadcast_to(np.asarray(_numeric(claim.formula, syms)(*cols), dtype=bool), (n,))
        except Exception:
            return "unknown"
        return "refuted" if (holds & ~truth).any() else "unknown"


def portfolio(answers: dict) -> str:
    """All three together: z3 first, then SymPy, then random testing."""
    for name in ("z3", "sympy", "random"):
        if answers.get(name) in ("proved", "refuted"):
            return answers[name]
    return "unknown"


BASELINES = {"sympy": sympy_baseline, "z3": z3_baseline, "random": random_baseline}
