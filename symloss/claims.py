"""The claim language: claim strings → claim objects.

A claim is parsed by the safe parser (:mod:`symloss.parser`) with the
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

import ast
import copy
import re
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

import sympy as sp

from .errors import InvalidArgument, SymlossSyntaxError
from .functions import definedness_conditions, derivative
from .names import (  # noqa: F401 - domain_set, membership, known_names are re-exported
    check_leibniz,
    check_names,
    domain_set,
    known_names,
    membership,
    support_conditions,
    value_conditions,
)
from .kernel import build  # comparisons of closed numbers are the kernel's
from .claims_logic import connective  # and/or/not/implies over statements about minimisers
from .proof import Step

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

RESERVED = ("L", "yhat")


class ArgMin(sp.Function):
    """The unique minimiser of ``E`` over ``v`` (unevaluated; ``v`` is bound,
    so it is not a free symbol).  ``v`` ranges over the real line, or over
    the set given as third argument: the declared domain of ``v`` (a SymPy
    ``Interval``, ``FiniteSet`` or ``Union``), so that every step -- the
    parser's rewrites that use ``v``'s domain, the proofs and the exact
    evaluation -- reads the same range.

    >>> w, x = sp.symbols('w x', real=True)
    >>> ArgMin((w - x)**2, w).free_symbols == {x}
    True
    >>> ArgMin(w, w, sp.Interval.open(0, sp.oo)).range
    Interval.open(0, oo)
    """

    nargs = (2, 3)
    is_real = True

    @property
    def range(self) -> sp.Set:
        """The set ``v`` ranges over (``Reals`` when none is given)."""
        return self.args[2] if len(self.args) == 3 else sp.S.Reals

    @property
    def free_symbols(self):
        return self.args[0].free_symbols - {self.args[1]}

    @property
    def expr(self) -> sp.Expr:
        return self.args[0]

    @property
    def var(self) -> sp.Symbol:
        return self.args[1]

    def _latex(self, printer, exp=None):
        sub = printer._print(self.args[1])
        if len(self.args) == 3:
            sub += r" \in %s" % printer._print(self.args[2])
        body = r"\operatorname*{argmin}_{%s} %s" % (sub, printer._print(self.args[0]))
        return body if exp is None else r"\left(%s\right)^{%s}" % (body, exp)


class UniformDist(sp.Function):
    """The uniform distribution on ``[lo, hi]`` (a marker inside :class:`Corr`)."""

    nargs = 2

    def _latex(self, printer, exp=None):
        return r"\mathcal{U}\left(%s, %s\right)" % tuple(printer._print(a) for a in self.args)


class NormalDist(sp.Function):
    """The normal distribution with mean ``mu`` and standard deviation ``sigma``."""

    nargs = 2

    def _latex(self, printer, exp=None):
        return r"\mathcal{N}\left(%s, %s^{2}\right)" % tuple(printer._print(a) for a in self.args)


class Corr(sp.Function):
    """Pearson correlation of ``A`` and ``B`` when ``v`` follows ``dist``
    (unevaluated: :func:`pearson` found no closed form).

    >>> w = sp.Symbol('w', real=True)
    >>> Corr(sp.exp(w), w, w, NormalDist(0, 1)).free_symbols
    set()
    """

    nargs = 4
    is_real = True

    @property
    def free_symbols(self):
        a, b, v, dist = self.args
        return (a.free_symbols | b.free_symbols | dist.free_symbols) - {v}

    def _latex(self, printer, exp=None):
        a, b, v, dist = (printer._print(x) for x in self.args)
        body = r"\operatorname{corr}_{%s \sim %s}\left(%s, %s\right)" % (v, dist, a, b)
        return body if exp is None else r"\left(%s\right)^{%s}" % (body, exp)


# ---------------------------------------------------------------------------
# claim objects


@dataclass(frozen=True, eq=False)
class Claim:
    """What every claim has: its ``text``, its ``hypotheses`` (SymPy booleans:
    domains of its symbols, problem hypotheses, user assumptions,
    definedness conditions), its ``symbols`` (the universally quantified
    symbols, sorted by name) and ``domains`` (symbol → Domain, for
    sampling)."""

    text: str
    hypotheses: tuple
    symbols: tuple
    domains: tuple = ()
    #: steps taken while reading the claim (e.g. an exact correlation
    #: replaced by its closed form); each is re-checked with any verdict
    readings: tuple = ()

    def domain_of(self, sym):
        """The Domain of ``sym`` (``None`` if unknown)."""
        for s, d in self.domains:
            if s == sym:
                return d
        return None

    @property
    def kind(self) -> str:
        return type(self).__name__.lower()


@dataclass(frozen=True, eq=False)
class Pointwise(Claim):
    """A SymPy boolean that must hold at every admissible point."""

    formula: sp.Basic = sp.true

    def bound_terms(self) -> tuple:
        """The :class:`ArgMin` and :class:`Corr` terms of the formula."""
        return tuple(sorted(self.formula.atoms(ArgMin, Corr), key=sp.default_sort_key))


@dataclass(frozen=True, eq=False)
class Proportional(Claim):
    """``a = c·b`` for all ``var``, with ``c`` free of ``var`` (for each fixed
    value of the other symbols).  ``symbols`` excludes ``var``; the
    hypotheses may mention ``var`` and must hold at both values of a pair."""

    a: sp.Expr = sp.S.Zero
    b: sp.Expr = sp.S.Zero
    var: sp.Symbol | None = None


@dataclass(frozen=True, eq=False)
class Nondecreasing(Claim):
    """``b(v1) <= b(v2)`` implies ``a(v1) <= a(v2)`` for all v1, v2 of ``var``."""

    a: sp.Expr = sp.S.Zero
    b: sp.Expr = sp.S.Zero
    var: sp.Symbol | None = None


@dataclass(frozen=True)
class _Relation:
    """What the proportional/nondecreasing built-ins return before wrapping."""

    kind: str
    a: sp.Expr
    b: sp.Expr
    var: sp.Symbol


# ---------------------------------------------------------------------------
# exact correlation


def _expectation(expr: sp.Expr, v: sp.Symbol, dist: sp.Basic) -> sp.Expr | None:
    """E[expr] for v ~ dist when expr is a polynomial in v, else ``None``."""
    try:
        poly = sp.Poly(sp.expand(expr), v)
    except sp.PolynomialError:
        return None
    if any(v in c.free_symbols for c in poly.coeffs()):
        return None
    if isinstance(dist, UniformDist):
        lo, hi = dist.args
        total = sp.S.Zero
        for (n,), c in poly.terms():
            total += c * (hi ** (n + 1) - lo ** (n + 1)) / (n + 1)
        return sp.cancel(total / (hi - lo))
    if isinstance(dist, NormalDist):
        mu, sigma = dist.args
        z = sp.Dummy("z")
        shifted = sp.Poly(sp.expand(poly.as_expr().subs(v, mu + sigma * z)), z)
        total = sp.S.Zero
        for (n,), c in shifted.terms():
            if n % 2 == 0:
                total += c * (sp.factorial2(n - 1) if n else 1)
        return sp.expand(total)
    return None


def _integrated_mean(expr: sp.Expr, v: sp.Symbol, dist: sp.Basic) -> sp.Expr:
    """E[expr] for v ~ dist by integrating against the density (a route
    independent of the moment formulas of :func:`_expectation`)."""
    if isinstance(dist, UniformDist):
        lo, hi = dist.args
        return sp.integrate(sp.expand(expr), (v, lo, hi)) / (hi - lo)
    mu, sigma = dist.args
    density = sp.exp(-(v - mu) ** 2 / (2 * sigma ** 2)) / (sigma * sp.sqrt(2 * sp.pi))
    return sp.integrate(sp.expand(expr) * density, (v, -sp.oo, sp.oo), conds="none")


@dataclass(frozen=True)
class CorrClosedForm(Step):
    """corr(A, B; v ~ D) = cov/√(var_A·var_B): the Pearson correlation of two
    polynomials in v from the exact moments of D.  Checked by recomputing the
    covariance and both variances by integration against D's density."""

    a: sp.Expr
    b: sp.Expr
    var: sp.Symbol
    dist: sp.Basic
    cov: sp.Expr
    var_a: sp.Expr
    var_b: sp.Expr
    value: sp.Expr

    @property
    def fact(self) -> sp.Basic:
        return sp.Eq(Corr(self.a, self.b, self.var, self.dist), self.value, evaluate=False)

    def verify(self) -> None:
        v, d = self.var, self.dist
        mean = lambda e: _integrated_mean(e, v, d)  # noqa: E731
        ea, eb = mean(self.a), mean(self.b)
        checks = {
            "covariance": (mean(self.a * self.b) - ea * eb, self.cov),
            "variance of A": (mean(self.a ** 2) - ea ** 2, self.var_a),
            "variance of B": (mean(self.b ** 2) - eb ** 2, self.var_b),
        }
        for what, (integrated, stated) in checks.items():
            if sp.expand(sp.simplify(integrated) - stated) != 0:
                raise self.fail(f"{what}: integration gives {integrated}, not {stated}")
        expected = sp.S.Zero if self.cov == 0 else self.cov / sp.sqrt(self.var_a * self.var_b)
        if self.value != expected:
            raise self.fail(f"{self.value} is not cov/sqrt(var_A var_B) = {expected}")


