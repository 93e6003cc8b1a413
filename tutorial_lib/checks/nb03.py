"""Checkers of notebook 03: a hidden ReLU layer (the 3-2-1 network of part B).

* ``exercise_3_1``: the closed form of ``dE/dW11[1]`` for one sample, compared on
  40 single-sample cases with ``net.backward`` (``grad_W[0][1, 1]``) and with
  central differences;
* ``exercise_3_3``: the vectorized backward pass ``[dE/dW[1], dE/dW[2]]`` for a
  batch, compared with central differences for several ``n``, ``alpha``, ``beta``.

Both checkers recognise the classic mistakes of this network (the ReLU mask taken
from the wrong array, the wrong hidden unit's weight, alpha and beta swapped, a
missing 1/n, a transposed gradient) and say so in the failure message.
"""

from __future__ import annotations

import numpy as np

from ..activations import sigmoid
from ..gradcheck import numerical_gradient
from ..mlp import MLP
from ._common import call_student, expect_array, fail, fmt_array, passed

__all__ = ["exercise_3_1", "exercise_3_3", "PLANTED_MISTAKES", "MORE_MISTAKES"]

#: Tolerances for results compared with central differences (float64, eps = 1e-6).
_NUM_RTOL, _NUM_ATOL = 1e-5, 1e-8

#: (alpha, beta) pairs the checkers cycle through: plain, and both class weightings.
_ALPHA_BETA = ((1.0, 1.0), (2.5, 1.0), (1.0, 0.4), (3.0, 0.5))


# ---------------------------------------------------------------------------
# Exercise 3.1: dE/dW11[1] for one sample, in closed form.
# ---------------------------------------------------------------------------

