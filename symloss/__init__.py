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

import importlib
import sys
import types

#: Where each public name lives.  Nothing is imported until a name is first
#: used (PEP 562), so ``symloss --help`` starts without SymPy, NumPy or z3.
_EXPORTS = {
    "CATALOGUE": "calculus.catalogue",
    "Catalogue": "calculus.catalogue",
    "compatible": "calculus.catalogue",
    "parse_claim": "calculus.claims",
    "check_claim": "decide",
    "decide": "decide",
    "is_zero": "calculus.derive",
    "explore": "explore",
    "SymbolTable": "language.domains",
    "parse_domain": "language.domains",
    "DomainError": "errors",
    "InvalidArgument": "errors",
    "ProofCheckError": "errors",
    "SymlossError": "errors",
    "SymlossSyntaxError": "errors",
    "ToolMissing": "errors",
    "derivative": "language.functions",
    "relu": "language.functions",
    "sigmoid": "language.functions",
    "softplus": "language.functions",
    "parse": "language.parser",
    "Problem": "problem",
    "problem": "problem",
    "check_proof": "calculus.proof",
    "Counterexample": "engine.verdict",
    "Evidence": "engine.verdict",
    "Result": "engine.verdict",
}


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'symloss' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))


class _Package(types.ModuleType):
    """The package's module type.  Importing the submodule ``symloss.problem``
    (or ``symloss.decide``) makes Python bind it as an attribute of the
    package; this keeps the public *function* of the same name there instead,
    as the eager imports did before the package became lazy."""

    def __setattr__(self, name, value):
        if isinstance(value, types.ModuleType) and _EXPORTS.get(name) == name:
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package

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
    "explore",
    "is_zero",
    "parse",
    "parse_claim",
    "parse_domain",
    "problem",
    "relu",
    "sigmoid",
    "softplus",
]
