"""Worker processes with hard time limits.

SymPy can run for minutes (or forever) on an innocent-looking claim, and no
cooperative timeout inside the computation can stop it reliably.  This module
enforces limits from *outside*: every call runs in its own worker process
(``fork`` on Linux, ``spawn`` elsewhere); at the deadline the worker gets
SIGTERM, then SIGKILL after a short grace period.  A crash of the worker
(exception, segfault, ``MemoryError``) becomes an :class:`Outcome`, never a
crash of the caller.

* :func:`run_calls` — a pool of at most ``jobs`` workers that this module
  manages itself (so that one stuck worker can be killed individually);
  outcomes come back in input order whatever the completion order.
* :func:`call_with_timeout` — one call, value or exception, for in-Python use.

Checking conjecture-file claims with these workers is :mod:`symloss.batch`
(this module knows no claims: :mod:`symloss.problem` uses it, and the
conjecture files use :mod:`symloss.problem`).

Values cross the process boundary by pickling; a value that does not pickle
turns into an ``error`` outcome that says so.  Whatever a worker prints goes
to stderr: stdout stays the parent's.
"""

from __future__ import annotations

import faulthandler
import multiprocessing
import os
import signal
import sys
import time
import traceback
from collections import deque
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from typing import Any, Callable, Mapping, Sequence

from .errors import SymlossError, WorkerError, WorkerTimeout

__all__ = [
    "Call",
    "Outcome",
    "WorkerTimeout",
    "WorkerError",
    "run_calls",
    "call_with_timeout",
    "DEFAULT_TIMEOUT",
]

#: Default per-claim wall-time limit of ``symloss check``, in seconds.
DEFAULT_TIMEOUT = 10.0
_GRACE = 0.5  # seconds between SIGTERM and SIGKILL
_POLL = 0.5  # seconds between two questions to should_stop()


@dataclass(frozen=True)
class Call:
    """One unit of work: ``func(*args, **kwargs)`` with an optional own limit.

    With the ``spawn`` start method ``func`` and its arguments must pickle
    (module-level functions do).
    """

    func: Callable[..., Any]
    args: tuple = ()
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    timeout: float | None = None


@dataclass(frozen=True)
class Outcome:
    """What became of one :class:`Call`.

    ``status`` is ``"ok"`` (``value`` holds the return value), ``"error"``
    (the call raised; ``error`` is ``"Type: message"`` and ``exception`` the
    exception itself when it pickled), ``"timeout"`` (killed at the deadline)
    or ``"crash"`` (the worker died without answering: signal, exit, lost
    pipe).  ``seconds`` is the wall time the parent measured.
    """

    status: str
    value: Any = None
    error: str | None = None
    exception: BaseException | None = None
    traceback: str = ""
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def _context():
    method = "fork" if sys.platform.startswith("linux") else "spawn"
    return multiprocessing.get_context(method)


def _describe(exc: BaseException) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _set_memory_limit(memory_mb: int | None) -> None:
    if not memory_mb:
        return
    try:
        import resource

        limit = int(memory_mb) * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):  # pragma: no cover - platform
        pass


