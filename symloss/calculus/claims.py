"""The claim language: claim strings → claim objects.

A claim is parsed by the safe parser (:mod:`symloss.language.parser`) with the
built-ins of this module:

=================================  ===========================================
built-in                           meaning (example)
=================================  ===========================================
``L``, ``yhat``                    the loss (ŷ replaced by the model), the model
``d(E, v)``, ``d(E, v, k)``        derivative (``d(L, w) == x*(w*x - y)``)
``d(L, yhat)``, ``d(L, yhat, k)``  ∂ℓ/∂ŷ: the loss differentiated in its
                                   prediction, then the model substituted
                                   (``d(L, yhat) == tanh(yhat - y)``;
                                   ``yhat1``.. for vector losses)
``argmin(E, v)``                   unique minimiser over the declared
                                   domain of v (``argmin(L, w) == y/x``)
``at(E, v=value)``                 substitution (``at(L, w=0) >= 0``)
``proportional(A, B, v)``          A = c·B with c free of v
                                   (``proportional(d(L, w), yhat - y, w)``)
``nondecreasing(A, B, v)``         B(v1) <= B(v2) ⇒ A(v1) <= A(v2)
                                   (``nondecreasing(abs(d(L, w)), L, w)``)
``corr(A, B, v, uniform(lo, hi))`` Pearson correlation when v ~ uniform/normal
                                   (``corr(L, d(L, w), w, normal(0, 1)) > 0``)
``implies(p, q)``                  p ⇒ q; also ``and``, ``or``, ``not``
=================================  ===========================================

Every claim is universally quantified over its free symbols, in their
domains, under the problem's hypotheses, the user's assumptions and the
definedness conditions of everything it mentions.  Names are bound by one
set of rules (proofs/README.md, "Names and scoping"): a name must be a
symbol of the problem or a word of the language; ``L``/``yhat`` mean the
loss and the model's prediction in claims and assumptions alike; a bound
variable ranges over its declared domain in every step.  The claim objects are
:class:`Pointwise` (a SymPy boolean, possibly holding :class:`ArgMin` and
:class:`Corr` terms), :class:`Proportional` and :class:`Nondecreasing`.
"""


from __future__ import annotations

import re
from typing import Iterable, Sequence

import sympy as sp

from ..errors import InvalidArgument, SymlossSyntaxError
from ..language.functions import definedness_conditions
from ..language.names import (  # noqa: F401 - domain_set, membership, known_names are re-exported
    domain_set,
    known_names,
    membership,
)
from .claims_terms import RESERVED, ArgMin, Corr, NormalDist, UniformDist, _Relation  # noqa: F401
from .claims_corr import CorrClosedForm, pearson  # noqa: F401 - re-exported
from .claims_builtins import _Builder, _domain, claim_builtins  # noqa: F401 - re-exported
from .claims_parse import _parse
from .claim_objects import Claim, Nondecreasing, Pointwise, Proportional  # noqa: F401 - re-exported
from .convex import ConvexClaim

__all__ = [
    "ArgMin",
    "Corr",
    "UniformDist",
    "NormalDist",
    "Claim",
    "Pointwise",
    "Proportional",
    "Nondecreasing",
    "parse_claim",
    "claim_builtins",
    "pearson",
    "CorrClosedForm",
    "parse_assumptions",
    "known_names",
    "domain_set",
    "membership",
]


def _as_tuple(x) -> tuple:
    if x is None:
        return ()
    if isinstance(x, sp.Basic):
        return (x,)
    return tuple(x)


def _split_and(h: sp.Basic) -> list:
    if isinstance(h, sp.And):
        return [p for a in h.args for p in _split_and(a)]
    if h is sp.true:
        return []
    return [h]


def parse_assumptions(problem, assume: Iterable) -> list:
    """Assumptions (strings in the claim language, or SymPy booleans) →
    SymPy booleans.  ``yhat``, ``L`` and ``d(...)`` mean what they mean in a
    claim (the model's prediction, the loss, its derivatives); a name that
    is not a symbol of the problem is a syntax error; ``argmin``, ``corr``
    and the relations are claims, not conditions on a point, and are
    refused."""
    out = []
    for a in _as_tuple(assume) if not isinstance(assume, str) else (assume,):
        side: list = []  # conditions the built-ins record (at(E, w=a) needs a in w's domain)
        if isinstance(a, str):
            b = _Builder(problem, a)
            terms: list = []
            value = b.resolve(_parse(problem, a, claim_builtins(problem, a, side, terms=terms), side, terms))
        else:
            value = a
        if isinstance(value, _Relation):
            raise SymlossSyntaxError(f"an assumption is a condition on a point, not {value.kind}(...): {a!r}",
                                     a if isinstance(a, str) else "", None)
        if isinstance(value, sp.Expr) or not isinstance(value, sp.Basic):
            raise SymlossSyntaxError(f"an assumption must be a statement such as 'x != 0', got {a!r}", a if isinstance(a, str) else "", None)
        if value.atoms(Corr) or (isinstance(a, str) and re.search(r"\bcorr\s*\(", a)):
            raise SymlossSyntaxError(
                f"corr cannot be assumed; state it in the claim, e.g. implies(corr(...) > 0, ...): {a!r}",
                a if isinstance(a, str) else "", None)
        out.extend(c for c in side if isinstance(c, sp.Basic) and c is not sp.true)
        # an assumption holds only where it is defined: exp(log(x)) > -1 says x > 0
        out.extend(_free_conditions(value))
        out.append(value)
    return out


