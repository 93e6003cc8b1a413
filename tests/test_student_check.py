"""``check``: the per-exercise report on a student notebook, run on edited copies of the demo notebook.

Each run starts a kernel, so each test notebook packs several situations; the
cell indices are those of ``synthetic_notebooks.demo_solution()``:
answer/check cells 3/4 (9.1), 6/7 (9.2), 9/10 (9.3), 11/12 (9.4), 13/14 (9.5),
15/16 (9.6), written answers 17 (9.7) and 18 (9.8).
"""

import contextlib
import io
import json

import nbformat
import pytest

import synthetic_notebooks as syn
from tutorial_lib.authoring.build import build_notebooks, target_path
from tutorial_lib.authoring.student_check import check_notebook, format_report
from tutorial_lib.cli import main

pytestmark = pytest.mark.notebooks

CORRECT = {3: syn.ROW_MEANS, 6: "learning_rate = 0.1", 9: "def double(x):\n    return 2 * x",
           11: "def halve(x):\n    return x / 2", 13: "def square(x):\n    return x * x",
           15: "def negate(x):\n    return -x"}


def student_notebook(root, sources=None, delete=()):
    """Build the demo under ``root`` and edit the student copy as a student would, saving with nbformat."""
    solution = syn.write_solution(root, syn.demo_solution())
    build_notebooks([solution])
    path = target_path(solution)
    nb = nbformat.read(path, as_version=4)
    for index, source in (sources or {}).items():
        nb.cells[index].source = source
    nb.cells = [cell for index, cell in enumerate(nb.cells) if index not in delete]
    nbformat.write(nb, path)
    return path


def folder_state(path):
    return {p.name: p.read_bytes() for p in path.parent.iterdir()}


def run_cli(*args):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(list(args))
    return code, out.getvalue()


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    """One run covering passed, not attempted (two ways), failed (two ways), modified, written answers
    and an error in a cell outside the exercises."""
    path = student_notebook(tmp_path_factory.mktemp("mixed"), {
        3: syn.ROW_MEANS,
        4: "# NBVAL_CHECK_OUTPUT\nchecks.exercise_9_1(row_means)\n# I only added a comment",
        8: "steps = 0.5 * np.arange(3)\nprint('steps:', step)",  # a typo outside the exercises
        11: CORRECT[11],
        13: "def square(x):\n    return 2 * x",
        15: "def negate(x):\n    return -x +",
        17: "**Exercise 9.7 (written).** Why?\n<!-- BEGIN ANSWER -->\nColumns are samples.\n<!-- END ANSWER -->",
    })
    before = folder_state(path)
    report = check_notebook(path, timeout=30)
    return path, before, report


def statuses(report):
    return {e.id: e.status for e in report.exercises}


def test_each_exercise_gets_its_own_status(mixed):
    _, _, report = mixed
    assert statuses(report) == {
        "9.1": "check cell modified", "9.2": "not attempted", "9.3": "not attempted", "9.4": "passed",
        "9.5": "failed", "9.6": "failed", "9.7": "answered", "9.8": "not answered",
    }
    assert not report.ok


def test_a_modified_check_cell_never_counts_as_passed(mixed):
    _, _, report = mixed
    result = report.exercises[0]
    assert result.id == "9.1" and result.status == "check cell modified"
    assert "differs from the one handed out" in result.message


def test_failures_carry_the_checkers_message_or_the_answer_cells_error(mixed):
    _, _, report = mixed
    square, negate = report.exercises[4], report.exercises[5]
    assert square.message == "Exercise 9.5: f(3) returned 6, expected 9.\n  hint: x ** 2, not 2 * x."
    assert square.hint == "x ** 2, not 2 * x.", "the table shows the checker's hint line"
    long_hint = report.exercises[0].hint  # no hint: line, so the first line, cut to the table's width
    assert long_hint.startswith("the check cell differs from the one handed out") and long_hint.endswith("...")
    assert len(long_hint) == 72
    assert negate.message.startswith("the answer cell raised SyntaxError: ")


