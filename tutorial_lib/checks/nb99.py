"""Checkers of ``99_demo``, the smallest notebook that follows AUTHORING.md.

The demo is no part of the course: the tests of the build, of ``check`` and
of ``grade`` run it (``tests/synthetic_notebooks.py`` writes it) so that the
whole pipeline is proven even with an empty ``solutions/``, and an author can
read it as a worked example of the checker API: six code exercises, of which
one is a value (99.2) and four are one-line functions.
"""

from __future__ import annotations

import numpy as np

from ._common import call_student, expect_array, expect_close, expect_number, expect_true, grading_cases, passed

__all__ = ["exercise_99_1", "exercise_99_2", "exercise_99_3", "exercise_99_4", "exercise_99_5", "exercise_99_6",
           "HINTS"]

HINTS = {
    "99.1": ["Each row is a feature; its mean runs over the samples, which are the columns.",
             "Keep the result 2-D: one column with a row per feature."],
    "99.5": ["Squaring multiplies a number by itself.", "For an input of 3 the answer is 9."],
}


def exercise_99_1(row_means) -> None:
    """Check ``row_means(X)``: the mean of each row of ``X`` (features, n), shape (features, 1).

    The public input is the 2 x 3 matrix 0..5; when grading, random matrices drawn from the grading
    seed follow, so an answer that returns the public means as constants fails there.
    """
    inputs = [np.arange(6.0).reshape(2, 3)]
    for (seed,) in grading_cases("99.1", [(0,)])[1:]:
        rng = np.random.default_rng(seed)
        inputs.append(rng.normal(size=(2, int(rng.integers(3, 9)))))
    for X in inputs:
        got = call_student("99.1", row_means, X)
        expect_array("99.1", "the row means", got, X.mean(axis=1, keepdims=True),
                     mistakes=[(X.sum(axis=1, keepdims=True),
                                "those are the row sums: divide by the number of samples.")],
                     hint="average over the samples, the columns.")
    passed("99.1")


def exercise_99_2(learning_rate) -> None:
    """Check the value ``learning_rate``: a step strictly between 0 and 1."""
    value = expect_number("99.2", "learning_rate", learning_rate)
    expect_true("99.2", 0 < value < 1, f"learning_rate is {value:g}.", hint="pick a step in (0, 1).")
    passed("99.2")


def _one_number(exercise: str, fn, expected: float, hint: str) -> None:
    got = call_student(exercise, fn, 3)
    expect_close(exercise, "f(3)", got, expected, hint=hint)
    passed(exercise)


def exercise_99_3(double) -> None:
    """Check ``double(x)``."""
    _one_number("99.3", double, 6.0, "multiply by two.")


def exercise_99_4(halve) -> None:
    """Check ``halve(x)``."""
    _one_number("99.4", halve, 1.5, "divide by two.")


def exercise_99_5(square) -> None:
    """Check ``square(x)``."""
    _one_number("99.5", square, 9.0, "a square is not a double.")


def exercise_99_6(negate) -> None:
    """Check ``negate(x)``."""
    _one_number("99.6", negate, -3.0, "flip the sign.")
