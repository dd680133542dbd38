"""LaTeX rendering: expressions in ML notation, escaping of user text, line
breaking, every proof-step class, derivations, claims, counterexamples."""

from __future__ import annotations

import re
from dataclasses import dataclass
from types import SimpleNamespace as NS

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from symloss.language.functions import relu, sigmoid, softplus
from symloss.render.latex import (
    SymlossLatexPrinter,
    escape_text,
    latex,
    math_block,
    proof_latex,
    step_latex,
    symbol_latex,
    visible_width,
)
from symloss.render.writeup import claim_latex, counterexample_latex, derivation_latex, result_latex
from symloss.render.writeup_notebook import result_repr_latex
from symloss.calculus.proof import Gap, Given, Step, check_proof, iter_steps

w, x, b, z = sp.symbols("w x b z", real=True)
y = sp.Symbol("y", real=True)
d = sp.Symbol("d", positive=True)
W, X = sp.IndexedBase("w"), sp.IndexedBase("x")
j = sp.Symbol("j", integer=True)
n = sp.Symbol("n", integer=True, positive=True)
S = sp.Symbol


# --------------------------------------------------------------------------
# expressions

@pytest.mark.parametrize("expr, expected", [
    (S("yhat"), r"\hat{y}"),
    (S("y_hat"), r"\hat{y}"),
    (S("lambda"), r"\lambda"),
    (S("delta_1"), r"\delta_{1}"),
    (S("tau"), r"\tau"),
    (S("x_i"), r"x_{i}"),
    (S("x_{i}"), r"x_{i}"),
    (S("w12"), r"w_{12}"),
    (S("beta2"), r"\beta_{2}"),
    (S("lr"), r"\mathrm{lr}"),
    (S("eps"), r"\varepsilon"),
    (S("w_star"), r"w^{*}"),
    (S("θ"), r"\theta"),
    (S("a__b"), r"\mathit{a\_\_b}"),
    (S("_t"), r"\mathit{\_t}"),
    (W[j], r"w_{j}"),
    (W[j] ** 2, r"w_{j}^{2}"),
    (sp.Sum(W[j] * X[j], (j, 1, n)) + b, r"\sum_{j=1}^{n} w_{j} x_{j} + b"),
    ((sigmoid(w * x + b) - y) * x, r"\left(\sigma\left(w x + b\right) - y\right) x"),
    (x * (w * x + b - y), r"\left(w x + b - y\right) x"),
    (S("yhat") - y, r"\hat{y} - y"),
    (1 - sigmoid(z), r"1 - \sigma\left(z\right)"),
    (softplus(z), r"\operatorname{softplus}\left(z\right)"),
    (relu(z), r"\max\left(0, z\right)"),
    (sp.Heaviside(z, 0), r"\mathbf{1}\left[z > 0\right]"),
    (sp.Heaviside(z, 1), r"\mathbf{1}\left[z \geq 0\right]"),
    (sp.Heaviside(z, sp.S.Half), r"H\left(z\right)"),
    (sp.Piecewise((z, z > 0), (0, True)), r"\begin{cases} z & \text{if } z > 0 \\ 0 & \text{otherwise} \end{cases}"),
    (x**2 + 2 * x + 1, r"x^{2} + 2 x + 1"),
    (-y * sp.log(S("p")), r"- y \log\left(p \right)"),
])
def test_expression(expr, expected):
    assert latex(expr) == expected


@pytest.mark.parametrize("name", ["x", "yhat", "lambda", "delta_1", "x_{i}", "w_1_2", "a__b", "_odd", "x_", "θ", "ß", "名"])
def test_symbol_names_are_balanced_math(name):
    tex = symbol_latex(name)
    assert tex.count("{") == tex.count("}") and tex.isascii()


# --------------------------------------------------------------------------
# escaping of user text

_SAFE_COMMANDS = {"textbackslash", "textasciicircum", "textasciitilde", "textless", "textgreater",
                  "textbar", "ldots", "textbullet", "textendash", "textemdash"}


def _only_safe(tex: str) -> bool:
    """Independent checker: outside ``$...$`` every backslash is an escaped
    special character or a safe text command followed by ``{}``, and no bare
    special character is left; inside ``$...$`` there is one command (or
    ``^{2}``-like superscript) and no braces that open a group with text."""
    i = 0
    while i < len(tex):
        c = tex[i]
        if c == "\\":
            m = re.match(r"\\([A-Za-z]+)(\{\})?|\\([{}$&#_%])", tex[i:])
            if not m:
                return False
            if m.group(1):
                if m.group(1) not in _SAFE_COMMANDS or not m.group(2):
                    return False
            i += m.end()
        elif c == "$":
            k = tex.index("$", i + 1)
            inner = tex[i + 1 : k]
            if not re.fullmatch(r"\\[A-Za-z]+(\{[A-Za-z]\})?|\^\{\d\}|\\tfrac\{\d\}\{\d\}|-|:=", inner):
                return False
            i = k + 1
        elif tex.startswith("{}", i):  # an empty group (breaks a ligature such as --)
            i += 2
        elif c in "{}&#^_%~":
            return False
        else:
            i += 1
    return True


