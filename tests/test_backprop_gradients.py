"""Every backward path against central differences in float64.

Tolerance: relative error below 1e-7 (``tutorial_lib.gradcheck.TOLERANCE``).
A correct backward lands near 1e-9 with eps = 1e-6 (truncation ~eps^2, rounding
~1e-16/eps); a wrong factor, sign or transpose lands near 1.
"""

import itertools
import zlib

import numpy as np
import pytest

import tutorial_lib as tl
from tutorial_lib.gradcheck import TOLERANCE

HIDDEN = ["sigmoid", "relu", "leaky_relu", "tanh", "identity"]


def _data(rng, n_features, n, k, loss):
    X = tl.add_bias_row(rng.normal(size=(n_features, n)))
    if loss == "bce":
        Y = (rng.random((1, n)) < 0.5).astype(float)
    elif loss == "softmax_ce":
        Y = np.eye(k)[rng.integers(0, k, n)].T
    else:
        Y = rng.normal(size=(k, n))
    return X, Y


OUTPUTS = {"bce": ["sigmoid"], "softmax_ce": ["softmax"], "mse": ["identity", "sigmoid", "tanh", "softmax"]}
CASES = [
    (loss, out, hidden, hb)
    for loss, outs in OUTPUTS.items()
    for out in outs
    for hidden, hb in itertools.product(HIDDEN, [False, True])
]


@pytest.mark.parametrize("loss,out,hidden,hidden_bias", CASES)
def test_backward_matches_numerical_gradient(loss, out, hidden, hidden_bias):
    # A stable seed per case (str hashes vary between runs).
    seed = zlib.crc32(repr((loss, out, hidden, hidden_bias)).encode())
    rng = np.random.default_rng(seed)
    n_features, n = rng.integers(1, 5), rng.integers(2, 9)
    widths = list(rng.integers(1, 6, size=rng.integers(1, 3)))
    k = 1 if loss == "bce" else int(rng.integers(2, 5))
    X, Y = _data(rng, n_features, n, k, loss)
    net = tl.MLP.from_sizes([n_features + 1, *widths, k], [hidden] * len(widths) + [out],
                            seed=rng, hidden_bias=hidden_bias, init="normal", scale=0.8)
    options = {"loss": loss, "l2": 0.05}
    if loss == "bce":
        options.update(alpha=2.5, beta=0.4)
    report = tl.check_gradients(net, X, Y, **options)
    assert report.max_error < TOLERANCE, str(report)


@pytest.mark.parametrize("alpha,beta,l2", [(1.0, 1.0, 0.0), (10.0, 1.0, 0.0), (0.3, 2.0, 0.1), (1.0, 1.0, 1e-3)])
def test_weighted_bce_and_l2_paths(alpha, beta, l2):
    rng = np.random.default_rng(7)
    X, Y = _data(rng, 2, 11, 1, "bce")
    net = tl.MLP.from_sizes([3, 4, 3, 1], ["relu", "tanh", "sigmoid"], seed=3, hidden_bias=True)
    report = tl.check_gradients(net, X, Y, alpha=alpha, beta=beta, l2=l2)
    assert report.ok and report.max_error < TOLERANCE, str(report)


def test_grad_f_and_grad_a_are_the_chain_rule_pieces():
    rng = np.random.default_rng(0)
    X, Y = _data(rng, 2, 6, 1, "bce")
    net = tl.MLP.from_sizes([3, 4, 1], ["tanh", "sigmoid"], seed=1)
    net.forward(X)
    grads = net.backward(Y)
    # Shapes: every gradient has the shape of what it differentiates.
    for g, W in zip(grads, net.weights):
        assert g.shape == W.shape
    for gf, f in zip(net.grad_f, net.f):
        assert gf.shape == f.shape
    for ga, a in zip(net.grad_a, net.a):
        assert ga.shape == a.shape
    # dE/dW[l] = a[l-1] (dE/df[l])^T and dE/df[l] = dE/da[l] * g'(f[l]).
    np.testing.assert_allclose(grads[1], net.a[0] @ net.grad_f[1].T, rtol=1e-12)
    np.testing.assert_allclose(net.grad_f[0], net.grad_a[0] * tl.tanh_grad(net.f[0]), rtol=1e-12)
    # dE/da[1] numerically: perturb a hidden activation through f[2] = W[2].T a[1].
    a1 = net.a[0].copy()

    def loss_of_a1():
        Y_hat = tl.sigmoid(net.weights[1].T @ a1)
        return tl.bce_loss(Y_hat, Y)

    assert tl.relative_error(net.grad_a[0], tl.numerical_gradient(loss_of_a1, a1)) < TOLERANCE


def test_gradient_norms_report_each_layer():
    rng = np.random.default_rng(0)
    X, Y = _data(rng, 2, 10, 1, "bce")
    net = tl.MLP.from_sizes([3, 5, 5, 1], "sigmoid", seed=0)
    net.forward(X)
    net.backward(Y)
    norms = net.gradient_norms()
    np.testing.assert_array_equal(norms["layer"], [1, 2, 3])
    np.testing.assert_allclose(norms["dW"], [np.linalg.norm(g) for g in net.grad_W])
    np.testing.assert_allclose(norms["df"], [np.linalg.norm(g) for g in net.grad_f])


