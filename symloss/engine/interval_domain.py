"""Is the set of admissible values of one variable an interval?

Convexity is a statement about a function on a convex set.  A second
derivative of one sign proves convexity only on an *interval*: ``1/w**2``
has ``6/w**4 >= 0`` wherever it is defined, yet ``w = -1``, ``w = 2`` and
their midpoint ``1/2`` violate Jensen's inequality, because the admissible
set ``w != 0`` is two half-lines.  So before a convexity proof may use the
second derivative (or one-sided derivatives at kinks), the conditions that
restrict ``v`` -- the claim's hypotheses that mention ``v``: declared domains,
assumptions and definedness conditions -- must cut out an interval along
``v`` for every value of the other symbols.

:class:`IntervalAlong` records why, one reason per condition, each
re-checked by :meth:`IntervalAlong.verify`:

* **affine** -- ``a·v + c ⋈ 0`` with ``a`` and ``c`` free of ``v`` (``⋈`` one of
  ``<, <=, >, >=, =``) is a half-line, a point, all of ℝ or empty;
* **concave superlevel** -- ``p(v) >= 0`` (``> 0``) for a polynomial ``p`` in
  ``v`` whose second derivative is proved ``<= 0`` (a premise step): the
  superlevel set of a concave function on an interval is an interval;
* **implied** -- a premise step proves the condition from the interval-shaped
  ones, so it removes nothing.

The intersection of intervals is an interval, so the admissible set is one.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from ..calculus.proof import Step
from ..language.functions import definedness_conditions

__all__ = ["IntervalAlong", "affine_in", "conditions_along", "interval_along"]

_ORDER = (sp.StrictGreaterThan, sp.GreaterThan, sp.StrictLessThan, sp.LessThan)


def affine_in(cond: sp.Basic, v: sp.Symbol) -> bool:
    """Whether ``cond`` is ``a·v + c ⋈ 0`` with ``a``, ``c`` free of ``v``.

    >>> w, x, b = sp.symbols('w x b', real=True)
    >>> affine_in(w*x + b > 0, w), affine_in(sp.Ne(w, 0), w), affine_in(w**2 > 0, w)
    (True, False, False)
    """
    if not isinstance(cond, _ORDER + (sp.Equality,)):
        return False
    d = sp.expand(cond.lhs - cond.rhs)
    a = d.diff(v)
    return not a.has(v) and not sp.expand(d - a * v).has(v)


def _superlevel_poly(cond: sp.Basic, v: sp.Symbol) -> sp.Expr | None:
    """``p`` when ``cond`` reads ``p >= 0`` or ``p > 0`` with ``p`` a polynomial in ``v``."""
    if isinstance(cond, (sp.StrictGreaterThan, sp.GreaterThan)):
        p = cond.lhs - cond.rhs
    elif isinstance(cond, (sp.StrictLessThan, sp.LessThan)):
        p = cond.rhs - cond.lhs
    else:
        return None
    p = sp.expand(p)
    return p if p.is_polynomial(v) else None


def conditions_along(hypotheses, v: sp.Symbol) -> tuple:
    """The hypotheses that restrict ``v`` (mention it)."""
    return tuple(h for h in hypotheses if isinstance(h, sp.Basic) and h.has(v))


@dataclass(frozen=True)
class IntervalAlong(Step):
    """Rule: if every condition that mentions ``v`` is affine in ``v``, the
    superlevel set of a polynomial proved concave in ``v``, or implied by the
    other conditions, the set of ``v`` satisfying them all is an interval (for
    each value of the other symbols); and ``expr`` is defined on it, because
    its definedness conditions are among them.

    ``concave`` holds ``(condition, step proving p'' <= 0)`` pairs and
    ``implied`` holds ``(condition, step proving the condition)`` pairs."""

    expr: sp.Expr
    var: sp.Symbol
    conditions: tuple
    concave: tuple = ()
    implied: tuple = ()

    @property
    def fact(self) -> sp.Basic:
        return sp.And(*self.conditions) if self.conditions else sp.true

    def verify(self) -> None:
        v = self.var
        for c in definedness_conditions(self.expr):
            if c.has(v) and c not in self.conditions:
                raise self.fail(f"the definedness condition {c} of {self.expr} is not among the conditions")
        concave = {c: s for c, s in self.concave}
        implied = {c: s for c, s in self.implied}
        for c in self.conditions:
            if affine_in(c, v):
                continue
            if c in concave:
                p = _superlevel_poly(c, v)
                if p is None:
                    raise self.fail(f"{c} is not p >= 0 for a polynomial p in {v}")
                want = sp.Le(sp.expand(p.diff(v, 2)), 0, evaluate=False)
                if concave[c].fact != want:
                    raise self.fail(f"the premise proves {concave[c].fact}, not {want}")
                continue
            if c in implied:
                if implied[c].fact != c:
                    raise self.fail(f"the premise proves {implied[c].fact}, not {c}")
                continue
            raise self.fail(f"no reason why {c} cuts out an interval of {v}")


def interval_along(expr, v, hypotheses, symbols, domains, ctx) -> IntervalAlong | None:
    """An :class:`IntervalAlong` step for ``v`` under ``hypotheses``, or
    ``None`` (with a note in ``ctx``) when no reason is found for some
    condition.  Premises are proved by ``ctx.decide`` under the hypotheses
    that are already known to be interval-shaped."""
    from ..calculus.claims import Pointwise

    conds = conditions_along(hypotheses, v)
    if not conds:
        return IntervalAlong(expr, v, ())
    base = [h for h in hypotheses if h not in conds] + [c for c in conds if affine_in(c, v)]
    syms = tuple(sorted(set(symbols) | {v}, key=str))

    def prove(formula, under):
        if ctx.expired():
            return None
        claim = Pointwise(text=str(formula), hypotheses=tuple(under), symbols=syms, domains=domains,
                          formula=formula)
        res = ctx.decide(claim, deadline=ctx.deadline)
        return res.proof if res.verdict == "proved" and res.proof is not None else None

    concave, implied, rest = [], [], []
    for c in conds:
        if affine_in(c, v):
            continue
        p = _superlevel_poly(c, v)
        if p is not None and sp.degree(p, v) >= 2:
            step = prove(sp.Le(sp.expand(p.diff(v, 2)), 0, evaluate=False), base)
            if step is not None:
                concave.append((c, step))
                continue
        rest.append(c)
    shaped = base + [c for c, _ in concave]
    for c in rest:
        if any(d not in shaped for d in definedness_conditions(c)):
            ctx.notes.append(f"convexity: cannot tell whether {c} leaves an interval of {v}")
            return None
        step = prove(c, shaped)
        if step is None:
            ctx.notes.append(f"convexity: the admissible {v} may not form an interval ({c} is not implied by the "
                             f"other conditions, nor affine in {v}, nor a concave superlevel set)")
            return None
        implied.append((c, step))
    return IntervalAlong(expr, v, conds, tuple(concave), tuple(implied))
