"""Checkers of notebook 02 (imbalanced classes, alpha and beta): every correct answer passes, every wrong
one fails with a teaching message.

For every code exercise: the solution notebook's own answer passes and its placeholder raises
NotImplementedError; other correct answers pass; every odd return value, the library's and
scikit-learn's shortcuts, a numerical gradient where backprop is asked for, an answer tuned to the
public inputs (under a grading seed) and many wrong answers are rejected with a short message that
names the mistake and holds no code to paste; the staged hints are code-free.  The reference answers are
the answer cells of ``solutions/02_imbalanced_weighting.ipynb``, run in a namespace holding only ``np``
and ``tl``.
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
    assert_hints_are_staged, assert_odd_returns_rejected, assert_rejected, assert_teaching_message,
    failure_message,
)
from notebook_answers import (  # noqa: E402
    DEF_NAME, SOLUTIONS, assert_reference_passes, assert_unattempted_raises, checker, define, exercises,
    mistake_message,
)

import tutorial_lib as tl  # noqa: E402
from tutorial_lib.checks import _common, nb02  # noqa: E402

NOTEBOOK = "02_imbalanced_weighting"
EXERCISES = exercises(NOTEBOOK)
FUNCTION = {"2.2": "weighted_bce_loss", "2.3": "weighted_bce_grad", "2.5": "weighted_bce_grad_f",
            "2.6": "balanced_weights", "2.7": "my_class_weights"}
CODE_EXERCISES = list(FUNCTION)
WRITTEN_EXERCISES = ["2.1", "2.4", "2.8"]


def reference(exercise):
    return define(EXERCISES[exercise].answer_source, FUNCTION[exercise])


def passes(exercise, fn) -> None:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        checker(exercise)(fn)
    assert out.getvalue() == f"Exercise {exercise}: passed the public checks.\n"


def rejected(exercise, fn, *needles) -> str:
    return assert_rejected(checker(exercise), fn, exercise, *needles)


@contextlib.contextmanager
def grading(seed=7):
    _common.set_grading_seed(seed)
    try:
        yield
    finally:
        _common.set_grading_seed(None)


def _p(Y_hat):
    return np.clip(Y_hat, 1e-15, 1 - 1e-15)


def _cells():
    return nbformat.read(SOLUTIONS / f"{NOTEBOOK}.ipynb", as_version=4).cells


# ================================================================================ the notebook
def test_the_notebook_has_exactly_the_code_exercises_the_checkers_cover():
    assert set(EXERCISES) == set(CODE_EXERCISES)
    assert {ex: answer.argument for ex, answer in EXERCISES.items()} == FUNCTION
    assert sorted(name for name in dir(nb02) if name.startswith("exercise_")) == sorted(
        "exercise_" + ex.replace(".", "_") for ex in CODE_EXERCISES)


def test_written_exercises_have_rubrics_and_the_derivation_comes_before_its_code():
    text = [c.source for c in _cells()]
    position = {}
    for ex in WRITTEN_EXERCISES:
        i = next(k for k, s in enumerate(text) if f"**Exercise {ex} (written).**" in s)
        assert "<!-- BEGIN ANSWER -->" in text[i]
        assert text[i + 1].startswith("<details><summary>Rubric: what a good answer says</summary>")
        position[ex] = i
    check = {ex: next(k for k, s in enumerate(text) if s.startswith(
        f"# NBVAL_CHECK_OUTPUT\nchecks.exercise_{ex.replace('.', '_')}(")) for ex in CODE_EXERCISES}
    assert check["2.3"] < position["2.4"] < check["2.5"]
    assert position["2.8"] > max(check.values())
    for ex in ["2.3", "2.5", "2.6"]:
        assert text[check[ex] + 1].startswith("<details><summary>Worked derivation"), ex
    for ex in CODE_EXERCISES:
        above = next(s for s in reversed(text[:check[ex] - 1]) if f"**Exercise {ex}.**" in s)
        assert above.count("<details><summary>Hint") >= 2, ex


def test_the_notebook_is_self_contained_and_reports_held_out_results():
    cells = _cells()
    student_text = "\n".join(re.sub(r"<!-- BEGIN ANSWER -->.*?<!-- END ANSWER -->", "", c.source, flags=re.S)
                             for c in cells)
    for phrase in ("A.3", "A.4", "part A", "part B"):
        assert phrase not in student_text, phrase
    assert not re.search(r"\btutorial\b(?!_lib)", student_text)
    for phrase in ("train_test_split", "stratify=", "random_state=0", "held-out", "precision", "threshold",
                   "de-calibrates"):
        assert phrase in student_text, phrase
    summary = cells[-1].source
    assert summary.startswith("## Summary")
    for leak in ("10\\beta", "5.5", "0.55", "n / (2n_c)", "n/(2n_c)", "the ratio", "accuracy hides"):
        assert leak not in summary, leak


def test_the_checkers_split_is_the_notebooks_split():
    source = next(c.source for c in _cells() if "train_test_split(np.arange" in c.source)
    namespace = {"np": np, "tl": tl}
    exec("from sklearn.model_selection import train_test_split\n" + source, namespace)  # noqa: S102
    with contextlib.redirect_stdout(io.StringIO()):
        pass
    X, Y, X_test, Y_test = nb02.training_split()
    np.testing.assert_array_equal(namespace["X"], X)
    np.testing.assert_array_equal(namespace["Y"], Y)
    np.testing.assert_array_equal(namespace["X_test"], X_test)
    np.testing.assert_array_equal(namespace["Y_test"], Y_test)
    assert (Y.shape[1], int(Y.sum()), Y_test.shape[1], int(Y_test.sum())) == (770, 70, 330, 30)


def test_the_exact_reference_of_2_5_agrees_with_central_differences():
    for Y_hat, Y, F, alpha, beta, label in nb02._cases("2.5")[:-1]:
        F_work = F.copy()
        numeric = tl.numerical_gradient(lambda: tl.bce_loss(tl.sigmoid(F_work), Y, alpha, beta), F_work)
        assert tl.relative_error(nb02._grad_f_formula(Y_hat, Y, alpha, beta), numeric) < 1e-8, label


def test_illustration_cells_use_no_student_function():
    for cell in _cells():
        if "illustration" in cell.metadata.get("tags", []):
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


@pytest.mark.parametrize("exercise", ["2.2", "2.3", "2.5", "2.6"])
def test_an_answer_tuned_to_the_public_inputs_fails_under_a_grading_seed(exercise):
    ref = reference(exercise)
    seen = {}

    def key(args):
        return tuple(a.tobytes() if isinstance(a, np.ndarray) else repr(a) for a in args)

    def recorder(*args):
        seen[key(args)] = result = ref(*args)
        return result

    passes(exercise, recorder)
    first = next(iter(seen.values()))

    def memorised(*args):
        found = seen.get(key(args))
        if found is not None:
            return found
        return (1.0, 1.0) if isinstance(first, tuple) else np.zeros_like(np.asarray(first, dtype=float))

    passes(exercise, memorised)
    with grading():
        assert_teaching_message(failure_message(checker(exercise), memorised), exercise)


# ================================================================================ planted mistakes
def test_every_code_exercise_has_planted_mistakes_of_the_required_kinds():
    kinds = {}
    for m in nb02.PLANTED_MISTAKES:
        kinds.setdefault(m["exercise"], set()).add(m["kind"])
    assert set(kinds) == set(CODE_EXERCISES)
    for exercise in ("2.2", "2.3", "2.5"):
        assert {"alpha and beta swapped", "missing 1/n", "flipped sign"} <= kinds[exercise]
    assert "alpha and beta swapped" in kinds["2.6"] and "alpha and beta swapped" in kinds["2.7"]


@pytest.mark.parametrize("mistake", nb02.PLANTED_MISTAKES, ids=lambda m: f"{m['exercise']}-{m['kind']}")
def test_every_planted_mistake_fails_with_its_hint(mistake):
    answer = EXERCISES[mistake["exercise"]]
    assert DEF_NAME.findall(mistake["source"]) == [answer.argument]
    message = mistake_message(NOTEBOOK, mistake)
    assert_teaching_message(message, mistake["exercise"])


def test_the_worked_example_is_the_first_case():
    Y_hat, Y, _, alpha, beta, _ = nb02._cases("2.2")[0]
    np.testing.assert_allclose(Y_hat, [[0.2, 0.9]])
    expected = -0.5 * (beta * np.log(0.8) + alpha * np.log(0.9))
    assert tl.bce_loss(Y_hat, Y, alpha, beta) == pytest.approx(expected, rel=1e-12)
    assert expected == pytest.approx(0.35111, abs=5e-6)


# ================================================================================ 2.2 weighted_bce_loss
def _wterms(Y_hat, Y, alpha, beta):
    P = _p(Y_hat)
    return alpha * Y * np.log(P) + beta * (1 - Y) * np.log(1 - P)


def _loss_loop(Y_hat, Y, alpha, beta):
    total = 0.0
    for p, y in zip(Y_hat[0], Y[0]):
        p = min(max(p, 1e-15), 1 - 1e-15)
        total += alpha * math.log(p) if y == 1 else beta * math.log(1 - p)
    return -total / len(Y[0])


def _loss_xlogy(Y_hat, Y, alpha, beta):
    from scipy.special import xlogy

    return float(-(alpha * xlogy(Y, Y_hat) + beta * xlogy(1 - Y, 1 - Y_hat)).mean())


@pytest.mark.parametrize("fn", [
    _loss_loop, _loss_xlogy,
    lambda Y_hat, Y, alpha, beta: float(-np.mean((alpha * Y + beta * (1 - Y))
                                                 * (Y * np.log(_p(Y_hat)) + (1 - Y) * np.log1p(-_p(Y_hat))))),
    lambda Y_hat, Y, alpha, beta: float(-np.mean(np.where(Y == 1, alpha * np.log(_p(Y_hat)),
                                                          beta * np.log(1 - _p(Y_hat))))),
    lambda Y_hat, Y, alpha, beta: -np.sum(_wterms(Y_hat, Y, alpha, beta)) / Y.size,
])
def test_2_2_other_correct_answers_pass(fn):
    passes("2.2", fn)


WRONG_2_2 = {
    "swapped": (lambda Y_hat, Y, a, b: float(-_wterms(Y_hat, Y, b, a).mean()), "alpha and beta are swapped"),
    "unweighted": (lambda Y_hat, Y, a, b: float(-_wterms(Y_hat, Y, 1.0, 1.0).mean()), "unweighted result"),
    "log10": (lambda Y_hat, Y, a, b: float(-_wterms(Y_hat, Y, a, b).mean() / np.log(10)), "natural logarithm"),
    "total weight": (lambda Y_hat, Y, a, b: float(-_wterms(Y_hat, Y, a, b).sum() / (a * Y + b * (1 - Y)).sum()),
                     "divided by the total weight"),
    "both weights": (lambda Y_hat, Y, a, b: float(-a * b * _wterms(Y_hat, Y, 1.0, 1.0).mean()), "both weights"),
    "A term only": (lambda Y_hat, Y, a, b: float(-(a * Y * np.log(_p(Y_hat))).mean()), "only the variety-A term"),
    "B term only": (lambda Y_hat, Y, a, b: float(-(b * (1 - Y) * np.log(1 - _p(Y_hat))).mean()),
                    "only the variety-B term"),
    "class averages": (lambda Y_hat, Y, a, b: float(-(a * Y * np.log(_p(Y_hat))).sum() / Y.sum()
                                                    - (b * (1 - Y) * np.log(1 - _p(Y_hat))).sum() / (1 - Y).sum()),
                       "Exercise 2.2"),
    "no 1/n": (lambda Y_hat, Y, a, b: float(-_wterms(Y_hat, Y, a, b).sum()), "the 1/n is missing"),
    "sign": (lambda Y_hat, Y, a, b: float(_wterms(Y_hat, Y, a, b).mean()), "wrong sign"),
    "no clipping": (lambda Y_hat, Y, a, b: float(-(a * Y * np.log(Y_hat) + b * (1 - Y) * np.log(1 - Y_hat)).mean()),
                    "0 times log 0"),
    "grid": (lambda Y_hat, Y, a, b: -(a * Y.T * np.log(_p(Y_hat)) + b * (1 - Y.T) * np.log(1 - _p(Y_hat))) / Y.shape[1],
             "broadcast to (n, n)"),
    "per-sample": (lambda Y_hat, Y, a, b: -_wterms(Y_hat, Y, a, b) / Y.shape[1], "single number"),
    "(1, 1)": (lambda Y_hat, Y, a, b: -_wterms(Y_hat, Y, a, b).mean(keepdims=True), "single number"),
    "coarse clipping": (lambda Y_hat, Y, a, b: float(-_wterms(np.clip(Y_hat, 1e-3, 1 - 1e-3), Y, a, b).mean()),
                        "tiny eps"),
    "hard-coded": (lambda Y_hat, Y, a, b: 0.35111, "Exercise 2.2"),
    "weights inside the log": (lambda Y_hat, Y, a, b: float(-(Y * np.log(a * _p(Y_hat))
                                                              + (1 - Y) * np.log(b * (1 - _p(Y_hat)))).mean()),
                               "Exercise 2.2"),
    "string": (lambda Y_hat, Y, a, b: "0.351", "text"),
}


@pytest.mark.parametrize("name", WRONG_2_2)
def test_2_2_wrong_answers_are_named(name):
    fn, needle = WRONG_2_2[name]
    rejected("2.2", fn, needle)


def _sk_loss(Y_hat, Y, alpha, beta):
    from sklearn.metrics import log_loss

    w = alpha * Y[0] + beta * (1 - Y[0])
    return float(log_loss(Y[0], Y_hat[0], sample_weight=w, labels=[0, 1]) * w.sum() / Y.shape[1])


@pytest.mark.parametrize("shortcut", [
    lambda Y_hat, Y, a, b: tl.bce_loss(Y_hat, Y, a, b),
    lambda Y_hat, Y, a, b: tl.MLP([np.ones((1, 1))], ["identity"]).loss(Y_hat, Y, alpha=a, beta=b),
    _sk_loss,
])
def test_2_2_library_shortcuts_are_refused(shortcut):
    rejected("2.2", shortcut, "write the maths yourself")


# ================================================================================ 2.3 weighted_bce_grad
def _wgrad(Y_hat, Y, a, b):
    P = _p(Y_hat)
    return (-a * Y / P + b * (1 - Y) / (1 - P)) / Y.shape[1]


def _wgrad_loop(Y_hat, Y, a, b):
    n = Y.shape[1]
    out = np.zeros((1, n))
    for i in range(n):
        p = min(max(Y_hat[0, i], 1e-15), 1 - 1e-15)
        out[0, i] = (-a / p if Y[0, i] == 1 else b / (1 - p)) / n
    return out


@pytest.mark.parametrize("fn", [
    _wgrad_loop,
    lambda Y_hat, Y, a, b: (a * Y + b * (1 - Y)) * (_p(Y_hat) - Y) / (_p(Y_hat) * (1 - _p(Y_hat))) / Y.shape[1],
    lambda Y_hat, Y, a, b: -(a * Y / _p(Y_hat) - b * (1 - Y) / (1 - _p(Y_hat))) / Y.size,
    lambda Y_hat, Y, a, b: np.where(Y == 1, -a / _p(Y_hat), b / (1 - _p(Y_hat))) / Y.shape[1],
])
def test_2_3_other_correct_answers_pass(fn):
    passes("2.3", fn)


WRONG_2_3 = {
    "swapped": (lambda Y_hat, Y, a, b: _wgrad(Y_hat, Y, b, a), "alpha and beta are swapped"),
    "unweighted": (lambda Y_hat, Y, a, b: _wgrad(Y_hat, Y, 1.0, 1.0), "unweighted result"),
    "weighted dE/df": (lambda Y_hat, Y, a, b: (a * Y + b * (1 - Y)) * (Y_hat - Y) / Y.shape[1], "this is dE/df"),
    "unweighted dE/df": (lambda Y_hat, Y, a, b: (Y_hat - Y) / Y.shape[1], "unweighted dE/df"),
    "B-term sign": (lambda Y_hat, Y, a, b: (-a * Y / _p(Y_hat) - b * (1 - Y) / (1 - _p(Y_hat))) / Y.shape[1],
                    "variety-B term has the wrong sign"),
    "both weights": (lambda Y_hat, Y, a, b: a * b * _wgrad(Y_hat, Y, 1.0, 1.0), "both weights"),
    "total weight": (lambda Y_hat, Y, a, b: _wgrad(Y_hat, Y, a, b) * Y.shape[1] / (a * Y + b * (1 - Y)).sum(),
                     "divided by the total weight"),
    "loss terms": (lambda Y_hat, Y, a, b: -_wterms(Y_hat, Y, a, b) / Y.shape[1], "loss terms"),
    "no 1/n": (lambda Y_hat, Y, a, b: _wgrad(Y_hat, Y, a, b) * Y.shape[1], "the 1/n is missing"),
    "sign": (lambda Y_hat, Y, a, b: -_wgrad(Y_hat, Y, a, b), "wrong sign"),
    "no clipping": (lambda Y_hat, Y, a, b: (-a * Y / Y_hat + b * (1 - Y) / (1 - Y_hat)) / Y.shape[1],
                    "0 times log 0"),
    "transposed": (lambda Y_hat, Y, a, b: _wgrad(Y_hat, Y, a, b).T, "transposed"),
    "flat": (lambda Y_hat, Y, a, b: _wgrad(Y_hat, Y, a, b)[0], "lost a dimension"),
    "scalar": (lambda Y_hat, Y, a, b: float(_wgrad(Y_hat, Y, a, b).sum()), "shape"),
    "coarse clipping": (lambda Y_hat, Y, a, b: _wgrad(np.clip(Y_hat, 1e-3, 1 - 1e-3), Y, a, b),
                        "clipped with a large eps"),
    "squared weights": (lambda Y_hat, Y, a, b: _wgrad(Y_hat, Y, a * a, b * b), "Exercise 2.3"),
}


@pytest.mark.parametrize("name", WRONG_2_3)
def test_2_3_wrong_answers_are_named(name):
    fn, needle = WRONG_2_3[name]
    rejected("2.3", fn, needle)


@pytest.mark.parametrize("shortcut", [
    lambda Y_hat, Y, a, b: tl.bce_grad(Y_hat, Y, a, b),
    lambda Y_hat, Y, a, b: tl.numerical_gradient(lambda: tl.bce_loss(Y_hat, Y, a, b), Y_hat),
])
def test_2_3_library_shortcuts_are_refused(shortcut):
    rejected("2.3", shortcut, "write the maths yourself")


# ================================================================================ 2.5 weighted_bce_grad_f
def _wf(Y_hat, Y, a, b):
    return (a * Y + b * (1 - Y)) * (Y_hat - Y) / Y.shape[1]


def _wf_clipped_chain(Y_hat, Y, a, b):
    P = _p(Y_hat)
    return (-a * Y / P + b * (1 - Y) / (1 - P)) * P * (1 - P) / Y.shape[1]


def _wf_loop(Y_hat, Y, a, b):
    n = Y.shape[1]
    return np.array([[(a * (p - 1) if y == 1 else b * p) / n for p, y in zip(Y_hat[0], Y[0])]])


@pytest.mark.parametrize("fn", [
    _wf, _wf_clipped_chain, _wf_loop,
    lambda Y_hat, Y, a, b: np.where(Y == 1, a * (Y_hat - 1), b * Y_hat) / Y.shape[1],
])
def test_2_5_other_correct_answers_pass(fn):
    passes("2.5", fn)


def _wf_numerical(Y_hat, Y, a, b):
    F = np.log(_p(Y_hat) / (1 - _p(Y_hat)))
    out = np.zeros_like(F)
    for i in range(F.shape[1]):
        up, down = F.copy(), F.copy()
        up[0, i] += 1e-6
        down[0, i] -= 1e-6
        out[0, i] = (tl.bce_loss(tl.sigmoid(up), Y, a, b) - tl.bce_loss(tl.sigmoid(down), Y, a, b)) / 2e-6
    return out


WRONG_2_5 = {
    "swapped": (lambda Y_hat, Y, a, b: _wf(Y_hat, Y, b, a), "alpha and beta are swapped"),
    "unweighted": (lambda Y_hat, Y, a, b: (Y_hat - Y) / Y.shape[1], "unweighted (Y_hat - Y)/n"),
    "dE/dY_hat": (lambda Y_hat, Y, a, b: _wgrad(Y_hat, Y, a, b), "the chain rule still needs"),
    "slope at Y_hat": (lambda Y_hat, Y, a, b: _wgrad(Y_hat, Y, a, b) * tl.sigmoid_grad(Y_hat),
                       "you applied the sigmoid's derivative to Y_hat"),
    "unclipped chain": (lambda Y_hat, Y, a, b: (-a * Y / Y_hat + b * (1 - Y) / (1 - Y_hat)) * Y_hat * (1 - Y_hat)
                        / Y.shape[1], "infinity times 0"),
    "clipped gradient, unclipped slope": (lambda Y_hat, Y, a, b: _wgrad(Y_hat, Y, a, b) * Y_hat * (1 - Y_hat),
                                          "simplify the product"),
    "slope twice": (lambda Y_hat, Y, a, b: _wf(Y_hat, Y, a, b) * Y_hat * (1 - Y_hat), "counted twice"),
    "no 1/n": (lambda Y_hat, Y, a, b: _wf(Y_hat, Y, a, b) * Y.shape[1], "the 1/n is missing"),
    "both weights": (lambda Y_hat, Y, a, b: a * b * (Y_hat - Y) / Y.shape[1], "both weights"),
    "total weight": (lambda Y_hat, Y, a, b: (a * Y + b * (1 - Y)) * (Y_hat - Y) / (a * Y + b * (1 - Y)).sum(),
                     "divided by the total weight"),
    "sign": (lambda Y_hat, Y, a, b: -_wf(Y_hat, Y, a, b), "wrong sign"),
    "transposed": (lambda Y_hat, Y, a, b: _wf(Y_hat, Y, a, b).T, "transposed"),
    "flat": (lambda Y_hat, Y, a, b: _wf(Y_hat, Y, a, b)[0], "lost a dimension"),
    "numerical": (_wf_numerical, "what finite differences give"),
    "float32": (lambda Y_hat, Y, a, b: _wf(Y_hat, Y, a, b).astype(np.float32), "float32"),
    "weights on the wrong factor": (lambda Y_hat, Y, a, b: (b * Y + a * (1 - Y)) * (Y_hat - Y) / Y.shape[1],
                                    "alpha and beta are swapped"),
}


@pytest.mark.parametrize("name", WRONG_2_5)
def test_2_5_wrong_answers_are_named(name):
    fn, needle = WRONG_2_5[name]
    rejected("2.5", fn, needle)


def _wf_backward(Y_hat, Y, a, b):
    net = tl.MLP([np.array([[0.0], [1.0]])], ["sigmoid"])
    logits = np.log(_p(Y_hat) / (1 - _p(Y_hat)))
    net.forward(np.vstack([np.ones_like(logits), logits]))
    net.backward(Y, alpha=a, beta=b)
    return net.grad_f[0]


@pytest.mark.parametrize("shortcut", [
    _wf_backward,
    lambda Y_hat, Y, a, b: tl.numerical_gradient(lambda: 0.0, np.log(_p(Y_hat) / (1 - _p(Y_hat)))),
])
def test_2_5_library_shortcuts_are_refused(shortcut):
    rejected("2.5", shortcut, "write the maths yourself")


# ================================================================================ 2.6 balanced_weights
@pytest.mark.parametrize("fn", [
    lambda Y: np.array([Y.shape[1] / (2 * Y.sum()), Y.shape[1] / (2 * (Y.shape[1] - Y.sum()))]),
    lambda Y: [Y.size / (2.0 * np.count_nonzero(Y)), Y.size / (2.0 * np.count_nonzero(Y == 0))],
    lambda Y: tuple(Y.shape[1] / (2 * np.bincount(Y[0].astype(int), minlength=2)[::-1])),
    lambda Y: (0.5 / Y.mean(), 0.5 / (1 - Y.mean())),
])
def test_2_6_other_correct_answers_pass(fn):
    passes("2.6", fn)


def _counts(Y):
    n = Y.shape[1]
    n_a = Y.sum()
    return n, n_a, n - n_a


WRONG_2_6 = {
    "swapped": (lambda Y: (_counts(Y)[0] / (2 * _counts(Y)[2]), _counts(Y)[0] / (2 * _counts(Y)[1])),
                "alpha and beta are swapped"),
    "factor 2 missing": (lambda Y: (_counts(Y)[0] / _counts(Y)[1], _counts(Y)[0] / _counts(Y)[2]),
                         "the average sample weight is 2"),
    "upside down": (lambda Y: (2 * _counts(Y)[1] / _counts(Y)[0], 2 * _counts(Y)[2] / _counts(Y)[0]), "upside down"),
    "ratio only": (lambda Y: (_counts(Y)[2] / _counts(Y)[1], 1.0), "ratio alpha / beta = n_B / n_A is right"),
    "ratio only, other way": (lambda Y: (1.0, _counts(Y)[1] / _counts(Y)[2]), "average sample weight is not 1"),
    "class shares swapped": (lambda Y: (_counts(Y)[2] / _counts(Y)[0], _counts(Y)[1] / _counts(Y)[0]),
                             "class shares"),
    "1 / n_c": (lambda Y: (1 / _counts(Y)[1], 1 / _counts(Y)[2]), "1 / n_c"),
    "half": (lambda Y: (_counts(Y)[0] / (4 * _counts(Y)[1]), _counts(Y)[0] / (4 * _counts(Y)[2])), "is 1/2"),
    "hard-coded": (lambda Y: (5.5, 0.55), "random labels"),
    "integer division": (lambda Y: (_counts(Y)[0] // (2 * _counts(Y)[1]), _counts(Y)[0] // (2 * _counts(Y)[2])),
                         "Exercise 2.6"),
    "rows instead of columns": (lambda Y: (Y.shape[0] / (2 * Y.sum()), Y.shape[0] / (2 * (Y.size - Y.sum()))),
                                "Exercise 2.6"),
    "one number": (lambda Y: Y.shape[1] / (2 * Y.sum()), "two numbers"),
    "three numbers": (lambda Y: (1.0, 2.0, 3.0), "two numbers"),
    "dict": (lambda Y: {"alpha": 5.5, "beta": 0.55}, "two numbers"),
    "zero weight": (lambda Y: (Y.shape[1] / (2 * Y.sum()), 0.0), "positive, finite"),
    "negative": (lambda Y: (-5.5, 0.55), "positive, finite"),
    "nan": (lambda Y: (float("nan"), 0.55), "positive, finite"),
    "strings": (lambda Y: ("5.5", "0.55"), "single number"),
}


@pytest.mark.parametrize("name", WRONG_2_6)
def test_2_6_wrong_answers_are_named(name):
    fn, needle = WRONG_2_6[name]
    rejected("2.6", fn, needle)


def test_2_6_scikit_learns_helper_is_refused():
    from sklearn.utils.class_weight import compute_class_weight

    def balanced_weights(Y):
        beta, alpha = compute_class_weight("balanced", classes=np.array([0, 1]), y=Y[0].astype(int))
        return alpha, beta

    rejected("2.6", balanced_weights, "write the maths yourself")


# ================================================================================ 2.7 my_class_weights
@pytest.mark.parametrize("returned", [(10.0, 1.0), (np.float64(5.5), np.array(0.55)), np.array([10.0, 1.0]),
                                      [3, 1], (2.0, 1.0), (100.0, 1.0)])
def test_2_7_reasonable_choices_pass(returned):
    passes("2.7", lambda: returned)


WRONG_2_7 = {
    "swapped": ((0.55, 5.5), "alpha and beta look swapped"),
    "equal": ((2.0, 2.0), "only rescales the loss"),
    "ratio near 1": ((1.05, 1.0), "too close to 1"),
    "ratio far too large": ((1e4, 1.0), "balanced accuracy fell"),
    "negative": ((-1.0, 1.0), "positive, finite"),
    "zero": ((5.0, 0.0), "positive, finite"),
    "infinite": ((float("inf"), 1.0), "positive, finite"),
    "string": (("ten", 1.0), "single number"),
    "array inside": ((np.array([10.0, 1.0]), 1.0), "single number"),
    "bool": ((True, 1.0), "truth value"),
    "one number": (10.0, "two numbers"),
    "three numbers": ((10.0, 1.0, 1.0), "two numbers"),
    "None": (None, "returned None"),
    "dict": ({"alpha": 10.0, "beta": 1.0}, "two numbers"),
}


@pytest.mark.parametrize("name", WRONG_2_7)
def test_2_7_wrong_choices_are_named(name):
    returned, needle = WRONG_2_7[name]
    rejected("2.7", lambda: returned, needle)


def test_2_7_needs_a_function_without_arguments():
    rejected("2.7", (10.0, 1.0), "expected a function")

    def my_class_weights(Y):
        return 10.0, 1.0

    rejected("2.7", my_class_weights, "your function raised TypeError")


def test_2_7_reports_a_balanced_accuracy_that_fell(monkeypatch):
    fake = {(1.0, 1.0): (0.66, 0.83), (1000.0, 1.0): (1.0, 0.80)}
    monkeypatch.setattr(nb02, "_scores", lambda a, b: fake[(a, b)])
    message = rejected("2.7", lambda: (1000.0, 1.0), "balanced accuracy fell")
    assert "expected: at least 0.8300" in message and "got:      0.8000" in message


def test_2_7_trains_on_the_training_split_and_only_the_ratio_counts():
    recall_plain, balanced_plain = nb02._scores(1.0, 1.0)
    recall_w, balanced_w = nb02._scores(5.5, 0.55)
    assert recall_w > recall_plain + 0.2 and balanced_w > balanced_plain
    assert nb02._scores(10.0, 1.0) == pytest.approx((recall_w, balanced_w))


# ================================================================================ figures
@pytest.fixture
def no_show(monkeypatch):
    monkeypatch.setattr(plt, "show", lambda *a, **k: None)
    yield
    plt.close("all")


def test_the_threshold_and_calibration_figures_draw(no_show):
    from tutorial_lib import plotting

    rng = np.random.default_rng(0)
    Y = (rng.random((1, 200)) < 0.1).astype(float)
    p = np.clip(0.6 * Y + rng.uniform(0, 0.5, size=Y.shape), 0, 1)
    ax = plotting.imbalance_precision_recall({"a": p, "b": p ** 0.5}, Y, points=[("a at 0.5", "a", 0.5)])
    labels = ax.get_legend_handles_labels()[1]
    assert any(label.startswith("a at 0.5: recall") for label in labels)
    assert "recall" in ax.get_xlabel() and "precision" in ax.get_ylabel()
    ax = plotting.imbalance_calibration({"a": p}, Y, n_bins=4)
    assert "predicted probability" in ax.get_xlabel() and ax.get_ylim() == (0.0, 1.0)


def test_the_explorer_builds(no_show):
    from ipywidgets import interactive

    from tutorial_lib import widgets

    X, Y, _, _ = nb02.training_split()
    explorer = widgets.alpha_beta_explorer(X, Y)
    assert isinstance(explorer, interactive)
    sliders = [w for w in explorer.children if hasattr(w, "continuous_update")]
    assert len(sliders) == 2 and all(not w.continuous_update for w in sliders)
