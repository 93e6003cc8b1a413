"""Where a notebook's exercises are: answer cells, check cells and written answers.

In a solution notebook the exercises are found by their markers and checked
against the layout of AUTHORING.md (:func:`find_exercises`).  A student
notebook has lost its code markers, so the build records where each exercise
is, by cell id, in ``metadata["tutorial_lib"]`` (:func:`exercise_metadata`),
and ``check`` reads it back (:func:`exercises_from_metadata`)::

    "tutorial_lib": {
        "source": "solutions/01_logistic_warmup.ipynb",
        "exercises": ["1.1", "1.2", "1.6"],              # every exercise, in notebook order
        "check_cells": {"<check cell id>": "<sha256 of its source>", ...},
        "exercise_cells": {"1.1": {"answer": "<cell id>", "check": "<cell id>"},
                           "1.6": {"answer": "<cell id>"}, ...}   # written answers have no check cell
    }
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

from .markers import CODE, WRITTEN, MarkerError, find_regions
from .notebook_io import NotebookFormatError, sha256_hex

__all__ = [
    "Exercise", "NotAStudentNotebook", "CHECK_MARKER", "CHECK_CALL", "METADATA_KEY", "is_check_cell",
    "pass_line", "find_exercises", "exercise_metadata", "exercises_from_metadata",
]

#: First line of every check cell; nbval compares the saved output of these cells only.
CHECK_MARKER = "# NBVAL_CHECK_OUTPUT"
#: The one checker call a check cell makes; the groups are N and M of exercise N.M.
CHECK_CALL = re.compile(r"\bchecks\.exercise_(\d+)_(\d+)\(")
#: How a written answer names its exercise, e.g. ``**Exercise 1.6 (written).**``.
WRITTEN_ID = re.compile(r"\bExercise\s+(\d+\.\d+)")
#: ``NN_topic.ipynb``: exercise ids of notebook ``NN`` start with ``int(NN)``.
NOTEBOOK_NUMBER = re.compile(r"^(\d\d)_.+\.ipynb$")
#: Key of the build's record in the student notebook's metadata.
METADATA_KEY = "tutorial_lib"


class NotAStudentNotebook(ValueError):
    """The notebook has no (usable) record of its exercises from ``build``."""


@dataclass(frozen=True)
class Exercise:
    """One exercise and the ids of its cells.

    ``kind`` is ``"code"`` (an answer cell and the check cell below it) or
    ``"written"`` (a markdown cell with an answer region; ``check_cell_id`` is None).
    """

    id: str
    kind: str
    answer_cell_id: str
    check_cell_id: str | None = None


def is_check_cell(cell) -> bool:
    """A code cell whose first line is ``# NBVAL_CHECK_OUTPUT``."""
    return cell.cell_type == "code" and cell.source.split("\n", 1)[0].strip() == CHECK_MARKER


def pass_line(exercise_id: str) -> str:
    """The line a checker prints when the exercise passes."""
    return f"Exercise {exercise_id}: passed the public checks."


def _regions(cell, style, fail) -> list:
    try:
        return find_regions(cell.source, style)
    except MarkerError as exc:
        raise fail(str(exc)) from None


def _check_cell_exercise(cell, fail) -> str:
    calls = CHECK_CALL.findall(cell.source)
    if len(calls) != 1:
        raise fail(
            f"a check cell must call exactly one checks.exercise_N_M(...); found {len(calls)} calls"
            + (f" ({', '.join(f'exercise_{n}_{m}' for n, m in calls)})." if calls else ".")
        )
    return "{}.{}".format(*calls[0])


def _is_answer_cell(cell) -> bool:
    return cell.cell_type == "code" and bool(find_regions(cell.source, CODE))


def _exercise_in_cell(cells, index: int, fail) -> Exercise | None:
    """The exercise that cell ``index`` defines (None for narrative and answer cells), validated."""
    cell = cells[index]
    if cell.cell_type == "markdown" and _regions(cell, WRITTEN, fail):
        found = WRITTEN_ID.search(cell.source.split(WRITTEN.begin, 1)[0])
        if not found:
            raise fail(
                f"a written answer must name its exercise before '{WRITTEN.begin}', e.g. "
                f"'**Exercise 1.6 (written).**'; found no 'Exercise N.M' there."
            )
        return Exercise(found.group(1), "written", cell.id)
    if cell.cell_type != "code":
        return None

    has_solution = bool(_regions(cell, CODE, fail))
    if not is_check_cell(cell):
        # An answer cell counts as an exercise through the check cell below it.
        if has_solution and (index + 1 == len(cells) or not is_check_cell(cells[index + 1])):
            raise fail(
                f"an answer cell needs a check cell directly below it: a code cell whose first line is "
                f"'{CHECK_MARKER}' and that calls checks.exercise_N_M(...); found "
                + ("the end of the notebook." if index + 1 == len(cells)
                   else f"a {cells[index + 1].cell_type} cell without that first line.")
            )
        return None
    if has_solution:
        raise fail(f"a check cell cannot hold '{CODE.begin}' markers.")
    exercise_id = _check_cell_exercise(cell, fail)
    if index == 0 or not _is_answer_cell(cells[index - 1]):
        raise fail(
            f"the check cell of exercise {exercise_id} must sit directly below its answer cell (a code "
            f"cell with '{CODE.begin}' ... '{CODE.end}'), but "
            + ("it is the first cell." if index == 0 else f"cell {index - 1} above it has no solution markers.")
        )
    return Exercise(exercise_id, "code", cells[index - 1].id, cell.id)


