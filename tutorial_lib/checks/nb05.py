"""Checkers of notebook 05: dying ReLU and Leaky ReLU.

Every reference is computed here, at check time, and none trusts the library
functions that a student's cells could have replaced: the activation and its
derivative are written out with numpy, the dead units come from the
pre-activations of :class:`tutorial_lib.MLP` networks the checker builds, the
recovery from training both networks here, and the collapsed matrix from the
network's own map on a basis of inputs.  Random inputs are drawn through
:func:`grading_cases`, so a graded run uses inputs the student never saw.

Exercises 5.4 and 5.7 are written; 5.1, 5.2, 5.3, 5.5 and 5.6 are checked here.
"""

from __future__ import annotations

import numpy as np

from ..activations import _leaky_relu, leaky_relu, leaky_relu_grad
from ..data import load_wine_binary
from ..gradcheck import numerical_gradient, numerical_jacobian
from ..mlp import MLP
from ._common import _student_frame, call_student, expect_array, expect_true, fail, grading_cases, passed

__all__ = ["exercise_5_1", "exercise_5_2", "exercise_5_3", "exercise_5_5", "exercise_5_6", "dying_start",
           "HINTS", "PLANTED_MISTAKES"]

HINTS = {
    "5.1": [
        "Leaky ReLU keeps s where s is positive and multiplies it by the slope a everywhere else. Work entry by "
        "entry: for each entry, decide which of the two branches applies.",
        "NumPy has a function that picks, entry by entry, from one of two arrays according to a condition; that "
        "does the whole job in one step. (For 0 <= a <= 1, the larger of s and a times s is the same thing.)",
        "The result has the shape of s: s in the entries where s > 0, a times s in the others (s <= 0; at s = 0 "
        "both branches give 0). Use the argument a, not a fixed 0.01, and build a new array instead of "
        "changing s in place.",
    ],
    "5.2": [
        "Differentiate each branch of Leaky ReLU on its own: what is the slope of the line s, and of the line "
        "a times s?",
        "Where s > 0 the derivative is 1; where s < 0 it is the constant a (not a times s). At s = 0 the function "
        "has a kink, and this workbook takes the left-hand value there.",
        "Return an array of the shape of s holding 1 where s > 0 and a where s <= 0, s = 0 included. It is an "
        "exact derivative: finite differences are not accurate enough here, and wrong at the kink.",
    ],
    "5.3": [
        "A unit is dead on X when its pre-activation is <= 0 for every sample. Run the network on X first, so "
        "that the pre-activations it stores belong to X and not to an earlier call.",
        "After the forward pass, net.f holds one array of shape (units, samples) per layer; the hidden layers are "
        "all of them but the last. For each, test f <= 0 entry by entry, and ask for each unit (a row) whether "
        "that holds across all samples (the columns).",
        "For each hidden layer the fraction is the number of rows whose entries are all <= 0, divided by the "
        "number of rows. Return one number per hidden layer, together as one array of length L - 1.",
    ],
    "5.5": [
        "The new network keeps everything of net except the hidden activation and its slope: the same weights, "
        "the same output layer, the same options.",
        "Build it with the MLP constructor from net's weights (the constructor copies them), a list with one "
        "activation name per layer, and net's own hidden_bias option; the slope a is the constructor's "
        "leaky_slope option.",
        "The activation list is 'leaky_relu' for each of the L - 1 hidden layers, followed by the activation of "
        "net's output layer. Renaming the activations of an existing network afterwards changes the names, not "
        "what the network computes: choose them when you construct it.",
    ],
    "5.6": [
        "With a = 1 every hidden layer is linear (affine with hidden biases). Suppose f[l-1] = M_{l-1}^T X for "
        "some matrix M_{l-1}, which holds for l - 1 = 1 with M_1 = W[1], and write f[l] in terms of X.",
        "Without hidden biases f[l] = W[l]^T f[l-1], so M_l is M_{l-1} times W[l]. With hidden biases, row 0 of "
        "W[l] holds the biases and the other rows multiply f[l-1]. A bias times a row of ones can ride on X's "
        "first row, which is all ones: that row of ones is e0^T X with e0 = (1, 0, ..., 0)^T.",
        "With hidden biases, M_l is M_{l-1} times W[l] without its row 0, plus e0 times that row 0 (the biases, "
        "as a 1 x n_l row): the biases land in row 0 of M only. Start from M_1 = W[1] and go up to M_L, of shape "
        "(rows of X, n_L).",
    ],
}


