"""counterexample.py: candidates, rationalising, shrinking, argmin failures,
and the re-check of every reported counterexample by an independent oracle.

The oracle (:func:`recheck`) deliberately does NOT use symloss.calculus.exact: values
are read back from the JSON text with the parser, domains are checked with
Domain.contains, and the claim is evaluated with SymPy/mpmath at 60 digits
with a margin.  test_decide.py imports it.
"""

from __future__ import annotations

import mpmath
import pytest
import sympy as sp

from symloss.calculus.claims import ArgMin, Nondecreasing, Pointwise, Proportional, parse_claim
from symloss.refute.counterexample import argmin_status, rationalise, refute, shrink, verify
from symloss.decide import check_claim
from symloss.language.functions import relu, sigmoid, softplus
from symloss.language.parser import parse
from symloss.problem import problem

DIGITS = 60


def num(expr) -> mpmath.mpf:
    v = sp.N(expr, DIGITS)
    assert v.is_real and v.is_finite, f"not a finite real: {expr} -> {v}"
    return mpmath.mpf(str(v))


def _holds(rel, values, margin=mpmath.mpf(10) ** -40) -> bool:
    """Numeric truth of a relation/boolean at values (60 digits, margin)."""
    if rel is sp.true:
        return True
    if rel is sp.false:
        return False
    if isinstance(rel, sp.And):
        return all(_holds(a, values) for a in rel.args)
    if isinstance(rel, sp.Or):
        return any(_holds(a, values) for a in rel.args)
    if isinstance(rel, sp.Not):
        return not _holds(rel.args[0], values)
    if isinstance(rel, sp.Implies):
        return (not _holds(rel.args[0], values)) or _holds(rel.args[1], values)
    if isinstance(rel, sp.Contains):
        return bool(rel.args[0].xreplace(values).is_integer)
    d = num(sp.Add(rel.lhs.xreplace(values), -rel.rhs.xreplace(values)))
    if isinstance(rel, sp.Eq):
        return abs(d) <= margin
    if isinstance(rel, sp.Ne):
        return abs(d) > margin
    if isinstance(rel, sp.Gt):
        return d > margin
    if isinstance(rel, sp.Ge):
        return d >= -margin
    if isinstance(rel, sp.Lt):
        return d < -margin
    if isinstance(rel, sp.Le):
        return d <= margin
    raise AssertionError(f"oracle cannot evaluate {rel!r}")


def _read_back(problem, claim, ce_json):
    """Symbol → exact value, parsed back from the JSON strings."""
    by_name = {s.name: s for s in claim.symbols}
    var = getattr(claim, "var", None)
    if var is not None:
        by_name[var.name] = var
    out, pair = {}, None
    for name, text in ce_json.items():
        sym = by_name[name]
        if isinstance(text, list):
            pair = (sym, parse(text[0]), parse(text[1]))
        else:
            out[sym] = parse(text)
            assert not out[sym].free_symbols, f"{name} = {text} is not a closed value"
    return out, pair


def _admissible(problem, claim, values, assume):
    for s, v in values.items():
        assert problem.domain(s).contains(v), f"{s} = {v} outside its domain {problem.domain(s).text}"
    for a in assume:
        cond = problem.parse(a)
        assert _holds(cond, {k: v for k, v in values.items()}), f"assumption {a} fails at {values}"


def recheck(problem, text, assume, result):
    """Assert that a refuted result's counterexample really refutes the claim."""
    with mpmath.workdps(DIGITS):
        _recheck(problem, text, assume, result)


