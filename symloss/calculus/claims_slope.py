"""``d(argmin(E, v), s)``: the derivative of a minimiser in another symbol.

The minimiser of ``E`` over ``v`` is a function of the other symbols.  Its
derivative in ``s`` is computed from a closed form, and only where that
closed form is exact: ``E`` a quadratic ``a·v² + b·v + c`` in ``v``
(``v`` ranging over the real line) with coefficients built from smooth
functions only (no kinks, no fractional powers).  Then

* the minimiser exists and is unique exactly where ``a > 0`` (``a < 0``:
  unbounded below; ``a = 0``: linear or constant, no unique minimiser),
  and there it is ``r = −b/(2a)``;
* ``a > 0`` is an open condition and ``a``, ``b`` are differentiable
  wherever ``E`` is defined, so the minimiser is differentiable there and
  its ``k``-th derivative in ``s`` is that of ``r``.

The binding is kept: :class:`MinimiserSlope` stands in the claim for
``∂^k/∂s^k argmin(E, v)`` (``v`` bound, like in :class:`ArgMin`), and a
comparison that mentions it is false where the minimiser is missing
(:mod:`symloss.calculus.claims_logic`), exactly like one that mentions the
minimiser itself.  Anything else (no closed form, a declared domain of
``v``) is refused with a message.
"""

from __future__ import annotations

import sympy as sp

from ..language.functions import derivative, sigmoid, softplus

__all__ = ["MinimiserSlope", "differentiate", "quadratic_minimiser", "slope_status", "outer_terms", "put_values"]

#: heads whose derivatives of every order exist wherever they are defined
_SMOOTH = (sp.Add, sp.Mul, sp.exp, sp.log, sigmoid, softplus, sp.tanh, sp.sinh, sp.cosh, sp.atan)


def _smooth(expr: sp.Expr) -> bool:
    for node in sp.preorder_traversal(expr):
        if isinstance(node, (sp.Symbol, sp.Number, sp.NumberSymbol)):
            continue
        if isinstance(node, sp.Pow):
            if not node.exp.is_Integer:
                return False
            continue
        if not isinstance(node, _SMOOTH):
            return False
    return True


def quadratic_minimiser(expr: sp.Expr, var: sp.Symbol):
    """``(r, a)`` when ``expr`` is ``a·var² + b·var + c`` with smooth
    coefficients free of ``var``: the minimiser is ``r = −b/(2a)`` exactly
    where ``a > 0`` (and there is no unique minimiser elsewhere); else
    ``None``.

    >>> w, x, y = sp.symbols('w x y', real=True)
    >>> quadratic_minimiser((w*x - y)**2/2, w)
    (y/x, x**2/2)
    >>> quadratic_minimiser(sp.Abs(w - y), w) is None
    True
    """
    try:
        poly = sp.Poly(sp.expand(expr), var)
    except sp.PolynomialError:
        return None
    if poly.degree() != 2 or not _smooth(expr):
        return None
    a, b, _ = poly.all_coeffs()
    if any(var in c.free_symbols or not _smooth(c) for c in (a, b)):
        return None
    return sp.cancel(-b / (2 * a)), sp.factor(a)


class MinimiserSlope(sp.Function):
    """``∂^k/∂s^k argmin(E, v)`` for ``E`` quadratic in ``v`` (unevaluated).
    Arguments: the :class:`~symloss.calculus.claims.ArgMin` term, ``s``, ``k``; the
    term stays inside, so every check that refuses or handles statements
    about minimisers sees it.

    >>> from symloss.calculus.claims import ArgMin
    >>> w, x, y = sp.symbols('w x y', real=True)
    >>> t = MinimiserSlope(ArgMin((w*x - y)**2/2, w), y, 1)
    >>> t.free_symbols == {x, y}, t.value()
    (True, 1/x)
    """

    nargs = 3
    is_real = True

    @property
    def free_symbols(self):
        return self.args[0].free_symbols | {self.args[1]}

    @property
    def term(self):
        return self.args[0]

    @property
    def wrt(self) -> sp.Symbol:
        return self.args[1]

    @property
    def order(self) -> int:
        return int(self.args[2])

    def closed_form(self):
        """``(r, a)`` of :func:`quadratic_minimiser` for the term over the
        real line (``None`` if none)."""
        from .claims_terms import ArgMin

        t = self.term
        if not isinstance(t, ArgMin) or t.range != sp.S.Reals:
            return None
        return quadratic_minimiser(t.expr, t.var)

    def value(self) -> sp.Expr:
        """The slope where the minimiser exists: the derivative of ``r``."""
        r, _ = self.closed_form()
        return derivative(r, self.wrt, self.order)

    def _latex(self, printer, exp=None):
        k = self.order
        top = r"\partial" if k == 1 else r"\partial^{%d}" % k
        low = printer._print(self.wrt) if k == 1 else r"%s^{%d}" % (printer._print(self.wrt), k)
        body = r"\frac{%s}{\partial %s} %s" % (top, low, printer._print(self.term))
        return body if exp is None else r"\left(%s\right)^{%s}" % (body, exp)


