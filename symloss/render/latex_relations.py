r"""LaTeX for the relation steps: ``proportional`` and ``nondecreasing``
(:mod:`symloss.engine.relations`, :mod:`symloss.engine.function_of`) and correlation signs
(:mod:`symloss.engine.corr`).

:class:`RelationPrinterMixin` is one of the mixins of
:class:`symloss.render.latex.SymlossLatexPrinter`; its methods use the helpers of
:class:`symloss.render.latex_steps.StepPrinterMixin` (``step_line``, ``ref``,
``sub_proof``, ``_m``) and state each fact with its justification in words.
"""

from __future__ import annotations

import sympy as sp

from .latex_steps import _math_block, join_words, proof_latex

__all__ = ["RelationPrinterMixin"]


class RelationPrinterMixin:
    """The relation half of the proof-step printer."""

    # --- correlations (symloss.engine.corr) ----------------------------------------
    def _print_CorrelationSign(self, step) -> str:
        ev = step.evidence
        term = next(iter(step.formula.atoms(*[type(a) for a in step.formula.args if type(a).__name__ == "Corr"])), None)
        kind = type(ev).__name__
        if kind == "Parity":
            even, odd = ("A", "B") if getattr(ev, "even", "A") == "A" else ("B", "A")
            why = ("the distribution is symmetric about its centre, about which $%s$ is even and $%s$ odd "
                   "(both checked identically), so the covariance is 0" % (even, odd))
        elif kind == "Chebyshev" and term is not None:
            a, b, v = term.args[:3]
            rows = [self.sub_proof(ev.da.proof, "For $A = %s$, the sign of $A'$ on the support:" % self.doprint(a)),
                    self.sub_proof(ev.db.proof, "For $B = %s$, the sign of $B'$ on the support:" % self.doprint(b))]
            why = ("$A$ and $B$ are continuous in %s and, by the signs of their derivatives below, monotone on the "
                   "support of the distribution; by Chebyshev's integral inequality the covariance has the sign of "
                   "the product of their directions" % self._m(v))
            return self.step_line(step, why) + self._items(rows)
        else:
            why = "by the sign of the covariance"
        if term is not None:
            why = "with $A = %s$ and $B = %s$: " % (self.doprint(term.args[0]), self.doprint(term.args[1])) + why
        return self.step_line(step, why)

    # --- relation steps (symloss.engine.relations) -------------------------------
    def _local_latex(self, local, title: str = "") -> str:
        """A sub-proof under local conditions, as a nested numbered list."""
        conds = tuple(getattr(local, "conditions", ()) or ())
        where = join_words([self._m(c) for c in conds])
        if title and title.strip() and conds:  # name the condition before its line cites it
            head = "%s (where %s):" % (title.rstrip().rstrip(":"), where)
        elif conds:
            head = "%sunder %s:" % (title.strip() + " " if title.strip() else "", where)
            head = head[:1].upper() + head[1:]
        else:
            head = title
        return (head + " " if head else "") + proof_latex(local.proof, self.nested(), closing=False)

    def _case_title(self, values) -> str:
        vals = tuple(values or ())
        return ("Case %s: " % join_words(["$%s = %s$" % (self.doprint(k), self.doprint(v)) for k, v in vals])) if vals else ""

    def _print_FunctionOf(self, step) -> str:
        t = self.doprint(step.t)
        cases = tuple(step.cases)
        single = len(cases) == 1 and not tuple(cases[0].values or ())
        items = []
        for case in cases:
            parts = [] if single else ["%s$h(%s) = %s$" % (self._case_title(case.values), t, self.doprint(case.h))]
            if getattr(case, "lo", None) is not None and getattr(case, "range", None) is not None:
                parts.append("Every value of %s is at least %s: %s" % (self._m(step.b), self._m(case.lo),
                                                                      self._local_latex(case.range, " ")))
            for loc in getattr(case, "defined", ()) or ():
                parts.append(self._local_latex(loc, "$h$ is defined there"))
            if single:
                items += [r"\item " + q for q in parts]
            elif parts:
                items.append(r"\item " + "; ".join(parts))
        rel = _math_block(sp.Eq(step.a, sp.Function("h")(step.b), evaluate=False), printer=self, inline_ok=True)
        if single:
            why = "since %s with $h(%s) = %s$ free of %s (the difference rewrites to 0)" % (
                rel, t, self.doprint(cases[0].h), self._m(step.var))
        else:
            why = "since %s with $h$ free of %s; the difference rewrites to 0 in each case" % (rel, self._m(step.var))
        return self.step_line(step, why) + ("\n\\begin{itemize}\n%s\n\\end{itemize}" % "\n".join(items) if items else "")

    def _print_NondecreasingVia(self, step) -> str:
        t = self.doprint(step.function_of.t) if hasattr(step, "function_of") else "t"
        items = [r"\item %s%s" % (self._case_title(c.values), self._local_latex(loc, "$h'(%s) \\geq 0$:" % t))
                 for c, loc in zip(getattr(step.function_of, "cases", ()), step.monotone)]
        why = ("%s with $h$ continuous and $h' \\geq 0$ (except at finitely many kinks), "
               "so $h$ is nondecreasing by the mean value theorem"
               % _math_block(sp.Eq(step.a, sp.Function("h")(step.b), evaluate=False), printer=self, inline_ok=True))
        return self.step_line(step, why) + ("\n\\begin{itemize}\n%s\n\\end{itemize}" % "\n".join(items) if items else "")

    def _print_TwoCopy(self, step) -> str:
        v1, v2 = self.doprint(step.v1), self.doprint(step.v2)
        why = ("comparing two copies $%s, %s$ of %s: the implication between them holds for all values, "
               "as shown below" % (v1, v2, self._m(step.var)))
        return self.step_line(step, why) + "\n" + self._local_latex(step.inner, "")

    def _print_ProportionalVia(self, step) -> str:
        cases = tuple(step.cases)
        if len(cases) == 1 and not tuple(cases[0].values or ()) and not tuple(getattr(cases[0], "defined", ()) or ()):
            why = ("since %s with $c = %s$ free of %s (the difference $A - c B$ rewrites to 0)"
                   % (self._m(sp.Eq(step.a, sp.Mul(sp.Symbol("c"), step.b, evaluate=False), evaluate=False)),
                      self.doprint(cases[0].c), self._m(step.var)))
            return self.step_line(step, why)
        items = []
        for case in cases:
            text = "%s$%s = c \\cdot %s$ with $c = %s$" % (self._case_title(case.values), self.doprint(step.a),
                                                          self.doprint(step.b), self.doprint(case.c))
            for loc in getattr(case, "defined", ()) or ():
                text += "; $c$ is defined: " + self._local_latex(loc, " ")
            items.append(r"\item " + text)
        why = "since in each case the ratio is a factor $c$ free of %s (the difference rewrites to 0)" % self._m(step.var)
        return self.step_line(step, why) + ("\n\\begin{itemize}\n%s\n\\end{itemize}" % "\n".join(items) if items else "")


    def _print_FinitePoints(self, step) -> str:
        v = self._m(step.var)
        values = "$%s$" % ", ".join(self.doprint(p) for p in step.points)
        cover = next((self.ref(g) for g in step.context if step.var in g.fact.free_symbols and self.ref(g)), "")
        what = ("the ratio of the two sides is the same at every admissible pair of them" if step.kind == "proportional"
                else "the order of the second argument is kept by the first at every admissible pair of them")
        if getattr(step.inner.proof, "fact", None) is sp.true:  # nothing left to show once the points are put in
            why = "%s takes only the values %s%s; put in exactly, the condition that %s reduces to true" % (
                v, values, (" by " + cover) if cover else "", what)
            return self.step_line(step, why, cite=False)
        why = "%s takes only the values %s%s; checked at these points exactly, %s, as shown below" % (
            v, values, (" by " + cover) if cover else "", what)
        return self.step_line(step, why, cite=False) + "\n" + self._local_latex(step.inner, "")
