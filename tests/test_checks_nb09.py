"""Checkers of notebook 09 (layers from scratch): the notebook's answers pass, correct alternatives pass, every
odd return, library shortcut, numerical gradient and wrong answer (planted, extra and the many below) fails with a
teaching message, hints come in code-free stages, and hidden grading inputs defeat answers tuned to the public ones.

The reference answers are the answer cells of ``solutions/09_layers_from_scratch.ipynb``, run in a namespace holding
only ``np`` and ``tl``; exercise 9.13 also needs the notebook's narrative cells (the data split, ``W_start``,
``my_network``), which :func:`notebook_namespace` runs from the notebook itself.
"""

import contextlib
import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from checker_contract import (  # noqa: E402
    ODD_RETURNS, assert_hints_are_staged, assert_odd_returns_rejected, assert_rejected, assert_teaching_message,
    failure_message, pasteable_code, returning,
)
from notebook_answers import (  # noqa: E402
    assert_reference_passes, define, exercises, mistake_message, run_check, solution_notebook,
)
from sklearn.model_selection import train_test_split  # noqa: E402

import tutorial_lib as tl  # noqa: E402
import tutorial_lib.layers  # noqa: E402,F401
from tutorial_lib import checks, plotting  # noqa: E402
from tutorial_lib.authoring.markers import blank_code_answers  # noqa: E402
from tutorial_lib.checks import _common, nb09  # noqa: E402

NOTEBOOK = "09_layers_from_scratch"
EXERCISES = exercises(NOTEBOOK)
PAIRED = {"9.2": ("affine_forward", "affine_backward"), "9.3": ("bias_forward", "bias_backward"),
          "9.4": ("relu_forward", "relu_backward"), "9.5": ("sigmoid_forward", "sigmoid_backward"),
          "9.7": ("softmax_ce_forward", "softmax_ce_backward")}
SINGLE = {"9.8": "gradient_check", "9.10": "build_network", "9.11": "forward_backward", "9.12": "sgd"}
CODE_EXERCISES = ["9.2", "9.3", "9.4", "9.5", "9.7", "9.8", "9.10", "9.11", "9.12", "9.13"]
ARGUMENTS = {**{ex: ", ".join(names) for ex, names in PAIRED.items()}, **SINGLE, "9.13": "trained, my_network"}
WRITE_YOURSELF = "write the maths yourself"


def check(exercise):
    return getattr(checks, "exercise_" + exercise.replace(".", "_"))


def ref(name):
    """The notebook's own answer function ``name``."""
    exercise = next(ex for ex, names in {**PAIRED, **{k: (v,) for k, v in SINGLE.items()}}.items() if name in names)
    return define(EXERCISES[exercise].answer_source, name)


def pair(exercise):
    return tuple(ref(name) for name in PAIRED[exercise])


def message(exercise, *args) -> str:
    """The teaching message with which ``check(exercise)(*args)`` fails (asserted to be one)."""
    text = failure_message(lambda packed: check(exercise)(*packed), args)
    assert_teaching_message(text, exercise)
    return text


def passes(exercise, *args) -> None:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        check(exercise)(*args)
    assert out.getvalue() == f"Exercise {exercise}: passed the public checks.\n"


@contextlib.contextmanager
def grading(seed=20261125):
    _common.set_grading_seed(seed)
    try:
        yield
    finally:
        _common.set_grading_seed(None)


@pytest.fixture(scope="module")
def notebook_namespace():
    """The student's namespace after the notebook's code up to Exercise 9.13 ran with the model answers."""
    nb = solution_notebook(NOTEBOOK)
    namespace = {"np": np, "tl": tl, "train_test_split": train_test_split, "checks": checks, "plotting": plotting}
    wanted = {"nb09-s7-mine", "nb09-s7-list-code", "nb09-s8-data"} | {
        f"nb09-ex{ex.replace('.', '-')}-answer" for ex in CODE_EXERCISES if ex != "9.13"}
    for cell in nb.cells:
        if cell.id in wanted:
            with contextlib.redirect_stdout(io.StringIO()):
                exec(compile(cell.source, cell.id, "exec"), namespace)  # noqa: S102 - the workbook's own code
    return namespace


@pytest.fixture(scope="module")
def names_9_13(notebook_namespace):
    return {k: notebook_namespace[k] for k in ("sgd", "W_start", "X_train", "Y_train", "my_network",
                                               "heldout_accuracy")}


@pytest.fixture(scope="module")
def trained(notebook_namespace):
    ns = notebook_namespace
    return ns["sgd"](ns["W_start"], ns["X_train"], ns["Y_train"], ns["my_network"], 0.5, 10, 32, 0)


# ================================================================================== the notebook and its answers
def test_the_notebook_has_exactly_the_code_exercises_the_checkers_cover():
    assert list(EXERCISES) == CODE_EXERCISES
    assert {ex: e.argument for ex, e in EXERCISES.items()} == ARGUMENTS
    assert sorted(n for n in dir(nb09) if n.startswith("exercise_")) == sorted(
        "exercise_" + ex.replace(".", "_") for ex in CODE_EXERCISES)


def test_the_answer_cells_start_with_the_checkers_def_lines():
    for ex, names in {**PAIRED, **{k: (v,) for k, v in SINGLE.items()}}.items():
        source = EXERCISES[ex].answer_source
        for name in names:
            assert nb09.DEFS[name] + "    ### BEGIN SOLUTION\n" in source, (ex, name)


def test_written_exercises_have_model_answers_and_rubrics():
    cells = solution_notebook(NOTEBOOK).cells
    for ex in ("9.1", "9.6", "9.9"):
        i = next(i for i, c in enumerate(cells) if f"**Exercise {ex} (written).**" in c.source)
        assert "<!-- BEGIN ANSWER -->" in cells[i].source and "<!-- END ANSWER -->" in cells[i].source
        assert "Rubric: what a good answer says" in cells[i + 1].source


def test_every_gradient_exercise_has_a_collapsed_worked_derivation_after_its_check():
    text = "\n".join(c.source for c in solution_notebook(NOTEBOOK).cells if c.cell_type == "markdown")
    assert text.count("<details><summary>Worked derivation (open once") == 4   # 9.2, 9.3, 9.4 with 9.5, 9.7


@pytest.mark.parametrize("exercise", [ex for ex in CODE_EXERCISES if ex != "9.13"])
def test_reference_answer_passes_with_the_one_stable_line(exercise):
    assert_reference_passes(NOTEBOOK, exercise)


def test_reference_answer_of_9_13_passes(names_9_13):
    assert_reference_passes(NOTEBOOK, "9.13", **names_9_13)


@pytest.mark.parametrize("exercise", [ex for ex in CODE_EXERCISES if ex != "9.13"])
def test_an_unattempted_exercise_raises_not_implemented(exercise):
    source = blank_code_answers(EXERCISES[exercise].answer_source)
    assert "raise NotImplementedError()" in source
    with pytest.raises(NotImplementedError):
        run_check(NOTEBOOK, exercise, source)


def test_an_unattempted_9_13_stops_in_its_answer_cell(names_9_13):
    source = blank_code_answers(EXERCISES["9.13"].answer_source)
    namespace = {"np": np, "tl": tl, **names_9_13}
    with pytest.raises(NotImplementedError):
        exec(compile(source, "<answer 9.13>", "exec"), namespace)  # noqa: S102
    assert "trained" not in namespace


@pytest.mark.parametrize("exercise", CODE_EXERCISES)
def test_hints_are_staged_and_code_free(exercise):
    assert_hints_are_staged(exercise)


def test_no_message_text_of_the_module_holds_pasteable_code():
    for text in [h for stages in nb09.HINTS.values() for h in stages] + list(nb09._FLOAT_ERRORS.values()):
        assert not pasteable_code(text), text


# ================================================================================== planted and extra mistakes
@pytest.mark.parametrize("mistake", nb09.PLANTED_MISTAKES + nb09.MORE_MISTAKES,
                         ids=lambda m: f"{m['exercise']}-{m['kind']}")
