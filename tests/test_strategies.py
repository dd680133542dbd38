"""Hypothesis strategies: every strategy yields valid objects (exact points
inside every domain, claims that parse), bad arguments fail when the
strategy is built, the public API is what the docs list, and a user-style
property test: the closed-form gradient agrees with a 260-digit finite
difference at drawn points."""

from __future__ import annotations

import mpmath
import pytest
import sympy as sp
from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st

import symloss.strategies as strategies
from symloss.calculus.catalogue import CATALOGUE, LossSpec, ModelSpec
from symloss.calculus.claims import Pointwise, parse_claim
from symloss.errors import InvalidArgument
from symloss.calculus.exact import point_is_admissible
from symloss.language.functions import MPMATH_FUNCTIONS, definedness_conditions
from symloss.problem import Problem, problem
from symloss.strategies import claims, losses, models, parameters, problems, samples, terms

FAST = settings(max_examples=40, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
NODB = settings(database=None)

# ---------------------------------------------------------------------------
# the public API
# ---------------------------------------------------------------------------

DOCUMENTED = ["models", "losses", "problems", "model_exprs", "problem_specs", "samples", "parameters", "terms",
              "claims"]


def test_all_is_exactly_the_documented_api():
    import re

    listed = re.findall(r"^\* (.*?) —", strategies.__doc__, flags=re.M)  # the module docstring's list
    in_docs = {name for line in listed for name in re.findall(r":func:`(\w+)`", line)}
    assert sorted(strategies.__all__) == sorted(DOCUMENTED) == sorted(in_docs)
    for name in DOCUMENTED:
        fn = getattr(strategies, name)
        assert fn.__doc__ and "hrink" in fn.__doc__, f"{name} must say how it shrinks"


# ---------------------------------------------------------------------------
# invalid arguments fail eagerly, naming the bad value
# ---------------------------------------------------------------------------

P = problem("linear", "squared")


@pytest.mark.parametrize("build,match", [
    (lambda: models(["lineer"]), "lineer"),
    (lambda: models([]), "at least one model"),
    (lambda: models(3), "3"),
    (lambda: losses("hubber"), "hubber"),
    (lambda: problems("linear", "bce"), "'bce' needs a probability"),
    (lambda: problems("logistic", "hinge"), "'hinge' needs a real score"),
    (lambda: problems("softmax3", "squared", compatible_only=False), "outputs 3"),
    (lambda: problems("linear", "squared", compatible_only="yes"), "'yes'"),
    (lambda: problems(["nope"]), "nope"),
    (lambda: samples(problem("linear_n", "squared")), "linear_n"),
    (lambda: samples(P, magnitude=0), "magnitude must be a positive integer, got 0"),
    (lambda: samples(P, max_denominator=1.5), "1.5"),
    (lambda: samples("linear"), "'linear'"),
    (lambda: parameters(problem(loss="(y - 1)**2", params=[])), "no scalar parameter"),
    (lambda: terms(P, max_leaves=0), "max_leaves must be a positive integer, got 0"),
    (lambda: claims(object()), "needs a Problem"),
])
def test_invalid_arguments_raise_when_built(build, match):
    with pytest.raises(InvalidArgument, match=match):
        build()


# ---------------------------------------------------------------------------
# valid objects
# ---------------------------------------------------------------------------

@FAST
@given(models())
def test_models_are_catalogue_specs(spec):
    assert isinstance(spec, ModelSpec) and CATALOGUE.model(spec.name) is spec


@FAST
@given(losses(["mse", "huber", "softmax_ce"]))
def test_losses_are_the_named_specs(spec):
    assert isinstance(spec, LossSpec) and spec.name in ("mse", "huber", "softmax_ce")


@FAST
@given(problems())
def test_problems_are_compatible_catalogue_pairs(p):
    assert isinstance(p, Problem)
    assert CATALOGUE.compatible(p.model_spec, p.loss_spec).ok
    assert not p.model_spec.indexed  # indexed models only when named


@FAST
@given(problems(compatible_only=False))
def test_loose_problems_state_the_missing_range_as_hypotheses(p):
    comp = CATALOGUE.compatible(p.model_spec, p.loss_spec)
    assert p.model_spec.arity == p.loss_spec.arity
    if not comp.ok and p.loss_spec.input == "probability":
        hyps = {str(h) for h in p.hypotheses()}
        pred = p.model
        for need in (sp.Gt(pred, 0), sp.Lt(pred, 1)):  # SymPy settles exp(z) > 0 on its own
            assert need is sp.true or str(need) in hyps, (need, hyps)


def test_explicit_indexed_model_is_allowed_when_named():
    p = find(problems("linear_n", "squared"), lambda p: True, settings=NODB)
    assert p.model_spec.name == "linear_n"


def _check_point(p, point):
    assert set(point) == set(v for v in p.variables if isinstance(v, sp.Symbol))
    for sym, value in point.items():
        assert isinstance(value, sp.Rational), (sym, value)
        assert p.domain(sym).contains(value), f"{sym} = {value} outside {p.domain(sym).text}"
    assert point_is_admissible(p.hypotheses(), point) is True
    assert point_is_admissible(definedness_conditions(p.L), point) is True
    # an independent look: L is a finite real number there.  Samples reach
    # |w x| ~ 100, where 1 - tanh(w x) ~ e^-200: 50 digits would round it to
    # 0 and log(0) to -inf, so evaluate with 400.
    syms = sorted(point, key=str)
    with mpmath.workdps(400):
        f = sp.lambdify(syms, p.L, modules=[MPMATH_FUNCTIONS, "mpmath"])
        value = f(*[mpmath.mpf(int(point[s].p)) / int(point[s].q) for s in syms])
        assert mpmath.isfinite(value) and mpmath.im(value) == 0


@FAST
@given(problems(), st.data())
def test_samples_are_exact_admissible_points(p, data):
    _check_point(p, data.draw(samples(p)))


@FAST
@given(problems(compatible_only=False), st.data())
def test_samples_of_loose_problems_meet_the_range_hypotheses(p, data):
    _check_point(p, data.draw(samples(p)))


@pytest.mark.slow
@pytest.mark.parametrize("pair", [(m.name, l.name) for m, l, c in CATALOGUE.pairs() if c.ok and not m.indexed])
def test_samples_for_every_compatible_pair(pair):
    p = problem(*pair)

    @settings(max_examples=8, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
    @given(samples(p))
    def check(point):
        _check_point(p, point)

    check()


@pytest.mark.parametrize("domain,target", [
    ("real", 0), ("positive", 1), ("nonnegative", 0), ("negative", -1), ("[1/2, 3]", sp.Rational(1, 2)),
    ("(0, 1)", sp.Rational(1, 2)), ("(0, 1]", 1), ("[-2, 5)", -2), ("{3, -1, 7}", -1), ("nonzero", 1),
    ("positive integer", 1), ("(sqrt(2), 3]", sp.Rational(1414214, 10 ** 6)), ("[sqrt(2), 3]", sp.Rational(1414214, 10 ** 6)),
])
def test_samples_shrink_towards_simple_values(domain, target):
    p = problem(loss="(w - q)**2", params=["w"], vars={"q": domain})
    q = p.symbols.symbol("q")
    point = find(samples(p), lambda pt: True, settings=NODB)
    assert point[q] == target and p.domain(q).contains(point[q])


@pytest.mark.parametrize("model,loss,assume", [
    ("linear", "squared", ["w*x + b == y"]),                  # solved for one variable exactly
    ("linear", "squared", ["w*x + b > y + 3", "x != 0"]),
    ("two_layer", "hinge", ["c >= 2*v*tanh(w*x + b)"]),         # a closed-form bound, rational just inside
    ("relu_neuron", "poisson_nll_identity", ["b < 1/2"]),
])
def test_samples_meet_user_assumptions(model, loss, assume):
    p = problem(model, loss, assume=assume)

    @settings(max_examples=25, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
    @given(samples(p))
    def check(point):
        _check_point(p, point)

    check()


def test_one_hot_labels_are_drawn_without_rejection():
    p = problem("softmax3", "softmax_ce")
    ys = [p.symbols.symbol(f"y{k}") for k in (1, 2, 3)]
    seen = set()

    @settings(max_examples=60, deadline=None, database=None)
    @given(samples(p))
    def check(point):
        assert sum(point[y] for y in ys) == 1
        seen.add(tuple(point[y] for y in ys))

    check()
    assert seen == {(1, 0, 0), (0, 1, 0), (0, 0, 1)}


@pytest.mark.parametrize("strategy,target", [
    (lambda: problems(), ("linear", "squared")),
    (lambda: problems(losses=["hinge", "bce_logits"]), ("linear", "bce_logits")),
    (lambda: problems(["logistic"], compatible_only=False), ("logistic", "squared")),
])
def test_problems_shrink_to_the_first_pair(strategy, target):
    p = find(strategy(), lambda p: True, settings=NODB)
    assert (p.model_spec.name, p.loss_spec.name) == target


@FAST
@given(problems(), st.data())
def test_parameters_are_problem_parameters(p, data):
    w = data.draw(parameters(p))
    assert w in p.params and isinstance(w, sp.Symbol)


@FAST
@given(problems(), st.data())
def test_claims_parse_as_pointwise_claims(p, data):
    text = data.draw(claims(p))
    claim = parse_claim(p, text)
    assert isinstance(claim, Pointwise) and claim.text == text


@FAST
@given(problems(), st.data())
def test_terms_parse_as_expressions(p, data):
    text = data.draw(terms(p))
    claim = parse_claim(p, f"{text} == {text}")
    assert isinstance(claim.formula, sp.Eq) and claim.formula.lhs == claim.formula.rhs


def test_claims_shrink_to_a_short_claim():
    assert find(claims(P), lambda c: True, settings=NODB) == "L >= 0"
    # a conditional search shrinks to *a* short claim (the shrinker is local)
    found = find(claims(P), lambda c: "d(L, w, 2)" in c, settings=NODB)
    assert " >= " in found and not any(t in found for t in ("abs", "sign", "*", "+", " - ")), found


# ---------------------------------------------------------------------------
# how a user property-tests a claim: ∂L/∂θ against a finite difference
# ---------------------------------------------------------------------------

_KINKS = (sp.Abs, sp.sign, sp.Heaviside, sp.Max, sp.Min)


def _kink_arguments(expr: sp.Basic) -> list:
    """Expressions whose zeros are kinks of ``expr`` (where a finite
    difference says nothing about the convention)."""
    from symloss.language.functions import relu

    out = []
    for f in expr.atoms(sp.Function, sp.Piecewise):
        if isinstance(f, (relu, sp.Abs, sp.sign, sp.Heaviside)):
            out.append(f.args[0])
        elif isinstance(f, (sp.Max, sp.Min)):
            out += [a - b for a in f.args for b in f.args if a != b]
        elif isinstance(f, sp.Piecewise):
            out += [r.lhs - r.rhs for _, c in f.args for r in c.atoms(sp.Rel)]
    return out


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(), st.data())
def test_user_style_gradient_matches_finite_difference(p, data):
    gradient_matches_finite_difference(p, data)


@pytest.mark.slow
@settings(max_examples=500, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(problems(compatible_only=False), st.data())
def test_gradient_matches_finite_difference_many(p, data):
    gradient_matches_finite_difference(p, data)


def gradient_matches_finite_difference(p, data):
    point = data.draw(samples(p), label="point")
    w = data.draw(parameters(p), label="parameter")
    syms = sorted(point, key=str)
    # a tiny step at high precision: exp(-y exp(w x + b)) moves by a factor
    # e^(1e48) per unit of w at the edge of the drawn range (so h = 1e-75),
    # and log(1 - tanh(z)) cancels up to ~96 digits for |z| <= 110
    with mpmath.workdps(260):
        args = {s: mpmath.mpf(int(point[s].p)) / int(point[s].q) for s in syms}
        kinks = _kink_arguments(p.L)
        for k in kinks:
            fk = sp.lambdify(syms, k, modules=[MPMATH_FUNCTIONS, "mpmath"])
            if abs(fk(*[args[s] for s in syms])) < mpmath.mpf(10) ** -12:
                return  # at a kink the finite difference cannot see the convention
        loss = sp.lambdify(syms, p.L, modules=[MPMATH_FUNCTIONS, "mpmath"])
        grad = sp.lambdify(syms, p.grad(w), modules=[MPMATH_FUNCTIONS, "mpmath"])
        h = mpmath.mpf(10) ** -75

        def at(shift):
            return loss(*[args[s] + (shift if s == w else 0) for s in syms])

        fd = (at(h) - at(-h)) / (2 * h)
        exact = grad(*[args[s] for s in syms])
        assert abs(fd - exact) <= mpmath.mpf(10) ** -20 * (1 + abs(exact)), (p, w, point, fd, exact)
