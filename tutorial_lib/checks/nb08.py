"""Checkers of notebook 08, auditing the answer sheet's worked forward and backward pass.

* 8.1 ``sheet_loss_and_gradients(net, X, Y)``: the sheet's loss ``L = sum_i (y_hat_i - y_i)^2``
  (no 1/2, no 1/n) and its gradients, from the library's ``mse`` rescaled; checked against a
  backward pass written out in this module;
* 8.3 ``expect_shape(A, expected_shape, name)``: a shape assertion that rejects transposed,
  1-D and broadcast arrays and says what it expected and what it got;
* 8.4 ``forward_rows(X_rows, W_rows, v)``: the sheet's network in its own row layout (samples are
  rows), on the sheet's data and on problems with n, k and d + 1 all different;
* 8.6 ``hidden_layer_gradient(X, Y, W, V, output)``: dE/dW of a sigmoid hidden layer under the
  sheet's questions 4-6 (linear outputs with half the summed squared error, or one sigmoid output
  with the summed cross-entropy);
* 8.8 ``composite_jacobian(a, b)``: the Jacobian of the sheet's F(G(a, b)) (its question 10);
* 8.10 ``softmax_jacobian_sheet(z)`` and 8.11 ``log_softmax_jacobian(z)``: the sheet's softmax
  derivatives (its question 18).

8.2, 8.5, 8.7, 8.9 and 8.12 are written exercises.  Every reference is computed here from the
formulas, never taken from the student; random problems come from :func:`grading_cases`.
"""

from __future__ import annotations

import numpy as np

from ..activations import softmax_jacobian
from ..gradcheck import check_gradients, numerical_gradient, numerical_jacobian
from ..mlp import MLP
from ._common import (
    CheckFailure, _as_result_array, _describe_type, _student_frame, call_student, expect_array, expect_number,
    extra_seeds, fail, fmt_array, grading_cases, passed,
)

__all__ = ["exercise_8_1", "exercise_8_3", "exercise_8_4", "exercise_8_6", "exercise_8_8", "exercise_8_10",
           "exercise_8_11", "SHEET_X_ROWS", "SHEET_W_ROWS", "SHEET_V", "SHEET_Y", "HINTS", "PLANTED_MISTAKES"]

#: The sheet's worked example (its questions 12 and 13(d)), in its own layout: samples are rows, bias
#: column of ones first; row j of W is hidden unit j's weights w_j^T; v = (v_1, ..., v_4) with v_1 the
#: output bias; y the three targets.
SHEET_X_ROWS = np.array([[1.0, 1.0, 2.0], [1.0, 1.0, 3.0], [1.0, 2.0, 2.0]])
SHEET_W_ROWS = np.array([[0.01, 0.02, 0.03], [0.03, 0.01, 0.02], [0.02, 0.03, 0.01]])
SHEET_V = np.array([[0.01], [0.02], [0.03], [0.04]])
SHEET_Y = np.array([[8.0], [11.0], [10.0]])

_NUMERICAL = (numerical_gradient, numerical_jacobian, check_gradients)

