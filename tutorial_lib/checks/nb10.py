"""Checkers of notebook 10: debugging backprop (sanity checks, then a bug hunt).

The messages write the notebook's symbols in plain text: ``W[l]`` is $W^{[l]}$, ``f[l]`` and ``a[l]`` are the
pre-activations and activations of layer ``l``, ``δ[l]`` is $\\partial E/\\partial f^{[l]}$ and ``P`` the softmax
output.  In Python, ``weights[0]`` is ``W[1]``.

* ``exercise_10_2``: ``expected_initial_loss(Y) -> float``, the loss of an untrained classifier;
* ``exercise_10_3``: ``overfit(backward, loss, weights, X, Y, lr, steps) -> losses``, full-batch gradient descent
  with the ``backward`` and ``loss`` it is given (the checker's, which record every call);
* ``exercise_10_4``: ``update_ratios(weights_before, weights_after) -> (L,)``;
* ``exercise_10_5``: ``blocked_fraction(A, activation) -> float``, the share of entries whose slope, computed
  from the activations, is below 5% of the activation's largest slope;
* ``exercise_10_6``: ``layer_errors(backward, loss, weights, X, Y) -> (L,)``, a per-layer gradient check of any
  backward pass (``inf`` where a gradient has the wrong shape);
* ``exercise_10_7`` to ``exercise_10_12``: the fixed backward passes of the hunt, compared exactly (to rounding)
  with the library's ``MLP.backward`` on the checker's own networks, of other widths, batch sizes and numbers of
  classes than the notebook's, with pre-activations exactly 0 and with large logits.

Every checker draws its inputs through :func:`grading_cases`, so a graded run also uses inputs the student
never saw.  The library's own answer to each exercise is switched off while the student's function runs
(``forbid=``); in the hunt that is every backward pass of the library and every numerical gradient.
"""

from __future__ import annotations

import numpy as np

from .. import layers as _layers
from ..bugs import (
    Network, blocked_fraction as _lib_blocked_fraction, diagnose as _lib_diagnose,
    expected_initial_loss as _lib_expected_initial_loss, layer_errors as _lib_layer_errors,
    overfit as _lib_overfit, screen as _lib_screen, update_ratios as _lib_update_ratios,
)
from ..engine import Value
from ..gradcheck import check_gradients, numerical_gradient, numerical_jacobian, relative_error
from ..mlp import MLP
from ._common import (
    _as_result_array, call_student, expect_array, expect_close, expect_number, fail, fmt_array, grading_cases,
    passed,
)

__all__ = ["exercise_10_2", "exercise_10_3", "exercise_10_4", "exercise_10_5", "exercise_10_6",
           "exercise_10_7", "exercise_10_8", "exercise_10_9", "exercise_10_10", "exercise_10_11", "exercise_10_12",
           "HINTS", "PLANTED_MISTAKES", "MORE_MISTAKES", "BROKEN", "HEADS", "FIXES"]

#: Seeds at or above this are hidden ones (``grading_cases`` draws them from 100 000 up).
_HIDDEN = 100_000

# ---------------------------------------------------------------------------
# Staged hints (checks.hint("10.7")): first which check or which shapes, last nearly the answer in words.
# ---------------------------------------------------------------------------

HINTS = {
    "10.2": [
        "Before training all logits are close to 0. What probability does the network then give each outcome, and "
        "how many outcomes are there? Count them for targets with K rows, and for a single sigmoid output.",
        "Each sample's term of the loss is minus the natural log of the probability given to its own label. With "
        "uniform probabilities that term is the same for every sample and every label, so the mean is that term "
        "too: the class frequencies and the classes present in the batch do not matter.",
        "For K ≥ 2 rows the answer is ln K. A (1, n) row of labels is one sigmoid output: it has two outcomes, "
        "0.5 each, so the answer is ln 2, not ln 1. Return it as a float.",
    ],
    "10.3": [
        "One step of full-batch gradient descent: ask backward for all gradients at the current weights, then "
        "move every weight matrix against its gradient by lr times the gradient.",
        "All gradients of a step must come from the same weights: compute them all, then update all. Record the "
        "loss after the update, one entry per step and none for the starting weights. Start from copies: the "
        "caller's matrices must not change.",
        "Per step: the list of gradients from backward(weights, X, Y); each W[l] becomes W[l] minus lr times its "
        "gradient; then loss(weights, X, Y) at the new weights joins the losses. Give back the losses as one array "
        "of length steps.",
    ],
    "10.4": [
        "One number per layer: how large the change of W[l] is, measured with the Frobenius norm (the square root "
        "of the sum of the squared entries), relative to the size of W[l] before the step.",
        "Take the norm of the difference of the two matrices, not the difference of their norms: a step can "
        "change every entry and leave the norm almost where it was. Divide by the norm of the weights before the "
        "step.",
        "Ratio of layer l = ||W_after[l] - W_before[l]|| / ||W_before[l]||, both Frobenius norms, for every layer "
        "in order; return them as one array of length L.",
    ],
    "10.5": [
        "You only have a = g(f), not f. Write each activation's slope g'(f) as a function of a: where is ReLU's "
        "slope 0, and what is a there? Which expressions in a give the slopes of tanh and of the sigmoid?",
        "ReLU's slope is 1 where a > 0 and 0 where a = 0. tanh'(f) is 1 - tanh(f)², which is 1 - a²; σ'(f) is "
        "σ(f)(1 - σ(f)), which is a(1 - a). The largest slopes are 1, 1 and 1/4.",
        "Count the entries whose slope is below 0.05 times the largest slope (1 - a² below 0.05 for tanh, a(1 - a) "
        "below 0.0125 for the sigmoid, a equal to 0 for ReLU) and divide by the number of entries of A.",
    ],
    "10.6": [
        "For every layer: the gradient backward gives, central differences of the loss with respect to the same "
        "matrix, and the relative error between the two. A gradient of another shape than its W cannot be "
        "compared entry by entry: that layer's error is inf.",
        "tl.numerical_gradient nudges the matrix you give it in place and calls your function after every nudge, "
        "so that function must evaluate the loss on a list that holds that very matrix. Work on copies of the "
        "weights, so that the caller's list stays as it was.",
        "Relative error of layer l = ||g - g_num|| / (||g|| + ||g_num||), with g the gradient of backward and g_num "
        "the central differences of loss(weights, X, Y) with respect to W[l]; tl.relative_error computes it. "
        "Return one value per layer, in order, as an array.",
    ],
    "10.7": [
        "Read the diagnosis of backward_a: which layers fail the gradient check, and what is the ratio of the "
        "norms, backprop over central differences, in each layer? Does the check fail with one sample?",
        "The same factor in every layer enters at the top, in δ[3], and the chain rule carries it down to every "
        "gradient. Compare that factor with the setting: what else in it has this value? Differentiate the loss "
        "once more and compare with δ[3].",
        "The loss is a mean over the n samples, so δ[3] = (P - Y)/n; backward_a leaves out the 1/n, which makes "
        "every gradient n times too large and is invisible with one sample.",
    ],
    "10.8": [
        "Only layer 2 fails the gradient check; layers 1 and 3 are right, so δ[2] itself is right (layer 1 is "
        "computed from it). The bug is in the one line that turns δ[2] into dE/dW[2].",
        "Write down the shapes: a[1] with its bias row is 16 × n, δ[2] is 16 × n and W[2] is 16 × 16. Both "
        "orders of the product give 16 × 16, so the shapes cannot tell them apart here. Which order gives entry "
        "(i, j) = sum over k of a[1]_ik δ[2]_jk?",
        "dE/dW[2] is a[1] with its bias row times δ[2] transposed, in this order; backward_b multiplies the two "
        "the other way round, which gives the transpose of the gradient. With a W[2] that is not square the shape "
        "would have shown it.",
    ],
    "10.9": [
        "Layers 2 and 3 are right and layer 1 is wrong, with one sample too: look at what happens between δ[2] "
        "and δ[1].",
        "W[2] δ[2] has one row more than layer 1 has units. Which of its rows belongs to the bias, and which to the "
        "15 units? Where did the forward pass put the row of ones?",
        "The forward pass stacks the ones on top, as row 0, so row 0 of W[2] δ[2] is the one to drop; backward_c "
        "drops the last row instead and keeps the bias row, which shifts every unit's gradient by one.",
    ],
    "10.10": [
        "Layer 3 is right, layers 2 and 1 are wrong: the first wrong quantity on the way down is δ[2].",
        "δ[2] is dE/da[2] times ReLU's slope at f[2], entry by entry. Where is that slope 0? Can the comparison "
        "that backward_d uses as its mask ever be false?",
        "ReLU's outputs are never negative, so 'a[2] ≥ 0' holds everywhere and the mask lets every entry through. "
        "The mask must be 1 exactly where f[2] > 0 (equivalently where a[2] > 0, strictly) and 0 elsewhere.",
    ],
    "10.11": [
        "Only layer 1 fails, and not with one sample. Its norm ratio, backprop over central differences, is far "
        "below 1, and so is its update/weight ratio compared with the other layers.",
        "A loop over the samples must add each sample's contribution to every gradient. Check how each of the "
        "three gradients collects its contributions from one pass of the loop to the next.",
        "dW1 is overwritten in every pass of the loop, so only the last sample's contribution survives; it must be "
        "accumulated (added to) like dW2 and dW3.",
    ],
    "10.12": [
        "With one sample the gradients are right; with 20 the function stops with a shape error. The line that "
        "raises is not necessarily the line with the bug: print the shape of every intermediate array for n = 3.",
        "Which array has shape (n, n)? Where do an (n, 1) column and an (n,) vector meet in an operation that "
        "broadcasts?",
        "Y_hat is computed as a column, one row per sample, while the labels are flattened to an (n,) vector: their "
        "difference broadcasts to (n, n). Keep the two in the same layout, e.g. both as (1, n) rows as everywhere "
        "in the workbook, and let the shapes of the products follow.",
    ],
}

# ---------------------------------------------------------------------------
# Small helpers shared by the checkers.
# ---------------------------------------------------------------------------


def _type_text(value) -> str:
    if value is None:
        return "None"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of {len(value)} items"
    if callable(value):
        return "a function"
    name = type(value).__name__
    return f"{'an' if name[:1] in 'aeiou' else 'a'} {name}"


