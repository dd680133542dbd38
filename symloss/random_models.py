"""Random model *expressions* and model/loss problems, simplest first.

The catalogue holds a dozen named models; a claim that is meant to hold for
"every reasonable model" needs more: affine maps, activations composed to a
bounded depth, products and powers of parameters, small two-layer nets.  This
module describes such models by a small frozen value, :class:`ModelExpr`::

    weight*x [+ bias]  →  act_1(…)  →  …  →  act_k(…)  [→ v*(…) [+ c]]

and a problem by :class:`ProblemSpec` (a model, a catalogue loss whose
hyper-parameters are fixed to valid exact values, label domains).  Both print
as text in the parser's language, so a spec is also a ``[[claim]]`` table
(:meth:`ProblemSpec.table`) that ``symloss check`` re-reads.

*Simplicity* is a total order (:meth:`ModelExpr.key`, :meth:`ProblemSpec.key`):
fewer activations, no outer layer, the weight ``w`` before products and
powers, no bias before a symbolic one before constants, activations and
losses in vocabulary/catalogue order, hyper-parameters at their simplest
value.  :meth:`ProblemSpec.simplifications` lists the one-step-simpler specs
inside the same family; ``symloss explore`` shrinks with them, and the
Hypothesis strategies (:func:`model_exprs`, :func:`problem_specs`) are built
so that Hypothesis's own shrinking moves the same way.

Families (see :data:`FAMILIES`):

* ``glm`` — ``link(w*x [+ b])`` with ``link`` identity, σ or exp;
* ``neuron`` — one to ``depth`` activations over ``w*x [+ b]``;
* ``deep_linear`` — products of parameters ``w*v*x`` (``w*v*u*x``);
* ``polynomial`` — powers of a parameter ``w**2*x``, ``w**3*x``;
* ``two_layer`` — ``v*act(w*x [+ b]) [+ c]``;
* ``any`` — all of the above combined, up to ``depth`` activations.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Iterable, Iterator, Mapping

import sympy as sp
from hypothesis import strategies as st
from sympy.printing.str import StrPrinter

from .calculus.catalogue import CATALOGUE, LossSpec, ModelSpec
from .errors import InvalidArgument

__all__ = [
    "ACTIVATIONS",
    "FAMILIES",
    "CANONICAL",
    "Family",
    "ModelExpr",
    "ProblemSpec",
    "expression_text",
    "model_exprs",
    "problem_specs",
    "random_spec",
]


@dataclass(frozen=True)
class Activation:
    """One activation: its text template in ``{z}`` and what it outputs
    (a key of :data:`symloss.calculus.catalogue.OUTPUT_KINDS`)."""

    name: str
    template: str
    output: str
    sum: bool = False  # the text is a sum: bracket it before multiplying

    def apply(self, inner: str) -> str:
        return self.template.format(z=inner)


#: The activation vocabulary, simplest first (the shrink order).
ACTIVATIONS: dict[str, Activation] = {a.name: a for a in [
    Activation("sigmoid", "sigmoid({z})", "probability"),
    Activation("tanh", "tanh({z})", "bounded"),
    Activation("relu", "relu({z})", "nonnegative"),
    Activation("softplus", "softplus({z})", "positive"),
    Activation("exp", "exp({z})", "positive"),
    Activation("cube", "({z})**3", "real"),
    Activation("square", "({z})**2", "nonnegative"),
    Activation("z_minus_tanh", "{z} - tanh({z})", "real", sum=True),
    Activation("swish", "({z})*sigmoid({z})", "real"),
]}

#: Biases (of the affine map and of the outer layer), simplest first: none
#: (0), the symbolic parameter, then small constants.
BIASES = (None, "sym", "1", "-1", "2", "1/2")
#: Weights of the affine map, simplest first.
WEIGHTS = ("w", "w*v", "w**2", "w**3", "w*v*u")


@dataclass(frozen=True)
class Family:
    """Which :class:`ModelExpr` values a family admits."""

    name: str
    weights: tuple
    activations: tuple
    min_acts: int
    max_acts: int | None  # None: the depth option decides
    outer: tuple  # allowed values of ModelExpr.outer, simplest first
    doc: str

    def admits(self, m: "ModelExpr", depth: int) -> bool:
        top = depth if self.max_acts is None else min(depth, self.max_acts)
        return (m.weight in self.weights and all(a in self.activations for a in m.acts)
                and self.min_acts <= len(m.acts) <= max(top, self.min_acts) and m.outer in self.outer
                and (m.outer or m.outer_bias is None) and (bool(m.acts) or not m.outer))


_ALL = tuple(ACTIVATIONS)
#: The model families, by name.
FAMILIES: dict[str, Family] = {f.name: f for f in [
    Family("glm", ("w",), ("sigmoid", "exp"), 0, 1, (False,), "link(w*x + b), link identity, σ or exp"),
    Family("neuron", ("w",), _ALL, 1, None, (False,), "activations over w*x + b"),
    Family("deep_linear", ("w*v", "w*v*u"), (), 0, 0, (False,), "products of parameters: w*v*x"),
    Family("polynomial", ("w**2", "w**3"), (), 0, 0, (False,), "powers of a parameter: w**3*x"),
    Family("two_layer", ("w",), _ALL, 1, 1, (True,), "v*act(w*x + b) + c"),
    Family("any", WEIGHTS, _ALL, 0, None, (False, True), "any of the above, composed"),
]}

#: Canonical (GLM link, loss) pairs with the label domains that give every
#: data point a unique minimiser: identity with squared error, logit losses
#: and the log-link Poisson loss; σ with cross-entropy; exp with the Poisson
#: rate loss.
CANONICAL: dict = {
    (): (("squared", ()), ("mse", ()), ("bce_logits", (("y", "(0, 1)"),)), ("poisson_nll", (("y", "positive"),))),
    ("sigmoid",): (("bce_soft", (("y", "(0, 1)"),)),),
    ("exp",): (("poisson_nll_identity", (("y", "positive"),)),),
}


def _family(name: str) -> Family:
    if name not in FAMILIES:
        raise InvalidArgument(f"unknown model family {name!r}; known families: {', '.join(FAMILIES)}")
    return FAMILIES[name]


def _depth(depth) -> int:
    if isinstance(depth, bool) or not isinstance(depth, int) or not 1 <= depth <= 4:
        raise InvalidArgument(f"depth must be an integer from 1 to 4, got {depth!r}")
    return depth


def _plus(text: str, const: str | None, sym: str) -> str:
    if const is None:
        return text
    if const == "sym":
        return f"{text} + {sym}"
    return f"{text} - {const[1:]}" if const.startswith("-") else f"{text} + {const}"


@dataclass(frozen=True)
class ModelExpr:
    """``weight*x [+ bias]``, then ``acts`` (innermost first), then
    optionally ``v*(…) [+ outer_bias]``.  ``bias``/``outer_bias`` are one of
    :data:`BIASES` (``"sym"`` is the parameter ``b`` / ``c``).

    >>> ModelExpr("w", "sym", ("tanh",), True, "sym").text
    'v*tanh(w*x + b) + c'
    >>> ModelExpr("w**3").text, ModelExpr("w", "-1", ("cube",)).text
    ('w**3*x', '(w*x - 1)**3')
    """

    weight: str = "w"
    bias: str | None = None
    acts: tuple = ()
    outer: bool = False
    outer_bias: str | None = None

    @property
    def text(self) -> str:
        """The model as parser text."""
        z = _plus(f"{self.weight}*x", self.bias, "b")
        for a in self.acts:
            z = ACTIVATIONS[a].apply(z)
        if self.outer:
            z = _plus(f"v*({z})" if self.acts and ACTIVATIONS[self.acts[-1]].sum else f"v*{z}", self.outer_bias, "c")
        return z

    @property
    def output(self) -> str:
        """What the prediction ranges over (an ``OUTPUT_KINDS`` key)."""
        if self.outer or not self.acts:
            return "real"
        return ACTIVATIONS[self.acts[-1]].output

    def key(self) -> tuple:
        """Simplicity: smaller is simpler."""
        return (len(self.acts), self.outer, WEIGHTS.index(self.weight), BIASES.index(self.bias),
                BIASES.index(self.outer_bias), tuple(_ALL.index(a) for a in self.acts))

    def simplifications(self) -> Iterator["ModelExpr"]:
        """One-step-simpler models (not filtered by family), simplest first."""
        out = []
        if self.outer:
            out.append(replace(self, outer=False, outer_bias=None))
        for i in range(len(self.acts)):
            out.append(replace(self, acts=self.acts[:i] + self.acts[i + 1:]))
        for w in WEIGHTS[:WEIGHTS.index(self.weight)]:
            out.append(replace(self, weight=w))
        for b in BIASES[:BIASES.index(self.bias)]:
            out.append(replace(self, bias=b))
        for b in BIASES[:BIASES.index(self.outer_bias)]:
            out.append(replace(self, outer_bias=b))
        for i, a in enumerate(self.acts):
            for simpler in _ALL[:_ALL.index(a)]:
                out.append(replace(self, acts=self.acts[:i] + (simpler,) + self.acts[i + 1:]))
        return iter(sorted(out, key=ModelExpr.key))


class _TextPrinter(StrPrinter):
    """SymPy → text our parser reads (abs, max, min, where)."""

    def _print_Abs(self, expr):
        return f"abs({self._print(expr.args[0])})"

    def _print_Max(self, expr):
        return "max(" + ", ".join(self._print(a) for a in expr.args) + ")"

    def _print_Min(self, expr):
        return "min(" + ", ".join(self._print(a) for a in expr.args) + ")"

    def _print_Piecewise(self, expr):
        *pieces, (last, cond) = expr.args
        if cond is not sp.true:
            raise InvalidArgument(f"a piecewise expression without a default piece: {expr}")
        text = self._print(last)
        for value, c in reversed(pieces):
            text = f"where({self._print(c)}, {self._print(value)}, {text})"
        return text


def expression_text(expr: sp.Basic) -> str:
    """``expr`` as text the parser reads back.

    >>> expression_text(CATALOGUE.loss('quantile').formula.subs(sp.Symbol('tau', real=True), sp.Rational(1, 2)))
    'max(yhat/2 - y/2, y/2 - yhat/2)'
    """
    return _TextPrinter(dict(order="none")).doprint(expr)


def _hyper_values(dom_text: str) -> tuple:
    """Valid exact values of a hyper-parameter, simplest first."""
    from .language.domains import parse_domain

    dom = parse_domain(dom_text)
    order = [Fraction(1), Fraction(1, 2), Fraction(2), Fraction(1, 4), Fraction(3, 4)]
    out = tuple(v for v in order if dom.contains(sp.Rational(v.numerator, v.denominator)))
    if not out:  # pragma: no cover - every catalogue hyper-parameter admits one
        raise InvalidArgument(f"no simple value inside the domain {dom_text}")
    return out


def _losses(names) -> list[LossSpec]:
    """Scalar catalogue losses (``names``: None → all), catalogue order."""
    every = [l for l in CATALOGUE.losses if l.arity == 1 and l.input != "logits"]
    if names is None:
        return every
    if isinstance(names, str):
        names = [names]
    chosen = {CATALOGUE.loss(n).name for n in names}
    out = [l for l in every if l.name in chosen]
    if len(out) != len(chosen):
        bad = sorted(chosen - {l.name for l in out})
        raise InvalidArgument(f"loss {bad[0]!r} takes a vector of predictions; explore draws scalar models")
    return out


def _compatible(model: ModelExpr, loss: LossSpec):
    spec = ModelSpec("expression", (sp.Symbol("yhat", real=True),), (), ("x",), model.text, output=model.output)
    return CATALOGUE.compatible(spec, loss)


_LOSS_ORDER = {l.name: i for i, l in enumerate(CATALOGUE.losses)}


@dataclass(frozen=True)
class ProblemSpec:
    """A model expression, a catalogue loss with fixed hyper-parameters
    (``hyper``: name → exact value text) and label-domain overrides
    (``vars``: name → domain).

    >>> s = ProblemSpec(ModelExpr("w", "sym", ("relu",)), "poisson_nll_identity")
    >>> s.loss_text, s.domains, s.assume
    ('yhat - y*log(yhat)', {'y': 'nonnegative'}, ('relu(w*x + b) > 0',))
    """

    model: ModelExpr
    loss: str
    hyper: tuple = ()
    vars: tuple = ()
    family: str = field(default="any", compare=False)
    depth: int = field(default=2, compare=False)

    @property
    def loss_spec(self) -> LossSpec:
        return CATALOGUE.loss(self.loss)

    @property
    def loss_text(self) -> str:
        """The loss in ``yhat`` with the hyper-parameters substituted, as text."""
        l = self.loss_spec
        subs = {sp.Symbol(k, real=True): sp.Rational(Fraction(v).numerator, Fraction(v).denominator)
                for k, v in self.hyper}
        return expression_text(l.formula.xreplace(subs))

    @property
    def domains(self) -> dict:
        """Domains of the loss's labels (catalogue, then overrides)."""
        l = self.loss_spec
        out = {k: v for k, v in l.domains.items() if k not in l.hyper}
        out.update(dict(self.vars))
        return out

    @property
    def assume(self) -> tuple:
        """Conditions on ŷ the model does not guarantee (a ReLU feeding a rate)."""
        comp = _compatible(self.model, self.loss_spec)
        if not comp.ok:
            raise InvalidArgument(f"model {self.model.text!r} and loss {self.loss!r} do not fit: {comp.reason}")
        return tuple(r.replace("yhat", self.model.text) for r in comp.requirements)

    def build(self, vars: Mapping | None = None, assume: Iterable[str] = ()):
        """The :class:`~symloss.problem.Problem`, built from the text fields
        exactly as ``symloss check`` builds the :meth:`table`."""
        from .problem import problem

        doms = {**self.domains, **dict(vars or {})}
        return problem(self.model.text, self.loss_text, vars=doms, assume=[*self.assume, *assume])

    def table(self, claim: str, vars: Mapping | None = None, assume: Iterable[str] = ()) -> dict:
        """The fields of a ``[[claim]]`` table for ``claim`` about this problem."""
        return {"model": self.model.text, "loss": self.loss_text,
                "vars": {**self.domains, **dict(vars or {})},
                "assume": [*self.assume, *assume], "claim": claim}

    def key(self) -> tuple:
        """Simplicity: the model's, then the loss's catalogue position, then
        the hyper-parameters' values."""
        l = self.loss_spec
        hyper = tuple(_hyper_values(l.domains[k]).index(Fraction(v)) for k, v in self.hyper)
        return (self.model.key(), _LOSS_ORDER[self.loss], hyper)

    def simplifications(self, losses=None, canonical: bool = False) -> list["ProblemSpec"]:
        """One-step-simpler specs in the same family (and among ``losses``),
        compatible pairs only, simplest first."""
        fam = _family(self.family)
        out = []
        for m in self.model.simplifications():
            if fam.admits(m, self.depth):
                out += [s for s in self._with_model(m, losses, canonical) if s.key() < self.key()]
        pool = _canonical_losses(self.model, losses) if canonical else [
            (l.name, ()) for l in _losses(losses) if _compatible(self.model, l).ok]
        for name, doms in pool:
            if _LOSS_ORDER[name] < _LOSS_ORDER[self.loss]:
                out.append(replace(self, loss=name, hyper=_simplest_hyper(name), vars=doms))
        l = self.loss_spec
        for i, (k, v) in enumerate(self.hyper):
            for simpler in _hyper_values(l.domains[k]):
                if simpler == Fraction(v):
                    break
                hyper = self.hyper[:i] + ((k, str(simpler)),) + self.hyper[i + 1:]
                out.append(replace(self, hyper=hyper))
        return sorted(dict.fromkeys(out), key=ProblemSpec.key)

    def _with_model(self, m: ModelExpr, losses, canonical) -> list["ProblemSpec"]:
        if canonical:
            pool = _canonical_losses(m, losses)
            if any(n == self.loss for n, _ in pool):
                return [replace(self, model=m)]
            return [replace(self, model=m, loss=n, hyper=_simplest_hyper(n), vars=d) for n, d in pool[:1]]
        if _compatible(m, self.loss_spec).ok:
            return [replace(self, model=m)]
        return []


