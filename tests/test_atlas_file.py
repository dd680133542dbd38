"""Regenerating the atlas a few rows at a time: rows merged into a markdown
atlas in place (``symloss atlas --update``), the other rows kept, each row
naming the run that decided it.  Nothing is decided here: the rows are
synthetic answers."""

from __future__ import annotations

import json

import pytest

from symloss.atlas import QUESTIONS, Atlas, markdown_cells, to_markdown
from symloss.atlas_file import Run, merge, read
from symloss.cli import main
from symloss.errors import InvalidArgument

QS = tuple(QUESTIONS)


def _row(model, loss, verdict, cex=None, reason="why"):
    answers = {q: {"verdict": verdict, "claim": q, "reason": f"{reason} {q}", "relation": None,
                   "counterexample": cex if q == "proportional" else None} for q in QS}
    return {"model": model, "loss": loss, "param": "w", "assume": ["x != 0"], "answers": answers}


def _atlas(*rows, timeout=4):
    return Atlas(QS, "w", rows=list(rows), timeout=timeout, jobs=1)


CEX = {"point": {"w": "1", "x": "1"}}
#: a file as the single-run command wrote it (the legacy header: no run column)
OLD = to_markdown(_atlas(_row("linear", "squared", "unknown", reason="timeout"),
                         _row("linear", "absolute", "refuted", CEX),
                         _row("logistic", "bce", "refuted", CEX)),
                  "symloss atlas --timeout 4 --jobs 1 --out docs/atlas.md")
NEW_RUN = Run("symloss atlas --pairs linear:squared --timeout 10 --jobs 1", 10, 1, "abc1234", "2026-12-03", 61.5)


def test_merge_replaces_the_selected_rows_and_keeps_the_others():
    fresh = _atlas(_row("linear", "squared", "refuted", CEX, reason="decided"), timeout=10)
    text = merge(read(OLD), [fresh], [NEW_RUN])
    cells = markdown_cells(text)
    assert list(cells) == [("linear", "squared"), ("linear", "absolute"), ("logistic", "bce")]  # catalogue order
    assert cells[("linear", "squared")]["∂L/∂θ ∝ L"] == "✗ decided proportional"
    assert cells[("linear", "squared")]["run"] == "r2"
    assert cells[("linear", "absolute")] == {**markdown_cells(OLD)[("linear", "absolute")], "run": "r1"}
    assert "* **r1**: `symloss atlas --timeout 4 --jobs 1 --out docs/atlas.md` — hard limit 4 s per cell, " \
           "1 worker(s), commit not recorded (not recorded)" in text
    assert "* **r2**: `symloss atlas --pairs linear:squared --timeout 10 --jobs 1` — hard limit 10 s per cell, " \
           "1 worker(s), commit abc1234 (2026-12-03), 61.5 s" in text
    # footnotes renumbered in row order, each still under its row
    assert "[^1]: linear + squared, proportional: " in text and "[^3]: logistic + bce, proportional: " in text
    assert text.count("\n[^") == 3


def test_merging_is_idempotent_and_drops_runs_no_row_uses():
    once = merge(read(OLD), [_atlas(_row("linear", "squared", "proved"))], [NEW_RUN])
    assert merge(read(once), [], []) == once
    every = _atlas(*(_row(m, l, "proved") for m, l in (("linear", "squared"), ("linear", "absolute"),
                                                        ("logistic", "bce"))), timeout=10)
    text = merge(read(once), [every], [NEW_RUN])
    assert "**r2**" not in text and "commit not recorded" not in text
    assert {c["run"] for c in markdown_cells(text).values()} == {"r1"}


def test_the_file_questions_must_match():
    fewer = Atlas(("proportional",), "w", rows=[{**_row("linear", "squared", "proved"),
                                                  "answers": {"proportional": _row("a", "b", "proved")["answers"]
                                                              ["proportional"]}}])
    with pytest.raises(InvalidArgument, match="--questions"):
        merge(read(OLD), [fewer], [NEW_RUN])


def test_cli_merges_json_documents_in_place(tmp_path, capsys):
    target = tmp_path / "atlas.md"
    target.write_text(OLD, encoding="utf-8")
    doc = {"questions": {q: q for q in QS}, "pairs": [_row("logistic", "bce", "proved")], "skipped": [],
           "run": {"command": "symloss atlas --pairs logistic:bce --timeout 10 --jobs 1", "timeout": 10,
                   "jobs": 1, "commit": "abc1234", "date": "2026-12-03", "seconds": 12.0}}
    part = tmp_path / "part.json"
    part.write_text(json.dumps(doc), encoding="utf-8")
    assert main(["atlas", "--merge", str(part), "--update", str(target)]) == 0
    cells = markdown_cells(target.read_text(encoding="utf-8"))
    assert cells[("logistic", "bce")]["run"] == "r2" and cells[("logistic", "bce")]["convex"].startswith("✓")
    assert cells[("linear", "absolute")]["run"] == "r1"
    assert "1 rows merged" in capsys.readouterr().err


def test_cli_refuses_a_document_without_its_run(tmp_path, capsys):
    part = tmp_path / "part.json"
    part.write_text(json.dumps({"questions": {}, "pairs": [], "skipped": []}), encoding="utf-8")
    assert main(["atlas", "--merge", str(part), "--update", str(tmp_path / "a.md")]) == 2
    assert "run" in capsys.readouterr().err


def test_cli_compact_table_from_a_json_document(tmp_path, capsys):
    doc = {"questions": {q: q for q in QS}, "pairs": [_row("linear", "squared", "refuted", CEX)], "skipped": [],
           "run": {"command": "symloss atlas --pairs linear:squared --timeout 10 --jobs 1", "timeout": 10,
                   "jobs": 1, "commit": "abc1234", "date": "2026-12-03"}}
    part = tmp_path / "part.json"
    part.write_text(json.dumps(doc), encoding="utf-8")
    assert main(["atlas", "--merge", str(part), "--format", "compact"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[2] == "| linear | squared | ✗ | ✗ | ✗ | ✗ | ✗ | ✗ |"
    assert main(["atlas", "--merge", str(part)]) == 0  # markdown: the header names the deciding command
    assert "Generated by `symloss atlas --pairs linear:squared --timeout 10 --jobs 1` (hard limit 10 s" \
        in capsys.readouterr().out
