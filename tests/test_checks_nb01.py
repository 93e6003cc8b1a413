"""Checkers of notebook 01 (logistic warm-up): every correct answer passes, every wrong one fails with a
teaching message.

For every code exercise: the solution notebook's own answer passes and its placeholder raises
NotImplementedError; several other correct answers pass; every odd return value, the library's
shortcuts, a numerical gradient where backprop is asked for, an answer tuned to the public inputs
(under a grading seed) and many wrong answers are rejected with a short message that names the
mistake and holds no code to paste; the staged hints are code-free.  The reference answers are the
answer cells of ``solutions/01_logistic_warmup.ipynb``, run in a namespace holding only ``np`` and ``tl``.
"""

from __future__ import annotations

import contextlib
import io
import math
import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from checker_contract import (  # noqa: E402
    independent_copy,
    assert_hints_are_staged, assert_odd_returns_rejected, assert_rejected, assert_teaching_message,
    failure_message,
)
from notebook_answers import (  # noqa: E402
    DEF_NAME, SOLUTIONS, assert_reference_passes, assert_unattempted_raises, checker, define, exercises,
    mistake_message,
)

import tutorial_lib as tl  # noqa: E402
from tutorial_lib import checks  # noqa: E402
from tutorial_lib.checks import _common, nb01  # noqa: E402

NB01_COPY = independent_copy(nb01)  # wrong answers built from the checker's variants, not calls into it

NOTEBOOK = "01_logistic_warmup"
EXERCISES = exercises(NOTEBOOK)
FUNCTION = {"1.1": "bce_loss", "1.3": "loss_grad", "1.5": "dE_df", "1.7": "dE_dW20", "1.8": "dE_dW",
            "1.10": "numerical_dE_dW", "1.11": "relative_error", "1.12": "gradient_descent"}
CODE_EXERCISES = list(FUNCTION)
WRITTEN_EXERCISES = ["1.2", "1.4", "1.6", "1.9"]


def reference(exercise):
    """The notebook's own answer to ``exercise``, as a function."""
    return define(EXERCISES[exercise].answer_source, FUNCTION[exercise])


def passes(exercise, fn) -> None:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        checker(exercise)(fn)
    assert out.getvalue() == f"Exercise {exercise}: passed the public checks.\n"


def rejected(exercise, fn, *needles) -> str:
    return assert_rejected(checker(exercise), fn, exercise, *needles)


@contextlib.contextmanager
def grading(seed=2024):
    _common.set_grading_seed(seed)
    try:
        yield
    finally:
        _common.set_grading_seed(None)


def _p(Y_hat):
    return np.clip(Y_hat, 1e-15, 1 - 1e-15)


# ================================================================================ the notebook
def test_the_notebook_has_exactly_the_code_exercises_the_checkers_cover():
    assert set(EXERCISES) == set(CODE_EXERCISES)
    assert {ex: answer.argument for ex, answer in EXERCISES.items()} == FUNCTION
    assert sorted(name for name in dir(nb01) if name.startswith("exercise_")) == sorted(
        "exercise_" + ex.replace(".", "_") for ex in CODE_EXERCISES)


def _cells():
    return nbformat.read(SOLUTIONS / f"{NOTEBOOK}.ipynb", as_version=4).cells


