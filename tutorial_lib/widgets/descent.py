"""Explorer of notebook 07: gradient descent with a learning-rate slider.

``learning_rate_explorer()`` shows the trajectory of plain gradient descent on
the notebook's quadratic ``f(x1, x2) = x1**2 + x1 x2 + 4 x2**2`` from
``(3, 3)`` over its level sets, next to ``f(x_k)`` on a log scale, and redraws
both when the step size or the number of steps changes.
"""

from __future__ import annotations

import ipywidgets
import matplotlib.pyplot as plt
import numpy as np

from ..plotting.core import PALETTE, figure
from ..plotting.descent import contour_paths, course_gradient, course_objective, descent_path, stability_limit

__all__ = ["learning_rate_explorer"]


def learning_rate_explorer(f=course_objective, grad=course_gradient, x0=(3.0, 3.0), eta: float = 0.1,
                           eta_range=(0.01, 0.3), steps: int = 30, hessian=None):
    """An ``ipywidgets.interactive`` explorer of the step size.

    Parameters
    ----------
    f : callable
        ``f(x1, x2)`` on numpy arrays (for the level sets).
    grad : callable
        ``grad(x)`` for ``x`` of shape ``(2,)``.
    x0 : (float, float)
        Starting point.
    eta : float
        Initial step size.
    eta_range : (float, float)
        Slider range of the step size.
    steps : int
        Initial number of steps.
    hessian : ndarray (2, 2) or None
        If given (e.g. ``plotting.COURSE_HESSIAN``), the title also compares the step with the
        stability limit ``2 / lambda_max``; by default it only reports what the run did, so the
        explorer can be used to find the limit by experiment.

    Returns
    -------
    ipywidgets.interactive
        Display it (end the cell with it) to get the sliders and the figure.
    """
    eta_max = None
    if hessian is not None:
        eta_max = stability_limit(hessian)

    def draw(eta=eta, steps=steps):
        path = descent_path(grad, x0, eta, steps)
        with np.errstate(over="ignore", invalid="ignore"):
            values = np.asarray(f(path[:, 0], path[:, 1]), dtype=float)
        finite = np.isfinite(values)
        fig, (ax_path, ax_f) = figure(ncols=2)
        radius = max(4.0, 1.15 * float(np.max(np.abs(path[finite])))) if finite.any() else 4.0
        radius = min(radius, 1e3)
        contour_paths(f, [path], labels=[f"{steps} steps"], ax=ax_path, xlim=(-radius, radius),
                      ylim=(-radius, radius), title=f"trajectory for η = {eta:.3f}")
        if eta_max is not None:
            side = "below" if eta < eta_max else "at or above"
            verdict = "converges" if eta < eta_max else "does not converge"
            fig.suptitle(f"η = {eta:.3f} is {side} $2/\\lambda_{{\\max}}$ = {eta_max:.4f}: it {verdict}")
        else:
            trend = "shrinks" if values[-1] < values[0] else "grows"
            fig.suptitle(f"η = {eta:.3f}: f {trend} from {values[0]:.3g} to {values[-1]:.3g} in {steps} steps")
        ax_f.semilogy(np.arange(values.size)[finite], np.maximum(values[finite], 1e-300), "-o",
                      markersize=3, color=PALETTE["vermillion"])
        ax_f.set_xlabel("iteration k")
        ax_f.set_ylabel("$f(x_k)$ (dimensionless, log scale)")
        ax_f.set_title(f"$f(x_k)$; after {steps} steps: {values[-1]:.3g}")
        plt.show()

    lo, hi = eta_range
    return ipywidgets.interactive(
        draw,
        eta=ipywidgets.FloatSlider(value=eta, min=lo, max=hi, step=0.005, readout_format=".3f",
                                   description="step η", continuous_update=False),
        steps=ipywidgets.IntSlider(value=steps, min=1, max=100, step=1, description="steps",
                                   continuous_update=False),
    )
