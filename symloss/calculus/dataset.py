"""The empirical risk: per-sample copies of the data and their mean.

With ``samples = N`` a problem is about the empirical risk over a batch of
``N`` samples,

    L(θ) = (1/N) Σ_k ℓ(ŷ(θ, x_k), y_k),

instead of the loss of one sample.  The parameters θ (and hyper-parameters,
and every other symbol) are shared; each *per-sample* symbol of the
single-sample problem gets one copy per sample, in the domain declared for
the original:

* per-sample symbols are the inputs (``x``, ``x_…``, ``x<digits>``), the
  labels (``y``, ``y_…``, ``y<digits>``) and, without a model, a free
  prediction ``yhat``;
* copy ``k`` of ``s`` is named ``s_k`` (``x_1 … x_N``, ``y_1 … y_N``), and
  the prediction of sample ``k`` is ``yhat_k`` (the claim language's name of
  that model output, as ``yhat`` is for one sample);
* these names are reserved: a name of the single-sample problem (in
  ``vars``, ``model``, ``loss``, ``params``, ``hyper``) that equals a copy's
  name is bad input naming both, never a silent merge (``vars = { x_1 =
  "positive" }`` with ``samples = 2`` would otherwise be copy 1 of ``x``).

``samples = 1`` is the single-sample problem itself (the same object
:func:`symloss.problem.problem` builds without ``samples``).  A symbolic
batch size (``samples = "n"``) uses indexed families ``x[i]``, ``y[i]`` and
``L = (1/n) Σ_{i=1}^{n} ℓ(ŷ(θ, x[i]), y[i])`` as a SymPy ``Sum`` (see
:func:`symbolic_problem`).

The batch problem is a :class:`~symloss.problem.Problem` with a tuple model
(one output per sample, like a vector model), so the chain rule, the claim
language (``yhat_k``, ``d(L, yhat_k)``), the hypotheses (every copy in its
domain, every per-sample requirement and definedness condition) and exact
counterexamples (one value per copy) need nothing new.
"""

from __future__ import annotations

import re
from dataclasses import replace

import sympy as sp

from ..errors import InvalidArgument
from ..language.domains import SymbolTable
from ..language.functions import VOCABULARY
from ..language.kernel import substitute

__all__ = ["check_samples", "copy_name", "batch_problem", "expand", "per_sample_symbols", "sample_groups",
           "INDEX_NAME"]

#: The summation index of a symbolic batch (``x[i]``).
INDEX_NAME = "i"
#: names a symbolic number of samples may not take: the claim language's own words
#: (its constants are refused by the symbol table itself); tests/test_round5.py checks
#: this list against the claim builtins and the function vocabulary
_CLAIM_WORDS = frozenset({"L", "yhat", "argmin", "at", "concave", "convex", "corr", "d", "implies",
                          "nondecreasing", "normal", "proportional", "uniform", "sum", "Sum", "Piecewise"}
                         | set(VOCABULARY))

_BATCH_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*\Z")


def check_samples(samples):
    """``samples`` (a batch size) as an ``int``
    >= 1 or the name of a symbolic batch size; anything else is
    :class:`InvalidArgument` naming the value.

    >>> check_samples(3), check_samples("n")
    (3, 'n')
    >>> check_samples(0)
    Traceback (most recent call last):
    ...
    symloss.errors.InvalidArgument: samples must be an integer >= 1 or a name such as "n", got 0
    """
    if isinstance(samples, bool):
        pass
    elif isinstance(samples, int) and samples >= 1:
        return samples
    elif isinstance(samples, str) and _BATCH_NAME.match(samples.strip()):
        return samples.strip()
    raise InvalidArgument(f'samples must be an integer >= 1 or a name such as "n", got {samples!r}')


def copy_name(name: str, k: int) -> str:
    """The name of sample ``k``'s copy of the per-sample symbol ``name``.

    >>> copy_name("x", 2), copy_name("y1", 3)
    ('x_2', 'y1_3')
    """
    return f"{name}_{k}"


def per_sample_symbols(single) -> tuple:
    """The per-sample symbols of a single-sample problem: inputs, labels
    and, without a model, a free prediction ``yhat`` (in name order)."""
    out = [s for s in (*single.inputs, *single.labels) if isinstance(s, sp.Symbol)]
    if single.model is None:
        out += [s for s in single.L.free_symbols if isinstance(s, sp.Symbol) and s.name == "yhat"]
    return tuple(sorted(set(out), key=sp.default_sort_key))


