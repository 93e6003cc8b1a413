"""Unit tests of the notebook 05 checkers (dying ReLU and Leaky ReLU): 5.1 Leaky ReLU, 5.2 its derivative,
5.3 the dead fraction per layer, 5.5 the conversion to Leaky ReLU, 5.6 the collapsed matrix for a = 1.
Exercises 5.4 and 5.7 are written.

The reference solutions are the answer cells of solutions/05_dying_relu.ipynb.  Every correct variant below must
pass; every wrong answer must fail with a teaching message (starts with the exercise, fits on the screen, holds no
pasteable code).  The expected values are computed by hand here, never by the library function the exercise builds.
"""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from checker_contract import (  # noqa: E402
    MAX_LINES, assert_hints_are_staged, assert_odd_returns_rejected, assert_rejected, failure_message,
    pasteable_code,
)
from notebook_answers import (  # noqa: E402
    assert_reference_passes, assert_unattempted_raises, checker, exercises, mistake_message, solution_notebook,
)

import tutorial_lib as tl  # noqa: E402
from tutorial_lib import checks, plotting  # noqa: E402
from tutorial_lib.authoring.exercises import WRITTEN_ID  # noqa: E402
from tutorial_lib.checks import _common, nb05  # noqa: E402

NOTEBOOK = "05_dying_relu"
EXERCISES = exercises(NOTEBOOK)
CODE_EXERCISES = ["5.1", "5.2", "5.3", "5.5", "5.6"]


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


def rejected_with_own_line(check, fn, exercise, *needles):
    """Like ``assert_rejected``, for a failure inside the student's code: the message quotes the student's line,
    which is their own code, so pasteable fragments may appear there and only there."""
    message = failure_message(check, fn)
    assert message.startswith(f"Exercise {exercise}: ") and len(message.split("\n")) <= MAX_LINES, message
    own = [line for line in message.split("\n") if "of your code" in line]
    others = "\n".join(line for line in message.split("\n") if "of your code" not in line)
    assert own and not pasteable_code(others), message
    for needle in needles:
        assert needle in message, (needle, message)
    return message


# ------------------------------------------------------------------------------------ the notebook's exercises
def test_the_notebook_has_the_expected_exercises():
    assert {ex: answer.argument for ex, answer in EXERCISES.items()} == {
        "5.1": "leaky_relu", "5.2": "leaky_relu_grad", "5.3": "dead_fraction_per_layer", "5.5": "to_leaky",
        "5.6": "collapse"}
    assert sorted(name for name in dir(nb05) if name.startswith("exercise_")) == sorted(
        "exercise_" + ex.replace(".", "_") for ex in CODE_EXERCISES)


def test_the_written_exercises_come_with_a_rubric():
    cells = solution_notebook(NOTEBOOK).cells
    written = [i for i, c in enumerate(cells) if c.cell_type == "markdown" and "<!-- BEGIN ANSWER -->" in c.source]
    assert [WRITTEN_ID.search(cells[i].source).group(1) for i in written] == ["5.4", "5.7"]
    for i in written:
        assert "Rubric: what a good answer says" in cells[i + 1].source


def test_the_answer_cells_do_not_give_the_answer_away():
    # What stays in the student notebook of an answer cell is its def line and docstring.
    grad = EXERCISES["5.2"].answer_source.split("### BEGIN SOLUTION")[0]
    assert "1 where" not in grad and "a elsewhere" not in grad


@pytest.mark.parametrize("exercise", CODE_EXERCISES)
def test_reference_solution_passes(exercise):
    assert_reference_passes(NOTEBOOK, exercise)


@pytest.mark.parametrize("exercise", CODE_EXERCISES)
def test_unattempted_exercise_raises_not_implemented(exercise):
    assert_unattempted_raises(NOTEBOOK, exercise)


@pytest.mark.parametrize("exercise", CODE_EXERCISES)
def test_hints_are_staged_and_code_free(exercise):
    assert_hints_are_staged(exercise, min_stages=3)


@pytest.mark.parametrize("mistake", nb05.PLANTED_MISTAKES, ids=lambda m: f"{m['exercise']}-{m['kind']}")
def test_planted_mistake_fails_with_its_hint(mistake):
    mistake_message(NOTEBOOK, mistake)


