"""Checkers of notebook 00: the model answers and other correct answers pass, the placeholders raise
NotImplementedError, and every wrong answer (the planted ones, the library's shortcuts, numerical
gradients, odd return values and many realistic mistakes) gets a short teaching message without code
to paste.  Answers tuned to the public inputs fail under a grading seed.

The model answers are the answer cells of ``solutions/00_chain_rule_and_graphs.ipynb`` itself, run in a
namespace holding ``np``, ``tl`` and the set-up cell's ``math`` and ``engine``.
"""

import math
import re

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from checker_contract import (  # noqa: E402
    ODD_RETURNS, assert_hints_are_staged, assert_odd_returns_rejected, assert_rejected, assert_teaching_message,
    failure_message, returning,
)
from notebook_answers import (  # noqa: E402
    answer_namespace, assert_reference_passes, assert_unattempted_raises, exercises, mistake_message,
    solution_notebook,
)

import tutorial_lib as tl  # noqa: E402
from tutorial_lib import checks, engine  # noqa: E402
from tutorial_lib.checks import _common, nb00  # noqa: E402

NOTEBOOK = "00_chain_rule_and_graphs"
EXERCISES = exercises(NOTEBOOK)
SETUP_NAMES = {"math": math, "engine": engine}
CODE = ["0.1", "0.2", "0.3", "0.5", "0.7", "0.8", "0.9", "0.10", "0.12"]
WRITTEN = ["0.4", "0.6", "0.11"]


def model(exercise: str) -> dict:
    """The namespace after running the notebook's answer cell of ``exercise``."""
    ns = answer_namespace(**SETUP_NAMES)
    exec(compile(EXERCISES[exercise].answer_source, f"<answer {exercise}>", "exec"), ns)  # noqa: S102
    return ns


def cell(source: str) -> dict:
    """A namespace after running ``source`` as an answer cell."""
    ns = answer_namespace(**SETUP_NAMES)
    exec(compile(source, "<test cell>", "exec"), ns)  # noqa: S102
    return ns


def passes(check, *args) -> None:
    """``check(*args)`` prints the pass line and nothing else."""
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        check(*args)
    assert out.getvalue().startswith("Exercise ") and out.getvalue().endswith("passed the public checks.\n")


@pytest.fixture
def grading():
    _common.set_grading_seed(20261125)
    yield
    _common.set_grading_seed(None)


# ---------------------------------------------------------------------- the notebook's layout
def test_notebook_has_the_expected_exercises():
    assert sorted(EXERCISES, key=lambda e: int(e.split(".")[1])) == CODE
    nb = solution_notebook(NOTEBOOK)
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    for written in WRITTEN:
        assert f"**Exercise {written} (written).**" in text
    assert text.count("<!-- BEGIN ANSWER -->") == text.count("<!-- END ANSWER -->") == len(WRITTEN)
    assert EXERCISES["0.5"].argument == "topological_order, backward"


def test_each_written_exercise_is_followed_by_a_rubric_and_each_check_by_a_worked_solution():
    cells = solution_notebook(NOTEBOOK).cells
    for i, c in enumerate(cells):
        if c.cell_type == "markdown" and "(written).**" in c.source:
            assert "<summary>Rubric: what a good answer says</summary>" in cells[i + 1].source
        if c.cell_type == "code" and c.source.startswith("# NBVAL_CHECK_OUTPUT"):
            assert re.search(r"<summary>Worked (derivation|solution|reading) \(open once your check passes\)",
                             cells[i + 1].source), cells[i + 1].source[:80]


def test_the_notebook_is_self_contained_and_in_order():
    nb = solution_notebook(NOTEBOOK)
    text = "\n".join(c.source for c in nb.cells)
    for citation in ("source document", "Lemma", "eq. (", "version B", "part A", "slides'"):
        assert citation not in text, citation
    # the written derivation of the quiz comes before the code exercise that confirms it
    assert text.index("**Exercise 0.6 (written).**") < text.index("**Exercise 0.7.**")
    # the markdown before the check of 0.10 no longer shows the formula it asks for
    before = text[: text.index("checks.exercise_0_10")]
    assert "\\frac{\\partial E}{\\partial W} = X" not in before


def test_illustrations_use_no_student_function():
    student_names = {"j_table", "backward_", "topological_order", "backward(", "quiz_gradients", "gate_rules",
                     "pattern_grads", "grad_wrt_W", "engine_mlp_loss", "arithmetic_rules", "function_rules"}
    for c in solution_notebook(NOTEBOOK).cells:
        if "illustration" in c.metadata.get("tags", []):
            assert not any(name in c.source for name in student_names), c.source[:80]


# ---------------------------------------------------------------------- every code exercise
@pytest.mark.parametrize("exercise", CODE)
def test_reference_solution_passes(exercise):
    assert_reference_passes(NOTEBOOK, exercise, **SETUP_NAMES)


@pytest.mark.parametrize("exercise", CODE)
def test_reference_solution_passes_under_a_grading_seed(exercise, grading):
    assert_reference_passes(NOTEBOOK, exercise, **SETUP_NAMES)


@pytest.mark.parametrize("exercise", CODE)
def test_unattempted_exercise_raises_not_implemented(exercise):
    assert_unattempted_raises(NOTEBOOK, exercise, **SETUP_NAMES)


@pytest.mark.parametrize("exercise", CODE)
def test_hints_are_staged_and_code_free(exercise):
    assert_hints_are_staged(exercise, min_stages=3)


def test_planted_mistakes_cover_every_code_exercise_and_the_named_kinds():
    assert {m["exercise"] for m in nb00.PLANTED_MISTAKES} == set(CODE)
    kinds = " / ".join(m["kind"] for m in nb00.PLANTED_MISTAKES)
    for needed in ("mul uses own value", "cos sign error", "overwrite instead of accumulate", "visited set",
                   "reverse order", "not seeded", "ReLU mask", "1/n", "transposed"):
        assert needed in kinds


@pytest.mark.parametrize("mistake", nb00.PLANTED_MISTAKES, ids=lambda m: f"{m['exercise']} {m['kind']}")
def test_planted_mistake_is_caught_with_its_hint(mistake):
    assert mistake["source"] != EXERCISES[mistake["exercise"]].answer_source
    message = mistake_message(NOTEBOOK, mistake, **SETUP_NAMES)
    assert_teaching_message(message, mistake["exercise"])


@pytest.mark.parametrize("mistake", nb00.PLANTED_MISTAKES, ids=lambda m: f"{m['exercise']} {m['kind']}")
def test_planted_source_defines_the_same_names(mistake):
    reference = EXERCISES[mistake["exercise"]]
    ns_ref, ns_bad = answer_namespace(**SETUP_NAMES), answer_namespace(**SETUP_NAMES)
    exec(reference.answer_source, ns_ref)
    exec(mistake["source"], ns_bad)
    assert set(ns_ref) == set(ns_bad)
    for name in reference.argument.split(", "):
        assert name in ns_bad


# ---------------------------------------------------------------------- 0.1: the table
_J_ORDER = ("t", "u1", "u2", "u", "J", "dJ_du", "dJ_du1", "dJ_du2", "dJ_dt", "dJ_dx")
_J_RIGHT = {
    "t": lambda q: q["x"] ** 2, "u1": lambda q: np.sin(q["t"]), "u2": lambda q: 3 * q["t"],
    "u": lambda q: q["u1"] + q["u2"], "J": lambda q: np.cos(q["u"]), "dJ_du": lambda q: -np.sin(q["u"]),
    "dJ_du1": lambda q: q["dJ_du"], "dJ_du2": lambda q: q["dJ_du"],
    "dJ_dt": lambda q: q["dJ_du1"] * np.cos(q["t"]) + q["dJ_du2"] * 3, "dJ_dx": lambda q: q["dJ_dt"] * 2 * q["x"],
}


