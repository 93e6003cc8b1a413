"""Unit tests of the notebook 04 checkers (vanishing gradients): 4.3, the gradient bound, and 4.4, the ReLU + He
network.  Exercises 4.1, 4.2 and 4.5 are written.

The reference solutions are the answer cells of solutions/04_vanishing_gradients.ipynb, so these tests also prove
that the notebook's own answers pass.  Every correct variant below must pass; every wrong answer must fail with a
teaching message (starts with the exercise, fits on the screen, holds no pasteable code).
"""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from checker_contract import (  # noqa: E402
    assert_hints_are_staged, assert_odd_returns_rejected, assert_rejected, assert_teaching_message,
    failure_message,
)
from notebook_answers import (  # noqa: E402
    assert_reference_passes, assert_unattempted_raises, exercises, mistake_message,
)

import tutorial_lib as tl  # noqa: E402
from tutorial_lib import checks, plotting  # noqa: E402
from tutorial_lib.checks import _common, nb04  # noqa: E402

NOTEBOOK = "04_vanishing_gradients"
EXERCISES = exercises(NOTEBOOK)
CODE_EXERCISES = ["4.3", "4.4"]


@pytest.fixture
def grading():
    """Grading mode with hidden inputs for the duration of a test."""
    _common.set_grading_seed(2024)
    yield
    _common.set_grading_seed(None)


def passes(check, fn, capsys):
    check(fn)
    out = capsys.readouterr().out
    assert out.endswith("passed the public checks.\n"), out


# ------------------------------------------------------------------------------------ the notebook's exercises
def test_the_notebook_has_exactly_the_code_exercises_the_checkers_cover():
    assert {ex: answer.argument for ex, answer in EXERCISES.items()} == {"4.3": "gradient_bound",
                                                                         "4.4": "relu_network"}
    assert sorted(name for name in dir(nb04) if name.startswith("exercise_")) == ["exercise_4_3", "exercise_4_4"]


def test_the_written_exercises_come_with_a_rubric():
    from notebook_answers import solution_notebook

    from tutorial_lib.authoring.exercises import WRITTEN_ID

    cells = solution_notebook(NOTEBOOK).cells
    written = [i for i, c in enumerate(cells) if c.cell_type == "markdown" and "<!-- BEGIN ANSWER -->" in c.source]
    assert [WRITTEN_ID.search(cells[i].source).group(1) for i in written] == ["4.1", "4.2", "4.5"]
    for i in written:
        assert "Rubric: what a good answer says" in cells[i + 1].source


@pytest.mark.parametrize("exercise", CODE_EXERCISES)
def test_reference_solution_passes(exercise):
    assert_reference_passes(NOTEBOOK, exercise)


@pytest.mark.parametrize("exercise", CODE_EXERCISES)
def test_unattempted_exercise_raises_not_implemented(exercise):
    assert_unattempted_raises(NOTEBOOK, exercise)


@pytest.mark.parametrize("exercise", CODE_EXERCISES)
def test_hints_are_staged_and_code_free(exercise):
    assert_hints_are_staged(exercise, min_stages=3)


@pytest.mark.parametrize("mistake", nb04.PLANTED_MISTAKES, ids=lambda m: f"{m['exercise']}-{m['kind']}")
def test_planted_mistake_fails_with_its_hint(mistake):
    message = mistake_message(NOTEBOOK, mistake)
    assert_teaching_message(message, mistake["exercise"])


def test_planted_mistakes_cover_every_code_exercise():
    assert {m["exercise"] for m in nb04.PLANTED_MISTAKES} == set(CODE_EXERCISES)


@pytest.mark.parametrize("exercise", CODE_EXERCISES)
def test_every_odd_return_gets_a_teaching_message(exercise):
    check = getattr(checks, "exercise_" + exercise.replace(".", "_"))
    messages = assert_odd_returns_rejected(check, exercise)
    assert "came back as None" in messages["None"] or "got None" in messages["None"]


# ------------------------------------------------------------------------------------ 4.3: correct variants
def _norms(weights):
    return [np.linalg.norm(W, 2) for W in weights]


