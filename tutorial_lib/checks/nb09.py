"""Checkers of notebook 09: layers from scratch, a network as a list of forward/backward pairs.

Every checker makes its own inputs (public seeds, plus hidden ones in grading mode through
:func:`grading_cases`), with every dimension different where a transpose could hide, and computes
its reference at check time from the library: :mod:`tutorial_lib.layers` (the reference layers),
``MLP`` and central differences.  While the student's function runs, the library's own answer to
the exercise is unavailable (``forbid=``): the reference layer, ``MLP.backward`` and the
numerical gradients.  Backward passes must agree to rounding (``exact=True``), so a numerical
gradient is named as such.

A layer exercise gets its forward and its backward: the forward's cache is opaque, so the
checker hands it back to the student's own backward, exactly as a network would.  The network
exercises are isolated from the layer exercises: exercise 9.10 builds its list from the library's
layers, 9.11 runs the library's layers, 9.12 trains with a gradient function of the checker's.
Only exercise 9.13 runs the student's whole network, and it recomputes the digits split, the
held-out accuracy and the reference gradients itself; it trusts nothing of the notebook's but the
trained weights and the student's network function it checks.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from .. import layers as ref
from ..activations import (
    _sigmoid, _sigmoid_backprop, _softmax, relu_grad, sigmoid_grad, softmax, softmax_jacobian,
)
from ..gradcheck import check_gradients, numerical_gradient, numerical_jacobian, relative_error
from ..losses import _softmax_ce_grad, _softmax_ce_loss, softmax_ce_grad, softmax_ce_loss
from ..mlp import MLP
from ._common import (
    _as_result_array, _describe_type, _exception_hint, _first_line, _student_frame, call_student, expect_array,
    expect_close, expect_number, fail, fmt_array, grading_cases, passed,
)

__all__ = [
    "exercise_9_2", "exercise_9_3", "exercise_9_4", "exercise_9_5", "exercise_9_7", "exercise_9_8",
    "exercise_9_10", "exercise_9_11", "exercise_9_12", "exercise_9_13", "HINTS", "PLANTED_MISTAKES",
    "MORE_MISTAKES", "DEFS", "SIZES", "ACTIVATIONS", "ACCURACY_GOAL", "TRAIN_SIZE", "SPLIT_SEED", "GRAD_RTOL",
]

#: The network of exercise 9.13: 64 pixels + bias row, two ReLU layers with hidden biases, ten digits.
SIZES = [65, 64, 32, 10]
ACTIVATIONS = ["relu", "relu", "softmax"]
#: The held-out accuracy the student's trained network must reach (exercise 9.13).
ACCURACY_GOAL = 0.95
#: The notebook's split of the 1,797 digits: 1,344 training images, stratified, random_state 0.
TRAIN_SIZE, SPLIT_SEED = 1344, 0
#: The student's network must agree with tl.MLP to this relative tolerance (exercise 9.13).
GRAD_RTOL = 1e-10

# The library's shortcuts, by what they would compute.
_MLP = (MLP.forward, MLP._forward, MLP.loss, MLP._loss_value, MLP.backward, MLP._backward, MLP._output_grads,
        MLP.fit, MLP.step, MLP._step_unchecked)
_NUMERIC = (numerical_gradient, numerical_jacobian, check_gradients)
_NETWORK = (ref.build_network, ref.forward_backward)
_ALL_LAYERS = (ref.affine_forward, ref.affine_backward, ref.bias_forward, ref.bias_backward, ref.relu_forward,
               ref.relu_backward, ref.sigmoid_forward, ref.sigmoid_backward, ref.softmax_ce_forward,
               ref.softmax_ce_backward, *_NETWORK)

# ---------------------------------------------------------------------------------------------- answer cells
#: The def line and docstring of every function the notebook asks for (the notebook's answer cells start
#: with these; the planted mistakes below reuse them).
DEFS = {
    "affine_forward": '''def affine_forward(A, W):
    """The affine layer F = W.T @ A.

    A: (fan_in, n), one column per sample, its bias row of ones first; W: (fan_in, fan_out).
    Returns (F, cache): F of shape (fan_out, n), and whatever affine_backward will need.
    """
''',
    "affine_backward": '''def affine_backward(dF, cache):
    """Backward pass of affine_forward.

    dF: dE/dF, shape (fan_out, n), from the layer above; cache: what affine_forward returned.
    Returns (dA, dW): dE/dA shaped like A (bias row included) and dE/dW shaped like W.
    """
''',
    "bias_forward": '''def bias_forward(A):
    """Put a row of ones on top of a hidden activation.

    A: (m, n), no bias row. Returns (A_b, cache): A_b of shape (m + 1, n) with the ones in row 0.
    """
''',
    "bias_backward": '''def bias_backward(dA_b, cache):
    """Backward pass of bias_forward.

    dA_b: dE/dA_b, shape (m + 1, n); cache: what bias_forward returned. Returns dE/dA, shape (m, n).
    """
''',
    "relu_forward": '''def relu_forward(F):
    """ReLU, entry by entry. F: (m, n). Returns (A, cache): A of shape (m, n)."""
''',
    "relu_backward": '''def relu_backward(dA, cache):
    """Backward pass of relu_forward: dA is dE/dA, shape (m, n). Returns dE/dF, shape (m, n).

    Where F is exactly 0 the slope is taken as 0, as in tl.MLP.
    """
''',
    "sigmoid_forward": '''def sigmoid_forward(F):
    """The sigmoid, entry by entry. F: (m, n). Returns (A, cache): A of shape (m, n)."""
''',
    "sigmoid_backward": '''def sigmoid_backward(dA, cache):
    """Backward pass of sigmoid_forward: dA is dE/dA, shape (m, n). Returns dE/dF, shape (m, n)."""
''',
    "softmax_ce_forward": '''def softmax_ce_forward(F, Y):
    """Softmax and the average cross-entropy, fused, from the logits; finite for any finite logits.

    F: logits, shape (K, n); Y: one-hot targets, shape (K, n).
    Returns (E, cache): the loss E as a float, and whatever softmax_ce_backward will need.
    """
''',
    "softmax_ce_backward": '''def softmax_ce_backward(cache):
    """Backward pass of softmax_ce_forward: returns dE/dF, shape (K, n)."""
''',
    "gradient_check": '''def gradient_check(loss, W, dW, entries, eps=1e-6):
    """Relative errors between an analytic gradient and central differences, at sampled entries.

    loss: a function that takes an array shaped like W and returns the loss (a float);
    W: the point (leave it unchanged); dW: the analytic gradient dE/dW at W, shaped like W;
    entries: a list of index tuples (i, j); eps: the step of the central differences.
    Returns an array of shape (len(entries),): for each entry, |a - n| / (|a| + |n|), with a the
    analytic and n the numerical derivative (0 where both are exactly 0).
    """
''',
    "build_network": '''def build_network(weights, hidden, pairs, hidden_bias=True):
    """The list of layers of a fully connected network whose output is the logits.

    weights: [W[1], ..., W[L]]; hidden: "relu" or "sigmoid", the activation of every hidden layer;
    pairs: {"affine": (forward, backward), "bias": ..., "relu": ..., "sigmoid": ...};
    hidden_bias: put a row of ones on top of every hidden activation.
    Returns a list of (forward, backward, W) triples, W None for a layer without weights.
    """
''',
    "forward_backward": '''def forward_backward(layers, X, Y, loss):
    """Forward through the layers in order, the loss on top, backward in reverse.

    layers: list of (forward, backward, W) triples; X: (features + 1, n), bias row first;
    Y: one-hot targets (K, n); loss: the pair (loss_forward, loss_backward).
    Returns (E, grads): the loss (a float) and the list of dE/dW of the layers with weights, in layer order.
    """
''',
    "sgd": '''def sgd(weights, X, Y, grad_fn, lr, epochs, batch_size, seed):
    """Mini-batch stochastic gradient descent; returns the trained weights as new arrays.

    weights: the starting [W[1], ..., W[L]] (leave them unchanged); X: (features + 1, n); Y: (K, n);
    grad_fn(weights, X_batch, Y_batch) returns (E, grads) for a batch; lr: the learning rate;
    epochs: passes over the data; batch_size: columns per batch; seed: seeds the shuffling.
    """
''',
}

# ---------------------------------------------------------------------------------------------- hints
HINTS = {
    "9.2": [
        "Forward first: what does the backward need that it cannot get from dF alone? Keep exactly that in the "
        "cache. Then write one entry of F as a sum, f_jk = sum over i of W_ij A_ik, and ask which entries of F a "
        "given W_ij touches, and which entries a given A_ik touches.",
        "W_ij appears in row j of F, once per sample k, each time multiplied by A_ik: its gradient adds up "
        "A_ik times dF_jk over the samples. A_ik appears in column k of F, once per unit j, each time multiplied "
        "by W_ij: its gradient adds up W_ij times dF_jk over the units.",
        "As matrix products with the right shapes: dW (fan_in, fan_out) is A times dF transposed; dA "
        "(fan_in, n) is W times dF. Both keep the bias row: row 0 of dW is the biases' gradient. No 1/n: dF "
        "already carries it.",
    ],
    "9.3": [
        "The forward adds a constant row; the backward receives a gradient with one row more than A has. Which "
        "row of it belongs to the ones, and where could that part of the gradient go?",
        "The ones are constants: nothing below made them, so the gradient with respect to them has nowhere to "
        "flow. The rows below it belong to A, one to one.",
        "Forward: a row of ones (one per sample, a 1 by n row) stacked on top of A. Backward: the incoming "
        "gradient without its row 0. The cache can be empty (None).",
    ],
    "9.4": [
        "Each entry of A depends on one entry of F only, so dF is dA times the slope of ReLU, entry by entry. "
        "What is that slope, and what must the forward keep so that the backward knows it?",
        "The slope is 1 where F is positive and 0 where F is negative or exactly 0 (the workbook's choice at the "
        "kink). Keep F itself, or directly the mask of where F is positive.",
        "Backward: dA where the unit was on, 0 where it was off. The mask comes from the forward's F, never "
        "from the gradient dA arriving from above.",
    ],
    "9.5": [
        "As for ReLU, the layer acts entry by entry, so dF is dA times the sigmoid's slope at F. Write the slope "
        "with the sigmoid's own output: which array is then the cheapest thing to keep in the cache?",
        "The derivative of the sigmoid is sigma(F) times (1 - sigma(F)), that is A (1 - A) with A the output "
        "of the forward pass: keep A, and the backward needs no exponential at all.",
        "Backward: dA times A times (1 - A), entry by entry, with A from the cache (do not apply the sigmoid to "
        "A again).",
    ],
    "9.7": [
        "Write log P_ki with the logits of column i only: it is F_ki minus the log of the sum over t of "
        "exp(F_ti). The loss of sample i then needs only its true class's logit and that log-sum.",
        "Subtract the column's largest logit from every logit of the column before exponentiating: P does not "
        "change, no exponential overflows, and the sum is at least 1, so its log is safe. Compute log P "
        "from the shifted logits, never as the log of a probability, which can round to 0.",
        "E is minus the sum of Y times log P over all entries, divided by n, the number of columns. The "
        "backward is (P - Y) divided by n: keep P (or what makes it) and Y in the cache.",
    ],
    "9.8": [
        "For one entry you need two losses: at W with that entry raised by eps, and at W with it lowered by "
        "eps, everything else unchanged. Their difference over 2 eps is the numerical slope.",
        "Work on a copy of W for each evaluation, so that the caller's W never changes. Use the eps you are "
        "given, and the analytic value at the same entry of dW.",
        "The relative error of one entry is |a - n| divided by (|a| + |n|); when both are exactly 0, write 0 "
        "instead of dividing 0 by 0. One error per entry, in the order of entries, as a 1-D array.",
    ],
    "9.10": [
        "With L weight matrices the list has L affine layers, each holding its W. Between two affine layers sit "
        "the hidden activation and, with hidden_bias, the bias layer. What sits after the last affine layer?",
        "Nothing comes after the last affine layer: its output is the logits, and the softmax belongs to the "
        "loss. The bias layer comes after the activation (the sigmoid of the ones would not be 1), and X "
        "needs none: it carries its bias row already.",
        "Each entry is a triple: the forward and backward of a pair from the dictionary you are given, and the "
        "layer's W, or None for a layer without weights. With hidden_bias False, leave the bias layers out.",
    ],
    "9.11": [
        "Two loops around the loss. Forward: each layer's output is the next layer's input; keep every cache, "
        "in order. The loss's forward takes the logits and Y and gives E.",
        "The loss's backward starts the second loop. Walk the layers from the last to the first, each with its "
        "own cache, and hand each backward the gradient that the layer above it returned.",
        "A layer without weights returns one gradient; an affine layer returns two, and its dW goes to the list. "
        "You meet the affine layers last to first, so put the list back in layer order, W[1] first. Do not "
        "change the list of layers itself.",
    ],
    "9.12": [
        "One generator made from the seed before the first epoch. Each epoch: a fresh permutation of the n "
        "column indices from it, then consecutive batches of batch_size of them (the last may be shorter).",
        "For each batch: the batch's columns of X and Y (all rows), grad_fn on the current weights, then every "
        "W[l] moves by minus lr times its gradient. Copy the starting weights first: the caller's arrays must "
        "stay as they were.",
        "Return the list of trained weights. The check compares your weights with tl.MLP.fit, which shuffles and "
        "steps exactly this way: if they differ, print the first batch's indices and compare.",
    ],
    "9.13": [
        "If the accuracy stays near 0.1, nothing is learned: the rate is too small, too few epochs, or one of "
        "your functions of Exercises 9.2 to 9.12 is still wrong (run their checks first).",
        "With ReLU layers, the He start and batches of 32, rates between 0.1 and 1 work; a rate too large makes "
        "the loss jump and, at worst, overflow. Smaller batches take more steps per epoch.",
        "Raise the number of epochs (up to about 10) or the rate step by step and rerun the cell: it always "
        "starts again from the same He start, so each run is reproducible.",
    ],
}


# ---------------------------------------------------------------------------------------------- helpers
def _one_hot(labels: np.ndarray, K: int) -> np.ndarray:
    Y = np.zeros((K, labels.size))
    Y[labels, np.arange(labels.size)] = 1.0
    return Y


def _internal(condition: bool, what: str) -> None:
    """A reference that disagrees with itself is a bug of the library, not the student's."""
    if not condition:
        raise RuntimeError(f"checker self-test failed ({what}); please report this to the course staff.")


