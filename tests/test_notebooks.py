"""Every solution notebook, end to end: nbval, the student copy, the check report, planted mistakes.

The tests are parametrized by the files in ``solutions/`` (none is fine) plus
the synthetic demo notebook of ``synthetic_notebooks.py``, which proves the
pipeline even when ``solutions/`` is empty.  The ``notebook_case`` fixture gives
every test its own copy of the tree in its own tmp dir and the parameters come
from a sorted glob, so the tests run in parallel with ``pytest -n 2``
(pytest-xdist).

Notebook executions are what make this suite slow, so each one is made to
count.  Outside the browser (``test_browser.py``), every solution notebook is
executed once, under nbval: its saved outputs reproduce and every check cell
prints its pass line.  What a student's run adds follows without running each
notebook again:

* a filled student notebook runs the solution's code cell for cell (proved
  structurally here), so it raises nothing where the solution raises nothing,
  which is all ``pytest --nbval-lax`` asks of its unmarked check cells;
* every planted mistake of every notebook is run against its checker
  in-process by ``tests/test_checks_nbNN.py``, and ``check`` reports exactly
  the message of the checker it calls, whatever the notebook.

The student paths themselves (nbval over a filled student notebook, ``check``
with planted mistakes, on a filled and on an untouched one, an edited check
cell) run end to end on :data:`REPRESENTATIVE` notebooks: the demo and the
first tutorial notebook.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

import synthetic_notebooks as syn
from tutorial_lib.authoring.build import build_notebooks, target_path
from tutorial_lib.authoring.exercises import exercises_from_metadata
from tutorial_lib.authoring.notebook_io import read_notebook
from tutorial_lib.authoring.student_check import FAILED, NOT_ATTEMPTED, PASSED, check_notebook, format_report
from tutorial_lib.authoring.transforms import check_comment
from tutorial_lib.cli import main

pytestmark = pytest.mark.notebooks

ROOT = Path(__file__).resolve().parent.parent
SANITIZE = Path(__file__).resolve().with_name("nbval_sanitize.cfg")
SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))

#: The demo's planted mistakes, in the format of tutorial_lib/checks/nbNN.py: two for 99.1, so
#: that the second round leaves 99.5 unplanted and shows it still passes.
DEMO_MISTAKES = [
    {"exercise": "99.1", "kind": "forgot keepdims", "source": "def row_means(X):\n    return X.mean(axis=1)",
     "hint": "has lost a dimension"},
    {"exercise": "99.1", "kind": "sum instead of mean",
     "source": "def row_means(X):\n    return X.sum(axis=1, keepdims=True)", "hint": "divide by the number of samples"},
    {"exercise": "99.5", "kind": "doubled instead of squared", "source": "def square(x):\n    return 2 * x",
     "hint": "a square is not a double"},
]


def planted_mistakes(name: str) -> list[dict]:
    """``PLANTED_MISTAKES`` of ``tutorial_lib.checks.nbNN`` for ``NN_topic.ipynb`` ([] if none)."""
    module_name = f"tutorial_lib.checks.nb{name[:2]}"
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        return []
    return list(getattr(module, "PLANTED_MISTAKES", []))


@dataclass
class NotebookCase:
    """A solution notebook copied into a private tree, and its freshly built student notebook."""

    solution: Path
    student: Path
    mistakes: list[dict]

    @property
    def root(self) -> Path:
        return self.solution.parent.parent

    def code_exercises(self) -> list:
        exercises, _ = exercises_from_metadata(read_notebook(self.student), str(self.student))
        return [e for e in exercises if e.kind == "code"]

    def student_copy(self, name: str, sources_by_exercise: dict[str, str] | None = None,
                     filled: bool = True) -> Path:
        """A student notebook saved as ``<root>/<name>/NN_topic.ipynb``.

        ``filled``: each answer cell holds the solution's answer cell source;
        then ``sources_by_exercise`` ({"1.3": source}) replaces chosen answers.
        """
        nb = read_notebook(self.student)
        cells = {cell.id: cell for cell in nb.cells}
        solution = {cell.id: cell.source for cell in read_notebook(self.solution).cells}
        for exercise in self.code_exercises():
            if filled:
                cells[exercise.answer_cell_id].source = solution[exercise.answer_cell_id]
            if exercise.id in (sources_by_exercise or {}):
                cells[exercise.answer_cell_id].source = sources_by_exercise[exercise.id]
        path = self.root / name / self.student.name
        path.parent.mkdir()
        nbformat.write(nb, path)
        return path


ALL_CASES = [pytest.param(path, id=path.name) for path in SOLUTIONS] + [pytest.param(None, id=f"synthetic-{syn.NAME}")]
#: The student paths whose per-notebook outcome follows from the tests run on every notebook run
#: end to end here: the demo, and the first tutorial notebook (the workbook's typical exercises).
REPRESENTATIVE = [case for case in ALL_CASES if case.values[0] is None or case.id.startswith("01_")]


def _case(param, tmp_path) -> NotebookCase:
    """One solution notebook (or the synthetic demo) in ``<tmp_path>/tree/solutions/``, built."""
    tree = tmp_path / "tree"
    if param is None:
        solution = syn.write_solution(tree, syn.demo_solution())
        mistakes = DEMO_MISTAKES
    else:
        solution = tree / "solutions" / param.name
        solution.parent.mkdir(parents=True)
        solution.write_bytes(param.read_bytes())
        mistakes = planted_mistakes(param.name)
    build_notebooks([solution])
    return NotebookCase(solution, target_path(solution), mistakes)


@pytest.fixture(params=ALL_CASES)
def notebook_case(request, tmp_path) -> NotebookCase:
    return _case(request.param, tmp_path)


@pytest.fixture(params=REPRESENTATIVE)
def representative_case(request, tmp_path) -> NotebookCase:
    return _case(request.param, tmp_path)


def run_nbval(tmp_path: Path, *notebooks: Path) -> subprocess.CompletedProcess:
    """``pytest --nbval-lax`` on the notebooks, in a subprocess run from ``tmp_path``."""
    env = dict(os.environ, IPYTHONDIR=str(tmp_path / "ipython"))  # no shared history file between workers
    env.pop("PYTEST_ADDOPTS", None)
    # -W error stays on for the inner run too: nbval itself raises no warnings with this
    # environment's versions. Running from tmp_path, the inner pytest finds no ini file
    # (so it cannot pick up this project's addopts or testpaths) and needs no cache.
    # The option's value goes in the same argument: as a separate one, pytest takes the
    # .cfg path for a test path when it picks the rootdir, and the report loses the names.
    command = [sys.executable, "-m", "pytest", "-W", "error", "-p", "no:cacheprovider", "-q",
               "--nbval-lax", f"--nbval-sanitize-with={SANITIZE}", *map(str, notebooks)]
    return subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)


def statuses(report) -> dict[str, str]:
    return {e.id: e.status for e in report.exercises if e.kind == "code"}


#: The mistake kinds the workbook promises to catch (issue: authoring and checking), as words
#: that appear in a planted mistake's "kind".
REQUIRED_KINDS = ("1/n", "sign", "transpos", "swap", "ReLU mask", "broadcast")


def planting_round(mistakes: list[dict]) -> dict[str, dict]:
    """One mistake per exercise, in a single notebook run: {exercise: mistake}.

    Every planted mistake is also run directly against its checker by the
    notebook's ``tests/test_checks_nbNN.py``; this end-to-end round proves that
    the hints reach the student through ``check``.  It prefers kinds from
    :data:`REQUIRED_KINDS` not yet chosen, so the round covers as many of them as
    the notebook has.
    """
    by_exercise = defaultdict(list)
    for mistake in mistakes:
        by_exercise[mistake["exercise"]].append(mistake)
    chosen, covered = {}, set()
    for exercise, planted in by_exercise.items():
        def new_kinds(m):
            return {k for k in REQUIRED_KINDS if k.lower() in m["kind"].lower()} - covered
        best = max(planted, key=lambda m: len(new_kinds(m)))
        covered |= new_kinds(best)
        chosen[exercise] = best
    return chosen


# ------------------------------------------------------------------------------------------------- the tests
# The longest tests come first: pytest-xdist hands tests out in this order, and starting the
# planted-mistake rounds early keeps both workers busy until the end.
def test_planted_mistakes_fail_with_their_hints(representative_case):
    case = representative_case
    exercise_ids = [e.id for e in case.code_exercises()]
    planted = planting_round(case.mistakes)
    report = check_notebook(case.student_copy("planted", {e: m["source"] for e, m in planted.items()}))
    results = {e.id: e for e in report.exercises}
    assert planted and report.tampering == [], format_report(report)
    for exercise_id in exercise_ids:
        result = results[exercise_id]
        if exercise_id in planted:
            mistake = planted[exercise_id]
            assert result.status == FAILED and mistake["hint"] in result.message, (
                f"planted mistake {mistake['kind']!r} in exercise {exercise_id}: expected a failure "
                f"whose message contains {mistake['hint']!r}\n{format_report(report)}")
        else:
            assert result.status == PASSED, (
                f"exercise {exercise_id} has no planted mistake but did not pass\n{format_report(report)}")


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda path: path.name)
def test_every_code_exercise_has_planted_mistakes(solution, tmp_path):
    """Each course notebook plants at least one mistake per code exercise, each naming one of its
    exercises (``tests/test_checks_nbNN.py`` runs them all against their checkers)."""
    case = _case(solution, tmp_path)
    exercise_ids = {e.id for e in case.code_exercises()}
    planted = {m["exercise"] for m in case.mistakes}
    assert planted == exercise_ids, (sorted(exercise_ids - planted), sorted(planted - exercise_ids))


def test_planted_mistakes_cover_the_required_kinds():
    """Across the workbook, the end-to-end rounds plant every kind of mistake the checks promise to catch."""
    if not SOLUTIONS:
        pytest.skip("no solution notebooks yet")
    kinds = " | ".join(m["kind"].lower() for path in SOLUTIONS
                       for m in planting_round(planted_mistakes(path.name)).values())
    missing = [k for k in REQUIRED_KINDS if k.lower() not in kinds]
    assert not missing, f"no notebook plants a mistake of kind {missing}; planted: {kinds}"


def test_nbval_passes_on_the_solution(notebook_case, tmp_path):
    result = run_nbval(tmp_path, notebook_case.solution)
    assert result.returncode == 0, result.stdout + result.stderr


def _is_checked_by_nbval(cell) -> bool:
    return cell.cell_type == "code" and "NBVAL_CHECK_OUTPUT" in cell.source


def test_a_filled_student_notebook_runs_the_solutions_code(notebook_case):
    """What makes nbval pass on a filled student notebook once it passes on the solution.

    The filled copy runs the same code as the solution, cell for cell; its
    check cells differ only by their first line, a comment in place of the
    nbval marker, so --nbval-lax compares none of them and passes when no cell
    raises, as the solution's run under nbval shows.
    """
    filled = read_notebook(notebook_case.student_copy("filled"))
    solution = read_notebook(notebook_case.solution)
    shown = [c for c in filled.cells if c.id.endswith("-shown")]
    assert all(c.cell_type == "markdown" for c in shown), "what illustrations show comes as markdown"
    filled.cells = [c for c in filled.cells if not c.id.endswith("-shown")]
    assert [c.id for c in filled.cells] == [c.id for c in solution.cells]
    exercises = notebook_case.code_exercises()
    check_cells = {e.check_cell_id: e.id for e in exercises}
    for mine, theirs in zip(filled.cells, solution.cells):
        if mine.cell_type != "code":
            continue
        if mine.id in check_cells:
            first, rest = theirs.source.split("\n", 1)
            assert first == "# NBVAL_CHECK_OUTPUT" and mine.source == check_comment(check_cells[mine.id]) + "\n" + rest
            assert mine.source.split("\n", 1)[0].startswith("#"), "the first line must stay a comment"
        else:
            assert mine.source == theirs.source, f"cell {mine.id}: the filled copy runs other code than the solution"
        assert not _is_checked_by_nbval(mine)
        assert mine.outputs == [] and mine.execution_count is None, "nbval refuses unrun cells with outputs"
    assert sum(_is_checked_by_nbval(c) for c in solution.cells) == len(exercises) > 0


# ---------------------------------------------------------------- the student paths, end to end, on REPRESENTATIVE
def test_nbval_passes_on_a_filled_student_notebook(representative_case, tmp_path):
    result = run_nbval(tmp_path, representative_case.student_copy("filled"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_nbval_fails_on_a_wrong_answer_with_the_teaching_message_alone(tmp_path):
    """A wrong answer fails ``pytest --nbval-lax`` and the report shows the checker's message, not the
    checker's frames (CheckFailure renders itself through IPython's ``_render_traceback_``)."""
    solution = syn.write_solution(tmp_path / "tree", syn.demo_solution())
    build_notebooks([solution])
    case = NotebookCase(solution, target_path(solution), DEMO_MISTAKES)
    result = run_nbval(tmp_path, case.student_copy("one-mistake", {"99.5": DEMO_MISTAKES[2]["source"]}))
    assert result.returncode == 1, result.stdout
    assert "Exercise 99.5: f(3) does not match the reference." in result.stdout
    assert "tutorial_lib/checks" not in result.stdout and "call_student" not in result.stdout, result.stdout
    assert "1 failed" in result.stdout


def test_unfilled_exercises_are_not_attempted_and_an_edited_check_cell_is_caught(representative_case):
    case = representative_case
    exercises = case.code_exercises()
    assert exercises, "a workbook notebook needs at least one code exercise"
    nb = read_notebook(case.student)
    edited = exercises[-1]
    check_cell = next(cell for cell in nb.cells if cell.id == edited.check_cell_id)
    check_cell.source += "\n# a student's comment"
    nbformat.write(nb, case.student)

    report = check_notebook(case.student)
    expected = {e.id: NOT_ATTEMPTED for e in exercises} | {edited.id: "check cell modified"}
    assert statuses(report) == expected, format_report(report)
    assert not report.ok


def test_a_filled_student_notebook_passes_check(representative_case):
    report = check_notebook(representative_case.student_copy("filled"))
    assert report.ok, format_report(report)
    assert set(statuses(report).values()) == {PASSED}
    assert report.other_errors == [], format_report(report)


def test_build_refuses_to_overwrite_an_edited_student_notebook(notebook_case, capsys):
    nb = read_notebook(notebook_case.student)
    nb.cells[-1].source += "\n\nA note I wrote myself."
    nbformat.write(nb, notebook_case.student)
    edited = notebook_case.student.read_bytes()
    assert main(["build", str(notebook_case.solution)]) == 1
    assert "refused to overwrite" in capsys.readouterr().err
    assert notebook_case.student.read_bytes() == edited


def test_the_command_line_end_to_end(tmp_path):
    """``python -m tutorial_lib check --json`` in a subprocess, on the demo with one planted mistake."""
    solution = syn.write_solution(tmp_path, syn.demo_solution())
    build_notebooks([solution])
    case = NotebookCase(solution, target_path(solution), DEMO_MISTAKES)
    path = case.student_copy("one-mistake", {"99.5": DEMO_MISTAKES[2]["source"]})
    result = subprocess.run([sys.executable, "-m", "tutorial_lib", "check", "--json", str(path)],
                            cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert result.returncode == 1, result.stderr
    [report] = json.loads(result.stdout)["notebooks"]
    failed = [e for e in report["exercises"] if e["status"] == "failed"]
    assert [e["id"] for e in failed] == ["99.5"] and "a square is not a double" in failed[0]["message"]
    assert report["summary"]["passed"] == 5