def _items(ex: str, result, count: int, expected: str, order_hint: str) -> list:
    """``result`` as a list of ``count`` items, or a failure saying what came back instead."""
    if result is None:
        fail(ex, "your function returned None.", expected=expected, got="None",
             hint="did you forget the `return` statement?")
    if isinstance(result, np.ndarray) and result.dtype != object and result.ndim >= 2 and result.shape[0] == count:
        fail(ex, f"your function returned one array of shape {result.shape}, not a list of {count} gradients.",
             expected=expected, got=_type_text(result),
             hint="the gradients of the layers have different shapes: give them back as a list, one per layer.")
    if not isinstance(result, (list, tuple)):
        fail(ex, f"your function returned {_type_text(result)}, not {count} results.", expected=expected,
             got=_type_text(result), hint=order_hint)
    if len(result) != count:
        fail(ex, f"your function returned {len(result)} results instead of {count}.", expected=expected,
             got=_type_text(result), hint=order_hint)
    return list(result)


def _scalars_to_array(value):
    """A list or tuple of plain numbers (one per layer) as an array; anything else unchanged."""
    if isinstance(value, (list, tuple)) and value and all(
            isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_))
            for v in value):
        return np.array(value, dtype=np.float64)
    return value


def _call(ex: str, fn, *args, forbid=()):
    """:func:`call_student` with numpy's floating-point warnings off: a diverging loop or an overflowing
    exponential shows as inf or nan in the result, which the checks then name."""
    with np.errstate(all="ignore"):
        return call_student(ex, fn, *args, forbid=forbid)


def _shape(value):
    return value.shape if isinstance(value, np.ndarray) else None


def _copies(weights) -> list:
    return [np.array(W, dtype=np.float64) for W in weights]


def _unchanged(ex: str, given: list, originals: list) -> None:
    """Fail when the student's function changed the list of weights it was given, or its matrices, in place."""
    same = len(given) == len(originals) and all(
        isinstance(g, np.ndarray) and g.shape == o.shape and np.array_equal(g, o) for g, o in zip(given, originals))
    if not same:
        fail(ex, "your function changed the weights it was given, in place.",
             hint="work on copies of the weight matrices (and of the list): the caller still needs the originals, "
                  "and an update written with an augmented assignment changes them.")


# ---------------------------------------------------------------------------
# The networks of the checks, and their exact gradients without the library's backward pass (which is forbidden
# while the student's function runs, even when the checker's own spy calls it).
# ---------------------------------------------------------------------------

def _digits_like(features: int, hidden1: int, hidden2: int, classes: int) -> Network:
    return Network([features + 1, hidden1, hidden2, classes], ["relu", "relu", "softmax"], hidden_bias=True,
                   loss="softmax_ce", name=f"network {features + 1}-{hidden1}-{hidden2}-{classes}")


def _forward(network: Network, weights, X):
    """Every f[l] and every input of a layer (with its bias row), through the network's own numpy forward."""
    inputs, pre = [], []
    A = X
    last = len(weights) - 1
    for l, W in enumerate(weights):
        if l > 0 and network.hidden_bias:
            A = np.vstack([np.ones((1, A.shape[1])), A])
        inputs.append(A)
        F = W.T @ A
        pre.append(F)
        if l < last:
            A = np.maximum(F, 0.0) if network.activations[l] == "relu" else np.tanh(F)
    return inputs, pre


def _output_delta(network: Network, F, Y):
    n = F.shape[1]
    if network.loss_name == "softmax_ce":
        shifted = F - F.max(axis=0, keepdims=True)
        P = np.exp(shifted)
        P /= P.sum(axis=0, keepdims=True)
        return (P - Y) / n
    return (1.0 / (1.0 + np.exp(-F)) - Y) / n


def _variant(network: Network, weights, X, Y, *, scale=1.0, transpose=(), drop_last=(), masks=None,
             last_sample=()):
    """The exact gradients of ``network`` (ReLU hidden layers), right (the defaults) or with known mistakes.

    ``scale`` multiplies δ[L] (``n`` for a missing 1/n); ``transpose`` lists layers whose gradient is computed
    as δ times the input transposed (the transpose); ``drop_last`` lists layers l whose dE/da[l-1] drops the
    last row instead of the bias row 0; ``masks`` maps a hidden layer to ``"ge"`` (1 where f = 0 too) or
    ``"none"`` (no mask); ``last_sample`` lists layers whose gradient keeps only the last sample's contribution.
    """
    masks = masks or {}
    inputs, pre = _forward(network, weights, X)
    L = len(weights)
    delta = _output_delta(network, pre[-1], Y) * scale
    grads = [None] * L
    for l in range(L - 1, -1, -1):
        A = inputs[l]
        if l + 1 in last_sample:
            grads[l] = A[:, -1:] @ delta[:, -1:].T
        elif l + 1 in transpose and A.shape[0] == delta.shape[0]:
            grads[l] = delta @ A.T
        else:
            grads[l] = A @ delta.T
        if l == 0:
            break
        back = weights[l] @ delta
        if network.hidden_bias:
            back = back[:-1] if l + 1 in drop_last else back[1:]
        kind = masks.get(l, "gt")
        F = pre[l - 1]
        if kind == "gt":
            back = back * (F > 0)
        elif kind == "ge":
            back = back * (F >= 0)
        delta = back
    return grads


def _exact(network: Network, weights, X, Y) -> list:
    return _variant(network, weights, X, Y)


def _library_gradients(network: Network, weights, X, Y) -> list:
    """The library's backward pass (outside the student's call), checked against the checker's own."""
    grads = network.backward(weights, X, Y)
    own = _exact(network, weights, X, Y)
    for g, o in zip(grads, own):  # pragma: no branch
        if not np.allclose(g, o, rtol=1e-10, atol=1e-14):  # pragma: no cover - a library bug
            raise RuntimeError("nb10: the library's backward pass and the checker's disagree; report this bug.")
    return grads


# ---------------------------------------------------------------------------
# Exercise 10.2: the loss before training.
# ---------------------------------------------------------------------------

#: (kind, K, n, seed); a hidden case (seed >= 100 000) draws its own K and n from its seed.
_INIT_CASES = (("onehot", 10, 40, 1020), ("onehot", 10, 3, 1021), ("binary", 1, 12, 1022), ("onehot", 2, 9, 1023),
               ("onehot", 4, 30, 1024), ("binary", 1, 1, 1025), ("onehot", 7, 1, 1026), ("onehot", 3, 25, 1027))


def _targets(kind: str, K: int, n: int, seed: int) -> np.ndarray:
    """Targets with skewed class frequencies (and, for few samples, classes that do not occur)."""
    rng = np.random.default_rng(seed)
    if seed >= _HIDDEN:
        n = int(rng.integers(2, 50))
        if kind == "onehot":
            K = int(rng.integers(3, 13))
    if kind == "binary":
        Y = (rng.random((1, n)) < 0.25).astype(np.float64)
        if n > 1 and Y.sum() in (0, n):
            Y[0, 0] = 1.0 - Y[0, 0]
        return Y
    frequencies = rng.dirichlet(np.full(K, 0.4))
    labels = rng.choice(K, size=n, p=frequencies)
    Y = np.zeros((K, n))
    Y[labels, np.arange(n)] = 1.0
    return Y


def _entropy(Y) -> float:
    if Y.shape[0] == 1:
        p = np.array([Y.mean(), 1.0 - Y.mean()])
    else:
        p = Y.mean(axis=1)
    p = p[p > 0]
    return float(-(p * np.log(p)).sum())


_INIT_HINTS = {
    "log10": "you used the base-10 logarithm; the cross-entropy uses the natural logarithm (nats).",
    "log2": "you used the base-2 logarithm (bits); the cross-entropy uses the natural logarithm (nats).",
    "probability": ("that is the probability an untrained network gives each outcome, not the loss: the loss is "
                    "minus the log of the probability given to the right label."),
    "sign": "the value has the wrong sign: the loss is minus the log of a probability below 1, so it is positive.",
    "sum": "that is the sum over the n samples; the loss is their mean.",
    "samples": ("that depends on the number of samples n (the columns of Y); the number of outcomes is set by the "
                "rows of Y."),
    "rows": ("with one row of labels the network has one sigmoid output, and that output still has two outcomes "
             "(0 and 1), each predicted with probability 0.5."),
    "present": ("you counted only the classes that occur in this batch; the untrained network spreads its "
                "probability over all K outputs, whether or not a class occurs."),
    "entropy": ("that is the entropy of the class frequencies: the loss of the best constant guess, which a network "
                "reaches only after it has learned the frequencies. Before training it has not."),
    "error_rate": "that is the error rate of a random guess, not the loss.",
    "minus_one": "the probability of each outcome is 1/K, so each sample's term is ln K, not ln(K - 1).",
}


def _init_variants(Y) -> dict:
    K, n = Y.shape
    outcomes = max(K, 2)
    present = int((Y.sum(axis=1) > 0).sum()) if K > 1 else len(np.unique(Y))
    return {
        "log10": np.log10(outcomes), "log2": np.log2(outcomes), "probability": 1.0 / outcomes,
        "sign": -np.log(outcomes), "sum": n * np.log(outcomes), "samples": np.log(n), "rows": np.log(K),
        "present": np.log(max(present, 1)), "entropy": _entropy(Y), "error_rate": 1.0 - 1.0 / outcomes,
        "minus_one": np.log(outcomes - 1),
    }


def exercise_10_2(expected_initial_loss) -> None:
    """Check ``expected_initial_loss(Y)`` on targets with 2 to 10 classes (some absent), on a single sigmoid
    output's labels and on a single sample."""
    ex = "10.2"
    cases = grading_cases(ex, _INIT_CASES, k=3)
    targets = [_targets(*case) for case in cases]
    got, expected = [], []
    for Y in targets:
        name = f"the expected loss for Y of shape {Y.shape}"
        value = _call(ex, expected_initial_loss, Y, forbid=(_lib_expected_initial_loss,))
        got.append(expect_number(ex, name, value))
        expected.append(float(np.log(max(Y.shape[0], 2))))
    got, expected = np.array(got), np.array(expected)
    if np.allclose(got, expected, rtol=1e-9, atol=1e-12):
        passed(ex)
        return
    variants = [_init_variants(Y) for Y in targets]
    i = int(np.argmax(~np.isclose(got, expected, rtol=1e-9, atol=1e-12)))
    summary = dict(expected=f"{expected[i]:.6g}", got=f"{got[i]:.6g}",
                   detail=f"wrong for {int((~np.isclose(got, expected)).sum())} of {len(got)} target arrays; "
                          f"one of them: Y of shape {targets[i].shape}")
    wrong = ~np.isclose(got, expected, rtol=1e-9, atol=1e-12)
    for key, hint in _INIT_HINTS.items():
        values = np.array([v[key] for v in variants])
        if np.allclose(got[wrong], values[wrong], rtol=1e-6, atol=1e-9):
            fail(ex, "the expected loss is not right.", hint=hint, **summary)
    binary = np.array([Y.shape[0] == 1 for Y in targets])
    if np.allclose(got[~binary], expected[~binary], rtol=1e-9, atol=1e-12):
        fail(ex, "the expected loss is right for one-hot targets but not for one sigmoid output.", hint=_INIT_HINTS[
            "rows"], **summary)
    fail(ex, "the expected loss does not match.", **summary,
         hint="work out the probability an untrained network gives each outcome, then the loss of one sample.")


