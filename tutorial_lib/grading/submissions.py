"""Finding the notebooks to grade in a folder of submissions.

The one convention: ``SUBMISSIONS/<student>/<NN_topic>.ipynb``, a sub-folder per
student (the student's id as the folder's name) holding that student's copies of
the course notebooks.  Everything else gets one clear line in the summary and
is not graded:

* a file directly in ``SUBMISSIONS`` (not in a student's folder);
* a file that is not a notebook, or a folder inside a student's folder;
* a notebook that is not a student notebook of this course (no build record,
  or a record of a notebook the course does not have);
* a second version of the same course notebook in one folder (the copy named
  exactly like the course notebook is graded; with none so named, neither is);
* two student folders whose names differ only in case or surrounding spaces
  (both are graded, and the summary says they may be the same student).

A notebook that cannot be read at all is graded as such: every exercise
scores 0 with the reason, so it is never a silent zero.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ..authoring.exercises import METADATA_KEY

__all__ = ["Submission", "Discovery", "discover"]


@dataclass(frozen=True)
class Submission:
    """One notebook of one student: ``notebook`` is the course notebook's name it is graded as."""

    student: str
    notebook: str
    path: Path


@dataclass
class Discovery:
    """What :func:`discover` found: the notebooks to grade, and one line per thing it could not take."""

    submissions: list[Submission] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    students: list[str] = field(default_factory=list)
    #: ``{(student, notebook): why}`` for course notebooks a student handed in but that cannot be graded.
    unresolved: dict = field(default_factory=dict)


def _course_notebook(path: Path, course_names: set[str]) -> tuple[str | None, str | None]:
    """(the course notebook ``path`` is a copy of, None) or (None, why it is not one)."""
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
        source = nb.get("metadata", {}).get(METADATA_KEY, {}).get("source", "")
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, AttributeError):
        # Unreadable: if the name is a course notebook's, grade it as that (and score it 0, with why).
        if path.name in course_names:
            return path.name, None
        return None, "not a readable notebook"
    name = Path(str(source)).name
    if name in course_names:
        return name, None
    if not source:
        if path.name in course_names:
            return path.name, None  # a course notebook that lost its record: graded, and check says why
        return None, "not a student notebook of this course (it has no record from the build)"
    return None, f"a notebook of another course (it was built from {source!r})"


def discover(folder: Path, course_names: set[str]) -> Discovery:
    """The student notebooks under ``folder`` (layout in the module docstring).

    Parameters
    ----------
    folder : Path
        ``SUBMISSIONS``.
    course_names : set of str
        The course's notebook names, e.g. ``{"01_logistic_warmup.ipynb", ...}``.
    """
    folder = Path(folder)
    found = Discovery()
    if not folder.is_dir():
        found.problems.append(f"{folder}: not a folder of submissions")
        return found
    entries = sorted(folder.iterdir(), key=lambda p: p.name)
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if not entry.is_dir():
            found.problems.append(f"{entry.name}: a file directly in {folder.name}/ is not graded; put each "
                                  f"student's notebooks in a folder named after the student")
            continue
        found.students.append(entry.name)
        versions: dict[str, list[Path]] = defaultdict(list)
        for item in sorted(entry.iterdir(), key=lambda p: p.name):
            if item.name.startswith("."):
                continue
            where = f"{entry.name}/{item.name}"
            if item.is_dir():
                found.problems.append(f"{where}: a folder inside a student's folder is not graded")
            elif item.suffix != ".ipynb":
                found.problems.append(f"{where}: not a notebook, not graded")
            else:
                name, why = _course_notebook(item, course_names)
                if name is None:
                    found.problems.append(f"{where}: {why}; not graded")
                else:
                    versions[name].append(item)
        for name, paths in sorted(versions.items()):
            if len(paths) == 1:
                found.submissions.append(Submission(entry.name, name, paths[0]))
                continue
            exact = [p for p in paths if p.name == name]
            others = ", ".join(p.name for p in paths if p.name != name)
            if exact:
                found.submissions.append(Submission(entry.name, name, exact[0]))
                found.problems.append(f"{entry.name}/: {len(paths)} versions of {name}; graded {name}, "
                                      f"ignored {others}")
            else:
                why = f"{len(paths)} versions ({others}) and none named {name}; keep one and name it {name}"
                found.problems.append(f"{entry.name}/: {why}; none graded")
                found.unresolved[(entry.name, name)] = why
    by_key = defaultdict(list)
    for student in found.students:
        by_key[student.strip().casefold()].append(student)
    for names in by_key.values():
        if len(names) > 1:
            found.problems.append("possibly the same student twice: " + ", ".join(repr(n) for n in names)
                                  + " (each graded on its own)")
    if not found.students:
        found.problems.append(f"{folder}: no student folders found; expected {folder.name}/<student>/NN_topic.ipynb")
    return found
