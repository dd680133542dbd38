"""``symloss atlas``: the jobs it builds, its JSON schema, and docs/atlas.md
regenerated (a slice here; all of it behind ``slow``)."""

import json
import re
from pathlib import Path

import pytest

from symloss.atlas import (QUESTIONS, build_jobs, from_json, markdown_cells, run_atlas, sign_assumptions,
                           to_json, to_latex, to_markdown)
from symloss.catalogue import CATALOGUE
from symloss.cli import main

DOC = Path(__file__).resolve().parent.parent / "docs" / "atlas.md"
_TITLE = {"proportional": "∂L/∂θ ∝ L", "nondecreasing": "\\|∂L/∂θ\\| ↑ in L", "relation": "\\|∂L/∂θ\\| = h(L)",
          "sign": "sign rule", "convex": "convex", "corr": "corr = 0"}


@pytest.mark.parametrize("model, param, want", [
    ("linear", "w", ("x != 0",)),
    ("deep_linear", "w", ("v != 0", "x != 0")),
    ("logistic", "w", ("x != 0",)),
    ("linear", "b", ()),
    ("linear3", "w1", ("x1 != 0",)),
])
def test_sign_assumptions(model, param, want):
    assert sign_assumptions(CATALOGUE.model(model), param) == want


def test_every_pair_is_run_or_skipped_with_a_reason():
    jobs, pairs, skipped, qs = build_jobs()
    assert len(pairs) + len(skipped) == len(CATALOGUE.models) * len(CATALOGUE.losses)
    assert len(jobs) == len(pairs) * len(QUESTIONS) and qs == tuple(QUESTIONS)
    assert all(s["reason"] for s in skipped)
    ok = sum(c.ok for _, _, c in CATALOGUE.pairs())
    indexed = sum(c.ok for m, _, c in CATALOGUE.pairs() if m.indexed)
    assert len(pairs) == ok - indexed


@pytest.mark.parametrize("kwargs", [{"models": ["nope"]}, {"losses": ["squaredd"]}, {"questions": ["convexx"]}])
def test_bad_names_are_refused(kwargs):
    from symloss.errors import InvalidArgument

    with pytest.raises(InvalidArgument):
        build_jobs(**kwargs)


def test_cli_bad_model_exits_2(capsys):
    assert main(["atlas", "--models", "nope"]) == 2
    assert "unknown model" in capsys.readouterr().err


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
