r"""The bug hunt of notebook 10: its two networks, a practitioner's sanity checks, and a diagnosis.

The broken backward passes themselves live in the notebook's cells, where the student reads them.
Every backward pass of the hunt has one signature, ``backward(weights, X, Y) -> [dE/dW[1], ..., dE/dW[L]]``,
and every loss ``loss(weights, X, Y) -> E``: the weights are a list ``[W[1], ..., W[L]]`` in the workbook's
notation (``W[l]`` of shape ``(fan_in, fan_out)``, columns are samples, the bias row of ones first).

* :data:`DIGITS` (65-15-16-10, ReLU, ReLU, softmax with cross-entropy, a bias row on top of every hidden
  activation) and :data:`WINE` (3-8-1, ReLU and a sigmoid with the log-loss, no hidden bias): the networks,
  with the library's exact gradients (:meth:`Network.backward`) and loss (:meth:`Network.loss`).
* The sanity checks the notebook's exercises build, as the library has them: :func:`expected_initial_loss`,
  :func:`overfit`, :func:`update_ratios`, :func:`blocked_fraction` and :func:`layer_errors` (a per-layer
  gradient check of any backward pass).
* :func:`diagnose` runs them all on one backward pass and prints a short report; :func:`screen` returns the
  same findings as numbers, for the notebook's summary table.
"""

from __future__ import annotations

import numpy as np

from .gradcheck import numerical_gradient, relative_error
from .mlp import MLP

__all__ = [
    "Network", "DIGITS", "WINE", "expected_initial_loss", "overfit", "update_ratios", "blocked_fraction",
    "layer_errors", "screen", "diagnose", "WRONG",
]

#: A layer whose relative error (backprop against central differences) is above this is called wrong.
WRONG = 1e-6


class Network:
    """A fully connected network of the hunt: sizes, activations, hidden bias and loss.

    Parameters
    ----------
    sizes : list of int
        ``[rows of X (features + 1), n_1, ..., n_L]``.
    activations : list of str
        One name per layer, as for :class:`~tutorial_lib.MLP`.
    hidden_bias : bool
        Put a row of ones on top of every hidden activation (row 0 of ``W[l]``, ``l >= 2``, holds the biases).
    loss : {"softmax_ce", "bce"}
        The mean cross-entropy of a softmax output, or the mean log-loss of a sigmoid output.
    name : str
        How the reports call it.
    """

    def __init__(self, sizes, activations, hidden_bias: bool, loss: str, name: str):
        self.sizes = list(sizes)
        self.activations = list(activations)
        self.hidden_bias = bool(hidden_bias)
        self.loss_name = loss
        self.name = name

    def __repr__(self):
        return f"Network({self.name})"

    @property
    def n_classes(self) -> int:
        """K, the number of outcomes: the output rows of a softmax, 2 for one sigmoid output."""
        return max(self.sizes[-1], 2)

    def weights(self, seed=0, scale: float = 1.0) -> list:
        """He-initialised weights ``[W[1], ..., W[L]]`` (standard deviation ``scale * sqrt(2 / fan_in)``)."""
        net = MLP.from_sizes(self.sizes, self.activations, init="he", scale=scale, seed=seed,
                             hidden_bias=self.hidden_bias)
        return net.weights

    def mlp(self, weights) -> MLP:
        """The library's network with these weights (copied)."""
        return MLP(weights, self.activations, hidden_bias=self.hidden_bias)

    def logits(self, weights, X) -> np.ndarray:
        """The output layer's pre-activations ``f[L]`` (the same products as :class:`~tutorial_lib.MLP`)."""
        A = np.asarray(X, dtype=np.float64)
        last = len(weights) - 1
        for l, (W, name) in enumerate(zip(weights, self.activations)):
            W = np.asarray(W, dtype=np.float64)
            F = W[1:].T @ A + W[0][:, None] if l > 0 and self.hidden_bias else W.T @ A
            if l == last:
                return F
            A = _HIDDEN[name](F)
        raise ValueError("weights must hold at least one matrix W[1].")  # pragma: no cover

    def loss(self, weights, X, Y) -> float:
        """The mean loss ``E`` of the network with ``weights`` on ``(X, Y)``, from the logits.

        The same number as ``self.mlp(weights).loss(X, Y, loss=...)``, without the library's checks of its
        inputs: the numerical gradients of the hunt evaluate it thousands of times.
        """
        F = self.logits(weights, X)
        Y = np.asarray(Y, dtype=np.float64)
        n = F.shape[1]
        if self.loss_name == "softmax_ce":
            shifted = F - F.max(axis=0, keepdims=True)
            log_p = shifted - np.log(np.exp(shifted).sum(axis=0, keepdims=True))
            return float(-(Y * log_p).sum() / n)
        return float((Y * np.logaddexp(0.0, -F) + (1.0 - Y) * np.logaddexp(0.0, F)).sum() / n)

    def backward(self, weights, X, Y) -> list:
        """The library's exact gradients ``[dE/dW[1], ..., dE/dW[L]]`` (``net.backward``)."""
        net = self.mlp(weights)
        net.forward(X)
        return [g.copy() for g in net.backward(Y, loss=self.loss_name)]


