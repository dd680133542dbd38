"""The benchmark: symloss side by side with what a user would pick instead.

Run from the repository root::

    python benchmarks/run.py                     # everything; writes results.md and results.json
    python benchmarks/run.py --quick             # fewer points and repetitions (a smoke run)
    python benchmarks/run.py --parts claims,baselines

Five parts, one table each (benchmarks/README.md explains them):

1. ``claims``    — coverage and speed over ``proofs/`` and ``benchmarks/conjectures/``
                   with ``--jobs 1`` and ``--jobs 2``: decided / total, wrong, median,
                   p90 and max seconds per claim.
2. ``baselines`` — plain SymPy, z3, random float testing and their portfolio on the
                   same claims, each under the same hard time limit per claim.
3. ``derivation`` — every catalogue pair's gradients: symloss vs ``simplify(diff(L, w))``.
4. ``numeric``   — claim points per second: symloss's vectorised path vs ``subs``/``evalf``.
5. ``startup``   — wall time and peak memory of three commands.

A claim's *truth* is its ``expect`` when that is ``proved`` (true) or ``refuted``
(false); claims expected ``unknown`` have no known truth and count only as
coverage.  A verdict is *wrong* when it contradicts the truth.  This is a
script, not a test: it measures and asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
import sympy as sp  # noqa: E402

PARTS = ("claims", "baselines", "derivation", "numeric", "startup")
CLAIM_PATHS = ("proofs", "benchmarks/conjectures")


def _stats(values) -> dict:
    values = sorted(values)
    if not values:
        return {"median": None, "p90": None, "max": None}
    p90 = values[min(len(values) - 1, int(round(0.9 * (len(values) - 1))))]
    return {"median": round(statistics.median(values), 3), "p90": round(p90, 3), "max": round(values[-1], 3)}


def _truth(spec):
    return {"proved": True, "refuted": False}.get(spec.expect)


def _wrong(verdict: str, truth) -> bool:
    return (verdict == "proved" and truth is False) or (verdict == "refuted" and truth is True)


def _score(rows) -> dict:
    decided = sum(r["verdict"] in ("proved", "refuted") for r in rows)
    wrong = [r["claim"] for r in rows if _wrong(r["verdict"], r["truth"])]
    return {"total": len(rows), "decided": decided, "wrong": len(wrong), "wrong_claims": wrong,
            **_stats([r["seconds"] for r in rows])}


# ---------------------------------------------------------------------------
# 1. symloss


def part_claims(specs, timeout, jobs_list) -> dict:
    from symloss.batch import check_specs

    out = {}
    for jobs in jobs_list:
        start = time.perf_counter()
        reports = check_specs(specs, timeout=timeout, jobs=jobs)
        wall = time.perf_counter() - start
        rows = [{"claim": r.spec.label, "verdict": r.verdict, "truth": _truth(r.spec),
                 "seconds": round(r.seconds, 3)} for r in reports]
        out[f"jobs{jobs}"] = {**_score(rows), "wall_seconds": round(wall, 1), "rows": rows}
    return out


# ---------------------------------------------------------------------------
# 2. baselines


def _baseline_worker(spec, name: str) -> str:
    """Run one baseline on one claim (in a worker process, under a hard limit)."""
    import baselines
    from symloss.calculus.claims import parse_claim
    from symloss.conjectures import build_problem

    claim = parse_claim(build_problem(spec), spec.claim, spec.assume)
    return baselines.BASELINES[name](claim)


def part_baselines(specs, timeout) -> dict:
    from baselines import BASELINES, portfolio
    from symloss.runner import Call, run_calls

    names = list(BASELINES)
    calls = [Call(_baseline_worker, (spec, name), timeout=timeout) for spec in specs for name in names]
    outcomes = run_calls(calls, jobs=1)
    table = {name: [] for name in names + ["portfolio"]}
    for i, spec in enumerate(specs):
        answers, seconds = {}, {}
        for j, name in enumerate(names):
            o = outcomes[i * len(names) + j]
            answers[name] = o.value if o.status == "ok" else "unknown"
            seconds[name] = o.seconds
            table[name].append({"claim": spec.label, "verdict": answers[name], "truth": _truth(spec),
                                "seconds": round(o.seconds, 3), "status": o.status})
        table["portfolio"].append({"claim": spec.label, "verdict": portfolio(answers), "truth": _truth(spec),
                                   "seconds": round(sum(seconds.values()), 3), "status": "ok"})
    return {name: {**_score(rows), "rows": rows} for name, rows in table.items()}


# ---------------------------------------------------------------------------
# 3. derivation


def _naive_derivation(model: str, loss: str) -> float:
    """Seconds for ``simplify(diff(L, θ))`` over every parameter (worker process)."""
    from symloss.language.functions import derivative
    from symloss.problem import problem

    p = problem(model, loss)
    t0 = time.perf_counter()
    for v in p.params:
        sp.simplify(derivative(p.L, v))
    return time.perf_counter() - t0


def part_derivation(naive_limit: float) -> dict:
    """symloss's readable gradients vs naive ``simplify(diff(L, θ))``; a naive pair
    that hits ``naive_limit`` counts with the limit (so the speed-up is a lower bound)."""
    from symloss.calculus.catalogue import CATALOGUE
    from symloss.problem import problem
    from symloss.runner import Call, run_calls

    pairs = [(m.name, l.name) for m, l, c in CATALOGUE.pairs() if c.ok and not m.indexed]
    ours = {}
    for m, l in pairs:
        t0 = time.perf_counter()
        p = problem(m, l)
        p.gradient()
        ours[f"{m}+{l}"] = time.perf_counter() - t0
    outcomes = run_calls([Call(_naive_derivation, pair, timeout=naive_limit) for pair in pairs], jobs=1)
    naive = [o.value if o.status == "ok" else naive_limit for o in outcomes]
    timeouts = sum(o.status != "ok" for o in outcomes)
    total_ours, total_naive = sum(ours.values()), sum(naive)
    return {
        "pairs": len(pairs),
        "symloss_total_seconds": round(total_ours, 2),
        "naive_total_seconds": round(total_naive, 2),
        "naive_timeouts": timeouts,
        "naive_limit_seconds": naive_limit,
        "symloss_median_seconds": round(statistics.median(ours.values()), 4),
        "naive_median_seconds": round(statistics.median(naive), 4),
        "speedup": round(total_naive / total_ours, 1) if total_ours else None,
    }


# ---------------------------------------------------------------------------
# 4. numeric checking


def part_numeric(points: int, loop_points: int) -> dict:
    """A typical sign claim, sign(∂L/∂w) == sign(x(ŷ − y)) for logistic + BCE."""
    from symloss.calculus.claims import parse_claim
    from symloss.language.functions import NUMPY_FUNCTIONS
    from symloss.problem import problem

    p = problem("logistic", "bce")
    claim = parse_claim(p, "sign(d(L, w)) == sign(x*(yhat - y))")
    syms = list(claim.symbols)
    rng = np.random.default_rng(0)
    cols = [claim.domain_of(s).sample(rng, points) for s in syms]
    t0 = time.perf_counter()
    f = sp.lambdify(syms, claim.formula, modules=[NUMPY_FUNCTIONS, "numpy"])
    compile_s = time.perf_counter() - t0
    with np.errstate(all="ignore"):
        t0 = time.perf_counter()
        f(*cols)
        vec_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    for i in range(loop_points):
        val = claim.formula.subs({s: sp.Float(c[i]) for s, c in zip(syms, cols)})
        bool(val) if val in (sp.true, sp.false) else val.evalf()
    loop_s = time.perf_counter() - t0
    vec_rate, loop_rate = points / vec_s, loop_points / loop_s
    return {
        "claim": "logistic + bce: sign(d(L, w)) == sign(x*(yhat - y))",
        "vectorised_points": points,
        "lambdify_seconds": round(compile_s, 3),
        "vectorised_points_per_second": round(vec_rate),
        "subs_points": loop_points,
        "subs_points_per_second": round(loop_rate, 1),
        "ratio": round(vec_rate / loop_rate),
    }


# ---------------------------------------------------------------------------
# 5. start-up and memory


_MEASURE = (
    "import resource, subprocess, sys, time\n"
    "t = time.perf_counter(); r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
    "wall = time.perf_counter() - t\n"
    "print(wall, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode)\n"
)


def _measure(cmd, repeat: int) -> dict:
    walls, rss, codes = [], [], set()
    for _ in range(repeat):
        out = subprocess.run([sys.executable, "-c", _MEASURE, *cmd], capture_output=True, text=True, check=True)
        wall, kib, code = out.stdout.split()
        walls.append(float(wall))
        rss.append(int(kib))
        codes.add(int(code))
    return {"command": " ".join(cmd), "wall_seconds_median": round(statistics.median(walls), 3),
            "peak_rss_mib": round(max(rss) / 1024, 1), "exit_codes": sorted(codes)}


def part_startup(repeat: int, tmp: Path) -> dict:
    trivial = tmp / "trivial.toml"
    trivial.write_text('[[claim]]\nname = "trivial"\nloss = "w**2"\nclaim = "L >= 0"\nexpect = "proved"\n')
    symloss = [sys.executable, "-m", "symloss"]
    rows = [
        _measure([sys.executable, "-c", "pass"], repeat),
        _measure([sys.executable, "-c", "import sympy"], repeat),
        _measure(symloss + ["--help"], repeat),
        _measure(symloss + ["derive", "--model", "linear", "--loss", "squared"], repeat),
        _measure(symloss + ["check", str(trivial)], repeat),
    ]
    return {"rows": rows}


# ---------------------------------------------------------------------------
# output


def _machine() -> dict:
    import z3

    load = os.getloadavg()
    return {"date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "cores": os.cpu_count(),
            "python": platform.python_version(), "sympy": sp.__version__, "numpy": np.__version__,
            "z3": z3.get_version_string(), "load_average_1min_at_start": round(load[0], 2)}


def _row(name, s) -> str:
    return (f"| {name} | {s['decided']} / {s['total']} | {s['wrong']} | {s['median']} | {s['p90']} | {s['max']} |")


def markdown(report: dict) -> str:
    m = report["machine"]
    out = [f"# Benchmark results", "",
           f"{m['date']}; {m['cores']} cores; Python {m['python']}, SymPy {m['sympy']}, NumPy {m['numpy']}, "
           f"z3 {m['z3']}; load average {m['load_average_1min_at_start']} at the start"
           + (f"; commit {report['commit']}" if report.get("commit") else "") + ". "
           f"Command: `{report['command']}`.", ""]
    claims, base = report.get("claims"), report.get("baselines")
    if claims or base:
        out += ["## Coverage, correctness and speed", "",
                f"{report['claim_count']} claims ({report['claim_sources']}); hard limit "
                f"{report['timeout']} s per claim.", "",
                "| tool | decided / total | wrong | median s | p90 s | max s |", "|---|---|---|---|---|---|"]
        for key, s in (claims or {}).items():
            if not key.startswith("_"):
                out.append(_row(f"**symloss** (`--jobs {key[4:]}`)", s))
        for name in ("sympy", "z3", "random", "portfolio"):
            if base and name in base:
                label = {"sympy": "plain SymPy", "z3": "z3 (polynomial subset)", "random": "random float testing",
                         "portfolio": "portfolio of the three"}[name]
                out.append(_row(label, base[name]))
        if base:
            for name in ("sympy", "z3", "random"):
                if base[name]["wrong_claims"]:
                    out += ["", f"Wrong answers of {name}: " + ", ".join(f"`{c}`" for c in base[name]["wrong_claims"])]
        whens = [_when(claims), _when(base)]
        out += ["", whens[0], whens[1] if whens[1] != whens[0] else None, ""]
    d = report.get("derivation")
    if d:
        out += ["## Derivation", "",
                "| | total s | median s per pair |", "|---|---|---|",
                f"| symloss, {d['pairs']} catalogue pairs | {d['symloss_total_seconds']} | {d['symloss_median_seconds']} |",
                f"| naive `simplify(diff(L, θ))` | {d['naive_total_seconds']} | {d['naive_median_seconds']} |",
                "", f"symloss is **{d['speedup']}×** faster"
                + (f" (at least: {d['naive_timeouts']} naive pairs hit the {d['naive_limit_seconds']} s limit and count with it)"
                   if d["naive_timeouts"] else "") + ".", "", _when(d), ""]
    n = report.get("numeric")
    if n:
        out += ["## Numeric checking", "", f"Claim: {n['claim']}.", "",
                "| path | points | points per second |", "|---|---|---|",
                f"| symloss vectorised (lambdify) | {n['vectorised_points']:,} | {n['vectorised_points_per_second']:,} |",
                f"| SymPy `subs` + `evalf` loop | {n['subs_points']:,} | {n['subs_points_per_second']:,} |",
                "", f"Ratio: **{n['ratio']:,}×** (lambdify itself took {n['lambdify_seconds']} s once).", "",
                _when(n), ""]
    s = report.get("startup")
    if s:
        out += ["## Start-up and memory", "", "| command | wall s (median) | peak RSS MiB |", "|---|---|---|"]
        for r in s["rows"]:
            out.append(f"| `{r['command'].replace(sys.executable, 'python')}` | {r['wall_seconds_median']} | {r['peak_rss_mib']} |")
        out += ["", _when(s), ""]
    out += targets(report)
    text = "\n".join(line for line in out if line is not None)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text


def _when(part) -> str | None:
    """One line saying when a part ran and how busy the machine was (timings mean little under load)."""
    w = (part or {}).get("_when")
    if not w:
        return None
    took = f" in {w['seconds']} s" if w.get("seconds") is not None else ""
    note = f" {w['note']}" if w.get("note") else ""
    on = f" on {w['commit']}" if w.get("commit") else ""
    return (f"_Measured {w['date']}{on}{took}; load average {w['load_before']} before, "
            f"{w['load_after']} after.{note}_")


def _startup_row(report, needle):
    for r in (report.get("startup") or {}).get("rows", []):
        if needle in r["command"]:
            return r
    return None


def targets(report: dict) -> list:
    """The issue's targets, each with the measured figure and by how much it is met or missed."""
    rows = []

    def add(target, figure, met):
        rows.append(f"| {target} | {figure} | {'met' if met else '**missed**'} |")

    claims, base = report.get("claims") or {}, report.get("baselines") or {}
    one = claims.get("jobs1")
    if one:
        share = one["decided"] / one["total"]
        add("decides ≥ 95 % of the set", f"{one['decided']} / {one['total']} = {share:.1%}", share >= 0.95)
        add("0 wrong verdicts", str(one["wrong"]), one["wrong"] == 0)
        if "portfolio" in base:
            p = base["portfolio"]["decided"]
            add("ahead of the baselines' portfolio", f"{one['decided']} vs {p} decided", one["decided"] > p)
        add("median ≤ 0.2 s per claim", f"{one['median']} s", one["median"] is not None and one["median"] <= 0.2)
        limit = report.get("timeout")
        if limit:
            add("max within the per-claim limit", f"{one['max']} s (limit {limit} s; the runner kills at the limit)",
                one["max"] is not None and one["max"] <= limit * 1.05)
    d = report.get("derivation")
    if d:
        add("derivation ≥ 10× faster than naive", f"{d['speedup']}×", d["speedup"] >= 10)
    n = report.get("numeric")
    if n:
        add("numeric checking ≥ 1000× faster than `subs`", f"{n['ratio']:,}×", n["ratio"] >= 1000)
    base_row, help_row = _startup_row(report, "-c pass"), _startup_row(report, "--help")
    if base_row and help_row:
        gap = help_row["wall_seconds_median"] - base_row["wall_seconds_median"]
        add("`symloss --help` within 0.1 s of `python -c pass`", f"{gap:+.3f} s", gap <= 0.1)
    check_row = _startup_row(report, " check ")
    if check_row:
        add("`symloss check` of one trivial claim ≤ 1.0 s", f"{check_row['wall_seconds_median']} s",
            check_row["wall_seconds_median"] <= 1.0)
    if not rows:
        return []
    return ["## Targets", "", "| target | measured | |", "|---|---|---|", *rows, ""]