def _simplest_hyper(loss: str) -> tuple:
    l = CATALOGUE.loss(loss)
    return tuple((k, str(_hyper_values(l.domains[k])[0])) for k in l.hyper)


def _canonical_losses(model: ModelExpr, losses) -> list:
    allowed = {l.name for l in _losses(losses)}
    pairs = CANONICAL.get(model.acts, ()) if not model.outer and model.weight == "w" else ()
    return [(n, d) for n, d in pairs if n in allowed]


def _check_options(family, depth, losses, canonical):
    fam = _family(family)
    depth = _depth(depth)
    if not isinstance(canonical, bool):
        raise InvalidArgument(f"canonical must be True or False, got {canonical!r}")
    if canonical and family != "glm":
        raise InvalidArgument(f"canonical losses are defined for the glm family, not {family!r}")
    pool = _losses(losses)
    if canonical and not any(_canonical_losses(ModelExpr(acts=acts), losses) for acts in CANONICAL):
        raise InvalidArgument("none of the chosen losses is canonical for a GLM link")
    return fam, depth, pool


def _compatible_pool(model: ModelExpr, pool, losses, canonical) -> list:
    if canonical:
        return _canonical_losses(model, losses)
    return [(l.name, ()) for l in pool if _compatible(model, l).ok]


