"""Catalogue: every compatible model × loss pair has a closed-form gradient
that agrees with a 50-digit finite difference, every loss formula agrees with
an independent re-implementation of its PyTorch definition, and the
incompatible pairs are refused for the documented reasons."""

from __future__ import annotations

import zlib

import mpmath
import numpy as np
import pytest
import sympy as sp

from symloss.calculus.catalogue import CATALOGUE, Catalogue, LossSpec, ModelSpec
from symloss.errors import InvalidArgument
from symloss.language.functions import MPMATH_FUNCTIONS, relu
from symloss.problem import problem


@pytest.fixture(autouse=True)
def _restore_mpmath_precision():
    """Tests here raise mpmath's working precision; give it back so other
    modules in the same session see the default."""
    import mpmath

    saved = mpmath.mp.prec
    yield
    mpmath.mp.prec = saved


mp = mpmath.mp

# ---------------------------------------------------------------------------
# incompatible pairs (independent statement of the rules) and their reasons
# ---------------------------------------------------------------------------

SCALAR_REAL = ["linear", "linear_n", "linear3", "tanh_neuron", "cubic", "deep_linear", "two_layer", "two_layer_relu"]
NOT_PROBABILITY = SCALAR_REAL + ["relu_neuron", "softplus_neuron", "poisson"]
SCALAR = NOT_PROBABILITY + ["logistic"]
LINKED = ["logistic", "relu_neuron", "softplus_neuron", "poisson"]  # σ, relu, softplus, exp on the output
INCOMPATIBLE: dict[tuple[str, str], str] = {}
for _loss in ("bce", "bce_soft", "kl_div"):  # need a probability
    INCOMPATIBLE.update({(m, _loss): "probability" for m in NOT_PROBABILITY})
for _loss in ("bce_logits", "logistic", "hinge", "squared_hinge", "exponential"):  # need a score, not σ(score)
    INCOMPATIBLE[("logistic", _loss)] = "squashed score"
INCOMPATIBLE.update({(m, "poisson_nll"): "log-rate" for m in LINKED})  # a rate read as a log-rate: exp twice
INCOMPATIBLE.update({(m, "poisson_nll_identity"): "positive" for m in SCALAR_REAL})  # need a rate
INCOMPATIBLE.update({(m, "softmax_ce"): "prediction" for m in SCALAR})  # need 3 logits
INCOMPATIBLE.update({("softmax3", l.name): "prediction" for l in CATALOGUE.losses if l.name != "softmax_ce"})

ALL_PAIRS = [(m.name, l.name) for m in CATALOGUE.models for l in CATALOGUE.losses]
COMPATIBLE = [pair for pair in ALL_PAIRS if pair not in INCOMPATIBLE]


@pytest.mark.parametrize("model,loss", ALL_PAIRS)
def test_compatibility(model, loss):
    comp = CATALOGUE.compatible(model, loss)
    if (model, loss) in INCOMPATIBLE:
        assert not comp.ok and INCOMPATIBLE[(model, loss)] in comp.reason
        with pytest.raises(InvalidArgument, match="do not fit"):
            problem(model, loss)
    else:
        assert comp.ok, comp.reason


@pytest.mark.parametrize("model, loss, words", [
    # the model already applied its inverse link; the loss applies one again
    ("poisson", "poisson_nll", ["exp already applied", "'linear' with 'poisson_nll'",
                                "'poisson' with a loss on positive rates such as 'poisson_nll_identity'"]),
    ("logistic", "bce_logits", ["σ already applied", "'linear' with 'bce_logits'", "such as 'bce'"]),
    ("softplus_neuron", "poisson_nll", ["softplus already applied", "'linear' with 'poisson_nll'"]),
    ("relu_neuron", "poisson_nll", ["relu already applied", "such as 'poisson_nll_identity'"]),
])
def test_double_link_refusal_names_the_right_pairing(model, loss, words):
    reason = CATALOGUE.compatible(model, loss).reason
    for w in words:
        assert w in reason


