"""Checkers of notebook 00: the reference solution passes, every planted mistake is caught with its
hint, unattempted exercises raise NotImplementedError, and the messages name expected and actual.

The reference answers are the answer cells of ``solutions/00_chain_rule_and_graphs.ipynb`` itself, run
in a namespace holding ``np``, ``tl`` and the set-up cell's ``math`` and ``engine``.
"""

import math

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402
from notebook_answers import (  # noqa: E402
    answer_namespace, assert_reference_passes, assert_unattempted_raises, exercises,
    mistake_message, solution_notebook,
)

from tutorial_lib import checks, engine  # noqa: E402
from tutorial_lib.checks import nb00  # noqa: E402

NOTEBOOK = "00_chain_rule_and_graphs"
EXERCISES = exercises(NOTEBOOK)
SETUP_NAMES = {"math": math, "engine": engine}


def test_notebook_has_the_expected_exercises():
    assert sorted(EXERCISES) == ["0.1", "0.2", "0.3", "0.5", "0.7"]
    text = "\n".join(c.source for c in solution_notebook(NOTEBOOK).cells if c.cell_type == "markdown")
    for written in ("0.4", "0.6", "0.8"):
        assert f"**Exercise {written} (written).**" in text
    assert text.count("<!-- BEGIN ANSWER -->") == text.count("<!-- END ANSWER -->") == 3


@pytest.mark.parametrize("exercise", sorted(EXERCISES))
def test_reference_solution_passes(exercise):
    assert_reference_passes(NOTEBOOK, exercise, **SETUP_NAMES)


def test_planted_mistakes_cover_every_code_exercise_and_the_named_kinds():
    assert {m["exercise"] for m in nb00.PLANTED_MISTAKES} == set(EXERCISES)
    kinds = " / ".join(m["kind"] for m in nb00.PLANTED_MISTAKES)
    for needed in ("mul uses own value", "cos sign error", "overwrite instead of accumulate"):
        assert needed in kinds


@pytest.mark.parametrize("mistake", nb00.PLANTED_MISTAKES, ids=lambda m: f"{m['exercise']} {m['kind']}")
def test_planted_mistake_is_caught_with_its_hint(mistake):
    assert mistake["source"] != EXERCISES[mistake["exercise"]].answer_source
    message = mistake_message(NOTEBOOK, mistake, **SETUP_NAMES)
    assert "expected:" in message and "got:" in message


@pytest.mark.parametrize("mistake", nb00.PLANTED_MISTAKES, ids=lambda m: f"{m['exercise']} {m['kind']}")
def test_planted_source_defines_the_same_names(mistake):
    reference = EXERCISES[mistake["exercise"]]
    ns_ref, ns_bad = answer_namespace(**SETUP_NAMES), answer_namespace(**SETUP_NAMES)
    exec(reference.answer_source, ns_ref)
    exec(mistake["source"], ns_bad)
    assert set(ns_ref) == set(ns_bad) and reference.argument in ns_bad


@pytest.mark.parametrize("exercise", sorted(EXERCISES))
def test_unattempted_exercise_raises_not_implemented(exercise):
    assert_unattempted_raises(NOTEBOOK, exercise, **SETUP_NAMES)


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
