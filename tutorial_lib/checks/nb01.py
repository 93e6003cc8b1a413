"""Checkers of notebook 01, the logistic warm-up (tutorial part A, questions A.1-A.3).

Every checker builds its own inputs with fixed seeds, computes the reference at
check time from the library (``bce_loss``, ``bce_grad``, ``MLP.backward``,
``MLP.fit``) and compares.  Inputs always include ``n > 1`` so that a missing
``1/n`` shows, and the wrong answers that students often give are recognised
and named in the failure message.
"""

from __future__ import annotations

import numpy as np

from ..activations import sigmoid
from ..gradcheck import relative_error
from ..losses import bce_grad, bce_loss
from ..mlp import MLP
from ._common import call_student, expect_array, expect_close, fail, fmt_array, passed

__all__ = [
    "exercise_1_1", "exercise_1_2", "exercise_1_4", "exercise_1_5", "exercise_1_6", "exercise_1_8",
    "exercise_1_9", "PLANTED_MISTAKES",
]


# ---------------------------------------------------------------------------- inputs
def _problem(n: int, seed: int):
    """A small logistic problem in the tutorial's layout: W (3, 1), X (3, n), Y (1, n)."""
    rng = np.random.default_rng(seed)
    X = np.vstack([np.ones((1, n)), rng.normal(0.0, 1.2, size=(2, n))])
    W = rng.normal(0.0, 0.8, size=(3, 1))
    Y = (rng.random((1, n)) < 0.5).astype(float)
    if n >= 2:  # both classes present
        Y[0, 0], Y[0, 1] = 1.0, 0.0
    return W, X, Y


def _predictions(n: int, seed: int):
    """Y_hat strictly inside (0, 1) and labels Y, both (1, n)."""
    rng = np.random.default_rng(seed)
    Y_hat = rng.uniform(0.05, 0.95, size=(1, n))
    Y = (rng.random((1, n)) < 0.5).astype(float)
    if n >= 2:
        Y[0, 0], Y[0, 1] = 0.0, 1.0
    return Y_hat, Y


def _reference_net(W, X, Y) -> MLP:
    net = MLP([W], ["sigmoid"])
    net.forward(X)
    net.backward(Y)
    return net


def _nn_check(exercise: str, name: str, got, n: int) -> None:
    """A scalar answer that came back as an (n, n) grid: name the broadcast."""
    shape = np.shape(got)
    if n > 1 and shape == (n, n):
        fail(exercise, f"{name} came back with shape {shape}: it was broadcast to (n, n).",
             expected="a single number", got=f"shape {shape}",
             hint="a (1, n) row met an (n, 1) column (or an (n,) vector), and numpy built an n-by-n grid. "
                  "Keep Y and Y_hat both (1, n) and combine them entry by entry before summing.")


# ---------------------------------------------------------------------------- 1.1
def exercise_1_1(bce_loss_fn) -> None:
    """Check ``bce_loss(Y_hat, Y)``: the binary cross-entropy averaged over the n samples."""
    cases = [(np.array([[0.2, 0.9]]), np.array([[0.0, 1.0]]), "the worked example Y = [0, 1], Y_hat = [0.2, 0.9]")]
    for n, seed in ((5, 11), (1, 12), (9, 13)):
        Y_hat, Y = _predictions(n, seed)
        cases.append((Y_hat, Y, f"random Y_hat, Y with n = {n}"))
    for Y_hat, Y, label in cases:
        n = Y.shape[1]
        got = call_student("1.1", bce_loss_fn, Y_hat, Y)
        _nn_check("1.1", f"E for {label}", got, n)
        expected = bce_loss(Y_hat, Y)
        log10 = -(Y * np.log10(Y_hat) + (1 - Y) * np.log10(1 - Y_hat)).sum() / n
        grid = -(Y * np.log(Y_hat.T) + (1 - Y) * np.log(1 - Y_hat.T)).sum() / n  # (n, n) then summed
        only_pos = -(Y * np.log(Y_hat)).sum() / n
        only_neg = -((1 - Y) * np.log(1 - Y_hat)).sum() / n
        expect_close("1.1", f"E for {label}", got, expected, n=n, mistakes=[
            *([(expected * n, f"the 1/n is missing: E is the average over the n = {n} samples, not their sum.")]
              if n > 1 else []),
            (grid, "your sum ran over an n-by-n grid: a (1, n) row met an (n, 1) column (or an (n,) vector) "
                   "and was broadcast to (n, n). Keep Y and Y_hat both (1, n) so each Y_i meets its own Y_hat_i."),
            (log10, "log here is the natural logarithm: use np.log, not np.log10."),
            (only_pos, "only the Y log(Y_hat) term is there: add the (1 - Y) log(1 - Y_hat) term for the "
                       "samples with label 0."),
            (only_neg, "only the (1 - Y) log(1 - Y_hat) term is there: add the Y log(Y_hat) term for the "
                       "samples with label 1."),
        ], hint="E = -(1/n) * sum over i of [Y_i log(Y_hat_i) + (1 - Y_i) log(1 - Y_hat_i)].")
    passed("1.1")


