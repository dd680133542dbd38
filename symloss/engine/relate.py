"""``relation(problem, param)``: the gradient as a function of the loss value.

For a model/loss pair, :func:`relation` looks for a function ``h`` with
``∂L/∂w = h(L, other symbols)`` (or ``|∂L/∂w| = h(...)`` when the sign of the
gradient is not determined by ``L``), free of ``w``:

* squared error: ``|∂L/∂w| = √2·√L·|x|``;
* exponential loss: ``∂L/∂w = −x·y·L``;
* logistic regression with hard labels: ``|∂L/∂w| = (1 − e^(−L))·|x|``.

The answer is *proved* with a :class:`~symloss.engine.relations.FunctionOf` proof
that re-checks ``∂L/∂w − h(L) ≡ 0`` (case by case over finite labels); or
*proved* without a closed form (``monotone``, ``expr`` ``None``) by the
re-checked proof of ``nondecreasing(abs(d(L, w)), L, w)`` that ``check``
finds, which makes ``|∂L/∂w|`` a nondecreasing function of ``L`` (hinge:
``|x|`` where ``L > 0``, ``0`` where ``L = 0``); or *refuted* by two parameter values with the same loss and different gradient
magnitudes, checked exactly (:mod:`symloss.calculus.exact`), or left *unknown*.

>>> from symloss.problem import problem
>>> relation(problem('linear', 'exponential'), 'w')
∂L/∂w = -L⋅x⋅y
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass
from typing import Sequence

import sympy as sp

from ..errors import InvalidArgument, ProofCheckError
from ..language.functions import definedness_conditions
from ..calculus.proof import check_proof
from .function_of import FunctionOf, prove_function_of
from .verdict import Counterexample, Explanation, value_text

__all__ = ["Relation", "relation", "LOSS_SYMBOL"]

#: The symbol standing for the loss value in :attr:`Relation.expr`.
LOSS_SYMBOL = sp.Symbol("L", real=True)


@dataclass(frozen=True, eq=False)
class Relation:
    """The outcome of :func:`relation`.

    ``status`` is ``"proved"`` (``expr`` gives ``∂L/∂param``, or its absolute
    value when ``absolute``, as a function of ``loss_symbol`` and the other
    symbols; ``proof`` re-checks it), ``"refuted"`` (``counterexample`` holds
    two values of ``param`` with equal loss and different gradient
    magnitudes) or ``"unknown"``.
    """

    param: sp.Expr
    gradient: sp.Expr
    loss: sp.Expr
    loss_symbol: sp.Symbol
    status: str
    expr: sp.Expr | None = None
    absolute: bool = False
    proof: FunctionOf | None = None
    counterexample: Counterexample | None = None
    hypotheses: tuple = ()
    reason: str = ""
    #: proved without a closed form: ``proof`` shows that ``B(w1) ≤ B(w2)``
    #: implies ``A(w1) ≤ A(w2)`` (A the gradient or its magnitude, B the
    #: loss), so ``A = h(L)`` for a nondecreasing ``h``; ``expr`` is ``None``
    monotone: bool = False

    @property
    def lhs_text(self) -> str:
        from ..printing import printer

        d = f"∂L/∂{printer('one_line')(self.param)}"
        return f"|{d}|" if self.absolute else d

    def check(self) -> None:
        """Re-check the proof (raises :class:`~symloss.errors.ProofCheckError`)."""
        if self.proof is None:
            raise ProofCheckError(f"no proof: the relation is {self.status}")
        check_proof(self.proof, set(self.hypotheses))

    def __repr__(self) -> str:
        """In the documents' notation (ŷ, |·|, σ, 𝟙[·]), as ``symloss relate`` prints it."""
        from ..printing import printer

        if self.status == "proved" and self.expr is None:  # (the reason quotes the claim as `symloss check` reads it)
            p = printer("one_line")(self.param)
            return (f"{self.lhs_text} = h(L) for a nondecreasing h: {self.lhs_text} is a nondecreasing function "
                    f"of L as {p} varies (proved, re-checked); no closed form for h found")
        if self.status == "proved":
            return f"{self.lhs_text} = {printer('one_line')(self.expr)}"
        if self.status == "refuted":
            try:
                return printer("relation_refutation_text")(self)
            except Exception:  # noqa: BLE001 - a repr never raises
                return f"no function of L gives {self.lhs_text}: {self.counterexample.describe()}"
        return f"unknown: {self.reason}"

    def _repr_latex_(self) -> str:
        from ..printing import printer

        return printer("relation_repr_latex")(self)

    def to_json(self) -> dict:
        """The ``symloss relate --json`` record."""
        return {
            "param": str(self.param),
            "status": self.status,
            "gradient": str(self.gradient),
            "absolute": self.absolute,
            "expr": None if self.expr is None else str(self.expr),
            "monotone": self.monotone,
            "counterexample": None if self.counterexample is None else self.counterexample.to_json(),
            "reason": self.reason,
        }


