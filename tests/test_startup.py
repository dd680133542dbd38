"""Start-up: the command line's help and the package import stay light.

Heavy libraries (SymPy, NumPy, z3) load only when a subcommand or a public
name needs them; speed itself is measured by benchmarks/run.py, not here.
"""

import subprocess
import sys

import pytest

HEAVY = ("sympy", "numpy", "z3", "mpmath", "hypothesis", "dask", "distributed")

_PROBE = """
import sys
{body}
heavy = [m for m in {heavy!r} if m in sys.modules]
print("HEAVY:" + ",".join(heavy))
"""


def _loaded(body: str) -> list[str]:
    out = subprocess.run([sys.executable, "-c", _PROBE.format(body=body, heavy=HEAVY)],
                         capture_output=True, text=True, check=True)
    line = [l for l in out.stdout.splitlines() if l.startswith("HEAVY:")][-1]
    return [m for m in line[len("HEAVY:"):].split(",") if m]


@pytest.mark.parametrize("body", [
    "import symloss",
    "import symloss.cli",
    "from symloss.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass",
    "from symloss.cli import main\ntry:\n    main([])\nexcept SystemExit:\n    pass",
    "from symloss.errors import SymlossError",
    "import symloss.sweep",  # the Dask executor loads Dask only when a scheduler or client is used
])
def test_nothing_heavy_is_imported(body):
    assert _loaded(body) == []


def test_a_public_name_loads_on_first_use():
    assert "sympy" in _loaded("import symloss\nsymloss.problem")


@pytest.mark.parametrize("name", ["problem", "decide", "explore"])
def test_function_named_like_its_module_stays_the_function(name):
    # importing the submodule binds it on the package; the public function must win
    body = f"import symloss, symloss.{name}\nassert callable(symloss.{name}) and not hasattr(symloss.{name}, '__path__')\n" \
           f"import types\nassert not isinstance(symloss.{name}, types.ModuleType)"
    _loaded(body)


def test_every_public_name_resolves():
    import symloss

    for name in symloss.__all__:
        assert getattr(symloss, name) is not None, name


def test_help_lists_every_subcommand():
    from symloss.cli import SUBCOMMANDS

    out = subprocess.run([sys.executable, "-m", "symloss", "--help"], capture_output=True, text=True)
    assert out.returncode == 0
    for name, line in SUBCOMMANDS.items():
        assert name in out.stdout


def test_unknown_attribute_is_an_attribute_error():
    import symloss

    with pytest.raises(AttributeError, match="no attribute 'nonsense'"):
        symloss.nonsense  # noqa: B018