def bound_loop(weights, last_norm):
    L = len(weights)
    out = np.zeros(L)
    for l in range(1, L + 1):
        value = last_norm
        for k in range(l + 1, L + 1):
            value *= 0.25 * np.linalg.norm(weights[k - 1], 2)
        out[l - 1] = value
    return out


def bound_downward_recursion(weights, last_norm):
    L = len(weights)
    out = np.empty(L)
    out[L - 1] = last_norm
    for l in range(L - 1, 0, -1):                 # layer l from layer l + 1
        out[l - 1] = 0.25 * np.linalg.norm(weights[l], 2) * out[l]
    return out


def bound_in_logs(weights, last_norm):
    logs = np.log(_norms(weights))
    L = len(weights)
    suffix = np.array([logs[l:].sum() for l in range(1, L + 1)])
    return np.exp((np.arange(L - 1, -1, -1)) * np.log(0.25) + suffix) * last_norm


def bound_from_singular_values(weights, last_norm):
    sv = [np.linalg.svd(W.T, compute_uv=False)[0] for W in weights]   # ||W.T||_2 = ||W||_2
    L = len(weights)
    return [float(0.25 ** (L - l) * np.prod(sv[l:]) * last_norm) for l in range(1, L + 1)]   # a list is fine


def bound_with_the_library_norms(weights, last_norm):
    norms = plotting.spectral_norms(weights)             # a helper, not the answer
    L = len(weights)
    return np.array([0.25 ** (L - l) * np.prod(norms[l:]) * last_norm for l in range(1, L + 1)])


@pytest.mark.parametrize("fn", [bound_loop, bound_downward_recursion, bound_in_logs, bound_from_singular_values,
                                bound_with_the_library_norms], ids=lambda f: f.__name__)
def test_correct_bounds_pass(fn, capsys):
    passes(checks.exercise_4_3, fn, capsys)


def test_correct_bound_passes_under_a_grading_seed(grading, capsys):
    passes(checks.exercise_4_3, bound_downward_recursion, capsys)


# ------------------------------------------------------------------------------------ 4.3: wrong answers
def _bound_with(shift=0, first=1, norm=lambda W: np.linalg.norm(W, 2), slope=0.25):
    def gradient_bound(weights, last_norm):
        L = len(weights)
        norms = [norm(W) for W in weights]
        return np.array([slope ** (L - l + shift) * np.prod(norms[l + first - 1:]) * last_norm
                         for l in range(1, L + 1)])
    return gradient_bound


def sum_of_norms(weights, last_norm):
    L = len(weights)
    norms = _norms(weights)
    return np.array([0.25 ** (L - l) * np.sum(norms[l:]) * last_norm for l in range(1, L + 1)])


def all_weights_for_every_layer(weights, last_norm):
    L = len(weights)
    return np.array([0.25 ** (L - l) * np.prod(_norms(weights)) * last_norm for l in range(1, L + 1)])


def one_entry_short(weights, last_norm):
    L = len(weights)
    return np.array([0.25 ** (L - l) * np.prod(_norms(weights)[l:]) * last_norm for l in range(1, L)])


def as_a_column(weights, last_norm):
    return bound_loop(weights, last_norm).reshape(-1, 1)


def counted_from_the_input(weights, last_norm):
    L = len(weights)
    norms = _norms(weights)
    return np.array([0.25 ** (l - 1) * np.prod(norms[:l - 1]) * last_norm for l in range(1, L + 1)])


def reversed_order(weights, last_norm):
    return bound_loop(weights, last_norm)[::-1]


def without_last_norm(weights, last_norm):
    return bound_loop(weights, 1.0)


def only_the_sigma_factors(weights, last_norm):
    L = len(weights)
    return last_norm * 0.25 ** np.arange(L - 1, -1, -1)


def largest_entry_norm(weights, last_norm):
    return _bound_with(norm=lambda W: np.abs(W).max())(weights, last_norm)


def squared_norms(weights, last_norm):
    return _bound_with(norm=lambda W: np.linalg.norm(W, 2) ** 2)(weights, last_norm)


def nuclear_norm(weights, last_norm):
    return _bound_with(norm=lambda W: np.linalg.norm(W, "nuc"))(weights, last_norm)