# ---------------------------------------------------------------------------
# Exercise 10.3: the overfitting loop.
# ---------------------------------------------------------------------------

#: (n, sizes without the bias row of X: features, hidden..., classes; lr, steps, seed).
_OVERFIT_CASES = ((20, (8, 5, 6, 4), 0.5, 12, 1030), (6, (4, 3, 4, 3), 1.5, 4, 1031), (1, (3, 3, 2, 2), 0.2, 3, 1032),
                  (9, (5, 4, 3), 0.8, 6, 1033))


def _small_network(sizes) -> Network:
    features, *hidden, classes = sizes
    return Network([features + 1, *hidden, classes], ["relu"] * len(hidden) + ["softmax"], hidden_bias=True,
                   loss="softmax_ce", name="network " + "-".join(str(s) for s in [features + 1, *hidden, classes]))


def _small_case(sizes, n: int, seed: int):
    """A network of the given sizes with He weights, inputs in [0, 1] and one-hot targets, in which every layer
    has a gradient clearly away from 0 (no hidden layer off for every sample)."""
    network = _small_network(sizes)
    rng = np.random.default_rng(seed)
    for _ in range(1000):
        weights = network.weights(seed=rng)
        X = np.vstack([np.ones((1, n)), rng.random((sizes[0], n))])
        Y = np.zeros((sizes[-1], n))
        Y[rng.integers(0, sizes[-1], n), np.arange(n)] = 1.0
        grads = _exact(network, weights, X, Y)
        if min(np.linalg.norm(g) for g in grads) > 1e-2 * max(np.linalg.norm(g) for g in grads):
            return network, weights, X, Y
    raise RuntimeError(f"no network for seed {seed}")  # pragma: no cover


class _SpyBackward:
    """The ``backward`` a student's loop is given: exact gradients, and a record of every call."""

    def __init__(self, network: Network, rows: int, classes: int):
        self.network, self.rows, self.classes = network, rows, classes
        self.calls = []

    def __call__(self, weights, X, Y):
        weights = list(weights)
        shapes = [np.shape(W) for W in weights]
        want = [tuple(int(s) for s in (a, b)) for a, b in zip(self.network.sizes[:-1], self.network.sizes[1:])]
        want = [(r + (1 if l > 0 and self.network.hidden_bias else 0), c) for l, (r, c) in enumerate(want)]
        X, Y = np.asarray(X, dtype=np.float64), np.asarray(Y, dtype=np.float64)
        if shapes != want or X.ndim != 2 or X.shape[0] != self.rows or Y.shape != (self.classes, X.shape[1]):
            raise ValueError(f"backward(weights, X, Y) needs weights of shapes {want}, X ({self.rows}, n) and Y "
                             f"({self.classes}, n); got {shapes}, {X.shape} and {Y.shape}")
        weights = _copies(weights)
        self.calls.append(dict(n=X.shape[1], weights=weights))
        with np.errstate(all="ignore"):
            return _exact(self.network, weights, X, Y)


class _SpyLoss:
    """The ``loss`` a student's loop is given: the network's mean cross-entropy, counting its calls."""

    def __init__(self, network: Network):
        self.network = network
        self.calls = 0

    def __call__(self, weights, X, Y):
        self.calls += 1
        with np.errstate(all="ignore"):
            return self.network.loss(_copies(weights), X, Y)


def _trajectory(network, weights, X, Y, lr, steps):
    """The weights before every step and the loss after it, of the right loop."""
    before, losses = [], []
    W = _copies(weights)
    for _ in range(steps):
        before.append(W)
        g = _exact(network, W, X, Y)
        W = [w - lr * gw for w, gw in zip(W, g)]
        losses.append(network.loss(W, X, Y))
    return before, np.array(losses), W


def _same_weights(a, b) -> bool:
    return len(a) == len(b) and all(np.shape(x) == np.shape(y) and np.allclose(x, y, rtol=1e-9, atol=1e-12)
                                    for x, y in zip(a, b))


def _step_diagnosis(ex, network, prev, now, X, Y, lr, step: int) -> None:
    """The weights of call ``step`` are not one right step from those of call ``step - 1``: name the step taken."""
    g = _exact(network, prev, X, Y)
    known = {
        "uphill: the weights moved along the gradient; a descent step goes against it.":
            [w + lr * gw for w, gw in zip(prev, g)],
        "the step ignores the learning rate lr: each step is lr times the gradient.":
            [w - gw for w, gw in zip(prev, g)],
        "the step is lr squared times the gradient: multiply by lr once.":
            [w - lr * lr * gw for w, gw in zip(prev, g)],
        f"the step is divided by n = {X.shape[1]}: the gradients already hold the 1/n of the mean loss.":
            [w - lr * gw / X.shape[1] for w, gw in zip(prev, g)],
    }
    for l in range(len(prev)):
        known[f"only W[{l + 1}] kept its old value: every layer takes its step."] = [
            w if i == l else w - lr * gw for i, (w, gw) in enumerate(zip(prev, g))]
        known[f"only W[{l + 1}] was updated: every layer takes its step."] = [
            w - lr * gw if i == l else w for i, (w, gw) in enumerate(zip(prev, g))]
    for hint, candidate in known.items():
        if _same_weights(now, candidate):
            fail(ex, f"the weights at step {step} are not one gradient step from those of step {step - 1}.",
                 hint=hint)
    fail(ex, f"the weights at step {step} are not one gradient step from those of step {step - 1}.",
         hint="check one step by hand: every W[l] becomes W[l] minus lr times its gradient, all from the same "
              "weights.")


def exercise_10_3(overfit) -> None:
    """Check ``overfit(backward, loss, weights, X, Y, lr, steps)`` with the checker's own spying ``backward`` and
    ``loss``, against the same loop written by the checker."""
    ex = "10.3"
    for n, sizes, lr, steps, seed in grading_cases(ex, _OVERFIT_CASES):
        network, weights, X, Y = _small_case(sizes, n, seed)
        spy, loss = _SpyBackward(network, X.shape[0], Y.shape[0]), _SpyLoss(network)
        given = _copies(weights)
        result = _call(ex, overfit, spy, loss, given, X, Y, lr, steps,
                              forbid=(_lib_overfit, MLP.fit, MLP.step, MLP._step_unchecked, MLP.backward,
                                      MLP._backward, numerical_gradient, check_gradients))
        _unchanged(ex, given, weights)
        before, ref_losses, _ = _trajectory(network, weights, X, Y, lr, steps)
        label = f"(n = {n}, lr = {lr:g}, steps = {steps})"
        calls = spy.calls
        L = len(weights)
        if not calls:
            fail(ex, "your loop never called the backward function it was given.",
                 expected=f"{steps} calls (one per step)", got="no call",
                 hint="the gradients must come from the backward argument: the check passes its own, and your loop "
                      "must use it.")
        partial = [c["n"] for c in calls if c["n"] != n]
        if partial:
            fail(ex, f"backward was called on {partial[0]} sample{'s' if partial[0] != 1 else ''} at a time instead "
                     f"of all {n}.", expected=f"every call on all {n} samples", got=f"a call on {partial[0]}",
                 hint="this is full-batch gradient descent: every step uses the gradient of the loss over all n "
                      "samples.")
        if len(calls) != steps:
            if len(calls) == 1:
                hint = ("the gradient changes when the weights change: ask backward again at the new weights in "
                        "every step.")
            elif L > 1 and len(calls) == steps * L:
                hint = ("one call per layer and step: one call of backward gives the gradients of all layers at "
                        "once, and they must all come from the same weights.")
            elif len(calls) == steps + 1:
                hint = "your loop took one step more than steps (or asked for gradients it did not use)."
            else:
                hint = "one call of backward per step, at the weights of that step."
            fail(ex, f"backward was called {len(calls)} times for {steps} steps {label}.",
                 expected=f"{steps} calls", got=f"{len(calls)} calls", hint=hint)
        if not _same_weights(calls[0]["weights"], before[0]):
            fail(ex, "the first call of backward did not get the starting weights.",
                 hint="start from (copies of) the weights you are given, and ask for the gradients there first.")
        for t in range(1, steps):
            if not _same_weights(calls[t]["weights"], before[t]):
                _step_diagnosis(ex, network, calls[t - 1]["weights"], calls[t]["weights"], X, Y, lr, t)
        losses = result
        if steps > 1 and isinstance(losses, (int, float, np.number)) and not isinstance(losses, (bool, np.bool_)):
            fail(ex, f"the losses {label} came back as one number.", expected=f"shape ({steps},)",
                 got=fmt_array(losses), hint="record the loss after every step and return all of them, in order.")
        if isinstance(losses, (list, np.ndarray)) and np.ndim(losses) == 1 and len(losses) == steps + 1:
            fail(ex, f"the losses have {steps + 1} entries for {steps} steps.", expected=f"shape ({steps},)",
                 got=f"{steps + 1} entries",
                 hint="one entry per step, the loss after that step's update; leave out the loss of the starting "
                      "weights.")
        behind = np.array([network.loss(W, X, Y) for W in before])
        expect_array(ex, f"the losses {label}", losses, ref_losses, n=n, rtol=1e-9, atol=1e-12,
                     mistakes=[(behind, "each loss is one step behind: record the loss after the update of its "
                                        "step, not before it.")],
                     hint="the steps are right, so look at how each loss is recorded: loss(weights, X, Y) at the "
                          "weights after the update.")
    passed(ex)


