"""Rigorous enclosures of real expressions over boxes (the arithmetic of
:mod:`symloss.engine.interval`).

Every operation uses :mod:`mpmath.iv` (rounded outward; box endpoints are
rationals, enclosed outward as well; infinite endpoints follow mpmath's
extended interval arithmetic).  :func:`natural` is the natural interval
extension of an expression compiled to a straight-line program;
:func:`enclose` refines it, for expressions built from smooth heads only, by
monotonicity (when the enclosure of ``∂ᵢf`` on the box has a sign, ``f``'s
range is read off the two faces) and the mean-value form
``f(c) + Σ ∂ᵢf(X)(Xᵢ − cᵢ)``, recursively up to a derivative order.
Anything undefined on a box (``log`` of an interval reaching 0, a division by
an interval containing 0) raises :class:`Undefined`.  :func:`box_proves`
says whether an enclosure lies on the required side of 0; the prover and
the proof step's ``verify()`` both call it, so the search is re-checked by
the same arithmetic and nothing else.

>>> x = sp.Symbol('x', real=True)
>>> v = enclose(sp.exp(x) - 1 - x, {x: (0, 1)}, order=2)
>>> float(v.a) >= 0 and float(v.b) < 0.72
True
"""

from __future__ import annotations

from contextlib import contextmanager
from functools import lru_cache

import mpmath
import sympy as sp
from mpmath.libmp import finf, fnan, fninf

from ..language.functions import derivative, relu, sigmoid, softplus
from ..calculus.proof import Sign
from .tactics import expression_size

__all__ = [
    "PREC",
    "Undefined",
    "natural",
    "smooth",
    "enclose",
    "box_proves",
]

iv = mpmath.iv

#: working precision (bits) of every enclosure
PREC = 64



class Undefined(Exception):
    """No enclosure: the expression may be undefined on the box, or a
    construct has no interval rule."""


@contextmanager
def _precision():
    old = iv.prec
    iv.prec = PREC
    try:
        yield
    finally:
        iv.prec = old


# ---------------------------------------------------------------------------
# interval helpers (endpoints handled as raw mpf tuples: no rounding)


def _lo(v):
    return mpmath.mp.make_mpf(v._mpi_[0])


def _hi(v):
    return mpmath.mp.make_mpf(v._mpi_[1])


def _make(lo_raw, hi_raw):
    return iv.make_mpf((lo_raw, hi_raw))


def _checked(v):
    """``v`` unless an endpoint is NaN.  Infinite endpoints are allowed:
    mpmath's interval arithmetic is extended (``0·[8, ∞] = [−∞, ∞]``,
    ``exp([−∞, −8]) = [0, e⁻⁸]``), so an enclosure over an unbounded box is
    a superset of the values over the reals in it."""
    a, b = v._mpi_
    if a == fnan or b == fnan:
        raise Undefined("NaN in an enclosure")
    return v


def _bounded(v) -> bool:
    a, b = v._mpi_
    return a not in (finf, fninf) and b not in (finf, fninf)


def _rational(q: sp.Rational):
    """An interval enclosing the rational ``q`` (outward rounding); ``±oo``
    gives the degenerate infinite endpoint."""
    if q in (sp.oo, -sp.oo):
        return iv.mpf(mpmath.inf if q > 0 else -mpmath.inf)
    num = iv.mpf(int(q.p))
    return num / int(q.q) if q.q != 1 else num


def _hull(vals):
    lo = min(vals, key=_lo)
    hi = max(vals, key=_hi)
    return _make(lo._mpi_[0], hi._mpi_[1])


def _meet(a, b):
    """The intersection of two enclosures of the same number set."""
    lo = a if _lo(a) >= _lo(b) else b
    hi = a if _hi(a) <= _hi(b) else b
    if _lo(lo) > _hi(hi):  # cannot happen for two true enclosures
        raise Undefined("empty intersection")
    return _make(lo._mpi_[0], hi._mpi_[1])


