"""Checkers of notebook 01, the logistic warm-up: one sigmoid unit on two wine cultivars.

Code exercises (the written ones, 1.2, 1.4, 1.6 and 1.9, have no checker):

1.1   ``bce_loss(Y_hat, Y)``: the binary cross-entropy, a float.
1.3   ``loss_grad(Y_hat, Y)``: dE/dY_hat, shape (1, n).
1.5   ``dE_df(W, X, Y)``: forward pass, then dE/df, shape (1, n).
1.7   ``dE_dW20(W, X, Y)``: one entry of the gradient for one sample, a float.
1.8   ``dE_dW(W, X, Y)``: the whole gradient, shape (3, 1).
1.10  ``numerical_dE_dW(W, X, Y, eps)``: central differences written by the student.
1.11  ``relative_error(a, b)``: the gradient check's distance.
1.12  ``gradient_descent(X, Y, lr, epochs)``: W after ``epochs`` full-batch updates from zeros.

Every checker makes its own inputs (random ones through :func:`grading_cases`, so a graded run
uses inputs the student never saw), computes the reference here, at check time, and names the
mistakes students make.  While the student's function runs, the library's own answer to the
exercise is unavailable (``forbid=``).  Inputs include predictions of exactly 0 and 1 and
saturated sigmoids (f = 40), where a formula that is right on paper can still return nan.
"""

from __future__ import annotations

import contextlib
import sys
import warnings

import numpy as np

from ..activations import sigmoid
from ..gradcheck import check_gradients, numerical_gradient, numerical_jacobian, relative_error
from ..losses import bce_grad, bce_loss
from ..mlp import MLP
from ._common import (
    call_student, expect_array, expect_close, expect_number, fail, fmt_array, grading_cases, passed,
)

__all__ = [
    "exercise_1_1", "exercise_1_3", "exercise_1_5", "exercise_1_7", "exercise_1_8", "exercise_1_10",
    "exercise_1_11", "exercise_1_12", "HINTS", "PLANTED_MISTAKES",
]

HINTS = {
    "1.1": [
        "Each wine pays minus the log of the probability the model gave to its true label: minus log Y_hat_i "
        "when Y_i = 1, minus log(1 - Y_hat_i) when Y_i = 0. Because Y_i is 0 or 1, the two terms "
        "Y_i log Y_hat_i and (1 - Y_i) log(1 - Y_hat_i) switch between these two cases for you.",
        "Y and Y_hat are both (1, n): combine them entry by entry, add up the n terms, and divide by n. "
        "The loss is an average, and one plain float.",
        "The loss is E = -(1/n) times the sum over i of [Y_i log Y_hat_i + (1 - Y_i) log(1 - Y_hat_i)], with the "
        "natural logarithm. A prediction of exactly 1 for a wine of label 1 costs nothing, but 0 times log 0 is "
        "nan in floating point: keep Y_hat inside [eps, 1 - eps] first, with a tiny eps such as 1e-15.",
    ],
    "1.3": [
        "Sample i appears in one term of the sum only, so entry i of dE/dY_hat is the derivative of that one "
        "term with respect to Y_hat_i. The result has the shape of Y_hat, (1, n).",
        "The derivative of log Y_hat_i is 1/Y_hat_i and that of log(1 - Y_hat_i) is -1/(1 - Y_hat_i). Keep the "
        "minus in front of the loss and its factor 1/n.",
        "Entry i is (1/n)(-Y_i / Y_hat_i + (1 - Y_i) / (1 - Y_hat_i)). Predictions of exactly 0 or 1 make one of "
        "the fractions 0/0: keep Y_hat inside [eps, 1 - eps] first, as in the loss.",
    ],
    "1.5": [
        "Run the forward pass first: f = W^T X has shape (1, n), and Y_hat = sigmoid(f). Then carry the gradient "
        "of Exercise 1.3 through the sigmoid.",
        "The sigmoid's slope is dY_hat_i/df_i = Y_hat_i (1 - Y_hat_i), and Y_hat_i depends on f_i only, so the "
        "chain rule multiplies entry by entry: no n-by-n matrix is needed.",
        "Multiply (-Y_i / Y_hat_i + (1 - Y_i) / (1 - Y_hat_i)) by Y_hat_i (1 - Y_hat_i) on paper, as in "
        "Exercise 1.4: the denominators cancel and the prediction error is left, with the 1/n. That simplified "
        "form has no division, so it stays exact where the sigmoid rounds to exactly 1.",
    ],
    "1.7": [
        "W20 is the weight in row 2 of W: it multiplies X20, the alcohol entry of the single column X (rows "
        "count from 0, the bias row first).",
        "Chain rule through f: dE/dW20 = (dE/df_0)(df_0/dW20). With n = 1 there is no 1/n.",
        "Since f_0 = W00 X00 + W10 X10 + W20 X20, df_0/dW20 = X20. Multiply it by dE/df_0 = Y_hat_0 - Y_0 and "
        "return one plain number, not a (1, 1) array.",
    ],
    "1.8": [
        "The result has the shape of W, (3, 1). Entry j adds up, over the n samples, how W_j0 moves f_i times "
        "how f_i moves E.",
        "Since df_i/dW_j0 = X_ji, the entry dE/dW_j0 is the sum over i of (dE/df)_i X_ji, and dE/df already "
        "carries the 1/n of the loss.",
        "That sum over the samples is a matrix product: X, which is (3, n), times the transpose of dE/df, which "
        "is (n, 1), gives (3, 1). Do the forward pass inside the function.",
    ],
    "1.10": [
        "Nudge one entry of W at a time, once by +eps and once by -eps, and compute the loss E for both; leave "
        "the other entries, and the caller's W, unchanged.",
        "The central difference for entry j is (E(W + eps e_j) - E(W - eps e_j)) / (2 eps), where e_j is 1 in "
        "entry j and 0 elsewhere. Use the eps you are given, not a number of your own.",
        "Work on a copy of W (or put each entry back after its nudges), compute E from the nudged copy with the "
        "sigmoid and the log loss, and store each quotient in the matching entry of a (3, 1) result.",
    ],
    "1.11": [
        "The relative error is a distance between the two arrays divided by their sizes, so that it does not "
        "depend on the scale of the gradient.",
        "Use the Frobenius norm (the square root of the sum of the squared entries) for the numerator "
        "||a - b|| and for both terms of the denominator ||a|| + ||b||.",
        "When both arrays are all zeros the quotient is 0/0, yet the two gradients agree: return 0.0 there. "
        "Return one float in every case.",
    ],
    "1.12": [
        "Start from W = 0, a (3, 1) column of zeros, repeat the update exactly `epochs` times, then return W.",
        "In every epoch recompute the predictions from the current W, then dE/dW from them as in Exercise 1.8 "
        "(with its 1/n), using all n samples at once.",
        "The update moves against the gradient: the new W is the old W minus lr times dE/dW. Zero epochs leave "
        "W at zero.",
    ],
}


