"""Checkers of notebook 06: a 65-200-100-10 softmax MLP on the 8x8 digits.

Each checker makes its own inputs (fixed public seeds, plus hidden ones in grading mode through
:func:`grading_cases`), with every dimension different from the others and ``n > 1`` samples, so
that a missing ``1/n`` or a transpose shows.  The references are computed at check time from the
library (``softmax_jacobian``, ``MLP.backward``, ``MLP.fit``, ``MLP.loss``), which is unavailable to
the student's function while it runs.  Backprop gradients must agree to rounding (``exact=True``), so
a finite-difference answer is named as such.

Nothing the check cell passes is trusted beyond the thing being checked: exercise 6.12 rebuilds the
digits split from the library with the notebook's seeds, retrains the network with the student's
settings, and evaluates the student's weights in a network of its own.
"""

from __future__ import annotations

import copy
import numbers
from functools import lru_cache

import numpy as np

from ..activations import _softmax, softmax, softmax_jacobian
from ..gradcheck import check_gradients, numerical_gradient, numerical_jacobian, relative_error
from ..losses import _softmax_ce_grad, softmax_ce_grad, softmax_ce_loss
from ..mlp import MLP
from ._common import (
    CheckFailure, _as_result_array, _exception_hint, _first_line, _student_frame, call_student, expect_array,
    expect_close, expect_number, fail, fmt_array, grading_cases, passed,
)

__all__ = [
    "exercise_6_2", "exercise_6_4", "exercise_6_6", "exercise_6_7", "exercise_6_9", "exercise_6_10",
    "exercise_6_11", "exercise_6_12", "PLANTED_MISTAKES", "HINTS", "ACCURACY_GOAL", "SIZES", "ACTIVATIONS",
]

#: The held-out accuracy the trained 65-200-100-10 network must reach (exercise 6.12).
ACCURACY_GOAL = 0.95
#: The notebook's network.
SIZES = [65, 200, 100, 10]
ACTIVATIONS = ["sigmoid", "sigmoid", "softmax"]
#: The notebook's split of the 1,797 digits: 1,344 training images, stratified, random_state 0.
TRAIN_SIZE, SPLIT_SEED = 1344, 0
#: The check retrains the student's settings; beyond this many epochs it would take too long.
MAX_EPOCHS = 300

HINTS = {
    "6.2": [
        "Each p_i depends on every logit through the shared denominator, so J is a full K x K matrix. "
        "Differentiate p_i with respect to z_j with the quotient rule, once for j = i and once for j != i, "
        "and write both results with the probabilities only.",
        "For j = i the quotient rule gives p_i minus p_i squared, that is p_i (1 - p_i); for j != i only the "
        "denominator depends on z_j, which gives minus p_i p_j.",
        "Both cases in one matrix: the diagonal matrix that holds p on its diagonal, minus the outer product "
        "of p with itself (entry (i, j) is p_i p_j). Compute p with a softmax that stays finite when the "
        "logits are near +1000 or -1000: subtracting the largest logit first does not change p.",
    ],
    "6.4": [
        "Start with one image. Its loss is minus the sum over k of y_k log p_k, so dL/dp_k is minus y_k / p_k; "
        "chain that through the softmax Jacobian of Exercise 6.2 to get dL/dz for that image, then think about "
        "what averaging over the n images (the columns) adds.",
        "Entry j of J-transposed times (minus y / p): the diagonal term gives minus y_j (1 - p_j), the "
        "off-diagonal terms give p_j y_t for every t != j. Add them and use that the one-hot y sums to one.",
        "Per image the chain collapses to p minus y, with no division by p left. E averages the n losses and "
        "column i of f[3] appears only in the loss of image i, so dE/df[3] is (Y_hat minus Y) divided by n, "
        "the number of columns (samples), not of rows (classes).",
    ],
    "6.6": [
        "Write the layer entry by entry: f_ji is the sum over r of W_rj times input r of image i, where input "
        "row 0 is the constant 1 and rows 1 onwards are A_prev. Which entries of f does W_rj touch? Which does "
        "the input a_ri touch?",
        "W_rj touches f_j1 ... f_jn, so dE/dW_rj is the sum over the images of delta_ji times input r of image "
        "i; for r = 0 that input is 1, so row 0 sums each unit's delta over the images. The input a_ri feeds "
        "every unit j through W_rj, so dE/da_ri is the sum over the units of W_rj delta_ji.",
        "As matrices: dW is [a row of ones on top of A_prev] times the transpose of dF, shaped like W; dA_prev "
        "is [W without its bias row 0] times dF, shaped like A_prev. No 1/n anywhere: dF already carries it, "
        "and the sigmoid's slope is not part of this step.",
    ],
    "6.7": [
        "Run the forward pass first and keep every activation: layer 1 reads X (its row 0 is already the "
        "ones); layers 2 and 3 read the layer below with a row of ones on top, so row 0 of W[2] and W[3] are "
        "biases. Then go down: the output error of Exercise 6.4, the step of Exercise 6.6 for each layer, and "
        "between two layers the slope of the sigmoid.",
        "Each step down gives dW[l] and dE/da[l-1]. The sigmoid turns dE/da[l-1] into dE/df[l-1] entry by "
        "entry: multiply by its slope, which in terms of the activation is a (1 - a). Keep the softmax stable "
        "for logits near 1000.",
        "In order: delta[3] is (Y_hat minus Y)/n; dW[3] is [ones; a[2]] times delta[3] transposed; delta[2] is "
        "(W[3] without row 0, times delta[3]) times a[2](1 - a[2]) entry by entry; dW[2] is [ones; a[1]] times "
        "delta[2] transposed; delta[1] is (W[2] without row 0, times delta[2]) times a[1](1 - a[1]); dW[1] is "
        "X times delta[1] transposed. Return them as the list dW[1], dW[2], dW[3].",
    ],
    "6.9": [
        "The penalty is a sum of squares, lam times the sum over every entry w of every W[l] of w squared. "
        "Differentiate it with respect to one entry: which terms of the sum contain that entry?",
        "Only the term lam w squared contains w, and its derivative is 2 lam w. Do this for every entry of "
        "every layer, the bias row 0 included (the workbook's convention).",
        "The penalty is lam times the sum of the squared entries of all the W[l] (a float); its gradient for "
        "layer l is 2 lam W[l], one array per layer in the order of the weights, each a new array.",
    ],
    "6.10": [
        "One epoch: shuffle the n training columns, then walk through them in batches of batch_size, and for "
        "each batch run forward, backward (the library's, with the softmax cross-entropy and the L2 strength) "
        "and the update. After the epoch, measure the loss on all of X.",
        "The random generator is made once from the seed, before the first epoch; each epoch takes a fresh "
        "permutation of the column indices from it. The batches are consecutive slices of that permutation; "
        "the last one may be shorter. The update changes every W[l] of the network itself by minus lr times "
        "its gradient.",
        "After each epoch: the loss on all of X (softmax cross-entropy with the L2 term), appended to the "
        "history, then callback(epoch, net, loss) with epochs counted from 1 when a callback is given. Return "
        "the history as an array with one loss per epoch.",
    ],
    "6.11": [
        "The network gives one column of ten probabilities per image. Which digit does it predict for image i, "
        "and along which axis do you look for it?",
        "The predicted digit of image i is the row index of the largest entry of column i of Y_hat (columns "
        "are samples, so the arg max runs over axis 0). Compare the m predictions with the m labels.",
        "The accuracy is the number of images whose predicted digit equals the label, divided by the number "
        "of images m: a fraction between 0 and 1, returned as a float.",
    ],
    "6.12": [
        "Watch the live plot of your run: a loss that stays near ln 10 (about 2.30) for the whole run means "
        "too few epochs or too small a learning rate; a loss that jumps around means too large a rate.",
        "The gradient is an average over the batch, and the sigmoid's slope, at most 1/4, damps the hidden "
        "layers: rates of order 1 work here. Smaller batches take more steps per epoch.",
        "Train again from the notebook's starting weights (run the whole answer cell) after changing the "
        "settings, and look at the held-out curve: it must end at 0.95 or above.",
    ],
}


# ---------------------------------------------------------------------------- helpers
def _one_hot(labels: np.ndarray, K: int) -> np.ndarray:
    Y = np.zeros((K, labels.size))
    Y[labels, np.arange(labels.size)] = 1.0
    return Y


def _internal(condition: bool, what: str) -> None:
    """A reference that disagrees with itself is a bug of the library, not the student's."""
    if not condition:
        raise RuntimeError(f"checker self-test failed ({what}); please report this to the course staff.")


def _small_net(sizes, n: int, seed: int, scale: float = 1.5) -> tuple[MLP, np.ndarray, np.ndarray]:
    """A sigmoid/softmax network with hidden biases, random inputs (bias row first) and one-hot targets."""
    rng = np.random.default_rng(seed)
    acts = ["sigmoid"] * (len(sizes) - 2) + ["softmax"]
    net = MLP.from_sizes(sizes, acts, init="xavier", scale=scale, seed=rng, hidden_bias=True)
    X = np.vstack([np.ones((1, n)), rng.random((sizes[0] - 1, n))])
    labels = rng.integers(0, sizes[-1], size=n)
    labels[: sizes[-1]] = np.arange(min(n, sizes[-1]))  # every class present when n allows
    return net, X, _one_hot(labels, sizes[-1])


