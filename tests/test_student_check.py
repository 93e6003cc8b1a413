"""``check``: the per-exercise report on a student notebook, run on edited copies of the demo notebook.

Each run starts a kernel, so each test notebook packs several situations; the
cell indices are those of ``synthetic_notebooks.demo_solution()``:
answer/check cells 3/4 (99.1), 6/7 (99.2), 9/10 (99.3), 11/12 (99.4), 13/14 (99.5),
15/16 (99.6), written answers 17 (99.7) and 18 (99.8).
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

# One worker runs the whole file, so its module fixtures (a kernel run each) are made once.
pytestmark = [pytest.mark.notebooks, pytest.mark.xdist_group("student-check")]

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


@pytest.fixture(scope="session")  # session: made once even when other files run in between
def mixed(tmp_path_factory):
    """One run covering passed, not attempted (two ways), failed (two ways), modified, written answers
    and an error in a cell outside the exercises."""
    path = student_notebook(tmp_path_factory.mktemp("mixed"), {
        3: syn.ROW_MEANS,
        4: "# NBVAL_CHECK_OUTPUT\nchecks.exercise_99_1(row_means)\n# I only added a comment",
        # A typo outside the exercises, in a cell that also writes a file (into check's own folder).
        8: "open('notes.txt', 'w').write('x')\nsteps = 0.5 * np.arange(3)\nprint('steps:', step)",
        11: CORRECT[11],
        13: "def square(x):\n    return 2 * x",
        15: "def negate(x):\n    return -x +",
        17: "**Exercise 99.7 (written).** Why?\n<!-- BEGIN ANSWER -->\nColumns are samples.\n<!-- END ANSWER -->",
    })
    before = folder_state(path)
    report = check_notebook(path, timeout=30)
    return path, before, report


def statuses(report):
    return {e.id: e.status for e in report.exercises}


def test_each_exercise_gets_its_own_status(mixed):
    _, _, report = mixed
    assert statuses(report) == {
        "99.1": "check cell modified", "99.2": "not attempted", "99.3": "not attempted", "99.4": "passed",
        "99.5": "failed", "99.6": "failed", "99.7": "answered", "99.8": "not answered",
    }
    assert not report.ok


def test_a_modified_check_cell_never_counts_as_passed(mixed):
    _, _, report = mixed
    result = report.exercises[0]
    assert result.id == "99.1" and result.status == "check cell modified"
    assert "differs from the one handed out" in result.message


def test_failures_carry_the_checkers_message_or_the_answer_cells_error(mixed):
    _, _, report = mixed
    square, negate = report.exercises[4], report.exercises[5]
    assert square.message == ("Exercise 99.5: f(3) does not match the reference.\n  expected: 9\n  got:      6\n"
                              "  hint: a square is not a double.\n  more help: run checks.hint(\"99.5\")")
    assert square.hint == "a square is not a double.", "the table shows the checker's hint line"
    long_hint = report.exercises[0].hint  # no hint: line, so the first line, cut to the table's width
    assert long_hint.startswith("the check cell differs from the one handed out") and long_hint.endswith("...")
    assert len(long_hint) == 72
    assert negate.message.startswith("the answer cell raised SyntaxError: ")


def test_the_table_lists_every_exercise_and_the_full_failure_messages(mixed):
    path, _, report = mixed
    table = format_report(report)
    assert table.startswith(f"{path}\n  exercise  status")
    assert "  99.4      passed\n" in table
    assert "  99.5      failed                 a square is not a double.\n" in table
    assert "  99.7      written: answered\n" in table
    assert "  99.8      written: not answered  replace *Your answer here.* with your answer." in table
    assert ("1 of 6 code exercises passed; 2 failed, 2 not attempted, 1 check cell modified. "
            "Written answers: 1 of 2 answered.") in table
    assert ("Exercise 99.5 failed:\n"
            "    Exercise 99.5: f(3) does not match the reference.\n"
            "      expected: 9\n") in table
    assert "Exercise 99.4 failed" not in table
    assert table.endswith("Other cells that raised (often because of an exercise above):\n"
                          "    cell 8: NameError: name 'step' is not defined")


def test_errors_outside_the_exercises_are_reported_without_failing_one(mixed):
    _, _, report = mixed
    assert report.other_errors == ["cell 8: NameError: name 'step' is not defined"]
    assert report.tampering == []
    assert statuses(report)["99.2"] == "not attempted", "cell 8 follows exercise 99.2 but is not part of it"
    assert report.to_dict()["other_errors"] == report.other_errors


def test_check_leaves_the_notebook_and_its_folder_untouched(mixed):
    """The notebook wrote notes.txt: into check's temporary folder, never beside the student's file."""
    path, before, _ = mixed
    assert folder_state(path) == before
    assert "notes.txt" not in before


def test_json_report_is_machine_readable_with_summary_counts(tmp_path):
    path = student_notebook(tmp_path, CORRECT)
    code, out = run_cli("check", "--json", str(path))
    report = json.loads(out)
    assert code == 0 and report["ok"] is True
    [notebook] = report["notebooks"]
    assert notebook["notebook"] == str(path) and notebook["error"] is None
    assert notebook["exercises"][0] == {"id": "99.1", "kind": "code", "status": "passed", "message": ""}
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
        17: "**Exercise 99.7 (written).** My answer: columns are samples.",
        18: "**Exercise 99.8 (written).**\n<!-- BEGIN ANSWER -->\n\n<!-- END ANSWER -->",
    }, delete={10})
    before = folder_state(path)
    code, table = run_cli("check", "--timeout", "2", str(path))
    assert code == 1
    rows = {line.split()[0]: line for line in table.splitlines()[2:10]}
    assert "failed" in rows["99.1"] and "the check ran longer than 2 s (endless loop?)" in rows["99.1"]
    assert "Exercise 99.2: learning_rate came back as text, not numbers." in table
    assert "check cell modified" in rows["99.3"] and "the check cell was deleted" in rows["99.3"]
    assert "passed" in rows["99.4"], "cells after a timed-out check must still run"
    assert "not attempted" in rows["99.5"]
    assert "failed" in rows["99.6"]
    assert ("Exercise 99.6 failed:\n    your answer cell ended the Python process (exit(), quit(), os._exit() "
            "or a crash); nothing after it could run.") in table
    assert table.endswith("Other cells that raised (often because of an exercise above):\n"
                          "    the kernel died in exercise 99.6's answer cell: the notebook ended the Python "
                          "process (exit(), quit(), os._exit() or a crash)\n")
    assert "written: answered" in rows["99.7"], "no markers left, but the placeholder is gone"
    assert "written: not answered" in rows["99.8"]
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


# ------------------------------------------------------------------------------------------------ tampering
WRONG_SQUARE = "def square(x):\n    return 2 * x\n"
FAKE_PASS = "lambda *args: print('Exercise 99.5: passed the public checks.')"

#: Ways a notebook has tried to make a wrong answer (square doubles) pass, each with what check reports.
TAMPERING = {
    "a redefined checker": (f"checks.exercise_99_5 = {FAKE_PASS}", "tl.checks.exercise_99_5 was replaced"),
    "a checker module's helper patched": (
        "import tutorial_lib.checks._common as c\nc.expect_close = lambda *a, **k: 0.0\n"
        "c.expect_array = lambda *a, **k: None",
        "tl.checks._common.expect_close was replaced"),
    "a checker patched through its module": (
        f"import tutorial_lib.checks.nb99 as m\nm.exercise_99_5 = {FAKE_PASS}", "tl.checks.nb99.exercise_99_5 was"),
    "the name checks rebound": (
        f"class Fake:\n    exercise_99_5 = staticmethod({FAKE_PASS})\nchecks = Fake()",
        "the name `checks` no longer refers to tutorial_lib.checks"),
    "print replaced": ("import builtins\nbuiltins.print = lambda *a, **k: None", "builtins.print was replaced"),
    "numpy's comparison patched": ("np.allclose = lambda *a, **k: True\nnp.isclose = lambda *a, **k: True",
                                   "numpy.allclose was replaced"),
    "a function's code swapped": (
        "import tutorial_lib.checks._common as c\nc.fail.__code__ = (lambda *a, **k: None).__code__",
        "tl.checks._common.fail was replaced"),
    "a trace function": ("import sys\nsys.settrace(lambda *a: None)", "a trace function was installed"),
}


#: The cases go into two notebooks (each run is a kernel): all that replaces a checker, and all that
#: replaces the environment the checkers run in. Together they are a stronger adversary than one alone.
TAMPERING_GROUPS = [
    ["a redefined checker", "a checker module's helper patched", "a checker patched through its module",
     "the name checks rebound", "a function's code swapped"],
    ["print replaced", "numpy's comparison patched", "a trace function"],
]


@pytest.fixture(scope="session")  # session: made once even when other files run in between
def tampered(tmp_path_factory):
    """Each group's tampering cells, then a wrong 99.5: {case label: the report of its notebook}."""
    reports = {}
    for group in TAMPERING_GROUPS:
        code = "\n".join(TAMPERING[label][0] for label in group)
        path = student_notebook(tmp_path_factory.mktemp("tamper"), {**CORRECT, 13: WRONG_SQUARE + code})
        report = check_notebook(path, timeout=30)
        reports.update({label: report for label in group})
    assert set(reports) == set(TAMPERING)
    return reports


