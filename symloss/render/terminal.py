"""Terminal explanations of results, in the user's terms and the notation of
the documents (:mod:`symloss.render.pretty`): exact values with their decimals
(``left side 100⋅(1 - tanh(1)²) ≈ 41.997, right side 10``), and for a
refuted ``proportional(A, B, w)`` the simplified ratio ``A/B`` with its two
different values, not cross-products.

Rendering only: nothing here is imported by the engine.
"""

from __future__ import annotations

from typing import Any

import sympy as sp

from .pretty import name_text, one_line, with_decimal

__all__ = ["refutation_text", "values_text", "relation_refutation_text", "claim_text", "format_counterexample",
           "explanation_text"]


def explanation_text(parts: Any) -> str:
    """An engine's explanation (:class:`symloss.engine.verdict.Explanation`
    parts: text and SymPy expressions) on one line in the documents'
    notation; a closed value gets its decimal (``√2 ≈ 1.4142``).

    >>> x, yhat = sp.symbols('x yhat', real=True)
    >>> explanation_text(("A = ", x*(yhat - sp.Symbol('y', real=True)), ", value ", sp.log(2)))
    'A = x⋅(ŷ - y), value log(2) ≈ 0.69315'
    """
    out = []
    for part in parts:
        if isinstance(part, str):
            out.append(part)
        elif isinstance(part, sp.Basic) and not part.free_symbols and not isinstance(part, sp.logic.boolalg.Boolean):
            out.append(with_decimal(part))
        else:
            out.append(one_line(part))
    return "".join(out)


def claim_text(text: Any, problem: Any = None) -> str:
    """A claim in the documents' notation on one line (ŷ, |·|, ∂L/∂w, sgn,
    argmin_w, ∝); the text as written when it cannot be read that way.

    >>> claim_text("abs(d(L, w)) == abs(yhat - y)*abs(x)")
    '|∂L/∂w| = |x|⋅|ŷ - y|'
    >>> claim_text("proportional(d(L, w), L, w)")
    '∂L/∂w ∝ L (as w varies)'
    """
    from .statement import RelationD, display_claim

    if not isinstance(text, str):
        return str(text)
    value = display_claim(text, problem)
    try:
        if isinstance(value, RelationD) and value.kind in ("convex", "concave"):
            return "%s is %s in %s" % (one_line(value.a), value.kind, one_line(value.var))
        if isinstance(value, RelationD):
            a, b, v = (one_line(e) for e in (value.a, value.b, value.var))
            if value.kind == "proportional":
                return "%s ∝ %s (as %s varies)" % (a, b, v)
            return "%s is a nondecreasing function of %s (as %s varies)" % (a, b, v)
        if isinstance(value, sp.Basic):
            return one_line(value)
    except Exception:  # the text as written is always a faithful fallback
        pass
    return text


def values_text(values: Any, pair: Any = None, samples: Any = ()) -> str:
    """``b = 1, x = -1, w = 1 vs -1`` with decimals for closed forms; with
    a batch's ``samples`` (``((k, names), ...)``) the shared values first,
    then ``sample 1: x₁ = 1, y₁ = 0; sample 2: …``."""
    def item(k, v):
        return "%s = %s" % (one_line(k) if isinstance(k, sp.Basic) else name_text(str(k)), with_decimal(v))

    owner = {name: k for k, names in (samples or ()) for name in names}
    items = sorted(dict(values or {}).items(), key=lambda kv: str(kv[0]))
    parts = [item(k, v) for k, v in items if str(k) not in owner]
    if pair:
        var, a, b = pair
        parts.append("%s = %s vs %s" % (one_line(var), with_decimal(a), with_decimal(b)))
    text = ", ".join(parts)
    for k, _ in (samples or ()):
        mine = [item(s, v) for s, v in items if owner.get(str(s)) == k]
        if mine:
            text += ("; " if text else "") + "sample %s: %s" % (k, ", ".join(mine))
    return text


