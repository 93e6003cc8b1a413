"""The per-exercise report of ``python -m tutorial_lib check``.

The student's notebook is copied to a temporary folder and the copy runs top
to bottom with errors allowed, so one failing exercise cannot hide the
others; the student's file is only ever read.  Each code exercise is then
judged from its two cells, found by the ids the build recorded:

1. **check cell modified**: the check cell is gone, or the sha256 of its
   source differs from the build's record.  This is decided before anything
   else, so a modified check never counts as passed.
2. **passed**: the check cell raised nothing and printed
   ``Exercise N.M: passed the public checks.``
3. **not attempted**: the answer cell or the check cell raised
   ``NotImplementedError``, i.e. the placeholder is still in the way.
4. **failed**, with the most useful message available: the answer cell's own
   error (a ``SyntaxError`` there makes the check fail with a mere
   ``NameError``), else the checker's ``AssertionError`` message, which is the
   teaching hint, else the check cell's ``ename: evalue``.  A cell that hits the
   time limit is interrupted and fails as "ran longer than S s".

Written answers are informational: ``answered`` once the placeholder has
been replaced by some text, ``not answered`` otherwise.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .exercises import Exercise, exercises_from_metadata, pass_line
from .execute import TIMEOUT_ENAME, CellError, Execution, run_notebook
from .markers import WRITTEN_PLACEHOLDER, MarkerError, written_answer_texts
from .notebook_io import read_notebook, sha256_hex

__all__ = ["PASSED", "NOT_ATTEMPTED", "FAILED", "MODIFIED", "ANSWERED", "NOT_ANSWERED", "ExerciseResult",
           "NotebookReport", "check_notebook", "format_report"]

PASSED = "passed"
NOT_ATTEMPTED = "not attempted"
FAILED = "failed"
MODIFIED = "check cell modified"
ANSWERED = "answered"
NOT_ANSWERED = "not answered"

CODE_STATUSES = (PASSED, FAILED, NOT_ATTEMPTED, MODIFIED)
WRITTEN_STATUSES = (ANSWERED, NOT_ANSWERED)

# The kernel reports only an exception's class name.  tutorial_lib.checks raises
# CheckFailure, an AssertionError subclass; both carry a teaching message.
_CHECKER_FAILURES = {"AssertionError", "CheckFailure"}

_HINT_WIDTH = 72


@dataclass(frozen=True)
class ExerciseResult:
    """The verdict on one exercise."""

    id: str
    kind: str  # "code" or "written"
    status: str
    message: str = ""

    @property
    def label(self) -> str:
        """The status as the table shows it (``written: answered`` for written answers)."""
        return f"written: {self.status}" if self.kind == "written" else self.status

    @property
    def hint(self) -> str:
        """One line for the table: the message's ``hint:`` line if it has one, else its first line.

        Checker messages (``tutorial_lib.checks``) say what is wrong on their first
        line and how to fix it on a line starting with ``hint:``; the fix is what
        a student needs at a glance.
        """
        lines = [line.strip() for line in self.message.strip().split("\n")]
        hints = [line.removeprefix("hint:").strip() for line in lines if line.startswith("hint:")]
        line = hints[0] if hints else lines[0].removeprefix(f"Exercise {self.id}:").strip()
        return line if len(line) <= _HINT_WIDTH else line[:_HINT_WIDTH - 3] + "..."


@dataclass
class NotebookReport:
    """The verdicts on one student notebook, or why it could not be checked (``error``)."""

    notebook: str
    exercises: list[ExerciseResult] = field(default_factory=list)
    error: str | None = None
    #: Cells outside the exercises that raised or timed out, e.g. ``"cell 23: NameError: ..."``:
    #: often a consequence of an unfinished exercise, but a plot cell that fails on its own
    #: is worth knowing about too.  They do not change ``ok``.
    other_errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Every code exercise passed (so no check cell was modified); written answers do not count."""
        return self.error is None and all(e.status == PASSED for e in self.exercises if e.kind == "code")

    def summary(self) -> dict[str, int]:
        """How many exercises have each status."""
        counts = {status: 0 for status in CODE_STATUSES + WRITTEN_STATUSES}
        for exercise in self.exercises:
            counts[exercise.status] += 1
        return counts

    def to_dict(self) -> dict:
        """The machine-readable report that ``check --json`` prints."""
        return {"notebook": self.notebook, "ok": self.ok, "error": self.error,
                "exercises": [asdict(e) for e in self.exercises], "summary": self.summary(),
                "other_errors": list(self.other_errors)}


def _printed(cell) -> str:
    return "".join(output.get("text", "") for output in cell.get("outputs", []) if output.output_type == "stream")


def _describe(which: str, error: CellError) -> str:
    if error.ename == TIMEOUT_ENAME:
        return f"the {which} cell {error.evalue} (endless loop?)"
    return f"the {which} cell raised {error}"


