"""The tree walk of the parser: Python's ``ast`` of the text, checked against
the whitelist of :mod:`.grammar` node by node, each accepted node built
into SymPy by our own code (every node through :func:`.kernel.build`), the
definedness condition of each node recorded as written.

:func:`read` parses into a given symbol table; :func:`.parser.parse` is the
public entry point (it supplies a fresh :class:`~.domains.SymbolTable`).
This module does not import :mod:`.domains`, so domain strings can use the
expression language for their numbers (``(0, log(2)]``).
"""

from __future__ import annotations

import ast
import difflib
import math
import re
import time
import warnings
from fractions import Fraction
from typing import Any, Mapping

import sympy as sp

from ..errors import DomainError, SymlossError, SymlossSyntaxError
from . import kernel
from .functions import VOCABULARY
from .grammar import (
    _ASCII_FOR, _CMP, _CONSTANTS, _DECIMAL, _LAMBDA_RE, _NOT_REAL, _OPS, _PLACEHOLDER, _PRINTED, _REFUSED,
    _SPECIAL, ANY_KEYWORD, LIMITS, NAME_PATTERN, Builtin, _bits, _call_conditions, _certainly_zero,
    _is_bool, _is_expr, function_names,
)

__all__ = ["read"]


def read(text: str, table, *, builtins: Mapping[str, Builtin] | None = None,
         names: Mapping[str, Any] | None = None, evaluate_conditions: bool = True,
         conditions: list | None = None, name_conditions: Mapping[str, Any] | None = None,
         infinity: bool = True):
    """``text`` parsed into the symbol table ``table`` (see
    :func:`.parser.parse` for the arguments); a refused text leaves the
    table as it was."""
    state = table.checkpoint()
    try:
        parser = _Parser(text, table, builtins, names, evaluate_conditions, name_conditions, infinity)
        value = parser.run()
        if conditions is not None:
            conditions.extend(c for c in parser.conditions if c not in conditions)
        return value
    except BaseException:
        table.rollback(state)  # a refused text leaves no symbols behind
        raise


