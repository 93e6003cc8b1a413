r"""Layers as forward/backward pairs, in the workbook's notation (notebook 09).

A network is a list of small layers, each a pair of functions::

    out, cache = <layer>_forward(inp[, W])      # keeps in ``cache`` what backward will need
    d_inp      = <layer>_backward(d_out, cache) # (d_inp, dW) for a layer with weights

``d_out`` is ``dE/d(out)``, the gradient arriving from the layer above, with the shape of ``out``;
the backward returns ``dE/d(inp)`` with the shape of ``inp``.  A backward needs nothing but the
gradient from above and its own cache: it never recomputes the forward pass and never looks at
another layer.  Forward runs the list in order, backward in reverse (:func:`forward_backward`).

Notation: columns are samples; ``X`` has shape ``(features + 1, n)`` with the bias row of ones
first; an affine layer computes ``F = W.T @ A`` with ``W`` of shape ``(fan_in, fan_out)``.

**The bias row of a hidden activation.**  An affine layer takes an input that already carries
its bias row of ones on top: ``X`` does, a hidden activation does not.  The :func:`bias_forward`
layer puts the row of ones on top of a hidden activation; its backward drops row 0 of the
gradient, because the ones are constants that nothing below produced.  With a bias layer after
every hidden activation, the list computes exactly what ``MLP(..., hidden_bias=True)`` computes
(row 0 of ``W[l]`` holds layer ``l``'s biases); without them, ``hidden_bias=False``.

The loss sits on top as a fused pair, :func:`softmax_ce_forward` / :func:`softmax_ce_backward`:
softmax and the cross-entropy computed together from the logits, which is stable for any
logits and gives the simple gradient ``(P - Y) / n``.
"""

from __future__ import annotations

import numpy as np

from ._validation import as_matrix, check_one_hot, fmt_shape
from .activations import _sigmoid

__all__ = [
    "affine_forward", "affine_backward", "bias_forward", "bias_backward", "relu_forward", "relu_backward",
    "sigmoid_forward", "sigmoid_backward", "softmax_ce_forward", "softmax_ce_backward", "PAIRS", "SOFTMAX_CE",
    "build_network", "forward_backward",
]


# ------------------------------------------------------------------------------------------------ affine
def affine_forward(A, W):
    """The affine layer ``F = W.T @ A``.

    Parameters
    ----------
    A : array_like, shape (fan_in, n)
        The layer's input, one column per sample, its bias row of ones first (``X`` for the first
        layer; a hidden activation after :func:`bias_forward`).
    W : array_like, shape (fan_in, fan_out)
        The weights; row 0 multiplies the bias row, so it holds the layer's biases.

    Returns
    -------
    F : ndarray, shape (fan_out, n)
        The pre-activations.
    cache : tuple
        ``(A, W)``, what :func:`affine_backward` needs.
    """
    A = as_matrix("A", A, what="(fan_in, n)")
    W = as_matrix("W", W, what="(fan_in, fan_out)")
    if A.shape[0] != W.shape[0]:
        raise ValueError(
            f"affine_forward needs A of shape (fan_in, n) and W of shape (fan_in, fan_out) with the same fan_in; "
            f"got A {fmt_shape(A.shape)} and W {fmt_shape(W.shape)}."
            + (" A is one row short: a hidden activation needs its bias row (bias_forward) first."
               if A.shape[0] + 1 == W.shape[0] else "")
        )
    return W.T @ A, (A, W)


def affine_backward(dF, cache):
    """Backward pass of :func:`affine_forward`.

    Parameters
    ----------
    dF : array_like, shape (fan_out, n)
        ``dE/dF``, the gradient arriving from the layer above.
    cache : tuple
        ``(A, W)`` from :func:`affine_forward`.

    Returns
    -------
    dA : ndarray, shape (fan_in, n)
        ``dE/dA = W @ dF``, bias row included (row 0 is the gradient with respect to the ones).
    dW : ndarray, shape (fan_in, fan_out)
        ``dE/dW = A @ dF.T``: every sample's input times its error, summed over the samples.
    """
    A, W = cache
    dF = as_matrix("dF", dF, what="(fan_out, n)")
    if dF.shape != (W.shape[1], A.shape[1]):
        raise ValueError(f"dF must have the shape of F, {fmt_shape((W.shape[1], A.shape[1]))}; "
                         f"got {fmt_shape(dF.shape)}.")
    return W @ dF, A @ dF.T