#: Staged hints: ``checks.hint("8.1")`` prints them one at a time.  Maths in words, never code.
HINTS = {
    "8.1": [
        "Compare the rows of the table of conventions: which constant factors separate the sheet's L from the "
        "library's mse loss?",
        "The library's loss carries a 1/2 and a 1/n that the sheet's L does not have. A constant factor in front "
        "of a loss multiplies every gradient of that loss by the same constant.",
        "Multiply the library's loss and each of the library's two gradients by 2n (6 for the sheet's three "
        "samples): the 2 undoes the 1/2, the n undoes the averaging. Hand back the loss and the list of the two "
        "rescaled gradients, W[1]'s first.",
    ],
    "8.3": [
        "A shape is a tuple of integers. Two shapes are equal only when the whole tuples are equal: the same "
        "number of entries or the same number of dimensions is not enough.",
        "An assert statement takes a message after a comma. Make that message say the array's name, the shape "
        "it has and the shape that was expected.",
        "Turn expected_shape into a tuple first (in Python a list never equals a tuple), compare it with the "
        "array's shape attribute, and let the assertion's message name both shapes.",
    ],
    "8.4": [
        "Write the shapes down first: X_rows is (n, d + 1), W_rows is (k, d + 1), v is (k + 1, 1). The hidden "
        "activations must come out (n, k), one row per sample, and y_hat (n, 1).",
        "Hidden unit j's pre-activation for sample i is the dot product of row i of X_rows with row j of W_rows. "
        "Arrange the matrix product so that samples stay on the rows; then put a column of ones in front of the "
        "activations for v's bias entry.",
        "Hidden activations: the sigmoid of X_rows times W_rows transposed, shape (n, k); assert that shape. "
        "Then a column of ones on the left, shape (n, k + 1), times v, shape (n, 1).",
    ],
    "8.6": [
        "Work backwards one layer at a time and write every shape: Y_hat and Y are (K, n), the hidden "
        "activations A are (k, n), W is (d + 1, k), V is (k, K). What is dE/dF of the output layer?",
        "For half the summed squared error with linear outputs, and for the summed cross-entropy with a sigmoid "
        "output, dE/dF of the output layer is the same: Y_hat - Y, with no 1/n (the sheet sums). Hidden unit j "
        "collects the error of every output l through its weight V[j, l], then passes the sigmoid's slope "
        "A(1 - A).",
        "dE/dA = V times (Y_hat - Y), shape (k, n); dE/dF of the hidden layer = that, entry by entry, times "
        "A(1 - A); dE/dW = X times dE/dF of the hidden layer transposed, shape (d + 1, k). Column j is dE/dw_j.",
    ],
    "8.8": [
        "Write the two Jacobians separately. dF/dG is 2 by 3 (rows F1, F2; columns c, d, e) and dG/d(a, b) is "
        "3 by 2 (rows c, d, e; columns a, b). The chain rule multiplies them in that order.",
        "Each entry of dF/dG is an ordinary partial derivative of F1 = 3cd or F2 = d - e with respect to one of "
        "its three arguments, the other two held fixed; each entry of dG/d(a, b) differentiates one of c, d, e "
        "with respect to a or b.",
        "dF/dG has rows (3d, 3c, 0) and (0, 1, -1), evaluated at c = a - 5b, d = ab, e = a - b; dG/d(a, b) has "
        "rows (1, -5), (b, a), (1, -1). Their 2 by 2 product is the answer; expand F(G(a, b)) and differentiate "
        "directly to check it.",
    ],
    "8.10": [
        "J[j, i] is the derivative of probability j with respect to logit i: the row says which probability, "
        "the column which logit.",
        "The sheet's formula p_j (delta_ij - p_i): on the diagonal p_j (1 - p_j), off the diagonal -p_j p_i. "
        "Every logit changes every probability, through the normalising sum.",
        "As matrices: the diagonal matrix with p on its diagonal minus the outer product of p with itself. Get "
        "p from the library's softmax, with the logits laid out as one column (K, 1).",
    ],
    "8.11": [
        "log p_j = z_j - log(sum over m of exp(z_m)). Differentiate the two parts separately with respect to "
        "z_i.",
        "The derivative of z_j with respect to z_i is delta_ij; the derivative of the log of the sum with "
        "respect to z_i is p_i, the same for every row j.",
        "Equivalently, on paper, divide row j of the softmax Jacobian by p_j (in code that division fails where "
        "p_j is 0 in floating point, for a logit far below the others). Every row is the unit vector e_j minus "
        "the whole probability vector p: the same p, laid out along the row, in every row.",
    ],
}


def _sigmoid(s):
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-s))


def _softmax_vector(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max())
    return e / e.sum()


def _one_number(exercise: str, name: str, got) -> float:
    """``got`` as a float; a tuple or list is named as such ("a tuple of 2 values")."""
    if isinstance(got, (tuple, list)):
        kind = type(got).__name__
        fail(exercise, f"{name} came back as a {kind} of {len(got)} values.", expected="one number (a float)",
             got=f"a {kind} of {len(got)} values", hint="the loss is one number: the sum over the samples.")
    if not isinstance(got, (np.ndarray, np.generic, int, float)):
        # e.g. a range or another array-like: read it as an array first (expect_number expects an ndarray).
        arr = _as_result_array(exercise, name, got, "number")
        if arr.ndim > 0:
            fail(exercise, f"{name} should be a single number; got {_describe_type(got)} of shape {arr.shape}.",
                 expected="one number (a float)", got=fmt_array(arr),
                 hint="reduce to the one number the exercise asks for.")
    return expect_number(exercise, name, got)


# ---------------------------------------------------------------------------- 8.1
def _random_problem(rng, n, k, d):
    W1 = rng.normal(0.0, 0.5, size=(d + 1, k))
    W2 = rng.normal(0.0, 0.5, size=(k + 1, 1))
    X = np.vstack([np.ones((1, n)), rng.normal(size=(d, n))])
    Y = rng.normal(0.0, 3.0, size=(1, n))
    return W1, W2, X, Y


def _sheet_backward(W1, W2, X, Y):
    """The sheet's L = sum (y_hat - y)^2 and [dL/dW1, dL/dW2] for the 2-layer network with a hidden bias."""
    A = _sigmoid(W1.T @ X)                               # (k, n)
    Y_hat = W2[0] + W2[1:].T @ A                          # (1, n)
    L = float(((Y_hat - Y) ** 2).sum())
    dY = 2.0 * (Y_hat - Y)
    dW2 = np.vstack([dY.sum(axis=1, keepdims=True), A @ dY.T])
    dF1 = (W2[1:] @ dY) * A * (1.0 - A)
    return L, [X @ dF1.T, dW2]


