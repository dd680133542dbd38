"""``symloss explore "CLAIM" [--family F] [--loss NAME ...] [--examples N] [--seed S] [--timeout S] [--jobs N] [--scheduler ADDRESS] [--json]``

Searches random model/loss problems for one where the claim is refuted, and
prints the simplest failing problem found (shrunk) with its exact, re-checked
counterexample and a ``[[claim]]`` table to paste into a conjecture file::

    $ symloss explore "d(L, w, 2) >= 0" --family neuron --loss squared --examples 4
    refuted: d(L, w, 2) >= 0
      simplest failing problem (…): model ŷ = σ(w⋅x), loss squared: (ŷ - y)²/2
      counterexample: w = …

Without a failure it says how many problems and points were tried — never
that the claim is proved.  Progress goes to stderr (a bar on a terminal,
a line every few problems otherwise).  Exit status: 0 when nothing was
refuted, 1 when a counterexample was found, 2 for bad input.
"""

from __future__ import annotations

import argparse
import json
import sys

from ..errors import InvalidArgument
from ..explore import explore
from ..random_models import FAMILIES

from .args import add_scheduler, positive_float, positive_int

__all__ = ["add_parser", "run"]


_positive_float = positive_float
_positive_int = positive_int


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register ``explore`` on the ``symloss`` command's subparsers."""
    parser = subparsers.add_parser(
        "explore",
        help="search random models for a counterexample to a claim",
        description=("Property-test CLAIM across random model/loss problems: report the simplest refuted "
                     "problem with an exact, re-checked counterexample, or how much was tried."),
    )
    parser.add_argument("claim", help='the claim, e.g. "d(L, w, 2) >= 0"')
    parser.add_argument("--family", default="any", choices=list(FAMILIES),
                        help="model family to draw from (default: any)")
    parser.add_argument("--loss", action="extend", nargs="+", default=None, metavar="NAME",
                        help="catalogue losses to pair with (several names, repeatable or comma-separated; "
                             "default: every compatible one)")
    parser.add_argument("--canonical", action="store_true",
                        help="glm only: each link with its canonical losses, labels inside the range "
                             "where the minimiser exists")
    parser.add_argument("--depth", type=_positive_int, default=2, help="most activations composed (1-4, default 2)")
    parser.add_argument("--vars", action="append", default=[], metavar="NAME=DOMAIN",
                        help="domain of a symbol, e.g. y='(0, 1)' (repeatable)")
    parser.add_argument("--assume", action="append", default=[], metavar="COND",
                        help="side condition of the claim, e.g. 'x != 0' (repeatable)")
    parser.add_argument("--examples", type=_positive_int, default=30, metavar="N",
                        help="random problems to try (default 30)")
    parser.add_argument("--seed", type=int, default=0, metavar="S", help="random seed (default 0)")
    parser.add_argument("--timeout", type=_positive_float, default=10.0, metavar="S",
                        help="seconds per problem (default 10)")
    parser.add_argument("--shrink-time", type=_positive_float, default=60.0, metavar="S",
                        help="seconds spent simplifying a failing problem (default 60)")
    parser.add_argument("--jobs", type=_positive_int, default=1, metavar="N", help="worker processes (default 1)")
    add_scheduler(parser, "random problems")
    parser.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    parser.set_defaults(run=run)
    return parser


class _Progress:
    """A bar on a terminal, a line every few problems otherwise (stderr)."""

    def __init__(self, stream=None):
        self.stream = stream if stream is not None else sys.stderr
        self.tty = getattr(self.stream, "isatty", lambda: False)()
        self.last = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.tty:
            width = 30
            fill = int(width * done / max(total, 1))
            self.stream.write(f"\r\x1b[K{stage} [{'#' * fill}{'.' * (width - fill)}] {done}/{total}")
        elif done == total or done % 5 == 0 or stage != self.last:
            self.stream.write(f"symloss explore: {stage}: {done}/{total} problems\n")
        self.last = stage
        self.stream.flush()

    def close(self) -> None:
        if self.tty:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


def _vars(items) -> dict:
    out = {}
    for item in items:
        if "=" not in item:
            raise InvalidArgument(f"--vars needs NAME=DOMAIN, got {item!r}")
        name, dom = (s.strip() for s in item.split("=", 1))
        out[name] = dom
    return out


def run(args) -> int:
    """Explore; see the module docstring for the output and exit status."""
    losses = None
    if args.loss:
        losses = [n.strip() for item in args.loss for n in item.split(",") if n.strip()]
    progress = _Progress()
    try:
        result = explore(args.claim, family=args.family, losses=losses, examples=args.examples, seed=args.seed,
                         timeout=args.timeout, jobs=args.jobs, depth=args.depth, canonical=args.canonical,
                         vars=_vars(args.vars), assume=args.assume, shrink_budget=args.shrink_time,
                         progress=progress, scheduler=args.scheduler)
    finally:
        progress.close()
    if args.json:
        json.dump(result.to_json(), sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        print(result.summary())
    return 1 if result.refuted else 0
