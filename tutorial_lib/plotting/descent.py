"""Figures of notebook 07 (gradient descent on a two-variable quadratic).

The notebook's objective is ``f(x1, x2) = x1**2 + x1 x2 + 4 x2**2``, i.e.
``f(x) = 1/2 x^T H x`` with the constant Hessian ``H = [[2, 1], [1, 8]]``, so
``grad f(x) = H x``.  The helpers below work for any objective given as a
callable ``f(x1, x2)`` that accepts numpy arrays (for the contour grid) and a
gradient ``grad(x)`` of shape ``(2,)``.

* :func:`descent_path` runs a fixed number of plain gradient-descent steps;
* :func:`contour_paths` draws level sets of ``f`` and one or more trajectories;
* :func:`descent_side_by_side` puts one trajectory per panel, side by side;
* :func:`objective_history` plots ``f(x_k)`` against the iteration ``k``;
* :func:`eigen_component` follows the iterates' coordinate along one direction;
* :func:`stability_limit` is the largest stable fixed step ``2 / lambda_max`` of a Hessian (the
  reference of the notebook's exercise on it, which cannot call it);
* :func:`hessian_spectra` compares the eigenvalues of several Hessians on a log scale.
"""

from __future__ import annotations

import numpy as np

from .core import PALETTE, figure

__all__ = ["COURSE_HESSIAN", "course_objective", "course_gradient", "descent_path", "contour_paths",
           "descent_side_by_side", "objective_history", "eigen_component", "stability_limit",
           "hessian_spectra"]

#: Hessian of the notebook's objective f(x1, x2) = x1^2 + x1 x2 + 4 x2^2.
COURSE_HESSIAN = np.array([[2.0, 1.0], [1.0, 8.0]])

_PATH_COLORS = [PALETTE[k] for k in ("vermillion", "blue", "green", "purple", "orange", "sky")]


def course_objective(x1, x2):
    """The notebook's objective ``x1**2 + x1*x2 + 4*x2**2`` (works on arrays, for contour grids)."""
    return x1 ** 2 + x1 * x2 + 4.0 * x2 ** 2


def course_gradient(x):
    """Gradient ``H x`` of :func:`course_objective`, for ``x`` of shape ``(2,)``."""
    return COURSE_HESSIAN @ np.asarray(x, dtype=float)


def descent_path(grad, x0, eta: float, n_steps: int) -> np.ndarray:
    """``n_steps`` gradient-descent updates ``x <- x - eta * grad(x)`` from ``x0``.

    Returns
    -------
    ndarray, shape (n_steps + 1, d)
        Row ``k`` is the iterate ``x_k`` (row 0 is ``x0``).  A diverging run
        is returned as computed (numbers may grow large, never past overflow
        for the step counts the notebook uses).
    """
    x = np.array(x0, dtype=float)
    path = np.empty((int(n_steps) + 1, x.size))
    path[0] = x
    for k in range(int(n_steps)):
        x = x - eta * np.asarray(grad(x), dtype=float)
        path[k + 1] = x
    return path


def _objective_values(f, path) -> np.ndarray:
    path = np.asarray(path, dtype=float)
    return np.asarray(f(path[:, 0], path[:, 1]), dtype=float)


