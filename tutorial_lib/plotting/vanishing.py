r"""Figures of notebook 04 (vanishing gradients in a deep sigmoid network).

The bound drawn over the measured gradient norms follows from the backward
recursion ``dE/df[l] = g'(f[l]) * (W[l+1] @ dE/df[l+1])`` (hidden_bias=False):

.. math:: \|dE/df^{[l]}\|_F \le (\max g')^{L-l}\,\prod_{k=l+1}^{L}\|W^{[k]}\|_2\;\|dE/df^{[L]}\|_F,

with ``max g' = 1/4`` for the sigmoid and ``||W||_2`` the spectral norm (largest
singular value).  The output layer's ``sigma'`` is already inside
``dE/df[L] = (Y_hat - Y) / n``, so there are ``L - l`` derivative factors
between layer ``l`` and the output.
"""

from __future__ import annotations

import numpy as np

from .core import PALETTE, figure

__all__ = [
    "MAX_SLOPE", "spectral_norms", "gradient_bound_curve", "sigma_factor_curve", "plot_gradient_bound",
    "plot_gradient_comparison", "plot_gradient_heatmaps",
]

#: The largest value of each activation's derivative g'(s).
MAX_SLOPE = {"sigmoid": 0.25, "tanh": 1.0, "relu": 1.0, "leaky_relu": 1.0, "identity": 1.0}

_TINY = 1e-300  # floor for log-scale plots: a norm that is exactly 0 is drawn here


def spectral_norms(weights) -> np.ndarray:
    """``||W[l]||_2`` (largest singular value) of every weight matrix, shape (L,)."""
    return np.array([np.linalg.norm(np.asarray(W, dtype=float), 2) for W in weights])


def _hidden_slope(net) -> float:
    hidden = set(net.activations[:-1]) or {net.activations[-1]}
    return max(MAX_SLOPE[name] for name in hidden)


def gradient_bound_curve(net) -> np.ndarray:
    """The bound on ``||dE/df[l]||`` for l = 1..L from the network's last backward pass.

    ``bound[l-1] = (max g')^(L-l) * prod_{k=l+1..L} ||W[k]||_2 * ||dE/df[L]||``.
    Needs ``hidden_bias=False`` (then ``W[l+1]`` is exactly the matrix that
    carries ``dE/df[l+1]`` back to layer ``l``).
    """
    if net.hidden_bias:
        raise ValueError("gradient_bound_curve assumes hidden_bias=False.")
    L = net.n_layers
    last = np.linalg.norm(net.grad_f[-1])
    slope = _hidden_slope(net)
    norms = spectral_norms(net.weights)
    # suffix[l-1] = prod_{k=l+1..L} ||W[k]||, computed in logs so depth 80 stays finite.
    log_suffix = np.concatenate([np.cumsum(np.log(norms[:0:-1]))[::-1], [0.0]])
    exponents = np.arange(L - 1, -1, -1)  # L - l for l = 1..L
    with np.errstate(over="ignore", under="ignore"):
        return np.exp(exponents * np.log(slope) + log_suffix) * last


def sigma_factor_curve(net) -> np.ndarray:
    """``(max g')^(L-l) * ||dE/df[L]||``: the derivative factors alone (NOT a bound)."""
    L = net.n_layers
    last = np.linalg.norm(net.grad_f[-1])
    with np.errstate(under="ignore"):
        return _hidden_slope(net) ** np.arange(L - 1, -1, -1, dtype=float) * last