_SHAPE_WORDS = ("broadcast", "shapes", "aligned", "mismatch", "dimension", "concatenat", "size", "fan_in")


def _run(exercise: str, fn, *args, forbid=(), shapes: str = "", passthrough=(), **kwargs):
    """:func:`call_student`, with a shape-aware message for the errors a wrong product or stack raises."""
    try:
        return call_student(exercise, fn, *args, forbid=forbid,
                            passthrough=(ValueError, TypeError, IndexError, *passthrough), **kwargs)
    except (ValueError, TypeError, IndexError) as exc:
        text = str(exc)
        where = _where(exc.__traceback__)
        if isinstance(exc, TypeError) and ("argument" in text or "positional" in text):
            hint = ("keep the signature of the answer cell: the check calls your function with the arguments "
                    "named there, in that order.")
        elif isinstance(exc, TypeError) and ("not iterable" in text or "unpack" in text or "subscriptable" in text):
            hint = ("a value does not have the form your code expects: the caches and the layers are what your own "
                    "forward returned and what the docstring describes.")
        elif isinstance(exc, ValueError) and ("unpack" in text):
            hint = ("a tuple has another number of items than your code unpacks: each forward returns two things, "
                    "its output and its cache.")
        elif isinstance(exc, ValueError) and any(w in text for w in _SHAPE_WORDS):
            hint = ("two arrays met with shapes that do not fit: print the shape of each operand on that line. "
                    + shapes).strip()
        else:
            hint = _exception_hint(exc)
        fail(exercise, f"your function raised {type(exc).__name__}: {_first_line(exc)}", detail=where, hint=hint)


def _where(tb) -> str:
    """``at line N of your code``: where the student's code failed (the line itself is theirs to look at)."""
    return _student_frame(tb).split(":", 1)[0]


def _as_array(exercise: str, name: str, got, expected_shape) -> np.ndarray:
    """``got`` as a float array (odd returns get a message), without comparing values yet."""
    return _as_result_array(exercise, name, got, expected_shape, allow_nonfinite=True)


def _pair(exercise: str, function: str, result, names: tuple[str, str]):
    """The two results of a function that returns a pair, or a message saying what came back instead."""
    first, second = names
    want = f"two things: ({first}, {second})"
    if isinstance(result, (tuple, list)) and len(result) == 2:
        return result[0], result[1]
    if result is None:
        fail(exercise, f"{function} returned None.", expected=want, got="None",
             hint="did you forget the `return` statement? The function returns two things, separated by a comma.")
    if isinstance(result, np.ndarray):
        fail(exercise, f"{function} returned one array of shape {result.shape}; it must return two things.",
             expected=want, got=f"an array of shape {result.shape}",
             hint=f"return {first} together with {second}, as a pair: the network passes the second one on.")
    if isinstance(result, (tuple, list)):
        fail(exercise, f"{function} returned {len(result)} values instead of two.", expected=want,
             got=f"a {type(result).__name__} of {len(result)}",
             hint=f"return exactly {first} and {second}, in that order.")
    fail(exercise, f"{function} must return a pair ({first}, {second}); it returned {_describe_type(result)}.",
         expected=want, got=_describe_type(result), hint=f"return {first} and {second}, separated by a comma.")


def _sequence(exercise: str, result, count: int, what: str, names: str) -> list:
    """``result`` as a list of ``count`` items, or a message saying what came back instead."""
    if result is None:
        fail(exercise, "your function returned None.", expected=names, got="None",
             hint="did you forget the `return` statement?")
    if isinstance(result, np.ndarray):
        fail(exercise, f"your function returned one array of shape {result.shape}; {what}.",
             expected=names, got=f"an array of shape {result.shape}",
             hint=f"return a list of {count} separate arrays, in the order the docstring gives.")
    if not isinstance(result, (tuple, list)):
        fail(exercise, f"your function must return {what}.", expected=names, got=_describe_type(result),
             hint=f"return a list of {count} items, in the order the docstring gives.")
    if len(result) != count:
        fail(exercise, f"your function returned {len(result)} item(s); {what}.", expected=names,
             got=f"a {type(result).__name__} of {len(result)}",
             hint=f"return exactly {count} items, in the order the docstring gives.")
    return list(result)


def _finite(exercise: str, name: str, arr: np.ndarray, hint: str) -> None:
    if not np.all(np.isfinite(arr)):
        fail(exercise, f"{name} has nan or inf entries.", expected="finite numbers everywhere", got=fmt_array(arr),
             hint=hint)


def _random_input(rng, rows: int, n: int) -> np.ndarray:
    """An input with its bias row of ones first and ``rows - 1`` random features."""
    return np.vstack([np.ones((1, n)), rng.normal(0.0, 1.0, (rows - 1, n))])


def _random_targets(rng, K: int, n: int) -> np.ndarray:
    labels = rng.integers(0, K, size=n)
    labels[: min(n, K)] = rng.permutation(K)[: min(n, K)]  # many classes present
    return _one_hot(labels, K)


def _activations(hidden: str, L: int) -> list:
    return [hidden] * (L - 1) + ["softmax"]


def _mlp_reference(weights, hidden: str, hidden_bias: bool, X, Y):
    """(E, grads) of tl.MLP for the same weights: the reference the network exercises are held to."""
    net = MLP(weights, _activations(hidden, len(weights)), hidden_bias=hidden_bias)
    E = net.loss(X, Y, loss="softmax_ce")
    return E, [g.copy() for g in net.backward(Y, loss="softmax_ce")]


# ---------------------------------------------------------------------------------------------- 9.2 affine
def exercise_9_2(affine_forward, affine_backward) -> None:
    """Check ``affine_forward(A, W)`` and ``affine_backward(dF, cache)`` with their own cache."""
    ex = "9.2"
    forbid = (ref.affine_forward, ref.affine_backward, *_NETWORK, *_MLP, *_NUMERIC)
    shapes = "A is (fan_in, n), W is (fan_in, fan_out), F and dF are (fan_out, n)."
    # (fan_in m, fan_out p, n, seed): m != n != p where a transpose could hide; one square W; one sample.
    for m, p, n, seed in grading_cases(ex, [(4, 3, 6, 921), (5, 5, 3, 922), (3, 2, 1, 923)]):
        rng = np.random.default_rng(seed)
        A = _random_input(rng, m, n)
        W = rng.normal(0.0, 1.0, (m, p))
        dF = rng.normal(0.0, 1.0, (p, n)) / n  # a gradient from above carries the 1/n of the mean
        label = f"for A of shape ({m}, {n}) and W of shape ({m}, {p})"

        result = _run(ex, affine_forward, A, W, forbid=forbid, shapes=shapes)
        F_raw, cache = _pair(ex, "affine_forward", result, ("F", "cache"))
        expected_F = W.T @ A
        _as_array(ex, f"F {label}", F_raw, expected_F.shape)
        mistakes = [(W[1:].T @ A[1:],
                     "the bias row was left out: row 0 of A (the ones) and row 0 of W (the biases) take part in "
                     "the product like every other row.")]
        if m == p:
            mistakes.append((W @ A, "column j of W holds the weights into unit j, so unit j's pre-activation is "
                                    "the sum over i of W_ij A_ik: the product uses W transposed."))
        expect_array(ex, f"F {label}", F_raw, expected_F, mistakes=mistakes, exact=True,
                     hint="entry (j, k) of F is the sum over i of W_ij A_ik: the weights into unit j times the "
                          "inputs of sample k.")

        result = _run(ex, affine_backward, dF, cache, forbid=forbid, shapes=shapes)
        dA_raw, dW_raw = _pair(ex, "affine_backward", result, ("dA", "dW"))
        expected_dA, expected_dW = W @ dF, A @ dF.T
        dA = _as_array(ex, f"dA {label}", dA_raw, expected_dA.shape)
        dW = _as_array(ex, f"dW {label}", dW_raw, expected_dW.shape)
        if dA.shape == expected_dW.shape and dW.shape == expected_dA.shape and dA.shape != dW.shape:
            fail(ex, "affine_backward returned its two gradients in the wrong order.",
                 expected=f"(dA of shape {expected_dA.shape}, dW of shape {expected_dW.shape})",
                 got=f"shapes {dA.shape} and {dW.shape}", hint="the pair holds dE/dA first, then dE/dW.")
        if dA.shape == (m - 1, n) and m > 1:
            fail(ex, f"dA {label} has {m - 1} rows, one too few.", expected=f"shape {expected_dA.shape}",
                 got=f"shape {dA.shape}",
                 hint="the affine layer returns the gradient of its whole input, bias row included (row 0 is the "
                      "gradient with respect to the ones). Dropping that row is the bias layer's job (Exercise "
                      "9.3), so use every row of W here.")
        dA_mistakes = [(expected_dA / n, "dA is n times too small: dF already carries the 1/n of the mean loss, "
                                         "so the layer adds no 1/n of its own.")]
        if m == p:
            dA_mistakes.append((W.T @ dF, "input i of a sample feeds unit j through W_ij, so dA sums W_ij times "
                                          "dF_jk over the units j: the product uses W as it is, not transposed."))
        expect_array(ex, f"dA {label}", dA_raw, expected_dA, n=n, mistakes=dA_mistakes, exact=True,
                     hint="go back to Exercise 9.1: which entries of F does A_ik enter, and with which factor?")
        if dW.shape == (m - 1, p) and m > 1:
            fail(ex, f"dW {label} has {m - 1} rows, one too few.", expected=f"shape {expected_dW.shape}",
                 got=f"shape {dW.shape}",
                 hint="dW has the shape of W, bias row included: its row 0 is the gradient of the biases, each "
                      "unit's error summed over the samples.")
        dW_mistakes = [(expected_dW / n, "dW is n times too small: dF already carries the 1/n of the mean loss, "
                                         "so the layer adds no 1/n of its own.")]
        expect_array(ex, f"dW {label}", dW_raw, expected_dW, n=n, mistakes=dW_mistakes, exact=True,
                     hint="go back to Exercise 9.1: which entries of F does W_ij enter, and with which factor?")
    passed(ex)


