"""What every exercise checker promises a student, as reusable assertions for ``tests/test_checks_nbNN.py``.

* A wrong answer of any type gets a :class:`~tutorial_lib.checks.CheckFailure` whose message starts with
  ``Exercise N.M:``, fits on a screen (:data:`MAX_LINES`) and holds no code that could be pasted as the
  answer; never a crash inside the checker or a bare numpy error (:func:`assert_odd_returns_rejected`).
* A call to the library's own answer (``tl.bce_grad`` in the exercise that builds it) is refused
  (:func:`assert_rejected`).
* Every code exercise has two or more staged hints, each free of pasteable code
  (:func:`assert_hints_are_staged`).
"""

from __future__ import annotations

import contextlib
import io
import re

import numpy as np
import pytest

from tutorial_lib import checks
from tutorial_lib.checks import _common

#: A failure message a student sees must fit on the screen.
MAX_LINES = _common.MAX_MESSAGE_LINES

#: Fragments of Python that would let a student paste a hint as the answer: numpy calls, matrix
#: products, transposes, reductions, assignments and returns.  Maths in words or in the notation of the
#: text ("(Y_hat - Y)/n", "X times dF transposed") is allowed; code is not.
PASTEABLE = re.compile(
    r"\bnp\.\w|\btl\.\w+\(|\s@\s|\w\.T\b|\.sum\(|\.mean\(|\.dot\(|\bnp\.log|\breturn\s+[-(\w.]+\s*[-+*/@(\[]|\blambda\b"
    r"|^\s*\w+\s*=[^=]|\bfor\s+\w+\s+in\s+range\(",
    re.MULTILINE,
)


def pasteable_code(text: str) -> list[str]:
    """The fragments of ``text`` that look like code a student could paste.

    The line that quotes the student's own code back ("at line 3 of your code: ...") is theirs, not a hint.
    """
    ours = "\n".join(line for line in text.split("\n") if not line.strip().startswith("at line "))
    return [m.group(0) for m in PASTEABLE.finditer(ours)]


def failure_message(check, argument) -> str:
    """The message of the :class:`CheckFailure` that ``check(argument)`` must raise (also asserted here)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(checks.CheckFailure) as info:
        check(argument)
    assert "passed the public checks" not in out.getvalue()
    return str(info.value)


def assert_teaching_message(message: str, exercise: str) -> None:
    """Starts with the exercise, fits on the screen, holds no pasteable code, never says 'all tests passed'."""
    assert message.startswith(f"Exercise {exercise}: "), message
    assert len(message.split("\n")) <= MAX_LINES, message
    assert not pasteable_code(message), (pasteable_code(message), message)
    assert "Traceback" not in message and "all tests passed" not in message.lower(), message


def assert_rejected(check, argument, exercise: str, *needles: str) -> str:
    """``check(argument)`` fails with a teaching message holding every needle; returns the message."""
    message = failure_message(check, argument)
    assert_teaching_message(message, exercise)
    for needle in needles:
        assert needle in message, (needle, message)
    return message


def independent_copy(module):
    """A copy of a checker module compiled under another file name, for building wrong answers in tests.

    A student's function may not call the checkers' own helpers (``call_student`` refuses it); a test
    that builds a wrong answer out of a checker's variant (``nb03._backward_variant``) uses this copy,
    whose functions are not the checker's, so the check judges the wrong answer itself.
    """
    import types
    from pathlib import Path

    source = Path(module.__file__).read_text(encoding="utf-8")
    copy = types.ModuleType(module.__name__ + "_test_copy")
    copy.__package__ = module.__package__
    exec(compile(source, f"<test copy of {module.__name__}>", "exec"), copy.__dict__)  # noqa: S102
    return copy


def _generator():
    yield np.zeros((1, 3))


#: Wrong return values of every kind a student has handed in: each must get a message, not a crash.
ODD_RETURNS = {
    "None": None,
    "tuple of two arrays": (np.zeros((1, 3)), np.ones((3, 1))),
    "tuple of a number and an array": (0.5, np.zeros((3, 1))),
    "ragged list": [[1.0, 2.0], [3.0]],
    "string": "0.693",
    "dict": {"dW": np.zeros((3, 1))},
    "set": {1.0, 2.0},
    "generator": _generator(),
    "function": np.sum,
    "bool": True,
    "bool array": np.array([[True, False, True]]),
    "complex": np.array([[1 + 2j, 0j, 1j]]),
    "nan array": np.full((2, 2), np.nan),
    "empty array": np.zeros((0,)),
    "object": object(),
}


def returning(value):
    """A student function that ignores its inputs and returns ``value``."""
    def student(*args, **kwargs):
        return value
    return student


def assert_odd_returns_rejected(check, exercise: str, wrap=returning) -> dict[str, str]:
    """Every value of :data:`ODD_RETURNS`, handed in through ``wrap(value)``, fails with a teaching message.

    ``wrap`` turns a value into what the check cell passes: by default a function returning it; for an
    exercise whose answer is a value (not a function), ``lambda v: v``.
    """
    messages = {}
    for label, value in ODD_RETURNS.items():
        if label == "generator":
            value = _generator()
        messages[label] = message = failure_message(check, wrap(value))
        assert_teaching_message(message, exercise)
    return messages


def assert_hints_are_staged(exercise: str, min_stages: int = 2) -> None:
    """``checks.hint`` has at least ``min_stages`` hints for ``exercise``, each code-free, printed in order."""
    stages = _common._HINTS.get(exercise)
    assert stages is not None and len(stages) >= min_stages, f"exercise {exercise} needs staged hints"
    for text in stages:
        assert not pasteable_code(text), (exercise, pasteable_code(text), text)
    shown_before = _common._HINTS_SHOWN.pop(exercise, None)
    try:
        for stage in range(1, len(stages) + 1):
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                checks.hint(exercise)
            assert out.getvalue().startswith(f"Hint {stage} of {len(stages)} for exercise {exercise}: "), out
    finally:
        _common._HINTS_SHOWN.pop(exercise, None)
        if shown_before is not None:
            _common._HINTS_SHOWN[exercise] = shown_before
