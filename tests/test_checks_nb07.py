"""Checkers of notebook 07 (gradient descent), its figures and its explorer.

For every code exercise (7.1 gradient, 7.2 the diverging step, 7.4 largest stable step, 7.6 the descent loop
with stopping rules, 7.8 the Hessian of the logistic loss): the notebook's own answer passes and the placeholder
is "not attempted"; other correct answers pass; every odd return, the library's shortcuts, numerical
derivatives where the exact one is asked for, and many wrong answers are rejected with a teaching message;
answers tuned to the public inputs fail under a grading seed; the hints come in code-free stages.  The
reference answers are the answer cells of ``solutions/07_gradient_descent.ipynb``, run in a namespace holding
only ``np`` and ``tl``.
"""

from __future__ import annotations

import contextlib
import io
import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from checker_contract import (  # noqa: E402
    ODD_RETURNS, assert_hints_are_staged, assert_odd_returns_rejected, assert_rejected, assert_teaching_message,
    failure_message, pasteable_code,
)
from notebook_answers import (  # noqa: E402
    assert_reference_passes, assert_unattempted_raises, checker, define, exercises, mistake_message,
    solution_notebook,
)

import tutorial_lib as tl  # noqa: E402
from tutorial_lib import checks, plotting, widgets  # noqa: E402
from tutorial_lib.checks import _common, nb07  # noqa: E402

NOTEBOOK = "07_gradient_descent"
EXERCISES = exercises(NOTEBOOK)
CODE_EXERCISES = ["7.1", "7.2", "7.4", "7.6", "7.8"]
FUNCTION_EXERCISES = ["7.1", "7.4", "7.6", "7.8"]
WRITTEN_EXERCISES = ["7.3", "7.5", "7.7", "7.9"]
FUNCTION = {"7.1": "grad_f", "7.2": "eta_smallest_diverging", "7.4": "largest_stable_step",
            "7.6": "gradient_descent", "7.8": "logistic_hessian"}
H = np.array([[2.0, 1.0], [1.0, 8.0]])


def reference(exercise):
    """The notebook's own answer to ``exercise``, as a function."""
    return define(EXERCISES[exercise].answer_source, FUNCTION[exercise])


def passes(exercise, answer):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        checker(exercise)(answer)
    assert out.getvalue() == f"Exercise {exercise}: passed the public checks.\n"


def rejected(exercise, answer, *needles):
    return assert_rejected(checker(exercise), answer, exercise, *needles)


def rejected_with_student_line(exercise, answer, *needles):
    """As :func:`rejected`, for an exception inside the student's code: the message quotes the student's own
    line (which may hold code); everything else in it must be a teaching message."""
    message = failure_message(checker(exercise), answer)
    assert message.startswith(f"Exercise {exercise}: your function raised "), message
    assert "\n  at line " in message, message
    assert_teaching_message("\n".join(line for line in message.split("\n")
                                       if not line.startswith("  at line ")), exercise)
    for needle in needles:
        assert needle in message, (needle, message)
    return message


@contextlib.contextmanager
def grading(seed=7007):
    _common.set_grading_seed(seed)
    try:
        yield
    finally:
        _common.set_grading_seed(None)


def _cells():
    return solution_notebook(NOTEBOOK).cells


# ================================================================================ the notebook
def test_the_notebook_has_exactly_the_code_exercises_the_checkers_cover():
    assert sorted(EXERCISES) == CODE_EXERCISES
    assert {ex: e.argument for ex, e in EXERCISES.items()} == FUNCTION
    assert sorted(n for n in dir(nb07) if n.startswith("exercise_")) == sorted(
        "exercise_" + ex.replace(".", "_") for ex in CODE_EXERCISES)