def make_j(**wrong):
    """A j_table with some lines of the table replaced (later lines use the replaced values)."""
    def j_table(x):
        q = {"x": x}
        for k in _J_ORDER:
            q[k] = wrong.get(k, _J_RIGHT[k])(q)
        return ({k: q[k] for k in ("t", "u1", "u2", "u", "J")},
                {"u": q["dJ_du"], "u1": q["dJ_du1"], "u2": q["dJ_du2"], "t": q["dJ_dt"], "x": q["dJ_dx"]})
    return j_table


def _J(x):
    return math.cos(math.sin(x * x) + 3 * x * x)


def test_j_table_other_correct_answers_pass():
    passes(checks.exercise_0_1, make_j())
    passes(checks.exercise_0_1, make_j(dJ_dt=lambda q: q["dJ_du"] * (math.cos(q["t"]) + 3),
                                       u1=lambda q: math.sin(q["t"]), J=lambda q: math.cos(q["u"])))
    passes(checks.exercise_0_1, lambda x: list(make_j()(x)))                       # a list of two dicts
    passes(checks.exercise_0_1, lambda x: tuple({k: float(v) for k, v in d.items()} for d in make_j()(x)))


J_WRONG = [
    ("cos without its minus", dict(dJ_du=lambda q: np.sin(q["u"])), "sign error in the backward of cos"),
    ("minus cos", dict(dJ_du=lambda q: -np.cos(q["u"])), "not cos(u) or minus cos(u)"),
    ("cos", dict(dJ_du=lambda q: np.cos(q["u"])), "not cos(u) or minus cos(u)"),
    ("dJ/du = 1", dict(dJ_du=lambda q: 1.0), "1 alone is only dJ/dJ"),
    ("u1 without upstream", dict(dJ_du1=lambda q: 1.0), "multiply by the upstream dJ/du"),
    ("u2 without upstream", dict(dJ_du2=lambda q: 1.0), "multiply by the upstream dJ/du"),
    ("u2 takes the 3", dict(dJ_du2=lambda q: 3 * q["dJ_du"]), "belongs to the next step down"),
    ("u1 is the derivative of cos at u1", dict(dJ_du1=lambda q: -np.sin(q["u1"])), "not the derivative of cos"),
    ("t keeps the sine path", dict(dJ_dt=lambda q: q["dJ_du1"] * np.cos(q["t"])), "keeps only one of its two"),
    ("t keeps the 3t path", dict(dJ_dt=lambda q: q["dJ_du2"] * 3), "keeps only one of its two"),
    ("t uses sin", dict(dJ_dt=lambda q: q["dJ_du1"] * np.sin(q["t"]) + q["dJ_du2"] * 3), "not sin(t)"),
    ("t uses 3t", dict(dJ_dt=lambda q: q["dJ_du1"] * np.cos(q["t"]) + q["dJ_du2"] * 3 * q["t"]), "is 3, not 3t"),
    ("t multiplies the paths", dict(dJ_dt=lambda q: q["dJ_du1"] * np.cos(q["t"]) * 3), "they do not multiply"),
    ("x without 2x", dict(dJ_dx=lambda q: q["dJ_dt"]), "that factor is missing"),
    ("x without 2", dict(dJ_dx=lambda q: q["dJ_dt"] * q["x"]), "the factor 2 is missing"),
    ("x with x squared", dict(dJ_dx=lambda q: q["dJ_dt"] * q["t"]), "not x squared"),
    ("x with 2 only", dict(dJ_dx=lambda q: q["dJ_dt"] * 2), "the factor x is missing"),
    ("t = 2x", dict(t=lambda q: 2 * q["x"]), "not 2x"),
    ("u1 = sin(x)", dict(u1=lambda q: np.sin(q["x"])), "the sine of t"),
    ("u2 = 3x", dict(u2=lambda q: 3 * q["x"]), "three times t"),
    ("u = u1 u2", dict(u=lambda q: q["u1"] * q["u2"]), "not their product"),
    ("J = sin(u)", dict(J=lambda q: np.sin(q["u"])), "not sin(u)"),
    ("dJ/dt with the wrong sign", dict(dJ_dt=lambda q: -(q["dJ_du1"] * np.cos(q["t"]) + q["dJ_du2"] * 3)),
     "wrong sign"),
    ("dJ/dx scaled", dict(dJ_dx=lambda q: q["dJ_dt"] * 2 * q["x"] * 1.01), "does not match"),
    ("central difference for dJ/dx", dict(dJ_dx=lambda q: (_J(q["x"] + 1e-6) - _J(q["x"] - 1e-6)) / 2e-6),
     "finite differences"),
    ("central difference for dJ/du", dict(dJ_du=lambda q: (math.cos(q["u"] + 1e-6) - math.cos(q["u"] - 1e-6)) / 2e-6),
     "finite differences"),
]


@pytest.mark.parametrize("wrong", J_WRONG, ids=[w[0] for w in J_WRONG])
def test_j_table_wrong_answers_are_named(wrong):
    _, lines, needle = wrong
    assert_rejected(checks.exercise_0_1, make_j(**lines), "0.1", needle)


def test_j_table_odd_returns():
    assert_odd_returns_rejected(checks.exercise_0_1, "0.1")
    for label, value in ODD_RETURNS.items():
        def j_table(x, value=value):
            values, grads = make_j()(x)
            return {**values, "t": value}, grads
        assert_teaching_message(failure_message(checks.exercise_0_1, j_table), "0.1")
    node = lambda x: ({**make_j()(x)[0]}, {**make_j()(x)[1], "x": engine.Value(1.0)})  # noqa: E731
    assert_rejected(checks.exercise_0_1, node, "0.1", "is a Value node")
    assert_rejected(checks.exercise_0_1, lambda x: (make_j()(x)[1], make_j()(x)[0]), "0.1", "has no entry for")
    assert_rejected(checks.exercise_0_1, lambda x: make_j()(x)[0], "0.1", "two dicts")


def test_j_table_shortcuts_are_refused():
    def with_the_engine(x):
        values, _ = make_j()(x)
        xv = engine.Value(x)
        t = xv ** 2
        u1, u2 = engine.sin(t), 3 * t
        u = u1 + u2
        engine.cos(u).backward()
        return values, {"u": u.grad, "u1": u1.grad, "u2": u2.grad, "t": t.grad, "x": xv.grad}

    assert_rejected(checks.exercise_0_1, with_the_engine, "0.1", "write the maths yourself", "backward")

    def with_numerical_gradient(x):
        values, grads = make_j()(x)
        g = tl.numerical_gradient(lambda: _J(float(box[0])), box := np.array([x]))
        return values, {**grads, "x": float(g[0])}

    assert_rejected(checks.exercise_0_1, with_numerical_gradient, "0.1", "write the maths yourself")


def test_j_table_tuned_to_the_public_points_fails_when_graded(grading):
    _common.set_grading_seed(None)
    public = {}
    right = make_j()
    probe = {"x": []}

    def recorder(x):
        probe["x"].append(x)
        return right(x)

    passes(checks.exercise_0_1, recorder)
    public = {x: right(x) for x in probe["x"]}
    tuned = lambda x: public.get(x, make_j(dJ_dx=lambda q: 0.0)(x))  # noqa: E731
    passes(checks.exercise_0_1, tuned)
    _common.set_grading_seed(7)
    assert_rejected(checks.exercise_0_1, tuned, "0.1")


# ---------------------------------------------------------------------- 0.2, 0.3, 0.8: the rules
RULE_EXERCISES = {"0.2": ("arithmetic_rules", checks.exercise_0_2), "0.3": ("function_rules", checks.exercise_0_3),
                  "0.8": ("gate_rules", checks.exercise_0_8)}


def rules_with(exercise, **wrong_sources):
    """The rules dict of a planted-style answer cell with the given rules replaced."""
    dict_name, _ = RULE_EXERCISES[exercise]
    return cell(nb00._rules_cell(exercise, **wrong_sources))[dict_name]