@pytest.mark.parametrize("text", [
    r"\input{/etc/passwd}", r"\def\x{1}\x", "$x^2$ & #1 % comment", "a_b ~ c", "{}}{",
    "100% σ ∈ (0, 1) → ∞", "w = ±1 both give L = 0", "≤ ≥ ≠ ∂L/∂w", "naïve café", "emoji 🙂", "tab\tnew\nline",
    "\\\\ \\[ \\]", "^^5c input",
])
def test_escape_text_is_inert(text):
    out = escape_text(text)
    assert out.isascii() and _only_safe(out), out


@given(st.text(max_size=40))
@settings(max_examples=200, deadline=None)
def test_escape_text_property(text):
    out = escape_text(text)
    assert out.isascii() and _only_safe(out)


def test_escape_keeps_words():
    assert escape_text("w = 1/2 fails") == "w = 1/2 fails"
    assert escape_text("a--b ''q'' !`") == "a-{}-b '{}'q'{}' !{}`"
    assert escape_text(r"\input{a}") == r"\textbackslash{}input\{a\}"


# --------------------------------------------------------------------------
# line breaking

def _normal(tex: str) -> str:
    tex = tex.replace(r"\bigl(", r"\left(").replace(r"\bigr)", r"\right)")
    return re.sub(r"\s+|\\\\", "", tex)


LONG = sum(S("a_%d" % k) * S("lambda") ** k * S("delta_1") for k in range(20)) + relu(S("x_i"))


@pytest.mark.parametrize("expr", [
    LONG,
    sp.Eq(S("L"), LONG),
    LONG >= 0,
    x * LONG,
    sp.Implies(x > 0, LONG > 0),
    sp.And(LONG > 0, x > 1, y < 2),
])
def test_long_expressions_break_without_losing_anything(expr):
    block = math_block(expr)
    assert block.startswith(r"\begin{multline*}")
    body = block.split("\n")[1:-1]
    assert len(body) >= 2
    assert all(visible_width(line) <= 64 + 20 for line in body)
    assert _normal("".join(body)) == _normal(latex(expr))
    # no \left on one line closed by \right on another
    for line in body:
        assert line.count(r"\left") == line.count(r"\right")


@pytest.mark.parametrize("expr", [x + 1, sp.Eq(w, 2 * x), sigmoid(z) > 0])
def test_short_expressions_stay_on_one_line(expr):
    assert math_block(expr) == r"\[ %s \]" % latex(expr)
    assert math_block(expr, inline_ok=True) == "$%s$" % latex(expr)


# --------------------------------------------------------------------------
# proof steps from the sign engine and z3

signs = pytest.importorskip("symloss.engine.signs")

SIGN_CASES = [
    # (expr, hypotheses, step class that must appear, phrase in its justification)
    (sp.Integer(3), (), "NumberSign", "exact arithmetic"),
    (d, (), "AssumptionSign", "declared positive"),
    (x, (x > 0,), "HypothesisSign", "read off the hypothesis"),
    (1 - sigmoid(w * x + b), (), "RangeBound", r"\sigma(z) \in (0, 1)$ for every real"),
    (sp.exp(w), (), "FunctionSign", "for every real"),
    (x**2 + 1, (), "AddSign", "sum of terms"),
    (x**2 * sp.exp(w), (), "ProductSign", "product of factors"),
    (x**2, (), "PowSign", "even power"),
    (sigmoid(x) - sigmoid(y), (x > y,), "MonotoneDifference", "strictly increasing"),
    (x**2 - 2 * x + 1, (), "SumOfSquares", "sum of squares"),
    (x**2 * y**2 + 2 * x * y**2 + y**2, (), "Rewrite", "identically"),
    (sp.log(x), (x > 1,), "LogSign", r"\log 1 = 0"),
    (sp.Max(x, 1), (), "ExtremumSign", "maximum or minimum"),
    (sp.Piecewise((x**2 + 1, x > 0), (1, True)), (), "PiecewiseSign", "case analysis"),
]


@pytest.mark.parametrize("expr, hyps, cls, phrase", SIGN_CASES)
def test_sign_step_rendering(expr, hyps, cls, phrase):
    res = signs.sign_of(expr, hyps)
    assert res is not None
    check_proof(res.step, set(hyps))  # the step we render really checks
    names = {type(s).__name__ for s in iter_steps(res.step)}
    assert cls in names
    tex = proof_latex(res.step)
    step = next(s for s in iter_steps(res.step) if type(s).__name__ == cls)
    assert phrase in step_latex(step)
    assert phrase in tex or any(p.fact == step.fact for p in step.premises())  # a restatement is not repeated
    assert latex(step.fact) in step_latex(step)
    assert "rule \\textsf" not in step_latex(step)  # a dedicated printer, not the fallback
    assert tex.count(r"\begin{") == tex.count(r"\end{")


