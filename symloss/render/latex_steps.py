r"""LaTeX for proof steps: the ``_print_<StepClass>`` methods and the
numbered proof write-up.

:class:`StepPrinterMixin` is mixed into
:class:`symloss.render.latex.SymlossLatexPrinter`: ``printer._print(step)`` finds
``_print_<StepClass>`` along the step's class hierarchy (methods of the
printer's own classes only, never SymPy's expression printers) and falls
back to :meth:`StepPrinterMixin._print_Step`, which shows the step's fact
and the first line of its class docstring.  Each method gives the step's
fact and its justification in words, citing premises by line number.

:func:`proof_latex` renders a whole proof tree, with the printer it is given
as a numbered list (hypotheses first, each step after the steps it cites).
What a careful writer would leave out is left out of the *text* only (the
proof object is untouched): a line restating or weakening its one premise is
folded into it, and signs of plain numbers are not listed.  Nested proofs
(cases, implications) are lettered (a), (b), … and one level deeper
(i), (ii), …, so a citation is never ambiguous.  A displayed fact comes after
its reason ("By (5) and (6): [display]").

The printers of derivation steps (chain rule, outer and inner derivatives)
are :class:`symloss.render.writeup_derivation.DerivationPrinterMixin`.

This module does not import :mod:`symloss.render.latex` (that module
imports this one for the mixin): text and line breaking come from
:mod:`symloss.render.latex_text`, and the printer is ``self`` or the one
passed in (:func:`symloss.render.latex.step_latex` and
:func:`symloss.render.latex.proof_latex` supply the default printer).
"""

from __future__ import annotations

import re
from typing import Any, Iterable

import sympy as sp
from sympy.printing.latex import LatexPrinter

from ..calculus.proof import Gap, Given, Step, iter_steps
from .latex_text import _stacked
from .latex_text import escape_text as _escape
from .latex_text import math_block as _math_block  # the printer is passed in: printer=self

__all__ = ["StepPrinterMixin", "proof_latex", "join_words", "finite_cover"]


def _first_sentence(doc: str | None) -> str:
    """The first sentence of a docstring's first paragraph, reStructuredText
    quotes removed (````A op B```` → ``A op B``)."""
    para = (doc or "").strip().split("\n\n")[0]
    text = " ".join(line.strip() for line in para.splitlines())
    text = re.sub(r"`+([^`]*)`+", r"\1", text)
    m = re.match(r"(.+?\.)(\s|$)", text)
    return (m.group(1) if m else text).strip()


def finite_cover(fact: Any):
    """``(y, (0, 1))`` when ``fact`` says ``y = 0 ∨ y = 1`` (one symbol,
    numbers, at least two values), else ``None``.

    >>> y = sp.Symbol('y')
    >>> finite_cover(sp.Eq(y, 0) | sp.Eq(y, 1))
    (y, (0, 1))
    """
    if not isinstance(fact, sp.Or):
        return None
    sym, values = None, []
    for a in fact.args:
        if not isinstance(a, sp.Equality):
            return None
        lhs, rhs = (a.rhs, a.lhs) if a.lhs.is_number else (a.lhs, a.rhs)
        if not (isinstance(lhs, sp.Symbol) and rhs.is_number) or (sym is not None and lhs != sym):
            return None
        sym = lhs
        values.append(rhs)
    return (sym, tuple(sorted(values, key=sp.default_sort_key)))


