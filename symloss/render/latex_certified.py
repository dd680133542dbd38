r"""LaTeX for the certificate steps: certified interval covers
(:mod:`symloss.engine.interval`), identities through the normal form of ``|·|`` and
roots (:mod:`symloss.engine.absnormal`), claims made vacuous by a false closed
hypothesis (:mod:`symloss.decide`) and convexity from the second derivative
(:mod:`symloss.engine.convexity`).

:class:`CertificatePrinterMixin` is one of the mixins of
:class:`symloss.render.latex.SymlossLatexPrinter`; like the other step printers its
methods state the fact and the justification in words, citing premises by
line number (helpers from :class:`symloss.render.latex_steps.StepPrinterMixin`).
"""

from __future__ import annotations

from typing import Any

import sympy as sp

from .latex_steps import _math_block, join_words

__all__ = ["CertificatePrinterMixin", "MAX_TAILS"]

#: tails of an interval cover whose sub-proofs are written out (the others are counted)
MAX_TAILS = 4


def _interval_tex(lo: Any, hi: Any, printer: Any) -> str:
    if lo == -sp.oo and hi == sp.oo:
        return r"\mathbb{R}"
    left = r"\left(-\infty" if lo == -sp.oo else r"\left[%s" % printer.doprint(lo)
    right = r"\infty\right)" if hi == sp.oo else r"%s\right]" % printer.doprint(hi)
    return "%s, %s" % (left, right)


def _decimal(value: Any) -> str:
    r"""``\approx 4.248 \cdot 10^{-18}``: a closed real number's decimal value
    (for the reader only; no decision depends on it), or ``""``."""
    try:
        v = sp.N(value, 4)
    except (TypeError, ValueError, ArithmeticError):
        return ""
    if not isinstance(v, sp.Float):
        return ""
    f = float(v)
    if f == 0 or 1e-3 <= abs(f) < 1e4:
        return r"\approx %s" % ("%.4g" % f)
    m, e = ("%.3e" % f).split("e")
    return r"\approx %s \cdot 10^{%d}" % (m, int(e))


