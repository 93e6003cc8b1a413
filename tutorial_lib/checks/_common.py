"""The building blocks of every exercise checker.

A checker calls the student's code on inputs it makes itself, computes the
reference at check time (library functions, numerical gradients) and compares
with :func:`expect_array` / :func:`expect_close`.  On success it calls
:func:`passed`, which prints the one stable line that nbval compares; on
failure it raises :class:`CheckFailure` (an ``AssertionError``) whose message
teaches: what was expected, what came back, the worst entry, and a hint that
names the likely mistake.

The diagnosis tries the classic backprop bugs in turn: a ``(1, n)`` row that
met an ``(n,)`` array and broadcast to ``(n, n)``, a transposed result, a
flipped sign, a missing or doubled ``1/n``, and whatever variants the checker
passes in (``mistakes=``), such as alpha and beta swapped or a ReLU mask taken
from the wrong array.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "CheckFailure", "passed", "fail", "expect_array", "expect_close", "expect_true", "call_student",
    "fmt_array", "RTOL", "ATOL",
]

#: Default tolerances: the student's float64 code and the reference differ only by rounding.
RTOL = 1e-6
ATOL = 1e-9


class CheckFailure(AssertionError):
    """An exercise check failed; the message says what, and how to fix it."""


def passed(exercise: str) -> None:
    """Print the stable success line that the check cell's saved output holds."""
    print(f"Exercise {exercise}: passed the public checks.")


def fmt_array(value, precision: int = 4) -> str:
    """A short, stable rendering of an array or a number."""
    arr = np.asarray(value)
    if arr.dtype.kind in "biuf":
        if arr.ndim == 0:
            return f"{float(arr):.{precision}g}"
        with np.printoptions(precision=precision, threshold=8, edgeitems=2, suppress=False, linewidth=70):
            return np.array2string(arr, separator=", ").replace("\n", " ")
    return repr(value)[:80]


def fail(exercise: str, what: str, expected=None, got=None, hint: str = "", detail: str = "") -> None:
    """Raise :class:`CheckFailure` with the workbook's standard message layout."""
    lines = [f"Exercise {exercise}: {what}"]
    if expected is not None:
        lines.append(f"  expected: {expected}")
    if got is not None:
        lines.append(f"  got:      {got}")
    if detail:
        lines.append(f"  {detail}")
    if hint:
        lines.append(f"  hint: {hint}")
    raise CheckFailure("\n".join(lines))


def call_student(exercise: str, fn, *args, **kwargs):
    """Call the student's function on copies of the inputs.

    ``NotImplementedError`` passes through (the exercise is not attempted yet);
    an input modified in place is reported, because backprop code that
    overwrites the forward values breaks the next step silently.
    """
    if not callable(fn):
        fail(exercise, f"expected a function, got {type(fn).__name__}.",
             hint="pass the function itself (no parentheses) to the check.")
    copies = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
    result = fn(*copies, **kwargs)
    for i, (orig, copy) in enumerate(zip(args, copies)):
        if isinstance(orig, np.ndarray) and not np.array_equal(orig, copy):
            fail(exercise, f"your function changed its input argument number {i + 1} in place.",
                 hint="compute a new array (e.g. `x * y`) instead of updating an input with `*=` or `[...] =`.")
    return result


def _as_result_array(exercise: str, name: str, got) -> np.ndarray:
    if got is None:
        fail(exercise, f"{name} came back as None.", hint="did you forget the `return` statement?")
    try:
        arr = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        fail(exercise, f"{name} must be numeric; got {type(got).__name__}.", got=fmt_array(got))
    return arr


def _close(a, b, rtol, atol) -> bool:
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=atol))


def _worst_entry(got: np.ndarray, expected: np.ndarray) -> str:
    if got.ndim == 0:
        return ""
    diff = np.abs(got - expected)
    idx = np.unravel_index(int(np.argmax(diff)), diff.shape)
    return (f"worst entry {tuple(int(i) for i in idx)}: expected {expected[idx]:.6g}, "
            f"got {got[idx]:.6g}")


