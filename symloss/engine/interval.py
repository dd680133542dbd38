"""Certified interval branch-and-bound: ``f ≥ 0`` (``> 0``, ``≤ 0``, ``< 0``) over boxes.

A pointwise goal ``f op 0`` in one to three real variables is proved by

1. a *region*: for each variable the bounds the hypotheses state
   (``x ≥ 0``, ``x < 3``, a positive symbol, a finite label set); every
   other hypothesis only shrinks the set of admissible points, so proving
   ``f op 0`` on the region proves the goal;
2. *tails* for each unbounded side: either the goal itself proved by the
   sign engine or z3 with ``v ≥ R`` (``v ≤ −R``) added, or -- one variable
   -- monotonicity: ``f′`` has the right sign on ``v ≥ R`` (proved from
   ``v ≥ R`` alone) and ``f`` is defined there, so ``f(v)`` lies beyond
   ``f(R)``, which the box below covers;
3. a *box cover* of the rest: a bisection tree whose every leaf box gets a
   rigorous enclosure of ``f`` on the right side of 0.

Enclosures (:mod:`symloss.enclosure`) use :mod:`mpmath.iv` (every operation rounded outward; box
endpoints are rationals, enclosed outward as well).  The natural interval
extension is intersected with the mean-value form ``f(c) + Σ ∂ᵢf(X)(Xᵢ − cᵢ)``,
and when the enclosure of ``∂ᵢf`` on the box has a sign, ``f`` is monotone in
``xᵢ`` there and its range is read off the two faces -- recursively, up to a
derivative order (3 in one variable, so touching points such as
``tanh(x) ≥ x − x³/3`` at 0 are certified).  The derivative forms are used
only for expressions built from smooth heads (no ``abs``/``relu``/``max``/
``sign``/``Piecewise``), where a derivative formula that evaluates to a
finite enclosure on a closed box makes ``f`` continuously differentiable
there.  Anything undefined on a box (``log`` of an interval reaching 0, a
division by an interval containing 0) fails that box.

:class:`IntervalCover` records the region, the tails (their sub-proofs held
as :class:`~symloss.engine.tactics.Hypothetical` records) and the tree; its
``verify()`` re-derives the region from the hypotheses, re-checks every tail
and re-evaluates every leaf's enclosure from scratch.

The same search looks for counterexamples: a box midpoint whose (point)
enclosure lies on the wrong side of 0 is a candidate, reported only after the
exact verifier accepts it.

>>> x = sp.Symbol('x', real=True)
>>> f = x*sp.exp(x) + sp.Rational(368, 1000)
>>> step = prove_interval(Goal(f >= 0), Env())
>>> step.fact, len(step.leaves()) > 1
(x*exp(x) + 46/125 >= 0, True)
>>> step.verify()
"""


from __future__ import annotations

import time
from dataclasses import dataclass

import sympy as sp

from .enclosure import (PREC, Undefined, _Fn, _KINK_HEADS, _SMOOTH_HEADS, box_proves, enclose, _fails,
                        natural, smooth)
from .enclosure import _bounded as _bounded_iv, _hi, _lo
from ..language.functions import definedness_conditions, derivative
from ..calculus.proof import Given, Sign, Step
from .leaf_tactics import _checked_step, _guard, decision_procedure, sign_engine
from .tactics import Env, Goal, Hypothetical, check_context, check_under, expression_size

__all__ = [
    "PREC",
    "MAX_VARIABLES",
    "Undefined",
    "enclose",
    "region_bounds",
    "Tail",
    "natural",
    "smooth",
    "IntervalCover",
    "prove_interval",
    "interval_tactic",
]

#: more variables than this are not tried (the box count grows as 2^(n·depth))
MAX_VARIABLES = 3
#: derivative order of the monotonicity / mean-value refinement, by dimension
_ORDER = {1: 3, 2: 2, 3: 2}
#: expression size (tree nodes) above which the search is not tried
_MAX_NODES = 250
_MAX_DEPTH = 48
_LOWER = (Sign.POSITIVE, Sign.NONNEGATIVE)
_SIGNS = (Sign.POSITIVE, Sign.NONNEGATIVE, Sign.NEGATIVE, Sign.NONPOSITIVE)


# ---------------------------------------------------------------------------
# the region the hypotheses state


