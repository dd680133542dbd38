"""Finite domains where an expression is defined at some points only for some values of the other symbols.

Adversarial round 4 found 15 false claims proved: over w in {1, 2} with E = log(w - a), a point's
definedness (1 - a > 0) was handed to the prover inside the statement, which assumes every
sub-expression defined, so it held for the whole claim instead of that point alone.  Each file in
tests/data/round4 is a false claim (truth argued in its comment); it must never be proved, and the
refuter finds an exact counterexample for each.
"""

from pathlib import Path

import pytest

from symloss.batch import check_specs
from symloss.conjectures import load_all

FILES = sorted((Path(__file__).parent / "data" / "round4").glob("*.toml"))


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_false_claim_over_a_partly_defined_finite_domain_is_refuted(path):
    specs = load_all([path])
    [result] = check_specs(specs, timeout=30, jobs=1)
    assert result.verdict == "refuted", (path.name, result.verdict, result.reason)