def refutation_text(result: Any, problem: Any = None) -> str | None:
    """Why a refuted claim fails, on one line: the counterexample, then the
    two sides (or the ratio) evaluated exactly with decimals.  ``None`` when
    the result is not a refutation this module can explain.

    >>> from symloss.problem import problem
    >>> r = problem('linear', 'squared').check('proportional(d(L, w), L, w)', hard=False)
    >>> print(refutation_text(r))
    counterexample b = 1, x = 1, y = 1, w = 1 vs -1: the ratio ∂L/∂w / L = 2⋅x/(b + w⋅x - y) depends on w: it is 2 at w = 1 but -2 at w = -1 (to see how ∂L/∂w does depend on L, try symloss relate)
    >>> print(refutation_text(r, problem('linear', 'squared')).split(': ')[1])
    the ratio ∂L/∂w / L = 2⋅x/(ŷ - y) with ŷ = b + w⋅x depends on w
    """
    cx = getattr(result, "counterexample", None)
    claim = getattr(result, "claim", None)
    if getattr(result, "verdict", None) != "refuted" or cx is None:
        return None
    head = "counterexample " + values_text(getattr(cx, "values", {}), getattr(cx, "pair", None),
                                           getattr(cx, "samples", ()))
    try:
        why = _proportional_why(claim, cx, problem) or _nondecreasing_why(claim, cx) or _sides_why(claim, cx)
    except Exception:  # the engine's own sentence is shown instead
        why = None
    if why is None:
        expl = str(getattr(cx, "explanation", "") or "")
        return head + (": " + expl if expl else "")
    return head + ": " + why


def _names(claim: Any) -> tuple[str, str]:
    """``(∂L/∂w, L)``: the two arguments of ``proportional`` as written."""
    from .statement import RelationD, display_claim

    value = display_claim(getattr(claim, "text", ""), None)
    if isinstance(value, RelationD):
        return tuple(_written(e) for e in (value.a, value.b))  # type: ignore[return-value]
    return ("A", "B")


def _written(e: Any) -> str:
    from .statement import Partial

    def show(t):
        if isinstance(t, Partial):
            k = "" if len(t.args) < 3 or t.args[2] == 1 else one_line(t.args[2]).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))
            return "∂%s%s/∂%s%s" % (k, one_line(t.args[0]), one_line(t.args[1]), k)
        return None

    if isinstance(e, sp.Abs) and show(e.args[0]):
        return "|%s|" % show(e.args[0])
    return show(e) or one_line(e)


def _proportional_why(claim: Any, cx: Any, problem: Any = None) -> str | None:
    from ..calculus.exact import substitute, truth

    if type(claim).__name__ != "Proportional" or not getattr(cx, "pair", None):
        return None
    a, b, var = claim.a, claim.b, claim.var
    pvar, v1, v2 = cx.pair
    values = dict(cx.values)
    at = [{**values, var: v} for v in (v1, v2)]
    A = [substitute(a, pt) for pt in at]
    B = [substitute(b, pt) for pt in at]
    if any(truth(sp.Ne(bv, 0, evaluate=False), {}) is not True for bv in B):
        return None
    r = [sp.simplify(x / y) for x, y in zip(A, B)]
    na, nb = _names(claim)
    ratio = ""
    if sp.count_ops(a) + sp.count_ops(b) <= 80:
        simple = sp.factor(sp.cancel(a / b))
        if sp.count_ops(simple) <= 40:
            ratio = " = " + one_line(simple)
            model = getattr(problem, "model", None)
            if isinstance(model, sp.Expr) and not model.is_Symbol:
                yhat = sp.Symbol("yhat", real=True)
                short = simple.subs(model, yhat)
                if yhat in short.free_symbols:
                    ratio = " = %s with ŷ = %s" % (one_line(short), one_line(model))
    v = one_line(var)
    text = "the ratio %s / %s%s depends on %s: it is %s at %s = %s but %s at %s = %s" % (
        na, nb, ratio, v, with_decimal(r[0]), v, one_line(v1), with_decimal(r[1]), v, one_line(v2))
    if "∂L/∂" in na and nb == "L":
        text += " (to see how %s does depend on L, try symloss relate)" % na
    return text


