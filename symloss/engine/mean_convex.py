"""Convexity of an empirical risk from the convexity of one sample's term.

``L = (1/N) Σ_k ℓ_k`` is a nonnegative combination of the per-sample losses,
and a nonnegative combination of convex functions is convex.  Each ``ℓ_k`` is
sample 1's term with the sample's symbols renamed (``x_1 → x_k``), so one
proof — convexity of sample 1's term — serves every sample:

* :class:`ConvexTermSum` (a batch of N samples): ``E = Σ_k ρ_k(T)`` where
  ``T`` is proved convex (its proof a premise) and each ``ρ_k`` renames
  symbols to symbols with the same assumptions, never the variable; every
  hypothesis the proof of ``T`` cites, renamed by every ``ρ_k``, is a
  hypothesis of the claim (a premise ``Given``).  The fast path for a
  concrete N: one small convexity proof instead of one over the whole sum.
* :class:`ConvexMeanOverN` (a symbolic batch size): ``E = c · Σ_{i=1}^{n}
  T(x[i], y[i])`` with ``c > 0`` (``1/n``), ``n`` a positive integer, ``T``
  proved convex for generic real ``x``, ``y`` from hypotheses that mention
  neither (shared ones): each term is an instance, so the mean is convex for
  every n.

The tactic splits the sum, decides the term's claim with the pipeline
(``ctx.decide``) and returns the step; anything else is left to the
convexity tactic.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

import sympy as sp

from ..calculus.convex import ConvexClaim, ConvexFact
from ..calculus.proof import Given, Step, iter_steps
from .verdict import Result

__all__ = ["ConvexTermSum", "ConvexMeanOverN", "mean_convexity", "register"]

_SUFFIX = re.compile(r"(.+)_(\d+)\Z")


def _givens(proof: Step) -> list:
    return [s.statement for s in iter_steps(proof) if isinstance(s, Given)]


def _same_kind(a, b) -> bool:
    return a.assumptions0 == b.assumptions0


@dataclass(frozen=True)
class ConvexTermSum(Step):
    """Rule: a sum of convex (concave) functions is convex (concave).  Here
    E = Σ_k ρ_k(T), T is convex in v (the premise) and each ρ_k renames
    symbols other than v to symbols of the same kind, so ρ_k(T) is convex in v
    wherever the renamed hypotheses of T's proof hold — each of them is a
    hypothesis of the claim (the premises ``givens``)."""

    expr: sp.Expr
    var: sp.Symbol
    concave: bool
    term: sp.Expr
    renamings: tuple  # one tuple of (symbol, symbol) pairs per term
    premise: Step
    givens: tuple = ()

    @property
    def fact(self) -> sp.Basic:
        return ConvexFact(self.expr, self.var, sp.Integer(int(self.concave)))

    def verify(self) -> None:
        from ..calculus.derive import is_zero

        if self.premise.fact != ConvexFact(self.term, self.var, sp.Integer(int(self.concave))):
            raise self.fail(f"the premise does not prove that {self.term} is {'concave' if self.concave else 'convex'}")
        maps = []
        for ren in self.renamings:
            for a, b in ren:
                if not (isinstance(a, sp.Symbol) and isinstance(b, sp.Symbol)) or self.var in (a, b) \
                        or not _same_kind(a, b):
                    raise self.fail(f"{a} → {b} is not a renaming of a symbol other than {self.var}")
            maps.append(dict(ren))
        if not maps:
            raise self.fail("no terms")
        total = sp.Add(*[self.term.xreplace(m) for m in maps])
        if is_zero(self.expr - total) is not True:
            raise self.fail(f"{self.expr} is not the sum of the renamed terms")
        cited = _givens(self.premise)  # checked against the claim's hypotheses with the premise
        have = {g.fact for g in self.givens} | set(cited) | {sp.true}
        for h in cited:
            for m in maps:
                if h.xreplace(m) not in have:
                    raise self.fail(f"the renamed hypothesis {h.xreplace(m)} is not given")


@dataclass(frozen=True)
class ConvexMeanOverN(Step):
    """Rule: for every positive integer n, c · Σ_{i=1}^{n} T(x[i], …) with a
    constant c > 0 is convex (concave) in v when T(x, …) is convex (concave)
    in v for every real x, … (the premise, whose cited hypotheses mention
    neither the generic symbols nor i, n): each term is an instance of T, a
    finite sum of convex functions is convex and a positive multiple of one
    is convex."""

    expr: sp.Expr
    var: sp.Symbol
    concave: bool
    term: sp.Expr
    entries: tuple  # (generic symbol, family entry x[i]) pairs
    premise: Step

    @property
    def fact(self) -> sp.Basic:
        return ConvexFact(self.expr, self.var, sp.Integer(int(self.concave)))

    def verify(self) -> None:
        if self.premise.fact != ConvexFact(self.term, self.var, sp.Integer(int(self.concave))):
            raise self.fail(f"the premise does not prove that {self.term} is {'concave' if self.concave else 'convex'}")
        sums = [a for a in sp.Mul.make_args(self.expr) if isinstance(a, sp.Sum)]
        if len(sums) != 1 or len(sums[0].limits) != 1:
            raise self.fail(f"{self.expr} is not a constant times one sum")
        total = sums[0]
        c = sp.Mul(*[a for a in sp.Mul.make_args(self.expr) if a is not total])
        i, lo, n = total.limits[0]
        if not (lo == 1 and isinstance(n, sp.Symbol) and n.is_integer and n.is_positive and i.is_integer):
            raise self.fail("the sum is not over i = 1, …, n for a positive integer n")
        if not (c.free_symbols <= {n} and (c == 1 / n or (c.is_Rational and c > 0))):
            raise self.fail(f"the factor {c} is not 1/n or a positive number")
        generic = set()
        for g, e in self.entries:
            if not (isinstance(g, sp.Symbol) and g.is_real and isinstance(e, sp.Indexed) and e.indices == (i,)
                    and e.is_real) or g in (self.var, i, n):
                raise self.fail(f"{g} → {e} is not a generic real symbol for a family entry at {i}")
            generic.add(g)
        if self.var in total.function.atoms(sp.Indexed) or {i, n} & self.term.free_symbols:
            raise self.fail("the term mentions the index")
        if self.term.xreplace(dict(self.entries)) != total.function:
            raise self.fail(f"{total.function} is not the term {self.term} at the entries")
        for h in _givens(self.premise):
            if h.free_symbols & (generic | {i, n}) or h.has(sp.Indexed):
                raise self.fail(f"the term's proof cites {h}, which is not a hypothesis shared by all samples")


def _per_sample(s) -> tuple | None:
    m = _SUFFIX.match(s.name)
    return (m.group(1), int(m.group(2))) if m else None


def _split(E, var):
    """(term of sample 1, renamings 1 → k) for E = Σ_k terms of sample k, or None."""
    groups: dict = {}
    shared = []
    for t in sp.Add.make_args(E):
        ks = {_per_sample(s)[1] for s in t.free_symbols if _per_sample(s) and s != var}
        if len(ks) > 1:
            return None
        if ks:
            groups.setdefault(ks.pop(), []).append(t)
        else:
            shared.append(t)
    N = len(groups)
    if N < 2 or set(groups) != set(range(1, N + 1)):
        return None
    term = sp.Add(*groups[1]) + sp.Add(*shared) / N
    by_name = {s.name: s for s in E.free_symbols}
    renamings = []
    for k in range(1, N + 1):
        ren = []
        for s in sorted(sp.Add(*groups[1]).free_symbols, key=lambda s: s.name):
            info = _per_sample(s)
            if not info or s == var or info[1] != 1:
                continue
            other = by_name.get(f"{info[0]}_{k}")
            if other is None or not _same_kind(s, other):
                return None
            ren.append((s, other))
        renamings.append(tuple(ren))
    return term, tuple(renamings)


def _half(ctx) -> float:
    """Half the time left: the convexity tactic on the whole sum gets the rest."""
    now = time.monotonic()
    return now + max(ctx.deadline - now, 0.0) / 2


def _term_claim(claim, term, hyps):
    syms = tuple(sorted(term.free_symbols - {claim.var}, key=lambda s: s.name))
    doms = tuple((s, d) for s, d in claim.domains if s in syms or s == claim.var)
    return ConvexClaim(text=f"{'concave' if claim.concave else 'convex'}(term, {claim.var})", hypotheses=tuple(hyps),
                       symbols=syms, domains=doms, expr=term, var=claim.var, concave=claim.concave)


def _concrete(claim, ctx):
    split = _split(claim.expr, claim.var)
    if split is None:
        return None
    term, renamings = split
    outer = set(claim.hypotheses)
    others = {b for ren in renamings[1:] for _, b in ren}
    hyps = [h for h in claim.hypotheses if not (h.free_symbols & others)
            and all(h.xreplace(dict(ren)) in outer or h.xreplace(dict(ren)) is sp.true for ren in renamings)]
    inner = ctx.decide(_term_claim(claim, term, hyps), deadline=_half(ctx))
    if inner.verdict != "proved" or inner.proof is None:
        ctx.notes.append(f"mean of convex terms: sample 1's term is {inner.verdict} ({inner.reason})")
        return None
    givens = []
    for h in _givens(inner.proof):
        for ren in renamings[1:]:
            g = h.xreplace(dict(ren))
            if g is not sp.true and g not in [x.statement for x in givens]:
                givens.append(Given(g, "the same hypothesis for another sample"))
    step = ConvexTermSum(claim.expr, claim.var, claim.concave, term, renamings, inner.proof, tuple(givens))
    return Result("proved", claim, proof=step, method="mean of convex terms",
                  reason=f"a sum of {len(renamings)} renamed copies of sample 1's term, which is "
                         f"{'concave' if claim.concave else 'convex'} ({inner.reason})")


def _symbolic(claim, ctx):
    E, v = claim.expr, claim.var
    sums = [a for a in sp.Mul.make_args(E) if isinstance(a, sp.Sum)]
    if len(sums) != 1 or len(sums[0].limits) != 1:
        return None
    total = sums[0]
    i = total.limits[0][0]
    entries = sorted({e for e in total.function.atoms(sp.Indexed) if e.indices == (i,)}, key=str)
    if not entries:
        return None
    taken = {s.name for s in E.free_symbols}
    pairs = []
    for e in entries:
        name = str(e.base.label)
        while name in taken:
            name += "'"
        pairs.append((sp.Symbol(name, real=True), e))
    term = total.function.xreplace({e: g for g, e in pairs})
    if term.has(sp.Indexed) or i in term.free_symbols:
        return None
    n = total.limits[0][2]
    hyps = [h for h in claim.hypotheses if not (h.free_symbols & {i, n}) and not h.has(sp.Indexed)]
    inner = ctx.decide(_term_claim(claim, term, hyps), deadline=_half(ctx))
    if inner.verdict != "proved" or inner.proof is None:
        ctx.notes.append(f"mean of convex terms: the term of one sample is {inner.verdict} ({inner.reason})")
        return None
    step = ConvexMeanOverN(E, v, claim.concave, term, tuple(pairs), inner.proof)
    return Result("proved", claim, proof=step, method="mean of convex terms",
                  reason=f"every sample's term is {'concave' if claim.concave else 'convex'} ({inner.reason}), "
                         f"so is their mean for every n")


def mean_convexity(claim, ctx):
    """Tactic: ``convex(L, v)`` for an empirical risk from one sample's term."""
    if not isinstance(claim, ConvexClaim) or claim.var is None:
        return None
    from ..calculus.claims import ArgMin, Corr

    if claim.expr.has(ArgMin, Corr):
        return None
    if claim.expr.has(sp.Sum):
        return _symbolic(claim, ctx)
    return _concrete(claim, ctx)


def register(registry) -> None:
    """Add the ``mean of convex terms`` tactic to ``registry`` (before ``convexity``)."""
    registry.add("mean of convex terms", mean_convexity, "prove")
