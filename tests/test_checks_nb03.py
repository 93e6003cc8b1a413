"""Checkers of notebook 03 (a hidden ReLU layer).

For every code exercise (3.1 forward, 3.3 dE/dW[1]_11, 3.5 backward, 3.6 central differences, 3.7 training
loop): the notebook's own answer passes and the placeholder is "not attempted"; other correct answers pass;
every odd return, the library's shortcuts, numerical gradients where backprop is asked for, and many wrong
answers are rejected with a teaching message; answers tuned to the public inputs fail under a grading seed;
the hints come in code-free stages.  The reference answers are the answer cells of
``solutions/03_hidden_relu_layer.ipynb`` itself, run in a namespace holding only ``np`` and ``tl``.
The figures and the explorer of the notebook are smoke-tested at the end.
"""

import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from checker_contract import (  # noqa: E402
    independent_copy,
    PASTEABLE, assert_hints_are_staged, assert_odd_returns_rejected, assert_rejected, assert_teaching_message,
    failure_message,
)
from notebook_answers import (  # noqa: E402
    assert_reference_passes, assert_unattempted_raises, checker, define, exercises, mistake_message,
    solution_notebook,
)

import tutorial_lib as tl  # noqa: E402
from tutorial_lib import checks, plotting, widgets  # noqa: E402
from tutorial_lib.checks import _common, nb03  # noqa: E402

NB03_COPY = independent_copy(nb03)  # wrong answers built from the checker's variants, not calls into it

NOTEBOOK = "03_hidden_relu_layer"
EXERCISES = exercises(NOTEBOOK)
CODE_EXERCISES = ["3.1", "3.3", "3.5", "3.6", "3.7"]
WRITTEN_EXERCISES = ["3.2", "3.4", "3.8"]
FUNCTION = {"3.1": "forward_321", "3.3": "dE_dW11", "3.5": "backprop_321", "3.6": "numerical_grads_321",
            "3.7": "train_321"}


def reference(exercise):
    """The notebook's own answer to ``exercise``, as a function."""
    return define(EXERCISES[exercise].answer_source, FUNCTION[exercise])


@pytest.fixture
def grading():
    """Grading mode with a fixed seed for the test, switched off afterwards."""
    _common.set_grading_seed(20261125)
    yield
    _common.set_grading_seed(None)


def rejected(exercise, fn, *needles):
    """The check of ``exercise`` fails on ``fn`` with a teaching message holding every needle."""
    return assert_rejected(checker(exercise), fn, exercise, *needles)


def rejected_with_student_line(exercise, fn, *needles):
    """As :func:`rejected`, for an exception inside the student's code: the message quotes the student's own
    line (which may hold code), so only the layout is asserted."""
    message = failure_message(checker(exercise), fn)
    assert message.startswith(f"Exercise {exercise}: your function raised "), message
    assert len(message.split("\n")) <= _common.MAX_MESSAGE_LINES and "Traceback" not in message
    for needle in needles:
        assert needle in message, (needle, message)
    return message


def passes(exercise, fn):
    checker(exercise)(fn)


# ================================================================================= the notebook and its answers

def test_the_notebook_has_exactly_the_exercises_the_checkers_cover():
    assert sorted(EXERCISES) == CODE_EXERCISES
    assert sorted(n for n in dir(nb03) if n.startswith("exercise_")) == [
        "exercise_" + e.replace(".", "_") for e in CODE_EXERCISES]
    assert {ex: answer.argument for ex, answer in EXERCISES.items()} == FUNCTION
    written = [re.search(r"Exercise (\d+\.\d+) \(written\)", c.source).group(1)
               for c in solution_notebook(NOTEBOOK).cells
               if c.cell_type == "markdown" and "<!-- BEGIN ANSWER -->" in c.source]
    assert written == WRITTEN_EXERCISES


def test_derive_first_hints_before_and_worked_derivations_after_the_checks():
    cells = solution_notebook(NOTEBOOK).cells
    text = [c.source for c in cells]
    # Before its check cell, an exercise's formula is shown only in collapsed blocks or the model answer.
    check_at = {ex: next(i for i, s in enumerate(text) if f"checks.exercise_{ex.replace('.', '_')}(" in s)
                for ex in ("3.3", "3.5")}
    for formula, exercise in ((r"W^{[2]}_{10}\;\mathbb 1", "3.3"), (r"X\,\delta^{[1]T}", "3.5")):
        shown = [i for i, source in enumerate(text[:check_at[exercise]]) if formula in source]
        for i in shown:
            assert "<details>" in text[i] or "<!-- BEGIN ANSWER -->" in text[i], (i, text[i][:200])
        assert any(formula in source and "Worked derivation" in source for source in text[check_at[exercise]:])
    # Every written exercise is followed by a rubric; every worked derivation follows a check cell.
    for i, source in enumerate(text):
        if "<!-- BEGIN ANSWER -->" in source:
            assert "Rubric: what a good answer says" in text[i + 1], source[:80]
        if "Worked derivation (open once your check passes)" in source:
            assert text[i - 1].startswith("# NBVAL_CHECK_OUTPUT")
    # The cell right after each check cell computes no closed form of its exercise.
    for i, source in enumerate(text[:-1]):
        if source.startswith("# NBVAL_CHECK_OUTPUT"):
            assert "closed_form" not in text[i + 1] and "relu_mask" not in text[i + 1]
    # No heading after Exercise 3.4 gives its answer away; the exercise asks the sharpened question.
    assert not any("sets the scale" in s for s in text)
    assert any("which factor decides the sign of the update" in s.lower() for s in text)
    # The dash-dot line of hidden unit 1 is called that.
    exercise_38 = next(s for s in text if "Exercise 3.8 (written)" in s)
    assert "dash-dot" in exercise_38


def test_one_notation_in_text_messages_and_hints():
    everything = " ".join(s for stages in nb03.HINTS.values() for s in stages)
    everything += " ".join(m["hint"] for m in nb03.PLANTED_MISTAKES + nb03.MORE_MISTAKES)
    everything += " ".join(nb03._HINTS_3_3.values()) + " ".join(nb03._HINTS_3_5_W1.values())
    assert "dF" not in everything and "W11[1]" not in everything and "W10[2]" not in everything
    assert "δ[2]" in everything and "W[1]_11" in everything


@pytest.mark.parametrize("exercise", CODE_EXERCISES)
def test_reference_answer_passes_with_the_one_stable_line(exercise):
    assert_reference_passes(NOTEBOOK, exercise)


@pytest.mark.parametrize("exercise", CODE_EXERCISES)
def test_an_unattempted_exercise_raises_not_implemented(exercise):
    assert_unattempted_raises(NOTEBOOK, exercise)


@pytest.mark.parametrize("exercise", CODE_EXERCISES)
def test_reference_answer_passes_under_a_grading_seed(exercise, grading):
    passes(exercise, reference(exercise))


@pytest.mark.parametrize("exercise", CODE_EXERCISES)
def test_hints_are_staged_and_code_free(exercise):
    assert_hints_are_staged(exercise)
    assert len(nb03.HINTS[exercise]) == 3


@pytest.mark.parametrize("exercise", CODE_EXERCISES)
def test_every_odd_return_gets_a_teaching_message(exercise):
    assert_odd_returns_rejected(checker(exercise), exercise)