def model_exprs(family: str = "any", depth: int = 2) -> st.SearchStrategy[ModelExpr]:
    """:class:`ModelExpr` values of ``family`` with at most ``depth``
    activations.

    Shrinks towards the simplest model of the family: the weight ``w`` (then
    ``w*v``, ``w**2``, ``w**3``), no bias (then ``b``, then the constants 1,
    −1, 2, ½), fewer activations (a list that shrinks by deleting elements),
    each activation towards σ (vocabulary order: σ, tanh, relu, softplus,
    exp, z³, z², z − tanh z, z·σ(z)), no outer layer.  So an affine neuron
    shrinks to ``sigmoid(w*x)`` and a GLM to ``w*x``.

    >>> from hypothesis import find, settings
    >>> nodb = settings(database=None)
    >>> find(model_exprs('two_layer'), lambda m: True, settings=nodb).text
    'v*sigmoid(w*x)'
    >>> find(model_exprs('any'), lambda m: 'relu' in m.text, settings=nodb).text
    'relu(w*x)'
    """
    fam = _family(family)
    depth = _depth(depth)
    top = depth if fam.max_acts is None else min(depth, fam.max_acts)
    acts = st.lists(st.sampled_from(fam.activations), min_size=fam.min_acts,
                    max_size=max(top, fam.min_acts)) if fam.activations else st.just([])

    def build(weight, bias, chosen, outer, outer_bias):
        outer = outer and bool(chosen)  # an outer layer needs a hidden activation
        return ModelExpr(weight, bias, tuple(chosen), outer, outer_bias if outer else None)

    return st.builds(build, st.sampled_from(fam.weights), st.sampled_from(BIASES), acts,
                     st.sampled_from(fam.outer), st.sampled_from(BIASES))