@lru_cache(maxsize=1)
def _digits_split_cached():
    from sklearn.model_selection import train_test_split

    from ..data import load_digits_onehot

    X, Y, labels = load_digits_onehot(return_labels=True)
    train, test = train_test_split(np.arange(labels.size), train_size=TRAIN_SIZE, stratify=labels,
                                   random_state=SPLIT_SEED)
    return X[:, train], Y[:, train], labels[train], X[:, test], labels[test]


def _digits_split():
    """The notebook's split, recomputed from the library (never the arrays a check cell passes)."""
    return tuple(a.copy() for a in _digits_split_cached())


_SHAPE_WORDS = ("broadcast", "shape", "aligned", "mismatch", "dimension", "concatenat", "size")


def _run(exercise: str, fn, *args, forbid=(), shapes: str = "", diagnose=None, **kwargs):
    """:func:`call_student`, with a shape-aware message for the errors a wrong product or stack raises.

    ``diagnose(exc)`` may return a more specific hint for a ``ValueError``.  A forbidden call is
    reported by its outermost name only (``MLP.backward``, not also the helpers it calls).
    """
    try:
        # An overflow or a division by 0 gives inf or nan (named below), not a warning on stderr.
        with np.errstate(all="ignore"):
            return call_student(exercise, fn, *args, forbid=forbid,
                                passthrough=(ValueError, TypeError, IndexError), **kwargs)
    except CheckFailure as exc:
        prefix = f"Exercise {exercise}: your function calls "
        text = str(exc)
        if text.startswith(prefix) and ", the library's own answer" in text:
            first = text[len(prefix):].split(", the library's own answer")[0].split(", ")[0]
            fail(exercise, f"your function calls {first}, the library's own answer to this exercise.",
                 hint=f"write the maths yourself: {first} is what this exercise builds, so it is not available "
                      f"while the check runs.")
        raise
    except (ValueError, TypeError, IndexError) as exc:
        text = str(exc)
        where = _student_frame(exc.__traceback__)
        special = diagnose(exc) if diagnose is not None and isinstance(exc, ValueError) else None
        if special:
            hint = special
        elif isinstance(exc, TypeError) and ("argument" in text or "positional" in text):
            hint = ("keep the signature of the answer cell: the check calls your function with the arguments "
                    "named there.")
        elif isinstance(exc, ValueError) and " must " in text and "shape" in text:
            hint = ("a library function refused an array of the wrong shape (its message says which). "
                    + shapes).strip()
        elif isinstance(exc, ValueError) and any(w in text for w in _SHAPE_WORDS):
            hint = ("two arrays met with shapes that do not fit: print the shape of each operand on that line. "
                    + shapes).strip()
        elif isinstance(exc, IndexError):
            hint = ("an index ran past the end of an axis: print the shapes on that line; columns are samples. "
                    + shapes).strip()
        else:
            hint = _exception_hint(exc)
        fail(exercise, f"your function raised {type(exc).__name__}: {_first_line(exc)}", detail=where, hint=hint)


def _as_array(exercise: str, name: str, got, expected_shape) -> np.ndarray:
    """``got`` as a float array (odd returns get a message), without comparing values yet."""
    return _as_result_array(exercise, name, got, expected_shape, allow_nonfinite=True)


def _sequence(exercise: str, result, count: int, what: str, names: str) -> list:
    """``result`` as a list of ``count`` items, or a message saying what came back instead."""
    if result is None:
        fail(exercise, "your function returned None.", hint="did you forget the `return` statement?")
    if isinstance(result, np.ndarray):
        fail(exercise, f"your function returned one array of shape {result.shape}; {what}.",
             expected=names, got=f"an array of shape {result.shape}",
             hint=f"return {count} separate arrays (a tuple or a list), in the order the docstring gives.")
    if not isinstance(result, (tuple, list)):
        fail(exercise, f"your function must return {what}.", expected=names,
             got=fmt_array(result) if np.isscalar(result) else type(result).__name__,
             hint=f"return a tuple or a list of {count} items, in the order the docstring gives.")
    if len(result) != count:
        fail(exercise, f"your function returned {len(result)} item(s); {what}.", expected=names,
             got=f"a {type(result).__name__} of {len(result)}",
             hint=f"return exactly {count} items, in the order the docstring gives.")
    return list(result)


# ---------------------------------------------------------------------------- 6.2
def _mixed_logits(K: int, first_low: bool, seed: int) -> np.ndarray:
    """One sample's logits from about -1000 to +1000: two near +1000 (about 1 apart, so that p is not one-hot),
    one near -1000 (the first logit when ``first_low``), the others near 0.

    Only a shift by the largest logit keeps every exponent finite here: the largest logit lies more than
    710 above the first one and above the mean, so a softmax shifted by z_0 or by the mean overflows.
    """
    rng = np.random.default_rng(seed)
    z = np.round(rng.normal(0.0, 2.0, size=K), 2)
    high1, high2, low = rng.permutation(np.arange(1, K))[:3]
    z[high1] = np.round(1000.0 + rng.normal(0.0, 1.0), 2)
    z[high2] = np.round(1000.0 + rng.normal(0.0, 1.0), 2)
    z[0 if first_low else low] = np.round(-1000.0 + rng.normal(0.0, 1.0), 2)
    _internal(z.max() - z[0] > 720 and z.max() - z.mean() > 720, "mixed logits overflow a shift by z_0 or the mean")
    return z


def _logit_cases():
    """(z, label, kind) for 6.2: ordinary logits, logits near +1000 or -1000 (a common offset, where exp
    overflows or underflows unless a logit is subtracted first), then samples that mix +1000, 0 and -1000."""
    cases = []
    # (K, spread, offset, seed)
    for K, spread, offset, seed in grading_cases("6.2", [(3, 2.0, 0.0, 621), (5, 2.0, 0.0, 622),
                                                         (10, 2.0, 0.0, 623), (4, 3.0, 1000.0, 624),
                                                         (6, 3.0, -1000.0, 625)]):
        z = np.random.default_rng(seed).normal(0.0, spread, size=K) + offset
        label = (f"the Jacobian for K = {K} logits near {offset:+.0f}" if offset
                 else f"the Jacobian for K = {K} logits z = {fmt_array(z, 3)}")
        cases.append((z, label, "offset" if offset else "ordinary"))
    # (K, first logit the lowest, seed)
    for K, first_low, seed in grading_cases("6.2", [(5, False, 626), (7, True, 627)]):
        z = _mixed_logits(K, first_low, seed)
        cases.append((z, f"the Jacobian for K = {K} logits z = [{', '.join(f'{v:g}' for v in z)}]", "mixed"))
    return cases


def exercise_6_2(softmax_jacobian_fn) -> None:
    """Check ``softmax_jacobian(z)``: the (K, K) Jacobian of softmax for one sample's logits (K,)."""
    forbid = (softmax_jacobian, numerical_jacobian, numerical_gradient, check_gradients,
              MLP.backward, MLP._backward, MLP._output_grads)
    for z, label, kind in _logit_cases():
        K = z.size
        expected = softmax_jacobian(z)
        if kind == "ordinary":
            numeric = numerical_jacobian(lambda v: softmax(v[:, None])[:, 0], z)
            _internal(relative_error(expected, numeric) < 1e-7, "softmax_jacobian vs central differences")
        got = _run("6.2", softmax_jacobian_fn, z, forbid=forbid,
                   shapes="z is one sample's logits, shape (K,); J is (K, K).")
        arr = _as_array("6.2", label, got, expected.shape)
        if arr.shape == expected.shape and not np.all(np.isfinite(arr)):
            if kind == "mixed":
                fail("6.2", f"{label} has nan or inf entries.", expected="finite numbers everywhere",
                     got=fmt_array(arr),
                     hint="an exponential overflowed: this sample mixes logits near +1000, near 0 and near -1000. "
                          "Subtracting the same number from every logit does not change p, but only the LARGEST "
                          "logit keeps every exponent at or below 0; a shift by the first logit or by the mean "
                          "still leaves e to the power of several hundred, which is inf.")
            fail("6.2", f"{label} has nan or inf entries.", expected="finite numbers everywhere",
                 got=fmt_array(arr),
                 hint="an exponential overflowed (e to the 1000 is inf) or underflowed to 0 then 0/0. Softmax "
                      "does not change when the same number is subtracted from every logit: subtract the "
                      "largest one before exponentiating (the library's softmax does this).")
        p = _softmax(z[:, None])[:, 0]
        mistakes = [
            (np.outer(p, p) - np.diag(p),
             "every entry has the wrong sign: raising z_i raises p_i, so the diagonal entries are positive, "
             "and it lowers every other probability, so the off-diagonal ones are negative."),
            (np.diag(p * (1.0 - p)),
             "you kept only the diagonal entries dp_i/dz_i. The off-diagonal entries are not zero: raising z_j "
             "lowers every other p_i through the shared denominator."),
            (np.diag(p),
             "only the diagonal matrix of the probabilities came back: the term with the products p_i p_j, "
             "which every entry has, is missing."),
            (-np.outer(p, p),
             "only the products -p_i p_j came back: the diagonal entries also get p_i itself."),
            (np.diag(p) - float(p @ p),
             "one number (the dot product of p with itself) was subtracted from every entry. The second term is "
             "a K x K matrix whose entry (i, j) is p_i p_j, the outer product."),
            (np.diag(p) - np.outer(p, 1.0 - p),
             "the off-diagonal entries are -p_i p_j, not -p_i (1 - p_j); only the diagonal has a (1 - p) factor."),
            (np.diag(z) - np.outer(z, z),
             "you used the logits z where the probabilities p = softmax(z) belong."),
            (np.diag(p) - np.outer(p, p) * K,
             "the product term is K times too large."),
        ]
        expect_array("6.2", label, got, expected, mistakes=mistakes, exact=True,
                     hint="compare column j of yours with how every probability moves when z_j alone is nudged: "
                          "that column is dp_i/dz_j for i = 0 .. K-1.")
    passed("6.2")