def test_every_known_hint_and_message_is_code_free():
    texts = list(nb03._HINTS_3_3.values()) + list(nb03._HINTS_3_5_W1.values()) + list(nb03._HINTS_3_5_W2.values())
    texts += list(nb03._HINTS_3_7_WEIGHTS.values())
    for text in texts:
        assert not PASTEABLE.search(text), text


# ================================================================================= planted mistakes

def test_planted_mistakes_cover_every_code_exercise_and_the_required_kinds():
    kinds = {(m["exercise"], m["kind"]) for m in nb03.PLANTED_MISTAKES}
    assert {ex for ex, _ in kinds} == set(CODE_EXERCISES)
    joined = " | ".join(k.lower() for _, k in kinds)
    for required in ("relu mask", "1/n", "transpos", "swap"):
        assert required in joined


@pytest.mark.parametrize("mistake", nb03.PLANTED_MISTAKES + nb03.MORE_MISTAKES,
                         ids=lambda m: f"{m['exercise']}-{m['kind']}")
def test_every_listed_mistake_fails_with_its_hint(mistake):
    answer = EXERCISES[mistake["exercise"]]
    # The planted cell replaces the notebook's answer cell: same def line and docstring, another body.
    assert mistake["source"] != answer.answer_source
    assert mistake["source"].startswith(answer.answer_source.split("### BEGIN SOLUTION")[0].rstrip(" "))
    message = mistake_message(NOTEBOOK, mistake)
    assert_teaching_message(message, mistake["exercise"])
    assert "expected:" in message and "got:" in message and "hint:" in message


# ================================================================================= 3.1 the forward pass

def _fwd_parts(X, W1, W2):
    F1 = W1.T @ X
    return F1, np.maximum(F1, 0.0)


FORWARD_CORRECT = {
    "np.maximum and an explicit sigmoid": lambda X, W1, W2: 1 / (1 + np.exp(-(W2.T @ np.maximum(W1.T @ X, 0)))),
    "einsum": lambda X, W1, W2: tl.sigmoid(np.einsum("jo,jn->on", W2, tl.relu(np.einsum("ij,in->jn", W1, X)))),
    "transposes the other way": lambda X, W1, W2: tl.sigmoid((tl.relu(X.T @ W1) @ W2).T),
    "a loop over samples": lambda X, W1, W2: np.hstack(
        [tl.sigmoid(W2.T @ tl.relu(W1.T @ X[:, [k]])) for k in range(X.shape[1])]),
    "a mask instead of ReLU": lambda X, W1, W2: tl.sigmoid(W2.T @ ((W1.T @ X) * (W1.T @ X > 0))),
}


@pytest.mark.parametrize("name", FORWARD_CORRECT)
def test_3_1_other_correct_answers_pass(name):
    passes("3.1", FORWARD_CORRECT[name])


def _forward_leaky(X, W1, W2):
    return tl.sigmoid(W2.T @ tl.leaky_relu(W1.T @ X))


def _forward_in_place(X, W1, W2):
    X[1:] *= 1.0
    X[0] = 1.0
    W1 += 0.0
    result = tl.sigmoid(W2.T @ tl.relu(W1.T @ X))
    W2[0, 0] = 0.0
    return result


FORWARD_WRONG = {
    "ReLU missing": (lambda X, W1, W2: tl.sigmoid(W2.T @ (W1.T @ X)), "ReLU is missing"),
    "sigmoid hidden": (lambda X, W1, W2: tl.sigmoid(W2.T @ tl.sigmoid(W1.T @ X)), "sigmoid"),
    "tanh hidden": (lambda X, W1, W2: tl.sigmoid(W2.T @ np.tanh(W1.T @ X)), "tanh"),
    "leaky ReLU hidden": (_forward_leaky, "leaky ReLU"),
    "logits": (lambda X, W1, W2: W2.T @ tl.relu(W1.T @ X), "logits"),
    "ReLU output": (lambda X, W1, W2: tl.relu(W2.T @ tl.relu(W1.T @ X)), "output went through a ReLU"),
    "sigmoid of -f[2]": (lambda X, W1, W2: tl.sigmoid(-(W2.T @ tl.relu(W1.T @ X))), "1 - Y_hat"),
    "absolute value": (lambda X, W1, W2: tl.sigmoid(W2.T @ np.abs(W1.T @ X)), "absolute"),
    "transposed result": (lambda X, W1, W2: tl.sigmoid(W2.T @ tl.relu(W1.T @ X)).T, "columns are samples"),
    "flattened result": (lambda X, W1, W2: tl.sigmoid(W2.T @ tl.relu(W1.T @ X)).ravel(), "lost a dimension"),
    "bias row dropped": (lambda X, W1, W2: tl.sigmoid(W2.T @ tl.relu(W1[1:].T @ X[1:])), "does not match"),
    "mean over samples": (lambda X, W1, W2: float(tl.sigmoid(W2.T @ tl.relu(W1.T @ X)).mean()), "shape"),
    "with a cache": (lambda X, W1, W2: (tl.sigmoid(W2.T @ tl.relu(W1.T @ X)), W1.T @ X), "tuple"),
    "constant one half": (lambda X, W1, W2: np.full((1, X.shape[1]), 0.5), "does not match"),
    "in place on its inputs": (_forward_in_place, "changed its input"),
    "W2 scaled": (lambda X, W1, W2: tl.sigmoid(2 * W2.T @ tl.relu(W1.T @ X)), "does not match"),
}


@pytest.mark.parametrize("name", FORWARD_WRONG)
def test_3_1_wrong_answers_are_rejected(name):
    fn, needle = FORWARD_WRONG[name]
    rejected("3.1", fn, needle)


@pytest.mark.parametrize("fn", [
    lambda X, W1, W2: W1 @ X,                                                  # no transpose: shapes do not fit
    lambda X, W1, W2: tl.sigmoid(W2 @ tl.relu(W1.T @ X)),                      # W2 not transposed
    lambda X, W1, W2: tl.sigmoid(W2.T @ np.vstack([np.ones((1, X.shape[1])), tl.relu(W1.T @ X)])),  # hidden bias
], ids=["W1 not transposed", "W2 not transposed", "a bias row on a[1]"])
def test_3_1_shape_errors_name_the_students_line(fn):
    rejected_with_student_line("3.1", fn, "line", "shapes")


def test_3_1_library_forward_is_refused():
    def via_library(X, W1, W2):
        return tl.MLP([W1, W2], ["relu", "sigmoid"]).forward(X)

    rejected("3.1", via_library, "write the maths yourself", "tl.MLP.forward")


# ================================================================================= 3.3 dE/dW[1]_11

def _dw11_from_parts(X, Y, W1, W2, alpha, beta, mask_fn=lambda f1, a1: float(f1[1, 0] > 0), output=None):
    f1 = W1.T @ X
    a1 = np.maximum(f1, 0.0)
    y_hat = float(tl.sigmoid(W2.T @ a1)[0, 0])
    y = float(Y[0, 0])
    out = output(y, y_hat, alpha, beta) if output else (-alpha * y / y_hat + beta * (1 - y) / (1 - y_hat)) * \
        y_hat * (1 - y_hat)
    return out * W2[1, 0] * mask_fn(f1, a1) * X[1, 0]


def _dw11_batch_entry(X, Y, W1, W2, alpha, beta):
    n = X.shape[1]
    F1 = W1.T @ X
    Yh = tl.sigmoid(W2.T @ tl.relu(F1))
    d2 = (beta * (1 - Y) * Yh - alpha * Y * (1 - Yh)) / n
    return float((X @ ((W2 @ d2) * (F1 > 0)).T)[1, 1])


