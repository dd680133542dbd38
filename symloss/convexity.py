"""``convex(L, v)`` / ``concave(L, v)`` for a problem: convexity along one parameter.

``d(L, w, 2) >= 0`` is a pointwise statement about the conventional second
derivative; at a kink (``abs``, ``relu``, ``max``, ``Piecewise``) it says
nothing, so it is proved for ``-abs(w)`` although that function is not
convex.  Convexity here means the real thing: for every value of the other
symbols, ``L(λa + (1 − λ)c) ≤ λL(a) + (1 − λ)L(c)`` on the parameter's domain.

What this module decides (and only this):

* **proved** when ``L`` is smooth in ``v`` — no kink function (``Abs``,
  ``Max``, ``Min``, ``Piecewise``, ``Heaviside``, ``sign``, ``relu``) has an
  argument depending on ``v`` — and ``d(L, v, 2) >= 0`` (``<= 0`` for
  concave) is proved by the claim engine, whose every step re-checks.  A C²
  function on an interval with a nonnegative second derivative is convex.
  The domain along ``v`` is assumed connected (an interval), which holds for
  every catalogue pair: the only constraints on ``v`` are ``ŷ`` in an
  interval for a ``ŷ`` monotone in ``v``.
* **refuted** by an exact Jensen violation: points ``a < c`` with
  ``L((a + c)/2) > (L(a) + L(c))/2`` (``<`` for concave) at exact values of
  every other symbol, both points admissible, the sign decided exactly by
  :func:`symloss.exact.sign_of` (interval arithmetic, never float).  The
  candidate point comes from a refutation of the second-derivative claim;
  the Jensen triple is then searched around it.  This is sound with or
  without kinks: a Jensen violation is a violation.
* **unknown** otherwise — in particular whenever a kink depends on ``v`` and
  no Jensen violation was found (kinks: one-sided derivatives are not
  compared yet).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import sympy as sp

from .exact import point_is_admissible, sign_of
from .verdict import Counterexample, Evidence, Result

__all__ = ["KINKS", "kinks", "decide_convexity", "jensen_gap", "JensenViolation"]

#: Function heads whose argument makes a function non-smooth.
KINKS = ("Abs", "Max", "Min", "Piecewise", "Heaviside", "sign", "relu", "DiracDelta")


def kinks(expr: sp.Expr, v: sp.Symbol) -> list[sp.Expr]:
    """The sub-expressions of ``expr`` that may be kinks along ``v``.

    >>> w, x = sp.symbols('w x', real=True)
    >>> kinks(-sp.Abs(w), w), kinks(sp.Abs(x) * w**2, w)
    ([Abs(w)], [])
    """
    out = []
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.Basic) and type(node).__name__ in KINKS and node.has(v):
            out.append(node)
    return out


def jensen_gap(f: sp.Expr, v: sp.Symbol, a, c) -> sp.Expr:
    """``f((a + c)/2) − (f(a) + f(c))/2``: positive somewhere ⇒ not convex,
    negative somewhere ⇒ not concave."""
    m = (sp.sympify(a) + sp.sympify(c)) / 2
    return f.subs(v, m) - (f.subs(v, a) + f.subs(v, c)) / 2


@dataclass(frozen=True)
class JensenViolation:
    """Rule: if ``f((a + c)/2) > (f(a) + f(c))/2`` for admissible ``a < c``
    (``<`` for concavity), ``f`` is not convex (not concave) in ``v``.

    ``verify()`` re-evaluates the gap exactly at the stored values."""

    f: sp.Expr
    v: sp.Symbol
    values: tuple
    a: sp.Expr
    c: sp.Expr
    concave: bool

    def gap(self) -> sp.Expr:
        g = jensen_gap(self.f, self.v, self.a, self.c)
        return g.xreplace(dict(self.values))

    def verify(self, hypotheses=()) -> bool:
        want = -1 if self.concave else 1
        if sign_of(self.gap()) != want:
            return False
        base = dict(self.values)
        for point in (self.a, self.c, (self.a + self.c) / 2):
            if point_is_admissible(hypotheses, {**base, self.v: point}) is not True:
                return False
        return True


def _candidate_steps():
    yield from (sp.Integer(1), sp.Integer(2), sp.Rational(1, 2), sp.Integer(4))
    for k in range(2, 24, 3):
        yield sp.Rational(1, 2**k)


def _search_jensen(L, v, values, centre, hyps, concave, deadline):
    f = L.xreplace({k: val for k, val in values.items() if k != v})
    for h in _candidate_steps():
        if time.monotonic() > deadline:
            return None
        cand = JensenViolation(f, v, tuple(sorted(((k, val) for k, val in values.items() if k != v),
                                                  key=lambda kv: str(kv[0]))),
                               centre - h, centre + h, concave)
        try:
            if cand.verify(hyps):
                return cand
        except Exception:  # a point where SymPy cannot evaluate decides nothing
            continue
    return None


_SIMPLE = (sp.Integer(1), sp.Integer(-1), sp.Integer(2), sp.Rational(1, 2), sp.Integer(0))


def _kink_points(L, v, ks, hyps, deadline):
    """(values, centre) pairs: simple exact values of the other symbols and
    a root along ``v`` of a kink's switching expression."""
    others = sorted((L.free_symbols | set().union(*(h.free_symbols for h in hyps))) - {v}, key=str)
    for k in ks:
        if type(k).__name__ in ("Max", "Min") and len(k.args) == 2:
            switch = k.args[0] - k.args[1]
        elif type(k).__name__ == "Piecewise" or not k.args:
            continue
        else:
            switch = k.args[0]
        for fill in _SIMPLE[:4]:
            for flip in range(len(others) + 1):
                if time.monotonic() > deadline:
                    return
                values = {s: fill for s in others}
                if flip < len(others):
                    values[others[flip]] = -fill
                try:
                    roots = sp.solve(sp.Eq(switch.xreplace(values), 0), v)
                except Exception:
                    continue
                for r in roots[:3]:
                    if r.is_real and not r.free_symbols:
                        yield values, r