def smallest_singular_value(weights, last_norm):
    return _bound_with(norm=lambda W: np.linalg.svd(W, compute_uv=False)[-1])(weights, last_norm)


def float32_bound(weights, last_norm):
    return bound_loop(weights, last_norm).astype(np.float32)


def rounded_bound(weights, last_norm):
    return np.round(bound_loop(weights, last_norm), 3)


def constant_bound(weights, last_norm):
    L = len(weights)
    norms = _norms(weights)
    return np.full(L, 0.25 ** (L - 1) * np.prod(norms[1:]) * last_norm)


WRONG_BOUNDS = {
    "every layer gets layer 1's bound": (constant_bound, "bound of layer 1"),
    "one factor 1/4 too many": (_bound_with(shift=1), "off by one layer"),
    "one factor 1/4 too few": (_bound_with(shift=-1), "off by one layer"),
    "norms from W[l]": (_bound_with(first=0), "starts one layer too early"),
    "norms and factors from layer l": (_bound_with(first=0, shift=1), "you counted layer l itself"),
    "norms from W[l+2]": (_bound_with(first=2), "weight norms"),   # for L = 2 the same as no norms at all
    "Frobenius norm": (_bound_with(norm=np.linalg.norm), "Frobenius"),
    "largest entry": (largest_entry_norm, "largest entry"),
    "squared spectral norms": (squared_norms, "squared"),
    "slope 1/2": (_bound_with(slope=0.5), "1/4"),
    "no sigma' factors": (_bound_with(slope=1.0), "sigma' factors are missing"),
    "reversed": (reversed_order, "reversed"),
    "no last_norm": (without_last_norm, "last_norm"),
    "no weight norms": (only_the_sigma_factors, "weight norms are missing"),
    "counted from the input": (counted_from_the_input, "from the input"),
    "sum instead of product": (sum_of_norms, "does not match"),
    "all weights for every layer": (all_weights_for_every_layer, "does not match"),
    "nuclear norm": (nuclear_norm, "does not match"),
    "smallest singular value": (smallest_singular_value, "does not match"),
    "one entry short": (one_entry_short, "including l = L"),
    "a column": (as_a_column, "shape"),
    "rounded": (rounded_bound, "does not match"),
}




@pytest.mark.parametrize("label", sorted(WRONG_BOUNDS))
def test_wrong_bounds_are_rejected_with_a_teaching_message(label):
    fn, needle = WRONG_BOUNDS[label]
    message = assert_rejected(checks.exercise_4_3, fn, "4.3")
    if needle:
        assert needle in message, message


def test_a_float32_bound_passes_only_as_far_as_float32_goes():
    # float32 keeps 7 digits; the check asks for 1e-9: the message says what differs.
    assert_rejected(checks.exercise_4_3, float32_bound, "4.3", "does not match")


def test_the_librarys_bound_curve_is_refused():
    def via_library(weights, last_norm):
        net = tl.MLP(weights, ["sigmoid"] * len(weights))
        net.grad_f = [np.array([[last_norm]])] * len(weights)      # pretend a backward pass ran
        return plotting.gradient_bound_curve(net)

    assert_rejected(checks.exercise_4_3, via_library, "4.3", "write the maths yourself")


def test_an_answer_tuned_to_the_public_inputs_fails_when_grading(grading):
    _common.set_grading_seed(None)
    table = {}

    def recording(weights, last_norm):
        result = bound_loop(weights, last_norm)
        table[(len(weights), round(last_norm, 12))] = result
        return result

    checks.exercise_4_3(recording)          # the public inputs, seen once

    def tuned(weights, last_norm):
        return table[(len(weights), round(last_norm, 12))]

    checks.exercise_4_3(tuned)              # passes the public checks ...
    _common.set_grading_seed(7)
    with pytest.raises(checks.CheckFailure):
        checks.exercise_4_3(tuned)          # ... but not the hidden ones


def test_bound_message_names_expected_and_actual_values():
    message = failure_message(checks.exercise_4_3, _bound_with(shift=1))
    assert "expected: [" in message and "got:      [" in message and "worst entry" in message


