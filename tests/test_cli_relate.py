"""``symloss relate``: lines per parameter, --latex, --json, exit codes."""

from __future__ import annotations

import json

import pytest

from symloss.cli import main


def _run(capsys, *argv):
    code = main(["relate", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("argv,lines", [
    (["--model", "linear", "--loss", "squared", "--param", "w"], ["|∂L/∂w| = √2⋅√L⋅|x|"]),
    (["--model", "linear", "--loss", "exponential", "--param", "w"], ["∂L/∂w = -L⋅x⋅y"]),
    (["--model", "linear", "--loss", "squared"], ["|∂L/∂w| = √2⋅√L⋅|x|", "|∂L/∂b| = √2⋅√L"]),
    (["--model", "linear", "--loss", "mse", "--param", "w,b"], ["|∂L/∂w| = 2⋅√L⋅|x|", "|∂L/∂b| = 2⋅√L"]),
    (["--model", "w*x", "--loss", "exp(-yhat)", "--param", "w"], ["∂L/∂w = -L⋅x"]),
    (["--model", "linear", "--loss", "absolute", "--param", "w"], ["|∂L/∂w| = |x|⋅sgn(L)"]),
])
def test_relation_lines(capsys, argv, lines):
    code, out, err = _run(capsys, *argv)
    assert code == 0 and err == ""
    assert out.splitlines() == lines


def test_refuted_line(capsys):
    code, out, _ = _run(capsys, "--model", "linear", "--loss", "poisson_nll", "--param", "w")
    assert code == 0
    assert out.startswith("∂L/∂w is not a function of L: ") and "w = 0 vs 1" in out


def test_latex(capsys):
    code, out, _ = _run(capsys, "--model", "linear", "--loss", "exponential", "--param", "w", "--latex")
    assert code == 0
    assert out.strip() == r"\frac{\partial L}{\partial w} = - L x y"
    code, out, _ = _run(capsys, "--model", "linear", "--loss", "squared", "--param", "w", "--latex")
    assert out.startswith(r"\left|\frac{\partial L}{\partial w}\right| = ")


def test_json(capsys):
    code, out, _ = _run(capsys, "--model", "linear", "--loss", "poisson_nll", "--param", "w", "--json")
    assert code == 0
    (rec,) = json.loads(out)
    assert rec["status"] == "refuted" and rec["param"] == "w" and rec["expr"] is None
    assert rec["counterexample"]["w"] == ["0", "1"] and set(rec["evaluations"]) == {"L", "dL/dw(0)", "dL/dw(1)"}
    code, out, _ = _run(capsys, "--model", "linear", "--loss", "exponential", "--json")
    recs = json.loads(out)
    assert [r["status"] for r in recs] == ["proved", "proved"] and recs[0]["absolute"] is False


def test_unknown_exits_1(capsys):
    # out of time before anything is tried (hinge itself is proved monotone now)
    code, out, _ = _run(capsys, "--model", "linear", "--loss", "hinge", "--param", "w", "--timeout", "0.001")
    assert code == 1 and out.startswith("∂L/∂w: unknown")


def test_hinge_is_found_as_check_proves_it(capsys):
    code, out, _ = _run(capsys, "--model", "linear", "--loss", "hinge", "--param", "w", "--timeout", "20")
    assert code == 0
    assert out.startswith("|∂L/∂w| = h(L) for a nondecreasing h: |∂L/∂w| is a nondecreasing function of L as w varies")
    assert "abs(" not in out and "d(L" not in out, out  # the one notation, not the claim language
    code, out, _ = _run(capsys, "--model", "linear", "--loss", "hinge", "--param", "w", "--timeout", "20", "--latex")
    assert code == 0 and r"= h(L) \text{ for a nondecreasing } h" in out


@pytest.mark.parametrize("argv,needle", [
    (["--model", "linear", "--loss", "squared", "--param", "q"], "'q'"),
    (["--model", "linear", "--loss", "bce"], "bce"),
    (["--model", "linear", "--loss", "huber", "--hyper", "delta=abc"], "abc"),
])
def test_bad_input_exits_2(capsys, argv, needle):
    code, out, err = _run(capsys, *argv)
    assert code == 2 and out == "" and needle in err


@pytest.mark.parametrize("argv", [
    ["--model", "linear"],                                                    # --loss missing
    ["--model", "linear", "--loss", "squared", "--timeout", "0"],
    ["--model", "linear", "--loss", "squared", "--latex", "--json"],
])
def test_argument_errors(capsys, argv):
    with pytest.raises(SystemExit) as exc:
        main(["relate", *argv])
    assert exc.value.code == 2
