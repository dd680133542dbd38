"""Shared test set-up.

mpmath's precision is global state: a test that sets ``mpmath.mp.dps`` (for a
50-digit oracle) must not change the precision every later test runs at, so
it is restored after each test.  Modules that want more digits for all their
tests say so with a fixture (see ``tests/test_dataset.py``).
"""

import mpmath
import pytest


@pytest.fixture(autouse=True)
def _restore_mpmath_precision():
    prec = mpmath.mp.prec
    yield
    mpmath.mp.prec = prec