# ------------------------------------------------------------------------------------ 4.4: correct variants
def relu_list_of_activations(depth, width, seed):
    return tl.MLP.from_sizes([3] + [width] * depth + [1], ["relu"] * depth + ["sigmoid"], init="he", seed=seed)


def relu_with_a_generator(depth, width, seed):
    return tl.MLP.from_sizes([3] + [width] * depth + [1], "relu", init="he", scale=1.0,
                             seed=np.random.default_rng(seed))


def relu_rebuilt_from_weights(depth, width, seed):
    drawn = tl.MLP.from_sizes([3] + [width] * depth + [1], "relu", init="he", seed=seed)
    return tl.MLP(drawn.weights, drawn.activations)


def relu_with_a_leaky_slope_set(depth, width, seed):     # the slope of leaky_relu; a ReLU never uses it
    return tl.MLP.from_sizes([3] + [width] * depth + [1], "relu", init="he", seed=seed, leaky_slope=0.2)


def relu_with_own_he_draw(depth, width, seed):           # the library's draw, reproduced by hand
    rng = np.random.default_rng(seed)
    sizes = [3] + [width] * depth + [1]
    weights = [rng.normal(0.0, np.sqrt(2.0 / a), size=(a, b)) for a, b in zip(sizes[:-1], sizes[1:])]
    return tl.MLP(weights, ["relu"] * depth + ["sigmoid"])


def relu_after_a_forward_pass(depth, width, seed):       # a network that has already run holds f, a, grads
    net = tl.MLP.from_sizes([3] + [width] * depth + [1], "relu", init="he", seed=seed)
    X, Y = tl.load_wine_binary()
    net.forward(X)
    net.backward(Y)
    return net


CORRECT_NETWORKS = [relu_list_of_activations, relu_with_a_generator, relu_rebuilt_from_weights,
                    relu_with_a_leaky_slope_set, relu_with_own_he_draw, relu_after_a_forward_pass]


@pytest.mark.parametrize("fn", CORRECT_NETWORKS, ids=lambda f: f.__name__)
def test_correct_networks_pass(fn, capsys):
    passes(checks.exercise_4_4, fn, capsys)


@pytest.mark.parametrize("fn", CORRECT_NETWORKS, ids=lambda f: f.__name__)
def test_correct_network_passes_under_a_grading_seed(fn, grading, capsys):
    passes(checks.exercise_4_4, fn, capsys)


# ------------------------------------------------------------------------------------ 4.4: wrong answers
def _sizes(depth, width):
    return [3] + [width] * depth + [1]


def own_he_draws(depth, width, seed):
    np.random.seed(seed)
    sizes = _sizes(depth, width)
    weights = [np.random.randn(a, b) * np.sqrt(2.0 / a) for a, b in zip(sizes[:-1], sizes[1:])]
    return tl.MLP(weights, ["relu"] * depth + ["sigmoid"])


