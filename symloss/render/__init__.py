"""Printing, kept apart from the engine: plain text, LaTeX for expressions,
proof steps, write-ups and documents.  Imports the stages below it; only the
top level and the interfaces import it (lower stages reach it through
:mod:`symloss.printing`).
"""
