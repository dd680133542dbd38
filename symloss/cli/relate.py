"""``symloss relate --model M --loss L [--param P]... [--vars NAME=DOMAIN]... [--latex | --json]``

Prints, per parameter, the gradient as a function of the loss value (with a
re-checked proof), or why no such function exists (two parameter values with
equal loss and different gradient magnitudes, checked exactly)::

    $ symloss relate --model linear --loss squared --param w
    |∂L/∂w| = √2⋅√L⋅|x|
    $ symloss relate --model linear --loss exponential --param w
    ∂L/∂w = -L⋅x⋅y
    $ symloss relate --model linear --loss hinge --param w
    |∂L/∂w| = h(L) for a nondecreasing h (nondecreasing(abs(d(L, w)), L, w) proved ...)

Exit status 0 when every relation was decided (proved or refuted), 1 when
one stayed unknown, 2 for bad input.
"""

from __future__ import annotations

import argparse
import json

import sympy as sp

from ..errors import InvalidArgument
from ..problem import problem
from ..engine.relate import relation
from ..engine.verdict import value_text
from .derive import _hyper, latex, one_line

from .args import positive_float

__all__ = ["add_parser", "run", "format_relation"]


_seconds = positive_float


def _samples(text):
    """``--samples``: an integer, or the name of a symbolic batch size (checked by problem())."""
    if text is None:
        return None
    return int(text) if text.strip().lstrip("-").isdigit() else text


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register ``relate`` on the ``symloss`` command's subparsers."""
    parser = subparsers.add_parser(
        "relate",
        help="express the gradient as a function of the loss value (or show none exists)",
        description=("For each parameter w, find h with ∂L/∂w = h(L, other symbols) (or |∂L/∂w| = h(...)), "
                     "proved; or refute it with two values of w of equal loss and different |∂L/∂w|."),
    )
    parser.add_argument("--model", default=None, help="catalogue model name or expression (omit: loss in the parameters)")
    parser.add_argument("--loss", required=True, help="catalogue loss name or expression in yhat, y, ...")
    parser.add_argument("--param", action="append", default=None, metavar="P",
                        help="parameter (repeatable or comma-separated; default: all)")
    parser.add_argument("--vars", action="append", default=[], metavar="NAME=DOMAIN",
                        help="domain of a symbol, e.g. y={0,1} (repeatable)")
    parser.add_argument("--hyper", action="append", default=[], metavar="NAME=VALUE",
                        help="fix a hyper-parameter to an exact value, e.g. delta=1/2 (repeatable)")
    parser.add_argument("--samples", default=None, metavar="N",
                        help="the empirical risk over N samples (an integer, or a name such as n for a symbolic "
                             "batch size): L = (1/N) Σ_k ℓ(ŷ(θ, x_k), y_k)")
    parser.add_argument("--timeout", type=_seconds, default=10.0, metavar="S",
                        help="seconds per parameter (default 10)")
    out = parser.add_mutually_exclusive_group()
    out.add_argument("--latex", action="store_true", help="print LaTeX instead of text")
    out.add_argument("--json", action="store_true", help="print a JSON list with one record per parameter")
    parser.set_defaults(run=run)
    return parser


def format_relation(rel, *, tex: bool = False) -> str:
    """One line for a :class:`~symloss.engine.relate.Relation` (text or LaTeX)."""
    p = rel.param
    if tex:
        d = r"\frac{\partial L}{\partial %s}" % latex(p)
        if rel.status == "proved":
            lhs = r"\left|%s\right|" % d if rel.absolute else d
            if rel.expr is None:  # proved monotone, no closed form
                return r"%s = h(L) \text{ for a nondecreasing } h" % lhs
            return f"{lhs} = {latex(rel.expr)}"
        if rel.status == "refuted":
            var, a, b = rel.counterexample.pair
            vals = ", ".join(f"{latex(k)} = {latex(v)}" for k, v in
                             sorted(rel.counterexample.values.items(), key=lambda kv: str(kv[0])))
            return (r"%s \text{ is not a function of } L\text{: at } %s,\ %s \in \{%s, %s\} \text{ give equal } L "
                    r"\text{ and different } |%s|" % (d, vals or r"\text{any values}", latex(var), latex(a),
                                                      latex(b), d))
        return r"%s\text{: unknown}" % d
    if rel.status == "proved" and rel.expr is None:  # the relation's own sentence, in the one notation
        return repr(rel)
    if rel.status == "proved":
        d = "∂L/∂%s" % one_line(p)
        return f"{'|%s|' % d if rel.absolute else d} = {one_line(rel.expr)}"
    if rel.status == "refuted":
        try:
            from ..render.terminal import relation_refutation_text

            return relation_refutation_text(rel)
        except Exception:  # the engine's sentence still says it
            return f"∂L/∂{one_line(p)} is not a function of L: {rel.counterexample.describe()}"
    return f"∂L/∂{one_line(p)}: unknown ({rel.reason})"


def run(args) -> int:
    """Print one relation per parameter; see the module docstring for the exit status."""
    params = None
    if args.param:
        params = [p.strip() for item in args.param for p in item.split(",") if p.strip()]
        if not params:
            raise InvalidArgument("--param needs a parameter name")
    prob = problem(args.model, args.loss, params=params, vars=list(args.vars), hyper=_hyper(args.hyper) or None,
                   samples=_samples(args.samples))
    rels = []
    for p in prob.params:
        if not isinstance(p, sp.Symbol):
            raise InvalidArgument(f"relate needs plain parameter symbols, got {p}")
        rels.append(relation(prob, p, timeout=args.timeout))
    if args.json:
        records = []
        for r in rels:
            rec = r.to_json()
            if r.counterexample is not None:
                rec["evaluations"] = {k: value_text(v) for k, v in r.counterexample.evaluations}
            records.append(rec)
        print(json.dumps(records, ensure_ascii=False, indent=2))
    else:
        for r in rels:
            print(format_relation(r, tex=args.latex))
    return 0 if all(r.status != "unknown" for r in rels) else 1