def _closed_form_step(a, b, v, dist) -> "CorrClosedForm | None":
    ea, eb = _expectation(a, v, dist), _expectation(b, v, dist)
    eab = _expectation(a * b, v, dist)
    eaa, ebb = _expectation(a * a, v, dist), _expectation(b * b, v, dist)
    if None in (ea, eb, eab, eaa, ebb):
        return None
    cov = sp.factor(sp.expand(eab - ea * eb))
    va = sp.factor(sp.expand(eaa - ea ** 2))
    vb = sp.factor(sp.expand(ebb - eb ** 2))
    value = sp.S.Zero if cov == 0 else cov / sp.sqrt(va * vb)
    return CorrClosedForm(a, b, v, dist, cov, va, vb, value)


def pearson(a: sp.Expr, b: sp.Expr, v: sp.Symbol, dist: sp.Basic) -> sp.Expr:
    """The Pearson correlation of ``a`` and ``b`` for ``v ~ dist``: exact when
    both are polynomials in ``v``, else an unevaluated :class:`Corr`.

    >>> w = sp.Symbol('w', real=True)
    >>> pearson(w, 3*w + 1, w, UniformDist(0, 1))
    1
    >>> pearson(w**2, w, w, NormalDist(0, 1))
    0
    """
    step = _closed_form_step(a, b, v, dist)
    return Corr(a, b, v, dist) if step is None else step.value


