"""Goal-level tactics and the combinators that compose them.

The claim pipeline (:mod:`symloss.decide`) runs *claim tactics*
``(claim, ctx) -> Result | None``.  Inside the prover, work is done on
:class:`Goal` objects -- a SymPy boolean to prove together with the
hypotheses (as :class:`~symloss.calculus.proof.Given` steps) it may be proved from --
by *goal tactics*::

    GoalTactic = Callable[[Goal, Env], Step | None]

A goal tactic returns a proof step whose fact is exactly
``goal.statement``, or ``None`` (does not apply / gave up).  It never
returns a verdict: a point a tactic stumbles on is recorded in
:attr:`Env.candidates` and only becomes a refutation after the exact
verifier (:mod:`symloss.refute.counterexample`) accepts it.

Combinators (in the spirit of ``sympy.strategies``, written for proofs):

* :func:`first` -- the first tactic that proves the goal;
* :func:`then` -- a goal *transformation* followed by a tactic, the
  transformation's step wrapping the sub-proof;
* :func:`repeat` -- apply a transformation while it applies;
* :func:`try_each_case` -- split the goal into cases and prove every case;
* :func:`named` -- record a tactic's name in the evidence when it runs.

The case splits every prover uses live here too: :class:`FiniteCases`
(finite label sets), :class:`KinkCases` (``abs``/``sign``/``relu``/
``Heaviside``/``max``/``min``) and :class:`PiecewiseCases`, with their split
builders for :func:`try_each_case`.

>>> import sympy as sp
>>> from symloss.calculus.proof import Sign
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

from ..errors import InvalidArgument, ProofCheckError
from ..language.functions import relu
from ..calculus.binding import _replace  # noqa: F401 - used here and re-exported
from ..calculus.proof import Given, Step, check_proof
from .sign_functions import piecewise_branches

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
    "MAX_NODES",
    "expression_size",
    "is_small",
    "substitute",
    "Hypothetical",
    "check_under",
    "check_context",
    "FiniteCases",
    "KinkCases",
    "PiecewiseCases",
    "finite_split",
    "kink_split",
    "piecewise_split",
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
    inside a case can be completed to a point of the original claim), and
    the ``share`` of the time left a last-resort search may use."""

    deadline: float | None = None
    tried: list = field(default_factory=list)
    candidates: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    depth: int = 0
    fixed: dict = field(default_factory=dict)
    #: fraction of the time left that a last-resort search (the interval
    #: prover) may spend on a top-level goal; the claim-level pointwise
    #: tactic raises it, sub-goals of other tactics keep the small default
    share: float = 1 / 6

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

# ---------------------------------------------------------------------------
# case splits: hypothetical sub-proofs and the steps that check them
#
# A case is proved under extra hypotheses (the case condition).  Such a
# sub-proof is held in a :class:`Hypothetical` record, which is *not* a step:
# :func:`symloss.calculus.proof.check_proof` does not walk into it, and the enclosing
# step re-checks it with exactly its context plus the case's assumptions
# allowed.  The split builders return :class:`Split` objects for
# :func:`try_each_case`.

#: expression size (tree nodes) above which the symbolic tactics (sign engine,
#: identities, case splits) are not tried: they do not finish in time on
#: such expressions, and the claim is better left ``unknown`` quickly
MAX_NODES = 600


def expression_size(expr: sp.Basic, limit: int = MAX_NODES) -> int:
    """Number of tree nodes of ``expr``, counting stops just above ``limit``.

    >>> x = sp.Symbol('x', real=True)
    >>> expression_size(x**2 + 1)
    5
    """
    n = 0
    for _ in sp.preorder_traversal(expr):
        n += 1
        if n > limit:
            break
    return n


def is_small(goal: Goal) -> bool:
    """Whether the goal's statement has at most :data:`MAX_NODES` nodes."""
    return expression_size(goal.statement) <= MAX_NODES


def substitute(statement: sp.Basic, mapping: dict) -> sp.Basic:
    """``statement`` with symbols replaced by ``mapping``, relations rebuilt
    *unevaluated* (SymPy must not decide a comparison by floating point).

    >>> x, y = sp.symbols('x y', real=True)
    >>> substitute(sp.Implies(sp.Eq(y, 0), x*y >= 0), {y: 0})
    Implies(Eq(0, 0), 0 >= 0)
    """
    if isinstance(statement, sp.Rel):
        return type(statement)(_replace(statement.lhs, mapping), _replace(statement.rhs, mapping),
                               evaluate=False)
    if isinstance(statement, (sp.And, sp.Or, sp.Not, sp.Implies, sp.Equivalent)):
        return type(statement)(*[substitute(a, mapping) for a in statement.args], evaluate=False)
    return _replace(statement, mapping)


@dataclass(frozen=True)
class Hypothetical:
    """A sub-proof made under extra hypotheses ``assumed`` (a case
    condition, the premise of an implication).  Not a step: the enclosing
    step re-checks ``proof`` with its context plus ``assumed`` allowed."""

    assumed: tuple
    proof: Step


