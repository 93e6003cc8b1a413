"""Drawing a computation graph of :mod:`tutorial_lib.engine` with matplotlib only (no graphviz).

Nodes are placed in layers: inputs on the left, the output on the right, every
node one column to the right of its right-most input.  Within a column the
nodes are ordered by the mean height of their neighbours (a few
"barycentre" sweeps), which keeps edges short and crossings rare.  Each node
is a box showing its name, its value from the forward pass and its gradient
``dJ/d(node)`` from the backward pass.
"""

from __future__ import annotations

from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
from matplotlib.path import Path

from .core import PALETTE, figure

__all__ = ["graph_layout", "draw_graph"]

_COL_W, _ROW_H = 2.05, 1.0       # spacing of columns and rows, in data units (= inches at full size)
_BOX_W, _BOX_H = 1.55, 0.80      # node box size, same units
_DUMMY_SLOT = 0.35               # height of the slot an edge takes when it passes through a column

_SYMBOL = {"add": "+", "mul": "·", "sub": "−", "div": "/"}


def _children(order) -> dict:
    kids = {id(n): [] for n in order}
    for n in order:
        for p in n.parents:
            if n not in kids[id(p)]:
                kids[id(p)].append(n)
    return kids


def graph_layout(root, sweeps: int = 4):
    """Where to draw every node of ``root``'s graph, and how to route edges that skip columns.

    Parameters
    ----------
    root : engine.Value
        The output node; the graph is everything it depends on.
    sweeps : int, default 4
        Barycentre sweeps (left to right, then right to left) that order the
        nodes within each column.

    Returns
    -------
    positions : dict
        ``id(node) -> (column, height)``: column 0 holds the left-most inputs,
        heights are centred on 0, one unit apart (less next to an edge's slot).
    routes : dict
        ``(id(parent), id(child)) -> [(column, height), ...]``: the free slots
        that an edge spanning several columns passes through (empty for an
        edge between neighbouring columns), so it never runs behind a box.
    """
    order = root.topological_order()
    index = {id(n): i for i, n in enumerate(order)}
    kids = _children(order)
    layer = {}
    for n in order:
        layer[id(n)] = 1 + max(layer[id(p)] for p in n.parents) if n.parents else 0
    # Pull every leaf next to its first consumer, so constants do not float far left.
    for n in order:
        if not n.parents and kids[id(n)]:
            layer[id(n)] = min(layer[id(c)] for c in kids[id(n)]) - 1

    # The layered graph: real nodes plus one dummy vertex per column that a long edge crosses.
    col_of = {id(n): layer[id(n)] for n in order}
    rank = {id(n): (index[id(n)], 0) for n in order}
    up = {id(n): [] for n in order}
    down = {id(n): [] for n in order}
    chains = {}
    for child in order:
        for parent in _unique(child.parents):
            prev = id(parent)
            chain = []
            for c in range(layer[id(parent)] + 1, layer[id(child)]):
                key = ("dummy", id(parent), id(child), c)
                col_of[key] = c
                rank[key] = (index[id(child)], c)
                up[key], down[key] = [], []
                chain.append(key)
                down[prev].append(key)
                up[key].append(prev)
                prev = key
            down[prev].append(id(child))
            up[id(child)].append(prev)
            chains[(id(parent), id(child))] = chain

    n_layers = max(col_of.values()) + 1
    columns = [sorted((k for k in col_of if col_of[k] == c), key=lambda k: rank[k]) for c in range(n_layers)]

    def size(k):
        return _DUMMY_SLOT if isinstance(k, tuple) else 1.0

    def place(col):
        # Stack the column from the top, a real node taking a unit slot and a dummy a thin one, centred on 0.
        tops, y = [], 0.0
        for i, k in enumerate(col):
            if i:
                y -= (size(col[i - 1]) + size(k)) / 2
            tops.append(y)
        shift = -(tops[0] + tops[-1]) / 2
        return {k: t + shift for k, t in zip(col, tops)}

    height = {}
    for col in columns:
        height.update(place(col))
    for _ in range(sweeps):
        for direction in (1, -1):
            rng = range(1, n_layers) if direction == 1 else range(n_layers - 2, -1, -1)
            for c in rng:
                def key(k):
                    nbrs = up[k] if direction == 1 else down[k]
                    hs = [height[m] for m in nbrs]
                    centre = sum(hs) / len(hs) if hs else height[k]
                    return (-centre, rank[k])

                columns[c] = sorted(columns[c], key=key)
                height.update(place(columns[c]))
    positions = {id(n): (layer[id(n)], height[id(n)]) for n in order}
    routes = {edge: [(col_of[k], height[k]) for k in chain] for edge, chain in chains.items()}
    return positions, routes


def _unique(nodes) -> list:
    out = []
    for n in nodes:
        if all(n is not m for m in out):
            out.append(n)
    return out


