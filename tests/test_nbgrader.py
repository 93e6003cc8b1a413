"""``python -m tutorial_lib nbgrader-course``, then the real ``nbgrader generate_assignment`` and ``autograde``.

nbgrader runs from PyPI (the ``nbgrader`` extra that ``make test`` installs), with its local exchange
in a temporary course directory: no hub, no network.  Three simulated students hand in the demo
notebook: one with every answer right scores every autograded point, one who changed nothing scores
zero, one with a single wrong exercise loses exactly that exercise's points.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

import synthetic_notebooks as syn
from tutorial_lib.cli import main
from tutorial_lib.grading.nbgrader_course import nbgrader_source

# One worker runs the whole file, so its module fixtures (a kernel run each) are made once.
pytestmark = [pytest.mark.notebooks, pytest.mark.xdist_group("nbgrader")]

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENT = "99_demo"
#: Every answer of the demo, right (index in the released notebook: source).
FILLED = {"row_means": "def row_means(X):\n    return X.mean(axis=1, keepdims=True)",
          "learning_rate": "learning_rate = 0.1\nprint(\"learning rate set\")",
          "double": "def double(x):\n    return 2 * x", "halve": "def halve(x):\n    return x / 2",
          "square": "def square(x):\n    return x * x", "negate": "def negate(x):\n    return -x"}


def nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess:
    # nbgrader runs the `alembic` command of its environment by name: the venv's bin goes on PATH,
    # as it would be for an instructor who activated the environment.
    env = dict(os.environ, PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    result = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, capture_output=True, text=True,
                            timeout=600, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def _answer_cell(nb, name: str):
    marker = f"def {name}(" if name != "learning_rate" else "raise NotImplementedError()\nprint(\"learning rate set\")"
    return next(c for c in nb.cells if c.cell_type == "code" and marker in c.source and "checks." not in c.source)


@pytest.fixture(scope="session")  # session: made once even when other files run in between
def course(tmp_path_factory):
    root = tmp_path_factory.mktemp("nbgrader")
    solution = syn.write_solution(root / "tree", syn.demo_solution())
    course = root / "course"
    assert main(["nbgrader-course", str(course), str(solution)]) == 0
    nbgrader(course, "generate_assignment", ASSIGNMENT, "--force")
    released = nbformat.read(course / "release" / ASSIGNMENT / syn.NAME, as_version=4)

    def submit(student: str, answers: dict, written: bool = False) -> None:
        nb = nbformat.read(course / "release" / ASSIGNMENT / syn.NAME, as_version=4)
        for name, source in answers.items():
            _answer_cell(nb, name).source = source
        for cell in nb.cells:
            if written and cell.cell_type == "markdown" and cell.source.strip() == "YOUR ANSWER HERE":
                cell.source = "Because each column is one sample."
        folder = course / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / syn.NAME)
        (folder / "timestamp.txt").write_text("2026-11-25 12:00:00.000000 UTC")

    submit("correct", FILLED, written=True)
    submit("unfilled", {})
    submit("one_wrong", {**FILLED, "square": "def square(x):\n    return 2 * x"})
    nbgrader(course, "autograde", ASSIGNMENT, "--force")
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        scores = {}
        for student in ("correct", "unfilled", "one_wrong"):
            notebook = gradebook.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, student)
            scores[student] = (notebook.code_score, notebook.max_code_score, notebook.needs_manual_grade)
    return {"course": course, "released": released, "scores": scores}


def test_the_source_notebook_marks_every_cell_for_nbgrader():
    path = syn.write_solution(Path(__import__("tempfile").mkdtemp()), syn.demo_solution())
    nb = nbgrader_source(path)
    meta = [c.metadata["nbgrader"] for c in nb.cells]
    assert all(m["schema_version"] == 3 and m["grade_id"] for m in meta)
    assert len({m["grade_id"] for m in meta}) == len(meta), "grade ids are unique"
    checks = [m for m in meta if m["grade"] and not m["solution"]]
    answers = [m for m in meta if m["solution"] and not m["grade"]]
    written = [m for m in meta if m["solution"] and m["grade"]]
    assert len(checks) == 6 and all(m["locked"] and m["points"] == 1 for m in checks)
    assert [m["grade_id"] for m in checks] == [f"ex99_{i}_check" for i in range(1, 7)]
    assert len(answers) == 6 and len(written) == 2
    others = [m for m in meta if not m["solution"] and not m["grade"]]
    assert others and all(m["locked"] for m in others), "everything else is read-only"
    assert nbgrader_source(path).cells == nb.cells, "the same solution gives the same grade ids"


def test_points_come_from_the_solutions_cell_metadata(tmp_path):
    nb = syn.demo_solution()
    nb.cells[4].metadata["tutorial_lib"] = {"points": 3}
    meta = [c.metadata["nbgrader"] for c in nbgrader_source(syn.write_solution(tmp_path, nb)).cells]
    assert next(m for m in meta if m["grade_id"] == "ex99_1_check")["points"] == 3


def test_generate_assignment_hands_out_placeholders_and_locks_the_checks(course):
    released = course["released"]
    text = nbformat.writes(released)
    assert "X.sum(axis=1" not in text and "Because columns are samples" not in text
    assert "raise NotImplementedError()" in text and "YOUR ANSWER HERE" in text
    check_cells = [c for c in released.cells if c.cell_type == "code" and "checks.exercise_99_" in c.source]
    assert len(check_cells) == 6
    for cell in check_cells:
        assert cell.metadata.get("editable") is False and cell.metadata.get("deletable") is False
    assert all(c.get("outputs", []) == [] for c in released.cells if c.cell_type == "code")


def test_autograde_scores_full_zero_and_exactly_one_exercise_less(course):
    scores = course["scores"]
    assert scores["correct"][:2] == (6.0, 6.0)
    assert scores["unfilled"][:2] == (0.0, 6.0)
    assert scores["one_wrong"][:2] == (5.0, 6.0)
    assert scores["correct"][2] is True, "written answers go to a person"
    assert scores["unfilled"][2] is False, "an untouched answer scores 0 without a person"
