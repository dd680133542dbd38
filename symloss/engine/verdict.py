"""Verdicts: what deciding a claim returns.

A :class:`Result` is ``proved`` (with a proof tree that
:func:`symloss.calculus.proof.check_proof` accepted), ``refuted`` (with a
:class:`Counterexample` that :mod:`symloss.calculus.exact` re-evaluated exactly) or
``unknown`` (with the evidence gathered: tactics tried, admissible points
tested).  Results are returned, never printed; they are picklable so worker
processes can send them back.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any, Mapping

import sympy as sp
from sympy.printing.str import StrPrinter

__all__ = ["VERDICTS", "Evidence", "Explanation", "Counterexample", "Result", "value_text"]

#: The three verdicts, in the order the JSON contract lists them.
VERDICTS = ("proved", "refuted", "unknown")


class _ValuePrinter(StrPrinter):
    """``str`` for exact values, in a form our parser and SymPy read back."""

    def _print_Exp1(self, expr):
        return "exp(1)"

    def _print_ImaginaryUnit(self, expr):  # pragma: no cover - never admissible
        return "I"


def value_text(value: sp.Basic) -> str:
    """An exact value as text our parser reads back.

    >>> value_text(sp.Rational(-1, 2)), value_text(sp.sqrt(2)), value_text(sp.E)
    ('-1/2', 'sqrt(2)', 'exp(1)')
    >>> value_text(sp.log(3) + 1)
    '1 + log(3)'
    """
    return _ValuePrinter(dict(order="none")).doprint(sp.sympify(value))


def _pretty_claim(text: str) -> str:
    """The claim in the documents' notation (ŷ, |·|, ∂L/∂w), or as written."""
    try:
        from ..printing import printer

        return printer("claim_text")(text)
    except Exception:  # a repr never raises
        return text


class Explanation:
    """One sentence for the reader whose formulas stay SymPy expressions.

    The engine and the refuter build it from text and expressions
    (``Explanation("left side ", lhs, ", right side ", rhs)``); ``str()``
    prints it through the render stage's printer (``explanation_text`` in
    :data:`symloss.printing.PRINTERS`: the documents' notation, ŷ, |·|, σ,
    ⋅, ², with decimals next to irrational values) and a LaTeX document sets
    the expressions as mathematics.  :meth:`plain` is the text our parser
    reads back (``sqrt(2)``, ``x*(b + w*x - y)``).  Nested explanations are
    flattened; it pickles (workers send it back) and compares by its parts.

    >>> x = sp.Symbol('x', real=True)
    >>> e = Explanation("left side ", x**2, ", right side ", sp.sqrt(2))
    >>> e.plain()
    'left side x**2, right side sqrt(2)'
    >>> str(e)
    'left side x², right side √2 ≈ 1.4142'
    """

    __slots__ = ("parts",)

    def __init__(self, *parts: Any):
        flat: list = []
        for part in parts:
            if isinstance(part, Explanation):
                flat.extend(part.parts)
            elif isinstance(part, str):
                if part:
                    flat.append(part)
            else:
                flat.append(sp.sympify(part))
        object.__setattr__(self, "parts", tuple(flat))

    def __setattr__(self, name, value):
        raise AttributeError("an Explanation is immutable")

    def __reduce__(self):
        return (Explanation, self.parts)

    def plain(self) -> str:
        """The sentence with every formula as text our parser reads back."""
        return "".join(p if isinstance(p, str) else value_text(p) for p in self.parts)

    def __str__(self) -> str:
        try:
            from ..printing import printer

            return printer("explanation_text")(self.parts)
        except Exception:  # noqa: BLE001 - printing never fails: the parser-readable form
            return self.plain()

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __repr__(self) -> str:
        return f"Explanation({str(self)!r})"

    def __bool__(self) -> bool:
        return bool(self.parts)

    def __len__(self) -> int:
        return len(str(self))

    def __contains__(self, text: str) -> bool:
        return text in str(self) or text in self.plain()

    def __eq__(self, other) -> bool:  # (not equal to a str: the hash is the parts')
        if isinstance(other, Explanation):
            return self.parts == other.parts
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.parts)

    def __add__(self, other):
        return Explanation(self, other) if isinstance(other, (str, Explanation)) else NotImplemented

    def __radd__(self, other):
        return Explanation(other, self) if isinstance(other, str) else NotImplemented


@dataclass(frozen=True)
class Evidence:
    """What was tried before a verdict: tactic names (in order), the number of
    admissible points that were sampled without finding a counterexample,
    and free-form notes.

    >>> Evidence(("zero-equivalence",), 120).summary()
    'tried zero-equivalence; 120 admissible points tested'
    """

    tactics: tuple[str, ...] = ()
    points: int = 0
    notes: tuple[str, ...] = ()

    def summary(self) -> str:
        """One line: tactics tried and points tested."""
        parts = []
        if self.tactics:
            parts.append("tried " + ", ".join(self.tactics))
        if self.points:
            parts.append(f"{self.points} admissible points tested")
        parts.extend(self.notes)
        return "; ".join(parts)

    def to_json(self) -> dict:
        return {"tactics": list(self.tactics), "points": self.points, "notes": list(self.notes)}


