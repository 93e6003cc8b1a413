"""``python -m tutorial_lib grade``: a simulated class of the demo notebook, graded once (two at a time).

The class has a correct student, one wrong exercise, an untouched notebook, and notebooks that hang,
kill their kernel, eat memory, fork and delete files, or tamper with the checks; plus the folder's bad
input: a stray file, a non-notebook, two versions of one notebook, the same student twice in
different case, an unreadable notebook, a notebook of another course.  Each misbehaving notebook
must fail alone, the run must go on, and no submission's bytes may change.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import os
import shutil
from pathlib import Path

import nbformat
import pytest

import synthetic_notebooks as syn
from tutorial_lib.authoring.build import build_notebooks, target_path
from tutorial_lib.cli import main
from tutorial_lib.grading.worker import NOBODY

# One worker runs the whole file, so its module fixtures (a kernel run each) are made once.
pytestmark = [pytest.mark.notebooks, pytest.mark.xdist_group("grade")]

SEED = 20261125
#: Answer cells of the demo (index: source), all correct.
CORRECT = {3: "\n".join(line for line in syn.ROW_MEANS.split("\n") if "SOLUTION" not in line),
           6: "learning_rate = 0.1", 9: "def double(x):\n    return 2 * x", 11: "def halve(x):\n    return x / 2",
           13: "def square(x):\n    return x * x", 15: "def negate(x):\n    return -x"}


def _class(root: Path) -> Path:
    """The submissions folder of the simulated class (see the module docstring)."""
    solution = syn.write_solution(root, syn.demo_solution())
    build_notebooks([solution])
    handed_out = target_path(solution)
    subs = root / "submissions"

    def student(name: str, edits: dict, file_name: str = syn.NAME) -> Path:
        nb = nbformat.read(handed_out, as_version=4)
        for index, source in edits.items():
            nb.cells[index].source = source
        folder = subs / name
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, folder / file_name)
        return folder / file_name

    student("alice", CORRECT)
    student("bob", {**CORRECT, 13: "def square(x):\n    return 2 * x"})
    student("carol", {})
    student("dave", {**CORRECT, 9: "def double(x):\n    while True:\n        pass"})
    student("erin", {**CORRECT, 11: "import os\nos._exit(1)"})
    student("frank", {**CORRECT, 13: "def square(x):\n    return 2 * x\n"
                                     "checks.exercise_99_5 = lambda f: print('Exercise 99.5: passed the public checks.')"})
    student("grace", {**CORRECT, 9: "import numpy as np\nhog = np.ones((40_000, 40_000))\n" + CORRECT[9]})
    student("heidi", {**CORRECT, 9: (
        "import os, shutil\n"
        f"shutil.rmtree({str(subs)!r}, ignore_errors=True)\n"
        "children = 0\n"
        "try:\n"
        "    for _ in range(100):\n"
        "        if os.fork() == 0:\n"
        "            import time\n"
        "            time.sleep(60)\n"
        "            os._exit(0)\n"
        "        children += 1\n"
        "except OSError:\n"
        "    pass\n" + CORRECT[9])})
    student("ivan", {**CORRECT, 3: "import numpy as np\ndef row_means(X):\n    return np.array([[1.0], [4.0]])"})
    # Bad input.
    (subs / "notes.txt").write_text("a stray file")
    (subs / "alice" / "README.md").write_text("not a notebook")
    shutil.copy(subs / "alice" / syn.NAME, subs / "alice" / "99_demo-Copy1.ipynb")
    student("Alice ", CORRECT)
    (subs / "judy").mkdir()
    (subs / "judy" / syn.NAME).write_text("{ this is not json")
    other = student("ken", CORRECT, "42_other_course.ipynb")
    nb = nbformat.read(other, as_version=4)
    nb.metadata["tutorial_lib"]["source"] = "solutions/42_other_course.ipynb"
    nbformat.write(nb, other)
    return subs


def _nobody_processes(zombies: bool = False) -> set[int]:
    """Processes of nobody; killed ones waiting to be reaped (state Z) count only with ``zombies``."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
                if entry.stat().st_uid == NOBODY and (zombies or state != "Z"):
                    found.add(int(entry.name))
            except (FileNotFoundError, ProcessLookupError, IndexError):
                pass
    return found


def _tree_digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _grade(capsys, subs: Path, out: Path, *extra: str) -> tuple[int, str]:
    code = main(["grade", str(subs), "--out", str(out), "--solutions", str(subs.parent / "solutions"),
                 "--seed", str(SEED), "--jobs", "2", "--timeout", "40", "--memory", "3072", *extra])
    return code, capsys.readouterr().out


@pytest.fixture(scope="session")  # session: made once even when other files run in between
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("class")
    subs = _class(root)
    before = _tree_digest(subs)
    nobody_before = _nobody_processes()
    out = root / "out"
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = main(["grade", str(subs), "--out", str(out), "--solutions", str(root / "solutions"),
                     "--seed", str(SEED), "--jobs", "2", "--timeout", "40", "--memory", "3072"])
    rows = _rows(out)
    return {"root": root, "subs": subs, "out": out, "code": code, "summary": buffer.getvalue(), "rows": rows,
            "before": before, "nobody_before": nobody_before}


