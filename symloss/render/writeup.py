r"""LaTeX write-ups of what the prover returns: claims with their
quantifiers and domains, counterexamples, whole results and derivations.

* :func:`quantifier_latex` and :func:`claim_latex` state a claim ("For all
  $w, b \in \mathbb{R}$ and $y \in \{0, 1\}$: ...").
* :func:`counterexample_latex` gives the values, both sides evaluated
  exactly, and why the claim fails there.
* :func:`result_latex` puts claim, verdict and proof (ending in ∎),
  counterexample or reason together.

The derivation write-ups are :mod:`symloss.render.writeup_derivation`
(importable from here; :func:`derivation_latex` here supplies the default
printer).  The short MathJax forms behind ``_repr_latex_``
(:func:`result_repr_latex`, :func:`problem_repr_latex`) are
:mod:`symloss.render.writeup_notebook`, which imports this module.

Objects from other modules (``Result``, ``Claim``, ``Counterexample``,
``Derivation``) are read by attribute, so this module imports none of them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Iterable

import sympy as sp

from .latex import MAX_FORMULA, SymlossLatexPrinter, _SIMPLE_NAME, _stacked, escape_text, latex, math_block, symbol_latex
from .latex_steps import join_words, proof_latex
from ..calculus.proof import Step
from .writeup_derivation import (chain_rule_latex, direct_derivative_latex,  # noqa: F401
                                 loss_derivative_latex, model_derivative_latex, rewrite_words, rules_note)
from .writeup_derivation import derivation_latex as _derivation_latex

__all__ = [
    "quantifier_latex",
    "claim_latex",
    "counterexample_latex",
    "result_latex",
    "derivation_latex",
    "chain_rule_latex",
    "rewrite_words",
    "rules_note",
]

# --------------------------------------------------------------------------
# claims


def _flatten_and(conds: Iterable[Any]) -> list[Any]:
    out = []
    for c in conds:
        if isinstance(c, sp.And):
            out.extend(_flatten_and(c.args))
        elif c is not sp.true and c is not True:
            out.append(c)
    return out


_NICE_SETS = (sp.Interval, sp.FiniteSet, sp.Range)


def _assumption_set(sym: sp.Symbol) -> sp.Set:
    s: sp.Set = sp.Reals
    if getattr(sym, "is_integer", None):
        s = sp.Integers
    if sym.is_positive:
        s = s.intersect(sp.Interval.open(0, sp.oo))
    elif sym.is_nonnegative:
        s = s.intersect(sp.Interval(0, sp.oo))
    elif sym.is_negative:
        s = s.intersect(sp.Interval.open(-sp.oo, 0))
    elif sym.is_nonpositive:
        s = s.intersect(sp.Interval(-sp.oo, 0))
    return s


def _domains(symbols: Iterable[Any], hypotheses: Iterable[Any]) -> tuple[list[tuple[str, list]], list[Any]]:
    """Group symbols by domain (printed set) and return the remaining
    multivariate or non-interval conditions."""
    symbols = list(symbols)
    sets = {s: _assumption_set(s) if isinstance(s, sp.Symbol) else sp.Reals for s in symbols}
    rest = []
    for c in _flatten_and(hypotheses):
        free = getattr(c, "free_symbols", set())
        if len(free) == 1:
            (s,) = free
            try:
                cs = c.as_set()
            except Exception:  # as_set refuses many booleans: keep it as a condition
                cs = None
            if isinstance(cs, _NICE_SETS) or cs == sp.Reals:
                new = sets.get(s, _assumption_set(s)).intersect(cs)
                if isinstance(new, _NICE_SETS) or new in (sp.Reals, sp.Integers, sp.EmptySet):
                    sets[s] = new
                    if s not in symbols:
                        symbols.append(s)
                    continue
            points = _excluded_points(cs)
            if points is not None:  # |x| != 0, x**4/3 > 0: both say x != 0
                for v in points:
                    ne = sp.Ne(s, v, evaluate=False)
                    if ne not in rest:
                        rest.append(ne)
                continue
        if c not in rest:
            rest.append(c)
    rest = _without_implied(rest)
    groups: dict[str, list] = {}
    p = SymlossLatexPrinter()
    for s in symbols:
        groups.setdefault(p.doprint(sets[s]), []).append(s)
    return list(groups.items()), rest


def _excluded_points(cs: Any) -> list | None:
    """The finitely many points a set leaves out of the reals, or ``None``."""
    try:
        if not isinstance(cs, sp.Set) or cs == sp.Reals:
            return None
        missing = sp.Complement(sp.Reals, cs)
    except Exception:  # not a set SymPy can complement: keep the condition as written
        return None
    if isinstance(missing, sp.FiniteSet) and 0 < len(missing) <= 4 and all(v.is_real for v in missing):
        return sorted(missing, key=sp.default_sort_key)
    return None


def _without_implied(conds: list) -> list:
    """Drop a condition that the sign engine derives from the others (most
    complicated first): ``x^2 (x^2 + 1) > 0`` next to ``x != 0`` says nothing
    more.  Only the display changes; the claim's hypotheses stay as they are."""
    if len(conds) < 2:
        return conds
    import time

    from ..calculus.proof import Sign
    from ..engine.signs import prove_sign

    goals = {sp.StrictGreaterThan: Sign.POSITIVE, sp.GreaterThan: Sign.NONNEGATIVE, sp.Unequality: Sign.NONZERO,
             sp.StrictLessThan: Sign.NEGATIVE, sp.LessThan: Sign.NONPOSITIVE}
    kept = list(conds)
    deadline = time.monotonic() + 2.0
    for c in sorted(conds, key=lambda c: -len(str(c))):
        goal = goals.get(type(c))
        others = [o for o in kept if o is not c]
        if goal is None or not others or time.monotonic() > deadline:
            continue
        try:
            r = prove_sign(c.lhs - c.rhs, goal, others, deadline=min(deadline, time.monotonic() + 0.5))
        except Exception:  # the sign engine declined: keep the condition
            r = None
        if r is not None:
            kept.remove(c)
    return kept