def rule(source: str):
    return cell(source)[re.search(r"^def (\w+)\(", source, re.M).group(1)]


def test_rules_written_another_way_pass():
    for exercise, (dict_name, check) in RULE_EXERCISES.items():
        passes(check, rules_with(exercise))                       # a.grad = a.grad + ... style
        passes(check, model(exercise)[dict_name])

    def pow_from_output(node):
        (a,) = node.parents
        a.grad += node.grad * node.exponent * node.data / a.data

    def exp_recomputed(node):
        (a,) = node.parents
        a.grad += node.grad * math.exp(a.data)

    def cos_with_numpy(node):
        (a,) = node.parents
        a.grad -= node.grad * np.sin(a.data)

    passes(checks.exercise_0_3, {**model("0.3")["function_rules"], "pow": pow_from_output, "exp": exp_recomputed,
                                 "cos": cos_with_numpy})

    def relu_from_output(node):
        (a,) = node.parents
        a.grad += node.grad * (1.0 if node.data > 0 else 0.0)

    def tanh_cosh(node):
        (a,) = node.parents
        a.grad += node.grad / math.cosh(a.data) ** 2

    def max_other_branch(node):
        a, b = node.parents
        if b.data > a.data:
            b.grad += node.grad
        else:
            a.grad += node.grad

    passes(checks.exercise_0_8, {"relu": relu_from_output, "tanh": tanh_cosh, "max": max_other_branch})

    def relu_early_return(node):
        (a,) = node.parents
        if a.data <= 0:
            return
        a.grad += node.grad

    def max_with_python_max(node):        # on a tie max() keeps its first argument: a, as the engine does
        a, b = node.parents
        winner = max(node.parents, key=lambda p: p.data)
        winner.grad += node.grad

    def tanh_sech(node):
        (a,) = node.parents
        a.grad += node.grad * (1.0 / math.cosh(a.data)) ** 2

    passes(checks.exercise_0_8, {"relu": relu_early_return, "tanh": tanh_sech, "max": max_with_python_max})

    def pow_math_pow(node):               # math.pow of a negative base with a whole exponent is real
        (a,) = node.parents
        a.grad += node.grad * node.exponent * math.pow(a.data, node.exponent - 1)

    def pow_repeated_product(node):       # whole exponents by repeated products, the others by the formula
        (a,) = node.parents
        k = node.exponent
        if k.is_integer() and k >= 1:
            power = 1.0
            for _ in range(int(k) - 1):
                power *= a.data
        else:
            power = a.data ** (k - 1)
        a.grad += node.grad * k * power

    passes(checks.exercise_0_3, {**model("0.3")["function_rules"], "pow": pow_math_pow})
    passes(checks.exercise_0_3, {**model("0.3")["function_rules"], "pow": pow_repeated_product})

    def div_as_product(node):
        a, b = node.parents
        inv = 1.0 / b.data
        a.grad += node.grad * inv
        b.grad += node.grad * a.data * -(inv * inv)

    passes(checks.exercise_0_2, {**model("0.2")["arithmetic_rules"], "div": div_as_product})


RULE_WRONG = [
    # exercise 0.2
    ("0.2", "mul", "a.grad += node.grad * a.data\n    b.grad += node.grad * b.data", "the other factor"),
    ("0.2", "mul", "a.grad += node.grad * node.data\n    b.grad += node.grad * node.data", "the other factor"),
    ("0.2", "mul", "a.grad = node.grad * b.data\n    b.grad = node.grad * a.data", "instead of accumulating"),
    ("0.2", "mul", "a.grad += b.data\n    b.grad += a.data", "not multiplied by node.grad"),
    ("0.2", "sub", "a.grad += node.grad\n    b.grad += node.grad", "sign error in the backward of sub"),
    ("0.2", "neg", "a.grad += node.grad", "sign error in the backward of neg"),
    ("0.2", "add", "a.grad += 1.0\n    b.grad += 1.0", "not multiplied by node.grad"),
    ("0.2", "add", "a.grad = node.grad\n    b.grad = node.grad", "instead of accumulating"),
    ("0.2", "add", "pass", "left the parent's grad unchanged"),
    ("0.2", "div", "a.grad += node.grad * b.data\n    b.grad += -node.grad * a.data / b.data ** 2", "divide by b"),
    ("0.2", "div", "a.grad += node.grad / b.data\n    b.grad += node.grad * a.data / b.data ** 2",
     "sign error in the backward of div"),
    ("0.2", "div", "a.grad += node.grad / b.data\n    b.grad += -node.grad / b.data ** 2", "the factor a is missing"),
    ("0.2", "div", "a.grad += node.grad / b.data\n    b.grad += -node.grad * a.data / b.data", "must be squared"),
    ("0.2", "div", "a.grad += node.grad / b.data\n    b.grad += node.grad / b.data", "with respect to a"),
    ("0.2", "div", "a.grad -= node.grad / b.data ** 2\n    b.grad += -node.grad * a.data / b.data ** 2",
     "belongs to b"),
    ("0.2", "add", "return node.grad", "returned a value"),
    ("0.2", "add", "a.grad += node.grad\n    b.grad += node.grad\n    node.grad = 0.0", "changed node.grad"),
    ("0.2", "mul", "a.grad -= node.grad * b.data\n    b.grad -= node.grad * a.data", "wrong sign"),
    # exercise 0.3
    ("0.3", "cos", "a.grad += node.grad * math.sin(a.data)", "sign error in the backward of cos"),
    ("0.3", "cos", "a.grad += node.grad * math.cos(a.data)", "not cos(u) or minus cos(u)"),
    ("0.3", "cos", "a.grad -= node.grad * math.cos(a.data)", "not cos(u) or minus cos(u)"),
    ("0.3", "pow", "a.grad += node.grad * node.exponent * a.data ** node.exponent", "lowers the exponent"),
    ("0.3", "pow", "a.grad += node.grad * a.data ** (node.exponent - 1)", "factor k in front"),
    ("0.3", "pow", "a.grad += node.grad * (node.exponent - 1) * a.data ** (node.exponent - 1)", "not k - 1"),
    ("0.3", "exp", "a.grad += node.grad * a.data", "the node's own value"),
    ("0.3", "log", "a.grad += node.grad * math.log(a.data)", "derivative of log(a) is 1/a"),
    ("0.3", "log", "a.grad -= node.grad / a.data", "sign error in the backward of log"),
    ("0.3", "log", "a.grad += 1 / a.data", "not multiplied by node.grad"),
    ("0.3", "sin", "a.grad += node.grad * math.sin(a.data)", "not sin(a)"),
    ("0.3", "sin", "a.grad -= node.grad * math.cos(a.data)", "sign error in the backward of sin"),
    ("0.3", "sin", "a.grad = node.grad * math.cos(a.data)", "instead of accumulating"),
    ("0.3", "exp", "a.grad += node.grad * node.data * 1.001", "does not match"),
    # pow on negative bases (red team: the absolute value, and a power through exp and log)
    ("0.3", "pow", "a.grad += node.grad * node.exponent * abs(a.data) ** (node.exponent - 1)",
     "not its absolute value"),
    ("0.3", "pow", "a.grad += node.grad * node.exponent * math.exp((node.exponent - 1) * math.log(a.data))",
     "a negative base"),
    ("0.3", "pow", "a.grad += node.grad * node.exponent * math.sqrt(a.data ** 2) ** (node.exponent - 1)",
     "not its absolute value"),
    ("0.3", "pow", "a.grad += node.grad * node.exponent * math.pow(abs(a.data), node.exponent - 1)",
     "not its absolute value"),
    ("0.3", "pow", "a.grad += node.grad * node.exponent * math.exp(node.exponent * math.log(a.data)) / a.data",
     "on the inputs a = -"),
    ("0.3", "pow", "a.grad += node.grad * node.exponent * abs(node.data) / abs(a.data)",
     "not its absolute value"),
    # exercise 0.8
    ("0.8", "relu", "if a.data < 0:\n        a.grad += node.grad", "wrong way round"),
    ("0.8", "relu", "a.grad += node.grad", "the slope there is 0"),
    ("0.8", "relu", "a.grad += node.grad * node.data", "not the ReLU's output value"),
    ("0.8", "relu", "if a.data > 0:\n        a.grad = node.grad", "instead of accumulating"),
    ("0.8", "relu", "if a.data > 0:\n        a.grad += 1.0", "not multiplied by node.grad"),
    ("0.8", "tanh", "a.grad += node.grad * (1 - a.data ** 2)", "not 1 minus a squared"),
    ("0.8", "tanh", "a.grad += node.grad * (1 - node.data)", "SQUARED"),
    ("0.8", "tanh", "a.grad += node.grad * node.data", "not tanh(a)"),
    ("0.8", "tanh", "a.grad += node.grad * (1 + node.data ** 2)", "1 MINUS"),
    ("0.8", "tanh", "a.grad += node.grad * (node.data ** 2 - 1)", "wrong sign"),
    ("0.8", "max", "a.grad += node.grad\n    b.grad += node.grad", "only the input that won"),
    ("0.8", "max", "if a.data < b.data:\n        a.grad += node.grad\n    else:\n        b.grad += node.grad",
     "LARGER input"),
    ("0.8", "max", "if a.data >= b.data:\n        a.grad += node.grad * node.data\n    else:\n"
                   "        b.grad += node.grad * node.data", "not the gradient times the max's value"),
    ("0.8", "max", "a.grad += node.grad / 2\n    b.grad += node.grad / 2", "does not share"),
    ("0.8", "max", "a.grad += node.grad", "routes"),
    ("0.8", "max", "if a.data >= b.data:\n        a.grad = node.grad\n    else:\n        b.grad = node.grad",
     "instead of accumulating"),
    # the ReLU's kink at exactly 0 (red team: slope 1 or 1/2 there)
    ("0.8", "relu", "if a.data >= 0:\n        a.grad += node.grad", "at the kink"),
    ("0.8", "relu", "a.grad += node.grad * (1.0 if a.data > 0 else 0.5 if a.data == 0 else 0.0)", "not 1/2"),
    ("0.8", "relu", "if not a.data < 0:\n        a.grad += node.grad", "strictly positive"),
    ("0.8", "relu", "a.grad += node.grad * (a.data >= 0)", "at the kink"),
    # exact ties of max (red team: the tie goes to b, or both inputs get the whole gradient)
    ("0.8", "max", "if a.data > b.data:\n        a.grad += node.grad\n    else:\n        b.grad += node.grad",
     "Your a received nothing there"),
    ("0.8", "max", "if a.data >= b.data:\n        a.grad += node.grad\n    if b.data >= a.data:\n"
                   "        b.grad += node.grad", "Your b received it too"),
    ("0.8", "max", "if b.data >= a.data:\n        b.grad += node.grad\n    else:\n        a.grad += node.grad",
     "Your a received nothing there"),
    ("0.8", "max", "if a.data == b.data:\n        a.grad += node.grad / 2\n        b.grad += node.grad / 2\n"
                   "    elif a.data > b.data:\n        a.grad += node.grad\n    else:\n        b.grad += node.grad",
     "not even on a tie"),
    ("0.8", "max", "a.grad += node.grad * (a.data >= b.data)\n    b.grad += node.grad * (b.data >= a.data)",
     "Your b received it too"),
]

