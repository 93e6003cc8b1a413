"""Figures of notebook 09 (layers from scratch): reading a gradient check.

* :func:`relative_error_strips`: the relative error of every checked entry, one strip per
  gradient, on a log scale with the bands that say how to read it (below about 1e-7 fine,
  around 1e-4 suspicious, above 1e-2 wrong); an error of exactly 0 sits on the floor.
* :func:`kink_zoom`: the loss along one weight, near a ReLU kink, minus its tangent line, with
  the two points a central difference evaluates: why a right gradient can fail the check there.
"""

from __future__ import annotations

import numpy as np

from .core import PALETTE, _ax

__all__ = ["GRADCHECK_BANDS", "relative_error_strips", "kink_zoom"]

#: (upper edge, label, colour) of the bands of :func:`relative_error_strips`.
GRADCHECK_BANDS = (
    (1e-7, "fine", PALETTE["green"]),
    (1e-4, "look closer", PALETTE["yellow"]),
    (1e-2, "suspicious", PALETTE["orange"]),
    (1e1, "wrong", PALETTE["vermillion"]),
)


def relative_error_strips(groups, ax=None, floor: float = 1e-16, title: str | None = None):
    """One strip of points per gradient: the relative error of each checked entry.

    Parameters
    ----------
    groups : dict of str to array_like
        ``{label: relative errors}``, in the order the strips should appear (a label may hold a line break).
    ax : matplotlib Axes, optional
    floor : float, default 1e-16
        Where errors of exactly 0 (both gradients 0) are drawn, with a hollow marker.
    title : str, optional

    Returns
    -------
    matplotlib Axes
    """
    ax = _ax(ax)
    lower = floor / 3.0
    edges = [lower] + [edge for edge, _, _ in GRADCHECK_BANDS]
    for (top, label, colour), bottom in zip(GRADCHECK_BANDS, edges):
        ax.axhspan(bottom, top, color=colour, alpha=0.18, lw=0)
        # the band's name outside the right edge, at the band's middle on the log scale
        ax.text(1.01, np.sqrt(bottom * top), label, transform=ax.get_yaxis_transform(), fontsize=8, va="center",
                ha="left", color=PALETTE["black"])
    rng = np.random.default_rng(0)  # a fixed jitter, so the figure is the same on every run
    for i, (label, errors) in enumerate(groups.items()):
        errors = np.asarray(errors, dtype=float).ravel()
        x = i + rng.uniform(-0.18, 0.18, size=errors.size)
        zero = errors <= 0
        ax.scatter(x[~zero], errors[~zero], s=24, color=PALETTE["blue"], zorder=3)
        if zero.any():
            ax.scatter(x[zero], np.full(zero.sum(), floor), s=24, facecolors="none", edgecolors=PALETTE["black"],
                       zorder=3)
    ax.set_yscale("log")
    ax.set_ylim(lower, GRADCHECK_BANDS[-1][0])
    ax.set_xticks(range(len(groups)))
    ax.set_xticklabels(list(groups), fontsize=8)
    ax.set_xlim(-0.6, len(groups) - 0.4)
    ax.set_ylabel("relative error |a - n| / (|a| + |n|)")
    ax.set_xlabel("one point per checked entry (hollow, at the bottom: both exactly 0)")
    ax.set_title(title or "Relative error of each entry")
    ax.grid(axis="x", visible=False)
    return ax


def kink_zoom(offsets, deviation, kink_at: float, eps: float, ax=None, title: str | None = None):
    """The loss along one weight near a ReLU kink, minus the tangent line of the backward pass.

    Parameters
    ----------
    offsets : array_like, shape (m,)
        ``w - w0``, the change of the weight, in the same units as ``eps``.
    deviation : array_like, shape (m,)
        ``E(w) - E(w0) - g (w - w0)``, with ``g`` the backprop derivative at ``w0``.
    kink_at : float
        The offset at which the unit's pre-activation crosses 0.
    eps : float
        The central-difference step: the points ``w0 - eps`` and ``w0 + eps`` are marked.
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib Axes
    """
    ax = _ax(ax)
    offsets = np.asarray(offsets, dtype=float)
    deviation = np.asarray(deviation, dtype=float)
    scale = 1.0 / eps
    ax.plot(offsets * scale, deviation, color=PALETTE["blue"], lw=2,
            label="E(w) minus the tangent line at w0")
    ax.axhline(0.0, color=PALETTE["black"], lw=1, ls=":", label="the tangent line (backprop's slope)")
    ax.axvline(kink_at * scale, color=PALETTE["vermillion"], lw=1.2, ls="--",
               label="the unit's pre-activation crosses 0")
    ends = np.array([-eps, eps])
    values = np.interp(ends, offsets, deviation)
    ax.plot(ends * scale, values, color=PALETTE["orange"], lw=1.5, marker="o", ms=7,
            label="central difference: the chord through w0 - eps and w0 + eps")
    ax.set_xlabel("w - w0 (in units of eps)")
    ax.set_ylabel("E(w) - tangent line (nats)")
    ax.set_title(title or "Near a kink the chord is not the tangent")
    ax.legend(loc="upper left", fontsize=8, framealpha=0.9)
    return ax