def test_every_mistake_fails_with_its_hint(mistake, names_9_13):
    answer = EXERCISES[mistake["exercise"]]
    assert mistake["source"] != answer.answer_source
    assert mistake["source"].startswith(answer.answer_source.split("### BEGIN SOLUTION")[0])
    names = names_9_13 if mistake["exercise"] == "9.13" else {}
    text = mistake_message(NOTEBOOK, mistake, **names)
    assert_teaching_message(text, mistake["exercise"])


def test_planted_mistakes_cover_every_code_exercise_and_change_no_shape():
    planted = {m["exercise"] for m in nb09.PLANTED_MISTAKES}
    assert planted == set(CODE_EXERCISES)
    assert not any("transpos" in m["kind"] or "order" in m["kind"] for m in nb09.PLANTED_MISTAKES)


# ================================================================================== odd returns, per function
@pytest.mark.parametrize("exercise", list(PAIRED))
def test_odd_returns_of_the_forward_get_a_message(exercise):
    forward, backward = pair(exercise)
    assert_odd_returns_rejected(lambda packed: check(exercise)(*packed), exercise,
                                wrap=lambda v: (returning(v), backward))


@pytest.mark.parametrize("exercise", list(PAIRED))
def test_odd_returns_of_the_backward_get_a_message(exercise):
    forward, backward = pair(exercise)
    assert_odd_returns_rejected(lambda packed: check(exercise)(*packed), exercise,
                                wrap=lambda v: (forward, returning(v)))


@pytest.mark.parametrize("exercise", list(PAIRED))
def test_a_forward_that_returns_its_value_inside_the_pair_as_odd_values_gets_a_message(exercise):
    forward, backward = pair(exercise)
    for label, value in ODD_RETURNS.items():
        if label == "generator":
            continue

        def odd_inside(*args, _value=value):
            return _value, forward(*args)[1]

        text = message(exercise, odd_inside, backward)
        assert text.startswith(f"Exercise {exercise}: "), label


@pytest.mark.parametrize("exercise", list(SINGLE))
def test_odd_returns_of_the_single_functions_get_a_message(exercise):
    assert_odd_returns_rejected(check(exercise), exercise)


def test_odd_values_for_the_trained_weights_and_the_network_get_a_message(notebook_namespace, trained):
    my_network = notebook_namespace["my_network"]
    assert_odd_returns_rejected(lambda v: checks.exercise_9_13(v, my_network), "9.13", wrap=lambda v: v)
    assert_odd_returns_rejected(lambda f: checks.exercise_9_13(trained, f), "9.13")


# ================================================================================== 9.2 the affine layer
def _affine_ok(A, W):
    return W.T @ A, (A, W)


def test_9_2_alternative_correct_answers_pass():
    def fwd_einsum(A, W):
        return np.einsum("ij,ik->jk", W, A), {"A": A.copy(), "W": W.copy()}

    def bwd_einsum(dF, cache):
        A, W = cache["A"], cache["W"]
        return np.einsum("ij,jk->ik", W, dF), np.einsum("ik,jk->ij", A, dF)

    def fwd_loops(A, W):
        F = np.zeros((W.shape[1], A.shape[1]))
        for j in range(W.shape[1]):
            for k in range(A.shape[1]):
                F[j, k] = sum(W[i, j] * A[i, k] for i in range(A.shape[0]))
        return F, (A, W, F)

    def bwd_loops(dF, cache):
        A, W, _ = cache
        dW = sum(np.outer(A[:, k], dF[:, k]) for k in range(A.shape[1]))
        dA = np.column_stack([W @ dF[:, k] for k in range(dF.shape[1])])
        return dA, dW

    def bwd_dot(dF, cache):
        A, W = cache
        return np.dot(W, dF), np.dot(dF, A.T).T

    passes("9.2", fwd_einsum, bwd_einsum)
    passes("9.2", fwd_loops, bwd_loops)
    passes("9.2", _affine_ok, bwd_dot)
    passes("9.2", lambda A, W: [W.T @ A, [A, W]], lambda dF, c: [c[1] @ dF, c[0] @ dF.T])


def _bwd(dA_fn=lambda A, W, dF: W @ dF, dW_fn=lambda A, W, dF: A @ dF.T):
    def backward(dF, cache):
        A, W = cache
        return dA_fn(A, W, dF), dW_fn(A, W, dF)
    return backward


WRONG_9_2 = {
    "bias row left out of F": ((lambda A, W: (W[1:].T @ A[1:], (A, W))), None, "bias row was left out"),
    "F transposed": ((lambda A, W: ((W.T @ A).T, (A, W))), None, "transposed"),
    "F in float32": ((lambda A, W: ((W.T @ A).astype(np.float32), (A, W))), None, "float32"),
    "forward returns (cache, F)": ((lambda A, W: ((A, W), W.T @ A)), None, "F"),
    "dW transposed": (None, _bwd(dW_fn=lambda A, W, dF: dF @ A.T), "transposed"),
    "dW divided by n": (None, _bwd(dW_fn=lambda A, W, dF: A @ dF.T / dF.shape[1]), "already carries the 1/n"),
    "dA divided by n": (None, _bwd(dA_fn=lambda A, W, dF: W @ dF / dF.shape[1]), "already carries the 1/n"),
    "dW times n": (None, _bwd(dW_fn=lambda A, W, dF: A @ dF.T * dF.shape[1]), "1/n is missing"),
    "dA without the bias row": (None, _bwd(dA_fn=lambda A, W, dF: W[1:] @ dF), "one too few"),
    "dW without the bias row": (None, _bwd(dW_fn=lambda A, W, dF: A[1:] @ dF.T), "one too few"),
    "dA with W transposed": (None, _bwd(dA_fn=lambda A, W, dF: W.T @ dF), "W"),
    "sign flipped": (None, _bwd(dA_fn=lambda A, W, dF: -(W @ dF)), "wrong sign"),
    "gradients swapped": (None, lambda dF, c: (c[0] @ dF.T, c[1] @ dF), "wrong order"),
    "dW from the bias row only": (None, _bwd(dW_fn=lambda A, W, dF: np.tile(dF.sum(axis=1), (A.shape[0], 1))), ""),
    "dA broadcast (n, n)": (None, _bwd(dA_fn=lambda A, W, dF: (W @ dF)[0] + (W @ dF)[:, :1].T), ""),
}


@pytest.mark.parametrize("label", list(WRONG_9_2))
def test_9_2_wrong_answers_are_named(label):
    forward, backward, needle = WRONG_9_2[label]
    text = message("9.2", forward or _affine_ok, backward or _bwd())
    assert needle in text


def test_9_2_shortcuts_and_numerical_gradients_are_rejected():
    assert_rejected(lambda p: checks.exercise_9_2(*p), (tl.layers.affine_forward, _bwd()), "9.2", WRITE_YOURSELF)
    assert_rejected(lambda p: checks.exercise_9_2(*p), (_affine_ok, tl.layers.affine_backward), "9.2", WRITE_YOURSELF)

    def via_mlp(dF, cache):
        A, W = cache
        net = tl.MLP([W], ["identity"])
        net.forward(A)
        return W @ dF, net.backward(np.zeros((W.shape[1], A.shape[1])), loss="mse")[0]

    assert_rejected(lambda p: checks.exercise_9_2(*p), (_affine_ok, via_mlp), "9.2", WRITE_YOURSELF)

    def library_numerical(dF, cache):
        A, W = cache
        W = W.copy()
        return W @ dF, tl.numerical_gradient(lambda: float((dF * (W.T @ A)).sum()), W)

    assert_rejected(lambda p: checks.exercise_9_2(*p), (_affine_ok, library_numerical), "9.2", WRITE_YOURSELF)

    def central_differences(dF, cache, eps=1e-6):
        A, W = cache
        dW = np.zeros_like(W)
        for idx in np.ndindex(W.shape):
            up, down = W.copy(), W.copy()
            up[idx] += eps
            down[idx] -= eps
            dW[idx] = ((dF * (up.T @ A)).sum() - (dF * (down.T @ A)).sum()) / (2 * eps)
        return W @ dF, dW

    assert "finite differences" in message("9.2", _affine_ok, central_differences)


