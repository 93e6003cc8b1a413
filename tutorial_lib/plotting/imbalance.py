"""Figures of notebook 02 (imbalanced classes, the weights alpha and beta).

* :func:`imbalance_bootstrap_scatter`: the real wines next to the 100 A / 1000 B set made from them;
* :func:`imbalance_weight_totals`: how much each class weighs in the loss under different alpha, beta;
* :func:`imbalance_boundary_confusion`: one model's decision boundary next to its confusion matrix;
* :func:`imbalance_boundaries`: two models' boundaries side by side, each with the other's dashed;
* :func:`imbalance_precision_recall`: precision-recall curves with chosen thresholds marked;
* :func:`imbalance_calibration`: a reliability diagram (predicted probability against observed share).

Every function takes ``predict(X_grid) -> probabilities (1, m)`` callables (e.g. ``net.forward``)
and computes the scores it prints in the titles with scikit-learn's metrics.
"""

from __future__ import annotations

import numpy as np

from .core import CLASS_STYLE, PALETTE, confusion_matrix, decision_boundary, figure

__all__ = [
    "imbalance_bootstrap_scatter", "imbalance_weight_totals", "imbalance_boundary_confusion",
    "imbalance_boundaries", "imbalance_precision_recall", "imbalance_calibration",
]

RAW_FEATURES = ("colour intensity (absorbance units)", "alcohol (% vol)")
STD_FEATURES = ("colour intensity (standardized)", "alcohol (standardized)")
CLASS_NAMES = ["B (Y = 0)", "A (Y = 1)"]


def _scatter(ax, X, Y, size=18, alpha=0.85):
    labels = np.asarray(Y).ravel()
    for cls in (0, 1):
        m = labels == cls
        style = dict(CLASS_STYLE[cls])
        style["label"] = f"{style['label']}: {int(m.sum())}"
        ax.scatter(X[1, m], X[2, m], s=size, edgecolors="white", linewidths=0.4, alpha=alpha, **style)


def imbalance_bootstrap_scatter(X_real, Y_real, X_boot, Y_boot, feature_names=RAW_FEATURES):
    """Two panels: the real wines (left) and the smoothed-bootstrap set (right), same axes.

    Parameters
    ----------
    X_real, X_boot : ndarray, shape (3, n)
        Bias row, colour intensity, alcohol (unstandardized, so both panels share units).
    Y_real, Y_boot : ndarray, shape (1, n)
    """
    fig, axes = figure(ncols=2, sharex=True, sharey=True)
    for ax, X, Y, title in ((axes[0], X_real, Y_real, "the real wines"),
                            (axes[1], X_boot, Y_boot, "smoothed bootstrap")):
        _scatter(ax, X, Y, size=14 if X.shape[1] > 300 else 22)
        ax.set_title(f"{title}: n = {X.shape[1]}")
        ax.set_xlabel(feature_names[0])
        ax.legend(loc="upper left", framealpha=0.9)
    axes[0].set_ylabel(feature_names[1])
    return fig, axes


def imbalance_weight_totals(n_a: int, n_b: int, weightings: dict, ax=None):
    """Grouped bars: the summed sample weight of each class, ``alpha * n_A`` and ``beta * n_B``.

    Parameters
    ----------
    n_a, n_b : int
        Samples of variety A (Y = 1) and B (Y = 0).
    weightings : dict
        ``{name: (alpha, beta)}``, one group of bars each.
    """
    if ax is None:
        _, ax = figure(width=7.0, height=3.8)
    names = list(weightings)
    x = np.arange(len(names))
    width = 0.38
    tot_a = np.array([weightings[k][0] * n_a for k in names], dtype=float)
    tot_b = np.array([weightings[k][1] * n_b for k in names], dtype=float)
    bars_a = ax.bar(x - width / 2, tot_a, width, color=CLASS_STYLE[1]["color"],
                    label=f"variety A: α × {n_a} wines")
    bars_b = ax.bar(x + width / 2, tot_b, width, color=CLASS_STYLE[0]["color"],
                    label=f"variety B: β × {n_b} wines")
    for bars in (bars_a, bars_b):
        ax.bar_label(bars, fmt="%.0f", padding=2, fontsize=9)
    ax.set_xticks(x, names)
    ax.set_ylabel("summed sample weight (no unit)")
    ax.set_xlabel("choice of (α, β)")
    ax.set_ylim(0, 1.3 * max(tot_a.max(), tot_b.max()))
    ax.grid(axis="x", visible=False)
    ax.set_title("How much each class weighs in the loss")
    ax.legend(loc="upper center", ncol=2, framealpha=0.9)
    return ax