# ---------------------------------------------------------------------------- 6.4
def exercise_6_4(output_delta) -> None:
    """Check ``output_delta(Y_hat, Y)``: dE/df[3] for a softmax output and the average cross-entropy."""
    forbid = (softmax_ce_grad, _softmax_ce_grad, softmax_jacobian, numerical_gradient, numerical_jacobian,
              check_gradients, MLP.backward, MLP._backward, MLP._output_grads)
    K = 10
    # (n, logit spread, seed): the last public case has probabilities that are exactly 0 in float64.
    for n, spread, seed in grading_cases("6.4", [(12, 2.0, 641), (3, 2.0, 642), (7, 2.0, 643), (5, 400.0, 644)]):
        rng = np.random.default_rng(seed)
        F = rng.normal(0.0, spread, size=(K, n))
        labels = rng.integers(0, K, size=n)
        Y = _one_hot(labels, K)
        Y_hat = softmax(F)
        expected = (Y_hat - Y) / n  # the library's output error for softmax + "softmax_ce" (MLP._output_grads)
        if spread < 10:
            F_work = F.copy()
            numeric = numerical_gradient(lambda: softmax_ce_loss(softmax(F_work), Y), F_work)
            _internal(relative_error(expected, numeric) < 1e-7, "(Y_hat - Y)/n vs central differences")
        got = _run("6.4", output_delta, Y_hat, Y, forbid=forbid,
                   shapes="Y_hat and Y are both (K, n), columns are samples; the result is (K, n).")
        label = (f"dE/df[3] for K = {K} classes and n = {n} samples"
                 + (" (some probabilities exactly 0)" if spread > 10 else ""))
        arr = _as_array("6.4", label, got, expected.shape)
        if arr.shape == expected.shape and not np.all(np.isfinite(arr)):
            fail("6.4", f"{label} has nan or inf entries.", expected="finite numbers everywhere",
                 got=fmt_array(arr),
                 hint="some probabilities are exactly 0 here (logits hundreds apart), and your expression divides "
                      "by them. Finish the derivation: the chain through the Jacobian simplifies to an expression "
                      "with no division by p at all.")
        mistakes = [
            (-Y / np.where(Y_hat > 0, Y_hat, 1.0) / n,
             "that is dE/dY_hat, the gradient with respect to the probabilities. The exercise asks for dE/df[3], "
             "one step further back: chain it through the softmax Jacobian."),
            ((Y_hat - Y) / Y.size,
             f"you divided by K times n = {Y.size}, every entry of Y. The loss averages over the n = {n} samples "
             f"only; the sum over the K classes is not averaged."),
            (Y_hat * (1.0 - Y_hat) * (Y_hat - Y) / n,
             "there is an extra factor p (1 - p): that is only the diagonal of the softmax Jacobian, and with "
             "the cross-entropy the whole Jacobian has already been used up in the simplification."),
            (Y_hat / n - Y,
             "only Y_hat was divided by n: the 1/n of the average multiplies the whole difference."),
            (Y_hat - Y / n,
             "only Y was divided by n: the 1/n of the average multiplies the whole difference."),
        ]
        if n != K:
            mistakes.append(((Y_hat - Y) / K,
                             f"you divided by K = {K}, the number of classes (rows). Columns are samples, so n is "
                             f"the number of columns, {n} here."))
        if arr.shape == (K, 1):
            fail("6.4", f"{label} has one column instead of n = {n}.", expected=f"shape {expected.shape}",
                 got=f"shape {arr.shape}",
                 hint="you averaged or summed over the samples: dE/df[3] keeps one column per sample (the 1/n "
                      "divides each column, it does not merge them).")
        expect_array("6.4", label, got, expected, n=n, mistakes=mistakes, exact=True,
                     hint="work out one image first (one column), then what the average over the n images "
                          "changes.")
    passed("6.4")


# ---------------------------------------------------------------------------- 6.6
def _layer_case(sizes, n, seed, layer):
    """The arrays of one layer of a small network after the library's backward pass."""
    net, X, Y = _small_net(sizes, n, seed)
    net.forward(X)
    net.backward(Y, loss="softmax_ce")
    i = layer - 1
    W, dF = net.weights[i], net.grad_f[i]
    A_prev = X[1:] if i == 0 else net.a[i - 1]
    dA = (W[1:] @ dF)
    return W, A_prev, dF, net.grad_W[i], dA, (net.grad_a[i - 1] if i > 0 else None)


def exercise_6_6(layer_backward) -> None:
    """Check ``layer_backward(dF, A_prev, W) -> (dW, dA_prev)`` for a layer whose W has a bias row on top."""
    forbid = (MLP.backward, MLP._backward, numerical_gradient, check_gradients)
    # Every dimension differs from the others: inputs 7 (+1), hidden 6 and 5 (+1 each), 4 classes.
    public = [([7, 6, 5, 4], 9, 3, 661), ([7, 6, 5, 4], 13, 2, 662), ([7, 6, 5, 4], 11, 1, 663)]
    for sizes, n, layer, seed in grading_cases("6.6", public):
        W, A_prev, dF, expected_dW, expected_dA, library_dA = _layer_case(sizes, n, seed, layer)
        if library_dA is not None:
            _internal(np.allclose(library_dA, expected_dA, rtol=1e-13, atol=1e-15), "dA_prev vs library")
        label = f"layer {layer} (W {W.shape}, A_prev {A_prev.shape}, dF {dF.shape})"
        result = _run("6.6", layer_backward, dF, A_prev, W, forbid=forbid,
                      shapes=f"here dF is {dF.shape}, A_prev {A_prev.shape} and W {W.shape}.")
        dW, dA_prev = _sequence("6.6", result, 2, "the pair (dW, dA_prev)", "a pair (dW, dA_prev)")

        dW_arr = _as_array("6.6", f"dW for {label}", dW, W.shape)
        dA_arr = _as_array("6.6", f"dA_prev for {label}", dA_prev, A_prev.shape)
        if dW_arr.shape == A_prev.shape and dA_arr.shape == W.shape:
            fail("6.6", f"the pair for {label} is in the wrong order.", expected="(dW, dA_prev)",
                 got=f"shapes {dW_arr.shape} and {dA_arr.shape}",
                 hint="put dW (shaped like W) first in the pair and dA_prev (shaped like A_prev) second.")
        body = A_prev @ dF.T
        db = dF.sum(axis=1)
        if dW_arr.shape == body.shape:
            fail("6.6", f"dW for {label} has one row too few.", expected=f"shape {W.shape}",
                 got=f"shape {dW_arr.shape}",
                 hint="dW has the shape of W, whose row 0 holds the biases. That row multiplies the constant 1 "
                      "in every image, so it gets a gradient too.")
        if dW_arr.shape == (W.shape[0] + 1, W.shape[1]):
            fail("6.6", f"dW for {label} has one row too many.", expected=f"shape {W.shape}",
                 got=f"shape {dW_arr.shape}",
                 hint="A_prev comes without the row of ones: put exactly one bias row on top of it.")
        expect_array("6.6", f"dW for {label}", dW, expected_dW, n=n, exact=True,
                     mistakes=[
                         (np.vstack([db / n, body]),
                          "the bias row is dF averaged over the samples. dF already carries the 1/n of the "
                          "average loss, so row 0 is the plain sum over the samples."),
                         (np.vstack([body, db]),
                          "the bias gradient belongs in row 0, where W keeps its biases, not at the bottom."),
                         (np.vstack([np.zeros_like(db), body]),
                          "the bias row of dW is zero: the biases get a gradient too (their input is the constant "
                          "1 in every image)."),
                         (np.vstack([db, body / n]),
                          "rows 1 onwards were divided by n once more: dF already carries the 1/n."),
                         (np.vstack([db, body * n]),
                          "rows 1 onwards are n times too large, the bias row is right: check for an extra n."),
                         (np.vstack([np.ones_like(db), body]),
                          "row 0 holds ones: it should hold each unit's error summed over the samples."),
                         (np.vstack([db, (A_prev * (1 - A_prev)) @ dF.T]),
                          "rows 1 onwards use the sigmoid's slope a (1 - a) of the inputs instead of the inputs "
                          "themselves: dE/dW_rj is delta_j times input r."),
                     ],
                     hint="row 0 of dW belongs to the biases (input 1), rows 1 onwards to the inputs A_prev; "
                          "entry (r, j) collects delta_j times input r over the samples.")

        if dA_arr.shape == (W.shape[0], n):
            fail("6.6", f"dA_prev for {label} has one row too many.", expected=f"shape {A_prev.shape}",
                 got=f"shape {dA_arr.shape}",
                 hint="leave out row 0 of W (the bias row): the constant 1 it multiplies is not an activation of "
                      "the layer below, so no gradient goes to it.")
        sig = A_prev * (1.0 - A_prev)
        expect_array("6.6", f"dA_prev for {label}", dA_prev, expected_dA, n=n, exact=True,
                     mistakes=[
                         (expected_dA * sig,
                          "you multiplied by the sigmoid's slope a (1 - a). This step returns dE/dA_prev; the "
                          "slope turns it into the previous layer's dE/df in the next step, outside this function."),
                         (W[:-1] @ dF,
                          "you dropped the last row of W instead of the bias row 0."),
                         (expected_dA / n,
                          "dA_prev was divided by n: dF already carries the 1/n."),
                     ],
                     hint="each input a_r feeds every unit j through W_rj (r counted after the bias row), so its "
                          "gradient collects W_rj times delta_j over the units.")
    passed("6.6")


