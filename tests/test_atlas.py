"""``symloss atlas``: the jobs it builds, its JSON schema, and docs/atlas.md
regenerated (a slice here; all of it behind ``slow``)."""

import json
import re
from pathlib import Path

import pytest

from symloss.atlas import (QUESTIONS, build_jobs, from_json, markdown_cells, run_atlas, sign_assumptions,
                           to_json, to_latex, to_markdown)
from symloss.calculus.catalogue import CATALOGUE
from symloss.cli import main

DOC = Path(__file__).resolve().parent.parent / "docs" / "atlas.md"
#: the core pairs at a longer limit (the README's table is read from it)
CORE = DOC.parent / "atlas-core.md"
_TITLE = {"proportional": "∂L/∂θ ∝ L", "nondecreasing": "\\|∂L/∂θ\\| ↑ in L", "relation": "\\|∂L/∂θ\\| = h(L)",
          "sign": "sign rule", "convex": "convex", "corr": "corr = 0"}


@pytest.mark.parametrize("model, param, want", [
    ("linear", "w", ("x != 0",)),
    ("deep_linear", "w", ("v != 0", "x != 0")),
    ("logistic", "w", ("x != 0",)),
    ("linear", "b", ()),
    ("linear3", "w1", ("x1 != 0",)),
    ("linear_n", "w[i]", ("x[i] != 0",)),
])
def test_sign_assumptions(model, param, want):
    assert sign_assumptions(CATALOGUE.model(model), param) == want


def test_every_pair_is_run_or_skipped_with_a_reason():
    jobs, pairs, skipped, qs = build_jobs()
    assert len(pairs) + len(skipped) == len(CATALOGUE.models) * len(CATALOGUE.losses)
    assert len(jobs) == len(pairs) * len(QUESTIONS) and qs == tuple(QUESTIONS)
    assert all(s["reason"] for s in skipped)
    ok = sum(c.ok for _, _, c in CATALOGUE.pairs())
    assert len(pairs) == ok  # indexed models too: their rows are about the coordinate w[i]
    assert ("linear_n", "squared", "w[i]", ("x[i] != 0",)) in pairs


@pytest.mark.parametrize("kwargs", [{"models": ["nope"]}, {"losses": ["squaredd"]}, {"questions": ["convexx"]}])
def test_bad_names_are_refused(kwargs):
    from symloss.errors import InvalidArgument

    with pytest.raises(InvalidArgument):
        build_jobs(**kwargs)


def test_cli_bad_model_exits_2(capsys):
    assert main(["atlas", "--models", "nope"]) == 2
    assert "unknown model" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["--pairs", "linear"], ["--pairs", "linear:"], ["--timeout", "0"],
                                  ["--jobs", "0"], ["--questions", "convexx"], ["--format", "html"]])
def test_cli_bad_options_exit_2(argv):
    with pytest.raises(SystemExit) as info:
        main(["atlas", *argv])
    assert info.value.code == 2


def test_pairs_option_selects_exactly_those_pairs():
    jobs, pairs, skipped, _ = build_jobs(pairs=[("linear", "squared"), ("logistic", "hinge"), ("linear_n", "mse")])
    assert [(m, l) for m, l, _, _ in pairs] == [("linear", "squared"), ("linear_n", "mse")]
    assert [s["reason"].split(":")[0] for s in skipped] == ["incompatible"]


@pytest.fixture(scope="module")
def small():
    return run_atlas(["linear"], ["squared", "exponential"], ["proportional", "relation", "convex"],
                     timeout=60, jobs=1)


def test_json_schema(small):
    doc = json.loads(json.dumps(to_json(small), ensure_ascii=False))
    assert set(doc) == {"questions", "pairs", "skipped"}
    assert set(doc["questions"]) == {"proportional", "relation", "convex"}
    for row in doc["pairs"]:
        assert set(row) == {"model", "loss", "param", "assume", "answers"}
        for a in row["answers"].values():
            assert set(a) == {"verdict", "claim", "reason", "counterexample", "relation"}
            assert a["verdict"] in ("proved", "refuted", "unknown")
    cells = {(r["loss"], q): a for r in doc["pairs"] for q, a in r["answers"].items()}
    assert cells[("squared", "proportional")]["verdict"] == "refuted"
    assert cells[("squared", "proportional")]["counterexample"]
    assert cells[("exponential", "proportional")]["verdict"] == "proved"
    assert cells[("squared", "relation")]["relation"].startswith("|∂L/∂w| =")
    assert cells[("squared", "convex")]["verdict"] == "proved"


