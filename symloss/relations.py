"""Proportionality and monotone relations between two quantities.

Two claim kinds live here (see :mod:`symloss.claims`):

* ``proportional(A, B, v)``: ``A = c·B`` with ``c`` free of ``v``.  Proved by
  exhibiting ``c`` (found by the quotient ``cancel(A/B)``) and re-checking
  ``A − c·B ≡ 0`` by zero-equivalence (:class:`ProportionalVia`).
* ``nondecreasing(A, B, v)``: ``B(v1) ≤ B(v2) ⇒ A(v1) ≤ A(v2)``.  Proved
  either through a relation ``A = h(B)`` with ``h`` nondecreasing on a
  half-line containing the range of ``B`` (:class:`FunctionOf` plus
  :class:`NondecreasingVia`), or by the two-copy encoding decided by z3
  (:class:`TwoCopy`).

The search for ``h`` eliminates ``v``: it looks for an inner quantity ``u``
(a sub-expression of ``B`` holding ``v``) such that ``A`` and ``B`` are
functions of ``u`` alone, solves ``B = t`` for ``u`` and puts the solution
into ``A``.  Labels with a finite set of values (``y ∈ {0, 1}``) are split
case by case.  Whatever the search finds, the proof re-checks it without the
search: identities by :func:`symloss.derive.is_zero` (``|q|`` replaced by
``±q`` only with a sign proof), definedness and ``h' ≥ 0`` by the sign
engine.

>>> from symloss.problem import problem
>>> from symloss.claims import parse_claim
>>> from symloss.decide import TACTICS, decide
>>> reg = TACTICS.copy(); register(reg)
>>> p = problem('linear', 'exponential')
>>> decide(parse_claim(p, 'proportional(d(L, w), L, w)'), tactics=reg).verdict
'proved'
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from typing import Iterable, Sequence

import sympy as sp

from .functions import definedness_conditions, derivative, relu, sigmoid, softplus
from .proof import Given, Sign, Step, check_proof

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
# shared pieces


@dataclass(frozen=True)
class Local:
    """A sub-proof under local ``conditions`` (a case, a range of ``t``): its
    :class:`~symloss.proof.Given` steps may cite the owner's context and these
    conditions.  Not a :class:`Step`, so :func:`check_proof` does not walk
    into it; the owner re-checks it with exactly those hypotheses."""

    conditions: tuple
    proof: Step

    def check(self, allowed: set, fact: sp.Basic, owner: Step, conditions: tuple = ()) -> None:
        """Fail (as ``owner``) unless the local conditions are exactly
        ``conditions``, the proof shows ``fact``, and it checks with
        ``allowed`` plus the local conditions as hypotheses."""
        if set(self.conditions) != set(conditions):
            raise owner.fail(f"sub-proof assumes {self.conditions}, allowed only {conditions}")
        if self.proof.fact != fact:
            raise owner.fail(f"sub-proof shows {self.proof.fact}, needed {fact}")
        check_proof(self.proof, set(allowed) | set(self.conditions))


def givens(hypotheses: Iterable) -> tuple:
    """The hypotheses as :class:`~symloss.proof.Given` steps (``True`` dropped)."""
    out = []
    for i, h in enumerate(hypotheses):
        if isinstance(h, Given):
            out.append(h)
        elif h is not sp.true:
            out.append(Given(h, f"hypothesis {i}"))
    return tuple(out)


def finite_values(fact: sp.Basic, sym: sp.Symbol) -> frozenset | None:
    """The values ``sym`` may take if ``fact`` is ``Eq(sym, k)`` or a
    disjunction of such equations with numbers ``k``; else ``None``.

    >>> y = sp.Symbol('y', real=True)
    >>> sorted(finite_values(sp.Eq(y, 0) | sp.Eq(y, 1), y))
    [0, 1]
    >>> finite_values(y >= 0, y) is None
    True
    """
    parts = fact.args if isinstance(fact, sp.Or) else (fact,)
    out = set()
    for p in parts:
        if not isinstance(p, sp.Eq):
            return None
        if p.lhs == sym and p.rhs.is_number:
            out.add(p.rhs)
        elif p.rhs == sym and p.lhs.is_number:
            out.add(p.lhs)
        else:
            return None
    return frozenset(out)


def _check_cover(owner: Step, context: tuple, label, cases_values: Sequence[tuple]) -> None:
    """The cases cover every value ``label`` can take (read off a hypothesis)."""
    if label is None:
        if len(cases_values) != 1 or cases_values[0] != ():
            raise owner.fail("without a case split there must be exactly one case with no values")
        return
    covered = set()
    for vals in cases_values:
        if len(vals) != 1 or vals[0][0] != label:
            raise owner.fail(f"each case must fix exactly {label}")
        covered.add(vals[0][1])
    for g in context:
        allowed = finite_values(g.fact, label)
        if allowed is not None and allowed <= covered:
            return
    raise owner.fail(f"the cases {sorted(covered, key=str)} do not cover the values of {label} given by a hypothesis")


def _case_conditions(values: tuple) -> set:
    return {sp.Eq(s, v) for s, v in values}


def _sign_fact(fact: sp.Basic):
    """``(q, Sign)`` if ``fact`` is ``q <op> 0``."""
    table = {sp.StrictGreaterThan: Sign.POSITIVE, sp.GreaterThan: Sign.NONNEGATIVE,
             sp.StrictLessThan: Sign.NEGATIVE, sp.LessThan: Sign.NONPOSITIVE}
    s = table.get(type(fact))
    if s is None or fact.rhs != 0:
        return None
    return fact.lhs, s


def _strip_abs(expr: sp.Expr, abs_signs: Sequence[Local], allowed: set, owner: Step) -> sp.Expr:
    """Replace each ``|q|`` whose sign a (checked) sub-proof gives by ``±q``."""
    repl = {}
    for loc in abs_signs:
        parts = _sign_fact(loc.proof.fact)
        if parts is None:
            raise owner.fail(f"{loc.proof.fact} is not a sign fact")
        q, s = parts
        loc.check(allowed, loc.proof.fact, owner)
        repl[sp.Abs(q)] = q if s in (Sign.POSITIVE, Sign.NONNEGATIVE) else -q
    return expr.xreplace(repl) if repl else expr


def split_abs(expr: sp.Expr) -> sp.Expr:
    """``|p·q| → |p|·|q|`` and ``sign(|q|) → |sign(q)|`` throughout
    (identities for real arguments).

    >>> x, y = sp.symbols('x y', real=True)
    >>> split_abs(sp.Abs(x*(y + 1)))
    Abs(x)*Abs(y + 1)
    """
    if not expr.has(sp.Abs):
        return expr

    def split(e):  # noqa: D401
        if isinstance(e, sp.Abs) and isinstance(e.args[0], sp.Mul):
            return sp.Mul(*[sp.Abs(f) for f in e.args[0].args])
        if isinstance(e, sp.sign) and isinstance(e.args[0], sp.Abs):
            return sp.Abs(sp.sign(e.args[0].args[0]))  # both are 1 off q = 0 and 0 at q = 0
        return e

    return sp.bottom_up(expr, split)


def _is_zero(expr: sp.Expr) -> bool:
    from .derive import is_zero

    try:
        return is_zero(expr) is True
    except (TypeError, ValueError, sp.PolynomialError):
        return False


# ---------------------------------------------------------------------------
# A = h(B)


@dataclass(frozen=True)
class Case:
    """One case of a :class:`FunctionOf` proof: the label ``values`` it fixes,
    the function ``h`` of ``t``, sign proofs that let ``|q|`` be written
    ``±q`` (``abs_signs``), the lower end ``lo`` of a half-line holding the
    range of ``B`` with its proof ``range`` (fact ``B − lo ≥ 0``, or
    ``B − lo > 0`` when ``strict``), and proofs of ``h``'s definedness
    conditions for ``t ≥ lo`` (``t > lo`` when ``strict``) (``defined``);
    a condition may instead be shown at ``t = B`` itself (``pointwise``),
    which gives ``h(B)`` defined but says nothing about ``h`` between the
    values of ``B`` (so :class:`NondecreasingVia` refuses such cases).  With
    ``squared`` (proofs of ``A ≥ 0`` and ``h(B) ≥ 0``) the identity checked is
    ``A² − h(B)² ≡ 0``, which with both sides nonnegative gives ``A = h(B)``
    (``√(cosh² r − 1) = |sinh r|`` is out of reach of rewriting otherwise)."""

    values: tuple
    h: sp.Expr
    abs_signs: tuple = ()
    lo: sp.Expr | None = None
    range: Local | None = None
    defined: tuple = ()
    strict: bool = False
    pointwise: tuple = ()
    squared: tuple = ()


def _at(cond: sp.Basic, t: sp.Symbol, value: sp.Expr) -> sp.Basic:
    """``cond`` with ``t = value``, the relation kept unevaluated."""
    return type(cond)(cond.lhs.xreplace({t: value}), cond.rhs.xreplace({t: value}), evaluate=False)


def _piecewise(label, cases, t, arg) -> sp.Expr:
    if label is None or len({c.h for c in cases}) == 1:
        return cases[0].h.xreplace({t: arg})
    return sp.Piecewise(*[(c.h.xreplace({t: arg}), sp.Eq(label, c.values[0][1])) for c in cases])


@dataclass(frozen=True)
class FunctionOf(Step):
    """``A = h(B)``: in each case (a value of ``label``, or one case), ``h`` is
    defined on a half-line ``t ≥ lo`` that holds every value of ``B`` (sign
    proofs), ``h`` does not involve ``var``, and ``A − h(B)`` rewrites to 0
    after replacing ``|q|`` by ``±q`` where a sign proof allows it."""

    a: sp.Expr
    b: sp.Expr
    var: sp.Symbol
    t: sp.Symbol
    context: tuple
    label: sp.Symbol | None
    cases: tuple

    @property
    def fact(self) -> sp.Basic:
        return sp.Eq(self.a, _piecewise(self.label, self.cases, self.t, self.b), evaluate=False)

    def h_expr(self) -> sp.Expr:
        """``h`` as one expression of ``t`` (Piecewise over the label's values)."""
        return _piecewise(self.label, self.cases, self.t, self.t)

    def verify(self) -> None:
        ctx_facts = {g.fact for g in self.context}
        if not isinstance(self.t, sp.Dummy):
            raise self.fail(f"the placeholder {self.t} must be a fresh Dummy")
        for e in [self.a, self.b, *ctx_facts]:
            if self.t in e.free_symbols:
                raise self.fail(f"the placeholder {self.t} occurs in {e}")
        _check_cover(self, self.context, self.label, [c.values for c in self.cases])
        for case in self.cases:
            self._verify_case(case, ctx_facts)

    def _verify_case(self, case: Case, ctx_facts: set) -> None:
        t = self.t
        if self.var in case.h.free_symbols:
            raise self.fail(f"h = {case.h} depends on {self.var}")
        if not _known_heads(case.h):
            raise self.fail(f"h = {case.h} uses a function whose domain is not tracked")
        sub = dict(case.values)
        allowed = ctx_facts | _case_conditions(case.values)
        a_c, b_c = self.a.xreplace(sub), self.b.xreplace(sub)
        t_range: tuple = ()
        if case.lo is not None:
            if case.range is None or self.var in case.lo.free_symbols or t in case.lo.free_symbols:
                raise self.fail("a lower end of the range needs its proof and must not involve the variable")
            rel = Sign.POSITIVE if case.strict else Sign.NONNEGATIVE
            case.range.check(allowed, rel.relation(b_c - case.lo), self)
            t_range = ((sp.Gt if case.strict else sp.Ge)(t, case.lo, evaluate=False),)
        conds = definedness_conditions(case.h)
        by_fact = {loc.proof.fact: loc for loc in case.defined}
        at_b = {loc.proof.fact: loc for loc in case.pointwise}
        for cond in conds:
            loc = by_fact.get(cond)
            if loc is not None:
                loc.check(allowed, cond, self, t_range)
                continue
            here = _at(cond, t, b_c)
            loc = at_b.get(here)
            if loc is None:
                raise self.fail(f"no proof that h = {case.h} is defined ({cond})")
            loc.check(allowed, here, self)
        hb = case.h.xreplace({t: b_c})
        if case.squared:
            if len(case.squared) != 2:
                raise self.fail("squaring needs the signs of both sides")
            case.squared[0].check(allowed, Sign.NONNEGATIVE.relation(a_c), self)
            case.squared[1].check(allowed, Sign.NONNEGATIVE.relation(hb), self)
            diff = split_abs(a_c ** 2 - hb ** 2)
        else:
            diff = split_abs(a_c - hb)
        diff = _strip_abs(diff, case.abs_signs, allowed, self)
        if not _is_zero(diff):
            raise self.fail(f"A − h(B) = {diff} does not rewrite to 0")


# ---------------------------------------------------------------------------
# monotonicity of h


#: Heads under which a function of t is continuous where defined and analytic
#: off finitely many kinks on any bounded interval.
_CONTINUOUS = (sp.Add, sp.Mul, sp.Pow, sp.exp, sp.log, sigmoid, softplus, sp.tanh, sp.cosh, sp.sinh,
               sp.Abs, relu, sp.Max, sp.Min)


def _known_heads(h: sp.Expr) -> bool:
    """Every node of ``h`` is an atom, one of :data:`_CONTINUOUS`, ``sign`` or
    ``Heaviside``: heads whose domains
    :func:`~symloss.functions.definedness_conditions` describes completely."""
    for node in sp.preorder_traversal(h):
        if isinstance(node, (sp.Atom, sp.Indexed, sp.IndexedBase)):
            continue
        if not isinstance(node, _CONTINUOUS + (sp.sign, sp.Heaviside)):
            return False
    return True


def _continuous(h: sp.Expr, t: sp.Symbol) -> bool:
    for node in sp.preorder_traversal(h):
        if not isinstance(node, sp.Basic) or t not in node.free_symbols:
            continue
        if isinstance(node, (sp.Symbol, sp.Indexed)):
            continue
        if not isinstance(node, _CONTINUOUS):
            return False
    return True


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
            if not _continuous(case.h, f.t):
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
    rewrites to 0 and ``c`` is defined at every admissible point (sign
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
            if not _is_zero(self.a.xreplace(sub) - case.c * self.b.xreplace(sub)):
                raise self.fail(f"A − ({case.c})·B does not rewrite to 0")


# ---------------------------------------------------------------------------
# search


def _past(deadline) -> bool:
    return deadline is not None and time.monotonic() > deadline


def _prove(expr: sp.Expr, goal: Sign, hyps: Sequence, conditions: tuple, deadline) -> Local | None:
    """A :class:`Local` proving ``expr <goal> 0`` from ``hyps`` + ``conditions``."""
    from .signs import prove_sign

    givs = list(givens(hyps)) + [Given(c, "local condition") for c in conditions]
    r = prove_sign(expr, goal, givs, deadline=deadline)
    if r is not None:
        return Local(tuple(conditions), r.step)
    return None


def _prove_condition(cond: sp.Basic, hyps, conditions: tuple, deadline) -> Local | None:
    parts = _sign_fact(cond)
    if parts is not None:
        return _prove(parts[0], parts[1], hyps, conditions, deadline)
    if isinstance(cond, sp.Ne) and cond.rhs == 0:
        from .signs import prove_sign

        givs = list(givens(hyps)) + [Given(c, "local condition") for c in conditions]
        r = prove_sign(cond.lhs, Sign.NONZERO, givs, deadline=deadline)
        return None if r is None else Local(tuple(conditions), r.step)
    return None


def _label_splits(exprs: Sequence[sp.Expr], hyps: Sequence) -> list:
    """``(label, values)`` for symbols of ``exprs`` with a finite value set."""
    syms = set()
    for e in exprs:
        syms |= {s for s in e.free_symbols if isinstance(s, sp.Symbol)}
    out = []
    for s in sorted(syms, key=lambda s: s.name):
        for h in hyps:
            vals = finite_values(h, s)
            if vals is not None and 1 < len(vals) <= 4:
                out.append((s, tuple(sorted(vals, key=sp.default_sort_key))))
                break
    return out


def _case_list(exprs, hyps, deadline):
    """Case splits to try: none, then each finite label."""
    yield None, [()]
    for label, vals in _label_splits(exprs, hyps):
        if _past(deadline):
            return
        yield label, [((label, v),) for v in vals]


def _prepare(e: sp.Expr, labels=()) -> sp.Expr:
    from .derive import readable

    try:
        return readable(e, labels)
    except Exception:  # noqa: BLE001 - a heuristic rewrite that fails changes nothing
        return e


def _fold_softplus(expr: sp.Expr, v: sp.Symbol) -> sp.Expr:
    """``softplus(u) − u + r → softplus(−u) + r`` when that removes a
    separate occurrence of ``v`` (the search only; proofs re-check).

    >>> z, w = sp.symbols('z w', real=True)
    >>> _fold_softplus(softplus(w + z) - w - z, w)
    softplus(-w - z)
    """
    if not isinstance(expr, sp.Add):
        return expr
    for sp_term in expr.atoms(softplus):
        u = sp_term.args[0]
        rest = sp.expand(expr - sp_term + u)
        if v not in rest.free_symbols:
            return softplus(sp.expand(-u)) + rest
    return expr


def _kernels(a: sp.Expr, b: sp.Expr, v: sp.Symbol) -> list:
    seen, out = set(), []
    for e in (b, a):
        for node in sp.preorder_traversal(e):
            if isinstance(node, sp.Expr) and v in node.free_symbols and node not in seen and not node.is_Symbol:
                seen.add(node)
                out.append(node)
    out.append(v)
    return out[:24]


def _invert(expr: sp.Expr, s: sp.Symbol, rhs: sp.Expr, depth: int = 0) -> list:
    """Solutions ``s`` of ``expr = rhs`` by peeling invertible layers (a
    fast, partial replacement of ``sympy.solve``; every result is re-checked
    by the proof, so a wrong branch only costs time)."""
    if depth > 12:
        return []
    if expr == s:
        return [rhs]
    if s not in expr.free_symbols:
        return []
    if isinstance(expr, (sp.Add, sp.Mul)):
        with_s = [a for a in expr.args if s in a.free_symbols]
        rest = expr.func(*[a for a in expr.args if s not in a.free_symbols])
        if len(with_s) == 1:
            inner = rhs - rest if isinstance(expr, sp.Add) else rhs / rest
            return _invert(with_s[0], s, inner, depth + 1)
        try:
            num, _ = sp.fraction(sp.together(expr - rhs))
            poly = sp.Poly(sp.expand(num), s)
        except sp.PolynomialError:
            return []
        if poly.degree() > 2 or any(s in c.free_symbols for c in poly.coeffs()):
            return []
        return list(sp.solve(poly.as_expr(), s))
    if isinstance(expr, sp.Pow):
        base, e = expr.args
        if s in e.free_symbols:
            return []
        if e.is_Integer and e.is_even:
            root = rhs ** (1 / e)
            return _invert(base, s, root, depth + 1) + _invert(base, s, -root, depth + 1)
        if e.is_Rational or e.is_number:
            return _invert(base, s, rhs ** (1 / e), depth + 1)
        return []
    inverses = {
        sp.Abs: lambda r: [r, -r],
        sp.exp: lambda r: [sp.log(r)],
        sp.log: lambda r: [sp.exp(r)],
        softplus: lambda r: [sp.log(sp.exp(r) - 1)],
        sigmoid: lambda r: [sp.log(r / (1 - r))],
        sp.tanh: lambda r: [sp.atanh(r)],
        sp.cosh: lambda r: [sp.acosh(r), -sp.acosh(r)],
        sp.sinh: lambda r: [sp.asinh(r)],
    }
    for head, inv in inverses.items():
        if isinstance(expr, head):
            out = []
            for r in inv(rhs):
                out += _invert(expr.args[0], s, r, depth + 1)
            return out
    return []


def _solve(eq_lhs: sp.Expr, s: sp.Symbol, t: sp.Symbol) -> list:
    try:
        sols = _invert(eq_lhs, s, t)
    except (TypeError, ValueError, sp.PolynomialError, NotImplementedError):
        return []
    return [x for x in sols if isinstance(x, sp.Expr) and not x.has(sp.I, sp.zoo, sp.nan)][:4]


def _normalise(h: sp.Expr, t: sp.Symbol, hyps, t_conds, deadline) -> sp.Expr:
    """A tidier, equal form of ``h``: σ/softplus rewritten when that shortens,
    and ``|q|`` split into factors written ``±q`` when the sign engine knows
    their sign on the range of ``t`` (the proof re-checks the final form)."""
    if h.has(sigmoid, softplus) and t in h.free_symbols:
        alt = sp.powsimp(sp.cancel(sp.together(h.rewrite(sp.exp))))
        if sp.count_ops(alt) <= sp.count_ops(h) + 4:
            h = alt
    from .signs import sign_of

    givs = list(givens(hyps)) + [Given(c, "local condition") for c in t_conds]

    def fix(e):
        if not isinstance(e, sp.Abs):
            return e
        arg = sp.factor_terms(e.args[0])
        out = []
        for f in sp.Mul.make_args(arg):
            if isinstance(f, sp.Pow) and f.exp.is_Rational and f.exp.q % 2 == 0:
                out.append(f)  # an even root is >= 0 where defined
                continue
            r = sign_of(f, givs, deadline=deadline)
            if r is not None and r.sign in (Sign.POSITIVE, Sign.NONNEGATIVE):
                out.append(f)
            elif r is not None and r.sign in (Sign.NEGATIVE, Sign.NONPOSITIVE):
                out.append(-f)
            else:
                out.append(sp.Abs(f))
        return sp.Mul(*out)

    if h.has(sp.Abs):
        h = sp.bottom_up(h, fix)
    try:
        alt = sp.factor_terms(sp.expand(h))
    except Exception:  # noqa: BLE001 - presentation only
        return h
    return alt if sp.count_ops(alt) < sp.count_ops(h) else h


def _candidates(a: sp.Expr, b: sp.Expr, v: sp.Symbol, t: sp.Symbol, deadline):
    """Candidate functions ``h`` with ``a = h(b)`` (unverified)."""
    try:
        c = sp.cancel(a / b)
        if v not in c.free_symbols:
            yield c * t
    except sp.PolynomialError:
        pass
    s = sp.Dummy("s", real=True)
    tried = 0
    seen = set()
    for u in _kernels(a, b, v):
        if _past(deadline) or tried > 12:
            return
        try:
            a1, b1 = a.subs(u, s), b.subs(u, s)
        except Exception:  # noqa: BLE001
            continue
        if v in a1.free_symbols or v in b1.free_symbols or s not in b1.free_symbols:
            continue
        tried += 1
        if b1 == s:
            yield a1.xreplace({s: t})
            continue
        for sol in _solve(b1, s, t):
            h = a1.xreplace({s: sol})
            if h not in seen:
                seen.add(h)
                yield h


def _abs_proofs(diff: sp.Expr, hyps, deadline) -> tuple:
    """Sign proofs for the ``|q|`` of ``diff`` whose sign is known."""
    out = []
    for term in sorted(diff.atoms(sp.Abs), key=sp.default_sort_key):
        q = term.args[0]
        for goal in (Sign.NONNEGATIVE, Sign.NONPOSITIVE):
            loc = _prove(q, goal, hyps, (), deadline)
            if loc is not None:
                out.append(loc)
                break
    return tuple(out)


def _plausible(a_c: sp.Expr, b_c: sp.Expr, h: sp.Expr, t: sp.Symbol, hyps: Sequence) -> bool:
    """Search filter only (never a proof): ``a − h(b)`` is ~0 at random
    admissible float points, evaluated vectorised.  Undecidable → ``True``."""
    import numpy as np

    from .functions import NUMPY_FUNCTIONS

    diff = a_c - h.xreplace({t: b_c})
    syms = sorted((s for s in diff.free_symbols if isinstance(s, sp.Symbol)), key=lambda s: s.name)
    if not syms:
        return True
    rng = np.random.default_rng(7)
    n = 64
    cols = []
    for s in syms:
        finite = next((finite_values(hh, s) for hh in hyps if finite_values(hh, s) is not None), None)
        if finite:
            cols.append(rng.choice(np.array([float(v) for v in finite]), n))
        elif s.is_positive or s.is_nonnegative:
            cols.append(rng.uniform(0.05, 2.5, n))
        else:
            cols.append(rng.uniform(-2.5, 2.5, n))
    try:
        with np.errstate(all="ignore"):
            mask = np.ones(n, dtype=bool)
            for hh in hyps:
                if hh.free_symbols <= set(syms):
                    mask &= np.broadcast_to(np.asarray(
                        sp.lambdify(syms, hh, modules=[NUMPY_FUNCTIONS, "numpy"])(*cols), dtype=bool), (n,))
            vals = np.broadcast_to(np.asarray(
                sp.lambdify(syms, diff, modules=[NUMPY_FUNCTIONS, "numpy"])(*cols), dtype=float), (n,))
    except Exception:  # noqa: BLE001 - cannot evaluate: do not filter
        return True
    vals = vals[mask & np.isfinite(vals)]
    return not np.any(np.abs(vals) > 1e-7)


def _build_case(a_c, b_c, h, t, values, hyps, deadline) -> Case | None:
    local_hyps = list(hyps) + sorted(_case_conditions(values), key=str)
    if not _plausible(a_c, b_c, h, t, local_hyps):
        return None
    conds = definedness_conditions(h)
    options = [(None, None, False)]
    if conds:
        options = []
        for strict in (False, True):
            rng = _prove(b_c, Sign.POSITIVE if strict else Sign.NONNEGATIVE, local_hyps, (), deadline)
            if rng is not None:
                options.append((sp.S.Zero, Local((), rng.proof), strict))
    if conds:
        options.append((None, None, None))  # pointwise: each condition at t = B
    for lo, rng, strict in options:
        t_range = () if lo is None else ((sp.Gt if strict else sp.Ge)(t, lo, evaluate=False),)
        defined, pointwise = [], []
        for cond in conds:
            if strict is None:
                loc = _prove_condition(_at(cond, t, b_c), local_hyps, (), deadline)
                pointwise.append(loc)
            else:
                loc = _prove_condition(cond, local_hyps, t_range, deadline)
                defined.append(loc)
            if loc is None:
                break
        else:
            diff = split_abs(a_c - h.xreplace({t: b_c}))
            abs_signs = _abs_proofs(diff, local_hyps, deadline) if diff.has(sp.Abs) else ()
            return Case(values, h, abs_signs, lo, rng, tuple(defined), bool(strict), tuple(pointwise))
    return None


def _squared_variant(case: Case, a_c, b_c, t, hyps, deadline) -> Case | None:
    """The case with the identity checked on squares (both sides shown >= 0)."""
    hb = case.h.xreplace({t: b_c})
    pa = _prove(a_c, Sign.NONNEGATIVE, hyps, (), deadline)
    ph = _prove(hb, Sign.NONNEGATIVE, hyps, (), deadline) if pa is not None else None
    if ph is None:
        return None
    diff = split_abs(a_c ** 2 - hb ** 2)
    abs_signs = _abs_proofs(diff, hyps, deadline) if diff.has(sp.Abs) else ()
    return dataclasses.replace(case, abs_signs=abs_signs, squared=(pa, ph))


def _range_for_monotone(case: Case, b_c, t, hyps, deadline) -> Case:
    """Give the case a range ``t ≥ 0`` when ``B ≥ 0`` can be shown (h' ≥ 0 may need it)."""
    if case.lo is not None or case.defined or case.pointwise:
        return case  # definedness was shown for another range: keep it
    rng = _prove(b_c, Sign.NONNEGATIVE, hyps, (), deadline)
    if rng is None:
        return case
    return dataclasses.replace(case, lo=sp.S.Zero, range=rng, strict=False)


def prove_function_of(a: sp.Expr, b: sp.Expr, v: sp.Symbol, hypotheses: Sequence, *, t: sp.Symbol | None = None,
                      deadline: float | None = None, labels: Sequence = (), accept=None) -> FunctionOf | None:
    """A checked :class:`FunctionOf` proof of ``a = h(b)`` with ``h`` free of
    ``v``, or ``None``.  ``accept(step)`` may reject a checked proof (so the
    search goes on to other candidates).

    >>> w, x = sp.symbols('w x', real=True)
    >>> step = prove_function_of(sp.Abs(x*w), (w**2)/2, w, [])
    >>> step.h_expr().has(sp.sqrt(step.t)), step.verify()
    (True, None)
    """
    from .errors import ProofCheckError

    t = t if t is not None else sp.Dummy("t", real=True)
    hyps = [h for h in hypotheses if h is not sp.true]
    context = givens(hyps)
    for label, case_values in _case_list([a, b], hyps, deadline):
        cases = []
        for values in case_values:
            if _past(deadline):
                return None
            sub = dict(values)
            a_c, b_c = a.xreplace(sub), b.xreplace(sub)
            local_hyps = hyps + sorted(_case_conditions(values), key=str)
            found = None
            pa, pb = _prepare(a_c, labels), _fold_softplus(_prepare(b_c, labels), v)
            for raw in _candidates(pa, pb, v, t, deadline):
                if _past(deadline):
                    return None
                h = _normalise(raw, t, local_hyps, (sp.Gt(t, 0),), deadline)
                for cand in dict.fromkeys([h, raw]):
                    case = _build_case(a_c, b_c, cand, t, values, hyps, deadline)
                    if case is None:
                        continue
                    for variant in (case, _squared_variant(case, a_c, b_c, t, local_hyps, deadline)):
                        if variant is None:
                            continue
                        try:
                            FunctionOf(a, b, v, t, context, None, (variant,))._verify_case(
                                variant, {g.fact for g in context})
                        except ProofCheckError:
                            continue
                        found = variant
                        break
                    if found is not None:
                        break
                if found is not None:
                    break
            if found is None:
                break
            cases.append(found)
        if len(cases) != len(case_values):
            continue
        step = FunctionOf(a, b, v, t, context, label, tuple(cases))
        try:
            step.verify()
        except ProofCheckError:
            continue
        if accept is None or accept(step):
            return step
    return None


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
    from .errors import ProofCheckError

    hyps = [h for h in hypotheses if h is not sp.true]
    if not _continuous(b, v) and False:  # pragma: no cover - placeholder for future checks
        return None
    f = prove_function_of(a, b, v, hyps, deadline=deadline, labels=labels)
    if f is not None:
        cases = []
        for case in f.cases:
            b_c = b.xreplace(dict(case.values))
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
    from .errors import ProofCheckError
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
    from .errors import ProofCheckError

    hyps = [h for h in hypotheses if h is not sp.true]
    context = givens(hyps)
    for label, case_values in _case_list([a, b], hyps, deadline):
        cases = []
        for values in case_values:
            if _past(deadline):
                return None
            sub = dict(values)
            a_c, b_c = a.xreplace(sub), b.xreplace(sub)
            local_hyps = hyps + sorted(_case_conditions(values), key=str)
            found = None
            for pa, pb in dict.fromkeys([(a_c, b_c), (_prepare(a_c, labels), _prepare(b_c, labels))]):
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
# tactics


def _labels_of(claim) -> tuple:
    from .problem import is_label_name

    return tuple(s for s in claim.symbols if is_label_name(s.name))


def proportional(claim, ctx):
    """Tactic for ``proportional(A, B, v)`` claims: prove ``A = c·B``."""
    from .claims import Proportional
    from .verdict import Result

    if not isinstance(claim, Proportional):
        return None
    step = prove_proportional(claim.a, claim.b, claim.var, claim.hypotheses, deadline=ctx.deadline,
                              labels=_labels_of(claim))
    if step is None or step.fact != ProportionalFact(claim.a, claim.b, claim.var):
        ctx.notes.append("proportional: no factor free of the variable found")
        return None
    cs = ", ".join(str(c.c) for c in step.cases)
    return Result("proved", claim, proof=step, method="proportional: A = c·B",
                  reason=f"A = c·B with c = {cs}, free of {claim.var} (checked by zero-equivalence)")


def nondecreasing(claim, ctx):
    """Tactic for ``nondecreasing(A, B, v)`` claims: ``A = h(B)`` with ``h``
    nondecreasing, else the two-copy encoding decided by z3."""
    from .claims import Nondecreasing
    from .verdict import Result

    if not isinstance(claim, Nondecreasing):
        return None
    step = prove_nondecreasing(claim.a, claim.b, claim.var, claim.hypotheses, deadline=ctx.deadline,
                               labels=_labels_of(claim))
    if step is None or step.fact != NondecreasingFact(claim.a, claim.b, claim.var):
        ctx.notes.append("nondecreasing: no monotone relation A = h(B) found and z3 did not decide the two-copy form")
        return None
    if isinstance(step, NondecreasingVia):
        h = step.function_of.h_expr()
        reason = f"A = h(B) with h(t) = {h.xreplace({step.function_of.t: sp.Symbol('t')})} nondecreasing on the range of B"
        method = "nondecreasing: monotone relation"
    else:
        reason = "z3 proved B(v1) <= B(v2) => A(v1) <= A(v2) over two copies of the variable"
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
