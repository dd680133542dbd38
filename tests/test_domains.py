"""Tests of symbol domains and the symbol table (symloss.language.domains)."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from symloss.language.domains import REAL, Domain, SymbolTable, parse_domain
from symloss.errors import DomainError

Q = sp.Rational
OO = sp.oo
t_ = sp.Symbol("t")

# text, canonical text, bounds (lo, hi, lo_open, hi_open)
FORMS = [
    ("real", "real", (-OO, OO, True, True)),
    ("  Real ", "real", (-OO, OO, True, True)),
    ("positive", "positive", (0, OO, True, True)),
    ("negative", "negative", (-OO, 0, True, True)),
    ("nonnegative", "nonnegative", (0, OO, False, True)),
    ("nonpositive", "nonpositive", (-OO, 0, True, False)),
    ("nonzero", "nonzero", (-OO, OO, True, True)),
    ("integer", "integer", (-OO, OO, True, True)),
    ("positive integer", "positive integer", (1, OO, False, True)),
    ("nonnegative integer", "nonnegative integer", (0, OO, False, True)),
    ("(0, 1)", "(0, 1)", (0, 1, True, True)),
    ("[0, 1]", "[0, 1]", (0, 1, False, False)),
    ("(0,1]", "(0, 1]", (0, 1, True, False)),
    ("[-1, 1)", "[-1, 1)", (-1, 1, False, True)),
    ("(-inf, 3]", "(-inf, 3]", (-OO, 3, True, False)),
    ("[0.5, 1e1]", "[1/2, 10]", (Q(1, 2), 10, False, False)),
    ("(-1/3, 1/3)", "(-1/3, 1/3)", (Q(-1, 3), Q(1, 3), True, True)),
    ("[sqrt(2), pi)", "[sqrt(2), pi)", (sp.sqrt(2), sp.pi, False, True)),
    ("(0, inf)", "positive", (0, OO, True, True)),
    ("[0, oo)", "nonnegative", (0, OO, False, True)),
    ("(-inf, inf)", "real", (-OO, OO, True, True)),
    ("{0, 1}", "{0, 1}", (0, 1, False, False)),
    ("{1, -1}", "{-1, 1}", (-1, 1, False, False)),
    ("{2, 0, 1, 1}", "{0, 1, 2}", (0, 2, False, False)),
    ("{1/2}", "{1/2}", (Q(1, 2), Q(1, 2), False, False)),
]


@pytest.mark.parametrize("text, canon, bounds", FORMS)
def test_parse_forms(text, canon, bounds):
    d = parse_domain(text)
    assert d.text == canon
    assert d.bounds == tuple(sp.sympify(v) if not isinstance(v, bool) else v for v in bounds)
    assert parse_domain(d.text) == d  # canonical text parses to the same domain
    assert parse_domain(d) is d


# text, assumptions (beyond real=True)
@pytest.mark.parametrize("text, extra", [
    ("real", {}),
    ("positive", {"positive": True}),
    ("negative", {"negative": True}),
    ("nonnegative", {"nonnegative": True}),
    ("nonpositive", {"nonpositive": True}),
    ("nonzero", {"nonzero": True}),
    ("integer", {"integer": True}),
    ("positive integer", {"integer": True, "positive": True}),
    ("(0, 1)", {"positive": True}),
    ("[0, 1]", {"nonnegative": True}),
    ("(-1, 0)", {"negative": True}),
    ("(-1, 0]", {"nonpositive": True}),
    ("[-1, 1]", {}),
    ("[sqrt(2), pi)", {"positive": True}),
    ("{0, 1}", {"integer": True, "nonnegative": True}),
    ("{-1, 1}", {"integer": True, "nonzero": True}),
    ("{1, 2}", {"integer": True, "positive": True}),
    ("{-1/2, 1/2}", {"nonzero": True}),
    ("{-1, 0}", {"integer": True, "nonpositive": True}),
])
def test_assumptions(text, extra):
    d = parse_domain(text)
    assert d.assumptions == {"real": True, **extra}
    s = sp.Symbol("s", **d.assumptions)  # consistent assumptions
    assert s.is_real


# text, condition on t
@pytest.mark.parametrize("text, expected", [
    ("real", sp.true),
    ("positive", sp.Lt(0, t_)),
    ("nonpositive", sp.Le(t_, 0)),
    ("nonzero", sp.Ne(t_, 0)),
    ("(0, 1)", sp.And(sp.Lt(0, t_), sp.Lt(t_, 1))),
    ("[0, 1)", sp.And(sp.Le(0, t_), sp.Lt(t_, 1))),
    ("(-inf, 3]", sp.Le(t_, 3)),
    ("{0, 1}", sp.Or(sp.Eq(t_, 0), sp.Eq(t_, 1))),
    ("{1/2}", sp.Eq(t_, Q(1, 2))),
    ("integer", sp.Contains(t_, sp.Integers)),
])
def test_condition(text, expected):
    assert parse_domain(text).condition(t_) == expected


def test_condition_is_unevaluated_for_assumed_symbols():
    p = sp.Symbol("p", positive=True)
    c = parse_domain("(0, 1)").condition(p)
    assert c != sp.true and c.subs(p, Q(1, 2)) == sp.true and c.subs(p, 2) == sp.false


# text, value, exact membership
@pytest.mark.parametrize("text, value, inside", [
    ("real", Q(-7, 3), True),
    ("real", sp.oo, False),
    ("positive", sp.S.Zero, False),
    ("positive", Q(1, 10**30), True),
    ("nonnegative", sp.S.Zero, True),
    ("negative", Q(-1, 2), True),
    ("nonzero", sp.S.Zero, False),
    ("nonzero", sp.sqrt(2) - 1, True),
    ("integer", sp.Integer(-4), True),
    ("integer", Q(1, 2), False),
    ("positive integer", sp.S.Zero, False),
    ("(0, 1)", sp.S.One, False),
    ("(0, 1]", sp.S.One, True),
    ("[0, 1)", sp.S.Zero, True),
    ("(0, 1)", Q(1, 2), True),
    ("(0, 1)", sp.sqrt(2) / 2, True),
    ("(0, 1)", sp.pi / 3, False),
    ("(0, 1)", sp.E - 2, True),
    ("[sqrt(2), pi)", Q(141, 100), False),
    ("[sqrt(2), pi)", Q(1415, 1000), True),
    ("[sqrt(2), pi)", sp.sqrt(2), True),
    ("[sqrt(2), pi)", sp.pi, False),
    ("{0, 1}", sp.S.One, True),
    ("{0, 1}", Q(1, 2), False),
    ("{-1, 1}", sp.S.Zero, False),
    ("real", 3, True),
    ("(0, 1)", sp.I, False),
])
def test_contains(text, value, inside):
    assert parse_domain(text).contains(value) is inside


@pytest.mark.parametrize("value", [sp.Symbol("u"), sp.Float("nan"), "1/2", None, True])
def test_contains_refuses_non_numbers(value):
    d = parse_domain("(0, 1)")
    assert d.contains(value) is False
    assert d.decide(value) in (None, False)


def test_decide_undecidable_is_none():
    # SymPy cannot settle this sign (it is exactly 0), so no guess is made
    v = sp.log(6, evaluate=False) - sp.log(2) - sp.log(3)
    d = parse_domain("positive")
    assert d.decide(v) is None
    assert d.contains(v) is False
    assert parse_domain("nonzero").decide(v) is None
    assert parse_domain("{0, 1}").decide(v) is None


@pytest.mark.parametrize("text, value, verdict", [
    ("(0, 1)", 1 - Q(1, 10**100), True),          # rationals: exact, however close
    ("(0, 1)", 1 - sp.pi / 10**45, True),          # the kernel's intervals separate it
    ("(0, 1)", 1 - sp.pi / 10**400, True),
    ("(0, 1)", 1 + sp.pi / 10**400, False),
    ("(0, 1)", 1 - sp.pi / 10**30, True),
    ("(0, 1)", 1 + sp.pi / 10**30, False),
    ("(0, 1)", sp.Rational(1, 2) + (sp.log(6) - sp.log(2) - sp.log(3)), True),
    ("[0, 1]", sp.log(6) - sp.log(2) - sp.log(3), None),  # it is 0, but unproved
    ("(0, 1)", sp.exp(1) / (1 + sp.exp(1)), True),
    ("integer", sp.log(8) / sp.log(2), None),
    ("integer", sp.pi, False),
])
def test_decide_closed_forms(text, value, verdict):
    assert parse_domain(text).decide(value) is verdict


@pytest.mark.parametrize("text", [f[0] for f in FORMS])
def test_samples_inside(text):
    d = parse_domain(text)
    rng = np.random.default_rng(12345)
    s = d.sample(rng, 3000)
    assert s.dtype == np.float64 and s.shape == (3000,)
    assert d.contains_array(s).all()
    # exact check of a few samples (floats are exact rationals)
    for v in s[:: 300]:
        assert d.contains(sp.Rational(float(v))), v


@pytest.mark.parametrize("text", ["real", "positive", "(0, 1)", "nonnegative"])
def test_samples_mix_scales(text):
    s = np.abs(parse_domain(text).sample(np.random.default_rng(0), 4000))
    assert (s < 1e-2).any() and ((s > 0.9).any())
    if text != "(0, 1)":
        assert (s > 100).any()


@pytest.mark.parametrize("text, endpoint", [("[0, 1]", 0.0), ("[0, 1]", 1.0), ("nonnegative", 0.0)])
def test_samples_hit_closed_ends(text, endpoint):
    s = parse_domain(text).sample(np.random.default_rng(3), 2000)
    assert (s == endpoint).any()


@pytest.mark.parametrize("text, values, expected", [
    ("(0, 1]", [0.0, 0.5, 1.0, 2.0, np.nan], [False, True, True, False, False]),
    ("real", [-1e300, np.inf, np.nan], [True, False, False]),
    ("integer", [1.0, 1.5, -3.0], [True, False, True]),
    ("{-1, 1}", [-1.0, 0.0, 1.0], [True, False, True]),
    ("nonzero", [0.0, -0.0, 1e-300], [False, False, True]),
    ("[sqrt(2), 2]", [1.414, 1.4142135623730949, 1.4142135623730951, 2.0], [False, False, True, True]),
])
def test_contains_array(text, values, expected):
    assert parse_domain(text).contains_array(np.array(values)).tolist() == expected


@pytest.mark.parametrize("text, points", [
    ("real", (-2, -1, Q(-1, 2), 0, Q(1, 2), 1, 2)),
    ("(0, 1)", (Q(1, 4), Q(1, 2), Q(3, 4))),
    ("[0, 1]", (0, Q(1, 4), Q(1, 2), Q(3, 4), 1)),
    ("{-1, 1}", (-1, 1)),
    ("positive integer", (1, 2)),
])
def test_special_points(text, points):
    d = parse_domain(text)
    sp_ = d.special_points()
    assert sp_ == tuple(sp.sympify(p) for p in points)
    assert all(d.contains(p) for p in sp_)


@pytest.mark.parametrize("text", [f[0] for f in FORMS])
def test_special_points_inside(text):
    d = parse_domain(text)
    assert all(d.contains(p) and p.is_Rational for p in d.special_points())


def test_finite_elements():
    d = parse_domain("{1, 0}")
    assert d.is_finite and d.elements == (0, 1)
    assert not parse_domain("(0, 1)").is_finite


@pytest.mark.parametrize("text, message", [
    ("reals!", "unknown domain 'reals!'"),
    ("", "unknown domain ''"),
    ("(1, 0)", "empty interval in domain '(1, 0)'"),
    ("(1, 1)", "empty interval"),
    ("[0, inf]", "infinite endpoints must be open"),
    ("[-inf, 0)", "infinite endpoints must be open"),
    ("(inf, 0)", "wrong side"),
    ("(0, 1, 2)", "exactly two endpoints"),
    ("(0)", "exactly two endpoints"),
    ("(x, 1)", "'x' in domain '(x, 1)' is not a number"),
    ("(0, __import__('os'))", "bad number"),
    ("(0, sqrt(-1))", "bad number"),
    ("{}", "empty set"),
    ("{0, sqrt(2)}", "must be rational"),
    ("{0, x}", "is not a number"),
    ("{0,, 1}", "empty number"),
    ("(0, 1", "unknown domain"),
    ("(0, 1 < 2)", "is not a number"),
    ("(0, 10**10**10)", "bad number"),
])
def test_domain_errors(text, message):
    with pytest.raises(DomainError) as info:
        parse_domain(text)
    assert message in str(info.value)


@pytest.mark.parametrize("value", [3, None, ["real"]])
def test_domain_type_error(value):
    with pytest.raises(DomainError, match="must be a string"):
        parse_domain(value)


def test_sample_negative_size():
    with pytest.raises(DomainError, match="-1"):
        REAL.sample(np.random.default_rng(0), -1)


# --- SymbolTable -------------------------------------------------------------
def test_table_symbols_follow_domains():
    t = SymbolTable({"w": "positive", "y": "{0, 1}", "s": "{-1, 1}"})
    assert t.symbol("w").is_positive and t.symbol("y").is_integer and t.symbol("s").is_nonzero
    assert t.symbol("b").is_real and t.domain("b") == REAL
    assert t.symbol("w") is t.symbol("w")
    assert t.domain(t.symbol("y")).text == "{0, 1}"
    assert "w" in t and t.symbol("w") in t and "zz" not in t
    assert list(t) == ["w", "y", "s", "b"]
    assert set(t.symbols()) == {t.symbol(n) for n in "wysb"}


def test_table_declare():
    t = SymbolTable()
    t.declare("x", "positive")
    assert t.symbol("x").is_positive
    assert t.declare("x", "(0, inf)") is t.symbol("x")  # same domain: fine
    with pytest.raises(DomainError, match="'x' already exists with domain positive"):
        t.declare("x", "negative")
    t.symbol("z")
    with pytest.raises(DomainError, match="cannot redeclare it as positive"):
        t.declare("z", "positive")


def test_table_accepts_domain_objects():
    d = parse_domain("[0, 1]")
    t = SymbolTable({"p": d})
    assert t.domain("p") is d


def test_table_hypotheses():
    t = SymbolTable({"w": "positive", "p": "(0, 1)"})
    w, p, b = t.symbol("w"), t.symbol("p"), t.symbol("b")
    lt = lambda u, v: sp.Lt(u, v, evaluate=False)  # noqa: E731
    assert t.hypotheses([w, p, b]) == [lt(0, w), sp.And(lt(0, p), lt(p, 1))]
    assert t.hypotheses([b]) == []


def test_table_indexed_families():
    t = SymbolTable()
    w, j, n = t.indexed("w"), t.index("j"), t.bound("n")
    assert w[j].is_real and j.is_integer and n.is_integer and n.is_positive
    assert t.indexed("w") is w and t.is_indexed("w") and not t.is_indexed("j")
    assert t.domain(w[j]) == REAL
    with pytest.raises(DomainError, match="indexed family"):
        t.symbol("w")
    with pytest.raises(DomainError, match="indexed family"):
        t.declare("w", "positive")


def test_table_index_conflicts():
    t = SymbolTable({"k": "positive"})
    with pytest.raises(DomainError, match="'k' is used as an index \\(subscript or summation variable\\) but has domain positive"):
        t.index("k")
    t.symbol("x")
    with pytest.raises(DomainError, match="plain symbol"):
        t.indexed("x")
    t2 = SymbolTable({"m": "{0, 1, 2}"})
    assert t2.index("m").is_integer  # an integer set is a valid index domain


@pytest.mark.parametrize("name", ["", "1x", "_x", "__import__", "x y", "x-y", "λ", 3, "if", "None"])
def test_table_bad_names(name):
    with pytest.raises(DomainError, match="bad symbol name"):
        SymbolTable().symbol(name)


def test_table_repr():
    t = SymbolTable({"w": "positive"})
    t.indexed("v")
    assert repr(t) == "SymbolTable({w: positive, v[...]})"
    assert len(t) == 2


def test_domain_is_frozen():
    with pytest.raises(Exception):
        REAL.text = "positive"  # type: ignore[misc]
    assert isinstance(REAL, Domain)


@pytest.mark.parametrize("text", ["(1e500, 1e600)", "(-1e600, -1e500)", "{0, 1e400}"])
def test_sample_outside_float_range_is_an_error(text):
    with pytest.raises(DomainError, match="cannot sample float64"):
        parse_domain(text).sample(np.random.default_rng(0), 10)


@pytest.mark.parametrize("text", ["(0, 1e600)", "(1e-400, 1e-300)", "[0, 1e-400]", "(-1e-300, 0)"])
def test_sample_extreme_scales(text):
    d = parse_domain(text)
    s = d.sample(np.random.default_rng(0), 500)
    assert d.contains_array(s).all() and np.isfinite(s).all()