def _point(v):
    """The degenerate interval at the lower / upper endpoint."""
    a, b = v._mpi_
    return _make(a, a), _make(b, b)


def _contains_zero(v) -> bool:
    return _lo(v) <= 0 <= _hi(v)


# ---------------------------------------------------------------------------
# natural interval extension


def _monotone(fn, v, increasing=True):
    """Range of a monotone function of one argument from its endpoints."""
    a, b = _point(v)
    fa, fb = fn(a), fn(b)
    return _make(fa._mpi_[0], fb._mpi_[1]) if increasing else _make(fb._mpi_[0], fa._mpi_[1])


_ONE = iv.mpf(1)
_TWO = iv.mpf(2)


def _sigmoid(z):
    return _ONE / (_ONE + iv.exp(-z))


def _softplus_point(z):
    if _hi(z) < 0:
        return iv.log(1 + iv.exp(z))
    return z + iv.log(1 + iv.exp(-z))


def _tanh(z):
    return _ONE - _TWO / (iv.exp(_TWO * z) + _ONE)


def _cosh(z):
    a, b = _lo(z), _hi(z)
    if a <= 0 <= b:
        m = _make(*(z._mpi_[1],) * 2) if b >= -a else _make(*(z._mpi_[0],) * 2)
        top = (iv.exp(m) + iv.exp(-m)) / 2
        return _make(iv.mpf(1)._mpi_[0], top._mpi_[1])
    near, far = _point(z) if a > 0 else reversed(_point(z))
    low = (iv.exp(near) + iv.exp(-near)) / 2
    high = (iv.exp(far) + iv.exp(-far)) / 2
    return _make(low._mpi_[0], high._mpi_[1])


def _pow(base, e: sp.Expr, ev):
    if e.is_Integer:
        n = int(e)
        if n >= 0:
            return base ** n
        if _contains_zero(base):
            raise Undefined("division by an interval containing 0")
        return 1 / (base ** (-n))
    if e.is_Rational:
        p, q = int(e.p), int(e.q)
        if q == 2 and _lo(base) >= 0:
            root = iv.sqrt(base)
        elif _lo(base) > 0:
            root = iv.exp(iv.log(base) / q)
        else:
            raise Undefined("fractional power of an interval reaching 0")
        if p >= 0:
            return root ** p
        if _contains_zero(root):
            raise Undefined("negative power of an interval reaching 0")
        return 1 / (root ** (-p))
    if _lo(base) <= 0:
        raise Undefined("symbolic power of an interval reaching 0")
    return iv.exp(ev(e) * iv.log(base))  # ev: the exponent's enclosure


def _sign_hull(z, at_zero):
    """Enclosure of a step function with values −1/0/1 (``sign``) or
    0/h/1 (``Heaviside``) from the enclosure of its argument."""
    neg, zero, pos = at_zero
    vals = []
    if _lo(z) < 0:
        vals.append(neg)
    if _contains_zero(z):
        vals.append(zero)
    if _hi(z) > 0:
        vals.append(pos)
    return _hull(vals)


def _abs(z):
    if _lo(z) >= 0:
        return z
    if _hi(z) <= 0:
        return -z
    top = z if _hi(z) >= -_lo(z) else -z
    return _make(iv.mpf(0)._mpi_[0], top._mpi_[1])


def _relu(z):
    if _lo(z) >= 0:
        return z
    return _make(iv.mpf(0)._mpi_[0], (z if _hi(z) > 0 else iv.mpf(0))._mpi_[1])


def _log(z):
    if _lo(z) <= 0:
        raise Undefined("log of an interval reaching 0")
    return iv.log(z)


def _sum(*vals):
    total = vals[0]
    for v in vals[1:]:
        total = total + v
    return total


def _product(*vals):
    total = vals[0]
    for v in vals[1:]:
        total = total * v
    return total


def _extremum(pick):
    def run(*vals):
        return _make(pick(vals, key=_lo)._mpi_[0], pick(vals, key=_hi)._mpi_[1])
    return run


