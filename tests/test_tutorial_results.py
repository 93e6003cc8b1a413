"""The tutorial's own results (seed document 000, parts A and B) and the worked pass of the answer
sheet (seed document 001, with its mistake corrected) as tests, against numbers computed here."""

import math
import statistics

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
    net.forward(x)
    grads = net.backward(np.array([[y0]]), alpha=alpha, beta=beta)
    f1 = net.f[0]
    f2 = net.f[1][0, 0]
    s = y_hat = _sigma(float(f2))  # by hand, not the library's sigmoid
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


# --------------------------------------------------------------------------- numbers computed by hand
# Each expected number below is computed here, in plain Python floats (math.exp, math.log) from the
# formulas written out, never taken from a run of the library: the library must then agree with it.

def _sigma(t: float) -> float:
    return 1.0 / (1.0 + math.exp(-t)) if t >= 0 else math.exp(t) / (1.0 + math.exp(t))


def _wine_by_hand():
    """Notebook 01's data from scikit-learn's raw table: cultivars class_0 (label 1) and class_1
    (label 0), features colour intensity (column 9) and alcohol (column 0), each standardised
    with its population mean and standard deviation over the 130 wines."""
    from sklearn.datasets import load_wine

    raw = load_wine()
    rows = [(list(x), int(t)) for x, t in zip(raw.data, raw.target) if t <= 1]
    columns = []
    for j in (9, 0):
        values = [float(x[j]) for x, _ in rows]
        mean = statistics.fmean(values)
        std = statistics.pstdev(values, mu=mean)
        columns.append([(v - mean) / std for v in values])
    labels = [1.0 if t == 0 else 0.0 for _, t in rows]
    return columns, labels


def test_wine_demo_loss_of_notebook_01_by_hand():
    """E at W_demo = (0, 1, 1) on the wine data, which notebook 01 prints as 0.2663."""
    (colour, alcohol), labels = _wine_by_hand()
    n = len(labels)
    E = -sum(y * math.log(_sigma(c + a)) + (1 - y) * math.log(1 - _sigma(c + a))
             for c, a, y in zip(colour, alcohol, labels)) / n
    assert round(E, 4) == 0.2663
    X, Y = tl.load_wine_binary()
    np.testing.assert_allclose(X, [[1.0] * n, colour, alcohol], rtol=1e-13, atol=1e-14)
    np.testing.assert_array_equal(Y[0], labels)
    W_demo = np.array([[0.0], [1.0], [1.0]])
    assert tl.bce_loss(tl.sigmoid(W_demo.T @ X), Y) == pytest.approx(E, rel=1e-13)
    assert tl.MLP([W_demo], ["sigmoid"]).loss(X, Y) == pytest.approx(E, rel=1e-13)
    # At W = 0 every wine gets 1/2 and E = log 2.
    assert tl.MLP([np.zeros((3, 1))], ["sigmoid"]).loss(X, Y) == pytest.approx(math.log(2.0), rel=1e-15)


# The worked forward/backward pass of the answer sheet (seed document 001, question 13 d): three
# samples x = (1, x1, x2) with the bias first, hidden units j = 1..3 with weights w_j, a linear
# output y_hat = v1 + sum_j v_{j+1} z_j, and L = sum_k (y_hat_k - y_k)^2.
SHEET_X = [(1.0, 1.0, 2.0), (1.0, 1.0, 3.0), (1.0, 2.0, 2.0)]          # samples
SHEET_W = [(0.01, 0.02, 0.03), (0.03, 0.01, 0.02), (0.02, 0.03, 0.01)]  # w_j: bias, x1, x2 weights
SHEET_V = (0.01, 0.02, 0.03, 0.04)
SHEET_Y = (8.0, 11.0, 10.0)


def _sheet_by_hand():
    z = [[_sigma(sum(w * x for w, x in zip(SHEET_W[j], SHEET_X[k]))) for k in range(3)] for j in range(3)]
    y_hat = [SHEET_V[0] + sum(SHEET_V[j + 1] * z[j][k] for j in range(3)) for k in range(3)]
    L = sum((yh - y) ** 2 for yh, y in zip(y_hat, SHEET_Y))
    dL_dyhat = [2.0 * (yh - y) for yh, y in zip(y_hat, SHEET_Y)]
    dL_dv = [sum(dL_dyhat)] + [sum(dL_dyhat[k] * z[j][k] for k in range(3)) for j in range(3)]
    dL_dw = [[sum(dL_dyhat[k] * SHEET_V[j + 1] * z[j][k] * (1 - z[j][k]) * SHEET_X[k][m] for k in range(3))
              for m in range(3)] for j in range(3)]  # dL_dw[j][m]: unit j, input m
    return z, y_hat, L, dL_dv, dL_dw


def test_worked_forward_pass_of_the_answer_sheet_by_hand():
    z, y_hat, L, dL_dv, dL_dw = _sheet_by_hand()
    # The correct predictions; the sheet's 0.0574 / 0.0570 / 0.0569 use its hidden activations
    # transposed (unit and sample swapped), as the same hand computation shows.
    assert [round(v, 5) for v in y_hat] == [0.05675, 0.05715, 0.05722]
    transposed = [SHEET_V[0] + sum(SHEET_V[j + 1] * z[k][j] for j in range(3)) for k in range(3)]
    assert [round(v, 4) for v in transposed] == [0.0574, 0.0570, 0.0569]
    assert round(L, 5) == 281.70005

    X = np.array(SHEET_X).T                       # columns are samples, bias row first
    W1 = np.array(SHEET_W).T                      # column j holds w_j
    v = np.array(SHEET_V)[:, None]
    Y = np.array([SHEET_Y])
    net = tl.MLP([W1, v], ["sigmoid", "identity"], hidden_bias=True)
    np.testing.assert_allclose(net.forward(X)[0], y_hat, rtol=1e-14)
    np.testing.assert_allclose(net.a[0], z, rtol=1e-15)
    n = 3
    assert 2 * n * net.loss(X, Y, loss="mse") == pytest.approx(L, rel=1e-14)  # the library's 1/(2n)
    net.forward(X)
    dW1, dv = [2 * n * g for g in net.backward(Y, loss="mse")]
    np.testing.assert_allclose(dv[:, 0], dL_dv, rtol=1e-13)
    np.testing.assert_allclose(dW1, np.array(dL_dw).T, rtol=1e-12)
