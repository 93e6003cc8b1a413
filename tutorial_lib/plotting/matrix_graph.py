"""The matrix computational graph of a multi-layer perceptron, in the workbook's notation.

One box per matrix of the forward pass, left to right: ``a[0] = X``, then for every
layer ``f[l] = W[l].T @ a[l-1]`` and ``a[l] = g[l](f[l])``, then the loss ``E``; the
weights ``W[l]`` and the labels ``Y`` feed in from above.  Below, in another colour,
the backward pass runs right to left: ``dE/da[l]`` and ``delta[l] = dE/df[l]`` for
every layer, and from each ``delta[l]`` the gradient ``dE/dW[l]``.  Every arrow is
labelled with the shape of the matrix it carries, ``(rows, columns)``, columns being
the ``n`` samples; with ``hidden_bias=True`` the row of ones stacked on a hidden
activation shows as ``+1`` in the shapes it enters.

The figure shows what depends on what and the shapes; it does not show the
backward formulas, so it can sit next to an exercise that asks for them.
Drawn with matplotlib only, like :mod:`tutorial_lib.plotting.graphs`.
"""

from __future__ import annotations

import numbers

import matplotlib.pyplot as plt
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
from matplotlib.textpath import TextPath

from .core import PALETTE

__all__ = ["matrix_graph"]

#: How each activation is written inside the boxes of ``a[l]``.
_ACTIVATION_TEXT = {
    "relu": "ReLU", "sigmoid": r"$\sigma$", "softmax": "softmax", "tanh": "tanh", "identity": "identity",
    "leaky_relu": "leaky ReLU",
}
#: Box faces and edges by role.
_STYLE = {
    "data": ("#dcecf7", PALETTE["blue"]),
    "weight": ("#fbecd0", PALETTE["orange"]),
    "forward": ("#f2f2f2", "#555555"),
    "loss": ("#d6f0e7", PALETTE["green"]),
    "grad": ("#fbe3d4", PALETTE["vermillion"]),
}
_FORWARD, _BACKWARD = PALETTE["black"], PALETTE["vermillion"]
#: Natural sizes (inches, points) before the whole drawing is scaled to fit :data:`_MAX_WIDTH`.
_NAME_PT, _DETAIL_PT, _SHAPE_PT = 10.5, 8.5, 8.5
_PAD, _BOX_H, _ROW_GAP = 0.14, 0.56, 0.62
#: The drawing's widest extent in inches; the figure adds 0.3 for its margins (11 inches in all).
_MAX_WIDTH = 10.7


def _width(text: str, points: float) -> float:
    """Width of ``text`` (mathtext allowed) at ``points``, in inches."""
    if not text:
        return 0.0
    return TextPath((0, 0), text, size=points).get_extents().width / 72.0


def _check(sizes, activations, n):
    sizes = list(sizes)
    if len(sizes) < 2 or not all(isinstance(s, numbers.Integral) and not isinstance(s, bool) and s >= 1
                                 for s in sizes):
        raise ValueError(f"sizes must list at least two whole numbers >= 1, [rows of X, n_1, ..., n_L]; "
                         f"got {sizes!r}.")
    if isinstance(activations, str):
        raise TypeError(f"activations must be a list with one name per layer, e.g. ['relu', 'sigmoid']; "
                        f"got the string {activations!r}.")
    activations = list(activations)
    if len(activations) != len(sizes) - 1:
        raise ValueError(f"activations must name one function per layer: {len(sizes) - 1} layers, "
                         f"{len(activations)} names.")
    if isinstance(n, bool) or not isinstance(n, (str, numbers.Integral)) or (isinstance(n, str) and not n):
        raise TypeError(f"n must be the number of samples or a symbol such as 'n'; got {n!r}.")
    return [int(s) for s in sizes], [str(a) for a in activations], str(n)


