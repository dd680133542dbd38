"""Every package that the tests, the doctests and the README import is
declared in pyproject.toml, so that the README's two commands pass on a
machine that has only Python (an undeclared SciPy once broke collection
there while the CI machine's system Python hid it); and .ci/run installs
into a fresh virtual environment, so that CI catches the next one."""

import ast
import re
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())

#: import name → distribution name where the two differ
DISTRIBUTION = {"z3": "z3-solver"}


def _requirement_name(req: str) -> str:
    return re.match(r"[A-Za-z0-9_.\-]+", req).group(0).lower().replace("_", "-")


def _declared(extras=("test",)) -> set:
    project = PYPROJECT["project"]
    reqs = list(project["dependencies"])
    extras = list(extras)
    while extras:
        for req in project["optional-dependencies"][extras.pop()]:
            own = re.fullmatch(r"symloss\[([\w,\s-]+)\]", req.strip())
            if own:  # an extra that includes another of ours: symloss[dask]
                extras += [e.strip() for e in own.group(1).split(",")]
            else:
                reqs.append(req)
    return {_requirement_name(r) for r in reqs}


def _imports_of_source(source: str) -> set:
    out = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            out |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            out.add(node.module.split(".")[0])
    return out


def _readme_imports() -> set:
    text = (ROOT / "README.md").read_text()
    out = set()
    for block in re.findall(r"```python\n(.*?)```", text, flags=re.S):
        lines = [l[4:] if l.startswith((">>> ", "... ")) else l for l in block.splitlines()]
        code = "\n".join(l for l in lines if re.match(r"\s*(import|from)\s", l))
        out |= _imports_of_source(code)
    return out


def _third_party(names: set) -> set:
    local = {p.stem for p in (ROOT / "tests").glob("*.py")} | {"symloss", "tests"}
    return {n for n in names if n not in sys.stdlib_module_names and n not in local}


def _all_imports() -> dict:
    """import name → first file importing it, over tests/, symloss/ (whose
    doctests pytest collects) and the README's examples."""
    found: dict = {}
    for folder in ("tests", "symloss"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for name in _third_party(_imports_of_source(path.read_text())):
                found.setdefault(name, str(path.relative_to(ROOT)))
    for name in _third_party(_readme_imports()):
        found.setdefault(name, "README.md")
    return found


def test_the_scan_sees_the_imports_we_know_of():
    found = _all_imports()
    assert {"sympy", "numpy", "mpmath", "hypothesis", "pytest", "z3"} <= set(found)


@pytest.mark.parametrize("name", sorted(_all_imports()))
def test_every_imported_package_is_declared(name):
    dist = DISTRIBUTION.get(name, name).lower()
    assert dist in _declared(), (
        f"{_all_imports()[name]} imports {name!r}, which pyproject.toml does not declare "
        f"(add {dist!r} to the dependencies or the [test] extra)")


def test_the_engine_needs_no_test_only_package():
    engine = set()
    for path in (ROOT / "symloss").rglob("*.py"):
        engine |= _third_party(_imports_of_source(path.read_text()))
    runtime = _declared(extras=("dask",))  # sweep.py imports Dask only for --scheduler: an optional extra
    # strategies.py is the documented Hypothesis integration: Hypothesis is a runtime dependency
    assert {DISTRIBUTION.get(n, n).lower() for n in engine} <= runtime


def test_scipy_is_not_needed():
    assert "scipy" not in _all_imports()


def test_pins_are_lower_bounds_only():
    project = PYPROJECT["project"]
    reqs = list(project["dependencies"]) + [r for rs in project["optional-dependencies"].values() for r in rs]
    for req in reqs:
        assert not re.search(r"==|<|~=", req), f"{req!r} pins tighter than needed"


CI = (ROOT / ".ci" / "run").read_text()


def _readme_commands() -> list:
    block = re.search(r"```sh\n(.*?)```", (ROOT / "README.md").read_text(), flags=re.S).group(1)
    return [l.strip() for l in block.splitlines() if l.strip()]


def test_readme_starts_with_install_and_pytest():
    assert _readme_commands() == ['pip install -e ".[test]" && symloss check proofs/', "pytest"]


def test_ci_runs_the_readme_commands_in_a_fresh_virtual_environment():
    assert {".venv-ci", ".venv-ci/", "/.venv-ci/"} & set((ROOT / ".gitignore").read_text().split())
    lines = [l.strip() for l in CI.splitlines()]
    venv = lines.index("python3 -m venv .venv-ci")
    assert "--system-site-packages" not in CI
    activate = lines.index("source .venv-ci/bin/activate")
    assert venv < activate
    for command in _readme_commands():
        # each README command runs verbatim after the activation (first word of a line)
        at = [i for i, l in enumerate(lines) if l == command or l.startswith(command + " ")]
        assert at and min(at) > activate, command


def test_ci_fails_when_pytest_collects_nothing():
    # pytest exits 5 when it collected no test: CI must fail then, not pass silently
    assert "|| true" not in CI
    assert re.search(r'"\$status" -eq 5 \]; then\n[^\n]*\n\s*exit 1', CI)
