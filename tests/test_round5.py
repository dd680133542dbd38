"""Adversarial round 5: 21 wrong verdicts, one test per claim file in tests/data/round5.

Three defects (truth argued in each file's first comment, at 50 digits):

* ``cp_*``: convexity was proved from a one-signed second derivative where the function is defined,
  although the admissible values have a hole (``1/w**2``); each claim is false by an exact Jensen
  violation, and must come back refuted (never proved).
* ``ce_*``: a correlation was proved by Chebyshev's inequality although a side is unbounded at an
  edge of the support (``1/w`` on ``uniform(0, 1)`` with ``w`` positive): the correlation does not
  exist, so the claim must not be proved.
* ``pp_*``: ``(w**t)**2`` was refuted at ``w = -1, t = 1/2``: SymPy rewrites it to ``w**(2*t)``, real
  there, where ``w**t`` is not; a real exponent now needs a nonnegative base.  The claims are true.
"""

from pathlib import Path

import pytest

import symloss
from symloss.batch import check_specs
from symloss.conjectures import load_all
from symloss.errors import SymlossError

FILES = sorted((Path(__file__).parent / "data" / "round5").glob("*.toml"))


def _truth(path: Path) -> bool:
    first = path.read_text().splitlines()[0]
    assert first.startswith("# adversarial round 5: truth "), first
    return first.split()[5] == "true"


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_round5_claim_gets_no_wrong_verdict(path):
    [result] = check_specs(load_all([path]), timeout=30, jobs=1)
    if _truth(path):
        assert result.verdict != "refuted", (path.name, result.reason)
    else:
        assert result.verdict != "proved", (path.name, result.reason)
        if path.stem.startswith("cp_"):
            assert result.verdict == "refuted", (path.name, result.reason)  # an exact Jensen triple exists


def test_a_real_power_of_a_negative_variable_is_bad_input():
    with pytest.raises(SymlossError, match="declared domains exclude"):
        symloss.problem(loss="w**t", params=["w"], vars={"w": "negative", "t": "real"})


def test_a_negative_base_with_an_integer_exponent_stays_defined():
    p = symloss.problem(loss="w**k", params=["w"], vars={"k": "integer"})
    r = p.check("L**2 >= 0", timeout=20)
    assert r.verdict != "refuted", r.reason
    r = p.check("L >= 0", timeout=20)   # false at w = -1, k = 1
    assert r.verdict == "refuted", r.reason
    assert symloss.problem(loss="w**t", params=["w"], vars={"t": "real"}).check("L >= 0", timeout=20).verdict != "refuted"


# adversarial round 6: at(L, w=argmin(L, w)) over a declared domain was refused as "infinity is a
# limit" (the minimiser carries its range Interval(0, oo)) and as "not known to lie in the domain".
@pytest.mark.parametrize("loss, model, vars, claim, verdict", [
    ("(yhat + 1/2)**2/2 + w**2/2", "tanh(w)", {"w": "nonnegative"}, "at(L, w=argmin(L, w)) == 1/8", "proved"),
    ("(yhat + 1/2)**2/2 + w**2/2", "tanh(w)", {"w": "nonnegative"}, "at(L, w=argmin(L, w)) == 1/7", "refuted"),
    ("(w - 2)**2", None, {"w": "positive"}, "at(L, w=argmin(L, w)) == 0", "proved"),
    ("(w + 2)**2", None, {"w": "positive"}, "at(L, w=argmin(L, w)) >= 4", "refuted"),  # no minimiser on w > 0
])
def test_value_at_a_minimiser_over_a_declared_domain(loss, model, vars, claim, verdict):
    kw = {"model": model} if model else {}
    r = symloss.problem(loss=loss, params=["w"], vars=vars, **kw).check(claim, timeout=20)
    assert r.verdict == verdict, r.reason


# adversarial round 6: a batch size named pi or E shadowed the constant (pi*L >= 3*L refuted "at pi = 1");
# i, L and d were accepted too.  Constants are refused as any symbol's name; claim words as a batch size.
@pytest.mark.parametrize("samples", ["pi", "E", "i", "L", "d", "yhat", "argmin", "exp", "oo"])
def test_a_batch_size_may_not_take_a_word_of_the_claim_language(samples):
    with pytest.raises(SymlossError, match=repr(samples)):
        symloss.problem("linear", "squared", samples=samples)


@pytest.mark.parametrize("name", ["pi", "E", "oo", "inf", "nan", "zoo"])
def test_a_variable_may_not_shadow_a_constant(name):
    with pytest.raises(SymlossError, match="constant of the claim language"):
        symloss.problem(loss="w**2", params=["w"], vars={name: "real"})


def test_the_reserved_batch_words_cover_the_claim_builtins():
    from symloss.calculus.claims_builtins import claim_builtins
    from symloss.calculus.dataset import _CLAIM_WORDS
    from symloss.language.functions import VOCABULARY

    builtins = set(claim_builtins(symloss.problem("linear", "squared")))
    assert builtins | set(VOCABULARY) | {"L", "yhat"} <= _CLAIM_WORDS
