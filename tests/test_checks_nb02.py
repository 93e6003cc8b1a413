"""Checkers of notebook 02 (imbalanced classes, alpha and beta): tutorial_lib/checks/nb02.py.

The reference answers and the check calls are read from the solution notebook itself, so
these tests follow the notebook: every reference answer passes, every planted mistake fails
with its hint, and the failure messages say what was expected and what came back.
"""

from __future__ import annotations

import numpy as np
import pytest
from notebook_answers import assert_reference_passes, assert_unattempted_raises, exercises, mistake_message

import tutorial_lib as tl
from tutorial_lib import checks
from tutorial_lib.checks import CheckFailure, nb02

NOTEBOOK = "02_imbalanced_weighting"
CODE_EXERCISES = ["2.2", "2.3", "2.4", "2.5", "2.6"]
EXERCISES = exercises(NOTEBOOK)


def test_the_notebook_has_the_code_exercises_the_module_checks():
    assert sorted(EXERCISES) == CODE_EXERCISES
    assert all(hasattr(checks, "exercise_" + e.replace(".", "_")) for e in CODE_EXERCISES)


@pytest.mark.parametrize("exercise", CODE_EXERCISES)
def test_the_reference_answer_passes_with_the_one_stable_line(exercise):
    assert_reference_passes(NOTEBOOK, exercise)


@pytest.mark.parametrize("exercise", CODE_EXERCISES)
def test_an_unanswered_exercise_raises_not_implemented(exercise):
    assert_unattempted_raises(NOTEBOOK, exercise)


@pytest.mark.parametrize("mistake", nb02.PLANTED_MISTAKES, ids=lambda m: f"{m['exercise']}-{m['kind']}")
def test_every_planted_mistake_fails_with_its_hint(mistake):
    message = mistake_message(NOTEBOOK, mistake)
    # The message names what was expected and what came back.
    assert "expected:" in message and "got:" in message, message


def test_planted_mistakes_cover_every_code_exercise_and_the_required_kinds():
    kinds = {}
    for m in nb02.PLANTED_MISTAKES:
        kinds.setdefault(m["exercise"], set()).add(m["kind"])
    assert set(kinds) == set(CODE_EXERCISES)
    for exercise in ("2.2", "2.3", "2.4"):
        assert {"alpha and beta swapped", "missing 1/n", "flipped sign"} <= kinds[exercise]
    assert "alpha and beta swapped" in kinds["2.5"] and "alpha and beta swapped" in kinds["2.6"]
    for m in nb02.PLANTED_MISTAKES:
        if m["kind"] == "alpha and beta swapped":
            assert "swapped" in m["hint"]


def test_the_tutorials_worked_example_is_the_first_case():
    # E = -(1/2){beta log 0.8 + alpha log 0.9} with alpha = 5.5, beta = 0.55
    Y_hat, Y, _, alpha, beta = nb02._cases()[0]
    np.testing.assert_allclose(Y_hat, [[0.2, 0.9]])
    expected = -0.5 * (beta * np.log(0.8) + alpha * np.log(0.9))
    assert tl.bce_loss(Y_hat, Y, alpha, beta) == pytest.approx(expected, rel=1e-12)
    assert expected == pytest.approx(0.35111, abs=5e-6)


def test_a_1d_gradient_is_reported_as_a_lost_dimension():
    def weighted_bce_grad(Y_hat, Y, alpha, beta):
        return ((-alpha * Y / Y_hat + beta * (1 - Y) / (1 - Y_hat)) / Y.shape[1]).ravel()

    with pytest.raises(CheckFailure, match="lost a dimension"):
        checks.exercise_2_3(weighted_bce_grad)


def test_a_transposed_gradient_is_named():
    def weighted_bce_grad_f(Y_hat, Y, alpha, beta):
        return ((beta * (1 - Y) * Y_hat - alpha * Y * (1 - Y_hat)) / Y.shape[1]).T

    with pytest.raises(CheckFailure, match="transposed"):
        checks.exercise_2_4(weighted_bce_grad_f)


def test_a_loss_that_is_not_averaged_to_one_number_is_named():
    def weighted_bce_loss(Y_hat, Y, alpha, beta):
        return -(alpha * Y * np.log(Y_hat) + beta * (1 - Y) * np.log(1 - Y_hat)) / Y.shape[1]

    with pytest.raises(CheckFailure, match="single number"):
        checks.exercise_2_2(weighted_bce_loss)