def _rows(out: Path) -> list[dict]:
    return list(csv.DictReader((out / "gradebook.csv").read_text(encoding="utf-8").splitlines()))


def _points(rows, student):
    mine = [r for r in rows if r["student"] == student and r["kind"] == "code"]
    return sum(float(r["points"]) for r in mine), {r["exercise"]: r for r in mine}


def test_the_gradebook_has_a_row_per_student_and_exercise(graded):
    rows = graded["rows"]
    assert graded["code"] == 0
    assert list(rows[0]) == ["student", "notebook", "exercise", "kind", "status", "points", "max_points", "message",
                             "flag"]
    students = sorted({r["student"] for r in rows})
    assert students == sorted(["Alice ", "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan",
                               "judy", "ken"])
    assert all(len([r for r in rows if r["student"] == s]) == 8 for s in students)
    written = [r for r in rows if r["kind"] == "written"]
    assert {r["status"] for r in written} == {"manual"} and {r["points"] for r in written} == {""}


@pytest.mark.parametrize("student, total, lost", [
    ("alice", 6, {}),
    ("bob", 5, {"99.5": "failed"}),
    ("carol", 0, {e: "not attempted" for e in ("99.1", "99.2", "99.3", "99.4", "99.5", "99.6")}),
    ("dave", 5, {"99.3": "failed"}),  # hangs: only its own exercise
    ("erin", 3, {"99.4": "failed", "99.5": "failed", "99.6": "failed"}),  # killed its kernel in 99.4's cell
    ("frank", 5, {"99.5": "failed"}),  # tampering cannot make the wrong square pass
    ("grace", 5, {"99.3": "failed"}),  # the memory limit stops its allocation
    ("heidi", 6, {}),  # forks and deletes, but its answers are right: as nobody, it deleted nothing
    ("ivan", 5, {"99.1": "failed"}),  # tuned to the public input: the hidden ones catch it
])
def test_each_student_gets_the_points_of_their_own_work(graded, student, total, lost):
    got, by_exercise = _points(graded["rows"], student)
    assert got == total, {e: (r["status"], r["message"][:80]) for e, r in by_exercise.items()}
    for exercise, status in lost.items():
        assert by_exercise[exercise]["status"] == status and by_exercise[exercise]["points"] == "0"


def test_misbehaving_notebooks_fail_alone_with_a_reason(graded):
    _, rows = _points(graded["rows"], "dave")
    assert "longer than 10 s" in rows["99.3"]["message"]
    _, rows = _points(graded["rows"], "erin")
    assert "ended the Python process" in rows["99.4"]["message"]
    _, rows = _points(graded["rows"], "grace")
    assert "MemoryError" in rows["99.3"]["message"]
    _, rows = _points(graded["rows"], "frank")
    assert "tl.checks.exercise_99_5 was replaced" in rows["99.5"]["flag"]


def test_no_submission_changes_and_no_process_outlives_the_run(graded):
    assert _tree_digest(graded["subs"]) == graded["before"]
    if os.geteuid() == 0:  # the kernels ran as nobody: their forks are killed with them
        import time
        deadline = time.monotonic() + 20  # killed at the end of each notebook; give the system time to reap
        while not _nobody_processes() <= graded["nobody_before"] and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _nobody_processes() <= graded["nobody_before"]
        # Killed and reaped by the worker, its subreaper: no zombie counts against the next kernels.
        assert _nobody_processes(zombies=True) <= graded["nobody_before"]


def test_bad_input_gets_a_clear_line_each_never_a_crash_or_a_silent_zero(graded):
    summary = graded["summary"]
    for line in ("notes.txt: a file directly in submissions/ is not graded",
                 "alice/README.md: not a notebook, not graded",
                 "alice/: 2 versions of 99_demo.ipynb; graded 99_demo.ipynb, ignored 99_demo-Copy1.ipynb",
                 "possibly the same student twice: 'Alice ', 'alice'",
                 "judy/99_demo.ipynb: could not be graded",
                 "ken/42_other_course.ipynb: a notebook of another course"):
        assert line in summary, summary
    _, judy = _points(graded["rows"], "judy")
    assert {r["status"] for r in judy.values()} == {"error"} and "not a valid Jupyter notebook" in judy["99.1"]["message"]
    _, ken = _points(graded["rows"], "ken")
    assert {r["status"] for r in ken.values()} == {"missing"}


