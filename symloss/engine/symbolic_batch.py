"""Claims over a symbolic batch size ``n`` (``samples = "n"``): a proof for
every ``n``, or a refutation at one concrete ``n``.

A claim about ``L = (1/n) Σ_{i=1}^{n} ℓ_i`` holds for *every* positive
integer ``n``.  It is decided in two phases within its time limit:

1. **for every n** — the ordinary tactics on the claim as stated (sums are
   differentiated under the sign and signed termwise, convexity follows from
   the terms'), with part of the time;
2. **at one n** — the claim is specialised to ``n = 1, 2, 3``
   (:func:`symloss.calculus.batch_instance.instance`: sums written out, the
   entries ``x[k]`` named ``x_k`` as in an N-sample problem) and each
   instance is decided by the pipeline.  An instance's *proof* says nothing
   about other ``n`` and is ignored; an instance's *counterexample* refutes
   the claim: it is re-checked exactly against the claim at ``n = N`` with the
   entries kept as ``x[k]`` (the renaming is not trusted), and reported with
   ``n`` and every sample's values.

Otherwise the claim is unknown, and the reason says what each phase found.
The pipeline is passed in (this module sits below it).
"""

from __future__ import annotations

import dataclasses
import time

import sympy as sp

from ..calculus.batch_instance import batch_size, free_index, indexed_instance, instance, to_indexed
from .verdict import Counterexample, Result

__all__ = ["is_symbolic_batch", "decide_symbolic_batch", "SIZES"]

#: The batch sizes tried, smallest first.
SIZES = (1, 2, 3)

#: The share of the time limit the proof for every n may take.
PROOF_SHARE = 0.4


def is_symbolic_batch(claim) -> bool:
    """Whether ``claim`` is about a symbolic batch size (``Σ_{i=1}^{n}``)."""
    try:
        return batch_size(claim) is not None
    except Exception:  # noqa: BLE001 - a claim whose parts SymPy cannot walk is not a batch claim
        return False


def _lift(claim, N: int, ce, mapping) -> Counterexample:
    """The instance's counterexample as one of the claim: ``n = N``, the free
    index at 1, every sample's values under their names ``x_k``."""
    n, i = batch_size(claim), free_index(claim)
    values = {n: sp.Integer(N), **dict(ce.values)}
    if i is not None:
        values[i] = sp.Integer(1)
    groups = tuple((k, tuple(sorted(s.name for e, s in mapping.items() if int(e.indices[0]) == k)))
                   for k in sorted({int(e.indices[0]) for e in mapping}))
    return Counterexample(values, pair=ce.pair, evaluations=ce.evaluations,
                          explanation=f"at n = {N}: {ce.explanation}" if ce.explanation else f"at n = {N}",
                          samples=groups)


def _recheck(claim, N, ce, mapping, recheck) -> bool:
    """The instance's counterexample re-checked against the claim at n = N
    with the entries ``x[k]`` (values renamed back)."""
    target = indexed_instance(claim, N)
    if target is None:
        return False
    back = Counterexample(to_indexed(dict(ce.values), mapping),
                          pair=None if ce.pair is None else (mapping.get(ce.pair[0], ce.pair[0]), *ce.pair[1:]))
    return recheck(target, back)


def decide_symbolic_batch(claim, pipeline, decide, recheck, check_readings, *, deadline: float, seed: int = 0,
                          name=None) -> Result:
    """Decide a claim over a symbolic batch size (module docstring).

    ``pipeline(claim, deadline=..., seed=...)`` runs the tactics on the claim
    as stated, ``decide`` decides an instance, ``recheck(claim, ce)`` re-checks
    a counterexample exactly and ``check_readings(claim)`` re-checks the
    steps taken while reading the claim (all the pipeline's own)."""
    start = time.monotonic()
    total = max(deadline - start, 0.0)
    first = pipeline(claim, deadline=start + PROOF_SHARE * total, seed=seed)
    if first.verdict in ("proved", "refuted"):
        return dataclasses.replace(first, seconds=time.monotonic() - start, name=name)
    found: list = []
    for pos, N in enumerate(SIZES):
        now = time.monotonic()
        if now >= deadline:
            found.append(f"n = {N}: not tried (time limit)")
            continue
        built = instance(claim, N)
        if built is None:
            found.append(f"n = {N}: not an admissible batch size for this claim")
            continue
        inst, mapping = built
        share = (deadline - now) / (len(SIZES) - pos)
        r = decide(inst, deadline=now + share, seed=seed)
        if r.verdict == "refuted" and r.counterexample is not None:
            if _recheck(claim, N, r.counterexample, mapping, recheck) and check_readings(claim):
                ce = _lift(claim, N, r.counterexample, mapping)
                return Result("refuted", claim, counterexample=ce, reason=ce.describe(),
                              method=f"specialised to n = {N}; {r.method}", evidence=first.evidence,
                              seconds=time.monotonic() - start, name=name)
            found.append(f"n = {N}: a counterexample did not re-check against the claim at n = {N}")
            continue
        found.append(f"n = {N}: {'holds' if r.verdict == 'proved' else 'unknown'}")
    timeout = time.monotonic() > deadline
    reason = (f"symbolic n: {first.reason}; no counterexample at a concrete n ({'; '.join(found)})"
              + ("; time limit reached" if timeout and "time limit" not in first.reason else ""))
    return Result("unknown", claim, reason=reason, method="timeout" if timeout else "no decision",
                  evidence=first.evidence, seconds=time.monotonic() - start, name=name)