def test_the_table_lists_every_exercise_and_the_full_failure_messages(mixed):
    path, _, report = mixed
    table = format_report(report)
    assert table.startswith(f"{path}\n  exercise  status")
    assert "  9.4       passed\n" in table
    assert "  9.5       failed                 x ** 2, not 2 * x.\n" in table
    assert "  9.7       written: answered\n" in table
    assert "  9.8       written: not answered  replace *Your answer here.* with your answer." in table
    assert ("1 of 6 code exercises passed; 2 failed, 2 not attempted, 1 check cell modified. "
            "Written answers: 1 of 2 answered.") in table
    assert ("Exercise 9.5 failed:\n"
            "    Exercise 9.5: f(3) returned 6, expected 9.\n"
            "      hint: x ** 2, not 2 * x.") in table
    assert "Exercise 9.4 failed" not in table
    assert table.endswith("Other cells that raised (often because of an exercise above):\n"
                          "    cell 8: NameError: name 'step' is not defined")


def test_errors_outside_the_exercises_are_reported_without_failing_one(mixed):
    _, _, report = mixed
    assert report.other_errors == ["cell 8: NameError: name 'step' is not defined"]
    assert statuses(report)["9.2"] == "not attempted", "cell 8 follows exercise 9.2 but is not part of it"
    assert report.to_dict()["other_errors"] == report.other_errors


def test_check_leaves_the_notebook_and_its_folder_untouched(mixed):
    path, before, _ = mixed
    assert folder_state(path) == before


def test_json_report_is_machine_readable_with_summary_counts(tmp_path):
    path = student_notebook(tmp_path, CORRECT)
    code, out = run_cli("check", "--json", str(path))
    report = json.loads(out)
    assert code == 0 and report["ok"] is True
    [notebook] = report["notebooks"]
    assert notebook["notebook"] == str(path) and notebook["error"] is None
    assert notebook["exercises"][0] == {"id": "9.1", "kind": "code", "status": "passed", "message": ""}
    assert notebook["exercises"][-1]["kind"] == "written"
    assert notebook["other_errors"] == []
    assert notebook["summary"] == {"passed": 6, "failed": 0, "not attempted": 0, "check cell modified": 0,
                                   "answered": 0, "not answered": 2}


def test_timeouts_type_errors_deleted_checks_and_a_dead_kernel(tmp_path):
    path = student_notebook(tmp_path, {
        3: "def row_means(X):\n    while True:\n        pass",
        6: 'learning_rate = "fast"',
        11: CORRECT[11],
        15: "import os\nos._exit(1)",
        17: "**Exercise 9.7 (written).** My answer: columns are samples.",
        18: "**Exercise 9.8 (written).**\n<!-- BEGIN ANSWER -->\n\n<!-- END ANSWER -->",
    }, delete={10})
    before = folder_state(path)
    code, table = run_cli("check", "--timeout", "2", str(path))
    assert code == 1
    rows = {line.split()[0]: line for line in table.splitlines()[2:10]}
    assert "failed" in rows["9.1"] and "the check cell ran longer than 2 s and was interrupted" in rows["9.1"]
    assert "the check cell raised TypeError: '<' not supported" in rows["9.2"]
    assert "check cell modified" in rows["9.3"] and "the check cell was deleted" in rows["9.3"]
    assert "passed" in rows["9.4"], "cells after a timed-out cell must still run"
    assert "not attempted" in rows["9.5"]
    assert "the check cell did not finish: the kernel died while running cell 14" in table
    assert table.endswith("Other cells that raised (often because of an exercise above):\n"
                          "    the kernel died while running cell 14\n")
    assert "written: answered" in rows["9.7"], "no markers left, but the placeholder is gone"
    assert "written: not answered" in rows["9.8"]
    assert folder_state(path) == before


def test_a_notebook_that_is_not_a_student_notebook_is_reported_clearly(tmp_path):
    solution = syn.write_solution(tmp_path, syn.demo_solution())
    garbage = tmp_path / "garbage.ipynb"
    garbage.write_text("not json")
    code, out = run_cli("check", str(solution), str(garbage), str(tmp_path / "missing.ipynb"))
    assert code == 1
    assert "is not a student notebook built by `python -m tutorial_lib build`" in out
    assert "not a valid Jupyter notebook" in out
    assert "cannot read it: No such file or directory." in out
