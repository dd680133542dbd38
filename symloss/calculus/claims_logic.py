"""The logic of claims that mention minimisers: what ``not``, ``and``,
``or`` and ``implies`` mean where an ``argmin`` does not exist.

One rule (proofs/README.md, "Where a minimiser is missing"), Russell's
reading of a definite description: a comparison that mentions
``argmin(E, v)`` says "``E`` has exactly one minimiser over the domain of
``v``, and the comparison holds for it".  Where the minimiser is missing
(none, or many) such a comparison is therefore *false*, and the
connectives are the classical ones on top of that:

* ``x*argmin(L, w) == y - b`` is false at ``x = 0`` (every ``w`` minimises);
* ``implies(argmin(L, w) > 0, x != 0)`` is true at ``x = 0``: its premise
  is false there, so that point refutes nothing;
* ``implies(x != 0, argmin(L, w) == (y - b)/x)`` is true at ``x = 0`` too
  (false premise), and ``not (argmin(L, w) > 0) or x != 0`` means the
  same as that implication;
* ``not (argmin(L, w) <= 0)`` is *true* where no minimiser exists (it is
  not the case that a unique minimiser ``<= 0`` exists); write
  ``argmin(L, w) > 0`` to assert that one exists and is positive, and
  ``argmin(L, w) > 0 or argmin(L, w) <= 0`` asserts exactly that the
  minimiser exists.

SymPy's constructors apply classical identities that are wrong under this
reading (``A or not A`` → ``True``, ``not (t <= 0)`` → ``t > 0``,
``implies(t > 0, t <= 0)`` → ``t <= 0``), so the claim parser builds the
connectives over comparisons that mention ``argmin`` with
:class:`ClaimOr`, :class:`ClaimNot` and :class:`ClaimImplies`, which keep
their arguments as written.  Definedness conditions of expressions
(``log``, division, a variance of a correlation) are a different matter:
they are hypotheses of the whole claim, and a point where one fails is not
in the claim's range at all.

:func:`symloss.refute.claims_truth.evaluate` is the exact evaluator of this
logic at a point (the refutation search and the re-check of
counterexamples use it).
"""

from __future__ import annotations

import sympy as sp
from sympy.logic.boolalg import BooleanFunction
from sympy.core.operations import LatticeOp
from sympy.core.relational import Relational

__all__ = ["ClaimOr", "ClaimNot", "ClaimImplies", "ClaimExists", "mentions_argmin", "connective", "with_existence"]


def _argmin_class():
    from .claims_terms import ArgMin  # late: claims imports this module

    return ArgMin


def mentions_argmin(*args) -> bool:
    """Whether some argument mentions an ``argmin`` term."""
    cls = _argmin_class()
    return any(isinstance(a, sp.Basic) and a.has(cls) for a in args)


class ClaimOr(sp.Or):
    """``or`` over statements about minimisers: no complementary pair of
    comparisons collapses to ``True`` (``argmin(L, w) > 0 or
    argmin(L, w) <= 0`` asserts that the minimiser exists)."""

    @classmethod
    def _new_args_filter(cls, args):
        args = BooleanFunction.binary_check_and_simplify(*args)
        if not mentions_argmin(*args):
            return sp.Or._new_args_filter(args)
        return LatticeOp._new_args_filter(list(dict.fromkeys(args)), sp.Or)


class ClaimNot(sp.Not):
    """``not`` of a comparison about a minimiser: kept as written (``not
    (argmin(L, w) <= 0)`` is not ``argmin(L, w) > 0``: the first is true
    where no minimiser exists)."""

    @classmethod
    def eval(cls, arg):
        if isinstance(arg, sp.Basic) and arg.is_Relational and mentions_argmin(arg):
            return None
        return sp.Not.eval(arg)


class ClaimImplies(sp.Implies):
    """``implies`` over statements about minimisers, kept as written."""

    @classmethod
    def eval(cls, *args):
        if len(args) == 2 and mentions_argmin(*args) and not any(a in (True, False) for a in args):
            return sp.Basic.__new__(cls, *args)
        return sp.Implies.eval(*args)


def connective(kind: str, *args) -> sp.Basic:
    """The connective ``kind`` (``"and"``, ``"or"``, ``"not"``,
    ``"implies"``) over ``args`` as written, unevaluated; over statements
    about minimisers, one that no classical identity rewrites."""
    special = mentions_argmin(*args)
    if kind == "and":
        return sp.And(*args, evaluate=False)
    if kind == "or":
        return (ClaimOr if special else sp.Or)(*args, evaluate=False)
    if kind == "not":
        return (ClaimNot if special else sp.Not)(*args, evaluate=False)
    if kind == "implies":
        return (ClaimImplies if special else sp.Implies)(*args, evaluate=False)
    raise ValueError(f"unknown connective {kind}")


class ClaimExists(sp.Equality):
    """``t == t`` for an ``argmin`` term ``t``: true exactly where the
    minimiser exists (a comparison about a missing minimiser is false).  A
    comparison from whose parsed form SymPy's arithmetic cancelled a
    minimiser the text mentions (``argmin(L, w) - argmin(L, w) == 0``,
    ``0*argmin(L, w) == 0``, ``d(argmin(L, w), w) == 0``) carries it, so it
    still asserts what it was written to assert.  Kept unevaluated while it
    mentions a minimiser; once the value is put in it is an ordinary
    ``Eq``."""

    def __new__(cls, lhs, rhs, **options):
        lhs, rhs = sp.sympify(lhs), sp.sympify(rhs)
        if mentions_argmin(lhs, rhs):
            return Relational.__new__(cls, lhs, rhs)
        return sp.Eq(lhs, rhs, **options)

    @property
    def negated(self):  # used by SymPy's complement detection only
        return sp.Ne(*self.args, evaluate=False)


def with_existence(rel: sp.Basic, terms) -> sp.Basic:
    """``rel`` with a :class:`ClaimExists` conjunct for each ``argmin`` term of
    ``terms`` it no longer mentions."""
    lost = []
    for t in terms:
        if not rel.has(t) and t not in lost:
            lost.append(t)
    if not lost:
        return rel
    return sp.And(rel, *[ClaimExists(t, t) for t in lost], evaluate=False)