# ---------------------------------------------------------------------------- helpers
@contextlib.contextmanager
def _quiet():
    """No numpy warnings from the student's code on extreme inputs: the check explains them instead."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


def _loss_shortcuts():
    """The library's losses, plus scikit-learn's log loss when the student's kernel has loaded it."""
    shortcuts = [bce_loss, MLP.loss, MLP.fit]
    metrics = sys.modules.get("sklearn.metrics")
    log_loss = getattr(metrics, "log_loss", None)
    if log_loss is not None:
        shortcuts.append(getattr(log_loss, "__wrapped__", log_loss))
    return shortcuts


#: What computes a backprop gradient for the student: the answer of every gradient exercise.
_BACKPROP = (MLP.backward, MLP.fit, numerical_gradient, numerical_jacobian, check_gradients)


def _is_nonfinite(got) -> bool:
    """True when ``got`` is a numeric array or number holding nan or inf (anything else: False)."""
    if isinstance(got, (bool, np.bool_, str, bytes, dict, set, tuple, list)) or got is None:
        return False
    try:
        arr = np.asarray(got)
    except (TypeError, ValueError):
        return False
    return arr.dtype.kind in "iuf" and arr.size > 0 and not bool(np.all(np.isfinite(arr)))


def _problem(n: int, seed: int):
    """A small logistic problem in the tutorial's layout: W (3, 1), X (3, n), Y (1, n), both classes."""
    rng = np.random.default_rng(seed)
    X = np.vstack([np.ones((1, n)), rng.normal(0.0, 1.2, size=(2, n))])
    W = rng.normal(0.0, 0.8, size=(3, 1))
    Y = (rng.random((1, n)) < 0.5).astype(float)
    if n >= 2:
        Y[0, 0], Y[0, 1] = 1.0, 0.0
    return W, X, Y


def _saturated_problem():
    """Six wines whose f = W^T X is +40, -40, +40, -40, 0.3, -1.2, with labels that make the first two
    confidently right and the next two confidently wrong.  At f = 40 the sigmoid is exactly 1.0 in float64."""
    W = np.array([[0.5], [2.0], [-1.0]])
    f = np.array([40.0, -40.0, 40.0, -40.0, 0.3, -1.2])
    x2 = np.array([0.5, -1.0, 1.5, 0.25, -0.7, 2.0])
    x1 = (f - 0.5 + x2) / 2.0
    X = np.vstack([np.ones(6), x1, x2])
    Y = np.array([[1.0, 0.0, 0.0, 1.0, 1.0, 0.0]])
    return W, X, Y


def _predictions(n: int, seed: int):
    """Y_hat strictly inside (0, 1) and labels Y, both (1, n), both classes present."""
    rng = np.random.default_rng(seed)
    Y_hat = rng.uniform(0.03, 0.97, size=(1, n))
    Y = (rng.random((1, n)) < 0.5).astype(float)
    if n >= 2:
        Y[0, 0], Y[0, 1] = 0.0, 1.0
    return Y_hat, Y


def _extreme_predictions():
    """Predictions of exactly 1 and 0 for wines they get right, and 3e-6 / 1 - 3e-6 for wines they get
    badly wrong: a loss that is right on paper returns nan here unless it keeps Y_hat away from 0 and 1."""
    Y_hat = np.array([[1.0, 0.0, 3e-6, 1.0 - 3e-6, 0.35, 0.8]])
    Y = np.array([[1.0, 0.0, 1.0, 0.0, 1.0, 0.0]])
    return Y_hat, Y


_EXTREME_LABEL = "predictions of exactly 1 and 0 for wines they get right (Y_hat = [1, 0, 3e-6, 1 - 3e-6, ...])"
_CLIP_HINT = ("a wine of label 1 predicted exactly 1 costs nothing, but in floating point 0 times log 0 (or 0/0) "
              "is nan. Keep Y_hat inside [eps, 1 - eps], with a tiny eps such as 1e-15, before the logs and "
              "divisions.")


_COARSE_CLIP_HINT = ("on this input the extreme predictions dominate: a wine of label 1 predicted 3e-6 pays minus "
                     "log 3e-6, about 12.7. If you clip Y_hat, use a tiny eps such as 1e-15, not one that moves "
                     "3e-6.")


def _only_extremes_differ(exercise: str, name: str, got, expected, Y_hat) -> None:
    """A gradient right everywhere but at the predictions within 1e-3 of 0 or 1: coarse clipping."""
    if not (isinstance(got, np.ndarray) and got.shape == expected.shape and got.dtype.kind == "f"):
        return
    middle = (Y_hat > 1e-3) & (Y_hat < 1 - 1e-3)
    ok = np.isclose(got, expected, rtol=1e-6, atol=1e-9)
    if np.all(ok[middle]) and not np.all(ok):
        where = tuple(int(i) for i in np.argwhere(~ok)[0])
        fail(exercise, f"{name} is right except where Y_hat is within 1e-3 of 0 or 1.",
             expected=fmt_array(expected), got=fmt_array(got),
             detail=f"first wrong entry {where}: expected {expected[where]:.6g}, got {got[where]:.6g}",
             hint="is Y_hat clipped with a large eps? A prediction of 3e-6 for a wine of label 1 is a real, "
                  "confident mistake: clip with a tiny eps such as 1e-15, which changes nothing else.")


def _expected_loss(Y_hat, Y) -> float:
    return bce_loss(Y_hat, Y)


def _reference_net(W, X, Y) -> MLP:
    net = MLP([W.copy()], ["sigmoid"])
    net.forward(X)
    net.backward(Y)
    return net


def _nn_grid(exercise: str, name: str, got, n: int) -> None:
    """A number that came back as an (n, n) grid: name the broadcast (only arrays are looked at)."""
    if n > 1 and isinstance(got, np.ndarray) and got.shape == (n, n) and got.dtype.kind in "iuf":
        fail(exercise, f"{name} came back with shape {got.shape}: it was broadcast to (n, n).",
             expected="a single number", got=f"shape {got.shape}",
             hint="a (1, n) row met an (n, 1) column (or an (n,) vector), and numpy built an n-by-n grid. Keep "
                  "Y and Y_hat both (1, n) and combine them entry by entry before adding up.")