def test_planted_mistakes_cover_every_code_exercise():
    assert {m["exercise"] for m in nb05.PLANTED_MISTAKES} == set(CODE_EXERCISES)


@pytest.mark.parametrize("exercise", CODE_EXERCISES)
def test_every_odd_return_gets_a_teaching_message(exercise):
    assert_odd_returns_rejected(checker(exercise), exercise)


# ------------------------------------------------------------------------------------ 5.1 Leaky ReLU
def test_the_checkers_references_agree_with_values_worked_out_by_hand():
    s = np.array([[-2.0, -0.5, 0.0, 1.5]])
    np.testing.assert_array_equal(nb05._leaky(s, 0.1), [[-0.2, -0.05, 0.0, 1.5]])
    np.testing.assert_array_equal(nb05._leaky_grad(s, 0.1), [[0.1, 0.1, 0.1, 1.0]])
    np.testing.assert_array_equal(nb05._leaky(s, 0.0), [[0.0, 0.0, 0.0, 1.5]])
    np.testing.assert_array_equal(nb05._leaky_grad(s, 1.0), [[1.0, 1.0, 1.0, 1.0]])


def leaky_where(s, a=0.01):
    return np.where(s > 0, s, a * s)


def leaky_maximum(s, a=0.01):
    return np.maximum(s, a * s)             # the same for 0 <= a <= 1, the slopes of the workbook


def leaky_masks(s, a=0.01):
    return s * (s > 0) + a * s * (s <= 0)


def leaky_copy_and_assign(s, a=0.01):
    out = np.array(s, dtype=float)          # a copy: the input stays as it is
    out[out <= 0] *= a
    return out


def leaky_from_relu(s, a=0.01):
    return tl.relu(s) - a * tl.relu(-s)      # ReLU is allowed: it is not this exercise's answer


def leaky_loop(s, a=0.01):
    out = np.empty(np.shape(s))
    for index, value in np.ndenumerate(s):
        out[index] = value if value > 0 else a * value
    return out


def leaky_nested_lists(s, a=0.01):
    return np.where(s > 0, s, a * s).tolist()


def leaky_ge_branch(s, a=0.01):
    return np.where(s >= 0, s, a * s)       # at s = 0 both branches give 0


@pytest.mark.parametrize("fn", [leaky_where, leaky_maximum, leaky_masks, leaky_copy_and_assign, leaky_from_relu,
                                leaky_loop, leaky_nested_lists, leaky_ge_branch], ids=lambda f: f.__name__)
def test_correct_leaky_relus_pass(fn, capsys):
    passes(checks.exercise_5_1, fn, capsys)


def test_a_correct_leaky_relu_passes_under_a_grading_seed(grading, capsys):
    passes(checks.exercise_5_1, leaky_masks, capsys)


def leaky_in_place(s, a=0.01):
    s[s < 0] *= a
    return s


WRONG_LEAKY = {
    "constant a": (lambda s, a=0.01: np.where(s > 0, s, a), "not the constant a"),
    "plain ReLU": (lambda s, a=0.01: np.maximum(s, 0.0), "plain ReLU"),
    "sign": (lambda s, a=0.01: np.where(s > 0, s, -a * s), "which is negative"),
    "slope hard-coded": (lambda s, a=0.01: np.where(s > 0, s, 0.01 * s), "use the parameter a"),
    "a on both sides": (lambda s, a=0.01: a * np.maximum(s, 0.0), "negative side only"),
    "branches swapped": (lambda s, a=0.01: np.where(s > 0, a * s, s), "swapped"),
    "the derivative": (lambda s, a=0.01: np.where(s > 0, 1.0, a), "derivative"),
    "absolute value": (lambda s, a=0.01: np.abs(np.where(s > 0, s, a * s)), "which is negative"),
    "linear everywhere": (lambda s, a=0.01: a * s, None),
    "identity": (lambda s, a=0.01: s * 1.0, None),
    "rounded": (lambda s, a=0.01: np.round(np.where(s > 0, s, a * s), 2), None),
    "integers": (lambda s, a=0.01: np.where(s > 0, s, a * s).astype(int), None),
    "flattened": (lambda s, a=0.01: np.where(s > 0, s, a * s).ravel(), "shape"),
    "max with a": (lambda s, a=0.01: np.maximum(s, a), None),
    "a * s squared": (lambda s, a=0.01: np.where(s > 0, s, a * s * s), None),
    "in place": (leaky_in_place, "in place"),
}


