"""Checkers of notebook 06: a 65-200-100-10 softmax MLP on the 8x8 digits.

The notebook follows notes that derive every gradient matrix of a three-layer
MLP (sigmoid hidden layers, softmax output, cross-entropy, L2).  Each checker
makes its own inputs with fixed seeds (always with ``n > 1`` samples, and with
every dimension different, so that a missing ``1/n`` or a transpose shows),
computes the reference at check time from the library (``softmax_jacobian``,
``MLP.backward``, ``MLP.loss``) and from central differences, and names the
classic mistakes when it recognises them.
"""

from __future__ import annotations

import copy

import numpy as np

from ..activations import softmax, softmax_jacobian
from ..gradcheck import numerical_gradient, numerical_jacobian, relative_error
from ..losses import softmax_ce_loss
from ..mlp import MLP
from ._common import call_student, expect_array, expect_close, expect_true, fail, fmt_array, passed

__all__ = [
    "exercise_6_1", "exercise_6_3", "exercise_6_4", "exercise_6_6", "exercise_6_7", "PLANTED_MISTAKES",
    "ACCURACY_GOAL",
]

#: The held-out accuracy the trained 65-200-100-10 network must reach (exercise 6.7).
ACCURACY_GOAL = 0.95


# ---------------------------------------------------------------------------- helpers
def _one_hot(labels: np.ndarray, K: int) -> np.ndarray:
    Y = np.zeros((K, labels.size))
    Y[labels, np.arange(labels.size)] = 1.0
    return Y


def _internal(condition: bool, what: str) -> None:
    """A reference that disagrees with central differences is a bug of the library, not the student's."""
    if not condition:
        raise RuntimeError(f"checker self-test failed ({what}); please report this to the course staff.")


def _small_net(sizes, n: int, seed: int) -> tuple[MLP, np.ndarray, np.ndarray]:
    """A sigmoid/softmax network with hidden biases, random inputs (bias row first) and one-hot targets."""
    rng = np.random.default_rng(seed)
    acts = ["sigmoid"] * (len(sizes) - 2) + ["softmax"]
    net = MLP.from_sizes(sizes, acts, init="xavier", scale=1.5, seed=rng, hidden_bias=True)
    X = np.vstack([np.ones((1, n)), rng.random((sizes[0] - 1, n))])
    labels = rng.integers(0, sizes[-1], size=n)
    labels[: sizes[-1]] = np.arange(min(n, sizes[-1]))  # every class present when n allows
    return net, X, _one_hot(labels, sizes[-1])


# ---------------------------------------------------------------------------- 6.1
def exercise_6_1(softmax_jacobian_fn) -> None:
    """Check ``softmax_jacobian(z)``: the (K, K) Jacobian of softmax for one sample's logits (K,)."""
    rng = np.random.default_rng(601)
    for K in (3, 5, 10):
        z = rng.normal(0.0, 2.0, size=K)
        got = call_student("6.1", softmax_jacobian_fn, z)
        expected = softmax_jacobian(z)
        numeric = numerical_jacobian(lambda v: softmax(v[:, None])[:, 0], z)
        _internal(relative_error(expected, numeric) < 1e-7, "softmax_jacobian vs central differences")
        p = softmax(z[:, None])[:, 0]
        mistakes = [
            (np.outer(p, p) - np.diag(p),
             "the sign is flipped: J = diag(p) - p p^T, whose diagonal p_i (1 - p_i) is positive (raising z_i "
             "raises p_i) and whose off-diagonal entries -p_i p_j are negative."),
            (np.diag(p * (1.0 - p)),
             "you kept only the diagonal p_i (1 - p_i) (the notes' Lemma 1). The off-diagonal entries are not "
             "zero: raising z_j lowers every other p_i, dp_i/dz_j = -p_i p_j for i != j (the notes' eq. 12)."),
            (np.diag(p),
             "only diag(p) came back: the term -p p^T (np.outer(p, p)) is missing."),
            (-np.outer(p, p),
             "only -p p^T came back: add diag(p), i.e. J = np.diag(p) - np.outer(p, p)."),
            (np.diag(p) - p @ p,
             "p @ p of two 1-D arrays is their dot product, a single number, which numpy subtracted from every "
             "entry. The outer product p p^T is np.outer(p, p) (or p[:, None] * p[None, :])."),
            (np.diag(z) - np.outer(z, z),
             "you used the logits z where the probabilities belong: first compute p = softmax(z), then "
             "J = diag(p) - p p^T."),
        ]
        expect_array("6.1", f"the Jacobian for K = {K} logits z = {fmt_array(z, 3)}", got, expected,
                     mistakes=mistakes,
                     hint="compare with central differences: column j of J is "
                          "(softmax(z + eps e_j) - softmax(z - eps e_j)) / (2 eps); "
                          "the answer is diag(p) - p p^T with p = softmax(z).")
    passed("6.1")