_RULE_HEADS = {
    "add": "a, b = node.parents", "mul": "a, b = node.parents", "sub": "a, b = node.parents",
    "div": "a, b = node.parents", "max": "a, b = node.parents",
}


@pytest.mark.parametrize("wrong", RULE_WRONG, ids=[f"{w[0]} {w[1]} {i}" for i, w in enumerate(RULE_WRONG)])
def test_wrong_rules_are_named(wrong):
    exercise, op, body, needle = wrong
    head = _RULE_HEADS.get(op, "(a,) = node.parents")
    source = f"def backward_{op}(node):\n    {head}\n    {body}\n"
    rules = rules_with(exercise, **{op: source})
    assert_rejected(RULE_EXERCISES[exercise][1], rules, exercise, needle)


@pytest.mark.parametrize("exercise", sorted(RULE_EXERCISES))
def test_rules_odd_values_are_rejected(exercise):
    dict_name, check = RULE_EXERCISES[exercise]
    ops = list(model(exercise)[dict_name])
    assert_odd_returns_rejected(check, exercise, wrap=lambda v: v)                       # the dict itself
    assert_odd_returns_rejected(check, exercise, wrap=lambda v: {op: returning(v) for op in ops})   # each rule
    for label, value in ODD_RETURNS.items():          # a rule that stores an odd value in a parent's grad
        if label == "generator":
            continue

        def storing(node, value=value):
            node.parents[0].grad = value
        assert_teaching_message(failure_message(check, {**model(exercise)[dict_name], ops[0]: storing}), exercise)
    some = dict(model(exercise)[dict_name])
    del some[ops[-1]]
    assert_rejected(check, some, exercise, "has no rule for")
    assert_rejected(check, {**model(exercise)[dict_name], ops[0]: 3.0}, exercise, "not a function")
    assert_rejected(check, list(model(exercise)[dict_name].values()), exercise, "expected a dict")


def test_rules_that_use_the_library_are_refused():
    for exercise, (dict_name, check) in RULE_EXERCISES.items():
        ops = list(model(exercise)[dict_name])
        borrowed = {op: engine.BACKWARD_RULES[op] for op in ops}
        assert_rejected(check, borrowed, exercise, "write the maths yourself")
        wrapped = {**model(exercise)[dict_name], ops[0]: lambda node: engine.BACKWARD_RULES[node.op](node)}
        assert_rejected(check, wrapped, exercise, "write the maths yourself")

    def mul_by_the_engine(node):     # the local derivative from a sub-graph and the engine's backward pass
        a, b = node.parents
        _, (da, db) = engine.value_and_grad(lambda u, v: u * v, a.data, b.data)
        a.grad += node.grad * da
        b.grad += node.grad * db

    assert_rejected(checks.exercise_0_2, {**model("0.2")["arithmetic_rules"], "mul": mul_by_the_engine}, "0.2",
                    "write the maths yourself")

    def tanh_by_the_library(node):
        (a,) = node.parents
        a.grad += node.grad * float(np.asarray(tl.tanh_grad(np.array([[a.data]]))).reshape(()))

    assert_rejected(checks.exercise_0_8, {**model("0.8")["gate_rules"], "tanh": tanh_by_the_library}, "0.8",
                    "write the maths yourself", "tanh_grad")


def test_numerical_rules_are_told_apart_from_the_derivative():
    h = 1e-6

    def sin_numerically(node):
        (a,) = node.parents
        a.grad += node.grad * (math.sin(a.data + h) - math.sin(a.data - h)) / (2 * h)

    def tanh_numerically(node):
        (a,) = node.parents
        a.grad += node.grad * (math.tanh(a.data + h) - math.tanh(a.data - h)) / (2 * h)

    assert_rejected(checks.exercise_0_3, {**model("0.3")["function_rules"], "sin": sin_numerically}, "0.3",
                    "finite differences")
    assert_rejected(checks.exercise_0_8, {**model("0.8")["gate_rules"], "tanh": tanh_numerically}, "0.8",
                    "finite differences")


def test_the_red_teams_rules_fail_on_the_new_inputs_and_pass_on_the_old_ones():
    """The inputs that catch them: a negative base of a ** k, a ReLU input of exactly 0, exact ties of max."""
    assert nb00._pow_case(np.random.default_rng(0))[0][0].min() < 0
    assert 0.0 in nb00._relu_inputs(np.random.default_rng(0), 5)[0]
    a, b = nb00._max_inputs(np.random.default_rng(0), 5)
    assert np.sum(a == b) == 2 and 0.0 in a[a == b]
    message = assert_rejected(checks.exercise_0_3, rules_with("0.3", pow=(
        "def backward_pow(node):\n    (a,) = node.parents\n    k = node.exponent\n"
        "    a.grad += node.grad * k * math.exp((k - 1) * math.log(a.data))\n")), "0.3", "math domain error")
    assert "k = 2" in message and "needs a > 0" in message


