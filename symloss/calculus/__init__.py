"""Stage 2, the calculus: expressions to derivatives and claims about them.

Proof-step base classes (:mod:`.proof`; derivation steps are steps too), named
models and losses (:mod:`.catalogue`), closed-form gradients
(:mod:`.derive`), the claim language (:mod:`.claims`) and exact truth at a
point (:mod:`.exact`).  Imports only :mod:`symloss.language` (and errors).
"""
