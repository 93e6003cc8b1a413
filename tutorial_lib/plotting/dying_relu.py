"""Figures and measurements of notebook 05 (dying ReLU and Leaky ReLU).

A hidden unit counts as *dead* on a data set when its pre-activation ``f`` is
``<= 0`` for every sample: a ReLU unit then outputs 0 for all of them and,
because ``ReLU'(f) = 0`` there, passes no gradient back, so nothing can revive
it.  A Leaky ReLU unit in the same state still passes the gradient times ``a``.
"""

from __future__ import annotations

import numpy as np

from ..activations import leaky_relu, leaky_relu_grad, relu, relu_grad
from .core import PALETTE, decision_boundary, dead_fraction, figure, loss_curve

__all__ = [
    "plot_relu_vs_leaky", "dead_units", "train_tracking_dead_units", "boundary_points", "line_fit_residual",
    "plot_dying_runs", "plot_boundaries",
]


def plot_relu_vs_leaky(a: float = 0.1, s_min: float = -3.0, s_max: float = 1.5, leaky_derivative: bool = True):
    """ReLU (left) and Leaky ReLU with slope ``a`` (right), each with its derivative; the slope is marked.

    ``leaky_derivative=False`` leaves out the derivative of Leaky ReLU (for a notebook that asks for it).
    Returns the figure.
    """
    fig, axes = figure(ncols=2, width=11.0, height=4.2, sharey=True)
    s = np.linspace(s_min, s_max, 451)
    panels = [
        (axes[0], "ReLU(s)", relu(s), relu_grad(s), "ReLU: flat (slope 0) for s ≤ 0"),
        (axes[1], f"LeakyReLU(s), a = {a:g}", leaky_relu(s, a), leaky_relu_grad(s, a),
         f"Leaky ReLU: slope a = {a:g} for s ≤ 0"),
    ]
    for i, (ax, label, g, dg, title) in enumerate(panels):
        ax.plot(s, g, color=PALETTE["blue"], linewidth=2.2, label=label)
        if i == 1 and not leaky_derivative:
            ax.axhline(0, color=PALETTE["black"], linewidth=0.6)
            ax.axvline(0, color=PALETTE["black"], linewidth=0.6)
            ax.set_xlabel("pre-activation s")
            ax.set_title(title)
            ax.legend(loc="upper left", framealpha=0.95)
            continue
        neg = s <= 0
        ax.plot(s[neg], dg[neg], color=PALETTE["vermillion"], linestyle="--", linewidth=1.8, zorder=4,
                label="derivative g'(s)")
        ax.plot(s[~neg], dg[~neg], color=PALETTE["vermillion"], linestyle="--", linewidth=1.8, zorder=4)
        ax.axhline(0, color=PALETTE["black"], linewidth=0.6)
        ax.axvline(0, color=PALETTE["black"], linewidth=0.6)
        ax.set_xlabel("pre-activation s")
        ax.set_title(title)
        ax.legend(loc="upper left", framealpha=0.95)
    axes[0].set_ylabel("g(s) and g'(s)")
    # Slope triangle on the negative side of the Leaky ReLU: run 2 along s, rise 2a.
    ax = axes[1]
    x0, x1 = s_min + 0.25, s_min + 2.25
    y0, y1 = a * x0, a * x1
    ax.plot([x0, x1, x1], [y0, y0, y1], color=PALETTE["green"], linewidth=1.8)
    ax.annotate("run 2", xy=((x0 + x1) / 2, y0), xytext=(0, -14), textcoords="offset points",
                ha="center", color=PALETTE["green"], fontsize=10)
    ax.annotate(f"rise 2a = {2 * a:g}", xy=(x1, (y0 + y1) / 2), xytext=(6, -4), textcoords="offset points",
                ha="left", color=PALETTE["green"], fontsize=10)
    for ax in axes:
        ax.set_ylim(min(-0.8, 1.6 * a * s_min), s_max + 0.3)
    return fig


def dead_units(net, X) -> np.ndarray:
    """Fraction of dead units in each hidden layer, shape ``(L - 1,)``.

    Runs ``net.forward(X)``; a unit is dead when its pre-activation is ``<= 0``
    for every sample (column) of ``X``.
    """
    net.forward(X)
    return np.array([(f <= 0).all(axis=1).mean() for f in net.f[:-1]])


