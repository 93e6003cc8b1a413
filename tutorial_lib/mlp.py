r"""A multi-layer perceptron in the tutorial's notation, with vectorized backprop.

Notation (the tutorial's, everywhere in this workbook):

* columns are samples: ``X`` has shape ``(features + 1, n)`` and its first row
  is the bias row of ones (``X_0 = 1``);
* layer ``l = 1..L`` computes ``f[l] = W[l].T @ a[l-1]`` and ``a[l] = g[l](f[l])``
  with ``a[0] = X`` and ``Y_hat = a[L]``;
* ``W[l]`` has shape ``(fan_in, fan_out)``;
* every gradient has the shape of what it differentiates.

Python lists are 0-based, so ``net.weights[0]`` is ``W[1]``, ``net.f[0]`` is
``f[1]``, ``net.a[0]`` is ``a[1]`` and ``net.grad_W[0]`` is ``dE/dW[1]``.

With ``hidden_bias=True`` a row of ones is put on top of each hidden
activation before it enters the next layer, so ``W[l]`` for ``l >= 2`` has
``fan_in = n_{l-1} + 1`` and its row 0 holds that layer's biases.  The ones are
never materialised: ``f = W[1:].T @ a + W[0]`` is the same product without a copy.

Speed: a pass writes every result into an array of the network's previous pass
that nothing else holds any more (see ``_Workspace``), the activations work in
place with numpy's vectorised ``exp``, and backward multiplies each layer's
``dE/da`` by ``g'(f)`` in place, so that a pass allocates (almost) nothing.  What
a caller holds is never overwritten: an array that anyone else refers to is left
alone and a new one takes its place.
"""

from __future__ import annotations

import numbers
import sys

import numpy as np

from ._validation import (
    as_matrix, check_binary_labels, check_one_hot, check_probabilities, check_scalar, fmt_shape,
)
from .activations import _make_registry, _sigmoid_of_negated
from .losses import (
    LOSSES, _bce_grad, _bce_loss, _bce_loss_from_logits, _mse_grad, _mse_loss, _softmax_ce_grad,
    _softmax_ce_loss, _softmax_ce_loss_from_logits,
)

__all__ = ["MLP", "INITS"]

#: Initialisation schemes of :meth:`MLP.from_sizes`.
INITS = ("xavier", "he", "normal")


# ---------------------------------------------------------------------------
# Buffers: forward and backward write every array into one the network made
# before, when nothing else holds it any more.  A deep network makes about a
# hundred arrays per pass; new ones cost the allocator's page faults, which on
# the 50-layer network of notebook 04 take about as long as all its exponentials.
# ---------------------------------------------------------------------------

def _refcount(pool: dict, key) -> int:
    # Always called the same way, so that every count includes the same references
    # of its own (the dict's, ``item``'s and the argument's, where the interpreter counts it).
    item = pool[key]
    return sys.getrefcount(item)


def _alone() -> int:
    """What _refcount reports for an array that only its dict holds, measured now."""
    return _refcount({0: np.empty(0)}, 0)


def _counts_holders() -> bool:
    # Reference counts tell whether anything else holds an array only where one more
    # holder shows as one more count (CPython); elsewhere the network never reuses.
    pool = {0: np.empty(0)}
    alone = _refcount(pool, 0)
    extra = pool[0]  # noqa: F841 (a second holder, for the check)
    return _refcount(pool, 0) == alone + 1


_REUSE = _counts_holders()

#: Workspace arrays with one column per sample (the others are shaped like weights).
_PER_SAMPLE = {"f", "a", "ga", "gf", "scratch"}