# ---------------------------------------------------------------------------------------------- 9.3 bias row
def exercise_9_3(bias_forward, bias_backward) -> None:
    """Check ``bias_forward(A)`` (ones on top) and ``bias_backward(dA_b, cache)`` (row 0 dropped)."""
    ex = "9.3"
    forbid = (ref.bias_forward, ref.bias_backward, *_NETWORK, *_MLP, *_NUMERIC)
    for m, n, seed in grading_cases(ex, [(3, 5, 931), (1, 4, 932), (6, 2, 933)]):
        rng = np.random.default_rng(seed)
        A = np.maximum(rng.normal(0.0, 1.0, (m, n)), 0.0) + rng.uniform(0.0, 0.1, (m, n))  # a ReLU-like activation
        dA_b = rng.normal(0.0, 1.0, (m + 1, n))
        label = f"for A of shape ({m}, {n})"

        result = _run(ex, bias_forward, A, forbid=forbid, shapes="A is (m, n); the result is (m + 1, n).")
        A_b, cache = _pair(ex, "bias_forward", result, ("A_b", "cache"))
        expected = np.vstack([np.ones((1, n)), A])
        A_b = _as_array(ex, f"A_b {label}", A_b, expected.shape)
        if A_b.shape == (m, n + 1):
            fail(ex, f"A_b {label} has one column more instead of one row more.", expected=f"shape {expected.shape}",
                 got=f"shape {A_b.shape}",
                 hint="columns are samples: the ones form a row on top, one 1 for each sample.")
        if A_b.shape == A.shape:
            fail(ex, f"A_b {label} has the shape of A: no row was added.", expected=f"shape {expected.shape}",
                 got=f"shape {A_b.shape}", hint="put a row of ones on top of A, as row 0.")
        expect_array(ex, f"A_b {label}", A_b, expected, exact=True, mistakes=[
            (np.vstack([A, np.ones((1, n))]),
             "the row of ones went to the bottom: it goes on top, as row 0, where the next layer's row 0 of W, "
             "its biases, multiplies it."),
            (np.vstack([np.zeros((1, n)), A]),
             "the new row must hold ones, the constant that the biases multiply, not zeros."),
        ], hint="row 0 must be all ones and rows 1 to m must be A, unchanged.")

        result = _run(ex, bias_backward, dA_b, cache, forbid=forbid,
                      shapes="dA_b is (m + 1, n); the result is (m, n).")
        expected_dA = dA_b[1:]
        dA = _as_array(ex, f"dE/dA {label}", result, expected_dA.shape)
        if dA.shape == dA_b.shape:
            fail(ex, f"dE/dA {label} still has the row of the ones.", expected=f"shape {expected_dA.shape}",
                 got=f"shape {dA.shape}",
                 hint="row 0 is the gradient with respect to the constant ones. Nothing below produced them, so "
                      "that part of the gradient has nowhere to go: drop it and return the other m rows.")
        mistakes = [(dA_b[:-1], "you dropped the last row: the ones are row 0, so row 0 is the one to drop.")]
        if m > 1 or n > 1:
            mistakes.append((dA_b[1:] + dA_b[0], "row 0 was added to the other rows: it is the gradient of the "
                                                 "constant ones and flows nowhere, so drop it."))
        expect_array(ex, f"dE/dA {label}", dA, expected_dA, n=n, mistakes=mistakes, exact=True,
                     hint="match the rows: which row of the stacked array does each row of A become, and which "
                          "row is new?")
    passed(ex)


# ---------------------------------------------------------------------------------------------- 9.4 ReLU
def exercise_9_4(relu_forward, relu_backward) -> None:
    """Check the ReLU pair, with some pre-activations exactly 0 (slope 0 there, as in tl.MLP)."""
    ex = "9.4"
    forbid = (ref.relu_forward, ref.relu_backward, relu_grad, *_NETWORK, *_MLP, *_NUMERIC)
    for m, n, seed in grading_cases(ex, [(3, 7, 941), (5, 4, 942), (2, 9, 943)]):
        rng = np.random.default_rng(seed)
        F = rng.normal(0.0, 1.0, (m, n))
        zeros = rng.choice(m * n, size=2, replace=False)
        F.flat[zeros] = 0.0                             # the kink itself
        dA = rng.normal(0.0, 1.0, (m, n))
        dA.flat[zeros] = rng.choice([-1.0, 1.0], size=2) * rng.uniform(0.5, 1.5, size=2)
        label = f"for F of shape ({m}, {n})"

        result = _run(ex, relu_forward, F, forbid=forbid, shapes="F is (m, n); A is (m, n).")
        A, cache = _pair(ex, "relu_forward", result, ("A", "cache"))
        expected_A = np.maximum(F, 0.0)
        A = _as_array(ex, f"A {label}", A, expected_A.shape)
        expect_array(ex, f"A {label}", A, expected_A, exact=True, mistakes=[
            (F, "A came back equal to F: ReLU keeps the positive entries and replaces the others by 0."),
            (np.abs(F), "that is the absolute value: ReLU replaces the negative entries by 0, it does not flip them."),
            ((F > 0).astype(float), "that is the mask (the slope of ReLU), not the activation: A keeps the value of "
                                    "F where F is positive."),
        ], hint="A is F where F is positive and 0 elsewhere.")

        result = _run(ex, relu_backward, dA, cache, forbid=forbid, shapes="dA and dF are (m, n).")
        expected = np.where(F > 0, dA, 0.0)
        dF = _as_array(ex, f"dF {label}", result, expected.shape)
        expect_array(ex, f"dF {label}", dF, expected, n=n, exact=True, mistakes=[
            (np.where(F >= 0, dA, 0.0),
             "the entries where F is exactly 0 are wrong. ReLU has a kink there and no derivative; the workbook, "
             "like tl.MLP, takes the slope there as 0, so those entries of dF are 0."),
            (np.where(dA > 0, dA, 0.0),
             "the ReLU mask is taken from the upstream gradient dA: the slope of ReLU depends only on the layer's "
             "own input F (1 where F > 0), whatever the sign of the gradient from above."),
            (dA * expected_A,
             "you multiplied dA by ReLU(F) itself; the ReLU mask is its derivative, 1 where F > 0 and 0 elsewhere."),
            (dA, "every entry of dA came through: the ReLU mask is missing. Where F <= 0 the unit is off and passes "
                 "no gradient back."),
            ((F > 0).astype(float), "the mask alone came back: multiply it, entry by entry, with the gradient dA "
                                    "arriving from above."),
            (np.where(F < 0, dA, 0.0), "the ReLU mask is inverted: the gradient passes where the unit is on (F > 0) "
                                       "and stops where it is off."),
        ], hint="look at the entries that differ: are they where the unit was on, off, or exactly at 0?")
    passed(ex)


# ---------------------------------------------------------------------------------------------- 9.5 sigmoid
def exercise_9_5(sigmoid_forward, sigmoid_backward) -> None:
    """Check the sigmoid pair; the backward must use the slope A (1 - A) at the forward's point."""
    ex = "9.5"
    forbid = (ref.sigmoid_forward, ref.sigmoid_backward, sigmoid_grad, _sigmoid_backprop, *_NETWORK, *_MLP,
              *_NUMERIC)
    for m, n, scale, seed in grading_cases(ex, [(3, 6, 2.0, 951), (4, 5, 8.0, 952), (2, 3, 1.0, 953)]):
        rng = np.random.default_rng(seed)
        F = rng.normal(0.0, scale, (m, n))
        dA = rng.normal(0.0, 1.0, (m, n))
        label = f"for F of shape ({m}, {n})"

        result = _run(ex, sigmoid_forward, F, forbid=forbid, shapes="F is (m, n); A is (m, n).")
        A, cache = _pair(ex, "sigmoid_forward", result, ("A", "cache"))
        expected_A = _sigmoid(F)
        A = _as_array(ex, f"A {label}", A, expected_A.shape)
        expect_array(ex, f"A {label}", A, expected_A, mistakes=[
            (_sigmoid(-F), "the sign in the exponent is flipped: the sigmoid is 1 / (1 + exp(-F)), which tends to 1 "
                           "for large positive F."),
            (np.tanh(F), "that is tanh, not the sigmoid 1 / (1 + exp(-F))."),
        ], hint="A is 1 / (1 + exp(-F)), entry by entry (tl.sigmoid computes it without overflow).")

        result = _run(ex, sigmoid_backward, dA, cache, forbid=forbid, shapes="dA and dF are (m, n).")
        expected = dA * expected_A * (1.0 - expected_A)
        dF = _as_array(ex, f"dF {label}", result, expected.shape)
        s_of_A = _sigmoid(expected_A)
        expect_array(ex, f"dF {label}", dF, expected, n=n, exact=True, mistakes=[
            (dA * expected_A, "the slope you used lacks its factor (1 - A)."),
            (dA * (1.0 - expected_A), "the slope you used lacks its factor A."),
            (expected_A * (1.0 - expected_A), "the slope alone came back: multiply it, entry by entry, with the "
                                              "gradient dA arriving from above."),
            (dA * s_of_A * (1.0 - s_of_A), "the sigmoid was applied a second time: if the cache holds A, it is "
                                           "already sigma(F)."),
            (dA * F * (1.0 - F), "the slope was computed from F as if F were the sigmoid's output A."),
        ], hint="dF is dA times the sigmoid's slope at F, entry by entry: check the slope you used.")
    passed(ex)