def test_proof_lines_cite_their_premises():
    res = signs.sign_of(x**2 * sigmoid(w) * (1 - sigmoid(w)) + 1)
    tex = proof_latex(res.step)
    lines = re.findall(r"\\item\[\((\d+)\)\] (.*)", tex)
    assert [int(k) for k, _ in lines] == list(range(1, len(lines) + 1))
    for k, line in lines:  # citations point backwards
        assert all(int(r) < int(k) for r in re.findall(r"\((\d+)\)", line.split("(from")[-1]) if "(from" in line)
    assert lines[-1][1].startswith("$" + latex(res.step.fact))
    assert tex.endswith("The last line is the claim.")


def test_decided_step_rendering():
    z3bridge = pytest.importorskip("symloss.engine.z3bridge")
    dec = z3bridge.decide(sigmoid(w * x + b) * (1 - sigmoid(w * x + b)) <= sp.Rational(1, 4))
    assert dec.status == "proved"
    dec.step.verify()
    tex = step_latex(dec.step)
    assert "decided by" in tex and "after substituting" in tex
    assert r"t_{1} = \sigma\left(w x + b\right) \in (0, 1)" in tex


def test_decided_polynomial_rendering():
    z3bridge = pytest.importorskip("symloss.engine.z3bridge")
    dec = z3bridge.decide((w * x + b - y) ** 2 >= 0)
    assert dec.status == "proved"
    assert "complete procedure for real polynomial arithmetic" in step_latex(dec.step)


def test_given_and_gap():
    g = Given(sp.Eq(y, 0) | sp.Eq(y, 1), "domain of y")
    assert step_latex(g) == r"$y \in \left\{0, 1\right\}$ --- by hypothesis (domain of y)"
    assert step_latex(Given(x > 0, "hypothesis 0")) == "$x > 0$ --- by hypothesis"  # no uninformative source
    gap = Gap(x**2 > 0, "x = 0 not excluded & 100%")
    tex = step_latex(gap)
    assert "GAP" in tex and r"x^{2} > 0" in tex and r"\& 100\%" in tex
    assert "incomplete" in proof_latex(gap) and "last line is the claim" not in proof_latex(gap)


@dataclass(frozen=True)
class Mystery(Step):
    """Mystery rule: the fact holds because the oracle says so.

    More text that is not shown.
    """

    goal: sp.Basic

    @property
    def fact(self):
        return self.goal

    def verify(self):
        pass


@dataclass(frozen=True)
class Sum(Step):  # same name as sympy.Sum: must not reach SymPy's Sum printer
    """Summation rule."""

    goal: sp.Basic

    @property
    def fact(self):
        return self.goal

    def verify(self):
        pass


@pytest.mark.parametrize("step, phrase", [
    (Mystery(x > 0), "Mystery rule: the fact holds because the oracle says so."),
    (Sum(x >= 0), "Summation rule."),
])
def test_unknown_step_classes_use_the_docstring(step, phrase):
    tex = step_latex(step)
    assert tex.startswith("$" + latex(step.fact) + "$") and phrase in tex and "More text" not in tex


# --------------------------------------------------------------------------
# derivations (symloss.calculus.derive)

problem_mod = pytest.importorskip("symloss.problem")


@pytest.mark.parametrize("model, loss, param, ending", [
    ("logistic", "bce", "w", r"\frac{\partial L}{\partial w} = \left(\sigma\left(w x + b\right) - y\right) x \]"),
    ("logistic", "bce", "b", r"\frac{\partial L}{\partial b} = \sigma\left(w x + b\right) - y \]"),
    ("linear", "squared", "w", r"\frac{\partial L}{\partial w} = \left(w x + b - y\right) x \]"),
])
def test_derivation_rendering(model, loss, param, ending):
    p = problem_mod.problem(model, loss)
    prm = next(s for s in p.params if s.name == param)
    der = p.derivation(prm)
    der.verify()
    for s in der.steps:  # every derivation step re-checks its equality
        s.verify()
    tex = derivation_latex(der)
    assert tex.rstrip().endswith(ending)
    assert "Model:" in tex and "Loss:" in tex
    assert "chain rule" in tex and "outer derivative" in tex and "inner derivative" in tex
    assert tex.count(r"\begin{") == tex.count(r"\end{")
    assert latex(der.result) in tex


def test_derivation_steps_render_through_the_printer():
    p = problem_mod.problem("logistic", "bce")
    der = p.derivation(p.params[0])
    assert SymlossLatexPrinter()._print(der) == derivation_latex(der)
    rewrite = next(s for s in der.steps if type(s).__name__ == "Rewrite")
    assert latex(rewrite.after) in step_latex(rewrite)


# --------------------------------------------------------------------------
# claims, counterexamples, results

def _claim(text, assume=()):
    claims = pytest.importorskip("symloss.calculus.claims")
    p = problem_mod.problem("logistic", "bce")
    return claims.parse_claim(p, text, assume=assume)