def test_feedback_and_gradescope_files_agree_with_the_gradebook(graded):
    out = graded["out"]
    feedback = (out / "feedback" / "bob.md").read_text()
    assert feedback.startswith("# Feedback for bob\n") and "## 99_demo: 5 of 6 points" in feedback
    assert "### Exercise 99.5: failed" in feedback and "a square is not a double" in feedback
    results = json.loads((out / "gradescope" / "bob" / "results.json").read_text())
    assert results["score"] == 5 and len(results["tests"]) == 6
    test = next(t for t in results["tests"] if t["name"].endswith("exercise 99.5"))
    assert test == {"name": "99_demo: exercise 99.5", "score": 0.0, "max_score": 1.0, "status": "failed",
                    "output": test["output"], "visibility": "visible"} and "a square" in test["output"]
    frank = (out / "feedback" / "frank.md").read_text()
    assert "**For review:** the notebook replaced what the checks rely on" in frank


def test_a_second_run_grades_only_what_changed(graded, capsys):
    subs, out = graded["subs"], graded["out"]
    code, summary = _grade(capsys, subs, out)
    assert code == 0 and "Graded 0 notebooks; 11 notebooks unchanged since the last run" in summary
    nb = nbformat.read(subs / "bob" / syn.NAME, as_version=4)
    nb.cells[13].source = CORRECT[13]
    nbformat.write(nb, subs / "bob" / syn.NAME)
    code, summary = _grade(capsys, subs, out)
    assert "Graded 1 notebook; 10 notebooks unchanged" in summary
    assert _points(_rows(out), "bob")[0] == 6


@pytest.mark.skipif(os.geteuid() != 0, reason="the process limit applies to the unprivileged user a root grader uses")
def test_a_kernel_started_as_root_cannot_fork_without_bound(tmp_path):
    """The kernel set-up of grade, run in a child as root: it becomes nobody, and forking stops at the limit."""
    import subprocess
    import sys
    from tutorial_lib.grading.worker import MAX_PROCESSES, kernel_setup
    script = kernel_setup(2048, tmp_path / "pid") + (
        "\nimport signal, time\nchildren = []\ntry:\n    for _ in range(5 * %d):\n        pid = os.fork()\n"
        "        if pid == 0:\n            time.sleep(30)\n            os._exit(0)\n        children.append(pid)\n"
        "except OSError:\n    print('stopped', len(children), flush=True)\n"
        "for pid in children:\n    os.kill(pid, signal.SIGKILL)\n    os.waitpid(pid, 0)\n" % MAX_PROCESSES)
    before = _nobody_processes(zombies=True)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                            start_new_session=True)
    stopped = [line for line in result.stdout.splitlines() if line.startswith("stopped")]
    assert stopped and int(stopped[0].split()[1]) < MAX_PROCESSES, result.stdout + result.stderr
    import time
    deadline = time.monotonic() + 15  # the script reaps its forks; let anything else of nobody's settle
    while not _nobody_processes(zombies=True) <= before and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _nobody_processes(zombies=True) <= before, "the forks must be gone before the next kernel starts"


def test_an_empty_folder_and_a_missing_course_are_said_plainly(tmp_path, capsys):
    syn.write_solution(tmp_path, syn.demo_solution())
    (tmp_path / "empty").mkdir()
    code, out = _grade(capsys, tmp_path / "empty", tmp_path / "out")
    assert code == 2 and "no student folders found" in out
    code = main(["grade", str(tmp_path / "empty"), "--out", str(tmp_path / "out"), "--solutions",
                 str(tmp_path / "nothing")])
    assert code == 2 and "no solution notebooks" in capsys.readouterr().out


def test_a_correct_course_notebook_gets_every_point(tmp_path, capsys):
    """A real notebook of the course, every answer the solution's, graded as root would grade it: its
    set-up imports (numpy, scikit-learn, matplotlib, the standard library) all work in the limited
    kernel, and every code exercise scores."""
    name = "01_logistic_warmup.ipynb"
    solution = tmp_path / "solutions" / name
    solution.parent.mkdir()
    shutil.copy(Path(__file__).resolve().parents[1] / "solutions" / name, solution)
    build_notebooks([solution])
    nb = nbformat.read(target_path(solution), as_version=4)
    answers = {c.id: c.source for c in nbformat.read(solution, as_version=4).cells}
    for cells in nb.metadata["tutorial_lib"]["exercise_cells"].values():
        if "check" in cells:
            next(c for c in nb.cells if c.id == cells["answer"]).source = answers[cells["answer"]]
    (tmp_path / "subs" / "ada").mkdir(parents=True)
    nbformat.write(nb, tmp_path / "subs" / "ada" / name)
    # The default limits of grade (60 s a cell): a real notebook on a loaded machine needs more than the
    # demo's 10 s.
    code, summary = _grade(capsys, tmp_path / "subs", tmp_path / "out", "--timeout", "300")
    rows = [r for r in _rows(tmp_path / "out") if r["kind"] == "code"]
    assert code == 0 and rows and all(r["status"] == "passed" for r in rows), (summary, [
        (r["exercise"], r["message"][:200]) for r in rows if r["status"] != "passed"])
    report = json.loads(next((tmp_path / "out" / ".cache" / "ada").glob("*.json")).read_text())["report"]
    assert report["other_errors"] == [] and report["tampering"] == []
