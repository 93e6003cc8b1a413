"""Checkers of notebook 04: vanishing gradients in a deep sigmoid network.

Every reference is computed here, at check time: the bound from the weights
the checker draws (seeded through :func:`grading_cases`, so a graded run uses
weights the student never saw), and, for the ReLU network, the weights that
``MLP.from_sizes`` draws for the requested seed, the output and gradients of
that reference network (the student's network must reproduce them exactly on
the wine data and on inputs of the checker's own: labels and weights alone can
be edited after a network is built) and the gradient norms of forward/backward
passes on the wine data.

Exercises 4.1, 4.2 and 4.5 are written; 4.3 and 4.4 are checked here.
"""

from __future__ import annotations

import numpy as np

from ..data import load_wine_binary
from ..mlp import MLP
from ._common import call_student, expect_array, expect_true, fail, fmt_array, grading_cases, passed

__all__ = ["exercise_4_3", "exercise_4_4", "HINTS", "PLANTED_MISTAKES"]

HINTS = {
    "4.3": [
        "Start from your derivation in Exercise 4.2. For one layer l, count what stands between dE/df[l] and "
        "dE/df[L]: how many derivative factors, and which weight matrices. Layer L itself needs none of them.",
        "Going down from the output to layer l crosses the layers L-1, ..., l: that is L - l derivative factors, "
        "each at most 1/4, and the weight matrices W[l+1], ..., W[L], each contributing its spectral norm "
        "(largest singular value). W[l] itself is not among them.",
        "Entry l - 1 of the result is (1/4) to the power L - l, times the product of the spectral norms "
        "||W[k]||_2 for k from l + 1 up to L (an empty product is 1), times last_norm. The list you receive is "
        "0-based: W[k] sits at position k - 1.",
    ],
    "4.4": [
        "Only two things change compared with the sigmoid network of this notebook: the activation of the hidden "
        "layers and the way the initial weights are drawn. Both are options of MLP.from_sizes.",
        "MLP.from_sizes accepts a single activation name, which it uses for every hidden layer while the output "
        "stays a sigmoid. He initialisation (standard deviation the square root of 2 / fan_in) is one of its "
        "init options; leave the scale at 1.",
        "The sizes are the 3 input rows, then depth hidden layers of width units each, then 1 output unit. Ask "
        "for ReLU hidden layers and He initialisation, and hand on the seed you receive, unchanged, as the "
        "seed of MLP.from_sizes.",
    ],
}

_SPECTRAL_WHY = ("The bound at layer l has L - l factors 1/4 (one sigma' for each of the layers l, ..., L-1; the "
                 "output layer's sigma' is already inside dE/df[L]) and the L - l spectral norms of "
                 "W[l+1], ..., W[L].")


# ---------------------------------------------------------------------------- 4.3
def _spectral(W):
    return float(np.linalg.norm(W, 2))


def _bound(weights, last_norm, norm=_spectral, sigma_exponent_shift=0, first_factor=1, slope=0.25):
    """slope^(L-l+shift) * prod_{k=l+first_factor..L} ||W[k]|| * last_norm for l = 1..L."""
    L = len(weights)
    norms = [norm(W) for W in weights]
    out = np.empty(L)
    for l in range(1, L + 1):
        prod = 1.0
        for k in range(l + first_factor, L + 1):
            prod *= norms[k - 1]
        out[l - 1] = slope ** (L - l + sigma_exponent_shift) * prod * last_norm
    return out


def _random_weights(rng, sizes):
    weights = [rng.normal(0.0, np.sqrt(2.0 / (a + b)), size=(a, b)) for a, b in zip(sizes[:-1], sizes[1:])]
    # Make the spectral and the Frobenius norms clearly different, and no two layers alike.
    return [W * (1.0 + 0.3 * i) for i, W in enumerate(weights)]