def _dw11_with_library_forward(X, Y, W1, W2, alpha, beta):
    net = tl.MLP([W1, W2], ["relu", "sigmoid"])
    y_hat = float(net.forward(X)[0, 0])
    y = float(Y[0, 0])
    return (beta * (1 - y) * y_hat - alpha * y * (1 - y_hat)) * W2[1, 0] * float(net.f[0][1, 0] > 0) * X[1, 0]


DW11_CORRECT = {
    "mask from a[1] > 0": lambda *a: _dw11_from_parts(*a, mask_fn=lambda f1, a1: float(a1[1, 0] > 0)),
    "simplified output term": lambda *a: _dw11_from_parts(
        *a, output=lambda y, p, al, be: be * (1 - y) * p - al * y * (1 - p)),
    "weights times (Y_hat - Y)": lambda *a: _dw11_from_parts(
        *a, output=lambda y, p, al, be: (al * y + be * (1 - y)) * (p - y)),
    "entry (1, 1) of the batch formula": _dw11_batch_entry,
    "forward pass from the library": _dw11_with_library_forward,
    "numpy float instead of float": lambda *a: np.float64(_dw11_from_parts(*a)),
}


@pytest.mark.parametrize("name", DW11_CORRECT)
def test_3_3_other_correct_answers_pass(name):
    passes("3.3", DW11_CORRECT[name])


def _variant_fn(key):
    """A student function returning the checker's own prediction of mistake ``key``, case by case."""
    def student(X, Y, W1, W2, alpha, beta):
        case = dict(X=X, Y=Y, W1=W1, W2=W2, alpha=alpha, beta=beta)
        return float(NB03_COPY._w11_variants([NB03_COPY._w11_parts(case)])[key][0])
    return student


@pytest.mark.parametrize("key", sorted(nb03._HINTS_3_3))
def test_3_3_every_predicted_mistake_is_named(key):
    message = rejected("3.3", _variant_fn(key))
    assert nb03._HINTS_3_3[key] in message


def _dw11_hand_central_difference(X, Y, W1, W2, alpha, beta, eps=1e-6):
    def loss(W):
        y_hat = tl.sigmoid(W2.T @ tl.relu(W.T @ X))[0, 0]
        y = Y[0, 0]
        return -(alpha * y * np.log(y_hat) + beta * (1 - y) * np.log(1 - y_hat))
    up, down = W1.copy(), W1.copy()
    up[1, 1] += eps
    down[1, 1] -= eps
    return float((loss(up) - loss(down)) / (2 * eps))


def _dw11_library_numerical(X, Y, W1, W2, alpha, beta):
    net = tl.MLP([W1, W2], ["relu", "sigmoid"])
    return float(tl.numerical_gradient(lambda: net.loss(X, Y, alpha=alpha, beta=beta), net.weights[0])[1, 1])


def _dw11_library_backward(X, Y, W1, W2, alpha, beta):
    net = tl.MLP([W1, W2], ["relu", "sigmoid"])
    net.forward(X)
    return float(net.backward(Y, alpha=alpha, beta=beta)[0][1, 1])


def _dw11_with_relu_grad(X, Y, W1, W2, alpha, beta):
    return _dw11_from_parts(X, Y, W1, W2, alpha, beta, mask_fn=lambda f1, a1: float(tl.relu_grad(f1)[1, 0]))


def _dw11_with_bce_grad(X, Y, W1, W2, alpha, beta):
    y_hat = tl.sigmoid(W2.T @ tl.relu(W1.T @ X))
    out = tl.bce_grad(y_hat, Y, alpha, beta) * y_hat * (1 - y_hat)
    return float(out[0, 0] * W2[1, 0] * ((W1.T @ X)[1, 0] > 0) * X[1, 0])


def _dw11_with_sigmoid_grad(X, Y, W1, W2, alpha, beta):
    f2 = W2.T @ tl.relu(W1.T @ X)
    return _dw11_from_parts(X, Y, W1, W2, alpha, beta, output=lambda y, p, al, be: (
        -al * y / p + be * (1 - y) / (1 - p)) * float(tl.sigmoid_grad(f2)[0, 0]))


def _dw11_with_engine(X, Y, W1, W2, alpha, beta):
    from tutorial_lib.engine import Value

    w = Value(float(W1[1, 1]), "w")
    f1 = W1[0, 1] * X[0, 0] + w * X[1, 0] + W1[2, 1] * X[2, 0]
    f1 = f1 if f1.data > 0 else f1 * 0.0
    f0 = max(float((W1.T @ X)[0, 0]), 0.0)
    z = W2[0, 0] * f0 + W2[1, 0] * f1
    y_hat = 1 / (1 + (-z).exp())
    y = float(Y[0, 0])
    loss = -(alpha * y * y_hat.log() + beta * (1 - y) * (1 - y_hat).log())
    loss.backward()
    return w.grad


@pytest.mark.parametrize("shortcut, needle", [
    (_dw11_library_numerical, "tl.numerical_gradient"), (_dw11_library_backward, "tl.MLP.backward"),
    (_dw11_with_relu_grad, "tl.relu_grad"), (_dw11_with_bce_grad, "tl.bce_grad"),
    (_dw11_with_sigmoid_grad, "tl.sigmoid_grad"), (_dw11_with_engine, "tl.engine.Value.backward"),
], ids=["numerical_gradient", "net.backward", "relu_grad", "bce_grad", "sigmoid_grad", "engine"])
def test_3_3_library_shortcuts_are_refused(shortcut, needle):
    rejected("3.3", shortcut, "write the maths yourself", needle)


def test_3_3_a_hand_written_central_difference_is_named():
    rejected("3.3", _dw11_hand_central_difference, "finite differences")


DW11_WRONG = {
    "sign flipped": (lambda *a: -_dw11_from_parts(*a), "wrong sign"),
    "a (1, 1) array": (lambda X, Y, W1, W2, al, be: np.array([[_dw11_from_parts(X, Y, W1, W2, al, be)]]),
                       "array of shape (1, 1)"),
    "the whole column": (lambda X, Y, W1, W2, al, be: np.full((3, 1), _dw11_from_parts(X, Y, W1, W2, al, be)),
                         "array of shape (3, 1)"),
    "rounded to an int": (lambda *a: int(_dw11_from_parts(*a)), "does not match"),
    "divided by the rows of X": (lambda X, *a: _dw11_from_parts(X, *a) / X.shape[0], "does not match"),
    "as a string": (lambda *a: f"{_dw11_from_parts(*a):.4f}", "text"),
    "both alpha": (lambda X, Y, W1, W2, al, be: _dw11_from_parts(X, Y, W1, W2, al, al), "does not match"),
    "squared mask input": (lambda X, *a: _dw11_from_parts(X, *a) * X[1, 0], "does not match"),
    "zero": (lambda *a: 0.0, "does not match"),
}


@pytest.mark.parametrize("name", DW11_WRONG)
def test_3_3_more_wrong_answers_are_rejected(name):
    fn, needle = DW11_WRONG[name]
    rejected("3.3", fn, needle)


def test_3_3_message_shows_the_worst_case():
    message = rejected("3.3", _variant_fn("mask_input"))
    assert re.search(r"wrong on \d+ of 40 cases; the worst: X = \[1, ", message)
    assert "f[1] = [" in message and "alpha = " in message and "W[2]_10 = " in message