# ---------------------------------------------------------------------------
# parsing


def _dist_text(dist) -> str:
    name = "uniform" if isinstance(dist, UniformDist) else "normal"
    return f"{name}({', '.join(map(str, dist.args))})"


def _syntax(message: str, text: str, column) -> SymlossSyntaxError:
    return SymlossSyntaxError(message, text, column)


class _Builder:
    """Per-parse state: the problem, the text (for error columns), the names
    the problem knows."""

    def __init__(self, problem, text: str, conditions: list | None = None, readings: list | None = None):
        self.problem = problem
        self.text = text
        self.conditions = conditions if conditions is not None else []
        self.readings = readings if readings is not None else []
        table = getattr(problem, "symbols", None)
        self.known = {n for n in (table or ()) if n not in RESERVED}
        for s in self._problem_symbols():
            self.known.add(s.name)

    def _problem_symbols(self):
        out = set()
        p = self.problem
        for attr in ("params", "variables"):
            for s in getattr(p, attr, ()) or ():
                if isinstance(s, sp.Symbol):
                    out.add(s)
        for attr in ("L", "yhat"):
            e = getattr(p, attr, None)
            if isinstance(e, sp.Basic):
                out |= {s for s in e.free_symbols if isinstance(s, sp.Symbol) and s.name not in RESERVED}
        return out

    def resolve(self, expr):
        """Replace the reserved names ``L``/``yhat`` by the problem's."""
        if not isinstance(expr, sp.Basic):
            return expr
        repl = {}
        names = _names(self.problem)
        for s in expr.free_symbols:
            if isinstance(s, sp.Symbol) and s.name in names:
                repl[s] = names[s.name]
        return expr.xreplace(repl) if repl else expr

    def expr_arg(self, fn: str, value, column, what: str = "an expression"):
        if isinstance(value, _Relation):
            raise _syntax(f"{fn}: {value.kind}(...) must be the whole claim, not {what}", self.text, column)
        if not isinstance(value, sp.Expr):
            raise _syntax(f"{fn}: expected {what}, got {value}", self.text, column)
        return self.resolve(value)

    def var_arg(self, fn: str, value, column) -> sp.Symbol:
        k = self._prediction(value)
        if k is not None:
            name = self._prediction_names()[k]
            raise _syntax(f"{fn}: cannot vary over {name}: the model gives it ({name} = {self._outputs()[k]}); "
                          f"vary over a parameter such as {self._a_parameter()}, or state the claim "
                          f"without a model (then {name} is a plain real variable)", self.text, column)
        if isinstance(value, sp.Symbol) and value.name == "yhat" and getattr(self.problem, "model", None) is None:
            return value  # without a model, yhat is a plain real variable
        if not isinstance(value, sp.Symbol):
            raise _syntax(f"{fn}: the variable must be a symbol of the problem, got {value}", self.text, column)
        if value.name in RESERVED:
            raise _syntax(f"{fn}: cannot differentiate or vary over {value.name}; use a symbol such as w", self.text, column)
        if value.name not in self.known:
            names = ", ".join(sorted(self.known)) or "none"
            raise _syntax(f"{fn}: {value.name} is not a symbol of the problem (symbols: {names})", self.text, column)
        return self.problem_symbol(value)

    def problem_symbol(self, sym: sp.Symbol) -> sp.Symbol:
        for s in self._problem_symbols():
            if s.name == sym.name:
                return s
        return sym

    # -- the prediction ŷ (d(L, yhat)) ------------------------------------
    def _outputs(self) -> tuple:
        model = getattr(self.problem, "model", None)
        if model is None:
            return ()
        return tuple(model) if isinstance(model, (tuple, list)) else (model,)

    def _prediction_symbols(self) -> tuple:
        yhat = getattr(self.problem, "yhat", None)
        if yhat is None:
            return ()
        return tuple(yhat) if isinstance(yhat, (tuple, list)) else (yhat,)

    def _prediction_names(self) -> tuple:
        return tuple(s.name for s in self._prediction_symbols())

    def _a_parameter(self) -> str:
        params = getattr(self.problem, "params", ()) or ()
        return str(params[0]) if params else "w"

    def _prediction(self, value) -> int | None:
        """Which prediction component ``value`` stands for when the problem
        has a model: ``yhat`` reaches a built-in already replaced by the
        model's output, ``yhat1``..``yhatK`` of a vector model as symbols.
        A symbol that is a parameter of the problem is the parameter."""
        outputs, names = self._outputs(), self._prediction_names()
        if not outputs or len(outputs) != len(names) or not isinstance(value, sp.Basic):
            return None
        if isinstance(value, sp.Symbol):
            if value.name in names:
                return names.index(value.name)
            if value.name in self.known:
                return None
        for k, out in enumerate(outputs):
            if value == out:
                return k
        return None

    def _d_prediction(self, e, k: int, order: int, column):
        """∂^order E/∂ŷ_k: ``E`` written in the prediction (``L`` is the loss
        ℓ(ŷ, y)), differentiated in ŷ_k, then the model substituted.  ``E`` is
        rewritten in ŷ and the rewrite re-checked by zero-equivalence; an
        ``E`` that still mentions the model's parameters or inputs is refused
        (its derivative in ŷ would depend on how the rest was read)."""
        from .derive import is_zero

        p = self.problem
        preds, outputs, names = self._prediction_symbols(), self._outputs(), self._prediction_names()
        loss_l, loss = getattr(p, "L", None), getattr(p, "loss", None)
        e_u = e.xreplace({loss_l: loss}) if isinstance(loss_l, sp.Basic) and isinstance(loss, sp.Basic) else e
        for out, u in zip(outputs, preds):
            e_u = e_u.xreplace({out: u})
            if not isinstance(out, sp.Symbol) and out.free_symbols & e_u.free_symbols:
                e_u = e_u.subs(out, u)  # a sum that SymPy merged into a larger one: yhat - y
        model_only = set().union(*(o.free_symbols for o in outputs)) - (
            loss.free_symbols if isinstance(loss, sp.Basic) else set())
        stray = sorted((s for s in e_u.free_symbols & model_only if s not in preds), key=str)
        back = e_u.xreplace(dict(zip(preds, outputs)))
        if stray or not (back == e or is_zero(back - e) is True):
            what = f"mentions {', '.join(map(str, stray))} besides the prediction" if stray else \
                "cannot be written in the prediction"
            raise _syntax(f"d(E, {names[k]}): E {what}; differentiate the loss in its prediction "
                          f"with d(L, {names[k]}) or d(L, {names[k]}, 2)", self.text, column)
        raw = derivative(e_u, preds[k], order)
        return _tidy(raw.xreplace(dict(zip(preds, outputs))), getattr(p, "labels", ()))

    # -- the built-ins -----------------------------------------------------
    def d(self, args, kwargs, column):
        if len(args) < 2:
            raise _syntax("d needs the variable: d(E, w) or d(E, w, k)", self.text, column)
        e = self.expr_arg("d", args[0], column)
        order = 1
        if len(args) == 3:
            k = args[2]
            if not (isinstance(k, sp.Integer) and k >= 0):
                raise _syntax(f"d: the order must be a nonnegative integer, got {k}", self.text, column)
            order = int(k)
        pred = self._prediction(args[1])
        if pred is not None:  # ∂/∂ŷ: the loss in its prediction argument, then the model substituted
            return self._d_prediction(e, pred, order, column)
        v = self.var_arg("d", args[1], column)
        if any(v in t.free_symbols for t in e.atoms(ArgMin, Corr)):
            from .claims_slope import differentiate

            try:
                return differentiate(e, v, order)
            except ValueError as exc:
                raise _syntax(f"d: {exc}", self.text, column) from None
        return _tidy(derivative(e, v, order), getattr(self.problem, "labels", ()))

    def argmin(self, args, kwargs, column):
        if len(args) < 2:
            raise _syntax("argmin needs the variable to minimise over: argmin(E, w)", self.text, column)
        e = self.expr_arg("argmin", args[0], column)
        v = self.var_arg("argmin", args[1], column)
        dom = _domain(self.problem, v)
        rng = domain_set(dom)
        return ArgMin(e, v) if rng == sp.S.Reals else ArgMin(e, v, rng)

    def at(self, args, kwargs, column):
        if not args:
            raise _syntax("at needs an expression: at(E, w=0)", self.text, column)
        e = self.expr_arg("at", args[0], column)
        pairs = []
        if len(args) == 3:
            pairs.append((args[1], args[2]))
        elif len(args) == 2:
            raise _syntax("at: write at(E, w=value) or at(E, w, value)", self.text, column)
        pairs += [(self.problem_symbol_by_name(k, column), v) for k, v in kwargs.items()]
        if not pairs:
            raise _syntax("at needs a substitution: at(E, w=0)", self.text, column)
        repl = self._at_mapping(pairs, column)
        for var, value in repl.items():
            self._value_inside(var, value, column)
        from .tactics import _replace  # the variable argmin/corr range over is not substituted

        return _replace(e, repl)

    def _at_mapping(self, pairs, column) -> dict:
        repl = {}
        for var, value in pairs:
            var = self.var_arg("at", var, column)
            value = self.expr_arg("at", value, column, "a value")
            if value.has(sp.oo, -sp.oo, sp.zoo, sp.nan):
                raise _syntax(f"at: {var} = {value} is not a real number (infinity is a limit, not a value)",
                              self.text, column)
            repl[var] = value
        return repl

    def at_scoped(self, args, kwargs, column, arg_conds, kw_conds):
        """``at`` with its conditions scoped: E's conditions hold at the point
        (``at(E, w=a)`` puts ``a`` into them, so they become conditions on
        ``a``) and never constrain the other occurrences of ``w``; the
        value's own conditions stay."""
        from .tactics import _replace

        value = self.at(args, kwargs, column)
        pairs = [(args[1], args[2])] if len(args) == 3 else []
        pairs += [(self.problem_symbol_by_name(k, column), v) for k, v in kwargs.items()]
        repl = self._at_mapping(pairs, column)
        out = []
        for c in arg_conds[0]:
            put = _replace(c, repl)
            if put is sp.false:
                point = ", ".join(f"{k} = {v}" for k, v in repl.items())
                raise _syntax(f"at: the expression is not defined at {point} (it needs {c})", self.text, column)
            out.append(put)
        for conds in arg_conds[1:] + list(kw_conds.values()):
            out += conds
        return value, out

    def argmin_scoped(self, args, kwargs, column, arg_conds, kw_conds):
        """``argmin(E, w)`` minimises over the ``w`` where E is defined as
        written: conditions on the bound ``w`` that SymPy's rewriting dropped
        from E (``sqrt(w)**2`` reads as ``w``) are put back into E as a
        Piecewise without otherwise-branch; they never constrain a free w."""
        value = self.argmin(args, kwargs, column)
        return self._bind(value, value.expr, value.var, arg_conds[0], lambda e: ArgMin(e, value.var)), \
            [c for conds in arg_conds[1:] for c in conds] + self._free_of(value.var, arg_conds[0])

    def corr_scoped(self, args, kwargs, column, arg_conds, kw_conds):
        """``corr(A, B, w, D)``: conditions on the bound ``w`` belong to the
        correlation (A and B must be defined for every w the distribution
        draws); none of them constrains a free w."""
        value = self.corr(args, kwargs, column)
        v = self.var_arg("corr", args[2], column)
        a, b = (self.expr_arg("corr", x, column) for x in args[:2])
        own = definedness_conditions(a) + definedness_conditions(b)
        missing = [c for conds in arg_conds[:2] for c in conds if v in c.free_symbols and c not in own]
        if missing:  # SymPy's rewriting hid them from the correlation's own checks
            raise _syntax(f"corr: the expressions are not defined for every value of {v} "
                          f"(they need {', '.join(map(str, missing))})", self.text, column)
        out = [c for conds in arg_conds for c in conds if v not in c.free_symbols]
        return value, out

    @staticmethod
    def _free_of(v, conds) -> list:
        return [c for c in conds if v not in c.free_symbols]

    @staticmethod
    def _bind(value, expr, v, conds, rebuild):
        """``value`` (a term binding ``v`` over ``expr``) with the recorded
        conditions on ``v`` that ``expr``'s own definedness misses put back
        into ``expr``."""
        own = definedness_conditions(expr)
        missing = [c for c in conds if v in c.free_symbols and c not in own]
        if not missing:
            return value
        return rebuild(sp.Piecewise((expr, sp.And(*missing))))

    def problem_symbol_by_name(self, name: str, column):
        if name not in self.known:
            names = ", ".join(sorted(self.known)) or "none"
            raise _syntax(f"at: {name} is not a symbol of the problem (symbols: {names})", self.text, column)
        for s in self._problem_symbols():
            if s.name == name:
                return s
        return self.problem.symbols.symbol(name)

    def _relation(self, kind, args, column):
        if len(args) != 3:
            raise _syntax(f"{kind} takes (A, B, v), got {len(args)} arguments", self.text, column)
        a = self.expr_arg(kind, args[0], column)
        b = self.expr_arg(kind, args[1], column)
        v = self.var_arg(kind, args[2], column)
        return _Relation(kind, a, b, v)

    def proportional(self, args, kwargs, column):
        return self._relation("proportional", args, column)

    def nondecreasing(self, args, kwargs, column):
        return self._relation("nondecreasing", args, column)

    def convex(self, args, kwargs, column):
        return self._shape("convex", args, column)

    def concave(self, args, kwargs, column):
        return self._shape("concave", args, column)

    def _shape(self, kind, args, column):  # the claim itself: symloss.convexity
        if len(args) != 2:
            raise _syntax(f"{kind} takes (E, v), got {len(args)} arguments", self.text, column)
        e = self.expr_arg(kind, args[0], column)
        return _Relation(kind, e, e, self.var_arg(kind, args[1], column))

    def corr(self, args, kwargs, column):
        if len(args) != 4:
            raise _syntax("corr takes (A, B, v, uniform(lo, hi)) or (A, B, v, normal(mu, sigma))", self.text, column)
        a = self.expr_arg("corr", args[0], column)
        b = self.expr_arg("corr", args[1], column)
        v = self.var_arg("corr", args[2], column)
        dist = args[3]
        if not isinstance(dist, (UniformDist, NormalDist)):
            raise _syntax(f"corr: the fourth argument must be uniform(lo, hi) or normal(mu, sigma), got {dist}", self.text, column)
        if v in dist.free_symbols:
            raise _syntax(f"corr: the distribution {_dist_text(dist)} of {v} mentions {v} itself; its parameters "
                          f"must not depend on the variable it draws", self.text, column)
        self._support_inside(v, dist, column)
        for side in (a, b):
            if v not in side.free_symbols:
                raise _syntax(f"corr: {side} does not vary with {v}, so it has variance 0 and the correlation "
                              f"does not exist", self.text, column)
        step = _closed_form_step(a, b, v, dist)
        if step is None:
            return Corr(a, b, v, dist)
        for side, var in ((a, step.var_a), (b, step.var_b)):
            if var == 0:
                raise _syntax(f"corr: {side} has variance 0 under {_dist_text(dist)}, so the correlation "
                              f"does not exist", self.text, column)
        # the correlation is defined only where both variances are positive
        # (a covariance of 0 does not make an undefined correlation 0)
        for var in (step.var_a, step.var_b):
            cond = build(sp.Gt, var, 0)
            if cond is not sp.true and cond not in self.conditions:
                self.conditions.append(cond)
        if step not in self.readings:
            self.readings.append(step)
        return step.value

    def _value_inside(self, v, value, column) -> None:
        """``at(E, v=value)`` needs ``value`` in the domain of ``v``
        (:func:`symloss.names.value_conditions`)."""
        try:
            conds = value_conditions(v, _domain(self.problem, v), value)
        except ValueError as exc:
            raise _syntax(f"at: {exc}", self.text, column) from None
        for cond in conds:
            self._parameter_condition(cond, f"at: {v} = {value} is outside the domain of {v}", column)

    def _support_inside(self, v, dist, column) -> None:
        """The support of ``dist`` must lie in the domain of ``v``
        (:func:`symloss.names.support_conditions`)."""
        name = "uniform" if isinstance(dist, UniformDist) else "normal"
        try:
            conds = support_conditions(v, _domain(self.problem, v), name, dist.args)
        except ValueError as exc:
            raise _syntax(f"corr: {exc}", self.text, column) from None
        for cond in conds:
            self._parameter_condition(cond, f"{_dist_text(dist)} is not inside the domain of {v}", column)

    def _parameter_condition(self, cond, what: str, column) -> None:
        """Record a distribution's validity condition (``lo < hi``,
        ``sigma > 0``) with the claim's definedness conditions; one that is
        false as written is a syntax error naming the distribution."""
        if cond is sp.false:
            raise _syntax(f"{what} is not a distribution", self.text, column)
        if cond is not sp.true and cond not in self.conditions:
            self.conditions.append(cond)

    def uniform(self, args, kwargs, column):
        if len(args) != 2:
            raise _syntax(f"uniform takes (lo, hi), got {len(args)} arguments", self.text, column)
        lo, hi = (self.expr_arg("uniform", a, column, "a number") for a in args)
        self._parameter_condition(build(sp.Lt, lo, hi), f"uniform({lo}, {hi}) (needs lo < hi)", column)
        return UniformDist(lo, hi)

    def normal(self, args, kwargs, column):
        if len(args) != 2:
            raise _syntax(f"normal takes (mu, sigma), got {len(args)} arguments", self.text, column)
        mu, sigma = (self.expr_arg("normal", a, column, "a number") for a in args)
        self._parameter_condition(build(sp.Gt, sigma, 0), f"normal({mu}, {sigma}) (needs sigma > 0)", column)
        return NormalDist(mu, sigma)

    def implies(self, args, kwargs, column):
        p, q = args
        for x in (p, q):
            if not isinstance(x, sp.Basic) or isinstance(x, sp.Expr):
                raise _syntax(f"implies: expected statements, got {x}", self.text, column)
        return connective("implies", self.resolve(p), self.resolve(q))


