"""The atlas: the loss/gradient questions answered for every catalogue pair.

:func:`build_jobs` turns the compatible catalogue pairs into one job per
(pair, question); :func:`run_atlas` decides them in worker processes with
hard limits (:func:`symloss.runner.run_calls`); :func:`to_json`,
:func:`to_markdown` and :func:`to_latex` print the table.  Printing never
decides anything: a cell is exactly the verdict the engine returned.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Sequence

__all__ = ["QUESTIONS", "ATLAS_DISTRIBUTION", "Job", "build_jobs", "run_atlas", "to_json", "to_markdown",
           "to_latex", "sign_assumptions"]

#: Question key → claim template (``{p}`` is the parameter).
QUESTIONS: dict[str, str] = {
    "proportional": "proportional(d(L, {p}), L, {p})",
    "nondecreasing": "nondecreasing(abs(d(L, {p})), L, {p})",
    "relation": "abs(d(L, {p})) as a function of L",
    "sign": "sign(d(L, {p})) == sign({p} - argmin(L, {p}))",
    "convex": "convex(L, {p})",
    "corr": "corr(L, d(L, {p}), {p}, uniform(argmin(L, {p}) - 1, argmin(L, {p}) + 1)) == 0",
}

#: The distribution of the ``corr`` question, in words.
ATLAS_DISTRIBUTION = "θ ~ U(θ* − 1, θ* + 1), θ* = argmin(L, θ)"

_TITLES = {
    "proportional": "∂L/∂θ ∝ L",
    "nondecreasing": "\\|∂L/∂θ\\| ↑ in L",
    "relation": "\\|∂L/∂θ\\| = h(L)",
    "sign": "sign rule",
    "convex": "convex",
    "corr": "corr = 0",
}


@dataclass(frozen=True)
class Job:
    """One cell: a question about one (model, loss) pair along ``param``."""

    model: str
    loss: str
    param: str
    question: str
    assume: tuple[str, ...] = ()
    samples: int | None = None  # the empirical risk over this many samples (symloss.dataset)

    @property
    def claim(self) -> str:
        return QUESTIONS[self.question].format(p=self.param)


@dataclass
class Atlas:
    """The answers: ``rows`` in pair order, each with its answers by key."""

    questions: tuple[str, ...]
    param: str
    rows: list = field(default_factory=list)
    skipped: list = field(default_factory=list)
    timeout: float = 0.0
    jobs: int = 1
    samples: int | None = None


def sign_assumptions(model_spec, param: str) -> tuple[str, ...]:
    """The weakest natural assumption of the sign rule: every plain symbol
    factor of ∂ŷ/∂θ other than θ is nonzero (``x != 0`` for ŷ = w x + b).

    >>> from symloss.calculus.catalogue import CATALOGUE
    >>> sign_assumptions(CATALOGUE.model('linear'), 'w'), sign_assumptions(CATALOGUE.model('deep_linear'), 'w')
    (('x != 0',), ('v != 0', 'x != 0'))
    """
    import sympy as sp

    if model_spec.indexed:  # ŷ = Σ_j w_j x_j + b: ∂ŷ/∂w[i] = x[i]
        return (f"x[{param.split('[')[1]} != 0",) if param.startswith("w[") else ()
    p = next((s for s in model_spec.formula.free_symbols if str(s) == param), None)
    if p is None:
        return ()
    d = sp.factor(sp.diff(model_spec.formula, p))
    out = []
    for f in sp.Mul.make_args(d):
        base = f.base if isinstance(f, sp.Pow) and f.exp.is_positive else f
        if isinstance(base, sp.Symbol) and base != p:
            out.append(f"{base} != 0")
    return tuple(sorted(set(out)))


def batch_assumptions(single: tuple[str, ...], samples: int | None) -> tuple[str, ...]:
    """:func:`sign_assumptions` for a batch of ``samples``: a per-sample
    factor ``x != 0`` becomes ``x_1**2 + … + x_N**2 > 0`` (some sample has
    it nonzero: the least-squares condition), a shared one stays.

    >>> batch_assumptions(('v != 0', 'x != 0'), 3)
    ('v != 0', 'x_1**2 + x_2**2 + x_3**2 > 0')
    """
    if not samples or samples == 1:
        return single
    from .problem import is_input_name, is_label_name

    out = []
    for a in single:
        name = a.split(" ")[0]
        if is_input_name(name) or is_label_name(name):
            a = " + ".join(f"{name}_{k}**2" for k in range(1, samples + 1)) + " > 0"
        out.append(a)
    return tuple(out)


def _param_for(model_spec, param: str) -> str:
    if param in model_spec.indexed and param in model_spec.params:
        return f"{param}[i]"  # one coordinate of the family, for every i and n
    if param in model_spec.params:
        return param
    starts = [q for q in model_spec.params if q.startswith(param)]
    return starts[0] if starts else model_spec.params[0]


def build_jobs(models: Sequence[str] | None = None, losses: Sequence[str] | None = None,
               questions: Sequence[str] | None = None, param: str = "w", pairs: Sequence | None = None,
               samples: int | None = None):
    """``(jobs, pairs, skipped)``: one :class:`Job` per compatible pair and
    question; ``pairs`` lists ``(model, loss, param, assume)`` in order;
    ``skipped`` the incompatible (or unsupported) pairs with the reason."""
    from .calculus.catalogue import CATALOGUE
    from .errors import InvalidArgument

    qs = tuple(questions) if questions else tuple(QUESTIONS)
    for q in qs:
        if q not in QUESTIONS:
            raise InvalidArgument(f"unknown question {q!r}; the questions are {', '.join(QUESTIONS)}")
    mlist = [CATALOGUE.model(m) for m in models] if models else list(CATALOGUE.models)
    llist = [CATALOGUE.loss(l) for l in losses] if losses else list(CATALOGUE.losses)
    if pairs:  # explicit (model, loss) pairs instead of the product
        chosen = [(CATALOGUE.model(m), CATALOGUE.loss(l)) for m, l in pairs]
    else:
        chosen = [(m, l) for m in mlist for l in llist]
    jobs, pairs, skipped = [], [], []
    for m, l in chosen:
        comp = CATALOGUE.compatible(m, l)
        if not comp.ok:
            skipped.append({"model": m.name, "loss": l.name, "reason": f"incompatible: {comp.reason}"})
            continue
        if samples and samples > 1 and (m.arity > 1 or m.indexed):
            skipped.append({"model": m.name, "loss": l.name,
                            "reason": "vector and indexed models are not supported with samples yet"})
            continue
        p = _param_for(m, param)
        assume = batch_assumptions(sign_assumptions(m, p), samples)
        pairs.append((m.name, l.name, p, assume))
        for q in qs:
            jobs.append(Job(m.name, l.name, p, q, assume if q in ("sign", "corr") else (), samples))
    return jobs, pairs, skipped, qs


def _answer(job: Job, budget: float) -> dict:
    """Runs in a worker: decide one cell, return a plain dict."""
    import time

    from .problem import problem

    start = time.monotonic()
    prob = problem(job.model, job.loss, samples=job.samples)
    budget = max(0.1, budget - (time.monotonic() - start))  # building a batch's problem counts against the limit
    out = {"claim": job.claim, "relation": None, "counterexample": None}
    if job.question in ("relation", "corr") and "[" in job.param:
        what = "the relation search" if job.question == "relation" else "corr(...)"
        out.update(verdict="unknown", reason=f"{what} takes a plain parameter, not the coordinate {job.param} "
                                             "(the other cells of the row are decided by reduction to w_i, x_i, "
                                             "r = Σ_(j≠i) w_j x_j)")
        return out
    if job.question == "relation":
        from .engine.relate import relation

        r = relation(prob, job.param, timeout=budget)
        out["verdict"] = r.status
        if r.status == "proved":
            from .render.pretty import one_line

            if r.expr is None:  # monotone in L, proved, but no closed formula for h
                out["relation"] = f"{r.lhs_text} = h(L), h nondecreasing"
                out["reason"] = "re-checked proof that the gradient magnitude is a nondecreasing function of L; " \
                                "no closed form for h found"
            else:
                out["relation"] = f"{r.lhs_text} = {one_line(r.expr)}"
                out["reason"] = "re-checked proof that the gradient is a function of L"
        else:
            out["reason"] = r.reason
        if r.counterexample is not None:
            out["counterexample"] = r.counterexample.to_json()
        return out
    from .decide import check_claim

    res = check_claim(prob, job.claim, assume=job.assume, timeout=budget)
    out["verdict"] = res.verdict
    out["reason"] = " ".join(str(res.reason).split())
    if res.counterexample is not None:
        out["counterexample"] = res.counterexample.to_json()
    return out


def run_atlas(models=None, losses=None, questions=None, param: str = "w", *, timeout: float = 10.0,
              jobs: int = 1, on_done: Callable[[int, int, Job, dict], None] | None = None,
              pairs=None, executor=None, scheduler: str | None = None, samples: int | None = None) -> Atlas:
    """Decide every cell in worker processes (hard limit ``timeout`` each):
    ``jobs`` local ones, or those of ``executor`` / ``scheduler``
    (:func:`symloss.sweep.run_calls`); with ``samples`` N > 1 every cell is
    about the empirical risk over N samples (:mod:`symloss.calculus.dataset`)."""
    from .runner import Call, _preload
    from .sweep import run_calls

    job_list, pairs, skipped, qs = build_jobs(models, losses, questions, param, pairs, samples)
    _preload()
    calls = [Call(_answer, (j, max(0.1, 0.85 * timeout - 0.2)), timeout=timeout) for j in job_list]
    answers: list = [None] * len(job_list)

    def done(i, outcome):
        if outcome.ok:
            a = outcome.value
        else:
            why = {"timeout": f"timeout: no verdict within {timeout:g} s (hard limit, worker killed)"}.get(
                outcome.status, f"{outcome.status}: {' '.join(str(outcome.error).split())}")
            a = {"claim": job_list[i].claim, "verdict": "unknown", "reason": why, "counterexample": None,
                 "relation": None}
        answers[i] = a
        if on_done is not None:
            on_done(sum(x is not None for x in answers), len(job_list), job_list[i], a)

    run_calls(calls, timeout=timeout, jobs=jobs, on_done=done, executor=executor, scheduler=scheduler)
    atlas = Atlas(qs, param, skipped=skipped, timeout=timeout, jobs=jobs, samples=samples)
    by_key = {(j.model, j.loss, j.question): a for j, a in zip(job_list, answers)}
    for m, l, p, assume in pairs:
        atlas.rows.append({"model": m, "loss": l, "param": p, "assume": list(assume),
                           "answers": {q: by_key[(m, l, q)] for q in qs}})
    return atlas


# ---------------------------------------------------------------------------
# printing


def to_json(atlas: Atlas) -> dict:
    """The ``--format json`` document."""
    qs = {q: QUESTIONS[q].format(p="θ") for q in atlas.questions}
    doc = {"questions": qs, "pairs": atlas.rows, "skipped": atlas.skipped}
    if atlas.samples and atlas.samples > 1:
        doc["samples"] = atlas.samples
    return doc


_MARK = {"proved": "✓", "refuted": "✗", "unknown": "?"}


def _short(text: str, n: int = 60) -> str:
    text = " ".join(str(text or "").split()).replace("|", "\\|")
    return text if len(text) <= n else text[: n - 1] + "…"


def _cex_text(cex) -> str:
    from .render.terminal import format_counterexample

    return format_counterexample(cex)


def header(atlas: Atlas, command: str) -> str:
    """The explanatory head of the markdown file."""
    lines = [
        "# The atlas",
        "",
        f"Generated by `{command}` (hard limit {atlas.timeout:g} s per cell, {atlas.jobs} worker(s)); "
        "do not edit by hand. A `?` after a timeout means the time limit, not the mathematics, decided.",
        "",
        "✓ proved (a re-checked proof), ✗ refuted (an exact counterexample, in the footnote), "
        "? unknown (the reason says why). Questions:",
        "",
    ]
    if atlas.samples and atlas.samples > 1:
        lines[4:4] = [f"Every cell is about the empirical risk over {atlas.samples} samples, "
                      f"L = (1/{atlas.samples}) Σ_k ℓ(ŷ(θ, x_k), y_k), the parameters shared.", ""]
    for q in atlas.questions:
        lines.append(f"* **{_TITLES[q].replace(chr(92), '')}** (`{q}`): `{QUESTIONS[q].format(p='θ')}`"
                     + (f" — {ATLAS_DISTRIBUTION}" if q == "corr" else "")
                     + (" — under the assumption in the cell" if q in ("sign", "corr") else ""))
    lines.append("")
    return "\n".join(lines)


def to_markdown(atlas: Atlas, command: str = "symloss atlas", note: str = "") -> str:
    """The table with footnoted counterexamples, then the skipped pairs;
    ``note`` (a sentence about the run) goes under the title."""
    notes: list[str] = []
    out = [header(atlas, command)]
    if note:
        out.insert(1, note + "\n")
    cols = ["model", "loss", "θ"] + [_TITLES[q] for q in atlas.questions]
    out.append("| " + " | ".join(cols) + " |")
    out.append("|" + "---|" * len(cols))
    for row in atlas.rows:
        cells = [row["model"], row["loss"], row["param"]]
        for q in atlas.questions:
            a = row["answers"][q]
            mark = _MARK.get(a["verdict"], "?")
            if q == "relation" and a.get("relation"):
                text = f"{mark} `{a['relation']}`".replace("|", "\\|")
            else:
                text = f"{mark} {_short(a.get('reason'))}"
            if q in ("sign", "corr") and row["assume"]:
                text += f" (assuming {', '.join(row['assume'])})"
            if a.get("counterexample"):
                notes.append(f"{row['model']} + {row['loss']}, {q}: {_cex_text(a['counterexample'])}")
                text += f" [^{len(notes)}]"
            cells.append(text)
        out.append("| " + " | ".join(cells) + " |")
    out.append("")
    if notes:
        out.append("## Counterexamples")
        out.append("")
        out += [f"[^{i}]: {n}" for i, n in enumerate(notes, 1)]
        out.append("")
    if atlas.skipped:
        out.append(f"## Skipped pairs ({len(atlas.skipped)})")
        out.append("")
        out += [f"* {s['model']} + {s['loss']}: {s['reason']}" for s in atlas.skipped]
        out.append("")
    return "\n".join(out)


def _tex(text: str) -> str:
    rep = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
           "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}
    return "".join(rep.get(ch, ch) for ch in str(text))


def to_latex(atlas: Atlas) -> str:
    """A LaTeX document: the table, each cell linking to its write-up."""
    qs = atlas.questions
    lines = [r"\documentclass{article}", r"\usepackage[utf8]{inputenc}", r"\usepackage{hyperref}",
             r"\usepackage{longtable}", r"\begin{document}", r"\section*{The atlas}",
             r"\begin{longtable}{ll" + "c" * len(qs) + "}",
             " & ".join(["model", "loss"] + [_tex(q) for q in qs]) + r" \\ \hline"]
    body = []
    for i, row in enumerate(atlas.rows):
        cells = [_tex(row["model"]), _tex(row["loss"])]
        for q in qs:
            a = row["answers"][q]
            label = f"cell{i}-{q}"
            mark = {"proved": r"$\checkmark$", "refuted": r"$\times$"}.get(a["verdict"], "?")
            cells.append(rf"\hyperref[{label}]{{{mark}}}")
            detail = a.get("relation") or a.get("reason") or ""
            if a.get("counterexample"):
                detail += "; counterexample: " + _cex_text(a["counterexample"])
            body.append(rf"\paragraph{{{_tex(row['model'])} + {_tex(row['loss'])}: {_tex(q)}}}"
                        rf"\label{{{label}}} \texttt{{{_tex(a['claim'])}}} --- {_tex(a['verdict'])}. "
                        + _tex(detail))
        lines.append(" & ".join(cells) + r" \\")
    lines += [r"\end{longtable}", r"\section*{Cells}"] + body + [r"\end{document}", ""]
    return "\n".join(lines)


def from_json(doc: dict, *, timeout: float = 0.0, jobs: int = 1, param: str = "w") -> Atlas:
    """The :class:`Atlas` a ``--format json`` document describes (to print it
    in another format without deciding anything again)."""
    qs = tuple(doc["questions"])
    return Atlas(qs, param, rows=list(doc["pairs"]), skipped=list(doc["skipped"]), timeout=timeout, jobs=jobs)


def markdown_cells(text: str) -> dict:
    """``(model, loss) → {column title: cell}`` read back from :func:`to_markdown`
    output, footnote marks removed (their numbers depend on the slice)."""
    import re

    def split(line):
        return [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]

    lines = text.splitlines()
    start = next(i for i, l in enumerate(lines) if l.startswith("| model |"))
    titles = split(lines[start])
    out = {}
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        cells = [re.sub(r" \[\^\d+\]", "", c) for c in split(line)]
        row = dict(zip(titles, cells))
        out[(row["model"], row["loss"])] = row
    return out


#: The pairs of the README's compact table.
CORE_PAIRS = (("linear", "squared"), ("linear", "absolute"), ("linear", "huber"), ("linear", "log_cosh"),
              ("linear", "cauchy"), ("linear", "exponential"), ("linear", "hinge"), ("logistic", "bce"),
              ("poisson", "poisson_nll_identity"), ("two_layer", "squared"))


def to_compact(atlas: Atlas, pairs=CORE_PAIRS) -> str:
    """The README's table: marks only (the relation's formula where proved),
    for ``pairs`` in that order; details live in docs/atlas.md."""
    rows = {(r["model"], r["loss"]): r for r in atlas.rows}
    cols = ["model", "loss"] + [_TITLES[q] for q in atlas.questions]
    out = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for key in pairs:
        row = rows.get(key)
        if row is None:
            continue
        cells = [row["model"], row["loss"]]
        for q in atlas.questions:
            a = row["answers"][q]
            mark = _MARK.get(a["verdict"], "?")
            if q == "relation" and a.get("relation"):
                mark += f" `{a['relation']}`".replace("|", "\\|")
            cells.append(mark)
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out) + "\n"