# ---------------------------------------------------------------------------- 5.1 and 5.2
_SLOPES = (0.01, 0.1, 0.37, 1.0, 0.0)


def _inputs(kind, seed):
    """Arrays with negative, positive and exactly-zero entries: ``grid`` (2-D), ``line`` (1-D), ``cube`` (3-D)."""
    rng = np.random.default_rng(seed)
    if kind == "grid":
        S = rng.normal(0.0, 2.0, size=(4, 6))
        S[0, :3] = 0.0
        S[1, 0] = -1e-3
        S[2, 0] = 1e-3
        S[3, 0] = -50.0
        return S
    if kind == "line":
        return np.concatenate([[-3.0, -0.5, 0.0, 0.5, 3.0], rng.normal(0.0, 3.0, size=4)])
    S = rng.normal(0.0, 5.0, size=(2, 3, 4))
    S[0, 0, :2] = 0.0
    return S


def _cases(ex):
    """(kind, seed, slopes): the public inputs, plus hidden ones with an extra slope when grading."""
    out = []
    for kind, seed in grading_cases(ex, [("grid", 501), ("line", 502), ("cube", 503)]):
        slopes = _SLOPES
        if seed >= 100_000:          # a hidden case: a slope nobody could have typed in
            slopes = _SLOPES + (round(float(np.random.default_rng(seed).uniform(0.02, 0.9)), 4),)
        out.append((kind, seed, slopes))
    return out


def _leaky(S, a):
    return np.where(S > 0, S, a * S)


def _leaky_grad(S, a):
    return np.where(S > 0, 1.0, a) * np.ones_like(S)


def exercise_5_1(leaky_relu_fn):
    """``leaky_relu(s, a=0.01)``: s where s > 0, a * s elsewhere, for several slopes and shapes."""
    ex = "5.1"
    forbid = (leaky_relu, leaky_relu_grad, _leaky_relu, _leaky, _leaky_grad)   # the last two: this checker's own
    for kind, seed, slopes in _cases(ex):
        S = _inputs(kind, seed)
        for a in slopes:
            got = call_student(ex, leaky_relu_fn, S, a, forbid=forbid)
            expected = _leaky(S, a)
            mistakes = [
                (np.where(S > 0, S, a), f"for s <= 0 the output is a times s (a line of slope a = {a:g} through "
                                        "0), not the constant a."),
                (np.maximum(S, 0.0), "that is plain ReLU: for s <= 0 Leaky ReLU returns a times s, not 0."),
                (np.where(S > 0, S, -a * S), "sign: for s <= 0 the output is a times s, which is negative "
                                            "(a >= 0)."),
                (np.where(S > 0, S, 0.01 * S), f"you used the slope 0.01 whatever the argument a; use the "
                                               f"parameter a (here a = {a:g})."),
                (a * np.maximum(S, 0.0), "the slope a belongs to the negative side only: s > 0 passes through "
                                         "unchanged, s <= 0 becomes a times s."),
                (np.where(S > 0, a * S, S), "the two branches are swapped: s > 0 passes through unchanged, "
                                            "s <= 0 becomes a times s."),
                (np.where(S > 0, 1.0, a), "that is the derivative of Leaky ReLU, not the function."),
            ]
            expect_array(ex, f"leaky_relu(s, a={a:g}) for s of shape {S.shape}", got, expected,
                         mistakes=[(w, h) for w, h in mistakes if not np.allclose(w, expected)],
                         hint="compare the entries where s > 0 and those where s <= 0 separately: Leaky ReLU "
                              "passes positive entries through and multiplies the others by a.")
    S = _inputs("grid", 501)
    got = call_student(ex, leaky_relu_fn, S, forbid=forbid)
    expect_array(ex, "leaky_relu(s) with the default slope", got, _leaky(S, 0.01),
                 hint="the def line gives a the default value 0.01: keep it.")
    passed(ex)