def claim_builtins(problem, text: str = "", conditions: list | None = None, readings: list | None = None) -> dict:
    """The parser built-ins of the claim language for ``problem`` (``text`` is
    only used for error columns; ``conditions``, when a list, receives the
    definedness conditions built-ins add, such as positive variances for an
    exact correlation)."""
    from .parser import ANY_KEYWORD, Builtin

    b = _Builder(problem, text, conditions, readings)
    names = frozenset({ANY_KEYWORD})
    spec = [
        ("d", b.d, (1, 3), frozenset(), "derivative: d(L, w), d(L, w, 2)", None),
        ("argmin", b.argmin, (1, 2), frozenset(), "unique minimiser: argmin(L, w)", b.argmin_scoped),
        ("at", b.at, (1, 3), names, "substitution: at(L, w=0)", b.at_scoped),
        ("proportional", b.proportional, (3, 3), frozenset(), "proportional(A, B, w)", None),
        ("nondecreasing", b.nondecreasing, (3, 3), frozenset(), "nondecreasing(A, B, w)", None),
        ("corr", b.corr, (4, 4), frozenset(), "corr(A, B, w, uniform(0, 1))", b.corr_scoped),
        ("convex", b.convex, (2, 2), frozenset(), "convexity along w: convex(L, w)", None),
        ("concave", b.concave, (2, 2), frozenset(), "concavity along w: concave(L, w)", None),
        ("uniform", b.uniform, (2, 2), frozenset(), "uniform(lo, hi)", None),
        ("normal", b.normal, (2, 2), frozenset(), "normal(mu, sigma)", None),
        ("implies", b.implies, (2, 2), frozenset(), "implies(p, q)", None),
    ]
    return {name: Builtin(name, call, arity=arity, keywords=kw, doc=doc, scope=scope)
            for name, call, arity, kw, doc, scope in spec}


