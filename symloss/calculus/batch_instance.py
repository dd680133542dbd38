"""A claim about a symbolic batch size ``n`` at one concrete ``n = N``.

A claim over ``samples = "n"`` holds for every positive integer ``n`` (and
every family ``x[i]``, ``y[i]``), so one concrete ``N`` at which it fails
refutes it.  :func:`instance` builds the claim at ``n = N``:

* ``n`` is replaced by ``N`` and every ``Sum`` over the sample index with
  integer limits is written out term by term (the definition of a finite
  sum, ``Σ_{i=1}^{N} f(i) = f(1) + … + f(N)``);
* a free sample index ``i`` (an assumption such as ``x[i] > 0`` speaks of
  *some* integer ``i``) is fixed to ``1``, one of its values;
* every entry ``x[k]`` of a family becomes the symbol ``x_k`` of the
  N-sample problem (real, as the families are), so the concrete-N
  machinery (sampling, z3, exact search) applies unchanged.

:func:`indexed_instance` is the same instance with the entries kept as
``x[k]``: a counterexample found for :func:`instance` is re-checked against
it (its values renamed back, ``n`` and ``i`` put in), so the renaming is
never trusted.  A hypothesis about ``n`` that is false at ``N`` (``n >= 5``)
means ``N`` is no instance: :func:`instance` returns ``None``.
"""

from __future__ import annotations

import dataclasses

import sympy as sp

from ..language.kernel import substitute
from .dataset import INDEX_NAME

__all__ = ["batch_size", "free_index", "instance", "indexed_instance", "to_indexed", "sample_symbol"]


def _items(claim):
    for f in dataclasses.fields(claim):
        value = getattr(claim, f.name)
        for item in (value if isinstance(value, tuple) else (value,)):
            if isinstance(item, tuple):  # (symbol, domain) pairs
                item = item[0]
            if isinstance(item, sp.Basic):
                yield item


def batch_size(claim):
    """The symbolic batch size ``n`` of ``claim``: a positive-integer symbol
    of the claim that is the upper limit of a ``Sum`` over the sample index
    (``Σ_{i=1}^{n}``), or ``None``."""
    for item in _items(claim):
        for s in item.atoms(sp.Sum):
            if len(s.limits) != 1:
                continue
            idx, lo, hi = s.limits[0]
            if (getattr(idx, "name", None) == INDEX_NAME and lo == 1 and isinstance(hi, sp.Symbol)
                    and hi.is_integer and hi.is_positive and hi in claim.symbols):
                return hi
    return None


def free_index(claim):
    """The sample index ``i`` when the claim mentions it outside a sum."""
    for s in claim.symbols:
        if s.name == INDEX_NAME and s.is_integer:
            return s
    return None


def sample_symbol(base, k: int) -> sp.Symbol:
    """The N-sample problem's name of entry ``k`` of the family ``base``: ``x_k``."""
    return sp.Symbol(f"{base.label}_{k}", real=True)


def _expand_sums(expr):
    """Every ``Sum`` with integer limits written out term by term."""
    def concrete(e):
        return (isinstance(e, sp.Sum) and len(e.limits) == 1 and e.limits[0][1].is_Integer
                and e.limits[0][2].is_Integer)

    def out(e):
        idx, lo, hi = e.limits[0]
        return sp.Add(*[substitute(e.function, {idx: sp.Integer(k)}) for k in range(int(lo), int(hi) + 1)])

    while True:
        sums = [s for s in expr.atoms(sp.Sum) if concrete(s)]
        if not sums:
            return expr
        inner = [s for s in sums if not s.function.atoms(sp.Sum)]  # innermost first
        expr = substitute(expr, {s: out(s) for s in (inner or sums)})




def _entries(expr) -> set:
    return {e for e in expr.atoms(sp.Indexed) if all(j.is_Integer for j in e.indices) and len(e.indices) == 1}


def _build(claim, N: int, rename: bool):
    n, i = batch_size(claim), free_index(claim)
    if n is None:
        return None
    entries: set = set()
    left: list = []

    def conc(e):
        out = _expand_sums(substitute(e, {n: sp.Integer(N)}))
        left.extend(out.atoms(sp.Sum))  # a sum over another range: no instance
        if i is not None:  # the free index, once no sum binds it
            out = substitute(out, {i: sp.Integer(1)})
        entries.update(_entries(out))
        return out

    changes = {}
    hyps = []
    for h in claim.hypotheses:
        h2 = conc(h)
        if h2 is sp.false:
            return None  # n = N (or i = 1) is not admissible: no instance
        if h2 is not sp.true:
            hyps.append(h2)
    for f in dataclasses.fields(claim):
        if f.name in ("text", "readings", "hypotheses", "symbols", "domains"):
            continue
        value = getattr(claim, f.name)
        if isinstance(value, sp.Basic) and not isinstance(value, sp.Symbol):
            changes[f.name] = conc(value)
    if left:
        return None
    families = {e.base.label for e in entries}
    mapping = {e: sample_symbol(e.base, int(e.indices[0])) for e in entries} if rename else {}
    if rename:
        hyps = [substitute(h, mapping) for h in hyps]
        changes = {k: substitute(v, mapping) for k, v in changes.items()}
    drop = {n, i} | families
    doms = dict(claim.domains)
    real = next((d for s, d in claim.domains if s in families), None)
    symbols = [s for s in claim.symbols if s not in drop]
    domains = [(s, d) for s, d in claim.domains if s not in drop]
    if rename:
        for e, s in sorted(mapping.items(), key=lambda kv: kv[1].name):
            symbols.append(s)
            domains.append((s, doms.get(e.base.label, real)))
    var = getattr(claim, "var", None)
    if var is not None:  # the bound variable's domain stays last (relations, convexity)
        domains = [(s, d) for s, d in domains if s != var] + [(var, doms[var])]
    changes.update(text=f"{claim.text}   [n = {N}]", hypotheses=tuple(hyps),
                   symbols=tuple(sorted(set(symbols), key=lambda s: s.name)), domains=tuple(domains), readings=())
    return dataclasses.replace(claim, **changes), mapping


def instance(claim, N: int):
    """``(claim at n = N with entries x_k, {x[k]: x_k})``, or ``None`` when
    ``claim`` has no symbolic batch size or ``N`` is not admissible."""
    return _build(claim, N, rename=True)


def indexed_instance(claim, N: int):
    """The claim at ``n = N`` with its entries kept as ``x[k]`` (the form a
    counterexample of :func:`instance` is re-checked against), or ``None``."""
    built = _build(claim, N, rename=False)
    return None if built is None else built[0]


def to_indexed(values: dict, mapping: dict) -> dict:
    """A point of :func:`instance`'s claim in the entries ``x[k]``."""
    back = {s: e for e, s in mapping.items()}
    return {back.get(k, k): v for k, v in values.items()}