def exercise_5_2(leaky_relu_grad_fn):
    """``leaky_relu_grad(s, a=0.01)``: exactly 1 for s > 0 and a for s <= 0 (s = 0 included)."""
    ex = "5.2"
    forbid = (leaky_relu_grad, leaky_relu, _leaky_relu, _leaky, _leaky_grad, numerical_gradient, numerical_jacobian)
    for kind, seed, slopes in _cases(ex):
        S = _inputs(kind, seed)
        for a in slopes:
            got = call_student(ex, leaky_relu_grad_fn, S, a, forbid=forbid)
            expected = _leaky_grad(S, a)
            mistakes = [
                (np.where(S > 0, 1.0, 0.0), f"for s < 0 the derivative is the slope a (here a = {a:g}), not 0: "
                                            "0 is ReLU's derivative, and it is exactly what lets ReLU units die."),
                (np.where(S >= 0, 1.0, a), f"at s = 0 use the slope a (here {a:g}), not 1: the derivative jumps "
                                           "at 0, and this workbook takes the left-hand value there (as for "
                                           "ReLU, whose derivative at 0 is 0). Test s > 0, not s >= 0."),
                (np.where(S > 0, 1.0, np.where(S < 0, a, (1 + a) / 2)),
                 "at s = 0 you have (1 + a)/2, the average of the two slopes, which is what a central difference "
                 "gives across the kink; this workbook takes the left-hand value a."),
                (np.where(S > 0, 1.0, np.where(S < 0, a, 0.0)),
                 f"at s = 0 use the slope a (here {a:g}), not 0: the left-hand value of the derivative."),
                (np.where(S > 0, 1.0, a * S), f"for s < 0 the derivative of a times s is the constant "
                                              f"a = {a:g}, not a times s."),
                (np.where(S > 0, 1.0, -a), f"sign: for s < 0 the slope is +a = {a:g}; Leaky ReLU is increasing "
                                           "everywhere."),
                (np.where(S > 0, S, a * S), "that is Leaky ReLU itself, not its derivative."),
                (np.where(S > 0, 1.0, 0.01), f"you used the slope 0.01 whatever the argument a; use the "
                                             f"parameter a (here a = {a:g})."),
                (np.where(S > 0, a, 1.0), "the two slopes are swapped: 1 belongs to s > 0, a to s <= 0."),
                (np.ones_like(S), "that is 1 everywhere: on the negative side the slope is a."),
                (np.where(S > 0, 1.0, 1.0 - a), "on the negative side the slope is a itself, not 1 - a."),
            ]
            expect_array(ex, f"leaky_relu_grad(s, a={a:g}) for s of shape {S.shape}", got, expected,
                         mistakes=[(w, h) for w, h in mistakes if not np.allclose(w, expected)], exact=True,
                         hint="compare the entries where s > 0, s < 0 and s = 0 separately: each branch of Leaky "
                              "ReLU is a straight line, and its derivative is that line's slope.")
    S = _inputs("grid", 501)
    got = call_student(ex, leaky_relu_grad_fn, S, forbid=forbid)
    expect_array(ex, "leaky_relu_grad(s) with the default slope", got, _leaky_grad(S, 0.01), exact=True,
                 hint="the def line gives a the default value 0.01: keep it.")
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
    from ..plotting.dying_relu import dead_units, train_tracking_dead_units  # matplotlib: load on use only

    X, _ = load_wine_binary()
    rng = np.random.default_rng(5030)
    X_other = np.vstack([np.ones((1, 40)), rng.normal(size=(2, 40))])
    for activation, seed in grading_cases(ex, [("relu", 1), ("leaky_relu", 2), ("relu", 3)]):
        net = _net_with_known_dead_units(activation, X, seed)
        net.forward(X)
        fs = [f.copy() for f in net.f]
        As = [a.copy() for a in net.a]
        expected = _dead(fs[:-1])
        net.forward(X_other)          # stale state: the student's function must run forward(X) itself
        stale = _dead(net.f[:-1])
        before = [W.copy() for W in net.weights]
        got = call_student(ex, dead_fraction_per_layer, net, X, forbid=(dead_units, train_tracking_dead_units, _dead))
        name = f"dead_fraction_per_layer(net, X) for a {activation} network with hidden sizes [6, 5, 4]"
        expect_true(ex, all(np.array_equal(W, B) for W, B in zip(net.weights, before)),
                    f"{name} changed the network's weights.",
                    hint="measuring must leave the network as it is: only run it forward.")
        if isinstance(got, np.ndarray) and got.shape == (net.n_layers,):
            fail(ex, f"{name} has {net.n_layers} entries; it should have one per hidden layer.",
                 expected=f"shape ({net.n_layers - 1},)", got=f"shape {got.shape}",
                 hint="leave out the output layer, the last entry of net.f: the output unit is a sigmoid, it "
                      "cannot die the ReLU way.")
        mistakes = [
            (_dead(fs[:-1], rule="any"),
             "a unit is dead only when f <= 0 for EVERY sample (all along the samples, the columns); a unit that "
             "is off for some samples and on for others is alive and learns."),
            (_dead(fs[:-1], strict=True),
             "a unit with f = 0 also outputs ReLU(0) = 0 and gets derivative 0: the test is f <= 0, not f < 0."),
            (np.array([(f <= 0).all(axis=1).sum() for f in fs[:-1]], dtype=float),
             "return the fraction of the layer's units, not their number: divide by the layer width."),
            (100 * expected, "return fractions between 0 and 1, not percentages."),
            (1 - expected, "that is the fraction of units that are alive, not of those that are dead."),
            (stale, "your numbers belong to the last forward pass, not to X: run the network on X first."),
            (np.array([(a == 0).all(axis=1).mean() for a in As[:-1]]),
             "a Leaky ReLU unit never outputs exactly 0 (it outputs a times f), so test the pre-activation: "
             "dead means f <= 0 for every sample (net.f, not net.a)."),
            (np.array([(f <= 0).all(axis=0).mean() for f in fs[:-1]]),
             "you asked, for each sample, whether all units are off (a reduction over the units, the rows): a unit "
             "is dead when it is off for all samples, a reduction over the columns."),
            (np.array([(f <= 0).mean() for f in fs[:-1]]),
             "that is the share of (unit, sample) pairs that are off; a unit counts as dead only when it is off "
             "for every sample."),
        ]
        expect_array(ex, name, got, expected, mistakes=[(w, h) for w, h in mistakes if not np.allclose(w, expected)],
                     hint="for each hidden layer: the share of its units (rows of its pre-activation) that are "
                          "<= 0 in every column, after running the network on X.")
    passed(ex)