def _distinct(mistakes, expected, n: int):
    """The named mistakes that differ from the mistakes ``expect_array`` names itself (a missing or doubled
    1/n, a flipped sign) on this input, so that each message names the most likely cause."""
    generic = [-np.asarray(expected, dtype=float)]
    if n > 1:
        generic += [np.asarray(expected, dtype=float) * n, np.asarray(expected, dtype=float) / n]
    return [(w, h) for w, h in mistakes
            if np.all(np.isfinite(w)) and not any(np.allclose(w, g, rtol=1e-6, atol=1e-9) for g in generic)]


def _number_hint(got, expected: float, hint: str, floor: float = 1e-6) -> str:
    """The fallback hint for a number: when ``got`` agrees with ``expected`` to a few digits only, say so
    with enough digits to see the difference (the message itself prints four)."""
    try:
        value = float(got)
    except (TypeError, ValueError, OverflowError):
        return hint
    if not np.isfinite(value) or expected == 0:
        return hint
    rel = abs(value - expected) / abs(expected)
    if floor < rel < 1e-2:
        digits = max(int(-np.log10(rel)), 1)
        return (f"your {value:.10g} agrees with {expected:.10g} to about {digits} digits only: a rounded or "
                f"hard-coded number, or inputs clipped too coarsely? Compute at full precision from the inputs "
                f"the check passes.")
    return hint


def _expect_exact_number(exercise: str, name: str, got, expected: float, mistakes=(), hint: str = "") -> float:
    """A number that backprop gives exactly: agreement to rounding, with named mistakes."""
    value = expect_number(exercise, name, got)
    expect_array(exercise, name, np.asarray(value), np.asarray(expected, dtype=np.float64).reshape(()),
                 mistakes=[(np.asarray(w, dtype=np.float64).reshape(()), h) for w, h in mistakes],
                 hint=hint, exact=True)
    return value


# ---------------------------------------------------------------------------- 1.1
def exercise_1_1(bce_loss_fn) -> None:
    """Check ``bce_loss(Y_hat, Y)``: the binary cross-entropy averaged over the n samples, a float."""
    cases = [(np.array([[0.2, 0.9]]), np.array([[0.0, 1.0]]), "the worked example Y = [0, 1], Y_hat = [0.2, 0.9]")]
    for n, seed in grading_cases("1.1", [(5, 11), (1, 12), (9, 13)]):
        Y_hat, Y = _predictions(n, seed)
        cases.append((Y_hat, Y, f"random Y_hat, Y with n = {n}"))
    cases.append((*_extreme_predictions(), _EXTREME_LABEL))
    for Y_hat, Y, label in cases:
        n = Y.shape[1]
        extreme = label == _EXTREME_LABEL
        with _quiet():
            got = call_student("1.1", bce_loss_fn, Y_hat, Y, forbid=_loss_shortcuts())
        _nn_grid("1.1", f"E for {label}", got, n)
        if extreme and _is_nonfinite(got):
            fail("1.1", "E is not finite for predictions of exactly 0 and 1.", expected=f"{bce_loss(Y_hat, Y):.6g}",
                 got=fmt_array(got), detail=f"inputs: {label}", hint=_CLIP_HINT)
        expected = _expected_loss(Y_hat, Y)
        P = np.clip(Y_hat, 1e-15, 1 - 1e-15)
        terms_pos, terms_neg = Y * np.log(P), (1 - Y) * np.log(1 - P)
        mistakes = [
            (float(-(Y * np.log10(P) + (1 - Y) * np.log10(1 - P)).sum() / n),
             "log here is the natural logarithm, not the base-10 one."),
            (float(-(Y * np.log(P.T) + (1 - Y) * np.log(1 - P.T)).sum() / n),
             "your sum ran over an n-by-n grid: a (1, n) row met an (n, 1) column (or an (n,) vector) and numpy "
             "paired every Y_i with every Y_hat_j. Keep Y and Y_hat both (1, n)."),
            (float(-terms_pos.sum() / n), "only the Y log(Y_hat) term is there: the wines of label 0 pay "
                                          "minus log(1 - Y_hat), and that term is missing."),
            (float(-terms_neg.sum() / n), "only the (1 - Y) log(1 - Y_hat) term is there: the wines of label 1 "
                                          "pay minus log(Y_hat), and that term is missing."),
            (float(-(Y * np.log(1 - P) + (1 - Y) * np.log(P)).sum() / n),
             "the two logarithms are swapped: a wine of label 1 pays minus log(Y_hat), the log of the probability "
             "given to its own label."),
            (float(-(terms_pos + terms_neg).sum() / max(n - 1, 1)) if n > 1 else np.nan,
             "you divided by n - 1: the loss is the plain average over the n samples."),
        ]
        n_pos, n_neg = float(Y.sum()), float(n - Y.sum())
        if n_pos and n_neg:
            mistakes.append((float(-terms_pos.sum() / n_pos - terms_neg.sum() / n_neg),
                             "you averaged each class separately: the loss divides the sum over all n wines "
                             "by n once."))
        expect_close("1.1", f"E for {label}", got, expected, n=n, mistakes=_distinct(mistakes, expected, n),
                     hint=_number_hint(got, expected, _COARSE_CLIP_HINT if extreme else
                                       "compare the loss of each wine on its own: a wine of label 1 should pay "
                                       "minus log of its Y_hat, a wine of label 0 minus log of 1 - Y_hat, and E "
                                       "is their average."))
    passed("1.1")