#: Hidden activations the networks of the hunt use, applied to a pre-activation.
_HIDDEN = {
    "relu": lambda F: np.maximum(F, 0.0),
    "tanh": np.tanh,
    "sigmoid": lambda F: 1.0 / (1.0 + np.exp(-F)),
}

#: The network of the hunt on the digits: 64 pixels and the bias row, two ReLU layers, ten classes.
DIGITS = Network([65, 15, 16, 10], ["relu", "relu", "softmax"], hidden_bias=True, loss="softmax_ce",
                 name="digits network 65-15-16-10")
#: The wine network of the last broken backward pass: the two features and the bias row, 8 ReLU units, a sigmoid.
WINE = Network([3, 8, 1], ["relu", "sigmoid"], hidden_bias=False, loss="bce", name="wine network 3-8-1")


# ------------------------------------------------------------------------------------------- the sanity checks
def expected_initial_loss(Y) -> float:
    """The loss of an untrained classifier: ``ln K`` for one-hot targets of K rows, ``ln 2`` for a (1, n) row."""
    rows = np.shape(Y)[0]
    return float(np.log(max(rows, 2)))


def overfit(backward, loss, weights, X, Y, lr: float, steps: int) -> np.ndarray:
    """Full-batch gradient descent with ``backward`` from copies of ``weights``; the loss after every step."""
    weights = [np.array(W, dtype=np.float64) for W in weights]
    losses = np.empty(steps)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for step in range(steps):
            grads = backward(weights, X, Y)
            weights = [W - lr * np.asarray(g) for W, g in zip(weights, grads)]
            losses[step] = loss(weights, X, Y) if np.all([np.all(np.isfinite(W)) for W in weights]) else np.nan
    return losses


def update_ratios(weights_before, weights_after) -> np.ndarray:
    """``||W_after[l] - W_before[l]|| / ||W_before[l]||`` for every layer (Frobenius norms)."""
    return np.array([np.linalg.norm(np.asarray(a) - np.asarray(b)) / np.linalg.norm(b)
                     for b, a in zip(weights_before, weights_after)])


#: Each activation's largest slope: the threshold of :func:`blocked_fraction` is 5% of it.
MAX_SLOPE = {"relu": 1.0, "tanh": 1.0, "sigmoid": 0.25}


def blocked_fraction(A, activation: str) -> float:
    """The fraction of entries of a layer's activations ``A`` where the activation's slope, computed from
    ``A`` itself, is below 5% of its largest slope: there the layer passes almost no gradient back."""
    A = np.asarray(A, dtype=np.float64)
    if activation == "relu":
        slope = (A > 0).astype(np.float64)
    elif activation == "tanh":
        slope = 1.0 - A * A
    elif activation == "sigmoid":
        slope = A * (1.0 - A)
    else:
        raise ValueError(f"activation must be 'relu', 'tanh' or 'sigmoid'; got {activation!r}.")
    return float(np.mean(slope < 0.05 * MAX_SLOPE[activation]))