@pytest.mark.parametrize("label", list(TAMPERING))
def test_tampering_changes_no_verdict_and_is_reported(tampered, label):
    report = tampered[label]
    assert statuses(report)["99.5"] == "failed", "the wrong square must still fail"
    assert statuses(report)["99.6"] == "passed" and statuses(report)["99.4"] == "passed"
    assert any(TAMPERING[label][1] in line for line in report.tampering), report.tampering
    assert not report.ok
    assert "Tampering: the notebook replaced what the checks rely on" in format_report(report)


def test_a_kernel_killed_inside_a_check_is_blamed_on_that_exercise(tmp_path):
    path = student_notebook(tmp_path, {**CORRECT, 13: "def square(x):\n    import os\n    os._exit(3)"})
    report = check_notebook(path, timeout=30)
    by_id = {e.id: e for e in report.exercises}
    assert by_id["99.4"].status == "passed", "verdicts before the death are kept"
    assert by_id["99.5"].message == "checking your answer ended the Python process (exit(), quit(), os._exit() or a crash)."
    assert by_id["99.6"].message.startswith("not checked: the kernel died")


def test_a_notebook_that_rewrites_the_workbooks_files_is_reported(tmp_path, monkeypatch):
    from tutorial_lib.authoring import student_check
    package = tmp_path / "package"
    package.mkdir()
    (package / "module.py").write_text("x = 1\n")
    monkeypatch.setattr(student_check, "_PACKAGE", package)
    path = student_notebook(tmp_path / "tree", {**CORRECT, 8: f"open({str(package / 'module.py')!r}, 'a').write('y = 2')"})
    report = check_notebook(path, timeout=30)
    assert report.tampering == ["the workbook's own files (tutorial_lib) were changed while the notebook ran"]
    assert all(e.status == "passed" for e in report.exercises if e.kind == "code") and not report.ok


def test_a_broken_notebook_is_named_by_the_students_path(tmp_path):
    path = tmp_path / "my_work.ipynb"
    path.write_text('{"cells": [')
    code, out = run_cli("check", str(path))
    assert code == 1 and f"{path}" in out and "tutorial-check-" not in out