# ---------------------------------------------------------------------------- 1.3
def exercise_1_3(loss_grad_fn) -> None:
    """Check ``loss_grad(Y_hat, Y)``: dE/dY_hat for any n, shape (1, n)."""
    cases = [(*_predictions(n, seed), f"n = {n}") for n, seed in grading_cases("1.3", [(6, 21), (1, 22), (10, 23)])]
    cases.append((*_extreme_predictions(), _EXTREME_LABEL))
    forbid = (bce_grad, *_BACKPROP)
    for Y_hat, Y, label in cases:
        n = Y.shape[1]
        with _quiet():
            got = call_student("1.3", loss_grad_fn, Y_hat, Y, forbid=forbid)
        expected = bce_grad(Y_hat, Y)
        if label == _EXTREME_LABEL and _is_nonfinite(got) and np.shape(got) == Y.shape:
            fail("1.3", "dE/dY_hat is not finite for predictions of exactly 0 and 1.", expected=fmt_array(expected),
                 got=fmt_array(np.asarray(got, dtype=float)), detail=f"inputs: {label}", hint=_CLIP_HINT)
        if label == _EXTREME_LABEL:
            _only_extremes_differ("1.3", "dE/dY_hat", got, expected, Y_hat)
        P = np.clip(Y_hat, 1e-15, 1 - 1e-15)
        expect_array("1.3", f"dE/dY_hat ({label})", got, expected, n=n, mistakes=_distinct([
            ((-Y / P) / n, "only the -Y/Y_hat term is there: the (1 - Y)/(1 - Y_hat) term, for the wines of "
                           "label 0, is missing."),
            (((1 - Y) / (1 - P)) / n, "only the (1 - Y)/(1 - Y_hat) term is there: the -Y/Y_hat term, for the "
                                      "wines of label 1, is missing."),
            ((-Y / P - (1 - Y) / (1 - P)) / n,
             "the second term has the wrong sign: the derivative of log(1 - Y_hat) is -1/(1 - Y_hat), and the "
             "minus in front of the loss turns it into a plus."),
            ((Y_hat - Y) / n, "this is dE/df, the gradient after the sigmoid (Exercise 1.5): here the loss is "
                              "differentiated with respect to Y_hat itself."),
            ((-Y / P ** 2 + (1 - Y) / (1 - P) ** 2) / n,
             "the fractions are squared: the derivative of log(u) is 1/u, not 1/u squared."),
            ((-Y * np.log(P) - (1 - Y) * np.log(1 - P)) / n,
             "these are the loss terms of each sample, not their derivatives with respect to Y_hat."),
            (np.full_like(Y, float((-Y / P + (1 - Y) / (1 - P)).sum()) / n),
             "every entry holds the same sum: entry i is the derivative of sample i's own term only."),
        ], expected, n),
            hint="compare entry by entry: for a wine of label 1 the entry should be negative (a larger Y_hat lowers "
                "the loss), for a wine of label 0 positive, and all of them carry the factor 1/n.")
    passed("1.3")


# ---------------------------------------------------------------------------- 1.5
def exercise_1_5(dE_df_fn) -> None:
    """Check ``dE_df(W, X, Y)``: forward pass, then dE/df, shape (1, n), exactly as backprop gives it."""
    cases = [(*_problem(n, seed), f"n = {n}") for n, seed in grading_cases("1.5", [(6, 41), (1, 42), (11, 43)])]
    cases.append((*_saturated_problem(), "a saturated sigmoid: f = [40, -40, 40, -40, 0.3, -1.2], n = 6"))
    for W, X, Y, label in cases:
        n = X.shape[1]
        with _quiet():
            got = call_student("1.5", dE_df_fn, W, X, Y, forbid=_BACKPROP)
        net = _reference_net(W, X, Y)
        expected, Y_hat, F = net.grad_f[0], net.a[0], net.f[0]
        if "saturated" in label and _is_nonfinite(got) and np.shape(got) == Y.shape:
            fail("1.5", "dE/df is not finite where the sigmoid saturates.", expected=fmt_array(expected),
                 got=fmt_array(np.asarray(got, dtype=float)), detail=f"inputs: {label}",
                 hint="at f = 40 the sigmoid is exactly 1.0 in float64, so dE/dY_hat times Y_hat (1 - Y_hat) "
                      "becomes infinity times 0. Multiply the two factors out on paper (Exercise 1.4): the "
                      "simplified form has no division and stays exact.")
        expect_array("1.5", f"dE/df ({label})", got, expected, n=n, exact=True, mistakes=_distinct([
            (bce_grad(Y_hat, Y), "this is dE/dY_hat: the chain rule still needs the sigmoid's slope "
                                 "dY_hat/df = Y_hat (1 - Y_hat)."),
            (expected * Y_hat * (1 - Y_hat),
             "the sigmoid's slope is counted twice: the simplified dE/df already contains Y_hat (1 - Y_hat)."),
            (bce_grad(Y_hat, Y) * Y_hat * (1 - Y_hat),
             "where the sigmoid saturates (f = 40, Y_hat rounds to exactly 1) your product of dE/dY_hat and "
             "Y_hat (1 - Y_hat) loses the gradient of a confidently wrong wine. Simplify the product on paper "
             "first (Exercise 1.4): the result needs no division."),
            ((F - Y) / n, "you used f where Y_hat belongs: the error is measured on the prediction, after the "
                          "sigmoid."),
            ((sigmoid(-F) - Y) / n,
             "the sigmoid has the wrong sign inside: Y_hat = sigmoid(f) with f = W^T X, and sigmoid of minus f "
             "is 1 - Y_hat."),
        ], expected, n),
            hint="compare the sign and size of each entry with the prediction error of that wine: the entries "
                "should shrink to 0 where the model is confidently right.")
    passed("1.5")


# ---------------------------------------------------------------------------- 1.7
def exercise_1_7(dE_dW20_fn) -> None:
    """Check ``dE_dW20(W, X, Y)`` for one sample (n = 1): (dE/df)_0 X20, a number."""
    for (seed,) in grading_cases("1.7", [(51,), (52,), (53,)]):
        W, X, Y = _problem(1, seed)
        with _quiet():
            got = call_student("1.7", dE_dW20_fn, W, X, Y, forbid=_BACKPROP)
        if isinstance(got, np.ndarray) and got.size == 3 and got.dtype.kind in "iuf":
            fail("1.7", "dE/dW20 should be a single number; got 3 values.", expected="one number",
                 got=fmt_array(got),
                 hint="that is the whole gradient dE/dW; W20 is one entry of it, the weight of X20 in row 2.")
        net = _reference_net(W, X, Y)
        expected = float(net.grad_W[0][2, 0])
        Y_hat, y = float(net.a[0][0, 0]), float(Y[0, 0])
        dF = Y_hat - y
        _expect_exact_number("1.7", f"dE/dW20 (X = {fmt_array(X.ravel(), 3)}, Y = {y:g})", got, expected, mistakes=[
            (dF * X[1, 0], "you multiplied by X10 (row 1, colour intensity): W20 is the weight of X20, the "
                           "alcohol entry in row 2 (rows count from 0, the bias row first)."),
            (dF, "this is dE/df_0 alone, or dE/df_0 times X00 = 1 (the bias row): the chain rule multiplies "
                 "dE/df_0 by df_0/dW20 = X20, the alcohol entry in row 2."),
            (dF * float(W[2, 0]), "you multiplied by the weight W20 itself: df_0/dW20 is the input that W20 "
                                  "multiplies, X20."),
            (float(bce_grad(net.a[0], Y)[0, 0]) * X[2, 0],
             "this is dE/dY_hat_0 times X20: the sigmoid's slope Y_hat_0 (1 - Y_hat_0) is missing from the "
             "chain."),
            (dF * Y_hat * (1 - Y_hat) * X[2, 0],
             "the sigmoid's slope is counted twice: Y_hat_0 - Y_0 already contains it."),
            ((float(sigmoid(W[2:, :].T @ X[2:, :])[0, 0]) - y) * X[2, 0],
             "your prediction used only the alcohol term: f_0 adds up all three products W_j0 X_j0, the bias "
             "term included."),
        ], hint=_number_hint(got, expected, "compare with dE/df_0 times the input that W20 multiplies, for "
                                             "this one wine.", floor=1e-8))
    passed("1.7")


