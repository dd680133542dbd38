"""The benchmark conjectures (benchmarks/conjectures/) stay well-formed.

Every claim states its truth in ``expect`` (proved = true, refuted = false)
and parses; the benchmark itself (benchmarks/run.py) measures, this only
keeps the set from rotting.
"""

from pathlib import Path

import pytest

from symloss.conjectures import load_all, prepare

ROOT = Path(__file__).resolve().parent.parent
SPECS = load_all([ROOT / "benchmarks" / "conjectures"])


def test_the_set_is_large_enough():
    assert len(SPECS) >= 80


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.label.split("/")[-1])
def test_claim_states_its_truth_and_parses(spec):
    assert spec.expect in ("proved", "refuted")
    prepare(spec)
