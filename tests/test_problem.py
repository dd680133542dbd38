"""problem.py: building problems, default parameters, hypotheses, caches."""

from __future__ import annotations

import sys
import types

import mpmath
import pytest
import sympy as sp

from symloss.calculus.derive import is_zero
from symloss.language.domains import parse_domain
from symloss.errors import DomainError, InvalidArgument
from symloss.language.functions import MPMATH_FUNCTIONS, derivative
from symloss.problem import is_input_name, is_label_name, problem

# ---------------------------------------------------------------------------
# parameters
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("model,loss,kwargs,expected", [
    ("logistic", "bce", {}, ["w", "b"]),
    ("two_layer", "squared", {}, ["w", "b", "v", "c"]),
    ("linear_n", "squared", {}, ["w[i]", "b"]),
    ("softmax3", "softmax_ce", {}, ["w1", "w2", "w3", "b1", "b2", "b3"]),
    ("w*x + b", "(yhat - y)**2", {}, ["b", "w"]),
    ("a*x_1 + c*x2 + d", "squared", {}, ["a", "c", "d"]),
    ("w*x + s", "(yhat - y)**2/s2", {"hyper": ["s2"]}, ["s", "w"]),
    ("Sum(w[j]*x[j], (j, 1, n)) + b", "squared", {}, ["b", "w[i]"]),
    (None, "log(1 + exp(-y*w*x))", {}, ["w"]),
    (None, "(w - y)**2 + lam*w**2", {"hyper": ["lam"]}, ["w"]),
    ("logistic", "bce", {"params": ["b"]}, ["b"]),
    ("logistic", "bce", {"params": "w"}, ["w"]),
    ("theta*x", "squared", {}, ["theta"]),
    ("linear_n", "squared", {"params": ["w[i]"]}, ["w[i]"]),
])
def test_default_and_given_params(model, loss, kwargs, expected):
    assert [str(p) for p in problem(model, loss, **kwargs).params] == expected


@pytest.mark.parametrize("model,loss,kwargs,match", [
    ("linear", "squared", {"params": ["q"]}, "unknown parameter 'q'"),
    ("logistc", "bce", {}, "did you mean 'logistic'"),
    ("linear", "hubber", {}, "did you mean 'huber'"),
    ("linear", "bce", {}, "do not fit"),
    ("softmax3", "squared", {}, "do not fit"),
    ("linear", "huber", {"hyper": {"delta": -1}}, "outside its domain"),
    ("linear", "huber", {"hyper": {"delta": "real"}}, "already has domain"),
    ("w*x", "(v - y)**2", {}, "does not mention yhat"),
    ("linear", None, {}, "needs a loss"),
    ("linear", "huber", {"hyper": {"zeta": 1}}, "does not occur"),
    ("linear", "squared", {"vars": ["y"]}, "NAME=DOMAIN"),
])
def test_bad_input(model, loss, kwargs, match):
    with pytest.raises(InvalidArgument, match=match):
        problem(model, loss, **kwargs)


def test_bad_domain_text_is_a_domain_error():
    with pytest.raises(DomainError):
        problem("linear", "squared", vars={"y": "(1, 0"})


@pytest.mark.parametrize("name,inp,lab", [
    ("x", True, False), ("x_2", True, False), ("x10", True, False), ("xi", False, False),
    ("y", False, True), ("y_true", False, True), ("y3", False, True), ("yhat", False, False),
])
def test_name_rules(name, inp, lab):
    assert (is_input_name(name), is_label_name(name)) == (inp, lab)


# ---------------------------------------------------------------------------
# symbols, L, domains, hypotheses
# ---------------------------------------------------------------------------

def test_one_symbol_per_name():
    p = problem("logistic", "bce")
    w = p.params[0]
    assert p.parse("w") is w and w in p.L.free_symbols and p.yhat in p.loss.free_symbols
    assert p.L == p.loss.xreplace({p.yhat: p.model})
    assert p.variables == tuple(sorted(p.L.free_symbols, key=sp.default_sort_key))


@pytest.mark.parametrize("model,loss,kwargs,name,domain", [
    ("logistic", "bce", {}, "y", "{0, 1}"),
    ("linear", "hinge", {}, "y", "{-1, 1}"),
    ("linear", "huber", {}, "delta", "(0, oo)"),
    ("linear", "quantile", {}, "tau", "(0, 1)"),
    ("logistic", "bce", {"vars": ["y=[0, 1]"]}, "y", "[0, 1]"),
    ("linear", "squared", {"vars": {"x": "positive"}}, "x", "(0, oo)"),
    ("linear", "squared", {}, "w", "real"),
])
def test_domains(model, loss, kwargs, name, domain):
    p = problem(model, loss, **kwargs)
    assert p.domain(name) == parse_domain(domain)


