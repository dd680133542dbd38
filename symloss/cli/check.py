"""``symloss check PATH... [--json] [--timeout S] [--jobs N] [--scheduler ADDRESS] [--latex OUT.tex] [--pdf OUT.pdf]``

Checks every claim of the conjecture files named (a folder stands for every
``*.toml`` below it), each in a worker process with a hard time limit, on
this machine or on a Dask cluster (``--scheduler``, :mod:`symloss.sweep`).

Exit status: 0 when every claim that has an ``expect`` got it, 1 otherwise,
2 for bad input (the message on stderr names file, claim, field and column).
Bad input is detected before any claim is decided: every problem is built and
every claim parsed first.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import shutil
import sys
from pathlib import Path
from typing import Sequence

from ..conjectures import load_all
from ..errors import InvalidArgument, ToolMissing
from ..batch import DEFAULT_TIMEOUT, ClaimReport, check_specs, prepare_specs

from .args import add_scheduler, positive_float, positive_int

__all__ = ["add_parser", "run", "format_line", "summary"]

_PARSE_LIMIT = 2.0  # seconds for building one problem and parsing its claim (validation only)


_positive_float = positive_float
_positive_int = positive_int


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register ``check`` on the ``symloss`` command's subparsers."""
    parser = subparsers.add_parser(
        "check",
        help="check the claims of conjecture files (proved / refuted / unknown)",
        description=(
            "Decide every [[claim]] of the given TOML conjecture files; a folder "
            "stands for every *.toml below it. Exit status 0 when every claim "
            "with 'expect' got it, 1 otherwise, 2 for bad input."
        ),
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="conjecture file or folder")
    parser.add_argument("--json", action="store_true",
                        help="print exactly one JSON document {\"results\": [...]} on stdout")
    parser.add_argument("--timeout", type=_positive_float, default=None, metavar="S",
                        help=f"hard wall-time limit per claim in seconds (default: the claim's "
                             f"own 'timeout', else {DEFAULT_TIMEOUT:g})")
    parser.add_argument("--jobs", "-j", type=_positive_int, default=1, metavar="N",
                        help="check N claims in parallel (default 1)")
    add_scheduler(parser)
    parser.add_argument("--latex", metavar="OUT.tex", default=None,
                        help="also write the results as a LaTeX document")
    parser.add_argument("--pdf", metavar="OUT.pdf", default=None,
                        help="also typeset the results to PDF (needs pdflatex)")
    parser.set_defaults(run=run)
    return parser


def format_line(report: ClaimReport) -> str:
    """One human-readable line: verdict, time, ``file::name``, reason.

    A claim that missed its ``expect`` is flagged with ``!`` and the
    expectation.
    """
    flag = "!" if report.as_expected is False else " "
    text = f"{flag}{report.verdict:<8} {report.seconds:6.2f}s  {report.spec.label}"
    if report.as_expected is False:
        text += f"  [expected {report.spec.expect}]"
    detail = report.reason
    explained = _explained(report)
    if explained:
        return f"{text}  {explained}".rstrip()
    if report.verdict == "refuted" and report.counterexample:
        from ..render.terminal import format_counterexample  # here: the terminal printer imports SymPy

        cex = format_counterexample(report.counterexample)
        if detail.startswith(cex):  # the reason already opens with the values
            detail = f"counterexample {detail}"
        else:
            detail = f"counterexample {cex}" + (f"; {detail}" if detail else "")
    return f"{text}  {detail}".rstrip()


def _explained(report: ClaimReport) -> str | None:
    """The refutation in the user's terms with decimals (symloss.render.terminal),
    when the report carries its result."""
    result = getattr(report, "result", None)
    if result is None or report.verdict != "refuted":
        return None
    try:
        from ..conjectures import build_problem
        from ..render.terminal import refutation_text

        return refutation_text(result, build_problem(report.spec))
    except Exception:  # the plain reason below still says it
        return None


def summary(reports: Sequence[ClaimReport]) -> str:
    """The last line of the human output.

    >>> summary([])
    '0 claims: 0 proved, 0 refuted, 0 unknown; 0/0 as expected'
    """
    counts = {v: sum(r.verdict == v for r in reports) for v in ("proved", "refuted", "unknown")}
    with_expect = [r for r in reports if r.as_expected is not None]
    good = sum(bool(r.as_expected) for r in with_expect)
    noun = "claim" if len(reports) == 1 else "claims"
    return (f"{len(reports)} {noun}: {counts['proved']} proved, {counts['refuted']} refuted, "
            f"{counts['unknown']} unknown; {good}/{len(with_expect)} as expected")


