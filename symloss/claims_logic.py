"""The logic of claims that mention minimisers: what ``not``, ``and``,
``or`` and ``implies`` mean where an ``argmin`` does not exist.

One rule (proofs/README.md, "Where a minimiser is missing"), Russell's
reading of a definite description: a comparison that mentions
``argmin(E, v)`` says "``E`` has exactly one minimiser over the domain of
``v``, and the comparison holds for it".  Where the minimiser is missing
(none, or many) such a comparison is therefore *false*, and the
connectives are the classical ones on top of that:

* ``x*argmin(L, w) == y - b`` is false at ``x = 0`` (every ``w`` minimises);
* ``implies(argmin(L, w) > 0, x != 0)`` is true at ``x = 0``: its premise
  is false there, so that point refutes nothing;
* ``implies(x != 0, argmin(L, w) == (y - b)/x)`` is true at ``x = 0`` too
  (false premise), and ``not (argmin(L, w) > 0) or x != 0`` means the
  same as that implication;
* ``not (argmin(L, w) <= 0)`` is *true* where no minimiser exists (it is
  not the case that a unique minimiser ``<= 0`` exists); write
  ``argmin(L, w) > 0`` to assert that one exists and is positive, and
  ``argmin(L, w) > 0 or argmin(L, w) <= 0`` asserts exactly that the
  minimiser exists.

SymPy's constructors apply classical identities that are wrong under this
reading (``A or not A`` → ``True``, ``not (t <= 0)`` → ``t > 0``,
``implies(t > 0, t <= 0)`` → ``t <= 0``), so the claim parser builds the
connectives over comparisons that mention ``argmin`` with
:class:`ClaimOr`, :class:`ClaimNot` and :class:`ClaimImplies`, which keep
their arguments as written.  Definedness conditions of expressions
(``log``, division, a variance of a correlation) are a different matter:
they are hypotheses of the whole claim, and a point where one fails is not
in the claim's range at all.

:func:`evaluate` is the exact evaluator of this logic at a point (the
refutation search and the re-check of counterexamples use it).
"""

from __future__ import annotations

import sympy as sp
from sympy.logic.boolalg import BooleanFunction
from sympy.core.operations import LatticeOp

__all__ = ["ClaimOr", "ClaimNot", "ClaimImplies", "mentions_argmin", "connective", "evaluate", "refutes", "value_at"]


def _argmin_class():
    from .claims_terms import ArgMin  # late: claims imports this module

    return ArgMin


def mentions_argmin(*args) -> bool:
    """Whether some argument mentions an ``argmin`` term."""
    cls = _argmin_class()
    return any(isinstance(a, sp.Basic) and a.has(cls) for a in args)


class ClaimOr(sp.Or):
    """``or`` over statements about minimisers: no complementary pair of
    comparisons collapses to ``True`` (``argmin(L, w) > 0 or
    argmin(L, w) <= 0`` asserts that the minimiser exists)."""

    @classmethod
    def _new_args_filter(cls, args):
        args = BooleanFunction.binary_check_and_simplify(*args)
        if not mentions_argmin(*args):
            return sp.Or._new_args_filter(args)
        return LatticeOp._new_args_filter(list(dict.fromkeys(args)), sp.Or)


class ClaimNot(sp.Not):
    """``not`` of a comparison about a minimiser: kept as written (``not
    (argmin(L, w) <= 0)`` is not ``argmin(L, w) > 0``: the first is true
    where no minimiser exists)."""

    @classmethod
    def eval(cls, arg):
        if isinstance(arg, sp.Basic) and arg.is_Relational and mentions_argmin(arg):
            return None
        return sp.Not.eval(arg)


class ClaimImplies(sp.Implies):
    """``implies`` over statements about minimisers, kept as written."""

    @classmethod
    def eval(cls, *args):
        if len(args) == 2 and mentions_argmin(*args) and not any(a in (True, False) for a in args):
            return sp.Basic.__new__(cls, *args)
        return sp.Implies.eval(*args)


def connective(kind: str, *args) -> sp.Basic:
    """The connective ``kind`` (``"and"``, ``"or"``, ``"not"``,
    ``"implies"``) over ``args`` as written, unevaluated; over statements
    about minimisers, one that no classical identity rewrites."""
    special = mentions_argmin(*args)
    if kind == "and":
        return sp.And(*args, evaluate=False)
    if kind == "or":
        return (ClaimOr if special else sp.Or)(*args, evaluate=False)
    if kind == "not":
        return (ClaimNot if special else sp.Not)(*args, evaluate=False)
    if kind == "implies":
        return (ClaimImplies if special else sp.Implies)(*args, evaluate=False)
    raise ValueError(f"unknown connective {kind}")


