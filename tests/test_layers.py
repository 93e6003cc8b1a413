"""tutorial_lib.layers: every backward agrees with central differences of its forward, and a list of
layers computes exactly what tl.MLP computes, with and without hidden biases."""

import numpy as np
import pytest

import tutorial_lib as tl
from tutorial_lib import layers as L

RNG = np.random.default_rng(2026)


def _numerical(fn, x, eps=1e-6):
    """Central differences of the scalar fn() with respect to every entry of x (perturbed in place)."""
    return tl.numerical_gradient(fn, x, eps=eps)


def _rel(a, b):
    return tl.relative_error(a, b)


def test_affine_pair_against_central_differences():
    A = np.vstack([np.ones((1, 6)), RNG.normal(size=(3, 6))])
    W = RNG.normal(size=(4, 5))
    G = RNG.normal(size=(5, 6))            # E = sum(G * F), so dE/dF = G
    F, cache = L.affine_forward(A, W)
    np.testing.assert_allclose(F, W.T @ A, rtol=1e-15)
    dA, dW = L.affine_backward(G, cache)
    assert dA.shape == A.shape and dW.shape == W.shape
    assert _rel(dW, _numerical(lambda: float((G * L.affine_forward(A, W)[0]).sum()), W)) < 1e-8
    assert _rel(dA, _numerical(lambda: float((G * L.affine_forward(A, W)[0]).sum()), A)) < 1e-8
    np.testing.assert_allclose(dW[0], G.sum(axis=1), rtol=1e-13)  # row 0: the biases' gradient


def test_affine_refuses_an_input_without_its_bias_row():
    with pytest.raises(ValueError, match="bias row"):
        L.affine_forward(np.ones((3, 4)), np.ones((4, 2)))
    _, cache = L.affine_forward(np.ones((3, 4)), np.ones((3, 2)))
    with pytest.raises(ValueError, match="shape of F"):
        L.affine_backward(np.ones((4, 2)), cache)


def test_bias_pair_adds_ones_on_top_and_drops_row_zero():
    A = RNG.normal(size=(3, 4))
    A_b, cache = L.bias_forward(A)
    np.testing.assert_array_equal(A_b, np.vstack([np.ones((1, 4)), A]))
    G = RNG.normal(size=(4, 4))
    np.testing.assert_array_equal(L.bias_backward(G, cache), G[1:])
    assert _rel(L.bias_backward(G, cache), _numerical(lambda: float((G * L.bias_forward(A)[0]).sum()), A)) < 1e-8


@pytest.mark.parametrize("name", ["relu", "sigmoid"])
def test_elementwise_pairs_against_central_differences(name):
    forward, backward = L.PAIRS[name]
    F = RNG.normal(size=(4, 7))
    F[np.abs(F) < 1e-3] = 0.5  # central differences need a point away from ReLU's kink
    G = RNG.normal(size=(4, 7))
    A, cache = forward(F)
    expected = np.maximum(F, 0) if name == "relu" else tl.sigmoid(F)
    np.testing.assert_allclose(A, expected, rtol=1e-15)
    dF = backward(G, cache)
    assert _rel(dF, _numerical(lambda: float((G * forward(F)[0]).sum()), F)) < 1e-8


def test_relu_takes_slope_zero_at_the_kink_like_mlp():
    F = np.array([[0.0, 1.0, -1.0]])
    _, cache = L.relu_forward(F)
    np.testing.assert_array_equal(L.relu_backward(np.ones((1, 3)), cache), [[0.0, 1.0, 0.0]])
    np.testing.assert_array_equal(tl.relu_grad(F), [[0.0, 1.0, 0.0]])


def test_softmax_ce_pair_against_central_differences_and_the_library_loss():
    F = RNG.normal(0, 2, size=(5, 6))
    Y = np.eye(5)[:, RNG.integers(0, 5, size=6)]
    E, cache = L.softmax_ce_forward(F, Y)
    assert isinstance(E, float)
    assert E == pytest.approx(tl.softmax_ce_loss(tl.softmax(F), Y), rel=1e-13)
    dF = L.softmax_ce_backward(cache)
    assert _rel(dF, _numerical(lambda: L.softmax_ce_forward(F, Y)[0], F)) < 1e-8
    np.testing.assert_allclose(dF.sum(axis=0), 0.0, atol=1e-16)