# ---------------------------------------------------------------------------- 6.3
def exercise_6_3(output_delta) -> None:
    """Check ``output_delta(Y_hat, Y)``: dE/df[3] = (Y_hat - Y) / n for softmax + average cross-entropy."""
    K = 10
    for n, seed in ((12, 631), (3, 632), (7, 633)):
        rng = np.random.default_rng(seed)
        F = rng.normal(0.0, 2.0, size=(K, n))
        Y = _one_hot(rng.integers(0, K, size=n), K)
        Y_hat = softmax(F)
        expected = (Y_hat - Y) / n
        F_work = F.copy()
        numeric = numerical_gradient(lambda: softmax_ce_loss(softmax(F_work), Y), F_work)
        _internal(relative_error(expected, numeric) < 1e-7, "(Y_hat - Y)/n vs central differences")
        got = call_student("6.3", output_delta, Y_hat, Y)
        mistakes = [
            (-Y / Y_hat / n,
             "that is dE/dY_hat, the gradient with respect to the probabilities. The exercise asks for "
             "dE/df[3], one step further back: chain it through the softmax Jacobian, J^T (-y / p) = p - y "
             "for each sample."),
            ((Y_hat - Y) / Y.size,
             f"you divided by K * n = {Y.size} (Y.size). The loss averages over the n = {n} samples only; "
             f"the sum over the K classes is not averaged, so divide by n = Y.shape[1]."),
        ]
        if n != K:
            mistakes.append(((Y_hat - Y) / K,
                             f"you divided by K = {K} = Y.shape[0], the number of classes. Columns are samples, "
                             f"so n = Y.shape[1] = {n}."))
        expect_array("6.3", f"dE/df[3] for K = {K} classes and n = {n} samples", got, expected, n=n,
                     mistakes=mistakes,
                     hint="dE/df[3] = (Y_hat - Y) / n: the softmax Jacobian and -y/p combine to p - y for each "
                          "sample (the notes' Lemma 2), and the average over the n samples adds the 1/n.")
    passed("6.3")


# ---------------------------------------------------------------------------- 6.4
def _unpack_pair(exercise: str, result, names) -> tuple:
    if result is None:
        fail(exercise, "your function returned None.", hint="did you forget the `return` statement?")
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        fail(exercise, f"your function must return a pair ({names[0]}, {names[1]}).",
             expected=f"a tuple of two arrays ({names[0]}, {names[1]})", got=type(result).__name__,
             hint=f"end with `return {names[0]}, {names[1]}`.")
    return result[0], result[1]


