"""Conjecture files: the TOML format, strict validation, discovery."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from symloss.conjectures import ClaimSpec, discover, load, load_all, loads
from symloss.errors import InvalidArgument, SymlossError, SymlossSyntaxError

GOOD = """
[[claim]]
name = "grad"
model = "w*x + b"
loss = "(yhat - y)**2/2"
vars = { y = "real", delta = "positive" }
assume = ["x != 0"]
claim = "d(L, w) == x*(w*x + b - y)"
expect = "proved"

[[claim]]
name = "no-model"
loss = "(w - 1)**2"
params = ["w"]
claim = "d(L, w) >= 0"
expect = "refuted"
timeout = 3
"""

CLAIM = 'name = "c"\nloss = "(yhat - y)**2"\nclaim = "d(L, w) == 0"\n'


def test_good_file_fields():
    f = loads(GOOD, "good.toml")
    a, b = f.claims
    assert (a.name, a.model, a.loss, a.expect, a.index) == ("grad", "w*x + b", "(yhat - y)**2/2", "proved", 0)
    assert a.domains == {"y": "real", "delta": "positive"} and a.assume == ("x != 0",)
    assert (b.model, b.params, b.timeout, b.index, b.assume) == (None, ("w",), 3.0, 1, ())
    assert a.label == "good.toml::grad" and len(f) == 2


def test_spec_is_frozen_and_hashable():
    spec = loads(GOOD, "g.toml").claims[0]
    with pytest.raises(AttributeError):
        spec.name = "other"
    assert hash(spec) == hash(ClaimSpec(**{k: getattr(spec, k) for k in spec.__dataclass_fields__}))


@pytest.mark.parametrize(
    "text, message",
    [
        ("[[claim]]\n" + CLAIM.replace("loss", "los"), "unknown key 'los' (did you mean 'loss'?)"),
        ("[[claim]]\n" + CLAIM + 'expct = "proved"\n', "did you mean 'expect'?"),
        ("[[claim]]\n" + CLAIM + 'colour = "red"\n', "unknown key 'colour'"),
        ("[[claim]]\n" + CLAIM.replace('name = "c"\n', ""), "missing required key 'name'"),
        ("[[claim]]\n" + CLAIM.replace('claim = "d(L, w) == 0"\n', ""), "claim 'c': missing required key 'claim'"),
        ("[[claim]]\n" + CLAIM.replace('loss = "(yhat - y)**2"\n', ""), "missing required key 'loss'"),
        ("[[claim]]\n" + CLAIM + 'expect = "true"\n', "'expect' must be one of proved, refuted, unknown, got 'true'"),
        ("[[claim]]\n" + CLAIM + 'expect = "prooved"\n', "did you mean 'proved'?"),
        ("[[claim]]\n" + CLAIM + "expect = true\n", "'expect' must be a string, got a boolean"),
        ("[[claim]]\n" + CLAIM + 'assume = "x > 0"\n', "'assume' must be a list of strings, got a string"),
        ("[[claim]]\n" + CLAIM + "assume = [1]\n", "'assume[0]' must be a string, got an integer"),
        ("[[claim]]\n" + CLAIM + 'vars = ["y"]\n', "'vars' must be a table"),
        ("[[claim]]\n" + CLAIM + "vars = { y = 1 }\n", "'vars.y' must be a string"),
        ("[[claim]]\n" + CLAIM + 'vars = { "a b" = "real" }\n', "'vars' key 'a b' is not a symbol name"),
        ("[[claim]]\n" + CLAIM + 'params = "w"\n', "'params' must be a list of strings"),
        ("[[claim]]\n" + CLAIM + 'timeout = "5"\n', "'timeout' must be a number of seconds, got a string"),
        ("[[claim]]\n" + CLAIM + "timeout = -1\n", "'timeout' must be positive"),
        ("[[claim]]\n" + CLAIM + "timeout = true\n", "'timeout' must be a number of seconds, got a boolean"),
        ("[[claim]]\n" + CLAIM + "timeout = inf\n", "'timeout' must be positive and finite"),
        ("[[claim]]\n" + CLAIM.replace('"c"', '""'), "'name' must not be empty"),
        ("[[claim]]\n" + CLAIM.replace('"c"', "3"), "'name' must be a string, got an integer"),
        ("[[claim]]\n" + CLAIM.replace('"(yhat - y)**2"', '"  "'), "'loss' must not be empty"),
        ("[[claim]]\n" + CLAIM + "[[claim]]\n" + CLAIM, "duplicate claim name 'c' (claims #1 and #2)"),
        ("[claim]\n" + CLAIM, "write [[claim]], not [claim]"),
        ('title = "x"\n[[claim]]\n' + CLAIM, "unknown top-level key 'title'"),
        ('claims = 1\n', "did you mean 'claim'?"),
        ("", "no [[claim]] tables"),
        ("[[claim]]\nname = \n", "not valid TOML"),
        ("[[claim]]\nname = 'c'\nname = 'd'\n", "not valid TOML"),
        ("claim = [1]\n", "each [[claim]] must be a table"),
    ],
)
def test_bad_file_is_refused_with_a_message(text, message):
    with pytest.raises(SymlossError) as info:
        loads(text, "bad.toml")
    assert message in str(info.value)
    assert str(info.value).startswith("bad.toml")
    assert isinstance(info.value, (InvalidArgument, SymlossSyntaxError))


def test_load_names_the_path(tmp_path):
    path = tmp_path / "f.toml"
    path.write_text("[[claim]]\n" + CLAIM + "foo = 1\n")
    with pytest.raises(InvalidArgument, match=r"f\.toml: claim 'c': unknown key 'foo'"):
        load(path)


@pytest.mark.parametrize("kind, message", [("missing", "no such file"), ("dir", "is a directory")])
def test_load_unreadable(tmp_path, kind, message):
    path = tmp_path / "x.toml"
    if kind == "dir":
        path.mkdir()
    with pytest.raises(InvalidArgument, match=message):
        load(path)


def _tree(root: Path) -> None:
    for rel in ["b.toml", "a.toml", "sub/c.toml", "sub/deeper/d.toml", "notes.txt"]:
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("[[claim]]\n" + CLAIM.replace('"c"', f'"{p.stem}"'))


def test_discover_folder_sorted_and_recursive(tmp_path):
    _tree(tmp_path)
    found = [p.relative_to(tmp_path).as_posix() for p in discover([tmp_path])]
    assert found == ["a.toml", "b.toml", "sub/c.toml", "sub/deeper/d.toml"]


def test_discover_file_and_folder_deduplicated_in_order(tmp_path):
    _tree(tmp_path)
    found = discover([tmp_path / "b.toml", tmp_path / "sub", tmp_path / "sub" / "c.toml"])
    assert [p.name for p in found] == ["b.toml", "c.toml", "d.toml"]


@pytest.mark.parametrize("rel, message", [("nope", "no such file or folder"), ("empty", "holds no *.toml")])
def test_discover_errors(tmp_path, rel, message):
    (tmp_path / "empty").mkdir()
    with pytest.raises(InvalidArgument, match=message.replace("*", r"\*")):
        discover([tmp_path / rel])


def test_load_all_keeps_file_then_claim_order(tmp_path):
    _tree(tmp_path)
    assert [c.name for c in load_all([tmp_path])] == ["a", "b", "c", "d"]


def test_public_examples_load():
    root = Path(__file__).resolve().parent.parent / "proofs"
    specs = load_all([root])
    assert len(specs) >= 12
    assert {s.expect for s in specs} >= {"proved", "refuted"}
    assert all(s.expect is not None for s in specs)


def testin_context_names_file_claim_field_and_column():
    from symloss.conjectures import in_context

    spec = ClaimSpec(file="f.toml", name="c", loss="(yhat - y)**2", claim="d(L, w) === 0")
    err = in_context(spec, SymlossSyntaxError("unexpected '='", "d(L, w) === 0", 11))
    assert isinstance(err, SymlossSyntaxError) and err.column == 11
    assert str(err).splitlines()[0] == "f.toml: claim 'c', field 'claim': unexpected '=' at column 11"
    assert str(err).splitlines()[2].index("^") - str(err).splitlines()[1].index("d") == 10
    err = in_context(spec, SymlossSyntaxError("bad token", "(yhat - y)**2", 3))
    assert "field 'loss'" in str(err)
