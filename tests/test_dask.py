"""Sweeps on a Dask cluster (:mod:`symloss.sweep`): a 2-worker ``LocalCluster``
of processes on the loopback interface gives exactly the local results, in
input order; the hard limit holds on the workers; a dead worker loses no
claim; Ctrl-C cancels what is outstanding.  One cluster for the module."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed", reason="the dask extra is not installed: pip install 'symloss[dask]'")

from symloss import conjectures, sweep  # noqa: E402
from symloss.atlas import run_atlas, to_json  # noqa: E402
from symloss.cli import main  # noqa: E402
from symloss.errors import InvalidArgument, ToolMissing  # noqa: E402
from symloss.explore import explore  # noqa: E402
from symloss.batch import _report, check_specs  # noqa: E402
from symloss.runner import Call  # noqa: E402

PROOFS = Path(__file__).resolve().parent.parent / "proofs"
SUBSET = [str(PROOFS / "linear_regression.toml")]  # proved and refuted claims, counterexamples


# module-level work functions: workers import them from this module

def sleep_then(seconds, value):
    time.sleep(seconds)
    return value


def spin_forever():
    while True:
        pass


def kill_my_worker():
    """Runs in the claim's child process: SIGKILL its parent, the worker."""
    os.kill(os.getppid(), signal.SIGKILL)
    time.sleep(30)


def _daemonic():
    return multiprocessing.current_process().daemon


@pytest.fixture(scope="module")
def cluster():
    client = sweep.local_cluster(2)  # LocalCluster(processes=True, n_workers=2, threads_per_worker=1) on 127.0.0.1
    try:
        client.wait_for_workers(2, timeout=120)
        client.symloss_daemonic = set(client.run(_daemonic).values())  # before any task lifted the flag
        yield client
    finally:
        client.close()


def _strip_seconds(doc: dict) -> list[dict]:
    return [{k: v for k, v in row.items() if k != "seconds"} for row in doc["results"]]


def _check_json(capsys, *argv) -> list[dict]:
    code = main(["check", *argv, "--json", "--timeout", "60"])
    assert code == 0
    return _strip_seconds(json.loads(capsys.readouterr().out))


# ---------------------------------------------------------------------------


def test_claims_run_on_daemonic_workers(cluster):
    assert cluster.symloss_daemonic == {True}  # as `dask worker` starts them: the task lifts the flag itself
    assert [o.value for o in sweep.run_calls([Call(abs, (-3,)), Call(max, (1, 2))], executor=cluster)] == [3, 2]


def test_check_on_the_cluster_gives_the_local_json(cluster, capsys):
    local = _check_json(capsys, *SUBSET)
    remote = _check_json(capsys, *SUBSET, "--scheduler", cluster.scheduler.address)
    assert remote == local
    assert {r["verdict"] for r in local} == {"proved", "refuted"} and any(r["counterexample"] for r in local)


def _decided(rows: list[dict]) -> list[dict]:
    """Rows as compared: an ``unknown``'s reason counts the points tried in its
    budget, which depends on the machine's load, so only its verdict is kept."""
    return [r if r["verdict"] != "unknown" else {"name": r["name"], "verdict": "unknown"} for r in rows]


@pytest.mark.slow
def test_check_of_every_proof_on_the_cluster_gives_the_local_json(cluster, capsys):
    local = _check_json(capsys, str(PROOFS))
    assert _decided(_check_json(capsys, str(PROOFS), "--scheduler", cluster.scheduler.address)) == _decided(local)


def test_results_stream_in_completion_order_and_return_in_input_order(cluster):
    order = []
    calls = [Call(sleep_then, (3.0, "slow")), Call(sleep_then, (0.0, "fast"))]
    out = sweep.run_calls(calls, executor=cluster, on_done=lambda i, o: order.append(i))
    assert [o.value for o in out] == ["slow", "fast"] and order == [1, 0]


def test_the_hard_limit_holds_on_a_worker(cluster):
    spec = next(s for s in conjectures.load_all([str(PROOFS / "limits.toml")])
                if s.name == "fifth-derivative-of-six-nested-tanh-is-bounded")  # grinds past its 3 s limit
    report, = check_specs([spec], executor=cluster)
    assert (report.verdict, report.method) == ("unknown", "timeout")
    assert report.reason == "timeout: no verdict within 3 s (hard limit, worker killed)"
    spun, after = sweep.run_calls([Call(spin_forever, timeout=1.0), Call(abs, (-1,))], executor=cluster)
    assert spun.status == "timeout" and after.value == 1  # the worker lives on


def test_explore_with_a_seed_gives_the_local_answer_on_two_workers(cluster):
    kwargs = dict(family="polynomial", examples=4, seed=5, shrink_budget=1e-9, timeout=20)
    local = explore("d(L, w, 2) >= 0", **kwargs)
    remote = explore("d(L, w, 2) >= 0", executor=cluster, **kwargs)
    assert remote.to_json() == local.to_json() and local.refuted


@pytest.mark.slow
def test_explore_with_a_seed_gives_the_same_answer_on_one_worker(cluster):
    kwargs = dict(family="polynomial", examples=6, seed=1, shrink_budget=300, timeout=20)
    two = explore("d(L, w, 2) >= 0", scheduler=cluster.scheduler.address, **kwargs)
    with sweep.local_cluster(1) as one:
        assert explore("d(L, w, 2) >= 0", executor=one, **kwargs).to_json() == two.to_json()


