"""Benchmark symloss: decide every claim of ``proofs/`` and time derivations.

Run from the repository root::

    python benchmarks/bench_proofs.py                 # proofs/ + micro-benchmarks
    python benchmarks/bench_proofs.py --json          # one JSON document on stdout
    python benchmarks/bench_proofs.py --skip-micro --timeout 20 --jobs 2 proofs/

Claims section: every ``[[claim]]`` of the conjecture files is decided the
way ``symloss check`` decides it (:func:`symloss.conjectures.load_all`,
:func:`symloss.batch.prepare_specs`, :func:`symloss.batch.check_specs`:
one worker per claim, hard time limit).  Reported: number of claims, decided
(proved + refuted), per-verdict counts, claims that missed their
``expect``, median and maximum seconds per claim, the five slowest claims.

Micro-benchmarks: for every compatible catalogue pair (models without
indexed families), the time to build the problem and derive every
∂L/∂θ (fresh problem, nothing cached), total and per-pair median; and the
throughput of evaluating the lambdified gradients (``modules=[NUMPY_FUNCTIONS,
"numpy"]``) on a batch of points drawn from the domains, in gradient
evaluations per second.

This is a script, not a test: it asserts nothing about speed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import sympy as sp

ROOT = Path(__file__).resolve().parent.parent


def _seconds(values) -> dict:
    values = sorted(values)
    if not values:
        return {"median": None, "max": None, "total": 0.0}
    return {"median": statistics.median(values), "max": values[-1], "total": sum(values)}


# ---------------------------------------------------------------------------
# claims of the conjecture files


def bench_claims(paths, timeout: float | None, jobs: int) -> dict:
    """Decide every claim in ``paths`` through the ``symloss check`` path."""
    from symloss.conjectures import load_all
    from symloss.batch import check_specs, prepare_specs

    specs = load_all(paths)
    bad = [msg for msg in prepare_specs(specs, jobs=jobs, timeout=2.0) if msg]
    start = time.perf_counter()
    reports = check_specs(specs, timeout=timeout, jobs=jobs)
    wall = time.perf_counter() - start
    counts = {v: sum(r.verdict == v for r in reports) for v in ("proved", "refuted", "unknown")}
    rows = [{"claim": r.spec.label, "verdict": r.verdict, "expect": r.spec.expect,
             "seconds": round(r.seconds, 3), "method": r.method} for r in reports]
    slowest = sorted(rows, key=lambda r: r["seconds"], reverse=True)[:5]
    secs = _seconds([r.seconds for r in reports])
    return {
        "paths": [str(p) for p in paths],
        "claims": len(reports),
        "decided": counts["proved"] + counts["refuted"],
        "verdicts": counts,
        "missed_expect": [r["claim"] for r, rep in zip(rows, reports) if rep.as_expected is False],
        "bad_input": bad,
        "seconds_median": round(secs["median"], 3) if secs["median"] is not None else None,
        "seconds_max": round(secs["max"], 3) if secs["max"] is not None else None,
        "wall_seconds": round(wall, 2),
        "slowest": slowest,
        "rows": rows,
    }


# ---------------------------------------------------------------------------
# micro-benchmarks


def _pairs():
    from symloss.calculus.catalogue import CATALOGUE

    return [(m.name, l.name) for m, l, c in CATALOGUE.pairs() if c.ok and not m.indexed]


def bench_derivation(pairs) -> dict:
    """Seconds to build each problem and derive all of its gradients."""
    from symloss.problem import problem

    per_pair = {}
    for m, l in pairs:
        t0 = time.perf_counter()
        p = problem(m, l)
        p.gradient()
        per_pair[f"{m}+{l}"] = time.perf_counter() - t0
    secs = _seconds(per_pair.values())
    slowest = sorted(per_pair.items(), key=lambda kv: kv[1], reverse=True)[:5]
    return {
        "pairs": len(per_pair),
        "total_seconds": round(secs["total"], 3),
        "median_seconds": round(secs["median"], 4),
        "max_seconds": round(secs["max"], 4),
        "slowest": [{"pair": k, "seconds": round(v, 4)} for k, v in slowest],
    }


def bench_lambdify(pairs, n: int, seed: int = 0) -> dict:
    """Gradient evaluations per second on batches of ``n`` admissible-domain
    points (lambdify time reported separately)."""
    from symloss.language.functions import NUMPY_FUNCTIONS
    from symloss.problem import problem

    rng = np.random.default_rng(seed)
    compile_s, eval_s, evaluations = 0.0, 0.0, 0
    per_pair = []
    for m, l in pairs:
        p = problem(m, l)
        syms = [v for v in p.variables if isinstance(v, sp.Symbol)]
        columns = [p.domain(s).sample(rng, n) for s in syms]
        grads = p.gradient()
        t0 = time.perf_counter()
        fns = [sp.lambdify(syms, g, modules=[NUMPY_FUNCTIONS, "numpy"]) for g in grads]
        t1 = time.perf_counter()
        with np.errstate(all="ignore"):
            for f in fns:
                np.broadcast_to(np.asarray(f(*columns), dtype=float), (n,))
        t2 = time.perf_counter()
        compile_s += t1 - t0
        eval_s += t2 - t1
        evaluations += n * len(fns)
        per_pair.append((n * len(fns)) / (t2 - t1) if t2 > t1 else float("inf"))
    return {
        "pairs": len(pairs),
        "batch": n,
        "lambdify_seconds": round(compile_s, 3),
        "evaluate_seconds": round(eval_s, 3),
        "evaluations_per_second": round(evaluations / eval_s) if eval_s else None,
        "per_pair_median_evaluations_per_second": round(statistics.median(per_pair)),
    }


# ---------------------------------------------------------------------------
# output


def _text(report: dict) -> str:
    out = [f"symloss benchmark  (python {report['python']}, sympy {report['sympy']}, numpy {report['numpy']})"]
    c = report.get("claims")
    if c:
        v = c["verdicts"]
        out += [
            "",
            f"claims in {', '.join(c['paths'])}: {c['claims']}",
            f"  decided: {c['decided']} (proved {v['proved']}, refuted {v['refuted']}), unknown {v['unknown']}",
            f"  missed expect: {len(c['missed_expect'])}" + (f" ({', '.join(c['missed_expect'])})" if c["missed_expect"] else ""),
            f"  seconds per claim: median {c['seconds_median']}, max {c['seconds_max']}; wall {c['wall_seconds']} s",
            "  slowest:",
        ]
        out += [f"    {r['seconds']:7.2f} s  {r['verdict']:<8} {r['claim']}" for r in c["slowest"]]
        if c["bad_input"]:
            out.append(f"  bad input: {len(c['bad_input'])}")
    d = report.get("derivation")
    if d:
        out += ["", f"derivation of every gradient, {d['pairs']} catalogue pairs (fresh problems):",
                f"  total {d['total_seconds']} s, per pair median {d['median_seconds']} s, max {d['max_seconds']} s"]
        out += [f"    {s['seconds']:.4f} s  {s['pair']}" for s in d["slowest"]]
    e = report.get("lambdify")
    if e:
        out += ["", f"lambdified gradients on batches of {e['batch']} points ({e['pairs']} pairs):",
                f"  lambdify {e['lambdify_seconds']} s total; evaluation {e['evaluate_seconds']} s",
                f"  {e['evaluations_per_second']:,} gradient evaluations/s overall, "
                f"per-pair median {e['per_pair_median_evaluations_per_second']:,}/s"]
    return "\n".join(out)


def bench_cpu(paths, timeout: float | None) -> dict:
    """Decide every claim in this process, one after another, and measure
    each claim's CPU time (``time.process_time``: building the problem,
    reading the claim, deciding it) beside its wall time.  On a machine
    shared with other jobs the wall time mostly measures waiting for a core;
    the CPU time is what the claim costs, and close to the wall time it
    would take on an idle core.  No worker process, no hard limit: use it
    on claims known to finish."""
    from symloss.calculus.claims import parse_claim
    from symloss.conjectures import build_problem, load_all
    from symloss.decide import decide

    specs = load_all(paths)
    rows = []
    for spec in specs:
        cpu, wall = time.process_time(), time.perf_counter()
        claim = parse_claim(build_problem(spec), spec.claim, assume=spec.assume)
        result = decide(claim, timeout=timeout or float(spec.timeout or 10))
        rows.append({"claim": spec.label, "verdict": result.verdict, "expect": spec.expect,
                     "cpu_seconds": round(time.process_time() - cpu, 3),
                     "wall_seconds": round(time.perf_counter() - wall, 3)})
    cpu = _seconds([r["cpu_seconds"] for r in rows])
    wall = _seconds([r["wall_seconds"] for r in rows])
    return {"paths": [str(p) for p in paths], "claims": len(rows),
            "cpu_median": round(cpu["median"], 3) if rows else None, "cpu_max": cpu["max"],
            "wall_median": round(wall["median"], 3) if rows else None, "wall_max": wall["max"],
            "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
            "missed_expect": [r["claim"] for r in rows if r["expect"] and r["verdict"] != r["expect"]],
            "rows": rows}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", default=[os.path.relpath(ROOT / "proofs")],
                        help="conjecture files or folders (default: proofs/)")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument("--timeout", type=float, default=None, help="hard limit per claim (default: each claim's own, else 10 s)")
    parser.add_argument("--jobs", type=int, default=1, help="claims decided in parallel")
    parser.add_argument("--batch", type=int, default=100_000, help="points per lambdify batch")
    parser.add_argument("--skip-claims", action="store_true", help="only the micro-benchmarks")
    parser.add_argument("--skip-micro", action="store_true", help="only the claims")
    parser.add_argument("--cpu", action="store_true",
                        help="decide the claims in this process and report CPU and wall seconds per claim")
    args = parser.parse_args(argv)
    if args.cpu:
        out = bench_cpu([Path(p) for p in args.paths], args.timeout)
        if args.json:
            json.dump(out, sys.stdout, indent=1, default=str)
            sys.stdout.write("\n")
        else:
            for r in out["rows"]:
                print(f"{r['cpu_seconds']:7.3f} cpu {r['wall_seconds']:7.3f} wall  {r['verdict']:8s} {r['claim']}")
            print(f"{out['claims']} claims: median {out['cpu_median']} s CPU ({out['wall_median']} s wall), "
                  f"max {out['cpu_max']} s CPU; load average {out['load_average']}; "
                  f"missed expect: {out['missed_expect'] or 'none'}")
        return 0

    report = {"python": platform.python_version(), "sympy": sp.__version__, "numpy": np.__version__}
    if not args.skip_claims:
        report["claims"] = bench_claims([Path(p) for p in args.paths], args.timeout, args.jobs)
    if not args.skip_micro:
        pairs = _pairs()
        report["derivation"] = bench_derivation(pairs)
        report["lambdify"] = bench_lambdify(pairs, args.batch)
    if args.json:
        json.dump(report, sys.stdout, indent=1, default=str)
        sys.stdout.write("\n")
    else:
        print(_text(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