def _bound_mistakes(weights, last_norm, expected):
    L = len(weights)
    norms = np.array([_spectral(W) for W in weights])
    mistakes = [
        (_bound(weights, last_norm, sigma_exponent_shift=1),
         "off by one layer: one factor 1/4 too many (L - l + 1 of them). " + _SPECTRAL_WHY),
        (_bound(weights, last_norm, sigma_exponent_shift=-1),
         "off by one layer: one factor 1/4 too few (L - l - 1 of them). " + _SPECTRAL_WHY),
        (_bound(weights, last_norm, first_factor=0),
         "the product of weight norms starts one layer too early: W[l] itself does not stand between dE/df[l] "
         "and dE/df[L]; only W[l+1], ..., W[L] carry the gradient back."),
        (_bound(weights, last_norm, first_factor=0, sigma_exponent_shift=1),
         "off by one layer in both the 1/4 factors and the weight norms: you counted layer l itself."),
        (_bound(weights, last_norm, norm=lambda W: float(np.linalg.norm(W))),
         "that is the Frobenius norm of each W. The bound uses the spectral norm (the largest singular value), "
         "the most W can stretch a vector; the Frobenius norm gives a valid but looser bound."),
        (_bound(weights, last_norm, norm=lambda W: float(np.abs(W).max())),
         "that is the largest entry of each W, not its spectral norm (the largest singular value)."),
        (_bound(weights, last_norm, norm=lambda W: _spectral(W) ** 2),
         "the spectral norms appear squared: each weight matrix stretches the gradient by at most its spectral "
         "norm, once."),
        (_bound(weights, last_norm, slope=0.5),
         "the factor per layer is 1/4, the largest value of sigma'(s) = sigma(s) (1 - sigma(s)), reached at "
         "s = 0; 1/2 is sigma(0) itself."),
        (_bound(weights, last_norm, slope=1.0),
         "the sigma' factors are missing: each layer crossed multiplies by a derivative of at most 1/4."),
        (expected[::-1],
         "the order is reversed: entry 0 must be layer 1 (nearest the input), the last entry layer L."),
        (expected / last_norm,
         "the factor ||dE/df[L]|| (the argument last_norm) is missing: the bound scales the output layer's "
         "gradient."),
        (last_norm * 0.25 ** np.arange(L - 1, -1, -1, dtype=float),
         "the weight norms are missing: the factors 1/4 alone bound nothing, because a weight matrix can make "
         "a gradient longer. Multiply by the spectral norms of W[l+1], ..., W[L]."),
        (_bound(weights, last_norm, first_factor=2),
         "the product of weight norms starts one layer too late: W[l+1] carries dE/df[l+1] down to layer l, "
         "so its norm belongs in the bound of layer l."),
        (np.full(L, 0.25 ** (L - 1) * float(np.prod(norms[1:])) * last_norm),
         "every entry holds the bound of layer 1: the number of factors depends on the layer, L - l of each."),
        (np.array([0.25 ** (l - 1) * float(np.prod(norms[:l - 1])) * last_norm for l in range(1, L + 1)]),
         "you counted the layers from the input: the gradient starts at the output, so layer L gets no factor and "
         "layer 1 gets the most."),
    ]
    return [(wrong, hint) for wrong, hint in mistakes if not np.allclose(wrong, expected, rtol=1e-9, atol=0.0)]


