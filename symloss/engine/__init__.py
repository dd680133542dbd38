"""Stage 3, the engine: proofs of claims, every step re-checked.

Sign engine and rules, z3 bridge, tactics, the pointwise prover, argmin,
relations, correlation, convexity, interval proofs, algebraic numbers, and
the :class:`~symloss.engine.verdict.Result` tactics return.  Never imports
:mod:`symloss.render`: objects print through :mod:`symloss.printing`.
"""