def problem_specs(family: str = "any", losses=None, *, depth: int = 2,
                  canonical: bool = False) -> st.SearchStrategy[ProblemSpec]:
    """:class:`ProblemSpec` values: a :func:`model_exprs` model with a
    compatible scalar catalogue loss (``losses``: names, default all), its
    hyper-parameters fixed to valid exact values.  With ``canonical`` (glm
    only) each link gets its canonical losses with labels inside the range
    where every data point has a unique minimiser (:data:`CANONICAL`).

    Shrinks as :func:`model_exprs` does, then the loss towards the first
    compatible one in catalogue order (``squared``), then hyper-parameters
    towards 1 (½ for a τ in (0, 1)).  Models for which none of the losses
    fits are skipped.

    >>> from hypothesis import find, settings
    >>> nodb = settings(database=None)
    >>> s = find(problem_specs('glm', ['bce', 'squared']), lambda s: s.loss == 'bce', settings=nodb)
    >>> s.model.text, s.loss
    ('sigmoid(w*x)', 'bce')
    """
    _, depth, pool = _check_options(family, depth, losses, canonical)

    def with_loss(m: ModelExpr):
        choices = _compatible_pool(m, pool, losses, canonical)
        if not choices:
            return st.nothing()

        def finish(choice):
            name, doms = choice
            l = CATALOGUE.loss(name)
            hyper = st.tuples(*[st.sampled_from(_hyper_values(l.domains[k])).map(lambda v, k=k: (k, str(v)))
                                for k in l.hyper])
            return hyper.map(lambda h: ProblemSpec(m, name, tuple(h), doms, family, depth))

        return st.sampled_from(choices).flatmap(finish)

    return model_exprs(family, depth).flatmap(with_loss)