def check_under(step: Step, context: tuple, sub: Hypothetical, expected: sp.Basic,
                 assumed: tuple) -> None:
    """Re-check one hypothetical sub-proof: its assumptions are exactly
    ``assumed``, its fact is ``expected``, and it checks with the context's
    facts plus the assumptions allowed."""
    if tuple(sub.assumed) != tuple(assumed):
        raise step.fail(f"sub-proof assumes {sub.assumed}, expected {assumed}")
    if sub.proof.fact != expected:
        raise step.fail(f"sub-proof shows {sub.proof.fact}, expected {expected}")
    allowed = {g.fact for g in context} | set(assumed)
    try:
        check_proof(sub.proof, allowed)
    except ProofCheckError as exc:
        raise step.fail(f"sub-proof under {assumed} fails: {exc}") from None


def check_context(step: Step, context) -> None:
    if not all(isinstance(g, Given) for g in context):
        raise step.fail("the context must consist of Given steps")


def _finite_cover(g: Given):
    """``(symbol, values)`` when ``g`` says ``s = c₁ ∨ … ∨ s = cₖ`` (rationals)."""
    f = g.fact
    args = f.args if isinstance(f, sp.Or) else (f,)
    sym, vals = None, []
    for a in args:
        if not isinstance(a, sp.Equality):
            return None
        lhs, rhs = a.lhs, a.rhs
        if isinstance(rhs, sp.Symbol) and lhs.is_Rational:
            lhs, rhs = rhs, lhs
        if not (isinstance(lhs, sp.Symbol) and rhs.is_Rational):
            return None
        if sym is not None and lhs != sym:
            return None
        sym = lhs
        vals.append(rhs)
    return (sym, tuple(vals)) if sym is not None and len(vals) > 1 else None


def _case_assumed(context, sym, value) -> tuple:
    out = [sp.Eq(sym, value, evaluate=False)]
    for g in context:
        h = substitute(g.fact, {sym: value})
        if h is not sp.true and h not in out:
            out.append(h)
    return tuple(out)


@dataclass(frozen=True)
class FiniteCases(Step):
    """Case split over a finite set: ``cover`` (a hypothesis) says the
    symbol takes one of the listed values; for each value ``c`` the
    statement with ``c`` substituted is proved, from the hypotheses with
    ``c`` substituted (true in that case) and ``symbol = c``.  The cases
    must be exactly the values of the cover, in order."""

    statement: sp.Basic
    cover: Given
    context: tuple[Given, ...]
    cases: tuple[Hypothetical, ...]

    @property
    def fact(self) -> sp.Basic:
        return self.statement

    def verify(self) -> None:
        check_context(self, self.context)
        if self.cover not in self.context:
            raise self.fail("the cover is not one of the hypotheses")
        cov = _finite_cover(self.cover)
        if cov is None:
            raise self.fail(f"{self.cover.fact} is not a finite set of values")
        sym, values = cov
        if len(values) != len(self.cases):
            raise self.fail(f"{len(values)} values but {len(self.cases)} cases")
        for value, case in zip(values, self.cases):
            check_under(self, self.context, case, substitute(self.statement, {sym: value}),
                         _case_assumed(self.context, sym, value))


_KINK_HEADS = (sp.Abs, sp.sign, relu, sp.Heaviside)


def _kink_value(atom, u, s: int):
    """The value of a kink atom of ``u`` when ``sign(u) = s``, or ``None``."""
    if isinstance(atom, (sp.Max, sp.Min)) and len(atom.args) == 2:
        a, b = atom.args
        if sp.Add(a, -b) != u:
            return None
        if isinstance(atom, sp.Max):
            return a if s >= 0 else b
        return b if s > 0 else a
    if not isinstance(atom, _KINK_HEADS) or atom.args[0] != u:
        return None
    if isinstance(atom, sp.Abs):
        return u if s > 0 else (-u if s < 0 else sp.S.Zero)
    if isinstance(atom, sp.sign):
        return sp.Integer(s)
    if isinstance(atom, relu):
        return u if s > 0 else sp.S.Zero
    if len(atom.args) != 2 or not atom.args[1].is_Rational:
        return None
    return sp.S.One if s > 0 else (sp.S.Zero if s < 0 else atom.args[1])


def _kink_rewrite(statement, u, s: int):
    atoms = [a for a in statement.atoms(*_KINK_HEADS, sp.Max, sp.Min) if _kink_value(a, u, s) is not None]
    mapping = {a: _kink_value(a, u, s) for a in atoms}
    return substitute(statement, mapping)


_KINK_CONDITIONS = (
    (1, lambda u: sp.StrictGreaterThan(u, 0, evaluate=False)),
    (0, lambda u: sp.Equality(u, 0, evaluate=False)),
    (-1, lambda u: sp.StrictLessThan(u, 0, evaluate=False)),
)


