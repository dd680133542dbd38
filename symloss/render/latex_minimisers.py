r"""LaTeX for the minimiser steps: existence and uniqueness of a minimiser
(:mod:`symloss.engine.argmin`), minimisers over a declared domain
(:mod:`symloss.engine.argmin_domain`) and the exact algebraic minimisers
(:mod:`symloss.engine.algebraic`).

:class:`MinimiserPrinterMixin` is one of the mixins of
:class:`symloss.render.latex.SymlossLatexPrinter`; its methods use the helpers of
:class:`symloss.render.latex_steps.StepPrinterMixin` (``step_line``, ``ref``,
``cite``, ``_m``) and, like those, state the fact and its justification in
words, citing premises by line number.
"""

from __future__ import annotations

from typing import Any

import sympy as sp

from ..language.functions import derivative
from .latex_steps import join_words
from .latex_text import _stacked, math_block  # the printer is passed in

__all__ = ["MinimiserPrinterMixin", "root_words"]

_ORDINALS = ("smallest", "second smallest", "third smallest", "fourth smallest", "fifth smallest")


def root_words(root: Any, printer: Any) -> str:
    r"""A sentence fragment naming an exact number for a reader: a ``CRootOf``
    as "the smallest real root of $5 w^{3} - 10 w + 1$, $\approx -1.4553$";
    anything else as its formula.  The polynomial is written in ``t``, as
    the printer writes :math:`\operatorname{root}_k` (SymPy's own ``x`` would
    clash with a data symbol ``x``).

    >>> from symloss.render.latex import SymlossLatexPrinter
    >>> x = sp.Symbol('x')
    >>> root_words(sp.CRootOf(x**3 - 2, 0), SymlossLatexPrinter())
    'the smallest real root $\\operatorname{root}_{1}$ of $t^{3} - 2$ ($\\approx 1.2599$)'
    """
    if isinstance(root, sp.CRootOf) and root.is_real:
        poly, k = root.poly, root.index
        poly_tex = "$%s$" % printer.doprint(poly.as_expr(sp.Symbol("t")))
        if k < len(_ORDINALS):
            text = "the %s real root $\\operatorname{root}_{%d}$ of %s" % (_ORDINALS[k], k + 1, poly_tex)
        else:
            text = "real root number %d (in increasing order), $\\operatorname{root}_{%d}$, of %s" % (k + 1, k + 1, poly_tex)
        return "%s ($\\approx %s$)" % (text, sp.latex(sp.N(root, 5)))
    tex = printer.doprint(root)
    return "$%s$" % tex


def _domain_words(rng: Any, printer: Any) -> str:
    if isinstance(rng, sp.FiniteSet):
        return "$\\left\\{%s\\right\\}$" % ", ".join(printer.doprint(v) for v in rng.args)
    return "$%s$" % printer.doprint(rng)