@pytest.mark.parametrize("label", sorted(WRONG_LEAKY))
def test_wrong_leaky_relus_are_rejected(label):
    fn, needle = WRONG_LEAKY[label]
    message = assert_rejected(checks.exercise_5_1, fn, "5.1")
    if needle:
        assert needle in message, message


def test_the_slope_must_be_a_parameter_with_the_default():
    message = assert_rejected(checks.exercise_5_1, lambda s, a=0.1: np.where(s > 0, s, a * s), "5.1")
    assert "default" in message


@pytest.mark.parametrize("shortcut", [
    lambda s, a=0.01: tl.leaky_relu(s, a),
    lambda s, a=0.01: tl.leaky_relu_grad(s, a) * s,
    lambda s, a=0.01: tl.activations._leaky_relu(np.asarray(s, dtype=float), a),
], ids=["tl.leaky_relu", "leaky_relu_grad times s", "the private kernel"])
def test_the_librarys_leaky_relu_is_refused(shortcut):
    assert_rejected(checks.exercise_5_1, shortcut, "5.1", "write the maths yourself")


def test_an_answer_tuned_to_the_public_inputs_fails_when_grading(grading):
    _common.set_grading_seed(None)
    table = {}

    def recording(s, a=0.01):
        table[(np.asarray(s).tobytes(), a)] = result = np.where(s > 0, s, a * s)
        return result

    checks.exercise_5_1(recording)

    def tuned(s, a=0.01):
        return table[(np.asarray(s).tobytes(), a)]

    checks.exercise_5_1(tuned)
    _common.set_grading_seed(5)
    with pytest.raises(checks.CheckFailure):
        checks.exercise_5_1(tuned)


# ------------------------------------------------------------------------------------ 5.2 its derivative
def grad_where(s, a=0.01):
    return np.where(s > 0, 1.0, a)


def grad_masks(s, a=0.01):
    return (s > 0) + a * (s <= 0)


def grad_heaviside(s, a=0.01):
    return np.heaviside(s, 0.0) * (1 - a) + a


def grad_loop(s, a=0.01):
    out = np.empty(np.shape(s))
    for index, value in np.ndenumerate(s):
        out[index] = 1.0 if value > 0 else a
    return out


def grad_piecewise(s, a=0.01):
    s = np.asarray(s, dtype=float)
    return np.piecewise(s, [s > 0, s <= 0], [1.0, a])


@pytest.mark.parametrize("fn", [grad_where, grad_masks, grad_heaviside, grad_loop, grad_piecewise],
                         ids=lambda f: f.__name__)
def test_correct_derivatives_pass(fn, capsys):
    passes(checks.exercise_5_2, fn, capsys)


def test_a_correct_derivative_passes_under_a_grading_seed(grading, capsys):
    passes(checks.exercise_5_2, grad_loop, capsys)


def central_difference_loop(s, a=0.01):
    h = 1e-6
    f = lambda t: np.where(t > 0, t, a * t)  # noqa: E731
    out = np.empty(np.shape(s))
    for index, value in np.ndenumerate(s):
        out[index] = (f(value + h) - f(value - h)) / (2 * h)
    return out


def left_difference(s, a=0.01):
    h = 1e-7
    f = lambda t: np.where(t > 0, t, a * t)  # noqa: E731
    return (f(s) - f(s - h)) / h             # the left-hand value at 0, but only to about 1e-9 elsewhere


def library_numerical_gradient(s, a=0.01):
    S = np.array(s, dtype=float)
    return tl.numerical_gradient(lambda: float(np.where(S > 0, S, a * S).sum()), S)


