"""symloss: exact answers to "how does the loss relate to its gradient?".

Build a problem from a model and a loss, look at ∂L/∂θ, check a claim, and get
back a proof or an exact counterexample.
"""

from .errors import (
    DomainError,
    InvalidArgument,
    ProofCheckError,
    SymlossError,
    SymlossSyntaxError,
    ToolMissing,
)
from .functions import relu, sigmoid, softplus

__version__ = "0.1.0"

__all__ = [
    "DomainError",
    "InvalidArgument",
    "ProofCheckError",
    "SymlossError",
    "SymlossSyntaxError",
    "ToolMissing",
    "relu",
    "sigmoid",
    "softplus",
]