class _Workspace:
    """The arrays of a network's last passes, handed out again once nothing else holds them.

    ``get(kind, layer, shape)`` returns the array of that slot if it has that
    shape and its reference count says that only this pool holds it: no caller,
    no list of an earlier pass, no view.  Otherwise it makes a new array, which
    takes the slot; the old one stays with whoever holds it, unchanged.  So an
    array a caller kept never changes under them.  Slots are kept for the two
    most recent batch sizes (a mini-batch and the full data in ``fit``).
    """

    def __init__(self):
        self._slots = {}
        self._sizes = []
        self._alone = None

    def use(self, n: int) -> None:
        """A pass over ``n`` samples begins: note the count of an unheld array (measured
        afresh, so that a tracer or debugger that adds references to every frame's locals
        adds them to the reference too), and forget the slots of older sizes."""
        self._alone = _alone() if _REUSE else None
        if n in self._sizes:
            return
        self._sizes.append(n)
        if len(self._sizes) > 2:
            old = self._sizes.pop(0)
            self._slots = {key: buf for key, buf in self._slots.items()
                           if key[0] not in _PER_SAMPLE or key[2][-1] != old}

    def get(self, kind: str, layer: int, shape: tuple) -> np.ndarray:
        key = (kind, layer, shape)
        slots = self._slots
        # No local name may hold the array while it is counted.
        if key in slots and self._alone is not None and _refcount(slots, key) == self._alone:
            return slots[key]
        buf = slots[key] = np.empty(shape)
        return buf


