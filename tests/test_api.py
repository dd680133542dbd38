"""The public API is exactly what ``__all__`` documents, and every name in it
exists and is documented."""

import inspect

import pytest

import symloss

PUBLIC = {
    "CATALOGUE", "Catalogue", "Counterexample", "DomainError", "Evidence",
    "InvalidArgument", "Problem", "ProofCheckError", "Result", "SymbolTable",
    "SymlossError", "SymlossSyntaxError", "ToolMissing", "check_claim",
    "check_proof", "compatible", "decide", "derivative", "is_zero", "parse",
    "parse_claim", "parse_domain", "problem", "relu", "sigmoid", "softplus", "explore",
}


def test_all_is_the_documented_api():
    assert set(symloss.__all__) == PUBLIC
    assert len(symloss.__all__) == len(set(symloss.__all__))


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_public_name_exists_and_is_documented(name):
    obj = getattr(symloss, name)
    if inspect.isclass(obj) or inspect.isfunction(obj):
        assert inspect.getdoc(obj), f"{name} has no docstring"


@pytest.mark.parametrize("name", ["SymlossSyntaxError", "InvalidArgument", "DomainError",
                                  "ProofCheckError", "ToolMissing"])
def test_errors_share_one_base(name):
    assert issubclass(getattr(symloss, name), symloss.SymlossError)