# ---------------------------------------------------------------------------- 5.5
def dying_start(activation="relu", a=0.01, sizes=(3, 32, 32, 32, 1), bias=-2.0, seed=0):
    """The notebook's dying start: He-initialised weights, every hidden bias set to ``bias``."""
    net = MLP.from_sizes(list(sizes), activation, init="he", seed=seed, hidden_bias=True, leaky_slope=a)
    for W in net.weights[:-1]:
        W[0] = bias
    return net


def _mean_dead(net, X):
    net.forward(X)
    return float(np.mean([(f <= 0).all(axis=1).mean() for f in net.f[:-1]]))


def _start(a, seed, hidden_bias):
    """The network handed to ``to_leaky``: a dying start (hidden biases) or a plain He ReLU network."""
    if hidden_bias:
        return dying_start(sizes=(3, 16, 16, 16, 1), seed=seed)
    return MLP.from_sizes([3, 8, 8, 1], "relu", init="he", seed=seed)


def exercise_5_5(to_leaky):
    """``to_leaky(net, a)``: the same network with Leaky ReLU of slope a; the dying start is also trained here."""
    ex = "5.5"
    X, Y = load_wine_binary()
    public = [(0.2, True, 1), (0.05, False, 2), (0.3, True, 3)]
    for case, (a, hidden_bias, seed) in enumerate(grading_cases(ex, public)):
        relu_net = _start(a, seed, hidden_bias)
        call = f"to_leaky(net, a={a:g}) for a ReLU network with hidden_bias={hidden_bias}"
        before = [W.copy() for W in relu_net.weights]
        try:
            leaky = call_student(ex, to_leaky, relu_net, a, passthrough=(ValueError,))
        except ValueError as exc:
            text = str(exc)
            where = _student_frame(exc.__traceback__)
            if "fan-in" in text or "fan_in" in text:
                has = ("has hidden biases: its W[2], W[3], ... carry an extra row 0" if hidden_bias
                       else "has no hidden biases: its weight matrices carry no extra bias row")
                fail(ex, f"{call} raised ValueError: the weights do not fit the new network's layers.",
                     detail=where, hint=f"the network you were given {has}. Build the new network with the same "
                                        f"hidden_bias option as net.")
            fail(ex, f"{call} raised ValueError: {text.splitlines()[0][:150]}", detail=where,
                 hint="read the message: the MLP constructor says which of its arguments it could not use.")
        if not isinstance(leaky, MLP):
            what = "None" if leaky is None else type(leaky).__name__
            fail(ex, f"{call} must return a network (a tl.MLP); got {what}.",
                 hint="build a new network with the MLP constructor and return it, not its weights or output.")
        expect_true(ex, leaky is not relu_net, "to_leaky returned the same network object it was given.",
                    hint="build a new network, so that the ReLU network stays as it is for the comparison.")
        expect_true(ex, relu_net.activations[:-1] == ["relu"] * (relu_net.n_layers - 1)
                    and all(np.array_equal(W, B) for W, B in zip(relu_net.weights, before)),
                    "to_leaky changed the ReLU network it was given.",
                    hint="leave net alone: build a new network from its weights (the constructor copies them).")
        n_hidden = relu_net.n_layers - 1
        expect_true(ex, leaky.n_layers == relu_net.n_layers, f"{call} has {leaky.n_layers} layers instead of "
                    f"{relu_net.n_layers}.", hint="keep every layer of net, with its weights.")
        expect_true(ex, leaky.activations[-1] == "sigmoid", "the output layer must stay a sigmoid.",
                    expected="'sigmoid'", got=repr(leaky.activations[-1]),
                    hint="only the hidden layers change. The output must remain a probability for the log-loss.")
        expect_true(ex, leaky.activations[:-1] == ["leaky_relu"] * n_hidden,
                    "every hidden layer must use 'leaky_relu'.", expected=str(["leaky_relu"] * n_hidden),
                    got=str(leaky.activations[:-1])[:100],
                    hint="the activation list names one activation per layer: the hidden ones all change.")
        expect_true(ex, leaky.hidden_bias == relu_net.hidden_bias, "hidden_bias must match the original network.",
                    expected=str(relu_net.hidden_bias), got=str(leaky.hidden_bias),
                    hint="hand net's own hidden_bias option on to the new network.")
        expect_true(ex, leaky.leaky_slope == a, f"the slope of the new network is not a = {a:g}.",
                    expected=f"{a:g}", got=f"{leaky.leaky_slope:g}",
                    hint="the constructor's leaky_slope option sets the slope (its default is 0.01): pass a.")
        same = len(leaky.weights) == len(before) and all(
            W.shape == B.shape and np.array_equal(W, B) for W, B in zip(leaky.weights, before))
        expect_true(ex, same, "the new network does not start from the same weights.",
                    hint="the comparison only means something from the same start: reuse net's weights, do not "
                         "draw new random ones.")
        reference = MLP(before, ["leaky_relu"] * n_hidden + ["sigmoid"], hidden_bias=hidden_bias, leaky_slope=a)
        expect_array(ex, "the new network's output Y_hat on the wine data", leaky.forward(X), reference.forward(X),
                     hint="choose the activations when you construct the network: renaming them afterwards "
                          "changes the names, not what the network computes.")
        if case > 0:
            continue
        # The dying start: train both from the same start, here and now.
        lr, epochs = 1.0, 200
        dead_relu0, dead_leaky0 = _mean_dead(relu_net, X), _mean_dead(leaky, X)
        with np.errstate(over="ignore", invalid="ignore", under="ignore"):
            loss_relu = relu_net.fit(X, Y, lr=lr, epochs=epochs)[-1]
            loss_leaky = leaky.fit(X, Y, lr=lr, epochs=epochs)[-1]
        dead_relu1, dead_leaky1 = _mean_dead(relu_net, X), _mean_dead(leaky, X)
        expect_true(ex, dead_leaky1 <= dead_leaky0 - 0.1 and loss_leaky <= loss_relu - 0.1,
                    f"after {epochs} epochs at learning rate {lr:g}, the Leaky ReLU network did not recover.",
                    expected=f"dead units falling below {100 * (dead_leaky0 - 0.1):.0f}% and a loss below "
                             f"{loss_relu - 0.1:.3f} (ReLU: {100 * dead_relu0:.0f}% -> {100 * dead_relu1:.0f}% "
                             f"dead, loss {loss_relu:.3f})",
                    got=f"{100 * dead_leaky0:.0f}% -> {100 * dead_leaky1:.0f}% dead, loss {loss_leaky:.3f}",
                    hint=f"check the slope of the new network: it must be a = {a:g}.")
    passed(ex)


