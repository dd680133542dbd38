"""Benchmark the fast numeric path (:mod:`symloss.refute.numeric`): claim points per second.

Run from the repository root::

    python benchmarks/bench_numeric.py              # text table
    python benchmarks/bench_numeric.py --json       # one JSON document
    python benchmarks/bench_numeric.py --batch 1000000 --repeat 5

For each claim below (sign claims as ``symloss explore`` meets them, a
convexity claim, the argmin sign rule), the claim is parsed and compiled
once (:class:`symloss.refute.numeric.CompiledClaim`: the sides of every comparison
and of every hypothesis lambdified with symloss's NumPy table), then judged
on batches of ``--batch`` float points drawn inside the domains
(:func:`symloss.refute.numeric.draw_points`).  Reported per claim: compile seconds;
*judge* throughput (claim and hypotheses evaluated in three-valued logic on
a drawn batch, best of ``--repeat``), and *end-to-end* throughput (drawing
the points included).  For the argmin claim, the grid screen's objective
evaluations (data rows × grid of w) per second.

One process, one thread of NumPy element-wise work (NumPy does not thread
these loops).  This is a script, not a test: it asserts nothing about speed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

#: (label, model, loss, claim, assume)
CLAIMS = [
    ("logistic+bce sign", "logistic", "bce", "sign(d(L, w)) == sign(x*(yhat - y))", ()),
    ("relu+squared sign (kink)", "relu_neuron", "squared", "sign(d(L, w)) == sign(x*(yhat - y))", ()),
    ("tanh(w*x)+squared sign", "tanh(w*x)", "squared", "sign(d(L, w)) == sign(x*(yhat - y))", ()),
    ("two_layer+squared convexity", "two_layer", "squared", "d(L, w, 2) >= 0", ()),
]
ARGMIN = ("w**3*x+squared sign rule", "w**3*x", "squared", "sign(d(L, w)) == sign(w - argmin(L, w))",
          ("x != 0",))


def bench_claim(label, model, loss, text, assume, batch: int, repeat: int) -> dict:
    from symloss.calculus.claims import parse_claim
    from symloss.refute.numeric import CompiledClaim, draw_points
    from symloss.problem import problem

    t0 = time.perf_counter()
    compiled = CompiledClaim(parse_claim(problem(model, loss), text, assume=list(assume)))
    compile_s = time.perf_counter() - t0
    rng = np.random.default_rng(0)
    pts = draw_points(compiled.symbols, compiled.domains, rng, batch)
    judge = []
    for _ in range(repeat):
        t = time.perf_counter()
        compiled.failing(pts)
        judge.append(time.perf_counter() - t)
    total = []
    for _ in range(repeat):
        t = time.perf_counter()
        compiled.failing(draw_points(compiled.symbols, compiled.domains, rng, batch))
        total.append(time.perf_counter() - t)
    return {"claim": label, "text": text, "compile_s": round(compile_s, 3),
            "judge_points_per_s": batch / min(judge), "end_to_end_points_per_s": batch / min(total)}


def bench_argmin(label, model, loss, text, assume, rows: int, repeat: int) -> dict:
    from symloss.calculus.claims import parse_claim
    from symloss.refute.numeric import CompiledArgmin
    from symloss.problem import problem

    t0 = time.perf_counter()
    compiled = CompiledArgmin(parse_claim(problem(model, loss), text, assume=list(assume)))
    compile_s = time.perf_counter() - t0
    times = []
    for i in range(repeat):
        t = time.perf_counter()
        compiled.candidates(np.random.default_rng(i), rows)
        times.append(time.perf_counter() - t)
    evals = rows * len(compiled.grid)
    return {"claim": label, "text": text, "compile_s": round(compile_s, 3),
            "grid_evaluations": evals, "grid_evaluations_per_s": evals / min(times)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=1_000_000, help="points per batch (default 1e6)")
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs (default 3)")
    parser.add_argument("--rows", type=int, default=400, help="data rows of the argmin grid screen")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    args = parser.parse_args(argv)
    rows = [bench_claim(*c, args.batch, args.repeat) for c in CLAIMS]
    am = bench_argmin(*ARGMIN, args.rows, args.repeat)
    meta = {"python": platform.python_version(), "numpy": np.__version__,
            "load_average": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
            "batch": args.batch, "repeat": args.repeat}
    if args.json:
        print(json.dumps({"meta": meta, "claims": rows, "argmin": am}, indent=2))
        return 0
    print(f"batch {args.batch} points, best of {args.repeat}; load average {meta['load_average']:.2f}")
    print(f"{'claim':32} {'compile s':>9} {'judge pts/s':>12} {'end-to-end pts/s':>17}")
    for r in rows:
        print(f"{r['claim']:32} {r['compile_s']:9.3f} {r['judge_points_per_s']:12.3g} "
              f"{r['end_to_end_points_per_s']:17.3g}")
    print(f"{am['claim']:32} {am['compile_s']:9.3f} grid screen: {am['grid_evaluations_per_s']:.3g} "
          f"objective evaluations/s ({am['grid_evaluations']} per screen)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
