r"""LaTeX for the convexity-across-kinks steps (:mod:`symloss.engine.kinks`),
the mean of convex terms (:mod:`symloss.engine.mean_convex`) and the
indexed-parameter reduction (:mod:`symloss.engine.indexed`).

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

    def _print_ConvexTermSum(self, step) -> str:
        v = self._m(step.var)
        copies = [", ".join("%s \\to %s" % (self.doprint(a), self.doprint(b)) for a, b in ren if a != b)
                  for ren in step.renamings]
        copies = [c for c in copies if c]
        why = ("the function is the sum of %d terms, one per sample: sample 1's term %s, which is %s in %s %s, and "
               "its copies with the sample's symbols renamed (%s); each copy is %s in %s wherever the renamed "
               "hypotheses hold, which are hypotheses of the claim, and a sum of %s functions is %s" % (
                   len(step.renamings), self._m(step.term), _shape(step), v, self.ref(step.premise) or "",
                   "; ".join("$%s$" % c for c in copies), _shape(step), v, _shape(step), _shape(step)))
        return self.step_line(step, why, cite=False)

    def _print_ConvexMeanOverN(self, step) -> str:
        v = self._m(step.var)
        names = ", ".join("%s \\mapsto %s" % (self.doprint(e), self.doprint(g)) for g, e in step.entries)
        why = ("each term of the sum is the term %s of one sample (with $%s$), which is %s in %s for every value of "
               "the sample's data %s from hypotheses that hold for every sample; a sum of finitely many %s functions "
               "is %s, and so is a positive multiple of one, for every number of samples $n \\ge 1$" % (
                   self._m(step.term), names, _shape(step), v, self.ref(step.premise) or "", _shape(step),
                   _shape(step)))
        return self.step_line(step, why, cite=False)

    def _print_SumAbstraction(self, step) -> str:
        parts = []
        for a, s in step.splits.names:
            parts.append("$%s = %s$" % (self.doprint(s), self.doprint(a)))
        why = ("each sum over the samples splits by linearity into the parameters' monomials times sums of the data "
               "alone (%s); the claim with each data sum a real variable holds for every real value of those "
               "variables, under the translated hypotheses and the data sums' proved signs (that proof is re-checked), "
               "so it holds at the actual sums, for every number of samples" % ", ".join(parts))
        return self.step_line(step, why, cite=False)
