"""Checkers of notebook 08, auditing the answer sheet's worked forward and backward pass.

* 8.1 ``sheet_loss_and_gradients(net, X, Y)``: the sheet's loss ``L = sum_i (y_hat_i - y_i)^2``
  (no 1/2, no 1/n) and its gradients, from the library's ``mse`` scaled by ``2n``; checked
  against the sum of squares and its central differences;
* 8.3 ``expect_shape(A, expected_shape, name)``: a shape assertion that rejects transposed,
  1-D and broadcast arrays and says what it expected and what it got;
* 8.4 ``forward_rows(X_rows, W_rows, v)``: the sheet's network in its own row layout (samples are
  rows), against the library's ``MLP`` on the sheet's data and on non-square problems;
* 8.6 ``softmax_jacobian_sheet(z)`` and 8.7 ``log_softmax_jacobian(z)``: the sheet's softmax
  derivatives, against central differences of ``tl.softmax``.
"""

from __future__ import annotations

import numpy as np

from ..activations import softmax
from ..data import add_bias_row
from ..gradcheck import numerical_gradient, numerical_jacobian
from ..mlp import MLP
from ._common import CheckFailure, call_student, expect_array, expect_close, expect_true, fail, passed

__all__ = ["exercise_8_1", "exercise_8_3", "exercise_8_4", "exercise_8_6", "exercise_8_7",
           "SHEET_X_ROWS", "SHEET_W_ROWS", "SHEET_V", "SHEET_Y", "PLANTED_MISTAKES"]

#: The sheet's worked example (question 12 of its computation-graph part), in its own layout:
#: samples are rows, bias column of ones first; row j of W is hidden unit j's weights w_j^T;
#: v = (v_1, ..., v_4) with v_1 the output bias; y the three targets.
SHEET_X_ROWS = np.array([[1.0, 1.0, 2.0], [1.0, 1.0, 3.0], [1.0, 2.0, 2.0]])
SHEET_W_ROWS = np.array([[0.01, 0.02, 0.03], [0.03, 0.01, 0.02], [0.02, 0.03, 0.01]])
SHEET_V = np.array([[0.01], [0.02], [0.03], [0.04]])
SHEET_Y = np.array([[8.0], [11.0], [10.0]])


def _sigmoid(s):
    return 1.0 / (1.0 + np.exp(-s))


def _random_problem(rng, n, k, d):
    W1 = rng.normal(0.0, 0.5, size=(d + 1, k))
    W2 = rng.normal(0.0, 0.5, size=(k + 1, 1))
    X = add_bias_row(rng.normal(size=(d, n)))
    Y = rng.normal(0.0, 3.0, size=(1, n))
    return MLP([W1, W2], ["sigmoid", "identity"], hidden_bias=True), X, Y


# ---------------------------------------------------------------------------- 8.1
def exercise_8_1(sheet_loss_and_gradients) -> None:
    """``sheet_loss_and_gradients(net, X, Y)`` returns ``(L, [dL/dW[1], dL/dW[2]])`` for
    the sheet's ``L = sum_i (y_hat_i - y_i)^2``."""
    rng = np.random.default_rng(81)
    for n, k, d in [(3, 3, 2), (5, 4, 2), (8, 2, 3)]:
        net, X, Y = _random_problem(rng, n, k, d)
        reference = net.copy()

        def sheet_loss():
            return float(((reference.forward(X) - Y) ** 2).sum())

        L_ref = sheet_loss()
        grads_ref = [numerical_gradient(sheet_loss, W) for W in reference.weights]
        result = call_student("8.1", sheet_loss_and_gradients, net.copy(), X.copy(), Y.copy())
        expect_true("8.1", isinstance(result, (tuple, list)) and len(result) == 2,
                    "sheet_loss_and_gradients must return a pair (L, grads).",
                    got=type(result).__name__ if not isinstance(result, (tuple, list)) else f"{len(result)} items",
                    hint="end with `return L, grads`, where grads is the list [dL/dW[1], dL/dW[2]].")
        L, grads = result

        def mistakes(ref):
            return [
                (ref / 2, f"your result is half the sheet's: it is missing the factor 2. The library's mse has "
                          f"a 1/2 in front that the sheet's L = sum (y_hat - y)^2 does not have, so multiply "
                          f"by 2n (here 2 * {n}), not by n."),
                (ref / n, f"your result is n = {n} times too small: it is missing the factor n. The library "
                          f"averages over the n samples (1/n) while the sheet sums, so multiply by 2n, not by 2."),
                (ref / (2 * n), f"this is the library's own scale, (1/(2n)) sum (y_hat - y)^2: the sheet's loss "
                                f"is 2n = {2 * n} times larger."),
                (ref * 2 * n, "you multiplied by 2n twice, or started from a sum: the library's mse is already "
                              "divided by 2n, so multiply its value by 2n exactly once."),
            ]

        expect_close("8.1", f"L (n = {n} samples)", L, L_ref, mistakes=mistakes(L_ref),
                     hint="L = 2n * net.loss(X, Y, loss='mse'): undo the library's 1/2 and 1/n.")
        expect_true("8.1", isinstance(grads, (tuple, list)) and len(grads) == 2,
                    "grads must be a list with one gradient per layer, [dL/dW[1], dL/dW[2]].",
                    got=type(grads).__name__ if not isinstance(grads, (tuple, list)) else f"{len(grads)} items",
                    hint="e.g. [scale * g for g in net.backward(Y, loss='mse')].")
        for i, (g, g_ref) in enumerate(zip(grads, grads_ref)):
            expect_array("8.1", f"dL/dW[{i + 1}] (n = {n} samples)", g, g_ref, mistakes=mistakes(g_ref),
                         hint="scale every gradient of net.backward(Y, loss='mse') by the same factor as the "
                              "loss, 2n.", rtol=1e-6, atol=1e-6)
    passed("8.1")