# ---------------------------------------------------------------------------- 1.2
def exercise_1_2(loss_grad_fn) -> None:
    """Check ``loss_grad(Y_hat, Y)``: dE/dY_hat for any n, shape (1, n)."""
    for n, seed in ((6, 21), (1, 22), (10, 23)):
        Y_hat, Y = _predictions(n, seed)
        got = call_student("1.2", loss_grad_fn, Y_hat, Y)
        expected = bce_grad(Y_hat, Y)
        expect_array("1.2", f"dE/dY_hat (n = {n})", got, expected, n=n, mistakes=[
            ((-Y / Y_hat) / n, "only the -Y/Y_hat term is there: the (1 - Y)/(1 - Y_hat) term of the samples "
                               "with label 0 is missing."),
            (((1 - Y) / (1 - Y_hat)) / n, "only the (1 - Y)/(1 - Y_hat) term is there: the -Y/Y_hat term of "
                                          "the samples with label 1 is missing."),
            ((-Y / Y_hat - (1 - Y) / (1 - Y_hat)) / n,
             "the second term has the wrong sign: d/dY_hat of log(1 - Y_hat) is -1/(1 - Y_hat), and the "
             "minus in front of the loss turns it into +(1 - Y)/(1 - Y_hat)."),
        ], hint="dE/dY_hat_i = (1/n) * (-Y_i / Y_hat_i + (1 - Y_i) / (1 - Y_hat_i)).")
    passed("1.2")


# ---------------------------------------------------------------------------- 1.4
def exercise_1_4(dE_df_fn) -> None:
    """Check ``dE_df(W, X, Y)``: forward pass, then dE/df[1] = (Y_hat - Y)/n, shape (1, n)."""
    for n, seed in ((6, 41), (1, 42), (11, 43)):
        W, X, Y = _problem(n, seed)
        got = call_student("1.4", dE_df_fn, W, X, Y)
        net = _reference_net(W, X, Y)
        expected = net.grad_f[0]
        Y_hat = net.a[0]
        expect_array("1.4", f"dE/df (n = {n})", got, expected, n=n, mistakes=[
            (bce_grad(Y_hat, Y), "this is dE/dY_hat: the chain rule still needs the sigmoid's derivative "
                                 "dY_hat/df = Y_hat (1 - Y_hat), which turns it into (Y_hat - Y)/n."),
            (expected * Y_hat * (1 - Y_hat),
             "(Y_hat - Y)/n already contains the sigmoid's derivative: multiplying by Y_hat (1 - Y_hat) "
             "again counts it twice."),
        ], hint="compute f = W.T @ X (shape (1, n)), Y_hat = sigmoid(f), and return (Y_hat - Y) / n.")
    passed("1.4")


# ---------------------------------------------------------------------------- 1.5
def exercise_1_5(dE_dW20_fn) -> None:
    """Check ``dE_dW20(W, X, Y)`` for one sample (n = 1): (dE/df)_0 * X_20, a number."""
    for seed in (51, 52, 53):
        W, X, Y = _problem(1, seed)
        got = call_student("1.5", dE_dW20_fn, W, X, Y)
        if np.size(got) == 3:
            fail("1.5", "dE/dW20 should be a single number; got 3 values.", got=fmt_array(got),
                 hint="that is the whole gradient dE/dW; W20 is its entry in row 2, the weight of X_20 (alcohol).")
        net = _reference_net(W, X, Y)
        expected = float(net.grad_W[0][2, 0])
        dF = float(net.grad_f[0][0, 0])
        expect_close("1.5", "dE/dW20", got, expected, mistakes=[
            (dF * X[1, 0], "you multiplied by X_10 (row 1, colour intensity): W20 is the weight of X_20, "
                           "the alcohol entry in row 2 (rows count from 0, the bias row X_00 = 1 first)."),
            (dF * X[0, 0], "you multiplied by X_00 = 1 (the bias row): W20 is the weight of X_20, row 2."),
            (dF, "this is (dE/df)_0 alone: the chain rule multiplies it by df_0/dW20 = X_20."),
        ], hint="dE/dW20 = (Y_hat_0 - Y_0) * X_20 for one sample, with Y_hat_0 = sigmoid(W.T @ X)[0, 0].")
    passed("1.5")


