"""Checkers of notebook 06 (softmax MLP on the 8x8 digits): the reference answers pass, every
planted mistake fails with its hint, and the failure messages say what was expected and what came back.

The reference answers are the answer cells of ``solutions/06_softmax_mlp_digits.ipynb`` itself, run in a
namespace holding only ``np`` and ``tl`` (an answer cell must not depend on anything else).  Exercise 6.7
also needs a trained network and held-out images: a softmax regression (65 -> 10) trained for 20 epochs
passes the 0.95 goal in a fraction of a second, so the tests do not train the notebook's full network.
"""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from notebook_answers import (  # noqa: E402
    DEF_NAME, assert_reference_passes, assert_unattempted_raises, checker, define, exercises,
    mistake_message, run_check,
)
from sklearn.model_selection import train_test_split  # noqa: E402

import tutorial_lib as tl  # noqa: E402
from tutorial_lib import checks, plotting, widgets  # noqa: E402
from tutorial_lib.checks import nb06  # noqa: E402

NOTEBOOK = "06_softmax_mlp_digits"
EXERCISES = exercises(NOTEBOOK)
CODE_EXERCISES = ["6.1", "6.3", "6.4", "6.6", "6.7"]


@pytest.fixture(scope="module")
def heldout():
    """The names the check cell of 6.7 passes besides the answer: a trained softmax regression and the
    notebook's held-out split, ``{"net", "X_test", "labels_test"}``."""
    X, Y, labels = tl.load_digits_onehot(return_labels=True)
    train, test = train_test_split(np.arange(labels.size), train_size=1344, stratify=labels, random_state=0)
    net = tl.MLP.from_sizes([65, 10], ["softmax"], seed=0)
    net.fit(X[:, train], Y[:, train], lr=2.0, epochs=20, loss="softmax_ce", batch_size=64)
    return {"net": net, "X_test": X[:, test], "labels_test": labels[test]}


def test_the_notebook_has_exactly_the_code_exercises_the_checkers_cover():
    assert sorted(EXERCISES) == CODE_EXERCISES
    assert sorted(name for name in dir(nb06) if name.startswith("exercise_")) == sorted(
        "exercise_" + ex.replace(".", "_") for ex in CODE_EXERCISES)
    assert EXERCISES["6.7"].argument == "heldout_accuracy, net, X_test, labels_test"


@pytest.mark.parametrize("exercise", CODE_EXERCISES)
def test_reference_answer_passes_with_the_one_stable_line(exercise, heldout):
    assert_reference_passes(NOTEBOOK, exercise, **heldout)


@pytest.mark.parametrize("exercise", CODE_EXERCISES)
def test_an_unattempted_exercise_raises_not_implemented(exercise, heldout):
    assert_unattempted_raises(NOTEBOOK, exercise, **heldout)


@pytest.mark.parametrize("exercise", CODE_EXERCISES)
def test_returning_none_is_named(exercise, heldout):
    extra = [heldout["net"], heldout["X_test"], heldout["labels_test"]] if exercise == "6.7" else []
    with pytest.raises(AssertionError, match="None|return"):
        checker(exercise)(lambda *args: None, *extra)


def test_every_required_kind_of_mistake_is_planted():
    kinds = {(m["exercise"], m["kind"]) for m in nb06.PLANTED_MISTAKES}
    for required in [("6.3", "missing 1/n"), ("6.4", "transposed"), ("6.6", "missing factor 2"),
                     ("6.1", "diag(p) only"), ("6.1", "p p^T with the wrong sign")]:
        assert required in kinds, required
    assert {m["exercise"] for m in nb06.PLANTED_MISTAKES} == set(CODE_EXERCISES)


@pytest.mark.parametrize("mistake", nb06.PLANTED_MISTAKES, ids=lambda m: f"{m['exercise']}-{m['kind']}")
def test_planted_mistake_fails_with_its_hint(mistake, heldout):
    answer = EXERCISES[mistake["exercise"]]
    # The planted cell replaces the answer cell: it must define the same function with the same docstring.
    assert DEF_NAME.findall(mistake["source"]) == [answer.argument.split(",")[0]]
    assert answer.answer_source.split("### BEGIN SOLUTION")[0].rstrip() in mistake["source"]
    message = mistake_message(NOTEBOOK, mistake, **heldout)
    assert "expected:" in message and "got:" in message


def test_the_missing_one_over_n_names_the_factor():
    fn = define(next(m["source"] for m in nb06.PLANTED_MISTAKES if m["kind"] == "missing 1/n"), "output_delta")
    with pytest.raises(AssertionError) as info:
        checks.exercise_6_3(fn)
    assert "12 times too large" in str(info.value)  # the first case has n = 12 samples


def test_a_transposed_dW_names_both_shapes():
    fn = define(next(m["source"] for m in nb06.PLANTED_MISTAKES if m["kind"] == "transposed"), "layer_backward")
    with pytest.raises(AssertionError) as info:
        checks.exercise_6_4(fn)
    message = str(info.value)
    assert "expected: shape (6, 4)" in message and "got:      shape (4, 6)" in message


