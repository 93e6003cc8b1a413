"""Checkers of notebook 02: imbalanced classes and the class-weighted log loss.

Code exercises (2.1, 2.4 and 2.8 are written):

2.2  ``weighted_bce_loss(Y_hat, Y, alpha, beta)``: the weighted log loss E, a float.
2.3  ``weighted_bce_grad(Y_hat, Y, alpha, beta)``: dE/dY_hat, shape (1, n).
2.5  ``weighted_bce_grad_f(Y_hat, Y, alpha, beta)``: dE/df behind a sigmoid output, exactly as backprop
     gives it.
2.6  ``balanced_weights(Y)``: the weights that give both classes the same total and keep the average
     sample weight at 1, returned as the pair (alpha, beta).
2.7  ``my_class_weights()``: the student's own (alpha, beta); the checker trains a sigmoid unit with it
     on the notebook's training split and requires a better recall of variety A than the unweighted
     model's, without a lower balanced accuracy.

Every reference is computed here, at check time; random inputs come through :func:`grading_cases`, so
a graded run uses inputs the student never saw.  While the student's function runs, the library's own
answer to the exercise is unavailable (``forbid=``).
"""

from __future__ import annotations

import contextlib
import numbers
import sys
import warnings
from functools import lru_cache

import numpy as np

from ..activations import sigmoid
from ..data import load_wine_imbalanced
from ..gradcheck import check_gradients, numerical_gradient, numerical_jacobian
from ..losses import bce_grad, bce_loss
from ..mlp import MLP
from ._common import call_student, expect_array, expect_close, fail, fmt_array, grading_cases, passed

__all__ = [
    "exercise_2_2", "exercise_2_3", "exercise_2_5", "exercise_2_6", "exercise_2_7", "HINTS",
    "PLANTED_MISTAKES", "training_split",
]

#: Gradient descent of the training check: full batch, zero start, this many epochs and this
#: learning rate divided by the average sample weight (so only the ratio alpha / beta matters).
TRAIN_LR = 4.0
TRAIN_EPOCHS = 1000
#: The notebook's split: a stratified 30 % held out, fixed seed.
TEST_SIZE = 0.3
SPLIT_SEED = 0

HINTS = {
    "2.2": [
        "Because Y_i is 0 or 1, each wine has one live term: a wine of variety A (Y_i = 1) pays alpha times "
        "minus log Y_hat_i, a wine of variety B pays beta times minus log(1 - Y_hat_i).",
        "Weight the two terms of each sample, add up over the n samples and divide by n (not by the total "
        "weight). Y and Y_hat are both (1, n); return one float.",
        "The loss is E = -(1/n) times the sum over i of [alpha Y_i log Y_hat_i + beta (1 - Y_i) log(1 - Y_hat_i)]. "
        "Keep Y_hat inside [eps, 1 - eps] with a tiny eps, as in notebook 01, so that predictions of exactly "
        "0 or 1 do not give nan.",
    ],
    "2.3": [
        "Entry i is the derivative of sample i's own term, which is the only term that contains Y_hat_i; "
        "the result has the shape of Y_hat, (1, n).",
        "The weights are constants: they multiply the derivatives of the logarithms. The derivative of "
        "log Y_hat_i is 1/Y_hat_i, that of log(1 - Y_hat_i) is -1/(1 - Y_hat_i).",
        "Entry i is (1/n)(-alpha Y_i / Y_hat_i + beta (1 - Y_i) / (1 - Y_hat_i)); clip Y_hat first, as in the loss.",
    ],
    "2.5": [
        "Chain rule through the sigmoid, entry by entry: dE/df_i is dE/dY_hat_i times dY_hat_i/df_i = "
        "Y_hat_i (1 - Y_hat_i).",
        "Multiply out on paper (Exercise 2.4): for a wine of variety A only the alpha term is alive, for a wine "
        "of variety B only the beta term, and the denominators cancel.",
        "dE/df_i = (1/n)(beta (1 - Y_i) Y_hat_i - alpha Y_i (1 - Y_hat_i)), which is the sample weight times the "
        "prediction error, over n. The simplified form has no division, so it stays exact where Y_hat is "
        "exactly 0 or 1.",
    ],
    "2.6": [
        "Count the samples of each class: n_A is the number of ones in Y, n_B the number of zeros. The two "
        "conditions are two equations in alpha and beta.",
        "Equal totals: alpha n_A = beta n_B. Average weight 1: (alpha n_A + beta n_B) / n = 1, so the two "
        "totals add up to n.",
        "Together, each class's total is n/2, so alpha = n / (2 n_A) and beta = n / (2 n_B). Return the "
        "pair (alpha, beta), alpha first.",
    ],
    "2.7": [
        "Variety A is the minority (one wine in eleven), so it needs the larger weight: alpha > beta.",
        "Only the ratio alpha / beta matters to the check (the learning rate is divided by the average "
        "weight). A ratio near 1 changes little; the class sizes suggest a ratio near 10.",
        "Any pair with alpha / beta between about 2 and 100 passes here; justify yours in a comment, and "
        "return the pair (alpha, beta), alpha first.",
    ],
}