def exercise_8_1(sheet_loss_and_gradients) -> None:
    """``sheet_loss_and_gradients(net, X, Y)`` returns ``(L, [dL/dW[1], dL/dW[2]])`` for
    the sheet's ``L = sum_i (y_hat_i - y_i)^2``."""
    ex = "8.1"
    for n, k, d, seed in grading_cases(ex, [(3, 3, 2, 81), (5, 4, 2, 82), (8, 2, 3, 83)]):
        W1, W2, X, Y = _random_problem(np.random.default_rng(seed), n, k, d)
        net = MLP([W1.copy(), W2.copy()], ["sigmoid", "identity"], hidden_bias=True)
        L_ref, grads_ref = _sheet_backward(W1, W2, X, Y)
        result = call_student(ex, sheet_loss_and_gradients, net, X.copy(), Y.copy(), forbid=_NUMERICAL)
        if not (isinstance(result, (tuple, list)) and len(result) == 2):
            fail(ex, "sheet_loss_and_gradients must hand back a pair: the loss, then the list of gradients.",
                 expected="a pair (L, [dL/dW[1], dL/dW[2]])", got=_describe_type(result),
                 hint="give back two things: the number L, and the list of the two gradient arrays.")
        L, grads = result

        def mistakes(ref, what):
            return [
                (ref / 2, f"{what} is half the sheet's: the factor 2 is missing. The library's mse has a 1/2 in "
                          f"front that the sheet's L = sum (y_hat - y)^2 does not have."),
                (ref / n, f"{what} is n = {n} times too small: the factor n is missing. The library averages "
                          f"over the n samples (1/n), while the sheet sums."),
                (ref / (2 * n), f"{what} is at the library's own scale, (1/(2n)) sum (y_hat - y)^2: undo both of "
                                f"its constant factors."),
                (ref * 2 * n, f"{what} is 2n times too large: the rescaling was applied twice (or to a sum that "
                              f"was already at the sheet's scale)."),
                (ref * n, f"{what} is n times too large: rescale the library's values by 2n exactly once."),
                (ref / 4, f"{what} is 4 times too small: the 1/2 of the library's loss is undone by a factor 2, "
                          f"not 1/2."),
                (-ref, f"{what} has the wrong sign: that is the sheet's own slip, dL/dy_hat = 2 (y - y_hat). "
                       f"The derivative of (y_hat - y)^2 with respect to y_hat is 2 (y_hat - y)."),
            ]

        loss = _one_number(ex, f"L (n = {n} samples)", L)
        expect_array(ex, f"L (n = {n} samples)", np.asarray(loss), np.asarray(L_ref),
                     mistakes=[m for m in mistakes(L_ref, "L")[:-1]]
                     + [(-L_ref, "L is negative, but a sum of squares cannot be.")],
                     hint="L is the sum over the samples of (y_hat - y)^2, with no 1/2 and no 1/n; the library's "
                          "mse loss has both.")
        if not (isinstance(grads, (tuple, list)) and len(grads) == 2):
            fail(ex, "grads must be a list with one gradient per layer, [dL/dW[1], dL/dW[2]].",
                 expected="a list of 2 arrays", got=_describe_type(grads),
                 hint="the library's backward pass gives one gradient per layer; rescale each and keep both.")
        shapes = [getattr(g, "shape", None) for g in grads]
        if shapes == [g.shape for g in grads_ref[::-1]] and shapes != [g.shape for g in grads_ref]:
            fail(ex, "the two gradients are in the wrong order.", expected=f"shapes {[g.shape for g in grads_ref]}",
                 got=f"shapes {shapes}", hint="the list starts with dL/dW[1] (the hidden layer's weights).")
        for i, (g, g_ref) in enumerate(zip(grads, grads_ref)):
            expect_array(ex, f"dL/dW[{i + 1}] (n = {n} samples)", g, g_ref, mistakes=mistakes(g_ref, "the gradient"),
                         exact=True,
                         hint="rescale every gradient of the library's backward pass (mse) by the same factor as "
                              "the loss.")
    passed(ex)


# ---------------------------------------------------------------------------- 8.3
def _message_names_shapes(message: str, expected, actual) -> bool:
    return str(tuple(expected)) in message and str(tuple(actual)) in message


def _run_shape_check(expect_shape, A, expected, name):
    """None when the student's check passed; otherwise the exception it raised."""
    try:
        call_student("8.3", expect_shape, A, expected, name, passthrough=(AssertionError, ValueError))
    except CheckFailure:
        raise
    except (AssertionError, ValueError) as err:
        return err
    return None