@pytest.mark.parametrize("text, assume, phrases", [
    ("d(L, w) == x*(yhat - y)", ("x != 0",), [r"For all $b, \allowbreak w, \allowbreak x \in \mathbb{R}$",
                                                r"$y \in \left\{0, 1\right\}$", r"with $x \neq 0$"]),
    ("proportional(d(L, w), x, w)", (), [r"\propto x", "as functions of } w"]),
    ("nondecreasing(L, -d(L, w), w)", (), ["nondecreasing function", r"w_{1}, w_{2}", r"\Rightarrow"]),
    ("argmin(L, w) == 0", (), [r"\operatorname*{arg\,min}_{w} \left("]),
])
def test_claim_statement(text, assume, phrases):
    tex = claim_latex(_claim(text, assume))
    for ph in phrases:
        assert ph in tex, (ph, tex)


def test_claim_without_structure_is_shown_verbatim_and_escaped():
    assert claim_latex(r"\input{x} & 1") == r"\[ \text{\texttt{\textbackslash{}input\{x\} \& 1}} \]"


def test_counterexample_rendering():
    cx = NS(values={x: sp.Rational(1, 2), y: sp.Integer(1)}, pair=(w, sp.Integer(-1), sp.Integer(1)),
            evaluations=(("L at w = -1", sp.log(1 + sp.exp(sp.Rational(1, 2)))), ("L at w = 1", sp.Integer(0))),
            explanation="the minimiser is not unique: w = ±1 both give L = 0")
    tex = counterexample_latex(cx)
    assert r"$x = \frac{1}{2}$" in tex and "$y = 1$" in tex
    assert r"$w = -1$ and $w = 1$" in tex
    assert r"\text{L at w = -1} &= \log\left(e^{\frac{1}{2}} + 1 \right) \approx 0.974077" in tex
    assert r"w = $\pm$1 both give L = 0" in tex and tex.endswith("Hence the claim is false.")


def test_counterexample_json_form():
    tex = counterexample_latex({"x": "1/2", "w": ["-1", "1"]})
    assert r"$x = \text{1/2}$" in tex and r"$w \in \{\text{-1}, \text{1}\}$" in tex


@pytest.mark.parametrize("verdict, needle", [
    ("proved", r"\begin{proof}"),
    ("refuted", r"\paragraph{Counterexample.}"),
    ("unknown", r"\paragraph{Reason.}"),
])
def test_result_sections(verdict, needle):
    proof = Given(x > 0, "assume[0]") if verdict == "proved" else None
    cx = NS(values={x: sp.Integer(-1)}, pair=None, evaluations=(), explanation="x > 0 fails") if verdict == "refuted" else None
    r = NS(verdict=verdict, claim=NS(text="x > 0", formula=x > 0, hypotheses=(), symbols=(x,)),
           proof=proof, counterexample=cx, reason="no tactic applied", method="sign proof", seconds=0.25)
    tex = result_latex(r)
    assert needle in tex and r"\paragraph{Verdict: %s.}" % verdict in tex
    assert tex.count(r"\begin{") == tex.count(r"\end{")


def test_repr_latex_is_mathjax_only():
    r = NS(verdict="refuted", claim=NS(text="x > 0 & y_1", formula=None))
    out = result_repr_latex(r)
    assert out.startswith("$") and out.endswith("$") and r"\begin" not in out and r"\&" in out


def test_huge_formulas_are_not_typeset():
    t = sp.Symbol("t", real=True)
    e = sp.tanh(sp.tanh(sp.tanh(sp.tanh(w * x))))
    big = sp.diff(e, w, 4)
    assert len(latex(big)) > 4000
    out = math_block(sp.Abs(big) <= 1000)
    assert "too long to show" in out and len(out) < 200
    claim = NS(text="abs(d(L, w, 4)) <= 1000", formula=sp.Abs(big) <= 1000, hypotheses=(sp.Abs(x) <= 1,), symbols=(w, x))
    tex = claim_latex(claim)
    assert r"\texttt{abs(d(L, w, 4)) \textless{}= 1000}" in tex and len(tex) < 500


# --------------------------------------------------------------------------
# relation proofs (symloss.engine.relations, when present)

@pytest.mark.parametrize("model, loss, text, steps", [
    ("linear", "exponential", "proportional(d(L, w), L, w)", ["ProportionalVia"]),
    ("linear", "squared", "nondecreasing(L, abs(d(L, w)), w)", ["TwoCopy", "FunctionOf", "NondecreasingVia"]),
])
def test_relation_proofs_render(model, loss, text, steps):
    relations = pytest.importorskip("symloss.engine.relations")
    decide_mod = pytest.importorskip("symloss.decide")
    claims = pytest.importorskip("symloss.calculus.claims")
    reg = decide_mod.TACTICS.copy()
    relations.register(reg)
    p = problem_mod.problem(model, loss)
    claim = claims.parse_claim(p, text)
    r = decide_mod.decide(claim, tactics=reg)
    if r.verdict != "proved":
        pytest.skip("the relation prover did not prove %s here" % text)
    check_proof(r.proof, set(claim.hypotheses))
    names = {type(s).__name__ for s in iter_steps(r.proof)}
    assert names & set(steps)
    tex = result_latex(r)
    assert r"\begin{proof}" in tex and tex.count(r"\begin{") == tex.count(r"\end{")
    assert "rule \\textsf" not in tex  # every step class has its own printer