def test_written_exercises_have_rubrics_and_code_exercises_have_hints_and_worked_derivations():
    text = [c.source for c in _cells()]
    for ex in WRITTEN_EXERCISES:
        i = next(k for k, s in enumerate(text) if f"**Exercise {ex} (written).**" in s)
        assert "<!-- BEGIN ANSWER -->" in text[i] and "<!-- END ANSWER -->" in text[i], ex
        assert text[i + 1].startswith("<details><summary>Rubric: what a good answer says</summary>"), ex
    for ex in CODE_EXERCISES:
        k = next(k for k, s in enumerate(text) if s.startswith(f"# NBVAL_CHECK_OUTPUT\nchecks.exercise_"
                                                               f"{ex.replace('.', '_')}("))
        above = next(s for s in reversed(text[:k - 1]) if f"**Exercise {ex}.**" in s)
        assert above.count("<details><summary>Hint") >= 2, ex
        assert f'checks.hint("{ex}")' in above, ex
    for ex in ["7.1", "7.4", "7.8"]:
        k = next(k for k, s in enumerate(text) if s.startswith(f"# NBVAL_CHECK_OUTPUT\nchecks.exercise_"
                                                               f"{ex.replace('.', '_')}("))
        assert text[k + 1].startswith("<details><summary>Worked derivation (open once your check passes)"), ex
    # Derive first: the stability limit is asked for in writing before the code exercise that uses it.
    written = next(k for k, s in enumerate(text) if "**Exercise 7.3 (written).**" in s)
    code = next(k for k, s in enumerate(text) if "**Exercise 7.4.**" in s)
    assert written < code
    assert "2/\\lambda_{\\max}" not in re.sub(r"<!-- BEGIN ANSWER -->.*?<!-- END ANSWER -->", "", text[written],
                                               flags=re.S)


def test_nothing_leaks_the_answers_and_no_source_document_is_cited():
    cells = _cells()
    student_text = "\n".join(re.sub(r"<!-- BEGIN ANSWER -->.*?<!-- END ANSWER -->", "", c.source, flags=re.S)
                             for c in cells if c.cell_type == "markdown")
    leaks = ("source 001", "source 003", "question 10", "best fixed step", "2/(\\lambda_{\\min}+\\lambda_{\\max})")
    for phrase in leaks:
        assert phrase not in student_text, phrase
    intro = cells[0].source
    assert "2/\\lambda_{\\max}" not in intro
    summary = cells[-1].source.split("## Summary", 1)[1]
    for phrase in ("0.2", "2/(", "\\sqrt{\\varepsilon", "35", "bias weight"):
        assert phrase not in summary, phrase
    # The cell after the stability exercise takes the limit from the library, not from a formula.
    table = next(c.source for c in cells if "1 - eta*lam_min" in c.source)
    assert "plotting.stability_limit(H)" in table and "2 / lam[-1]" not in table


def test_illustration_cells_use_no_student_function():
    tagged = [c for c in _cells() if "illustration" in c.metadata.get("tags", [])]
    assert len(tagged) >= 4
    for cell in tagged:
        assert cell.cell_type == "code"
        for name in FUNCTION.values():
            assert not re.search(rf"(?<![\w.]){name}\b", cell.source), (name, cell.source)
        assert "0.25" not in "".join(o.get("text", "") for o in cell.outputs), "an illustration reveals 7.2"


def test_the_condition_numbers_are_recomputed_from_the_wine_data():
    """The two Hessians of notebook 01's loss at W = 0, by hand: X X^T / (4n)."""
    cells = _cells()
    source = next(c.source for c in cells if "hessian_by_differences" in c.source)
    assert "tl.load_wine_binary(standardize=False)" in source and "tl.load_wine_binary()" in source
    printed = next(o["text"] for c in cells if "hessian_by_differences" in c.source for o in c.outputs
                   if o.get("output_type") == "stream")
    cases = ((False, (5e4, 1e5), (0.04, 0.045)), (True, (6.7, 6.8), (4.5, 4.7)))
    for standardize, kappa_range, step_range in cases:
        X, _ = tl.load_wine_binary(standardize=standardize)
        lam = np.linalg.eigvalsh(X @ X.T / (4 * X.shape[1]))
        kappa = lam[-1] / lam[0]
        assert kappa_range[0] < kappa < kappa_range[1]
        assert step_range[0] < 2 / lam[-1] < step_range[1]
        assert f"{kappa:.3g}" in printed and f"{2 / lam[-1]:.4f}" in printed
    # The standardised condition number is that of the 2x2 correlation block: (1 + rho) / (1 - rho).
    X, _ = tl.load_wine_binary()
    rho = float(np.corrcoef(X[1], X[2])[0, 1])
    assert (1 + abs(rho)) / (1 - abs(rho)) == pytest.approx(6.75, abs=0.005)


# ================================================================================ every code exercise
@pytest.mark.parametrize("exercise", CODE_EXERCISES)
def test_reference_answer_passes_with_the_one_stable_line(exercise):
    assert_reference_passes(NOTEBOOK, exercise)


@pytest.mark.parametrize("exercise", CODE_EXERCISES)
def test_reference_answer_passes_under_a_grading_seed(exercise):
    answer = 0.25 if exercise == "7.2" else reference(exercise)
    with grading():
        passes(exercise, answer)


@pytest.mark.parametrize("exercise", CODE_EXERCISES)
def test_an_unattempted_exercise_raises_not_implemented(exercise):
    assert_unattempted_raises(NOTEBOOK, exercise)