def _judge_code(exercise: Exercise, nb, positions: dict, execution: Execution, handed_out: str) -> ExerciseResult:
    def result(status: str, message: str = "") -> ExerciseResult:
        return ExerciseResult(exercise.id, "code", status, message)

    check_index = positions.get(exercise.check_cell_id)
    if check_index is None:
        return result(MODIFIED, "the check cell was deleted; a missing check never counts as passed. Get it "
                                "back from a fresh copy of the notebook.")
    check_cell = nb.cells[check_index]
    if sha256_hex(check_cell.source) != handed_out:
        return result(MODIFIED, "the check cell differs from the one handed out; a modified check never counts "
                                "as passed. Undo your change to it.")
    if execution.aborted and check_index >= execution.last_started:
        return result(FAILED, f"the check cell did not finish: {execution.aborted}.")

    check_error = execution.errors.get(check_index)
    answer_error = execution.errors.get(positions.get(exercise.answer_cell_id))
    if check_error is None and pass_line(exercise.id) in _printed(check_cell):
        return result(PASSED)
    if "NotImplementedError" in {e.ename for e in (check_error, answer_error) if e}:
        return result(NOT_ATTEMPTED, "replace `raise NotImplementedError()` in the answer cell with your code.")
    if answer_error:
        return result(FAILED, _describe("answer", answer_error))
    if check_error and check_error.ename in _CHECKER_FAILURES:
        return result(FAILED, check_error.evalue)
    if check_error:
        return result(FAILED, _describe("check", check_error))
    return result(FAILED, f"the check cell did not print '{pass_line(exercise.id)}'.")


def _judge_written(exercise: Exercise, nb, positions: dict) -> ExerciseResult:
    index = positions.get(exercise.answer_cell_id)
    if index is None:
        return ExerciseResult(exercise.id, "written", NOT_ANSWERED, "the answer cell was deleted.")
    source = nb.cells[index].source
    try:
        texts = written_answer_texts(source)
    except MarkerError:
        texts = []
    if texts:
        answered = all(text and text != WRITTEN_PLACEHOLDER for text in texts)
    else:  # the student removed or broke the markers: go by the placeholder alone
        answered = WRITTEN_PLACEHOLDER not in source
    if answered:
        return ExerciseResult(exercise.id, "written", ANSWERED)
    return ExerciseResult(exercise.id, "written", NOT_ANSWERED, f"replace {WRITTEN_PLACEHOLDER} with your answer.")


def check_notebook(path: Path, timeout: float = 60.0) -> NotebookReport:
    """Run a copy of a student notebook and judge every exercise.

    Parameters
    ----------
    path : Path
        A student notebook written by ``build``; it is only read.
    timeout : float
        Per-cell limit in seconds.

    Returns
    -------
    NotebookReport

    Raises
    ------
    NotAStudentNotebook
        The notebook has no record of its exercises from the build.
    NotebookFormatError
        The file is not a readable notebook.
    """
    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="tutorial-check-") as folder:
        # The kernel runs in the temporary folder: whatever the notebook's code
        # writes lands there, never next to the student's file.
        copy = Path(folder) / path.name
        shutil.copyfile(path, copy)
        nb = read_notebook(copy)
        exercises, check_hashes = exercises_from_metadata(nb, str(path))
        execution = run_notebook(nb, Path(folder), timeout=timeout, stop_on_error=False)
    positions = {cell.id: index for index, cell in enumerate(nb.cells)}
    results = [
        _judge_code(e, nb, positions, execution, check_hashes[e.check_cell_id]) if e.kind == "code"
        else _judge_written(e, nb, positions)
        for e in exercises
    ]
    exercise_cells = {positions.get(cell_id) for e in exercises for cell_id in (e.answer_cell_id, e.check_cell_id)}
    other_errors = [f"cell {index}: {_one_line(error)}" for index, error in sorted(execution.errors.items())
                    if index not in exercise_cells]
    if execution.aborted:
        other_errors.append(execution.aborted)
    return NotebookReport(str(path), results, other_errors=other_errors)


def _one_line(error: CellError) -> str:
    text = str(error).strip().split("\n", 1)[0]
    return text if len(text) <= _HINT_WIDTH else text[:_HINT_WIDTH - 3] + "..."


def format_report(report: NotebookReport) -> str:
    """The report as a table, then the full message of every failure."""
    lines = [report.notebook]
    if report.error:
        return "\n".join(lines + [f"  cannot check it: {report.error}"])
    if not report.exercises:
        return "\n".join(lines + ["  this notebook has no exercises."])

    width = max(len(e.label) for e in report.exercises)
    lines.append(f"  {'exercise':<9} {'status':<{width}}  hint")
    for exercise in report.exercises:
        lines.append(f"  {exercise.id:<9} {exercise.label:<{width}}  {exercise.hint}".rstrip())

    counts = report.summary()
    code = sum(counts[s] for s in CODE_STATUSES)
    written = sum(counts[s] for s in WRITTEN_STATUSES)
    others = ", ".join(f"{counts[s]} {s}" for s in CODE_STATUSES[1:] if counts[s])
    lines.append("")
    lines.append(f"{counts[PASSED]} of {code} code exercises passed" + (f"; {others}" if others else "") + "."
                 + (f" Written answers: {counts[ANSWERED]} of {written} answered." if written else ""))
    for exercise in report.exercises:
        if exercise.status == FAILED:
            lines += ["", f"Exercise {exercise.id} failed:"]
            lines += [f"    {line}" for line in exercise.message.strip().split("\n")]
    if report.other_errors:
        lines += ["", "Other cells that raised (often because of an exercise above):"]
        lines += [f"    {line}" for line in report.other_errors]
    return "\n".join(lines)
