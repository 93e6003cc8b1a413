"""The per-exercise report of ``python -m tutorial_lib check``.

The student's notebook is read from its own path (a broken file is named by
that path), copied to a temporary folder, and the copy runs top to bottom in
a fresh kernel whose working directory is that folder, with errors allowed,
so one failing exercise cannot hide the others; the student's file and folder
are only ever read.  The run is wrapped by :mod:`.guard`: a snapshot and a
private copy of the checkers before the first cell, and each check cell
replaced by a call of that private checker at the same place, so that no cell
of the notebook can change a verdict.  Each code exercise is then judged:

1. **check cell modified**: the check cell is gone, or the sha256 of its
   source differs from the build's record.  Decided before anything else, so
   a modified check never counts as passed.
2. **not attempted**: the placeholder's ``NotImplementedError`` is still in the
   way (in the answer cell or in the student's function).
3. **passed**: the fresh checker returned without raising.
4. **failed**, with the most useful message: the answer cell's own error (a
   ``SyntaxError`` there makes the check fail with a mere ``NameError``), the
   checker's teaching message, a time limit, or the kernel dying, blamed on
   the exercise whose cell or check killed it.

Anything the notebook replaced that the checks rely on (a checker, ``print``,
a numpy or library function, the files of the workbook itself) is reported
as *tampering*, and the notebook does not count as passed.

Written answers are informational: ``answered`` once the placeholder has
been replaced by some text, ``not answered`` otherwise.
"""

from __future__ import annotations

import copy
import hashlib
import re
import secrets
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from nbformat.v4 import new_code_cell

from . import guard
from .exercises import METADATA_KEY, Exercise, exercises_from_metadata
from .execute import TIMEOUT_ENAME, CellError, run_notebook
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

