"""Property tests for name binding (issue #18): random claims with
assumptions over ``yhat``/``L``, finite domains and bound variables.

Every verdict is attacked with an oracle that does not use symloss: the
model and the loss are re-implemented here (mpmath at 50 digits, or exact
``Fraction`` arithmetic), a ``refuted`` point must satisfy the assumptions
*with the model substituted* and falsify the claim, and a ``proved``
relation over a finite domain must hold at its points for sampled values of
the other symbols.  The default run draws a few examples; ``-m slow`` draws
more.
"""

from __future__ import annotations

import operator
from fractions import Fraction

import mpmath
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import symloss

SETTINGS = dict(deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
OPS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "!=": operator.ne}
CONSTS = [Fraction(0), Fraction(1, 2), Fraction(1), Fraction(2)]


def _fraction(v) -> Fraction:
    s = str(v)
    return Fraction(s)


# ---------------------------------------------------------------------------
# assumptions over yhat and L (model ŷ = w x + b)

LOSSES = {  # name -> loss of (yhat, y), in mpmath
    "squared": lambda yh, y: (yh - y) ** 2 / 2,
    "absolute": lambda yh, y: abs(yh - y),
    "logcosh": lambda yh, y: mpmath.log(mpmath.cosh(yh - y)),
}
TERMS = {  # text in the claim language -> value from (yhat, y, L)
    "yhat - y": lambda yh, y, L: yh - y,
    "L": lambda yh, y, L: L,
    "yhat": lambda yh, y, L: yh,
}


@st.composite
def yhat_claims(draw):
    loss = draw(st.sampled_from(sorted(LOSSES)))
    a_term, c_term = draw(st.sampled_from(sorted(TERMS))), draw(st.sampled_from(sorted(TERMS)))
    a_op, c_op = draw(st.sampled_from(sorted(OPS))), draw(st.sampled_from(sorted(OPS)))
    a_c, c_c = draw(st.sampled_from(CONSTS)), draw(st.sampled_from(CONSTS))
    return loss, (a_term, a_op, a_c), (c_term, c_op, c_c)


def _holds(part, yh, y, L) -> bool:
    term, op, c = part
    return OPS[op](TERMS[term](yh, y, L), mpmath.mpf(c.numerator) / c.denominator)


def _text(part) -> str:
    term, op, c = part
    return f"{term} {op} {c}"


@pytest.mark.parametrize("n", [pytest.param(6, id="fast"), pytest.param(40, marks=pytest.mark.slow, id="slow")])
def test_refutation_satisfies_assumption_with_model_substituted(n):
    @settings(max_examples=n, **SETTINGS)
    @given(yhat_claims())
    def run(case):
        loss, assumption, claim = case
        p = symloss.problem("linear", loss)
        r = p.check(_text(claim), assume=[_text(assumption)], timeout=10, hard=False)
        if r.verdict != "refuted":
            return
        vals = {s.name: _fraction(v) for s, v in r.counterexample.values.items()}
        assert "yhat" not in vals and "L" not in vals, r.counterexample
        with mpmath.workdps(50):
            num = {k: mpmath.mpf(v.numerator) / v.denominator for k, v in vals.items()}
            yh = num.get("w", 0) * num.get("x", 0) + num.get("b", 0)
            y = num.get("y", 0)
            L = LOSSES[loss](yh, y)
            assert _holds(assumption, yh, y, L), f"assumption false at {vals}"
            assert not _holds(claim, yh, y, L), f"claim true at {vals}"

    run()


# ---------------------------------------------------------------------------
# relations over a finite domain, attacked at its points (exact arithmetic)

POLYS = {  # loss in w and y -> Fraction function
    "w**2*(y + 1)": lambda w, y: w * w * (y + 1),
    "w*y + y**2": lambda w, y: w * y + y * y,
    "(w - y)**2": lambda w, y: (w - y) ** 2,
    "2*y*w": lambda w, y: 2 * y * w,
    "w**2 + y": lambda w, y: w * w + y,
}
BS = {
    "1": lambda w, y: Fraction(1),
    "y": lambda w, y: y,
    "w**2": lambda w, y: w * w,
    "y**2": lambda w, y: y * y,
    "-y": lambda w, y: -y,
}
DOMAINS = ["{0, 1}", "{1, 2}", "{-1, 1}", "{-1, 0, 2}"]