_SWAP_HINT = ("alpha and beta are swapped: alpha weights the Y log(Y_hat) term (variety A, Y = 1) and beta "
              "the (1 - Y) log(1 - Y_hat) term (variety B, Y = 0).")
_UNWEIGHTED_HINT = ("this is the unweighted result (alpha = beta = 1): multiply the variety-A term by alpha and "
                    "the variety-B term by beta.")
_CLIP_HINT = ("a wine predicted exactly right (Y_hat of exactly 1 for label 1, or 0 for label 0) costs nothing, "
              "but in floating point 0 times log 0 (or 0/0) is nan. Keep Y_hat inside [eps, 1 - eps], with a "
              "tiny eps such as 1e-15, before the logs and divisions.")


# ---------------------------------------------------------------------------------------- helpers
@contextlib.contextmanager
def _quiet():
    """No numpy warnings from the student's code on extreme inputs: the check explains them instead."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


def _sklearn_shortcut(module: str, name: str) -> list:
    """scikit-learn's function ``module.name`` (unwrapped), if the student's kernel has loaded it."""
    fn = getattr(sys.modules.get(module), name, None)
    return [] if fn is None else [getattr(fn, "__wrapped__", fn)]


def _is_nonfinite(got) -> bool:
    if isinstance(got, (bool, np.bool_, str, bytes, dict, set, tuple, list)) or got is None:
        return False
    try:
        arr = np.asarray(got)
    except (TypeError, ValueError):
        return False
    return arr.dtype.kind in "iuf" and arr.size > 0 and not bool(np.all(np.isfinite(arr)))


def _distinct(mistakes, expected, n: int):
    """Named mistakes that differ from the ones ``expect_array`` names itself (sign, missing or double 1/n)."""
    expected = np.asarray(expected, dtype=float)
    generic = [-expected] + ([expected * n, expected / n] if n > 1 else [])
    return [(w, h) for w, h in mistakes
            if np.all(np.isfinite(w)) and np.shape(w) == expected.shape
            and not any(np.allclose(w, g, rtol=1e-6, atol=1e-9) for g in generic)]


def _random_case(n: int, alpha: float, beta: float, seed: int):
    rng = np.random.default_rng(seed)
    Y = (rng.random((1, n)) < 0.4).astype(float)
    Y[0, 0], Y[0, 1] = 1.0, 0.0  # both classes present
    F = rng.uniform(-2.5, 2.5, size=(1, n))
    return sigmoid(F), Y, F, alpha, beta, f"n = {n}, alpha = {alpha:g}, beta = {beta:g}"


def _cases(exercise: str):
    """(Y_hat, Y, F, alpha, beta, label): the worked example, random cases with alpha > beta and alpha < beta,
    and a case with predictions of exactly 0 and 1 (F = +-40), last."""
    F = np.log(np.array([[0.2, 0.9]]) / (1.0 - np.array([[0.2, 0.9]])))
    cases = [(np.array([[0.2, 0.9]]), np.array([[0.0, 1.0]]), F, 5.5, 0.55,
              "the worked example Y = [0, 1], Y_hat = [0.2, 0.9], alpha = 5.5, beta = 0.55")]
    for n, alpha, beta, seed in grading_cases(exercise, [(7, 3.0, 0.7, 21), (12, 0.4, 2.5, 22)]):
        cases.append(_random_case(n, alpha, beta, seed))
    if exercise == "2.5":
        # dE/df needs no clipping: saturated wines, right (first two) and confidently wrong (next two).
        F = np.array([[40.0, -40.0, 40.0, -40.0, 0.7, -1.3]])
        Y_hat = sigmoid(F)                       # exactly 1.0 at f = 40
        Y = np.array([[1.0, 0.0, 0.0, 1.0, 1.0, 0.0]])
        cases.append((Y_hat, Y, F, 4.0, 0.5, "saturated predictions (f = [40, -40, 40, -40, 0.7, -1.3]), "
                                             "alpha = 4, beta = 0.5"))
    else:
        # The loss and dE/dY_hat: exactly 1 and 0 only where they are right (a finite, clip-free answer),
        # and 3e-6 away from the wrong label, far above any sensible clipping eps.
        Y_hat = np.array([[1.0, 0.0, 3e-6, 1.0 - 3e-6, 0.67, 0.21]])
        Y = np.array([[1.0, 0.0, 1.0, 0.0, 1.0, 0.0]])
        F = np.log(np.clip(Y_hat, 1e-300, None) / np.clip(1.0 - Y_hat, 1e-300, None))
        cases.append((Y_hat, Y, F, 4.0, 0.5, "predictions of exactly 1 and 0 for wines they get right "
                                             "(Y_hat = [1, 0, 3e-6, 1 - 3e-6, ...]), alpha = 4, beta = 0.5"))
    return cases


def _is_extreme(label: str) -> bool:
    return label.startswith(("saturated", "predictions of exactly"))


_COARSE_CLIP_HINT = ("on this input the extreme predictions dominate: a wine of label 1 predicted 3e-6 pays minus "
                     "log 3e-6, about 12.7, times its weight. If you clip Y_hat, use a tiny eps such as 1e-15, not "
                     "one that moves 3e-6.")


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


def _grad_f_formula(Y_hat, Y, alpha, beta):
    n = Y.shape[1]
    return (beta * (1.0 - Y) * Y_hat - alpha * Y * (1.0 - Y_hat)) / n


def _clipped(Y_hat):
    return np.clip(Y_hat, 1e-15, 1 - 1e-15)


# ---------------------------------------------------------------------------------------- 2.2
def exercise_2_2(weighted_bce_loss) -> None:
    """Check ``weighted_bce_loss(Y_hat, Y, alpha, beta)``: E averaged over the n samples, a float."""
    forbid = [bce_loss, MLP.loss, MLP.fit, *_sklearn_shortcut("sklearn.metrics", "log_loss")]
    for Y_hat, Y, _, alpha, beta, label in _cases("2.2"):
        n = Y.shape[1]
        with _quiet():
            got = call_student("2.2", weighted_bce_loss, Y_hat, Y, alpha, beta, forbid=forbid)
        expected = bce_loss(Y_hat, Y, alpha, beta)
        name = f"E for {label}"
        if isinstance(got, np.ndarray) and n > 1 and got.shape == (n, n) and got.dtype.kind in "iuf":
            fail("2.2", f"{name} came back with shape {got.shape}: it was broadcast to (n, n).",
                 expected="a single number", got=f"shape {got.shape}",
                 hint="a (1, n) row met an (n, 1) column or an (n,) vector, and numpy built an n-by-n grid: keep "
                      "Y and Y_hat both (1, n).")
        if _is_extreme(label) and _is_nonfinite(got):
            fail("2.2", "E is not finite for predictions of exactly 0 and 1.", expected=f"{expected:.6g}",
                 got=fmt_array(got), detail=f"inputs: {label}", hint=_CLIP_HINT)
        P = _clipped(Y_hat)
        a_terms, b_terms = -Y * np.log(P), -(1 - Y) * np.log(1 - P)
        total_weight = float((alpha * Y + beta * (1 - Y)).sum())
        mistakes = [
            (bce_loss(Y_hat, Y, beta, alpha), _SWAP_HINT),
            (bce_loss(Y_hat, Y), _UNWEIGHTED_HINT),
            (expected / np.log(10.0), "log here is the natural logarithm, not the base-10 one."),
            (float((alpha * a_terms + beta * b_terms).sum() / total_weight),
             "you divided by the total weight: that is scikit-learn's weighted average, but this loss divides "
             "the weighted sum by n, the number of wines."),
            (float(alpha * beta * (a_terms + b_terms).sum() / n),
             "both weights multiply every term: alpha belongs to the variety-A term only, beta to the "
             "variety-B term only."),
            (float((alpha * a_terms).sum() / n), "only the variety-A term (alpha) is there: the wines of variety B "
                                                  "pay beta times minus log(1 - Y_hat)."),
            (float((beta * b_terms).sum() / n), "only the variety-B term (beta) is there: the wines of variety A "
                                                 "pay alpha times minus log(Y_hat)."),
            (float((alpha * a_terms.sum() / max(Y.sum(), 1)) + beta * b_terms.sum() / max(n - Y.sum(), 1)),
             "you averaged each class separately: the loss divides the weighted sum over all n wines by n."),
        ]
        expect_close("2.2", name, got, expected, n=n, mistakes=_distinct(mistakes, expected, n),
                     hint=_COARSE_CLIP_HINT if _is_extreme(label) else
                     "compare the loss of each wine: alpha times minus log Y_hat for variety A, beta times "
                     "minus log(1 - Y_hat) for variety B, then the average over the n wines.")
    passed("2.2")


# ---------------------------------------------------------------------------------------- 2.3
def exercise_2_3(weighted_bce_grad) -> None:
    """Check ``weighted_bce_grad(Y_hat, Y, alpha, beta)``: dE/dY_hat, shape (1, n)."""
    forbid = (bce_grad, MLP.backward, MLP.fit, numerical_gradient, numerical_jacobian)
    for Y_hat, Y, _, alpha, beta, label in _cases("2.3"):
        n = Y.shape[1]
        with _quiet():
            got = call_student("2.3", weighted_bce_grad, Y_hat, Y, alpha, beta, forbid=forbid)
        expected = bce_grad(Y_hat, Y, alpha, beta)
        if _is_extreme(label) and _is_nonfinite(got) and np.shape(got) == Y.shape:
            fail("2.3", "dE/dY_hat is not finite for predictions of exactly 0 and 1.",
                 expected=fmt_array(expected), got=fmt_array(np.asarray(got, dtype=float)),
                 detail=f"inputs: {label}", hint=_CLIP_HINT)
        P = _clipped(Y_hat)
        mistakes = [
            (bce_grad(Y_hat, Y, beta, alpha), _SWAP_HINT),
            (bce_grad(Y_hat, Y), _UNWEIGHTED_HINT),
            (_grad_f_formula(Y_hat, Y, alpha, beta),
             "this is dE/df, after the sigmoid's slope Y_hat (1 - Y_hat) has been multiplied in: here the loss "
             "is differentiated with respect to Y_hat itself."),
            ((Y_hat - Y) / n, "this is the unweighted dE/df: here the weighted loss is differentiated with "
                              "respect to Y_hat."),
            ((-alpha * Y / P - beta * (1 - Y) / (1 - P)) / n,
             "the variety-B term has the wrong sign: the derivative of log(1 - Y_hat) is -1/(1 - Y_hat), and the "
             "minus in front of the loss makes it positive."),
            (alpha * beta * bce_grad(Y_hat, Y), "both weights multiply every entry: alpha belongs to the "
                                                "variety-A entries, beta to the variety-B entries."),
            (bce_grad(Y_hat, Y, alpha, beta) * n / float((alpha * Y + beta * (1 - Y)).sum()),
             "you divided by the total weight: the loss divides by n, and so does its gradient."),
            ((-alpha * Y * np.log(P) - beta * (1 - Y) * np.log(1 - P)) / n,
             "these are the weighted loss terms of each sample, not their derivatives."),
        ]
        if _is_extreme(label):
            _only_extremes_differ("2.3", "dE/dY_hat", got, expected, Y_hat)
        expect_array("2.3", f"dE/dY_hat ({label})", got, expected, n=n, mistakes=_distinct(mistakes, expected, n),
                     hint="look at one wine of each variety: its entry is its weight times the derivative of its "
                          "own log term, with the minus of the loss and the 1/n.")
    passed("2.3")


# ---------------------------------------------------------------------------------------- 2.5
def exercise_2_5(weighted_bce_grad_f) -> None:
    """Check ``weighted_bce_grad_f(Y_hat, Y, alpha, beta)``: dE/df for Y_hat = sigmoid(f), exactly.

    The reference is the simplified chain rule, computed here; it agrees with a central-difference
    gradient of ``tl.bce_loss(sigmoid(f), Y, alpha, beta)`` to about 1e-10 (the tests check that),
    and a central-difference answer is told apart from it.
    """
    forbid = (MLP.backward, MLP.fit, numerical_gradient, numerical_jacobian, check_gradients)
    for Y_hat, Y, F, alpha, beta, label in _cases("2.5"):
        n = Y.shape[1]
        with _quiet():
            got = call_student("2.5", weighted_bce_grad_f, Y_hat, Y, alpha, beta, forbid=forbid)
        expected = _grad_f_formula(Y_hat, Y, alpha, beta)
        if _is_extreme(label) and _is_nonfinite(got) and np.shape(got) == Y.shape:
            fail("2.5", "dE/df is not finite where the sigmoid saturates.", expected=fmt_array(expected),
                 got=fmt_array(np.asarray(got, dtype=float)), detail=f"inputs: {label}",
                 hint="at f = 40 the sigmoid is exactly 1.0, so dE/dY_hat times Y_hat (1 - Y_hat) becomes "
                      "infinity times 0. Multiply the factors out on paper (Exercise 2.4): the simplified form "
                      "has no division.")
        sig_of_yhat = sigmoid(Y_hat)
        mistakes = [
            (_grad_f_formula(Y_hat, Y, beta, alpha), _SWAP_HINT),
            ((Y_hat - Y) / n, "this is the unweighted (Y_hat - Y)/n: each wine's error must carry its class "
                              "weight, alpha for variety A and beta for variety B."),
            (bce_grad(Y_hat, Y, alpha, beta), "this is dE/dY_hat: the chain rule still needs the sigmoid's slope "
                                              "dY_hat/df = Y_hat (1 - Y_hat)."),
            (bce_grad(Y_hat, Y, alpha, beta) * sig_of_yhat * (1.0 - sig_of_yhat),
             "you applied the sigmoid's derivative to Y_hat, computing sigma(Y_hat)(1 - sigma(Y_hat)). The "
             "derivative is taken at f, and sigma'(f) = Y_hat (1 - Y_hat)."),
            (bce_grad(Y_hat, Y, alpha, beta) * Y_hat * (1 - Y_hat),
             "where the sigmoid saturates (Y_hat exactly 1) your product of dE/dY_hat and Y_hat (1 - Y_hat) loses "
             "the gradient of a confidently wrong wine: simplify the product on paper first (Exercise 2.4)."),
            (expected * Y_hat * (1 - Y_hat), "the sigmoid's slope is counted twice: the simplified dE/df already "
                                             "contains it."),
            ((alpha * Y + beta * (1 - Y)) * (Y_hat - Y), "the 1/n is missing: the loss averages over the n "
                                                         "wines, so its gradient carries 1/n."),
            (alpha * beta * (Y_hat - Y) / n, "both weights multiply every entry: alpha belongs to the variety-A "
                                             "wines, beta to the variety-B wines."),
            ((alpha * Y + beta * (1 - Y)) * (Y_hat - Y) / float((alpha * Y + beta * (1 - Y)).sum()),
             "you divided by the total weight: the loss divides by n, and so does its gradient."),
        ]
        expect_array("2.5", f"dE/df ({label})", got, expected, n=n, exact=True,
                     mistakes=_distinct(mistakes, expected, n),
                     hint="for each wine compare the sign and size with its weight times its prediction error: "
                          "the entries should shrink to 0 where the model is confidently right.")
    passed("2.5")


# ---------------------------------------------------------------------------------------- 2.6
def training_split():
    """The notebook's split of Grace's 1100 wines: (X, Y, X_test, Y_test).

    ``train_test_split`` of the column indices, stratified on the labels, 30 % held out, seed 0; the two
    features are standardized with the mean and standard deviation of the training part only.
    """
    from sklearn.model_selection import train_test_split

    X_all, Y_all = load_wine_imbalanced(standardize=False)
    index = np.arange(Y_all.shape[1])
    idx_train, idx_test = train_test_split(index, test_size=TEST_SIZE, stratify=Y_all[0],
                                           random_state=SPLIT_SEED)
    mean = X_all[1:, idx_train].mean(axis=1, keepdims=True)
    std = X_all[1:, idx_train].std(axis=1, keepdims=True)
    X_std = np.vstack([np.ones((1, index.size)), (X_all[1:] - mean) / std])
    return X_std[:, idx_train], Y_all[:, idx_train], X_std[:, idx_test], Y_all[:, idx_test]


def _label_sets():
    """Label rows (1, n): the notebook's training labels, then random sets (one where class 1 is the
    majority), drawn through :func:`grading_cases`."""
    sets = [(training_split()[1], "the notebook's training labels")]
    for n, n_a, seed in grading_cases("2.6", [(30, 6, 31), (50, 35, 32), (9, 2, 33)]):
        Y = np.zeros((1, n))
        Y[0, np.random.default_rng(seed).choice(n, size=n_a, replace=False)] = 1.0
        sets.append((Y, "random labels"))
    return sets


def _pair(exercise: str, what: str, got):
    """``got`` as two floats (alpha, beta), or a failure that says what came back instead."""
    hint = "return the pair (alpha, beta): two plain numbers, alpha (variety A) first."
    if got is None:
        fail(exercise, f"{what} returned None.", expected="two numbers (alpha, beta)", got="None",
             hint="did you forget the `return` statement? Return the pair (alpha, beta), two plain numbers, "
                  "alpha (variety A) first.")
    if isinstance(got, (str, bytes, dict, set, frozenset)) or callable(got):
        fail(exercise, f"{what} must return two numbers (alpha, beta).", expected="two numbers (alpha, beta)",
             got=fmt_array(got), hint=hint)
    if isinstance(got, np.ndarray):
        if got.dtype.kind not in "iuf" or got.size != 2:
            fail(exercise, f"{what} must return two numbers (alpha, beta).", expected="two numbers (alpha, beta)",
                 got=f"an array of shape {got.shape}", hint=hint)
        got = tuple(got.reshape(-1))
    if not isinstance(got, (tuple, list)):
        fail(exercise, f"{what} must return two numbers (alpha, beta).", expected="two numbers (alpha, beta)",
             got=fmt_array(got), hint=hint)
    if len(got) != 2:
        fail(exercise, f"{what} must return two numbers (alpha, beta); got {len(got)} items.",
             expected="two numbers (alpha, beta)", got=f"a {type(got).__name__} of {len(got)} items", hint=hint)
    values = []
    for name, value in zip(("alpha", "beta"), got):
        if isinstance(value, (bool, np.bool_)):
            fail(exercise, f"{name} came back as {value}, a truth value.", expected="a positive number",
                 got=repr(bool(value)), hint=hint)
        if isinstance(value, np.ndarray) and value.size == 1 and value.dtype.kind in "iuf":
            value = value.reshape(())[()]
        if not isinstance(value, (numbers.Real, np.integer, np.floating)):
            fail(exercise, f"{name} must be a single number.", expected="a positive number", got=fmt_array(value),
                 hint=hint)
        value = float(value)
        if not np.isfinite(value) or value <= 0:
            fail(exercise, f"{name} must be a positive, finite number.", expected="a positive number",
                 got=f"{value:.4g}", hint="class weights multiply log losses: they must be > 0 (a weight 0 "
                                         "ignores a class).")
        values.append(value)
    return tuple(values)


def exercise_2_6(balanced_weights) -> None:
    """Check ``balanced_weights(Y)``: (n / (2 n_A), n / (2 n_B)) on the training labels and random label sets."""
    forbid = _sklearn_shortcut("sklearn.utils.class_weight", "compute_class_weight")
    forbid += _sklearn_shortcut("sklearn.utils", "compute_class_weight")
    for Y, label in _label_sets():
        n = Y.shape[1]
        n_a = float(Y.sum())
        n_b = n - n_a
        with _quiet():
            got = call_student("2.6", balanced_weights, Y, forbid=forbid)
        alpha, beta = _pair("2.6", "balanced_weights", got)
        expected = np.array([n / (2 * n_a), n / (2 * n_b)])
        what = f"(alpha, beta) for {label} (n = {n}, n_A = {int(n_a)}, n_B = {int(n_b)})"
        expect_array(
            "2.6", what, np.array([alpha, beta]), expected,
            mistakes=_distinct([
                (expected[::-1], "alpha and beta are swapped: alpha belongs to variety A (Y = 1), the class "
                                 "with n_A samples, so it is the larger weight when A is the minority."),
                (2 * expected, "the average sample weight is 2, not 1: the two class totals must add up to n, "
                               "so each is n/2, not n."),
                (1.0 / expected, "the fractions are upside down: the smaller class must get the larger weight."),
                (np.array([n_b / n_a, 1.0]), "the ratio alpha / beta = n_B / n_A is right, which gives equal "
                                             "totals, but the average sample weight is not 1: scale both."),
                (np.array([1.0, n_a / n_b]), "the ratio alpha / beta = n_B / n_A is right, but the average sample "
                                             "weight is not 1: scale both."),
                (np.array([n_b / n, n_a / n]), "these are the class shares, swapped (n_B/n and n_A/n): the "
                                               "ratio is right, so the totals are equal, but the average sample "
                                               "weight is not 1."),
                (np.array([1.0 / n_a, 1.0 / n_b]), "1 / n_c gives equal totals, but the average sample weight is "
                                                   "2/n, not 1: scale both weights."),
                (expected / 2, "the average sample weight is 1/2, not 1: the two class totals must add up to n."),
            ], expected, 1),
            hint="check both conditions on your numbers: alpha n_A should equal beta n_B, and "
                 "(alpha n_A + beta n_B) / n should be 1.",
        )
    passed("2.6")


# ---------------------------------------------------------------------------------------- 2.7
def _fit_logistic(X, Y, alpha, beta):
    """One sigmoid unit, zero start, full-batch gradient descent on the weighted log loss."""
    n_a = Y.sum()
    mean_weight = (alpha * n_a + beta * (Y.shape[1] - n_a)) / Y.shape[1]
    net = MLP([np.zeros((X.shape[0], 1))], ["sigmoid"])
    net.fit(X, Y, lr=TRAIN_LR / mean_weight, epochs=TRAIN_EPOCHS, alpha=alpha, beta=beta)
    return net


@lru_cache(maxsize=None)
def _scores(alpha: float, beta: float):
    """Recall of variety A and balanced accuracy, on the training split, of the model trained with (alpha, beta)."""
    from sklearn.metrics import balanced_accuracy_score, recall_score

    X, Y, _, _ = training_split()
    y_true = Y.ravel().astype(int)
    y_pred = _fit_logistic(X, Y, alpha, beta).predict(X)
    return float(recall_score(y_true, y_pred)), float(balanced_accuracy_score(y_true, y_pred))


def exercise_2_7(my_class_weights) -> None:
    """Train on the notebook's training split with the student's ``(alpha, beta) = my_class_weights()``
    and compare the recall of variety A (and the balanced accuracy) with the unweighted model's."""
    with _quiet():
        got = call_student("2.7", my_class_weights)
    alpha, beta = _pair("2.7", "my_class_weights", got)
    _, Y, _, _ = training_split()
    n, n_a = Y.shape[1], int(Y.sum())
    ratio = (n - n_a) / n_a
    recall_plain, balanced_plain = _scores(1.0, 1.0)
    recall_w, balanced_w = _scores(alpha, beta)
    numbers_txt = (f"on the training split, recall of A: unweighted {recall_plain:.4f}, yours {recall_w:.4f}; "
                   f"balanced accuracy: unweighted {balanced_plain:.4f}, yours {balanced_w:.4f}")
    chosen = f"alpha = {alpha:.4g}, beta = {beta:.4g}"
    if alpha < beta:
        fail("2.7", f"alpha = {alpha:.4g} is smaller than beta = {beta:.4g}, so variety A counts even less "
                    f"than in the unweighted loss.", expected="alpha > beta", got=chosen, detail=numbers_txt,
             hint=f"alpha and beta look swapped: alpha multiplies the variety-A term (Y = 1), and A is the "
                  f"minority ({n_a} of {n} training wines), so alpha must be the larger weight.")
    if alpha == beta:
        fail("2.7", "alpha = beta only rescales the loss: the minimum, and so the model, is the unweighted one.",
             expected="alpha > beta", got=chosen, detail=numbers_txt,
             hint="give the minority variety A the larger weight, alpha > beta.")
    if recall_w <= recall_plain:
        fail("2.7", "the recall of variety A did not improve.", expected=f"more than {recall_plain:.4f}",
             got=f"{recall_w:.4f}", detail=numbers_txt,
             hint=f"alpha / beta = {alpha / beta:.3g} is too close to 1 to move the boundary; the training set "
                  f"holds {ratio:.3g} times more B than A wines.")
    if balanced_w < balanced_plain:
        fail("2.7", "the recall of A went up, but the balanced accuracy fell below the unweighted model's.",
             expected=f"at least {balanced_plain:.4f}", got=f"{balanced_w:.4f}", detail=numbers_txt,
             hint=f"alpha / beta = {alpha / beta:.3g} is so large that many B wines are now called A; the "
                  f"class sizes suggest a ratio near {ratio:.3g}.")
    passed("2.7")


