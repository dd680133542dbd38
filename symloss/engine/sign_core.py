"""The sign engine's machinery: sign sets, the rule registry, the driver and
the shared sign steps.

A *rule* looks at the top of an expression, asks the driver for the signs of
sub-expressions (``ctx.sign(sub)``) and returns a :class:`SignResult` -- the
sign together with a proof step -- or ``None``.  :class:`SignRules` maps
expression heads to rules; the driver (:class:`SignContext`) tries them and
also reads the hypotheses, combining what it learned in a :class:`Combine`
step.  The rules themselves are :mod:`.sign_elementary` and
:mod:`.sign_functions`, their table :mod:`.sign_rules`; the default table and
the entry points :func:`~symloss.engine.signs.sign_of` /
:func:`~symloss.engine.signs.prove_sign` are :mod:`.signs`.  Nothing here
knows any rule: a registry is filled only by whoever builds it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable, Iterable

import sympy as sp

from ..language import kernel
from ..errors import InvalidArgument
from ..calculus.proof import Given, Sign, Step

__all__ = [
    "SignResult",
    "SignRules",
    "SignContext",
    "SignStep",
    "Combine",
    "HypothesisSign",
    "sign_set",
    "set_sign",
    "signs_from_statement",
]

# --------------------------------------------------------------------------
# sign sets

ALL = frozenset({-1, 0, 1})
_SIGN_SETS = {
    Sign.POSITIVE: frozenset({1}),
    Sign.NEGATIVE: frozenset({-1}),
    Sign.ZERO: frozenset({0}),
    Sign.NONNEGATIVE: frozenset({0, 1}),
    Sign.NONPOSITIVE: frozenset({-1, 0}),
    Sign.NONZERO: frozenset({-1, 1}),
}
_SET_SIGNS = {v: k for k, v in _SIGN_SETS.items()}


def sign_set(sign: Sign) -> frozenset:
    """The possible values of ``sign(expr)`` when ``expr`` has sign ``sign``.

    >>> sorted(sign_set(Sign.NONNEGATIVE))
    [0, 1]
    """
    return _SIGN_SETS[sign]


def set_sign(values: Iterable[int]) -> Sign | None:
    """The :class:`Sign` that a set of possible sign values expresses, or
    ``None`` when the set says nothing (all three values) or is empty.

    >>> set_sign({0, 1})
    <Sign.NONNEGATIVE: '>= 0'>
    >>> set_sign({-1, 0, 1}) is None
    True
    """
    return _SET_SIGNS.get(frozenset(values))


def set_add(a: frozenset, b: frozenset) -> frozenset:
    """Possible signs of ``p + q`` when ``sign(p) ∈ a`` and ``sign(q) ∈ b``."""
    out = set()
    for x in a:
        for y in b:
            if x == y or y == 0:
                out.add(x)
            elif x == 0:
                out.add(y)
            else:  # opposite signs: anything
                return ALL
    return frozenset(out)


def set_mul(a: frozenset, b: frozenset) -> frozenset:
    """Possible signs of ``p * q`` (both finite reals)."""
    return frozenset(x * y for x in a for y in b)


def set_neg(a: frozenset) -> frozenset:
    """Possible signs of ``-p``."""
    return frozenset(-x for x in a)


def _sign_value(number: sp.Expr) -> int:
    """The exact sign of a SymPy Rational."""
    if not number.is_Rational:
        raise InvalidArgument(f"expected an exact rational number, got {number!r}")
    return int(bool(number > 0)) - int(bool(number < 0))


# --------------------------------------------------------------------------
# results and base steps


@dataclass(frozen=True)
class SignStep(Step):
    """Base of the sign steps: the fact is ``expr <sign> 0``."""

    expr: sp.Expr
    sign: Sign

    @property
    def fact(self) -> sp.Basic:
        return self.sign.relation(self.expr)

    def premise_set(self, premise: Step, expr: sp.Expr) -> frozenset:
        """The sign set a premise asserts about ``expr``; fails unless the
        premise's fact is a sign fact ``expr <op> 0`` about exactly ``expr``."""
        s = fact_sign(premise.fact, expr)
        if s is None:
            raise self.fail(f"premise {premise.fact} is not a sign fact about {expr}")
        return sign_set(s)

    def conclude(self, possible: frozenset) -> None:
        """Fail unless every possible sign value is allowed by ``self.sign``."""
        if not possible or not possible <= sign_set(self.sign):
            raise self.fail(
                f"the rule gives signs {sorted(possible)} for {self.expr}, "
                f"which do not establish {self.fact}"
            )