@pytest.mark.parametrize("model, loss", [("linear", "poisson_nll"), ("poisson", "poisson_nll_identity"),
                                         ("linear", "bce_logits"), ("logistic", "bce"),
                                         ("tanh_neuron", "hinge"), ("tanh_neuron", "poisson_nll")])
def test_the_suggested_pairings_fit(model, loss):
    assert CATALOGUE.compatible(model, loss).ok


def test_no_compatible_pair_composes_two_links():
    """Review of every pair: no accepted pair feeds a rate (σ, exp, softplus
    or relu already applied) to a loss that reads a log-rate, nor a
    probability to a loss that reads a logit or score (the class of
    poisson + poisson_nll = exp(exp(b + w x)) and logistic + bce_logits)."""
    for m, l, comp in CATALOGUE.pairs():
        if comp.ok and l.input == "log_rate":
            assert m.output in ("real", "bounded"), (m.name, l.name)
        if comp.ok and l.input == "score":
            assert m.output != "probability", (m.name, l.name)


@pytest.mark.parametrize("model,loss,req", [
    ("relu_neuron", "poisson_nll_identity", "yhat > 0"),
    ("two_layer_relu", "squared", None),
    ("softplus_neuron", "poisson_nll_identity", None),
])
def test_requirements(model, loss, req):
    comp = CATALOGUE.compatible(model, loss)
    assert comp.requirements == ((req,) if req else ())


# ---------------------------------------------------------------------------
# lookup
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("alias,name", [
    ("mse", "mse"), ("squared_torch", "mse"), ("l1", "absolute"), ("BCE", "bce"),
    ("bce_with_logits", "bce_logits"), ("binary-cross-entropy", "bce"), ("pinball", "quantile"),
    ("soft_margin", "logistic"), ("cross_entropy", "softmax_ce"), ("kl", "kl_div"),
])
def test_loss_aliases(alias, name):
    assert CATALOGUE.loss(alias).name == name


@pytest.mark.parametrize("kind,name,hint", [
    ("model", "logistc", "logistic"), ("loss", "hubber", "huber"), ("loss", "squard", "squared"),
    ("model", "zzzz", "known models"),
])
def test_unknown_names_suggest(kind, name, hint):
    with pytest.raises(InvalidArgument, match=hint):
        getattr(CATALOGUE, kind)(name)


def test_duplicate_registration_refused():
    cat = Catalogue()
    spec = LossSpec("sq", sp.Symbol("yhat", real=True) ** 2, "x")
    cat.add_loss(spec)
    with pytest.raises(InvalidArgument, match="already registered"):
        cat.add_loss(spec)


@pytest.mark.parametrize("loss", [l.name for l in CATALOGUE.losses])
def test_matches_names_torch_function_and_loss_inputs(loss):
    spec = CATALOGUE.loss(loss)
    assert spec.matches is None or spec.matches.startswith(("torch.", "0.5 * torch.", "(gamma"))
    names = {s.name for s in spec.formula.free_symbols}
    assert set(spec.prediction_names) <= names and set(spec.labels) <= names and set(spec.hyper) <= names


# ---------------------------------------------------------------------------
# independent loss definitions (PyTorch semantics, plain mpmath)
# ---------------------------------------------------------------------------

def _torch_huber(p, y, delta):
    r = abs(p - y)
    return r**2 / 2 if r < delta else delta * (r - delta / 2)


def _torch_smooth_l1(p, y, beta):
    r = abs(p - y)
    return r**2 / (2 * beta) if r < beta else r - beta / 2


def _torch_bce_logits(z, y):  # PyTorch's stable form
    return max(z, 0) - z * y + mpmath.log(1 + mpmath.exp(-abs(z)))


def _torch_ce(z1, z2, z3, y1, y2, y3):
    lse = mpmath.log(mpmath.exp(z1) + mpmath.exp(z2) + mpmath.exp(z3))
    return -sum(yk * (zk - lse) for yk, zk in ((y1, z1), (y2, z2), (y3, z3)))