@pytest.mark.parametrize("wrong", [w for w in RULE_WRONG if w[0] in ("0.3", "0.8") and w[1] in ("pow", "relu", "max")],
                         ids=lambda w: f"{w[0]} {w[1]} {w[2][:30]}")
def test_wrong_rules_also_fail_under_a_grading_seed(wrong, grading):
    exercise, op, body, _ = wrong
    head = _RULE_HEADS.get(op, "(a,) = node.parents")
    rules = rules_with(exercise, **{op: f"def backward_{op}(node):\n    {head}\n    {body}\n"})
    assert_rejected(RULE_EXERCISES[exercise][1], rules, exercise)


def test_a_rule_that_crashes_names_the_students_line():
    def neg_with_two_parents(node):
        a, b = node.parents
        a.grad -= node.grad

    message = assert_rejected(checks.exercise_0_2, {**model("0.2")["arithmetic_rules"], "neg": neg_with_two_parents},
                              "0.2", "raised ValueError")
    assert "a, b = node.parents" in message


# ---------------------------------------------------------------------- 0.5: the backward pass
def the_pass():
    ns = model("0.5")
    return ns["topological_order"], ns["backward"]


def topo_iterative(root):
    order, seen, stack = [], set(), [(root, False)]
    while stack:
        node, done = stack.pop()
        if done:
            order.append(node)
        elif id(node) not in seen:
            seen.add(id(node))
            stack.append((node, True))
            stack.extend((p, False) for p in node.parents if id(p) not in seen)
    return order


def topo_kahn(root):
    nodes, stack, seen = [], [root], {id(root)}
    while stack:
        node = stack.pop()
        nodes.append(node)
        for p in node.parents:
            if id(p) not in seen:
                seen.add(id(p))
                stack.append(p)
    waiting = {id(n): len(set(map(id, n.parents))) for n in nodes}
    children = {id(n): [] for n in nodes}
    for n in nodes:
        for p in {id(p): p for p in n.parents}.values():
            children[id(p)].append(n)
    ready = [n for n in nodes if waiting[id(n)] == 0]
    order = []
    while ready:
        n = ready.pop()
        order.append(n)
        for c in children[id(n)]:
            waiting[id(c)] -= 1
            if waiting[id(c)] == 0:
                ready.append(c)
    return tuple(order)


def backward_with(topo):
    def backward(root, rules):
        order = list(topo(root))
        for node in order:
            node.grad = 0.0
        root.grad = 1.0
        for node in order[::-1]:
            rule = rules.get(node.op)
            if rule is not None and node.op:
                rule(node)
    return backward


def backward_try_except(root, rules):
    order = topo_iterative(root)
    for node in order:
        node.grad = 0
    root.grad = 1
    for node in reversed(order):
        try:
            rules[node.op](node)
        except KeyError:
            pass


def _collect(root):
    nodes, stack = [], [root]
    while stack:
        n = stack.pop()
        if all(n is not m for m in nodes):
            nodes.append(n)
            stack.extend(n.parents)
    return nodes


def topo_quadratic(root):       # slow but correct: place any node whose parents are all placed, repeatedly
    nodes, placed = _collect(root), []
    while len(placed) < len(nodes):
        for n in nodes:
            if all(n is not m for m in placed) and all(any(p is m for m in placed) for p in n.parents):
                placed.append(n)
    return placed


def test_backward_pass_written_other_ways_passes():
    topo, back = the_pass()
    passes(checks.exercise_0_5, topo, back)
    passes(checks.exercise_0_5, topo_iterative, backward_with(topo_iterative))
    passes(checks.exercise_0_5, topo_kahn, backward_with(topo_kahn))
    passes(checks.exercise_0_5, topo, backward_try_except)
    passes(checks.exercise_0_5, topo_quadratic, backward_with(topo_quadratic))
    ns = cell(nb00._pass_cell())
    passes(checks.exercise_0_5, ns["topological_order"], ns["backward"])


def topo_no_visited(root):
    out = []

    def visit(n):
        for p in n.parents:
            visit(p)
        out.append(n)
    visit(root)
    return out


def topo_late_dedup(root):      # valid order, but the walk expands a node once per path
    out, seen = [], set()
    for n in topo_no_visited(root):
        if n not in seen:
            seen.add(n)
            out.append(n)
    return out


def topo_preorder(root):
    out, seen = [], set()

    def visit(n):
        if n in seen:
            return
        seen.add(n)
        out.append(n)
        for p in n.parents:
            visit(p)
    visit(root)
    return out


def topo_bfs_reversed(root):
    out, seen, queue = [], {root}, [root]
    while queue:
        n = queue.pop(0)
        out.append(n)
        for p in n.parents:
            if p not in seen:
                seen.add(p)
                queue.append(p)
    return out[::-1]


def right_topo(root):
    return the_pass()[0](root)


TOPO_WRONG = [
    ("no visited set", topo_no_visited, "appears 2 times"),
    ("a walk once per path", topo_late_dedup, "kept going"),
    ("pre-order", topo_preorder, "starts with the output"),
    ("reversed post-order", lambda r: right_topo(r)[::-1], "starts with the output"),
    ("breadth first, reversed", topo_bfs_reversed, "comes before its parent"),
    ("leaves left out", lambda r: [n for n in right_topo(r) if n.parents], "the leaves"),
    ("root left out", lambda r: right_topo(r)[:-1], "the output node itself"),
    ("one level only", lambda r: [*r.parents, r], "appears 2 times"),
    ("one level, without repeats", lambda r: [*dict.fromkeys(r.parents), r] if r.label != "y" else right_topo(r),
     "missing from your list"),
    ("a set", lambda r: set(right_topo(r)), "a set has no order"),
    ("labels", lambda r: [n.label for n in right_topo(r)], "not a node"),
    ("copies", lambda r: [engine.Value(n.data) for n in right_topo(r)], "not part of the graph"),
    ("a generator", lambda r: (n for n in right_topo(r)), "generator"),
    ("sorted by value", lambda r: sorted(right_topo(r), key=lambda n: n.data), "starts with the output"),
    ("sorted by label", lambda r: sorted(right_topo(r), key=lambda n: n.label), "comes before its parent"),
    ("nothing", lambda r: None, "came back as None"),
    ("the engine's order", lambda r: r.topological_order(), "write the maths yourself"),
    ("an ndarray of nodes", lambda r: np.array(right_topo(r), dtype=object), "a numpy array"),
]


@pytest.mark.parametrize("wrong", TOPO_WRONG, ids=[w[0] for w in TOPO_WRONG])
def test_wrong_topological_orders_are_named(wrong):
    _, topo, needle = wrong
    assert_rejected(lambda t: checks.exercise_0_5(t, the_pass()[1]), topo, "0.5", needle)


def _pass(body: str):
    """A backward(root, rules) over the model's topological order, with ``body`` as its code."""
    source = "def backward(root, rules):\n    order = topological_order(root)\n" + "\n".join(
        "    " + line for line in body.strip("\n").split("\n")) + "\n"
    ns = cell(source)
    ns["topological_order"] = right_topo
    return ns["backward"]