def differentiate(e: sp.Expr, v: sp.Symbol, order: int = 1) -> sp.Expr:
    """``∂^order e/∂v`` for ``e`` mentioning minimisers that depend on ``v``
    (the chain rule: each ``argmin`` term contributes its slope); raises
    ``ValueError`` with the reason when a slope has no closed form here.

    >>> from symloss.calculus.claims import ArgMin
    >>> b, w, x, y = sp.symbols('b w x y', real=True)
    >>> t = ArgMin((w*x + b - y)**2/2, b)
    >>> differentiate(t, y), differentiate(t, w).value()
    (MinimiserSlope(ArgMin((b + w*x - y)**2/2, b), y, 1), -x)
    """
    from .claims_terms import ArgMin, Corr

    out = e
    for _ in range(order):
        masks = {}
        for node in sorted(out.atoms(MinimiserSlope), key=sp.default_sort_key):
            if v in node.free_symbols:
                if node.wrt != v:
                    raise ValueError(f"mixed derivatives of a minimiser ({node.term} in {node.wrt}, then {v}) "
                                     f"are not supported")
                masks[node] = MinimiserSlope(node.term, v, node.order + 1)
        dummies = {k: sp.Dummy("slope", real=True) for k in masks}
        masked = out.xreplace(dummies) if dummies else out
        for term in sorted(masked.atoms(ArgMin, Corr), key=sp.default_sort_key):
            if v not in term.free_symbols:
                continue
            if isinstance(term, Corr):
                raise ValueError(f"the derivative of a correlation in {v} is not computed here")
            slope = MinimiserSlope(term, v, 1)
            if slope.closed_form() is None:
                where = "" if term.range == sp.S.Reals else f" (over the declared domain {term.range} of {term.var})"
                raise ValueError(
                    f"the derivative in {v} of argmin over {term.var}{where} is computed only where the "
                    f"minimiser has an exact closed form (E quadratic in {term.var} with smooth coefficients, "
                    f"{term.var} ranging over the real line); write the closed form r and differentiate it, "
                    f"d(r, {v}), after proving argmin(E, {term.var}) == r")
            masks[term] = slope
            dummies[term] = sp.Dummy("argmin", real=True)
            masked = masked.xreplace({term: dummies[term]})
        result = derivative(masked, v)
        for key, u in dummies.items():
            result += derivative(masked, u) * masks[key]
        out = result.xreplace({u: key for key, u in dummies.items()})
    return out


def outer_terms(f: sp.Basic) -> tuple:
    """``(slopes, terms)``: the :class:`MinimiserSlope` nodes of ``f`` and
    its ``argmin`` terms outside them, each sorted."""
    from .claims_terms import ArgMin

    slopes = sorted(f.atoms(MinimiserSlope), key=sp.default_sort_key) if isinstance(f, sp.Basic) else []
    if not slopes:
        terms = f.atoms(ArgMin) if isinstance(f, sp.Basic) else set()
        return (), tuple(sorted(terms, key=sp.default_sort_key))
    masked = f.xreplace({s: sp.Dummy("slope") for s in slopes})
    return tuple(slopes), tuple(sorted(masked.atoms(ArgMin), key=sp.default_sort_key))


def put_values(f: sp.Basic, mapping: dict) -> sp.Basic:
    """``f`` with slopes, then ``argmin`` terms, replaced by the values of
    ``mapping`` (slopes first: their inner term is not the minimiser's
    value)."""
    slopes = {k: v for k, v in mapping.items() if isinstance(k, MinimiserSlope)}
    rest = {k: v for k, v in mapping.items() if not isinstance(k, MinimiserSlope)}
    if slopes:
        f = f.xreplace(slopes)
    return f.xreplace(rest) if rest else f


def slope_status(term: MinimiserSlope, values) -> tuple | None:
    """``("unique", value)`` where the minimiser exists at the point
    ``values`` (the slope's exact value), ``("none", why)`` where it does
    not, ``None`` when undecided."""
    from .exact import sign_of, substitute

    cf = term.closed_form()
    if cf is None:
        return None
    r, a = cf
    others = {k: v for k, v in values.items() if k != term.term.var}
    sa = sign_of(substitute(a, others))
    if sa is None:
        return None
    if sa <= 0:
        v = term.term.var
        try:  # the sentence in the documents' notation (the printer table is a shared leaf)
            from ..printing import printer

            a = printer("one_line")(a)
        except Exception:  # noqa: BLE001 - the coefficient as SymPy writes it
            pass
        return ("none", f"no unique minimiser over {v} (the coefficient {a} of {v}² is "
                        f"{'0' if sa == 0 else 'negative'} here), so its derivative in {term.wrt} does not exist")
    value = substitute(term.value(), others)
    if value.free_symbols or value.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        return None
    return ("unique", value)