REFERENCE = {
    "squared": lambda p, y: (p - y) ** 2 / 2,
    "mse": lambda p, y: (p - y) ** 2,
    "absolute": lambda p, y: abs(p - y),
    "huber": _torch_huber,
    "smooth_l1": _torch_smooth_l1,
    "log_cosh": lambda p, y: mpmath.log(mpmath.cosh(p - y)),
    "quantile": lambda p, y, tau: max(tau * (y - p), (tau - 1) * (y - p)),
    "bce": lambda p, y: -(y * mpmath.log(p) + (1 - y) * mpmath.log(1 - p)),
    "bce_soft": lambda p, y: -(y * mpmath.log(p) + (1 - y) * mpmath.log(1 - p)),
    "bce_logits": _torch_bce_logits,
    "logistic": lambda z, y: mpmath.log(1 + mpmath.exp(-y * z)),
    "hinge": lambda z, y: max(0, 1 - y * z),
    "squared_hinge": lambda z, y: max(0, 1 - y * z) ** 2,
    "exponential": lambda z, y: mpmath.exp(-y * z),
    "poisson_nll": lambda z, y: mpmath.exp(z) - y * z,
    "poisson_nll_identity": lambda p, y: p - y * mpmath.log(p),
    "gaussian_nll": lambda p, y, var: (mpmath.log(var) + (p - y) ** 2 / var) / 2,
    "cauchy": lambda p, y, gamma: gamma**2 / 2 * mpmath.log(1 + ((p - y) / gamma) ** 2),
    "softmax_ce": _torch_ce,
    "kl_div": lambda p, y: y * (mpmath.log(y) - mpmath.log(p)),
}

PREDICTION_DOMAIN = {"real": "real", "score": "real", "log_rate": "real", "logits": "real", "probability": "(0, 1)", "positive": "positive"}


def test_every_loss_has_a_reference():
    assert set(REFERENCE) == {l.name for l in CATALOGUE.losses}


def _moderate(domain, rng, k=1):
    """Domain samples of moderate size (|v| <= 4) so 50 digits suffice."""
    vals = [v for v in domain.sample(rng, 400) if abs(v) <= 4]
    return [mpmath.mpf(vals[i]) for i in rng.integers(0, len(vals), size=k)]


@pytest.mark.parametrize("loss", [l.name for l in CATALOGUE.losses])
def test_loss_formula_matches_reference(loss):
    from symloss.language.domains import parse_domain

    spec = CATALOGUE.loss(loss)
    preds = [sp.Symbol(n, real=True) for n in spec.prediction_names]
    labels = [sp.Symbol(n, real=True) for n in spec.labels]
    hyper = [sp.Symbol(n, real=True) for n in spec.hyper]
    f = sp.lambdify(preds + labels + hyper, spec.formula, modules=[MPMATH_FUNCTIONS, "mpmath"])
    rng = np.random.default_rng(7)
    mp.dps = 50
    checked = 0
    for _ in range(40):
        pv = [_moderate(parse_domain(PREDICTION_DOMAIN[spec.input]), rng)[0] for _ in preds]
        if spec.arity == 3:  # one-hot label
            yv = [mpmath.mpf(0)] * 3
            yv[int(rng.integers(0, 3))] = mpmath.mpf(1)
        else:
            yv = [_moderate(parse_domain(spec.domains.get(n, "real")), rng)[0] for n in spec.labels]
        hv = [_moderate(parse_domain(spec.domains[n]), rng)[0] for n in spec.hyper]
        ours, ref = f(*pv, *yv, *hv), REFERENCE[loss](*pv, *yv, *hv)
        assert abs(ours - ref) <= mpmath.mpf(10) ** -40 * (1 + abs(ref)), (loss, pv, yv, hv)
        checked += 1
    assert checked == 40


# ---------------------------------------------------------------------------
# gradients against 50-digit central finite differences
# ---------------------------------------------------------------------------

def _heaviside(x, h0=mpmath.mpf(1) / 2):
    return mpmath.mpf(1) if x > 0 else (mpmath.mpf(0) if x < 0 else h0)


MODULES = [dict(MPMATH_FUNCTIONS, Heaviside=_heaviside, sign=mpmath.sign), "mpmath"]


