"""Checkers of notebook 03 (a hidden ReLU layer): the reference answers pass, every planted or
extra mistake fails with its hint, and the failure messages say what was expected and what came back.

The reference answers are the answer cells of ``solutions/03_hidden_relu_layer.ipynb`` itself, run
in a namespace holding only ``np`` and ``tl`` (an answer cell must not depend on anything else).
The figures and the explorer of the notebook are smoke-tested at the end.
"""

import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from notebook_answers import (  # noqa: E402
    assert_reference_passes, assert_unattempted_raises, checker, define, exercises, mistake_message,
)

import tutorial_lib as tl  # noqa: E402
from tutorial_lib import checks, plotting, widgets  # noqa: E402
from tutorial_lib.checks import nb03  # noqa: E402

NOTEBOOK = "03_hidden_relu_layer"
EXERCISES = exercises(NOTEBOOK)
CODE_EXERCISES = ["3.1", "3.3"]
FUNCTION = {"3.1": "dE_dW11", "3.3": "backprop_321"}


def _failure(exercise, fn) -> str:
    with pytest.raises(AssertionError) as info:
        checker(exercise)(fn)
    assert isinstance(info.value, checks.CheckFailure)
    return str(info.value)


def _reference(exercise):
    """The notebook's own answer to ``exercise``, as a function."""
    return define(EXERCISES[exercise].answer_source, FUNCTION[exercise])


# ------------------------------------------------------------------------------------ the notebook's answers

def test_the_notebook_has_exactly_the_code_exercises_the_checkers_cover():
    assert sorted(EXERCISES) == CODE_EXERCISES
    assert sorted(name for name in dir(nb03) if name.startswith("exercise_")) == ["exercise_3_1", "exercise_3_3"]
    assert {ex: answer.argument for ex, answer in EXERCISES.items()} == FUNCTION


@pytest.mark.parametrize("exercise", CODE_EXERCISES)
def test_reference_answer_passes_with_the_one_stable_line(exercise):
    assert_reference_passes(NOTEBOOK, exercise)


@pytest.mark.parametrize("exercise", CODE_EXERCISES)
def test_an_unattempted_exercise_raises_not_implemented(exercise):
    assert_unattempted_raises(NOTEBOOK, exercise)


@pytest.mark.parametrize("exercise", CODE_EXERCISES)
def test_returning_none_is_named(exercise):
    assert "return" in _failure(exercise, lambda *args: None)


# ------------------------------------------------------------------------------------ the mistakes

def test_planted_mistakes_cover_the_kinds_the_notebook_promises():
    kinds = {(m["exercise"], m["kind"]) for m in nb03.PLANTED_MISTAKES}
    for exercise in CODE_EXERCISES:
        assert sum("ReLU mask" in k for ex, k in kinds if ex == exercise) >= 3
    assert ("3.3", "missing 1/n") in kinds and ("3.3", "transposed dE/dW1") in kinds
    assert all(m["hint"] == "ReLU mask" for m in nb03.PLANTED_MISTAKES if "ReLU mask from" in m["kind"])
    # one round of notebook execution per mistake of the busiest exercise: keep it at five
    for exercise in CODE_EXERCISES:
        assert sum(m["exercise"] == exercise for m in nb03.PLANTED_MISTAKES) <= 5


@pytest.mark.parametrize("mistake", nb03.PLANTED_MISTAKES + nb03.MORE_MISTAKES,
                         ids=lambda m: f"{m['exercise']}-{m['kind']}")
def test_every_mistake_fails_with_its_hint_and_names_expected_and_got(mistake):
    answer = EXERCISES[mistake["exercise"]]
    # The planted cell replaces the notebook's answer cell: same def line and docstring, another body.
    assert mistake["source"] != answer.answer_source
    assert mistake["source"].startswith(answer.answer_source.split("### BEGIN SOLUTION")[0].rstrip(" "))
    message = mistake_message(NOTEBOOK, mistake)
    assert "expected:" in message and "got:" in message and "hint:" in message


def test_3_1_message_shows_the_worst_case_and_both_references():
    mistake = next(m for m in nb03.PLANTED_MISTAKES if m["kind"] == "ReLU mask from the input a[0] = X")
    message = _failure("3.1", define(mistake["source"], "dE_dW11"))
    assert "net.backward" in message and "central differences" in message
    assert re.search(r"wrong on \d+ of 40 one-sample cases; the worst: X = \[1, ", message)
    assert "f[1] = [" in message and "alpha = " in message


def test_3_1_rejects_an_array_with_more_than_one_entry():
    message = _failure("3.1", lambda X, Y, W1, W2, alpha, beta: W1.T @ X)
    assert "single number" in message and "(2, 1)" in message


def test_3_1_reports_an_input_changed_in_place():
    reference = _reference("3.1")

    def overwrites(X, Y, W1, W2, alpha, beta):
        value = reference(X, Y, W1, W2, alpha, beta)
        W1[:] = 0.0
        return value

    assert "changed its input" in _failure("3.1", overwrites)


