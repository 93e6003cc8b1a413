"""Unit tests of the checkers of notebook 08 (auditing a worked answer) and its table and figure.

The reference answers are the answer cells of ``solutions/08_audit_a_worked_answer.ipynb`` (see notebook_answers.py).
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from notebook_answers import (  # noqa: E402
    assert_reference_passes, assert_unattempted_raises, exercises, mistake_message,
)

import tutorial_lib as tl  # noqa: E402
from tutorial_lib import checks  # noqa: E402
from tutorial_lib.checks import nb08  # noqa: E402
from tutorial_lib.checks._common import CheckFailure  # noqa: E402

NOTEBOOK = "08_audit_a_worked_answer"
EXERCISES = exercises(NOTEBOOK)


def test_notebook_has_the_expected_exercises():
    assert sorted(EXERCISES) == ["8.1", "8.3", "8.4", "8.6", "8.7"]


@pytest.mark.parametrize("exercise", sorted(EXERCISES))
def test_reference_solution_passes(exercise):
    assert_reference_passes(NOTEBOOK, exercise)


@pytest.mark.parametrize("exercise", sorted(EXERCISES))
def test_unattempted_exercise_raises_not_implemented(exercise):
    assert_unattempted_raises(NOTEBOOK, exercise)


@pytest.mark.parametrize("mistake", nb08.PLANTED_MISTAKES, ids=lambda m: f"{m['exercise']}-{m['kind']}")
def test_planted_mistake_is_caught_with_its_hint(mistake):
    message = mistake_message(NOTEBOOK, mistake)
    assert "expected:" in message and "got:" in message, message


def test_planted_mistakes_cover_every_code_exercise_and_the_named_kinds():
    assert {m["exercise"] for m in nb08.PLANTED_MISTAKES} == set(EXERCISES)
    kinds = " ".join(m["kind"] for m in nb08.PLANTED_MISTAKES)
    assert "transposed hidden activations" in kinds
    assert "missing the 1/2" in kinds and "missing the 1/n" in kinds
    transposed = [m for m in nb08.PLANTED_MISTAKES if "transposed hidden" in m["kind"]]
    assert all("transposed" in m["hint"] for m in transposed)
    for m in nb08.PLANTED_MISTAKES:
        assert "### BEGIN SOLUTION" in m["source"] and "### END SOLUTION" in m["source"]



# ---------------------------------------------------------------------------- the sheet's numbers
def test_the_sheet_recomputed():
    X = nb08.SHEET_X_ROWS.T
    net = tl.MLP([nb08.SHEET_W_ROWS.T, nb08.SHEET_V], ["sigmoid", "identity"], hidden_bias=True)
    Y_hat = net.forward(X)
    np.testing.assert_allclose(Y_hat.ravel(), [0.05675, 0.05715, 0.05722], atol=5e-6)
    # The sheet's printed predictions come from the hidden activations used transposed.
    transposed = nb08.SHEET_V[0, 0] + net.a[0] @ nb08.SHEET_V[1:]
    np.testing.assert_allclose(transposed.ravel().round(4), [0.0574, 0.0570, 0.0569])
    # Its L2 loss is a plain sum of squares: 2n times the library's mse.
    Y = nb08.SHEET_Y.T
    n = X.shape[1]
    assert 2 * n * net.loss(X, Y, loss="mse") == pytest.approx(((Y_hat - Y) ** 2).sum(), rel=1e-14)
    assert ((Y_hat - Y) ** 2).sum() == pytest.approx(281.70005, abs=5e-6)


# ---------------------------------------------------------------------------- 8.1
def test_8_1_reports_a_missing_pair():
    def only_loss(net, X, Y):
        return 2 * X.shape[1] * net.loss(X, Y, loss="mse")

    with pytest.raises(CheckFailure, match="pair"):
        checks.exercise_8_1(only_loss)


def test_8_1_reports_the_flipped_sign_of_the_sheet():
    def flipped(net, X, Y):
        n = X.shape[1]
        L = 2 * n * net.loss(X, Y, loss="mse")
        return L, [-2 * n * g for g in net.backward(Y, loss="mse")]

    with pytest.raises(CheckFailure, match="wrong sign"):
        checks.exercise_8_1(flipped)


def test_8_1_reports_the_library_scale():
    def unscaled(net, X, Y):
        return net.loss(X, Y, loss="mse"), net.backward(Y, loss="mse")

    with pytest.raises(CheckFailure, match="library's own scale"):
        checks.exercise_8_1(unscaled)


# ---------------------------------------------------------------------------- 8.3
def test_8_3_reports_a_value_error():
    def value_error(A, expected_shape, name="array"):
        if A.shape != tuple(expected_shape):
            raise ValueError(f"{name} has shape {A.shape}, expected {tuple(expected_shape)}")

    with pytest.raises(CheckFailure, match="should raise AssertionError"):
        checks.exercise_8_3(value_error)


def test_8_3_reports_rejecting_a_right_shape():
    def list_compare(A, expected_shape, name="array"):
        assert A.shape == list(expected_shape), f"{name} has shape {A.shape}, expected {expected_shape}"

    with pytest.raises(CheckFailure, match="rejected an array of the right shape"):
        checks.exercise_8_3(list_compare)


def test_8_3_reports_a_check_on_the_number_of_dimensions_only():
    def ndim_only(A, expected_shape, name="array"):
        assert A.ndim == len(expected_shape), f"{name} has shape {A.shape}, expected {tuple(expected_shape)}"

    with pytest.raises(CheckFailure, match="same number of entries"):
        checks.exercise_8_3(ndim_only)


# ---------------------------------------------------------------------------- 8.4
def test_8_4_reports_a_lost_dimension():
    def flat(X_rows, W_rows, v):
        Z = tl.sigmoid(X_rows @ W_rows.T)
        return (np.hstack([np.ones((X_rows.shape[0], 1)), Z]) @ v).ravel()

    with pytest.raises(CheckFailure, match="lost a dimension"):
        checks.exercise_8_4(flat)


def test_8_4_names_the_transpose_on_the_sheets_square_data():
    def transposed_general(X_rows, W_rows, v):
        Z = tl.sigmoid(W_rows @ X_rows.T)          # (k, n): one row per unit
        return np.hstack([np.ones((Z.shape[0], 1)), Z]) @ v

    with pytest.raises(CheckFailure, match="transposed"):
        checks.exercise_8_4(transposed_general)


def test_8_4_names_the_transpose_when_non_square_input_crashes():
    def right_only_when_square(X_rows, W_rows, v):
        n, k = X_rows.shape[0], W_rows.shape[0]
        Z = tl.sigmoid(X_rows @ W_rows.T)
        if n != k:
            Z = Z.T                                 # (k, n): the next product no longer fits
        return np.hstack([np.ones((n, 1)), Z]) @ v

    with pytest.raises(CheckFailure, match="raised ValueError") as info:
        checks.exercise_8_4(right_only_when_square)
    assert "transposed" in str(info.value)


def test_8_4_reports_a_missing_output_bias():
    def no_bias(X_rows, W_rows, v):
        return tl.sigmoid(X_rows @ W_rows.T) @ v[1:]

    with pytest.raises(CheckFailure, match="does not match"):
        checks.exercise_8_4(no_bias)


# ---------------------------------------------------------------------------- 8.6 and 8.7
def test_8_6_reports_a_sign_flip():
    def flipped(z):
        p = tl.softmax(z.reshape(-1, 1))[:, 0]
        return np.outer(p, p) - np.diag(p)

    with pytest.raises(CheckFailure, match="wrong sign"):
        checks.exercise_8_6(flipped)


def test_8_6_and_8_7_accept_the_library_jacobian(capsys):
    checks.exercise_8_6(lambda z: tl.softmax_jacobian(z))
    checks.exercise_8_7(lambda z: tl.softmax_jacobian(z) / tl.softmax(z.reshape(-1, 1)))
    assert capsys.readouterr().out.splitlines() == ["Exercise 8.6: passed the public checks.",
                                                    "Exercise 8.7: passed the public checks."]


# ---------------------------------------------------------------------------- table and figure
def test_comparison_table_verdicts_allow_for_rounding():
    from tutorial_lib import plotting

    table = plotting.comparison_table([
        ("agrees at 4 decimals", 0.0570, 0.05704, 4),
        ("off in the 4th decimal", 0.0574, 0.05675, 4, "transposed"),
        ("not given", None, 1.0, 2),
    ])
    text = str(table)
    assert text.count("agrees") == 2 and "WRONG" in text and "not given" in text
    assert table.n_wrong == 1
    assert "-0.00065" in text and "0.05675" in text
    assert "<table>" in table._repr_html_() and "transposed" in table._repr_html_()
    assert "-0.00000" not in str(plotting.comparison_table([("tiny", 0.5, 0.5 - 1e-9, 5)]))


def test_audit_figure_draws():
    from tutorial_lib import plotting

    A = np.arange(9.0).reshape(3, 3) / 10
    fig, axes = plotting.figure(ncols=3)
    plotting.transposed_activations(A.T, A, ax=axes[:2])
    plotting.prediction_comparison([0.05675, 0.05715, 0.05722], [0.0574, 0.0570, 0.0569], ax=axes[2])
    fig.canvas.draw()
    for ax in axes:
        assert ax.get_xlabel() or ax.get_ylabel(), "every panel labels its axes"
        assert ax.images or ax.lines or ax.patches or ax.collections, "every panel draws something"
    assert axes[0].get_ylabel() and axes[2].get_ylabel()
    plt.close(fig)
