"""Checkers of notebook 00: the reference solution passes, every planted mistake is caught with its
hint, unattempted exercises raise NotImplementedError, and the messages name expected and actual."""

import contextlib
import io
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import nbformat  # noqa: E402
import pytest  # noqa: E402

from tutorial_lib import checks, engine  # noqa: E402
from tutorial_lib.checks import nb00  # noqa: E402

NOTEBOOK = Path(__file__).resolve().parents[1] / "solutions" / "00_chain_rule_and_graphs.ipynb"
CHECK_CALL = re.compile(r"^checks\.(exercise_0_\d+)\((\w+)\)$")
MARKERS = re.compile(r"^([ \t]*)### BEGIN SOLUTION\n.*?^[ \t]*### END SOLUTION[ \t]*$", re.S | re.M)


def _notebook():
    return nbformat.read(NOTEBOOK, as_version=4)


def _exercises():
    """{exercise id: (checker name, argument name, answer source)} read from the notebook."""
    nb = _notebook()
    found = {}
    for i, cell in enumerate(nb.cells):
        lines = cell.source.splitlines()
        if cell.cell_type == "code" and lines and lines[0] == "# NBVAL_CHECK_OUTPUT":
            assert len(lines) == 2, f"check cell {i} must hold exactly one call"
            match = CHECK_CALL.match(lines[1])
            assert match, lines[1]
            answer = nb.cells[i - 1]
            assert answer.cell_type == "code" and "### BEGIN SOLUTION" in answer.source
            found[match.group(1)[len("exercise_"):].replace("_", ".")] = (match.group(1), match.group(2),
                                                                        answer.source)
    return found


def _setup_namespace():
    nb = _notebook()
    setup = next(c for c in nb.cells if c.cell_type == "code")
    ns = {}
    exec("\n".join(line for line in setup.source.splitlines() if not line.startswith("%")), ns)
    return ns


def _run(exercise, source):
    checker, arg, _ = EXERCISES[exercise]
    ns = _setup_namespace()
    exec(source, ns)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        getattr(checks, checker)(ns[arg])
    return out.getvalue()


EXERCISES = _exercises()


def test_notebook_has_the_expected_exercises():
    assert sorted(EXERCISES) == ["0.1", "0.2", "0.3", "0.5", "0.7"]
    text = "\n".join(c.source for c in _notebook().cells if c.cell_type == "markdown")
    for written in ("0.4", "0.6", "0.8"):
        assert f"**Exercise {written} (written).**" in text
    assert text.count("<!-- BEGIN ANSWER -->") == text.count("<!-- END ANSWER -->") == 3


@pytest.mark.parametrize("exercise", sorted(nb00.REFERENCE_SOURCES))
def test_answer_cells_match_the_reference_sources(exercise):
    assert EXERCISES[exercise][2] == nb00.REFERENCE_SOURCES[exercise]


@pytest.mark.parametrize("exercise", sorted(nb00.REFERENCE_SOURCES))
def test_reference_solution_passes(exercise):
    assert _run(exercise, EXERCISES[exercise][2]) == f"Exercise {exercise}: passed the public checks.\n"


def test_planted_mistakes_cover_every_code_exercise_and_the_named_kinds():
    assert {m["exercise"] for m in nb00.PLANTED_MISTAKES} == set(EXERCISES)
    kinds = " / ".join(m["kind"] for m in nb00.PLANTED_MISTAKES)
    for needed in ("mul uses own value", "cos sign error", "overwrite instead of accumulate"):
        assert needed in kinds


@pytest.mark.parametrize("mistake", nb00.PLANTED_MISTAKES, ids=lambda m: f"{m['exercise']} {m['kind']}")
def test_planted_mistake_is_caught_with_its_hint(mistake):
    assert mistake["source"] != EXERCISES[mistake["exercise"]][2]
    with pytest.raises(AssertionError) as info:
        _run(mistake["exercise"], mistake["source"])
    message = str(info.value)
    assert mistake["hint"] in message
    assert message.startswith(f"Exercise {mistake['exercise']}:")
    assert "expected:" in message and "got:" in message


