"""Explorer of notebook 05: the slope a of Leaky ReLU and the learning rate, from a dying start."""

from __future__ import annotations

import ipywidgets
import matplotlib.pyplot as plt
import numpy as np

from ..losses import bce_loss
from ..plotting.dying_relu import plot_dying_runs, train_tracking_dead_units

__all__ = ["dying_relu_explorer"]


def dying_relu_explorer(X, Y, make_start, epochs: int = 300):
    """Sliders for the Leaky ReLU slope ``a`` and the learning rate.

    ``make_start(activation, a)`` returns the starting network (e.g. a ReLU
    network whose hidden biases are all negative).  Each change trains
    ``make_start("leaky_relu", a)`` for ``epochs`` full-batch epochs and redraws
    the dead fraction per hidden layer and the loss; ``a = 0`` is plain ReLU.
    """
    style = {"description_width": "initial"}
    prior = float(np.mean(Y))
    prior_loss = bce_loss(np.full_like(Y, prior, dtype=float), Y)

    def show(a, lr):
        net = make_start("leaky_relu", a)
        history, fractions = train_tracking_dead_units(net, X, Y, lr=lr, epochs=epochs)
        label = "ReLU (a = 0)" if a == 0 else f"Leaky ReLU, a = {a:.2f}"
        finite = np.isfinite(history)
        if finite.all():
            status = f"final loss {history[-1]:.3f}, dead units {100 * fractions[-1].mean():.0f}%"
            fig = plot_dying_runs({label: (history, fractions)}, prior_loss=prior_loss)
        else:
            # Show the epochs before the blow-up only: afterwards the numbers are inf/NaN.
            stop = int(np.argmin(finite))
            status = f"diverged at epoch {stop + 1}: the learning rate is too large"
            fig = plot_dying_runs({label: (history[:stop], fractions[:stop])}, prior_loss=prior_loss,
                                  logy=stop > 0)
        fig.suptitle(f"a = {a:.2f}, learning rate {lr:.2f}: {status}")
        plt.show()

    return ipywidgets.interactive(
        show,
        a=ipywidgets.FloatSlider(value=0.1, min=0.0, max=0.5, step=0.01, description="slope a",
                                 continuous_update=False, style=style),
        lr=ipywidgets.FloatLogSlider(value=1.0, base=10, min=-1.5, max=0.5, step=0.05,
                                     description="learning rate", continuous_update=False, style=style),
    )
