"""What the text language accepts, and what a call records.

The parser's tables, apart from the tree walk (:mod:`.walker`) that reads
them: the resource :class:`Limits` of one parse, :class:`Builtin` (an extra
function such as the claim language's ``d``/``argmin``/``at``), the names
and constants the text may use, the operators refused or accepted, the
spelling of names (:data:`NAME_PATTERN`), and the definedness conditions a
call records *as written*, before SymPy's automatic evaluation can rewrite
the node (``log(u)`` needs ``u > 0``, ``1/u`` needs ``u != 0``).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import Any, Callable, Mapping

import sympy as sp
from sympy.logic.boolalg import Boolean

from . import kernel
from .functions import VOCABULARY, definedness_conditions, needs_kernel

__all__ = ["ANY_KEYWORD", "Builtin", "LIMITS", "Limits", "NAME_PATTERN", "function_names"]

#: What a name may look like (ASCII letter first; symbols, families, builtins).
NAME_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")

#: Put in ``Builtin.keywords`` to accept any keyword name (``at(E, w=1/2)``).
ANY_KEYWORD = "*"


@dataclass(frozen=True)
class Limits:
    """Resource bounds of one parse."""

    max_length: int = 10_000
    max_depth: int = 100
    max_nodes: int = 5_000
    max_exponent: int = 1_000
    max_bits: int = 2_048
    max_decimal_exponent: int = 600
    max_args: int = 100
    max_seconds: float = 3.0


LIMITS = Limits()


@dataclass(frozen=True)
class Builtin:
    """An extra function of the text language (``d``, ``argmin``, ``at`` …).

    ``call(args, kwargs, column)`` receives the already-parsed positional
    arguments (SymPy objects or whatever nested builtins returned; a
    parenthesised tuple arrives as a Python tuple), the keyword arguments
    (only names listed in ``keywords`` are accepted; ``ANY_KEYWORD`` accepts
    all) and the 1-based column of the call, and returns any object.
    ``arity`` is ``(min, max)`` positional arguments, ``max=None`` for no
    limit.
    """

    name: str
    call: Callable[[list, dict, int], Any]
    arity: tuple[int, int | None] = (1, 1)
    keywords: frozenset = frozenset()
    doc: str = ""
    #: A call that also scopes the definedness conditions of its arguments
    #: (used instead of ``call`` when given): ``scope(args, kwargs, column,
    #: positional, keyword)`` also receives the conditions recorded while
    #: each positional argument (a list per argument) and each keyword
    #: argument (a dict of lists) was built, and returns ``(value,
    #: conditions)``: the conditions the value carries (``at(E, w=a)`` puts
    #: ``a`` into E's conditions; ``argmin(E, w)`` keeps those about the
    #: bound w inside its own meaning).  ``None``: every condition stays as
    #: recorded.
    scope: Callable[[list, dict, int, list, dict], tuple] | None = None
    #: Called with no argument just before the call's arguments are built
    #: (``None``: nothing to do), so a built-in can tell what its own
    #: arguments built (``at`` re-targets the minimisers built inside it).
    enter: Callable[[], None] | None = None


_PLACEHOLDER = "_lmbda"  # same length as 'lambda' so columns stay right
_LAMBDA_RE = re.compile(r"\blambda\b")

_CONSTANTS = {"pi": sp.pi, "E": sp.E, "oo": sp.oo, "inf": sp.oo}
_NOT_REAL = {"nan", "zoo"}

# functions SymPy prints that are not in the vocabulary (for round trips)
_PRINTED = {
    "Abs": ("abs", sp.Abs, (1, 1)),
    "Max": ("max", sp.Max, (2, None)),
    "Min": ("min", sp.Min, (2, None)),
    "Heaviside": ("Heaviside", sp.Heaviside, (1, 2)),
    "sinh": ("sinh", sp.sinh, (1, 1)),
    "Eq": ("Eq", sp.Eq, (2, 2)),
    "Ne": ("Ne", sp.Ne, (2, 2)),
    "KroneckerDelta": ("KroneckerDelta", sp.KroneckerDelta, (2, 2)),  # d/dw[k] of a Sum
}
_SPECIAL = {"sum", "Sum", "Piecewise"}

_OPS = {
    ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**",
    ast.Mod: "%", ast.FloorDiv: "//", ast.MatMult: "@", ast.LShift: "<<",
    ast.RShift: ">>", ast.BitAnd: "&", ast.BitOr: "|", ast.BitXor: "^",
}
_CMP = {
    ast.Lt: ("<", sp.Lt), ast.LtE: ("<=", sp.Le), ast.Gt: (">", sp.Gt),
    ast.GtE: (">=", sp.Ge), ast.Eq: ("==", sp.Eq), ast.NotEq: ("!=", sp.Ne),
}
_REFUSED = {
    ast.Attribute: "attribute access is", ast.Lambda: "lambda expressions are",
    **dict.fromkeys([ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp], "comprehensions are"),
    ast.JoinedStr: "f-strings are", ast.FormattedValue: "f-strings are", ast.List: "lists are",
    ast.Dict: "dicts are", ast.Set: "sets are", ast.NamedExpr: "assignments (:=) are",
    ast.Starred: "starred arguments are", ast.Slice: "slices are",
    ast.IfExp: "if-else expressions (use where(c, a, b)) are",
    **dict.fromkeys([ast.Await, ast.Yield, ast.YieldFrom], "await/yield is"),
}
_GREEK = ("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi "
          "rho sigma tau upsilon phi chi psi omega").split()
#: ASCII spellings suggested for common non-ASCII characters in error hints.
_ASCII_FOR = {
    **{chr(0x3B1 + k + (k > 16)): name for k, name in enumerate(_GREEK)},
    **{chr(0x391 + k + (k > 16)): name.capitalize() for k, name in enumerate(_GREEK)},
    "\u03c2": "sigma", "\u03d5": "phi", "\u2264": "<=", "\u2265": ">=", "\u2260": "!=",
    "\u2212": "-", "\u00d7": "*", "\u00b7": "*", "\u2219": "*", "\u221e": "inf", "\u00b2": "**2",
}
_DECIMAL = re.compile(r"(\d[\d_]*)?(?:\.(\d[\d_]*)?)?(?:[eE]([+-]?\d[\d_]*))?\Z")


def function_names(builtins: Mapping[str, Builtin] | None = None) -> list[str]:
    """Every callable name the parser accepts (vocabulary, printed SymPy
    names, sums, and the given builtins), sorted.

    >>> 'sigmoid' in function_names() and 'Sum' in function_names()
    True
    """
    return sorted(set(VOCABULARY) | set(_PRINTED) | _SPECIAL | set(builtins or {}))


def _head_conditions(value: sp.Expr) -> list:
    """Definedness conditions of the top node of ``value`` only (its
    sub-expressions were built, and recorded, by earlier calls)."""
    if isinstance(value, sp.log):
        return [sp.Gt(value.args[0], 0, evaluate=False)]
    if isinstance(value, sp.Pow):
        base, exp = value.args
        while isinstance(base, sp.Pow) and base.exp.is_Integer and base.exp > 0 and exp.is_Integer:
            base = base.base  # b**k != 0 exactly when b != 0
        d = sp.Dummy("base", real=True)
        with sp.evaluate(False):
            return [c.xreplace({d: base}) for c in definedness_conditions(sp.Pow(d, exp, evaluate=False))]
    return []


#: Heads whose definedness is a condition on their arguments.
_CONDITIONED = (sp.log, sp.sqrt, sp.Pow)


def _call_conditions(fn, args) -> list:
    """The definedness conditions of ``fn(*args)`` as written: taken from the
    unevaluated node, before SymPy can rewrite it (``exp(log(z))`` to ``z``,
    ``sqrt(w)**2`` to ``w``)."""
    if fn not in _CONDITIONED:
        return []
    args = [sp.sympify(a) for a in args]
    if not all(isinstance(a, sp.Expr) for a in args):
        return []
    with sp.evaluate(False):
        node = fn(*args)
    return _head_conditions(node)


def _certainly_zero(v) -> bool:
    """``v`` is 0: a closed number by the kernel, otherwise by its symbols'
    declared assumptions (never SymPy's guess about a closed number)."""
    if v.is_number:
        return kernel.sign_of(v) == 0
    return not needs_kernel(v) and v.is_zero is True


def _is_expr(v) -> bool:
    return isinstance(v, sp.Expr)


def _is_bool(v) -> bool:
    # SymPy symbols are Boolean *and* Expr; a condition is Boolean only.
    return isinstance(v, Boolean) and not isinstance(v, sp.Expr)


def _bits(r: sp.Rational) -> int:
    return max(abs(int(r.p)).bit_length(), int(r.q).bit_length())
