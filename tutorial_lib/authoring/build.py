"""Build the student notebooks in ``notebooks/`` from the solutions in ``solutions/``.

The build never loses work.  ``notebooks/.build-manifest.json`` records the
sha256 of the bytes it last wrote to each student notebook.  A student
notebook whose bytes no longer match its record (someone edited it, perhaps a
student working in the repository) or that has no record at all is not
overwritten unless ``force=True``, and then it is first copied to
``notebooks/.backups/NN_topic.<UTC timestamp>.ipynb``.
"""

from __future__ import annotations

import copy
import json
import shutil
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import nbformat

from .exercises import find_exercises, pass_line
from .notebook_io import NotebookFormatError, notebook_bytes, read_notebook, sha256_hex, write_atomically
from .transforms import STUDENT_TRANSFORMS, validate_illustrations

__all__ = ["MANIFEST_NAME", "BACKUP_DIR", "ManifestError", "student_notebook", "target_path",
           "build_notebooks", "BuildResult", "out_of_step"]

MANIFEST_NAME = ".build-manifest.json"
BACKUP_DIR = ".backups"


class ManifestError(ValueError):
    """``notebooks/.build-manifest.json`` cannot be read."""


def target_path(solution: Path) -> Path:
    """``<root>/notebooks/NN_topic.ipynb`` for ``<root>/solutions/NN_topic.ipynb``."""
    solution = Path(solution)
    return solution.parent.parent / "notebooks" / solution.name


def _source_label(solution: Path) -> str:
    # Relative to the project root, so the bytes do not depend on where the repository lives.
    return f"{solution.parent.name}/{solution.name}"


def _require_saved_pass_lines(solution_nb: nbformat.NotebookNode, exercises: list, solution: Path) -> None:
    # nbval compares the saved output of each check cell in the student notebook:
    # without the pass line there, every student's correct answer would fail.
    cells = {cell.id: (index, cell) for index, cell in enumerate(solution_nb.cells)}
    for exercise in exercises:
        if exercise.kind != "code":
            continue
        index, cell = cells[exercise.check_cell_id]
        printed = "".join(out.get("text", "") for out in cell.outputs if out.output_type == "stream")
        if pass_line(exercise.id) not in printed:
            raise NotebookFormatError(
                str(solution),
                f"the check cell of exercise {exercise.id} has no saved output '{pass_line(exercise.id)}'; "
                f"run `python -m tutorial_lib execute {solution}` and build again.",
                index, cell.id,
            )


def student_notebook(solution_nb: nbformat.NotebookNode, solution: Path) -> nbformat.NotebookNode:
    """The student copy of a solution notebook: :data:`~.transforms.STUDENT_TRANSFORMS`, in order.

    Model answers become placeholders; outputs and execution counts go (but for
    ``illustration`` cells); check cells lose the nbval marker and are locked;
    cell order, ids and the notebook's own metadata stay, and
    ``metadata["tutorial_lib"]`` records where the exercises are and the hash of
    each check cell as handed out.

    Raises
    ------
    NotebookFormatError
        The solution breaks the layout of AUTHORING.md, a check cell lacks the
        saved pass line (the solution was not executed), or an ``illustration``
        tag stands where outputs cannot be kept.
    """
    exercises = find_exercises(solution_nb, str(solution))
    _require_saved_pass_lines(solution_nb, exercises, solution)
    validate_illustrations(solution_nb, exercises, str(solution))

    nb = copy.deepcopy(solution_nb)
    label = _source_label(Path(solution))
    for transform in STUDENT_TRANSFORMS:
        transform(nb, exercises, label)
    return nb


class _Manifest:
    """``{"NN_topic.ipynb": sha256 of the bytes last written}`` for one notebooks folder."""

    def __init__(self, folder: Path):
        self.path = folder / MANIFEST_NAME
        hashes: object = {}
        if self.path.exists():
            try:
                hashes = json.loads(self.path.read_text(encoding="utf-8"))
            except json.JSONDecodeError:
                hashes = None
        if not isinstance(hashes, dict):
            raise ManifestError(
                f"{self.path} is not a JSON object of file names and hashes; delete it and build with "
                f"--force, which backs up every student notebook before overwriting it."
            )
        self.hashes: dict[str, str] = hashes

    def save(self) -> None:
        text = json.dumps(self.hashes, indent=2, sort_keys=True) + "\n"
        if not self.path.exists() or self.path.read_text(encoding="utf-8") != text:
            write_atomically(self.path, text.encode("utf-8"))