def _recheck(problem, text, assume, result):
    assert result.verdict == "refuted"
    claim = parse_claim(problem, text, assume=assume)
    values, pair = _read_back(problem, claim, result.counterexample.to_json())
    if isinstance(claim, (Proportional, Nondecreasing)):
        assert pair is not None and pair[0] == claim.var
        v, v1, v2 = pair
        p1, p2 = {**values, v: v1}, {**values, v: v2}
        _admissible(problem, claim, p1, assume)
        _admissible(problem, claim, p2, assume)
        a1, a2 = num(claim.a.xreplace(p1)), num(claim.a.xreplace(p2))
        b1, b2 = num(claim.b.xreplace(p1)), num(claim.b.xreplace(p2))
        if isinstance(claim, Proportional):
            assert abs(a1 * b2 - a2 * b1) > mpmath.mpf(10) ** -40
        else:
            assert b1 <= b2 and a1 > a2
        return
    assert isinstance(claim, Pointwise)
    assert set(values) == set(claim.symbols), "a pointwise counterexample fixes every free symbol"
    _admissible(problem, claim, values, assume)
    terms = claim.formula.atoms(ArgMin)
    if terms and "argmin" in result.counterexample.explanation:
        # the minimiser must be missing or not unique: check E numerically on a grid
        term = sorted(terms, key=sp.default_sort_key)[0]
        e = term.expr.xreplace({k: v for k, v in values.items() if k != term.var})
        grid = [num(e.xreplace({term.var: sp.Rational(k, 8)})) for k in range(-24, 25)]
        const = max(grid) - min(grid) < mpmath.mpf(10) ** -40
        mono = all(a > b for a, b in zip(grid, grid[1:])) or all(a < b for a, b in zip(grid, grid[1:]))
        assert const or mono or "minimisers" in result.counterexample.explanation
        return
    for h in claim.hypotheses:
        if not h.atoms(ArgMin):
            assert _holds(h, values), f"hypothesis {h} fails at {values}"
    formula = claim.formula
    for term in formula.atoms(ArgMin):  # polynomial minimiser found numerically (mpmath roots)
        e = sp.Poly(sp.expand(term.expr.xreplace({k: v for k, v in values.items() if k != term.var})), term.var)
        assert e.degree() % 2 == 0 and e.LC() > 0
        real = [num(r) for r in set(sp.real_roots(e.diff(term.var)))]
        vals = sorted((num(e.as_expr().subs(term.var, sp.Float(str(r), DIGITS))), r) for r in real)
        assert len(vals) == 1 or vals[1][0] - vals[0][0] > mpmath.mpf(10) ** -30, "minimiser not unique"
        formula = formula.xreplace({term: sp.Float(str(vals[0][1]), DIGITS)})
    assert not _holds(formula, values), f"claim holds at {values}"



# ---------------------------------------------------------------------------
# unit tests of the pieces

w, x, y = sp.symbols("w x y", real=True)
R = sp.Rational


@pytest.mark.parametrize("expr, status", [
    ((2 * w - 1) ** 2, ("unique", R(1, 2))),
    (w ** 2 + 3 * w, ("unique", R(-3, 2))),
    (sp.Integer(3), "many"),
    (3 * w + 1, "none"),
    (-w ** 2, "none"),
    (w ** 3, "none"),
    ((w ** 2 - 1) ** 2, "many"),
    ((w ** 2 - 1) ** 2 + w, ("unique", sp.CRootOf(4 * sp.Symbol("x") ** 3 - 4 * sp.Symbol("x") + 1, 0))),
    # critical points only as CRootOf: decided by exact root isolation (symloss.engine.algebraic)
    (sp.log(1 + sp.exp(-w)), "none"),       # logistic loss, separable: not attained
    (sp.exp(w) + sp.exp(-w), ("unique", 0)),  # strictly convex, critical point 0
    (w ** 4 - w, ("unique", 2 ** R(1, 3) / 2)),   # irrational root of 4w^3 - 1
    (sp.exp(w) + sp.exp(-2 * w), ("unique", sp.log(2) / 3)),
    (softplus(w) - w / 3, ("unique", -sp.log(2))),   # soft-label logistic: sigmoid(w*) = 1/3
    (sp.cosh(w) + w, ("unique", sp.log(sp.sqrt(2) - 1))),  # sinh(w*) = -1
    (sigmoid(w), "none"),                   # derivative > 0 (sign proof)
    (-sigmoid(w), "none"),
    (sp.log(w), "none"),                    # defined on w > 0 only, derivative > 0 there
    (1 / w, "none"),                        # derivative < 0 wherever defined
    (sp.sqrt(w), None),                     # minimiser at the boundary w = 0: never "none"
    (w * sp.exp(w), ("unique", -1)),        # not convex: a checked minimiser proof, the exact root -1 of its core
    (relu(1 - w), "many"),                  # zero on [1, oo)
    (sp.Abs(w - 1), ("unique", 1)),
    (sp.Max(w / 2, -w / 3), ("unique", 0)),  # pinball loss shape
    (relu(w) + relu(-w) - sp.Abs(w), "many"),  # identically 0
    (-sp.Abs(w), None),                     # unbounded below, no lower bound to prove
])
def test_argmin_status(expr, status):
    got = argmin_status(expr, w)
    if isinstance(status, tuple) or status is None:
        assert got == status
    else:
        assert got[0] == status


