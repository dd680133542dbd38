"""The printer table: how objects of the stages below render find their printers.

Results (:mod:`symloss.engine.verdict`), derivations
(:mod:`symloss.calculus.derive`) and relations (:mod:`symloss.engine.relate`)
offer ``latex()``, ``_repr_latex_()`` and readable reprs, but no stage below
:mod:`symloss.render` may import it (an import-linter contract in
pyproject.toml): the engine is read, tested and reused without the printers,
and a printer can change without touching the engine.

Those methods ask :func:`printer` for a printer by name.  :data:`PRINTERS` is
the one explicit table of which render function prints what; nothing
registers itself, at import time or later.  The render module is imported on
first use, by its dotted name: that lookup is the deliberate seam between
the stages and render, the only place a lower stage reaches render, and
tests/test_layering.py checks that every entry resolves to a callable.  This
module imports nothing of symloss at module level (a contract says so), so
any stage may import it.

>>> printer("one_line")(2 * __import__("sympy").Symbol("w"))
'2⋅w'
"""

from __future__ import annotations

import importlib
from typing import Callable

__all__ = ["PRINTERS", "printer"]

#: name -> "module:function" in symloss.render
PRINTERS: dict[str, str] = {
    "expr_latex": "symloss.render.latex:latex",
    "one_line": "symloss.render.pretty:one_line",
    "derivation_latex": "symloss.render.writeup:derivation_latex",
    "result_latex": "symloss.render.writeup:result_latex",
    "result_repr_latex": "symloss.render.writeup_notebook:result_repr_latex",
    "relation_repr_latex": "symloss.render.writeup_notebook:relation_repr_latex",
    "relation_refutation_text": "symloss.render.terminal:relation_refutation_text",
    "claim_text": "symloss.render.terminal:claim_text",
    "values_text": "symloss.render.terminal:values_text",
    "explanation_text": "symloss.render.terminal:explanation_text",
}


def printer(name: str) -> Callable:
    """The render function registered under ``name`` in :data:`PRINTERS`."""
    try:
        module, _, attr = PRINTERS[name].partition(":")
    except KeyError:
        from .errors import InvalidArgument

        raise InvalidArgument(f"no printer named {name!r}; known: {sorted(PRINTERS)}") from None
    return getattr(importlib.import_module(module), attr)
