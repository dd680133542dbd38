"""``convex(L, v)`` / ``concave(L, v)`` for a problem: convexity along one parameter.

``d(L, w, 2) >= 0`` is a pointwise statement about the conventional second
derivative; at a kink (``abs``, ``relu``, ``max``, ``Piecewise``) it says
nothing, so it is proved for ``-abs(w)`` although that function is not
convex.  Convexity here means the real thing: for every value of the other
symbols, ``L(λa + (1 − λ)c) ≤ λL(a) + (1 − λ)L(c)`` on the parameter's domain.

What this module decides (and only this):

* **proved** when ``L`` is smooth in ``v`` — no kink function (``Abs``,
  ``Max``, ``Min``, ``Piecewise``, ``Heaviside``, ``sign``, ``relu``) has an
  argument depending on ``v`` — and ``d(L, v, 2) >= 0`` (``<= 0`` for
  concave) is proved by the claim engine, whose every step re-checks.  A C²
  function on an interval with a nonnegative second derivative is convex,
  so the admissible values of ``v`` must form an interval: every condition
  on ``v`` (domain, assumption, definedness) is shown to cut out one by
  :mod:`symloss.engine.interval_domain`; otherwise (``1/w**2`` on ``w != 0``)
  there is no proof, only a search for a Jensen violation.
* **refuted** by an exact Jensen violation: points ``a < c`` with
  ``L((a + c)/2) > (L(a) + L(c))/2`` (``<`` for concave) at exact values of
  every other symbol, both points admissible, the sign decided exactly by
  :func:`symloss.calculus.exact.sign_of` (interval arithmetic, never float).  The
  candidate point comes from a refutation of the second-derivative claim,
  or from simple values around a hole in the domain; the Jensen triple is
  then searched around it.  This is sound with or
  without kinks: a Jensen violation is a violation.
* **proved across kinks** by the steps of :mod:`symloss.kinks`: composition
  rules, or a continuous ``L`` whose derivative is nondecreasing in ``v``
  (left ≤ right derivative at every kink).
* **unknown** otherwise.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import sympy as sp

from ..calculus.convex import (  # noqa: F401 - the claim and its refutation witness are re-exported
    KINKS,
    ConvexClaim,
    ConvexFact,
    JensenViolation,
    jensen_gap,
    kinks,
)
from ..calculus.proof import Step
from .interval_domain import IntervalAlong, interval_along
from .verdict import Counterexample, Explanation, Result

__all__ = ["KINKS", "kinks", "jensen_gap", "JensenViolation", "ConvexClaim", "ConvexFact",
           "SmoothConvexity", "convexity", "register"]

@dataclass(frozen=True)
class SmoothConvexity(Step):
    """Rule: if no kink function (abs, max, min, piecewise, relu, Heaviside,
    sign) of E depends on v, E is twice differentiable in v; with
    d²E/dv² >= 0 (<= 0) proved under the claim's hypotheses, and the
    admissible v an interval (the ``domain`` premise), E is convex (concave)
    in v there."""

    expr: sp.Expr
    var: sp.Symbol
    concave: bool
    second: sp.Expr
    premise: Step
    domain: Step

    @property
    def fact(self) -> sp.Basic:
        return ConvexFact(self.expr, self.var, sp.Integer(int(self.concave)))

    def verify(self) -> None:
        from ..calculus.derive import is_zero
        from ..language.functions import derivative

        if kinks(self.expr, self.var):
            raise self.fail(f"{self.expr} has a kink in {self.var}")
        if is_zero(self.second - derivative(self.expr, self.var, 2)) is not True:
            raise self.fail(f"{self.second} is not the second derivative of {self.expr} in {self.var}")
        want = (sp.Le if self.concave else sp.Ge)(self.second, 0, evaluate=False)
        if self.premise.fact != want:
            raise self.fail(f"the premise proves {self.premise.fact}, not {want}")
        if not isinstance(self.domain, IntervalAlong) or self.domain.var != self.var or self.domain.expr != self.expr:
            raise self.fail(f"no proof that the admissible {self.var} form an interval on which {self.expr} is defined")


def _candidate_steps():
    yield from (sp.Integer(1), sp.Integer(2), sp.Rational(1, 2), sp.Integer(4))
    for k in range(2, 24, 3):
        yield sp.Rational(1, 2**k)


def _search_jensen(f_all, v, values, centre, hyps, concave, deadline):
    fixed = tuple(sorted(((k, val) for k, val in values.items() if k != v), key=lambda kv: str(kv[0])))
    f = f_all.xreplace(dict(fixed))
    for h in _candidate_steps():
        if time.monotonic() > deadline:
            return None
        cand = JensenViolation(f, v, fixed, centre - h, centre + h, concave)
        try:
            if cand.verify(hyps):
                return cand
        except Exception:  # a point where SymPy cannot evaluate decides nothing
            continue
    return None


_SIMPLE = (sp.Integer(1), sp.Integer(-1), sp.Integer(2), sp.Rational(1, 2), sp.Integer(0))


def _kink_points(E, v, ks, symbols, deadline):
    """(values, centre) pairs: simple exact values of the other symbols and
    a root along ``v`` of a kink's switching expression."""
    others = sorted(set(symbols) - {v}, key=str)
    for k in ks:
        if type(k).__name__ in ("Max", "Min") and len(k.args) == 2:
            switch = k.args[0] - k.args[1]
        elif type(k).__name__ == "Piecewise" or not k.args:
            continue
        else:
            switch = k.args[0]
        for fill in _SIMPLE[:4]:
            for flip in range(len(others) + 1):
                if time.monotonic() > deadline:
                    return
                values = {s: fill for s in others}
                if flip < len(others):
                    values[others[flip]] = -fill
                try:
                    roots = sp.solve(sp.Eq(switch.xreplace(values), 0), v)
                except Exception:
                    continue
                for r in roots[:3]:
                    if r.is_real and not r.free_symbols:
                        yield values, r