def _linear(diff: sp.Expr, v: sp.Symbol):
    """``(c, k)`` with ``diff = c·v + k`` for rationals ``c ≠ 0``, ``k``; else ``None``."""
    d = sp.expand(diff)
    if d.free_symbols != {v}:
        return None
    c = d.coeff(v)
    k = sp.expand(d - c * v)
    if c.is_Rational and c != 0 and k.is_Rational:
        return c, k
    return None


def _fact_bounds(fact: sp.Basic, v: sp.Symbol):
    """``(lower, upper)`` rationals (or ``None``) that ``fact`` implies for ``v``."""
    if isinstance(fact, sp.And):
        lo = hi = None
        for a in fact.args:
            l2, h2 = _fact_bounds(a, v)
            lo = l2 if lo is None or (l2 is not None and l2 > lo) else lo
            hi = h2 if hi is None or (h2 is not None and h2 < hi) else hi
        return lo, hi
    if isinstance(fact, sp.Or):
        parts = [_fact_bounds(a, v) for a in fact.args]
        los, his = [p[0] for p in parts], [p[1] for p in parts]
        return (None if None in los else min(los)), (None if None in his else max(his))
    if isinstance(fact, sp.Equality):
        lin = _linear(fact.lhs - fact.rhs, v)
        if lin is None:
            return None, None
        value = -lin[1] / lin[0]
        return value, value
    if not isinstance(fact, (sp.StrictGreaterThan, sp.GreaterThan, sp.StrictLessThan, sp.LessThan)):
        return None, None
    upper = isinstance(fact, (sp.StrictLessThan, sp.LessThan))
    big, small = (fact.rhs, fact.lhs) if upper else (fact.lhs, fact.rhs)
    if isinstance(small, sp.Abs) and big.is_Rational:   # |c·v + k| <= r: -r <= c·v + k <= r
        lin = _linear(small.args[0], v)
        if lin is None or big < 0:
            return None, None
        c, k = lin
        ends = sorted([(-big - k) / c, (big - k) / c])
        return ends[0], ends[1]
    lin = _linear(fact.lhs - fact.rhs, v)
    if lin is None:
        return None, None
    c, k = lin
    value = -k / c
    lower = isinstance(fact, (sp.StrictGreaterThan, sp.GreaterThan)) == (c > 0)
    return (value, None) if lower else (None, value)


def region_bounds(facts, v: sp.Symbol):
    """The closed bounds ``(lower, upper)`` (rationals or ``None``) of ``v``
    that the hypotheses ``facts`` and the symbol's sign assumptions imply:
    ``c·v + k op 0`` with rationals ``c``, ``k``, conjunctions (tightest),
    disjunctions (loosest), equations; strict bounds are closed up.

    >>> x = sp.Symbol('x', positive=True)
    >>> region_bounds([x <= 3, sp.Eq(x, 1) | sp.Eq(x, 2)], x)
    (1, 2)
    >>> region_bounds([sp.Abs(2*x - 1) <= 3], x)
    (0, 2)
    """
    lo = hi = None
    if v.is_nonnegative:
        lo = sp.S.Zero
    if v.is_nonpositive:
        hi = sp.S.Zero
    for f in facts:
        l2, h2 = _fact_bounds(f, v)
        if l2 is not None and (lo is None or l2 > lo):
            lo = l2
        if h2 is not None and (hi is None or h2 < hi):
            hi = h2
    return lo, hi


# ---------------------------------------------------------------------------
# the proof step

_OO = (sp.oo, -sp.oo)


def _tail_condition(v, side: int, at):
    if side > 0:
        return sp.GreaterThan(v, at, evaluate=False)
    return sp.LessThan(v, at, evaluate=False)


def _tail_smooth(expr) -> bool:
    """Smooth heads and integer powers only: where such an expression is
    defined it is differentiable, and its derivative formula is defined."""
    return smooth(expr) and all(p.args[1].is_Integer for p in expr.atoms(sp.Pow))