def _claim_symbols(claim: Any) -> list:
    syms = getattr(claim, "symbols", None)
    if syms:
        return list(syms)
    free: set = set()
    for name in ("formula", "a", "b"):
        e = getattr(claim, name, None)
        free |= getattr(e, "free_symbols", set())
    return sorted(free, key=_natural_key)


def _natural_key(sym: Any) -> tuple:
    """``a_2`` before ``a_10``."""
    name = getattr(sym, "name", str(sym))
    return tuple((0, int(t), "") if t.isdigit() else (1, 0, t) for t in re.findall(r"\d+|\D+", name))


def quantifier_latex(symbols: Iterable[Any], hypotheses: Iterable[Any] = (), printer: SymlossLatexPrinter | None = None) -> str:
    r"""``For all $w, b \in \mathbb{R}$ and $y \in \{0, 1\}$ with $x \neq 0$``.

    >>> w, y = sp.Symbol('w', real=True), sp.Symbol('y', real=True)
    >>> quantifier_latex([w, y], [sp.Eq(y, 0) | sp.Eq(y, 1), sp.Ne(w, 0)])
    'For all $w \\in \\mathbb{R}$ and $y \\in \\left\\{0, 1\\right\\}$ with $w \\neq 0$'
    """
    p = printer or SymlossLatexPrinter()
    hypotheses = list(hypotheses)
    if any(h is sp.false or h is False for h in hypotheses):
        return "Under hypotheses that never hold together (one of them is literally false)"
    groups, rest = _domains(symbols, hypotheses)
    if not groups:
        head = "For the values considered"
    else:
        parts = ["$%s \\in %s$" % (", \\allowbreak ".join(p.doprint(s) for s in syms), st) for st, syms in groups]
        head = "For all " + join_words(parts)
    if rest:
        head += " with " + join_words([math_block(c, printer=p, inline_ok=True, width=120) for c in rest])
    return head


