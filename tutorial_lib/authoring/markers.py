"""The answer markers of solution notebooks and the placeholders that replace them.

A code answer cell wraps the model solution in ``### BEGIN SOLUTION`` /
``### END SOLUTION`` lines; a written answer wraps it in ``<!-- BEGIN ANSWER -->``
/ ``<!-- END ANSWER -->`` lines.  The functions here work on the source of one
cell and know nothing about notebooks: whoever calls them adds which notebook
and which cell when it reports a :class:`MarkerError`.

A marker counts only when it stands alone on its line (surrounding whitespace
aside).  A line that merely looks like one (``### BEGIN SOLUTION:``, ``## end
solution``) is an error rather than ordinary text, because a mistyped marker
would otherwise ship the model solution to the students.

Sources are split on ``"\\n"`` only (not ``str.splitlines``), so that a cell
without markers comes back byte for byte, whatever characters it contains.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "MarkerError", "MarkerStyle", "CODE", "WRITTEN", "CODE_PLACEHOLDER", "WRITTEN_PLACEHOLDER",
    "find_regions", "blank_code_answers", "blank_written_answers", "written_answer_texts",
]


class MarkerError(ValueError):
    """The markers of one cell are unbalanced, nested or malformed."""


@dataclass(frozen=True)
class MarkerStyle:
    """A pair of markers and a pattern for lines that resemble them."""

    begin: str
    end: str
    lookalike: re.Pattern


CODE = MarkerStyle(
    "### BEGIN SOLUTION", "### END SOLUTION", re.compile(r"#+\s*(BEGIN|END)\s*SOLUTION", re.IGNORECASE)
)
WRITTEN = MarkerStyle(
    "<!-- BEGIN ANSWER -->", "<!-- END ANSWER -->", re.compile(r"<!--\s*(BEGIN|END)\s*ANSWER", re.IGNORECASE)
)

#: What a student sees in place of a code solution, at the BEGIN marker's indentation.
CODE_PLACEHOLDER = ("# YOUR CODE HERE", "raise NotImplementedError()")
#: What a student sees in place of a written answer (the markers stay around it).
WRITTEN_PLACEHOLDER = "*Your answer here.*"


def find_regions(source: str, style: MarkerStyle) -> list[tuple[int, int]]:
    """Locate the marked regions of one cell.

    Parameters
    ----------
    source : str
        The cell's source.
    style : MarkerStyle
        :data:`CODE` or :data:`WRITTEN`.

    Returns
    -------
    list of (int, int)
        For each region, the 0-based line numbers of its BEGIN and END lines.

    Raises
    ------
    MarkerError
        A BEGIN inside an open region, an END without BEGIN, a BEGIN without
        END, or a line that resembles a marker without being one.
    """
    regions = []
    open_at = None
    for number, line in enumerate(source.split("\n")):
        text = line.strip()
        if text == style.begin:
            if open_at is not None:
                raise MarkerError(
                    f"'{style.begin}' on line {number + 1} is nested inside the region opened on line "
                    f"{open_at + 1}; markers may not nest, so close that region with '{style.end}' first."
                )
            open_at = number
        elif text == style.end:
            if open_at is None:
                raise MarkerError(f"'{style.end}' on line {number + 1} has no '{style.begin}' before it.")
            regions.append((open_at, number))
            open_at = None
        elif style.lookalike.search(line):
            raise MarkerError(
                f"line {number + 1} looks like a marker but is not exactly '{style.begin}' or "
                f"'{style.end}' on a line of its own: found {text!r}."
            )
    if open_at is not None:
        raise MarkerError(
            f"'{style.begin}' on line {open_at + 1} has no '{style.end}' after it in the same cell."
        )
    return regions


def _replace_regions(source: str, style: MarkerStyle, replace) -> str:
    lines = source.split("\n")
    kept = []
    position = 0
    for begin, end in find_regions(source, style):
        kept.extend(lines[position:begin])
        kept.extend(replace(lines[begin], lines[end]))
        position = end + 1
    kept.extend(lines[position:])
    return "\n".join(kept)


def blank_code_answers(source: str) -> str:
    """Replace every solution region, markers included, by the code placeholder.

    The placeholder takes the indentation of the BEGIN marker, so a solution
    inside a function body becomes a function body that raises
    ``NotImplementedError``.

    Examples
    --------
    >>> print(blank_code_answers("def f(x):\\n    ### BEGIN SOLUTION\\n    return 2 * x\\n    ### END SOLUTION"))
    def f(x):
        # YOUR CODE HERE
        raise NotImplementedError()
    """
    def placeholder(begin_line, _end_line):
        indent = begin_line[: len(begin_line) - len(begin_line.lstrip())]
        return [indent + line for line in CODE_PLACEHOLDER]

    return _replace_regions(source, CODE, placeholder)


def blank_written_answers(source: str) -> str:
    """Replace the text of every written-answer region by the placeholder.

    The markers stay, so that ``check`` can find the answer in the student's
    copy and tell whether the placeholder is still there.

    Examples
    --------
    >>> print(blank_written_answers("Why?\\n<!-- BEGIN ANSWER -->\\nBecause.\\n<!-- END ANSWER -->"))
    Why?
    <!-- BEGIN ANSWER -->
    *Your answer here.*
    <!-- END ANSWER -->
    """
    return _replace_regions(
        source, WRITTEN, lambda begin_line, end_line: [begin_line, WRITTEN_PLACEHOLDER, end_line]
    )


def written_answer_texts(source: str) -> list[str]:
    """The text inside each written-answer region, stripped of surrounding blank space."""
    lines = source.split("\n")
    return ["\n".join(lines[begin + 1:end]).strip() for begin, end in find_regions(source, WRITTEN)]