# ------------------------------------------------------------------------------------------------ bias row
def bias_forward(A):
    """Put a row of ones on top of a hidden activation.

    Parameters
    ----------
    A : array_like, shape (m, n)
        A hidden activation, without a bias row.

    Returns
    -------
    A_b : ndarray, shape (m + 1, n)
        ``A`` with a row of ones on top, ready for the next affine layer.
    cache : None
        The backward needs nothing: the ones do not depend on ``A``.
    """
    A = as_matrix("A", A, what="(m, n)")
    return np.vstack([np.ones((1, A.shape[1])), A]), None


def bias_backward(dA_b, cache):
    """Backward pass of :func:`bias_forward`: drop row 0 of the gradient.

    Parameters
    ----------
    dA_b : array_like, shape (m + 1, n)
        The gradient with respect to ``A`` with its row of ones.
    cache : None

    Returns
    -------
    dA : ndarray, shape (m, n)
        Rows 1 to m: row 0 belongs to the constant ones, which nothing below produced.
    """
    dA_b = as_matrix("dA_b", dA_b, what="(m + 1, n)")
    return dA_b[1:].copy()


# ------------------------------------------------------------------------------------------------ ReLU
def relu_forward(F):
    """``A = max(F, 0)`` entry by entry.

    Parameters
    ----------
    F : array_like, shape (m, n)
        Pre-activations.

    Returns
    -------
    A : ndarray, shape (m, n)
    cache : ndarray of bool, shape (m, n)
        The mask ``F > 0``: where the unit is on.
    """
    F = as_matrix("F", F, what="(m, n)")
    return np.maximum(F, 0.0), F > 0


def relu_backward(dA, cache):
    """Backward pass of :func:`relu_forward`: ``dF = dA * 1[F > 0]`` (slope 0 at ``F = 0``).

    Parameters
    ----------
    dA : array_like, shape (m, n)
        ``dE/dA`` from the layer above.
    cache : ndarray of bool, shape (m, n)
        The mask from :func:`relu_forward`.

    Returns
    -------
    dF : ndarray, shape (m, n)
    """
    dA = as_matrix("dA", dA, what="(m, n)")
    return np.where(cache, dA, 0.0)


# ------------------------------------------------------------------------------------------------ sigmoid
def sigmoid_forward(F):
    """``A = 1 / (1 + exp(-F))`` entry by entry, without overflow.

    Parameters
    ----------
    F : array_like, shape (m, n)

    Returns
    -------
    A : ndarray, shape (m, n)
    cache : ndarray, shape (m, n)
        ``A`` itself: the slope is ``A (1 - A)``, so backward needs no second exponential.
    """
    F = as_matrix("F", F, what="(m, n)")
    A = _sigmoid(F)
    return A, A


def sigmoid_backward(dA, cache):
    """Backward pass of :func:`sigmoid_forward`: ``dF = dA * A * (1 - A)``.

    Parameters
    ----------
    dA : array_like, shape (m, n)
    cache : ndarray, shape (m, n)
        ``A`` from :func:`sigmoid_forward`.

    Returns
    -------
    dF : ndarray, shape (m, n)
    """
    dA = as_matrix("dA", dA, what="(m, n)")
    return dA * cache * (1.0 - cache)


# ------------------------------------------------------------------------------------------------ loss
def softmax_ce_forward(F, Y):
    r"""Softmax and the average cross-entropy, fused, from the logits.

    ``E = -(1/n) sum_i sum_k Y_ki log P_ki`` with ``P = softmax(F)`` column by column, computed as
    ``log P = (F - m) - log sum_k exp(F - m)`` with ``m`` the column maximum: no exponential
    overflows and no probability is rounded to 0 before its log is taken.

    Parameters
    ----------
    F : array_like, shape (K, n)
        Logits, one column per sample.
    Y : array_like, shape (K, n)
        One-hot targets.

    Returns
    -------
    E : float
        The loss.
    cache : tuple
        ``(P, Y)``: the probabilities and the targets.
    """
    F = as_matrix("F", F, what="(K, n)")
    Y = as_matrix("Y", Y, rows=F.shape[0], what=f"({F.shape[0]}, n)")
    if Y.shape != F.shape:
        raise ValueError(f"Y must have the shape of F, {fmt_shape(F.shape)}; got {fmt_shape(Y.shape)}.")
    check_one_hot("Y", Y)
    shifted = F - F.max(axis=0, keepdims=True)
    log_P = shifted - np.log(np.exp(shifted).sum(axis=0, keepdims=True))
    E = float(-(Y * log_P).sum() / F.shape[1])
    return E, (np.exp(log_P), Y)