def exercise_6_4(layer_backward) -> None:
    """Check ``layer_backward(dF, A_prev, W) -> (dW, dA_prev)`` for a layer whose W has a bias row."""
    # Every dimension differs from the others: fan-ins 7/6/5 (+1), fan-outs 6/5/4, n = 9 or 13.
    for n, seed in ((9, 641), (13, 642)):
        net, X, Y = _small_net([7, 6, 5, 4], n, seed)
        net.forward(X)
        net.backward(Y, loss="softmax_ce")
        for i in (2, 1):  # W[3] (output layer) and W[2]
            W, A_prev, dF = net.weights[i], net.a[i - 1], net.grad_f[i]
            label = f"layer {i + 1} (W of shape {W.shape}, A_prev {A_prev.shape}, n = {n})"
            result = call_student("6.4", layer_backward, dF, A_prev, W)
            dW, dA_prev = _unpack_pair("6.4", result, ("dW", "dA_prev"))

            expected_dW = net.grad_W[i]
            db = dF.sum(axis=1)
            body = A_prev @ dF.T
            dW_shape = np.shape(dW)
            if dW_shape == body.shape:
                fail("6.4", f"dW for {label} has one row too few.", expected=f"shape {W.shape}",
                     got=f"shape {dW_shape}",
                     hint="dW has the shape of W, which has the bias row 0 on top of the A_prev rows. "
                          "Its row 0 is db = dF.sum(axis=1), the sum of dF over the samples "
                          "(the input of row 0 is the constant 1).")
            expect_array("6.4", f"dW for {label}", dW, expected_dW, n=n,
                         mistakes=[
                             (np.vstack([dF.mean(axis=1), body]),
                              "the bias row is dF averaged over the samples. dF already carries the 1/n of the "
                              "average loss, so db is the plain sum dF.sum(axis=1)."),
                             (np.vstack([body, db]),
                              "the bias gradient belongs in row 0, where W keeps its biases, not at the bottom."),
                             (np.vstack([np.zeros_like(db), body]),
                              "the bias row of dW is zero: the biases get gradient too, db = dF.sum(axis=1) "
                              "(their input is the constant 1 for every sample)."),
                         ],
                         hint="dW = [1; A_prev] @ dF.T: row 0 is dF.sum(axis=1), rows 1: are A_prev @ dF.T.")

            expected_dA = net.grad_a[i - 1]
            dA_shape = np.shape(dA_prev)
            if dA_shape == (W.shape[0], n):
                fail("6.4", f"dA_prev for {label} has one row too many.", expected=f"shape {A_prev.shape}",
                     got=f"shape {dA_shape}",
                     hint="leave out row 0 of W (the bias row): the constant 1 it multiplies is not an "
                          "activation, so there is nothing to send a gradient to. Use W[1:] @ dF.")
            sig = A_prev * (1.0 - A_prev)
            expect_array("6.4", f"dA_prev for {label}", dA_prev, expected_dA, n=n,
                         mistakes=[
                             (expected_dA * sig,
                              "you multiplied by the sigmoid's derivative A_prev (1 - A_prev). layer_backward "
                              "returns dE/dA_prev; the factor a (1 - a) turns it into dE/df of the previous "
                              "layer in the next step (the notes' eq. 30)."),
                         ],
                         hint="dA_prev = W[1:] @ dF: each input's gradient collects dF through its row of W.")
    passed("6.4")