def random_spec(rng: random.Random, family: str = "any", losses=None, *, depth: int = 2,
                canonical: bool = False, tries: int = 100) -> ProblemSpec:
    """One :class:`ProblemSpec` drawn with ``rng`` (reproducible with a
    seeded ``random.Random``), the same distribution of shapes as
    :func:`problem_specs` without Hypothesis.

    >>> random_spec(random.Random(0), 'glm').family
    'glm'
    """
    fam, depth, pool = _check_options(family, depth, losses, canonical)
    top = depth if fam.max_acts is None else min(depth, fam.max_acts)
    for _ in range(tries):
        n = rng.randint(fam.min_acts, max(top, fam.min_acts))
        acts = tuple(rng.choice(fam.activations) for _ in range(n)) if fam.activations else ()
        outer = rng.choice(fam.outer) and bool(acts)
        m = ModelExpr(rng.choice(fam.weights), rng.choice(BIASES), acts, outer,
                      rng.choice(BIASES) if outer else None)
        choices = _compatible_pool(m, pool, losses, canonical)
        if not choices:
            continue
        name, doms = rng.choice(choices)
        l = CATALOGUE.loss(name)
        hyper = tuple((k, str(rng.choice(_hyper_values(l.domains[k])))) for k in l.hyper)
        return ProblemSpec(m, name, hyper, doms, family, depth)
    raise InvalidArgument(f"no model of family {family!r} fits the chosen losses")
