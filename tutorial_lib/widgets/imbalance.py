"""Explorer of notebook 02: move the class weights alpha and beta, watch the boundary and the
confusion matrix follow.

For every slider setting the explorer finds the minimum of the weighted log loss
``E = -(1/n) sum alpha Y log Y_hat + beta (1 - Y) log(1 - Y_hat)`` for one sigmoid unit.
It uses scikit-learn's ``LogisticRegression(C=np.inf, class_weight={1: alpha, 0: beta})``,
which minimises the same loss (notebook 02 shows that its weights agree with gradient
descent on ``tl.MLP``) and reaches the minimum in milliseconds even at extreme ratios
alpha / beta, where plain gradient descent needs many thousands of epochs.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

__all__ = ["alpha_beta_explorer", "fit_weighted_logistic"]


def fit_weighted_logistic(X, Y, alpha: float = 1.0, beta: float = 1.0) -> np.ndarray:
    """The minimiser ``W`` (shape (3, 1)) of the weighted log loss of one sigmoid unit.

    Parameters
    ----------
    X : ndarray, shape (features + 1, n)
        Bias row of ones first (columns are samples).
    Y : ndarray, shape (1, n)
        Labels 0/1.
    alpha, beta : float
        Weights of class 1 and class 0.
    """
    from sklearn.linear_model import LogisticRegression

    X = np.asarray(X, dtype=float)
    y = np.asarray(Y).ravel().astype(int)
    clf = LogisticRegression(C=np.inf, class_weight={1: float(alpha), 0: float(beta)}, tol=1e-8, max_iter=2000)
    clf.fit(X[1:].T, y)  # scikit-learn wants rows as samples, and fits the bias itself
    return np.concatenate([clf.intercept_, clf.coef_.ravel()])[:, None]


def alpha_beta_explorer(X, Y):
    """Sliders for alpha (0.1 to 100) and beta (0.1 to 10), both on a log scale.

    Each redraw shows the weighted model's decision boundary (solid), the unweighted
    model's (dashed) and the weighted model's confusion matrix; the titles give the
    recall of variety A and the balanced accuracy.

    Returns
    -------
    ipywidgets.interactive
        Display it by ending a cell with it.
    """
    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    from ..activations import sigmoid
    from ..plotting.imbalance import imbalance_boundary_confusion

    X = np.asarray(X, dtype=float)
    Y = np.asarray(Y, dtype=float)

    @lru_cache(maxsize=256)
    def weights(alpha, beta):
        return fit_weighted_logistic(X, Y, alpha, beta)

    W_plain = weights(1.0, 1.0)

    def show(alpha, beta):
        W = weights(round(alpha, 6), round(beta, 6))
        imbalance_boundary_confusion(
            lambda Xg: sigmoid(W.T @ Xg), X, Y,
            title=f"α = {alpha:.3g}, β = {beta:.3g} (α / β = {alpha / beta:.4g})",
            reference=lambda Xg: sigmoid(W_plain.T @ Xg),
        )
        plt.show()

    def slider(name, low_exp, high_exp):
        return widgets.FloatLogSlider(value=1.0, base=10, min=low_exp, max=high_exp, step=0.05,
                                      description=name, continuous_update=False, readout_format=".3g",
                                      style={"description_width": "initial"},
                                      layout=widgets.Layout(width="480px"))

    return widgets.interactive(show, alpha=slider("alpha", -1, 2), beta=slider("beta", -1, 1))