def exercise_4_3(gradient_bound):
    """``gradient_bound(weights, last_norm)``: the bound on ||dE/df[l]|| for l = 1..L."""
    ex = "4.3"
    public = [
        ((3, 4, 1), 0.5, 431),
        ((3, 6, 5, 4, 1), 0.037, 432),
        ((3,) + (8,) * 11 + (1,), 1.7, 433),
        ((3, 5, 7, 6, 2), 0.29, 434),
        ((3, 1), 0.8, 435),
    ]
    from ..plotting.vanishing import gradient_bound_curve, sigma_factor_curve  # matplotlib: load on use only

    forbid = (gradient_bound_curve, sigma_factor_curve, _bound)   # _bound: this checker's own reference
    for sizes, last_norm, seed in grading_cases(ex, public):
        weights = _random_weights(np.random.default_rng(seed), sizes)
        L = len(weights)
        got = call_student(ex, gradient_bound, [W.copy() for W in weights], last_norm, forbid=forbid)
        expected = _bound(weights, last_norm)
        name = f"gradient_bound(weights, last_norm={last_norm:g}) for L = {L} layers"
        if isinstance(got, np.ndarray) and L > 1 and got.shape == (L - 1,):
            entries = "1 entry" if L == 2 else f"{L - 1} entries"
            fail(ex, f"{name} has {entries}; it needs one per layer l = 1..L, including l = L.",
                 expected=f"shape ({L},)", got=f"shape {got.shape}",
                 hint="the last entry (l = L) is ||dE/df[L]|| itself: no factor 1/4 and no weight norm.")
        expect_array(ex, name, got, expected, mistakes=_bound_mistakes(weights, last_norm, expected),
                     rtol=1e-9, atol=0.0,
                     hint="compare your entries layer by layer with what stands between dE/df[l] and dE/df[L]. "
                          + _SPECTRAL_WHY)

    # The same bound must hold for a real sigmoid network on the wine data.
    X, Y = load_wine_binary()
    for (seed,) in grading_cases(ex, [(4,)], k=1):
        net = MLP.from_sizes([3] + [8] * 12 + [1], "sigmoid", seed=seed)
        net.forward(X)
        net.backward(Y)
        measured = net.gradient_norms()["df"]
        weights = [W.copy() for W in net.weights]
        got = call_student(ex, gradient_bound, weights, measured[-1], forbid=forbid)
        expected = _bound(net.weights, measured[-1])
        bound = expect_array(ex, "the bound for a 12-hidden-layer sigmoid network on the wine data", got, expected,
                             mistakes=_bound_mistakes(net.weights, measured[-1], expected), rtol=1e-9, atol=0.0,
                             hint=_SPECTRAL_WHY)
        expect_true(ex, bool(np.all(measured <= bound * (1 + 1e-9))),
                    "your bound is below a measured gradient norm of a 12-hidden-layer sigmoid network.",
                    hint="a bound must lie above every measured ||dE/df[l]||.")
    passed(ex)


# ---------------------------------------------------------------------------- 4.4
def _first_layer_norms(net, X, Y):
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        net.forward(X)
        net.backward(Y)
    return net.gradient_norms()


def _same_weights(a, b) -> bool:
    return len(a) == len(b) and all(W.shape == V.shape and np.array_equal(W, V) for W, V in zip(a, b))


def _proportional(a, b):
    """The common factor c with a = c * b layer by layer (None if there is none)."""
    if len(a) != len(b) or any(W.shape != V.shape for W, V in zip(a, b)):
        return None
    ratios = []
    for W, V in zip(a, b):
        mask = np.abs(V) > 1e-12
        if not mask.any():
            return None
        r = W[mask] / V[mask]
        if not np.allclose(r, r[0], rtol=1e-9, atol=0.0):
            return None
        ratios.append(float(r[0]))
    return ratios[0] if np.allclose(ratios, ratios[0], rtol=1e-9, atol=0.0) else None


def _probe_inputs(seed):
    """The inputs the behaviour check runs: the wine data, and 40 points of its own drawn from the case's seed."""
    X, Y = load_wine_binary()
    rng = np.random.default_rng([seed, 44])
    n = 40
    X_own = np.vstack([np.ones((1, n)), rng.normal(0.0, 1.5, size=(2, n))])
    Y_own = (rng.uniform(size=(1, n)) < 0.5).astype(float)
    return [("the wine data", X, Y), ("inputs of the check's own", X_own, Y_own)]


def _run_pass(net, step, data, methods_of=None):
    """A copy of ``net.forward(X)`` (step "forward") or of ``net.backward(Y)``'s gradients (step "backward"),
    by the library's MLP methods on the network's state, or by ``methods_of``'s own methods."""
    method = getattr(MLP, step) if methods_of is None else (lambda _, arg: getattr(methods_of, step)(arg))
    with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
        result = method(net, data)
    if step == "forward":
        return np.array(result, dtype=np.float64, copy=True)
    return [np.array(g, dtype=np.float64, copy=True) for g in result]