def exercise_8_3(expect_shape) -> None:
    """``expect_shape(A, expected_shape, name)`` raises AssertionError unless ``A.shape == expected_shape``."""
    ex = "8.3"
    rng = np.random.default_rng(83)
    right = [(5, 3), (4, 4), (1, 6), (2,), (2, 3, 4)]
    wrong = [
        ((3, 5), (5, 3), "a transposed array"),
        ((5,), (5, 1), "a 1-D array where a column was expected"),
        ((5, 5), (5, 1), "an (n, n) array that came from broadcasting"),
        ((2, 6), (3, 4), "an array with the same number of entries but another shape"),
        ((1, 5), (5,), "a row where a 1-D array was expected"),
        ((4, 3), (4, 2), "an array with one dimension wrong"),
    ]
    for seed in extra_seeds(ex):
        hidden = np.random.default_rng(seed)
        a, b = (int(v) for v in hidden.choice(np.arange(2, 9), size=2, replace=False))
        right.append((a, b))
        wrong.append(((b, a), (a, b), "a transposed array"))
    for shape in right:
        err = _run_shape_check(expect_shape, rng.normal(size=shape), tuple(shape), "A")
        if err is not None:
            fail(ex, f"expect_shape rejected an array of the right shape {shape}.",
                 got=f"{type(err).__name__}: {err}"[:120], detail=_student_frame(err.__traceback__),
                 hint="compare the whole shape tuple with the expected one as a tuple: in Python a list never "
                      "equals a tuple, even with the same numbers.")
    for actual, expected, what in wrong:
        A = rng.normal(size=actual)
        try:
            returned = call_student(ex, expect_shape, A, expected, "Z", passthrough=(AssertionError, ValueError))
        except CheckFailure:
            raise
        except AssertionError as err:
            message = str(err)
            if not _message_names_shapes(message, expected, actual):
                fail(ex, f"expect_shape raised on {what}, but its message does not say which shapes.",
                     expected=f"a message that contains {tuple(expected)} and {tuple(actual)}",
                     got=repr(message)[:80] if message else "an empty message",
                     hint="name the expected shape and the actual shape in the message: a bare assertion says "
                          "that something failed, not what.")
            continue
        except ValueError as err:
            fail(ex, f"expect_shape raised ValueError on {what}; it should raise AssertionError.",
                 got=f"ValueError: {err}"[:120],
                 hint="use an assert statement (or raise AssertionError): the exercise asks for an assertion.")
        size_only = int(np.prod(actual)) == int(np.prod(expected))
        if returned is not None:
            what_came = repr(bool(returned)) if isinstance(returned, (bool, np.bool_)) else _describe_type(returned)
            hint = (f"your function handed back {what_came} instead of raising: a shape check must stop the "
                    f"program, so raise AssertionError.")
        elif size_only:
            hint = ("the check compares only the number of entries (or of dimensions): a transposed matrix has the "
                    "same number of entries. Compare the whole shape tuple.")
        else:
            hint = "compare the whole shape tuple, not only part of it."
        fail(ex, f"expect_shape accepted {what}: shape {actual} where {expected} was expected.",
             expected=f"AssertionError for shape {actual}", got="no error", hint=hint)
    passed(ex)


# ---------------------------------------------------------------------------- 8.4
def _rows_forward(X_rows, W_rows, v):
    Z = _sigmoid(X_rows @ W_rows.T)
    return v[0, 0] + Z @ v[1:]


def _transposed_rows(X_rows, W_rows, v):
    # The sheet's slip: one row per hidden unit, then read as if rows were samples (needs n == k).
    Z = _sigmoid(W_rows @ X_rows.T)
    return v[0, 0] + Z @ v[1:]


def exercise_8_4(forward_rows) -> None:
    """``forward_rows(X_rows, W_rows, v)`` returns the predictions, shape (n, 1), samples as rows."""
    ex = "8.4"
    cases = [(SHEET_X_ROWS, SHEET_W_ROWS, SHEET_V, "the sheet's example")]
    for n, k, d, seed in grading_cases(ex, [(5, 3, 2, 84), (2, 4, 2, 85), (6, 2, 3, 86), (4, 4, 3, 87),
                                           (3, 3, 2, 88)]):
        rng = np.random.default_rng(seed)
        X_rows = np.hstack([np.ones((n, 1)), rng.normal(size=(n, d))])
        W_rows = rng.normal(0.0, 0.7, size=(k, d + 1))
        v = rng.normal(0.0, 0.7, size=(k + 1, 1))
        cases.append((X_rows, W_rows, v, f"n = {n} samples, k = {k} hidden units, d + 1 = {d + 1} inputs"))
    for X_rows, W_rows, v, what in cases:
        n, k = X_rows.shape[0], W_rows.shape[0]
        try:
            got = call_student(ex, forward_rows, X_rows, W_rows, v, forbid=(MLP.forward, MLP._forward),
                               passthrough=(ValueError, AssertionError))
        except CheckFailure:
            raise
        except (ValueError, AssertionError) as err:
            fail(ex, f"forward_rows raised {type(err).__name__} on {what} "
                     f"(X_rows {X_rows.shape}, W_rows {W_rows.shape}, v {v.shape}).",
                 got=f"{type(err).__name__}: {err}"[:120], detail=_student_frame(err.__traceback__),
                 hint=f"the hidden activations must be (n, k) = ({n}, {k}), one row per sample. If yours come out "
                      f"({k}, {n}) they are transposed, the sheet's mistake, and with n != k the next product no "
                      f"longer fits.")
        expected = _rows_forward(X_rows, W_rows, v)
        Z = _sigmoid(X_rows @ W_rows.T)
        mistakes = [
            (Z @ v[1:], "the output bias v[0] is missing: the column of ones in front of the activations "
                        "multiplies v's first entry."),
            (Z @ v[:-1] + v[-1, 0], "the bias is v's FIRST entry: the column of ones goes in front of the "
                                    "activations, so v[0] multiplies it and v[1:] the k hidden units."),
            (v[0, 0] + (X_rows @ W_rows.T) @ v[1:], "the sigmoid of the hidden layer is missing."),
            (_sigmoid(expected), "the output is linear: y_hat is the weighted sum itself, with no sigmoid on it."),
            (v[0, 0] + np.maximum(X_rows @ W_rows.T, 0.0) @ v[1:], "the hidden layer uses the sigmoid, not ReLU."),
            (v[0, 0] + np.tanh(X_rows @ W_rows.T) @ v[1:], "the hidden layer uses the sigmoid, not tanh."),
            (2 * v[0, 0] + Z @ v[1:], "the bias v[0] is added twice."),
        ]
        if n == k:
            mistakes.insert(0, (_transposed_rows(X_rows, W_rows, v),
                                "these are the sheet's numbers: your hidden activations are transposed (one row per "
                                "hidden unit instead of one row per sample), which fits only because n = k here."))
        if X_rows.shape[1] == k:
            mistakes.append((v[0, 0] + _sigmoid(X_rows @ W_rows) @ v[1:],
                             "row j of W_rows holds unit j's weights, so unit j's pre-activation pairs a sample's "
                             "row with row j of W_rows; your product pairs it with column j."))
        expect_array(ex, f"y_hat for {what}", got, expected, mistakes=mistakes,
                     hint="hidden unit j's activation for sample i comes from row i of X_rows and row j of "
                          "W_rows; the output adds v's bias and weighs the activations with the rest of v, one row "
                          "per sample.")
    passed(ex)