def decide_convexity(problem, param, *, concave: bool = False, assume=(), timeout: float = 10.0) -> Result:
    """Decide ``convex(L, param)`` (``concave`` when asked) for ``problem``.

    Returns a :class:`~symloss.verdict.Result` (picklable); see the module
    docstring for what each verdict rests on.
    """
    from .decide import check_claim

    start = time.monotonic()
    deadline = start + float(timeout)
    word = "concave" if concave else "convex"
    p = problem._param(param)
    text = f"{word}(L, {p})"
    L = problem.L
    hyps = list(problem.hypotheses()) + [problem.parse(a) for a in assume]
    ks = kinks(L, p)
    second = f"d(L, {p}, 2) {'<=' if concave else '>='} 0"
    inner = check_claim(problem, second, assume=tuple(assume), timeout=max(0.5, deadline - time.monotonic()))

    def done(verdict, reason, method, **kw):
        return Result(verdict, text, reason=reason, method=method, seconds=time.monotonic() - start,
                      evidence=getattr(inner, "evidence", Evidence()), **kw)

    def _refuted(found):
        cmp = "<" if concave else ">"
        ce = Counterexample(dict(found.values), pair=(p, found.a, found.c), explanation=(
            f"Jensen fails: L at the midpoint {sp.sstr((found.a + found.c) / 2)} {cmp} the mean of "
            f"L({sp.sstr(found.a)}) and L({sp.sstr(found.c)}), gap {sp.sstr(sp.simplify(found.gap()))}"))
        return done("refuted", ce.describe(), "exact Jensen violation", counterexample=ce)

    if inner.verdict == "proved" and not ks:
        return done("proved", f"L is smooth in {p} and {second} is proved ({inner.reason})",
                    "second derivative on a smooth function", proof=inner.proof)
    if inner.verdict == "refuted" and inner.counterexample is not None:
        values = inner.counterexample.as_dict()
        centres = [values[p]] if p in values else list(_SIMPLE)  # f'' free of the parameter
        for centre in centres:
            found = _search_jensen(L, p, {**values, p: centre}, centre, hyps, concave, deadline)
            if found is not None:
                return _refuted(found)
        why = f"{second} is refuted, but no exact Jensen violation was found near its counterexample"
        return done("unknown", why, "Jensen search")
    if ks:
        for values, centre in _kink_points(L, p, ks, hyps, deadline):
            found = _search_jensen(L, p, {**values, p: centre}, centre, hyps, concave, deadline)
            if found is not None:
                return _refuted(found)
        return done("unknown", f"L has a kink in {p} ({sp.sstr(ks[0])}); one-sided derivatives are not compared yet"
                    + (f"; {second} is {inner.verdict}" if inner.verdict != "unknown" else ""), "kink")
    return done("unknown", f"{second} not decided: {inner.reason}", inner.method or "second derivative")
