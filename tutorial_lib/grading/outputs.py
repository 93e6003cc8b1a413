"""What ``grade`` writes: ``gradebook.csv``, a feedback file per student, Gradescope's ``results.json``.

Rows come first (:func:`gradebook_rows`): one per student, notebook and exercise, with the status,
the points, the maximum and the message.  Every other output is made from the rows, so they agree.

Statuses: the ``check`` statuses of code exercises (``passed``, ``failed``, ``not attempted``,
``check cell modified``); ``error`` when the notebook could not be run at all, ``missing`` when the
student handed in no copy of a notebook others handed in, ``not graded`` when the copy was ambiguous;
written answers are ``manual`` (graded by hand: no points here).  ``flag`` holds what the notebook
replaced that the checks rely on (tampering), for a person to look at: the verdicts themselves come
from checkers the notebook could not change.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path

__all__ = ["Row", "gradebook_rows", "write_gradebook", "write_feedback", "write_gradescope", "summary_table",
           "CSV_FIELDS"]

CSV_FIELDS = ["student", "notebook", "exercise", "kind", "status", "points", "max_points", "message", "flag"]


@dataclass(frozen=True)
class Row:
    student: str
    notebook: str
    exercise: str
    kind: str
    status: str
    points: float | None
    max_points: float
    message: str
    flag: str = ""


def gradebook_rows(students: list[str], course: dict, reports: dict, unresolved: dict) -> list[Row]:
    """One row per student, course notebook handed in by anyone, and exercise (see the module docstring)."""
    handed_in = sorted({notebook for _, notebook in reports} | {notebook for _, notebook in unresolved})
    rows = []
    for student in students:
        for notebook in handed_in:
            report = reports.get((student, notebook))
            by_id = {e["id"]: e for e in (report or {}).get("exercises", [])}
            flag = "; ".join((report or {}).get("tampering") or [])
            for exercise in course[notebook].exercises:
                kind, most = exercise.kind, exercise.points
                if report is None:
                    why = unresolved.get((student, notebook))
                    status, message = ("not graded", why) if why else ("missing", "no copy of this notebook was handed in")
                elif report.get("error"):
                    status, message = "error", report["error"]
                else:
                    found = by_id.get(exercise.id, {"status": "missing", "message": "not found in the notebook"})
                    status, message = found["status"], found.get("message", "")
                if kind == "written":
                    rows.append(Row(student, notebook, exercise.id, kind, "manual", None, most,
                                    f"graded by hand ({status})" if status in ("answered", "not answered") else message,
                                    flag))
                else:
                    rows.append(Row(student, notebook, exercise.id, kind, status, most if status == "passed" else 0.0,
                                    most, message, flag))
    return rows


def write_gradebook(rows: list[Row], path: Path) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=CSV_FIELDS)
        writer.writeheader()
        for row in rows:
            record = asdict(row)
            record["points"] = "" if row.points is None else f"{row.points:g}"
            record["max_points"] = f"{row.max_points:g}"
            writer.writerow(record)


def _by_student(rows: list[Row]) -> dict[str, list[Row]]:
    grouped = defaultdict(list)
    for row in rows:
        grouped[row.student].append(row)
    return grouped


def _notebook_title(name: str) -> str:
    return name.removesuffix(".ipynb")


def write_feedback(rows: list[Row], folder: Path) -> list[Path]:
    """``folder/<student>.md``: per notebook, the points, a table of exercises and each message in full."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for student, mine in _by_student(rows).items():
        lines = [f"# Feedback for {student}", ""]
        notebooks = defaultdict(list)
        for row in mine:
            notebooks[row.notebook].append(row)
        for notebook, nb_rows in notebooks.items():
            code = [r for r in nb_rows if r.kind == "code"]
            got = sum(r.points or 0 for r in code)
            most = sum(r.max_points for r in code)
            lines += [f"## {_notebook_title(notebook)}: {got:g} of {most:g} points", ""]
            if nb_rows[0].flag:
                lines += [f"**For review:** the notebook replaced what the checks rely on ({nb_rows[0].flag}). "
                          "The verdicts below come from checkers it could not change.", ""]
            lines += ["| exercise | status | points |", "| --- | --- | --- |"]
            for row in nb_rows:
                points = "by hand" if row.points is None else f"{row.points:g} / {row.max_points:g}"
                lines.append(f"| {row.exercise} | {row.status} | {points} |")
            for row in nb_rows:
                if row.kind == "code" and row.status != "passed" and row.message:
                    lines += ["", f"### Exercise {row.exercise}: {row.status}", "", "```text", row.message.strip(),
                              "```"]
            lines.append("")
        path = folder / f"{student}.md"
        path.write_text("\n".join(lines), encoding="utf-8")
        written.append(path)
    return written


def write_gradescope(rows: list[Row], folder: Path) -> list[Path]:
    """``folder/<student>/results.json`` in Gradescope's autograder results format."""
    written = []
    for student, mine in _by_student(rows).items():
        tests = []
        for row in mine:
            if row.kind != "code":
                continue
            test = {"name": f"{_notebook_title(row.notebook)}: exercise {row.exercise}", "score": row.points or 0.0,
                    "max_score": row.max_points, "status": "passed" if row.status == "passed" else "failed",
                    "output": row.message or row.status, "visibility": "visible"}
            tests.append(test)
        result = {"score": sum(t["score"] for t in tests), "tests": tests, "visibility": "visible",
                  "output": "Written answers are graded by hand." if any(r.kind == "written" for r in mine) else ""}
        path = folder / student / "results.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        written.append(path)
    return written


def summary_table(rows: list[Row]) -> str:
    """Points per student and notebook, with flags, as a plain-text table."""
    totals: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0.0])
    statuses: dict[tuple[str, str], set] = defaultdict(set)
    flags: dict[tuple[str, str], str] = {}
    for row in rows:
        key = (row.student, row.notebook)
        if row.kind == "code":
            totals[key][0] += row.points or 0.0
            totals[key][1] += row.max_points
            statuses[key].add(row.status)
        flags[key] = row.flag
    width = max([len("student")] + [len(s) for s, _ in totals])
    nb_width = max([len("notebook")] + [len(_notebook_title(n)) for _, n in totals])
    lines = [f"{'student':<{width}}  {'notebook':<{nb_width}}  points  note"]
    for (student, notebook), (got, most) in sorted(totals.items()):
        note = ""
        special = statuses[(student, notebook)] & {"error", "missing", "not graded"}
        if special:
            note = ", ".join(sorted(special))
        if flags[(student, notebook)]:
            note = (note + ", " if note else "") + "tampering: review"
        lines.append(f"{student:<{width}}  {_notebook_title(notebook):<{nb_width}}  {got:>3g}/{most:<3g} {note}".rstrip())
    return "\n".join(lines)