# ---------------------------------------------------------------------------- 8.6
def _hidden_problem(n, d, k, K, output, seed):
    rng = np.random.default_rng(seed)
    X = np.vstack([np.ones((1, n)), rng.normal(0.0, 1.0, size=(d, n))])
    W = rng.normal(0.0, 0.8, size=(d + 1, k))
    V = rng.normal(0.0, 1.0, size=(k, K))
    if output == "sigmoid":
        Y = (np.arange(n) % 2).astype(float)[None, :]
        Y = Y[:, rng.permutation(n)]
    else:
        Y = rng.normal(0.0, 2.0, size=(K, n))
    return X, Y, W, V


def _hidden_backward(X, Y, W, V, output, out_slope=False, hidden_slope="a", use_v=True, output_act=None):
    """dE/dW for the sheet's questions 4-6; the keyword arguments reproduce known mistakes."""
    F1 = W.T @ X
    A = _sigmoid(F1)
    F2 = V.T @ A
    act = output if output_act is None else output_act
    Y_hat = _sigmoid(F2) if act == "sigmoid" else F2
    dF2 = Y_hat - Y
    if out_slope:
        dF2 = dF2 * Y_hat * (1.0 - Y_hat)
    dA = V @ dF2 if use_v else np.broadcast_to(dF2.sum(axis=0, keepdims=True), A.shape)
    if hidden_slope == "a":
        slope = A * (1.0 - A)
    elif hidden_slope == "f":
        slope = F1 * (1.0 - F1)
    else:
        slope = 1.0
    return X @ (dA * slope).T


def exercise_8_6(hidden_layer_gradient) -> None:
    """``hidden_layer_gradient(X, Y, W, V, output)`` returns dE/dW, shape (d + 1, k)."""
    ex = "8.6"
    public = [(5, 2, 3, 1, "identity", 861), (7, 3, 4, 2, "identity", 862), (6, 2, 4, 1, "sigmoid", 863),
              (8, 4, 2, 3, "identity", 864), (9, 3, 5, 1, "sigmoid", 865)]
    for n, d, k, K, output, seed in grading_cases(ex, public):
        X, Y, W, V = _hidden_problem(n, d, k, K, output, seed)
        got = call_student(ex, hidden_layer_gradient, X, Y, W, V, output,
                           forbid=(MLP.backward, MLP._backward) + _NUMERICAL)
        expected = _hidden_backward(X, Y, W, V, output)
        other = "identity" if output == "sigmoid" else "sigmoid"
        mistakes = [
            (expected / n, f"your gradient is n = {n} times too small: the sheet's losses SUM over the samples, "
                           f"with no 1/n."),
            (2 * expected, "your gradient is twice the right one: the 1/2 in front of the squared error cancels "
                           "the 2 of the power rule."),
            (_hidden_backward(X, Y, W, V, output, hidden_slope="none"),
             "the sigmoid's slope A(1 - A) of the hidden layer is missing."),
            (_hidden_backward(X, Y, W, V, output, hidden_slope="f"),
             "the hidden slope must come from the activations A = sigmoid(F), as A(1 - A), not from the "
             "pre-activations F."),
            (_hidden_backward(X, Y, W, V, output, output_act=other),
             f"the output layer is {output!r} here: compute Y_hat with the output named by the argument."),
        ]
        if output == "sigmoid":
            mistakes.append((_hidden_backward(X, Y, W, V, output, out_slope=True),
                             "with a sigmoid output and the cross-entropy, the sigmoid's slope cancels against "
                             "the derivative of the loss: do not multiply by it again."))
        if K == 1:
            mistakes.append((_hidden_backward(X, Y, W, V, output, use_v=False),
                             "the output weights are missing: hidden unit j receives the output's error times "
                             "its weight V[j, 0]."))
        arr = np.asarray(got) if isinstance(got, np.ndarray) else None
        if (arr is not None and arr.shape == expected.shape and arr.dtype.kind == "f" and k > 1
                and np.allclose(arr, arr[:, :1]) and not np.allclose(expected, expected[:, :1])):
            fail(ex, f"every hidden unit got the same gradient (n = {n}, k = {k}).",
                 expected=fmt_array(expected), got=fmt_array(arr),
                 hint="the sum over the outputs must use its own index: column j gathers the output errors "
                      "through V[j, l] for hidden unit j only (the sheet's question 5 reuses j for both).")
        expect_array(ex, f"dE/dW (n = {n}, d + 1 = {d + 1}, k = {k}, K = {K}, output {output!r})", got, expected,
                     mistakes=mistakes, exact=True,
                     hint="go backwards: dE/dF of the output, through V to the hidden activations, through the "
                          "sigmoid's slope, then to W; column j of the result is dE/dw_j.")
    passed(ex)


