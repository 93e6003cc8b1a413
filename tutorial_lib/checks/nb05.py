"""Checkers of notebook 05: dying ReLU and Leaky ReLU.

References come from the library at check time: ``tl.leaky_relu`` and
``tl.leaky_relu_grad`` for the activation, the pre-activations of
:class:`tutorial_lib.MLP` networks the checker builds for the dead units, a
training run of both networks for the recovery, and the network's own map on
a basis of inputs for the collapsed matrix.
"""

from __future__ import annotations

import numpy as np

from ..activations import leaky_relu as _lib_leaky_relu
from ..activations import leaky_relu_grad as _lib_leaky_relu_grad
from ..data import load_wine_binary
from ..mlp import MLP
from ._common import call_student, expect_array, expect_true, fail, passed

__all__ = ["exercise_5_1", "exercise_5_2", "exercise_5_3", "exercise_5_4", "exercise_5_5", "PLANTED_MISTAKES"]

_SLOPES = (0.01, 0.1, 0.3, 1.0, 0.0)


def _test_inputs():
    """A 2-D array with negative, positive and exactly-zero entries, and a 1-D one."""
    rng = np.random.default_rng(501)
    S = rng.normal(0.0, 2.0, size=(4, 6))
    S[0, :3] = 0.0
    S[1, 0] = -1e-3
    S[2, 0] = 1e-3
    return [S, np.array([-3.0, -0.5, 0.0, 0.5, 3.0])]


# ---------------------------------------------------------------------------- 5.1
def exercise_5_1(leaky_relu):
    """``leaky_relu(s, a=0.01)`` against ``tl.leaky_relu`` for several slopes, including at s = 0."""
    ex = "5.1"
    for S in _test_inputs():
        for a in _SLOPES:
            got = call_student(ex, leaky_relu, S, a)
            expected = _lib_leaky_relu(S, a)
            mistakes = [
                (np.where(S > 0, S, a), f"for s <= 0 the output is a * s (a line of slope a = {a:g} through 0), "
                                        "not the constant a."),
                (np.maximum(S, 0.0), "that is plain ReLU: for s <= 0 Leaky ReLU returns a * s, not 0."),
                (np.where(S > 0, S, -a * S), "sign: for s <= 0 the output is a * s, which is negative (a >= 0)."),
                (np.where(S > 0, S, 0.01 * S), f"you used the slope 0.01 whatever the argument a; use the "
                                               f"parameter a (here a = {a:g})."),
                (a * np.maximum(S, 0.0), "the slope a belongs to the negative side only: s > 0 passes through "
                                         "unchanged, s <= 0 becomes a * s."),
            ]
            expect_array(ex, f"leaky_relu(s, a={a:g}) for s of shape {S.shape}", got, expected,
                         mistakes=[(w, h) for w, h in mistakes if not np.allclose(w, expected)],
                         hint="Leaky ReLU is s where s > 0 and a * s elsewhere, e.g. np.where(s > 0, s, a * s).")
    S = _test_inputs()[0]
    got = call_student(ex, leaky_relu, S)
    expect_array(ex, "leaky_relu(s) with the default slope", got, _lib_leaky_relu(S, 0.01),
                 hint="keep the default a=0.01 in the def line.")
    passed(ex)