def test_9_2_in_place_changes_and_globals_are_caught():
    def scales_dF(dF, cache):
        A, W = cache
        dF *= 2.0
        return W @ dF / 2, A @ dF.T / 2

    assert "in place" in message("9.2", _affine_ok, scales_dF)
    rng = np.random.default_rng(0)
    A0, W0 = np.vstack([np.ones((1, 6)), rng.normal(size=(3, 6))]), rng.normal(size=(4, 3))

    def ignores_cache(dF, cache):
        return W0 @ dF, A0 @ dF.T

    message("9.2", _affine_ok, ignores_cache)


# ================================================================================== 9.3 the bias row
def _bias_fwd(A):
    return np.vstack([np.ones((1, A.shape[1])), A]), None


def _bias_bwd(dA_b, cache):
    return dA_b[1:]


def test_9_3_alternative_correct_answers_pass():
    passes("9.3", lambda A: (np.insert(A, 0, 1.0, axis=0), A.shape), lambda d, c: np.delete(d, 0, axis=0))
    passes("9.3", lambda A: (tl.add_bias_row(A), None), lambda d, c: d[1:, :].copy())
    passes("9.3", lambda A: (np.concatenate([np.ones((1, A.shape[1])), A]), "no cache"), lambda d, c: d[1:])
    passes("9.3", lambda A: (np.r_[np.ones((1, A.shape[1])), A], {}), lambda d, c: np.array(d[1:]))


WRONG_9_3 = {
    "ones at the bottom": (lambda A: (np.vstack([A, np.ones((1, A.shape[1]))]), None), None, "goes on top"),
    "zeros instead of ones": (lambda A: (np.vstack([np.zeros((1, A.shape[1])), A]), None), None, "ones"),
    "a column of ones": (lambda A: (np.hstack([np.ones((A.shape[0], 1)), A]), None), None, "column"),
    "no row added": (lambda A: (A, None), None, "no row was added"),
    "ones alone": (lambda A: (np.ones((A.shape[0] + 1, A.shape[1])), None), None, ""),
    "row 0 kept": (None, lambda d, c: d, "still has the row of the ones"),
    "last row dropped": (None, lambda d, c: d[:-1], "dropped the last row"),
    "row 0 added to the rest": (None, lambda d, c: d[1:] + d[0], "flows nowhere"),
    "row 0 returned": (None, lambda d, c: d[:1], ""),
    "divided by n": (None, lambda d, c: d[1:] / d.shape[1], "times too small"),
    "sign flipped": (None, lambda d, c: -d[1:], "wrong sign"),
    "a column dropped": (None, lambda d, c: d[:, 1:], "shape"),
    "transposed": (None, lambda d, c: d[1:].T, ""),
}


@pytest.mark.parametrize("label", list(WRONG_9_3))
def test_9_3_wrong_answers_are_named(label):
    forward, backward, needle = WRONG_9_3[label]
    assert needle in message("9.3", forward or _bias_fwd, backward or _bias_bwd)


def test_9_3_shortcuts_and_numerical_gradients_are_rejected():
    assert_rejected(lambda p: checks.exercise_9_3(*p), (tl.layers.bias_forward, _bias_bwd), "9.3", WRITE_YOURSELF)
    assert_rejected(lambda p: checks.exercise_9_3(*p), (_bias_fwd, tl.layers.bias_backward), "9.3", WRITE_YOURSELF)

    def forward_keeping_A(A):
        return _bias_fwd(A)[0], A

    def library_numerical(dA_b, A):
        A = A.copy()
        return tl.numerical_gradient(lambda: float((dA_b * _bias_fwd(A)[0]).sum()), A)

    assert_rejected(lambda p: checks.exercise_9_3(*p), (forward_keeping_A, library_numerical), "9.3", WRITE_YOURSELF)

    def central(dA_b, A, eps=1e-6):
        out = np.zeros_like(A)
        for idx in np.ndindex(A.shape):
            up, down = A.copy(), A.copy()
            up[idx] += eps
            down[idx] -= eps
            out[idx] = ((dA_b * _bias_fwd(up)[0]).sum() - (dA_b * _bias_fwd(down)[0]).sum()) / (2 * eps)
        return out

    assert "finite differences" in message("9.3", forward_keeping_A, central)


# ================================================================================== 9.4 ReLU
def _relu_fwd(F):
    return np.maximum(F, 0.0), F


def test_9_4_alternative_correct_answers_pass():
    passes("9.4", lambda F: (np.where(F > 0, F, 0.0), F > 0), lambda dA, m: dA * m)
    passes("9.4", lambda F: (tl.relu(F), np.maximum(F, 0.0)), lambda dA, A: np.where(A > 0, dA, 0.0))
    passes("9.4", lambda F: (F * (F > 0), (F > 0).astype(float)), lambda dA, m: dA * m)
    passes("9.4", _relu_fwd, lambda dA, F: dA * np.heaviside(F, 0.0))

    def loops(dA, F):
        out = np.zeros_like(dA)
        for idx in np.ndindex(F.shape):
            if F[idx] > 0:
                out[idx] = dA[idx]
        return out

    passes("9.4", _relu_fwd, loops)


WRONG_9_4 = {
    "no ReLU in the forward": (lambda F: (F, F), None, "equal to F"),
    "absolute value": (lambda F: (np.abs(F), F), None, "absolute value"),
    "mask as the activation": (lambda F: ((F > 0).astype(float), F), None, "mask"),
    "mask as bools": (lambda F: (F > 0, F), None, "truth values"),
    "slope 1 at 0": (None, lambda dA, F: dA * (F >= 0), "exactly 0"),
    "mask from dA": (None, lambda dA, F: dA * (dA > 0), "upstream gradient"),
    "max(dA, 0)": (None, lambda dA, F: np.maximum(dA, 0.0), "upstream gradient"),
    "ReLU value for the mask": (None, lambda dA, F: dA * np.maximum(F, 0), "ReLU(F) itself"),
    "mask missing": (None, lambda dA, F: dA.copy(), "mask is missing"),
    "mask alone": (None, lambda dA, F: (F > 0).astype(float), "mask alone"),
    "mask inverted": (None, lambda dA, F: dA * (F < 0), "inverted"),
    "sign of F": (None, lambda dA, F: dA * np.sign(F), ""),
    "mask from A >= 0": (None, lambda dA, F: dA * (np.maximum(F, 0) >= 0), "mask is missing"),
    "divided by n": (None, lambda dA, F: dA * (F > 0) / F.shape[1], "times too small"),
}


@pytest.mark.parametrize("label", list(WRONG_9_4))
def test_9_4_wrong_answers_are_named(label):
    forward, backward, needle = WRONG_9_4[label]
    assert needle in message("9.4", forward or _relu_fwd, backward or (lambda dA, F: dA * (F > 0)))


def test_9_4_in_place_numerical_and_shortcuts_are_rejected():
    def in_place(dA, F):
        dA[F <= 0] = 0.0
        return dA

    assert "in place" in message("9.4", _relu_fwd, in_place)
    assert_rejected(lambda p: checks.exercise_9_4(*p), (_relu_fwd, lambda dA, F: dA * tl.relu_grad(F)), "9.4",
                    WRITE_YOURSELF)
    assert_rejected(lambda p: checks.exercise_9_4(*p), (tl.layers.relu_forward, tl.layers.relu_backward), "9.4",
                    WRITE_YOURSELF)

    def central(dA, F, eps=1e-6):
        return dA * (np.maximum(F + eps, 0) - np.maximum(F - eps, 0)) / (2 * eps)

    message("9.4", _relu_fwd, central)

    def library_numerical(dA, F):
        F = F.copy()
        return tl.numerical_gradient(lambda: float((dA * np.maximum(F, 0)).sum()), F)

    assert_rejected(lambda p: checks.exercise_9_4(*p), (_relu_fwd, library_numerical), "9.4", WRITE_YOURSELF)


