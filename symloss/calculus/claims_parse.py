"""The logical skeleton of a claim: ``and``/``or``/``not``, ``implies`` and
comparisons parsed here so that nothing is evaluated by SymPy, every leaf
going to the safe parser with the claim language's built-ins."""

from __future__ import annotations

import ast
import re
from typing import Any

import sympy as sp

from .claims_builtins import _name_conditions, _names, _table_copy
from .claims_logic import connective, with_existence
from .claims_terms import _Relation
from ..errors import SymlossSyntaxError
from ..language.names import check_leibniz, check_names

__all__ = ["parse_text"]

_CMP = {ast.Lt: sp.Lt, ast.LtE: sp.Le, ast.Gt: sp.Gt, ast.GtE: sp.Ge, ast.Eq: sp.Eq, ast.NotEq: sp.Ne}


class _Structured:
    """Parse the logical skeleton of a claim (and/or/not, implies,
    comparisons) ourselves, so that comparisons stay *unevaluated*: SymPy
    would otherwise decide ``x**2 >= 0`` or ``a == a`` while parsing, and a
    claim must never be proved by an unchecked evaluation.  Every leaf (each
    side of a comparison, every other sub-expression) goes to the safe
    parser; errors keep columns of the whole text."""

    def __init__(self, problem, text: str, builtins, terms: list | None = None):
        from ..language.parser import parse

        self.parse = parse
        self.text = text
        self.table = _table_copy(problem)
        self.names = _names(problem)
        self.name_conditions = _name_conditions(problem)
        self.builtins = builtins
        self.conditions: list = []  # definedness of every sub-expression, recorded before evaluation
        self.terms = terms if terms is not None else []  # argmin terms the built-ins build

    def leaf(self, start: int, end: int):
        sub = self.text[start:end]
        try:
            return self.parse(sub, self.table, builtins=self.builtins, names=self.names,
                              conditions=self.conditions, name_conditions=self.name_conditions,
                              infinity=False)
        except SymlossSyntaxError as exc:
            col = None if exc.column is None else exc.column + start
            raise SymlossSyntaxError(exc.message, self.text, col) from None

    def run(self):
        text = self.text
        if "\n" in text or not text.strip():
            return self.leaf(0, len(text))
        from ..language.parser import LIMITS

        if len(text) > LIMITS.max_length or _bracket_depth(text) > LIMITS.max_depth:
            return self.leaf(0, len(text))  # the safe parser refuses it with its message
        src = re.sub(r"\blambda\b", "_lmbda", text)
        offset = len(src) - len(src.lstrip())
        try:
            tree = ast.parse(src.lstrip(), mode="eval").body
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return self.leaf(0, len(text))
        try:
            return self.walk(tree, offset)
        except RecursionError:
            raise SymlossSyntaxError("claim nested too deeply", self.text, None) from None

    def span(self, node, offset):
        return node.col_offset + offset, node.end_col_offset + offset

    def boolean(self, value, node, offset):
        if isinstance(value, sp.Basic) and not isinstance(value, sp.Expr):
            return value
        if isinstance(value, _Relation):
            raise SymlossSyntaxError(f"{value.kind}(...) must be the whole claim", self.text, node.col_offset + offset + 1)
        raise SymlossSyntaxError(f"expected a statement, got {value}", self.text, node.col_offset + offset + 1)

    def walk(self, node, offset):
        if isinstance(node, ast.BoolOp):
            parts = [self.boolean(self.walk(v, offset), v, offset) for v in node.values]
            return connective("and" if isinstance(node.op, ast.And) else "or", *parts)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return connective("not", self.boolean(self.walk(node.operand, offset), node.operand, offset))
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "implies"
                and len(node.args) == 2 and not node.keywords):
            p, q = (self.boolean(self.walk(a, offset), a, offset) for a in node.args)
            return connective("implies", p, q)
        if isinstance(node, ast.Compare) and all(type(op) in _CMP for op in node.ops):
            sides = [node.left, *node.comparators]
            before = len(self.terms)
            values = []
            for s in sides:
                v = self.leaf(*self.span(s, offset))
                if not isinstance(v, sp.Expr):
                    kind = v.kind if isinstance(v, _Relation) else "a statement"
                    raise SymlossSyntaxError(f"comparisons need expressions on both sides, got {kind}", self.text,
                                             s.col_offset + offset + 1)
                values.append(v)
            rels = [_CMP[type(op)](a, b, evaluate=False) for op, a, b in zip(node.ops, values, values[1:])]
            rel = rels[0] if len(rels) == 1 else sp.And(*rels, evaluate=False)
            # a minimiser the text mentions still counts where SymPy cancelled it (t - t, 0*t, d(t, w))
            return with_existence(rel, self.terms[before:])
        return self.leaf(*self.span(node, offset))



def _bracket_depth(text: str) -> int:
    depth = deepest = 0
    for ch in text:
        if ch in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in ")]}":
            depth -= 1
    return deepest



def _parse(problem, text: str, builtins, conditions: list | None = None, terms: list | None = None) -> Any:
    check_leibniz(problem, text)
    st = _Structured(problem, text, builtins, terms)
    before = set(st.table)
    value = st.run()
    created = [n for n in st.table if n not in before and not st.table.is_indexed(n)
               and st.table.domain(n).kind != "integer"]  # summation indices and bounds are bound names
    exprs = [value.a, value.b, value.var] if isinstance(value, _Relation) else [value]
    check_names(problem, text, exprs, created)
    if conditions is not None:
        conditions.extend(c for c in st.conditions if c not in conditions)
    return value



parse_text = _parse
