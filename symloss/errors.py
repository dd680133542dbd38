"""Every exception symloss raises on purpose.

All of them derive from :class:`SymlossError`, so callers can catch one class.
Messages name the offending value (and, for text, its column) so that the
user can fix the input without reading our source.
"""

from __future__ import annotations

__all__ = [
    "SymlossError",
    "InvalidArgument",
    "SymlossSyntaxError",
    "DomainError",
    "ProofCheckError",
    "ToolMissing",
    "WorkerTimeout",
    "WorkerError",
]


class SymlossError(Exception):
    """Base class of every error symloss raises deliberately."""


class InvalidArgument(SymlossError, ValueError):
    """A Python-level argument is wrong (unknown model name, bad type, ...)."""


class SymlossSyntaxError(SymlossError, ValueError):
    """User text (an expression, a domain, a claim) could not be parsed.

    ``text`` is the whole input, ``column`` the 1-based column of the
    offending token (or ``None`` when the input as a whole is refused).
    """

    def __init__(self, message: str, text: str = "", column: int | None = None):
        self.message = message
        self.text = text
        self.column = column
        where = f" at column {column}" if column is not None else ""
        super().__init__(f"{message}{where}" if "at column" not in message else message)

    def __reduce__(self):  # survive the trip back from a worker process intact
        return (type(self), (self.message, self.text, self.column))


class DomainError(SymlossError, ValueError):
    """A domain string is malformed, or a value lies outside its domain."""


class ProofCheckError(SymlossError):
    """A proof object failed its independent re-check.

    Raised by :func:`symloss.calculus.proof.check_proof`; the prover turns it into an
    ``unknown`` verdict, never into ``proved``.
    """


class ToolMissing(SymlossError, RuntimeError):
    """An external program (``pdflatex``) is needed but not installed."""


class WorkerTimeout(SymlossError, TimeoutError):
    """A computation run in a worker process hit its hard time limit; the
    worker was killed."""


class WorkerError(SymlossError, RuntimeError):
    """A worker process crashed, or raised an exception that could not be
    sent back."""
