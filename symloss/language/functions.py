"""The function vocabulary: SymPy classes for σ, softplus and ReLU, the
derivative with PyTorch's kink conventions, and the table the parser reads.

Each function here is a real SymPy ``Function`` with a derivative
(``fdiff``), exact special values, sign assumptions, numeric evaluation (via
``evalf`` and via NumPy/mpmath tables for :func:`sympy.lambdify`) and a LaTeX
form, so ``sympy.latex(sigmoid(x))`` prints ``\\sigma\\left(x\\right)``.

Kink conventions (the values PyTorch autograd uses; they matter for claims
evaluated exactly at a kink):

* ``relu'(0) = 0``                       (``torch.relu``)
* ``abs'(0) = sign(0) = 0``              (``torch.abs``)
* ``sign'(u) = 0`` everywhere            (``torch.sign``)
* ``max(a, b)`` and ``min(a, b)`` split the gradient evenly at a tie,
  i.e. ``d/da max(a, b) = H(a - b)`` with ``H(0) = 1/2`` (``torch.maximum``)
* ``where(c, a, b)`` differentiates the branch that is selected.

Distributional parts (Dirac deltas) are dropped: :func:`derivative` is the
almost-everywhere derivative completed at kinks by the conventions above.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

import sympy as sp
from sympy.core.function import ArgumentIndexError

__all__ = [
    "sigmoid",
    "softplus",
    "relu",
    "derivative",
    "definedness_conditions",
    "needs_kernel",
    "NUMPY_FUNCTIONS",
    "MPMATH_FUNCTIONS",
    "FunctionSpec",
    "VOCABULARY",
]


def needs_kernel(e) -> bool:
    """Whether ``e`` holds a closed sub-expression that is not a rational
    number: SymPy would guess such a number's sign with a low-precision
    ``evalf``, so only the trusted kernel (:mod:`symloss.language.kernel`) decides it.

    >>> needs_kernel(sp.Symbol('w') + 1), needs_kernel(sp.log(2) * sp.Symbol('w'))
    (False, True)
    """
    if isinstance(e, tuple):
        return any(needs_kernel(a) for a in e)
    if not isinstance(e, sp.Basic):
        return False
    return _needs_kernel(e)


@lru_cache(maxsize=8192)
def _needs_kernel(e: sp.Basic) -> bool:
    if isinstance(e, sp.Expr) and e.is_number:
        return not isinstance(e, sp.Rational) and e not in (sp.S.Infinity, sp.S.NegativeInfinity)
    return any(_needs_kernel(a) for a in e.args if isinstance(a, sp.Basic))


def _is_real(arg: sp.Expr):
    return arg.is_extended_real


def _is_finite_real(arg: sp.Expr):
    """Sign and finiteness facts need a finite argument: σ(−∞) = 0 is not
    positive and softplus(∞) is not finite."""
    return arg.is_real


class sigmoid(sp.Function):
    """The logistic function σ(z) = 1/(1 + e^(−z)); real domain ℝ, range (0, 1).

    >>> from sympy import Symbol
    >>> z = Symbol('z', real=True)
    >>> sigmoid(z).diff(z)
    (1 - sigmoid(z))*sigmoid(z)
    >>> sigmoid(0)
    1/2
    """

    nargs = 1

    @classmethod
    def eval(cls, z):
        if z is sp.S.Zero:
            return sp.S.Half
        if z is sp.S.Infinity:
            return sp.S.One
        if z is sp.S.NegativeInfinity:
            return sp.S.Zero

    def fdiff(self, argindex=1):
        if argindex != 1:
            raise ArgumentIndexError(self, argindex)
        return self * (1 - self)

    def _eval_rewrite_as_exp(self, z, **kwargs):
        return 1 / (1 + sp.exp(-z))

    def _eval_rewrite_as_tanh(self, z, **kwargs):
        return (1 + sp.tanh(z / 2)) / 2

    def _eval_evalf(self, prec):
        return self.rewrite(sp.exp)._eval_evalf(prec)

    def _eval_is_zero(self):
        return False if _is_finite_real(self.args[0]) else None

    def _eval_is_extended_real(self):
        return _is_real(self.args[0])

    def _eval_is_positive(self):
        return True if _is_finite_real(self.args[0]) else None

    def _eval_is_finite(self):
        return True if _is_finite_real(self.args[0]) else None

    def _latex(self, printer, exp=None):
        body = r"\sigma\left(%s\right)" % printer._print(self.args[0])
        return body if exp is None else r"%s^{%s}" % (body, exp)

    def _pretty(self, printer):
        return printer._print_Function(self, func_name="σ")


class softplus(sp.Function):
    """softplus(z) = log(1 + e^z); real domain ℝ, range (0, ∞); softplus' = σ.

    Matches ``torch.nn.functional.softplus(z)`` (beta=1).

    >>> from sympy import Symbol
    >>> z = Symbol('z', real=True)
    >>> softplus(z).diff(z)
    sigmoid(z)
    """

    nargs = 1

    @classmethod
    def eval(cls, z):
        if z is sp.S.Zero:
            return sp.log(2)
        if z is sp.S.NegativeInfinity:
            return sp.S.Zero
        if z is sp.S.Infinity:
            return sp.S.Infinity

    def fdiff(self, argindex=1):
        if argindex != 1:
            raise ArgumentIndexError(self, argindex)
        return sigmoid(self.args[0])

    def _eval_rewrite_as_exp(self, z, **kwargs):
        return sp.log(1 + sp.exp(z))

    _eval_rewrite_as_log = _eval_rewrite_as_exp

    def _eval_evalf(self, prec):
        # log(1 + exp(z)) cancels to 0 for very negative z at working
        # precision (softplus(-1077) would evaluate to 0, and "L > 0" to
        # False); mpmath's log1p keeps full relative accuracy.
        import mpmath

        z = self.args[0]._eval_evalf(prec + 10)
        if z is None or not z.is_Float:
            return None
        with mpmath.workprec(prec + 20):
            v = mpmath.log1p(mpmath.exp(z._to_mpmath(prec + 20)))
        return sp.Float._new(v._mpf_, prec)

    def _eval_is_zero(self):
        return False if _is_finite_real(self.args[0]) else None

    def _eval_is_extended_real(self):
        return _is_real(self.args[0])

    def _eval_is_positive(self):
        return True if _is_finite_real(self.args[0]) else None

    def _eval_is_finite(self):
        return True if _is_finite_real(self.args[0]) else None

    def _latex(self, printer, exp=None):
        body = r"\operatorname{softplus}\left(%s\right)" % printer._print(self.args[0])
        return body if exp is None else r"%s^{%s}" % (body, exp)


class relu(sp.Function):
    """relu(z) = max(0, z); real domain ℝ, range [0, ∞); relu'(0) = 0.

    >>> from sympy import Symbol
    >>> z = Symbol('z', real=True)
    >>> relu(z).diff(z)
    Heaviside(z, 0)
    >>> relu(-3), relu(sp.Rational(1, 2))
    (0, 1/2)
    """

    nargs = 1

    @classmethod
    def eval(cls, z):
        if needs_kernel(z):
            # a closed non-rational number (or a part with one): only the kernel
            # decides its sign, and kernel.build / kernel.substitute evaluate
            # relu of it; built directly, relu(c) stays as written (never a guess)
            return None
        if z.is_nonnegative:
            return z
        if z.is_nonpositive:
            return sp.S.Zero

    def fdiff(self, argindex=1):
        if argindex != 1:
            raise ArgumentIndexError(self, argindex)
        return sp.Heaviside(self.args[0], 0)

    def _eval_rewrite_as_Max(self, z, **kwargs):
        return sp.Max(0, z)

    def _eval_rewrite_as_Piecewise(self, z, **kwargs):
        return sp.Piecewise((z, z > 0), (0, True))

    def _eval_evalf(self, prec):
        return sp.Max(0, self.args[0])._eval_evalf(prec)

    def _eval_is_extended_real(self):
        return _is_real(self.args[0])

    def _eval_is_nonnegative(self):
        return True if _is_finite_real(self.args[0]) else None

    def _eval_is_positive(self):
        z = self.args[0]
        if needs_kernel(z):
            return None  # the kernel decides closed numbers: kernel.sign_of(relu(c))
        if z.is_positive:
            return True
        if z.is_nonpositive:
            return False
        return None

    def _latex(self, printer, exp=None):
        # the one notation: max(0, z), as the terminal and the hinge loss print it
        body = r"\max\left(0, %s\right)" % printer._print(self.args[0])
        return body if exp is None else r"%s^{%s}" % (body, exp)


def _drop_dirac(expr: sp.Expr) -> sp.Expr:
    if not expr.has(sp.DiracDelta):
        return expr
    return expr.replace(lambda e: isinstance(e, sp.DiracDelta), lambda e: sp.S.Zero)


def derivative(expr: sp.Expr, var: sp.Symbol, order: int = 1) -> sp.Expr:
    """The ``order``-th derivative of ``expr`` in ``var`` under the kink
    conventions of this module (Dirac deltas dropped, ReLU/abs/sign as in
    PyTorch).  No simplification is applied here.

    >>> from sympy import Symbol, Abs, sign
    >>> x = Symbol('x', real=True)
    >>> derivative(Abs(x), x), derivative(sign(x), x), derivative(Abs(x), x, 2)
    (sign(x), 0, 0)
    """
    if order < 0:
        raise ValueError(f"derivative order must be >= 0, got {order}")
    for _ in range(order):
        expr = _drop_dirac(sp.diff(expr, var))
    return expr


def definedness_conditions(expr: sp.Basic) -> list[sp.Basic]:
    """Conditions under which ``expr`` is a defined real number: arguments of
    ``log`` are positive, of ``sqrt`` and fractional powers nonnegative, and
    denominators nonzero.  Conditions SymPy already decides as true are
    omitted.

    Inside a ``Piecewise`` (``where``) a branch only has to be defined where
    it is selected, so its conditions are guarded: ``Or(<branch not
    selected>, cond)``; a ``Piecewise`` without an otherwise-branch is defined
    only where some condition holds.  (Requiring the branch conditions
    everywhere would silently shrink the claim's domain: ``where(x > 0,
    log(x), 0) <= x`` is false at ``x = -1``.)

    >>> from sympy import Symbol, log, sqrt, Piecewise
    >>> x = Symbol('x', real=True)
    >>> sorted(map(str, definedness_conditions(log(x) + 1/(x - 1) + sqrt(x + 2))))
    ['Ne(x - 1, 0)', 'x + 2 >= 0', 'x > 0']
    >>> definedness_conditions(Piecewise((log(x), x > 0), (0, True)))
    []
    >>> definedness_conditions(Piecewise((log(x), x > -1), (0, True)))
    [(x <= -1) | (x > 0)]
    >>> definedness_conditions(Piecewise((1, x > 0)))
    [x > 0]
    """
    out: list[sp.Basic] = []
    seen = set()

    def add(cond):
        if cond is sp.true or cond in seen:
            return
        seen.add(cond)
        out.append(cond)

    for cond in _conditions(expr):
        add(cond)
    return out


def _guarded(conditions: list, escape: list) -> list:
    """Each condition weakened to ``Or(*escape, cond)``: it must hold only
    where none of the ``escape`` statements does."""
    if not escape:
        return conditions
    return [sp.Or(*escape, c) for c in conditions]


def _conditions(node: sp.Basic) -> list:
    """The (unguarded at this level) definedness conditions of ``node``."""
    if not isinstance(node, sp.Basic) or node.is_Atom:
        if node in (sp.S.ComplexInfinity, sp.S.NaN) or (
                isinstance(node, sp.Basic) and node.is_number and node.is_extended_real is False):
            return [sp.false]  # 1/0, 0/0, log(-1) = I*pi: never a defined real
        return []
    out: list = []
    if isinstance(node, sp.Piecewise):
        earlier: list = []
        for value, cond in node.args:
            # the condition is evaluated only when no earlier one held; the
            # value is used only when, in addition, its own condition holds
            out += _guarded(_conditions(cond), earlier)
            out += _guarded(_conditions(value), earlier + [sp.Not(cond)])
            earlier.append(cond)
        if node.args[-1][1] is not sp.true:
            out.append(sp.Or(*(c for _, c in node.args)))
        return out
    for a in node.args:
        out += _conditions(a)
    if sp.false in out:
        return [sp.false]  # undefined anyway; zoo > 0 would not even build
    if isinstance(node, sp.log):
        out.append(sp.Gt(node.args[0], 0))
    elif isinstance(node, sp.Pow):
        base, e = node.args
        if e.is_Rational and not e.is_integer:
            # SymPy's principal root of a negative base is complex, even
            # for odd denominators (x**(1/3) at x = -1), so every
            # fractional power needs a nonnegative base.
            out.append(sp.Ge(base, 0) if e > 0 else sp.Gt(base, 0))
        elif e.is_Rational:
            if e.is_negative:
                out.append(sp.Ne(base, 0))
        elif e.is_number and not needs_kernel(e):
            if e.is_extended_negative:
                out.append(sp.Ne(base, 0))
        else:  # symbolic exponent, or a closed one whose sign SymPy would guess
            out += _symbolic_power_conditions(base, e)
    return out


def _symbolic_power_conditions(base: sp.Expr, e: sp.Expr) -> list:
    """Where ``base**e`` with a symbolic exponent is a defined real.

    An exponent declared an integer (a symbol with an integer domain) allows
    any nonzero base, and ``0**e`` for ``e >= 0`` (``0**0 = 1``, as in SymPy
    and torch.pow).  Any other exponent is a real number, and ``base**e`` is
    read as in real analysis, ``exp(e·log(base))`` extended by ``0**e = 0``
    for ``e > 0``: the base must be nonnegative, as for a literal fractional
    power.  (A negative base cannot be allowed "where the value happens to
    be real": SymPy rewrites ``(w**t)**2`` to ``w**(2*t)``, which is the real
    number -1 at ``w = -1, t = 1/2``, where ``w**t`` was not real.)

    >>> w, t = sp.symbols('w t', real=True)
    >>> _symbolic_power_conditions(w, t)
    [w >= 0, (t > 0) | Ne(w, 0)]
    >>> _symbolic_power_conditions(w, sp.Symbol('k', integer=True))
    [(k >= 0) | Ne(w, 0)]
    """
    if e.is_integer and e.is_nonnegative:
        return []  # 0**0 = 1, as in SymPy and torch.pow
    if e.is_integer:
        return [sp.Or(sp.Ne(base, 0), sp.Ge(e, 0))]
    return [sp.Ge(base, 0), sp.Or(sp.Ne(base, 0), sp.Gt(e, 0))]


def _np_sigmoid(z):
    import numpy as np

    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))  # in (0, 1]: never overflows
    # e/(1 + e) keeps full relative accuracy in the left tail, where
    # 1 - e/(1 + e) would round to 0 and log(sigmoid(z)) to -inf.
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _np_softplus(z):
    import numpy as np

    return np.logaddexp(0.0, z)


def _np_relu(z):
    import numpy as np

    return np.maximum(0.0, z)


def _mp_sigmoid(z):
    import mpmath

    return 1 / (1 + mpmath.exp(-z))


def _mp_softplus(z):
    import mpmath

    return mpmath.log1p(mpmath.exp(z)) if z < 30 else z + mpmath.log1p(mpmath.exp(-z))


def _mp_relu(z):
    return z if z > 0 else 0 * z


#: ``lambdify(..., modules=[NUMPY_FUNCTIONS, "numpy"])`` evaluates our functions.
NUMPY_FUNCTIONS: dict[str, Callable] = {
    "sigmoid": _np_sigmoid,
    "softplus": _np_softplus,
    "relu": _np_relu,
}

#: ``lambdify(..., modules=[MPMATH_FUNCTIONS, "mpmath"])`` for high precision.
MPMATH_FUNCTIONS: dict[str, Callable] = {
    "sigmoid": _mp_sigmoid,
    "softplus": _mp_softplus,
    "relu": _mp_relu,
}


@dataclass(frozen=True)
class FunctionSpec:
    """One entry of the vocabulary the parser accepts.

    ``arity`` is ``(min, max)`` with ``max=None`` for variadic functions.
    ``domain`` says, in words, for which real arguments the function is
    defined; ``doc`` is shown by ``symloss`` in error messages and docs.
    """

    name: str
    build: Callable[..., sp.Basic]
    arity: tuple[int, int | None]
    domain: str
    doc: str


def _where(cond, a, b):
    return sp.Piecewise((a, cond), (b, True))


VOCABULARY: dict[str, FunctionSpec] = {
    spec.name: spec
    for spec in [
        FunctionSpec("sigmoid", sigmoid, (1, 1), "all reals", "σ(z) = 1/(1 + exp(-z))"),
        FunctionSpec("softplus", softplus, (1, 1), "all reals", "log(1 + exp(z))"),
        FunctionSpec("relu", relu, (1, 1), "all reals", "max(0, z); relu'(0) = 0"),
        FunctionSpec("tanh", sp.tanh, (1, 1), "all reals", "hyperbolic tangent"),
        FunctionSpec("cosh", sp.cosh, (1, 1), "all reals", "hyperbolic cosine"),
        FunctionSpec("exp", sp.exp, (1, 1), "all reals", "exponential"),
        FunctionSpec("log", sp.log, (1, 1), "z > 0", "natural logarithm"),
        FunctionSpec("sqrt", sp.sqrt, (1, 1), "z >= 0", "principal square root"),
        FunctionSpec("abs", sp.Abs, (1, 1), "all reals", "|z|; abs'(0) = 0"),
        FunctionSpec("sign", sp.sign, (1, 1), "all reals", "-1, 0 or 1; sign' = 0"),
        FunctionSpec("max", sp.Max, (2, None), "all reals", "largest argument"),
        FunctionSpec("min", sp.Min, (2, None), "all reals", "smallest argument"),
        FunctionSpec("where", _where, (3, 3), "all reals", "where(c, a, b): a if c else b"),
    ]
}