WRONG_GRADS = {
    "ReLU's derivative": (lambda s, a=0.01: np.where(s > 0, 1.0, 0.0), "the derivative is the slope a"),
    "1 at s = 0": (lambda s, a=0.01: np.where(s >= 0, 1.0, a), "at s = 0 use the slope a"),
    "0 at s = 0": (lambda s, a=0.01: np.where(s > 0, 1.0, np.where(s < 0, a, 0.0)), "left-hand value"),
    "a * s": (lambda s, a=0.01: np.where(s > 0, 1.0, a * s), "the constant"),
    "sign": (lambda s, a=0.01: np.where(s > 0, 1.0, -a), "+a"),
    "the function": (lambda s, a=0.01: np.where(s > 0, s, a * s), "Leaky ReLU itself"),
    "slope hard-coded": (lambda s, a=0.01: np.where(s > 0, 1.0, 0.01), "use the parameter a"),
    "swapped": (lambda s, a=0.01: np.where(s > 0, a, 1.0), "swapped"),
    "ones": (lambda s, a=0.01: np.ones_like(s), "1 everywhere"),
    "1 - a": (lambda s, a=0.01: np.where(s > 0, 1.0, 1.0 - a), "1 - a"),
    "boolean mask": (lambda s, a=0.01: s > 0, "truth values"),
    "float32": (lambda s, a=0.01: np.where(s > 0, 1.0, a).astype(np.float32), "float32"),
    "central differences (loop)": (central_difference_loop, "central difference"),
    "left differences": (left_difference, "finite differences"),
    "flattened": (lambda s, a=0.01: np.where(s > 0, 1.0, a).ravel(), "shape"),
    "scalar": (lambda s, a=0.01: a, None),
}


@pytest.mark.parametrize("label", sorted(WRONG_GRADS))
def test_wrong_derivatives_are_rejected(label):
    fn, needle = WRONG_GRADS[label]
    message = assert_rejected(checks.exercise_5_2, fn, "5.2")
    if needle:
        assert needle in message, message


@pytest.mark.parametrize("shortcut", [
    lambda s, a=0.01: tl.leaky_relu_grad(s, a),
    lambda s, a=0.01: np.where(s > 0, 1.0, tl.leaky_relu(-np.ones_like(s), a) * -1),
    library_numerical_gradient,
], ids=["tl.leaky_relu_grad", "tl.leaky_relu", "tl.numerical_gradient"])
def test_the_librarys_shortcuts_are_refused(shortcut):
    assert_rejected(checks.exercise_5_2, shortcut, "5.2", "write the maths yourself")


# ------------------------------------------------------------------------------------ 5.3 dead units
def dead_via_outputs(net, X):
    net.forward(X)
    return np.array([(a <= 0).all(axis=1).mean() for a in net.a[:-1]])   # a <= 0 iff f <= 0 for a >= 0


def dead_via_max(net, X):
    net.forward(X)
    return [float((f.max(axis=1) <= 0).mean()) for f in net.f[:-1]]


def dead_loop(net, X):
    net.forward(X)
    out = []
    for f in net.f[:-1]:
        dead = sum(1 for row in f if all(value <= 0 for value in row))
        out.append(dead / f.shape[0])
    return np.array(out)


def dead_not_any_positive(net, X):
    net.forward(X)
    return np.array([np.mean(~(f > 0).any(axis=1)) for f in net.f[:-1]])


@pytest.mark.parametrize("fn", [dead_via_outputs, dead_via_max, dead_loop, dead_not_any_positive],
                         ids=lambda f: f.__name__)
def test_correct_dead_fractions_pass(fn, capsys):
    passes(checks.exercise_5_3, fn, capsys)


def test_a_correct_dead_fraction_passes_under_a_grading_seed(grading, capsys):
    passes(checks.exercise_5_3, dead_loop, capsys)


def _measured(rule):
    def dead_fraction_per_layer(net, X):
        net.forward(X)
        return np.array([rule(f) for f in net.f[:-1]])
    return dead_fraction_per_layer


def kills_a_unit(net, X):
    net.weights[0][0, 1] = -1000.0
    return _measured(lambda f: (f <= 0).all(axis=1).mean())(net, X)


def per_unit_masks(net, X):
    net.forward(X)
    return [(f <= 0).all(axis=1) for f in net.f[:-1]]