class CertificatePrinterMixin:
    """The certificate half of the proof-step printer."""

    def _print_IntervalCover(self, step) -> str:
        try:
            leaves = step.leaves()
        except (ValueError, TypeError):  # a malformed tree still renders through the generic form
            return self._print_Step(step)
        boxes = sum(1 for leaf, _ in leaves if leaf is None)
        region = join_words(["$%s \\in %s$" % (self.doprint(v), _interval_tex(lo, hi, self))
                             for v, (lo, hi) in zip(step.variables, step.box)])
        f = self._m(step.expr)
        word = {"> 0": "positive", ">= 0": "nonnegative", "< 0": "negative", "<= 0": "nonpositive"}.get(
            step.sign.value, "of the required sign")
        refine = (", refined by monotonicity and the mean-value form with derivatives up to order %d" % step.order
                  if step.order else "")
        why = ("the region %s allowed by the hypotheses is cut into %d box%s; on each, a rigorous enclosure of %s "
               "(outward-rounded interval arithmetic%s) is %s" % (
                   region, boxes, "" if boxes == 1 else "es", f, refine, word))
        tails = [t for t, _ in leaves if t is not None]
        rows = []
        for t in tails[:MAX_TAILS]:
            where = "$%s %s %s$" % (self.doprint(t.var), r"\geq" if t.side > 0 else r"\leq", self.doprint(t.at))
            if t.kind == "direct":
                rows.append(self.sub_proof(t.proof.proof, "For %s, directly:" % where))
            elif t.kind == "enclosed" or t.proof is None:
                rows.append("For %s: a rigorous enclosure of $\\partial/\\partial %s$ of the expression on the whole "
                            "unbounded slab shows it moves away from 0 further out, and on the face $%s = %s$ the "
                            "enclosures (a cover of its own) already have the required sign"
                            % (where, self.doprint(t.var), self.doprint(t.var), self.doprint(t.at)))
            else:
                head = ("For %s: at %s the enclosure already has the required sign, and the sign of the "
                        "derivative shown here keeps the expression moving away from 0 further out:" % (
                            where, "$%s = %s$" % (self.doprint(t.var), self.doprint(t.at))))
                rows.append(self.sub_proof(t.proof.proof, head))
                if t.defined is not None:
                    rows.append(self.sub_proof(t.defined.proof, "It is defined for %s:" % where))
        if tails:
            n = len(tails)
            why += "; the %s unbounded part%s beyond the boxes %s shown below" % (
                "one" if n == 1 else str(n), "" if n == 1 else "s", "is" if n == 1 else "are")
            if n > MAX_TAILS:
                why += " (the first %d written out)" % MAX_TAILS
        return self.step_line(step, why) + self._items(rows)

    def _print_AbsIdentity(self, step) -> str:
        return self.step_line(step, r"the difference of the two sides rewrites to 0 once absolute values and roots "
                              r"are put in normal form ($\left|a b\right| = \left|a\right| \left|b\right|$, "
                              r"$\left|a^{n}\right| = \left|a\right|^{n}$, $\sqrt{a^{2}} = \left|a\right|$ and "
                              r"$\left|a\right|^{2k} = a^{2k}$ for real $a$), wherever both sides are defined")

    def _print_FalseHypothesis(self, step) -> str:
        h = step.hypothesis.fact
        ref = self.ref(step.hypothesis)
        if h is sp.false or h is False:
            why = ("a hypothesis of the claim%s is false as written (it reduces to False); no point satisfies it, so "
                   "the claim holds vacuously" % ((" " + ref) if ref else ""))
            return self.step_line(step, why, cite=False)
        detail = ""
        if isinstance(h, sp.core.relational.Relational):
            approx = _decimal(sp.Add(h.lhs, -h.rhs, evaluate=False))
            if approx:
                detail = " (its left side minus its right side is $%s$)" % approx
        why = ("the hypothesis %s%s is a closed statement that exact evaluation shows to be false%s; "
               "no point satisfies it, so the claim holds vacuously" % (
                   self._m(h), (" " + ref) if ref else "", detail))
        return self.step_line(step, why, cite=False)

    def _print_SmoothConvexity(self, step) -> str:
        v = self._m(step.var)
        rel = sp.LessThan if step.concave else sp.GreaterThan
        ref = self.ref(step.premise)
        why = ("no kink (absolute value, max, min, ReLU, step or piecewise term) depends on %s, so the function is "
               "twice differentiable in %s; its second derivative satisfies %s%s, and a function whose second "
               "derivative is %s on an interval is %s there" % (
                   v, v, _math_block(rel(step.second, 0, evaluate=False), printer=self, inline_ok=True), (" by " + ref) if ref else "",
                   "nonpositive" if step.concave else "nonnegative", "concave" if step.concave else "convex"))
        if self.ref(step.domain):
            why += "; the admissible values of %s form an interval by %s" % (v, self.ref(step.domain))
        return self.step_line(step, why, cite=False)

    def _print_IntervalAlong(self, step) -> str:
        v = self._m(step.var)
        if not step.conditions:
            return r"No condition restricts %s: it ranges over all of $\mathbb{R}$, an interval" % v
        reasons = []
        concave = {c: s for c, s in step.concave}
        implied = {c: s for c, s in step.implied}
        for c in step.conditions:
            if c in concave:
                ref = self.ref(concave[c])
                reasons.append("%s is a superlevel set of a function concave in %s%s" % (
                    self._m(c), v, (" " + ref) if ref else ""))
            elif c in implied:
                ref = self.ref(implied[c])
                reasons.append("%s follows from the others%s" % (self._m(c), (" " + ref) if ref else ""))
            else:
                reasons.append("%s is affine in %s" % (self._m(c), v))
        why = ("the admissible values of %s form an interval, on which the function is defined: %s"
               % (v, join_words(reasons)))
        return self.step_line(step, why, cite=False)
