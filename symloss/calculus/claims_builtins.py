"""The built-ins of the claim language (``d``, ``argmin``, ``at``, the
relations, ``corr`` and its distributions, ``implies``), with the scoping
rules of proofs/README.md, "Names and scoping": ``L``/``yhat`` are the
problem's, a bound variable ranges over its declared domain, conditions on
a bound variable stay with its term."""

from __future__ import annotations

import copy

import sympy as sp

from .claims_corr import _closed_form_step
from .claims_logic import connective  # and/or/not/implies over statements about minimisers
from .claims_terms import RESERVED, ArgMin, Corr, NormalDist, UniformDist, _Relation
from ..errors import SymlossSyntaxError
from ..language.functions import definedness_conditions, derivative
from ..language.kernel import build  # comparisons of closed numbers are the kernel's
from ..language.names import domain_set, support_conditions, value_conditions

__all__ = ["claim_builtins"]

def _dist_text(dist) -> str:
    name = "uniform" if isinstance(dist, UniformDist) else "normal"
    return f"{name}({', '.join(map(str, dist.args))})"


def _syntax(message: str, text: str, column) -> SymlossSyntaxError:
    return SymlossSyntaxError(message, text, column)


class _Builder:
    """Per-parse state: the problem, the text (for error columns), the names
    the problem knows."""

    def __init__(self, problem, text: str, conditions: list | None = None, readings: list | None = None,
                 terms: list | None = None):
        self.problem = problem
        self.text = text
        self.conditions = conditions if conditions is not None else []
        self.readings = readings if readings is not None else []
        self.terms = terms if terms is not None else []  # argmin terms built, in order
        self._at_marks: list = []  # len(self.terms) as each at(...) call started
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
        if isinstance(value, sp.Indexed) and value in tuple(getattr(self.problem, "params", ()) or ()):
            return value  # an indexed parameter w[i]: claims about it are decided by symloss.engine.indexed
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
        out = derivative(e, v, order)
        if isinstance(v, sp.Indexed):  # Σ_j δ_ij f(j) = f(i): the index i lies in 1..n (a hypothesis)
            from .derive import collapse_kronecker

            out = collapse_kronecker(out)
        return _tidy(out, getattr(self.problem, "labels", ()))

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
        from .binding import BindingLeak, _replace  # the variable argmin/corr range over is not substituted

        try:
            return _replace(e, repl)
        except BindingLeak as exc:
            raise _syntax(f"at: {exc}", self.text, column) from None

    def _at_mapping(self, pairs, column) -> dict:
        repl = {}
        for var, value in pairs:
            var = self.var_arg("at", var, column)
            value = self.expr_arg("at", value, column, "a value")
            # an argmin/corr term carries its range (Interval(0, oo)) as an argument: not a value
            bare = value.replace(lambda t: isinstance(t, (ArgMin, Corr)), lambda t: sp.Dummy()) \
                if value.has(ArgMin, Corr) else value
            if bare.has(sp.oo, -sp.oo, sp.zoo, sp.nan):
                raise _syntax(f"at: {var} = {value} is not a real number (infinity is a limit, not a value)",
                              self.text, column)
            repl[var] = value
        return repl

    def at_enter(self) -> None:
        """Mark where the minimiser terms built inside this ``at(...)`` start."""
        self._at_marks.append(len(self.terms))

    def at_scoped(self, args, kwargs, column, arg_conds, kw_conds):
        """``at`` with its conditions scoped: E's conditions hold at the point
        (``at(E, w=a)`` puts ``a`` into them, so they become conditions on
        ``a``) and never constrain the other occurrences of ``w``; the
        value's own conditions stay."""
        from .binding import _replace

        mark = self._at_marks.pop() if self._at_marks else len(self.terms)
        value = self.at(args, kwargs, column)
        pairs = [(args[1], args[2])] if len(args) == 3 else []
        pairs += [(self.problem_symbol_by_name(k, column), v) for k, v in kwargs.items()]
        repl = self._at_mapping(pairs, column)
        # a minimiser built inside at(E, x=a) is the minimiser at x = a: its existence is asserted there,
        # not at the free x (the terms of the substituted value itself stay as built)
        from_values = set().union(*(v.atoms(ArgMin) for v in repl.values()))
        for i in range(mark, len(self.terms)):
            if self.terms[i] not in from_values:
                self.terms[i] = _replace(self.terms[i], repl)
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
        # the rebuilt term keeps the range: the declared domain of the bound variable
        bound = self._bind(value, value.expr, value.var, arg_conds[0], lambda e: ArgMin(e, *value.args[1:]))
        self.terms.append(bound)  # a comparison that cancels it still asserts that it exists
        return bound, [c for conds in arg_conds[1:] for c in conds] + self._free_of(value.var, arg_conds[0])

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

    def _shape(self, kind, args, column):  # the claim itself: symloss.engine.convexity
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
        indexed = isinstance(v, sp.Indexed)  # w[i]: it also varies inside the sum over its family
        for side in (a, b):
            if v not in side.free_symbols and not (indexed and v.base.label in side.free_symbols):
                raise _syntax(f"corr: {side} does not vary with {v}, so it has variance 0 and the correlation "
                              f"does not exist", self.text, column)
        if indexed:  # no closed form here (a sum would pass for a constant): decided by the scalar reduction
            return Corr(a, b, v, dist)
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
        (:func:`symloss.language.names.value_conditions`).  A minimiser
        lies in the range it is taken over, so ``argmin(E, w)`` over a range
        inside the domain of ``v`` needs no condition (where it is missing,
        the claim is read by the missing-minimiser rule)."""
        if isinstance(value, ArgMin):
            rng = value.args[2] if len(value.args) > 2 else sp.S.Reals
            target = domain_set(_domain(self.problem, v))
            if target is not None and rng.is_subset(target) is True:
                return
        try:
            conds = value_conditions(v, _domain(self.problem, v), value)
        except ValueError as exc:
            raise _syntax(f"at: {exc}", self.text, column) from None
        for cond in conds:
            self._parameter_condition(cond, f"at: {v} = {value} is outside the domain of {v}", column)

    def _support_inside(self, v, dist, column) -> None:
        """The support of ``dist`` must lie in the domain of ``v``
        (:func:`symloss.language.names.support_conditions`)."""
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


def claim_builtins(problem, text: str = "", conditions: list | None = None, readings: list | None = None,
                   terms: list | None = None) -> dict:
    """The parser built-ins of the claim language for ``problem`` (``text`` is
    only used for error columns; ``conditions``, when a list, receives the
    definedness conditions built-ins add, such as positive variances for an
    exact correlation)."""
    from ..language.parser import ANY_KEYWORD, Builtin

    b = _Builder(problem, text, conditions, readings, terms)
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
    enter = {"at": b.at_enter}
    return {name: Builtin(name, call, arity=arity, keywords=kw, doc=doc, scope=scope, enter=enter.get(name))
            for name, call, arity, kw, doc, scope in spec}


def _table_copy(problem):
    table = getattr(problem, "symbols", None)
    if table is None:
        from ..language.domains import SymbolTable

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
    elif isinstance(model, tuple):  # a vector model: yhat1, yhat2, ... are its outputs (yhat_k for a batch)
        preds = getattr(problem, "yhat", None)
        preds = preds if isinstance(preds, tuple) and len(preds) == len(model) else ()
        for k, out in enumerate(model, start=1):
            if isinstance(out, sp.Basic):
                names[preds[k - 1].name if preds else f"yhat{k}"] = out
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



def _domain(problem, sym):
    try:
        return problem.domain(sym)
    except Exception:  # a symbol the problem does not know: real
        from ..language.domains import parse_domain

        return parse_domain("real")