# ================================================================================== 9.5 sigmoid
def _sig(F):
    return 1.0 / (1.0 + np.exp(-F))


def _sig_fwd(F):
    A = _sig(F)
    return A, A


def test_9_5_alternative_correct_answers_pass():
    passes("9.5", lambda F: (_sig(F), F), lambda dA, F: dA * _sig(F) * (1 - _sig(F)))
    passes("9.5", lambda F: (tl.sigmoid(F), F), lambda dA, F: dA * np.exp(-F) / (1 + np.exp(-F)) ** 2)
    passes("9.5", lambda F: (np.exp(F) / (1 + np.exp(F)), {"A": np.exp(F) / (1 + np.exp(F))}),
           lambda dA, c: dA * (c["A"] - c["A"] ** 2))
    from scipy.special import expit
    passes("9.5", lambda F: (expit(F), expit(F)), lambda dA, A: dA * A * (1 - A))


WRONG_9_5 = {
    "sign in the exponent": (lambda F: (_sig(-F), _sig(-F)), None, "sign in the exponent"),
    "tanh": (lambda F: (np.tanh(F), np.tanh(F)), None, "tanh"),
    "(1 - A) missing": (None, lambda dA, A: dA * A, "lacks its factor (1 - A)"),
    "A missing": (None, lambda dA, A: dA * (1 - A), "lacks its factor A"),
    "dA missing": (None, lambda dA, A: A * (1 - A), "slope alone"),
    "sigmoid twice": (None, lambda dA, A: dA * _sig(A) * (1 - _sig(A)), "second time"),
    "F used as A": (lambda F: (_sig(F), F), lambda dA, F: dA * F * (1 - F), "as if F were"),
    "1 + A": (None, lambda dA, A: dA * A * (1 + A), ""),
    "divided by n": (None, lambda dA, A: dA * A * (1 - A) / A.shape[1], "times too small"),
    "sign flipped": (None, lambda dA, A: -dA * A * (1 - A), "wrong sign"),
    "slope at the output": (None, lambda dA, A: dA * (1 - A ** 2), ""),
}


@pytest.mark.parametrize("label", list(WRONG_9_5))
def test_9_5_wrong_answers_are_named(label):
    forward, backward, needle = WRONG_9_5[label]
    assert needle in message("9.5", forward or _sig_fwd, backward or (lambda dA, A: dA * A * (1 - A)))


def test_9_5_numerical_and_shortcuts_are_rejected():
    assert_rejected(lambda p: checks.exercise_9_5(*p), (lambda F: (_sig(F), F), lambda dA, F: dA * tl.sigmoid_grad(F)),
                    "9.5", WRITE_YOURSELF)
    assert_rejected(lambda p: checks.exercise_9_5(*p), (tl.layers.sigmoid_forward, tl.layers.sigmoid_backward),
                    "9.5", WRITE_YOURSELF)
    text = message("9.5", lambda F: (_sig(F), F),
                   lambda dA, F: dA * (_sig(F + 1e-6) - _sig(F - 1e-6)) / 2e-6)
    assert "finite differences" in text

    def library_numerical(dA, F):
        F = F.copy()
        return tl.numerical_gradient(lambda: float((dA * _sig(F)).sum()), F)

    assert_rejected(lambda p: checks.exercise_9_5(*p), (lambda F: (_sig(F), F), library_numerical), "9.5",
                    WRITE_YOURSELF)


# ================================================================================== 9.7 softmax-CE
def _ce_fwd(F, Y):
    shifted = F - F.max(axis=0, keepdims=True)
    log_P = shifted - np.log(np.exp(shifted).sum(axis=0, keepdims=True))
    return float(-(Y * log_P).sum() / F.shape[1]), (np.exp(log_P), Y)


def _ce_bwd(cache):
    P, Y = cache
    return (P - Y) / Y.shape[1]


def test_9_7_alternative_correct_answers_pass():
    from scipy.special import logsumexp, softmax as sp_softmax

    def fancy_index(F, Y):
        labels = Y.argmax(axis=0)
        n = F.shape[1]
        losses = logsumexp(F, axis=0) - F[labels, np.arange(n)]
        return float(losses.mean()), (F, labels)

    def from_logits(cache):
        F, labels = cache
        P = sp_softmax(F, axis=0)
        P[labels, np.arange(F.shape[1])] -= 1
        return P / F.shape[1]

    passes("9.7", fancy_index, from_logits)

    def per_column(F, Y):
        total = 0.0
        for i in range(F.shape[1]):
            m = F[:, i].max()
            lse = m + np.log(np.sum(np.exp(F[:, i] - m)))
            total += lse - F[:, i] @ Y[:, i]
        return total / F.shape[1], {"F": F, "Y": Y}

    def per_column_backward(cache):
        F, Y = cache["F"], cache["Y"]
        E = np.exp(F - F.max(axis=0))
        return (E / E.sum(axis=0) - Y) / F.shape[1]

    passes("9.7", per_column, per_column_backward)
    passes("9.7", lambda F, Y: (np.float64(_ce_fwd(F, Y)[0]), _ce_fwd(F, Y)[1]), _ce_bwd)
    passes("9.7", lambda F, Y: (np.array(_ce_fwd(F, Y)[0]), _ce_fwd(F, Y)[1]), _ce_bwd)


def _ce_with(E_fn):
    def forward(F, Y):
        return E_fn(F, Y), _ce_fwd(F, Y)[1]
    return forward


def _unshifted(F, Y):
    P = np.exp(F) / np.exp(F).sum(axis=0)
    return float(-(Y * np.log(P)).sum() / F.shape[1])


def _clipped(F, Y, floor=1e-12):
    P = np.exp(F - F.max(axis=0)) / np.exp(F - F.max(axis=0)).sum(axis=0)
    return float(-(Y * np.log(np.clip(P, floor, 1.0))).sum() / F.shape[1])


def _shift_only_in_exp(F, Y):
    shifted = F - F.max(axis=0)
    return float(-(Y * (F - np.log(np.exp(shifted).sum(axis=0)))).sum() / F.shape[1])


WRONG_9_7 = {
    "no max shift": (_ce_with(_unshifted), None, "overflowed"),
    "log of the softmax": (_ce_with(lambda F, Y: _clipped(F, Y, 0.0)), None, "log of 0"),
    "clipped at 1e-12": (_ce_with(_clipped), None, "rounds to 0"),
    "clipped at 1e-300": (_ce_with(lambda F, Y: _clipped(F, Y, 1e-300)), None, "rounds to 0"),
    "shift forgotten in the logit term": (_ce_with(_shift_only_in_exp), None, ""),
    "no 1/n": (_ce_with(lambda F, Y: _ce_fwd(F, Y)[0] * F.shape[1]), None, "1/n is missing"),
    "divided by K n": (_ce_with(lambda F, Y: _ce_fwd(F, Y)[0] / F.shape[0]), None, "K times n"),
    "every class counted": (_ce_with(lambda F, Y: _ce_fwd(F, np.ones_like(Y))[0]), None, "every class"),
    "sign of E": (_ce_with(lambda F, Y: -_ce_fwd(F, Y)[0]), None, "wrong sign"),
    "E as a (1, 1) array": (_ce_with(lambda F, Y: np.array([[_ce_fwd(F, Y)[0]]])), None, "single number"),
    "E per sample": (_ce_with(lambda F, Y: -(Y * np.log(_ce_fwd(F, Y)[1][0] + 1e-300)).sum(axis=0)), None,
                     "single number"),
    "dF sign": (None, lambda c: (c[1] - c[0]) / c[1].shape[1], "wrong sign"),
    "dF without 1/n": (None, lambda c: c[0] - c[1], "1/n is missing"),
    "dF over K n": (None, lambda c: (c[0] - c[1]) / c[1].size, "K times n"),
    "dF without -Y": (None, lambda c: c[0] / c[1].shape[1], "targets Y do not appear"),
    "dF over K": (None, lambda c: (c[0] - c[1]) / c[1].shape[0], "number of classes"),
    "softmax Jacobian diagonal": (None, lambda c: c[0] * (1 - c[0]) * (c[0] - c[1]) / c[1].shape[1], ""),
}