# ---------------------------------------------------------------------------- 8.8
def _composite(a, b, dF1_de=0.0, dF2_de=-1.0, swap_dG=False, swap_dF=False):
    c, d = a - 5 * b, a * b
    row1 = [3 * c, 3 * d, dF1_de] if swap_dF else [3 * d, 3 * c, dF1_de]
    dF = np.array([row1, [0.0, 1.0, dF2_de]])
    dG = np.array([[1.0, -5.0], [a, b] if swap_dG else [b, a], [1.0, -1.0]])
    return dF @ dG


def exercise_8_8(composite_jacobian) -> None:
    """``composite_jacobian(a, b)`` returns the 2x2 Jacobian of F(G(a, b)) with respect to (a, b)."""
    ex = "8.8"
    points = [(2.0, 1.0), (-1.0, 0.5), (0.5, 3.0)]
    for (seed,) in grading_cases(ex, [(881,), (882,)]):
        rng = np.random.default_rng(seed)
        points += [tuple(float(t) for t in rng.normal(0.0, 2.0, size=2)) for _ in range(2)]
    for a, b in points:
        got = call_student(ex, composite_jacobian, a, b, forbid=_NUMERICAL)
        expected = _composite(a, b)
        mistakes = [
            (_composite(a, b, dF1_de=3 * a * b),
             "this is the sheet's result: look again at one entry of your dF/dG, the derivative of F1 = 3cd with "
             "respect to e (Exercise 8.9 asks why the sheet got it wrong)."),
            (_composite(a, b, dF2_de=1.0), "F2 = d - e, so dF2/de = -1, not +1."),
            (_composite(a, b, swap_dG=True), "dG/d(a, b) has the partial derivatives of d = ab swapped: "
                                             "dd/da = b and dd/db = a."),
            (_composite(a, b, swap_dF=True), "the partial derivatives of F1 = 3cd are swapped: dF1/dc = 3d and "
                                             "dF1/dd = 3c."),
            (_composite(a, b)[:, ::-1], "the two columns are swapped: column 0 holds the derivatives with respect "
                                        "to a, column 1 those with respect to b."),
            (_composite(a, b)[::-1], "the two rows are swapped: row 0 holds the derivatives of F1, row 1 those "
                                     "of F2."),
        ]
        expect_array(ex, f"the Jacobian at (a, b) = ({a:.3g}, {b:.3g})", got, expected, mistakes=mistakes, exact=True,
                     hint="multiply dF/dG (2 by 3, evaluated at G(a, b)) by dG/d(a, b) (3 by 2); row r, column s "
                          "is the derivative of F_r with respect to the s-th of (a, b).")
    passed(ex)


# ---------------------------------------------------------------------------- 8.10 and 8.11
def _mixed_logits(K: int, first_low: bool, seed: int) -> np.ndarray:
    """One sample's logits from about -1000 to +1000: two near +1000 (about 1 apart, so p is not one-hot), one
    near -1000 (the first logit when ``first_low``), the others near 0.  The largest logit lies more than 710
    above the first one and above the mean: a softmax shifted by z_0 or by the mean overflows, one shifted by
    the largest logit stays finite."""
    rng = np.random.default_rng(seed)
    z = np.round(rng.normal(0.0, 2.0, size=K), 2)
    high1, high2, low = rng.permutation(np.arange(1, K))[:3]
    z[high1] = np.round(1000.0 + rng.normal(0.0, 1.0), 2)
    z[high2] = np.round(1000.0 + rng.normal(0.0, 1.0), 2)
    z[0 if first_low else low] = np.round(-1000.0 + rng.normal(0.0, 1.0), 2)
    if not (z.max() - z[0] > 720 and z.max() - z.mean() > 720):
        raise RuntimeError("internal error in the checker: mixed logits that a shifted softmax survives")
    return z


