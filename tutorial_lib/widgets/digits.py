"""Explorer of notebook 06: what the trained softmax network says about one held-out digit.

:func:`draw_digit_probabilities` draws one image beside the ten softmax
probabilities; :func:`digit_probability_explorer` wraps it in an
``ipywidgets.interactive`` with a slider over the images and a switch that
restricts the slider to the misclassified ones.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from ..plotting.core import PALETTE, figure

__all__ = ["draw_digit_probabilities", "digit_probability_explorer"]


def draw_digit_probabilities(image, probabilities, label: int, title: str | None = None):
    """One 8x8 image (left) and its softmax probabilities over the ten digits (right).

    Parameters
    ----------
    image : array_like, shape (65,) or (64,)
        A column of ``X`` (the bias entry first is dropped) with pixels in [0, 1].
    probabilities : array_like, shape (10,)
        The network's softmax output for this image.
    label : int
        The true digit.
    title : str, optional
        Title of the image panel.

    Returns
    -------
    Figure
    """
    pixels = np.asarray(image, dtype=float).ravel()
    if pixels.size == 65:
        pixels = pixels[1:]
    p = np.asarray(probabilities, dtype=float).ravel()
    predicted = int(np.argmax(p))
    fig, (ax_img, ax_bar) = figure(ncols=2, width=9.0, height=3.4, gridspec_kw={"width_ratios": [1, 2]})
    ax_img.imshow(pixels.reshape(8, 8), cmap="gray_r", vmin=0.0, vmax=1.0, interpolation="nearest")
    ax_img.set_xticks([])
    ax_img.set_yticks([])
    ax_img.grid(False)
    ax_img.set_title(title or f"true {label}, predicted {predicted}")

    colors = [PALETTE["sky"]] * p.size
    colors[predicted] = PALETTE["vermillion"]
    if predicted != label:
        colors[label] = PALETTE["green"]
    ax_bar.bar(np.arange(p.size), p, color=colors, edgecolor=PALETTE["black"], linewidth=0.5)
    ax_bar.set_xticks(np.arange(p.size))
    ax_bar.set_xlabel("digit k")
    ax_bar.set_ylabel("softmax probability p_k")
    ax_bar.set_ylim(0.0, 1.05)
    ax_bar.set_title(f"p(true digit {label}) = {p[label]:.3f}, p(predicted {predicted}) = {p[predicted]:.3f}")
    handles = [plt.Rectangle((0, 0), 1, 1, color=PALETTE["vermillion"], label="predicted (arg max)")]
    if predicted != label:
        handles.append(plt.Rectangle((0, 0), 1, 1, color=PALETTE["green"], label="true digit"))
    ax_bar.legend(handles=handles, loc="upper left")
    return fig


def digit_probability_explorer(net, X, labels, start: int = 0):
    """Slider over the columns of ``X``; shows each image and ``net``'s ten probabilities.

    Parameters
    ----------
    net : MLP
        A trained network with a softmax output over 10 digits.
    X : ndarray, shape (65, m)
        Images, bias row first (e.g. the held-out set).
    labels : ndarray of int, shape (m,)
        The true digits.
    start : int
        The position the slider starts at.

    Returns
    -------
    ipywidgets.interactive
        A toggle "all images" / "misclassified only" and a slider over the
        chosen images (it redraws on release).
    """
    from ipywidgets import IntSlider, ToggleButtons, interactive

    probabilities = net.copy().forward(X)  # computed once; a copy leaves net's state alone
    labels = np.asarray(labels).astype(int)
    predicted = probabilities.argmax(axis=0)
    pools = {"all images": np.arange(labels.size), "misclassified only": np.flatnonzero(predicted != labels)}
    if pools["misclassified only"].size == 0:
        del pools["misclassified only"]

    which = ToggleButtons(options=list(pools), value="all images", description="show")
    position = IntSlider(value=int(np.clip(start, 0, labels.size - 1)), min=0, max=labels.size - 1, step=1,
                         description="image", continuous_update=False)

    def on_pool_change(change):
        position.max = pools[change["new"]].size - 1
        position.value = 0

    which.observe(on_pool_change, names="value")

    def show(which, position):
        pool = pools[which]
        i = int(pool[min(position, pool.size - 1)])
        draw_digit_probabilities(X[:, i], probabilities[:, i], int(labels[i]),
                                 title=f"image {i}: true {labels[i]}, predicted {predicted[i]}")
        plt.show()

    return interactive(show, which=which, position=position)