@dataclass(frozen=True, eq=False)
class Counterexample:
    """Exact values at which a claim fails.

    ``values`` maps each fixed symbol to an exact SymPy value.  For
    ``proportional``/``nondecreasing`` claims ``pair = (var, v1, v2)`` gives
    the two values of the bound variable that break the claim.
    ``evaluations`` holds exact values of the compared sides (label → value)
    and ``explanation`` one sentence for the reader (a :class:`Explanation`
    whose formulas print in the documents' notation, or plain text).

    >>> x, w = sp.symbols('x w', real=True)
    >>> ce = Counterexample({x: sp.Rational(1, 2)}, pair=(w, -1, sp.Rational(-1, 2)))
    >>> ce.to_json()
    {'x': '1/2', 'w': ['-1', '-1/2']}
    """

    values: Mapping[sp.Symbol, sp.Basic]
    pair: tuple[sp.Symbol, sp.Basic, sp.Basic] | None = None
    evaluations: tuple[tuple[str, sp.Basic], ...] = ()
    explanation: str | Explanation = ""
    #: for a batch: ``((k, names of sample k's symbols), ...)``; the values
    #: are then listed shared first, then sample by sample (:meth:`by_sample`)
    samples: tuple = ()

    def __post_init__(self):
        object.__setattr__(
            self, "values", {k: sp.sympify(v) for k, v in dict(self.values).items()}
        )
        if self.pair is not None:
            var, a, b = self.pair
            object.__setattr__(self, "pair", (var, sp.sympify(a), sp.sympify(b)))

    def as_dict(self) -> dict[sp.Symbol, sp.Basic]:
        """Every fixed value, the pair variable's first value included."""
        out = dict(self.values)
        if self.pair is not None:
            out[self.pair[0]] = self.pair[1]
        return out

    def by_sample(self) -> tuple[list, list]:
        """``(shared, [(k, items of sample k), ...])``: the values as
        (symbol, value) pairs sorted by name, those of a batch's samples
        (:attr:`samples`) grouped after the shared ones, sample by sample.

        >>> x1, x2, w = sp.symbols('x_1 x_2 w', real=True)
        >>> Counterexample({x2: 2, w: 0, x1: 1}, samples=((1, ('x_1',)), (2, ('x_2',)))).by_sample()
        ([(w, 0)], [(1, [(x_1, 1)]), (2, [(x_2, 2)])])
        """
        items = sorted(self.values.items(), key=lambda kv: str(kv[0]))
        owner = {name: k for k, names in self.samples for name in names}
        shared = [(s, v) for s, v in items if str(s) not in owner]
        groups = [(k, [(s, v) for s, v in items if owner.get(str(s)) == k]) for k, _ in self.samples]
        return shared, [(k, g) for k, g in groups if g]

    def to_json(self) -> dict[str, Any]:
        """Symbol name → value text (a list of two for the pair variable);
        a batch's samples after the shared values, sample by sample."""
        shared, groups = self.by_sample()
        out: dict[str, Any] = {str(k): value_text(v) for k, v in shared}
        if self.pair is not None:
            var, a, b = self.pair
            out[str(var)] = [value_text(a), value_text(b)]
        for _, items in groups:
            out.update({str(k): value_text(v) for k, v in items})
        return out

    def samples_json(self) -> list[dict[str, str]]:
        """A batch's values sample by sample: ``[{"x_1": "1", "y_1": "0"}, ...]``."""
        return [{str(k): value_text(v) for k, v in items} for _, items in self.by_sample()[1]]

    def describe(self) -> str:
        """One line: ``x = 1/2, w ∈ {-1, -1/2}: explanation``; a batch's
        samples after the shared values (``…; sample 1: x_1 = 1, y_1 = 0; …``)."""
        shared, groups = self.by_sample()
        parts = [f"{k} = {value_text(v)}" for k, v in shared]
        if self.pair is not None:
            var, a, b = self.pair
            parts.append(f"{var} = {value_text(a)} vs {value_text(b)}")
        text = ", ".join(parts)
        for k, items in groups:
            text += ("; " if text else "") + f"sample {k}: " + ", ".join(f"{s} = {value_text(v)}" for s, v in items)
        text = text or "any admissible values"
        return f"{text}: {self.explanation}" if self.explanation else text

    def __repr__(self) -> str:
        """Values in the documents' notation with decimals (``γ = 1, w = 1 vs -1``)."""
        try:
            from ..printing import printer

            text = printer("values_text")(self.values, self.pair, self.samples) or "any admissible values"
        except Exception:  # a repr never raises: the parser-readable form
            return f"Counterexample({self.describe()})"
        return f"Counterexample({text}: {self.explanation})" if self.explanation else f"Counterexample({text})"