@dataclass(frozen=True)
class KinkCases(Step):
    """Case split on the sign of ``u`` (``u > 0``, ``u = 0``, ``u < 0``
    cover the reals): in each case every ``|u|``, ``sign(u)``, ``relu(u)``,
    ``Heaviside(u, c)`` and two-argument ``max``/``min`` with difference
    ``u`` is replaced by its value in that case, and the resulting statement
    is proved with the case condition as an extra hypothesis."""

    statement: sp.Basic
    kink: sp.Expr
    context: tuple[Given, ...]
    cases: tuple[Hypothetical, ...]

    @property
    def fact(self) -> sp.Basic:
        return self.statement

    def verify(self) -> None:
        check_context(self, self.context)
        if len(self.cases) != 3 or self.kink.is_extended_real is not True:
            raise self.fail("a kink split needs three cases of a real quantity")
        for (s, cond), case in zip(_KINK_CONDITIONS, self.cases):
            check_under(self, self.context, case, _kink_rewrite(self.statement, self.kink, s),
                         (cond(self.kink),))


@dataclass(frozen=True)
class PiecewiseCases(Step):
    """Case split on the branches of ``piecewise`` (each branch's condition
    and the negations of the earlier ones; together they cover every point,
    as the last condition is ``True``): in each case the piecewise term is
    replaced by that branch's value and the statement is proved with the
    branch conditions as extra hypotheses."""

    statement: sp.Basic
    piecewise: sp.Piecewise
    context: tuple[Given, ...]
    cases: tuple[Hypothetical, ...]

    @property
    def fact(self) -> sp.Basic:
        return self.statement

    def verify(self) -> None:
        check_context(self, self.context)
        pw = self.piecewise
        if not isinstance(pw, sp.Piecewise) or pw.args[-1][1] is not sp.true:
            raise self.fail(f"{pw} is not a Piecewise with an otherwise branch")
        if not self.statement.has(pw):
            raise self.fail(f"{pw} does not occur in the statement")
        branches = piecewise_branches(pw)
        if len(branches) != len(self.cases):
            raise self.fail("one case per branch is needed")
        for (value, conds), case in zip(branches, self.cases):
            check_under(self, self.context, case, substitute(self.statement, {pw: value}), conds)


def finite_split(goal: Goal):
    """``(Split, symbol, values)`` over the finite set a hypothesis gives a
    symbol of the statement (``y = 0 ∨ y = 1``), or ``None``."""
    if not is_small(goal):
        return None
    for g in goal.context:
        cov = _finite_cover(g)
        if cov is None or cov[0] not in goal.statement.free_symbols:
            continue
        sym, values = cov
        cases = []
        for v in values:
            assumed = _case_assumed(goal.context, sym, v)
            cases.append(Goal(substitute(goal.statement, {sym: v}), goal.context).assuming(assumed, f"case {sym} = {v}"))

        def build(proofs, sym=sym, values=values, g=g):
            subs = tuple(Hypothetical(_case_assumed(goal.context, sym, v), p) for v, p in zip(values, proofs))
            return FiniteCases(goal.statement, g, goal.context, subs)

        return Split(tuple(cases), build), sym, values
    return None


def _kinks(statement) -> list:
    out = []
    for a in sorted(statement.atoms(*_KINK_HEADS, sp.Max, sp.Min), key=sp.default_sort_key):
        if isinstance(a, (sp.Max, sp.Min)):
            if len(a.args) == 2:
                out.append(sp.Add(a.args[0], -a.args[1]))
        elif a.args and a.args[0].is_extended_real and not a.args[0].is_number:
            out.append(a.args[0])
    return [u for i, u in enumerate(out) if u not in out[:i]]


def kink_split(goal: Goal) -> Split | None:
    """Split on the sign of the first kink argument (``u > 0``, ``u = 0``,
    ``u < 0``), or ``None`` when the statement has no kink."""
    if not is_small(goal):
        return None
    kinks = _kinks(goal.statement)
    if not kinks:
        return None
    u = kinks[0]
    cases = tuple(
        Goal(_kink_rewrite(goal.statement, u, s), goal.context).assuming([cond(u)], "kink case")
        for s, cond in _KINK_CONDITIONS
    )

    def build(proofs):
        subs = tuple(Hypothetical((cond(u),), p) for (_, cond), p in zip(_KINK_CONDITIONS, proofs))
        return KinkCases(goal.statement, u, goal.context, subs)

    return Split(cases, build)


def piecewise_split(goal: Goal) -> Split | None:
    """Split on the branches of the first ``Piecewise`` term, or ``None``."""
    if not is_small(goal):
        return None
    pws = sorted(goal.statement.atoms(sp.Piecewise), key=sp.default_sort_key)
    pws = [p for p in pws if p.args[-1][1] is sp.true]
    if not pws:
        return None
    pw = pws[0]
    branches = piecewise_branches(pw)
    cases = tuple(Goal(substitute(goal.statement, {pw: value}), goal.context).assuming(conds, "branch")
                  for value, conds in branches)

    def build(proofs):
        subs = tuple(Hypothetical(conds, p) for (_, conds), p in zip(branches, proofs))
        return PiecewiseCases(goal.statement, pw, goal.context, subs)

    return Split(cases, build)
