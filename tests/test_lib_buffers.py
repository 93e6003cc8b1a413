"""MLP's reuse of its own arrays between passes never changes an array that someone else holds.

forward and backward write into the arrays of the previous pass when nothing outside the network
holds them (tutorial_lib.mlp._Workspace); backward turns dE/da into dE/df in place and computes
``grad_a`` again when it is first read.  These tests pin down what a caller can rely on.
"""

import sys

import numpy as np
import pytest

import tutorial_lib as tl
from tutorial_lib import mlp as mlp_module

REUSE = mlp_module._REUSE  # False only where reference counts cannot tell (not CPython)


def _net(hidden_bias=False, acts=("sigmoid", "tanh", "sigmoid"), sizes=(4, 6, 5, 1), seed=0):
    return tl.MLP.from_sizes(list(sizes), list(acts), seed=seed, hidden_bias=hidden_bias, init="normal")


def _data(n, seed=0, k=1):
    rng = np.random.default_rng(seed)
    X = tl.add_bias_row(rng.normal(size=(3, n)))
    Y = (rng.random((1, n)) < 0.5).astype(float) if k == 1 else np.eye(k)[rng.integers(0, k, n)].T
    return X, Y


def _reference_pass(net, X, Y):
    """forward + backward (sigmoid/tanh hidden layers, sigmoid output, BCE) by the textbook formulas,
    with a new array for everything: what the library must agree with."""
    fs, as_ = [], []
    a = X
    for i, (W, name) in enumerate(zip(net.weights, net.activations)):
        f = (W[1:].T @ a + W[0][:, None]) if (i > 0 and net.hidden_bias) else W.T @ a
        a = 1.0 / (1.0 + np.exp(-f)) if name == "sigmoid" else np.tanh(f)
        fs.append(f), as_.append(a)
    n = X.shape[1]
    dF = (as_[-1] - Y) / n
    grads, grad_a = [None] * len(fs), [None] * len(fs)
    for i in range(len(fs) - 1, -1, -1):
        inp = X if i == 0 else as_[i - 1]
        if i > 0 and net.hidden_bias:
            grads[i] = np.vstack([dF.sum(axis=1), inp @ dF.T])
            dA = net.weights[i][1:] @ dF
        else:
            grads[i] = inp @ dF.T
            dA = net.weights[i] @ dF
        if i > 0:
            grad_a[i - 1] = dA
            a_prev = as_[i - 1]
            dF = dA * (a_prev * (1 - a_prev) if net.activations[i - 1] == "sigmoid" else 1 - a_prev ** 2)
    return fs, as_, grads, grad_a


DEEP = (("sigmoid", "sigmoid", "tanh", "sigmoid", "sigmoid"), (4, 6, 5, 4, 3, 1))


@pytest.mark.parametrize("hidden_bias", [False, True])
@pytest.mark.parametrize("acts, sizes", [(("sigmoid", "tanh", "sigmoid"), (4, 6, 5, 1)), DEEP])
def test_repeated_passes_agree_with_fresh_arrays(hidden_bias, acts, sizes):
    net = _net(hidden_bias, acts, sizes)
    for seed in range(4):  # the later passes run in recycled arrays
        X, Y = _data(9, seed)
        net.forward(X)
        grads = net.backward(Y)
        fs, as_, ref_grads, ref_grad_a = _reference_pass(net, X, Y)
        for got, want in zip(net.f + net.a + grads, fs + as_ + ref_grads):
            np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-16)
        for got, want in zip(net.grad_a[:-1], ref_grad_a[:-1]):
            np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-16)


def test_arrays_a_caller_keeps_never_change():
    net = _net()
    X1, Y1 = _data(8, 1)
    X2, Y2 = _data(8, 2)
    Y_hat = net.forward(X1)
    f_list, a0 = net.f, net.a[0]
    row = net.a[1][0]            # a view keeps its base alive and unchanged too
    grads = net.backward(Y1)
    grad_f0, grad_a = net.grad_f[0], net.grad_a
    kept = [x.copy() for x in (Y_hat, *f_list, a0, row, *grads, grad_f0, *grad_a)]
    for _ in range(3):
        net.forward(X2)
        net.backward(Y2)
    for x, copy in zip((Y_hat, *f_list, a0, row, *grads, grad_f0, *grad_a), kept):
        np.testing.assert_array_equal(x, copy)
    assert not np.array_equal(net.a[-1], Y_hat)  # the network itself did move on