@dataclass(frozen=True, eq=False)
class Result:
    """The outcome of deciding one claim.

    >>> r = Result("unknown", "d(L, w, 2) >= 0", reason="no tactic applied", method="sampling",
    ...            seconds=0.5, name="convex")
    >>> r
    <unknown: convex by sampling in 0.50s>
    >>> r.to_json()["verdict"], r.to_json()["counterexample"]
    ('unknown', None)
    """

    verdict: str
    claim: Any
    proof: Any = None
    counterexample: Counterexample | None = None
    reason: str = ""
    method: str = ""
    evidence: Evidence = field(default_factory=Evidence)
    seconds: float = 0.0
    name: str | None = None

    def __post_init__(self):
        if self.verdict not in VERDICTS:
            from ..errors import InvalidArgument

            raise InvalidArgument(f"verdict must be one of {VERDICTS}, got {self.verdict!r}")
        if self.verdict == "refuted" and self.counterexample is None:
            from ..errors import InvalidArgument

            raise InvalidArgument("a refuted result needs a counterexample")

    @property
    def proved(self) -> bool:
        """``True`` exactly when the verdict is ``proved``."""
        return self.verdict == "proved"

    @property
    def refuted(self) -> bool:
        """``True`` exactly when the verdict is ``refuted``."""
        return self.verdict == "refuted"

    def __bool__(self):
        """A result has three verdicts, so it has no truth value: ``assert
        p.check(...)`` would pass for a refuted claim.  Like SymPy's
        relationals, it raises instead and names what to write.

        >>> bool(Result("unknown", "L >= 0"))
        Traceback (most recent call last):
        ...
        TypeError: a Result has no truth value (verdict 'unknown' of 'L >= 0'): test r.proved, r.refuted or r.verdict == 'proved', or use symloss.testing.assert_proved / assert_refuted / assert_not_refuted / assert_claim_holds
        """
        raise TypeError(
            f"a Result has no truth value (verdict {self.verdict!r} of {self.claim_text!r}): "
            "test r.proved, r.refuted or r.verdict == 'proved', or use symloss.testing."
            "assert_proved / assert_refuted / assert_not_refuted / assert_claim_holds"
        )

    @property
    def claim_text(self) -> str:
        """The claim as the user wrote it."""
        return getattr(self.claim, "text", None) or str(self.claim)

    def __repr__(self) -> str:
        label = self.name or _pretty_claim(self.claim_text)
        if len(label) > 60:
            label = label[:57] + "..."
        how = f" by {self.method}" if self.method else ""
        return f"<{self.verdict}: {label}{how} in {self.seconds:.2f}s>"

    def to_json(self) -> dict[str, Any]:
        """The per-claim part of the ``symloss check --json`` contract (the
        runner adds ``file``, ``name`` and ``expect``)."""
        out = {
            "verdict": self.verdict,
            "counterexample": self.counterexample.to_json() if self.counterexample else None,
            "seconds": round(float(self.seconds), 3),
            "reason": self.reason,
            "method": self.method,
            "evidence": self.evidence.to_json(),
        }
        if self.counterexample is not None and getattr(self.counterexample, "samples", ()):
            out["samples"] = self.counterexample.samples_json()  # a batch: the counterexample sample by sample
        return out

    def latex(self) -> str:
        """This result as a LaTeX fragment for a document: the claim with its
        quantifiers, the verdict, and the proof (ending in ∎) or the
        counterexample with both sides evaluated exactly."""
        from ..printing import printer

        return printer("result_latex")(self)

    def _repr_latex_(self) -> str:
        try:
            from ..printing import printer

            return printer("result_repr_latex")(self)  # MathJax-friendly summary
        except Exception:  # a notebook repr must never raise: minimal rendering
            text = self.claim_text.replace("\\", r"\backslash ").replace("_", r"\_")
            body = rf"\text{{{self.verdict}: }}\texttt{{{text}}}"
            if self.counterexample is not None:
                vals = ", ".join(
                    rf"{sp.latex(k)} = {sp.latex(v)}" for k, v in self.counterexample.values.items()
                )
                if self.counterexample.pair is not None:
                    var, a, b = self.counterexample.pair
                    vals += (", " if vals else "") + rf"{sp.latex(var)} \in \{{{sp.latex(a)}, {sp.latex(b)}\}}"
                body += rf"\quad\text{{counterexample: }}{vals}"
            return f"${body}$"

    def _repr_html_(self) -> str:
        colour = {"proved": "green", "refuted": "crimson", "unknown": "gray"}[self.verdict]
        rows = [f"<b style='color:{colour}'>{self.verdict}</b> <code>{html.escape(self.claim_text)}</code>"]
        if self.method:
            rows.append(f"method: {html.escape(self.method)} ({self.seconds:.2f}s)")
        if self.reason:
            rows.append(html.escape(self.reason))
        if self.counterexample is not None:
            rows.append("counterexample: " + html.escape(self.counterexample.describe()))
        return "<div>" + "<br>".join(rows) + "</div>"