def _split_and(h) -> list:
    if isinstance(h, sp.And):
        return [p for a in h.args for p in _split_and(a)]
    return [] if h is sp.true else [h]


def _hypotheses(problem, exprs: Sequence[sp.Expr]) -> tuple:
    out: list = []
    for h in problem.hypotheses():
        out += _split_and(h)
    for e in exprs:
        out += definedness_conditions(e)
    return tuple(dict.fromkeys(h for h in out if h is not sp.true))


def _param(problem, param):
    if isinstance(param, str):
        for p in problem.params:
            if str(p) == param:
                return p
        raise InvalidArgument(f"unknown parameter {param!r}; the parameters are {', '.join(map(str, problem.params))}")
    if param in problem.params:
        return param
    raise InvalidArgument(f"not a parameter of the problem: {param!r}")


def relation(problem, param, *, timeout: float = 10.0) -> Relation:
    """∂L/∂param (or its absolute value) as a function of the loss value, with
    a re-checked proof; or a refutation; or ``unknown``.

    >>> from symloss.problem import problem
    >>> r = relation(problem('linear', 'squared'), 'w')
    >>> r.status, r.absolute, r.expr
    ('proved', True, sqrt(2)*sqrt(L)*Abs(x))
    """
    start = time.monotonic()
    deadline = start + float(timeout)
    p = _param(problem, param)
    if not isinstance(p, sp.Symbol):
        raise InvalidArgument(f"relation needs a plain parameter symbol, got {p}")
    g, L = problem.grad(p), problem.L
    hyps = _hypotheses(problem, [L, g])
    labels = tuple(getattr(problem, "labels", ()))
    t = sp.Dummy("t", real=True)

    fallback: list = []

    def unified(step) -> bool:
        """Prefer one h for every label value; keep the first other as a fallback."""
        if step.label is None or len({c.h for c in step.cases}) == 1:
            return True
        fallback.append(step)
        return False

    for a, absolute in ((g, False), (sp.Abs(g), True)):
        if time.monotonic() > deadline:
            break
        step = prove_function_of(a, L, p, hyps, t=t, deadline=deadline, labels=labels, accept=unified)
        if step is not None:
            return _proved(p, g, L, step, absolute, hyps, t)
    for step in fallback:
        return _proved(p, g, L, step, step.a != g, hyps, t)
    # no closed form: what `check` proves of nondecreasing(d(L, w), L, w) or
    # nondecreasing(abs(d(L, w)), L, w) still makes the gradient a function of
    # L (equal losses give equal values); it also rules out any refutation
    for a, absolute in ((g, False), (sp.Abs(g), True)):
        if time.monotonic() > deadline:
            break
        mono = _monotone(a, L, p, hyps, deadline, labels)
        if mono is not None:
            return Relation(p, g, L, LOSS_SYMBOL, "proved", None, absolute, mono, hypotheses=hyps, monotone=True,
                            reason=f"nondecreasing({'abs(d(L, %s))' % p if absolute else 'd(L, %s)' % p}, L, {p}) "
                                   "proved (re-checked); no closed form for h found")
    ce = _refute(problem, p, g, L, hyps, deadline)
    if ce is not None:
        return Relation(p, g, L, LOSS_SYMBOL, "refuted", counterexample=ce, hypotheses=hyps,
                        reason=str(ce.explanation))
    why = "time limit reached" if time.monotonic() > deadline else "no relation found and no counterexample found"
    return Relation(p, g, L, LOSS_SYMBOL, "unknown", hypotheses=hyps, reason=why)