def test_3_3_reports_an_input_changed_in_place():
    right = reference("3.3")

    def overwrites(X, Y, W1, W2, alpha, beta):
        value = right(X, Y, W1, W2, alpha, beta)
        W1[:] = 0.0
        return value

    rejected("3.3", overwrites, "changed its input")


# ================================================================================= 3.5 the batch backward pass

def _bp(X, Y, W1, W2, alpha, beta, *, mask=None, d2=None, order=None, dW2_src=None, scale=1.0):
    """A student's backward pass with pluggable steps (the defaults give the right answer)."""
    n = X.shape[1]
    F1 = W1.T @ X
    A1 = tl.relu(F1)
    Yh = tl.sigmoid(W2.T @ A1)
    delta2 = d2(Y, Yh, alpha, beta, n) if d2 else (-alpha * Y / Yh + beta * (1 - Y) / (1 - Yh)) * Yh * (1 - Yh) / n
    delta2 = delta2 * scale
    dW2 = (dW2_src(F1, A1) if dW2_src else A1) @ delta2.T
    dA1 = W2 @ delta2
    delta1 = dA1 * (mask(F1, A1, dA1, X) if mask else (F1 > 0))
    dW1 = X @ delta1.T
    return order(dW1, dW2) if order else [dW1, dW2]


def _bp_loop(X, Y, W1, W2, alpha, beta):
    dW1, dW2 = np.zeros_like(W1), np.zeros_like(W2)
    n = X.shape[1]
    for k in range(n):
        x = X[:, k]
        f1 = W1.T @ x
        a1 = np.maximum(f1, 0)
        y_hat = 1 / (1 + np.exp(-(W2[:, 0] @ a1)))
        y = Y[0, k]
        d2 = (beta * (1 - y) * y_hat - alpha * y * (1 - y_hat)) / n
        dW2[:, 0] += a1 * d2
        for j in range(2):
            if f1[j] > 0:
                dW1[:, j] += x * W2[j, 0] * d2
    return [dW1, dW2]


def _bp_einsum(X, Y, W1, W2, alpha, beta):
    n = X.shape[1]
    F1 = np.einsum("ij,in->jn", W1, X)
    A1 = np.where(F1 > 0, F1, 0.0)
    Yh = tl.sigmoid(np.einsum("jo,jn->on", W2, A1))
    d2 = np.where(Y == 1, -alpha * (1 - Yh), beta * Yh) / n
    d1 = (W2 * d2) * (A1 > 0)
    return (np.einsum("in,jn->ij", X, d1), np.einsum("jn,on->jo", A1, d2))


BACKPROP_CORRECT = {
    "a loop over samples": _bp_loop,
    "einsum, a tuple and np.where": _bp_einsum,
    "simplified delta2": lambda *a: _bp(*a, d2=lambda Y, Yh, al, be, n: (be * (1 - Y) * Yh - al * Y * (1 - Yh)) / n),
    "weights times (Y_hat - Y)": lambda *a: _bp(
        *a, d2=lambda Y, Yh, al, be, n: (al * Y + be * (1 - Y)) * (Yh - Y) / n),
    "mask from a[1] > 0": lambda *a: _bp(*a, mask=lambda F1, A1, dA1, X: A1 > 0),
    "mask with np.heaviside": lambda *a: _bp(*a, mask=lambda F1, A1, dA1, X: np.heaviside(F1, 0.0)),
    "a (2, n) broadcast of W2": lambda X, Y, W1, W2, al, be: _bp(X, Y, W1, W2, al, be),
    "transposes the other way": lambda X, Y, W1, W2, al, be: [
        (_bp(X, Y, W1, W2, al, be)[0].T).T, (_bp(X, Y, W1, W2, al, be)[1].T).T],
}


@pytest.mark.parametrize("name", BACKPROP_CORRECT)
def test_3_5_other_correct_answers_pass(name):
    passes("3.5", BACKPROP_CORRECT[name])


def _bp_hand_central_differences(X, Y, W1, W2, alpha, beta, eps=1e-6):
    def loss(A, B):
        Yh = tl.sigmoid(B.T @ tl.relu(A.T @ X))
        return -np.mean(alpha * Y * np.log(Yh) + beta * (1 - Y) * np.log(1 - Yh))
    grads = []
    for which in (0, 1):
        W = (W1, W2)[which]
        G = np.zeros_like(W)
        for idx in np.ndindex(W.shape):
            up, down = W.copy(), W.copy()
            up[idx] += eps
            down[idx] -= eps
            args_up = (up, W2) if which == 0 else (W1, up)
            args_down = (down, W2) if which == 0 else (W1, down)
            G[idx] = (loss(*args_up) - loss(*args_down)) / (2 * eps)
        grads.append(G)
    return grads


def _bp_library_backward(X, Y, W1, W2, alpha, beta):
    net = tl.MLP([W1, W2], ["relu", "sigmoid"])
    net.forward(X)
    return net.backward(Y, alpha=alpha, beta=beta)


def _bp_library_numerical(X, Y, W1, W2, alpha, beta):
    net = tl.MLP([W1, W2], ["relu", "sigmoid"])
    return [tl.numerical_gradient(lambda: net.loss(X, Y, alpha=alpha, beta=beta), W) for W in net.weights]


def _bp_library_fit(X, Y, W1, W2, alpha, beta):
    net = tl.MLP([W1, W2], ["relu", "sigmoid"])
    net.fit(X, Y, lr=0.0, epochs=1, alpha=alpha, beta=beta)
    return [g.copy() for g in net.grad_W]


def _bp_check_gradients(X, Y, W1, W2, alpha, beta):
    net = tl.MLP([W1, W2], ["relu", "sigmoid"])
    tl.check_gradients(net, X, Y, alpha=alpha, beta=beta)
    return net.grad_W


@pytest.mark.parametrize("shortcut, needle", [
    (_bp_library_backward, "tl.MLP.backward"), (_bp_library_numerical, "tl.numerical_gradient"),
    (_bp_library_fit, "tl.MLP.fit"), (_bp_check_gradients, "tl.check_gradients"),
    (lambda *a: _bp(*a, mask=lambda F1, A1, dA1, X: tl.relu_grad(F1)), "tl.relu_grad"),
    (lambda *a: _bp(*a, d2=lambda Y, Yh, al, be, n: tl.bce_grad(Yh, Y, al, be) * Yh * (1 - Yh)), "tl.bce_grad"),
], ids=["net.backward", "numerical_gradient", "net.fit", "check_gradients", "relu_grad", "bce_grad"])
def test_3_5_library_shortcuts_are_refused(shortcut, needle):
    rejected("3.5", shortcut, "write the maths yourself", needle)


def test_3_5_a_hand_written_central_difference_is_named():
    rejected("3.5", _bp_hand_central_differences, "finite differences")


def _clip_d2(Y, Yh, al, be, n):
    P = np.clip(Yh, 1e-7, 1 - 1e-7)
    return (-al * Y / P + be * (1 - Y) / (1 - P)) * Yh * (1 - Yh) / n


def _ravelled(X, Y, W1, W2, alpha, beta):
    n = X.shape[1]
    F1 = W1.T @ X
    A1 = tl.relu(F1)
    Yh = tl.sigmoid(W2.T @ A1).ravel()
    y = Y.ravel()
    d2 = (-alpha * y / Yh + beta * (1 - y) / (1 - Yh)) * Yh * (1 - Yh) / n      # (n,)
    return [X @ ((W2 @ d2[None, :]) * (F1 > 0)).T, A1 @ d2]                       # dW2 of shape (2,)