def _die_with_parent(parent_pid: int) -> None:
    """Linux: SIGKILL this worker when the parent dies (even by SIGKILL), so
    no orphan keeps spinning after ``symloss check`` is killed."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG
    except Exception:  # pragma: no cover - no prctl
        return
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(1)


def _worker(conn, func, args, kwargs, memory_mb, parent_pid) -> None:
    """Body of a worker process: run the call, send one message, exit."""
    _die_with_parent(parent_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
    if faulthandler.is_enabled():  # a crash is reported by the parent, not dumped
        faulthandler.disable()
    # stdout belongs to the parent (``--json`` prints exactly one document
    # there): whatever the computation prints goes to stderr instead
    try:
        sys.stdout.flush()
    except (OSError, ValueError):  # pragma: no cover
        pass
    try:
        os.dup2(2, 1)
    except OSError:  # pragma: no cover - no descriptor 2
        pass
    sys.stdout = sys.stderr
    try:
        _set_memory_limit(memory_mb)
        message = ("ok", func(*args, **dict(kwargs)))
    except BaseException as exc:  # noqa: BLE001 - everything becomes an outcome
        message = ("error", _describe(exc), exc, traceback.format_exc())
    try:
        conn.send(message)
    except Exception as exc:  # the value or the exception does not pickle
        if message[0] == "ok":
            fallback = ("error", f"result could not be sent to the parent: {_describe(exc)}", None, "")
        else:
            fallback = ("error", message[1], None, message[3])
        try:
            conn.send(fallback)
        except Exception:  # pragma: no cover - pipe gone
            pass
    finally:
        conn.close()


@dataclass
class _Slot:
    index: int
    process: Any
    conn: Any
    start: float
    deadline: float


def _stop(process, grace: float = _GRACE) -> None:
    """SIGTERM, wait ``grace``, then SIGKILL; always reaps the process."""
    if process.is_alive():
        process.terminate()
        process.join(grace)
    if process.is_alive():
        process.kill()
    process.join()


def _crash_reason(exitcode: int | None) -> str:
    if exitcode is None:
        return "worker vanished without answering"
    if exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        return f"worker killed by {name}"
    return f"worker exited with status {exitcode} without answering"


def run_calls(
    calls: Sequence[Call],
    *,
    timeout: float = DEFAULT_TIMEOUT,
    jobs: int = 1,
    grace: float = _GRACE,
    memory_mb: int | None = None,
    on_start: Callable[[int], None] | None = None,
    on_done: Callable[[int, Outcome], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> list[Outcome]:
    """Run every call in its own worker process, at most ``jobs`` at a time.

    Each call gets ``call.timeout`` seconds (or ``timeout``) of wall time from
    its start; past that it is killed and its outcome is ``"timeout"``.
    ``memory_mb`` caps each worker's address space.  ``on_start(i)`` and
    ``on_done(i, outcome)`` report progress (in completion order); the
    returned list is in input order.  ``should_stop()``, asked about twice a
    second, ends the run early: the workers are killed and every call not
    finished gets a ``"crash"`` outcome that says so (a Dask task whose
    result nobody wants any more stops its claim this way).

    >>> [o.value for o in run_calls([Call(abs, (-3,)), Call(max, (1, 2))], jobs=2)]
    [3, 2]
    >>> run_calls([Call(int, ("x",))])[0].error
    "ValueError: invalid literal for int() with base 10: 'x'"
    """
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, got {jobs!r}")
    ctx = _context()
    results: list[Outcome | None] = [None] * len(calls)
    pending = deque(range(len(calls)))
    active: list[_Slot] = []

    def finish(slot: _Slot, outcome: Outcome) -> None:
        active.remove(slot)
        results[slot.index] = outcome
        if on_done is not None:
            on_done(slot.index, outcome)

    def collect(slot: _Slot) -> None:
        """The worker answered or died: turn that into an outcome."""
        elapsed = time.monotonic() - slot.start
        message = None
        try:
            if slot.conn.poll():
                message = slot.conn.recv()
        except (EOFError, OSError):
            message = None
        except Exception as exc:  # unpickling failed in the parent
            message = ("error", f"result could not be read: {_describe(exc)}", None, "")
        slot.conn.close()
        slot.process.join(grace)
        if slot.process.is_alive():
            _stop(slot.process, grace)
        if message is None:
            outcome = Outcome("crash", error=_crash_reason(slot.process.exitcode), seconds=elapsed)
        elif message[0] == "ok":
            outcome = Outcome("ok", value=message[1], seconds=elapsed)
        else:
            outcome = Outcome("error", error=message[1], exception=message[2],
                              traceback=message[3], seconds=elapsed)
        finish(slot, outcome)

    try:
        while pending or active:
            while pending and len(active) < jobs:
                i = pending.popleft()
                call = calls[i]
                limit = call.timeout if call.timeout is not None else timeout
                receiver, sender = ctx.Pipe(duplex=False)
                process = ctx.Process(
                    target=_worker,
                    args=(sender, call.func, tuple(call.args), dict(call.kwargs), memory_mb, os.getpid()),
                    daemon=True,
                )
                sys.stdout.flush()  # a forked child must not re-flush our buffers
                sys.stderr.flush()
                if on_start is not None:
                    on_start(i)
                start = time.monotonic()
                process.start()
                sender.close()
                active.append(_Slot(i, process, receiver, start, start + float(limit)))
            now = time.monotonic()
            wait_for = max(0.0, min(s.deadline for s in active) - now)
            if should_stop is not None:
                if should_stop():
                    for slot in list(active):
                        _stop(slot.process, grace)
                        slot.conn.close()
                        finish(slot, Outcome("crash", error="stopped: the result is no longer wanted",
                                             seconds=now - slot.start))
                    for i in pending:
                        results[i] = Outcome("crash", error="stopped: the result is no longer wanted")
                    pending.clear()
                    break
                wait_for = min(wait_for, _POLL)
            handles = {}
            for slot in active:
                handles[slot.conn] = slot
                handles[slot.process.sentinel] = slot
            ready = wait(list(handles), timeout=wait_for)
            done = []
            for handle in ready:
                slot = handles[handle]
                if slot not in done:
                    done.append(slot)
            for slot in done:
                collect(slot)
            now = time.monotonic()
            for slot in [s for s in active if s.deadline <= now]:
                if slot.conn.poll():  # answered just in time
                    collect(slot)
                    continue
                _stop(slot.process, grace)
                slot.conn.close()
                finish(slot, Outcome("timeout", error=f"timed out after {now - slot.start:.1f} s",
                                     seconds=now - slot.start))
    finally:
        for slot in list(active):
            _stop(slot.process, grace)
            slot.conn.close()
    return results  # type: ignore[return-value]  # every slot is filled


def call_with_timeout(func: Callable[..., Any], /, *args: Any, timeout: float,
                      memory_mb: int | None = None, **kwargs: Any) -> Any:
    """``func(*args, **kwargs)`` in a worker process, killed after ``timeout`` s.

    Returns the value; re-raises the worker's exception when it pickles (else
    :class:`WorkerError`); raises :class:`WorkerTimeout` at the deadline.

    >>> call_with_timeout(pow, 2, 10, timeout=5)
    1024
    >>> import time
    >>> call_with_timeout(time.sleep, 60, timeout=0.5)
    Traceback (most recent call last):
    ...
    symloss.errors.WorkerTimeout: sleep timed out after 0.5 s (worker killed)
    """
    outcome = run_calls([Call(func, args, kwargs)], timeout=timeout, memory_mb=memory_mb)[0]
    if outcome.ok:
        return outcome.value
    name = getattr(func, "__name__", repr(func))
    if outcome.status == "timeout":
        raise WorkerTimeout(f"{name} timed out after {timeout:g} s (worker killed)")
    if outcome.exception is not None:
        raise outcome.exception
    raise WorkerError(f"{name}: {outcome.error}")


def _preload() -> None:
    """Import the modules workers need, once, in the parent: forked workers
    then start warm instead of each importing SymPy-heavy modules again."""
    import importlib

    for name in ("problem", "calculus.claims", "decide", "engine.prover"):
        try:
            importlib.import_module(f"{__package__}.{name}")
        except Exception:  # not built yet, or broken: the worker will say so
            pass
