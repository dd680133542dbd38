"""Property-testing a claim across random models: search, shrink, re-check.

:func:`explore` draws random problems (:func:`symloss.random_models.random_spec`,
reproducible from ``seed``), and examines each in a worker process with a
hard time limit (:mod:`symloss.runner`): the claim is parsed for the
problem, screened on batches of float points by the fast numeric path
(:func:`symloss.refute.numeric.screen`, every failure rationalised and verified
exactly), and, when that finds nothing, decided by the full pipeline
(:func:`symloss.decide.decide`: proofs, exact refutation, argmin).

The first refuted problem is *shrunk*: its one-step simplifications
(:meth:`~symloss.random_models.ProblemSpec.simplifications`, simplest first)
are examined and the simplest refuted one replaces it, until none is refuted
or the shrink budget is spent.  The final counterexample is re-checked once
more in this process, independently of the worker: the problem is rebuilt
from the *text* of its ``[[claim]]`` table, the values are parsed back from
their text, and :func:`symloss.decide._recheck_counterexample` must accept
them (so what is reported is what ``symloss check`` will re-check).

An exploration never reports a claim as proved: no failure among the
problems tried is evidence only.  It counts the problems on which the claim
was *proved* (each with a re-checked proof) and those left unknown.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from typing import Callable, Iterable, Mapping

import sympy as sp

from .errors import InvalidArgument, SymlossError
from .random_models import CATALOGUE, ProblemSpec, random_spec

__all__ = ["Trial", "Exploration", "examine", "explore", "recheck", "catalogue_model_name"]

#: Problems examined per round (fixed, so results do not depend on --jobs).
CHUNK = 4


@dataclass(frozen=True)
class Trial:
    """What became of one problem: ``verdict`` (proved / refuted / unknown,
    or ``error`` when the claim does not apply to it), the counterexample as
    JSON (name → value text), its one-line description, and the number of
    points judged."""

    spec: ProblemSpec
    verdict: str
    counterexample: dict | None = None
    description: str = ""
    points: int = 0
    method: str = ""


def examine(spec: ProblemSpec, claim: str, vars: Mapping, assume: tuple, timeout: float, seed: int) -> Trial:
    """Decide ``claim`` for ``spec`` within about ``timeout`` seconds: the
    numeric screen first, then the full pipeline.  Runs in a worker."""
    from .calculus.claims import parse_claim
    from .decide import _recheck_counterexample, decide
    from .refute.numeric import NotNumeric, screen

    start = time.monotonic()
    deadline = start + timeout
    try:
        c = parse_claim(spec.build(vars, assume), claim)
    except SymlossError as exc:
        return Trial(spec, "error", description=str(exc))
    points = 0
    try:
        s = screen(c, seed=seed, deadline=start + timeout / 3)
        points = s.points
        if s.counterexample is not None and _recheck_counterexample(c, s.counterexample):
            ce = s.counterexample
            return Trial(spec, "refuted", ce.to_json(), ce.describe(), points, "numeric screen, exact re-check")
    except NotNumeric:
        pass
    r = decide(c, deadline=deadline, seed=seed)
    ce = r.counterexample
    return Trial(spec, r.verdict, ce.to_json() if ce is not None else None,
                 ce.describe() if ce is not None else r.reason, points + r.evidence.points, r.method)


def recheck(table: Mapping, counterexample: Mapping) -> bool:
    """Whether ``counterexample`` (name → value text, a list of two for the
    variable of a pair claim) refutes the claim of ``table`` (the
    ``[[claim]]`` fields), rebuilt from text and decided exactly."""
    from .calculus.claims import parse_claim
    from .decide import _recheck_counterexample
    from .language.parser import parse
    from .problem import problem
    from .engine.verdict import Counterexample

    prob = problem(table["model"], table["loss"], vars=dict(table["vars"]), assume=list(table["assume"]))
    c = parse_claim(prob, table["claim"])
    values, pair = {}, None
    for name, text in counterexample.items():
        sym = prob.symbols.symbol(name)
        if isinstance(text, list):
            pair = (sym, parse(text[0], prob.symbols), parse(text[1], prob.symbols))
        else:
            values[sym] = parse(text, prob.symbols)
    try:
        return bool(_recheck_counterexample(c, Counterexample(values, pair=pair)))
    except Exception:  # noqa: BLE001 - a check that cannot run accepts nothing
        return False


def _recheck_limited(table, counterexample, limit: float) -> bool:
    """:func:`recheck` in a worker killed after ``limit`` seconds (a re-check
    that does not finish confirms nothing)."""
    from .runner import call_with_timeout

    try:
        return bool(call_with_timeout(recheck, table, counterexample, timeout=limit))
    except Exception:  # noqa: BLE001 - timeout or crash: not confirmed
        return False


def catalogue_model_name(text: str) -> str | None:
    """The catalogue model whose formula is exactly ``text`` (up to
    SymPy's normal form), else ``None``.

    >>> catalogue_model_name('sigmoid(w*x + b)'), catalogue_model_name('w*v*x'), catalogue_model_name('w*x')
    ('logistic', 'deep_linear', None)
    """
    from .language.domains import SymbolTable
    from .language.parser import parse

    expr = parse(text, SymbolTable())
    plain = expr.xreplace({s: sp.Symbol(s.name, real=True) for s in expr.free_symbols})
    for m in CATALOGUE.models:
        if m.arity == 1 and not m.indexed and m.formula == plain:
            return m.name
    return None


@dataclass(frozen=True)
class Exploration:
    """The outcome of :func:`explore`.  ``failure`` is the simplest refuted
    trial found (after shrinking), ``None`` when none was found."""

    claim: str
    failure: Trial | None
    vars: Mapping = field(default_factory=dict)
    assume: tuple = ()
    problems_tried: int = 0
    points_tried: int = 0
    proved: int = 0
    unknown: int = 0
    skipped: int = 0
    refutations: int = 0
    shrink_steps: int = 0
    seconds: float = 0.0

    @property
    def refuted(self) -> bool:
        return self.failure is not None

    def table(self) -> dict | None:
        """The failing problem's ``[[claim]]`` fields (model, loss, vars, assume, claim)."""
        if self.failure is None:
            return None
        return self.failure.spec.table(self.claim, self.vars, self.assume)

    def to_json(self) -> dict:
        """The ``symloss explore --json`` document."""
        t = self.table()
        out = {
            "refuted": self.refuted,
            "model": t["model"] if t else None,
            "loss": t["loss"] if t else None,
            "vars": t["vars"] if t else dict(self.vars),
            "assume": t["assume"] if t else list(self.assume),
            "claim": self.claim,
            "counterexample": self.failure.counterexample if self.failure else None,
            "problems_tried": self.problems_tried,
            "points_tried": self.points_tried,
            "proved": self.proved,
        }
        if self.failure is not None:
            name = catalogue_model_name(t["model"])
            if name is not None:
                out["model_name"] = name
            out["loss_name"] = self.failure.spec.loss
        return out

    def toml(self, name: str = "explore-counterexample") -> str:
        """The failing problem as a ``[[claim]]`` table for a conjecture file."""
        t = self.table()
        if t is None:
            raise InvalidArgument("nothing to write: no refuted problem was found")
        q = _toml_string
        lines = ["[[claim]]", f"name = {q(name)}", f"model = {q(t['model'])}", f"loss = {q(t['loss'])}"]
        if t["vars"]:
            lines.append("vars = { " + ", ".join(f"{k} = {q(v)}" for k, v in t["vars"].items()) + " }")
        if t["assume"]:
            lines.append("assume = [" + ", ".join(q(a) for a in t["assume"]) + "]")
        lines += [f"claim = {q(t['claim'])}", 'expect = "refuted"',
                  "timeout = 60                 # symloss check searches afresh: give it time"]
        return "\n".join(lines)

    def summary(self) -> str:
        """Human-readable lines (never 'proved': nothing failing is evidence only)."""
        counts = (f"{self.problems_tried} problem{'s' if self.problems_tried != 1 else ''} and "
                  f"{self.points_tried} points tried; the claim was refuted for {self.refutations}, "
                  f"proved for {self.proved}, unknown for {self.unknown}")
        if self.skipped:
            counts += f", not applicable to {self.skipped}"
        if self.failure is None:
            return (f"no counterexample found: {counts}.\n"
                    "(No failure among random problems is evidence, not a proof.)")
        f = self.failure
        return "\n".join([
            f"refuted: {self.claim}",
            f"  simplest failing problem ({self.shrink_steps} shrink step{'s' if self.shrink_steps != 1 else ''}):"
            f" model ŷ = {_notation(f.spec.model.text)}, loss {f.spec.loss}: {_notation(f.spec.loss_text)}",
            f"  counterexample: {f.description}",
            f"  {counts}.",
            "", self.toml(),
        ])


def _notation(text: str) -> str:
    """A model or loss as text in the documents' notation (σ, ŷ, ⋅, ²); the
    text as written when it cannot be read (the TOML block keeps the text)."""
    try:
        from .language.parser import parse
        from .render.pretty import one_line

        return one_line(parse(text))
    except Exception:  # noqa: BLE001 - a summary line never fails
        return text


def _toml_string(text: str) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _trial(spec: ProblemSpec, outcome) -> Trial:
    if outcome.ok:
        return outcome.value
    if outcome.status == "timeout":
        return Trial(spec, "unknown", description="time limit reached (worker killed)", method="timeout")
    return Trial(spec, "unknown", description=outcome.error or outcome.status, method=outcome.status)


def _run(specs, claim, vars, assume, timeout, jobs, seed, on_done, executor=None) -> list[Trial]:
    from .runner import Call
    from .sweep import run_calls

    calls = [Call(examine, (s, claim, dict(vars), tuple(assume), timeout, seed + i)) for i, s in enumerate(specs)]
    outcomes = run_calls(calls, timeout=timeout + 5.0, jobs=jobs, executor=executor)
    out = []
    for s, o in zip(specs, outcomes):
        out.append(_trial(s, o))
        if on_done is not None:
            on_done(out[-1])
    return out


class _Found(Exception):
    """The search reached a round with a refutation: the rest is not needed."""


def _search_ahead(rounds, claim, vars, assume, timeout, seed, on_done, executor) -> list[list[Trial]]:
    """The search on an executor: every round submitted at once (so a large
    cluster is kept busy), read back round by round in order, stopped (the
    rest cancelled) after the first round with a refutation.  Problem ``j``
    of the round starting at ``i`` gets seed ``seed + i + j``, as in the
    local search, so the rounds returned are the ones the local search
    examines, with the same trials."""
    from .runner import Call
    from .sweep import run_calls

    calls, where = [], []
    for r, (start, chunk) in enumerate(rounds):
        for j, s in enumerate(chunk):
            calls.append(Call(examine, (s, claim, dict(vars), tuple(assume), timeout, seed + start + j)))
            where.append((r, j))
    trials: list[list[Trial | None]] = [[None] * len(chunk) for _, chunk in rounds]
    read: list[list[Trial]] = []

    def done(i, outcome):
        r, j = where[i]
        trials[r][j] = _trial(rounds[r][1][j], outcome)
        while len(read) < len(rounds) and all(t is not None for t in trials[len(read)]):
            ready = trials[len(read)]
            read.append(ready)  # type: ignore[arg-type]
            for t in ready:  # progress and counts only for the rounds the local search examines
                on_done(t)
            if any(t.verdict == "refuted" for t in ready):
                raise _Found

    try:
        run_calls(calls, timeout=timeout + 5.0, executor=executor, on_done=done)
    except _Found:
        pass
    return read


def explore(claim: str, *, family: str = "any", losses: Iterable[str] | None = None, examples: int = 30,
            seed: int = 0, timeout: float = 10.0, jobs: int = 1, depth: int = 2, canonical: bool = False,
            vars: Mapping | None = None, assume: Iterable[str] = (), shrink_budget: float = 60.0,
            progress: Callable[[str, int, int], None] | None = None, executor=None,
            scheduler: str | None = None) -> Exploration:
    """Search ``examples`` random problems of ``family`` for one where
    ``claim`` is refuted, shrink it, re-check it; see the module docstring.

    ``progress(stage, done, total)`` is called after every problem
    (``stage`` is ``"search"`` or ``"shrink"``).  The problems are examined
    in ``jobs`` local workers, or on ``executor`` (a ``distributed.Client``
    or a ``concurrent.futures`` executor) or the Dask ``scheduler`` at that
    address (:mod:`symloss.sweep`).  Problem ``k`` is always examined with
    seed ``seed + k`` and the search goes in fixed rounds of :data:`CHUNK`,
    so the answer for a ``seed`` does not depend on where or on how many
    workers it runs.
    """
    from .sweep import executor_for

    if scheduler is not None:
        with executor_for(scheduler, executor) as client:
            return explore(claim, family=family, losses=losses, examples=examples, seed=seed, timeout=timeout,
                           jobs=jobs, depth=depth, canonical=canonical, vars=vars, assume=assume,
                           shrink_budget=shrink_budget, progress=progress, executor=client)
    if not isinstance(claim, str) or not claim.strip():
        raise InvalidArgument(f"the claim must be a non-empty string, got {claim!r}")
    for name, value, low in (("examples", examples, 1), ("jobs", jobs, 1)):
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise InvalidArgument(f"{name} must be a positive integer, got {value!r}")
    if not timeout > 0:
        raise InvalidArgument(f"timeout must be positive, got {timeout!r}")
    losses = list(losses) if losses else None
    vars = dict(vars or {})
    assume = tuple(assume)
    start = time.monotonic()
    rng = random.Random(seed)
    specs: list[ProblemSpec] = []
    for _ in range(examples * 5):
        s = random_spec(rng, family, losses, depth=depth, canonical=canonical)
        if s not in specs:
            specs.append(s)
        if len(specs) == examples:
            break
    # a claim that reads for no problem is bad input, not a search result
    from .calculus.claims import parse_claim

    parse_claim(min(specs, key=ProblemSpec.key).build(vars, assume), claim)

    seen: dict[ProblemSpec, Trial] = {}
    totals = {"points": 0}
    done = [0]

    def note(stage, total):
        def on_done(trial):
            done[0] += 1
            totals["points"] += trial.points
            if progress is not None:
                progress(stage, done[0], total)
        return on_done

    failure = None
    rounds = [(i, sorted(specs[i:i + CHUNK], key=ProblemSpec.key)) for i in range(0, len(specs), CHUNK)]
    if executor is None:  # round by round, each in the local pool
        results = (_run(chunk, claim, vars, assume, timeout, jobs, seed + i, note("search", len(specs)))
                   for i, chunk in rounds)
    else:
        results = _search_ahead(rounds, claim, vars, assume, timeout, seed, note("search", len(specs)), executor)
    for (i, chunk), trials in zip(rounds, results):
        for t in trials:
            seen[t.spec] = t
        refuted = [seen[s] for s in chunk if seen[s].verdict == "refuted"]
        if refuted:
            failure = refuted[0]
            break
    steps = 0
    shrink_end = time.monotonic() + shrink_budget
    while failure is not None and time.monotonic() < shrink_end:
        cands = [s for s in failure.spec.simplifications(losses, canonical) if s not in seen]
        better = None
        done[0] = 0
        for i in range(0, len(cands), CHUNK):
            if time.monotonic() >= shrink_end:
                break
            chunk = cands[i:i + CHUNK]
            for t in _run(chunk, claim, vars, assume, timeout, jobs, seed, note("shrink", len(cands)), executor):
                seen[t.spec] = t
            refuted = [seen[s] for s in chunk if seen[s].verdict == "refuted"]
            if refuted:
                better = refuted[0]
                break
        if better is None:
            break
        failure, steps = better, steps + 1
    # the independent re-check, from the text the user will paste
    while failure is not None and not _recheck_limited(failure.spec.table(claim, vars, assume),
                                                       failure.counterexample, 3 * timeout + 10):
        seen[failure.spec] = Trial(failure.spec, "unknown", description="counterexample failed its re-check")
        rest = [t for t in seen.values() if t.verdict == "refuted"]
        failure = min(rest, key=lambda t: t.spec.key()) if rest else None
    trials = list(seen.values())
    return Exploration(
        claim=claim, failure=failure, vars=vars, assume=assume, problems_tried=len(trials),
        points_tried=totals["points"], proved=sum(t.verdict == "proved" for t in trials),
        unknown=sum(t.verdict == "unknown" for t in trials), skipped=sum(t.verdict == "error" for t in trials),
        refutations=sum(t.verdict == "refuted" for t in trials),
        shrink_steps=steps, seconds=time.monotonic() - start,
    )