_SUPERSCRIPT = str.maketrans("0123456789-.", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻˙")


def _name(node) -> str:
    if node.label:
        return node.label
    return node.op or f"{node.data:g}"


def _expression(node) -> str:
    names = [_name(p) for p in node.parents]
    if node.op in _SYMBOL:
        return f"{names[0]} {_SYMBOL[node.op]} {names[1]}"
    if node.op == "neg":
        return f"−{names[0]}"
    if len(names) == 2:  # a gate with two inputs, such as max(a, b)
        return f"{node.op}({names[0]}, {names[1]})"
    if node.op == "pow":
        k = node.exponent
        if k.is_integer() and abs(k) < 10:
            return f"{names[0]}{f'{k:g}'.translate(_SUPERSCRIPT)}"
        return f"{names[0]}^{k:g}"
    return f"{node.op}({names[0]})"


def _header(node) -> str:
    if not node.parents:
        return node.label or f"{node.data:g}"
    if node.label:
        return f"{node.label} = {_expression(node)}"
    return _expression(node)


def _is_constant(node) -> bool:
    """A leaf that the engine made from a Python number (its label is the number itself)."""
    try:
        return float(node.label) == node.data
    except ValueError:
        return False


def draw_graph(root, ax=None, title: str | None = None, show_grad: bool = True, digits: int = 4):
    """Draw ``root``'s computation graph with the value (and gradient) of every node.

    Each box shows the node's name and operation, ``value`` (the forward
    pass) and ``grad`` (``d root / d node`` from the backward pass, in
    vermillion).  Inputs are blue, constants grey, operations orange and the
    output green.

    Parameters
    ----------
    root : engine.Value
        The output node.  Call ``root.backward()`` first to show gradients.
    ax : matplotlib Axes, optional
        Where to draw; by default a new figure sized to the graph (at most
        11 inches wide).
    title : str, optional
    show_grad : bool, default True
        Show ``grad`` under each value.
    digits : int, default 4
        Decimals of the numbers in the boxes.

    Returns
    -------
    matplotlib Axes
    """
    positions, routes = graph_layout(root)
    order = root.topological_order()
    n_cols = 1 + max(c for c, _ in positions.values())
    # Vertical extent: boxes reach _BOX_H / 2 above and below their centre, routed edges are thin lines.
    spans = [(h * _ROW_H - _BOX_H / 2, h * _ROW_H + _BOX_H / 2) for _, h in positions.values()]
    spans += [(h * _ROW_H - 0.1, h * _ROW_H + 0.1) for r in routes.values() for _, h in r]
    y_low = min(lo for lo, _ in spans) - 0.1
    y_high = max(hi for _, hi in spans) + 0.1
    if ax is None:
        _, ax = figure(width=min(_COL_W * n_cols + 0.3, 11.0), height=y_high - y_low + 0.7)

    def point(col, h):
        return col * _COL_W, h * _ROW_H

    xy = {k: point(*v) for k, v in positions.items()}
    half = _BOX_W / 2
    # Edges first, so the boxes sit on top of them.
    for node in order:
        x1, y1 = xy[id(node)]
        parents = list(node.parents)
        for j, parent in enumerate(parents):
            x0, y0 = xy[id(parent)]
            style = dict(arrowstyle="-|>", mutation_scale=12, color=PALETTE["black"], linewidth=1.0,
                         alpha=0.7, shrinkA=0, shrinkB=1, zorder=1)
            via = routes[(id(parent), id(node))]
            if via:
                if parents.index(parent) != j:
                    continue
                verts = [(x0 + half, y0)]
                for col, h in via:
                    xd, yd = point(col, h)
                    verts += [(xd - half, yd), (xd + half, yd)]
                verts.append((x1 - half, y1))
                path = Path(verts, [Path.MOVETO] + [Path.LINETO] * (len(verts) - 1))
                ax.add_patch(FancyArrowPatch(path=path, **style))
                continue
            repeated = sum(p is parent for p in parents) > 1
            rad = (0.25 if j == 0 else -0.25) if repeated else 0.0
            ax.add_patch(FancyArrowPatch((x0 + half, y0), (x1 - half, y1),
                                         connectionstyle=f"arc3,rad={rad}", **style))

    for node in order:
        x, y = xy[id(node)]
        if node is root:
            face, edge = "#d6f0e7", PALETTE["green"]
        elif node.parents:
            face, edge = "#fbecd0", PALETTE["orange"]
        elif _is_constant(node):
            face, edge = "#eeeeee", "#777777"
        else:
            face, edge = "#dcecf7", PALETTE["blue"]
        ax.add_patch(FancyBboxPatch((x - half, y - _BOX_H / 2), _BOX_W, _BOX_H,
                                    boxstyle="round,pad=0,rounding_size=0.08", facecolor=face,
                                    edgecolor=edge, linewidth=1.4, zorder=2))
        lines = [(_header(node), dict(fontweight="bold", color=PALETTE["black"])),
                 (f"value {node.data:.{digits}f}", dict(color=PALETTE["black"]))]
        if show_grad:
            lines.append((f"grad {node.grad:.{digits}f}", dict(color=PALETTE["vermillion"])))
        step = _BOX_H / (len(lines) + 0.6)
        first = y + step * (len(lines) - 1) / 2
        for i, (text, style) in enumerate(lines):
            ax.text(x, first - i * step, text, ha="center", va="center", fontsize=9, zorder=3, **style)

    xs = [p[0] for p in xy.values()]
    ax.set_xlim(min(xs) - half - 0.1, max(xs) + half + 0.1)
    ax.set_ylim(y_low, y_high)
    ax.set_aspect("equal")
    ax.axis("off")
    if title:
        ax.set_title(title)
    return ax
