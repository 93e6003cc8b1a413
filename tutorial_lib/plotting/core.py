"""Shared figures: palette, sizes, boundaries, curves, gradient norms, heat maps.

Every function draws on an ``ax`` it is given (or makes one) and returns it,
so notebooks can combine panels.  Colours come from the Okabe-Ito palette,
which stays distinguishable with the common colour-vision deficiencies;
classes also differ by marker, so the plots work in grey too.
"""

from __future__ import annotations

import matplotlib

import matplotlib.pyplot as plt
import numpy as np

__all__ = [
    "PALETTE", "CLASS_STYLE", "figure", "decision_boundary", "loss_curve", "gradient_norms",
    "heatmap", "dead_fraction", "confusion_matrix",
]

#: Okabe-Ito colours (colour-blind safe).
PALETTE = {
    "blue": "#0072B2", "orange": "#E69F00", "green": "#009E73", "vermillion": "#D55E00",
    "sky": "#56B4E9", "purple": "#CC79A7", "yellow": "#F0E442", "black": "#000000",
}
_CYCLE = [PALETTE[k] for k in ("blue", "orange", "green", "vermillion", "purple", "sky", "black")]

#: Marker and colour of each binary class: label 1 (variety A) and label 0 (variety B).
CLASS_STYLE = {
    1: dict(color=PALETTE["vermillion"], marker="^", label="variety A (Y = 1)"),
    0: dict(color=PALETTE["blue"], marker="o", label="variety B (Y = 0)"),
}

matplotlib.rcParams.update({
    "axes.prop_cycle": matplotlib.cycler(color=_CYCLE),
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "legend.fontsize": 9,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "image.cmap": "viridis",
})

_PANEL_W, _PANEL_H, _MAX_W = 5.0, 3.8, 11.0


def figure(ncols: int = 1, nrows: int = 1, width: float | None = None, height: float | None = None, **kwargs):
    """A figure sized for the notebook's width: ``fig, axes = plotting.figure(ncols=2)``.

    Panels are 5 x 3.8 inches (at most 11 inches wide in all), with a
    constrained layout so labels never overlap.
    """
    w = width or min(_PANEL_W * ncols, _MAX_W)
    h = height or _PANEL_H * nrows * (w / (_PANEL_W * ncols))
    kwargs.setdefault("layout", "constrained")
    fig, axes = plt.subplots(nrows, ncols, figsize=(w, max(h, 2.5)), **kwargs)
    return fig, axes


def _ax(ax):
    if ax is None:
        _, ax = figure()
    return ax


def decision_boundary(predict, X, Y, ax=None, feature_names=("colour intensity (standardized)",
                      "alcohol (standardized)"), title: str | None = None, resolution: int = 200,
                      shade: bool = True, boundary_color: str = PALETTE["black"], boundary_label: str | None =
                      "boundary Y_hat = 0.5", scatter: bool = True, margin: float = 0.5):
    """Scatter two-feature data and draw where ``predict`` crosses 0.5.

    Parameters
    ----------
    predict : callable
        ``predict(X_grid)`` with ``X_grid`` of shape ``(3, m)`` (bias row first)
        returns probabilities of class 1, shape ``(1, m)``; e.g. ``net.forward``.
    X : ndarray, shape (3, n)
        Bias row, then the two features.
    Y : ndarray, shape (1, n)
        Labels 0/1.
    shade : bool
        Fill the two predicted regions lightly.
    """
    ax = _ax(ax)
    x1, x2 = X[1], X[2]
    g1 = np.linspace(x1.min() - margin, x1.max() + margin, resolution)
    g2 = np.linspace(x2.min() - margin, x2.max() + margin, resolution)
    G1, G2 = np.meshgrid(g1, g2)
    grid = np.vstack([np.ones(G1.size), G1.ravel(), G2.ravel()])
    P = np.asarray(predict(grid)).reshape(G1.shape)
    if shade:
        # Shade by the predicted class, so that Y_hat = 0.5 counts as class 1, as in MLP.predict.
        ax.contourf(G1, G2, (P >= 0.5).astype(float), levels=[-0.5, 0.5, 1.5],
                    colors=[CLASS_STYLE[0]["color"], CLASS_STYLE[1]["color"]], alpha=0.12)
    if P.min() < 0.5 < P.max():
        ax.contour(G1, G2, P, levels=[0.5], colors=[boundary_color], linewidths=2)
        if boundary_label:
            # Contour sets have no legend entry of their own: a proxy line gives one.
            ax.plot([], [], color=boundary_color, linewidth=2, label=boundary_label)
    if scatter:
        labels = np.asarray(Y).ravel()
        for cls in (0, 1):
            m = labels == cls
            ax.scatter(x1[m], x2[m], s=18, edgecolors="white", linewidths=0.4, alpha=0.85, **CLASS_STYLE[cls])
    ax.set_xlabel(feature_names[0])
    ax.set_ylabel(feature_names[1])
    ax.set_xlim(g1[0], g1[-1])
    ax.set_ylim(g2[0], g2[-1])
    if title:
        ax.set_title(title)
    ax.legend(loc="upper left", framealpha=0.9)
    return ax