#: Samples that mix very large and very small logits (the first one far below the others in the second): only
#: a softmax that subtracts the largest logit gets them right; one shifted by z_0, the mean or the median
#: overflows.
_MIXED_PUBLIC = (np.array([0.0, 1000.0, 999.0, -1000.0, 1.0]), np.array([-1000.0, 2.0, 1.0, 0.5]))


def _logits(exercise):
    """(z, mixed): ordinary logits, logits near +1000, then samples mixing +1000, 0 and -1000."""
    cases = [(np.array([0.5, -1.0, 2.0]), False), (np.array([1000.0, 999.0, 998.0, 997.0]), False)]
    for K, scale, seed in grading_cases(exercise, [(4, 2.0, 101), (6, 1.5, 102), (2, 1.0, 103)]):
        cases.append((np.random.default_rng(seed).normal(0.0, scale, size=K), False))
    cases += [(z.copy(), True) for z in _MIXED_PUBLIC]
    for K, first_low, seed in grading_cases(exercise, [(5, False, 104), (6, True, 105)], k=2)[2:]:
        cases.append((_mixed_logits(K, first_low, seed), True))
    return cases


def _call_softmax_answer(ex, fn, z, name):
    """The student's (K, K) answer for logits z; nan or inf entries are named, with the max shift as the cure."""
    with np.errstate(all="ignore"):   # an overflow gives inf or nan, named below, not a warning on stderr
        got = call_student(ex, fn, z.copy(), forbid=(softmax_jacobian,) + _NUMERICAL)
    K = z.size
    arr = _as_result_array(ex, name, got, (K, K), allow_nonfinite=True)
    if arr.shape == (K, K) and not np.all(np.isfinite(arr)):
        zero = _softmax_vector(z) == 0.0
        bad_rows = ~np.isfinite(arr).all(axis=1)
        if ex == "8.11" and zero.any() and np.array_equal(bad_rows, zero):
            js = [str(int(j)) for j in np.flatnonzero(zero)]
            rows = f"row {js[0]}" if len(js) == 1 else f"rows {', '.join(js[:-1])} and {js[-1]}"
            fail(ex, f"{name}: {rows} {'has' if len(js) == 1 else 'have'} nan or inf entries.",
                 expected="finite numbers everywhere", got=fmt_array(arr),
                 hint=f"p_j is 0 in floating point for {rows} (a logit far below the largest), so "
                      f"dividing row j of the softmax Jacobian by p_j is 0 divided by 0. log p_j itself is finite: "
                      f"differentiate log p_j = z_j - log(sum over m of exp(z_m)) directly, with no division by p_j.")
        fail(ex, f"{name} has nan or inf entries.", expected="finite numbers everywhere", got=fmt_array(arr),
             hint="an exponential overflowed: e to the power of several hundred is inf. Subtracting the same "
                  "number from every logit does not change p, but only the LARGEST logit keeps every exponent at "
                  "or below 0 (a shift by the first logit or by the mean does not, when the logits mix +1000 and "
                  "-1000); the library's softmax does this.")
    return got


def _logits_name(what, z, mixed):
    if mixed:
        return f"{what} for K = {z.size} logits z = [{', '.join(f'{v:g}' for v in z)}]"
    return f"{what} for K = {z.size} logits"


def exercise_8_10(softmax_jacobian_sheet) -> None:
    """``softmax_jacobian_sheet(z)`` returns ``J[j, i] = d p_j / d z_i``, shape (K, K)."""
    ex = "8.10"
    for z, mixed in _logits(ex):
        name = _logits_name("the Jacobian", z, mixed)
        got = _call_softmax_answer(ex, softmax_jacobian_sheet, z, name)
        p = _softmax_vector(z)
        K = z.size
        expected = np.diag(p) - np.outer(p, p)
        with np.errstate(over="ignore", invalid="ignore"):
            e = np.exp(np.clip(z, None, 700.0))
            unnormalised = np.diag(e) - np.outer(e, e)
        mistakes = [
            (np.diag(p * (1 - p)), "only the diagonal is filled: the off-diagonal entries d p_j / d z_i = -p_j p_i "
                                   "(i != j) are not zero, because every logit changes the normalising sum."),
            (np.diag(p), "this is the diagonal matrix of p alone: the term -p_j p_i of the sheet's formula is "
                         "missing, on and off the diagonal."),
            (-np.outer(p, p), "the diagonal term is missing: p_j delta_ij puts p_j on the diagonal."),
            (np.diag(p) + np.outer(p, p), "the outer product of p with itself is subtracted, not added."),
            (p[:, None] * (np.eye(K) - p[:, None]), "index slip: row j subtracts p_i, the probability of the "
                                                    "logit you differentiate by (the column), not p_j."),
            (np.eye(K) - p[None, :], "this is the log-softmax Jacobian, delta_ij - p_i: multiply row j by p_j."),
            (unnormalised, "these are unnormalised exponentials: use the probabilities p = "
                                          "softmax(z), which sum to 1."),
            (np.diag(z) - np.outer(z, z), "these are the logits z: use the probabilities p = softmax(z)."),
            (np.eye(K) - np.ones((K, K)), "the softmax was taken over the wrong axis (every probability is 1 "
                                          "when each logit is its own sample): lay out the K logits as one column."),
            (np.zeros((K, K)), "every entry is 0: the softmax was taken over the wrong axis (every probability is 1 "
                               "when each logit is its own sample); lay out the K logits as one column."),
        ]
        expect_array(ex, name, got, expected, mistakes=mistakes, exact=True,
                     hint="J[j, i] = p_j (delta_ij - p_i): the derivative of probability j with respect to logit i.")
    passed(ex)


