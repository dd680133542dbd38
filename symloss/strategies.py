"""Hypothesis strategies for property-testing claims across model families.

Users test claims about *many* model/loss pairs in their own suites::

    from hypothesis import given, strategies as st
    from symloss.strategies import problems, samples, parameters

    @given(problems(), st.data())
    def test_gradient_is_finite(p, data):
        point = data.draw(samples(p))
        w = data.draw(parameters(p))
        ...

The public strategies (see ``__all__``) are small and compose with
Hypothesis's own:

* :func:`models`, :func:`losses` — catalogue specs;
* :func:`problems` — :class:`~symloss.problem.Problem` objects for
  catalogue model/loss pairs, or (``family=...``) for random model
  *expressions* with compatible catalogue losses;
* :func:`model_exprs`, :func:`problem_specs` — the random models and
  model/loss specs behind ``family=`` (from :mod:`symloss.random_models`);
* :func:`samples` — exact admissible points of a problem (dict Symbol →
  ``sympy.Rational``);
* :func:`parameters` — a parameter symbol of a problem;
* :func:`terms`, :func:`claims` — expression and claim *strings* from a
  small grammar over ``L``, ``d(L, w)``, ``d(L, w, 2)``, ``abs``, ``sign``
  and comparisons.

Every docstring says how the examples shrink.  Bad arguments raise
:class:`~symloss.errors.InvalidArgument` when the strategy is *built*, not
when it is first drawn from, and the message names the bad value.  Nothing
here is cached between calls: the only cache is the table of problems built
by one :func:`problems` strategy (so that one strategy object reuses its
problems' cached gradients).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Iterable

import sympy as sp
from hypothesis import strategies as st

from .calculus.catalogue import CATALOGUE, Catalogue, Compatibility, LossSpec, ModelSpec
from .errors import InvalidArgument
from .calculus.exact import point_is_admissible, sign_of
from .language.functions import definedness_conditions, derivative, relu
from .random_models import FAMILIES, model_exprs, problem_specs

__all__ = [
    "models",
    "losses",
    "problems",
    "model_exprs",
    "problem_specs",
    "samples",
    "parameters",
    "terms",
    "claims",
]

#: Comparison operators of the claim grammar, simplest (the shrink target) first.
COMPARISONS = (">=", "<=", "==", ">", "<", "!=")
#: Constants of the claim grammar, simplest first.
CONSTANTS = ("0", "1", "-1", "2", "1/2")


# ---------------------------------------------------------------------------
# argument checking


def _names(kind: str, names, catalogue: Catalogue) -> list:
    """Specs for ``names`` (None → all), in catalogue order, validated now."""
    lookup = catalogue.model if kind == "model" else catalogue.loss
    every = catalogue.models if kind == "model" else catalogue.losses
    if names is None:
        return list(every)
    if isinstance(names, str):
        names = [names]
    try:
        names = list(names)
    except TypeError:
        raise InvalidArgument(f"{kind} names must be a list of strings, got {names!r}") from None
    if not names:
        raise InvalidArgument(f"need at least one {kind} name, got an empty list")
    chosen = []
    for name in names:
        spec = lookup(name)  # raises InvalidArgument naming the unknown name
        if spec not in chosen:
            chosen.append(spec)
    order = {s.name: i for i, s in enumerate(every)}
    return sorted(chosen, key=lambda s: order[s.name])


def _positive_int(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidArgument(f"{name} must be a positive integer, got {value!r}")
    return value


# ---------------------------------------------------------------------------
# models, losses, problems


def models(names: Iterable[str] | str | None = None) -> st.SearchStrategy[ModelSpec]:
    """Catalogue :class:`~symloss.calculus.catalogue.ModelSpec` objects.

    ``names``: model names or aliases to draw from (default: every model).
    Shrinks towards the first model in catalogue order (``linear``, the
    simplest).  An unknown name raises :class:`InvalidArgument` at once.

    >>> from hypothesis import find, settings
    >>> nodb = settings(database=None)
    >>> find(models(['logistic', 'linear']), lambda m: True, settings=nodb).name
    'linear'
    >>> models(['lineer'])
    Traceback (most recent call last):
    ...
    symloss.errors.InvalidArgument: unknown model 'lineer'; did you mean 'linear' or 'linear3' or 'linear_n'?
    """
    return st.sampled_from(_names("model", names, CATALOGUE))


def losses(names: Iterable[str] | str | None = None) -> st.SearchStrategy[LossSpec]:
    """Catalogue :class:`~symloss.calculus.catalogue.LossSpec` objects.

    ``names``: loss names or aliases (default: every loss).  Shrinks towards
    the first loss in catalogue order (``squared``).  An unknown name raises
    :class:`InvalidArgument` at once.

    >>> from hypothesis import find, settings
    >>> nodb = settings(database=None)
    >>> find(losses(), lambda l: True, settings=nodb).name, find(losses(['mse', 'hinge']), lambda l: 'y' in l.domains, settings=nodb).name
    ('squared', 'hinge')
    """
    return st.sampled_from(_names("loss", names, CATALOGUE))


class _RangeAsHypothesis(Catalogue):
    """The default catalogue, except that a prediction outside the loss's
    input range (a real score fed to a loss on probabilities or rates) is
    made admissible by a *hypothesis* on ŷ instead of being refused.  Pairs
    whose arities differ stay incompatible."""

    _NEEDS = {"probability": ("yhat > 0", "yhat < 1"), "positive": ("yhat > 0",)}

    def compatible(self, model, loss) -> Compatibility:
        base = super().compatible(model, loss)
        if base.ok:
            return base
        m = self.model(model) if isinstance(model, str) else model
        l = self.loss(loss) if isinstance(loss, str) else loss
        if m.arity != l.arity or (m.output == "logits") != (l.input == "logits"):
            return base
        return Compatibility(True, f"{base.reason}; assumed as a hypothesis", self._NEEDS.get(l.input, ()))


def _pairs(model_specs, loss_specs, compatible_only: bool):
    """The admissible (model, loss) pairs, model-major in catalogue order."""
    loose = _RangeAsHypothesis(CATALOGUE.models, CATALOGUE.losses)
    out, refused = [], []
    for m in model_specs:
        for l in loss_specs:
            comp = CATALOGUE.compatible(m, l)
            if comp.ok:
                out.append((m.name, l.name, False))
            elif not compatible_only and loose.compatible(m, l).ok:
                out.append((m.name, l.name, True))
            else:
                refused.append(comp.reason)
    if not out:
        why = refused[0] if len(refused) == 1 else f"none of the {len(refused)} pairs fits"
        raise InvalidArgument(f"no compatible model/loss pair to draw from: {why}")
    return out


def problems(models: Iterable[str] | str | None = None, losses: Iterable[str] | str | None = None, *,
             compatible_only: bool = True, family: str | None = None, depth: int = 2,
             canonical: bool = False) -> st.SearchStrategy:
    """:class:`~symloss.problem.Problem` objects for catalogue model/loss pairs,
    or, with ``family``, for random model expressions.

    With ``family`` (one of ``"glm"``, ``"neuron"``, ``"deep_linear"``,
    ``"polynomial"``, ``"two_layer"``, ``"any"``; see
    :mod:`symloss.random_models`) the models are expressions with at most
    ``depth`` activations, each paired with a compatible scalar catalogue
    loss among ``losses`` (hyper-parameters fixed to valid exact values;
    ``canonical=True`` for a GLM's canonical losses with labels that give a
    unique minimiser).  These problems shrink as :func:`problem_specs` says:
    towards ``w*x`` (or the family's simplest model), fewer activations,
    constants 0 then 1, then the first loss in catalogue order.
    ``models`` cannot be combined with ``family``.

    ``models``/``losses``: names to combine (default: every loss, and every
    model without an indexed family — ``linear_n`` has symbolic ``n``, so
    its points cannot be exact; name it explicitly to get it).  With
    ``compatible_only=True`` only the pairs the catalogue calls compatible
    are drawn; with ``False``, pairs whose prediction range does not fit the
    loss's input (``linear`` with ``bce``) are drawn too, with the missing
    range (``0 < yhat < 1``) as a hypothesis of the problem — a harder test
    of definedness handling.  Pairs with different numbers of predictions
    are never drawn.

    Shrinks towards the first pair in catalogue order (``linear`` +
    ``squared``).  Unknown names, and names that leave no compatible pair
    (an incompatible explicit pair), raise :class:`InvalidArgument` at once.
    Problems are built once per strategy object, so gradients cached on a
    problem are reused across examples.

    >>> from hypothesis import find, settings
    >>> nodb = settings(database=None)
    >>> find(problems(), lambda p: True, settings=nodb)
    Problem(model=linear, loss=squared, params=(w, b), L=(b + w⋅x - y)²/2)
    >>> problems('linear', 'bce')
    Traceback (most recent call last):
    ...
    symloss.errors.InvalidArgument: no compatible model/loss pair to draw from: loss 'bce' needs a probability in (0, 1) but model 'linear' outputs any real number
    >>> find(problems('linear', 'bce', compatible_only=False), lambda p: True, settings=nodb).hypotheses()
    [Eq(y, 0) | Eq(y, 1), b + w*x > 0, b + w*x < 1]
    >>> p = find(problems(family='neuron', losses=['squared']), lambda p: True, settings=nodb)
    >>> p.model, p.L
    (sigmoid(w*x), (-y + sigmoid(w*x))**2/2)
    """
    if family is not None:
        if models is not None:
            raise InvalidArgument("give either model names or a model family, not both")
        specs = problem_specs(family, losses, depth=depth, canonical=canonical)
        made: dict = {}  # this strategy's problems, per strategy object

        def make(spec):
            if spec not in made:
                made[spec] = spec.build()
            return made[spec]

        return specs.map(make)
    if not isinstance(compatible_only, bool):
        raise InvalidArgument(f"compatible_only must be True or False, got {compatible_only!r}")
    model_specs = _names("model", models, CATALOGUE)
    if models is None:
        model_specs = [m for m in model_specs if not m.indexed]
    loss_specs = _names("loss", losses, CATALOGUE)
    pairs = _pairs(model_specs, loss_specs, compatible_only)
    built: dict = {}  # this strategy's problems: per strategy object, never global

    def build(pair):
        if pair not in built:
            from .problem import problem

            m, l, loose = pair
            cat = _RangeAsHypothesis(CATALOGUE.models, CATALOGUE.losses) if loose else CATALOGUE
            built[pair] = problem(m, l, catalogue=cat)
        return built[pair]

    return st.sampled_from(pairs).map(build)


# ---------------------------------------------------------------------------
# exact points


def _inner_rational(v: sp.Expr, up: bool) -> sp.Rational:
    """A rational strictly inside an irrational endpoint ``v`` (above it when
    ``up``), close to it."""
    scale = 10 ** 6
    k = sp.floor(v * scale) + (1 if up else 0)
    r = sp.Rational(int(k), scale)
    if r == v:  # pragma: no cover - v is irrational
        r += sp.Rational(1 if up else -1, scale)
    return r


def _unit(lo_closed: bool, hi_closed: bool, den: int) -> st.SearchStrategy:
    """Fractions ``p/q`` in [0, 1] (ends included as asked); shrinks towards
    q small, p small: 0 when 0 is allowed, else ½ or 1."""
    a, b = (0 if lo_closed else 1), (0 if hi_closed else 1)
    qmin = max(1, a + b)

    def with_q(q):
        return st.integers(a, q - b).map(lambda p: Fraction(p, q))

    return st.integers(qmin, max(qmin, den)).flatmap(with_q)


def _offsets(closed: bool, magnitude: int, den: int) -> st.SearchStrategy:
    """Fractions ``p/q`` in ``[0, magnitude]`` (``(0, magnitude]`` unless
    ``closed``); shrinks towards 0, or 1 when 0 is excluded."""
    a = 0 if closed else 1
    return st.integers(1, den).flatmap(lambda q: st.integers(a, magnitude * q).map(lambda p: Fraction(p, q)))


def _domain_values(dom, magnitude: int, den: int) -> st.SearchStrategy:
    """Exact rationals inside ``dom``, drawn from its structure (no rejection)."""
    to_sp = lambda f: sp.Rational(f.numerator, f.denominator)  # noqa: E731
    if dom.kind == "finite":
        return st.sampled_from(dom.elements)
    if dom.kind == "nonzero":
        mag = _offsets(False, magnitude, den)
        return st.tuples(st.sampled_from((1, -1)), mag).map(lambda sm: to_sp(sm[0] * sm[1]))
    lo, hi, lo_open, hi_open = dom.bounds
    if lo.is_finite and not lo.is_Rational:
        lo, lo_open = _inner_rational(lo, True), False
    if hi.is_finite and not hi.is_Rational:
        hi, hi_open = _inner_rational(hi, False), False
    if dom.kind == "integer":
        ilo = None if not lo.is_finite else int(sp.ceiling(lo)) + (1 if lo_open and lo.is_integer else 0)
        ihi = None if not hi.is_finite else int(sp.floor(hi)) - (1 if hi_open and hi.is_integer else 0)
        if ilo is None and ihi is None:
            ilo, ihi = -magnitude, magnitude
        elif ihi is None:
            ihi = ilo + magnitude
        elif ilo is None:
            ilo = ihi - magnitude
        return st.integers(ilo, ihi).map(sp.Integer)
    if lo.is_finite and hi.is_finite:
        width = hi - lo
        return _unit(not lo_open, not hi_open, den).map(lambda t: lo + width * to_sp(t))
    if lo.is_finite:  # [lo, oo) or (lo, oo)
        return _offsets(not lo_open, magnitude, den).map(lambda t: lo + to_sp(t))
    if hi.is_finite:
        return _offsets(not hi_open, magnitude, den).map(lambda t: hi - to_sp(t))
    signs = st.sampled_from((1, -1))
    return st.tuples(signs, _offsets(True, magnitude, den)).map(lambda sm: to_sp(sm[0] * sm[1]))


def _plain_variables(problem) -> list:
    if any(isinstance(v, sp.Indexed) for v in problem.variables) or problem.L.atoms(sp.Sum):
        name = problem.model_spec.name if problem.model_spec is not None else str(problem.L)
        raise InvalidArgument(
            f"cannot draw exact points for {name!r}: it has an indexed family with symbolic size"
        )
    return [v for v in problem.variables if isinstance(v, sp.Symbol)]


def _one_hot_groups(problem, variables) -> list:
    """Groups of ``{0, 1}`` labels constrained to sum to 1 (a one-hot label)."""
    groups = []
    for h in problem.hypotheses():
        if isinstance(h, sp.Eq) and h.rhs == 1 and isinstance(h.lhs, sp.Add):
            syms = list(h.lhs.args)
            if all(isinstance(s, sp.Symbol) and s in variables and problem.domain(s).text == "{0, 1}"
                   for s in syms):
                groups.append(syms)
    return groups


def samples(problem, *, magnitude: int = 10, max_denominator: int = 10) -> st.SearchStrategy[dict]:
    """Exact admissible points of ``problem``: dicts Symbol → ``sympy.Rational``
    for every variable of the problem (parameters, inputs, labels,
    hyper-parameters), inside every domain and satisfying every hypothesis
    of the problem and the definedness conditions of ``L``.

    Values come from each domain's structure, not from rejection, and
    shrink as follows: a finite set by ``sampled_from`` (to its smallest
    element); an interval by fractions ``p/q`` (``q <= max_denominator``)
    mapped inside it (``[a, b]`` and ``[a, b)`` to ``a``, ``(a, b]`` to
    ``b``, ``(a, b)`` to the midpoint); the real line by fractions in
    ``[-magnitude, magnitude]`` (to 0); a half-line ``[a, oo)`` by ``a +
    p/q`` with ``p/q <= magnitude`` (to ``a``; ``(a, oo)`` to ``a + 1``); a
    nonzero real by a sign times ``p/q`` in ``(0, magnitude]`` (to 1); an
    integer domain by integers (towards 0 or its lower end); a one-hot label
    by the position of its 1 (to the first).  Hypotheses the structure
    cannot express (``relu(w x + b) > 0``, ``0 < w x + b < 1``, an assumption
    ``w x + b == y``) are solved for one variable they are linear in, when
    there is one, and every point
    is finally checked exactly (:func:`symloss.calculus.exact.point_is_admissible`),
    so a point that slips through the structure is filtered out.

    Raises :class:`InvalidArgument` at once for a problem with an indexed
    family of symbolic size, or for a bad ``magnitude``/``max_denominator``.

    >>> from hypothesis import find, settings
    >>> nodb = settings(database=None)
    >>> from symloss.problem import problem
    >>> p = problem(loss='tau*(w - y)**2', params=['w'], vars={'tau': '(0, 1)', 'y': '{-1, 1}'})
    >>> find(samples(p), lambda point: True, settings=nodb)
    {tau: 1/2, w: 0, y: -1}
    """
    magnitude = _positive_int("magnitude", magnitude)
    den = _positive_int("max_denominator", max_denominator)
    if not hasattr(problem, "variables") or not hasattr(problem, "hypotheses"):
        raise InvalidArgument(f"samples() needs a Problem, got {problem!r}")
    variables = _plain_variables(problem)
    groups = _one_hot_groups(problem, variables)
    grouped = {s for g in groups for s in g}
    parts = {v: _domain_values(problem.domain(v), magnitude, den) for v in variables if v not in grouped}
    base = st.fixed_dictionaries(parts)
    for g in groups:
        hot = st.sampled_from(range(len(g))).map(lambda k, g=g: {s: sp.Integer(int(i == k)) for i, s in enumerate(g)})
        base = st.tuples(base, hot).map(lambda ab: {**ab[0], **ab[1]})
    structural = {h for v in variables for h in problem.symbols.hypotheses([v])}
    structural |= {h for h in problem.hypotheses() if isinstance(h, sp.Eq) and any(set(h.lhs.args) == set(g) for g in groups)}
    rest = [h for h in problem.hypotheses() if h not in structural]
    rest += [c for c in definedness_conditions(problem.L) if c not in rest]
    if not rest:
        return base.map(lambda point: {v: point[v] for v in variables})
    solved = _solvable(rest, [v for v in variables if v not in grouped and problem.domain(v).kind == "interval"])
    if solved is not None:
        s, linear = solved
        others = {v: part for v, part in parts.items() if v != s}
        base = st.fixed_dictionaries(others)
        for g in groups:
            hot = st.sampled_from(range(len(g))).map(lambda k, g=g: {u: sp.Integer(int(i == k)) for i, u in enumerate(g)})
            base = st.tuples(base, hot).map(lambda ab: {**ab[0], **ab[1]})
        dom = problem.domain(s)
        base = base.flatmap(lambda point: _solve_last(s, dom, linear, point, magnitude, den).map(
            lambda value: {**point, s: value}))
    return base.filter(lambda point: point_is_admissible(rest, point) is True).map(
        lambda point: {v: point[v] for v in variables})


_INEQ = (sp.Lt, sp.Le, sp.Gt, sp.Ge, sp.Eq)


def _linear_form(h, s):
    """``(a, c, kind)`` when ``h`` says ``a·s + c  kind  0`` with ``a``, ``c``
    free of ``s`` (``kind`` one of ``> >= < <= ==``), else ``None``."""
    if not isinstance(h, _INEQ) or s not in h.free_symbols:
        return None
    # only a proposal (the final exact check decides): relu(z) > 0 and
    # relu(z) < k > 0 follow from z > 0 and z < k
    diff = (h.lhs - h.rhs).replace(relu, lambda z: z)
    a = derivative(diff, s)
    if s in a.free_symbols:
        return None
    c = sp.expand(diff - a * s)
    if s in c.free_symbols:
        return None
    kind = {sp.Gt: ">", sp.Ge: ">=", sp.Lt: "<", sp.Le: "<=", sp.Eq: "=="}[type(h)]
    return a, c, kind


def _solvable(hyps, candidates):
    """The variable most hypotheses are linear in (ties: a constant nonzero
    coefficient), with those linear forms; ``None`` if no hypothesis is."""
    best, best_key = None, (0, 0)
    for s in candidates:
        forms = [f for f in (_linear_form(h, s) for h in hyps) if f is not None]
        key = (len(forms), sum(1 for a, _, _ in forms if a.is_number and a != 0))
        if key > best_key:
            best, best_key = (s, forms), key
    return best


def _solve_last(s, dom, forms, point, magnitude, den) -> st.SearchStrategy:
    """Exact values of ``s`` in its domain that satisfy every linear form at
    ``point`` (the others are left to the final check)."""
    lo, hi, lo_open, hi_open = dom.bounds
    if lo.is_finite and not lo.is_Rational:
        lo, lo_open = _inner_rational(lo, True), False
    if hi.is_finite and not hi.is_Rational:
        hi, hi_open = _inner_rational(hi, False), False
    for a, c, kind in forms:
        a, c = a.xreplace(point), c.xreplace(point)
        sa = sign_of(a) if not a.free_symbols else None
        if not sa or c.free_symbols:
            continue
        bound = -c / a
        if kind == "==":  # an exact value, when it is rational and in range
            if not bound.is_Rational:
                continue
            if not ((bound > lo or (bound == lo and not lo_open)) and (bound < hi or (bound == hi and not hi_open))):
                return st.nothing()
            lo = hi = bound
            lo_open = hi_open = False
            continue
        upper = (kind in ("<", "<=")) == (sa > 0)
        strict = kind in ("<", ">")
        if not bound.is_Rational:  # a rational just inside a closed-form bound
            try:
                bound, strict = _inner_rational(bound, not upper), False
            except (TypeError, ValueError):
                continue
        if upper and (bound < hi or (bound == hi and strict)):
            hi, hi_open = bound, strict
        elif not upper and (bound > lo or (bound == lo and strict)):
            lo, lo_open = bound, strict
    if not lo.is_finite and not hi.is_finite:
        return _domain_values(dom, magnitude, den)
    if not lo.is_finite:
        return _offsets(not hi_open, magnitude, den).map(lambda t: hi - sp.Rational(t.numerator, t.denominator))
    if not hi.is_finite:
        return _offsets(not lo_open, magnitude, den).map(lambda t: lo + sp.Rational(t.numerator, t.denominator))
    if lo > hi or (lo == hi and (lo_open or hi_open)):
        return st.nothing()
    if lo == hi:
        return st.just(lo)
    width = hi - lo
    return _unit(not lo_open, not hi_open, den).map(lambda t: lo + width * sp.Rational(t.numerator, t.denominator))


def parameters(problem) -> st.SearchStrategy[sp.Symbol]:
    """A parameter symbol of ``problem`` (the θ of ∂L/∂θ), one that the claim
    language can differentiate by (entries ``w[i]`` of an indexed family are
    left out).  Shrinks towards the first parameter (``w`` for ``linear``).

    >>> from hypothesis import find, settings
    >>> nodb = settings(database=None)
    >>> from symloss.problem import problem
    >>> find(parameters(problem('deep_linear', 'squared')), lambda w: True, settings=nodb)
    w
    """
    params = [p for p in getattr(problem, "params", ()) if isinstance(p, sp.Symbol)]
    if not params:
        raise InvalidArgument(f"problem {problem!r} has no scalar parameter to draw")
    return st.sampled_from(params)


# ---------------------------------------------------------------------------
# the claim grammar


def _atoms(problem) -> list:
    params = [p.name for p in problem.params if isinstance(p, sp.Symbol)]
    out = ["L"]
    out += [f"d(L, {w})" for w in params]
    out += [f"d(L, {w}, 2)" for w in params]
    if isinstance(problem.model, sp.Expr):
        out.append("yhat")
        if any(s.name == "y" for s in problem.labels):
            out.append("(yhat - y)")
    data = [s for s in (*problem.inputs, *problem.labels) if isinstance(s, sp.Symbol)]
    out += [s.name for s in sorted(data, key=lambda s: s.name)]
    return out


def terms(problem, *, max_leaves: int = 3) -> st.SearchStrategy[str]:
    """Expression strings of the claim grammar::

        term := L | d(L, w) | d(L, w, 2) | yhat | (yhat - y) | x | y
              | abs(term) | sign(term) | (term op term) | (c*term)
        op   := + | - | *        c := 0 | 1 | -1 | 2 | 1/2

    with ``w`` ranging over the problem's parameters, ``x``/``y`` over its
    inputs and labels, and at most ``max_leaves`` atoms.  Shrinks towards
    ``L`` (then first derivatives, then second ones, then ŷ and the data;
    fewer wrappers, fewer operators).

    >>> from hypothesis import find, settings
    >>> nodb = settings(database=None)
    >>> from symloss.problem import problem
    >>> p = problem('linear', 'squared')
    >>> find(terms(p), lambda t: True, settings=nodb), find(terms(p), lambda t: 'abs(d(L, b' in t, settings=nodb)
    ('L', 'abs(d(L, b))')
    """
    if not hasattr(problem, "params") or not hasattr(problem, "L"):
        raise InvalidArgument(f"terms() needs a Problem, got {problem!r}")
    max_leaves = _positive_int("max_leaves", max_leaves)
    atoms = st.sampled_from(_atoms(problem))
    consts = st.sampled_from(CONSTANTS[1:])

    def extend(inner):
        return st.one_of(
            inner.map(lambda t: f"abs({t})"),
            inner.map(lambda t: f"sign({t})"),
            st.builds(lambda a, op, b: f"({a} {op} {b})", inner, st.sampled_from(("+", "-", "*")), inner),
            st.builds(lambda c, t: f"({c}*{t})", consts, inner),
        )

    if max_leaves == 1:
        return atoms
    return st.recursive(atoms, extend, max_leaves=max_leaves)


def claims(problem, *, max_leaves: int = 3) -> st.SearchStrategy[str]:
    """Claim strings ``lhs OP rhs`` (``OP`` one of ``>= <= == > < !=``), with
    ``lhs`` a :func:`terms` string and ``rhs`` a constant or another term.

    Shrinks towards short claims: ``L >= 0`` is the simplest; operators
    shrink in the order above, the right side to the constant ``0``.
    Every claim parses with :func:`symloss.calculus.claims.parse_claim` for its
    problem.

    >>> from hypothesis import find, settings
    >>> nodb = settings(database=None)
    >>> from symloss.problem import problem
    >>> p = problem('logistic', 'bce')
    >>> find(claims(p), lambda c: True, settings=nodb), find(claims(p), lambda c: '==' in c, settings=nodb)
    ('L >= 0', 'L == 0')
    """
    lhs = terms(problem, max_leaves=max_leaves)
    rhs = st.one_of(st.sampled_from(CONSTANTS), terms(problem, max_leaves=max(1, max_leaves - 1)))
    return st.builds(lambda a, op, b: f"{a} {op} {b}", lhs, st.sampled_from(COMPARISONS), rhs)