def _broadcast_nn(X, Y, W1, W2, alpha, beta):
    n = X.shape[1]
    F1 = W1.T @ X
    A1 = tl.relu(F1)
    Yh = tl.sigmoid(W2.T @ A1)
    d2 = (Yh - Y.ravel()[:, None]) / n                                          # (n, n)
    return [X @ ((W2 @ d2[:1]) * (F1 > 0)).T, A1 @ d2]


BACKPROP_WRONG = {
    "mask from the upstream gradient": (dict(mask=lambda F1, A1, dA1, X: dA1 > 0), "upstream"),
    "mask from f[2]": (None, "f[2] > 0"),
    "mask from the input X": (dict(mask=lambda F1, A1, dA1, X: X[1:] > 0), "input X"),
    "mask missing": (dict(mask=lambda F1, A1, dA1, X: 1.0), "mask is missing"),
    "mask a[1] >= 0": (dict(mask=lambda F1, A1, dA1, X: A1 >= 0), "mask is missing"),
    "mask f[1] >= 0": (dict(mask=lambda F1, A1, dA1, X: F1 >= 0), "exactly 0"),
    "mask is a[1] itself": (dict(mask=lambda F1, A1, dA1, X: A1), "slope"),
    "mask rows swapped": (dict(mask=lambda F1, A1, dA1, X: (F1 > 0)[::-1]), "swapped"),
    "sigmoid slope as mask": (dict(mask=lambda F1, A1, dA1, X: tl.sigmoid(F1) * (1 - tl.sigmoid(F1))), "sigmoid"),
    "alpha and beta swapped": (dict(d2=lambda Y, Yh, al, be, n: (al * (1 - Y) * Yh - be * Y * (1 - Yh)) / n),
                               "swapped"),
    "class weights ignored": (dict(d2=lambda Y, Yh, al, be, n: (Yh - Y) / n), "alpha = beta = 1"),
    "sigmoid slope missing": (dict(d2=lambda Y, Yh, al, be, n: (-al * Y / Yh + be * (1 - Y) / (1 - Yh)) / n),
                              "slope"),
    "Y_hat clipped": (dict(d2=_clip_d2), "clipped"),
    "divided by the rows of X": (dict(d2=lambda Y, Yh, al, be, n: (be * (1 - Y) * Yh - al * Y * (1 - Yh)) / 3),
                                 "number of rows"),
    "missing 1/n": (dict(scale=None), "1/n is missing"),
    "1/n twice": (dict(scale="twice"), "divided by n twice"),
    "dE/dW[2] from f[1]": (dict(dW2_src=lambda F1, A1: F1), "not f[1]"),
    "dE/dW[2] from the mask": (dict(dW2_src=lambda F1, A1: (F1 > 0) * 1.0), "slope"),
    "sign flipped": (dict(scale=-1.0), "wrong sign"),
    "gradients in the wrong order": (dict(order=lambda g1, g2: [g2, g1]), "wrong order"),
    "dE/dW[1] transposed": (dict(order=lambda g1, g2: [g1.T, g2]), "transposed"),
    "dE/dW[2] transposed": (dict(order=lambda g1, g2: [g1, g2.T]), "transposed"),
    "bias row of X dropped": (dict(order=lambda g1, g2: [g1[1:], g2]), "bias row"),
    "a bias row on a[1]": (dict(order=lambda g1, g2: [g1, np.vstack([[g2.sum()], g2])]), "no hidden bias"),
    "only dE/dW[1]": (dict(order=lambda g1, g2: g1), "not 2 results"),
    "three gradients": (dict(order=lambda g1, g2: [g1, g2, g2]), "3 results instead of 2"),
    "a dict": (dict(order=lambda g1, g2: {"W1": g1, "W2": g2}), "not 2 results"),
}


def _mask_from_f2(X, Y, W1, W2, alpha, beta):
    F2 = W2.T @ tl.relu(W1.T @ X)
    return _bp(X, Y, W1, W2, alpha, beta, mask=lambda F1, A1, dA1, X_: F2 > 0)


def _drop_row0_of_W2(X, Y, W1, W2, alpha, beta):
    n = X.shape[1]
    F1 = W1.T @ X
    A1 = tl.relu(F1)
    Yh = tl.sigmoid(W2.T @ A1)
    d2 = (beta * (1 - Y) * Yh - alpha * Y * (1 - Yh)) / n
    return [X @ ((W2[1:] @ d2) * (F1 > 0)).T, A1 @ d2.T]


def _wrong_backprop(name):
    if name == "mask from f[2]":
        return _mask_from_f2     # f[2] needs W2: a function of its own
    kwargs = dict(BACKPROP_WRONG[name][0])
    if kwargs.get("scale") is None and "scale" in kwargs:
        return lambda X, *a: _bp(X, *a, scale=X.shape[1])
    if kwargs.get("scale") == "twice":
        return lambda X, *a: _bp(X, *a, scale=1.0 / X.shape[1])
    return lambda *a: _bp(*a, **kwargs)


@pytest.mark.parametrize("name", BACKPROP_WRONG)
def test_3_5_wrong_answers_are_rejected(name):
    needle = BACKPROP_WRONG[name][1]
    rejected("3.5", _wrong_backprop(name), needle)


@pytest.mark.parametrize("fn, needle", [
    (_drop_row0_of_W2, "row 0 of W[2]"),
    (_ravelled, "lost a dimension"),
    (_broadcast_nn, "wrong shape"),
], ids=["row 0 of W2 dropped", "(n,) vectors", "(n, n) broadcast"])
def test_3_5_shape_and_bias_mistakes_are_named(fn, needle):
    rejected("3.5", fn, needle)


def test_3_5_shape_errors_name_the_students_line():
    def w2_transposed_on_the_way_back(X, Y, W1, W2, alpha, beta):
        n = X.shape[1]
        F1 = W1.T @ X
        A1 = tl.relu(F1)
        Yh = tl.sigmoid(W2.T @ A1)
        d2 = (Yh - Y) / n
        return [X @ ((W2.T @ d2) * (F1 > 0)).T, A1 @ d2.T]

    rejected_with_student_line("3.5", w2_transposed_on_the_way_back, "shapes")


def test_3_5_missing_one_over_n_names_the_batch_size():
    message = rejected("3.5", _wrong_backprop("missing 1/n"), "6 times too large", "n = 6")
    assert "dE/dW[2] (n = 6" in message


def test_3_5_batches_have_units_on_off_and_at_the_kink_and_saturated_outputs():
    for kind, n, alpha, beta, seed in nb03._BATCHES:
        X, Y, W1, W2 = nb03._batch_case(kind, n, seed)
        F1 = W1.T @ X
        Yh = tl.sigmoid(W2.T @ np.maximum(F1, 0))
        if n > 1:
            on = (F1 > 0).mean(axis=1)
            assert on.min() > 0 and on.max() < 1 and 0 < Y.sum() < n
        if kind == "kink":
            assert (F1 == 0).any()
            assert not np.allclose(nb03._backward_variant(X, Y, W1, W2, alpha, beta, mask="ge")[0],
                                   nb03._backward_variant(X, Y, W1, W2, alpha, beta)[0])
        if kind == "saturated":
            assert 1e-12 < np.minimum(Yh, 1 - Yh).min() < 1e-7
        net = tl.MLP([W1, W2], ["relu", "sigmoid"])
        net.forward(X)
        for mine, lib in zip(nb03._backward_variant(X, Y, W1, W2, alpha, beta), net.backward(Y, alpha=alpha, beta=beta)):
            np.testing.assert_allclose(mine, lib, rtol=1e-12, atol=1e-15)


