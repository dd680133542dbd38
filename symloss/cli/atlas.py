"""``symloss atlas [--models M...] [--losses L...] [--questions Q...] [--param w] [--timeout S] [--jobs N] [--scheduler ADDRESS]
[--samples N] [--format markdown|json|latex|compact] [--out PATH] [--update FILE.md] [--merge DOC.json ...]``

Answers the atlas questions (see :mod:`symloss.atlas`) for every compatible
catalogue pair, each cell in a worker process with a hard time limit.
Progress goes to stderr; the table to stdout or ``--out``.  Exit status 0,
or 2 for bad input (an unknown model, loss or question).

``--update FILE.md`` regenerates only the selected rows of a markdown atlas:
they are decided now (or read from ``--merge`` documents written earlier with
``--format json``, which record the run that decided them) and merged into the
file in place, the other rows kept; each row names its run, and the header
lists every run's command, hard limit and commit (:mod:`symloss.atlas_file`).
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
    parser.add_argument("--format", choices=("markdown", "json", "latex", "compact"), default="markdown",
                        help="compact: the README's table of the core pairs (marks only)")
    parser.add_argument("--out", metavar="PATH", default=None, help="write here instead of stdout")
    parser.add_argument("--update", metavar="FILE.md", default=None,
                        help="merge the selected rows into this markdown atlas in place, keeping its other rows")
    parser.add_argument("--merge", nargs="+", metavar="DOC.json", default=None,
                        help="take the rows from these --format json documents instead of deciding them")
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


def code_commit() -> str:
    """The commit of the symloss code that runs (``+changes`` when its files
    differ from it), or ``unknown`` outside a git checkout."""
    import os
    import subprocess

    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    try:
        head = subprocess.run(["git", "-C", here, "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, timeout=10)
        if head.returncode != 0:
            return "unknown"
        dirty = subprocess.run(["git", "-C", here, "status", "--porcelain", "--", "."], capture_output=True,
                               text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return head.stdout.strip() + ("+changes" if dirty.stdout.strip() else "")


def _run_record(args, seconds: float):
    """The :class:`~symloss.atlas_file.Run` of this invocation (its deciding command, without --out)."""
    import datetime

    from ..atlas_file import Run

    words = command_line(args).split(" --out ")[0]
    return Run(words, args.timeout, args.jobs, code_commit(),
               datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d"), round(seconds, 1))


def _merged(args) -> tuple[list, list]:
    """The atlases and runs of the ``--merge`` documents."""
    from ..atlas_file import Run, atlas_of
    from ..errors import InvalidArgument

    atlases, runs = [], []
    for path in args.merge:
        try:
            with open(path, encoding="utf-8") as fh:
                doc = json.load(fh)
        except (OSError, ValueError) as exc:
            raise InvalidArgument(f"--merge {path}: cannot read a JSON atlas ({exc})") from None
        atlases.append(atlas_of(doc))
        runs.append(Run.from_json(doc))
    return atlases, runs


def run(args: argparse.Namespace) -> int:
    import time

    from ..atlas import build_jobs, run_atlas, to_compact, to_json, to_latex, to_markdown
    from ..errors import InvalidArgument

    if args.merge:
        atlases, runs = _merged(args)
    else:
        jobs, pairs, skipped, _ = build_jobs(args.models, args.losses, args.questions, args.param, args.pairs,
                                             args.samples)  # bad names → 2
        print(f"atlas: {len(pairs)} pairs, {len(jobs)} cells, {len(skipped)} pairs skipped", file=sys.stderr)

        def progress(done, total, job, answer):
            print(f"[{done}/{total}] {answer['verdict']:<8} {job.model} + {job.loss}: {job.question}",
                  file=sys.stderr, flush=True)

        start = time.monotonic()
        atlas = run_atlas(args.models, args.losses, args.questions, args.param, timeout=args.timeout,
                          jobs=args.jobs, on_done=progress, pairs=args.pairs, scheduler=args.scheduler,
                          samples=args.samples)
        atlases, runs = [atlas], [_run_record(args, time.monotonic() - start)]
    if args.update:
        from ..atlas_file import merge_file

        text = merge_file(args.update, atlases, runs)
        with open(args.update, "w", encoding="utf-8") as fh:
            fh.write(text)
        print(f"atlas: {sum(len(a.rows) for a in atlases)} rows merged into {args.update}", file=sys.stderr)
        return 0
    if len(atlases) != 1:
        raise InvalidArgument("several --merge documents go into one file with --update FILE.md")
    atlas = atlases[0]
    record = {k: getattr(runs[0], k) for k in ("command", "timeout", "jobs", "commit", "date", "seconds")}
    if args.format == "json":
        doc = to_json(atlas)
        doc["run"] = record
        text = json.dumps(doc, ensure_ascii=False, indent=1) + "\n"
    elif args.format == "latex":
        text = to_latex(atlas)
    elif args.format == "compact":
        text = to_compact(atlas)
    else:
        atlas.timeout, atlas.jobs = record["timeout"], record["jobs"]
        command = record["command"] + (f" --out {shlex.quote(args.out)}" if args.out else "")
        partial = args.pairs or args.models or args.losses or "--pairs" in command or "--models" in command \
            or "--losses" in command
        text = to_markdown(atlas, command,
                           "This table covers the pairs the command selects, not the whole catalogue." if partial else "")
    if args.out:
        with open(args.out, "w", encoding="utf-8") as fh:
            fh.write(text)
    else:
        sys.stdout.write(text)
    return 0