def _roman(k: int) -> str:
    """Small roman numerals: ``_roman(4) == 'iv'``."""
    out = ""
    for value, digits in ((10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while k >= value:
            out += digits
            k -= value
    return out


def join_words(parts: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``.

    >>> join_words(["$x$", "$y$", "$z$"])
    '$x$, $y$ and $z$'
    """
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]



class StepPrinterMixin:
    r"""The proof-step half of the LaTeX printer.

    Mixed into a SymPy ``LatexPrinter`` subclass that provides ``doprint``
    and a ``labels`` dict (step → line number, set by :func:`proof_latex`
    so that a justification can cite its premises).

    >>> from symloss.render.latex import SymlossLatexPrinter
    >>> x = sp.Symbol('x', real=True)
    >>> SymlossLatexPrinter()._print(Given(x > 0, 'domain of x'))
    '$x > 0$ --- by hypothesis (domain of x)'
    """

    labels: dict

    def _print(self, expr, **kwargs) -> str:
        if isinstance(expr, Step):
            return self._print_step(expr)
        return super()._print(expr, **kwargs)

    def _print_step(self, step: Step) -> str:
        for cls in type(step).__mro__:
            method = "_print_" + cls.__name__
            for owner in type(self).__mro__:
                if owner is LatexPrinter:
                    break
                if method in vars(owner):
                    try:
                        return getattr(self, method)(step)
                    except Exception:  # a step class that changed shape: the generic form still renders
                        return self._print_Step(step)
            if cls is Step:
                break
        return self._print_Step(step)

    # --- generic steps --------------------------------------------------
    def statement_latex(self, fact: Any) -> str:
        r"""LaTeX of a statement, with ``y = 0 \vee y = 1`` read as
        ``y \in \{0, 1\}``."""
        cover = finite_cover(fact)
        if cover is not None:
            sym, values = cover
            return r"%s \in \left\{%s\right\}" % (self.doprint(sym), ", ".join(self.doprint(v) for v in values))
        return self.doprint(fact)

    def fact_latex(self, step: Step) -> str:
        """The step's fact as inline math, or as a display when long."""
        try:
            fact = step.fact
        except Exception as exc:  # a malformed step still renders
            return r"\textit{(fact unavailable: %s)}" % _escape(exc)
        if finite_cover(fact) is not None:
            return "$%s$" % self.statement_latex(fact)
        return _math_block(fact, printer=self, inline_ok=True)

    def cite(self, steps: Iterable[Step]) -> str:
        """``(2), (3)`` for premises that have line numbers (each once, in
        order)."""
        refs = sorted({self.labels[_step_key(s)] for s in steps if _step_key(s) in self.labels})
        return ", ".join("(%s)" % self.label_text(r) for r in refs)

    def ref(self, step: Any) -> str:
        """``(3)``: the line number of one step, or ``""`` when it has none."""
        if not isinstance(step, Step):
            return ""
        k = self.labels.get(_step_key(step))
        return "(%s)" % self.label_text(k) if k is not None else ""

    def label_text(self, k: int) -> str:
        """Line ``k`` as printed: 1, 2, ... at the top level, a, b, ... in a
        nested proof, i, ii, ... one level deeper, so that a citation is
        never ambiguous."""
        depth = getattr(self, "depth", 0)
        if depth == 1 and k <= 26:
            return "abcdefghijklmnopqrstuvwxyz"[k - 1]
        if depth == 2 and k < 40:
            return _roman(k)
        return str(k)

    def nested(self):
        """A fresh printer for a nested proof, one level deeper."""
        sub = type(self)()
        sub.depth = getattr(self, "depth", 0) + 1
        return sub

    def step_line(self, step: Step, justification: str, *, cite: bool = True) -> str:
        """Fact, justification in words, and (unless the justification
        cites them itself) citations of the premises."""
        refs = self.cite(step.premises()) if cite else ""
        tail = justification
        if refs:
            tail += (" " if tail else "") + "(from %s)" % refs
        fact = self.fact_latex(step)
        if tail and not fact.startswith("$"):  # a displayed fact: the reason first, then the formula
            joint = "\nhence" if tail.rstrip().endswith("\\]") else ":"
            return "%s%s%s\n%s" % (tail[:1].upper(), tail[1:], joint, fact)
        return "%s%s" % (fact, (" --- " + tail) if tail else "")

    def _print_Step(self, step: Step) -> str:
        first = _first_sentence(type(step).__doc__) or type(step).__name__
        return self.step_line(step, r"by the rule \textsf{%s}: %s" % (_escape(type(step).__name__), _escape(first)))

    def _print_Given(self, step: Given) -> str:
        source = str(step.source).strip()
        if not source or re.fullmatch(r"(hypothesis|assumption|assume)(\s*\[?\d+\]?)?", source):
            return self.step_line(step, "by hypothesis")
        if source == "local condition":
            return self.step_line(step, "the condition under which this part is shown")
        if source in ("branch", "branch condition", "kink case", "sign case", "case", "tail") or source.startswith("case "):
            return self.step_line(step, "assumed in this case")
        if source == "premise of the implication":
            return self.step_line(step, "assumed (the premise)")
        return self.step_line(step, "by hypothesis (%s)" % _escape(source))

    def _print_Gap(self, step: Gap) -> str:
        return r"\fbox{\textbf{GAP}} not shown: %s \\ \textit{reason: %s}" % (
            self.fact_latex(step),
            _escape(step.reason),
        )

    def sub_proof(self, proof: Step, head: str = "") -> str:
        """A nested proof (a case, the premise of an implication) as its own
        numbered list, after ``head``."""
        return (head + " " if head else "") + proof_latex(proof, self.nested(), closing=False)

    # --- sign steps (symloss.engine.signs / symloss.engine.sign_rules) ----------------
    def _m(self, expr) -> str:
        """Math in a sentence: inline, or on display when it holds a fraction
        (a stacked fraction in running text is too small to read)."""
        tex = self.doprint(expr)
        return "\n\\[ %s \\]\n" % tex if _stacked(tex) else "$%s$" % tex

    def _print_NumberSign(self, step) -> str:
        return self.step_line(step, "by exact arithmetic")

    def _print_AssumptionSign(self, step) -> str:
        word = {"> 0": "positive", "< 0": "negative", ">= 0": "nonnegative", "<= 0": "nonpositive",
                "!= 0": "nonzero", "= 0": "zero"}.get(getattr(step.sign, "value", ""), "so")
        return self.step_line(step, "since %s is declared %s" % (self._m(step.expr), word))

    def _print_HypothesisSign(self, step) -> str:
        if step.given.fact is sp.true or step.given.fact is True:
            # the hypothesis was absorbed by the symbol's own assumptions: say that
            word = {"> 0": "positive", "< 0": "negative", ">= 0": "nonnegative", "<= 0": "nonpositive",
                    "!= 0": "nonzero"}.get(getattr(step.sign, "value", ""), "of this sign")
            return self.step_line(step, "since %s is declared %s" % (self._m(step.expr), word), cite=False)
        return self.step_line(step, "read off the hypothesis $%s$" % self.statement_latex(step.given.fact))

    def _print_Combine(self, step) -> str:
        how = "weakening" if len(step.parts) == 1 else "combining what is known about %s" % self._m(step.expr)
        return self.step_line(step, "by " + how)

    def _print_AddSign(self, step) -> str:
        return self.step_line(step, "a sum of terms of known signs")

    def _print_ProductSign(self, step) -> str:
        return self.step_line(step, "a product of factors of known signs")

    def _print_PowSign(self, step) -> str:
        e = step.expr.exp if isinstance(step.expr, sp.Pow) else None
        if step.base is None and e is not None and e.is_Integer and e % 2 == 0:
            return self.step_line(step, "an even power of a real number is nonnegative")
        return self.step_line(step, "a power of a base of known sign")

    _RANGE_WORDS = {"sigmoid": r"\sigma(z) \in (0, 1)", "tanh": r"\tanh(z) \in (-1, 1)", "exp": r"e^{z} > 0",
                    "softplus": r"\operatorname{softplus}(z) > 0", "cosh": r"\cosh(z) \geq 1",
                    "relu": r"\max(0, z) \geq 0", "Abs": r"\left|z\right| \geq 0"}

    def _print_RangeBound(self, step) -> str:
        name = getattr(step.func, "__name__", str(step.func))
        rng = self._RANGE_WORDS.get(name)
        why = ("since $%s$ for every real $z$" % rng) if rng else "by the range of %s" % _escape(name)
        return self.step_line(step, why)

    def _print_FunctionSign(self, step) -> str:
        f = type(step.expr).__name__
        if f in ("exp", "sigmoid", "softplus", "cosh"):
            why = "since $%s$ for every real $z$" % self._RANGE_WORDS[f].replace(r"\in (0, 1)", "> 0").replace(r"\geq 1", "> 0")
        elif f in ("tanh", "sign", "sinh", "atan", "asinh"):
            why = "since %s has the sign of its argument" % _escape(f)
        elif f == "relu":
            why = r"since $\max(0, z) \geq 0$, with equality exactly when $z \leq 0$"
        elif f == "Abs":
            why = r"since $\left|z\right| \geq 0$, with equality exactly when $z = 0$"
        else:
            why = "by the sign table of %s" % _escape(f)
        return self.step_line(step, why)

    def _print_MonotoneDifference(self, step) -> str:
        f = step.func if not step.func.startswith("pow:") else "$z \\mapsto z^{%s}$" % step.func[4:]
        return self.step_line(step, "since %s is strictly increasing, %s has the sign of %s" % (
            _escape(f) if not f.startswith("$") else f, self._m(step.expr), self._m(step.a - step.b)))

    def _print_Rewrite(self, step) -> str:
        if hasattr(step, "form"):  # symloss.engine.sign_rules.Rewrite
            return self.step_line(step, "since %s identically" % self._m(sp.Eq(step.expr, step.form, evaluate=False)))
        return self.step_line(step, self.rewrite_words(step))  # symloss.calculus.derive.Rewrite

    def _print_SumOfSquares(self, step) -> str:
        terms = [sp.Pow(lin, 2, evaluate=False) if c == 1 else sp.Mul(c, sp.Pow(lin, 2, evaluate=False), evaluate=False)
                 for c, lin in step.terms]
        form = sp.Add(*terms, evaluate=False) if len(terms) > 1 else (terms[0] if terms else sp.S.Zero)
        return self.step_line(step, "completing squares, %s is a sum of squares with nonnegative coefficients"
                              % self._m(sp.Eq(step.expr, form, evaluate=False)))

    def _print_LogSign(self, step) -> str:
        return self.step_line(step, r"since $\log$ is increasing with $\log 1 = 0$, %s has the sign of %s" % (
            self._m(step.expr), self._m(step.expr.args[0] - 1)))

    def _print_ExtremumSign(self, step) -> str:
        return self.step_line(step, "the sign of a maximum or minimum is the maximum or minimum of the signs")

    def _print_PiecewiseSign(self, step) -> str:
        cases = []
        for br in step.branches:
            cond = sp.And(*br.conditions) if br.conditions else sp.true
            sub = self.nested()
            cases.append(r"\item[] \emph{Case} %s: %s" % (self._m(cond), proof_latex(br.proof, sub, closing=False)))
        return self.step_line(step, "by case analysis on the branches of the piecewise definition") + (
            "\n\\begin{itemize}\n%s\n\\end{itemize}" % "\n".join(cases) if cases else "")

    def _print_SumSign(self, step) -> str:  # the termwise sign of a finite sum (engine/sum_sign.py)
        from ..engine.sum_sign import summation_range

        i, a, b = step.expr.limits[0]
        term = proof_latex(step.term.proof, self.nested(), closing=False)
        why = ("a sum has the sign of its terms, here for every integer %s with %s (the sum is not empty "
               "when a strict sign is kept), from the sign of the term below" % (self._m(i), self._m(sp.And(*summation_range(i, a, b)))))
        return self.step_line(step, why) + "\n\\begin{itemize}\n\\item[] %s\n\\end{itemize}" % term

    def _print_Decided(self, step) -> str:
        abstraction = getattr(step, "abstraction", None)
        terms = tuple(getattr(abstraction, "terms", ()) or ())
        procedure = ("a complete procedure for real polynomial arithmetic (z3, nlsat)" if step.logic == "QF_NRA"
                     else "the SMT solver z3 (real polynomial arithmetic)")
        if not terms:
            return self.step_line(step, "decided by " + procedure)
        subs, names, implied = [], {}, set()
        for k, (_, term) in enumerate(terms, 1):
            t = sp.Symbol("t_%d" % k, real=True)
            names[term] = t
            subs.append("$t_{%d} = %s%s$" % (k, self.doprint(term), _range_note(term, self)))
            implied |= _range_facts(term, t)
        why = "decided by %s after substituting %s" % (procedure, join_words(subs))
        facts: list = []
        for ax in tuple(getattr(abstraction, "axioms", ()) or ()):
            try:
                st = ax.statement
            except Exception:  # an axiom that cannot be rebuilt is shown by name
                facts.append(_escape(getattr(ax, "kind", "?")))
                continue
            for part in (st.args if isinstance(st, sp.And) else (st,)):
                part = part.xreplace(names)
                tex = self._m(part)
                if part not in implied and tex not in facts:
                    facts.append(tex)
        if facts:
            shown = facts[:8]
            more = len(facts) - len(shown)
            why += ", using only the facts %s%s" % (join_words(shown) if not more else ", ".join(shown),
                                                       " and %d more facts" % more if more > 0 else "")
        return self.step_line(step, why)

    def _print_ZeroEquivalence(self, step) -> str:
        return self.step_line(step, "the difference of the two sides rewrites to 0 exactly (our functions written "
                              "with $\\exp$, then common denominators, expansion and cancellation)")

    def _print_CorrClosedForm(self, step) -> str:
        moments = (r"\[ \operatorname{cov} = %s, \qquad \operatorname{var} A = %s, \qquad \operatorname{var} B = %s \]"
                   % (self.doprint(step.cov), self.doprint(step.var_a), self.doprint(step.var_b)))
        return self.step_line(step, "from the exact moments of %s (each recomputed by integrating against the "
                              "density), with $A$ and $B$ the two arguments of corr,\n%s" % (self._m(step.dist), moments))

    def _print_Tautology(self, step) -> str:
        return self.step_line(step, "the statement is literally true once parsed")

    # --- pointwise prover steps (symloss.engine.prover, symloss.decide) ---------
    def _items(self, rows: list[str]) -> str:
        return ("\n\\begin{itemize}\n%s\n\\end{itemize}" % "\n".join(r"\item " + r for r in rows)) if rows else ""

    def _print_RelationFromSign(self, step) -> str:
        rel = step.relation
        if not isinstance(rel, sp.core.relational.Relational):
            # an unevaluated A >= A comes back from a worker process as True (SymPy re-evaluates on unpickling)
            return ("The claim, written out, compares two sides that are the same expression (their difference "
                    "is $0$), so it holds")
        diff = sp.Add(rel.lhs, -rel.rhs, evaluate=False)
        if step.form == 0:
            return self.step_line(step, "its two sides are the same expression", cite=False)
        if step.form == diff or rel.rhs == 0:
            why = "since its left side is %s" % self._m(step.form)
        else:
            why = "since the difference of the two sides is %s identically" % self._m(step.form)
        ref = self.ref(step.premise)
        return self.step_line(step, why + ", whose sign is known" + (" from " + ref if ref else ""), cite=False)

    def _print_Identity(self, step) -> str:
        return self.step_line(step, "the difference of the two sides rewrites to 0 exactly (our functions written "
                              "with $\\exp$, then common denominators, expansion and cancellation)")

    def _print_SameSign(self, step) -> str:
        a, b = (step.rhs, step.lhs) if step.reverse else (step.lhs, step.rhs)
        if step.ratio == 1:
            return self.step_line(step, "since the two arguments of sign are equal identically (their difference "
                                  "rewrites to 0)", cite=False)
        prod = sp.Mul(step.ratio, b, evaluate=False)
        ref = self.ref(step.positive)
        why = "since %s identically, and the factor %s is positive%s" % (
            self._m(sp.Eq(a, prod, evaluate=False)), self._m(step.ratio), (" by " + ref) if ref else "")
        return self.step_line(step, why, cite=False)

    def _print_AndIntro(self, step) -> str:
        refs = join_words([self.ref(q) for q in step.parts if self.ref(q)])
        return self.step_line(step, "each part holds" + (" by " + refs if refs else ""), cite=False)

    def _print_ImpliesIntro(self, step) -> str:
        if step.premise is sp.false:  # a pair of points that is not admissible, say: nothing to show
            return self.step_line(step, "its premise is false, so it holds vacuously", cite=False)
        if step.premise is sp.true:
            return self.step_line(step, "its premise is true, so this is its conclusion:", cite=False) + "\n" + \
                self.sub_proof(step.proof.proof)
        head = "assume %s" % self._m(step.premise)
        if step.solved and sp.Eq(*step.solved, evaluate=False) != step.premise:
            sym, val = step.solved
            head += ", so that %s; then" % self._m(sp.Eq(sym, val, evaluate=False))
        else:
            head += "; then"
        return self.step_line(step, head + ":", cite=False) + "\n" + self.sub_proof(step.proof.proof)

    def _print_FiniteCases(self, step) -> str:
        cover = finite_cover(step.cover.fact)
        sym, values = cover if cover is not None else (None, ())
        rows = []
        for k, case in enumerate(step.cases):
            title = ("Case %s:" % self._m(sp.Eq(sym, values[k], evaluate=False))) if k < len(values) else "Case:"
            rows.append(self.sub_proof(case.proof, title))
        why = "by case analysis on %s %s" % (self._m_raw(self.statement_latex(step.cover.fact)), self.ref(step.cover))
        return self.step_line(step, why.rstrip(), cite=False) + self._items(rows)

    def _print_KinkCases(self, step) -> str:
        u = step.kink
        conds = (sp.StrictGreaterThan(u, 0, evaluate=False), sp.Equality(u, 0, evaluate=False),
                 sp.StrictLessThan(u, 0, evaluate=False))
        rows = [self.sub_proof(case.proof, "Case %s:" % self._m(c)) for c, case in zip(conds, step.cases)]
        kinks = [a for a in step.statement.atoms(sp.Abs, sp.sign, sp.Heaviside, sp.Max, sp.Min)
                 if a.args and (a.args[0] == u or (isinstance(a, (sp.Max, sp.Min)) and len(a.args) == 2
                                                   and sp.Add(a.args[0], -a.args[1]) == u))]
        kinks += [a for a in sp.preorder_traversal(step.statement)
                  if type(a).__name__ == "relu" and a.args and a.args[0] == u and a not in kinks]
        shown = join_words([self._m(k) for k in sorted(kinks, key=sp.default_sort_key)[:4]])
        why = "by case analysis on the sign of %s%s" % (
            self._m(u), (", in each case with %s replaced by its value there" % shown) if shown else "")
        return self.step_line(step, why, cite=False) + self._items(rows)

    def _print_PiecewiseCases(self, step) -> str:
        rows = []
        for (value, _), case in zip(step.piecewise.args, step.cases):
            conds = [self._m(c) for c in tuple(case.assumed or ())]
            title = ("Case %s" % join_words(conds)) if conds else "Otherwise"
            rows.append(self.sub_proof(case.proof, "%s (the piecewise term equals %s):" % (title, self._m(value))))
        why = "by case analysis on the branches of the piecewise term, which cover every point"
        return self.step_line(step, why, cite=False) + self._items(rows)

    def _print_ExactEvaluation(self, step) -> str:
        return self.step_line(step, "by exact evaluation (rational arithmetic, and rigorous interval bounds "
                              "for the transcendental numbers)")

    def _print_ClosedSign(self, step) -> str:
        return self.step_line(step, "a closed number whose sign is certified by exact arithmetic or by "
                              "interval enclosures that exclude 0")

    def _m_raw(self, tex: str) -> str:
        return "$%s$" % tex


def _range_note(term: sp.Expr, p: "StepPrinterMixin") -> str:
    """`` \\in (0, 1)`` for σ(u) and similar range notes for abstracted terms."""
    name = type(term).__name__
    return {"sigmoid": r" \in (0, 1)", "tanh": r" \in (-1, 1)", "exp": " > 0", "softplus": " > 0",
            "cosh": r" \geq 1"}.get(name, "")


def _range_facts(term: sp.Expr, t: sp.Symbol) -> set:
    """The bounds on ``t`` that :func:`_range_note` already states."""
    lo_hi = {"sigmoid": (0, 1), "tanh": (-1, 1), "exp": (0, None), "softplus": (0, None)}.get(type(term).__name__)
    if type(term).__name__ == "cosh":
        return {sp.Ge(t, 1, evaluate=False), sp.Le(1, t, evaluate=False)}
    if lo_hi is None:
        return set()
    lo, hi = lo_hi
    out = {sp.Gt(t, lo, evaluate=False), sp.Lt(lo, t, evaluate=False)}
    if hi is not None:
        out |= {sp.Lt(t, hi, evaluate=False), sp.Gt(hi, t, evaluate=False)}
    return out


# --------------------------------------------------------------------------
# proofs


def _step_key(step: Step):
    try:
        hash(step)
    except TypeError:
        return ("id", id(step))
    return step


def _linearise(root: Step) -> list[Step]:
    """Steps in dependency order (premises before conclusions), each once."""
    order: list[Step] = []
    seen: set = set()
    stack: list[tuple[Step, bool]] = [(root, False)]
    while stack:
        step, expanded = stack.pop()
        key = _step_key(step)
        if expanded:
            if key not in seen:
                seen.add(key)
                order.append(step)
            continue
        if key in seen:
            continue
        stack.append((step, True))
        for prem in reversed(step.premises()):
            stack.append((prem, False))
    # hypotheses first, in order of first use
    return [s for s in order if isinstance(s, Given)] + [s for s in order if not isinstance(s, Given)]


def _has_gap(root: Step) -> bool:
    return any(isinstance(s, Gap) for s in iter_steps(root))


def _restates(step: Step) -> Step | None:
    """The single premise that ``step`` merely restates (same fact), if
    any: such a line adds nothing for a reader, so it is not printed and
    citations of it point to the premise."""
    if isinstance(step, (Given, Gap)):
        return None
    prems = step.premises()
    if len(prems) != 1:
        return None
    try:
        same = prems[0].fact == step.fact
    except Exception:  # a malformed step: keep it visible
        return None
    return prems[0] if same else None


def _weakens(step: Step) -> Step | None:
    """The one premise a weakening step (``x² > 0`` hence ``x² ≥ 0``)
    relaxes: the stronger line serves every citation just as well."""
    parts = getattr(step, "parts", None)
    if type(step).__name__ == "Combine" and isinstance(parts, tuple) and len(parts) == 1 and isinstance(parts[0], Step):
        return parts[0]
    return None


def _obvious(step: Step) -> bool:
    """A sign fact about a plain number (``1/2 > 0``): not worth a line."""
    return type(step).__name__ == "NumberSign" and bool(getattr(getattr(step, "expr", None), "is_number", False))


def proof_latex(root: Step, printer: Any, *, closing: bool = True) -> str:
    r"""A numbered, linear write-up of a proof tree: hypotheses first, every
    other step after the steps it cites, the last line being the claim;
    a step that only restates or weakens its one premise is not repeated,
    and signs of plain numbers (``1/2 > 0``) are not listed.  (The caller
    wraps it in ``proof``, which ends in ∎.)

    >>> from symloss.render.latex import SymlossLatexPrinter
    >>> x = sp.Symbol('x', real=True)
    >>> print(proof_latex(Given(x > 0, 'domain of x'), SymlossLatexPrinter()))
    \begin{enumerate}
    \item[(1)] $x > 0$ --- by hypothesis (domain of x)
    \end{enumerate}
    The last line is the claim.
    """
    p = printer
    steps = _linearise(root)
    alias: dict = {}
    hidden = set()
    for s in steps:
        prem = _restates(s) or (_weakens(s) if s is not root else None)
        if prem is not None:
            alias[_step_key(s)] = alias.get(_step_key(prem), _step_key(prem))
        elif s is not root and (_obvious(s) or (isinstance(s, Given) and s.fact is sp.true)):
            hidden.add(_step_key(s))  # a number's sign, or a hypothesis that simplified to True
    shown = [s for s in steps if _step_key(s) not in alias and _step_key(s) not in hidden]
    labels = {_step_key(s): k for k, s in enumerate(shown, 1)}
    for key, target in alias.items():
        if target in labels:
            labels[key] = labels[target]
    p.labels = labels
    items = []
    for k, s in enumerate(shown, 1):
        items.append(r"\item[(%s)] %s" % (p.label_text(k), p._print(s)))
    end = "The last line is the claim." if not _has_gap(root) else (
        r"\textbf{This argument is incomplete:} the steps marked GAP were not shown."
    )
    return "\\begin{enumerate}\n%s\n\\end{enumerate}%s" % ("\n".join(items), ("\n" + end) if closing else "")