# ---------------------------------------------------------------------------- 6.7
def _backward_variant(weights, X, Y, slope="a", db="sum", inv_n="once", bias_forward=True, softmax_axis=0):
    """The three-layer backward pass, right (the defaults) or with one known mistake."""
    n = X.shape[1]
    acts, inp = [], X
    for i, W in enumerate(weights):
        if i == 0:
            f = W.T @ inp
        else:
            f = W[1:].T @ inp + (W[0][:, None] if bias_forward else 0.0)
        if i < len(weights) - 1:
            a = 1.0 / (1.0 + np.exp(-f))
        else:
            shifted = f - f.max(axis=softmax_axis, keepdims=True)
            e = np.exp(shifted)
            a = e / e.sum(axis=softmax_axis, keepdims=True)
        acts.append((f, a))
        inp = a
    dF = (acts[-1][1] - Y) / (n if inv_n != "none" else 1)
    grads = [None] * len(weights)
    for i in range(len(weights) - 1, -1, -1):
        W = weights[i]
        below = X if i == 0 else acts[i - 1][1]
        if i == 0:
            grads[i] = below @ dF.T
            if db == "mean":
                grads[i][0] /= n
        else:
            bias = dF.sum(axis=1) / (n if db == "mean" else 1)
            grads[i] = np.vstack([bias, below @ dF.T])
        if i > 0:
            dA = W[1:] @ dF
            f_below, a_below = acts[i - 1]
            if slope == "a":
                dF = dA * a_below * (1.0 - a_below)
            elif slope == "f":
                dF = dA * f_below * (1.0 - f_below)
            elif slope == "relu":
                dF = dA * (f_below > 0)
            elif slope == "tanh":
                dF = dA * (1.0 - a_below ** 2)
            else:
                dF = dA
            if inv_n == "each":
                dF = dF / n
    return grads


_VARIANTS_6_7 = [
    (dict(slope="none"), "the sigmoid's slope is missing between the layers: dE/da of a hidden layer becomes its "
                         "dE/df only after multiplying, entry by entry, by the slope of the sigmoid."),
    (dict(slope="f"), "the sigmoid's slope is written in terms of its output, a (1 - a); you used the "
                      "pre-activation f in place of the activation a."),
    (dict(slope="relu"), "that is the slope of a ReLU (0 or 1); these hidden layers are sigmoids."),
    (dict(slope="tanh"), "1 - a squared is the slope of tanh; these hidden layers are sigmoids, whose slope is "
                         "a (1 - a)."),
    (dict(db="mean"), "the bias rows are averages over the samples: the deltas already carry the 1/n, so row 0 of "
                      "each dW is the plain sum over the samples."),
    (dict(inv_n="each"), "you divided by n again at every layer: the 1/n enters once, in the output error, and "
                         "every gradient below inherits it."),
    (dict(bias_forward=False), "your forward pass leaves out the biases (row 0) of W[2] and W[3]: every hidden "
                               "layer gets a row of ones on top before the next layer reads it."),
    (dict(softmax_axis=1), "your softmax normalises each row (over the samples); it must normalise each column, "
                           "the ten logits of one image."),
]


def exercise_6_7(backward_pass) -> None:
    """Check ``backward_pass(weights, X, Y) -> [dW1, dW2, dW3]`` of a sigmoid-sigmoid-softmax network."""
    forbid = (MLP.backward, MLP._backward, MLP._output_grads, MLP.fit, numerical_gradient, numerical_jacobian,
              check_gradients, softmax_jacobian, softmax_ce_grad, _softmax_ce_grad)
    # (sizes, n, shift of the output biases, seed); the last public case has logits near 800.
    public = [([7, 6, 5, 4], 9, 0.0, 671), ([5, 8, 3, 6], 13, 0.0, 672), ([9, 4, 7, 3], 11, 0.0, 673),
              ([6, 5, 4, 3], 10, 800.0, 674)]
    for sizes, n, shift, seed in grading_cases("6.7", public):
        net, X, Y = _small_net(sizes, n, seed)
        net.weights[-1][0] += shift  # the same constant on every logit: softmax and its gradient do not change
        weights = [W.copy() for W in net.weights]
        net.forward(X)
        expected = [g.copy() for g in net.backward(Y, loss="softmax_ce")]
        _internal(all(np.allclose(e, v, rtol=1e-12, atol=1e-15)
                      for e, v in zip(expected, _backward_variant(weights, X, Y))), "backward variant vs library")
        given = [W.copy() for W in weights]
        result = _run("6.7", backward_pass, given, X, Y, forbid=forbid,
                      shapes=f"here X is {X.shape}, W[1] {weights[0].shape}, W[2] {weights[1].shape}, "
                             f"W[3] {weights[2].shape}, Y {Y.shape}.")
        for l, (W, W_given) in enumerate(zip(weights, given)):
            if not isinstance(W_given, np.ndarray) or W_given.shape != W.shape or not np.array_equal(W, W_given):
                fail("6.7", f"your function changed W[{l + 1}] of the weights it was given.",
                     hint="compute new arrays for the gradients; the weights must stay as they were.")
        grads = _sequence("6.7", result, 3, "a list of three gradients, dW[1], dW[2], dW[3]",
                          "[dW[1], dW[2], dW[3]]")
        arrays = [_as_array("6.7", f"dW[{l + 1}]", g, W.shape) for l, (g, W) in enumerate(zip(grads, weights))]
        if arrays[0].shape == weights[2].shape and arrays[2].shape == weights[0].shape:
            fail("6.7", "the gradients come back in reverse order.", expected="[dW[1], dW[2], dW[3]]",
                 got=f"shapes {arrays[0].shape}, {arrays[1].shape}, {arrays[2].shape}",
                 hint="the backward pass computes dW[3] first, but return the list in the order of the layers, "
                      "dW[1] first.")
        if arrays[0].shape == (weights[0].shape[0] + 1, weights[0].shape[1]):
            fail("6.7", "dW[1] has one row too many.", expected=f"shape {weights[0].shape}",
                 got=f"shape {arrays[0].shape}",
                 hint="X already has its row of ones on top (row 0): layer 1 needs no extra bias row.")
        if any(not np.all(np.isfinite(a)) for a in arrays if a.ndim):
            if shift:
                fail("6.7", f"the gradients have nan or inf entries for logits near {shift:.0f}.",
                     expected="finite numbers everywhere",
                     hint="an exponential overflowed in the softmax: subtract each column's largest logit before "
                          "exponentiating (it does not change the probabilities).")
        variants = [(_backward_variant(weights, X, Y, **switches), hint) for switches, hint in _VARIANTS_6_7]
        label = f"network {'-'.join(str(s) for s in sizes)} with hidden biases, n = {n}"
        if shift:
            label += f", logits near {shift:.0f}"
        for l in (2, 1, 0):
            mistakes = [(v[l], hint) for v, hint in variants if not np.allclose(v[l], expected[l])]
            expect_array("6.7", f"dW[{l + 1}] of the {label}", grads[l], expected[l], n=n, exact=True,
                         mistakes=mistakes,
                         hint="compare layer by layer: dW[3] needs only the output error; if dW[3] passes and "
                              "dW[2] does not, look at the step from layer 3 down to layer 2.")
    passed("6.7")