def _monotone(a, L, p, hyps, deadline, labels):
    """A re-checked proof that ``a`` is a nondecreasing function of ``L`` as
    ``p`` varies (the ``nondecreasing`` claim's tactic), or ``None``."""
    from ..errors import ProofCheckError
    from .relations import NondecreasingFact, prove_nondecreasing

    step = prove_nondecreasing(a, L, p, hyps, deadline=deadline, labels=labels)
    if step is None or step.fact != NondecreasingFact(a, L, p):
        return None
    try:
        check_proof(step, set(hyps))
    except ProofCheckError:
        return None
    return step


def _proved(p, g, L, step, absolute, hyps, t) -> Relation:
    check_proof(step, set(hyps))
    expr = step.h_expr().xreplace({t: LOSS_SYMBOL})
    return Relation(p, g, L, LOSS_SYMBOL, "proved", expr, absolute, step, hypotheses=hyps,
                    reason="the difference rewrites to 0 (re-checked proof)")


# ---------------------------------------------------------------------------
# refutation: equal loss, different gradient magnitude

_PAIRS = [(0, 1), (1, -1), (0, 2), (1, 2), (-1, 2), (0, -1), (sp.Rational(1, 2), -1), (2, -2)]


def _ok(domain, value) -> bool:
    return domain is None or domain.contains(value)


def _simple_values(domain) -> list:
    if domain is None:
        return [sp.Integer(1), sp.Integer(-1), sp.Integer(2)]
    pts = sorted((v for v in domain.special_points() if v.is_Rational), key=lambda v: (abs(v.p) + v.q, bool(v.is_negative)))
    nonzero = [v for v in pts if v != 0]
    return (nonzero + [v for v in pts if v == 0])[:3] or [sp.Integer(1)]


def verify_pair(L: sp.Expr, g: sp.Expr, hyps: Sequence, values: dict, var, w1, w2) -> bool:
    """Exactly: every hypothesis holds at both points, the losses are equal
    and the gradient magnitudes differ.

    >>> w, x = sp.symbols('w x', real=True)
    >>> verify_pair((w - 1)**2, 2*(w - 1)*x, [], {x: 1}, w, 0, 2)
    False
    >>> verify_pair(w**2*(w - 2)**2, 4*w*(w - 1)*(w - 2), [], {}, w, 0, 2)
    False
    """
    from ..calculus.exact import point_is_admissible, truth

    if w1 == w2:
        return False
    p1, p2 = {**values, var: w1}, {**values, var: w2}
    if point_is_admissible(hyps, p1) is not True or point_is_admissible(hyps, p2) is not True:
        return False
    same = sp.Eq(L.xreplace({var: w1}), L.xreplace({var: w2}), evaluate=False)
    differ = sp.Ne(sp.Abs(g.xreplace({var: w1})), sp.Abs(g.xreplace({var: w2})), evaluate=False)
    return truth(same, values) is True and truth(differ, values) is True


