"""The README's examples are true: its ``>>>`` session runs as a doctest and
its Hypothesis example runs as a test."""

import doctest
import re
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_session_is_a_passing_doctest():
    failures, tried = doctest.testfile(str(README), module_relative=False,
                                       optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert tried >= 8 and failures == 0


def test_readme_hypothesis_example_runs():
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
    example = next(b for b in blocks if "from hypothesis import" in b)
    namespace: dict = {}
    exec(compile(example, "README.md", "exec"), namespace)  # our own README, not user input
    tests = [v for k, v in namespace.items() if k.startswith("test_") and callable(v)]
    assert tests
    for t in tests:
        t()