def test_markdown_and_latex(small):
    md = to_markdown(small)
    cells = markdown_cells(md)
    assert cells[("linear", "squared")]["∂L/∂θ ∝ L"].startswith("✗")
    assert cells[("linear", "exponential")]["∂L/∂θ ∝ L"].startswith("✓")
    assert re.search(r"^\[\^1\]: linear \+ squared, proportional: ", md, re.M)
    tex = to_latex(small)
    assert tex.count(r"\hyperref[") == tex.count(r"\label{cell") == 6


def test_round_trip_through_json(small):
    assert to_markdown(from_json(to_json(small), timeout=small.timeout, jobs=1)) == to_markdown(small)


#: pairs and questions whose cells are decided well within the limit
SLICE = (["linear"], ["squared", "exponential", "absolute"], ["proportional", "relation", "convex"])


def _same_cells(fresh_text, committed_text, titles=None):
    """Compare cells; a cell that hit the time limit in either run is not a
    mathematical answer and is left out.  Returns how many were compared."""
    committed = markdown_cells(committed_text)
    fresh = markdown_cells(fresh_text)
    n = 0
    for key, row in fresh.items():
        for title, cell in row.items():
            if titles is not None and title not in titles:
                continue
            old = committed[key][title]
            if "timeout" in cell or "timeout" in old or "time limit" in cell or "time limit" in old:
                continue
            assert cell == old, (key, title)
            n += 1
    return n


def test_committed_atlas_matches_a_fresh_slice():
    models, losses, questions = SLICE
    atlas = run_atlas(models, losses, questions, timeout=60, jobs=1)
    titles = {_TITLE[q] for q in questions}
    fresh = to_markdown(atlas)
    assert _same_cells(fresh, CORE.read_text(encoding="utf-8"), titles) >= 6
    _same_cells(fresh, DOC.read_text(encoding="utf-8"), titles)  # the full file agrees where it decided


def _doc_pairs(text):
    """The ``--pairs`` of the command in the file's header (``None``: every pair;
    a merged file's runs are listed apart and its rows cover every pair)."""
    generated = next(line for line in text.splitlines() if line.startswith("Generated by"))
    m = re.search(r"--pairs (.*?) --", generated)
    return [tuple(w.split(":")) for w in m.group(1).split()] if m else None


@pytest.mark.parametrize("doc", [DOC, CORE], ids=["full", "core"])
def test_committed_atlas_lists_every_pair(doc):
    text = doc.read_text(encoding="utf-8")
    _, pairs, skipped, _ = build_jobs(pairs=_doc_pairs(text))
    assert set(markdown_cells(text)) == {(m, l) for m, l, _, _ in pairs}
    if skipped:
        assert f"## Skipped pairs ({len(skipped)})" in text
    else:
        assert "## Skipped pairs" not in text


def test_readme_compact_table_agrees_with_the_atlas():
    readme = (DOC.parent.parent / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- atlas:begin -->")[1].split("<!-- atlas:end -->")[0]
    compact = markdown_cells(block)
    full = markdown_cells(CORE.read_text(encoding="utf-8"))
    assert len(compact) >= 8
    for key, row in compact.items():
        for title, cell in row.items():
            if title not in ("model", "loss"):
                assert cell[0] == full[key][title][0], (key, title)


@pytest.mark.slow
def test_committed_atlas_matches_a_full_run():
    text = DOC.read_text(encoding="utf-8")
    limit = max(float(t) for t in re.findall(r"hard limit (\S+) s per cell", text))  # the longest of the runs
    atlas = run_atlas(timeout=limit, jobs=2, pairs=_doc_pairs(text))
    assert set(markdown_cells(to_markdown(atlas))) == set(markdown_cells(text))
    assert _same_cells(to_markdown(atlas), text) > 0


def test_cli_json_document_on_stdout(capsys):
    assert main(["atlas", "--pairs", "linear:exponential", "--questions", "proportional",
                 "--timeout", "60", "--format", "json"]) == 0
    out, err = capsys.readouterr()
    doc = json.loads(out)
    assert doc["pairs"][0]["answers"]["proportional"]["verdict"] == "proved"
    assert "[1/1]" in err  # progress on stderr
