"""verdict.py: Result/Counterexample contracts (JSON, repr, read-back)."""

import json

import pytest
import sympy as sp

from symloss.errors import InvalidArgument
from symloss.language.parser import parse
from symloss.engine.verdict import Counterexample, Evidence, Result, value_text

w, x = sp.symbols("w x", real=True)
R = sp.Rational


@pytest.mark.parametrize("value", [
    R(-1, 2), sp.Integer(3), sp.sqrt(2), sp.log(3), sp.E, sp.exp(R(1, 2)), 1 + sp.sqrt(5) / 2, -sp.log(2) / 3,
])
def test_value_text_reads_back_exactly(value):
    text = value_text(value)
    assert parse(text) - value == 0
    assert sp.sympify(text) - value == 0  # SymPy reads it too (our own output, not user text)


@pytest.mark.parametrize("ce, expected", [
    (Counterexample({x: R(1, 2)}), {"x": "1/2"}),
    (Counterexample({x: 0}, pair=(w, -1, R(-1, 2))), {"x": "0", "w": ["-1", "-1/2"]}),
    (Counterexample({x: sp.sqrt(2), w: sp.log(3)}), {"w": "log(3)", "x": "sqrt(2)"}),
])
def test_counterexample_json(ce, expected):
    assert ce.to_json() == expected
    json.dumps(ce.to_json())


@pytest.mark.parametrize("verdict, method, seconds, expected", [
    ("proved", "sign proof", 0.214, "<proved: c by sign proof in 0.21s>"),
    ("unknown", "timeout", 10.0, "<unknown: c by timeout in 10.00s>"),
])
def test_result_repr(verdict, method, seconds, expected):
    assert repr(Result(verdict, "claim text", method=method, seconds=seconds, name="c")) == expected


def test_result_json_contract():
    ce = Counterexample({x: 1}, explanation="left side 1, right side 0")
    r = Result("refuted", "x > 1", counterexample=ce, reason="x = 1", method="exact counterexample",
               evidence=Evidence(("zero-equivalence",), 12), seconds=0.5)
    doc = json.loads(json.dumps(r.to_json()))
    assert doc["verdict"] == "refuted" and doc["counterexample"] == {"x": "1"}
    assert doc["seconds"] == 0.5 and doc["reason"] == "x = 1"
    assert "$" in r._repr_latex_() and "refuted" in r._repr_html_()


@pytest.mark.parametrize("kwargs", [dict(verdict="maybe"), dict(verdict="refuted")])
def test_result_rejects_bad_verdicts(kwargs):
    with pytest.raises(InvalidArgument):
        Result(claim="c", **kwargs)
