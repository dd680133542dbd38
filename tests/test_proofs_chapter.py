"""proofs/ reads as a chapter: every file opens with prose that the
document renders before its claims, and the claims are many and all carry
the verdict they must get (tests/test_proofs.py checks the verdicts)."""

from pathlib import Path
from types import SimpleNamespace as NS

import pytest

from symloss.conjectures import load
from symloss.render.document import build_document, file_prose

PROOFS = Path(__file__).resolve().parent.parent / "proofs"
FILES = sorted(PROOFS.glob("*.toml"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_file_opens_with_prose(path):
    prose = file_prose(path)
    assert len(prose) >= 100, path.name
    assert "[[claim]]" not in prose


def test_at_least_sixty_claims_all_with_expect():
    claims = [c for f in FILES for c in load(f).claims]
    assert len(claims) >= 60
    assert all(c.expect in ("proved", "refuted", "unknown") for c in claims)


@pytest.mark.parametrize("theme", ["question.toml", "function_of_loss.toml", "glm.toml", "intuition.toml",
                                   "indexed.toml", "convexity.toml"])
def test_themes_of_the_issue_have_their_file(theme):
    assert (PROOFS / theme).exists()


def test_document_renders_the_prose_once_per_file():
    f1, f2 = str(PROOFS / "question.toml"), str(PROOFS / "indexed.toml")
    rows = [NS(spec=NS(name=n, file=f, claim="L >= 0"), result=NS(verdict="unknown", claim="L >= 0", reason="r"))
            for n, f in (("a", f1), ("b", f1), ("c", f2))]
    doc = build_document(rows)
    assert doc.count(r"\section*{") == 2
    assert doc.index("question.toml") < doc.index("indexed.toml")
    assert "reduces to the scalar case" in doc.replace("\n", " ")
