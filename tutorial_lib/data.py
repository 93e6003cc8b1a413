"""Data sets of the workbook, in the tutorial's layout (columns are samples).

All come from scikit-learn's bundled copies (no download):

* the wine recognition data: 178 Italian wines from three cultivars; the
  tutorial's two features are colour intensity and alcohol, and its two plant
  varieties are cultivar ``class_0`` (variety A, label 1, 59 wines) and
  ``class_1`` (variety B, label 0, 71 wines).  These two overlap in the two
  features, so logistic regression has a unique, finite optimum;
* the 8x8 handwritten digits: 1797 images, pixels 0..16.

scikit-learn is imported inside the functions, so ``import tutorial_lib``
stays fast.
"""

from __future__ import annotations

import numpy as np

from ._validation import as_matrix

__all__ = ["add_bias_row", "load_wine_binary", "load_wine_imbalanced", "load_digits_onehot"]

# Column indices in sklearn.datasets.load_wine().data.
_ALCOHOL, _COLOUR = 0, 9


def add_bias_row(X) -> np.ndarray:
    """Put the bias row of ones on top: ``(features, n)`` becomes ``(features + 1, n)``.

    Examples
    --------
    >>> add_bias_row([[2.0, 3.0]])
    array([[1., 1.],
           [2., 3.]])
    """
    X = as_matrix("X", X, what="(features, n)")
    return np.vstack([np.ones((1, X.shape[1])), X])


def _wine_two_cultivars():
    from sklearn.datasets import load_wine

    data = load_wine()
    keep = data.target <= 1
    features = data.data[keep][:, [_COLOUR, _ALCOHOL]].T  # (2, 130): colour intensity, alcohol
    labels = (data.target[keep] == 0).astype(np.float64)[None, :]  # variety A (class_0) -> 1
    return features, labels


def _standardize(features: np.ndarray) -> np.ndarray:
    mean = features.mean(axis=1, keepdims=True)
    std = features.std(axis=1, keepdims=True)
    return (features - mean) / std


def load_wine_binary(standardize: bool = True):
    """The tutorial's two-variety wine problem.

    Parameters
    ----------
    standardize : bool, default True
        Scale each feature to mean 0 and standard deviation 1 (over the 130
        wines), which lets plain gradient descent use one learning rate.

    Returns
    -------
    X : ndarray, shape (3, 130)
        Rows: ones (bias), colour intensity, alcohol (% vol; colour intensity
        is in the data set's absorbance units).
    Y : ndarray, shape (1, 130)
        1 for variety A (cultivar class_0, 59 wines), 0 for variety B
        (class_1, 71 wines).
    """
    features, labels = _wine_two_cultivars()
    if standardize:
        features = _standardize(features)
    return add_bias_row(features), labels


def load_wine_imbalanced(n_a: int = 100, n_b: int = 1000, seed=0, standardize: bool = True):
    """The tutorial's imbalanced set: ``n_a`` wines of variety A and ``n_b`` of B.

    The real data hold only 59 and 71 wines of the two varieties, so the set
    is made by a smoothed bootstrap: ``n_a`` wines are drawn with replacement
    from variety A and ``n_b`` from variety B, and each draw is moved by
    Gaussian noise with 10% of that variety's standard deviation per feature,
    so that repeated wines do not sit on top of each other.  The class
    distributions keep their shape; only the counts change.

    Parameters
    ----------
    n_a, n_b : int
        Samples of variety A (label 1) and B (label 0).
    seed : int
        Makes the draw reproducible.
    standardize : bool, default True
        Scale each feature to mean 0, standard deviation 1 over the new set.

    Returns
    -------
    X : ndarray, shape (3, n_a + n_b)
        Rows: ones, colour intensity, alcohol.  Variety A comes first.
    Y : ndarray, shape (1, n_a + n_b)
    """
    for name, value in (("n_a", n_a), ("n_b", n_b)):
        if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
            raise ValueError(f"{name} must be a whole number >= 1; got {value!r}.")
    features, labels = _wine_two_cultivars()
    rng = np.random.default_rng(seed)
    parts = []
    for label, count in ((1.0, n_a), (0.0, n_b)):
        pool = features[:, labels[0] == label]
        picks = pool[:, rng.integers(0, pool.shape[1], size=count)]
        jitter = rng.normal(0.0, 0.1, size=picks.shape) * pool.std(axis=1, keepdims=True)
        parts.append(picks + jitter)
    sampled = np.hstack(parts)
    if standardize:
        sampled = _standardize(sampled)
    Y = np.concatenate([np.ones(n_a), np.zeros(n_b)])[None, :]
    return add_bias_row(sampled), Y


def load_digits_onehot(return_labels: bool = False):
    """scikit-learn's 8x8 handwritten digits, columns as samples.

    Returns
    -------
    X : ndarray, shape (65, 1797)
        Bias row of ones, then the 64 pixels scaled from 0..16 to [0, 1].
    Y : ndarray, shape (10, 1797)
        One-hot targets: ``Y[k, i] = 1`` when image i shows digit k.
    labels : ndarray of int, shape (1797,)
        Only with ``return_labels=True``: the digits themselves.
    """
    from sklearn.datasets import load_digits

    digits = load_digits()
    X = add_bias_row(digits.data.T / 16.0)
    labels = digits.target.astype(int)
    Y = np.zeros((10, labels.size))
    Y[labels, np.arange(labels.size)] = 1.0
    if return_labels:
        return X, Y, labels
    return X, Y
