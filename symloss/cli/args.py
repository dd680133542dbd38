"""Argument types shared by the subcommands (argparse ``type=`` callables)."""

from __future__ import annotations

import argparse

__all__ = ["positive_float", "positive_int", "add_scheduler"]


def positive_float(text: str) -> float:
    """Seconds: a positive, finite number.

    >>> positive_float("2.5")
    2.5
    """
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be positive and finite: {text!r}")
    return value


def positive_int(text: str) -> int:
    """A count: a whole number of at least 1.

    >>> positive_int("2")
    2
    """
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text!r}")
    return value


def add_scheduler(parser: argparse.ArgumentParser, what: str = "claims") -> None:
    """The ``--scheduler ADDRESS`` option (a Dask scheduler; :mod:`symloss.sweep`)."""
    parser.add_argument("--scheduler", metavar="ADDRESS", default=None,
                        help=f"run the {what} on the Dask cluster whose scheduler is at ADDRESS "
                             f"(e.g. tcp://127.0.0.1:8786; needs pip install 'symloss[dask]'); "
                             f"--jobs is then ignored, the hard time limit holds on the workers")