def test_written_derivations_come_first_with_a_rubric_and_code_exercises_have_staged_hints():
    cells = _cells()
    text = [c.source for c in cells]
    for ex in WRITTEN_EXERCISES:
        i = next(k for k, s in enumerate(text) if s.startswith(f"**Exercise {ex} (written).**"))
        assert "<!-- BEGIN ANSWER -->" in text[i]
        assert text[i + 1].startswith("<details><summary>Rubric: what a good answer says</summary>")
    # Every derivation is asked for before the code that uses it.
    order = {ex: next(k for k, s in enumerate(text) if f"Exercise {ex}" in s and "**Exercise" in s)
             for ex in ["1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "1.8"]}
    assert order["1.2"] < order["1.3"] < order["1.4"] < order["1.5"] < order["1.6"] < order["1.7"] < order["1.8"]
    for ex in CODE_EXERCISES:
        k = next(k for k, s in enumerate(text) if s.startswith(f"# NBVAL_CHECK_OUTPUT\nchecks.exercise_"
                                                               f"{ex.replace('.', '_')}("))
        above = next(s for s in reversed(text[:k - 1]) if f"**Exercise {ex}.**" in s)
        assert above.count("<details><summary>Hint") >= 2, ex
    for ex in ["1.3", "1.5", "1.7", "1.8", "1.10"]:
        k = next(k for k, s in enumerate(text) if s.startswith(f"# NBVAL_CHECK_OUTPUT\nchecks.exercise_"
                                                               f"{ex.replace('.', '_')}("))
        assert text[k + 1].startswith("<details><summary>Worked derivation (open once your check passes)"), ex


def test_the_notebook_cites_no_source_document_and_fixes_the_careful_readers_items():
    cells = _cells()
    student_text = "\n".join(re.sub(r"<!-- BEGIN ANSWER -->.*?<!-- END ANSWER -->", "", c.source, flags=re.S)
                             for c in cells)
    for phrase in ("A.1", "A.2", "A.3", "A.4", "tutorial's", "rarely anything in between", "0.05 crawls"):
        assert phrase not in student_text, phrase
    for phrase in ("notebook 07", "round-off", "kink", "0.725", "diluted"):
        assert phrase in student_text, phrase
    summary = cells[-1].source
    assert "(\\hat Y - Y)" not in summary and "X(\\partial" not in summary


def test_illustration_cells_use_no_student_function():
    for cell in _cells():
        if "illustration" in cell.metadata.get("tags", []):
            assert cell.cell_type == "code"
            for name in FUNCTION.values():
                assert not re.search(rf"(?<![\w.]){name}\(", cell.source), (name, cell.source)


@pytest.mark.parametrize("exercise", CODE_EXERCISES)
def test_reference_answer_passes_with_the_one_stable_line(exercise):
    assert_reference_passes(NOTEBOOK, exercise)


@pytest.mark.parametrize("exercise", CODE_EXERCISES)
def test_reference_answer_passes_under_a_grading_seed(exercise):
    with grading():
        passes(exercise, reference(exercise))


@pytest.mark.parametrize("exercise", CODE_EXERCISES)
def test_an_unattempted_exercise_raises_not_implemented(exercise):
    assert_unattempted_raises(NOTEBOOK, exercise)


@pytest.mark.parametrize("exercise", CODE_EXERCISES)
def test_hints_are_staged_and_code_free(exercise):
    assert_hints_are_staged(exercise, min_stages=2)


@pytest.mark.parametrize("exercise", CODE_EXERCISES)
def test_every_odd_return_gets_a_teaching_message(exercise):
    assert_odd_returns_rejected(checker(exercise), exercise)


@pytest.mark.parametrize("exercise", CODE_EXERCISES)
def test_an_answer_tuned_to_the_public_inputs_fails_under_a_grading_seed(exercise):
    ref = reference(exercise)
    seen = {}

    def key(args):
        return tuple(a.tobytes() if isinstance(a, np.ndarray) else repr(a) for a in args)

    def recorder(*args):
        result = ref(*args)
        seen[key(args)] = result
        return result

    passes(exercise, recorder)
    zero = next(iter(seen.values()))

    def memorised(*args):
        found = seen.get(key(args))
        return found if found is not None else np.zeros_like(np.asarray(zero)) * 1.0 if np.ndim(zero) else 0.0

    passes(exercise, memorised)
    with grading():
        message = failure_message(checker(exercise), memorised)
    assert_teaching_message(message, exercise)


# ================================================================================ planted mistakes
def test_every_code_exercise_has_a_planted_mistake():
    assert {m["exercise"] for m in nb01.PLANTED_MISTAKES} == set(CODE_EXERCISES)
    kinds = {m["kind"] for m in nb01.PLANTED_MISTAKES}
    for required in ("missing 1/n", "flipped sign", "transposed", "broadcast to (n, n)"):
        assert required in kinds


@pytest.mark.parametrize("mistake", nb01.PLANTED_MISTAKES, ids=lambda m: f"{m['exercise']}-{m['kind']}")
def test_planted_mistake_fails_with_its_hint(mistake):
    answer = EXERCISES[mistake["exercise"]]
    assert DEF_NAME.findall(mistake["source"]) == [answer.argument]
    assert DEF_NAME.search(answer.answer_source).group(0) in mistake["source"]
    message = mistake_message(NOTEBOOK, mistake)
    assert_teaching_message(message, mistake["exercise"])


# ================================================================================ 1.1 bce_loss
def _loss_alt_loop(Y_hat, Y):
    total = 0.0
    for p, y in zip(Y_hat[0], Y[0]):
        p = min(max(p, 1e-15), 1 - 1e-15)
        total += y * math.log(p) + (1 - y) * math.log(1 - p)
    return -total / Y.shape[1]


def _loss_alt_where(Y_hat, Y):
    P = _p(Y_hat)
    return float(-np.mean(np.where(Y == 1, np.log(P), np.log1p(-P))))


def _loss_alt_power(Y_hat, Y):
    P = _p(Y_hat)
    return float(-np.log(P ** Y * (1 - P) ** (1 - Y)).mean())


def _loss_alt_add_eps(Y_hat, Y):
    return float(-np.mean(Y * np.log(Y_hat + 1e-15) + (1 - Y) * np.log(1 - Y_hat + 1e-15)))


def _loss_alt_size(Y_hat, Y):
    P = np.clip(Y_hat, 1e-12, 1 - 1e-12)
    return np.sum(-(Y * np.log(P) + (1 - Y) * np.log(1 - P))) / Y.size


def _loss_alt_xlogy(Y_hat, Y):
    from scipy.special import xlogy   # 0 log 0 = 0, no clipping needed where the prediction is right

    return float(-(xlogy(Y, Y_hat) + xlogy(1 - Y, 1 - Y_hat)).sum() / Y.shape[1])


@pytest.mark.parametrize("fn", [_loss_alt_loop, _loss_alt_where, _loss_alt_power, _loss_alt_add_eps,
                                _loss_alt_size, _loss_alt_xlogy])
def test_1_1_other_correct_answers_pass(fn):
    passes("1.1", fn)


def _terms(Y_hat, Y):
    P = _p(Y_hat)
    return Y * np.log(P) + (1 - Y) * np.log(1 - P)


WRONG_1_1 = {
    "no 1/n": (lambda Y_hat, Y: float(-_terms(Y_hat, Y).sum()), "the 1/n is missing"),
    "sign": (lambda Y_hat, Y: float(_terms(Y_hat, Y).mean()), "wrong sign"),
    "log10": (lambda Y_hat, Y: float(-(Y * np.log10(_p(Y_hat)) + (1 - Y) * np.log10(1 - _p(Y_hat))).mean()),
              "natural logarithm"),
    "grid": (lambda Y_hat, Y: float(-(Y * np.log(_p(Y_hat).T) + (1 - Y) * np.log(1 - _p(Y_hat).T)).sum()
                                    / Y.shape[1]), "n-by-n grid"),
    "grid unsummed": (lambda Y_hat, Y: -(Y.T * np.log(_p(Y_hat)) + (1 - Y.T) * np.log(1 - _p(Y_hat))) / Y.shape[1],
                      "broadcast to (n, n)"),
    "positive term only": (lambda Y_hat, Y: float(-(Y * np.log(_p(Y_hat))).mean()), "only the Y log(Y_hat)"),
    "negative term only": (lambda Y_hat, Y: float(-((1 - Y) * np.log(1 - _p(Y_hat))).mean()),
                           "only the (1 - Y) log(1 - Y_hat)"),
    "logs swapped": (lambda Y_hat, Y: float(-(Y * np.log(1 - _p(Y_hat)) + (1 - Y) * np.log(_p(Y_hat))).mean()),
                     "swapped"),
    "per-sample losses": (lambda Y_hat, Y: -_terms(Y_hat, Y) / Y.shape[1], "single number"),
    "flat mean over rows": (lambda Y_hat, Y: -_terms(Y_hat, Y).mean(axis=0), "single number"),
    "(1, 1) array": (lambda Y_hat, Y: -_terms(Y_hat, Y).mean(keepdims=True), "single number"),
    "no clipping": (lambda Y_hat, Y: float(-(Y * np.log(Y_hat) + (1 - Y) * np.log(1 - Y_hat)).mean()),
                    "0 times log 0"),
    "coarse clipping": (lambda Y_hat, Y: float(-_terms(np.clip(Y_hat, 0.01, 0.99), Y).mean()), "tiny eps"),
    "squared error": (lambda Y_hat, Y: float(((Y_hat - Y) ** 2).mean()), "Exercise 1.1"),
    "hard-coded worked example": (lambda Y_hat, Y: 0.16425, "digits only"),
    "divides by n - 1": (lambda Y_hat, Y: float(-_terms(Y_hat, Y).sum() / max(Y.shape[1] - 1, 1)), "Exercise 1.1"),
    "two-term average": (lambda Y_hat, Y: float(-(Y * np.log(_p(Y_hat))).mean() - ((1 - Y) * np.log(1 - _p(Y_hat)))
                                               .mean() / 2), "Exercise 1.1"),
    "returns a string": (lambda Y_hat, Y: f"{float(-_terms(Y_hat, Y).mean()):.5f}", "text"),
    "returns loss and n": (lambda Y_hat, Y: (float(-_terms(Y_hat, Y).mean()), Y.shape[1]), "single number"),
}


@pytest.mark.parametrize("name", WRONG_1_1)
def test_1_1_wrong_answers_are_named(name):
    fn, needle = WRONG_1_1[name]
    rejected("1.1", fn, needle)


def test_1_1_clipping_in_place_is_reported():
    def bce_loss(Y_hat, Y):
        np.clip(Y_hat, 1e-15, 1 - 1e-15, out=Y_hat)
        return float(-_terms(Y_hat, Y).mean())

    rejected("1.1", bce_loss, "in place")


@pytest.mark.parametrize("shortcut", [
    lambda Y_hat, Y: tl.bce_loss(Y_hat, Y),
    lambda Y_hat, Y: tl.losses.bce_loss(Y_hat, Y),
    lambda Y_hat, Y: tl.MLP([np.ones((1, 1))], ["identity"]).loss(Y_hat, Y),
])
def test_1_1_library_shortcuts_are_refused(shortcut):
    rejected("1.1", shortcut, "write the maths yourself")


def test_1_1_scikit_learns_log_loss_is_refused():
    from sklearn.metrics import log_loss

    rejected("1.1", lambda Y_hat, Y: float(log_loss(Y[0], Y_hat[0], labels=[0, 1])), "write the maths yourself")


def test_1_1_a_tuple_return_no_longer_crashes_the_checker():
    message = rejected("1.1", lambda Y_hat, Y: (0.1, np.zeros((1, 3))), "single number")
    assert "inhomogeneous" not in message


# ================================================================================ 1.3 loss_grad
def _grad(Y_hat, Y):
    P = _p(Y_hat)
    return (-Y / P + (1 - Y) / (1 - P)) / Y.shape[1]


def _grad_alt_loop(Y_hat, Y):
    n = Y.shape[1]
    out = np.empty_like(Y_hat)
    for i in range(n):
        p = min(max(Y_hat[0, i], 1e-15), 1 - 1e-15)
        out[0, i] = (-1 / p if Y[0, i] == 1 else 1 / (1 - p)) / n
    return out


def _grad_alt_ratio(Y_hat, Y):
    P = _p(Y_hat)
    return (P - Y) / (P * (1 - P)) / Y.shape[1]


def _grad_alt_where(Y_hat, Y):
    P = _p(Y_hat)
    return np.where(Y == 1, -1 / P, 1 / (1 - P)) / Y.size


def _grad_alt_negated(Y_hat, Y):
    P = np.clip(Y_hat, 1e-10, 1 - 1e-10)
    return -(Y / P - (1 - Y) / (1 - P)) * (1 / Y.shape[1])


@pytest.mark.parametrize("fn", [_grad_alt_loop, _grad_alt_ratio, _grad_alt_where, _grad_alt_negated])
def test_1_3_other_correct_answers_pass(fn):
    passes("1.3", fn)


WRONG_1_3 = {
    "no 1/n": (lambda Y_hat, Y: _grad(Y_hat, Y) * Y.shape[1], "the 1/n is missing"),
    "1/n twice": (lambda Y_hat, Y: _grad(Y_hat, Y) / Y.shape[1], "divided by n twice"),
    "sign": (lambda Y_hat, Y: -_grad(Y_hat, Y), "wrong sign"),
    "first term only": (lambda Y_hat, Y: -Y / _p(Y_hat) / Y.shape[1], "only the -Y/Y_hat term"),
    "second term only": (lambda Y_hat, Y: (1 - Y) / (1 - _p(Y_hat)) / Y.shape[1], "only the (1 - Y)/(1 - Y_hat)"),
    "second term sign": (lambda Y_hat, Y: (-Y / _p(Y_hat) - (1 - Y) / (1 - _p(Y_hat))) / Y.shape[1],
                         "the second term has the wrong sign"),
    "dE/df": (lambda Y_hat, Y: (Y_hat - Y) / Y.shape[1], "this is dE/df"),
    "squared denominators": (lambda Y_hat, Y: (-Y / _p(Y_hat) ** 2 + (1 - Y) / (1 - _p(Y_hat)) ** 2) / Y.shape[1],
                             "squared"),
    "loss terms": (lambda Y_hat, Y: -_terms(Y_hat, Y) / Y.shape[1], "loss terms"),
    "sum in every entry": (lambda Y_hat, Y: np.full_like(Y, _grad(Y_hat, Y).sum()), "same sum"),
    "transposed": (lambda Y_hat, Y: _grad(Y_hat, Y).T, "transposed"),
    "flat": (lambda Y_hat, Y: _grad(Y_hat, Y)[0], "lost a dimension"),
    "no clipping": (lambda Y_hat, Y: (-Y / Y_hat + (1 - Y) / (1 - Y_hat)) / Y.shape[1], "0 times log 0"),
    "roles swapped": (lambda Y_hat, Y: (-Y_hat / np.maximum(Y, 1e-3) + (1 - Y_hat) / np.maximum(1 - Y, 1e-3))
                      / Y.shape[1], "Exercise 1.3"),
    "scalar": (lambda Y_hat, Y: float(_grad(Y_hat, Y).sum()), "shape"),
    "coarse clipping": (lambda Y_hat, Y: _grad(np.clip(Y_hat, 1e-3, 1 - 1e-3), Y), "clipped with a large eps"),
}


@pytest.mark.parametrize("name", WRONG_1_3)
def test_1_3_wrong_answers_are_named(name):
    fn, needle = WRONG_1_3[name]
    rejected("1.3", fn, needle)


@pytest.mark.parametrize("shortcut", [
    lambda Y_hat, Y: tl.bce_grad(Y_hat, Y),
    lambda Y_hat, Y: tl.numerical_gradient(lambda: tl.bce_loss(Y_hat, Y), Y_hat),
])
def test_1_3_library_shortcuts_are_refused(shortcut):
    rejected("1.3", shortcut, "write the maths yourself")


# ================================================================================ 1.5 dE_df
def _sig(f):
    return 1 / (1 + np.exp(-f))


def _df_alt_own_sigmoid(W, X, Y):
    return (_sig(W.T @ X) - Y) / X.shape[1]


def _df_alt_tanh(W, X, Y):
    return (0.5 * (1 + np.tanh(0.5 * (W.T @ X))) - Y) * (1.0 / X.shape[1])


def _df_alt_loop(W, X, Y):
    n = X.shape[1]
    out = np.zeros((1, n))
    for i in range(n):
        f = sum(W[j, 0] * X[j, i] for j in range(3))
        out[0, i] = (1 / (1 + math.exp(-f)) - Y[0, i]) / n
    return out


def _df_alt_clipped_chain(W, X, Y):
    P = _p(tl.sigmoid(W.T @ X))
    return (-Y / P + (1 - Y) / (1 - P)) * P * (1 - P) / X.shape[1]


def _df_alt_einsum(W, X, Y):
    return (tl.sigmoid(np.einsum("jk,ji->ki", W, X)) - Y) / Y.shape[1]


@pytest.mark.parametrize("fn", [_df_alt_own_sigmoid, _df_alt_tanh, _df_alt_loop, _df_alt_clipped_chain,
                                _df_alt_einsum])
def test_1_5_other_correct_answers_pass(fn):
    passes("1.5", fn)


def _yh(W, X):
    return tl.sigmoid(W.T @ X)


def _df_numerical(W, X, Y):
    F = W.T @ X
    out = np.zeros_like(F)
    for i in range(F.shape[1]):
        up, down = F.copy(), F.copy()
        up[0, i] += 1e-6
        down[0, i] -= 1e-6
        out[0, i] = (tl.bce_loss(tl.sigmoid(up), Y) - tl.bce_loss(tl.sigmoid(down), Y)) / 2e-6
    return out


WRONG_1_5 = {
    "no 1/n": (lambda W, X, Y: _yh(W, X) - Y, "the 1/n is missing"),
    "1/n twice": (lambda W, X, Y: (_yh(W, X) - Y) / X.shape[1] ** 2, "divided by n twice"),
    "sign": (lambda W, X, Y: (Y - _yh(W, X)) / X.shape[1], "wrong sign"),
    "transposed": (lambda W, X, Y: (tl.sigmoid(X.T @ W) - Y.T) / X.shape[1], "transposed"),
    "broadcast": (lambda W, X, Y: (tl.sigmoid(X.T @ W) - Y[0]) / X.shape[1], "broadcast to (n, n)"),
    "dE/dY_hat": (lambda W, X, Y: _grad(_yh(W, X), Y), "this is dE/dY_hat"),
    "slope twice": (lambda W, X, Y: (_yh(W, X) - Y) * _yh(W, X) * (1 - _yh(W, X)) / X.shape[1], "counted twice"),
    "unsimplified chain": (lambda W, X, Y: (-Y / _yh(W, X) + (1 - Y) / (1 - _yh(W, X))) * _yh(W, X)
                           * (1 - _yh(W, X)) / X.shape[1], "infinity times 0"),
    "clipped dE/dY_hat times unclipped slope": (lambda W, X, Y: tl.bce_grad(_yh(W, X), Y) * _yh(W, X)
                                                * (1 - _yh(W, X)), "Simplify the product"),
    "f instead of Y_hat": (lambda W, X, Y: (W.T @ X - Y) / X.shape[1], "you used f where Y_hat belongs"),
    "sigmoid of -f": (lambda W, X, Y: (tl.sigmoid(-(W.T @ X)) - Y) / X.shape[1], "wrong sign inside"),
    "relu": (lambda W, X, Y: (tl.relu(W.T @ X) - Y) / X.shape[1], "Exercise 1.5"),
    "numerical": (_df_numerical, "what finite differences give"),
    "flat": (lambda W, X, Y: ((_yh(W, X) - Y) / X.shape[1])[0], "lost a dimension"),
    "hard-coded zeros": (lambda W, X, Y: np.zeros((1, X.shape[1])), "Exercise 1.5"),
    "float32": (lambda W, X, Y: ((_yh(W, X) - Y) / X.shape[1]).astype(np.float32), "float32"),
}


@pytest.mark.parametrize("name", WRONG_1_5)
def test_1_5_wrong_answers_are_named(name):
    fn, needle = WRONG_1_5[name]
    rejected("1.5", fn, needle)


def test_1_5_an_answer_that_overwrites_its_input_is_reported():
    def dE_df(W, X, Y):
        Y -= tl.sigmoid(W.T @ X)
        return -Y / X.shape[1]

    rejected("1.5", dE_df, "in place")


def _backward_shortcut(W, X, Y):
    net = tl.MLP([W], ["sigmoid"])
    net.forward(X)
    net.backward(Y)
    return net.grad_f[0]


def _fit_shortcut(W, X, Y):
    net = tl.MLP([W.copy()], ["sigmoid"])
    net.fit(X, Y, lr=0.0, epochs=1)
    return net.grad_f[0]


@pytest.mark.parametrize("shortcut", [_backward_shortcut, _fit_shortcut])
def test_1_5_library_shortcuts_are_refused(shortcut):
    rejected("1.5", shortcut, "write the maths yourself")


# ================================================================================ 1.7 dE_dW20
def _w20(W, X, Y):
    return float((tl.sigmoid(W.T @ X) - Y)[0, 0] * X[2, 0])


@pytest.mark.parametrize("fn", [
    lambda W, X, Y: np.float64((tl.sigmoid(W.T @ X) - Y).item() * X[2].item()),
    lambda W, X, Y: float(((_sig(W.T @ X) - Y) * X[2:3]).sum()),
    lambda W, X, Y: (1 / (1 + math.exp(-float(W[:, 0] @ X[:, 0]))) - float(Y[0, 0])) * float(X[2, 0]),
    lambda W, X, Y: float((X @ (tl.sigmoid(W.T @ X) - Y).T)[2, 0]),
])
def test_1_7_other_correct_answers_pass(fn):
    passes("1.7", fn)


def _w20_numerical(W, X, Y):
    up, down = W.copy(), W.copy()
    up[2, 0] += 1e-6
    down[2, 0] -= 1e-6
    return (tl.bce_loss(tl.sigmoid(up.T @ X), Y) - tl.bce_loss(tl.sigmoid(down.T @ X), Y)) / 2e-6


WRONG_1_7 = {
    "row 1": (lambda W, X, Y: float((tl.sigmoid(W.T @ X) - Y)[0, 0] * X[1, 0]), "row 2"),
    "bias row": (lambda W, X, Y: float((tl.sigmoid(W.T @ X) - Y)[0, 0] * X[0, 0]), "the bias row"),
    "error alone": (lambda W, X, Y: float((tl.sigmoid(W.T @ X) - Y)[0, 0]), "dE/df_0 alone"),
    "1/3 factor": (lambda W, X, Y: _w20(W, X, Y) / 3, "Exercise 1.7"),
    "times the weight": (lambda W, X, Y: float((tl.sigmoid(W.T @ X) - Y)[0, 0] * W[2, 0]), "the weight W20 itself"),
    "dE/dY_hat": (lambda W, X, Y: float(_grad(tl.sigmoid(W.T @ X), Y)[0, 0] * X[2, 0]), "slope"),
    "slope twice": (lambda W, X, Y: _w20(W, X, Y) * float(tl.sigmoid(W.T @ X)[0, 0] * (1 - tl.sigmoid(W.T @ X)[0, 0])),
                    "counted twice"),
    "alcohol-only prediction": (lambda W, X, Y: float((tl.sigmoid(W[2:].T @ X[2:]) - Y)[0, 0] * X[2, 0]),
                                "all three"),
    "sign": (lambda W, X, Y: -_w20(W, X, Y), "wrong sign"),
    "(1, 1) array": (lambda W, X, Y: (tl.sigmoid(W.T @ X) - Y) * X[2, 0], "single number"),
    "whole gradient": (lambda W, X, Y: X @ (tl.sigmoid(W.T @ X) - Y).T, "whole gradient"),
    "row of X": (lambda W, X, Y: (tl.sigmoid(W.T @ X) - Y)[0] * X[2], "single number"),
    "numerical": (_w20_numerical, "what finite differences give"),
    "hard-coded": (lambda W, X, Y: -0.1271, "Exercise 1.7"),
    "rounded": (lambda W, X, Y: round(_w20(W, X, Y), 4), "digits only"),
    "string": (lambda W, X, Y: f"{_w20(W, X, Y):.4f}", "text"),
}


@pytest.mark.parametrize("name", WRONG_1_7)
def test_1_7_wrong_answers_are_named(name):
    fn, needle = WRONG_1_7[name]
    rejected("1.7", fn, needle)


def _w20_backward(W, X, Y):
    net = tl.MLP([W], ["sigmoid"])
    net.forward(X)
    return float(net.backward(Y)[0][2, 0])


@pytest.mark.parametrize("shortcut", [
    _w20_backward,
    lambda W, X, Y: float(tl.numerical_gradient(lambda: tl.bce_loss(tl.sigmoid(W.T @ X), Y), W)[2, 0]),
])
def test_1_7_library_shortcuts_are_refused(shortcut):
    rejected("1.7", shortcut, "write the maths yourself")


# ================================================================================ 1.8 dE_dW
def _dw(W, X, Y):
    return X @ (tl.sigmoid(W.T @ X) - Y).T / X.shape[1]


def _dw_alt_loop(W, X, Y):
    n = X.shape[1]
    G = np.zeros((3, 1))
    for i in range(n):
        x = X[:, i:i + 1]
        G += x * (float(_sig(W.T @ x)[0, 0]) - Y[0, i])
    return G / n


@pytest.mark.parametrize("fn", [
    _dw_alt_loop,
    lambda W, X, Y: ((_sig(W.T @ X) - Y) / X.shape[1] * X).sum(axis=1, keepdims=True),
    lambda W, X, Y: np.einsum("ji,ki->jk", X, tl.sigmoid(W.T @ X) - Y) / X.shape[1],
    lambda W, X, Y: np.dot(X, ((tl.sigmoid(W.T @ X) - Y) / Y.shape[1]).T),
])
def test_1_8_other_correct_answers_pass(fn):
    passes("1.8", fn)


def _dw_numerical(W, X, Y):
    G = np.zeros_like(W)
    for j in range(3):
        up, down = W.copy(), W.copy()
        up[j, 0] += 1e-6
        down[j, 0] -= 1e-6
        G[j, 0] = (tl.bce_loss(tl.sigmoid(up.T @ X), Y) - tl.bce_loss(tl.sigmoid(down.T @ X), Y)) / 2e-6
    return G


def _dw_wrong_product(W, X, Y):
    matmul = np.matmul
    err = tl.sigmoid(W.T @ X) - Y
    prod = matmul(err, X)   # (1, n) times (3, n): the shapes do not fit
    return prod


WRONG_1_8 = {
    "no 1/n": (lambda W, X, Y: _dw(W, X, Y) * X.shape[1], "the 1/n is missing"),
    "1/n twice": (lambda W, X, Y: _dw(W, X, Y) / X.shape[1], "divided by n twice"),
    "sign": (lambda W, X, Y: -_dw(W, X, Y), "wrong sign"),
    "transposed": (lambda W, X, Y: _dw(W, X, Y).T, "transposed"),
    "flat": (lambda W, X, Y: _dw(W, X, Y)[:, 0], "lost a dimension"),
    "dE/dY_hat": (lambda W, X, Y: X @ _grad(tl.sigmoid(W.T @ X), Y).T, "dE/dY_hat where dE/df belongs"),
    "means multiplied": (lambda W, X, Y: X.mean(axis=1, keepdims=True) * float((tl.sigmoid(W.T @ X) - Y).mean()),
                         "mean of X times the mean error"),
    "slope twice": (lambda W, X, Y: X @ ((tl.sigmoid(W.T @ X) - Y) * tl.sigmoid(W.T @ X)
                                         * (1 - tl.sigmoid(W.T @ X))).T / X.shape[1], "counted twice"),
    "f instead of Y_hat": (lambda W, X, Y: X @ (W.T @ X - Y).T / X.shape[1], "f where Y_hat belongs"),
    "first sample only": (lambda W, X, Y: X[:, :1] * float((tl.sigmoid(W.T @ X) - Y)[0, 0]) / X.shape[1],
                          "only the first sample"),
    "absolute inputs": (lambda W, X, Y: np.abs(X) @ (tl.sigmoid(W.T @ X) - Y).T / X.shape[1], "signs"),
    "bias entry dropped": (lambda W, X, Y: np.vstack([[[0.0]], _dw(W, X, Y)[1:]]), "bias entry is 0"),
    "error sum everywhere": (lambda W, X, Y: np.full((3, 1), float((tl.sigmoid(W.T @ X) - Y).sum()) / X.shape[1]),
                             "sum of the errors"),
    "unsimplified chain": (lambda W, X, Y: X @ ((-Y / tl.sigmoid(W.T @ X) + (1 - Y) / (1 - tl.sigmoid(W.T @ X)))
                                                * tl.sigmoid(W.T @ X) * (1 - tl.sigmoid(W.T @ X))).T / X.shape[1],
                           "infinity times 0"),
    "numerical": (_dw_numerical, "what finite differences give"),
    "weights instead of inputs": (lambda W, X, Y: W * float((tl.sigmoid(W.T @ X) - Y).mean()), "Exercise 1.8"),
    "wrong shape product": (_dw_wrong_product, "your function raised ValueError"),
}


@pytest.mark.parametrize("name", WRONG_1_8)
def test_1_8_wrong_answers_are_named(name):
    fn, needle = WRONG_1_8[name]
    rejected("1.8", fn, needle)


def _dw_backward(W, X, Y):
    net = tl.MLP([W], ["sigmoid"])
    net.forward(X)
    return net.backward(Y)[0]


@pytest.mark.parametrize("shortcut", [
    _dw_backward,
    lambda W, X, Y: tl.numerical_gradient(lambda: tl.bce_loss(tl.sigmoid(W.T @ X), Y), W),
    lambda W, X, Y: (tl.check_gradients(tl.MLP([W], ["sigmoid"]), X, Y), _dw(W, X, Y))[1],
])
def test_1_8_library_shortcuts_are_refused(shortcut):
    rejected("1.8", shortcut, "write the maths yourself")


# ================================================================================ 1.10 numerical_dE_dW
def _E(W, X, Y):
    return tl.bce_loss(tl.sigmoid(W.T @ X), Y)


def _num_alt_inplace(W, X, Y, eps=1e-6):
    G = np.zeros_like(W)
    for j in range(W.shape[0]):
        old = W[j, 0]
        W[j, 0] = old + eps
        up = _E(W, X, Y)
        W[j, 0] = old - eps
        down = _E(W, X, Y)
        W[j, 0] = old
        G[j, 0] = (up - down) / (2 * eps)
    return G


def _num_alt_eye(W, X, Y, eps=1e-6):
    E = np.eye(W.shape[0])
    return np.array([[(_E(W + eps * E[:, j:j + 1], X, Y) - _E(W - eps * E[:, j:j + 1], X, Y)) / (2 * eps)]
                     for j in range(W.shape[0])])


def _num_alt_own_loss(W, X, Y, eps=1e-6):
    def loss(V):
        P = 1 / (1 + np.exp(-(V.T @ X)))
        return float(-np.mean(Y * np.log(P) + (1 - Y) * np.log(1 - P)))

    G = np.zeros((3, 1))
    for j in range(3):
        d = np.zeros((3, 1))
        d[j] = eps
        G[j] = (loss(W + d) - loss(W - d)) / (2 * eps)
    return G


def _num_alt_vectorised(W, X, Y, eps=1e-6):
    steps = eps * np.eye(3)
    up = tl.sigmoid((W + steps).T @ X)          # (3, n): row j is the prediction with W_j0 nudged up
    down = tl.sigmoid((W - steps).T @ X)
    P_up, P_down = np.clip(up, 1e-15, 1 - 1e-15), np.clip(down, 1e-15, 1 - 1e-15)
    E_up = -(Y * np.log(P_up) + (1 - Y) * np.log(1 - P_up)).mean(axis=1)
    E_down = -(Y * np.log(P_down) + (1 - Y) * np.log(1 - P_down)).mean(axis=1)
    return ((E_up - E_down) / (2 * eps))[:, None]


@pytest.mark.parametrize("fn", [_num_alt_inplace, _num_alt_eye, _num_alt_own_loss, _num_alt_vectorised])
def test_1_10_other_correct_answers_pass(fn):
    passes("1.10", fn)


def _one_sided(W, X, Y, eps=1e-6, back=False):
    G = np.zeros_like(W)
    E0 = _E(W, X, Y)
    for j in range(3):
        V = W.copy()
        V[j, 0] += -eps if back else eps
        G[j, 0] = (E0 - _E(V, X, Y)) / eps if back else (_E(V, X, Y) - E0) / eps
    return G


def _central(W, X, Y, eps, scale=2.0, sign=1.0, loss=_E):
    G = np.zeros_like(W)
    for j in range(3):
        up, down = W.copy(), W.copy()
        up[j, 0] += eps
        down[j, 0] -= eps
        G[j, 0] = sign * (loss(up, X, Y) - loss(down, X, Y)) / (scale * eps)
    return G


def _cumulative(W, X, Y, eps=1e-6):
    G = np.zeros_like(W)
    V = W.copy()
    for j in range(3):
        V[j, 0] += eps
        up = _E(V, X, Y)
        V[j, 0] -= 2 * eps
        down = _E(V, X, Y)
        G[j, 0] = (up - down) / (2 * eps)   # V[j] is never put back
    return G


def _frozen_predictions(W, X, Y, eps=1e-6):
    Y_hat = tl.sigmoid(W.T @ X)
    G = np.zeros_like(W)
    for j in range(3):
        G[j, 0] = (tl.bce_loss(Y_hat, Y) - tl.bce_loss(Y_hat, Y)) / (2 * eps)
    return G


def _not_restored(W, X, Y, eps=1e-6):
    G = np.zeros_like(W)
    for j in range(3):
        W[j, 0] += eps
        up = _E(W, X, Y)
        W[j, 0] -= 2 * eps
        G[j, 0] = (up - _E(W, X, Y)) / (2 * eps)
    return G


WRONG_1_10 = {
    "analytic": (lambda W, X, Y, eps=1e-6: _dw(W, X, Y), "exact gradient of backprop"),
    "forward differences": (lambda W, X, Y, eps=1e-6: _one_sided(W, X, Y, eps), "one-sided (forward)"),
    "backward differences": (lambda W, X, Y, eps=1e-6: _one_sided(W, X, Y, eps, back=True), "one-sided (backward)"),
    "divides by eps": (lambda W, X, Y, eps=1e-6: _central(W, X, Y, eps, scale=1.0), "twice too large"),
    "fixed step": (lambda W, X, Y, eps=1e-6: _central(W, X, Y, 1e-6), "use the eps argument"),
    "exact gradient, rounded differently": (lambda W, X, Y, eps=1e-6: _dw_alt_loop(W, X, Y), "exact gradient"),
    "every entry at once": (lambda W, X, Y, eps=1e-6: np.full((3, 1), (_E(W + eps, X, Y) - _E(W - eps, X, Y))
                                                              / (2 * eps)), "nudged at once"),
    "sign": (lambda W, X, Y, eps=1e-6: _central(W, X, Y, eps, sign=-1.0), "wrong sign"),
    "summed loss": (lambda W, X, Y, eps=1e-6: _central(W, X, Y, eps, loss=lambda V, X, Y: _E(V, X, Y) * X.shape[1]),
                    "the 1/n is missing"),
    "cumulative nudges": (_cumulative, "Exercise 1.10"),
    "frozen predictions": (_frozen_predictions, "all zeros"),
    "not restored": (_not_restored, "in place"),
    "list of floats": (lambda W, X, Y, eps=1e-6: list(_central(W, X, Y, eps)[:, 0]), "lost a dimension"),
    "transposed": (lambda W, X, Y, eps=1e-6: _central(W, X, Y, eps).T, "transposed"),
    "the loss": (lambda W, X, Y, eps=1e-6: _E(W, X, Y), "shape"),
    "eps squared": (lambda W, X, Y, eps=1e-6: _central(W, X, Y, eps ** 0.5), "Exercise 1.10"),
}


@pytest.mark.parametrize("name", WRONG_1_10)
def test_1_10_wrong_answers_are_named(name):
    fn, needle = WRONG_1_10[name]
    rejected("1.10", fn, needle)


@pytest.mark.parametrize("shortcut", [
    lambda W, X, Y, eps=1e-6: tl.numerical_gradient(lambda: _E(W, X, Y), W, eps),
    lambda W, X, Y, eps=1e-6: tl.gradcheck.numerical_jacobian(lambda w: np.array([_E(w.reshape(3, 1), X, Y)]),
                                                              W.ravel(), eps).T,
])
def test_1_10_library_shortcuts_are_refused(shortcut):
    rejected("1.10", shortcut, "write the maths yourself")


# ================================================================================ 1.11 relative_error
def _rel_alt_sqrt(a, b):
    num = math.sqrt(float(((a - b) ** 2).sum()))
    den = math.sqrt(float((a ** 2).sum())) + math.sqrt(float((b ** 2).sum()))
    return num / den if den > 0 else 0.0


def _rel_alt_anyzero(a, b):
    if not a.any() and not b.any():
        return 0
    return np.linalg.norm(a - b, "fro") / (np.linalg.norm(a, "fro") + np.linalg.norm(b, "fro"))


def _rel_alt_ravel(a, b):
    a, b = np.ravel(a), np.ravel(b)
    den = np.sqrt(a @ a) + np.sqrt(b @ b)
    return float(np.sqrt((a - b) @ (a - b)) / den) if den else 0.0


@pytest.mark.parametrize("fn", [_rel_alt_sqrt, _rel_alt_anyzero, _rel_alt_ravel])
def test_1_11_other_correct_answers_pass(fn):
    passes("1.11", fn)


def _safe(num, den):
    return float(num / den) if den else 0.0


N = np.linalg.norm
WRONG_1_11 = {
    "denominator ||a||": (lambda a, b: _safe(N(a - b), N(a)), "one norm only"),
    "denominator ||b||": (lambda a, b: _safe(N(a - b), N(b)), "one norm only"),
    "denominator max": (lambda a, b: _safe(N(a - b), max(N(a), N(b))), "one norm only"),
    "denominator min": (lambda a, b: _safe(N(a - b), min(N(a), N(b))), "one norm only"),
    "denominator ||a + b||": (lambda a, b: _safe(N(a - b), N(a + b)), "||a + b||"),
    "squared norms": (lambda a, b: _safe(N(a - b) ** 2, N(a) ** 2 + N(b) ** 2), "squared"),
    "difference of norms": (lambda a, b: _safe(abs(N(a) - N(b)), N(a) + N(b)), "difference of the norms"),
    "1-norm": (lambda a, b: _safe(np.abs(a - b).sum(), np.abs(a).sum() + np.abs(b).sum()), "1-norm"),
    "max-norm": (lambda a, b: _safe(np.abs(a - b).max(), np.abs(a).max() + np.abs(b).max()), "max-norm"),
    "no denominator": (lambda a, b: float(N(a - b)), "not divided"),
    "signed sum": (lambda a, b: _safe((a - b).sum(), N(a) + N(b)), "signed differences"),
    "0/0": (lambda a, b: float(N(a - b) / (N(a) + N(b))) if (N(a) + N(b)) else float("nan"), "0/0"),
    "elementwise": (lambda a, b: np.abs(a - b) / (np.abs(a) + np.abs(b) + 1e-300), "single number"),
    "rounded": (lambda a, b: round(_safe(N(a - b), N(a) + N(b)), 3), "digits only"),
    "mean of entrywise errors": (lambda a, b: float(np.mean(np.abs(a - b) / (np.abs(a) + np.abs(b) + 1e-300))),
                                 "Exercise 1.11"),
    "tuple": (lambda a, b: (_safe(N(a - b), N(a) + N(b)), N(a - b)), "single number"),
    "one minus cosine": (lambda a, b: _safe(1 - float((a * b).sum()) / (N(a) * N(b)) if N(a) * N(b) else 1.0, 1.0),
                         "Exercise 1.11"),
}


@pytest.mark.parametrize("name", WRONG_1_11)
def test_1_11_wrong_answers_are_named(name):
    fn, needle = WRONG_1_11[name]
    rejected("1.11", fn, needle)


@pytest.mark.parametrize("shortcut", [lambda a, b: tl.relative_error(a, b),
                                      lambda a, b: tl.gradcheck.relative_error(b, a)])
def test_1_11_library_shortcuts_are_refused(shortcut):
    rejected("1.11", shortcut, "write the maths yourself")


# ================================================================================ 1.12 gradient_descent
def _gd(X, Y, lr, epochs, start=None, sign=1.0, per_n=True, extra=0):
    W = np.zeros((X.shape[0], 1)) if start is None else start
    for _ in range(epochs + extra):
        G = X @ (tl.sigmoid(W.T @ X) - Y).T
        W = W - sign * lr * (G / X.shape[1] if per_n else G)
    return W


def _gd_alt_inplace(X, Y, lr, epochs):
    W = np.zeros((3, 1))
    for _ in range(epochs):
        W -= lr * (X @ (_sig(W.T @ X) - Y).T) / X.shape[1]
    return W


def _gd_alt_while(X, Y, lr, epochs):
    W, k, n = np.zeros((3, 1)), 0, Y.shape[1]
    while k < epochs:
        dF = (tl.sigmoid(W.T @ X) - Y) / n
        W = W - lr * np.einsum("ji,ki->jk", X, dF)
        k += 1
    return W


def _gd_alt_loop_gradient(X, Y, lr, epochs):
    W = np.zeros((3, 1))
    n = X.shape[1]
    for _ in range(epochs):
        G = np.zeros((3, 1))
        for i in range(n):
            G[:, 0] += (float(tl.sigmoid(W.T @ X[:, i:i + 1])[0, 0]) - Y[0, i]) * X[:, i] / n
        W = W - lr * G
    return W


@pytest.mark.parametrize("fn", [_gd_alt_inplace, _gd_alt_while, _gd_alt_loop_gradient])
def test_1_12_other_correct_answers_pass(fn):
    passes("1.12", fn)


def _gd_fixed(X, Y, lr, epochs):
    W = np.zeros((3, 1))
    Y_hat = tl.sigmoid(W.T @ X)
    for _ in range(epochs):
        W = W - lr * X @ (Y_hat - Y).T / X.shape[1]
    return W


def _gd_sgd(X, Y, lr, epochs):
    W = np.zeros((3, 1))
    for _ in range(epochs):
        for i in range(X.shape[1]):
            x = X[:, i:i + 1]
            W = W - lr * x @ (tl.sigmoid(W.T @ x) - Y[:, i:i + 1]).T
    return W


def _gd_history(X, Y, lr, epochs):
    W, history = np.zeros((3, 1)), []
    for _ in range(epochs):
        W = W - lr * X @ (tl.sigmoid(W.T @ X) - Y).T / X.shape[1]
        history.append(W)
    return history


WRONG_1_12 = {
    "sign": (lambda X, Y, lr, epochs: _gd(X, Y, lr, epochs, sign=-1.0), "flipped sign"),
    "no 1/n": (lambda X, Y, lr, epochs: _gd(X, Y, lr, epochs, per_n=False), "the 1/n is missing"),
    "one extra": (lambda X, Y, lr, epochs: _gd(X, Y, lr, epochs, extra=1), "one step too many"),
    "one short": (lambda X, Y, lr, epochs: _gd(X, Y, lr, max(epochs - 1, 0)), "one step short"),
    "lr squared": (lambda X, Y, lr, epochs: _gd(X, Y, lr * lr, epochs), "lr squared"),
    "frozen predictions": (_gd_fixed, "recompute Y_hat"),
    "dE/dY_hat": (lambda X, Y, lr, epochs: NB01_COPY._descent(X, Y, lr, epochs, dY=True), "dE/dY_hat where dE/df"),
    "per sample": (_gd_sgd, "every single sample"),
    "start at ones": (lambda X, Y, lr, epochs: _gd(X, Y, lr, epochs, start=np.ones((3, 1))), "column of ones"),
    "random start": (lambda X, Y, lr, epochs: _gd(X, Y, lr, epochs, start=np.random.default_rng(0).normal(size=(3, 1))),
                     "Exercise 1.12"),
    "history": (_gd_history, "Exercise 1.12"),
    "transposed": (lambda X, Y, lr, epochs: _gd(X, Y, lr, epochs).T, "transposed"),
    "flat": (lambda X, Y, lr, epochs: _gd(X, Y, lr, epochs)[:, 0], "lost a dimension"),
    "1/n twice": (lambda X, Y, lr, epochs: _gd(X, Y, lr / X.shape[1], epochs), "divided by n twice"),
    "returns the gradient": (lambda X, Y, lr, epochs: _dw(_gd(X, Y, lr, epochs), X, Y), "Exercise 1.12"),
    "hard-coded zeros": (lambda X, Y, lr, epochs: np.zeros((3, 1)), "Exercise 1.12"),
}


@pytest.mark.parametrize("name", WRONG_1_12)
def test_1_12_wrong_answers_are_named(name):
    fn, needle = WRONG_1_12[name]
    rejected("1.12", fn, needle)


def _gd_fit(X, Y, lr, epochs):
    net = tl.MLP([np.zeros((3, 1))], ["sigmoid"])
    net.fit(X, Y, lr=lr, epochs=epochs)
    return net.weights[0]


def _gd_backward(X, Y, lr, epochs):
    net = tl.MLP([np.zeros((3, 1))], ["sigmoid"])
    for _ in range(epochs):
        net.forward(X)
        net.weights[0] -= lr * net.backward(Y)[0]
    return net.weights[0]


def _gd_step(X, Y, lr, epochs):
    net = tl.MLP([np.zeros((3, 1))], ["sigmoid"])
    for _ in range(epochs):
        net.forward(X)
        net.step([_dw(net.weights[0], X, Y)], lr)
    return net.weights[0]


@pytest.mark.parametrize("shortcut", [_gd_fit, _gd_backward, _gd_step])
def test_1_12_library_shortcuts_are_refused(shortcut):
    rejected("1.12", shortcut, "write the maths yourself")


# ================================================================================ messages
def test_messages_name_both_values_and_the_worst_entry():
    message = rejected("1.1", WRONG_1_1["no 1/n"][0])
    assert "expected: 0.1643" in message and "got:      0.3285" in message
    message = rejected("1.8", WRONG_1_8["transposed"][0])
    assert "shape (3, 1)" in message and "shape (1, 3)" in message
    message = rejected("1.8", WRONG_1_8["sign"][0])
    assert "worst entry" in message


def test_checkers_are_deterministic():
    fn = WRONG_1_12["no 1/n"][0]
    assert failure_message(checks.exercise_1_12, fn) == failure_message(checks.exercise_1_12, fn)


def test_a_failing_check_points_to_the_staged_hints():
    message = rejected("1.5", WRONG_1_5["sign"][0])
    assert 'checks.hint("1.5")' in message


# ================================================================================ figures and explorers
@pytest.fixture
def no_show(monkeypatch):
    monkeypatch.setattr(plt, "show", lambda *a, **k: None)
    yield
    plt.close("all")


def test_figures_of_the_notebook_draw(no_show):
    from tutorial_lib import plotting, widgets

    X_raw, Y = tl.load_wine_binary(standardize=False)
    X, _ = tl.load_wine_binary()
    ax = plotting.wine_feature_scatter(X_raw, Y, title="t")
    assert ax.get_xlabel() == plotting.WINE_RAW_AXES[0]
    assert "59 wines" in ax.get_legend_handles_labels()[1][0]
    W = np.array([-0.6, 2.2, 3.4])
    fig, axes = plotting.boundary_pair(W, W + 0.01, X, Y, titles=("a", "b"), labels=("one", "two"))
    assert len(axes) == 2 and all(a.get_xlabel() == plotting.WINE_STD_AXES[0] for a in axes)
    fig = widgets.draw_weights_view(X, Y, 0.0, 1.0, 1.0)
    assert fig.axes[0].get_title().startswith("E = 0.2663")
    fig = widgets.draw_weights_view(X, Y, 0.5, 0.0, 0.0)
    assert "no boundary" in fig.axes[0].get_title()
    fig = widgets.draw_learning_rate_view(X, Y, 2.0, 50)
    assert len(fig.axes) == 2


def test_the_step_size_figure_marks_the_smallest_error(no_show):
    from tutorial_lib import plotting

    steps = 10.0 ** np.arange(-8, 0.1, 1.0)
    errors = 1e-16 / steps + steps ** 2
    ax = plotting.central_difference_errors(steps, errors, truncation=steps ** 2, roundoff=1e-16 / steps)
    labels = ax.get_legend_handles_labels()[1]
    assert any(label.startswith("smallest error") and "eps = 1e-06" in label for label in labels)
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert "log scale" in ax.get_xlabel() and "log scale" in ax.get_ylabel()


def test_explorers_build(no_show):
    from ipywidgets import interactive

    from tutorial_lib import widgets

    X, Y = tl.load_wine_binary()
    for explorer in (widgets.logistic_weights_explorer(X, Y), widgets.logistic_lr_explorer(X, Y)):
        assert isinstance(explorer, interactive)
        sliders = [w for w in explorer.children if hasattr(w, "continuous_update")]
        assert sliders and all(not w.continuous_update for w in sliders)