BACKWARD_WRONG = [
    ("forward order", """
for node in order:
    node.grad = 0.0
root.grad = 1.0
for node in order:
    if node.parents:
        rules[node.op](node)""", "parents first, in topological order"),
    ("no seed", """
for node in order:
    node.grad = 0.0
for node in reversed(order):
    if node.parents:
        rules[node.op](node)""", "starts from dJ/dJ = 1"),
    ("seed before reset", """
root.grad = 1.0
for node in order:
    node.grad = 0.0
for node in reversed(order):
    if node.parents:
        rules[node.op](node)""", "resetting after seeding wipes the seed"),
    ("no reset", """
root.grad = 1.0
for node in reversed(order):
    if node.parents:
        rules[node.op](node)""", "were still there"),
    ("reset the leaves only", """
for node in order:
    if not node.parents:
        node.grad = 0.0
root.grad = 1.0
for node in reversed(order):
    if node.parents:
        rules[node.op](node)""", "not only the leaves"),
    ("overwrite the parents", """
for node in order:
    node.grad = 0.0
root.grad = 1.0
for node in reversed(order):
    if node.parents:
        for parent in node.parents:
            parent.grad = 0.0
        rules[node.op](node)""", "instead of accumulating"),
    ("seed with 0.5", """
for node in order:
    node.grad = 0.0
root.grad = 0.5
for node in reversed(order):
    if node.parents:
        rules[node.op](node)""", "dJ/dJ is 1"),
    ("rules on leaves", """
for node in order:
    node.grad = 0.0
root.grad = 1.0
for node in reversed(order):
    rules[node.op](node)""", "only a node with parents has a rule"),
    ("the root's rule skipped", """
for node in order:
    node.grad = 0.0
root.grad = 1.0
for node in reversed(order[:-1]):
    if node.parents:
        rules[node.op](node)""", "the output, never ran"),
    ("the last intermediate skipped", """
for node in order:
    node.grad = 0.0
root.grad = 1.0
for node in reversed(order):
    if node.parents and node is not order[-2]:
        rules[node.op](node)""", "never ran"),
    ("each rule twice", """
for node in order:
    node.grad = 0.0
root.grad = 1.0
for node in reversed(order + order):
    if node.parents:
        rules[node.op](node)""", "ran 2 times"),
    ("one rule for every node", """
for node in order:
    node.grad = 0.0
root.grad = 1.0
for node in reversed(order):
    if node.parents:
        rules["mul"](node)""", "was called on"),
    ("does nothing", "pass", "did nothing"),
    ("the library's rules", """
for node in order:
    node.grad = 0.0
root.grad = 1.0
for node in reversed(order):
    if node.parents:
        engine.BACKWARD_RULES[node.op](node)""", "never called the rules it was given"),
    ("the engine's backward", "root.backward()", "write the maths yourself"),
    ("value_and_grad", "engine.value_and_grad(lambda v: v, 1.0)", "write the maths yourself"),
    ("grads reset to 1", """
for node in order:
    node.grad = 1.0
for node in reversed(order):
    if node.parents:
        rules[node.op](node)""", "do not match"),
    ("sorted by label", """
for node in order:
    node.grad = 0.0
root.grad = 1.0
for node in sorted(order, key=lambda n: n.label, reverse=True):
    if node.parents:
        rules[node.op](node)""", "ran before the rule of"),
    ("recursion without a visited set", """
for node in order:
    node.grad = 0.0
root.grad = 1.0

def push(node):
    if node.parents:
        rules[node.op](node)
        for parent in node.parents:
            push(parent)

push(root)""", "expanded twice"),
    ("rules called with the parents", """
for node in order:
    node.grad = 0.0
root.grad = 1.0
for node in reversed(order):
    if node.parents:
        rules[node.op](node.parents)""", "was called on a tuple"),
]


@pytest.mark.parametrize("wrong", BACKWARD_WRONG, ids=[w[0] for w in BACKWARD_WRONG])
def test_wrong_backward_passes_are_named(wrong):
    _, body, needle = wrong
    assert_rejected(lambda b: checks.exercise_0_5(right_topo, b), _pass(body), "0.5", needle)


def test_an_exponential_walk_inside_backward_is_stopped():
    def backward(root, rules):
        order = topo_late_dedup(root)
        for node in order:
            node.grad = 0.0
        root.grad = 1.0
        for node in reversed(order):
            if node.parents:
                rules[node.op](node)

    assert_rejected(lambda b: checks.exercise_0_5(right_topo, b), backward, "0.5", "kept walking")


def test_a_walk_that_swallows_every_exception_is_still_stopped():
    def stubborn(root):
        out = []

        def visit(n):
            try:
                for p in n.parents:
                    visit(p)
            except:  # noqa: E722 - a bare except, as students write it
                pass
            out.append(n)
        visit(root)
        return list(dict.fromkeys(out))

    assert_rejected(lambda t: checks.exercise_0_5(t, the_pass()[1]), stubborn, "0.5", "kept going")


def test_backward_pass_odd_returns():
    topo, back = the_pass()
    assert_odd_returns_rejected(lambda t: checks.exercise_0_5(t, back), "0.5")
    assert_odd_returns_rejected(lambda b: checks.exercise_0_5(topo, b), "0.5")
    assert_rejected(lambda b: checks.exercise_0_5(topo, b), 42, "0.5", "expected a function")


# ---------------------------------------------------------------------- 0.7: the quiz
def quiz_with(build):
    def quiz_gradients(x, z):
        x, z = engine.Value(x), engine.Value(z)
        y = build(x, z)
        y.backward()
        return x.grad, z.grad
    return quiz_gradients


E_, L_, S_ = engine.exp, engine.log, engine.sin


def test_quiz_other_correct_answers_pass():
    passes(checks.exercise_0_7, quiz_with(lambda x, z: E_(x * z) + x * z / L_(x) + S_(L_(x)) / (x * z)))
    passes(checks.exercise_0_7, quiz_with(lambda x, z: E_(z * x) + x * z * L_(x) ** -1 + S_(L_(x)) * (x * z) ** -1))
    passes(checks.exercise_0_7, lambda x, z: list(quiz_with(lambda x, z: S_(L_(x)) / (x * z) + E_(x * z)
                                                           + x * z / L_(x))(x, z)))
    passes(checks.exercise_0_7, lambda x, z: tuple(np.float64(g) for g in model("0.7")["quiz_gradients"](x, z)))


def _central_quiz(x, z):
    def y(x, z):
        return math.exp(x * z) + x * z / math.log(x) + math.sin(math.log(x)) / (x * z)
    h = 1e-6
    return (y(x + h, z) - y(x - h, z)) / (2 * h), (y(x, z + h) - y(x, z - h)) / (2 * h)


QUIZ_WRONG = [
    ("log10", quiz_with(lambda x, z: E_(x * z) + x * z / (L_(x) / math.log(10)) + S_(L_(x) / math.log(10)) / (x * z)),
     "natural logarithm"),
    ("precedence", quiz_with(lambda x, z: E_(x * z) + x * z / L_(x) + S_(L_(x)) / x * z), "operator precedence"),
    ("swapped", lambda x, z: model("0.7")["quiz_gradients"](x, z)[::-1], "swapped"),
    ("no backward", lambda x, z: (0.0, 0.0), "did you run the backward pass"),
    ("only the exponential", quiz_with(lambda x, z: E_(x * z)), "only the exponential term"),
    ("the value of y", lambda x, z: (_central_quiz(x, z)[0] * 0 + math.exp(x * z) + x * z / math.log(x)
                                     + math.sin(math.log(x)) / (x * z),) * 2, "the value of y"),
    ("the inputs", lambda x, z: (x, z), "inputs' values"),
    ("central differences", _central_quiz, "finite differences"),
    ("sine term detached", quiz_with(lambda x, z: E_(x * z) + x * z / L_(x) + math.sin(math.log(x.data)) / (x * z)),
     "does not match"),
    ("minus instead of plus", quiz_with(lambda x, z: E_(x * z) - x * z / L_(x) + S_(L_(x)) / (x * z)),
     "does not match"),
    ("hard-coded answer", lambda x, z: (1208.3812151266, 809.7074792186), "does not match"),
    ("nodes", lambda x, z: (engine.Value(x), engine.Value(z)), "is a Value node"),
    ("three numbers", lambda x, z: (1.0, 2.0, 3.0), "two numbers"),
    ("a dict", lambda x, z: {"dx": 1.0, "dz": 2.0}, "two numbers"),
    ("numerical_gradient", lambda x, z: tuple(tl.numerical_gradient(
        lambda: math.exp(v[0] * v[1]), v := np.array([x, z]))), "write the maths yourself"),
    ("the library's quiz graph", lambda x, z: (lambda y, n: (y.backward(), (n["x"].grad, n["z"].grad))[1])(
        *engine.quiz_graph(x, z)), "write the maths yourself"),
]