# ---------------------------------------------------------------------------- 6.9
def exercise_6_9(l2_penalty) -> None:
    """Check ``l2_penalty(weights, lam) -> (penalty, grads)``: lam * sum ||W||_F^2 and its gradient per layer."""
    forbid = (MLP.loss, MLP._loss_value, MLP.backward, MLP._backward, numerical_gradient, check_gradients)
    for lam, n, seed in grading_cases("6.9", [(0.01, 8, 691), (0.3, 5, 692), (2.5, 6, 693)]):
        net, X, Y = _small_net([7, 6, 5, 4], n, seed)
        weights = [W.copy() for W in net.weights]
        given = copy.deepcopy(weights)
        result = _run("6.9", l2_penalty, given, lam, forbid=forbid,
                      shapes="weights is a list of 2-D arrays of different shapes: treat one layer at a time.")
        for l, (W, W_given) in enumerate(zip(weights, given)):
            if not isinstance(W_given, np.ndarray) or W_given.shape != W.shape or not np.array_equal(W, W_given):
                fail("6.9", f"your function changed W[{l + 1}] in place.",
                     hint="build new arrays for the gradients instead of updating the weights with an augmented "
                          "assignment: the network still needs its weights.")
        penalty, grads = _sequence("6.9", result, 2, "the pair (penalty, grads)", "a pair (penalty, grads)")

        # The library adds the same term to the loss and its gradient: the differences are the references.
        expected_penalty = net.loss(X, Y, loss="softmax_ce", l2=lam) - net.loss(X, Y, loss="softmax_ce")
        net.forward(X)
        plain = [g.copy() for g in net.backward(Y, loss="softmax_ce")]
        with_l2 = [g.copy() for g in net.backward(Y, loss="softmax_ce", l2=lam)]
        expected_grads = [g1 - g0 for g1, g0 in zip(with_l2, plain)]
        _internal(all(np.allclose(g, 2 * lam * W, rtol=1e-9, atol=1e-12) for g, W in zip(expected_grads, weights)),
                  "l2 gradient vs library")
        expected_grads = [2 * lam * W for W in weights]

        squares = [float((W ** 2).sum()) for W in weights]
        _internal(abs(expected_penalty - lam * sum(squares)) <= 1e-9 * (1.0 + lam * sum(squares)),
                  "l2 penalty vs library")
        no_bias = lam * sum(float((W[1:] ** 2).sum()) for W in weights)
        expect_close("6.9", f"the penalty for lam = {lam}", penalty, lam * sum(squares),
                     mistakes=[
                         (no_bias,
                          "you left out the bias rows (row 0 of each W). The course notes do not penalize their "
                          "separate bias vectors, but in the workbook the biases are row 0 of W and the library's "
                          "L2 term covers all of W; match it by including row 0."),
                         (lam / 2 * sum(squares), "the penalty is half the expected value: it is lam times the sum "
                                                  "of squares, with no factor 1/2."),
                         (sum(squares), "the strength lam is missing: multiply the sum of squares by lam."),
                         (lam * sum(float(np.sqrt(s)) for s in squares),
                          "the norms are not squared: the penalty uses the sum of the squared entries of each W, "
                          "not its length."),
                         (lam * float(np.sqrt(sum(squares))),
                          "that is lam times the length of all weights together; the penalty is the sum of the "
                          "squared entries, without a square root."),
                         (lam * sum(float(np.abs(W).sum()) for W in weights),
                          "that is an L1 penalty (absolute values); L2 squares every entry."),
                         (lam * sum(float((W ** 2).mean()) for W in weights),
                          "you averaged the squares of each W; the penalty sums them."),
                         (lam * squares[-1], "only the last layer is in your penalty; it sums over all layers."),
                         (2 * lam * sum(squares), "the penalty is twice too large: the factor 2 belongs to its "
                                                  "gradient, not to the penalty itself."),
                     ],
                     hint="the penalty is lam times the sum, over every layer and every entry of W[l], of the "
                          "squared entry.")

        if isinstance(grads, np.ndarray) or not isinstance(grads, (list, tuple)):
            fail("6.9", "grads must be a list with one array per layer.",
                 expected=f"a list of {len(weights)} arrays",
                 got=f"an array of shape {grads.shape}" if isinstance(grads, np.ndarray) else type(grads).__name__,
                 hint="build a list that holds one gradient per layer, in the order of the weights.")
        if len(grads) != len(weights):
            fail("6.9", f"grads has {len(grads)} item(s), one per layer expected.",
                 expected=f"a list of {len(weights)} arrays", got=f"{len(grads)} item(s)",
                 hint="one gradient per layer, in the order of the weights.")
        shapes_given = [np.shape(g) if isinstance(g, np.ndarray) else None for g in grads]
        if shapes_given == [W.shape for W in reversed(weights)]:
            fail("6.9", "the gradients come back in reverse order.", expected="dP/dW[1] first",
                 got=f"shapes {shapes_given}", hint="keep the order of the weights you were given.")
        for l, (W, g, expected) in enumerate(zip(weights, grads, expected_grads)):
            no_bias_grad = 2 * lam * W
            no_bias_grad[0] = 0.0
            expect_array("6.9", f"dP/dW[{l + 1}] for lam = {lam}", g, expected, exact=True,
                         mistakes=[
                             (lam * W, "the factor 2 is missing: the derivative of lam w squared is 2 lam w."),
                             (no_bias_grad,
                              "the bias row (row 0) has no penalty gradient. The workbook's L2 term covers all of "
                              "W, row 0 included, so its gradient does too."),
                             (2 * W, "the strength lam is missing from the gradient."),
                             (2 * lam * np.sign(W), "that is the gradient of an L1 penalty; L2's is proportional "
                                                    "to the weight itself."),
                             (lam * W ** 2, "that is the penalty of each entry, not its derivative."),
                             (2 * lam * W * W.size, "the gradient of one entry does not depend on how many entries "
                                                    "the layer has."),
                         ],
                         hint="differentiate lam times w squared with respect to w, entry by entry.")
    passed("6.9")


# ---------------------------------------------------------------------------- 6.10
def _sgd_variant(net: MLP, X, Y, lr, epochs, batch_size, lam, seed, shuffle="each", drop_last=False,
                 sign=-1.0, use_lr=True, use_l2=True, loss="softmax_ce", extra_div=False, hist="all"):
    """Mini-batch SGD as ``MLP.fit`` runs it (the defaults), or with one known mistake.  Trains ``net``."""
    n = X.shape[1]
    rng = np.random.default_rng(seed)
    fixed = rng.permutation(n)
    rng = np.random.default_rng(seed)
    history = []
    l2 = lam if use_l2 else 0.0
    for _ in range(epochs):
        if shuffle == "each":
            order = rng.permutation(n)
        elif shuffle == "once":
            order = fixed
        else:
            order = np.arange(n)
        stop = n - n % batch_size if drop_last and n % batch_size and n > batch_size else n
        last = None
        for start in range(0, stop, batch_size):
            idx = order[start:start + batch_size]
            net.forward(X[:, idx])
            grads = net.backward(Y[:, idx], loss=loss, l2=l2)
            step = (lr if use_lr else 1.0) / (idx.size if extra_div else 1.0)
            for W, g in zip(net.weights, grads):
                W += sign * step * g
            last = idx
        if hist == "last_batch":
            history.append(net.loss(X[:, last], Y[:, last], loss="softmax_ce", l2=lam))
        elif hist == "no_l2":
            history.append(net.loss(X, Y, loss="softmax_ce"))
        else:
            history.append(net.loss(X, Y, loss="softmax_ce", l2=lam))
    return np.array(history), [W.copy() for W in net.weights]


_VARIANTS_6_10 = [
    (dict(shuffle="none"), "your batches never change: the images are not shuffled. Each epoch draws a new "
                           "permutation of the columns from the generator made from the seed."),
    (dict(shuffle="once"), "every epoch uses the same order of the images: the permutation must be drawn afresh "
                           "at the start of every epoch, from one generator made once, before the first epoch."),
    (dict(drop_last=True), "the last, shorter batch of each epoch is missing: walk through all n columns, the "
                           "final slice may hold fewer than batch_size images."),
    (dict(sign=1.0), "the weights moved uphill: the update subtracts lr times the gradient."),
    (dict(use_lr=False), "the learning rate is missing from the update."),
    (dict(use_l2=False), "the L2 strength lam is missing from the backward pass (its gradient is part of every "
                         "update)."),
    (dict(loss="bce"), "you trained on the binary cross-entropy, the library backward's default loss: ask it for "
                       "the softmax cross-entropy."),
    (dict(extra_div=True), "the update divides by the batch size once more: the library's gradient is already "
                           "the average over the batch."),
]


class _Recorder:
    """A callback that remembers how it was called."""

    def __init__(self):
        self.calls = []

    def __call__(self, *args, **kwargs):
        self.calls.append((args, kwargs))


def _weights_close(got, expected, tol=1e-9) -> bool:
    return all(np.shape(g) == e.shape and np.all(np.abs(np.asarray(g) - e) <= tol * (np.abs(e).max() + 1.0))
               for g, e in zip(got, expected))