def test_single_sample_cases_exercise_every_branch():
    cases = [nb03._single_case(*c) for c in nb03._SINGLE_CASES]
    parts = [nb03._w11_parts(c) for c in cases]
    assert {p["y"] for p in parts} == {0.0, 1.0}
    assert {(c["alpha"], c["beta"]) for c in cases} == set(nb03._ALPHA_BETA)
    masks = np.array([p["mask"] for p in parts])
    assert 5 <= masks.sum() <= 35
    assert sum(c["mode"] == "kink" for c in cases) >= 4 and all(
        p["f1"][1] == 0.0 for c, p in zip(cases, parts) if c["mode"] == "kink")
    assert sum(min(p["y_hat"], 1 - p["y_hat"]) < 1e-7 for p in parts) >= 4
    variants = nb03._w11_variants(parts)
    for key, values in variants.items():
        if key != "right":
            assert not np.allclose(values, variants["right"]), key  # every mistake is visible


# ================================================================================= 3.6 central differences

def _nd(loss, W1, W2, eps, *, scheme="central", copy=True, restore=True, step=None, order=None):
    if copy:
        W1, W2 = W1.copy(), W2.copy()
    h = eps if step is None else step
    out = []
    for W in (W1, W2):
        G = np.zeros_like(W)
        for idx in np.ndindex(W.shape):
            old = W[idx]
            W[idx] = old + h
            up = loss(W1, W2)
            W[idx] = old - h
            down = loss(W1, W2)
            if restore:
                W[idx] = old
            G[idx] = {"central": (up - down) / (2 * h), "reversed": (down - up) / (2 * h)}[scheme]
        out.append(G)
    return order(*out) if order else out


def _nd_vectorised(loss, W1, W2, eps):
    def column(W, which):
        G = np.zeros_like(W)
        for idx in np.ndindex(W.shape):
            E = np.zeros_like(W)
            E[idx] = eps
            args_up = (W1 + E, W2) if which == 0 else (W1, W2 + E)
            args_down = (W1 - E, W2) if which == 0 else (W1, W2 - E)
            G[idx] = (loss(*args_up) - loss(*args_down)) / 2 / eps
        return G
    return (column(W1, 0), column(W2, 1))


NUMERIC_CORRECT = {
    "a perturbation matrix, a tuple": _nd_vectorised,
    "in place on the given arrays, restored": lambda loss, W1, W2, eps: _nd(loss, W1, W2, eps, copy=False),
    "lists of floats": lambda loss, W1, W2, eps: [g.tolist() for g in _nd(loss, W1, W2, eps)],
}


@pytest.mark.parametrize("name", NUMERIC_CORRECT)
def test_3_6_other_correct_answers_pass(name):
    passes("3.6", NUMERIC_CORRECT[name])


def _nd_one_sided(loss, W1, W2, eps, backward=False):
    W1, W2 = W1.copy(), W2.copy()
    base = loss(W1, W2)
    out = []
    for W in (W1, W2):
        G = np.zeros_like(W)
        for idx in np.ndindex(W.shape):
            old = W[idx]
            W[idx] = old - eps if backward else old + eps
            G[idx] = (base - loss(W1, W2)) / eps if backward else (loss(W1, W2) - base) / eps
            W[idx] = old
        out.append(G)
    return out


def _nd_all_at_once(loss, W1, W2, eps):
    g1 = (loss(W1 + eps, W2) - loss(W1 - eps, W2)) / (2 * eps)
    g2 = (loss(W1, W2 + eps) - loss(W1, W2 - eps)) / (2 * eps)
    return [np.full(W1.shape, g1), np.full(W2.shape, g2)]


def _nd_library(loss, W1, W2, eps):
    W1, W2 = W1.copy(), W2.copy()
    return [tl.numerical_gradient(lambda: loss(W1, W2), W1, eps=eps),
            tl.numerical_gradient(lambda: loss(W1, W2), W2, eps=eps)]


def _nd_rows_at_once(loss, W1, W2, eps):
    out = []
    for which, W in enumerate((W1, W2)):
        G = np.zeros_like(W)
        for i in range(W.shape[0]):
            E = np.zeros_like(W)
            E[i] = eps
            up = loss(W1 + E, W2) if which == 0 else loss(W1, W2 + E)
            down = loss(W1 - E, W2) if which == 0 else loss(W1, W2 - E)
            G[i] = (up - down) / (2 * eps)
        out.append(G)
    return out


NUMERIC_WRONG = {
    "forward differences": (_nd_one_sided, "one-sided (forward)"),
    "backward differences": (lambda *a: _nd_one_sided(*a, backward=True), "one-sided (backward)"),
    "divided by eps": (lambda *a: [2 * g for g in _nd(*a)], "divided by 2 eps"),
    "entries not put back": (lambda *a: _nd(*a, restore=False), "not put back"),
    "all entries at once": (_nd_all_at_once, "all entries at once"),
    "a step of its own": (lambda loss, W1, W2, eps: _nd(loss, W1, W2, eps, step=1e-6), "step of your own"),
    "half the step": (lambda loss, W1, W2, eps: _nd(loss, W1, W2, eps, step=eps / 2), "does not match"),
    "difference reversed": (lambda *a: _nd(*a, scheme="reversed"), "wrong sign"),
    "estimates swapped": (lambda *a: _nd(*a, order=lambda g1, g2: [g2, g1]), "wrong order"),
    "transposed estimate": (lambda *a: _nd(*a, order=lambda g1, g2: [g1.T, g2]), "transposed"),
    "one estimate only": (lambda *a: _nd(*a)[0], "not 2 results"),
    "a whole row at once": (_nd_rows_at_once, "does not match"),
    "not copied, not restored": (lambda *a: _nd(*a, copy=False, restore=False), "changed its input"),
    "float32": (lambda *a: [g.astype(np.float32) for g in _nd(*a)], "float32"),
}


@pytest.mark.parametrize("name", NUMERIC_WRONG)
def test_3_6_wrong_answers_are_rejected(name):
    fn, needle = NUMERIC_WRONG[name]
    rejected("3.6", fn, needle)


def test_3_6_library_numerical_gradient_is_refused():
    rejected("3.6", _nd_library, "write the maths yourself", "tl.numerical_gradient")


def test_3_6_a_loss_called_with_the_wrong_shapes_is_named():
    rejected_with_student_line("3.6", lambda loss, W1, W2, eps: [loss(W1.T, W2), W2], "ValueError", "loss(W1, W2)")


# ================================================================================= 3.7 the training loop