# ---------------------------------------------------------------------------- 5.2
def exercise_5_2(leaky_relu_grad):
    """``leaky_relu_grad(s, a=0.01)`` against ``tl.leaky_relu_grad``: 1 for s > 0, a for s <= 0."""
    ex = "5.2"
    for S in _test_inputs():
        for a in _SLOPES:
            got = call_student(ex, leaky_relu_grad, S, a)
            expected = _lib_leaky_relu_grad(S, a)
            mistakes = [
                (np.where(S > 0, 1.0, 0.0), f"for s < 0 the derivative is the slope a (here a = {a:g}), not 0: "
                                            "0 is ReLU's derivative, and it is exactly what lets ReLU units die."),
                (np.where(S >= 0, 1.0, a), f"at s = 0 use the slope a (here {a:g}), not 1: the derivative jumps "
                                           "at 0 and, like the tutorial's ReLU (derivative 0 at s = 0), we take the "
                                           "left-hand value there. Test s > 0, not s >= 0."),
                (np.where(S > 0, 1.0, a * S), f"for s < 0 the derivative of a * s is the constant a = {a:g}, "
                                              "not a * s."),
                (np.where(S > 0, 1.0, -a), f"sign: for s < 0 the slope is +a = {a:g}; Leaky ReLU is increasing "
                                           "everywhere."),
                (np.where(S > 0, S, a * S), "that is Leaky ReLU itself, not its derivative."),
                (np.where(S > 0, 1.0, 0.01), f"you used the slope 0.01 whatever the argument a; use the "
                                             f"parameter a (here a = {a:g})."),
            ]
            expect_array(ex, f"leaky_relu_grad(s, a={a:g}) for s of shape {S.shape}", got, expected,
                         mistakes=[(w, h) for w, h in mistakes if not np.allclose(w, expected)],
                         hint="the derivative is 1 where s > 0 and the slope a where s <= 0, "
                              "e.g. np.where(s > 0, 1.0, a).")
    S = _test_inputs()[0]
    got = call_student(ex, leaky_relu_grad, S)
    expect_array(ex, "leaky_relu_grad(s) with the default slope", got, _lib_leaky_relu_grad(S, 0.01),
                 hint="keep the default a=0.01 in the def line.")
    passed(ex)


# ---------------------------------------------------------------------------- 5.3
def _net_with_known_dead_units(activation, X, seed):
    """A small network with dead, alive, barely alive and all-zero units in its hidden layers."""
    rng = np.random.default_rng(seed)
    net = MLP.from_sizes([3, 6, 5, 4, 1], activation, init="he", seed=rng, hidden_bias=True)
    W1, W2, W3 = net.weights[:3]
    W1[0, 0] = -100.0                # unit 1 of layer 1: dead on every sample
    W1[0, 1] = +100.0                # unit 2: alive on every sample
    W1[:, 2] = 0.0                   # unit 3: f = 0 exactly, so ReLU outputs 0 everywhere: dead
    # unit 4: alive on exactly one sample (the largest value of feature 1)
    W1[:, 3] = [0.0, 1.0, 0.0]
    W1[0, 3] = -np.sort(X[1])[-2]
    W2[0, :2] = -100.0               # layer 2: two dead units
    W3[0, 0] = -100.0                # layer 3: one dead unit
    return net


def _dead(fs, strict=False, rule="all"):
    out = []
    for f in fs:
        mask = f < 0 if strict else f <= 0
        out.append(getattr(mask, rule)(axis=1).mean())
    return np.array(out)