def _single_sample_cases(count: int = 40, seed: int = 3031) -> list:
    """Random one-sample problems, away from the ReLU kink and from saturated outputs."""
    rng = np.random.default_rng(seed)
    cases = []
    while len(cases) < count:
        k = len(cases)
        X = np.vstack([np.ones((1, 1)), rng.normal(0.0, 1.0, (2, 1))])
        W1 = rng.normal(0.0, 1.0, (3, 2))
        W2 = rng.normal(0.0, 1.5, (2, 1))
        F1 = W1.T @ X
        y_hat = float(sigmoid(W2.T @ np.maximum(F1, 0.0))[0, 0])
        if np.abs(F1).min() < 0.05 or not 0.02 < y_hat < 0.98:
            continue
        alpha, beta = _ALPHA_BETA[(k // 2) % len(_ALPHA_BETA)]
        cases.append(dict(X=X, Y=np.array([[float(k % 2)]]), W1=W1, W2=W2, alpha=alpha, beta=beta))
    return cases


def _w11_parts(case) -> dict:
    """Every factor of the closed form, plus the look-alikes students pick by mistake."""
    X, Y, W1, W2 = case["X"], case["Y"], case["W1"], case["W2"]
    alpha, beta = case["alpha"], case["beta"]
    f1 = W1.T @ X
    a1 = np.maximum(f1, 0.0)
    f2 = float((W2.T @ a1)[0, 0])
    y_hat = float(sigmoid(f2))
    y = float(Y[0, 0])
    return dict(
        dyhat=-alpha * y / y_hat + beta * (1 - y) / (1 - y_hat),
        dyhat_swapped=-beta * y / y_hat + alpha * (1 - y) / (1 - y_hat),
        slope=y_hat * (1 - y_hat), w=float(W2[1, 0]), w_other=float(W2[0, 0]),
        mask=float(f1[1, 0] > 0), x=float(X[1, 0]), f1=f1[:, 0], a1=a1[:, 0], f2=f2,
        y=y, y_hat=y_hat, x_all=X[:, 0],
    )


def _w11_variants(parts: list) -> dict:
    """The correct value and the value of each known mistake, one entry per case."""
    def column(fn):
        return np.array([fn(p) for p in parts])

    right = column(lambda p: p["dyhat"] * p["slope"] * p["w"] * p["mask"] * p["x"])
    upstream = column(lambda p: p["dyhat"] * p["slope"] * p["w"])
    return {
        "right": right,
        "mask_input": column(lambda p: p["dyhat"] * p["slope"] * p["w"] * float(p["x"] > 0) * p["x"]),
        "mask_output": column(lambda p: p["dyhat"] * p["slope"] * p["w"] * float(p["f2"] > 0) * p["x"]),
        "mask_upstream": np.where(upstream > 0, upstream, 0.0) * column(lambda p: p["x"]),
        "mask_other_unit": column(lambda p: p["dyhat"] * p["slope"] * p["w"] * float(p["f1"][0] > 0) * p["x"]),
        "mask_missing": upstream * column(lambda p: p["x"]),
        "mask_relu_value": column(lambda p: p["dyhat"] * p["slope"] * p["w"] * p["a1"][1] * p["x"]),
        "other_weight": column(lambda p: p["dyhat"] * p["slope"] * p["w_other"] * p["mask"] * p["x"]),
        "bias_input": column(lambda p: p["dyhat"] * p["slope"] * p["w"] * p["mask"] * 1.0),
        "other_input": column(lambda p: p["dyhat"] * p["slope"] * p["w"] * p["mask"] * p["x_all"][2]),
        "swapped": column(lambda p: p["dyhat_swapped"] * p["slope"] * p["w"] * p["mask"] * p["x"]),
        "unweighted": column(lambda p: (p["y_hat"] - p["y"]) * p["w"] * p["mask"] * p["x"]),
        "no_slope": column(lambda p: p["dyhat"] * p["w"] * p["mask"] * p["x"]),
    }


_HINTS_3_1 = {
    "mask_input": ("the ReLU mask is taken from the wrong array: you used the input X[1, 0] (that is "
                   "a[0] = X, the layer below). ReLU's derivative depends on the hidden unit's own "
                   "pre-activation: 1[f10[1] > 0], i.e. f1[1, 0] > 0 with f1 = W1.T @ X."),
    "mask_output": ("the ReLU mask is taken from the wrong array: you used f[2], the output layer's "
                    "pre-activation, but the output goes through a sigmoid, whose slope is already the "
                    "factor sigma(f0[2])(1 - sigma(f0[2])). The ReLU sits in the hidden layer: "
                    "1[f10[1] > 0], i.e. f1[1, 0] > 0."),
    "mask_upstream": ("the ReLU mask is taken from the wrong array: you used the sign of the gradient "
                      "arriving from above (dE/da10[1]). ReLU's derivative does not depend on that "
                      "gradient, only on the unit's own input: 1[f10[1] > 0], i.e. f1[1, 0] > 0."),
    "mask_other_unit": ("the ReLU mask belongs to the wrong hidden unit: W11[1] is column 1 of W[1], so "
                        "it feeds hidden unit 1 and the mask is 1[f10[1] > 0] = (f1[1, 0] > 0), not "
                        "f1[0, 0] > 0."),
    "mask_missing": ("the ReLU mask 1[f10[1] > 0] is missing: when hidden unit 1 is off (f10[1] <= 0) "
                     "its output is stuck at 0, so W11[1] cannot change the loss and the gradient is 0."),
    "mask_relu_value": ("the ReLU mask must be the derivative of ReLU, 1[f10[1] > 0] (0 or 1), not "
                        "ReLU(f10[1]) itself: multiply by float(f1[1, 0] > 0), not by a1[1, 0]."),
    "other_weight": ("hidden unit 1 reaches the output through W10[2] = W2[1, 0] (row 1 of W[2]); you "
                     "used W00[2] = W2[0, 0], the weight of hidden unit 0."),
    "bias_input": ("the last factor is X10 = X[1, 0]: W11[1] sits in row 1 of W[1], so it multiplies "
                   "row 1 of X (the first feature), not the bias row X[0, 0] = 1."),
    "other_input": ("the last factor is X10 = X[1, 0]: W11[1] sits in row 1 of W[1], so it multiplies "
                    "row 1 of X (the first feature), not row 2."),
    "swapped": ("alpha and beta are swapped: alpha weights the Y = 1 term (-alpha Y0 / Y_hat0) and beta "
                "the Y = 0 term (+beta (1 - Y0) / (1 - Y_hat0))."),
    "unweighted": ("you used dE/df0[2] = Y_hat0 - Y0, which holds only when alpha = beta = 1. With class "
                   "weights keep [-alpha Y0 / Y_hat0 + beta (1 - Y0) / (1 - Y_hat0)] times "
                   "sigma(f0[2])(1 - sigma(f0[2]))."),
    "no_slope": ("the sigmoid's slope dY_hat0/df0[2] = sigma(f0[2])(1 - sigma(f0[2])) = Y_hat0 (1 - Y_hat0) "
                 "is missing from the chain."),
}


def _describe_case(case, parts) -> str:
    x = parts["x_all"]
    return (f"X = [{x[0]:g}, {x[1]:.4f}, {x[2]:.4f}], Y = {parts['y']:g}, alpha = {case['alpha']:g}, "
            f"beta = {case['beta']:g}, f[1] = [{parts['f1'][0]:.4f}, {parts['f1'][1]:.4f}], "
            f"Y_hat = {parts['y_hat']:.4f}, W10[2] = W2[1, 0] = {parts['w']:.4f}")


def _as_number(exercise: str, name: str, value, case_text: str) -> float:
    if value is None:
        fail(exercise, f"{name} came back as None.", hint="did you forget the `return` statement?",
             detail=f"case: {case_text}")
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        fail(exercise, f"{name} must be a number; got {type(value).__name__}.", got=fmt_array(value))
    if arr.size != 1:
        fail(exercise, f"{name} should be a single number for one sample; got shape {arr.shape}.",
             expected="a float (or an array with one entry)", got=fmt_array(arr), detail=f"case: {case_text}",
             hint="pick the one entry you need with two indices, e.g. W2[1, 0] or X[1, 0], and return "
                  "the product of the five factors.")
    return float(arr.reshape(()))


def exercise_3_1(dE_dW11) -> None:
    """Check ``dE_dW11(X, Y, W1, W2, alpha, beta)`` on 40 single-sample cases.

    The reference is ``net.backward(Y, alpha=alpha, beta=beta)[0][1, 1]`` of the
    library's MLP, which must agree with central differences as well.
    """
    ex, name = "3.1", "dE/dW11[1]"
    cases = _single_sample_cases()
    parts = [_w11_parts(c) for c in cases]
    texts = [_describe_case(c, p) for c, p in zip(cases, parts)]

    got = np.array([
        _as_number(ex, name, call_student(ex, dE_dW11, c["X"], c["Y"], c["W1"], c["W2"], c["alpha"], c["beta"]),
                   t)
        for c, t in zip(cases, texts)
    ])

    backward = np.empty(len(cases))
    numeric = np.empty(len(cases))
    for i, c in enumerate(cases):
        net = MLP([c["W1"], c["W2"]], ["relu", "sigmoid"], hidden_bias=False)
        net.forward(c["X"])
        backward[i] = net.backward(c["Y"], alpha=c["alpha"], beta=c["beta"])[0][1, 1]
        numeric[i] = numerical_gradient(lambda: net.loss(c["X"], c["Y"], alpha=c["alpha"], beta=c["beta"]),
                                        net.weights[0])[1, 1]
    if not np.allclose(backward, numeric, rtol=_NUM_RTOL, atol=_NUM_ATOL):  # pragma: no cover - library bug
        raise RuntimeError("exercise_3_1: net.backward and central differences disagree; report this bug.")

    bad = ~np.isclose(got, backward, rtol=1e-6, atol=1e-9)
    if not bad.any():
        passed(ex)
        return
    i = int(np.argmax(np.abs(got - backward)))
    variants = _w11_variants(parts)
    summary = dict(
        expected=f"{backward[i]:.6g} (net.backward: grad_W[0][1, 1]; central differences: {numeric[i]:.6g})",
        got=f"{got[i]:.6g}",
        detail=f"wrong on {int(bad.sum())} of {len(cases)} one-sample cases; the worst: {texts[i]}",
    )
    what = f"{name} does not match the backward pass."
    for key, hint in _HINTS_3_1.items():
        if np.allclose(got, variants[key], rtol=1e-6, atol=1e-9):
            fail(ex, what, hint=hint, **summary)
    if np.allclose(got, -backward, rtol=1e-6, atol=1e-9):
        fail(ex, what, hint="every value has the wrong sign: dE/dY_hat0 is -alpha Y0 / Y_hat0 + beta (1 - Y0) / "
                            "(1 - Y_hat0) (minus on the Y = 1 term, plus on the Y = 0 term).", **summary)
    fail(ex, what, **summary,
         hint="multiply the five factors of the chain W11[1] -> f10[1] -> a10[1] -> f0[2] -> Y_hat0 -> E: "
              "[-alpha Y0/Y_hat0 + beta (1-Y0)/(1-Y_hat0)] * Y_hat0 (1 - Y_hat0) * W2[1, 0] * "
              "1[f1[1, 0] > 0] * X[1, 0], with f1 = W1.T @ X, a1 = ReLU(f1), Y_hat = sigmoid(W2.T @ a1).")


# ---------------------------------------------------------------------------
# Exercise 3.3: the vectorized backward pass for a batch.
# ---------------------------------------------------------------------------

#: (n, alpha, beta) of the batches exercise 3.3 is checked on.
_BATCHES = ((6, 1.0, 1.0), (13, 2.5, 0.4), (30, 1.0, 3.0))


def _batch_case(n: int, seed: int):
    """A batch where each hidden unit is on for some samples and off for others, away from the kink."""
    rng = np.random.default_rng(seed)
    while True:
        X = np.vstack([np.ones((1, n)), rng.normal(0.0, 1.0, (2, n))])
        W1 = rng.normal(0.0, 1.0, (3, 2))
        W2 = rng.normal(0.0, 1.5, (2, 1))
        F1 = W1.T @ X
        on = (F1 > 0).mean(axis=1)
        if np.abs(F1).min() > 1e-3 and on.min() > 0.0 and on.max() < 1.0:
            break
    Y = np.zeros((1, n))
    Y[0, rng.permutation(n)[: n // 2]] = 1.0
    return X, Y, W1, W2


def _backward_variant(X, Y, W1, W2, alpha, beta, mask: str = "hidden", output: str = "weighted"):
    """The vectorized backward pass, right (the defaults) or with one known mistake."""
    n = X.shape[1]
    F1 = W1.T @ X
    A1 = np.maximum(F1, 0.0)
    F2 = W2.T @ A1
    Yh = sigmoid(F2)
    if output == "weighted":
        dF2 = (-alpha * Y / Yh + beta * (1 - Y) / (1 - Yh)) * Yh * (1 - Yh)
    elif output == "swapped":
        dF2 = (-beta * Y / Yh + alpha * (1 - Y) / (1 - Yh)) * Yh * (1 - Yh)
    elif output == "unweighted":
        dF2 = Yh - Y
    elif output == "no_slope":
        dF2 = -alpha * Y / Yh + beta * (1 - Y) / (1 - Yh)
    else:  # pragma: no cover - internal
        raise ValueError(output)
    dF2 = dF2 / n
    dW2 = A1 @ dF2.T
    dA1 = W2 @ dF2
    masks = {
        "hidden": (F1 > 0).astype(float),
        "upstream": (dA1 > 0).astype(float),
        "output": np.broadcast_to((F2 > 0).astype(float), F1.shape),
        "input": (X[1:] > 0).astype(float),
        "missing": np.ones_like(F1),
        "relu_value": A1,
    }
    dW1 = X @ (dA1 * masks[mask]).T
    return dW1, dW2


_HINTS_3_3_W1 = {
    "upstream": ("the ReLU mask is taken from the wrong array: you masked with the sign of the upstream "
                 "gradient dE/da[1]. ReLU's derivative is 1[f[1] > 0], a property of the hidden layer's own "
                 "pre-activation F1 = W1.T @ X (shape (2, n)); the upstream gradient is what gets multiplied."),
    "output": ("the ReLU mask is taken from the wrong array: you used F2 > 0, the output layer's "
               "pre-activation (1, n), which numpy broadcast over both hidden units. The mask of the hidden "
               "ReLU is F1 > 0 with F1 = W1.T @ X (shape (2, n))."),
    "input": ("the ReLU mask is taken from the wrong array: you used the input X (a[0]), the layer below. "
              "The mask of the hidden ReLU is F1 > 0 with F1 = W1.T @ X (shape (2, n))."),
    "missing": ("the ReLU mask is missing: dE/df[1] = dE/da[1] * 1[f[1] > 0]. Samples for which a hidden "
                "unit is off (F1 <= 0) must contribute nothing to that unit's column of dE/dW[1]."),
    "relu_value": ("the ReLU mask must be ReLU's derivative 1[F1 > 0] (zeros and ones), not ReLU(F1) = A1: "
                   "multiply dE/da[1] by (F1 > 0)."),
}

_HINTS_3_3_W2 = {
    "swapped": ("alpha and beta are swapped: alpha weights the Y = 1 terms (-alpha Y / Y_hat) and beta the "
                "Y = 0 terms (+beta (1 - Y) / (1 - Y_hat))."),
    "unweighted": ("you used dE/df[2] = (Y_hat - Y) / n, which holds only when alpha = beta = 1. With class "
                   "weights use (1/n) [-alpha Y / Y_hat + beta (1 - Y) / (1 - Y_hat)] * Y_hat * (1 - Y_hat)."),
    "no_slope": ("the sigmoid's slope Y_hat * (1 - Y_hat) is missing: dE/df[2] = dE/dY_hat * Y_hat * (1 - Y_hat), "
                 "elementwise."),
}


def exercise_3_3(backprop_321) -> None:
    """Check ``backprop_321(X, Y, W1, W2, alpha, beta)`` against central differences
    on batches of 6, 13 and 30 samples, with and without class weights."""
    ex = "3.3"
    for k, (n, alpha, beta) in enumerate(_BATCHES):
        X, Y, W1, W2 = _batch_case(n, seed=3300 + k)
        result = call_student(ex, backprop_321, X, Y, W1, W2, alpha, beta)
        label = f"(n = {n}, alpha = {alpha:g}, beta = {beta:g})"
        if result is None:
            fail(ex, "the function returned None.", expected="[dE/dW1 of shape (3, 2), dE/dW2 of shape (2, 1)]",
                 got="None", hint="did you forget the `return [dW1, dW2]` statement?")
        if not isinstance(result, (list, tuple)) or len(result) != 2:
            fail(ex, "the function must return a list of two gradients.",
                 expected="[dE/dW1 of shape (3, 2), dE/dW2 of shape (2, 1)]",
                 got=f"{type(result).__name__}" + (f" of length {len(result)}" if hasattr(result, "__len__") else ""),
                 hint="end with `return [dW1, dW2]`, one gradient per weight matrix, W[1] first.")
        g1, g2 = result
        if np.shape(g1) == W2.shape and np.shape(g2) == W1.shape:
            fail(ex, "the two gradients come back in the wrong order.",
                 expected="[dE/dW1 of shape (3, 2), dE/dW2 of shape (2, 1)]",
                 got=f"shapes [{np.shape(g1)}, {np.shape(g2)}]", hint="return [dW1, dW2]: layer 1 first.")

        net = MLP([W1, W2], ["relu", "sigmoid"], hidden_bias=False)
        num1 = numerical_gradient(lambda: net.loss(X, Y, alpha=alpha, beta=beta), net.weights[0])
        num2 = numerical_gradient(lambda: net.loss(X, Y, alpha=alpha, beta=beta), net.weights[1])

        w2_mistakes = []
        for key, hint in _HINTS_3_3_W2.items():
            w2_mistakes.append((_backward_variant(X, Y, W1, W2, alpha, beta, output=key)[1], hint))
        expect_array(ex, f"dE/dW2 {label}", g2, num2, n=n, mistakes=w2_mistakes, rtol=_NUM_RTOL, atol=_NUM_ATOL,
                     hint="start from dE/df[2] = (1/n) [-alpha Y / Y_hat + beta (1 - Y) / (1 - Y_hat)] * Y_hat * "
                          "(1 - Y_hat), shape (1, n); then dE/dW[2] = A1 @ dE/df[2].T, shape (2, 1).")

        w1_mistakes = []
        for key, hint in _HINTS_3_3_W1.items():
            w1_mistakes.append((_backward_variant(X, Y, W1, W2, alpha, beta, mask=key)[0], hint))
        expect_array(ex, f"dE/dW1 {label}", g1, num1, n=n, mistakes=w1_mistakes, rtol=_NUM_RTOL, atol=_NUM_ATOL,
                     hint="dE/dW2 is right, so look between f[2] and W[1]: dE/da[1] = W2 @ dE/df[2] (2, n); "
                          "dE/df[1] = dE/da[1] * ReLU mask (F1 > 0) (2, n); dE/dW[1] = X @ dE/df[1].T (3, 2).")
    passed(ex)


# ---------------------------------------------------------------------------
# Planted mistakes: realistic wrong answer cells the test suite plants in the notebook.
# ---------------------------------------------------------------------------

# Each "source" is a whole answer cell: the def line and docstring the student notebook shows, then a
# realistic wrong body.
_HEAD_3_1 = '''def dE_dW11(X, Y, W1, W2, alpha, beta):
    """dE/dW11[1] of the 3-2-1 network for ONE sample (n = 1), from the closed form.

    X: (3, 1), bias row first; Y: (1, 1); W1: (3, 2); W2: (2, 1); alpha, beta: class weights.
    Returns a float.
    """
'''

_HEAD_3_3 = '''def backprop_321(X, Y, W1, W2, alpha, beta):
    """[dE/dW1, dE/dW2] of the weighted log-loss of the 3-2-1 network for a batch.

    X: (3, n), bias row first; Y: (1, n); W1: (3, 2); W2: (2, 1); alpha, beta: class weights.
    Returns a list of two arrays with the shapes of W1 and W2.
    """
'''

#: Planted in the notebook by tests/test_notebooks.py: each must fail its check with ``hint``.
PLANTED_MISTAKES = [
    {"exercise": "3.1", "kind": "ReLU mask from the input a[0] = X",
     "source": _HEAD_3_1 + '''    f1 = W1.T @ X
    y, y_hat = Y[0, 0], tl.sigmoid(W2.T @ tl.relu(f1))[0, 0]
    dE_dYhat = -alpha * y / y_hat + beta * (1 - y) / (1 - y_hat)
    relu_mask = float(X[1, 0] > 0)
    return float(dE_dYhat * y_hat * (1 - y_hat) * W2[1, 0] * relu_mask * X[1, 0])
''',
     "hint": "ReLU mask"},
    {"exercise": "3.1", "kind": "ReLU mask from the output layer's f[2]",
     "source": _HEAD_3_1 + '''    f2 = W2.T @ tl.relu(W1.T @ X)
    y, y_hat = Y[0, 0], tl.sigmoid(f2)[0, 0]
    dE_df2 = (-alpha * y / y_hat + beta * (1 - y) / (1 - y_hat)) * y_hat * (1 - y_hat)
    return float(dE_df2 * W2[1, 0] * (f2[0, 0] > 0) * X[1, 0])
''',
     "hint": "ReLU mask"},
    {"exercise": "3.1", "kind": "ReLU mask from the upstream gradient",
     "source": _HEAD_3_1 + '''    y, y_hat = Y[0, 0], tl.sigmoid(W2.T @ tl.relu(W1.T @ X))[0, 0]
    dE_da = (-alpha * y / y_hat + beta * (1 - y) / (1 - y_hat)) * y_hat * (1 - y_hat) * W2[1, 0]
    return float(tl.relu(dE_da) * X[1, 0])
''',
     "hint": "ReLU mask"},
    {"exercise": "3.1", "kind": "weight of the wrong hidden unit (W00[2] for W10[2])",
     "source": _HEAD_3_1 + '''    f1 = W1.T @ X
    y, y_hat = Y[0, 0], tl.sigmoid(W2.T @ tl.relu(f1))[0, 0]
    dE_dYhat = -alpha * y / y_hat + beta * (1 - y) / (1 - y_hat)
    return float(dE_dYhat * y_hat * (1 - y_hat) * W2[0, 0] * (f1[1, 0] > 0) * X[1, 0])
''',
     "hint": "W10[2] = W2[1, 0]"},
    {"exercise": "3.1", "kind": "alpha and beta swapped",
     "source": _HEAD_3_1 + '''    f1 = W1.T @ X
    y, y_hat = Y[0, 0], tl.sigmoid(W2.T @ tl.relu(f1))[0, 0]
    dE_dYhat = -beta * y / y_hat + alpha * (1 - y) / (1 - y_hat)
    return float(dE_dYhat * y_hat * (1 - y_hat) * W2[1, 0] * (f1[1, 0] > 0) * X[1, 0])
''',
     "hint": "alpha and beta are swapped"},
    {"exercise": "3.3", "kind": "ReLU mask from the upstream gradient",
     "source": _HEAD_3_3 + '''    n = X.shape[1]
    A1 = tl.relu(W1.T @ X)
    Y_hat = tl.sigmoid(W2.T @ A1)
    dF2 = (-alpha * Y / Y_hat + beta * (1 - Y) / (1 - Y_hat)) * Y_hat * (1 - Y_hat) / n
    dA1 = W2 @ dF2
    dF1 = dA1 * (dA1 > 0)
    return [X @ dF1.T, A1 @ dF2.T]
''',
     "hint": "ReLU mask"},
    {"exercise": "3.3", "kind": "ReLU mask from the output layer's f[2]",
     "source": _HEAD_3_3 + '''    n = X.shape[1]
    A1 = tl.relu(W1.T @ X)
    F2 = W2.T @ A1
    Y_hat = tl.sigmoid(F2)
    dF2 = (-alpha * Y / Y_hat + beta * (1 - Y) / (1 - Y_hat)) * Y_hat * (1 - Y_hat) / n
    dF1 = (W2 @ dF2) * (F2 > 0)
    return [X @ dF1.T, A1 @ dF2.T]
''',
     "hint": "ReLU mask"},
    {"exercise": "3.3", "kind": "ReLU mask from the input a[0] = X",
     "source": _HEAD_3_3 + '''    n = X.shape[1]
    A1 = tl.relu(W1.T @ X)
    Y_hat = tl.sigmoid(W2.T @ A1)
    dF2 = (-alpha * Y / Y_hat + beta * (1 - Y) / (1 - Y_hat)) * Y_hat * (1 - Y_hat) / n
    dF1 = (W2 @ dF2) * (X[1:] > 0)
    return [X @ dF1.T, A1 @ dF2.T]
''',
     "hint": "ReLU mask"},
    {"exercise": "3.3", "kind": "missing 1/n",
     "source": _HEAD_3_3 + '''    F1 = W1.T @ X
    A1 = tl.relu(F1)
    Y_hat = tl.sigmoid(W2.T @ A1)
    dF2 = (-alpha * Y / Y_hat + beta * (1 - Y) / (1 - Y_hat)) * Y_hat * (1 - Y_hat)
    dF1 = (W2 @ dF2) * (F1 > 0)
    return [X @ dF1.T, A1 @ dF2.T]
''',
     "hint": "1/n is missing"},
    {"exercise": "3.3", "kind": "transposed dE/dW1",
     "source": _HEAD_3_3 + '''    n = X.shape[1]
    F1 = W1.T @ X
    A1 = tl.relu(F1)
    Y_hat = tl.sigmoid(W2.T @ A1)
    dF2 = (-alpha * Y / Y_hat + beta * (1 - Y) / (1 - Y_hat)) * Y_hat * (1 - Y_hat) / n
    dF1 = (W2 @ dF2) * (F1 > 0)
    return [dF1 @ X.T, A1 @ dF2.T]
''',
     "hint": "transposed"},
]

#: More wrong answers, recognised by the checkers too; the unit tests (tests/test_checks_nb03.py) run
#: them directly, so that planting in the notebook (one execution per round) stays at five rounds.
MORE_MISTAKES = [
    {"exercise": "3.3", "kind": "ReLU mask missing",
     "source": _HEAD_3_3 + '''    n = X.shape[1]
    A1 = tl.relu(W1.T @ X)
    Y_hat = tl.sigmoid(W2.T @ A1)
    dF2 = (-alpha * Y / Y_hat + beta * (1 - Y) / (1 - Y_hat)) * Y_hat * (1 - Y_hat) / n
    return [X @ (W2 @ dF2).T, A1 @ dF2.T]
''',
     "hint": "ReLU mask is missing"},
    {"exercise": "3.3", "kind": "transposed dE/dW2",
     "source": _HEAD_3_3 + '''    n = X.shape[1]
    F1 = W1.T @ X
    A1 = tl.relu(F1)
    Y_hat = tl.sigmoid(W2.T @ A1)
    dF2 = (-alpha * Y / Y_hat + beta * (1 - Y) / (1 - Y_hat)) * Y_hat * (1 - Y_hat) / n
    dW2 = dF2 @ A1.T
    return [X @ ((W2 @ dF2) * (F1 > 0)).T, dW2]
''',
     "hint": "transposed"},
    {"exercise": "3.3", "kind": "class weights ignored (Y_hat - Y)",
     "source": _HEAD_3_3 + '''    F1 = W1.T @ X
    A1 = tl.relu(F1)
    dF2 = (tl.sigmoid(W2.T @ A1) - Y) / X.shape[1]
    dF1 = (W2 @ dF2) * (F1 > 0)
    return [X @ dF1.T, A1 @ dF2.T]
''',
     "hint": "holds only when alpha = beta = 1"},
    {"exercise": "3.1", "kind": "ReLU mask missing",
     "source": _HEAD_3_1 + '''    y, y_hat = Y[0, 0], tl.sigmoid(W2.T @ tl.relu(W1.T @ X))[0, 0]
    dE_dYhat = -alpha * y / y_hat + beta * (1 - y) / (1 - y_hat)
    return float(dE_dYhat * y_hat * (1 - y_hat) * W2[1, 0] * X[1, 0])
''',
     "hint": "ReLU mask 1[f10[1] > 0] is missing"},
    {"exercise": "3.1", "kind": "ReLU itself instead of its derivative",
     "source": _HEAD_3_1 + '''    a1 = tl.relu(W1.T @ X)
    y, y_hat = Y[0, 0], tl.sigmoid(W2.T @ a1)[0, 0]
    dE_dYhat = -alpha * y / y_hat + beta * (1 - y) / (1 - y_hat)
    return float(dE_dYhat * y_hat * (1 - y_hat) * W2[1, 0] * a1[1, 0] * X[1, 0])
''',
     "hint": "ReLU mask must be the derivative"},
    {"exercise": "3.1", "kind": "ReLU mask of hidden unit 0",
     "source": _HEAD_3_1 + '''    f1 = W1.T @ X
    y, y_hat = Y[0, 0], tl.sigmoid(W2.T @ tl.relu(f1))[0, 0]
    dE_dYhat = -alpha * y / y_hat + beta * (1 - y) / (1 - y_hat)
    return float(dE_dYhat * y_hat * (1 - y_hat) * W2[1, 0] * (f1[0, 0] > 0) * X[1, 0])
''',
     "hint": "ReLU mask belongs to the wrong hidden unit"},
    {"exercise": "3.1", "kind": "bias entry X00 instead of X10",
     "source": _HEAD_3_1 + '''    f1 = W1.T @ X
    y, y_hat = Y[0, 0], tl.sigmoid(W2.T @ tl.relu(f1))[0, 0]
    dE_dYhat = -alpha * y / y_hat + beta * (1 - y) / (1 - y_hat)
    return float(dE_dYhat * y_hat * (1 - y_hat) * W2[1, 0] * (f1[1, 0] > 0) * X[0, 0])
''',
     "hint": "X10 = X[1, 0]"},
    {"exercise": "3.1", "kind": "sigmoid slope missing",
     "source": _HEAD_3_1 + '''    f1 = W1.T @ X
    y, y_hat = Y[0, 0], tl.sigmoid(W2.T @ tl.relu(f1))[0, 0]
    dE_dYhat = -alpha * y / y_hat + beta * (1 - y) / (1 - y_hat)
    return float(dE_dYhat * W2[1, 0] * (f1[1, 0] > 0) * X[1, 0])
''',
     "hint": "sigmoid's slope"},
    {"exercise": "3.1", "kind": "class weights ignored (Y_hat - Y)",
     "source": _HEAD_3_1 + '''    f1 = W1.T @ X
    y_hat = tl.sigmoid(W2.T @ tl.relu(f1))[0, 0]
    return float((y_hat - Y[0, 0]) * W2[1, 0] * (f1[1, 0] > 0) * X[1, 0])
''',
     "hint": "holds only when alpha = beta = 1"},
    {"exercise": "3.1", "kind": "flipped sign of dE/dY_hat",
     "source": _HEAD_3_1 + '''    f1 = W1.T @ X
    y, y_hat = Y[0, 0], tl.sigmoid(W2.T @ tl.relu(f1))[0, 0]
    dE_dYhat = alpha * y / y_hat - beta * (1 - y) / (1 - y_hat)
    return float(dE_dYhat * y_hat * (1 - y_hat) * W2[1, 0] * (f1[1, 0] > 0) * X[1, 0])
''',
     "hint": "wrong sign"},
    {"exercise": "3.3", "kind": "ReLU itself instead of its derivative",
     "source": _HEAD_3_3 + '''    n = X.shape[1]
    A1 = tl.relu(W1.T @ X)
    Y_hat = tl.sigmoid(W2.T @ A1)
    dF2 = (-alpha * Y / Y_hat + beta * (1 - Y) / (1 - Y_hat)) * Y_hat * (1 - Y_hat) / n
    return [X @ ((W2 @ dF2) * A1).T, A1 @ dF2.T]
''',
     "hint": "ReLU mask must be ReLU's derivative"},
    {"exercise": "3.3", "kind": "sigmoid slope missing",
     "source": _HEAD_3_3 + '''    n = X.shape[1]
    F1 = W1.T @ X
    A1 = tl.relu(F1)
    Y_hat = tl.sigmoid(W2.T @ A1)
    dF2 = (-alpha * Y / Y_hat + beta * (1 - Y) / (1 - Y_hat)) / n
    return [X @ ((W2 @ dF2) * (F1 > 0)).T, A1 @ dF2.T]
''',
     "hint": "sigmoid's slope"},
    {"exercise": "3.3", "kind": "alpha and beta swapped",
     "source": _HEAD_3_3 + '''    n = X.shape[1]
    F1 = W1.T @ X
    A1 = tl.relu(F1)
    Y_hat = tl.sigmoid(W2.T @ A1)
    dF2 = (-beta * Y / Y_hat + alpha * (1 - Y) / (1 - Y_hat)) * Y_hat * (1 - Y_hat) / n
    return [X @ ((W2 @ dF2) * (F1 > 0)).T, A1 @ dF2.T]
''',
     "hint": "alpha and beta are swapped"},
    {"exercise": "3.3", "kind": "gradients returned in the wrong order",
     "source": _HEAD_3_3 + '''    n = X.shape[1]
    F1 = W1.T @ X
    A1 = tl.relu(F1)
    Y_hat = tl.sigmoid(W2.T @ A1)
    dF2 = (-alpha * Y / Y_hat + beta * (1 - Y) / (1 - Y_hat)) * Y_hat * (1 - Y_hat) / n
    return [A1 @ dF2.T, X @ ((W2 @ dF2) * (F1 > 0)).T]
''',
     "hint": "wrong order"},
    {"exercise": "3.3", "kind": "sign flipped",
     "source": _HEAD_3_3 + '''    n = X.shape[1]
    F1 = W1.T @ X
    A1 = tl.relu(F1)
    Y_hat = tl.sigmoid(W2.T @ A1)
    dF2 = (alpha * Y / Y_hat - beta * (1 - Y) / (1 - Y_hat)) * Y_hat * (1 - Y_hat) / n
    return [X @ ((W2 @ dF2) * (F1 > 0)).T, A1 @ dF2.T]
''',
     "hint": "wrong sign"},
]
