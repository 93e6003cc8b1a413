"""Losses averaged over the n samples, each with its gradient dE/dY_hat.

Shapes follow the tutorial: predictions ``Y_hat`` and targets ``Y`` are
``(1, n)`` for binary classification and ``(K, n)`` (one-hot) for softmax;
every gradient has the shape of ``Y_hat`` and already contains the ``1/n``.
Predictions of exactly 0 or 1 are clipped to ``[EPS, 1 - EPS]`` inside the
logarithms, so the loss and its gradient stay finite without numpy warnings.
"""

from __future__ import annotations

import numpy as np

from ._validation import (
    as_matrix, check_binary_labels, check_one_hot, check_probabilities, check_same_shape,
    check_scalar,
)

__all__ = [
    "bce_loss", "bce_grad", "softmax_ce_loss", "softmax_ce_grad", "mse_loss", "mse_grad",
    "EPS", "LOSSES",
]

#: Smallest probability used inside a logarithm: log(EPS) is about -34.5.
EPS = 1e-15

#: Names accepted by ``MLP.backward(loss=...)``.
LOSSES = ("bce", "softmax_ce", "mse")


def _pair(Y_hat, Y, what: str):
    Y_hat = as_matrix("Y_hat", Y_hat, what=what)
    Y = as_matrix("Y", Y, what=what)
    check_same_shape("Y_hat", Y_hat, "Y", Y)
    return Y_hat, Y


def _bce_inputs(Y_hat, Y, alpha, beta):
    Y_hat, Y = _pair(Y_hat, Y, "(1, n)")
    check_probabilities("Y_hat", Y_hat)
    check_binary_labels("Y", Y)
    alpha = check_scalar("alpha", alpha, minimum=0.0)
    beta = check_scalar("beta", beta, minimum=0.0)
    return Y_hat, Y, alpha, beta


def bce_loss(Y_hat, Y, alpha: float = 1.0, beta: float = 1.0) -> float:
    r"""Weighted binary cross-entropy (log loss), averaged over the n samples.

    .. math:: E = -\frac{1}{n}\sum_i \alpha Y_i \log \hat Y_i + \beta (1 - Y_i) \log(1 - \hat Y_i)

    Parameters
    ----------
    Y_hat : array_like, shape (1, n)
        Predicted probabilities of class 1.
    Y : array_like, shape (1, n)
        Labels, 0 or 1.
    alpha, beta : float, default 1.0
        Weights of the class-1 and class-0 terms (part A.4 of the tutorial).

    Returns
    -------
    float

    Examples
    --------
    >>> round(bce_loss([[0.2, 0.9]], [[0, 1]]), 5)
    0.16425
    """
    Y_hat, Y, alpha, beta = _bce_inputs(Y_hat, Y, alpha, beta)
    return _bce_loss(Y_hat, Y, alpha, beta)


def _bce_loss(Y_hat, Y, alpha, beta):
    P = np.clip(Y_hat, EPS, 1.0 - EPS)
    n = Y.shape[1]
    return float(-(alpha * Y * np.log(P) + beta * (1.0 - Y) * np.log1p(-P)).sum() / n)


def bce_grad(Y_hat, Y, alpha: float = 1.0, beta: float = 1.0) -> np.ndarray:
    r"""Gradient of :func:`bce_loss` with respect to ``Y_hat``, shape ``(1, n)``.

    .. math:: \frac{\partial E}{\partial \hat Y_i} = \frac{1}{n}\left(-\frac{\alpha Y_i}{\hat Y_i}
              + \frac{\beta (1 - Y_i)}{1 - \hat Y_i}\right)
    """
    Y_hat, Y, alpha, beta = _bce_inputs(Y_hat, Y, alpha, beta)
    return _bce_grad(Y_hat, Y, alpha, beta)


def _bce_grad(Y_hat, Y, alpha, beta):
    P = np.clip(Y_hat, EPS, 1.0 - EPS)
    n = Y.shape[1]
    return (-alpha * Y / P + beta * (1.0 - Y) / (1.0 - P)) / n


def _ce_inputs(Y_hat, Y):
    Y_hat, Y = _pair(Y_hat, Y, "(K, n)")
    check_probabilities("Y_hat", Y_hat)
    check_one_hot("Y", Y)
    return Y_hat, Y


def softmax_ce_loss(Y_hat, Y) -> float:
    r"""Multi-class cross-entropy ``-(1/n) sum_{k,i} Y_ki log Y_hat_ki``.

    Parameters
    ----------
    Y_hat : array_like, shape (K, n)
        Softmax probabilities, one column per sample.
    Y : array_like, shape (K, n)
        One-hot targets.
    """
    Y_hat, Y = _ce_inputs(Y_hat, Y)
    return _softmax_ce_loss(Y_hat, Y)


def _softmax_ce_loss(Y_hat, Y):
    return float(-(Y * np.log(np.clip(Y_hat, EPS, 1.0))).sum() / Y.shape[1])


def softmax_ce_grad(Y_hat, Y) -> np.ndarray:
    """Gradient of :func:`softmax_ce_loss` with respect to ``Y_hat``: ``-(1/n) Y / Y_hat``, shape (K, n)."""
    Y_hat, Y = _ce_inputs(Y_hat, Y)
    return _softmax_ce_grad(Y_hat, Y)


def _softmax_ce_grad(Y_hat, Y):
    return -Y / np.clip(Y_hat, EPS, 1.0) / Y.shape[1]


def mse_loss(Y_hat, Y) -> float:
    r"""Mean squared error with the tutorial's factor one half: ``(1/(2n)) sum (Y_hat - Y)**2``.

    Parameters
    ----------
    Y_hat, Y : array_like, shape (K, n)
    """
    Y_hat, Y = _pair(Y_hat, Y, "(K, n)")
    return _mse_loss(Y_hat, Y)


def _mse_loss(Y_hat, Y):
    d = Y_hat - Y
    return float((d * d).sum() / (2.0 * Y.shape[1]))


def mse_grad(Y_hat, Y) -> np.ndarray:
    """Gradient of :func:`mse_loss` with respect to ``Y_hat``: ``(Y_hat - Y) / n``, shape (K, n)."""
    Y_hat, Y = _pair(Y_hat, Y, "(K, n)")
    return _mse_grad(Y_hat, Y)


def _mse_grad(Y_hat, Y):
    return (Y_hat - Y) / Y.shape[1]