def matrix_graph(sizes, activations, n="n", hidden_bias: bool = False, title: str | None = None, ax=None):
    """Draw the matrix computational graph of an MLP with the shape on every edge.

    Parameters
    ----------
    sizes : list of int
        ``[rows of X (features + 1, bias row included), n_1, ..., n_L]``, as for
        :meth:`tutorial_lib.MLP.from_sizes`; e.g. ``[3, 2, 1]``.
    activations : list of str
        One name per layer, e.g. ``["relu", "sigmoid"]``.
    n : int or str, default "n"
        The number of samples (columns) to print in the shapes, or a symbol.
    hidden_bias : bool, default False
        A row of ones is stacked on every hidden activation before the next
        layer (as ``MLP(hidden_bias=True)``): the shapes it enters show ``+1``.
    title : str, optional
        A title; by default one naming the network.
    ax : matplotlib Axes, optional
        Where to draw; by default a new figure sized to the network (at most
        11 inches wide).

    Returns
    -------
    matplotlib.figure.Figure
        The figure holding the drawing.

    Examples
    --------
    >>> fig = matrix_graph([3, 2, 1], ["relu", "sigmoid"])            # doctest: +SKIP
    >>> fig = matrix_graph([65, 200, 100, 10], ["sigmoid", "sigmoid", "softmax"], n=1797,
    ...                    hidden_bias=True)                            # doctest: +SKIP
    """
    sizes, activations, n = _check(sizes, activations, n)
    L = len(sizes) - 1

    def rows_in(l: int) -> str:
        """Rows of what enters layer l (the bias row of a hidden activation as +1)."""
        return f"{sizes[l - 1]}+1" if hidden_bias and l >= 2 else str(sizes[l - 1])

    def w_shape(l: int) -> str:
        return f"({rows_in(l)}, {sizes[l]})"

    # ---------------------------------------------------------------- the boxes: (column, row) and text
    # Rows: 1 = weights and labels, 0 = forward pass, -1 = backward pass, -2 = weight gradients.
    nodes = {}

    def node(key, col, row, kind, name, detail=""):
        nodes[key] = dict(col=col, row=row, kind=kind, name=name, detail=detail)

    node("a0", 0, 0, "data", r"$a^{[0]} = X$", "inputs")
    for l in range(1, L + 1):
        cf, ca = 2 * l - 1, 2 * l
        inp = rf"[1;\,a^{{[{l - 1}]}}]" if hidden_bias and l >= 2 else rf"a^{{[{l - 1}]}}"
        node(f"W{l}", cf, 1, "weight", rf"$W^{{[{l}]}}$")
        node(f"f{l}", cf, 0, "forward", rf"$f^{{[{l}]}}$", rf"$W^{{[{l}]T}}{inp}$")
        g = _ACTIVATION_TEXT.get(activations[l - 1], activations[l - 1])
        name = rf"$a^{{[{l}]}} = \hat Y$" if l == L else rf"$a^{{[{l}]}}$"
        node(f"a{l}", ca, 0, "forward", name, rf"{g}$(f^{{[{l}]}})$")
        node(f"d{l}", cf, -1, "grad", rf"$\delta^{{[{l}]}}$", rf"$\partial\mathcal{{E}}/\partial f^{{[{l}]}}$")
        node(f"da{l}", ca, -1, "grad", rf"$\partial\mathcal{{E}}/\partial a^{{[{l}]}}$")
        node(f"dW{l}", cf, -2, "grad", rf"$\partial\mathcal{{E}}/\partial W^{{[{l}]}}$")
    node("E", 2 * L + 1, 0, "loss", r"$\mathcal{E}$", "loss")
    node("Y", 2 * L + 1, 1, "data", r"$Y$", "labels")

    # ---------------------------------------------------------------- the arrows and their shapes
    # (from, to, shape, colour, side): side places the label of a vertical or slanted arrow.
    edges = [("a0", "f1", f"({sizes[0]}, {n})", _FORWARD, None)]
    for l in range(1, L + 1):
        edges.append((f"W{l}", f"f{l}", w_shape(l), _FORWARD, "right"))
        edges.append((f"f{l}", f"a{l}", f"({sizes[l]}, {n})", _FORWARD, None))
        if l < L:
            edges.append((f"a{l}", f"f{l + 1}", f"({rows_in(l + 1)}, {n})", _FORWARD, None))
    edges.append((f"a{L}", "E", f"({sizes[L]}, {n})", _FORWARD, None))
    edges.append(("Y", "E", f"({sizes[L]}, {n})", _FORWARD, "left"))
    edges.append(("E", f"da{L}", f"({sizes[L]}, {n})", _BACKWARD, "right"))
    for l in range(L, 0, -1):
        edges.append((f"da{l}", f"d{l}", f"({sizes[l]}, {n})", _BACKWARD, None))
        edges.append((f"d{l}", f"dW{l}", w_shape(l), _BACKWARD, "right"))
        if l > 1:
            edges.append((f"d{l}", f"da{l - 1}", f"({sizes[l - 1]}, {n})", _BACKWARD, None))

    # ---------------------------------------------------------------- sizes: fit the notebook's width
    box_w = max(max(_width(v["name"], _NAME_PT), _width(v["detail"], _DETAIL_PT)) for v in nodes.values()) + _PAD
    gap = max(_width(s, _SHAPE_PT) for a, b, s, _, side in edges if side is None) + _PAD + 0.08
    n_cols = 2 * L + 2
    natural = n_cols * box_w + (n_cols - 1) * gap + 0.65
    scale = min(1.0, _MAX_WIDTH / natural)
    box_w, gap, box_h, row_gap = box_w * scale, gap * scale, _BOX_H * max(scale, 0.8), _ROW_GAP * max(scale, 0.8)
    name_pt, detail_pt, shape_pt = (p * scale for p in (_NAME_PT, _DETAIL_PT, _SHAPE_PT))
    dx, dy = box_w + gap, box_h + row_gap

    def centre(key):
        v = nodes[key]
        return v["col"] * dx, v["row"] * dy

    x_right = (n_cols - 1) * dx + box_w / 2 + 0.55 * scale
    x_left = -box_w / 2 - 0.1 * scale
    y_top, y_bottom = dy + box_h / 2 + 0.1, -2 * dy - box_h / 2 - 0.1
    made_figure = ax is None
    if made_figure:
        fig = plt.figure(figsize=(x_right - x_left + 0.3, y_top - y_bottom + (0.75 if title != "" else 0.35)),
                         layout="constrained")
        ax = fig.add_subplot()
    fig = ax.figure

    # ---------------------------------------------------------------- draw: arrows below boxes, labels on top
    half_w, half_h = box_w / 2, box_h / 2
    for a, b, shape, colour, side in edges:
        (xa, ya), (xb, yb) = centre(a), centre(b)
        if ya == yb:  # horizontal, left to right (forward) or right to left (backward)
            step = half_w if xb > xa else -half_w
            start, end = (xa + step, ya), (xb - step, yb)
            label_xy, align = ((start[0] + end[0]) / 2, ya + 0.05 * scale), dict(ha="center", va="bottom")
        elif xa == xb:  # vertical
            step = half_h if yb > ya else -half_h
            start, end = (xa, ya + step), (xb, yb - step)
            offset = 0.07 if side == "right" else -0.07
            label_xy = (xa + offset, (start[1] + end[1]) / 2)
            align = dict(ha="left" if side == "right" else "right", va="center")
        else:  # slanted: from the loss down to dE/da[L]
            start, end = (xa - half_w * 0.4, ya - half_h), (xb + half_w * 0.6, yb + half_h)
            label_xy = ((start[0] + end[0]) / 2 + 0.08, (start[1] + end[1]) / 2)
            align = dict(ha="left", va="center")
        ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=11, color=colour,
                                     linewidth=1.3, shrinkA=1, shrinkB=1, zorder=1))
        ax.text(*label_xy, shape, fontsize=shape_pt, color=colour, zorder=4, **align,
                bbox=dict(boxstyle="round,pad=0.1", facecolor="white", edgecolor="none", alpha=0.85))

    for key, v in nodes.items():
        x, y = centre(key)
        face, edge = _STYLE[v["kind"]]
        ax.add_patch(FancyBboxPatch((x - half_w, y - half_h), box_w, box_h, boxstyle="round,pad=0,rounding_size=0.06",
                                    facecolor=face, edgecolor=edge, linewidth=1.3, zorder=2))
        if v["detail"]:
            ax.text(x, y + box_h * 0.17, v["name"], ha="center", va="center", fontsize=name_pt, zorder=3)
            ax.text(x, y - box_h * 0.22, v["detail"], ha="center", va="center", fontsize=detail_pt,
                    color="#333333", zorder=3)
        else:
            ax.text(x, y, v["name"], ha="center", va="center", fontsize=name_pt, zorder=3)

    # Row captions in the two corners that hold no box.
    ax.text(x_left + 0.02, dy, "forward pass\n(left to right)", ha="left", va="center", fontsize=detail_pt,
            color=_FORWARD)
    ax.text(x_left + 0.02, -dy, "backward pass\n(right to left)", ha="left", va="center",
            fontsize=detail_pt, color=_BACKWARD)

    ax.set_xlim(x_left, x_right)
    ax.set_ylim(y_bottom, y_top)
    ax.set_aspect("equal")
    ax.axis("off")
    if title is None:
        title = (f"{'-'.join(map(str, sizes))} network: shapes (rows, columns) on every edge; "
                 f"backward pass in vermillion")
    if title:
        ax.set_title(title, fontsize=11 * max(scale, 0.8))
    return fig