class MLP:
    """A fully connected network ``f[l] = W[l].T @ a[l-1]``, ``a[l] = g[l](f[l])``.

    Parameters
    ----------
    weights : list of array_like
        ``[W[1], W[2], ..., W[L]]``; ``W[l]`` has shape ``(fan_in, fan_out)``.
        ``W[1]``'s fan-in counts the bias row of ``X``.  The arrays are copied.
    activations : list of str
        One name per layer, from ``sigmoid``, ``relu``, ``leaky_relu``, ``tanh``,
        ``identity`` and ``softmax`` (output layer only).
    hidden_bias : bool, default False
        Put a row of ones on top of every hidden activation, so that ``W[l]``
        for ``l >= 2`` has ``fan_in = n_{l-1} + 1``.
    leaky_slope : float, default 0.01
        The slope ``a`` of ``leaky_relu`` for negative inputs.

    Attributes
    ----------
    weights : list of ndarray
        The weights, updated in place by :meth:`step` and :meth:`fit`.
    f, a : list of ndarray
        After :meth:`forward`: ``f[i]`` and ``a[i]`` are the pre-activation and
        activation of layer ``i + 1``, each of shape ``(n_{i+1}, n)``.
    grad_W, grad_f, grad_a : list of ndarray
        After :meth:`backward`: ``dE/dW``, ``dE/df`` and ``dE/da`` of layer
        ``i + 1``, each with the shape of what it differentiates (``grad_a`` is
        worked out when first read, from the weights as backward saw them).

    Examples
    --------
    >>> import numpy as np
    >>> net = MLP([np.zeros((3, 2)), np.zeros((2, 1))], ["relu", "sigmoid"])
    >>> net.forward(np.ones((3, 4))).shape
    (1, 4)
    """

    def __init__(self, weights, activations, hidden_bias: bool = False, leaky_slope: float = 0.01):
        if isinstance(activations, str):
            raise TypeError(
                f"activations must be a list with one name per layer, e.g. ['relu', 'sigmoid']; "
                f"got the string {activations!r}."
            )
        weights = list(weights)
        activations = list(activations)
        if not weights:
            raise ValueError("weights must hold at least one matrix W[1].")
        if len(activations) != len(weights):
            raise ValueError(
                f"activations must name one function per layer: {len(weights)} weight matrices "
                f"but {len(activations)} activations."
            )
        self.hidden_bias = bool(hidden_bias)
        self.leaky_slope = check_scalar("leaky_slope", leaky_slope, minimum=0.0)
        registry = _make_registry(self.leaky_slope)
        for i, name in enumerate(activations):
            if name not in registry:
                raise ValueError(
                    f"activations[{i}] = {name!r} is not one of {', '.join(sorted(registry))}."
                )
            if name == "softmax" and i != len(activations) - 1:
                raise ValueError("softmax is only supported as the output activation.")
        self.activations = activations
        self._acts = [registry[name] for name in activations]
        self.weights = []
        for i, W in enumerate(weights):
            W = as_matrix(f"W[{i + 1}]", W, what="(fan_in, fan_out)").copy()
            if i > 0:
                fan_in = self.weights[-1].shape[1] + self.hidden_bias
                if W.shape[0] != fan_in:
                    extra = " (n_{l-1} + 1 for the bias row, because hidden_bias=True)" if self.hidden_bias else ""
                    raise ValueError(
                        f"W[{i + 1}] must have shape ({fan_in}, fan_out){extra}: its fan-in must match "
                        f"W[{i}]'s {self.weights[-1].shape[1]} outputs; got shape {fmt_shape(W.shape)}."
                    )
            self.weights.append(W)
        self._clear()

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_sizes(cls, sizes, activations, init: str = "xavier", scale: float = 1.0, seed=0,
                   hidden_bias: bool = False, leaky_slope: float = 0.01) -> "MLP":
        """Build a network from layer sizes with random weights.

        Parameters
        ----------
        sizes : list of int
            ``[rows of X (features + 1), n_1, ..., n_L]``.
        activations : list of str or str
            One name per layer; a single string is used for every hidden layer
            with a sigmoid output layer.
        init : {"xavier", "he", "normal"}
            Normal entries with standard deviation ``scale * sqrt(2 / (fan_in + fan_out))``
            (Xavier/Glorot), ``scale * sqrt(2 / fan_in)`` (He) or ``scale`` ("normal").
        scale : float, default 1.0
            Multiplies the standard deviation.
        seed : int or numpy Generator
            Makes the weights reproducible.
        """
        sizes = [int(s) for s in sizes]
        if len(sizes) < 2 or min(sizes) < 1:
            raise ValueError(f"sizes must list at least an input and an output size, all >= 1; got {sizes}.")
        if isinstance(activations, str):
            activations = [activations] * (len(sizes) - 2) + ["sigmoid"]
        if init not in INITS:
            raise ValueError(f"init must be one of {', '.join(INITS)}; got {init!r}.")
        scale = check_scalar("scale", scale, minimum=0.0)
        rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        weights = []
        for layer in range(1, len(sizes)):
            fan_in = sizes[layer - 1] + (1 if hidden_bias and layer >= 2 else 0)
            fan_out = sizes[layer]
            if init == "xavier":
                std = np.sqrt(2.0 / (fan_in + fan_out))
            elif init == "he":
                std = np.sqrt(2.0 / fan_in)
            else:
                std = 1.0
            weights.append(rng.normal(0.0, scale * std, size=(fan_in, fan_out)))
        return cls(weights, activations, hidden_bias=hidden_bias, leaky_slope=leaky_slope)

    def copy(self) -> "MLP":
        """An independent copy with the same weights."""
        return MLP(self.weights, self.activations, self.hidden_bias, self.leaky_slope)

    @property
    def n_layers(self) -> int:
        """L, the number of weight layers."""
        return len(self.weights)

    @property
    def sizes(self) -> list:
        """``[rows of X, n_1, ..., n_L]``."""
        return [self.weights[0].shape[0]] + [W.shape[1] for W in self.weights]

    def __repr__(self):
        arrows = " -> ".join(str(s) for s in self.sizes)
        acts = self.activations
        if len(acts) > 4 and len(set(acts[:-1])) == 1:
            acts_txt = f"[{acts[0]!r}] * {len(acts) - 1} + [{acts[-1]!r}]"
        else:
            acts_txt = repr(acts)
        return f"MLP({arrows}, activations={acts_txt}, hidden_bias={self.hidden_bias})"

    def _clear(self):
        self.a, self.grad_W, self.grad_f = [], [], []
        self._f, self._f_from = [], None
        self._grad_a, self._grad_a_from = [], None
        self._X = None
        self._workspace = _Workspace()

    @property
    def f(self) -> list:
        """``f[l] = W[l].T @ a[l-1]`` of every layer after :meth:`forward`, each ``(n_l, n)``.

        A sigmoid layer between the first and the last computes ``a[l]`` straight
        from ``-f[l] = (-W[l]).T @ a[l-1]`` and keeps no ``f[l]``; its ``f[l]`` is
        worked out here on first access, by the same product from the weights as
        they were during that forward pass (negating a product's inputs negates
        its result exactly, so these are the very numbers forward used).
        """
        if self._f_from is not None:
            for i, minus_W, a_prev in self._f_from:
                if i > 0 and self.hidden_bias:
                    f = minus_W[1:].T @ a_prev
                    f += minus_W[0][:, None]
                else:
                    f = minus_W.T @ a_prev
                self._f[i] = np.negative(f, out=f)
            self._f_from = None
        return self._f

    @property
    def grad_a(self) -> list:
        """``dE/da`` of every layer after :meth:`backward`, each shaped like ``a``.

        Backward turns each ``dE/da[l] = W[l+1] dE/df[l+1]`` into ``dE/df[l]`` in
        place, so the hidden layers' ``dE/da`` are computed again here, on first
        access, by the same product from the weights as they were during that
        backward pass (so a later :meth:`step` does not change them) and from
        ``grad_f``; the output layer's ``dE/dY_hat`` is kept as it was.
        """
        if self._grad_a is None:
            dA_out, W_ins = self._grad_a_from
            grad_a = [W_in @ dF for W_in, dF in zip(W_ins, self.grad_f[1:])]
            grad_a.append(dA_out)
            self._grad_a, self._grad_a_from = grad_a, None
        return self._grad_a

    # ------------------------------------------------------------------ validation
    def _check_X(self, X) -> np.ndarray:
        rows = self.weights[0].shape[0]
        X = as_matrix("X", X, what="(features + 1, n)")
        if X.shape[0] != rows:
            hint = ""
            if X.shape[0] == rows - 1:
                hint = " It is one row short: did you forget the bias row? Use add_bias_row(X)."
            elif X.shape[1] == rows:
                hint = " It looks transposed: columns must be samples, so pass X.T."
            raise ValueError(
                f"X must have shape ({rows}, n) to match W[1] of shape {fmt_shape(self.weights[0].shape)} "
                f"(features + 1 rows, bias row first); got shape {fmt_shape(X.shape)}.{hint}"
            )
        if not (X[0] == 1.0).all():
            j = int(np.argmax(X[0] != 1.0))
            raise ValueError(
                f"X's first row must be the bias row of ones (shape (features + 1, n)); X[0, {j}] is "
                f"{X[0, j]!r}. Use add_bias_row(X) on the raw features."
            )
        return X

    def _check_Y(self, Y, loss: str) -> np.ndarray:
        if loss not in LOSSES:
            raise ValueError(f"loss must be one of {', '.join(LOSSES)}; got {loss!r}.")
        out = self.a[-1]
        Y = as_matrix("Y", Y, rows=out.shape[0], what=f"({out.shape[0]}, n)")
        if Y.shape != out.shape:
            raise ValueError(
                f"Y must have the shape of Y_hat, {fmt_shape(out.shape)} (one column per sample of the "
                f"last forward pass); got shape {fmt_shape(Y.shape)}."
            )
        if loss == "bce":
            check_binary_labels("Y", Y)
            check_probabilities("Y_hat (the network's output)", out)
        elif loss == "softmax_ce":
            check_one_hot("Y", Y)
            check_probabilities("Y_hat (the network's output)", out)
        return Y

    @staticmethod
    def _loss_options(loss, alpha, beta, l2):
        alpha = check_scalar("alpha", alpha, minimum=0.0)
        beta = check_scalar("beta", beta, minimum=0.0)
        l2 = check_scalar("l2", l2, minimum=0.0)
        if loss != "bce" and (alpha != 1.0 or beta != 1.0):
            raise ValueError(f"alpha and beta weight the classes of loss='bce'; they do not apply to loss={loss!r}.")
        return alpha, beta, l2

    # ------------------------------------------------------------------ forward
    def forward(self, X) -> np.ndarray:
        """Run the network and keep what :meth:`backward` needs.

        Parameters
        ----------
        X : array_like, shape (features + 1, n)
            Inputs, one column per sample, bias row of ones first.

        Returns
        -------
        Y_hat : ndarray, shape (n_L, n)
        """
        return self._forward(self._check_X(X))

    def _forward(self, X: np.ndarray) -> np.ndarray:
        self._X = X
        # Drop the lists of the last pass first, so that their arrays, unless someone
        # else holds them, can take this pass's results.  grad_W/grad_f/grad_a keep the
        # last backward pass, so that a fit callback can read gradient_norms() after
        # the end-of-epoch forward pass.
        self._f, self._f_from, self.a = [], [], []
        n = X.shape[1]
        ws = self._workspace
        ws.use(n)
        inp = X
        last = self.n_layers - 1
        for i, (W, act) in enumerate(zip(self.weights, self._acts)):
            shape = (W.shape[1], n)
            if act.name == "sigmoid" and 0 < i < last:
                # A hidden sigmoid layer: -f = (-W).T @ a[l-1] goes straight into a[l]'s buffer
                # and the sigmoid works on it in place; f[l] itself is made only if read (see f).
                minus_W = np.negative(W, out=ws.get("minus_W", i, W.shape))
                a = ws.get("a", i, shape)
                if self.hidden_bias:
                    np.matmul(minus_W[1:].T, inp, out=a)
                    a += minus_W[0][:, None]
                else:
                    np.matmul(minus_W.T, inp, out=a)
                _sigmoid_of_negated(a, out=a)
                self._f.append(None)
                self._f_from.append((i, minus_W, inp))
            else:
                f = ws.get("f", i, shape)
                if i > 0 and self.hidden_bias:
                    np.matmul(W[1:].T, inp, out=f)
                    f += W[0][:, None]
                else:
                    np.matmul(W.T, inp, out=f)
                a = f if act.name == "identity" else act.forward(f, out=ws.get("a", i, shape))
                self._f.append(f)
            self.a.append(a)
            inp = a
        if not self._f_from:
            self._f_from = None
        return self.a[-1]

    def predict(self, X) -> np.ndarray:
        """Predicted class of every sample, shape ``(n,)``: ``Y_hat >= 0.5`` for one
        output unit, the arg-max over the rows otherwise (ready for scikit-learn's metrics)."""
        Y_hat = self.forward(X)
        if Y_hat.shape[0] == 1:
            return (Y_hat[0] >= 0.5).astype(int)
        return Y_hat.argmax(axis=0)

    # ------------------------------------------------------------------ loss
    def loss(self, X, Y, loss: str = "bce", alpha: float = 1.0, beta: float = 1.0, l2: float = 0.0) -> float:
        """Forward pass and the loss ``E`` (plus ``l2 * sum ||W[l]||_F^2``), as a float."""
        alpha, beta, l2 = self._loss_options(loss, alpha, beta, l2)
        self.forward(X)
        Y = self._check_Y(Y, loss)
        return self._loss_value(Y, loss, alpha, beta, l2)

    def _loss_value(self, Y, loss, alpha, beta, l2) -> float:
        out_name = self.activations[-1]
        F, A = self._f[-1], self.a[-1]
        if loss == "bce" and out_name == "sigmoid":
            # From the logits: log(sigma(f)) = -softplus(-f), log(1 - sigma(f)) = -softplus(f).
            value = _bce_loss_from_logits(F, Y, alpha, beta)
        elif loss == "bce":
            value = _bce_loss(A, Y, alpha, beta)
        elif loss == "softmax_ce" and out_name == "softmax":
            value = _softmax_ce_loss_from_logits(F, Y)
        elif loss == "softmax_ce":
            value = _softmax_ce_loss(A, Y)
        else:
            value = _mse_loss(A, Y)
        if l2:
            value += l2 * sum(float((W * W).sum()) for W in self.weights)
        return value

    # ------------------------------------------------------------------ backward
    def backward(self, Y, loss: str = "bce", alpha: float = 1.0, beta: float = 1.0, l2: float = 0.0) -> list:
        """Backpropagate the loss of the last :meth:`forward` pass.

        Parameters
        ----------
        Y : array_like, shape (n_L, n)
            Targets: labels 0/1 for ``"bce"``, one-hot columns for ``"softmax_ce"``.
        loss : {"bce", "softmax_ce", "mse"}
        alpha, beta : float
            Class weights of the binary cross-entropy (tutorial part A.4).
        l2 : float
            Adds ``l2 * sum ||W[l]||_F^2`` to the loss, ``2 * l2 * W[l]`` to each gradient.

        Returns
        -------
        list of ndarray
            ``dE/dW[l]`` for every layer, each with the shape of ``W[l]``.
        """
        if self._X is None:
            raise RuntimeError("backward(Y) needs the values of a forward pass: call net.forward(X) first.")
        alpha, beta, l2 = self._loss_options(loss, alpha, beta, l2)
        Y = self._check_Y(Y, loss)
        return self._backward(Y, loss, alpha, beta, l2)

    def _output_grads(self, Y, loss, alpha, beta):
        """dE/dY_hat and dE/df[L] for the output layer."""
        F, A = self._f[-1], self.a[-1]
        out = self._acts[-1]
        ws, last, n = self._workspace, self.n_layers - 1, Y.shape[1]
        if loss == "bce":
            dA = _bce_grad(A, Y, alpha, beta, out=ws.get("ga", last, A.shape))
            if out.name == "sigmoid":
                # dE/df = (beta (1 - Y) Y_hat - alpha Y (1 - Y_hat)) / n, which is (Y_hat - Y)/n
                # when alpha = beta = 1; no division, so exact even where Y_hat rounds to 0 or 1.
                if alpha == 1.0 and beta == 1.0:
                    dF = np.subtract(A, Y, out=ws.get("gf", last, A.shape))
                    dF /= n
                    return dA, dF
                return dA, (beta * (1.0 - Y) * A - alpha * Y * (1.0 - A)) / n
        elif loss == "softmax_ce":
            dA = _softmax_ce_grad(A, Y, out=ws.get("ga", last, A.shape))
            if out.name == "softmax":
                dF = np.subtract(A, Y, out=ws.get("gf", last, A.shape))
                dF /= n
                return dA, dF
        else:
            dA = _mse_grad(A, Y, out=ws.get("ga", last, A.shape))
        if out.elementwise:
            dF = ws.get("gf", last, A.shape)
            np.copyto(dF, dA)  # dE/dY_hat stays as grad_a[-1]; its copy becomes dE/df in place
            return dA, out.backprop(dF, F, A, ws.get("scratch", 0, A.shape))
        # Softmax with another loss: J^T dA per column, J = diag(p) - p p^T.
        return dA, A * (dA - (A * dA).sum(axis=0, keepdims=True))

    def _backward(self, Y, loss, alpha, beta, l2) -> list:
        L = self.n_layers
        # As in _forward: drop the last pass's lists, then reuse what nobody else holds.
        self.grad_W, self.grad_f = [], []
        self._grad_a, self._grad_a_from = None, None
        ws = self._workspace
        ws.use(Y.shape[1])
        dA_out, dF = self._output_grads(Y, loss, alpha, beta)
        grad_W, grad_f, W_ins = [None] * L, [None] * L, [None] * (L - 1)
        for i in range(L - 1, -1, -1):
            grad_f[i] = dF
            W = self.weights[i]
            inp = self._X if i == 0 else self.a[i - 1]
            gW = ws.get("gW", i, W.shape)
            if i > 0 and self.hidden_bias:
                np.sum(dF, axis=1, out=gW[0])
                np.matmul(inp, dF.T, out=gW[1:])
                W_in = W[1:]
            else:
                np.matmul(inp, dF.T, out=gW)
                W_in = W
            if l2:
                gW += (2.0 * l2) * W
            grad_W[i] = gW
            if i > 0:
                # dE/da[l-1] = W[l] dE/df[l] goes into the buffer of dE/df[l-1], and the
                # activation's derivative multiplies it there in place: one buffer per layer
                # and no array for g'(f) (the scratch is the same for every layer).
                shape = self.a[i - 1].shape
                dF = np.matmul(W_in, dF, out=ws.get("gf", i - 1, shape))
                # (f[l-1] is None for a hidden sigmoid layer, whose derivative needs only a[l-1].)
                dF = self._acts[i - 1].backprop(dF, self._f[i - 1], self.a[i - 1], ws.get("scratch", 0, shape))
                W_ins[i - 1] = snapshot = ws.get("W_in", i, W_in.shape)  # W[l] as it is now, for grad_a
                np.copyto(snapshot, W_in)
        self.grad_W, self.grad_f = grad_W, grad_f
        self._grad_a_from = (dA_out, W_ins)  # for grad_a, computed when first read
        return grad_W

    # ------------------------------------------------------------------ diagnostics
    def gradient_norms(self) -> dict:
        """Frobenius norms per layer after :meth:`backward`.

        Returns
        -------
        dict with keys ``"layer"`` (1..L), ``"dW"`` (``||dE/dW[l]||``) and
        ``"df"`` (``||dE/df[l]||``), each an array of length L.
        """
        if not self.grad_W:
            raise RuntimeError("gradient_norms() reports the last backward pass: call forward and backward first.")
        return {
            "layer": np.arange(1, self.n_layers + 1),
            "dW": np.array([np.linalg.norm(g) for g in self.grad_W]),
            "df": np.array([np.linalg.norm(g) for g in self.grad_f]),
        }

    # ------------------------------------------------------------------ training
    def step(self, grads, lr: float) -> None:
        """Gradient-descent update ``W[l] -= lr * grads[l]``, in place."""
        lr = check_scalar("lr", lr, minimum=0.0)
        grads = list(grads)
        if len(grads) != self.n_layers:
            raise ValueError(f"step needs one gradient per layer: {self.n_layers} layers, got {len(grads)}.")
        for i, (W, g) in enumerate(zip(self.weights, grads)):
            if np.shape(g) != W.shape:
                raise ValueError(
                    f"grads[{i}] must have the shape of W[{i + 1}], {fmt_shape(W.shape)}; "
                    f"got {fmt_shape(np.shape(g))}."
                )
        for W, g in zip(self.weights, grads):
            W -= lr * np.asarray(g, dtype=np.float64)

    def fit(self, X, Y, lr: float, epochs: int, loss: str = "bce", batch_size=None, seed=0,
            callback=None, **loss_options) -> np.ndarray:
        """Train by gradient descent and return the loss history.

        Parameters
        ----------
        X : array_like, shape (features + 1, n)
        Y : array_like, shape (n_L, n)
        lr : float
            Learning rate.
        epochs : int
            Passes over the data.
        loss : {"bce", "softmax_ce", "mse"}
        batch_size : int, optional
            Mini-batch size; ``None`` (default) is full-batch gradient descent.
            Mini-batches are drawn from a fresh permutation each epoch.
        seed : int
            Seeds the shuffling, so a fit is deterministic.
        callback : callable, optional
            Called as ``callback(epoch, net, loss)`` after every epoch (1-based);
            the live plots of the notebooks use it.
        **loss_options
            ``alpha``, ``beta``, ``l2``.

        Returns
        -------
        ndarray, shape (epochs,)
            The loss on all of ``X`` after each epoch (with the L2 penalty).
        """
        unknown = set(loss_options) - {"alpha", "beta", "l2"}
        if unknown:
            raise TypeError(f"fit got unexpected options {sorted(unknown)}; loss options are alpha, beta, l2.")
        alpha, beta, l2 = self._loss_options(loss, loss_options.get("alpha", 1.0),
                                             loss_options.get("beta", 1.0), loss_options.get("l2", 0.0))
        lr = check_scalar("lr", lr, minimum=0.0)
        if not isinstance(epochs, numbers.Integral) or isinstance(epochs, bool) or epochs < 0:
            raise ValueError(f"epochs must be a whole number >= 0; got {epochs!r}.")
        X = self._check_X(X)
        self._forward(X)
        Y = self._check_Y(Y, loss)
        n = X.shape[1]
        if batch_size is not None:
            if not isinstance(batch_size, numbers.Integral) or not 1 <= batch_size:
                raise ValueError(f"batch_size must be a whole number >= 1 or None; got {batch_size!r}.")
            batch_size = min(int(batch_size), n)
        rng = np.random.default_rng(seed)
        history = np.empty(epochs)
        full_batch = batch_size is None or batch_size >= n
        for epoch in range(epochs):
            if full_batch:
                # The forward state of X is current: set before the loop, then at each epoch's end.
                self._backward(Y, loss, alpha, beta, l2)
                self._step_unchecked(lr)
            else:
                order = rng.permutation(n)
                for start in range(0, n, batch_size):
                    idx = order[start:start + batch_size]
                    self._forward(X[:, idx])
                    self._backward(Y[:, idx], loss, alpha, beta, l2)
                    self._step_unchecked(lr)
            self._forward(X)
            history[epoch] = self._loss_value(Y, loss, alpha, beta, l2)
            if callback is not None:
                callback(epoch + 1, self, history[epoch])
        return history

    def _step_unchecked(self, lr):
        for W, g in zip(self.weights, self.grad_W):
            W -= lr * g