def _claim_body(claim: Any, p: SymlossLatexPrinter) -> str:
    kind = type(claim).__name__.lower()
    formula = getattr(claim, "formula", None)
    if formula is sp.true or formula is sp.false:
        what = ("identically true: its two sides became the same expression" if formula is sp.true
                else "identically false")
        return r"\[ \text{\texttt{%s}} \]which, once written out (derivatives taken, the model substituted), is %s." % (
            escape_text(getattr(claim, "text", "")), what)
    text = getattr(claim, "text", "")
    if isinstance(formula, sp.Basic) and not formula.free_symbols and text and isinstance(formula, sp.core.relational.Relational):
        # e.g. a correlation evaluated in closed form: show what was claimed, then what it became
        return r"\[ \text{\texttt{%s}} \]which, evaluated, reads %s." % (
            escape_text(text), math_block(formula, printer=p, inline_ok=True))
    if isinstance(formula, sp.Basic):
        return math_block(formula, printer=p)
    a, b, var = (getattr(claim, n, None) for n in ("a", "b", "var"))
    if all(isinstance(v, sp.Basic) for v in (a, b, var)):
        if "proportional" in kind:
            return (r"\[ %s \propto %s \quad \text{as functions of } %s, \]"
                    r"i.e.\ their ratio does not depend on $%s$." % (p.doprint(a), p.doprint(b), p.doprint(var), p.doprint(var)))
        if "nondecreasing" in kind:
            v1, v2 = sp.Symbol(var.name + "_1", real=True), sp.Symbol(var.name + "_2", real=True)
            lhs = sp.Le(b.subs(var, v1), b.subs(var, v2), evaluate=False)
            rhs = sp.Le(a.subs(var, v1), a.subs(var, v2), evaluate=False)
            return (r"$%s$ is a nondecreasing function of $%s$ along $%s$: for all $%s$, "
                    % (p.doprint(a), p.doprint(b), p.doprint(var), p.doprint(v1) + ", " + p.doprint(v2))
                    + math_block(sp.Implies(lhs, rhs, evaluate=False), printer=p))
    text = getattr(claim, "text", claim)
    return r"\[ \text{\texttt{%s}} \]" % escape_text(text)


def claim_latex(claim: Any, printer: SymlossLatexPrinter | None = None) -> str:
    r"""The claim in mathematical notation with its quantifiers, domains and
    assumptions.  Plain strings are shown verbatim (escaped).

    >>> claim_latex("d(L, w) == 0")
    '\\[ \\text{\\texttt{d(L, w) == 0}} \\]'
    """
    p = printer or SymlossLatexPrinter()
    if isinstance(claim, str):
        return r"\[ \text{\texttt{%s}} \]" % escape_text(claim)
    formula = getattr(claim, "formula", None)
    if isinstance(formula, sp.Basic) and len(p.doprint(formula)) > MAX_FORMULA:
        # show what the user wrote instead of pages of expanded derivatives
        return (quantifier_latex(_claim_symbols(claim), getattr(claim, "hypotheses", ()) or (), p)
                + ":\n" + r"\[ \text{\texttt{%s}} \]" % escape_text(getattr(claim, "text", ""))
                + "(the expanded formula is too long to show).")
    symbols = [s for s in _claim_symbols(claim)]
    var = getattr(claim, "var", None)
    if "nondecreasing" in type(claim).__name__.lower() and var in symbols:
        symbols.remove(var)
    hyps = getattr(claim, "hypotheses", ()) or ()
    head = quantifier_latex(symbols, hyps, p)
    return head + ":\n" + _claim_body(claim, p)


# --------------------------------------------------------------------------
# counterexamples and results


def _value_latex(v: Any, p: SymlossLatexPrinter) -> str:
    """An exact value, with a decimal approximation when it is not rational."""
    if isinstance(v, sp.Basic):
        tex = p.doprint(v)
        if v.is_number and not v.is_Rational and not isinstance(v, sp.Float):
            try:
                approx = sp.N(v, 6)
                if approx.is_real:
                    tex += r" \approx %s" % p.doprint(approx)
            except Exception:  # no approximation: the exact value stands alone
                pass
        return tex
    if isinstance(v, bool):
        return r"\text{%s}" % ("true" if v else "false")
    if isinstance(v, (int, float)):
        return p.doprint(sp.sympify(v)) if isinstance(v, int) else p.doprint(sp.Float(v))
    return r"\text{%s}" % escape_text(v)


_SIDE_LABELS = {"lhs": "left side", "rhs": "right side"}


def _label_latex(k: Any, p: SymlossLatexPrinter) -> str:
    return p.doprint(k) if isinstance(k, sp.Basic) else r"\text{%s}" % escape_text(_SIDE_LABELS.get(k, k))


_SIDES_SENTENCE = ("the claim is false here: left side ", ", right side ")