# ---------------------------------------------------------------------------
# Exercise 10.4: the update/weight ratio.
# ---------------------------------------------------------------------------

#: (shapes, kind, seed): kind "plain" (every layer moved), "frozen" (the last layer did not move), "zero_entry"
#: (a weight that is exactly 0), "big" (a step larger than the weights).
_RATIO_CASES = ((((65, 15), (16, 16), (17, 10)), "plain", 1040), (((3, 2), (2, 1)), "frozen", 1041),
                (((5, 4), (5, 3), (4, 2), (3, 3)), "plain", 1042), (((4, 3),), "plain", 1043),
                (((6, 5), (6, 2)), "zero_entry", 1044), (((2, 2), (3, 2)), "big", 1045))


def _ratio_case(shapes, kind: str, seed: int):
    rng = np.random.default_rng(seed)
    before, after = [], []
    for l, shape in enumerate(shapes):
        W = rng.normal(0.0, np.sqrt(2.0 / shape[0]), shape)
        W[0] *= 3.0  # a bias row of another size than the rest
        if kind == "zero_entry" and l == 0:
            W[1, 1] = 0.0
        target = 10.0 ** rng.uniform(-5.0, -1.0)
        if kind == "big":
            target = rng.uniform(1.5, 3.0)
        step = rng.normal(0.0, 1.0, shape)
        step *= target * np.linalg.norm(W) / np.linalg.norm(step)
        if kind == "frozen" and l == len(shapes) - 1:
            step[:] = 0.0
        before.append(W)
        after.append(W - step)
    return before, after


_RATIO_HINTS = {
    "diff_norms": ("that is the change of the norm, (||W_after|| - ||W_before||) / ||W_before||; take the norm of the "
                   "change instead: a step can change every entry and leave the norm almost where it was."),
    "abs_diff_norms": ("that is the size of the change of the norm; take the norm of the change (of the difference "
                       "of the two matrices) instead."),
    "after": "divide by the norm of the weights before the step, not after it.",
    "inverted": "the ratio is upside down: the size of the update over the size of the weights.",
    "squared": "these are the squares of the ratios: the Frobenius norm is the square root of the sum of squares.",
    "not_divided": "that is the size of the update alone; divide it by the size of the weights before the step.",
    "mean_abs": ("that compares the mean absolute entries; the exercise asks for Frobenius norms (the square root of "
                 "the sum of the squared entries)."),
    "max_abs": "that compares the largest entries; the exercise asks for Frobenius norms of the whole matrices.",
    "spectral": ("that is the ratio of the largest singular values (the 2-norm of a matrix); the exercise asks for the "
                 "Frobenius norm, the square root of the sum of the squared entries."),
    "percent": "these are percentages; return the ratios themselves.",
    "no_bias_row": "you left out row 0 (the biases); the ratio covers the whole matrix W[l].",
    "norm_ratio": ("that is ||W_after|| / ||W_before||, which is close to 1 for any small step; take the norm of the "
                   "difference."),
    "elementwise_mean": ("that is the mean of the entry-by-entry ratios; divide the norms of the matrices instead (an "
                         "entry of W near 0 makes its own ratio huge)."),
}


def _ratio_variants(before, after) -> dict:
    def each(fn):
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.array([fn(np.asarray(b), np.asarray(a)) for b, a in zip(before, after)], dtype=np.float64)

    fro = np.linalg.norm
    return {
        "diff_norms": each(lambda b, a: (fro(a) - fro(b)) / fro(b)),
        "abs_diff_norms": each(lambda b, a: abs(fro(a) - fro(b)) / fro(b)),
        "after": each(lambda b, a: fro(a - b) / fro(a)),
        "inverted": each(lambda b, a: fro(b) / fro(a - b)),
        "squared": each(lambda b, a: (fro(a - b) / fro(b)) ** 2),
        "not_divided": each(lambda b, a: fro(a - b)),
        "mean_abs": each(lambda b, a: np.abs(a - b).mean() / np.abs(b).mean()),
        "max_abs": each(lambda b, a: np.abs(a - b).max() / np.abs(b).max()),
        "spectral": each(lambda b, a: np.linalg.norm(a - b, 2) / np.linalg.norm(b, 2)),
        "percent": each(lambda b, a: 100.0 * fro(a - b) / fro(b)),
        "no_bias_row": each(lambda b, a: fro(a[1:] - b[1:]) / fro(b[1:]) if b.shape[0] > 1 else np.nan),
        "norm_ratio": each(lambda b, a: fro(a) / fro(b)),
        "elementwise_mean": each(lambda b, a: np.mean(np.abs(a - b) / np.abs(b))),
    }


def exercise_10_4(update_ratios) -> None:
    """Check ``update_ratios(weights_before, weights_after)`` on lists of one to four layers: layers that moved
    a lot, a little and not at all, a step larger than the weights, and a weight that is exactly 0."""
    ex = "10.4"
    for shapes, kind, seed in grading_cases(ex, _RATIO_CASES):
        before, after = _ratio_case(shapes, kind, seed)
        given_before, given_after = _copies(before), _copies(after)
        got = _call(ex, update_ratios, given_before, given_after, forbid=(_lib_update_ratios,))
        _unchanged(ex, given_before, before)
        _unchanged(ex, given_after, after)
        L = len(shapes)
        expected = np.array([np.linalg.norm(a - b) / np.linalg.norm(b) for b, a in zip(before, after)])
        name = f"the ratios of {L} layer{'s' if L > 1 else ''} ({kind})"
        if L > 1 and isinstance(got, (int, float, np.number)) and not isinstance(got, bool):
            fail(ex, f"{name} came back as one number.", expected=f"one ratio per layer, shape ({L},)",
                 got=fmt_array(got), hint="compute the ratio of every layer on its own and return them all, in order.")
        variants = _ratio_variants(before, after)
        got = _scalars_to_array(got)
        arr = _as_result_array(ex, name, got, (L,), allow_nonfinite=True) if not isinstance(got, list) else None
        if arr is not None and arr.shape == (L,) and not np.all(np.isfinite(arr)):
            for key in ("elementwise_mean", "inverted"):
                v = variants[key]
                if np.array_equal(np.isfinite(arr), np.isfinite(v)) and np.allclose(
                        arr[np.isfinite(arr)], v[np.isfinite(v)], rtol=1e-6):
                    fail(ex, f"{name} are not all finite.", expected=fmt_array(expected), got=fmt_array(arr),
                         hint=_RATIO_HINTS[key])
            with np.errstate(divide="ignore"):
                logs = np.log10(expected)
            if np.array_equal(np.isfinite(arr), np.isfinite(logs)) and np.allclose(
                    arr[np.isfinite(arr)], logs[np.isfinite(logs)], rtol=1e-6):
                fail(ex, f"{name} are not all finite.", expected=fmt_array(expected), got=fmt_array(arr),
                     hint="these are log10 of the ratios (a layer that did not move gives log10 of 0); return the "
                          "ratios themselves.")
        with np.errstate(divide="ignore"):
            logs = np.log10(expected)
        mistakes = [(v, _RATIO_HINTS[k]) for k, v in variants.items() if np.all(np.isfinite(v))]
        if np.all(np.isfinite(logs)):
            mistakes.append((logs, "these are log10 of the ratios; return the ratios themselves (the figure below "
                                   "takes the logarithm)."))
        expect_array(ex, name, got, expected, rtol=1e-9, atol=1e-15, mistakes=mistakes,
                     hint="the ratio of layer l is the Frobenius norm of W_after[l] - W_before[l] divided by that of "
                          "W_before[l]; compare one layer by hand.")
    passed(ex)


# ---------------------------------------------------------------------------
# Exercise 10.5: the share of entries that block the gradient.
# ---------------------------------------------------------------------------

#: (activation, units, n, seed).
_BLOCKED_CASES = (("relu", 15, 20, 1050), ("tanh", 32, 40, 1051), ("sigmoid", 8, 30, 1052), ("tanh", 4, 1, 1053),
                  ("relu", 6, 7, 1054), ("sigmoid", 10, 25, 1055), ("tanh", 16, 50, 1056))
_MAX_SLOPE = {"relu": 1.0, "tanh": 1.0, "sigmoid": 0.25}


def _slope(A, activation):
    if activation == "relu":
        return (A > 0).astype(np.float64)
    if activation == "tanh":
        return 1.0 - A * A
    return A * (1.0 - A)


def _activations(activation: str, units: int, n: int, seed: int):
    """Activations with some entries in every region a wrong rule would count differently, none on a threshold."""
    rng = np.random.default_rng(seed)
    shape = (units, n)
    for _ in range(1000):
        if activation == "relu":
            A = np.maximum(rng.normal(rng.uniform(-0.5, 0.5), 1.0, shape), 0.0)
            if A.size > 1 and (A == 0).all(axis=1).any() and not (A == 0).all():
                return A
            if A.size > 1:
                A[rng.integers(0, units)] = 0.0  # a dead unit, so that "dead units" differs from "entries"
                if not (A == 0).all():
                    return A
            continue
        F = rng.normal(0.0, rng.uniform(1.5, 3.0) if activation == "tanh" else rng.uniform(3.0, 6.0), shape)
        A = np.tanh(F) if activation == "tanh" else 1.0 / (1.0 + np.exp(-F))
        margin = np.abs(_slope(A, activation) - 0.05 * _MAX_SLOPE[activation])
        if margin.min() < 1e-6:
            continue
        blocked = _slope(A, activation) < 0.05 * _MAX_SLOPE[activation]
        if A.size > 3:
            if activation == "tanh":
                gap = (np.abs(A) > 0.95) & ~blocked
            else:
                gap = (A * (1 - A) < 0.05) & ~blocked
            if not (blocked.any() and gap.any() and (~blocked).any()):
                continue
        return A
    raise RuntimeError(f"no {activation} case for seed {seed}")  # pragma: no cover


