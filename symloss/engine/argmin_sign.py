"""The sign rule of a minimiser: ``sign(A) = sign(v − argmin(E, v))``.

:func:`_sign_pattern` recognises the statement, :class:`ArgminSign` is the
step (the minimiser step's sign of the gradient, taken at ``u = v``), and
:func:`_link` proves ``sign(A) = sign(G)`` between the claim's derivative and
the minimiser's.  The argmin tactic (:mod:`symloss.engine.argmin_claim`) and
the claims that use a minimiser (:mod:`symloss.engine.argmin_uses`) both
build it.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from .argmin import _MINIMISERS, _check_inside, _on_line, _prove
from ..calculus.claims import ArgMin, Corr
from ..calculus.proof import Sign, Step
from ..errors import ProofCheckError
from .signs import prove_sign

__all__ = ["ArgminSign"]


def _sign_pattern(formula: sp.Basic):
    """``(A, term, flipped)`` when ``formula`` is
    ``sign(A) = sign(v − argmin(E, v))`` (either side first)."""
    if not isinstance(formula, sp.Equality):
        return None
    for left, right, flipped in ((formula.lhs, formula.rhs, False), (formula.rhs, formula.lhs, True)):
        if not (isinstance(left, sp.sign) and isinstance(right, sp.sign)):
            continue
        a, d = left.args[0], right.args[0]
        terms = d.atoms(ArgMin)
        if len(terms) != 1 or a.atoms(ArgMin, Corr):
            continue
        term = next(iter(terms))
        if d != sp.Add(term.var, -term):
            continue
        return a, term, flipped
    return None


@dataclass(frozen=True)
class ArgminSign(Step):
    """``sign(A) = sign(v − argmin(E, v))``: the minimiser step gives
    ``sign(G(u)) = sign(u − argmin(E, v))`` for every real ``u``; take
    ``u = v``; ``link`` shows ``sign(A) = sign(G(v))``; equality is
    transitive (and symmetric, for ``flipped``).  When ``v`` ranges over a
    declared domain, ``inside`` proves that the real-line minimiser lies in
    it, so it is also the minimiser over the domain (:class:`ArgminOnDomain`)."""

    statement: sp.Basic
    minimiser: Step
    link: Step
    inside: tuple = ()

    @property
    def fact(self) -> sp.Basic:
        return self.statement

    def verify(self) -> None:
        pat = _sign_pattern(self.statement)
        if pat is None:
            raise self.fail(f"{self.statement} is not sign(A) = sign(v - argmin(E, v))")
        a, term, _ = pat
        m = self.minimiser
        if not isinstance(m, _MINIMISERS) or m.term != _on_line(term):
            raise self.fail(f"the minimiser step is not about {term}")
        if term != m.term:
            _check_inside(self, m, term, self.inside)
        inst = m.fact.xreplace({m.dummy: term.var}).xreplace({m.term: term})
        g = m.gradient.xreplace({m.dummy: term.var})  # not inst.lhs.args[0]: sign() may pull factors out
        if inst.lhs != sp.sign(g) or inst.rhs != sp.sign(sp.Add(term.var, -term)):
            raise self.fail("instantiating the minimiser fact does not give the right side")
        want = sp.Eq(sp.sign(a), sp.sign(g), evaluate=False)
        if self.link.fact != want:
            raise self.fail(f"link shows {self.link.fact}, expected {want}")


def _link(a: sp.Expr, g: sp.Expr, context, env) -> Step | None:
    from .prover import SameSign

    one = prove_sign(sp.S.One, Sign.POSITIVE, context)
    if one is not None:  # the claim's derivative is the minimiser's, maybe written apart: sign(A) = sign(1·A)
        step = SameSign(a, g, sp.S.One, one.step, context, False)
        if a == g:
            return step
        if a.has(sp.Piecewise) or g.has(sp.Piecewise):  # the ratio search is slow on pieces; try 1 first
            try:
                step.verify()
                return step
            except ProofCheckError:
                pass
    return _prove(sp.Eq(sp.sign(a), sp.sign(g), evaluate=False), context, env)