def _notes_only(expl: Any) -> Any:
    """An explanation that repeats the two sides shown above
    (``the claim is false here: left side 0, right side 1 (the unit is
    inactive here: …)``) cut to its notes (``the unit is inactive here: …``),
    an empty one when it has none; any other explanation unchanged."""
    parts = getattr(expl, "parts", None)
    if not (isinstance(parts, tuple) and len(parts) >= 4 and parts[0] == _SIDES_SENTENCE[0]
            and parts[2] == _SIDES_SENTENCE[1]):
        return expl
    rest = list(parts[4:])
    if rest and isinstance(rest[0], str) and rest[0].startswith(" ("):
        rest[0] = rest[0][2:]
        if isinstance(rest[-1], str) and rest[-1].endswith(")"):
            rest[-1] = rest[-1][:-1]
    return type(expl)(*rest)


def counterexample_latex(cx: Any, claim: Any = None, printer: SymlossLatexPrinter | None = None) -> str:
    r"""The counterexample: the values, both sides evaluated exactly, and why
    the claim fails there.

    >>> from types import SimpleNamespace as NS
    >>> w = sp.Symbol('w', real=True)
    >>> cx = NS(values={w: sp.Rational(-1, 2)}, pair=None, evaluations={'left side': sp.Integer(1)}, explanation='1 < 0 is false')
    >>> print(counterexample_latex(cx))
    Take $w = - \frac{1}{2}$.
    Evaluated exactly:
    \begin{align*}
    \text{left side} &= 1
    \end{align*}
    1 \textless{} 0 is false. Hence the claim is false.
    """
    p = printer or SymlossLatexPrinter()
    if isinstance(cx, Mapping):  # the JSON form: name -> value text, or [v1, v2]
        parts = ["$%s %s$" % (symbol_latex(str(k)) if _SIMPLE_NAME.fullmatch(str(k)) else _label_latex(k, p),
                               ("\\in \\{%s\\}" % ", ".join(_label_latex(u, p) for u in v)) if isinstance(v, (list, tuple))
                               else "= " + _value_latex(v, p)) for k, v in cx.items()]
        return "Take %s. Hence the claim is false." % join_words(parts) if parts else "Hence the claim is false."
    values = dict(getattr(cx, "values", None) or {})
    samples = getattr(cx, "samples", ()) or ()
    owner = {name: k for k, names in samples for name in names}
    parts = ["$%s = %s$" % (_label_latex(k, p), _value_latex(v, p)) for k, v in values.items() if str(k) not in owner]
    per_sample = []  # a batch: the samples after the shared values, one by one
    for k, _ in samples:
        mine = ["$%s = %s$" % (_label_latex(s, p), _value_latex(v, p)) for s, v in
                sorted(values.items(), key=lambda kv: str(kv[0])) if owner.get(str(s)) == k]
        if mine:
            per_sample.append("sample %s: %s" % (k, join_words(mine)))
    if per_sample:
        head = ("Take %s and the samples" % join_words(parts)) if parts else "Take the samples"
        out = ["%s --- %s." % (head, "; ".join(per_sample))]
    else:
        out = ["Take %s." % join_words(parts) if parts else "Take the point below."]
    pair = getattr(cx, "pair", None)
    own = _pair_evaluation(claim, values, pair, p) if pair else _sides_evaluation(claim, values, p)
    if pair and own is None:
        var, v1, v2 = pair
        vt = _label_latex(var, p)
        out.append("Compare the two values $%s = %s$ and $%s = %s$." % (vt, _value_latex(v1, p), vt, _value_latex(v2, p)))
    rows = _evaluation_rows(getattr(cx, "evaluations", None), p)
    if own is not None:
        out.append(own[0])
    elif rows:
        out.append("Evaluated exactly:\n\\begin{align*}\n%s\n\\end{align*}" % " \\\\\n".join("%s &= %s" % r for r in rows))
    expl = getattr(cx, "explanation", None)
    minimised = _argmin_at(claim, values, p)
    if minimised and expl:
        m = re.match(r"argmin over (\w+) fails: (.*)", str(expl))
        if m:  # "argmin over w fails: <why>" becomes one sentence with the function shown
            out.append("%s %s." % (minimised, symbols_as_math(m.group(2), claim, p).strip().rstrip(".")))
            expl = None
    tail = "Hence the claim is false."
    if rows and own is None:  # the two sides are on display: the sentence adds only its notes
        expl = _notes_only(expl)
    if expl and not (own is not None and own[1]):
        text = symbols_as_math(expl, claim, p).strip().rstrip(".")
        if own is not None and "false" in own[0]:  # the reason is shown above: this says how the point was found
            if not re.match(r"(?i)the claim is false here", text):  # (not when it repeats the evaluation)
                tail = r"{\small (%s.)} %s" % (text[:1].upper() + text[1:], tail)
        else:
            tail = "%s. %s" % (text[:1].upper() + text[1:], tail)
    out.append(tail)
    return "\n".join(out)