def contour_paths(f, paths, labels=None, ax=None, xlim=(-4.0, 4.0), ylim=(-4.0, 4.0), levels=None,
                  title: str | None = None, minimum=(0.0, 0.0), resolution: int = 160, legend: bool = True,
                  colors=None):
    """Level sets of ``f(x1, x2)`` with gradient-descent trajectories on top (equal aspect).

    Parameters
    ----------
    f : callable
        ``f(x1, x2)`` on numpy arrays.
    paths : list of ndarray, each (k + 1, 2)
        Trajectories, e.g. from :func:`descent_path`.
    labels : list of str, optional
        One legend entry per trajectory.
    levels : sequence of float, optional
        Contour levels; by default a geometric sequence, so the level sets
        near the minimum show too.
    minimum : (float, float) or None
        Where to mark the minimizer.
    colors : list of colours, optional
        One per trajectory; Okabe-Ito colours by default.
    """
    if ax is None:
        _, ax = figure()
    g1 = np.linspace(xlim[0], xlim[1], resolution)
    g2 = np.linspace(ylim[0], ylim[1], resolution)
    G1, G2 = np.meshgrid(g1, g2)
    F = f(G1, G2)
    if levels is None:
        top = float(np.max(F))
        levels = np.geomspace(0.05, max(top, 0.1), 14)
    cs = ax.contour(G1, G2, F, levels=levels, colors=[PALETTE["black"]], linewidths=0.6, alpha=0.45)
    ax.clabel(cs, cs.levels[::4], fontsize=7, fmt="%.3g")
    labels = list(labels) if labels is not None else [None] * len(paths)
    for i, (path, label) in enumerate(zip(paths, labels)):
        path = np.asarray(path, dtype=float)
        color = colors[i] if colors is not None else _PATH_COLORS[i % len(_PATH_COLORS)]
        ax.plot(path[:, 0], path[:, 1], "-o", color=color, markersize=3.5, linewidth=1.4, label=label)
        ax.plot(path[0, 0], path[0, 1], "s", color=color, markersize=7, markeredgecolor="white")
    if minimum is not None:
        ax.plot(*minimum, marker="*", color=PALETTE["black"], markersize=12, linestyle="none",
                label="minimum")
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.set_xlabel("$x_1$ (dimensionless)")
    ax.set_ylabel("$x_2$ (dimensionless)")
    if title:
        ax.set_title(title)
    if legend and (any(labels) or minimum is not None):
        ax.legend(loc="upper left", framealpha=0.9)
    return ax


def descent_side_by_side(f, runs, lims=None, width: float | None = None, suptitle: str | None = None):
    """One panel per run, side by side, each with its level sets and trajectory.

    Parameters
    ----------
    f : callable
        ``f(x1, x2)``.
    runs : list of (str, ndarray)
        ``(title, path)`` per panel.
    lims : list of (xlim, ylim), optional
        Axis limits per panel; by default ``(-4, 4)`` for both axes.

    Returns
    -------
    (fig, axes)
    """
    n = len(runs)
    fig, axes = figure(ncols=n, width=width or min(3.7 * n, 11.0), height=4.0)
    axes = np.atleast_1d(axes)
    for i, (ax, (title, path)) in enumerate(zip(axes, runs)):
        xlim, ylim = (lims[i] if lims is not None else ((-4.0, 4.0), (-4.0, 4.0)))
        path = np.asarray(path, dtype=float)
        steps = len(path) - 1
        contour_paths(f, [path], labels=[f"{steps} steps"], ax=ax, xlim=xlim, ylim=ylim, title=title,
                      colors=[_PATH_COLORS[i % len(_PATH_COLORS)]])
    if suptitle:
        fig.suptitle(suptitle)
    return fig, axes


def objective_history(f, paths, labels, ax=None, logy: bool = True, title: str | None = None,
                      styles=None):
    """``f(x_k)`` against the iteration ``k`` for several runs (log scale by default)."""
    if ax is None:
        _, ax = figure()
    styles = styles or ["-", "--", "-.", ":", (0, (5, 1)), (0, (1, 1))]
    for i, (path, label) in enumerate(zip(paths, labels)):
        values = _objective_values(f, path)
        ax.plot(np.arange(values.size), values, linestyle=styles[i % len(styles)],
                color=_PATH_COLORS[i % len(_PATH_COLORS)], linewidth=1.6, label=label)
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel("iteration k")
    ax.set_ylabel("$f(x_k)$ (dimensionless" + (", log scale)" if logy else ")"))
    if title:
        ax.set_title(title)
    ax.legend(framealpha=0.9)
    return ax


