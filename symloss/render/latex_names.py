r"""LaTeX for the proof steps of issue #18's minimisers: the derivative of a
minimiser from its closed form (:class:`~symloss.engine.argmin_closed.SlopeOfMinimiser`),
a premise whose minimiser is missing where the conclusion fails
(:class:`~symloss.engine.argmin_closed.MissingWhereConclusionFails`), and
minimisers over an interval where the function is defined only there
(:mod:`symloss.engine.argmin_interval`).

:class:`NamePrinterMixin` is one of the mixins of
:class:`symloss.render.latex.SymlossLatexPrinter`; like the others it states
the fact and its justification in words (``step_line``, ``ref``, ``_m``).
"""

from __future__ import annotations

import sympy as sp

__all__ = ["NamePrinterMixin"]


class NamePrinterMixin:
    """Printers of the steps of :mod:`symloss.engine.argmin_closed` and
    :mod:`symloss.engine.argmin_interval`."""

    def _print_SlopeOfMinimiser(self, step) -> str:
        r, a = step.slope.closed_form()
        term = step.slope.term
        ref = self.ref(step.positive)
        why = ("%s is a quadratic in %s whose leading coefficient %s is positive%s, so its unique minimiser is "
               "%s on a neighbourhood, and the derivative of the minimiser is the derivative of that closed form"
               % (self._m(term.expr), self._m(term.var), self._m(a), (" " + ref) if ref else "", self._m(r)))
        return self.step_line(step, why, cite=False)

    def _print_MissingWhereConclusionFails(self, step) -> str:
        t = step.term
        why = ("where the conclusion fails, %s no longer depends on %s, so every %s minimises it and there is no "
               "unique minimiser: the premise, which needs one, is false there"
               % (self._m(t.expr), self._m(t.var), self._m(t.var)))
        return self.step_line(step, why)

    def _print_MinimiserOnInterval(self, step) -> str:
        term = step.term
        why = ("on %s the derivative in %s is %s times %s, the first factor positive %s and the second strictly "
               "increasing %s with its root %s in the domain, so %s is the unique minimiser there"
               % (self._m(term.range), self._m(term.var), self._m(step.ratio), self._m(step.core),
                  self.ref(step.positive.proof) or "", self.ref(step.increasing.proof) or "",
                  self._m(step.root), self._m(step.root)))
        return self.step_line(step, why)

    def _print_MonotoneToEnd(self, step) -> str:
        term = step.term
        rel = getattr(step.monotone.proof, "fact", None)
        way = "increasing" if isinstance(rel, sp.StrictGreaterThan) else "decreasing"
        why = ("%s is strictly %s on %s %s, so its closed end %s is the unique minimiser there"
               % (self._m(term.expr), way, self._m(term.range), self.ref(step.monotone.proof) or "",
                  self._m(step.end)))
        return self.step_line(step, why)