# ---------------------------------------------------------------------------- 8.3
def _message_names_shapes(message: str, expected, actual) -> bool:
    return str(tuple(expected)) in message and str(tuple(actual)) in message


def exercise_8_3(expect_shape) -> None:
    """``expect_shape(A, expected_shape, name)`` raises AssertionError unless ``A.shape == expected_shape``."""
    rng = np.random.default_rng(83)
    for shape in [(5, 3), (4, 4), (1, 6), (2,)]:
        A = rng.normal(size=shape)
        try:
            call_student("8.3", expect_shape, A, tuple(shape), "A")
        except CheckFailure:
            raise
        except AssertionError as err:
            fail("8.3", f"expect_shape rejected an array of the right shape {shape}.",
                 got=f"AssertionError: {err}",
                 hint="compare A.shape with tuple(expected_shape): a shape is a tuple, and (5, 3) == [5, 3] is "
                      "False in Python.")
    wrong = [
        ((3, 5), (5, 3), "a transposed array"),
        ((5,), (5, 1), "a 1-D array where a column was expected"),
        ((5, 5), (5, 1), "an (n, n) array that came from broadcasting"),
        ((2, 6), (3, 4), "an array with the same number of entries but another shape"),
    ]
    for actual, expected, what in wrong:
        A = rng.normal(size=actual)
        try:
            call_student("8.3", expect_shape, A, expected, "Z")
        except CheckFailure:
            raise
        except AssertionError as err:
            message = str(err)
            if not _message_names_shapes(message, expected, actual):
                fail("8.3", f"expect_shape raised on {what}, but its message does not say which shapes.",
                     expected=f"a message that contains {tuple(expected)} and {tuple(actual)}",
                     got=repr(message) if message else "an empty message",
                     hint="name the expected shape and the actual shape in the message, e.g. "
                          "assert A.shape == expected, f\"{name} has shape {A.shape}, expected {expected}\"; "
                          "a bare assert tells you that something failed, not what.")
            continue
        except Exception as err:  # noqa: BLE001 - any other exception is the wrong kind
            if isinstance(err, NotImplementedError):
                raise
            fail("8.3", f"expect_shape raised {type(err).__name__} on {what}; it should raise AssertionError.",
                 got=f"{type(err).__name__}: {err}", hint="use an assert statement (or raise AssertionError).")
        size_only = int(np.prod(actual)) == int(np.prod(expected))
        fail("8.3", f"expect_shape accepted {what}: shape {actual} where {expected} was expected.",
             expected=f"AssertionError for shape {actual}", got="no error",
             hint=("the check compares only the number of entries (or of dimensions): a transposed matrix has the "
                   "same number of entries. Compare the whole shape tuple: A.shape == tuple(expected_shape)."
                   if size_only else
                   "compare the whole shape tuple, A.shape == tuple(expected_shape), not only part of it."))
    passed("8.3")


# ---------------------------------------------------------------------------- 8.4
def _library_rows(X_rows, W_rows, v):
    net = MLP([W_rows.T, v], ["sigmoid", "identity"], hidden_bias=True)
    return net.forward(X_rows.T).T


