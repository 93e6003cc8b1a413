"""Tables and figures of notebook 08 (auditing a worked answer).

* :func:`comparison_table` lays out a document's numbers next to recomputed
  ones, with the difference and a verdict that allows for the document's own
  rounding; it shows as an HTML table in Jupyter and as aligned text elsewhere;
* :func:`transposed_activations` draws the hidden-activation matrix a forward
  pass should use next to the one a worked answer used, numbers written in;
* :func:`prediction_comparison` plots two sets of predictions per sample.
"""

from __future__ import annotations

import html

import numpy as np

from .core import PALETTE, figure

__all__ = ["comparison_table", "ComparisonTable", "transposed_activations", "prediction_comparison"]


class ComparisonTable:
    """Rows ``(quantity, document value, recomputed value, decimals the document printed[, note])``.

    A document value *agrees* when it equals the recomputed value rounded to
    the decimals the document printed (within half a unit of its last digit);
    ``None`` as a document value means the document gives no number there.
    The optional note (e.g. the cause of a wrong value) goes in a last column.
    """

    def __init__(self, rows, digits: int = 5, title: str | None = None, source: str = "sheet"):
        self.rows = [tuple(r) + ("",) * (5 - len(r)) for r in rows]
        self.digits = int(digits)
        self.title = title
        self.source = source

    def _cells(self):
        out = []
        for quantity, doc, new, decimals, note in self.rows:
            new_txt = f"{new:.{self.digits}f}"
            if doc is None:
                out.append((quantity, "-", new_txt, "", "not given", note))
                continue
            diff = new - doc
            if abs(diff) < 0.5 * 10.0 ** (-self.digits):
                diff = 0.0   # no "-0.00000"
            tolerance = 0.5 * 10.0 ** (-decimals) * (1 + 1e-9) + 1e-12
            verdict = "agrees" if abs(diff) <= tolerance else "WRONG"
            out.append((quantity, f"{doc:.{decimals}f}", new_txt, f"{diff:+.{self.digits}f}", verdict, note))
        return out

    @property
    def n_wrong(self) -> int:
        """How many document values disagree with the recomputation."""
        return sum(1 for row in self._cells() if row[4] == "WRONG")

    def __str__(self):
        header = ("quantity", self.source, "recomputed", "difference", "verdict", "note")
        cells = [header] + self._cells()
        widths = [max(len(row[i]) for row in cells) for i in range(6)]
        lines = [self.title] if self.title else []
        for j, row in enumerate(cells):
            parts = ([row[0].ljust(widths[0])] + [row[i].rjust(widths[i]) for i in (1, 2, 3)]
                     + [row[4].ljust(widths[4]), row[5]])
            lines.append("  ".join(parts).rstrip())
            if j == 0:
                lines.append("  ".join("-" * w for w in widths))
        return "\n".join(lines)

    def __repr__(self):
        return str(self)

    def _repr_html_(self):
        align = ["left", "right", "right", "right", "left", "left"]
        head = "".join(f"<th style='text-align:{align[i]};padding:2px 10px'>{html.escape(h)}</th>"
                       for i, h in enumerate(("quantity", self.source, "recomputed", "difference", "verdict",
                                              "note")))
        body = []
        for quantity, doc, new, diff, verdict, note in self._cells():
            colour = PALETTE["vermillion"] if verdict == "WRONG" else "inherit"
            weight = "bold" if verdict == "WRONG" else "normal"
            body.append(
                "<tr>"
                f"<td style='padding:2px 10px;text-align:left'>{html.escape(quantity)}</td>"
                f"<td style='padding:2px 10px;text-align:right;font-family:monospace'>{doc}</td>"
                f"<td style='padding:2px 10px;text-align:right;font-family:monospace'>{new}</td>"
                f"<td style='padding:2px 10px;text-align:right;font-family:monospace'>{diff}</td>"
                f"<td style='padding:2px 10px;text-align:left;color:{colour};font-weight:{weight}'>{verdict}</td>"
                f"<td style='padding:2px 10px;text-align:left'>{html.escape(note)}</td>"
                "</tr>")
        caption = f"<caption style='caption-side:top;text-align:left'>{html.escape(self.title)}</caption>" \
            if self.title else ""
        return f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def comparison_table(rows, digits: int = 5, title: str | None = None, source: str = "sheet") -> ComparisonTable:
    """A :class:`ComparisonTable`; end a cell with it to display it."""
    return ComparisonTable(rows, digits=digits, title=title, source=source)