def _equal(a, b) -> bool:
    if isinstance(a, list):
        return len(a) == len(b) and all(_equal(u, v) for u, v in zip(a, b))
    return a.shape == b.shape and np.array_equal(a, b)


#: Hidden activations a relabelled network may really compute, and what to tell the student then.
_LOOKALIKES = ("sigmoid", "tanh", "leaky_relu", "identity")


def _what_it_computes(net, he, X, Y_hat) -> str:
    """The hint for a network whose output differs: which hidden activation it really applies, if one fits."""
    depth = len(he.weights) - 1
    slope = getattr(net, "leaky_slope", 0.01)
    for name in _LOOKALIKES:
        try:
            twin = MLP(he.weights, [name] * depth + ["sigmoid"], leaky_slope=slope)
        except (TypeError, ValueError):
            twin = MLP(he.weights, [name] * depth + ["sigmoid"])
        out = _run_pass(twin, "forward", X)
        if out.shape == Y_hat.shape and np.allclose(Y_hat, out, rtol=1e-12, atol=0.0):
            return (f"its hidden layers compute {name}, although its list of activations says 'relu'. Renaming the "
                    f"activations of a built network changes only the labels, not the functions its layers apply: "
                    f"build it with ReLU hidden layers in the first place.")
    return ("a network built with ReLU hidden layers, He initialisation and your seed computes something else: "
            "return the network exactly as MLP.from_sizes builds it, without editing its attributes afterwards.")


def _check_behaviour(ex, call, net, he, seed):
    """The student's network must compute exactly what the library's ReLU + He network computes.

    Names and weights can be edited after a network is built (``net.activations = [...]`` relabels the layers
    without changing the functions they apply), so the check runs forward and backward passes on inputs of its
    own and compares Y_hat and every dE/dW[l] with the reference network's, exactly.
    """
    own_methods = type(net).forward is not MLP.forward or type(net).backward is not MLP.backward or any(
        name in vars(net) for name in ("forward", "backward", "_forward", "_backward"))
    runs = [("", None)] + ([(" (by its own forward and backward methods)", net)] if own_methods else [])
    for where, X, Y in _probe_inputs(seed):
        for how, methods in runs:
            for step, data in (("forward", X), ("backward", Y)):
                expected = _run_pass(he, step, data)
                try:
                    got = _run_pass(net, step, data, methods)
                except Exception as exc:  # noqa: BLE001 - the student's network is broken: say so
                    text = (str(exc).strip().splitlines() or [""])[0][:110]
                    fail(ex, f"{call}: the network fails when it runs {step} on {where}{how}.",
                         got=f"{type(exc).__name__}: {text}",
                         hint="return the network exactly as MLP.from_sizes builds it, without editing its "
                              "attributes afterwards.")
                if _equal(got, expected):
                    continue
                if step == "forward":
                    summary = {}
                    if got.shape == expected.shape and got.ndim == 2:
                        summary = dict(expected=f"Y_hat starting {fmt_array(expected[0, :3], 6)}",
                                       got=f"Y_hat starting {fmt_array(got[0, :3], 6)}")
                    fail(ex, f"{call} does not compute what a ReLU network computes: on {where}{how}, its output "
                             f"Y_hat differs from that of the library's ReLU network with He initialisation and "
                             f"seed {seed}.", hint=_what_it_computes(net, he, X, got), **summary)
                fail(ex, f"{call} does not compute what a ReLU network computes: on {where}{how}, its gradients "
                         f"dE/dW[l] differ from those of the library's ReLU network with He initialisation and "
                         f"seed {seed}, although its output is the same.",
                     hint="return the network exactly as MLP.from_sizes builds it, without editing or overriding "
                          "its methods.")


