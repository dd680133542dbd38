r"""LaTeX write-ups of derivations of :math:`\partial L/\partial\theta`:
the model and loss, each step (chain rule with its outer and inner
derivatives, the rewrites with their rules in words) and the result.

:class:`DerivationPrinterMixin` holds the derivation-step printers of
:class:`symloss.render.latex.SymlossLatexPrinter` (``_print_ChainRule``,
``_print_Derivation``, ... for the steps of :mod:`symloss.calculus.derive`);
they call the functions here with the printer itself, so this module needs
no printer class (:func:`symloss.render.writeup.derivation_latex` supplies
the default one).  Objects are read by attribute, so this
module imports no engine module; the names stay importable from
:mod:`symloss.render.writeup`.
"""

from __future__ import annotations

from typing import Any

import sympy as sp

from sympy.printing.latex import LatexPrinter

from .latex_text import escape_text, math_block  # the printer is passed in
from .latex_steps import _step_key, join_words

__all__ = [
    "DerivationPrinterMixin",
    "derivation_latex",
    "loss_derivative_latex",
    "model_derivative_latex",
    "direct_derivative_latex",
    "chain_rule_latex",
    "rewrite_words",
    "rules_note",
]



def derivation_latex(derivation: Any, printer: LatexPrinter, *, head: bool = True,
                     prefix: str = "") -> str:
    r"""A fragment deriving :math:`\partial L/\partial\theta`: the model, the
    loss, each step (chain rule with its outer and inner derivatives, then
    the rewrites, each with its rule in words) and the canonical result.

    >>> from types import SimpleNamespace as NS
    >>> w, x, y, yhat = sp.symbols('w x y yhat', real=True)
    >>> d = NS(param=w, model_expr=(w*x,), loss_expr=(yhat - y)**2, steps=(), result=2*x*(w*x - y))
    >>> from symloss.render.latex import SymlossLatexPrinter
    >>> print(derivation_latex(d, SymlossLatexPrinter()))
    Model: $\hat{y} = w x$. Loss: $\ell = \left(\hat{y} - y\right)^{2}$.
    <BLANKLINE>
    Hence
    \[ \frac{\partial L}{\partial w} = 2 \left(w x - y\right) x \]
    """
    p = printer
    param = getattr(derivation, "param", None)
    steps = tuple(getattr(derivation, "steps", ()) or ())
    model = _first_attr(derivation, ("model_expr", "model"))
    loss = _first_attr(derivation, ("loss_expr", "loss"))
    models = tuple(model) if isinstance(model, (tuple, list)) else ((model,) if isinstance(model, sp.Basic) else ())
    yhats = tuple(getattr(steps[0], "yhats", ()) or ()) if steps else ()
    if len(yhats) != len(models):
        yhats = (sp.Symbol("yhat"),) if len(models) == 1 else tuple(sp.Symbol("yhat_%d" % k) for k in range(1, len(models) + 1))
    heads = []
    if models and head:
        heads.append("Model: %s" % _with_period(join_words([math_block(sp.Eq(yh, m, evaluate=False), printer=p, inline_ok=True)
                                                             for yh, m in zip(yhats, models)])))
    if isinstance(loss, sp.Basic) and head:
        heads.append("Loss: %s" % _with_period(math_block(loss, printer=p, inline_ok=True, lead=r"\ell =" if models else "L =")))
    out = [" ".join(heads)] if heads else []
    composite = getattr(steps[0], "composite", None) if steps else None
    if isinstance(composite, sp.Basic) and head:
        out.append("With the model substituted, " + _with_period(math_block(composite, printer=p, inline_ok=True, lead="L =")))
    dl = (r"\frac{\partial L}{\partial %s} =" % p.doprint(param)) if isinstance(param, sp.Basic) else "="
    if steps:
        p.labels = {_step_key(s): k for k, s in enumerate(steps, 1)}
        if prefix:
            p.label_text = lambda k: "%s%d" % (prefix, k)
        items = []
        result = getattr(derivation, "result", None)
        for k, s in enumerate(steps, 1):
            if all(hasattr(s, a) for a in ("before", "after", "rule")):
                if k == len(steps) and s.after == result and isinstance(param, sp.Basic):
                    words = rewrite_words(p, s)
                    body = "%s gives the closed form." % (words[3:] if words.startswith("by ") else words)  # shown after "Hence"
                else:
                    body = "%s: %s" % (rewrite_words(p, s), math_block(s.after, printer=p, lead=dl))
            elif type(s).__name__ == "ChainRule" and k == len(steps) and getattr(s, "result", None) == result:
                body = chain_rule_latex(p, s, final=True)  # the closed form is stated once, after "Hence"
            else:
                body = p._print(s)
            items.append(r"\item[(%s%d)] %s" % (prefix, k, body[:1].upper() + body[1:]))
        out.append("\\begin{enumerate}\n%s\n\\end{enumerate}" % "\n".join(items))
    result = getattr(derivation, "result", None)
    if isinstance(result, sp.Basic) and isinstance(param, sp.Basic):
        out.append("Hence\n" + math_block(result, printer=p, lead=dl))
    return "\n\n".join(out)