WRONG_DEAD = {
    "any": (_measured(lambda f: (f <= 0).any(axis=1).mean()), "for EVERY sample"),
    "strict": (_measured(lambda f: (f < 0).all(axis=1).mean()), "not f < 0"),
    "counts": (_measured(lambda f: float((f <= 0).all(axis=1).sum())), "not their number"),
    "percentages": (_measured(lambda f: 100 * (f <= 0).all(axis=1).mean()), "not percentages"),
    "alive": (_measured(lambda f: (f > 0).any(axis=1).mean()), "alive"),
    "over the units": (_measured(lambda f: (f <= 0).all(axis=0).mean()), "over the columns"),
    "all pairs": (_measured(lambda f: (f <= 0).mean()), "(unit, sample) pairs"),
    "no forward pass": (lambda net, X: np.array([(f <= 0).all(axis=1).mean() for f in net.f[:-1]]),
                        "run the network on X first"),
    "outputs == 0": (lambda net, X: (net.forward(X), np.array([(a == 0).all(axis=1).mean()
                                                              for a in net.a[:-1]]))[1], "never outputs exactly 0"),
    "output layer included": (lambda net, X: (net.forward(X), np.array([(f <= 0).all(axis=1).mean()
                                                                        for f in net.f]))[1],
                              "leave out the output layer"),
    "one number": (lambda net, X: (net.forward(X), float(np.mean([(f <= 0).all(axis=1).mean()
                                                                  for f in net.f[:-1]])))[1], None),
    "changes the network": (kills_a_unit, "changed the network's weights"),
    "masks per layer": (per_unit_masks, None),
    "first layer only": (lambda net, X: _measured(lambda f: (f <= 0).all(axis=1).mean())(net, X)[:1],
                         "instead of 3"),
}


@pytest.mark.parametrize("label", sorted(WRONG_DEAD))
def test_wrong_dead_fractions_are_rejected(label):
    fn, needle = WRONG_DEAD[label]
    message = assert_rejected(checks.exercise_5_3, fn, "5.3")
    if needle:
        assert needle in message, message


def test_the_librarys_dead_units_are_refused():
    assert_rejected(checks.exercise_5_3, lambda net, X: plotting.dead_units(net, X), "5.3",
                    "write the maths yourself")


# ------------------------------------------------------------------------------------ 5.5 to_leaky
def to_leaky_list(net, a):
    return tl.MLP([W.copy() for W in net.weights], ["leaky_relu"] * (len(net.weights) - 1) + ["sigmoid"],
                  hidden_bias=net.hidden_bias, leaky_slope=a)


def to_leaky_from_a_copy(net, a):
    twin = net.copy()
    return tl.MLP(twin.weights, ["leaky_relu"] * (twin.n_layers - 1) + twin.activations[-1:],
                  hidden_bias=twin.hidden_bias, leaky_slope=float(a))


@pytest.mark.parametrize("fn", [to_leaky_list, to_leaky_from_a_copy], ids=lambda f: f.__name__)
def test_correct_conversions_pass(fn, capsys):
    passes(checks.exercise_5_5, fn, capsys)


def test_a_correct_conversion_passes_under_a_grading_seed(grading, capsys):
    passes(checks.exercise_5_5, to_leaky_list, capsys)


def _leaky_acts(net):
    return ["leaky_relu"] * (net.n_layers - 1) + ["sigmoid"]


def mutates_and_returns_net(net, a):
    net.activations = _leaky_acts(net)
    return net


def modifies_the_weights(net, a):
    net.weights[0][0] += 1.0
    return tl.MLP(net.weights, _leaky_acts(net), hidden_bias=net.hidden_bias, leaky_slope=a)


