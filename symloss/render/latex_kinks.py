r"""LaTeX for the convexity-across-kinks steps (:mod:`symloss.engine.kinks`)
and the indexed-parameter reduction (:mod:`symloss.engine.indexed`).

:class:`KinkPrinterMixin` is one of the mixins of
:class:`symloss.render.latex.SymlossLatexPrinter`; each method states the
step's fact and the rule in words, citing premises by line number.
"""

from __future__ import annotations

__all__ = ["KinkPrinterMixin"]


def _shape(step) -> str:
    return "concave" if step.concave else "convex"


class KinkPrinterMixin:
    """One ``_print_<Step>`` per step class of the kink and indexed modules."""

    def _print_MonotoneDerivative(self, step) -> str:
        v = self._m(step.var)
        why = ("the function is continuous in %s (each piecewise part agrees with its neighbour on the boundary) "
               "and its derivative %s is %s in %s, so on every smooth piece the second derivative has that sign "
               "and at every kink the left derivative is %s the right one" % (
                   v, self._m(step.first), "nonincreasing" if step.concave else "nondecreasing", v,
                   "at least" if step.concave else "at most"))
        return self.step_line(step, why)

    def _print_ConstantIn(self, step) -> str:
        return self.step_line(step, "%s does not occur in it, and a constant is convex and concave" % self._m(step.var))

    def _print_AffineIn(self, step) -> str:
        return self.step_line(step, "it is affine in %s, hence convex and concave" % self._m(step.var))

    def _print_ConvexSum(self, step) -> str:
        return self.step_line(step, "a sum of %s functions is %s" % (_shape(step), _shape(step)))

    def _print_ConvexScale(self, step) -> str:
        return self.step_line(step, "a factor free of %s with a proved sign times a convex or concave function"
                              % self._m(step.var))

    def _print_ConvexMax(self, step) -> str:
        head = "minimum" if step.concave else "maximum"
        return self.step_line(step, "the %s of %s functions is %s" % (head, _shape(step), _shape(step)))

    def _print_ConvexComposition(self, step) -> str:
        return self.step_line(step, "a %s function of one variable (absolute value, ReLU, exp, softplus, square "
                                    "or log) of an affine argument, or a monotone one of a %s argument"
                              % (_shape(step), _shape(step)))

    def _print_IndexedReduction(self, step) -> str:
        why = ("for each index $i$, $\\sum_j w_j x_j = w_i x_i + r$ with $r = \\sum_{j \\ne i} w_j x_j$ free of "
               "$w_i$ and ranging over all reals; the claim mentions the family only through $w_i$, $x_i$ and the "
               "sum, and its scalar form is proved for every real $r$ (that proof is re-checked under the same "
               "hypotheses)")
        return self.step_line(step, why, cite=False)
