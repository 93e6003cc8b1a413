"""Unit tests of the notebook 04 checkers (vanishing gradients).

The reference solutions are the answer cells of solutions/04_vanishing_gradients.ipynb, so these tests
also prove that the notebook's own answers pass; every planted mistake must fail with its hint.
"""

import numpy as np
import pytest
from notebook_answers import assert_reference_passes, exercises, mistake_message

import tutorial_lib as tl
from tutorial_lib import checks
from tutorial_lib.checks import nb04

NOTEBOOK = "04_vanishing_gradients"
EXERCISES = exercises(NOTEBOOK)


@pytest.mark.parametrize("exercise", ["4.2", "4.3"])  # the gradient bound, the ReLU network
def test_reference_solution_passes(exercise):
    assert_reference_passes(NOTEBOOK, exercise)


@pytest.mark.parametrize("mistake", nb04.PLANTED_MISTAKES, ids=lambda m: f"{m['exercise']}-{m['kind']}")
def test_planted_mistake_fails_with_its_hint(mistake):
    mistake_message(NOTEBOOK, mistake)


def test_planted_mistakes_cover_every_code_exercise():
    assert {m["exercise"] for m in nb04.PLANTED_MISTAKES} == {"4.2", "4.3"}


def test_bound_message_names_expected_and_actual_values():
    def too_many_quarters(weights, last_norm):
        L = len(weights)
        norms = [np.linalg.norm(W, 2) for W in weights]
        return np.array([0.25 ** (L - l + 1) * np.prod(norms[l:]) * last_norm for l in range(1, L + 1)])

    with pytest.raises(AssertionError) as info:
        checks.exercise_4_2(too_many_quarters)
    message = str(info.value)
    assert "expected: [" in message and "got:      [" in message and "worst entry" in message
    assert "(1/4)^(L-l+1)" in message


def test_bound_with_one_entry_too_few_is_reported_by_shape():
    def no_last_layer(weights, last_norm):
        L = len(weights)
        norms = [np.linalg.norm(W, 2) for W in weights]
        return np.array([0.25 ** (L - l) * np.prod(norms[l:]) * last_norm for l in range(1, L)])

    with pytest.raises(AssertionError, match=r"including l = L"):
        checks.exercise_4_2(no_last_layer)


def test_bound_returning_none_says_return():
    with pytest.raises(AssertionError, match="return"):
        checks.exercise_4_2(lambda weights, last_norm: None)


def test_relu_network_message_names_the_measured_norms():
    def xavier(depth, width, seed):
        return tl.MLP.from_sizes([3] + [width] * depth + [1], "relu", seed=seed)

    with pytest.raises(AssertionError) as info:
        checks.exercise_4_3(xavier)
    message = str(info.value)
    assert "expected: a ratio between 1e-3 and 1e3" in message
    assert "got:      " in message and "e-0" in message


def test_relu_network_wrong_sizes_and_non_mlp():
    with pytest.raises(AssertionError, match="wrong layer sizes"):
        checks.exercise_4_3(lambda depth, width, seed: tl.MLP.from_sizes([3, width, 1], "relu", init="he", seed=seed))
    with pytest.raises(AssertionError, match="must return a tl.MLP"):
        checks.exercise_4_3(lambda depth, width, seed: [depth, width])


def test_relu_network_exploding_scale_is_reported():
    def too_large(depth, width, seed):
        return tl.MLP.from_sizes([3] + [width] * depth + [1], "relu", init="he", scale=2.0, seed=seed)

    with pytest.raises(AssertionError, match="explodes"):
        checks.exercise_4_3(too_large)


def test_unattempted_exercise_raises_not_implemented():
    def todo(*args):
        raise NotImplementedError()

    for checker in (checks.exercise_4_2, checks.exercise_4_3):
        with pytest.raises(NotImplementedError):
            checker(todo)


def test_library_bound_curve_is_a_true_bound_and_matches_the_checker():
    X, Y = tl.load_wine_binary()
    from tutorial_lib import plotting

    net = tl.MLP.from_sizes([3] + [16] * 20 + [1], "sigmoid", seed=1)
    net.forward(X)
    net.backward(Y)
    measured = net.gradient_norms()["df"]
    curve = plotting.gradient_bound_curve(net)
    np.testing.assert_allclose(curve, nb04._bound(net.weights, measured[-1]), rtol=1e-10)
    assert np.all(measured <= curve)