def test_numerical_gradient_restores_W_even_when_f_raises():
    W = np.arange(6.0).reshape(2, 3)
    original = W.copy()
    calls = []

    def f():
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("boom")
        return float((W ** 2).sum())

    with pytest.raises(RuntimeError):
        tl.numerical_gradient(f, W)
    np.testing.assert_array_equal(W, original)
    np.testing.assert_allclose(tl.numerical_gradient(lambda: float((W ** 2).sum()), W), 2 * W, rtol=1e-8)
    np.testing.assert_array_equal(W, original)


def test_relative_error():
    assert tl.relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert tl.relative_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert tl.relative_error([1.0], [-1.0]) == pytest.approx(1.0)
    with pytest.raises(ValueError, match=r"same shape"):
        tl.relative_error(np.zeros((1, 3)), np.zeros((3, 1)))


def test_gradient_norms_are_readable_in_a_fit_callback():
    rng = np.random.default_rng(0)
    X, Y = _data(rng, 2, 10, 1, "bce")
    net = tl.MLP.from_sizes([3, 4, 1], "sigmoid", seed=0)
    seen = []
    net.fit(X, Y, lr=0.1, epochs=3, callback=lambda epoch, model, loss: seen.append(model.gradient_norms()["dW"]))
    assert len(seen) == 3 and all(norms.shape == (2,) and np.all(norms > 0) for norms in seen)


def test_numerical_jacobian_of_a_linear_map_is_its_matrix():
    A = np.arange(12.0).reshape(4, 3) - 5.0
    z = np.array([0.3, -1.2, 2.0])
    J = tl.gradcheck.numerical_jacobian(lambda v: A @ v, z)
    assert J.shape == (4, 3)
    np.testing.assert_allclose(J, A, rtol=1e-8, atol=1e-8)
    np.testing.assert_array_equal(z, [0.3, -1.2, 2.0])  # the point is not modified


# --------------------------------------------------------------------------- the ReLU family's own backward

@pytest.mark.parametrize("hidden_bias", [False, True])
def test_zero_initialised_relu_layer_passes_no_gradient_to_its_weights(hidden_bias):
    """f[1] = 0 everywhere when W[1] = 0, and ReLU'(0) = 1[0 > 0] = 0 (the tutorial's convention):
    the first layer's gradient is exactly zero, however large the gradient that reaches a[1]."""
    rng = np.random.default_rng(0)
    X, Y = _data(rng, 2, 7, 1, "bce")
    W2 = rng.normal(size=(4 + hidden_bias, 1)) + 2.0  # non-zero: dE/da[1] = W[2] dE/df[2] is not 0
    net = tl.MLP([np.zeros((3, 4)), W2], ["relu", "sigmoid"], hidden_bias=hidden_bias)
    net.forward(X)
    grads = net.backward(Y)
    assert np.all(net.f[0] == 0.0)
    assert np.all(net.grad_a[0] != 0.0), "the test needs a non-zero gradient arriving at a[1]"
    np.testing.assert_array_equal(net.grad_f[0], 0.0)
    np.testing.assert_array_equal(grads[0], 0.0)


@pytest.mark.parametrize("slope", [0.0, 0.2, 0.5, 1.0])
def test_zero_initialised_leaky_relu_layer_uses_its_slope_at_zero(slope):
    """Leaky ReLU'(0) = a (the tutorial's 1 if s > 0 else a): dE/df[1] = a dE/da[1] exactly."""
    rng = np.random.default_rng(1)
    X, Y = _data(rng, 2, 6, 1, "bce")
    net = tl.MLP([np.zeros((3, 3)), rng.normal(size=(3, 1)) + 2.0], ["leaky_relu", "sigmoid"], leaky_slope=slope)
    net.forward(X)
    grads = net.backward(Y)
    np.testing.assert_array_equal(net.grad_f[0], slope * net.grad_a[0])
    np.testing.assert_allclose(grads[0], X @ (slope * net.grad_a[0]).T, rtol=1e-15, atol=0)


@pytest.mark.parametrize("slope", [0.0, 0.05, 0.3, 1.0, 2.5])
@pytest.mark.parametrize("hidden_bias", [False, True])
def test_leaky_relu_backward_uses_the_networks_slope(slope, hidden_bias):
    """The network's own Leaky ReLU backward, for slopes other than the default 0.01, against
    central differences and against the public derivative tl.leaky_relu_grad."""
    seed = zlib.crc32(repr((slope, hidden_bias)).encode())
    rng = np.random.default_rng(seed)
    X, Y = _data(rng, 3, 9, 1, "bce")
    net = tl.MLP.from_sizes([4, 5, 4, 1], ["leaky_relu", "leaky_relu", "sigmoid"], init="normal",
                            seed=rng, hidden_bias=hidden_bias, leaky_slope=slope)
    net.forward(X)
    net.backward(Y)
    for f in net.f[:-1]:
        assert (f < 0).any() and (f > 0).any(), "the test needs units on both sides of the kink"
    for i in range(2):
        np.testing.assert_allclose(net.grad_f[i], net.grad_a[i] * tl.leaky_relu_grad(net.f[i], a=slope),
                                   rtol=1e-15, atol=0)
    report = tl.check_gradients(net, X, Y)
    assert report.max_error < TOLERANCE, str(report)