def _blocked_variants(A, activation):
    ref = float(np.mean(_slope(A, activation) < 0.05 * _MAX_SLOPE[activation]))
    blocked = _slope(A, activation) < 0.05 * _MAX_SLOPE[activation]
    generic = [
        (1.0 - ref, "that is the share of entries that pass the gradient; the exercise asks for the share that "
                    "blocks it."),
        (100.0 * ref, "that is a percentage; return the fraction, a number between 0 and 1."),
        (float(blocked.sum()), "that is the number of entries; divide by the number of entries of A."),
        (float(np.mean(blocked.all(axis=1))), "that is the share of units that block for every sample (dead units); "
                                              "the exercise counts entries, one per unit and sample."),
    ]
    if activation == "tanh":
        out = [
            (float(np.mean(np.abs(A) > 0.95)), "you put a threshold of 0.95 on the activation itself; the exercise "
                                               "asks about the slope, 1 - a² below 0.05, which is |a| above 0.975."),
            (float(np.mean(1.0 - np.tanh(A) ** 2 < 0.05)), "you evaluated tanh's slope at a, as if a were the "
                                                           "pre-activation; a is already tanh(f), so the slope is "
                                                           "1 - a²."),
        ]
    elif activation == "sigmoid":
        s = 1.0 / (1.0 + np.exp(-A))
        out = [
            (float(np.mean(A * (1 - A) < 0.05)), "5% of the sigmoid's largest slope, which is 1/4 (at f = 0), is "
                                                 "0.0125, not 0.05."),
            (float(np.mean((A < 0.05) | (A > 0.95))), "you put a threshold on the activation itself; the exercise "
                                                      "asks about the slope a(1 - a)."),
            (float(np.mean(s * (1 - s) < 0.0125)), "you evaluated the sigmoid's slope at a, as if a were the "
                                                   "pre-activation; a is already σ(f), so the slope is a(1 - a)."),
        ]
    else:
        out = [
            (float(np.mean(A < 0)), "ReLU's outputs are never negative: a unit blocks where its output is exactly 0."),
        ]
    return ref, out + generic


def exercise_10_5(blocked_fraction) -> None:
    """Check ``blocked_fraction(A, activation)`` on ReLU, tanh and sigmoid activations of several shapes."""
    ex = "10.5"
    for activation, units, n, seed in grading_cases(ex, _BLOCKED_CASES, k=3):
        A = _activations(activation, units, n, seed)
        got = _call(ex, blocked_fraction, A, activation, forbid=(_lib_blocked_fraction,))
        name = f"the blocked fraction ({activation}, A of shape {A.shape})"
        if isinstance(got, np.ndarray) and got.ndim >= 1 and got.size > 1 and got.dtype.kind in "iuf":
            fail(ex, f"{name} came back as an array of shape {got.shape}.", expected="one number between 0 and 1",
                 got=fmt_array(got), hint="one fraction per unit or per sample: the exercise asks for one number over "
                                          "all entries of A.")
        ref, mistakes = _blocked_variants(A, activation)
        expect_close(ex, name, got, ref, mistakes=mistakes, rtol=1e-9, atol=1e-12,
                     hint=f"count the entries where the slope of {activation}, written in terms of a, is below 5% of "
                          f"its largest slope, and divide by the number of entries.")
    passed(ex)


# ---------------------------------------------------------------------------
# Exercise 10.6: a per-layer gradient check of any backward pass.
# ---------------------------------------------------------------------------

#: (sizes without the bias row of X, n, seed).
_CHECK_CASES = (((6, 4, 5, 3), 6, 1060), ((4, 3, 2), 4, 1061), ((5, 3, 4, 4, 2), 3, 1062))


def _backward_kinds(network: Network, n: int) -> dict:
    """The backward passes each case hands to the student's check: right ones and wrong ones."""
    def right(weights, X, Y):
        return _exact(network, _copies(weights), X, Y)

    def times_n(weights, X, Y):
        return [g * X.shape[1] for g in right(weights, X, Y)]

    def wrong_shape(weights, X, Y):
        g = right(weights, X, Y)
        g[1] = g[1].T
        return g

    def zero_last(weights, X, Y):
        g = right(weights, X, Y)
        g[-1] = np.zeros_like(g[-1])
        return g

    def slightly_off(weights, X, Y):
        g = right(weights, X, Y)
        g[0] = g[0] * 1.001
        return g

    def flipped(weights, X, Y):
        g = right(weights, X, Y)
        g[-2] = -g[-2]
        return g

    return {"right": right, "every layer n times too large": times_n, "one gradient transposed": wrong_shape,
            "the last gradient zero": zero_last, "the first gradient 0.1% off": slightly_off,
            "one gradient with the wrong sign": flipped}


class _CountingLoss:
    def __init__(self, network: Network):
        self.network = network
        self.calls = 0

    def __call__(self, weights, X, Y):
        self.calls += 1
        return self.network.loss(list(weights), X, Y)


class _CountingBackward:
    def __init__(self, fn):
        self.fn = fn
        self.calls = 0

    def __call__(self, weights, X, Y):
        self.calls += 1
        return self.fn(weights, X, Y)


def _numeric(network, weights, X, Y, eps=1e-6, scheme="central", restore=True) -> list:
    out = []
    W = _copies(weights)
    base = network.loss(W, X, Y)
    for M in W:
        G = np.zeros_like(M)
        for idx in np.ndindex(M.shape):
            old = M[idx]
            M[idx] = old + eps
            up = network.loss(W, X, Y)
            M[idx] = old - eps
            down = network.loss(W, X, Y)
            if restore:
                M[idx] = old
            G[idx] = (up - down) / (2 * eps) if scheme == "central" else (up - base) / eps
        out.append(G)
    return out


def _error_table(grads, numeric, how="relative") -> np.ndarray:
    out = []
    for g, num in zip(grads, numeric):
        g = np.asarray(g, dtype=np.float64)
        if g.shape != num.shape:
            out.append(np.inf)
            continue
        diff = np.linalg.norm(g - num)
        if how == "relative":
            out.append(relative_error(g, num))
        elif how == "numeric_only":
            out.append(diff / np.linalg.norm(num) if np.linalg.norm(num) else np.inf)
        elif how == "grad_only":
            out.append(diff / np.linalg.norm(g) if np.linalg.norm(g) else np.inf)
        elif how == "absolute":
            out.append(diff)
        elif how == "max":
            scale = np.abs(g).max() + np.abs(num).max()
            out.append(np.abs(g - num).max() / scale if scale else 0.0)
    return np.array(out)


def _errors_agree(got: np.ndarray, ref: np.ndarray) -> bool:
    """Inf where the reference is inf; below 1e-6 where the reference is right; the same value (to 1e-3) where
    it is wrong."""
    for g, r in zip(got, ref):
        if np.isinf(r):
            if not (np.isinf(g) and g > 0):
                return False
        elif r < 1e-6:
            if not (np.isfinite(g) and 0.0 <= g < 1e-6):
                return False
        elif not (np.isfinite(g) and abs(g - r) <= 1e-3 * r + 1e-6):
            return False
    return True


def exercise_10_6(layer_errors) -> None:
    """Check ``layer_errors(backward, loss, weights, X, Y)`` with right and wrong backward passes on networks of
    two to four layers, against central differences computed by the checker."""
    ex = "10.6"
    for sizes, n, seed in grading_cases(ex, _CHECK_CASES):
        network, weights, X, Y = _small_case(sizes, n, seed)
        numeric = _numeric(network, weights, X, Y)
        forward_numeric = _numeric(network, weights, X, Y, eps=1e-6, scheme="forward")
        unrestored = _numeric(network, weights, X, Y, restore=False)
        L = len(weights)
        for what, backward in _backward_kinds(network, n).items():
            spy, loss = _CountingBackward(backward), _CountingLoss(network)
            given = _copies(weights)
            got = _call(ex, layer_errors, spy, loss, given, X, Y,
                               forbid=(_lib_layer_errors, _lib_screen, _lib_diagnose, check_gradients))
            _unchanged(ex, given, weights)
            name = f"the errors for a backward pass with {what} ({L} layers, n = {n})"
            if spy.calls == 0:
                fail(ex, "your function never called the backward pass it was given.",
                     hint="the gradients to check are the ones backward(weights, X, Y) returns.")
            if loss.calls == 0:
                fail(ex, "your function never called the loss it was given.",
                     hint="central differences evaluate the loss with each entry nudged up and down.")
            got = _scalars_to_array(got)
            arr = _as_result_array(ex, name, got, (L,), allow_nonfinite=True)
            if arr.shape != (L,):
                fail(ex, f"{name} have shape {arr.shape}.", expected=f"shape ({L},): one error per layer",
                     got=f"shape {arr.shape}", hint="return one relative error per layer, in the order of the layers.")
            grads = backward(weights, X, Y)
            ref = _error_table(grads, numeric)
            if _errors_agree(arr, ref):
                continue
            summary = dict(expected=fmt_array(ref, 2), got=fmt_array(arr, 2))
            for l, (g, r) in enumerate(zip(arr, ref)):
                if np.isinf(r) and not np.isinf(g):
                    word = "nan" if np.isnan(g) else fmt_array(g)
                    fail(ex, f"{name}: layer {l + 1} should be inf, got {word}.", **summary,
                         hint=f"the gradient of layer {l + 1} has shape {np.shape(grads[l])}, its W has shape "
                              f"{weights[l].shape}: no entry can be compared, and the error of that layer is "
                              f"infinite, which no right gradient gets.")
            if _errors_agree(arr, _error_table(grads, forward_numeric)) and not _errors_agree(arr, ref):
                fail(ex, f"{name} do not match.", **summary,
                     hint="these are one-sided differences; central differences (one step up and one step down) "
                          "are far more accurate, so a right gradient gets an error far below 1e-6.")
            if _errors_agree(arr, _error_table(grads, unrestored)):
                fail(ex, f"{name} do not match.", **summary,
                     hint="an entry is not put back after its two evaluations, so every later entry is estimated at "
                          "shifted weights: restore each entry before nudging the next.")
            for how, hint in (("numeric_only", "you divided by the norm of the central differences alone; the "
                                               "relative error divides by the sum of both norms."),
                              ("grad_only", "you divided by the norm of the backprop gradient alone; the relative "
                                            "error divides by the sum of both norms."),
                              ("absolute", "that is the norm of the difference alone; divide it by the sum of the "
                                           "two norms to make it relative."),
                              ("max", "you compared the largest entries; the relative error uses the Frobenius "
                                      "norms of the whole matrices.")):
                if _errors_agree(arr, _error_table(grads, numeric, how)):
                    fail(ex, f"{name} do not match.", hint=hint, **summary)
            if _errors_agree(arr[::-1], ref):
                fail(ex, f"{name} come in the wrong order.", hint="layer 1 first, then layer 2, and so on.", **summary)
            zeros = [np.zeros_like(W) for W in weights]
            if _errors_agree(arr, _error_table(grads, zeros)):
                fail(ex, f"{name} do not match.", **summary,
                     hint="your central differences came out as 0: the loss you evaluate does not see the entry you "
                          "nudge. Evaluate it on the very list whose matrix you change.")
            bad = int(np.argmax([not _errors_agree(np.array([g]), np.array([r])) for g, r in zip(arr, ref)]))
            if ref[bad] < 1e-6:
                fail(ex, f"{name}: layer {bad + 1} is right but gets an error of {fmt_array(arr[bad], 2)}.", **summary,
                     hint="a right gradient agrees with central differences to about 1e-9: check the step of your "
                          "central differences (small, about 1e-6, one step on each side) and the relative error.")
            fail(ex, f"{name} do not match.", **summary,
                 hint=f"layer {bad + 1} differs: compare its gradient with central differences by hand on one entry, "
                      "then the relative error ||g - g_num|| / (||g|| + ||g_num||).")
    passed(ex)