# ---------------------------------------------------------------------------------------------- 9.7 softmax-CE
_FLOAT_ERRORS = {
    "overflow": ("an exponential overflowed: e to the power 1000 is too large for a float. Softmax does not change "
                 "when one number is subtracted from every logit of a column: choose that number so that no "
                 "exponent is positive."),
    "divide": ("a log of 0: the probability of a sample's true class rounded to exactly 0 (its logit is 2000 below "
               "the largest), and the log of 0 is minus infinity. The log-probability must be computed without "
               "forming the probability: see Exercise 9.6 (b)."),
    "invalid": ("a 0/0 or an inf minus inf: an exponential overflowed to inf before the division. Softmax does not "
                "change when one number is subtracted from every logit of a column: choose it so that no exponent "
                "is positive."),
}


def _float_error_hint(exc: FloatingPointError) -> str:
    text = str(exc)
    for word, hint in _FLOAT_ERRORS.items():
        if word in text:
            return hint
    return _FLOAT_ERRORS["invalid"]


def _softmax_ce_case(K: int, n: int, kind: str, seed: int):
    rng = np.random.default_rng(seed)
    if kind == "gap":
        # each column holds logits far apart; sample 0's true class has the smallest logit (log P = -2000)
        F = np.stack([rng.permutation(np.linspace(-1000.0, 1000.0, K)) for _ in range(n)], axis=1)
        labels = rng.integers(0, K, size=n)
        labels[0] = int(np.argmin(F[:, 0]))
    else:
        F = rng.normal(0.0, 2.0 if kind == "normal" else 3.0, (K, n)) + (1000.0 if kind == "large" else 0.0)
        labels = rng.integers(0, K, size=n)
    return F, _one_hot(labels, K)


def exercise_9_7(softmax_ce_forward, softmax_ce_backward) -> None:
    """Check the fused softmax + cross-entropy pair on ordinary logits, logits near 1000 and logits 2000 apart."""
    ex = "9.7"
    forbid = (ref.softmax_ce_forward, ref.softmax_ce_backward, softmax, _softmax, softmax_jacobian, softmax_ce_loss,
              softmax_ce_grad, _softmax_ce_loss, _softmax_ce_grad, *_NETWORK, *_MLP, *_NUMERIC)
    shapes = "F, Y and dF are (K, n): one column per sample."
    ordinary_passed = False
    # (K, n, kind, seed): the "large" and "gap" kinds need the max shift and log P from the logits.
    for K, n, kind, seed in grading_cases(ex, [(4, 6, "normal", 971), (5, 1, "normal", 974), (10, 5, "large", 972),
                                               (3, 4, "gap", 973)]):
        F, Y = _softmax_ce_case(K, n, kind, seed)
        expected_E, (P, _) = ref.softmax_ce_forward(F, Y)
        label = {"normal": f"for K = {K} classes and n = {n} samples",
                 "large": f"for logits near 1000 (K = {K}, n = {n})",
                 "gap": f"for logits up to 2000 apart (K = {K}, n = {n})"}[kind]
        with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
            try:
                result = _run(ex, softmax_ce_forward, F, Y, forbid=forbid, shapes=shapes,
                              passthrough=(FloatingPointError,))
            except FloatingPointError as exc:
                fail(ex, f"softmax_ce_forward {label} failed: {_first_line(exc)}.", detail=_where(exc.__traceback__),
                     hint=_float_error_hint(exc))
        E, cache = _pair(ex, "softmax_ce_forward", result, ("E", "cache"))
        E = expect_number(ex, f"E {label}", E)
        if not np.isfinite(E):
            fail(ex, f"E {label} is {E}.", expected=f"{expected_E:.6g}", got=str(E),
                 hint=_FLOAT_ERRORS["overflow" if kind == "large" else "divide"])
        log_P = np.log(np.where(P > 0, P, 1.0))
        mistakes = [
            (expected_E / K, f"you divided by K times n, every entry of Y. The loss averages over the n = {n} "
                             f"samples only; the sum over the K classes is not averaged."),
            (float(-log_P.sum() / n), "every class's log-probability was added: only the true class of each "
                                      "sample counts, which is what multiplying by the one-hot Y selects."),
        ]
        if kind == "gap" and ordinary_passed and not np.isclose(E, expected_E, rtol=1e-9):
            fail(ex, f"E {label} does not match.", expected=f"{expected_E:.6g}", got=f"{E:.6g}",
                 detail="your loss is right for ordinary logits but not here",
                 hint="sample 0's true class has a logit 2000 below the largest, so its probability rounds to 0 "
                      "and any log of it (clipped or not) is wrong. The log-probability must be computed without "
                      "forming the probability: see Exercise 9.6 (b).")
        expect_close(ex, f"E {label}", E, expected_E, n=n, mistakes=mistakes, rtol=1e-9, atol=1e-12,
                     hint="E is minus the sum over the samples of the log-probability of each sample's true class, "
                          "divided by n.")

        with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
            try:
                result = _run(ex, softmax_ce_backward, cache, forbid=forbid, shapes=shapes,
                              passthrough=(FloatingPointError,))
            except FloatingPointError as exc:
                fail(ex, f"softmax_ce_backward {label} failed: {_first_line(exc)}.", detail=_where(exc.__traceback__),
                     hint=_float_error_hint(exc))
        expected = (P - Y) / n
        dF = _as_array(ex, f"dF {label}", result, expected.shape)
        _finite(ex, f"dF {label}", dF,
                "some probabilities are 0 here and your expression divides by them; the gradient with respect to "
                "the logits needs no division by P at all.")
        mistakes = [
            ((P - Y) / Y.size, f"you divided by K times n = {Y.size}: the loss averages over the n = {n} samples "
                               f"only, so divide by n."),
            (P / n, "the targets Y do not appear in your gradient: the term that comes from the true class's "
                    "logit is missing."),
        ]
        if np.all(P > 0):
            mistakes.append((-Y / P / n, "that is dE/dP, the gradient with respect to the probabilities; the layer "
                                         "returns dE/dF, with respect to the logits, where the chain through the "
                                         "softmax simplifies."))
        if n != K:
            mistakes.append(((P - Y) / K, f"you divided by K = {K}, the number of classes (rows); divide by n = "
                                          f"{n}, the number of samples (columns)."))
        expect_array(ex, f"dF {label}", dF, expected, n=n, mistakes=mistakes, exact=True,
                     hint="go back to your derivation of Exercise 9.6 (a): the gradient of one sample's loss with "
                          "respect to its own logits, then the mean over the samples.")
        if kind == "normal":
            ordinary_passed = True
    passed(ex)


# ---------------------------------------------------------------------------------------------- 9.8 gradient check
def _gc_case(kind: str, seed: int):
    """A loss, its point W, the analytic dW handed in, the entries and eps, for one case.

    The checked entries have true derivatives of at least 0.2 in size (but for the two planted zeros), so
    that a right central difference gives relative errors far below 1e-7 and the planted errors stand out.
    """
    rng = np.random.default_rng(seed)
    shape = (4, 3)
    cells = [(i, j) for i in range(shape[0]) for j in range(shape[1])]
    while True:
        W = rng.uniform(-1.0, 1.0, shape)
        if kind == "wide":
            c = rng.uniform(1.5, 3.0, shape)

            def loss(V, c=c):
                return float(np.exp(c * V).sum())

            true = c * np.exp(c * W)
            eps = 1e-2
        else:
            C = rng.normal(0.0, 1.0, shape)
            D = rng.uniform(0.5, 2.0, shape)
            if kind == "planted":
                C[3, 0] = D[3, 0] = C[3, 1] = D[3, 1] = 0.0  # the loss does not depend on these two entries

            def loss(V, C=C, D=D):
                return float((C * np.sin(V)).sum() + 0.5 * (D * V * V).sum())

            true = C * np.cos(W) + D * W
            eps = 1e-6
        if kind == "planted":
            entries = [(0, 0), (1, 2), (2, 1), (0, 2), (3, 1), (3, 0), (2, 2)]
            nonzero = [e for e in entries if e not in ((3, 0), (3, 1))]
        else:
            picks = rng.choice(len(cells), size=6, replace=False)
            entries = [(0, 0)] + [cells[k] for k in picks if cells[k] != (0, 0)][:5]
            nonzero = entries
        if min(abs(true[e]) for e in nonzero) >= 0.2:
            break
    dW = true.copy()
    if kind == "planted":
        dW[1, 2] *= 1.5           # a wrong factor
        dW[2, 1] *= -1.0          # a flipped sign
        dW[0, 2] = 0.0            # a missing term
        dW[3, 1] = 0.25           # a gradient where there is none
        dW[2, 2] *= 1.0 + 1e-3    # a small error: suspicious
        # (0, 0) is right; (3, 0) is 0 in both
    entries = [(int(i), int(j)) for i, j in entries]
    return loss, W, dW, entries, eps


def _gc_errors(a, n, form: str = "sum"):
    a, n = np.asarray(a, float), np.asarray(n, float)
    denom = np.abs(a) + np.abs(n) if form == "sum" else np.maximum(np.abs(a), np.abs(n))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(denom == 0, 0.0, np.abs(a - n) / np.where(denom == 0, 1.0, denom))


def _gc_numeric(loss, W, entries, eps, scheme: str = "central"):
    values = []
    for idx in entries:
        up, down = W.copy(), W.copy()
        up[idx] += eps
        down[idx] -= eps
        if scheme == "central":
            values.append((loss(up) - loss(down)) / (2 * eps))
        elif scheme == "forward":
            values.append((loss(up) - loss(W)) / eps)
        else:
            values.append((loss(W) - loss(down)) / eps)
    return np.array(values)


def _gc_matches(got, expected, floor: float = 1e-7) -> bool:
    """Entries agree: those above ``floor`` to 1e-3 relative, the others (rounding noise) as below 1e-7."""
    expected = np.asarray(expected, float)
    if got.shape != expected.shape:
        return False
    both_nan = np.isnan(got) & np.isnan(expected)
    big = np.abs(expected) > floor
    with np.errstate(invalid="ignore"):
        ok = np.where(big, np.abs(got - expected) <= 1e-3 * np.abs(expected) + 1e-3 * floor,
                      (got >= 0) & (got <= 1e-7))
    return bool(np.all(ok | both_nan))