@pytest.mark.parametrize("formula, hyps, start, expected", [
    (x + y > 0, [], {x: R(-7, 3), y: R(1, 5)}, {x: -1, y: 1}),
    (x * y > 0, [], {x: R(3, 7), y: R(-5, 9)}, {x: 1, y: -1}),
    (sp.Ne(x, 0), [], {x: 0}, {x: 0}),                      # only degenerate point: kept
    (x ** 2 > x, [x > 0], {x: R(2, 3)}, {x: 1}),
])
def test_shrink(formula, hyps, start, expected):
    assert shrink(formula, hyps, start, [x, y][: len(start)] if len(start) == 2 else [x]) == expected


def test_rationalise_prefers_simple_values():
    pts = list(rationalise({x: 0.49, y: -2.0000001}))
    assert pts[0] == {x: 0, y: -2} and {x: R(1, 2), y: -2} in pts


@pytest.mark.parametrize("formula, hyps, values, expected", [
    (x > 0, [], {x: 0}, True),
    (x > 0, [sp.Ne(x, 0)], {x: 0}, False),                   # inadmissible point
    (1 / x > 0, [], {x: 0}, False),                            # undefined: never a counterexample
    (sp.Gt(sp.exp(x), 1 + x), [], {x: 0}, True),
])
def test_verify(formula, hyps, values, expected):
    assert verify(formula, hyps, values) is expected


# ---------------------------------------------------------------------------
# refutations across the catalogue, each re-checked by the oracle

CASES = [
    # (model, loss, vars, claim, assume)
    ("w*x + b", "(yhat - y)**2/2", None, "d(L, w) == x*(w*x - y)", []),
    ("w*x + b", "(yhat - y)**2/2", None, "d(L, w) >= 0", []),
    ("w*x + b", "(yhat - y)**2/2", None, "argmin(L, w) == y/x", []),
    ("w*x + b", "(yhat - y)**2/2", None, "sign(d(L, w)) == sign(w - argmin(L, w))", []),
    ("w*x + b", "(yhat - y)**2/2", None, "proportional(d(L, w), L, w)", []),
    ("w*x + b", "(yhat - y)**2/2", None, "nondecreasing(d(L, w), L, w)", []),
    ("w*x + b", "(yhat - y)**2/2", None, "corr(L, d(L, w), w, uniform(0, 1)) > 0", []),
    ("w*x + b", "(yhat - y)**2/2", None, "implies(x > 0, d(L, w) > 0)", []),
    ("w*x + b", "(yhat - y)**2/2", None, "abs(d(L, w)) <= L", ["x != 0"]),
    ("linear", "logistic", None, "d(L, w) == -y*x*sigmoid(y*(w*x + b))", []),
    ("linear", "logistic", None, "abs(d(L, w)) <= L", []),
    ("linear", "logistic", None, "argmin(L, w) == 0", []),
    ("logistic", "bce", None, "d(L, w, 2) > 0", []),
    ("logistic", "bce", None, "d(L, w) <= 0", ["x > 0"]),
    ("linear", "hinge", None, "d(L, w) == -y*x", []),
    ("linear", "absolute", None, "abs(d(L, w)) == abs(x)", []),
    ("linear", "huber", None, "abs(d(L, w)) < delta*abs(x)", []),
    ("w*x", "(yhat - y)**4", None, "argmin(L, w) == y/x + 1", ["x != 0"]),
    ("sigmoid(w*x)", "(yhat - y)**2/2", {"y": "[0, 1]"}, "d(L, w, 2) >= 0", []),
    ("relu(w*x)", "(yhat - y)**2/2", None, "d(L, w) == x*(w*x - y)", []),
    ("tanh(w*x)", "(yhat - y)**2/2", None, "nondecreasing(abs(d(L, w)), L, w)", []),
    ("w*x", "exp(-y*yhat)", {"y": "{-1, 1}"}, "d(L, w) >= -L", []),
    ("w*x", "(yhat - y)**2", {"x": "positive"}, "proportional(d(L, w), yhat, w)", []),
    ("poisson", "logistic", None, "argmin(L, w) == 0", []),
    # only z3 finds these (sampling never hits the exact point)
    (None, "(x - y)**2", None, "(x - 1/3)**2 + (y - 2/7)**2 > 0", []),
    (None, "(x - y)**2", None, "x**3 - 3*x*y + y**3 != -1/8", []),
]