# ---------------------------------------------------------------------------- 1.6
def exercise_1_6(dE_dW_fn) -> None:
    """Check ``dE_dW(W, X, Y)``: X (dE/df)^T, shape (3, 1), for any n."""
    for n, seed in ((7, 61), (1, 62), (12, 63)):
        W, X, Y = _problem(n, seed)
        got = call_student("1.6", dE_dW_fn, W, X, Y)
        net = _reference_net(W, X, Y)
        expected = net.grad_W[0]
        Y_hat = net.a[0]
        expect_array("1.6", f"dE/dW (n = {n})", got, expected, n=n, mistakes=[
            (X @ (bce_grad(Y_hat, Y)).T, "you used dE/dY_hat where dE/df belongs: dE/dW = X (dE/df)^T with "
                                         "dE/df = (Y_hat - Y)/n."),
            (X.mean(axis=1, keepdims=True) * float((Y_hat - Y).mean()),
             "the mean of X times the mean error is not the mean of the products: multiply each sample's "
             "input by its own error, X @ (Y_hat - Y).T / n."),
        ], hint="dE/dW = X @ dF.T with dF = (Y_hat - Y)/n of shape (1, n), so the result is (3, 1).")
    passed("1.6")


# ---------------------------------------------------------------------------- 1.8
def exercise_1_8(numerical_dE_dW_fn) -> None:
    """Check ``numerical_dE_dW(W, X, Y)``: central differences of E with respect to W, shape (3, 1)."""
    for n, seed in ((8, 81), (13, 82)):
        W, X, Y = _problem(n, seed)
        got = call_student("1.8", numerical_dE_dW_fn, W, X, Y)
        expected = _reference_net(W, X, Y).grad_W[0]
        try:
            got_arr = np.asarray(got, dtype=np.float64)
        except (TypeError, ValueError):
            got_arr = None  # expect_array below explains what is wrong with it
        if got_arr is not None and got_arr.shape == expected.shape and not np.any(got_arr):
            fail("1.8", f"the numerical gradient (n = {n}) is all zeros.", expected=fmt_array(expected),
                 got=fmt_array(got_arr),
                 hint="tl.numerical_gradient nudges the entries of W in place and calls f() after each nudge, "
                      "so f() must read that same array W. A loss computed from a copy (W.copy(), or a value "
                      "computed once before the call) never sees the nudges.")
        got_arr = expect_array("1.8", f"the numerical dE/dW (n = {n})", got, expected, n=n, rtol=1e-5, atol=1e-7,
                               hint="pass tl.numerical_gradient a function of no arguments that returns "
                                    "the loss E computed from W, and W itself.")
        err = relative_error(got_arr, expected)
        if err < 1e-13:
            fail("1.8", "your result equals the analytic gradient to the last digit.",
                 expected="a central-difference estimate, about 1e-10 (relative) away from the exact gradient",
                 got=f"relative error {err:.1e} from the exact gradient",
                 hint="central differences differ from the exact gradient by about 1e-10; compute the "
                      "gradient numerically with tl.numerical_gradient rather than with the formula.")
    passed("1.8")


# ---------------------------------------------------------------------------- 1.9
def _descent(X, Y, lr, epochs, sign=1.0, per_n=True):
    W = np.zeros((X.shape[0], 1))
    n = X.shape[1]
    for _ in range(epochs):
        G = X @ (sigmoid(W.T @ X) - Y).T
        if per_n:
            G = G / n
        W = W - sign * lr * G
    return W