def _relation_holds(kind, a, b, points) -> bool:
    A = [a(p) for p in points]
    B = [b(p) for p in points]
    if kind == "proportional":
        if any(bi == 0 and ai != 0 for ai, bi in zip(A, B)):
            return False
        return all(A[i] * B[j] == A[j] * B[i] for i in range(len(points)) for j in range(len(points)))
    return all(not (B[i] <= B[j]) or A[i] <= A[j] for i in range(len(points)) for j in range(len(points)))


@pytest.mark.parametrize("n", [pytest.param(8, id="fast"), pytest.param(60, marks=pytest.mark.slow, id="slow")])
def test_finite_domain_relation_verdicts_hold_at_the_points(n):
    @settings(max_examples=n, **SETTINGS)
    @given(st.sampled_from(sorted(POLYS)), st.sampled_from(sorted(BS)), st.sampled_from(DOMAINS),
           st.sampled_from(["proportional", "nondecreasing"]))
    def run(loss, b, dom, kind):
        p = symloss.problem(loss=loss, vars={"y": dom}, params=["w"])
        r = p.check(f"{kind}(L, {b}, y)", timeout=10, hard=False)
        points = [Fraction(t) for t in dom.strip("{}").split(",")]
        if r.verdict == "proved":
            for w in [Fraction(k, 2) for k in range(-6, 7)]:
                assert _relation_holds(kind, lambda y: POLYS[loss](w, y), lambda y: BS[b](w, y), points), \
                    f"{kind}(L, {b}, y) fails at w = {w}"
        elif r.verdict == "refuted":
            ce = r.counterexample
            w = _fraction(next((v for s, v in ce.values.items() if s.name == "w"), 0))
            _, y1, y2 = ce.pair
            pair = [_fraction(y1), _fraction(y2)]
            assert all(y in points for y in pair)
            assert not _relation_holds(kind, lambda y: POLYS[loss](w, y), lambda y: BS[b](w, y), pair), ce

    run()


# ---------------------------------------------------------------------------
# argmin over a declared interval (oracle: a convex quadratic on an interval
# is minimised at its vertex clamped to the interval; at an open end the
# infimum is not attained)

INTERVALS = ["[0, 1]", "[0, 1)", "(0, 1]", "(0, 1)", "positive", "nonnegative", "negative", "[1, 2]", "real"]


def _bounds(dom):
    named = {"positive": (0, None, True, True), "nonnegative": (0, None, False, True),
             "negative": (None, 0, True, True), "real": (None, None, True, True)}
    if dom in named:
        lo, hi, lo_open, hi_open = named[dom]
        return (None if lo is None else Fraction(lo)), (None if hi is None else Fraction(hi)), lo_open, hi_open
    lo, hi = (Fraction(t) for t in dom[1:-1].split(","))
    return lo, hi, dom[0] == "(", dom[-1] == ")"


def _true_argmin(vertex, dom):
    lo, hi, lo_open, hi_open = _bounds(dom)
    if lo is not None and vertex <= lo:
        return None if lo_open else lo
    if hi is not None and vertex >= hi:
        return None if hi_open else hi
    return vertex


@pytest.mark.parametrize("n", [pytest.param(8, id="fast"), pytest.param(60, marks=pytest.mark.slow, id="slow")])
def test_argmin_verdicts_over_a_declared_interval(n):
    @settings(max_examples=n, **SETTINGS)
    @given(st.sampled_from(INTERVALS), st.sampled_from([Fraction(k, 2) for k in range(-4, 7)]),
           st.sampled_from([Fraction(k, 2) for k in range(-4, 7)]), st.booleans())
    def run(dom, vertex, value, abs_term):
        # abs(w) ∓ w vanishes on the domain (the parser may rewrite it with w's domain)
        zero = {"negative": " + abs(w) + w", "real": ""}.get(dom, " + abs(w) - w")
        loss = f"(w - {vertex})**2" + (zero if abs_term else "")
        p = symloss.problem(loss=loss, vars={"w": dom})
        r = p.check(f"argmin(L, w) == {value}", timeout=10, hard=False)
        m = _true_argmin(vertex, dom)
        if r.verdict == "proved":
            assert m == value, f"{loss} on {dom}: minimiser {m}, proved {value}"
        elif r.verdict == "refuted":
            assert m != value, f"{loss} on {dom}: minimiser {m}, refuted {value}"

    run()


# ---------------------------------------------------------------------------
# logic over a minimiser that may be missing (proofs/README.md, "Where a
# minimiser is missing").  Oracle: for ŷ = w x + b under squared error the
# minimiser over w exists iff x != 0 and is (y - b)/x; a comparison about it
# is false where it is missing; the connectives are classical.