#: Error names of a placeholder still in the way (the checkers raise NotAttempted, a NotImplementedError).
_NOT_ATTEMPTED = {"NotImplementedError", "NotAttempted"}
#: The arguments of a check cell's one checker call.
_CHECK_ARGUMENTS = re.compile(r"\bchecks\.exercise_\d+_\d+\((.*)\)\s*$", re.DOTALL)
#: The workbook's own package: a notebook that changes its files has tampered with the checks.
_PACKAGE = Path(__file__).resolve().parents[1]

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
    #: What the notebook replaced that the checks rely on (see :mod:`.guard`); any makes ``ok`` false.
    tampering: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Every code exercise passed and nothing was tampered with; written answers do not count."""
        return (self.error is None and not self.tampering
                and all(e.status == PASSED for e in self.exercises if e.kind == "code"))

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
                "other_errors": list(self.other_errors), "tampering": list(self.tampering)}


def _describe(which: str, error: CellError) -> str:
    if error.ename == TIMEOUT_ENAME:
        return f"the {which} cell {error.evalue} (endless loop?)"
    return f"the {which} cell raised {error}"


@dataclass
class _Run:
    """What the guarded run left: errors by the student's cell index, the kernel's death, the verdicts."""

    errors: dict[int, CellError]
    died_in: int | None  # the student's cell index the kernel died in (len(cells): while checking)
    verdicts: dict[str, dict]
    checking: str | None  # the exercise being checked when the kernel died


_KILLED = "ended the Python process (exit(), quit(), os._exit() or a crash)"


def _judge_code(exercise: Exercise, nb, positions: dict, run: _Run, handed_out: str,
                cell_names: dict[int, str]) -> ExerciseResult:
    def result(status: str, message: str = "") -> ExerciseResult:
        return ExerciseResult(exercise.id, "code", status, message)

    check_index = positions.get(exercise.check_cell_id)
    if check_index is None:
        return result(MODIFIED, "the check cell was deleted; a missing check never counts as passed. Get it "
                                "back from a fresh copy of the notebook.")
    if sha256_hex(nb.cells[check_index].source) != handed_out:
        return result(MODIFIED, "the check cell differs from the one handed out; a modified check never counts "
                                "as passed. Undo your change to it.")
    answer_index = positions.get(exercise.answer_cell_id)
    answer_error = run.errors.get(answer_index)
    if answer_error and answer_error.ename in _NOT_ATTEMPTED:
        return result(NOT_ATTEMPTED, "replace `raise NotImplementedError()` in the answer cell with your code.")
    if run.checking == exercise.id and exercise.id not in run.verdicts:
        return result(FAILED, f"checking your answer {_KILLED}.")
    if run.died_in is not None and run.died_in <= check_index:
        if run.died_in == answer_index:
            return result(FAILED, f"your answer cell {_KILLED}; nothing after it could run.")
        return result(FAILED, f"not checked: the kernel died in {cell_names.get(run.died_in, 'an earlier cell')}.")
    if answer_error:
        return result(FAILED, _describe("answer", answer_error))
    check_error = run.errors.get(check_index)
    if check_error:  # e.g. a NameError: the function the check cell names was never defined
        return result(FAILED, _describe("check", check_error))
    verdict = run.verdicts.get(exercise.id)
    if verdict is None:
        if run.checking is not None:
            return result(FAILED, f"not checked: the kernel died while exercise {run.checking} was checked.")
        return result(FAILED, "the check did not run to the end.")
    status, message = verdict["status"], verdict.get("message", "")
    if status == "passed":
        return result(PASSED)
    if status == "not attempted":
        return result(NOT_ATTEMPTED, "replace `raise NotImplementedError()` in your function with your code.")
    if status == "failed":
        return result(FAILED, message)
    if status == "timeout":
        return result(FAILED, f"{message} (endless loop?)")
    return result(FAILED, f"the checker could not judge your answer: {message}")


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


def package_digest() -> str:
    """A hash of the workbook's own source files, to notice a notebook that rewrites them."""
    digest = hashlib.sha256()
    for file in sorted(_PACKAGE.rglob("*.py")):
        digest.update(str(file.relative_to(_PACKAGE)).encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()


def _guarded_copy(nb, exercises: list[Exercise], check_hashes: dict, positions: dict, results: Path,
                  nonce: str, timeout: float, grading_seed, kernel_setup: str):
    """The notebook as the guarded run executes it: the prologue, check cells that call the private
    checkers (unmodified ones only: a modified check cell runs as the student wrote it, and never
    counts), the epilogue."""
    run_nb = copy.deepcopy(nb)
    for exercise in exercises:
        index = positions.get(exercise.check_cell_id) if exercise.kind == "code" else None
        if index is None:
            continue
        source = nb.cells[index].source
        found = _CHECK_ARGUMENTS.search(source)
        if sha256_hex(source) == check_hashes[exercise.check_cell_id] and found:
            cell = run_nb.cells[index]
            cell.source = guard.check_source(exercise.id, found.group(1), timeout, grading_seed)
            cell.metadata["tutorial_lib_guarded_check"] = True
    prologue = new_code_cell(guard.prologue_source(str(results), nonce, kernel_setup))
    run_nb.cells = [prologue, *run_nb.cells, new_code_cell(guard.epilogue_source())]
    return run_nb


def check_notebook(path: Path, timeout: float = 60.0, grading_seed: int | None = None,
                   kernel_setup: str = "", record: dict | None = None, prepare_folder=None) -> NotebookReport:
    """Run a guarded copy of a student notebook and judge every exercise.

    Parameters
    ----------
    path : Path
        A student notebook written by ``build``; it is only read.
    timeout : float
        Per-cell limit in seconds, and per-check limit for each checker call.
    grading_seed : int, optional
        Grading mode: the checkers add hidden inputs drawn from this seed (see
        ``tutorial_lib.checks._common.set_grading_seed``).  It reaches the kernel
        only after the student's cells have run.
    kernel_setup : str
        Code run in the kernel before the notebook (``grade``: resource limits).
    record : dict, optional
        Where the exercises are (``metadata["tutorial_lib"]`` as the build wrote
        it).  By default the notebook's own; ``grade`` passes the one it builds
        from the course's solution, so that an edited record hides nothing.
    prepare_folder : callable, optional
        ``prepare_folder(path)`` is called on the kernel's working folder before
        the kernel starts (``grade``: hand it to the unprivileged user).

    Returns
    -------
    NotebookReport

    Raises
    ------
    NotAStudentNotebook
        The notebook has no record of its exercises from the build.
    NotebookFormatError
        The file is not a readable notebook (named by ``path``).
    """
    path = Path(path)
    nb = read_notebook(path)
    if record is not None:
        nb.metadata[METADATA_KEY] = record
    exercises, check_hashes = exercises_from_metadata(nb, str(path))
    positions = {cell.id: index for index, cell in enumerate(nb.cells)}
    nonce = secrets.token_hex(16)
    before = package_digest()
    with tempfile.TemporaryDirectory(prefix="tutorial-check-") as folder, \
            tempfile.TemporaryDirectory(prefix="tutorial-verdict-") as private:
        # The kernel runs in the first folder: whatever the notebook's code writes lands there,
        # never next to the student's file.  The verdicts go to the second, named at the end.
        results = Path(private) / f"{secrets.token_hex(12)}.jsonl"
        if prepare_folder is not None:
            prepare_folder(Path(folder))
        run_nb = _guarded_copy(nb, exercises, check_hashes, positions, results, nonce, timeout, grading_seed,
                               kernel_setup)
        # A check has its own limit inside the kernel; the cell's is longer, so that the kernel
        # reports a slow check as such instead of being interrupted from outside.
        execution = run_notebook(run_nb, Path(folder), timeout=timeout, stop_on_error=False,
                                 cell_timeout=lambda cell: timeout + 15
                                 if cell.metadata.get("tutorial_lib_guarded_check") else None)
        tampering, verdicts, checking, _done = guard.read_verdicts(results, nonce)
    report = NotebookReport(str(path))
    if 0 in execution.errors or (execution.aborted and execution.last_started <= 0):
        problem = execution.errors.get(0) or execution.aborted
        report.error = f"the checks could not start in a fresh kernel: {problem}"
        return report
    report.tampering = list(tampering or [])
    if package_digest() != before:
        report.tampering.append("the workbook's own files (tutorial_lib) were changed while the notebook ran")

    errors = {index - 1: error for index, error in execution.errors.items() if 1 <= index <= len(nb.cells)}
    died_in = execution.last_started - 1 if execution.aborted else None
    cell_names = {}
    for e in exercises:
        for role, cell_id in (("answer", e.answer_cell_id), ("check", e.check_cell_id)):
            if cell_id in positions:
                cell_names[positions[cell_id]] = f"exercise {e.id}'s {role} cell"
    run = _Run(errors, died_in, verdicts, checking)
    report.exercises = [
        _judge_code(e, nb, positions, run, check_hashes[e.check_cell_id], cell_names) if e.kind == "code"
        else _judge_written(e, nb, positions)
        for e in exercises
    ]
    exercise_cells = {positions.get(cell_id) for e in exercises for cell_id in (e.answer_cell_id, e.check_cell_id)}
    report.other_errors = [f"cell {index}: {_one_line(error)}" for index, error in sorted(errors.items())
                           if index not in exercise_cells]
    if died_in is not None:
        where = ("while the checks ran" if died_in >= len(nb.cells)
                 else f"in {cell_names.get(died_in, f'cell {died_in}')}")
        report.other_errors.append(f"the kernel died {where}: the notebook {_KILLED}")
    return report


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
    if report.tampering:
        lines += ["", "Tampering: the notebook replaced what the checks rely on, so it does not count as passed:"]
        lines += [f"    {line}" for line in report.tampering]
    if report.other_errors:
        lines += ["", "Other cells that raised (often because of an exercise above):"]
        lines += [f"    {line}" for line in report.other_errors]
    return "\n".join(lines)