def exercise_4_4(relu_network):
    """``relu_network(depth, width, seed)``: the deep network with ReLU hidden layers and He init."""
    ex = "4.4"
    X, Y = load_wine_binary()
    for depth, width, seed in grading_cases(ex, [(50, 32, 0), (30, 16, 3), (12, 8, 7)]):
        call = f"relu_network(depth={depth}, width={width}, seed={seed})"
        net = call_student(ex, relu_network, depth, width, seed)
        if not isinstance(net, MLP):
            what = "None" if net is None else type(net).__name__
            fail(ex, f"{call} must return a network (a tl.MLP); got {what}.",
                 hint="build the network with the library's MLP.from_sizes and return that network itself, not "
                      "its weights, its output or a description of it.")
        sizes = [3] + [width] * depth + [1]
        expect_true(ex, net.sizes == sizes, f"{call} has the wrong layer sizes.",
                    expected=f"[3] + [{width}] * {depth} + [1]", got=str(net.sizes)[:100],
                    hint="3 input rows (bias, two features), then depth hidden layers of width units each, then "
                         "one output unit.")
        expect_true(ex, not net.hidden_bias, f"{call} has hidden biases (hidden_bias=True).",
                    hint="keep the default, no hidden biases, as in the sigmoid network: only the activation and "
                         "the initialisation change.")
        hidden, out = net.activations[:-1], net.activations[-1]
        expect_true(ex, out == "sigmoid", f"{call}: the output layer must stay a sigmoid.",
                    expected="'sigmoid'", got=repr(out),
                    hint="Y_hat must be a probability for the log-loss: ReLU hidden layers, a sigmoid output unit.")
        expect_true(ex, set(hidden) == {"relu"}, f"{call}: every hidden layer must use ReLU.",
                    expected="'relu' for the hidden layers", got=str(sorted(set(hidden))),
                    hint="the fix replaces the sigmoid of the hidden layers by ReLU, whose derivative is 1 "
                         "wherever a unit is active.")

        he = MLP.from_sizes(sizes, "relu", init="he", seed=seed)
        if _same_weights(net.weights, he.weights):
            # The names and the weights are right; now what the network computes must be too.
            _check_behaviour(ex, call, net, he, seed)
            continue
        xavier = MLP.from_sizes(sizes, "relu", init="xavier", seed=seed)
        he_hint = ("ReLU switches off about half of each layer's inputs, so with the default Xavier "
                   "initialisation (variance about 1/fan_in for a square layer) the signal and the gradient shrink "
                   "by about 1/sqrt(2) per layer. He initialisation (variance 2/fan_in) makes up for that halving.")
        if _same_weights(net.weights, xavier.weights):
            student = _first_layer_norms(net, X, Y)
            ratio = student["df"][0] / student["df"][-1]
            fail(ex, f"{call} uses the default Xavier initialisation: ||dE/df[1]|| / ||dE/df[L]|| = {ratio:.1e}.",
                 expected="He initialisation, and a ratio between 1e-3 and 1e3",
                 got=f"Xavier weights, ratio {ratio:.1e}", hint=he_hint)
        factor = _proportional(net.weights, he.weights)
        if factor is not None:
            fail(ex, f"{call}: your weights are He's times {factor:.3g}.",
                 expected="He initialisation with scale 1", got=f"scale {factor:.3g}",
                 hint="leave the scale at its default of 1: He's variance 2/fan_in is already what keeps the "
                      "signal's size from layer to layer.")
        if seed != 0 and _same_weights(net.weights, MLP.from_sizes(sizes, "relu", init="he", seed=0).weights):
            fail(ex, f"{call} ignores its seed: its weights are those of seed 0.",
                 hint="hand the seed argument on to MLP.from_sizes: the exercise names the seed, and the check "
                      "compares your weights with the ones that seed gives.")

        # Not the library's draw: say what the weights do to the gradient, then ask for the library's draw.
        student = _first_layer_norms(net, X, Y)
        reference = _first_layer_norms(MLP.from_sizes(sizes, "sigmoid", seed=seed), X, Y)
        expect_true(ex, bool(np.isfinite(student["dW"]).all()), f"{call}: the gradients are not finite.",
                    hint="the initial weights are far too large: use He initialisation with scale 1.")
        g_student, g_sigmoid = student["dW"][0], reference["dW"][0]
        if depth >= 30:
            expect_true(ex, g_student >= 1e3 * g_sigmoid,
                        f"{call}: ||dE/dW[1]|| did not grow by orders of magnitude over the sigmoid network's.",
                        expected=f">= 1e3 x {g_sigmoid:.2e} (the sigmoid network with the same sizes and seed)",
                        got=f"{g_student:.2e}", hint="use ReLU in the hidden layers and He initialisation.")
        ratio = student["df"][0] / student["df"][-1]
        expect_true(ex, ratio >= 1e-3,
                    f"{call}: the gradient still vanishes inside your network: ||dE/df[1]|| / ||dE/df[L]|| "
                    f"= {ratio:.1e}.",
                    expected="a ratio between 1e-3 and 1e3 (no vanishing, no explosion)", got=f"{ratio:.1e}",
                    hint=he_hint)
        expect_true(ex, ratio <= 1e3,
                    f"{call}: the gradient explodes: ||dE/df[1]|| / ||dE/df[L]|| = {ratio:.1e}.",
                    expected="a ratio between 1e-3 and 1e3", got=f"{ratio:.1e}",
                    hint="the initial weights are too large: He initialisation with scale 1.")
        fail(ex, f"{call}: your weights are not the ones MLP.from_sizes draws with He initialisation for "
                 f"seed {seed}.",
             hint="draw the weights with the library's MLP.from_sizes, passing the seed on unchanged: the check "
                  "compares them with that draw.")
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
        "exercise": "4.3",
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
        "exercise": "4.3",
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
        "exercise": "4.3",
        "kind": "Frobenius norm",
        "source": _BOUND_HEAD + '''    L = len(weights)
    norms = [np.linalg.norm(W) for W in weights]
    return np.array([0.25 ** (L - l) * np.prod(norms[l:]) * last_norm for l in range(1, L + 1)])
''',
        "hint": "spectral norm",
    },
    {
        "exercise": "4.3",
        "kind": "sigma' factors without the weights",
        "source": _BOUND_HEAD + '''    L = len(weights)
    return np.array([0.25 ** (L - l) * last_norm for l in range(1, L + 1)])
''',
        "hint": "the weight norms are missing",
    },
    {
        "exercise": "4.4",
        "kind": "ReLU with the default xavier init",
        "source": _RELU_HEAD + '''    return tl.MLP.from_sizes([3] + [width] * depth + [1], "relu", seed=seed)
''',
        "hint": "He initialisation",
    },
    {
        "exercise": "4.4",
        "kind": "ReLU output layer",
        "source": _RELU_HEAD + '''    return tl.MLP.from_sizes([3] + [width] * depth + [1], ["relu"] * (depth + 1), init="he", seed=seed)
''',
        "hint": "output layer must stay a sigmoid",
    },
    {
        "exercise": "4.4",
        "kind": "sigmoid kept, only He init",
        "source": _RELU_HEAD + '''    return tl.MLP.from_sizes([3] + [width] * depth + [1], "sigmoid", init="he", seed=seed)
''',
        "hint": "every hidden layer must use ReLU",
    },
    {
        "exercise": "4.4",
        "kind": "sigmoid network relabelled as ReLU",
        "source": _RELU_HEAD + '''    sizes = [3] + [width] * depth + [1]
    net = tl.MLP.from_sizes(sizes, "sigmoid", init="he", seed=seed)
    net.activations = ["relu"] * depth + ["sigmoid"]
    return net
''',
        "hint": "Renaming the activations",
    },
    {
        "exercise": "4.4",
        "kind": "seed ignored",
        "source": _RELU_HEAD + '''    return tl.MLP.from_sizes([3] + [width] * depth + [1], "relu", init="he")
''',
        "hint": "ignores its seed",
    },
]
