"""Checkers of notebook 03: a hidden ReLU layer (the 3-2-1 network of part B).

The messages and hints write the notebook's symbols in plain text: ``W[1]_11`` is
$W^{[1]}_{11}$ (row 1, column 1 of ``W[1]``), ``f[1]_10`` is $f^{[1]}_{10}$ (hidden
unit 1, sample 0), ``Y_hat_0`` is $\\hat Y_0$ and ``δ[l]`` is $\\delta^{[l]} = \\partial
\\mathcal E/\\partial f^{[l]}$.  In Python, ``W1`` is ``W[1]`` and ``W1[1, 1]`` is ``W[1]_11``.

* ``exercise_3_1``: the forward pass ``forward_321(X, W1, W2) -> Y_hat``;
* ``exercise_3_3``: ``dE_dW11(X, Y, W1, W2, alpha, beta)``, dE/dW[1]_11 for one sample, on
  40 one-sample cases (hidden unit 1 on, off and exactly at its kink; predictions near
  0 and 1), compared to rounding with the library's backward pass;
* ``exercise_3_5``: the vectorized backward pass ``backprop_321(...) -> [dE/dW[1], dE/dW[2]]``
  on batches, again exact;
* ``exercise_3_6``: central differences ``numerical_grads_321(loss, W1, W2, eps)``;
* ``exercise_3_7``: the training loop ``train_321(X, Y, W1, W2, backprop, lr, epochs, alpha, beta)``,
  which must run full-batch gradient descent with the ``backprop`` it is given.

Every checker draws its inputs through :func:`grading_cases`, so a graded run also
uses inputs the student never saw.  The library's own answer to each exercise is
switched off while the student's function runs (``forbid=``), and a numerical
gradient handed in where backpropagation is asked for is named as such.
"""

from __future__ import annotations

import numpy as np

from ..activations import relu_grad, sigmoid, sigmoid_grad
from ..engine import Value
from ..gradcheck import check_gradients, numerical_gradient, numerical_jacobian
from ..losses import _bce_grad, bce_grad
from ..mlp import MLP
from ._common import (
    EXACT_RTOL, call_student, expect_array, expect_number, fail, fmt_array, grading_cases, passed,
)

__all__ = ["exercise_3_1", "exercise_3_3", "exercise_3_5", "exercise_3_6", "exercise_3_7",
           "HINTS", "PLANTED_MISTAKES", "MORE_MISTAKES"]

# ---------------------------------------------------------------------------
# Staged hints (checks.hint("3.5")): first which rule or shapes, last nearly the derivation.
# ---------------------------------------------------------------------------

HINTS = {
    "3.1": [
        "Follow the four equations of section 1 from left to right: first layer, ReLU, second layer, sigmoid. "
        "Write down the shape of every intermediate first: f[1] and a[1] are (2, n), f[2] and Y_hat are (1, n).",
        "W[1] is (3, 2) and X is (3, n); only W[1] transposed times X gives (2, n). The same holds one layer up "
        "for W[2] (2, 1) and a[1] (2, n). ReLU acts entry by entry on f[1], the sigmoid on f[2].",
        "In one line, Y_hat is σ(W[2]ᵀ ReLU(W[1]ᵀ X)): two matrix products, each with the weight matrix transposed "
        "and on the left, ReLU between them and the sigmoid at the end (tl.relu and tl.sigmoid are there for both).",
    ],
    "3.3": [
        "Your derivation of Exercise 3.2 is the formula. With one sample, W[1]_11 reaches the loss along one path "
        "only, W[1]_11 → f[1]_10 → a[1]_10 → f[2]_0 → Y_hat_0 → E: one factor per arrow. Compute the forward "
        "values the factors need (f[1] and Y_hat) first.",
        "The five factors: the derivative of the weighted log-loss with respect to Y_hat_0 (an alpha term and a "
        "beta term); the sigmoid's slope at f[2]_0; the weight through which a[1]_10 enters f[2]_0; ReLU's slope "
        "at f[1]_10 (0 or 1, and 0 at f[1]_10 = 0); and what W[1]_11 multiplies inside f[1]_10.",
        "In symbols: [-alpha Y_0 / Y_hat_0 + beta (1 - Y_0) / (1 - Y_hat_0)] times Y_hat_0 (1 - Y_hat_0) times "
        "W[2]_10 times 1[f[1]_10 > 0] times X_10. With Python's indices, W[2]_10 is entry [1, 0] of W2, X_10 "
        "entry [1, 0] of X and f[1]_10 entry [1, 0] of f[1]; return the product as a float.",
    ],
    "3.5": [
        "Work backwards with δ[l] = dE/df[l], which has the shape of f[l]: δ[2] is (1, n) and δ[1] is (2, n). "
        "Every gradient has the shape of what it differentiates, and that fixes the order of the factors in "
        "each product.",
        "δ[2] is the output term of Exercise 3.3 with one column per sample, times 1/n because the loss is a mean. "
        "dE/dW[2] pairs a[1] (2, n) with δ[2] (1, n) and sums over the samples; dE/da[1] sends δ[2] back through "
        "W[2]; δ[1] is dE/da[1] times ReLU's slope at f[1], entry by entry; dE/dW[1] pairs X with δ[1].",
        "δ[2] = (1/n) [-alpha Y / Y_hat + beta (1 - Y) / (1 - Y_hat)] ⊙ Y_hat ⊙ (1 - Y_hat); "
        "dE/dW[2] = a[1] δ[2]ᵀ (2 × 1); dE/da[1] = W[2] δ[2] (2 × n); δ[1] = dE/da[1] ⊙ 1[f[1] > 0] (2 × n); "
        "dE/dW[1] = X δ[1]ᵀ (3 × 2).",
    ],
    "3.6": [
        "Central differences: for one entry at a time, evaluate the loss with that entry raised by eps and with it "
        "lowered by eps, every other entry unchanged, and divide the change of the loss by the distance between "
        "the two points.",
        "Work on copies of W1 and W2 (the caller keeps the originals) and put each entry back before moving to the "
        "next. Do W1's entries with W2 fixed, then W2's with W1 fixed; each estimate has the shape of its "
        "matrix. Use the eps you are given.",
        "Entry (i, j) of the estimate for W1 is [E(W1 with entry (i, j) raised by eps, W2) - E(W1 with entry (i, j) "
        "lowered by eps, W2)] / (2 eps), with E the loss function you are given; the same for W2 with W1 fixed. "
        "Return both estimates together, W1's first.",
    ],
    "3.7": [
        "Full-batch gradient descent: in every epoch, ask the backprop you are given for both gradients at the "
        "current weights, then move both weight matrices a step of size lr against their gradients.",
        "Both gradients must come from the same weights: compute both, then update both. After each update, "
        "record the loss on all n samples with the class weights alpha and beta: one entry per epoch, and none "
        "for the starting weights. Start from copies of W1 and W2.",
        "Per epoch: [G1, G2] from backprop at (W1, W2); W1 becomes W1 - lr G1 and W2 becomes W2 - lr G2; then "
        "the weighted log-loss of the 3-2-1 network at the new weights joins the list. Give back the final W1, "
        "the final W2 and the losses, in this order.",
    ],
}

# ---------------------------------------------------------------------------
# What a student's function may not call: the library's own answer to the exercise.
# ---------------------------------------------------------------------------

_FORBID_FORWARD = (MLP.forward, MLP._forward, MLP.predict, MLP.loss)
_FORBID_BACKPROP = (MLP.backward, MLP._backward, MLP.fit, numerical_gradient, numerical_jacobian,
                    check_gradients, bce_grad, _bce_grad, sigmoid_grad, relu_grad, Value.backward)
_FORBID_NUMERIC = (numerical_gradient, numerical_jacobian, check_gradients, MLP.backward, MLP._backward)
_FORBID_TRAIN = (MLP.fit, MLP.step, MLP._step_unchecked, MLP.backward, MLP._backward, numerical_gradient,
                 check_gradients)

#: (alpha, beta) pairs the one-sample cases cycle through: plain, and both class weightings.
_ALPHA_BETA = ((1.0, 1.0), (2.5, 1.0), (1.0, 0.4), (3.0, 0.5))


def _describe(value) -> str:
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    if value is None:
        return "None"
    return fmt_array(value) if isinstance(value, (int, float, np.number)) and not isinstance(value, bool) \
        else _type_text(value)


def _type_text(value) -> str:
    if isinstance(value, str):
        return "a string"
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
    if not isinstance(result, (list, tuple)):
        fail(ex, f"your function returned {_describe(result)}, not {count} results.", expected=expected,
             got=_describe(result), hint=order_hint)
    if len(result) != count:
        fail(ex, f"your function returned {len(result)} results instead of {count}.",
             expected=expected, got=_type_text(result), hint=order_hint)
    return list(result)