def exercise_6_10(train_sgd) -> None:
    """Check ``train_sgd(net, X, Y, lr, epochs, batch_size, lam=0.0, seed=0, callback=None) -> history``.

    The reference is the library's ``MLP.fit`` with the same settings, on a copy of the same network.
    """
    # (sizes, n, lr, epochs, batch_size, lam, seed): a ragged last batch, batches that divide n, one batch.
    public = [([6, 5, 4, 3], 20, 0.5, 3, 6, 1e-3, 1001), ([5, 4, 6, 4], 12, 1.0, 2, 4, 0.0, 1002),
              ([7, 3, 5, 3], 10, 0.8, 2, 10, 1e-2, 1003)]
    for sizes, n, lr, epochs, batch_size, lam, seed in grading_cases("6.10", public):
        start, X, Y = _small_net(sizes, n, seed)
        reference = start.copy()
        recorder = _Recorder()
        expected = reference.fit(X, Y, lr=lr, epochs=epochs, loss="softmax_ce", batch_size=batch_size,
                                 seed=seed, l2=lam, callback=recorder)
        check_hist, check_w = _sgd_variant(start.copy(), X, Y, lr, epochs, batch_size, lam, seed)
        _internal(np.allclose(check_hist, expected, rtol=1e-10) and _weights_close(check_w, reference.weights),
                  "sgd variant vs MLP.fit")
        expected_calls = [(e + 1, float(v)) for e, v in enumerate(expected)]

        net = start.copy()
        callback = _Recorder()
        label = (f"{epochs} epochs on n = {n} images, batch_size = {batch_size}, lr = {lr}, lam = {lam}, "
                 f"seed = {seed}")
        history = _run("6.10", train_sgd, net, X, Y, lr, epochs, batch_size, lam=lam, seed=seed,
                       callback=callback, forbid=(MLP.fit,),
                       shapes=f"here X is {X.shape} and Y {Y.shape}; a batch takes columns, not rows.")

        weights = getattr(net, "weights", None)
        if (not isinstance(weights, list) or len(weights) != len(start.weights)
                or any(not isinstance(W, np.ndarray) or W.shape != S.shape for W, S in zip(weights, start.weights))):
            fail("6.10", "after training, the network's weights are no longer its list of weight matrices.",
                 hint="update each W[l] of the network (net.weights) with its gradient; keep their shapes.")
        if _weights_close(weights, start.weights, tol=0.0):
            fail("6.10", f"the network's weights did not change ({label}).",
                 hint="the update must change the arrays inside the network. Rebinding a loop variable to a new "
                      "array leaves the network's own arrays as they were: update them in place, or store the "
                      "new arrays back into the network's list.")
        if not _weights_close(weights, reference.weights):
            for switches, hint in _VARIANTS_6_10:
                _, variant_w = _sgd_variant(start.copy(), X, Y, lr, epochs, batch_size, lam, seed, **switches)
                if _weights_close(weights, variant_w):
                    fail("6.10", f"the trained weights differ from the library's training ({label}).",
                         hint=hint)
            worst = max(float(np.abs(np.asarray(W) - R).max()) for W, R in zip(weights, reference.weights))
            fail("6.10", f"the trained weights differ from the library's training ({label}).",
                 detail=f"largest difference in a weight: {worst:.3g}",
                 hint="follow the steps of the exercise in order: one generator from the seed before the first "
                      "epoch, a fresh permutation per epoch, consecutive batches of that permutation, the "
                      "library's forward and backward on each batch, then the update of every layer.")

        hist_arr = _as_array("6.10", f"the loss history ({label})", history, expected.shape)
        if hist_arr.shape == (epochs + 1,):
            fail("6.10", f"the history has {epochs + 1} entries for {epochs} epochs.", expected=f"shape ({epochs},)",
                 got=f"shape {hist_arr.shape}",
                 hint="record the loss after each epoch only, not before the first one.")
        if hist_arr.ndim == 1 and hist_arr.size > epochs and hist_arr.size % epochs == 0:
            fail("6.10", f"the history has {hist_arr.size} entries for {epochs} epochs.",
                 expected=f"shape ({epochs},)", got=f"shape {hist_arr.shape}",
                 hint="record one loss per epoch (on all of X after the epoch's last update), not one per batch.")
        variants = []
        for switches, hint in ((dict(hist="no_l2"), "the recorded loss leaves out the L2 term: measure it with the "
                                                    "L2 strength, as the training minimises it."),
                               (dict(hist="last_batch"), "the recorded loss is that of the last batch; record the "
                                                         "loss on all of X after the epoch.")):
            variant_h, _ = _sgd_variant(start.copy(), X, Y, lr, epochs, batch_size, lam, seed, **switches)
            if not np.allclose(variant_h, expected, rtol=1e-10):
                variants.append((variant_h, hint))
        expect_array("6.10", f"the loss history ({label})", hist_arr, expected, mistakes=variants, rtol=1e-9,
                     atol=1e-12,
                     hint="after the last update of each epoch, the loss on all of X: the softmax cross-entropy "
                          "plus the L2 term.")

        calls = callback.calls
        if not calls:
            fail("6.10", "the callback was never called.", expected=f"{epochs} calls, one after each epoch",
                 got="no call", hint="after each epoch, when a callback is given, call it with the epoch "
                                     "number, the network and the epoch's loss.")
        if len(calls) != epochs:
            fail("6.10", f"the callback was called {len(calls)} times for {epochs} epochs.",
                 expected=f"{epochs} calls", got=f"{len(calls)} calls",
                 hint="call it once per epoch, after the epoch's loss is measured (not once per batch).")
        got_calls = []
        for args, kwargs in calls:
            values = list(args) + [kwargs[k] for k in ("epoch", "net", "loss") if k in kwargs]
            got_calls.append(values)
        if any(len(v) != 3 for v in got_calls):
            fail("6.10", "the callback got the wrong number of arguments.", expected="callback(epoch, net, loss)",
                 got=f"{len(got_calls[0])} argument(s)", hint="pass the epoch number, the network and the loss.")
        epochs_seen = [v[0] for v in got_calls]
        if epochs_seen == list(range(epochs)):
            fail("6.10", "the callback counts the epochs from 0.", expected=f"epochs 1 to {epochs}",
                 got=f"epochs {epochs_seen}", hint="count the epochs from 1, as the plots label them.")
        if epochs_seen != list(range(1, epochs + 1)):
            fail("6.10", "the callback got the wrong epoch numbers.", expected=f"epochs 1 to {epochs}",
                 got=f"{epochs_seen}", hint="pass the number of the epoch just finished, counted from 1.")
        if any(v[1] is not net for v in got_calls):
            fail("6.10", "the callback did not get the network being trained as its second argument.",
                 hint="pass the network itself, so that a monitor can measure its accuracy.")
        try:
            losses = [float(v[2]) for v in got_calls]
        except (TypeError, ValueError):
            fail("6.10", "the callback's third argument is not a number.", expected="the epoch's loss (a float)",
                 hint="pass the loss of the epoch just finished.")
        if not np.allclose(losses, [v for _, v in expected_calls], rtol=1e-9, atol=1e-12):
            fail("6.10", "the callback got other losses than the history records.",
                 expected=fmt_array(np.array([v for _, v in expected_calls])), got=fmt_array(np.array(losses)),
                 hint="pass each epoch's loss, the value you append to the history.")
    passed("6.10")


# ---------------------------------------------------------------------------- 6.11
def _accuracy(net: MLP, X, labels) -> float:
    return float(np.mean(net.copy().forward(X).argmax(axis=0) == np.asarray(labels)))


def exercise_6_11(heldout_accuracy) -> None:
    """Check ``heldout_accuracy(net, X, labels)`` on networks and held-out images the checker makes."""
    _, _, _, X_test, labels_test = _digits_split()
    X_train, Y_train, _, _, _ = _digits_split()
    # (kind, number of held-out images, seed): a trained softmax regression and untrained networks.
    public = [("trained", 453, 1101), ("untrained", 60, 1102), ("hidden", 25, 1103)]
    for kind, m, seed in grading_cases("6.11", public):
        rng = np.random.default_rng(seed)
        if kind == "trained":
            net = MLP.from_sizes([65, 10], ["softmax"], seed=rng)
            net.fit(X_train, Y_train, lr=2.0, epochs=3, loss="softmax_ce", batch_size=64, seed=seed)
            what = "a trained 65-10 softmax network"
        elif kind == "untrained":
            net = MLP.from_sizes([65, 10], ["softmax"], seed=rng, scale=3.0)
            what = "an untrained 65-10 softmax network"
        else:
            net = MLP.from_sizes([65, 12, 10], ["sigmoid", "softmax"], seed=rng, scale=4.0, hidden_bias=True)
            what = "an untrained 65-12-10 network"
        subset = np.sort(rng.choice(labels_test.size, size=m, replace=False))
        X, labels = X_test[:, subset], labels_test[subset]
        expected = _accuracy(net, X, labels)
        def wrong_axis(exc, m=m):
            text = str(exc)
            if "broadcast" in text and "(10,)" in text:
                return (f"10 predictions met {m} labels: the arg max ran over the wrong axis. Columns are samples, "
                        f"so the ten probabilities of one image are a column.")
            return None

        got = _run("6.11", heldout_accuracy, net, X, labels, forbid=(MLP.predict,), diagnose=wrong_axis,
                   shapes=f"X is (65, {m}) with one image per column, labels has {m} entries and the network's "
                          f"output is (10, {m}).")
        label = f"the accuracy of {what} on {m} held-out images"
        value = expect_number("6.11", label, got)
        expect_close("6.11", label, value, expected,
                     mistakes=[
                         (expected * m, f"that is the number of correct images; divide by the number of images, "
                                        f"m = {m}, to get a fraction in [0, 1]."),
                         (100.0 * expected, "that is a percentage; return the fraction in [0, 1]."),
                         (1.0 - expected, "that is the error rate, the fraction of wrong answers; the accuracy is "
                                          "the fraction of images whose predicted digit equals the label."),
                         (m - expected * m, "that is the number of wrong images; the accuracy is the fraction of "
                                            "right ones."),
                     ] + [(round(expected, d), "you rounded the accuracy; return it unrounded (round only when "
                                              "you print it).") for d in (1, 2, 3) if round(expected, d) != expected],
                     hint="the predicted digit of image i is the row of the largest probability in column i; the "
                          "accuracy is the fraction of the m images where it equals the label.")
    passed("6.11")


# ---------------------------------------------------------------------------- 6.12
def _setting(name: str, value, integer: bool, minimum: float, inclusive: bool = False):
    if value is None or isinstance(value, (bool, np.bool_, str, bytes)) or (
            isinstance(value, np.ndarray) and value.ndim > 0) or not isinstance(value, (numbers.Number, np.ndarray)):
        shown = fmt_array(value) if isinstance(value, np.ndarray) else (
            repr(value) if isinstance(value, (bool, type(None))) else fmt_array(value))
        fail("6.12", f"{name} must be one number.", expected="a whole number" if integer else "a float",
             got=shown if len(shown) < 60 else shown[:57] + "...",
             hint=f"set {name} to the value you choose, as a plain number.")
    number = float(value)
    if not np.isfinite(number):
        fail("6.12", f"{name} is {number}.", expected="a finite number", got=str(number),
             hint=f"choose a finite {name}.")
    if integer and (number != int(number) or not isinstance(value, (numbers.Integral, np.integer))):
        fail("6.12", f"{name} must be a whole number.", expected="an int", got=repr(value),
             hint=f"{name} counts something: write it without a decimal point.")
    if number < minimum or (number == minimum and not inclusive):
        bound = f">= {minimum:g}" if inclusive else f"> {minimum:g}"
        fail("6.12", f"{name} = {value!r} is out of range.", expected=f"{name} {bound}", got=repr(value),
             hint=f"choose a {name} {bound}.")
    return int(number) if integer else number