def _scores(predict, X, Y):
    from sklearn.metrics import balanced_accuracy_score, recall_score

    y_true = np.asarray(Y).ravel().astype(int)
    y_pred = (np.asarray(predict(X)).ravel() >= 0.5).astype(int)
    return y_true, y_pred, recall_score(y_true, y_pred), balanced_accuracy_score(y_true, y_pred)


def _extra_boundary(ax, predict, X, color, label, margin=0.5, resolution=200):
    """A dashed boundary line (no shading, no points) on the grid of ``decision_boundary``."""
    g1 = np.linspace(X[1].min() - margin, X[1].max() + margin, resolution)
    g2 = np.linspace(X[2].min() - margin, X[2].max() + margin, resolution)
    G1, G2 = np.meshgrid(g1, g2)
    P = np.asarray(predict(np.vstack([np.ones(G1.size), G1.ravel(), G2.ravel()]))).reshape(G1.shape)
    if P.min() < 0.5 < P.max():
        ax.contour(G1, G2, P, levels=[0.5], colors=[color], linewidths=2, linestyles="--")
        ax.plot([], [], color=color, linewidth=2, linestyle="--", label=label)


def _boundary_panel(ax, predict, X, Y, title, reference=None, reference_label="unweighted boundary"):
    _, _, rec, bal = _scores(predict, X, Y)
    decision_boundary(predict, X, Y, ax=ax, feature_names=STD_FEATURES, boundary_label="boundary Y_hat = 0.5")
    if reference is not None:
        _extra_boundary(ax, reference, X, PALETTE["green"], reference_label)
    # Below the panel, so that it hides neither wines nor boundaries.
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.17), ncol=2, framealpha=0.9)
    ax.set_title(f"{title}\nrecall of A {rec:.2f}, balanced accuracy {bal:.4f}")
    return ax


def imbalance_boundary_confusion(predict, X, Y, title: str, reference=None,
                                 reference_label: str = "unweighted boundary"):
    """Left: the decision boundary of ``predict`` over the data; right: its confusion matrix.

    ``reference`` (another predict function) adds that model's boundary as a dashed line.
    """
    fig, axes = figure(ncols=2, height=4.4)
    _boundary_panel(axes[0], predict, X, Y, title, reference, reference_label)
    y_true, y_pred, _, _ = _scores(predict, X, Y)
    confusion_matrix(y_true, y_pred, ax=axes[1], labels=[0, 1], display_labels=CLASS_NAMES,
                     title="confusion matrix (counts of wines)")
    return fig, axes


def imbalance_boundaries(left, right, X, Y):
    """Two decision boundaries side by side.

    Parameters
    ----------
    left, right : tuple (title, predict)
        Each panel shows its model's boundary (solid) and the other model's (dashed).
    """
    fig, axes = figure(ncols=2, height=4.4, sharex=True, sharey=True)
    (t_left, p_left), (t_right, p_right) = left, right
    _boundary_panel(axes[0], p_left, X, Y, t_left, reference=p_right, reference_label=f"{t_right} boundary")
    _boundary_panel(axes[1], p_right, X, Y, t_right, reference=p_left, reference_label=f"{t_left} boundary")
    return fig, axes


def _as_scores(values) -> np.ndarray:
    return np.asarray(values, dtype=float).ravel()


