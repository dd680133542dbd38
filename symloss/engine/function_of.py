"""``A = h(B)``: one quantity as a function of another, with a re-checkable proof.

:class:`FunctionOf` states ``A = h(B)`` with ``h`` free of the variable
``v``; its check is independent of the search that found ``h``: the
identity by zero-equivalence (:func:`symloss.calculus.derive.is_zero`, with ``|q|``
written ``±q`` only where a sign proof allows, or on squares when both sides
are shown nonnegative), ``h``'s definedness on a half-line holding the values
of ``B`` (or at ``B`` itself) by the sign engine, labels with finitely many
values case by case.

:func:`prove_function_of` searches for ``h`` by eliminating ``v``: it looks
for an inner quantity ``u`` such that ``A`` and ``B`` are functions of ``u``
alone, inverts ``B = t`` for ``u`` layer by layer and puts the solution into
``A``.  :mod:`symloss.engine.relations` (monotone relations) and
:mod:`symloss.engine.relate` (the gradient as a function of the loss) build on it.

>>> w, x = sp.symbols('w x', real=True)
>>> step = prove_function_of(sp.Abs(x*w), w**2/2, w, [])
>>> step.h_expr().xreplace({step.t: sp.Symbol('t')})
sqrt(2)*sqrt(t)*Abs(x)
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from typing import Iterable, Sequence

import sympy as sp

from ..language.functions import definedness_conditions, relu, sigmoid, softplus
from ..language.kernel import substitute  # values put in are built by the trusted kernel
from ..calculus.proof import Given, Sign, Step, check_proof

__all__ = [
    "Local",
    "Case",
    "FunctionOf",
    "finite_values",
    "givens",
    "split_abs",
    "known_heads",
    "continuous_in",
    "prove_function_of",
]

# ---------------------------------------------------------------------------
# shared pieces


@dataclass(frozen=True)
class Local:
    """A sub-proof under local ``conditions`` (a case, a range of ``t``): its
    :class:`~symloss.calculus.proof.Given` steps may cite the owner's context and these
    conditions.  Not a :class:`Step`, so :func:`check_proof` does not walk
    into it; the owner re-checks it with exactly those hypotheses."""

    conditions: tuple
    proof: Step

    def check(self, allowed: set, fact: sp.Basic, owner: Step, conditions: tuple = ()) -> None:
        """Fail (as ``owner``) unless the local conditions are exactly
        ``conditions``, the proof shows ``fact``, and it checks with
        ``allowed`` plus the local conditions as hypotheses."""
        if set(self.conditions) != set(conditions):
            raise owner.fail(f"sub-proof assumes {self.conditions}, allowed only {conditions}")
        if self.proof.fact != fact:
            raise owner.fail(f"sub-proof shows {self.proof.fact}, needed {fact}")
        check_proof(self.proof, set(allowed) | set(self.conditions))


def givens(hypotheses: Iterable) -> tuple:
    """The hypotheses as :class:`~symloss.calculus.proof.Given` steps (``True`` dropped)."""
    out = []
    for i, h in enumerate(hypotheses):
        if isinstance(h, Given):
            out.append(h)
        elif h is not sp.true:
            out.append(Given(h, f"hypothesis {i}"))
    return tuple(out)


def finite_values(fact: sp.Basic, sym: sp.Symbol) -> frozenset | None:
    """The values ``sym`` may take if ``fact`` is ``Eq(sym, k)`` or a
    disjunction of such equations with numbers ``k``; else ``None``.

    >>> y = sp.Symbol('y', real=True)
    >>> sorted(finite_values(sp.Eq(y, 0) | sp.Eq(y, 1), y))
    [0, 1]
    >>> finite_values(y >= 0, y) is None
    True
    """
    parts = fact.args if isinstance(fact, sp.Or) else (fact,)
    out = set()
    for p in parts:
        if not isinstance(p, sp.Eq):
            return None
        if p.lhs == sym and p.rhs.is_number:
            out.add(p.rhs)
        elif p.rhs == sym and p.lhs.is_number:
            out.add(p.lhs)
        else:
            return None
    return frozenset(out)


def _check_cover(owner: Step, context: tuple, label, cases_values: Sequence[tuple]) -> None:
    """The cases cover every value ``label`` can take (read off a hypothesis)."""
    if label is None:
        if len(cases_values) != 1 or cases_values[0] != ():
            raise owner.fail("without a case split there must be exactly one case with no values")
        return
    covered = set()
    for vals in cases_values:
        if len(vals) != 1 or vals[0][0] != label:
            raise owner.fail(f"each case must fix exactly {label}")
        covered.add(vals[0][1])
    for g in context:
        allowed = finite_values(g.fact, label)
        if allowed is not None and allowed <= covered:
            return
    raise owner.fail(f"the cases {sorted(covered, key=str)} do not cover the values of {label} given by a hypothesis")


def _case_conditions(values: tuple) -> set:
    return {sp.Eq(s, v) for s, v in values}


def _sign_fact(fact: sp.Basic):
    """``(q, Sign)`` if ``fact`` is ``q <op> 0``."""
    table = {sp.StrictGreaterThan: Sign.POSITIVE, sp.GreaterThan: Sign.NONNEGATIVE,
             sp.StrictLessThan: Sign.NEGATIVE, sp.LessThan: Sign.NONPOSITIVE}
    s = table.get(type(fact))
    if s is None or fact.rhs != 0:
        return None
    return fact.lhs, s


def _strip_abs(expr: sp.Expr, abs_signs: Sequence[Local], allowed: set, owner: Step) -> sp.Expr:
    """Replace each ``|q|`` whose sign a (checked) sub-proof gives by ``±q``."""
    repl = {}
    for loc in abs_signs:
        parts = _sign_fact(loc.proof.fact)
        if parts is None:
            raise owner.fail(f"{loc.proof.fact} is not a sign fact")
        q, s = parts
        loc.check(allowed, loc.proof.fact, owner)
        repl[sp.Abs(q)] = q if s in (Sign.POSITIVE, Sign.NONNEGATIVE) else -q
    return expr.xreplace(repl) if repl else expr


def split_abs(expr: sp.Expr) -> sp.Expr:
    """``|p·q| → |p|·|q|`` and ``sign(|q|) → |sign(q)|`` throughout
    (identities for real arguments).

    >>> x, y = sp.symbols('x y', real=True)
    >>> split_abs(sp.Abs(x*(y + 1)))
    Abs(x)*Abs(y + 1)
    """
    if not expr.has(sp.Abs):
        return expr

    def split(e):  # noqa: D401
        if isinstance(e, sp.Abs) and isinstance(e.args[0], sp.Mul):
            return sp.Mul(*[sp.Abs(f) for f in e.args[0].args])
        if isinstance(e, sp.sign) and isinstance(e.args[0], sp.Abs):
            return sp.Abs(sp.sign(e.args[0].args[0]))  # both are 1 off q = 0 and 0 at q = 0
        return e

    return sp.bottom_up(expr, split)


def _is_zero(expr: sp.Expr) -> bool:
    from ..calculus.derive import is_zero

    try:
        return is_zero(expr) is True
    except (TypeError, ValueError, sp.PolynomialError):
        return False


# ---------------------------------------------------------------------------
# A = h(B)


@dataclass(frozen=True)
class Case:
    """One case of a :class:`FunctionOf` proof: the label ``values`` it fixes,
    the function ``h`` of ``t``, sign proofs that let ``|q|`` be written
    ``±q`` (``abs_signs``), the lower end ``lo`` of a half-line holding the
    range of ``B`` with its proof ``range`` (fact ``B − lo ≥ 0``, or
    ``B − lo > 0`` when ``strict``), and proofs of ``h``'s definedness
    conditions for ``t ≥ lo`` (``t > lo`` when ``strict``) (``defined``);
    a condition may instead be shown at ``t = B`` itself (``pointwise``),
    which gives ``h(B)`` defined but says nothing about ``h`` between the
    values of ``B`` (so :class:`NondecreasingVia` refuses such cases).  With
    ``squared`` (proofs of ``A ≥ 0`` and ``h(B) ≥ 0``) the identity checked is
    ``A² − h(B)² ≡ 0``, which with both sides nonnegative gives ``A = h(B)``
    (``√(cosh² r − 1) = |sinh r|`` is out of reach of rewriting otherwise)."""

    values: tuple
    h: sp.Expr
    abs_signs: tuple = ()
    lo: sp.Expr | None = None
    range: Local | None = None
    defined: tuple = ()
    strict: bool = False
    pointwise: tuple = ()
    squared: tuple = ()


def _at(cond: sp.Basic, t: sp.Symbol, value: sp.Expr) -> sp.Basic:
    """``cond`` with ``t = value``, the relation kept unevaluated."""
    return type(cond)(cond.lhs.xreplace({t: value}), cond.rhs.xreplace({t: value}), evaluate=False)


def _piecewise(label, cases, t, arg) -> sp.Expr:
    if label is None or len({c.h for c in cases}) == 1:
        return cases[0].h.xreplace({t: arg})
    return sp.Piecewise(*[(c.h.xreplace({t: arg}), sp.Eq(label, c.values[0][1])) for c in cases])


@dataclass(frozen=True)
class FunctionOf(Step):
    """``A = h(B)``: in each case (a value of ``label``, or one case), ``h`` is
    defined on a half-line ``t ≥ lo`` that holds every value of ``B`` (sign
    proofs), ``h`` does not involve ``var``, and ``A − h(B)`` rewrites to 0
    after replacing ``|q|`` by ``±q`` where a sign proof allows it."""

    a: sp.Expr
    b: sp.Expr
    var: sp.Symbol
    t: sp.Symbol
    context: tuple
    label: sp.Symbol | None
    cases: tuple

    @property
    def fact(self) -> sp.Basic:
        return sp.Eq(self.a, _piecewise(self.label, self.cases, self.t, self.b), evaluate=False)

    def h_expr(self) -> sp.Expr:
        """``h`` as one expression of ``t`` (Piecewise over the label's values)."""
        return _piecewise(self.label, self.cases, self.t, self.t)

    def verify(self) -> None:
        ctx_facts = {g.fact for g in self.context}
        if not isinstance(self.t, sp.Dummy) or self.t.assumptions0 != sp.Dummy("t", real=True).assumptions0:
            # h's definedness and monotonicity are proved for every value t
            # may take: a t assumed positive would cover t > 0 only
            raise self.fail(f"the placeholder {self.t} must be a fresh Dummy assumed real and nothing more")
        for e in [self.a, self.b, *ctx_facts]:
            if self.t in e.free_symbols:
                raise self.fail(f"the placeholder {self.t} occurs in {e}")
        if self.label is not None and self.label == self.var:
            # a case split on the variable itself gives one h per value of v:
            # A would then be "a function of B" only pointwise, which says nothing
            raise self.fail(f"the cases split on {self.var}, the variable that varies; h must not depend on it")
        _check_cover(self, self.context, self.label, [c.values for c in self.cases])
        for case in self.cases:
            self._verify_case(case, ctx_facts)

    def _verify_case(self, case: Case, ctx_facts: set) -> None:
        t = self.t
        if self.var in case.h.free_symbols:
            raise self.fail(f"h = {case.h} depends on {self.var}")
        if not known_heads(case.h):
            raise self.fail(f"h = {case.h} uses a function whose domain is not tracked")
        sub = dict(case.values)
        allowed = ctx_facts | _case_conditions(case.values)
        a_c, b_c = substitute(self.a, sub), substitute(self.b, sub)
        t_range: tuple = ()
        if case.lo is not None:
            if case.range is None or self.var in case.lo.free_symbols or t in case.lo.free_symbols:
                raise self.fail("a lower end of the range needs its proof and must not involve the variable")
            rel = Sign.POSITIVE if case.strict else Sign.NONNEGATIVE
            case.range.check(allowed, rel.relation(b_c - case.lo), self)
            t_range = ((sp.Gt if case.strict else sp.Ge)(t, case.lo, evaluate=False),)
        conds = definedness_conditions(case.h)
        by_fact = {loc.proof.fact: loc for loc in case.defined}
        at_b = {loc.proof.fact: loc for loc in case.pointwise}
        for cond in conds:
            loc = by_fact.get(cond)
            if loc is not None:
                loc.check(allowed, cond, self, t_range)
                continue
            here = _at(cond, t, b_c)
            loc = at_b.get(here)
            if loc is None:
                raise self.fail(f"no proof that h = {case.h} is defined ({cond})")
            loc.check(allowed, here, self)
        hb = substitute(case.h, {t: b_c})
        if case.squared:
            if len(case.squared) != 2:
                raise self.fail("squaring needs the signs of both sides")
            case.squared[0].check(allowed, Sign.NONNEGATIVE.relation(a_c), self)
            case.squared[1].check(allowed, Sign.NONNEGATIVE.relation(hb), self)
            diff = split_abs(a_c ** 2 - hb ** 2)
        else:
            diff = split_abs(a_c - hb)
        diff = _strip_abs(diff, case.abs_signs, allowed, self)
        if not _is_zero(diff):
            raise self.fail(f"A − h(B) = {diff} does not rewrite to 0")


#: Heads under which a function of t is continuous where defined and analytic
#: off finitely many kinks on any bounded interval.
_CONTINUOUS = (sp.Add, sp.Mul, sp.Pow, sp.exp, sp.log, sigmoid, softplus, sp.tanh, sp.cosh, sp.sinh,
               sp.Abs, relu, sp.Max, sp.Min)


def known_heads(h: sp.Expr) -> bool:
    """Every node of ``h`` is an atom, one of :data:`_CONTINUOUS`, ``sign`` or
    ``Heaviside``: heads whose domains
    :func:`~symloss.language.functions.definedness_conditions` describes completely."""
    for node in sp.preorder_traversal(h):
        if isinstance(node, (sp.Atom, sp.Indexed, sp.IndexedBase)):
            continue
        if not isinstance(node, _CONTINUOUS + (sp.sign, sp.Heaviside)):
            return False
    return True


def continuous_in(h: sp.Expr, t: sp.Symbol) -> bool:
    for node in sp.preorder_traversal(h):
        if not isinstance(node, sp.Basic) or t not in node.free_symbols:
            continue
        if isinstance(node, (sp.Symbol, sp.Indexed)):
            continue
        if not isinstance(node, _CONTINUOUS):
            return False
    return True


# ---------------------------------------------------------------------------
# search


def _past(deadline) -> bool:
    return deadline is not None and time.monotonic() > deadline


def _prove(expr: sp.Expr, goal: Sign, hyps: Sequence, conditions: tuple, deadline) -> Local | None:
    """A :class:`Local` proving ``expr <goal> 0`` from ``hyps`` + ``conditions``."""
    from .signs import prove_sign

    givs = list(givens(hyps)) + [Given(c, "local condition") for c in conditions]
    r = prove_sign(expr, goal, givs, deadline=deadline)
    if r is not None:
        return Local(tuple(conditions), r.step)
    return None


def _prove_condition(cond: sp.Basic, hyps, conditions: tuple, deadline) -> Local | None:
    parts = _sign_fact(cond)
    if parts is not None:
        return _prove(parts[0], parts[1], hyps, conditions, deadline)
    if isinstance(cond, sp.Ne) and cond.rhs == 0:
        from .signs import prove_sign

        givs = list(givens(hyps)) + [Given(c, "local condition") for c in conditions]
        r = prove_sign(cond.lhs, Sign.NONZERO, givs, deadline=deadline)
        return None if r is None else Local(tuple(conditions), r.step)
    return None


def _label_splits(exprs: Sequence[sp.Expr], hyps: Sequence) -> list:
    """``(label, values)`` for symbols of ``exprs`` with a finite value set."""
    syms = set()
    for e in exprs:
        syms |= {s for s in e.free_symbols if isinstance(s, sp.Symbol)}
    out = []
    for s in sorted(syms, key=lambda s: s.name):
        for h in hyps:
            vals = finite_values(h, s)
            if vals is not None and 1 < len(vals) <= 4:
                out.append((s, tuple(sorted(vals, key=sp.default_sort_key))))
                break
    return out


def _case_list(exprs, hyps, deadline, exclude=None):
    """Case splits to try: none, then each finite label other than
    ``exclude`` (the variable that varies: splitting on it would let the
    relation change from one of its values to the next)."""
    yield None, [()]
    for label, vals in _label_splits(exprs, hyps):
        if _past(deadline):
            return
        if exclude is not None and label == exclude:
            continue
        yield label, [((label, v),) for v in vals]


def _prepare(e: sp.Expr, labels=()) -> sp.Expr:
    from ..calculus.derive import readable

    try:
        return readable(e, labels)
    except Exception:  # noqa: BLE001 - a heuristic rewrite that fails changes nothing
        return e


def _fold_softplus(expr: sp.Expr, v: sp.Symbol) -> sp.Expr:
    """``softplus(u) − u + r → softplus(−u) + r`` when that removes a
    separate occurrence of ``v`` (the search only; proofs re-check).

    >>> z, w = sp.symbols('z w', real=True)
    >>> _fold_softplus(softplus(w + z) - w - z, w)
    softplus(-w - z)
    """
    if not isinstance(expr, sp.Add):
        return expr
    for sp_term in expr.atoms(softplus):
        u = sp_term.args[0]
        rest = sp.expand(expr - sp_term + u)
        if v not in rest.free_symbols:
            return softplus(sp.expand(-u)) + rest
    return expr


def _kernels(a: sp.Expr, b: sp.Expr, v: sp.Symbol) -> list:
    seen, out = set(), []
    for e in (b, a):
        for node in sp.preorder_traversal(e):
            if isinstance(node, sp.Expr) and v in node.free_symbols and node not in seen and not node.is_Symbol:
                seen.add(node)
                out.append(node)
    out.append(v)
    return out[:24]


def _invert(expr: sp.Expr, s: sp.Symbol, rhs: sp.Expr, depth: int = 0) -> list:
    """Solutions ``s`` of ``expr = rhs`` by peeling invertible layers (a
    fast, partial replacement of ``sympy.solve``; every result is re-checked
    by the proof, so a wrong branch only costs time)."""
    if depth > 12:
        return []
    if expr == s:
        return [rhs]
    if s not in expr.free_symbols:
        return []
    if isinstance(expr, (sp.Add, sp.Mul)):
        with_s = [a for a in expr.args if s in a.free_symbols]
        rest = expr.func(*[a for a in expr.args if s not in a.free_symbols])
        if len(with_s) == 1:
            inner = rhs - rest if isinstance(expr, sp.Add) else rhs / rest
            return _invert(with_s[0], s, inner, depth + 1)
        try:
            num, _ = sp.fraction(sp.together(expr - rhs))
            poly = sp.Poly(sp.expand(num), s)
        except sp.PolynomialError:
            return []
        if poly.degree() > 2 or any(s in c.free_symbols for c in poly.coeffs()):
            return []
        return list(sp.solve(poly.as_expr(), s))
    if isinstance(expr, sp.Pow):
        base, e = expr.args
        if s in e.free_symbols:
            return []
        if e.is_Integer and e.is_even:
            root = rhs ** (1 / e)
            return _invert(base, s, root, depth + 1) + _invert(base, s, -root, depth + 1)
        if e.is_Rational or e.is_number:
            return _invert(base, s, rhs ** (1 / e), depth + 1)
        return []
    inverses = {
        sp.Abs: lambda r: [r, -r],
        sp.exp: lambda r: [sp.log(r)],
        sp.log: lambda r: [sp.exp(r)],
        softplus: lambda r: [sp.log(sp.exp(r) - 1)],
        sigmoid: lambda r: [sp.log(r / (1 - r))],
        sp.tanh: lambda r: [sp.atanh(r)],
        sp.cosh: lambda r: [sp.acosh(r), -sp.acosh(r)],
        sp.sinh: lambda r: [sp.asinh(r)],
    }
    for head, inv in inverses.items():
        if isinstance(expr, head):
            out = []
            for r in inv(rhs):
                out += _invert(expr.args[0], s, r, depth + 1)
            return out
    return []


def _solve(eq_lhs: sp.Expr, s: sp.Symbol, t: sp.Symbol) -> list:
    try:
        sols = _invert(eq_lhs, s, t)
    except (TypeError, ValueError, sp.PolynomialError, NotImplementedError):
        return []
    return [x for x in sols if isinstance(x, sp.Expr) and not x.has(sp.I, sp.zoo, sp.nan)][:4]


def _normalise(h: sp.Expr, t: sp.Symbol, hyps, t_conds, deadline) -> sp.Expr:
    """A tidier, equal form of ``h``: σ/softplus rewritten when that shortens,
    and ``|q|`` split into factors written ``±q`` when the sign engine knows
    their sign on the range of ``t`` (the proof re-checks the final form)."""
    if h.has(sigmoid, softplus) and t in h.free_symbols:
        alt = sp.powsimp(sp.cancel(sp.together(h.rewrite(sp.exp))))
        if sp.count_ops(alt) <= sp.count_ops(h) + 4:
            h = alt
    from .signs import sign_of

    givs = list(givens(hyps)) + [Given(c, "local condition") for c in t_conds]

    def fix(e):
        if not isinstance(e, sp.Abs):
            return e
        arg = sp.factor_terms(e.args[0])
        out = []
        for f in sp.Mul.make_args(arg):
            if isinstance(f, sp.Pow) and f.exp.is_Rational and f.exp.q % 2 == 0:
                out.append(f)  # an even root is >= 0 where defined
                continue
            r = sign_of(f, givs, deadline=deadline)
            if r is not None and r.sign in (Sign.POSITIVE, Sign.NONNEGATIVE):
                out.append(f)
            elif r is not None and r.sign in (Sign.NEGATIVE, Sign.NONPOSITIVE):
                out.append(-f)
            else:
                out.append(sp.Abs(f))
        return sp.Mul(*out)

    if h.has(sp.Abs):
        h = sp.bottom_up(h, fix)
    try:
        alt = sp.factor_terms(sp.expand(h))
    except Exception:  # noqa: BLE001 - presentation only
        return h
    return alt if sp.count_ops(alt) < sp.count_ops(h) else h


def _candidates(a: sp.Expr, b: sp.Expr, v: sp.Symbol, t: sp.Symbol, deadline):
    """Candidate functions ``h`` with ``a = h(b)`` (unverified)."""
    try:
        c = sp.cancel(a / b)
        if v not in c.free_symbols:
            yield c * t
    except sp.PolynomialError:
        pass
    s = sp.Dummy("s", real=True)
    tried = 0
    seen = set()
    for u in _kernels(a, b, v):
        if _past(deadline) or tried > 12:
            return
        try:
            a1, b1 = a.subs(u, s), b.subs(u, s)
        except Exception:  # noqa: BLE001
            continue
        if v in a1.free_symbols or v in b1.free_symbols or s not in b1.free_symbols:
            continue
        tried += 1
        if b1 == s:
            yield a1.xreplace({s: t})
            continue
        for sol in _solve(b1, s, t):
            h = a1.xreplace({s: sol})
            if h not in seen:
                seen.add(h)
                yield h


def _abs_proofs(diff: sp.Expr, hyps, deadline) -> tuple:
    """Sign proofs for the ``|q|`` of ``diff`` whose sign is known."""
    out = []
    for term in sorted(diff.atoms(sp.Abs), key=sp.default_sort_key):
        q = term.args[0]
        for goal in (Sign.NONNEGATIVE, Sign.NONPOSITIVE):
            loc = _prove(q, goal, hyps, (), deadline)
            if loc is not None:
                out.append(loc)
                break
    return tuple(out)


def _plausible(a_c: sp.Expr, b_c: sp.Expr, h: sp.Expr, t: sp.Symbol, hyps: Sequence) -> bool:
    """Search filter only (never a proof): ``a − h(b)`` is ~0 at random
    admissible float points, evaluated vectorised.  Undecidable → ``True``."""
    import numpy as np

    from ..language.functions import NUMPY_FUNCTIONS

    diff = a_c - substitute(h, {t: b_c})
    syms = sorted((s for s in diff.free_symbols if isinstance(s, sp.Symbol)), key=lambda s: s.name)
    if not syms:
        return True
    rng = np.random.default_rng(7)
    n = 64
    cols = []
    for s in syms:
        finite = next((finite_values(hh, s) for hh in hyps if finite_values(hh, s) is not None), None)
        if finite:
            cols.append(rng.choice(np.array([float(v) for v in finite]), n))
        elif s.is_positive or s.is_nonnegative:
            cols.append(rng.uniform(0.05, 2.5, n))
        else:
            cols.append(rng.uniform(-2.5, 2.5, n))
    try:
        with np.errstate(all="ignore"):
            mask = np.ones(n, dtype=bool)
            for hh in hyps:
                if hh.free_symbols <= set(syms):
                    mask &= np.broadcast_to(np.asarray(
                        sp.lambdify(syms, hh, modules=[NUMPY_FUNCTIONS, "numpy"])(*cols), dtype=bool), (n,))
            vals = np.broadcast_to(np.asarray(
                sp.lambdify(syms, diff, modules=[NUMPY_FUNCTIONS, "numpy"])(*cols), dtype=float), (n,))
            scale = np.broadcast_to(np.asarray(
                sp.lambdify(syms, a_c, modules=[NUMPY_FUNCTIONS, "numpy"])(*cols), dtype=float), (n,))
    except Exception:  # noqa: BLE001 - cannot evaluate: do not filter
        return True
    keep = mask & np.isfinite(vals) & np.isfinite(scale)
    return not np.any(np.abs(vals[keep]) > 1e-7 * (1 + np.abs(scale[keep])))


def _build_case(a_c, b_c, h, t, values, hyps, deadline) -> Case | None:
    local_hyps = list(hyps) + sorted(_case_conditions(values), key=str)
    if not _plausible(a_c, b_c, h, t, local_hyps):
        return None
    conds = definedness_conditions(h)
    options = [(None, None, False)]
    if conds:
        options = []
        for strict in (False, True):
            rng = _prove(b_c, Sign.POSITIVE if strict else Sign.NONNEGATIVE, local_hyps, (), deadline)
            if rng is not None:
                options.append((sp.S.Zero, Local((), rng.proof), strict))
    if conds:
        options.append((None, None, None))  # pointwise: each condition at t = B
    for lo, rng, strict in options:
        t_range = () if lo is None else ((sp.Gt if strict else sp.Ge)(t, lo, evaluate=False),)
        defined, pointwise = [], []
        for cond in conds:
            if strict is None:
                loc = _prove_condition(_at(cond, t, b_c), local_hyps, (), deadline)
                pointwise.append(loc)
            else:
                loc = _prove_condition(cond, local_hyps, t_range, deadline)
                defined.append(loc)
            if loc is None:
                break
        else:
            diff = split_abs(a_c - substitute(h, {t: b_c}))
            abs_signs = _abs_proofs(diff, local_hyps, deadline) if diff.has(sp.Abs) else ()
            return Case(values, h, abs_signs, lo, rng, tuple(defined), bool(strict), tuple(pointwise))
    return None


def _squared_variant(case: Case, a_c, b_c, t, hyps, deadline) -> Case | None:
    """The case with the identity checked on squares (both sides shown >= 0)."""
    hb = substitute(case.h, {t: b_c})
    pa = _prove(a_c, Sign.NONNEGATIVE, hyps, (), deadline)
    ph = _prove(hb, Sign.NONNEGATIVE, hyps, (), deadline) if pa is not None else None
    if ph is None:
        return None
    diff = split_abs(a_c ** 2 - hb ** 2)
    abs_signs = _abs_proofs(diff, hyps, deadline) if diff.has(sp.Abs) else ()
    return dataclasses.replace(case, abs_signs=abs_signs, squared=(pa, ph))


def _range_for_monotone(case: Case, b_c, t, hyps, deadline) -> Case:
    """Give the case a range ``t ≥ 0`` when ``B ≥ 0`` can be shown (h' ≥ 0 may need it)."""
    if case.lo is not None or case.defined or case.pointwise:
        return case  # definedness was shown for another range: keep it
    rng = _prove(b_c, Sign.NONNEGATIVE, hyps, (), deadline)
    if rng is None:
        return case
    return dataclasses.replace(case, lo=sp.S.Zero, range=rng, strict=False)


def prove_function_of(a: sp.Expr, b: sp.Expr, v: sp.Symbol, hypotheses: Sequence, *, t: sp.Symbol | None = None,
                      deadline: float | None = None, labels: Sequence = (), accept=None) -> FunctionOf | None:
    """A checked :class:`FunctionOf` proof of ``a = h(b)`` with ``h`` free of
    ``v``, or ``None``.  ``accept(step)`` may reject a checked proof (so the
    search goes on to other candidates).

    >>> w, x = sp.symbols('w x', real=True)
    >>> step = prove_function_of(sp.Abs(x*w), (w**2)/2, w, [])
    >>> step.h_expr().has(sp.sqrt(step.t)), step.verify()
    (True, None)
    """
    from ..errors import ProofCheckError

    t = t if t is not None else sp.Dummy("t", real=True)
    hyps = [h for h in hypotheses if h is not sp.true]
    context = givens(hyps)
    for label, case_values in _case_list([a, b], hyps, deadline, exclude=v):
        cases = []
        for values in case_values:
            if _past(deadline):
                return None
            sub = dict(values)
            a_c, b_c = substitute(a, sub), substitute(b, sub)
            local_hyps = hyps + sorted(_case_conditions(values), key=str)
            found = None
            pa, pb = _prepare(a_c, labels), _fold_softplus(_prepare(b_c, labels), v)
            for raw in _candidates(pa, pb, v, t, deadline):
                if _past(deadline):
                    return None
                h = _normalise(raw, t, local_hyps, (sp.Gt(t, 0),), deadline)
                for cand in dict.fromkeys([h, raw]):
                    case = _build_case(a_c, b_c, cand, t, values, hyps, deadline)
                    if case is None:
                        continue
                    for variant in (case, _squared_variant(case, a_c, b_c, t, local_hyps, deadline)):
                        if variant is None:
                            continue
                        try:
                            FunctionOf(a, b, v, t, context, None, (variant,))._verify_case(
                                variant, {g.fact for g in context})
                        except ProofCheckError:
                            continue
                        found = variant
                        break
                    if found is not None:
                        break
                if found is not None:
                    break
            if found is None:
                break
            cases.append(found)
        if len(cases) != len(case_values):
            continue
        step = FunctionOf(a, b, v, t, context, label, tuple(cases))
        try:
            step.verify()
        except ProofCheckError:
            continue
        if accept is None or accept(step):
            return step
    return None