# ---------------------------------------------------------------------------- 1.8
def exercise_1_8(dE_dW_fn) -> None:
    """Check ``dE_dW(W, X, Y)``: shape (3, 1), exactly as backprop gives it, for any n."""
    cases = [(*_problem(n, seed), f"n = {n}") for n, seed in grading_cases("1.8", [(7, 61), (1, 62), (12, 63)])]
    cases.append((*_saturated_problem(), "a saturated sigmoid, f = [40, -40, 40, -40, 0.3, -1.2], n = 6"))
    for W, X, Y, label in cases:
        n = X.shape[1]
        with _quiet():
            got = call_student("1.8", dE_dW_fn, W, X, Y, forbid=_BACKPROP)
        net = _reference_net(W, X, Y)
        expected = net.grad_W[0]
        Y_hat = net.a[0]
        dF = (Y_hat - Y) / n
        if "saturated" in label and _is_nonfinite(got) and np.shape(got) == W.shape:
            fail("1.8", "dE/dW is not finite where the sigmoid saturates.", expected=fmt_array(expected),
                 got=fmt_array(np.asarray(got, dtype=float)), detail=f"inputs: {label}",
                 hint="at f = 40 the sigmoid is exactly 1.0, so a dE/df computed as dE/dY_hat times "
                      "Y_hat (1 - Y_hat) is infinity times 0. Use the simplified dE/df of Exercise 1.4.")
        expect_array("1.8", f"dE/dW ({label})", got, expected, n=n, exact=True, mistakes=_distinct([
            (X @ bce_grad(Y_hat, Y).T, "you used dE/dY_hat where dE/df belongs: the sigmoid's slope is missing "
                                       "from the chain."),
            (X.mean(axis=1, keepdims=True) * float((Y_hat - Y).mean()),
             "the mean of X times the mean error is not the mean of the products: each sample's input is "
             "multiplied by that sample's own error before adding up."),
            (X @ (dF * Y_hat * (1 - Y_hat)).T, "the sigmoid's slope is counted twice: Y_hat - Y already "
                                               "contains it."),
            (X @ ((net.f[0] - Y) / n).T, "you used f where Y_hat belongs: the error is measured after the "
                                         "sigmoid."),
            (X[:, :1] * float(dF[0, 0]) if n > 1 else np.full((3, 1), np.nan),
             "only the first sample contributes: each of the n samples adds its own term to every entry."),
            (np.abs(X) @ dF.T, "the inputs lost their signs: each term is (dE/df)_i times X_ji itself."),
            (np.vstack([np.zeros((1, 1)), (X @ dF.T)[1:]]),
             "the bias entry is 0: the bias weight W00 multiplies X00 = 1 for every sample, so its entry is the "
             "sum of the errors (with the 1/n)."),
            (np.full((3, 1), float(dF.sum())), "every entry holds the sum of the errors: each entry weights the "
                                               "errors by its own input row."),
        ], expected, n),
            hint="compare entry by entry: entry j adds up, over the samples, the error of sample i times the "
                "input X_ji that W_j0 multiplies.")
    passed("1.8")


# ---------------------------------------------------------------------------- 1.10
def _loss_of(W, X, Y) -> float:
    return bce_loss(sigmoid(W.T @ X), Y)


def _differences(W, X, Y, eps, kind="central", all_at_once=False):
    """Finite-difference estimates of dE/dW (the checker's reference and the usual mistakes)."""
    grad = np.zeros_like(W)
    base = _loss_of(W, X, Y)
    for j in range(W.shape[0]):
        step = np.zeros_like(W)
        if all_at_once:
            step[:] = eps
        else:
            step[j, 0] = eps
        up, down = _loss_of(W + step, X, Y), _loss_of(W - step, X, Y)
        if kind == "central":
            grad[j, 0] = (up - down) / (2 * eps)
        elif kind == "forward":
            grad[j, 0] = (up - base) / eps
        elif kind == "backward":
            grad[j, 0] = (base - down) / eps
        elif kind == "over eps":
            grad[j, 0] = (up - down) / eps
    return grad