ATOMS = {
    "argmin(L, w) > 0": lambda m, x, y, b: m is not None and m > 0,
    "argmin(L, w) <= 0": lambda m, x, y, b: m is not None and m <= 0,
    "argmin(L, w) == 1": lambda m, x, y, b: m is not None and m == 1,
    "x*argmin(L, w) == y - b": lambda m, x, y, b: m is not None and x * m == y - b,
    "x != 0": lambda m, x, y, b: x != 0,
    "x == 0": lambda m, x, y, b: x == 0,
    "y > b": lambda m, x, y, b: y > b,
}


@st.composite
def logic_claims(draw, depth=2):
    if depth == 0 or draw(st.booleans()):
        a = draw(st.sampled_from(sorted(ATOMS)))
        return a, ATOMS[a]
    kind = draw(st.sampled_from(["not", "and", "or", "implies"]))
    p, fp = draw(logic_claims(depth - 1))
    if kind == "not":
        return f"not ({p})", lambda *v: not fp(*v)
    q, fq = draw(logic_claims(depth - 1))
    if kind == "and":
        return f"({p}) and ({q})", lambda *v: fp(*v) and fq(*v)
    if kind == "or":
        return f"({p}) or ({q})", lambda *v: fp(*v) or fq(*v)
    return f"implies({p}, {q})", lambda *v: (not fp(*v)) or fq(*v)


def _oracle(f, x, y, b) -> bool:
    m = None if x == 0 else (y - b) / x
    return f(m, x, y, b)


GRID = [Fraction(k) for k in (-1, 0, 1, 2)]


@pytest.mark.parametrize("n", [pytest.param(8, id="fast"), pytest.param(60, marks=pytest.mark.slow, id="slow")])
def test_logic_over_a_missing_minimiser_matches_the_oracle(n):
    @settings(max_examples=n, **SETTINGS)
    @given(logic_claims())
    def run(case):
        text, f = case
        r = symloss.problem("linear", "squared").check(text, timeout=10, hard=False)
        if r.verdict == "refuted":
            v = {s.name: _fraction(val) for s, val in r.counterexample.values.items()}
            assert not _oracle(f, v.get("x", Fraction(0)), v.get("y", Fraction(0)), v.get("b", Fraction(0))), \
                f"{text}: refuted at {v}, where the oracle says it holds"
        elif r.verdict == "proved":
            for x in GRID:
                for y in GRID:
                    for b in GRID:
                        assert _oracle(f, x, y, b), f"{text}: proved, false at x={x}, y={y}, b={b}"

    run()


# ---------------------------------------------------------------------------
# relations over a finite domain with points where an expression is
# undefined (oracle: the points where every expression is defined, exact)

PARTIAL = {
    "1/x": lambda x: None if x == 0 else 1 / x,
    "-1/x": lambda x: None if x == 0 else -1 / x,
    "x": lambda x: x,
    "x**2": lambda x: x * x,
    "1/(x - 1)": lambda x: None if x == 1 else 1 / (x - 1),
    "x + 1/x": lambda x: None if x == 0 else x + 1 / x,
}
PARTIAL_DOMAINS = ["{-1, 0, 1}", "{-1, 0, 1, 2}", "{0, 1, 2}", "{-2, -1, 0}"]


@pytest.mark.parametrize("n", [pytest.param(8, id="fast"), pytest.param(60, marks=pytest.mark.slow, id="slow")])
def test_finite_domain_with_undefined_points_matches_the_oracle(n):
    @settings(max_examples=n, **SETTINGS)
    @given(st.sampled_from(sorted(PARTIAL)), st.sampled_from(sorted(PARTIAL)), st.sampled_from(PARTIAL_DOMAINS),
           st.sampled_from(["proportional", "nondecreasing"]))
    def run(a, b, dom, kind):
        p = symloss.problem(loss="x", vars={"x": dom})
        r = p.check(f"{kind}({a}, {b}, x)", timeout=10, hard=False)
        points = [Fraction(t) for t in dom.strip("{}").split(",")]
        ok = [t for t in points if PARTIAL[a](t) is not None and PARTIAL[b](t) is not None]
        holds = _relation_holds(kind, PARTIAL[a], PARTIAL[b], ok)
        if r.verdict == "proved":
            assert holds, f"{kind}({a}, {b}, x) over {dom}: proved, false on {ok}"
        elif r.verdict == "refuted":
            _, x1, x2 = r.counterexample.pair
            pair = [_fraction(x1), _fraction(x2)]
            assert all(t in ok for t in pair), f"refuted at an undefined point {pair}"
            assert not _relation_holds(kind, PARTIAL[a], PARTIAL[b], pair)

    run()