# ---------------------------------------------------------------------------
# Exercises 10.7 to 10.12: the fixed backward passes of the hunt.
# ---------------------------------------------------------------------------

#: What a fixed backward pass may not call: the library's backward passes, its layers' backward functions, every
#: numerical gradient, and the notebook's own diagnosis tools.
_FORBID_FIX = (MLP.backward, MLP._backward, MLP.fit, MLP.step, MLP._step_unchecked, numerical_gradient,
               numerical_jacobian, check_gradients, Value.backward, Network.backward, _lib_layer_errors,
               _lib_screen, _lib_diagnose, _lib_overfit, _layers.forward_backward, _layers.affine_backward,
               _layers.bias_backward, _layers.relu_backward, _layers.sigmoid_backward, _layers.softmax_ce_backward)

#: (kind, features, hidden 1, hidden 2, classes, n); the seed is added per exercise.  The first two have a square
#: W[2] (hidden 2 = hidden 1 + 1), as the notebook's network does.
_DIGITS_CASES = (("pixels", 64, 15, 16, 10, 20), ("plain", 8, 5, 6, 4, 7), ("plain", 6, 4, 7, 3, 1),
                 ("kink", 10, 6, 3, 5, 13), ("large", 5, 3, 4, 3, 9))
#: (kind, features, hidden, n).
_WINE_CASES = (("plain", 2, 8, 20), ("plain", 2, 5, 1), ("kink", 3, 4, 9), ("plain", 2, 3, 2))


def _wine_like(features: int, hidden: int) -> Network:
    return Network([features + 1, hidden, 1], ["relu", "sigmoid"], hidden_bias=False, loss="bce",
                   name=f"network {features + 1}-{hidden}-1")


def _digits_case(kind, features, h1, h2, classes, n, seed):
    network = _digits_like(features, h1, h2, classes)
    rng = np.random.default_rng(seed)
    for _ in range(1000):
        if kind == "kink":
            X = np.vstack([np.ones((1, n)), rng.integers(0, 5, (features, n)) / 4.0])
            W1 = rng.integers(-6, 7, (features + 1, h1)) / 4.0
            W2 = rng.integers(-4, 5, (h1 + 1, h2)) / 4.0
            W3 = rng.normal(0.0, 0.5, (h2 + 1, classes))
            weights = [W1, W2, W3]
        else:
            weights = network.weights(seed=rng)
            if kind == "pixels":
                X = np.vstack([np.ones((1, n)), rng.integers(0, 17, (features, n)) / 16.0])
            else:
                X = np.vstack([np.ones((1, n)), rng.random((features, n))])
        labels = rng.integers(0, classes, n)
        Y = np.zeros((classes, n))
        Y[labels, np.arange(n)] = 1.0
        _, pre = _forward(network, weights, X)
        if kind == "large":
            top = np.abs(pre[-1]).max()
            if top < 1e-3:
                continue
            weights[-1] = weights[-1] * (900.0 / top)
        if kind == "kink":
            right = _exact(network, weights, X, Y)
            ge1 = _variant(network, weights, X, Y, masks={1: "ge"})
            ge2 = _variant(network, weights, X, Y, masks={2: "ge"})
            if np.allclose(right[0], ge1[0]) or np.allclose(right[1], ge2[1]):
                continue
        elif kind != "large" and min(np.abs(F).min() for F in pre[:-1]) < 1e-9:
            continue
        if n > 1 and not all((F > 0).any() and (F <= 0).any() for F in pre[:-1]):
            continue
        return network, weights, X, Y
    raise RuntimeError(f"no {kind} case for seed {seed}")  # pragma: no cover


def _wine_case(kind, features, hidden, n, seed):
    network = _wine_like(features, hidden)
    rng = np.random.default_rng(seed)
    for _ in range(1000):
        if kind == "kink":
            X = np.vstack([np.ones((1, n)), rng.integers(-4, 5, (features, n)) / 4.0])
            weights = [rng.integers(-4, 5, (features + 1, hidden)) / 4.0, rng.normal(0.0, 1.0, (hidden, 1))]
        else:
            X = np.vstack([np.ones((1, n)), rng.normal(0.0, 1.0, (features, n))])
            weights = network.weights(seed=rng)
        Y = (rng.random((1, n)) < 0.5).astype(np.float64)
        _, pre = _forward(network, weights, X)
        if np.abs(pre[-1]).max() > 20:
            continue
        if kind == "kink":
            if np.allclose(_exact(network, weights, X, Y)[0], _variant(network, weights, X, Y, masks={1: "ge"})[0]):
                continue
        elif np.abs(pre[0]).min() < 1e-9:
            continue
        if n > 1 and not ((pre[0] > 0).any() and (pre[0] <= 0).any()):
            continue
        return network, weights, X, Y
    raise RuntimeError(f"no {kind} case for seed {seed}")  # pragma: no cover


#: Wrong gradients a fix may give, each with the hint that names it (no code, no formula to paste).
_DIGITS_MISTAKES = [
    (dict(scale="n"), "the 1/n of the mean loss is missing: it enters once, in δ[3], and the chain rule carries it to "
                      "every layer."),
    (dict(scale="1/n"), "you divided by n twice: the 1/n enters once, in δ[3], and every layer inherits it."),
    (dict(transpose=(2,)), "dE/dW[2] is the transpose of the right gradient: W[2] is square here, so its shape "
                           "cannot show it. The input of the layer (a[1] with its bias row) comes first in the "
                           "product, δ[2] transposed second."),
    (dict(transpose=(1,)), "dE/dW[1] is transposed: the input of the layer comes first in the product."),
    (dict(transpose=(3,)), "dE/dW[3] is transposed: the input of the layer comes first in the product."),
    (dict(drop_last=(2,)), "on the way from layer 2 down to layer 1 the last row was dropped; the row to drop is the "
                           "bias row, which the forward pass put on top (row 0)."),
    (dict(drop_last=(3,)), "on the way from layer 3 down to layer 2 the last row was dropped; the row to drop is the "
                           "bias row, which the forward pass put on top (row 0)."),
    (dict(drop_last=(2, 3)), "the last row was dropped on the way down; the bias row the forward pass put on top is "
                             "row 0."),
    (dict(masks={2: "none"}), "the ReLU mask of layer 2 lets every entry through (a mask taken from a[2] ≥ 0 is 1 "
                              "everywhere): it must be 1 only where f[2] > 0."),
    (dict(masks={1: "none"}), "the ReLU mask of layer 1 lets every entry through (a mask taken from a[1] ≥ 0 is 1 "
                              "everywhere): it must be 1 only where f[1] > 0."),
    (dict(masks={1: "none", 2: "none"}), "both ReLU masks let every entry through: each must be 1 only where its "
                                         "layer's f > 0."),
    (dict(masks={2: "ge"}), "the ReLU mask of layer 2 is 1 where f[2] is exactly 0; ReLU's slope there counts as 0, "
                            "so the mask is 1 only for f[2] > 0 (this case has entries exactly at 0)."),
    (dict(masks={1: "ge"}), "the ReLU mask of layer 1 is 1 where f[1] is exactly 0; ReLU's slope there counts as 0, "
                            "so the mask is 1 only for f[1] > 0 (this case has entries exactly at 0)."),
    (dict(last_sample=(1,)), "dE/dW[1] holds only the last sample's contribution: in a loop over the samples every "
                             "gradient must add up the contributions of all samples."),
    (dict(last_sample=(2,)), "dE/dW[2] holds only the last sample's contribution: in a loop over the samples every "
                             "gradient must add up the contributions of all samples."),
    (dict(last_sample=(3,)), "dE/dW[3] holds only the last sample's contribution: in a loop over the samples every "
                             "gradient must add up the contributions of all samples."),
]
_WINE_MISTAKES = [
    (dict(scale="n"), "the 1/n of the mean loss is missing: it enters once, in δ[2], and the chain rule carries it "
                      "down."),
    (dict(scale="1/n"), "you divided by n twice: the 1/n enters once, in δ[2]."),
    (dict(masks={1: "none"}), "the ReLU mask of the hidden layer lets every entry through: it must be 1 only where "
                              "f[1] > 0."),
    (dict(masks={1: "ge"}), "the ReLU mask is 1 where f[1] is exactly 0; ReLU's slope there counts as 0, so the mask "
                            "is 1 only for f[1] > 0 (this case has entries exactly at 0)."),
    (dict(transpose=(1,)), "dE/dW[1] is transposed: the input of the layer comes first in the product."),
    (dict(last_sample=(1,)), "dE/dW[1] holds only the last sample's contribution: every gradient adds up the "
                             "contributions of all samples."),
    (dict(last_sample=(2,)), "dE/dW[2] holds only the last sample's contribution: every gradient adds up the "
                             "contributions of all samples."),
]


def _with_scale(flags: dict, n: int) -> dict:
    flags = dict(flags)
    if flags.get("scale") == "n":
        flags["scale"] = float(n)
    elif flags.get("scale") == "1/n":
        flags["scale"] = 1.0 / n
    return flags


class _Bug:
    """One broken backward pass of the hunt: its network, its exercise, and what it gets wrong."""

    def __init__(self, ex, name, network, flags, seed, applies=lambda case, weights: True):
        self.ex, self.name, self.network, self.flags, self.seed = ex, name, network, flags, seed
        self.applies = applies

    def cases(self):
        base = _DIGITS_CASES if self.network == "digits" else _WINE_CASES
        return [case + (self.seed + i,) for i, case in enumerate(base)]

    def make(self, case):
        return (_digits_case if self.network == "digits" else _wine_case)(*case)