@pytest.mark.parametrize("mistake", nb00.PLANTED_MISTAKES, ids=lambda m: f"{m['exercise']} {m['kind']}")
def test_planted_source_defines_the_same_names(mistake):
    _, arg, reference = EXERCISES[mistake["exercise"]]
    ns_ref, ns_bad = _setup_namespace(), _setup_namespace()
    exec(reference, ns_ref)
    exec(mistake["source"], ns_bad)
    assert set(ns_ref) == set(ns_bad) and arg in ns_bad


@pytest.mark.parametrize("exercise", sorted(nb00.REFERENCE_SOURCES))
def test_unattempted_exercise_raises_not_implemented(exercise):
    source = MARKERS.sub(lambda m: f"{m.group(1)}# YOUR CODE HERE\n{m.group(1)}raise NotImplementedError()",
                         EXERCISES[exercise][2])
    assert "BEGIN SOLUTION" not in source
    with pytest.raises(NotImplementedError):
        _run(exercise, source)


# ---------------------------------------------------------------------- messages for other wrong answers
def _reference_rules(ops):
    return {op: engine.BACKWARD_RULES[op] for op in ops}


def test_rules_dict_with_a_missing_op_names_it():
    rules = _reference_rules(("add", "neg", "sub", "mul"))
    with pytest.raises(AssertionError, match=r"no rule for \['div'\]"):
        checks.exercise_0_2(rules)


def test_rule_that_returns_the_derivative_instead_of_adding_it():
    rules = _reference_rules(("pow", "exp", "log", "sin", "cos"))
    rules["exp"] = lambda node: node.grad * node.data
    with pytest.raises(AssertionError, match="left the parent's grad unchanged"):
        checks.exercise_0_3(rules)


def test_div_sign_error_on_the_denominator():
    rules = _reference_rules(("add", "neg", "sub", "mul", "div"))

    def bad_div(node):
        a, b = node.parents
        a.grad += node.grad / b.data
        b.grad += node.grad * a.data / b.data ** 2

    rules["div"] = bad_div
    with pytest.raises(AssertionError, match="sign error in the backward of div") as info:
        checks.exercise_0_2(rules)
    assert "b.grad after your 'div' rule" in str(info.value)


def test_sin_using_sin():
    rules = _reference_rules(("pow", "exp", "log", "sin", "cos"))

    def bad_sin(node):
        (a,) = node.parents
        a.grad += node.grad * node.data

    rules["sin"] = bad_sin
    with pytest.raises(AssertionError, match=r"d sin\(a\)/da = cos\(a\), not sin\(a\)"):
        checks.exercise_0_3(rules)


def test_j_table_with_wrong_return_type():
    with pytest.raises(AssertionError, match="two dicts"):
        checks.exercise_0_1(lambda x: x)


def test_quiz_returning_value_nodes():
    def quiz(x, z):
        x, z = engine.Value(x), engine.Value(z)
        (engine.exp(x * z)).backward()
        return x, z

    with pytest.raises(AssertionError, match="Value node"):
        checks.exercise_0_5(quiz)


def test_quiz_without_backward():
    def quiz(x, z):
        x, z = engine.Value(x), engine.Value(z)
        xz = x * z
        engine.exp(xz) + xz / engine.log(x) + engine.sin(engine.log(x)) / xz
        return x.grad, z.grad

    with pytest.raises(AssertionError, match="did you call y.backward"):
        checks.exercise_0_5(quiz)


def test_grad_wrt_W_hard_coded_shape_is_caught():
    import numpy as np

    def grad(W, X, Y):
        return np.zeros((3, 2))

    with pytest.raises(AssertionError, match="wrong shape|does not match"):
        checks.exercise_0_7(grad)