WRONG_NETWORKS = {
    "Xavier init": (lambda d, w, s: tl.MLP.from_sizes(_sizes(d, w), "relu", seed=s), "Xavier"),
    "ReLU output": (lambda d, w, s: tl.MLP.from_sizes(_sizes(d, w), ["relu"] * (d + 1), init="he", seed=s),
                    "output layer must stay a sigmoid"),
    "sigmoid kept": (lambda d, w, s: tl.MLP.from_sizes(_sizes(d, w), "sigmoid", init="he", seed=s),
                     "every hidden layer must use ReLU"),
    "tanh hidden": (lambda d, w, s: tl.MLP.from_sizes(_sizes(d, w), "tanh", init="he", seed=s),
                    "every hidden layer must use ReLU"),
    "leaky hidden": (lambda d, w, s: tl.MLP.from_sizes(_sizes(d, w), "leaky_relu", init="he", seed=s),
                     "every hidden layer must use ReLU"),
    "seed ignored": (lambda d, w, s: tl.MLP.from_sizes(_sizes(d, w), "relu", init="he"), "ignores its seed"),
    "seed shifted": (lambda d, w, s: tl.MLP.from_sizes(_sizes(d, w), "relu", init="he", seed=s + 1),
                     "not the ones"),
    "scale 2": (lambda d, w, s: tl.MLP.from_sizes(_sizes(d, w), "relu", init="he", scale=2.0, seed=s), "scale"),
    "scale 0.5": (lambda d, w, s: tl.MLP.from_sizes(_sizes(d, w), "relu", init="he", scale=0.5, seed=s),
                  "scale"),
    "init normal": (lambda d, w, s: tl.MLP.from_sizes(_sizes(d, w), "relu", init="normal", seed=s), None),
    "hidden biases": (lambda d, w, s: tl.MLP.from_sizes(_sizes(d, w), "relu", init="he", seed=s,
                                                        hidden_bias=True), "hidden biases"),
    "one layer too many": (lambda d, w, s: tl.MLP.from_sizes(_sizes(d + 1, w), "relu", init="he", seed=s),
                           "wrong layer sizes"),
    "depth and width swapped": (lambda d, w, s: tl.MLP.from_sizes(_sizes(w, d), "relu", init="he", seed=s),
                                "wrong layer sizes"),
    "two outputs": (lambda d, w, s: tl.MLP.from_sizes([3] + [w] * d + [2], "relu", init="he", seed=s),
                    "wrong layer sizes"),
    "the weights, not the network": (lambda d, w, s: tl.MLP.from_sizes(_sizes(d, w), "relu", init="he",
                                                                       seed=s).weights, "got list"),
    "the output, not the network": (lambda d, w, s: tl.MLP.from_sizes(_sizes(d, w), "relu", init="he",
                                                                      seed=s).forward(np.ones((3, 2))),
                                    "got ndarray"),
    "own He draws": (own_he_draws, "not the ones"),
    "a description": (lambda d, w, s: f"relu network, depth {d}", "got str"),
}


# Networks whose names, sizes and weights are those of the answer, but which compute something else.
def relabelled(activation, **options):
    """The red team's answer: a network built with another hidden activation, its labels renamed to 'relu'."""
    def build(depth, width, seed):
        net = tl.MLP.from_sizes(_sizes(depth, width), activation, init="he", seed=seed, **options)
        net.activations = ["relu"] * depth + ["sigmoid"]
        return net
    return build


def sigmoid_on_he_relu_weights(depth, width, seed):
    he = tl.MLP.from_sizes(_sizes(depth, width), "relu", init="he", seed=seed)
    net = tl.MLP(he.weights, ["sigmoid"] * (depth + 1))
    net.activations = list(he.activations)
    return net


class _HalvedGradients(tl.MLP):
    def backward(self, Y, **options):
        return [g / 2 for g in super().backward(Y, **options)]


class _ScaledOutput(tl.MLP):
    def forward(self, X):
        return super().forward(X) * 0.999


def subclass(cls):
    def build(depth, width, seed):
        he = tl.MLP.from_sizes(_sizes(depth, width), "relu", init="he", seed=seed)
        return cls(he.weights, he.activations)
    return build


def output_relabelled(depth, width, seed):          # identity output, labelled 'sigmoid'
    net = tl.MLP.from_sizes(_sizes(depth, width), ["relu"] * depth + ["identity"], init="he", seed=seed)
    net.activations = ["relu"] * depth + ["sigmoid"]
    return net


def functions_swapped_underneath(depth, width, seed):   # ReLU labels and weights, tanh functions inside
    net = tl.MLP.from_sizes(_sizes(depth, width), "relu", init="he", seed=seed)
    net._acts = tl.MLP.from_sizes(_sizes(depth, width), "tanh", seed=seed)._acts
    return net


RELABELLED_NETWORKS = {
    "sigmoid relabelled as ReLU (red team)": (relabelled("sigmoid"), "compute sigmoid"),
    "tanh relabelled as ReLU": (relabelled("tanh"), "compute tanh"),
    "leaky ReLU relabelled as ReLU": (relabelled("leaky_relu"), "compute leaky_relu"),
    "leaky ReLU with slope 0.5 relabelled": (relabelled("leaky_relu", leaky_slope=0.5), "compute leaky_relu"),
    "sigmoid on the He ReLU weights": (sigmoid_on_he_relu_weights, "compute sigmoid"),
    "identity output relabelled": (output_relabelled, "its output Y_hat differs"),
    "hidden functions swapped underneath": (functions_swapped_underneath, "compute tanh"),
    "a subclass that halves the gradients": (subclass(_HalvedGradients), "its gradients dE/dW[l] differ"),
    "a subclass that scales the output": (subclass(_ScaledOutput), "by its own forward and backward methods"),
}


