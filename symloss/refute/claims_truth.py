"""The truth of a claim at an exact point, by the logic of
:mod:`symloss.calculus.claims_logic`: a comparison that mentions a minimiser (or its
slope) is false where the minimiser is missing; the connectives are the
classical ones.  The refutation search, the re-check of counterexamples and
the admissibility of points under assumptions about minimisers use it."""

from __future__ import annotations

import sympy as sp

from ..calculus.claims_terms import Corr
from ..calculus.claims_logic import ClaimImplies, ClaimNot, ClaimOr, _argmin_class, mentions_argmin  # noqa: F401

__all__ = ["evaluate", "refutes", "value_at", "failure_reason", "admissible"]

def evaluate(f: sp.Basic, values, deadline=None, cache=None):
    """``(value, why)`` for the statement ``f`` at the exact point
    ``values``: ``value`` is True, False or ``None`` (undecided); when it
    is False because a minimiser is missing, ``why`` says which and why.

    >>> from symloss.calculus.claims import ArgMin
    >>> w, x = sp.symbols('w x', real=True)
    >>> t = ArgMin((w*x - 1)**2, w)
    >>> evaluate(sp.Eq(x*t, 1), {x: 0})[0], evaluate(ClaimImplies(t > 0, sp.Ne(x, 0)), {x: 0})[0]
    (False, True)
    >>> evaluate(ClaimNot(t <= 0), {x: 0})[0], evaluate(ClaimOr(t > 0, t <= 0), {x: 0})[0]
    (True, False)
    """
    if not mentions_argmin(f):  # classical: the kernel decides it
        from ..calculus.exact import truth

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
    from ..calculus.exact import truth
    from .ranges import term_status

    from ..calculus.claims_slope import outer_terms, slope_status

    cls = _argmin_class()
    slopes, terms = outer_terms(f)
    masks, point = {}, dict(values)
    for slope in slopes:  # d(argmin(E, v), s): exists exactly where the minimiser does
        st = slope_status(slope, values)
        if st is None:
            return None, None
        if st[0] != "unique":
            return False, f"∂(argmin over {slope.term.var})/∂{slope.wrt} fails: {st[1]}"
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
    from ..calculus.claims_slope import put_values

    g = put_values(f, masks) if masks else f
    if g.atoms(Corr):  # a correlation without a closed form: no exact value at a point
        return None, None
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
    from ..calculus.claims_slope import outer_terms, put_values, slope_status
    from ..calculus.exact import substitute
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


def failure_reason(formula: sp.Basic, values, deadline=None, cache=None) -> str | None:
    """Why ``formula`` is false at ``values`` (:func:`refutes`).

    >>> from symloss.calculus.claims import ArgMin
    >>> from symloss.calculus.claims_logic import ClaimImplies
    >>> w, x = sp.symbols('w x', real=True)
    >>> t = ArgMin((w*x - 1)**2, w)
    >>> failure_reason(sp.Implies(sp.Ne(x, 0), sp.Eq(x*t, 1)), {x: 0}) is None
    True
    >>> failure_reason(ClaimImplies(t > 0, sp.Eq(x, 1)), {x: 0}) is None
    True
    >>> failure_reason(sp.Eq(x*t, 1), {x: 0})
    'argmin over w fails: the function does not depend on w: every w is a minimiser'
    """
    return refutes(formula, values, deadline, cache)


def admissible(hypotheses, values, deadline=None, cache=None) -> bool | None:
    """:func:`exact.point_is_admissible` for hypotheses that may mention
    ``argmin`` (an assumption such as ``argmin(L, w) > 0``), read by the
    same logic as claims (:mod:`symloss.calculus.claims_logic`): a comparison about
    a missing minimiser is false."""
    from ..language.kernel import _and

    return _and(evaluate(h, values, deadline, cache)[0] for h in hypotheses)
