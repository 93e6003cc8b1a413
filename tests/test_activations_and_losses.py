"""Activations and losses: values, derivatives against central differences, shapes."""

import numpy as np
import pytest

import tutorial_lib as tl

PAIRS = [
    (tl.sigmoid, tl.sigmoid_grad),
    (tl.relu, tl.relu_grad),
    (tl.leaky_relu, tl.leaky_relu_grad),
    (lambda s: tl.leaky_relu(s, a=0.2), lambda s: tl.leaky_relu_grad(s, a=0.2)),
    (tl.tanh, tl.tanh_grad),
    (tl.identity, tl.identity_grad),
]


@pytest.mark.parametrize("g,g_grad", PAIRS)
def test_elementwise_derivatives_match_central_differences(g, g_grad):
    # Points away from ReLU's kink at 0, where the derivative is one-sided.
    s = np.array([[-3.0, -0.7, -0.01, 0.02, 0.5, 2.5]])
    eps = 1e-6
    numeric = (g(s + eps) - g(s - eps)) / (2 * eps)
    np.testing.assert_allclose(g_grad(s), numeric, rtol=1e-7, atol=1e-9)
    assert g(s).shape == s.shape and g_grad(s).shape == s.shape


def test_relu_family_at_zero_follows_the_tutorial():
    assert tl.relu_grad(np.array([0.0]))[0] == 0.0  # 1[s > 0]
    assert tl.leaky_relu_grad(np.array([0.0]), a=0.1)[0] == 0.1
    np.testing.assert_array_equal(tl.leaky_relu(np.array([-2.0, 3.0]), a=1.0), [-2.0, 3.0])  # a = 1: identity


def test_softmax_columns_and_jacobian():
    rng = np.random.default_rng(0)
    Z = rng.normal(size=(4, 5))
    P = tl.softmax(Z)
    np.testing.assert_allclose(P.sum(axis=0), 1.0)
    np.testing.assert_allclose(P[:, 2], np.exp(Z[:, 2]) / np.exp(Z[:, 2]).sum())
    z = Z[:, 0]
    J = tl.softmax_jacobian(z)
    eps = 1e-6
    numeric = np.column_stack([
        (tl.softmax((z + eps * e)[:, None]) - tl.softmax((z - eps * e)[:, None]))[:, 0] / (2 * eps)
        for e in np.eye(4)
    ])
    np.testing.assert_allclose(J, numeric, rtol=1e-7, atol=1e-10)
    np.testing.assert_allclose(J.sum(axis=1), 0.0, atol=1e-15)
    np.testing.assert_array_equal(tl.softmax_jacobian(z[:, None]), J)


@pytest.mark.parametrize("loss,grad,kind", [
    (tl.bce_loss, tl.bce_grad, "bce"),
    (lambda p, y: tl.bce_loss(p, y, alpha=4.0, beta=0.5), lambda p, y: tl.bce_grad(p, y, alpha=4.0, beta=0.5), "bce"),
    (tl.softmax_ce_loss, tl.softmax_ce_grad, "ce"),
    (tl.mse_loss, tl.mse_grad, "mse"),
])
def test_loss_gradients_match_central_differences(loss, grad, kind):
    rng = np.random.default_rng(1)
    if kind == "bce":
        P = rng.uniform(0.05, 0.95, size=(1, 7))
        Y = (rng.random((1, 7)) < 0.5).astype(float)
    elif kind == "ce":
        P = tl.softmax(rng.normal(size=(3, 7)))
        Y = np.eye(3)[rng.integers(0, 3, 7)].T
    else:
        P = rng.normal(size=(2, 7))
        Y = rng.normal(size=(2, 7))
    numeric = tl.numerical_gradient(lambda: loss(P, Y), P)
    G = grad(P, Y)
    assert G.shape == P.shape
    assert tl.relative_error(G, numeric) < 1e-7


def test_mse_has_the_one_half():
    assert tl.mse_loss([[3.0, 1.0]], [[1.0, 1.0]]) == pytest.approx(4.0 / (2 * 2))
