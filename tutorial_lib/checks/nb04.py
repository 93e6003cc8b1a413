"""Checkers of notebook 04: vanishing gradients in a deep sigmoid network.

Every reference is computed here, at check time: the bound from the weights
the checker draws, and the gradient norms of the sigmoid and the ReLU networks
from forward/backward passes of :class:`tutorial_lib.MLP` on the wine data.
"""

from __future__ import annotations

import numpy as np

from ..data import load_wine_binary
from ..mlp import MLP
from ._common import call_student, expect_array, expect_true, fail, fmt_array, passed

__all__ = ["exercise_4_2", "exercise_4_3", "PLANTED_MISTAKES"]


# ---------------------------------------------------------------------------- 4.2
def _spectral(W):
    return float(np.linalg.norm(W, 2))


def _bound(weights, last_norm, norm=_spectral, sigma_exponent_shift=0, first_factor=1):
    """(1/4)^(L-l+shift) * prod_{k=l+first_factor..L} ||W[k]|| * last_norm for l = 1..L."""
    L = len(weights)
    norms = [norm(W) for W in weights]
    out = np.empty(L)
    for l in range(1, L + 1):
        prod = 1.0
        for k in range(l + first_factor, L + 1):
            prod *= norms[k - 1]
        out[l - 1] = 0.25 ** (L - l + sigma_exponent_shift) * prod * last_norm
    return out


def _random_weights(rng, sizes):
    return [rng.normal(0.0, np.sqrt(2.0 / (a + b)), size=(a, b)) for a, b in zip(sizes[:-1], sizes[1:])]


def exercise_4_2(gradient_bound):
    """``gradient_bound(weights, last_norm)``: the bound on ||dE/df[l]|| for l = 1..L."""
    ex = "4.2"
    rng = np.random.default_rng(402)
    cases = [
        ([3, 4, 1], 0.5),
        ([3, 6, 5, 4, 1], 0.037),
        ([3] + [8] * 11 + [1], 1.7),
        ([3, 5, 7, 6, 2], 0.29),
    ]
    for sizes, last_norm in cases:
        weights = _random_weights(rng, sizes)
        # Make the spectral and the Frobenius norms clearly different, and no layer alike.
        weights = [W * (1.0 + 0.3 * i) for i, W in enumerate(weights)]
        L = len(weights)
        got = call_student(ex, gradient_bound, [W.copy() for W in weights], last_norm)
        expected = _bound(weights, last_norm)
        name = f"gradient_bound(weights, last_norm={last_norm}) for L = {L} layers"
        if got is not None and np.shape(got) == (L - 1,):
            fail(ex, f"{name} has {L - 1} entries; it needs one per layer l = 1..L, including l = L.",
                 expected=f"shape ({L},)", got=f"shape {np.shape(got)}",
                 hint="the last entry (l = L) is ||dE/df[L]|| itself: no factor 1/4 and no weight norm.")
        sp = "The bound at layer l has L - l factors 1/4: one sigma' for each of the layers l, l+1, ..., L-1 "
        sp += "(the output layer's sigma' is already inside dE/df[L] = (Y_hat - Y)/n), and L - l weight norms "
        sp += "||W[l+1]||, ..., ||W[L]||."
        mistakes = [
            (_bound(weights, last_norm, sigma_exponent_shift=1),
             "off by one layer: you used (1/4)^(L-l+1), one factor 1/4 too many. " + sp),
            (_bound(weights, last_norm, sigma_exponent_shift=-1),
             "off by one layer: you used (1/4)^(L-l-1), one factor 1/4 too few. " + sp),
            (_bound(weights, last_norm, first_factor=0),
             "the product of weight norms starts one layer too early: W[l] itself does not appear between "
             "dE/df[l] and dE/df[L]; only W[l+1], ..., W[L] carry the gradient back. " + sp),
            (_bound(weights, last_norm, first_factor=0, sigma_exponent_shift=1),
             "off by one layer in both the 1/4 factors and the weight norms: you counted layer l itself. " + sp),
            (_bound(weights, last_norm, norm=lambda W: float(np.linalg.norm(W))),
             "you used the Frobenius norm of W. Use the spectral norm np.linalg.norm(W, 2), the largest "
             "singular value: it is the most W can stretch a vector (the Frobenius norm gives a valid but "
             "looser bound)."),
            (expected[::-1],
             "the order is reversed: entry 0 must be layer 1 (nearest the input), the last entry layer L."),
            (expected / last_norm,
             "the factor ||dE/df[L]|| (the argument last_norm) is missing: the bound scales the output "
             "layer's gradient."),
            (last_norm * 0.25 ** np.arange(L - 1, -1, -1, dtype=float),
             "the weight norms are missing: the factors 1/4 alone bound nothing, because W[l+1] @ dE/df[l+1] "
             "can be longer than dE/df[l+1]. Multiply by ||W[l+1]||_2 ... ||W[L]||_2."),
        ]
        expect_array(ex, name, got, expected, mistakes=mistakes, rtol=1e-9, atol=0.0,
                     hint="bound[l-1] = (1/4)**(L-l) * prod(||W[k]||_2 for k = l+1..L) * last_norm.")

    # The bound must hold for a real sigmoid network (it does, if it equals the reference).
    X, Y = load_wine_binary()
    net = MLP.from_sizes([3] + [8] * 12 + [1], "sigmoid", seed=4)
    net.forward(X)
    net.backward(Y)
    measured = net.gradient_norms()["df"]
    bound = np.asarray(call_student(ex, gradient_bound, [W.copy() for W in net.weights], measured[-1]), dtype=float)
    expect_true(ex, bool(np.all(measured <= bound * (1 + 1e-9))),
                "your bound is below a measured gradient norm of a 12-hidden-layer sigmoid network.",
                expected=f"bound >= {fmt_array(measured)}", got=fmt_array(bound),
                hint="a bound must lie above every measured ||dE/df[l]||.")
    passed(ex)