WRONG_TO_LEAKY = {
    "slope not passed": (lambda net, a: tl.MLP(net.weights, _leaky_acts(net), hidden_bias=net.hidden_bias),
                         "leaky_slope option"),
    "slope hard-coded": (lambda net, a: tl.MLP(net.weights, _leaky_acts(net), hidden_bias=net.hidden_bias,
                                               leaky_slope=0.2), "slope"),
    "1 - a": (lambda net, a: tl.MLP(net.weights, _leaky_acts(net), hidden_bias=net.hidden_bias,
                                    leaky_slope=1 - a), "slope"),
    "output leaky too": (lambda net, a: tl.MLP(net.weights, ["leaky_relu"] * net.n_layers,
                                               hidden_bias=net.hidden_bias, leaky_slope=a), "sigmoid"),
    "ReLU kept": (lambda net, a: net.copy(), "leaky_relu"),
    "tanh output": (lambda net, a: tl.MLP(net.weights, ["leaky_relu"] * (net.n_layers - 1) + ["tanh"],
                                          hidden_bias=net.hidden_bias, leaky_slope=a), "sigmoid"),
    "fresh weights": (lambda net, a: tl.MLP.from_sizes(net.sizes, "leaky_relu", init="he", seed=0,
                                                       hidden_bias=net.hidden_bias, leaky_slope=a), "same weights"),
    "scaled weights": (lambda net, a: tl.MLP([2 * W for W in net.weights], _leaky_acts(net),
                                             hidden_bias=net.hidden_bias, leaky_slope=a), "same weights"),
    "renamed after construction": (lambda net, a: (lambda new: (setattr(new, "activations", _leaky_acts(net)),
                                                                setattr(new, "leaky_slope", a), new)[2])(net.copy()),
                                   "changes the names"),
    "same object": (mutates_and_returns_net, "same network object"),
    "changes the input": (modifies_the_weights, "changed the ReLU network"),
    "the weights, not a network": (lambda net, a: [W.copy() for W in net.weights], "got list"),
}


@pytest.mark.parametrize("label", sorted(WRONG_TO_LEAKY))
def test_wrong_conversions_are_rejected(label):
    fn, needle = WRONG_TO_LEAKY[label]
    message = assert_rejected(checks.exercise_5_5, fn, "5.5")
    if needle:
        assert needle in message, message


def test_a_conversion_that_forgets_hidden_bias_gets_a_hint():
    def no_bias_flag(net, a):
        return tl.MLP(net.weights, _leaky_acts(net), leaky_slope=a)

    message = rejected_with_own_line(checks.exercise_5_5, no_bias_flag, "5.5", "same hidden_bias option",
                                     "has hidden biases")
    assert "extra row 0" in message


def test_a_conversion_that_always_adds_hidden_biases_gets_a_hint():
    def always_bias(net, a):
        return tl.MLP(net.weights, _leaky_acts(net), hidden_bias=True, leaky_slope=a)

    rejected_with_own_line(checks.exercise_5_5, always_bias, "5.5", "has no hidden biases")


def test_another_error_inside_the_conversion_names_the_line():
    def typo(net, a):
        return tl.MLP(net.weights, _leaky_acts(net), hidden_bias=net.hidden_bias, leaky_slope=-a)

    rejected_with_own_line(checks.exercise_5_5, typo, "5.5", "raised ValueError")


# ------------------------------------------------------------------------------------ 5.6 collapse
def collapse_outer(net):
    M = net.weights[0]
    for W in net.weights[1:]:
        if net.hidden_bias:
            e0 = np.zeros(M.shape[0])
            e0[0] = 1.0
            M = M @ W[1:] + np.outer(e0, W[0])
        else:
            M = M @ W
    return M


def collapse_add_to_row_zero(net):
    M = net.weights[0].copy()
    for W in net.weights[1:]:
        if net.hidden_bias:
            M = M @ W[1:]
            M[0] += W[0]
        else:
            M = M @ W
    return M


def collapse_homogeneous(net):
    # Keep a column for the row of ones: A = [e0, M], so that A @ W = e0 W[0] + M W[1:] in one product.
    e0 = np.zeros((net.weights[0].shape[0], 1))
    e0[0, 0] = 1.0
    A = np.hstack([e0, net.weights[0]])
    for W in net.weights[1:]:
        A = np.hstack([e0, A @ W]) if net.hidden_bias else np.hstack([e0, A[:, 1:] @ W])
    return A[:, 1:]


def collapse_as_lists(net):
    return collapse_outer(net).tolist()


@pytest.mark.parametrize("fn", [collapse_outer, collapse_add_to_row_zero, collapse_homogeneous, collapse_as_lists],
                         ids=lambda f: f.__name__)