@pytest.mark.parametrize("exercise", CODE_EXERCISES)
def test_hints_are_staged_and_code_free(exercise):
    assert_hints_are_staged(exercise, min_stages=2)
    assert len(nb07.HINTS[exercise]) == 3


@pytest.mark.parametrize("exercise", FUNCTION_EXERCISES)
def test_every_odd_return_gets_a_teaching_message(exercise):
    assert_odd_returns_rejected(checker(exercise), exercise)


def test_every_odd_value_of_7_2_gets_a_teaching_message():
    for label, value in ODD_RETURNS.items():
        if label == "None":
            with pytest.raises(checks.NotAttempted):
                checks.exercise_7_2(value)
            continue
        if label == "generator":
            value = (v for v in [0.25])
        assert_teaching_message(failure_message(checks.exercise_7_2, value), "7.2")
    for value in MORE_ODD_VALUES:
        assert_teaching_message(failure_message(checks.exercise_7_2, value), "7.2")


FUNCTION_EXERCISES_ALL = FUNCTION_EXERCISES

#: More odd values than ``checker_contract.ODD_RETURNS``: array-likes, scalars, nested and empty containers.
MORE_ODD_VALUES = [1, 1.5, np.nan, np.inf, -1, b"x", [], [[]], [1, 2], [[1, 2], [3, 4]], (1,), (np.zeros(2),), {},
                   np.zeros((0, 0)), np.zeros((2, 2, 2)), np.array(["a", "b"]), np.array([1, "a"], dtype=object),
                   np.float32(1), np.int64(3), np.array([[np.nan]]), np.ones((1, 1)), np.ones(2), np.ones((2, 1)),
                   np.ones((3, 3)), range(3), Ellipsis, 1j, np.ma.masked_array([1.0, 2.0], mask=[0, 1])]


@pytest.mark.parametrize("exercise", FUNCTION_EXERCISES_ALL)
def test_no_odd_value_crashes_the_checker(exercise):
    """Each value, returned alone, as a pair, or inside a pair with a list, gets a CheckFailure or passes."""
    for value in MORE_ODD_VALUES:
        for returned in (value, (value, value), (1.0, [value, value])):
            try:
                with contextlib.redirect_stdout(io.StringIO()):
                    checker(exercise)(lambda *args, _r=returned, **kwargs: _r)
            except checks.CheckFailure as failure:
                assert len(str(failure).split("\n")) <= _common.MAX_MESSAGE_LINES


def _key(args):
    return tuple(a.tobytes() if isinstance(a, np.ndarray) else repr(a) for a in args if not callable(a))


@pytest.mark.parametrize("exercise", FUNCTION_EXERCISES)
def test_an_answer_tuned_to_the_public_inputs_fails_under_a_grading_seed(exercise):
    ref = reference(exercise)
    seen = {}

    def recorder(*args):
        seen[_key(args)] = result = ref(*args)
        return result

    passes(exercise, recorder)

    def memorised(*args):
        found = seen.get(_key(args))
        if found is None:
            return np.zeros_like(np.asarray(next(iter(seen.values())), dtype=float))
        return found

    passes(exercise, memorised)
    with grading():
        assert_teaching_message(failure_message(checker(exercise), memorised), exercise)


def test_planted_mistakes_cover_every_code_exercise_and_their_messages_teach():
    assert {m["exercise"] for m in nb07.PLANTED_MISTAKES} == set(CODE_EXERCISES)
    for m in nb07.PLANTED_MISTAKES:
        assert "### BEGIN SOLUTION" in m["source"] and "### END SOLUTION" in m["source"]
        assert not pasteable_code(m["hint"]), m


@pytest.mark.parametrize("mistake", nb07.PLANTED_MISTAKES, ids=lambda m: f"{m['exercise']}-{m['kind']}")
def test_planted_mistake_is_caught_with_its_hint(mistake):
    message = mistake_message(NOTEBOOK, mistake)
    assert_teaching_message(message, mistake["exercise"])


# ================================================================================ 7.1 grad_f
def _g(fn):
    def grad_f(x):
        x1, x2 = x
        return fn(x1, x2)
    return grad_f