@pytest.mark.skipif(not REUSE, reason="this interpreter's reference counts cannot show who holds an array")
def test_arrays_nobody_holds_are_reused():
    net = _net()
    X, Y = _data(10)
    net.forward(X)
    net.backward(Y)
    ids = [id(x) for x in net.f + net.a + net.grad_f + net.grad_W]
    net.forward(X)
    net.backward(Y)
    assert [id(x) for x in net.f + net.a + net.grad_f + net.grad_W] == ids
    kept = net.a[0]
    net.forward(X)
    assert net.a[0] is not kept and id(net.f[0]) == ids[0]


def test_grad_a_is_the_backward_pass_value_even_after_the_weights_move():
    net = _net(hidden_bias=True)
    X, Y = _data(7, 3)
    net.forward(X)
    grads = net.backward(Y)
    expected = [net.weights[i + 1][1:] @ net.grad_f[i + 1] for i in range(net.n_layers - 1)]
    expected.append(tl.bce_grad(net.a[-1], Y))
    net.step(grads, lr=5.0)      # W changes in place before grad_a is first read
    assert len(net.grad_a) == net.n_layers
    for got, want in zip(net.grad_a, expected):
        np.testing.assert_allclose(got, want, rtol=1e-14, atol=1e-300)
    assert net.grad_a is net.grad_a  # computed once


def test_fit_callbacks_may_keep_what_they_are_given():
    X, Y = _data(40, 4)
    net = _net(acts=("relu", "sigmoid"), sizes=(4, 5, 1))
    seen = []
    net.fit(X, Y, lr=0.5, epochs=4, callback=lambda epoch, model, loss: seen.append(
        (model.a[-1], model.grad_W[0], model.a[-1].copy(), model.grad_W[0].copy())))
    for a, g, a_copy, g_copy in seen:
        np.testing.assert_array_equal(a, a_copy)
        np.testing.assert_array_equal(g, g_copy)
    assert not np.array_equal(seen[0][2], seen[-1][2])


@pytest.mark.parametrize("batch_size", [None, 16, 7, 40])
def test_fit_equals_the_same_steps_done_by_hand(batch_size):
    """fit's loop (no validation, recycled arrays, three batch sizes at once for 40 = 16 + 16 + 8)
    takes exactly the steps of the public forward, backward and step."""
    X, Y = _data(40, 5, k=3)
    net = tl.MLP.from_sizes([4, 6, 3], ["tanh", "softmax"], seed=2, hidden_bias=True)
    by_hand = net.copy()
    history = net.fit(X, Y, lr=0.3, epochs=3, loss="softmax_ce", batch_size=batch_size, seed=11, l2=0.01)
    rng = np.random.default_rng(11)
    expected = []
    for _ in range(3):
        if batch_size is None or batch_size >= 40:  # full batch: X itself (X[:, idx] is laid out differently)
            batches = [slice(None)]
        else:
            batches = np.array_split(rng.permutation(40), range(batch_size, 40, batch_size))
        for idx in batches:
            by_hand.forward(X[:, idx])
            by_hand.step(by_hand.backward(Y[:, idx], loss="softmax_ce", l2=0.01), lr=0.3)
        expected.append(by_hand.loss(X, Y, loss="softmax_ce", l2=0.01))
    np.testing.assert_array_equal(history, expected)
    for a, b in zip(net.weights, by_hand.weights):
        np.testing.assert_array_equal(a, b)