@pytest.mark.parametrize("label", list(WRONG_9_7))
def test_9_7_wrong_answers_are_named(label):
    forward, backward, needle = WRONG_9_7[label]
    assert needle in message("9.7", forward or _ce_fwd, backward or _ce_bwd)


def test_9_7_dE_dP_is_named():
    # -Y/P/n is finite only where no probability underflowed: the first public case
    text = message("9.7", _ce_fwd, lambda c: -c[1] / c[0] / c[1].shape[1])
    assert "dE/dP" in text or "divides" in text


def test_9_7_shortcuts_and_numerical_gradients_are_rejected():
    def with_library_softmax(F, Y):
        P = tl.softmax(F)
        return float(-(Y * np.log(P)).sum() / F.shape[1]), (P, Y)

    assert_rejected(lambda p: checks.exercise_9_7(*p), (with_library_softmax, _ce_bwd), "9.7", WRITE_YOURSELF)
    assert_rejected(lambda p: checks.exercise_9_7(*p),
                    (lambda F, Y: (tl.softmax_ce_loss(tl.softmax(F), Y), (F, Y)), _ce_bwd), "9.7", WRITE_YOURSELF)
    assert_rejected(lambda p: checks.exercise_9_7(*p), (tl.layers.softmax_ce_forward, tl.layers.softmax_ce_backward),
                    "9.7", WRITE_YOURSELF)

    def numerical_backward(cache):
        P, Y = cache
        F = np.log(P)
        return tl.numerical_gradient(lambda: _ce_fwd(F, Y)[0], F)

    assert_rejected(lambda p: checks.exercise_9_7(*p), (_ce_fwd, numerical_backward), "9.7", WRITE_YOURSELF)

    def forward_keeping_F(F, Y):
        return _ce_fwd(F, Y)[0], (F, Y)

    def central(cache, eps=1e-6):
        F, Y = cache
        dF = np.zeros_like(F)
        for idx in np.ndindex(F.shape):
            up, down = F.copy(), F.copy()
            up[idx] += eps
            down[idx] -= eps
            dF[idx] = (_ce_fwd(up, Y)[0] - _ce_fwd(down, Y)[0]) / (2 * eps)
        return dF

    assert "finite differences" in message("9.7", forward_keeping_F, central)


# ================================================================================== 9.8 the gradient check
def _gc(loss, W, dW, entries, eps=1e-6, *, scheme="central", form="sum", step=None, zero=0.0):
    out = []
    for idx in entries:
        up, down = W.copy(), W.copy()
        h = eps if step is None else step
        up[idx] += h
        down[idx] -= h
        if scheme == "central":
            n = (loss(up) - loss(down)) / (2 * h)
        elif scheme == "forward":
            n = (loss(up) - loss(W)) / h
        elif scheme == "halved":
            n = (loss(up) - loss(down)) / h
        else:  # flipped
            n = (loss(down) - loss(up)) / (2 * h)
        a = dW[idx]
        if form == "sum":
            d = abs(a) + abs(n)
            out.append(zero if d == 0 else abs(a - n) / d)
        elif form == "max":
            d = max(abs(a), abs(n))
            out.append(0.0 if d == 0 else abs(a - n) / d)
        elif form == "abs":
            out.append(abs(a - n))
        elif form == "by_n":
            out.append(abs(a - n) / abs(n) if n else 0.0)
        elif form == "signed":
            d = abs(a) + abs(n)
            out.append(0.0 if d == 0 else (a - n) / d)
        elif form == "squared":
            d = abs(a) + abs(n)
            out.append(0.0 if d == 0 else ((a - n) / d) ** 2)
        elif form == "slope":
            out.append(n)
    return np.array(out)


def test_9_8_alternative_correct_answers_pass():
    passes("9.8", lambda *a: _gc(*a, form="max"))

    def restores_in_place(loss, W, dW, entries, eps=1e-6):
        errors = []
        for idx in entries:
            old = W[idx]
            W[idx] = old + eps
            up = loss(W)
            W[idx] = old - eps
            down = loss(W)
            W[idx] = old
            n, a = (up - down) / (2 * eps), dW[idx]
            errors.append(0.0 if a == n == 0 else abs(a - n) / (abs(a) + abs(n)))
        return errors

    passes("9.8", restores_in_place)

    def vectorised_forms(loss, W, dW, entries, eps=1e-6):
        numeric = []
        for i, j in entries:
            step = np.zeros_like(W)
            step[i, j] = eps
            numeric.append((loss(W + step) - loss(W - step)) / (2 * eps))
        numeric = np.array(numeric)
        analytic = np.array([dW[i, j] for i, j in entries])
        total = np.abs(analytic) + np.abs(numeric)
        return np.divide(np.abs(analytic - numeric), total, out=np.zeros_like(total), where=total != 0)

    passes("9.8", vectorised_forms)
    passes("9.8", lambda *a: list(_gc(*a)))


WRONG_9_8 = {
    "forward difference": (lambda *a: _gc(*a, scheme="forward"), "one-sided"),
    "difference over eps": (lambda *a: _gc(*a, scheme="halved"), "twice the true ones"),
    "numeric sign flipped": (lambda *a: _gc(*a, scheme="flipped"), "wrong sign"),
    "eps ignored": (lambda loss, W, dW, entries, eps=1e-6: _gc(loss, W, dW, entries, 1e-6), "eps argument"),
    "absolute error": (lambda *a: _gc(*a, form="abs"), "absolute error"),
    "relative to n only": (lambda *a: _gc(*a, form="by_n"), "divided by |n| alone"),
    "signed error": (lambda *a: _gc(*a, form="signed"), "negative"),
    "0/0 as nan": (lambda *a: _gc(*a, zero=np.nan), "0/0"),
    "squared error": (lambda *a: _gc(*a, form="squared"), ""),
    "slopes instead of errors": (lambda *a: _gc(*a, form="slope"), ""),
    "the largest error only": (lambda *a: float(_gc(*a).max()), "one relative error per entry"),
    "a column": (lambda *a: _gc(*a)[:, None], "1-D array"),
    "the entries reversed": (lambda loss, W, dW, entries, eps=1e-6: _gc(loss, W, dW, entries[::-1], eps), ""),
    "every entry perturbed at once": (
        lambda loss, W, dW, entries, eps=1e-6: np.array([
            abs(dW[i] - (loss(W + eps) - loss(W - eps)) / (2 * eps))
            / (abs(dW[i]) + abs((loss(W + eps) - loss(W - eps)) / (2 * eps))) for i in entries]), ""),
}


@pytest.mark.parametrize("label", list(WRONG_9_8))
def test_9_8_wrong_answers_are_named(label):
    fn, needle = WRONG_9_8[label]
    assert needle in message("9.8", fn)