def symbols_as_math(text: Any, claim: Any, p: SymlossLatexPrinter) -> str:
    """Engine text made safe (escaped), with the claim's symbol names set as
    math: "every w is a minimiser" becomes "every $w$ is a minimiser".  An
    :class:`~symloss.engine.verdict.Explanation` keeps its formulas as
    expressions: they are typeset (``left side $\\sigma\\left(2\\right)$``)."""
    parts = getattr(text, "parts", None)
    if isinstance(parts, tuple):
        return "".join(symbols_as_math(t, claim, p) if isinstance(t, str) else "$%s$" % (
            _value_latex(t, p) if isinstance(t, sp.Expr) and not t.free_symbols else p.doprint(t)) for t in parts)
    out = escape_text(text)
    names = {s for s in list(getattr(claim, "symbols", ()) or ()) + [getattr(claim, "var", None)] if isinstance(s, sp.Symbol)}
    for s in sorted(names, key=lambda s: -len(s.name)):
        if s.name in ("a", "A", "I") or not _SIMPLE_NAME.fullmatch(s.name):
            continue
        out = re.sub(r"(?<![\\\w$])%s(?![\\\w$])" % re.escape(s.name.replace("_", "\\_")),
                     lambda m, t=p.doprint(s): "$%s$" % t, out)
    return out


def _argmin_at(claim: Any, values: Mapping, p: SymlossLatexPrinter) -> str:
    """``There the minimised function is E(w) = 0, ...``: the body of each
    ``argmin`` of the claim with the counterexample's other values put in,
    so the reader sees why no unique minimiser exists.  ``""`` when the
    claim has none."""
    formula = getattr(claim, "formula", None)
    tools = _exact_tools()
    if tools is None or not isinstance(formula, sp.Basic) or not values:
        return ""
    parts = []
    for term in sp.preorder_traversal(formula):
        if type(term).__name__ != "ArgMin" or len(term.args) < 2:
            continue
        body, var = term.args[0], term.args[1]
        try:
            at = tools[0](body, {k: v for k, v in values.items() if k != var})
        except Exception:  # the display is a courtesy; the verdict was checked elsewhere
            continue
        if at.free_symbols <= {var}:
            parts.append("$%s \\mapsto %s$" % (p.doprint(var), p.doprint(at)))
    if not parts:
        return ""
    return "There the function to be minimised is %s, so $\\operatorname*{arg\\,min}$ has no unique value:" % join_words(parts)


def _evaluation_rows(ev: Any, p: SymlossLatexPrinter) -> list[tuple[str, str]]:
    rows = []
    if isinstance(ev, Mapping):
        rows = [(_label_latex(k, p), _value_latex(v, p)) for k, v in ev.items()]
    elif isinstance(ev, (tuple, list)):
        for k, item in enumerate(ev):
            if isinstance(item, tuple) and len(item) == 2:
                rows.append((_label_latex(item[0], p), _value_latex(item[1], p)))
            else:
                rows.append((r"\text{%s side}" % ("left" if k == 0 else "right" if k == 1 else "term %d" % (k + 1)), _value_latex(item, p)))
    return rows


def _exact_tools():
    """``(substitute, truth)`` from :mod:`symloss.calculus.exact`, or ``None``."""
    try:
        from ..calculus.exact import substitute, truth
    except ImportError:  # the write-up still renders without the evaluator
        return None
    return substitute, truth


_REL_WORDS = {"==": "=", "!=": r"\neq", ">": ">", "<": "<", ">=": r"\geq", "<=": r"\leq"}