@dataclass(frozen=True)
class RangeBound(Step):  # same name as the sign rule, different fields
    """A range bound of another shape."""

    goal: sp.Basic

    @property
    def fact(self):
        return self.goal

    def verify(self):
        pass


def test_printer_failure_falls_back_to_the_generic_form():
    assert "A range bound of another shape." in step_latex(RangeBound(x > 0))


# --------------------------------------------------------------------------
# proofs from the prover, argmin, corr and z3 tactics: a printer per step class

def _full_registry():
    decide_mod = pytest.importorskip("symloss.decide")
    reg = decide_mod.TACTICS.copy()
    for name in ("prover", "argmin_claim", "relations", "corr"):
        pytest.importorskip("symloss.engine." + name).register(reg)
    return reg


def _proved(model, loss, text, assume=()):
    """A real proof from the pipeline, re-checked here against the claim's hypotheses."""
    decide_mod = pytest.importorskip("symloss.decide")
    claims = pytest.importorskip("symloss.calculus.claims")
    claim = claims.parse_claim(problem_mod.problem(model, loss), text, assume=list(assume))
    r = decide_mod.decide(claim, tactics=_full_registry(), timeout=30)
    if r.verdict != "proved":
        pytest.skip("not proved here (%s): %s" % (r.method, r.reason))
    check_proof(r.proof, set(claim.hypotheses))
    return r


PIPELINE_STEPS = [
    # (model, loss, claim, assumptions, step class, phrase of its justification)
    ("linear", "squared", "d(L, w, 2) >= x**2/2", (), "RelationFromSign", "whose sign is known"),
    ("linear", "bce_logits", "implies(x > 0, d(L, w) > -x)", (), "ImpliesIntro", "assume $x > 0$"),
    ("linear", "bce_logits", "(L > 0) & (d(L, w, 2) >= 0)", (), "AndIntro", "ach part holds"),
    ("linear", "bce_logits", "L > 0", (), "Decided", r"after substituting $t_{1} = \operatorname{softplus}"),
    ("linear", "squared", "sigmoid(1) > 1/2", (), "ExactEvaluation", "by exact evaluation"),
    ("linear", "squared", "argmin(L, w) == (y - b)/x", ("x != 0",), "ArgminValue", "is unique and has this closed form"),
    ("linear", "squared", "argmin(L, w) == (y - b)/x", ("x != 0",), "ArgminSubstitution", "replaced by its closed form"),
    ("linear", "squared", "argmin(L, w) == (y - b)/x", ("x != 0",), "Identity", "rewrites to 0 exactly"),
    ("linear", "squared", "argmin(L, w) == (y - b)/x", ("x != 0",), "RootExists", "gives 0 identically"),
    ("logistic", "bce_soft", "sign(d(L, w)) == sign(w - argmin(L, w))", ("x != 0", "y > 0", "y < 1"),
     "Minimiser", "is the unique minimiser"),
    ("logistic", "bce_soft", "sign(d(L, w)) == sign(w - argmin(L, w))", ("x != 0", "y > 0", "y < 1"),
     "SameSign", "equal identically"),
    ("logistic", "bce_soft", "sign(d(L, w)) == sign(w - argmin(L, w))", ("x != 0", "y > 0", "y < 1"),
     "ArgminSign", ("y (", "y the minimiser step and the sign link")),
    ("linear", "absolute", "nondecreasing(abs(d(L, w)), L, w)", (), "TwoCopy", "two copies $w_{1}, w_{2}$"),
    ("linear", "squared", "nondecreasing(abs(d(L, w)), L, w)", (), "NondecreasingVia", "mean value theorem"),
    ("linear", "squared", "nondecreasing(abs(d(L, w)), L, w)", (), "FunctionOf", "free of $w$"),
    ("linear", "exponential", "proportional(d(L, w), L, w)", (), "ProportionalVia", "free of $w$"),
    ("logistic", "bce", "corr(d(L, w), w, w, uniform(-1, 1)) > 0", ("x > 0", "y == 1"), "CorrelationSign",
     "Chebyshev's integral inequality"),
]