def exercise_9_8(gradient_check) -> None:
    """Check ``gradient_check(loss, W, dW, entries, eps)`` on a right gradient, a large eps and planted errors."""
    ex = "9.8"
    forbid = (numerical_gradient, numerical_jacobian, relative_error, check_gradients)
    for kind, seed in grading_cases(ex, [("wide", 982), ("smooth", 981), ("planted", 983)]):
        loss, W, dW, entries, eps = _gc_case(kind, seed)
        calls = {"count": 0}

        def counted_loss(V, _loss=loss, _shape=W.shape):
            if not isinstance(V, np.ndarray) or V.shape != _shape:
                raise TypeError(f"loss expects an array shaped like W, {_shape}; got {_describe_type(V)}"
                                + (f" of shape {V.shape}" if isinstance(V, np.ndarray) else ""))
            calls["count"] += 1
            return _loss(V)

        label = {"smooth": "for a right gradient",
                 "wide": f"for a right gradient with eps = {eps:g}",
                 "planted": "for a gradient with some wrong entries"}[kind]
        with np.errstate(divide="ignore", invalid="ignore"):  # a 0/0 gives nan here and in the notebook alike
            try:
                result = _run(ex, gradient_check, counted_loss, W, dW, list(entries), eps, forbid=forbid,
                              shapes="loss takes an array shaped like W; the result has one entry per checked "
                                     "entry.", passthrough=(ZeroDivisionError,))
            except ZeroDivisionError as exc:
                fail(ex, f"your function raised ZeroDivisionError {label}.", detail=_where(exc.__traceback__),
                     hint="at an entry where both gradients are exactly 0 the relative error is 0/0. Report 0 for "
                          "such an entry: the two gradients agree perfectly.")
        k = len(entries)
        got = _as_array(ex, f"the relative errors {label}", result, (k,))
        if got.ndim == 0:
            fail(ex, f"one number came back {label}; the check needs one relative error per entry.",
                 expected=f"an array of shape ({k},)", got=fmt_array(got),
                 hint="collect the relative error of every entry in the list, in order; do not reduce them to "
                      "their largest or their mean.")
        if got.shape != (k,):
            fail(ex, f"the relative errors {label} have shape {got.shape}.", expected=f"shape ({k},)",
                 got=f"shape {got.shape}", hint="return a 1-D array with one relative error per entry, in order.")
        numeric = _gc_numeric(loss, W, entries, eps)
        analytic = np.array([dW[idx] for idx in entries])
        by_sum, by_max = _gc_errors(analytic, numeric, "sum"), _gc_errors(analytic, numeric, "max")
        if _gc_matches(got, by_sum) or _gc_matches(got, by_max):
            continue
        if np.any(np.isnan(got)):
            where = entries[int(np.argmax(np.isnan(got)))]
            fail(ex, f"the relative error of entry {where} is nan {label}.", expected=fmt_array(by_sum),
                 got=fmt_array(got),
                 hint="there both gradients are exactly 0, so the ratio is 0/0. Report 0 for such an entry: the "
                      "two gradients agree perfectly.")
        if np.any(np.isinf(got)):
            fail(ex, f"a relative error is inf {label}.", expected=fmt_array(by_sum), got=fmt_array(got),
                 hint="you divided by one of the two gradients alone, which is 0 at that entry. Divide by the sum "
                      "of their absolute values.")
        with np.errstate(divide="ignore", invalid="ignore"):
            forms = [
                (np.abs(analytic - numeric), "you returned the absolute error |a - n|. The relative error divides it "
                                             "by |a| + |n|, so that it does not depend on the scale of the gradient."),
                (np.abs(analytic - numeric) / np.abs(numeric), "you divided by |n| alone; divide by |a| + |n|, "
                                                               "which is 0 only when both are 0."),
                (np.abs(analytic - numeric) / np.abs(analytic), "you divided by |a| alone; divide by |a| + |n|, "
                                                                "which is 0 only when both are 0."),
                ((analytic - numeric) / (np.abs(analytic) + np.abs(numeric)),
                 "some errors are negative: take the absolute value of the difference."),
                (by_sum ** 2, "your errors are the squares of the relative errors: the relative error is the ratio "
                              "itself, not squared."),
            ]
        if np.all(got == 0) and np.any(by_sum > 1e-7):
            fail(ex, f"every relative error {label} is 0.", expected=fmt_array(by_sum), got=fmt_array(got),
                 hint="some entries here are wrong on purpose (or the step is large): compute the two losses and "
                      "the numerical slope for each entry, and compare with the entry of dW.")
        for other, hint in forms:
            floor = 1e-12 if hint.startswith("your errors are the squares") else 1e-7
            if _gc_matches(got, np.where(np.isfinite(other), other, np.nan), floor):
                fail(ex, f"the relative errors {label} do not match.", expected=fmt_array(by_sum),
                     got=fmt_array(got), hint=hint)
        variants = []
        for scheme, text in (("forward", "a forward difference"), ("backward", "a backward difference")):
            other = _gc_numeric(loss, W, entries, eps, scheme)
            variants.append((other, f"your numerical slope is one-sided ({text}): its error shrinks only like eps, "
                                    f"where the central difference's shrinks like eps squared. Evaluate the loss at "
                                    f"plus eps and at minus eps in the entry, and divide the difference by 2 eps."))
        variants += [
            (2 * numeric, "your numerical slopes are twice the true ones: the two evaluations are 2 eps apart, so "
                          "their difference is divided by 2 eps."),
            (-numeric, "your numerical slopes have the wrong sign: it is the loss at plus eps minus the loss at "
                       "minus eps."),
        ]
        if eps != 1e-6:
            variants.append((_gc_numeric(loss, W, entries, 1e-6),
                             f"you used a step of your own instead of the eps argument: this case passes "
                             f"eps = {eps:g}."))
        for other, hint in variants:
            if _gc_matches(got, _gc_errors(analytic, other, "sum")) or _gc_matches(got, _gc_errors(analytic, other,
                                                                                                    "max")):
                fail(ex, f"the relative errors {label} do not match.", expected=fmt_array(by_sum),
                     got=fmt_array(got), hint=hint)
        worst = int(np.argmax(np.abs(got - by_sum)))
        fail(ex, f"the relative errors {label} do not match.", expected=fmt_array(by_sum), got=fmt_array(got),
             detail=f"worst entry {entries[worst]}: expected {by_sum[worst]:.3g}, got {got[worst]:.3g}",
             hint="for that entry, compute the two losses, the numerical slope and the relative error by hand and "
                  "compare each step.")
    passed(ex)


# ---------------------------------------------------------------------------------------------- 9.10 build
def _kind_of(layer, pairs: dict) -> str:
    """Which pair of ``pairs`` a layer's functions come from: "affine", ..., "mixed" or "?"."""
    fwd, bwd = layer[0], layer[1]
    f_kind = next((k for k, (f, _) in pairs.items() if f is fwd), None)
    b_kind = next((k for k, (_, b) in pairs.items() if b is bwd), None)
    if f_kind is not None and f_kind == b_kind:
        return f_kind
    if f_kind is not None or b_kind is not None:
        return f"mixed:{f_kind}/{b_kind}"
    return "?"


def _expected_kinds(L: int, hidden: str, hidden_bias: bool) -> list:
    kinds = []
    for l in range(L):
        kinds.append("affine")
        if l < L - 1:
            kinds.append(hidden)
            if hidden_bias:
                kinds.append("bias")
    return kinds


def _run_layers(layers, X, Y):
    """The library's loop over a list of layers (the reference of 9.11)."""
    return ref.forward_backward(layers, X, Y, ref.SOFTMAX_CE)


def _structure_hint(kinds: list, expected: list, hidden: str, hidden_bias: bool) -> str:
    other = "sigmoid" if hidden == "relu" else "relu"
    if not kinds:
        return "the list is empty: it needs one affine layer per W, with the hidden layers' activations in between."
    if kinds.count("affine") != expected.count("affine"):
        return (f"the list has {kinds.count('affine')} affine layer(s) for {expected.count('affine')} weight "
                f"matrices: one affine layer per W, in order.")
    if kinds[0] == "bias":
        return "the list starts with a bias layer, but X carries its bias row already: start with the affine layer."
    if kinds[-1] != "affine":
        return ("the list must end with the last affine layer: its output is the logits, and the softmax belongs "
                "to the loss layer, which is not part of the list.")
    if other in kinds:
        return f"hidden is {hidden!r}: use that activation after every hidden affine layer, and no other."
    if "bias" not in kinds and hidden_bias and "bias" in expected:
        return ("there is no bias layer: with hidden_bias, a row of ones goes on top of every hidden activation "
                "(the next W has a bias row 0 to multiply it).")
    if "bias" in kinds and not hidden_bias:
        return "hidden_bias is False: leave the bias layers out; the next W has no bias row."
    if kinds.count(hidden) != expected.count(hidden) or kinds.count("bias") != expected.count("bias"):
        return ("every hidden affine layer (all but the last) is followed by one activation and, with hidden_bias, "
                "one bias layer; count yours.")
    for a, b in zip(kinds, kinds[1:]):
        if a == "bias" and b in ("relu", "sigmoid"):
            return ("the bias layer comes before the activation: the ones must be stacked after it, on the "
                    "activation, since the activation of a row of ones is not a row of ones (sigma(1) is 0.73).")
    return ("compare your list with the layers in order: affine, activation, bias, affine, ..., affine, and check "
            "each triple's functions and W.")


def exercise_9_10(build_network) -> None:
    """Check ``build_network(weights, hidden, pairs, hidden_bias)`` against tl.MLP with the library's layers."""
    ex = "9.10"
    forbid = _NETWORK
    # (sizes, hidden, hidden_bias, n, seed)
    for sizes, hidden, hidden_bias, n, seed in grading_cases(ex, [
            ([6, 5, 4, 3], "relu", True, 7, 9101), ([5, 4, 3], "sigmoid", True, 6, 9102),
            ([6, 5, 4, 3], "sigmoid", False, 5, 9103), ([5, 3], "relu", True, 4, 9104)]):
        rng = np.random.default_rng(seed)
        L = len(sizes) - 1
        weights = MLP.from_sizes(sizes, _activations(hidden, L), init="he", seed=rng, hidden_bias=hidden_bias).weights
        X = _random_input(rng, sizes[0], n)
        Y = _random_targets(rng, sizes[-1], n)
        pairs = dict(ref.PAIRS)
        label = (f"for sizes {sizes}, hidden = {hidden!r}, hidden_bias = {hidden_bias}")
        given = [W.copy() for W in weights]
        result = _run(ex, build_network, given, hidden, pairs, hidden_bias, forbid=forbid,
                      shapes="each W[l] is (fan_in, fan_out).")
        if not isinstance(result, (list, tuple)) or isinstance(result, str):
            fail(ex, f"build_network must return a list of layers; it returned {_describe_type(result)}.",
                 expected="a list of (forward, backward, W) triples", got=_describe_type(result),
                 hint="collect the layers in a list, first layer first, and return it.")
        layers = list(result)
        for i, layer in enumerate(layers):
            if not isinstance(layer, (tuple, list)) or len(layer) != 3:
                fail(ex, f"layer {i} of the list {label} is not a (forward, backward, W) triple.",
                     expected="(forward, backward, W)", got=_describe_type(layer),
                     hint="each layer is a triple: the two functions of its pair and its W (None when it has none).")
            if not (callable(layer[0]) and callable(layer[1])):
                fail(ex, f"layer {i} of the list {label} does not start with two functions.",
                     expected="(forward, backward, W)", got=f"({_describe_type(layer[0])}, {_describe_type(layer[1])}, "
                                                             f"...)",
                     hint="the first two items are the pair's forward and backward functions, from `pairs`.")
            if layer[2] is not None and not isinstance(layer[2], np.ndarray):
                fail(ex, f"the third item of layer {i} {label} is {_describe_type(layer[2])}.",
                     expected="a weight matrix or None", got=_describe_type(layer[2]),
                     hint="the third item is the layer's W (an affine layer) or None (a layer without weights).")
        kinds = [_kind_of(layer, pairs) for layer in layers]
        for i, (kind, layer) in enumerate(zip(kinds, layers)):
            if kind.startswith("mixed"):
                f_kind, b_kind = kind.split(":")[1].split("/")
                fail(ex, f"layer {i} {label} pairs the forward of {f_kind!r} with the backward of {b_kind!r}.",
                     expected="the forward and backward of one pair", got=f"{f_kind} / {b_kind}",
                     hint="a layer's backward must undo its own forward: take both from the same entry of pairs.")
            if kind == "affine" and layer[2] is None:
                fail(ex, f"affine layer {i} {label} has no W.", expected="(affine forward, affine backward, W[l])",
                     got="W is None", hint="each affine layer carries its weight matrix as the third item.")
            if kind in ("relu", "sigmoid", "bias") and layer[2] is not None:
                fail(ex, f"layer {i} ({kind}) {label} carries a weight matrix.", expected="None as the third item",
                     got=f"an array of shape {layer[2].shape}", hint="only the affine layers have weights.")
        carried = [layer[2] for layer in layers if layer[2] is not None]
        if len(carried) == L and not all(W_got is W_given or (W_got.shape == W_given.shape and np.array_equal(
                W_got, W_given)) for W_got, W_given in zip(carried, given)):
            fail(ex, f"the affine layers {label} do not carry W[1], ..., W[L] in order.",
                 expected="shapes " + ", ".join(str(W.shape) for W in given),
                 got="shapes " + ", ".join(str(np.shape(W)) for W in carried),
                 hint="the l-th affine layer of the list carries the l-th matrix of weights, unchanged.")
        expected_kinds = _expected_kinds(L, hidden, hidden_bias)
        E_ref, grads_ref = _mlp_reference(weights, hidden, hidden_bias, X, Y)
        try:
            with np.errstate(all="ignore"):
                E, grads = _run_layers(layers, X, Y)
        except (ValueError, TypeError, IndexError, AttributeError) as exc:
            fail(ex, f"the network of your list {label} does not run: {_first_line(exc)}",
                 expected=" -> ".join(expected_kinds), got=" -> ".join(kinds) or "an empty list",
                 hint=_structure_hint(kinds, expected_kinds, hidden, hidden_bias))
        same = (len(grads) == L and np.isclose(E, E_ref, rtol=1e-12, atol=1e-14)
                and all(g.shape == r.shape and np.allclose(g, r, rtol=1e-10, atol=1e-14)
                        for g, r in zip(grads, grads_ref)))
        if not same:
            fail(ex, f"the network of your list {label} computes another function than tl.MLP.",
                 expected=" -> ".join(expected_kinds), got=" -> ".join(kinds) or "an empty list",
                 hint=_structure_hint(kinds, expected_kinds, hidden, hidden_bias))
    passed(ex)


