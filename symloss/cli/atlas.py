"""``symloss atlas [--models M...] [--losses L...] [--questions Q...] [--param w] [--timeout S] [--jobs N] [--scheduler ADDRESS]
[--samples N] [--format markdown|json|latex] [--out PATH]``

Answers the atlas questions (see :mod:`symloss.atlas`) for every compatible
catalogue pair, each cell in a worker process with a hard time limit.
Progress goes to stderr; the table to stdout or ``--out``.  Exit status 0,
or 2 for bad input (an unknown model, loss or question).
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys

from .args import add_scheduler, positive_float, positive_int

__all__ = ["add_parser", "run"]

_QUESTIONS = ("proportional", "nondecreasing", "relation", "sign", "convex", "corr")


_seconds = positive_float
_count = positive_int


def _pair(text: str) -> tuple[str, str]:
    model, sep, loss = text.partition(":")
    if not sep or not model or not loss:
        raise argparse.ArgumentTypeError(f"expected MODEL:LOSS, got {text!r}")
    return model, loss


def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "atlas",
        help="answer the loss/gradient questions for every compatible model/loss pair",
        description="Decide proportionality, monotonicity, the relation |∂L/∂θ| = h(L), the sign rule, "
                    "convexity and a correlation for every compatible catalogue pair.",
    )
    parser.add_argument("--models", nargs="+", metavar="M", default=None, help="catalogue models (default: all)")
    parser.add_argument("--losses", nargs="+", metavar="L", default=None, help="catalogue losses (default: all)")
    parser.add_argument("--pairs", nargs="+", metavar="MODEL:LOSS", default=None, type=_pair,
                        help="these model:loss pairs instead of every model × loss")
    parser.add_argument("--questions", nargs="+", metavar="Q", default=None, choices=_QUESTIONS,
                        help=f"questions to answer (default: all of {', '.join(_QUESTIONS)})")
    parser.add_argument("--param", default="w", help="the parameter θ (default w; a model without it uses "
                                                     "its first parameter starting with it, else its first)")
    parser.add_argument("--timeout", type=_seconds, default=10.0, metavar="S",
                        help="hard wall-time limit per cell in seconds (default 10)")
    parser.add_argument("--jobs", "-j", type=_count, default=1, metavar="N", help="cells decided in parallel")
    parser.add_argument("--samples", type=_count, default=None, metavar="N",
                        help="the empirical risk over N samples, L = (1/N) Σ_k ℓ(ŷ(θ, x_k), y_k) (default: one sample)")
    add_scheduler(parser, "cells")
    parser.add_argument("--format", choices=("markdown", "json", "latex"), default="markdown")
    parser.add_argument("--out", metavar="PATH", default=None, help="write here instead of stdout")
    parser.set_defaults(run=run)
    return parser


def command_line(args) -> str:
    """The command that reproduces this output (for the file header)."""
    words = ["symloss", "atlas"]
    if args.models:
        words += ["--models", *args.models]
    if args.losses:
        words += ["--losses", *args.losses]
    if args.pairs:
        words += ["--pairs", *(f"{m}:{l}" for m, l in args.pairs)]
    if args.questions:
        words += ["--questions", *args.questions]
    if args.param != "w":
        words += ["--param", args.param]
    if args.samples:
        words += ["--samples", str(args.samples)]
    words += ["--timeout", f"{args.timeout:g}", "--jobs", str(args.jobs)]
    if args.out:
        words += ["--out", args.out]
    return " ".join(shlex.quote(w) for w in words)


def run(args: argparse.Namespace) -> int:
    from ..atlas import build_jobs, run_atlas, to_json, to_latex, to_markdown

    jobs, pairs, skipped, _ = build_jobs(args.models, args.losses, args.questions, args.param, args.pairs,
                                     args.samples)  # bad names → 2
    print(f"atlas: {len(pairs)} pairs, {len(jobs)} cells, {len(skipped)} pairs skipped", file=sys.stderr)

    def progress(done, total, job, answer):
        print(f"[{done}/{total}] {answer['verdict']:<8} {job.model} + {job.loss}: {job.question}",
              file=sys.stderr, flush=True)

    atlas = run_atlas(args.models, args.losses, args.questions, args.param, timeout=args.timeout,
                      jobs=args.jobs, on_done=progress, pairs=args.pairs, scheduler=args.scheduler,
                      samples=args.samples)
    if args.format == "json":
        text = json.dumps(to_json(atlas), ensure_ascii=False, indent=1) + "\n"
    elif args.format == "latex":
        text = to_latex(atlas)
    else:
        partial = args.pairs or args.models or args.losses
        text = to_markdown(atlas, command_line(args),
                           "This table covers the pairs the command selects, not the whole catalogue." if partial else "")
    if args.out:
        with open(args.out, "w", encoding="utf-8") as fh:
            fh.write(text)
    else:
        sys.stdout.write(text)
    return 0