def _table_copy(problem):
    table = getattr(problem, "symbols", None)
    if table is None:
        from .domains import SymbolTable

        return SymbolTable()
    return copy.deepcopy(table)


def _names(problem) -> dict:
    names = {}
    loss = getattr(problem, "L", None)
    if isinstance(loss, sp.Basic):
        names["L"] = loss
    model = getattr(problem, "model", None)
    if isinstance(model, sp.Basic):
        names["yhat"] = model
    elif isinstance(model, tuple):  # a vector model: yhat1, yhat2, ... are its outputs
        for k, out in enumerate(model, start=1):
            if isinstance(out, sp.Basic):
                names[f"yhat{k}"] = out
    return names


def _name_conditions(problem) -> dict:
    """Definedness conditions carried by the reserved names: ``L`` is defined
    where the loss and the model are, ``yhat`` where the model is."""
    out = {}
    loss = getattr(problem, "conditions", None)
    if loss:
        out["L"] = tuple(loss)
    if loss and isinstance(getattr(problem, "model", None), sp.Basic):
        # ŷ is meaningful where the problem is: the model's and the loss's
        # definedness (-(y*log(yhat) + …) says 0 < ŷ < 1)
        out["yhat"] = tuple(loss)
    return out


_CMP = {ast.Lt: sp.Lt, ast.LtE: sp.Le, ast.Gt: sp.Gt, ast.GtE: sp.Ge, ast.Eq: sp.Eq, ast.NotEq: sp.Ne}