def plot_gradient_bound(net, ax=None, title: str | None = None, show_sigma_factor: bool = True):
    """Measured ``||dE/df[l]||`` per layer with the bound (dashed) and the sigma' factors alone (dotted).

    Call after ``net.forward(X)`` and ``net.backward(Y)``.
    """
    if ax is None:
        _, ax = figure(width=8.0, height=4.4)
    norms = net.gradient_norms()["df"]
    layers = np.arange(1, norms.size + 1)
    slope = _hidden_slope(net)
    weights_txt = r"\Vert W^{[l+1]}\Vert_2 \cdots \Vert W^{[L]}\Vert_2"
    last_txt = r"\Vert \partial \mathcal{E} / \partial f^{[L]}\Vert"
    factor_txt = r"(1/4)^{L-l}\," if slope == 0.25 else ("" if slope == 1 else f"({slope:g})^{{L-l}}\\,")
    ax.semilogy(layers, np.maximum(norms, _TINY), marker="o", markersize=3.5, color=PALETTE["blue"],
                label=r"measured $\Vert \partial \mathcal{E} / \partial f^{[l]}\Vert$")
    ax.semilogy(layers, np.maximum(gradient_bound_curve(net), _TINY), linestyle="--", color=PALETTE["black"],
                label=f"bound ${factor_txt}{weights_txt}\\, {last_txt}$")
    if show_sigma_factor and slope < 1:
        ax.semilogy(layers, np.maximum(sigma_factor_curve(net), _TINY), linestyle=":", linewidth=2,
                    color=PALETTE["orange"],
                    label=f"${factor_txt}{last_txt}$: the $\\sigma'$ factors alone, not a bound")
    ax.set_xlabel("layer l (1 = nearest the input)")
    ax.set_ylabel(r"$\Vert \partial \mathcal{E} / \partial f^{[l]}\Vert_F$ (log scale)")
    ax.set_xlim(0, norms.size + 1)
    if title:
        ax.set_title(title)
    ax.legend(loc="best", framealpha=0.95)
    return ax


def plot_gradient_comparison(nets: dict, key: str = "dW", ax=None, title: str | None = None):
    """Per-layer gradient norms of several networks (after their backward pass) on one log axis.

    ``nets`` maps a legend label to a network.
    """
    if ax is None:
        _, ax = figure(width=8.0, height=4.4)
    colours = [PALETTE["blue"], PALETTE["vermillion"], PALETTE["green"], PALETTE["purple"], PALETTE["orange"]]
    markers = ["o", "s", "^", "D", "v"]
    for (label, net), colour, marker in zip(nets.items(), colours, markers):
        norms = net.gradient_norms()[key]
        layers = np.arange(1, norms.size + 1)
        ax.semilogy(layers, np.maximum(norms, _TINY), marker=marker, markersize=3.5, color=colour, label=label)
    what = "W" if key == "dW" else "f"
    ax.set_xlabel("layer l (1 = nearest the input)")
    ax.set_ylabel(rf"$\Vert \partial \mathcal{{E}} / \partial {what}^{{[l]}}\Vert_F$ (log scale)")
    if title:
        ax.set_title(title)
    ax.legend(loc="best", framealpha=0.95)
    return ax


def plot_gradient_heatmaps(histories: dict, xlabel: str = "training iteration", title: str | None = None):
    """Side-by-side layer-by-iteration heat maps of ``log10 ||dE/dW[l]||`` with one shared colour scale.

    ``histories`` maps a panel title to an array of shape ``(L, iterations)``.
    Returns the figure.
    """
    fig, axes = figure(ncols=len(histories), width=11.0, height=4.4)
    axes = np.atleast_1d(axes)
    logs = {k: np.log10(np.maximum(np.asarray(v, dtype=float), _TINY)) for k, v in histories.items()}
    vmin = min(float(v.min()) for v in logs.values())
    vmax = max(float(v.max()) for v in logs.values())
    image = None
    for ax, (name, data) in zip(axes, logs.items()):
        image = ax.imshow(data, aspect="auto", origin="lower", cmap="viridis", interpolation="nearest",
                          vmin=vmin, vmax=vmax, extent=(0.5, data.shape[1] + 0.5, 0.5, data.shape[0] + 0.5))
        ax.set_title(name)
        ax.set_xlabel(xlabel)
        ax.set_ylabel("layer l (1 = nearest the input)")
        ax.grid(False)
    fig.colorbar(image, ax=list(axes), label=r"$\log_{10} \Vert \partial \mathcal{E} / \partial W^{[l]}\Vert_F$")
    if title:
        fig.suptitle(title)
    return fig
