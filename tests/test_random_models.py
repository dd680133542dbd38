"""Random model expressions: every drawn problem is well formed and
admissible (its text parses back to the same problem, the pair is
compatible, the family admits the model), shrinking reaches simple readable
models, and simplifications are strictly simpler."""

from __future__ import annotations

import random

import pytest
import sympy as sp
from hypothesis import HealthCheck, find, given, settings

from symloss import strategies as ss
from symloss.calculus.catalogue import CATALOGUE
from symloss.errors import InvalidArgument
from symloss.language.parser import parse
from symloss.problem import problem
from symloss.random_models import (ACTIVATIONS, FAMILIES, ModelExpr, ProblemSpec, _compatible, expression_text,
                                   model_exprs, problem_specs, random_spec)

FAST = settings(max_examples=12, deadline=None, database=None, suppress_health_check=list(HealthCheck))
NODB = settings(database=None)


# ---------------------------------------------------------------------------
# well-formed, admissible problems


def _well_formed(spec: ProblemSpec, depth: int):
    fam = FAMILIES[spec.family]
    assert fam.admits(spec.model, depth), spec
    assert _compatible(spec.model, spec.loss_spec).ok, spec
    for k, v in spec.hyper:  # hyper-parameters fixed to values inside their domains
        from symloss.language.domains import parse_domain

        assert parse_domain(spec.loss_spec.domains[k]).contains(sp.Rational(v))
    p = spec.build()
    assert p.params and "w" in [str(s) for s in p.params]
    assert not ({str(s) for s in p.L.free_symbols} & set(spec.loss_spec.hyper)), "hyper-parameters are fixed"
    t = spec.table("L >= 0")  # the [[claim]] text builds the same problem
    q = problem(t["model"], t["loss"], vars=t["vars"], assume=t["assume"])
    assert q.L == p.L and q.hypotheses() == p.hypotheses()


@pytest.mark.parametrize("family", list(FAMILIES))
def test_drawn_problems_are_well_formed(family):
    @FAST
    @given(problem_specs(family, depth=2))
    def check(spec):
        _well_formed(spec, 2)

    check()


@pytest.mark.parametrize("family", list(FAMILIES))
def test_random_specs_are_well_formed_and_reproducible(family):
    a = [random_spec(random.Random(7), family, depth=3) for _ in range(2)]
    assert a[0] == a[1]
    rng = random.Random(3)
    for _ in range(6):
        _well_formed(random_spec(rng, family, depth=3), 3)


@pytest.mark.parametrize("loss", [l.name for l in CATALOGUE.losses if l.arity == 1])
def test_loss_text_parses_back_to_the_catalogue_formula(loss):
    spec = next(s for s in (ProblemSpec(ModelExpr(acts=a), loss) for a in ((), ("sigmoid",), ("exp",)))
                if _compatible(s.model, s.loss_spec).ok)
    from symloss.random_models import _simplest_hyper

    spec = ProblemSpec(spec.model, loss, _simplest_hyper(loss))
    by_name = problem(spec.model.text, loss, hyper={k: sp.Rational(v) for k, v in spec.hyper} or None)
    assert spec.build().L == by_name.L


def test_canonical_pairs_give_interior_labels():
    @FAST
    @given(problem_specs("glm", canonical=True))
    def check(spec):
        assert spec.loss in {"squared", "mse", "bce_logits", "poisson_nll", "bce_soft", "poisson_nll_identity"}
        if spec.loss not in ("squared", "mse"):
            assert spec.domains["y"] in ("(0, 1)", "positive")

    check()


def test_problems_strategy_accepts_a_family():
    @FAST
    @given(ss.problems(family="glm"))
    def check(p):
        assert "w" in [str(s) for s in p.params]

    check()


@pytest.mark.parametrize("build,match", [
    (lambda: model_exprs("cnn"), "unknown model family 'cnn'"),
    (lambda: model_exprs("any", depth=0), "depth"),
    (lambda: problem_specs("neuron", canonical=True), "glm"),
    (lambda: problem_specs("any", ["softmax_ce"]), "vector"),
    (lambda: ss.problems("linear", family="glm"), "not both"),
    (lambda: problem_specs("glm", ["hubber"]), "hubber"),
])
def test_bad_options_fail_when_built(build, match):
    with pytest.raises(InvalidArgument, match=match):
        build()


# ---------------------------------------------------------------------------
# shrinking


@pytest.mark.parametrize("family,planted,expected", [
    ("any", lambda m: "relu" in m.text, "relu(w*x)"),
    ("any", lambda m: "tanh" in m.text and "exp" in m.text, "exp(tanh(w*x))"),
    ("neuron", lambda m: m.bias is not None, "sigmoid(w*x + b)"),
    ("glm", lambda m: True, "w*x"),
    ("two_layer", lambda m: m.outer_bias is not None, "v*sigmoid(w*x) + c"),
    ("deep_linear", lambda m: True, "w*v*x"),
    ("polynomial", lambda m: "3" in m.text, "w**3*x"),
])
def test_planted_structure_shrinks_to_the_simplest_model(family, planted, expected):
    assert find(model_exprs(family, depth=3), planted, settings=NODB).text == expected


def test_planted_loss_failure_shrinks_to_a_simple_problem():
    # derandomized with a larger budget: with a random seed the search sometimes met no relu + hyper-parameter
    # pair at all (NoSuchExample in a full-suite run)
    wide = settings(database=None, derandomize=True, max_examples=2000)
    s = find(problem_specs("any", depth=3), lambda s: "relu" in s.model.text and s.loss_spec.hyper, settings=wide)
    assert (s.model.text, s.loss, s.hyper) == ("relu(w*x)", "huber", (("delta", "1"),))


def test_simplifications_are_strictly_simpler_and_stay_in_the_family():
    rng = random.Random(5)
    for _ in range(10):
        spec = random_spec(rng, "any", depth=3)
        for s in spec.simplifications():
            assert s.key() < spec.key()
            assert FAMILIES["any"].admits(s.model, 3)
            assert _compatible(s.model, s.loss_spec).ok


def test_every_activation_renders_in_the_parser_language():
    for name in ACTIVATIONS:
        m = ModelExpr("w", "sym", (name,), True, "1")
        expr = parse(m.text)
        assert {str(s) for s in expr.free_symbols} == {"w", "x", "b", "v"}
    assert ModelExpr("w", None, ("z_minus_tanh",), True).text == "v*(w*x - tanh(w*x))"


def test_expression_text_handles_piecewise_and_max():
    delta = sp.Symbol("delta", real=True)
    huber = CATALOGUE.loss("huber").formula.xreplace({delta: 1})
    assert expression_text(huber).startswith("where(")
    assert parse(expression_text(huber)).xreplace({}) == parse(expression_text(huber))
