"""The convexity claim: ``convex(E, v)`` / ``concave(E, v)`` and its refutation witness.

What the claim says (:class:`ConvexClaim`, the fact marker
:class:`ConvexFact`), where it may fail to be smooth (:func:`kinks`), and the
exact Jensen violation that refutes it (:class:`JensenViolation`, re-checked
by exact evaluation).  How it is decided -- the second-derivative proof and
the search for a Jensen triple -- is :mod:`symloss.engine.convexity`.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from .claim_objects import Claim
from .exact import point_is_admissible, sign_of

__all__ = ["KINKS", "kinks", "jensen_gap", "JensenViolation", "ConvexFact", "ConvexClaim"]


#: Function heads whose argument makes a function non-smooth.
KINKS = ("Abs", "Max", "Min", "Piecewise", "Heaviside", "sign", "relu", "DiracDelta")


def kinks(expr: sp.Expr, v: sp.Symbol) -> list[sp.Expr]:
    """The sub-expressions of ``expr`` that may be kinks along ``v``.

    >>> w, x = sp.symbols('w x', real=True)
    >>> kinks(-sp.Abs(w), w), kinks(sp.Abs(x) * w**2, w)
    ([Abs(w)], [])
    """
    out = []
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.Basic) and type(node).__name__ in KINKS and node.has(v):
            out.append(node)
    return out


def jensen_gap(f: sp.Expr, v: sp.Symbol, a, c) -> sp.Expr:
    """``f((a + c)/2) − (f(a) + f(c))/2``: positive somewhere ⇒ not convex,
    negative somewhere ⇒ not concave."""
    m = (sp.sympify(a) + sp.sympify(c)) / 2
    return f.subs(v, m) - (f.subs(v, a) + f.subs(v, c)) / 2


@dataclass(frozen=True)
class JensenViolation:
    """Rule: if ``f((a + c)/2) > (f(a) + f(c))/2`` for admissible ``a < c``
    (``<`` for concavity), ``f`` is not convex (not concave) in ``v``.

    ``verify()`` re-evaluates the gap exactly at the stored values."""

    f: sp.Expr
    v: sp.Symbol
    values: tuple
    a: sp.Expr
    c: sp.Expr
    concave: bool

    def gap(self) -> sp.Expr:
        g = jensen_gap(self.f, self.v, self.a, self.c)
        return g.xreplace(dict(self.values))

    def verify(self, hypotheses=()) -> bool:
        want = -1 if self.concave else 1
        if sign_of(self.gap()) != want:
            return False
        base = dict(self.values)
        for point in (self.a, self.c, (self.a + self.c) / 2):
            if point_is_admissible(hypotheses, {**base, self.v: point}) is not True:
                return False
        return True




class ConvexFact(sp.Function):
    """The statement "E is convex (concave when the flag is 1) in v" (a fact marker)."""

    nargs = 3

    def _latex(self, printer, exp=None):
        e, v, flag = (printer._print(x) for x in self.args)
        word = "concave" if self.args[2] else "convex"
        return r"%s \text{ is %s in } %s" % (e, word, v)


@dataclass(frozen=True, eq=False)
class ConvexClaim(Claim):
    """``convex(E, v)`` (``concave`` with the flag): for every value of the
    other symbols, E is convex in ``v`` on the (connected) set of admissible
    ``v``.  ``symbols`` excludes ``var``."""

    expr: sp.Expr = sp.S.Zero
    var: sp.Symbol | None = None
    concave: bool = False

    def recheck_counterexample(self, ce) -> bool:
        """Independent exact re-check of a Jensen counterexample."""
        if ce is None or ce.pair is None or ce.pair[0] != self.var:
            return False
        values = tuple(sorted(ce.values.items(), key=lambda kv: str(kv[0])))
        f = self.expr.xreplace(dict(values))
        return JensenViolation(f, self.var, values, ce.pair[1], ce.pair[2], self.concave).verify(self.hypotheses)