@pytest.mark.parametrize("model, loss, text, assume, cls, phrase", PIPELINE_STEPS)
def test_pipeline_step_rendering(model, loss, text, assume, cls, phrase):
    r = _proved(model, loss, text, assume)
    steps = [s for s in iter_steps(r.proof) if type(s).__name__ == cls]
    if not steps:  # the tactics chose another route; the rendering checks below still run on it
        tex = result_latex(r)
        assert "rule \\textsf" not in tex and tex.count(r"\begin{") == tex.count(r"\end{")
        pytest.skip("no %s in this proof: %s" % (cls, sorted({type(s).__name__ for s in iter_steps(r.proof)})))
    tex = result_latex(r)
    assert "rule \\textsf" not in tex  # every step class of the proof has its own printer
    assert tex.count(r"\begin{") == tex.count(r"\end{") and r"\begin{proof}" in tex
    assert r"\end{enumerate}:" not in tex  # a nested proof never sits inside a sentence
    alone = step_latex(steps[0])  # rendered without line numbers: no dangling "from" or "by"
    assert "rule \\textsf" not in alone and not re.search(r"(from|by) *(,|\.|$|and )", alone), alone
    in_tex, in_alone = phrase if isinstance(phrase, tuple) else (phrase, phrase)
    assert in_alone in alone
    restates = [q for q in steps[0].premises() if q.fact == steps[0].fact]
    assert in_tex in tex or restates  # a line that only restates its premise is folded into it


@pytest.mark.parametrize("make, cls, phrases", [
    (lambda pr: pr.finite_cases(pr.Goal(sp.Eq(y * (y - 1), 0, evaluate=False),
                                        (Given(sp.Eq(y, 0) | sp.Eq(y, 1), "domain of y"),)), pr.Env()),
     "FiniteCases", [r"by case analysis on $y \in \left\{0, 1\right\}$", "Case $y = 0$:", "Case $y = 1$:"]),
    (lambda pr: pr.try_each_case(pr._kink_split, pr._recursive)(pr.Goal(sp.Ge(sp.Abs(x), x, evaluate=False)), pr.Env()),
     "KinkCases", [r"sign of $x$, in each case with $\left|{x}\right|$ replaced", "Case $x > 0$:", "Case $x = 0$:",
                   "Case $x < 0$:"]),
])
def test_case_split_rendering(make, cls, phrases):
    prover = pytest.importorskip("symloss.engine.prover")
    step = make(prover)
    assert type(step).__name__ == cls
    check_proof(step, {g.fact for g in step.context})
    tex = proof_latex(step)
    for ph in phrases:
        assert ph in tex, (ph, tex)
    assert tex.count(r"\begin{") == tex.count(r"\end{")
    # nested proofs are lettered, and their citations stay inside them
    for nested in re.findall(r"\\begin\{enumerate\}\n(.*?)\\end\{enumerate\}", tex.split("\n", 2)[2], re.S):
        labels = re.findall(r"\\item\[\(([a-z]+)\)\]", nested)
        assert labels == list("abcdefghij"[: len(labels)])
        assert set(re.findall(r"\(from \(([^)]*)\)", nested)) <= set(labels)


@pytest.mark.parametrize("formula, kind, phrase", [
    ("parity", "Parity", "$A$ is even and $B$ odd"),
    ("chebyshev", "Chebyshev", "Chebyshev's integral inequality"),
])
def test_correlation_sign_rendering(formula, kind, phrase):
    corr = pytest.importorskip("symloss.engine.corr")
    claims = pytest.importorskip("symloss.calculus.claims")
    if formula == "parity":
        f = sp.Eq(claims.Corr(sp.cosh(w), sp.tanh(w), w, claims.UniformDist(-1, 1)), 0, evaluate=False)
    else:
        f = sp.Gt(claims.Corr(sigmoid(w), w**3 + w, w, claims.UniformDist(-1, 2)), 0, evaluate=False)
    step = corr.prove_corr_sign(f, [])
    assert step is not None and type(step.evidence).__name__ == kind
    check_proof(step, set())
    tex = proof_latex(step)
    assert phrase in tex and latex(f) in tex and "rule \\textsf" not in tex
    assert tex.count(r"\begin{") == tex.count(r"\end{")


def test_restating_lines_are_folded_into_their_premise():
    res = signs.sign_of(x, (x > 0,))
    assert any(p.fact == res.step.fact for p in res.step.premises())  # the engine restates the hypothesis
    tex = proof_latex(res.step)
    assert re.findall(r"\\item\[\((\d+)\)\]", tex) == ["1"] and "$x > 0$ --- by hypothesis" in tex


# --------------------------------------------------------------------------
# refutations: both sides at the point, evaluated exactly, and why the claim fails

def _refuted(model, loss, text, assume=()):
    decide_mod = pytest.importorskip("symloss.decide")
    claims = pytest.importorskip("symloss.calculus.claims")
    claim = claims.parse_claim(problem_mod.problem(model, loss), text, assume=list(assume))
    r = decide_mod.decide(claim, tactics=_full_registry(), timeout=30)
    if r.verdict != "refuted":
        pytest.skip("not refuted here (%s): %s" % (r.method, r.reason))
    return claim, r


