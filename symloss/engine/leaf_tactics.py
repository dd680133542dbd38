"""The leaf tactics: a goal closed by one call to the sign engine or to z3.

:data:`sign_engine` proves ``A op B`` from the sign engine's proof about
``A − B`` or an expanded / factored form of it (:class:`RelationFromSign`);
:func:`decision_procedure` asks z3 (a model it finds is only a candidate).
Neither opens sub-goals.  :func:`_guard` (a crash is "gave up", never a
proof) and :func:`_checked_step` (a step counts only if it states the goal
and re-checks) wrap every tactic.  They sit below both the pointwise prover
(:mod:`symloss.engine.prover`), whose pipeline runs them, and the interval
prover (:mod:`symloss.engine.interval`), whose tails they prove.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from ..calculus.proof import Sign, Step, check_proof
from ..errors import ProofCheckError, SymlossError
from .signs import fact_sign, prove_sign, sign_set
from .tactics import Env, Goal, Transformation, expression_size, first, is_small, proves, then

__all__ = ["RelationFromSign", "to_difference", "sign_of_forms", "sign_engine", "decision_procedure"]

_COUNT_LIMIT = 60  # count_ops above which expand/factor forms are not tried

_REL_GOAL = {
    sp.StrictGreaterThan: Sign.POSITIVE,
    sp.GreaterThan: Sign.NONNEGATIVE,
    sp.StrictLessThan: Sign.NEGATIVE,
    sp.LessThan: Sign.NONPOSITIVE,
    sp.Equality: Sign.ZERO,
    sp.Unequality: Sign.NONZERO,
}


def _is_zero(expr) -> bool | None:
    from ..calculus.derive import is_zero

    try:
        return is_zero(expr)
    except (TypeError, ValueError, sp.PolynomialError):
        return None


@dataclass(frozen=True)
class RelationFromSign(Step):
    """``A op B`` because ``A − B`` equals ``form`` (zero-equivalence) and
    ``premise`` shows ``form`` has a sign that gives ``op``: ``> 0`` gives
    ``A > B``, ``≥ 0`` gives ``A ≥ B``, ``< 0`` gives ``A < B``, ``≤ 0`` gives
    ``A ≤ B``, ``= 0`` gives ``A = B``, ``≠ 0`` gives ``A ≠ B``."""

    relation: sp.Basic
    form: sp.Expr
    premise: Step

    @property
    def fact(self) -> sp.Basic:
        return self.relation

    def verify(self) -> None:
        need = _REL_GOAL.get(type(self.relation))
        if need is None:
            raise self.fail(f"{self.relation} is not a comparison")
        diff = sp.Add(self.relation.lhs, -self.relation.rhs)
        if self.form != diff and _is_zero(sp.Add(self.form, -diff)) is not True:
            raise self.fail(f"{self.form} is not {diff}")
        got = fact_sign(self.premise.fact, self.form)
        if got is None:
            raise self.fail(f"premise {self.premise.fact} is not a sign fact about {self.form}")
        if not sign_set(got) <= sign_set(need):
            raise self.fail(f"{got.value} does not give {need.value}")


def _guard(tactic):
    """``tactic`` with the failures SymPy, z3 and our own checks may raise on
    odd input turned into "gave up" (``None``) and a note: a crash is never
    a proof, and one sub-goal must not abort the others."""
    import z3

    def run(goal, env):
        try:
            return tactic(goal, env)
        except (SymlossError, sp.PolynomialError, TypeError, ValueError, RecursionError,
                NotImplementedError, AttributeError, ZeroDivisionError, z3.Z3Exception) as exc:
            env.notes.append(f"{getattr(tactic, '__name__', 'tactic')}: {type(exc).__name__}")
            return None

    run.__name__ = getattr(tactic, "__name__", "tactic")
    return run


def _checked_step(step: Step | None, goal: Goal) -> Step | None:
    """``step`` if it states the goal and re-checks from the goal's context."""
    if not proves(step, goal):
        return None
    try:
        check_proof(step, set(goal.facts))
    except ProofCheckError:
        return None
    return step


def _forms(d: sp.Expr) -> list:
    out = [d]
    if expression_size(d, 4 * _COUNT_LIMIT) <= 4 * _COUNT_LIMIT and sp.count_ops(d) <= _COUNT_LIMIT:
        for f in (sp.expand(d), sp.factor(d)):
            if f not in out:
                out.append(f)
    return out


def to_difference(goal: Goal) -> Transformation | None:
    """``A op B`` (``B ≠ 0``) becomes the sign goal ``A − B op 0``; the proof
    of the sign goal is wrapped in :class:`RelationFromSign`."""
    f = goal.statement
    if type(f) not in _REL_GOAL or f.rhs == 0:
        return None
    diff = sp.Add(f.lhs, -f.rhs)
    return Transformation(goal.to(type(f)(diff, 0, evaluate=False)),
                          lambda sub: RelationFromSign(f, diff, sub))


def sign_of_forms(goal: Goal, env: Env) -> Step | None:
    """``E op 0`` from the sign engine's proof about ``E`` or about an
    expanded / factored form of it (zero-equivalent to ``E``)."""
    f = goal.statement
    need = _REL_GOAL.get(type(f))
    if need is None or f.rhs != 0 or not is_small(goal):
        return None
    for form in _forms(f.lhs):
        r = prove_sign(form, need, goal.context, deadline=env.deadline)
        if r is None:
            continue
        step = r.step if r.step.fact == f else RelationFromSign(f, form, r.step)
        if _checked_step(step, goal) is not None:
            return step
    return None


#: ``A op B`` by the sign engine, on ``A op B`` itself when ``B = 0`` and on
#: ``A − B op 0`` otherwise
sign_engine = first(sign_of_forms, then(to_difference, sign_of_forms))


def decision_procedure(goal: Goal, env: Env) -> Step | None:
    """z3 (nonlinear real arithmetic) on the abstraction; a model is kept
    as a candidate only."""
    from . import z3bridge

    left = env.left_ms(2000 if env.depth == 0 else 1000)
    if left < 100:
        return None
    d = z3bridge.decide(goal.statement, goal.context, timeout_ms=left)
    if d.status == "proved":
        return d.step
    if d.status == "candidate" and d.candidate is not None:
        point = dict(env.fixed)
        point.update(d.candidate)
        env.candidates.append(point)
    return None