def _enclosed_slab(fn, box: tuple, i: int, side: int, sign: Sign) -> bool:
    """Whether enclosures alone show that, on the tail ``box`` (unbounded in
    variable ``i`` beyond its finite end, on ``side``), ``f`` moves away from
    0 going outwards: ``f`` has an enclosure on the box (every operation is
    defined there, so ``f`` is defined and, with smooth heads,
    differentiable in that variable) and the enclosure of ``∂f/∂xᵢ`` on it
    has the outward sign (mean value theorem along ``xᵢ``).  Extended
    interval arithmetic encloses every value on an unbounded box, and the
    derivative's collected forms avoid ``∞ − ∞`` (``w·σ(w)(1 − σ(w))``: the
    factor ``1 + w(1 − 2σ(w))`` is below −6 for every ``w ≥ 8``)."""
    v = fn.variables[i]
    try:
        enclose(fn.expr, dict(zip(fn.variables, box)), 0, fn)
    except Undefined:
        return False
    return box_proves(fn.d(v), box, _outward(side, sign), 0)


def _outward(side: int, sign: Sign) -> Sign:
    """The sign of ``f′`` on the tail ``side`` that keeps ``f op 0`` going outwards."""
    return Sign.NONNEGATIVE if (side > 0) == (sign in _LOWER) else Sign.NONPOSITIVE


@dataclass(frozen=True)
class Tail:
    """A leaf of the cover inside ``var ≥ at`` (``side = 1``) or ``var ≤ at``
    (``side = −1``).  ``kind = "direct"``: ``proof`` shows the statement
    there (from the hypotheses and the tail condition).  ``kind =
    "monotone"`` (one variable): ``proof`` shows, from the tail condition
    alone, that ``f′`` has the sign that keeps ``f`` beyond ``f(at)`` going
    outwards, ``defined`` shows ``f``'s definedness conditions there
    (``None`` when it has none), and ``f(at)`` itself is enclosed on the
    right side of 0.  ``kind = "enclosed"`` (any number of variables; the
    leaf is the whole slab beyond ``at``): the same monotonicity along
    ``var`` with ``∂f/∂var``'s sign and ``f``'s definedness read off rigorous
    enclosures on the unbounded slab, and ``face`` a bisection tree covering
    the face ``var = at`` of the slab (``proof`` and ``defined`` are
    ``None``).  Not a step: :class:`IntervalCover` re-checks it."""

    var: sp.Symbol
    side: int
    at: sp.Rational
    kind: str
    proof: Hypothetical | None
    defined: Hypothetical | None = None
    face: object = None


def _children(box: tuple, i: int, m):
    lo, hi = box[i]
    return box[:i] + ((lo, m),) + box[i + 1:], box[:i] + ((m, hi),) + box[i + 1:]


def _leaves(tree, box: tuple, out: list) -> list:
    """``(leaf, box)`` pairs of a bisection tree over ``box`` (the splits are checked)."""
    if tree is None or isinstance(tree, Tail):
        out.append((tree, box))
        return out
    if not (isinstance(tree, tuple) and len(tree) == 4):
        raise ValueError(f"{tree!r} is not a split")
    i, m, left, right = tree
    lo, hi = box[i]
    if not (isinstance(m, sp.Rational) and lo < m < hi):
        raise ValueError(f"split point {m} is not a rational inside ({lo}, {hi})")
    a, b = _children(box, i, m)
    _leaves(left, a, out)
    return _leaves(right, b, out)


