"""Checkers of notebook 02: imbalanced classes and the weighted loss (tutorial part A.4).

Exercises
---------
2.2  ``weighted_bce_loss(Y_hat, Y, alpha, beta)``: the weighted log loss E.
2.3  ``weighted_bce_grad(Y_hat, Y, alpha, beta)``: dE/dY_hat, shape (1, n).
2.4  ``weighted_bce_grad_f(Y_hat, Y, alpha, beta)``: dE/df for a sigmoid output.
2.5  ``balanced_weights(Y)``: the n / (2 n_c) rule, returns (alpha, beta).
2.6  ``my_class_weights()``: returns the student's own choice (alpha, beta); the checker
     trains a logistic unit with it and requires a better recall of variety A than the
     unweighted model's.

(2.1 and 2.7 are written answers.)  Every reference is computed here, at check
time, from the library (``tl.bce_loss``, ``tl.bce_grad``), from a numerical
gradient or from a training run.
"""

from __future__ import annotations

import numbers
from functools import lru_cache

import numpy as np

from .. import losses as _losses
from ..activations import sigmoid
from ..data import load_wine_imbalanced
from ..gradcheck import numerical_gradient
from ..mlp import MLP
from ._common import call_student, expect_array, expect_close, fail, fmt_array, passed

__all__ = [
    "exercise_2_2", "exercise_2_3", "exercise_2_4", "exercise_2_5", "exercise_2_6", "PLANTED_MISTAKES",
]

#: Gradient descent of the training check: full batch, zero start, this many epochs and this
#: learning rate divided by the average sample weight (so only the ratio alpha / beta matters).
TRAIN_LR = 4.0
TRAIN_EPOCHS = 1000

_SWAP_HINT = ("alpha and beta are swapped: alpha weights the Y log(Y_hat) term (variety A, Y = 1) and beta "
              "the (1 - Y) log(1 - Y_hat) term (variety B, Y = 0).")
_UNWEIGHTED_HINT = ("this is the unweighted result (alpha = beta = 1): multiply the class-A term by alpha and "
                    "the class-B term by beta.")


# ---------------------------------------------------------------------------------------- inputs
def _cases():
    """(Y_hat, Y, F, alpha, beta) test cases, made here with fixed seeds.

    The first is the tutorial's two-sample example (Y = [0 1], Y_hat = [0.2 0.9]);
    the others have more samples and alpha < beta as well as alpha > beta, so a
    swap or a missing 1/n always shows.
    """
    cases = []
    F = np.log(np.array([[0.2, 0.9]]) / (1.0 - np.array([[0.2, 0.9]])))
    cases.append((sigmoid(F), np.array([[0.0, 1.0]]), F, 5.5, 0.55))
    for seed, n, alpha, beta in ((21, 7, 3.0, 0.7), (22, 12, 0.4, 2.5)):
        rng = np.random.default_rng(seed)
        Y = (rng.random((1, n)) < 0.4).astype(float)
        Y[0, 0], Y[0, 1] = 1.0, 0.0  # both classes present
        F = rng.uniform(-2.5, 2.5, size=(1, n))
        cases.append((sigmoid(F), Y, F, alpha, beta))
    return cases


def _label(Y_hat, alpha, beta) -> str:
    return f"n = {Y_hat.shape[1]}, alpha = {alpha}, beta = {beta}"


def _grad_f_formula(Y_hat, Y, alpha, beta):
    n = Y.shape[1]
    return (beta * (1.0 - Y) * Y_hat - alpha * Y * (1.0 - Y_hat)) / n


# ---------------------------------------------------------------------------------------- 2.2
def exercise_2_2(weighted_bce_loss) -> None:
    """Check ``weighted_bce_loss(Y_hat, Y, alpha, beta)`` against ``tl.bce_loss``."""
    for Y_hat, Y, _, alpha, beta in _cases():
        got = call_student("2.2", weighted_bce_loss, Y_hat, Y, alpha, beta)
        expected = _losses.bce_loss(Y_hat, Y, alpha, beta)
        expect_close(
            "2.2", f"E for {_label(Y_hat, alpha, beta)}", got, expected, n=Y.shape[1],
            mistakes=[
                (_losses.bce_loss(Y_hat, Y, beta, alpha), _SWAP_HINT),
                (_losses.bce_loss(Y_hat, Y), _UNWEIGHTED_HINT),
                (expected / np.log(10.0), "the tutorial's log is the natural logarithm: use np.log, not np.log10."),
            ],
            hint="E = -(1/n) sum_i [alpha Y_i log(Y_hat_i) + beta (1 - Y_i) log(1 - Y_hat_i)]: compare "
                 "your code with each piece of this formula.",
        )
    passed("2.2")