def exercise_5_3(dead_fraction_per_layer):
    """``dead_fraction_per_layer(net, X)``: fraction of dead units in each hidden layer."""
    ex = "5.3"
    X, _ = load_wine_binary()
    rng = np.random.default_rng(503)
    X_other = np.vstack([np.ones((1, 40)), rng.normal(size=(2, 40))])
    for activation, seed in (("relu", 1), ("leaky_relu", 2), ("relu", 3)):
        net = _net_with_known_dead_units(activation, X, seed)
        net.forward(X)
        fs = [f.copy() for f in net.f]
        As = [a.copy() for a in net.a]
        expected = _dead(fs[:-1])
        net.forward(X_other)          # stale state: the student's function must run forward(X) itself
        stale = _dead(net.f[:-1])
        got = call_student(ex, dead_fraction_per_layer, net, X)
        name = f"dead_fraction_per_layer(net, X) for a {activation} network with hidden sizes [6, 5, 4]"
        shape = np.shape(got) if got is not None else None
        if shape == (net.n_layers,):
            fail(ex, f"{name} has {net.n_layers} entries; it should have one per hidden layer.",
                 expected=f"shape ({net.n_layers - 1},)", got=f"shape {shape}",
                 hint="leave out the output layer: use net.f[:-1] (the output unit is a sigmoid, it cannot die "
                      "the ReLU way).")
        mistakes = [
            (_dead(fs[:-1], rule="any"),
             "a unit is dead only when f <= 0 for EVERY sample (all along axis 1, the samples); a unit that is "
             "off for some samples and on for others is alive and learns. Use .all(axis=1), not .any."),
            (_dead(fs[:-1], strict=True),
             "a unit with f = 0 also outputs ReLU(0) = 0 and gets derivative 0: use f <= 0, not f < 0."),
            (np.array([(f <= 0).all(axis=1).sum() for f in fs[:-1]], dtype=float),
             "return the fraction of the layer's units, not their number: divide by the layer width "
             "(or use .mean())."),
            (stale, "your numbers belong to the last forward pass, not to X: call net.forward(X) first."),
            (np.array([(a == 0).all(axis=1).mean() for a in As[:-1]]),
             "a Leaky ReLU unit never outputs exactly 0 (it outputs a * f), so test the pre-activation: "
             "dead means f <= 0 for every sample (net.f, not net.a)."),
        ]
        expect_array(ex, name, got, expected, mistakes=[(w, h) for w, h in mistakes if not np.allclose(w, expected)],
                     hint="for each hidden layer: (f <= 0).all(axis=1).mean() with f = net.f[k] after "
                          "net.forward(X).")
    passed(ex)


# ---------------------------------------------------------------------------- 5.4
def dying_start(activation="relu", a=0.01, sizes=(3, 32, 32, 32, 1), bias=-2.0, seed=0):
    """The notebook's dying start: He-initialised weights, every hidden bias set to ``bias``."""
    net = MLP.from_sizes(list(sizes), activation, init="he", seed=seed, hidden_bias=True, leaky_slope=a)
    for W in net.weights[:-1]:
        W[0] = bias
    return net


def _mean_dead(net, X):
    net.forward(X)
    return float(np.mean([(f <= 0).all(axis=1).mean() for f in net.f[:-1]]))