def sample_groups(problem) -> tuple:
    """``((k, names of sample k's symbols), ...)`` for a problem over N ≥ 2
    samples (``x_k``, ``y_k``, ``yhat_k``), else ``()``: how a counterexample
    lists its values sample by sample.

    >>> from symloss.problem import problem
    >>> sample_groups(problem('linear', 'squared', samples=2))
    ((1, ('x_1', 'y_1', 'yhat_1')), (2, ('x_2', 'y_2', 'yhat_2')))
    """
    n, single = getattr(problem, "samples", None), getattr(problem, "sample", None)
    if not isinstance(n, int) or n < 2 or single is None:
        return ()
    names = [s.name for s in per_sample_symbols(single)] + (["yhat"] if single.model is not None else [])
    return tuple((k, tuple(copy_name(name, k) for name in names)) for k in range(1, n + 1))


def _refuse_unsupported(single) -> None:
    if isinstance(single.model, tuple):
        raise InvalidArgument(
            "samples: a vector model (several outputs per sample, yhat1, yhat2, ...) is not supported with samples: "
            "a batch names each sample's prediction yhat_k and differentiates L through them, and a vector "
            "prediction per sample would need the names yhat1_k, ... and a chain rule through N x outputs that the "
            "batch does not build yet; state the claim for one sample, or use a scalar-output model")
    if single.L.atoms(sp.Indexed) or single.L.has(sp.Sum):
        raise InvalidArgument(
            "samples: a model or loss with indexed families or sums (such as linear_n) is not supported with "
            "samples: each sample would copy the family x[j] into a family of its own (x_k[j]), and the reduction "
            "of a claim about w[i] to the scalars w_i, x_i, r is stated for one sample only; use linear, linear2 or "
            "linear3 for a batch")


def _names_of(single) -> set:
    names = set(single.symbols)
    for s in (*single.params, *single.hyper):
        names.add(str(s.base) if isinstance(s, sp.Indexed) else s.name)
    return names


def _clash(single, generated: dict) -> None:
    """Refuse a name of the single-sample problem that a copy would take."""
    names = _names_of(single)
    for new, (orig, k) in generated.items():
        if new in names:
            raise InvalidArgument(
                f"samples: the name {new!r} is reserved for sample {k}'s copy of {orig!r}; rename the symbol "
                f"{new!r} (to give the copies a domain, declare it for {orig!r}: vars = {{ {orig} = \"...\" }})")


def _table(single, drop: set, copies: dict) -> SymbolTable:
    """A symbol table with every name of ``single`` except the per-sample
    originals (and ``yhat``), plus the copies in the originals' domains."""
    old = single.symbols
    table = SymbolTable()
    for name in old:
        if name in drop or name == "yhat":
            continue
        if old.is_indexed(name):
            table.indexed(name)
        else:
            table.declare(name, old.domain(name))
    for new, orig in copies.items():
        table.declare(new, old.domain(orig))
    return table


def expand(single, n: int, defined):
    """The batch problem of ``n`` ≥ 2 samples built from the single-sample
    problem ``single`` (which has no assumptions yet: they are read in the
    batch's names afterwards); ``defined(exprs, written)`` gives the
    definedness conditions (``symloss.problem._defined``).  The batch is
    ``single`` with every field replaced, so this stage never imports the
    problem module."""
    _refuse_unsupported(single)
    originals = per_sample_symbols(single)
    if not originals:
        raise InvalidArgument("samples: the problem has no per-sample symbol to copy (inputs x…, labels y…); "
                              "the mean of n equal losses is the loss itself")
    generated = {copy_name(s.name, k): (s.name, k) for s in originals for k in range(1, n + 1)}
    pred_names = {copy_name("yhat", k): ("yhat", k) for k in range(1, n + 1)} if single.model is not None else {}
    _clash(single, {**generated, **pred_names})
    table = _table(single, {s.name for s in originals},
                   {new: orig for new, (orig, _) in {**generated, **pred_names}.items() if orig != "yhat"})
    renames = [{s: table.symbol(copy_name(s.name, k)) for s in originals} for k in range(1, n + 1)]

    def each(expr, k):
        return substitute(expr, renames[k - 1])

    def per_sample(conds) -> tuple:
        out: list = []
        for c in conds:
            for k in range(1, n + 1):
                ck = each(c, k)
                if ck not in out:
                    out.append(ck)
                if not (c.free_symbols & set(originals)):
                    break  # shared: once
        return tuple(out)

    scale = sp.Rational(1, n)
    if single.model is None:
        loss = scale * sp.Add(*[each(single.loss, k) for k in range(1, n + 1)])
        model = yhat = None
        L = loss
        model_conditions = ()
    else:
        yhat = tuple(table.symbol(copy_name("yhat", k)) for k in range(1, n + 1))
        model = tuple(each(single.model, k) for k in range(1, n + 1))
        loss = scale * sp.Add(*[each(single.loss, k).xreplace({single.yhat: yhat[k - 1]}) for k in range(1, n + 1)])
        L = substitute(loss, dict(zip(yhat, model)))
        model_conditions = per_sample(single.model_conditions)
    conditions = defined([L], list(model_conditions) + list(per_sample(single.conditions)))
    return replace(
        single,
        _cache={},  # never the single-sample problem's cached gradients
        symbols=table,
        model=model,
        loss=loss,
        yhat=yhat,
        L=L,
        params=single.params,
        labels=_copies_of(single.labels, renames),
        inputs=_copies_of(single.inputs, renames),
        hyper=single.hyper,
        assumptions=(),
        requirements=per_sample(single.requirements),
        conditions=conditions,
        model_conditions=model_conditions,
        model_spec=single.model_spec,
        loss_spec=single.loss_spec,
        samples=n,
        sample=single,
    )


