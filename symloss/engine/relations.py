"""Proportionality and monotone relations between two quantities.

Two claim kinds live here (see :mod:`symloss.calculus.claims`):

* ``proportional(A, B, v)``: ``A = c·B`` with ``c`` free of ``v``.  Proved by
  exhibiting ``c`` (found by the quotient ``cancel(A/B)``) and re-checking
  ``A − c·B ≡ 0`` by zero-equivalence (:class:`ProportionalVia`).
* ``nondecreasing(A, B, v)``: ``B(v1) ≤ B(v2) ⇒ A(v1) ≤ A(v2)``.  Proved
  either through a relation ``A = h(B)`` with ``h`` nondecreasing on a
  half-line containing the range of ``B`` (:class:`FunctionOf` plus
  :class:`NondecreasingVia`), or by the two-copy encoding decided by z3
  (:class:`TwoCopy`).

The relation ``A = h(B)`` and its search live in :mod:`symloss.engine.function_of`
(re-exported here); this module adds ``h' ≥ 0`` by the sign engine.  Labels
with a finite set of values (``y ∈ {0, 1}``) are split case by case.
Whatever the search finds, the proof re-checks it without the search.

>>> from symloss.problem import problem
>>> from symloss.calculus.claims import parse_claim
>>> from symloss.decide import TACTICS, decide
>>> reg = TACTICS.copy(); register(reg)
>>> p = problem('linear', 'exponential')
>>> decide(parse_claim(p, 'proportional(d(L, w), L, w)'), tactics=reg).verdict
'proved'
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Sequence

import sympy as sp

from .function_of import (  # noqa: F401 - Case, Local, ... are re-exported
    Case,
    FunctionOf,
    Local,
    continuous_in,
    finite_values,
    givens,
    prove_function_of,
    split_abs,
)
from .function_of import (  # shared internals of the A = h(B) machinery
    _case_conditions,
    _case_list,
    _check_cover,
        _is_zero,
    _past,
    _prepare,
    _prove,
    _prove_condition,
    _range_for_monotone,
)
from .absnormal import abs_normal
from ..language.functions import definedness_conditions, derivative, sigmoid, softplus
from ..language.kernel import substitute  # values put in are built by the trusted kernel
from ..calculus.proof import Given, Sign, Step, check_proof

__all__ = [
    "ProportionalFact",
    "NondecreasingFact",
    "Local",
    "Case",
    "FunctionOf",
    "ProportionalVia",
    "PropCase",
    "NondecreasingVia",
    "TwoCopy",
    "FinitePoints",
    "finite_formula",
    "finite_values",
    "givens",
    "split_abs",
    "prove_function_of",
    "prove_proportional",
    "prove_nondecreasing",
    "proportional",
    "nondecreasing",
    "register",
]


# ---------------------------------------------------------------------------
# facts


class ProportionalFact(sp.Function):
    """The statement ``A = c·B`` for some ``c`` free of ``v`` (a fact marker)."""

    nargs = 3

    def _latex(self, printer, exp=None):
        a, b, v = (printer._print(x) for x in self.args)
        return r"%s \propto_{%s} %s" % (a, v, b)


class NondecreasingFact(sp.Function):
    """The statement ``B(v1) ≤ B(v2) ⇒ A(v1) ≤ A(v2)`` (a fact marker)."""

    nargs = 3

    def _latex(self, printer, exp=None):
        a, b, v = (printer._print(x) for x in self.args)
        return r"%s \text{ is a nondecreasing function of } %s \text{ (over } %s\text{)}" % (a, b, v)


# ---------------------------------------------------------------------------
# monotonicity of h


@dataclass(frozen=True)
class NondecreasingVia(Step):
    """``A`` is a nondecreasing function of ``B``: ``A = h(B)`` (premise) and,
    in each case, ``h`` is continuous on ``t ≥ lo`` (built from continuous
    heads and defined there) with ``h'(t) ≥ 0`` for ``t > lo`` except at
    finitely many kinks; by the mean value theorem ``h`` is nondecreasing on
    the half-line holding every value of ``B``, so ``B(v1) ≤ B(v2)`` gives
    ``A(v1) = h(B(v1)) ≤ h(B(v2)) = A(v2)``.  (The label is fixed when ``v``
    varies, so the cases are independent.)"""

    a: sp.Expr
    b: sp.Expr
    var: sp.Symbol
    function_of: FunctionOf
    monotone: tuple  # one Local per case: fact derivative(h, t) >= 0

    @property
    def fact(self) -> sp.Basic:
        return NondecreasingFact(self.a, self.b, self.var)

    def verify(self) -> None:
        f = self.function_of
        if (f.a, f.b, f.var) != (self.a, self.b, self.var):
            raise self.fail("the relation A = h(B) is about other quantities")
        if len(self.monotone) != len(f.cases):
            raise self.fail("one monotonicity proof per case is needed")
        ctx_facts = {g.fact for g in f.context}
        for case, loc in zip(f.cases, self.monotone):
            if case.pointwise:
                raise self.fail("h must be defined on a whole half-line, not only at the values of B")
            if not continuous_in(case.h, f.t):
                raise self.fail(f"h = {case.h} has a head that may be discontinuous")
            want = () if case.lo is None else (sp.Gt(f.t, case.lo, evaluate=False),)
            loc.check(ctx_facts | _case_conditions(case.values), Sign.NONNEGATIVE.relation(derivative(case.h, f.t)),
                      self, want)


@dataclass(frozen=True)
class TwoCopy(Step):
    """The two-copy encoding: ``B(v1) ≤ B(v2) ⇒ A(v1) ≤ A(v2)`` for fresh
    ``v1``, ``v2``, proved (``inner``) under the claim's hypotheses with the
    ones that mention ``v`` stated once for each copy."""

    a: sp.Expr
    b: sp.Expr
    var: sp.Symbol
    v1: sp.Symbol
    v2: sp.Symbol
    context: tuple
    inner: Local

    @property
    def fact(self) -> sp.Basic:
        return NondecreasingFact(self.a, self.b, self.var)

    def verify(self) -> None:
        v, v1, v2 = self.var, self.v1, self.v2
        if not (isinstance(v1, sp.Dummy) and isinstance(v2, sp.Dummy)) or v1 == v2:
            raise self.fail("the copies must be two distinct fresh Dummies")
        for c in (v1, v2):
            # the decision procedure reads assumptions off symbols: a copy
            # assumed positive would prove the claim for positive v only
            if c.assumptions0 != v.assumptions0:
                raise self.fail(f"the copy {c} must carry exactly the assumptions of {v}")
        ctx_facts = {g.fact for g in self.context}
        for e in [self.a, self.b, *ctx_facts]:
            if {v1, v2} & e.free_symbols:
                raise self.fail(f"a copy of {v} occurs in {e}")
        copies = _copies(ctx_facts, v, v1, v2)
        goal = sp.Implies(sp.Le(self.b.xreplace({v: v1}), self.b.xreplace({v: v2})),
                          sp.Le(self.a.xreplace({v: v1}), self.a.xreplace({v: v2})), evaluate=False)
        self.inner.check({h for h in ctx_facts if v not in h.free_symbols}, goal, self, tuple(copies))


def _copies(facts, v, v1, v2) -> set:
    out = set()
    for h in facts:
        if v in h.free_symbols:
            out.add(h.xreplace({v: v1}))
            out.add(h.xreplace({v: v2}))
    return out


# ---------------------------------------------------------------------------
# A = c·B


@dataclass(frozen=True)
class PropCase:
    """One case of :class:`ProportionalVia`: label ``values``, the factor
    ``c`` and proofs of its definedness conditions."""

    values: tuple
    c: sp.Expr
    defined: tuple = ()


@dataclass(frozen=True)
class ProportionalVia(Step):
    """``A = c·B`` with ``c`` free of ``var`` in each case: ``A − c·B``
    rewrites to 0 (directly, or after :func:`~symloss.engine.absnormal.abs_normal`
    rewrites ``|a·b| = |a|·|b|``, ``√(a²) = |a|``, ...) and ``c`` is defined at every admissible point (sign
    proofs of its definedness conditions), so ``A/B`` is the constant ``c``
    wherever ``B ≠ 0`` and ``A = 0`` wherever ``B = 0``."""

    a: sp.Expr
    b: sp.Expr
    var: sp.Symbol
    context: tuple
    label: sp.Symbol | None
    cases: tuple

    @property
    def fact(self) -> sp.Basic:
        return ProportionalFact(self.a, self.b, self.var)

    def verify(self) -> None:
        ctx_facts = {g.fact for g in self.context}
        if self.label is not None and self.label == self.var:
            # one factor per value of v is not a factor free of v
            raise self.fail(f"the cases split on {self.var}, the variable c must be free of")
        _check_cover(self, self.context, self.label, [c.values for c in self.cases])
        for case in self.cases:
            if self.var in case.c.free_symbols:
                raise self.fail(f"the factor {case.c} depends on {self.var}")
            sub = dict(case.values)
            allowed = ctx_facts | _case_conditions(case.values)
            by_fact = {loc.proof.fact: loc for loc in case.defined}
            for cond in definedness_conditions(case.c):
                loc = by_fact.get(cond)
                if loc is None:
                    raise self.fail(f"no proof that {case.c} is defined ({cond})")
                loc.check(allowed, cond, self)
            diff = substitute(self.a, sub) - case.c * substitute(self.b, sub)
            if not _is_zero(diff) and not _is_zero(abs_normal(diff)):
                raise self.fail(f"A − ({case.c})·B does not rewrite to 0 (|·| and roots normalised)")


def _monotone_proofs(f: FunctionOf, hyps, deadline) -> tuple | None:
    out = []
    for case in f.cases:
        local_hyps = list(hyps) + sorted(_case_conditions(case.values), key=str)
        conds = () if case.lo is None else (sp.Gt(f.t, case.lo, evaluate=False),)
        loc = _prove(derivative(case.h, f.t), Sign.NONNEGATIVE, local_hyps, conds, deadline)
        if loc is None:
            return None
        out.append(loc)
    return tuple(out)


def prove_nondecreasing(a: sp.Expr, b: sp.Expr, v: sp.Symbol, hypotheses: Sequence, *,
                        deadline: float | None = None, labels: Sequence = ()) -> Step | None:
    """A checked proof that ``a`` is a nondecreasing function of ``b`` as
    ``v`` varies (via ``a = h(b)``, then via the two-copy encoding), or ``None``.

    >>> w, x = sp.symbols('w x', real=True)
    >>> prove_nondecreasing(sp.Abs(x*w), w**2/2, w, []).fact
    NondecreasingFact(Abs(w*x), w**2/2, w)
    """
    from ..errors import ProofCheckError

    hyps = [h for h in hypotheses if h is not sp.true]
    f = prove_function_of(a, b, v, hyps, deadline=deadline, labels=labels)
    if f is not None:
        cases = []
        for case in f.cases:
            b_c = substitute(b, dict(case.values))
            local_hyps = hyps + sorted(_case_conditions(case.values), key=str)
            cases.append(_range_for_monotone(case, b_c, f.t, local_hyps, deadline))
        f2 = FunctionOf(f.a, f.b, f.var, f.t, f.context, f.label, tuple(cases))
        for fo in dict.fromkeys([f, f2]):
            mono = _monotone_proofs(fo, hyps, deadline)
            if mono is None:
                continue
            step = NondecreasingVia(a, b, v, fo, mono)
            try:
                check_proof(step, set(hyps))
                return step
            except ProofCheckError:
                continue
    return _two_copy(a, b, v, hyps, deadline)


def _two_copy(a, b, v, hyps, deadline) -> Step | None:
    from ..errors import ProofCheckError
    from .z3bridge import decide as z3_decide

    left = 2.0 if deadline is None else min(2.0, deadline - time.monotonic())
    if left < 0.2:
        return None
    v1 = sp.Dummy(f"{v.name}1", **v.assumptions0)
    v2 = sp.Dummy(f"{v.name}2", **v.assumptions0)
    context = givens(hyps)
    facts = {g.fact for g in context}
    copies = _copies(facts, v, v1, v2)
    goal = sp.Implies(sp.Le(b.xreplace({v: v1}), b.xreplace({v: v2})),
                      sp.Le(a.xreplace({v: v1}), a.xreplace({v: v2})), evaluate=False)
    fixed = [h for h in hyps if v not in h.free_symbols]
    local = [Given(c, f"{v} copy") for c in sorted(copies, key=str)]
    try:
        d = z3_decide(goal, givens(fixed) + tuple(local), timeout_ms=int(left * 1000))
    except Exception:  # noqa: BLE001 - an unsupported construct: no proof this way
        return None
    if d.status != "proved" or d.step is None:
        return None
    step = TwoCopy(a, b, v, v1, v2, context, Local(tuple(sorted(copies, key=str)), d.step))
    try:
        check_proof(step, set(hyps))
    except ProofCheckError:
        return None
    return step


def prove_proportional(a: sp.Expr, b: sp.Expr, v: sp.Symbol, hypotheses: Sequence, *,
                       deadline: float | None = None, labels: Sequence = ()) -> ProportionalVia | None:
    """A checked proof that ``a = c·b`` with ``c`` free of ``v``, or ``None``.

    >>> w, x, y = sp.symbols('w x y', real=True)
    >>> step = prove_proportional(-x*y*sp.exp(-y*w*x), sp.exp(-y*w*x), w, [])
    >>> step.cases[0].c
    -x*y
    """
    from ..errors import ProofCheckError

    hyps = [h for h in hypotheses if h is not sp.true]
    context = givens(hyps)
    for label, case_values in _case_list([a, b], hyps, deadline, exclude=v):
        cases = []
        for values in case_values:
            if _past(deadline):
                return None
            sub = dict(values)
            a_c, b_c = substitute(a, sub), substitute(b, sub)
            local_hyps = hyps + sorted(_case_conditions(values), key=str)
            found = None
            forms = [(a_c, b_c), (_prepare(a_c, labels), _prepare(b_c, labels))]
            if a_c.has(sp.Abs, sp.Pow) or b_c.has(sp.Abs, sp.Pow):
                forms.append((abs_normal(a_c), abs_normal(b_c)))  # |a·b| = |a|·|b|, √(a²) = |a|
            for pa, pb in dict.fromkeys(forms):
                c = _factor(pa, pb, v)
                if c is None:
                    continue
                defined = []
                for cond in definedness_conditions(c):
                    loc = _prove_condition(cond, local_hyps, (), deadline)
                    if loc is None:
                        break
                    defined.append(loc)
                else:
                    found = PropCase(values, c, tuple(defined))
                    break
            if found is None:
                break
            cases.append(found)
        if len(cases) != len(case_values):
            continue
        step = ProportionalVia(a, b, v, context, label, tuple(cases))
        try:
            check_proof(step, set(hyps))
        except ProofCheckError:
            continue
        return step
    return None


def _factor(a, b, v):
    if b == 0:
        return None
    for form in (lambda e: e, lambda e: e.rewrite(sp.exp) if e.has(sigmoid, softplus, sp.tanh) else e):
        try:
            c = sp.cancel(sp.together(form(a) / form(b)))
        except (sp.PolynomialError, TypeError):
            continue
        if v not in c.free_symbols:
            return sp.factor_terms(c)
        try:
            c2 = sp.powsimp(sp.expand(c))
        except Exception:  # noqa: BLE001
            continue
        if v not in c2.free_symbols:
            return c2
    return None


# ---------------------------------------------------------------------------
# a variable with finitely many values


def _at_point(fact: sp.Basic, v: sp.Symbol, value: sp.Expr) -> sp.Basic:
    """``fact`` with ``v = value``: arithmetic is evaluated (exactly), the
    logical skeleton and comparisons are rebuilt *unevaluated*, so no
    comparison of closed numbers is decided by SymPy here."""
    if isinstance(fact, sp.Expr):
        return fact.xreplace({v: value})
    if isinstance(fact, sp.core.relational.Relational):
        return type(fact)(fact.lhs.xreplace({v: value}), fact.rhs.xreplace({v: value}), evaluate=False)
    if isinstance(fact, (sp.And, sp.Or, sp.Not, sp.Implies)):
        return type(fact)(*[_at_point(a, v, value) for a in fact.args], evaluate=False)
    return fact.xreplace({v: value})


def admissible_points(facts: Sequence, v: sp.Symbol, points: Sequence) -> list:
    """The points of ``v`` where the ``facts`` (domain, definedness,
    assumptions) may hold: a point where one of them is false as a closed
    statement (``x != 0`` at ``x = 0``, decided exactly by the kernel) is
    left out -- there the relation's expressions may not even be defined
    (``1/x`` at ``x = 0``).

    >>> x = sp.Symbol('x', real=True)
    >>> admissible_points([sp.Ne(x, 0)], x, [-1, 0, 1])
    [-1, 1]
    """
    from ..language.kernel import holds

    out = []
    for p in points:
        at = [_at_point(f, v, p) for f in facts]
        if any(not c.free_symbols and holds(c) is False for c in at):
            continue
        out.append(p)
    return out


def point_definedness_depends_on_others(originals: Sequence, v: sp.Symbol, values: Sequence):
    """A definedness condition of some value at a point that is neither
    closed nor one of the originals' own conditions free of ``v`` (those
    hold for the whole claim): ``None`` when there is none.  Such a point is
    defined for some values of the other symbols only, and a statement
    about it cannot be handed to the prover, which would assume it."""
    from ..language.functions import definedness_conditions

    whole = {c for e in originals for c in definedness_conditions(e) if v not in c.free_symbols}
    for value in values:
        for c in definedness_conditions(value):
            if c.free_symbols and c not in whole:
                return c
    return None


def finite_formula(kind: str, a: sp.Expr, b: sp.Expr, v: sp.Symbol, points: Sequence, facts: Sequence) -> sp.Basic:
    """The pointwise statement, over the other symbols, that is equivalent
    to the relation when ``v`` takes only the values ``points``; ``facts``
    holding ``v`` (domain, definedness, assumptions) are stated at each
    point, so a point where they fail is left out.

    * ``proportional``: one common ratio exists iff for every two admissible
      points ``A_i·B_j = A_j·B_i`` and at every admissible point ``B_i = 0``
      gives ``A_i = 0``;
    * ``nondecreasing``: for every ordered pair of admissible points,
      ``B_i ≤ B_j ⇒ A_i ≤ A_j``.
    """
    with_v = [f for f in facts if v in f.free_symbols]
    points = admissible_points(with_v, v, points)

    def admissible(*idx):
        parts = [_at_point(f, v, points[i]) for i in idx for f in with_v]
        return sp.And(*parts, evaluate=False) if len(parts) > 1 else (parts[0] if parts else sp.true)

    A = [a.xreplace({v: p}) for p in points]
    B = [b.xreplace({v: p}) for p in points]
    for value in A + B:
        if value.has(sp.zoo, sp.nan, sp.oo, -sp.oo, sp.I):
            raise ValueError(f"{value} is not a real number at a point where the hypotheses may hold")
    unsafe = point_definedness_depends_on_others([a, b], v, A + B)
    if unsafe:
        # the prover would read such a condition as a hypothesis of the whole statement, not as the premise
        # of that point alone (adversarial round 4: log(x - a) over x in {1, 2, 3})
        raise ValueError(f"whether {unsafe} holds depends on the other symbols: not decided point by point")
    parts = []
    n = len(points)
    if kind == "proportional":
        for i in range(n):
            for j in range(i + 1, n):
                parts.append(sp.Implies(admissible(i, j), sp.Eq(A[i] * B[j], A[j] * B[i], evaluate=False),
                                        evaluate=False))
        for i in range(n):
            premise = sp.And(admissible(i), sp.Eq(B[i], 0, evaluate=False), evaluate=False)
            parts.append(sp.Implies(premise, sp.Eq(A[i], 0, evaluate=False), evaluate=False))
    else:
        for i in range(n):
            for j in range(n):
                if i != j:
                    premise = sp.And(admissible(i, j), sp.Le(B[i], B[j], evaluate=False), evaluate=False)
                    parts.append(sp.Implies(premise, sp.Le(A[i], A[j], evaluate=False), evaluate=False))
    return sp.And(*parts, evaluate=False) if len(parts) > 1 else (parts[0] if parts else sp.true)


@dataclass(frozen=True)
class FinitePoints(Step):
    """The relation over a variable with finitely many values: a hypothesis
    says ``v`` takes only the values ``points``, and ``inner`` proves, under
    the hypotheses free of ``v``, the statement of :func:`finite_formula`
    (every pair of admissible points checked exactly: one common ratio for
    ``proportional``, order preserved for ``nondecreasing``)."""

    kind: str
    a: sp.Expr
    b: sp.Expr
    var: sp.Symbol
    points: tuple
    context: tuple
    inner: Local

    @property
    def fact(self) -> sp.Basic:
        cls = ProportionalFact if self.kind == "proportional" else NondecreasingFact
        return cls(self.a, self.b, self.var)

    def verify(self) -> None:
        if self.kind not in ("proportional", "nondecreasing"):
            raise self.fail(f"unknown relation {self.kind}")
        ctx_facts = [g.fact for g in self.context]
        if not any((vals := finite_values(f, self.var)) is not None and vals <= set(self.points) for f in ctx_facts):
            raise self.fail(f"no hypothesis restricts {self.var} to {list(self.points)}")
        try:
            goal = finite_formula(self.kind, self.a, self.b, self.var, self.points, ctx_facts)
        except ValueError as exc:
            raise self.fail(str(exc)) from None
        self.inner.check({f for f in ctx_facts if self.var not in f.free_symbols}, goal, self)


def prove_finite(claim, ctx) -> "FinitePoints | None":
    """Decide the relation of ``claim`` over the finitely many values of its
    variable by proving the pointwise statement of :func:`finite_formula`
    (with the ordinary pipeline); ``None`` when that is not proved."""
    from ..calculus.claims import Pointwise, Proportional

    v = claim.var
    dom = claim.domain_of(v)
    points = tuple(dom.elements)
    kind = "proportional" if isinstance(claim, Proportional) else "nondecreasing"
    hyps = [h for h in claim.hypotheses if h is not sp.true]
    try:
        formula = finite_formula(kind, claim.a, claim.b, v, points, hyps)
    except ValueError as exc:
        ctx.notes.append(f"{kind} over the values of {v}: {exc}")
        return None
    fixed = tuple(h for h in hyps if v not in h.free_symbols)
    inner_claim = Pointwise(text=f"{claim.text} at {v} in {{{', '.join(map(str, points))}}}", hypotheses=fixed,
                            symbols=claim.symbols, domains=tuple((s, d) for s, d in claim.domains if s != v),
                            formula=formula)
    left = ctx.left()
    if left < 0.2:
        return None
    result = ctx.decide(inner_claim, deadline=time.monotonic() + left * 0.8)
    if result.verdict != "proved" or result.proof is None:
        ctx.notes.append(f"{kind} over the {len(points)} values of {v}: the pointwise statement was {result.verdict}")
        return None
    step = FinitePoints(kind, claim.a, claim.b, v, points, givens(hyps), Local((), result.proof))
    from ..errors import ProofCheckError

    try:
        check_proof(step, set(hyps))
    except ProofCheckError as exc:
        ctx.notes.append(f"{kind} over finitely many values: {exc}")
        return None
    return step


def _values_text(step: "FinitePoints") -> str:
    facts = [g.fact for g in step.context if step.var in g.fact.free_symbols]
    kept = admissible_points(facts, step.var, step.points)
    text = ", ".join(map(str, kept))
    gone = [p for p in step.points if p not in kept]
    if gone:
        text += f" (not {', '.join(map(str, gone))}: the hypotheses fail there)"
    return text


def _mentions_minimiser(claim) -> bool:
    from ..calculus.claims import ArgMin, Corr

    return any(isinstance(e, sp.Basic) and e.has(ArgMin, Corr) for e in (claim.a, claim.b))


def _finite_var(claim) -> bool:
    dom = claim.domain_of(claim.var)
    return dom is not None and dom.is_finite


# ---------------------------------------------------------------------------
# tactics


def _labels_of(claim) -> tuple:
    from ..calculus.catalogue import is_label_name

    return tuple(s for s in claim.symbols if is_label_name(s.name))


def proportional(claim, ctx):
    """Tactic for ``proportional(A, B, v)`` claims: prove ``A = c·B``."""
    from ..calculus.claims import Proportional
    from .verdict import Result

    if not isinstance(claim, Proportional):
        return None
    if _mentions_minimiser(claim):  # a relation about a minimiser asserts it exists: not established here
        ctx.notes.append("proportional: A or B mentions argmin or corr; only refutation is tried")
        return None
    if _finite_var(claim):
        step = prove_finite(claim, ctx)
        if step is None:
            return None
        return Result("proved", claim, proof=step, method="proportional: finitely many values",
                      reason=f"{claim.var} takes the values {_values_text(step)}: "
                             f"A_i·B_j = A_j·B_i for every two of them, and A = 0 where B = 0 (one common ratio)")
    step = prove_proportional(claim.a, claim.b, claim.var, claim.hypotheses, deadline=ctx.deadline,
                              labels=_labels_of(claim))
    if step is None or step.fact != ProportionalFact(claim.a, claim.b, claim.var):
        ctx.notes.append("proportional: no factor free of the variable found")
        return None
    from .verdict import Explanation

    cs = [Explanation(", " if k else "", c.c) for k, c in enumerate(step.cases)]
    why = Explanation("A = c·B with c = ", *cs, ", free of ", claim.var, " (checked by zero-equivalence)")
    return Result("proved", claim, proof=step, method="proportional: A = c·B", reason=str(why))


def nondecreasing(claim, ctx):
    """Tactic for ``nondecreasing(A, B, v)`` claims: ``A = h(B)`` with ``h``
    nondecreasing, else the two-copy encoding decided by z3."""
    from ..calculus.claims import Nondecreasing
    from .verdict import Result

    if not isinstance(claim, Nondecreasing):
        return None
    if _mentions_minimiser(claim):  # a relation about a minimiser asserts it exists: not established here
        ctx.notes.append("nondecreasing: A or B mentions argmin or corr; only refutation is tried")
        return None
    if _finite_var(claim):
        step = prove_finite(claim, ctx)
        if step is None:
            return None
        return Result("proved", claim, proof=step, method="nondecreasing: finitely many values",
                      reason=f"{claim.var} takes the values {_values_text(step)}: "
                             f"B_i ≤ B_j gives A_i ≤ A_j for every ordered pair of them")
    step = prove_nondecreasing(claim.a, claim.b, claim.var, claim.hypotheses, deadline=ctx.deadline,
                               labels=_labels_of(claim))
    if step is None or step.fact != NondecreasingFact(claim.a, claim.b, claim.var):
        ctx.notes.append("nondecreasing: no monotone relation A = h(B) found and z3 did not decide the two-copy form")
        return None
    if isinstance(step, NondecreasingVia):
        h = step.function_of.h_expr()
        from .verdict import Explanation

        reason = str(Explanation("A = h(B) with h(t) = ", h.xreplace({step.function_of.t: sp.Symbol('t', real=True)}),
                                 " nondecreasing on the range of B"))
        method = "nondecreasing: monotone relation"
    else:
        reason = "z3 proved B(v₁) ≤ B(v₂) ⇒ A(v₁) ≤ A(v₂) over two copies v₁, v₂ of the variable"
        method = "nondecreasing: two-copy encoding"
    return Result("proved", claim, proof=step, method=method, reason=reason)


def register(registry) -> None:
    """Add the ``proportional`` and ``nondecreasing`` tactics to ``registry``
    (a :class:`~symloss.decide.TacticRegistry`).

    >>> from symloss.decide import TacticRegistry
    >>> reg = TacticRegistry(); register(reg); reg.names()
    ('proportional', 'nondecreasing')
    """
    registry.add("proportional", proportional, "prove")
    registry.add("nondecreasing", nondecreasing, "prove")