def _with_period(block: str) -> str:
    """End a sentence that ends in math: after inline math, or inside a
    display (so the period does not land alone on the next line)."""
    if block.endswith(" \\]"):
        return block[:-3] + ". \\]"
    if block.endswith("\n\\end{multline*}"):
        return block[: -len("\n\\end{multline*}")] + ".\n\\end{multline*}"
    return block + "."


def _first_attr(obj: Any, names: tuple[str, ...]) -> Any:
    for n in names:
        v = getattr(obj, n, None)
        if v is not None:
            return v
    return None


# --------------------------------------------------------------------------
# derivation steps (the printer's _print_<Step> methods for symloss.calculus.derive
# delegate here)

#: derivative rules quoted next to the outer and inner derivatives
_DERIVATIVE_RULES = (
    ("sigmoid", r"\sigma'(z) = \sigma(z)\,(1 - \sigma(z))"),
    ("softplus", r"\operatorname{softplus}'(z) = \sigma(z)"),
    ("tanh", r"\tanh'(z) = 1 - \tanh^{2}(z)"),
    ("relu", r"\tfrac{d}{dz}\max(0, z) = \mathbf{1}[z > 0]"),
    ("log", r"(\log z)' = 1/z"),
    ("exp", r"(e^{z})' = e^{z}"),
    ("Abs", r"|z|' = \operatorname{sgn}(z)"),
)


def _d(p: LatexPrinter, f: str, v: Any) -> str:
    return r"\frac{\partial %s}{\partial %s}" % (f, p.doprint(v))


def rules_note(expr: Any) -> str:
    r"""``, using $\sigma'(z) = ...$``: the derivative rules of the functions
    in ``expr`` that a reader may not have at hand.

    >>> rules_note(sp.log(sp.Symbol('y')))
    ", using $(\\log z)' = 1/z$"
    """
    heads = {type(a).__name__ for a in sp.preorder_traversal(expr) if isinstance(a, sp.Function)}
    rules = [tex for name, tex in _DERIVATIVE_RULES if name in heads]
    return (", using $%s$" % "$ and $".join(rules)) if rules else ""


def loss_derivative_latex(p: LatexPrinter, step: Any, note: str = "") -> str:
    """``outer derivative: ∂ℓ/∂ŷ = ...`` (displayed)."""
    lead = _d(p, r"\ell", step.yhat) + " ="
    return "outer derivative%s: " % note + math_block(step.derivative, printer=p, lead=lead)


def model_derivative_latex(p: LatexPrinter, step: Any, yhat: Any = None, note: str = "") -> str:
    """``inner derivative: ∂ŷ/∂θ = ...`` (displayed)."""
    yh = yhat if yhat is not None else (getattr(step, "yhat", None) or sp.Symbol("yhat"))
    lead = _d(p, p.doprint(yh), step.param) + " ="
    return "inner derivative%s: " % note + math_block(step.derivative, printer=p, lead=lead)


def direct_derivative_latex(p: LatexPrinter, step: Any) -> str:
    """A loss written in the parameters, differentiated directly."""
    lead = _d(p, "L", step.param) + " ="
    return "differentiating directly%s: " % rules_note(step.expr) + math_block(step.derivative, printer=p, lead=lead)