@pytest.mark.parametrize("wrong", QUIZ_WRONG, ids=[w[0] for w in QUIZ_WRONG])
def test_quiz_wrong_answers_are_named(wrong):
    _, fn, needle = wrong
    assert_rejected(checks.exercise_0_7, fn, "0.7", needle)


def test_quiz_odd_returns():
    assert_odd_returns_rejected(checks.exercise_0_7, "0.7")
    for label, value in ODD_RETURNS.items():
        assert_teaching_message(failure_message(checks.exercise_0_7, returning((value, 1.0))), "0.7")


def test_quiz_tuned_to_the_public_points_fails_when_graded():
    right = model("0.7")["quiz_gradients"]
    public = {}

    def recorder(x, z):
        public[(x, z)] = right(x, z)
        return public[(x, z)]

    passes(checks.exercise_0_7, recorder)
    tuned = lambda x, z: public.get((x, z), (0.0, 0.0))  # noqa: E731
    passes(checks.exercise_0_7, tuned)
    try:
        _common.set_grading_seed(11)
        assert_rejected(checks.exercise_0_7, tuned, "0.7")
    finally:
        _common.set_grading_seed(None)


# ---------------------------------------------------------------------- 0.9: the patterns
RIGHT_PATTERN = {"x": -4.5, "y": 6.0, "z": 0.0, "w": 3.0}


def test_patterns_other_forms_pass():
    passes(checks.exercise_0_9, dict(RIGHT_PATTERN))
    passes(checks.exercise_0_9, {"x": np.float64(-4.5), "y": 6, "z": 0, "w": 3, "note": "extra keys are ignored"})
    passes(checks.exercise_0_9, {k: np.array(v) for k, v in RIGHT_PATTERN.items()})


PATTERN_WRONG = [
    ({"z": 3.0}, "only the larger of z and w"),
    ({"z": 3.0, "w": 0.0}, "LARGER input"),
    ({"x": 6.0, "y": -4.5}, "mul swaps"),
    ({"x": -1.5, "y": 2.0, "w": 1.0}, "carries that factor 3"),
    ({"x": -2.25, "y": 3.0, "w": 1.5}, "not a share"),
    ({"w": 1.0}, "not a 1"),
    ({"x": 2.0, "y": -1.5, "z": -1.0, "w": 0.5}, "the inputs' values"),
    ({"x": -13.5, "y": 18.0, "w": 9.0}, "not 9"),
    ({"x": 4.5, "y": -6.0, "w": -3.0}, "wrong sign"),
    ({"x": 0.0, "y": 0.0, "w": 0.0}, "does not match"),
    ({"y": 2.0}, "does not match"),
]


@pytest.mark.parametrize("change", PATTERN_WRONG, ids=[str(i) for i in range(len(PATTERN_WRONG))])
def test_pattern_mistakes_are_named(change):
    values, needle = change
    assert_rejected(checks.exercise_0_9, {**RIGHT_PATTERN, **values}, "0.9", needle)


def test_pattern_odd_values():
    assert_odd_returns_rejected(checks.exercise_0_9, "0.9", wrap=lambda v: v)
    for label, value in ODD_RETURNS.items():
        assert_teaching_message(failure_message(checks.exercise_0_9, {**RIGHT_PATTERN, "z": value}), "0.9")
    assert_rejected(checks.exercise_0_9, {"x": -4.5, "y": 6.0}, "0.9", "has no entry for")
    assert_rejected(checks.exercise_0_9, {**RIGHT_PATTERN, "w": "3"}, "0.9", "text")
    assert_rejected(checks.exercise_0_9, {**RIGHT_PATTERN, "w": None}, "0.9", "None")
    with pytest.raises(NotImplementedError):
        checks.exercise_0_9({"x": None, "y": None, "z": None, "w": None})


# ---------------------------------------------------------------------- 0.10: dE/dW
def grad_loops(W, X, Y):
    n = X.shape[1]
    F = W.T @ X
    G = np.zeros_like(W)
    for p in range(W.shape[0]):
        for q in range(W.shape[1]):
            G[p, q] = sum(X[p, i] * (F[q, i] - Y[q, i]) for i in range(n)) / n
    return G


def test_grad_wrt_W_other_correct_answers_pass():
    passes(checks.exercise_0_10, grad_loops)
    passes(checks.exercise_0_10, lambda W, X, Y: np.einsum("pi,qi->pq", X, W.T @ X - Y) / X.shape[1])
    passes(checks.exercise_0_10, lambda W, X, Y: ((W.T @ X - Y) @ X.T).T / X.shape[1])
    passes(checks.exercise_0_10, lambda W, X, Y: np.dot(X, (np.dot(W.T, X) - Y).T) * (1.0 / X.shape[1]))


def _central_W(W, X, Y):
    G = np.zeros_like(W)
    for idx in np.ndindex(W.shape):
        up, down = W.copy(), W.copy()
        up[idx] += 1e-6
        down[idx] -= 1e-6
        G[idx] = (((up.T @ X - Y) ** 2).sum() - ((down.T @ X - Y) ** 2).sum()) / (2 * X.shape[1]) / 2e-6
    return G


def _in_place(W, X, Y):
    X /= X.shape[1]
    return X @ (W.T @ (X * X.shape[1]) - Y).T


GRADW_WRONG = [
    ("transposed", lambda W, X, Y: (W.T @ X - Y) @ X.T / X.shape[1], "transposed"),
    ("missing 1/n", lambda W, X, Y: X @ (W.T @ X - Y).T, "the 1/n is missing"),
    ("factor 2", lambda W, X, Y: 2 * X @ (W.T @ X - Y).T / X.shape[1], "no factor 2"),
    ("Y missing", lambda W, X, Y: X @ (W.T @ X).T / X.shape[1], "the target Y is missing"),
    ("sign", lambda W, X, Y: X @ (Y - W.T @ X).T / X.shape[1], "sign error"),
    ("1/(2n)", lambda W, X, Y: X @ (W.T @ X - Y).T / (2 * X.shape[1]), "do not keep both"),
    ("averaged over entries", lambda W, X, Y: X @ (W.T @ X - Y).T / (X.shape[1] * Y.shape[0]),
     "not by the number of entries"),
    ("1/n twice", lambda W, X, Y: X @ (W.T @ X - Y).T / X.shape[1] ** 2, "divided by n twice"),
    ("bias row dropped", lambda W, X, Y: X[1:] @ (W.T @ X - Y).T / X.shape[1], "wrong shape"),
    ("W instead of X", lambda W, X, Y: W @ (W.T @ X - Y) / X.shape[1], "wrong shape"),
    ("(n,) broadcast", lambda W, X, Y: X @ (W.T @ X - Y)[0] / X.shape[1], "has"),
    ("mean over the wrong axis", lambda W, X, Y: (X @ (W.T @ X - Y).T).mean(axis=0), "does not match|wrong shape"),
    ("central differences", _central_W, "finite differences"),
    ("numerical_gradient", lambda W, X, Y: tl.numerical_gradient(lambda: tl.mse_loss(W.T @ X, Y), W),
     "write the maths yourself"),
    ("mse_grad", lambda W, X, Y: X @ tl.mse_grad(W.T @ X, Y).T, "write the maths yourself"),
    ("MLP backward", lambda W, X, Y: (lambda net: (net.forward(X), net.backward(Y, loss="mse"))[1][0])(
        tl.MLP([W], ["identity"])), "write the maths yourself"),
    ("in place", _in_place, "in place"),
    ("float32", lambda W, X, Y: (X @ (W.T @ X - Y).T / X.shape[1]).astype(np.float32), "float32"),
    ("zeros", lambda W, X, Y: np.zeros_like(W), "does not match"),
]