# ---------------------------------------------------------------------------------------- 2.3
def exercise_2_3(weighted_bce_grad) -> None:
    """Check ``weighted_bce_grad(Y_hat, Y, alpha, beta)`` against ``tl.bce_grad``."""
    for Y_hat, Y, _, alpha, beta in _cases():
        n = Y.shape[1]
        got = call_student("2.3", weighted_bce_grad, Y_hat, Y, alpha, beta)
        expected = _losses.bce_grad(Y_hat, Y, alpha, beta)
        expect_array(
            "2.3", f"dE/dY_hat for {_label(Y_hat, alpha, beta)}", got, expected, n=n,
            mistakes=[
                (_losses.bce_grad(Y_hat, Y, beta, alpha), _SWAP_HINT),
                (_losses.bce_grad(Y_hat, Y), _UNWEIGHTED_HINT),
                (_grad_f_formula(Y_hat, Y, alpha, beta),
                 "this is dE/df, the gradient after the sigmoid's derivative Y_hat (1 - Y_hat) has been "
                 "multiplied in. Exercise 2.3 asks for dE/dY_hat: differentiate E with respect to Y_hat "
                 "itself."),
                ((Y_hat - Y) / n, "this is the unweighted dE/df, (Y_hat - Y)/n. Exercise 2.3 asks for "
                 "dE/dY_hat = (1/n)(-alpha Y / Y_hat + beta (1 - Y) / (1 - Y_hat))."),
            ],
            hint="differentiate each sample's term: d/dY_hat of log(Y_hat) is 1/Y_hat, of log(1 - Y_hat) "
                 "is -1/(1 - Y_hat); keep the weights alpha and beta and the factor -1/n.",
        )
    passed("2.3")


# ---------------------------------------------------------------------------------------- 2.4
def exercise_2_4(weighted_bce_grad_f) -> None:
    """Check ``weighted_bce_grad_f(Y_hat, Y, alpha, beta)``, dE/df for Y_hat = sigmoid(f).

    The reference is the central-difference gradient of ``tl.bce_loss(sigmoid(f), Y, alpha, beta)``
    with respect to f.
    """
    for Y_hat, Y, F, alpha, beta in _cases():
        n = Y.shape[1]
        F_work = F.copy()
        expected = numerical_gradient(lambda: _losses.bce_loss(sigmoid(F_work), Y, alpha, beta), F_work)
        got = call_student("2.4", weighted_bce_grad_f, Y_hat, Y, alpha, beta)
        sig_of_yhat = sigmoid(Y_hat)
        expect_array(
            "2.4", f"dE/df for {_label(Y_hat, alpha, beta)}", got, expected, n=n, rtol=1e-5, atol=1e-8,
            mistakes=[
                (_grad_f_formula(Y_hat, Y, beta, alpha), _SWAP_HINT),
                ((Y_hat - Y) / n, "this is the unweighted (Y_hat - Y)/n: with weights, class-A samples "
                 "carry alpha and class-B samples beta, dE/df = (1/n)(beta (1 - Y) Y_hat - alpha Y (1 - Y_hat))."),
                (_losses.bce_grad(Y_hat, Y, alpha, beta),
                 "this is dE/dY_hat: the chain rule still needs dY_hat/df = Y_hat (1 - Y_hat), the derivative "
                 "of the sigmoid."),
                (_losses.bce_grad(Y_hat, Y, alpha, beta) * sig_of_yhat * (1.0 - sig_of_yhat),
                 "you applied the sigmoid derivative to Y_hat, i.e. sigma(Y_hat)(1 - sigma(Y_hat)). The "
                 "derivative is taken at f, and sigma'(f) = sigma(f)(1 - sigma(f)) = Y_hat (1 - Y_hat)."),
            ],
            hint="chain rule: dE/df = dE/dY_hat * Y_hat (1 - Y_hat), entry by entry; it simplifies to "
                 "(1/n)(beta (1 - Y) Y_hat - alpha Y (1 - Y_hat)).",
        )
    passed("2.4")