# ---------------------------------------------------------------------------- 4.3
def _first_layer_norms(net, X, Y):
    with np.errstate(over="ignore", under="ignore"):
        net.forward(X)
        net.backward(Y)
    return net.gradient_norms()


def exercise_4_3(relu_network):
    """``relu_network(depth, width, seed)``: the deep network with ReLU hidden layers and He init."""
    ex = "4.3"
    X, Y = load_wine_binary()
    for depth, width, seed in ((50, 32, 0), (30, 16, 3)):
        call = f"relu_network(depth={depth}, width={width}, seed={seed})"
        net = call_student(ex, relu_network, depth, width, seed)
        if not isinstance(net, MLP):
            fail(ex, f"{call} must return a tl.MLP; got {type(net).__name__}.",
                 hint="return tl.MLP.from_sizes(sizes, activations, init=..., seed=seed).")
        sizes = [3] + [width] * depth + [1]
        expect_true(ex, net.sizes == sizes, f"{call} has the wrong layer sizes.",
                    expected=f"[3] + [{width}] * {depth} + [1]", got=str(net.sizes)[:120],
                    hint="sizes = [3] + [width] * depth + [1]: 3 input rows (bias, two features), depth hidden "
                         "layers of width units, one output unit.")
        expect_true(ex, not net.hidden_bias, f"{call} uses hidden_bias=True.",
                    hint="keep the default hidden_bias=False, as in the sigmoid network, so only the "
                         "activation and the initialisation change.")
        hidden, out = net.activations[:-1], net.activations[-1]
        expect_true(ex, out == "sigmoid", f"{call}: the output layer must stay a sigmoid.",
                    expected="'sigmoid'", got=repr(out),
                    hint="Y_hat must be a probability for the log-loss; pass the single string 'relu' to "
                         "MLP.from_sizes (ReLU hidden layers, sigmoid output) or end your list with 'sigmoid'.")
        expect_true(ex, set(hidden) == {"relu"}, f"{call}: every hidden layer must use ReLU.",
                    expected="'relu' for the hidden layers", got=str(sorted(set(hidden))),
                    hint="the fix replaces the sigmoid of the hidden layers by ReLU, whose derivative is 1 "
                         "wherever a unit is active.")

        student = _first_layer_norms(net, X, Y)
        sigmoid_net = MLP.from_sizes(sizes, "sigmoid", seed=seed)
        reference = _first_layer_norms(sigmoid_net, X, Y)
        g_student, g_sigmoid = student["dW"][0], reference["dW"][0]
        expect_true(ex, bool(np.isfinite(student["dW"]).all()), f"{call}: the gradients are not finite.",
                    hint="the weights are far too large; use init='he' with scale 1.")
        expect_true(ex, g_student >= 1e3 * g_sigmoid,
                    f"{call}: ||dE/dW[1]|| did not grow by orders of magnitude over the sigmoid network's.",
                    expected=f">= 1e3 x {g_sigmoid:.2e} (the sigmoid network with the same sizes and seed)",
                    got=f"{g_student:.2e}",
                    hint="use ReLU in the hidden layers and He initialisation, init='he'.")
        ratio = student["df"][0] / student["df"][-1]
        he_hint = ("ReLU zeroes about half of each layer's inputs, so with the default init='xavier' "
                   "(std sqrt(2/(fan_in+fan_out)), here sqrt(1/fan_in)) the signal and the gradient shrink by "
                   "about 1/sqrt(2) per layer. He initialisation, init='he' (std sqrt(2/fan_in)), "
                   "compensates exactly for that halving.")
        expect_true(ex, ratio >= 1e-3,
                    f"{call}: the gradient still vanishes inside your network: ||dE/df[1]|| / ||dE/df[L]|| "
                    f"= {ratio:.1e}.",
                    expected="a ratio between 1e-3 and 1e3 (no vanishing, no explosion)", got=f"{ratio:.1e}",
                    hint=he_hint)
        expect_true(ex, ratio <= 1e3,
                    f"{call}: the gradient explodes: ||dE/df[1]|| / ||dE/df[L]|| = {ratio:.1e}.",
                    expected="a ratio between 1e-3 and 1e3", got=f"{ratio:.1e}",
                    hint="the weights are too large; use init='he' with the default scale=1.")
    passed(ex)