def test_9_8_relative_to_a_only_and_drifting_perturbations_are_caught():
    def by_a(loss, W, dW, entries, eps=1e-6):
        out = []
        for idx in entries:
            up, down = W.copy(), W.copy()
            up[idx] += eps
            down[idx] -= eps
            n = (loss(up) - loss(down)) / (2 * eps)
            out.append(abs(dW[idx] - n) / abs(dW[idx]) if dW[idx] else np.inf)
        return np.array(out)

    message("9.8", by_a)

    def drifts(loss, W, dW, entries, eps=1e-6):
        out = []
        for idx in entries:
            W[idx] += eps
            up = loss(W)
            W[idx] -= 2 * eps
            down = loss(W)
            W[idx] += eps               # (w + eps) - 2 eps + eps is not always w again
            n, a = (up - down) / (2 * eps), dW[idx]
            out.append(0.0 if a == n == 0 else abs(a - n) / (abs(a) + abs(n)))
        return np.array(out)

    assert "in place" in message("9.8", drifts)

    def python_floats(loss, W, dW, entries, eps=1e-6):
        out = []
        for idx in entries:
            up, down = W.copy(), W.copy()
            up[idx] += eps
            down[idx] -= eps
            n, a = (loss(up) - loss(down)) / (2 * eps), float(dW[idx])
            out.append(abs(a - n) / (abs(a) + abs(n)))
        return out

    assert "0/0" in message("9.8", python_floats)


def test_9_8_shortcuts_are_rejected():
    def library(loss, W, dW, entries, eps=1e-6):
        W = W.copy()
        numeric = tl.numerical_gradient(lambda: loss(W), W, eps=eps)
        return np.array([tl.relative_error(dW[idx], numeric[idx]) for idx in entries])

    assert_rejected(checks.exercise_9_8, library, "9.8", WRITE_YOURSELF)

    def library_error_only(loss, W, dW, entries, eps=1e-6):
        return np.array([tl.relative_error(dW[idx], _gc(loss, W, dW, [idx], eps, form="slope")[0])
                         for idx in entries])

    assert_rejected(checks.exercise_9_8, library_error_only, "9.8", WRITE_YOURSELF)


def test_9_8_cases_are_what_the_notebook_promises():
    for kind, seed in (("wide", 982), ("smooth", 981), ("planted", 983)):
        loss, W, dW, entries, eps = nb09._gc_case(kind, seed)
        numeric = nb09._gc_numeric(loss, W, entries, eps)
        errors = nb09._gc_errors([dW[e] for e in entries], numeric)
        assert (0, 0) in entries and len(set(entries)) == len(entries)
        if kind == "smooth":
            assert errors.max() < 1e-8
        elif kind == "wide":
            assert 1e-6 < errors.min() and errors.max() < 1e-3
            forward = nb09._gc_errors([dW[e] for e in entries], nb09._gc_numeric(loss, W, entries, eps, "forward"))
            assert forward.min() > 10 * errors.max()
        else:
            assert errors[entries.index((3, 0))] == 0.0 and errors[entries.index((3, 1))] == 1.0
            assert sorted(np.round(errors, 3))[-2:] == [1.0, 1.0] and 4e-4 < errors[entries.index((2, 2))] < 6e-4


# ================================================================================== 9.10 build_network
def _build(weights, hidden, pairs, hidden_bias=True, *, order="act-bias", last_act=False, first_bias=False,
           act=None, bias_always=False, reverse=False):
    layers = [(*pairs["bias"], None)] if first_bias else []
    weights = list(weights)[::-1] if reverse else list(weights)
    for l, W in enumerate(weights):
        layers.append((*pairs["affine"], W))
        if l < len(weights) - 1 or last_act:
            a = (*pairs[act or hidden], None)
            b = (*pairs["bias"], None)
            use_bias = (hidden_bias or bias_always) and l < len(weights) - 1
            if order == "act-bias":
                layers += [a] + ([b] if use_bias else [])
            elif order == "bias-act":
                layers += ([b] if use_bias else []) + [a]
            else:  # "act-only"
                layers += [a]
    return layers


def test_9_10_alternative_correct_answers_pass():
    passes("9.10", lambda *a: [list(layer) for layer in _build(*a)])
    passes("9.10", lambda *a: tuple(_build(*a)))
    passes("9.10", lambda w, h, p, hb=True: _build([W.copy() for W in w], h, p, hb))

    def by_index(weights, hidden, pairs, hidden_bias=True):
        layers = []
        for l in range(len(weights)):
            if l > 0:
                layers.append((pairs[hidden][0], pairs[hidden][1], None))
                if hidden_bias:
                    layers.append((pairs["bias"][0], pairs["bias"][1], None))
            layers.append((pairs["affine"][0], pairs["affine"][1], weights[l]))
        return layers

    passes("9.10", by_index)


WRONG_9_10 = {
    "no bias layers": (lambda *a: _build(*a, order="act-only"), "no bias layer"),
    "bias before the activation": (lambda *a: _build(*a, order="bias-act"), "comes before the activation"),
    "an activation after the last layer": (lambda *a: _build(*a, last_act=True), "must end with the last affine"),
    "a bias layer on X": (lambda *a: _build(*a, first_bias=True), "carries its bias row already"),
    "always relu": (lambda *a: _build(*a, act="relu"), "use that activation"),
    "always sigmoid": (lambda *a: _build(*a, act="sigmoid"), "use that activation"),
    "hidden_bias ignored": (lambda w, h, p, hb=True: _build(w, h, p, True), "leave the bias layers out"),
    "weights reversed": (lambda *a: _build(*a, reverse=True), "in order"),
    "last affine missing": (lambda *a: _build(*a)[:-1], ""),
    "an empty list": (lambda *a: [], "empty"),
    "affine layers only": (lambda w, h, p, hb=True: [(*p["affine"], W) for W in w], ""),
    "W on the activation": (lambda w, h, p, hb=True: [(*p["affine"], W) if i % 2 == 0 else (*p[h], W)
                                                      for i, W in enumerate(w)], ""),
    "mixed pair": (lambda w, h, p, hb=True: [(p["affine"][0], p["relu"][1], W) for W in w], "pairs the forward"),
    "no W on the affine layer": (lambda w, h, p, hb=True: [(*p["affine"], None)], "has no W"),
    "pairs, not triples": (lambda w, h, p, hb=True: [p["affine"] for _ in w], "triple"),
    "a dict": (lambda w, h, p, hb=True: {"layers": _build(w, h, p, hb)}, "list of layers"),
}


@pytest.mark.parametrize("label", list(WRONG_9_10))
def test_9_10_wrong_answers_are_named(label):
    fn, needle = WRONG_9_10[label]
    assert needle in message("9.10", fn)


def test_9_10_shortcut_is_rejected():
    assert_rejected(checks.exercise_9_10, lambda w, h, p, hb=True: tl.layers.build_network(w, h, p, hb), "9.10",
                    WRITE_YOURSELF)


# ================================================================================== 9.11 forward_backward
def _loops(layers, X, Y, loss, *, start="loss", reverse_grads=True, keep_none=False, stale=False, dA=False,
           E_of=None):
    out, caches = X, []
    for f, b, W in layers:
        out, cache = f(out) if W is None else f(out, W)
        caches.append(cache)
    E, lc = loss[0](out, Y)
    d = loss[1](lc) if start == "loss" else np.ones_like(out)
    d0 = d
    grads = []
    for (f, b, W), cache in zip(reversed(layers), reversed(caches)):
        if W is None:
            new = b(d, cache)
            if keep_none:
                grads.append(None)
        else:
            new, dW = b(d, cache)
            grads.append(new if dA else dW)
        d = d0 if stale and W is None else new
    grads = grads[::-1] if reverse_grads else grads
    return (E if E_of is None else E_of(E)), grads


def test_9_11_alternative_correct_answers_pass():
    passes("9.11", _loops)

    def by_index(layers, X, Y, loss):
        values, caches = [X], []
        for i in range(len(layers)):
            f, b, W = layers[i]
            out, cache = f(values[-1]) if W is None else f(values[-1], W)
            values.append(out)
            caches.append(cache)
        E, lc = loss[0](values[-1], Y)
        d = loss[1](lc)
        grads = []
        for i in range(len(layers) - 1, -1, -1):
            f, b, W = layers[i]
            if W is None:
                d = b(d, caches[i])
            else:
                d, dW = b(d, caches[i])
                grads.insert(0, dW)
        return E, grads

    passes("9.11", by_index)

    def recursive(layers, X, Y, loss):
        if not layers:
            E, lc = loss[0](X, Y)
            return E, [], loss[1](lc)
        raise AssertionError  # pragma: no cover

    def recursive_net(layers, X, Y, loss):
        def go(i, inp):
            if i == len(layers):
                E, lc = loss[0](inp, Y)
                return E, [], loss[1](lc)
            f, b, W = layers[i]
            out, cache = f(inp) if W is None else f(inp, W)
            E, grads, d = go(i + 1, out)
            if W is None:
                return E, grads, b(d, cache)
            d, dW = b(d, cache)
            return E, [dW] + grads, d
        E, grads, _ = go(0, X)
        return E, grads

    passes("9.11", recursive_net)