def _roots(expr: sp.Expr, c: sp.Symbol) -> list:
    try:
        poly = sp.Poly(sp.expand(expr), c)
    except sp.PolynomialError:
        return []
    if poly.degree() < 1 or poly.degree() > 2 or any(c in k.free_symbols for k in poly.coeffs()):
        return []
    coeffs = poly.all_coeffs()
    if len(coeffs) == 2:
        roots = [-coeffs[1] / coeffs[0]]
    else:
        a, b, k = coeffs
        disc = b ** 2 - 4 * a * k
        roots = [(-b + sp.sqrt(disc)) / (2 * a), (-b - sp.sqrt(disc)) / (2 * a)]
    return [r for r in roots if not r.has(sp.I, sp.zoo, sp.nan) and not r.free_symbols]


def _exp_roots(expr: sp.Expr, c: sp.Symbol) -> list:
    """Values of ``c`` where ``expr`` vanishes when ``c`` enters only through
    ``exp(k·c + r)`` with integer ``k`` (the shared bias of a batch under
    the exponential loss): a polynomial of degree ≤ 2 in ``t = e^c`` after
    clearing denominators, and ``c = log(t)`` for each root ``t`` the kernel
    certifies positive.  Candidates only: :func:`verify_pair` decides."""
    from ..language.kernel import sign_of

    t = sp.Dummy("t", positive=True)

    def power(e):
        arg = sp.expand(e.args[0])
        k = arg.coeff(c)
        rest = arg - k * c
        if k.is_Integer and c not in rest.free_symbols:
            return t ** k * sp.exp(rest)
        return e

    et = sp.expand(expr).replace(lambda e: isinstance(e, sp.exp) and c in e.free_symbols, power)
    if c in et.free_symbols:
        return []
    num = sp.numer(sp.together(et))
    return [sp.log(r) for r in _roots(num, t) if sign_of(r) == 1]


def _refute(problem, p, g, L, hyps, deadline) -> Counterexample | None:
    others = sorted((s for s in (L.free_symbols | g.free_symbols) - {p}), key=lambda s: str(s))
    if any(not isinstance(s, sp.Symbol) for s in others) or L.has(sp.Sum, sp.Indexed):
        return None
    doms = {}
    for s in others:
        try:
            doms[s] = problem.domain(s)
        except Exception:  # noqa: BLE001 - unknown to the table: real
            doms[s] = None
    pdom = None
    try:
        pdom = problem.domain(p)
    except Exception:  # noqa: BLE001
        pass
    pairs = [(sp.sympify(a), sp.sympify(b)) for a, b in _PAIRS if _ok(pdom, a) and _ok(pdom, b)]
    solvable = [s for s in others if doms[s] is None or not doms[s].is_finite] + [None]
    for c in solvable:
        fixed_syms = [s for s in others if s != c]
        combos = itertools.islice(itertools.product(*[_simple_values(doms[s]) for s in fixed_syms]), 12)
        for combo in combos:
            fixed = dict(zip(fixed_syms, combo))
            for w1, w2 in pairs:
                if time.monotonic() > deadline:
                    return None
                if c is None:
                    candidates = [fixed]
                else:
                    D = (L.xreplace({p: w1}) - L.xreplace({p: w2})).xreplace(fixed)
                    roots = _roots(D, c) or (_exp_roots(D, c) if D.has(sp.exp) else [])
                    candidates = [{**fixed, c: r} for r in roots]
                for values in candidates:
                    if verify_pair(L, g, hyps, values, p, w1, w2):
                        return _counterexample(L, g, values, p, w1, w2)
    return None


def _counterexample(L, g, values, p, w1, w2) -> Counterexample:
    from ..calculus.exact import substitute

    l1 = substitute(L, {**values, p: w1})
    g1, g2 = substitute(g, {**values, p: w1}), substitute(g, {**values, p: w2})
    why = Explanation(p, " = ", w1, " and ", p, " = ", w2, " give the same loss ", l1, " but ∂L/∂", p, " = ", g1,
                      " and ", g2, " differ in magnitude")
    evals = (("L", l1), (f"dL/d{p}({value_text(w1)})", g1), (f"dL/d{p}({value_text(w2)})", g2))
    return Counterexample(values, pair=(p, w1, w2), evaluations=evals, explanation=why)