def exercise_1_9(gradient_descent_fn) -> None:
    """Check ``gradient_descent(X, Y, lr, epochs)``: W after ``epochs`` full-batch steps from zeros."""
    for n, seed, lr, epochs in ((12, 91, 0.5, 20), (7, 92, 2.0, 5), (9, 93, 0.3, 0)):
        _, X, Y = _problem(n, seed)
        got = call_student("1.9", gradient_descent_fn, X, Y, lr, epochs)
        net = MLP([np.zeros((3, 1))], ["sigmoid"])
        net.fit(X, Y, lr=lr, epochs=epochs)
        expected = net.weights[0]
        label = f"W after {epochs} epochs with lr = {lr} (n = {n})"
        expect_array("1.9", label, got, expected, mistakes=[
            (_descent(X, Y, lr, epochs, sign=-1.0),
             "the weights moved uphill (flipped sign): W + lr * dE/dW is gradient ascent; the update is "
             "W - lr * dE/dW."),
            (_descent(X, Y, lr, epochs, per_n=False),
             "the 1/n is missing from the gradient: every step was n times too long."),
            (_descent(X, Y, lr, max(epochs - 1, 0)), "one step short: run exactly `epochs` updates."),
            (_descent(X, Y, lr, epochs + 1), "one step too many: run exactly `epochs` updates."),
        ], hint="start from W = np.zeros((3, 1)); each epoch: Y_hat = sigmoid(W.T @ X), "
                "W = W - lr * X @ (Y_hat - Y).T / n.")
    passed("1.9")


# ---------------------------------------------------------------------------- planted mistakes
_DEF_1_1 = '''def bce_loss(Y_hat, Y):
    """Binary cross-entropy E averaged over the n samples (a float). Y_hat, Y: shape (1, n)."""
'''
_DEF_1_2 = '''def loss_grad(Y_hat, Y):
    """dE/dY_hat for n samples, shape (1, n)."""
'''
_DEF_1_4 = '''def dE_df(W, X, Y):
    """Forward pass f = W.T @ X, Y_hat = sigmoid(f); return dE/df, shape (1, n)."""
'''
_DEF_1_5 = '''def dE_dW20(W, X, Y):
    """dE/dW20 for a single sample (n = 1): X is (3, 1), Y is (1, 1). Returns a number."""
'''
_DEF_1_6 = '''def dE_dW(W, X, Y):
    """dE/dW for n samples, shape (3, 1) like W."""
'''
_DEF_1_8 = '''def numerical_dE_dW(W, X, Y):
    """dE/dW by central differences (tl.numerical_gradient), shape (3, 1)."""
'''
_DEF_1_9 = '''def gradient_descent(X, Y, lr, epochs):
    """Full-batch gradient descent from W = 0; returns W (3, 1) after `epochs` updates."""
'''