@lru_cache(maxsize=4)
def _train_reference_cached(lr, epochs, batch_size, lam):
    X_train, Y_train, _, _, _ = _digits_split_cached()
    net = MLP.from_sizes(SIZES, ACTIVATIONS, init="xavier", seed=0, hidden_bias=True)
    start = tuple(W.copy() for W in net.weights)
    with np.errstate(all="ignore"):
        net.fit(X_train, Y_train, lr=lr, epochs=epochs, loss="softmax_ce", batch_size=batch_size, seed=0, l2=lam)
    return tuple(net.weights), start


def _train_reference(lr, epochs, batch_size, lam):
    """The notebook's network trained by the library with these settings, and its starting weights."""
    weights, start = _train_reference_cached(lr, epochs, batch_size, lam)
    return MLP([W.copy() for W in weights], ACTIVATIONS, hidden_bias=True), [W.copy() for W in start]


def exercise_6_12(net, lr, epochs, batch_size, lam) -> None:
    """Check that ``net`` is the 65-200-100-10 network trained with the student's settings and that it
    classifies at least :data:`ACCURACY_GOAL` of the held-out digits correctly.

    The check trusts neither the network's methods nor any data from the notebook: it rebuilds the split
    from the library (1,344 training images, stratified, random_state 0), trains the notebook's network
    (Xavier start, seed 0, hidden biases) with ``MLP.fit`` and the given settings, compares the student's
    weights with the result, and measures the accuracy with a network of its own.
    """
    lr = _setting("lr", lr, integer=False, minimum=0.0)
    epochs = _setting("epochs", epochs, integer=True, minimum=1, inclusive=True)
    batch_size = _setting("batch_size", batch_size, integer=True, minimum=1, inclusive=True)
    lam = _setting("lam", lam, integer=False, minimum=0.0, inclusive=True)
    if epochs > MAX_EPOCHS:
        fail("6.12", f"epochs = {epochs} is more than this check retrains.", expected=f"at most {MAX_EPOCHS}",
             got=str(epochs), hint="the goal is reachable in far fewer epochs: try a larger learning rate.")
    settings = f"lr = {lr:g}, epochs = {epochs}, batch_size = {batch_size}, lam = {lam:g}"

    weights = getattr(net, "weights", None) if not isinstance(net, (str, bytes, dict)) else None
    shapes = [(SIZES[0], SIZES[1])] + [(SIZES[l - 1] + 1, SIZES[l]) for l in range(2, len(SIZES))]
    if (not isinstance(weights, (list, tuple)) or len(weights) != len(shapes)
            or any(not isinstance(W, np.ndarray) or W.shape != s for W, s in zip(weights, shapes))):
        got = (type(net).__name__ if not isinstance(weights, (list, tuple))
               else ", ".join(str(np.shape(W)) if isinstance(W, np.ndarray) else type(W).__name__ for W in weights))
        fail("6.12", "net is not the 65-200-100-10 network with hidden biases.",
             expected=f"a tutorial_lib MLP with weights of shapes {', '.join(map(str, shapes))}", got=got,
             hint="pass `net`, the network the answer cell builds and trains.")
    weights = [np.array(W, dtype=np.float64) for W in weights]

    reference, start = _train_reference(lr, epochs, batch_size, lam)
    _, _, _, X_test, labels_test = _digits_split()
    if not all(np.all(np.isfinite(W)) for W in reference.weights):
        fail("6.12", f"training with {settings} diverges: the weights overflow.", expected="finite weights",
             hint="the learning rate is far too large; try a value of order 1.")
    reference_accuracy = _accuracy(reference, X_test, labels_test)
    if reference_accuracy < ACCURACY_GOAL:
        fail("6.12", f"with {settings} the network classifies {reference_accuracy:.3f} of the held-out images "
                     f"correctly, below the goal.",
             expected=f"held-out accuracy >= {ACCURACY_GOAL:.2f}", got=f"{reference_accuracy:.3f}",
             hint="choose other settings and train again: your run's loss and accuracy curves show whether it "
                  "needs more epochs (still improving at the end) or another learning rate (flat or jumpy).")

    mine = MLP(weights, ACTIVATIONS, hidden_bias=True)
    accuracy = _accuracy(mine, X_test, labels_test)
    if _weights_close(weights, start, tol=0.0):
        fail("6.12", "net still has its starting weights: it has not been trained.",
             expected=f"the network trained with {settings}", got=f"held-out accuracy {accuracy:.3f}",
             hint="run the answer cell after choosing your settings: it builds the network and trains it.")
    if not _weights_close(weights, reference.weights, tol=1e-6):
        fail("6.12", f"net is not the network that {settings} train.",
             expected=f"held-out accuracy {reference_accuracy:.3f} (the library's training with your settings)",
             got=f"held-out accuracy {accuracy:.3f}",
             hint="train it in the answer cell with your train_sgd (its check must pass) from the notebook's "
                  "starting weights, on the training images only, with seed 0 and the settings you pass here.")
    if accuracy < ACCURACY_GOAL:  # pragma: no cover - the weights equal the reference's, which reached the goal
        fail("6.12", f"the network classifies {accuracy:.3f} of the held-out images correctly, below the goal.",
             expected=f"held-out accuracy >= {ACCURACY_GOAL:.2f}", got=f"{accuracy:.3f}",
             hint="choose other settings and train again.")
    passed("6.12")


# ---------------------------------------------------------------------------- planted mistakes
_DEF_6_2 = '''def softmax_jacobian(z):
    """Jacobian of p = softmax(z) for ONE sample: J[i, j] = dp_i / dz_j.

    z: logits, shape (K,). Returns an array of shape (K, K).
    """
'''

_DEF_6_4 = '''def output_delta(Y_hat, Y):
    """dE/df[3] for a softmax output and the cross-entropy averaged over the n samples.

    Y_hat: softmax probabilities, shape (K, n); Y: one-hot targets, shape (K, n).
    Returns an array of shape (K, n).
    """
'''

_DEF_6_6 = '''def layer_backward(dF, A_prev, W):
    """Backward pass through one layer f = W.T @ [1; A_prev], whose row 0 of W holds the biases.

    dF:     dE/df of this layer, shape (fan_out, n); it already carries the 1/n.
    A_prev: the layer's input without the row of ones, shape (fan_in - 1, n).
    W:      the layer's weights, shape (fan_in, fan_out).
    Returns (dW, dA_prev): dE/dW, shaped like W, and dE/dA_prev, shaped like A_prev.
    """
'''

_DEF_6_7 = '''def backward_pass(weights, X, Y):
    """Gradients of the average cross-entropy of a sigmoid-sigmoid-softmax network with hidden biases.

    weights: [W1, W2, W3]; W1 is (features + 1, n1), W2 is (n1 + 1, n2), W3 is (n2 + 1, K), row 0 = biases.
    X: inputs with the bias row of ones first, shape (features + 1, n); Y: one-hot targets, shape (K, n).
    Returns [dW1, dW2, dW3], each shaped like its W.
    """
'''

_DEF_6_9 = '''def l2_penalty(weights, lam):
    """The L2 term lam * sum_l ||W[l]||_F^2 and its gradient with respect to each W[l].

    weights: the list [W[1], W[2], W[3]] (row 0 of each holds biases); lam: the strength.
    Returns (penalty, grads): a float, and a list with one array shaped like each W[l].
    """
'''

_DEF_6_10 = '''def train_sgd(net, X, Y, lr, epochs, batch_size, lam=0.0, seed=0, callback=None):
    """Train net in place by mini-batch gradient descent on the softmax cross-entropy plus lam * L2.

    X: (features + 1, n) with the bias row first; Y: one-hot targets (K, n).
    Follows the rules of Exercise 6.10; returns the loss after each epoch, shape (epochs,).
    """
'''

_DEF_6_11 = '''def heldout_accuracy(net, X, labels):
    """Fraction of the images (columns of X) whose predicted digit equals the label, in [0, 1].

    net: a trained MLP with a softmax output; X: shape (65, m); labels: the true digits, shape (m,).
    """
'''

_SGD_BODY = '''    n = X.shape[1]
    rng = np.random.default_rng(seed)
    history = []
    for epoch in range(1, epochs + 1):
        order = {order}
        for start in range({stop}):
            idx = order[start:start + batch_size]
            net.forward(X[:, idx])
            grads = net.backward(Y[:, idx], loss="softmax_ce", l2=lam)
            for W, g in zip(net.weights, grads):
                W {update} lr * g
        loss = net.loss(X, Y, loss="softmax_ce", l2=lam)
        history.append(loss)
        if callback is not None:
            callback(epoch, net, loss)
    return np.array(history)
'''


def _sgd(order="rng.permutation(n)", stop="0, n, batch_size", update="-="):
    return _DEF_6_10 + _SGD_BODY.format(order=order, stop=stop, update=update)


