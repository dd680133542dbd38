"""A deadline for one long SymPy computation (an exact zero test, an integral)
that has no deadline of its own.

:func:`time_limit` arms the process's real-time interval timer; when it
fires, :class:`OutOfTime` is raised wherever the main thread is.  The caller
turns that into "not shown" (a proof re-check that runs out of time fails,
so it can never yield ``proved``).  The exception derives from
``BaseException`` so that SymPy's broad ``except Exception`` clauses do not
swallow it and carry on past the deadline.

Where the timer cannot be used (not the main thread, or a ``SIGALRM`` handler
that is not ours, e.g. a test runner's) the computation runs without a
limit: the worker's hard limit still bounds it, and nothing is decided by
the limit either way.
"""

from __future__ import annotations

import signal
import threading
import time
from contextlib import contextmanager
from typing import Iterator

__all__ = ["OutOfTime", "time_limit"]


class OutOfTime(BaseException):
    """The computation ran past its deadline (raised by the timer)."""


def _on_alarm(signum, frame):  # noqa: ARG001 - signal handler signature
    raise OutOfTime


def _usable() -> bool:
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        return False
    return signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, signal.SIG_IGN, None, _on_alarm)


@contextmanager
def time_limit(deadline: float | None) -> Iterator[None]:
    """Run the block until ``deadline`` (a ``time.monotonic()`` value; ``None``:
    no limit), raising :class:`OutOfTime` when it passes.  Nests: an enclosing
    limit that ends sooner is kept, a later one is re-armed on exit.

    >>> with time_limit(time.monotonic() + 60):
    ...     1 + 1
    2
    >>> try:
    ...     with time_limit(time.monotonic() + 0.05):
    ...         while True:
    ...             pass
    ... except OutOfTime:
    ...     print('out of time')
    out of time
    """
    if deadline is None:
        yield
        return
    left = deadline - time.monotonic()
    if left <= 0:
        raise OutOfTime
    if not _usable():
        yield
        return
    outer_left, _ = signal.getitimer(signal.ITIMER_REAL)
    ours_outer = signal.getsignal(signal.SIGALRM) is _on_alarm and outer_left > 0
    if ours_outer and outer_left <= left:
        yield  # the enclosing limit fires first
        return
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    start = time.monotonic()
    signal.setitimer(signal.ITIMER_REAL, left)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        if ours_outer:  # re-arm the enclosing limit for what is left of it
            signal.setitimer(signal.ITIMER_REAL, max(1e-3, outer_left - (time.monotonic() - start)))
        else:
            signal.signal(signal.SIGALRM, previous)