def exercise_1_10(numerical_dE_dW_fn) -> None:
    """Check ``numerical_dE_dW(W, X, Y, eps)``: central differences with the given eps, shape (3, 1).

    The reference is the central difference with the same eps, so the step is compared exactly: with
    eps = 1e-2 a central difference differs from the exact gradient by about 1e-5 (relative), a one-sided
    one by about 1e-2, and both are told apart from an analytic gradient.
    """
    forbid = (numerical_gradient, numerical_jacobian, check_gradients)
    for n, eps, seed in grading_cases("1.10", [(7, 1e-2, 101), (12, 1e-5, 102), (9, 3e-3, 103)]):
        W, X, Y = _problem(n, seed)
        with _quiet():
            got = call_student("1.10", numerical_dE_dW_fn, W, X, Y, eps, forbid=forbid)
        expected = _differences(W, X, Y, eps)
        exact = _reference_net(W, X, Y).grad_W[0]
        label = f"the numerical dE/dW (n = {n}, eps = {eps:g})"
        if isinstance(got, np.ndarray) and got.shape == W.shape and got.dtype.kind in "iuf" and not np.any(got):
            fail("1.10", f"{label} is all zeros.", expected=fmt_array(expected), got=fmt_array(got),
                 hint="the loss did not change when you nudged W: compute E from the nudged copy of W each "
                      "time, not from predictions computed once before the loop.")
        scale = float(np.max(np.abs(expected)))
        if (isinstance(got, np.ndarray) and got.shape == W.shape and got.dtype.kind == "f"
                and np.allclose(got, exact, rtol=1e-12, atol=1e-15 * max(scale, 1e-3))):
            fail("1.10", f"{label} equals the exact gradient of backprop to the last digits.",
                 expected=fmt_array(expected), got=fmt_array(got),
                 detail=f"with eps = {eps:g} central differences differ from the exact gradient by about "
                        f"{relative_error(expected, exact):.0e} (relative)",
                 hint="this exercise builds the independent estimate: compute the difference quotients of the "
                      "loss E, not the formula of Exercise 1.8.")
        mistakes = [
            (exact, f"your result is close to the exact gradient of backprop, but this exercise builds the "
                    f"estimate: with eps = {eps:g} central differences differ from it by about "
                    f"{relative_error(expected, exact):.0e}, so compute the difference quotients of E."),
            (_differences(W, X, Y, eps, "forward"), "these are one-sided (forward) differences, E(W + eps e_j) "
             "minus E(W), over eps: the central difference nudges both ways and divides by 2 eps."),
            (_differences(W, X, Y, eps, "backward"), "these are one-sided (backward) differences: the central "
             "difference nudges both ways and divides by 2 eps."),
            (_differences(W, X, Y, eps, "over eps"), "the quotient is twice too large: the two nudges are 2 eps "
             "apart, so divide by 2 eps."),
            (_differences(W, X, Y, eps, all_at_once=True), "every entry was nudged at once: nudge one entry "
             "of W at a time (e_j is 1 in entry j only) to get the derivative along that entry."),
        ]
        if eps != 1e-6:
            mistakes.insert(0, (_differences(W, X, Y, 1e-6), f"your step is 1e-6, not the eps = {eps:g} the check "
                                f"passed in: use the eps argument."))
        expect_array("1.10", label, got, expected, n=n, rtol=1e-7, atol=1e-9 * max(scale, 1e-3),
                     mistakes=_distinct(mistakes, expected, n),
                     hint="compute one entry by hand for this W: nudge it up and down by eps, take the two losses, "
                          "and compare your quotient with that entry.")
    passed("1.10")


# ---------------------------------------------------------------------------- 1.11
def _rel(a, b) -> float:
    denominator = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denominator == 0 else float(np.linalg.norm(a - b) / denominator)


def _pairs():
    cases = []
    for shape, seed in grading_cases("1.11", [((3, 1), 111), ((4, 3), 112), ((2, 5), 113)]):
        rng = np.random.default_rng(seed)
        a = rng.normal(0.0, 1.0, size=shape)
        b = a + rng.normal(0.0, 0.3, size=shape)
        cases.append((a, b, f"two random {shape[0]}x{shape[1]} arrays"))
    a = np.array([[0.5], [-1.0], [2.0]])
    cases += [(a, a.copy(), "two equal arrays"),
              (a, np.zeros((3, 1)), "a non-zero array and a zero array"),
              (np.zeros((2, 2)), np.zeros((2, 2)), "two zero arrays")]
    return cases


def exercise_1_11(relative_error_fn) -> None:
    """Check ``relative_error(a, b)`` = ||a - b|| / (||a|| + ||b||) (Frobenius), 0 when both are zero."""
    forbid = (relative_error, check_gradients)
    for a, b, label in _pairs():
        with _quiet():
            got = call_student("1.11", relative_error_fn, a, b, forbid=forbid)
        name = f"the relative error of {label}"
        expected = _rel(a, b)
        if label == "two zero arrays" and _is_nonfinite(got) and np.ndim(got) == 0:
            fail("1.11", f"{name} is not a number.", expected="0.0", got=fmt_array(got),
                 hint="for two zero arrays the quotient is 0/0; they agree perfectly, so the relative error is "
                      "0 there: treat a zero denominator separately.")
        na, nb, nd = np.linalg.norm(a), np.linalg.norm(b), np.linalg.norm(a - b)

        def safe(num, den):
            return float(num / den) if den else 0.0

        mistakes = [
            *[(safe(nd, d), "the denominator holds one norm only (||a||, ||b||, or the larger or smaller of the "
                            "two): the workbook's relative error divides by the sum ||a|| + ||b||, so that neither "
                            "array plays the reference.") for d in (na, nb, max(na, nb), min(na, nb))],
            (safe(nd, np.linalg.norm(a + b)), "the denominator is ||a + b||: it must be ||a|| + ||b||, the sum of "
                                             "the two norms (a + b can cancel)."),
            (safe(nd ** 2, na ** 2 + nb ** 2), "the norms are squared: the Frobenius norm is the square root of "
                                               "the sum of the squared entries."),
            (safe(abs(na - nb), na + nb), "the numerator is the difference of the norms, which is 0 for two "
                                          "different arrays of the same size: it must be the norm of a - b."),
            (safe(np.abs(a - b).sum(), np.abs(a).sum() + np.abs(b).sum()),
             "these are sums of absolute values (the 1-norm): use the Frobenius norm, the square root of the sum "
             "of squares."),
            (safe(np.abs(a - b).max(), np.abs(a).max() + np.abs(b).max()),
             "these are largest absolute entries (the max-norm): use the Frobenius norm, the square root of the "
             "sum of squares."),
            (float(nd), "the numerator ||a - b|| is not divided by ||a|| + ||b||: the error must not depend on "
                        "the scale of the gradient."),
            (safe(float((a - b).sum()), na + nb), "the numerator adds up the signed differences, which can "
                                                  "cancel: use the norm of a - b."),
        ]
        expect_close("1.11", name, got, expected, mistakes=_distinct(mistakes, expected, 1),
                     hint=_number_hint(got, expected, "work out ||a - b||, ||a|| and ||b|| for these two arrays "
                                                      "by hand and compare each with your intermediate values."))
    passed("1.11")


# ---------------------------------------------------------------------------- 1.12
def _descent(X, Y, lr, epochs, sign=1.0, per_n=True, fixed=False, dY=False, start=None):
    W = np.zeros((X.shape[0], 1)) if start is None else start.copy()
    n = X.shape[1]
    Y_hat0 = sigmoid(W.T @ X)
    for _ in range(epochs):
        Y_hat = Y_hat0 if fixed else sigmoid(W.T @ X)
        err = bce_grad(Y_hat, Y) * n if dY else (Y_hat - Y)
        G = X @ err.T
        if per_n:
            G = G / n
        W = W - sign * lr * G
    return W


def _per_sample(X, Y, lr, epochs):
    W = np.zeros((X.shape[0], 1))
    for _ in range(epochs):
        for i in range(X.shape[1]):
            x = X[:, i:i + 1]
            W = W - lr * x @ (sigmoid(W.T @ x) - Y[:, i:i + 1]).T
    return W


