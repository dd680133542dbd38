"""Minimisers: existence and uniqueness of ``argmin(E, v)``, and claims about it.

``ArgMin(E, v)`` is meaningful only when, for every admissible value of the
other symbols, ``E`` has exactly one minimiser over real ``v``.  The
argument proved here (:class:`Minimiser`), with ``u`` a fresh real variable
standing for ``v`` and ``G = ∂E/∂u``:

1. ``E`` and ``G`` are built from continuous, differentiable pieces only
   (polynomials, exp, log, σ, softplus, tanh, ...; no kinks or jumps), and
   every definedness condition is a hypothesis or proved (those that
   mention ``u`` for every real ``u``), so both are defined for every real
   ``u`` wherever the hypotheses hold;
2. ``G = P·H`` (zero-equivalence) with ``P > 0`` (sign engine);
3. ``∂H/∂u > 0`` for every ``u`` (sign engine or z3), so ``H`` is strictly
   increasing;
4. ``H`` has a root: an explicit closed form ``r`` with ``H(r) = 0``
   (zero-equivalence; ``r`` defined wherever the hypotheses hold), or two
   rationals ``a < b`` with ``H(a) < 0 < H(b)`` proved (:mod:`symloss.engine.ivt`), or limits
   of opposite signs at ``u → −∞`` and ``u → +∞`` (computed by SymPy's
   ``limit``, recomputed by ``verify``, after fixing the signs of the
   coefficients of ``u`` by a case split) and the intermediate value theorem.

Then ``sign(G(u)) = sign(H(u)) = sign(u − u*)`` for the unique root ``u*``
of ``H``; ``E`` decreases strictly before ``u*`` and increases strictly
after it, so ``u*`` is the unique minimiser: ``argmin(E, v) = u*``.  When
``u*`` has no closed form the proof still names it, as ``ArgMin(E, v)``,
with its defining fact ``H(u*) = 0``.

When ``E`` has kinks (``abs``, ``max``, ``min``, ``relu``) but is
continuous, :class:`MinimiserBySign` takes a candidate ``r`` (a root of a
kink's argument) and proves ``sign(G(u)) = sign(u − r)`` for every ``u``
directly (the pointwise prover, usually z3); the same monotonicity argument
makes ``r`` the unique minimiser (e.g. the absolute loss, ``w* = (y − b)/x``).

When one of these facts cannot be proved -- e.g. ``x = 0`` is admissible
(``E`` is then constant in ``w``) or hard labels ``y ∈ {0, 1}`` with the
cross-entropy (the infimum is not attained) -- the tactics return ``None``
and the refutation stage of :mod:`symloss.decide` looks for an exactly
verified admissible point where the minimiser fails.

>>> import time
>>> from symloss.problem import problem
>>> from symloss.calculus.claims import parse_claim
>>> from symloss.decide import Context
>>> from symloss.engine.argmin_claim import argmin_claim
>>> c = parse_claim(problem('logistic', 'bce_soft'), 'sign(d(L, w)) == sign(w - argmin(L, w))',
...                 assume=['x != 0', 'y > 0', 'y < 1'])
>>> argmin_claim(c, Context(deadline=time.monotonic() + 30)).verdict
'proved'
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from ..calculus.claims import ArgMin, Corr, Pointwise
from ..errors import ProofCheckError
from ..language.functions import definedness_conditions, derivative, relu, sigmoid, softplus
from ..calculus.proof import Given, Sign, Step, iter_steps
from .algebraic import AlgebraicTruth, PolynomialMinimiser, algebraic_truth, at_minimum, polynomial_minimiser
from .inversion import inverted_roots
from .ivt import _SMOOTH, SignChange, SomeRoot, _only_heads, _smooth, sign_change_existence  # noqa: F401 - SomeRoot re-exported
from .piecewise import branch_conditions, glue_error, join_statements, prove_joins
from .piecewise import piece_candidates as _piece_candidates
from .prover import _guard, _is_zero, claim_goal, prove_goal
from .tactics import Hypothetical, check_context, check_under, substitute
from .signs import fact_sign, prove_sign
from .tactics import Env, Goal

__all__ = [
    "RootExists",
    "LimitCase",
    "OppositeLimits",
    "SomeRoot",
    "Minimiser",
    "MinimiserBySign",
    "ArgminValue",
    "minimiser",
]

#: heads that are continuous but may have kinks (allowed in E for the sign route)
_CONTINUOUS = _SMOOTH + (sp.Abs, sp.Max, sp.Min, relu)


def _continuous(expr: sp.Expr) -> bool:
    """Whether every node of ``expr`` is continuous wherever defined
    (smooth heads plus ``abs``, ``max``, ``min``, ``relu``).

    >>> w = sp.Symbol('w', real=True)
    >>> _continuous(sp.Abs(w - 1)), _continuous(sp.sign(w))
    (True, False)
    """
    return _only_heads(expr, _CONTINUOUS)


def _conditions(exprs) -> list:
    """Every definedness condition of ``exprs`` (those that mention the
    minimisation variable must be proved for all its values; the others
    must be hypotheses or proved from them)."""
    out = []
    for e in exprs:
        for c in definedness_conditions(e):
            if c not in out:
                out.append(c)
    return out


def _covered(step: Step, conditions, proofs, context) -> None:
    facts = {p.fact for p in proofs} | {g.fact for g in context}
    for c in conditions:
        if c not in facts:
            raise step.fail(f"definedness condition {c} is not proved")


def _plain_real(u) -> bool:
    """``u`` is a symbol assumed real and nothing more: the premises are
    proved for every value ``u`` may take, and the conclusion is stated for
    every real ``u`` (a ``u`` assumed positive would prove them for ``u > 0``
    only).

    >>> _plain_real(sp.Dummy('u', real=True)), _plain_real(sp.Dummy('u', positive=True))
    (True, False)
    """
    return isinstance(u, sp.Symbol) and u.assumptions0 == _REAL_ASSUMPTIONS


_REAL_ASSUMPTIONS = sp.Dummy("u", real=True).assumptions0


@dataclass(frozen=True)
class RootExists(Step):
    """``H(r) = 0`` for the closed form ``r`` (free of ``u``): substituting
    ``r`` into ``H`` rewrites to 0, and every definedness condition of ``r``
    is proved (``defined``) or is a hypothesis (``context``)."""

    core: sp.Expr
    var: sp.Symbol
    root: sp.Expr
    defined: tuple[Step, ...] = ()
    context: tuple[Given, ...] = ()

    @property
    def fact(self) -> sp.Basic:
        return sp.Eq(substitute(self.core, {self.var: self.root}), 0, evaluate=False)

    def verify(self) -> None:
        check_context(self, self.context)
        if self.var in self.root.free_symbols:
            raise self.fail(f"the root {self.root} depends on {self.var}")
        _covered(self, definedness_conditions(self.root), self.defined, self.context)
        if _is_zero(substitute(self.core, {self.var: self.root})) is not True:
            raise self.fail(f"{self.core} does not vanish at {self.var} = {self.root}")


def _limit(core: sp.Expr, var: sp.Symbol, direction, signs) -> sp.Expr | None:
    """lim ``core`` as ``var → direction`` with the symbols of ``signs``
    replaced by dummies of the given strict signs; ``None`` unless the
    answer is ±∞ or a finite expression free of ``var``."""
    dummies = {}
    for s, sg in signs:
        dummies[s] = sp.Dummy(s.name, positive=True) if sg is Sign.POSITIVE else sp.Dummy(s.name, negative=True)
    e = core.xreplace(dummies)
    if e.has(sigmoid, softplus, sp.tanh):
        e = e.rewrite(sp.exp)
    try:
        val = sp.limit(e, var, direction)
    except (NotImplementedError, ValueError, TypeError, RecursionError, sp.PolynomialError):
        return None
    if val in (sp.oo, -sp.oo):
        return val
    if (not isinstance(val, sp.Expr) or var in val.free_symbols or val.has(sp.zoo, sp.nan, sp.oo, -sp.oo)
            or val.has(sp.AccumBounds, sp.Limit, sp.Order) or val.is_extended_real is False):
        return None
    back = {d: s for s, d in dummies.items()}
    return val.xreplace(back)


@dataclass(frozen=True)
class LimitCase:
    """One sign case of :class:`OppositeLimits`: the strict signs assumed for
    the split symbols, the limits at ``−∞`` and ``+∞``, and the proofs (made
    under the case's sign conditions) that the low limit is < 0 and the high
    limit > 0 (``None`` for ``∓∞``)."""

    signs: tuple
    low: sp.Expr
    high: sp.Expr
    low_proof: Hypothetical | None
    high_proof: Hypothetical | None


def _sign_conditions(signs) -> tuple:
    return tuple(sg.relation(s) for s, sg in signs)


def _sign_cases(symbols) -> list:
    cases = [()]
    for s in symbols:
        cases = [c + ((s, sg),) for c in cases for sg in (Sign.POSITIVE, Sign.NEGATIVE)]
    return cases


@dataclass(frozen=True)
class OppositeLimits(Step):
    """``H`` (continuous in ``u``) takes both signs, so it has a root by the
    intermediate value theorem: in every case of a split on the signs of
    ``split`` (each proved nonzero by ``nonzero``), SymPy's ``limit``
    (recomputed here) gives ``lim_{u→−∞} H < 0 < lim_{u→+∞} H``."""

    core: sp.Expr
    var: sp.Symbol
    split: tuple[sp.Symbol, ...]
    nonzero: tuple[Step, ...]
    cases: tuple[LimitCase, ...]
    context: tuple[Given, ...] = ()

    @property
    def fact(self) -> sp.Basic:
        return sp.Eq(self.core.xreplace({self.var: SomeRoot(self.core, self.var)}), 0, evaluate=False)

    def verify(self) -> None:
        check_context(self, self.context)
        if not _smooth(self.core):
            raise self.fail(f"{self.core} is not known to be continuous")
        for s, nz in zip(self.split, self.nonzero):
            sg = fact_sign(nz.fact, s)
            if sg not in (Sign.NONZERO, Sign.POSITIVE, Sign.NEGATIVE):
                raise self.fail(f"premise {nz.fact} does not show {s} != 0")
        if len(self.nonzero) != len(self.split):
            raise self.fail("one nonzero proof per split symbol is needed")
        expected = _sign_cases(self.split)
        if [c.signs for c in self.cases] != expected:
            raise self.fail("the sign cases do not cover every combination")
        for case in self.cases:
            assumed = _sign_conditions(case.signs)
            for direction, value, proof, rel in ((-sp.oo, case.low, case.low_proof, sp.StrictLessThan),
                                                 (sp.oo, case.high, case.high_proof, sp.StrictGreaterThan)):
                got = _limit(self.core, self.var, direction, case.signs)
                if got is None or (got != value and _is_zero(got - value) is not True):
                    raise self.fail(f"the limit at {direction} is {got}, not {value}")
                if value in (sp.oo, -sp.oo):
                    if (value == sp.oo) != (direction == sp.oo):
                        raise self.fail(f"limit {value} at {direction} has the wrong sign")
                    continue
                if proof is None:
                    raise self.fail(f"no proof of the sign of the limit {value}")
                check_under(self, self.context, proof, rel(value, 0, evaluate=False), assumed)


class _SignOfGradient:
    """What both minimiser steps state: with ``E`` (field ``expr``) in ``v``
    (field ``var``) renamed ``u`` (field ``dummy``), the sign of ``∂E/∂u``
    is the sign of ``u − argmin(E, v)``."""

    @property
    def term(self) -> ArgMin:
        return ArgMin(self.expr, self.var)

    @property
    def gradient(self) -> sp.Expr:
        return derivative(self.expr.xreplace({self.var: self.dummy}), self.dummy)

    @property
    def fact(self) -> sp.Basic:
        return sp.Eq(sp.sign(self.gradient), sp.sign(self.dummy - self.term), evaluate=False)


@dataclass(frozen=True)
class Minimiser(_SignOfGradient, Step):
    """Existence and uniqueness of the minimiser (see the module doc): with
    ``G = ∂E/∂u`` (``E`` with ``v`` renamed ``u``), ``G = P·H`` with
    ``positive: P > 0``, ``increasing: ∂H/∂u > 0``, ``existence`` a root of
    ``H`` (closed form or opposite limits), ``E``, ``G``, ``H`` smooth and
    defined for every real ``u`` (``defined`` proves every definedness
    condition that is not a hypothesis).  Conclusion, for every real ``u``:
    ``sign(G(u)) = sign(u − argmin(E, v))``; the minimiser ``u*`` is
    defined by ``H(u*) = 0`` (and equals ``root`` when that is given)."""

    expr: sp.Expr
    var: sp.Symbol
    dummy: sp.Symbol
    ratio: sp.Expr
    core: sp.Expr
    positive: Step
    increasing: Step
    existence: Step
    defined: tuple[Step, ...] = ()
    context: tuple[Given, ...] = ()


    @property
    def root(self) -> sp.Expr | None:
        return self.existence.root if isinstance(self.existence, RootExists) else None


    @property
    def defining_fact(self) -> sp.Basic:
        """``H(u*) = 0`` with ``u* = argmin(E, v)``."""
        return sp.Eq(self.core.xreplace({self.dummy: self.term}), 0, evaluate=False)

    def verify(self) -> None:
        check_context(self, self.context)
        u = self.dummy
        if not _plain_real(u):
            raise self.fail(f"{u} is not a real variable free of further assumptions")
        if u in self.expr.free_symbols or any(u in g.fact.free_symbols for g in self.context):
            raise self.fail(f"{u} is not fresh")
        e = self.expr.xreplace({self.var: u})
        g = derivative(e, u)
        dh = derivative(self.core, u)
        for part in (e, g, self.core, self.ratio):
            if not _smooth(part):
                raise self.fail(f"{part} is not built from smooth functions only")
        _covered(self, _conditions([e, g, self.core, self.ratio, dh]), self.defined, self.context)
        if _is_zero(sp.Add(g, -self.ratio * self.core)) is not True:
            raise self.fail(f"{g} is not ({self.ratio})·({self.core})")
        if fact_sign(self.positive.fact, self.ratio) is not Sign.POSITIVE:
            raise self.fail(f"premise {self.positive.fact} is not {self.ratio} > 0")
        if fact_sign(self.increasing.fact, dh) is not Sign.POSITIVE:
            raise self.fail(f"premise {self.increasing.fact} is not {dh} > 0")
        ex = self.existence
        if isinstance(ex, RootExists):
            if ex.core != self.core or ex.var != u:
                raise self.fail("the root is not a root of this H")
        elif isinstance(ex, (OppositeLimits, SignChange)):
            if ex.core != self.core or ex.var != u:
                raise self.fail("the sign change is not one of this H")
        else:
            raise self.fail(f"{type(ex).__name__} does not show that H has a root")


@dataclass(frozen=True)
class MinimiserBySign(_SignOfGradient, Step):
    """Existence and uniqueness from the sign of the derivative: ``E``
    (``v`` renamed ``u``) is continuous in ``u`` (smooth pieces joined by
    ``abs``/``max``/``min``/``relu`` kinks, finitely many since their
    arguments are analytic) and defined for every real ``u``, and
    ``sign_proof`` shows ``sign(G(u)) = sign(u − r)`` for every ``u``
    (``G = ∂E/∂u`` with the kink conventions, ``r`` free of ``u`` and defined
    wherever the hypotheses hold).  So ``E`` strictly decreases on
    ``(−∞, r]`` and strictly increases on ``[r, ∞)``: ``r`` is the unique
    minimiser, and ``sign(G(u)) = sign(u − argmin(E, v))``.  ``E`` may also
    contain ``where``/``Piecewise`` pieces glued at their joins: ``joins``
    proves ``p = q ⟹ A = B`` for each ``where(p op q, A, B)``
    (:mod:`symloss.engine.piecewise`), which makes ``E`` continuous."""

    expr: sp.Expr
    var: sp.Symbol
    dummy: sp.Symbol
    value: sp.Expr
    sign_proof: Step
    defined: tuple[Step, ...] = ()
    context: tuple[Given, ...] = ()
    joins: tuple[Step, ...] = ()


    @property
    def root(self) -> sp.Expr:
        return self.value


    def verify(self) -> None:
        check_context(self, self.context)
        u = self.dummy
        if not _plain_real(u):
            raise self.fail(f"{u} is not a real variable free of further assumptions")
        if u in self.expr.free_symbols or any(u in g.fact.free_symbols for g in self.context):
            raise self.fail(f"{u} is not fresh")
        if u in self.value.free_symbols:
            raise self.fail(f"the minimiser {self.value} depends on {u}")
        e = self.expr.xreplace({self.var: u})
        pieces = []
        if not _continuous(e):
            why = glue_error(e, u, {j.fact for j in self.joins})
            if why is not None:
                raise self.fail(f"{e} is not known to be continuous: {why}")
            pieces = branch_conditions(e, u)
        _covered(self, _conditions([e, self.gradient, self.value]) + pieces, self.defined, self.context)
        want = sp.Eq(sp.sign(self.gradient), sp.sign(u - self.value), evaluate=False)
        if self.sign_proof.fact != want:
            raise self.fail(f"the sign proof shows {self.sign_proof.fact}, expected {want}")


_MINIMISERS = (Minimiser, MinimiserBySign)


@dataclass(frozen=True)
class ArgminValue(Step):
    """``argmin(E, v) = r``: the minimiser exists, is unique, and is the
    closed-form root ``r`` of ``H`` (``minimiser.existence``)."""

    minimiser: Step

    @property
    def fact(self) -> sp.Basic:
        return sp.Eq(self.minimiser.term, self.minimiser.root, evaluate=False)

    def verify(self) -> None:
        if not isinstance(self.minimiser, _MINIMISERS) or self.minimiser.root is None:
            raise self.fail("needs a minimiser with a closed-form root")




def _on_line(term: ArgMin) -> ArgMin:
    """The same minimisation over the whole real line."""
    return ArgMin(term.expr, term.var)


def _check_inside(step: Step, m: Step, term: ArgMin, inside: tuple) -> None:
    from ..calculus.claims import membership

    if m.root is None:
        raise step.fail(f"{term} ranges over {term.range}: the real-line minimiser needs a closed form")
    want = membership(m.root, term.range)
    if [p.fact for p in inside] != want:
        raise step.fail(f"the premises show {[p.fact for p in inside]}, needed {want}")




# ---------------------------------------------------------------------------
# search


def _prove(statement, context, env) -> Step | None:
    return prove_goal(Goal(statement, context), env)


def _factorisations(g: sp.Expr, context, env):
    """``(P, H, proof of P > 0)`` candidates with ``g = P·H``: the factors
    the sign engine proves positive go to ``P``."""
    out = []
    seen = set()
    for form in (g, sp.factor_terms(g), sp.factor(g) if sp.count_ops(g) < 80 else g):
        pos, rest = [], []
        for f in sp.Mul.make_args(form):
            if f.free_symbols and prove_sign(f, Sign.POSITIVE, context, deadline=env.deadline) is not None:
                pos.append(f)
            elif f.is_Rational and f > 0:
                pos.append(f)
            else:
                rest.append(f)
        p, h = sp.Mul(*pos), sp.Mul(*rest)
        if h in seen:
            continue
        seen.add(h)
        r = prove_sign(p, Sign.POSITIVE, context, deadline=env.deadline)
        if r is not None:
            out.append((p, h, r.step))
    return out


def solve_may_succeed(h: sp.Expr, u: sp.Symbol, degree: int = 4) -> bool:
    """Whether ``solve(h, u)`` is worth its time: at most one function
    application depends on ``u``, or all of them are ``exp(c·u + d)``
    with rational ``c`` whose ratios make ``h`` a polynomial of low degree in
    one exponential (``exp(w) + exp(-2 w)``).  The mean of per-sample terms
    ``σ(w x_1 + b) + σ(w x_2 + b)`` is not: solve() finds no closed form and
    can spend the whole budget looking for one.

    >>> w, x = sp.symbols('w x', real=True)
    >>> solve_may_succeed(sp.exp(w) + sp.exp(-2*w), w), solve_may_succeed(sigmoid(w*x) + sigmoid(2*w), w)
    (True, False)
    >>> solve_may_succeed(sp.tanh(w) - x, w), solve_may_succeed(w + sp.tanh(w) - x, w)
    (True, False)
    """
    heads = {f for f in h.atoms(sp.Function) if u in f.free_symbols}
    if len(heads) == 1 and not isinstance(next(iter(heads)), (sp.exp, sp.log)):
        # u both inside σ/tanh/softplus/... and outside it (u + tanh(u)): no closed form short
        # of Lambert W, which only exp/log equations reach; solve() can spend its whole budget
        return u not in h.xreplace({next(iter(heads)): sp.Dummy()}).free_symbols
    if len(heads) <= 1:
        return True
    coeffs = []
    for f in heads:
        if not isinstance(f, sp.exp):  # σ, softplus, tanh sums: solve() and its checks crawl
            return False
        try:
            p = sp.Poly(f.args[0], u)
        except sp.PolynomialError:
            return False
        if p.degree() != 1 or not p.all_coeffs()[0].is_Rational:
            return False
        coeffs.append(abs(p.all_coeffs()[0]))
    g = coeffs[0]
    for c in coeffs[1:]:
        g = sp.gcd(g, c)
    return max(coeffs) / g <= degree


def _roots(h: sp.Expr, u: sp.Symbol, full: bool = True) -> list:
    """Closed-form roots of ``h`` in ``u`` (a search; the steps check them):
    by inverting monotone heads, as a polynomial, and (``full``) by SymPy's
    ``solve`` on transcendental equations, which may take seconds."""
    inverted = inverted_roots(h, u)  # through the model output: no solve() on exp rewrites
    if inverted:
        return inverted
    try:
        poly = sp.Poly(sp.expand(h), u)
        if poly.degree() == 1:
            c1, c0 = poly.all_coeffs()
            if not any(u in c.free_symbols for c in (c1, c0)):
                return [sp.cancel(-c0 / c1)]
    except sp.PolynomialError:
        if not full:
            return []
    if not solve_may_succeed(h, u):
        return []
    e = h.rewrite(sp.exp) if h.has(sigmoid, softplus, sp.tanh) else h
    try:
        sols = sp.solve(e, u, dict=False)
    except (NotImplementedError, ValueError, TypeError, sp.PolynomialError, RecursionError):
        return []
    return [s for s in sols if isinstance(s, sp.Expr) and u not in s.free_symbols and not s.has(sp.I)]


def _prove_all(conditions, context, env) -> tuple | None:
    out = []
    for c in conditions:
        p = _prove(c, context, env)
        if p is None:
            return None
        out.append(p)
    return tuple(out)


def _root_existence(h, u, context, env, full: bool = True):
    for r in _roots(h, u, full):
        facts = {g.fact for g in context}
        conds = [c for c in definedness_conditions(r) if c not in facts]
        defined = _prove_all(conds, context, env)
        if defined is None:
            continue
        step = RootExists(h, u, r, defined, context)
        try:
            step.verify()
        except ProofCheckError:
            continue
        return step
    return None


def _split_symbols(h, u) -> list:
    out = set()
    for node in sp.preorder_traversal(h):
        if isinstance(node, sp.Function) and node.args and u in node.args[0].free_symbols:
            out |= derivative(node.args[0], u).free_symbols
        if isinstance(node, sp.Mul) and u in node.free_symbols:
            out |= {f for f in node.args if isinstance(f, sp.Symbol) and f != u}
    out.discard(u)
    return sorted((s for s in out if isinstance(s, sp.Symbol)), key=sp.default_sort_key)


def _limit_existence(h, u, context, env):
    candidates = []
    for s in _split_symbols(h, u):
        if prove_sign(s, Sign.POSITIVE, context) or prove_sign(s, Sign.NEGATIVE, context):
            continue
        candidates.append(s)
    if len(candidates) > 2:
        return None
    nonzero = []
    for s in candidates:
        r = prove_sign(s, Sign.NONZERO, context, deadline=env.deadline)
        if r is None:
            return None
        nonzero.append(r.step)
    # known strict signs: pass them to the limit too (without a split)
    cases = []
    for signs in _sign_cases(candidates):
        assumed = _sign_conditions(signs)
        sub = Goal(sp.true, context).assuming(assumed, "sign case")
        values, proofs = [], []
        for direction, rel in ((-sp.oo, sp.StrictLessThan), (sp.oo, sp.StrictGreaterThan)):
            if env.expired():
                return None
            value = _limit(h, u, direction, signs)  # one at a time: stop at the first failure
            if value is None or value == -direction:
                return None
            values.append(value)
            if value == direction:
                proofs.append(None)
                continue
            p = prove_goal(sub.to(rel(value, 0, evaluate=False)), env)
            if p is None:
                return None
            proofs.append(Hypothetical(assumed, p))
        cases.append(LimitCase(signs, values[0], values[1], proofs[0], proofs[1]))
    # verify() recomputes every limit; the pipeline runs check_proof on the whole proof
    return OppositeLimits(h, u, tuple(candidates), tuple(nonzero), tuple(cases), context)


def minimiser(term: ArgMin, context: tuple, env: Env, closed: bool = False) -> "Minimiser | MinimiserBySign | None":
    """A :class:`Minimiser` proof for ``term`` under the hypotheses
    ``context`` (Given steps) -- or, when ``E`` has kinks, a
    :class:`MinimiserBySign` proof -- or ``None``.  ``closed``: the caller
    needs the root in closed form, so SymPy's ``solve`` is tried before the
    existence arguments that leave it implicit (two proved signs, limits).

    >>> w, x, y, b = sp.symbols('w x y b', real=True)
    >>> ctx = (Given(sp.Ne(x, 0), "assumption"),)
    >>> m = minimiser(ArgMin((w*x + b - y)**2/2, w), ctx, Env())
    >>> m.root
    (-b + y)/x
    """
    e, v = term.expr, term.var
    u = sp.Dummy(v.name, real=True)
    eu = e.xreplace({v: u})
    if not _smooth(eu):
        return _by_sign(term, u, context, env)
    g = derivative(eu, u)
    if not _smooth(g):
        return _by_sign(term, u, context, env)
    tried: list = []
    for p, h, pos in _factorisations(g, context, env):
        if env.expired() or not _smooth(h):
            continue
        if any(h == t or _is_zero(h - t) is True for t in tried):
            continue  # the same core in another form: same outcome
        tried.append(h)
        dh = derivative(h, u)
        facts = {c.fact for c in context}
        conds = [c for c in _conditions([eu, g, h, p, dh]) if c not in facts]
        defined = _prove_all(conds, context, env)
        if defined is None:
            env.notes.append(f"argmin: could not show {e} is defined for every {v}")
            continue
        inc = _prove(sp.StrictGreaterThan(dh, 0, evaluate=False), context, env)
        if inc is None:
            env.notes.append(f"argmin: could not show {h} strictly increasing in {v}")
            continue
        # closed roots first when the caller needs the value; else the cheap routes before solve()
        ex = (_root_existence(h, u, context, env, full=closed) or sign_change_existence(h, u, context, env)
              or _limit_existence(h, u, context, env) or (None if closed else _root_existence(h, u, context, env)))
        if ex is None:
            env.notes.append(f"argmin: could not show that {h} has a root in {v}")
            continue
        step = Minimiser(e, v, u, p, h, pos, inc, ex, defined, context)
        try:
            step.verify()
        except ProofCheckError as exc:
            env.notes.append(f"argmin: minimiser step failed its check ({exc})")
            continue
        return step
    return None


def _kink_arguments(expr: sp.Expr, u) -> list:
    out = []
    for node in sp.preorder_traversal(expr):
        if isinstance(node, (sp.Abs, relu)) and u in node.args[0].free_symbols:
            out.append(node.args[0])
        elif isinstance(node, (sp.Max, sp.Min)) and len(node.args) == 2 and u in node.free_symbols:
            out.append(node.args[0] - node.args[1])
    return out


def _by_sign(term: ArgMin, u, context, env) -> MinimiserBySign | None:
    """The sign route for a continuous ``E`` with kinks: a candidate ``r``
    (a root of a kink argument) and a proof that ``sign(G(u)) = sign(u − r)``."""
    e, v = term.expr, term.var
    eu = e.xreplace({v: u})
    joins, pieces = (), []
    if not _continuous(eu):
        if not eu.has(sp.Piecewise) or glue_error(eu, u, set(join_statements(eu, u))) is not None:
            env.notes.append(f"argmin: {e} is not continuous in {v}")
            return None
        joins = prove_joins(eu, u, context, env)
        if joins is None:
            return None
        pieces = branch_conditions(eu, u)
    g = derivative(eu, u)
    facts = {c.fact for c in context}
    seen: list = []
    for arg in _kink_arguments(eu, u) + _piece_candidates(eu, u):
        for r in _roots(arg, u):
            if env.expired() or any(r == t for t in seen):
                continue
            seen.append(r)
            conds = [c for c in _conditions([eu, g, r]) + pieces if c not in facts]
            defined = _prove_all(conds, context, env)
            if defined is None:
                continue
            want = sp.Eq(sp.sign(g), sp.sign(u - r), evaluate=False)
            proof = _pieces_by_z3(want, context, env) if joins else None  # z3 reads Piecewise exactly
            proof = proof or _prove(want, context, env)
            if proof is None:
                continue
            step = MinimiserBySign(e, v, u, r, proof, defined, context, joins)
            try:
                step.verify()
            except ProofCheckError as exc:
                env.notes.append(f"argmin: minimiser step failed its check ({exc})")
                continue
            return step
    env.notes.append(f"argmin: no sign change of the derivative of {e} found")
    return None


def _pieces_by_z3(statement, context, env) -> Step | None:
    """``statement`` by the decision procedure alone (the sign rule of a
    piecewise derivative: the other tactics' rewrites of ``Piecewise`` take
    seconds and rarely help); ``None`` when it does not decide it."""
    from .prover import _checked_step, decision_procedure

    goal = Goal(statement, context)
    return _checked_step(_guard(decision_procedure)(goal, env), goal)
