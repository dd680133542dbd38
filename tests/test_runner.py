"""Worker processes with hard time limits: kills, crashes, order, jobs."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from symloss import conjectures
from symloss.conjectures import ClaimSpec
from symloss.errors import InvalidArgument
from symloss.batch import check_specs, prepare_specs
from symloss.runner import (
    Call,
    WorkerError,
    WorkerTimeout,
    call_with_timeout,
    run_calls,
)

PROOFS = Path(__file__).resolve().parent.parent / "proofs"


# module-level work functions (they must pickle under the spawn start method)

def spin_forever():
    while True:
        pass


def sleep_then(seconds, value):
    time.sleep(seconds)
    return value


def ignore_sigterm_and_sleep():
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    time.sleep(600)


def raise_invalid(name):
    raise InvalidArgument(f"unknown model {name!r}")


def segfault():
    os.kill(os.getpid(), signal.SIGSEGV)


def exit_quietly():
    os._exit(3)


def eat_memory():
    return bytearray(2 * 1024**3)  # 2 GiB, above the 300 MiB limit


def unpicklable_value():
    return lambda: 1


def chatty(value):
    print("debug output from a worker")
    os.write(1, b"raw fd-1 output\n")
    return value


def big_value():
    return "x" * 5_000_000


# ---------------------------------------------------------------------------


@pytest.mark.parametrize("func", [spin_forever, ignore_sigterm_and_sleep])
def test_stuck_worker_is_killed_at_the_deadline(func):
    start = time.monotonic()
    (outcome,) = run_calls([Call(func)], timeout=1.0)
    wall = time.monotonic() - start
    assert outcome.status == "timeout"
    assert 0.9 <= outcome.seconds and wall < 5.0


def test_call_with_timeout_raises_worker_timeout_within_bound():
    start = time.monotonic()
    with pytest.raises(WorkerTimeout, match="spin_forever timed out after 1 s"):
        call_with_timeout(spin_forever, timeout=1.0)
    assert time.monotonic() - start < 5.0


@pytest.mark.parametrize(
    "func, status, error",
    [
        (raise_invalid, "error", "InvalidArgument: unknown model 'nope'"),
        (segfault, "crash", "worker killed by SIGSEGV"),
        (exit_quietly, "crash", "worker exited with status 3"),
        (unpicklable_value, "error", "result could not be sent to the parent"),
    ],
)
def test_failures_become_outcomes(func, status, error):
    args = ("nope",) if func is raise_invalid else ()
    (outcome,) = run_calls([Call(func, args)], timeout=10)
    assert outcome.status == status and error in outcome.error


def test_memory_error_becomes_an_outcome():
    (outcome,) = run_calls([Call(eat_memory)], timeout=10, memory_mb=300)
    assert outcome.status == "error" and "MemoryError" in outcome.error


def test_call_with_timeout_reraises_the_workers_exception():
    with pytest.raises(InvalidArgument, match="unknown model 'zz'"):
        call_with_timeout(raise_invalid, "zz", timeout=10)
    with pytest.raises(WorkerError, match="SIGSEGV"):
        call_with_timeout(segfault, timeout=10)
    assert call_with_timeout(sleep_then, 0, value=7, timeout=10) == 7


def test_worker_output_goes_to_stderr_not_stdout(capfd):
    (outcome,) = run_calls([Call(chatty, (5,))], timeout=10)
    out, err = capfd.readouterr()
    assert outcome.value == 5 and out == ""
    assert "debug output from a worker" in err and "raw fd-1 output" in err


def test_large_values_cross_the_pipe():
    (outcome,) = run_calls([Call(big_value)], timeout=10)
    assert outcome.ok and len(outcome.value) == 5_000_000


@pytest.mark.parametrize("jobs", [1, 3])
def test_order_is_input_order_not_completion_order(jobs):
    delays = [0.6, 0.0, 0.3, 0.1]
    done = []
    outcomes = run_calls([Call(sleep_then, (d, i)) for i, d in enumerate(delays)], timeout=10,
                         jobs=jobs, on_done=lambda i, o: done.append(i))
    assert [o.value for o in outcomes] == [0, 1, 2, 3]
    assert sorted(done) == [0, 1, 2, 3]
    if jobs == 3:
        assert done[0] != 0  # the slow first call finished after a faster one


def test_one_stuck_worker_does_not_hold_up_the_others():
    calls = [Call(spin_forever, timeout=1.5)] + [Call(sleep_then, (0.1, i)) for i in range(4)]
    start = time.monotonic()
    outcomes = run_calls(calls, timeout=10, jobs=2)
    assert time.monotonic() - start < 5.0
    assert [o.status for o in outcomes] == ["timeout", "ok", "ok", "ok", "ok"]
    assert [o.value for o in outcomes[1:]] == [0, 1, 2, 3]


def test_parallel_jobs_overlap():
    start = time.monotonic()
    run_calls([Call(sleep_then, (1.0, i)) for i in range(4)], timeout=10, jobs=4)
    assert time.monotonic() - start < 3.0  # sequentially it would take 4 s


def test_bad_jobs_value():
    with pytest.raises(ValueError, match="jobs must be at least 1, got 0"):
        run_calls([Call(abs, (1,))], jobs=0)


# ---------------------------------------------------------------------------
# conjecture claims, with a stand-in decision procedure


class FakeResult:
    def __init__(self, verdict, counterexample=None, reason=""):
        self.verdict, self.counterexample, self.reason = verdict, counterexample, reason

    def to_json(self):
        return {"verdict": self.verdict, "counterexample": self.counterexample,
                "reason": self.reason, "method": "fake", "seconds": 0.0}


def fake_evaluate(spec, timeout=None):
    """Verdict chosen by the claim text, so tests control it."""
    if spec.claim == "hang":
        spin_forever()
    if spec.claim == "crash":
        segfault()
    if spec.claim == "raise":
        raise RuntimeError("boom")
    if spec.claim == "false":
        return FakeResult("refuted", {"w": "-1/2"}, "sides differ")
    return FakeResult("proved", None, "identity")


def _spec(i, claim, expect=None, timeout=None):
    return ClaimSpec(file="t.toml", name=f"c{i}", loss="(yhat - y)**2", claim=claim,
                     expect=expect, timeout=timeout, index=i)


def test_check_specs_maps_outcomes_to_verdicts(monkeypatch):
    monkeypatch.setattr(conjectures, "evaluate", fake_evaluate)
    specs = [_spec(0, "true", "proved"), _spec(1, "false", "refuted"), _spec(2, "hang", "proved"),
             _spec(3, "crash"), _spec(4, "raise"), _spec(5, "true", "refuted")]
    start = time.monotonic()
    reports = check_specs(specs, timeout=1.0, jobs=2)
    assert time.monotonic() - start < 8.0
    assert [r.verdict for r in reports] == ["proved", "refuted", "unknown", "unknown", "unknown", "proved"]
    assert [r.method for r in reports[2:5]] == ["timeout", "crash", "error"]
    assert "RuntimeError: boom" in reports[4].reason and "SIGSEGV" in reports[3].reason
    assert [r.as_expected for r in reports] == [True, True, False, None, None, False]
    assert reports[1].counterexample == {"w": "-1/2"}
    row = reports[2].to_json()
    assert {"file", "name", "verdict", "counterexample", "seconds", "expect", "reason"} <= set(row)
    assert row["verdict"] == "unknown" and row["expect"] == "proved" and "timeout" in row["reason"]


def test_claim_timeout_is_used_unless_overridden(monkeypatch):
    monkeypatch.setattr(conjectures, "evaluate", fake_evaluate)
    start = time.monotonic()
    (report,) = check_specs([_spec(0, "hang", timeout=0.5)])
    assert report.method == "timeout" and time.monotonic() - start < 4.0
    assert "0.5 s" in report.reason


def fake_prepare(spec):
    if "bad" in spec.claim:
        raise InvalidArgument(f"{spec.where('claim')}: unknown function 'bad'")
    if spec.claim == "hang":
        spin_forever()
    return "parsed"


def test_prepare_specs_reports_bad_input_only(monkeypatch):
    monkeypatch.setattr(conjectures, "prepare", fake_prepare)
    specs = [_spec(0, "ok"), _spec(1, "bad(L)"), _spec(2, "hang")]
    assert prepare_specs(specs, timeout=1.0, jobs=2) == [
        None, "t.toml: claim 'c1', field 'claim': unknown function 'bad'", None]


def _real_decider_available() -> bool:
    try:
        import symloss.decide  # noqa: F401
        import symloss.problem  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.mark.slow
@pytest.mark.skipif(not _real_decider_available(), reason="decision procedure not built yet")
def test_jobs_2_gives_the_same_verdicts_as_jobs_1_on_the_public_examples():
    specs = conjectures.load_all([PROOFS])
    one = check_specs(specs, jobs=1)
    two = check_specs(specs, jobs=2)
    assert [r.spec.name for r in two] == [s.name for s in specs]
    compared = 0
    for a, b in zip(one, two):
        if "timeout" in (a.method, b.method):  # wall-clock limits may fall either way under load
            continue
        compared += 1
        assert a.verdict == b.verdict, a.spec.label
        assert (a.counterexample is None) == (b.counterexample is None), a.spec.label
    assert compared >= len(specs) // 2


def _run_and_spin_forever(timeout):
    run_calls([Call(spin_forever)], timeout=timeout)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is dead for our purposes
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not os.path.exists("/proc/self/stat"), reason="needs Linux /proc")
def test_workers_die_when_the_parent_is_killed():
    import multiprocessing

    parent = multiprocessing.get_context("fork").Process(target=_run_and_spin_forever, args=(600,))
    parent.start()
    deadline = time.monotonic() + 10
    children = []
    while not children and time.monotonic() < deadline:
        time.sleep(0.1)
        try:
            with open(f"/proc/{parent.pid}/task/{parent.pid}/children") as fh:
                children = [int(c) for c in fh.read().split()]
        except OSError:
            break
    assert children, "the worker did not start"
    os.kill(parent.pid, signal.SIGKILL)
    parent.join()
    deadline = time.monotonic() + 5
    while any(_alive(c) for c in children) and time.monotonic() < deadline:
        time.sleep(0.1)
    orphans = [c for c in children if _alive(c)]
    for pid in orphans:  # never leave a spinning process behind, even on failure
        os.kill(pid, signal.SIGKILL)
    assert not orphans


@pytest.mark.skipif(not _real_decider_available(), reason="decision procedure not built yet")
def test_real_results_cross_the_process_boundary_whole():
    from symloss.engine.verdict import Result

    specs = [ClaimSpec(file="t.toml", name="id", model="linear", loss="squared",
                       claim="d(L, w) == x*(w*x + b - y)", index=0),
             ClaimSpec(file="t.toml", name="no", model="linear", loss="squared",
                       claim="d(L, w) >= 0", index=1)]
    proved, refuted = check_specs(specs, timeout=20)
    assert isinstance(proved.result, Result) and proved.result.proof is not None
    assert isinstance(refuted.result, Result) and refuted.result.counterexample is not None
    assert refuted.counterexample == refuted.result.counterexample.to_json()


def test_should_stop_kills_the_running_and_skips_the_pending():
    start = time.monotonic()
    out = run_calls([Call(sleep_then, (60, 1)), Call(sleep_then, (60, 2))], timeout=120,
                    should_stop=lambda: time.monotonic() - start > 0.3)
    assert [o.status for o in out] == ["crash", "crash"] and all("no longer wanted" in o.error for o in out)