def exercise_1_12(gradient_descent_fn) -> None:
    """Check ``gradient_descent(X, Y, lr, epochs)``: W after ``epochs`` full-batch steps from zeros."""
    forbid = (MLP.fit, MLP.step, MLP.backward, numerical_gradient, check_gradients)
    for n, lr, epochs, seed in grading_cases("1.12", [(12, 0.5, 20, 91), (7, 2.0, 5, 92), (9, 0.3, 0, 93)]):
        _, X, Y = _problem(n, seed)
        with _quiet():
            got = call_student("1.12", gradient_descent_fn, X, Y, lr, epochs, forbid=forbid)
        expected = _descent(X, Y, lr, epochs)
        label = f"W after {epochs} epochs with lr = {lr} (n = {n})"
        mistakes = [
            (_descent(X, Y, lr, epochs, sign=-1.0), "the weights moved uphill (flipped sign): adding lr times "
             "dE/dW is gradient ascent; the update subtracts it."),
            (_descent(X, Y, lr, epochs, per_n=False), "the 1/n is missing from the gradient, so every step was "
                                                      "n times too long."),
            (_descent(X, Y, lr, epochs + 1), "one step too many: make exactly `epochs` updates."),
            (_descent(X, Y, lr * lr, epochs), "the step is lr squared times the gradient: multiply by lr once."),
            (_descent(X, Y, lr / X.shape[1], epochs), "the steps are n times too short: the 1/n belongs in dE/dW "
                                                      "once, and you divided by n twice."),
            (_descent(X, Y, lr, epochs, fixed=True), "every update used the predictions of the starting W: "
             "recompute Y_hat from the current W in every epoch."),
            (_descent(X, Y, lr, epochs, dY=True), "the update used dE/dY_hat where dE/df belongs: dE/dW is X "
                                                  "times the transpose of dE/df (Exercise 1.8)."),
            (_per_sample(X, Y, lr, epochs), "you updated W after every single sample: this exercise asks for "
                                            "full-batch gradient descent, one update per epoch from all n "
                                            "samples."),
            (_descent(X, Y, lr, epochs, start=np.ones((3, 1))), "the start is a column of ones: start from "
                                                                 "W = 0, a (3, 1) column of zeros."),
        ]
        if epochs > 0:
            mistakes.append((_descent(X, Y, lr, epochs - 1), "one step short: make exactly `epochs` updates."))
        expect_array("1.12", label, got, expected, mistakes=_distinct(mistakes, expected, 1),
                     hint="start from a (3, 1) column of zeros, and print W after one epoch of your loop: compare "
                          "it with minus lr times dE/dW at W = 0.")
    passed("1.12")


# ---------------------------------------------------------------------------- planted mistakes
_DEF_1_1 = '''def bce_loss(Y_hat, Y):
    """Binary cross-entropy E averaged over the n samples (a float). Y_hat, Y: shape (1, n)."""
'''
_DEF_1_3 = '''def loss_grad(Y_hat, Y):
    """dE/dY_hat for n samples, shape (1, n)."""
'''
_DEF_1_5 = '''def dE_df(W, X, Y):
    """Forward pass, then dE/df for n samples, shape (1, n)."""
'''
_DEF_1_7 = '''def dE_dW20(W, X, Y):
    """dE/dW20 for a single sample (n = 1): X is (3, 1), Y is (1, 1). Returns a number."""
'''
_DEF_1_8 = '''def dE_dW(W, X, Y):
    """dE/dW for n samples, shape (3, 1) like W."""
'''
_DEF_1_10 = '''def numerical_dE_dW(W, X, Y, eps=1e-6):
    """dE/dW estimated by central differences with step eps, shape (3, 1)."""
'''
_DEF_1_11 = '''def relative_error(a, b):
    """||a - b|| / (||a|| + ||b||) with Frobenius norms, 0.0 when both are zero. A float."""
'''
_DEF_1_12 = '''def gradient_descent(X, Y, lr, epochs):
    """Full-batch gradient descent from W = 0; returns W (3, 1) after `epochs` updates."""
'''

