"""Claims about minimisers: the argmin tactic.

A statement that mentions ``argmin`` terms is proved by proving, for each
term, that the minimiser exists and is unique (the steps of
:mod:`symloss.engine.argmin`, :mod:`symloss.engine.argmin_domain`,
:mod:`symloss.engine.argmin_interval`) and what it is, then the statement with
every term replaced by its value (:class:`ArgminSubstitution`); or, for
``sign(A) = sign(v − argmin(E, v))``, from the minimiser step's sign of
the gradient (:class:`ArgminSign`).  A premise of ``implies`` free of
minimisers is assumed first (it guards the minimisers of the conclusion).
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from .algebraic import AlgebraicTruth, PolynomialMinimiser, algebraic_truth, at_minimum, polynomial_minimiser
from .argmin import ArgminValue, MinimiserBySign, _on_line, _prove, _prove_all, minimiser
from .argmin_sign import ArgminSign, _link, _sign_pattern  # noqa: F401 - re-exported
from .strict_minimum import StrictMinimum, strict_minimum
from ..calculus.claims import ArgMin, Corr, Pointwise
from ..calculus.proof import Step, iter_steps
from .prover import _guard, claim_goal, prove_goal
from .tactics import Env, Goal, Hypothetical, substitute

__all__ = ["ArgminSign", "ArgminSubstitution", "prove_argmin_goal", "argmin_claim", "register"]


@dataclass(frozen=True)
class ArgminSubstitution(Step):
    """A statement about ``argmin`` terms follows from the same statement
    with each term replaced by its proved closed form (``values``: steps
    stating ``argmin(E, v) = r``)."""

    statement: sp.Basic
    values: tuple[Step, ...]
    proof: Step

    @property
    def fact(self) -> sp.Basic:
        return self.statement

    def verify(self) -> None:
        from ..calculus.claims_slope import MinimiserSlope, outer_terms

        mapping = {}
        for v in self.values:
            f = v.fact
            if not (isinstance(f, sp.Equality) and isinstance(f.lhs, (ArgMin, MinimiserSlope))):
                raise self.fail(f"{f} is not argmin(E, v) = r")
            mapping[f.lhs] = f.rhs
        slopes, terms = outer_terms(self.statement)
        if set(mapping) != set(slopes) | set(terms):
            raise self.fail("every argmin term needs a value")
        expected = substitute(self.statement, mapping)
        if self.proof.fact != expected:
            raise self.fail(f"sub-proof shows {self.proof.fact}, expected {expected}")


def prove_argmin_goal(goal: Goal, env: Env) -> Step | None:
    """A proof of a statement with ``argmin`` terms (see module doc)."""
    f = goal.statement
    if f.atoms(Corr) or not f.atoms(ArgMin):
        return None
    from .argmin_closed import missing_where_conclusion_fails

    missing = missing_where_conclusion_fails(f)  # implies(argmin(L, w) > 0, x != 0)
    if missing is not None:
        return missing
    from .argmin_uses import uses_of_minimiser

    used = uses_of_minimiser(goal, env)  # E >= at(E, argmin), stationary => argmin: closed or implicit
    if used is not None:
        return used
    if isinstance(f, sp.Implies) and not f.args[0].atoms(ArgMin):
        # the premise guards the minimiser's existence: prove the conclusion under it
        from .prover import ImpliesIntro, _implication_case

        p, q = f.args
        assumed, expected, _ = _implication_case(p, q, goal.context, ())
        step = prove_argmin_goal(Goal(expected, goal.context).assuming(assumed, "premise of the implication"), env)
        if step is not None:
            return ImpliesIntro(p, q, goal.context, Hypothetical(assumed, step), ())
    pat = _sign_pattern(f)
    if pat is not None:
        a, term, _ = pat
        m = minimiser(_on_line(term), goal.context, env, closed=term != _on_line(term))
        if m is None:
            return None
        inside = ()
        if term != m.term:
            from ..calculus.claims import membership

            if m.root is None:
                return None
            inside = _prove_all(membership(m.root, term.range), goal.context, env)
            if inside is None:
                return None
        g = m.gradient.xreplace({m.dummy: term.var})
        link = _link(a, g, goal.context, env)
        if link is None:
            return None
        return ArgminSign(f, m, link, inside)
    from .argmin_closed import slope_step
    from ..calculus.claims_slope import outer_terms

    slopes, terms = outer_terms(f)
    if not slopes and all(t == _on_line(t) for t in f.atoms(ArgMin)):  # at(E, v=argmin(E, v)), real line only
        at_min = at_minimum(f)
        if at_min is not None:
            return at_min
    values = []
    mapping = {}
    for slope in slopes:  # d(argmin(E, v), s): the closed form's derivative where the minimiser exists
        step = slope_step(slope, goal.context, env, _prove)
        if step is None:
            return None
        values.append(step)
        mapping[slope] = step.value
    for term in terms:
        if term.atoms(ArgMin) - {term}:
            return None
        if term != _on_line(term):  # a declared domain: the minimisation ranges over it
            from .argmin_domain import on_domain

            step = on_domain(term, goal, env)
            if step is None:
                return None
            values.append(step)
            mapping[term] = step.value
            continue
        m = polynomial_minimiser(term)  # a polynomial in v alone: exact root isolation
        if m is None:
            m = minimiser(term, goal.context, env, closed=True)
            if m is None or m.root is None:
                m = strict_minimum(term, env.deadline)  # kinked / piecewise, v alone: z3 lower bound
                if m is None:
                    return None
            else:
                m = ArgminValue(m)
        values.append(m)
        mapping[term] = m.fact.rhs
    target = substitute(f, mapping)
    if target.atoms(sp.CRootOf):  # the pointwise tactics know nothing of CRootOf numbers
        closed = not target.free_symbols and algebraic_truth(target) is True
        proof = AlgebraicTruth(target) if closed else None
    else:
        proof = prove_goal(goal.to(target), env)
    if proof is None:
        return None
    return ArgminSubstitution(f, tuple(values), proof)


def argmin_claim(claim, ctx) -> "Result | None":
    """Claim tactic for pointwise claims with ``argmin`` terms."""
    from .verdict import Result

    if not isinstance(claim, Pointwise) or not claim.formula.atoms(ArgMin) or claim.formula.atoms(Corr):
        return None
    env = Env(deadline=getattr(ctx, "deadline", None))
    goal = claim_goal(claim)
    step = _guard(prove_argmin_goal)(goal, env)
    notes = getattr(ctx, "notes", None)
    if notes is not None:
        notes.extend(n if n.startswith("argmin") else f"argmin: {n}" for n in env.notes)
    if step is None:
        return None
    # decide() runs check_proof on every proved result before reporting it
    from .argmin_domain import ArgminAtEnd, ArgminFinite, ArgminOnDomain

    steps = list(iter_steps(step))
    by_sign = any(isinstance(x, MinimiserBySign) for x in steps)
    if type(step).__name__ in ("AboveMinimum", "MinimumAtMost", "StationaryMinimiser", "MinimiserBound"):
        v = _var(claim)
        what = {"AboveMinimum": "E is at least its value at the minimiser",
                "MinimumAtMost": "its value there is at most the value at any point",
                "StationaryMinimiser": f"where the derivative vanishes, {v} is the minimiser",
                "MinimiserBound": f"the sign of the derivative at one point places {v}*"}[type(step).__name__]
        return Result("proved", claim, proof=step, method="argmin (sign pattern)",
                      reason=f"the derivative has the sign of {v} - {v}* for the unique minimiser {v}* "
                             f"(closed form or implicit), so {what}")
    if any(isinstance(x, StrictMinimum) for x in steps):
        return Result("proved", claim, proof=step, method="argmin (strict lower bound)",
                      reason="the minimiser is the candidate c from the kinks and pieces: "
                             "E(u) > E(c) for every u != c (z3, re-checked)")
    if any(isinstance(x, PolynomialMinimiser) for x in steps):
        return Result("proved", claim, proof=step, method="argmin (exact root isolation)",
                      reason="the minimiser is the real critical point with the least value, "
                             "located exactly by root isolation")
    reason = ("the minimiser exists and is unique: the derivative has the sign of w - r for a closed form r"
              if by_sign else "the minimiser exists and is unique: the derivative is a positive factor times "
                              "a strictly increasing function with a root")
    from .argmin_closed import MissingWhereConclusionFails, SlopeOfMinimiser

    if isinstance(step, MissingWhereConclusionFails):
        return Result("proved", claim, proof=step, method="argmin (missing minimiser)",
                      reason=f"where the conclusion fails the function does not depend on {step.term.var}: "
                             f"no unique minimiser, so the premise is false there")
    from .argmin_interval import MinimiserOnInterval, MonotoneToEnd

    if any(isinstance(x, MonotoneToEnd) for x in steps):
        reason = (f"the minimiser over the declared domain of {_var(claim)} is its closed end: "
                  f"E is strictly monotone on the domain")
    elif any(isinstance(x, MinimiserOnInterval) for x in steps):
        reason = (f"on the declared domain of {_var(claim)} the derivative is a positive factor times a strictly "
                  f"increasing function whose root lies in the domain: the unique minimiser there")
    elif any(isinstance(x, SlopeOfMinimiser) for x in steps):
        reason = ("the minimiser is the closed form r = -b/(2a) of a quadratic a*v**2 + b*v + c with a > 0 "
                  "(proved), on a neighbourhood, so its derivative is the derivative of r")
    elif any(isinstance(x, ArgminFinite) for x in steps):
        reason = "the minimiser over the finitely many values of w is unique: E is smallest there at every admissible point"
    elif any(isinstance(x, ArgminAtEnd) for x in steps):
        reason = "the minimiser over the declared domain of w is its closed end: E is strictly monotone in w"
    elif any(isinstance(x, ArgminOnDomain) for x in steps):
        reason += "; over the declared domain of w it is that root, or the closed end nearest to it"
    return Result("proved", claim, proof=step, method="argmin",
                  reason=reason.replace("w - r", f"{_var(claim)} - r").replace("of w", f"of {_var(claim)}"))


def _var(claim) -> str:
    terms = sorted(claim.formula.atoms(ArgMin), key=sp.default_sort_key)
    return str(terms[0].var) if terms else "v"


def register(registry) -> None:
    """Add the argmin tactic to a :class:`~symloss.decide.TacticRegistry`.

    >>> from symloss.decide import TACTICS
    >>> reg = TACTICS.copy(); register(reg); 'argmin' in reg.names('prove')
    True
    """
    registry.add("argmin", argmin_claim, "prove")