def softmax_ce_backward(cache):
    """Backward pass of :func:`softmax_ce_forward`: ``dE/dF = (P - Y) / n``.

    Parameters
    ----------
    cache : tuple
        ``(P, Y)`` from :func:`softmax_ce_forward`.

    Returns
    -------
    dF : ndarray, shape (K, n)
    """
    P, Y = cache
    return (P - Y) / Y.shape[1]


#: The layers by name, each ``(forward, backward)``; :func:`build_network` takes such a dict.
PAIRS = {
    "affine": (affine_forward, affine_backward),
    "bias": (bias_forward, bias_backward),
    "relu": (relu_forward, relu_backward),
    "sigmoid": (sigmoid_forward, sigmoid_backward),
}
#: The loss on top of the list: ``(softmax_ce_forward, softmax_ce_backward)``.
SOFTMAX_CE = (softmax_ce_forward, softmax_ce_backward)


# ------------------------------------------------------------------------------------------------ network
def build_network(weights, hidden, pairs=None, hidden_bias: bool = True) -> list:
    """The list of layers of a fully connected network, logits on top.

    Parameters
    ----------
    weights : list of ndarray
        ``[W[1], ..., W[L]]``; ``W[l]`` has shape ``(fan_in, fan_out)``, and with ``hidden_bias``
        ``W[l]`` for ``l >= 2`` has ``fan_in = n_{l-1} + 1`` (row 0 holds the biases).
    hidden : {"relu", "sigmoid"}
        The activation of every hidden layer.
    pairs : dict, optional
        ``{"affine": (forward, backward), "bias": ..., "relu": ..., "sigmoid": ...}``; default :data:`PAIRS`.
    hidden_bias : bool, default True
        Put a bias layer after every hidden activation.

    Returns
    -------
    list of tuple
        ``(forward, backward, W)`` per layer, ``W`` None for a layer without weights: affine,
        activation, bias, affine, ..., affine.  The last layer is affine: its output is the logits,
        and the softmax belongs to the loss.
    """
    pairs = PAIRS if pairs is None else pairs
    if hidden not in ("relu", "sigmoid"):
        raise ValueError(f"hidden must be 'relu' or 'sigmoid'; got {hidden!r}.")
    weights = list(weights)
    layers = []
    for l, W in enumerate(weights):
        layers.append((*pairs["affine"], W))
        if l < len(weights) - 1:
            layers.append((*pairs[hidden], None))
            if hidden_bias:
                layers.append((*pairs["bias"], None))
    return layers


def forward_backward(layers, X, Y, loss=SOFTMAX_CE):
    """Forward through the layers in order, the loss on top, backward in reverse.

    Parameters
    ----------
    layers : list of tuple
        ``(forward, backward, W)`` per layer, as :func:`build_network` makes them.
    X : ndarray, shape (features + 1, n)
        Inputs, bias row first.
    Y : ndarray, shape (K, n)
        One-hot targets.
    loss : tuple
        ``(forward, backward)`` of the loss layer; default :data:`SOFTMAX_CE`.

    Returns
    -------
    E : float
        The loss.
    grads : list of ndarray
        ``dE/dW`` of every layer that has weights, in layer order, each shaped like its ``W``.
    """
    out, caches = X, []
    for forward, backward, W in layers:
        out, cache = forward(out) if W is None else forward(out, W)
        caches.append(cache)
    E, loss_cache = loss[0](out, Y)
    d = loss[1](loss_cache)
    grads = []
    for (forward, backward, W), cache in zip(reversed(layers), reversed(caches)):
        if W is None:
            d = backward(d, cache)
        else:
            d, dW = backward(d, cache)
            grads.append(dW)
    return E, grads[::-1]
