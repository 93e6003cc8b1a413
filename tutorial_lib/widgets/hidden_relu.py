"""Explorer of notebook 03: how the hidden width and the random start shape what a
one-hidden-layer ReLU network (no hidden bias, as in part B) learns on the wine data.

The explorer returns an ``ipywidgets.interactive``; a notebook cell that ends with
the call shows it.  :func:`draw_hidden_width_view` draws one setting without a widget.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from ..mlp import MLP
from ..plotting.core import PALETTE, figure, loss_curve
from ..plotting.hidden_relu import hidden_relu_boundary

__all__ = ["draw_hidden_width_view", "hidden_width_explorer"]


def draw_hidden_width_view(X, Y, width: int, seed: int, lr: float = 1.0, epochs: int = 1500):
    """Train a ``3 -> width -> 1`` ReLU/sigmoid network (He start, full-batch gradient
    descent) and draw its loss curve beside its decision boundary.  Returns the figure."""
    width, seed, epochs = int(width), int(seed), int(epochs)
    net = MLP.from_sizes([X.shape[0], width, 1], ["relu", "sigmoid"], init="he", seed=seed)
    history = net.fit(X, Y, lr=lr, epochs=epochs)
    net.forward(X)
    silent = int((net.f[0] <= 0).all(axis=1).sum())
    accuracy = float((net.predict(X) == Y[0]).mean())
    fig, (ax_loss, ax_data) = figure(ncols=2, height=4.6)
    loss_curve(history, ax=ax_loss, color=PALETTE["blue"], label="training loss",
               title=f"final E = {history[-1]:.4f}, training accuracy {100 * accuracy:.1f}%")
    ax_loss.axhline(np.log(2.0), color=PALETTE["black"], linestyle=":", linewidth=1,
                    label="ln 2: Y_hat = 0.5 for every wine")
    ax_loss.set_ylabel("training loss E (nats)")
    ax_loss.set_ylim(0.0, max(0.75, float(history.max()) * 1.05))
    ax_loss.get_legend().remove()
    hidden_relu_boundary(net, X, Y, ax=ax_data, hinge_label="each" if width <= 3 else "one", legend=False,
                         title=f"width {width}, seed {seed}: {silent} of {width} units silent on every wine")
    handles, labels = [], []
    for ax in (ax_loss, ax_data):
        for handle, label in zip(*ax.get_legend_handles_labels()):
            if label not in labels:
                handles.append(handle)
                labels.append(label)
    fig.legend(handles, labels, loc="outside lower center", ncols=3, fontsize=9, framealpha=0.9)
    return fig


def hidden_width_explorer(X, Y, width: int = 2, seed: int = 4, lr: float = 1.0, epochs: int = 1500):
    """Sliders for the hidden width (1-8) and the seed of the random start (0-19).

    Each move trains a fresh network for ``epochs`` full-batch steps, so the
    sliders only redraw when released.
    """
    from ipywidgets import IntSlider, interactive

    def show(width, seed):
        draw_hidden_width_view(X, Y, width, seed, lr=lr, epochs=epochs)
        plt.show()

    return interactive(
        show,
        width=IntSlider(value=width, min=1, max=8, step=1, description="hidden width", continuous_update=False,
                        style={"description_width": "initial"}),
        seed=IntSlider(value=seed, min=0, max=19, step=1, description="seed", continuous_update=False),
    )
