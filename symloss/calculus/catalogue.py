"""Named models and losses: formula, domains, PyTorch definition.

A :class:`ModelSpec` gives the prediction ŷ as a function of parameters and
inputs; a :class:`LossSpec` gives the loss as a function of ``yhat``, the
label ``y`` and hyper-parameters.  Formulas are SymPy expressions over plain
real symbols (one per name); :mod:`symloss.problem` rebinds every symbol by
name to the symbol of its ``SymbolTable``, so the assumptions a domain implies
are attached there, not here.

``matches`` is the PyTorch expression the formula equals (``None`` when there
is no PyTorch counterpart).  The squared loss here is ``½(ŷ − y)²``, so its
``matches`` says ``0.5 * mse_loss(...)``; ``mse`` is PyTorch's loss exactly.

Vector predictions: the ``softmax3`` model has three outputs, the logits
``z_k = w_k x + b_k``; the ``softmax_ce`` loss reads them as ``yhat1, yhat2,
yhat3`` with a one-hot label ``(y1, y2, y3)`` (each in ``{0, 1}``, summing to
1, a constraint that becomes a hypothesis of the problem).

>>> CATALOGUE.loss('bce').name, CATALOGUE.loss('binary_cross_entropy').name
('bce', 'bce')
>>> CATALOGUE.model('logistic').formula
sigmoid(b + w*x)
>>> CATALOGUE.compatible('linear', 'bce')
Compatibility(ok=False, reason="loss 'bce' needs a probability in (0, 1) but model 'linear' outputs any real number", requirements=())
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Iterable, Mapping

import sympy as sp

from ..errors import InvalidArgument
from ..language.functions import relu, sigmoid, softplus


# naming conventions of the catalogue's data: inputs x, x_1, x2, ...; labels y, y_1, y2, ...
_INPUT = re.compile(r"x(_\w*|\d+)?\Z")
_LABEL = re.compile(r"y(_\w*|\d+)?\Z")


def is_input_name(name: str) -> bool:
    """``x``, ``x_…`` or ``x<digits>``.

    >>> is_input_name('x'), is_input_name('x_2'), is_input_name('x3'), is_input_name('xi')
    (True, True, True, False)
    """
    return bool(_INPUT.match(name))


def is_label_name(name: str) -> bool:
    """``y``, ``y_…`` or ``y<digits>`` (not ``yhat``).

    >>> is_label_name('y'), is_label_name('y2'), is_label_name('yhat')
    (True, True, False)
    """
    return bool(_LABEL.match(name))


__all__ = [
    "is_input_name",
    "is_label_name",
    "ModelSpec",
    "LossSpec",
    "Compatibility",
    "Catalogue",
    "CATALOGUE",
    "compatible",
    "OUTPUT_KINDS",
    "INPUT_KINDS",
]

#: What a model's prediction ranges over.
OUTPUT_KINDS = {
    "real": "any real number",
    "bounded": "a real number in (-1, 1)",
    "probability": "a probability in (0, 1)",
    "positive": "a positive number",
    "nonnegative": "a nonnegative number",
    "logits": "a vector of real logits",
}

#: What a loss expects as its prediction argument.
INPUT_KINDS = {
    "real": "a real prediction",
    "score": "a real score or logit",
    "probability": "a probability in (0, 1)",
    "positive": "a positive rate",
    "log_rate": "a real log-rate",
    "logits": "a vector of logits",
}

#: Outputs that already went through an inverse link (σ, exp, softplus, relu):
#: the loss to pair such a model with, named in refusals.
_LINKED_OUTPUT_LOSS = {"probability": ("bce", "probabilities"),
                       "positive": ("poisson_nll_identity", "positive rates"),
                       "nonnegative": ("poisson_nll_identity", "rates")}


def _s(name: str) -> sp.Symbol:
    return sp.Symbol(name, real=True)


def _ib(name: str) -> sp.IndexedBase:
    return sp.IndexedBase(name, real=True)


@dataclass(frozen=True)
class ModelSpec:
    """A named model ŷ = f(θ, x).

    ``outputs`` holds one expression per prediction component (one for a
    scalar model); ``params`` and ``inputs`` are names (an indexed name such
    as ``w`` in ``Sum(w[j]*x[j], (j, 1, n))`` stands for the family ``w[i]``);
    ``domains`` maps names to domain strings; ``output`` is a key of
    :data:`OUTPUT_KINDS`.
    """

    name: str
    outputs: tuple[sp.Expr, ...]
    params: tuple[str, ...]
    inputs: tuple[str, ...]
    doc: str
    output: str = "real"
    domains: Mapping[str, str] = field(default_factory=dict)
    aliases: tuple[str, ...] = ()
    indexed: tuple[str, ...] = ()

    @property
    def formula(self) -> sp.Expr:
        """The prediction (the first output for vector models)."""
        return self.outputs[0]

    @property
    def arity(self) -> int:
        return len(self.outputs)


@dataclass(frozen=True)
class LossSpec:
    """A named loss ℓ(ŷ, y; hyper-parameters).

    ``formula`` is written in ``yhat`` (or ``yhat1..yhatK`` for ``arity`` K),
    labels and hyper-parameters; ``domains`` maps label and hyper-parameter
    names to domain strings; ``input`` is a key of :data:`INPUT_KINDS`;
    ``constraints`` are extra hypotheses (SymPy booleans) such as a one-hot
    label summing to one; ``matches`` is the PyTorch expression the formula
    equals, or ``None``.
    """

    name: str
    formula: sp.Expr
    doc: str
    input: str = "real"
    labels: tuple[str, ...] = ("y",)
    hyper: tuple[str, ...] = ()
    domains: Mapping[str, str] = field(default_factory=dict)
    matches: str | None = None
    aliases: tuple[str, ...] = ()
    arity: int = 1
    constraints: tuple[sp.Basic, ...] = ()

    @property
    def prediction_names(self) -> tuple[str, ...]:
        """The names the formula uses for ŷ."""
        if self.arity == 1:
            return ("yhat",)
        return tuple(f"yhat{k}" for k in range(1, self.arity + 1))


@dataclass(frozen=True)
class Compatibility:
    """Whether a model and a loss make sense together.

    ``requirements`` lists conditions on ŷ (as text, e.g. ``"yhat > 0"``)
    that do not follow from the model and become hypotheses of the problem.
    """

    ok: bool
    reason: str = ""
    requirements: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return self.ok


class Catalogue:
    """A registry of models and losses, looked up by name or alias.

    >>> cat = Catalogue()
    >>> cat.add_model(ModelSpec('id', (sp.Symbol('w', real=True),), ('w',), (), 'ŷ = w'))
    >>> cat.model('id').params
    ('w',)
    >>> cat.model('idd')
    Traceback (most recent call last):
    ...
    symloss.errors.InvalidArgument: unknown model 'idd'; did you mean 'id'?
    """

    def __init__(self, models: Iterable[ModelSpec] = (), losses: Iterable[LossSpec] = ()):
        self._models: dict[str, ModelSpec] = {}
        self._losses: dict[str, LossSpec] = {}
        self._model_alias: dict[str, str] = {}
        self._loss_alias: dict[str, str] = {}
        for m in models:
            self.add_model(m)
        for l in losses:
            self.add_loss(l)

    # registration -------------------------------------------------------
    def add_model(self, spec: ModelSpec) -> None:
        """Register ``spec`` under its name and aliases."""
        for key in (spec.name, *spec.aliases):
            if key in self._model_alias:
                raise InvalidArgument(f"model name {key!r} is already registered")
            self._model_alias[key] = spec.name
        self._models[spec.name] = spec

    def add_loss(self, spec: LossSpec) -> None:
        """Register ``spec`` under its name and aliases."""
        for key in (spec.name, *spec.aliases):
            if key in self._loss_alias:
                raise InvalidArgument(f"loss name {key!r} is already registered")
            self._loss_alias[key] = spec.name
        self._losses[spec.name] = spec

    # lookup ---------------------------------------------------------------
    @staticmethod
    def _lookup(kind: str, name: str, alias: dict, table: dict):
        if not isinstance(name, str):
            raise InvalidArgument(f"{kind} name must be a string, got {name!r}")
        key = name.strip().lower().replace("-", "_")
        if key in alias:
            return table[alias[key]]
        close = difflib.get_close_matches(key, list(alias), n=3, cutoff=0.6)
        hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else (
            f"; known {kind}s: {', '.join(sorted(table))}"
        )
        raise InvalidArgument(f"unknown {kind} {name!r}{hint}")

    def model(self, name: str) -> ModelSpec:
        """The model called ``name`` (or one of its aliases).

        >>> CATALOGUE.model('affine').name
        'linear'
        """
        return self._lookup("model", name, self._model_alias, self._models)

    def loss(self, name: str) -> LossSpec:
        """The loss called ``name`` (or one of its aliases).

        >>> CATALOGUE.loss('MSE').matches
        "torch.nn.functional.mse_loss(input=yhat, target=y, reduction='none')"
        """
        return self._lookup("loss", name, self._loss_alias, self._losses)

    def has_model(self, name: str) -> bool:
        return isinstance(name, str) and name.strip().lower().replace("-", "_") in self._model_alias

    def has_loss(self, name: str) -> bool:
        return isinstance(name, str) and name.strip().lower().replace("-", "_") in self._loss_alias

    @property
    def models(self) -> tuple[ModelSpec, ...]:
        return tuple(self._models.values())

    @property
    def losses(self) -> tuple[LossSpec, ...]:
        return tuple(self._losses.values())

    # compatibility ----------------------------------------------------------
    def compatible(self, model: "str | ModelSpec", loss: "str | LossSpec") -> Compatibility:
        """Whether ``model``'s prediction is an admissible input of ``loss``.

        >>> CATALOGUE.compatible('relu_neuron', 'poisson_nll_identity')
        Compatibility(ok=True, reason="model 'relu_neuron' can output 0; the rate must be positive", requirements=('yhat > 0',))
        >>> CATALOGUE.compatible('logistic', 'hinge').ok
        False
        """
        m = self.model(model) if isinstance(model, str) else model
        l = self.loss(loss) if isinstance(loss, str) else loss
        return _compatible(m, l)

    def pairs(self) -> list[tuple[ModelSpec, LossSpec, Compatibility]]:
        """Every model × loss pair with its compatibility.

        >>> sum(c.ok for _, _, c in CATALOGUE.pairs())
        179
        """
        return [(m, l, _compatible(m, l)) for m in self.models for l in self.losses]


def _output_head(m: ModelSpec) -> str:
    """The outermost function of a model's output (``sigmoid``, ``exp``), as
    named in refusals."""
    f = m.formula
    if isinstance(f, sp.Function):
        return {"sigmoid": "σ"}.get(f.func.__name__, f.func.__name__)
    return "an inverse link"


def _compatible(m: ModelSpec, l: LossSpec) -> Compatibility:
    out, need = m.output, l.input
    if (out == "logits") != (need == "logits") or m.arity != l.arity:
        return Compatibility(
            False,
            f"loss {l.name!r} takes {l.arity} prediction(s) but model {m.name!r} outputs {m.arity}",
        )
    if need in ("real", "logits"):
        return Compatibility(True)
    if need in ("score", "log_rate"):
        # the loss applies its own inverse link to a real number (σ to a logit,
        # exp to a log-rate); a model whose output already went through that
        # kind of link would have it applied twice: σ(σ(η)) or exp(exp(η)).
        # A log-rate is read by exp, so every rate-like output (positive,
        # nonnegative, probability) is refused; a score only a probability
        # (a positive score is still a score: poisson + exponential is exp(−y·e^η)).
        linked = out in _LINKED_OUTPUT_LOSS if need == "log_rate" else out == "probability"
        if linked:
            head = _output_head(m)
            if need == "log_rate":
                why = f"{head} already applied, and the loss takes exp of it again"
            else:
                why = f"a squashed score: {head} already applied"
            alt, noun = _LINKED_OUTPUT_LOSS[out]
            return Compatibility(
                False,
                f"loss {l.name!r} needs {INPUT_KINDS[need]} but model {m.name!r} outputs {OUTPUT_KINDS[out]} "
                f"({why}); pair 'linear' with {l.name!r}, or {m.name!r} with a loss on {noun} such as {alt!r}",
            )
        return Compatibility(True)
    if need == "probability":
        if out == "probability":
            return Compatibility(True)
        return Compatibility(
            False, f"loss {l.name!r} needs {INPUT_KINDS[need]} but model {m.name!r} outputs {OUTPUT_KINDS[out]}"
        )
    if need == "positive":
        if out in ("positive", "probability"):
            return Compatibility(True)
        if out == "nonnegative":
            return Compatibility(
                True, f"model {m.name!r} can output 0; the rate must be positive", ("yhat > 0",)
            )
        return Compatibility(
            False, f"loss {l.name!r} needs {INPUT_KINDS[need]} but model {m.name!r} outputs {OUTPUT_KINDS[out]}"
        )
    raise InvalidArgument(f"unknown loss input kind {need!r} in loss {l.name!r}")  # pragma: no cover


# --------------------------------------------------------------------------
# the default catalogue
# --------------------------------------------------------------------------

w, b, v, c, x = map(_s, ("w", "b", "v", "c", "x"))
yhat, y = _s("yhat"), _s("y")
_W, _X = _ib("w"), _ib("x")
_j = sp.Symbol("j", integer=True)
_n = sp.Symbol("n", integer=True, positive=True)
_z = w * x + b
_T = "torch.nn.functional."


def _linear3():
    ws = [_s(f"w{k}") for k in (1, 2, 3)]
    xs = [_s(f"x{k}") for k in (1, 2, 3)]
    return sum((a * u for a, u in zip(ws, xs)), sp.S.Zero) + b


def _softmax_logits():
    return tuple(_s(f"w{k}") * x + _s(f"b{k}") for k in (1, 2, 3))


_MODELS = [
    ModelSpec("linear", (_z,), ("w", "b"), ("x",), "Affine scalar model ŷ = w x + b.",
              aliases=("affine",)),
    ModelSpec("linear_n", (sp.Sum(_W[_j] * _X[_j], (_j, 1, _n)) + b,), ("w", "b"), ("x",),
              "n-feature linear model ŷ = Σ_j w_j x_j + b with symbolic n (indexed w, x).",
              domains={"n": "positive integer"}, indexed=("w", "x"), aliases=("linear_indexed",)),
    ModelSpec("linear3", (_linear3(),), ("w1", "w2", "w3", "b"), ("x1", "x2", "x3"),
              "Three-feature linear model ŷ = w1 x1 + w2 x2 + w3 x3 + b."),
    ModelSpec("logistic", (sigmoid(_z),), ("w", "b"), ("x",),
              "Logistic regression ŷ = σ(w x + b).", output="probability",
              aliases=("sigmoid_neuron",)),
    ModelSpec("tanh_neuron", (sp.tanh(_z),), ("w", "b"), ("x",),
              "Single tanh neuron ŷ = tanh(w x + b).", output="bounded"),
    ModelSpec("relu_neuron", (relu(_z),), ("w", "b"), ("x",),
              "Single ReLU neuron ŷ = max(0, w x + b); its derivative at 0 is taken as 0.", output="nonnegative"),
    ModelSpec("softplus_neuron", (softplus(_z),), ("w", "b"), ("x",),
              "Single softplus neuron ŷ = softplus(w x + b).", output="positive"),
    ModelSpec("poisson", (sp.exp(_z),), ("w", "b"), ("x",),
              "Poisson GLM mean ŷ = exp(w x + b).", output="positive", aliases=("exp_linear",)),
    ModelSpec("cubic", (w**3 * x,), ("w",), ("x",),
              "Polynomial in one parameter ŷ = w³ x.", aliases=("polynomial",)),
    ModelSpec("deep_linear", (w * v * x,), ("w", "v"), ("x",),
              "Two-layer linear network without bias ŷ = v w x."),
    ModelSpec("two_layer", (v * sp.tanh(_z) + c,), ("w", "b", "v", "c"), ("x",),
              "One hidden tanh unit ŷ = v tanh(w x + b) + c.", aliases=("two_layer_tanh",)),
    ModelSpec("two_layer_relu", (v * relu(_z) + c,), ("w", "b", "v", "c"), ("x",),
              "One hidden ReLU unit ŷ = v max(0, w x + b) + c."),
    ModelSpec("softmax3", _softmax_logits(), ("w1", "w2", "w3", "b1", "b2", "b3"), ("x",),
              "Softmax regression over K = 3 classes; outputs the logits z_k = w_k x + b_k.",
              output="logits", aliases=("softmax",)),
]

_r = yhat - y
_delta, _beta, _tau, _var, _cs = map(_s, ("delta", "beta", "tau", "var", "gamma"))


def _softmax_ce():
    zs = [_s(f"yhat{k}") for k in (1, 2, 3)]
    ys = [_s(f"y{k}") for k in (1, 2, 3)]
    lse = sp.log(sum((sp.exp(z) for z in zs), sp.S.Zero))
    return lse - sum((a * z for a, z in zip(ys, zs)), sp.S.Zero), sp.Eq(sum(ys, sp.S.Zero), 1)


_CE, _ONEHOT = _softmax_ce()

_LOSSES = [
    LossSpec("squared", _r**2 / 2, "Half squared error ½(ŷ − y)².",
             matches=f"0.5 * {_T}mse_loss(input=yhat, target=y, reduction='none')",
             aliases=("half_squared", "l2_half")),
    LossSpec("mse", _r**2, "Squared error (ŷ − y)², PyTorch's mse_loss.",
             matches=f"{_T}mse_loss(input=yhat, target=y, reduction='none')",
             aliases=("squared_torch", "l2")),
    LossSpec("absolute", sp.Abs(_r), "Absolute error |ŷ − y|; derivative sign(ŷ − y), 0 at the kink.",
             matches=f"{_T}l1_loss(input=yhat, target=y, reduction='none')",
             aliases=("l1", "mae")),
    LossSpec("huber", sp.Piecewise((_r**2 / 2, sp.Abs(_r) < _delta), (_delta * (sp.Abs(_r) - _delta / 2), True)),
             "Huber loss: ½r² for |r| < δ, else δ(|r| − δ/2), with r = ŷ − y.",
             hyper=("delta",), domains={"delta": "positive"},
             matches=f"{_T}huber_loss(input=yhat, target=y, delta=delta, reduction='none')"),
    LossSpec("smooth_l1", sp.Piecewise((_r**2 / (2 * _beta), sp.Abs(_r) < _beta), (sp.Abs(_r) - _beta / 2, True)),
             "Smooth L1: r²/(2β) for |r| < β, else |r| − β/2, with r = ŷ − y.",
             hyper=("beta",), domains={"beta": "positive"},
             matches=f"{_T}smooth_l1_loss(input=yhat, target=y, beta=beta, reduction='none')"),
    LossSpec("log_cosh", sp.log(sp.cosh(_r)), "Log-cosh loss log(cosh(ŷ − y)).",
             matches="torch.log(torch.cosh(yhat - y))", aliases=("logcosh",)),
    LossSpec("quantile", sp.Max(_tau * (y - yhat), (_tau - 1) * (y - yhat)),
             "Quantile (pinball) loss max(τ(y − ŷ), (τ − 1)(y − ŷ)).",
             hyper=("tau",), domains={"tau": "(0, 1)"},
             matches="torch.maximum(tau * (y - yhat), (tau - 1) * (y - yhat))", aliases=("pinball",)),
    LossSpec("bce", -(y * sp.log(yhat) + (1 - y) * sp.log(1 - yhat)),
             "Binary cross-entropy on probabilities −(y log ŷ + (1 − y) log(1 − ŷ)) "
             "(PyTorch clamps each log at −100, so the two agree for ŷ ∈ (e^−100, 1 − e^−100)).",
             input="probability", domains={"y": "{0, 1}"},
             matches=f"{_T}binary_cross_entropy(input=yhat, target=y, reduction='none')",
             aliases=("binary_cross_entropy", "log_loss", "cross_entropy_binary")),
    LossSpec("bce_soft", -(y * sp.log(yhat) + (1 - y) * sp.log(1 - yhat)),
             "Binary cross-entropy with soft labels y ∈ [0, 1].",
             input="probability", domains={"y": "[0, 1]"},
             matches=f"{_T}binary_cross_entropy(input=yhat, target=y, reduction='none')"),
    LossSpec("bce_logits", softplus(yhat) - y * yhat,
             "Binary cross-entropy on a logit: softplus(ŷ) − y ŷ = −(y log σ(ŷ) + (1 − y) log(1 − σ(ŷ))).",
             input="score", domains={"y": "{0, 1}"},
             matches=f"{_T}binary_cross_entropy_with_logits(input=yhat, target=y, reduction='none')",
             aliases=("bce_with_logits", "binary_cross_entropy_with_logits")),
    LossSpec("logistic", softplus(-y * yhat),
             "Logistic (soft-margin) loss log(1 + exp(−y ŷ)) with labels ±1.",
             input="score", domains={"y": "{-1, 1}"},
             matches=f"{_T}soft_margin_loss(input=yhat, target=y, reduction='none')",
             aliases=("soft_margin", "logistic_margin")),
    LossSpec("hinge", relu(1 - y * yhat), "Hinge loss max(0, 1 − y ŷ) with labels ±1.",
             input="score", domains={"y": "{-1, 1}"},
             matches="torch.relu(1 - y * yhat)"),
    LossSpec("squared_hinge", relu(1 - y * yhat) ** 2, "Squared hinge loss max(0, 1 − y ŷ)² with labels ±1.",
             input="score", domains={"y": "{-1, 1}"},
             matches="torch.relu(1 - y * yhat) ** 2"),
    LossSpec("exponential", sp.exp(-y * yhat), "Exponential (AdaBoost) loss exp(−y ŷ) with labels ±1.",
             input="score", domains={"y": "{-1, 1}"},
             matches="torch.exp(-y * yhat)"),
    LossSpec("poisson_nll", sp.exp(yhat) - y * yhat,
             "Poisson negative log-likelihood, log link: ŷ is the log-rate; exp(ŷ) − y ŷ.",
             input="log_rate", domains={"y": "nonnegative"},
             matches=f"{_T}poisson_nll_loss(input=yhat, target=y, log_input=True, full=False, reduction='none')",
             aliases=("poisson_log", "poisson_nll_log")),
    LossSpec("poisson_nll_identity", yhat - y * sp.log(yhat),
             "Poisson negative log-likelihood, identity link: ŷ > 0 is the rate; ŷ − y log ŷ.",
             input="positive", domains={"y": "nonnegative"},
             matches=f"{_T}poisson_nll_loss(input=yhat, target=y, log_input=False, full=False, eps=0.0, reduction='none')",
             aliases=("poisson_identity",)),
    LossSpec("gaussian_nll", (sp.log(_var) + _r**2 / _var) / 2,
             "Gaussian negative log-likelihood ½(log var + (ŷ − y)²/var), var > 0 "
             "(PyTorch clamps var below at eps = 1e-6; equal for var ≥ 1e-6).",
             hyper=("var",), domains={"var": "positive"},
             matches=f"{_T}gaussian_nll_loss(input=yhat, target=y, var=var, full=False, eps=1e-06, reduction='none')",
             aliases=("gaussian",)),
    LossSpec("cauchy", _cs**2 / 2 * sp.log(1 + (_r / _cs) ** 2),
             "Cauchy (Lorentzian) loss (γ²/2) log(1 + ((ŷ − y)/γ)²), scale γ > 0 "
             "(named gamma so it does not clash with the bias c of two-layer models).",
             hyper=("gamma",), domains={"gamma": "positive"},
             matches="(gamma ** 2 / 2) * torch.log1p(((yhat - y) / gamma) ** 2)", aliases=("lorentzian",)),
    LossSpec("softmax_ce", _CE,
             "Softmax cross-entropy of logits (ŷ1, ŷ2, ŷ3) against a one-hot label (y1, y2, y3): "
             "log Σ_k exp(ŷ_k) − Σ_k y_k ŷ_k.",
             input="logits", labels=("y1", "y2", "y3"), arity=3,
             domains={"y1": "{0, 1}", "y2": "{0, 1}", "y3": "{0, 1}"}, constraints=(_ONEHOT,),
             matches=f"{_T}cross_entropy(input=torch.stack([yhat1, yhat2, yhat3]), "
                     "target=torch.stack([y1, y2, y3]), reduction='none')",
             aliases=("cross_entropy", "ce")),
    LossSpec("kl_div", y * (sp.log(y) - sp.log(yhat)),
             "Pointwise Kullback-Leibler term y (log y − log ŷ) with target y ∈ (0, 1] and ŷ ∈ (0, 1).",
             input="probability", domains={"y": "(0, 1]"},
             matches=f"{_T}kl_div(input=torch.log(yhat), target=y, reduction='none')",
             aliases=("kl",)),
]

#: The default catalogue.
CATALOGUE = Catalogue(_MODELS, _LOSSES)


def compatible(model: "str | ModelSpec", loss: "str | LossSpec") -> Compatibility:
    """:meth:`Catalogue.compatible` on the default :data:`CATALOGUE`.

    >>> compatible('poisson', 'poisson_nll_identity').ok
    True
    """
    return CATALOGUE.compatible(model, loss)
