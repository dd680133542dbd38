"""symloss: exact answers to "how does the loss relate to its gradient?".

Build a problem from a model and a loss, look at ∂L/∂θ, check a claim, and get
back a proof or an exact counterexample:

>>> import symloss
>>> p = symloss.problem(model="logistic", loss="bce")
>>> p.grad("w")
x*(-y + sigmoid(b + w*x))
>>> p.check("d(L, w) == x*(sigmoid(w*x + b) - y)").verdict
'proved'

Hypothesis strategies live in :mod:`symloss.strategies` (imported on demand,
like ``hypothesis.strategies``).
"""

from .catalogue import CATALOGUE, Catalogue, compatible
from .claims import parse_claim
from .decide import check_claim, decide
from .derive import is_zero
from .domains import SymbolTable, parse_domain
from .errors import (
    DomainError,
    InvalidArgument,
    ProofCheckError,
    SymlossError,
    SymlossSyntaxError,
    ToolMissing,
)
from .functions import derivative, relu, sigmoid, softplus
from .parser import parse
from .problem import Problem, problem
from .proof import check_proof
from .verdict import Counterexample, Evidence, Result

__version__ = "0.1.0"

__all__ = [
    "CATALOGUE",
    "Catalogue",
    "Counterexample",
    "DomainError",
    "Evidence",
    "InvalidArgument",
    "Problem",
    "ProofCheckError",
    "Result",
    "SymbolTable",
    "SymlossError",
    "SymlossSyntaxError",
    "ToolMissing",
    "check_claim",
    "check_proof",
    "compatible",
    "decide",
    "derivative",
    "is_zero",
    "parse",
    "parse_claim",
    "parse_domain",
    "problem",
    "relu",
    "sigmoid",
    "softplus",
]
