"""``build``: the student copy of a solution notebook, its validation, the manifest and ``--check``."""

import hashlib
import json
import os
import re
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell

import synthetic_notebooks as syn
from tutorial_lib.authoring.build import build_notebooks, student_notebook, target_path
from tutorial_lib.authoring.notebook_io import NotebookFormatError, read_notebook
from tutorial_lib.cli import main

ROOT = Path(__file__).resolve().parents[1]


def sha256(data):
    return hashlib.sha256(data if isinstance(data, bytes) else data.encode()).hexdigest()


@pytest.fixture
def solution(tmp_path):
    """The demo solution in a fresh ``<tmp>/solutions/``."""
    return syn.write_solution(tmp_path, syn.demo_solution())


@pytest.fixture
def built(solution, monkeypatch, capsys):
    """The demo built once with the CLI, run from the tree's root; yields the student notebook's path."""
    monkeypatch.chdir(solution.parent.parent)
    assert main(["build"]) == 0
    capsys.readouterr()
    return target_path(solution)


def manifest(notebooks):
    return json.loads((notebooks / ".build-manifest.json").read_text())


# ---------------------------------------------------------------------------------------------- the student copy

def test_answer_cells_get_placeholders_and_lose_their_outputs(solution):
    student = student_notebook(read_notebook(solution), solution)
    row_means, learning_rate = student.cells[3], student.cells[6]
    assert row_means.source == (
        'def row_means(X):\n'
        '    """Mean of each row of X (features, n): shape (features, 1)."""\n'
        '    # YOUR CODE HERE\n'
        '    raise NotImplementedError()'
    )
    assert learning_rate.source == '# YOUR CODE HERE\nraise NotImplementedError()\nprint("learning rate set")'
    for cell in (row_means, learning_rate):
        assert cell.outputs == [] and cell.execution_count is None
    assert "X.sum" not in nbformat.writes(student) and "0.1" not in learning_rate.source


def test_written_answers_become_placeholders_between_the_markers(solution):
    student = student_notebook(read_notebook(solution), solution)
    assert student.cells[17].source == (
        "**Exercise 99.7 (written).** Why average over the columns?\n\n"
        "<!-- BEGIN ANSWER -->\n*Your answer here.*\n<!-- END ANSWER -->"
    )
    assert "diverges" not in student.cells[18].source


def test_ids_order_sources_and_metadata_are_kept(solution):
    original = read_notebook(solution)
    student = student_notebook(original, solution)
    assert [c.id for c in student.cells] == [c.id for c in original.cells]
    assert [c.cell_type for c in student.cells] == [c.cell_type for c in original.cells]
    for index in (0, 2):  # markdown cells
        assert student.cells[index] == original.cells[index]
    for index in (1, 8):  # set-up and narrative code cells: the same code
        assert student.cells[index].source == original.cells[index].source
    assert student.metadata.kernelspec == original.metadata.kernelspec
    assert "BEGIN SOLUTION" in original.cells[3].source, "the solution notebook must not be modified"


def test_a_student_sees_no_output_and_no_execution_count_of_a_run_they_never_made(solution):
    original = read_notebook(solution)
    student = student_notebook(original, solution)
    assert any(c.get("outputs") for c in original.cells) and any(c.get("execution_count") for c in original.cells)
    for cell in student.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source
    assert "passed the public checks" not in nbformat.writes(student)


def test_what_an_illustration_shows_moves_into_a_markdown_cell_below_it(tmp_path):
    nb = syn.demo_solution()
    nb.cells[8].metadata["tags"] = ["illustration"]
    nb.cells[8].outputs += [nbformat.v4.new_output("display_data", data={"image/png": "iVBORw0KGgo=",
                                                                        "text/plain": "<Figure>"}),
                            nbformat.v4.new_output("execute_result", data={"text/plain": "3"}, execution_count=4)]
    solution = syn.write_solution(tmp_path, nb)
    student = student_notebook(read_notebook(solution), solution)
    code, shown = student.cells[8], student.cells[9]
    assert code.outputs == [] and code.execution_count is None, "the code cell itself stays unrun"
    assert shown.cell_type == "markdown" and shown.id == f"{code.id}-shown"
    assert shown.source == ("*What the cell above shows when you run it:*\n\n```text\nsteps: [0.  0.5 1. ]\n```\n\n"
                            "![figure-1.png](attachment:figure-1.png)\n\n```text\n3\n```")
    assert shown.attachments == {"figure-1.png": {"image/png": "iVBORw0KGgo="}}
    assert len(student.cells) == len(nb.cells) + 1 and student.cells[10].id == nb.cells[9].id
    assert student.cells[1].outputs == [], "untagged cells lose theirs"