def _commit() -> str | None:
    """The checked-out commit (short hash), so a figure names the code it measured."""
    out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT)
    return out.stdout.strip() or None


def _run_part(name: str, fn, *args) -> dict:
    """Run one part, stamped with its wall time and the load average before and after."""
    print(f"{name} ...", file=sys.stderr)
    before, t0 = os.getloadavg()[0], time.perf_counter()
    result = fn(*args)
    result["_when"] = {"date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                       "seconds": round(time.perf_counter() - t0, 1),
                       "load_before": round(before, 2), "load_after": round(os.getloadavg()[0], 2),
                       "commit": _commit()}
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--parts", default=",".join(PARTS), help=f"comma-separated subset of {', '.join(PARTS)}")
    parser.add_argument("--timeout", type=float, default=10.0, help="hard limit per claim and per baseline answer (s)")
    parser.add_argument("--quick", action="store_true", help="smaller numeric batches and fewer repetitions")
    parser.add_argument("--out", default=str(ROOT / "benchmarks"), help="folder for results.md and results.json")
    parser.add_argument("--update", action="store_true",
                        help="keep the other parts of OUT/results.json and replace only the parts run now "
                             "(to re-measure one part on an idle machine)")
    args = parser.parse_args(argv)
    parts = [p.strip() for p in args.parts.split(",") if p.strip()]
    unknown = sorted(set(parts) - set(PARTS))
    if unknown:
        parser.error(f"unknown part(s): {', '.join(unknown)}")
    os.chdir(ROOT)

    from symloss.conjectures import load_all

    specs = load_all([Path(p) for p in CLAIM_PATHS])
    out = Path(args.out)
    report = {}
    if args.update and (out / "results.json").exists():
        report = json.loads((out / "results.json").read_text())
    report.update({"machine": _machine(), "command": "python benchmarks/run.py " + " ".join(argv or sys.argv[1:]),
                   "commit": _commit(),
                   "claim_count": len(specs),
                   "claim_sources": ", ".join(f"`{p}/`" for p in CLAIM_PATHS)})
    if "claims" in parts or "baselines" in parts:
        report["timeout"] = args.timeout
    if "claims" in parts:
        report["claims"] = _run_part("claims", part_claims, specs, args.timeout, (1, 2))
    if "baselines" in parts:
        report["baselines"] = _run_part("baselines", part_baselines, specs, args.timeout)
    if "derivation" in parts:
        report["derivation"] = _run_part("derivation", part_derivation, 5.0 if args.quick else 20.0)
    if "numeric" in parts:
        report["numeric"] = _run_part("numeric", part_numeric, 200_000 if args.quick else 2_000_000,
                                      200 if args.quick else 2_000)
    if "startup" in parts:
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            report["startup"] = _run_part("start-up", part_startup, 3 if args.quick else 7, Path(tmp))
    (out / "results.json").write_text(json.dumps(report, indent=1, default=str) + "\n")
    (out / "results.md").write_text(markdown(report) + "\n")
    print(markdown(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
