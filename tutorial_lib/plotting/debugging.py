"""Figures of notebook 10 (debugging backprop): the loss at the start against the initial scale, the
update/weight ratio of every layer during training, and per-layer histograms of activations and gradients."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .core import PALETTE, figure

__all__ = ["initial_loss_vs_scale", "update_ratio_traces", "layer_histograms", "histograms_by_init"]

#: One colour and line style per layer (layer 1 nearest the input), so the lines also differ in grey.
_LAYER_STYLES = [
    dict(color=PALETTE["blue"], linestyle="-"),
    dict(color=PALETTE["orange"], linestyle="--"),
    dict(color=PALETTE["green"], linestyle="-."),
    dict(color=PALETTE["vermillion"], linestyle=":"),
    dict(color=PALETTE["purple"], linestyle=(0, (5, 1, 1, 1))),
    dict(color=PALETTE["sky"], linestyle=(0, (1, 1))),
]


def _layer_style(l: int) -> dict:
    return _LAYER_STYLES[l % len(_LAYER_STYLES)]


def initial_loss_vs_scale(scales, losses: dict, expected: dict, ax=None, title: str | None = None):
    """The loss of untrained networks against the scale of their initial weights.

    Parameters
    ----------
    scales : array_like, shape (m,)
        Multipliers of the He standard deviation.
    losses : dict
        ``{label: losses of shape (m,)}``, one curve per network.
    expected : dict
        ``{label: value}``: the loss an untrained network should have (drawn dashed, same colour).
    """
    if ax is None:
        _, ax = figure()
    scales = np.asarray(scales, dtype=float)
    colours = [PALETTE["blue"], PALETTE["vermillion"], PALETTE["green"], PALETTE["orange"]]
    markers = ["o", "^", "s", "D"]
    for i, (label, values) in enumerate(losses.items()):
        colour = colours[i % len(colours)]
        ax.loglog(scales, np.asarray(values, dtype=float), marker=markers[i % len(markers)], markersize=4,
                  color=colour, label=label)
        if label in expected:
            ax.axhline(expected[label], color=colour, linestyle="--", linewidth=1,
                       label=f"{label}: expected {expected[label]:.3f}")
    ax.axvline(1.0, color=PALETTE["black"], linestyle=":", linewidth=1, label="He initialisation (scale 1)")
    ax.set_xlabel("initial weight scale (multiple of the He standard deviation)")
    ax.set_ylabel("loss E before training (nats)")
    ax.set_title(title or "the loss before any training step")
    ax.legend(loc="upper left")
    return ax


def update_ratio_traces(ratios: dict, final_losses: dict | None = None, band=(1e-4, 1e-2), target: float = 1e-3,
                        ax=None):
    """The update/weight ratio of every layer at every step, for several learning rates, on one axis.

    Parameters
    ----------
    ratios : dict
        ``{lr: array of shape (steps, L)}``: ``||W_after - W_before|| / ||W_before||`` per step and layer.
        One colour per learning rate, one line style per layer.  A ratio of exactly 0 (a layer that did not
        move) is drawn at the bottom edge of the axis.
    final_losses : dict, optional
        ``{lr: loss after the last step}``, shown in the legend.
    band : (float, float)
        Shaded as the range where training usually goes well; ``target`` is drawn dashed.
    """
    if ax is None:
        _, ax = figure(width=10.0, height=4.6)
    colours = [PALETTE["blue"], PALETTE["green"], PALETTE["orange"], PALETTE["vermillion"], PALETTE["purple"]]
    layer_lines = ["-", "--", ":", "-."]
    floor = 1e-6
    ax.axhspan(*band, color=PALETTE["green"], alpha=0.10)
    ax.axhline(target, color=PALETTE["black"], linestyle="--", linewidth=1)
    n_layers = 0
    for i, (lr, data) in enumerate(ratios.items()):
        data = np.asarray(data, dtype=float)
        n_layers = max(n_layers, data.shape[1])
        steps = np.arange(1, data.shape[0] + 1)
        colour = colours[i % len(colours)]
        for l in range(data.shape[1]):
            ax.plot(steps, np.maximum(data[:, l], floor), color=colour, linestyle=layer_lines[l % len(layer_lines)],
                    linewidth=1.0)
        loss_text = f", loss after the last step {final_losses[lr]:.3g}" if final_losses and lr in final_losses else ""
        ax.plot([], [], color=colour, linewidth=3, label=f"learning rate {lr:g}{loss_text}")
    ax.text(0.2, 0.015, "a ratio of exactly 0 (a layer that did not move) is drawn on this edge",
            transform=ax.transAxes, ha="left", va="bottom", fontsize=8)
    for l in range(n_layers):
        ax.plot([], [], color=PALETTE["black"], linestyle=layer_lines[l % len(layer_lines)], label=f"layer {l + 1}")
    ax.set_yscale("log")
    ax.set_ylim(floor * 0.8, 3.0)
    ax.set_xlabel("training step")
    ax.set_ylabel("||update|| / ||W|| of one step")
    ax.set_title(f"update/weight ratio per layer (dashed: {target:g}; shaded: {band[0]:g} to {band[1]:g})")
    ax.legend(loc="lower right", bbox_to_anchor=(1.0, 0.06), fontsize=8, ncols=2)
    return ax


def layer_histograms(values, ax=None, xlabel: str = "value", title: str | None = None, bins: int = 60,
                     value_range=None, shade=None, logy: bool = True):
    """Histograms of one quantity per layer, drawn as outlines on one axis (layer 1 nearest the input).

    Parameters
    ----------
    values : list of ndarray
        One array per layer (e.g. ``net.a[l]`` or ``net.grad_f[l]``); all its entries are counted.
    value_range : (float, float), optional
        The range of the bins; default: the smallest and largest entry of all layers.
    shade : list of (float, float), optional
        Intervals of the x axis to shade (e.g. where tanh's slope is below 5% of its maximum).
    logy : bool
        Share of entries on a log scale, so that thin tails stay visible.
    """
    if ax is None:
        _, ax = figure()
    arrays = [np.asarray(v, dtype=float).ravel() for v in values]
    if value_range is None:
        low = min(float(a.min()) for a in arrays)
        high = max(float(a.max()) for a in arrays)
        if low == high:
            low, high = low - 1.0, high + 1.0
        value_range = (low, high)
    edges = np.linspace(value_range[0], value_range[1], bins + 1)
    for interval in shade or ():
        ax.axvspan(*interval, color=PALETTE["yellow"], alpha=0.6, linewidth=0)
    for l, a in enumerate(arrays):
        counts, _ = np.histogram(np.clip(a, edges[0], edges[-1]), bins=edges)
        share = counts / max(a.size, 1)
        ax.stairs(share, edges, linewidth=1.3, label=f"layer {l + 1}", **_layer_style(l))
    if logy:
        ax.set_yscale("log")
        ax.set_ylim(bottom=0.5 / max(max(a.size for a in arrays), 1))
    ax.set_xlabel(xlabel)
    ax.set_ylabel("share of the entries")
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def histograms_by_init(runs: dict, blocked_region: float = 0.05):
    """Activation and gradient histograms per layer for several initial scales of a tanh network.

    Parameters
    ----------
    runs : dict
        ``{title: (activations, gradients)}``: for each run, the list of hidden activations ``a[l]`` and the
        list of gradients ``dE/df[l]`` of the same hidden layers.
    blocked_region : float
        Shade the activations whose tanh slope ``1 - a**2`` is below this (``|a|`` near 1).

    Returns
    -------
    Figure
        Two rows, one column per run, one outline per layer: the activations, and the size of the gradients as
        ``log10 |dE/df|`` on one scale for all runs, so that gradients a thousand times smaller show as a shift of
        three units to the left.
    """
    titles = list(runs)
    fig, axes = plt.subplots(2, len(titles), figsize=(11.0, 6.8), squeeze=False)
    fig.subplots_adjust(hspace=0.5, wspace=0.3, bottom=0.16, top=0.93)
    edge = float(np.sqrt(1.0 - blocked_region))
    shade = [(-1.0, -edge), (edge, 1.0)]
    sizes = {title: [np.log10(np.maximum(np.abs(np.asarray(g, dtype=float)), 1e-300)) for g in grads]
             for title, (_, grads) in runs.items()}
    high = max(float(np.percentile(a, 99.9)) for logs in sizes.values() for a in logs)
    low = min(float(np.percentile(a, 0.1)) for logs in sizes.values() for a in logs)
    for col, title in enumerate(titles):
        activations, _ = runs[title]
        layer_histograms(activations, ax=axes[0, col], xlabel="activation a[l] (unitless)",
                         title=f"{title}: activations", value_range=(-1.0, 1.0), shade=shade, logy=False)
        layer_histograms(sizes[title], ax=axes[1, col], xlabel="log10 |dE/df[l]|  (dE/df in nats)",
                         title=f"{title}: size of the gradients", value_range=(np.floor(low), np.ceil(high)),
                         logy=False)
    handles, labels = axes[0, 0].get_legend_handles_labels()
    handles.append(plt.Rectangle((0, 0), 1, 1, color=PALETTE["yellow"], alpha=0.6))
    labels.append(f"tanh's slope below {blocked_region:g}")
    fig.legend(handles, labels, loc="lower center", ncols=len(labels), fontsize=9)
    return fig