def symbolic_problem(single, name: str, defined):
    """The batch problem of a symbolic number ``name`` of samples:

        L = (1/n) Σ_{i=1}^{n} ℓ(ŷ(θ, x[i]), y[i]),

    a SymPy ``Sum`` over the index ``i`` with each per-sample symbol ``s``
    an indexed family ``s[i]``.  There is no ``yhat`` (the prediction of a
    generic sample would be ambiguous inside the sum): the problem has no
    model, its loss is ``L``, and ∂L/∂θ is ``(1/n) Σ ∂ℓ_i/∂θ`` by
    differentiating under the finite sum.

    A family has no domain of its own, so every per-sample symbol must be
    real (declare ``y = "real"`` to state a claim for real labels); claims
    about the sum are proved termwise (:mod:`symloss.engine.sum_sign`) from facts
    that do not mention the summation index, never from a hypothesis about
    one sample.
    """
    _refuse_unsupported(single)
    originals = per_sample_symbols(single)
    if not originals:
        raise InvalidArgument("samples: the problem has no per-sample symbol to copy (inputs x…, labels y…)")
    for s in originals:
        dom = single.domain(s)
        if dom.text != "real":
            raise InvalidArgument(
                f"samples = {name!r}: {s.name} has the domain {dom.text}, but with a symbolic number of samples "
                f"the per-sample families {s.name}[i] are real; use a number of samples such as 3, or declare "
                f"vars = {{ {s.name} = \"real\" }}")
    if name == INDEX_NAME or name in _CLAIM_WORDS:
        raise InvalidArgument(f"samples = {name!r}: the name {name!r} is a word of the claim language"
                              f"{' (the sample index)' if name == INDEX_NAME else ''}; name the number of "
                              f"samples otherwise, e.g. \"n\"")
    taken = _names_of(single)
    for reserved in (name, INDEX_NAME):
        if reserved in taken:
            raise InvalidArgument(f"samples = {name!r}: the name {reserved!r} is reserved for "
                                  f"{'the number of samples' if reserved == name else 'the sample index'}; "
                                  f"rename the symbol {reserved!r}")
    table = _table(single, {s.name for s in originals}, {})
    n = table.bound(name)
    i = table.index(INDEX_NAME)
    families = {s: table.indexed(s.name) for s in originals}
    term = substitute(single.L, {s: f[i] for s, f in families.items()})
    L = sp.Sum(term, (i, 1, n)) / n
    conditions = tuple(c for c in defined([L], ()) if not c.has(i))
    requirements = tuple(c for c in single.requirements if not (c.free_symbols & set(originals)))
    dropped = [c for c in (*single.requirements, *single.conditions) if c.free_symbols & set(originals)]
    if dropped:
        raise InvalidArgument(f"samples = {name!r}: the per-sample condition {dropped[0]} cannot be stated for "
                              f"every sample of a symbolic batch yet; use a number of samples such as 3")
    return replace(
        single,
        _cache={},  # never the single-sample problem's cached gradients
        symbols=table,
        model=None,
        loss=L,
        yhat=None,
        L=L,
        params=single.params,
        labels=tuple(families[s][i] for s in single.labels if s in families),
        inputs=tuple(families[s] for s in single.inputs if s in families),
        hyper=single.hyper,
        assumptions=(),
        requirements=requirements,
        conditions=conditions,
        model_conditions=(),
        model_spec=single.model_spec,
        loss_spec=single.loss_spec,
        samples=n,
        sample=single,
    )


def _copies_of(syms, renames) -> tuple:
    return tuple(sorted((r[s] for s in syms if s in renames[0] for r in renames), key=sp.default_sort_key))


def batch_problem(samples, build_single, defined, assume=()):
    """The problem over ``samples`` samples: ``build_single()`` builds the
    single-sample problem (without assumptions); ``assume`` is read in the
    batch's names (``x_1**2 + x_2**2 > 0``)."""
    n = check_samples(samples)
    if n == 1:
        single = build_single()
        return single if not assume else _assume(single, assume)
    single = build_single()
    if isinstance(n, str):
        built = symbolic_problem(single, n, defined)
    else:
        built = expand(single, n, defined)
    return _assume(built, assume) if assume else built


def _assume(built, assume):
    from .claims import parse_assumptions

    return replace(built, assumptions=tuple(parse_assumptions(built, assume)))
