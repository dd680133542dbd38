"""The atlas over a batch (issue 16): the correlation question's closed form
with the minimiser in the support's ends, on a batch's sums.

The minimiser ``argmin(L, w)`` in ``uniform(argmin - 1, argmin + 1)`` is one
number free of w, so the moment algebra treats it as one symbol; the step
must still re-check (and a forged one fail), and the value must agree with
an independent numeric integration at a random exact point.
"""

from __future__ import annotations

import dataclasses

import mpmath
import pytest
import sympy as sp

from symloss.calculus.claims import ArgMin, parse_claim
from symloss.errors import ProofCheckError
from symloss.problem import problem

CORR = "corr(L, d(L, w), w, uniform(argmin(L, w) - 1, argmin(L, w) + 1)) == 0"


def _reading():
    p = problem("linear", "squared", samples=2)
    claim = parse_claim(p, CORR, assume=("x_1**2 + x_2**2 > 0",))
    (step,) = claim.readings
    return p, claim, step


def test_closed_form_with_a_minimiser_in_the_ends_rechecks():
    _, _, step = _reading()
    step.verify()
    assert step.dist.atoms(ArgMin) and not step.cov.has(sp.Dummy)


@pytest.mark.parametrize("field", ["cov", "var_a", "var_b"])
def test_a_forged_closed_form_fails(field):
    _, _, step = _reading()
    forged = dataclasses.replace(step, **{field: getattr(step, field) + 1})
    with pytest.raises(ProofCheckError):
        forged.verify()


def test_closed_form_agrees_with_numeric_integration():
    """At x = (1, 2), y = (1, -1), b = 1/2: the least-squares w*, then the
    Pearson correlation by mpmath quadrature over [w* - 1, w* + 1]."""
    _, _, step = _reading()
    point = {"x_1": 1, "x_2": 2, "y_1": 1, "y_2": -1, "b": sp.Rational(1, 2)}
    sub = {s: point[s.name] for s in step.a.free_symbols | step.b.free_symbols if s.name in point}
    w = step.var
    w_star = sum(x * (y - point["b"]) for x, y in ((1, 1), (2, -1))) / sp.Integer(5)
    value = step.value.xreplace({t: w_star for t in step.value.atoms(ArgMin)}).xreplace(sub)
    fa = sp.lambdify(w, step.a.xreplace(sub), "mpmath")
    fb = sp.lambdify(w, step.b.xreplace(sub), "mpmath")
    with mpmath.workdps(40):
        lo, hi = mpmath.mpf(w_star.p) / w_star.q - 1, mpmath.mpf(w_star.p) / w_star.q + 1

        def mean(f):
            return mpmath.quad(f, [lo, hi]) / 2

        ma, mb = mean(fa), mean(fb)
        cov = mean(lambda t: (fa(t) - ma) * (fb(t) - mb))
        va, vb = mean(lambda t: (fa(t) - ma) ** 2), mean(lambda t: (fb(t) - mb) ** 2)
        assert abs(cov / mpmath.sqrt(va * vb) - mpmath.mpf(sp.N(value, 40))) < mpmath.mpf(10) ** -30


def test_batch_atlas_corr_cell_decides():
    from symloss.atlas import run_atlas

    atlas = run_atlas(models=["linear"], losses=["squared"], questions=["corr"], samples=2, timeout=60)
    (row,) = atlas.rows
    assert row["answers"]["corr"]["verdict"] == "proved", row