class _Parser:
    """One parse: holds the text, the table and the limits (no globals)."""

    def __init__(self, text, symbols, builtins, names, evaluate_conditions=True, name_conditions=None,
                 infinity=True):
        self.text = text
        self.infinity = infinity
        self.name_conditions = dict(name_conditions or {})
        self.cond_kw = {} if evaluate_conditions else {"evaluate": False}
        self.conditions: list = []  # definedness of every node built (see parse)
        self.table = symbols
        self.builtins = dict(builtins or {})
        self.names = dict(names or {})
        self.limits = LIMITS
        self.deadline = time.perf_counter() + self.limits.max_seconds
        self.line_starts = [0]

    # -- errors ----------------------------------------------------------
    def fail(self, message: str, column: int | None, hint: str | None = None):
        msg = message + (f" at column {column}" if column is not None else "")
        if hint:
            msg += f" ({hint})"
        raise SymlossSyntaxError(msg, self.text, column)

    def col(self, node) -> int | None:
        lineno = getattr(node, "lineno", None)
        if lineno is None:
            return None
        return self.line_starts[lineno - 1] + node.col_offset + 1

    def segment(self, node, limit: int = 40) -> str:
        try:
            start = self.line_starts[node.lineno - 1] + node.col_offset
            end = self.line_starts[node.end_lineno - 1] + node.end_col_offset
        except (AttributeError, TypeError, IndexError):
            return "?"
        s = self.text[start:end]
        return s if len(s) <= limit else s[: limit - 3] + "..."

    def op_column(self, node, op: str) -> int | None:
        """Column of the operator token of a BinOp (falls back to the node)."""
        left, right = node.left, node.right
        try:
            start = self.line_starts[left.end_lineno - 1] + left.end_col_offset
            end = self.line_starts[right.lineno - 1] + right.col_offset
        except (AttributeError, TypeError, IndexError):
            return self.col(node)
        i = self.text.find(op, start, end)
        return i + 1 if i >= 0 else self.col(node)

    # -- stage 1: text checks and ast.parse --------------------------------
    def run(self):
        text = self.text
        if not isinstance(text, str):
            raise SymlossSyntaxError(f"expected a string to parse, got {type(text).__name__}", "", None)
        if len(text) > self.limits.max_length:
            self.fail(f"input too long ({len(text)} characters, at most {self.limits.max_length})", None)
        if not text.strip():
            self.fail("empty expression", None)
        depth = 0
        for i, ch in enumerate(text):
            if ch == "\n" or (ch == "\r" and text[i + 1 : i + 2] != "\n"):
                self.line_starts.append(i + 1)  # Python's line breaks: \n, \r\n, \r
            if not (" " <= ch <= "~" or ch in "\t\n\r"):
                ascii_ = _ASCII_FOR.get(ch)
                self.fail(f"character {ch!r} is not allowed", i + 1,
                          f"write {ascii_!r} instead" if ascii_ else "use ASCII, e.g. lambda, sigma, <=")
            if ch in "([{":
                depth += 1
                if depth > self.limits.max_depth:
                    self.fail(f"brackets nested deeper than {self.limits.max_depth}", i + 1)
            elif ch in ")]}":
                depth -= 1
        m = re.search(r"\b" + _PLACEHOLDER + r"\b", text)
        if m:
            self.fail(f"bad name {_PLACEHOLDER!r}: names start with a letter", m.start() + 1)
        # Python refuses leading indentation: parse from the first non-blank
        # character and keep columns relative to the whole text.
        off = len(text) - len(text.lstrip())
        self.line_starts = [off] + [s for s in self.line_starts if s > off]
        tree = self._ast_parse(text[off:])
        self._check_tree(tree)
        try:
            return self.build(tree.body, frozenset())
        except RecursionError:
            self.fail("expression too deeply nested", None)

    def _ast_parse(self, text: str) -> ast.Expression:
        def attempt(src):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return ast.parse(src, mode="eval")

        try:
            try:
                return attempt(text)
            except SyntaxError as first:
                if not _LAMBDA_RE.search(text):
                    raise
                try:
                    return attempt(_LAMBDA_RE.sub(_PLACEHOLDER, text))
                except SyntaxError:
                    raise first from None
        except SyntaxError as e:
            col = None
            if e.lineno is not None and e.offset is not None and e.lineno <= len(self.line_starts):
                col = self.line_starts[e.lineno - 1] + e.offset
            if e.offset is not None and e.offset < 1 or e.lineno is not None and e.lineno > len(self.line_starts):
                # Python places an error at the end of the input at offset 0:
                # point just past the last character written ('w*x +' → 6)
                col = len(text.rstrip()) + 1
            msg = (e.msg or "invalid syntax").replace(_PLACEHOLDER, "lambda")
            if col == len(text.rstrip()) + 1 and msg == "invalid syntax":
                msg = "the expression ends too early"
            if "Exceeds the limit" in msg:
                msg = "integer literal too long"
            self.fail(f"invalid syntax: {msg}", col)
        except (RecursionError, MemoryError):
            self.fail("expression too deeply nested or too complex", None)
        except ValueError as e:  # e.g. int literal over the digit limit
            self.fail(f"invalid input: {e}", None)

    # -- stage 2: whitelist walk, limits, index/bound/family declarations --
    def _check_tree(self, tree: ast.Expression) -> None:
        families: dict[str, ast.AST] = {}
        bounds: dict[str, ast.AST] = {}
        indices: dict[str, ast.AST] = {}
        count = 0
        chain = {ast.Add: 1, ast.Sub: 1, ast.Mult: 2, ast.Div: 2}
        stack = [(tree.body, 1, frozenset(), False)]
        while stack:
            node, depth, scope, in_index = stack.pop()
            count += 1
            if count > self.limits.max_nodes:
                self.fail(f"expression too large (more than {self.limits.max_nodes} parts)", None)
            if depth > self.limits.max_depth:
                self.fail(f"expression nested deeper than {self.limits.max_depth}", self.col(node))
            t = type(node)
            if t in _REFUSED:
                self.fail(f"{_REFUSED[t]} not allowed: {self.segment(node)!r}", self.col(node))
            if t is ast.Constant:
                self._check_constant(node)
                continue
            if t is ast.Name:
                name = self._name(node)
                if in_index and name not in self.names and name not in _CONSTANTS:
                    indices.setdefault(name, node)
                split = self._split_indexed(name, scope)
                if split:
                    families.setdefault(split[0], node)
                continue
            children: list = []
            if t is ast.BinOp:
                k = chain.get(type(node.op), 0)
                left_same = k and chain.get(type(getattr(node.left, "op", None)), -1) == k \
                    and isinstance(node.left, ast.BinOp)
                stack.append((node.left, depth if left_same else depth + 1, scope, in_index))
                stack.append((node.right, depth + 1, scope, in_index))
                continue
            width = len(getattr(node, "values", ())) + len(getattr(node, "ops", ())) \
                + len(getattr(node, "args", ())) + len(getattr(node, "keywords", ())) \
                + len(getattr(node, "elts", ()))
            if t is not ast.Expression and width > self.limits.max_args:
                self.fail(f"too many operands or arguments ({width}, at most {self.limits.max_args}) in "
                          f"{self.segment(node)!r}", self.col(node))
            if t in (ast.UnaryOp, ast.BoolOp, ast.Compare, ast.Tuple):
                children = list(ast.iter_child_nodes(node))
                children = [c for c in children if isinstance(c, ast.expr)]
            elif t is ast.Subscript:
                if not isinstance(node.value, ast.Name):
                    self.fail(f"only names can be indexed: {self.segment(node)!r}", self.col(node))
                families.setdefault(self._name(node.value), node.value)
                stack.append((node.slice, depth + 1, scope, True))
                continue
            elif t is ast.Call:
                if not isinstance(node.func, ast.Name):
                    self.fail(f"only named functions can be called: {self.segment(node.func)!r}",
                              self.col(node))
                fname = self._name(node.func)
                for kw in node.keywords:
                    if kw.arg is None:
                        self.fail(f"'**' arguments are not allowed in {fname}()", self.col(kw.value))
                    stack.append((kw.value, depth + 1, scope, in_index))
                inner = scope
                if fname in ("sum", "Sum") and fname not in self.builtins:
                    limits = self._sum_limits(node, fname)
                    for var, lo, hi in limits:
                        indices.setdefault(self._name(var), var)
                        inner = inner | {self._name(var)}
                        if isinstance(lo, ast.Name):
                            indices.setdefault(self._name(lo), lo)
                        if isinstance(hi, ast.Name):
                            bounds.setdefault(self._name(hi), hi)
                    stack.append((node.args[0], depth + 1, inner, in_index))
                    for var, lo, hi in limits:
                        stack.append((lo, depth + 1, scope, True))
                        stack.append((hi, depth + 1, scope, True))
                    continue
                children = list(node.args)
            elif t is ast.Expression:
                children = [node.body]
            else:
                self.fail(f"{t.__name__} is not allowed: {self.segment(node)!r}", self.col(node))
            for c in children:
                stack.append((c, depth + 1, scope, in_index))
        self._declare(families, bounds, indices)

    def _declare(self, families, bounds, indices) -> None:
        try:
            for name, node in families.items():
                self.table.indexed(name)
            for name, node in bounds.items():
                if name not in families:
                    self.table.bound(name)
            for name, node in indices.items():
                if name not in families:
                    self.table.index(name)
        except DomainError as e:
            self.fail(str(e), self.col(node))

    def _check_constant(self, node) -> None:
        v = node.value
        if isinstance(v, bool) or isinstance(v, (int, float)):
            return
        what = {str: "strings are", bytes: "bytes are", complex: "complex numbers are"}.get(
            type(v), f"{v!r} is")
        self.fail(f"{what} not allowed: {self.segment(node)!r}", self.col(node))

    def _sum_limits(self, node, fname):
        """[(var, lo, hi)] of a sum call, checked for shape."""
        args = node.args
        if node.keywords:
            self.fail(f"{fname}() takes no keyword arguments", self.col(node))
        if fname == "sum":
            if len(args) != 4:
                self.fail(f"sum() takes 4 arguments (body, index, lower, upper), got {len(args)}",
                          self.col(node))
            lims = [(args[1], args[2], args[3])]
        else:
            if len(args) < 2 or not all(isinstance(a, ast.Tuple) and len(a.elts) == 3 for a in args[1:]):
                self.fail("Sum() takes a body and limits (index, lower, upper)", self.col(node))
            lims = [tuple(a.elts) for a in args[1:]]
        for var, _, _ in lims:
            if not isinstance(var, ast.Name):
                self.fail(f"summation index must be a name, got {self.segment(var)!r}", self.col(var))
        return lims

    def _name(self, node) -> str:
        """The user's name of a Name node (maps the lambda placeholder back)."""
        name = node.id
        if name == _PLACEHOLDER:  # the user's text cannot contain it (checked)
            return "lambda"
        if not NAME_PATTERN.match(name):
            self.fail(f"bad name {name!r}: names start with a letter and use only letters, "
                      "digits and '_'", self.col(node))
        return name

    def _split_indexed(self, name: str, scope) -> tuple[str, str] | None:
        """``('x', 'j')`` when ``x_j`` stands for ``x[j]`` in a sum over ``j``."""
        if not scope or "_" not in name or name in self.names:
            return None
        base, _, suffix = name.rpartition("_")
        if suffix not in scope or not base or not NAME_PATTERN.match(base):
            return None
        if base in self.names or base in self.builtins or base in VOCABULARY or base in _PRINTED:
            return None
        if name in self.table and not self.table.is_indexed(name):
            return None
        return base, suffix

    # -- stage 3: building SymPy objects -----------------------------------
    def tick(self, node) -> None:
        if time.perf_counter() > self.deadline:
            self.fail(f"expression too expensive to evaluate (over {self.limits.max_seconds} s)",
                      self.col(node))

    def check_value(self, v, node):
        """Refuse non-real values (I, nan, zoo) produced by a node."""
        if isinstance(v, sp.Basic) and v.has(sp.I, sp.nan, sp.zoo):
            what = "division by zero" if v.has(sp.zoo) else "not a real number"
            self.fail(f"{what}: {self.segment(node)!r}", self.col(node))
        if isinstance(v, sp.Rational) and _bits(v) > self.limits.max_bits:
            self.fail(f"number too large (over {self.limits.max_bits} bits): {self.segment(node)!r}",
                      self.col(node))
        return v

    def sympy_call(self, node, fn, *args, **kw):
        """``fn(*args)`` built by the trusted kernel (no closed number's sign
        is left to SymPy), after recording its definedness conditions as
        written."""
        try:
            conds = _call_conditions(fn, args)
            value = self.check_value(kernel.build(fn, *args, **kw), node)
            for c in conds:
                self.record_condition(c, node)
            return value
        except SymlossSyntaxError:
            raise
        except (TypeError, ValueError, ArithmeticError, NotImplementedError, RecursionError,
                MemoryError, AttributeError, IndexError, KeyError) as e:
            self.fail(f"cannot evaluate {self.segment(node)!r}: {type(e).__name__}: {e}"[:300],
                      self.col(node))

    def record_condition(self, c, node) -> None:
        """Record one definedness condition; a closed one is decided by the
        kernel now (false: the text is not a real number)."""
        written = c
        if isinstance(c, sp.Rel):  # settled now when the kernel (or a symbol's declared sign) settles it
            c = kernel.build(type(c), *c.args)
        if not c.free_symbols:
            t = kernel.holds(c)
            if t is True:
                return
            if t is False:
                what = "division by zero" if isinstance(written, sp.Ne) else "not a real number"
                why = f"needs {written}" + (", which the declared domains exclude" if written.free_symbols else "")
                self.fail(f"{what}: {self.segment(node)!r} ({why})", self.col(node))
        if c is not sp.true and c not in self.conditions:
            self.conditions.append(c)

    def hook(self, op: str, args: list, node):
        """Apply a builtin registered for operator ``op`` to non-SymPy operands."""
        b = self.builtins.get(op)
        if b is None:
            kinds = ", ".join(sorted({type(a).__name__ for a in args}))
            self.fail(f"operator '{op}' cannot be applied to {kinds}: {self.segment(node)!r}",
                      self.col(node))
        return self.call_builtin(b, args, {}, node)

    def call_builtin(self, b: Builtin, args, kwargs, node):
        try:
            return b.call(args, kwargs, self.col(node))
        except SymlossSyntaxError:
            raise
        except SymlossError as e:
            self.fail(f"{b.name}(): {e}", self.col(node))

    def build(self, node, scope):
        self.tick(node)
        method = getattr(self, "build_" + type(node).__name__, None)
        if method is None:  # the whitelist walk should have refused it
            self.fail(f"{type(node).__name__} is not allowed: {self.segment(node)!r}", self.col(node))
        return method(node, scope)

    def expect_expr(self, v, node, what: str):
        if not _is_expr(v):
            kind = "a condition" if _is_bool(v) else type(v).__name__
            self.fail(f"{what} needs a number or expression, got {kind}: {self.segment(node)!r}",
                      self.col(node))
        return v

    def build_Constant(self, node, scope):
        v = node.value
        if isinstance(v, bool):
            return sp.true if v else sp.false
        if isinstance(v, int):
            if v.bit_length() > self.limits.max_bits:
                self.fail(f"integer literal too large (over {self.limits.max_bits} bits)", self.col(node))
            return sp.Integer(v)
        if isinstance(v, float):
            return self.decimal(node)
        self._check_constant(node)

    def decimal(self, node) -> sp.Rational:
        """The exact rational written by a float literal's text."""
        src = self.segment(node, limit=10**6).replace("_", "")
        m = _DECIMAL.match(src)
        if not m:
            self.fail(f"cannot read number {src!r}", self.col(node))
        if m.group(3) and abs(int(m.group(3))) > self.limits.max_decimal_exponent:
            self.fail(f"decimal exponent too large in {src!r} (at most "
                      f"{self.limits.max_decimal_exponent})", self.col(node))
        f = Fraction(src)
        return self.check_value(sp.Rational(f.numerator, f.denominator), node)

    def build_Name(self, node, scope):
        name = self._name(node)
        if name in self.names:
            for c in self.name_conditions.get(name, ()):
                self.record_condition(c, node)
            return self.names[name]
        if name in self.table and not self.table.is_indexed(name):
            return self.table.symbol(name)
        split = self._split_indexed(name, scope)
        if split:
            base, idx = split
            return self.table.indexed(base)[self.table.symbol(idx)]
        if name in _CONSTANTS:
            if _CONSTANTS[name] is sp.oo and not self.infinity:
                self.fail(f"{name!r} is not a real number (infinity is a limit, not a value)", self.col(node))
            return _CONSTANTS[name]
        if name in _NOT_REAL:
            self.fail(f"{name!r} is not a real number", self.col(node))
        if name in self.builtins or name in VOCABULARY or name in _PRINTED or name in _SPECIAL:
            self.fail(f"{name!r} is a function; call it like {name}(...)", self.col(node))
        if self.table.is_indexed(name):
            self.fail(f"{name!r} is an indexed family; write {name}[j]", self.col(node))
        try:
            return self.table.symbol(name)
        except DomainError as e:
            self.fail(str(e), self.col(node))

    def build_UnaryOp(self, node, scope):
        v = self.build(node.operand, scope)
        op = type(node.op)
        if op in (ast.USub, ast.UAdd):
            sym = "-" if op is ast.USub else "+"
            if not _is_expr(v):
                if _is_bool(v):
                    self.fail(f"unary '{sym}' needs an expression, got a condition", self.col(node))
                return self.hook("neg" if sym == "-" else "pos", [v], node)
            return self.sympy_call(node, lambda a: -a if sym == "-" else a, v)
        if op in (ast.Not, ast.Invert):
            sym = "not" if op is ast.Not else "~"
            if _is_bool(v):
                return self.sympy_call(node, sp.Not, v, **self.cond_kw)
            if _is_expr(v):
                self.fail(f"'{sym}' needs a condition, got an expression: {self.segment(node.operand)!r}",
                          self.col(node))
            return self.hook("not", [v], node)
        self.fail(f"operator {op.__name__} is not allowed", self.col(node))

    def _chain(self, node, ops):
        """Flatten a left-associative chain of ``ops``: [(op, operand node)]."""
        items = []
        while isinstance(node, ast.BinOp) and type(node.op) in ops:
            items.append((type(node.op), node.right, node))
            node = node.left
        items.append((None, node, node))
        items.reverse()
        return items

    def build_BinOp(self, node, scope):
        op = type(node.op)
        if op in (ast.Add, ast.Sub, ast.Mult, ast.Div):
            ops = (ast.Add, ast.Sub) if op in (ast.Add, ast.Sub) else (ast.Mult, ast.Div)
            items = self._chain(node, ops)
            built = [self.build(sub, scope) for _, sub, _ in items]
            if not all(_is_expr(v) for v in built):
                for (o, sub, _), v in zip(items, built):
                    if _is_bool(v):
                        sym = _OPS[o] if o else _OPS[ops[0]]
                        self.fail(f"operator '{sym}' needs expressions, got a condition: "
                                  f"{self.segment(sub)!r}", self.col(sub))
                acc = built[0]
                for (o, _, whole), v in zip(items[1:], built[1:]):
                    acc = self.hook(_OPS[o], [acc, v], whole)
                return acc
            vals = []
            for (o, sub, whole), v in zip(items, built):
                if o is ast.Sub:
                    v = self.sympy_call(sub, lambda a: -a, v)
                elif o is ast.Div:
                    if _certainly_zero(v):
                        self.fail(f"division by zero: {self.segment(whole)!r}", self.op_column(whole, "/"))
                    v = self.sympy_call(sub, sp.Pow, v, -1)
                vals.append(v)
            fn = sp.Add if ops[0] is ast.Add else sp.Mul
            return self.sympy_call(node, fn, *vals)
        if op is ast.Pow:
            return self.power(node, scope)
        sym = _OPS.get(op, op.__name__)
        if op in (ast.BitAnd, ast.BitOr):
            a, b = self.build(node.left, scope), self.build(node.right, scope)
            if _is_bool(a) and _is_bool(b):
                return self.sympy_call(node, sp.And if op is ast.BitAnd else sp.Or, a, b, **self.cond_kw)
            if not (isinstance(a, sp.Basic) and isinstance(b, sp.Basic)):
                return self.hook("and" if op is ast.BitAnd else "or", [a, b], node)
            self.fail(f"'{sym}' joins conditions only", self.op_column(node, sym),
                      "use 'and'/'or' between comparisons")
        if op is ast.BitXor:
            self.fail("'^' is not a power here", self.op_column(node, "^"), "use ** for powers, e.g. x**2")
        self.fail(f"operator '{sym}' is not supported", self.op_column(node, sym))

    def power(self, node, scope):
        base = self.build(node.left, scope)
        exp = self.build(node.right, scope)
        if not (_is_expr(base) and _is_expr(exp)):
            if isinstance(base, sp.Basic) and isinstance(exp, sp.Basic):
                self.fail("'**' needs expressions, got a condition", self.op_column(node, "**"))
            return self.hook("**", [base, exp], node)
        lim = self.limits.max_exponent
        col = self.op_column(node, "**")
        if exp.is_Rational and (abs(exp.p) > lim * exp.q or exp.q > lim):
            self.fail(f"exponent too large: {self.segment(node.right)!r} (at most {lim})", col)
        if base.is_Rational and exp.is_Integer and exp != 0 and base not in (1, -1):
            size = abs(int(exp)) * max(math.log2(abs(int(base.p)) or 1), math.log2(int(base.q)))
            if size > self.limits.max_bits:
                self.fail(f"number too large: {self.segment(node)!r} has over "
                          f"{self.limits.max_bits} bits", col)
        if _certainly_zero(base) and exp.is_Rational and exp.is_negative:
            self.fail(f"division by zero: {self.segment(node)!r}", col)
        return self.sympy_call(node, sp.Pow, base, exp)

    def build_BoolOp(self, node, scope):
        vals = [self.build(v, scope) for v in node.values]
        word = "and" if isinstance(node.op, ast.And) else "or"
        if all(_is_bool(v) for v in vals):
            return self.sympy_call(node, sp.And if word == "and" else sp.Or, *vals, **self.cond_kw)
        for v, sub in zip(vals, node.values):
            if _is_expr(v):
                self.fail(f"'{word}' needs conditions, got an expression: {self.segment(sub)!r}",
                          self.col(sub))
        acc = vals[0]
        for v in vals[1:]:
            acc = self.hook(word, [acc, v], node)
        return acc

    def build_Compare(self, node, scope):
        left = self.build(node.left, scope)
        rels, plain = [], True
        lnode = node.left
        for op, rnode in zip(node.ops, node.comparators):
            if type(op) not in _CMP:
                self.fail(f"comparison '{self.segment(node)}' uses an unsupported operator",
                          self.col(node), "use < <= > >= == !=")
            sym, fn = _CMP[type(op)]
            right = self.build(rnode, scope)
            if _is_expr(left) and _is_expr(right):
                rels.append(self.sympy_call(node, fn, left, right, **self.cond_kw))
            else:
                for v, n in ((left, lnode), (right, rnode)):
                    if _is_bool(v):
                        self.fail(f"'{sym}' compares expressions, got a condition: {self.segment(n)!r}",
                                  self.col(n))
                plain = False
                rels.append(self.hook(sym, [left, right], node))
            left, lnode = right, rnode
        if len(rels) == 1:
            return rels[0]
        if plain:
            return self.sympy_call(node, sp.And, *rels, **self.cond_kw)
        acc = rels[0]
        for r in rels[1:]:
            acc = self.hook("and", [acc, r], node)
        return acc

    def build_Subscript(self, node, scope):
        fam = self.table.indexed(self._name(node.value))
        sl = node.slice
        parts = sl.elts if isinstance(sl, ast.Tuple) else [sl]
        idx = []
        for p in parts:
            v = self.expect_expr(self.build(p, scope), p, "an index")
            if v.is_integer is False:
                self.fail(f"index {self.segment(p)!r} is not an integer", self.col(p))
            idx.append(v)
        return self.sympy_call(node, lambda: fam[tuple(idx)] if len(idx) > 1 else fam[idx[0]])

    def build_Tuple(self, node, scope):
        self.fail(f"tuples are only allowed as arguments of functions that take them: "
                  f"{self.segment(node)!r}", self.col(node))

    # -- calls -------------------------------------------------------------
    def _arity_check(self, name, arity, n, node):
        lo, hi = arity
        if lo <= n and (hi is None or n <= hi):
            return
        want = (f"{lo} argument" + "s" * (lo != 1) if hi == lo
                else f"at least {lo} arguments" if hi is None else f"{lo} to {hi} arguments")
        self.fail(f"{name}() takes {want}, got {n}", self.col(node))

    def build_Call(self, node, scope):
        name = self._name(node.func)
        b = self.builtins.get(name)
        if b is not None:
            return self.builtin_call(b, node, scope)
        if node.keywords:
            self.fail(f"{name}() takes no keyword arguments ('{node.keywords[0].arg}=')",
                      self.col(node.keywords[0].value))
        if name in ("sum", "Sum"):
            return self.build_sum(node, name, scope)
        if name == "Piecewise":
            return self.build_piecewise(node, scope)
        if name in VOCABULARY:
            spec = VOCABULARY[name]
            fn, arity = spec.build, spec.arity
        elif name in _PRINTED:
            _, fn, arity = _PRINTED[name]
        else:
            if name in self.table or name in self.names:
                self.fail(f"{name!r} is not a function", self.col(node))
            close = difflib.get_close_matches(name, function_names(self.builtins), n=1)
            self.fail(f"unknown function {name!r}", self.col(node),
                      f"did you mean {close[0]!r}?" if close else None)
        self._arity_check(name, arity, len(node.args), node)
        args = []
        for i, a in enumerate(node.args):
            start = len(self.conditions)
            v = self.build(a, scope)
            if name == "where" and i == 0:
                if not _is_bool(v):
                    self.fail(f"where() needs a condition first, got {self.segment(a)!r}", self.col(a))
            else:
                self.expect_expr(v, a, f"{name}()")
                if name == "where":  # a branch need only be defined where it is selected
                    self.guard_conditions(self.take_conditions(start), args[0] if i == 1 else sp.Not(args[0]))
            args.append(v)
        if name in ("Eq", "Ne"):
            return self.sympy_call(node, fn, *args, **self.cond_kw)
        return self.sympy_call(node, fn, *args)

    def builtin_call(self, b: Builtin, node, scope):
        self._arity_check(b.name, b.arity, len(node.args), node)
        if b.enter is not None:
            b.enter()
        args, arg_conds, kw_conds = [], [], {}
        for a in node.args:
            start = len(self.conditions)
            if isinstance(a, ast.Tuple):
                args.append(tuple(self.build(e, scope) for e in a.elts))
            else:
                args.append(self.build(a, scope))
            arg_conds.append(self.take_conditions(start) if b.scope else [])
        kwargs = {}
        for kw in node.keywords:
            key = "lambda" if kw.arg == _PLACEHOLDER else kw.arg
            if not NAME_PATTERN.match(key):
                self.fail(f"bad keyword name {key!r}", self.col(kw.value))
            if ANY_KEYWORD not in b.keywords and key not in b.keywords:
                allowed = ", ".join(sorted(b.keywords)) or "none"
                self.fail(f"{b.name}() takes no keyword {key!r} (allowed: {allowed})", self.col(kw.value))
            if key in kwargs:
                self.fail(f"{b.name}() got keyword {key!r} twice", self.col(kw.value))
            start = len(self.conditions)
            kwargs[key] = self.build(kw.value, scope)
            kw_conds[key] = self.take_conditions(start) if b.scope else []
        if not b.scope:
            return self.call_builtin(b, args, kwargs, node)
        try:
            value, scoped = b.scope(args, kwargs, self.col(node), arg_conds, kw_conds)
        except SymlossSyntaxError:
            raise
        except SymlossError as e:
            self.fail(f"{b.name}(): {e}", self.col(node))
        for c in scoped:
            self.record_condition(c, node)
        return value

    def build_sum(self, node, name, scope):
        lims = self._sum_limits(node, name)
        limits, inner = [], set(scope)
        for var, lo, hi in lims:
            v = self.table.symbol(self._name(var))
            lo_v = self.expect_expr(self.build(lo, scope), lo, "a summation bound")
            hi_v = self.expect_expr(self.build(hi, scope), hi, "a summation bound")
            for b_v, b_n in ((lo_v, lo), (hi_v, hi)):
                if b_v.is_integer is False and not b_v.is_infinite:
                    self.fail(f"summation bound {self.segment(b_n)!r} is not an integer", self.col(b_n))
            limits.append((v, lo_v, hi_v))
            inner.add(v.name)
        body = self.expect_expr(self.build(node.args[0], frozenset(inner)), node.args[0], "a sum body")
        return self.sympy_call(node, sp.Sum, body, *limits)

    def build_piecewise(self, node, scope):
        if not node.args or not all(isinstance(a, ast.Tuple) and len(a.elts) == 2 for a in node.args):
            self.fail("Piecewise() takes pairs (value, condition)", self.col(node))
        pairs, earlier = [], []
        for a in node.args:
            start = len(self.conditions)
            v = self.expect_expr(self.build(a.elts[0], scope), a.elts[0], "Piecewise()")
            inner = self.take_conditions(start)
            c = self.build(a.elts[1], scope)
            if not _is_bool(c):
                self.fail(f"Piecewise() needs a condition, got {self.segment(a.elts[1])!r}",
                          self.col(a.elts[1]))
            # a branch need only be defined where it is the one selected
            self.guard_conditions(inner, sp.And(c, *[sp.Not(e) for e in earlier]))
            earlier.append(c)
            pairs.append((v, c))
        return self.sympy_call(node, sp.Piecewise, *pairs)

    def take_conditions(self, start: int) -> list:
        """Remove and return the conditions recorded since ``start``."""
        taken = self.conditions[start:]
        del self.conditions[start:]
        return taken

    def guard_conditions(self, conds: list, selected) -> None:
        """Record ``conds`` as needed only where ``selected`` holds."""
        for c in conds:
            g = sp.Or(sp.Not(selected), c)
            if g is not sp.true and g not in self.conditions:
                self.conditions.append(g)