def _numeric(loss, weights, X, Y, eps: float = 1e-6) -> list:
    """Central differences of ``loss`` with respect to every weight matrix (on copies)."""
    weights = [np.array(W, dtype=np.float64) for W in weights]
    return [numerical_gradient(lambda: loss(weights, X, Y), W, eps=eps) for W in weights]


def _errors(grads, numeric) -> np.ndarray:
    return np.array([relative_error(g, num) if np.shape(g) == num.shape else np.inf
                     for g, num in zip(grads, numeric)])


def layer_errors(backward, loss, weights, X, Y, eps: float = 1e-6) -> np.ndarray:
    """A per-layer gradient check of any backward pass.

    Returns
    -------
    ndarray, shape (L,)
        The relative error ``||g - g_num|| / (||g|| + ||g_num||)`` between ``backward``'s gradient of each
        layer and central differences of ``loss``; ``inf`` where the gradient has another shape than its
        weight matrix (then no entry can be compared).
    """
    grads = backward([np.array(W, dtype=np.float64) for W in weights], X, Y)
    return _errors(grads, _numeric(loss, weights, X, Y, eps))


# ------------------------------------------------------------------------------------------- the diagnosis
#: The last results of :func:`screen`, so that the summary after a hunt does not run every check again.  The
#: key holds the function object itself and the bytes of the data, so a redefined function or changed data
#: is screened afresh.
_SCREENED: dict = {}


def screen(backward, network: Network, X, Y, lr: float = 0.3, steps: int = 200, seed=0) -> dict:
    """What each sanity check finds about ``backward``, as numbers.

    Returns
    -------
    dict
        ``start_loss`` (float), ``expected`` (ln K), ``shapes`` (list of shapes, or None when ``backward``
        raised), ``errors`` and ``ratios`` (per layer, n samples; None when it raised), ``errors_1`` (one
        sample), ``update`` (update/weight ratio of one step of size ``lr``), ``losses`` (``steps`` steps of
        gradient descent on ``(X, Y)``, or None), ``raised`` (the exception's text, or None).
    """
    X, Y = np.asarray(X, dtype=np.float64), np.asarray(Y, dtype=np.float64)
    key = (backward, network.name, X.shape, X.tobytes(), Y.tobytes(), float(lr), int(steps), seed)
    try:
        if key in _SCREENED:
            return dict(_SCREENED[key])
    except TypeError:  # an unhashable backward (or seed): no memory
        key = None
    found = _screen(backward, network, X, Y, lr, steps, seed)
    if key is not None:
        if len(_SCREENED) >= 32:
            _SCREENED.pop(next(iter(_SCREENED)))
        _SCREENED[key] = found
    return dict(found)


def _screen(backward, network: Network, X, Y, lr, steps, seed) -> dict:
    W0 = network.weights(seed=seed)
    out = dict(start_loss=network.loss(W0, X, Y), expected=expected_initial_loss(Y), shapes=None, errors=None,
               ratios=None, errors_1=None, update=None, losses=None, raised=None)
    try:
        grads = backward([W.copy() for W in W0], X, Y)
    except Exception as exc:  # noqa: BLE001 - a broken backward pass may raise anything; the report says what
        out["raised"] = f"{type(exc).__name__}: {_first_line(exc)}"
    else:
        out["shapes"] = [np.shape(g) for g in grads]
        numeric = _numeric(network.loss, W0, X, Y)
        out["errors"] = _errors(grads, numeric)
        out["ratios"] = np.array([np.linalg.norm(g) / max(np.linalg.norm(num), 1e-300)
                                  if np.shape(g) == num.shape else np.nan for g, num in zip(grads, numeric)])
        if all(np.shape(g) == W.shape for g, W in zip(grads, W0)):
            out["update"] = update_ratios(W0, [W - lr * g for W, g in zip(W0, grads)])
            out["losses"] = overfit(backward, network.loss, W0, X, Y, lr, steps)
    try:
        out["errors_1"] = layer_errors(backward, network.loss, W0, X[:, :1], Y[:, :1])
    except Exception as exc:  # noqa: BLE001
        out["errors_1"] = None
        out["raised_1"] = f"{type(exc).__name__}: {_first_line(exc)}"
    return out