#: Wrong answers that the notebook tests plant in the answer cells; each check must fail with ``hint``.
PLANTED_MISTAKES = [
    {"exercise": "1.1", "kind": "missing 1/n", "hint": "the 1/n is missing",
     "source": _DEF_1_1 + "    P = np.clip(Y_hat, 1e-15, 1 - 1e-15)\n"
                          "    return float(-(Y * np.log(P) + (1 - Y) * np.log(1 - P)).sum())\n"},
    {"exercise": "1.1", "kind": "flipped sign", "hint": "flipped sign",
     "source": _DEF_1_1 + "    n = Y.shape[1]\n    P = np.clip(Y_hat, 1e-15, 1 - 1e-15)\n"
                          "    return float((Y * np.log(P) + (1 - Y) * np.log(1 - P)).sum() / n)\n"},
    {"exercise": "1.1", "kind": "log10", "hint": "natural logarithm",
     "source": _DEF_1_1 + "    n = Y.shape[1]\n    P = np.clip(Y_hat, 1e-15, 1 - 1e-15)\n"
                          "    return float(-(Y * np.log10(P) + (1 - Y) * np.log10(1 - P)).sum() / n)\n"},
    {"exercise": "1.1", "kind": "broadcast to (n, n)", "hint": "broadcast to (n, n)",
     "source": _DEF_1_1 + "    n = Y.shape[1]\n"
                          "    y = Y[0]           # the labels as a flat (n,) vector, the scikit-learn habit\n"
                          "    p = np.clip(Y_hat, 1e-15, 1 - 1e-15).T   # the predictions as a column\n"
                          "    return -(y * np.log(p) + (1 - y) * np.log(1 - p)) / n\n"},
    {"exercise": "1.1", "kind": "no clipping", "hint": "0 times log 0",
     "source": _DEF_1_1 + "    n = Y.shape[1]\n"
                          "    return float(-(Y * np.log(Y_hat) + (1 - Y) * np.log(1 - Y_hat)).sum() / n)\n"},
    {"exercise": "1.3", "kind": "missing 1/n", "hint": "the 1/n is missing",
     "source": _DEF_1_3 + "    P = np.clip(Y_hat, 1e-15, 1 - 1e-15)\n    return -Y / P + (1 - Y) / (1 - P)\n"},
    {"exercise": "1.3", "kind": "flipped sign", "hint": "flipped sign",
     "source": _DEF_1_3 + "    n = Y.shape[1]\n    P = np.clip(Y_hat, 1e-15, 1 - 1e-15)\n"
                          "    return (Y / P - (1 - Y) / (1 - P)) / n\n"},
    {"exercise": "1.3", "kind": "no clipping", "hint": "0 times log 0 (or 0/0)",
     "source": _DEF_1_3 + "    n = Y.shape[1]\n    return (-Y / Y_hat + (1 - Y) / (1 - Y_hat)) / n\n"},
    {"exercise": "1.5", "kind": "broadcast to (n, n)", "hint": "broadcast to (n, n)",
     "source": _DEF_1_5 + "    n = X.shape[1]\n"
                          "    Y_hat = tl.sigmoid(X.T @ W)  # rows-are-samples habit: shape (n, 1)\n"
                          "    return (Y_hat - Y[0]) / n\n"},
    {"exercise": "1.5", "kind": "missing 1/n", "hint": "the 1/n is missing",
     "source": _DEF_1_5 + "    Y_hat = tl.sigmoid(W.T @ X)\n    return Y_hat - Y\n"},
    {"exercise": "1.5", "kind": "flipped sign", "hint": "flipped sign",
     "source": _DEF_1_5 + "    n = X.shape[1]\n    Y_hat = tl.sigmoid(W.T @ X)\n    return (Y - Y_hat) / n\n"},
    {"exercise": "1.5", "kind": "transposed", "hint": "is transposed",
     "source": _DEF_1_5 + "    n = X.shape[1]\n    Y_hat = tl.sigmoid(X.T @ W)\n    return (Y_hat - Y.T) / n\n"},
    {"exercise": "1.5", "kind": "sigmoid derivative twice", "hint": "counted twice",
     "source": _DEF_1_5 + "    n = X.shape[1]\n    Y_hat = tl.sigmoid(W.T @ X)\n"
                          "    return (Y_hat - Y) / n * Y_hat * (1 - Y_hat)\n"},
    {"exercise": "1.5", "kind": "unsimplified chain at saturation", "hint": "infinity times 0",
     "source": _DEF_1_5 + "    n = X.shape[1]\n    Y_hat = tl.sigmoid(W.T @ X)\n"
                          "    dY = (-Y / Y_hat + (1 - Y) / (1 - Y_hat)) / n\n"
                          "    return dY * Y_hat * (1 - Y_hat)\n"},
    {"exercise": "1.7", "kind": "wrong input row", "hint": "row 2",
     "source": _DEF_1_7 + "    Y_hat = tl.sigmoid(W.T @ X)\n    return float((Y_hat - Y)[0, 0] * X[1, 0])\n"},
    {"exercise": "1.7", "kind": "flipped sign", "hint": "flipped sign",
     "source": _DEF_1_7 + "    Y_hat = tl.sigmoid(W.T @ X)\n    return float((Y - Y_hat)[0, 0] * X[2, 0])\n"},
    {"exercise": "1.8", "kind": "transposed", "hint": "is transposed",
     "source": _DEF_1_8 + "    n = X.shape[1]\n    dF = (tl.sigmoid(W.T @ X) - Y) / n\n    return dF @ X.T\n"},
    {"exercise": "1.8", "kind": "missing 1/n", "hint": "the 1/n is missing",
     "source": _DEF_1_8 + "    dF = tl.sigmoid(W.T @ X) - Y\n    return X @ dF.T\n"},
    {"exercise": "1.8", "kind": "flipped sign", "hint": "flipped sign",
     "source": _DEF_1_8 + "    n = X.shape[1]\n    dF = (Y - tl.sigmoid(W.T @ X)) / n\n    return X @ dF.T\n"},
    {"exercise": "1.8", "kind": "1/n twice", "hint": "divided by n twice",
     "source": _DEF_1_8 + "    n = X.shape[1]\n    dF = (tl.sigmoid(W.T @ X) - Y) / n\n    return X @ dF.T / n\n"},
    {"exercise": "1.8", "kind": "numerical instead of backprop", "hint": "what finite differences give",
     "source": _DEF_1_8 + "    G = np.zeros_like(W)\n"
                          "    for j in range(3):\n"
                          "        up, down = W.copy(), W.copy()\n"
                          "        up[j] += 1e-6\n        down[j] -= 1e-6\n"
                          "        E_up = tl.bce_loss(tl.sigmoid(up.T @ X), Y)\n"
                          "        E_down = tl.bce_loss(tl.sigmoid(down.T @ X), Y)\n"
                          "        G[j] = (E_up - E_down) / 2e-6\n"
                          "    return G\n"},
    {"exercise": "1.10", "kind": "analytic instead of numerical", "hint": "exact gradient of backprop",
     "source": _DEF_1_10 + "    n = X.shape[1]\n    return X @ (tl.sigmoid(W.T @ X) - Y).T / n\n"},
    {"exercise": "1.10", "kind": "one-sided differences", "hint": "one-sided (forward)",
     "source": _DEF_1_10 + "    G = np.zeros_like(W)\n    E0 = tl.bce_loss(tl.sigmoid(W.T @ X), Y)\n"
                           "    for j in range(W.shape[0]):\n"
                           "        V = W.copy()\n        V[j] += eps\n"
                           "        G[j] = (tl.bce_loss(tl.sigmoid(V.T @ X), Y) - E0) / eps\n"
                           "    return G\n"},
    {"exercise": "1.10", "kind": "library shortcut", "hint": "write the maths yourself",
     "source": _DEF_1_10 + "    return tl.numerical_gradient(lambda: tl.bce_loss(tl.sigmoid(W.T @ X), Y), W, eps)\n"},
    {"exercise": "1.11", "kind": "denominator ||a|| only", "hint": "the denominator holds one norm only",
     "source": _DEF_1_11 + "    return float(np.linalg.norm(a - b) / np.linalg.norm(a))\n"},
    {"exercise": "1.11", "kind": "0/0 for two zero arrays", "hint": "treat a zero denominator separately",
     "source": _DEF_1_11 + "    with np.errstate(invalid='ignore'):\n"
                           "        return float(np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b)))\n"},
    {"exercise": "1.12", "kind": "flipped sign", "hint": "flipped sign",
     "source": _DEF_1_12 + "    W = np.zeros((X.shape[0], 1))\n    n = X.shape[1]\n"
                           "    for _ in range(epochs):\n"
                           "        W = W + lr * X @ (tl.sigmoid(W.T @ X) - Y).T / n\n    return W\n"},
    {"exercise": "1.12", "kind": "missing 1/n", "hint": "the 1/n is missing",
     "source": _DEF_1_12 + "    W = np.zeros((X.shape[0], 1))\n"
                           "    for _ in range(epochs):\n"
                           "        W = W - lr * X @ (tl.sigmoid(W.T @ X) - Y).T\n    return W\n"},
]