def _jensen_words(found, cmp: str) -> Explanation:
    """``Jensen fails: at the midpoint w = 1 the function is 1, more than 1/2,
    the mean of its values 0 and 1 at w = 0 and w = 2`` (exact values; the render
    stage adds decimals); the bare comparison when a value cannot be had."""
    from ..calculus.exact import substitute

    v, a, c = found.v, found.a, found.c
    m = (a + c) / 2
    try:
        fa, fc, fm = (substitute(found.f, {**dict(found.values), v: t}) for t in (a, c, m))
    except Exception:  # noqa: BLE001 - the words are a courtesy; the gap was verified exactly
        return Explanation("Jensen fails: E at the midpoint ", m, f" {cmp} the mean of E(", a, ") and E(", c, ")")
    return Explanation("Jensen fails: at the midpoint ", v, " = ", m, " the function is ", fm, ", ",
                       "more" if cmp == ">" else "less", " than ", (fa + fc) / 2, ", the mean of its values ", fa,
                       " and ", fc, " at ", v, " = ", a, " and ", v, " = ", c)


def _straddle_hole(E, v, symbols, hyps, concave, deadline):
    """A Jensen triple around simple centres, for a domain along ``v`` that
    may have a hole (``1/w**2``: ``-1/2, 1/2, 3/2``)."""
    others = sorted(set(symbols) - {v}, key=str)
    for fill in _SIMPLE[:4]:
        values = {s: fill for s in others}
        for centre in _SIMPLE:
            found = _search_jensen(E, v, {**values, v: centre}, centre, hyps, concave, deadline)
            if found is not None:
                return found
    return None


def _mentions_minimiser(e) -> bool:
    from ..calculus.claims import ArgMin, Corr

    return isinstance(e, sp.Basic) and e.has(ArgMin, Corr)