# ---------------------------------------------------------------------------------------------- 9.11 loops
def _no_loss_backward(layers, X, Y):
    """The variant that starts the backward from ones instead of the loss layer's gradient."""
    out, caches = X, []
    for fwd, bwd, W in layers:
        out, cache = fwd(out) if W is None else fwd(out, W)
        caches.append(cache)
    E, _ = ref.softmax_ce_forward(out, Y)
    d = np.ones_like(out)
    grads = []
    for (fwd, bwd, W), cache in zip(reversed(layers), reversed(caches)):
        if W is None:
            d = bwd(d, cache)
        else:
            d, dW = bwd(d, cache)
            grads.append(dW)
    return E, grads[::-1]


def exercise_9_11(forward_backward) -> None:
    """Check ``forward_backward(layers, X, Y, loss)`` on the library's layers against tl.MLP, to rounding."""
    ex = "9.11"
    forbid = (ref.forward_backward, *_MLP, *_NUMERIC)
    for sizes, hidden, hidden_bias, n, seed in grading_cases(ex, [
            ([6, 5, 4, 3], "relu", True, 7, 9111), ([5, 4, 3], "sigmoid", False, 6, 9112),
            ([4, 3], "relu", True, 5, 9113), ([7, 6, 5, 4, 3], "sigmoid", True, 3, 9114)]):
        rng = np.random.default_rng(seed)
        L = len(sizes) - 1
        weights = MLP.from_sizes(sizes, _activations(hidden, L), init="he", seed=rng, hidden_bias=hidden_bias).weights
        X = _random_input(rng, sizes[0], n)
        Y = _random_targets(rng, sizes[-1], n)
        layers = ref.build_network([W.copy() for W in weights], hidden, ref.PAIRS, hidden_bias)
        before = list(layers)
        label = f"for sizes {sizes} ({hidden}, hidden_bias = {hidden_bias}, n = {n})"
        result = _run(ex, forward_backward, layers, X, Y, ref.SOFTMAX_CE, forbid=forbid,
                      shapes="each layer's output is the next layer's input; each backward returns the gradient of "
                             "its own input.")
        if len(layers) != len(before) or any(a is not b for a, b in zip(layers, before)):
            fail(ex, "your function changed the list of layers it was given.",
                 expected="the list unchanged, in its order", got="a reversed or modified list",
                 hint="walk the list backwards without reversing it in place (a reversed view or a slice), so that "
                      "the caller can run the same network again.")
        E, grads = _pair(ex, "forward_backward", result, ("E", "grads"))
        E_ref, grads_ref = _mlp_reference(weights, hidden, hidden_bias, X, Y)
        variant_E, variant_grads = _no_loss_backward(layers, X, Y)
        E = expect_number(ex, f"E {label}", E)
        expect_close(ex, f"E {label}", E, E_ref, n=n, rtol=1e-12, atol=1e-14,
                     hint="E is what the loss layer's forward returns for the logits of the last layer.")
        if isinstance(grads, np.ndarray) or not isinstance(grads, (list, tuple)):
            fail(ex, f"grads {label} must be a list of {L} arrays.", expected=f"a list of {L} arrays",
                 got=_describe_type(grads), hint="collect the dW of every affine layer in a list.")
        if len(grads) != L:
            hint = ("one gradient per affine layer: the layers without weights return no dW."
                    if len(grads) > L else "every affine layer contributes its dW, the first layer's included.")
            fail(ex, f"grads {label} holds {len(grads)} arrays for {L} weight matrices.",
                 expected=f"{L} arrays, shaped " + ", ".join(str(g.shape) for g in grads_ref),
                 got=f"{len(grads)} items", hint=hint)
        shapes_got = [np.shape(g) if isinstance(g, np.ndarray) else None for g in grads]
        if L > 1 and shapes_got == [g.shape for g in grads_ref][::-1] and shapes_got != [g.shape for g in grads_ref]:
            fail(ex, f"grads {label} come in reverse order.",
                 expected="shapes " + ", ".join(str(g.shape) for g in grads_ref),
                 got="shapes " + ", ".join(str(s) for s in shapes_got),
                 hint="the backward loop meets the affine layers last to first; return the list in layer order, "
                      "dE/dW[1] first.")
        for l, (g, r, v) in enumerate(zip(grads, grads_ref, variant_grads), start=1):
            expect_array(ex, f"dE/dW[{l}] {label}", g, r, exact=True, mistakes=[
                (v, "the backward pass must start from the loss layer's backward, dE/dF of the logits, not from "
                    "ones: the loss layer is the first one on the way back.")],
                hint="hand each layer's backward its own cache and the gradient returned by the layer above it.")
    passed(ex)


# ---------------------------------------------------------------------------------------------- 9.12 sgd
def _batches(n: int, batch_size: int, epochs: int, seed: int) -> list:
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(epochs):
        order = rng.permutation(n)
        out += [order[s:s + batch_size] for s in range(0, n, batch_size)]
    return out