class MinimiserPrinterMixin:
    """The minimiser half of the proof-step printer."""

    # --- minimisers on the real line (symloss.engine.argmin) ----------------------
    def _print_RootExists(self, step) -> str:
        u = self.doprint(step.var)
        root = self.doprint(step.root)
        refs = self.cite(step.premises())
        tail = (" (from %s)" % refs) if refs else ""
        if not _stacked(root):
            why = "substituting $%s = %s$ into $H(%s) = %s$ gives 0 identically" % (
                u, root, u, self.doprint(step.core))
            return "$H\\left(%s\\right) = 0$ --- %s%s" % (root, why, tail)
        # a fraction for the root: displayed, never a tiny nested fraction in the running text
        return ("Substituting\n\\[ %s = %s \\]\ninto %s gives 0 identically%s:\n\\[ H\\left(%s\\right) = 0 \\]"
                % (u, root, self._m_raw_or_display("H(%s) = %s" % (u, self.doprint(step.core))), tail, root))

    def _m_raw_or_display(self, tex: str) -> str:
        return "\n\\[ %s \\]\n" % tex if _stacked(tex) else "$%s$" % tex

    def _print_OppositeLimits(self, step) -> str:
        u = self.doprint(step.var)
        rows = []
        for case in step.cases:
            conds = [self._m(sg.relation(sym)) for sym, sg in case.signs]
            lim = (r"$\lim_{%s \to -\infty} H = %s < 0 < %s = \lim_{%s \to +\infty} H$"
                   % (u, self.doprint(case.low), self.doprint(case.high), u))
            rows.append(("Case %s: " % join_words(conds) if conds else "") + lim)
        why = ("$H(%s) = %s$ is continuous, with limits of opposite signs as $%s \\to \\pm\\infty$, so it has a root "
               "$%s^{*}$ by the intermediate value theorem" % (u, self.doprint(step.core), u, u))
        refs = self.cite(step.premises())
        return "$H\\left(%s^{*}\\right) = 0$ --- %s%s" % (u, why, (" (from %s)" % refs) if refs else "") + self._items(rows)

    def _print_Minimiser(self, step) -> str:
        u = self.doprint(step.dummy)
        e = step.expr.xreplace({step.var: step.dummy})
        root = "$%s^{*}$" % u
        inc = getattr(step.increasing, "fact", None)
        dh = ("$H' = %s > 0$" % self.doprint(inc.lhs)) if isinstance(inc, sp.StrictGreaterThan) and inc.rhs == 0 else "$H' > 0$"
        if step.ratio == 1:
            factor = "$E'(%s) = H = %s$ is strictly increasing" % (u, self.doprint(step.core))
        else:
            factor = "$E'(%s) = P \\cdot H$ with $P = %s > 0$ %s and $H = %s$ strictly increasing" % (
                u, self.doprint(step.ratio), self.ref(step.positive), self.doprint(step.core))
        why = ("with $E(%s) = %s$: %s since %s %s; $H$ has a root %s %s, so $E$ strictly decreases before %s "
               "and strictly increases after it, and %s is the unique minimiser, $\\operatorname*{arg\\,min}_{%s} E$"
               % (u, self.doprint(e), factor, dh, self.ref(step.increasing), root, self.ref(step.existence), root,
                  root, self.doprint(step.var)))
        return self.step_line(step, why, cite=False)

    def _print_MinimiserBySign(self, step) -> str:
        u = self.doprint(step.dummy)
        e = step.expr.xreplace({step.var: step.dummy})
        ref = self.ref(step.sign_proof)
        why = ("with $E(%s) = %s$, continuous in $%s$ (finitely many kinks): $E'(%s)$ has the sign of $%s - %s$%s, "
               "so $E$ strictly decreases up to $%s$ and strictly increases after it, and $%s$ is the unique "
               "minimiser, $\\operatorname*{arg\\,min}_{%s} E$"
               % (u, self.doprint(e), u, u, u, self.doprint(step.value), (" by " + ref) if ref else "",
                  self.doprint(step.value), self.doprint(step.value), self.doprint(step.var)))
        return self.step_line(step, why, cite=False)

    def _print_ArgminValue(self, step) -> str:
        ref = self.ref(step.minimiser)
        return self.step_line(step, "the minimiser exists, is unique and has this closed form" + (" by " + ref if ref else ""),
                              cite=False)

    def _print_ArgminSign(self, step) -> str:
        u, v = self.doprint(step.minimiser.dummy), self.doprint(step.minimiser.var)
        m_ref, l_ref = self.ref(step.minimiser) or "the minimiser step", self.ref(step.link) or "the sign link"
        take = ("taking $%s = %s$ in %s" % (u, v, m_ref)) if u != v else "by %s" % m_ref
        why = "%s and %s" % (take, l_ref)
        return self.step_line(step, why, cite=False)

    def _print_AboveMinimum(self, step) -> str:
        return self.step_line(step, "the function decreases strictly up to its minimiser and increases strictly "
                                    "after it, so its value there is the least")

    def _print_MinimumAtMost(self, step) -> str:
        return self.step_line(step, "the value at the unique minimiser is the least value, so it is at most the "
                                    "value at $%s = %s$, which is the right side" % (
                                        self.doprint(step.minimiser.var), self.doprint(step.point)))

    def _print_SignChange(self, step) -> str:
        return self.step_line(step, "the function is continuous and negative at $%s$, positive at $%s$, so it "
                                    "vanishes in between (intermediate value theorem)"
                              % (self.doprint(step.low), self.doprint(step.high)))

    def _print_MinimiserBound(self, step) -> str:
        return self.step_line(step, "the derivative at the point has the sign of the point's distance to the "
                                    "minimiser")

    def _print_StationaryMinimiser(self, step) -> str:
        return self.step_line(step, "the derivative has the sign of the distance to the minimiser, "
                                    "so it vanishes only there")

    def _print_ArgminSubstitution(self, step) -> str:
        refs = join_words([self.ref(v) for v in step.values if self.ref(v)])
        return self.step_line(step, "from %s, with each minimiser replaced by its closed form from %s" % (
            self.ref(step.proof) or "the same statement", refs or "above"), cite=False)


    # --- minimisers over a declared domain (symloss.engine.argmin_domain) ----------
    def _print_ArgminOnDomain(self, step) -> str:
        term, m = step.term, step.minimiser
        v, dom = self._m(term.var), _domain_words(term.range, self)
        r = root_words(m.root, self)
        mref = self.ref(m)
        inside = join_words([self.ref(q) for q in step.inside if self.ref(q)])
        shape = ("on the real line %s strictly decreases up to its minimiser %s and strictly increases after it%s"
                 % (self._m(term.expr), r, (" by " + mref) if mref else ""))
        if step.value == m.root:
            why = "%s; that point lies in the domain %s of %s%s, so it is also the unique minimiser there" % (
                shape, dom, v, (" by " + inside) if inside else "")
        else:
            end = "lower" if any(isinstance(q.fact, sp.LessThan) and q.fact.lhs == m.root for q in step.inside) else "upper"
            mono = "increasing" if end == "lower" else "decreasing"
            why = ("%s; the domain %s of %s lies on one side of it%s, so the function is strictly %s there and "
                   "the closed %s end %s is the unique minimiser" % (
                       shape, dom, v, (" by " + inside) if inside else "", mono, end, self._m(step.value)))
        return self.step_line(step, why, cite=False)

    def _print_ArgminFinite(self, step) -> str:
        term = step.term
        ref = self.ref(step.proof)
        why = ("%s takes only the values %s, and %s the value at %s is strictly less than at every other one, so "
               "%s is the unique minimiser" % (self._m(term.var), _domain_words(term.range, self),
                                               ("by " + ref + ",") if ref else "as shown,", self._m(step.value),
                                               self._m(step.value)))
        return self.step_line(step, why, cite=False)

    def _print_ArgminAtEnd(self, step) -> str:
        term, u = step.term, step.dummy
        e = term.expr.xreplace({term.var: u})
        rel = getattr(step.monotone, "fact", None)
        up = isinstance(rel, sp.StrictGreaterThan)
        ref = self.ref(step.monotone)
        defined = join_words([self.ref(q) for q in step.defined if self.ref(q)])
        why = ("with $E(%s) = %s$, smooth and defined for every real $%s$%s: $E'(%s) %s 0$ for every $%s$%s, so $E$ is "
               "strictly %s and on the domain %s of %s the closed %s end %s is the unique minimiser" % (
                   self.doprint(u), self.doprint(e), self.doprint(u), (" by " + defined) if defined else "",
                   self.doprint(u), ">" if up else "<", self.doprint(u), (" by " + ref) if ref else "",
                   "increasing" if up else "decreasing", _domain_words(term.range, self), self._m(term.var),
                   "lower" if up else "upper", self._m(step.value)))
        return self.step_line(step, why, cite=False)

    # --- exact algebraic minimisers (symloss.engine.algebraic) -----------------------
    def _print_PolynomialMinimiser(self, step) -> str:
        e, v = step.term.args[0], step.term.args[1]
        poly = sp.Poly(sp.expand(e), v)
        why = ("the function is a polynomial in %s of even degree %d with positive leading coefficient, so it "
               "attains its minimum at a real root of its derivative %s; Sturm's theorem counts those roots, and "
               "comparing the polynomial exactly at each of them (isolating intervals) leaves one least value, at "
               "%s, the unique minimiser" % (
                   self._m(v), poly.degree(), self._m(sp.expand(derivative(e, v))), root_words(step.root, self)))
        return self.step_line(step, why)

    def _print_AtMinimum(self, step) -> str:
        m = step.minimiser
        e, v = m.term.args[0], m.term.args[1]
        ref = self.ref(m)
        # the minimiser as one symbol w*, not substituted into every power of E
        star = sp.Dummy(v.name)
        vstar = r"%s^{*}" % self.doprint(v)
        p = type(self)({"symbol_names": {star: vstar}}, labels=self.labels)
        why = ("%s the minimiser $%s$ of the function over $%s$ exists and is unique, so no value of $%s$ gives a "
               "smaller value than $%s$" % (("By " + ref + ",") if ref else "As shown,", vstar, self.doprint(v),
                                            self.doprint(v), vstar))
        return "%s:\n%s" % (why, math_block(sp.GreaterThan(e, e.xreplace({v: star}), evaluate=False), printer=p))

    def _print_StrictMinimum(self, step) -> str:
        e, v = step.term.args[0], step.term.args[1]
        ref = self.ref(step.proof)
        why = ("%s the function is strictly greater at every %s than at %s (a strict global lower bound); it is "
               "defined for every real %s and depends on %s alone, so %s is the unique minimiser" % (
                   ("by " + ref + ",") if ref else "as shown,", self._m(sp.Ne(v, step.root, evaluate=False)),
                   self._m(sp.Eq(v, step.root, evaluate=False)), self._m(v), self._m(v), self._m(step.root)))
        return self.step_line(step, why, cite=False)

    def _print_AlgebraicTruth(self, step) -> str:
        return self.step_line(step, "decided exactly: each real algebraic number in it is enclosed in rational "
                              "intervals refined until they exclude 0, or shown to be 0 by its minimal polynomial")