@dataclass(frozen=True)
class IntervalCover(Step):
    """``f op 0`` by a certified box cover.  ``box`` contains the region the
    hypotheses state for each variable (``±∞`` where they state no bound;
    any other hypothesis only removes points); the bisection ``tree`` cuts
    it into leaves; on each leaf either a rigorous enclosure of ``f``
    (interval arithmetic rounded outward and extended to ``±∞``, refined on
    bounded leaves by monotonicity and the mean-value form up to derivative
    ``order``) lies on the required side of 0, or a :class:`Tail` holds
    (the statement proved on a half-line, or ``f`` monotone beyond a point
    where it is enclosed on the right side of 0)."""

    expr: sp.Expr
    sign: Sign
    context: tuple[Given, ...]
    variables: tuple
    box: tuple
    tree: object
    order: int

    @property
    def fact(self) -> sp.Basic:
        return self.sign.relation(self.expr)

    def leaves(self) -> list:
        """``(leaf, box)`` pairs: ``leaf`` is ``None`` (an enclosure) or a :class:`Tail`."""
        return _leaves(self.tree, self.box, [])

    def summary(self) -> str:
        """The proof in one sentence of plain text."""
        leaves = self.leaves()
        boxes = sum(1 for leaf, _ in leaves if leaf is None)
        region = ", ".join(f"{v} in [{lo}, {hi}]" for v, (lo, hi) in zip(self.variables, self.box))
        how = {"direct": "a direct proof", "monotone": "monotonicity",
               "enclosed": "monotonicity (enclosed derivative)"}
        tails = "; ".join(f"{t.var} {'>=' if t.side > 0 else '<='} {t.at} by {how.get(t.kind, t.kind)}"
                          for t, _ in leaves if t is not None)
        out = (f"on {boxes} boxes covering {region}, an interval enclosure of {self.expr} "
               f"is {self.sign.value}")
        return out + (f"; on the rest: {tails}" if tails else "")

    def verify(self) -> None:
        check_context(self, self.context)
        if self.sign not in _SIGNS:
            raise self.fail(f"{self.sign.value} is not an inequality")
        vs = self.variables
        if len(set(vs)) != len(vs) or set(vs) != self.expr.free_symbols or len(self.box) != len(vs):
            raise self.fail("the variables must be exactly the free symbols of the expression")
        if not all(isinstance(v, sp.Symbol) and v.is_extended_real for v in vs):
            raise self.fail("every variable must be a real symbol")
        if not isinstance(self.order, int) or not 0 <= self.order <= 4:
            raise self.fail(f"derivative order {self.order} out of range")
        facts = [g.fact for g in self.context]
        for v, (lo, hi) in zip(vs, self.box):
            low, high = region_bounds(facts, v)
            if not (lo == -sp.oo or (isinstance(lo, sp.Rational) and low is not None and lo <= low)):
                raise self.fail(f"the box side {lo} of {v} does not reach its lower bound {low}")
            if not (hi == sp.oo or (isinstance(hi, sp.Rational) and high is not None and hi >= high)):
                raise self.fail(f"the box side {hi} of {v} does not reach its upper bound {high}")
            if not lo < hi:
                raise self.fail(f"empty box side ({lo}, {hi}) of {v}")
        try:
            leaves = self.leaves()
        except (ValueError, TypeError) as exc:
            raise self.fail(f"bad bisection tree: {exc}") from None
        fn = _Fn(self.expr, vs)
        for leaf, box in leaves:
            if leaf is None:
                self._check_box(fn, box)
            else:
                self._check_tail(fn, leaf, box)

    def _check_box(self, fn, box: tuple) -> None:
        if not box_proves(fn, box, self.sign, self.order):
            raise self.fail(f"the enclosure on {box} does not give {self.sign.value}")

    def _check_enclosed(self, fn, t: Tail, box: tuple) -> None:
        if t.proof is not None or t.defined is not None:
            raise self.fail("an enclosed tail carries no proofs")
        if not _tail_smooth(self.expr):
            raise self.fail("an enclosed tail needs a smooth expression")
        if t.var.is_integer is True or t.var.is_rational is True:
            raise self.fail(f"{t.var} must range over an interval of reals")
        i = self.variables.index(t.var)
        want = (t.at, sp.oo) if t.side > 0 else (-sp.oo, t.at)
        if tuple(box[i]) != want:
            raise self.fail(f"the leaf {box} is not the whole tail of {t.var} beyond {t.at}")
        if not _enclosed_slab(fn, box, i, t.side, self.sign):
            raise self.fail(f"the enclosures on {box} do not show the tail")
        face = box[:i] + ((t.at, t.at),) + box[i + 1:]
        try:
            leaves = _leaves(t.face, face, [])
        except (ValueError, TypeError) as exc:
            raise self.fail(f"bad face cover: {exc}") from None
        for leaf, b in leaves:
            if leaf is None:
                self._check_box(fn, b)
            else:
                self._check_tail(fn, leaf, b)

    def _check_tail(self, fn, t: Tail, box: tuple) -> None:
        if not isinstance(t, Tail) or t.var not in self.variables or t.side not in (1, -1):
            raise self.fail(f"{t!r} is not a tail of a variable")
        if not isinstance(t.at, sp.Rational):
            raise self.fail(f"the tail point {t.at} is not rational")
        lo, hi = box[self.variables.index(t.var)]
        if not ((t.side > 0 and lo >= t.at) or (t.side < 0 and hi <= t.at)):
            raise self.fail(f"the leaf {box} is not inside the tail {t.var} beyond {t.at}")
        cond = _tail_condition(t.var, t.side, t.at)
        if t.kind == "enclosed":
            self._check_enclosed(fn, t, box)
            return
        if t.face is not None:
            raise self.fail(f"a {t.kind} tail has no face cover")
        if not isinstance(t.proof, Hypothetical) or not (t.defined is None or isinstance(t.defined, Hypothetical)):
            raise self.fail(f"a {t.kind} tail needs its proofs")
        if t.kind == "direct":
            if t.defined is not None:
                raise self.fail("a direct tail has no definedness part")
            check_under(self, self.context, t.proof, self.fact, (cond,))
            return
        if t.kind != "monotone":
            raise self.fail(f"unknown tail kind {t.kind!r}")
        if len(self.variables) != 1 or not _tail_smooth(self.expr):
            raise self.fail("a monotone tail needs one variable and a smooth expression")
        if t.var.is_integer is True or t.var.is_rational is True:
            raise self.fail(f"{t.var} must range over an interval of reals")
        if not box_proves(fn, ((t.at, t.at),), self.sign, 0):
            raise self.fail(f"the enclosure at {t.var} = {t.at} does not give {self.sign.value}")
        expected = _outward(t.side, self.sign).relation(derivative(self.expr, t.var))
        check_under(self, (), t.proof, expected, (cond,))
        conds = definedness_conditions(self.expr)
        if not conds:
            if t.defined is not None:
                raise self.fail("an expression without definedness conditions has no definedness part")
            return
        if t.defined is None:
            raise self.fail(f"the definedness of {self.expr} beyond {t.at} is not shown")
        check_under(self, (), t.defined, sp.And(*conds), (cond,))