@pytest.mark.parametrize("answer", [
    _g(lambda x1, x2: np.array([2 * x1 + x2, x1 + 8 * x2])),
    lambda x: np.array([[2.0, 1.0], [1.0, 8.0]]) @ x,
    lambda x: np.array([[2.0, 1.0], [1.0, 8.0]]).dot(np.asarray(x, dtype=float)),
    _g(lambda x1, x2: [2 * x1 + x2, x1 + 8 * x2]),                          # a list of two numbers
    _g(lambda x1, x2: np.array([x2 + 2 * x1, 8 * x2 + x1], dtype=np.float64)),
    lambda x: np.array([sum(c * v for c, v in zip(row, x)) for row in ((2.0, 1.0), (1.0, 8.0))]),
], ids=["formula", "H@x", "dot", "list", "reordered", "loop"])
def test_7_1_correct_answers_pass(answer):
    passes("7.1", answer)


def _central(x, eps=1e-6):
    f = plotting.course_objective
    x = np.asarray(x, dtype=float)
    g = np.zeros(2)
    for i in range(2):
        e = np.zeros(2)
        e[i] = eps
        g[i] = (f(*(x + e)) - f(*(x - e))) / (2 * eps)
    return g


@pytest.mark.parametrize("answer, needle", [
    (_g(lambda a, b: np.array([2 * a + b, a + 4 * b])), "8 x2"),
    (_g(lambda a, b: np.array([2 * a, 8 * b])), "cross term x1 x2 is missing"),
    (_g(lambda a, b: np.array([2 * a + 2 * b, 2 * a + 8 * b])), "not 2 x2"),
    (_g(lambda a, b: np.array([a + 8 * b, 2 * a + b])), "swapped"),
    (_g(lambda a, b: np.array([a + b, a + 8 * b])), "2 x1, not x1"),
    (_g(lambda a, b: np.array([3 * a, 9 * b])), "wrong variable"),
    (_g(lambda a, b: np.array([2 * a + b, 8 * b])), "df/dx2 is missing"),
    (_g(lambda a, b: np.array([2 * a, a + 8 * b])), "df/dx1 is missing"),
    (_g(lambda a, b: np.array([a + b / 2, a / 2 + 4 * b])), "half"),
    (_g(lambda a, b: np.array([4 * a + 2 * b, 2 * a + 16 * b])), "twice"),
    (_g(lambda a, b: np.array([a ** 2 + a * b, a * b + 4 * b ** 2])), "not derivatives"),
    (_g(lambda a, b: np.full(2, a ** 2 + a * b + 4 * b ** 2)), "value f(x)"),
    (_g(lambda a, b: -np.array([2 * a + b, a + 8 * b])), "wrong sign"),
    (_g(lambda a, b: np.array([[2 * a + b], [a + 8 * b]])), "shape"),
    (lambda x: np.array([[2.0, 1.0], [1.0, 8.0]]), "shape"),
    (lambda x: np.array([9.0, 27.0]), "does not match"),                     # the start point's gradient
    (lambda x: x, "does not match"),
    (_g(lambda a, b: (2 * a + b, a + 8 * b)), "tuple of 2 values"),
    (_g(lambda a, b: np.array([2 * a + b, a + 8 * b], dtype=np.float32)), "float32"),
    (_central, "agrees with backprop only"),
], ids=lambda v: v if isinstance(v, str) else "")
def test_7_1_wrong_answers_are_rejected(answer, needle):
    rejected("7.1", answer, needle)


def test_7_1_library_shortcuts_are_refused():
    rejected("7.1", lambda x: plotting.course_gradient(x), "write the maths yourself", "course_gradient")
    rejected("7.1", lambda x: tl.numerical_gradient(lambda: plotting.course_objective(*x), x),
             "write the maths yourself", "numerical_gradient")


# ================================================================================ 7.2 the smallest diverging step
@pytest.mark.parametrize("value", [0.25, np.float64(0.25), 25 / 100, np.float32(0.25), np.array(0.25)])
def test_7_2_correct_values_pass(value):
    passes("7.2", value)


def test_7_2_threshold_matches_the_eigenvalues():
    eta_max = 2 / np.linalg.eigvalsh(H).max()
    assert eta_max == pytest.approx(2 / (5 + np.sqrt(10)))
    assert 0.24 < eta_max < 0.25


@pytest.mark.parametrize("value, needle", [
    (0.24, "still converges"), (0.2, "still converges"), (0.1, "still converges"), (0.12, "still converges"),
    (0.3, "so does the smaller"), (0.26, "so does the smaller"), (1.09, "so does the smaller"),
    (25, "so does the smaller"), (0.245, "grid"), (0.2450, "grid"), (0.2451, "grid"), (-0.25, "positive"),
    (0.0, "positive"), (np.inf, "inf"), (np.nan, "nan"), ("0.25", "text"), ((0.25,), "tuple of 1 values"),
    ([0.25, 0.3], "list of 2 values"), (np.array([0.25]), "single number"), (np.array([[0.25]]), "single number"),
    (True, "truth value"),
], ids=lambda v: v if isinstance(v, str) else "")
def test_7_2_wrong_values_are_rejected(value, needle):
    rejected("7.2", value, needle)


