"""Bad input gets a clear error naming the expected and the actual shape or value;
extreme inputs stay finite without numpy warnings (pytest turns warnings into errors)."""

import numpy as np
import pytest

import tutorial_lib as tl


@pytest.fixture
def net():
    return tl.MLP.from_sizes([3, 2, 1], ["relu", "sigmoid"], seed=0)


@pytest.fixture
def data():
    return tl.load_wine_binary()


def test_missing_bias_row_is_named(net, data):
    X, _ = data
    with pytest.raises(ValueError, match=r"shape \(3, n\).*got shape \(2, 130\).*bias row.*add_bias_row"):
        net.forward(X[1:])


def test_bias_row_must_be_ones(net, data):
    X, _ = data
    with pytest.raises(ValueError, match=r"first row must be the bias row of ones.*add_bias_row"):
        net.forward(X[[1, 0, 2]])


def test_transposed_X_is_named(net, data):
    X, _ = data
    with pytest.raises(ValueError, match=r"got shape \(130, 3\).*transposed"):
        net.forward(X.T)


def test_fan_in_mismatch_is_named():
    with pytest.raises(ValueError, match=r"W\[2\] must have shape \(2, fan_out\).*got shape \(3, 1\)"):
        tl.MLP([np.zeros((3, 2)), np.zeros((3, 1))], ["relu", "sigmoid"])
    with pytest.raises(ValueError, match=r"W\[2\] must have shape \(3, fan_out\).*hidden_bias=True.*got shape \(2, 1\)"):
        tl.MLP([np.zeros((3, 2)), np.zeros((2, 1))], ["relu", "sigmoid"], hidden_bias=True)


def test_wrong_n_in_Y_is_named(net, data):
    X, Y = data
    net.forward(X)
    with pytest.raises(ValueError, match=r"Y must have the shape of Y_hat, \(1, 130\).*got shape \(1, 129\)"):
        net.backward(Y[:, 1:])


def test_labels_outside_0_1(net, data):
    X, Y = data
    net.forward(X)
    bad = Y.copy()
    bad[0, 5] = 2.0
    with pytest.raises(ValueError, match=r"labels 0 or 1; entry \(0, 5\) is 2.0"):
        net.backward(bad)
    with pytest.raises(ValueError, match=r"labels 0 or 1"):
        tl.bce_loss([[0.5, 0.5]], [[0.0, -1.0]])


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nan_and_inf_are_rejected(net, data, bad):
    X, Y = data
    X = X.copy()
    X[2, 7] = bad
    with pytest.raises(ValueError, match=r"X must be finite; entry \(2, 7\)"):
        net.forward(X)
    with pytest.raises(ValueError, match=r"Y_hat must be finite"):
        tl.bce_loss([[0.5, bad]], [[0.0, 1.0]])
    with pytest.raises(ValueError, match=r"must be finite"):
        tl.sigmoid([0.0, bad])


def test_strings_are_a_type_error(net):
    with pytest.raises(TypeError, match=r"X must be a numeric array; got a string"):
        net.forward("1, 2, 3")
    with pytest.raises(TypeError, match=r"must hold real numbers.*dtype <U"):
        tl.relu(np.array(["a", "b"]))
    with pytest.raises(TypeError, match=r"alpha must be a real number"):
        tl.bce_loss([[0.5]], [[1.0]], alpha="10")
    with pytest.raises(TypeError, match=r"activations must be a list"):
        tl.MLP([np.zeros((3, 1))], "sigmoid")


def test_row_vector_as_1d_is_rejected_never_broadcast(net, data):
    X, Y = data
    # (n,) against (1, n) would silently broadcast to (n, n); the library refuses it.
    with pytest.raises(ValueError, match=r"2-D matrix of shape \(1, n\).*got shape \(130,\).*reshape\(1, -1\)"):
        tl.bce_loss(np.full(130, 0.5), Y)
    with pytest.raises(ValueError, match=r"got shape \(130,\)"):
        tl.bce_grad(np.full((1, 130), 0.5), Y[0])
    with pytest.raises(ValueError, match=r"got shape \(130,\)"):
        tl.mse_grad(np.zeros((1, 130)), Y[0])
    net.forward(X)
    with pytest.raises(ValueError, match=r"got shape \(130,\)"):
        net.backward(Y[0])


def test_column_vector_against_row_is_rejected():
    with pytest.raises(ValueError, match=r"same shape; got Y_hat \(1, 3\) and Y \(3, 1\).*transpose"):
        tl.bce_loss(np.full((1, 3), 0.5), np.zeros((3, 1)))


def test_backward_before_forward_says_so(net):
    with pytest.raises(RuntimeError, match=r"call net.forward\(X\) first"):
        net.backward(np.zeros((1, 4)))
    with pytest.raises(RuntimeError, match=r"forward and backward first"):
        net.gradient_norms()


def test_unknown_names_and_options(net, data):
    X, Y = data
    with pytest.raises(ValueError, match=r"'sigmoidd' is not one of"):
        tl.MLP([np.zeros((3, 1))], ["sigmoidd"])
    with pytest.raises(ValueError, match=r"softmax is only supported as the output"):
        tl.MLP([np.zeros((3, 2)), np.zeros((2, 1))], ["softmax", "sigmoid"])
    net.forward(X)
    with pytest.raises(ValueError, match=r"loss must be one of bce, softmax_ce, mse; got 'ce'"):
        net.backward(Y, loss="ce")
    with pytest.raises(ValueError, match=r"alpha and beta weight the classes of loss='bce'"):
        net.backward(Y, loss="mse", alpha=2.0)
    with pytest.raises(TypeError, match=r"unexpected options \['gamma'\]"):
        net.fit(X, Y, lr=0.1, epochs=1, gamma=1.0)
    with pytest.raises(ValueError, match=r"init must be one of xavier, he, normal"):
        tl.MLP.from_sizes([3, 1], ["sigmoid"], init="glorot")