def _first_line(exc: BaseException) -> str:
    text = (str(exc).strip().splitlines() or [""])[0]
    return text if len(text) <= 200 else text[:197] + "..."


def _row(label: str, values, fmt) -> str:
    cells = "   ".join(f"layer {l}: {fmt(v):<8s}" for l, v in enumerate(values, start=1))
    return f"  {label:<27s}{cells}".rstrip()


def _sci(value) -> str:
    if value is None or not np.isfinite(value):
        return "inf" if value is not None and np.isinf(value) else "-"
    return f"{value:.0e}" if value < 1e-3 else f"{value:.1e}"


def _ratio(value) -> str:
    return "-" if not np.isfinite(value) else f"{value:.3g}"


def diagnose(backward, network: Network, X, Y, lr: float = 0.3, steps: int = 200, seed=0, name=None) -> None:
    """Run every sanity check of notebook 10 on ``backward`` and print a short report.

    The weights are :meth:`Network.weights` with ``seed``; ``(X, Y)`` is the small batch to check and to
    overfit.  The report has one line per check: the loss at the start against ``ln K``, the shapes of the
    gradients, the per-layer gradient check on all samples and on the first one, the norm of each layer's
    gradient divided by that of the central differences, the update/weight ratio of one step of size
    ``lr``, and the loss after ``steps`` steps of gradient descent.
    """
    found = screen(backward, network, X, Y, lr=lr, steps=steps, seed=seed)
    n = np.shape(X)[1]
    title = name or getattr(backward, "__name__", "backward")
    lines = [f"{title} · {network.name} · {n} samples",
             f"  {'loss at the start':<27s}{found['start_loss']:.2f}   (ln {network.n_classes} = "
             f"{found['expected']:.2f})"]
    W0 = network.weights(seed=seed)
    if found["raised"] is not None:
        lines.append(f"  {'with ' + str(n) + ' samples':<27s}raised {found['raised'].split(': ', 1)[0]}:")
        lines.append(f"    {found['raised'].split(': ', 1)[-1]}")
    else:
        shapes = found["shapes"]
        right = all(s == W.shape for s, W in zip(shapes, W0)) and len(shapes) == len(W0)
        verdict = "all like their W" if right else "NOT all like their W: " + " ".join(
            f"W[{l}] {W.shape}" for l, W in enumerate(W0, start=1))
        lines.append(f"  {'shapes of the gradients':<27s}{' '.join(str(s) for s in shapes)}: {verdict}")
        lines.append(_row(f"gradient check, n = {n}", found["errors"], _sci))
        lines.append(_row("|backprop| / |numerical|", found["ratios"], _ratio))
    if found["errors_1"] is not None:
        lines.append(_row("gradient check, n = 1", found["errors_1"], _sci))
    else:
        lines.append(f"  {'with 1 sample':<27s}raised {found['raised_1'].split(': ', 1)[0]}:")
        lines.append(f"    {found['raised_1'].split(': ', 1)[-1]}")
    if found["update"] is not None:
        lines.append(_row(f"update/weight, lr = {lr:g}", found["update"], lambda v: f"{v:.0e}"))
        losses = found["losses"]
        end = f"{losses[-1]:.3g}" if np.isfinite(losses[-1]) else "not a number (diverged)"
        lines.append(f"  {f'overfit, {steps} steps':<27s}loss {found['start_loss']:.3g} -> {end}")
    print("\n".join(lines))
