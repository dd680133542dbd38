"""Continuity of piecewise (``where``) functions of one variable, glued at their joins.

A loss written with ``where(c, A, B)`` (SymPy's ``Piecewise``: Huber,
smooth-L1, users' definitions) is continuous in ``u`` when

* ``A`` and ``B`` are continuous (built from continuous heads, recursively
  glued) and defined for every real ``u`` (their definedness conditions do
  not mention ``u``; the caller proves them or finds them among the
  hypotheses);
* the condition ``c`` is one comparison ``p op q`` (``<``, ``≤``, ``>``,
  ``≥``) of continuous, everywhere-defined ``p`` and ``q`` -- or does not
  mention ``u`` at all (then the branch is fixed);
* the *join* ``p = q ⟹ A = B`` holds for every ``u`` (a proved statement).

Why: where ``p ≠ q`` the sign of ``p − q`` is locally constant (``p − q`` is
continuous), so the function is ``A`` or ``B`` near the point; where
``p = q`` both ``A`` and ``B`` are continuous and equal, and every nearby
value is ``A(t)`` or ``B(t)``, both close to ``A(t₀) = B(t₀)``.  A
``Piecewise`` with more branches is read as nested binary ones
(``(A₁, c₁), (A₂, c₂), …`` = ``where(c₁, A₁, where(c₂, A₂, …))``), the
last condition must be ``True``.

:func:`join_statements` lists the joins a function needs; :func:`glue_error`
checks a function against proved join facts (the minimiser steps of
:mod:`symloss.engine.argmin` call it in ``verify()``); :func:`prove_joins` proves
them with the pointwise prover (z3 translates ``Piecewise`` and ``abs``).

>>> u, x = sp.symbols('u x', real=True)
>>> huber = sp.Piecewise((u**2/2, sp.Abs(u) <= 1), (sp.Abs(u) - sp.S.Half, True))
>>> join_statements(huber, u)
[Implies(Eq(Abs(u), 1), Eq(u**2/2, Abs(u) - 1/2))]
>>> glue_error(huber, u, set(join_statements(huber, u))) is None
True
>>> glue_error(huber, u, set()) is not None
True
"""

from __future__ import annotations

import sympy as sp
from sympy.functions.elementary.piecewise import ExprCondPair
from sympy.logic.boolalg import Boolean

from ..language.functions import definedness_conditions, relu, sigmoid, softplus

__all__ = ["binary", "join_statements", "glue_error", "branch_conditions", "piece_candidates", "prove_joins"]

#: heads continuous wherever defined
_CONTINUOUS = (sp.Add, sp.Mul, sp.Pow, sp.exp, sp.log, sigmoid, softplus, sp.tanh, sp.sinh, sp.cosh,
               sp.atan, sp.Abs, sp.Max, sp.Min, relu)
_ATOMS = (sp.Symbol, sp.Number, sp.NumberSymbol)
_COMPARISONS = (sp.StrictLessThan, sp.LessThan, sp.StrictGreaterThan, sp.GreaterThan)


def binary(node: sp.Piecewise):
    """``(A, c, B)``: ``node`` read as ``where(c, A, B)`` (``B`` the
    remaining branches as a ``Piecewise``); ``None`` when the last
    condition is not ``True``."""
    args = node.args
    if args[-1].cond is not sp.true or len(args) < 2:
        return None
    a, c = args[0].expr, args[0].cond
    rest = args[1].expr if len(args) == 2 else sp.Piecewise(*[(e.expr, e.cond) for e in args[1:]])
    return a, c, rest


def _join(a, c, b) -> sp.Basic:
    return sp.Implies(sp.Eq(c.lhs, c.rhs, evaluate=False), sp.Eq(a, b, evaluate=False), evaluate=False)


def _nodes(expr: sp.Basic, u):
    """The ``Piecewise`` nodes of ``expr`` that mention ``u``, in their
    binary reading (outermost first; the remaining branches of each as a
    node of their own)."""
    out = []
    stack = [expr]
    while stack:
        e = stack.pop()
        if isinstance(e, sp.Piecewise) and u in e.free_symbols:
            parts = binary(e)
            if parts is None:
                out.append((e, None))
                continue
            out.append((e, parts))
            a, c, b = parts
            stack.extend([b, a, c])
            continue
        stack.extend(reversed(e.args))
    return out


