"""Conjecture files: TOML files of ``[[claim]]`` tables → :class:`ClaimSpec`.

A conjecture file is the public, stable way to ask symloss questions in bulk
(``symloss check proofs/``).  Each ``[[claim]]`` table holds:

==========  ========  ====================================================
key         type      meaning
==========  ========  ====================================================
``name``    string    unique within the file (required)
``model``   string    ŷ as an expression or a catalogue name (optional)
``loss``    string    the loss, an expression or a catalogue name (required)
``vars``    table     symbol name → domain string (optional)
``params``  list      names of the parameters θ (optional)
``assume``  list      side conditions, each an expression (optional)
``claim``   string    the claim, in the claim language (required)
``expect``  string    ``proved`` | ``refuted`` | ``unknown`` (optional)
``timeout`` number    per-claim wall-time limit in seconds (optional)
``samples`` int/str   the empirical risk over N samples, or a symbolic
                      batch size such as ``"n"`` (optional; see
                      :mod:`symloss.calculus.dataset`)
==========  ========  ====================================================

This module only reads and validates the *file* (keys, types, duplicate
names) — quickly and without SymPy.  Expressions are parsed by
:func:`prepare` (problem and claim, to report bad input before anything
long runs) and checked by :func:`evaluate`; both wrap errors so that the
message names the file, the claim, the field and the column.
"""

from __future__ import annotations

import difflib
import math
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping

from .errors import DomainError, InvalidArgument, SymlossError, SymlossSyntaxError

__all__ = [
    "EXPECT_VALUES",
    "CLAIM_KEYS",
    "ClaimSpec",
    "ConjectureFile",
    "loads",
    "load",
    "discover",
    "load_all",
    "build_problem",
    "prepare",
    "evaluate",
    "in_context",
]

#: The verdicts a claim may ``expect``.
EXPECT_VALUES = ("proved", "refuted", "unknown")

#: Every key a ``[[claim]]`` table may hold, with a one-word type description.
CLAIM_KEYS: dict[str, str] = {
    "name": "string",
    "model": "string",
    "loss": "string",
    "vars": "table of strings",
    "params": "list of strings",
    "assume": "list of strings",
    "claim": "string",
    "expect": "string",
    "timeout": "number",
    "samples": "integer or string",
}
_REQUIRED = ("name", "loss", "claim")


@dataclass(frozen=True)
class ClaimSpec:
    """One ``[[claim]]`` table, validated but not yet parsed.

    ``vars`` is a tuple of ``(name, domain)`` pairs in file order (frozen and
    picklable); :attr:`domains` gives it as a dict.

    >>> spec = ClaimSpec(file="f.toml", name="c", loss="(yhat - y)**2/2",
    ...                  claim="d(L, w) == x*(w*x - y)", model="w*x")
    >>> spec.label
    'f.toml::c'
    >>> spec.domains
    {}
    """

    file: str
    name: str
    loss: str
    claim: str
    model: str | None = None
    vars: tuple[tuple[str, str], ...] = ()
    params: tuple[str, ...] | None = None
    assume: tuple[str, ...] = ()
    expect: str | None = None
    timeout: float | None = None
    index: int = 0
    samples: int | str | None = None

    @property
    def label(self) -> str:
        """``file::name``, how the command line names the claim."""
        return f"{self.file}::{self.name}"

    @property
    def domains(self) -> dict[str, str]:
        """``vars`` as a dict (symbol name → domain string)."""
        return dict(self.vars)

    def where(self, field: str | None = None) -> str:
        """The location prefix used in error messages.

        >>> ClaimSpec(file="f.toml", name="c", loss="l", claim="c").where("loss")
        "f.toml: claim 'c', field 'loss'"
        """
        text = f"{self.file}: claim {self.name!r}"
        return f"{text}, field {field!r}" if field else text

    def problem(self):
        """The :class:`symloss.problem.Problem` this claim is about
        (:func:`build_problem`); printers that are handed a spec rebuild it
        through this method rather than importing this module."""
        return build_problem(self)


@dataclass(frozen=True)
class ConjectureFile:
    """A loaded conjecture file: its path and its claims in file order."""

    path: str
    claims: tuple[ClaimSpec, ...]

    def __len__(self) -> int:
        return len(self.claims)


# ---------------------------------------------------------------------------
# reading and validating the file


