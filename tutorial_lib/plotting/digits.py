"""Figures of notebook 06 (a softmax MLP on the 8x8 digits).

* :func:`digit_gallery` draws columns of ``X`` as 8x8 grey images with a title each;
* :func:`training_curves` draws a training history: the loss on the left, the
  training and held-out accuracy on the right;
* :class:`TrainingMonitor` is a ``callback`` for :meth:`tutorial_lib.MLP.fit` that
  keeps a progress line and those two panels up to date while the network
  trains.  It updates its outputs in place (IPython ``display_id``), so a saved
  notebook holds only the final state, and it writes nothing to stderr.
"""

from __future__ import annotations

import numpy as np
from matplotlib.ticker import MaxNLocator

from .core import PALETTE, figure

__all__ = ["digit_gallery", "training_curves", "TrainingMonitor"]

#: Side of the square digit images.
_SIDE = 8


def _pixels(X) -> np.ndarray:
    """``(64, m)`` pixel columns from ``X`` of shape ``(65, m)`` (bias row first) or ``(64, m)``."""
    X = np.asarray(X, dtype=float)
    if X.ndim == 1:
        X = X[:, None]
    if X.shape[0] == _SIDE * _SIDE + 1:
        X = X[1:]
    if X.shape[0] != _SIDE * _SIDE:
        raise ValueError(f"digit_gallery needs 64 pixel rows (or 65 with the bias row first); got shape {X.shape}.")
    return X


def digit_gallery(X, titles=None, ncols: int = 8, title: str | None = None, cmap: str = "gray_r",
                  panel: float = 1.25, fontsize: float = 9.0):
    """Show the columns of ``X`` as 8x8 images in a grid and return the figure.

    The images are tiled into one picture (a single ``imshow``), which draws
    much faster than one subplot per image.

    Parameters
    ----------
    X : array_like, shape (65, m) or (64, m)
        One image per column, pixels in [0, 1]; a leading bias row of ones is dropped.
    titles : list of str, optional
        One short title per image (e.g. ``"true 3, said 8"``); may contain one line break.
    ncols : int
        Images per row.
    title : str, optional
        The figure's title.
    cmap : str
        A grey colour map; ``"gray_r"`` draws ink dark on white paper.
    panel : float
        Width of one image (with its margin) in inches.
    fontsize : float
        Size of the image titles in points.
    """
    import matplotlib

    pixels = _pixels(X)
    m = pixels.shape[1]
    if m == 0:
        raise ValueError("digit_gallery needs at least one image.")
    if titles is not None and len(titles) != m:
        raise ValueError(f"digit_gallery got {m} images but {len(titles)} titles.")
    ncols = max(1, min(ncols, m))
    nrows = int(np.ceil(m / ncols))
    lines = max((str(t).count("\n") + 1 for t in titles), default=0) if titles is not None else 0
    gap_x = 2.0                                     # pixels between images
    px_inch = panel / (_SIDE + gap_x)               # inches per image pixel
    gap_y = gap_x + lines * fontsize * 1.25 / 72.0 / px_inch   # room for the titles, in pixels
    cell_w, cell_h = _SIDE + gap_x, _SIDE + gap_y
    canvas = np.full((int(np.ceil(nrows * cell_h + gap_x / 2)), int(np.ceil(ncols * cell_w))), np.nan)
    corners = []
    for k in range(m):
        r, c = divmod(k, ncols)
        top, left = int(round(r * cell_h + gap_y)), int(round(c * cell_w + gap_x / 2))
        canvas[top:top + _SIDE, left:left + _SIDE] = pixels[:, k].reshape(_SIDE, _SIDE)
        corners.append((top, left))
    height_in = canvas.shape[0] * px_inch + (0.45 if title else 0.1)
    fig, ax = figure(width=canvas.shape[1] * px_inch, height=height_in)
    colormap = matplotlib.colormaps[cmap].with_extremes(bad="white")
    ax.imshow(canvas, cmap=colormap, vmin=0.0, vmax=1.0, interpolation="nearest")
    for k, (top, left) in enumerate(corners):
        # A thin frame shows where each 8x8 image ends (a blank 0 pixel is white like the page).
        ax.add_patch(matplotlib.patches.Rectangle((left - 0.5, top - 0.5), _SIDE, _SIDE, fill=False,
                                                  edgecolor=PALETTE["sky"], linewidth=0.6, clip_on=False))
        if titles is not None:
            ax.text(left + _SIDE / 2 - 0.5, top - 0.9, str(titles[k]), ha="center", va="bottom",
                    fontsize=fontsize, linespacing=1.1)
    ax.set_axis_off()
    if title:
        ax.set_title(title, fontsize=12)
    return fig