def join_statements(expr: sp.Basic, u) -> list:
    """The join ``p = q ⟹ A = B`` of every ``where(p op q, A, B)`` in
    ``expr`` whose condition mentions ``u`` (each once, in order)."""
    out = []
    for _, parts in _nodes(expr, u):
        if parts is None:
            continue
        a, c, b = parts
        if u in c.free_symbols and isinstance(c, _COMPARISONS):
            j = _join(a, c, b)
            if j not in out:
                out.append(j)
    return out


def branch_conditions(expr: sp.Basic, u) -> list:
    """The definedness conditions of every branch and every condition side
    of the ``Piecewise`` nodes of ``expr`` (unconditional: a glued function
    needs both branches defined near every join)."""
    out = []
    for _, parts in _nodes(expr, u):
        if parts is None:
            continue
        a, c, b = parts
        sides = (c.lhs, c.rhs) if isinstance(c, _COMPARISONS) else ()
        for e in (a, b) + sides:
            for cond in definedness_conditions(e):
                if cond not in out:
                    out.append(cond)
    return out


def glue_error(expr: sp.Basic, u, joins: set) -> str | None:
    """Why ``expr`` is not shown continuous in ``u`` from the proved join
    facts ``joins`` -- or ``None`` when it is (continuous heads, ``Piecewise``
    glued as the module doc states; constant exponents only; the
    definedness conditions of branches and condition sides must be free of
    ``u``)."""
    for node in sp.preorder_traversal(expr):
        if isinstance(node, (_ATOMS, Boolean, ExprCondPair, sp.Piecewise)):
            continue  # conditions and Piecewise nodes: checked below
        if not isinstance(node, _CONTINUOUS):
            return f"{type(node).__name__} is not known to be continuous"
        if isinstance(node, sp.Pow) and node.exp.free_symbols:
            return f"{node} has a variable exponent"
    for node, parts in _nodes(expr, u):
        if parts is None:
            return f"{node} has no otherwise-branch"
        a, c, b = parts
        for e in (a, b):
            if any(u in k.free_symbols for k in definedness_conditions(e)):
                return f"the branch {e} is not defined for every {u}"
        if u not in c.free_symbols:
            continue
        if not isinstance(c, _COMPARISONS):
            return f"the condition {c} is not one comparison"
        for side in (c.lhs, c.rhs):
            if any(u in k.free_symbols for k in definedness_conditions(side)):
                return f"the condition side {side} is not defined for every {u}"
        if _join(a, c, b) not in joins:
            return f"the join {_join(a, c, b)} is not proved"
    return None


def piece_candidates(expr: sp.Basic, u) -> list:
    """Expressions whose roots in ``u`` may be the minimiser of a piecewise
    ``expr``: each join's ``p − q`` and the derivative of each branch (only a
    search: the minimiser step proves its candidate)."""
    from ..language.functions import derivative

    out = []
    for _, parts in _nodes(expr, u):
        if parts is None:
            continue
        a, c, b = parts
        if u in c.free_symbols and isinstance(c, _COMPARISONS):
            out.append(c.lhs - c.rhs)
        for e in (a, b):
            if u in e.free_symbols and not isinstance(e, sp.Piecewise):
                out.append(derivative(e, u))
    return [e for e in out if u in e.free_symbols]


def prove_joins(expr: sp.Basic, u, context: tuple, env) -> tuple | None:
    """Proofs of every join of ``expr`` (see :func:`join_statements`) under
    the hypotheses ``context`` for every real ``u``; ``None`` when one fails."""
    from .prover import prove_goal
    from .tactics import Goal

    out = []
    for j in join_statements(expr, u):
        if env.expired():
            return None
        step = prove_goal(Goal(j, context), env)
        if step is None:
            env.notes.append(f"argmin: could not prove the join {j}")
            return None
        out.append(step)
    return tuple(out)