# ================================================================================ 7.4 largest stable step
def _power_iteration(Hm, steps=2000):
    v = np.ones(Hm.shape[0])
    for _ in range(steps):
        v = Hm @ v
        v = v / np.linalg.norm(v)
    return 2.0 / float(v @ Hm @ v)


@pytest.mark.parametrize("answer", [
    lambda Hm: 2.0 / np.linalg.eigvalsh(Hm)[-1],
    lambda Hm: 2.0 / max(np.linalg.eigvals(Hm).real),
    lambda Hm: 2.0 / np.linalg.norm(Hm, 2),
    lambda Hm: 2.0 / np.linalg.svd(Hm, compute_uv=False)[0],
    lambda Hm: 2 / np.linalg.eigh(Hm)[0].max(),
    lambda Hm: np.float32(2.0 / np.linalg.eigvalsh(Hm)[-1]),
    lambda Hm: np.array(2.0 / np.linalg.eigvalsh(Hm)[-1]),
    _power_iteration,
], ids=["eigvalsh", "eigvals-max", "spectral-norm", "svd", "eigh", "float32", "0-d array", "power iteration"])
def test_7_4_correct_answers_pass(answer):
    passes("7.4", answer)


def _eig(Hm):
    return np.linalg.eigvalsh(Hm)


@pytest.mark.parametrize("answer, needle", [
    (lambda Hm: 1.0 / _eig(Hm)[-1], "1/lambda_max"),
    (lambda Hm: 2.0 / _eig(Hm)[0], "smallest eigenvalue"),
    (lambda Hm: 1.0 / _eig(Hm)[0], "1/lambda_min"),
    (lambda Hm: 2.0 / np.trace(Hm), "trace"),
    (lambda Hm: 2.0 / np.max(np.abs(Hm)), "largest entry"),
    (lambda Hm: 2.0 / Hm[-1, -1], "not by its largest eigenvalue"),
    (lambda Hm: 2.0 / (_eig(Hm)[0] + _eig(Hm)[-1]), "equally fast"),
    (lambda Hm: _eig(Hm)[-1] / 2, "SMALLER step"),
    (lambda Hm: 2 * _eig(Hm)[-1], "SMALLER step"),
    (lambda Hm: 2.0 / _eig(Hm)[-1] ** 2, "squared"),
    (lambda Hm: 2.0 / np.linalg.norm(Hm), "Frobenius"),
    (lambda Hm: 2.0 / np.abs(Hm).sum(axis=1).max(), "row sum"),
    (lambda Hm: 2.0 / np.mean(_eig(Hm)), "mean eigenvalue"),
    (lambda Hm: 2.0 / np.linalg.det(Hm), "determinant"),
    (lambda Hm: 2.0 / np.linalg.eigvals(Hm)[-1].real, "no particular order"),
    (lambda Hm: 0.245, "does not match"),
    (lambda Hm: (2 / _eig(Hm).max(), _eig(Hm)), "a tuple of 2 values"),
    (lambda Hm: 2.0 / _eig(Hm), "single number"),
    (lambda Hm: np.array([2.0 / _eig(Hm)[-1]]), "single number"),
    (lambda Hm: -2.0 / _eig(Hm)[-1], "wrong sign"),
    (lambda Hm: f"{2.0 / _eig(Hm)[-1]:.4f}", "text"),
], ids=lambda v: v if isinstance(v, str) else "")
def test_7_4_wrong_answers_are_rejected(answer, needle):
    rejected("7.4", answer, needle)


def test_7_4_reports_changing_H_in_place_and_refuses_the_library():
    def in_place(Hm):
        Hm /= np.linalg.eigvalsh(Hm)[-1]
        return 2.0

    rejected("7.4", in_place, "in place")
    rejected("7.4", lambda Hm: plotting.stability_limit(Hm), "write the maths yourself", "stability_limit")


# ================================================================================ 7.6 the descent loop
def _gd(f, grad, x0, eta, tol=1e-6, max_iter=10_000, rule="grad"):
    return reference("7.6")(f, grad, x0, eta, tol, max_iter, rule)