def convexity(claim, ctx):
    """Tactic for ``convex``/``concave`` claims (see the module docstring)."""
    from ..calculus.claims import Pointwise
    from ..language.functions import derivative

    if not isinstance(claim, ConvexClaim):
        return None
    if _mentions_minimiser(claim.expr):  # its existence is not established here: no proof
        return None
    E, v, concave = claim.expr, claim.var, claim.concave
    hyps = list(claim.hypotheses)
    ks = kinks(E, v)
    word = "d²E/d%s² %s 0" % (v, "≤" if concave else "≥")

    def refuted(found):
        cmp = "<" if concave else ">"
        ce = Counterexample(dict(found.values), pair=(v, found.a, found.c), explanation=_jensen_words(found, cmp))
        return Result("refuted", claim, counterexample=ce, method="exact Jensen violation",
                      reason=ce.describe())

    # Convexity lives on an interval: without one, no proof (1/w**2 on w != 0 is
    # not convex), only a refutation by an exact Jensen triple.
    domain = interval_along(E, v, hyps, claim.symbols, claim.domains, ctx)
    if ks:  # kinks first: rules that compare one-sided derivatives, then a Jensen violation at a kink
        from .kinks import describe, prove_convex

        step = prove_convex(E, v, concave, hyps, deadline=ctx.deadline) if domain is not None else None
        if step is not None:
            return Result("proved", claim, proof=step, method="convexity across kinks", reason=describe(step))
        for values, centre in _kink_points(E, v, ks, claim.symbols, ctx.deadline):
            found = _search_jensen(E, v, {**values, v: centre}, centre, hyps, concave, ctx.deadline)
            if found is not None:
                return refuted(found)
    second = derivative(E, v, 2)
    formula = (sp.Le if concave else sp.Ge)(second, 0, evaluate=False)  # SymPy does not decide it
    symbols = tuple(sorted(set(claim.symbols) | {v}, key=str))
    inner = ctx.decide(Pointwise(text=str(formula), hypotheses=claim.hypotheses, symbols=symbols,
                                 domains=claim.domains, formula=formula), deadline=ctx.deadline)

    if inner.verdict == "proved" and not ks and inner.proof is not None and domain is not None:
        step = SmoothConvexity(E, v, concave, second, inner.proof, domain)
        return Result("proved", claim, proof=step, method="second derivative on a smooth function",
                      reason=f"no kink depends on {v}, the admissible {v} form an interval, and the second derivative "
                             f"is {'≤' if concave else '≥'} 0 ({inner.reason})")
    if inner.verdict == "refuted" and inner.counterexample is not None:
        values = inner.counterexample.as_dict()
        for centre in ([values[v]] if v in values else list(_SIMPLE)):
            found = _search_jensen(E, v, {**values, v: centre}, centre, hyps, concave, ctx.deadline)
            if found is not None:
                return refuted(found)
        ctx.notes.append(f"convexity: {word} is refuted, but no exact Jensen violation was found near it")
        return None
    found = _straddle_hole(E, v, claim.symbols, hyps, concave, ctx.deadline) if domain is None else None
    if found is not None:
        return refuted(found)
    if ks:
        ctx.notes.append(f"convexity: E has a kink in {v} ({sp.sstr(ks[0])}); neither the composition rules nor "
                         f"a nondecreasing derivative (left ≤ right at each kink) were proved, and no exact Jensen "
                         f"violation was found ({word} is {inner.verdict})")
        return None
    if not ks and domain is not None:
        from .kinks import describe, prove_convex

        step = prove_convex(E, v, concave, hyps, deadline=ctx.deadline)
        if step is not None:
            return Result("proved", claim, proof=step, method="convexity by composition", reason=describe(step))
    found = _straddle_hole(E, v, claim.symbols, hyps, concave, ctx.deadline) if domain is None else None
    if found is not None:
        return refuted(found)
    ctx.notes.append(f"convexity: {word} not decided ({inner.reason})")
    return None


def register(registry) -> None:
    """Add the ``convexity`` tactic to ``registry``."""
    registry.add("convexity", convexity, "prove")
