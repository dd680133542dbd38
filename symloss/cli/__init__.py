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

#: Each subcommand and its one-line help.  A subcommand's module (and with
#: it SymPy, NumPy and z3) is imported only when that subcommand runs, so
#: ``symloss --help`` starts as fast as Python does.
SUBCOMMANDS = {
    "derive": "print the closed-form gradient of a model/loss pair",
    "check": "check the claims of conjecture files (proved / refuted / unknown)",
    "relate": "express the gradient as a function of the loss value (or show none exists)",
    "explore": "search random models for a counterexample to a claim",
}


def _chosen(argv) -> str | None:
    """The subcommand named in ``argv`` (its first non-option word), if any."""
    for word in argv:
        if not word.startswith("-"):
            return word if word in SUBCOMMANDS else None
    return None


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The ``symloss`` parser.  With ``argv``, only the subcommand it names is
    loaded (the others are listed with their help line); without, all are."""
    parser = argparse.ArgumentParser(
        prog="symloss",
        description="Closed-form gradients, proofs and exact counterexamples for loss/gradient claims.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    chosen = None if argv is None else _chosen(argv)
    for name, help_line in SUBCOMMANDS.items():
        if argv is None or name == chosen:
            importlib.import_module(f"{__name__}.{name}").add_parser(sub)
        else:
            sub.add_parser(name, help=help_line, add_help=False)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(argv)
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
