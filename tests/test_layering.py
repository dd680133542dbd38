"""The package's layering (issue #10) holds: import-linter's contracts in
pyproject.toml pass, and the printer table the lower stages use resolves.

``lint-imports`` comes with the ``test`` extra; without it these tests are
skipped with the reason (it is in the extra, so CI has it).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT = shutil.which("lint-imports")
needs_lint = pytest.mark.skipif(LINT is None, reason="lint-imports (import-linter, in the test extra) is not installed")


def _lint(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([LINT, "--no-cache", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)


@needs_lint
def test_import_contracts_are_kept():
    run = _lint()
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert "0 broken" in run.stdout


@needs_lint
def test_lint_imports_reports_an_import_against_the_stages(tmp_path):
    """The tool sees this package's imports: a contract claiming the engine
    sits *below* the language (it does not) is reported broken."""
    config = tmp_path / "reversed.toml"
    config.write_text(
        '[tool.importlinter]\nroot_packages = ["symloss"]\n\n'
        '[[tool.importlinter.contracts]]\nname = "reversed"\ntype = "layers"\n'
        'layers = ["symloss.language", "symloss.engine"]\n'
    )
    run = _lint("--config", str(config))
    assert run.returncode != 0 and "BROKEN" in run.stdout, run.stdout[-2000:]


@pytest.mark.parametrize("name", sorted(__import__("symloss.printing", fromlist=["PRINTERS"]).PRINTERS))
def test_every_printer_in_the_table_resolves_to_a_function_of_render(name):
    from symloss.printing import PRINTERS, printer

    assert PRINTERS[name].startswith("symloss.render.")
    assert callable(printer(name))


def test_an_unknown_printer_name_is_a_clear_error():
    from symloss.errors import InvalidArgument
    from symloss.printing import printer

    with pytest.raises(InvalidArgument, match="no printer named 'nope'"):
        printer("nope")


def test_importing_the_engine_loads_no_printer():
    code = ("import sys, symloss.engine.prover, symloss.decide, symloss.problem\n"
            "print(sorted(m for m in sys.modules if m.startswith('symloss.render')))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         env=dict(os.environ, PYTHONPATH=str(ROOT)), timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