@pytest.mark.parametrize("index, problem", [
    (3, "an answer or check cell's output is the student's to produce"),
    (4, "an answer or check cell's output is the student's to produce"),
    (2, "only code cells have outputs to keep"),
])
def test_the_illustration_tag_is_refused_where_outputs_are_the_students(tmp_path, index, problem):
    nb = syn.demo_solution()
    nb.cells[index].metadata["tags"] = ["illustration"]
    solution = syn.write_solution(tmp_path, nb)
    with pytest.raises(NotebookFormatError, match=re.escape(problem)):
        student_notebook(read_notebook(solution), solution)


def test_an_illustration_showing_a_widget_is_refused_and_widget_state_is_dropped(tmp_path):
    nb = syn.demo_solution()
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}, "version_major": 2}}
    solution = syn.write_solution(tmp_path, nb)
    assert "widgets" not in student_notebook(read_notebook(solution), solution).metadata
    nb.cells[8].metadata["tags"] = ["illustration"]
    nb.cells[8].outputs = [nbformat.v4.new_output(
        "display_data", data={"application/vnd.jupyter.widget-view+json": {"model_id": "x", "version_major": 2}})]
    solution = syn.write_solution(tmp_path, nb)
    with pytest.raises(NotebookFormatError, match="its output is a widget"):
        student_notebook(read_notebook(solution), solution)


def test_check_cells_lose_the_nbval_marker_point_to_hints_and_are_locked(solution):
    original = read_notebook(solution)
    student = student_notebook(original, solution)
    for index, exercise in ((4, "99.1"), (7, "99.2"), (16, "99.6")):
        cell = student.cells[index]
        assert cell.source == (f'# Check exercise {exercise}. Stuck? Run checks.hint("{exercise}") in a new cell.\n'
                               f"checks.exercise_{exercise.replace('.', '_')}"
                               + original.cells[index].source.split(f"exercise_{exercise.replace('.', '_')}")[1])
        assert "NBVAL" not in cell.source
        assert cell.metadata["editable"] is False and cell.metadata["deletable"] is False
    assert "editable" not in student.cells[3].metadata, "answer cells stay editable"


def test_no_line_of_a_model_answer_reaches_the_student(tmp_path):
    """Every line between the markers is gone, whatever the length of the solution (a build that kept the
    last line of long solutions would hand out their final step)."""
    answer = ("def f(x):\n    ### BEGIN SOLUTION\n    first_step = x + 1\n    second_step = first_step * 2\n"
              "    third_step = second_step - 3\n    return third_step\n    ### END SOLUTION")
    nb = syn.demo_solution()
    nb.cells[9].source = answer
    solution = syn.write_solution(tmp_path, nb)
    student = nbformat.writes(student_notebook(read_notebook(solution), solution))
    for line in ("first_step = x + 1", "second_step = first_step * 2", "third_step = second_step - 3",
                 "return third_step"):
        assert line not in student


def test_no_line_of_the_real_model_answers_reaches_the_students(tmp_path):
    """The same over every solution notebook of the course: each solution line that does not also stand
    outside the markers of its cell is absent from the student cell."""
    from tutorial_lib.authoring.markers import CODE, find_regions
    for solution in sorted((ROOT / "solutions").glob("*.ipynb")):
        original = read_notebook(solution)
        student = student_notebook(original, solution)
        for before, after in zip(original.cells, student.cells):
            if before.cell_type != "code" or not find_regions(before.source, CODE):
                continue
            lines = before.source.split("\n")
            inside = set()
            for begin, end in find_regions(before.source, CODE):
                inside.update(line.strip() for line in lines[begin + 1:end])
            outside = {line.strip() for i, line in enumerate(lines)
                       if not any(b <= i <= e for b, e in find_regions(before.source, CODE))}
            handed_out = {line.strip() for line in after.source.split("\n")}
            for line in inside - outside - {""}:
                assert line not in handed_out, (solution.name, line)


def test_the_same_solution_gives_the_same_bytes_wherever_the_tree_is(tmp_path):
    first = syn.write_solution(tmp_path / "a", syn.demo_solution())
    second = tmp_path / "b" / "solutions" / first.name
    second.parent.mkdir(parents=True)
    second.write_bytes(first.read_bytes())
    build_notebooks([first])
    build_notebooks([second])
    data = target_path(first).read_bytes()
    assert data == target_path(second).read_bytes()
    assert data == (nbformat.writes(nbformat.reads(data.decode(), as_version=4)) + "\n").encode()


# ------------------------------------------------------------------------------------------------ errors

def exercise_cells(exercise="99.1"):
    return [syn.answer_cell(syn.one_liner("f", "x")), syn.check_cell(exercise, "f")]


