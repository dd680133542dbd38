"""Stage 1, the language: text to SymPy expressions.

The vocabulary and its kink conventions (:mod:`.functions`), the trusted
kernel that builds nodes and decides closed numbers (:mod:`.kernel`), the
whitelisting parser (:mod:`.parser`), domains and symbol tables
(:mod:`.domains`), names (:mod:`.names`).  Imports nothing above it.
"""
