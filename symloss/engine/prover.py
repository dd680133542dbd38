"""Pointwise claims: normalise, then sign engine, z3, case splits, implications.

A pointwise claim is a SymPy boolean that must hold at every admissible
point.  :func:`prove_goal` works on a :class:`~symloss.engine.tactics.Goal` and
tries, through the combinators of :mod:`symloss.engine.tactics`:

1. conjunctions (prove each part) and implications ``implies(p, q)`` (prove
   ``q`` with ``p`` as an extra hypothesis; ``p`` a linear equation in a
   symbol is also used by substitution);
2. identities ``A == B`` by zero-equivalence;
3. ``sign(A) == sign(B)`` from ``A = P·B`` with ``P > 0``;
4. the sign engine on ``A − B`` (and its expanded / factored forms) for
   ``A op B``;
5. z3 with sound abstraction of transcendental terms (the
   :class:`~symloss.engine.z3bridge.Decided` step states the abstraction);
6. case splits over finite label sets (``y ∈ {0, 1}``: substitute each
   value) and over the kinks of ``abs``/``sign``/``relu``/``Heaviside``/
   ``max``/``min`` (``u > 0``, ``u = 0``, ``u < 0``) and over ``Piecewise``
   branches, each case proved recursively.

Every step class re-checks itself; sub-proofs made under extra hypotheses
(a case, the premise of an implication) are held in
:class:`~symloss.engine.tactics.Hypothetical` records and re-checked by the
enclosing step with exactly those hypotheses allowed.  The case-split steps
(:class:`~symloss.engine.tactics.FiniteCases`, :class:`~symloss.engine.tactics.KinkCases`,
:class:`~symloss.engine.tactics.PiecewiseCases`) live in :mod:`symloss.engine.tactics` and
are re-exported here.  Nothing is proved by sampling: a z3 model
met on the way is only a candidate, and :func:`pointwise` reports it only if
:func:`symloss.refute.counterexample.verify` confirms it exactly.

>>> from symloss.problem import problem
>>> from symloss.calculus.claims import parse_claim
>>> claim = parse_claim(problem('logistic', 'bce'), 'd(L, w, 2) <= x**2/4')
>>> from symloss.decide import Context
>>> import time
>>> r = pointwise(claim, Context(deadline=time.monotonic() + 10))
>>> r.verdict
'proved'
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from ..calculus.claims import ArgMin, Corr, Pointwise
from ..errors import ProofCheckError
from ..language.functions import definedness_conditions
from .absnormal import abs_identity
from .interval import interval_tactic
from .leaf_tactics import (  # noqa: F401 - re-exported: the prover's tactics and steps
    _COUNT_LIMIT,
    _REL_GOAL,
    RelationFromSign,
    _checked_step,
    _forms,
    _guard,
    _is_zero,
    decision_procedure,
    sign_engine,
    sign_of_forms,
    to_difference,
)
from ..calculus.proof import Given, Sign, Step
from .signs import fact_sign, prove_sign
from .tactics import (
    Env,
    FiniteCases,
    Goal,
    Hypothetical,
    KinkCases,
    PiecewiseCases,
    check_context,
    check_under,
    finite_split,
    first,
    is_small,
    kink_split,
    named,
    piecewise_split,
    substitute,
    then,
    try_each_case,
)

__all__ = [
    "Hypothetical",
    "RelationFromSign",
    "to_difference",
    "sign_of_forms",
    "sign_engine",
    "Identity",
    "SameSign",
    "AndIntro",
    "ImpliesIntro",
    "FiniteCases",
    "KinkCases",
    "PiecewiseCases",
    "substitute",
    "prove_goal",
    "pointwise",
    "register",
    "claim_goal",
]

MAX_DEPTH = 3



# ---------------------------------------------------------------------------
# steps


@dataclass(frozen=True)
class Identity(Step):
    """``A = B`` because ``A − B`` rewrites to 0 by exact rewrites (our
    functions to ``exp``, ``together``/``expand``/``cancel``), wherever both
    sides are defined."""

    relation: sp.Basic

    @property
    def fact(self) -> sp.Basic:
        return self.relation

    def verify(self) -> None:
        r = self.relation
        if not isinstance(r, sp.Equality):
            raise self.fail(f"{r} is not an equation")
        if r.atoms(ArgMin, Corr) or _is_zero(sp.Add(r.lhs, -r.rhs)) is not True:
            raise self.fail(f"{r.lhs} - ({r.rhs}) does not rewrite to 0")


@dataclass(frozen=True)
class SameSign(Step):
    """``sign(A) = sign(B)`` because one side is ``P`` times the other
    (zero-equivalence) with ``P > 0`` (``positive``); ``P`` must be defined
    wherever the hypotheses hold (its definedness conditions are among the
    hypotheses in ``context``).  ``reverse`` means ``B = P·A``."""

    lhs: sp.Expr
    rhs: sp.Expr
    ratio: sp.Expr
    positive: Step
    context: tuple[Given, ...] = ()
    reverse: bool = False

    @property
    def fact(self) -> sp.Basic:
        return sp.Eq(sp.sign(self.lhs), sp.sign(self.rhs), evaluate=False)

    def verify(self) -> None:
        check_context(self, self.context)
        if fact_sign(self.positive.fact, self.ratio) is not Sign.POSITIVE:
            raise self.fail(f"premise {self.positive.fact} is not {self.ratio} > 0")
        facts = {g.fact for g in self.context}
        for c in definedness_conditions(self.ratio):
            if c not in facts:
                raise self.fail(f"{self.ratio} may be undefined: {c} is not a hypothesis")
        a, b = (self.rhs, self.lhs) if self.reverse else (self.lhs, self.rhs)
        if _is_zero(sp.Add(a, -self.ratio * b)) is not True:
            raise self.fail(f"{a} is not ({self.ratio})·({b})")


@dataclass(frozen=True)
class AndIntro(Step):
    """A conjunction holds when each of its parts does."""

    statement: sp.Basic
    parts: tuple[Step, ...]

    @property
    def fact(self) -> sp.Basic:
        return self.statement

    def verify(self) -> None:
        if not isinstance(self.statement, sp.And):
            raise self.fail(f"{self.statement} is not a conjunction")
        if tuple(p.fact for p in self.parts) != tuple(self.statement.args):
            raise self.fail("the parts do not match the conjuncts")


def _linear_solution(eq: sp.Basic):
    """``(s, t, c)`` when ``eq`` is ``lhs = rhs`` with ``lhs − rhs =
    c·(s − t)`` for a symbol ``s``, a nonzero rational ``c`` and ``t`` free
    of ``s``; else ``None``."""
    if not isinstance(eq, sp.Equality):
        return None
    d = sp.expand(eq.lhs - eq.rhs)
    for s in sorted(d.free_symbols, key=sp.default_sort_key):
        if not isinstance(s, sp.Symbol):
            continue
        c = d.coeff(s)
        if c.is_Rational and c != 0:
            rest = sp.expand(d - c * s)
            if s not in rest.free_symbols:
                return s, -rest / c, c
    return None


@dataclass(frozen=True)
class ImpliesIntro(Step):
    """``p ⇒ q``: ``q`` is proved with ``p`` (and its conjuncts) as extra
    hypotheses.  With ``solved = (s, t)``, ``p`` says ``s = t`` (checked:
    ``lhs − rhs = c·(s − t)`` for a nonzero rational ``c``), so the
    sub-proof may show ``q`` with ``s`` replaced by ``t``, from the
    hypotheses with the same replacement."""

    premise: sp.Basic
    conclusion: sp.Basic
    context: tuple[Given, ...]
    proof: Hypothetical
    solved: tuple = ()

    @property
    def fact(self) -> sp.Basic:
        return sp.Implies(self.premise, self.conclusion, evaluate=False)

    def verify(self) -> None:
        check_context(self, self.context)
        assumed, expected, _ = _implication_case(self.premise, self.conclusion, self.context, self.solved)
        if self.solved:
            sol = _linear_solution(self.premise)
            s, t = self.solved
            if sol is None or sol[0] != s or _is_zero(sol[1] - t) is not True:
                raise self.fail(f"{self.premise} does not say {s} = {t}")
        check_under(self, self.context, self.proof, expected, assumed)


def _conjuncts(p: sp.Basic) -> list:
    if isinstance(p, sp.And):
        return [c for a in p.args for c in _conjuncts(a)]
    return [p]


def _implication_case(p, q, context, solved):
    """(assumed statements, statement to prove, mapping) of an implication."""
    assumed = [p] + [c for c in _conjuncts(p) if c != p]
    mapping = {}
    if solved:
        s, t = solved
        mapping = {s: t}
        assumed += [h for h in (substitute(g.fact, mapping) for g in context) if h is not sp.true]
        assumed += [substitute(c, mapping) for c in _conjuncts(p)]
    out = []
    for a in assumed:
        if a not in out and a is not sp.true:
            out.append(a)
    return tuple(out), substitute(q, mapping), mapping


# ---------------------------------------------------------------------------
# tactics


def prove_goal(goal: Goal, env: Env) -> Step | None:
    """A proof of ``goal.statement`` from ``goal.context``, or ``None``.

    >>> x = sp.Symbol('x', real=True)
    >>> prove_goal(Goal(sp.Ge(x**2 + 1, 2*x, evaluate=False)), Env()).fact
    x**2 + 1 >= 2*x
    """
    if env.depth > MAX_DEPTH or env.expired():
        return None
    if goal.statement.atoms(ArgMin, Corr):
        return None
    return _PIPELINE(goal, env)


def conjunction(goal: Goal, env: Env) -> Step | None:
    """Prove each conjunct."""
    f = goal.statement
    if not isinstance(f, sp.And):
        return None
    parts = []
    for a in f.args:
        p = prove_goal(goal.to(a), env)
        if p is None:
            return None
        parts.append(p)
    return AndIntro(f, tuple(parts))


def implication(goal: Goal, env: Env) -> Step | None:
    """``p ⇒ q``: prove ``q`` under ``p`` (by substitution first when ``p``
    solves for a symbol, then with ``p`` as a hypothesis)."""
    f = goal.statement
    if not isinstance(f, sp.Implies):
        return None
    p, q = f.args
    options = []
    sol = _linear_solution(p)
    if sol is not None:
        options.append((sol[0], sol[1]))
    options.append(())
    for solved in options:
        assumed, expected, _ = _implication_case(p, q, goal.context, solved)
        sub = Goal(expected, goal.context).assuming(assumed, "premise of the implication")
        env.depth += 1
        try:
            step = prove_goal(sub, env)
        finally:
            env.depth -= 1
        if step is not None:
            return ImpliesIntro(p, q, goal.context, Hypothetical(assumed, step), tuple(solved))
    return None


def identity(goal: Goal, env: Env) -> Step | None:
    """``A == B`` by zero-equivalence."""
    f = goal.statement
    if not isinstance(f, sp.Equality) or isinstance(f.lhs, sp.sign) or not is_small(goal):
        return None
    step = Identity(f)
    try:
        step.verify()
    except ProofCheckError:
        return None
    return step


def _ratio_candidates(a: sp.Expr, b: sp.Expr) -> list:
    q = sp.cancel(sp.together(a / b))
    out = [q]
    f = sp.factor(q)
    if f != q:
        out.append(f)
    return out


def same_sign(goal: Goal, env: Env) -> Step | None:
    """``sign(A) == sign(B)`` from ``A = P·B`` (or ``B = P·A``) with ``P > 0``."""
    f = goal.statement
    if not (isinstance(f, sp.Equality) and isinstance(f.lhs, sp.sign) and isinstance(f.rhs, sp.sign)):
        return None
    if not is_small(goal):
        return None
    a, b = f.lhs.args[0], f.rhs.args[0]
    if a == 0 or b == 0:
        return None
    for reverse, (num, den) in ((False, (a, b)), (True, (b, a))):
        for ratio in _ratio_candidates(num, den):
            if ratio.atoms(ArgMin, Corr):
                continue
            r = prove_sign(ratio, Sign.POSITIVE, goal.context, deadline=env.deadline)
            if r is None:
                continue
            step = SameSign(a, b, ratio, r.step, goal.context, reverse)
            if _checked_step(step, goal) is not None:
                return step
    return None


def finite_cases(goal: Goal, env: Env) -> Step | None:
    """Split over a finite label set and prove every case."""
    found = finite_split(goal)
    if found is None:
        return None
    split, sym, values = found
    proofs = []
    for v, case in zip(values, split.cases):
        env.depth += 1
        saved = dict(env.fixed)
        env.fixed[sym] = v
        try:
            p = prove_goal(case, env)
        finally:
            env.depth -= 1
            env.fixed = saved
        if p is None:
            return None
        proofs.append(p)
    return split.build(proofs)


def _recursive(goal: Goal, env: Env) -> Step | None:
    return prove_goal(goal, env)


# the split builders' former private names (they moved to symloss.engine.tactics)
_kink_split = kink_split
_piecewise_split = piecewise_split


_PIPELINE = first(
    named("conjunction", _guard(conjunction)),
    named("implication", _guard(implication)),
    named("identity", _guard(identity)),
    named("identity through |.| and roots", _guard(abs_identity)),
    named("same sign", _guard(same_sign)),
    named("sign engine", _guard(sign_engine)),
    named("z3", _guard(decision_procedure)),
    named("finite cases", _guard(finite_cases)),
    named("kink cases", _guard(try_each_case(kink_split, _recursive))),
    named("piecewise cases", _guard(try_each_case(piecewise_split, _recursive))),
    named("interval", _guard(first(interval_tactic, then(to_difference, interval_tactic)))),
)


# ---------------------------------------------------------------------------
# the claim-level tactic


def claim_goal(claim) -> Goal:
    """The goal of a pointwise claim: its formula under its hypotheses
    (those without argmin/corr terms)."""
    context = tuple(Given(h, "hypothesis") for h in claim.hypotheses if not h.atoms(ArgMin, Corr))
    return Goal(claim.formula, context)


def pointwise(claim, ctx) -> "Result | None":
    """Claim tactic for pointwise claims without argmin/corr terms: a
    re-checked proof, or a z3 candidate confirmed by the exact verifier, or
    ``None``."""
    from .verdict import Result

    if not isinstance(claim, Pointwise) or claim.formula.atoms(ArgMin, Corr):
        return None
    env = Env(deadline=getattr(ctx, "deadline", None), share=0.5)
    goal = claim_goal(claim)
    step = prove_goal(goal, env)
    if getattr(ctx, "notes", None) is not None:
        tried = sorted(set(env.tried))
        ctx.notes.append("prover tactics: " + ", ".join(tried) if tried else "prover: nothing applied")
    if step is not None:
        return Result("proved", claim, proof=step, reason=_reason(step), method=_method(step))
    return ctx.refute_candidates(claim, env)  # z3 models / interval boxes, verified by the refuter


#: What each step kind contributes, in words, for one-line reasons.
_STEP_WORDS = {
    "Decided": "a decision procedure for real arithmetic (z3)",
    "IntervalCover": "a certified interval box cover",
    "FiniteCases": "cases over a finite label set",
    "KinkCases": "cases at the kinks",
    "PiecewiseCases": "cases over the branches",
    "PiecewiseSign": "signs of each branch",
    "Identity": "an identity checked by zero-equivalence",
    "AbsIdentity": "an identity after normalising |.| and roots",
    "SameSign": "a positive factor between the two sides",
    "ImpliesIntro": "assuming the premise",
    "SumOfSquares": "a sum of squares",
    "Rewrite": "a checked factorisation",
    "MonotoneDifference": "monotonicity",
    "RangeBound": "ranges such as σ ∈ (0, 1)",
    "FunctionSign": "signs of exp, σ, softplus, |·|, …",
    "LogSign": "the sign of log",
    "ExtremumSign": "signs of max/min",
    "ProductSign": "signs of products",
    "PowSign": "signs of powers",
    "AddSign": "signs of sums",
    "HypothesisSign": "the hypotheses",
    "AssumptionSign": "the domains",
}


def _kinds(step: Step) -> list:
    from ..calculus.proof import iter_steps

    kinds: list = []
    for s in iter_steps(step):
        name = type(s).__name__
        if name not in kinds:
            kinds.append(name)
    return kinds


def _method(step: Step) -> str:
    """How the proof was obtained, for the verdict's ``method``."""
    kinds = set(_kinds(step))
    cases = kinds & {"FiniteCases", "KinkCases", "PiecewiseCases"}
    if "IntervalCover" in kinds:
        base = "interval branch-and-bound"
    elif "Decided" in kinds:
        base = "decision procedure (z3)"
    elif kinds & {"Identity", "AbsIdentity"} and not kinds & set(_STEP_WORDS) - {"Identity", "AbsIdentity"}:
        base = "zero-equivalence"
    else:
        base = "sign proof"
    return f"case analysis + {base}" if cases else base


def _reason(step: Step) -> str:
    words = [_STEP_WORDS[k] for k in _kinds(step) if k in _STEP_WORDS]
    return "proved from " + ", ".join(words[:6]) if words else "proved by the sign rules"


def register(registry) -> None:
    """Add the pointwise prover to a :class:`~symloss.decide.TacticRegistry`.

    >>> from symloss.decide import TACTICS
    >>> reg = TACTICS.copy(); register(reg); 'pointwise prover' in reg.names('prove')
    True
    """
    registry.add("pointwise prover", pointwise, "prove")