def _kinks(expr):
    """Expressions whose zero set is where ``expr`` is not smooth."""
    out = []
    for node in sp.preorder_traversal(expr):
        if isinstance(node, (relu, sp.Abs, sp.sign, sp.Heaviside)):
            out.append(node.args[0])
        elif isinstance(node, (sp.Max, sp.Min)):
            out += [a - b for a in node.args for b in node.args if a != b]
        elif isinstance(node, sp.Piecewise):
            for _, cond in node.args:
                if isinstance(cond, sp.core.relational.Relational):
                    out.append(cond.lhs - cond.rhs)
    return out


def _concrete(p):
    """L, the params and the gradients with n = 3, i = 2 and indexed entries
    as plain symbols."""
    L = p.L
    grads = [p.grad(q) for q in p.params]
    params = list(p.params)
    if any(isinstance(q, sp.Indexed) for q in params):
        n, i = p.symbols.bound("n"), p.symbols.index("i")
        L = L.xreplace({n: 3}).doit()
        grads = [g.xreplace({n: 3, i: 2}).doit() for g in grads]
        params = [q.xreplace({i: 2}) for q in params]
    plain = {}
    for e in [L, *grads]:
        for a in e.atoms(sp.Indexed):
            plain[a] = sp.Symbol(f"{a.base}_{a.indices[0]}", real=True)
    return L.xreplace(plain), [g.xreplace(plain) for g in grads], [plain.get(q, q) for q in params]


def _check_gradients(model, loss, points, seed):
    p = problem(model, loss)
    L, grads, params = _concrete(p)
    syms = sorted(L.free_symbols | set(params), key=sp.default_sort_key)
    fL = sp.lambdify(syms, L, modules=MODULES)
    fg = [sp.lambdify(syms, g, modules=MODULES) for g in grads]
    kinks = [sp.lambdify(syms, k, modules=MODULES) for k in _kinks(L)]
    reqs = [sp.lambdify(syms, r.lhs - r.rhs, modules=MODULES) for r in p.requirements
            if isinstance(r, (sp.StrictGreaterThan,))]
    onehot = [s for s in syms if s.name in ("y1", "y2", "y3")]
    rng = np.random.default_rng(seed)
    mp.dps = 50
    h = mpmath.mpf(10) ** -20
    done = 0
    for _ in range(50 * points):
        if done == points:
            break
        point = {}
        for s in syms:
            dom = p.domain(p.symbols.symbol(s.name)) if s.name in p.symbols else p.domain(s)
            point[s] = _moderate(dom, rng)[0]
        if onehot:
            k = int(rng.integers(0, 3))
            for j, s in enumerate(sorted(onehot, key=lambda s: s.name)):
                point[s] = mpmath.mpf(int(j == k))
        args = [point[s] for s in syms]
        if any(abs(k(*args)) < 1e-6 for k in kinks) or any(r(*args) <= 0 for r in reqs):
            continue
        for q, g in zip(params, fg):
            j = syms.index(q)
            up, down = list(args), list(args)
            up[j] += h
            down[j] -= h
            fd = (fL(*up) - fL(*down)) / (2 * h)
            val = g(*args)
            scale = 1 + abs(val) + abs(fL(*args))
            assert abs(fd - val) <= mpmath.mpf(10) ** -15 * scale, (model, loss, q, point, fd, val)
        done += 1
    assert done == points, f"only {done} admissible points away from kinks"


@pytest.mark.parametrize("model,loss", COMPATIBLE)
def test_gradient_matches_finite_difference(model, loss):
    _check_gradients(model, loss, points=3, seed=zlib.crc32(f'{model}/{loss}'.encode()))


@pytest.mark.slow
@pytest.mark.parametrize("model,loss", COMPATIBLE)
def test_gradient_matches_finite_difference_many_points(model, loss):
    _check_gradients(model, loss, points=40, seed=1 + zlib.crc32(f'{model}/{loss}'.encode()))


@pytest.mark.parametrize("model,loss", COMPATIBLE)
def test_derivations_verify(model, loss):
    p = problem(model, loss)
    for q in p.params:
        d = p.derivation(q)
        d.verify()
        assert d.result == p.grad(q)
