"""Figures of notebook 03 (a hidden ReLU layer: the 3-2-1 network of part B).

* :func:`relu_hinge_lines` draws, over two-feature data, the line where each hidden
  ReLU unit switches on (``f_j[1] = 0``);
* :func:`relu_silent_region` hatches where every hidden unit is off, so that
  (with no bias after the hidden layer) ``f[2] = 0`` and ``Y_hat = 0.5`` exactly;
* :func:`hidden_relu_boundary` combines both with the decision boundary;
* :func:`hidden_vs_logistic_boundaries` puts a logistic and a hidden-layer boundary side by side;
* :func:`later_weight_sweep` shows how ``dE/dW[1]_11`` depends on the later weight ``W[2]_10``.

Labels use the notebook's plain-text notation: ``W[2]_10`` is $W^{[2]}_{10}$, ``f[1]_10`` is $f^{[1]}_{10}$.
"""

from __future__ import annotations

import numpy as np
from matplotlib.patches import Rectangle

from .core import PALETTE, decision_boundary, figure

__all__ = ["relu_hinge_lines", "relu_silent_region", "hidden_relu_boundary", "hidden_vs_logistic_boundaries",
           "later_weight_sweep"]

_AXES = ("colour intensity (standardized, s.d.)", "alcohol (standardized, s.d.)")
_UNIT_COLOURS = [PALETTE[k] for k in ("green", "purple", "sky", "orange", "black")]
_UNIT_DASHES = ["--", "-.", ":", (0, (5, 1, 1, 1, 1, 1))]
_SILENT_GREY = "#7f7f7f"


def _unit_style(j: int) -> dict:
    return dict(color=_UNIT_COLOURS[j % len(_UNIT_COLOURS)], linestyle=_UNIT_DASHES[j % len(_UNIT_DASHES)],
                linewidth=1.6)


def relu_hinge_lines(W1, ax, label: str = "each"):
    """Draw the line ``W[1][0, j] + W[1][1, j] x1 + W[1][2, j] x2 = 0`` of every hidden unit j.

    Parameters
    ----------
    W1 : ndarray, shape (3, width)
        First-layer weights (bias row first).
    ax : matplotlib Axes
        Already showing the data; its limits are kept.
    label : {"each", "one", None}
        A legend entry per unit, one entry for all, or none.
    """
    W1 = np.asarray(W1, dtype=float)
    xlim, ylim = ax.get_xlim(), ax.get_ylim()
    labelled = False
    for j in range(W1.shape[1]):
        w0, w1, w2 = W1[:, j]
        if abs(w2) >= abs(w1) * 1e-9 and w2 != 0.0:
            xs = np.linspace(xlim[0], xlim[1], 2)
            ys = -(w0 + w1 * xs) / w2
        elif w1 != 0.0:
            xs = np.full(2, -w0 / w1)
            ys = np.array(ylim)
        else:
            continue  # a unit that ignores both features has no line
        if label == "each":
            text = f"hidden unit {j}: f[1]_{j} = 0"
        elif label == "one" and not labelled:
            text = "hidden units: f[1]_j = 0"
        else:
            text = None
        style = _unit_style(j) if label == "each" else dict(_unit_style(j), color=PALETTE["green"])
        ax.plot(xs, ys, label=text, **style)
        labelled = labelled or text is not None
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)
    return ax


def relu_silent_region(W1, ax, resolution: int = 300, label: bool = True):
    """Hatch where every hidden unit is off (``W[1].T @ x <= 0``), if anywhere in view.

    There ``a[1] = 0``; with no bias after the hidden layer ``f[2] = 0`` and
    ``Y_hat = 0.5`` exactly.  Returns the fraction of the view that is silent.
    """
    W1 = np.asarray(W1, dtype=float)
    xlim, ylim = ax.get_xlim(), ax.get_ylim()
    G1, G2 = np.meshgrid(np.linspace(*xlim, resolution), np.linspace(*ylim, resolution))
    grid = np.vstack([np.ones(G1.size), G1.ravel(), G2.ravel()])
    silent = ((W1.T @ grid) <= 0).all(axis=0).reshape(G1.shape)
    if silent.any():
        ax.contourf(G1, G2, silent.astype(float), levels=[0.5, 1.5], colors=[_SILENT_GREY], alpha=0.25,
                    hatches=["//"])
        if label:
            # Contour fills have no legend entry: a zero-size patch in the same style gives one.
            ax.add_patch(Rectangle((xlim[0], ylim[0]), 0.0, 0.0, facecolor=_SILENT_GREY, alpha=0.25, hatch="//",
                                   label="every hidden unit off: Y_hat = 0.5"))
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)
    return float(silent.mean())


