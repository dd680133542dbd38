"""Symbol domains and the per-problem symbol table.

A *domain* says which real values a symbol may take.  Domains are written as
short strings:

=====================  ==============================================
text                   meaning
=====================  ==============================================
``real``               all reals (the default)
``positive``           ``(0, inf)``; likewise ``negative``,
                       ``nonnegative`` ``[0, inf)``, ``nonpositive``
``nonzero``            reals except 0
``integer``            all integers; also ``positive integer`` and
                       ``nonnegative integer``
``(a, b)`` ``[a, b]``  intervals, open or closed at either end;
``(a, b]`` ``[a, b)``  endpoints are exact numbers (``1/3``, ``0.1``,
                       ``sqrt(2)``, ``pi``) or ``-inf``/``inf`` (open)
``{0, 1}``             a finite set of rational numbers
=====================  ==============================================

:func:`parse_domain` turns the text into a frozen :class:`Domain`, whose
:attr:`~Domain.assumptions` create the SymPy symbol, whose
:meth:`~Domain.condition` states membership as a SymPy boolean, whose
:meth:`~Domain.contains` decides membership of an exact value *exactly*, and
whose :meth:`~Domain.sample` draws float test points.

A :class:`SymbolTable` hands out one ``sympy.Symbol`` per name, created from
the name's domain, so every module of one problem shares the same symbols.
Indexed families (``w[j]``), summation indices (``j``) and bounds (``n``) for
the n-feature models also live in the table.
"""

from __future__ import annotations

import keyword
from dataclasses import dataclass, field
from typing import Iterator, Mapping

import numpy as np
import sympy as sp

from ..errors import DomainError
from .grammar import _CONSTANTS, _NOT_REAL, NAME_PATTERN
from .kernel import sign_of
from .walker import read

__all__ = [
    "Domain",
    "parse_domain",
    "REAL",
    "SymbolTable",
    "NAME_PATTERN",
]

_KINDS = ("interval", "nonzero", "integer", "finite")


def _sign(d: sp.Expr) -> int | None:
    """The sign of a real number (−1, 0, 1), or None when it is not certain:
    infinities by their sign, every other closed number by the trusted
    kernel (:func:`symloss.language.kernel.sign_of`).

    >>> _sign(sp.sqrt(2) - sp.Rational(1414, 1000)), _sign(sp.S.Zero)
    (1, 0)
    >>> _sign(sp.exp(-41) - sp.log(1 + sp.exp(-40)))
    -1
    """
    if d is sp.S.Infinity:
        return 1
    if d is sp.S.NegativeInfinity:
        return -1
    return sign_of(d)


def _lt(a: sp.Expr, b: sp.Expr) -> bool | None:
    """Certain ``a < b`` for real numbers (±oo allowed), else None."""
    if a == b:
        return False
    if a is sp.S.NegativeInfinity or b is sp.S.Infinity:
        return True
    if a is sp.S.Infinity or b is sp.S.NegativeInfinity:
        return False
    s = _sign(b - a)
    return None if s is None else s > 0


def _le(a: sp.Expr, b: sp.Expr) -> bool | None:
    """Certain ``a <= b``, else None."""
    r = _lt(b, a)
    return None if r is None else not r


def _endpoint_text(v: sp.Expr) -> str:
    if v is sp.S.Infinity:
        return "inf"
    if v is sp.S.NegativeInfinity:
        return "-inf"
    return str(v)


def _inward_float(v: sp.Expr, up: bool) -> float:
    """A float on the inner side of the exact endpoint ``v`` (``up``: >= v)."""
    if v is sp.S.Infinity:
        return float("inf")
    if v is sp.S.NegativeInfinity:
        return float("-inf")
    f = float(v)
    exact = sp.Rational(f)
    if up and _lt(exact, v) is not False:
        if exact != v:
            f = float(np.nextafter(f, np.inf))
    elif not up and _lt(v, exact) is not False:
        if exact != v:
            f = float(np.nextafter(f, -np.inf))
    return f