def test_correct_collapses_pass(fn, capsys):
    passes(checks.exercise_5_6, fn, capsys)


def test_a_correct_collapse_passes_under_a_grading_seed(grading, capsys):
    passes(checks.exercise_5_6, collapse_homogeneous, capsys)


def _recursion(step):
    def collapse(net):
        M = net.weights[0]
        for W in net.weights[1:]:
            M = step(M, W) if net.hidden_bias else M @ W
        return M
    return collapse


def _e0(M):
    e0 = np.zeros((M.shape[0], 1))
    e0[0, 0] = 1.0
    return e0


def collapse_in_place(net):
    M = net.weights[0]
    for W in net.weights[1:]:
        if net.hidden_bias:
            M[0] += 0.0 * M[0]           # harmless so far ...
            W[0] *= 1.0
            M = M @ W[1:]
            M[0] += W[0]
        else:
            M = M @ W
    net.weights[0][0, 0] += 1.0          # ... but this changes the network
    return M


def collapse_factors_swapped(net):
    M = net.weights[0]
    for W in net.weights[1:]:
        M = W @ M                        # the factors in the wrong order
    return M


WRONG_COLLAPSE = {
    "biases dropped": (_recursion(lambda M, W: M @ W[1:]), "the biases of layers 2..L are missing"),
    "biases on every row": (_recursion(lambda M, W: M @ W[1:] + W[:1]), "added to every row of M"),
    "bias subtracted": (_recursion(lambda M, W: M @ W[1:] - _e0(M) @ W[:1]), None),
    "last row taken as the bias": (_recursion(lambda M, W: M @ W[:-1] + _e0(M) @ W[-1:]), None),
    "bias doubled": (_recursion(lambda M, W: M @ W[1:] + 2 * _e0(M) @ W[:1]), None),
    "transposed": (lambda net: collapse_outer(net).T, "transposed"),
    "only W[1]": (lambda net: net.weights[0], None),
    "last layer left out": (lambda net: collapse_outer(tl.MLP(net.weights[:-1] or net.weights,
                                                               net.activations[:-1] or net.activations,
                                                               hidden_bias=net.hidden_bias, leaky_slope=1.0)),
                            None),
    "changes the network": (collapse_in_place, "changed the network's weights"),
    "the product of the norms": (lambda net: np.prod([np.linalg.norm(W) for W in net.weights]), None),
}


@pytest.mark.parametrize("label", sorted(WRONG_COLLAPSE))
def test_wrong_collapses_are_rejected(label):
    fn, needle = WRONG_COLLAPSE[label]
    message = assert_rejected(checks.exercise_5_6, fn, "5.6")
    if needle:
        assert needle in message, message


@pytest.mark.parametrize("fn, needle", [
    (_recursion(lambda M, W: M @ W), "row 0 holds the biases"),
    (collapse_factors_swapped, "raised ValueError"),
], ids=["bias row as a unit", "factors swapped"])
def test_collapses_that_raise_name_the_line_and_the_reason(fn, needle):
    rejected_with_own_line(checks.exercise_5_6, fn, "5.6", needle)


@pytest.mark.parametrize("shortcut", ["forward", "predict", "loss"])
def test_running_the_network_is_refused(shortcut):
    def read_off(net):
        B = np.eye(net.weights[0].shape[0])
        B[0, :] = 1.0
        if shortcut == "forward":
            net.forward(B)
        elif shortcut == "predict":
            net.predict(B)
        else:
            net.loss(B, np.zeros((net.weights[-1].shape[1], B.shape[1])), loss="mse")
        return np.linalg.solve(B.T, net.f[-1].T)

    assert_rejected(checks.exercise_5_6, read_off, "5.6", "write the maths yourself")


def test_a_collapse_tuned_to_the_public_networks_fails_when_grading(grading):
    _common.set_grading_seed(None)
    table = {}

    def recording(net):
        table[tuple(net.sizes), net.hidden_bias] = M = collapse_outer(net)
        return M

    checks.exercise_5_6(recording)

    def tuned(net):
        return table[tuple(net.sizes), net.hidden_bias]

    checks.exercise_5_6(tuned)
    _common.set_grading_seed(3)
    with pytest.raises(checks.CheckFailure):
        checks.exercise_5_6(tuned)