def _did_you_mean(word: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _type_name(value: Any) -> str:
    return {
        str: "a string",
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        list: "a list",
        dict: "a table",
    }.get(type(value), type(value).__name__)


def _bad(where: str, message: str) -> InvalidArgument:
    return InvalidArgument(f"{where}: {message}")


def _string(where: str, key: str, value: Any, *, nonempty: bool = True) -> str:
    if not isinstance(value, str):
        raise _bad(where, f"{key!r} must be a string, got {_type_name(value)} ({value!r})")
    if nonempty and not value.strip():
        raise _bad(where, f"{key!r} must not be empty")
    return value


def _string_list(where: str, key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise _bad(where, f"{key!r} must be a list of strings, got {_type_name(value)} ({value!r})")
    out = []
    for i, item in enumerate(value):
        out.append(_string(where, f"{key}[{i}]", item))
    return tuple(out)


def _claim_spec(file: str, index: int, table: Any) -> ClaimSpec:
    where = f"{file}: claim #{index + 1}"
    if not isinstance(table, dict):
        raise _bad(where, f"each [[claim]] must be a table, got {_type_name(table)}")
    if "name" in table and isinstance(table["name"], str) and table["name"].strip():
        where = f"{file}: claim {table['name']!r}"
    for key in table:
        if key not in CLAIM_KEYS:
            raise _bad(
                where,
                f"unknown key {key!r}{_did_you_mean(key, CLAIM_KEYS)}; "
                f"allowed keys: {', '.join(CLAIM_KEYS)}",
            )
    for key in _REQUIRED:
        if key not in table:
            raise _bad(where, f"missing required key {key!r}")
    name = _string(where, "name", table["name"])
    if "\n" in name:
        raise _bad(where, "'name' must be a single line")
    loss = _string(where, "loss", table["loss"])
    claim = _string(where, "claim", table["claim"])
    model = _string(where, "model", table["model"]) if "model" in table else None
    vars_: tuple[tuple[str, str], ...] = ()
    if "vars" in table:
        raw = table["vars"]
        if not isinstance(raw, dict):
            raise _bad(where, f"'vars' must be a table of name = \"domain\", got {_type_name(raw)} ({raw!r})")
        vars_ = tuple((str(k), _string(where, f"vars.{k}", v)) for k, v in raw.items())
        for k, _ in vars_:
            if not k.isidentifier():
                raise _bad(where, f"'vars' key {k!r} is not a symbol name")
    params = _string_list(where, "params", table["params"]) if "params" in table else None
    assume = _string_list(where, "assume", table["assume"]) if "assume" in table else ()
    expect = None
    if "expect" in table:
        expect = _string(where, "expect", table["expect"])
        if expect not in EXPECT_VALUES:
            raise _bad(
                where,
                f"'expect' must be one of {', '.join(EXPECT_VALUES)}, got {expect!r}"
                f"{_did_you_mean(expect, EXPECT_VALUES)}",
            )
    timeout = None
    if "timeout" in table:
        raw = table["timeout"]
        if isinstance(raw, bool) or not isinstance(raw, (int, float)):
            raise _bad(where, f"'timeout' must be a number of seconds, got {_type_name(raw)} ({raw!r})")
        if not (raw > 0 and math.isfinite(raw)):
            raise _bad(where, f"'timeout' must be positive and finite, got {raw!r}")
        timeout = float(raw)
    samples = None
    if "samples" in table:
        from .calculus.dataset import check_samples

        try:
            samples = check_samples(table["samples"])
        except InvalidArgument as exc:
            raise _bad(where, str(exc)) from None
    return ClaimSpec(
        file=file, name=name, loss=loss, claim=claim, model=model, vars=vars_,
        params=params, assume=assume, expect=expect, timeout=timeout, index=index, samples=samples,
    )


def loads(text: str, file: str = "<string>") -> ConjectureFile:
    """Read conjecture-file text; ``file`` is only used in messages.

    >>> f = loads('''
    ... [[claim]]
    ... name = "grad"
    ... model = "w*x"
    ... loss = "(yhat - y)**2/2"
    ... claim = "d(L, w) == x*(w*x - y)"
    ... expect = "proved"
    ... ''', "f.toml")
    >>> [c.name for c in f.claims], f.claims[0].expect
    (['grad'], 'proved')
    >>> loads('[[claim]]\\nname = "a"\\nlos = "x"\\nclaim = "x > 0"\\n', "g.toml")
    Traceback (most recent call last):
    ...
    symloss.errors.InvalidArgument: g.toml: claim 'a': unknown key 'los' (did you mean 'loss'?); allowed keys: name, model, loss, vars, params, assume, claim, expect, timeout, samples
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SymlossSyntaxError(f"{file}: not valid TOML: {exc}", text, None) from None
    for key in data:
        if key != "claim":
            raise _bad(
                file,
                f"unknown top-level key {key!r}{_did_you_mean(key, ['claim'])}; "
                "a conjecture file holds only [[claim]] tables",
            )
    tables = data.get("claim")
    if tables is None:
        raise _bad(file, "no [[claim]] tables")
    if not isinstance(tables, list):
        raise _bad(file, "'claim' must be an array of tables: write [[claim]], not [claim]")
    claims = tuple(_claim_spec(file, i, t) for i, t in enumerate(tables))
    seen: dict[str, int] = {}
    for c in claims:
        if c.name in seen:
            raise _bad(file, f"duplicate claim name {c.name!r} (claims #{seen[c.name] + 1} and #{c.index + 1})")
        seen[c.name] = c.index
    return ConjectureFile(path=file, claims=claims)


def load(path: str | Path) -> ConjectureFile:
    """Read and validate one conjecture file (errors name the file)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidArgument(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InvalidArgument(f"{path}: is a directory, not a conjecture file") from None
    except UnicodeDecodeError as exc:
        raise InvalidArgument(f"{path}: not UTF-8 text ({exc.reason})") from None
    except OSError as exc:
        raise InvalidArgument(f"{path}: cannot read ({exc.strerror})") from None
    return loads(text, str(path))


_CLAIM_HEADER = re.compile(r"^\s*\[\[?\s*claims?\s*\]", re.M | re.I)


def has_claim_tables(path: str | Path) -> bool:
    """Whether the file at ``path`` is meant as a conjecture file: it has a
    top-level ``claim`` key, or (when it is not valid TOML) a line opening a
    ``[[claim]]`` table, so that a broken conjecture file is still reported.
    A top-level key close to ``claim`` (``[[claims]]``) counts too: that is
    a conjecture file with a typo, which :func:`load` reports.
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return True  # unreadable: let load() report it
    try:
        keys = [str(k).lower() for k in tomllib.loads(text)]
    except tomllib.TOMLDecodeError:
        return bool(_CLAIM_HEADER.search(text))
    return "claim" in keys or bool(difflib.get_close_matches("claim", keys, n=1, cutoff=0.75))


def _below(folder: Path) -> list[Path]:
    """Every ``*.toml`` file below ``folder``, sorted, outside hidden folders
    (``.git``, virtual environments such as ``.venv-ci``)."""
    out = []
    for q in folder.rglob("*.toml"):
        rel = q.relative_to(folder).parts[:-1]
        if q.is_file() and not any(part.startswith(".") for part in rel):
            out.append(q)
    return sorted(out)


def discover(paths: Iterable[str | Path], skipped: list | None = None) -> list[Path]:
    """The conjecture files named by ``paths``: a file stands for itself, a
    folder for every ``*.toml`` below it that holds ``[[claim]]`` tables
    (sorted; hidden folders are not searched).  A file named explicitly is
    always returned, so that :func:`load` reports what is wrong with it.
    Files of a folder without any ``[[claim]]`` table (a ``pyproject.toml``)
    are left out and appended to ``skipped`` when it is a list.  Duplicates
    are dropped, order is kept.

    >>> discover([])
    []
    """
    out: list[Path] = []
    seen: set[Path] = set()
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            tomls = _below(p)
            found = [q for q in tomls if has_claim_tables(q)]
            if skipped is not None:
                skipped.extend(q for q in tomls if q not in found)
            if not found:
                extra = f" ({len(tomls)} *.toml files without [[claim]] tables)" if tomls else ""
                raise InvalidArgument(f"{raw}: folder holds no *.toml conjecture files{extra}")
        elif p.is_file():
            found = [p]
        else:
            raise InvalidArgument(f"{raw}: no such file or folder")
        for q in found:
            key = q.resolve()
            if key not in seen:
                seen.add(key)
                out.append(q)
    return out


def load_all(paths: Iterable[str | Path], skipped: list | None = None) -> list[ClaimSpec]:
    """Every claim of every file :func:`discover` finds, in order (files of
    a folder without claims go to ``skipped``, see :func:`discover`)."""
    return [c for f in discover(paths, skipped) for c in load(f).claims]


# ---------------------------------------------------------------------------
# parsing expressions (done in worker processes: SymPy may be slow)


def _field_of(spec: ClaimSpec, text: str) -> str | None:
    """Which field of ``spec`` holds the text a parse error points into."""
    candidates = [("claim", spec.claim), ("loss", spec.loss), ("model", spec.model)]
    candidates += [(f"assume[{i}]", a) for i, a in enumerate(spec.assume)]
    candidates += [(f"vars.{k}", v) for k, v in spec.vars]
    for field, value in candidates:
        if value is not None and value == text:
            return field
    for field, value in candidates:  # the parser may have stripped blanks
        if value is not None and text and value.strip() == text.strip():
            return field
    return None


def _field_quoted_in(spec: ClaimSpec, message: str) -> str | None:
    """The field whose whole text the message quotes (``unknown domain 'realz'``)."""
    candidates = [(f"vars.{k}", v) for k, v in spec.vars] + [("model", spec.model), ("loss", spec.loss)]
    candidates += [(f"params[{i}]", p) for i, p in enumerate(spec.params or ())]
    hits = [f for f, v in candidates if v is not None and repr(v) in message]
    return hits[0] if len(hits) == 1 else None


def in_context(spec: ClaimSpec, exc: SymlossError, field: str | None = None) -> SymlossError:
    """A copy of ``exc`` whose message names the file, the claim and the field
    (found from the text a syntax error points into); ``exc`` itself when its
    message already names them.

    >>> spec = ClaimSpec(file="f.toml", name="c", loss="(yhat - y)**2", claim="L >>= 0")
    >>> print(in_context(spec, SymlossSyntaxError("unexpected '>'", "L >>= 0", 4)))
    f.toml: claim 'c', field 'claim': unexpected '>' at column 4
        L >>= 0
           ^
    """
    if isinstance(exc, SymlossSyntaxError):
        field = _field_of(spec, exc.text) or field
        message = exc.message
        if spec.file in message and spec.name in message:
            return exc
        caret = ""
        if exc.text and exc.column is not None and "\n" not in exc.text:
            caret = f"\n    {exc.text}\n    {' ' * max(exc.column - 1, 0)}^"
        where = f" at column {exc.column}" if exc.column is not None and "at column" not in message else ""
        new = SymlossSyntaxError(f"{spec.where(field)}: {message}{where}{caret}", exc.text, exc.column)
        return new
    message = str(exc)
    if spec.file in message and spec.name in message:
        return exc
    field = _field_quoted_in(spec, message) or field
    try:
        return type(exc)(f"{spec.where(field)}: {message}")
    except TypeError:  # an error class with another constructor
        return InvalidArgument(f"{spec.where(field)}: {message}")


def build_problem(spec: ClaimSpec):
    """The :class:`symloss.problem.Problem` a claim is about.

    Bad input raises a :class:`SymlossError` naming file, claim and field.
    """
    from .problem import problem

    try:
        return problem(
            model=spec.model,
            loss=spec.loss,
            params=list(spec.params) if spec.params is not None else None,
            vars=spec.domains,
            assume=tuple(spec.assume),
            samples=spec.samples,
        )
    except SymlossError as exc:
        raise in_context(spec, exc) from None


def _claim_parser():
    """The claim language's parser, ``parse_claim(problem, text)``, if built."""
    try:
        from .calculus.claims import parse_claim
    except ImportError:
        return None
    return parse_claim


def prepare(spec: ClaimSpec) -> str:
    """Parse everything in ``spec`` (problem and claim) without deciding it.

    Returns a short description on success; raises a :class:`SymlossError`
    naming file, claim, field and column on bad input.  Used by ``symloss
    check`` to refuse bad input before running anything long.
    """
    prob = build_problem(spec)
    parse = _claim_parser()
    if parse is None:
        return "problem built (claim parser not available)"
    try:
        claim = parse(prob, spec.claim)
    except SymlossError as exc:
        raise in_context(spec, exc, "claim") from None
    return type(claim).__name__


def evaluate(spec: ClaimSpec, timeout: float | None = None):
    """Decide ``spec`` in this process and return a :class:`~symloss.engine.verdict.Result`.

    ``timeout`` is the *soft* budget handed to the decision procedure; hard
    limits are :mod:`symloss.runner`'s job.
    """
    from .decide import check_claim

    prob = build_problem(spec)
    kwargs = {} if timeout is None else {"timeout": timeout}
    try:
        return check_claim(prob, spec.claim, **kwargs)
    except SymlossError as exc:
        raise in_context(spec, exc, "claim") from None