# ---------------------------------------------------------------------------- 6.6
def exercise_6_6(l2_penalty) -> None:
    """Check ``l2_penalty(weights, lam) -> (penalty, grads)``: lam * sum ||W||_F^2 and 2 lam W per layer."""
    for lam, seed in ((0.01, 661), (0.3, 662)):
        net, X, Y = _small_net([7, 6, 5, 4], 8, seed)
        weights = [W.copy() for W in net.weights]
        given = copy.deepcopy(weights)
        result = call_student("6.6", l2_penalty, given, lam)
        for l, (W, W_given) in enumerate(zip(weights, given)):
            if not np.array_equal(W, W_given):
                fail("6.6", f"your function changed W[{l + 1}] in place.",
                     hint="build new arrays (e.g. 2 * lam * W) instead of updating the weights with *= or +=.")
        penalty, grads = _unpack_pair("6.6", result, ("penalty", "grads"))

        # The library adds the same term to the loss and its gradient: the differences are the references.
        expected_penalty = net.loss(X, Y, loss="softmax_ce", l2=lam) - net.loss(X, Y, loss="softmax_ce")
        net.forward(X)
        plain = [g.copy() for g in net.backward(Y, loss="softmax_ce")]
        with_l2 = [g.copy() for g in net.backward(Y, loss="softmax_ce", l2=lam)]
        expected_grads = [g1 - g0 for g1, g0 in zip(with_l2, plain)]

        squares = [float((W ** 2).sum()) for W in weights]
        no_bias = lam * sum(float((W[1:] ** 2).sum()) for W in weights)
        expect_close("6.6", f"the penalty for lam = {lam}", penalty, expected_penalty,
                     mistakes=[
                         (no_bias,
                          "you left out the bias rows (row 0 of each W). The notes do not penalize the biases "
                          "b, but in the workbook they live in row 0 of W, and MLP.backward(l2=...) penalizes "
                          "all of W; match it by including row 0."),
                         (lam / 2 * sum(squares),
                          "the penalty is half the expected value: the notes' (53) has no 1/2, "
                          "it is lam * sum ||W||^2."),
                         (sum(squares), "multiply the sum of squares by lam."),
                         (lam * sum(float(np.linalg.norm(W)) for W in weights),
                          "square the norms: ||W||_F^2 = (W ** 2).sum(), not np.linalg.norm(W)."),
                     ],
                     hint="penalty = lam * sum over the layers of (W ** 2).sum().")

        if not isinstance(grads, (list, tuple)) or len(grads) != len(weights):
            fail("6.6", "grads must be a list with one array per layer.",
                 expected=f"a list of {len(weights)} arrays", got=fmt_array(grads)[:60],
                 hint="e.g. [2 * lam * W for W in weights].")
        for l, (W, g, expected) in enumerate(zip(weights, grads, expected_grads)):
            no_bias_grad = 2 * lam * W
            no_bias_grad[0] = 0.0
            expect_array("6.6", f"dP/dW[{l + 1}] for lam = {lam}", g, expected,
                         mistakes=[
                             (lam * W,
                              "the factor 2 is missing: d(lam w^2)/dw = 2 lam w (the notes' eqs. 54-55), "
                              "so the gradient is 2 * lam * W."),
                             (no_bias_grad,
                              "the bias row (row 0) has no penalty gradient. The notes leave the biases "
                              "unpenalized, but the workbook's MLP.backward(l2=...) penalizes all of W, "
                              "row 0 included: use 2 * lam * W for the whole matrix."),
                             (2 * W, "multiply by lam: the gradient is 2 * lam * W."),
                         ],
                         hint="the gradient of lam * ||W||_F^2 is 2 * lam * W, entry by entry.")
    passed("6.6")


# ---------------------------------------------------------------------------- 6.7
def _accuracy(net: MLP, X, labels) -> float:
    return float(np.mean(net.copy().forward(X).argmax(axis=0) == np.asarray(labels)))


def exercise_6_7(heldout_accuracy, net, X_test, labels_test) -> None:
    """Check ``heldout_accuracy(net, X, labels)`` and that ``net`` reaches 0.95 on the held-out images.

    The student's function runs on the trained network and on a small untrained one
    that the checker makes; the accuracy of ``net`` on ``(X_test, labels_test)`` is
    computed here, at check time, from ``net``'s own forward pass.
    """
    if not isinstance(net, MLP):
        fail("6.7", "the second argument must be the trained network (a tutorial_lib MLP).",
             got=type(net).__name__, hint="pass `net`, the network trained above.")
    labels_test = np.asarray(labels_test).ravel().astype(int)
    X_test = np.asarray(X_test, dtype=float)
    if X_test.ndim != 2 or X_test.shape[1] != labels_test.size:
        fail("6.7", "X_test and labels_test do not match.",
             expected="X of shape (65, m) and m labels", got=f"X {np.shape(X_test)}, {labels_test.size} labels",
             hint="pass the held-out images X_test (columns are samples) and their digits labels_test.")

    rng = np.random.default_rng(681)
    untrained = MLP.from_sizes([X_test.shape[0], 10], ["softmax"], seed=rng, scale=3.0)
    subset = np.sort(rng.choice(labels_test.size, size=min(60, labels_test.size), replace=False))
    cases = [(net, X_test, labels_test, f"the trained network on the {labels_test.size} held-out images"),
             (untrained, X_test[:, subset], labels_test[subset],
              f"an untrained 65-10 softmax network on {subset.size} of those images")]
    for model, X, labels, what in cases:
        expected = _accuracy(model, X, labels)
        m = labels.size
        got = call_student("6.7", heldout_accuracy, model, X.copy(), labels.copy())
        expect_close("6.7", f"the accuracy of {what}", got, expected,
                     mistakes=[
                         (expected * m, f"that is the number of correct images; divide by their number m = {m} "
                                        f"to get a fraction in [0, 1] (np.mean does both)."),
                         (100.0 * expected, "that is a percentage; return the fraction in [0, 1]."),
                         (1.0 - expected, "that is the error rate, the fraction of wrong answers; the accuracy "
                                          "is the fraction of images whose predicted digit equals the label."),
                     ],
                     hint="the predicted digit of column i is the arg max of Y_hat[:, i] (axis=0: columns "
                          "are samples); the accuracy is the mean of (predicted == labels).")

    accuracy = _accuracy(net, X_test, labels_test)
    expect_true("6.7", accuracy >= ACCURACY_GOAL,
                f"the network classifies {accuracy:.3f} of the held-out images correctly, below the goal.",
                expected=f"held-out accuracy >= {ACCURACY_GOAL:.2f}", got=f"{accuracy:.3f}",
                hint="train it as the notebook does (learning rate, epochs and batch size of the training cell); "
                     "an untrained network scores about 0.1.")
    passed("6.7")


