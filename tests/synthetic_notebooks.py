"""Synthetic notebooks for the authoring tests, made with ``nbformat.v4``.

``demo_solution()`` is a small but complete solution notebook, ``99_demo.ipynb``,
laid out as AUTHORING.md asks: a set-up cell, code exercises 99.1 to 99.6 (an
answer cell with markers, then its check cell with the saved pass line), a
narrative code cell with output, and written answers 99.7 and 99.8.  Its checkers
are the library's own ``tutorial_lib.checks.nb99``, written for this demo.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

NAME = "99_demo.ipynb"

KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}

SETUP = '''import numpy as np
from tutorial_lib import checks'''

ROW_MEANS = '''def row_means(X):
    """Mean of each row of X (features, n): shape (features, 1)."""
    ### BEGIN SOLUTION
    total = X.sum(axis=1, keepdims=True)
    return total / X.shape[1]
    ### END SOLUTION'''

LEARNING_RATE = '''### BEGIN SOLUTION
learning_rate = 0.1
### END SOLUTION
print("learning rate set")'''


def one_liner(name: str, body: str) -> str:
    """An answer cell defining ``name(x)`` whose solution is ``return <body>``."""
    return f'def {name}(x):\n    ### BEGIN SOLUTION\n    return {body}\n    ### END SOLUTION'


WRITTEN = '''**Exercise {id} (written).** {question}

<!-- BEGIN ANSWER -->
{answer}
<!-- END ANSWER -->'''


def stdout(text: str):
    """A stdout stream output."""
    return new_output("stream", name="stdout", text=text)


def answer_cell(source: str):
    """A code answer cell as saved after a run of the solution notebook."""
    return new_code_cell(source, execution_count=1)


def check_cell(exercise: str, argument: str, saved_output: bool = True):
    """The check cell of ``exercise`` (``"99.1"``), with the saved pass line unless told otherwise."""
    outputs = [stdout(f"Exercise {exercise}: passed the public checks.\n")] if saved_output else []
    return new_code_cell(f"# NBVAL_CHECK_OUTPUT\nchecks.exercise_{exercise.replace('.', '_')}({argument})",
                         outputs=outputs, execution_count=2)


def notebook(*cells) -> nbformat.NotebookNode:
    """A v4.5 notebook with the python3 kernelspec."""
    return new_notebook(cells=list(cells), metadata={"kernelspec": dict(KERNELSPEC)})


def setup_cell():
    return new_code_cell(SETUP, execution_count=1)


def demo_solution() -> nbformat.NotebookNode:
    """The demo solution notebook, as saved after ``execute`` (see the module docstring)."""
    return notebook(
        new_markdown_cell("# Demo notebook\nColumns are samples."),
        setup_cell(),
        new_markdown_cell("**Exercise 99.1.** Write `row_means(X)`."),
        answer_cell(ROW_MEANS),
        check_cell("99.1", "row_means"),
        new_markdown_cell("**Exercise 99.2.** Pick a learning rate."),
        new_code_cell(LEARNING_RATE, outputs=[stdout("learning rate set\n")], execution_count=3),
        check_cell("99.2", "learning_rate"),
        new_code_cell("steps = 0.5 * np.arange(3)\nprint('steps:', steps)",
                      outputs=[stdout("steps: [0.  0.5 1. ]\n")], execution_count=4),
        answer_cell(one_liner("double", "2 * x")),
        check_cell("99.3", "double"),
        answer_cell(one_liner("halve", "x / 2")),
        check_cell("99.4", "halve"),
        answer_cell(one_liner("square", "x ** 2")),
        check_cell("99.5", "square"),
        answer_cell(one_liner("negate", "-x")),
        check_cell("99.6", "negate"),
        new_markdown_cell(WRITTEN.format(id="99.7", question="Why average over the columns?",
                                         answer="Because columns are samples.")),
        new_markdown_cell(WRITTEN.format(id="99.8", question="What does a step too large do?",
                                         answer="The loss *diverges*.\n\nIt oscillates first.")),
    )


def write_solution(root: Path, nb: nbformat.NotebookNode, name: str = NAME) -> Path:
    """Save ``nb`` as ``root/solutions/<name>`` and return the path."""
    path = Path(root) / "solutions" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path