def exercise_5_4(to_leaky):
    """``to_leaky(net, a)``: the same network with Leaky ReLU of slope a; then both are trained here."""
    ex = "5.4"
    X, Y = load_wine_binary()
    a = 0.2
    relu_net = dying_start(sizes=(3, 16, 16, 16, 1), seed=1)
    before = [W.copy() for W in relu_net.weights]
    try:
        leaky = call_student(ex, to_leaky, relu_net, a)
    except ValueError as exc:
        fail(ex, f"to_leaky(net, a={a}) raised ValueError: {exc}",
             hint="pass hidden_bias=net.hidden_bias to tl.MLP: with hidden_bias=True, W[2], W[3], ... carry an "
                  "extra bias row.")
    if not isinstance(leaky, MLP):
        fail(ex, f"to_leaky(net, a={a}) must return a tl.MLP; got {type(leaky).__name__}.",
             hint="return tl.MLP(net.weights, activations, hidden_bias=net.hidden_bias, leaky_slope=a).")
    expect_true(ex, leaky is not relu_net, "to_leaky returned the same network object it was given.",
                hint="build a new tl.MLP, so the ReLU network stays as it is for the comparison.")
    expect_true(ex, relu_net.activations[:-1] == ["relu"] * (relu_net.n_layers - 1)
                and all(np.array_equal(W, B) for W, B in zip(relu_net.weights, before)),
                "to_leaky changed the ReLU network it was given.",
                hint="leave net alone: build a new tl.MLP from its weights (the constructor copies them).")
    n_hidden = relu_net.n_layers - 1
    expect_true(ex, leaky.activations[-1] == "sigmoid", "the output layer must stay a sigmoid.",
                expected="'sigmoid'", got=repr(leaky.activations[-1]),
                hint="only the hidden layers change: ['leaky_relu'] * (L - 1) + ['sigmoid']. The output must "
                     "remain a probability for the log-loss.")
    expect_true(ex, leaky.activations[:-1] == ["leaky_relu"] * n_hidden,
                "every hidden layer must use 'leaky_relu'.", expected=str(["leaky_relu"] * n_hidden),
                got=str(leaky.activations[:-1]))
    expect_true(ex, leaky.hidden_bias == relu_net.hidden_bias, "hidden_bias must match the original network.",
                expected=str(relu_net.hidden_bias), got=str(leaky.hidden_bias),
                hint="pass hidden_bias=net.hidden_bias.")
    expect_true(ex, leaky.leaky_slope == a, f"the slope of the new network is not a = {a}.",
                expected=f"{a}", got=f"{leaky.leaky_slope:g}",
                hint="pass leaky_slope=a to tl.MLP (its default is 0.01).")
    same = len(leaky.weights) == len(before) and all(
        W.shape == B.shape and np.array_equal(W, B) for W, B in zip(leaky.weights, before))
    expect_true(ex, same, "the new network does not start from the same weights.",
                hint="the comparison only means something from the same start: reuse net.weights "
                     "(tl.MLP copies them), do not draw new random weights.")
    reference = MLP(before, ["leaky_relu"] * n_hidden + ["sigmoid"], hidden_bias=True, leaky_slope=a)
    expect_array(ex, "the new network's output Y_hat on the wine data", leaky.forward(X), reference.forward(X),
                 hint="set the activations when you construct the MLP: assigning to net.activations afterwards "
                      "changes the names, not what the network computes.")

    # Train both from the same start, here and now.
    lr, epochs = 1.0, 200
    dead_relu0, dead_leaky0 = _mean_dead(relu_net, X), _mean_dead(leaky, X)
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        loss_relu = relu_net.fit(X, Y, lr=lr, epochs=epochs)[-1]
        loss_leaky = leaky.fit(X, Y, lr=lr, epochs=epochs)[-1]
    dead_relu1, dead_leaky1 = _mean_dead(relu_net, X), _mean_dead(leaky, X)
    expect_true(ex, dead_leaky1 <= dead_leaky0 - 0.1 and loss_leaky <= loss_relu - 0.1,
                f"after {epochs} epochs at learning rate {lr}, the Leaky ReLU network did not recover.",
                expected=f"dead units falling below {100 * (dead_leaky0 - 0.1):.0f}% and a loss below "
                         f"{loss_relu - 0.1:.3f} (ReLU: {100 * dead_relu0:.0f}% -> {100 * dead_relu1:.0f}% dead, "
                         f"loss {loss_relu:.3f})",
                got=f"{100 * dead_leaky0:.0f}% -> {100 * dead_leaky1:.0f}% dead, loss {loss_leaky:.3f}",
                hint=f"check the slope: leaky_slope=a with a = {a}.")
    passed(ex)


# ---------------------------------------------------------------------------- 5.5
def _collapsed_reference(net):
    """M with f[L] = M.T @ X, read off the network's own map: f[L] is linear in X (bias row first)."""
    d = net.weights[0].shape[0]
    B = np.eye(d)
    B[0, :] = 1.0                       # columns e0, e0 + e1, e0 + e2, ...: valid inputs with the bias row
    net.forward(B)
    return np.linalg.solve(B.T, net.f[-1].T)      # f = M.T @ B  <=>  B.T @ M = f.T


def _collapsed_without_biases(net):
    M = net.weights[0]
    for W in net.weights[1:]:
        M = M @ (W[1:] if net.hidden_bias else W)
    return M


