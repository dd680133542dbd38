"""Strict lower-bound minimisers of kinked and piecewise functions.

``argmin(E, v) = c`` for a closed ``c`` when ``E`` depends on ``v`` alone:
the candidate ``c`` comes from the kink / piece analysis of
:func:`symloss.engine.minimisers.argmin_status`, and z3 proves
``E(u) > E(c)`` for every real ``u ≠ c`` (:class:`StrictMinimum`, re-checked).
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from ..calculus.proof import Step

__all__ = ["StrictMinimum", "strict_minimum"]


@dataclass(frozen=True)
class StrictMinimum(Step):
    """``argmin(E, v) = c`` for a closed number ``c`` because
    ``proof`` shows ``E(u) > E(c)`` for every real ``u ≠ c`` (a strict
    global lower bound, e.g. by z3, which translates ``Piecewise``/``where``,
    ``abs``, ``max`` and ``relu`` exactly); ``E`` mentions no symbol but
    ``v`` and is defined everywhere."""

    term: sp.Basic
    root: sp.Expr
    dummy: sp.Symbol
    proof: Step

    @property
    def fact(self) -> sp.Basic:
        return sp.Eq(self.term, self.root, evaluate=False)

    def verify(self) -> None:
        from ..language.functions import definedness_conditions

        e, v = self.term.args
        u = self.dummy
        if e.free_symbols != {v} or self.root.free_symbols or definedness_conditions(e):
            raise self.fail(f"{e} must be defined everywhere and depend on {v} alone; {self.root} closed")
        if not (isinstance(u, sp.Symbol) and u.is_real and u not in e.free_symbols):
            raise self.fail("the bound variable must be a fresh real symbol")
        eu = e.xreplace({v: u})
        want = sp.Implies(sp.Ne(u, self.root, evaluate=False),
                          sp.StrictGreaterThan(eu, e.xreplace({v: self.root}), evaluate=False), evaluate=False)
        if self.proof.fact != want:
            raise self.fail(f"the proof shows {self.proof.fact}, expected {want}")


def strict_minimum(term, deadline: float | None = None) -> StrictMinimum | None:
    """A :class:`StrictMinimum` step: the candidate from the kink /
    piece analysis of :func:`symloss.engine.minimisers.argmin_status`, the
    strict lower bound proved by z3 (re-checked)."""
    import time

    from .minimisers import argmin_status
    from ..calculus.proof import check_proof
    from .z3bridge import decide as z3_decide

    e, v = term.args
    if e.free_symbols != {v}:
        return None
    status = argmin_status(e, v, deadline)
    if status is None or status[0] != "unique" or not status[1].is_Rational:
        return None
    c = status[1]
    u = sp.Dummy(v.name, real=True)
    want = sp.Implies(sp.Ne(u, c, evaluate=False),
                      sp.StrictGreaterThan(e.xreplace({v: u}), e.xreplace({v: c}), evaluate=False), evaluate=False)
    left = 2.0 if deadline is None else min(2.0, deadline - time.monotonic())
    if left < 0.1:
        return None
    try:
        d = z3_decide(want, [], timeout_ms=int(left * 1000))
        if d.status != "proved":
            return None
        step = StrictMinimum(term, c, u, d.step)
        check_proof(step, set())
    except Exception:  # noqa: BLE001 - z3 errors, ProofCheckError: nothing proved
        return None
    return step
