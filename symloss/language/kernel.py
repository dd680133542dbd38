"""The trusted kernel: every decision about a closed real number.

A *closed* number is a SymPy expression without free symbols
(``log(1 + exp(-40))``, ``sigmoid(400) - 1``, ``sqrt(2)``).  SymPy decides
comparisons of such numbers with a low-precision ``evalf`` and no error
bound (it says ``log(1 + exp(-40)) > 0`` is False), and its constructors
(``Abs``, ``Max``, ``sign``, ``Heaviside``, ``Piecewise``, relations …) act on
those guesses while an expression is being built.  This module is the one
place where such a number's sign is decided:

* :func:`sign_of` — exact for rationals; otherwise certified interval
  enclosures (:mod:`mpmath.iv`) at increasing precision; 0 only when the
  enclosure is exactly 0 or an exact argument shows it (algebraic numbers by
  their minimal polynomial, a few value-preserving rewrites); ``None``
  (unknown) rather than a guess.
* :func:`compare` and :func:`holds` — comparisons and closed conditions.
* :func:`build` — the constructor under the kernel's control: before SymPy
  evaluates a head that may decide something (``Abs``, ``Max``, relations,
  ``Piecewise``, fractional powers, ``log`` …), every closed non-rational
  sub-expression of its arguments is replaced by a symbol carrying the sign
  the kernel certified, so SymPy's rules see only rationals and symbols with
  true assumptions; the numbers are put back without further evaluation.
* :func:`substitute` — substitution that rebuilds every node with
  :func:`build`.

SymPy's assumption queries (``is_positive`` …) on non-rational closed numbers
are trusted nowhere; see ``docs/TRUSTED.md``.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Iterable, Mapping

import mpmath
import sympy as sp

from .functions import needs_kernel, relu, sigmoid, softplus
from .implicit import ImplicitRoot

__all__ = [
    "sign_of",
    "compare",
    "holds",
    "is_closed",
    "needs_kernel",
    "build",
    "substitute",
    "evaluate_interval",
    "is_exactly_zero",
    "has_closed_kink",
    "NOT_A_VALUE",
]

#: Working precisions (bits) of the interval evaluation, tried in turn.
PRECISIONS = (64, 256, 1024, 4096)

#: Values that are not real numbers: never a value of a claim's expression.
NOT_A_VALUE = (sp.S.Infinity, sp.S.NegativeInfinity, sp.S.ComplexInfinity, sp.S.NaN)


class _Undecided(Exception):
    """Raised inside the interval evaluator when an enclosure is impossible."""


# ---------------------------------------------------------------------------
# closed numbers


def is_closed(e) -> bool:
    """A SymPy expression without free symbols (a number, possibly written
    with functions and constants)."""
    return isinstance(e, sp.Expr) and not e.free_symbols and not e.has(sp.Indexed)


def _is_rational(e) -> bool:
    return isinstance(e, sp.Rational)


# ---------------------------------------------------------------------------
# interval evaluation


def _iv(x):
    return mpmath.iv.mpf(x)


def _contains_zero(v) -> bool:
    return v.a <= 0 <= v.b


def _log(v):
    if v.a <= 0:
        raise _Undecided("log of a non-positive interval")
    return mpmath.iv.log(v)


def _pow(exp_expr, base, prec, env=None):
    if exp_expr.is_Integer:
        n = int(exp_expr)
        if n >= 0:
            return base ** n
        if _contains_zero(base):
            raise _Undecided("division by an interval containing 0")
        return _iv(1) / (base ** (-n))
    if exp_expr.is_Rational:
        p, q = int(exp_expr.p), int(exp_expr.q)
        if base.a < 0:
            raise _Undecided("fractional power of a possibly negative number")
        if q == 2:
            root = mpmath.iv.sqrt(base)
        else:
            if base.a == 0:
                raise _Undecided("fractional power near 0")
            root = mpmath.iv.exp(_log(base) / q)
        if p >= 0:
            return root ** p
        if _contains_zero(root):
            raise _Undecided("division by an interval containing 0")
        return _iv(1) / (root ** (-p))
    # symbolic exponent: base ** e = exp(e * log(base))
    return mpmath.iv.exp(_eval(exp_expr, prec, env) * _log(base))


def _sign_required(arg) -> int:
    s = sign_of(arg)
    if s is None:
        raise _Undecided(f"sign of {arg} undecided")
    return s


def _eval(expr: sp.Basic, prec: int, env=None):
    """An interval enclosing the real number ``expr`` (no free symbols), or
    its range when ``env`` maps its free symbols to intervals (a box: the
    natural interval extension, used by :class:`ImplicitRoot`'s check)."""
    if env is not None and expr in env:
        return env[expr]
    if expr.is_Rational:
        num = _iv(int(expr.p))
        return num / _iv(int(expr.q)) if expr.q != 1 else num
    if expr is sp.E:
        return mpmath.iv.exp(_iv(1))
    if expr is sp.pi:
        return mpmath.iv.pi
    if expr.is_Float:
        return _iv(mpmath.mpf(expr))
    if isinstance(expr, sp.Add):
        total = _iv(0)
        for a in expr.args:
            total = total + _eval(a, prec, env)
        return total
    if isinstance(expr, sp.Mul):
        total = _iv(1)
        for a in expr.args:
            total = total * _eval(a, prec, env)
        return total
    if isinstance(expr, sp.Pow):
        b, e = expr.args
        return _pow(e, _eval(b, prec, env), prec, env)
    if isinstance(expr, sp.exp):
        return mpmath.iv.exp(_eval(expr.args[0], prec, env))
    if isinstance(expr, sp.log):
        return _log(_eval(expr.args[0], prec, env))
    if isinstance(expr, sigmoid):
        z = _eval(expr.args[0], prec, env)
        return _iv(1) / (_iv(1) + mpmath.iv.exp(-z))
    if isinstance(expr, softplus):
        z = _eval(expr.args[0], prec, env)
        if z.b < 0:
            return mpmath.iv.log(_iv(1) + mpmath.iv.exp(z))
        # log(1 + e^z) = z + log(1 + e^-z) keeps e^z from overflowing
        return z + mpmath.iv.log(_iv(1) + mpmath.iv.exp(-z))
    if isinstance(expr, sp.tanh):
        z = _eval(expr.args[0], prec, env)
        return _iv(1) - _iv(2) / (mpmath.iv.exp(2 * z) + 1)
    if isinstance(expr, sp.cosh):
        z = _eval(expr.args[0], prec, env)
        return (mpmath.iv.exp(z) + mpmath.iv.exp(-z)) / 2
    if isinstance(expr, sp.sinh):
        z = _eval(expr.args[0], prec, env)
        return (mpmath.iv.exp(z) - mpmath.iv.exp(-z)) / 2
    if isinstance(expr, (sp.Abs, relu)):
        s = sign_of(expr.args[0])
        if s is not None:  # the exact sign picks the branch
            if isinstance(expr, relu):
                return _eval(expr.args[0], prec, env) if s > 0 else _iv(0)
            return _eval(expr.args[0], prec, env) if s >= 0 else -_eval(expr.args[0], prec, env)
        z = _eval(expr.args[0], prec, env)
        if isinstance(expr, relu):
            return mpmath.iv.mpf([max(z.a, 0), max(z.b, 0)])
        return mpmath.iv.mpf([0, max(-z.a, z.b)])
    if isinstance(expr, (sp.Max, sp.Min)):
        vals = [_eval(a, prec, env) for a in expr.args]
        pick = max if isinstance(expr, sp.Max) else min
        return mpmath.iv.mpf([pick(v.a for v in vals), pick(v.b for v in vals)])
    if isinstance(expr, sp.sign):
        return _iv(_sign_required(expr.args[0]))
    if isinstance(expr, sp.Heaviside):
        s = _sign_required(expr.args[0])
        if s == 0:
            h0 = expr.args[1] if len(expr.args) > 1 else sp.S.Half
            return _eval(h0, prec, env)
        return _iv(1 if s > 0 else 0)
    if isinstance(expr, sp.CRootOf):  # a real algebraic number: its checked isolating interval
        from .roots import isolating_interval

        try:
            lo, hi = isolating_interval(expr, min(prec, 256))
        except ValueError:
            raise _Undecided(f"{expr} not isolated") from None
        return mpmath.iv.mpf([_eval(lo, prec, env).a, _eval(hi, prec, env).b])
    if isinstance(expr, ImplicitRoot):  # the unique root of H in [a, b], checked here
        return _implicit_root(expr, prec)
    if isinstance(expr, sp.Piecewise):
        for value, cond in expr.args:
            t = holds(cond)
            if t is None:
                raise _Undecided(f"condition {cond} undecided")
            if t:
                return _eval(value, prec, env)
        raise _Undecided("no Piecewise branch applies")
    raise _Undecided(f"no interval rule for {type(expr).__name__}")


@lru_cache(maxsize=256)
def _slope(core: sp.Expr, var: sp.Symbol) -> sp.Expr:
    from .functions import derivative

    return derivative(core, var)


def _implicit_root(r: ImplicitRoot, prec: int):
    """``[a, b]`` for ``ImplicitRoot(H, u, a, b)`` once the bracket is checked:
    ``a < b`` rationals, ``H`` closed but for ``u``, ``H(a) < 0 < H(b)`` and
    ``∂H/∂u > 0`` on ``[a, b]`` (its range over the box, by the natural
    interval extension), so ``H`` has exactly one root there."""
    h, u = r.core, r.var
    a, b = r.bracket
    if not (isinstance(u, sp.Symbol) and _is_rational(a) and _is_rational(b) and a < b):
        raise _Undecided(f"{r} is not a bracket with rational ends")
    if h.free_symbols - {u} or h.has(sp.Indexed):
        raise _Undecided(f"{h} has other free symbols")
    ends = _eval(a, prec), _eval(b, prec)
    low, high = _eval(h, prec, {u: ends[0]}), _eval(h, prec, {u: ends[1]})  # no SymPy evaluation
    if not (low.b < 0 < high.a):
        raise _Undecided(f"{h} does not change sign on [{a}, {b}]")
    box = {u: mpmath.iv.mpf([ends[0].a, ends[1].b])}
    if not _eval(_slope(h, u), prec, box).a > 0:
        raise _Undecided(f"{h} is not shown increasing on [{a}, {b}]")
    return box[u]


def _enclose(expr: sp.Basic, prec: int):
    """An enclosure at ``prec`` bits, ``None`` when no rule applies, or
    ``OVERFLOW`` when the number is beyond any representable magnitude."""
    old = mpmath.iv.prec
    try:
        mpmath.iv.prec = prec
        return _eval(expr, prec)
    except OverflowError:
        return OVERFLOW
    except (_Undecided, ZeroDivisionError, ValueError, TypeError):
        return None
    finally:
        mpmath.iv.prec = old


OVERFLOW = "overflow"


def evaluate_interval(expr: sp.Basic, prec: int = 60):
    """A rigorous enclosure ``[a, b]`` (an ``mpmath.iv.mpf``) of a closed real
    expression, or ``None`` when no rule applies.

    >>> v = evaluate_interval(sigmoid(sp.Rational(1, 2)))
    >>> 0.6224 < v.a <= v.b < 0.6225
    True
    """
    v = _enclose(sp.sympify(expr), prec)
    return None if v is OVERFLOW else v


_DECISION_HEADS = (sp.Abs, sp.sign, sp.Heaviside, relu, sp.Max, sp.Min, sp.Piecewise)


def is_exactly_zero(expr: sp.Expr) -> bool:
    """Whether a closed real expression is exactly 0, by exact arguments only:
    the minimal polynomial of an algebraic number, or value-preserving
    rewrites (σ and softplus to ``exp``, ``together``/``cancel``,
    ``expand_log`` without ``force``) reaching the literal 0.  Never
    ``is_zero`` (SymPy consults a low-precision ``evalf``).
    """
    if expr == 0:
        return True
    if expr.has(*_DECISION_HEADS) or expr.has(sp.Float):
        return False  # rewrites would rebuild (and re-decide) the kinks
    if expr.has(ImplicitRoot) or any(_is_binder(n) for n in sp.preorder_traversal(expr)):
        return False  # an implicit root or an unevaluated corr/argmin: no rewrite reaches 0, slowly
    try:
        if not expr.has(sp.exp, sp.log, sigmoid, softplus, sp.tanh, sp.cosh, sp.sinh, sp.E, sp.pi):
            return sp.minimal_polynomial(expr, sp.Dummy("t")).is_Symbol
    except Exception:  # minimal_polynomial refuses: decide nothing here
        pass
    for rewrite in (
        lambda e: sp.expand(e),
        lambda e: sp.cancel(sp.together(e.rewrite(sp.exp))),
        lambda e: sp.expand_log(sp.expand(e.rewrite(sp.exp)), force=False),
    ):
        try:
            if rewrite(expr) == 0:
                return True
        except Exception:  # a rewrite that does not apply decides nothing
            continue
    return False


def sign_of(expr) -> int | None:
    """The exact sign (-1, 0, 1) of a closed real expression, or ``None``.

    >>> sign_of(sigmoid(sp.Rational(1, 2)) - sp.Rational(5, 8)), sign_of(sp.sqrt(2)**2 - 2)
    (-1, 0)
    >>> sign_of(sp.exp(-41) - sp.log(1 + sp.exp(-40)))
    -1
    """
    expr = sp.sympify(expr)
    if not isinstance(expr, sp.Expr) or not is_closed(expr):
        return None
    if isinstance(expr, sp.Rational):
        return (expr.p > 0) - (expr.p < 0)
    return _sign_cached(expr)


@lru_cache(maxsize=4096)
def _sign_cached(expr: sp.Expr) -> int | None:
    if expr.has(*NOT_A_VALUE) or expr.has(sp.I):
        return None
    for prec in PRECISIONS:
        v = _enclose(expr, prec)
        if v is None or v is OVERFLOW:
            break
        if v.a > 0:
            return 1
        if v.b < 0:
            return -1
        if v.a == 0 == v.b:
            return 0
    if is_exactly_zero(expr):
        return 0
    return None


@lru_cache(maxsize=1024)
def _too_large(e: sp.Expr) -> bool:
    """Whether the closed number ``e`` is beyond any magnitude the interval
    arithmetic can hold (``exp(exp(exp(exp(9))))``)."""
    return _enclose(e, 53) is OVERFLOW


def has_closed_kink(e) -> bool:
    """Whether ``e`` holds ``Abs``/``sign``/``Max``/``Min``/``Heaviside``/
    ``relu``/``Piecewise`` of closed non-rational arguments: the kernel left
    it unevaluated (it could not certify the sign), so a SymPy rewrite that
    rebuilds it would decide it by a guess."""
    if not isinstance(e, sp.Basic) or not needs_kernel(e):
        return False
    def closed(a):
        return isinstance(a, sp.Expr) and a.is_number and needs_kernel(a)

    for node in sp.preorder_traversal(e):
        if isinstance(node, (sp.Max, sp.Min)):
            if sum(1 for a in node.args if isinstance(a, sp.Expr) and a.is_number) >= 2 and needs_kernel(node):
                return True
        elif isinstance(node, sp.Piecewise):
            if any(c.free_symbols == set() and c not in (sp.true, sp.false) and needs_kernel(c)
                   for _, c in node.args):
                return True
        elif isinstance(node, _DECISION_HEADS) and closed(node.args[0]):
            return True
    return False


def compare(a, b) -> int | None:
    """The sign of ``a - b`` for closed real ``a``, ``b`` (``None``: unknown).
    The difference is formed without evaluation, so nothing is decided on the
    way.

    >>> compare(sp.log(1 + sp.exp(-40)), 0)
    1
    """
    a, b = sp.sympify(a), sp.sympify(b)
    if isinstance(a, sp.Rational) and isinstance(b, sp.Rational):
        return sign_of(a - b)
    with sp.evaluate(False):
        d = sp.Add(a, sp.Mul(sp.S.NegativeOne, b))
    return sign_of(d)


_REL = {
    sp.Eq: lambda s: s == 0,
    sp.Ne: lambda s: s != 0,
    sp.Lt: lambda s: s < 0,
    sp.Le: lambda s: s <= 0,
    sp.Gt: lambda s: s > 0,
    sp.Ge: lambda s: s >= 0,
}


def _and(values: Iterable[bool | None]) -> bool | None:
    out: bool | None = True
    for v in values:
        if v is False:
            return False
        if v is None:
            out = None
    return out


def _or(values: Iterable[bool | None]) -> bool | None:
    out: bool | None = False
    for v in values:
        if v is True:
            return True
        if v is None:
            out = None
    return out


def holds(f) -> bool | None:
    """Whether a closed condition holds: ``True``, ``False`` or ``None``
    (unknown: a free symbol, a value that is not a real number, or a sign
    the kernel cannot certify).

    >>> holds(sp.Gt(sp.log(1 + sp.exp(-40)), 0, evaluate=False))
    True
    """
    if f is sp.true or f is True:
        return True
    if f is sp.false or f is False:
        return False
    if isinstance(f, sp.Rel):
        rule = _REL.get(type(f))
        if rule is None:
            return None
        lhs, rhs = f.args
        if not (is_closed(lhs) and is_closed(rhs)):
            return None
        if lhs.has(*NOT_A_VALUE, sp.I) or rhs.has(*NOT_A_VALUE, sp.I):
            return None
        s = compare(lhs, rhs)
        return None if s is None else rule(s)
    if isinstance(f, sp.And):
        return _and(holds(a) for a in f.args)
    if isinstance(f, sp.Or):
        return _or(holds(a) for a in f.args)
    if isinstance(f, sp.Not):
        v = holds(f.args[0])
        return None if v is None else not v
    if isinstance(f, sp.Implies):
        p = holds(f.args[0])
        return _or([None if p is None else not p, holds(f.args[1])])
    if isinstance(f, (sp.Equivalent, sp.Xor)):
        vals = [holds(a) for a in f.args]
        if None in vals:
            return None
        return len(set(vals)) == 1 if isinstance(f, sp.Equivalent) else sum(vals) % 2 == 1
    if isinstance(f, sp.Contains):
        value, where = f.args
        value = sp.expand(value)
        if isinstance(value, sp.Rational) and where is sp.Integers:
            return bool(value.is_integer)
    return None


# ---------------------------------------------------------------------------
# construction under the kernel's control

#: Heads whose SymPy evaluation only applies algebraic identities (no sign
#: or order decision about a number): built by SymPy as they are.
_ARITHMETIC = (sp.Add, sp.Mul, sp.exp, sigmoid, softplus, sp.tanh, sp.cosh, sp.sinh)


def _abstract(e: sp.Basic, back: dict, forward: dict) -> sp.Basic:
    """``e`` with every closed non-rational sub-expression replaced by a
    symbol carrying the kernel's certified sign (0 itself when certified
    zero); ``back`` maps the symbols to the numbers."""
    if isinstance(e, sp.Expr) and e.is_number:
        if _is_rational(e) or e in (sp.S.Infinity, sp.S.NegativeInfinity) or not is_closed(e):
            return e
        if e in forward:
            return forward[e]
        if _too_large(e):
            raise OverflowError(f"number too large to evaluate: {e}")
        s = sign_of(e)
        if s == 0:
            sym = sp.S.Zero
        else:
            kw = {"real": True, "finite": True}
            if s == 1:
                kw["positive"] = True
            elif s == -1:
                kw["negative"] = True
            sym = sp.Dummy("c", **kw)
            back[sym] = e
        forward[e] = sym
        return sym
    if not e.args or not needs_kernel(e):
        return e
    args = [_abstract(a, back, forward) for a in e.args]
    return e.func(*args)


def _is_arithmetic(fn, args) -> bool:
    if fn in _ARITHMETIC:
        return True
    return fn is sp.Pow and len(args) == 2 and isinstance(args[1], sp.Integer)


def build(fn, *args, **kwargs):
    """``fn(*args, **kwargs)``, with every decision about a closed number
    made by the kernel.

    Without closed non-rational sub-expressions, or for a purely arithmetic
    head (``+``, ``*``, integer powers, ``exp``, σ, softplus, ``tanh`` …),
    SymPy builds the node as usual.  Otherwise those sub-expressions are
    abstracted (see :func:`_abstract`), SymPy evaluates the node on the
    abstraction, and the numbers are put back unevaluated.

    >>> c = sp.exp(-41) - sp.log(1 + sp.exp(-40))
    >>> build(sp.Abs, c) == -c, build(sp.Max, sigmoid(400) - 1, 0)
    (True, 0)
    >>> build(sp.Gt, sp.log(1 + sp.exp(-40)), 0)
    True
    """
    if not any(needs_kernel(a) for a in args) or _is_arithmetic(fn, args):
        return fn(*args, **kwargs)
    if isinstance(fn, type) and issubclass(fn, sp.Rel) and kwargs.get("evaluate", True) and len(args) == 2:
        decided = _closed_relation(fn, *args)
        if decided is not None:
            return decided
    if fn in (sp.Max, sp.Min) and kwargs.get("evaluate", True):
        args = _extreme_closed(fn, args)
        if len(args) == 1:
            return args[0]
    back: dict = {}
    forward: dict = {}
    abstract = [_abstract(a, back, forward) if isinstance(a, sp.Basic) else _abstract_pair(a, back, forward)
                for a in args]
    value = fn(*abstract, **kwargs)
    if not back or not isinstance(value, sp.Basic):
        return value
    return _concretise(value, back)


def _concretise(e: sp.Basic, back: dict) -> sp.Basic:
    """Put the abstracted numbers back: arithmetic nodes are evaluated (they
    decide nothing), every other node that holds one is left unevaluated."""
    if e in back:
        return back[e]
    if not e.args or not (e.free_symbols & back.keys()):
        return e
    args = [_concretise(a, back) for a in e.args]
    if _is_arithmetic(e.func, args):
        return e.func(*args)
    with sp.evaluate(False):
        return e.func(*args)


def _closed_relation(fn, lhs, rhs):
    """``fn(lhs, rhs)`` decided by the kernel when ``lhs - rhs`` is closed."""
    rule = _REL.get(fn)
    lhs, rhs = sp.sympify(lhs), sp.sympify(rhs)
    if rule is None or not (isinstance(lhs, sp.Expr) and isinstance(rhs, sp.Expr)):
        return None
    with sp.evaluate(False):
        d = sp.Add(lhs, sp.Mul(sp.S.NegativeOne, rhs))
    if not is_closed(d) or d.has(*NOT_A_VALUE, sp.I):
        return None
    s = sign_of(d)
    return None if s is None else sp.true if rule(s) else sp.false


def _extreme_closed(fn, args) -> list:
    """``args`` of Max/Min with the closed ones reduced to their extreme,
    when the kernel orders them all (otherwise unchanged)."""
    args = [sp.sympify(a) for a in args]
    closed = [a for a in args if is_closed(a) and not a.has(*NOT_A_VALUE)]
    if len(closed) < 2:
        return list(args)
    best = closed[0]
    for a in closed[1:]:
        s = compare(a, best)
        if s is None:
            return list(args)
        if (s > 0) == (fn is sp.Max) and s != 0:
            best = a
    rest = [a for a in args if a not in closed]
    return [best] + rest


def _abstract_pair(a, back, forward):
    """Piecewise arguments arrive as (value, condition) tuples."""
    if isinstance(a, tuple):
        return tuple(_abstract(x, back, forward) if isinstance(x, sp.Basic) else x for x in a)
    return a


def substitute(expr: sp.Basic, mapping: Mapping) -> sp.Basic:
    """``expr`` with ``mapping`` put in, every rebuilt node built by
    :func:`build` (so ``at(abs(c + w), w=0)`` is decided by the kernel, not
    by SymPy's guess about ``c``).

    >>> w = sp.Symbol('w', real=True)
    >>> c = sp.exp(-41) - sp.log(1 + sp.exp(-40))
    >>> substitute(sp.Abs(w + c), {w: 0}) == -c
    True
    """
    mapping = {k: sp.sympify(v) for k, v in mapping.items()}
    if not mapping:
        return expr
    cache: dict = {}

    def walk(e):
        if e in mapping:
            return mapping[e]
        if not e.args:
            return e
        if e in cache:
            return cache[e]
        args = [walk(a) for a in e.args]
        out = e if all(a is b for a, b in zip(args, e.args)) else rebuild(e, args)
        cache[e] = out
        return out

    return walk(expr)


def rebuild(e: sp.Basic, args) -> sp.Basic:
    """``e.func(*args)`` through :func:`build`; a ``Piecewise`` whose
    condition holds a binder (``argmin``/``corr``) with a ``Piecewise`` inside
    is rebuilt as it stands (see :func:`_binds_a_piecewise`)."""
    if isinstance(e, (ExprCondPair, sp.Piecewise)) and any(_binds_a_piecewise(a) for a in args):
        return _raw_piecewise(e, args)
    return build(e.func, *args)


ExprCondPair = sp.functions.elementary.piecewise.ExprCondPair


def _is_binder(n: sp.Basic) -> bool:
    """A function application that binds one of its arguments' symbols
    (its free symbols are fewer than its arguments'): ``argmin``, ``corr``."""
    if not isinstance(n, sp.Function) or not n.args:
        return False
    inner = set().union(*(a.free_symbols for a in n.args))
    return n.free_symbols != inner


def _binds_a_piecewise(e) -> bool:
    """Whether ``e`` holds a binder with a ``Piecewise`` inside.  SymPy's
    ``ExprCondPair`` folds every ``Piecewise`` of a condition outwards
    (``piecewise_fold``), through the binder too, so the bound variable of
    ``argmin(where(...), w)`` would come out free: such a node is built
    without that fold."""
    if not isinstance(e, sp.Basic) or not e.has(sp.Piecewise):
        return False
    return any(_is_binder(n) and n.has(sp.Piecewise) for n in sp.preorder_traversal(e))


def _raw_piecewise(e: sp.Basic, args) -> sp.Basic:
    """``e`` rebuilt from ``args`` without SymPy's evaluation (no fold)."""
    if isinstance(e, ExprCondPair):
        return sp.Tuple.__new__(ExprCondPair, *args)
    pairs = [a if isinstance(a, ExprCondPair) else sp.Tuple.__new__(ExprCondPair, *a) for a in args]
    return sp.Basic.__new__(sp.Piecewise, *pairs)