# ---------------------------------------------------------------------------
# the search


class _Stop(Exception):
    """Budget or time exhausted."""


class _Found(Exception):
    def __init__(self, point):
        self.point = point


#: an unbounded leaf's finite end beyond which it is not cut further
_FAR = 2 ** 12
#: finite ends (in magnitude) at which tails are tried: first ≥ 8, then ≥ 64
_TAIL_AT = (8, 64)


def _split_point(lo, hi):
    """Where a side is cut: the midpoint; 0 for the whole line; for a
    half-line, the finite end moved outwards by ``max(8, |end|)``."""
    if lo == -sp.oo and hi == sp.oo:
        return sp.S.Zero
    if lo == -sp.oo:
        return hi - max(sp.Integer(8), abs(hi))
    if hi == sp.oo:
        return lo + max(sp.Integer(8), abs(lo))
    return (lo + hi) / 2


def _tail_prover(goal: Goal, env: Env, with_z3: bool):
    sub = Env(deadline=env.deadline, depth=env.depth + 1)
    if not with_z3:
        return _checked_step(_guard(sign_engine)(goal, sub), goal)
    left = env.left_ms(400)
    if left < 50:
        return None
    sub.deadline = time.monotonic() + left / 1000
    return _checked_step(_guard(decision_procedure)(goal, sub), goal)