def _annotated_matrix(ax, M, row_labels, col_labels, title, cmap, vmin, vmax, digits):
    im = ax.imshow(M, cmap=cmap, vmin=vmin, vmax=vmax, aspect="equal")
    for (r, c), value in np.ndenumerate(M):
        shade = (value - vmin) / (vmax - vmin) if vmax > vmin else 0.5
        ax.text(c, r, f"{value:.{digits}f}", ha="center", va="center", fontsize=9,
                color="white" if shade < 0.55 else "black")
    ax.set_xticks(range(M.shape[1]), col_labels)
    ax.set_yticks(range(M.shape[0]), row_labels)
    ax.tick_params(length=0)
    ax.grid(False)
    ax.set_title(title)
    return im


def transposed_activations(correct_rows, used_rows, ax=None, digits: int = 5, cmap: str = "cividis",
                           used_row_labels=None, used_col_labels=None,
                           used_xlabel: str | None = None, used_title: str = "what the sheet used"):
    """Two annotated heat maps: the activations each sample should use, and those a worked answer used.

    Parameters
    ----------
    correct_rows : ndarray (n, k)
        Row i holds sample i's k hidden activations (what ``y_hat_i`` must use); its columns are
        labelled by hidden unit.
    used_rows : ndarray (n, k)
        Row i holds what the worked answer multiplied with the output weights for sample i.
    ax : pair of Axes, optional
    used_row_labels, used_col_labels : list of str, optional
        Labels of the second map's rows and columns, for when its layout differs from the first's
        (a worked answer that used a units x samples matrix has samples along its columns). By
        default the first map's labels.
    used_xlabel : str, optional
        The second map's x-axis label (by default the first map's).
    used_title : str
        The second map's title.
    """
    correct_rows = np.asarray(correct_rows, dtype=float)
    used_rows = np.asarray(used_rows, dtype=float)
    if ax is None:
        _, ax = figure(ncols=2)
    vmin = float(min(correct_rows.min(), used_rows.min()))
    vmax = float(max(correct_rows.max(), used_rows.max()))
    n, k = correct_rows.shape
    rows = [f"sample {i + 1}" for i in range(n)]
    cols = [f"unit {j + 1}" for j in range(k)]
    xlabel = "hidden unit (activation, dimensionless)"
    _annotated_matrix(ax[0], correct_rows, rows, cols, "what $\\hat y_i$ should use", cmap, vmin, vmax, digits)
    _annotated_matrix(ax[1], used_rows, list(used_row_labels or rows), list(used_col_labels or cols), used_title,
                      cmap, vmin, vmax, digits)
    ax[0].set_xlabel(xlabel)
    ax[1].set_xlabel(used_xlabel or xlabel)
    ax[0].set_ylabel("row multiplied with v")
    return ax


def prediction_comparison(recomputed, document, ax=None, labels=("recomputed", "sheet"),
                          ylabel: str = "prediction $\\hat y$ (units of y)", title: str | None = None):
    """Predictions per sample, two markers per sample, with the gap drawn between them."""
    recomputed = np.ravel(np.asarray(recomputed, dtype=float))
    document = np.ravel(np.asarray(document, dtype=float))
    if ax is None:
        _, ax = figure()
    x = np.arange(1, recomputed.size + 1)
    ax.vlines(x, np.minimum(recomputed, document), np.maximum(recomputed, document), color=PALETTE["black"],
              linewidth=0.8, alpha=0.5)
    ax.plot(x, recomputed, "o", color=PALETTE["blue"], markersize=8, label=labels[0])
    ax.plot(x, document, "X", color=PALETTE["vermillion"], markersize=8, label=labels[1])
    ax.set_xticks(x, [f"sample {i}" for i in x])
    ax.set_xlim(0.5, recomputed.size + 0.5)
    pad = 0.15 * float(max(np.ptp(np.concatenate([recomputed, document])), 1e-12))
    ax.set_ylim(min(recomputed.min(), document.min()) - pad, max(recomputed.max(), document.max()) + pad)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend(framealpha=0.9)
    return ax