# ---------------------------------------------------------------------------- planted mistakes
_DEF_6_1 = '''def softmax_jacobian(z):
    """Jacobian of p = softmax(z) for ONE sample: J[i, j] = dp_i / dz_j.

    z: logits, shape (K,). Returns an array of shape (K, K).
    """
'''

_DEF_6_3 = '''def output_delta(Y_hat, Y):
    """dE/df[3] for a softmax output and the cross-entropy averaged over the n samples.

    Y_hat: softmax probabilities, shape (K, n); Y: one-hot targets, shape (K, n).
    Returns an array of shape (K, n).
    """
'''

_DEF_6_4 = '''def layer_backward(dF, A_prev, W):
    """Backward pass through one layer f = W.T @ [1; A_prev], whose row 0 of W holds the biases.

    dF:     dE/df of this layer, shape (fan_out, n); it already carries the 1/n.
    A_prev: the layer's input without the row of ones, shape (fan_in - 1, n).
    W:      the layer's weights, shape (fan_in, fan_out).
    Returns (dW, dA_prev): dE/dW, shaped like W, and dE/dA_prev, shaped like A_prev.
    """
'''

_DEF_6_6 = '''def l2_penalty(weights, lam):
    """The L2 term lam * sum_l ||W[l]||_F^2 and its gradient with respect to each W[l].

    weights: the list [W[1], W[2], W[3]] (row 0 of each holds biases); lam: the strength.
    Returns (penalty, grads): a float, and a list with one array shaped like each W[l].
    """
'''

_DEF_6_7 = '''def heldout_accuracy(net, X, labels):
    """Fraction of the images (columns of X) whose predicted digit equals the label, in [0, 1].

    net: a trained MLP with a softmax output; X: shape (65, m); labels: the true digits, shape (m,).
    """
'''