def eigen_component(paths, direction, labels, ax=None, title: str | None = None,
                    ylabel: str = "$q^\\top x_k$ (dimensionless)"):
    """The coordinate ``q^T x_k`` of each run's iterates along a unit vector ``q`` (e.g. an eigenvector).

    Gradient descent on a quadratic multiplies this coordinate by ``1 - eta lambda`` at every step when
    ``q`` is an eigenvector with eigenvalue ``lambda``, so the plot shows that factor at work: a sign
    flip at every step when it is negative, a shrinking or growing envelope depending on its size.
    """
    if ax is None:
        _, ax = figure()
    q = np.asarray(direction, dtype=float)
    q = q / np.linalg.norm(q)
    markers = ["o", "s", "^", "D", "v", "P"]
    for i, (path, label) in enumerate(zip(paths, labels)):
        c = np.asarray(path, dtype=float) @ q
        ax.plot(np.arange(c.size), c, marker=markers[i % len(markers)], markersize=3, linewidth=0.9,
                color=_PATH_COLORS[i % len(_PATH_COLORS)], label=label)
    ax.axhline(0.0, color=PALETTE["black"], linewidth=0.8)
    ax.set_xlabel("iteration k")
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend(framealpha=0.9)
    return ax


def stability_limit(hessian) -> float:
    """The largest stable fixed step of gradient descent on ``1/2 x^T H x``: ``2 / lambda_max(H)``.

    Parameters
    ----------
    hessian : array_like, shape (d, d)
        A symmetric positive-definite matrix.

    Raises
    ------
    ValueError
        ``hessian`` is not square, not symmetric, or its largest eigenvalue is not positive.
    """
    H = np.asarray(hessian, dtype=float)
    if H.ndim != 2 or H.shape[0] != H.shape[1]:
        raise ValueError(f"the Hessian must be a square matrix; got shape {H.shape}.")
    if not np.allclose(H, H.T, rtol=1e-10, atol=1e-12):
        raise ValueError("the Hessian must be symmetric.")
    lam_max = float(np.linalg.eigvalsh(H)[-1])
    if not lam_max > 0:
        raise ValueError("the Hessian's largest eigenvalue must be positive.")
    return 2.0 / lam_max


def hessian_spectra(spectra, ax=None, title: str | None = None,
                    xlabel: str = "eigenvalue of the Hessian (nats per unit weight$^2$, log scale)"):
    """The eigenvalues of several Hessians, one row each, on a log axis, with their condition numbers.

    Parameters
    ----------
    spectra : dict of str -> array_like
        ``{label: eigenvalues}``; each row shows its eigenvalues as dots joined by a line whose
        length (on the log axis) is the condition number ``lambda_max / lambda_min``.
    """
    if ax is None:
        _, ax = figure(height=2.6)
    labels = list(spectra)
    for row, label in enumerate(labels):
        lam = np.sort(np.asarray(spectra[label], dtype=float))
        color = _PATH_COLORS[row % len(_PATH_COLORS)]
        ax.plot([lam[0], lam[-1]], [row, row], color=color, linewidth=2.5, alpha=0.45)
        ax.plot(lam, np.full(lam.size, row), "o", color=color, markersize=8)
        kappa = lam[-1] / lam[0]
        text = f"{kappa:,.0f}" if kappa >= 1000 else f"{kappa:.3g}"
        ax.annotate(f"condition number {text}", (np.sqrt(lam[0] * lam[-1]), row),
                    textcoords="offset points", xytext=(0, 9), ha="center", fontsize=9)
    ax.set_xscale("log")
    ax.set_yticks(range(len(labels)), labels)
    ax.set_ylim(-0.6, len(labels) - 0.3)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("features of X")
    ax.grid(True, axis="x", which="both", alpha=0.3)
    if title:
        ax.set_title(title)
    return ax
