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
    # -(alpha Y log P + beta (1 - Y) log(1 - P)), in two buffers instead of eight temporaries.
    P = np.clip(Y_hat, EPS, 1.0 - EPS)
    n = Y.shape[1]
    t = np.multiply(alpha, Y)
    t *= np.log(P)
    u = np.subtract(1.0, Y)
    u *= beta
    np.negative(P, out=P)
    np.log1p(P, out=P)
    u *= P
    t += u
    return float(-t.sum() / n)


def _bce_loss_from_logits(F, Y, alpha, beta):
    """:func:`bce_loss` of ``Y_hat = sigmoid(F)``, computed from the logits ``F``.

    ``-log(sigma(F)) = softplus(-F)`` and ``-log(1 - sigma(F)) = softplus(F)``, with
    ``softplus(x) = max(x, 0) + log1p(exp(-|x|))``: exact where ``sigma(F)`` rounds
    to 0 or 1 (no clipping, no log of 0), and the two share one exponential.
    """
    n = Y.shape[1]
    common = np.abs(F)
    np.negative(common, out=common)
    np.exp(common, out=common)
    np.log1p(common, out=common)  # log1p(exp(-|F|)), in (0, log 2]
    pos = np.maximum(F, 0.0)      # softplus(F) = max(F, 0) + common
    pos += common
    neg = np.maximum(-F, 0.0)     # softplus(-F) = max(-F, 0) + common
    neg += common
    t = np.multiply(alpha, Y)     # alpha Y softplus(-F) + beta (1 - Y) softplus(F)
    t *= neg
    u = np.subtract(1.0, Y)
    u *= beta
    u *= pos
    t += u
    return float(t.sum() / n)


def bce_grad(Y_hat, Y, alpha: float = 1.0, beta: float = 1.0) -> np.ndarray:
    r"""Gradient of :func:`bce_loss` with respect to ``Y_hat``, shape ``(1, n)``.

    .. math:: \frac{\partial E}{\partial \hat Y_i} = \frac{1}{n}\left(-\frac{\alpha Y_i}{\hat Y_i}
              + \frac{\beta (1 - Y_i)}{1 - \hat Y_i}\right)
    """
    Y_hat, Y, alpha, beta = _bce_inputs(Y_hat, Y, alpha, beta)
    return _bce_grad(Y_hat, Y, alpha, beta)


def _bce_grad(Y_hat, Y, alpha, beta, out=None):
    # (-alpha Y / P + beta (1 - Y) / (1 - P)) / n, in place on two buffers.
    P = np.clip(Y_hat, EPS, 1.0 - EPS)
    n = Y.shape[1]
    g = np.multiply(-alpha, Y, out=out)
    g /= P
    np.subtract(1.0, P, out=P)
    t = np.subtract(1.0, Y)
    t *= beta
    t /= P
    g += t
    g /= n
    return g


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


def _softmax_ce_grad(Y_hat, Y, out=None):
    # -Y / P / n written as (Y / P) / (-n): the same numbers, in one buffer.
    g = np.clip(Y_hat, EPS, 1.0, out=out)
    np.divide(Y, g, out=g)
    g /= -Y.shape[1]
    return g


def _softmax_ce_loss_from_logits(F, Y):
    """:func:`softmax_ce_loss` of ``Y_hat = softmax(F)``, from the logits: ``log p = F - logsumexp(F)``
    per column, so a probability that rounds to 0 still costs its true (finite) amount."""
    log_p = np.subtract(F, F.max(axis=0, keepdims=True))
    e = np.exp(log_p)
    lse = np.log(e.sum(axis=0, keepdims=True))
    log_p -= lse
    log_p *= Y
    return float(-log_p.sum() / Y.shape[1])


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


def _mse_grad(Y_hat, Y, out=None):
    g = np.subtract(Y_hat, Y, out=out)
    g /= Y.shape[1]
    return g