# ---------------------------------------------------------------------------------------- planted
_LOSS_HEAD = '''def weighted_bce_loss(Y_hat, Y, alpha, beta):
    """Weighted log loss E (a float) of predictions Y_hat (1, n) for labels Y (1, n)."""
'''
_GRAD_HEAD = '''def weighted_bce_grad(Y_hat, Y, alpha, beta):
    """dE/dY_hat of the weighted log loss, shape (1, n)."""
'''
_GRADF_HEAD = '''def weighted_bce_grad_f(Y_hat, Y, alpha, beta):
    """dE/df for Y_hat = sigmoid(f), shape (1, n)."""
'''
_WEIGHTS_HEAD = '''def balanced_weights(Y):
    """Class weights (alpha, beta) with equal class totals and average sample weight 1; Y has shape (1, n)."""
'''
_CHOICE_HEAD = '''def my_class_weights():
    """Your choice of (alpha, beta) for Grace's wines: alpha for variety A, beta for variety B."""
'''
_CLIP = "    P = np.clip(Y_hat, 1e-15, 1 - 1e-15)\n"

#: Wrong answers that the notebook tests plant in the answer cells; each check must fail with ``hint``.
PLANTED_MISTAKES = [
    {"exercise": "2.2", "kind": "alpha and beta swapped", "hint": "alpha and beta are swapped",
     "source": _LOSS_HEAD + "    n = Y.shape[1]\n" + _CLIP
               + "    return float(-np.sum(beta * Y * np.log(P) + alpha * (1 - Y) * np.log(1 - P)) / n)\n"},
    {"exercise": "2.2", "kind": "missing 1/n", "hint": "the 1/n is missing",
     "source": _LOSS_HEAD + _CLIP
               + "    return float(-np.sum(alpha * Y * np.log(P) + beta * (1 - Y) * np.log(1 - P)))\n"},
    {"exercise": "2.2", "kind": "flipped sign", "hint": "flipped sign",
     "source": _LOSS_HEAD + _CLIP
               + "    return float(np.mean(alpha * Y * np.log(P) + beta * (1 - Y) * np.log(1 - P)))\n"},
    {"exercise": "2.2", "kind": "weights left out", "hint": "this is the unweighted result",
     "source": _LOSS_HEAD + _CLIP + "    return float(-np.mean(Y * np.log(P) + (1 - Y) * np.log(1 - P)))\n"},
    {"exercise": "2.2", "kind": "divided by the total weight", "hint": "you divided by the total weight",
     "source": _LOSS_HEAD + _CLIP + "    w = alpha * Y + beta * (1 - Y)\n"
               + "    return float(-np.sum(alpha * Y * np.log(P) + beta * (1 - Y) * np.log(1 - P)) / w.sum())\n"},
    {"exercise": "2.2", "kind": "no clipping", "hint": "0 times log 0",
     "source": _LOSS_HEAD + "    terms = alpha * Y * np.log(Y_hat) + beta * (1 - Y) * np.log(1 - Y_hat)\n"
               "    return float(-np.mean(terms))\n"},
    {"exercise": "2.3", "kind": "alpha and beta swapped", "hint": "alpha and beta are swapped",
     "source": _GRAD_HEAD + "    n = Y.shape[1]\n" + _CLIP
               + "    return (-beta * Y / P + alpha * (1 - Y) / (1 - P)) / n\n"},
    {"exercise": "2.3", "kind": "missing 1/n", "hint": "the 1/n is missing",
     "source": _GRAD_HEAD + _CLIP + "    return -alpha * Y / P + beta * (1 - Y) / (1 - P)\n"},
    {"exercise": "2.3", "kind": "flipped sign", "hint": "flipped sign",
     "source": _GRAD_HEAD + "    n = Y.shape[1]\n" + _CLIP
               + "    return (alpha * Y / P - beta * (1 - Y) / (1 - P)) / n\n"},
    {"exercise": "2.5", "kind": "alpha and beta swapped", "hint": "alpha and beta are swapped",
     "source": _GRADF_HEAD + "    n = Y.shape[1]\n"
               "    return (alpha * (1 - Y) * Y_hat - beta * Y * (1 - Y_hat)) / n\n"},
    {"exercise": "2.5", "kind": "missing 1/n", "hint": "the 1/n is missing",
     "source": _GRADF_HEAD + "    return beta * (1 - Y) * Y_hat - alpha * Y * (1 - Y_hat)\n"},
    {"exercise": "2.5", "kind": "flipped sign", "hint": "flipped sign",
     "source": _GRADF_HEAD + "    n = Y.shape[1]\n"
               "    return (alpha * Y * (1 - Y_hat) - beta * (1 - Y) * Y_hat) / n\n"},
    {"exercise": "2.5", "kind": "sigmoid derivative forgotten", "hint": "the chain rule still needs",
     "source": _GRADF_HEAD + "    n = Y.shape[1]\n" + _CLIP
               + "    return (-alpha * Y / P + beta * (1 - Y) / (1 - P)) / n\n"},
    {"exercise": "2.5", "kind": "sigmoid derivative taken at Y_hat", "hint": "you applied the sigmoid's derivative",
     "source": _GRADF_HEAD + "    n = Y.shape[1]\n" + _CLIP
               + "    dE_dY_hat = (-alpha * Y / P + beta * (1 - Y) / (1 - P)) / n\n"
               "    return dE_dY_hat * tl.sigmoid_grad(Y_hat)\n"},
    {"exercise": "2.5", "kind": "unsimplified chain at saturation", "hint": "infinity times 0",
     "source": _GRADF_HEAD + "    n = Y.shape[1]\n"
               "    dE_dY_hat = (-alpha * Y / Y_hat + beta * (1 - Y) / (1 - Y_hat)) / n\n"
               "    return dE_dY_hat * Y_hat * (1 - Y_hat)\n"},
    {"exercise": "2.6", "kind": "alpha and beta swapped", "hint": "alpha and beta are swapped",
     "source": _WEIGHTS_HEAD + "    n = Y.shape[1]\n    n_A = Y.sum()\n    n_B = n - n_A\n"
               "    return n / (2 * n_B), n / (2 * n_A)\n"},
    {"exercise": "2.6", "kind": "factor 2 missing", "hint": "the average sample weight is 2",
     "source": _WEIGHTS_HEAD + "    n = Y.shape[1]\n    n_A = Y.sum()\n    n_B = n - n_A\n"
               "    return n / n_A, n / n_B\n"},
    {"exercise": "2.7", "kind": "alpha and beta swapped", "hint": "alpha and beta look swapped",
     "source": _CHOICE_HEAD + "    return 0.55, 5.5\n"},
    {"exercise": "2.7", "kind": "ratio too close to 1", "hint": "is too close to 1",
     "source": _CHOICE_HEAD + "    return 1.05, 1.0\n"},
]