def chain_rule_latex(p: LatexPrinter, step: Any, final: bool = False) -> str:
    """The chain rule with its outer and inner derivatives; outputs that do
    not depend on the parameter are named once instead of listed.  With
    ``final`` the product is announced, not displayed (the caller states the
    closed form)."""
    yhs = list(step.yhats)
    links = " + ".join(r"%s\,%s" % (_d(p, r"\ell", yh), _d(p, p.doprint(yh), step.param)) for yh in yhs)
    where = join_words(["$%s = %s$" % (p.doprint(yh), p.doprint(m)) for yh, m in zip(yhs, step.models)])
    parts = ["by the chain rule through %s,\n\\[ %s = %s \\]\nwith" % (where, _d(p, "L", step.param), links)]
    live = [(o, i, yh) for o, i, yh in zip(step.outer, step.inner, yhs) if i.derivative != 0]
    dead = [yh for i, yh in zip(step.inner, yhs) if i.derivative == 0]
    items, notes = [], set()
    for o, _, _ in live:
        note = rules_note(o.loss)
        items.append(loss_derivative_latex(p, o, "" if note in notes else note))
        notes.add(note)
    for _, i, yh in live:
        note = rules_note(i.model)
        items.append(model_derivative_latex(p, i, yh, "" if note in notes else note))
        notes.add(note)
    if dead:
        zero = " = ".join(_d(p, p.doprint(yh), step.param) for yh in dead)
        items.append("$%s = 0$, so %s drop%s out" % (zero, join_words(["$%s$" % p.doprint(yh) for yh in dead]),
                                                     "s" if len(dead) == 1 else ""))
    parts.append("\\begin{itemize}\n%s\n\\end{itemize}" % "\n".join(r"\item " + t for t in items))
    back = join_words(["$%s = %s$" % (p.doprint(yh), p.doprint(m)) for yh, m in zip(yhs, step.models)])
    if final:
        parts.append("so multiplying and putting %s back gives the closed form." % back)
    else:
        parts.append("so, multiplying and putting %s back, " % back
                     + math_block(step.result, printer=p, lead=_d(p, "L", step.param) + " ="))
    return "\n".join(parts)


def _cancelled_denominators(before: Any, after: Any) -> list:
    """Bases of negative powers in ``before`` that ``after`` no longer
    divides by (``σ(z)`` in ``σ(z)·(… − y/σ(z))``)."""
    def denominators(e):
        if not isinstance(e, sp.Basic):
            return []
        out = []
        for a in sp.preorder_traversal(e):
            if isinstance(a, sp.Pow) and a.exp.is_negative and a.base.free_symbols and a.base not in out:
                out.append(a.base)
        return out
    remaining = set(denominators(after))
    return [d for d in denominators(before) if d not in remaining]


def rewrite_words(p: LatexPrinter, step: Any) -> str:
    r"""``by recognising σ(z) = 1/(1 + e^{-z})`` for a derivation rewrite;
    for the simplification, the denominators it cancels are named.

    >>> from types import SimpleNamespace as NS
    >>> from symloss.render.latex import SymlossLatexPrinter
    >>> rewrite_words(SymlossLatexPrinter(), NS(rule='sigmoid_from_exp'))
    'by recognising $\\sigma(z) = 1/(1 + e^{-z})$'
    """
    rule = getattr(step, "rule", "")
    words = {"kronecker_sum": r"collapsing the Kronecker-delta sum (only the term $j = i$ survives)",
             "sigmoid_from_exp": r"recognising $\sigma(z) = 1/(1 + e^{-z})$"}
    if rule == "factor":
        gone = _cancelled_denominators(getattr(step, "before", sp.S.Zero), getattr(step, "after", sp.S.Zero))
        if gone:
            return "by cancelling the denominator%s %s and collecting the residual" % (
                "s" if len(gone) > 1 else "", join_words(["$%s$" % p.doprint(g) for g in gone]))
        return "by simplifying (expanding, cancelling, collecting the residual and the input factor)"
    return "by " + words.get(rule, "the rewrite " + escape_text(rule))


class DerivationPrinterMixin:
    """The printers of derivation steps (:mod:`symloss.calculus.derive`),
    mixed into :class:`symloss.render.latex.SymlossLatexPrinter`; each calls
    the write-up function of this module with the printer itself."""

    def _print_LossDerivative(self, step, note: str = "") -> str:
        return loss_derivative_latex(self, step, note)

    def _print_ModelDerivative(self, step, yhat: Any = None, note: str = "") -> str:
        return model_derivative_latex(self, step, yhat, note)

    def _print_DirectDerivative(self, step) -> str:
        return direct_derivative_latex(self, step)

    def _print_ChainRule(self, step, final: bool = False) -> str:
        return chain_rule_latex(self, step, final)

    def rewrite_words(self, step) -> str:
        """``by recognising σ(z) = 1/(1 + e^{-z})`` for a derivation rewrite."""
        return rewrite_words(self, step)

    def _print_Derivation(self, step) -> str:
        return derivation_latex(step, self)
