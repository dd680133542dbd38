r"""The setting of a claim and the claim as typeset mathematics.

A section of a worked-solutions handout opens with what the claim is about
(the model :math:`\hat y = \dots`, the loss :math:`L = \dots`, the
parameter, the domains and assumptions) and then states the claim in the
notation of the course: ``d(L, w)`` as :math:`\partial L/\partial w`,
``argmin(L, w)`` as :math:`\operatorname{arg\,min}_w L`, ``sign`` as
:math:`\operatorname{sgn}`, ``where(c, a, b)`` as cases, and
``proportional``/``nondecreasing``/``corr`` in words with formulas.

* :func:`display_claim` reads the claim *text* once more with the safe
  parser, but with built-ins that build display objects (nothing is
  differentiated or decided), so the claim is shown as the user wrote it.
* :func:`claim_statement_latex` turns that into a paragraph.
* :func:`setting_latex` writes the setting of a problem.

Rendering only: nothing here is imported by the engine.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any

import sympy as sp

from .latex import SymlossLatexPrinter, escape_text, math_block, visible_width
from .latex_steps import join_words

__all__ = ["display_claim", "repr_claim_latex", "claim_statement_latex", "setting_latex", "source_caption", "differentiated_params"]

LOSS = sp.Symbol("L", real=True)
YHAT = sp.Symbol("yhat", real=True)


# --------------------------------------------------------------------------
# display objects (printed, never evaluated)


class Partial(sp.Function):
    r"""``d(E, w, k)`` as :math:`\partial^k E/\partial w^k`."""

    nargs = (2, 3)

    def _latex(self, printer, exp=None):
        body, var = self.args[0], self.args[1]
        order = self.args[2] if len(self.args) > 2 else sp.Integer(1)
        v = printer._print(var)
        k = "" if order == 1 else "^{%s}" % printer._print(order)
        if isinstance(body, sp.Symbol):
            tex = r"\frac{\partial%s %s}{\partial %s%s}" % (k, printer._print(body), v, k)
        else:
            tex = r"\frac{\partial%s}{\partial %s%s}\left(%s\right)" % (k, v, k, printer._print(body))
        return r"\left(%s\right)^{%s}" % (tex, exp) if exp else tex


class ArgMinD(sp.Function):
    nargs = 2

    def _latex(self, printer, exp=None):
        body, var = self.args
        b = printer._print(body)
        if not isinstance(body, sp.Symbol):
            b = r"\left(%s\right)" % b
        tex = r"\operatorname*{arg\,min}_{%s} %s" % (printer._print(var), b)
        return r"\left(%s\right)^{%s}" % (tex, exp) if exp else tex


class AtD(sp.Function):
    """``at(E, w=v)``: E evaluated at w = v (args: E, w1, v1, w2, v2, ...)."""

    def _latex(self, printer, exp=None):
        body, rest = self.args[0], self.args[1:]
        subs = ", ".join("%s = %s" % (printer._print(a), printer._print(b)) for a, b in zip(rest[::2], rest[1::2]))
        tex = r"\left. %s \right|_{%s}" % (printer._print(body), subs)
        return r"\left(%s\right)^{%s}" % (tex, exp) if exp else tex


class CorrD(sp.Function):
    nargs = 4

    def _latex(self, printer, exp=None):
        a, b, var, dist = self.args
        tex = r"\operatorname{corr}_{%s \sim %s}\left(%s,\; %s\right)" % (
            printer._print(var), printer._print(dist), printer._print(a), printer._print(b))
        return r"\left(%s\right)^{%s}" % (tex, exp) if exp else tex


class UniformD(sp.Function):
    nargs = 2

    def _latex(self, printer, exp=None):
        return r"\mathcal{U}\left(%s, %s\right)" % tuple(printer._print(a) for a in self.args)


class NormalD(sp.Function):
    nargs = 2

    def _latex(self, printer, exp=None):
        mu, sd = self.args
        return r"\mathcal{N}\left(%s, %s\right)" % (printer._print(mu), printer._print(sd ** 2))


@dataclass(frozen=True)
class RelationD:
    """``proportional(A, B, w)``, ``nondecreasing(A, B, w)``, or
    ``convex(E, w)`` / ``concave(E, w)`` (``b`` is ``None``), as written."""

    kind: str
    a: Any
    b: Any
    var: Any


def _builtins():
    from ..language.parser import ANY_KEYWORD, Builtin

    def d(args, kwargs, column):
        return Partial(*args)

    def at(args, kwargs, column):
        flat = []
        pairs = list(zip(args[1::2], args[2::2])) if len(args) > 1 else []
        for k, v in kwargs.items():
            flat += [sp.Symbol(k, real=True), v]
        for k, v in pairs:
            flat += [k, v]
        return AtD(args[0], *flat)

    spec = [
        ("d", d, (1, 3), frozenset()),
        ("argmin", lambda a, k, c: ArgMinD(*a), (2, 2), frozenset()),
        ("at", at, (1, 3), frozenset({ANY_KEYWORD})),
        ("proportional", lambda a, k, c: RelationD("proportional", *a), (3, 3), frozenset()),
        ("nondecreasing", lambda a, k, c: RelationD("nondecreasing", *a), (3, 3), frozenset()),
        ("convex", lambda a, k, c: RelationD("convex", a[0], None, a[1]), (2, 2), frozenset()),
        ("concave", lambda a, k, c: RelationD("concave", a[0], None, a[1]), (2, 2), frozenset()),
        ("corr", lambda a, k, c: CorrD(*a), (4, 4), frozenset()),
        ("uniform", lambda a, k, c: UniformD(*a), (2, 2), frozenset()),
        ("normal", lambda a, k, c: NormalD(*a), (2, 2), frozenset()),
        ("implies", lambda a, k, c: sp.Implies(*a, evaluate=False), (2, 2), frozenset()),
    ]
    return {name: Builtin(name, call, arity=arity, keywords=kw) for name, call, arity, kw in spec}


def display_claim(text: str, problem: Any = None) -> Any:
    """The claim ``text`` as a display object: a SymPy boolean with
    :class:`Partial`, :class:`ArgMinD`, ... in it, or a :class:`RelationD`;
    ``None`` when the text cannot be read this way.  ``L`` and ``yhat``
    stay names; nothing is differentiated or decided.

    >>> display_claim("d(L, w) == -y*x*L")
    Eq(Partial(L, w), -L*x*y)
    """
    from ..language.domains import SymbolTable
    from ..language.parser import parse

    if not isinstance(text, str) or not text.strip():
        return None
    table = getattr(problem, "symbols", None)
    try:
        table = copy.deepcopy(table) if table is not None else SymbolTable()
        value = parse(text, table, builtins=_builtins(), names={"L": LOSS, "yhat": YHAT}, evaluate_conditions=False)
    except Exception:  # the display is a courtesy: the caller falls back to the source text
        return None
    if isinstance(value, bool) or value in (sp.true, sp.false):
        return None
    return value if isinstance(value, (sp.Basic, RelationD)) else None


def differentiated_params(text: str, problem: Any = None) -> list:
    """The parameters ``w`` of every first derivative ``d(L, w)`` in the
    claim text, in order."""
    value = display_claim(text, problem)
    if value is None:
        return []
    parts = [value.a, value.b] if isinstance(value, RelationD) else [value]
    out = []
    for part in parts:
        if not isinstance(part, sp.Basic):
            continue
        for t in sp.preorder_traversal(part):
            if (isinstance(t, Partial) and t.args[0] == LOSS and t.args[1] not in out
                    and (len(t.args) < 3 or t.args[2] == 1)):
                out.append(t.args[1])
    return out


# --------------------------------------------------------------------------
# the claim in words and formulas


def _m(p: SymlossLatexPrinter, e: Any) -> str:
    return "$%s$" % slashed(p.doprint(e))


def slashed(tex: str) -> str:
    r"""Inline form of derivatives: ``\frac{\partial L}{\partial w}`` becomes
    ``\partial L/\partial w`` (no small stacked fraction in running text)."""
    return re.sub(r"\\frac\{\\partial(\^\{\d+\})? ([^{}]*)\}\{\\partial ([^{}]*?(?:\^\{\d+\})?)\}", r"\\partial\1 \2/\\partial \3", tex)


def claim_statement_latex(text: str, problem: Any = None, printer: SymlossLatexPrinter | None = None) -> str | None:
    r"""The claim as typeset mathematics (a display, with words around it
    for ``proportional``/``nondecreasing``/``corr``); ``None`` when the text
    cannot be displayed.

    >>> print(claim_statement_latex("sign(d(L, w)) == sign(w - argmin(L, w))"))
    \[ \operatorname{sgn}\left(\frac{\partial L}{\partial w}\right) = \operatorname{sgn}\left(w - \operatorname*{arg\,min}_{w} L\right) \]
    """
    p = printer or SymlossLatexPrinter()
    value = display_claim(text, problem)
    if value is None:
        return None
    if isinstance(value, RelationD) and value.kind in ("convex", "concave"):
        return _convexity_statement(p, value)
    if isinstance(value, RelationD):
        a, b, v = _m(p, value.a), _m(p, value.b), _m(p, value.var)
        if value.kind == "proportional":
            c = sp.Symbol("c")
            return ("%s is proportional to %s as functions of %s: there is a factor $c$ that does not depend on %s with\n"
                    "\\[ %s = c\\, %s \\quad \\text{for all } %s, \\]\n"
                    "that is, the ratio %s is constant in %s." % (
                        a, b, v, v, p.doprint(value.a), p.doprint(value.b), p.doprint(value.var),
                        "$%s / %s$" % (slashed(_paren(p, value.a)), slashed(_paren(p, value.b))), v)).replace("c\\,", p.doprint(c) + "\\,")
        v1 = sp.Symbol(value.var.name + "_1", real=True)
        v2 = sp.Symbol(value.var.name + "_2", real=True)
        a1, a2 = _at(p, value.a, value.var, v1), _at(p, value.a, value.var, v2)
        b1, b2 = _at(p, value.b, value.var, v1), _at(p, value.b, value.var, v2)
        return ("%s is a nondecreasing function of %s along %s: whenever %s grows from one value of %s to another, "
                "%s does not decrease, i.e.\\ for all %s and %s,\n"
                "\\[ %s \\leq %s \\;\\Longrightarrow\\; %s \\leq %s. \\]" % (
                    a, b, v, b, v, a, _m(p, v1), _m(p, v2), b1, b2, a1, a2))
    corr = [t for t in sp.preorder_traversal(value) if isinstance(t, CorrD)]
    body = math_block(value, printer=p)
    if corr:
        a, b, var, dist = corr[0].args
        body += ("where $\\operatorname{corr}$ is the Pearson correlation of %s and %s when %s is drawn from %s "
                 "(the other variables fixed)." % (_m(p, a), _m(p, b), _m(p, var), _m(p, dist)))
    return body


def _convexity_statement(p: SymlossLatexPrinter, value: RelationD) -> str:
    r"""``E is convex in w``: Jensen's inequality for every two values of ``w``
    (between which ``E`` is defined) and every weight ``t``."""
    v = value.var
    v1, v2 = sp.Symbol(v.name + "_1", real=True), sp.Symbol(v.name + "_2", real=True)
    t = sp.Symbol("t", real=True)
    mid = _at(p, value.a, v, t * v1 + (1 - t) * v2)
    rel = r"\leq" if value.kind == "convex" else r"\geq"
    return ("%s is %s in %s: for all %s, %s on an interval of admissible values and every $t \\in [0, 1]$,\n"
            "\\[ %s %s t\\, %s + (1 - t)\\, %s. \\]" % (
                _m(p, value.a), value.kind, _m(p, v), _m(p, v1), _m(p, v2), mid, rel,
                _at(p, value.a, v, v1), _at(p, value.a, v, v2)))


def repr_claim_latex(value: Any, printer: SymlossLatexPrinter | None = None) -> str | None:
    """One line of math for a displayed claim (Jupyter): relations in symbols
    (``A \\propto_w B``), everything else as printed."""
    p = printer or SymlossLatexPrinter()
    if value is None:
        return None
    if isinstance(value, RelationD) and value.kind in ("convex", "concave"):
        return r"%s\ \text{is %s in}\ %s" % (p.doprint(value.a), value.kind, p.doprint(value.var))
    if isinstance(value, RelationD):
        if value.kind == "proportional":
            return r"%s \propto_{%s} %s" % (p.doprint(value.a), p.doprint(value.var), p.doprint(value.b))
        return r"%s\ \text{is a nondecreasing function of}\ %s\ \text{along}\ %s" % (
            p.doprint(value.a), p.doprint(value.b), p.doprint(value.var))
    return p.doprint(value)


def _paren(p: SymlossLatexPrinter, e: Any) -> str:
    tex = p.doprint(e)
    return tex if isinstance(e, (sp.Symbol, Partial)) else r"\left(%s\right)" % tex


def _at(p: SymlossLatexPrinter, e: Any, var: Any, value: Any) -> str:
    """``L(w_1)`` for a name, ``\\frac{∂L}{∂w}(w_1)``, else the formula with ``w_1`` put in."""
    if isinstance(e, (sp.Symbol, Partial)) or (isinstance(e, sp.Abs) and isinstance(e.args[0], (sp.Symbol, Partial))):
        return r"%s\left(%s\right)" % (_paren(p, e) if isinstance(e, Partial) else p.doprint(e), p.doprint(value))
    return p.doprint(e.xreplace({var: value}))


def source_caption(text: str) -> str:
    """The claim as typed, small, for reproducibility."""
    return r"{\small\noindent (as written in the claim file: \texttt{%s})}" % escape_text(text)


# --------------------------------------------------------------------------
# the setting


def setting_latex(problem: Any, printer: SymlossLatexPrinter | None = None, *, params: Any = ()) -> str:
    r"""The model, the loss and the parameters of ``problem`` as one
    paragraph (without the domains, which the claim's quantifier states).

    >>> from symloss.problem import problem
    >>> print(setting_latex(problem('linear', 'squared')))
    Model $\hat{y} = w x + b$ (linear) and loss (squared),
    \[ \ell\left(\hat{y}, y\right) = \frac{\left(\hat{y} - y\right)^{2}}{2}, \qquad L = \frac{\left(w x + b - y\right)^{2}}{2}. \]
    \noindent Parameters: $w$ and $b$.
    """
    p = printer or SymlossLatexPrinter()
    if getattr(problem, "sample", None) is not None:  # an empirical risk: the mean in Σ notation
        from .dataset_latex import batch_setting_latex

        return batch_setting_latex(problem, p)
    model, loss, L = getattr(problem, "model", None), getattr(problem, "loss", None), getattr(problem, "L", None)
    mname = getattr(getattr(problem, "model_spec", None), "name", None)
    lname = getattr(getattr(problem, "loss_spec", None), "name", None)
    loss_name = " (%s)" % escape_text(lname) if lname else ""
    if model is not None:
        models = tuple(model) if isinstance(model, (tuple, list)) else (model,)
        yh = getattr(problem, "yhat", None)
        yhats = tuple(yh) if isinstance(yh, (tuple, list)) else ((yh,) if yh is not None else (YHAT,))
        if len(yhats) != len(models):
            yhats = (YHAT,) * len(models)
        eqs = join_words([_inline(p, sp.Eq(a, m, evaluate=False)) for a, m in zip(yhats, models)])
        text = "Model %s%s and loss%s," % (eqs, " (%s)" % escape_text(mname) if mname else "", loss_name)
        args = ", ".join(p.doprint(a) for a in yhats) + "".join(", " + p.doprint(s) for s in getattr(problem, "labels", ())[:1])
        ell = r"\ell\left(%s\right) = %s" % (args, p.doprint(loss)) if isinstance(loss, sp.Basic) else ""
        both = r"%s, \qquad L = %s." % (ell, p.doprint(L))
        if ell and visible_width(both) <= 64:
            text += "\n\\[ %s \\]" % both
        else:
            if ell:
                text += "\n" + math_block(loss, printer=p, lead=r"\ell\left(%s\right) =" % args)
            text += "\nso that\n" + _with_period(math_block(L, printer=p, lead="L ="))
    else:
        text = "Loss%s\n%s" % (loss_name, _with_period(math_block(L, printer=p, lead="L =")))
    prm = list(getattr(problem, "params", ()) or ())
    if prm:
        text += "\n\\noindent Parameter%s: %s." % ("s" if len(prm) > 1 else "", join_words([_m(p, q) for q in prm]))
    hyper = list(getattr(problem, "hyper", ()) or ())
    if hyper:
        text += " Hyper-parameter%s: %s." % ("s" if len(hyper) > 1 else "", join_words([_m(p, h) for h in hyper]))
    return text


def _with_period(block: str) -> str:
    if block.endswith(" \\]"):
        return block[:-3] + ". \\]"
    if block.endswith("\n\\end{multline*}"):
        return block[: -len("\n\\end{multline*}")] + ".\n\\end{multline*}"
    return block + "."


def _inline(p: SymlossLatexPrinter, e: Any, lead: str = "") -> str:
    return math_block(e, printer=p, inline_ok=True, lead=lead)
