"""A deadline on a proof re-check: a check that runs out of time fails (never
``proved``), and the limit restores the timer it found."""

from __future__ import annotations

import dataclasses
import signal
import time

import pytest
import sympy as sp

from symloss.calculus.proof import Step, check_proof
from symloss.calculus.time_limit import OutOfTime, time_limit
from symloss.errors import ProofCheckError


@dataclasses.dataclass(frozen=True)
class Endless(Step):
    """A step whose check never finishes (a stand-in for a zero test that takes minutes)."""

    @property
    def fact(self):
        return sp.true

    def verify(self) -> None:
        while True:
            pass


@dataclasses.dataclass(frozen=True)
class Instant(Step):
    """A step that checks at once."""

    @property
    def fact(self):
        return sp.true

    def verify(self) -> None:
        return None


def test_a_check_that_runs_out_of_time_fails():
    with pytest.raises(ProofCheckError, match="ran out of time"):
        check_proof(Endless(), deadline=time.monotonic() + 0.2)


def test_a_deadline_already_passed_fails_before_checking():
    with pytest.raises(ProofCheckError, match="ran out of time"):
        check_proof(Instant(), deadline=time.monotonic() - 1)


def test_a_quick_check_passes_and_disarms_the_timer():
    check_proof(Instant(), deadline=time.monotonic() + 30)
    assert signal.getitimer(signal.ITIMER_REAL)[0] == 0
    assert signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, None)


def test_nested_limits_keep_the_outer_one():
    with pytest.raises(OutOfTime):
        with time_limit(time.monotonic() + 0.3):
            with time_limit(time.monotonic() + 60):  # the outer limit fires first
                pass
            assert 0 < signal.getitimer(signal.ITIMER_REAL)[0] <= 0.3
            with time_limit(time.monotonic() + 0.05):
                pass  # an inner, sooner limit: the outer one is re-armed after it
            assert 0 < signal.getitimer(signal.ITIMER_REAL)[0] <= 0.3
            while True:
                pass
    assert signal.getitimer(signal.ITIMER_REAL)[0] == 0