def training_curves(history: dict, axes=None, target: float | None = 0.95, epochs: int | None = None):
    """Draw a training history on two panels: loss (left), accuracy (right).

    Parameters
    ----------
    history : dict
        ``"epoch"``, ``"loss"``, ``"train_acc"`` and ``"test_acc"``, one entry per epoch.
    axes : pair of Axes, optional
        Where to draw; a new two-panel figure otherwise.
    target : float, optional
        A dashed horizontal line on the accuracy panel (the held-out goal).
    epochs : int, optional
        Fix the x-range to ``1..epochs`` (so a live plot does not rescale).

    Returns
    -------
    pair of Axes
    """
    if axes is None:
        _, axes = figure(ncols=2)
    ax_loss, ax_acc = axes
    ax_loss.clear()
    ax_acc.clear()
    epoch = np.asarray(history["epoch"], dtype=float)
    ax_loss.plot(epoch, history["loss"], color=PALETTE["blue"], marker="o", markersize=3,
                 label="training loss (with L2 term)")
    ax_loss.set_xlabel("epoch")
    ax_loss.set_ylabel("loss E (nats per image)")
    ax_loss.set_title("Cross-entropy + L2 penalty")
    ax_loss.axhline(np.log(10.0), color=PALETTE["black"], linewidth=1, linestyle=":",
                    label="ln 10: every digit given p = 1/10")
    ax_loss.set_ylim(0.0, _loss_top(history["loss"]))
    ax_loss.legend(loc="center right")

    ax_acc.plot(epoch, history["train_acc"], color=PALETTE["orange"], marker="o", markersize=3,
                label="training images")
    ax_acc.plot(epoch, history["test_acc"], color=PALETTE["green"], marker="s", markersize=3,
                linestyle="--", label="held-out images")
    if target is not None:
        ax_acc.axhline(target, color=PALETTE["black"], linewidth=1, linestyle=":", label=f"goal {target:.2f}")
    ax_acc.set_xlabel("epoch")
    ax_acc.set_ylabel("accuracy (fraction correct)")
    ax_acc.set_title("Accuracy after each epoch")
    ax_acc.set_ylim(0.0, 1.02)
    ax_acc.legend(loc="lower right")
    for ax in axes:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        if epochs is not None:
            ax.set_xlim(0.5, epochs + 0.5)
    return axes


def _loss_top(loss) -> float:
    """Upper y-limit of the loss panel: room for ln 10 (the loss of uniform guessing) and more."""
    return max(2.5, 1.05 * max(loss, default=0.0))


def _update_curves(axes, history: dict) -> None:
    """Give the lines that :func:`training_curves` drew the new history (cheaper than redrawing)."""
    ax_loss, ax_acc = axes
    epoch = np.asarray(history["epoch"], dtype=float)
    ax_loss.lines[0].set_data(epoch, history["loss"])
    ax_acc.lines[0].set_data(epoch, history["train_acc"])
    ax_acc.lines[1].set_data(epoch, history["test_acc"])
    ax_loss.set_ylim(0.0, _loss_top(history["loss"]))


class _PrintedLine:
    """Stands in for a display handle outside IPython (scripts, tests): updates are dropped
    and :meth:`TrainingMonitor._redraw` prints the progress line instead."""

    def update(self, obj) -> None:
        pass


