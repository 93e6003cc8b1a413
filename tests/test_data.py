"""Data loaders: shapes, labels, the bias row, reproducibility."""

import numpy as np
import pytest

import tutorial_lib as tl


def test_wine_binary_layout():
    X, Y = tl.load_wine_binary()
    assert X.shape == (3, 130) and Y.shape == (1, 130)
    np.testing.assert_array_equal(X[0], 1.0)
    np.testing.assert_allclose(X[1:].mean(axis=1), 0.0, atol=1e-12)
    np.testing.assert_allclose(X[1:].std(axis=1), 1.0)
    assert set(np.unique(Y)) == {0.0, 1.0} and Y.sum() == 59  # variety A = cultivar class_0


def test_wine_binary_raw_units_are_colour_then_alcohol():
    from sklearn.datasets import load_wine

    X, Y = tl.load_wine_binary(standardize=False)
    data = load_wine()
    first_a = np.flatnonzero(data.target == 0)[0]
    assert X[1, 0] == data.data[first_a, data.feature_names.index("color_intensity")]
    assert X[2, 0] == data.data[first_a, data.feature_names.index("alcohol")]
    assert 11 < X[2].mean() < 15  # alcohol in % vol


def test_wine_imbalanced_counts_and_reproducibility():
    X, Y = tl.load_wine_imbalanced()
    assert X.shape == (3, 1100) and Y.shape == (1, 1100)
    assert Y.sum() == 100 and (Y == 0).sum() == 1000
    np.testing.assert_array_equal(X[0], 1.0)
    X2, _ = tl.load_wine_imbalanced()
    np.testing.assert_array_equal(X, X2)
    X3, _ = tl.load_wine_imbalanced(seed=1)
    assert not np.array_equal(X, X3)
    Xs, Ys = tl.load_wine_imbalanced(n_a=5, n_b=7, standardize=False)
    assert Xs.shape == (3, 12) and Ys.sum() == 5
    # The smoothed bootstrap keeps each variety where it was: class means near the real ones.
    Xr, Yr = tl.load_wine_binary(standardize=False)
    Xb, Yb = tl.load_wine_imbalanced(standardize=False)
    for label in (0.0, 1.0):
        real = Xr[1:, Yr[0] == label].mean(axis=1)
        boot = Xb[1:, Yb[0] == label].mean(axis=1)
        np.testing.assert_allclose(boot, real, rtol=0.05)
    with pytest.raises(ValueError, match=r"n_a must be a whole number >= 1; got 0"):
        tl.load_wine_imbalanced(n_a=0)


def test_digits_onehot():
    X, Y, labels = tl.load_digits_onehot(return_labels=True)
    assert X.shape == (65, 1797) and Y.shape == (10, 1797) and labels.shape == (1797,)
    np.testing.assert_array_equal(X[0], 1.0)
    assert X[1:].min() == 0.0 and X[1:].max() == 1.0
    np.testing.assert_array_equal(Y.sum(axis=0), 1.0)
    np.testing.assert_array_equal(Y.argmax(axis=0), labels)


def test_add_bias_row():
    np.testing.assert_array_equal(tl.add_bias_row([[2.0, 3.0]]), [[1.0, 1.0], [2.0, 3.0]])
    with pytest.raises(ValueError, match=r"shape \(features, n\).*got shape \(2,\)"):
        tl.add_bias_row([2.0, 3.0])
