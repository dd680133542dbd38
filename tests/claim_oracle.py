"""Independent re-check of counterexamples for the claims tests.

Deliberately does NOT use symloss.exact: values are read back from the JSON
text with the parser, domains are checked with Domain.contains, and the
claim is evaluated with SymPy/mpmath at 60 digits with a margin.
"""

from __future__ import annotations

import mpmath
import sympy as sp

from symloss.claims import ArgMin, Nondecreasing, Pointwise, Proportional, parse_claim
from symloss.parser import parse

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
        grid = [num(e.xreplace({term.var: sp.Rational(k, 4)})) for k in range(-40, 41)]
        const = max(grid) - min(grid) < mpmath.mpf(10) ** -40
        mono = all(a > b for a, b in zip(grid, grid[1:])) or all(a < b for a, b in zip(grid, grid[1:]))
        assert const or mono or "minimisers" in result.counterexample.explanation
        return
    for h in claim.hypotheses:
        if not h.atoms(ArgMin):
            assert _holds(h, values), f"hypothesis {h} fails at {values}"
    formula = claim.formula
    for term in formula.atoms(ArgMin):  # closed-form check of a quadratic minimiser
        e = sp.Poly(sp.expand(term.expr.xreplace({k: v for k, v in values.items() if k != term.var})), term.var)
        assert e.degree() == 2 and e.LC() > 0
        a, b, _ = e.all_coeffs()
        formula = formula.xreplace({term: -b / (2 * a)})
    assert not _holds(formula, values), f"claim holds at {values}"