class _Search:
    def __init__(self, goal: Goal, fn: _Fn, sign: Sign, order: int, stop: float, boxes: int, env: Env):
        self.goal, self.fn, self.sign, self.order = goal, fn, sign, order
        self.stop, self.boxes = stop, boxes
        self.env = Env(deadline=stop, depth=env.depth)
        self.smooth = _tail_smooth(fn.expr)
        self.tails: dict = {}      # (v, side) -> Tail found
        self.attempts: dict = {}   # (v, side) -> number of tries
        self.probed: set = set()

    def run(self, box: tuple, depth: int = 0):
        from ..calculus.exact import point_is_admissible

        vs = self.fn.variables
        if time.monotonic() > self.stop or self.boxes <= 0:
            raise _Stop
        self.boxes -= 1
        if box_proves(self.fn, box, self.sign, self.order):
            return None
        cut = tuple(_split_point(lo, hi) for lo, hi in box)
        for point in self._probes(box, cut):
            try:
                pe = enclose(self.fn.expr, {v: (m, m) for v, m in zip(vs, point)}, 0, self.fn)
            except Undefined:
                continue
            if _fails(pe, self.sign) and point_is_admissible(self.goal.facts, dict(zip(vs, point))) is True:
                raise _Found(dict(zip(vs, point)))
        unbounded = [i for i, (lo, hi) in enumerate(box) if lo == -sp.oo or hi == sp.oo]
        if unbounded:
            both = [j for j in unbounded if box[j] == (-sp.oo, sp.oo)]
            if both:
                i = both[0]
            else:  # every unbounded side has a finite end: a tail for one of them, else cut the nearest
                ends = {}
                for j in unbounded:
                    lo, hi = box[j]
                    side, at = (1, lo) if hi == sp.oo else (-1, hi)
                    t = self.enclosed(box, j, side, at, depth) or self.tail(vs[j], side, at)
                    if t is not None:
                        return t
                    ends[j] = abs(at)
                i = min(unbounded, key=lambda j: ends[j])
                if ends[i] > _FAR:
                    raise _Stop
                spread = [j for j, (lo, hi) in enumerate(box) if j not in ends and hi - lo > 0]
                if spread and ends[i] >= _TAIL_AT[0]:  # the slab's enclosure is spoilt by the bounded sides
                    i = self._worst(box, [box[j][1] - box[j][0] if j in spread else 0 for j in range(len(box))],
                                    spread[0])
        else:
            widths = [hi - lo for lo, hi in box]
            i = max(range(len(vs)), key=lambda j: widths[j])
            if widths[i] == 0:
                raise _Stop  # a point: nothing to cut
            if len(vs) > 1:
                i = self._worst(box, widths, i)
        if depth >= _MAX_DEPTH:
            raise _Stop
        m = cut[i]
        a, b = _children(box, i, m)
        if box[i][0] == -sp.oo and box[i][1] != sp.oo:
            right = self.run(b, depth + 1)
            return (i, m, self.run(a, depth + 1), right)
        return (i, m, self.run(a, depth + 1), self.run(b, depth + 1))

    def _worst(self, box: tuple, widths: list, default: int) -> int:
        """The variable whose spread widens the enclosure most: the one whose
        fixing at its midpoint narrows the natural enclosure most (a search
        heuristic only; every leaf is checked on its own)."""
        best, narrowest = default, None
        for j, wd in enumerate(widths):
            if wd == 0:
                continue
            mid = (box[j][0] + box[j][1]) / 2
            try:
                e = enclose(self.fn.expr, dict(zip(self.fn.variables, box[:j] + ((mid, mid),) + box[j + 1:])),
                            0, self.fn)
            except Undefined:
                continue
            width = float(_hi(e) - _lo(e)) if _bounded_iv(e) else None
            if width is not None and (narrowest is None or width < narrowest):
                best, narrowest = j, width
        return best

    def enclosed(self, box: tuple, i: int, side: int, at, depth: int) -> Tail | None:
        """An enclosed tail for the slab ``box`` (unbounded in variable ``i``):
        the slab by enclosures, its face ``xᵢ = at`` by a cover of its own."""
        v = self.fn.variables[i]
        if abs(at) < _TAIL_AT[0] or not self.smooth or v.is_integer:
            return None
        if not _enclosed_slab(self.fn, box, i, side, self.sign):
            return None
        try:
            face = self.run(box[:i] + ((at, at),) + box[i + 1:], depth + 1)
        except _Stop:
            if time.monotonic() > self.stop or self.boxes <= 0:
                raise
            return None
        return Tail(v, side, at, "enclosed", None, None, face)

    def _probes(self, box: tuple, cut: tuple):
        """Points where a failing box is probed for a counterexample: the
        cut point and the finite corners (each point once per search)."""
        corners = [cut]
        for k in range(2 ** len(box)):
            corner = tuple(side[(k >> j) & 1] for j, side in enumerate(box))
            if all(c not in _OO for c in corner):
                corners.append(corner)
        for p in corners:
            if p not in self.probed:
                self.probed.add(p)
                yield p

    def tail(self, v, side: int, at) -> Tail | None:
        known = self.tails.get((v, side))
        if known is not None and (at >= known.at if side > 0 else at <= known.at):
            return known
        n = self.attempts.get((v, side), 0)
        if n >= len(_TAIL_AT) or abs(at) < _TAIL_AT[n]:
            return None
        self.attempts[(v, side)] = n + 1
        t = self._find(v, side, at)
        if t is not None:
            self.tails[(v, side)] = t
        return t

    def _find(self, v, side: int, at) -> Tail | None:
        goal, expr, env = self.goal, self.fn.expr, self.env
        one_var = expr.free_symbols == {v} and _tail_smooth(expr) and not v.is_integer
        cond = _tail_condition(v, side, at)
        conds = definedness_conditions(expr)
        for with_z3 in (False, True):
            if env.expired():
                return None
            step = _tail_prover(goal.assuming([cond], "tail"), env, with_z3)
            if step is not None:
                return Tail(v, side, at, "direct", Hypothetical((cond,), step))
            if not one_var:
                continue
            if not box_proves(self.fn, ((at, at),), self.sign, 0):
                continue
            dgoal = Goal(_outward(side, self.sign).relation(derivative(expr, v))).assuming([cond], "tail")
            step = _tail_prover(dgoal, env, with_z3)
            if step is None:
                continue
            defined = None
            if conds:
                c = _tail_prover(Goal(sp.And(*conds)).assuming([cond], "tail"), env, with_z3)
                if c is None:
                    continue
                defined = Hypothetical((cond,), c)
            return Tail(v, side, at, "monotone", Hypothetical((cond,), step), defined)
        return None


