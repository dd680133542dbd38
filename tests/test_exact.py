"""exact.py: exact and interval-rigorous truth at a point."""

import sympy as sp
import pytest

from symloss.calculus.exact import point_is_admissible, sign_of, truth
from symloss.language.functions import relu, sigmoid, softplus

x, y = sp.symbols("x y", real=True)
R = sp.Rational


@pytest.mark.parametrize("expr, expected", [
    (R(1, 3) - R(1, 3), 0),
    (sigmoid(R(1, 2)) - R(5, 8), -1),                    # 0.6225 < 0.625
    (sigmoid(R(1, 2)) - R(62, 100), 1),
    (sp.log(3) - 1, 1),
    (sp.exp(2) - R(7389, 1000), 1),                        # e^2 = 7.389056...
    (sp.exp(2) - R(739, 100), -1),
    (sp.sqrt(2) ** 2 - 2, 0),
    (sp.sqrt(2) + sp.sqrt(3) - sp.sqrt(5 + 2 * sp.sqrt(6)), 0),
    (softplus(R(-40)) - sp.exp(-40), -1),                  # log(1+t) < t
    (softplus(R(40)) - 40, 1),
    (sp.tanh(1) - R(76, 100), 1),                          # 0.7616
    (sp.cosh(1) - R(154, 100), 1),                         # 1.5431
    (relu(R(-1, 2)) + sp.Abs(R(-1, 3)) - R(1, 3), 0),
    (sp.sign(sp.sqrt(2) - 1) - 1, 0),
    (sp.Heaviside(sp.sqrt(2) ** 2 - 2, 0), 0),            # kink convention at an irrational-looking 0
    (sigmoid(sp.log(3)) - R(3, 4), 0),
])
def test_sign_of(expr, expected):
    assert sign_of(expr) == expected


@pytest.mark.parametrize("formula, values, expected", [
    (sp.Gt(sigmoid(x), y), {x: R(1, 2), y: R(5, 8)}, False),
    (sp.Ge(x ** 2, x), {x: R(1, 2)}, False),
    (sp.Eq(sp.sign(x) * x, sp.Abs(x)), {x: -3}, True),
    (sp.Implies(x > 0, x ** 2 > 0), {x: 0}, True),
    (sp.Or(x > 1, x < -1), {x: R(1, 2)}, False),
    (sp.And(x > 0, sp.Not(sp.Gt(x, 1))), {x: 1}, True),
    (sp.Gt(1 / x, 0), {x: 0}, None),                      # undefined: never decided
    (sp.Gt(sp.log(x), 0), {x: -1}, None),
    (sp.Gt(x, 0), {}, None),                               # free symbol left
    (sp.Le(sp.exp(x), 1 + x + x ** 2), {x: 1}, True),       # e <= 3
])
def test_truth(formula, values, expected):
    assert truth(formula, values) is expected


@pytest.mark.parametrize("hyps, values, expected", [
    ([x > 0, sp.Ne(x - 1, 0)], {x: 2}, True),
    ([x > 0], {x: 0}, False),
    ([sp.Or(sp.Eq(y, -1), sp.Eq(y, 1))], {y: 1}, True),
    ([sp.Contains(x, sp.Integers, evaluate=False)], {x: R(1, 2)}, False),
    ([x > y], {x: 1}, None),
])
def test_point_is_admissible(hyps, values, expected):
    assert point_is_admissible(hyps, values) is expected


@pytest.mark.parametrize("formula, values", [
    # SymPy's assumptions may evaluate softplus(-1077) to 0 at low precision;
    # the verifier must never conclude that the strict inequality fails
    (sp.Gt(softplus(x), 0), {x: -1077}),
    (sp.Gt(-y * x + softplus(x), 0), {x: 1077, y: 1}),
    (sp.Gt(sp.log(1 + sp.exp(x)), 0), {x: -2000}),
])
def test_tiny_positive_values_are_never_refuted(formula, values):
    assert truth(formula, values) is not False
