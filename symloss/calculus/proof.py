"""Proof objects: small frozen dataclasses that re-check themselves.

Every proof symloss reports is a tree of :class:`Step` objects.  A step
states the fact it establishes (:attr:`Step.fact`, a SymPy boolean such as
``x**2 >= 0``), holds its premises as fields, and implements
:meth:`Step.verify`, which re-derives the fact from the premises' facts
*without* trusting whatever search produced the step.  :func:`check_proof`
walks the tree and verifies every node; a tree containing :class:`Gap` (the
explicit "don't know" node) never checks.

Rendering is not done here: the LaTeX printer (``symloss.render.latex``) has one
``_print_<StepClass>`` method per step class, in the style of SymPy's
printers.  Tactic modules define their own step classes next to the code that
builds them; this module holds only what every tactic shares.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, fields
from typing import Iterator

import sympy as sp

from ..errors import ProofCheckError

__all__ = [
    "Sign",
    "Step",
    "Given",
    "Gap",
    "check_proof",
    "iter_steps",
]


class Sign(enum.Enum):
    """What is known about the sign of a real quantity (Mathlib's
    ``Strictness`` plus the nonpositive side)."""

    POSITIVE = "> 0"
    NONNEGATIVE = ">= 0"
    NEGATIVE = "< 0"
    NONPOSITIVE = "<= 0"
    NONZERO = "!= 0"
    ZERO = "= 0"

    def relation(self, expr: sp.Expr) -> sp.Basic:
        """The SymPy relational ``expr <op> 0`` this sign asserts."""
        return {
            Sign.POSITIVE: sp.Gt,
            Sign.NONNEGATIVE: sp.Ge,
            Sign.NEGATIVE: sp.Lt,
            Sign.NONPOSITIVE: sp.Le,
            Sign.NONZERO: sp.Ne,
            Sign.ZERO: sp.Eq,
        }[self](expr, 0, evaluate=False)

    def implies(self, other: "Sign") -> bool:
        """Whether knowing ``self`` gives ``other`` (``> 0`` gives ``>= 0``)."""
        return other in _IMPLIES[self]

    def negate(self) -> "Sign":
        """The sign of ``-expr`` when ``expr`` has sign ``self``."""
        return _NEGATE[self]


_IMPLIES = {
    Sign.POSITIVE: {Sign.POSITIVE, Sign.NONNEGATIVE, Sign.NONZERO},
    Sign.NEGATIVE: {Sign.NEGATIVE, Sign.NONPOSITIVE, Sign.NONZERO},
    Sign.NONNEGATIVE: {Sign.NONNEGATIVE},
    Sign.NONPOSITIVE: {Sign.NONPOSITIVE},
    Sign.NONZERO: {Sign.NONZERO},
    Sign.ZERO: {Sign.ZERO, Sign.NONNEGATIVE, Sign.NONPOSITIVE},
}
_NEGATE = {
    Sign.POSITIVE: Sign.NEGATIVE,
    Sign.NEGATIVE: Sign.POSITIVE,
    Sign.NONNEGATIVE: Sign.NONPOSITIVE,
    Sign.NONPOSITIVE: Sign.NONNEGATIVE,
    Sign.NONZERO: Sign.NONZERO,
    Sign.ZERO: Sign.ZERO,
}


@dataclass(frozen=True)
class Step:
    """Base class of proof steps.  Subclasses are frozen dataclasses whose
    docstring states the rule; fields that are :class:`Step` (or tuples of
    steps) are premises.

    Subclasses implement :attr:`fact` and :meth:`verify`.  ``verify`` must
    raise :class:`~symloss.errors.ProofCheckError` when the step does not
    follow from its premises' facts; it must not call the search code that
    found the step.
    """

    @property
    def fact(self) -> sp.Basic:  # pragma: no cover - abstract
        raise NotImplementedError

    def verify(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def premises(self) -> tuple["Step", ...]:
        """The direct sub-steps, found from the dataclass fields."""
        out: list[Step] = []
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, Step):
                out.append(value)
            elif isinstance(value, tuple):
                out.extend(v for v in value if isinstance(v, Step))
                for v in value:
                    if isinstance(v, tuple):
                        out.extend(u for u in v if isinstance(u, Step))
        return tuple(out)

    def fail(self, why: str) -> ProofCheckError:
        return ProofCheckError(f"{type(self).__name__}: {why}")


@dataclass(frozen=True)
class Given(Step):
    """A hypothesis: a symbol's declared domain or a user assumption.

    ``source`` says where it comes from (``"domain of x"``, ``"assume[0]"``).
    Its check is that it is one of the hypotheses the claim was stated under,
    which the caller passes to :func:`check_proof`.
    """

    statement: sp.Basic
    source: str

    @property
    def fact(self) -> sp.Basic:
        return self.statement

    def verify(self) -> None:
        pass  # checked against the hypotheses by check_proof


@dataclass(frozen=True)
class Gap(Step):
    """The explicit "don't know" node: ``goal`` was needed and not shown.

    A proof containing a gap never checks; gaps make it visible, in the
    rendered proof, which step failed.
    """

    goal: sp.Basic
    reason: str

    @property
    def fact(self) -> sp.Basic:
        return self.goal

    def verify(self) -> None:
        raise self.fail(f"unproved goal {self.goal}: {self.reason}")


def iter_steps(step: Step) -> Iterator[Step]:
    """All steps of a proof tree, root first."""
    stack = [step]
    while stack:
        s = stack.pop()
        yield s
        stack.extend(reversed(s.premises()))


def check_proof(step: Step, hypotheses: "set[sp.Basic] | frozenset | None" = None, *,
                deadline: float | None = None) -> None:
    """Re-verify every step of the tree rooted at ``step``.

    ``hypotheses`` are the facts a :class:`Given` may cite (domain facts and
    assumptions of the claim).  Raises :class:`ProofCheckError` on the first
    failure; returns ``None`` when the whole tree checks.  With ``deadline``
    (a ``time.monotonic()`` value) a check still running then fails too: a
    proof is only accepted once it has been re-checked in full.
    """
    if deadline is None:
        _check(step, hypotheses)
        return
    from .time_limit import OutOfTime, time_limit

    try:
        with time_limit(deadline):
            _check(step, hypotheses)
    except OutOfTime:
        raise ProofCheckError(f"the re-check of {type(step).__name__} ran out of time") from None


def _check(step: Step, hypotheses) -> None:
    allowed = set(hypotheses or ())
    for s in iter_steps(step):
        if isinstance(s, Given) and s.statement not in allowed:
            raise ProofCheckError(
                f"Given: {s.statement} ({s.source}) is not a hypothesis of this claim"
            )
        s.verify()
