"""Stage 4, refutation: candidate counterexamples (sampling, z3 models,
Hypothesis, exact scans) re-evaluated exactly, and the fast numeric path.
May use the engine (sign proofs check candidate regions); the engine does not
use it.
"""
