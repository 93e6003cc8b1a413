"""Checkers of notebook 01 (logistic warm-up): the reference answers pass, every planted
mistake fails with its hint, and the failure messages say what was expected and what came back.

The reference answers are the answer cells of ``solutions/01_logistic_warmup.ipynb`` itself, run
in a namespace holding only ``np`` and ``tl`` (an answer cell must not depend on anything else).
"""

import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from notebook_answers import (  # noqa: E402
    DEF_NAME, assert_reference_passes, assert_unattempted_raises, checker, define, exercises,
    mistake_message,
)

import tutorial_lib as tl  # noqa: E402
from tutorial_lib import checks  # noqa: E402
from tutorial_lib.checks import nb01  # noqa: E402

NOTEBOOK = "01_logistic_warmup"
EXERCISES = exercises(NOTEBOOK)
CODE_EXERCISES = ["1.1", "1.2", "1.4", "1.5", "1.6", "1.8", "1.9"]


def test_the_notebook_has_exactly_the_code_exercises_the_checkers_cover():
    assert sorted(EXERCISES) == CODE_EXERCISES
    assert sorted(name for name in dir(nb01) if name.startswith("exercise_")) == sorted(
        "exercise_" + ex.replace(".", "_") for ex in CODE_EXERCISES)


@pytest.mark.parametrize("exercise", CODE_EXERCISES)
def test_reference_answer_passes_with_the_one_stable_line(exercise):
    assert_reference_passes(NOTEBOOK, exercise)


@pytest.mark.parametrize("exercise", CODE_EXERCISES)
def test_an_unattempted_exercise_raises_not_implemented(exercise):
    assert_unattempted_raises(NOTEBOOK, exercise)


@pytest.mark.parametrize("exercise", CODE_EXERCISES)
def test_returning_none_is_named(exercise):
    with pytest.raises(AssertionError, match="return"):
        checker(exercise)(lambda *args: None)


def test_every_required_kind_of_mistake_is_planted():
    kinds = {(m["exercise"], m["kind"]) for m in nb01.PLANTED_MISTAKES}
    for required in ("missing 1/n", "flipped sign", "transposed", "broadcast to (n, n)"):
        assert any(kind == required for _, kind in kinds), required
    assert {m["exercise"] for m in nb01.PLANTED_MISTAKES} == set(CODE_EXERCISES)


@pytest.mark.parametrize("mistake", nb01.PLANTED_MISTAKES, ids=lambda m: f"{m['exercise']}-{m['kind']}")
def test_planted_mistake_fails_with_its_hint(mistake):
    answer = EXERCISES[mistake["exercise"]]
    # The planted cell replaces the answer cell: it must define the same function.
    assert DEF_NAME.findall(mistake["source"]) == [answer.argument]
    assert DEF_NAME.search(answer.answer_source).group(0) in mistake["source"]
    message = mistake_message(NOTEBOOK, mistake)
    # The message says what was expected and what came back.
    assert "expected:" in message and "got:" in message


def test_messages_name_the_worst_entry_and_both_values():
    fn = define(nb01.PLANTED_MISTAKES[0]["source"], "bce_loss")  # 1.1 without the 1/n
    with pytest.raises(AssertionError) as info:
        checks.exercise_1_1(fn)
    message = str(info.value)
    assert "expected: 0.1643" in message and "got:      0.3285" in message


def test_a_shape_mistake_names_both_shapes():
    source = next(m["source"] for m in nb01.PLANTED_MISTAKES if m["exercise"] == "1.6" and m["kind"] == "transposed")
    with pytest.raises(AssertionError) as info:
        checks.exercise_1_6(define(source, "dE_dW"))
    assert "shape (3, 1)" in str(info.value) and "shape (1, 3)" in str(info.value)


def test_an_answer_that_overwrites_its_input_is_reported():
    def dE_df(W, X, Y):
        n = X.shape[1]
        Y_hat = tl.sigmoid(W.T @ X)
        Y -= Y_hat            # in place: the caller's labels are gone
        return -Y / n

    with pytest.raises(AssertionError, match="in place"):
        checks.exercise_1_4(dE_df)


def test_a_whole_gradient_for_dW20_is_named():
    def dE_dW20(W, X, Y):
        return X @ (tl.sigmoid(W.T @ X) - Y).T

    with pytest.raises(AssertionError, match="whole gradient"):
        checks.exercise_1_5(dE_dW20)


def test_an_unsummed_loss_grid_is_named():
    def bce_loss(Y_hat, Y):
        return -(Y.T * np.log(Y_hat) + (1 - Y.T) * np.log(1 - Y_hat)) / Y.shape[1]

    with pytest.raises(AssertionError, match=re.escape("broadcast to (n, n)")):
        checks.exercise_1_1(bce_loss)


def test_gradient_descent_with_a_random_start_is_not_accepted():
    def gradient_descent(X, Y, lr, epochs):
        W = np.random.default_rng(0).normal(size=(3, 1))
        for _ in range(epochs):
            W = W - lr * X @ (tl.sigmoid(W.T @ X) - Y).T / X.shape[1]
        return W

    with pytest.raises(AssertionError, match="np.zeros"):
        checks.exercise_1_9(gradient_descent)


def test_checkers_are_deterministic():
    fn = define(nb01.PLANTED_MISTAKES[-1]["source"], "gradient_descent")
    messages = []
    for _ in range(2):
        with pytest.raises(AssertionError) as info:
            checks.exercise_1_9(fn)
        messages.append(str(info.value))
    assert messages[0] == messages[1]


# ---------------------------------------------------------------------------- figures and explorers
@pytest.fixture
def no_show(monkeypatch):
    monkeypatch.setattr(plt, "show", lambda *a, **k: None)
    yield
    plt.close("all")


def test_figures_of_the_notebook_draw(no_show):
    from tutorial_lib import plotting, widgets

    X_raw, Y = tl.load_wine_binary(standardize=False)
    X, _ = tl.load_wine_binary()
    ax = plotting.wine_feature_scatter(X_raw, Y, title="t")
    assert ax.get_xlabel() == plotting.WINE_RAW_AXES[0]
    assert "59 wines" in ax.get_legend_handles_labels()[1][0]
    W = np.array([-0.6, 2.2, 3.4])
    fig, axes = plotting.boundary_pair(W, W + 0.01, X, Y, titles=("a", "b"), labels=("one", "two"))
    assert len(axes) == 2 and all(a.get_xlabel() == plotting.WINE_STD_AXES[0] for a in axes)
    fig = widgets.draw_weights_view(X, Y, 0.0, 1.0, 1.0)
    assert fig.axes[0].get_title().startswith("E = 0.2663")
    fig = widgets.draw_weights_view(X, Y, 0.5, 0.0, 0.0)
    assert "no boundary" in fig.axes[0].get_title()
    fig = widgets.draw_learning_rate_view(X, Y, 2.0, 50)
    assert len(fig.axes) == 2


def test_explorers_build(no_show):
    from ipywidgets import interactive

    from tutorial_lib import widgets

    X, Y = tl.load_wine_binary()
    for explorer in (widgets.logistic_weights_explorer(X, Y), widgets.logistic_lr_explorer(X, Y)):
        assert isinstance(explorer, interactive)
        sliders = [w for w in explorer.children if hasattr(w, "continuous_update")]
        assert sliders and all(not w.continuous_update for w in sliders)
