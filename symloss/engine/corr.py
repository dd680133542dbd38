"""Correlation claims: ``corr(A, B, v, uniform(lo, hi)) <op> 0``.

When both ``A`` and ``B`` are polynomials in ``v`` the claim language already
computes the Pearson correlation exactly (:func:`symloss.calculus.claims.pearson`) and
the pointwise tactics take over.  This module proves sign claims about the
unevaluated :class:`~symloss.calculus.claims.Corr` terms that remain, by two
arguments that need no integral:

* **parity**: the distribution is symmetric about ``m`` (the midpoint of a
  uniform interval, the mean of a normal), ``A(m + s) = A(m − s)`` and
  ``B(m + s) = −B(m − s)`` (or the other way round), so the covariance is 0.
* **Chebyshev's integral inequality**: if ``A`` and ``B`` are both
  nondecreasing (or both nonincreasing) functions of ``v`` on the support,
  the covariance is ``≥ 0``; opposite monotonicity gives ``≤ 0``; strict
  monotonicity of both (on an interval of positive length) gives a strict
  sign.  Monotonicity comes from the sign of ``dA/dv`` (sign engine) on the
  support, with ``A`` continuous there.

Every statement is about the correlation *where it is defined* (both
variances positive and finite), as for the closed forms, whose definedness
conditions state exactly that.

>>> from symloss.problem import problem
>>> from symloss.calculus.claims import parse_claim
>>> from symloss.decide import TACTICS, decide
>>> reg = TACTICS.copy(); register(reg)
>>> p = problem(None, 'log(cosh(w))')
>>> decide(parse_claim(p, 'corr(L, d(L, w), w, uniform(-1, 1)) == 0'), tactics=reg).verdict
'proved'
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import sympy as sp

from ..calculus.claims import ArgMin, Corr, NormalDist, Pointwise, UniformDist
from ..language.functions import derivative, relu, sigmoid, softplus
from ..calculus.proof import Given, Sign, Step
from .function_of import Local, _is_zero, continuous_in, givens

__all__ = ["Parity", "Chebyshev", "CorrelationSign", "prove_corr_sign", "corr", "register"]


# ---------------------------------------------------------------------------
# sign sets of the correlation


def _allowed(rel: sp.Basic) -> frozenset | None:
    """The signs of the Corr term for which ``rel`` (``Corr op 0`` or
    ``0 op Corr``) holds, or ``None`` when ``rel`` is not of that form."""
    table = {sp.Eq: {0}, sp.Ne: {-1, 1}, sp.Gt: {1}, sp.Ge: {0, 1}, sp.Lt: {-1}, sp.Le: {-1, 0}}
    flip = {sp.Gt: sp.Lt, sp.Ge: sp.Le, sp.Lt: sp.Gt, sp.Le: sp.Ge, sp.Eq: sp.Eq, sp.Ne: sp.Ne}
    kind = type(rel)
    if kind not in table:
        return None
    lhs, rhs = rel.args
    if isinstance(lhs, Corr) and rhs == 0:
        return frozenset(table[kind])
    if isinstance(rhs, Corr) and lhs == 0:
        return frozenset(table[flip[kind]])
    return None


def _term(rel: sp.Basic):
    lhs, rhs = rel.args
    return lhs if isinstance(lhs, Corr) else rhs


def _centre(dist) -> sp.Expr | None:
    if isinstance(dist, UniformDist):
        lo, hi = dist.args
        return (lo + hi) / 2
    if isinstance(dist, NormalDist):
        return dist.args[0]
    return None


def _support(dist, v) -> tuple:
    """Conditions describing the support (for local sign proofs)."""
    if isinstance(dist, UniformDist):
        lo, hi = dist.args
        return (sp.Ge(v, lo, evaluate=False), sp.Le(v, hi, evaluate=False))
    return ()


def _certainly_positive(e) -> bool:
    """``e > 0`` for sure: a closed number by the trusted kernel, a symbolic
    one by its symbols' assumptions (SymPy's guesses about closed numbers
    are never asked)."""
    from ..language.functions import needs_kernel
    from ..language.kernel import is_closed, sign_of

    if is_closed(e):
        return sign_of(e) == 1
    return not needs_kernel(e) and e.is_positive is True


def _spread_positive(dist) -> bool:
    """The distribution is not a point mass (checked on numbers)."""
    if isinstance(dist, UniformDist):
        lo, hi = dist.args
        return _certainly_positive(hi - lo)
    if isinstance(dist, NormalDist):
        return _certainly_positive(dist.args[1])
    return False


def _symmetric(expr: sp.Expr, v: sp.Symbol, m: sp.Expr, parity: int) -> bool:
    """``f(s) = expr(m + s) − parity·expr(m − s)`` is identically 0: it
    rewrites to 0, or (for ``expr`` defined and continuous for every real
    ``v``) ``f(0) = 0`` and ``f'`` rewrites to 0, so ``f`` is constant 0 on
    the connected real line.

    >>> w = sp.Symbol('w', real=True)
    >>> from symloss.language.functions import softplus
    >>> _symmetric(softplus(w) - w/2, w, 0, 1), _symmetric(w**3, w, 0, 1), _symmetric(sp.tanh(w - 1), w, 1, -1)
    (True, False, True)
    """
    from ..language.functions import definedness_conditions

    s = sp.Dummy("s", real=True)
    f = expr.xreplace({v: m + s}) - parity * expr.xreplace({v: m - s})
    if _is_zero(f):
        return True
    if definedness_conditions(expr) or not continuous_in(expr, v):
        return False
    at0 = sp.S.Zero if parity == 1 else 2 * expr.xreplace({v: m})
    return _is_zero(at0) and _is_zero(derivative(f, s))


def _tame(expr: sp.Expr, v: sp.Symbol) -> bool:
    """``|expr| ≤ C·(1 + |v|)**k·exp(c·|v|)`` wherever ``expr`` is defined, read
    off its syntax: polynomials, positive powers, sums, products, max/min,
    ``abs``, ``relu``, ``softplus``, ``log∘cosh``, ``log∘σ`` of tame arguments, ``exp``/``cosh``/``sinh``
    of arguments affine in ``v``, bounded heads (σ, tanh, sign) of anything.
    Such a function has every moment under a normal distribution and is
    bounded on a bounded interval where it is defined everywhere.

    >>> w = sp.Symbol('w', real=True)
    >>> _tame(w**3*sp.exp(2*w - 1) + sigmoid(w**5), w), _tame(sp.exp(w**2), w), _tame(1/w, w)
    (True, False, False)
    """
    if v not in expr.free_symbols:
        return True
    if expr == v:
        return True
    if isinstance(expr, (sp.Add, sp.Mul, sp.Max, sp.Min, sp.Abs, relu, softplus)):
        return all(_tame(a, v) for a in expr.args)
    if isinstance(expr, sp.Pow):
        base, e = expr.args
        return v not in e.free_symbols and _certainly_positive(e) and _tame(base, v)
    if isinstance(expr, (sp.exp, sp.cosh, sp.sinh)):
        arg = sp.expand(expr.args[0])
        return arg.is_polynomial(v) and sp.degree(arg, v) <= 1
    if isinstance(expr, (sigmoid, sp.tanh, sp.sign, sp.Heaviside)):
        return True
    if isinstance(expr, sp.log) and isinstance(expr.args[0], (sp.cosh, sigmoid)):
        # 0 <= log(cosh(u)) <= |u| and 0 < -log(sigmoid(u)) <= |u| + log 2
        return _tame(expr.args[0].args[0], v)
    if isinstance(expr, sp.Piecewise):
        return all(_tame(e, v) for e, _ in expr.args)
    return False


# ---------------------------------------------------------------------------
# steps


@dataclass(frozen=True)
class Parity:
    """Evidence for a zero covariance: which of ``A``/``B`` is even about
    the centre of the distribution (the other is odd)."""

    even: str  # "A" or "B"
    defined: tuple = ()  # Local proofs that A and B are defined on the support


@dataclass(frozen=True)
class Chebyshev:
    """Evidence for the sign of the covariance: sign proofs of ``dA/dv`` and
    ``dB/dv`` on the support (``Local`` with the support as conditions), and
    proofs that ``A`` and ``B`` are defined on the support (``defined``: one
    per definedness condition that mentions ``v``)."""

    da: Local
    db: Local
    defined: tuple = ()


@dataclass(frozen=True)
class CorrelationSign(Step):
    """``formula`` (``corr(A, B, v, dist) <op> 0``) holds wherever the
    correlation is defined.  With :class:`Parity`: the distribution is
    symmetric about its centre ``m`` and, with ``s`` fresh,
    ``A(m + s) − A(m − s)`` and ``B(m + s) + B(m − s)`` (or the pair with the
    roles swapped) are both identically 0 (see :func:`_symmetric`), so
    ``E[(A − EA)(B − EB)] = 0``.  With
    :class:`Chebyshev`: ``A`` and ``B`` are continuous in ``v`` and monotone
    on the support by the signs of their derivatives, so by Chebyshev's
    integral inequality the covariance has the sign of the product of the
    monotonicity directions (strict when both are strict and the
    distribution is not a point mass).

    Either way both sides must have finite second moments, or the
    correlation does not exist (``1/w`` on ``uniform(-1, 1)``, ``exp(w**2)``
    under a normal): each side is defined on the whole support (a proof per
    definedness condition that mentions ``v``) and, on a bounded uniform
    support, continuous or of tame growth; under a normal, of tame growth
    (:func:`_tame`)."""

    formula: sp.Basic
    context: tuple
    evidence: object

    @property
    def fact(self) -> sp.Basic:
        return self.formula

    def verify(self) -> None:
        allowed = _allowed(self.formula)
        if allowed is None:
            raise self.fail(f"{self.formula} is not a comparison of a correlation with 0")
        a, b, v, dist = _term(self.formula).args
        if isinstance(self.evidence, (Parity, Chebyshev)):
            self._moments(a, b, v, dist)
        if isinstance(self.evidence, Parity):
            got = self._parity(a, b, v, dist)
        elif isinstance(self.evidence, Chebyshev):
            got = self._chebyshev(a, b, v, dist)
        else:
            raise self.fail(f"unknown evidence {self.evidence!r}")
        if not got <= allowed:
            raise self.fail(f"the correlation has sign in {sorted(got)}, which does not give {self.formula}")

    def _moments(self, a, b, v, dist) -> None:
        """Both sides are defined on the support and square-integrable."""
        if not isinstance(dist, (UniformDist, NormalDist)):
            raise self.fail(f"unknown distribution {dist}")
        pa, pb, pv = _plain(a, b, v)
        support = _support(dist, pv)
        allowed = {g.fact for g in self.context if pv not in g.fact.free_symbols}
        by_fact = {loc.proof.fact: loc for loc in self.evidence.defined}
        for cond in _conditions_in(pa, pb, pv):
            loc = by_fact.get(cond)
            if loc is None:
                raise self.fail(f"no proof that the sides are defined on the support ({cond})")
            loc.check(allowed, cond, self, support)
        for expr in (a, b):
            bounded_support = isinstance(dist, UniformDist)
            if not (_tame(expr, v) or (bounded_support and continuous_in(expr, v))):
                raise self.fail(f"{expr} may lack a finite second moment under {dist}")

    def _parity(self, a, b, v, dist) -> frozenset:
        m = _centre(dist)
        if m is None:
            raise self.fail(f"{dist} is not a known symmetric distribution")
        even, odd = (a, b) if self.evidence.even == "A" else (b, a)
        if not _symmetric(even, v, m, 1):
            raise self.fail(f"{even} is not even about {m}")
        if not _symmetric(odd, v, m, -1):
            raise self.fail(f"{odd} is not odd about {m}")
        return frozenset({0})

    def _chebyshev(self, a, b, v, dist) -> frozenset:
        if not isinstance(dist, (UniformDist, NormalDist)):
            raise self.fail(f"unknown distribution {dist}")
        support = _support(dist, v)
        allowed = {g.fact for g in self.context}
        dirs = []
        for expr, loc in ((a, self.evidence.da), (b, self.evidence.db)):
            if not continuous_in(expr, v):
                raise self.fail(f"{expr} may be discontinuous in {v}")
            fact = loc.proof.fact
            d = derivative(expr, v)
            sign = {sp.StrictGreaterThan: 1, sp.GreaterThan: 1, sp.StrictLessThan: -1,
                    sp.LessThan: -1}.get(type(fact))
            if sign is None or fact.rhs != 0 or fact.lhs != d:
                raise self.fail(f"{fact} is not a sign fact about d/d{v} {expr}")
            loc.check(allowed, fact, self, support)
            dirs.append((sign, isinstance(fact, (sp.StrictGreaterThan, sp.StrictLessThan))))
        direction = dirs[0][0] * dirs[1][0]
        if dirs[0][1] and dirs[1][1] and _spread_positive(dist):
            return frozenset({direction})
        return frozenset({0, direction})


def _plain(a, b, v):
    """``a``, ``b`` and ``v`` with ``v`` replaced by a symbol that is only real.

    A bound variable carries its declared domain as an assumption (``w``
    positive), under which ``1/w`` has no definedness condition at all; but
    a moment over ``uniform(0, 1)`` needs ``1/w`` bounded on the *closed*
    support, which fails at 0.  Definedness on the support is therefore
    asked of the sides as real functions of a plain real variable."""
    if v.assumptions0.get("positive") is None and v.assumptions0.get("negative") is None \
            and v.assumptions0.get("nonnegative") is None and v.assumptions0.get("nonpositive") is None:
        return a, b, v
    p = sp.Symbol(v.name, real=True)
    return a.xreplace({v: p}), b.xreplace({v: p}), p


def _conditions_in(a, b, v) -> list:
    from ..language.functions import definedness_conditions

    out = []
    for e in (a, b):
        for c in definedness_conditions(e):
            if v in c.free_symbols and c not in out:
                out.append(c)
    return out


# ---------------------------------------------------------------------------
# search


def _derivative_sign(expr, v, hyps, support, deadline):
    """Local proofs of the sign of d(expr)/dv on the support, strongest first."""
    from .signs import prove_sign

    d = derivative(expr, v)
    givs = list(givens(hyps)) + [Given(c, "support of the distribution") for c in support]
    out = []
    for goal in (Sign.POSITIVE, Sign.NEGATIVE, Sign.NONNEGATIVE, Sign.NONPOSITIVE):
        r = prove_sign(d, goal, givs, deadline=deadline)
        if r is not None:
            out.append(Local(tuple(support), r.step))
    if not out:
        out = _z3_sign(d, givs, support, deadline)
    return out


def _z3_sign(d, givs, support, deadline) -> list:
    """z3 (with its sound abstraction) as a fallback for derivative signs."""
    import time

    from .z3bridge import decide as z3_decide

    out = []
    for goal in (Sign.POSITIVE, Sign.NEGATIVE):
        left = 1.0 if deadline is None else min(1.0, deadline - time.monotonic())
        if left < 0.1:
            break
        try:
            r = z3_decide(goal.relation(d), givs, timeout_ms=int(left * 1000))
        except Exception:  # noqa: BLE001 - unsupported construct: no proof this way
            return out
        if r.status == "proved" and r.step is not None:
            out.append(Local(tuple(support), r.step))
            break
    return out


def _visibly_asymmetric(a, b, v, dist, even: str) -> bool:
    """A pruning heuristic for the search (never a verdict): the parity
    identity of :func:`_symmetric` fails by a clear margin at a sample of
    simple points of the other symbols (points where it is undefined or not
    real say nothing).  Saves the exact zero test, which on a ``Piecewise``
    can take minutes."""
    m = _centre(dist)
    if m is None:
        return False
    pairs = ((a, 1), (b, -1)) if even == "A" else ((b, 1), (a, -1))
    import mpmath

    from ..language.functions import MPMATH_FUNCTIONS

    s = sp.Dummy("s", real=True)
    for expr, parity in pairs:
        f = expr.xreplace({v: m + s}) - parity * expr.xreplace({v: m - s})
        others = sorted(f.free_symbols - {s}, key=str)
        try:
            fn = sp.lambdify([s, *others], f, modules=[MPMATH_FUNCTIONS, "mpmath"])
        except Exception:  # noqa: BLE001 - cannot compile: no shortcut
            return False
        for k, fill in enumerate((0.4285, -0.4545, 0.7647)):
            try:
                with mpmath.workdps(20):
                    value = mpmath.mpmathify(fn(0.4 + 0.2 * k, *(fill + i / 3 for i in range(len(others)))))
            except Exception:  # noqa: BLE001 - undefined there: says nothing
                continue
            if isinstance(value, mpmath.mpf) and mpmath.isfinite(value) and abs(value) > 1e-6:
                return True
    return False


def prove_corr_sign(formula: sp.Basic, hypotheses, *, deadline: float | None = None) -> CorrelationSign | None:
    """A checked proof of ``corr(...) <op> 0``, or ``None`` (also when the
    search or the re-check is still running at ``deadline``: substituting a
    piecewise minimiser into the sides can take minutes).

    >>> w = sp.Symbol('w', real=True)
    >>> f = sp.Gt(Corr(sp.tanh(w), w**3 + w, w, UniformDist(-1, 2)), 0)
    >>> prove_corr_sign(f, []).evidence.__class__.__name__
    'Chebyshev'
    """
    from ..calculus.time_limit import OutOfTime, time_limit

    try:
        with time_limit(deadline):
            return _prove_corr_sign(formula, hypotheses, deadline)
    except OutOfTime:
        return None


def _prove_corr_sign(formula, hypotheses, deadline):
    from ..errors import ProofCheckError
    from ..calculus.proof import check_proof

    allowed = _allowed(formula)
    if allowed is None:
        return None
    hyps = [h for h in hypotheses if h is not sp.true]
    context = givens(hyps)
    a, b, v, dist = _term(formula).args
    from .function_of import _prove_condition

    support = _support(dist, v)
    pa, pb, pv = _plain(a, b, v)
    free = [h for h in hyps if pv not in h.free_symbols]
    defined = []
    for cond in _conditions_in(pa, pb, pv):
        loc = _prove_condition(cond, free, _support(dist, pv), deadline)
        if loc is None:
            return None  # a side is undefined somewhere on the support
        defined.append(loc)
    defined = tuple(defined)
    candidates = []
    if 0 in allowed:
        candidates += [Parity("A", defined), Parity("B", defined)]
    if allowed != frozenset({0}):
        das = _derivative_sign(a, v, hyps, support, deadline) if continuous_in(a, v) else []
        dbs = _derivative_sign(b, v, hyps, support, deadline) if das and continuous_in(b, v) else []
        candidates += [Chebyshev(da, db, defined) for da in das for db in dbs]
    for ev in candidates:
        if isinstance(ev, Parity) and _visibly_asymmetric(a, b, v, dist, ev.even):
            continue  # a search shortcut only: the proof below is what decides
        step = CorrelationSign(formula, context, ev)
        try:  # the exact zero tests on a Piecewise can take minutes: no later than the attempt's deadline
            check_proof(step, set(hyps), deadline=deadline)
        except ProofCheckError:
            if deadline is not None and time.monotonic() >= deadline:
                return None
            continue
        return step
    return None


def corr(claim, ctx):
    """Tactic for pointwise claims ``corr(A, B, v, dist) <op> 0`` left
    unevaluated by the claim language."""
    from .verdict import Result

    if not isinstance(claim, Pointwise) or not claim.formula.atoms(Corr):
        return None
    step = prove_corr_sign(claim.formula, claim.hypotheses, deadline=ctx.deadline)
    if step is None or step.fact != claim.formula:
        ctx.notes.append("corr: the time limit was reached before a parity or Chebyshev argument re-checked"
                         if ctx.expired() else "corr: neither a parity argument nor Chebyshev's inequality applied")
        term = next((t for t in sorted(claim.formula.atoms(Corr), key=sp.default_sort_key)
                     if t.args[3].atoms(ArgMin)), None)
        if term is not None:
            ctx.notes.append(f"out of reach: the support of the distribution is placed at a minimiser and the "
                             f"sides are not polynomials in {term.args[2]}, so the correlation has no closed form "
                             f"(its integrals are not computed), and neither symmetry nor monotonicity "
                             f"(Chebyshev's inequality) decides its sign")
        return None
    if isinstance(step.evidence, Parity):
        reason = "one side is even and the other odd about the centre of a symmetric distribution: covariance 0"
        method = "corr: symmetry"
    else:
        reason = "both sides are monotone in the variable on the support (Chebyshev's integral inequality)"
        method = "corr: Chebyshev"
    return Result("proved", claim, proof=step, reason=reason, method=method)


def register(registry) -> None:
    """Add the ``corr`` tactic to ``registry``.

    >>> from symloss.decide import TacticRegistry
    >>> reg = TacticRegistry(); register(reg); reg.names()
    ('corr',)
    """
    registry.add("corr", corr, "prove")
