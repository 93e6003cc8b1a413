"""``plotting.matrix_graph``: the matrix computational graph of an MLP with the shape on every edge.

Notebook 03 draws the 3-2-1 network with it; notebooks 06 (65-200-100-10 with hidden bias) and 09 call it
too, so the API is tested for any number of layers, with and without the hidden bias rows.
"""

import importlib
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch  # noqa: E402

from tutorial_lib import plotting  # noqa: E402

# The package's attribute ``matrix_graph`` is the function (it collects every module's __all__); the
# module itself is in sys.modules.
module = importlib.import_module("tutorial_lib.plotting.matrix_graph")


def texts(fig) -> list[str]:
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def arrows(fig) -> list:
    return [p for ax in fig.axes for p in ax.patches if isinstance(p, FancyArrowPatch)]


def draw(*args, **kwargs):
    """The figure, drawn on the Agg canvas with every warning an error."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = plotting.matrix_graph(*args, **kwargs)
        fig.canvas.draw()
    return fig


def test_exported_through_the_plotting_package():
    assert "matrix_graph" in plotting.__all__ and plotting.matrix_graph is module.matrix_graph
    assert module.__all__ == ["matrix_graph"]


def test_three_layer_sizes_3_2_1_every_shape_on_its_edge():
    fig = draw([3, 2, 1], ["relu", "sigmoid"])
    labels = texts(fig)
    for shape in ("(3, n)", "(3, 2)", "(2, n)", "(2, 1)", "(1, n)"):
        assert shape in labels, (shape, labels)
    # Forward: a0->f1, W1->f1, f1->a1, a1->f2, W2->f2, f2->a2, a2->E, Y->E (8); backward: E->da2, da2->d2,
    # d2->dW2, d2->da1, da1->d1, d1->dW1 (6). One shape label per edge.
    assert len(arrows(fig)) == 14
    shape_labels = [s for s in labels if s.startswith("(")]
    assert len(shape_labels) == 14
    assert "+1" not in " ".join(shape_labels)
    plt.close(fig)


def test_four_layer_network_with_hidden_bias_shows_the_plus_one():
    fig = draw([65, 200, 100, 10], ["sigmoid", "sigmoid", "softmax"], n=1797, hidden_bias=True)
    labels = texts(fig)
    for shape in ("(65, 1797)", "(65, 200)", "(200, 1797)", "(200+1, 1797)", "(200+1, 100)", "(100, 1797)",
                  "(100+1, 1797)", "(100+1, 10)", "(10, 1797)"):
        assert shape in labels, (shape, labels)
    # The first layer's bias row is already counted in X's 65 rows: no "+1" there.
    assert "(65+1, 200)" not in labels
    # Going back, dE/da[l] has the shape of a[l]: the bias row is dropped.
    colours = {}
    for t in fig.axes[0].texts:
        colours.setdefault(t.get_text(), set()).add(t.get_color())
    backward = plotting.PALETTE["vermillion"]
    assert backward in colours["(200, 1797)"] and backward in colours["(100+1, 10)"]
    assert len(arrows(fig)) == 6 * 3 + 2
    plt.close(fig)


def test_backward_arrows_are_a_second_row_in_another_okabe_ito_colour():
    fig = draw([3, 2, 1], ["relu", "sigmoid"])
    backward = [a for a in arrows(fig) if matplotlib.colors.to_hex(a.get_edgecolor()) ==
                plotting.PALETTE["vermillion"].lower()]
    forward = [a for a in arrows(fig) if matplotlib.colors.to_hex(a.get_edgecolor()) == "#000000"]
    assert len(backward) == 6 and len(forward) == 8
    boxes = [p for p in fig.axes[0].patches if isinstance(p, FancyBboxPatch)]
    rows = sorted({round(b.get_y() + b.get_height() / 2, 6) for b in boxes})
    assert len(rows) == 4   # weights and labels, forward, backward, weight gradients
    labels = texts(fig)
    assert r"$\delta^{[1]}$" in labels and r"$\delta^{[2]}$" in labels
    assert r"$\partial\mathcal{E}/\partial W^{[2]}$" in labels and r"$a^{[0]} = X$" in labels
    plt.close(fig)


@pytest.mark.parametrize("sizes, activations", [
    ([3, 1], ["sigmoid"]),
    ([5, 8, 8, 8, 8, 3], ["relu", "relu", "relu", "tanh", "softmax"]),
])
def test_any_number_of_layers_fits_the_notebook_width(sizes, activations):
    fig = draw(sizes, activations, hidden_bias=True)
    width, height = fig.get_size_inches()
    assert width <= 11.0 + 1e-9 and 2.0 < height < 7.0
    n_layers = len(sizes) - 1
    assert len(arrows(fig)) == 6 * n_layers + 2
    plt.close(fig)


def test_the_notebooks_three_two_one_figure_is_readable():
    fig = draw([3, 2, 1], ["relu", "sigmoid"], n=91, title="the 3-2-1 network")
    assert fig.axes[0].get_title() == "the 3-2-1 network"
    assert min(t.get_fontsize() for t in fig.axes[0].texts) >= 8.0
    assert fig.get_size_inches()[0] <= 11.0
    plt.close(fig)


def test_draws_into_a_given_axes_and_returns_its_figure():
    fig, ax = plt.subplots()
    assert plotting.matrix_graph([3, 2, 1], ["relu", "sigmoid"], ax=ax, title="") is fig
    assert ax.get_title() == "" and not ax.axison
    plt.close(fig)


@pytest.mark.parametrize("sizes, activations, n, error", [
    ([3], [], "n", ValueError),
    ([3, 0, 1], ["relu", "sigmoid"], "n", ValueError),
    ([3, 2.5, 1], ["relu", "sigmoid"], "n", ValueError),
    ([3, 2, 1], ["relu"], "n", ValueError),
    ([3, 2, 1], "relu", "n", TypeError),
    ([3, 2, 1], ["relu", "sigmoid"], 2.5, TypeError),
    ([3, 2, 1], ["relu", "sigmoid"], "", TypeError),
])
def test_bad_arguments_are_refused_with_a_message(sizes, activations, n, error):
    with pytest.raises(error, match="sizes|activations|n must"):
        plotting.matrix_graph(sizes, activations, n=n)
    plt.close("all")
