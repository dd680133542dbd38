"""The default sign-rule table: :data:`RULES` lists every rule with the
heads it applies to, in the order the driver tries them, and
:func:`default_rules` builds a fresh table from it.  Nothing is registered by
importing a module; a user can build a table of their own from any of the
rules.

The rules are small functions, one per expression head, in two families:
:mod:`.sign_elementary` (numbers, symbols, sums, products, powers, rewrites
of a sum) and :mod:`.sign_functions` (σ, softplus, ReLU, exp, log, max/min,
Piecewise …).  Each returns a :class:`~symloss.engine.sign_core.SignResult`
whose step re-checks itself by a sign table, and asks for the signs of
sub-expressions only through the driver (``ctx.sign(sub)``).

Each step class states its rule in its docstring and keeps every premise in
an explicit field; ``verify()`` checks (1) that ``expr`` really has the shape
the rule needs (rebuilding it from the fields and comparing structurally) and
(2) that the sign table turns the premises' facts into the conclusion.
"""

from __future__ import annotations

import sympy as sp

from ..calculus.proof import Given
from .sign_core import SignContext, SignRules
from .sum_sign import SumSign, sum_rule
from .sign_elementary import (
    AddSign,
    AssumptionSign,
    NumberSign,
    PowSign,
    ProductSign,
    Rewrite,
    SumOfSquares,
    add_rule,
    factor_rule,
    mul_rule,
    number_rule,
    pow_rule,
    sum_of_squares_rule,
    symbol_rule,
)
from .sign_functions import (
    FUNCTION_SIGNS,
    MONOTONE,
    BranchProof,
    ExtremumSign,
    FunctionSign,
    LogSign,
    MonotoneDifference,
    PiecewiseSign,
    RangeBound,
    extremum_rule,
    function_rule,
    log_rule,
    monotone_difference_rule,
    piecewise_branches,
    piecewise_rule,
    range_rule,
)

__all__ = [
    "RULES",
    "default_rules",
    "NumberSign",
    "AssumptionSign",
    "AddSign",
    "RangeBound",
    "MonotoneDifference",
    "Rewrite",
    "SumOfSquares",
    "SumSign",
    "ProductSign",
    "PowSign",
    "FunctionSign",
    "LogSign",
    "ExtremumSign",
    "BranchProof",
    "PiecewiseSign",
    "MONOTONE",
    "FUNCTION_SIGNS",
    "piecewise_branches",
]


def _ctx(*hypotheses):
    """A driver context for the examples: ``_ctx(x > 0)``."""
    return SignContext(tuple(Given(h, "example") for h in hypotheses), default_rules())


# --------------------------------------------------------------------------
# the default table

#: Every rule with the expression heads it applies to, in the order the
#: driver tries them for one head.
RULES = (
    (number_rule, (sp.Rational, sp.NumberSymbol)),
    (symbol_rule, (sp.Symbol,)),
    (add_rule, (sp.Add,)),
    (range_rule, (sp.Add,)),
    (monotone_difference_rule, (sp.Add,)),
    (sum_of_squares_rule, (sp.Add,)),
    (factor_rule, (sp.Add,)),
    (mul_rule, (sp.Mul,)),
    (pow_rule, (sp.Pow,)),
    (function_rule, (*FUNCTION_SIGNS, sp.Heaviside)),
    (log_rule, (sp.log,)),
    (extremum_rule, (sp.Max, sp.Min)),
    (piecewise_rule, (sp.Piecewise,)),
    (sum_rule, (sp.Sum,)),  # termwise, over a nonempty range (engine/sum_sign.py)
)


def default_rules() -> SignRules:
    """A fresh table of the rules in :data:`RULES` (extend it, or build a
    :class:`~symloss.engine.sign_core.SignRules` of your own).

    >>> [r.__name__ for r in default_rules().rules_for(sp.Symbol('x') + 1)][:2]
    ['add_rule', 'range_rule']
    """
    rules = SignRules()
    for rule, heads in RULES:
        rules.register(*heads)(rule)
    return rules