class _Structured:
    """Parse the logical skeleton of a claim (and/or/not, implies,
    comparisons) ourselves, so that comparisons stay *unevaluated*: SymPy
    would otherwise decide ``x**2 >= 0`` or ``a == a`` while parsing, and a
    claim must never be proved by an unchecked evaluation.  Every leaf (each
    side of a comparison, every other sub-expression) goes to the safe
    parser; errors keep columns of the whole text."""

    def __init__(self, problem, text: str, builtins):
        from .parser import parse

        self.parse = parse
        self.text = text
        self.table = _table_copy(problem)
        self.names = _names(problem)
        self.name_conditions = _name_conditions(problem)
        self.builtins = builtins
        self.conditions: list = []  # definedness of every sub-expression, recorded before evaluation

    def leaf(self, start: int, end: int):
        sub = self.text[start:end]
        try:
            return self.parse(sub, self.table, builtins=self.builtins, names=self.names,
                              conditions=self.conditions, name_conditions=self.name_conditions,
                              infinity=False)
        except SymlossSyntaxError as exc:
            col = None if exc.column is None else exc.column + start
            raise SymlossSyntaxError(exc.message, self.text, col) from None

    def run(self):
        text = self.text
        if "\n" in text or not text.strip():
            return self.leaf(0, len(text))
        from .parser import LIMITS

        if len(text) > LIMITS.max_length or _bracket_depth(text) > LIMITS.max_depth:
            return self.leaf(0, len(text))  # the safe parser refuses it with its message
        src = re.sub(r"\blambda\b", "_lmbda", text)
        offset = len(src) - len(src.lstrip())
        try:
            tree = ast.parse(src.lstrip(), mode="eval").body
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return self.leaf(0, len(text))
        try:
            return self.walk(tree, offset)
        except RecursionError:
            raise SymlossSyntaxError("claim nested too deeply", self.text, None) from None

    def span(self, node, offset):
        return node.col_offset + offset, node.end_col_offset + offset

    def boolean(self, value, node, offset):
        if isinstance(value, sp.Basic) and not isinstance(value, sp.Expr):
            return value
        if isinstance(value, _Relation):
            raise SymlossSyntaxError(f"{value.kind}(...) must be the whole claim", self.text, node.col_offset + offset + 1)
        raise SymlossSyntaxError(f"expected a statement, got {value}", self.text, node.col_offset + offset + 1)

    def walk(self, node, offset):
        if isinstance(node, ast.BoolOp):
            parts = [self.boolean(self.walk(v, offset), v, offset) for v in node.values]
            return connective("and" if isinstance(node.op, ast.And) else "or", *parts)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return connective("not", self.boolean(self.walk(node.operand, offset), node.operand, offset))
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "implies"
                and len(node.args) == 2 and not node.keywords):
            p, q = (self.boolean(self.walk(a, offset), a, offset) for a in node.args)
            return connective("implies", p, q)
        if isinstance(node, ast.Compare) and all(type(op) in _CMP for op in node.ops):
            sides = [node.left, *node.comparators]
            values = []
            for s in sides:
                v = self.leaf(*self.span(s, offset))
                if not isinstance(v, sp.Expr):
                    kind = v.kind if isinstance(v, _Relation) else "a statement"
                    raise SymlossSyntaxError(f"comparisons need expressions on both sides, got {kind}", self.text,
                                             s.col_offset + offset + 1)
                values.append(v)
            rels = [_CMP[type(op)](a, b, evaluate=False) for op, a, b in zip(node.ops, values, values[1:])]
            return rels[0] if len(rels) == 1 else sp.And(*rels, evaluate=False)
        return self.leaf(*self.span(node, offset))


