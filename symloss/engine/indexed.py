"""Claims about one coordinate ``w[i]`` of an indexed parameter family
(``linear_n``: ŷ = Σ_{j=1..n} w_j x_j + b with symbolic n), decided by
reduction to a scalar claim.

For a fixed index ``i ∈ {1, …, n}``,

    Σ_j w_j x_j = w_i x_i + r,     r = Σ_{j≠i} w_j x_j,

and ``r`` does not depend on ``w_i`` or ``x_i``.  When a claim mentions the
family only through ``w[i]``, ``x[i]`` and that sum, it is a statement about
the reals ``w_i, x_i, r`` (and the other symbols):

* **proved** for every real ``r`` ⇒ proved for every ``n``, ``i`` and every
  ``w``, ``x`` (each actual ``r`` is a real number; ``r = 0`` when n = 1);
  :class:`IndexedReduction` re-derives the scalar claim from the original
  and re-checks the scalar proof under exactly the reduced hypotheses;
* **refuted** at ``(w_i, x_i, r)`` ⇒ refuted at ``n = 2``, ``i = 1``,
  ``w[1] = w_i``, ``x[1] = x_i``, ``w[2] = r``, ``x[2] = 1`` — a concrete
  instance whose sum is expanded and which the pipeline re-checks exactly
  against the original claim;
* otherwise unknown (with the reason), and a claim that mentions other
  entries of the family (``w[k]``), the index or ``n`` elsewhere, or another
  sum is not reduced: unknown with that reason.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import sympy as sp

from ..calculus.proof import Step

__all__ = ["has_indexed", "Reduction", "reduce_claim", "IndexedReduction", "decide_indexed"]


def has_indexed(claim) -> bool:
    """Whether a field of ``claim`` mentions an entry of an indexed family
    outside a sum (``w[i]``, ``x[i]``): such claims go through the reduction.
    A claim that meets the family only inside its sum (``L >= 0``,
    ``d(L, b) == yhat - y``) takes the ordinary pipeline."""
    for f in dataclasses.fields(claim):
        value = getattr(claim, f.name)
        items = value if isinstance(value, tuple) else (value,)
        for item in items:
            if isinstance(item, sp.Basic) and item.has(sp.Indexed):
                inside = set().union(*(t.atoms(sp.Indexed) for t in item.atoms(sp.Sum)))
                if item.atoms(sp.Indexed) - inside:
                    return True
    return False


@dataclass(frozen=True)
class Reduction:
    """The substitution of a reduction: the sum, its rest ``r``, the entries
    at ``i`` and their scalar names, the index and its bound."""

    total: sp.Sum
    rest: sp.Symbol
    entries: tuple  # ((w[i], w_i), (x[i], x_i))
    index: sp.Symbol
    bound: sp.Symbol

    @property
    def mapping(self) -> dict:
        out = dict(self.entries)
        if self.total is not None:
            body = self.total.function.xreplace({self.total.limits[0][0]: self.index})
            out[self.total] = body.xreplace(dict(self.entries)) + self.rest
        return out

    def apply(self, expr):
        return expr.xreplace(self.mapping)

    def left_over(self, expr) -> bool:
        return bool(expr.has(sp.Indexed, sp.IndexedBase, sp.Sum)
                    or {self.index, self.bound} & expr.free_symbols
                    or {lab for (e, _) in self.entries for lab in (e.base.label,)} & expr.free_symbols)

    def index_only(self, h) -> bool:
        """A hypothesis about the index and its bound only (``1 <= i <= n``)."""
        return h.free_symbols <= {self.index, self.bound}


def _find(claim) -> Reduction | None:
    sums, entries = set(), set()
    for f in dataclasses.fields(claim):
        value = getattr(claim, f.name)
        for item in (value if isinstance(value, tuple) else (value,)):
            if isinstance(item, sp.Basic):
                sums |= item.atoms(sp.Sum)
                entries |= {a for a in item.atoms(sp.Indexed)}
    bounds = set()
    for h in claim.hypotheses:  # the index range 1 <= i <= n of the problem
        if isinstance(h, sp.LessThan) and isinstance(h.lhs, sp.Symbol) and isinstance(h.rhs, sp.Symbol):
            bounds.add((h.lhs, h.rhs))
    if len(sums) > 1:
        return None
    total = next(iter(sums), None)
    if total is not None:
        if len(total.limits) != 1:
            return None
        j, lo, n = total.limits[0]
        factors = sp.Mul.make_args(total.function)
        if lo != 1 or not isinstance(n, sp.Symbol) or len(factors) != 2 or not all(
                isinstance(a, sp.Indexed) and a.indices == (j,) for a in factors):
            return None
        bases = {a.base for a in factors}
    else:
        j = None
    outside = {e for e in entries if j is None or j not in e.free_symbols}
    indices = {e.indices for e in outside}
    if len(indices) != 1:
        return None
    (idx,) = indices
    if len(idx) != 1 or not isinstance(idx[0], sp.Symbol):
        return None
    i = idx[0]
    if total is None:
        ns = [b for a, b in bounds if a == i]
        if len(ns) != 1:
            return None
        n = ns[0]
        bases = {e.base for e in outside}
    if i == n:
        return None
    if not {e.base for e in outside} <= bases or (i, n) not in bounds:
        return None
    names = []
    for base in sorted(bases, key=str):
        label = str(base.label)
        names.append((base[i], sp.Symbol(f"{label}_{i}", real=True)))
    return Reduction(total, sp.Dummy("r", real=True), tuple(names), i, n)


def reduce_claim(claim):
    """``(scalar claim, reduction)`` or ``(None, reason)``."""
    from ..language.domains import parse_domain

    if getattr(claim, "readings", ()):
        return None, "a claim read through a closed form is not reduced"
    red = _find(claim)
    if red is None:
        return None, ("only claims about one coordinate w[i] of a single sum Σ_j w_j x_j (with x[i], w[i] "
                      "and the sum) are reduced to scalars")
    changes = {}
    for f in dataclasses.fields(claim):
        value = getattr(claim, f.name)
        if f.name in ("text", "readings"):
            continue
        if f.name == "hypotheses":
            hyps = tuple(red.apply(h) for h in value if not red.index_only(h))
            changes[f.name] = hyps
            continue
        if f.name == "symbols":
            labels = {e.base.label for e, _ in red.entries}
            keep = [s for s in value if s not in labels | {red.index, red.bound}]
            new = [s for e, s in red.entries if e != getattr(claim, "var", None)] + [red.rest]
            changes[f.name] = tuple(sorted(keep + new, key=str))
            continue
        if f.name == "domains":
            labels = {e.base.label for e, _ in red.entries}
            keep = [(s, d) for s, d in value if s not in labels | {red.index, red.bound}]
            keep = [(red.apply(s), d) for s, d in keep]
            have = {s for s, _ in keep}
            real = parse_domain("real")
            keep += [(s, real) for _, s in red.entries if s not in have] + [(red.rest, real)]
            changes[f.name] = tuple(keep)
            continue
        if isinstance(value, sp.Basic):
            changes[f.name] = red.apply(value)
    scalar = dataclasses.replace(claim, **changes)
    for f in dataclasses.fields(scalar):
        value = getattr(scalar, f.name)
        for item in (value if isinstance(value, tuple) else (value,)):
            if isinstance(item, tuple):
                item = item[0]
            if isinstance(item, sp.Basic) and red.left_over(item):
                return None, f"the claim mentions the family beyond w[i], x[i] and the sum ({item})"
    return scalar, red


class ForEveryIndex(sp.Function):
    """Fact marker: the claim holds for every index i in 1..n and every n."""

    nargs = 1

    def _latex(self, printer, exp=None):
        return r"\text{the claim holds for every } n \text{ and every } i \in \{1, \dots, n\}"


@dataclass(frozen=True)
class Boxed:
    """A scalar proof carried by :class:`IndexedReduction` (not a premise:
    its hypotheses are the reduced ones, and the step re-checks it)."""

    proof: Step


@dataclass(frozen=True)
class IndexedReduction(Step):
    """Rule: with r = Σ_{j≠i} w_j x_j, Σ_j w_j x_j = w_i x_i + r and r ranges
    over reals (0 when n = 1) independently of w_i, x_i; a claim that
    mentions the family only through w[i], x[i] and the sum holds for every
    n, i, w, x when its scalar form holds for every real w_i, x_i, r.  The
    check re-derives the scalar claim's formula and hypotheses from the
    original and re-checks the scalar proof under them."""

    original: tuple   # (field name, value) pairs of the original claim
    hypotheses: tuple  # the original hypotheses
    reduction: Reduction
    scalar: tuple      # (field name, value) pairs of the scalar claim
    scalar_hypotheses: tuple
    inner: Boxed

    @property
    def fact(self) -> sp.Basic:
        return ForEveryIndex(sp.Tuple(*(v for _, v in self.original)))

    def verify(self) -> None:
        from ..errors import ProofCheckError
        from ..calculus.proof import check_proof

        red = self.reduction
        if not isinstance(red.rest, sp.Dummy):
            raise self.fail("the rest r must be a fresh variable")
        mentioned = set().union(*(v.free_symbols for _, v in self.original), *(h.free_symbols for h in self.hypotheses))
        if red.rest in mentioned or {s for _, s in red.entries} & mentioned:
            raise self.fail("the scalar names must be fresh")
        if dict(self.scalar).keys() != dict(self.original).keys():
            raise self.fail("the scalar claim has other parts than the original")
        for (name, value), (_, got) in zip(self.original, self.scalar):
            if red.apply(value) != got or red.left_over(got):
                raise self.fail(f"{name}: {got} is not the reduced {value}")
        reduced = {red.apply(h) for h in self.hypotheses if not red.index_only(h)}
        for h in self.scalar_hypotheses:
            if h not in reduced or red.left_over(h):
                raise self.fail(f"the scalar claim assumes {h}, which is not a reduced hypothesis")
        try:
            check_proof(self.inner.proof, set(self.scalar_hypotheses))
        except ProofCheckError as exc:
            raise self.fail(f"the scalar proof does not check: {exc}") from exc


def _parts(claim) -> tuple:
    skip = {"text", "hypotheses", "symbols", "domains", "readings"}
    return tuple((f.name, getattr(claim, f.name)) for f in dataclasses.fields(claim)
                 if f.name not in skip and isinstance(getattr(claim, f.name), sp.Basic))


def _instance(claim, red: Reduction, values: dict, pair):
    """The original claim at n = 2, i = 1 (the sum expanded) and the
    counterexample's values for it."""
    from .verdict import Counterexample

    (w_i_entry, w_i), (x_i_entry, x_i) = red.entries if len(red.entries) == 2 else (None, None)
    fix = {red.bound: sp.Integer(2), red.index: sp.Integer(1)}

    def conc(e):
        return e.xreplace(fix).doit() if isinstance(e, sp.Basic) else e

    changes = {}
    for f in dataclasses.fields(claim):
        value = getattr(claim, f.name)
        if f.name in ("text", "readings"):
            continue
        if f.name == "hypotheses":
            changes[f.name] = tuple(h for h in (conc(h) for h in value) if h is not sp.true)
        elif f.name == "symbols":
            changes[f.name] = tuple(s for s in value if s not in (red.index, red.bound))
        elif f.name == "domains":
            changes[f.name] = tuple((s, d) for s, d in value if s not in (red.index, red.bound))
        elif isinstance(value, sp.Basic):
            changes[f.name] = conc(value)
    concrete = dataclasses.replace(claim, **changes)
    one, two = sp.Integer(1), sp.Integer(2)
    back = {w_i: w_i_entry.base[one], x_i: x_i_entry.base[one]}
    out = {}
    for k, v in values.items():
        if k == red.rest:
            out[w_i_entry.base[two]] = v
            out[x_i_entry.base[two]] = one
        else:
            out[back.get(k, k)] = v
    out.setdefault(w_i_entry.base[two], sp.Integer(0))
    out.setdefault(x_i_entry.base[two], one)
    if pair is not None:
        pair = (back.get(pair[0], pair[0]), pair[1], pair[2])
    return concrete, out, pair, Counterexample