def test_one_hot_targets_must_be_columns():
    Y_hat = tl.softmax(np.zeros((3, 4)))
    Y = np.eye(3)[[0, 1, 2, 0]]  # (n, K) by mistake: rows are samples
    with pytest.raises(ValueError, match=r"same shape; got Y_hat \(3, 4\) and Y \(4, 3\)"):
        tl.softmax_ce_loss(Y_hat, Y)
    with pytest.raises(ValueError, match=r"column 0 sums to 2"):
        tl.softmax_ce_loss(Y_hat, np.ones((3, 4)) * np.array([[1], [1], [0]]))


def test_step_checks_gradient_shapes(net):
    with pytest.raises(ValueError, match=r"grads\[0\] must have the shape of W\[1\], \(3, 2\); got \(2, 3\)"):
        net.step([np.zeros((2, 3)), np.zeros((2, 1))], lr=0.1)
    with pytest.raises(ValueError, match=r"one gradient per layer: 2 layers, got 1"):
        net.step([np.zeros((3, 2))], lr=0.1)


def test_inputs_are_not_aliased():
    W = np.ones((3, 1))
    net = tl.MLP([W], ["sigmoid"])
    net.step([np.ones((3, 1))], lr=1.0)
    np.testing.assert_array_equal(W, np.ones((3, 1)))  # the caller's array is untouched


# --------------------------------------------------------------------------- numerics

def test_sigmoid_extremes_are_exact_and_quiet():
    s = tl.sigmoid(np.array([-1000.0, -50.0, 0.0, 50.0, 1000.0]))
    assert np.all(np.isfinite(s))
    assert s[0] == 0.0 and s[-1] == 1.0 and s[2] == 0.5
    assert s[1] == pytest.approx(np.exp(-50.0), rel=1e-12)  # tiny values are kept, not rounded to 0
    g = tl.sigmoid_grad(np.array([-1000.0, 0.0, 1000.0]))
    np.testing.assert_array_equal(g, [0.0, 0.25, 0.0])


def test_bce_at_zero_and_one_is_finite():
    Y = np.array([[0.0, 1.0, 0.0, 1.0]])
    Y_hat = np.array([[0.0, 1.0, 1.0, 0.0]])
    E = tl.bce_loss(Y_hat, Y)
    G = tl.bce_grad(Y_hat, Y)
    # Two confident mistakes cost -log(EPS) ~ 34.5 each, averaged over n = 4.
    assert E == pytest.approx(-2 * np.log(tl.losses.EPS) / 4, rel=1e-4)  # 1 - EPS rounds slightly
    assert np.all(np.isfinite(G))


def test_softmax_of_large_logits():
    P = tl.softmax(np.array([[1000.0, -1000.0], [999.0, -999.0], [0.0, 1000.0]]))
    assert np.all(np.isfinite(P))
    np.testing.assert_allclose(P.sum(axis=0), 1.0)
    assert P[0, 0] == pytest.approx(1 / (1 + np.exp(-1)), rel=1e-12)
    assert tl.softmax_ce_loss(P, np.eye(3)[:, [1, 0]]) > 0


def test_deep_sigmoid_forward_and_backward_on_large_inputs_are_finite():
    rng = np.random.default_rng(0)
    X = tl.add_bias_row(rng.normal(scale=1e4, size=(2, 50)))
    Y = (rng.random((1, 50)) < 0.5).astype(float)
    net = tl.MLP.from_sizes([3] + [32] * 50 + [1], "sigmoid", init="normal", scale=10.0, seed=0)
    Y_hat = net.forward(X)
    assert np.all(np.isfinite(Y_hat))
    grads = net.backward(Y)
    assert all(np.all(np.isfinite(g)) for g in grads)
    assert np.isfinite(net.loss(X, Y))


def test_saturated_network_loss_uses_logits():
    # Y_hat rounds to exactly 1.0 for f = 40; the logits keep the true loss of a wrong answer.
    net = tl.MLP([np.array([[40.0]])], ["sigmoid"])
    X = np.ones((1, 1))
    assert net.loss(X, np.array([[0.0]])) == pytest.approx(40.0, rel=1e-12)
    net.forward(X)
    (g,) = net.backward(np.array([[0.0]]))
    assert g[0, 0] == pytest.approx(1.0, rel=1e-12)  # (Y_hat - Y) * X, no 1/(1 - Y_hat) blow-up


def test_softmax_network_on_samples_far_apart_stays_finite_and_learns():
    """Each sample's logits are shifted by their own maximum: a sample whose logits lie 2000 below
    another's keeps a proper probability vector, a finite loss and a finite gradient."""
    X = tl.add_bias_row(np.array([[0.0, 1.0, -2000.0, 1500.0], [1.0, 0.0, -2000.0, -300.0]]))
    Y = np.eye(2)[:, [0, 1, 0, 1]]
    net = tl.MLP([np.array([[0.0, 0.5], [1.0, 0.0], [0.0, 1.0]])], ["softmax"])
    P = net.forward(X)
    assert np.all(np.isfinite(P)) and np.allclose(P.sum(axis=0), 1.0, rtol=1e-15)
    assert P[1, 2] == pytest.approx(1 / (1 + np.exp(-0.5)), rel=1e-14)  # logits (-2000, -1999.5)
    history = net.fit(X, Y, lr=1e-4, epochs=3, loss="softmax_ce")
    assert np.all(np.isfinite(history)) and np.all(np.isfinite(net.weights[0]))
