"""Explorers of notebook 01: tune the logistic weights by hand, and watch the
learning rate shape gradient descent.

Each explorer returns an ``ipywidgets.interactive``; a notebook cell that ends
with the call shows it.  The drawing functions are public too, so the static
figures (and the tests) can call them without a widget.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from ..mlp import MLP
from ..plotting.core import PALETTE, decision_boundary, figure, loss_curve
from ..plotting.logistic_warmup import WINE_STD_AXES, logistic_predictor

__all__ = ["draw_weights_view", "logistic_weights_explorer", "draw_learning_rate_view", "logistic_lr_explorer"]


def draw_weights_view(X, Y, W0: float, W1: float, W2: float):
    """The boundary of ``W = [W0, W1, W2]`` over the data, with its loss and gradient.

    Returns the figure (already drawn); ``plt.show()`` displays it.
    """
    W = np.array([[W0], [W1], [W2]], dtype=float)
    net = MLP([W], ["sigmoid"])
    E = net.loss(X, Y)
    grad = net.backward(Y)[0].ravel()
    fig, ax = figure()
    title = f"E = {E:.4f}   dE/dW = [{grad[0]:+.3f}, {grad[1]:+.3f}, {grad[2]:+.3f}]"
    if W1 == 0.0 and W2 == 0.0:
        title += f"\nno boundary: Y_hat = {float(net.a[0][0, 0]):.3f} for every wine"
    decision_boundary(logistic_predictor(W), X, Y, ax=ax, feature_names=WINE_STD_AXES, title=title)
    return fig


def logistic_weights_explorer(X, Y, start=(0.0, 1.0, 1.0)):
    """Sliders for ``W00, W10, W20``: see the boundary move, the loss ``E`` and ``dE/dW``.

    Moving a weight against the sign of its gradient entry lowers ``E``: this
    is gradient descent done by hand.
    """
    from ipywidgets import FloatSlider, interactive

    def show(W00, W10, W20):
        draw_weights_view(X, Y, W00, W10, W20)
        plt.show()

    sliders = {
        name: FloatSlider(value=value, min=lo, max=hi, step=0.1, description=name, continuous_update=False)
        for name, value, lo, hi in (("W00", start[0], -3.0, 3.0), ("W10", start[1], -5.0, 5.0),
                                    ("W20", start[2], -5.0, 5.0))
    }
    return interactive(show, **sliders)


def draw_learning_rate_view(X, Y, lr: float, epochs: int):
    """Train ``W[1]`` (3, 1) from zeros with full-batch gradient descent; draw the
    loss curve and the final boundary side by side.  Returns the figure."""
    net = MLP([np.zeros((X.shape[0], 1))], ["sigmoid"])
    history = net.fit(X, Y, lr=lr, epochs=int(epochs))
    fig, (ax_loss, ax_data) = figure(ncols=2)
    loss_curve(history, ax=ax_loss, color=PALETTE["blue"], title=f"learning rate {lr:.3g}, {int(epochs)} epochs")
    ax_loss.set_ylabel("training loss E (nats)")
    ax_loss.set_ylim(0.0, max(0.75, float(np.max(history)) * 1.05))
    W = net.weights[0].ravel()
    decision_boundary(net.forward, X, Y, ax=ax_data, feature_names=WINE_STD_AXES,
                      title=f"final E = {history[-1]:.4f}, W = [{W[0]:.2f}, {W[1]:.2f}, {W[2]:.2f}]")
    return fig


def logistic_lr_explorer(X, Y, lr: float = 0.1, epochs: int = 100):
    """Sliders for the learning rate (log scale) and the number of epochs."""
    from ipywidgets import FloatLogSlider, IntSlider, interactive

    def show(learning_rate, epochs):
        draw_learning_rate_view(X, Y, learning_rate, epochs)
        plt.show()

    return interactive(
        show,
        learning_rate=FloatLogSlider(value=lr, base=10, min=-3, max=1.5, step=0.25, description="lr",
                                     continuous_update=False),
        epochs=IntSlider(value=epochs, min=1, max=1000, step=1, description="epochs", continuous_update=False),
    )