def hidden_relu_boundary(net, X, Y, ax=None, title: str | None = None, hinge_label: str = "each",
                         legend: bool = True):
    """Decision boundary of a one-hidden-layer ReLU network, its hinge lines and silent region."""
    ax = decision_boundary(net.forward, X, Y, ax=ax, feature_names=_AXES, title=title)
    W1 = net.weights[0]
    relu_silent_region(W1, ax)
    relu_hinge_lines(W1, ax, label=hinge_label)
    if legend:
        ax.legend(loc="upper left", framealpha=0.9, fontsize=8)
    elif ax.get_legend() is not None:
        ax.get_legend().remove()
    return ax


def hidden_vs_logistic_boundaries(logistic_net, hidden_net, X, Y, titles=("logistic regression (3-1)",
                        "ReLU hidden layer (3-2-1)")):
    """Two panels: the logistic boundary and the hidden-layer boundary, one shared legend below.

    Returns the figure.
    """
    fig, (ax_log, ax_hid) = figure(ncols=2, height=4.6)
    decision_boundary(logistic_net.forward, X, Y, ax=ax_log, feature_names=_AXES, title=titles[0])
    hidden_relu_boundary(hidden_net, X, Y, ax=ax_hid, title=titles[1], legend=False)
    ax_log.get_legend().remove()
    handles, labels = [], []
    for ax in (ax_log, ax_hid):
        for h, lab in zip(*ax.get_legend_handles_labels()):
            if lab not in labels:
                handles.append(h)
                labels.append(lab)
    fig.legend(handles, labels, loc="outside lower center", ncols=3, fontsize=9, framealpha=0.9)
    return fig


def later_weight_sweep(w_values, grads, ratios, slope: float, w_now: float):
    """``dE/dW[1]_11`` and ``dE/dW[1]_11 / dE/df[2]_0`` against the later weight ``W[2]_10``.

    Parameters
    ----------
    w_values : ndarray, shape (m,)
        The values of ``W[2]_10`` tried, everything else held fixed.
    grads : ndarray, shape (m,)
        ``dE/dW[1]_11`` from the backward pass at each value.
    ratios : ndarray, shape (m,)
        ``dE/dW[1]_11`` divided by the output term ``dE/df[2]_0``.
    slope : float
        ``1[f[1]_10 > 0] * X_10``, the slope the ratio should have.
    w_now : float
        The value of the worked example, marked on both panels.

    Returns the figure.
    """
    w_values, grads, ratios = (np.asarray(v, dtype=float) for v in (w_values, grads, ratios))
    fig, (ax_g, ax_r) = figure(ncols=2)
    i_now = int(np.argmin(np.abs(w_values - w_now)))
    ax_g.plot(w_values, grads, color=PALETTE["blue"], linewidth=2, label="backward pass")
    ax_g.axhline(0.0, color=PALETTE["black"], linewidth=0.8)
    ax_g.plot([w_now], [grads[i_now]], "o", color=PALETTE["vermillion"], label=f"worked example, W[2]_10 = {w_now:g}")
    ax_g.set_xlabel("later weight W[2]_10 (unitless)")
    ax_g.set_ylabel("dE/dW[1]_11 (nats per unit weight)")
    ax_g.set_title("the gradient itself: not a straight line")
    ax_g.legend(loc="best")

    ax_r.plot(w_values, ratios, color=PALETTE["blue"], linewidth=4, alpha=0.5, label="backward pass")
    ax_r.plot(w_values, slope * w_values, color=PALETTE["black"], linestyle="--", linewidth=1.5,
              label=f"W[2]_10 × 1[f[1]_10 > 0] × X_10 (slope {slope:g})")
    ax_r.plot([w_now], [ratios[i_now]], "o", color=PALETTE["vermillion"])
    ax_r.axhline(0.0, color=PALETTE["black"], linewidth=0.8)
    ax_r.set_xlabel("later weight W[2]_10 (unitless)")
    ax_r.set_ylabel("dE/dW[1]_11 / dE/df[2]_0 (unitless)")
    ax_r.set_title("divided by the output term dE/df[2]_0")
    ax_r.legend(loc="upper left")
    return fig