# ---------------------------------------------------------------------------------------- 2.5
def _label_sets():
    """Label rows (1, n) to test the rule on: the notebook's data and two made-up sets,
    one of them with class 1 as the majority."""
    _, Y_wine = load_wine_imbalanced()
    sets = [Y_wine]
    for n, n_a, seed in ((30, 6, 31), (50, 35, 32)):
        Y = np.zeros((1, n))
        Y[0, np.random.default_rng(seed).choice(n, size=n_a, replace=False)] = 1.0
        sets.append(Y)
    return sets


def exercise_2_5(balanced_weights) -> None:
    """Check ``balanced_weights(Y)`` = ``(n / (2 n_A), n / (2 n_B))`` on several label sets."""
    for Y in _label_sets():
        n = Y.shape[1]
        n_a = float(Y.sum())
        n_b = n - n_a
        got = call_student("2.5", balanced_weights, Y)
        if got is None:
            fail("2.5", "balanced_weights returned None.", hint="end the function with `return alpha, beta`.")
        try:
            got_arr = np.asarray(got, dtype=np.float64).reshape(-1)
        except (TypeError, ValueError):
            fail("2.5", f"balanced_weights must return two numbers (alpha, beta); got {type(got).__name__}.",
                 got=fmt_array(got), hint="end the function with `return alpha, beta`.")
        if got_arr.size != 2:
            fail("2.5", f"balanced_weights must return two numbers (alpha, beta); got {got_arr.size}.",
                 got=fmt_array(got_arr), hint="end the function with `return alpha, beta`.")
        expected = np.array([n / (2 * n_a), n / (2 * n_b)])
        expect_array(
            "2.5", f"(alpha, beta) for n = {n} with n_A = {int(n_a)} samples of class 1 and n_B = {int(n_b)} "
                   f"of class 0", got_arr, expected,
            mistakes=[
                (expected[::-1], "alpha and beta are swapped: alpha belongs to class 1 (variety A), so "
                 "alpha = n / (2 n_A) and beta = n / (2 n_B)."),
                (2 * expected, "the 2 in the denominator is missing: the rule is n / (2 n_c), where 2 is the "
                 "number of classes, so that the average sample weight is 1."),
                (1.0 / expected, "the fractions are upside down: the rule is n / (2 n_c), so the smaller "
                 "class gets the larger weight."),
                (np.array([n_b / n_a, 1.0]), "the ratio alpha / beta = n_B / n_A is right, but the rule also "
                 "fixes the scale: alpha = n / (2 n_A), beta = n / (2 n_B), so the average weight is 1."),
            ],
            hint="count the samples of each class (n_A = number of ones in Y, n_B = n - n_A) and use "
                 "alpha = n / (2 n_A), beta = n / (2 n_B).",
        )
    passed("2.5")


# ---------------------------------------------------------------------------------------- 2.6
def _fit_logistic(X, Y, alpha, beta):
    """One sigmoid unit, zero start, full-batch gradient descent on the weighted log loss."""
    n_a = Y.sum()
    mean_weight = (alpha * n_a + beta * (Y.shape[1] - n_a)) / Y.shape[1]
    net = MLP([np.zeros((X.shape[0], 1))], ["sigmoid"])
    net.fit(X, Y, lr=TRAIN_LR / mean_weight, epochs=TRAIN_EPOCHS, alpha=alpha, beta=beta)
    return net


@lru_cache(maxsize=None)
def _scores(alpha: float, beta: float):
    """Recall of variety A and balanced accuracy of the model trained with (alpha, beta)."""
    from sklearn.metrics import balanced_accuracy_score, recall_score

    X, Y = load_wine_imbalanced()
    y_true = Y.ravel().astype(int)
    y_pred = _fit_logistic(X, Y, alpha, beta).predict(X)
    return float(recall_score(y_true, y_pred)), float(balanced_accuracy_score(y_true, y_pred))