# ---------------------------------------------------------------------------- planted mistakes
_BOUND_HEAD = '''def gradient_bound(weights, last_norm):
    """Upper bound on ||dE/df[l]|| for l = 1..L (entry l-1), given W[1..L] and ||dE/df[L]||."""
'''

_RELU_HEAD = '''def relu_network(depth, width, seed):
    """A network with `depth` hidden ReLU layers of `width` units, He initialisation and a sigmoid output."""
'''

PLANTED_MISTAKES = [
    {
        "exercise": "4.2",
        "kind": "off by one layer (one 1/4 factor too many)",
        "source": _BOUND_HEAD + '''    L = len(weights)
    bound = np.empty(L)
    for l in range(1, L + 1):
        product = 1.0
        for W in weights[l:]:
            product *= np.linalg.norm(W, 2)
        bound[l - 1] = 0.25 ** (L - l + 1) * product * last_norm
    return bound
''',
        "hint": "off by one layer",
    },
    {
        "exercise": "4.2",
        "kind": "weight norms counted from W[l]",
        "source": _BOUND_HEAD + '''    L = len(weights)
    bound = np.empty(L)
    for l in range(1, L + 1):
        product = np.prod([np.linalg.norm(W, 2) for W in weights[l - 1:]])
        bound[l - 1] = 0.25 ** (L - l) * product * last_norm
    return bound
''',
        "hint": "starts one layer too early",
    },
    {
        "exercise": "4.2",
        "kind": "Frobenius norm",
        "source": _BOUND_HEAD + '''    L = len(weights)
    norms = [np.linalg.norm(W) for W in weights]
    return np.array([0.25 ** (L - l) * np.prod(norms[l:]) * last_norm for l in range(1, L + 1)])
''',
        "hint": "spectral norm",
    },
    {
        "exercise": "4.2",
        "kind": "sigma' factors without the weights",
        "source": _BOUND_HEAD + '''    L = len(weights)
    return np.array([0.25 ** (L - l) * last_norm for l in range(1, L + 1)])
''',
        "hint": "the weight norms are missing",
    },
    {
        "exercise": "4.3",
        "kind": "ReLU with the default xavier init",
        "source": _RELU_HEAD + '''    return tl.MLP.from_sizes([3] + [width] * depth + [1], "relu", seed=seed)
''',
        "hint": "init='he'",
    },
    {
        "exercise": "4.3",
        "kind": "ReLU output layer",
        "source": _RELU_HEAD + '''    return tl.MLP.from_sizes([3] + [width] * depth + [1], ["relu"] * (depth + 1), init="he", seed=seed)
''',
        "hint": "output layer must stay a sigmoid",
    },
    {
        "exercise": "4.3",
        "kind": "sigmoid kept, only He init",
        "source": _RELU_HEAD + '''    return tl.MLP.from_sizes([3] + [width] * depth + [1], "sigmoid", init="he", seed=seed)
''',
        "hint": "every hidden layer must use ReLU",
    },
]
