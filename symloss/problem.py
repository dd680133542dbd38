"""``problem(...)`` → :class:`Problem`: one model/loss pair with its symbols.

A problem owns one :class:`~symloss.language.domains.SymbolTable`; every expression of
the problem (model, loss, L, gradients, parsed claims) uses its symbols.

Default parameters (when ``params`` is not given):

* a catalogue model: the parameters listed in the catalogue;
* an expression model: its free symbols except inputs, labels and
  hyper-parameters;
* no model: the free symbols of the loss except ``yhat``, inputs, labels and
  hyper-parameters.

Inputs are ``x``, names ``x_…`` or ``x<digits>`` and the indexed family ``x``;
labels are ``y``, ``y_…`` and ``y<digits>``; hyper-parameters are those of the
catalogue loss plus the names given in ``hyper``.  An indexed parameter family
``w`` (as in ``Sum(w[j]*x[j], (j, 1, n))``) is represented by ``w[i]`` with
the hypothesis ``1 <= i <= n``.

>>> p = problem('logistic', 'bce')
>>> p.grad('w')
x*(-y + sigmoid(b + w*x))
>>> p.params
(w, b)
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Iterable, Mapping

import sympy as sp

from .calculus.catalogue import is_input_name, is_label_name  # noqa: F401 - re-exported
from .calculus.catalogue import CATALOGUE, Catalogue, LossSpec, ModelSpec
from .calculus.derive import Derivation, derive, readable
from .language.domains import Domain, SymbolTable
from .errors import InvalidArgument
from .language.functions import derivative
from .language.kernel import substitute  # values put in are built by the trusted kernel

__all__ = ["Problem", "problem", "is_input_name", "is_label_name"]

def _name(s) -> str:
    if isinstance(s, sp.Indexed):
        return str(s.base)
    return getattr(s, "name", str(s))


def _parse(text: str, table: SymbolTable, conditions: list | None = None) -> sp.Basic:
    from .language.parser import parse  # imported here: the parser module is optional at import time

    return parse(text, table, conditions=conditions, infinity=False)


def _defined(exprs, written=()) -> tuple:
    """The definedness conditions of ``exprs``: those recorded while their
    text was read (before SymPy's rewrites) and those of the built
    expressions, without repeats."""
    from .language.functions import definedness_conditions

    out: list = []
    for c in list(written) + [c for e in exprs for c in definedness_conditions(e)]:
        if c is not sp.true and c not in out and not _always(c):
            out.append(c)
    return tuple(out)


def _always(cond) -> bool:
    """A condition ``e > 0`` (``>= 0``, ``!= 0``) the sign engine proves
    for every value of its symbols (``1 - σ(u) > 0``): no hypothesis needed."""
    from .errors import ProofCheckError
    from .calculus.proof import Sign, check_proof
    from .engine.signs import prove_sign

    goal = {sp.StrictGreaterThan: Sign.POSITIVE, sp.GreaterThan: Sign.NONNEGATIVE,
            sp.Unequality: Sign.NONZERO}.get(type(cond))
    if goal is None or not isinstance(cond.rhs, sp.Expr) or cond.rhs != 0:
        return False
    r = prove_sign(cond.lhs, goal)
    if r is None:
        return False
    try:
        check_proof(r.step)  # re-checked, like every proof
    except ProofCheckError:
        return False
    return True


def _rebind(expr: sp.Basic, table: SymbolTable) -> sp.Basic:
    """Replace the catalogue's plain symbols by the table's symbols (by name)."""
    mapping: dict = {}
    labels = set()
    for base in expr.atoms(sp.IndexedBase):
        mapping[base] = table.indexed(str(base.label))
        labels.add(base.label)
    for s in expr.atoms(sp.Symbol):
        if s in labels or s in mapping:
            continue
        if s.is_integer:
            mapping[s] = table.bound(s.name) if s.is_positive else table.index(s.name)
        else:
            mapping[s] = table.symbol(s.name)
    return expr.xreplace(mapping)


def _exact_value(name: str, value) -> sp.Expr:
    if isinstance(value, bool):
        raise InvalidArgument(f"hyper-parameter {name} must be a number, got {value!r}")
    if isinstance(value, int):
        return sp.Integer(value)
    if isinstance(value, Fraction):
        return sp.Rational(value.numerator, value.denominator)
    if isinstance(value, float):
        return sp.Rational(str(value))
    if isinstance(value, sp.Expr) and value.is_number:
        return value
    raise InvalidArgument(f"hyper-parameter {name} must be a number or a domain string, got {value!r}")


@dataclass(frozen=True, eq=False)
class Problem:
    """A model/loss pair: symbols, L, gradients, claims.

    Build it with :func:`problem`.  ``model`` is the prediction (a tuple for
    vector models, ``None`` without a model), ``loss`` the loss in ``yhat``,
    ``L`` the loss with ``yhat`` replaced by the model.  Gradients and
    derivations are cached per instance.
    """

    symbols: SymbolTable
    model: object
    loss: sp.Expr
    yhat: object
    L: sp.Expr
    params: tuple
    labels: tuple = ()
    inputs: tuple = ()
    hyper: tuple = ()
    assumptions: tuple = ()
    requirements: tuple = ()
    #: where L is defined (the model's and the loss's definedness, as
    #: written); a hypothesis of every claim that mentions L or ŷ
    conditions: tuple = ()
    #: where the model ŷ is defined
    model_conditions: tuple = ()
    model_spec: ModelSpec | None = None
    loss_spec: LossSpec | None = None
    #: the batch size of an empirical risk (an int >= 2, or the symbol of a
    #: symbolic batch size) and the single-sample problem it averages; None
    #: for one sample (see symloss.calculus.dataset)
    samples: object = None
    sample: "Problem | None" = None
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    # -- symbols --------------------------------------------------------------
    @property
    def variables(self) -> tuple:
        """All free symbols of L and the parameters, sorted (entries of an
        indexed family only as the parameter ``w[i]``).

        >>> problem('logistic', 'bce').variables
        (b, w, x, y)
        """
        out = set(self.L.free_symbols) | set(self.params)
        out = {s for s in out if not isinstance(s, sp.IndexedBase)}
        out = {s for s in out if not isinstance(s, sp.Indexed) or s in self.params}
        for f in list(out):
            if isinstance(f, sp.Indexed):
                out.discard(f.base.label)
        return tuple(sorted(out, key=sp.default_sort_key))

    def domain(self, sym) -> Domain:
        """The domain of a symbol (or name) of this problem.

        >>> problem('linear', 'hinge').domain('y').text
        '{-1, 1}'
        """
        return self.symbols.domain(sym)

    def parse(self, text: str) -> sp.Basic:
        """Parse ``text`` with this problem's symbols.

        >>> p = problem('linear', 'squared')
        >>> p.parse('w + 1').free_symbols == {p.params[0]}
        True
        """
        if not isinstance(text, str):
            raise InvalidArgument(f"expected expression text, got {text!r}")
        return _parse(text, self.symbols)

    def hypotheses(self) -> list:
        """Domain conditions of the variables, requirements on ŷ that the model
        does not guarantee, label constraints, index ranges and user
        assumptions, as SymPy booleans.

        >>> problem('relu_neuron', 'poisson_nll_identity').hypotheses()
        [0 <= y, relu(b + w*x) > 0]
        """
        out = list(self.symbols.hypotheses([v for v in self.variables if not isinstance(v, sp.Indexed)]))
        for extra in (*self.requirements, *self.assumptions):
            if extra is not sp.true and extra not in out:
                out.append(extra)
        return out

    def _param(self, param) -> sp.Expr:
        if isinstance(param, str):
            for p in self.params:
                if str(p) == param or _name(p) == param:
                    return p
            raise InvalidArgument(
                f"unknown parameter {param!r}; the parameters are {', '.join(map(str, self.params))}"
            )
        if param in self.params:
            return param
        if isinstance(param, (sp.Symbol, sp.Indexed)):
            return param
        raise InvalidArgument(f"not a parameter: {param!r}")

    # -- calculus -------------------------------------------------------------
    def derivation(self, param) -> Derivation:
        """The re-checkable derivation of ∂L/∂param (cached).

        >>> d = problem('logistic', 'bce').derivation('w')
        >>> [type(s).__name__ for s in d.steps], d.verify()
        (['ChainRule', 'Rewrite'], None)
        """
        p = self._param(param)
        key = ("derivation", p)
        if key not in self._cache:
            if self.model is None:
                d = derive(self.loss, p, labels=self.labels)
            else:
                d = derive(self.loss, p, yhat=self.yhat, model=self.model, labels=self.labels)
            self._cache[key] = d
        return self._cache[key]

    def grad(self, param) -> sp.Expr:
        """∂L/∂param in readable canonical form (cached).

        >>> problem('poisson', 'poisson_nll_identity').grad('b')
        -y + exp(b + w*x)
        """
        return self.derivation(param).result

    def gradient(self) -> tuple:
        """All partial derivatives, in the order of :attr:`params`.

        >>> problem('deep_linear', 'squared').gradient()
        (v*x*(v*w*x - y), w*x*(v*w*x - y))
        """
        return tuple(self.grad(p) for p in self.params)

    def hessian(self) -> sp.Matrix:
        """The matrix of second derivatives ∂²L/∂θ_r∂θ_c (cached).

        For an indexed family ``w[i]`` the column parameter is ``w[k]`` (a
        second index), so the entry is the generic ∂²L/∂w_i∂w_k; the matrix
        is then symmetric up to swapping ``i`` and ``k``.

        >>> problem('linear', 'squared').hessian()
        Matrix([
        [x**2, x],
        [   x, 1]])
        >>> problem('linear_n', 'squared').hessian()
        Matrix([
        [x[i]*x[k], x[i]],
        [     x[k],    1]])
        """
        if "hessian" not in self._cache:
            k = self.symbols.index("k")
            cols = [p.base[k] if isinstance(p, sp.Indexed) else p for p in self.params]
            rows = [[readable(derivative(self.grad(p), c), self.labels) for c in cols] for p in self.params]
            self._cache["hessian"] = sp.Matrix(rows)
        return self._cache["hessian"]

    def check(self, claim_text: str, assume=(), timeout: float = 10.0, *, hard: bool = True):
        """Decide a claim about this problem within ``timeout`` seconds.

        With ``hard`` (the default) parsing and deciding run in a worker
        process that is killed at the deadline — SymPy cannot be interrupted
        from inside, and even reading a claim differentiates — giving an
        ``unknown`` result with method ``"timeout"``.  Syntax errors are
        raised as :class:`~symloss.errors.SymlossSyntaxError`.  See
        :mod:`symloss.decide`.

        >>> problem('linear', 'squared').check('d(L, w, 2) >= 0').verdict
        'proved'
        """
        from .decide import check_claim

        if not hard:
            return check_claim(self, claim_text, assume=assume, timeout=timeout)
        from .errors import WorkerTimeout
        from .runner import call_with_timeout
        from .engine.verdict import Evidence, Result

        import dataclasses
        import time

        start = time.monotonic()
        try:
            # the worker's cooperative deadline comes first; the kill is the backstop
            result = call_with_timeout(_check_worker, self, claim_text, tuple(assume), timeout,
                                       timeout=timeout + 2.0)
        except WorkerTimeout:
            return Result("unknown", claim_text, reason=f"time limit of {timeout:g} s reached (worker killed)",
                          method="timeout", evidence=Evidence(), seconds=time.monotonic() - start)
        # the wall time the caller waited (worker start and reading the claim included)
        return dataclasses.replace(result, seconds=time.monotonic() - start)

    def relation(self, param, *, timeout: float = 10.0, hard: bool = True):
        """∂L/∂param (or |∂L/∂param|) as a function of the loss value, with a
        re-checked proof, or two parameter values of equal loss and
        different gradient magnitude showing that none exists
        (see :mod:`symloss.engine.relate`).  Like :meth:`check`, it runs in a
        worker killed after ``timeout`` seconds when ``hard``.
        """
        from functools import partial

        from .engine.relate import LOSS_SYMBOL, Relation, relation

        if not hard:
            return relation(self, param, timeout=timeout)
        from .errors import WorkerTimeout
        from .runner import call_with_timeout

        try:
            return call_with_timeout(partial(relation, timeout=timeout), self, param, timeout=timeout + 2.0)
        except WorkerTimeout:
            p = self._param(param)
            return Relation(p, self.grad(p), self.L, LOSS_SYMBOL, "unknown",
                            reason=f"time limit of {timeout:g} s reached (worker killed)")

    # -- display ------------------------------------------------------------------
    def _describe(self, spec, expr) -> str:
        from .render.pretty import one_line

        if spec is not None:
            return spec.name
        return one_line(expr)

    def __repr__(self) -> str:
        model = "None" if self.model is None else self._describe(self.model_spec, self.model)
        loss = self._describe(self.loss_spec, self.loss)
        from .render.pretty import one_line

        params = ", ".join(one_line(p) for p in self.params)
        return f"Problem(model={model}, loss={loss}, params=({params}), L={one_line(self.L)})"

    def _repr_latex_(self) -> str:
        from .render.writeup_notebook import problem_repr_latex

        return problem_repr_latex(self)


# ---------------------------------------------------------------------------
# construction
# ---------------------------------------------------------------------------


def _looks_like_typo(text: str, names) -> bool:
    key = text.strip().lower()
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", key):
        return False
    return bool(difflib.get_close_matches(key, names, n=1, cutoff=0.75))


def _vars_mapping(vars) -> dict:
    if vars is None:
        return {}
    if isinstance(vars, Mapping):
        return dict(vars)
    out = {}
    for item in vars:
        if not isinstance(item, str) or "=" not in item:
            raise InvalidArgument(f"variable declaration must look like NAME=DOMAIN, got {item!r}")
        name, dom = (part.strip() for part in item.split("=", 1))
        if name in out and out[name] != dom:
            raise InvalidArgument(f"variable {name!r} declared twice: {out[name]} and {dom}")
        out[name] = dom
    return out


def problem(
    model=None,
    loss=None,
    *,
    params: Iterable[str] | None = None,
    vars=None,
    assume=(),
    hyper=None,
    catalogue: Catalogue = CATALOGUE,
    samples=None,
) -> Problem:
    """Build a :class:`Problem` from catalogue names or expression text.

    ``model``/``loss``: a catalogue name or an expression string (the loss in
    ``yhat``, ``y``, …; without a model the loss is written in the parameters
    directly).  ``vars``: domains, a mapping ``name -> domain`` or strings
    ``"name=domain"`` (these override catalogue domains).  ``assume``:
    assumption strings.  ``hyper``: hyper-parameter names, or a mapping
    ``name -> value`` (a number fixes the value exactly) or ``name -> domain``
    (a string).  ``samples``: the empirical risk over that many samples (an
    int, or a name such as ``"n"`` for a symbolic batch size; see
    :mod:`symloss.calculus.dataset`).

    >>> problem('linear', 'squared').grad('b')
    b + w*x - y
    >>> problem('linear', 'squared', params=['q'])
    Traceback (most recent call last):
    ...
    symloss.errors.InvalidArgument: unknown parameter 'q': the model's parameters are w, b
    """
    if loss is None:
        raise InvalidArgument("problem() needs a loss (a catalogue name or an expression)")
    if samples is not None:
        from .calculus.dataset import batch_problem

        return batch_problem(samples, lambda: problem(model, loss, params=params, vars=vars, hyper=hyper,
                                                      catalogue=catalogue), _defined, assume)
    table = SymbolTable()
    user_domains = _vars_mapping(vars)
    for name, dom in user_domains.items():
        table.declare(name, dom)

    mspec = catalogue.model(model) if isinstance(model, str) and catalogue.has_model(model) else None
    lspec = catalogue.loss(loss) if isinstance(loss, str) and catalogue.has_loss(loss) else None
    # a bare name close to a catalogue name is a typo, not a one-symbol expression
    if isinstance(model, str) and mspec is None and _looks_like_typo(model, [m.name for m in catalogue.models]):
        catalogue.model(model)  # raises with a did-you-mean
    if isinstance(loss, str) and lspec is None and _looks_like_typo(loss, [l.name for l in catalogue.losses]):
        catalogue.loss(loss)

    requirements_text: tuple = ()
    if mspec is not None and lspec is not None:
        comp = catalogue.compatible(mspec, lspec)
        if not comp.ok:
            raise InvalidArgument(f"model {mspec.name!r} and loss {lspec.name!r} do not fit: {comp.reason}")
        requirements_text = comp.requirements

    for spec in (mspec, lspec):
        for name, dom in (spec.domains.items() if spec is not None else ()):
            if name not in user_domains:
                table.declare(name, dom)

    # hyper-parameters
    hyper_values: dict = {}
    hyper_names = list(lspec.hyper) if lspec else []
    if isinstance(hyper, Mapping):
        for name, val in hyper.items():
            if isinstance(val, str):
                if name not in user_domains:
                    if lspec and name in lspec.domains:
                        raise InvalidArgument(
                            f"hyper-parameter {name!r} already has domain {lspec.domains[name]}; use vars= to override"
                        )
                    table.declare(name, val)
            else:
                hyper_values[name] = _exact_value(name, val)
            hyper_names.append(name)
    elif hyper is not None:
        hyper_names.extend(hyper)

    # model (definedness conditions of text are recorded as written)
    model_written: list = []
    loss_written: list = []
    if model is None:
        model_out, yhat = None, None
    elif mspec is not None:
        model_out = tuple(_rebind(e, table) for e in mspec.outputs)
    elif isinstance(model, str):
        model_out = (_parse(model, table, model_written),)
    else:
        raise InvalidArgument(f"model must be a catalogue name or expression text, got {model!r}")

    # loss
    if lspec is not None:
        loss_expr = _rebind(lspec.formula, table)
        constraints = [_rebind(c, table) for c in lspec.constraints]
        arity = lspec.arity
    elif isinstance(loss, str):
        loss_expr = _parse(loss, table, loss_written)
        constraints = []
        arity = 1 if model_out is None else len(model_out)
    else:
        raise InvalidArgument(f"loss must be a catalogue name or expression text, got {loss!r}")

    if model_out is not None:
        if len(model_out) != arity:
            raise InvalidArgument(f"the loss takes {arity} prediction(s) but the model has {len(model_out)}")
        yhat = (table.symbol("yhat"),) if arity == 1 else tuple(
            table.symbol(f"yhat{k}") for k in range(1, arity + 1)
        )
        missing = [y for y in yhat if y not in loss_expr.free_symbols]
        if missing and lspec is None:
            raise InvalidArgument(
                f"the loss {loss!r} does not mention {', '.join(map(str, missing))}; write it in terms of the prediction"
            )
    if hyper_values:
        mentioned = {s.name for s in loss_expr.free_symbols | set().union(*(m.free_symbols for m in model_out or ()))}
        for k in hyper_values:
            if k not in mentioned:
                raise InvalidArgument(f"hyper-parameter {k!r} does not occur in the model or the loss")
        subs = {table.symbol(k): v for k, v in hyper_values.items()}
        for k, v in hyper_values.items():
            if not table.domain(k).contains(v):
                raise InvalidArgument(f"hyper-parameter {k} = {v} is outside its domain {table.domain(k).text}")
        loss_expr = substitute(loss_expr, subs)
        if model_out is not None:
            model_out = tuple(substitute(m, subs) for m in model_out)

    if hyper_values:
        loss_written = [substitute(c, subs) for c in loss_written]
        model_written = [substitute(c, subs) for c in model_written]
    L = loss_expr if model_out is None else substitute(loss_expr, dict(zip(yhat, model_out)))
    model_conditions = () if model_out is None else _defined(model_out, model_written)
    if model_out is not None:
        into_model = dict(zip(yhat, model_out))
        loss_written = [substitute(c, into_model) for c in loss_written]
    conditions = _defined([L], list(model_conditions) + loss_written)
    yhat_field = None if model_out is None else (yhat[0] if len(yhat) == 1 else yhat)
    model_field = None if model_out is None else (model_out[0] if len(model_out) == 1 else model_out)

    # classify symbols
    free = L.free_symbols
    families = {s.base: s for s in L.atoms(sp.Indexed)}
    plain = {s for s in free if isinstance(s, sp.Symbol)} - {b.label for b in families}
    hyper_syms = tuple(sorted((s for s in plain if s.name in hyper_names), key=sp.default_sort_key))
    labels = tuple(sorted((s for s in plain if is_label_name(s.name)), key=sp.default_sort_key))
    inputs = [s for s in plain if is_input_name(s.name)] + [b for b in families if is_input_name(str(b))]
    sum_vars = set()
    for s in L.atoms(sp.Sum):
        for lim in s.limits:
            sum_vars.add(lim[0])
            sum_vars |= {t for t in lim[1:] if isinstance(t, sp.Symbol)}

    requirements = []
    pred = model_field if model_out is not None and len(model_out) == 1 else None
    for text in requirements_text:
        requirements.append(substitute(_parse(text, table), {yhat[0]: pred}) if pred is not None else _parse(text, table))
    if lspec is not None and mspec is None and pred is not None:
        if lspec.input == "probability":
            requirements += [sp.Gt(pred, 0), sp.Lt(pred, 1)]
        elif lspec.input == "positive":
            requirements.append(sp.Gt(pred, 0))
    requirements += constraints

    # parameters
    def candidates():
        if mspec is not None:
            return list(mspec.params)
        names = []
        for s in sorted(plain, key=sp.default_sort_key):
            if s.name in hyper_names or is_label_name(s.name) or is_input_name(s.name) or s in sum_vars:
                continue
            if s.name.startswith("yhat"):
                continue
            names.append(s.name)
        names += sorted(str(b) for b in families if not is_input_name(str(b)))
        return names

    available = candidates()
    chosen = list(params) if params is not None else available
    if isinstance(params, str):
        chosen = [params]
    param_syms = []
    index_hyps = []
    # a name written in the text is a parameter even when its term evaluates
    # to 0 (relu(exp(-41) - log(1 + exp(-40)))*w is 0 for every w)
    written_names = set() if lspec is not None or mspec is not None else {
        s.name for s in table.symbols() if isinstance(s, sp.Symbol) and not s.name.startswith("yhat")}
    all_names = {s.name for s in plain} | {str(b) for b in families} | written_names
    for name in chosen:
        if not isinstance(name, str):
            raise InvalidArgument(f"parameter names must be strings, got {name!r}")
        name = name.strip()
        if re.fullmatch(r"\w+\[\s*i\s*\]", name):  # 'w[i]' names the family w
            name = name.split("[")[0]
        if name not in all_names:
            where = "the model's" if model_out is not None else "the loss's"
            raise InvalidArgument(
                f"unknown parameter {name!r}: {where} parameters are {', '.join(available) or '(none)'}"
            )
        if name in {str(b) for b in families}:
            base = table.indexed(name)
            i = table.index("i")
            param_syms.append(base[i])
            for s in L.atoms(sp.Sum):
                for lim in s.limits:
                    if any(isinstance(a, sp.Indexed) and a.base == base for a in s.function.atoms(sp.Indexed)):
                        index_hyps += [sp.Le(lim[1], i), sp.Le(i, lim[2])]
        else:
            param_syms.append(table.symbol(name))
    requirements += [h for h in dict.fromkeys(index_hyps)]

    built = Problem(
        symbols=table,
        model=model_field,
        loss=loss_expr,
        yhat=yhat_field,
        L=L,
        params=tuple(param_syms),
        labels=labels,
        inputs=tuple(sorted(inputs, key=sp.default_sort_key)),
        hyper=hyper_syms,
        assumptions=(),
        requirements=tuple(requirements),
        conditions=conditions,
        model_conditions=model_conditions,
        model_spec=mspec,
        loss_spec=lspec,
    )
    if not assume:
        return built
    # assumptions are written in the claim language: yhat, L and d(...) are
    # the model's prediction, the loss and its derivatives, as in a claim
    from dataclasses import replace

    from .calculus.claims import parse_assumptions

    return replace(built, assumptions=tuple(parse_assumptions(built, assume)))


def _check_worker(prob: "Problem", text: str, assume: tuple, timeout: float):
    """Parse and decide in a worker process (see :meth:`Problem.check`)."""
    from .decide import check_claim

    return check_claim(prob, text, assume=assume, timeout=timeout)