class TrainingMonitor:
    """A live progress line and loss/accuracy plot for ``MLP.fit(..., callback=monitor)``.

    After every epoch the monitor measures the accuracy on the training and the
    held-out images (on a copy of the network, so the fit's own forward state
    is untouched), rewrites one progress line, and redraws the two panels of
    :func:`training_curves` every ``redraw_every`` epochs and after the last.
    Both outputs are updated in place through IPython display ids: in
    JupyterLab they change while the cell runs, and the saved notebook keeps
    only their final state.

    Parameters
    ----------
    epochs : int
        The number of epochs the fit will run (for the progress bar and x-axis).
    X_train, labels_train : ndarray, shapes (65, n) and (n,)
        Pass the very array given to ``fit``: the monitor then reads the training
        accuracy off the forward pass that ``fit`` makes to measure the loss.
    X_test, labels_test : ndarray, shapes (65, m) and (m,)
    redraw_every : int
        Redraw the figure every this many epochs and after the last (a redraw costs
        several epochs of training).
    target : float
        The held-out accuracy goal drawn on the accuracy panel.

    Attributes
    ----------
    history : dict of lists
        ``epoch``, ``loss``, ``train_acc``, ``test_acc``.
    """

    def __init__(self, epochs: int, X_train, labels_train, X_test, labels_test, redraw_every: int = 5,
                 target: float = 0.95):
        self.epochs = int(epochs)
        self.X_train, self.labels_train = X_train, np.asarray(labels_train)
        self.X_test, self.labels_test = X_test, np.asarray(labels_test)
        self.redraw_every = max(1, int(redraw_every))
        self.target = target
        self.history = {"epoch": [], "loss": [], "train_acc": [], "test_acc": []}
        self._line = None
        self._plot = None
        self._fig = None
        self._axes = None
        self._drawn = False

    # -------------------------------------------------------------- outputs
    def _start(self) -> None:
        from IPython import get_ipython
        from IPython.display import Pretty, display
        from matplotlib.figure import Figure

        if get_ipython() is None:  # a script or a test: print the progress at each redraw, no figure
            self._line = self._plot = _PrintedLine()
            return
        # A Figure outside pyplot: the inline backend does not show it by itself at the end of
        # the cell, so the display handle below is its only output.  Fixed margins instead of a
        # constrained layout, and one savefig per redraw, keep a redraw cheap.
        self._fig = Figure(figsize=(10.0, 3.8))
        self._axes = self._fig.subplots(1, 2)
        self._fig.subplots_adjust(left=0.07, right=0.985, bottom=0.14, top=0.9, wspace=0.22)
        self._line = display(Pretty(self._progress_text()), display_id=True)
        self._plot = display(Pretty("(the plot appears after the first epochs)"), display_id=True)

    def _progress_text(self) -> str:
        done = len(self.history["epoch"])
        width = 30
        filled = int(round(width * done / max(self.epochs, 1)))
        bar = "#" * filled + "." * (width - filled)
        text = f"epoch {done:>3}/{self.epochs} [{bar}]"
        if done:
            text += (f"  loss {self.history['loss'][-1]:.4f}  |  training accuracy "
                     f"{self.history['train_acc'][-1]:.3f}  |  held-out accuracy {self.history['test_acc'][-1]:.3f}")
        return text

    def _redraw(self) -> None:
        if isinstance(self._plot, _PrintedLine):
            print(self._progress_text())
            return
        import io

        from IPython.display import Image

        if self._drawn:
            _update_curves(self._axes, self.history)
        else:
            training_curves(self.history, axes=self._axes, target=self.target, epochs=self.epochs)
            self._drawn = True
        buffer = io.BytesIO()
        self._fig.savefig(buffer, format="png")
        self._plot.update(Image(data=buffer.getvalue(), format="png"))

    # -------------------------------------------------------------- the callback
    def __call__(self, epoch: int, net, loss: float) -> None:
        from IPython.display import Pretty

        if self._line is None:
            self._start()
        if getattr(net, "_X", None) is self.X_train and net.a:
            # fit() has just run the whole training set forward to measure the epoch's loss:
            # its output gives the training accuracy without a second forward pass.
            out = net.a[-1]
            train_pred = out.argmax(axis=0) if out.shape[0] > 1 else (out[0] >= 0.5).astype(int)
        else:
            train_pred = net.copy().predict(self.X_train)
        test_pred = net.copy().predict(self.X_test)  # on a copy: the fit's own state stays untouched
        self.history["epoch"].append(int(epoch))
        self.history["loss"].append(float(loss))
        self.history["train_acc"].append(float(np.mean(train_pred == self.labels_train)))
        self.history["test_acc"].append(float(np.mean(test_pred == self.labels_test)))
        self._line.update(Pretty(self._progress_text()))
        if epoch % self.redraw_every == 0 or epoch >= self.epochs:
            self._redraw()