def _hyps(p):
    return {str(h) for h in p.hypotheses()}


@pytest.mark.parametrize("model,loss,kwargs,expected", [
    ("logistic", "bce", {}, {"Eq(y, 0) | Eq(y, 1)"}),
    ("relu_neuron", "poisson_nll_identity", {}, {"relu(b + w*x) > 0", "0 <= y"}),
    ("w*x", "bce", {}, {"w*x > 0", "w*x < 1"}),
    ("softmax3", "softmax_ce", {}, {"Eq(y1 + y2 + y3, 1)"}),
    ("linear_n", "squared", {}, {"1 <= i", "i <= n"}),
    ("linear", "squared", {"assume": ["w > 0", "x < 2"]}, {"w > 0", "x < 2"}),
    ("linear", "squared", {"assume": "b >= 0"}, {"b >= 0"}),
])
def test_hypotheses(model, loss, kwargs, expected):
    assert expected <= _hyps(problem(model, loss, **kwargs))


def test_probability_model_needs_no_range_hypothesis():
    hyps = _hyps(problem("logistic", "bce"))
    assert not any("sigmoid" in h for h in hyps)


def test_hyper_value_is_substituted_exactly():
    p = problem("linear", "huber", hyper={"delta": 0.5})
    assert "delta" not in {s.name for s in p.L.free_symbols}
    assert p.L.has(sp.Rational(1, 2))


def test_hyper_domain_string():
    p = problem(None, "(w - y)**2 + lam*w**2", hyper={"lam": "positive"})
    assert p.domain("lam") == parse_domain("positive") and p.symbols.symbol("lam").is_positive
    assert [str(q) for q in p.params] == ["w"]


# ---------------------------------------------------------------------------
# gradients and Hessians
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("model,loss", [
    ("logistic", "bce"), ("linear", "squared"), ("two_layer", "squared"), ("poisson", "poisson_nll_identity"),
    ("w**2*x + exp(b)", "(yhat - y)**2"),
])
def test_grad_is_cached_and_correct(model, loss):
    p = problem(model, loss)
    for q in p.params:
        g = p.grad(q)
        assert p.grad(q) is g and p.grad(str(q)) is g
        assert is_zero(g - derivative(p.L, q)) is True
    assert p.gradient() == tuple(p.grad(q) for q in p.params)


def test_grad_unknown_param():
    with pytest.raises(InvalidArgument, match="unknown parameter 'q'"):
        problem("linear", "squared").grad("q")


@pytest.mark.parametrize("model,loss", [("logistic", "bce"), ("two_layer", "squared"), ("linear3", "cauchy")])
def test_hessian_against_finite_differences(model, loss):
    with mpmath.workdps(50):  # local precision: other test modules share mpmath.mp
        _hessian_against_finite_differences(model, loss)


def _hessian_against_finite_differences(model, loss):
    p = problem(model, loss)
    H = p.hessian()
    assert H.shape == (len(p.params),) * 2 and H == H.T
    syms = list(p.variables)
    point = {s: mpmath.mpf(k + 1) / 7 for k, s in enumerate(syms)}
    for s in syms:
        if p.domain(s).is_finite:
            point[s] = mpmath.mpf(float(p.domain(s).elements[-1]))
    h = mpmath.mpf(10) ** -20
    for i, qi in enumerate(p.params):
        gi = sp.lambdify(syms, p.grad(qi), modules=[MPMATH_FUNCTIONS, "mpmath"])
        for j, qj in enumerate(p.params):
            hij = sp.lambdify(syms, H[i, j], modules=[MPMATH_FUNCTIONS, "mpmath"])
            up, down = dict(point), dict(point)
            up[qj] += h
            down[qj] -= h
            fd = (gi(*[up[s] for s in syms]) - gi(*[down[s] for s in syms])) / (2 * h)
            assert abs(fd - hij(*[point[s] for s in syms])) < mpmath.mpf(10) ** -15


def test_derivation_is_cached_and_verifies():
    p = problem("logistic", "bce")
    d = p.derivation("w")
    assert p.derivation("w") is d
    d.verify()


# ---------------------------------------------------------------------------
# display and delegation
# ---------------------------------------------------------------------------