_UNARY = {
    sp.exp: iv.exp,
    sp.log: _log,
    sigmoid: _sigmoid,
    softplus: lambda z: _monotone(_softplus_point, z),
    sp.tanh: _tanh,
    sp.sinh: lambda z: _monotone(lambda t: (iv.exp(t) - iv.exp(-t)) / 2, z),
    sp.cosh: _cosh,
    sp.Abs: _abs,
    relu: _relu,
    sp.sign: lambda z: _sign_hull(z, (iv.mpf(-1), iv.mpf(0), iv.mpf(1))),
}


def _op(e: sp.Basic):
    """``(function, children)``: the interval rule of the head of ``e``;
    ``function`` takes the children's enclosures.  Raises :class:`Undefined`
    for a construct without a rule."""
    if e.is_Rational:
        c = _rational(e)
        return (lambda: c), ()
    if e is sp.E:
        c = iv.exp(1)
        return (lambda: c), ()
    if e is sp.pi:
        c = iv.pi
        return (lambda: c), ()
    if isinstance(e, sp.Add):
        return _sum, e.args
    if isinstance(e, sp.Mul):
        return _product, e.args
    if isinstance(e, sp.Pow):
        b, x = e.args
        if x.is_Rational:
            return (lambda base: _pow(base, x, None)), (b,)
        return (lambda base, ex: _pow(base, x, lambda _: ex)), (b, x)
    if isinstance(e, sp.Heaviside):
        h0 = e.args[1] if len(e.args) > 1 else sp.S.Half
        if not h0.is_Rational:
            raise Undefined("Heaviside at 0 is not a rational")
        values = (iv.mpf(0), _rational(h0), iv.mpf(1))
        return (lambda z: _sign_hull(z, values)), e.args[:1]
    if isinstance(e, sp.Max):
        return _extremum(max), e.args
    if isinstance(e, sp.Min):
        return _extremum(min), e.args
    if isinstance(e, sp.Function) and len(e.args) == 1:
        for head, rule in _UNARY.items():
            if isinstance(e, head):
                return rule, e.args
    raise Undefined(f"no interval rule for {type(e).__name__}")


@lru_cache(maxsize=1024)  # pure: one program per expression, shared by the search and the re-check
def _compile(expr: sp.Basic) -> tuple:
    """A straight-line program for ``expr``: each instruction is
    ``(function, child slots)`` or ``(symbol, None)``, children first,
    common sub-expressions once."""
    slots: dict = {}
    code: list = []
    stack = [(expr, False)]
    while stack:
        e, ready = stack.pop()
        if e in slots:
            continue
        if e.is_Symbol:
            slots[e] = len(code)
            code.append((e, None))
            continue
        fn, children = _op(e)
        if not ready:
            stack.append((e, True))
            stack.extend((c, False) for c in reversed(children) if c not in slots)
            continue
        slots[e] = len(code)
        code.append((fn, tuple(slots[c] for c in children)))
    return tuple(code)


def _run(code: tuple, box: dict):
    regs: list = []
    try:
        for fn, args in code:
            if args is None:
                if fn not in box:
                    raise Undefined(f"{fn} has no interval")
                regs.append(box[fn])
            else:
                regs.append(_checked(fn(*[regs[a] for a in args])))
    except (ZeroDivisionError, ValueError, OverflowError) as exc:
        raise Undefined(str(exc)) from None
    return regs[-1]


def natural(expr: sp.Basic, box: dict):
    """The natural interval extension of ``expr`` on ``box`` (symbol →
    interval); raises :class:`Undefined`."""
    with _precision():
        return _run(_compile(expr), box)


# ---------------------------------------------------------------------------
# refined enclosures (monotonicity, mean-value form)

_SMOOTH_HEADS = (sp.exp, sp.log, sigmoid, softplus, sp.tanh, sp.sinh, sp.cosh)
_KINK_HEADS = (sp.Abs, relu, sp.Max, sp.Min, sp.sign, sp.Heaviside)


