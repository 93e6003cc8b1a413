"""``python -m tutorial_lib grade SUBMISSIONS --out DIR``: the whole run, from folder to gradebook."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .course import load_course
from .outputs import gradebook_rows, summary_table, write_feedback, write_gradebook, write_gradescope
from .runner import Limits, grade_all
from .submissions import discover

__all__ = ["SEED_VARIABLE", "GradeRun", "grade", "seed_from"]

#: Environment variable holding the instructor's grading seed (or pass ``--seed``).
SEED_VARIABLE = "TUTORIAL_LIB_GRADING_SEED"


@dataclass
class GradeRun:
    """What a grading run did: the rows written, the lines for the summary, the files."""

    rows: list = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    graded: int = 0
    reused: int = 0
    gradebook: Path | None = None


def seed_from(option: int | None) -> int | None:
    """The grading seed: the option, else the environment variable, else None (public checks only)."""
    if option is not None:
        return option
    value = os.environ.get(SEED_VARIABLE, "").strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"{SEED_VARIABLE} must be a whole number, got {value!r}") from None


def grade(submissions: Path, out: Path, solutions: Path, *, seed: int | None, limits: Limits, jobs: int,
          progress=None) -> GradeRun:
    """Grade every notebook under ``submissions`` against the course in ``solutions``; write to ``out``."""
    course = load_course(solutions)
    run = GradeRun()
    if not course:
        run.problems.append(f"{solutions}: no solution notebooks, so no course to grade against")
        return run
    found = discover(submissions, set(course))
    run.problems += found.problems
    if seed is None:
        run.problems.append(f"no grading seed (--seed or {SEED_VARIABLE}): only the public checks ran")

    counts = {"graded": 0, "reused": 0}

    def on_done(submission, reused):
        counts["reused" if reused else "graded"] += 1
        if progress:
            progress(submission, reused)

    out.mkdir(parents=True, exist_ok=True)
    reports = grade_all(found.submissions, course, out, seed, limits, jobs, on_done)
    run.graded, run.reused = counts["graded"], counts["reused"]
    for (student, notebook), report in sorted(reports.items()):
        if report.get("error"):
            run.problems.append(f"{student}/{notebook}: could not be graded: {report['error']}")
        if report.get("tampering"):
            run.problems.append(f"{student}/{notebook}: tampering, for review: {'; '.join(report['tampering'])}")
    run.rows = gradebook_rows(found.students, course, reports, found.unresolved)
    if run.rows:
        run.gradebook = out / "gradebook.csv"
        write_gradebook(run.rows, run.gradebook)
        write_feedback(run.rows, out / "feedback")
        write_gradescope(run.rows, out / "gradescope")
    return run


def report_text(run: GradeRun) -> str:
    """The summary printed at the end of a run."""
    lines = []
    if run.rows:
        lines += [summary_table(run.rows), ""]
    def notebooks(n: int) -> str:
        return f"{n} notebook{'' if n == 1 else 's'}"

    lines.append(f"Graded {notebooks(run.graded)}; {notebooks(run.reused)} unchanged since the last run "
                 f"(not graded again).")
    if run.gradebook:
        folder = run.gradebook.parent
        lines.append(f"Wrote {run.gradebook}, {folder / 'feedback'}/<student>.md and "
                     f"{folder / 'gradescope'}/<student>/results.json.")
    if run.problems:
        lines += ["", "Not graded, or to look at:"] + [f"  {p}" for p in run.problems]
    return "\n".join(lines)
