"""Deciding a claim: proof tactics first, then sound refutation, else unknown.

A *tactic* is a callable ``tactic(claim, ctx) -> Result | None``; ``None``
means "does not apply / gave up".  Tactics live in a :class:`TacticRegistry`;
:data:`TACTICS` is the default instance, which the prover appends to.  The
only proof tactic here is zero-equivalence for identity claims ``A == B``
(via :func:`symloss.calculus.derive.is_zero`); nothing is ever proved by sampling.
Every ``proved`` result passes :func:`symloss.calculus.proof.check_proof` against the
claim's hypotheses before it is returned, whichever tactic produced it.

Deadlines are cooperative (checked between tactics and inside the search);
hard limits are the runner's job.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field
from typing import Callable

import sympy as sp

from .calculus.claims import ArgMin, Claim, Corr, Pointwise, parse_claim
from .errors import InvalidArgument, ProofCheckError
from .calculus.proof import Given, Step, check_proof
from .engine.verdict import Evidence, Result

__all__ = [
    "Context",
    "Tactic",
    "TacticRegistry",
    "TACTICS",
    "default_tactics",
    "ZeroEquivalence",
    "zero_equivalence",
    "ExactEvaluation",
    "closed_evaluation",
    "decide",
    "check_claim",
    "decide_convexity",
]


@dataclass
class Context:
    """Per-call state handed to every tactic: the deadline
    (``time.monotonic()`` value), the RNG seed, and the evidence log
    (tactic names tried, points tested, notes)."""

    deadline: float
    seed: int = 0
    tried: list = field(default_factory=list)
    points: int = 0
    notes: list = field(default_factory=list)
    tactics: "TacticRegistry | None" = None

    def decide(self, claim: Claim, *, deadline: float | None = None) -> Result:
        """Decide a sub-claim with the pipeline and tactics of this call (by
        default within this call's deadline).  Tactics that reduce a claim to
        another one (convexity to the sign of a second derivative, a relation
        over finitely many values to a pointwise statement) call this instead
        of importing :func:`decide`: the engine stays below the pipeline."""
        return decide(claim, deadline=self.deadline if deadline is None else deadline, seed=self.seed,
                      tactics=self.tactics)

    def refute_candidates(self, claim: Claim, env) -> Result | None:
        """A refutation of ``claim`` from the candidate points a proof search
        met (``env.candidates``), each re-evaluated exactly by the refuter
        (:func:`symloss.refute.counterexample.candidate_refutation`), or
        ``None``.  The prover hands its candidates here: the engine never
        imports the refuter."""
        from .refute.counterexample import candidate_refutation

        return candidate_refutation(claim, env)

    def left(self) -> float:
        """Seconds left before the deadline."""
        return self.deadline - time.monotonic()

    def expired(self) -> bool:
        return time.monotonic() > self.deadline

    def evidence(self) -> Evidence:
        return Evidence(tuple(self.tried), self.points, tuple(self.notes))


Tactic = Callable[[Claim, Context], "Result | None"]


class TacticRegistry:
    """An ordered list of named tactics: ``prove`` tactics run before the
    refutation step, ``refute`` tactics after the built-in search.

    >>> reg = TacticRegistry()
    >>> reg.add("nothing", lambda claim, ctx: None)
    >>> reg.names()
    ('nothing',)
    """

    def __init__(self):
        self._items: list[tuple[str, Tactic, str]] = []

    def add(self, name: str, tactic: Tactic, stage: str = "prove") -> None:
        """Append (or replace, by name) a tactic for ``stage`` ``prove`` or ``refute``."""
        if stage not in ("prove", "refute"):
            raise InvalidArgument(f"tactic stage must be 'prove' or 'refute', got {stage!r}")
        self._items = [t for t in self._items if t[0] != name]
        self._items.append((name, tactic, stage))

    def remove(self, name: str) -> None:
        self._items = [t for t in self._items if t[0] != name]

    def names(self, stage: str | None = None) -> tuple:
        return tuple(n for n, _, s in self._items if stage is None or s == stage)

    def stage(self, stage: str) -> list[tuple[str, Tactic]]:
        return [(n, t) for n, t, s in self._items if s == stage]

    def copy(self) -> "TacticRegistry":
        new = TacticRegistry()
        new._items = list(self._items)
        return new


# ---------------------------------------------------------------------------
# zero-equivalence


def _is_zero(expr: sp.Expr) -> bool | None:
    from .calculus.derive import is_zero

    return is_zero(expr)


@dataclass(frozen=True)
class ZeroEquivalence(Step):
    """``lhs = rhs`` because ``lhs - rhs`` rewrites to 0 by exact rewrites
    (our functions to ``exp``, ``together``/``expand``/``cancel``), wherever
    both sides are defined.

    >>> x = sp.Symbol('x', real=True)
    >>> ZeroEquivalence(x*(x + 1), x**2 + x).verify()
    """

    lhs: sp.Expr
    rhs: sp.Expr

    @property
    def fact(self) -> sp.Basic:
        return sp.Eq(self.lhs, self.rhs, evaluate=False)

    def verify(self) -> None:
        if self.lhs.atoms(ArgMin, Corr) or self.rhs.atoms(ArgMin, Corr):
            raise self.fail("argmin/corr terms are not rewritten")
        if _is_zero(sp.Add(self.lhs, -self.rhs)) is not True:
            raise self.fail(f"{self.lhs} - ({self.rhs}) does not rewrite to 0")


@dataclass(frozen=True)
class Tautology(Step):
    """The claim is literally ``True`` as parsed (no comparison left)."""

    statement: sp.Basic

    @property
    def fact(self) -> sp.Basic:
        return self.statement

    def verify(self) -> None:
        if self.statement is not sp.true:
            raise self.fail(f"{self.statement} is not literally true")


@dataclass(frozen=True)
class ExactEvaluation(Step):
    """A closed statement (no free symbols) is true by exact evaluation:
    exact rational arithmetic, and rigorous interval arithmetic for the
    transcendental numbers (:func:`symloss.calculus.exact.truth`)."""

    statement: sp.Basic

    @property
    def fact(self) -> sp.Basic:
        return self.statement

    def verify(self) -> None:
        from .calculus.exact import truth

        if self.statement.free_symbols or self.statement.atoms(ArgMin, Corr):
            raise self.fail(f"{self.statement} is not a closed statement")
        if truth(self.statement, {}) is not True:
            raise self.fail(f"{self.statement} does not evaluate to true")


@dataclass(frozen=True)
class FalseHypothesis(Step):
    """Anything follows from a false hypothesis: a closed hypothesis (no
    free symbols) that exact evaluation by the trusted kernel shows false
    (``log(1 + exp(-40)) < 0``) makes the claim hold vacuously."""

    statement: sp.Basic
    hypothesis: Step

    @property
    def fact(self) -> sp.Basic:
        return self.statement

    def verify(self) -> None:
        from .language.kernel import holds

        h = self.hypothesis.fact
        if h.free_symbols or h.atoms(ArgMin, Corr) or holds(h) is not False:
            raise self.fail(f"{h} is not a closed statement that evaluates to false")


def false_hypothesis(claim: Claim, ctx: Context) -> Result | None:
    """Prove a pointwise claim whose hypotheses include a closed false one."""
    from .language.kernel import holds

    if not isinstance(claim, Pointwise):
        return None
    for i, h in enumerate(claim.hypotheses):
        if isinstance(h, sp.Basic) and not h.free_symbols and not h.atoms(ArgMin, Corr) and holds(h) is False:
            step = FalseHypothesis(claim.formula, Given(h, f"hypothesis {i}"))
            return Result("proved", claim, proof=step, reason=f"the hypothesis {h} is false (exact evaluation)",
                          method="false hypothesis")
    return None


def closed_evaluation(claim: Claim, ctx: Context) -> Result | None:
    """Decide a claim without free symbols by exact evaluation (proved when
    true; a false closed claim is left to the refutation step)."""
    if not isinstance(claim, Pointwise) or claim.symbols or claim.formula.free_symbols:
        return None
    if claim.formula.atoms(ArgMin, Corr):
        return None
    step = ExactEvaluation(claim.formula)
    try:
        step.verify()
    except ProofCheckError:
        return None
    return Result("proved", claim, proof=step, reason="true by exact evaluation", method="exact evaluation")


def zero_equivalence(claim: Claim, ctx: Context) -> Result | None:
    """Prove ``A == B`` when ``A - B`` is zero-equivalent.  (A difference that
    is *not* zero is left to the refutation search, which must find a
    verified point.)"""
    if not isinstance(claim, Pointwise):
        return None
    f = claim.formula
    if f is sp.true:
        return Result("proved", claim, proof=Tautology(sp.true), reason="the claim is literally true",
                      method="zero-equivalence")
    if not isinstance(f, sp.Eq) or f.atoms(ArgMin, Corr):
        return None
    step = ZeroEquivalence(f.lhs, f.rhs)
    try:
        step.verify()
    except ProofCheckError:
        ctx.notes.append("the difference of the two sides does not rewrite to 0")
        return None
    return Result("proved", claim, proof=step, reason="the two sides are equal: their difference rewrites to 0",
                  method="zero-equivalence")


def _refutation(claim: Claim, ctx: Context) -> Result | None:
    from .refute.counterexample import refute

    search = refute(claim, seed=ctx.seed, deadline=ctx.deadline)
    ctx.points += search.tested
    ctx.notes.extend(search.notes)
    if search.counterexample is None:
        return None
    ce = search.counterexample
    return Result("refuted", claim, counterexample=ce, reason=ce.describe(),
                  method=search.method or "exact counterexample")




def default_tactics() -> TacticRegistry:
    """A fresh registry with every tactic symloss ships, in the order they
    are tried: zero-equivalence, the pointwise prover (signs, decision
    procedure, case splits), argmin, proportional/nondecreasing, correlation.

    >>> default_tactics().names('prove')[0]
    'zero-equivalence'
    """
    from .engine import argmin_claim, convexity, corr, mean_convex, prover, relations, sum_abstraction

    reg = TacticRegistry()
    reg.add("zero-equivalence", zero_equivalence, "prove")
    reg.add("exact evaluation", closed_evaluation, "prove")
    reg.add("false hypothesis", false_hypothesis, "prove")
    for module in (prover, argmin_claim, relations, corr, mean_convex, convexity, sum_abstraction):
        module.register(reg)
    return reg


#: The default registry; ``TACTICS.copy()`` gives one to extend.
TACTICS = default_tactics()


# ---------------------------------------------------------------------------
# the pipeline


def _run(tname: str, tactic: Tactic, claim: Claim, ctx: Context) -> Result | None:
    """Run one tactic; a tactic that crashes is recorded and skipped (it can
    only lose a verdict, never produce a wrong one)."""
    ctx.tried.append(tname)
    try:
        return tactic(claim, ctx)
    except RecursionError:
        ctx.notes.append(f"{tname}: recursion too deep")
    except Exception as exc:  # noqa: BLE001 - SymPy raises many kinds
        ctx.notes.append(f"{tname} failed: {type(exc).__name__}: {str(exc)[:120]}")
    return None


def _finish(result: Result, claim: Claim, ctx: Context, start: float, name: str | None) -> Result:
    reason = result.reason
    if result.verdict == "proved" and any(h is sp.false for h in claim.hypotheses):
        reason = f"vacuously: the claim is defined nowhere (a hypothesis is false); {reason}"
    return Result(result.verdict, claim, proof=result.proof, counterexample=result.counterexample,
                  reason=reason, method=result.method, evidence=ctx.evidence(),
                  seconds=time.monotonic() - start, name=name)


def _readings_check(claim: Claim, ctx: Context) -> bool:
    """Every step taken while reading the claim (a closed-form correlation)
    re-checks; a verdict about the claim as read is only about the claim as
    written when they do."""
    for step in getattr(claim, "readings", ()):
        try:
            check_proof(step, set(claim.hypotheses), deadline=ctx.deadline)
        except ProofCheckError as exc:
            ctx.notes.append(f"reading the claim failed its check ({exc})")
            return False
    return True


def _checked(result: Result, claim: Claim, ctx: Context, tactic: str) -> bool:
    """Whether a ``proved``/``refuted`` result from a tactic may be reported."""
    if result.verdict in ("proved", "refuted") and not _readings_check(claim, ctx):
        return False
    if result.verdict == "proved":
        if result.proof is None:
            ctx.notes.append(f"{tactic}: 'proved' without a proof ignored")
            return False
        try:
            check_proof(result.proof, set(claim.hypotheses), deadline=ctx.deadline)
        except ProofCheckError as exc:
            ctx.notes.append(f"{tactic}: proof failed its check ({exc})")
            return False
        return True
    if result.verdict == "refuted":
        return _recheck_counterexample(claim, result.counterexample)
    return False


def _in_domains(claim: Claim, ce) -> bool:
    """Every value of the counterexample (both copies of a pair) lies in its
    symbol's declared domain, decided exactly.  Checked on its own because a
    domain condition rewritten onto a copy of the variable that carries the
    domain's assumptions evaluates to ``True`` and drops out of the
    hypotheses (``w < 0`` for a negative ``w``)."""
    doms = dict(claim.domains)
    values = dict(ce.values)
    pair = getattr(ce, "pair", None)
    checks = list(values.items())
    if pair is not None:
        checks += [(pair[0], pair[1]), (pair[0], pair[2])]
    for s, value in checks:
        dom = doms.get(s)
        if dom is not None and not dom.contains(value):
            return False
    return True


def _recheck_counterexample(claim: Claim, ce) -> bool:
    """Independent exact re-check of a counterexample against the claim."""
    from .calculus.claims import Nondecreasing, Proportional
    from .refute.counterexample import pair_form, verify

    if ce is None:
        return False
    if not _in_domains(claim, ce):
        return False
    if isinstance(claim, (Proportional, Nondecreasing)):
        if ce.pair is None:
            return False
        formula, hyps, symbols, domains, v1, v2 = pair_form(claim)
        point = dict(ce.values)
        point[v1], point[v2] = ce.pair[1], ce.pair[2]
        return verify(formula, hyps, point)
    if hasattr(claim, "recheck_counterexample"):  # a claim kind that re-checks its own (convexity)
        return claim.recheck_counterexample(ce)
    if not isinstance(claim, Pointwise):
        return False
    # every hypothesis true and the claim false at the point, comparisons
    # about a missing minimiser being false (symloss.refute.claims_truth)
    return verify(claim.formula, claim.hypotheses, ce.values)


def decide(claim: Claim, *, deadline: float | None = None, timeout: float = 10.0, seed: int = 0,
           tactics: TacticRegistry | None = None, name: str | None = None) -> Result:
    """Decide a parsed claim: proof tactics, then refutation, else unknown.

    ``deadline`` is a ``time.monotonic()`` value (default: now + timeout).
    """
    start = time.monotonic()
    from .engine.indexed import decide_indexed, has_indexed
    from .engine.symbolic_batch import decide_symbolic_batch, is_symbolic_batch

    end = deadline if deadline is not None else start + timeout
    if is_symbolic_batch(claim):  # for every n: tactics, then instances n = 1, 2, 3 for a counterexample
        def pipeline(c, *, deadline, seed):
            return _pipeline(c, deadline=deadline, seed=seed, tactics=tactics, name=name, search=False)

        def instance_decide(c, *, deadline, seed):
            return decide(c, deadline=deadline, seed=seed, tactics=tactics)

        return decide_symbolic_batch(claim, pipeline, instance_decide, _recheck_counterexample,
                                     lambda c: _readings_check(c, Context(deadline=end)),
                                     deadline=end, seed=seed, name=name)
    if has_indexed(claim):  # a claim about w[i]: decided through its scalar reduction
        return decide_indexed(claim, decide, _recheck_counterexample, deadline=end, seed=seed, name=name)
    return _pipeline(claim, deadline=end, seed=seed, tactics=tactics, name=name)


def _pipeline(claim: Claim, *, deadline: float, seed: int = 0, tactics: TacticRegistry | None = None,
              name: str | None = None, search: bool = True) -> Result:
    """The tactics, then (with ``search``) the refutation search, else unknown
    (``decide``'s body; the search samples concrete points, which a claim
    over a symbolic batch size has none of)."""
    start = time.monotonic()
    reg = tactics if tactics is not None else TACTICS
    ctx = Context(deadline=deadline, seed=seed, tactics=reg)
    for tname, tactic in reg.stage("prove"):
        if ctx.expired():
            break
        result = _run(tname, tactic, claim, ctx)
        if result is not None and _checked(result, claim, ctx, tname):
            return _finish(result, claim, ctx, start, name)
    stages = ([("exact counterexample search", _refutation)] if search else []) + reg.stage("refute")
    for tname, tactic in stages:
        if ctx.expired():
            break
        result = _run(tname, tactic, claim, ctx)
        if result is not None and _checked(result, claim, ctx, tname):
            return _finish(result, claim, ctx, start, name)
    ev = ctx.evidence()
    tested = f"{ev.points} admissible points" if ev.points else "the points tried"
    if ctx.expired():
        reason, method = f"time limit reached: no proof, no counterexample among {tested}", "timeout"
    else:
        reason, method = f"no proof found; no counterexample among {tested}", "no decision"
    why = next((n for n in ctx.notes if n.startswith("out of reach: ")), None)  # a tactic said why it cannot
    if why is not None:
        reason = f"{reason}; {why}"
    return Result("unknown", claim, reason=reason, method=method, evidence=ev,
                  seconds=time.monotonic() - start, name=name)


def check_claim(problem, text: str, assume=(), timeout: float = 10.0, *, seed: int = 0,
                name: str | None = None) -> Result:
    """Parse ``text`` about ``problem`` (under extra ``assume`` conditions)
    and decide it within about ``timeout`` seconds.  Parse errors raise
    :class:`~symloss.errors.SymlossSyntaxError`.
    """
    start = time.monotonic()
    claim = parse_claim(problem, text, assume=assume)
    result = decide(claim, deadline=start + float(timeout), seed=seed, name=name)
    result = _by_sample(result, problem)
    # the seconds the caller waited: reading the claim (which differentiates) included
    return dataclasses.replace(result, seconds=time.monotonic() - start)


def _by_sample(result: Result, problem) -> Result:
    """A batch's counterexample lists its values sample by sample (the
    claim does not know the problem's samples; the problem does)."""
    from .calculus.dataset import sample_groups

    ce = result.counterexample
    groups = sample_groups(problem) if ce is not None and not ce.samples else ()
    if not groups:
        return result
    grouped = dataclasses.replace(ce, samples=groups)
    reason = grouped.describe() if result.reason == ce.describe() else result.reason
    return dataclasses.replace(result, counterexample=grouped, reason=reason)


def decide_convexity(problem, param, *, concave: bool = False, assume=(), timeout: float = 10.0) -> Result:
    """``convex(L, param)`` (or ``concave``) about ``problem``, decided by the
    claim engine: the same as ``problem.check("convex(L, w)")``."""
    p = problem._param(param)
    return check_claim(problem, f"{'concave' if concave else 'convex'}(L, {p})", assume=tuple(assume),
                       timeout=timeout)