@pytest.mark.parametrize("model, loss, text", [
    ("linear", "squared", "d(L, w) == 2*x*(w*x + b - y)"),
    ("linear", "bce_logits", "d(L, w) <= 0"),
])
def test_pointwise_refutation_shows_both_sides(model, loss, text):
    claim, r = _refuted(model, loss, text)
    values = r.counterexample.values
    lhs, rhs = (side.subs(values) for side in (claim.formula.lhs, claim.formula.rhs))  # SymPy's subs: independent
    assert not lhs.free_symbols and not rhs.free_symbols
    tex = result_latex(r)
    assert r"\text{left side} &= %s" % latex(lhs) in tex and r"\text{right side} &= %s" % latex(rhs) in tex
    assert "which is false" in tex and tex.rstrip().endswith("Hence the claim is false.")


@pytest.mark.parametrize("model, loss, text, reason", [
    ("linear", "squared", "proportional(d(L, w), L, w)", "the ratio $A/B$ is"),
    ("linear", "cauchy", "nondecreasing(abs(d(L, w)), L, w)", "while $A$ decreases"),
])
def test_pair_refutation_says_why(model, loss, text, reason):
    claim, r = _refuted(model, loss, text)
    var, v1, v2 = r.counterexample.pair
    tex = result_latex(r)
    assert reason in tex and "$%s = %s$ and $%s = %s$" % (latex(var), latex(v1), latex(var), latex(v2)) in tex
    for v in (v1, v2):  # A and B at both points, each value re-derived here with SymPy's subs
        pt = {**r.counterexample.values, var: v}
        for name, e in (("A", claim.a), ("B", claim.b)):
            assert r"%s\left(%s\right) &= %s" % (name, latex(v), latex(sp.simplify(e.subs(pt)))) in tex


def test_derivation_names_the_rules_and_the_cancellation():
    p = problem_mod.problem("logistic", "bce")
    der = p.derivation(p.params[0])
    tex = derivation_latex(der)
    assert r"\sigma'(z) = \sigma(z)\,(1 - \sigma(z))" in tex and r"(\log z)' = 1/z" in tex
    assert r"cancelling the denominators $1 - \sigma\left(w x + b\right)$ and $\sigma\left(w x + b\right)$" in tex.lower()
    assert tex.count(latex(der.result)) == 1  # the closed form is stated once, at the end


@pytest.mark.parametrize("model, loss, assume", [("linear", "squared", ()), ("linear", "bce_logits", ("x != 0",))])
def test_missing_minimiser_shows_the_function(model, loss, assume):
    claim, r = _refuted(model, loss, "sign(d(L, w)) == sign(w - argmin(L, w))", assume)
    body = problem_mod.problem(model, loss).L
    fixed = {k: v for k, v in r.counterexample.values.items() if k.name != "w"}
    at = body.subs({next(s for s in body.free_symbols if s.name == k.name): v for k, v in fixed.items()})  # independent subs
    tex = result_latex(r)
    assert r"the function to be minimised is $w \mapsto %s$" % latex(at) in tex, tex
    assert tex.rstrip().endswith("Hence the claim is false.") and "Argmin over" not in tex


@pytest.mark.parametrize("model, loss, param, phrases", [
    ("softmax3", "softmax_ce", "w1", [r"\frac{\partial \hat{y}_{2}}{\partial w_{1}} = \frac{\partial \hat{y}_{3}}{\partial w_{1}} = 0$, so",
                                     r"Model: $\hat{y}_{1} = w_{1} x + b_{1}$, $\hat{y}_{2}"]),
    ("two_layer", "squared", "w", [r"\tanh'(z) = 1 - \tanh^{2}(z)", "back gives the closed form."]),
    ("linear_n", "squared", "w", ["Kronecker-delta sum"]),
])
def test_derivation_shapes(model, loss, param, phrases):
    p = problem_mod.problem(model, loss)
    der = p.derivation(next(s for s in p.params if str(s).startswith(param)))
    for s in der.steps:  # every derivation step re-checks its equality
        s.verify()
    tex = derivation_latex(der)
    for ph in phrases:
        assert ph in tex, (ph, tex)
    assert tex.count(latex(der.result)) == 1 and tex.rstrip().endswith(r"%s \]" % latex(der.result))
    assert not re.search(r"\n\.\s*$|\n\.\n", tex)  # no sentence-ending period alone on a line after a display
    assert tex.count(r"\begin{") == tex.count(r"\end{")


@pytest.mark.parametrize("formula, phrase", [(sp.true, "identically true"), (sp.false, "identically false")])
def test_claim_that_became_a_constant_says_so(formula, phrase):
    claim = NS(text="d(L, w) == x*(yhat - y)", formula=formula, hypotheses=(), symbols=(w, x))
    tex = claim_latex(claim)
    assert r"\texttt{d(L, w) == x*(yhat - y)}" in tex and phrase in tex and "literally" not in tex