def _train(X, Y, W1, W2, backprop, lr, epochs, alpha, beta, *, mistake=""):
    if mistake != "in place":
        W1, W2 = W1.copy(), W2.copy()
    losses = []
    if mistake == "initial loss":
        losses.append(tl.bce_loss(tl.sigmoid(W2.T @ tl.relu(W1.T @ X)), Y, alpha, beta))
    steps = epochs + {"one more": 1, "one less": -1}.get(mistake, 0)
    g_once = backprop(X, Y, W1, W2, alpha, beta) if mistake == "stale" else None
    for _ in range(steps):
        if mistake == "before":
            losses.append(tl.bce_loss(tl.sigmoid(W2.T @ tl.relu(W1.T @ X)), Y, alpha, beta))
        if mistake == "sgd":
            for k in range(X.shape[1]):
                g1, g2 = backprop(X[:, [k]], Y[:, [k]], W1, W2, alpha, beta)
                W1, W2 = W1 - lr * g1, W2 - lr * g2
        else:
            a, b = {"unweighted backprop": (1.0, 1.0), "swapped to backprop": (beta, alpha)}.get(mistake, (alpha, beta))
            g1, g2 = g_once if mistake == "stale" else backprop(X, Y, W1, W2, a, b)
            rate = {"no lr": 1.0, "lr squared": lr * lr}.get(mistake, lr)
            sign = -1.0 if mistake == "ascent" else 1.0
            if mistake == "in place":
                W1 -= rate * g1
                W2 -= rate * g2
            else:
                new1 = W1 if mistake == "only W2" else W1 - sign * rate * g1
                if mistake == "sequential":
                    g2 = backprop(X, Y, new1, W2, alpha, beta)[1]
                new2 = W2 if mistake == "only W1" else W2 - sign * rate * g2
                W1, W2 = new1, new2
        if mistake != "before":
            Y_hat = tl.sigmoid(W2.T @ tl.relu(W1.T @ X))
            if mistake == "unweighted loss":
                losses.append(tl.bce_loss(Y_hat, Y))
            elif mistake == "summed loss":
                losses.append(tl.bce_loss(Y_hat, Y, alpha, beta) * X.shape[1])
            else:
                losses.append(tl.bce_loss(Y_hat, Y, alpha, beta))
    if mistake == "order":
        return np.array(losses), W1, W2
    if mistake == "two values":
        return [W1, W2], np.array(losses)
    return W1, W2, np.array(losses)


def _train_with(mistake):
    def student(*args):
        return _train(*args, mistake=mistake)
    return student


def _train_with_library_loss(X, Y, W1, W2, backprop, lr, epochs, alpha, beta):
    W1, W2 = W1.copy(), W2.copy()
    losses = []
    for _ in range(epochs):
        g1, g2 = backprop(X, Y, W1, W2, alpha, beta)
        W1 -= lr * g1          # in place on the copies: fine
        W2 -= lr * g2
        losses.append(tl.MLP([W1, W2], ["relu", "sigmoid"]).loss(X, Y, alpha=alpha, beta=beta))
    return W1, W2, losses


def _train_while_loop(X, Y, W1, W2, backprop, lr, epochs, alpha, beta):
    weights = [W1.copy(), W2.copy()]
    losses = np.zeros(epochs)
    epoch = 0
    while epoch < epochs:
        grads = backprop(X=X, Y=Y, W1=weights[0], W2=weights[1], alpha=alpha, beta=beta)
        weights = [W - lr * g for W, g in zip(weights, grads)]
        F2 = weights[1].T @ np.maximum(weights[0].T @ X, 0)
        losses[epoch] = np.mean(alpha * Y * np.logaddexp(0, -F2) + beta * (1 - Y) * np.logaddexp(0, F2))
        epoch += 1
    return tuple(weights) + (losses,)


TRAIN_CORRECT = {
    "the library's loss, a list of losses, in place on copies": _train_with_library_loss,
    "a while loop, keywords, losses from the logits": _train_while_loop,
}


@pytest.mark.parametrize("name", TRAIN_CORRECT)
def test_3_7_other_correct_answers_pass(name):
    passes("3.7", TRAIN_CORRECT[name])


TRAIN_WRONG = {
    "loss before the update": "one step behind",
    "ascent": "uphill",
    "no lr": "ignore the learning rate",
    "lr squared": "does not match",
    "sequential": "same weights",
    "only W1": "only W1 was updated",
    "only W2": "only W2 was updated",
    "one more": "one step more",
    "one less": "one step fewer",
    "stale": "called once",
    "unweighted backprop": "other class weights",
    "swapped to backprop": "other class weights",
    "unweighted loss": "leave out the class weights",
    "summed loss": "times too large",
    "initial loss": "leave out the loss of the starting",
    "in place": "changed its input",
    "sgd": "at a time instead of all",
    "order": "another order",
    "two values": "2 results instead of 3",
}


@pytest.mark.parametrize("name", TRAIN_WRONG)
def test_3_7_wrong_answers_are_rejected(name):
    mistake = "before" if name == "loss before the update" else name
    rejected("3.7", _train_with(mistake), TRAIN_WRONG[name])


@pytest.mark.parametrize("result, needle", [
    (lambda W1, W2, losses: (W1, W2, np.float64(losses[-1])), "wrong shape"),
    (lambda W1, W2, losses: (W1, W2, [[x] for x in losses]), "wrong shape"),
    (lambda W1, W2, losses: (W1.tolist(), W2, list(losses)), None),
    (lambda W1, W2, losses: (W1, W2, None), "None"),
    (lambda W1, W2, losses: (W1, W2, "losses"), "text"),
    (lambda W1, W2, losses: [W1, W2, losses, losses], "4 results instead of 3"),
], ids=["a number for the losses", "a column of losses", "lists (correct)", "losses None", "a string",
        "four results"])
def test_3_7_odd_parts_of_the_result(result, needle):
    def student(*args):
        return result(*_train(*args))
    if needle is None:
        passes("3.7", student)
    else:
        rejected("3.7", student, needle)


def test_3_7_class_weights_passed_as_arrays_get_a_message():
    def arrays(X, Y, W1, W2, backprop, lr, epochs, alpha, beta):
        weights = np.full((1, X.shape[1]), alpha)
        return _train(X, Y, W1, W2, lambda *a: backprop(*a[:4], weights, beta), lr, epochs, alpha, beta)

    rejected("3.7", arrays, "other class weights")


def test_3_7_a_loop_that_ignores_the_given_backprop_is_named():
    def own_gradients(X, Y, W1, W2, backprop, lr, epochs, alpha, beta):
        return _train(X, Y, W1, W2, lambda *a: list(NB03_COPY._backward_variant(*a)), lr, epochs, alpha, beta)

    rejected("3.7", own_gradients, "never called the backprop")


def test_3_7_library_fit_is_refused():
    def via_fit(X, Y, W1, W2, backprop, lr, epochs, alpha, beta):
        backprop(X, Y, W1, W2, alpha, beta)
        net = tl.MLP([W1, W2], ["relu", "sigmoid"])
        losses = net.fit(X, Y, lr=lr, epochs=epochs, alpha=alpha, beta=beta)
        return net.weights[0], net.weights[1], losses

    rejected("3.7", via_fit, "write the maths yourself", "tl.MLP.fit")


def test_3_7_backprop_called_with_wrong_arguments_names_the_students_line():
    def forgets_the_class_weights(X, Y, W1, W2, backprop, lr, epochs, alpha, beta):
        backprop(X, Y, W1, W2)
        return W1, W2, np.zeros(epochs)

    rejected_with_student_line("3.7", forgets_the_class_weights, "TypeError")


# ================================================================================= grading: tuned answers fail

