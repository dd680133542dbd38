"""Names in claims and assumptions: which exist, and what a bound variable
ranges over.

* :func:`known_names`: the symbols of a problem a claim may use; a name
  outside them (``y_hat``, ``Y``, the Leibniz quotient ``dL/dw``) is a
  :class:`~symloss.errors.SymlossSyntaxError` with its column and a
  suggestion (:func:`check_names`, :func:`check_leibniz`), never a new
  universally quantified symbol;
* :func:`domain_set` and :func:`membership`: a declared domain as the set a
  bound variable ranges over (``argmin``, the support of a ``corr``
  distribution, the value of ``at``), and membership as comparisons.

The rules in words are in proofs/README.md ("Names and scoping").
"""

from __future__ import annotations

import re

import sympy as sp

from ..errors import SymlossSyntaxError

__all__ = ["known_names", "check_names", "check_leibniz", "domain_set", "membership", "value_conditions",
           "support_conditions"]


def domain_set(dom) -> sp.Set | None:
    """The declared domain as a SymPy set (what ``argmin`` ranges over and
    what a distribution's support must lie in); ``None`` for an integer
    range, which neither supports.

    >>> from symloss.language.domains import parse_domain
    >>> domain_set(parse_domain("positive")), domain_set(parse_domain("{0, 1}"))
    (Interval.open(0, oo), {0, 1})
    """
    if dom.kind == "finite":
        return sp.FiniteSet(*dom.elements)
    if dom.kind == "nonzero":
        return sp.Union(sp.Interval.open(-sp.oo, 0), sp.Interval.open(0, sp.oo))
    if dom.kind == "integer":
        lo, hi = dom.lo, dom.hi  # the least and the greatest integer inside the ends
        if lo.is_finite:
            lo = sp.floor(lo) + 1 if dom.lo_open else sp.ceiling(lo)
        if hi.is_finite:
            hi = sp.ceiling(hi) - 1 if dom.hi_open else sp.floor(hi)
        return sp.Range(lo, hi + 1 if hi.is_finite else hi)
    return sp.Interval(dom.lo, dom.hi, dom.lo_open or not dom.lo.is_finite, dom.hi_open or not dom.hi.is_finite)


def membership(value: sp.Expr, rng: sp.Set) -> list:
    """``value ∈ rng`` as unevaluated comparisons (a list read as a
    conjunction; ``Or`` of equations for a finite set).

    >>> membership(sp.Symbol('r'), sp.Interval.Lopen(0, 1))
    [0 < r, r <= 1]
    """
    if rng == sp.S.Reals:
        return []
    if isinstance(rng, sp.Interval):
        out = []
        if rng.start.is_finite:
            out.append((sp.StrictLessThan if rng.left_open else sp.LessThan)(rng.start, value, evaluate=False))
        if rng.end.is_finite:
            out.append((sp.StrictLessThan if rng.right_open else sp.LessThan)(value, rng.end, evaluate=False))
        return out
    if isinstance(rng, sp.Range):
        known = value.is_integer is True and not value.free_symbols  # a whole number: nothing to show
        out = [] if known else [sp.Contains(value, sp.Integers, evaluate=False)]
        if rng.inf.is_finite:
            out.append(sp.LessThan(rng.inf, value, evaluate=False))
        if rng.sup.is_finite:
            out.append(sp.LessThan(value, rng.sup, evaluate=False))
        return out
    if isinstance(rng, sp.FiniteSet):
        eqs = [sp.Eq(value, e, evaluate=False) for e in rng.args]
        return [eqs[0] if len(eqs) == 1 else sp.Or(*eqs, evaluate=False)]
    if rng == sp.Union(sp.Interval.open(-sp.oo, 0), sp.Interval.open(0, sp.oo)):
        return [sp.Ne(value, 0, evaluate=False)]
    raise ValueError(f"no membership test for {rng}")


_LEIBNIZ = re.compile(r"(?<![A-Za-z0-9_])d([A-Za-z][A-Za-z0-9_]*)\s*/\s*d([A-Za-z][A-Za-z0-9_]*)")


def known_names(problem) -> set | None:
    """The names a claim or assumption about ``problem`` may use: every
    symbol of the problem (model, loss, declared ``vars``, parameters,
    catalogue domains and hyper-parameters) and ``L`` (and ``yhat`` when the
    problem has one); ``None`` when ``problem`` has no symbol table (then no
    name is checked)."""
    table = getattr(problem, "symbols", None)
    if table is None or not hasattr(table, "is_indexed"):
        return None
    names = set(table) | {"L"}
    for attr in ("params", "variables"):
        for s in getattr(problem, attr, ()) or ():
            names.add(str(s.base) if isinstance(s, sp.Indexed) else getattr(s, "name", str(s)))
    return names


def _name_column(text: str, name: str) -> int | None:
    m = re.search(r"(?<![A-Za-z0-9_.])%s(?![A-Za-z0-9_])" % re.escape(name), text)
    return None if m is None else m.start() + 1


def _suggest(name: str, known) -> str | None:
    import difflib

    pool = sorted(known)
    squeezed = {k.replace("_", "").lower(): k for k in pool}
    key = name.replace("_", "").lower()
    if key in squeezed:
        return squeezed[key]
    close = difflib.get_close_matches(name, pool, n=1, cutoff=0.6)
    return close[0] if close else None