PLANTED_MISTAKES = [
    {"exercise": "6.1", "kind": "diag(p) only", "hint": "the term -p p^T (np.outer(p, p)) is missing",
     "source": _DEF_6_1 + "    p = tl.softmax(z.reshape(-1, 1))[:, 0]\n    return np.diag(p)\n"},
    {"exercise": "6.1", "kind": "p p^T with the wrong sign", "hint": "the sign is flipped",
     "source": _DEF_6_1 + "    p = tl.softmax(z.reshape(-1, 1))[:, 0]\n    return np.outer(p, p) - np.diag(p)\n"},
    {"exercise": "6.1", "kind": "diagonal of Lemma 1 only", "hint": "you kept only the diagonal",
     "source": _DEF_6_1 + "    p = tl.softmax(z.reshape(-1, 1))[:, 0]\n"
                          "    return np.diag(p * (1 - p))        # d p_j / d z_j from Lemma 1\n"},
    {"exercise": "6.1", "kind": "dot product for outer product", "hint": "dot product, a single number",
     "source": _DEF_6_1 + "    p = tl.softmax(z.reshape(-1, 1))[:, 0]\n    return np.diag(p) - p @ p\n"},
    {"exercise": "6.3", "kind": "missing 1/n", "hint": "the 1/n is missing",
     "source": _DEF_6_3 + "    return Y_hat - Y\n"},
    {"exercise": "6.3", "kind": "gradient w.r.t. Y_hat", "hint": "that is dE/dY_hat",
     "source": _DEF_6_3 + "    n = Y.shape[1]\n    return -Y / Y_hat / n\n"},
    {"exercise": "6.3", "kind": "divided by K", "hint": "the number of classes",
     "source": _DEF_6_3 + "    n = Y.shape[0]\n    return (Y_hat - Y) / n\n"},
    {"exercise": "6.3", "kind": "flipped sign", "hint": "wrong sign",
     "source": _DEF_6_3 + "    n = Y.shape[1]\n    return (Y - Y_hat) / n\n"},
    {"exercise": "6.4", "kind": "transposed", "hint": "is transposed",
     "source": _DEF_6_4 + "    db = dF.sum(axis=1, keepdims=True)               # (fan_out, 1)\n"
                          "    dW = np.hstack([db, dF @ A_prev.T])              # (fan_out, fan_in)\n"
                          "    dA_prev = W[1:] @ dF\n    return dW, dA_prev\n"},
    {"exercise": "6.4", "kind": "bias row missing", "hint": "one row too few",
     "source": _DEF_6_4 + "    dW = A_prev @ dF.T\n    dA_prev = W[1:] @ dF\n    return dW, dA_prev\n"},
    {"exercise": "6.4", "kind": "db as a mean", "hint": "dF already carries the 1/n",
     "source": _DEF_6_4 + "    dW = np.vstack([dF.mean(axis=1), A_prev @ dF.T])\n"
                          "    dA_prev = W[1:] @ dF\n    return dW, dA_prev\n"},
    {"exercise": "6.4", "kind": "bias row sent back", "hint": "leave out row 0 of W",
     "source": _DEF_6_4 + "    dW = np.vstack([dF.sum(axis=1), A_prev @ dF.T])\n"
                          "    dA_prev = W @ dF\n    return dW, dA_prev\n"},
    {"exercise": "6.4", "kind": "sigmoid factor too early", "hint": "you multiplied by the sigmoid's derivative",
     "source": _DEF_6_4 + "    dW = np.vstack([dF.sum(axis=1), A_prev @ dF.T])\n"
                          "    dA_prev = (W[1:] @ dF) * A_prev * (1 - A_prev)\n    return dW, dA_prev\n"},
    {"exercise": "6.6", "kind": "missing factor 2", "hint": "the factor 2 is missing",
     "source": _DEF_6_6 + "    penalty = lam * sum(float((W ** 2).sum()) for W in weights)\n"
                          "    grads = [lam * W for W in weights]\n    return penalty, grads\n"},
    {"exercise": "6.6", "kind": "biases left out (the notes' convention)", "hint": "you left out the bias rows",
     "source": _DEF_6_6 + "    penalty = lam * sum(float((W[1:] ** 2).sum()) for W in weights)\n"
                          "    grads = []\n    for W in weights:\n        g = 2 * lam * W\n"
                          "        g[0] = 0.0          # no penalty on the biases\n        grads.append(g)\n"
                          "    return penalty, grads\n"},
    {"exercise": "6.6", "kind": "norm not squared", "hint": "square the norms",
     "source": _DEF_6_6 + "    penalty = lam * sum(np.linalg.norm(W) for W in weights)\n"
                          "    grads = [2 * lam * W for W in weights]\n    return penalty, grads\n"},
    {"exercise": "6.7", "kind": "count instead of fraction", "hint": "the number of correct images",
     "source": _DEF_6_7 + "    predicted = net.forward(X).argmax(axis=0)\n"
                          "    return float(np.sum(predicted == labels))\n"},
    {"exercise": "6.7", "kind": "error rate", "hint": "that is the error rate",
     "source": _DEF_6_7 + "    predicted = net.forward(X).argmax(axis=0)\n"
                          "    return float(np.mean(predicted != labels))\n"},
]