def _nondecreasing_why(claim: Any, cx: Any) -> str | None:
    from ..calculus.exact import substitute, truth

    if type(claim).__name__ != "Nondecreasing" or not getattr(cx, "pair", None):
        return None
    a, b, var = claim.a, claim.b, claim.var
    _, v1, v2 = cx.pair
    pts = [{**dict(cx.values), var: v} for v in (v1, v2)]
    A = [substitute(a, pt) for pt in pts]
    B = [substitute(b, pt) for pt in pts]
    na, nb = _names(claim)
    v = one_line(var)
    for i, j in ((0, 1), (1, 0)):
        if (truth(sp.Le(B[i], B[j], evaluate=False), {}) is True
                and truth(sp.Gt(A[i], A[j], evaluate=False), {}) is True):
            vi, vj = (v1, v2)[i], (v1, v2)[j]
            return ("from %s = %s to %s = %s, %s does not decrease (%s ≤ %s) but %s decreases (%s > %s)" % (
                v, one_line(vi), v, one_line(vj), nb, with_decimal(B[i]), with_decimal(B[j]),
                na, with_decimal(A[i]), with_decimal(A[j])))
    return None


def _sides_why(claim: Any, cx: Any) -> str | None:
    from ..calculus.exact import substitute

    formula = getattr(claim, "formula", None)
    if not isinstance(formula, sp.core.relational.Relational) or getattr(cx, "pair", None):
        return None
    if any(type(t).__name__ in ("ArgMin", "Corr") for t in sp.preorder_traversal(formula)):
        return None
    values = dict(cx.values)
    lhs, rhs = substitute(formula.lhs, values), substitute(formula.rhs, values)
    if lhs.free_symbols or rhs.free_symbols:
        return None
    op = {"==": "=", "!=": "≠", ">=": "≥", "<=": "≤"}.get(formula.rel_op, formula.rel_op)
    return "left side %s, right side %s, but the claim needs left %s right" % (with_decimal(lhs), with_decimal(rhs), op)


def relation_refutation_text(rel: Any) -> str:
    """``symloss relate``'s refutation: the two parameter values with equal
    loss and different gradients, each closed form with its decimal value.
    Long closed forms are named by their decimal value first."""
    cx = rel.counterexample
    var, v1, v2 = cx.pair
    p = one_line(rel.param)
    d = "|∂L/∂%s|" % p if getattr(rel, "absolute", False) else "∂L/∂%s" % p
    ev = dict(cx.evaluations or ())
    loss = ev.get("L")
    grads = [v for k, v in ev.items() if k != "L"]
    head = "%s is not a function of L: at %s" % (d, values_text(cx.values, cx.pair))
    if loss is None or len(grads) != 2:
        return head + ": " + str(cx.explanation)
    named = _named_values(cx.values)
    g0, g1 = _short(grads[0], named=named), _short(grads[1], named=named)
    return "%s: %s = %s and %s = %s give the same loss L %s but %s %s and %s" % (
        head, one_line(var), one_line(v1), one_line(var), one_line(v2), _eq(_short(loss, named=named)), d,
        _eq(g0), g1)


def _named_values(values: Any, width: int = 20) -> dict:
    """Long exact values of the point (``c = (tanh(2)²/2 + …)/(…)``) by the
    symbol they were given, so a formula that contains one shows the name."""
    return {v: k for k, v in dict(values or {}).items()
            if isinstance(k, sp.Symbol) and isinstance(v, sp.Basic) and len(one_line(v)) > width}


def _eq(text: str) -> str:
    return text if text.startswith("≈") else "= " + text


def _short(v: Any, width: int = 40, named: dict | None = None) -> str:
    """A closed form with its decimal; a long one as its decimal with the
    exact form after it in brackets, the long values of the point in it by
    their names (``named``: value → symbol)."""
    text = with_decimal(v)
    if len(one_line(v)) <= width or " ≈ " not in text:
        return text
    exact, approx = text.rsplit(" ≈ ", 1)
    if named and isinstance(v, sp.Basic):
        shown = v.xreplace(named)
        if shown != v:
            exact = "%s with %s as above" % (one_line(shown), ", ".join(
                sorted(one_line(s) for s in named.values() if s in shown.free_symbols)))
    return "≈ %s (exactly %s)" % (approx, exact)


def format_counterexample(cex) -> str:
    """A counterexample's JSON form on one line.

    >>> format_counterexample({"x": "1", "w": ["-1", "-1/2"]})
    'x = 1, w = -1 vs -1/2'
    >>> format_counterexample(None)
    ''
    """
    if not cex:
        return ""
    if not isinstance(cex, dict):
        return str(cex)
    parts = []
    for name, value in cex.items():
        if isinstance(value, (list, tuple)):
            parts.append(f"{name} = {' vs '.join(str(v) for v in value)}")
        else:
            parts.append(f"{name} = {value}")
    return ", ".join(parts)