def expect_array(exercise: str, name: str, got, expected, *, n: int | None = None,
                 mistakes=(), hint: str = "", rtol: float = RTOL, atol: float = ATOL) -> np.ndarray:
    """Compare an array the student computed with the reference.

    Parameters
    ----------
    exercise : str
        The exercise id, e.g. ``"1.3"``.
    name : str
        What the array is, e.g. ``"dE/df"``, for the message.
    got : array_like
        The student's result.
    expected : ndarray
        The reference, computed at check time.
    n : int, optional
        The number of samples, to recognise a missing or doubled ``1/n``.
    mistakes : sequence of (ndarray, str)
        Wrong results the checker can predict, each with the hint to give when
        ``got`` matches it (e.g. the result with alpha and beta swapped).
    hint : str
        The hint to give when no known mistake matches.

    Returns
    -------
    ndarray
        ``got`` as float64, when it matches.
    """
    expected = np.asarray(expected, dtype=np.float64)
    got_arr = _as_result_array(exercise, name, got)
    shape_e, shape_g = expected.shape, got_arr.shape

    if shape_g != shape_e:
        summary = dict(expected=f"shape {shape_e}", got=f"shape {shape_g}")
        if (len(shape_g) == 2 and shape_g[0] == shape_g[1] and shape_g[0] > 1
                and 1 in shape_e and max(shape_e) == shape_g[0]):
            fail(exercise, f"{name} has shape {shape_g}: it was broadcast to (n, n).", **summary,
                 hint=("a 1-D array of shape (n,) met a (1, n) or (n, 1) matrix and numpy broadcast them "
                       "into an n-by-n grid. Keep every row vector 2-D, e.g. Y.reshape(1, -1), and check "
                       "the shapes of both operands."))
        if shape_g == shape_e[::-1] and _close(got_arr.T, expected, rtol, atol):
            fail(exercise, f"{name} is transposed.", **summary,
                 hint=(f"your values are right but laid out as {shape_g}. A gradient has the shape of "
                       f"what it differentiates, {shape_e}; check which factor comes first, e.g. "
                       f"X @ dF.T rather than dF @ X.T."))
        if got_arr.size == expected.size and got_arr.ndim < expected.ndim:
            fail(exercise, f"{name} has lost a dimension.", **summary,
                 hint=f"reshape the result to {shape_e}; columns are samples, so a row of n values is (1, n).")
        fail(exercise, f"{name} has the wrong shape.", **summary,
             hint=hint or f"the result should have shape {shape_e}.")

    if _close(got_arr, expected, rtol, atol):
        return got_arr

    detail = _worst_entry(got_arr, expected)
    summary = dict(expected=fmt_array(expected), got=fmt_array(got_arr), detail=detail)
    for wrong, wrong_hint in mistakes:
        if _close(got_arr, wrong, rtol, atol):
            fail(exercise, f"{name} is not right.", **summary, hint=wrong_hint)
    if np.any(expected != 0) and _close(got_arr, -expected, rtol, atol):
        fail(exercise, f"{name} has the wrong sign.", **summary,
             hint="every entry is the negative of the expected value: look for a flipped sign, e.g. "
                  "Y - Y_hat instead of Y_hat - Y, or a missing minus in front of the log-loss.")
    if n is not None and n > 1:
        if _close(got_arr, expected * n, rtol, atol):
            fail(exercise, f"{name} is {n} times too large.", **summary,
                 hint=f"the 1/n is missing: the loss averages over the n = {n} samples, so the loss and "
                      f"every gradient of it carry a factor 1/n.")
        if _close(got_arr, expected / n, rtol, atol):
            fail(exercise, f"{name} is {n} times too small.", **summary,
                 hint="you divided by n twice: the 1/n belongs in the loss gradient once, and carries "
                      "through the chain rule from there.")
    if (len(shape_e) == 2 and shape_e[0] == shape_e[1] and shape_e[0] > 1
            and _close(got_arr, expected.T, rtol, atol)):
        fail(exercise, f"{name} is transposed.", **summary,
             hint="your result is the transpose of the expected one; check the order of the factors.")
    fail(exercise, f"{name} does not match the reference.", **summary, hint=hint)


def expect_close(exercise: str, name: str, got, expected: float, *, n: int | None = None,
                 mistakes=(), hint: str = "", rtol: float = RTOL, atol: float = ATOL) -> float:
    """Compare a scalar the student computed with the reference (same diagnosis as :func:`expect_array`)."""
    got_arr = _as_result_array(exercise, name, got)
    if got_arr.size != 1:
        fail(exercise, f"{name} should be a single number; got shape {got_arr.shape}.", got=fmt_array(got_arr),
             hint="reduce over the samples, e.g. with .sum() or .mean(), and return a float.")
    expect_array(exercise, name, got_arr.reshape(()), np.asarray(expected, dtype=np.float64).reshape(()),
                 n=n, mistakes=mistakes, hint=hint, rtol=rtol, atol=atol)
    return float(got_arr.reshape(()))


def expect_true(exercise: str, condition: bool, what: str, hint: str = "", expected=None, got=None) -> None:
    """Fail with ``what`` and ``hint`` unless ``condition`` holds."""
    if not condition:
        fail(exercise, what, expected=expected, got=got, hint=hint)