def _transposed_rows(X_rows, W_rows, v):
    # The sheet's slip: one row per hidden unit, then read as if rows were samples (needs n == k).
    Z = _sigmoid(W_rows @ X_rows.T)
    return np.hstack([np.ones((Z.shape[0], 1)), Z]) @ v


def exercise_8_4(forward_rows) -> None:
    """``forward_rows(X_rows, W_rows, v)`` returns the predictions, shape (n, 1), samples as rows."""
    rng = np.random.default_rng(84)
    cases = [(SHEET_X_ROWS, SHEET_W_ROWS, SHEET_V, "the sheet's example")]
    for n, k, d in [(5, 3, 2), (2, 4, 2), (6, 2, 3), (4, 4, 3)]:
        X_rows = np.hstack([np.ones((n, 1)), rng.normal(size=(n, d))])
        W_rows = rng.normal(0.0, 0.7, size=(k, d + 1))
        v = rng.normal(0.0, 0.7, size=(k + 1, 1))
        cases.append((X_rows, W_rows, v, f"n = {n} samples, k = {k} hidden units"))
    for X_rows, W_rows, v, what in cases:
        n, k = X_rows.shape[0], W_rows.shape[0]
        try:
            got = call_student("8.4", forward_rows, X_rows, W_rows, v)
        except CheckFailure:
            raise
        except (ValueError, AssertionError) as err:
            fail("8.4", f"forward_rows raised {type(err).__name__} on {what} "
                        f"(X_rows {X_rows.shape}, W_rows {W_rows.shape}, v {v.shape}).",
                 got=f"{type(err).__name__}: {err}",
                 hint=f"the hidden activations must be (n, k) = ({n}, {k}), one row per sample: "
                      f"Z = sigmoid(X_rows @ W_rows.T). If yours come out as ({k}, {n}), they are transposed, "
                      f"the sheet's mistake; with n != k the next product no longer fits.")
        expected = _library_rows(X_rows, W_rows, v)
        mistakes = []
        if n == k:
            mistakes.append((_transposed_rows(X_rows, W_rows, v),
                             "these are the sheet's numbers: your hidden activations are transposed (one row per "
                             "hidden unit instead of one row per sample), which fits only because n = k here. "
                             "Use Z = sigmoid(X_rows @ W_rows.T), shape (n, k)."))
        expect_array("8.4", f"y_hat for {what}", got, expected, mistakes=mistakes,
                     hint="y_hat = [1 | Z] @ v with Z = sigmoid(X_rows @ W_rows.T), one row per sample.")
    passed("8.4")


# ---------------------------------------------------------------------------- 8.6 and 8.7
def _softmax_vector(z):
    return softmax(np.asarray(z, dtype=float)[:, None])[:, 0]


def _logits(rng):
    return [np.array([0.5, -1.0, 2.0]), rng.normal(0.0, 2.0, size=4), rng.normal(0.0, 1.5, size=6)]


def exercise_8_6(softmax_jacobian_sheet) -> None:
    """``softmax_jacobian_sheet(z)`` returns ``J[j, i] = d p_j / d z_i``, shape (K, K)."""
    rng = np.random.default_rng(86)
    for z in _logits(rng):
        got = call_student("8.6", softmax_jacobian_sheet, z.copy())
        expected = numerical_jacobian(_softmax_vector, z)
        p = _softmax_vector(z)
        mistakes = [
            (np.diag(p * (1 - p)), "only the diagonal is filled: the off-diagonal entries d p_j / d z_i = "
                                   "-p_j p_i (i != j) are not zero, because every logit changes the "
                                   "normalising sum."),
            (np.diag(p), "this is diag(p): subtract the outer product p p^T (the delta_ij - p_i factor)."),
        ]
        expect_array("8.6", f"the Jacobian for K = {z.size} logits", got, expected, mistakes=mistakes,
                     hint="J[j, i] = p_j (delta_ij - p_i), i.e. np.diag(p) - np.outer(p, p).",
                     rtol=1e-5, atol=1e-8)
    passed("8.6")


