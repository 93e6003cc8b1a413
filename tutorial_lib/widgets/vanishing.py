"""Explorer of notebook 04: per-layer gradient norms as depth, activation and initialisation change."""

from __future__ import annotations

import ipywidgets
import matplotlib.pyplot as plt
import numpy as np

from ..mlp import MLP
from ..plotting.core import figure
from ..plotting.vanishing import plot_gradient_bound

__all__ = ["vanishing_gradient_explorer", "draw_gradient_profile"]


def draw_gradient_profile(X, Y, depth: int = 50, activation: str = "sigmoid", init: str = "xavier",
                          scale: float = 1.0, width: int = 32, seed: int = 0):
    """Build a ``depth``-hidden-layer network, run one forward/backward pass on (X, Y) and plot
    ``||dE/df[l]||`` per layer with the bound.  Returns the network."""
    net = MLP.from_sizes([X.shape[0]] + [width] * depth + [1], activation, init=init, scale=scale, seed=seed)
    with np.errstate(over="ignore", under="ignore"):
        net.forward(X)
        net.backward(Y)
    norms = net.gradient_norms()["df"]
    fig, ax = figure(width=8.0, height=4.4)
    plot_gradient_bound(net, ax=ax)
    ratio = norms[0] / norms[-1]
    ax.set_title(f"{depth} hidden {activation} layers, init={init}, scale={scale:g}: "
                 f"||dE/df[1]|| / ||dE/df[L]|| = {ratio:.1e}", fontsize=10)
    plt.show()
    return net


def vanishing_gradient_explorer(X, Y, width: int = 32):
    """Sliders for depth, activation, initialisation and its scale; each change redraws the
    per-layer gradient norms of a freshly initialised network (one forward/backward pass)."""
    style = {"description_width": "initial"}

    def show(depth, activation, init, scale):
        draw_gradient_profile(X, Y, depth=depth, activation=activation, init=init, scale=scale, width=width)

    return ipywidgets.interactive(
        show,
        depth=ipywidgets.IntSlider(value=50, min=2, max=80, step=2, description="hidden layers",
                                   continuous_update=False, style=style),
        activation=ipywidgets.Dropdown(options=["sigmoid", "tanh", "relu"], value="sigmoid",
                                       description="activation", style=style),
        init=ipywidgets.Dropdown(options=["xavier", "he"], value="xavier", description="init", style=style),
        scale=ipywidgets.FloatLogSlider(value=1.0, base=2, min=-2, max=3, step=0.25,
                                        description="init scale", continuous_update=False, style=style),
    )
