"""Throughput of ``python -m tutorial_lib grade``, against bare execution and ``nbgrader autograde``.

Forty submissions of one notebook (default ``07_gradient_descent``), measured in one run on this
machine, one after the other:

* **bare execution**: each filled student notebook run top to bottom with nbclient, ``--jobs`` at a
  time: the floor for any grader that runs the student's code;
* **grade**: ``python -m tutorial_lib grade`` on a fresh output folder (guarded kernels, hidden inputs,
  limits, gradebook and feedback), ``--jobs`` at a time;
* **nbgrader autograde**: the same answers in nbgrader's layout (``nbgrader-course``, then
  ``generate_assignment``), graded by the real nbgrader, which runs one notebook at a time.

A quarter of the submissions carry one planted mistake each, so the gradebooks are not uniform.
Usage: ``python benchmarks/grade.py [--notebook 07_gradient_descent] [--count 40] [--jobs 2]``.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tutorial_lib.authoring.build import build_notebooks, target_path  # noqa: E402
from tutorial_lib.authoring.execute import run_notebook  # noqa: E402
from tutorial_lib.checks import notebook_modules  # noqa: E402


def _answers(solution: Path) -> dict[str, str]:
    """{answer cell id: the solution's source} for every code exercise."""
    nb = nbformat.read(solution, as_version=4)
    return {c.id: c.source for c in nb.cells if c.cell_type == "code" and "### BEGIN SOLUTION" in c.source}


def _mistakes(notebook: str) -> list[dict]:
    module = notebook_modules().get(f"nb{notebook[:2]}")
    return list(getattr(module, "PLANTED_MISTAKES", [])) if module else []


def _filled(student_nb, answers: dict, exercise_cells: dict, mistake: dict | None):
    nb = nbformat.from_dict(student_nb)
    for cell in nb.cells:
        if cell.id in answers:
            cell.source = answers[cell.id]
    if mistake:
        answer_id = exercise_cells[mistake["exercise"]]["answer"]
        next(c for c in nb.cells if c.id == answer_id).source = mistake["source"]
    return nb


def _execute(path: str) -> None:
    nb = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory() as folder:
        run_notebook(nb, Path(folder), timeout=120, stop_on_error=False)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notebook", default="07_gradient_descent")
    parser.add_argument("--count", type=int, default=40)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1",
               PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))

    with tempfile.TemporaryDirectory(prefix="grade-bench-") as tmp:
        tmp = Path(tmp)
        solution = tmp / "solutions" / f"{args.notebook}.ipynb"
        solution.parent.mkdir()
        shutil.copy(ROOT / "solutions" / solution.name, solution)
        build_notebooks([solution])
        student = nbformat.read(target_path(solution), as_version=4)
        record = student.metadata["tutorial_lib"]
        answers, mistakes = _answers(solution), _mistakes(args.notebook)
        subs, bare = tmp / "submissions", tmp / "bare"
        nbg = tmp / "nbgrader"
        subprocess.run([sys.executable, "-m", "tutorial_lib", "nbgrader-course", str(nbg), str(solution)],
                       check=True, capture_output=True, env=env)
        subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", args.notebook, "--force"],
                       cwd=nbg, check=True, capture_output=True, env=env)
        released = nbformat.read(nbg / "release" / args.notebook / solution.name, as_version=4)
        released_ids = {c.id for c in released.cells}
        for i in range(args.count):
            mistake = mistakes[i % len(mistakes)] if mistakes and i % 4 == 3 else None
            nb = _filled(student, answers, record["exercise_cells"], mistake)
            for folder in (subs / f"student{i:02d}", bare):
                folder.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, subs / f"student{i:02d}" / solution.name)
            nbformat.write(nb, bare / f"student{i:02d}.ipynb")
            # nbgrader's copy: its released notebook with the same answer cells (same cell ids).
            theirs = nbformat.from_dict(released)
            sources = {c.id: c.source for c in nb.cells}
            for cell in theirs.cells:
                if cell.id in sources and cell.id in answers:
                    cell.source = sources[cell.id]
            target = nbg / "submitted" / f"student{i:02d}" / args.notebook
            target.mkdir(parents=True)
            nbformat.write(theirs, target / solution.name)
            (target / "timestamp.txt").write_text("2026-11-25 12:00:00.000000 UTC")
        assert released_ids, "nbgrader released an empty notebook"

        timings = {}
        start = time.perf_counter()
        with concurrent.futures.ProcessPoolExecutor(args.jobs) as pool:
            list(pool.map(_execute, sorted(str(p) for p in bare.glob("*.ipynb"))))
        timings["bare execution (nbclient)"] = time.perf_counter() - start

        start = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "tutorial_lib", "grade", str(subs), "--out", str(tmp / "out"),
                                 "--solutions", str(solution.parent), "--jobs", str(args.jobs), "--seed", "1"],
                                capture_output=True, text=True, env=env)
        timings["tutorial_lib grade"] = time.perf_counter() - start
        if result.returncode != 0:
            print(result.stdout, result.stderr)
            return 1

        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "nbgrader", "autograde", args.notebook, "--force"], cwd=nbg, check=True,
                       capture_output=True, env=env)
        timings["nbgrader autograde"] = time.perf_counter() - start

    cpu = platform.processor() or platform.machine()
    print(f"{args.count} submissions of {args.notebook}, {args.jobs} jobs where the tool allows, "
          f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}")
    floor = timings["bare execution (nbclient)"]
    print(f"{'':28s} {'seconds':>8s} {'notebooks/min':>14s} {'vs bare':>8s}")
    for name, seconds in timings.items():
        print(f"{name:28s} {seconds:8.1f} {60 * args.count / seconds:14.1f} {seconds / floor:7.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
