"""The claim objects: what a parsed claim is.

:class:`Claim` (text, hypotheses, quantified symbols and their domains) and
its pointwise and relational kinds.  They sit apart from the claim parser
(:mod:`.claims`) so that other claim kinds (:mod:`.convex`) can extend
:class:`Claim` while the parser builds them.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from .claims_terms import ArgMin, Corr

__all__ = ["Claim", "Pointwise", "Proportional", "Nondecreasing"]


@dataclass(frozen=True, eq=False)
class Claim:
    """What every claim has: its ``text``, its ``hypotheses`` (SymPy booleans:
    domains of its symbols, problem hypotheses, user assumptions,
    definedness conditions), its ``symbols`` (the universally quantified
    symbols, sorted by name) and ``domains`` (symbol → Domain, for
    sampling)."""

    text: str
    hypotheses: tuple
    symbols: tuple
    domains: tuple = ()
    #: steps taken while reading the claim (e.g. an exact correlation
    #: replaced by its closed form); each is re-checked with any verdict
    readings: tuple = ()

    def domain_of(self, sym):
        """The Domain of ``sym`` (``None`` if unknown)."""
        for s, d in self.domains:
            if s == sym:
                return d
        return None

    @property
    def kind(self) -> str:
        return type(self).__name__.lower()


@dataclass(frozen=True, eq=False)
class Pointwise(Claim):
    """A SymPy boolean that must hold at every admissible point."""

    formula: sp.Basic = sp.true

    def bound_terms(self) -> tuple:
        """The :class:`ArgMin` and :class:`Corr` terms of the formula."""
        return tuple(sorted(self.formula.atoms(ArgMin, Corr), key=sp.default_sort_key))


@dataclass(frozen=True, eq=False)
class Proportional(Claim):
    """``a = c·b`` for all ``var``, with ``c`` free of ``var`` (for each fixed
    value of the other symbols).  ``symbols`` excludes ``var``; the
    hypotheses may mention ``var`` and must hold at both values of a pair."""

    a: sp.Expr = sp.S.Zero
    b: sp.Expr = sp.S.Zero
    var: sp.Symbol | None = None


@dataclass(frozen=True, eq=False)
class Nondecreasing(Claim):
    """``b(v1) <= b(v2)`` implies ``a(v1) <= a(v2)`` for all v1, v2 of ``var``."""

    a: sp.Expr = sp.S.Zero
    b: sp.Expr = sp.S.Zero
    var: sp.Symbol | None = None
