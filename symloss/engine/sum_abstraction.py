"""Claims over a symbolic batch proved through the sums' data moments.

Over ``n`` samples, a sum whose term is a polynomial in the parameters splits
by linearity into the parameters' monomials times sums of the data alone:

    Σ_i (w x_i + b − y_i)² = w² Σ x_i² + 2wb Σ x_i − 2w Σ x_i y_i + …

Each data sum ``Σ_i g(x_i, y_i)`` is one real number, whatever n and the
samples are.  Replacing each by a fresh real variable ``s_k`` turns the claim
into a claim about finitely many reals (the least-squares minimiser becomes
``(Σ x_i(y_i − b))/Σ x_i²`` with ``Σ x_i²`` a variable ``s`` > 0 by
hypothesis), which the ordinary tactics decide.  A proof for *every* real
value of the ``s_k`` (under the translated hypotheses and the sums' proved
signs, e.g. ``Σ x_i² ≥ 0``) is a proof at the actual sums: the
:class:`SumAbstraction` step re-checks each split (the term minus its
recombination rewrites to 0, each coefficient free of the index), the
translation of every part of the claim, and the inner proof.  A
counterexample of the abstract claim is *not* one of the claim (the s_k need
not be realisable): refutations come from concrete n
(:mod:`symloss.engine.symbolic_batch`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import sympy as sp

from ..calculus.proof import Step
from .verdict import Result

__all__ = ["SumAbstraction", "abstract_claim", "sum_abstraction", "register"]


def _fields(claim):
    skip = {"text", "readings", "hypotheses", "symbols", "domains"}
    return [(f.name, getattr(claim, f.name)) for f in dataclasses.fields(claim)
            if f.name not in skip and isinstance(getattr(claim, f.name), sp.Basic)
            and not isinstance(getattr(claim, f.name), sp.Symbol)]


def _sums(claim) -> set:
    out: set = set()
    for _, v in _fields(claim):
        out |= v.atoms(sp.Sum)
    for h in claim.hypotheses:
        out |= h.atoms(sp.Sum)
    return out


def _split(S):
    """``[(coefficient, data sum), ...]`` with Σ coefficient·data sum = S, the
    coefficients free of the index, or ``None``."""
    if len(S.limits) != 1:
        return None
    i, lo, hi = S.limits[0]
    f = S.function
    data = {i} | {e.base.label for e in f.atoms(sp.Indexed)}
    gens = sorted((g for g in f.free_symbols - data if not isinstance(g, sp.Indexed)), key=str)
    if f.atoms(sp.Sum):
        return None
    try:
        poly = sp.Poly(sp.expand(f), *gens) if gens else None
    except sp.PolynomialError:
        return None
    pieces = poly.terms() if poly is not None else [((), sp.expand(f))]
    out: dict = {}
    for monom, coeff in pieces:
        c = sp.Mul(*[g ** k for g, k in zip(gens, monom)])
        if coeff.free_symbols & set(gens):
            return None
        for t in sp.Add.make_args(sp.expand(coeff)):  # one data sum per term, its number pulled out
            r, t0 = t.as_coeff_Mul()
            a = sp.Sum(t0, (i, lo, hi))
            out[a] = out.get(a, 0) + c * r
    return [(c, a) for a, c in out.items() if c != 0]


def _count(a) -> bool:
    """``Σ_{i=1}^{n} 1`` over a positive integer n: the number n itself."""
    i, lo, hi = a.limits[0]
    return a.function == 1 and lo == 1 and hi.is_integer and hi.is_nonnegative


@dataclass(frozen=True)
class Splits:
    """The splits of a claim's sums: ``((S, ((c, atom), ...)), ...)`` and the
    variable of each data sum ``((atom, s), ...)`` (not a premise)."""

    splits: tuple
    names: tuple

    def mapping(self) -> dict:
        var = dict(self.names)
        return {S: sp.Add(*[c * var[a] for c, a in parts]) for S, parts in self.splits}


class ForEverySize(sp.Function):
    """Fact marker: the claim holds for every n and every family of samples."""

    nargs = 1

    def _latex(self, printer, exp=None):
        return r"\text{the claim holds for every } n \text{ and all samples}"


@dataclass(frozen=True)
class Boxed:
    """An abstract claim's proof carried by :class:`SumAbstraction` (checked there)."""

    proof: Step


