"""Benchmark the Dask executor (:mod:`symloss.sweep`): the atlas on one local
process vs a 2-worker ``LocalCluster``, and what a task costs.

Run from the repository root (needs ``pip install -e ".[dask]"``)::

    python benchmarks/bench_dask.py                        # a few pairs, text
    python benchmarks/bench_dask.py --json
    python benchmarks/bench_dask.py --pairs linear:squared logistic:bce --workers 2 --empty 40
    python benchmarks/bench_dask.py --scheduler tcp://127.0.0.1:8786   # an existing cluster

Reported:

* the cluster's start-up and warm-up (first task on every worker: SymPy and
  symloss imported there once; later claims fork from the warm worker);
* the atlas cells (every question for each pair), decided as ``symloss
  atlas`` decides them, with ``--jobs 1`` locally and on the cluster: wall
  time, the sum of the cells' own times (each measured around its child
  process), speed-up, and whether the two tables are identical;
* the overhead per task: ``--empty`` trivial calls (``abs(-1)``), each in its
  own child process, locally and on the cluster (submission, scheduling, the
  fork on the worker, the result's trip back), wall time per call; and for
  the atlas, (workers × wall − Σ cell seconds) / cells, the time a worker is
  not inside a cell.

A script, not a test: it asserts nothing about speed.  Figures move with
the machine's load (reported with them).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_PAIRS = ["linear:squared", "linear:absolute", "logistic:bce"]


def _cells(pairs, timeout):
    from symloss.atlas import _answer, build_jobs
    from symloss.runner import Call

    jobs, _, _, _ = build_jobs(pairs=pairs)
    budget = max(0.1, 0.85 * timeout - 0.2)
    return jobs, [Call(_answer, (j, budget), timeout=timeout) for j in jobs]


def _sweep(calls, executor, timeout):
    from symloss.sweep import run_calls

    start = time.perf_counter()
    outcomes = run_calls(calls, timeout=timeout, jobs=1, executor=executor)
    return time.perf_counter() - start, outcomes


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pairs", nargs="+", default=DEFAULT_PAIRS, metavar="MODEL:LOSS")
    ap.add_argument("--workers", type=int, default=2, help="LocalCluster workers (default 2)")
    ap.add_argument("--timeout", type=float, default=30.0, help="hard limit per cell (default 30 s)")
    ap.add_argument("--empty", type=int, default=40, help="trivial calls for the per-task overhead (default 40)")
    ap.add_argument("--scheduler", default=None, help="use this scheduler instead of a new LocalCluster")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)

    from symloss import sweep
    from symloss.runner import Call, _preload

    _preload()
    pairs = [tuple(p.split(":", 1)) for p in args.pairs]
    jobs, calls = _cells(pairs, args.timeout)
    load = os.getloadavg()[0]
    out = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "cores": os.cpu_count(),
           "load_average_start": round(load, 2), "python": platform.python_version(),
           "pairs": args.pairs, "cells": len(calls), "workers": args.workers, "timeout": args.timeout}

    # local, one process (as symloss atlas --jobs 1)
    wall, local = _sweep(calls, None, args.timeout)
    out["local_wall_s"] = round(wall, 2)
    out["local_cell_s"] = round(sum(o.seconds for o in local), 2)
    wall, _ = _sweep([Call(abs, (-1,))] * args.empty, None, args.timeout)
    out["local_empty_per_task_ms"] = round(1000 * wall / args.empty, 1)

    start = time.perf_counter()
    client = sweep.connect(args.scheduler) if args.scheduler else sweep.local_cluster(args.workers)
    try:
        client.wait_for_workers(1, timeout=120)
        out["cluster_start_s"] = round(time.perf_counter() - start, 2)
        workers = len(client.nthreads()) if args.scheduler else args.workers
        out["workers"] = workers
        start = time.perf_counter()
        sweep.run_calls([Call(abs, (-1,))] * workers, executor=client)  # import SymPy once per worker
        out["cluster_warmup_s"] = round(time.perf_counter() - start, 2)
        wall, remote = _sweep(calls, client, args.timeout)
        out["cluster_wall_s"] = round(wall, 2)
        out["cluster_cell_s"] = round(sum(o.seconds for o in remote), 2)
        out["speedup"] = round(out["local_wall_s"] / wall, 2)
        out["cluster_overhead_per_cell_ms"] = round(1000 * (workers * wall - out["cluster_cell_s"]) / len(calls), 1)
        wall, _ = _sweep([Call(abs, (-1,))] * args.empty, client, args.timeout)
        out["cluster_empty_per_task_ms"] = round(1000 * wall / args.empty, 1)
    finally:
        client.close()
    def verdict(o):
        return o.value.get("verdict") if o.ok else o.status

    same = [(o.status, o.value) for o in local] == [(o.status, o.value) for o in remote]
    out["identical_answers"] = same
    out["differing_verdicts"] = [f"{j.model}+{j.loss}:{j.question} {verdict(a)} vs {verdict(b)}"
                                 for j, a, b in zip(jobs, local, remote) if verdict(a) != verdict(b)]
    out["differing_reasons"] = [f"{j.model}+{j.loss}:{j.question}" for j, a, b in zip(jobs, local, remote)
                                if verdict(a) == verdict(b) and (a.status, a.value) != (b.status, b.value)]
    out["load_average_end"] = round(os.getloadavg()[0], 2)

    if args.json:
        json.dump(out, sys.stdout, indent=1)
        sys.stdout.write("\n")
        return 0
    print(f"{out['date']}, {out['cores']} cores, load average {out['load_average_start']} → "
          f"{out['load_average_end']}, Python {out['python']}")
    print(f"atlas: {len(pairs)} pairs, {out['cells']} cells, hard limit {args.timeout:g} s")
    print(f"  local, 1 process:    wall {out['local_wall_s']:7.2f} s   Σ cells {out['local_cell_s']:7.2f} s")
    print(f"  cluster, {workers} workers: wall {out['cluster_wall_s']:7.2f} s   Σ cells {out['cluster_cell_s']:7.2f} s"
          f"   speed-up {out['speedup']}×   identical answers: {same}")
    for text in out["differing_verdicts"]:
        print(f"    verdict differs (local vs cluster): {text}")
    if out["differing_reasons"]:
        print(f"    same verdict, other reason (evidence counted within a time budget): "
              f"{', '.join(out['differing_reasons'])}")
    print(f"  cluster start-up {out['cluster_start_s']} s, warm-up (SymPy on every worker) "
          f"{out['cluster_warmup_s']} s (not in the wall times)")
    print(f"overhead per task: empty call {out['local_empty_per_task_ms']} ms local, "
          f"{out['cluster_empty_per_task_ms']} ms on the cluster; atlas cell "
          f"{out['cluster_overhead_per_cell_ms']} ms (workers × wall − Σ cells, per cell)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