def test_3_3_shape_messages():
    message = _failure("3.3", lambda X, Y, W1, W2, alpha, beta: (W1, W2, W1))
    assert "list of two gradients" in message and "length 3" in message
    message = _failure("3.3", lambda X, Y, W1, W2, alpha, beta: [np.zeros((3, 3)), np.zeros((2, 1))])
    assert "dE/dW2" in message and "(2, 1)" in message
    reference = _reference("3.3")
    message = _failure("3.3", lambda *args: [np.zeros((3, 3)), reference(*args)[1]])
    assert "dE/dW1" in message and "shape (3, 2)" in message and "shape (3, 3)" in message


def test_3_3_a_missing_one_over_n_names_the_batch_size():
    mistake = next(m for m in nb03.PLANTED_MISTAKES if m["kind"] == "missing 1/n")
    message = _failure("3.3", define(mistake["source"], "backprop_321"))
    assert "6 times too large" in message and "n = 6" in message


# ------------------------------------------------------------------------------------ the test data

def test_single_sample_cases_exercise_every_branch():
    cases = nb03._single_sample_cases()
    parts = [nb03._w11_parts(c) for c in cases]
    assert len(cases) == 40
    assert {p["y"] for p in parts} == {0.0, 1.0}
    assert {(c["alpha"], c["beta"]) for c in cases} == set(nb03._ALPHA_BETA)
    masks = np.array([p["mask"] for p in parts])
    assert 5 <= masks.sum() <= 35  # hidden unit 1 both on and off
    variants = nb03._w11_variants(parts)
    for key, values in variants.items():
        if key != "right":
            assert not np.allclose(values, variants["right"]), key  # every mistake is visible


@pytest.mark.parametrize("n, alpha, beta", nb03._BATCHES)
def test_batch_cases_have_units_on_and_off_and_the_library_agrees(n, alpha, beta):
    k = nb03._BATCHES.index((n, alpha, beta))
    X, Y, W1, W2 = nb03._batch_case(n, seed=3300 + k)
    on = (W1.T @ X > 0).mean(axis=1)
    assert on.min() > 0 and on.max() < 1 and 0 < Y.sum() < n
    net = tl.MLP([W1, W2], ["relu", "sigmoid"])
    net.forward(X)
    library = net.backward(Y, alpha=alpha, beta=beta)
    right = nb03._backward_variant(X, Y, W1, W2, alpha, beta)
    for mine, lib in zip(right, library):
        np.testing.assert_allclose(mine, lib, rtol=1e-12, atol=1e-15)
    assert tl.check_gradients(net, X, Y, alpha=alpha, beta=beta).ok


# ------------------------------------------------------------------------------------ figures and explorer

@pytest.fixture(scope="module")
def trained():
    X, Y = tl.load_wine_binary()
    logistic = tl.MLP.from_sizes([3, 1], ["sigmoid"], seed=0)
    logistic.fit(X, Y, lr=1.0, epochs=300)
    hidden = tl.MLP.from_sizes([3, 2, 1], ["relu", "sigmoid"], init="he", seed=4)
    hidden.fit(X, Y, lr=1.0, epochs=300)
    return X, Y, logistic, hidden


def test_hidden_vs_logistic_boundaries_draws_two_panels_and_one_legend(trained):
    X, Y, logistic, hidden = trained
    fig = plotting.hidden_vs_logistic_boundaries(logistic, hidden, X, Y)
    assert len(fig.axes) == 2 and len(fig.legends) == 1
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "hidden unit 0: f[1] = 0" in labels and "hidden unit 1: f[1] = 0" in labels
    for ax in fig.axes:
        assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title()
    plt.close(fig)


def test_silent_region_is_where_every_unit_is_off():
    fig, ax = plotting.figure()
    ax.set_xlim(-1, 1)
    ax.set_ylim(-1, 1)
    # unit 0 is on for x1 > 0, unit 1 for x2 > 0: silent in the lower-left quarter
    W1 = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    assert plotting.relu_silent_region(W1, ax, resolution=200) == pytest.approx(0.25, abs=0.01)
    assert plotting.relu_silent_region(np.array([[1.0], [0.0], [0.0]]), ax) == 0.0
    plotting.relu_hinge_lines(np.array([[0.5], [1.0], [0.0]]), ax)  # vertical line x1 = -0.5
    assert ax.get_xlim() == (-1, 1)
    plt.close(fig)


def test_later_weight_sweep_figure():
    w = np.linspace(-1, 1, 5)
    fig = plotting.later_weight_sweep(w, np.sin(w), 0.5 * w, slope=0.5, w_now=0.5)
    assert len(fig.axes) == 2
    assert all(ax.get_xlabel() == "later weight W10[2] (unitless)" for ax in fig.axes)
    plt.close(fig)


def test_hidden_width_view_and_explorer():
    X, Y = tl.load_wine_binary()
    fig = widgets.draw_hidden_width_view(X, Y, width=2, seed=5, epochs=50)
    assert "2 of 2 units silent" in fig.axes[1].get_title()
    plt.close(fig)
    fig = widgets.draw_hidden_width_view(X, Y, width=5, seed=1, epochs=50)
    plt.close(fig)
    from ipywidgets import interactive

    explorer = widgets.hidden_width_explorer(X, Y, epochs=20)
    assert isinstance(explorer, interactive)
    sliders = {w.description: w for w in explorer.children[:-1]}
    assert set(sliders) == {"hidden width", "seed"}
    assert not any(s.continuous_update for s in sliders.values())
    plt.close("all")