# ------------------------------------------------------------------------------------ the notebook's story
def test_dying_start_of_the_checker_matches_the_notebook_story():
    # ReLU stays stuck at the class-frequency loss; Leaky ReLU (a = 0.1) recovers from the same start.
    X, Y = tl.load_wine_binary()
    relu = nb05.dying_start()
    leaky = nb05.dying_start("leaky_relu", a=0.1)
    h_relu, d_relu = plotting.train_tracking_dead_units(relu, X, Y, lr=1.0, epochs=300)
    h_leaky, d_leaky = plotting.train_tracking_dead_units(leaky, X, Y, lr=1.0, epochs=300)
    prior = Y.mean()
    assert h_relu[-1] == pytest.approx(tl.bce_loss(np.full_like(Y, prior), Y), abs=1e-6)
    np.testing.assert_array_equal(d_relu[0], d_relu[-1])
    assert h_leaky[-1] < 0.3 and d_leaky[-1].mean() < d_leaky[0].mean() - 0.2


def test_line_fit_residual_and_boundary_points():
    X, _ = tl.load_wine_binary()
    t = np.linspace(-1, 1, 50)
    assert plotting.line_fit_residual(np.c_[t, 3 * t - 2]) < 1e-14
    assert plotting.line_fit_residual(np.c_[t, t ** 2]) > 0.1
    net = tl.MLP([np.array([[0.3], [1.0], [-2.0]])], ["sigmoid"])
    points = plotting.boundary_points(net, X)
    assert len(points) > 10
    np.testing.assert_allclose(0.3 + points[:, 0] - 2.0 * points[:, 1], 0.0, atol=1e-12)


def test_the_relu_figure_can_leave_out_the_leaky_derivative():
    import matplotlib.pyplot as plt

    with_derivative = plotting.plot_relu_vs_leaky(a=0.1)
    without = plotting.plot_relu_vs_leaky(a=0.1, leaky_derivative=False)
    labels = [line.get_label() for line in without.axes[1].get_lines()]
    assert "derivative g'(s)" not in labels
    assert "derivative g'(s)" in [line.get_label() for line in with_derivative.axes[1].get_lines()]
    plt.close("all")


# ---------------------------------------------------------------------------- answers tuned to the public inputs
def _tuned(check, correct, key):
    """Record the correct answers to the public inputs, then replay them by ``key(*args)``."""
    table = {}

    def recording(*args):
        result = correct(*args)
        table[key(*args)] = result.copy()         # the 5.5 check trains the network it gets back
        return result

    check(recording)
    return lambda *args: table[key(*args)].copy()


@pytest.mark.parametrize("check, correct, key", [
    (checks.exercise_5_2, grad_where, lambda s, a=0.01: (np.asarray(s).tobytes(), a)),
    (checks.exercise_5_3, dead_loop, lambda net, X: net.weights[0].tobytes()),
    (checks.exercise_5_5, to_leaky_list, lambda net, a: (net.weights[0].tobytes(), a)),
], ids=["5.2", "5.3", "5.5"])
def test_answers_tuned_to_the_public_inputs_fail_when_grading(grading, check, correct, key, capsys):
    _common.set_grading_seed(None)
    tuned = _tuned(check, correct, key)
    passes(check, tuned, capsys)
    _common.set_grading_seed(9)
    with pytest.raises(checks.CheckFailure):
        check(tuned)


@pytest.mark.parametrize("check, shortcut, exercise", [
    (checks.exercise_5_1, lambda s, a=0.01: nb05._leaky(s, a), "5.1"),
    (checks.exercise_5_2, lambda s, a=0.01: nb05._leaky_grad(s, a), "5.2"),
    (checks.exercise_5_3, lambda net, X: (net.forward(X), nb05._dead(net.f[:-1]))[1], "5.3"),
    (checks.exercise_5_6, lambda net: nb05._collapsed(net), "5.6"),
], ids=["5.1", "5.2", "5.3", "5.6"])
def test_the_checkers_own_references_are_refused(check, shortcut, exercise):
    assert_rejected(check, shortcut, exercise, "write the maths yourself")