@pytest.mark.parametrize("model, loss, vars_, text, assume", CASES)
def test_false_claims_refuted_and_recheck(model, loss, vars_, text, assume):
    p = problem(model, loss, vars=vars_ or {}, **({} if model else {"params": ["x"]}))
    r = check_claim(p, text, assume=assume, timeout=20)
    assert r.verdict == "refuted", r
    recheck(p, text, assume, r)


def test_counterexample_is_informative():
    # false for every x != 0: the shrinker must not retreat to the degenerate x = 0
    p = problem("w*x + b", "(yhat - y)**2/2")
    r = check_claim(p, "d(L, w) == x*(w*x - y)")
    assert r.counterexample.values[p.symbols.symbol("x")] != 0


def test_refute_reports_tested_points_when_nothing_found():
    p = problem("w*x + b", "(yhat - y)**2/2")
    s = refute(parse_claim(p, "d(L, w, 2) >= 0"))
    assert s.counterexample is None and s.tested > 100


def test_hypothesis_search_finds_and_shrinks():
    from symloss.refute.counterexample import _hypothesis_search
    from symloss.language.domains import parse_domain

    got = _hypothesis_search(x + y < 3, [y > 0], [x, y], {x: parse_domain("real"), y: parse_domain("positive")},
                             None, max_examples=300)
    assert got is not None and verify(x + y < 3, [y > 0], got)


# ---------------------------------------------------------------------------
# false argmin claims: refuted at exact points, re-checked by an oracle that
# knows the minimiser (written by hand below) or the kind of failure

def _numeric_minimiser_check(e, var, m, unique=True):
    """Numeric evidence (not proof) that m minimises e over var: e(m) is at
    most e on a grid and below e at nearby points."""
    em = num(e.xreplace({var: m}))
    grid = [num(e.xreplace({var: m + sp.Rational(k, 16)})) for k in range(-64, 65) if k]
    assert all(g >= em - mpmath.mpf(10) ** -40 for g in grid), f"{m} is not a minimiser of {e}"
    if unique:
        assert all(g > em for g in grid), f"{m} is not the unique minimiser of {e}"


def _recheck_with_minimiser(p, text, assume, r, minimiser):
    """Oracle for claims whose argmin has a hand-derived closed form
    ``minimiser`` (text in the problem's symbols, evaluated at the point)."""
    with mpmath.workdps(DIGITS):
        assert r.verdict == "refuted"
        claim = parse_claim(p, text, assume=assume)
        values, _ = _read_back(p, claim, r.counterexample.to_json())
        assert set(values) == set(claim.symbols)
        _admissible(p, claim, values, assume)
        (term,) = claim.formula.atoms(ArgMin)
        others = {k: v for k, v in values.items() if k != term.var}
        m = p.parse(minimiser).xreplace(others)
        _numeric_minimiser_check(term.expr.xreplace(others), term.var, m)
        formula = claim.formula.xreplace({term: m}).xreplace(values)  # SymPy's exact evaluation
        assert formula is sp.false or not _holds(formula, {}), f"claim holds at {values}"


def _recheck_many(p, text, assume, r):
    """Oracle for 'minimisers w = a, b': both points give the same value,
    which is at most the value on a grid (numeric evidence)."""
    import re

    with mpmath.workdps(DIGITS):
        claim = parse_claim(p, text, assume=assume)
        values, _ = _read_back(p, claim, r.counterexample.to_json())
        _admissible(p, claim, values, assume)
        (term,) = claim.formula.atoms(ArgMin)
        found = re.search(r"minimisers \w+ = ([^,]+), ([^ ]+) ", r.counterexample.explanation)
        assert found, r.counterexample.explanation
        a, b = parse(found.group(1)), parse(found.group(2))
        e = term.expr.xreplace({k: v for k, v in values.items() if k != term.var})
        assert a != b and abs(num(e.xreplace({term.var: a})) - num(e.xreplace({term.var: b}))) < mpmath.mpf(10) ** -40
        _numeric_minimiser_check(e, term.var, a, unique=False)