def test_softmax_ce_is_finite_and_exact_for_extreme_logits():
    F = np.array([[1000.0, 1000.0], [0.0, 1001.0], [-1000.0, 999.0]])
    Y = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0]])
    with np.errstate(all="raise", under="ignore"):
        E, cache = L.softmax_ce_forward(F, Y)
        dF = L.softmax_ce_backward(cache)
    second = np.log(np.exp(-1.0) + 1.0 + np.exp(-2.0))  # sample 1: logits 1000, 1001, 999, class 1
    assert E == pytest.approx((2000.0 + second) / 2, rel=1e-14)
    assert np.all(np.isfinite(dF))
    np.testing.assert_allclose(dF[:, 0], [0.5, 0.0, -0.5], atol=1e-15)


def test_softmax_ce_refuses_targets_of_another_shape():
    with pytest.raises(ValueError, match="shape"):
        L.softmax_ce_forward(np.zeros((3, 4)), np.eye(3)[:, :3])


@pytest.mark.parametrize("hidden", ["relu", "sigmoid"])
@pytest.mark.parametrize("hidden_bias", [True, False])
@pytest.mark.parametrize("sizes", [[5, 3], [6, 4, 3], [7, 6, 5, 4]])
def test_a_list_of_layers_computes_what_mlp_computes(sizes, hidden, hidden_bias):
    acts = [hidden] * (len(sizes) - 2) + ["softmax"]
    net = tl.MLP.from_sizes(sizes, acts, init="he", seed=3, hidden_bias=hidden_bias)
    n = 9
    X = np.vstack([np.ones((1, n)), RNG.normal(size=(sizes[0] - 1, n))])
    Y = np.eye(sizes[-1])[:, RNG.integers(0, sizes[-1], size=n)]
    layers = L.build_network(net.weights, hidden, hidden_bias=hidden_bias)
    kinds = [next(k for k, (f, _) in L.PAIRS.items() if f is layer[0]) for layer in layers]
    assert kinds.count("affine") == len(sizes) - 1 and kinds[-1] == "affine"
    assert kinds.count("bias") == (len(sizes) - 2 if hidden_bias else 0)
    E, grads = L.forward_backward(layers, X, Y)
    assert E == pytest.approx(net.loss(X, Y, loss="softmax_ce"), rel=1e-13)
    for mine, lib in zip(grads, net.backward(Y, loss="softmax_ce"), strict=True):
        np.testing.assert_allclose(mine, lib, rtol=1e-11, atol=1e-15)


def test_the_list_agrees_with_central_differences():
    net = tl.MLP.from_sizes([4, 3, 3], ["sigmoid", "softmax"], seed=1, hidden_bias=True)
    X = np.vstack([np.ones((1, 5)), RNG.normal(size=(3, 5))])
    Y = np.eye(3)[:, [0, 1, 2, 1, 0]]
    layers = L.build_network(net.weights, "sigmoid")
    _, grads = L.forward_backward(layers, X, Y)
    for W, g in zip(net.weights, grads):
        assert _rel(g, _numerical(lambda: L.forward_backward(layers, X, Y)[0], W)) < 1e-7


def test_build_network_checks_the_activation_and_leaves_the_weights_alone():
    with pytest.raises(ValueError, match="relu"):
        L.build_network([np.ones((3, 2))], "tanh")
    W = np.ones((3, 2))
    (layer,) = L.build_network([W], "relu")
    assert layer[2] is W and layer[:2] == L.PAIRS["affine"]


def test_every_function_is_documented_with_shapes():
    for name in L.__all__:
        obj = getattr(L, name)
        if callable(obj):
            assert obj.__doc__ and ("shape" in obj.__doc__ or "Returns" in obj.__doc__), name
