"""Unit tests of the notebook 05 checkers (dying ReLU and Leaky ReLU).

The reference solutions are the answer cells of solutions/05_dying_relu.ipynb; every planted mistake
must fail with its hint.
"""

import numpy as np
import pytest
from notebook_answers import assert_reference_passes, checker, exercises, mistake_message

import tutorial_lib as tl
from tutorial_lib import checks
from tutorial_lib.checks import nb05

NOTEBOOK = "05_dying_relu"
EXERCISES = exercises(NOTEBOOK)


def test_the_notebook_has_the_expected_exercises():
    assert {ex: answer.argument for ex, answer in EXERCISES.items()} == {
        "5.1": "leaky_relu", "5.2": "leaky_relu_grad", "5.3": "dead_fraction_per_layer", "5.4": "to_leaky",
        "5.5": "collapse"}


@pytest.mark.parametrize("exercise", sorted(EXERCISES))
def test_reference_solution_passes(exercise):
    assert_reference_passes(NOTEBOOK, exercise)


@pytest.mark.parametrize("mistake", nb05.PLANTED_MISTAKES, ids=lambda m: f"{m['exercise']}-{m['kind']}")
def test_planted_mistake_fails_with_its_hint(mistake):
    mistake_message(NOTEBOOK, mistake)


def test_planted_mistakes_cover_every_code_exercise():
    assert {m["exercise"] for m in nb05.PLANTED_MISTAKES} == set(EXERCISES)


def test_library_functions_pass_their_own_checks(capsys):
    checks.exercise_5_1(tl.leaky_relu)
    checks.exercise_5_2(tl.leaky_relu_grad)
    assert capsys.readouterr().out.count("passed the public checks") == 2


def test_leaky_grad_zero_for_negatives_names_the_slope_and_values():
    with pytest.raises(AssertionError) as info:
        checks.exercise_5_2(lambda s, a=0.01: np.where(s > 0, 1.0, 0.0))
    message = str(info.value)
    assert "slope a" in message
    assert "expected: [" in message and "got:      [" in message and "worst entry" in message


def test_maximum_form_of_leaky_relu_is_accepted(capsys):
    # max(s, a s) equals Leaky ReLU for 0 <= a <= 1, the slopes the check uses.
    checks.exercise_5_1(lambda s, a=0.01: np.maximum(s, a * s))
    assert "passed" in capsys.readouterr().out


def test_leaky_relu_shape_mistake_is_reported():
    with pytest.raises(AssertionError, match="shape"):
        checks.exercise_5_1(lambda s, a=0.01: np.where(s > 0, s, a * s).ravel())


def test_dead_fraction_alternatives_that_are_right(capsys):
    # Testing the Leaky ReLU output a <= 0 (instead of f <= 0) is equivalent for a > 0.
    def via_outputs(net, X):
        net.forward(X)
        return np.array([(a <= 0).all(axis=1).mean() for a in net.a[:-1]])

    checks.exercise_5_3(via_outputs)
    assert "passed" in capsys.readouterr().out


def test_dead_fraction_counts_and_strict_inequality_are_diagnosed():
    def counts(net, X):
        net.forward(X)
        return np.array([(f <= 0).all(axis=1).sum() for f in net.f[:-1]], dtype=float)

    def strict(net, X):
        net.forward(X)
        return np.array([(f < 0).all(axis=1).mean() for f in net.f[:-1]])

    with pytest.raises(AssertionError, match="fraction of the layer's units"):
        checks.exercise_5_3(counts)
    with pytest.raises(AssertionError, match="f <= 0, not f < 0"):
        checks.exercise_5_3(strict)


def test_to_leaky_that_forgets_hidden_bias_gets_a_hint():
    def no_bias_flag(net, a):
        return tl.MLP(net.weights, ["leaky_relu"] * (net.n_layers - 1) + ["sigmoid"], leaky_slope=a)

    with pytest.raises(AssertionError, match="hidden_bias=net.hidden_bias"):
        checks.exercise_5_4(no_bias_flag)


def test_to_leaky_that_modifies_its_input_is_reported():
    def in_place(net, a):
        net.weights[0][0] += 1.0
        return tl.MLP(net.weights, ["leaky_relu"] * (net.n_layers - 1) + ["sigmoid"],
                      hidden_bias=net.hidden_bias, leaky_slope=a)

    with pytest.raises(AssertionError, match="changed the ReLU network"):
        checks.exercise_5_4(in_place)


def test_collapse_transposed_is_diagnosed():
    def transposed(net):
        M = net.weights[0]
        e0 = np.zeros((M.shape[0], 1))
        e0[0, 0] = 1.0
        for W in net.weights[1:]:
            M = M @ W[1:] + e0 @ W[:1] if net.hidden_bias else M @ W
        return M.T

    with pytest.raises(AssertionError, match="transposed"):
        checks.exercise_5_5(transposed)


def test_unattempted_exercises_raise_not_implemented():
    def todo(*args, **kwargs):
        raise NotImplementedError()

    for exercise in EXERCISES:
        with pytest.raises(NotImplementedError):
            checker(exercise)(todo)


def test_dying_start_of_the_checker_matches_the_notebook_story():
    # ReLU stays stuck at the class-frequency loss; Leaky ReLU (a = 0.1) recovers from the same start.
    from tutorial_lib import plotting

    X, Y = tl.load_wine_binary()
    relu = nb05.dying_start()
    leaky = nb05.dying_start("leaky_relu", a=0.1)
    h_relu, d_relu = plotting.train_tracking_dead_units(relu, X, Y, lr=1.0, epochs=300)
    h_leaky, d_leaky = plotting.train_tracking_dead_units(leaky, X, Y, lr=1.0, epochs=300)
    prior = Y.mean()
    assert h_relu[-1] == pytest.approx(tl.bce_loss(np.full_like(Y, prior), Y), abs=1e-6)
    np.testing.assert_array_equal(d_relu[0], d_relu[-1])
    assert h_leaky[-1] < 0.3 and d_leaky[-1].mean() < d_leaky[0].mean() - 0.2


def test_line_fit_residual_and_boundary_points():
    from tutorial_lib import plotting

    X, _ = tl.load_wine_binary()
    t = np.linspace(-1, 1, 50)
    assert plotting.line_fit_residual(np.c_[t, 3 * t - 2]) < 1e-14
    assert plotting.line_fit_residual(np.c_[t, t ** 2]) > 0.1
    net = tl.MLP([np.array([[0.3], [1.0], [-2.0]])], ["sigmoid"])
    points = plotting.boundary_points(net, X)
    assert len(points) > 10
    np.testing.assert_allclose(0.3 + points[:, 0] - 2.0 * points[:, 1], 0.0, atol=1e-12)