def _shape(value):
    """The shape of an ndarray, else None (never calls numpy on an arbitrary object)."""
    return value.shape if isinstance(value, np.ndarray) else None


def _forward_values(X, W1, W2):
    F1 = W1.T @ X
    A1 = np.maximum(F1, 0.0)
    F2 = W2.T @ A1
    return F1, A1, F2, sigmoid(F2)


def _softplus(x):
    return np.logaddexp(0.0, x)


def _loss(X, Y, W1, W2, alpha, beta) -> float:
    """The weighted log-loss of the 3-2-1 network, from the logits (no clipping)."""
    F2 = W2.T @ np.maximum(W1.T @ X, 0.0)
    n = X.shape[1]
    return float((alpha * Y * _softplus(-F2) + beta * (1.0 - Y) * _softplus(F2)).sum() / n)


# ---------------------------------------------------------------------------
# Inputs: batches with hidden units on and off, exactly at the kink, or with saturated outputs.
# ---------------------------------------------------------------------------

def _batch_case(kind: str, n: int, seed: int):
    """``(X, Y, W1, W2)`` of one of three kinds.

    * ``"plain"``: continuous inputs; each hidden unit on for some samples and off for others
      (when n > 1), every pre-activation away from 0 and every prediction away from 0 and 1, on
      both sides of 0.5 (when n >= 4);
    * ``"kink"``: inputs and first-layer weights on a grid of quarters, so that some entries of
      f[1] are exactly 0, where ReLU's slope is 0 by the tutorial's convention;
    * ``"saturated"``: like plain, with W[2] scaled so that the most extreme prediction lies within
      about 1e-8 of 0 or 1 and is wrong (its sample carries the other label).
    """
    rng = np.random.default_rng(seed)
    for _ in range(10_000):
        if kind == "kink":
            X = np.vstack([np.ones((1, n)), rng.integers(-8, 9, (2, n)) / 4.0])
            W1 = rng.integers(-6, 7, (3, 2)) / 4.0
        else:
            X = np.vstack([np.ones((1, n)), rng.normal(0.0, 1.0, (2, n))])
            W1 = rng.normal(0.0, 1.0, (3, 2))
        W2 = rng.normal(0.0, 1.5, (2, 1))
        F1 = W1.T @ X
        on = (F1 > 0).mean(axis=1)
        if n > 1 and not (on.min() > 0.0 and on.max() < 1.0):
            continue
        if np.abs(W2).min() < 0.2:
            continue
        if kind == "kink":
            zeros = np.argwhere(F1 == 0.0)
            # A kink only tests something if the feature it multiplies is not 0 as well.
            if not any(X[1, k] != 0.0 or X[2, k] != 0.0 for _, k in zeros):
                continue
        elif np.abs(F1).min() < 1e-3:
            continue
        F2 = W2.T @ np.maximum(F1, 0.0)
        if n >= 4 and not ((F2 > 0).any() and (F2 < 0).any()):
            continue  # outputs on both sides of 0.5, so that a ReLU or a sign on the output shows
        if kind == "saturated":
            if np.abs(F2).max() < 0.5:
                continue
            W2 = W2 * (18.0 / np.abs(F2).max())
            F2 = W2.T @ np.maximum(F1, 0.0)
        elif np.abs(F2).max() > 6.0:
            continue
        Y = np.zeros((1, n))
        Y[0, rng.permutation(n)[: (n + 1) // 2]] = 1.0
        if kind == "saturated":
            k = int(np.argmax(np.abs(F2[0])))
            Y[0, k] = 0.0 if F2[0, k] > 0 else 1.0   # confidently wrong
        return X, Y, W1, W2
    raise RuntimeError(f"no {kind} case found for n = {n}, seed = {seed}")  # pragma: no cover


# ---------------------------------------------------------------------------
# Exercise 3.1: the forward pass.
# ---------------------------------------------------------------------------

#: (kind, n, seed) of the public forward cases.
_FORWARD_CASES = (("plain", 40, 3102), ("kink", 9, 3101), ("plain", 1, 3100))


def _forward_variants(X, W1, W2) -> list:
    F1 = W1.T @ X
    A1 = np.maximum(F1, 0.0)
    F2 = W2.T @ A1
    return [
        (sigmoid(W2.T @ F1), "the ReLU is missing: the hidden layer must pass f[1] through ReLU before W[2] sees it."),
        (sigmoid(W2.T @ sigmoid(F1)), "the hidden layer uses a sigmoid; in this network it is a ReLU."),
        (sigmoid(W2.T @ np.tanh(F1)), "the hidden layer uses tanh; in this network it is a ReLU."),
        (sigmoid(W2.T @ np.where(F1 > 0, F1, 0.01 * F1)),
         "the hidden layer is a leaky ReLU; this network uses the plain ReLU, which is exactly 0 for "
         "negative inputs."),
        (F2, "these are the logits f[2]: the output still has to go through the sigmoid."),
        (np.maximum(F2, 0.0), "the output went through a ReLU; the output unit of this network is a sigmoid."),
        (sigmoid(-F2), "the sigmoid got -f[2]: these are the probabilities of the other variety, 1 - Y_hat."),
        (sigmoid(W2.T @ np.abs(F1)), "the hidden layer takes absolute values; ReLU sets negative inputs to 0."),
    ]


def exercise_3_1(forward_321) -> None:
    """Check ``forward_321(X, W1, W2)`` against the library's forward pass."""
    ex = "3.1"
    for kind, n, seed in grading_cases(ex, _FORWARD_CASES):
        X, _, W1, W2 = _batch_case(kind, n, seed)
        got = call_student(ex, forward_321, X, W1, W2, forbid=_FORBID_FORWARD)
        expected = MLP([W1, W2], ["relu", "sigmoid"]).forward(X)
        if n > 1 and _shape(got) == (n, 1):
            fail(ex, f"Y_hat (n = {n}) is transposed.", expected=f"shape (1, {n})", got=f"shape ({n}, 1)",
                 hint="columns are samples: Y_hat has one row and one column per sample. Check the order of the "
                      "factors in each product; W[l] transposed comes first.")
        expect_array(ex, f"Y_hat (n = {n})", got, expected, mistakes=_forward_variants(X, W1, W2),
                     hint="compare your f[1], a[1] and f[2] with the worked example of section 2, one at a time.")
    passed(ex)


# ---------------------------------------------------------------------------
# Exercise 3.3: dE/dW[1]_11 for one sample.
# ---------------------------------------------------------------------------

def _public_single_cases() -> list:
    """``(mode, k, seed)``: k picks alpha, beta and the label; mode the kind of sample."""
    cases = []
    for k in range(40):
        mode = "kink" if k % 8 == 5 else "saturated" if k % 8 == 6 else "plain"
        cases.append((mode, k, 3300 + k))
    return cases


_SINGLE_CASES = tuple(_public_single_cases())


def _single_case(mode: str, k: int, seed: int) -> dict:
    """One sample: hidden unit 1 on or off (plain), exactly at its kink, or an output near 0 or 1."""
    rng = np.random.default_rng(seed)
    alpha, beta = _ALPHA_BETA[(k // 2) % len(_ALPHA_BETA)]
    y = float(k % 2)
    for _ in range(10_000):
        if mode == "kink":
            x = rng.integers(-8, 9, 2) / 4.0
            if x[0] == 0.0:
                continue
            W1 = rng.integers(-6, 7, (3, 2)) / 4.0
            W1[0, 1] = -(W1[1, 1] * x[0] + W1[2, 1] * x[1])   # f[1]_10 is exactly 0
        else:
            x = rng.normal(0.0, 1.0, 2)
            W1 = rng.normal(0.0, 1.0, (3, 2))
        X = np.array([[1.0], [x[0]], [x[1]]])
        W2 = rng.normal(0.0, 1.5, (2, 1))
        if min(abs(W2[0, 0]), abs(W2[1, 0])) < 0.2:
            continue
        F1 = W1.T @ X
        if mode == "kink":
            if F1[1, 0] != 0.0 or abs(F1[0, 0]) < 0.05:
                continue
        elif np.abs(F1).min() < 0.05:
            continue
        F2 = float((W2.T @ np.maximum(F1, 0.0))[0, 0])
        if mode == "saturated":
            if F1[1, 0] <= 0.0 or abs(F2) < 0.3:
                continue
            W2 = W2 * (17.0 / abs(F2))
            F2 = float((W2.T @ np.maximum(F1, 0.0))[0, 0])
            y = 0.0 if F2 > 0 else 1.0   # confidently wrong, so a clipped Y_hat changes the result
        elif not 0.02 < float(sigmoid(F2)) < 0.98:
            continue
        return dict(X=X, Y=np.array([[y]]), W1=W1, W2=W2, alpha=alpha, beta=beta, mode=mode)
    raise RuntimeError(f"no {mode} case for seed {seed}")  # pragma: no cover


def _w11_parts(case) -> dict:
    """Every factor of the closed form, plus the look-alikes students pick by mistake."""
    X, Y, W1, W2 = case["X"], case["Y"], case["W1"], case["W2"]
    alpha, beta = case["alpha"], case["beta"]
    f1 = W1.T @ X
    a1 = np.maximum(f1, 0.0)
    f2 = float((W2.T @ a1)[0, 0])
    y_hat = float(sigmoid(f2))
    y = float(Y[0, 0])
    clipped = min(max(y_hat, 1e-7), 1.0 - 1e-7)
    return dict(
        dyhat=-alpha * y / y_hat + beta * (1 - y) / (1 - y_hat),
        dyhat_swapped=-beta * y / y_hat + alpha * (1 - y) / (1 - y_hat),
        dyhat_clipped=-alpha * y / clipped + beta * (1 - y) / (1 - clipped),
        slope=y_hat * (1 - y_hat), w=float(W2[1, 0]), w_other=float(W2[0, 0]),
        mask=float(f1[1, 0] > 0), mask_ge=float(f1[1, 0] >= 0), mask0=float(f1[0, 0] > 0),
        x=float(X[1, 0]), f1=f1[:, 0], a1=a1[:, 0], f2=f2, y=y, y_hat=y_hat, x_all=X[:, 0],
        w11=float(W1[1, 1]),
    )


def _w11_variants(parts: list) -> dict:
    """The correct value and the value of each known mistake, one entry per case."""
    def column(fn):
        return np.array([fn(p) for p in parts])

    def chain(p):
        return p["dyhat"] * p["slope"]

    upstream = column(lambda p: chain(p) * p["w"])
    return {
        "right": column(lambda p: chain(p) * p["w"] * p["mask"] * p["x"]),
        "mask_ge": column(lambda p: chain(p) * p["w"] * p["mask_ge"] * p["x"]),
        "mask_input": column(lambda p: chain(p) * p["w"] * float(p["x"] > 0) * p["x"]),
        "mask_output": column(lambda p: chain(p) * p["w"] * float(p["f2"] > 0) * p["x"]),
        "mask_upstream": np.where(upstream > 0, upstream, 0.0) * column(lambda p: p["x"]),
        "mask_other_unit": column(lambda p: chain(p) * p["w"] * p["mask0"] * p["x"]),
        "mask_missing": upstream * column(lambda p: p["x"]),
        "mask_relu_value": column(lambda p: chain(p) * p["w"] * p["a1"][1] * p["x"]),
        "mask_both": column(lambda p: chain(p) * p["w"] * p["mask"] * p["mask0"] * p["x"]),
        "both_units": column(lambda p: chain(p) * (p["w"] * p["mask"] + p["w_other"] * p["mask0"]) * p["x"]),
        "other_weight": column(lambda p: chain(p) * p["w_other"] * p["mask"] * p["x"]),
        "bias_input": column(lambda p: chain(p) * p["w"] * p["mask"] * 1.0),
        "other_input": column(lambda p: chain(p) * p["w"] * p["mask"] * p["x_all"][2]),
        "weight_itself": column(lambda p: chain(p) * p["w"] * p["mask"] * p["w11"]),
        "swapped": column(lambda p: p["dyhat_swapped"] * p["slope"] * p["w"] * p["mask"] * p["x"]),
        "unweighted": column(lambda p: (p["y_hat"] - p["y"]) * p["w"] * p["mask"] * p["x"]),
        "no_slope": column(lambda p: p["dyhat"] * p["w"] * p["mask"] * p["x"]),
        "clipped": column(lambda p: p["dyhat_clipped"] * p["slope"] * p["w"] * p["mask"] * p["x"]),
    }


_HINTS_3_3 = {
    "mask_ge": ("the ReLU mask is 1 where f[1]_10 is exactly 0: ReLU's slope there is taken as 0 (the unit is "
                "off unless its input is strictly positive), so the mask is 1 only for f[1]_10 > 0."),
    "mask_input": ("the ReLU mask is taken from the wrong array: you used the input X_10, from the layer below. "
                   "ReLU's slope depends on hidden unit 1's own pre-activation f[1]_10."),
    "mask_output": ("the ReLU mask is taken from the wrong array: you used f[2]_0, the output's pre-activation, "
                    "whose slope is the sigmoid's. The ReLU sits in the hidden layer: its mask comes from "
                    "f[1]_10."),
    "mask_upstream": ("the ReLU mask is taken from the wrong array: you used the sign of the gradient arriving "
                      "from above. ReLU's slope depends only on the unit's own pre-activation f[1]_10."),
    "mask_other_unit": ("the ReLU mask belongs to the wrong hidden unit: W[1]_11 sits in column 1 of W[1], so it "
                        "feeds hidden unit 1 and the mask comes from f[1]_10, not from f[1]_00."),
    "mask_missing": ("the ReLU mask is missing (or always 1, as a mask taken from a[1] >= 0 is): when hidden unit "
                     "1 is off, W[1]_11 cannot change the loss and the gradient is 0."),
    "mask_relu_value": ("the ReLU factor must be ReLU's slope at f[1]_10 (0 or 1), not the ReLU's output a[1]_10 "
                        "itself."),
    "mask_both": ("you multiplied by the masks of both hidden units; W[1]_11 only feeds hidden unit 1, so only "
                  "its mask belongs to the path."),
    "both_units": ("you summed the paths through both hidden units; W[1]_11 only enters f[1]_10, so only the "
                   "path through hidden unit 1 carries its gradient."),
    "other_weight": ("hidden unit 1 reaches the output through W[2]_10 (row 1 of W[2]); you used W[2]_00, the "
                     "weight of hidden unit 0."),
    "bias_input": ("the last factor multiplies the bias entry X_00 = 1; W[1]_11 sits in row 1 of W[1], so it "
                   "multiplies row 1 of X (the first feature, X_10)."),
    "other_input": ("the last factor comes from row 2 of X; W[1]_11 sits in row 1 of W[1], so it multiplies "
                    "row 1 of X (X_10)."),
    "weight_itself": ("the last factor is the derivative of f[1]_10 with respect to W[1]_11: what W[1]_11 "
                      "multiplies, not W[1]_11 itself."),
    "swapped": ("alpha and beta are swapped: alpha weights the terms of variety A (Y = 1), beta those of "
                "variety B (Y = 0)."),
    "unweighted": ("your output term is Y_hat_0 - Y_0, which holds only when alpha = beta = 1; these cases use "
                   "class weights."),
    "no_slope": "the sigmoid's slope at f[2]_0 is missing from the chain.",
    "clipped": ("you clipped Y_hat before dividing by it: that changes the gradient when the output is close to "
                "0 or 1 (some cases have Y_hat within 1e-7 of it). Use the exact values."),
}


def _probability(p: float) -> str:
    """A prediction, readable also within 1e-7 of 0 or 1 (where 4 digits would show 1 or 0)."""
    if 1.0 - p < 1e-3:
        return f"1 - {1.0 - p:.2g}"
    return f"{p:.2g}" if p < 1e-3 else f"{p:.4g}"


def _describe_case(case, parts) -> str:
    x = parts["x_all"]
    return (f"X = [{x[0]:g}, {x[1]:.4g}, {x[2]:.4g}], Y = {parts['y']:g}, alpha = {case['alpha']:g}, "
            f"beta = {case['beta']:g}, f[1] = [{parts['f1'][0]:.4g}, {parts['f1'][1]:.4g}], "
            f"Y_hat = {_probability(parts['y_hat'])}, W[2]_10 = {parts['w']:.4g}")


def _one_number(ex: str, name: str, value, case_text: str) -> float:
    if isinstance(value, np.ndarray) and value.ndim > 0 and value.size == 1 and value.dtype.kind in "iuf":
        fail(ex, f"{name} came back as an array of shape {value.shape}, not a number.",
             expected="one number (a float)", got=fmt_array(value), detail=f"case: {case_text}",
             hint="take the single entry of each (1, 1) or (2, 1) array you multiply, so that the product is a "
                  "plain number.")
    if isinstance(value, np.ndarray) and value.ndim > 0 and value.dtype.kind in "iuf":
        fail(ex, f"{name} came back as an array of shape {value.shape}, not a number.",
             expected="one number (a float)", got=fmt_array(value), detail=f"case: {case_text}",
             hint="the exercise asks for one entry of dE/dW[1], for one sample: pick the entries of the arrays "
                  "you need (row 1 of X, row 1 of W[2], hidden unit 1 of f[1]) before you multiply.")
    return expect_number(ex, name, value)


def _exactly(got: np.ndarray, expected: np.ndarray) -> bool:
    scale = float(np.max(np.abs(expected)))
    return bool(np.all(np.abs(got - expected) <= EXACT_RTOL * (np.abs(expected) + scale)))


def _near(got, expected, rtol=1e-6, atol=1e-9) -> bool:
    return bool(np.allclose(got, expected, rtol=rtol, atol=atol))


def exercise_3_3(dE_dW11) -> None:
    """Check ``dE_dW11(X, Y, W1, W2, alpha, beta)`` on 40 one-sample cases (more when grading).

    The reference is the library's backward pass, ``net.backward(...)[0][1, 1]``, which agrees
    with central differences wherever the loss is differentiable (the sanity check below).  The
    student's values must agree with it to rounding (backprop, not finite differences).
    """
    ex, name = "3.3", "dE/dW[1]_11"
    cases = [_single_case(*c) for c in grading_cases(ex, _SINGLE_CASES, k=12)]
    parts = [_w11_parts(c) for c in cases]
    texts = [_describe_case(c, p) for c, p in zip(cases, parts)]
    got = np.array([
        _one_number(ex, name, call_student(ex, dE_dW11, c["X"], c["Y"], c["W1"], c["W2"], c["alpha"], c["beta"],
                                           forbid=_FORBID_BACKPROP), t)
        for c, t in zip(cases, texts)
    ])

    backward = np.empty(len(cases))
    numeric = np.empty(len(cases))
    for i, c in enumerate(cases):
        net = MLP([c["W1"], c["W2"]], ["relu", "sigmoid"])
        net.forward(c["X"])
        backward[i] = net.backward(c["Y"], alpha=c["alpha"], beta=c["beta"])[0][1, 1]
        numeric[i] = numerical_gradient(lambda: _loss(c["X"], c["Y"], net.weights[0], net.weights[1],
                                                      c["alpha"], c["beta"]), net.weights[0])[1, 1]
    smooth = np.array([c["mode"] != "kink" for c in cases])
    if not np.allclose(backward[smooth], numeric[smooth], rtol=1e-5, atol=1e-8):  # pragma: no cover
        raise RuntimeError("exercise_3_3: net.backward and central differences disagree; report this bug.")
    if not np.all(np.isfinite(got)):
        i = int(np.argmax(~np.isfinite(got)))
        fail(ex, f"{name} is {got[i]} for one case.", expected=f"{backward[i]:.6g}", got=f"{got[i]}",
             detail=f"case: {texts[i]}",
             hint="a division by 0 or a log of 0: look at how you compute the output term when Y_hat is close to "
                  "0 or 1.")
    if _exactly(got, backward):
        passed(ex)
        return

    bad = ~np.isclose(got, backward, rtol=1e-9, atol=1e-12)
    i = int(np.argmax(np.abs(got - backward) / (np.abs(backward) + 1e-3)))
    summary = dict(expected=f"{backward[i]:.6g} (the library's backward pass)", got=f"{got[i]:.6g}",
                   detail=f"wrong on {int(bad.sum())} of {len(cases)} cases; the worst: {texts[i]}")
    # Central differences agree with backprop to about 1e-9 on the plain cases, are off at the kink (where they
    # average the two slopes) and lose digits to rounding when the output is saturated.
    plain = np.array([c["mode"] == "plain" for c in cases])
    finite_differences = _near(got, backward, 1e-5, 1e-8) or (
        not _exactly(got[plain], backward[plain]) and _near(got[plain], numeric[plain], 1e-6, 1e-9))
    if finite_differences:
        fail(ex, f"{name} agrees with backprop only approximately.", **summary,
             hint="these are finite differences, not the chain rule: the exercise asks for the exact gradient, "
                  "which agrees with the backward pass to rounding (and is 0 at the kink).")
    what = f"{name} does not match the backward pass."
    variants = _w11_variants(parts)
    for key, hint in _HINTS_3_3.items():
        if _near(got, variants[key]):
            fail(ex, what, hint=hint, **summary)
    if _near(got, -backward):
        fail(ex, what, **summary,
             hint="every value has the wrong sign: look at the signs of the two terms of dE/dY_hat_0.")
    kinks = np.array([c["mode"] == "kink" for c in cases])
    if _near(got[~kinks], backward[~kinks]):
        fail(ex, what, **summary,
             hint="right everywhere except where f[1]_10 is exactly 0: there ReLU's slope counts as 0.")
    fail(ex, what, **summary,
         hint="compare your five factors one by one with your derivation of Exercise 3.2, on this case.")


# ---------------------------------------------------------------------------
# Exercise 3.5: the vectorized backward pass for a batch.
# ---------------------------------------------------------------------------

#: (kind, n, alpha, beta, seed) of the public batches of exercise 3.5.
_BATCHES = (("plain", 6, 1.0, 1.0, 3500), ("kink", 13, 2.5, 0.4, 3501), ("saturated", 30, 1.0, 3.0, 3502),
            ("plain", 1, 2.0, 1.0, 3503))


def _backward_variant(X, Y, W1, W2, alpha, beta, mask: str = "hidden", output: str = "weighted",
                      through: str = "W2", dW2_from: str = "A1"):
    """The vectorized backward pass, right (the defaults) or with one known mistake."""
    n = X.shape[1]
    F1 = W1.T @ X
    A1 = np.maximum(F1, 0.0)
    F2 = W2.T @ A1
    Yh = sigmoid(F2)
    if output == "weighted":
        d2 = (beta * (1 - Y) * Yh - alpha * Y * (1 - Yh)) / n
    elif output == "swapped":
        d2 = (alpha * (1 - Y) * Yh - beta * Y * (1 - Yh)) / n
    elif output == "unweighted":
        d2 = (Yh - Y) / n
    elif output == "no_slope":
        d2 = (-alpha * Y / Yh + beta * (1 - Y) / (1 - Yh)) / n
    elif output == "clipped":
        P = np.clip(Yh, 1e-7, 1 - 1e-7)
        d2 = (-alpha * Y / P + beta * (1 - Y) / (1 - P)) * Yh * (1 - Yh) / n
    elif output == "rows":
        d2 = (beta * (1 - Y) * Yh - alpha * Y * (1 - Yh)) / X.shape[0]
    else:  # pragma: no cover - internal
        raise ValueError(output)
    source = {"A1": A1, "F1": F1, "mask": (F1 > 0).astype(float)}[dW2_from]
    dW2 = source @ d2.T
    if through == "W2":
        dA1 = W2 @ d2
    elif through == "W2_row1":          # row 0 of W[2] dropped as if it were a bias row
        dA1 = np.broadcast_to(W2[1:] @ d2, F1.shape)
    else:  # pragma: no cover - internal
        raise ValueError(through)
    masks = {
        "hidden": (F1 > 0).astype(float),
        "ge": (F1 >= 0).astype(float),
        "upstream": (dA1 > 0).astype(float),
        "output": np.broadcast_to((F2 > 0).astype(float), F1.shape),
        "input": (X[1:] > 0).astype(float),
        "missing": np.ones_like(F1),
        "relu_value": A1,
        "other_unit": (F1[::-1] > 0).astype(float),
        "sigmoid_slope": sigmoid(F1) * (1 - sigmoid(F1)),
    }
    dW1 = X @ (dA1 * masks[mask]).T
    return dW1, dW2


_HINTS_3_5_W1 = {
    "ge": ("the ReLU mask is 1 where f[1] is exactly 0 (this batch has such entries): ReLU's slope there counts "
           "as 0, so the mask is 1 only where f[1] > 0."),
    "upstream": ("the ReLU mask is taken from the wrong array: you masked with the sign of the upstream gradient "
                 "dE/da[1]. ReLU's slope is a property of the hidden layer's own pre-activation f[1] (2, n)."),
    "output": ("the ReLU mask is taken from the wrong array: you used f[2] > 0, the output's pre-activation "
               "(1, n), which numpy stretched over both hidden units. The hidden ReLU's mask comes from f[1]."),
    "input": ("the ReLU mask is taken from the wrong array: you used the input X (a[0]), the layer below. The "
              "hidden ReLU's mask comes from f[1], shape (2, n)."),
    "missing": ("the ReLU mask is missing (or always 1, as a[1] >= 0 is): samples for which a hidden unit is off "
                "must contribute nothing to that unit's column of dE/dW[1]."),
    "relu_value": ("the ReLU factor must be ReLU's slope (zeros and ones), not the ReLU's output a[1]."),
    "other_unit": ("the rows of the ReLU mask are swapped: row j of the mask belongs to hidden unit j, the same "
                   "row as in f[1]."),
    "sigmoid_slope": "the hidden layer is a ReLU: its slope is 0 or 1, not the sigmoid's slope.",
}

_HINTS_3_5_W2 = {
    "swapped": ("alpha and beta are swapped: alpha weights the terms of variety A (Y = 1), beta those of "
                "variety B (Y = 0)."),
    "unweighted": ("your δ[2] is (Y_hat - Y)/n, which holds only when alpha = beta = 1; this batch uses class "
                   "weights."),
    "no_slope": "the sigmoid's slope at f[2] is missing from δ[2].",
    "clipped": ("you clipped Y_hat before dividing by it: that changes δ[2] for the predictions within 1e-7 of 0 "
                "or 1 (this batch has one). Use the exact values."),
    "rows": ("you divided by the number of rows of X (3) instead of the number of samples n, the number of "
             "columns."),
}


def _dW2_mistakes(X, Y, W1, W2, alpha, beta) -> list:
    out = [(_backward_variant(X, Y, W1, W2, alpha, beta, output=k)[1], h) for k, h in _HINTS_3_5_W2.items()]
    out.append((_backward_variant(X, Y, W1, W2, alpha, beta, dW2_from="F1")[1],
                "dE/dW[2] pairs δ[2] with what W[2] multiplies in the forward pass, a[1] (after the ReLU), "
                "not f[1]."))
    out.append((_backward_variant(X, Y, W1, W2, alpha, beta, dW2_from="mask")[1],
                "dE/dW[2] pairs δ[2] with a[1], the ReLU's output, not with its slope."))
    return out


def _dW1_mistakes(X, Y, W1, W2, alpha, beta) -> list:
    out = [(_backward_variant(X, Y, W1, W2, alpha, beta, mask=k)[0], h) for k, h in _HINTS_3_5_W1.items()]
    out.append((_backward_variant(X, Y, W1, W2, alpha, beta, through="W2_row1")[0],
                "you dropped row 0 of W[2] on the way back, as if it were a bias row; this network has no bias "
                "after the hidden layer, so both rows of W[2] belong to the hidden units."))
    return out


def _gradient_pair(ex: str, result) -> list:
    g1, g2 = _items(ex, result, 2, "[dE/dW[1] of shape (3, 2), dE/dW[2] of shape (2, 1)]",
                    "give back the two gradients together, the one of W[1] first.")
    if _shape(g1) == (2, 1) and _shape(g2) == (3, 2):
        fail(ex, "the two gradients come back in the wrong order.",
             expected="[dE/dW[1] of shape (3, 2), dE/dW[2] of shape (2, 1)]",
             got=f"shapes [{_shape(g1)}, {_shape(g2)}]", hint="layer 1 first, then layer 2.")
    if _shape(g1) == (2, 2):
        fail(ex, "dE/dW[1] has 2 rows; W[1] has 3.", expected="shape (3, 2)", got="shape (2, 2)",
             hint="the bias row of X belongs in the product: W[1] has a bias row, so its gradient has one too.")
    if _shape(g2) == (3, 1):
        fail(ex, "dE/dW[2] has 3 rows; W[2] has 2.", expected="shape (2, 1)", got="shape (3, 1)",
             hint="this network puts no row of ones on top of a[1] (no hidden bias): W[2] has one row per hidden "
                  "unit, and so has its gradient.")
    return [g1, g2]


def exercise_3_5(backprop_321) -> None:
    """Check ``backprop_321(X, Y, W1, W2, alpha, beta)`` against the library's backward pass, exactly,
    on batches of 6, 13, 30 and 1 samples (one with f[1] exactly 0, one with saturated outputs)."""
    ex = "3.5"
    for kind, n, alpha, beta, seed in grading_cases(ex, _BATCHES, k=3):
        X, Y, W1, W2 = _batch_case(kind, n, seed)
        result = call_student(ex, backprop_321, X, Y, W1, W2, alpha, beta, forbid=_FORBID_BACKPROP)
        g1, g2 = _gradient_pair(ex, result)
        net = MLP([W1, W2], ["relu", "sigmoid"])
        net.forward(X)
        ref1, ref2 = net.backward(Y, alpha=alpha, beta=beta)
        if kind == "plain":  # sanity check of the reference where the loss is smooth
            num1 = numerical_gradient(lambda: _loss(X, Y, net.weights[0], net.weights[1], alpha, beta), net.weights[0])
            if not np.allclose(ref1, num1, rtol=1e-5, atol=1e-8):  # pragma: no cover - library bug
                raise RuntimeError("exercise_3_5: net.backward and central differences disagree; report this bug.")
        label = f"(n = {n}, alpha = {alpha:g}, beta = {beta:g})"
        expect_array(ex, f"dE/dW[2] {label}", g2, ref2, n=n, exact=True,
                     mistakes=_dW2_mistakes(X, Y, W1, W2, alpha, beta),
                     hint="δ[2] or its pairing with a[1] differs: check δ[2] (1, n) against the output term of "
                          "Exercise 3.3, sample by sample.")
        expect_array(ex, f"dE/dW[1] {label}", g1, ref1, n=n, exact=True,
                     mistakes=_dW1_mistakes(X, Y, W1, W2, alpha, beta),
                     hint="dE/dW[2] is right, so look between f[2] and W[1]: dE/da[1], the ReLU mask, and the "
                          "pairing of δ[1] with X.")
    passed(ex)


# ---------------------------------------------------------------------------
# Exercise 3.6: central differences.
# ---------------------------------------------------------------------------

#: (eps, n, alpha, beta, seed): a small step and a large one, so that a step of one's own shows.
_NUMERIC_CASES = ((1e-4, 12, 1.0, 1.0, 3600), (0.05, 20, 2.0, 0.5, 3601))


class _Loss:
    """The loss the student's function is given: ``loss(W1, W2) -> E`` on the checker's own batch."""

    def __init__(self, X, Y, alpha, beta):
        self._X, self._Y, self._alpha, self._beta = X, Y, alpha, beta
        self.calls = 0

    def __call__(self, W1, W2):
        W1 = np.asarray(W1, dtype=np.float64)
        W2 = np.asarray(W2, dtype=np.float64)
        if W1.shape != (3, 2) or W2.shape != (2, 1):
            raise ValueError(f"loss(W1, W2) needs W1 of shape (3, 2) and W2 of shape (2, 1); got {W1.shape} "
                             f"and {W2.shape}")
        self.calls += 1
        return _loss(self._X, self._Y, W1, W2, self._alpha, self._beta)


def _differences(loss, W1, W2, eps, scheme="central", restore=True):
    """Finite-difference estimates of both gradients, right (central) or with a known mistake."""
    W1, W2 = W1.copy(), W2.copy()
    base = loss(W1, W2)
    out = []
    for W in (W1, W2):
        G = np.zeros_like(W)
        for idx in np.ndindex(W.shape):
            old = W[idx]
            W[idx] = old + eps
            up = loss(W1, W2)
            W[idx] = old - eps
            down = loss(W1, W2)
            if restore:
                W[idx] = old
            if scheme == "central":
                G[idx] = (up - down) / (2 * eps)
            elif scheme == "forward":
                G[idx] = (up - base) / eps
            elif scheme == "backward":
                G[idx] = (base - down) / eps
            elif scheme == "no_two":
                G[idx] = (up - down) / eps
        out.append(G)
    return out


def _all_at_once(loss, W1, W2, eps):
    g1 = (loss(W1 + eps, W2) - loss(W1 - eps, W2)) / (2 * eps)
    g2 = (loss(W1, W2 + eps) - loss(W1, W2 - eps)) / (2 * eps)
    return [np.full(W1.shape, g1), np.full(W2.shape, g2)]


def exercise_3_6(numerical_grads_321) -> None:
    """Check ``numerical_grads_321(loss, W1, W2, eps)`` against central differences with the same eps."""
    ex = "3.6"
    for eps, n, alpha, beta, seed in grading_cases(ex, _NUMERIC_CASES):
        X, Y, W1, W2 = _batch_case("plain", n, seed)
        loss = _Loss(X, Y, alpha, beta)
        result = call_student(ex, numerical_grads_321, loss, W1, W2, eps, forbid=_FORBID_NUMERIC)
        g1, g2 = _items(ex, result, 2, "[estimate for W1 of shape (3, 2), estimate for W2 of shape (2, 1)]",
                        "give back the two estimates together, the one for W1 first.")
        if _shape(g1) == (2, 1) and _shape(g2) == (3, 2):
            fail(ex, "the two estimates come back in the wrong order.",
                 expected="[estimate for W1 (3, 2), estimate for W2 (2, 1)]",
                 got=f"shapes [{_shape(g1)}, {_shape(g2)}]", hint="W1's estimate first, then W2's.")
        reference = _differences(loss, W1, W2, eps)
        mistakes = []
        for scheme, hint in (("forward", "these are one-sided (forward) differences, whose error shrinks only "
                                         "like eps; the exercise asks for central differences, one step on each "
                                         "side of the entry."),
                             ("backward", "these are one-sided (backward) differences; the exercise asks for "
                                          "central differences, one step on each side of the entry."),
                             ("no_two", "the two evaluations are 2 eps apart, so the change of the loss is divided "
                                        "by 2 eps, not by eps.")):
            mistakes.append(_differences(loss, W1, W2, eps, scheme=scheme))
            mistakes[-1] = (mistakes[-1], hint)
        mistakes.append((_differences(loss, W1, W2, eps, restore=False),
                         "an entry is not put back after its two evaluations, so every later entry is estimated "
                         "at shifted weights."))
        mistakes.append((_all_at_once(loss, W1, W2, eps),
                         "you moved all entries at once: each entry must be nudged on its own, the others "
                         "unchanged."))
        if eps != 1e-6:
            mistakes.append((_differences(loss, W1, W2, 1e-6),
                             f"you used a step of your own (1e-6); use the eps you are given (here {eps:g})."))
        for got, name in ((g1, "estimate for W1"), (g2, "estimate for W2")):
            if isinstance(got, np.ndarray) and got.dtype == np.float32:
                fail(ex, f"{name} is in float32.", expected="float64 values", got="float32 values",
                     hint="float32 keeps about 7 digits, too few for a difference quotient with a small eps: keep "
                          "the arrays in float64.")
        for i, (got, ref, name) in enumerate(((g1, reference[0], "estimate for W1"),
                                              (g2, reference[1], "estimate for W2"))):
            expect_array(ex, f"{name} (eps = {eps:g})", got, ref, rtol=1e-8, atol=1e-11,
                         mistakes=[(m[i], h) for m, h in mistakes],
                         hint="compare one entry by hand: the loss with that entry raised by eps, lowered by eps, "
                              "and the difference quotient.")
    passed(ex)


# ---------------------------------------------------------------------------
# Exercise 3.7: the training loop.
# ---------------------------------------------------------------------------

#: (n, lr, epochs, alpha, beta, seed) of the public training runs.
_TRAIN_CASES = ((20, 0.5, 25, 1.0, 1.0, 3700), (35, 0.3, 40, 2.0, 0.5, 3701), (8, 1.5, 3, 1.0, 2.0, 3702))


class _Backprop:
    """The ``backprop`` the student's loop is given: exact gradients, and a record of every call."""

    def __init__(self):
        self.calls = []

    def __call__(self, X, Y, W1, W2, alpha, beta):
        X, Y, W1, W2 = (np.asarray(a, dtype=np.float64) for a in (X, Y, W1, W2))
        if W1.shape != (3, 2) or W2.shape != (2, 1) or X.shape[0] != 3 or Y.shape != (1, X.shape[1]):
            raise ValueError(f"backprop(X, Y, W1, W2, alpha, beta) needs X (3, n), Y (1, n), W1 (3, 2) and "
                             f"W2 (2, 1); got {X.shape}, {Y.shape}, {W1.shape} and {W2.shape}")
        self.calls.append(dict(n=X.shape[1], W1=W1.copy(), W2=W2.copy(), alpha=alpha, beta=beta))
        return list(_backward_variant(X, Y, W1, W2, alpha, beta))


def _train_variant(X, Y, W1, W2, lr, epochs, alpha, beta, mistake: str = ""):
    """Weights and losses of full-batch gradient descent, right or with one known mistake."""
    W1, W2 = W1.copy(), W2.copy()
    steps = epochs + {"one_more": 1, "one_less": -1}.get(mistake, 0)
    rate = 1.0 if mistake == "no_lr" else lr
    stale = _backward_variant(X, Y, W1, W2, alpha, beta)
    losses, before = [], []
    for _ in range(steps):
        before.append(_loss(X, Y, W1, W2, alpha, beta))
        g1, g2 = stale if mistake == "stale" else _backward_variant(X, Y, W1, W2, alpha, beta)
        sign = -1.0 if mistake == "ascent" else 1.0
        new1 = W1 - sign * rate * g1 if mistake != "only_W2" else W1
        if mistake == "sequential":
            g2 = _backward_variant(X, Y, new1, W2, alpha, beta)[1]
        new2 = W2 - sign * rate * g2 if mistake != "only_W1" else W2
        W1, W2 = new1, new2
        losses.append(_loss(X, Y, W1, W2, alpha, beta))
    return W1, W2, np.array(losses), np.array(before)


_HINTS_3_7_WEIGHTS = {
    "ascent": "the weights moved along the gradient, uphill: a descent step goes against it.",
    "no_lr": "the steps ignore the learning rate lr: each step is lr times the gradient.",
    "sequential": ("W2's gradient was computed after W1 had already moved: compute both gradients at the same "
                   "weights, then update both."),
    "only_W1": "only W1 was updated; W2 must take its step too.",
    "only_W2": "only W2 was updated; W1 must take its step too.",
    "one_more": "your loop took one step more than epochs.",
    "one_less": "your loop took one step fewer than epochs.",
    "stale": ("the gradient of the starting weights was used for every step: ask backprop again at the new "
              "weights in every epoch."),
}


def _same_number(value, expected: float) -> bool:
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    return arr.ndim == 0 and bool(np.isclose(arr, expected))


def _spy_diagnosis(ex: str, spy: _Backprop, n: int, epochs: int, alpha: float, beta: float) -> None:
    calls = spy.calls
    if epochs > 0 and not calls:
        fail(ex, "your loop never called the backprop function it was given.",
             expected=f"{epochs} calls (one per epoch)", got="no call",
             hint="the gradients must come from the backprop argument: the check passes its own, and your "
                  "loop must use it.")
    partial = [c["n"] for c in calls if c["n"] != n]
    if partial:
        fail(ex, f"backprop was called on {partial[0]} sample{'s' if partial[0] != 1 else ''} at a time "
                 f"instead of all {n}.",
             expected=f"every call on all {n} samples", got=f"a call on {partial[0]}",
             hint="this exercise is full-batch gradient descent: every step uses the gradient of the loss over "
                  "all n samples.")
    for c in calls:
        if not (_same_number(c["alpha"], alpha) and _same_number(c["beta"], beta)):
            fail(ex, "backprop got other class weights than the loop was given.",
                 expected=f"alpha = {alpha:g}, beta = {beta:g}",
                 got=f"alpha = {fmt_array(c['alpha'])}, beta = {fmt_array(c['beta'])}",
                 hint="pass the loop's alpha and beta on to backprop, in this order.")
    if epochs > 1 and len(calls) == 1:
        fail(ex, f"backprop was called once for {epochs} epochs.", expected=f"{epochs} calls (one per epoch)",
             got="1 call",
             hint="the gradient changes when the weights change: ask backprop again at the new weights in every "
                  "epoch.")


def exercise_3_7(train_321) -> None:
    """Check ``train_321(X, Y, W1, W2, backprop, lr, epochs, alpha, beta)``: full-batch gradient descent
    with the ``backprop`` it is given (the checker's, which records every call), compared with the same
    loop written by the checker and with the library's ``net.fit``."""
    ex = "3.7"
    for n, lr, epochs, alpha, beta, seed in grading_cases(ex, _TRAIN_CASES):
        X, Y, W1, W2 = _batch_case("plain", n, seed)
        spy = _Backprop()
        result = call_student(ex, train_321, X, Y, W1, W2, spy, lr, epochs, alpha, beta, forbid=_FORBID_TRAIN)
        got1, got2, losses = _items(ex, result, 3, "(W1 of shape (3, 2), W2 of shape (2, 1), the losses of shape "
                                    f"({epochs},))", "give back three things, in this order: the trained W1, the "
                                    "trained W2 and the list of losses.")
        shapes = [_shape(item) for item in (got1, got2, losses)]
        if shapes != [(3, 2), (2, 1), (epochs,)] and sorted(map(str, shapes)) == sorted(
                map(str, [(3, 2), (2, 1), (epochs,)])):
            fail(ex, "the three results come back in another order.", expected="(W1, W2, losses)",
                 got=f"shapes {tuple(shapes)}", hint="the trained W1 first, then the trained W2, then the losses.")
        _spy_diagnosis(ex, spy, n, epochs, alpha, beta)
        ref1, ref2, ref_losses, before = _train_variant(X, Y, W1, W2, lr, epochs, alpha, beta)
        net = MLP([W1, W2], ["relu", "sigmoid"])
        history = net.fit(X, Y, lr=lr, epochs=epochs, alpha=alpha, beta=beta)
        if not (np.allclose(history, ref_losses, rtol=1e-9, atol=1e-12)
                and np.allclose(net.weights[0], ref1, rtol=1e-9, atol=1e-12)):  # pragma: no cover - library bug
            raise RuntimeError("exercise_3_7: net.fit and the reference loop disagree; report this bug.")

        label = f"(n = {n}, lr = {lr:g}, epochs = {epochs})"
        variants = {k: _train_variant(X, Y, W1, W2, lr, epochs, alpha, beta, mistake=k) for k in _HINTS_3_7_WEIGHTS}
        for i, (got, ref, name) in enumerate(((got1, ref1, "trained W1"), (got2, ref2, "trained W2"))):
            expect_array(ex, f"{name} {label}", got, ref, rtol=1e-9, atol=1e-12,
                         mistakes=[(v[i], _HINTS_3_7_WEIGHTS[k]) for k, v in variants.items()],
                         hint="the steps differ from gradient descent with this lr: check the update of each "
                              "weight matrix in one epoch by hand.")
        count = len(losses) if isinstance(losses, (list, tuple)) else (
            losses.shape[0] if isinstance(losses, np.ndarray) and losses.ndim == 1 else None)
        if count == epochs + 1 and epochs > 0:
            fail(ex, f"losses has {epochs + 1} entries for {epochs} epochs.", expected=f"shape ({epochs},)",
                 got=f"{epochs + 1} entries",
                 hint="one entry per epoch, the loss after that epoch's update; leave out the loss of the starting "
                      "weights.")
        loss_mistakes = [
            (before, "each loss is one step behind: record the loss after the update of its epoch, not before it."),
            (np.array([_loss(X, Y, a, b, 1.0, 1.0) for a, b in _trajectory(X, Y, W1, W2, lr, epochs, alpha, beta)]),
             "the losses leave out the class weights: record the weighted log-loss, with alpha and beta."),
        ]
        expect_array(ex, f"losses {label}", losses, ref_losses, n=n, rtol=1e-9, atol=1e-12, mistakes=loss_mistakes,
                     hint="the weights are right, so look at how each loss is computed: the weighted log-loss of "
                          "the 3-2-1 network on all n samples, at the weights after the update.")
    passed(ex)


def _trajectory(X, Y, W1, W2, lr, epochs, alpha, beta) -> list:
    """The weights after each step of the right loop."""
    out = []
    for _ in range(epochs):
        g1, g2 = _backward_variant(X, Y, W1, W2, alpha, beta)
        W1, W2 = W1 - lr * g1, W2 - lr * g2
        out.append((W1, W2))
    return out


# ---------------------------------------------------------------------------
# Planted mistakes: realistic wrong answer cells the test suite plants in the notebook.
# ---------------------------------------------------------------------------

# Each "source" is a whole answer cell: the def line and docstring the student notebook shows, then a
# realistic wrong body.
_HEAD_3_1 = '''def forward_321(X, W1, W2):
    """Y_hat of the 3-2-1 network for a batch.

    X: (3, n), bias row first; W1: (3, 2); W2: (2, 1). Returns Y_hat, shape (1, n).
    """
'''

_HEAD_3_3 = '''def dE_dW11(X, Y, W1, W2, alpha, beta):
    """dE/dW[1]_11 of the 3-2-1 network for ONE sample (n = 1), from your derivation.

    X: (3, 1), bias row first; Y: (1, 1); W1: (3, 2); W2: (2, 1); alpha, beta: class weights.
    Returns a float.
    """
'''

_HEAD_3_5 = '''def backprop_321(X, Y, W1, W2, alpha, beta):
    """[dE/dW[1], dE/dW[2]] of the weighted log-loss of the 3-2-1 network for a batch.

    X: (3, n), bias row first; Y: (1, n); W1: (3, 2); W2: (2, 1); alpha, beta: class weights.
    Returns a list of two arrays with the shapes of W1 and W2.
    """
'''

_HEAD_3_6 = '''def numerical_grads_321(loss, W1, W2, eps):
    """Central-difference estimates of [dE/dW[1], dE/dW[2]].

    loss: a function, loss(W1, W2) -> E as a float; W1: (3, 2); W2: (2, 1); eps: the step.
    Returns a list of two arrays with the shapes of W1 and W2.
    """
'''

_HEAD_3_7 = '''def train_321(X, Y, W1, W2, backprop, lr, epochs, alpha, beta):
    """Full-batch gradient descent on the 3-2-1 network, starting from W1 and W2.

    backprop: a function like backprop_321, backprop(X, Y, W1, W2, alpha, beta) -> [dE/dW[1], dE/dW[2]].
    Returns (W1, W2, losses): the trained weights and the loss E after each of the `epochs` updates.
    """
'''

_FWD = '''    F1 = W1.T @ X
    A1 = tl.relu(F1)
    Y_hat = tl.sigmoid(W2.T @ A1)
'''

_RIGHT_LOSS = '''        Y_hat = tl.sigmoid(W2.T @ tl.relu(W1.T @ X))
        losses.append(tl.bce_loss(Y_hat, Y, alpha, beta))
'''

#: Planted in the notebook by tests/test_notebooks.py (one per exercise and round): each must fail its
#: check with ``hint`` in the message.
PLANTED_MISTAKES = [
    {"exercise": "3.1", "kind": "ReLU missing in the hidden layer",
     "source": _HEAD_3_1 + "    return tl.sigmoid(W2.T @ (W1.T @ X))\n",
     "hint": "the ReLU is missing"},
    {"exercise": "3.1", "kind": "transposed Y_hat (rows as samples, as in PyTorch)",
     "source": _HEAD_3_1 + "    return tl.sigmoid(tl.relu(X.T @ W1) @ W2)\n",
     "hint": "columns are samples"},
    {"exercise": "3.1", "kind": "logits returned instead of probabilities",
     "source": _HEAD_3_1 + "    return W2.T @ tl.relu(W1.T @ X)\n",
     "hint": "logits f[2]"},
    {"exercise": "3.3", "kind": "ReLU mask from the input a[0] = X",
     "source": _HEAD_3_3 + '''    f1 = W1.T @ X
    y, y_hat = Y[0, 0], tl.sigmoid(W2.T @ tl.relu(f1))[0, 0]
    dE_dYhat = -alpha * y / y_hat + beta * (1 - y) / (1 - y_hat)
    relu_mask = float(X[1, 0] > 0)
    return float(dE_dYhat * y_hat * (1 - y_hat) * W2[1, 0] * relu_mask * X[1, 0])
''',
     "hint": "ReLU mask is taken from the wrong array"},
    {"exercise": "3.3", "kind": "ReLU mask f >= 0 (1 at the kink)",
     "source": _HEAD_3_3 + '''    f1 = W1.T @ X
    y, y_hat = Y[0, 0], tl.sigmoid(W2.T @ tl.relu(f1))[0, 0]
    dE_dYhat = -alpha * y / y_hat + beta * (1 - y) / (1 - y_hat)
    return float(dE_dYhat * y_hat * (1 - y_hat) * W2[1, 0] * (f1[1, 0] >= 0) * X[1, 0])
''',
     "hint": "exactly 0"},
    {"exercise": "3.3", "kind": "alpha and beta swapped",
     "source": _HEAD_3_3 + '''    f1 = W1.T @ X
    y, y_hat = Y[0, 0], tl.sigmoid(W2.T @ tl.relu(f1))[0, 0]
    dE_dYhat = -beta * y / y_hat + alpha * (1 - y) / (1 - y_hat)
    return float(dE_dYhat * y_hat * (1 - y_hat) * W2[1, 0] * (f1[1, 0] > 0) * X[1, 0])
''',
     "hint": "alpha and beta are swapped"},
    {"exercise": "3.5", "kind": "ReLU mask from the upstream gradient",
     "source": _HEAD_3_5 + '''    n = X.shape[1]
''' + _FWD + '''    delta2 = (-alpha * Y / Y_hat + beta * (1 - Y) / (1 - Y_hat)) * Y_hat * (1 - Y_hat) / n
    dA1 = W2 @ delta2
    delta1 = dA1 * (dA1 > 0)
    return [X @ delta1.T, A1 @ delta2.T]
''',
     "hint": "ReLU mask is taken from the wrong array"},
    {"exercise": "3.5", "kind": "missing 1/n",
     "source": _HEAD_3_5 + _FWD + '''    delta2 = (-alpha * Y / Y_hat + beta * (1 - Y) / (1 - Y_hat)) * Y_hat * (1 - Y_hat)
    delta1 = (W2 @ delta2) * (F1 > 0)
    return [X @ delta1.T, A1 @ delta2.T]
''',
     "hint": "1/n is missing"},
    {"exercise": "3.5", "kind": "transposed dE/dW[1]",
     "source": _HEAD_3_5 + '''    n = X.shape[1]
''' + _FWD + '''    delta2 = (-alpha * Y / Y_hat + beta * (1 - Y) / (1 - Y_hat)) * Y_hat * (1 - Y_hat) / n
    delta1 = (W2 @ delta2) * (F1 > 0)
    return [delta1 @ X.T, A1 @ delta2.T]
''',
     "hint": "transposed"},
    {"exercise": "3.5", "kind": "ReLU mask from the activations a[1] >= 0",
     "source": _HEAD_3_5 + '''    n = X.shape[1]
''' + _FWD + '''    delta2 = (-alpha * Y / Y_hat + beta * (1 - Y) / (1 - Y_hat)) * Y_hat * (1 - Y_hat) / n
    delta1 = (W2 @ delta2) * (A1 >= 0)
    return [X @ delta1.T, A1 @ delta2.T]
''',
     "hint": "ReLU mask is missing"},
    {"exercise": "3.6", "kind": "one-sided differences",
     "source": _HEAD_3_6 + '''    W1, W2 = W1.copy(), W2.copy()
    base = loss(W1, W2)
    grads = []
    for W in (W1, W2):
        G = np.zeros_like(W)
        for idx in np.ndindex(W.shape):
            old = W[idx]
            W[idx] = old + eps
            G[idx] = (loss(W1, W2) - base) / eps
            W[idx] = old
        grads.append(G)
    return grads
''',
     "hint": "one-sided"},
    {"exercise": "3.6", "kind": "divided by eps instead of 2 eps",
     "source": _HEAD_3_6 + '''    W1, W2 = W1.copy(), W2.copy()
    grads = []
    for W in (W1, W2):
        G = np.zeros_like(W)
        for idx in np.ndindex(W.shape):
            old = W[idx]
            W[idx] = old + eps
            up = loss(W1, W2)
            W[idx] = old - eps
            down = loss(W1, W2)
            W[idx] = old
            G[idx] = (up - down) / eps
        grads.append(G)
    return grads
''',
     "hint": "divided by 2 eps"},
    {"exercise": "3.6", "kind": "estimates swapped (W2's first)",
     "source": _HEAD_3_6 + '''    W1, W2 = W1.copy(), W2.copy()
    grads = []
    for W in (W2, W1):
        G = np.zeros_like(W)
        for idx in np.ndindex(W.shape):
            old = W[idx]
            W[idx] = old + eps
            up = loss(W1, W2)
            W[idx] = old - eps
            down = loss(W1, W2)
            W[idx] = old
            G[idx] = (up - down) / (2 * eps)
        grads.append(G)
    return grads
''',
     "hint": "wrong order"},
    {"exercise": "3.7", "kind": "loss recorded before the update",
     "source": _HEAD_3_7 + '''    W1, W2 = W1.copy(), W2.copy()
    losses = []
    for _ in range(epochs):
        losses.append(tl.bce_loss(tl.sigmoid(W2.T @ tl.relu(W1.T @ X)), Y, alpha, beta))
        dW1, dW2 = backprop(X, Y, W1, W2, alpha, beta)
        W1 = W1 - lr * dW1
        W2 = W2 - lr * dW2
    return W1, W2, np.array(losses)
''',
     "hint": "one step behind"},
    {"exercise": "3.7", "kind": "sign of the update flipped (gradient ascent)",
     "source": _HEAD_3_7 + '''    W1, W2 = W1.copy(), W2.copy()
    losses = []
    for _ in range(epochs):
        dW1, dW2 = backprop(X, Y, W1, W2, alpha, beta)
        W1 = W1 + lr * dW1
        W2 = W2 + lr * dW2
''' + _RIGHT_LOSS + '''    return W1, W2, np.array(losses)
''',
     "hint": "uphill"},
]

#: More wrong answers, recognised by the checkers too; tests/test_checks_nb03.py runs them directly.
MORE_MISTAKES = [
    {"exercise": "3.1", "kind": "sigmoid in the hidden layer",
     "source": _HEAD_3_1 + "    return tl.sigmoid(W2.T @ tl.sigmoid(W1.T @ X))\n",
     "hint": "hidden layer uses a sigmoid"},
    {"exercise": "3.1", "kind": "leaky ReLU in the hidden layer",
     "source": _HEAD_3_1 + "    return tl.sigmoid(W2.T @ tl.leaky_relu(W1.T @ X))\n",
     "hint": "leaky ReLU"},
    {"exercise": "3.3", "kind": "ReLU mask missing",
     "source": _HEAD_3_3 + '''    y, y_hat = Y[0, 0], tl.sigmoid(W2.T @ tl.relu(W1.T @ X))[0, 0]
    dE_dYhat = -alpha * y / y_hat + beta * (1 - y) / (1 - y_hat)
    return float(dE_dYhat * y_hat * (1 - y_hat) * W2[1, 0] * X[1, 0])
''',
     "hint": "ReLU mask is missing"},
    {"exercise": "3.3", "kind": "weight of the wrong hidden unit",
     "source": _HEAD_3_3 + '''    f1 = W1.T @ X
    y, y_hat = Y[0, 0], tl.sigmoid(W2.T @ tl.relu(f1))[0, 0]
    dE_dYhat = -alpha * y / y_hat + beta * (1 - y) / (1 - y_hat)
    return float(dE_dYhat * y_hat * (1 - y_hat) * W2[0, 0] * (f1[1, 0] > 0) * X[1, 0])
''',
     "hint": "W[2]_00"},
    {"exercise": "3.3", "kind": "clipped Y_hat",
     "source": _HEAD_3_3 + '''    f1 = W1.T @ X
    y, y_hat = Y[0, 0], tl.sigmoid(W2.T @ tl.relu(f1))[0, 0]
    p = np.clip(y_hat, 1e-7, 1 - 1e-7)
    dE_dYhat = -alpha * y / p + beta * (1 - y) / (1 - p)
    return float(dE_dYhat * y_hat * (1 - y_hat) * W2[1, 0] * (f1[1, 0] > 0) * X[1, 0])
''',
     "hint": "clipped"},
    {"exercise": "3.5", "kind": "class weights ignored (Y_hat - Y)",
     "source": _HEAD_3_5 + _FWD + '''    delta2 = (Y_hat - Y) / X.shape[1]
    delta1 = (W2 @ delta2) * (F1 > 0)
    return [X @ delta1.T, A1 @ delta2.T]
''',
     "hint": "holds only when alpha = beta = 1"},
    {"exercise": "3.5", "kind": "ReLU mask f >= 0 (1 at the kink)",
     "source": _HEAD_3_5 + '''    n = X.shape[1]
''' + _FWD + '''    delta2 = (-alpha * Y / Y_hat + beta * (1 - Y) / (1 - Y_hat)) * Y_hat * (1 - Y_hat) / n
    delta1 = (W2 @ delta2) * (F1 >= 0)
    return [X @ delta1.T, A1 @ delta2.T]
''',
     "hint": "exactly 0"},
    {"exercise": "3.6", "kind": "entries not put back",
     "source": _HEAD_3_6 + '''    W1, W2 = W1.copy(), W2.copy()
    grads = []
    for W in (W1, W2):
        G = np.zeros_like(W)
        for idx in np.ndindex(W.shape):
            old = W[idx]
            W[idx] = old + eps
            up = loss(W1, W2)
            W[idx] = old - eps
            down = loss(W1, W2)
            G[idx] = (up - down) / (2 * eps)
        grads.append(G)
    return grads
''',
     "hint": "not put back"},
    {"exercise": "3.7", "kind": "gradients computed once, before the loop",
     "source": _HEAD_3_7 + '''    W1, W2 = W1.copy(), W2.copy()
    dW1, dW2 = backprop(X, Y, W1, W2, alpha, beta)
    losses = []
    for _ in range(epochs):
        W1 = W1 - lr * dW1
        W2 = W2 - lr * dW2
''' + _RIGHT_LOSS + '''    return W1, W2, np.array(losses)
''',
     "hint": "called once"},
    {"exercise": "3.7", "kind": "W2's gradient taken after W1 moved",
     "source": _HEAD_3_7 + '''    W1, W2 = W1.copy(), W2.copy()
    losses = []
    for _ in range(epochs):
        W1 = W1 - lr * backprop(X, Y, W1, W2, alpha, beta)[0]
        W2 = W2 - lr * backprop(X, Y, W1, W2, alpha, beta)[1]
''' + _RIGHT_LOSS + '''    return W1, W2, np.array(losses)
''',
     "hint": "same weights"},
]