def test_a_wrong_jacobian_names_the_worst_entry():
    fn = define(next(m["source"] for m in nb06.PLANTED_MISTAKES if m["kind"] == "diag(p) only"),
                "softmax_jacobian")
    with pytest.raises(AssertionError) as info:
        checks.exercise_6_1(fn)
    assert "worst entry" in str(info.value) and "K = 3" in str(info.value)


def test_an_untrained_network_misses_the_accuracy_goal(heldout):
    untrained = tl.MLP.from_sizes([65, 10], ["softmax"], seed=0)
    with pytest.raises(AssertionError) as info:
        run_check(NOTEBOOK, "6.7", EXERCISES["6.7"].answer_source, **{**heldout, "net": untrained})
    message = str(info.value)
    assert "below the goal" in message and "expected: held-out accuracy >= 0.95" in message


def test_6_7_needs_the_network_and_matching_images(heldout):
    source = EXERCISES["6.7"].answer_source
    with pytest.raises(AssertionError, match="trained network"):
        run_check(NOTEBOOK, "6.7", source, **{**heldout, "net": "net"})
    with pytest.raises(AssertionError, match="do not match"):
        run_check(NOTEBOOK, "6.7", source, **{**heldout, "labels_test": heldout["labels_test"][:-1]})


def test_an_answer_that_overwrites_its_input_is_reported():
    def in_place(dF, A_prev, W):
        dF *= 2.0
        return np.vstack([dF.sum(axis=1), A_prev @ dF.T]), W[1:] @ dF

    with pytest.raises(AssertionError, match="in place"):
        checks.exercise_6_4(in_place)

    def shrinks_weights(weights, lam):
        for W in weights:
            W *= 1.0 - 2 * lam
        return 0.0, [2 * lam * W for W in weights]

    with pytest.raises(AssertionError, match="in place"):
        checks.exercise_6_6(shrinks_weights)


def test_a_single_array_instead_of_a_pair_is_named():
    with pytest.raises(AssertionError, match="must return a pair"):
        checks.exercise_6_4(lambda dF, A_prev, W: A_prev @ dF.T)


# ------------------------------------------------------------------ the notebook's figures and explorer
def test_digit_gallery_tiles_every_image_with_its_title():
    X, _, labels = tl.load_digits_onehot(return_labels=True)
    fig = plotting.digit_gallery(X[:, :11], titles=[f"digit {d}" for d in labels[:11]], ncols=4, title="t")
    ax = fig.axes[0]
    assert len(ax.images) == 1 and len(ax.texts) == 11 and len(ax.patches) == 11
    assert ax.images[0].get_array().shape[1] == 4 * 10  # 4 columns of 8 pixels + 2 of margin
    plt.close(fig)
    with pytest.raises(ValueError, match="64 pixel rows"):
        plotting.digit_gallery(np.ones((10, 3)))
    with pytest.raises(ValueError, match="titles"):
        plotting.digit_gallery(X[:, :3], titles=["a"])


def test_training_monitor_records_every_epoch_and_prints_outside_ipython(capsys):
    X, Y, labels = tl.load_digits_onehot(return_labels=True)
    net = tl.MLP.from_sizes([65, 8, 10], ["sigmoid", "softmax"], seed=0, hidden_bias=True)
    monitor = plotting.TrainingMonitor(4, X[:, :300], labels[:300], X[:, 300:400], labels[300:400], redraw_every=2)
    history = net.fit(X[:, :300], Y[:, :300], lr=1.0, epochs=4, loss="softmax_ce", batch_size=50, callback=monitor)
    assert monitor.history["epoch"] == [1, 2, 3, 4]
    assert np.allclose(monitor.history["loss"], history)
    assert monitor.history["test_acc"][-1] == pytest.approx(float(np.mean(net.predict(X[:, 300:400]) == labels[300:400])))
    printed = capsys.readouterr().out.splitlines()
    assert [line.split("[")[0].strip() for line in printed] == ["epoch   2/4", "epoch   4/4"]


def test_training_curves_and_probability_view_draw_labelled_axes():
    history = {"epoch": [1, 2, 3], "loss": [2.3, 1.0, 0.5], "train_acc": [0.1, 0.6, 0.9],
               "test_acc": [0.1, 0.5, 0.85]}
    ax_loss, ax_acc = plotting.training_curves(history, epochs=3)
    assert ax_loss.get_ylabel() and ax_acc.get_ylabel() == "accuracy (fraction correct)"
    plt.close("all")
    X, _, labels = tl.load_digits_onehot(return_labels=True)
    fig = widgets.draw_digit_probabilities(X[:, 0], np.full(10, 0.1), int(labels[0]))
    assert fig.axes[1].get_xlabel() == "digit k"
    plt.close(fig)


def test_probability_explorer_switches_to_the_mistakes(heldout):
    net, X_test, labels_test = heldout["net"], heldout["X_test"], heldout["labels_test"]
    explorer = widgets.digit_probability_explorer(net, X_test, labels_test)
    which, position = explorer.children[0], explorer.children[1]
    n_wrong = int((net.predict(X_test) != labels_test).sum())
    assert position.max == labels_test.size - 1 and not position.continuous_update
    which.value = "misclassified only"
    assert position.max == n_wrong - 1 and position.value == 0
    plt.close("all")
