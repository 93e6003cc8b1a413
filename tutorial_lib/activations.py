"""Activation functions and their elementwise derivatives.

Each activation ``g`` comes with ``g_grad(s)``, the derivative ``g'(s)``
evaluated at the pre-activation ``s`` (elementwise, same shape as ``s``).
``softmax`` works over each column, because columns are samples.

The public functions validate their input (finite real numbers); the MLP uses
the private kernels through its registry (``forward`` and ``backprop`` of each
activation), which skip validation inside training loops, write into buffers
the network owns, and reuse the forward output (``sigma'(s) = a (1 - a)``) so
that backward needs only what forward kept.
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
#
# Each kernel writes into ``out`` when given one (a float64 array of the shape of
# its input, which may be the input itself) and otherwise into a new array, in as
# few passes over memory as the maths allows: numpy's ufuncs with ``out=`` never
# allocate a temporary.
# ---------------------------------------------------------------------------

def _sigmoid(s: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    # sigma(s) = 1 / (1 + exp(-s)) in four in-place passes.  numpy's exp is
    # vectorised (where the CPU has AVX-512: a few times faster than a scalar
    # exp such as scipy's expit) and accurate to about one unit in the last
    # place, and the formula loses nothing at either end: for very negative s,
    # exp(-s) is huge and 1 / (1 + exp(-s)) keeps the tiny value exactly as
    # well as exp(s) / (1 + exp(s)) would.  Below s = -709.78, exp(-s)
    # overflows to inf and 1 / (1 + inf) = 0, which is what scipy's expit
    # returns there too; that overflow is the intended IEEE result, so it is
    # not reported.
    if out is None:
        out = np.empty_like(s)
    np.negative(s, out=out)
    return _sigmoid_of_negated(out, out=out)


def _sigmoid_of_negated(minus_s: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    # sigma(s) from -s, in three passes: the MLP computes -f[l] = (-W[l]).T @ a[l-1]
    # directly (negating a product's inputs negates its result exactly), which
    # saves the negation's pass over memory.
    with np.errstate(over="ignore"):
        out = np.exp(minus_s, out=out)
    np.add(out, 1.0, out=out)
    np.divide(1.0, out, out=out)
    return out


def _relu(s: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    return np.maximum(s, 0.0, out=out)


def _leaky_relu(s: np.ndarray, a: float, out: np.ndarray | None = None) -> np.ndarray:
    # s if s > 0 else a s: for 0 <= a <= 1 that is max(s, a s), otherwise min(s, a s);
    # both pick one of the two numbers exactly.
    in_place = out is not None and np.may_share_memory(out, s)
    scaled = np.multiply(s, a, out=None if in_place else out)
    return (np.maximum if a <= 1.0 else np.minimum)(scaled, s, out=out)


def _tanh(s: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    return np.tanh(s, out=out)


def _softmax(s: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    # Subtracting each column's maximum leaves softmax unchanged and keeps exp <= 1,
    # so no column overflows, and none underflows to 0 / 0 however far below the
    # other columns its logits lie.
    out = np.subtract(s, s.max(axis=0, keepdims=True), out=out)
    np.exp(out, out=out)
    out /= out.sum(axis=0, keepdims=True)
    return out


def _scalar_or_array(result: np.ndarray):
    # Ufuncs called on a 0-d array return a numpy scalar; the kernels above
    # return their out array.  Keep the ufunc behaviour for the public functions.
    return result[()] if result.ndim == 0 else result


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
    return _scalar_or_array(_sigmoid(as_array("s", s)))


def sigmoid_grad(s):
    """Derivative ``sigma'(s) = sigma(s) (1 - sigma(s))``; at most 1/4, at ``s = 0``."""
    a = _sigmoid(as_array("s", s))
    g = np.subtract(1.0, a)
    g *= a
    return _scalar_or_array(g)


def relu(s):
    """``ReLU(s) = s`` if ``s > 0`` else ``0``, elementwise."""
    return _scalar_or_array(_relu(as_array("s", s)))


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
    return _scalar_or_array(_tanh(as_array("s", s)))


def tanh_grad(s):
    """Derivative ``1 - tanh(s)**2``."""
    t = _tanh(as_array("s", s))
    np.multiply(t, t, out=t)
    np.subtract(1.0, t, out=t)
    return _scalar_or_array(t)


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
    """An activation as the MLP uses it: ``forward(f, out)`` and ``backprop(dA, f, a, scratch)``.

    ``forward`` writes ``a = g(f)`` into ``out`` (a float64 array of ``f``'s
    shape, or None for a new one).  ``backprop`` turns the upstream gradient
    ``dA = dE/da`` into ``dE/df = dA * g'(f)`` *in place*, from what forward kept
    (``f`` and ``a``, so the sigmoid needs no second exponential), and returns
    ``dA``: the derivative never gets an array of its own, apart from
    ``scratch`` (an array of ``dA``'s shape to work in, or None).  ``dA`` must be
    an array that nothing else holds.  ``elementwise`` is False only for
    softmax, whose derivative is a Jacobian.
    """

    def __init__(self, name, forward, backprop, elementwise=True):
        self.name = name
        self.forward = forward
        self.backprop = backprop
        self.elementwise = elementwise

    def __repr__(self):
        return f"<activation {self.name}>"


def _sigmoid_backprop(dA, f, a, scratch=None):
    d = np.subtract(1.0, a, out=scratch)  # sigma'(f) = a (1 - a)
    d *= a
    dA *= d
    return dA


def _tanh_backprop(dA, f, a, scratch=None):
    d = np.multiply(a, a, out=scratch)  # tanh'(f) = 1 - a^2
    np.subtract(1.0, d, out=d)
    dA *= d
    return dA


def _relu_backprop(dA, f, a, scratch=None):
    dA *= f > 0  # ReLU'(f) = 1[f > 0], 0 at f = 0 as in the tutorial
    return dA


def _identity_forward(f, out=None):
    return f  # a[l] is f[l] itself: nothing to compute or store twice


def _identity_backprop(dA, f, a, scratch=None):
    return dA  # g'(f) = 1


def _make_registry(leaky_slope: float) -> dict:
    def leaky_relu_forward(f, out=None):
        return _leaky_relu(f, leaky_slope, out=out)

    def leaky_relu_backprop(dA, f, a, scratch=None):
        dA *= np.where(f > 0, 1.0, leaky_slope)  # 1 if f > 0 else the slope a
        return dA

    return {
        "sigmoid": _Activation("sigmoid", _sigmoid, _sigmoid_backprop),
        "relu": _Activation("relu", _relu, _relu_backprop),
        "leaky_relu": _Activation("leaky_relu", leaky_relu_forward, leaky_relu_backprop),
        "tanh": _Activation("tanh", _tanh, _tanh_backprop),
        "identity": _Activation("identity", _identity_forward, _identity_backprop),
        "softmax": _Activation("softmax", _softmax, None, elementwise=False),
    }


#: Names accepted by ``MLP(activations=[...])``.
ACTIVATIONS = tuple(_make_registry(0.01))
