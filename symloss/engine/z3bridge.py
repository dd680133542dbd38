"""SymPy → z3, with sound abstraction of transcendental terms.

:func:`to_z3` translates a SymPy expression or boolean over real symbols into
z3 real arithmetic.  Polynomial arithmetic, exact rationals, relations,
boolean connectives and the piecewise functions (``Abs``, ``Max``, ``Min``,
``sign``, ``relu``, ``Heaviside``, ``Piecewise``) are translated exactly.
Every distinct application of a transcendental function (``exp``, σ,
``softplus``, ``tanh``, ``sinh``, ``cosh``, ``log``, ``sqrt`` and other
fractional powers, π, e) becomes a fresh real variable, and the
:class:`Abstraction` records, as :class:`Axiom` objects, true facts about
those variables (ranges, tangent bounds, reflection identities, and
monotonicity between every pair of applications of one increasing function).
A proof found over the abstraction is a proof of the original statement,
because every axiom holds for the real functions; the converse fails, so a
satisfying model is only a *candidate* counterexample.

:func:`decide` asks z3 whether ``hypotheses ⇒ goal`` holds at every real point
where the goal and hypotheses are defined (their
:func:`~symloss.language.functions.definedness_conditions` are added as premises).

>>> import sympy as sp
>>> from symloss.language.functions import sigmoid
>>> z = sp.Symbol('z', real=True)
>>> d = decide(sigmoid(z) * (1 - sigmoid(z)) <= sp.Rational(1, 4))
>>> d.status
'proved'
>>> from symloss.calculus.proof import check_proof
>>> check_proof(d.step)
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from typing import Iterable

import sympy as sp
import z3

from ..errors import InvalidArgument
from ..language.functions import definedness_conditions, relu, sigmoid, softplus
from ..calculus.proof import Given, Step

__all__ = [
    "Axiom",
    "Abstraction",
    "Decided",
    "Decision",
    "Unsupported",
    "to_z3",
    "decide",
    "AXIOM_KINDS",
]


class Unsupported(Exception):
    """A construct the translation cannot represent faithfully."""


# ------------------------------------------------------------------ axioms


def _gt(a, b):
    return sp.StrictGreaterThan(a, b, evaluate=False)


def _ge(a, b):
    return sp.GreaterThan(a, b, evaluate=False)


def _lt(a, b):
    return sp.StrictLessThan(a, b, evaluate=False)


def _le(a, b):
    return sp.LessThan(a, b, evaluate=False)


def _eq(a, b):
    return sp.Equality(a, b, evaluate=False)


#: increasing functions that get pairwise monotonicity axioms:
#: name -> (builder, domain condition on the argument or None)
INCREASING = {
    "exp": (sp.exp, None),
    "sigmoid": (sigmoid, None),
    "softplus": (softplus, None),
    "tanh": (sp.tanh, None),
    "sinh": (sp.sinh, None),
    "log": (sp.log, lambda u: _gt(u, 0)),
    "sqrt": (sp.sqrt, lambda u: _ge(u, 0)),
}

#: f(c) for anchors c where f(c) is rational: name -> (c, f(c))
ANCHORS = {
    "exp": (sp.S.Zero, sp.S.One),
    "sigmoid": (sp.S.Zero, sp.S.Half),
    "tanh": (sp.S.Zero, sp.S.Zero),
    "sinh": (sp.S.Zero, sp.S.Zero),
    "log": (sp.S.One, sp.S.Zero),
}

_CONSTANT_BOUNDS = {
    sp.pi: (sp.Rational(314, 100), sp.Rational(315, 100)),
    sp.E: (sp.Rational(2718, 1000), sp.Rational(2719, 1000)),
}


def _name(arg) -> str:
    if not isinstance(arg, sp.Symbol):
        raise InvalidArgument(f"expected a function name symbol, got {arg!r}")
    return arg.name


def _monotone(f, u1, u2):
    name = _name(f)
    if name not in INCREASING:
        raise InvalidArgument(f"{name!r} is not a known increasing function")
    build, dom = INCREASING[name]
    body = sp.And(sp.Equivalent(_lt(u1, u2), _lt(build(u1), build(u2))),
                  sp.Equivalent(_eq(u1, u2), _eq(build(u1), build(u2))))
    return body if dom is None else sp.Implies(sp.And(dom(u1), dom(u2)), body)


def _anchor(f, u):
    name = _name(f)
    if name not in ANCHORS:
        raise InvalidArgument(f"no anchor known for {name!r}")
    build, dom = INCREASING[name]
    c, fc = ANCHORS[name]
    body = sp.And(sp.Equivalent(_gt(u, c), _gt(build(u), fc)),
                  sp.Equivalent(_eq(u, c), _eq(build(u), fc)))
    return body if dom is None else sp.Implies(dom(u), body)


def _assumption(x):
    if not isinstance(x, sp.Symbol):
        raise InvalidArgument(f"assumption axiom needs a symbol, got {x!r}")
    facts = []
    if x.is_positive:
        facts.append(_gt(x, 0))
    elif x.is_nonnegative:
        facts.append(_ge(x, 0))
    if x.is_negative:
        facts.append(_lt(x, 0))
    elif x.is_nonpositive:
        facts.append(_le(x, 0))
    if x.is_zero:
        facts.append(_eq(x, 0))
    if x.is_nonzero and not (x.is_positive or x.is_negative):
        facts.append(sp.Unequality(x, 0, evaluate=False))
    return sp.And(*facts) if facts else sp.true


def _constant(c):
    if c not in _CONSTANT_BOUNDS:
        raise InvalidArgument(f"no rational bounds known for {c!r}")
    lo, hi = _CONSTANT_BOUNDS[c]
    return sp.And(_lt(lo, c), _lt(c, hi))


def _rpow(b, e):
    if not e.is_Rational or e.is_Integer:
        raise InvalidArgument(f"rpow axiom needs a non-integer rational exponent, got {e}")
    return sp.Implies(_gt(b, 0), _gt(sp.Pow(b, e), 0))


#: kind -> function of the axiom's arguments giving a statement that is true
#: for every real value of its free symbols.
AXIOM_KINDS = {
    "exp_pos": lambda u: _gt(sp.exp(u), 0),
    "exp_tangent": lambda u: _ge(sp.exp(u), 1 + u),
    "sigmoid_range": lambda u: sp.And(_gt(sigmoid(u), 0), _lt(sigmoid(u), 1)),
    "sigmoid_reflect": lambda u: _eq(sigmoid(u) + sigmoid(-u), 1),
    "sigmoid_exp": lambda u: _eq(sigmoid(u) * (1 + sp.exp(-u)), 1),
    "softplus_bounds": lambda u: sp.And(_gt(softplus(u), 0), _gt(softplus(u), u)),
    "softplus_reflect": lambda u: _eq(softplus(u) - softplus(-u), u),
    "softplus_anchor": lambda u: sp.And(sp.Equivalent(_gt(u, 0), _gt(softplus(u), sp.log(2))),
                                        sp.Equivalent(_eq(u, 0), _eq(softplus(u), sp.log(2)))),
    "tanh_range": lambda u: sp.And(_gt(sp.tanh(u), -1), _lt(sp.tanh(u), 1)),
    "cosh_bounds": lambda u: sp.And(_ge(sp.cosh(u), 1), _ge(sp.cosh(u), 1 + u**2 / 2)),
    "sinh_cosh": lambda u: _eq(sp.Pow(sp.cosh(u), 2, evaluate=False)
                               - sp.Pow(sp.sinh(u), 2, evaluate=False), 1),
    "log_bounds": lambda u: sp.Implies(_gt(u, 0), sp.And(_le(sp.log(u), u - 1),
                                                         _ge(u * sp.log(u), u - 1))),
    "sqrt_def": lambda u: sp.Implies(_ge(u, 0), sp.And(
        _ge(sp.sqrt(u), 0), _eq(sp.Pow(sp.sqrt(u), 2, evaluate=False), u))),
    "rpow_pos": _rpow,
    "monotone": _monotone,
    "anchor": _anchor,
    "assumption": _assumption,
    "constant": _constant,
}


@dataclass(frozen=True)
class Axiom:
    """One instance of a known-true schema: ``kind`` names the schema in
    :data:`AXIOM_KINDS`, ``args`` its arguments; :attr:`statement` is the SymPy
    boolean it asserts (rebuilt from the schema, never stored)."""

    kind: str
    args: tuple[sp.Basic, ...]

    @property
    def statement(self) -> sp.Basic:
        if self.kind not in AXIOM_KINDS:
            raise InvalidArgument(f"unknown axiom kind {self.kind!r}")
        return AXIOM_KINDS[self.kind](*self.args)


@dataclass(frozen=True)
class Abstraction:
    """How transcendental terms were replaced: ``terms`` pairs each fresh z3
    variable name with the SymPy term it stands for; ``axioms`` are the facts
    assumed about those variables (each an instance of a true schema)."""

    terms: tuple[tuple[str, sp.Expr], ...] = ()
    axioms: tuple[Axiom, ...] = ()


# ------------------------------------------------------------------ translation

_ABSTRACTED = (sp.exp, sigmoid, softplus, sp.tanh, sp.sinh, sp.cosh, sp.log)
_MAX_EXPANDED_POWER = 12


class _Translator:
    """SymPy -> z3 in one z3 context.  With ``fixed=True`` no new abstraction
    terms may be created (used when re-checking a proof)."""

    def __init__(self, ctx: z3.Context, terms=(), fixed: bool = False):
        self.ctx = ctx
        self.fixed = fixed
        self.symbols: dict[str, tuple[sp.Symbol, z3.ArithRef]] = {}
        self.terms: dict[sp.Expr, z3.ArithRef] = {}
        self.order: list[tuple[str, sp.Expr]] = []
        self.uses_ite = False
        for name, term in terms:
            self._new_term(term, name)

    # -- terms
    def _new_term(self, term, name=None):
        if name is None:
            name = f"t!{len(self.order)}"
        if not name.startswith("t!") or any(n == name for n, _ in self.order):
            # "!" never occurs in symbol names, so a term can never alias a symbol
            raise Unsupported(f"bad or duplicate abstraction name {name!r}")
        if term in self.terms:
            raise Unsupported(f"term {term} abstracted twice")
        v = z3.Real(name, self.ctx)
        self.terms[term] = v
        self.order.append((name, term))
        return v

    def term(self, e):
        v = self.terms.get(e)
        if v is not None:
            return v
        if self.fixed:
            raise Unsupported(f"term {e} is not in the abstraction")
        for a in e.args:  # translate arguments first (they may hold terms)
            if isinstance(a, sp.Expr):
                self.expr(a)
        return self._new_term(e)

    def symbol(self, s: sp.Symbol):
        if s.is_real is not True:  # extended-real symbols may be ±oo: not a z3 Real
            raise Unsupported(f"symbol {s} is not declared real (and finite)")
        if "!" in s.name:
            raise Unsupported(f"symbol name {s.name!r} is reserved for abstraction variables")
        hit = self.symbols.get(s.name)
        if hit is not None:
            if hit[0] != s:
                raise Unsupported(f"two different symbols are named {s.name}")
            return hit[1]
        v = z3.Real(s.name, self.ctx)
        self.symbols[s.name] = (s, v)
        return v

    def num(self, q: sp.Rational):
        return z3.RealVal(f"{q.p}/{q.q}", self.ctx)

    def ite(self, c, a, b):
        self.uses_ite = True
        return z3.If(c, a, b, self.ctx)

    # -- expressions
    def expr(self, e: sp.Basic):
        if isinstance(e, sp.Symbol):
            return self.symbol(e)
        if e.is_Rational:
            return self.num(e)
        if e in _CONSTANT_BOUNDS:
            return self.term(e)
        if isinstance(e, sp.Add):
            return z3.Sum([self.expr(a) for a in e.args])
        if isinstance(e, sp.Mul):
            return z3.Product([self.expr(a) for a in e.args])
        if isinstance(e, sp.Pow):
            return self.power(e)
        if isinstance(e, _ABSTRACTED) and len(e.args) == 1:
            return self.term(e)
        if isinstance(e, relu):
            u = self.expr(e.args[0])
            return self.ite(u > 0, u, self.num(sp.S.Zero))
        if isinstance(e, sp.Abs):
            u = self.expr(e.args[0])
            return self.ite(u >= 0, u, -u)
        if isinstance(e, sp.sign):
            u = self.expr(e.args[0])
            one = self.num(sp.S.One)
            return self.ite(u > 0, one, self.ite(u < 0, -one, self.num(sp.S.Zero)))
        if isinstance(e, sp.Heaviside):
            if len(e.args) != 2 or not e.args[1].is_Rational:
                raise Unsupported(f"Heaviside without a rational value at 0: {e}")
            u = self.expr(e.args[0])
            return self.ite(u > 0, self.num(sp.S.One),
                            self.ite(u == 0, self.num(e.args[1]), self.num(sp.S.Zero)))
        if isinstance(e, (sp.Max, sp.Min)):
            vals = [self.expr(a) for a in e.args]
            out = vals[0]
            for v in vals[1:]:
                out = self.ite(v > out, v, out) if isinstance(e, sp.Max) else self.ite(v < out, v, out)
            return out
        if isinstance(e, sp.Piecewise):
            *init, (last, cond) = e.args
            if cond is not sp.true:
                raise Unsupported(f"Piecewise without an otherwise branch: {e}")
            out = self.expr(last)
            for value, c in reversed(init):
                out = self.ite(self.boolean(c), self.expr(value), out)
            return out
        raise Unsupported(f"cannot translate {type(e).__name__}: {e}")

    def power(self, e: sp.Pow):
        b, n = e.args
        if n.is_Integer:
            k = abs(int(n))
            if k > _MAX_EXPANDED_POWER:
                raise Unsupported(f"power too large: {e}")
            base = self.expr(b)
            p = z3.Product([base] * k) if k else self.num(sp.S.One)
            return p if n >= 0 else self.num(sp.S.One) / p
        if n.is_Rational and n.q % 2 == 0:  # even root: defined only for b >= 0
            return self.term(e)
        if n.is_Rational:
            raise Unsupported(f"odd root of a possibly negative base: {e}")
        raise Unsupported(f"non-rational exponent in {e}")

    # -- booleans
    def boolean(self, b: sp.Basic):
        if b is sp.true:
            return z3.BoolVal(True, self.ctx)
        if b is sp.false:
            return z3.BoolVal(False, self.ctx)
        ops = {sp.StrictGreaterThan: lambda l, r: l > r, sp.GreaterThan: lambda l, r: l >= r,
               sp.StrictLessThan: lambda l, r: l < r, sp.LessThan: lambda l, r: l <= r,
               sp.Equality: lambda l, r: l == r, sp.Unequality: lambda l, r: l != r}
        op = ops.get(type(b))
        if op is not None:
            return op(self.expr(b.lhs), self.expr(b.rhs))
        if isinstance(b, sp.And):
            return z3.And([self.boolean(a) for a in b.args])
        if isinstance(b, sp.Or):
            return z3.Or([self.boolean(a) for a in b.args])
        if isinstance(b, sp.Not):
            return z3.Not(self.boolean(b.args[0]))
        if isinstance(b, sp.Implies):
            return z3.Implies(self.boolean(b.args[0]), self.boolean(b.args[1]))
        if isinstance(b, sp.Equivalent):
            vals = [self.boolean(a) for a in b.args]
            return z3.And([v == vals[0] for v in vals[1:]])
        raise Unsupported(f"cannot translate boolean {type(b).__name__}: {b}")


def to_z3(expr: sp.Basic, ctx: z3.Context | None = None):
    """Translate a SymPy expression or boolean to z3; returns
    ``(z3_term, abstraction)`` where the abstraction lists the fresh
    variables and the axioms about them (the axioms are *not* part of the
    returned term; conjoin them when asking z3).

    Raises :class:`Unsupported` for constructs that cannot be represented.

    >>> x = sp.Symbol('x', real=True)
    >>> t, ab = to_z3(sp.exp(x) + x**2 > 1)
    >>> t
    1 < x*x + t!0
    >>> [a.kind for a in ab.axioms]
    ['exp_pos', 'exp_tangent', 'anchor']
    """
    tr = _Translator(ctx or z3.Context())
    out = tr.boolean(expr) if isinstance(expr, sp.logic.boolalg.Boolean) else tr.expr(expr)
    return out, _abstraction(tr, [expr])


def _abstraction(tr: _Translator, statements) -> Abstraction:
    """The axioms for every term ``tr`` created and every symbol in use."""
    axioms: list[Axiom] = []
    terms = dict(tr.order)
    present = set(terms.values())
    by_func: dict[str, list[sp.Expr]] = {}
    for _, t in tr.order:
        if t in _CONSTANT_BOUNDS:
            axioms.append(Axiom("constant", (t,)))
            continue
        if isinstance(t, sp.Pow):
            if t.exp == sp.S.Half:
                axioms.append(Axiom("sqrt_def", (t.base,)))
                by_func.setdefault("sqrt", []).append(t.base)
            else:
                axioms.append(Axiom("rpow_pos", (t.base, t.exp)))
            continue
        u = t.args[0]
        name = type(t).__name__
        by_func.setdefault(name, []).append(u)
        kinds = {
            "exp": ["exp_pos", "exp_tangent"],
            "sigmoid": ["sigmoid_range"],
            "softplus": ["softplus_bounds"],
            "tanh": ["tanh_range"],
            "cosh": ["cosh_bounds"],
            "log": ["log_bounds"],
            "sinh": [],
        }[name]
        axioms.extend(Axiom(k, (u,)) for k in kinds)
        if name in ANCHORS:
            axioms.append(Axiom("anchor", (sp.Symbol(name), u)))
        if name == "sigmoid" and sigmoid(-u) in present and sp.default_sort_key(u) < sp.default_sort_key(-u):
            axioms.append(Axiom("sigmoid_reflect", (u,)))
        if name == "softplus" and softplus(-u) in present and sp.default_sort_key(u) < sp.default_sort_key(-u):
            axioms.append(Axiom("softplus_reflect", (u,)))
        if name == "softplus" and sp.log(2) in present:  # softplus(0) = log 2
            axioms.append(Axiom("softplus_anchor", (u,)))
        if name == "sigmoid" and sp.exp(-u) in present:
            axioms.append(Axiom("sigmoid_exp", (u,)))
        if name == "cosh" and sp.sinh(u) in present:
            axioms.append(Axiom("sinh_cosh", (u,)))
    for name, args in by_func.items():
        if name in INCREASING:
            for u1, u2 in itertools.combinations(args, 2):
                axioms.append(Axiom("monotone", (sp.Symbol(name), u1, u2)))
    for sname in sorted(tr.symbols):
        s = tr.symbols[sname][0]
        if _assumption(s) is not sp.true:
            axioms.append(Axiom("assumption", (s,)))
    return Abstraction(tuple(tr.order), tuple(axioms))


# ------------------------------------------------------------------ decide


def _query(goal, hypotheses, abstraction: Abstraction | None, ctx, fixed: bool):
    """Translate hypotheses, definedness conditions, axioms and ¬goal.
    Returns (translator, assertions, abstraction)."""
    tr = _Translator(ctx, abstraction.terms if abstraction else (), fixed=fixed)
    defined = []
    for s in (goal, *hypotheses):
        for c in definedness_conditions(s):
            if c not in defined:
                defined.append(c)
    premises = [tr.boolean(h) for h in hypotheses] + [tr.boolean(c) for c in defined]
    negated = z3.Not(tr.boolean(goal))
    if abstraction is None:
        abstraction = _abstraction(tr, [goal, *hypotheses])
    axioms = [tr.boolean(a.statement) for a in abstraction.axioms]
    if not fixed and len(tr.order) != len(abstraction.terms):
        # an axiom mentioned a term the statements did not (cosh(E) >= 1 + E**2/2
        # brings in exp(2)): record it, or the proof could not be rebuilt
        abstraction = Abstraction(tuple(tr.order), abstraction.axioms)
    return tr, premises + axioms + [negated], abstraction


def _solver(ctx, logic: str, timeout_ms: int):
    s = z3.SolverFor("QF_NRA", ctx=ctx) if logic == "QF_NRA" else z3.Solver(ctx=ctx)
    s.set("timeout", int(timeout_ms))
    return s


@dataclass(frozen=True)
class Decided(Step):
    """z3 showed ``hypotheses ∧ definedness ∧ axioms ∧ ¬goal`` unsatisfiable,
    so ``goal`` holds wherever the hypotheses hold and the goal and hypotheses
    are defined.  ``abstraction`` lists the fresh variables and the axiom
    instances (all true schemas); ``logic`` is the z3 solver used.  ``verify``
    rebuilds the query from these fields alone and re-runs z3."""

    goal: sp.Basic
    hypotheses: tuple[Given, ...]
    abstraction: Abstraction
    logic: str = "QF_NRA"
    timeout_ms: int = 2000

    @property
    def fact(self) -> sp.Basic:
        return self.goal

    def verify(self) -> None:
        ctx = z3.Context()
        try:
            for a in self.abstraction.axioms:
                a.statement  # noqa: B018 - raises on unknown kinds / bad arguments
            _, assertions, _ = _query(self.goal, [g.fact for g in self.hypotheses],
                                      self.abstraction, ctx, fixed=True)
        except (Unsupported, InvalidArgument, TypeError) as exc:
            raise self.fail(f"cannot rebuild the z3 query: {exc}") from None
        s = _solver(ctx, self.logic, max(self.timeout_ms, 1000) * 2)
        s.add(*assertions)
        r = s.check()
        if r != z3.unsat:
            raise self.fail(f"z3 answers {r} (not unsat) for ¬({self.goal})")


@dataclass(frozen=True)
class Decision:
    """The outcome of :func:`decide`.

    * ``status == "proved"``: ``step`` is a :class:`Decided` proof.
    * ``status == "candidate"``: ``candidate`` maps the original symbols to
      exact rationals from a z3 model of the *abstracted* query.  It is only a
      candidate counterexample: the abstraction is weaker than the real
      functions, and algebraic model values are rounded to rationals, so the
      point must be re-checked exactly by the caller.
    * ``status == "unknown"``: ``reason`` says why (timeout, unsupported
      construct, z3 unknown).
    """

    status: str
    step: Decided | None = None
    candidate: dict | None = field(default=None, hash=False, compare=False)
    reason: str = ""


def _to_rational(v) -> sp.Rational:
    if z3.is_rational_value(v):
        return sp.Rational(v.numerator_as_long(), v.denominator_as_long())
    if z3.is_algebraic_value(v):
        a = v.approx(20)
        return sp.Rational(a.numerator_as_long(), a.denominator_as_long())
    raise Unsupported(f"z3 value {v} is not a number")


def decide(goal: sp.Basic, hypotheses: Iterable = (), *, timeout_ms: int = 2000) -> Decision:
    """Decide ``hypotheses ⇒ goal`` over the reals with z3 (see module doc).

    >>> x = sp.Symbol('x', real=True)
    >>> decide(sp.Implies(sp.Ne(x, 0), x**2 > 0)).status
    'proved'
    >>> d = decide(x - 1 > 0)
    >>> d.status, (d.candidate[x] - 1 > 0)
    ('candidate', False)
    """
    if not isinstance(goal, sp.logic.boolalg.Boolean):
        raise InvalidArgument(f"goal must be a SymPy boolean, got {goal!r}")
    given: list[Given] = []
    for i, h in enumerate(hypotheses):
        if isinstance(h, Given):
            given.append(h)
        elif isinstance(h, sp.logic.boolalg.Boolean):
            given.append(Given(h, f"hypothesis {i}"))
        else:
            raise InvalidArgument(f"hypothesis {h!r} is not a SymPy boolean")
    ctx = z3.Context()
    try:
        tr, assertions, abstraction = _query(goal, [g.fact for g in given], None, ctx, fixed=False)
    except Unsupported as exc:
        return Decision("unknown", reason=f"unsupported: {exc}")
    first = "QF_NRA" if not (abstraction.terms or tr.uses_ite) else "default"
    second = "default" if first == "QF_NRA" else "QF_NRA"
    deadline = time.monotonic() + timeout_ms / 1000
    reasons = []
    for logic in (first, second):
        left = int((deadline - time.monotonic()) * 1000)
        if left < 50:
            break
        s = _solver(ctx, logic, left if logic == second else max(left // 2, 50))
        s.add(*assertions)
        r = s.check()
        if r == z3.unsat:
            step = Decided(goal, tuple(given), abstraction, logic, timeout_ms)
            return Decision("proved", step=step, reason=f"z3 ({logic}): unsat")
        if r == z3.sat:
            m = s.model()
            cand = {}
            try:
                for name in sorted(tr.symbols):
                    sym, v = tr.symbols[name]
                    cand[sym] = _to_rational(m.eval(v, model_completion=True))
            except Unsupported as exc:
                return Decision("unknown", reason=f"model not exact: {exc}")
            note = "" if not abstraction.terms else " of the abstraction"
            return Decision("candidate", candidate=cand,
                            reason=f"z3 ({logic}) model{note}; only a candidate, re-check exactly")
        reasons.append(f"{logic}: {s.reason_unknown()}")
    return Decision("unknown", reason="z3 unknown (" + "; ".join(reasons) + ")")