# ---------------------------------------------------------------------------- 5.6
def _collapsed_reference(net):
    """M with f[L] = M.T @ X, read off the network's own map: f[L] is linear in X (bias row first)."""
    d = net.weights[0].shape[0]
    B = np.eye(d)
    B[0, :] = 1.0                       # columns e0, e0 + e1, e0 + e2, ...: valid inputs with the bias row
    net.forward(B)
    return np.linalg.solve(B.T, net.f[-1].T)      # f = M.T @ B  <=>  B.T @ M = f.T


def _collapsed(net, bias_rule="e0"):
    """The recursion with the biases handled by ``bias_rule``: 'e0' (right), 'none', 'every_row'."""
    M = net.weights[0]
    e0 = np.zeros((M.shape[0], 1))
    e0[0, 0] = 1.0
    for W in net.weights[1:]:
        if not net.hidden_bias:
            M = M @ W
        elif bias_rule == "none":
            M = M @ W[1:]
        elif bias_rule == "every_row":
            M = M @ W[1:] + W[:1]
        else:
            M = M @ W[1:] + e0 @ W[:1]
    return M


def exercise_5_6(collapse):
    """``collapse(net)`` for a = 1: the matrix M with ``f[L] = M.T @ X``, compared with the network's map."""
    ex = "5.6"
    X, _ = load_wine_binary()
    # predict and loss run forward, so forward is enough; _collapsed is this checker's own recursion.
    forbid = (MLP.forward, MLP.fit, MLP.backward, _collapsed)
    public = [((3, 4, 5, 1), False, 5061), ((3, 6, 4, 5, 1), True, 5062), ((3, 5, 1), True, 5063),
              ((3, 4, 3, 2), True, 5064), ((3, 1), True, 5065)]
    bias_hint = ("with hidden biases, W[l] for l >= 2 has one row more than layer l - 1 has units: row 0 holds the "
                 "biases, and only the other rows multiply f[l-1].")
    for sizes, hidden_bias, seed in grading_cases(ex, public):
        rng = np.random.default_rng(seed)
        net = MLP.from_sizes(list(sizes), "leaky_relu", init="he", seed=rng, hidden_bias=hidden_bias,
                             leaky_slope=1.0)
        if hidden_bias:
            for W in net.weights[1:]:
                W[0] = rng.normal(0.0, 1.0, size=W.shape[1])     # clearly non-zero biases
        expected = _collapsed_reference(net)
        name = f"collapse(net) for sizes {list(sizes)}, hidden_bias={hidden_bias}"
        before = [W.copy() for W in net.weights]
        try:
            got = call_student(ex, collapse, net, forbid=forbid, passthrough=(ValueError,))
        except ValueError as exc:
            where = _student_frame(exc.__traceback__)
            if hidden_bias:
                fail(ex, f"{name} raised ValueError: two matrices did not fit.", detail=where, hint=bias_hint)
            fail(ex, f"{name} raised ValueError: {str(exc).splitlines()[0][:150]}", detail=where,
                 hint="two arrays met with shapes that do not fit: write down the shape of each factor, with "
                      "W[l] of shape (fan_in, fan_out) and M_l of shape (rows of X, n_l).")
        expect_true(ex, all(np.array_equal(W, B) for W, B in zip(net.weights, before)),
                    f"{name} changed the network's weights.",
                    hint="compute M in new arrays; leave the network's weights as they are.")
        mistakes = []
        if hidden_bias and len(sizes) > 2:
            mistakes = [
                (_collapsed(net, "none"),
                 "the biases of layers 2..L are missing. With hidden biases, f[l] = W[l]_{1:}^T f[l-1] plus the "
                 "biases of row 0 of W[l] (hidden_bias=True); they reach the input through X's row of ones."),
                (_collapsed(net, "every_row"),
                 "the biases were added to every row of M. They ride on X's row of ones only, so they belong in "
                 "row 0 of M: multiply them by e0 = (1, 0, ..., 0)^T first."),
            ]
        M = expect_array(ex, name, got, expected, mistakes=mistakes, rtol=1e-9, atol=1e-12,
                         hint=("M_1 = W[1], and each later layer maps M_{l-1} to M_l; " + bias_hint) if hidden_bias
                         else "M_1 = W[1], and each later layer multiplies M_{l-1} on the right by W[l].")
        # The same matrix reproduces the network on the wine data.
        net.forward(X)
        expect_array(ex, f"M^T X against the network's f[L] on the wine data ({name})", M.T @ X, net.f[-1],
                     rtol=1e-8, atol=1e-10)
    passed(ex)


