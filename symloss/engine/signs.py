"""The sign engine: decide the sign of a real expression, with a proof.

Design (after Mathlib's ``positivity``): one or more *rules* apply per
expression head (``Add``, ``Mul``, ``exp``, ``sigmoid``, ...).  A rule looks at
the top of an expression, asks the driver for the signs of sub-expressions
(``ctx.sign(sub)``) and returns a :class:`SignResult` -- the sign together with
a proof step -- or ``None``.  Rules never call each other.  The driver also
reads the hypotheses (``x > 0``, ``Eq(y, 0) | Eq(y, 1)``, ``Ne(x, 0)``, ...)
and combines everything it learned about one expression ("nonnegative" and
"nonzero" give "positive") in a :class:`Combine` step.

Signs are handled internally as *sign sets*: subsets of ``{-1, 0, 1}`` (the
possible values of ``sign(expr)``).  Every rule's check is a small table over
these sets, so each ``verify()`` is a few lines that anyone can audit.

>>> import sympy as sp
>>> from symloss.language.functions import sigmoid
>>> x = sp.Symbol('x', real=True)
>>> r = sign_of(x**2 * sigmoid(x) + 1)
>>> r.sign
<Sign.POSITIVE: '> 0'>
>>> from symloss.calculus.proof import check_proof
>>> check_proof(r.step)
"""

from __future__ import annotations

from typing import Iterable

import sympy as sp

from ..calculus.proof import Given, Sign
from ..errors import InvalidArgument
from .sign_core import (  # noqa: F401 - the engine's vocabulary, re-exported for the rest of symloss
    _as_expr,
    ALL,
    Combine,
    DeadlineExceeded,
    HypothesisSign,
    Rule,
    SignContext,
    SignResult,
    SignRules,
    SignStep,
    fact_sign,
    set_add,
    set_mul,
    set_sign,
    sign_set,
    signs_from_statement,
)
from .sign_rules import default_rules

__all__ = [
    "SignResult",
    "SignRules",
    "SignContext",
    "DEFAULT_RULES",
    "default_rules",
    "prove_sign",
    "sign_of",
    "SignStep",
    "Combine",
    "HypothesisSign",
    "sign_set",
    "set_sign",
    "signs_from_statement",
]

#: The rule table :func:`sign_of` and :func:`prove_sign` use unless given
#: another, built once here from :func:`~symloss.engine.sign_rules.default_rules`
#: (``default_rules()`` gives a fresh one to extend; ``DEFAULT_RULES.copy()``
#: too).  Nothing is registered on it by importing anything.
DEFAULT_RULES = default_rules()


def _context(hypotheses, rules, deadline) -> SignContext:
    given = []
    for i, h in enumerate(hypotheses):
        if isinstance(h, Given):
            given.append(h)
        elif isinstance(h, sp.Basic):
            if h is not sp.true:
                given.append(Given(h, f"hypothesis {i}"))
        else:
            raise InvalidArgument(f"hypothesis {h!r} is not a SymPy boolean")
    return SignContext(tuple(given), rules, deadline)


def sign_of(expr: sp.Expr, hypotheses: Iterable = (), *, rules: SignRules = DEFAULT_RULES,
            deadline: float | None = None) -> SignResult | None:
    """The strongest sign of ``expr`` the rules can justify from the
    hypotheses (SymPy booleans) and the symbols' assumptions, or ``None``.

    ``deadline`` is a :func:`time.monotonic` instant after which the search
    gives up (returning ``None``).

    >>> x = sp.Symbol('x', real=True)
    >>> sign_of(x - 1, [x > 1]).sign
    <Sign.POSITIVE: '> 0'>
    >>> sign_of(x - 1) is None
    True
    """
    ctx = _context(hypotheses, rules, deadline)
    try:
        return ctx.sign(_as_expr(expr))
    except DeadlineExceeded:
        return None


def prove_sign(expr: sp.Expr, goal: Sign, hypotheses: Iterable = (), *,
               rules: SignRules = DEFAULT_RULES, deadline: float | None = None
               ) -> SignResult | None:
    """A proof of ``expr <goal> 0``, or ``None``.  The returned step's fact is
    exactly ``goal.relation(expr)`` (weakened with :class:`Combine` when the
    engine found something stronger).

    >>> from symloss.language.functions import sigmoid
    >>> z = sp.Symbol('z', real=True)
    >>> prove_sign(sigmoid(z) * (1 - sigmoid(z)), Sign.NONNEGATIVE).step.fact
    (1 - sigmoid(z))*sigmoid(z) >= 0
    """
    if not isinstance(goal, Sign):
        raise InvalidArgument(f"goal must be a symloss.calculus.proof.Sign, got {goal!r}")
    r = sign_of(expr, hypotheses, rules=rules, deadline=deadline)
    if r is None or not sign_set(r.sign) <= sign_set(goal):
        return None
    if r.sign == goal:
        return r
    return SignResult(goal, Combine(r.expr, goal, (r.step,)))