#: The answer cell of exercise 6.12; ``{settings}`` is the student's choice (the solution region).
ANSWER_6_12 = '''# Your settings: the learning rate lr, the number of epochs and the batch size.
lam = 1e-5   # the L2 strength of section 7; you may change it too
{settings}

# The starting weights of section 2 (Xavier, seed 0): the check retrains from them.
net = tl.MLP.from_sizes([65, 200, 100, 10], ["sigmoid", "sigmoid", "softmax"], init="xavier", seed=0,
                        hidden_bias=True)
monitor = plotting.TrainingMonitor(epochs, X_train, labels_train, X_test, labels_test, redraw_every=5)
try:  # your loop of Exercise 6.10
    history = train_sgd(net, X_train, Y_train, lr, epochs, batch_size, lam=lam, seed=0, callback=monitor)
except NotImplementedError:
    print("train_sgd (Exercise 6.10) is not written yet: the library's net.fit trains instead.")
    history = net.fit(X_train, Y_train, lr=lr, epochs=epochs, loss="softmax_ce", batch_size=batch_size,
                      seed=0, l2=lam, callback=monitor)'''


def answer_6_12(settings: str) -> str:
    """The answer cell of exercise 6.12 with ``settings`` (e.g. the solution region) in place."""
    return ANSWER_6_12.replace("{settings}", settings)


PLANTED_MISTAKES = [
    {"exercise": "6.2", "kind": "diag(p) only", "hint": "only the diagonal matrix of the probabilities came back",
     "source": _DEF_6_2 + "    p = tl.softmax(z.reshape(-1, 1))[:, 0]\n    return np.diag(p)\n"},
    {"exercise": "6.2", "kind": "p p^T with the wrong sign", "hint": "every entry has the wrong sign",
     "source": _DEF_6_2 + "    p = tl.softmax(z.reshape(-1, 1))[:, 0]\n    return np.outer(p, p) - np.diag(p)\n"},
    {"exercise": "6.2", "kind": "diagonal entries only", "hint": "you kept only the diagonal entries",
     "source": _DEF_6_2 + "    p = tl.softmax(z.reshape(-1, 1))[:, 0]\n    return np.diag(p * (1 - p))\n"},
    {"exercise": "6.2", "kind": "dot product for outer product", "hint": "the dot product of p with itself",
     "source": _DEF_6_2 + "    p = tl.softmax(z.reshape(-1, 1))[:, 0]\n    return np.diag(p) - p @ p\n"},
    {"exercise": "6.2", "kind": "softmax without the max shift (large logits)", "hint": "an exponential overflowed",
     "source": _DEF_6_2 + "    p = np.exp(z) / np.exp(z).sum()\n    return np.diag(p) - np.outer(p, p)\n"},
    {"exercise": "6.2", "kind": "softmax shifted by the first logit (mixed logits)",
     "hint": "a shift by the first logit or by the mean",
     "source": _DEF_6_2 + "    e = np.exp(z - z[0])\n    p = e / e.sum()\n    return np.diag(p) - np.outer(p, p)\n"},
    {"exercise": "6.4", "kind": "missing 1/n", "hint": "the 1/n is missing",
     "source": _DEF_6_4 + "    return Y_hat - Y\n"},
    {"exercise": "6.4", "kind": "gradient w.r.t. Y_hat", "hint": "that is dE/dY_hat",
     "source": _DEF_6_4 + "    n = Y.shape[1]\n    return -Y / Y_hat / n\n"},
    {"exercise": "6.4", "kind": "divided by K", "hint": "the number of classes",
     "source": _DEF_6_4 + "    n = Y.shape[0]\n    return (Y_hat - Y) / n\n"},
    {"exercise": "6.4", "kind": "flipped sign", "hint": "wrong sign",
     "source": _DEF_6_4 + "    n = Y.shape[1]\n    return (Y - Y_hat) / n\n"},
    {"exercise": "6.6", "kind": "transposed", "hint": "is transposed",
     "source": _DEF_6_6 + "    db = dF.sum(axis=1, keepdims=True)               # (fan_out, 1)\n"
                          "    dW = np.hstack([db, dF @ A_prev.T])              # (fan_out, fan_in)\n"
                          "    dA_prev = W[1:] @ dF\n    return dW, dA_prev\n"},
    {"exercise": "6.6", "kind": "bias row missing", "hint": "one row too few",
     "source": _DEF_6_6 + "    dW = A_prev @ dF.T\n    dA_prev = W[1:] @ dF\n    return dW, dA_prev\n"},
    {"exercise": "6.6", "kind": "db as a mean", "hint": "dF already carries the 1/n",
     "source": _DEF_6_6 + "    dW = np.vstack([dF.mean(axis=1), A_prev @ dF.T])\n"
                          "    dA_prev = W[1:] @ dF\n    return dW, dA_prev\n"},
    {"exercise": "6.6", "kind": "bias row sent back", "hint": "leave out row 0 of W",
     "source": _DEF_6_6 + "    dW = np.vstack([dF.sum(axis=1), A_prev @ dF.T])\n"
                          "    dA_prev = W @ dF\n    return dW, dA_prev\n"},
    {"exercise": "6.6", "kind": "sigmoid factor too early", "hint": "you multiplied by the sigmoid's slope",
     "source": _DEF_6_6 + "    dW = np.vstack([dF.sum(axis=1), A_prev @ dF.T])\n"
                          "    dA_prev = (W[1:] @ dF) * A_prev * (1 - A_prev)\n    return dW, dA_prev\n"},
    {"exercise": "6.7", "kind": "sigmoid slope missing", "hint": "the sigmoid's slope is missing",
     "source": _DEF_6_7 + "    W1, W2, W3 = weights\n    n = X.shape[1]\n"
                          "    a1 = tl.sigmoid(W1.T @ X)\n    a2 = tl.sigmoid(W2[1:].T @ a1 + W2[:1].T)\n"
                          "    Y_hat = tl.softmax(W3[1:].T @ a2 + W3[:1].T)\n"
                          "    d3 = (Y_hat - Y) / n\n    d2 = W3[1:] @ d3\n    d1 = W2[1:] @ d2\n"
                          "    return [X @ d1.T, np.vstack([d2.sum(axis=1), a1 @ d2.T]),\n"
                          "            np.vstack([d3.sum(axis=1), a2 @ d3.T])]\n"},
    {"exercise": "6.7", "kind": "1/n at every layer", "hint": "you divided by n again at every layer",
     "source": _DEF_6_7 + "    W1, W2, W3 = weights\n    n = X.shape[1]\n"
                          "    a1 = tl.sigmoid(W1.T @ X)\n    a2 = tl.sigmoid(W2[1:].T @ a1 + W2[:1].T)\n"
                          "    Y_hat = tl.softmax(W3[1:].T @ a2 + W3[:1].T)\n"
                          "    d3 = (Y_hat - Y) / n\n    d2 = (W3[1:] @ d3) * a2 * (1 - a2) / n\n"
                          "    d1 = (W2[1:] @ d2) * a1 * (1 - a1) / n\n"
                          "    return [X @ d1.T, np.vstack([d2.sum(axis=1), a1 @ d2.T]),\n"
                          "            np.vstack([d3.sum(axis=1), a2 @ d3.T])]\n"},
    {"exercise": "6.9", "kind": "missing factor 2", "hint": "the factor 2 is missing",
     "source": _DEF_6_9 + "    penalty = lam * sum(float((W ** 2).sum()) for W in weights)\n"
                          "    grads = [lam * W for W in weights]\n    return penalty, grads\n"},
    {"exercise": "6.9", "kind": "biases left out (the notes' convention)", "hint": "you left out the bias rows",
     "source": _DEF_6_9 + "    penalty = lam * sum(float((W[1:] ** 2).sum()) for W in weights)\n"
                          "    grads = []\n    for W in weights:\n        g = 2 * lam * W\n"
                          "        g[0] = 0.0          # no penalty on the biases\n        grads.append(g)\n"
                          "    return penalty, grads\n"},
    {"exercise": "6.9", "kind": "norm not squared", "hint": "the norms are not squared",
     "source": _DEF_6_9 + "    penalty = lam * sum(np.linalg.norm(W) for W in weights)\n"
                          "    grads = [2 * lam * W for W in weights]\n    return penalty, grads\n"},
    {"exercise": "6.10", "kind": "no shuffling", "hint": "the images are not shuffled",
     "source": _sgd(order="np.arange(n)")},
    {"exercise": "6.10", "kind": "gradient ascent (sign)", "hint": "the weights moved uphill",
     "source": _sgd(update="+=")},
    {"exercise": "6.10", "kind": "last batch dropped", "hint": "the last, shorter batch of each epoch is missing",
     "source": _sgd(stop="0, n - batch_size + 1, batch_size")},
    {"exercise": "6.11", "kind": "argmax over the wrong axis (broadcast)",
     "hint": "the arg max ran over the wrong axis",
     "source": _DEF_6_11 + "    predicted = net.forward(X).argmax(axis=1)\n"
                           "    return float(np.mean(predicted == labels))\n"},
    {"exercise": "6.11", "kind": "count instead of fraction", "hint": "the number of correct images",
     "source": _DEF_6_11 + "    predicted = net.forward(X).argmax(axis=0)\n"
                           "    return float(np.sum(predicted == labels))\n"},
    {"exercise": "6.11", "kind": "error rate", "hint": "that is the error rate",
     "source": _DEF_6_11 + "    predicted = net.forward(X).argmax(axis=0)\n"
                           "    return float(np.mean(predicted != labels))\n"},
    {"exercise": "6.12", "kind": "learning rate too small", "hint": "below the goal",
     "source": answer_6_12("lr, epochs, batch_size = 0.5, 20, 32")},
    {"exercise": "6.12", "kind": "too few epochs", "hint": "below the goal",
     "source": answer_6_12("lr, epochs, batch_size = 1.5, 5, 32")},
]