def _describe_batches(got: list, expected: list, n: int, batch_size: int, epochs: int, seed: int) -> str:
    """What differs between the batches the student's loop asked for and the expected ones."""
    per_epoch = -(-n // batch_size)
    if any(b is None for b in got):
        return ("grad_fn received columns that are not columns of X: select the batch's columns (samples) of X and "
                "Y and keep every row.")
    if len(got) == epochs and all(len(b) == n for b in got):
        return ("one step per epoch on all the columns: that is full-batch gradient descent. Split each epoch into "
                "batches of batch_size columns.")
    sizes = [len(b) for b in got]
    if len(got) == epochs * (n // batch_size) and n % batch_size and all(s == batch_size for s in sizes):
        return "the last, shorter batch of each epoch was skipped: it takes a step too."
    if any(s > batch_size for s in sizes) or (sizes and sizes[0] != min(batch_size, n)):
        return f"the batches must hold batch_size = {batch_size} columns each (the last one may hold fewer)."
    flat = [sorted(b) for b in got]
    natural = [list(range(n))[s:s + batch_size] for s in range(0, n, batch_size)] * epochs
    if flat == natural:
        return ("the columns come in their original order: shuffle them at the start of every epoch with a "
                "permutation from the generator.")
    first_epoch = _batches(n, batch_size, 1, seed)
    if epochs > 1 and flat == [sorted(b) for b in first_epoch] * epochs:
        return ("every epoch uses the same order: make the generator once, before the loop over the epochs, and draw "
                "a fresh permutation from it at the start of each epoch.")
    if flat[:per_epoch] == [sorted(b) for b in first_epoch]:
        return ("the first epoch's batches are right but the later ones are not: draw each epoch's permutation from "
                "the same generator, made once from the seed.")
    return ("the order of the columns differs from the expected one: make one generator from the seed before the "
            "first epoch, and at the start of each epoch take its permutation of the n column indices.")


def exercise_9_12(sgd) -> None:
    """Check ``sgd(weights, X, Y, grad_fn, lr, epochs, batch_size, seed)`` against tl.MLP.fit, step for step."""
    ex = "9.12"
    forbid = (MLP.fit, MLP.step, MLP._step_unchecked, MLP.backward, MLP._backward)
    # (sizes, n, batch_size, epochs, lr, seed): one full-batch step, one epoch with a short last batch, then 3 epochs.
    for sizes, n, batch_size, epochs, lr, seed in grading_cases(ex, [
            ([5, 4, 3], 8, 8, 1, 0.5, 9121), ([5, 4, 3], 10, 4, 1, 0.5, 9122), ([6, 5, 4, 3], 9, 4, 3, 0.3, 9123)]):
        rng = np.random.default_rng(seed)
        L = len(sizes) - 1
        start = MLP.from_sizes(sizes, _activations("relu", L), init="he", seed=rng, hidden_bias=True).weights
        X = _random_input(rng, sizes[0], n)
        Y = _random_targets(rng, sizes[-1], n)
        columns = {X[:, i].tobytes(): i for i in range(n)}
        asked: list = []
        shapes = [W.shape for W in start]

        def grad_fn(weights, X_batch, Y_batch, _columns=columns, _asked=asked, _shapes=shapes):
            weights = list(weights)
            if [np.shape(W) for W in weights] != _shapes:
                raise ValueError(f"grad_fn needs the list of weight matrices, shapes {_shapes}; got shapes "
                                 f"{[np.shape(W) for W in weights]}")
            X_batch = np.asarray(X_batch, dtype=float)
            if X_batch.ndim != 2 or X_batch.shape[0] != _shapes[0][0]:
                raise ValueError(f"grad_fn needs X_batch of shape ({_shapes[0][0]}, batch size), columns as samples; "
                                 f"got shape {X_batch.shape}")
            _asked.append([_columns.get(X_batch[:, j].tobytes()) for j in range(X_batch.shape[1])])
            if None in _asked[-1]:
                _asked[-1] = None
            return ref.forward_backward(ref.build_network(weights, "relu", ref.PAIRS, True), X_batch, Y_batch)

        given = [W.copy() for W in start]
        label = f"(n = {n}, batch_size = {batch_size}, epochs = {epochs}, lr = {lr:g})"
        result = _run(ex, sgd, given, X, Y, grad_fn, lr, epochs, batch_size, seed, forbid=forbid,
                      shapes="X is (features + 1, n): a batch is a set of columns, X and Y keep all their rows.")
        if any(not np.array_equal(g, s) for g, s in zip(given, start)) or len(given) != L:
            fail(ex, "your function changed the starting weights it was given.",
                 expected="the starting weights unchanged", got="changed in place",
                 hint="copy each starting matrix before the first step and update the copies: the caller (and the "
                      "next run of the cell) still needs the start.")
        trained = _sequence(ex, result, L, f"return the list of the {L} trained weight matrices",
                            "[W[1], ..., W[L]] after training")
        trained = [_as_array(ex, f"the trained W[{l}] {label}", W, s) for l, (W, s) in enumerate(zip(trained, shapes),
                                                                                               start=1)]
        if all(W.shape == S.shape and np.array_equal(W, S) for W, S in zip(trained, start)):
            fail(ex, f"the trained weights {label} equal the starting ones.", expected="weights moved by the steps",
                 got="the starting weights",
                 hint="after each batch, update every W[l] and keep using the updated weights for the next batch.")
        expected_batches = _batches(n, batch_size, epochs, seed)
        net = MLP([W.copy() for W in start], _activations("relu", L), hidden_bias=True)
        net.fit(X, Y, lr=lr, epochs=epochs, loss="softmax_ce", batch_size=batch_size, seed=seed)
        expected = net.weights
        got_batches = [None if b is None else sorted(b) for b in asked]
        batches_right = got_batches == [sorted(b) for b in expected_batches]
        for l, (W, E_W) in enumerate(zip(trained, expected), start=1):
            if W.shape != E_W.shape:
                fail(ex, f"the trained W[{l}] {label} has shape {W.shape}.", expected=f"shape {E_W.shape}",
                     got=f"shape {W.shape}", hint="return the weights in the order and shapes of the starting ones.")
        close = all(np.allclose(W, E_W, rtol=1e-9, atol=1e-12) for W, E_W in zip(trained, expected))
        if close and batches_right:
            continue
        if not batches_right:
            fail(ex, f"the batches your loop handed to grad_fn {label} are not the expected ones.",
                 expected=f"{len(expected_batches)} batches; the first holds columns "
                          f"{fmt_array(np.asarray(expected_batches[0]))}",
                 got=f"{len(got_batches)} batches" + (f"; the first holds columns {fmt_array(np.asarray(got_batches[0]))}"
                                                      if got_batches and got_batches[0] is not None else ""),
                 hint=_describe_batches(got_batches, expected_batches, n, batch_size, epochs, seed))
        # the batches are right: the update is not
        def replay(sign=-1.0, step=lr, layers_updated=None):
            weights = [W.copy() for W in start]
            for b in expected_batches:
                _, grads = ref.forward_backward(ref.build_network(weights, "relu", ref.PAIRS, True), X[:, b], Y[:, b])
                for l in range(L):
                    if layers_updated is None or l in layers_updated:
                        weights[l] = weights[l] + sign * step * grads[l]
            return weights

        def same(ws):
            return all(np.allclose(W, E_W, rtol=1e-9, atol=1e-12) for W, E_W in zip(trained, ws))

        for ws, hint in ((replay(sign=+1.0), "the weights moved uphill: the step is minus lr times the gradient."),
                         (replay(step=1.0), "the learning rate was not used: each step is lr times the gradient."),
                         (replay(layers_updated={L - 1}), "only the last layer was updated: every W[l] takes a step.")):
            if same(ws):
                fail(ex, f"the trained weights {label} are not right.", expected="the weights of tl.MLP.fit",
                     got="another update", hint=hint)
        fail(ex, f"the trained weights {label} differ from tl.MLP.fit's, although the batches are right.",
             expected="the weights of tl.MLP.fit with the same settings", got="other weights",
             hint="after each batch, every W[l] moves by minus lr times its gradient from grad_fn, computed at the "
                  "current weights; the next batch uses the updated weights.")
    passed(ex)


# ---------------------------------------------------------------------------------------------- 9.13 training
@lru_cache(maxsize=1)
def _digits_split_cached():
    from sklearn.model_selection import train_test_split

    from ..data import load_digits_onehot

    X, Y, labels = load_digits_onehot(return_labels=True)
    train, test = train_test_split(np.arange(labels.size), train_size=TRAIN_SIZE, stratify=labels,
                                   random_state=SPLIT_SEED)
    return X[:, train], Y[:, train], labels[train], X[:, test], labels[test]


def _digits_split():
    """The notebook's split, recomputed from the library (never the arrays of the notebook)."""
    return tuple(a.copy() for a in _digits_split_cached())


def heldout_accuracy(weights) -> float:
    """The held-out accuracy of a 65-64-32-10 ReLU network with hidden biases, recomputed here."""
    _, _, _, X_test, labels_test = _digits_split()
    net = MLP(weights, ACTIVATIONS, hidden_bias=True)
    return float(np.mean(net.predict(X_test) == labels_test))


def exercise_9_13(trained, my_network) -> None:
    """Check the trained weights (held-out accuracy >= 0.95) and that the student's network, built from the
    student's own layers, agrees with tl.MLP to ``GRAD_RTOL``."""
    ex = "9.13"
    shapes = [(SIZES[0], SIZES[1]), (SIZES[1] + 1, SIZES[2]), (SIZES[2] + 1, SIZES[3])]
    weights = _sequence(ex, trained, 3, "trained must be the list of the 3 trained weight matrices",
                        "[W[1], W[2], W[3]] of shapes " + ", ".join(str(s) for s in shapes))
    weights = [_as_array(ex, f"the trained W[{l}]", W, s) for l, (W, s) in enumerate(zip(weights, shapes), start=1)]
    for l, (W, s) in enumerate(zip(weights, shapes), start=1):
        if W.shape != s:
            fail(ex, f"the trained W[{l}] has shape {W.shape}.", expected=f"shape {s}", got=f"shape {W.shape}",
                 hint="pass the list your sgd returned for the 65-64-32-10 network.")
    if not all(np.all(np.isfinite(W)) for W in weights):
        fail(ex, "the trained weights hold nan or inf: training diverged, so the held-out accuracy is below the goal.",
             expected=f"held-out accuracy >= {ACCURACY_GOAL:.2f}", got="weights with nan or inf",
             hint="a learning rate that is too large makes the loss grow until it overflows: lower it. If a check of "
                  "Exercises 9.2 to 9.12 fails, fix that first: this cell runs your functions.")
    accuracy = heldout_accuracy(weights)
    if accuracy < ACCURACY_GOAL:
        fail(ex, f"the held-out accuracy is {accuracy:.3f}, below the goal of {ACCURACY_GOAL:.2f}.",
             expected=f"held-out accuracy >= {ACCURACY_GOAL:.2f}", got=f"{accuracy:.3f}",
             hint="change the learning rate, the epochs or the batch size and rerun the cell; if a check of Exercises "
                  "9.2 to 9.12 fails, fix that first.")

    X_train, Y_train, _, _, _ = _digits_split()
    forbid = (*_ALL_LAYERS, *_MLP, *_NUMERIC)
    for n, seed in grading_cases(ex, [(32, 9131), (7, 9132)]):
        rng = np.random.default_rng(seed)
        start = MLP.from_sizes(SIZES, ACTIVATIONS, init="he", seed=rng, hidden_bias=True).weights
        columns = rng.choice(X_train.shape[1], size=n, replace=False)
        X, Y = X_train[:, columns], Y_train[:, columns]
        label = f"on a batch of {n} training images"
        result = _run(ex, my_network, [W.copy() for W in start], X, Y, forbid=forbid,
                      shapes="my_network(weights, X, Y) runs your layers on the 65-64-32-10 network.")
        E, grads = _pair(ex, "my_network", result, ("E", "grads"))
        E_ref, grads_ref = _mlp_reference(start, "relu", True, X, Y)
        E = expect_number(ex, f"the loss of your network {label}", E)
        expect_close(ex, f"the loss of your network {label}", E, E_ref, rtol=GRAD_RTOL, atol=1e-14,
                     hint="your network and tl.MLP run the same weights: the loss must agree to 1e-10. Run the checks "
                          "of Exercises 9.2 to 9.11 first.")
        grads = _sequence(ex, grads, 3, "grads must hold one gradient per weight matrix",
                          "[dE/dW[1], dE/dW[2], dE/dW[3]]")
        for l, (g, r) in enumerate(zip(grads, grads_ref), start=1):
            expect_array(ex, f"dE/dW[{l}] of your network {label}", g, r, rtol=GRAD_RTOL,
                         atol=GRAD_RTOL * float(np.max(np.abs(r))),
                         hint="your network must agree with tl.MLP's backward pass to 1e-10 on the same weights. Run "
                              "the checks of Exercises 9.2 to 9.11 first.")
    passed(ex)


# ---------------------------------------------------------------------------------------------- planted mistakes
def _cell(*parts: tuple[str, str]) -> str:
    """An answer cell: each function's def line and docstring, then a body."""
    return "\n\n".join(DEFS[name] + body for name, body in parts)


_AFFINE_FWD = "    return W.T @ A, (A, W)\n"
_AFFINE_BWD = "    A, W = cache\n    return W @ dF, A @ dF.T\n"
_BIAS_FWD = "    return np.vstack([np.ones((1, A.shape[1])), A]), None\n"
_BIAS_BWD = "    return dA_b[1:]\n"
_RELU_FWD = "    return np.maximum(F, 0), F\n"
_RELU_BWD = "    return dA * (cache > 0)\n"
_SIGMOID_FWD = "    A = 1 / (1 + np.exp(-F))\n    return A, A\n"
_SIGMOID_BWD = "    return dA * cache * (1 - cache)\n"
_CE_FWD = '''    shifted = F - F.max(axis=0, keepdims=True)
    log_P = shifted - np.log(np.exp(shifted).sum(axis=0, keepdims=True))
    return -np.sum(Y * log_P) / F.shape[1], (np.exp(log_P), Y)
'''
_CE_BWD = "    P, Y = cache\n    return (P - Y) / Y.shape[1]\n"
_FWD_LOOP = '''    out, caches = X, []
    for forward, backward, W in layers:
        out, cache = forward(out) if W is None else forward(out, W)
        caches.append(cache)
    E, loss_cache = loss[0](out, Y)
'''
_SGD_HEAD = '''    weights = [W.copy() for W in weights]
    rng = np.random.default_rng(seed)
    n = X.shape[1]
'''
_CELL_9_13 = '''# Set lr (the learning rate), epochs (10 at most keeps the notebook fast) and batch_size in place of the
# two lines below; the cell then trains YOUR network (your layers, your loops, your sgd) from W_start.
{choice}
trained = sgd(W_start, X_train, Y_train, my_network, lr, epochs, batch_size, seed=0)
print(f"held-out accuracy of your network: {{heldout_accuracy(trained):.3f}}")
'''

#: Planted in the notebook by tests/test_notebooks.py, one per exercise in one run: none of them changes a
#: shape, so exercise 9.13 (which runs the student's functions) still trains and fails with its own hint.
PLANTED_MISTAKES = [
    {"exercise": "9.2", "kind": "dW divided by n again (the 1/n twice)", "hint": "already carries the 1/n",
     "source": _cell(("affine_forward", _AFFINE_FWD),
                     ("affine_backward", "    A, W = cache\n    return W @ dF, A @ dF.T / dF.shape[1]\n"))},
    {"exercise": "9.3", "kind": "row of ones at the bottom", "hint": "goes on top",
     "source": _cell(("bias_forward", "    return np.vstack([A, np.ones((1, A.shape[1]))]), None\n"),
                     ("bias_backward", _BIAS_BWD))},
    {"exercise": "9.4", "kind": "ReLU mask from the upstream gradient", "hint": "taken from the upstream gradient",
     "source": _cell(("relu_forward", _RELU_FWD), ("relu_backward", "    return dA * (dA > 0)\n"))},
    {"exercise": "9.5", "kind": "sigmoid slope without its (1 - A) factor", "hint": "lacks its factor (1 - A)",
     "source": _cell(("sigmoid_forward", _SIGMOID_FWD), ("sigmoid_backward", "    return dA * cache\n"))},
    {"exercise": "9.7", "kind": "log of a clipped softmax (wrong when a probability rounds to 0)",
     "hint": "rounds to 0",
     "source": _cell(("softmax_ce_forward", '''    P = np.exp(F - F.max(axis=0, keepdims=True))
    P = P / P.sum(axis=0, keepdims=True)
    return -np.sum(Y * np.log(np.clip(P, 1e-12, 1.0))) / F.shape[1], (P, Y)
'''), ("softmax_ce_backward", _CE_BWD))},
    {"exercise": "9.8", "kind": "forward difference instead of the central one", "hint": "one-sided",
     "source": _cell(("gradient_check", '''    errors = []
    for idx in entries:
        up = W.copy()
        up[idx] += eps
        numeric = (loss(up) - loss(W)) / eps
        analytic = dW[idx]
        denominator = abs(numeric) + abs(analytic)
        errors.append(0.0 if denominator == 0 else abs(numeric - analytic) / denominator)
    return np.array(errors)
'''))},
    {"exercise": "9.10", "kind": "bias layer before the activation", "hint": "comes before the activation",
     "source": _cell(("build_network", '''    layers = []
    for l, W in enumerate(weights):
        layers.append((*pairs["affine"], W))
        if l < len(weights) - 1:
            if hidden_bias:
                layers.append((*pairs["bias"], None))
            layers.append((*pairs[hidden], None))
    return layers
'''))},
    {"exercise": "9.11", "kind": "backward started from ones, without the loss layer's gradient",
     "hint": "must start from the loss layer's backward",
     "source": _cell(("forward_backward", _FWD_LOOP + '''    d = np.ones_like(out)
    grads = []
    for (forward, backward, W), cache in zip(reversed(layers), reversed(caches)):
        if W is None:
            d = backward(d, cache)
        else:
            d, dW = backward(d, cache)
            grads.append(dW)
    return E, grads[::-1]
'''))},
    {"exercise": "9.12", "kind": "the same permutation every epoch (a new generator inside the loop)",
     "hint": "every epoch uses the same order",
     "source": _cell(("sgd", '''    weights = [W.copy() for W in weights]
    n = X.shape[1]
    for epoch in range(epochs):
        order = np.random.default_rng(seed).permutation(n)
        for start in range(0, n, batch_size):
            batch = order[start:start + batch_size]
            E, grads = grad_fn(weights, X[:, batch], Y[:, batch])
            weights = [W - lr * dW for W, dW in zip(weights, grads)]
    return weights
'''))},
    {"exercise": "9.13", "kind": "a learning rate far too small", "hint": "below the goal",
     "source": _CELL_9_13.format(choice="lr, epochs, batch_size = 0.0005, 2, 32")},
]

_SGD_LOOP = '''    for epoch in range(epochs):
        order = rng.permutation(n)
        for start in range(0, n, batch_size):
            batch = order[start:start + batch_size]
            E, grads = grad_fn(weights, X[:, batch], Y[:, batch])
            weights = [W - lr * dW for W, dW in zip(weights, grads)]
    return weights
'''

#: More wrong answer cells, run directly by tests/test_checks_nb09.py (planting them all would take one
#: notebook run each; several of them change a shape and would stop the training cell of 9.13).
MORE_MISTAKES = [
    {"exercise": "9.2", "kind": "dW transposed", "hint": "transposed",
     "source": _cell(("affine_forward", _AFFINE_FWD), ("affine_backward", "    A, W = cache\n    return W @ dF, dF @ A.T\n"))},
    {"exercise": "9.2", "kind": "bias row dropped from dA", "hint": "one too few",
     "source": _cell(("affine_forward", _AFFINE_FWD),
                     ("affine_backward", "    A, W = cache\n    return W[1:] @ dF, A @ dF.T\n"))},
    {"exercise": "9.2", "kind": "gradients in the wrong order", "hint": "wrong order",
     "source": _cell(("affine_forward", _AFFINE_FWD), ("affine_backward", "    A, W = cache\n    return A @ dF.T, W @ dF\n"))},
    {"exercise": "9.2", "kind": "forward returns F only", "hint": "must return two things",
     "source": _cell(("affine_forward", "    return W.T @ A\n"), ("affine_backward", _AFFINE_BWD))},
    {"exercise": "9.3", "kind": "row 0 of the gradient kept", "hint": "still has the row of the ones",
     "source": _cell(("bias_forward", _BIAS_FWD), ("bias_backward", "    return dA_b\n"))},
    {"exercise": "9.3", "kind": "last row dropped", "hint": "dropped the last row",
     "source": _cell(("bias_forward", _BIAS_FWD), ("bias_backward", "    return dA_b[:-1]\n"))},
    {"exercise": "9.4", "kind": "slope 1 at F = 0", "hint": "exactly 0",
     "source": _cell(("relu_forward", _RELU_FWD), ("relu_backward", "    return dA * (cache >= 0)\n"))},
    {"exercise": "9.4", "kind": "ReLU mask missing", "hint": "mask is missing",
     "source": _cell(("relu_forward", _RELU_FWD), ("relu_backward", "    return dA\n"))},
    {"exercise": "9.5", "kind": "sigmoid applied twice", "hint": "applied a second time",
     "source": _cell(("sigmoid_forward", _SIGMOID_FWD), ("sigmoid_backward", '''    S = 1 / (1 + np.exp(-cache))
    return dA * S * (1 - S)
'''))},
    {"exercise": "9.7", "kind": "softmax without the max shift", "hint": "overflowed",
     "source": _cell(("softmax_ce_forward", '''    P = np.exp(F) / np.exp(F).sum(axis=0, keepdims=True)
    return -np.sum(Y * np.log(P)) / F.shape[1], (P, Y)
'''), ("softmax_ce_backward", _CE_BWD))},
    {"exercise": "9.7", "kind": "log of an unclipped probability", "hint": "a log of 0",
     "source": _cell(("softmax_ce_forward", '''    P = np.exp(F - F.max(axis=0, keepdims=True))
    P = P / P.sum(axis=0, keepdims=True)
    return -np.sum(Y * np.log(P)) / F.shape[1], (P, Y)
'''), ("softmax_ce_backward", _CE_BWD))},
    {"exercise": "9.7", "kind": "missing 1/n in the loss", "hint": "1/n is missing",
     "source": _cell(("softmax_ce_forward", '''    shifted = F - F.max(axis=0, keepdims=True)
    log_P = shifted - np.log(np.exp(shifted).sum(axis=0, keepdims=True))
    return -np.sum(Y * log_P), (np.exp(log_P), Y)
'''), ("softmax_ce_backward", _CE_BWD))},
    {"exercise": "9.7", "kind": "sign of dE/dF flipped", "hint": "wrong sign",
     "source": _cell(("softmax_ce_forward", _CE_FWD),
                     ("softmax_ce_backward", "    P, Y = cache\n    return (Y - P) / Y.shape[1]\n"))},
    {"exercise": "9.8", "kind": "0/0 where both gradients are 0", "hint": "0/0",
     "source": _cell(("gradient_check", '''    errors = []
    for idx in entries:
        up, down = W.copy(), W.copy()
        up[idx] += eps
        down[idx] -= eps
        numeric = (loss(up) - loss(down)) / (2 * eps)
        errors.append(abs(numeric - dW[idx]) / (abs(numeric) + abs(dW[idx])))
    return np.array(errors)
'''))},
    {"exercise": "9.8", "kind": "difference divided by eps, not 2 eps", "hint": "twice the true ones",
     "source": _cell(("gradient_check", '''    errors = []
    for idx in entries:
        up, down = W.copy(), W.copy()
        up[idx] += eps
        down[idx] -= eps
        numeric = (loss(up) - loss(down)) / eps
        denominator = abs(numeric) + abs(dW[idx])
        errors.append(0.0 if denominator == 0 else abs(numeric - dW[idx]) / denominator)
    return np.array(errors)
'''))},
    {"exercise": "9.10", "kind": "no bias layers", "hint": "no bias layer",
     "source": _cell(("build_network", '''    layers = []
    for l, W in enumerate(weights):
        layers.append((*pairs["affine"], W))
        if l < len(weights) - 1:
            layers.append((*pairs[hidden], None))
    return layers
'''))},
    {"exercise": "9.10", "kind": "activation after the last layer", "hint": "must end with the last affine layer",
     "source": _cell(("build_network", '''    layers = []
    for l, W in enumerate(weights):
        layers.append((*pairs["affine"], W))
        layers.append((*pairs[hidden], None))
        if hidden_bias and l < len(weights) - 1:
            layers.append((*pairs["bias"], None))
    return layers
'''))},
    {"exercise": "9.11", "kind": "gradients in reverse order", "hint": "reverse order",
     "source": _cell(("forward_backward", _FWD_LOOP + '''    d = loss[1](loss_cache)
    grads = []
    for (forward, backward, W), cache in zip(reversed(layers), reversed(caches)):
        if W is None:
            d = backward(d, cache)
        else:
            d, dW = backward(d, cache)
            grads.append(dW)
    return E, grads
'''))},
    {"exercise": "9.11", "kind": "list of layers reversed in place", "hint": "changed the list of layers",
     "source": _cell(("forward_backward", _FWD_LOOP + '''    d = loss[1](loss_cache)
    grads = []
    layers.reverse()
    caches.reverse()
    for (forward, backward, W), cache in zip(layers, caches):
        if W is None:
            d = backward(d, cache)
        else:
            d, dW = backward(d, cache)
            grads.insert(0, dW)
    return E, grads
'''))},
    {"exercise": "9.12", "kind": "no shuffling", "hint": "original order",
     "source": _cell(("sgd", '''    weights = [W.copy() for W in weights]
    n = X.shape[1]
    for epoch in range(epochs):
        for start in range(0, n, batch_size):
            batch = np.arange(start, min(start + batch_size, n))
            E, grads = grad_fn(weights, X[:, batch], Y[:, batch])
            weights = [W - lr * dW for W, dW in zip(weights, grads)]
    return weights
'''))},
    {"exercise": "9.12", "kind": "starting weights updated in place", "hint": "changed the starting weights",
     "source": _cell(("sgd", '''    rng = np.random.default_rng(seed)
    n = X.shape[1]
    for epoch in range(epochs):
        order = rng.permutation(n)
        for start in range(0, n, batch_size):
            batch = order[start:start + batch_size]
            E, grads = grad_fn(weights, X[:, batch], Y[:, batch])
            for W, dW in zip(weights, grads):
                W -= lr * dW
    return weights
'''))},
    {"exercise": "9.12", "kind": "gradient ascent (sign)", "hint": "moved uphill",
     "source": _cell(("sgd", _SGD_HEAD + _SGD_LOOP.replace("W - lr * dW", "W + lr * dW")))},
    {"exercise": "9.13", "kind": "untrained weights", "hint": "below the goal",
     "source": _CELL_9_13.format(choice="lr, epochs, batch_size = 0.5, 0, 32")},
]