# ---------------------------------------------------------------------------
# the Gaussian NLL over var > 0: argmin exists iff yhat != y, and is
# (yhat - y)**2 (oracle: the derivative (var - r**2)/(2 var**2))

@pytest.mark.parametrize("n", [pytest.param(4, id="fast"), pytest.param(30, marks=pytest.mark.slow, id="slow")])
def test_gaussian_nll_minimiser_matches_the_oracle(n):
    @settings(max_examples=n, **SETTINGS)
    @given(st.sampled_from([Fraction(1), Fraction(2), Fraction(1, 2)]), st.sampled_from([Fraction(0), Fraction(1)]),
           st.booleans())
    def run(k, c, assume):
        text = f"argmin(L, var) == {k}*(yhat - y)**2 + {c}"
        r = symloss.problem("linear", "gaussian_nll").check(text, assume=["yhat != y"] if assume else [],
                                                            timeout=15, hard=False)
        if r.verdict == "proved":
            assert assume and k == 1 and c == 0, text
        elif r.verdict == "refuted":
            v = {s.name: _fraction(val) for s, val in r.counterexample.values.items()}
            res = v["w"] * v["x"] + v["b"] - v["y"]
            if assume:
                assert res != 0, f"{text}: refuted at yhat = y, outside the assumption"
            assert res == 0 or k * res * res + c != res * res, f"{text}: refuted where it holds ({v})"

    run()


# ---------------------------------------------------------------------------
# d(argmin(L, v), s) for ŷ = w x + b under squared error.  Oracle: the
# minimisers written by hand (over b: y - w x, always; over w: (y - b)/x,
# only where x != 0) and their partial derivatives, evaluated exactly.

MINIMISERS = {"b": lambda w, x, y, b: y - w * x, "w": lambda w, x, y, b: (y - b) / x}
SLOPES = {  # (bound, wrt) -> derivative of the hand-written minimiser
    ("b", "y"): lambda w, x, y, b: Fraction(1), ("b", "w"): lambda w, x, y, b: -x,
    ("b", "x"): lambda w, x, y, b: -w, ("w", "y"): lambda w, x, y, b: 1 / x,
    ("w", "b"): lambda w, x, y, b: -1 / x, ("w", "x"): lambda w, x, y, b: -(y - b) / (x * x),
}
CANDIDATES = {  # claimed values, text -> Fraction function
    "1": lambda w, x, y, b: Fraction(1), "-x": lambda w, x, y, b: -x, "x": lambda w, x, y, b: x,
    "-w": lambda w, x, y, b: -w, "0": lambda w, x, y, b: Fraction(0), "y - b": lambda w, x, y, b: y - b,
}


@pytest.mark.parametrize("n", [pytest.param(6, id="fast"), pytest.param(40, marks=pytest.mark.slow, id="slow")])
def test_slope_of_a_minimiser_matches_the_oracle(n):
    @settings(max_examples=n, **SETTINGS)
    @given(st.sampled_from(sorted(SLOPES)), st.sampled_from(sorted(CANDIDATES)))
    def run(key, cand):
        bound, wrt = key
        text = f"d(argmin(L, {bound}), {wrt}) == {cand}"
        r = symloss.problem("linear", "squared").check(text, timeout=10, hard=False)

        def holds(v):
            if bound == "w" and v["x"] == 0:
                return False  # no minimiser over w, no slope: the comparison is false
            return SLOPES[key](v["w"], v["x"], v["y"], v["b"]) == CANDIDATES[cand](v["w"], v["x"], v["y"], v["b"])

        if r.verdict == "refuted":
            v = {s.name: _fraction(val) for s, val in r.counterexample.values.items()}
            v = {k: v.get(k, Fraction(0)) for k in ("w", "x", "y", "b")}
            assert not holds(v), f"{text}: refuted at {v}, where it holds"
        elif r.verdict == "proved":
            for w in GRID:
                for x in GRID:
                    for y in GRID:
                        assert holds({"w": w, "x": x, "y": y, "b": Fraction(1)}), f"{text}: proved, false at {w, x, y}"

    run()