_REL_SIGN = {sp.StrictGreaterThan: Sign.POSITIVE, sp.GreaterThan: Sign.NONNEGATIVE,
             sp.StrictLessThan: Sign.NEGATIVE, sp.LessThan: Sign.NONPOSITIVE,
             sp.Unequality: Sign.NONZERO, sp.Equality: Sign.ZERO}


def fact_sign(fact: sp.Basic, expr: sp.Expr) -> Sign | None:
    """If ``fact`` is ``expr <op> 0`` (written exactly so), the sign it states."""
    s = _REL_SIGN.get(type(fact))
    if s is None or fact.rhs != 0 or fact.lhs != expr:
        return None
    return s


@dataclass(frozen=True)
class SignResult:
    """A sign together with the proof step establishing ``expr <sign> 0``."""

    sign: Sign
    step: Step

    @property
    def expr(self) -> sp.Expr:
        return self.step.expr


@dataclass(frozen=True)
class Combine(SignStep):
    """Everything known about one expression, intersected: if the parts show
    ``sign(expr) ∈ A₁``, ..., ``∈ Aₖ`` then ``sign(expr) ∈ A₁ ∩ ... ∩ Aₖ``.

    With one part this is weakening (``> 0`` gives ``>= 0``); with two it is
    e.g. "nonnegative and nonzero, hence positive".
    """

    parts: tuple[Step, ...]

    def verify(self) -> None:
        if not self.parts:
            raise self.fail("no parts")
        possible = ALL
        for p in self.parts:
            possible = possible & self.premise_set(p, self.expr)
        self.conclude(possible)


def _relation_parts(rel: sp.Basic) -> tuple[sp.Expr, frozenset] | None:
    s = _REL_SIGN.get(type(rel))
    if s is None:
        return None
    return rel.lhs - rel.rhs, sign_set(s)


def signs_from_statement(statement: sp.Basic, expr: sp.Expr) -> frozenset:
    """The sign set of ``expr`` that the boolean ``statement`` implies, by a
    fixed table: a relation ``l <op> r`` says ``l - r`` has sign ``op``, and
    ``expr = ±(l - r) + k`` for a rational ``k`` (checked with ``expand``) then
    gives the sign of ``expr`` by the sum table; ``And`` intersects, ``Or``
    unites.  Anything else says nothing (all signs).

    >>> y = sp.Symbol('y', real=True)
    >>> sorted(signs_from_statement(sp.Eq(y, 0) | sp.Eq(y, 1), y))
    [0, 1]
    >>> sorted(signs_from_statement(y > 2, y))
    [1]
    """
    if isinstance(statement, sp.And):
        out = ALL
        for a in statement.args:
            out = out & signs_from_statement(a, expr)
        return out
    if isinstance(statement, sp.Or):
        out = frozenset()
        for a in statement.args:
            out = out | signs_from_statement(a, expr)
            if out == ALL:
                break
        return out
    parts = _relation_parts(statement)
    if parts is None:
        return ALL
    diff, diff_set = parts
    if not isinstance(expr, sp.Expr) or not diff.free_symbols & expr.free_symbols:
        return ALL
    for flip in (1, -1):
        k = sp.expand(expr - flip * diff)
        if k.is_Rational:
            d = diff_set if flip == 1 else set_neg(diff_set)
            return set_add(d, frozenset({_sign_value(k)}))
    return ALL


@dataclass(frozen=True)
class HypothesisSign(SignStep):
    """A hypothesis read as a sign fact: from ``l <op> r`` (or conjunctions /
    disjunctions of such relations) and ``expr = ±(l - r) + k`` with ``k`` a
    rational number, the sign of ``expr`` follows by the sign tables (see
    :func:`signs_from_statement`)."""

    given: Given

    def verify(self) -> None:
        self.conclude(signs_from_statement(self.given.fact, self.expr))


# --------------------------------------------------------------------------
# registry and driver

Rule = Callable[[sp.Expr, "SignContext"], "SignResult | None"]