def find_exercises(nb: nbformat.NotebookNode, notebook: str) -> list[Exercise]:
    """Find and validate the exercises of a solution notebook.

    Parameters
    ----------
    nb : NotebookNode
        The solution notebook.
    notebook : str
        Its path, for error messages; a name ``NN_topic.ipynb`` also fixes the
        exercise numbers (notebook 01 holds exercises 1.M).

    Returns
    -------
    list of Exercise
        In notebook order.

    Raises
    ------
    NotebookFormatError
        Naming the cell, for: unbalanced, nested or malformed markers; an answer
        cell without a check cell directly below it (or the reverse); a check cell
        that does not call exactly one ``checks.exercise_N_M(``; a written answer
        that does not say which exercise it answers; an exercise id used twice or
        belonging to another notebook.
    """
    number = NOTEBOOK_NUMBER.match(Path(notebook).name)
    exercises: list[Exercise] = []
    seen: dict[str, tuple[int, str]] = {}
    for index, cell in enumerate(nb.cells):
        fail = functools.partial(NotebookFormatError, notebook, cell_index=index, cell_id=cell.get("id"))
        exercise = _exercise_in_cell(nb.cells, index, fail)
        if exercise is None:
            continue
        if number and not exercise.id.startswith(f"{int(number.group(1))}."):
            raise fail(
                f"exercise {exercise.id} does not belong to notebook {number.group(1)}, whose exercise "
                f"ids are {int(number.group(1))}.1, {int(number.group(1))}.2, ..."
            )
        if exercise.id in seen:
            other_index, other_id = seen[exercise.id]
            raise fail(f"exercise {exercise.id} appears twice: also in cell {other_index} (id {other_id!r}).")
        seen[exercise.id] = (index, cell.id)
        exercises.append(exercise)
    return exercises


def exercise_metadata(exercises: list[Exercise], nb: nbformat.NotebookNode, source: str) -> dict:
    """The record that the build stores in ``metadata["tutorial_lib"]`` (layout in the module docstring)."""
    sources = {cell.id: cell.source for cell in nb.cells}
    return {
        "source": source,
        "exercises": [exercise.id for exercise in exercises],
        "check_cells": {exercise.check_cell_id: sha256_hex(sources[exercise.check_cell_id])
                        for exercise in exercises if exercise.kind == "code"},
        "exercise_cells": {
            exercise.id: ({"answer": exercise.answer_cell_id, "check": exercise.check_cell_id}
                          if exercise.kind == "code" else {"answer": exercise.answer_cell_id})
            for exercise in exercises
        },
    }


def exercises_from_metadata(nb: nbformat.NotebookNode, notebook: str) -> tuple[list[Exercise], dict]:
    """Read back the build's record from a student notebook.

    Returns
    -------
    exercises : list of Exercise
        In notebook order.
    check_hashes : dict
        ``{check cell id: sha256 of the source handed out}``.

    Raises
    ------
    NotAStudentNotebook
        The record is missing or incomplete.
    """
    record = nb.metadata.get(METADATA_KEY)
    if record is None:
        raise NotAStudentNotebook(
            f"{notebook} is not a student notebook built by `python -m tutorial_lib build`: its metadata "
            f"has no '{METADATA_KEY}' entry. Check the copy in notebooks/ (solutions/ holds the sources)."
        )
    try:
        exercises = []
        for exercise_id in record["exercises"]:
            cells = record["exercise_cells"][exercise_id]
            check = cells.get("check")
            exercises.append(Exercise(exercise_id, "code" if check else "written", cells["answer"], check))
        check_hashes = dict(record["check_cells"])
        missing = {e.check_cell_id for e in exercises if e.kind == "code"} - set(check_hashes)
        if missing:
            raise KeyError(sorted(missing)[0])
    except (KeyError, TypeError, AttributeError) as exc:
        raise NotAStudentNotebook(
            f"{notebook}: metadata['{METADATA_KEY}'] is incomplete (missing {exc}); rebuild the notebook "
            f"with `python -m tutorial_lib build`."
        ) from None
    return exercises, check_hashes