# ---------------------------------------------------------------------------
# exact evaluation at a point


def evaluate(f: sp.Basic, values, deadline=None, cache=None):
    """``(value, why)`` for the statement ``f`` at the exact point
    ``values``: ``value`` is True, False or ``None`` (undecided); when it
    is False because a minimiser is missing, ``why`` says which and why.

    >>> from symloss.claims import ArgMin
    >>> w, x = sp.symbols('w x', real=True)
    >>> t = ArgMin((w*x - 1)**2, w)
    >>> evaluate(sp.Eq(x*t, 1), {x: 0})[0], evaluate(ClaimImplies(t > 0, sp.Ne(x, 0)), {x: 0})[0]
    (False, True)
    >>> evaluate(ClaimNot(t <= 0), {x: 0})[0], evaluate(ClaimOr(t > 0, t <= 0), {x: 0})[0]
    (True, False)
    """
    if not mentions_argmin(f):  # classical: the kernel decides it
        from .exact import truth

        return truth(f, values), None
    if isinstance(f, sp.Implies):
        p, why_p = evaluate(f.args[0], values, deadline, cache)
        if p is False:
            return True, None
        q, why = evaluate(f.args[1], values, deadline, cache)
        if q is True:
            return True, None
        if p is True and q is False:
            # the premise may hold because a minimiser is missing (not (argmin <= 0))
            return False, why or (f"the premise holds ({why_p}) and the conclusion is false" if why_p else None)
        return None, None
    if isinstance(f, sp.Not):
        v, why = evaluate(f.args[0], values, deadline, cache)
        if v is False and why:
            why = f"{why}, so not (...) holds"
        return (None if v is None else not v), why
    if isinstance(f, (sp.And, sp.Or)):
        stop = isinstance(f, sp.Or)  # the value that decides the connective
        parts = [evaluate(a, values, deadline, cache) for a in f.args]
        if any(v is stop for v, _ in parts):
            return stop, next((why for v, why in parts if v is stop and why), None)
        if any(v is None for v, _ in parts):
            return None, None
        return (not stop), next((why for _, why in parts if why), None)
    if isinstance(f, (sp.Equivalent, sp.Xor)):
        return None, None
    return _atom(f, values, deadline, cache)


def _atom(f, values, deadline, cache):
    from .exact import truth
    from .ranges import term_status

    from .claims_slope import outer_terms, slope_status

    cls = _argmin_class()
    slopes, terms = outer_terms(f)
    masks, point = {}, dict(values)
    for slope in slopes:  # d(argmin(E, v), s): exists exactly where the minimiser does
        st = slope_status(slope, values)
        if st is None:
            return None, None
        if st[0] != "unique":
            return False, f"d(argmin over {slope.term.var}, {slope.wrt}) fails: {st[1]}"
        masks[slope] = sp.Dummy("slope", real=True)
        point[masks[slope]] = st[1]
    for term in terms:
        if term.atoms(cls) - {term}:
            return None, None
        st = term_status(term, values, deadline, cache)
        if st is None:
            return None, None
        if st[0] != "unique":
            return False, f"argmin over {term.var} fails: {st[1]}"
        masks[term] = sp.Dummy("argmin", real=True)  # put in by the kernel, like every value
        point[masks[term]] = st[1]
    from .claims_slope import put_values

    g = put_values(f, masks) if masks else f
    return truth(g, point), None


def refutes(formula: sp.Basic, values, deadline=None, cache=None) -> str | None:
    """Why ``formula`` is false at ``values`` (a missing minimiser, or
    simply false there), or ``None`` when it is not known to be false."""
    v, why = evaluate(formula, values, deadline, cache)
    if v is not False:
        return None
    return why or "the claim is false there"


def value_at(expr: sp.Expr, values, deadline=None, cache=None) -> sp.Expr | None:
    """The exact value of ``expr`` at ``values`` with its minimisers and
    their slopes put in, or ``None`` when one is missing or undecided."""
    from .claims_slope import outer_terms, put_values, slope_status
    from .exact import substitute
    from .ranges import term_status

    slopes, terms = outer_terms(expr)
    mapping = {}
    for slope in slopes:
        st = slope_status(slope, values)
        if st is None or st[0] != "unique":
            return None
        mapping[slope] = st[1]
    for term in terms:
        st = term_status(term, values, deadline, cache)
        if st is None or st[0] != "unique":
            return None
        mapping[term] = st[1]
    masks = {k: sp.Dummy("value", real=True) for k in mapping}
    e = put_values(expr, masks) if masks else expr
    return substitute(e, {**values, **{masks[k]: v for k, v in mapping.items()}})
