"""Conjecture-file claims checked in hard-limited workers: ``symloss check``'s engine.

:func:`prepare_specs` reads every claim (model, loss, claim text) in workers
and reports bad input; :func:`check_specs` decides each claim in its own
worker (:func:`symloss.runner.run_calls`) within its time limit and returns
:class:`ClaimReport` rows, as ``symloss check`` prints them.  The work in
each worker is :func:`symloss.conjectures.prepare` /
:func:`symloss.conjectures.evaluate`.

This sits above :mod:`symloss.conjectures` (which builds problems), while
:mod:`symloss.runner`, the worker pool, sits below :mod:`symloss.problem`
(``Problem.check`` runs in a worker): one module doing both made the cycle
problem -> runner -> conjectures -> problem.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

from .errors import SymlossError
from .runner import DEFAULT_TIMEOUT, Call, Outcome, _preload
from .sweep import run_calls

__all__ = ["ClaimReport", "prepare_specs", "check_specs", "DEFAULT_TIMEOUT"]


@dataclass(frozen=True)
class ClaimReport:
    """The verdict on one conjecture-file claim, as ``symloss check`` shows it.

    ``counterexample`` is the JSON form (symbol → exact value string, or a
    list of two strings for a bound variable); ``result`` is the
    :class:`~symloss.engine.verdict.Result` when one crossed the process boundary.
    """

    spec: Any  # conjectures.ClaimSpec
    verdict: str
    reason: str
    method: str
    seconds: float
    counterexample: dict | None = None
    result: Any = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def expect(self) -> str | None:
        return self.spec.expect

    @property
    def as_expected(self) -> bool | None:
        """``None`` when the claim has no ``expect``."""
        return None if self.spec.expect is None else self.verdict == self.spec.expect

    def to_json(self) -> dict:
        """The row of the ``--json`` document."""
        row = {
            "file": self.spec.file,
            "name": self.spec.name,
            "verdict": self.verdict,
            "counterexample": self.counterexample,
            "seconds": round(self.seconds, 3),
            "expect": self.spec.expect,
            "reason": self.reason,
            "method": self.method,
            "as_expected": self.as_expected,
        }
        for key, value in self.extra.items():
            row.setdefault(key, value)
        return row


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _prepare_worker(spec):
    from . import conjectures

    try:
        return ("ok", conjectures.prepare(spec))
    except SymlossError as exc:  # bad input: reported (with file, claim, field), not raised
        return ("bad", str(conjectures.in_context(spec, exc)))


def _check_worker(spec, budget):
    """Runs in the worker: decide one claim, return something picklable."""
    import pickle

    from . import conjectures

    result = conjectures.evaluate(spec, budget)
    payload = _result_json(result)
    try:
        pickle.dumps(result)
    except Exception:  # a Result that does not pickle: send the JSON only
        result = None
    return payload, result


def _result_json(result) -> dict:
    """A Result as a plain dict (``verdict``, ``reason``, ``method``,
    ``counterexample`` in its JSON form, ...)."""
    data = dict(result.to_json()) if hasattr(result, "to_json") else {}
    for key in ("verdict", "reason", "method"):
        if key not in data and hasattr(result, key):
            data[key] = getattr(result, key)
    if "counterexample" not in data:
        cex = getattr(result, "counterexample", None)
        data["counterexample"] = cex.to_json() if hasattr(cex, "to_json") else cex
    verdict = data.get("verdict")
    data["verdict"] = getattr(verdict, "value", verdict)  # an enum or a string
    return data


def _limit_for(spec, timeout: float | None) -> float:
    if timeout is not None:
        return float(timeout)
    return spec.timeout if spec.timeout is not None else DEFAULT_TIMEOUT


def prepare_specs(specs: Sequence[Any], *, jobs: int = 1, timeout: float = DEFAULT_TIMEOUT,
                  executor: Any = None, scheduler: str | None = None) -> list[str | None]:
    """Parse every claim (problem and claim text) in worker processes.

    Returns, per spec, ``None`` when it parsed (or parsing took too long or
    crashed — that is the checker's business, not bad input) and the error
    message when the input is bad.  ``executor``/``scheduler``: where the
    workers run (:func:`symloss.sweep.run_calls`).
    """
    _preload()
    calls = [Call(_prepare_worker, (s,)) for s in specs]
    out: list[str | None] = []
    for outcome in run_calls(calls, timeout=timeout, jobs=jobs, executor=executor, scheduler=scheduler):
        if outcome.ok and outcome.value[0] == "bad":
            out.append(outcome.value[1])
        else:
            out.append(None)
    return out


def _unknown(spec, reason: str, method: str, seconds: float) -> ClaimReport:
    """An ``unknown`` row (timeout, crash, error), with a Result for documents."""
    try:
        from .engine.verdict import Result

        result = Result("unknown", spec.claim, reason=reason, method=method, seconds=seconds, name=spec.name)
    except Exception:  # pragma: no cover - verdict module unavailable
        result = None
    return ClaimReport(spec, "unknown", reason, method, seconds, result=result)


def _report(spec, outcome: Outcome, limit: float) -> ClaimReport:
    if outcome.status == "timeout":
        return _unknown(spec, f"timeout: no verdict within {limit:g} s (hard limit, worker killed)",
                        "timeout", outcome.seconds)
    if outcome.status == "crash":
        return _unknown(spec, f"crash: {outcome.error}", "crash", outcome.seconds)
    if outcome.status == "error":
        return _unknown(spec, f"error: {_one_line(outcome.error or '')}", "error", outcome.seconds)
    payload, result = outcome.value
    verdict = payload.get("verdict", "unknown")
    if verdict not in ("proved", "refuted", "unknown"):
        verdict = "unknown"
    known = {"verdict", "reason", "method", "counterexample", "seconds"}
    extra = {k: v for k, v in payload.items() if k not in known and k not in ("file", "name", "expect")}
    return ClaimReport(
        spec=spec,
        verdict=verdict,
        reason=_one_line(payload.get("reason") or ""),
        method=str(payload.get("method") or ""),
        seconds=outcome.seconds,
        counterexample=payload.get("counterexample"),
        result=result,
        extra=extra,
    )


def check_specs(
    specs: Sequence[Any],
    *,
    timeout: float | None = None,
    jobs: int = 1,
    memory_mb: int | None = None,
    on_done: Callable[[int, ClaimReport], None] | None = None,
    executor: Any = None,
    scheduler: str | None = None,
) -> list[ClaimReport]:
    """Decide every claim in a worker with a hard limit; reports in input order.

    ``timeout`` overrides every claim's own ``timeout`` (default: the claim's,
    else :data:`DEFAULT_TIMEOUT`).  The decision procedure gets a soft budget
    a little under the hard limit so that it can return its own ``unknown``.
    ``executor`` (a ``distributed.Client`` or a ``concurrent.futures``
    executor) or ``scheduler`` (a Dask scheduler's address) runs the claims
    there instead of in ``jobs`` local workers (:mod:`symloss.sweep`); the
    hard limit then holds on the workers.
    """
    _preload()
    limits = [_limit_for(s, timeout) for s in specs]
    calls = [Call(_check_worker, (s, max(0.1, 0.85 * lim - 0.2)), timeout=lim)
             for s, lim in zip(specs, limits)]

    reports: list[ClaimReport | None] = [None] * len(specs)

    def done(i: int, outcome: Outcome) -> None:
        reports[i] = _report(specs[i], outcome, limits[i])
        if on_done is not None:
            on_done(i, reports[i])

    run_calls(calls, timeout=DEFAULT_TIMEOUT, jobs=jobs, memory_mb=memory_mb, on_done=done,
              executor=executor, scheduler=scheduler)
    return reports  # type: ignore[return-value]  # every slot is filled