def test_log10_is_named():
    def weighted_bce_loss(Y_hat, Y, alpha, beta):
        return float(-np.mean(alpha * Y * np.log10(Y_hat) + beta * (1 - Y) * np.log10(1 - Y_hat)))

    with pytest.raises(CheckFailure, match="natural logarithm"):
        checks.exercise_2_2(weighted_bce_loss)


def test_a_forgotten_return_is_named():
    def weighted_bce_grad(Y_hat, Y, alpha, beta):
        (-alpha * Y / Y_hat + beta * (1 - Y) / (1 - Y_hat)) / Y.shape[1]

    with pytest.raises(CheckFailure, match="None"):
        checks.exercise_2_3(weighted_bce_grad)


def test_changing_an_input_in_place_is_named():
    def weighted_bce_grad_f(Y_hat, Y, alpha, beta):
        Y_hat -= Y
        return Y_hat / Y.shape[1]

    with pytest.raises(CheckFailure, match="in place"):
        checks.exercise_2_4(weighted_bce_grad_f)


def test_the_unweighted_dE_df_is_named_in_2_4():
    def weighted_bce_grad_f(Y_hat, Y, alpha, beta):
        return (Y_hat - Y) / Y.shape[1]

    with pytest.raises(CheckFailure, match="unweighted"):
        checks.exercise_2_4(weighted_bce_grad_f)


def test_balanced_weights_must_return_two_numbers():
    with pytest.raises(CheckFailure, match="two numbers"):
        checks.exercise_2_5(lambda Y: Y.shape[1] / (2 * Y.sum()))
    with pytest.raises(CheckFailure, match="returned None"):
        checks.exercise_2_5(lambda Y: None)


def test_balanced_weights_hardcoded_for_grace_fails_on_the_other_label_sets():
    with pytest.raises(CheckFailure, match=r"n = 30 with n_A = 6"):
        checks.exercise_2_5(lambda Y: (5.5, 0.55))


def test_the_ten_to_one_ratio_without_the_rules_scale_is_named():
    def balanced_weights(Y):
        n_A = Y.sum()
        return (Y.shape[1] - n_A) / n_A, 1.0

    with pytest.raises(CheckFailure, match="ratio alpha / beta = n_B / n_A is right"):
        checks.exercise_2_5(balanced_weights)


@pytest.mark.parametrize("returned, match", [
    ((2.0, 2.0), "only rescales the loss"),
    (("ten", 1.0), "single positive number"),
    ((-1.0, 1.0), "positive, finite"),
    ((5.0, 0.0), "positive, finite"),
    ((np.array([10.0, 1.0]), 1.0), "single positive number"),
    ((True, 1.0), "single positive number"),
    (10.0, "two numbers"),
    ((10.0, 1.0, 1.0), "two numbers"),
    (None, "returned None"),
])
def test_bad_choices_in_2_6_are_named(returned, match):
    with pytest.raises(CheckFailure, match=match):
        checks.exercise_2_6(lambda: returned)


def test_2_6_needs_a_function():
    with pytest.raises(CheckFailure, match="expected a function"):
        checks.exercise_2_6((10.0, 1.0))


@pytest.mark.parametrize("returned", [(np.float64(5.5), np.array(0.55)), np.array([10.0, 1.0]), [3, 1]])
def test_2_6_accepts_numpy_numbers_arrays_and_lists(returned, capsys):
    checks.exercise_2_6(lambda: returned)
    assert capsys.readouterr().out == "Exercise 2.6: passed the public checks.\n"


def test_2_6_reports_a_balanced_accuracy_that_fell(monkeypatch):
    fake = {(1.0, 1.0): (0.67, 0.83), (1000.0, 1.0): (1.0, 0.80)}
    monkeypatch.setattr(nb02, "_scores", lambda a, b: fake[(a, b)])
    with pytest.raises(CheckFailure, match="balanced accuracy fell") as info:
        checks.exercise_2_6(lambda: (1000.0, 1.0))
    assert "expected: at least 0.8300" in str(info.value) and "got:      0.8000" in str(info.value)


def test_2_6_trains_and_the_weighted_model_finds_more_A_wines():
    recall_plain, balanced_plain = nb02._scores(1.0, 1.0)
    recall_w, balanced_w = nb02._scores(5.5, 0.55)
    assert recall_w > recall_plain + 0.2
    assert balanced_w > balanced_plain
    # The scale of (alpha, beta) does not matter to the check, only the ratio.
    assert nb02._scores(10.0, 1.0) == pytest.approx((recall_w, balanced_w))