def fake_examine(spec, claim, vars, assume, timeout, seed):
    from symloss.explore import Trial

    return Trial(spec, "refuted" if spec in ("f", "i") else "proved", description=str(seed))


def test_explore_on_an_executor_reads_the_rounds_of_the_local_search(monkeypatch):
    import importlib

    module = importlib.import_module("symloss.explore")  # the module, not the function of that name
    monkeypatch.setattr(module, "examine", fake_examine)  # forked children see it too
    rounds = [(0, list("abcd")), (4, list("efgh")), (8, ["i"])]
    seen = []
    with ThreadPoolExecutor(3) as pool:
        read = module._search_ahead(rounds, "claim", {}, (), 5.0, 100, seen.append, pool)
    assert [[(t.spec, t.verdict, t.description) for t in r] for r in read] == [
        [(x, "proved", str(100 + k)) for k, x in enumerate("abcd")],
        [(x, "refuted" if x == "f" else "proved", str(104 + k)) for k, x in enumerate("efgh")]]
    assert [t.spec for t in seen] == list("abcdefgh")  # counted in order; round 3 is not the local search's


def test_the_atlas_on_the_cluster_is_the_local_atlas(cluster):
    kwargs = dict(pairs=[("linear", "squared")], questions=["proportional", "sign"], timeout=60)
    assert to_json(run_atlas(executor=cluster, **kwargs)) == to_json(run_atlas(**kwargs))


def test_any_concurrent_futures_executor_will_do():
    with ThreadPoolExecutor(2) as pool:
        out = sweep.run_calls([Call(spin_forever, timeout=0.5), Call(sleep_then, (0.0, 7))], executor=pool)
    assert [o.status for o in out] == ["timeout", "ok"] and out[1].value == 7


def test_where_to_run_is_checked():
    with pytest.raises(InvalidArgument, match="not both"):
        with ThreadPoolExecutor(1) as pool:
            sweep.run_calls([], executor=pool, scheduler="tcp://127.0.0.1:1")
    with pytest.raises(InvalidArgument, match="executor must be"):
        sweep.run_calls([Call(abs, (1,))], executor=object())


def test_no_scheduler_at_the_address_is_bad_input():
    with pytest.raises(InvalidArgument, match="tcp://127.0.0.1:9: no Dask scheduler answered"):
        sweep.connect("tcp://127.0.0.1:9", timeout=1)


def test_without_dask_the_scheduler_option_says_what_to_install(monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "distributed", None)
    with pytest.raises(ToolMissing, match=r"symloss\[dask\]"):
        sweep.run_calls([Call(abs, (1,))], scheduler="tcp://127.0.0.1:8786")


def test_ctrl_c_cancels_the_outstanding_tasks_and_kills_the_running_claims(cluster):
    def interrupt(i, outcome):
        raise KeyboardInterrupt

    calls = [Call(sleep_then, (0.0, 0))] + [Call(sleep_then, (300.0, i), timeout=600) for i in range(1, 9)]
    with pytest.raises(KeyboardInterrupt):
        sweep.run_calls(calls, executor=cluster, on_done=interrupt)
    deadline = time.monotonic() + 60  # far below the claims' 300 s: they were killed, not finished
    while time.monotonic() < deadline and (_symloss_tasks(cluster) or _claim_processes(cluster)):
        time.sleep(0.2)
    assert _symloss_tasks(cluster) == []  # none left queued: the scheduler forgot them
    assert _claim_processes(cluster) == 0  # and the running ones' child processes are gone


def _symloss_tasks(client) -> list:
    return client.run_on_scheduler(lambda dask_scheduler: [k for k in dask_scheduler.tasks
                                                           if str(k).startswith("symloss-")])


def _claim_processes(client) -> int:
    return sum(client.run(lambda: len(multiprocessing.active_children())).values())


# the tests that kill workers come last: the nanny restarts them


def test_a_worker_killed_mid_sweep_loses_no_claim(cluster):
    pids = cluster.run(os.getpid)
    killed = []

    def kill_one(i, outcome):
        if not killed:
            pid = next(iter(pids.values()))
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

    calls = [Call(sleep_then, (1.5, i)) for i in range(6)]
    out = sweep.run_calls(calls, executor=cluster, on_done=kill_one)
    assert killed and [o.value for o in out] == list(range(6))
    cluster.wait_for_workers(2, timeout=120)


def test_a_claim_that_kills_two_workers_is_unknown_with_the_reason(cluster):
    cluster.wait_for_workers(2, timeout=120)
    crash, = sweep.run_calls([Call(kill_my_worker, timeout=60)], executor=cluster)
    assert crash.status == "crash" and "killed 2 workers" in crash.error
    spec = conjectures.load_all([SUBSET[0]])[0]
    report = _report(spec, crash, 60)
    assert report.verdict == "unknown" and report.reason.startswith("crash: the task killed 2 workers")
    cluster.wait_for_workers(1, timeout=120)  # the nannies restart the workers: the cluster goes on
    assert sweep.run_calls([Call(abs, (-5,))], executor=cluster)[0].value == 5