def _sign_goal(goal: Goal):
    f = goal.statement
    kinds = {sp.StrictGreaterThan: Sign.POSITIVE, sp.GreaterThan: Sign.NONNEGATIVE,
             sp.StrictLessThan: Sign.NEGATIVE, sp.LessThan: Sign.NONPOSITIVE}
    s = kinds.get(type(f))
    if s is None or f.rhs != 0:
        return None
    return f.lhs, s


def prove_interval(goal: Goal, env: Env, *, seconds: float = 1.5, boxes: int = 3000) -> IntervalCover | None:
    """An :class:`IntervalCover` proving ``goal`` (``f op 0``), or ``None``;
    a point where the search sees the goal fail (checked admissible) is
    added to ``env.candidates``.  Gives up after ``seconds`` or ``boxes`` boxes."""
    found = _sign_goal(goal)
    if found is None:
        return None
    expr, sign = found
    vs = tuple(sorted(expr.free_symbols, key=sp.default_sort_key))
    if not vs or len(vs) > MAX_VARIABLES or expression_size(expr, _MAX_NODES) > _MAX_NODES:
        return None
    if not all(isinstance(v, sp.Symbol) and v.is_extended_real for v in vs):
        return None
    if expr.has(sp.Float) or not all(isinstance(a, _SMOOTH_HEADS + _KINK_HEADS)
                                     for a in expr.atoms(sp.Function)):
        return None
    bounds = [region_bounds(goal.facts, v) for v in vs]
    box = tuple((sp.Rational(lo) if lo is not None else -sp.oo, sp.Rational(hi) if hi is not None else sp.oo)
                for lo, hi in bounds)
    if any(not lo < hi for lo, hi in box):
        return None
    stop = time.monotonic() + seconds
    if env.deadline is not None:
        stop = min(stop, env.deadline)
    order = _ORDER[len(vs)]
    search = _Search(goal, _Fn(expr, vs), sign, order, stop, boxes, env)
    try:
        tree = search.run(box)
    except _Found as hit:
        point = dict(env.fixed)
        point.update(hit.point)
        env.candidates.append(point)
        return None
    except (_Stop, RecursionError):
        return None
    return IntervalCover(expr, sign, goal.context, vs, box, tree, order)


def interval_tactic(goal: Goal, env: Env) -> Step | None:
    """Goal tactic: the interval prover on ``f op 0``, with ``env.share`` of
    the time left (at least 1.5 s) on a top-level goal.  Inside case splits
    (many goals, most of them hopeless when the claim is false; the
    top-level search encloses kinks and label ranges itself) only goals in
    one variable, with a twentieth of the time left (at least 0.1 s) and at
    most 200 boxes."""
    if env.depth == 0:
        share, floor, boxes = env.share, 1.5, 3000
    else:
        found = _sign_goal(goal)
        if found is None or len(found[0].free_symbols) > 1:
            return None
        share, floor, boxes = min(env.share, 0.05), 0.1, 200
    left = None if env.deadline is None else env.deadline - time.monotonic()
    seconds = floor if left is None else min(left, max(floor, share * left))
    return prove_interval(goal, env, seconds=seconds, boxes=boxes)
