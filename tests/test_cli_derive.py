"""``symloss derive``: gradient lines, --latex, --list, errors, console script."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from symloss.cli import main


def _run(capsys, *argv):
    code = main(["derive", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("argv,lines", [
    (["--model", "logistic", "--loss", "bce"], ["∂L/∂w = x⋅(σ(b + w⋅x) - y)", "∂L/∂b = σ(b + w⋅x) - y"]),
    (["--model", "linear", "--loss", "squared", "--param", "w"], ["∂L/∂w = x⋅(b + w⋅x - y)"]),
    (["--model", "linear", "--loss", "mse", "--param", "b", "--param", "w"],
     ["∂L/∂b = 2⋅(b + w⋅x - y)", "∂L/∂w = 2⋅x⋅(b + w⋅x - y)"]),
    (["--model", "linear", "--loss", "poisson_nll", "--param", "w,b"],
     ["∂L/∂w = x⋅(exp(b + w⋅x) - y)", "∂L/∂b = exp(b + w⋅x) - y"]),
    (["--loss", "(w - y)**2", "--param", "w"], ["∂L/∂w = 2⋅(w - y)"]),
    (["--model", "w*x", "--loss", "(yhat - y)**2/2"], ["∂L/∂w = x⋅(w⋅x - y)"]),
    (["--model", "linear", "--loss", "huber", "--param", "b"],
     ["∂L/∂b = b + w⋅x - y if δ > |b + w⋅x - y|; δ⋅sgn(b + w⋅x - y) otherwise"]),
])
def test_gradient_lines(capsys, argv, lines):
    code, out, err = _run(capsys, *argv)
    assert code == 0 and err == ""
    assert out.splitlines() == lines


def test_latex(capsys):
    code, out, _ = _run(capsys, "--model", "logistic", "--loss", "bce", "--latex")
    assert code == 0
    assert out.splitlines()[1] == r"\frac{\partial L}{\partial b} = \sigma\left(b + w x\right) - y"


def test_hyper_value(capsys):
    code, out, _ = _run(capsys, "--model", "linear", "--loss", "huber", "--param", "b", "--hyper", "delta=1/2")
    assert code == 0 and "1/2" in out and "delta" not in out


def test_vars_change_the_problem(capsys):
    code, out, _ = _run(capsys, "--loss", "sqrt(w)*y", "--vars", "w=positive", "--vars", "y={0, 1}", "--param", "w")
    assert code == 0 and out.strip() == "∂L/∂w = y/(2⋅√w)"
    code, _, err = _run(capsys, "--loss", "sqrt(w)*y", "--vars", "w=positive", "--vars", "w=negative")
    assert code == 2 and "w" in err


def test_list(capsys):
    code, out, _ = _run(capsys, "--list")
    assert code == 0
    assert "logistic (also sigmoid_neuron): ŷ = σ(b + w⋅x)" in out
    assert "huber:" in out and "softmax_ce" in out and out.startswith("Models:")


@pytest.mark.parametrize("argv,message", [
    (["--model", "linear", "--loss", "bce"], "do not fit"),
    (["--model", "lineer", "--loss", "squared"], "did you mean 'linear'"),
    (["--model", "linear", "--loss", "squared", "--param", "q"], "unknown parameter 'q'"),
    (["--model", "linear"], "needs --loss"),
    (["--model", "linear", "--loss", "huber", "--hyper", "delta"], "NAME=VALUE"),
    (["--model", "linear", "--loss", "huber", "--hyper", "delta=abc"], "not an exact number"),
    # a model that already applied its inverse link, fed to a loss that applies one again
    (["--model", "poisson", "--loss", "poisson_nll"], "or 'poisson' with a loss on positive rates such as "
                                                       "'poisson_nll_identity'"),
    (["--model", "poisson", "--loss", "poisson_nll"], "pair 'linear' with 'poisson_nll'"),
    (["--model", "logistic", "--loss", "bce_logits"], "pair 'linear' with 'bce_logits'"),
    (["--model", "w*x +", "--loss", "squared"], "ends too early at column 6"),
])
def test_errors_exit_2(capsys, argv, message):
    code, out, err = _run(capsys, *argv)
    assert code == 2 and out == "" and message in err and err.startswith("symloss derive: error:")


def test_console_script():
    exe = shutil.which("symloss")
    cmd = [exe] if exe else [sys.executable, "-m", "symloss"]
    proc = subprocess.run([*cmd, "derive", "--model", "logistic", "--loss", "bce"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0] == "∂L/∂w = x⋅(σ(b + w⋅x) - y)"


def test_steps_show_the_chain_rule_and_end_at_the_closed_form(capsys):
    from symloss.cli import main

    assert main(["derive", "--model", "logistic", "--loss", "bce", "--param", "w", "--steps"]) == 0
    out = capsys.readouterr().out
    assert "chain rule through ŷ" in out and "∂ŷ/∂w = x⋅(1 - σ(b + w⋅x))⋅σ(b + w⋅x)" in out
    assert out.rstrip().splitlines()[-1].startswith("  ∂L/∂w = x⋅(σ(b + w⋅x) - y)")
    assert main(["derive", "--model", "logistic", "--loss", "bce", "--param", "w", "--steps", "--latex"]) == 0
    tex = capsys.readouterr().out
    assert "chain rule" in tex and r"\sigma" in tex


@pytest.mark.parametrize("text, column", [("w*x +", 6), ("w*x + ", 6), ("w*", 3), ("(w*x) -", 8), ("w*x", None)])
def test_an_expression_that_ends_too_early_points_past_its_end(text, column):
    from symloss import parse
    from symloss.errors import SymlossSyntaxError

    if column is None:
        parse(text)
        return
    with pytest.raises(SymlossSyntaxError) as info:
        parse(text)
    assert info.value.column == column and "ends too early" in str(info.value)