def exercise_8_11(log_softmax_jacobian) -> None:
    """``log_softmax_jacobian(z)`` returns ``G[j, i] = d log p_j / d z_i``, shape (K, K)."""
    ex = "8.11"
    for z, mixed in _logits(ex):
        name = _logits_name("the log-softmax Jacobian", z, mixed)
        got = _call_softmax_answer(ex, log_softmax_jacobian, z, name)
        p = _softmax_vector(z)
        K = z.size
        expected = np.eye(K) - p[None, :]
        J = np.diag(p) - np.outer(p, p)
        mistakes = [
            (np.eye(K) - p[:, None], "this is the sheet's index slip, delta_ij - p_j (also what dividing columns "
                                     "instead of rows by p gives): your matrix is the transpose of the right one. "
                                     "Which probability should row j subtract in column i?"),
            (np.eye(K) - np.diag(p), "only the diagonal of p is subtracted, but the log of the normalising sum "
                                     "depends on every logit, so the off-diagonal entries are not 0."),
            (J, "this is the softmax Jacobian itself: the log adds the factor 1/p_j on row j."),
            (np.eye(K) - np.outer(p, p), "the product p_j p_i belongs to the softmax Jacobian; the log's derivative "
                                         "divides row j by p_j, which removes a factor p_j."),
        ]
        expect_array(ex, name, got, expected, mistakes=mistakes, exact=True,
                     hint="differentiate log p_j = z_j - log(sum over m of exp(z_m)) with respect to z_i, or divide "
                          "the rows of the softmax Jacobian.")
    passed(ex)


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

_HIDDEN_HEAD = '''def hidden_layer_gradient(X, Y, W, V, output="identity"):
    """dE/dW (d + 1, k) of the sheet's questions 4-6: one sigmoid hidden layer, summed loss."""
    ### BEGIN SOLUTION
    A = tl.sigmoid(W.T @ X)
    F2 = V.T @ A
    Y_hat = tl.sigmoid(F2) if output == "sigmoid" else F2
'''

_JACOBIAN_HEAD = '''def composite_jacobian(a, b):
    """The 2x2 Jacobian of F(G(a, b)): row r, column s is dF_r / d(a, b)_s."""
    ### BEGIN SOLUTION
    c, d = a - 5 * b, a * b
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
     "hint": "the factor 2 is missing"},
    {"exercise": "8.1", "kind": "missing the 1/n (scaled by 2 only)",
     "source": _SCALE_HEAD + "    scale = 2\n" + _SCALE_TAIL,
     "hint": "the factor n is missing"},
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
    {"exercise": "8.6", "kind": "mean instead of the sheet's sum (1/n)",
     "source": _HIDDEN_HEAD + '''    dF1 = (V @ (Y_hat - Y)) * A * (1 - A) / X.shape[1]
    return X @ dF1.T
    ### END SOLUTION
''',
     "hint": "the sheet's losses SUM over the samples"},
    {"exercise": "8.6", "kind": "hidden sigmoid slope missing",
     "source": _HIDDEN_HEAD + '''    return X @ (V @ (Y_hat - Y)).T
    ### END SOLUTION
''',
     "hint": "the sigmoid's slope A(1 - A) of the hidden layer is missing"},
    {"exercise": "8.8", "kind": "the sheet's dF1/de = 3ab",
     "source": _JACOBIAN_HEAD + '''    dF = np.array([[3 * d, 3 * c, 3 * a * b], [0.0, 1.0, -1.0]])
    dG = np.array([[1.0, -5.0], [b, a], [1.0, -1.0]])
    return dF @ dG
    ### END SOLUTION
''',
     "hint": "this is the sheet's result"},
    {"exercise": "8.10", "kind": "diagonal only",
     "source": _SOFTMAX_HEAD + '''    p = tl.softmax(z.reshape(-1, 1))[:, 0]
    return np.diag(p * (1 - p))
    ### END SOLUTION
''',
     "hint": "only the diagonal is filled"},
    {"exercise": "8.11", "kind": "the sheet's index slip, a transpose (delta_ij - p_j)",
     "source": _LOG_SOFTMAX_HEAD + '''    p = tl.softmax(z.reshape(-1, 1))[:, 0]
    return np.eye(z.size) - p[:, None]
    ### END SOLUTION
''',
     "hint": "the sheet's index slip"},
    {"exercise": "8.11", "kind": "softmax shifted by the mean (mixed logits)",
     "source": _LOG_SOFTMAX_HEAD + '''    e = np.exp(z - z.mean())
    return np.eye(z.size) - (e / e.sum())[None, :]
    ### END SOLUTION
''',
     "hint": "has nan or inf entries"},
]