@dataclass(frozen=True)
class Domain:
    """A set of admissible real values for one symbol.

    ``kind`` is ``"interval"`` (``lo``/``hi`` with open/closed ends; ``real``,
    ``positive`` … are intervals), ``"nonzero"`` (ℝ∖{0}), ``"integer"``
    (integers in ``[lo, hi]``) or ``"finite"`` (``elements``).  Build domains
    with :func:`parse_domain`; ``text`` is the canonical spelling, so two
    domains are equal exactly when they denote the same set.

    >>> d = parse_domain("(0, 1]")
    >>> d.text, d.assumptions, d.bounds
    ('(0, 1]', {'real': True, 'positive': True}, (0, 1, True, False))
    >>> d.contains(sp.Rational(1, 2)), d.contains(sp.S.Zero)
    (True, False)
    """

    kind: str
    text: str
    lo: sp.Expr = sp.S.NegativeInfinity
    hi: sp.Expr = sp.S.Infinity
    lo_open: bool = True
    hi_open: bool = True
    elements: tuple = ()
    _lo_f: float = field(default=-np.inf, repr=False, compare=False)
    _hi_f: float = field(default=np.inf, repr=False, compare=False)

    # -- derived facts ---------------------------------------------------
    @property
    def is_finite(self) -> bool:
        """Whether the domain is a finite set (``{0, 1}``)."""
        return self.kind == "finite"

    @property
    def bounds(self) -> tuple:
        """``(lo, hi, lo_open, hi_open)``; infinite ends are ``-oo``/``oo``."""
        return (self.lo, self.hi, self.lo_open, self.hi_open)

    @property
    def assumptions(self) -> dict:
        """Keyword assumptions for ``sympy.Symbol`` (always ``real=True``).

        >>> parse_domain("{-1, 1}").assumptions
        {'real': True, 'integer': True, 'nonzero': True}
        >>> parse_domain("real").assumptions
        {'real': True}
        """
        out = {"real": True}
        if self.kind == "integer":
            out["integer"] = True
        if self.kind == "finite" and all(e.is_integer for e in self.elements):
            out["integer"] = True
        if self.kind == "nonzero":
            out["nonzero"] = True
            return out
        lo, hi = self.lo, self.hi
        if self.kind == "finite":
            lo, hi = self.elements[0], self.elements[-1]
        lo_open = self.lo_open if self.kind != "finite" else False
        hi_open = self.hi_open if self.kind != "finite" else False
        s_lo, s_hi = _sign(lo), _sign(hi)  # the kernel's signs, never SymPy's guesses
        if s_lo == 1 or (s_lo == 0 and lo_open):
            out["positive"] = True
        elif s_lo == 0:
            out["nonnegative"] = True
        elif s_hi == -1 or (s_hi == 0 and hi_open):
            out["negative"] = True
        elif s_hi == 0:
            out["nonpositive"] = True
        elif self.kind == "finite" and all(_sign(e) in (1, -1) for e in self.elements):
            out["nonzero"] = True
        return out

    def condition(self, sym: sp.Expr) -> sp.Basic:
        """Membership of ``sym`` as an *unevaluated* SymPy boolean, so it
        keeps its meaning whatever assumptions ``sym`` carries.

        >>> x = sp.Symbol('x')
        >>> parse_domain("(0, 1)").condition(x)
        (0 < x) & (x < 1)
        >>> parse_domain("{0, 1}").condition(x)
        Eq(x, 0) | Eq(x, 1)
        >>> parse_domain("real").condition(x)
        True
        """
        if self.kind == "finite":
            eqs = [sp.Eq(sym, e, evaluate=False) for e in self.elements]
            return eqs[0] if len(eqs) == 1 else sp.Or(*eqs, evaluate=False)
        if self.kind == "nonzero":
            return sp.Ne(sym, 0, evaluate=False)
        parts = []
        if self.kind == "integer":
            parts.append(sp.Contains(sym, sp.Integers, evaluate=False))
        if self.lo.is_finite:
            rel = sp.StrictLessThan if self.lo_open else sp.LessThan
            parts.append(rel(self.lo, sym, evaluate=False))
        if self.hi.is_finite:
            rel = sp.StrictLessThan if self.hi_open else sp.LessThan
            parts.append(rel(sym, self.hi, evaluate=False))
        if not parts:
            return sp.true
        return parts[0] if len(parts) == 1 else sp.And(*parts, evaluate=False)

    def decide(self, value) -> bool | None:
        """Exact membership of a real number: True, False, or None when SymPy
        cannot settle a comparison with certainty.

        >>> parse_domain("[0, sqrt(2))").decide(sp.Rational(141, 100))
        True
        >>> parse_domain("positive").decide(sp.Symbol('t')) is None
        True
        """
        v = _as_number(value)
        if v is None:
            return None
        if v.is_extended_real is not True or v.is_finite is not True:
            return False if v.is_extended_real is False or v.is_infinite else None
        if self.kind == "finite":
            signs = [_sign(v - e) for e in self.elements]
            if 0 in signs:
                return True
            return None if None in signs else False
        if self.kind == "nonzero":
            z = _sign(v)
            return None if z is None else z != 0
        if self.kind == "integer":
            if v.is_integer is None:
                return None
            if not v.is_integer:
                return False
        lo_ok = (_lt if self.lo_open else _le)(self.lo, v)
        hi_ok = (_lt if self.hi_open else _le)(v, self.hi)
        if lo_ok is False or hi_ok is False:
            return False
        if lo_ok is None or hi_ok is None:
            return None
        return True

    def contains(self, value) -> bool:
        """Exact membership; False when undecidable (never a guess).

        >>> parse_domain("{0, 1}").contains(sp.S.One), parse_domain("[0, 1)").contains(sp.S.One)
        (True, False)
        """
        return self.decide(value) is True

    def contains_array(self, arr) -> np.ndarray:
        """Vectorised float membership (closed-form ends rounded inward).

        >>> parse_domain("(0, 1]").contains_array([0.0, 0.5, 1.0, 2.0]).tolist()
        [False, True, True, False]
        """
        a = np.asarray(arr, dtype=float)
        ok = np.isfinite(a)
        if self.kind == "finite":
            return ok & np.isin(a, np.array([float(e) for e in self.elements]))
        if self.kind == "nonzero":
            return ok & (a != 0)
        if self.kind == "integer":
            ok &= np.floor(a) == a
        ok &= (a > self._lo_f) if self.lo_open else (a >= self._lo_f)
        ok &= (a < self._hi_f) if self.hi_open else (a <= self._hi_f)
        return ok

    def special_points(self) -> tuple:
        """Exact rational points worth testing that lie in the domain: 0, ±1,
        ±½, ±2, closed rational ends, the midpoint of a bounded interval.

        >>> parse_domain("[0, 1)").special_points()
        (0, 1/4, 1/2, 3/4)
        >>> parse_domain("{-1, 1}").special_points()
        (-1, 1)
        """
        if self.kind == "finite":
            return self.elements
        cands = [sp.S.Zero, sp.S.One, -sp.S.One, sp.S.Half, -sp.S.Half,
                 sp.Integer(2), sp.Integer(-2)]
        for v in (self.lo, self.hi):
            if v.is_Rational:
                cands.append(v)
        if self.lo.is_finite and self.hi.is_finite:
            mid = (self.lo + self.hi) / 2
            if mid.is_Rational:
                cands.append(mid)
            if self.lo.is_Rational and self.hi.is_Rational:
                cands += [self.lo + (self.hi - self.lo) / 4, self.hi - (self.hi - self.lo) / 4]
        elif self.lo.is_Rational:
            cands += [self.lo + 1, self.lo + sp.Rational(1, 10)]
        elif self.hi.is_Rational:
            cands += [self.hi - 1, self.hi - sp.Rational(1, 10)]
        out = []
        for c in cands:
            if c not in out and self.contains(c):
                out.append(c)
        return tuple(sorted(out))

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` float64 points inside the domain (strictly inside open ends),
        mixing narrow (1e-3) and wide (1e3) scales.

        >>> d = parse_domain("(0, 1)")
        >>> bool(d.contains_array(d.sample(np.random.default_rng(0), 1000)).all())
        True
        """
        n = int(n)
        if n < 0:
            raise DomainError(f"sample size must be >= 0, got {n}")
        if self.kind == "finite":
            vals = np.array([float(e) for e in self.elements])
            if not np.isfinite(vals).all():
                raise DomainError(f"cannot sample float64 values of the set {self.text[:60]}")
            return vals[rng.integers(0, len(vals), size=n)]
        scale = 10.0 ** rng.integers(-3, 4, size=n)
        if self.kind == "integer":
            width = np.where(rng.random(n) < 0.5, 3.0, 1000.0)
            x = np.round(rng.standard_normal(n) * width)
            if np.isfinite(self._lo_f):
                x = self._lo_f + np.abs(x)
            return x.astype(float)
        if self.kind == "nonzero":
            x = rng.standard_normal(n) * scale
            return np.where(x == 0, 1.0, x)
        lo, hi = self._lo_f, self._hi_f
        if np.isfinite(lo) and np.isfinite(hi):
            u = rng.random(n)
            # a third of the points crowd towards one end at a random scale
            near = rng.random(n) < 1 / 3
            t = np.where(rng.random(n) < 0.5, 1e-3, 1e-1) * rng.random(n)
            u = np.where(near, np.where(rng.random(n) < 0.5, t, 1 - t), u)
            x = lo + (hi - lo) * u
        elif np.isfinite(lo):
            x = lo + rng.exponential(1.0, n) * scale
        elif np.isfinite(hi):
            x = hi - rng.exponential(1.0, n) * scale
        else:
            x = rng.standard_normal(n) * scale
        x = np.clip(x, lo, hi)
        if self.lo_open and np.isfinite(lo):
            x = np.where(x <= lo, np.nextafter(lo, np.inf), x)
        if self.hi_open and np.isfinite(hi):
            x = np.where(x >= hi, np.nextafter(hi, -np.inf), x)
        # closed ends are admissible points (often kinks): hit them now and then
        for end, closed in ((lo, not self.lo_open), (hi, not self.hi_open)):
            if closed and np.isfinite(end):
                x = np.where(rng.random(n) < 0.03, end, x)
        x = x.astype(float)
        if not self.contains_array(x).all():  # e.g. (1e500, 1e600): no float inside
            raise DomainError(f"cannot sample float64 values inside the domain {self.text}")
        return x


def _as_number(value) -> sp.Expr | None:
    """A SymPy number from an exact Python/SymPy value, or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return sp.Integer(value)
    try:
        from fractions import Fraction

        if isinstance(value, Fraction):
            return sp.Rational(value.numerator, value.denominator)
    except ImportError:  # pragma: no cover
        pass
    if isinstance(value, sp.Expr) and not value.free_symbols and not value.has(sp.Indexed):
        return value
    return None


def _make_interval(kind, text, lo, hi, lo_open, hi_open) -> Domain:
    return Domain(kind, text, lo, hi, lo_open, hi_open, (),
                  _inward_float(lo, True), _inward_float(hi, False))


_OO = sp.S.Infinity
_NAMED = {
    "real": ("interval", -_OO, _OO, True, True),
    "positive": ("interval", sp.S.Zero, _OO, True, True),
    "negative": ("interval", -_OO, sp.S.Zero, True, True),
    "nonnegative": ("interval", sp.S.Zero, _OO, False, True),
    "nonpositive": ("interval", -_OO, sp.S.Zero, True, False),
    "nonzero": ("nonzero", -_OO, _OO, True, True),
    "integer": ("integer", -_OO, _OO, True, True),
    "positive integer": ("integer", sp.S.One, _OO, False, True),
    "nonnegative integer": ("integer", sp.S.Zero, _OO, False, True),
}
_ALIASES = {"reals": "real", "nonzero real": "nonzero", "integers": "integer",
            "natural": "positive integer", "positive_integer": "positive integer",
            "nonnegative_integer": "nonnegative integer"}
_BY_KEY = {v: k for k, v in _NAMED.items()}

#: The default domain, all reals.
REAL = _make_interval("interval", "real", -_OO, _OO, True, True)


def _parse_number(piece: str, whole: str) -> sp.Expr:
    from ..errors import SymlossSyntaxError

    s = piece.strip()
    if not s:
        raise DomainError(f"empty number in domain {whole!r}")
    conditions: list = []
    try:
        v = read(s, SymbolTable(), conditions=conditions)
    except SymlossSyntaxError as e:
        raise DomainError(f"bad number {s!r} in domain {whole!r}: {e.message}") from None
    if conditions:  # a closed condition the kernel could not decide
        raise DomainError(f"cannot decide that {s!r} in domain {whole!r} is a defined real number")
    if not isinstance(v, sp.Expr) or v.free_symbols or v.has(sp.Indexed):
        raise DomainError(f"{s!r} in domain {whole!r} is not a number")
    if v.is_extended_real is not True:
        raise DomainError(f"{s!r} in domain {whole!r} is not a real number")
    return v


def parse_domain(text) -> Domain:
    """The :class:`Domain` written as ``text`` (a Domain is returned as is).

    >>> parse_domain(" Positive ").text, parse_domain("(0, inf)").text
    ('positive', 'positive')
    >>> parse_domain("{1, 0, 1}").elements
    (0, 1)
    >>> parse_domain("[0.5, 1e1]").bounds
    (1/2, 10, False, False)
    >>> parse_domain("(1, 0)")
    Traceback (most recent call last):
    ...
    symloss.errors.DomainError: empty interval in domain '(1, 0)': need 1 < 0
    """
    if isinstance(text, Domain):
        return text
    if not isinstance(text, str):
        raise DomainError(f"a domain must be a string, got {text!r}")
    if len(text) > 1000:
        raise DomainError(f"domain text too long ({len(text)} characters): {text[:40]!r}...")
    s = " ".join(text.strip().split())
    key = s.lower()
    key = _ALIASES.get(key, key)
    if key in _NAMED:
        kind, lo, hi, lo_open, hi_open = _NAMED[key]
        return _make_interval(kind, key, lo, hi, lo_open, hi_open)
    if len(s) >= 2 and s[0] == "{" and s[-1] == "}":
        return _parse_finite(s, text)
    if len(s) >= 2 and s[0] in "([" and s[-1] in ")]":
        return _parse_interval(s, text)
    raise DomainError(
        f"unknown domain {text!r}: expected real, positive, negative, nonnegative, "
        "nonpositive, nonzero, integer, an interval like (0, 1] or a set like {0, 1}"
    )


def _parse_finite(s: str, whole: str) -> Domain:
    body = s[1:-1]
    if not body.strip():
        raise DomainError(f"empty set in domain {whole!r}")
    pieces = body.split(",")
    if len(pieces) > 1000:
        raise DomainError(f"too many elements in domain {whole[:40]!r}")
    vals = []
    for p in pieces:
        v = _parse_number(p, whole)
        if not v.is_Rational:
            raise DomainError(f"set elements must be rational numbers; {p.strip()!r} in {whole!r} is not")
        if v not in vals:
            vals.append(v)
    vals.sort()
    canon = "{" + ", ".join(str(v) for v in vals) + "}"
    return Domain("finite", canon, vals[0], vals[-1], False, False, tuple(vals),
                  float(vals[0]), float(vals[-1]))


def _parse_interval(s: str, whole: str) -> Domain:
    pieces = s[1:-1].split(",")
    if len(pieces) != 2:
        raise DomainError(f"an interval needs exactly two endpoints: {whole!r}")
    lo, hi = (_parse_number(p, whole) for p in pieces)
    lo_open, hi_open = s[0] == "(", s[-1] == ")"
    if lo is sp.S.Infinity or hi is sp.S.NegativeInfinity:
        raise DomainError(f"interval {whole!r} has an infinite endpoint on the wrong side")
    if (lo.is_infinite and not lo_open) or (hi.is_infinite and not hi_open):
        raise DomainError(f"infinite endpoints must be open in domain {whole!r} (write '(' or ')')")
    order = _lt(lo, hi)
    if order is None:
        raise DomainError(f"cannot decide whether {lo} < {hi} in domain {whole!r}")
    if not order:
        raise DomainError(f"empty interval in domain {whole!r}: need {lo} < {hi}")
    key = ("interval", lo, hi, lo_open, hi_open)
    canon = _BY_KEY.get(key) or (
        ("(" if lo_open else "[") + _endpoint_text(lo) + ", " + _endpoint_text(hi)
        + (")" if hi_open else "]")
    )
    return _make_interval("interval", canon, lo, hi, lo_open, hi_open)


class SymbolTable:
    """One ``sympy.Symbol`` per name, built from the name's domain.

    Undeclared names are real.  Names used as summation indices (``j``) are
    integer, names used as summation bounds (``n``) positive integers, and
    names used with subscripts (``w[j]``) are real indexed families
    (``sympy.IndexedBase``); a name is only ever one of these.

    >>> t = SymbolTable({"w": "positive", "y": "{0, 1}"})
    >>> t.symbol("w").is_positive, t.symbol("y").is_integer, t.symbol("b").is_real
    (True, True, True)
    >>> t.symbol("w") is t.symbol("w")
    True
    >>> [str(h) for h in t.hypotheses([t.symbol("w"), t.symbol("b")])]
    ['0 < w']
    >>> sorted(t)
    ['b', 'w', 'y']
    """

    def __init__(self, domains: Mapping[str, str | Domain] | None = None):
        self._domains: dict[str, Domain] = {}
        self._symbols: dict[str, sp.Symbol] = {}
        self._families: dict[str, sp.IndexedBase] = {}
        for name, dom in dict(domains or {}).items():
            self.declare(name, dom)

    @staticmethod
    def _check_name(name) -> str:
        if not isinstance(name, str) or not NAME_PATTERN.match(name):
            raise DomainError(
                f"bad symbol name {name!r}: use letters, digits and '_', starting with a letter"
            )
        if keyword.iskeyword(name) and name != "lambda":
            raise DomainError(f"bad symbol name {name!r}: it is a Python keyword")
        if name in _CONSTANTS or name in _NOT_REAL:
            # a symbol would silently shadow the constant in every claim (pi*L >= 3*L refuted at pi = 1)
            raise DomainError(f"bad symbol name {name!r}: it is a constant of the claim language; choose another name")
        return name

    def declare(self, name: str, domain: str | Domain) -> sp.Symbol:
        """Give ``name`` a domain; an error if its symbol already exists with
        another domain.  Returns the symbol.

        >>> t = SymbolTable(); _ = t.symbol("x")
        >>> t.declare("x", "positive")
        Traceback (most recent call last):
        ...
        symloss.errors.DomainError: symbol 'x' already exists with domain real, cannot redeclare it as positive
        """
        self._check_name(name)
        dom = parse_domain(domain)
        if name in self._families:
            raise DomainError(f"{name!r} is an indexed family ({name}[j]); it cannot have domain {dom.text}")
        old = self._domains.get(name)
        if name in self._symbols and (old or REAL) != dom:
            raise DomainError(
                f"symbol {name!r} already exists with domain {(old or REAL).text}, "
                f"cannot redeclare it as {dom.text}"
            )
        self._domains[name] = dom
        return self.symbol(name)

    def symbol(self, name: str) -> sp.Symbol:
        """The symbol called ``name`` (created real if undeclared)."""
        sym = self._symbols.get(name)
        if sym is not None:
            return sym
        self._check_name(name)
        if name in self._families:
            raise DomainError(f"{name!r} is an indexed family; write {name}[j] with an index")
        dom = self._domains.get(name, REAL)
        sym = sp.Symbol(name, **dom.assumptions)
        self._symbols[name] = sym
        return sym

    def _integer_symbol(self, name: str, default: str, role: str) -> sp.Symbol:
        self._check_name(name)
        if name not in self._domains and name not in self._symbols and name not in self._families:
            self._domains[name] = parse_domain(default)
        dom = self._domains.get(name, REAL)
        if dom.kind not in ("integer", "finite") or not dom.assumptions.get("integer"):
            raise DomainError(
                f"{name!r} is used as {role} but has domain {dom.text}; declare it '{default}'"
            )
        return self.symbol(name)

    def index(self, name: str) -> sp.Symbol:
        """An integer symbol for a summation index / subscript (``j``)."""
        return self._integer_symbol(name, "integer", "an index (subscript or summation variable)")

    def bound(self, name: str) -> sp.Symbol:
        """A positive-integer symbol for a summation bound (``n``)."""
        return self._integer_symbol(name, "positive integer", "a summation bound")

    def indexed(self, name: str) -> sp.IndexedBase:
        """The real indexed family ``name`` (``w`` in ``w[j]``).

        >>> t = SymbolTable(); w = t.indexed("w"); j = t.index("j")
        >>> w[j].is_real, j.is_integer, t.is_indexed("w")
        (True, True, True)
        """
        fam = self._families.get(name)
        if fam is not None:
            return fam
        self._check_name(name)
        if name in self._symbols or name in self._domains:
            raise DomainError(f"{name!r} is already a plain symbol; it cannot also be indexed ({name}[j])")
        fam = sp.IndexedBase(name, real=True)
        self._families[name] = fam
        return fam

    def checkpoint(self) -> tuple:
        """An opaque snapshot for :meth:`rollback` (the parser uses it so a
        failed parse leaves the table as it was)."""
        return (dict(self._domains), dict(self._symbols), dict(self._families))

    def rollback(self, state: tuple) -> None:
        """Forget every declaration and symbol made since :meth:`checkpoint`.

        >>> t = SymbolTable(); s = t.checkpoint(); _ = t.symbol("x"); t.rollback(s); "x" in t
        False
        """
        self._domains, self._symbols, self._families = (dict(d) for d in state)

    def is_indexed(self, name: str) -> bool:
        """Whether ``name`` is an indexed family of this table."""
        return name in self._families

    def domain(self, sym_or_name) -> Domain:
        """The domain of a symbol or name (real when undeclared)."""
        if isinstance(sym_or_name, sp.Indexed):
            return REAL
        name = getattr(sym_or_name, "name", sym_or_name)
        if not isinstance(name, str):
            raise DomainError(f"not a symbol or name: {sym_or_name!r}")
        return self._domains.get(name, REAL)

    def symbols(self) -> tuple:
        """Every symbol created so far, in creation order."""
        return tuple(self._symbols.values())

    def families(self) -> tuple:
        """Every indexed family created so far."""
        return tuple(self._families.values())

    def hypotheses(self, syms) -> list:
        """Domain conditions of ``syms`` that are not trivially true."""
        out = []
        for s in syms:
            c = self.domain(s).condition(s)
            if c is not sp.true:
                out.append(c)
        return out

    def __contains__(self, item) -> bool:
        name = getattr(item, "name", item)
        return name in self._symbols or name in self._families or name in self._domains

    def __iter__(self) -> Iterator[str]:
        seen = dict.fromkeys(list(self._domains) + list(self._symbols) + list(self._families))
        return iter(seen)

    def __len__(self) -> int:
        return len(list(iter(self)))

    def __repr__(self) -> str:
        parts = [f"{n}: {self.domain(n).text}" for n in self if n not in self._families]
        parts += [f"{n}[...]" for n in self._families]
        return "SymbolTable({" + ", ".join(parts) + "})"