def gd_while(f, grad, x0, eta, tol=1e-6, max_iter=10_000, rule="grad"):
    x = np.asarray(x0, dtype=float).copy()
    path, k = [x], 0
    while k < max_iter:
        g = grad(x)
        if rule == "grad" and np.sqrt(np.sum(g ** 2)) < tol:
            break
        new = x - eta * g
        path.append(new)
        k += 1
        if rule == "f" and np.abs(f(new) - f(x)) < tol:
            break
        x = new
    return np.vstack(path)


def gd_preallocated(f, grad, x0, eta, tol=1e-6, max_iter=10_000, rule="grad"):
    path = np.empty((max_iter + 1, len(x0)))
    path[0] = x0
    k = 0
    for k in range(1, max_iter + 1):
        g = grad(path[k - 1])
        if rule == "grad" and np.linalg.norm(g) < tol:
            return path[:k].copy()
        path[k] = path[k - 1] - eta * g
        if rule == "f" and abs(f(path[k]) - f(path[k - 1])) < tol:
            return path[:k + 1].copy()
    return path[:k + 1].copy()


def gd_one_based(f, grad, x0, eta, tol=1e-6, max_iter=10_000, rule="grad"):
    points = [np.array(x0, dtype=float)]
    for _k in range(1, max_iter + 1):
        current = points[-1]
        g = grad(current)
        if rule == "grad" and np.linalg.norm(g) < tol:
            break
        points.append(current - eta * g)
        if rule == "f" and abs(f(points[-1]) - f(current)) < tol:
            break
    return np.array(points)


@pytest.mark.parametrize("answer", [gd_while, gd_preallocated, gd_one_based])
def test_7_6_correct_answers_pass(answer):
    passes("7.6", answer)


def _variant(**changes):
    """A loop with one deliberate deviation from the specification."""
    def gd(f, grad, x0, eta, tol=1e-6, max_iter=10_000, rule="grad"):
        sign = changes.get("sign", -1.0)
        step = changes.get("step", 1.0) * eta
        updates = max_iter + changes.get("extra", 0)
        x = np.array(x0, dtype=float)
        path = [x.copy()]
        for _ in range(updates):
            g = grad(x)
            measure = changes.get("measure", _norm)(g, x)
            if rule == "grad" and not changes.get("late") and not changes.get("no_rule") and measure < tol:
                break
            new = x + sign * step * g
            path.append(new)
            if rule == "grad" and changes.get("late") and measure < tol:
                break
            if rule == "f" and not changes.get("no_rule") and changes.get("f_test", lambda a, b: abs(a - b))(
                    f(new), f(x)) < tol:
                break
            x = new
        return np.array(path)
    return gd


def _norm(g, x):
    return np.linalg.norm(g)


def forever(f, grad, x0, eta, tol=1e-6, max_iter=10_000, rule="grad"):
    x = np.array(x0, dtype=float)
    path = [x]
    while True:
        g = grad(x)
        if rule == "grad" and np.linalg.norm(g) < tol:
            break
        x = x - eta * g
        path.append(x)
        if rule == "f" and abs(f(x) - f(path[-2])) < tol:
            break
    return np.array(path)


def in_place(f, grad, x0, eta, tol=1e-6, max_iter=10_000, rule="grad"):
    path = [x0.copy()]
    for _ in range(max_iter):
        g = grad(x0)
        if rule == "grad" and np.linalg.norm(g) < tol:
            break
        old = f(x0)
        x0 -= eta * g
        path.append(x0.copy())
        if rule == "f" and abs(f(x0) - old) < tol:
            break
    return np.array(path)


def aliasing(f, grad, x0, eta, tol=1e-6, max_iter=10_000, rule="grad"):
    x = np.array(x0, dtype=float)
    path = [x]
    for _ in range(max_iter):
        g = grad(x)
        if rule == "grad" and np.linalg.norm(g) < tol:
            break
        old = f(x)
        x -= eta * g                       # the same array object, changed in place
        path.append(x)
        if rule == "f" and abs(f(x) - old) < tol:
            break
    return np.array(path)