def exercise_8_7(log_softmax_jacobian) -> None:
    """``log_softmax_jacobian(z)`` returns ``G[j, i] = d log p_j / d z_i``, shape (K, K)."""
    rng = np.random.default_rng(87)
    for z in _logits(rng):
        got = call_student("8.7", log_softmax_jacobian, z.copy())
        expected = numerical_jacobian(lambda w: np.log(_softmax_vector(w)), z)
        p = _softmax_vector(z)
        K = z.size
        mistakes = [
            (np.eye(K) - p[:, None], "this is the sheet's index slip, delta_ij - p_j: the derivative of "
                                     "log p_j with respect to z_i is delta_ij - p_i (the probability of the "
                                     "logit you differentiate by), so your matrix is the transpose of the "
                                     "right one."),
            (np.eye(K) - np.diag(p), "only the diagonal of p is subtracted: d log p_j / d z_i = -p_i also off "
                                     "the diagonal."),
        ]
        expect_array("8.7", f"the log-softmax Jacobian for K = {K} logits", got, expected, mistakes=mistakes,
                     hint="G[j, i] = delta_ij - p_i: row j is the unit vector e_j minus p.", rtol=1e-5, atol=1e-8)
    passed("8.7")


# ---------------------------------------------------------------------------- planted mistakes
_SCALE_HEAD = '''def sheet_loss_and_gradients(net, X, Y):
    """The sheet's L = sum_i (y_hat_i - y_i)^2 and [dL/dW[1], dL/dW[2]], from the library's mse."""
    ### BEGIN SOLUTION
    n = X.shape[1]
'''
_SCALE_TAIL = '''    L = scale * net.loss(X, Y, loss="mse")
    grads = [scale * g for g in net.backward(Y, loss="mse")]
    return L, grads
    ### END SOLUTION
'''

_SHAPE_HEAD = '''def expect_shape(A, expected_shape, name="array"):
    """Raise AssertionError, naming both shapes, unless A.shape == expected_shape."""
    ### BEGIN SOLUTION
'''

_ROWS_HEAD = '''def forward_rows(X_rows, W_rows, v):
    """The sheet's network with samples as rows: returns y_hat of shape (n, 1)."""
    ### BEGIN SOLUTION
'''

_SOFTMAX_HEAD = '''def softmax_jacobian_sheet(z):
    """J[j, i] = d p_j / d z_i for the logits z of one sample, shape (K,); returns (K, K)."""
    ### BEGIN SOLUTION
'''

_LOG_SOFTMAX_HEAD = '''def log_softmax_jacobian(z):
    """G[j, i] = d log p_j / d z_i for the logits z of one sample, shape (K,); returns (K, K)."""
    ### BEGIN SOLUTION
'''

PLANTED_MISTAKES = [
    {"exercise": "8.1", "kind": "missing the 1/2 (scaled by n only)",
     "source": _SCALE_HEAD + "    scale = n\n" + _SCALE_TAIL,
     "hint": "missing the factor 2"},
    {"exercise": "8.1", "kind": "missing the 1/n (scaled by 2 only)",
     "source": _SCALE_HEAD + "    scale = 2\n" + _SCALE_TAIL,
     "hint": "missing the factor n"},
    {"exercise": "8.3", "kind": "compares the number of entries only",
     "source": _SHAPE_HEAD + '''    message = f"{name} has shape {A.shape}, expected {expected_shape}"
    assert A.size == np.prod(expected_shape), message
    ### END SOLUTION
''',
     "hint": "a transposed matrix has the same number of entries"},
    {"exercise": "8.3", "kind": "assert without a message",
     "source": _SHAPE_HEAD + "    assert A.shape == tuple(expected_shape)\n    ### END SOLUTION\n",
     "hint": "name the expected shape and the actual shape in the message"},
    {"exercise": "8.4", "kind": "transposed hidden activations (the sheet's mistake)",
     "source": _ROWS_HEAD + '''    Z = np.vstack([tl.sigmoid(X_rows @ w) for w in W_rows])   # Z_j^T as rows (the sheet)
    Z_star = np.hstack([np.ones((Z.shape[0], 1)), Z])
    return Z_star @ v
    ### END SOLUTION
''',
     "hint": "your hidden activations are transposed"},
    {"exercise": "8.6", "kind": "diagonal only",
     "source": _SOFTMAX_HEAD + '''    p = tl.softmax(z.reshape(-1, 1))[:, 0]
    return np.diag(p * (1 - p))
    ### END SOLUTION
''',
     "hint": "only the diagonal is filled"},
    {"exercise": "8.7", "kind": "the sheet's index slip (delta_ij - p_j)",
     "source": _LOG_SOFTMAX_HEAD + '''    p = tl.softmax(z.reshape(-1, 1))[:, 0]
    return np.eye(z.size) - p[:, None]
    ### END SOLUTION
''',
     "hint": "the sheet's index slip"},
]
