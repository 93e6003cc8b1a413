"""Gradient checking by central differences.

The analytic gradient of backprop is compared with

    dE/dW_ij ~ (E(W + eps e_ij) - E(W - eps e_ij)) / (2 eps),

whose error is O(eps^2) from truncation plus O(machine eps / eps) from
rounding: with float64 and ``eps = 1e-6`` both are around 1e-10, so a correct
backward agrees to a relative error far below 1e-7 (the tolerance our tests
use), while a missing factor, sign or transpose gives errors near 1.
"""

from __future__ import annotations

import numpy as np

from ._validation import check_scalar

__all__ = ["numerical_gradient", "numerical_jacobian", "relative_error", "check_gradients", "GradientCheck"]

#: Relative error below which a gradient counts as correct (float64, eps = 1e-6).
TOLERANCE = 1e-7


def numerical_gradient(f, W: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Central-difference gradient of the scalar function ``f()`` with respect to ``W``.

    ``W`` is perturbed in place one entry at a time and always restored (also
    when ``f`` raises), so ``f`` should read ``W`` through a closure.

    Parameters
    ----------
    f : callable
        ``f()`` returns the scalar loss for the current contents of ``W``.
    W : ndarray of float64
        The array to differentiate with respect to; modified during the call,
        identical afterwards.
    eps : float, default 1e-6
        The step.

    Returns
    -------
    ndarray, same shape as ``W``.
    """
    if not isinstance(W, np.ndarray) or W.dtype != np.float64:
        raise TypeError("numerical_gradient needs W as a float64 numpy array that f() reads (it perturbs W in place).")
    eps = check_scalar("eps", eps, strictly_positive=True)
    grad = np.zeros_like(W)
    it = np.nditer(W, flags=["multi_index"])
    for _ in it:
        idx = it.multi_index
        old = W[idx]
        try:
            W[idx] = old + eps
            up = float(f())
            W[idx] = old - eps
            down = float(f())
        finally:
            W[idx] = old
        grad[idx] = (up - down) / (2.0 * eps)
    return grad


def numerical_jacobian(fn, z, eps: float = 1e-6) -> np.ndarray:
    """Central-difference Jacobian of a vector function: ``J[i, j] = d fn(z)_i / d z_j``.

    Parameters
    ----------
    fn : callable
        Maps a 1-D array of length K to a 1-D array of length M.
    z : array_like, shape (K,)
        The point; not modified.
    eps : float, default 1e-6

    Returns
    -------
    ndarray, shape (M, K)
    """
    z = np.array(z, dtype=np.float64).ravel()
    eps = check_scalar("eps", eps, strictly_positive=True)
    columns = []
    for j in range(z.size):
        step = np.zeros_like(z)
        step[j] = eps
        columns.append((np.asarray(fn(z + step), dtype=np.float64) - np.asarray(fn(z - step), dtype=np.float64))
                       / (2.0 * eps))
    return np.column_stack(columns)


def relative_error(a, b) -> float:
    """``||a - b|| / (||a|| + ||b||)`` (Frobenius norms); 0 when both are zero.

    A scale-free distance between an analytic and a numerical gradient: about
    1e-10 for a correct float64 backward, near 1 for a wrong one.
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"relative_error needs two arrays of the same shape; got {a.shape} and {b.shape}.")
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    if denom == 0.0:
        return 0.0
    return float(np.linalg.norm(a - b) / denom)


class GradientCheck(list):
    """Per-layer result of :func:`check_gradients`: a list of dict rows
    ``{"layer", "shape", "relative_error", "ok"}`` that prints as a table."""

    tolerance = TOLERANCE

    @property
    def max_error(self) -> float:
        return max(row["relative_error"] for row in self)

    @property
    def ok(self) -> bool:
        return all(row["ok"] for row in self)

    def __str__(self):
        lines = [f"{'layer':>5}  {'shape of W':>12}  {'relative error':>14}  below {self.tolerance:.0e}"]
        for row in self:
            lines.append(f"{row['layer']:>5}  {str(row['shape']):>12}  {row['relative_error']:>14.1e}  "
                         f"{'yes' if row['ok'] else 'NO'}")
        return "\n".join(lines)

    def __repr__(self):
        return str(self)

    def _repr_pretty_(self, p, cycle):
        p.text(str(self))


def check_gradients(net, X, Y, eps: float = 1e-6, **loss_options) -> GradientCheck:
    """Compare ``net.backward`` with central differences, layer by layer.

    Parameters
    ----------
    net : MLP
    X : array_like, shape (features + 1, n)
    Y : array_like, shape (n_L, n)
    eps : float
        Central-difference step.
    **loss_options
        ``loss``, ``alpha``, ``beta``, ``l2``, as for :meth:`MLP.backward`.

    Returns
    -------
    GradientCheck
        One row per layer with its relative error; ``.ok`` is True when every
        layer is below ``TOLERANCE`` (1e-7).
    """
    net.forward(X)
    analytic = [g.copy() for g in net.backward(Y, **loss_options)]
    table = GradientCheck()
    for i, W in enumerate(net.weights):
        numeric = numerical_gradient(lambda: net.loss(X, Y, **loss_options), W, eps=eps)
        err = relative_error(analytic[i], numeric)
        table.append({"layer": i + 1, "shape": W.shape, "relative_error": err, "ok": err < TOLERANCE})
    # Leave the network's state as a plain forward/backward at the original weights would.
    net.forward(X)
    net.backward(Y, **loss_options)
    return table
