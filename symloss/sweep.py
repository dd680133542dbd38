"""Where claims run: the local pool, any ``concurrent.futures`` executor, or a Dask cluster.

A *sweep* is a list of :class:`~symloss.runner.Call` objects (one claim, one
atlas cell, one random problem each) whose outcomes come back in input
order.  :func:`run_calls` sends it to one of three places:

* nowhere in particular (``executor=None, scheduler=None``): the local pool
  of :func:`symloss.runner.run_calls`, ``jobs`` worker processes;
* ``executor=``: any :class:`concurrent.futures.Executor`, or a
  ``distributed.Client``;
* ``scheduler="tcp://host:8786"``: a Dask scheduler, through a
  ``distributed.Client`` opened for the sweep and closed after it.

Each call becomes one task.  The task does not run the claim itself: on the
worker it hands the call to the local runner, which runs it in a child
process killed at the call's hard limit (SIGTERM, then SIGKILL), exactly as
on this machine.  So a claim that makes SymPy grind cannot hang a worker,
and a crash (segfault, ``MemoryError``) of the claim is an outcome, not a
dead worker.

Dask worker processes are *daemonic* by default (``distributed.worker.daemon``),
and :mod:`multiprocessing` refuses to start a child from a daemonic process,
because a daemon is killed without reaping its children.  Here that cannot
happen: the runner reaps every child it starts, and each child asks the
kernel to SIGKILL it when its parent dies (``PR_SET_PDEATHSIG``).  So the
task marks its worker process non-daemonic before it starts the child
(:func:`_allow_children`) — what ``distributed.worker.daemon: False`` would
have done — so it works on any ``dask worker`` without configuration.

Outcomes stream back in completion order (``on_done(i, outcome)``, the same
hook as the local runner's, so progress displays are unchanged); the list
returned is in input order, so every printed result is identical to a
local run's.

Failures.  An exception raised *in* a task (the child could not even be
started) is retried ``retries`` times by Dask.  A worker that dies is Dask's
business: the scheduler reschedules its tasks on the other workers, and
gives up on a task after ``distributed.scheduler.allowed-failures`` worker
deaths (its ``KilledWorker``); that task's outcome is then ``"crash"`` with
the reason, never lost.  :func:`local_cluster` sets the limit to 1 (a claim
that kills two workers is reported); for ``dask scheduler`` set
``DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES=1`` the same way (Dask's
default, 3, allows four deaths).  Ctrl-C (any exception in the caller)
cancels every outstanding task; a task already running notices within half
a second and kills its claim's process (:func:`_cancelled`).

Nothing of Dask is imported unless a scheduler or a Dask client is asked for.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import re
import uuid
from typing import Any, Callable, Iterator, Sequence

from .errors import InvalidArgument, ToolMissing
from .runner import _GRACE, DEFAULT_TIMEOUT, Call, Outcome
from .runner import run_calls as _run_local

__all__ = ["run_calls", "executor_for", "connect", "local_cluster", "is_dask_client", "DASK_MISSING"]

#: The message when Dask is asked for but not installed.
DASK_MISSING = "a Dask scheduler needs the dask extra: pip install 'symloss[dask]'"

#: Seconds to wait for a scheduler to answer when connecting.
CONNECT_TIMEOUT = 10.0


def _distributed():
    try:
        import distributed
    except ImportError as exc:
        raise ToolMissing(f"{DASK_MISSING} ({exc})") from None
    return distributed


def is_dask_client(executor: Any) -> bool:
    """Whether ``executor`` is a ``distributed.Client`` (checked without
    importing Dask: an object of that class means Dask is loaded already)."""
    return any(c.__name__ == "Client" and c.__module__.startswith("distributed")
               for c in type(executor).__mro__)


def connect(address: str, *, timeout: float = CONNECT_TIMEOUT):
    """A ``distributed.Client`` on the scheduler at ``address``
    (``tcp://host:port``, or anything ``distributed.Client`` accepts).

    Raises :class:`~symloss.errors.ToolMissing` without Dask and
    :class:`~symloss.errors.InvalidArgument` when no scheduler answers.
    """
    if not isinstance(address, str) or not address.strip():
        raise InvalidArgument(f"scheduler: expected an address such as tcp://127.0.0.1:8786, got {address!r}")
    distributed = _distributed()
    try:
        return distributed.Client(address.strip(), timeout=f"{timeout:g}s", set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        text = " ".join(str(exc).split()) or type(exc).__name__
        raise InvalidArgument(f"scheduler {address}: no Dask scheduler answered ({text})") from None


@contextlib.contextmanager
def executor_for(scheduler: str | None = None, executor: Any = None) -> Iterator[Any]:
    """The executor a sweep runs on: ``executor`` as given (left open),
    a client on ``scheduler`` (closed on exit), or ``None`` for the local
    pool.  Giving both is an error."""
    if scheduler is not None and executor is not None:
        raise InvalidArgument("give either scheduler= (an address) or executor= (a client or executor), not both")
    if scheduler is None:
        yield executor
        return
    client = connect(scheduler)
    try:
        yield client
    finally:
        client.close()


def local_cluster(n_workers: int = 2, *, threads_per_worker: int = 1, allowed_failures: int = 1, **kwargs):
    """A ``distributed.Client`` on a new ``LocalCluster`` of worker
    *processes* on the loopback interface, for tests, benchmarks and
    laptops; closing the client closes the cluster.

    The scheduler gives up on a task after ``allowed_failures`` + 1 worker
    deaths (so by default a claim that kills two workers is reported as a
    crash).  Workers stay daemonic, as ``dask worker``'s are: each task
    lifts the flag itself (:func:`_allow_children`).
    """
    distributed = _distributed()
    import dask

    options = dict(processes=True, n_workers=n_workers, threads_per_worker=threads_per_worker,
                   host="127.0.0.1", dashboard_address="127.0.0.1:0")  # any free port: clusters side by side
    options.update(kwargs)
    with dask.config.set({"distributed.scheduler.allowed-failures": int(allowed_failures)}):
        # no address: the client starts the cluster, owns it and closes it with itself
        return distributed.Client(set_as_default=False, **options)


def _allow_children() -> None:
    """Let this (worker) process start child processes: see the module
    docstring for why clearing the daemon flag is safe here."""
    process = multiprocessing.current_process()
    if process.daemon:
        try:
            process.daemon = False
        except AssertionError:  # pragma: no cover - a Process object that was started here
            process._config["daemon"] = False


def _remote(call: Call, timeout: float, grace: float, memory_mb: int | None) -> Outcome:
    """The task body on a worker: ``call`` in a child process with its hard
    limit (:func:`symloss.runner.run_calls`), returning its outcome."""
    from .runner import _preload

    _allow_children()
    _preload()  # warm the worker once: each forked child then starts with SymPy loaded
    return _run_local([call], timeout=timeout, grace=grace, memory_mb=memory_mb, should_stop=_cancelled())[0]


def _cancelled() -> Callable[[], bool] | None:
    """On a Dask worker, whether this task was cancelled (its client let go
    of it: Ctrl-C, or the client died), so that its claim is killed now
    rather than at its hard limit; ``None`` elsewhere.  Dask cannot stop a
    running task; it marks it ``cancelled`` and drops its result."""
    try:
        from distributed import get_worker
        from distributed.worker import thread_state

        worker, key = get_worker(), thread_state.key
    except Exception:  # noqa: BLE001 - not a Dask worker thread (a thread pool, a process pool)
        return None

    def cancelled() -> bool:
        task = worker.state.tasks.get(key)
        return task is None or task.state in ("cancelled", "released", "forgotten")

    return cancelled


def _describe(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _failed(exc: BaseException) -> Outcome:
    """The outcome of a task that ended in an exception instead of an outcome."""
    if type(exc).__name__ == "KilledWorker":
        found = re.search(r"on (\d+) different workers", str(exc))
        count = f"{found.group(1)} workers" if found else "every worker it ran on"
        return Outcome("crash", error=f"the task killed {count}, one after the other, and Dask gave up "
                                      f"on it (KilledWorker)", exception=exc)
    if isinstance(exc, ImportError) and "symloss" in str(exc):
        raise ToolMissing(f"the Dask workers cannot import symloss: install it where the workers run "
                          f"({_describe(exc)})") from exc
    return Outcome("error", error=f"task failed on the cluster: {_describe(exc)}", exception=exc)


def run_calls(
    calls: Sequence[Call],
    *,
    timeout: float = DEFAULT_TIMEOUT,
    jobs: int = 1,
    grace: float = _GRACE,
    memory_mb: int | None = None,
    on_done: Callable[[int, Outcome], None] | None = None,
    executor: Any = None,
    scheduler: str | None = None,
    retries: int = 1,
) -> list[Outcome]:
    """Every call with its hard limit, where the arguments say; outcomes in
    input order, ``on_done(i, outcome)`` in completion order.

    Without ``executor`` and ``scheduler`` this is
    :func:`symloss.runner.run_calls` (``jobs`` local workers); with either,
    ``jobs`` is ignored (the executor decides how many run at once).

    >>> from concurrent.futures import ThreadPoolExecutor
    >>> with ThreadPoolExecutor(2) as pool:
    ...     [o.value for o in run_calls([Call(abs, (-3,)), Call(max, (1, 2))], executor=pool)]
    [3, 2]
    """
    if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
        raise InvalidArgument(f"retries must be a whole number of at least 0, got {retries!r}")
    with executor_for(scheduler, executor) as ex:
        if ex is None:
            return _run_local(calls, timeout=timeout, jobs=jobs, grace=grace, memory_mb=memory_mb,
                              on_done=on_done)
        return _run_on(ex, calls, timeout=timeout, grace=grace, memory_mb=memory_mb, on_done=on_done,
                       retries=retries)


def _run_on(ex, calls, *, timeout, grace, memory_mb, on_done, retries) -> list[Outcome]:
    dask = is_dask_client(ex)
    if not dask and not callable(getattr(ex, "submit", None)):
        raise InvalidArgument(f"executor must be a distributed.Client or a concurrent.futures.Executor, "
                              f"got {type(ex).__name__}")
    results: list[Outcome | None] = [None] * len(calls)
    index: dict[Any, int] = {}
    token = uuid.uuid4().hex[:12]
    try:
        for i, call in enumerate(calls):
            limit = float(call.timeout if call.timeout is not None else timeout)
            args = (call, limit, grace, memory_mb)
            if dask:
                future = ex.submit(_remote, *args, key=f"symloss-{token}-{i}", retries=retries, pure=False)
            else:
                future = ex.submit(_remote, *args)
            index[future] = i
        for future in _as_completed(ex, list(index), dask):
            i = index.pop(future)
            try:
                outcome = future.result()
            except Exception as exc:  # noqa: BLE001 - every failure becomes an outcome
                outcome = _failed(exc)
            results[i] = outcome
            if on_done is not None:
                on_done(i, outcome)
    except BaseException:  # Ctrl-C, a failing progress hook, a lost scheduler: stop the rest
        _cancel(ex, list(index), dask)
        raise
    return results  # type: ignore[return-value]  # every slot is filled


def _as_completed(ex, futures, dask: bool):
    if dask:
        return _distributed().as_completed(futures, loop=ex.loop)
    import concurrent.futures

    return concurrent.futures.as_completed(futures)


def _cancel(ex, futures, dask: bool) -> None:
    if not futures:
        return
    try:
        if dask:
            ex.cancel(futures)
        else:
            for future in futures:
                future.cancel()
    except Exception:  # noqa: BLE001 - the connection may be gone already
        pass