def _document_writer():
    if importlib.util.find_spec("symloss.render.document") is None:
        return None
    from ..render import document

    return getattr(document, "write_document", None)


class _Progress:
    """``[done/total]`` on stderr, only when stderr is a terminal."""

    def __init__(self, total: int, stream=None):
        self.stream = stream if stream is not None else sys.stderr
        self.total = total
        self.done = 0
        self.active = total > 1 and getattr(self.stream, "isatty", lambda: False)()

    def __call__(self, index: int, report: ClaimReport) -> None:
        self.done += 1
        if self.active:
            self.stream.write(f"\r\x1b[K[{self.done}/{self.total}] {report.verdict:<8} {report.spec.label}"[:200])
            self.stream.flush()

    def close(self) -> None:
        if self.active:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


def _check_output_paths(args: argparse.Namespace) -> None:
    """Refuse ``--latex``/``--pdf`` paths that cannot be written before any
    claim runs (the document is written last, after every claim)."""
    outputs = [("--latex", args.latex), ("--pdf", args.pdf)]
    if args.pdf and not args.latex:
        outputs.append(("--pdf", str(Path(args.pdf).with_suffix(".tex"))))  # written beside the PDF
    for option, raw in outputs:
        if not raw:
            continue
        path = Path(raw)
        if path.is_dir():
            raise InvalidArgument(f"{option} {raw}: is a directory; name the file to write")
        folder = path.parent
        if not folder.is_dir():
            what = "is not a directory" if folder.exists() else "does not exist"
            raise InvalidArgument(f"{option} {raw}: the folder {folder} {what}; create it first")


def run(args: argparse.Namespace) -> int:
    """Run ``symloss check``; returns the exit status."""
    writer = None
    if args.latex or args.pdf:
        writer = _document_writer()
        if writer is None:
            option = "--latex" if args.latex else "--pdf"
            raise InvalidArgument(f"{option} is not available yet: the document module (symloss.render.document) is not built")
        if args.pdf and shutil.which("pdflatex") is None:  # refuse before the long part
            raise ToolMissing(f"--pdf {args.pdf}: pdflatex is not installed (install TeX Live, or use --latex)")
    _check_output_paths(args)
    skipped: list = []
    specs = load_all(args.paths, skipped)  # SymlossError → exit 2 via the dispatcher
    if skipped:
        noun = "file" if len(skipped) == 1 else "files"
        names = ", ".join(str(p) for p in skipped[:5]) + (", ..." if len(skipped) > 5 else "")
        print(f"symloss check: skipped {len(skipped)} {noun} without [[claim]] tables: {names}", file=sys.stderr)
    if not specs:
        raise InvalidArgument(f"no claims in {', '.join(map(str, args.paths))}")

    from ..sweep import executor_for

    with executor_for(getattr(args, "scheduler", None)) as executor:  # one connection for both passes
        parse_limit = min(_PARSE_LIMIT, args.timeout) if args.timeout else _PARSE_LIMIT
        problems = [msg for msg in prepare_specs(specs, jobs=args.jobs, timeout=parse_limit, executor=executor)
                    if msg]
        if problems:
            for message in problems:
                print(f"symloss check: error: {message}", file=sys.stderr)
            return 2

        progress = _Progress(len(specs))
        try:
            reports = check_specs(specs, timeout=args.timeout, jobs=args.jobs, on_done=progress,
                                  executor=executor)
        finally:
            progress.close()

    if args.json:
        json.dump({"results": [r.to_json() for r in reports]}, sys.stdout, ensure_ascii=False, default=str)
        sys.stdout.write("\n")
    else:
        for report in reports:
            print(format_line(report))
        print(summary(reports))
    sys.stdout.flush()

    if writer is not None:
        tex_path = args.latex or str(Path(args.pdf).with_suffix(".tex"))
        # report rows carry the claim name, file and problem: section titles and figures
        writer(reports, tex_path, args.pdf)

    return 0 if all(r.as_expected is not False for r in reports) else 1