def _public_lookup():
    """The right answers to every public input, keyed by the inputs' bytes: an answer "tuned" to them."""
    table = {}
    for kind, n, seed in nb03._FORWARD_CASES:
        X, _, W1, W2 = nb03._batch_case(kind, n, seed)
        table[("3.1", X.tobytes(), W1.tobytes())] = tl.MLP([W1, W2], ["relu", "sigmoid"]).forward(X)
    for case in nb03._SINGLE_CASES:
        c = nb03._single_case(*case)
        net = tl.MLP([c["W1"], c["W2"]], ["relu", "sigmoid"])
        net.forward(c["X"])
        table[("3.3", c["X"].tobytes(), c["W1"].tobytes())] = float(
            net.backward(c["Y"], alpha=c["alpha"], beta=c["beta"])[0][1, 1])
    for kind, n, alpha, beta, seed in nb03._BATCHES:
        X, Y, W1, W2 = nb03._batch_case(kind, n, seed)
        table[("3.5", X.tobytes(), W1.tobytes())] = list(nb03._backward_variant(X, Y, W1, W2, alpha, beta))
    for eps, n, alpha, beta, seed in nb03._NUMERIC_CASES:
        X, Y, W1, W2 = nb03._batch_case("plain", n, seed)
        table[("3.6", W1.tobytes(), W2.tobytes())] = nb03._differences(nb03._Loss(X, Y, alpha, beta), W1, W2, eps)
    for n, lr, epochs, alpha, beta, seed in nb03._TRAIN_CASES:
        X, Y, W1, W2 = nb03._batch_case("plain", n, seed)
        table[("3.7", X.tobytes(), W1.tobytes())] = nb03._trajectory(X, Y, W1, W2, lr, epochs, alpha, beta)
    return table


TABLE = _public_lookup()


def _tuned(exercise):
    if exercise == "3.1":
        return lambda X, W1, W2: TABLE.get(("3.1", X.tobytes(), W1.tobytes()), np.full((1, X.shape[1]), 0.5))
    if exercise == "3.3":
        return lambda X, Y, W1, W2, al, be: TABLE.get(("3.3", X.tobytes(), W1.tobytes()), 0.0)
    if exercise == "3.5":
        return lambda X, Y, W1, W2, al, be: TABLE.get(("3.5", X.tobytes(), W1.tobytes()),
                                                      [np.zeros((3, 2)), np.zeros((2, 1))])
    if exercise == "3.6":
        return lambda loss, W1, W2, eps: TABLE.get(("3.6", W1.tobytes(), W2.tobytes()),
                                                   [np.zeros((3, 2)), np.zeros((2, 1))])

    def train(X, Y, W1, W2, backprop, lr, epochs, alpha, beta):
        steps = TABLE.get(("3.7", X.tobytes(), W1.tobytes()))
        if steps is None:
            backprop(X, Y, W1, W2, alpha, beta)
            return W1.copy(), W2.copy(), np.zeros(epochs)
        previous = [(W1, W2)] + steps[:-1]
        for a, b in previous:
            backprop(X, Y, a, b, alpha, beta)
        losses = [NB03_COPY._loss(X, Y, a, b, alpha, beta) for a, b in steps]
        return steps[-1][0], steps[-1][1], np.array(losses)
    return train


@pytest.mark.parametrize("exercise", CODE_EXERCISES)
def test_an_answer_tuned_to_the_public_inputs_fails_under_a_grading_seed(exercise):
    passes(exercise, _tuned(exercise))                      # the public checks cannot tell
    _common.set_grading_seed(7)
    try:
        message = failure_message(checker(exercise), _tuned(exercise))
    finally:
        _common.set_grading_seed(None)
    assert_teaching_message(message, exercise)


@pytest.mark.parametrize("exercise, public", [
    ("3.1", nb03._FORWARD_CASES), ("3.3", nb03._SINGLE_CASES), ("3.5", nb03._BATCHES),
    ("3.6", nb03._NUMERIC_CASES), ("3.7", nb03._TRAIN_CASES)])
def test_grading_adds_hidden_cases(exercise, public):
    assert _common.grading_cases(exercise, public) == list(public)
    _common.set_grading_seed(3)
    try:
        assert len(_common.grading_cases(exercise, public)) > len(public)
    finally:
        _common.set_grading_seed(None)


# ================================================================================= figures and explorer

@pytest.fixture(scope="module")
def trained():
    X, Y = tl.load_wine_binary()
    logistic = tl.MLP.from_sizes([3, 1], ["sigmoid"], seed=0)
    logistic.fit(X, Y, lr=1.0, epochs=300)
    hidden = tl.MLP.from_sizes([3, 2, 1], ["relu", "sigmoid"], init="he", seed=4)
    hidden.fit(X, Y, lr=1.0, epochs=300)
    return X, Y, logistic, hidden


def test_hidden_vs_logistic_boundaries_draws_two_panels_and_one_legend(trained):
    X, Y, logistic, hidden = trained
    fig = plotting.hidden_vs_logistic_boundaries(logistic, hidden, X, Y)
    assert len(fig.axes) == 2 and len(fig.legends) == 1
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "hidden unit 0: f[1]_0 = 0" in labels and "hidden unit 1: f[1]_1 = 0" in labels
    for ax in fig.axes:
        assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title()
    # unit 0 dashed, unit 1 dash-dot, as the notebook's text says
    styles = {line.get_label(): line.get_linestyle() for line in fig.axes[1].get_lines()}
    assert styles["hidden unit 0: f[1]_0 = 0"] == "--" and styles["hidden unit 1: f[1]_1 = 0"] == "-."
    plt.close(fig)


def test_silent_region_is_where_every_unit_is_off():
    fig, ax = plotting.figure()
    ax.set_xlim(-1, 1)
    ax.set_ylim(-1, 1)
    # unit 0 is on for x1 > 0, unit 1 for x2 > 0: silent in the lower-left quarter
    W1 = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    assert plotting.relu_silent_region(W1, ax, resolution=200) == pytest.approx(0.25, abs=0.01)
    assert plotting.relu_silent_region(np.array([[1.0], [0.0], [0.0]]), ax) == 0.0
    plotting.relu_hinge_lines(np.array([[0.5], [1.0], [0.0]]), ax)  # vertical line x1 = -0.5
    assert ax.get_xlim() == (-1, 1)
    plt.close(fig)


def test_later_weight_sweep_figure_uses_the_notebooks_notation():
    w = np.linspace(-1, 1, 5)
    fig = plotting.later_weight_sweep(w, np.sin(w), 0.5 * w, slope=0.5, w_now=0.5)
    assert len(fig.axes) == 2
    assert all(ax.get_xlabel() == "later weight W[2]_10 (unitless)" for ax in fig.axes)
    assert fig.axes[0].get_ylabel().startswith("dE/dW[1]_11")
    plt.close(fig)


def test_hidden_width_view_and_explorer():
    X, Y = tl.load_wine_binary()
    fig = widgets.draw_hidden_width_view(X, Y, width=2, seed=5, epochs=50)
    assert "2 of 2 units silent" in fig.axes[1].get_title()
    plt.close(fig)
    fig = widgets.draw_hidden_width_view(X, Y, width=5, seed=1, epochs=50)
    plt.close(fig)
    from ipywidgets import interactive

    explorer = widgets.hidden_width_explorer(X, Y, epochs=20)
    assert isinstance(explorer, interactive)
    sliders = {w.description: w for w in explorer.children[:-1]}
    assert set(sliders) == {"hidden width", "seed"}
    assert not any(s.continuous_update for s in sliders.values())
    plt.close("all")


def test_hint_prints_the_stages_in_order():
    assert_hints_are_staged("3.5")
    assert checks.hint is _common.hint