def test_kernels_work_in_place_and_into_buffers():
    rng = np.random.default_rng(0)
    s = rng.normal(scale=30.0, size=(4, 6))
    from tutorial_lib import activations as act

    for kernel, public in [(act._sigmoid, tl.sigmoid), (act._tanh, tl.tanh), (act._softmax, tl.softmax),
                           (act._relu, tl.relu), (lambda s, out: act._leaky_relu(s, 0.2, out=out),
                                                  lambda s: tl.leaky_relu(s, a=0.2)),
                           (lambda s, out: act._leaky_relu(s, 1.5, out=out), lambda s: tl.leaky_relu(s, a=1.5))]:
        expected = public(s)
        out = np.full_like(s, np.nan)
        assert kernel(s, out=out) is out
        np.testing.assert_array_equal(out, expected)
        t = s.copy()
        kernel(t, out=t)
        np.testing.assert_array_equal(t, expected)


def test_a_debugger_that_keeps_every_frame_changes_nothing():
    """A tracer that reads each frame's locals and keeps the frames (as a debugger may) adds
    references everywhere; the network then reuses less, but still never overwrites a kept array."""
    net = _net()
    X1, Y1 = _data(6, 7)
    X2, Y2 = _data(6, 8)
    frames = []

    def tracer(frame, event, arg):
        frame.f_locals  # noqa: B018 (materialises the locals, as a debugger's variable view does)
        frames.append(frame)
        return None

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        Y_hat = net.forward(X1)
        grads = net.backward(Y1)
        kept = [Y_hat.copy()] + [g.copy() for g in grads]
        for _ in range(2):
            net.forward(X2)
            net.backward(Y2)
    finally:
        sys.settrace(previous)
    for x, copy in zip([Y_hat, *grads], kept):
        np.testing.assert_array_equal(x, copy)
    fs, as_, ref_grads, _ = _reference_pass(net, X2, Y2)
    for got, want in zip(net.f + net.a + net.grad_W, fs + as_ + ref_grads):
        np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-16)
    frames.clear()


def test_fit_validates_its_arguments_once_not_in_its_loop(monkeypatch):
    calls = []
    for name in ("as_matrix", "check_binary_labels", "check_one_hot", "check_probabilities", "check_scalar"):
        original = getattr(mlp_module, name)

        def counted(*args, _original=original, _name=name, **kwargs):
            calls.append(_name)
            return _original(*args, **kwargs)

        monkeypatch.setattr(mlp_module, name, counted)
    X, Y = _data(30, 9)
    counts = []
    for epochs, batch_size in [(1, None), (8, None), (1, 4), (8, 4)]:
        calls.clear()
        _net(acts=("tanh", "sigmoid"), sizes=(4, 5, 1)).fit(X, Y, lr=0.1, epochs=epochs, batch_size=batch_size,
                                                             alpha=2.0, l2=0.01)
        counts.append(len(calls))
    assert counts[0] > 0 and len(set(counts)) == 1, counts


@pytest.mark.parametrize("hidden_bias", [False, True])
def test_f_of_hidden_sigmoid_layers_is_the_forward_pass_value(hidden_bias):
    """Hidden sigmoid layers after the first keep no f during forward; net.f gives the very
    numbers W[l].T @ a[l-1] (+ bias) of that pass, also after the weights have moved."""
    net = _net(hidden_bias, *DEEP)
    X, Y = _data(11, 12)
    net.forward(X)
    expected = []
    a_prev = X
    for i, W in enumerate(net.weights):
        f = (W[1:].T @ a_prev + W[0][:, None]) if (i > 0 and hidden_bias) else W.T @ a_prev
        expected.append(f)
        a_prev = net.a[i]
    grads = net.backward(Y)
    net.step(grads, lr=3.0)
    for got, want in zip(net.f, expected):
        assert got.shape == want.shape and got.dtype == np.float64
        np.testing.assert_array_equal(got, want)
    for a, f, name in zip(net.a, net.f, net.activations):
        if name == "sigmoid":  # a[l] was computed from -f[l]: the same numbers as sigmoid(f[l])
            np.testing.assert_array_equal(a, tl.sigmoid(f))
    assert net.f is net.f and net.f[1] is net.f[1]  # worked out once
