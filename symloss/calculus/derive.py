"""Closed-form gradients in readable form, with re-checkable derivation steps.

The gradient of ``L = ℓ(ŷ(θ), y)`` is computed by the chain rule with
:func:`symloss.language.functions.derivative`, then tidied by *targeted* rewrites,
each recorded as a :class:`Rewrite` step that re-checks itself:

* ``kronecker_sum``: ``Sum(KroneckerDelta(i, j)*f(j), (j, a, b)) → f(i)``
  (the parameter index ``i`` is assumed to lie in ``a..b``);
* ``sigmoid_from_exp``: ``1/(1 + exp(u)) → σ(−u)``, ``exp(u)·σ(−u) → σ(u)``
  and ``log(1 + exp(u)) → softplus(u)``;
* ``factor``: function applications are frozen as atoms, the rational
  expression in them is factored, the residual is oriented as ``ŷ − y``
  (prediction first) and label-free factors over the same atoms are
  multiplied back (``(1 − t)(1 + t) → 1 − t²``); the factored form is kept
  only when it is not longer than the input.

``1 − σ(z)`` is left as it is (it is SymPy's own form of σ'/σ); ``σ(−z)``
appears only where the expression had ``1/(1 + exp(z))``.

:func:`is_zero` is the zero-equivalence test every step uses (and other
modules use for identity claims): ``True`` only from exact rewrites, ``False``
only with an exact witness point, ``None`` otherwise.

>>> from symloss.language.functions import sigmoid
>>> w, b, x, y, yh = sp.symbols('w b x y yhat', real=True)
>>> bce = -(y*sp.log(yh) + (1 - y)*sp.log(1 - yh))
>>> d = derive(bce, w, yhat=yh, model=sigmoid(w*x + b))
>>> d.result
x*(-y + sigmoid(b + w*x))
>>> d.verify()
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

import sympy as sp

from ..language import kernel
from ..language.functions import definedness_conditions, derivative, relu, sigmoid, softplus
from .proof import Step

__all__ = [
    "is_zero",
    "equal",
    "readable",
    "derive",
    "gradient",
    "collapse_kronecker",
    "recognise_sigmoid",
    "tidy",
    "LossDerivative",
    "ModelDerivative",
    "DirectDerivative",
    "ChainRule",
    "Rewrite",
    "Derivation",
    "REWRITE_RULES",
]


# ---------------------------------------------------------------------------
# zero equivalence
# ---------------------------------------------------------------------------

_LABEL_NAME = re.compile(r"y(_\w*|\d+)?\Z")  # default label names: y, y_true, y2
_HYPERBOLIC = (sp.tanh, sp.cosh, sp.sinh, sp.coth, sp.sech, sp.csch)


def _to_exp(expr: sp.Expr) -> sp.Expr:
    """Rewrite σ, softplus and hyperbolic functions in terms of ``exp``."""
    if expr.has(sigmoid, softplus, *_HYPERBOLIC):
        expr = expr.rewrite(sp.exp)
    if expr.has(relu):
        expr = expr.replace(lambda e: isinstance(e, relu), lambda e: sp.Max(0, e.args[0]))
    return expr


def _rational_zero(expr: sp.Expr) -> bool:
    """Exact test: the numerator of ``together(expr)`` expands to 0."""
    if expr == 0:
        return True
    num, _ = sp.fraction(sp.together(expr))
    num = sp.expand(num)
    if num == 0:
        return True
    return sp.cancel(num) == 0


def _sample_value(sym: sp.Symbol, rnd: random.Random, domain=None) -> sp.Rational | None:
    if domain is not None:
        if domain.is_finite:
            return sp.nsimplify(rnd.choice(domain.elements)) if domain.elements else None
        import numpy as np

        vals = domain.sample(np.random.default_rng(rnd.randrange(2**32)), 1)
        if len(vals) == 0:
            return None
        v = sp.Rational(float(vals[0])).limit_denominator(10**6)
        return v if domain.contains(v) else None
    if sym.is_integer:
        lo = 1 if sym.is_positive else (0 if sym.is_nonnegative else -3)
        hi = -1 if sym.is_negative else 3
        return sp.Integer(rnd.randint(lo, hi))
    v = sp.Rational(rnd.randint(1, 400), rnd.choice([7, 11, 13, 17, 19, 23, 29, 31]))
    if sym.is_positive or sym.is_nonnegative:
        return v
    if sym.is_negative or sym.is_nonpositive:
        return -v
    return v if rnd.random() < 0.5 else -v


def _witness(expr: sp.Expr, domains, tries: int = 6) -> dict | None:
    """A rational point at which ``expr`` is a defined real number whose
    absolute value is certainly > 1e-25 (checked with ``evalf(strict=True)``)."""
    syms = sorted(expr.free_symbols, key=sp.default_sort_key)
    if not syms:
        return {} if _witness_number(expr) is not None else None
    if expr.has(sp.Sum, sp.Indexed, sp.KroneckerDelta, sp.Product, sp.Derivative):
        return None
    if any(not isinstance(s, sp.Symbol) for s in syms):
        return None
    rnd = random.Random(12345)
    for _ in range(tries):
        point = {}
        for s in syms:
            v = _sample_value(s, rnd, (domains or {}).get(s))
            if v is None:
                return None
            point[s] = v
        try:
            # every part must be defined there (sqrt(x*y) - sqrt(x)*sqrt(y) is
            # real and nonzero at x = y = -1, but not a defined real point);
            # values and signs are the trusted kernel's, never SymPy's guesses
            if not all(kernel.holds(kernel.substitute(c, point)) is True for c in definedness_conditions(expr)):
                continue
            val = kernel.substitute(expr, point)
            if not val.is_number or val.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
                continue
        except Exception:  # noqa: BLE001 - undefined: try another point
            continue
        if _witness_number(val) is not None:
            return point
    return None


def is_zero(expr, *, domains: Mapping | None = None) -> bool | None:
    """Whether ``expr`` is identically zero for all values of its symbols
    allowed by their assumptions (or by ``domains``, a mapping symbol →
    :class:`~symloss.language.domains.Domain`, when given) where it is defined.

    ``True`` only from exact rewrites (our functions to ``exp``, then
    ``together``/``expand``/``cancel``; ``Piecewise`` branch by branch;
    finite domains case by case); ``False`` only with an exact rational
    witness; ``None`` when undecided.

    >>> from symloss.language.functions import sigmoid, softplus
    >>> z = sp.Symbol('z', real=True)
    >>> is_zero(sigmoid(z) - sp.exp(z)/(1 + sp.exp(z)))
    True
    >>> is_zero(sigmoid(z).diff(z) - sigmoid(z)*sigmoid(-z))
    True
    >>> is_zero(sigmoid(z) - sp.Rational(1, 2))
    False
    >>> is_zero(sigmoid(1) + sigmoid(-1) - 1), is_zero(sp.log(2) - sp.Rational(69, 100))
    (True, False)
    """
    if not isinstance(expr, sp.Basic):
        if isinstance(expr, (int,)):
            return expr == 0
        raise TypeError(f"is_zero needs a SymPy expression, got {expr!r}")
    if expr == 0:
        return True
    if expr.is_Rational:
        return False
    if kernel.has_closed_kink(expr):
        return None  # rewriting would let SymPy guess the kink the kernel could not decide
    e = _to_exp(expr)
    if e.has(sp.Piecewise):
        e = sp.piecewise_fold(e)
        if isinstance(e, sp.Piecewise):
            verdicts = [is_zero(branch, domains=domains) for branch, _ in e.args]
            if all(v is True for v in verdicts):
                return True
            # a nonzero branch is only a witness if its condition can hold: leave to None
            return None if _witness(e, domains) is None else False
    try:
        if _rational_zero(e):
            return True
    except sp.PolynomialError:
        pass
    if _witness(e, domains) is not None:
        return False
    # finite domains: split into cases
    if domains:
        finite = [(s, d) for s, d in domains.items() if s in e.free_symbols and d.is_finite]
        if finite:
            s, d = finite[0]
            sub = {k: v for k, v in domains.items() if k != s}
            verdicts = [is_zero(e.xreplace({s: sp.nsimplify(el)}), domains=sub) for el in d.elements]
            if all(v is True for v in verdicts):
                return True
            if any(v is False for v in verdicts):
                return False
    try:
        if sp.expand(sp.expand_log(sp.powsimp(e), force=False)) == 0:
            return True
    except Exception:  # noqa: BLE001
        pass
    return None


def _witness_number(expr):
    """The closed number ``expr`` when a certified enclosure (the kernel's
    interval arithmetic, 128 bits: a witness is only searched, never forced)
    excludes 0."""
    v = kernel.evaluate_interval(expr, 128) if kernel.is_closed(expr) else None
    return expr if v is not None and (v.a > 0 or v.b < 0) else None


def equal(a, b, *, domains: Mapping | None = None) -> bool | None:
    """``is_zero(a - b)``.

    >>> x = sp.Symbol('x', real=True)
    >>> equal(sp.tanh(x), 2*sigmoid(2*x) - 1), equal(x, x + 1)
    (True, False)
    """
    return is_zero(a - b, domains=domains)


# ---------------------------------------------------------------------------
# targeted rewrites
# ---------------------------------------------------------------------------


def collapse_kronecker(expr: sp.Expr) -> sp.Expr:
    """``Sum(KroneckerDelta(i, j)*f(j), (j, a, b)) → f(i)`` for every such
    sum (the free index ``i`` is taken to lie in ``a..b``).

    >>> j, i = sp.symbols('j i', integer=True); n = sp.Symbol('n', integer=True, positive=True)
    >>> x = sp.IndexedBase('x')
    >>> collapse_kronecker(sp.Sum(sp.KroneckerDelta(i, j)*x[j], (j, 1, n)))
    x[i]
    """

    def rule(s):
        if not isinstance(s, sp.Sum) or len(s.limits) != 1:
            return s
        j = s.limits[0][0]
        body = sp.expand(s.function)
        terms = sp.Add.make_args(body)
        out = []
        for t in terms:
            deltas = [f for f in sp.Mul.make_args(t) if isinstance(f, sp.KroneckerDelta) and j in f.free_symbols]
            if len(deltas) != 1:
                return s
            d = deltas[0]
            other = d.args[1] if d.args[0] == j else d.args[0]
            if j in other.free_symbols:
                return s
            rest = sp.Mul(*[f for f in sp.Mul.make_args(t) if f is not d])
            out.append(rest.xreplace({j: other}))
        return sp.Add(*out)

    if not expr.has(sp.KroneckerDelta):
        return expr
    return expr.replace(lambda e: isinstance(e, sp.Sum), rule)


def recognise_sigmoid(expr: sp.Expr) -> sp.Expr:
    """Turn exp fractions into σ and ``log(1 + exp(u))`` into softplus.

    >>> z = sp.Symbol('z', real=True)
    >>> recognise_sigmoid(sp.exp(z)/(1 + sp.exp(z))), recognise_sigmoid(1/(1 + sp.exp(-z)))
    (sigmoid(z), sigmoid(z))
    >>> recognise_sigmoid(sp.log(1 + sp.exp(2*z)))
    softplus(2*z)
    """
    if not expr.has(sp.exp):
        return expr

    def one_plus_exp(e):
        if isinstance(e, sp.Add) and len(e.args) == 2 and sp.S.One in e.args:
            other = e.args[1] if e.args[0] == 1 else e.args[0]
            if isinstance(other, sp.exp):
                return other.args[0]
        return None

    def rule(e):
        if isinstance(e, sp.log):
            u = one_plus_exp(e.args[0])
            if u is not None:
                return softplus(u)
        if isinstance(e, sp.Pow) and e.exp.is_Integer and e.exp.is_negative:
            u = one_plus_exp(e.base)
            if u is not None:
                return sigmoid(-u) ** (-e.exp)
        if isinstance(e, sp.Mul):
            factors = list(e.args)
            changed = True
            while changed:
                changed = False
                for f in factors:
                    if isinstance(f, sp.exp):
                        target = sigmoid(-f.args[0])
                        if target in factors:
                            factors.remove(f)
                            factors.remove(target)
                            factors.append(sigmoid(f.args[0]))
                            changed = True
                            break
            return sp.Mul(*factors)
        return e

    return sp.bottom_up(expr, rule)


def _atomise(expr: sp.Expr) -> tuple[sp.Expr, dict]:
    """Replace every non-rational subexpression by a dummy symbol."""
    back: dict = {}
    fwd: dict = {}

    def rec(e):
        if e.is_Symbol or e.is_Number:
            return e
        if isinstance(e, (sp.Add, sp.Mul)):
            return e.func(*[rec(a) for a in e.args])
        if isinstance(e, sp.Pow) and e.exp.is_Integer:
            return sp.Pow(rec(e.base), e.exp)
        if isinstance(e, sp.exp) and e.args[0].could_extract_minus_sign():
            return 1 / rec(sp.exp(-e.args[0]))
        d = fwd.get(e)
        if d is None:
            d = sp.Dummy(f"a{len(fwd)}")
            fwd[e] = d
            back[d] = e
        return d

    return rec(expr), back


def _orient(expr: sp.Expr, labels: frozenset) -> sp.Expr:
    """Sign normalisation of a product: residuals read prediction − label,
    and a leftover −1 is absorbed into a label-free sum."""
    coeff, factors = expr.as_coeff_mul()
    factors = list(factors)
    for k, f in enumerate(factors):
        base, ex = f.as_base_exp()
        if isinstance(base, sp.Add) and ex.is_odd and base.free_symbols & labels:
            lab = sorted(base.free_symbols & labels, key=sp.default_sort_key)[0]
            if base.coeff(lab).is_positive:
                factors[k] = (-base) ** ex
                coeff = -coeff
    if coeff.is_negative:
        for k, f in enumerate(factors):
            base, ex = f.as_base_exp()
            if isinstance(base, sp.Add) and ex.is_odd and not base.free_symbols & labels:
                factors[k] = sp.expand(-base) ** ex
                coeff = -coeff
                break
    # multiply label-free linear sums over the same symbols back together
    groups: dict = {}
    rest = []
    for f in factors:
        base, ex = f.as_base_exp()
        if isinstance(base, sp.Add) and ex == 1 and not base.free_symbols & labels:
            groups.setdefault(frozenset(base.free_symbols), []).append(base)
        else:
            rest.append(f)
    for group in groups.values():
        prod = sp.Mul(*group)
        expanded = sp.expand(prod)
        rest.append(expanded if len(group) > 1 and sp.count_ops(expanded) <= sp.count_ops(prod) else prod)
    return coeff * sp.Mul(*rest)


def tidy(expr: sp.Expr, labels: Sequence = ()) -> sp.Expr:
    """Factor with function applications frozen, orient the residual, and
    keep the result only when it is not longer (``count_ops``).  Works branch
    by branch on ``Piecewise``.

    >>> x, y, s = sp.symbols('x y s', real=True)
    >>> tidy(-x*y*(1 - s) + x*(1 - y)*s, labels=[y])
    x*(s - y)
    """
    labels = frozenset(labels)
    if isinstance(expr, sp.Piecewise):
        return sp.Piecewise(*[(tidy(e, labels), c) for e, c in expr.args])
    if expr.has(sp.Piecewise):
        folded = sp.piecewise_fold(expr)
        if isinstance(folded, sp.Piecewise):
            return tidy(folded, labels)
    expr = _tidy_arguments(expr)
    best = min((_factored(expr, labels), sp.factor_terms(expr), expr), key=sp.count_ops)
    normal = _sigmoid_normal(expr)
    if normal != expr:  # exp fractions against σ factors: only when exps go and it is shorter
        alt = _factored(normal, labels)
        if _exp_count(alt) < _exp_count(best) and sp.count_ops(alt) < sp.count_ops(best):
            best = alt
    return best


def _exp_count(expr: sp.Expr) -> int:
    return sum(1 for e in sp.preorder_traversal(expr) if isinstance(e, sp.exp))


def _factored(expr: sp.Expr, labels: frozenset) -> sp.Expr:
    atoms, back = _atomise(expr)
    try:
        fact = sp.factor(atoms)
    except sp.PolynomialError:
        return expr
    candidate = _orient(fact, labels)
    return candidate.xreplace(back) if back else candidate


def _sigmoid_normal(expr: sp.Expr) -> sp.Expr:
    """Express everything through σ(u) for the arguments u of the sigmoids in
    ``expr``: ``σ(−u) → 1 − σ(u)`` and ``exp(k u) → (σ(u)/(1 − σ(u)))^k`` for
    integers k, so that exp fractions cancel against σ factors.

    >>> u = sp.Symbol('u', real=True)
    >>> _sigmoid_normal(sp.exp(-u)*sigmoid(u) + sigmoid(-u))
    2 - 2*sigmoid(u)
    """
    args = [a.args[0] for a in expr.atoms(sigmoid)]
    if not args:
        return expr
    canon: dict = {}
    for a in args:
        rep = -a if a.could_extract_minus_sign() else a
        canon.setdefault(sp.expand(rep), rep)

    def rule(e):
        if isinstance(e, sigmoid):
            a = sp.expand(e.args[0])
            if -a in canon and a not in canon:
                return 1 - sigmoid(canon[-a])
            return sigmoid(canon[a]) if a in canon else e
        if isinstance(e, sp.exp):
            a = sp.expand(e.args[0])
            for key, rep in canon.items():
                k = sp.cancel(a / key)
                if k.is_Integer and k != 0:
                    s = sigmoid(rep)
                    return (s / (1 - s)) ** k
        return e

    return sp.bottom_up(expr, rule)


def _tidy_arguments(expr: sp.Expr) -> sp.Expr:
    """Shorten the arguments of kink functions (``Heaviside``, ``sign``,
    ``Abs``) by expanding them when that is shorter, and write
    ``sinh(u)/cosh(u)`` as ``tanh(u)``."""

    def shorter(e):
        if isinstance(e, (sp.Heaviside, sp.sign, sp.Abs)):
            arg = e.args[0]
            alt = sp.expand(arg)
            if sp.count_ops(alt) < sp.count_ops(arg):
                return e.func(alt, *e.args[1:])
            return e
        if isinstance(e, sp.Mul):
            factors = list(e.args)
            for f in e.args:
                if isinstance(f, sp.sinh) and sp.cosh(f.args[0]) ** -1 in factors:
                    factors.remove(f)
                    factors.remove(sp.cosh(f.args[0]) ** -1)
                    factors.append(sp.tanh(f.args[0]))
            return sp.Mul(*factors)
        return e

    if not expr.has(sp.Heaviside, sp.sign, sp.Abs, sp.sinh):
        return expr
    return sp.bottom_up(expr, shorter)


#: Rewrite rules by name: each maps an expression (and the label symbols) to
#: an equal expression.  ``Rewrite.verify`` re-checks each use by
#: :func:`is_zero`, except ``kronecker_sum`` whose instances it re-derives.
REWRITE_RULES: dict[str, Callable] = {
    "kronecker_sum": lambda e, labels: collapse_kronecker(e),
    "sigmoid_from_exp": lambda e, labels: recognise_sigmoid(e),
    "factor": lambda e, labels: tidy(e, labels),
}


def readable(expr: sp.Expr, labels: Sequence = ()) -> sp.Expr:
    """Apply every rewrite of :data:`REWRITE_RULES` in order.

    >>> z = sp.Symbol('z', real=True); x = sp.Symbol('x', real=True)
    >>> readable(x*sp.exp(z)/(sp.exp(z) + 1))
    x*sigmoid(z)
    """
    for rule in REWRITE_RULES.values():
        expr = rule(expr, labels)
    return expr


# ---------------------------------------------------------------------------
# derivation steps
# ---------------------------------------------------------------------------


def _check_equal(step: Step, a: sp.Expr, b: sp.Expr, what: str) -> None:
    if a == b:
        return
    verdict = is_zero(a - b)
    if verdict is not True:
        raise step.fail(f"{what}: cannot show {a} = {b} (zero test: {verdict})")


@dataclass(frozen=True)
class LossDerivative(Step):
    """∂ℓ/∂ŷ: the derivative of the loss in one prediction symbol."""

    loss: sp.Expr
    yhat: sp.Symbol
    derivative: sp.Expr

    @property
    def fact(self) -> sp.Basic:
        return sp.Eq(sp.Derivative(self.loss, self.yhat), self.derivative, evaluate=False)

    def verify(self) -> None:
        _check_equal(self, derivative(self.loss, self.yhat), self.derivative, "loss derivative")


@dataclass(frozen=True)
class ModelDerivative(Step):
    """∂ŷ/∂θ: the derivative of one model output in a parameter."""

    model: sp.Expr
    param: sp.Expr
    derivative: sp.Expr

    @property
    def fact(self) -> sp.Basic:
        return sp.Eq(sp.Derivative(self.model, self.param), self.derivative, evaluate=False)

    def verify(self) -> None:
        _check_equal(self, derivative(self.model, self.param), self.derivative, "model derivative")


@dataclass(frozen=True)
class DirectDerivative(Step):
    """∂L/∂θ of a loss written directly in the parameters (no model)."""

    expr: sp.Expr
    param: sp.Expr
    derivative: sp.Expr

    @property
    def result(self) -> sp.Expr:
        return self.derivative

    @property
    def fact(self) -> sp.Basic:
        return sp.Eq(sp.Derivative(self.expr, self.param), self.derivative, evaluate=False)

    def verify(self) -> None:
        _check_equal(self, derivative(self.expr, self.param), self.derivative, "derivative")


@dataclass(frozen=True)
class ChainRule(Step):
    """∂L/∂θ = Σ_k ∂ℓ/∂ŷ_k |_{ŷ = model} · ∂ŷ_k/∂θ."""

    loss: sp.Expr
    yhats: tuple
    models: tuple
    param: sp.Expr
    outer: tuple  # LossDerivative per prediction
    inner: tuple  # ModelDerivative per prediction
    result: sp.Expr

    @property
    def composite(self) -> sp.Expr:
        """L = ℓ with the predictions replaced by the model outputs."""
        return self.loss.xreplace(dict(zip(self.yhats, self.models)))

    @property
    def fact(self) -> sp.Basic:
        return sp.Eq(sp.Derivative(self.composite, self.param), self.result, evaluate=False)

    def verify(self) -> None:
        if not (len(self.yhats) == len(self.models) == len(self.outer) == len(self.inner)):
            raise self.fail("one outer and one inner derivative per prediction")
        sub = dict(zip(self.yhats, self.models))
        for yh, m, o, i in zip(self.yhats, self.models, self.outer, self.inner):
            if o.loss != self.loss or o.yhat != yh or i.model != m or i.param != self.param:
                raise self.fail(f"premises do not belong to ∂/∂{yh} and ∂{m}/∂{self.param}")
        total = sp.Add(*[o.derivative.xreplace(sub) * i.derivative for o, i in zip(self.outer, self.inner)])
        _check_equal(self, total, self.result, "chain rule")


@dataclass(frozen=True)
class Rewrite(Step):
    """``before = after`` by the named rule of :data:`REWRITE_RULES`."""

    before: sp.Expr
    after: sp.Expr
    rule: str

    @property
    def fact(self) -> sp.Basic:
        return sp.Eq(self.before, self.after, evaluate=False)

    def verify(self) -> None:
        if self.rule not in REWRITE_RULES:
            raise self.fail(f"unknown rewrite rule {self.rule!r}")
        if self.rule == "kronecker_sum":
            if collapse_kronecker(self.before) != self.after:
                raise self.fail(f"{self.after} is not the Kronecker collapse of {self.before}")
            return
        _check_equal(self, self.before, self.after, f"rewrite {self.rule}")


@dataclass(frozen=True)
class Derivation(Step):
    """∂L/∂θ = result: a derivative step (:class:`ChainRule` or
    :class:`DirectDerivative`) followed by a chain of :class:`Rewrite` steps,
    each starting where the previous one ended."""

    param: sp.Expr
    loss_expr: sp.Expr
    model_expr: object  # tuple of model outputs, or None without a model
    steps: tuple
    result: sp.Expr

    @property
    def L(self) -> sp.Expr:
        return self.steps[0].composite if isinstance(self.steps[0], ChainRule) else self.steps[0].expr

    @property
    def fact(self) -> sp.Basic:
        return sp.Eq(sp.Derivative(self.L, self.param), self.result, evaluate=False)

    def verify(self) -> None:
        if not self.steps or not isinstance(self.steps[0], (ChainRule, DirectDerivative)):
            raise self.fail("a derivation starts with a chain rule or a direct derivative")
        if self.steps[0].param != self.param:
            raise self.fail(f"first step differentiates in {self.steps[0].param}, not {self.param}")
        current = self.steps[0].result
        for s in self.steps[1:]:
            if not isinstance(s, Rewrite) or s.before != current:
                raise self.fail(f"step {s!r} does not continue from {current}")
            current = s.after
        if current != self.result:
            raise self.fail(f"the steps end at {current}, not {self.result}")
        for s in self.steps:
            s.verify()

    def latex(self) -> str:
        """The derivation as a LaTeX fragment: model, loss, the chain rule
        with outer and inner derivatives, and each rewrite to the result."""
        from ..printing import printer

        return printer("derivation_latex")(self)

    def _repr_latex_(self) -> str:
        from ..printing import printer

        return "$%s$" % printer("expr_latex")(self.fact)


def _rewrites(expr: sp.Expr, labels) -> tuple[list[Rewrite], sp.Expr]:
    steps = []
    for name, rule in REWRITE_RULES.items():
        new = rule(expr, labels)
        if new != expr:
            steps.append(Rewrite(expr, new, name))
            expr = new
    return steps, expr


def derive(
    loss: sp.Expr,
    param: sp.Expr,
    *,
    yhat=None,
    model=None,
    labels: Sequence = (),
) -> Derivation:
    """The derivation of ∂L/∂``param``.

    With ``yhat`` (a symbol or a tuple of symbols) and ``model`` (an
    expression or a tuple of the same length), ``L = loss[yhat := model]`` and
    the chain rule is used; without them ``loss`` is differentiated
    directly.  ``labels`` are the label symbols (the residual is oriented as
    prediction − label).

    >>> w, x, y = sp.symbols('w x y', real=True)
    >>> derive((w*x - y)**2/2, w).result
    x*(w*x - y)
    """
    if (yhat is None) != (model is None):
        raise TypeError("derive needs both yhat and model, or neither")
    if model is None:
        first = DirectDerivative(loss, param, derivative(loss, param))
        models = None
    else:
        yhats = tuple(yhat) if isinstance(yhat, (tuple, list)) else (yhat,)
        models = tuple(model) if isinstance(model, (tuple, list)) else (model,)
        outer = tuple(LossDerivative(loss, yh, derivative(loss, yh)) for yh in yhats)
        inner = tuple(ModelDerivative(m, param, derivative(m, param)) for m in models)
        sub = dict(zip(yhats, models))
        total = sp.Add(*[o.derivative.xreplace(sub) * i.derivative for o, i in zip(outer, inner)])
        first = ChainRule(loss, yhats, models, param, outer, inner, total)
    labels = tuple(labels) or tuple(s for s in loss.free_symbols if _LABEL_NAME.match(getattr(s, "name", "")))
    rewrites, result = _rewrites(first.result, labels)
    return Derivation(param, loss, models, (first, *rewrites), result)


def gradient(loss: sp.Expr, param: sp.Expr, **kwargs) -> sp.Expr:
    """The readable closed form of ∂L/∂``param`` (see :func:`derive`).

    >>> w, x = sp.symbols('w x', real=True)
    >>> gradient(sp.log(1 + sp.exp(w*x)), w)
    x*sigmoid(w*x)
    """
    return derive(loss, param, **kwargs).result
