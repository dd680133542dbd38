"""Assertions for test suites: check a claim and fail with everything a
reader needs.

A :class:`~symloss.engine.verdict.Result` has three verdicts and no truth value
(``assert p.check(...)`` raises ``TypeError`` rather than passing for a
refuted claim).  These helpers decide the claim with
:meth:`~symloss.problem.Problem.check` and raise ``AssertionError`` whose
message carries the verdict, the reason, the exact counterexample (as text
and as the JSON form) and, when a refutation was expected but the claim was
proved, the proof's steps.  Each returns the :class:`Result` on success.

>>> import symloss
>>> from symloss.testing import assert_proved, assert_refuted
>>> p = symloss.problem(model="linear", loss="squared")
>>> assert_proved(p, "d(L, w, 2) >= 0").verdict
'proved'
>>> r = assert_refuted(p, "L > 0")            # at a zero residual
>>> r.verdict, sorted(r.counterexample.to_json())
('refuted', ['b', 'w', 'x', 'y'])

Keyword arguments (``assume``, ``timeout``, ``hard``) go to
:meth:`~symloss.problem.Problem.check`.
"""

from __future__ import annotations

from typing import Any

from .errors import InvalidArgument

__all__ = ["assert_proved", "assert_refuted", "assert_not_refuted", "assert_claim_holds", "describe"]


def _proof_lines(step, depth: int = 0, limit: int = 40) -> list[str]:
    """The proof tree, one step a line (rule name and fact), indented by depth."""
    from .render.pretty import one_line

    lines: list[str] = []
    stack = [(step, depth)]
    while stack and len(lines) < limit:
        s, d = stack.pop()
        try:
            fact = one_line(s.fact)
        except Exception:  # a fact the printer cannot render: its plain form
            fact = str(getattr(s, "fact", "?"))
        lines.append(f"{'  ' * d}- {type(s).__name__}: {fact}")
        stack.extend((p, d + 1) for p in reversed(s.premises()))
    if stack:
        lines.append(f"{'  ' * depth}  ... ({len(stack)} more steps)")
    return lines


def describe(result) -> str:
    """Everything about a result in a few lines: the claim, the verdict with
    its method and time, the reason, the counterexample (description and
    JSON) or the proof's steps, and the evidence.

    >>> from symloss.engine.verdict import Result
    >>> print(describe(Result("unknown", "L >= 0", reason="no tactic applied", method="sampling")))
    claim: L >= 0
    verdict: unknown (by sampling in 0.00s)
    reason: no tactic applied
    """
    how = f"by {result.method} " if result.method else ""
    lines = [f"claim: {result.claim_text}", f"verdict: {result.verdict} ({how}in {result.seconds:.2f}s)"]
    if result.reason:
        lines.append(f"reason: {result.reason}")
    if result.counterexample is not None:
        lines.append(f"counterexample: {result.counterexample.describe()}")
        lines.append(f"counterexample (exact values): {result.counterexample.to_json()}")
    if result.proof is not None:
        lines.append("proof:")
        lines.extend("  " + line for line in _proof_lines(result.proof))
    summary = result.evidence.summary() if result.evidence is not None else ""
    if summary:
        lines.append(f"evidence: {summary}")
    return "\n".join(lines)


def _check(problem, claim: str, kw: dict):
    if not hasattr(problem, "check"):
        raise InvalidArgument(
            f"expected a Problem (symloss.problem(...)), got {type(problem).__name__}: {problem!r}")
    return problem.check(claim, **kw)


def _fail(expected: str, result) -> AssertionError:
    return AssertionError(f"expected {expected}, got {result.verdict}\n{describe(result)}")


def assert_proved(problem, claim: str, **kw: Any):
    """Check ``claim`` about ``problem``; fail unless it is proved.

    >>> import symloss
    >>> p = symloss.problem(model="linear", loss="squared")
    >>> assert_proved(p, "L > 0")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AssertionError: expected proved, got refuted
    claim: L > 0
    verdict: refuted (by exact counterexample ...)
    reason: ...
    counterexample: b = ..., w = ..., x = ..., y = ...: the claim is false here: ...
    counterexample (exact values): {'b': ..., 'w': ..., 'x': ..., 'y': ...}
    evidence: ...
    """
    result = _check(problem, claim, kw)
    if result.verdict != "proved":
        raise _fail("proved", result)
    return result


def assert_refuted(problem, claim: str, **kw: Any):
    """Check ``claim`` about ``problem``; fail unless it is refuted (the
    message then shows the proof, or why the claim stayed unknown).

    >>> import symloss
    >>> p = symloss.problem(model="linear", loss="squared")
    >>> assert_refuted(p, "d(L, w, 2) >= 0")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AssertionError: expected refuted, got proved
    claim: d(L, w, 2) >= 0
    ...
    proof:
    ...
    """
    result = _check(problem, claim, kw)
    if result.verdict != "refuted":
        raise _fail("refuted", result)
    return result


def assert_not_refuted(problem, claim: str, **kw: Any):
    """Check ``claim`` about ``problem``; fail only when it is refuted (a
    proof or an ``unknown`` passes), with the exact counterexample.

    >>> import symloss
    >>> p = symloss.problem(model="logistic", loss="bce")
    >>> assert_not_refuted(p, "d(L, w) == x*(sigmoid(w*x + b) - y)").verdict
    'proved'
    """
    result = _check(problem, claim, kw)
    if result.verdict == "refuted":
        raise _fail("not refuted", result)
    return result


def assert_claim_holds(problem, claim: str, assume=(), **kw: Any):
    """:func:`assert_not_refuted` under the assumptions ``assume``: the
    assertion for property-based tests, where a drawn problem and claim may
    be beyond what the prover decides (``unknown`` passes) but an exact
    counterexample must fail the test, with its values in the message.

    >>> import symloss
    >>> p = symloss.problem(model="linear", loss="squared")
    >>> assert_claim_holds(p, "sign(d(L, w)) == sign(w - argmin(L, w))", assume=["x != 0"]).verdict
    'proved'
    >>> assert_claim_holds(p, "d(L, w) > 0", assume=["x > 0"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AssertionError: expected not refuted, got refuted
    ...
    """
    return assert_not_refuted(problem, claim, assume=assume, **kw)
