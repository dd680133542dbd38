"""Convexity across kinks: proof steps for ``convex``/``concave`` claims whose
expression has a kink (``abs``, ``relu``, ``max``/``min``, a two-piece
``Piecewise``) in the variable.

Two rules, each a re-checked step whose fact is the ``ConvexFact`` of
:mod:`symloss.engine.convexity`:

* :class:`MonotoneDerivative` -- *smooth pieces and one-sided derivatives at
  once*.  If ``E`` is continuous in ``v`` and its derivative ``D`` (the
  conventional value at a kink) is nondecreasing in ``v``, then on each
  smooth piece ``E'' ≥ 0`` and at each kink the left derivative
  ``lim D(v⁻)`` is at most the right one ``lim D(v⁺)``, so ``E`` is convex.
  The monotonicity of ``D`` is the premise: a re-checked proof of
  ``nondecreasing(D, v, v)`` (``nondecreasing(-D, v, v)`` for concave), in
  practice by z3 over two copies of ``v``.
* The composition rules -- :class:`ConvexSum` (a sum of convex terms, each
  proved by any rule), :class:`ConvexScale` (``c·E`` with ``c`` free of ``v``
  and of proved sign), :class:`ConvexMax` (the maximum of convex pieces, the
  minimum of concave ones), :class:`ConvexComposition` (``abs``, ``relu``,
  ``exp``, ``softplus``, ``t²`` of an affine map, a convex nondecreasing
  function of a convex one, ``log`` of a concave one), :class:`ConstantIn`
  and :class:`AffineIn`.

Nothing here searches inside ``verify``; :func:`prove_convex` is the search
that builds the steps, and every step it returns has passed
:func:`symloss.calculus.proof.check_proof`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import sympy as sp

from ..language.functions import definedness_conditions, derivative, relu, softplus
from ..calculus.proof import Sign, Step

__all__ = ["continuous_with_pieces", "MonotoneDerivative", "ConstantIn", "AffineIn", "ConvexSum",
           "ConvexScale", "ConvexMax", "ConvexComposition", "prove_convex", "describe"]


def _fact(expr, var, concave):
    from ..calculus.convex import ConvexFact

    return ConvexFact(expr, var, sp.Integer(int(concave)))


def _check_fact(step: Step, premise: Step, expr, var, concave) -> None:
    want = _fact(expr, var, concave)
    if premise.fact != want:
        raise step.fail(f"the premise proves {premise.fact}, not {want}")


# ---------------------------------------------------------------------------
# continuity


def _boundary_agrees(e1: sp.Expr, e2: sp.Expr, cond: sp.Basic) -> bool:
    """``e1 = e2`` on the boundary ``lhs = rhs`` of the relational ``cond``:
    the boundary is parametrised by solving ``lhs − rhs = 0`` for a symbol in
    which it is linear with a nonzero rational coefficient, and the
    difference must vanish identically after the substitution."""
    from ..calculus.derive import is_zero

    g = sp.expand(cond.lhs - cond.rhs)
    for s in sorted(g.free_symbols, key=str):
        poly = g.as_poly(s)
        if poly is None or poly.degree() != 1:
            continue
        k = poly.coeff_monomial(s)
        if not (k.is_Rational and k != 0):
            continue
        value = -poly.coeff_monomial(1) / k
        if s in value.free_symbols:
            continue
        if is_zero(sp.expand(e1 - e2).xreplace({s: value})) is True:
            return True
    return False


def continuous_with_pieces(expr: sp.Expr, var: sp.Symbol) -> bool:
    """Whether ``expr`` is continuous in ``var`` where defined by its form:
    every node depending on ``var`` is a continuous head (``+``, ``·``,
    powers, exp, log, σ, softplus, tanh, cosh, sinh, abs, relu, max, min)
    or a two-piece ``Piecewise((e1, a < b), (e2, True))`` whose pieces are
    continuous, defined everywhere, and agree on the boundary ``a = b``.
    (The non-smooth points of such an expression are isolated, so its
    derivative exists off a countable set.)

    >>> w, d = sp.Symbol('w', real=True), sp.Symbol('d', positive=True)
    >>> huber = sp.Piecewise((w**2/2, sp.Abs(w) < d), (d*(sp.Abs(w) - d/2), True))
    >>> continuous_with_pieces(huber, w), continuous_with_pieces(sp.Heaviside(w), w)
    (True, False)
    """
    from .function_of import continuous_in

    if isinstance(expr, sp.Piecewise):
        if var not in expr.free_symbols:
            return True
        if len(expr.args) != 2 or expr.args[1].cond is not sp.true:
            return False
        (e1, c1), (e2, _) = expr.args
        if not isinstance(c1, (sp.StrictLessThan, sp.LessThan, sp.StrictGreaterThan, sp.GreaterThan)):
            return False
        parts = (e1, e2, c1.lhs, c1.rhs)
        if not all(continuous_with_pieces(p, var) for p in parts):
            return False
        if definedness_conditions(e1) or definedness_conditions(e2):
            return False
        return _boundary_agrees(e1, e2, c1)
    if not any(isinstance(n, sp.Piecewise) for n in sp.preorder_traversal(expr)):
        return continuous_in(expr, var)
    if isinstance(expr, sp.Atom) or var not in expr.free_symbols:
        return True
    from .function_of import _CONTINUOUS

    if not isinstance(expr, _CONTINUOUS):
        return False
    return all(continuous_with_pieces(a, var) for a in expr.args)


# ---------------------------------------------------------------------------
# the derivative rule


@dataclass(frozen=True)
class MonotoneDerivative(Step):
    """Rule: if E is continuous in v (:func:`continuous_with_pieces`), its
    derivative D (conventional values at the kinks) is defined wherever E is,
    and D is nondecreasing in v (premise; for concave: −D nondecreasing),
    then E is convex (concave) in v on every interval of admissible v.
    Proof: E is differentiable off a countable set C with E' = D there; for
    a < b < c, sup D on (a, b) ≤ inf D on (b, c), so the slope of E on
    [a, b] is at most that on [b, c] (mean value inequality with countable
    exceptions).  At a kink this is left derivative ≤ right derivative; on a
    smooth piece it is E'' ≥ 0."""

    expr: sp.Expr
    var: sp.Symbol
    concave: bool
    first: sp.Expr
    premise: Step

    @property
    def fact(self) -> sp.Basic:
        return _fact(self.expr, self.var, self.concave)

    def verify(self) -> None:
        from ..calculus.derive import is_zero
        from .relations import NondecreasingFact

        if not continuous_with_pieces(self.expr, self.var):
            raise self.fail(f"{self.expr} is not shown continuous in {self.var}")
        if is_zero(self.first - derivative(self.expr, self.var)) is not True:
            raise self.fail(f"{self.first} is not the derivative of {self.expr} in {self.var}")
        known = set(definedness_conditions(self.expr))
        extra = [c for c in definedness_conditions(self.first) if c not in known]
        if extra:
            raise self.fail(f"the derivative needs {extra[0]}, which E does not")
        a = -self.first if self.concave else self.first
        want = NondecreasingFact(a, self.var, self.var)
        if self.premise.fact != want:
            raise self.fail(f"the premise proves {self.premise.fact}, not {want}")


# ---------------------------------------------------------------------------
# composition rules


@dataclass(frozen=True)
class ConstantIn(Step):
    """Rule: an expression in which v does not occur is convex and concave in v."""

    expr: sp.Expr
    var: sp.Symbol
    concave: bool

    @property
    def fact(self) -> sp.Basic:
        return _fact(self.expr, self.var, self.concave)

    def verify(self) -> None:
        if self.var in self.expr.free_symbols:
            raise self.fail(f"{self.var} occurs in {self.expr}")


def _affine(expr: sp.Expr, var: sp.Symbol) -> bool:
    poly = sp.expand(expr).as_poly(var)
    return poly is not None and poly.degree() <= 1 and all(
        var not in c.free_symbols for c in poly.all_coeffs())


@dataclass(frozen=True)
class AffineIn(Step):
    """Rule: a polynomial of degree at most 1 in v (coefficients free of v)
    is convex and concave in v."""

    expr: sp.Expr
    var: sp.Symbol
    concave: bool

    @property
    def fact(self) -> sp.Basic:
        return _fact(self.expr, self.var, self.concave)

    def verify(self) -> None:
        if not _affine(self.expr, self.var):
            raise self.fail(f"{self.expr} is not affine in {self.var}")


@dataclass(frozen=True)
class ConvexSum(Step):
    """Rule: a sum of functions convex (concave) in v is convex (concave) in v."""

    expr: sp.Expr
    var: sp.Symbol
    concave: bool
    parts: tuple

    @property
    def fact(self) -> sp.Basic:
        return _fact(self.expr, self.var, self.concave)

    def verify(self) -> None:
        if not isinstance(self.expr, sp.Add) or len(self.parts) != len(self.expr.args):
            raise self.fail(f"{self.expr} is not a sum of {len(self.parts)} terms")
        for term, part in zip(self.expr.args, self.parts):
            _check_fact(self, part, term, self.var, self.concave)


def _split_factor(expr: sp.Expr, var: sp.Symbol):
    """``(c, rest)`` with ``expr = c·rest``, ``c`` the product of the factors
    free of ``var``; ``None`` when ``expr`` is not such a product."""
    if not isinstance(expr, sp.Mul):
        return None
    const = [a for a in expr.args if var not in a.free_symbols]
    rest = [a for a in expr.args if var in a.free_symbols]
    if not const or not rest:
        return None
    return sp.Mul(*const), sp.Mul(*rest)


@dataclass(frozen=True)
class ConvexScale(Step):
    """Rule: if c does not depend on v and g is convex in v, c·g is convex
    for c ≥ 0 and concave for c ≤ 0 (dually for g concave); ``sign`` proves
    the sign of c, ``part`` the shape of g."""

    expr: sp.Expr
    var: sp.Symbol
    concave: bool
    part: Step
    sign: Step

    @property
    def fact(self) -> sp.Basic:
        return _fact(self.expr, self.var, self.concave)

    def verify(self) -> None:
        split = _split_factor(self.expr, self.var)
        if split is None:
            raise self.fail(f"{self.expr} is not a factor free of {self.var} times a function of it")
        c, rest = split
        if self.sign.fact == Sign.NONNEGATIVE.relation(c):
            inner = self.concave
        elif self.sign.fact == Sign.NONPOSITIVE.relation(c):
            inner = not self.concave
        else:
            raise self.fail(f"the sign premise proves {self.sign.fact}, not the sign of {c}")
        _check_fact(self, self.part, rest, self.var, inner)


@dataclass(frozen=True)
class ConvexMax(Step):
    """Rule: the maximum of functions convex in v is convex in v; the
    minimum of functions concave in v is concave in v."""

    expr: sp.Expr
    var: sp.Symbol
    concave: bool
    parts: tuple

    @property
    def fact(self) -> sp.Basic:
        return _fact(self.expr, self.var, self.concave)

    def verify(self) -> None:
        head = sp.Min if self.concave else sp.Max
        if not isinstance(self.expr, head) or len(self.parts) != len(self.expr.args):
            raise self.fail(f"{self.expr} is not a {head.__name__} of {len(self.parts)} pieces")
        for piece, part in zip(self.expr.args, self.parts):
            _check_fact(self, part, piece, self.var, self.concave)


#: Outer functions of one variable: name → (convex (False) or concave (True), nondecreasing on its domain).
_OUTER = {"Abs": (False, False), "relu": (False, True), "exp": (False, True), "softplus": (False, True),
          "square": (False, False), "log": (True, True)}


def _outer(expr: sp.Expr):
    """``(argument, name)`` when ``expr`` is one of the functions of one
    variable in :data:`_OUTER` applied to an argument."""
    if isinstance(expr, (sp.Abs, relu, sp.exp, softplus, sp.log)) and len(expr.args) == 1:
        return expr.args[0], type(expr).__name__
    if isinstance(expr, sp.Pow) and expr.exp == 2:
        return expr.base, "square"
    return None


@dataclass(frozen=True)
class ConvexComposition(Step):
    """Rule: h(g) with h a function of one variable -- abs, relu, exp,
    softplus, t ↦ t² (convex) or log (concave, nondecreasing):

    * g affine in v: h(g) is convex (concave for log) -- a convex function
      of an affine map;
    * h convex and nondecreasing (relu, exp, softplus) and g convex
      (``inner``): h(g) is convex; log of a concave g is concave;
    * h = t² or abs, g convex (``inner``) and g ≥ 0 (``sign``): h is
      nondecreasing on t ≥ 0, so h(g) is convex."""

    expr: sp.Expr
    var: sp.Symbol
    concave: bool
    inner: Step | None = None
    sign: Step | None = None

    @property
    def fact(self) -> sp.Basic:
        return _fact(self.expr, self.var, self.concave)

    def verify(self) -> None:
        got = _outer(self.expr)
        if got is None:
            raise self.fail(f"{self.expr} is not one of {', '.join(_OUTER)} of an argument")
        g, name = got
        shape, nondecreasing = _OUTER[name]
        if shape != self.concave:
            raise self.fail(f"{name} is {'concave' if shape else 'convex'}, not {'concave' if self.concave else 'convex'}")
        if _affine(g, self.var):
            return
        if self.inner is None:
            raise self.fail(f"{g} is not affine in {self.var} and no premise about it is given")
        _check_fact(self, self.inner, g, self.var, self.concave)
        if nondecreasing:
            return
        if self.sign is None or self.sign.fact != Sign.NONNEGATIVE.relation(g):
            raise self.fail(f"{name} is nondecreasing only for a nonnegative argument: {g} >= 0 is needed")


# ---------------------------------------------------------------------------
# search


def _checked(step, hyps):
    from ..errors import ProofCheckError
    from ..calculus.proof import check_proof

    try:
        check_proof(step, set(hyps))
    except ProofCheckError:
        return None
    return step


def _sign_step(c, goal, hyps, deadline):
    from .signs import prove_sign

    r = prove_sign(c, goal, hyps, deadline=deadline)
    return None if r is None else r.step


def _structural(E, v, concave, hyps, deadline, depth=0):
    if deadline is not None and time.monotonic() > deadline or depth > 6:
        return None
    if v not in E.free_symbols:
        return ConstantIn(E, v, concave)
    if _affine(E, v):
        return AffineIn(E, v, concave)
    if isinstance(E, sp.Add):
        parts = []
        for t in E.args:
            p = _structural(t, v, concave, hyps, deadline, depth + 1) or _by_derivative(t, v, concave, hyps, deadline)
            if p is None:
                return None
            parts.append(p)
        return ConvexSum(E, v, concave, tuple(parts))
    split = _split_factor(E, v)
    if split is not None:
        c, rest = split
        for goal, inner in ((Sign.NONNEGATIVE, concave), (Sign.NONPOSITIVE, not concave)):
            s = _sign_step(c, goal, hyps, deadline)
            if s is None:
                continue
            p = _structural(rest, v, inner, hyps, deadline, depth + 1) or _by_derivative(rest, v, inner, hyps,
                                                                                         deadline)
            return None if p is None else ConvexScale(E, v, concave, p, s)
        return None
    if isinstance(E, (sp.Max, sp.Min)) and isinstance(E, sp.Min if concave else sp.Max):
        parts = []
        for a in E.args:
            p = _structural(a, v, concave, hyps, deadline, depth + 1)
            if p is None:
                return None
            parts.append(p)
        return ConvexMax(E, v, concave, tuple(parts))
    got = _outer(E)
    if got is None or _OUTER[got[1]][0] != concave:
        return None
    g, name = got
    if _affine(g, v):
        return ConvexComposition(E, v, concave)
    inner = _structural(g, v, concave, hyps, deadline, depth + 1) or _by_derivative(g, v, concave, hyps, deadline)
    if inner is None:
        return None
    if _OUTER[name][1]:
        return ConvexComposition(E, v, concave, inner)
    s = _sign_step(g, Sign.NONNEGATIVE, hyps, deadline)
    return None if s is None else ConvexComposition(E, v, concave, inner, s)


def _by_derivative(E, v, concave, hyps, deadline):
    from .relations import prove_nondecreasing

    if not continuous_with_pieces(E, v):
        return None
    D = derivative(E, v)
    known = set(definedness_conditions(E))
    if any(c not in known for c in definedness_conditions(D)):
        return None
    try:
        premise = prove_nondecreasing(-D if concave else D, v, v, hyps, deadline=deadline)
    except Exception:  # noqa: BLE001 - a construct the provers do not take: no proof this way
        return None
    return None if premise is None else MonotoneDerivative(E, v, concave, D, premise)


def prove_convex(E: sp.Expr, v: sp.Symbol, concave: bool, hypotheses, *, deadline: float | None = None):
    """A checked proof that ``E`` is convex (concave) in ``v`` under
    ``hypotheses`` by the rules of this module, or ``None``.

    >>> w = sp.Symbol('w', real=True)
    >>> type(prove_convex(sp.Abs(w), w, False, [])).__name__
    'ConvexComposition'
    >>> prove_convex(-sp.Abs(w), w, False, []) is None
    True
    """
    hyps = [h for h in hypotheses if h is not sp.true]
    for search in (_structural, _by_derivative):
        step = search(E, v, concave, hyps, deadline)
        if step is not None and _checked(step, hyps) is not None:
            return step
    return None


_WORDS = {
    "MonotoneDerivative": "its derivative is nondecreasing in {v} (so left ≤ right derivative at every kink) "
                          "and it is continuous",
    "ConvexSum": "a sum of {shape} terms",
    "ConvexScale": "a constant of known sign times a convex or concave function",
    "ConvexMax": "a {head} of {shape} pieces",
    "ConvexComposition": "a {shape} function of one variable composed with an affine or {shape} argument",
    "AffineIn": "affine in {v}",
    "ConstantIn": "free of {v}",
}


def describe(step: Step) -> str:
    """One sentence for a verdict's reason."""
    shape = "concave" if step.concave else "convex"
    text = _WORDS.get(type(step).__name__, type(step).__name__).format(
        v=step.var, shape=shape, head="min" if step.concave else "max")
    return f"L is {shape} in {step.var}: {text} (re-checked)"
