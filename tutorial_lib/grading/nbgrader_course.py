"""An nbgrader course directory made from the solution notebooks (``python -m tutorial_lib nbgrader-course``).

For courses that already run nbgrader on JupyterHub: the workbook's solutions carry the same
``### BEGIN SOLUTION`` / ``### END SOLUTION`` markers nbgrader uses, so each solution becomes an
nbgrader *source* notebook by adding nbgrader's cell metadata (schema 3):

* answer cells: ``solution`` (nbgrader replaces the marked region by its stub);
* check cells: ``grade`` with their points (an autograded test: it raises unless the answer is right),
  ``locked``;
* written answers: the question stays a locked markdown cell, the model answer moves into a cell of its
  own marked ``solution`` and ``grade`` (graded by hand; nbgrader shows the student "YOUR ANSWER HERE");
* every other cell ``locked`` (read-only; nbgrader restores it if changed).

Each cell gets a ``grade_id`` that depends only on the exercise and the cell's role, or on the
solution cell's id, so regenerating the course keeps them.
"""

from __future__ import annotations

import copy
from pathlib import Path

import nbformat
from nbformat.v4 import new_markdown_cell

from ..authoring.exercises import find_exercises
from ..authoring.markers import WRITTEN, find_regions, written_answer_texts
from ..authoring.notebook_io import notebook_bytes, read_notebook, write_atomically
from .course import points_of

__all__ = ["COURSE_ID", "CONFIG", "nbgrader_source", "write_course"]

COURSE_ID = "backprop-workbook"

CONFIG = f'''# nbgrader configuration of the Backprop Workbook, written by `python -m tutorial_lib nbgrader-course`.
c = get_config()  # noqa: F821 - nbgrader provides it
c.CourseDirectory.course_id = "{COURSE_ID}"
# The same placeholder as the workbook's own student notebooks.
c.ClearSolutions.code_stub = {{"python": "# YOUR CODE HERE\\nraise NotImplementedError()"}}
# A student who submits is added to the gradebook by autograde.
c.Autograde.create_student = True
# On JupyterHub, the exchange is a folder shared by the instructors' and the students' servers:
# c.Exchange.root = "/srv/nbgrader/exchange"
'''


def _meta(grade_id: str, *, solution=False, grade=False, locked=False, points=None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3, "solution": solution,
            "task": False}
    if grade:
        meta["points"] = points
    return meta


def _slug(exercise_id: str) -> str:
    return "ex" + exercise_id.replace(".", "_")


def nbgrader_source(solution: Path) -> nbformat.NotebookNode:
    """The nbgrader source notebook for one solution notebook (see the module docstring)."""
    nb = read_notebook(solution)
    exercises = find_exercises(nb, str(solution))
    roles = {}
    for e in exercises:
        if e.kind == "code":
            roles[e.answer_cell_id] = ("answer", e)
            roles[e.check_cell_id] = ("check", e)
        else:
            roles[e.answer_cell_id] = ("written", e)
    out = copy.deepcopy(nb)
    cells = []
    for cell in out.cells:
        role, exercise = roles.get(cell.id, (None, None))
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        if role == "answer":
            cell.metadata["nbgrader"] = _meta(f"{_slug(exercise.id)}_answer", solution=True)
        elif role == "check":
            cell.metadata["nbgrader"] = _meta(f"{_slug(exercise.id)}_check", grade=True, locked=True,
                                              points=points_of(cell))
        elif role == "written":
            lines = cell.source.split("\n")
            (begin, end), *_ = find_regions(cell.source, WRITTEN)
            question = "\n".join(lines[:begin] + lines[end + 1:]).strip()
            answer = new_markdown_cell("\n\n".join(written_answer_texts(cell.source)))
            cell.source = question
            cell.metadata["nbgrader"] = _meta(f"{_slug(exercise.id)}_question", locked=True)
            answer.id = f"{cell.id}-answer"[:64]
            answer.metadata["nbgrader"] = _meta(f"{_slug(exercise.id)}_written", solution=True, grade=True,
                                                points=points_of(cell))
            cells += [cell, answer]
            continue
        else:
            cell.metadata["nbgrader"] = _meta(f"cell-{cell.id}", locked=True)
        cells.append(cell)
    out.cells = cells
    out.metadata.pop("widgets", None)
    return out


def write_course(directory: Path, solutions: list[Path], assignment: str | None = None) -> list[Path]:
    """Write ``nbgrader_config.py`` and ``source/<assignment>/<notebook>.ipynb``; returns the files written.

    ``assignment`` None: one assignment per notebook, named after it (``01_logistic_warmup``).
    """
    directory = Path(directory)
    written = []
    sources = {Path(s): nbgrader_source(Path(s)) for s in solutions}  # all validated before writing
    directory.mkdir(parents=True, exist_ok=True)
    config = directory / "nbgrader_config.py"
    write_atomically(config, CONFIG.encode("utf-8"))
    written.append(config)
    for solution, nb in sources.items():
        target = directory / "source" / (assignment or solution.stem) / solution.name
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(target, notebook_bytes(nb))
        written.append(target)
    return written