def _square_w2(case, weights) -> bool:
    return weights[1].shape[0] == weights[1].shape[1]


#: The six broken backward passes, in the notebook's order.  "applies" says on which inputs the broken function
#: returns gradients at all (the transposed product needs a square W[2], the broadcast a single sample).
_BUGS = {
    "10.7": _Bug("10.7", "backward_a", "digits", dict(scale="n"), 1070),
    "10.8": _Bug("10.8", "backward_b", "digits", dict(transpose=(2,)), 1080, applies=_square_w2),
    "10.9": _Bug("10.9", "backward_c", "digits", dict(drop_last=(2,)), 1090),
    "10.10": _Bug("10.10", "backward_d", "digits", dict(masks={2: "none"}), 1100),
    "10.11": _Bug("10.11", "backward_e", "digits", dict(last_sample=(1,)), 1110),
    "10.12": _Bug("10.12", "backward_f", "wine", dict(), 1120, applies=lambda case, weights: False),
}


def _layers_text(layers: list) -> str:
    names = [str(l) for l in layers]
    if len(names) == 1:
        return f"layer {names[0]} differs"
    return f"layers {', '.join(names[:-1])} and {names[-1]} differ"


def _check_fix(ex: str, fixed) -> None:
    bug = _BUGS[ex]
    catalogue = _DIGITS_MISTAKES if bug.network == "digits" else _WINE_MISTAKES
    for case in grading_cases(ex, bug.cases()):
        network, weights, X, Y = bug.make(case)
        n, L = X.shape[1], len(weights)
        given = _copies(weights)
        result = _call(ex, fixed, given, X, Y, forbid=_FORBID_FIX)
        _unchanged(ex, given, weights)
        shapes = ", ".join(f"dE/dW[{l}] of shape {W.shape}" for l, W in enumerate(weights, start=1))
        grads = _items(ex, result, L, f"[{shapes}]", "give back one gradient per layer, in a list, layer 1 first.")
        ref = _library_gradients(network, weights, X, Y)
        label = f"({network.name}, n = {n})"
        if L > 1 and all(_shape(g) == W.shape for g, W in zip(grads[::-1], weights)) and \
                any(_shape(g) != W.shape for g, W in zip(grads, weights)):
            fail(ex, f"the gradients come back in reverse order {label}.", expected=f"[{shapes}]",
                 got="the same shapes, last layer first", hint="layer 1 first, then layer 2, and so on.")
        if bug.applies(case, weights) and all(_shape(g) == W.shape for g, W in zip(grads, weights)):
            broken = _variant(network, weights, X, Y, **_with_scale(bug.flags, n))
            differs = [l + 1 for l in range(L) if not np.allclose(broken[l], ref[l], rtol=1e-9, atol=1e-14)]
            if differs and all(np.allclose(g, b, rtol=1e-9, atol=1e-14) for g, b in zip(grads, broken)):
                fail(ex, f"your function still gives the gradients of {bug.name}: {_layers_text(differs)} from the "
                         f"right ones {label}.",
                     hint=f"the bug of {bug.name} is still there. Find the first wrong quantity on the way down with "
                          f"the diagnosis, read the lines that compute it, and compare them with the derivation.")
        for l in range(L - 1, -1, -1):
            mistakes = []
            for flags, hint in catalogue:
                if flags.get("transpose") and flags["transpose"] != (l + 1,):
                    continue
                variant = _variant(network, weights, X, Y, **_with_scale(flags, n))
                if variant[l].shape == ref[l].shape and not np.allclose(variant[l], ref[l], rtol=1e-9, atol=1e-14):
                    mistakes.append((variant[l], hint))
            expect_array(ex, f"dE/dW[{l + 1}] {label}", grads[l], ref[l], n=n, exact=True, mistakes=mistakes,
                         hint=(f"the layers above layer {l + 1} are right, so look at the lines between their δ and "
                               f"dE/dW[{l + 1}]." if l < L - 1 else
                               "the top layer differs: look at δ at the output and at the last product."))
    passed(ex)


def exercise_10_7(backward_a_fixed) -> None:
    """Check the fix of ``backward_a`` (digits network) exactly against the library, on the checker's networks."""
    _check_fix("10.7", backward_a_fixed)


def exercise_10_8(backward_b_fixed) -> None:
    """Check the fix of ``backward_b`` (digits network) exactly against the library, also with W[2] not square."""
    _check_fix("10.8", backward_b_fixed)


def exercise_10_9(backward_c_fixed) -> None:
    """Check the fix of ``backward_c`` (digits network) exactly against the library, on the checker's networks."""
    _check_fix("10.9", backward_c_fixed)


def exercise_10_10(backward_d_fixed) -> None:
    """Check the fix of ``backward_d`` (digits network) exactly, also with pre-activations exactly 0."""
    _check_fix("10.10", backward_d_fixed)


def exercise_10_11(backward_e_fixed) -> None:
    """Check the fix of ``backward_e`` (digits network, a loop over samples) exactly, on several batch sizes."""
    _check_fix("10.11", backward_e_fixed)


def exercise_10_12(backward_f_fixed) -> None:
    """Check the fix of ``backward_f`` (wine network) exactly against the library, on one and on many samples."""
    _check_fix("10.12", backward_f_fixed)


# ---------------------------------------------------------------------------
# The broken backward passes as the notebook shows them, the heads of the answer cells, and the fixes.
# ---------------------------------------------------------------------------

_FORWARD_DIGITS = '''    W1, W2, W3 = weights
    n = X.shape[1]
    # forward pass, keeping what the backward pass needs
    F1 = W1.T @ X                                          # (15, n)
    A1 = np.vstack([np.ones((1, n)), np.maximum(F1, 0)])   # (16, n): the bias row on top of a[1]
    F2 = W2.T @ A1                                         # (16, n)
    A2 = np.vstack([np.ones((1, n)), np.maximum(F2, 0)])   # (17, n): the bias row on top of a[2]
    F3 = W3.T @ A2                                         # (10, n): the logits
    P = np.exp(F3 - F3.max(axis=0, keepdims=True))
    P = P / P.sum(axis=0, keepdims=True)                   # softmax of every column
    # backward pass
'''

_BACKWARD_RIGHT = {
    "delta3": "    delta3 = (P - Y) / n                                   # dE/df[3]\n",
    "dW3": "    dW3 = A2 @ delta3.T                                    # (17, 10)\n",
    "delta2": "    delta2 = (W3[1:] @ delta3) * (F2 > 0)                  # W[3] without its bias row, then the mask\n",
    "dW2": "    dW2 = A1 @ delta2.T                                    # (16, 16)\n",
    "delta1": "    delta1 = (W2[1:] @ delta2) * (F1 > 0)\n",
    "dW1": "    dW1 = X @ delta1.T                                     # (65, 15)\n",
}


def _digits_body(**changed) -> str:
    lines = {**_BACKWARD_RIGHT, **changed}
    return _FORWARD_DIGITS + "".join(lines[k] for k in ("delta3", "dW3", "delta2", "dW2", "delta1", "dW1")) + \
        "    return [dW1, dW2, dW3]\n"


_DOC_DIGITS = '"""[dE/dW[1], dE/dW[2], dE/dW[3]] of the digits network 65-15-16-10, mean cross-entropy."""'

_LOOP_BODY = '''    W1, W2, W3 = weights
    n = X.shape[1]
    dW1, dW2, dW3 = np.zeros_like(W1), np.zeros_like(W2), np.zeros_like(W3)
    for k in range(n):                                     # one sample at a time: every line is about vectors
        x, y = X[:, k], Y[:, k]                            # (65,) and (10,)
        f1 = W1.T @ x
        a1 = np.concatenate([[1.0], np.maximum(f1, 0)])    # (16,): the bias entry first
        f2 = W2.T @ a1
        a2 = np.concatenate([[1.0], np.maximum(f2, 0)])    # (17,)
        f3 = W3.T @ a2
        p = np.exp(f3 - f3.max())
        p = p / p.sum()
        d3 = (p - y) / n                                   # this sample's share of dE/df[3]
        dW3 += np.outer(a2, d3)
        d2 = (W3[1:] @ d3) * (f2 > 0)
        dW2 += np.outer(a1, d2)
        d1 = (W2[1:] @ d2) * (f1 > 0)
        dW1 = np.outer(x, d1)
    return [dW1, dW2, dW3]
'''

_WINE_BODY = '''    W1, W2 = weights
    n = X.shape[1]
    F1 = W1.T @ X                                  # (8, n)
    A1 = np.maximum(F1, 0)                         # (8, n)
    Y_hat = 1 / (1 + np.exp(-(A1.T @ W2)))         # one prediction per sample
    y = Y.ravel()                                  # the labels, 0 or 1
    delta2 = (Y_hat - y) / n                       # dE/df[2]
    dW2 = A1 @ delta2                              # (8, 1)
    delta1 = (W2 @ delta2.T) * (F1 > 0)            # (8, n)
    dW1 = X @ delta1.T                             # (3, 8)
    return [dW1, dW2]
'''

_DOC_WINE = '"""[dE/dW[1], dE/dW[2]] of the wine network 3-8-1 (ReLU, then one sigmoid output), mean log-loss."""'

#: The bodies of the six broken functions (after their def line and docstring).
_BROKEN_BODIES = {
    "a": _digits_body(delta3="    delta3 = P - Y                                         # dE/df[3]\n"),
    "b": _digits_body(dW2="    dW2 = delta2 @ A1.T                                    # (16, 16)\n"),
    "c": _digits_body(
        delta2="    delta2 = (W3 @ delta3)[1:] * (F2 > 0)                  # drop the bias row, then the mask\n",
        delta1="    delta1 = (W2 @ delta2)[:-1] * (F1 > 0)                 # drop the bias row, then the mask\n"),
    "d": _digits_body(
        delta2="    delta2 = (W3[1:] @ delta3) * (A2[1:] >= 0)             # the ReLU mask, from the layer's output\n"),
    "e": _LOOP_BODY,
    "f": _WINE_BODY,
}

