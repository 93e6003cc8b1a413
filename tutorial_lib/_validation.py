"""Input validation for the public boundary of ``tutorial_lib``.

Every public function validates its arguments here, once, and the inner loops
(``MLP.forward``/``backward`` after the first check) work on trusted arrays.
The one rule that matters most for backprop: numpy must never broadcast
silently.  ``(n,)`` against ``(1, n)`` gives an ``(n, n)`` array without a
word, so a 1-D array where a 2-D matrix is meant is rejected with a message
that says how to fix it.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = [
    "as_matrix",
    "as_array",
    "check_same_shape",
    "check_binary_labels",
    "check_one_hot",
    "check_probabilities",
    "check_scalar",
    "fmt_shape",
]


def fmt_shape(shape) -> str:
    """Format a shape the way numpy prints it: ``(3, 1)``, ``(4,)``."""
    return str(tuple(shape))


def _to_float_array(name: str, value) -> np.ndarray:
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be a numeric array; got a string {value!r:.40}.")
    try:
        arr = np.asarray(value)
    except Exception as exc:  # ragged lists and the like
        raise TypeError(f"{name} must be a numeric array; numpy could not convert it ({exc}).") from None
    if arr.dtype.kind not in "biuf":
        raise TypeError(
            f"{name} must hold real numbers; got an array of dtype {arr.dtype} "
            f"(first entry {arr.flat[0]!r:.40} )." if arr.size else
            f"{name} must hold real numbers; got an empty array of dtype {arr.dtype}."
        )
    arr = arr.astype(np.float64, copy=False)
    if not np.isfinite(arr).all():
        bad = np.argwhere(~np.isfinite(arr))[0]
        where = tuple(int(i) for i in bad)
        raise ValueError(
            f"{name} must be finite; entry {where} is {float(arr[where])!r} "
            f"({int((~np.isfinite(arr)).sum())} non-finite entries in all)."
        )
    return arr


def as_array(name: str, value) -> np.ndarray:
    """A finite float64 array of any shape (for elementwise functions)."""
    return _to_float_array(name, value)


def as_matrix(name: str, value, rows: int | None = None, cols: int | None = None,
              what: str = "") -> np.ndarray:
    """A finite float64 2-D array, optionally with a given number of rows/columns.

    Parameters
    ----------
    name : str
        The argument's name, used in error messages.
    value : array_like
        What the caller passed.
    rows, cols : int, optional
        Required number of rows / columns.
    what : str
        A description of the expected shape, e.g. ``"(1, n)"`` or
        ``"(features + 1, n)"``, used in error messages.

    Raises
    ------
    TypeError
        For strings and non-numeric arrays.
    ValueError
        For NaN/inf, a wrong number of dimensions or a wrong size, naming the
        expected and the actual shape.
    """
    arr = _to_float_array(name, value)
    expected = what or f"({rows if rows is not None else 'rows'}, {cols if cols is not None else 'n'})"
    if arr.ndim != 2:
        hint = ""
        if arr.ndim == 1:
            hint = (f" A 1-D array of shape {fmt_shape(arr.shape)} would broadcast silently against "
                    f"(1, n) or (n, 1) matrices; use {name}.reshape(1, -1) for one row of n samples")
            hint += "." if expected == "(1, n)" else f", or {name}.reshape(-1, 1) for a single sample (one column)."
        raise ValueError(
            f"{name} must be a 2-D matrix of shape {expected} (columns are samples); "
            f"got shape {fmt_shape(arr.shape)}.{hint}"
        )
    if rows is not None and arr.shape[0] != rows:
        raise ValueError(
            f"{name} must have shape {expected} with {rows} rows; got shape {fmt_shape(arr.shape)}."
        )
    if cols is not None and arr.shape[1] != cols:
        raise ValueError(
            f"{name} must have shape {expected} with {cols} columns (one per sample); "
            f"got shape {fmt_shape(arr.shape)}."
        )
    if arr.shape[1] == 0:
        raise ValueError(f"{name} must hold at least one sample (column); got shape {fmt_shape(arr.shape)}.")
    return arr


def check_same_shape(name_a: str, a: np.ndarray, name_b: str, b: np.ndarray) -> None:
    """Raise ``ValueError`` unless ``a`` and ``b`` have exactly the same shape."""
    if a.shape != b.shape:
        hint = ""
        if a.shape[::-1] == b.shape:
            hint = " One looks like the transpose of the other."
        raise ValueError(
            f"{name_a} and {name_b} must have the same shape; got {name_a} {fmt_shape(a.shape)} "
            f"and {name_b} {fmt_shape(b.shape)}.{hint}"
        )


def check_binary_labels(name: str, Y: np.ndarray) -> None:
    """Labels of binary classification must be 0 or 1."""
    bad = (Y != 0) & (Y != 1)
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        values = np.unique(Y[bad])[:5]
        raise ValueError(
            f"{name} must hold labels 0 or 1; entry {where} is {float(Y[where])!r} "
            f"(other values found: {', '.join(repr(float(v)) for v in values)})."
        )


def check_one_hot(name: str, Y: np.ndarray) -> None:
    """Targets for softmax cross-entropy: entries in [0, 1], each column summing to 1."""
    if ((Y < 0) | (Y > 1)).any():
        raise ValueError(f"{name} must be one-hot (entries 0 or 1, shape (K, n)); found entries outside [0, 1].")
    sums = Y.sum(axis=0)
    bad = np.abs(sums - 1.0) > 1e-9
    if bad.any():
        j = int(np.argmax(bad))
        raise ValueError(
            f"{name} must be one-hot with each column (sample) summing to 1, shape (K, n); "
            f"column {j} sums to {sums[j]:.6g}. Did you pass labels of shape (n, K)? Transpose them."
        )


def check_probabilities(name: str, P: np.ndarray) -> None:
    """Predicted probabilities must lie in [0, 1]."""
    if ((P < 0) | (P > 1)).any():
        where = tuple(int(i) for i in np.argwhere((P < 0) | (P > 1))[0])
        raise ValueError(
            f"{name} must hold probabilities in [0, 1] (the output of a sigmoid or softmax); "
            f"entry {where} is {float(P[where])!r}."
        )


def check_scalar(name: str, value, minimum: float | None = None, strictly_positive: bool = False) -> float:
    """A finite real number, optionally bounded below."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iuf":
            value = float(value)
        else:
            raise TypeError(f"{name} must be a real number; got {type(value).__name__} {value!r:.40}.")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite; got {value!r}.")
    if strictly_positive and value <= 0:
        raise ValueError(f"{name} must be > 0; got {value!r}.")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}; got {value!r}.")
    return value