#: Wrong answers that the notebook tests plant in the answer cells; each check must fail with ``hint``.
PLANTED_MISTAKES = [
    {"exercise": "1.1", "kind": "missing 1/n", "hint": "the 1/n is missing",
     "source": _DEF_1_1 + "    return float(-(Y * np.log(Y_hat) + (1 - Y) * np.log(1 - Y_hat)).sum())\n"},
    {"exercise": "1.1", "kind": "flipped sign", "hint": "flipped sign",
     "source": _DEF_1_1 + "    n = Y.shape[1]\n"
                          "    return float((Y * np.log(Y_hat) + (1 - Y) * np.log(1 - Y_hat)).sum() / n)\n"},
    {"exercise": "1.1", "kind": "log10", "hint": "natural logarithm",
     "source": _DEF_1_1 + "    n = Y.shape[1]\n"
                          "    return float(-(Y * np.log10(Y_hat) + (1 - Y) * np.log10(1 - Y_hat)).sum() / n)\n"},
    {"exercise": "1.1", "kind": "broadcast to (n, n)", "hint": "broadcast to (n, n)",
     "source": _DEF_1_1 + "    n = Y.shape[1]\n"
                          "    y = Y[0]           # the labels as a flat (n,) vector, the scikit-learn habit\n"
                          "    p = Y_hat.T        # the predictions as a column, one row per sample\n"
                          "    return float(-(y * np.log(p) + (1 - y) * np.log(1 - p)).sum() / n)\n"},
    {"exercise": "1.2", "kind": "missing 1/n", "hint": "the 1/n is missing",
     "source": _DEF_1_2 + "    return -Y / Y_hat + (1 - Y) / (1 - Y_hat)\n"},
    {"exercise": "1.2", "kind": "flipped sign", "hint": "flipped sign",
     "source": _DEF_1_2 + "    n = Y.shape[1]\n    return (Y / Y_hat - (1 - Y) / (1 - Y_hat)) / n\n"},
    {"exercise": "1.4", "kind": "broadcast to (n, n)", "hint": "broadcast to (n, n)",
     "source": _DEF_1_4 + "    n = X.shape[1]\n"
                          "    Y_hat = tl.sigmoid(X.T @ W)  # rows-are-samples habit: shape (n, 1)\n"
                          "    return (Y_hat - Y[0]) / n\n"},
    {"exercise": "1.4", "kind": "missing 1/n", "hint": "the 1/n is missing",
     "source": _DEF_1_4 + "    Y_hat = tl.sigmoid(W.T @ X)\n    return Y_hat - Y\n"},
    {"exercise": "1.4", "kind": "flipped sign", "hint": "flipped sign",
     "source": _DEF_1_4 + "    n = X.shape[1]\n    Y_hat = tl.sigmoid(W.T @ X)\n    return (Y - Y_hat) / n\n"},
    {"exercise": "1.4", "kind": "transposed", "hint": "is transposed",
     "source": _DEF_1_4 + "    n = X.shape[1]\n    Y_hat = tl.sigmoid(X.T @ W)\n    return (Y_hat - Y.T) / n\n"},
    {"exercise": "1.4", "kind": "sigmoid derivative twice", "hint": "counts it twice",
     "source": _DEF_1_4 + "    n = X.shape[1]\n    Y_hat = tl.sigmoid(W.T @ X)\n"
                          "    return (Y_hat - Y) / n * Y_hat * (1 - Y_hat)\n"},
    {"exercise": "1.5", "kind": "wrong input row", "hint": "row 2",
     "source": _DEF_1_5 + "    Y_hat = tl.sigmoid(W.T @ X)\n    return float((Y_hat - Y)[0, 0] * X[1, 0])\n"},
    {"exercise": "1.5", "kind": "flipped sign", "hint": "flipped sign",
     "source": _DEF_1_5 + "    Y_hat = tl.sigmoid(W.T @ X)\n    return float((Y - Y_hat)[0, 0] * X[2, 0])\n"},
    {"exercise": "1.6", "kind": "transposed", "hint": "is transposed",
     "source": _DEF_1_6 + "    n = X.shape[1]\n    dF = (tl.sigmoid(W.T @ X) - Y) / n\n    return dF @ X.T\n"},
    {"exercise": "1.6", "kind": "missing 1/n", "hint": "the 1/n is missing",
     "source": _DEF_1_6 + "    dF = tl.sigmoid(W.T @ X) - Y\n    return X @ dF.T\n"},
    {"exercise": "1.6", "kind": "flipped sign", "hint": "flipped sign",
     "source": _DEF_1_6 + "    n = X.shape[1]\n    dF = (Y - tl.sigmoid(W.T @ X)) / n\n    return X @ dF.T\n"},
    {"exercise": "1.6", "kind": "1/n twice", "hint": "divided by n twice",
     "source": _DEF_1_6 + "    n = X.shape[1]\n    dF = (tl.sigmoid(W.T @ X) - Y) / n\n    return X @ dF.T / n\n"},
    {"exercise": "1.8", "kind": "loss of a copy", "hint": "must read that same array W",
     "source": _DEF_1_8 + "    Y_hat = tl.sigmoid(W.T @ X)       # computed once, before the nudges\n"
                          "    E = lambda: tl.bce_loss(Y_hat, Y)\n"
                          "    return tl.numerical_gradient(E, W)\n"},
    {"exercise": "1.8", "kind": "analytic instead of numerical", "hint": "numerically",
     "source": _DEF_1_8 + "    n = X.shape[1]\n    return X @ (tl.sigmoid(W.T @ X) - Y).T / n\n"},
    {"exercise": "1.9", "kind": "flipped sign", "hint": "flipped sign",
     "source": _DEF_1_9 + "    W = np.zeros((X.shape[0], 1))\n    n = X.shape[1]\n"
                          "    for _ in range(epochs):\n"
                          "        W = W + lr * X @ (tl.sigmoid(W.T @ X) - Y).T / n\n    return W\n"},
    {"exercise": "1.9", "kind": "missing 1/n", "hint": "the 1/n is missing",
     "source": _DEF_1_9 + "    W = np.zeros((X.shape[0], 1))\n"
                          "    for _ in range(epochs):\n"
                          "        W = W - lr * X @ (tl.sigmoid(W.T @ X) - Y).T\n    return W\n"},
]