def _sides_evaluation(claim: Any, values: Mapping, p: SymlossLatexPrinter) -> tuple[str, bool] | None:
    """Both sides of a comparison claim evaluated exactly at ``values``, and
    the resulting comparison with its exact truth value.  ``None`` when the
    claim is not a plain comparison or the values do not make it closed."""
    formula = getattr(claim, "formula", None)
    tools = _exact_tools()
    if tools is None or not values or not isinstance(formula, sp.core.relational.Relational):
        return None
    substitute, truth = tools
    if any(type(a).__name__ in ("ArgMin", "Corr") for a in sp.preorder_traversal(formula)):
        return None
    try:
        lhs, rhs = substitute(formula.lhs, values), substitute(formula.rhs, values)
        if lhs.free_symbols or rhs.free_symbols:
            return None
        holds = truth(formula, values)
    except Exception:  # the evaluation is a courtesy; the verdict was checked elsewhere
        return None
    text = ("There, evaluated exactly,\n\\begin{align*}\n\\text{left side} &= %s \\\\\n\\text{right side} &= %s\n\\end{align*}"
            % (_value_latex(lhs, p), _value_latex(rhs, p)))
    if holds is False:
        need = "%s %s %s" % (p.doprint(lhs), _REL_WORDS.get(formula.rel_op, formula.rel_op), p.doprint(rhs))
        text += ("so the claim would need\n\\[ %s, \\]\nwhich is false." % need if _stacked(need)
                 else "so the claim would need $%s$, which is false." % need)
        return text, False
    return text, False


def _pair_evaluation(claim: Any, values: Mapping, pair: tuple, p: SymlossLatexPrinter) -> tuple[str, bool] | None:
    """For ``proportional``/``nondecreasing`` claims: ``A`` and ``B`` at the
    two values of the variable, and why they break the claim (checked
    exactly).  The flag says whether the reason was shown."""
    a, b, var = (getattr(claim, n, None) for n in ("a", "b", "var"))
    tools = _exact_tools()
    if tools is None or not all(isinstance(e, sp.Basic) for e in (a, b, var)):
        return None
    substitute, truth = tools
    pvar, v1, v2 = pair
    if pvar != var:
        return None
    try:
        at = [{**dict(values), var: v} for v in (v1, v2)]
        A = [substitute(a, pt) for pt in at]
        B = [substitute(b, pt) for pt in at]
        if any(e.free_symbols for e in A + B):
            return None
    except Exception:  # the evaluation is a courtesy; the verdict was checked elsewhere
        return None
    vt = p.doprint(var)
    defs = math_block(r"\begin{aligned} A(%s) &= %s \\ B(%s) &= %s \end{aligned}" % (vt, p.doprint(a), vt, p.doprint(b)),
                      printer=p)
    head = "Write\n%s\nAt $%s = %s$ and $%s = %s$, evaluated exactly," % (defs, vt, p.doprint(v1), vt, p.doprint(v2))
    rows = []
    for v, av, bv in zip((v1, v2), A, B):
        rows.append(r"A\left(%s\right) &= %s, &\qquad B\left(%s\right) &= %s" % (p.doprint(v), _value_latex(av, p), p.doprint(v), _value_latex(bv, p)))
    text = head + "\n\\begin{alignat*}{2}\n%s\n\\end{alignat*}" % " \\\\\n".join(rows)
    kind = type(claim).__name__.lower()
    why = None
    try:
        if "proportional" in kind:
            cross = [sp.Mul(A[0], B[1]), sp.Mul(A[1], B[0])]
            if truth(sp.Ne(cross[0], cross[1], evaluate=False), {}) is True:
                if all(truth(sp.Ne(bv, 0, evaluate=False), {}) is True for bv in B):
                    r1, r2 = (sp.Mul(A[0], sp.Pow(B[0], -1)), sp.Mul(A[1], sp.Pow(B[1], -1)))
                    why = ("so the ratio $A/B$ is $%s$ at $%s = %s$ but $%s$ at $%s = %s$: it depends on $%s$.%s"
                           % (p.doprint(r1), vt, p.doprint(v1), p.doprint(r2), vt, p.doprint(v2), vt, _ratio_words(a, b, p, vt)))
                else:
                    why = ("so $A(%s)\\,B(%s) = %s \\neq %s = A(%s)\\,B(%s)$: no factor free of $%s$ turns $B$ into $A$."
                           % (p.doprint(v1), p.doprint(v2), p.doprint(cross[0]), p.doprint(cross[1]),
                              p.doprint(v2), p.doprint(v1), vt))
        elif "nondecreasing" in kind:
            for i, j in ((0, 1), (1, 0)):
                if (truth(sp.Le(B[i], B[j], evaluate=False), {}) is True
                        and truth(sp.Gt(A[i], A[j], evaluate=False), {}) is True):
                    vi, vj = (v1, v2) if i == 0 else (v2, v1)
                    why = ("so from $%s = %s$ to $%s = %s$ the value of $B$ does not decrease while $A$ decreases,\n"
                           "\\[ B(%s) = %s \\leq %s = B(%s), \\qquad A(%s) = %s > %s = A(%s), \\]\n"
                           "and $A$ is not a nondecreasing function of $B$."
                           % (vt, p.doprint(vi), vt, p.doprint(vj), p.doprint(vi), p.doprint(B[i]), p.doprint(B[j]),
                              p.doprint(vj), p.doprint(vi), p.doprint(A[i]), p.doprint(A[j]), p.doprint(vj)))
                    break
    except Exception:  # no reason in words; the engine's explanation is shown instead
        why = None
    return (text + (why or ""), why is not None)


