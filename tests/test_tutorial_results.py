"""The tutorial's own results (seed document 000, parts A and B) as tests."""

import numpy as np
import pytest

import tutorial_lib as tl


def test_loss_example_of_part_A():
    # E = -(1/2) [log(0.8) + log(0.9)] ~ 0.16425
    E = tl.bce_loss(np.array([[0.2, 0.9]]), np.array([[0.0, 1.0]]))
    assert E == pytest.approx(-(np.log(0.8) + np.log(0.9)) / 2, rel=1e-15)
    assert round(E, 5) == 0.16425


def test_weighted_loss_example_of_part_A4():
    alpha, beta = 10.0, 1.0
    E = tl.bce_loss([[0.2, 0.9]], [[0, 1]], alpha=alpha, beta=beta)
    assert E == pytest.approx(-(beta * np.log(0.8) + alpha * np.log(0.9)) / 2, rel=1e-15)


def test_dE_dYhat_for_one_sample():
    for y in (0.0, 1.0):
        y_hat = 0.3
        got = tl.bce_grad([[y_hat]], [[y]])
        assert got[0, 0] == pytest.approx(-y / y_hat + (1 - y) / (1 - y_hat), rel=1e-14)


def test_dE_df_is_Yhat_minus_Y_over_n_and_dE_dW_is_X_dEdf_T():
    X, Y = tl.load_wine_binary()
    rng = np.random.default_rng(0)
    net = tl.MLP([rng.normal(size=(3, 1))], ["sigmoid"])
    Y_hat = net.forward(X)
    grads = net.backward(Y)
    n = X.shape[1]
    np.testing.assert_allclose(net.grad_f[0], (Y_hat - Y) / n, rtol=1e-14, atol=1e-18)
    np.testing.assert_allclose(grads[0], X @ net.grad_f[0].T, rtol=1e-14)
    # Part A.1(c): for n = 1, dE/dW20 = (dE/df)_0 X_20.
    x = X[:, :1]
    net.forward(x)
    g = net.backward(Y[:, :1])
    assert g[0][2, 0] == pytest.approx(net.grad_f[0][0, 0] * x[2, 0], rel=1e-14)


@pytest.mark.parametrize("y0", [0.0, 1.0])
@pytest.mark.parametrize("alpha,beta", [(1.0, 1.0), (10.0, 1.0), (0.5, 3.0)])
def test_closed_form_dE_dW11_of_part_B(y0, alpha, beta):
    rng = np.random.default_rng(42)
    W1 = rng.normal(size=(3, 2))
    W2 = rng.normal(size=(2, 1))
    x = np.array([[1.0], [0.7], [-0.4]])
    net = tl.MLP([W1, W2], ["relu", "sigmoid"])
    # Make sure hidden unit 1 is active so that the indicator is 1 and the formula is non-trivial.
    if (W1.T @ x)[1, 0] <= 0:
        net.weights[0][:, 1] *= -1
    y_hat = net.forward(x)[0, 0]
    grads = net.backward(np.array([[y0]]), alpha=alpha, beta=beta)
    f1 = net.f[0]
    f2 = net.f[1][0, 0]
    s = tl.sigmoid(f2)
    closed = ((-alpha * y0 / y_hat + beta * (1 - y0) / (1 - y_hat)) * s * (1 - s)
              * net.weights[1][1, 0] * float(f1[1, 0] > 0) * x[1, 0])
    assert grads[0][1, 1] == pytest.approx(closed, rel=1e-12)


def test_fit_agrees_with_unpenalized_sklearn_logistic_regression():
    from sklearn.linear_model import LogisticRegression

    X, Y = tl.load_wine_binary()
    net = tl.MLP([np.zeros((3, 1))], ["sigmoid"])
    history = net.fit(X, Y, lr=1.0, epochs=3000)
    assert np.all(np.diff(history) <= 1e-15), "full-batch gradient descent on a convex loss never goes up here"
    # C=np.inf is the unpenalized fit (penalty=None now warns); tight tol so sklearn converges fully.
    ref = LogisticRegression(C=np.inf, tol=1e-12, max_iter=10_000).fit(X[1:].T, Y[0])
    expected = np.concatenate([ref.intercept_, ref.coef_[0]])
    np.testing.assert_allclose(net.weights[0][:, 0], expected, atol=1e-3)


def test_fit_is_deterministic_for_a_seed():
    X, Y = tl.load_wine_imbalanced(n_a=30, n_b=90, seed=1)

    def run(seed):
        net = tl.MLP.from_sizes([3, 6, 1], ["relu", "sigmoid"], seed=5)
        history = net.fit(X, Y, lr=0.3, epochs=15, batch_size=16, seed=seed)
        return history, net.weights

    h1, w1 = run(0)
    h2, w2 = run(0)
    h3, _ = run(1)
    np.testing.assert_array_equal(h1, h2)
    for a, b in zip(w1, w2):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(h1, h3), "a different shuffling seed should change the path"


def test_fit_history_is_the_loss_after_each_epoch():
    X, Y = tl.load_wine_binary()
    net = tl.MLP([np.zeros((3, 1))], ["sigmoid"])
    history = net.fit(X, Y, lr=0.5, epochs=4, alpha=2.0, beta=1.0, l2=0.01)
    assert history.shape == (4,)
    assert history[-1] == pytest.approx(net.loss(X, Y, alpha=2.0, beta=1.0, l2=0.01), rel=1e-14)
    seen = []
    net2 = tl.MLP([np.zeros((3, 1))], ["sigmoid"])
    net2.fit(X, Y, lr=0.5, epochs=4, alpha=2.0, beta=1.0, l2=0.01,
             callback=lambda epoch, model, loss: seen.append((epoch, loss)))
    assert [e for e, _ in seen] == [1, 2, 3, 4]
    np.testing.assert_allclose([loss for _, loss in seen], history, rtol=1e-15)


def test_mlp_loss_from_logits_matches_the_public_losses():
    rng = np.random.default_rng(3)
    X = tl.add_bias_row(rng.normal(size=(4, 9)))
    Y = (rng.random((1, 9)) < 0.4).astype(float)
    net = tl.MLP.from_sizes([5, 3, 1], ["tanh", "sigmoid"], seed=2)
    assert net.loss(X, Y, alpha=3.0, beta=0.5) == pytest.approx(
        tl.bce_loss(net.forward(X), Y, alpha=3.0, beta=0.5), rel=1e-12)
    K = np.eye(3)[rng.integers(0, 3, 9)].T
    net3 = tl.MLP.from_sizes([5, 4, 3], ["relu", "softmax"], seed=2, hidden_bias=True)
    assert net3.loss(X, K, loss="softmax_ce") == pytest.approx(tl.softmax_ce_loss(net3.forward(X), K), rel=1e-12)
    T = rng.normal(size=(3, 9))
    net4 = tl.MLP.from_sizes([5, 4, 3], ["sigmoid", "identity"], seed=2)
    assert net4.loss(X, T, loss="mse", l2=0.2) == pytest.approx(
        tl.mse_loss(net4.forward(X), T) + 0.2 * sum((W ** 2).sum() for W in net4.weights), rel=1e-12)
