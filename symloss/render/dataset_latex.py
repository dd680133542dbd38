"""LaTeX of an empirical risk: the mean over the samples in Σ notation, the
per-sample model and loss, then the expanded sum (see :mod:`symloss.dataset`).

Rendering only: nothing here is imported by the engine.
"""

from __future__ import annotations

from typing import Any

import sympy as sp

from .latex import SymlossLatexPrinter, escape_text, math_block
from .latex_steps import join_words

__all__ = ["batch_setting_latex"]


def _m(p: SymlossLatexPrinter, e: Any) -> str:
    return "$%s$" % p.doprint(e)


def batch_setting_latex(problem: Any, printer: SymlossLatexPrinter | None = None) -> str:
    r"""The setting of a problem over a batch: the empirical risk as a mean
    of per-sample losses, the per-sample model and loss of the single-sample
    problem, then ``L`` written out (for a concrete ``N``) or as the ``Sum``.

    >>> from symloss.problem import problem
    >>> print(batch_setting_latex(problem('linear', 'squared', samples=2)))  # doctest: +NORMALIZE_WHITESPACE
    Empirical risk over $2$ samples $\left(x_{k}, y_{k}\right)$, $k = 1, \dots, 2$, the parameters shared:
    \[ L = \frac{1}{2} \sum_{k=1}^{2} \ell\left(\hat{y}_{k}, y_{k}\right), \qquad \hat{y}_{k} = w x_{k} + b, \]
    with the model $\hat{y} = w x + b$ (linear) and the loss (squared) $\ell\left(\hat{y}, y\right) = \frac{\left(\hat{y} - y\right)^{2}}{2}$ of one sample; written out,
    \[ L = \frac{\left(w x_{1} + b - y_{1}\right)^{2}}{4} + \frac{\left(w x_{2} + b - y_{2}\right)^{2}}{4}. \]
    \noindent Parameters: $w$ and $b$.
    """
    p = printer or SymlossLatexPrinter()
    single = problem.sample
    n = problem.samples
    k = sp.Symbol("i" if isinstance(n, sp.Basic) else "k", integer=True)
    data = [s for s in (*single.inputs, *single.labels) if isinstance(s, sp.Symbol)]
    sub = {s: sp.Symbol(f"{s.name}_{k}", real=True) for s in data}
    yhat = sp.Symbol(f"yhat_{k}", real=True)
    pair = r"\left(%s\right)" % ", ".join(p.doprint(sub[s]) for s in data)
    n_tex = p.doprint(n)
    text = r"Empirical risk over $%s$ samples $%s$, $%s = 1, \dots, %s$, the parameters shared:" % (
        n_tex, pair, p.doprint(k), n_tex)
    labels = [sub[s] for s in single.labels if isinstance(s, sp.Symbol)]
    mname = getattr(getattr(single, "model_spec", None), "name", None)
    lname = getattr(getattr(single, "loss_spec", None), "name", None)
    if single.model is not None:
        ell = r"\ell\left(%s\right)" % ", ".join([p.doprint(yhat)] + [p.doprint(l) for l in labels])
        model_k = single.model.xreplace(sub)
        text += "\n\\[ L = \\frac{1}{%s} \\sum_{%s=1}^{%s} %s, \\qquad %s = %s, \\]" % (
            n_tex, p.doprint(k), n_tex, ell, p.doprint(yhat), p.doprint(model_k))
        one = r"\ell\left(%s\right) = %s" % (
            ", ".join([p.doprint(single.yhat)] + [p.doprint(l) for l in single.labels]), p.doprint(single.loss))
        text += "\nwith the model %s%s and the loss%s $%s$ of one sample; written out," % (
            _m(p, sp.Eq(single.yhat, single.model, evaluate=False)),
            " (%s)" % escape_text(mname) if mname else "", " (%s)" % escape_text(lname) if lname else "", one)
    else:
        term = single.L.xreplace(sub)
        text += "\n\\[ L = \\frac{1}{%s} \\sum_{%s=1}^{%s} %s, \\]" % (n_tex, p.doprint(k), n_tex, p.doprint(term))
        text += "\nwritten out,"
    block = math_block(problem.L, printer=p, lead="L =")
    text += "\n" + (block[:-3] + ". \\]" if block.endswith(" \\]") else block + ".")
    prm = list(problem.params or ())
    if prm:
        text += "\n\\noindent Parameter%s: %s." % ("s" if len(prm) > 1 else "", join_words([_m(p, q) for q in prm]))
    hyper = list(problem.hyper or ())
    if hyper:
        text += " Hyper-parameter%s: %s." % ("s" if len(hyper) > 1 else "", join_words([_m(p, h) for h in hyper]))
    return text