def imbalance_precision_recall(probs: dict, Y, points=(), ax=None,
                               title: str = "Precision and recall of variety A, held-out wines"):
    """Precision-recall curves of several models, with chosen operating points marked.

    Parameters
    ----------
    probs : dict
        ``{label: predicted probabilities of variety A}`` (shape (1, n) or (n,)), one curve each.
    Y : array_like, shape (1, n)
        The true labels (1 = variety A).
    points : sequence of (label, probs_label, threshold)
        Operating points: a wine is called A when its probability is at least ``threshold``.
    """
    from sklearn.metrics import average_precision_score, precision_recall_curve

    if ax is None:
        _, ax = figure()
    y_true = np.asarray(Y).ravel().astype(int)
    styles = [dict(color=PALETTE["blue"]), dict(color=PALETTE["orange"], linestyle="--"),
              dict(color=PALETTE["green"], linestyle=":")]
    for (label, p), style in zip(probs.items(), styles):
        precision, recall, _ = precision_recall_curve(y_true, _as_scores(p))
        ap = average_precision_score(y_true, _as_scores(p))
        ax.plot(recall, precision, drawstyle="steps-post", linewidth=2,
                label=f"{label} (average precision {ap:.3f})", **style)
    markers = ["o", "s", "^", "D", "v"]
    colours = [PALETTE["vermillion"], PALETTE["purple"], PALETTE["black"], PALETTE["sky"], PALETTE["green"]]
    for k, (label, key, threshold) in enumerate(points):
        called = _as_scores(probs[key]) >= threshold
        tp = int(np.sum(called & (y_true == 1)))
        precision = tp / max(int(called.sum()), 1)
        recall = tp / max(int(y_true.sum()), 1)
        ax.scatter([recall], [precision], s=70, zorder=4, marker=markers[k % 5], color=colours[k % 5],
                   edgecolors="white", label=f"{label}: recall {recall:.2f}, precision {precision:.2f}")
    ax.axhline(y_true.mean(), color=PALETTE["black"], linewidth=1, linestyle="-.",
               label=f"share of A ({y_true.mean():.3f}): a random ranking")
    ax.set_xlim(0.0, 1.02)
    ax.set_ylim(0.0, 1.05)
    ax.set_xlabel("recall of A (share of the A wines found)")
    ax.set_ylabel("precision (share of A among wines called A)")
    ax.set_title(title)
    ax.legend(loc="lower left", fontsize=8, framealpha=0.9)
    return ax


def imbalance_calibration(probs: dict, Y, n_bins: int = 5, ax=None,
                          title: str = "Calibration on the held-out wines"):
    """Reliability diagram: mean predicted probability of A against the observed share of A, per bin.

    The bins are quantiles of each model's predictions (equal numbers of wines); a calibrated model
    lies on the diagonal.
    """
    from sklearn.calibration import calibration_curve

    if ax is None:
        _, ax = figure()
    y_true = np.asarray(Y).ravel().astype(int)
    ax.plot([0, 1], [0, 1], color=PALETTE["black"], linewidth=1, linestyle=":", label="calibrated")
    styles = [dict(color=PALETTE["blue"], marker="o"), dict(color=PALETTE["orange"], marker="s", linestyle="--"),
              dict(color=PALETTE["green"], marker="^", linestyle=":")]
    for (label, p), style in zip(probs.items(), styles):
        observed, predicted = calibration_curve(y_true, _as_scores(p), n_bins=n_bins, strategy="quantile")
        ax.plot(predicted, observed, linewidth=2, label=label, **style)
    ax.set_xlim(0.0, 1.0)
    ax.set_ylim(0.0, 1.0)
    ax.set_xlabel(f"mean predicted probability of A ({n_bins} bins of equal size)")
    ax.set_ylabel("observed share of A in the bin")
    ax.set_title(title)
    ax.legend(loc="upper left", framealpha=0.9)
    return ax
