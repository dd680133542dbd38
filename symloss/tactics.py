"""Goal-level tactics and the combinators that compose them.

The claim pipeline (:mod:`symloss.decide`) runs *claim tactics*
``(claim, ctx) -> Result | None``.  Inside the prover, work is done on
:class:`Goal` objects -- a SymPy boolean to prove together with the
hypotheses (as :class:`~symloss.proof.Given` steps) it may be proved from --
by *goal tactics*::

    GoalTactic = Callable[[Goal, Env], Step | None]

A goal tactic returns a proof step whose fact is exactly
``goal.statement``, or ``None`` (does not apply / gave up).  It never
returns a verdict: a point a tactic stumbles on is recorded in
:attr:`Env.candidates` and only becomes a refutation after the exact
verifier (:mod:`symloss.counterexample`) accepts it.

Combinators (in the spirit of ``sympy.strategies``, written for proofs):

* :func:`first` -- the first tactic that proves the goal;
* :func:`then` -- a goal *transformation* followed by a tactic, the
  transformation's step wrapping the sub-proof;
* :func:`repeat` -- apply a transformation while it applies;
* :func:`try_each_case` -- split the goal into cases and prove every case;
* :func:`named` -- record a tactic's name in the evidence when it runs.

>>> import sympy as sp
>>> from symloss.proof import Sign
>>> x = sp.Symbol('x', real=True)
>>> never = named("never", lambda goal, env: None)
>>> env = Env()
>>> first(never, never)(Goal(x**2 >= 0), env) is None, env.tried
(True, ['never', 'never'])
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable, Iterable, Sequence

import sympy as sp

from .errors import InvalidArgument
from .proof import Given, Step

__all__ = [
    "Goal",
    "Env",
    "GoalTactic",
    "Transformation",
    "Split",
    "named",
    "first",
    "then",
    "repeat",
    "try_each_case",
    "proves",
]


@dataclass(frozen=True)
class Goal:
    """A statement to prove and the hypotheses it may be proved from.

    >>> x = sp.Symbol('x', real=True)
    >>> g = Goal(x > 0).assuming([x > 1], "case")
    >>> [h.fact for h in g.context]
    [x > 1]
    """

    statement: sp.Basic
    context: tuple[Given, ...] = ()

    @property
    def facts(self) -> tuple:
        """The hypotheses as SymPy booleans."""
        return tuple(g.fact for g in self.context)

    def assuming(self, extra: Iterable[sp.Basic], source: str) -> "Goal":
        """The same goal with ``extra`` statements added to the context."""
        new = tuple(Given(e, source) for e in extra if e is not sp.true and e not in self.facts)
        return Goal(self.statement, self.context + new)

    def to(self, statement: sp.Basic) -> "Goal":
        """A goal with the same context and another statement."""
        return Goal(statement, self.context)


@dataclass
class Env:
    """Per-call state: the deadline (``time.monotonic()`` instant or
    ``None``), the names of the tactics tried, candidate points the tactics
    stumbled on (each only a *candidate*), notes, the case depth and the
    values ``fixed`` by the enclosing case splits (so that a candidate found
    inside a case can be completed to a point of the original claim)."""

    deadline: float | None = None
    tried: list = field(default_factory=list)
    candidates: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    depth: int = 0
    fixed: dict = field(default_factory=dict)

    def expired(self) -> bool:
        return self.deadline is not None and time.monotonic() > self.deadline

    def left_ms(self, cap: int = 2000) -> int:
        """Milliseconds left (at most ``cap``; ``cap`` when there is no deadline)."""
        if self.deadline is None:
            return cap
        return max(0, min(cap, int((self.deadline - time.monotonic()) * 1000)))


GoalTactic = Callable[[Goal, Env], "Step | None"]


def proves(step: Step | None, goal: Goal) -> bool:
    """Whether ``step`` states exactly the goal's statement.

    >>> x = sp.Symbol('x', real=True)
    >>> proves(Given(x > 0, "h"), Goal(x > 0)), proves(None, Goal(x > 0))
    (True, False)
    """
    return step is not None and step.fact == goal.statement


def named(name: str, tactic: GoalTactic) -> GoalTactic:
    """``tactic`` that appends ``name`` to :attr:`Env.tried` when it runs and
    returns ``None`` once the deadline has passed."""

    def run(goal: Goal, env: Env):
        if env.expired():
            return None
        env.tried.append(name)
        return tactic(goal, env)

    run.__name__ = name
    run.__doc__ = tactic.__doc__
    return run


def first(*tactics: GoalTactic) -> GoalTactic:
    """The first tactic whose step proves the goal (a step stating anything
    else is ignored).

    >>> x = sp.Symbol('x', real=True)
    >>> h = Given(x > 0, "h")
    >>> first(lambda g, e: None, lambda g, e: h)(Goal(x > 0), Env()) is h
    True
    """
    if not tactics:
        raise InvalidArgument("first() needs at least one tactic")

    def run(goal: Goal, env: Env):
        for t in tactics:
            if env.expired():
                return None
            step = t(goal, env)
            if proves(step, goal):
                return step
        return None

    return run


@dataclass(frozen=True)
class Transformation:
    """A goal reduced to another: prove :attr:`goal`, then :attr:`build`
    turns that proof into a proof of the original goal."""

    goal: Goal
    build: Callable[[Step], Step]


Transform = Callable[[Goal], "Transformation | None"]


def then(transform: Transform, tactic: GoalTactic) -> GoalTactic:
    """Transform the goal, prove the new goal with ``tactic``, and wrap the
    proof with the transformation's step.

    >>> x = sp.Symbol('x', real=True)
    >>> swap = lambda g: Transformation(g.to(x > 0), lambda s: s)
    >>> then(swap, lambda g, e: Given(x > 0, "h"))(Goal(x > 0), Env()).fact
    x > 0
    """

    def run(goal: Goal, env: Env):
        tr = transform(goal)
        if tr is None:
            return None
        sub = tactic(tr.goal, env)
        if not proves(sub, tr.goal):
            return None
        return tr.build(sub)

    return run


def repeat(transform: Transform, limit: int = 8) -> Transform:
    """Apply ``transform`` while it applies (at most ``limit`` times); the
    builders are composed innermost first.  Applies zero times only if the
    transform never applies (then ``None``).

    >>> x = sp.Symbol('x', real=True)
    >>> dec = lambda g: (Transformation(g.to(g.statement.lhs - 1 > 0), lambda s: s)
    ...                  if g.statement.lhs != x else None)
    >>> repeat(dec)(Goal(x + 3 > 0)).goal.statement
    x > 0
    """

    def run(goal: Goal):
        builders: list = []
        current = goal
        for _ in range(limit):
            tr = transform(current)
            if tr is None or tr.goal == current:
                break
            builders.append(tr.build)
            current = tr.goal
        if not builders:
            return None

        def build(step: Step) -> Step:
            for b in reversed(builders):
                step = b(step)
            return step

        return Transformation(current, build)

    return run


@dataclass(frozen=True)
class Split:
    """A goal split into :attr:`cases`; :attr:`build` turns one proof per
    case (in order) into a proof of the original goal."""

    cases: tuple[Goal, ...]
    build: Callable[[Sequence[Step]], Step]


def try_each_case(split: Callable[[Goal], "Split | None"], tactic: GoalTactic) -> GoalTactic:
    """Split the goal and prove every case with ``tactic``; ``None`` as soon
    as one case fails.

    >>> x = sp.Symbol('x', real=True)
    >>> two = lambda g: Split((g, g), lambda steps: steps[0])
    >>> try_each_case(two, lambda g, e: Given(x > 0, "h"))(Goal(x > 0), Env()).fact
    x > 0
    """

    def run(goal: Goal, env: Env):
        s = split(goal)
        if s is None:
            return None
        proofs = []
        for case in s.cases:
            if env.expired():
                return None
            env.depth += 1
            try:
                p = tactic(case, env)
            finally:
                env.depth -= 1
            if not proves(p, case):
                return None
            proofs.append(p)
        return s.build(proofs)

    return run