def loss_curve(history, ax=None, label: str | None = None, ylabel: str = "training loss E",
               xlabel: str = "epoch", logy: bool = False, title: str | None = None, **line_kwargs):
    """Plot a loss history (one value per epoch, as returned by ``MLP.fit``)."""
    ax = _ax(ax)
    history = np.asarray(history, dtype=float)
    ax.plot(np.arange(1, history.size + 1), history, label=label, **line_kwargs)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if logy:
        ax.set_yscale("log")
    if title:
        ax.set_title(title)
    if label:
        ax.legend()
    return ax


def gradient_norms(norms, ax=None, label: str | None = None, bound=None, bound_label: str = "bound",
                   ylabel: str = "gradient norm ||dE/dW[l]||", title: str | None = None, **line_kwargs):
    """Per-layer gradient norms on a log scale, layer 1 (nearest the input) on the left.

    Parameters
    ----------
    norms : array_like, shape (L,)
        E.g. ``net.gradient_norms()["dW"]``.
    bound : array_like, shape (L,), optional
        A curve to draw over them (dashed), e.g. the ``0.25 ** depth`` bound.
    """
    ax = _ax(ax)
    norms = np.asarray(norms, dtype=float)
    layers = np.arange(1, norms.size + 1)
    ax.semilogy(layers, norms, marker="o", markersize=3, label=label, **line_kwargs)
    if bound is not None:
        ax.semilogy(layers, np.asarray(bound, dtype=float), linestyle="--", color=PALETTE["black"],
                    label=bound_label)
    ax.set_xlabel("layer l (1 = nearest the input)")
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    if label or bound is not None:
        ax.legend()
    return ax


def heatmap(matrix, ax=None, xlabel: str = "training iteration", ylabel: str = "layer l",
            colorbar_label: str = "log10 gradient norm", title: str | None = None, log10: bool = True,
            cmap: str = "viridis"):
    """A layer-by-iteration heat map (rows: layers 1..L from the bottom, columns: iterations)."""
    ax = _ax(ax)
    data = np.asarray(matrix, dtype=float)
    if log10:
        data = np.log10(np.maximum(data, np.finfo(float).tiny))
    im = ax.imshow(data, aspect="auto", origin="lower", cmap=cmap, interpolation="nearest",
                   extent=(0.5, data.shape[1] + 0.5, 0.5, data.shape[0] + 0.5))
    ax.figure.colorbar(im, ax=ax, label=colorbar_label)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(False)
    if title:
        ax.set_title(title)
    return ax


def dead_fraction(fractions, ax=None, layer_names=None, xlabel: str = "epoch", title: str | None = None):
    """Fraction of dead units per hidden layer over training.

    Parameters
    ----------
    fractions : array_like, shape (epochs, layers)
        ``fractions[t, k]``: share of layer k's units that output 0 for every
        training sample after epoch t + 1.
    """
    ax = _ax(ax)
    data = np.asarray(fractions, dtype=float)
    if data.ndim == 1:
        data = data[:, None]
    names = layer_names or [f"hidden layer {k + 1}" for k in range(data.shape[1])]
    epochs = np.arange(1, data.shape[0] + 1)
    styles = ["-", "--", ":", "-."]
    for k in range(data.shape[1]):
        ax.plot(epochs, 100 * data[:, k], linestyle=styles[k % len(styles)], label=names[k])
    ax.set_ylim(-3, 103)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("dead units (%)")
    if title:
        ax.set_title(title)
    ax.legend()
    return ax


def _as_labels(y) -> np.ndarray:
    """Labels as a 1-D array; whole-number floats (a (1, n) Y of 0.0/1.0) become ints."""
    y = np.asarray(y).ravel()
    if y.dtype.kind == "f" and np.all(y == np.round(y)):
        y = y.astype(int)
    return y


def confusion_matrix(y_true, y_pred, ax=None, labels=None, display_labels=None, title: str | None = None,
                     normalize=None):
    """scikit-learn's confusion matrix drawn with counts in each cell (cividis colour map)."""
    from sklearn.metrics import ConfusionMatrixDisplay

    ax = _ax(ax)
    y_true, y_pred = (_as_labels(y) for y in (y_true, y_pred))
    ConfusionMatrixDisplay.from_predictions(
        y_true, y_pred, labels=labels, display_labels=display_labels,
        ax=ax, cmap="cividis", colorbar=False, normalize=normalize,
        values_format=".2f" if normalize else "d",
    )
    ax.grid(False)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    if title:
        ax.set_title(title)
    return ax
