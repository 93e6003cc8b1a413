"""Figures of notebook 01 (the logistic warm-up on the two-cultivar wine data).

The shared pieces (palette, figure sizes, decision boundaries, loss curves)
live in :mod:`tutorial_lib.plotting.core`; this module adds the wine scatter
plot in real units, the side-by-side view of two fitted boundaries, and the
error of central differences as a function of their step (truncation against
round-off).
"""

from __future__ import annotations

import numpy as np

from .core import CLASS_STYLE, PALETTE, decision_boundary, figure

__all__ = ["WINE_RAW_AXES", "WINE_STD_AXES", "wine_feature_scatter", "boundary_pair", "logistic_predictor",
           "central_difference_errors"]

#: Axis labels of the wine features in their measured units.
WINE_RAW_AXES = ("colour intensity (absorbance units)", "alcohol (% vol)")
#: Axis labels of the standardized wine features (mean 0, standard deviation 1).
WINE_STD_AXES = ("colour intensity (standardized, s.d.)", "alcohol (standardized, s.d.)")


def logistic_predictor(W):
    """``X -> sigmoid(W.T @ X)`` for a weight column ``W`` of shape ``(3, 1)``: the
    ``predict`` argument of :func:`~tutorial_lib.plotting.decision_boundary`."""
    W = np.asarray(W, dtype=np.float64).reshape(-1, 1)

    def predict(X):
        f = W.T @ X
        # The logistic function written with tanh: no overflow for large |f|.
        return 0.5 * (1.0 + np.tanh(0.5 * f))

    return predict


def wine_feature_scatter(X, Y, ax=None, standardized: bool = False, title: str | None = None):
    """Scatter the two wine features, one marker and colour per variety.

    Parameters
    ----------
    X : ndarray, shape (3, n)
        Bias row, colour intensity, alcohol (as from ``tl.load_wine_binary``).
    Y : ndarray, shape (1, n)
        1 for variety A, 0 for variety B.
    standardized : bool
        Label the axes as standardized features instead of measured units.
    """
    if ax is None:
        _, ax = figure()
    labels = np.asarray(Y).ravel()
    for cls in (1, 0):
        m = labels == cls
        style = dict(CLASS_STYLE[cls])
        style["label"] = f"{style['label']}: {int(m.sum())} wines"
        ax.scatter(X[1, m], X[2, m], s=22, edgecolors="white", linewidths=0.4, alpha=0.9, **style)
    names = WINE_STD_AXES if standardized else WINE_RAW_AXES
    ax.set_xlabel(names[0])
    ax.set_ylabel(names[1])
    if title:
        ax.set_title(title)
    ax.legend(loc="upper left", framealpha=0.9)
    return ax


def boundary_pair(weights_left, weights_right, X, Y, titles=("left", "right"), labels=("boundary", "boundary")):
    """Two panels side by side, each with the data and one logistic boundary.

    The other panel's boundary is repeated as a dashed line, so the reader can
    see at a glance whether the two coincide.

    Parameters
    ----------
    weights_left, weights_right : array_like, shape (3,) or (3, 1)
        ``[W00, W10, W20]`` of the two models (bias, colour, alcohol).
    X : ndarray, shape (3, n)
        Standardized features with the bias row.
    Y : ndarray, shape (1, n)
    titles, labels : pair of str
        Panel titles and legend labels of the two boundaries.

    Returns
    -------
    fig, axes
    """
    fig, axes = figure(ncols=2)
    colours = (PALETTE["black"], PALETTE["green"])
    pairs = ((weights_left, weights_right), (weights_right, weights_left))
    for k, (ax, (mine, other)) in enumerate(zip(axes, pairs)):
        decision_boundary(logistic_predictor(mine), X, Y, ax=ax, feature_names=WINE_STD_AXES,
                          title=titles[k], boundary_color=colours[k], boundary_label=labels[k])
        other = np.asarray(other, dtype=float).ravel()
        xs, ys = np.array(ax.get_xlim()), ax.get_ylim()
        if abs(other[2]) > 1e-12:
            ax.plot(xs, -(other[0] + other[1] * xs) / other[2], linestyle="--", linewidth=1.5,
                    color=colours[1 - k], label=f"{labels[1 - k]} (dashed)")
        ax.set_xlim(xs)
        ax.set_ylim(ys)
        ax.legend(loc="upper left", framealpha=0.9)
    return fig, axes



def central_difference_errors(eps, errors, truncation=None, roundoff=None, mark=1e-6, ax=None,
                              title="Central differences: truncation against round-off"):
    """Log-log plot of a gradient check's relative error against the step ``eps``.

    Parameters
    ----------
    eps, errors : array_like, same length
        The steps and the relative error of the central-difference gradient at each step
        (against the exact gradient of backprop).
    truncation, roundoff : array_like, optional
        Model curves drawn dashed and dotted: the truncation error (proportional to eps squared)
        and the round-off error (proportional to 1 / eps).
    mark : float, optional
        A step to mark with a vertical line (the library's default, 1e-6).

    Returns
    -------
    ax
    """
    if ax is None:
        _, ax = figure()
    eps = np.asarray(eps, dtype=float)
    errors = np.asarray(errors, dtype=float)
    ax.loglog(eps, errors, marker="o", markersize=3.5, color=PALETTE["blue"],
              label="measured relative error")
    if truncation is not None:
        ax.loglog(eps, truncation, linestyle="--", color=PALETTE["orange"],
                  label="truncation, proportional to eps squared")
    if roundoff is not None:
        ax.loglog(eps, roundoff, linestyle=":", linewidth=2, color=PALETTE["vermillion"],
                  label="round-off, proportional to 1 / eps")
    best = int(np.argmin(errors))
    ax.scatter([eps[best]], [errors[best]], s=60, zorder=3, color=PALETTE["green"],
               label=f"smallest error, {errors[best]:.0e} at eps = {eps[best]:.0e}")
    if mark is not None:
        ax.axvline(mark, color=PALETTE["black"], linewidth=1, linestyle="-.", label=f"eps = {mark:g}")
    finite = errors[errors > 0]
    ax.set_ylim(max(finite.min() / 10, 1e-14), min(finite.max() * 10, 10.0))
    ax.set_xlabel("step eps (no unit, log scale)")
    ax.set_ylabel("relative error against backprop (log scale)")
    ax.set_title(title)
    ax.legend(loc="upper center", framealpha=0.9)
    return ax