def smooth(expr: sp.Basic) -> bool:
    """Whether ``expr`` is built from numbers, symbols, ``+``, ``·``, powers
    and the smooth heads (``exp``, ``log``, σ, softplus, ``tanh``, ``sinh``,
    ``cosh``) only."""
    for node in sp.preorder_traversal(expr):
        if node.is_Symbol or node.is_Rational or node in (sp.E, sp.pi):
            continue
        if isinstance(node, (sp.Add, sp.Mul, sp.Pow)) or isinstance(node, _SMOOTH_HEADS):
            continue
        return False
    return True


@lru_cache(maxsize=512)  # pure: the search and IntervalCover.verify ask for the same forms
def _forms(expr: sp.Expr) -> tuple:
    """``expr`` and, when it differs and is checked equal by
    zero-equivalence, its ``factor_terms`` form (common factors pulled out:
    ``(1−σ)²σ − (1−σ)σ²`` becomes ``σ(1−σ)(1−2σ)``, whose natural
    enclosure has a sign), and that form with each sum factor expanded and
    collected in the variables.  All enclose the same values wherever ``expr``
    is defined, so their enclosures are intersected."""
    from ..calculus.derive import is_zero

    out = [expr]
    if isinstance(expr, sp.Add) and expression_size(expr, 120) <= 120:
        try:
            alt = sp.factor_terms(expr)
            if alt != expr and not isinstance(alt, sp.Add) and is_zero(alt - expr) is True:
                out.append(alt)
                # each sum factor collected in the variables: w(1−σ) − wσ + 1 becomes w(1 − 2σ) + 1,
                # whose enclosure keeps a sign on an unbounded box (no ∞ − ∞)
                vs = sorted(expr.free_symbols, key=sp.default_sort_key)
                grouped = sp.Mul(*[sp.collect(sp.expand(f), vs) if isinstance(f, sp.Add) else f
                                   for f in sp.Mul.make_args(alt)])
                if grouped not in out and is_zero(grouped - expr) is True:
                    out.append(grouped)
        except (TypeError, ValueError, sp.PolynomialError, RecursionError):
            pass
    return tuple(out)


@lru_cache(maxsize=512)
def _derivative(expr: sp.Expr, v) -> sp.Expr:
    return derivative(expr, v)


class _Fn:
    """An expression (with its checked alternative forms) and its partial
    derivatives, computed on demand."""

    def __init__(self, expr: sp.Expr, variables: tuple, is_smooth: bool | None = None, forms: bool = False):
        self.expr = expr
        self.variables = variables
        self.smooth = smooth(expr) if is_smooth is None else is_smooth
        self.forms = _forms(expr) if forms else (expr,)
        self._code: list | None = None
        self._d: dict = {}
        self.rationals: dict = {}  # box end -> its enclosure (computed once per search)

    def d(self, v) -> "_Fn":
        if v not in self._d:
            self._d[v] = _Fn(_derivative(self.expr, v), self.variables, self.smooth, forms=True)
        return self._d[v]

    def natural(self, box: dict):
        if self._code is None:
            code = [_compile(self.expr)]  # Undefined: no rule for the expression itself
            for form in self.forms[1:]:
                try:
                    code.append(_compile(form))
                except Undefined:
                    pass
            self._code = code
        n = _run(self._code[0], box)
        for code in self._code[1:]:
            try:
                n = _meet(n, _run(code, box))
            except Undefined:
                pass
        return n


def _exact_point(fn: _Fn, box: dict, n):
    """At a point (every side degenerate, so every coordinate is an exact
    binary rational) whose enclosure ``n`` contains 0: the exact value by
    SymPy's evaluation at rationals (``softplus(0) − log 2`` is 0), used only
    when it is a rational inside ``n`` (so the expression is defined there)."""
    values = {}
    for v in fn.variables:
        man, exp = mpmath.mp.make_mpf(box[v]._mpi_[0]).man_exp
        values[v] = sp.Integer(man) * sp.Integer(2) ** exp
    try:
        q = fn.expr.xreplace(values)
    except (TypeError, ValueError, ZeroDivisionError):
        return n
    if not q.is_Rational:
        return n
    e = _rational(q)
    if _lo(n) <= _lo(e) and _hi(e) <= _hi(n):
        return e
    return n


