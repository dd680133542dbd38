"""Roots and absolute values normalised (symloss.engine.absnormal): every rewrite
agrees with the original at random exact points, identities and
proportionality through |.| and roots are proved, false ones are not."""

from __future__ import annotations

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from symloss.engine.absnormal import AbsIdentity, abs_identity, abs_normal
from symloss.errors import ProofCheckError
from symloss.calculus.exact import truth
from symloss.language.functions import sigmoid
from symloss.engine.tactics import Env, Goal

x, r, b = sp.symbols("x r b", real=True)
z = sp.Symbol("z")  # no assumptions: complex, never rewritten by the real-only rules
R = sp.Rational


@pytest.mark.parametrize("expr,normal", [
    (sp.Abs(x * r + 2 * x) / sp.Abs(r + 2), sp.Abs(x)),
    (sp.Abs(x * r) ** 2, x ** 2 * r ** 2),
    (sp.sqrt((x * r) ** 2 / 2), sp.sqrt(2) * sp.Abs(x) * sp.Abs(r) / 2),
    (sp.Abs(-3 * x ** 3), 3 * sp.Abs(x) ** 3),
    (sp.Abs(sigmoid(x) * r), sigmoid(x) * sp.Abs(r)),
    (sp.Abs(z) ** 2, sp.Abs(z) ** 2),                     # z may be complex: left alone
])
def test_abs_normal(expr, normal):
    assert sp.simplify(abs_normal(expr) - normal) == 0 or abs_normal(expr) == normal


EXPRS = [sp.Abs(x * r + 2 * x), sp.sqrt((x - r) ** 2), sp.Abs(x) ** 4, sp.Abs((x * r) ** 3) / sp.Abs(r),
         sp.sqrt(x ** 2 * r ** 2 + 2 * x ** 2 * r + x ** 2), sp.Abs(x - 1) ** 2 * sp.Abs(r)]


@settings(max_examples=40, deadline=None, database=None)
@given(st.sampled_from(EXPRS), st.integers(-20, 20), st.integers(1, 7), st.integers(-20, 20), st.integers(1, 7))
def test_every_rewrite_keeps_the_value(expr, p1, q1, p2, q2):
    point = {x: R(p1, q1), r: R(p2, q2)}
    if p2 == 0 and expr.has(1 / sp.Abs(r)):
        return  # undefined there, on both sides
    assert truth(sp.Eq(expr, abs_normal(expr), evaluate=False), point) is True, (expr, point)


def test_identities_through_abs_and_roots():
    w, y = sp.symbols("w y", real=True)
    res = b + w * x - y
    good = sp.Eq(sp.Abs(x * res), sp.Abs(x) * sp.sqrt(2 * res ** 2 / 2), evaluate=False)
    step = abs_identity(Goal(good), Env())
    assert step is not None
    step.verify()
    bad = sp.Eq(sp.Abs(x * res), sp.sqrt(res ** 2 / 2), evaluate=False)
    assert abs_identity(Goal(bad), Env()) is None
    with pytest.raises(ProofCheckError):
        AbsIdentity(bad).verify()