@pytest.mark.parametrize("wrong", GRADW_WRONG, ids=[w[0] for w in GRADW_WRONG])
def test_grad_wrt_W_wrong_answers_are_named(wrong):
    _, fn, needle = wrong
    message = assert_rejected(checks.exercise_0_10, fn, "0.10")
    assert re.search(needle, message), (needle, message)


def test_grad_wrt_W_odd_returns():
    assert_odd_returns_rejected(checks.exercise_0_10, "0.10")


def test_grad_wrt_W_tuned_to_the_public_inputs_fails_when_graded():
    public = {}

    def recorder(W, X, Y):
        public[W.tobytes()] = X @ (W.T @ X - Y).T / X.shape[1]
        return public[W.tobytes()]

    passes(checks.exercise_0_10, recorder)
    tuned = lambda W, X, Y: public.get(W.tobytes(), np.zeros_like(W))  # noqa: E731
    passes(checks.exercise_0_10, tuned)
    try:
        _common.set_grading_seed(3)
        assert_rejected(checks.exercise_0_10, tuned, "0.10")
    finally:
        _common.set_grading_seed(None)


# ---------------------------------------------------------------------- 0.12: a network of Values
def _sigmoid(f):
    return 1 / (1 + engine.exp(-f))


def _bce(y, p):
    loss = y * engine.log(p)
    loss += (1 - y) * engine.log(1 - p)
    return -loss


def _mean(n):
    return 1.0 / n


def mlp_with(hidden=engine.relu, out=_sigmoid, loss=_bce, bias_from=0, scale=_mean):
    """An engine_mlp_loss with one step replaced."""
    def engine_mlp_loss(W1, W2, X, Y):
        n = X.shape[1]
        terms = []
        for i in range(n):
            a = []
            for j in range(2):
                f = W1[bias_from][j] * X[bias_from, i]
                for p in range(bias_from + 1, 3):
                    f = f + W1[p][j] * X[p, i]
                a.append(hidden(f))
            f2 = W2[0][0] * a[0] + W2[1][0] * a[1]
            y_hat = out(f2)
            y = float(Y[0, i])
            terms.append(loss(y, y_hat))
        total = terms[0]
        for t in terms[1:]:
            total = total + t
        return total * scale(n)
    return engine_mlp_loss


def test_engine_mlp_other_correct_answers_pass():
    passes(checks.exercise_0_12, mlp_with())
    passes(checks.exercise_0_12, mlp_with(hidden=lambda f: engine.maximum(f, 0.0)))
    passes(checks.exercise_0_12, mlp_with(hidden=lambda f: f * (1.0 if f.data > 0 else 0.0)))
    passes(checks.exercise_0_12, mlp_with(hidden=lambda f: f if f.data > 0 else f * 0.0))
    passes(checks.exercise_0_12, mlp_with(out=lambda f: 0.5 * (1 + engine.tanh(0.5 * f))))
    passes(checks.exercise_0_12, mlp_with(loss=lambda y, p: -engine.log(p) if y == 1.0 else -engine.log(1 - p)))


def _mse(y, p):
    return 0.5 * (p - y) ** 2


MLP_WRONG = [
    ("no ReLU", dict(hidden=lambda f: f), "the ReLU of the hidden layer is missing"),
    ("tanh hidden", dict(hidden=engine.tanh), "not a tanh"),
    ("bias row skipped", dict(bias_from=1), "bias row"),
    ("log10", dict(loss=lambda y, p: -(y * engine.log(p) + (1 - y) * engine.log(1 - p)) / math.log(10)),
     "natural logarithm"),
    ("squared error", dict(loss=_mse), "not the squared error"),
    ("squared error without 1/2", dict(loss=lambda y, p: (p - y) ** 2), "not the squared error"),
    ("only the Y = 1 term", dict(loss=lambda y, p: -(y * engine.log(p))), "Y = 0"),
    ("only the Y = 0 term", dict(loss=lambda y, p: -((1 - y) * engine.log(1 - p))), "Y = 1"),
    ("no 1/n", dict(scale=lambda n: 1.0), "the 1/n is missing"),
    ("1/n twice", dict(scale=lambda n: 1.0 / n ** 2), "divided by n twice"),
    ("no minus", dict(scale=lambda n: -1.0 / n), "wrong sign"),
    ("cut graph", dict(hidden=lambda f: engine.Value(max(f.data, 0.0))), "cuts the graph"),
    ("sigmoid missing", dict(out=lambda f: f), "must be a probability"),
    ("ReLU on the output", dict(out=lambda f: 1 / (1 + engine.exp(-engine.relu(f)))), "does not match"),
]


@pytest.mark.parametrize("wrong", MLP_WRONG, ids=[w[0] for w in MLP_WRONG])
def test_engine_mlp_wrong_answers_are_named(wrong):
    _, parts, needle = wrong
    assert_rejected(checks.exercise_0_12, mlp_with(**parts), "0.12", needle)


def test_engine_mlp_shortcuts_and_odd_returns():
    assert_odd_returns_rejected(checks.exercise_0_12, "0.12")
    right = mlp_with()
    assert_rejected(checks.exercise_0_12, lambda *a: right(*a).data, "0.12", "handed back a number")
    assert_rejected(checks.exercise_0_12, lambda *a: (right(*a), 0.0), "0.12", "as a Value node")
    assert_rejected(checks.exercise_0_12, lambda W1, W2, X, Y: engine.mlp_loss([W1, W2], X, Y), "0.12",
                    "write the maths yourself")

    def via_mlp(W1, W2, X, Y):
        net = tl.MLP([engine.grads_of(W1) * 0 + [[v.data for v in r] for r in W1],
                      [[v.data for v in r] for r in W2]], ["relu", "sigmoid"])
        return engine.Value(net.loss(X, Y))

    assert_rejected(checks.exercise_0_12, via_mlp, "0.12", "write the maths yourself")

    def transposed_indexing(W1, W2, X, Y):
        total = W1[0][0] * X[0, 0]
        for j in (0, 1):
            for p in (0, 1, 2):
                total += W1[j][p] * X[p, 0]
        return total

    assert_rejected(checks.exercise_0_12, transposed_indexing, "0.12", "raised IndexError")

    def from_numbers(W1, W2, X, Y):        # the right loss, computed on floats: no graph to the weights
        return engine.Value(right(engine.values_of([[v.data for v in r] for r in W1]),
                                  engine.values_of([[v.data for v in r] for r in W2]), X, Y).data)

    assert_rejected(checks.exercise_0_12, from_numbers, "0.12", "cuts the graph")


def test_engine_mlp_tuned_to_the_public_wines_fails_when_graded():
    right = mlp_with()
    wrong = mlp_with(hidden=lambda f: f)
    public = set()

    def recorder(W1, W2, X, Y):
        public.add(X.tobytes())
        return right(W1, W2, X, Y)

    passes(checks.exercise_0_12, recorder)
    tuned = lambda W1, W2, X, Y: (right if X.tobytes() in public else wrong)(W1, W2, X, Y)  # noqa: E731
    passes(checks.exercise_0_12, tuned)
    try:
        _common.set_grading_seed(5)
        assert_rejected(checks.exercise_0_12, tuned, "0.12")
    finally:
        _common.set_grading_seed(None)


# ---------------------------------------------------------------------- every message this file produced
def test_named_hints_hold_no_pasteable_code():
    from checker_contract import pasteable_code

    for name in dir(nb00):
        value = getattr(nb00, name)
        if name.startswith("HINT") and isinstance(value, str):
            assert not pasteable_code(value), (name, value)