def test_piecewise_case_split_rendering():
    prover = pytest.importorskip("symloss.engine.prover")
    if not hasattr(prover, "PiecewiseCases"):
        pytest.skip("no piecewise case split in this prover")
    goal = prover.Goal(sp.Ge(sp.Piecewise((x**2, x > 1), (1, True)), 0, evaluate=False))
    step = prover.try_each_case(prover._piecewise_split, prover._recursive)(goal, prover.Env())
    assert isinstance(step, prover.PiecewiseCases)
    check_proof(step, set())
    tex = proof_latex(step)
    assert "case analysis on the branches of the piecewise term" in tex and "rule \\textsf" not in tex
    assert r"Case $x > 1$ (the piecewise term equals $x^{2}$):" in tex
    assert r"Case $x \leq 1$ (the piecewise term equals $1$):" in tex
    assert "$x > 1$ --- assumed in this case" in tex
    assert tex.count(r"\begin{") == tex.count(r"\end{")


def test_obvious_and_weakening_lines_are_not_listed():
    res = signs.sign_of(x**2 * sigmoid(w) * (1 - sigmoid(w)) / 2)  # needs 1/2 > 0 and a product rule
    shown = proof_latex(res.step)
    all_facts = {latex(s.fact) for s in iter_steps(res.step)}
    assert r"\frac{1}{2}" in " ".join(all_facts)  # the engine did record 1/2 > 0 ...
    assert r"$\frac{1}{2} > 0$" not in shown  # ... but a reader is not told
    assert shown.rstrip().endswith("The last line is the claim.")
    last = re.split(r"\\item\[\(\d+\)\] ", shown)[-1]
    assert latex(res.step.fact) in last  # the root is never folded away (a fraction goes on display)


def test_minimiser_by_sign_rendering():
    argmin = pytest.importorskip("symloss.engine.argmin")
    if not hasattr(argmin, "MinimiserBySign"):
        pytest.skip("no sign-route minimiser in this argmin module")
    claims = pytest.importorskip("symloss.calculus.claims")
    tactics = pytest.importorskip("symloss.engine.tactics")
    xnz = Given(sp.Ne(x, 0), "hypothesis")
    m = argmin.minimiser(claims.ArgMin(sp.Abs(w * x + b - y), w), (xnz,), tactics.Env())
    assert isinstance(m, argmin.MinimiserBySign)
    check_proof(m, {xnz.fact})
    tex = proof_latex(m)
    assert r"$E(w) = \left|{w x + b - y}\right|$, continuous in $w$" in tex
    assert r"has the sign of $w - %s$ by (2)" % latex(m.value) in tex and "unique minimiser" in tex
    assert "rule \\textsf" not in tex and tex.count(r"\begin{") == tex.count(r"\end{")
    assert re.findall(r"\\item\[\((\d+)\)\]", tex)[-1] == "3"  # hypothesis, sign proof, then the minimiser


def test_vacuous_proof_says_so_before_the_proof():
    r = NS(verdict="proved", claim=NS(text="x > 0", formula=x > 0, hypotheses=(), symbols=(x,)),
           proof=Given(x > 0, "hypothesis"), counterexample=None, method="pointwise prover", seconds=0.1,
           reason="vacuously: the claim is defined nowhere (a hypothesis is false); proved")
    tex = result_latex(r)
    assert r"\paragraph{Note.} Vacuously: the claim is defined nowhere" in tex
    assert tex.index("Note.") < tex.index(r"\begin{proof}")
    r2 = NS(**{**vars(r), "reason": "proved by the sign engine"})
    assert "Note." not in result_latex(r2)


def test_contradictory_hypotheses_are_named():
    claim = NS(text="x > 0", formula=x > 0, hypotheses=(sp.false,), symbols=(x,))
    tex = claim_latex(claim)
    assert tex.startswith("Under hypotheses that never hold together") and r"\text{False}" not in tex


def test_line_breaks_never_split_inside_a_fraction():
    """A bracket inside \\frac{...}{...} is not a place to break: the CI run
    of proofs/ once failed with 'Missing } inserted' from such a break."""
    import re

    from symloss.render.latex import math_block

    x, y, b = sp.symbols("x y b", real=True)
    value = -sp.sqrt(15) * x * (y - b) / (sp.sqrt(15 * b**2 + x**2 + 15 * y**2 - 30 * b * y) * sp.Abs(x))
    for width in (20, 40, 60):
        tex = math_block(sp.Eq(sp.Symbol("corr"), value), width=width)
        body = re.sub(r"\\(begin|end)\{multline\*\}", "", tex)
        for line in body.split(r"\\"):
            depth = 0
            for ch in line:
                depth += {"{": 1, "}": -1}.get(ch, 0)
                assert depth >= 0, line
            assert depth == 0, line


@pytest.mark.parametrize("text", [
    "((2 - 2*tanh(w)**2)*(tanh(w) - y))/2",  # printed \frac\left( ... — pdflatex stopped on the proofs document
    "(1 - tanh(w)**2)*(2 - 2*tanh(w)**2)/2",
    "sqrt(tanh(w) + 1)*log(cosh(w))/3",
])
def test_fraction_and_root_keep_their_argument_braces(text):
    from symloss.language.parser import parse
    from symloss.render.latex import latex as to_latex

    tex = to_latex(parse(text))
    assert not re.search(r"\\(?:[dt]?frac|sqrt)(?![A-Za-z{])", tex), tex