def check_leibniz(problem, text: str) -> None:
    """``dL/dw`` reads as a quotient of two new symbols ``dL`` and ``dw``:
    refuse it and name the notation that means the derivative."""
    known = known_names(problem)
    if known is None:
        return
    for m in _LEIBNIZ.finditer(text):
        top, bottom = "d" + m.group(1), "d" + m.group(2)
        if top in known or bottom in known:
            continue
        raise SymlossSyntaxError(
            f"{m.group(0)!r} is not notation here: write d({m.group(1)}, {m.group(2)})", text, m.start() + 1)


def check_names(problem, text: str, value, created=()) -> None:
    """Every free name of a parsed claim or assumption must be a symbol of
    the problem: a misspelt name would otherwise become a new universally
    quantified symbol and the verdict would be about another claim.
    ``created``: names the parse added to the symbol table (a name that
    SymPy's arithmetic then cancelled, as in ``0*z``, is still refused)."""
    known = known_names(problem)
    if known is None:
        return
    for name in created:
        if name not in known:
            value = [sp.Symbol(name)]  # report it like a free name
            break
    exprs = [e for e in value if isinstance(e, sp.Basic)]
    used: dict = {}
    for e in exprs:
        for s in e.free_symbols:
            if isinstance(s, sp.Indexed):
                name = str(s.base)
            elif isinstance(s, sp.IndexedBase):
                name = str(s.label)
            elif isinstance(s, sp.Symbol):
                name = s.name
            else:
                continue
            if name not in known:
                used[name] = _name_column(text, name)
    if not used:
        return
    name = min(used, key=lambda n: (used[n] is None, used[n] or 0, n))
    hint = _suggest(name, known | {"yhat"} if "yhat" in known else known)
    did = f"; did you mean {hint!r}?" if hint else ""
    raise SymlossSyntaxError(
        f"unknown name {name!r}{did} (names here are the problem's symbols: "
        f"{', '.join(sorted(known))}; to state something for every value of a new symbol, "
        f"declare it in vars, e.g. vars = {{ {name} = \"real\" }})", text, used[name])


def value_conditions(v, dom, value) -> list:
    """``value`` for ``v`` in ``at(E, v=value)``: ``E`` may have been
    rewritten with the domain of ``v`` (``abs(w)`` is ``w`` for a positive
    ``w``), so the value must lie in it.  A number is decided exactly
    (``ValueError`` naming both when outside or undecided); a value with
    symbols gives its membership conditions, to become the claim's.

    >>> from symloss.language.domains import parse_domain
    >>> value_conditions(sp.Symbol('w'), parse_domain("positive"), sp.Symbol('a'))
    [0 < a]
    """
    rng = domain_set(dom)
    if rng == sp.S.Reals:
        return []
    if not value.free_symbols:
        inside = dom.decide(value)
        if inside is True:
            return []
        raise ValueError(f"{v} = {value} is {'outside' if inside is False else 'not known to lie in'} "
                         f"the domain {dom.text} of {v}")
    return membership(value, rng) if rng is not None else [dom.condition(value)]


def support_conditions(v, dom, kind: str, params) -> list:
    """The support of ``kind(*params)`` (``uniform``/``normal``) must lie in
    the domain of ``v``: the claim, and every fact a proof uses (``v > 0``
    for a positive ``v``, a rewrite made with it), is about ``v`` in its
    domain.  Exact bounds are decided here (``ValueError`` naming both when
    outside or undecided); bounds with symbols give conditions, like
    ``lo < hi``.

    >>> from symloss.language.domains import parse_domain
    >>> support_conditions(sp.Symbol('w'), parse_domain("positive"), "uniform", (sp.Integer(-1), sp.Integer(1)))
    Traceback (most recent call last):
    ...
    ValueError: uniform(-1, 1) is not inside the domain positive of w
    """
    from .domains import _le

    text = f"{kind}({', '.join(map(str, params))})"
    rng = domain_set(dom)
    where = f"{text} is not inside the domain {dom.text} of {v}"
    if rng is None or isinstance(rng, (sp.FiniteSet, sp.Range)):
        raise ValueError(f"{v} has the domain {dom.text}; a continuous distribution such as {text} "
                         f"cannot range over it")
    if rng == sp.S.Reals or dom.kind == "nonzero":  # ℝ∖{0}: a null set away
        return []
    if kind == "normal":
        raise ValueError(f"the support of {text} is the whole real line, {where}; use uniform(lo, hi) "
                         f"inside the domain")
    lo, hi = params
    out = []
    for low, high in ((rng.start, lo), (hi, rng.end)):
        if not (low.is_finite and high.is_finite):
            if low is sp.S.Infinity or high is sp.S.NegativeInfinity:
                raise ValueError(where)
            continue
        if low.free_symbols or high.free_symbols:
            out.append(sp.Le(low, high, evaluate=False))
            continue
        ok = _le(low, high)
        if ok is False:
            raise ValueError(where)
        if ok is None:
            raise ValueError(f"cannot decide exactly whether {text} lies inside the domain {dom.text} of {v}")
    return out
