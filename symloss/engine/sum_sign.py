"""The sign of a finite sum from the sign of its terms (the empirical risk
over a symbolic number of samples, :mod:`symloss.calculus.dataset`).

``Σ_{i=a}^{b} f(i)`` is nonnegative when every term is; positive when every
term is positive and the sum is not empty.  The term's sign is proved for a
generic index ``i`` with ``a ≤ i ≤ b`` from facts that do not mention ``i``:
a hypothesis about one sample (``x[i] > 0`` with a free ``i``) says nothing
about the others and is never used for the terms.  So termwise facts such as
"each squared residual is ≥ 0" or "each term's second derivative is ≥ 0"
(the mean of convex terms is convex) carry over to the sum.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from ..calculus.proof import Given, Step, check_proof
from .sign_core import ALL, SignContext, SignResult, SignStep, set_sign, sign_set

__all__ = ["SumSign", "TermProof", "sum_rule", "summation_range"]


def summation_range(i: sp.Symbol, a: sp.Expr, b: sp.Expr) -> tuple:
    """The facts a term may use about its index: ``a <= i`` and ``i <= b``."""
    return (sp.Le(a, i, evaluate=False), sp.Le(i, b, evaluate=False))


def _not_empty(a: sp.Expr, b: sp.Expr) -> bool:
    """``b >= a`` for sure: a = 1 and b a positive integer (by its declared
    assumptions), or both rational.  Only such sums are signed termwise:
    SymPy reads ``Sum(f, (i, a, b))`` with ``b < a - 1`` as minus a sum."""
    if a.is_Rational and b.is_Rational:
        return b >= a
    return a == 1 and isinstance(b, sp.Symbol) and b.is_integer is True and b.is_positive is True


def _sum_signs(term: frozenset) -> set:
    """The possible signs of a nonempty sum whose terms have signs in ``term``."""
    if term <= {0}:
        return {0}
    if term <= {0, 1} or term <= {-1, 0}:
        return set(term)  # {1}: every term > 0 and at least one term; {0, 1}: ≥ 0
    return set(ALL)


@dataclass(frozen=True)
class TermProof:
    """The proof of the generic term's sign: checked by :class:`SumSign`
    itself against the facts it allows (not against the claim's hypotheses)."""

    proof: Step


@dataclass(frozen=True)
class SumSign(SignStep):
    """Σ_{i=a}^{b} f(i) over a nonempty range (b ≥ a: a = 1 and b a positive
    integer, or rational ends) has the sign of its terms: if f(i) ≥ 0 (> 0,
    ≤ 0, < 0, = 0) for every integer i with a ≤ i ≤ b, proved from facts free
    of i (``context``) and the range a ≤ i ≤ b, the sum is ≥ 0 (> 0, ≤ 0,
    < 0, = 0)."""

    context: tuple[Given, ...]
    term: TermProof

    def verify(self) -> None:
        if not isinstance(self.expr, sp.Sum) or len(self.expr.limits) != 1:
            raise self.fail(f"{self.expr} is not a sum over one index")
        i, a, b = self.expr.limits[0]
        for g in self.context:
            if g.fact.has(i):
                raise self.fail(f"the fact {g.fact} mentions the summation index {i}")
        if not _not_empty(a, b):
            # SymPy's Sum with b < a - 1 is minus a sum (Karr's convention): no termwise sign
            raise self.fail(f"the range {a} ≤ {i} ≤ {b} is not known to be nonempty")
        check_proof(self.term.proof, {g.fact for g in self.context} | set(summation_range(i, a, b)))
        self.conclude(frozenset(_sum_signs(self.premise_set(self.term.proof, self.expr.function))))


def sum_rule(expr, ctx):
    """A finite sum, termwise.

    >>> from symloss.engine.signs import DEFAULT_RULES
    >>> i, n = sp.Symbol('i', integer=True), sp.Symbol('n', integer=True, positive=True)
    >>> x = sp.IndexedBase('x', real=True)
    >>> sum_rule(sp.Sum(x[i]**2 + 1, (i, 1, n)), SignContext((), DEFAULT_RULES)).sign
    <Sign.POSITIVE: '> 0'>
    >>> sum_rule(sp.Sum(x[i], (i, 1, n)), SignContext((Given(x[i] > 0, 'assume[0]'),), DEFAULT_RULES)) is None
    True
    """
    if len(expr.limits) != 1 or len(expr.limits[0]) != 3:
        return None
    i, a, b = expr.limits[0]
    if not _not_empty(a, b):
        return None
    context = tuple(g for g in ctx.hypotheses if not g.fact.has(i))
    local = tuple(Given(c, "summation range") for c in summation_range(i, a, b))
    r = SignContext(context + local, ctx.rules, ctx.deadline).sign(expr.function)
    if r is None:
        return None
    sign = set_sign(_sum_signs(sign_set(r.sign)))
    if sign is None:
        return None
    step = SumSign(expr, sign, context, TermProof(r.step))
    return SignResult(sign, step)