_parse_assumptions = parse_assumptions


def _free_conditions(e: sp.Basic) -> list:
    """Definedness conditions of ``e`` outside its argmin/corr terms (inside
    them the variable is bound: its conditions are the term's own business,
    and a condition on the bound ``w`` says nothing about a free ``w``)."""
    terms = sorted(e.atoms(ArgMin, Corr), key=sp.default_sort_key) if isinstance(e, sp.Basic) else []
    if not terms:
        return definedness_conditions(e)
    masks = {t: sp.Dummy("bound", real=True) for t in terms}
    back = {m: t for t, m in masks.items()}
    return [c.xreplace(back) for c in definedness_conditions(e.xreplace(masks))]


def _collect(problem, exprs: Sequence[sp.Basic], assume: Iterable, bound: set, written: Sequence = ()) -> tuple:
    """(hypotheses, symbols, domains) for a claim about ``exprs``;
    ``written`` holds definedness conditions recorded while parsing, for
    sub-expressions that SymPy's evaluation may have cancelled."""
    hyps: list = []
    user = set(getattr(problem, "assumptions", ()) or ())
    extra = _parse_assumptions(problem, assume)
    free = set().union(*(e.free_symbols for e in list(exprs) + list(user) + extra))
    # a variable the claim only binds (argmin over w, corr over w): its domain
    # is the range of the binder, not a condition on a free w (a w in an
    # assumption is free, another variable than the bound one)
    bound_only = set(bound) - free
    for h in _as_tuple(problem.hypotheses() if hasattr(problem, "hypotheses") else ()):
        if h not in user and h.free_symbols and h.free_symbols <= bound_only:
            continue
        hyps.extend(_split_and(h))
    for h in extra:
        hyps.extend(_split_and(h))
    for e in exprs:
        hyps.extend(_free_conditions(e))
    for c in written:  # recorded while parsing, already scoped (at, argmin, corr, where)
        if isinstance(c, sp.Basic):
            hyps.append(c)
    syms = set()
    for e in list(exprs) + hyps:
        syms |= {s for s in e.free_symbols if isinstance(s, sp.Symbol)}
    domains = []
    for s in sorted(syms, key=lambda s: s.name):
        dom = _domain(problem, s)
        domains.append((s, dom))
        c = dom.condition(s)
        hyps = _split_and(c) + hyps
    unique = []
    for h in hyps:
        if h not in unique and h is not sp.true:
            unique.append(h)
    return tuple(unique), tuple(sorted(syms, key=lambda s: s.name)), tuple(domains)


def _bound_vars(formula: sp.Basic) -> set:
    out = set()
    for t in formula.atoms(ArgMin):
        out.add(t.var)
    for t in formula.atoms(Corr):
        out.add(t.args[2])
    return out


def parse_claim(problem, text: str, assume=()) -> Claim:
    """Parse claim ``text`` about ``problem`` into a :class:`Claim`.

    ``assume`` holds extra side conditions (strings in the claim language, or
    SymPy booleans).  Raises :class:`~symloss.errors.SymlossSyntaxError`
    (with the column) for misuse of the built-ins.  ``parse_claim(text,
    problem)`` is accepted too.
    """
    if isinstance(problem, str) and not isinstance(text, str):
        problem, text = text, problem
    if not isinstance(text, str):
        raise InvalidArgument(f"a claim must be a string, got {type(text).__name__} ({text!r})")
    builder = _Builder(problem, text)
    written: list = []
    readings: list = []
    terms: list = []  # argmin terms, in the order the built-ins build them
    value = _parse(problem, text, claim_builtins(problem, text, written, readings, terms), written, terms)
    if isinstance(value, _Relation):
        a, b, v = value.a, value.b, value.var
        free = (a.free_symbols | b.free_symbols) - {v}
        hyps, syms, doms = _collect(problem, [a, b], assume, set(), written)
        syms = tuple(s for s in syms if s != v)
        doms = tuple((s, d) for s, d in doms if s != v) + ((v, _domain(problem, v)),)
        if value.kind in ("convex", "concave"):
            rng = domain_set(_domain(problem, v))
            if not isinstance(rng, sp.Interval):  # Reals is an Interval too
                raise SymlossSyntaxError(
                    f"{value.kind}(E, {v}): {v} has the domain {_domain(problem, v).text}, "
                    f"not an interval; convexity is defined along an interval -- declare one for {v}, "
                    f"or state the inequalities between its values as a claim", text, 1)

            return ConvexClaim(text=text, hypotheses=hyps, symbols=syms, domains=doms, expr=a, var=v,
                               concave=value.kind == "concave", readings=tuple(readings))
        cls = Proportional if value.kind == "proportional" else Nondecreasing
        del free
        return cls(text=text, hypotheses=hyps, symbols=syms, domains=doms, a=a, b=b, var=v,
                   readings=tuple(readings))
    value = builder.resolve(value)
    if isinstance(value, bool):
        value = sp.true if value else sp.false
    if isinstance(value, sp.Expr) or not isinstance(value, sp.Basic):
        raise SymlossSyntaxError(
            f"a claim must be a statement (a comparison, implies, proportional, ...), got {value}", text, 1
        )
    bound = _bound_vars(value)
    hyps, syms, doms = _collect(problem, [value], assume, bound, written)
    return Pointwise(text=text, hypotheses=hyps, symbols=syms, domains=doms, formula=value,
                     readings=tuple(readings))