WRONG_9_11 = {
    "gradients in reverse order": (lambda *a: _loops(*a, reverse_grads=False), "reverse order"),
    "backward from ones": (lambda *a: _loops(*a, start="ones"), "loss layer's backward"),
    "None kept for layers without weights": (lambda *a: _loops(*a, keep_none=True), "one gradient per affine layer"),
    "dA collected instead of dW": (lambda *a: _loops(*a, dA=True), ""),
    "E negated": (lambda *a: _loops(*a, E_of=lambda E: -E), "wrong sign"),
    "E times n": (lambda l, X, Y, loss: _loops(l, X, Y, loss, E_of=lambda E: E * X.shape[1]), "1/n is missing"),
    "grads only": (lambda *a: _loops(*a)[1], ""),
    "last gradient only": (lambda *a: (_loops(*a)[0], _loops(*a)[1][-1:]), ""),
    "E as an array": (lambda *a: (np.array([_loops(*a)[0]]), _loops(*a)[1]), "single number"),
    "grads as one array": (lambda *a: (_loops(*a)[0], _loops(*a)[1][0]), ""),
}


@pytest.mark.parametrize("label", list(WRONG_9_11))
def test_9_11_wrong_answers_are_named(label):
    fn, needle = WRONG_9_11[label]
    assert needle in message("9.11", fn)


def test_9_11_broken_chains_in_place_reversal_and_shortcuts_are_caught():
    def caches_in_forward_order(layers, X, Y, loss):
        out, caches = X, []
        for f, b, W in layers:
            out, cache = f(out) if W is None else f(out, W)
            caches.append(cache)
        E, lc = loss[0](out, Y)
        d, grads = loss[1](lc), []
        for (f, b, W), cache in zip(reversed(layers), caches):
            if W is None:
                d = b(d, cache)
            else:
                d, dW = b(d, cache)
                grads.append(dW)
        return E, grads[::-1]

    assert "raised" in message("9.11", caches_in_forward_order)

    def reverses_in_place(layers, X, Y, loss):
        E, grads = _loops(layers, X, Y, loss)
        layers.reverse()
        return E, grads

    assert "changed the list of layers" in message("9.11", reverses_in_place)
    assert_rejected(checks.exercise_9_11, lambda l, X, Y, loss: tl.layers.forward_backward(l, X, Y, loss), "9.11",
                    WRITE_YOURSELF)

    def via_mlp(layers, X, Y, loss):
        weights = [W for _, _, W in layers if W is not None]
        net = tl.MLP(weights, ["relu"] * (len(weights) - 1) + ["softmax"], hidden_bias=True)
        return net.loss(X, Y, loss="softmax_ce"), net.backward(Y, loss="softmax_ce")

    assert_rejected(checks.exercise_9_11, via_mlp, "9.11", WRITE_YOURSELF)

    def numerical(layers, X, Y, loss):
        E, _ = _loops(layers, X, Y, loss)
        return E, [tl.numerical_gradient(lambda: _loops(layers, X, Y, loss)[0], W) for _, _, W in layers
                   if W is not None]

    assert_rejected(checks.exercise_9_11, numerical, "9.11", WRITE_YOURSELF)

    def central(layers, X, Y, loss, eps=1e-6):
        E, _ = _loops(layers, X, Y, loss)
        grads = []
        for _, _, W in layers:
            if W is None:
                continue
            g = np.zeros_like(W)
            for idx in np.ndindex(W.shape):
                old = W[idx]
                W[idx] = old + eps
                up = _loops(layers, X, Y, loss)[0]
                W[idx] = old - eps
                down = _loops(layers, X, Y, loss)[0]
                W[idx] = old
                g[idx] = (up - down) / (2 * eps)
            grads.append(g)
        return E, grads

    assert "finite differences" in message("9.11", central)