def test_repr_and_latex():
    p = problem("logistic", "bce")
    assert repr(p).startswith("Problem(model=logistic, loss=bce, params=(w, b)")
    assert p._repr_latex_().startswith("$$") and "L &=" in p._repr_latex_() and r"\sigma" in p._repr_latex_()
    assert "w⋅x" in repr(problem("w*x", "(yhat - y)**2"))  # the documents' notation


def test_check_delegates_to_decide(monkeypatch):
    calls = []
    fake = types.ModuleType("symloss.decide")

    def check_claim(prob, text, assume=(), timeout=10.0):
        calls.append((prob, text, assume, timeout))
        return "result"

    fake.check_claim = check_claim
    monkeypatch.setitem(sys.modules, "symloss.decide", fake)
    p = problem("linear", "squared")
    assert p.check("L >= 0", assume=["w > 0"], timeout=3.0, hard=False) == "result"
    assert calls == [(p, "L >= 0", ["w > 0"], 3.0)]


def test_check_has_a_hard_time_limit():
    """Reading this claim alone differentiates for seconds and tidying it
    would take minutes: the worker is killed and the verdict is unknown."""
    import time

    p = problem("linear", "squared")
    start = time.monotonic()
    r = p.check("d(tanh(tanh(tanh(tanh(tanh(tanh(w*x)))))), w, 5) >= 0", timeout=1.0)
    assert r.verdict == "unknown" and r.method == "timeout"
    assert time.monotonic() - start < 8.0


def _sleeping_worker(prob, text, assume, timeout):
    import time

    time.sleep(60)


def test_a_killed_check_reports_the_seconds_waited(monkeypatch):
    """The worker is killed at timeout + 2 s: the result says how long the
    caller waited (it once said 'by timeout in 1.00s' after 3 s)."""
    problem_module = sys.modules["symloss.problem"]  # symloss.problem is also the function
    monkeypatch.setattr(problem_module, "_check_worker", _sleeping_worker)  # forked workers see it
    r = problem("linear", "squared").check("L >= 0", timeout=0.2)
    assert r.verdict == "unknown" and r.method == "timeout"
    assert r.seconds >= 2.2 and r.to_json()["seconds"] >= 2.2


def test_a_cooperative_timeout_counts_the_time_spent_reading_the_claim(monkeypatch):
    """Reading a claim differentiates; a deadline that passes while reading
    gave 'by timeout in 0.00s' because only deciding was timed."""
    import time

    decide_module = sys.modules["symloss.decide"]  # symloss.decide is also the function
    real = decide_module.parse_claim

    def slow_parse(*args, **kwargs):
        time.sleep(0.4)
        return real(*args, **kwargs)

    monkeypatch.setattr(decide_module, "parse_claim", slow_parse)
    for hard in (False, True):
        r = problem("linear", "squared").check("d(L, w, 2) >= 0", timeout=0.1, hard=hard)
        assert r.verdict == "unknown" and r.method == "timeout"
        assert r.seconds >= 0.4 and r.to_json()["seconds"] >= 0.4


def test_check_raises_syntax_errors_from_the_worker_intact():
    from symloss.errors import SymlossSyntaxError

    with pytest.raises(SymlossSyntaxError) as info:
        problem("linear", "squared").check("d(L, q) > 0")
    assert info.value.column == 1 and "q is not a symbol" in str(info.value)


@pytest.mark.parametrize("model", ["linear_n", "Sum(w[j]**2*x[j], (j, 1, n)) + b", "Sum(tanh(w[j]*x[j]), (j, 1, n))"])
@pytest.mark.parametrize("ik", [(1, 1), (1, 3), (2, 1)])
def test_indexed_hessian_entry_matches_explicit_n3(model, ik):
    p = problem(model, "squared")
    H = p.hessian()
    t = p.symbols
    n, i, k, W = t.bound("n"), t.index("i"), t.index("k"), t.indexed("w")
    row = [q for q in p.params if isinstance(q, sp.Indexed)][0]
    r = p.params.index(row)
    L3 = p.L.xreplace({n: 3}).doit()
    explicit = derivative(derivative(L3, W[ik[0]]), W[ik[1]])
    entry = H[r, r].xreplace({n: 3, i: ik[0], k: ik[1]}).doit()
    assert is_zero(sp.expand(entry - explicit)) is True


def test_relation_runs_under_a_hard_time_limit():
    import time

    start = time.monotonic()
    rel = problem("linear", "huber").relation("w", timeout=0.5)
    assert rel.status in ("proved", "refuted", "unknown")
    assert time.monotonic() - start < 6.0
    assert str(problem("linear", "squared").relation("w")) == "|∂L/∂w| = √2⋅√L⋅|x|"
