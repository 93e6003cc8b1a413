"""Explorer for computation graphs: move an input, watch every value and gradient change."""

from __future__ import annotations

import ipywidgets
import matplotlib.pyplot as plt

from ..plotting.graphs import draw_graph

__all__ = ["graph_explorer"]


def graph_explorer(build, x: float = 1.0, x_min: float = -2.0, x_max: float = 2.0, step: float = 0.05,
                   title: str = "computation graph at x = {x:.2f}"):
    """A slider for the input ``x`` that redraws the graph ``build(x)`` after a backward pass.

    Parameters
    ----------
    build : callable
        ``build(x) -> engine.Value``: builds the graph at the number ``x`` and
        returns its output node (the explorer calls ``backward`` on it).
    x, x_min, x_max, step : float
        The slider's start, range and step.
    title : str
        Figure title; ``{x}`` is replaced by the slider's value.

    Returns
    -------
    ipywidgets.interactive
        Display it by ending a cell with it.
    """
    def show(x):
        root = build(x)
        root.backward()
        draw_graph(root, title=title.format(x=x))
        plt.show()

    slider = ipywidgets.FloatSlider(value=x, min=x_min, max=x_max, step=step, description="x",
                                    continuous_update=False, readout_format=".2f")
    return ipywidgets.interactive(show, x=slider)