def decide_indexed(claim, decide, recheck, *, deadline: float, seed: int = 0, name=None):
    """Decide a claim about ``w[i]`` by its scalar reduction (module
    docstring): ``decide(claim, deadline=..., seed=...)`` decides the scalar
    claim and ``recheck(claim, counterexample)`` re-checks a counterexample
    exactly (the pipeline's own, passed in: this module sits below it)."""
    import time

    from .verdict import Result

    _recheck_counterexample = recheck

    start = time.monotonic()
    scalar, red = reduce_claim(claim)
    if scalar is None:
        return Result("unknown", claim, reason=f"indexed family: {red}", method="indexed reduction",
                      seconds=time.monotonic() - start, name=name)
    inner = decide(scalar, deadline=deadline, seed=seed)
    took = time.monotonic() - start
    if inner.verdict == "proved" and inner.proof is not None:
        step = IndexedReduction(_parts(claim), tuple(claim.hypotheses), red, _parts(scalar),
                                tuple(scalar.hypotheses), Boxed(inner.proof))
        from ..errors import ProofCheckError
        from ..calculus.proof import check_proof

        try:
            check_proof(step, set(claim.hypotheses))
        except ProofCheckError as exc:
            return Result("unknown", claim, reason=f"the reduction to w_i, x_i, r failed its check ({exc})",
                          method="indexed reduction", seconds=took, name=name)
        return Result("proved", claim, proof=step, method=f"indexed reduction; {inner.method}",
                      reason=f"for every n and i, with r = Σ_(j≠i) w_j x_j: {inner.reason}",
                      seconds=took, name=name)
    if inner.verdict == "refuted" and inner.counterexample is not None:
        ce = inner.counterexample
        concrete, values, pair, Counterexample = _instance(claim, red, dict(ce.values), getattr(ce, "pair", None))
        from .verdict import Explanation

        lifted = Counterexample(values, pair=pair, explanation=Explanation(
            "n = 2, i = 1 (w[2]·x[2] plays r = Σ_(j≠i) w_j x_j): ", ce.explanation))
        if _recheck_counterexample(concrete, lifted):
            values_n = {**values, red.bound: sp.Integer(2), red.index: sp.Integer(1)}
            lifted = Counterexample(values_n, pair=pair, explanation=lifted.explanation)
            return Result("refuted", claim, counterexample=lifted, method=f"indexed reduction; {inner.method}",
                          reason=lifted.describe(), seconds=took, name=name)
        return Result("unknown", claim, reason="the scalar counterexample did not re-check at n = 2, i = 1",
                      method="indexed reduction", seconds=took, name=name)
    return Result("unknown", claim, reason=f"scalar form (w_i, x_i, r = Σ_(j≠i) w_j x_j): {inner.reason}",
                  method="indexed reduction", evidence=inner.evidence, seconds=took, name=name)
