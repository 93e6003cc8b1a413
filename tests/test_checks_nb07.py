"""Unit tests of the checkers of notebook 07 (gradient descent), its figures and its explorer.

The reference answers are the answer cells of ``solutions/07_gradient_descent.ipynb`` (see notebook_answers.py).
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from notebook_answers import (  # noqa: E402
    assert_reference_passes, assert_unattempted_raises, define, exercises, mistake_message,
)

from tutorial_lib import checks  # noqa: E402
from tutorial_lib.checks import nb07  # noqa: E402
from tutorial_lib.checks._common import CheckFailure  # noqa: E402

NOTEBOOK = "07_gradient_descent"
EXERCISES = exercises(NOTEBOOK)


def test_notebook_has_the_expected_exercises():
    assert sorted(EXERCISES) == ["7.1", "7.2", "7.3", "7.5"]


@pytest.mark.parametrize("exercise", sorted(EXERCISES))
def test_reference_solution_passes(exercise):
    assert_reference_passes(NOTEBOOK, exercise)


@pytest.mark.parametrize("exercise", sorted(EXERCISES))
def test_unattempted_exercise_raises_not_implemented(exercise):
    assert_unattempted_raises(NOTEBOOK, exercise)


@pytest.mark.parametrize("mistake", nb07.PLANTED_MISTAKES, ids=lambda m: f"{m['exercise']}-{m['kind']}")
def test_planted_mistake_is_caught_with_its_hint(mistake):
    message = mistake_message(NOTEBOOK, mistake)
    assert "expected:" in message and "got:" in message, message


def test_planted_mistakes_cover_every_code_exercise_and_the_named_kinds():
    assert {m["exercise"] for m in nb07.PLANTED_MISTAKES} == set(EXERCISES)
    hints = {m["hint"] for m in nb07.PLANTED_MISTAKES if m["exercise"] == "7.3"}
    assert "this is 1/lambda_max" in hints and "this uses the smallest eigenvalue" in hints
    for m in nb07.PLANTED_MISTAKES:
        assert "### BEGIN SOLUTION" in m["source"] and "### END SOLUTION" in m["source"]


# ---------------------------------------------------------------------------- 7.1
def test_7_1_reports_a_column_instead_of_a_vector():
    def grad_f(x):
        x1, x2 = x
        return np.array([[2 * x1 + x2], [x1 + 8 * x2]])

    with pytest.raises(CheckFailure, match="shape"):
        checks.exercise_7_1(grad_f)


def test_7_1_reports_none():
    with pytest.raises(CheckFailure, match="return"):
        checks.exercise_7_1(lambda x: None)


# ---------------------------------------------------------------------------- 7.2
@pytest.mark.parametrize("value, text", [(-0.3, "positive"), (0.255, "grid"), ([0.25, 0.3], "single number"),
                                         (0.0, "positive")])
def test_7_2_rejects_bad_values(value, text):
    with pytest.raises(CheckFailure, match=text):
        checks.exercise_7_2(value)


def test_7_2_threshold_matches_the_eigenvalues():
    # The smallest diverging grid value is the first multiple of 0.01 above 2 / lambda_max.
    eta_max = 2 / np.linalg.eigvalsh(np.array([[2.0, 1.0], [1.0, 8.0]])).max()
    assert eta_max == pytest.approx(2 / (5 + np.sqrt(10)))
    assert 0.24 < eta_max < 0.25
    checks.exercise_7_2(0.25)
    with pytest.raises(CheckFailure, match="so does the smaller"):
        checks.exercise_7_2(0.26)


# ---------------------------------------------------------------------------- 7.3
def test_7_3_recognises_the_trace():
    with pytest.raises(CheckFailure, match="trace"):
        checks.exercise_7_3(lambda H: 2.0 / np.trace(H))


# ---------------------------------------------------------------------------- 7.5
def _gd(f, grad, x0, eta, tol=1e-6, max_iter=10_000, rule="grad"):
    return define(EXERCISES["7.5"].answer_source, "gradient_descent")(f, grad, x0, eta, tol, max_iter, rule)


def test_7_5_stops_a_loop_that_ignores_max_iter():
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

    with np.errstate(over="ignore", invalid="ignore"):
        with pytest.raises(CheckFailure, match="kept going after max_iter"):
            checks.exercise_7_5(forever)


def test_7_5_reports_a_missing_start_point():
    def no_start(*args, **kwargs):
        return _gd(*args, **kwargs)[1:]

    with pytest.raises(CheckFailure, match="number of updates|wrong shape"):
        checks.exercise_7_5(no_start)


def test_7_5_reports_in_place_modification_of_x0():
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

    with pytest.raises(CheckFailure, match="in place"):
        checks.exercise_7_5(in_place)


def test_7_5_returns_none():
    with pytest.raises(CheckFailure, match="None"):
        checks.exercise_7_5(lambda *args, **kwargs: None)


# ---------------------------------------------------------------------------- figures and explorer
def test_descent_path_matches_the_closed_form():
    from tutorial_lib import plotting

    H = plotting.COURSE_HESSIAN
    path = plotting.descent_path(plotting.course_gradient, (3.0, 3.0), 0.1, 5)
    expected = np.linalg.matrix_power(np.eye(2) - 0.1 * H, 5) @ np.array([3.0, 3.0])
    np.testing.assert_allclose(path[-1], expected, rtol=1e-13)
    assert path.shape == (6, 2)
    assert plotting.course_objective(3.0, 3.0) == 54.0


def test_descent_figures_draw():
    from tutorial_lib import plotting

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


def test_learning_rate_explorer_builds_and_redraws():
    from tutorial_lib import widgets

    w = widgets.learning_rate_explorer(eta=0.1, steps=5)
    sliders = {c.description: c for c in w.children if hasattr(c, "continuous_update")}
    assert set(sliders) == {"step η", "steps"}
    assert not any(s.continuous_update for s in sliders.values())
    w.f(eta=0.28, steps=40)   # a diverging run must draw without warnings
    plt.close("all")


def test_learning_rate_explorer_can_report_the_limit():
    from tutorial_lib import plotting, widgets

    w = widgets.learning_rate_explorer(eta=0.2, steps=5, hessian=plotting.COURSE_HESSIAN)
    w.f(eta=0.25, steps=5)
    assert "0.2450" in plt.gcf().get_suptitle()
    plt.close("all")