@pytest.mark.parametrize("answer, needle", [
    (_variant(sign=+1.0), "climbs"),
    (_variant(f_test=lambda a, b: a - b), "absolute value"),
    (_variant(late=True), "one update too many"),
    (_variant(measure=lambda g, x: np.linalg.norm(g) ** 2), "NORM"),
    (_variant(no_rule=True), "never applies the stopping rule"),
    (_variant(extra=1), "max_iter + 1"),
    (_variant(measure=lambda g, x: np.linalg.norm(x)), "not the norm of x_k"),
    (_variant(f_test=lambda a, b: abs(a)), "CHANGE"),
    (_variant(measure=lambda g, x: np.max(np.abs(g))), "Euclidean norm"),
    (_variant(step=2.0), "twice"),
    (_variant(step=0.5), "half"),
    (forever, "kept going after max_iter"),
    (in_place, "in place"),
    (aliasing, "same point"),
    (lambda *a, **k: _gd(*a, **k)[1:], "x0 is missing"),
    (lambda *a, **k: np.vstack([_gd(*a, **k)[:1], _gd(*a, **k)]), "appears twice"),
    (lambda *a, **k: _gd(*a, **k)[-1], "single point"),
    (lambda *a, **k: list(_gd(*a, **k)), "list"),
    (lambda *a, **k: _gd(*a, **k).T, "wrong"),
    (lambda *a, **k: (_gd(*a, **k), len(_gd(*a, **k)) - 1), "tuple of 2 values"),
], ids=lambda v: v if isinstance(v, str) else "")
def test_7_6_wrong_answers_are_rejected(answer, needle):
    with np.errstate(over="ignore", invalid="ignore"):
        rejected("7.6", answer, needle)


def test_7_6_refuses_the_library_loop():
    def library(f, grad, x0, eta, tol=1e-6, max_iter=10_000, rule="grad"):
        return plotting.descent_path(grad, x0, eta, 5)

    rejected("7.6", library, "write the maths yourself", "descent_path")


# ================================================================================ 7.8 the Hessian of the logistic loss
def hessian_loop(X, W):
    n = X.shape[1]
    H8 = np.zeros((X.shape[0], X.shape[0]))
    for i in range(n):
        p = 1.0 / (1.0 + np.exp(-float(W[:, 0] @ X[:, i])))
        H8 += p * (1 - p) * np.outer(X[:, i], X[:, i])
    return H8 / n


@pytest.mark.parametrize("answer", [
    hessian_loop,
    lambda X, W: np.einsum("ji,i,mi->jm", X, (tl.sigmoid(W.T @ X) * (1 - tl.sigmoid(W.T @ X)))[0], X) / X.shape[1],
    lambda X, W: X @ np.diag((tl.sigmoid(W.T @ X) * (1 - tl.sigmoid(W.T @ X)))[0]) @ X.T / X.shape[1],
    lambda X, W: (X * tl.sigmoid_grad(W.T @ X)) @ X.T / X.shape[1],
], ids=["loop", "einsum", "diag", "sigmoid_grad"])
def test_7_8_correct_answers_pass(answer):
    passes("7.8", answer)


def _weights(X, W):
    return tl.sigmoid(W.T @ X)


def _hand_gradient(X, W, Y):
    return X @ (tl.sigmoid(W.T @ X) - Y).T / X.shape[1]


def numerical_hessian_by_hand(X, W, eps=1e-5):
    Y = np.zeros((1, X.shape[1]))
    cols = []
    for m in range(W.shape[0]):
        e = np.zeros_like(W)
        e[m, 0] = eps
        cols.append(((_hand_gradient(X, W + e, Y) - _hand_gradient(X, W - e, Y)) / (2 * eps))[:, 0])
    return np.column_stack(cols)


def numerical_hessian_from_backward(X, W, eps=1e-5):
    Y = np.zeros((1, X.shape[1]))
    cols = []
    for m in range(W.shape[0]):
        grads = []
        for sign in (1, -1):
            Wm = W.copy()
            Wm[m, 0] += sign * eps
            net = tl.MLP([Wm], ["sigmoid"])
            net.forward(X)
            grads.append(net.backward(Y)[0][:, 0])
        cols.append((grads[0] - grads[1]) / (2 * eps))
    return np.column_stack(cols)


@pytest.mark.parametrize("answer, needle", [
    (lambda X, W: (X * (_weights(X, W) * (1 - _weights(X, W)))) @ X.T, "too large"),
    (lambda X, W: (X * (_weights(X, W) * (1 - _weights(X, W)))) @ X.T / X.shape[1] ** 2, "too small"),
    (lambda X, W: X @ X.T / X.shape[1], "weights"),
    (lambda X, W: X @ X.T / (4 * X.shape[1]), "f = 0"),
    (lambda X, W: (X * ((W.T @ X) * (1 - W.T @ X))) @ X.T / X.shape[1], "pre-activation"),
    (lambda X, W: (X * (_weights(X, W) * (1 - _weights(X, W))) ** 2) @ X.T / X.shape[1], "not squared"),
    (lambda X, W: (X * _weights(X, W)) @ X.T / X.shape[1], "not Y_hat_i itself"),
    (lambda X, W: (X * (1 - _weights(X, W))) @ X.T / X.shape[1], "not 1 - Y_hat_i"),
    (lambda X, W: (X * np.sqrt(_weights(X, W) * (1 - _weights(X, W)))) @ X.T / X.shape[1], "square root"),
    (lambda X, W: (X * (_weights(X, W) * (1 - _weights(X, W)))) @ X.T / (X.shape[1] - 1), "n - 1"),
    (lambda X, W: -(X * (_weights(X, W) * (1 - _weights(X, W)))) @ X.T / X.shape[1], "wrong sign"),
    (lambda X, W: (X * (_weights(X, W) * (1 - _weights(X, W)))).sum(axis=1) / X.shape[1], "shape"),
    (numerical_hessian_by_hand, "agrees with backprop only"),
    (numerical_hessian_from_backward, "write the maths yourself"),
], ids=lambda v: v if isinstance(v, str) else "")
def test_7_8_wrong_answers_are_rejected(answer, needle):
    rejected("7.8", answer, needle)