# ---------------------------------------------------------------------------- planted mistakes
_LEAKY_HEAD = '''def leaky_relu(s, a=0.01):
    """Leaky ReLU, elementwise: s where s > 0, a * s elsewhere."""
'''
_GRAD_HEAD = '''def leaky_relu_grad(s, a=0.01):
    """Derivative of Leaky ReLU, elementwise (value a at s = 0)."""
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
    {"exercise": "5.1", "kind": "library shortcut",
     "source": _LEAKY_HEAD + "    return tl.leaky_relu(s, a)\n",
     "hint": "write the maths yourself"},
    {"exercise": "5.2", "kind": "0 for negative inputs (ReLU's derivative)",
     "source": _GRAD_HEAD + "    return np.where(s > 0, 1.0, 0.0)\n",
     "hint": "the derivative is the slope a"},
    {"exercise": "5.2", "kind": "derivative 1 at s = 0",
     "source": _GRAD_HEAD + "    return np.where(s >= 0, 1.0, a)\n",
     "hint": "at s = 0 use the slope a"},
    {"exercise": "5.2", "kind": "a * s instead of a",
     "source": _GRAD_HEAD + "    return np.where(s > 0, 1.0, a * s)\n",
     "hint": "the derivative of a times s is the constant a"},
    {"exercise": "5.2", "kind": "sign of the slope",
     "source": _GRAD_HEAD + "    return np.where(s > 0, 1.0, -a)\n",
     "hint": "the slope is +a"},
    {"exercise": "5.2", "kind": "central differences",
     "source": _GRAD_HEAD + "    h = 1e-6\n"
                            "    f = lambda t: np.where(t > 0, t, a * t)\n"
                            "    return (f(s + h) - f(s - h)) / (2 * h)\n",
     "hint": "central difference"},
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
     "hint": "run the network on X first"},
    {"exercise": "5.3", "kind": "library shortcut",
     "source": _DEAD_HEAD + "    from tutorial_lib import plotting\n    return plotting.dead_units(net, X)\n",
     "hint": "write the maths yourself"},
    {"exercise": "5.5", "kind": "slope not passed (default 0.01)",
     "source": _TO_LEAKY_HEAD + "    activations = ['leaky_relu'] * (net.n_layers - 1) + ['sigmoid']\n"
                                "    return tl.MLP(net.weights, activations, hidden_bias=net.hidden_bias)\n",
     "hint": "leaky_slope option"},
    {"exercise": "5.5", "kind": "Leaky ReLU in the output layer too",
     "source": _TO_LEAKY_HEAD + "    activations = ['leaky_relu'] * net.n_layers\n"
                                "    return tl.MLP(net.weights, activations, hidden_bias=net.hidden_bias, "
                                "leaky_slope=a)\n",
     "hint": "output layer must stay a sigmoid"},
    {"exercise": "5.5", "kind": "fresh random weights instead of the same start",
     "source": _TO_LEAKY_HEAD + "    return tl.MLP.from_sizes(net.sizes, 'leaky_relu', init='he', seed=0, "
                                "hidden_bias=net.hidden_bias, leaky_slope=a)\n",
     "hint": "same weights"},
    {"exercise": "5.5", "kind": "renamed the activations after construction",
     "source": _TO_LEAKY_HEAD + "    new = net.copy()\n    new.leaky_slope = a\n"
                                "    new.activations = ['leaky_relu'] * (net.n_layers - 1) + ['sigmoid']\n"
                                "    return new\n",
     "hint": "changes the names, not what the network computes"},
    {"exercise": "5.5", "kind": "hidden_bias not passed on",
     "source": _TO_LEAKY_HEAD + "    activations = ['leaky_relu'] * (net.n_layers - 1) + ['sigmoid']\n"
                                "    return tl.MLP(net.weights, activations, leaky_slope=a)\n",
     "hint": "same hidden_bias option"},
    {"exercise": "5.6", "kind": "biases of the hidden layers dropped",
     "source": _COLLAPSE_HEAD + "    M = net.weights[0]\n    for W in net.weights[1:]:\n"
                                "        M = M @ (W[1:] if net.hidden_bias else W)\n    return M\n",
     "hint": "the biases of layers 2..L are missing"},
    {"exercise": "5.6", "kind": "bias row multiplied as if it were a unit",
     "source": _COLLAPSE_HEAD + "    M = net.weights[0]\n    for W in net.weights[1:]:\n        M = M @ W\n"
                                "    return M\n",
     "hint": "row 0 holds the biases"},
    {"exercise": "5.6", "kind": "biases added to every row (broadcast)",
     "source": _COLLAPSE_HEAD + "    M = net.weights[0]\n    for W in net.weights[1:]:\n"
                                "        M = M @ W[1:] + W[:1] if net.hidden_bias else M @ W\n    return M\n",
     "hint": "added to every row of M"},
    {"exercise": "5.6", "kind": "read off the network's forward pass",
     "source": _COLLAPSE_HEAD + "    B = np.eye(net.weights[0].shape[0])\n    B[0, :] = 1.0\n"
                                "    net.forward(B)\n    return np.linalg.solve(B.T, net.f[-1].T)\n",
     "hint": "write the maths yourself"},
]
