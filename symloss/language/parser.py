"""The safe expression parser: user text → SymPy, never ``eval``/``sympify``.

The text is parsed by Python's :mod:`ast` (``mode="eval"``) and the tree is
walked against a *whitelist*; every accepted node is turned into a SymPy
object by our own code.  What is accepted:

* numbers: integers, decimals (``0.1`` is the exact rational 1/10, ``1e-3``
  is 1/1000), ``True``/``False``; constants ``pi``, ``E`` (Euler's number, as
  SymPy prints it), ``oo``/``inf`` — unless the symbol table declares that
  name, in which case it is that symbol.  ``e`` is an ordinary symbol.
* names: ``[A-Za-z][A-Za-z0-9_]*``; ``lambda`` is allowed as a symbol name.
* ``+ - * / **``; ``^`` is refused (hint: use ``**``).
* comparisons ``< <= > >= == !=`` (chains ``a < b < c`` mean ``a < b and
  b < c``), ``and``/``or``/``not`` and, for SymPy's printed form of
  conditions, ``&``, ``|``, ``~`` on conditions only.
* calls of :data:`symloss.language.functions.VOCABULARY` functions, of the builtins
  passed in (the claim language) and of the names SymPy prints:
  ``Abs``, ``Max``, ``Min``, ``Heaviside``, ``sinh``, ``Eq``, ``Ne``,
  ``KroneckerDelta``, ``Piecewise``, ``Sum``.
* indexed families ``w[j]`` (real ``IndexedBase``), finite sums
  ``sum(body, j, lo, hi)`` or ``Sum(body, (j, lo, hi))``; inside the body of
  a sum over ``j``, ``x_j`` means ``x[j]`` (elsewhere ``x_j`` is just a
  symbol's name).  Summation indices and subscripts are integer symbols, a
  bare upper bound (``n``) a positive integer.

Builtins win over vocabulary names.  Values that are not real numbers
(``log(-1)``, ``1/0``, ``oo - oo``) are refused where they arise.

Limits (each refused with :class:`~symloss.errors.SymlossSyntaxError`, fast
and before any big number is built): input length, bracket and tree depth,
node count, exponent size (``|p|, q <= 1000``), size of exact numbers
(``2048`` bits), decimal exponent (``|e| <= 600``), operands of one call,
``and``/``or`` or comparison chain (100), and a wall-clock backstop (3 s)
for SymPy's own evaluation.
"""

from __future__ import annotations

from typing import Any, Mapping

from ..errors import InvalidArgument
from .domains import SymbolTable
from .grammar import ANY_KEYWORD, LIMITS, Builtin, Limits, function_names  # noqa: F401 - the parser's API
from .walker import read

__all__ = ["parse", "parse_expr", "Builtin", "ANY_KEYWORD", "LIMITS", "Limits", "function_names"]


def parse(
    text: str,
    symbols: SymbolTable | None = None,
    *,
    builtins: Mapping[str, Builtin] | None = None,
    names: Mapping[str, Any] | None = None,
    evaluate_conditions: bool = True,
    conditions: list | None = None,
    name_conditions: Mapping[str, Any] | None = None,
    infinity: bool = True,
):
    """Parse ``text`` into a SymPy object (or whatever a builtin returns).

    ``symbols`` supplies (and receives) the symbols — unchanged if the text
    is refused; ``names`` maps extra
    names to ready-made objects (e.g. ``L`` to the loss).  Operators applied
    to non-SymPy operands (claim objects from builtins) are delegated to a
    builtin registered under the operator's text if there is one: ``+ - *
    / ** < <= > >= == != and or not`` and ``neg``/``pos`` for unary minus
    and plus (``&``/``|``/``~`` use ``and``/``or``/``not``).

    ``conditions``, when a list, receives the definedness condition of every
    sub-expression as it is built (``log(u)`` needs ``u > 0``, ``1/u`` needs
    ``u != 0``, ``sqrt(u)`` needs ``u >= 0``) — before SymPy's automatic
    evaluation can cancel it: ``log(x) - log(x)`` reads as ``0`` but still
    records ``x > 0``.

    With ``infinity=False`` the constants ``oo``/``inf`` are refused: in a
    model, a loss or a claim infinity is a limit, not a value (``1/oo``
    would otherwise read as ``0``).  Domain endpoints keep them.

    ``name_conditions`` maps names of ``names`` to the definedness
    conditions of their objects (``L`` is defined only where the loss and
    the model are); they are recorded wherever the name is used, so
    ``at(L, w=0)`` carries them at ``w = 0`` only.

    With ``evaluate_conditions=False`` comparisons and ``and``/``or``/``not``
    stay as written (a claim such as ``x**2 >= 0`` must not be decided by
    SymPy while it is being read).

    >>> t = SymbolTable({"w": "real"})
    >>> parse("sigmoid(w*x + b)", t)
    sigmoid(b + w*x)
    >>> parse("0.1 + 1/3 < lambda", t)
    13/30 < lambda
    >>> parse("x**2 >= 0"), parse("x**2 >= 0 and 1 < 2", evaluate_conditions=False)
    (True, (1 < 2) & (x**2 >= 0))
    >>> parse("sum(w_j*x_j, j, 1, n)")
    Sum(w[j]*x[j], (j, 1, n))
    >>> parse("sigmoidd(x)")
    Traceback (most recent call last):
    ...
    symloss.errors.SymlossSyntaxError: unknown function 'sigmoidd' at column 1 (did you mean 'sigmoid'?)
    """
    table = symbols if symbols is not None else SymbolTable()
    if not isinstance(table, SymbolTable):
        raise InvalidArgument(f"symbols must be a SymbolTable, got {type(symbols).__name__}")
    return read(text, table, builtins=builtins, names=names, evaluate_conditions=evaluate_conditions,
                conditions=conditions, name_conditions=name_conditions, infinity=infinity)


#: Alias for :func:`parse`.
parse_expr = parse