def _enc(fn: _Fn, box: dict, order: int):
    n = fn.natural(box)
    wide = [v for v in fn.variables if v in box and box[v]._mpi_[0] != box[v]._mpi_[1]]
    if not wide and _contains_zero(n) and all(_bounded(box[v]) for v in fn.variables if v in box):
        return _exact_point(fn, box, n)
    if order <= 0 or not fn.smooth or not wide or not all(_bounded(box[v]) for v in wide):
        return n
    grads = {}
    for v in wide:
        try:
            grads[v] = _enc(fn.d(v), box, order - 1)
        except Undefined:
            return n
    for v in wide:
        g = grads[v]
        if _lo(g) >= 0 or _hi(g) <= 0:
            low, high = _point(box[v])
            a = _enc(fn, {**box, v: low}, order)
            b = _enc(fn, {**box, v: high}, order)
            if _lo(g) >= 0:
                return _meet(n, _make(a._mpi_[0], b._mpi_[1]))
            return _meet(n, _make(b._mpi_[0], a._mpi_[1]))
    centre = {**box}
    for v in wide:
        m = box[v].mid
        if not _lo(box[v]) <= _lo(m) <= _hi(box[v]):
            m = _point(box[v])[0]
        centre[v] = _make(m._mpi_[0], m._mpi_[0])
    total = fn.natural(centre)
    for v in wide:
        total = total + grads[v] * (box[v] - centre[v])
    return _meet(n, total)


def enclose(expr: sp.Expr, box: dict, order: int = 0, _fn: _Fn | None = None):
    """A rigorous enclosure (an ``mpmath.iv`` interval) of ``expr`` on
    ``box`` (symbol → ``(lo, hi)`` rationals), refined to derivative order
    ``order``; raises :class:`Undefined`.

    >>> x = sp.Symbol('x', real=True)
    >>> v = enclose(sp.exp(x) - 1 - x, {x: (0, 1)}, order=2)
    >>> float(v.a) >= 0 and float(v.b) < 0.72
    True
    """
    variables = tuple(sorted(box, key=sp.default_sort_key))
    fn = _fn if _fn is not None else _Fn(expr, variables)
    with _precision():
        ivbox = {}
        cache = fn.rationals
        for v, (lo, hi) in box.items():
            a, b = (cache[t] if t in cache else cache.setdefault(t, _rational(sp.sympify(t))) for t in (lo, hi))
            ivbox[v] = _make(a._mpi_[0], b._mpi_[1])
        return _enc(fn, ivbox, order)


def box_proves(fn: "_Fn", box: tuple, sign: Sign, order: int) -> bool:
    """Whether an enclosure of ``fn`` on the box (``(lo, hi)`` per variable)
    lies on the ``sign`` side of 0: the natural extension first, then the
    refinements of order 1 and ``order`` (cheapest first; each is rigorous)."""
    box = dict(zip(fn.variables, box))
    for k in sorted({0, min(1, order), order}):
        try:
            if _holds(enclose(fn.expr, box, k, fn), sign):
                return True
        except Undefined:
            continue
    return False


def _holds(v, sign: Sign) -> bool:
    return {Sign.POSITIVE: lambda: _lo(v) > 0, Sign.NONNEGATIVE: lambda: _lo(v) >= 0,
            Sign.NEGATIVE: lambda: _hi(v) < 0, Sign.NONPOSITIVE: lambda: _hi(v) <= 0}[sign]()


def _fails(v, sign: Sign) -> bool:
    return {Sign.POSITIVE: lambda: _hi(v) <= 0, Sign.NONNEGATIVE: lambda: _hi(v) < 0,
            Sign.NEGATIVE: lambda: _lo(v) >= 0, Sign.NONPOSITIVE: lambda: _lo(v) > 0}[sign]()
