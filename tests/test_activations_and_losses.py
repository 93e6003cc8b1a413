"""Activations and losses: values, derivatives against central differences, shapes."""

import math

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


# --------------------------------------------------------------------------- exact values, computed independently

def _sigmoid_by_hand(s: float) -> float:
    """The logistic function in plain Python floats (math.exp, correctly rounded to within an ulp)."""
    if s >= 0:
        return 1.0 / (1.0 + math.exp(-s))
    e = math.exp(s)
    return e / (1.0 + e)


WIDE = np.concatenate([np.linspace(-700.0, 700.0, 2801), np.geomspace(1e-300, 50.0, 400),
                       -np.geomspace(1e-300, 50.0, 400), [0.0, -0.0, 5e-324, -5e-324]])


def test_sigmoid_matches_a_hand_computation_to_1e15():
    got = tl.sigmoid(WIDE)
    expected = np.array([_sigmoid_by_hand(float(s)) for s in WIDE])
    np.testing.assert_allclose(got, expected, rtol=1e-15, atol=0)
    # ... and scipy's expit, which the library used before numpy's vectorised exp.
    from scipy.special import expit

    np.testing.assert_allclose(got, expit(WIDE), rtol=1e-15, atol=0)


def test_sigmoid_keeps_shapes_and_gives_numbers_for_numbers():
    assert tl.sigmoid(0.0) == 0.5 and isinstance(tl.sigmoid(0.0), float)
    assert tl.sigmoid([[0.0, 1.0]]).shape == (1, 2)
    s = np.arange(-3.0, 3.0).reshape(2, 3)
    before = s.copy()
    tl.sigmoid(s), tl.sigmoid_grad(s), tl.tanh(s), tl.tanh_grad(s), tl.softmax(s), tl.relu(s), tl.leaky_relu(s)
    np.testing.assert_array_equal(s, before)  # the caller's array is never written to


def test_sigmoid_grad_and_tanh_match_hand_computations():
    s = np.linspace(-40.0, 40.0, 801)
    np.testing.assert_allclose(tl.sigmoid_grad(s), [_sigmoid_by_hand(x) * (1 - _sigmoid_by_hand(x)) for x in s],
                               rtol=1e-14, atol=0)
    np.testing.assert_allclose(tl.tanh(WIDE), [math.tanh(x) for x in WIDE], rtol=1e-15, atol=0)
    # 1 - tanh(s)^2 cancels for large |s|: both sides then carry an absolute error of an ulp of 1.
    np.testing.assert_allclose(tl.tanh_grad(s), [1 - math.tanh(x) ** 2 for x in s], rtol=1e-15, atol=5e-16)


def _softmax_column_by_hand(column):
    m = max(column)
    e = [math.exp(z - m) for z in column]
    return [x / sum(e) for x in e]


def test_softmax_shifts_each_column_by_its_own_maximum():
    """A column whose logits lie far below another column's must still be a probability vector:
    shifting by the maximum of the whole matrix would underflow it to 0 / 0."""
    S = np.array([[3.0, -2000.0, 800.0, 1e-3],
                  [1.0, -2001.0, 799.0, 0.0],
                  [2.0, -1999.5, -900.0, -1e-3]])
    P = tl.softmax(S)
    expected = np.column_stack([_softmax_column_by_hand(list(S[:, j])) for j in range(S.shape[1])])
    np.testing.assert_allclose(P, expected, rtol=1e-15, atol=1e-300)
    np.testing.assert_allclose(P.sum(axis=0), 1.0, rtol=1e-15)
    # The same through the network, whose output layer uses the same kernel, and its loss and gradient.
    net = tl.MLP([np.vstack([np.zeros((1, 3)), np.eye(3)])], ["softmax"])
    X = tl.add_bias_row(S)
    np.testing.assert_allclose(net.forward(X), expected, rtol=1e-15, atol=1e-300)
    Yk = np.eye(3)[:, [0, 2, 1, 0]]
    loss = net.loss(X, Yk, loss="softmax_ce")
    by_hand = -sum(math.log(expected[k, j]) if expected[k, j] > 0 else
                   (S[k, j] - max(S[:, j])) - math.log(sum(math.exp(z - max(S[:, j])) for z in S[:, j]))
                   for j, k in enumerate([0, 2, 1, 0])) / 4
    assert loss == pytest.approx(by_hand, rel=1e-14)
    net.forward(X)
    (g,) = net.backward(Yk, loss="softmax_ce")
    np.testing.assert_allclose(g, X @ ((expected - Yk) / 4).T, rtol=1e-13, atol=1e-300)


def test_softmax_jacobian_for_a_sample_far_from_zero():
    z = np.array([-1500.0, -1501.0, -1499.0])
    p = np.array(_softmax_column_by_hand(list(z)))
    np.testing.assert_allclose(tl.softmax_jacobian(z), np.diag(p) - np.outer(p, p), rtol=1e-14, atol=1e-300)


def test_log_loss_at_the_extremes_is_finite_quiet_and_right():
    Y = np.array([[1.0, 0.0, 1.0, 0.0, 1.0]])
    P = np.array([[1.0, 0.0, 0.0, 1.0, 0.25]])
    E = tl.bce_loss(P, Y)
    eps = tl.losses.EPS

    def term(p, y):  # the definition, with predictions clipped into [EPS, 1 - EPS] (1 - EPS rounds)
        p = min(max(p, eps), 1.0 - eps)
        return -(y * math.log(p) + (1.0 - y) * math.log1p(-p))

    by_hand = sum(term(p, y) for p, y in zip(P[0], Y[0])) / 5
    assert by_hand == pytest.approx((2 * 34.5388 + math.log(4.0)) / 5, rel=1e-4)  # two confident mistakes
    assert E == pytest.approx(by_hand, rel=1e-15)
    G = tl.bce_grad(P, Y, alpha=2.0, beta=3.0)
    assert np.all(np.isfinite(G))
    assert G[0, 4] == pytest.approx(-2.0 / 0.25 / 5, rel=1e-15)
    # From the logits (what MLP.loss uses): huge logits cost their true amount, log(0) never appears.
    for f, y, cost in [(1000.0, 0.0, 1000.0), (-1000.0, 1.0, 1000.0), (1000.0, 1.0, 0.0), (-745.0, 0.0, 0.0),
                       (0.0, 1.0, math.log(2.0)), (-3.0, 1.0, 3.0 + math.log1p(math.exp(-3.0)))]:
        net = tl.MLP([np.array([[f]])], ["sigmoid"])
        assert net.loss(np.ones((1, 1)), np.array([[y]])) == pytest.approx(cost, rel=1e-15, abs=1e-300)


@pytest.mark.parametrize("a", [0.0, 0.01, 0.2, 1.0, 1.5])
def test_leaky_relu_is_its_definition(a):
    s = np.array([[-3.0, -0.5, -0.0, 0.0, 1e-300, 0.25, 7.0]])
    expected = [[x if x > 0 else a * x for x in s[0]]]
    np.testing.assert_array_equal(tl.leaky_relu(s, a=a), expected)
    np.testing.assert_array_equal(tl.leaky_relu_grad(s, a=a), [[1.0 if x > 0 else a for x in s[0]]])
    np.testing.assert_array_equal(tl.relu(s), [[max(x, 0.0) for x in s[0]]])