ARGMIN_FALSE = [
    # (model, loss, params, claim, assume, hand-derived minimiser or the kind of failure)
    (None, "sigmoid(w)", ["w"], "argmin(sigmoid(w), w) == 0", [], "none"),
    (None, "sigmoid(w)", ["w"], "argmin(L, w) >= -100", [], "none"),
    (None, "w**4 - w", ["w"], "argmin(w**4 - w, w) == 63/100", [], "4**(-1/3)"),
    (None, "exp(w) + exp(-2*w)", ["w"], "argmin(exp(w) + exp(-2*w), w) == 0", [], "log(2)/3"),
    (None, "exp(w) + exp(-2*w)", ["w"], "argmin(L, w) > 1/4", [], "log(2)/3"),
    ("linear", "hinge", None, "sign(d(L, w)) == sign(w - argmin(L, w))", [], "many"),
    ("linear", "hinge", None, "sign(d(L, w)) == sign(w - argmin(L, w))", ["x != 0"], "many"),
    ("linear", "quantile", None, "sign(d(L, w)) == sign(w - argmin(L, w))", ["x != 0"], "(y - b)/x"),
    ("linear", "quantile", None, "sign(d(L, w)) == sign(w - argmin(L, w))", ["x > 0", "y > b"], "(y - b)/x"),
]


@pytest.mark.parametrize("model, loss, params, text, assume, oracle", ARGMIN_FALSE)
def test_false_argmin_claims_refuted(model, loss, params, text, assume, oracle):
    p = problem(model, loss, **({"params": params} if params else {}))
    r = check_claim(p, text, assume=assume, timeout=20)
    assert r.verdict == "refuted", r
    if oracle == "none":
        recheck(p, text, assume, r)  # strictly monotone on the grid
    elif oracle == "many":
        _recheck_many(p, text, assume, r)
    else:
        _recheck_with_minimiser(p, text, assume, r, oracle)


@pytest.mark.parametrize("model, loss, params, text, assume", [
    (None, "w**4 - w", ["w"], "argmin(L, w) == 4**(-1/3)", []),
    (None, "w**4 - w", ["w"], "argmin(L, w) > 3/5", []),
    (None, "exp(w) + exp(-2*w)", ["w"], "argmin(L, w) == log(2)/3", []),
    (None, "exp(w) + exp(-w)", ["w"], "argmin(L, w) == 0", []),
    (None, "(w - 1)**2 + sigmoid(w)", ["w"], "argmin(L, w) < 1", []),
    ("linear", "absolute", None, "argmin(L, w) == (y - b)/x", ["x != 0"]),
    ("linear", "quantile", None, "argmin(L, w) == (y - b)/x", ["x != 0"]),
    ("linear", "quantile", None, "implies(w != argmin(L, w), sign(d(L, w)) == sign(w - argmin(L, w)))", ["x != 0"]),
    ("linear", "absolute", None, "at(L, w=argmin(L, w)) == 0", ["x != 0"]),
])
def test_true_argmin_claims_never_refuted(model, loss, params, text, assume):
    p = problem(model, loss, **({"params": params} if params else {}))
    r = check_claim(p, text, assume=assume, timeout=10)
    assert r.verdict in ("proved", "unknown"), r


@pytest.mark.parametrize("claim, verdict", [
    ("nondecreasing(w, L, w)", "refuted"),     # on w < 0, L = w**2 falls as w rises
    ("nondecreasing(-w, L, w)", "proved"),     # -w = sqrt(L) on w < 0
])
def test_pair_counterexamples_respect_the_bound_variables_domain(claim, verdict):
    """The copies of w carry its assumptions, so 'w < 0' substituted into them
    vanished and w = 1 was once proposed; pairs must lie in w's domain."""
    import symloss

    p = symloss.problem(None, "w**2", params=["w"], vars={"w": "negative"})
    r = p.check(claim)
    assert r.verdict == verdict, r
    if verdict == "refuted":
        _, v1, v2 = r.counterexample.pair
        assert v1 < 0 and v2 < 0                  # both in the domain
        assert v1 ** 2 <= v2 ** 2 and v1 > v2     # B(v1) <= B(v2) but A(v1) > A(v2), exactly
