"""The steps that turn a solution notebook into the student notebook, one job each.

Like nbgrader's ``GenerateAssignment``, the build is an explicit list of small
transforms (:data:`STUDENT_TRANSFORMS`), applied in order to a deep copy of the
solution.  Each takes the notebook and the list of its exercises and changes
the notebook in place:

1. :func:`blank_answers`: model answers become placeholders (code and written).
2. :func:`show_illustrations`: what a cell tagged ``illustration`` shows (a figure
   or worked example that no exercise feeds) moves into a markdown cell right
   below it, images as attachments: the reader sees it before running anything,
   and the code cell itself stays unrun (a code cell with outputs but no
   execution count is an error to nbval, and a count would claim a run).
3. :func:`clear_outputs`: a student opening the notebook sees no result of a run
   they never made: every output and execution count goes.
4. :func:`unmark_check_cells`: check cells lose the ``# NBVAL_CHECK_OUTPUT``
   line.  With no saved output to compare, ``pytest --nbval-lax`` judges them
   by whether they raise, which the checkers do for every wrong answer; the
   line's place takes a comment that says where more help is.
5. :func:`lock_check_cells`: check cells cannot be edited or deleted by accident
   (``editable``/``deletable``, which JupyterLab honours).
6. :func:`drop_widget_state`: the saved ipywidgets state of the solution run
   belongs to outputs that are gone.
7. :func:`record_exercises`: ``metadata["tutorial_lib"]`` records where the
   exercises are and the hash of each check cell, for ``check`` and ``grade``.
"""

from __future__ import annotations

from typing import Callable

import nbformat
from nbformat.v4 import new_markdown_cell

from .exercises import CHECK_MARKER, METADATA_KEY, Exercise, exercise_metadata, is_check_cell
from .markers import CODE, WRITTEN, blank_code_answers, blank_written_answers, find_regions
from .notebook_io import NotebookFormatError

__all__ = [
    "ILLUSTRATION_TAG", "WIDGET_VIEW_MIME", "Transform", "STUDENT_TRANSFORMS", "blank_answers", "show_illustrations",
    "clear_outputs",
    "unmark_check_cells", "lock_check_cells", "drop_widget_state", "record_exercises", "check_comment",
    "validate_illustrations",
]

#: Cell tag of a solution cell whose outputs the student notebook keeps.
ILLUSTRATION_TAG = "illustration"
WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json"

#: ``transform(nb, exercises, source_label)``: changes the student copy in place.
Transform = Callable[[nbformat.NotebookNode, list, str], None]


def _is_illustration(cell) -> bool:
    return ILLUSTRATION_TAG in cell.get("metadata", {}).get("tags", [])


def validate_illustrations(nb: nbformat.NotebookNode, exercises: list[Exercise], notebook: str) -> None:
    """An ``illustration`` cell is narrative code whose saved outputs can stand in a student notebook.

    Raises
    ------
    NotebookFormatError
        The tag is on an answer, check or markdown cell, or on a cell whose
        output is a widget (its state is not shipped to students).
    """
    exercise_cells = {cell_id for e in exercises for cell_id in (e.answer_cell_id, e.check_cell_id) if cell_id}
    for index, cell in enumerate(nb.cells):
        if not _is_illustration(cell):
            continue
        problem = None
        if cell.cell_type != "code":
            problem = "only code cells have outputs to keep"
        elif cell.id in exercise_cells:
            problem = "an answer or check cell's output is the student's to produce"
        elif any(WIDGET_VIEW_MIME in out.get("data", {}) for out in cell.outputs):
            problem = "its output is a widget, whose state the student notebook does not carry"
        if problem:
            raise NotebookFormatError(notebook, f"the '{ILLUSTRATION_TAG}' tag cannot stay here: {problem}.",
                                      index, cell.id)