@dataclass
class BuildResult:
    """What :func:`build_notebooks` did, one list entry per student notebook."""

    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    refused: list[tuple[Path, str]] = field(default_factory=list)
    backups: list[tuple[Path, Path]] = field(default_factory=list)


def _render_all(solutions: list[Path]) -> dict[Path, bytes]:
    # Every solution is validated before the first file is written, so one broken
    # solution leaves notebooks/ exactly as it was.
    return {Path(s): notebook_bytes(student_notebook(read_notebook(s), Path(s))) for s in solutions}


def _backup(target: Path) -> Path:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S.%fZ")
    backup = target.parent / BACKUP_DIR / f"{target.stem}.{stamp}{target.suffix}"
    backup.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(target, backup)
    return backup


def build_notebooks(solutions: list[Path], force: bool = False) -> BuildResult:
    """Write ``notebooks/NN_topic.ipynb`` for each ``solutions/NN_topic.ipynb``.

    Parameters
    ----------
    solutions : list of Path
        Solution notebooks; each is written to :func:`target_path`.
    force : bool
        Overwrite student notebooks edited since the last build, after backing
        them up.

    Returns
    -------
    BuildResult

    Raises
    ------
    NotebookFormatError
        A solution breaks the conventions; nothing has been written.
    ManifestError
        The manifest of a notebooks folder is not readable.
    """
    rendered = _render_all(solutions)
    result = BuildResult()
    manifests: dict[Path, _Manifest] = {}
    for solution, data in rendered.items():
        target = target_path(solution)
        manifest = manifests.setdefault(target.parent, _Manifest(target.parent))
        recorded = manifest.hashes.get(target.name)
        current = target.read_bytes() if target.exists() else None

        if current == data:
            result.unchanged.append(target)
        else:
            if current is not None and sha256_hex(current) != recorded:
                if not force:
                    reason = ("was edited after the last build" if recorded
                              else f"is not in {manifest.path.name}, so it was not written by the build")
                    result.refused.append((target, reason))
                    continue
                result.backups.append((target, _backup(target)))
            write_atomically(target, data)
            result.written.append(target)
        manifest.hashes[target.name] = sha256_hex(data)
        manifest.save()
    return result


def out_of_step(solutions: list[Path], notebook_folders: list[Path]) -> list[tuple[Path, str]]:
    """What ``build --check`` reports: the student notebooks not in step with their solutions.

    Parameters
    ----------
    solutions : list of Path
        Solution notebooks whose student copies must match what the build writes.
    notebook_folders : list of Path
        ``notebooks/`` folders to search for stray notebooks (no solution) and
        stale manifest entries.

    Returns
    -------
    list of (Path, str)
        Each problem's notebook and a description; empty when all are in step.
    """
    problems = []
    manifests: dict[Path, _Manifest] = {}
    for solution, data in _render_all(solutions).items():
        target = target_path(solution)
        manifest = manifests.setdefault(target.parent, _Manifest(target.parent))
        if not target.exists():
            problems.append((target, f"missing; the build writes it from {solution}"))
        elif target.read_bytes() != data:
            problems.append((target, f"out of date: differs from what the build writes from {solution}"))
        elif manifest.hashes.get(target.name) != sha256_hex(data):
            problems.append((target, f"up to date, but its entry in {manifest.path} is missing or stale"))
    for folder in notebook_folders:
        solutions_folder = folder.parent / "solutions"
        manifest = manifests.setdefault(folder, _Manifest(folder))
        names = {p.name for p in folder.glob("*.ipynb")} | set(manifest.hashes)
        for name in sorted(names):
            if not (solutions_folder / name).exists():
                where = "a notebook" if (folder / name).exists() else f"listed in {manifest.path.name}"
                problems.append((folder / name, f"{where} without a solution ({solutions_folder / name} "
                                                f"does not exist); remove it or add the solution"))
    return problems