def _ratio_words(a: Any, b: Any, p: SymlossLatexPrinter, vt: str) -> str:
    """The simplified ratio on display (`` Indeed \\[ A/B = 2x/(ŷ - y) \\] ...``)
    when simplifying is cheap, else ``""``."""
    try:
        if sp.count_ops(a) + sp.count_ops(b) > 80:
            return ""
        r = sp.factor(sp.cancel(a / b))
    except Exception:  # no simplified ratio: the two values say it
        return ""
    if sp.count_ops(r) > 40 or not r.free_symbols:
        return ""
    return " Indeed, simplified,\n\\[ \\frac{A}{B} = %s, \\]\nwhich changes with $%s$." % (p.doprint(r), vt)


def _claim_paragraph(claim: Any, p: SymlossLatexPrinter) -> str:
    """What the user wrote (when it was parsed into a formula), then the
    claim in mathematical notation: ``d(L, w) == x*(yhat - y)``, that is,
    for all ... ."""
    body = claim_latex(claim, p)
    text = getattr(claim, "text", None)
    if isinstance(claim, str) or not text or len(str(text)) > 60 or r"\texttt{" in body:  # texttt does not break
        return body
    return r"\texttt{%s}, that is, %s" % (escape_text(text), body[:1].lower() + body[1:])


def _sentence(text: Any) -> str:
    """User or engine text as a sentence: escaped, capitalised, full stop."""
    out = escape_text(text).strip()
    out = out[:1].upper() + out[1:]
    return out + ("" if out.endswith((".", "!", "?")) else ".")


def _verdict(result: Any) -> str:
    v = getattr(result, "verdict", "unknown")
    v = getattr(v, "value", v)
    return str(v)


