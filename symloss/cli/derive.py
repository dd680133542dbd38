"""``symloss derive --model M --loss L [--param P]... [--vars NAME=DOMAIN]... [--latex]``

Prints the closed-form gradient, one line per parameter::

    $ symloss derive --model logistic --loss bce
    ∂L/∂w = x⋅(σ(b + w⋅x) - y)
    ∂L/∂b = σ(b + w⋅x) - y

``--list`` prints the catalogue of models and losses instead.
"""

from __future__ import annotations

import argparse
from fractions import Fraction

from ..calculus.catalogue import CATALOGUE
from ..errors import InvalidArgument
from ..render.pretty import latex, name_text, one_line
from ..problem import problem

__all__ = ["add_parser", "run", "one_line", "latex", "catalogue_listing"]


def _samples(text):
    """``--samples``: an integer, or the name of a symbolic batch size (checked by problem())."""
    if text is None:
        return None
    return int(text) if text.strip().lstrip("-").isdigit() else text


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register ``derive`` on the ``symloss`` command's subparsers."""
    parser = subparsers.add_parser(
        "derive",
        help="print the closed-form gradient of a model/loss pair",
        description="Print ∂L/∂θ for every parameter θ (or the ones named with --param).",
    )
    parser.add_argument("--model", default=None, help="catalogue model name or expression (omit: loss in the parameters)")
    parser.add_argument("--loss", default=None, help="catalogue loss name or expression in yhat, y, ...")
    parser.add_argument("--param", action="append", default=None, metavar="P",
                        help="parameter to differentiate in (repeatable or comma-separated; default: all)")
    parser.add_argument("--vars", action="append", default=[], metavar="NAME=DOMAIN",
                        help="domain of a symbol, e.g. y={0,1} or delta=positive (repeatable)")
    parser.add_argument("--hyper", action="append", default=[], metavar="NAME=VALUE",
                        help="fix a hyper-parameter to an exact value, e.g. delta=1/2 (repeatable)")
    parser.add_argument("--samples", default=None, metavar="N",
                        help="the empirical risk over N samples (an integer, or a name such as n for a symbolic "
                             "batch size): L = (1/N) Σ_k ℓ(ŷ(θ, x_k), y_k)")
    parser.add_argument("--latex", action="store_true", help="print LaTeX instead of text")
    parser.add_argument("--steps", action="store_true",
                        help="show the derivation step by step (chain rule, outer and inner derivatives, "
                             "rewrites); with --latex, as a LaTeX fragment")
    parser.add_argument("--list", action="store_true", help="list the catalogue of models and losses")
    parser.set_defaults(run=run)
    return parser


def catalogue_listing() -> str:
    """The catalogue as text: one line per model and per loss."""
    lines = ["Models:"]
    for m in CATALOGUE.models:
        formula = ", ".join(one_line(e) for e in m.outputs)
        alias = f" (also {', '.join(m.aliases)})" if m.aliases else ""
        lines.append(f"  {m.name}{alias}: ŷ = {formula}  [params {', '.join(name_text(q) for q in m.params)}]")
    lines.append("Losses:")
    for l in CATALOGUE.losses:
        alias = f" (also {', '.join(l.aliases)})" if l.aliases else ""
        doms = "; ".join(f"{name_text(k)} ∈ {v}" for k, v in l.domains.items())
        lines.append(f"  {l.name}{alias}: {one_line(l.formula)}" + (f"  [{doms}]" if doms else ""))
    return "\n".join(lines)


def _hyper(items) -> dict:
    out = {}
    for item in items:
        if "=" not in item:
            raise InvalidArgument(f"--hyper needs NAME=VALUE, got {item!r}")
        name, value = (s.strip() for s in item.split("=", 1))
        try:
            out[name] = Fraction(value)
        except (ValueError, ZeroDivisionError):
            raise InvalidArgument(f"--hyper {name}: not an exact number: {value!r}") from None
    return out


def run(args) -> int:
    """Print the gradient lines; 0 on success (errors are raised as
    :class:`~symloss.errors.SymlossError` and turned into exit 2 by ``main``)."""
    if args.list:
        print(catalogue_listing())
        return 0
    if args.loss is None:
        raise InvalidArgument("derive needs --loss (or --list)")
    params = None
    if args.param:
        params = [p.strip() for item in args.param for p in item.split(",") if p.strip()]
    prob = problem(args.model, args.loss, params=params, vars=list(args.vars), hyper=_hyper(args.hyper) or None,
                   samples=_samples(args.samples))
    for p in prob.params:
        g = prob.grad(p)
        if getattr(args, "steps", False):
            _print_steps(prob.derivation(p), p, latex_output=args.latex)
        elif args.latex:
            print(r"\frac{\partial L}{\partial %s} = %s" % (latex(p), latex(g)))
        else:
            print(f"∂L/∂{p} = {one_line(g)}")
    return 0


def _print_steps(derivation, param, *, latex_output: bool) -> None:
    """One derivation, re-verified before it is shown."""
    derivation.verify()
    if latex_output:
        print(derivation.latex())
        return
    print(f"∂L/∂{param}:")
    for i, step in enumerate(derivation.steps, 1):
        kind = type(step).__name__
        if kind == "ChainRule":
            outer = ", ".join(one_line(o.derivative, bracket_cases=True) for o in step.outer)
            inner = ", ".join(one_line(d.derivative, bracket_cases=True) for d in step.inner)
            print(f"  ({i}) chain rule through ŷ: ∂ℓ/∂ŷ = {outer};  ∂ŷ/∂{param} = {inner}")
            print(f"      ∂L/∂{param} = {one_line(step.result)}")
        elif kind == "Rewrite":
            print(f"  ({i}) {step.rule}: = {one_line(step.after)}")
        else:
            print(f"  ({i}) {one_line(step.fact.lhs)} = {one_line(step.fact.rhs)}")
    print(f"  ∂L/∂{param} = {one_line(derivation.result)}   (every step re-verified)")