def test_7_8_a_product_in_the_wrong_order_names_the_students_line():
    def wrong_order(X, W):
        weights = tl.sigmoid(W.T @ X) * (1 - tl.sigmoid(W.T @ X))
        return X.T @ (X * weights).T / X.shape[1]

    rejected_with_student_line("7.8", wrong_order, "ValueError", "shapes that do not fit")


def test_7_8_refuses_numerical_gradients_of_the_library():
    def numerical(X, W):
        Y = np.zeros((1, X.shape[1]))
        net = tl.MLP([W.copy()], ["sigmoid"])
        return tl.check_gradients(net, X, Y)

    rejected("7.8", numerical, "write the maths yourself")


# ================================================================================ figures and explorer
def test_descent_path_matches_the_closed_form():
    path = plotting.descent_path(plotting.course_gradient, (3.0, 3.0), 0.1, 5)
    expected = np.linalg.matrix_power(np.eye(2) - 0.1 * H, 5) @ np.array([3.0, 3.0])
    np.testing.assert_allclose(path[-1], expected, rtol=1e-13)
    assert path.shape == (6, 2)
    assert plotting.course_objective(3.0, 3.0) == 54.0


def test_stability_limit_and_its_refusals():
    assert plotting.stability_limit(H) == pytest.approx(2 / (5 + np.sqrt(10)), rel=1e-14)
    assert plotting.stability_limit(np.diag([9.0, 1.0, 4.0])) == pytest.approx(2 / 9)
    for bad in (np.ones((2, 3)), np.array([[1.0, 2.0], [0.0, 1.0]]), -np.eye(2)):
        with pytest.raises(ValueError):
            plotting.stability_limit(bad)


def test_descent_figures_draw():
    paths = [plotting.descent_path(plotting.course_gradient, (3.0, 3.0), eta, 10) for eta in (0.1, 0.2)]
    fig, axes = plotting.descent_side_by_side(plotting.course_objective, [("a", paths[0]), ("b", paths[1])])
    assert len(axes) == 2 and axes[0].get_aspect() == 1.0
    fig.canvas.draw()
    plt.close(fig)
    fig, (ax1, ax2) = plotting.figure(ncols=2)
    plotting.objective_history(plotting.course_objective, paths, ["a", "b"], ax=ax1)
    plotting.eigen_component(paths, [0.0, 1.0], ["a", "b"], ax=ax2)
    fig.canvas.draw()
    plt.close(fig)


def test_hessian_spectra_draws_one_row_per_matrix_with_its_condition_number():
    ax = plotting.hessian_spectra({"raw": [6.8e-4, 0.45, 46.9], "standardised": [0.0645, 0.25, 0.4355]})
    texts = [t.get_text() for t in ax.texts]
    assert texts == ["condition number 68,971", "condition number 6.75"]
    assert ax.get_xscale() == "log" and ax.get_xlabel() and ax.get_ylabel()
    ax.figure.canvas.draw()
    plt.close(ax.figure)


def test_learning_rate_explorer_builds_and_redraws():
    w = widgets.learning_rate_explorer(eta=0.1, steps=5)
    sliders = {c.description: c for c in w.children if hasattr(c, "continuous_update")}
    assert set(sliders) == {"step η", "steps"}
    assert not any(s.continuous_update for s in sliders.values())
    w.f(eta=0.28, steps=40)   # a diverging run must draw without warnings
    plt.close("all")


def test_learning_rate_explorer_can_report_the_limit():
    w = widgets.learning_rate_explorer(eta=0.2, steps=5, hessian=plotting.COURSE_HESSIAN)
    w.f(eta=0.25, steps=5)
    assert "0.2450" in plt.gcf().get_suptitle()
    plt.close("all")