def result_latex(result: Any, printer: SymlossLatexPrinter | None = None, *, problem: Any = None) -> str:
    r"""A fragment: the claim, the verdict, and the proof (ending in ∎), the
    counterexample, or the reason nothing was decided.  Needs amsmath,
    amssymb and amsthm.  With the ``problem`` the claim is about, the
    fragment opens with its setting (model, loss, parameters), states the
    claim as typeset mathematics with the source text as a caption, and a
    proved identity about ``d(L, w)`` shows the derivation of the gradient.

    >>> from types import SimpleNamespace as NS
    >>> r = NS(verdict='unknown', claim='L >= 0', proof=None, counterexample=None, reason='timeout', method='timeout', seconds=1.5)
    >>> 'Verdict: unknown' in result_latex(r)
    True
    """
    from .statement import claim_statement_latex, differentiated_params, setting_latex, source_caption

    p = printer or SymlossLatexPrinter()
    verdict = _verdict(result)
    claim = getattr(result, "claim", None)
    method = getattr(result, "method", None)
    seconds = getattr(result, "seconds", None)
    text = getattr(claim, "text", claim if isinstance(claim, str) else None)
    proof = getattr(result, "proof", None)
    out = []
    shown = None
    params: list = []
    if problem is not None and isinstance(text, str):
        try:
            out.append(r"\paragraph{Setting.} " + setting_latex(problem, p))
            shown = claim_statement_latex(text, problem, p)
            params = [w for w in differentiated_params(text, problem) if w in tuple(getattr(problem, "params", ()))]
        except Exception:  # the setting is a courtesy: the claim paragraph below still renders
            out, shown = [], None
    identity = verdict == "proved" and isinstance(proof, Step) and _uses_zero_equivalence(proof)
    if shown is not None:
        if not isinstance(claim, str):
            head = _quantifier_of(claim, p)
        else:  # a runner row: the problem's variables and hypotheses
            head = quantifier_latex(getattr(problem, "variables", ()), problem.hypotheses() if hasattr(problem, "hypotheses") else (), p)
        para = r"\paragraph{Claim.} " + head + ":\n" + shown + "\n\n" + source_caption(text)
        if params and not identity:
            grads = []
            for w in params:
                try:
                    grads.append(math_block(problem.grad(w), printer=p, lead=r"\frac{\partial L}{\partial %s} =" % p.doprint(w)))
                except Exception:  # a gradient that cannot be shown: the claim still stands
                    pass
            if grads:
                para += "\n\n\\noindent Here, differentiating $L$ (see \\texttt{symloss derive --steps}),\n" + "\n".join(grads)
        out.append(para)
    else:
        out.append(r"\paragraph{Claim.} " + (_claim_paragraph(claim, p) if claim is not None else "(no claim)"))
    meta = r"\paragraph{Verdict: %s.}" % escape_text(verdict)
    details = []
    if method:
        details.append("method: " + escape_text(method))
    if isinstance(seconds, (int, float)):
        details.append("%.2f\\,s" % seconds)
    if details:
        meta += " (" + "; ".join(details) + ")"
    out.append(meta)
    cx = getattr(result, "counterexample", None)
    reason = getattr(result, "reason", None)
    readings = [r for r in getattr(claim, "readings", ()) if isinstance(r, Step)]
    if readings and verdict in ("proved", "refuted"):
        out.append(r"\paragraph{Reading the claim.} "
                   + " ".join(proof_latex(r, p, closing=False) for r in readings))
    if verdict == "proved" and isinstance(proof, Step):
        if reason and "vacuous" in str(reason).lower():  # true only because it is defined nowhere: say so first
            out.append(r"\paragraph{Note.} " + _sentence(reason))
        pre = ""
        if identity and params:
            parts = []
            for w in params:
                try:
                    d = problem.derivation(w)
                except Exception:  # no derivation to show: the identity step stands alone
                    continue
                parts.append("First we derive $\\partial L/\\partial %s$.\n\n%s" % (
                    p.doprint(w), derivation_latex(d, SymlossLatexPrinter(), head=False, prefix="D")))
            if parts:
                pre = "\n\n".join(parts) + "\n\nPutting the derivative and $L$ into the claim, it reads as below:\n"
        out.append("\\begin{proof}\\leavevmode\n%s%s\n\\end{proof}" % (pre, proof_latex(proof, p)))
    elif verdict == "refuted" and cx is not None:
        out.append(r"\paragraph{Counterexample.} " + counterexample_latex(cx, claim, p))
    else:
        if isinstance(proof, Step):
            out.append(r"\paragraph{Partial argument.} " + proof_latex(proof, p))
        if reason:
            out.append(r"\paragraph{Reason.} " + _sentence(reason))
    return "\n\n".join(out)


def _uses_zero_equivalence(proof: Step) -> bool:
    from ..calculus.proof import iter_steps

    return any(type(s).__name__ in ("ZeroEquivalence", "Identity") for s in iter_steps(proof))


def _quantifier_of(claim: Any, p: SymlossLatexPrinter) -> str:
    symbols = list(_claim_symbols(claim))
    var = getattr(claim, "var", None)
    if "nondecreasing" in type(claim).__name__.lower() and var in symbols:
        symbols.remove(var)
    return quantifier_latex(symbols, getattr(claim, "hypotheses", ()) or (), p)


def derivation_latex(derivation: Any, printer: SymlossLatexPrinter | None = None, *, head: bool = True,
                     prefix: str = "") -> str:
    r""":func:`symloss.render.writeup_derivation.derivation_latex` (the model, the
    loss, each step and the result) with a :class:`SymlossLatexPrinter`
    unless ``printer`` is given."""
    return _derivation_latex(derivation, printer or SymlossLatexPrinter(), head=head, prefix=prefix)