@pytest.mark.parametrize("label", sorted(RELABELLED_NETWORKS))
def test_networks_that_compute_something_else_are_rejected(label):
    fn, needle = RELABELLED_NETWORKS[label]
    message = assert_rejected(checks.exercise_4_4, fn, "4.4", "does not compute what a ReLU network computes")
    assert needle in message, message


def test_the_red_teams_relabelled_sigmoid_network_is_named(capsys):
    message = assert_rejected(checks.exercise_4_4, relabelled("sigmoid"), "4.4", "Renaming the activations",
                              "expected: Y_hat starting", "got:      Y_hat starting")
    assert "seed 0" in message


def test_relabelled_networks_fail_under_a_grading_seed_too(grading):
    for label in ("sigmoid relabelled as ReLU (red team)", "leaky ReLU relabelled as ReLU"):
        assert_rejected(checks.exercise_4_4, RELABELLED_NETWORKS[label][0], "4.4", "does not compute")


def test_a_network_that_breaks_when_run_gets_a_message():
    def broken(depth, width, seed):
        net = tl.MLP.from_sizes(_sizes(depth, width), "relu", init="he", seed=seed)
        net._acts = None
        return net

    assert_rejected(checks.exercise_4_4, broken, "4.4", "the network fails when it runs forward")


@pytest.mark.parametrize("label", sorted(WRONG_NETWORKS))
def test_wrong_networks_are_rejected_with_a_teaching_message(label):
    fn, needle = WRONG_NETWORKS[label]
    message = assert_rejected(checks.exercise_4_4, fn, "4.4")
    if needle:
        assert needle in message, message


def test_xavier_message_names_the_measured_ratio():
    message = failure_message(checks.exercise_4_4, WRONG_NETWORKS["Xavier init"][0])
    assert "ratio" in message and "e-0" in message


def test_an_answer_tuned_to_the_public_seeds_fails_when_grading(grading, capsys):
    _common.set_grading_seed(None)

    def tuned(depth, width, seed):
        return tl.MLP.from_sizes(_sizes(depth, width), "relu", init="he", seed={0: 0, 3: 3, 7: 7}.get(seed, 0))

    passes(checks.exercise_4_4, tuned, capsys)
    _common.set_grading_seed(11)
    with pytest.raises(checks.CheckFailure, match="seed"):
        checks.exercise_4_4(tuned)


# ------------------------------------------------------------------------------------ the library agrees
def test_library_bound_curve_is_a_true_bound_and_matches_the_checker():
    X, Y = tl.load_wine_binary()
    net = tl.MLP.from_sizes([3] + [16] * 20 + [1], "sigmoid", seed=1)
    net.forward(X)
    net.backward(Y)
    measured = net.gradient_norms()["df"]
    curve = plotting.gradient_bound_curve(net)
    np.testing.assert_allclose(curve, nb04._bound(net.weights, measured[-1]), rtol=1e-10)
    assert np.all(measured <= curve)


def test_the_checkers_bound_by_hand_for_two_layers():
    # L = 2: layer 2 gets last_norm, layer 1 gets 1/4 * ||W[2]||_2 * last_norm.  ||diag(3, 1)||_2 = 3.
    W1, W2 = np.ones((3, 2)), np.array([[3.0, 0.0], [0.0, 1.0]])
    np.testing.assert_allclose(nb04._bound([W1, W2], 0.5), [0.25 * 3 * 0.5, 0.5])


def test_the_checkers_own_reference_is_refused():
    assert_rejected(checks.exercise_4_3, lambda weights, last_norm: nb04._bound(weights, last_norm), "4.3",
                    "write the maths yourself")