def _as_weight(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        try:
            arr = None if isinstance(value, (str, bytes)) else np.asarray(value)
        except (TypeError, ValueError):
            arr = None
        if arr is not None and arr.dtype.kind in "iuf" and arr.size == 1:
            value = float(arr.reshape(()))
        else:
            fail("2.6", f"{name} must be a single positive number; got {type(value).__name__}.",
                 got=fmt_array(value), hint="return two plain numbers, e.g. `return 3.0, 1.0`.")
    value = float(value)
    if not np.isfinite(value) or value <= 0:
        fail("2.6", f"{name} must be a positive, finite number.", got=f"{value:.4g}",
             hint="class weights multiply log-losses: they must be > 0 (a weight 0 ignores a class).")
    return value


def _two_weights(got):
    if got is None:
        fail("2.6", "my_class_weights returned None.", hint="end the function with `return alpha, beta`.")
    if isinstance(got, (tuple, list)) and len(got) == 2:
        return got
    arr = np.asarray(got) if not isinstance(got, str) else np.asarray([got])
    if arr.dtype.kind in "biuf" and arr.size == 2:
        return tuple(arr.reshape(-1))
    fail("2.6", f"my_class_weights must return two numbers (alpha, beta); got {type(got).__name__}.",
         got=fmt_array(got), hint="end the function with `return alpha, beta`, e.g. `return 3.0, 1.0`.")


def exercise_2_6(my_class_weights) -> None:
    """Train on ``tl.load_wine_imbalanced()`` with the student's ``(alpha, beta) = my_class_weights()``
    and compare the recall of variety A (and the balanced accuracy) with the unweighted model's."""
    alpha, beta = _two_weights(call_student("2.6", my_class_weights))
    alpha = _as_weight("alpha", alpha)
    beta = _as_weight("beta", beta)
    _, Y = load_wine_imbalanced()
    n, n_a = Y.shape[1], int(Y.sum())
    ratio = (n - n_a) / n_a
    recall_plain, balanced_plain = _scores(1.0, 1.0)
    recall_w, balanced_w = _scores(alpha, beta)
    numbers_txt = (f"recall of A: unweighted {recall_plain:.4f}, yours {recall_w:.4f}; balanced accuracy: "
                   f"unweighted {balanced_plain:.4f}, yours {balanced_w:.4f}")
    chosen = f"alpha = {alpha:.4g}, beta = {beta:.4g}"
    if alpha < beta:
        fail("2.6", f"alpha = {alpha:.4g} is smaller than beta = {beta:.4g}, so variety A counts even less "
                    f"than in the unweighted loss.", expected="alpha > beta", got=chosen, detail=numbers_txt,
             hint=f"alpha and beta look swapped: alpha multiplies the variety-A term (Y = 1), and A is the "
                  f"minority ({n_a} of {n} wines), so alpha must be the larger weight.")
    if alpha == beta:
        fail("2.6", "alpha = beta only rescales the loss: the minimum, and so the model, is the unweighted one.",
             expected="alpha > beta", got=chosen, detail=numbers_txt,
             hint="give the minority class A the larger weight, alpha > beta.")
    if recall_w <= recall_plain:
        fail("2.6", "the recall of variety A did not improve.", expected=f"more than {recall_plain:.4f}",
             got=f"{recall_w:.4f}", detail=numbers_txt,
             hint=f"alpha / beta = {alpha / beta:.3g} is too close to 1 to move the boundary; the data hold "
                  f"{ratio:.3g} times more B than A wines, which suggests alpha close to {ratio:.3g} beta.")
    if balanced_w < balanced_plain:
        fail("2.6", "the recall of A went up, but the balanced accuracy fell below the unweighted model's.",
             expected=f"at least {balanced_plain:.4f}", got=f"{balanced_w:.4f}", detail=numbers_txt,
             hint=f"alpha / beta = {alpha / beta:.3g} is so large that many B wines are now called A; "
                  f"the class sizes suggest alpha close to {ratio:.3g} beta.")
    passed("2.6")


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
    """The n / (2 n_c) class weights (alpha, beta) for labels Y of shape (1, n)."""
'''
_CHOICE_HEAD = '''def my_class_weights():
    """Your choice of (alpha, beta) for Grace's 100 A / 1000 B wines."""
'''

PLANTED_MISTAKES = [
    {"exercise": "2.2", "kind": "alpha and beta swapped",
     "source": _LOSS_HEAD + "    n = Y.shape[1]\n"
               "    return -np.sum(beta * Y * np.log(Y_hat) + alpha * (1 - Y) * np.log(1 - Y_hat)) / n\n",
     "hint": "alpha and beta are swapped"},
    {"exercise": "2.2", "kind": "missing 1/n",
     "source": _LOSS_HEAD + "    return -np.sum(alpha * Y * np.log(Y_hat) + beta * (1 - Y) * np.log(1 - Y_hat))\n",
     "hint": "the 1/n is missing"},
    {"exercise": "2.2", "kind": "flipped sign",
     "source": _LOSS_HEAD + "    return np.mean(alpha * Y * np.log(Y_hat) + beta * (1 - Y) * np.log(1 - Y_hat))\n",
     "hint": "flipped sign"},
    {"exercise": "2.2", "kind": "weights left out",
     "source": _LOSS_HEAD + "    return -np.mean(Y * np.log(Y_hat) + (1 - Y) * np.log(1 - Y_hat))\n",
     "hint": "this is the unweighted result"},
    {"exercise": "2.3", "kind": "alpha and beta swapped",
     "source": _GRAD_HEAD + "    n = Y.shape[1]\n"
               "    return (-beta * Y / Y_hat + alpha * (1 - Y) / (1 - Y_hat)) / n\n",
     "hint": "alpha and beta are swapped"},
    {"exercise": "2.3", "kind": "missing 1/n",
     "source": _GRAD_HEAD + "    return -alpha * Y / Y_hat + beta * (1 - Y) / (1 - Y_hat)\n",
     "hint": "the 1/n is missing"},
    {"exercise": "2.3", "kind": "flipped sign",
     "source": _GRAD_HEAD + "    n = Y.shape[1]\n"
               "    return (alpha * Y / Y_hat - beta * (1 - Y) / (1 - Y_hat)) / n\n",
     "hint": "flipped sign"},
    {"exercise": "2.4", "kind": "alpha and beta swapped",
     "source": _GRADF_HEAD + "    n = Y.shape[1]\n"
               "    return (alpha * (1 - Y) * Y_hat - beta * Y * (1 - Y_hat)) / n\n",
     "hint": "alpha and beta are swapped"},
    {"exercise": "2.4", "kind": "missing 1/n",
     "source": _GRADF_HEAD + "    return beta * (1 - Y) * Y_hat - alpha * Y * (1 - Y_hat)\n",
     "hint": "the 1/n is missing"},
    {"exercise": "2.4", "kind": "flipped sign",
     "source": _GRADF_HEAD + "    n = Y.shape[1]\n"
               "    return (alpha * Y * (1 - Y_hat) - beta * (1 - Y) * Y_hat) / n\n",
     "hint": "flipped sign"},
    {"exercise": "2.4", "kind": "sigmoid derivative forgotten",
     "source": _GRADF_HEAD + "    n = Y.shape[1]\n"
               "    return (-alpha * Y / Y_hat + beta * (1 - Y) / (1 - Y_hat)) / n\n",
     "hint": "the chain rule still needs dY_hat/df"},
    {"exercise": "2.4", "kind": "sigmoid derivative taken at Y_hat",
     "source": _GRADF_HEAD + "    n = Y.shape[1]\n"
               "    dE_dY_hat = (-alpha * Y / Y_hat + beta * (1 - Y) / (1 - Y_hat)) / n\n"
               "    return dE_dY_hat * tl.sigmoid_grad(Y_hat)\n",
     "hint": "you applied the sigmoid derivative to Y_hat"},
    {"exercise": "2.5", "kind": "alpha and beta swapped",
     "source": _WEIGHTS_HEAD + "    n = Y.shape[1]\n    n_A = Y.sum()\n    n_B = n - n_A\n"
               "    return n / (2 * n_B), n / (2 * n_A)\n",
     "hint": "alpha and beta are swapped"},
    {"exercise": "2.5", "kind": "factor 2 missing",
     "source": _WEIGHTS_HEAD + "    n = Y.shape[1]\n    n_A = Y.sum()\n    n_B = n - n_A\n"
               "    return n / n_A, n / n_B\n",
     "hint": "the 2 in the denominator is missing"},
    {"exercise": "2.6", "kind": "alpha and beta swapped",
     "source": _CHOICE_HEAD + "    return 0.55, 5.5\n",
     "hint": "alpha and beta look swapped"},
    {"exercise": "2.6", "kind": "ratio too close to 1",
     "source": _CHOICE_HEAD + "    return 1.05, 1.0\n",
     "hint": "is too close to 1"},
]