class SignRules:
    """A registry of sign rules, keyed by expression head (a SymPy class).

    Several rules may be registered for one head; the driver tries them in
    registration order.  Lookup walks the class's MRO, so a rule registered
    for ``sp.Rational`` also applies to ``sp.Integer``.
    """

    def __init__(self) -> None:
        self._rules: dict[type, list[Rule]] = {}

    def register(self, *heads: type) -> Callable[[Rule], Rule]:
        """Decorator registering a rule for each head in ``heads``."""
        if not heads:
            raise InvalidArgument("register() needs at least one head class")

        def deco(rule: Rule) -> Rule:
            for h in heads:
                self._rules.setdefault(h, []).append(rule)
            return rule

        return deco

    def rules_for(self, expr: sp.Basic) -> list[Rule]:
        """All rules that apply to ``expr``'s head (most specific first)."""
        out: list[Rule] = []
        for cls in type(expr).__mro__:
            out.extend(self._rules.get(cls, ()))
        return out

    def copy(self) -> "SignRules":
        """An independent registry with the same rules (to extend safely)."""
        new = SignRules()
        new._rules = {k: list(v) for k, v in self._rules.items()}
        return new


_IN_PROGRESS = object()
_DEFINITE = (Sign.POSITIVE, Sign.NEGATIVE, Sign.ZERO)


class DeadlineExceeded(Exception):
    """Internal: the time budget of one call ran out."""


@dataclass
class SignContext:
    """State of one call to the driver: hypotheses, rules, deadline, and the
    per-call cache (expr -> SignResult | None)."""

    hypotheses: tuple[Given, ...]
    rules: SignRules
    deadline: float | None = None
    cache: dict = field(default_factory=dict)

    def sign(self, expr: sp.Expr) -> SignResult | None:
        """The strongest sign the rules and hypotheses justify for ``expr``."""
        expr = _as_expr(expr)
        hit = self.cache.get(expr)
        if hit is _IN_PROGRESS:
            return None
        if expr in self.cache:
            return hit
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise DeadlineExceeded
        self.cache[expr] = _IN_PROGRESS
        try:
            result = self._compute(expr)
        except BaseException:
            del self.cache[expr]
            raise
        self.cache[expr] = result
        return result

    def sign_under(self, expr: sp.Expr, extra: Iterable[sp.Basic]) -> SignResult | None:
        """The sign of ``expr`` in a fresh sub-context whose hypotheses are
        this one's plus ``extra`` (used for Piecewise branches)."""
        extra_given = tuple(Given(c, "branch condition") for c in extra if c is not sp.true)
        sub = SignContext(self.hypotheses + extra_given, self.rules, self.deadline)
        return sub.sign(expr)

    def _compute(self, expr: sp.Expr) -> SignResult | None:
        if not isinstance(expr, sp.Expr):
            return None
        candidates: list[SignResult] = []
        for g in self.hypotheses:
            s = set_sign(signs_from_statement(g.fact, expr))
            if s is not None:
                candidates.append(SignResult(s, HypothesisSign(expr, s, g)))
        if not any(c.sign in _DEFINITE for c in candidates) and _is_closed_irrational(expr):
            s = kernel.sign_of(expr)
            if s is not None:
                candidates.append(SignResult(set_sign({s}), ClosedSign(expr, set_sign({s}))))
        if not any(c.sign in _DEFINITE for c in candidates):
            for rule in self.rules.rules_for(expr):
                r = rule(expr, self)
                if r is not None:
                    candidates.append(r)
                    if r.sign in _DEFINITE:
                        break
        return _best(expr, candidates)


def _is_closed_irrational(expr: sp.Expr) -> bool:
    return expr.is_number and not expr.is_Rational and kernel.is_closed(expr)


@dataclass(frozen=True)
class ClosedSign(SignStep):
    """A closed number's sign, certified by the trusted kernel
    (:func:`symloss.language.kernel.sign_of`: exact arithmetic, or interval
    enclosures that exclude 0).  Checked by asking the kernel again."""

    def verify(self) -> None:
        s = kernel.sign_of(self.expr) if kernel.is_closed(self.expr) else None
        if s is None:
            raise self.fail(f"the kernel cannot certify the sign of {self.expr}")
        self.conclude(frozenset({s}))


def _best(expr: sp.Expr, candidates: list[SignResult]) -> SignResult | None:
    if not candidates:
        return None
    possible = ALL
    for c in candidates:
        possible = possible & sign_set(c.sign)
    best = min(candidates, key=lambda c: len(sign_set(c.sign)))
    target = set_sign(possible)
    if target is None or sign_set(target) == sign_set(best.sign):
        return best
    parts = tuple(c.step for c in candidates)
    return SignResult(target, Combine(expr, target, parts))


def _as_expr(expr) -> sp.Basic:
    if isinstance(expr, sp.Basic):
        return expr
    if isinstance(expr, int):
        return sp.Integer(expr)
    raise InvalidArgument(f"expected a SymPy expression, got {expr!r}")