BROKEN = {
    "begin-without-end": (
        lambda: [syn.answer_cell("def f(x):\n    ### BEGIN SOLUTION\n    return x"), syn.check_cell("99.1", "f")],
        1, "has no '### END SOLUTION' after it in the same cell"),
    "nested-markers": (
        lambda: [syn.answer_cell("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION\n### END SOLUTION"),
                 syn.check_cell("99.1", "f")],
        1, "markers may not nest"),
    "no-check-below": (
        lambda: [syn.answer_cell(syn.one_liner("f", "x")), new_markdown_cell("text"), syn.check_cell("99.1", "f")],
        1, "an answer cell needs a check cell directly below it"),
    "answer-cell-last": (lambda: [syn.answer_cell(syn.one_liner("f", "x"))], 1, "found the end of the notebook"),
    "check-not-below-answer": (
        lambda: [new_code_cell("f = abs"), syn.check_cell("99.1", "f")],
        2, "must sit directly below its answer cell"),
    "check-without-call": (
        lambda: [syn.answer_cell(syn.one_liner("f", "x")), new_code_cell("# NBVAL_CHECK_OUTPUT\nprint(f(1))")],
        2, "must call exactly one checks.exercise_N_M(...); found 0 calls"),
    "check-with-two-calls": (
        lambda: [syn.answer_cell(syn.one_liner("f", "x")),
                 new_code_cell("# NBVAL_CHECK_OUTPUT\nchecks.exercise_99_1(f)\nchecks.exercise_99_2(f)")],
        2, "found 2 calls (exercise_99_1, exercise_99_2)"),
    "check-with-markers": (
        lambda: [syn.answer_cell(syn.one_liner("f", "x")),
                 new_code_cell("# NBVAL_CHECK_OUTPUT\n### BEGIN SOLUTION\nchecks.exercise_99_1(f)\n### END SOLUTION")],
        2, "a check cell cannot hold"),
    "duplicate-code-id": (lambda: exercise_cells() + exercise_cells(), 4, "exercise 99.1 appears twice: also in cell 2"),
    "duplicate-written-id": (
        lambda: exercise_cells() + [new_markdown_cell(syn.WRITTEN.format(id="99.1", question="?", answer="!"))],
        3, "exercise 99.1 appears twice"),
    "written-without-id": (
        lambda: [new_markdown_cell("Why?\n<!-- BEGIN ANSWER -->\nBecause.\n<!-- END ANSWER -->")],
        1, "a written answer must name its exercise"),
    "unbalanced-written": (lambda: [new_markdown_cell("**Exercise 99.1** <!-- BEGIN ANSWER -->")], 1,
                           "looks like a marker"),
    "other-notebooks-exercise": (lambda: exercise_cells("3.1"), 2, "exercise 3.1 does not belong to notebook 99"),
    "solution-not-executed": (
        lambda: [syn.answer_cell(syn.one_liner("f", "x")), syn.check_cell("99.1", "f", saved_output=False)],
        2, "has no saved output 'Exercise 99.1: passed the public checks.'; run `python -m tutorial_lib execute"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_solutions_are_rejected_naming_notebook_and_cell(case, tmp_path):
    make_cells, index, message = BROKEN[case]
    nb = syn.notebook(syn.setup_cell(), *make_cells())
    path = syn.write_solution(tmp_path, nb)
    with pytest.raises(NotebookFormatError) as raised:
        student_notebook(read_notebook(path), path)
    error = raised.value
    assert isinstance(error, ValueError)
    assert (error.cell_index, error.cell_id) == (index, nb.cells[index].id)
    assert str(error).startswith(f"{path}, cell {index} (id '{nb.cells[index].id}'): ")
    assert message in str(error)


def test_cli_prints_the_error_exits_2_and_writes_nothing(tmp_path, monkeypatch, capsys):
    good = syn.write_solution(tmp_path, syn.demo_solution(), "08_good.ipynb")
    good.write_text(good.read_text().replace("99.", "8.").replace("99_", "8_"))
    broken = syn.write_solution(tmp_path, syn.notebook(*BROKEN["no-check-below"][0]()))
    monkeypatch.chdir(tmp_path)
    assert main(["build"]) == 2
    err = capsys.readouterr().err
    assert f"error: {os.path.join('solutions', broken.name)}, cell 0" in err
    assert "an answer cell needs a check cell directly below it" in err
    assert not (tmp_path / "notebooks").exists(), "one broken solution must stop the whole build"


@pytest.mark.parametrize("repair", ["duplicate", "missing"])
def test_cell_ids_that_nbformat_would_repair_are_rejected(repair, tmp_path):
    data = json.loads(nbformat.writes(syn.demo_solution()))
    if repair == "duplicate":
        data["cells"][1]["id"] = data["cells"][0]["id"]
    else:
        del data["cells"][1]["id"]
    path = tmp_path / "solutions" / syn.NAME
    path.parent.mkdir()
    path.write_text(json.dumps(data))
    with pytest.raises(NotebookFormatError, match="nbformat had to repair the notebook"):
        read_notebook(path)


# -------------------------------------------------------------------------------------- manifest and --force

def test_build_records_the_hash_of_the_bytes_it_wrote(built):
    assert manifest(built.parent) == {built.name: sha256(built.read_bytes())}


def test_building_the_same_content_again_is_a_no_op(built, capsys):
    before = built.stat().st_mtime_ns, (built.parent / ".build-manifest.json").stat().st_mtime_ns
    assert main(["build"]) == 0
    assert capsys.readouterr().out == f"up to date: {os.path.join('notebooks', built.name)}\n"
    assert (built.stat().st_mtime_ns, (built.parent / ".build-manifest.json").stat().st_mtime_ns) == before


def test_a_changed_solution_overwrites_an_untouched_student_notebook(built, solution, capsys):
    nb = read_notebook(solution)
    nb.cells[0].source = "# Demo notebook, second edition"
    nbformat.write(nb, solution)
    assert main(["build"]) == 0
    assert read_notebook(built).cells[0].source == "# Demo notebook, second edition"
    assert manifest(built.parent)[built.name] == sha256(built.read_bytes())


def student_edit(path):
    nb = read_notebook(path)
    nb.cells[3].source = "def row_means(X):\n    return X.mean(axis=1, keepdims=True)  # my answer"
    nbformat.write(nb, path)
    return path.read_bytes()


def test_a_student_notebook_edited_after_the_build_is_not_overwritten(built, solution, capsys):
    edited = student_edit(built)
    nb = read_notebook(solution)
    nb.cells[0].source = "# A new title"
    nbformat.write(nb, solution)
    recorded = manifest(built.parent)
    assert main(["build"]) == 1
    err = capsys.readouterr().err
    assert "refused to overwrite" in err and "was edited after the last build" in err and "--force" in err
    assert built.read_bytes() == edited
    assert manifest(built.parent) == recorded


def test_a_student_notebook_missing_from_the_manifest_is_not_overwritten(built, capsys):
    (built.parent / ".build-manifest.json").unlink()
    edited = student_edit(built)
    assert main(["build"]) == 1
    assert "is not in .build-manifest.json" in capsys.readouterr().err
    assert built.read_bytes() == edited


def test_force_keeps_a_backup_holding_the_students_bytes(built, capsys):
    edited = student_edit(built)
    assert main(["build", "--force"]) == 0
    backups = list((built.parent / ".backups").iterdir())
    assert len(backups) == 1
    assert re.fullmatch(r"99_demo\.\d{8}T\d{6}\.\d{6}Z\.ipynb", backups[0].name)
    assert backups[0].read_bytes() == edited
    assert "# YOUR CODE HERE" in read_notebook(built).cells[3].source
    assert manifest(built.parent)[built.name] == sha256(built.read_bytes())
    assert f"backed up {os.path.join('notebooks', built.name)} to " in capsys.readouterr().out


def test_an_unrecorded_notebook_with_the_right_content_just_gets_recorded(built, capsys):
    (built.parent / ".build-manifest.json").unlink()
    assert main(["build"]) == 0
    assert manifest(built.parent) == {built.name: sha256(built.read_bytes())}


# ------------------------------------------------------------------------------------------------- --check

def test_check_passes_when_everything_is_in_step(built, capsys):
    assert main(["build", "--check"]) == 0
    assert "in step" in capsys.readouterr().out


def test_check_reports_a_stale_notebook_and_writes_nothing(built, solution, capsys):
    nb = read_notebook(solution)
    nb.cells[0].source = "# A new title"
    nbformat.write(nb, solution)
    before = {p: p.read_bytes() for p in built.parent.rglob("*") if p.is_file()}
    assert main(["build", "--check"]) == 1
    out = capsys.readouterr().out
    assert f"{os.path.join('notebooks', built.name)}: out of date" in out
    assert "python -m tutorial_lib build" in out
    assert {p: p.read_bytes() for p in built.parent.rglob("*") if p.is_file()} == before


def test_check_reports_a_missing_notebook(built, capsys):
    built.unlink()
    assert main(["build", "--check"]) == 1
    assert f"{os.path.join('notebooks', built.name)}: missing" in capsys.readouterr().out


def test_check_reports_a_stale_manifest_and_a_stray_notebook(built, capsys):
    (built.parent / ".build-manifest.json").write_text("{}")
    (built.parent / "07_orphan.ipynb").write_bytes(built.read_bytes())
    assert main(["build", "--check"]) == 1
    out = capsys.readouterr().out
    assert "entry in notebooks/.build-manifest.json is missing or stale" in out
    assert "07_orphan.ipynb: a notebook without a solution" in out