def exercise_5_5(collapse):
    """``collapse(net)`` for a = 1: the matrix M with ``f[L] = M.T @ X``, compared with the network's map."""
    ex = "5.5"
    rng = np.random.default_rng(505)
    X, _ = load_wine_binary()
    cases = [([3, 4, 5, 1], False), ([3, 6, 4, 5, 1], True), ([3, 5, 1], True), ([3, 4, 3, 2], True),
             ([3, 1], True)]
    for sizes, hidden_bias in cases:
        net = MLP.from_sizes(sizes, "leaky_relu", init="he", seed=rng, hidden_bias=hidden_bias, leaky_slope=1.0)
        if hidden_bias:
            for W in net.weights[1:]:
                W[0] = rng.normal(0.0, 1.0, size=W.shape[1])     # clearly non-zero biases
        expected = _collapsed_reference(net)
        name = f"collapse(net) for sizes {sizes}, hidden_bias={hidden_bias}"
        before = [W.copy() for W in net.weights]
        try:
            got = call_student(ex, collapse, net)
        except ValueError as exc:
            fail(ex, f"{name} raised ValueError: {exc}",
                 hint="with hidden_bias=True, W[l] for l >= 2 has one more row than the layer below has units: "
                      "row 0 holds the biases, W[l][1:] multiplies f[l-1].")
        expect_true(ex, all(np.array_equal(W, B) for W, B in zip(net.weights, before)),
                    f"{name} changed the network's weights.",
                    hint="compute M in new arrays; do not update net.weights in place.")
        mistakes = []
        if hidden_bias and len(sizes) > 2:
            mistakes.append((_collapsed_without_biases(net),
                             "the biases of layers 2..L are missing. With hidden_bias=True, f[l] = W[l][1:].T @ "
                             "f[l-1] + W[l][0]; the bias row reaches the input through X's row of ones, so add "
                             "np.outer(e0, W[l][0]) at each step, where e0 = (1, 0, 0) picks that row."))
        expect_array(ex, name, got, expected, mistakes=mistakes, rtol=1e-9, atol=1e-12,
                     hint="M starts as W[1]; each later layer maps M to M @ W (hidden_bias=False) or to "
                          "M @ W[1:] + np.outer(e0, W[0]) (hidden_bias=True).")
        # The same matrix reproduces the network on the wine data.
        net.forward(X)
        expect_array(ex, f"M.T @ X against the network's f[L] on the wine data ({name})",
                     np.asarray(got, dtype=float).T @ X, net.f[-1], rtol=1e-8, atol=1e-10)
    passed(ex)


# ---------------------------------------------------------------------------- planted mistakes
_LEAKY_HEAD = '''def leaky_relu(s, a=0.01):
    """Leaky ReLU, elementwise: s where s > 0, a * s elsewhere."""
'''
_GRAD_HEAD = '''def leaky_relu_grad(s, a=0.01):
    """Derivative of Leaky ReLU, elementwise: 1 where s > 0, a elsewhere (also at s = 0)."""
'''
_DEAD_HEAD = '''def dead_fraction_per_layer(net, X):
    """Fraction of dead units in each hidden layer: units whose pre-activation is <= 0 for every sample."""
'''
_TO_LEAKY_HEAD = '''def to_leaky(net, a):
    """A new network with net's weights, Leaky ReLU of slope a in every hidden layer and net's output layer."""
'''
_COLLAPSE_HEAD = '''def collapse(net):
    """For hidden layers with a = 1: the matrix M, shape (rows of X, n_L), such that f[L] = M.T @ X."""
'''

