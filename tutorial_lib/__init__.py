"""tutorial_lib: the numpy library behind the Backprop Workbook.

The tutorial's notation everywhere: columns are samples; ``X`` has shape
``(features + 1, n)`` with the bias row of ones first; layer ``l`` computes
``f[l] = W[l].T @ a[l-1]`` with ``W[l]`` of shape ``(fan_in, fan_out)``; every
gradient has the shape of what it differentiates.

Importing this package loads numpy only.  The submodules that need
matplotlib, scikit-learn or ipywidgets (``plotting``, ``widgets``, ``checks``,
``authoring``) load on first use: ``tutorial_lib.plotting`` or
``from tutorial_lib import plotting``.
"""

from __future__ import annotations

import importlib

from .activations import (
    identity, identity_grad, leaky_relu, leaky_relu_grad, relu, relu_grad, sigmoid, sigmoid_grad,
    softmax, softmax_jacobian, tanh, tanh_grad,
)
from .data import add_bias_row, load_digits_onehot, load_wine_binary, load_wine_imbalanced
from .gradcheck import check_gradients, numerical_gradient, numerical_jacobian, relative_error
from .losses import bce_grad, bce_loss, mse_grad, mse_loss, softmax_ce_grad, softmax_ce_loss
from .mlp import MLP

__version__ = "0.1.0"

__all__ = [
    "sigmoid", "sigmoid_grad", "relu", "relu_grad", "leaky_relu", "leaky_relu_grad", "tanh", "tanh_grad",
    "identity", "identity_grad", "softmax", "softmax_jacobian",
    "bce_loss", "bce_grad", "softmax_ce_loss", "softmax_ce_grad", "mse_loss", "mse_grad",
    "add_bias_row", "load_wine_binary", "load_wine_imbalanced", "load_digits_onehot",
    "MLP", "numerical_gradient", "numerical_jacobian", "relative_error", "check_gradients",
]

_LAZY_SUBMODULES = {"plotting", "widgets", "checks", "authoring", "engine", "cli", "layers", "grading", "bugs"}


def __getattr__(name):
    if name in _LAZY_SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'tutorial_lib' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | _LAZY_SUBMODULES)