# ================================================================================== 9.12 sgd
def _sgd(weights, X, Y, grad_fn, lr, epochs, batch_size, seed, *, shuffle="fresh", sign=-1.0, step=None,
         drop_last=False, only_last=False, in_place=False, stale=False, batch=None):
    weights = weights if in_place else [W.copy() for W in weights]
    n = X.shape[1]
    rng = np.random.default_rng(seed)
    order = np.arange(n)
    for epoch in range(epochs):
        if shuffle == "fresh":
            order = rng.permutation(n)
        elif shuffle == "same":
            order = np.random.default_rng(seed).permutation(n)
        elif shuffle == "cumulative":
            rng.shuffle(order)
        elif shuffle == "seed+epoch":
            order = np.random.default_rng(seed + epoch).permutation(n)
        elif shuffle == "choice":
            order = rng.choice(n, size=n, replace=False)
        size = batch or batch_size
        stop = n - n % size if drop_last else n
        grads_at_start = None
        for start in range(0, stop, size):
            idx = order[start:start + size]
            if stale:
                if grads_at_start is None:
                    grads_at_start = [grad_fn(weights, X[:, order[s:s + size]], Y[:, order[s:s + size]])[1]
                                      for s in range(0, stop, size)]
                grads = grads_at_start[start // size]
            else:
                _, grads = grad_fn(weights, X[:, idx], Y[:, idx])
            for l in range(len(weights)):
                if only_last and l != len(weights) - 1:
                    continue
                if in_place:
                    weights[l] -= lr * grads[l]
                else:
                    weights[l] = weights[l] + sign * (lr if step is None else step) * grads[l]
    return weights


def test_9_12_alternative_correct_answers_pass():
    passes("9.12", _sgd)

    def sorted_batches(weights, X, Y, grad_fn, lr, epochs, batch_size, seed):
        weights = [np.array(W) for W in weights]
        rng = np.random.default_rng(seed)
        for _ in range(epochs):
            order = rng.permutation(X.shape[1])
            start = 0
            while start < X.shape[1]:
                idx = np.sort(order[start:start + batch_size])
                grads = grad_fn(weights, X[:, idx], Y[:, idx])[1]
                for l, dW in enumerate(grads):
                    weights[l] -= lr * dW
                start += batch_size
        return weights

    passes("9.12", sorted_batches)
    passes("9.12", lambda *a: tuple(_sgd(*a)))


WRONG_9_12 = {
    "no shuffling": (dict(shuffle="none"), "original order"),
    "same order every epoch": (dict(shuffle="same"), "every epoch uses the same order"),
    "shuffling the previous order again": (dict(shuffle="cumulative"), "later ones"),
    "a new generator per epoch": (dict(shuffle="seed+epoch"), ""),
    "draws with choice": (dict(shuffle="choice"), "order of the columns"),
    "gradient ascent": (dict(sign=1.0), "uphill"),
    "learning rate ignored": (dict(step=1.0), "learning rate was not used"),
    "last short batch dropped": (dict(drop_last=True), "shorter batch"),
    "only the last layer": (dict(only_last=True), "only the last layer"),
    "starting weights changed": (dict(in_place=True), "changed the starting weights"),
    "stale gradients": (dict(stale=True), "current weights"),
    "batch size ignored": (dict(batch=3), "batch_size"),
}


@pytest.mark.parametrize("label", list(WRONG_9_12))
def test_9_12_wrong_answers_are_named(label):
    options, needle = WRONG_9_12[label]
    assert needle in message("9.12", lambda *a: _sgd(*a, **options))


def test_9_12_full_batch_rows_untrained_and_shortcuts_are_caught():
    def full_batch(weights, X, Y, grad_fn, lr, epochs, batch_size, seed):
        return _sgd(weights, X, Y, grad_fn, lr, epochs, X.shape[1], seed)

    assert "full-batch" in message("9.12", full_batch)

    def rows(weights, X, Y, grad_fn, lr, epochs, batch_size, seed):
        weights = [W.copy() for W in weights]
        order = np.random.default_rng(seed).permutation(X.shape[1])
        _, grads = grad_fn(weights, X[order[:batch_size]], Y[order[:batch_size]])
        return weights

    assert "raised" in message("9.12", rows)
    assert "equal the starting ones" in message("9.12", lambda w, *a: [W.copy() for W in w])

    def with_fit(weights, X, Y, grad_fn, lr, epochs, batch_size, seed):
        net = tl.MLP(weights, ["relu"] * (len(weights) - 1) + ["softmax"], hidden_bias=True)
        net.fit(X, Y, lr=lr, epochs=epochs, loss="softmax_ce", batch_size=batch_size, seed=seed)
        return net.weights

    assert_rejected(checks.exercise_9_12, with_fit, "9.12", WRITE_YOURSELF)


# ================================================================================== 9.13 training
def test_9_13_passes_with_other_settings_that_reach_the_goal(notebook_namespace):
    ns = notebook_namespace
    other = ns["sgd"](ns["W_start"], ns["X_train"], ns["Y_train"], ns["my_network"], 0.2, 8, 16, 0)
    passes("9.13", other, ns["my_network"])


def test_9_13_wrong_values_are_named(notebook_namespace, trained):
    ns = notebook_namespace
    my_network = ns["my_network"]
    assert "below the goal" in message("9.13", ns["W_start"], my_network)
    assert "below the goal" in message("9.13", [np.full_like(W, np.nan) for W in trained], my_network)
    assert "3 trained weight matrices" in message("9.13", trained[:2], my_network)
    assert "shape" in message("9.13", [W.T for W in trained], my_network)
    assert "shape" in message("9.13", [trained[0], trained[1][1:], trained[2]], my_network)
    assert "below the goal" in message("9.13", [trained[0], trained[1], -trained[2]], my_network)


def test_9_13_checks_the_students_own_network(notebook_namespace, trained):
    ns = notebook_namespace

    def via_library(weights, X, Y):
        return tl.layers.forward_backward(tl.layers.build_network(weights, "relu"), X, Y)

    assert_rejected(lambda f: checks.exercise_9_13(trained, f), via_library, "9.13", WRITE_YOURSELF)

    def via_mlp(weights, X, Y):
        net = tl.MLP(weights, ["relu", "relu", "softmax"], hidden_bias=True)
        return net.loss(X, Y, loss="softmax_ce"), net.backward(Y, loss="softmax_ce")

    assert_rejected(lambda f: checks.exercise_9_13(trained, f), via_mlp, "9.13", WRITE_YOURSELF)

    def numerical(weights, X, Y):
        E, grads = ns["my_network"](weights, X, Y)
        last = weights[-1]
        grads[-1] = tl.numerical_gradient(lambda: ns["my_network"](weights, X, Y)[0], last)
        return E, grads

    assert_rejected(lambda f: checks.exercise_9_13(trained, f), numerical, "9.13", WRITE_YOURSELF)

    def reversed_grads(weights, X, Y):
        E, grads = ns["my_network"](weights, X, Y)
        return E, grads[::-1]

    message("9.13", trained, reversed_grads)

    def no_hidden_bias(weights, X, Y):
        return ns["forward_backward"](ns["build_network"](weights, "relu", ns["mine"], False), X, Y, ns["my_loss"])

    assert "raised" in message("9.13", trained, no_hidden_bias)

    def doubled(weights, X, Y):
        E, grads = ns["my_network"](weights, X, Y)
        return 2 * E, [2 * g for g in grads]

    message("9.13", trained, doubled)

    def with_buggy_relu(weights, X, Y):
        layers = ns["build_network"](weights, "relu", {**ns["mine"], "relu": (
            ns["relu_forward"], lambda dA, cache: dA * (dA > 0))})
        return ns["forward_backward"](layers, X, Y, ns["my_loss"])

    assert "1e-10" in message("9.13", trained, with_buggy_relu)


# ================================================================================== grading mode
@pytest.mark.parametrize("exercise", [ex for ex in CODE_EXERCISES if ex != "9.13"])
def test_reference_answers_pass_under_a_grading_seed(exercise):
    with grading():
        assert_reference_passes(NOTEBOOK, exercise)


def test_9_13_passes_under_a_grading_seed(names_9_13):
    with grading():
        assert_reference_passes(NOTEBOOK, "9.13", **names_9_13)


def _memorising(exercise, function_index, fallback):
    """A pair whose ``function_index`` function returns the reference's results for the public inputs it saw
    while being recorded, and ``fallback`` otherwise: the answer of a student who tuned a function to the checks."""
    reference = pair(exercise)
    table = {}

    def key(args):
        return tuple(a.tobytes() for a in args if isinstance(a, np.ndarray)) or tuple(
            a.tobytes() for a in args[0] if isinstance(a, np.ndarray))

    def recording(*args):
        result = reference[function_index](*args)
        table[key(args)] = result
        return result

    recorder = list(reference)
    recorder[function_index] = recording
    with contextlib.redirect_stdout(io.StringIO()):
        check(exercise)(*recorder)

    def memorised(*args):
        k = key(args)
        return table[k] if k in table else fallback(*args)

    student = list(reference)
    student[function_index] = memorised
    return tuple(student)


@pytest.mark.parametrize("exercise, index, fallback", [
    ("9.2", 0, lambda A, W: (np.zeros((W.shape[1], A.shape[1])), (A, W))),
    ("9.4", 0, lambda F: (np.abs(F), F > 0)),
    ("9.7", 0, lambda F, Y: (0.0, (np.zeros_like(F), Y))),
])
def test_answers_tuned_to_the_public_inputs_fail_under_a_grading_seed(exercise, index, fallback):
    student = _memorising(exercise, index, fallback)
    passes(exercise, *student)
    with grading():
        message(exercise, *student)


def test_a_tuned_gradient_check_fails_under_a_grading_seed():
    table = {}

    def recording(loss, W, dW, entries, eps=1e-6):
        table[(W.tobytes(), eps)] = _gc(loss, W, dW, entries, eps)
        return table[(W.tobytes(), eps)]

    passes("9.8", recording)

    def tuned(loss, W, dW, entries, eps=1e-6):
        return table.get((W.tobytes(), eps), np.zeros(len(entries)))

    passes("9.8", tuned)
    with grading():
        message("9.8", tuned)


def test_grading_adds_hidden_cases():
    with grading():
        assert len(_common.grading_cases("9.2", [(4, 3, 6, 921)])) == 3
    assert len(_common.grading_cases("9.2", [(4, 3, 6, 921)])) == 1


# ================================================================================== figures
def test_relative_error_strips_and_kink_zoom_draw_labelled_panels():
    fig, axes = plotting.figure(ncols=2)
    groups = {"right": [1e-10, 0.0, 3e-9], "a bug": [0.3, 1.0]}
    ax = plotting.relative_error_strips(groups, ax=axes[0], title="checks")
    assert ax.get_yscale() == "log" and ax.get_xlabel() and ax.get_ylabel() and ax.get_title() == "checks"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["right", "a bug"]
    assert {t.get_text() for t in ax.texts} == {label for _, label, _ in plotting.GRADCHECK_BANDS}
    offsets = np.linspace(-3e-6, 3e-6, 61)
    deviation = np.where(offsets > 1e-7, 0.05 * (offsets - 1e-7), 0.0)
    ax = plotting.kink_zoom(offsets, deviation, 1e-7, 1e-6, ax=axes[1])
    assert ax.get_xlabel() == "w - w0 (in units of eps)" and ax.get_legend() is not None
    plt.close(fig)