_TIDY_MAX_OPS = 400


def _tidy(raw: sp.Expr, labels=()) -> sp.Expr:
    """The readable form of a derivative (σ recognised, factors collected)
    when zero-equivalence confirms it equals ``raw``; otherwise ``raw``.
    The claim is then stated about an expression provably equal to the
    derivative, and proofs and write-ups read like the textbook."""
    from .derive import is_zero, readable

    if sp.count_ops(raw) > _TIDY_MAX_OPS:  # rewriting huge derivatives costs minutes
        return raw
    try:
        nice = readable(raw, labels)
    except Exception:  # a rewrite that fails leaves the derivative as it is
        return raw
    if nice == raw or is_zero(nice - raw) is not True:
        return raw
    return nice


def _bracket_depth(text: str) -> int:
    depth = deepest = 0
    for ch in text:
        if ch in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in ")]}":
            depth -= 1
    return deepest


def _parse(problem, text: str, builtins, conditions: list | None = None) -> Any:
    check_leibniz(problem, text)
    st = _Structured(problem, text, builtins)
    before = set(st.table)
    value = st.run()
    created = [n for n in st.table if n not in before and not st.table.is_indexed(n)
               and st.table.domain(n).kind != "integer"]  # summation indices and bounds are bound names
    exprs = [value.a, value.b, value.var] if isinstance(value, _Relation) else [value]
    check_names(problem, text, exprs, created)
    if conditions is not None:
        conditions.extend(c for c in st.conditions if c not in conditions)
    return value


def _domain(problem, sym):
    try:
        return problem.domain(sym)
    except Exception:  # a symbol the problem does not know: real
        from .domains import parse_domain

        return parse_domain("real")


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
            value = b.resolve(_parse(problem, a, claim_builtins(problem, a, side), side))
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
    value = _parse(problem, text, claim_builtins(problem, text, written, readings), written)
    if isinstance(value, _Relation):
        a, b, v = value.a, value.b, value.var
        free = (a.free_symbols | b.free_symbols) - {v}
        hyps, syms, doms = _collect(problem, [a, b], assume, set(), written)
        syms = tuple(s for s in syms if s != v)
        doms = tuple((s, d) for s, d in doms if s != v) + ((v, _domain(problem, v)),)
        if value.kind in ("convex", "concave"):
            from .convexity import ConvexClaim

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