def train_tracking_dead_units(net, X, Y, lr: float, epochs: int, **fit_options):
    """Train with ``net.fit`` and record the dead fraction of every hidden layer after each epoch.

    Returns ``(history, fractions)``: the loss per epoch, shape ``(epochs,)``, and
    ``fractions[t, k]`` for hidden layer ``k + 1`` after epoch ``t + 1``, shape
    ``(epochs, L - 1)``.  Overflow in a diverging run is silenced here; the
    caller sees it as non-finite losses.
    """
    fractions = []

    def record(epoch, model, loss):
        fractions.append(dead_units(model, X))

    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        history = net.fit(X, Y, lr=lr, epochs=epochs, callback=record, **fit_options)
    return history, np.array(fractions)


def _grid(X, resolution, margin):
    g1 = np.linspace(X[1].min() - margin, X[1].max() + margin, resolution)
    g2 = np.linspace(X[2].min() - margin, X[2].max() + margin, resolution)
    G1, G2 = np.meshgrid(g1, g2)
    return g1, g2, np.vstack([np.ones(G1.size), G1.ravel(), G2.ravel()])


def boundary_points(net, X, resolution: int = 200, margin: float = 0.5) -> np.ndarray:
    """Points of the decision boundary ``Y_hat = 0.5`` of a one-output network, shape ``(m, 2)``.

    The contour is traced on the output pre-activation ``f[L]`` at level 0 (the
    same set, since ``sigma(0) = 0.5``): where ``f[L]`` is an affine function of
    the features, linear interpolation between grid nodes is exact, so the
    points lie on the true boundary up to rounding.
    """
    import contourpy

    g1, g2, grid = _grid(X, resolution, margin)
    net.forward(grid)
    F = net.f[-1][0].reshape(g2.size, g1.size)
    lines = contourpy.contour_generator(g1, g2, F).lines(0.0)
    if not lines:
        return np.empty((0, 2))
    return np.vstack(lines)


def line_fit_residual(points) -> float:
    """Root-mean-square distance of 2-D points from their best-fitting straight line (total least squares)."""
    P = np.asarray(points, dtype=float)
    if P.shape[0] < 3:
        return float("nan")
    centred = P - P.mean(axis=0)
    smallest = np.linalg.svd(centred, compute_uv=False)[-1]
    return float(smallest / np.sqrt(P.shape[0]))


def plot_dying_runs(runs: dict, prior_loss: float | None = None, title: str | None = None, logy: bool = False):
    """One panel per run with its dead fraction per hidden layer, and a last panel with the loss curves.

    ``runs`` maps a label to ``(history, fractions)`` from :func:`train_tracking_dead_units`;
    ``logy`` draws the loss on a log scale.  Returns the figure.
    """
    fig, axes = figure(ncols=len(runs) + 1, width=11.0, height=3.9)
    colours = [PALETTE["vermillion"], PALETTE["blue"], PALETTE["green"], PALETTE["purple"]]
    loss_ax = axes[-1]
    for ax, (label, (history, fractions)) in zip(axes[:-1], runs.items()):
        dead_fraction(fractions, ax=ax, title=f"dead units: {label}")
        ax.set_xlabel("epoch")
    for colour, (label, (history, fractions)) in zip(colours, runs.items()):
        finite = np.where(np.isfinite(history), history, np.nan)
        loss_curve(finite, ax=loss_ax, label=label, color=colour, logy=logy)
    if prior_loss is not None:
        loss_ax.axhline(prior_loss, color=PALETTE["black"], linestyle=":", linewidth=1.2,
                        label="predict the class frequency")
        loss_ax.legend()
    loss_ax.set_title("training loss")
    loss_ax.set_ylabel("loss E (log-loss)")
    if title:
        fig.suptitle(title)
    return fig


def plot_boundaries(nets: dict, X, Y, title: str | None = None):
    """Decision boundaries of several one-output networks side by side (``Y_hat = 0.5``). Returns the figure."""
    fig, axes = figure(ncols=len(nets), width=11.0, height=4.4)
    axes = np.atleast_1d(axes)
    for ax, (label, net) in zip(axes, nets.items()):
        decision_boundary(net.forward, X, Y, ax=ax, title=label)
    if title:
        fig.suptitle(title)
    return fig