#: The fixed bodies: the broken ones with the one line that was wrong rewritten.
_FIXED_BODIES = {
    "a": _digits_body(),
    "b": _digits_body(),
    "c": _BROKEN_BODIES["c"].replace("(W2 @ delta2)[:-1] * (F1 > 0)                 # drop the bias row",
                                     "(W2 @ delta2)[1:] * (F1 > 0)                  # drop the bias row (row 0)"),
    "d": _digits_body(
        delta2="    delta2 = (W3[1:] @ delta3) * (F2 > 0)                  # the ReLU mask, from the pre-activations\n"),
    "e": _LOOP_BODY.replace("        dW1 = np.outer(x, d1)\n", "        dW1 += np.outer(x, d1)\n"),
    "f": _WINE_BODY.replace("    y = Y.ravel()                                  # the labels, 0 or 1\n",
                            "    y = Y.reshape(-1, 1)                           # the labels as a column, like Y_hat\n"),
}

_DOCS = {"a": _DOC_DIGITS, "b": _DOC_DIGITS, "c": _DOC_DIGITS, "d": _DOC_DIGITS, "e": _DOC_DIGITS, "f": _DOC_WINE}

#: The broken functions, as the notebook's cells define them.
BROKEN = {k: f"def backward_{k}(weights, X, Y):\n    {_DOCS[k]}\n" + body for k, body in _BROKEN_BODIES.items()}

#: The head of every answer cell (def line and docstring), up to the solution markers.
HEADS = {
    "10.2": '''def expected_initial_loss(Y):
    """The loss E of an untrained classifier on the targets Y.

    Y: (K, n) one-hot targets of K >= 2 classes, or (1, n) labels 0/1 of one sigmoid output.
    Returns a float.
    """
''',
    "10.3": '''def overfit(backward, loss, weights, X, Y, lr, steps):
    """Full-batch gradient descent from copies of `weights`; the loss after every step.

    backward(weights, X, Y) -> [dE/dW[1], ..., dE/dW[L]]; loss(weights, X, Y) -> E (a float).
    weights: a list [W[1], ..., W[L]]. Returns an array of shape (steps,).
    """
''',
    "10.4": '''def update_ratios(weights_before, weights_after):
    """||W_after[l] - W_before[l]|| / ||W_before[l]|| for every layer l (Frobenius norms).

    weights_before, weights_after: lists [W[1], ..., W[L]]. Returns an array of shape (L,).
    """
''',
    "10.5": '''def blocked_fraction(A, activation):
    """The share of the entries of A whose slope is below 5% of the activation's largest slope.

    A: the activations a = g(f) of one layer, shape (units, n); activation: "relu", "tanh" or "sigmoid".
    Returns a float between 0 and 1.
    """
''',
    "10.6": '''def layer_errors(backward, loss, weights, X, Y):
    """The relative error of every layer's gradient against central differences of the loss.

    backward(weights, X, Y) -> [dE/dW[1], ..., dE/dW[L]]; loss(weights, X, Y) -> E (a float).
    Returns an array of shape (L,); inf for a layer whose gradient does not have the shape of its W.
    """
''',
}
for _ex, _k in zip(("10.7", "10.8", "10.9", "10.10", "10.11", "10.12"), "abcdef"):
    HEADS[_ex] = (f"def backward_{_k}_fixed(weights, X, Y):\n"
                  f"    \"\"\"backward_{_k} with its bug fixed: the same list of gradients, right this time.\"\"\"\n")

#: The model fixes (the bodies of the answer cells).
FIXES = {ex: _FIXED_BODIES[k] for ex, k in zip(("10.7", "10.8", "10.9", "10.10", "10.11", "10.12"), "abcdef")}


def _renamed(k: str) -> str:
    """The broken function as an answer cell: the fixed name, and nothing fixed."""
    ex = {"a": "10.7", "b": "10.8", "c": "10.9", "d": "10.10", "e": "10.11", "f": "10.12"}[k]
    return HEADS[ex] + _BROKEN_BODIES[k]


# ---------------------------------------------------------------------------
# Planted mistakes: realistic wrong answer cells the test suite plants in the notebook.
# ---------------------------------------------------------------------------

PLANTED_MISTAKES = [
    {"exercise": "10.2", "kind": "ln of the number of rows (0 for one sigmoid output)",
     "source": HEADS["10.2"] + "    return float(np.log(Y.shape[0]))\n",
     "hint": "still has two outcomes"},
    {"exercise": "10.2", "kind": "entropy of the class frequencies",
     "source": HEADS["10.2"] + '''    p = Y.mean(axis=1) if Y.shape[0] > 1 else np.array([Y.mean(), 1 - Y.mean()])
    p = p[p > 0]
    return float(-(p * np.log(p)).sum())
''',
     "hint": "entropy of the class frequencies"},
    {"exercise": "10.3", "kind": "loss recorded before the update",
     "source": HEADS["10.3"] + '''    weights = [W.copy() for W in weights]
    losses = []
    for _ in range(steps):
        losses.append(loss(weights, X, Y))
        grads = backward(weights, X, Y)
        weights = [W - lr * g for W, g in zip(weights, grads)]
    return np.array(losses)
''',
     "hint": "one step behind"},
    {"exercise": "10.3", "kind": "sign of the update flipped (gradient ascent)",
     "source": HEADS["10.3"] + '''    weights = [W.copy() for W in weights]
    losses = []
    for _ in range(steps):
        grads = backward(weights, X, Y)
        weights = [W + lr * g for W, g in zip(weights, grads)]
        losses.append(loss(weights, X, Y))
    return np.array(losses)
''',
     "hint": "uphill"},
    {"exercise": "10.4", "kind": "difference of the norms instead of the norm of the difference",
     "source": HEADS["10.4"] + '''    return np.array([(np.linalg.norm(A) - np.linalg.norm(B)) / np.linalg.norm(B)
                     for B, A in zip(weights_before, weights_after)])
''',
     "hint": "take the norm of the change"},
    {"exercise": "10.5", "kind": "tanh slope evaluated at the activations instead of the pre-activations",
     "source": HEADS["10.5"] + '''    if activation == "relu":
        return float(np.mean(A == 0))
    if activation == "tanh":
        return float(np.mean(1 - np.tanh(A) ** 2 < 0.05))
    return float(np.mean(A * (1 - A) < 0.0125))
''',
     "hint": "as if a were the pre-activation"},
    {"exercise": "10.6", "kind": "relative error divided by the numerical norm only",
     "source": HEADS["10.6"] + '''    weights = [W.copy() for W in weights]
    grads = backward(weights, X, Y)
    errors = []
    for W, g in zip(weights, grads):
        if g.shape != W.shape:
            errors.append(np.inf)
            continue
        numeric = tl.numerical_gradient(lambda: loss(weights, X, Y), W)
        errors.append(np.linalg.norm(g - numeric) / np.linalg.norm(numeric))
    return np.array(errors)
''',
     "hint": "norm of the central differences alone"},
    {"exercise": "10.7", "kind": "missing 1/n left in (nothing fixed)", "source": _renamed("a"), "hint": "still"},
    {"exercise": "10.8", "kind": "transposed product left in (nothing fixed)", "source": _renamed("b"),
     "hint": "still"},
    {"exercise": "10.9", "kind": "bias row not dropped, left in (nothing fixed)", "source": _renamed("c"),
     "hint": "still"},
    {"exercise": "10.10", "kind": "ReLU mask from the activations left in (nothing fixed)", "source": _renamed("d"),
     "hint": "still"},
    {"exercise": "10.11", "kind": "`=` where `+=` was needed, left in (nothing fixed)", "source": _renamed("e"),
     "hint": "still"},
    {"exercise": "10.12", "kind": "(n,) vector broadcast to (n, n), left in (nothing fixed)",
     "source": _renamed("f"), "hint": "raised ValueError"},
]

#: More wrong answers, recognised by the checkers too; tests/test_checks_nb10.py runs them directly.
MORE_MISTAKES = [
    {"exercise": "10.5", "kind": "sigmoid threshold 0.05 instead of 5% of 1/4",
     "source": HEADS["10.5"] + '''    if activation == "relu":
        return float(np.mean(A == 0))
    if activation == "tanh":
        return float(np.mean(1 - A ** 2 < 0.05))
    return float(np.mean(A * (1 - A) < 0.05))
''',
     "hint": "largest slope, which is 1/4"},
    {"exercise": "10.7", "kind": "1/n put into dW[3] only",
     "source": HEADS["10.7"] + _BROKEN_BODIES["a"].replace(
         "    dW3 = A2 @ delta3.T                                    # (17, 10)\n",
         "    dW3 = A2 @ delta3.T / n                                # (17, 10)\n"),
     "hint": "1/n of the mean loss is missing"},
    {"exercise": "10.7", "kind": "divided by n twice",
     "source": HEADS["10.7"] + _FIXED_BODIES["a"].replace(
         "    dW1 = X @ delta1.T                                     # (65, 15)\n",
         "    dW1 = X @ delta1.T / n                                 # (65, 15)\n"),
     "hint": "divided by n twice"},
    {"exercise": "10.8", "kind": "the other transposed product, of dW[1]",
     "source": HEADS["10.8"] + _FIXED_BODIES["b"].replace(
         "    dW1 = X @ delta1.T                                     # (65, 15)\n",
         "    dW1 = (delta1 @ X.T).T.T                               # (65, 15)\n"),
     "hint": "transposed"},
    {"exercise": "10.9", "kind": "both bias rows dropped from the end",
     "source": HEADS["10.9"] + _BROKEN_BODIES["c"].replace("(W3 @ delta3)[1:]", "(W3 @ delta3)[:-1]"),
     "hint": "last row was dropped"},
    {"exercise": "10.10", "kind": "ReLU mask f >= 0 (1 at the kink)",
     "source": HEADS["10.10"] + _digits_body(
         delta2="    delta2 = (W3[1:] @ delta3) * (F2 >= 0)\n"),
     "hint": "exactly 0"},
    {"exercise": "10.11", "kind": "the sample loop accumulates, but the 1/n is dropped",
     "source": HEADS["10.11"] + _FIXED_BODIES["e"].replace("d3 = (p - y) / n", "d3 = p - y"),
     "hint": "1/n of the mean loss is missing"},
    {"exercise": "10.12", "kind": "shapes fixed by summing the (n, n) matrix",
     "source": HEADS["10.12"] + _WINE_BODY.replace(
         "    delta2 = (Y_hat - y) / n                       # dE/df[2]\n",
         "    delta2 = ((Y_hat - y) / n).sum(axis=1, keepdims=True)  # dE/df[2]\n"),
     "hint": "does not match"},
]