PLANTED_MISTAKES = [
    {"exercise": "5.1", "kind": "constant a for negative inputs",
     "source": _LEAKY_HEAD + "    return np.where(s > 0, s, a)\n",
     "hint": "not the constant a"},
    {"exercise": "5.1", "kind": "slope hard-coded to 0.01",
     "source": _LEAKY_HEAD + "    return np.where(s > 0, s, 0.01 * s)\n",
     "hint": "use the parameter a"},
    {"exercise": "5.1", "kind": "sign of the negative part",
     "source": _LEAKY_HEAD + "    return np.where(s > 0, s, -a * s)\n",
     "hint": "which is negative"},
    {"exercise": "5.2", "kind": "0 for negative inputs (ReLU's derivative)",
     "source": _GRAD_HEAD + "    return np.where(s > 0, 1.0, 0.0)\n",
     "hint": "the derivative is the slope a"},
    {"exercise": "5.2", "kind": "derivative 1 at s = 0",
     "source": _GRAD_HEAD + "    return np.where(s >= 0, 1.0, a)\n",
     "hint": "at s = 0 use the slope a"},
    {"exercise": "5.2", "kind": "a * s instead of a",
     "source": _GRAD_HEAD + "    return np.where(s > 0, 1.0, a * s)\n",
     "hint": "the derivative of a * s is the constant a"},
    {"exercise": "5.2", "kind": "sign of the slope",
     "source": _GRAD_HEAD + "    return np.where(s > 0, 1.0, -a)\n",
     "hint": "the slope is +a"},
    {"exercise": "5.3", "kind": "any instead of all",
     "source": _DEAD_HEAD + "    net.forward(X)\n    return np.array([(f <= 0).any(axis=1).mean() for f in net.f[:-1]])\n",
     "hint": "for EVERY sample"},
    {"exercise": "5.3", "kind": "output layer included",
     "source": _DEAD_HEAD + "    net.forward(X)\n    return np.array([(f <= 0).all(axis=1).mean() for f in net.f])\n",
     "hint": "leave out the output layer"},
    {"exercise": "5.3", "kind": "tests the output a == 0 (fails for Leaky ReLU)",
     "source": _DEAD_HEAD + "    net.forward(X)\n    return np.array([(a == 0).all(axis=1).mean() for a in net.a[:-1]])\n",
     "hint": "never outputs exactly 0"},
    {"exercise": "5.3", "kind": "forgot the forward pass",
     "source": _DEAD_HEAD + "    return np.array([(f <= 0).all(axis=1).mean() for f in net.f[:-1]])\n",
     "hint": "call net.forward(X) first"},
    {"exercise": "5.4", "kind": "slope not passed (default 0.01)",
     "source": _TO_LEAKY_HEAD + "    activations = ['leaky_relu'] * (net.n_layers - 1) + ['sigmoid']\n"
                                "    return tl.MLP(net.weights, activations, hidden_bias=net.hidden_bias)\n",
     "hint": "leaky_slope=a"},
    {"exercise": "5.4", "kind": "Leaky ReLU in the output layer too",
     "source": _TO_LEAKY_HEAD + "    activations = ['leaky_relu'] * net.n_layers\n"
                                "    return tl.MLP(net.weights, activations, hidden_bias=net.hidden_bias, "
                                "leaky_slope=a)\n",
     "hint": "output layer must stay a sigmoid"},
    {"exercise": "5.4", "kind": "fresh random weights instead of the same start",
     "source": _TO_LEAKY_HEAD + "    return tl.MLP.from_sizes(net.sizes, 'leaky_relu', init='he', seed=0, "
                                "hidden_bias=net.hidden_bias, leaky_slope=a)\n",
     "hint": "same weights"},
    {"exercise": "5.4", "kind": "renamed the activations after construction",
     "source": _TO_LEAKY_HEAD + "    new = net.copy()\n    new.leaky_slope = a\n"
                                "    new.activations = ['leaky_relu'] * (net.n_layers - 1) + ['sigmoid']\n"
                                "    return new\n",
     "hint": "changes the names, not what the network computes"},
    {"exercise": "5.5", "kind": "biases of the hidden layers dropped",
     "source": _COLLAPSE_HEAD + "    M = net.weights[0]\n    for W in net.weights[1:]:\n"
                                "        M = M @ (W[1:] if net.hidden_bias else W)\n    return M\n",
     "hint": "hidden_bias=True"},
    {"exercise": "5.5", "kind": "bias row multiplied as if it were a unit",
     "source": _COLLAPSE_HEAD + "    M = net.weights[0]\n    for W in net.weights[1:]:\n        M = M @ W\n"
                                "    return M\n",
     "hint": "row 0 holds the biases"},
]
