"""``symloss check``: exit codes, human output, the JSON contract, --timeout.

Tests marked ``standin`` replace the decision procedure by a small fake so
that they test the command itself; the others run the real pipeline (and are
skipped while a module it needs is missing).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sympy as sp

from symloss import conjectures
from symloss.cli import main
from symloss.errors import InvalidArgument, SymlossSyntaxError

ROOT = Path(__file__).resolve().parent.parent


def _available(*names: str) -> bool:
    import importlib

    try:
        for name in names:
            importlib.import_module(f"symloss.{name}")
    except ImportError:
        return False
    return True


needs_parser = pytest.mark.skipif(not _available("language.parser", "problem", "calculus.claims"),
                                  reason="claim parser not built yet")
needs_decide = pytest.mark.skipif(not _available("language.parser", "problem", "calculus.claims", "decide"),
                                  reason="decision pipeline not built yet")


def _write(tmp_path: Path, name: str, *claims: dict) -> Path:
    lines = []
    for c in claims:
        lines.append("[[claim]]")
        for k, v in c.items():
            lines.append(f"{k} = {json.dumps(v)}" if not isinstance(v, dict) else
                         f"{k} = {{ {', '.join(f'{a} = {json.dumps(b)}' for a, b in v.items())} }}")
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n")
    return path


def _claim(name, claim, expect=None, **extra):
    out = {"name": name, "model": "w*x + b", "loss": "(yhat - y)**2/2", "claim": claim}
    if expect:
        out["expect"] = expect
    out.update(extra)
    return out


# ---------------------------------------------------------------------------
# stand-in decision procedure: the verdict is chosen by the claim text


class FakeResult:
    def __init__(self, verdict, counterexample=None, reason=""):
        self.verdict, self.counterexample, self.reason = verdict, counterexample, reason

    def to_json(self):
        return {"verdict": self.verdict, "counterexample": self.counterexample,
                "reason": self.reason, "method": "fake", "seconds": 0.0}


def fake_evaluate(spec, timeout=None):
    if spec.claim.startswith("hang"):
        while True:
            pass
    if spec.claim.startswith("false"):
        return FakeResult("refuted", {"x": "1", "w": ["-1", "-1/2"]}, "sides differ")
    if spec.claim.startswith("maybe"):
        return FakeResult("unknown", None, "no tactic applied; 200 admissible points tested")
    return FakeResult("proved", None, "zero-equivalence")


def fake_prepare(spec):
    if "@" in spec.claim:
        col = spec.claim.index("@") + 1
        raise SymlossSyntaxError("unexpected character '@'", spec.claim, col)
    if spec.loss == "nope":
        raise InvalidArgument("unknown loss 'nope'")
    return "parsed"


@pytest.fixture
def standin(monkeypatch):
    monkeypatch.setattr(conjectures, "evaluate", fake_evaluate)
    monkeypatch.setattr(conjectures, "prepare", fake_prepare)


@pytest.mark.parametrize(
    "claims, code",
    [
        ([("true", "proved"), ("false", "refuted"), ("maybe", "unknown")], 0),
        ([("true", None), ("false", None)], 0),
        ([("true", "proved"), ("false", "proved")], 1),
        ([("maybe", "refuted")], 1),
        ([("hang", "proved")], 1),
        ([("hang", "unknown")], 0),
    ],
)
def test_exit_status_follows_expectations(standin, tmp_path, capsys, claims, code):
    path = _write(tmp_path, "f.toml", *[_claim(f"c{i}", c, e) for i, (c, e) in enumerate(claims)])
    assert main(["check", str(path), "--timeout", "1"]) == code
    out = capsys.readouterr().out.splitlines()
    assert len(out) == len(claims) + 1


def test_human_output_lines_and_summary(standin, tmp_path, capsys):
    path = _write(tmp_path, "f.toml", _claim("a", "true", "proved"), _claim("b", "false", "refuted"),
                  _claim("c", "maybe", "proved"), _claim("d", "hang", "unknown"))
    assert main(["check", str(path), "--timeout", "1"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0].split()[0] == "proved" and out[0].endswith("f.toml::a  zero-equivalence")
    assert "refuted" in out[1] and "counterexample x = 1, w = -1 vs -1/2; sides differ" in out[1]
    assert out[2].startswith("!unknown") and "[expected proved]" in out[2]
    assert "timeout" in out[3] and "1 s" in out[3]
    assert out[-1] == "4 claims: 1 proved, 1 refuted, 2 unknown; 3/4 as expected"


def test_json_is_exactly_one_document_with_the_contract_keys(standin, tmp_path, capsys):
    path = _write(tmp_path, "f.toml", _claim("a", "true", "proved"), _claim("b", "false"))
    assert main(["check", str(path), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    rows = doc["results"]
    assert list(doc) == ["results"] and [r["name"] for r in rows] == ["a", "b"]
    for row in rows:
        assert {"file", "name", "verdict", "counterexample", "seconds", "expect", "reason"} <= set(row)
        assert row["file"] == str(path) and isinstance(row["seconds"], float)
    assert rows[0]["counterexample"] is None and rows[0]["expect"] == "proved"
    assert rows[1]["counterexample"] == {"x": "1", "w": ["-1", "-1/2"]} and rows[1]["expect"] is None


def test_folder_and_jobs_keep_input_order(standin, tmp_path, capsys):
    _write(tmp_path, "b.toml", _claim("b1", "true"), _claim("b2", "hang", "unknown"))
    _write(tmp_path, "a.toml", _claim("a1", "hang", "unknown"), _claim("a2", "false", "refuted"))
    start = time.monotonic()
    assert main(["check", str(tmp_path), "--json", "--jobs", "2", "--timeout", "1"]) == 0
    assert time.monotonic() - start < 6
    rows = json.loads(capsys.readouterr().out)["results"]
    assert [r["name"] for r in rows] == ["a1", "a2", "b1", "b2"]


@pytest.mark.parametrize(
    "claim, loss, message",
    [
        ("d(L, w) @ 0", "(yhat - y)**2/2", "claim 'bad', field 'claim': unexpected character '@' at column 9"),
        ("L >= 0", "nope", "claim 'bad', field 'loss': unknown loss 'nope'"),
    ],
)
def test_bad_expression_exits_2_naming_file_claim_and_column(standin, tmp_path, capsys, claim, loss, message):
    path = _write(tmp_path, "f.toml", _claim("good", "true"), {**_claim("bad", claim), "loss": loss})
    assert main(["check", str(path), "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and str(path) in captured.err and message in captured.err


@pytest.mark.parametrize(
    "text, message",
    [
        ('[[claim]]\nname = "a"\nloss = "x"\nclaim = "x > 0"\nexpect = "yes"\n', "'expect' must be one of"),
        ('[[claim]]\nname = "a"\nlos = "x"\nclaim = "x > 0"\n', "did you mean 'loss'?"),
        ('[[claim]\n', "not valid TOML"),
    ],
)
def test_bad_file_exits_2(standin, tmp_path, capsys, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert str(path) in err and message in err


@pytest.mark.parametrize("args", [["--timeout", "0"], ["--timeout", "abc"], ["--jobs", "0"]])
def test_bad_options_exit_2(tmp_path, args):
    path = _write(tmp_path, "f.toml", _claim("a", "true"))
    with pytest.raises(SystemExit) as info:
        main(["check", str(path), *args])
    assert info.value.code == 2


def test_missing_path_exits_2(tmp_path, capsys):
    assert main(["check", str(tmp_path / "nope.toml")]) == 2
    assert "no such file or folder" in capsys.readouterr().err


# ---------------------------------------------------------------------------
# the real pipeline, through a subprocess like a user


def _run(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "symloss", "check", *args], capture_output=True,
                          text=True, timeout=timeout, cwd=ROOT)


@needs_parser
def test_real_bad_claim_exits_2_with_column(tmp_path):
    path = _write(tmp_path, "f.toml", _claim("ok", "d(L, w) == x*(w*x + b - y)"),
                  _claim("typo", "d(L, w) == x*(w*x + b - y) +* 2"))
    proc = _run(str(path))
    assert proc.returncode == 2 and proc.stdout == ""
    assert "claim 'typo'" in proc.stderr and "field 'claim'" in proc.stderr and "column" in proc.stderr
    assert "claim 'ok'" not in proc.stderr


@needs_parser
@pytest.mark.parametrize(
    "fields, message",
    [
        ({"claim": "d(L, q) == 0"}, "field 'claim': d: q is not a symbol of the problem"),
        ({"claim": "argmin(L) == 0"}, "field 'claim': argmin needs the variable"),
        ({"loss": "(yhat - y)**2 +* 2"}, "field 'loss': "),
        ({"vars": {"y": "realz"}}, "field 'vars.y': unknown domain 'realz'"),
        ({"loss": "sqaured"}, "did you mean 'squared'"),
    ],
)
def test_real_bad_input_names_the_field(tmp_path, fields, message):
    path = _write(tmp_path, "f.toml", {**_claim("bad", "L >= 0"), **fields})
    proc = _run(str(path))
    assert proc.returncode == 2 and proc.stdout == ""
    assert f"{path}: claim 'bad'" in proc.stderr and message in proc.stderr


@needs_decide
def test_real_identity_and_refutation_with_rechecked_counterexample(tmp_path):
    from symloss.language.parser import parse

    path = _write(tmp_path, "f.toml",
                  _claim("right", "d(L, w) == x*(w*x + b - y)", "proved"),
                  _claim("twice", "d(L, w) == 2*x*(w*x + b - y)", "refuted"))
    proc = _run("--json", str(path))
    rows = json.loads(proc.stdout)["results"]
    assert [r["verdict"] for r in rows] == ["proved", "refuted"], proc.stdout + proc.stderr
    assert proc.returncode == 0
    cex = rows[1]["counterexample"]
    # independent oracle: the gradient of ½(w x + b − y)² by hand, at the exact values
    vals = {name: parse(text) for name, text in cex.items()}
    assert all(v.is_rational or v.is_number for v in vals.values())
    w, x, b, y = (vals.get(n, sp.Integer(0)) for n in "wxby")
    assert set(cex) <= {"w", "x", "b", "y"}
    lhs = x * (w * x + b - y)
    rhs = 2 * x * (w * x + b - y)
    assert sp.nsimplify(lhs - rhs) != 0


NESTED = "tanh(tanh(tanh(tanh(tanh(tanh(w*x))))))"


@needs_decide
def test_timeout_holds_on_a_claim_that_keeps_sympy_busy(tmp_path):
    path = _write(tmp_path, "g.toml", {
        "name": "nested-bound", "loss": NESTED, "params": ["w"], "assume": ["abs(x) <= 1"],
        "claim": "abs(d(L, w, 5)) <= 1000", "expect": "unknown"})
    start = time.monotonic()
    proc = _run("--json", "--timeout", "2", str(path))
    wall = time.monotonic() - start
    (row,) = json.loads(proc.stdout)["results"]
    assert row["verdict"] == "unknown" and row["method"] == "timeout", row
    assert wall < 2 + 2 + 8  # limit + validation budget + interpreter start-up
    assert row["seconds"] <= 2.5
    assert proc.returncode == 0  # it expected unknown


@needs_decide
def test_latex_option(tmp_path):
    path = _write(tmp_path, "f.toml", _claim("right", "d(L, w) == x*(w*x + b - y)", "proved"))
    out = tmp_path / "out.tex"
    proc = _run(str(path), "--latex", str(out))
    if not _available("render.document"):
        assert proc.returncode == 2 and "not available yet" in proc.stderr
    else:
        assert proc.returncode == 0, proc.stderr
        assert r"\documentclass" in out.read_text()


# ---------------------------------------------------------------------------
# property: every `refuted` comes with a counterexample that re-checks exactly

_SIDES = {  # claim text → the same quantity computed by hand for L = ½(w x + b − y)²
    "d(L, w)": lambda w, x, b, y: x * (w * x + b - y),
    "d(L, b)": lambda w, x, b, y: w * x + b - y,
    "L": lambda w, x, b, y: (w * x + b - y) ** 2 / 2,
    "yhat - y": lambda w, x, b, y: w * x + b - y,
    "d(L, w, 2)": lambda w, x, b, y: x**2,
}
_OPS = {"==": sp.Eq, "!=": sp.Ne, "<=": sp.Le, "<": sp.Lt, ">=": sp.Ge, ">": sp.Gt}
_ASSUME = {"": None, "x > 0": lambda w, x, b, y: x > 0, "y >= 1": lambda w, x, b, y: y >= 1}


@pytest.mark.slow
@needs_decide
def test_refutations_of_random_claims_recheck_exactly():
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from symloss.language.parser import parse
    from symloss.problem import problem
    from symloss.runner import WorkerTimeout, call_with_timeout

    names = sp.symbols("w x b y", real=True)
    prob = problem("linear", "squared")
    coeff = st.integers(-2, 2)
    refuted = []

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.sampled_from(sorted(_SIDES)), st.sampled_from(sorted(_OPS)), st.sampled_from(sorted(_ASSUME)),
           st.lists(coeff, min_size=5, max_size=5))
    def check(side, op, assume, cs):
        w, x, b, y = names
        rhs = cs[0] + cs[1] * w + cs[2] * x + cs[3] * w * x + cs[4] * y
        text = f"{side} {op} {sp.sstr(rhs)}"
        try:
            result = call_with_timeout(_decide, prob, text, [assume] if assume else [], timeout=20)
        except WorkerTimeout:
            return
        if result.verdict != "refuted":
            return
        refuted.append(text)
        cex = result.counterexample.to_json()
        values = {s: parse(cex[s.name]) for s in names if s.name in cex}
        assert set(cex) <= {"w", "x", "b", "y"}, cex
        point = [values.get(s, sp.Integer(0)) for s in names]  # unfixed symbols do not occur
        free = (sp.sympify(_SIDES[side](*names)) - rhs).free_symbols
        assert free <= set(values), (text, cex)
        if assume:
            assert _ASSUME[assume](*point), (text, assume, cex)
        lhs_val = sp.nsimplify(_SIDES[side](*point))
        rhs_val = rhs.subs(dict(zip(names, point)))
        assert _OPS[op](lhs_val, rhs_val) is sp.false, (text, cex, lhs_val, rhs_val)

    check()
    assert len(refuted) >= 3  # the property was exercised, not vacuously true


def _decide(prob, text, assume):
    from symloss.decide import check_claim

    return check_claim(prob, text, assume=assume, timeout=15)


def test_pdf_without_pdflatex_is_refused_before_checking(standin, tmp_path, capsys, monkeypatch):
    import shutil

    real_which = shutil.which
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None if name == "pdflatex" else real_which(name))
    path = _write(tmp_path, "f.toml", _claim("a", "hang", "unknown"))
    start = time.monotonic()
    assert main(["check", str(path), "--pdf", str(tmp_path / "out.pdf")]) == 2
    assert time.monotonic() - start < 5  # the stuck claim never ran
    captured = capsys.readouterr()
    assert captured.out == "" and "pdflatex is not installed" in captured.err


# ---------------------------------------------------------------------------
# a project root as the folder; output paths checked before any claim runs


def _recording_prepare(marker: Path):
    def prepare(spec):
        marker.write_text("a claim was prepared")  # runs in a forked worker: leave a trace on disk
        return fake_prepare(spec)

    return prepare


def test_folder_skips_toml_files_without_claims_and_says_how_many(standin, tmp_path, capsys):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "demo"\n')
    (tmp_path / "ruff.toml").write_text("line-length = 100\n")
    _write(tmp_path, "f.toml", _claim("a", "true", "proved"))
    assert main(["check", str(tmp_path)]) == 0
    captured = capsys.readouterr()
    assert "skipped 2 files without [[claim]] tables" in captured.err
    assert "pyproject.toml" in captured.err and "f.toml::a" in captured.out


def test_folder_does_not_search_hidden_folders(standin, tmp_path, capsys):
    _write(tmp_path, "f.toml", _claim("a", "true", "proved"))
    (tmp_path / ".venv-ci").mkdir()
    _write(tmp_path / ".venv-ci", "g.toml", _claim("hidden", "false", "proved"))
    assert main(["check", str(tmp_path)]) == 0
    assert "hidden" not in capsys.readouterr().out


def test_a_file_named_explicitly_is_still_strict(standin, tmp_path, capsys):
    path = tmp_path / "pyproject.toml"
    path.write_text('[project]\nname = "demo"\n')
    assert main(["check", str(path)]) == 2
    assert "unknown top-level key 'project'" in capsys.readouterr().err


@pytest.mark.parametrize("text, message", [
    ('[[claims]]\nname = "a"\n', "unknown top-level key 'claims'"),   # a typo is not skipped
    ('[[claim]\nname = "a"\n', "not valid TOML"),                       # nor a broken file
])
def test_folder_still_reports_broken_conjecture_files(standin, tmp_path, capsys, text, message):
    (tmp_path / "bad.toml").write_text(text)
    _write(tmp_path, "f.toml", _claim("a", "true", "proved"))
    assert main(["check", str(tmp_path)]) == 2
    assert message in capsys.readouterr().err


def test_folder_without_conjecture_files_exits_2(standin, tmp_path, capsys):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "demo"\n')
    assert main(["check", str(tmp_path)]) == 2
    assert "holds no *.toml conjecture files (1 *.toml files without [[claim]] tables)" in capsys.readouterr().err


@pytest.mark.parametrize("option, target, message", [
    ("--latex", "missing/out.tex", "does not exist"),
    ("--pdf", "missing/out.pdf", "does not exist"),
    ("--latex", "", "is a directory"),
    ("--latex", "f.toml/out.tex", "is not a directory"),
])
def test_unwritable_document_path_exits_2_before_any_claim(standin, tmp_path, capsys, monkeypatch,
                                                            option, target, message):
    import shutil

    marker = tmp_path / "prepared"
    monkeypatch.setattr(conjectures, "prepare", _recording_prepare(marker))
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: "/usr/bin/" + name)  # pdflatex or not
    path = _write(tmp_path, "f.toml", _claim("a", "hang", "unknown"))
    assert main(["check", str(path), option, str(tmp_path / target)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and option in captured.err and message in captured.err
    assert not marker.exists()  # nothing was prepared, let alone decided


def test_recording_prepare_leaves_its_trace(standin, tmp_path, monkeypatch):
    marker = tmp_path / "prepared"
    monkeypatch.setattr(conjectures, "prepare", _recording_prepare(marker))
    path = _write(tmp_path, "f.toml", _claim("a", "true", "proved"))
    assert main(["check", str(path)]) == 0
    assert marker.exists()  # so the test above can see a claim being prepared
