"""Activation functions and their elementwise derivatives.

Each activation ``g`` comes with ``g_grad(s)``, the derivative ``g'(s)``
evaluated at the pre-activation ``s`` (elementwise, same shape as ``s``).
``softmax`` works over each column, because columns are samples.

The public functions validate their input (finite real numbers); the MLP uses
the private ``_forward``/``_grad_from`` pairs in :data:`ACTIVATIONS`, which
skip validation inside training loops and can reuse the forward output
(``sigma'(s) = a (1 - a)``) so backward needs only what forward kept.
"""

from __future__ import annotations

import numpy as np

from ._validation import as_array, as_matrix, check_scalar

__all__ = [
    "sigmoid", "sigmoid_grad", "relu", "relu_grad", "leaky_relu", "leaky_relu_grad",
    "tanh", "tanh_grad", "identity", "identity_grad", "softmax", "softmax_jacobian",
    "ACTIVATIONS",
]


# ---------------------------------------------------------------------------
# Unchecked kernels (trusted float64 arrays in, arrays out).
# ---------------------------------------------------------------------------

_expit = None


def _sigmoid(s: np.ndarray) -> np.ndarray:
    # scipy's expit is one fused ufunc, about 2.5x faster than composing numpy
    # operations, and just as careful: it uses exp(s)/(1+exp(s)) for s < 0, so it
    # never overflows and keeps tiny values for very negative s (1 - 1/(1+e) would
    # round them to 0 and later give log(0)).  Imported on first use, because
    # scipy.special costs more to import than the rest of tutorial_lib.
    global _expit
    if _expit is None:
        from scipy.special import expit

        _expit = expit
    return _expit(s)


def _relu(s: np.ndarray) -> np.ndarray:
    return np.maximum(s, 0.0)


def _leaky_relu(s: np.ndarray, a: float) -> np.ndarray:
    return np.where(s > 0, s, a * s)


def _softmax(s: np.ndarray) -> np.ndarray:
    # Subtracting the column maximum leaves softmax unchanged and keeps exp <= 1.
    z = np.exp(s - s.max(axis=0, keepdims=True))
    z /= z.sum(axis=0, keepdims=True)
    return z


# ---------------------------------------------------------------------------
# Public, validated functions.
# ---------------------------------------------------------------------------

def sigmoid(s):
    """Logistic function ``1 / (1 + exp(-s))``, elementwise and overflow-free.

    Parameters
    ----------
    s : array_like of any shape
        Pre-activations.

    Returns
    -------
    ndarray, same shape as ``s``, values in [0, 1].
    """
    return _sigmoid(as_array("s", s))


def sigmoid_grad(s):
    """Derivative ``sigma'(s) = sigma(s) (1 - sigma(s))``; at most 1/4, at ``s = 0``."""
    a = _sigmoid(as_array("s", s))
    return a * (1.0 - a)


def relu(s):
    """``ReLU(s) = s`` if ``s > 0`` else ``0``, elementwise."""
    return _relu(as_array("s", s))


def relu_grad(s):
    """Derivative of ReLU: the indicator ``1[s > 0]`` (0 at ``s = 0``, as in the tutorial)."""
    return (as_array("s", s) > 0).astype(np.float64)


def leaky_relu(s, a: float = 0.01):
    """Leaky ReLU: ``s`` if ``s > 0`` else ``a * s``.  ``a = 1`` is the identity."""
    a = check_scalar("a", a, minimum=0.0)
    return _leaky_relu(as_array("s", s), a)


def leaky_relu_grad(s, a: float = 0.01):
    """Derivative of Leaky ReLU: ``1`` if ``s > 0`` else ``a``."""
    a = check_scalar("a", a, minimum=0.0)
    return np.where(as_array("s", s) > 0, 1.0, a)


def tanh(s):
    """Hyperbolic tangent, elementwise."""
    return np.tanh(as_array("s", s))


def tanh_grad(s):
    """Derivative ``1 - tanh(s)**2``."""
    t = np.tanh(as_array("s", s))
    return 1.0 - t * t


def identity(s):
    """The identity ``g(s) = s`` (a linear output layer)."""
    return as_array("s", s).copy()


def identity_grad(s):
    """Derivative of the identity: ones."""
    return np.ones_like(as_array("s", s))


def softmax(s):
    """Softmax over each column of ``s`` (columns are samples).

    Parameters
    ----------
    s : array_like, shape (K, n)
        Logits for K classes and n samples.

    Returns
    -------
    ndarray, shape (K, n)
        Each column is a probability vector.  Stable for logits near 1000.
    """
    return _softmax(as_matrix("s", s, what="(K, n)"))


def softmax_jacobian(z):
    """Jacobian of softmax for one sample: ``J[i, j] = d p_i / d z_j = p_i (delta_ij - p_j)``.

    Parameters
    ----------
    z : array_like, shape (K,) or (K, 1)
        The logits of a single sample.

    Returns
    -------
    ndarray, shape (K, K)
        ``diag(p) - p p^T`` with ``p = softmax(z)``; symmetric, rows sum to 0.
    """
    z = as_array("z", z)
    if z.ndim == 2 and z.shape[1] == 1:
        z = z[:, 0]
    if z.ndim != 1:
        raise ValueError(f"z must be the logits of one sample, shape (K,) or (K, 1); got shape {z.shape}.")
    p = _softmax(z[:, None])[:, 0]
    return np.diag(p) - np.outer(p, p)


# ---------------------------------------------------------------------------
# Registry used by the MLP: forward kernel, and derivative given (f, a).
# ---------------------------------------------------------------------------

class _Activation:
    """An activation as the MLP uses it: ``forward(f)`` and ``backprop(dA, f, a)``.

    ``backprop`` returns ``dE/df = dE/da * g'(f)`` from the upstream gradient
    ``dA`` and what forward kept (``f`` and ``a``, so the sigmoid needs no second
    exponential), in one new array: the products run in place on it.
    ``elementwise`` is False only for softmax, whose derivative is a Jacobian.
    """

    def __init__(self, name, forward, backprop, elementwise=True):
        self.name = name
        self.forward = forward
        self.backprop = backprop
        self.elementwise = elementwise

    def __repr__(self):
        return f"<activation {self.name}>"


def _sigmoid_backprop(dA, f, a):
    dF = np.subtract(1.0, a)  # sigma'(f) = a (1 - a)
    dF *= a
    dF *= dA
    return dF


def _tanh_backprop(dA, f, a):
    dF = np.multiply(a, a)  # tanh'(f) = 1 - a^2
    np.subtract(1.0, dF, out=dF)
    dF *= dA
    return dF


def _make_registry(leaky_slope: float) -> dict:
    return {
        "sigmoid": _Activation("sigmoid", _sigmoid, _sigmoid_backprop),
        "relu": _Activation("relu", _relu, lambda dA, f, a: np.where(f > 0, dA, 0.0)),
        "leaky_relu": _Activation(
            "leaky_relu",
            lambda f: _leaky_relu(f, leaky_slope),
            lambda dA, f, a: np.where(f > 0, dA, leaky_slope * dA),
        ),
        "tanh": _Activation("tanh", np.tanh, _tanh_backprop),
        "identity": _Activation("identity", lambda f: f, lambda dA, f, a: dA.copy()),
        "softmax": _Activation("softmax", _softmax, None, elementwise=False),
    }


#: Names accepted by ``MLP(activations=[...])``.
ACTIVATIONS = tuple(_make_registry(0.01))
