"""The solution notebooks' exercises, for the checker tests (``tests/test_checks_nbNN.py``).

The answer cells of ``solutions/*.ipynb`` are the single source of truth for the model answers: the
tests read them from there, never from a copy.  An exercise is an answer cell and the check cell
directly below it, ``# NBVAL_CHECK_OUTPUT`` and one ``checks.exercise_N_M(<argument>)`` call (see
AUTHORING.md).  :func:`run_check` runs an answer cell's source, the model answer or a planted
mistake, the way the notebook does: in a fresh namespace, then that call.  The namespace holds only
``np`` and ``tl`` (plus any names the caller gives), so an answer may not lean on earlier cells.
"""

from __future__ import annotations

import contextlib
import io
import re
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import nbformat
import numpy as np
import pytest

import tutorial_lib as tl
from tutorial_lib import checks
from tutorial_lib.authoring.markers import blank_code_answers

SOLUTIONS = Path(__file__).resolve().parents[1] / "solutions"
#: A check cell, exactly: the nbval marker and one checker call (groups: N, M and the argument text).
CHECK_CELL = re.compile(r"# NBVAL_CHECK_OUTPUT\nchecks\.exercise_(\d+)_(\d+)\((.+)\)\s*")
#: The functions a source defines at the top level.
DEF_NAME = re.compile(r"^def (\w+)\(", re.MULTILINE)


class Exercise(NamedTuple):
    answer_source: str  # the answer cell, model solution and markers included
    argument: str       # what the check cell passes to its checker, e.g. "bce_grad"


def solution_notebook(notebook_name: str) -> nbformat.NotebookNode:
    """``solutions/<notebook_name>.ipynb``, e.g. ``solution_notebook("01_logistic_warmup")``."""
    return nbformat.read(SOLUTIONS / f"{notebook_name}.ipynb", as_version=4)


@lru_cache(maxsize=None)
def _exercises(notebook_name: str) -> tuple:
    cells = solution_notebook(notebook_name).cells
    found = []
    for above, cell in zip(cells, cells[1:]):
        if cell.cell_type == "code" and cell.source.startswith("# NBVAL_CHECK_OUTPUT"):
            match = CHECK_CELL.fullmatch(cell.source)
            assert match, f"{notebook_name}: a check cell must hold exactly one checks.exercise_N_M(...) call: " \
                          f"{cell.source!r}"
            assert above.cell_type == "code" and "### BEGIN SOLUTION" in above.source, \
                f"{notebook_name}: the cell above {cell.source!r} is not an answer cell"
            found.append((f"{match.group(1)}.{match.group(2)}", Exercise(above.source, match.group(3))))
    return tuple(found)


def exercises(notebook_name: str) -> dict[str, Exercise]:
    """``{"1.3": Exercise(answer_source, argument), ...}``: the code exercises of a solution notebook."""
    return dict(_exercises(notebook_name))


def checker(exercise_id: str):
    """``checks.exercise_N_M`` for ``"N.M"``."""
    return getattr(checks, "exercise_" + exercise_id.replace(".", "_"))


def answer_namespace(**names) -> dict:
    """A fresh namespace for an answer cell: ``np``, ``tl`` and the given names."""
    return {"np": np, "tl": tl, **names}


def define(source: str, name: str | None = None):
    """Run ``source`` in a fresh :func:`answer_namespace`; return the function ``name`` (default: the first
    one the source defines)."""
    namespace = answer_namespace()
    exec(compile(source, "<answer cell>", "exec"), namespace)  # noqa: S102 - the workbook's own code
    return namespace[name or DEF_NAME.search(source).group(1)]


def run_check(notebook_name: str, exercise_id: str, answer_source: str, **names) -> str:
    """Run ``answer_source`` as the answer cell of the exercise, then its check cell's call; return what
    the checker printed.  ``names`` join the namespace (e.g. the variables a check call also passes).

    As in a student's notebook, a ``NotImplementedError`` of the answer cell itself (a value exercise
    still holding its placeholder) does not stop the check cell.
    """
    argument = exercises(notebook_name)[exercise_id].argument
    namespace = answer_namespace(**names)
    try:
        exec(compile(answer_source, f"<answer {exercise_id}>", "exec"), namespace)  # noqa: S102
    except NotImplementedError:
        pass
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        eval(f"check({argument})", {**namespace, "check": checker(exercise_id)})  # noqa: S307
    return out.getvalue()


def assert_reference_passes(notebook_name: str, exercise_id: str, **names) -> None:
    """The notebook's own answer passes its check, which prints the one stable line."""
    output = run_check(notebook_name, exercise_id, exercises(notebook_name)[exercise_id].answer_source, **names)
    assert output == f"Exercise {exercise_id}: passed the public checks.\n"


def assert_unattempted_raises(notebook_name: str, exercise_id: str, **names) -> None:
    """The answer cell as the student notebook has it (solution replaced by the build's placeholder)
    makes the check raise ``NotImplementedError``."""
    source = blank_code_answers(exercises(notebook_name)[exercise_id].answer_source)
    assert "BEGIN SOLUTION" not in source and "raise NotImplementedError()" in source
    with pytest.raises(NotImplementedError):
        run_check(notebook_name, exercise_id, source, **names)


def mistake_message(notebook_name: str, mistake: dict, **names) -> str:
    """Run a planted mistake (``{"exercise", "source", "hint", ...}``) through :func:`run_check`; assert
    that the check fails with a :class:`~tutorial_lib.checks.CheckFailure` for that exercise whose message
    holds the mistake's hint, and return the message."""
    with pytest.raises(checks.CheckFailure) as info:
        run_check(notebook_name, mistake["exercise"], mistake["source"], **names)
    message = str(info.value)
    assert message.startswith(f"Exercise {mistake['exercise']}: "), message
    assert mistake["hint"] in message, message
    return message