@dataclass(frozen=True)
class SumAbstraction(Step):
    """Rule: each sum Σ_i f(i) equals Σ_k c_k Σ_i g_k(i) with c_k free of i
    (linearity: f − Σ_k c_k g_k rewrites to 0), and each data sum Σ_i g_k(i)
    is a real number; a statement that holds for every real value s_k of the
    data sums, under the translated hypotheses and the proved signs of the
    data sums (the premises), holds at their actual values."""

    original: tuple      # (field name, value) of the claim
    hypotheses: tuple    # the claim's hypotheses
    splits: Splits
    signs: tuple         # proofs of data-sum signs (premises)
    abstract: tuple      # (field name, value) of the abstract claim
    abstract_hypotheses: tuple
    inner: Boxed

    @property
    def fact(self) -> sp.Basic:
        return ForEverySize(sp.Tuple(*(v for _, v in self.original)))

    def verify(self) -> None:
        from ..calculus.derive import is_zero
        from ..calculus.proof import check_proof
        from ..errors import ProofCheckError

        names = dict(self.splits.names)
        mentioned = set().union(*(v.free_symbols for _, v in self.original), *(h.free_symbols for h in self.hypotheses))
        for a, s in names.items():
            if not isinstance(a, sp.Sum) or len(a.limits) != 1:
                raise self.fail(f"{a} is not a data sum")
            if _count(a):
                if s != a.limits[0][2]:
                    raise self.fail(f"{a} is {a.limits[0][2]}, not {s}")
            elif not isinstance(s, sp.Dummy) or not s.is_real or s in mentioned:
                raise self.fail(f"{s} is not a fresh real variable for a data sum")
        for S, parts in self.splits.splits:
            i = S.limits[0][0]
            for c, a in parts:
                if a not in names or a.limits != S.limits or i in c.free_symbols or c.has(sp.Indexed, sp.Sum):
                    raise self.fail(f"{c}·{a} is not a coefficient free of {i} times a data sum over {S.limits}")
            rest = S.function - sp.Add(*[c * a.function for c, a in parts])
            if is_zero(rest) is not True:
                raise self.fail(f"{S} is not the sum of its parts")
        m = self.splits.mapping()
        if dict(self.abstract).keys() != dict(self.original).keys():
            raise self.fail("the abstract claim has other parts than the claim")
        for (name, value), (_, got) in zip(self.original, self.abstract):
            if value.xreplace(m) != got or got.has(sp.Sum, sp.Indexed):
                raise self.fail(f"{name}: {got} is not the translated {value}")
        allowed = {h.xreplace(m) for h in self.hypotheses}
        for p in self.signs:
            f = p.fact
            if not (isinstance(f, sp.core.relational.Relational) and f.lhs in names and f.rhs == 0):
                raise self.fail(f"{f} is not the sign of a data sum")
            allowed.add(f.func(names[f.lhs], 0, evaluate=False))
        for h in self.abstract_hypotheses:
            if h not in allowed or h.has(sp.Sum, sp.Indexed):
                raise self.fail(f"the abstract claim assumes {h}, which is not a translated hypothesis")
        try:
            check_proof(self.inner.proof, set(self.abstract_hypotheses))
        except ProofCheckError as exc:
            raise self.fail(f"the abstract proof does not check: {exc}") from exc


def abstract_claim(claim):
    """``(abstract claim, splits, sign proofs)`` or ``(None, reason, ())``."""
    from ..language.domains import parse_domain
    from .signs import sign_of

    sums = _sums(claim)
    if not sums:
        return None, "no sum", ()
    splits, atoms = [], {}
    for S in sorted(sums, key=sp.default_sort_key):
        parts = _split(S)
        if parts is None:
            return None, f"the term of {S} is not a polynomial in the parameters", ()
        splits.append((S, tuple(parts)))
        for _, a in parts:
            if a not in atoms:
                atoms[a] = a.limits[0][2] if _count(a) else sp.Dummy(f"s{len(atoms) + 1}", real=True)
    sp_ = Splits(tuple(splits), tuple(atoms.items()))
    m = sp_.mapping()
    changes = {name: value.xreplace(m) for name, value in _fields(claim)}
    hyps = [h.xreplace(m) for h in claim.hypotheses]
    signs = []
    for a, s in atoms.items():
        if not isinstance(s, sp.Dummy):
            continue
        r = sign_of(a, [h for h in claim.hypotheses if not h.has(sp.Indexed)])
        if r is not None and r.sign.name in ("POSITIVE", "NONNEGATIVE", "NEGATIVE", "NONPOSITIVE"):
            f = r.step.fact
            if isinstance(f, sp.core.relational.Relational) and f.lhs == a and f.rhs == 0:
                signs.append(r.step)
                hyps.append(f.func(s, 0, evaluate=False))
    hyps = [h for h in dict.fromkeys(hyps) if h is not sp.true]
    left = [v for v in list(changes.values()) + hyps if v.has(sp.Sum, sp.Indexed)]
    if left:
        return None, f"a sum or sample entry is left after the split ({left[0]})", ()
    labels = {e.base.label for S in sums for e in S.atoms(sp.Indexed)}
    used = set().union(*(v.free_symbols for v in changes.values()), *(h.free_symbols for h in hyps))
    var = getattr(claim, "var", None)
    fresh = [s for s in atoms.values() if isinstance(s, sp.Dummy)]
    symbols = [s for s in claim.symbols if s not in labels and s in used] + fresh
    real = parse_domain("real")
    domains = [(s, d) for s, d in claim.domains if s not in labels and s != var] + [(s, real) for s in fresh]
    if var is not None:
        domains.append((var, claim.domain_of(var)))
    abstract = dataclasses.replace(claim, text=f"{claim.text}   [data sums as variables]", hypotheses=tuple(hyps),
                                   symbols=tuple(sorted(set(symbols), key=str)), domains=tuple(domains),
                                   readings=(), **changes)
    return abstract, sp_, tuple(signs)


def sum_abstraction(claim, ctx):
    """Tactic: prove a claim with sums through its data sums (module docstring)."""
    if getattr(claim, "readings", ()) or not _sums(claim):
        return None
    abstract, splits, signs = abstract_claim(claim)
    if abstract is None:
        ctx.notes.append(f"data sums: {splits}")
        return None
    inner = ctx.decide(abstract)
    if inner.verdict != "proved" or inner.proof is None:
        ctx.notes.append(f"data sums as variables: {inner.verdict} ({inner.reason})")
        return None
    step = SumAbstraction(tuple(_fields(claim)), tuple(claim.hypotheses), splits, signs, tuple(_fields(abstract)),
                          tuple(abstract.hypotheses), Boxed(inner.proof))
    return Result("proved", claim, proof=step, method=f"data sums as variables; {inner.method}",
                  reason=f"for every n, with each data sum Σ_i g(x_i, y_i) a real variable: {inner.reason}")


def register(registry) -> None:
    """Add the ``data sums`` tactic to ``registry``."""
    registry.add("data sums", sum_abstraction, "prove")
