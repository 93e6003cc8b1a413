"""The course as its solution notebooks define it: which notebooks, which exercises, how many points.

Points come from the solution notebooks, never from a student's copy: a check cell or a written
answer cell may carry ``"tutorial_lib": {"points": 2}`` in its cell metadata (default 1). Written
answers are listed for grading by hand and score nothing automatically.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..authoring.build import student_notebook
from ..authoring.exercises import METADATA_KEY, find_exercises
from ..authoring.notebook_io import NotebookFormatError, read_notebook

__all__ = ["CourseExercise", "CourseNotebook", "load_course", "points_of"]


@dataclass(frozen=True)
class CourseExercise:
    """One exercise: ``kind`` is ``"code"`` (graded automatically) or ``"written"`` (by hand)."""

    id: str
    kind: str
    points: float


@dataclass(frozen=True)
class CourseNotebook:
    """A notebook of the course and the record of its exercises as the build writes it."""

    name: str  # "01_logistic_warmup.ipynb"
    exercises: tuple[CourseExercise, ...]
    record: dict  # metadata["tutorial_lib"] of the student notebook the build makes

    @property
    def max_points(self) -> float:
        return sum(e.points for e in self.exercises if e.kind == "code")


def points_of(cell) -> float:
    """The points a solution cell declares (``metadata.tutorial_lib.points``), 1 by default."""
    value = cell.get("metadata", {}).get(METADATA_KEY, {}).get("points", 1)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise NotebookFormatError("", f"points must be a number >= 0, got {value!r}", cell_id=cell.get("id"))
    return float(value)


def load_course(solutions: Path) -> dict[str, CourseNotebook]:
    """``{notebook name: CourseNotebook}`` for every ``NN_topic.ipynb`` in ``solutions``.

    Raises
    ------
    NotebookFormatError
        A solution breaks the conventions or was not executed (see ``build``).
    """
    course = {}
    for path in sorted(Path(solutions).glob("[0-9][0-9]_*.ipynb")):
        nb = read_notebook(path)
        cells = {cell.id: cell for cell in nb.cells}
        exercises = tuple(
            CourseExercise(e.id, e.kind, points_of(cells[e.check_cell_id if e.kind == "code" else e.answer_cell_id]))
            for e in find_exercises(nb, str(path))
        )
        record = student_notebook(nb, path).metadata[METADATA_KEY]
        course[path.name] = CourseNotebook(path.name, exercises, record)
    return course
