"""The ``symloss`` command line: one module per subcommand.

Each subcommand module defines ``add_parser(subparsers)`` and ``run(args) ->
int``; this module only dispatches.  Exit codes: 0 success, 1 a claim did not
get its expected verdict, 2 bad input.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from ..errors import SymlossError

SUBCOMMANDS = ("derive", "check", "relate", "explore")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="symloss",
        description="Closed-form gradients, proofs and exact counterexamples for loss/gradient claims.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in SUBCOMMANDS:
        try:
            module = importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:  # subcommand not built yet
            if exc.name != f"{__name__}.{name}":
                raise
            continue
        module.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except SymlossError as exc:
        print(f"symloss {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