def blank_answers(nb, exercises, source_label) -> None:
    """Code solutions become ``# YOUR CODE HERE`` / ``raise NotImplementedError()``; written ones a placeholder."""
    for cell in nb.cells:
        if cell.cell_type == "code" and not is_check_cell(cell) and find_regions(cell.source, CODE):
            cell.source = blank_code_answers(cell.source)
        elif cell.cell_type == "markdown" and find_regions(cell.source, WRITTEN):
            cell.source = blank_written_answers(cell.source)


#: The line above an illustration's outputs in the student notebook.
SHOWN_AHEAD = "*What the cell above shows when you run it:*"


def _shown(cell) -> nbformat.NotebookNode | None:
    """The markdown cell holding what ``cell`` shows: its text in code blocks, its images attached."""
    parts, attachments = [SHOWN_AHEAD], {}
    for output in cell.outputs:
        data = output.get("data", {})
        if output.output_type == "stream" and output.name == "stdout":
            parts.append("```text\n" + output.text.rstrip("\n") + "\n```")
        elif "image/png" in data:
            name = f"figure-{len(attachments) + 1}.png"
            attachments[name] = {"image/png": data["image/png"]}
            parts.append(f"![{name}](attachment:{name})")
        elif "text/plain" in data:
            parts.append("```text\n" + str(data["text/plain"]).rstrip("\n") + "\n```")
    if len(parts) == 1:
        return None
    shown = new_markdown_cell("\n\n".join(parts))
    shown.id = f"{cell.id}-shown"[-64:]
    shown.metadata["tags"] = [ILLUSTRATION_TAG]
    if attachments:
        shown.attachments = attachments
    return shown


def show_illustrations(nb, exercises, source_label) -> None:
    """Below each ``illustration`` code cell, a markdown cell with what it shows (see the module docstring)."""
    cells = []
    for cell in nb.cells:
        cells.append(cell)
        if cell.cell_type == "code" and _is_illustration(cell):
            shown = _shown(cell)
            if shown is not None:
                cells.append(shown)
    nb.cells = cells


def clear_outputs(nb, exercises, source_label) -> None:
    """No outputs and no execution counts in any code cell."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.execution_count = None
            cell.outputs = []


def check_comment(exercise_id: str) -> str:
    """The first line of a student's check cell, in place of the nbval marker."""
    return f'# Check exercise {exercise_id}. Stuck? Run checks.hint("{exercise_id}") in a new cell.'


def unmark_check_cells(nb, exercises, source_label) -> None:
    """The check cells' ``# NBVAL_CHECK_OUTPUT`` line becomes :func:`check_comment`."""
    by_id = {cell.id: cell for cell in nb.cells}
    for exercise in exercises:
        if exercise.kind == "code":
            cell = by_id[exercise.check_cell_id]
            first, rest = cell.source.split("\n", 1)
            assert first.strip() == CHECK_MARKER, "find_exercises guarantees the marker"
            cell.source = check_comment(exercise.id) + "\n" + rest


def lock_check_cells(nb, exercises, source_label) -> None:
    """Check cells are neither editable nor deletable in JupyterLab (nbformat's standard cell metadata)."""
    by_id = {cell.id: cell for cell in nb.cells}
    for exercise in exercises:
        if exercise.kind == "code":
            by_id[exercise.check_cell_id].metadata.update(editable=False, deletable=False)


def drop_widget_state(nb, exercises, source_label) -> None:
    """The solution run's saved widget state goes with the outputs it belonged to."""
    nb.metadata.pop("widgets", None)


def record_exercises(nb, exercises, source_label) -> None:
    """``metadata["tutorial_lib"]``: the exercises, their cells and the hashes of the check cells."""
    nb.metadata[METADATA_KEY] = exercise_metadata(exercises, nb, source_label)


#: The build, in order.  ``record_exercises`` comes last: it hashes the check cells as handed out.
STUDENT_TRANSFORMS: tuple[Transform, ...] = (
    blank_answers, show_illustrations, clear_outputs, unmark_check_cells, lock_check_cells, drop_widget_state,
    record_exercises,
)
