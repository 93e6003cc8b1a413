"""Run notebooks with nbclient, recording which cell raised what.

:func:`run_notebook` is shared by ``execute`` (solutions: stop at the first
error, save only a clean run) and ``check`` (student notebooks: run every cell
whatever happens, then judge each exercise).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path
from queue import Empty
from time import monotonic

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, DeadKernelError

from .notebook_io import notebook_bytes, read_notebook, write_atomically

__all__ = ["KERNEL_NAME", "TIMEOUT_ENAME", "CellError", "Execution", "CellProblem", "run_notebook",
           "execute_in_place", "merge_adjacent_streams", "stable_widget_ids"]

KERNEL_NAME = "python3"
#: The error name a cell gets when it runs past the timeout and is interrupted.
TIMEOUT_ENAME = "CellTimeoutError"

# nbclient logs timeouts itself; our callers report them per cell, with the
# notebook's name, so its own log lines would only repeat them out of context.
_NBCLIENT_LOG = logging.getLogger("tutorial_lib.authoring.nbclient")
_NBCLIENT_LOG.addHandler(logging.NullHandler())
_NBCLIENT_LOG.propagate = False

_KERNEL_ARGUMENTS = [
    # An in-memory IPython history: kernels running in parallel (pytest -n 2) would
    # otherwise contend for ~/.ipython's sqlite file.
    "--HistoryManager.hist_file=:memory:",
    # The kernel process writes its own log to our terminal: at the default level a
    # warning about unencrypted TCP on localhost at every start, and at ERROR a
    # "KeyboardInterrupt caught in kernel" line when nbclient shuts it down.  Both only
    # confuse a student reading the check report; cell errors and a dead kernel reach
    # us through the messaging protocol, not this log.
    "--IPKernelApp.log_level=CRITICAL",
]


#: Longest wait on the shell channel before looking again (seconds); see _WakefulNotebookClient.
SHELL_POLL_SLICE = 0.25


class _WakefulNotebookClient(NotebookClient):
    """nbclient's client, with a shell channel that cannot sleep through a reply.

    To mimic a browser, nbclient answers the kernel's Output widgets (every
    ``ipywidgets.interactive`` has one) by *sending* comm messages on the shell
    socket while another of its coroutines waits on that socket for the cell's
    ``execute_reply``.  A send can swallow the socket's edge-triggered "readable"
    wake-up, and the reply then sits unread until the wait times out: an explorer
    cell intermittently took the whole 60 s cell timeout, with no error
    (jupyter/nbclient#312).  Waiting in short slices bounds that to a fraction of
    a second: each slice ends with a fresh look at the socket.
    """

    async def async_start_new_kernel_client(self):
        kc = await super().async_start_new_kernel_client()
        kc.shell_channel.get_msg = waking_in_slices(kc.shell_channel.get_msg)
        return kc


def waking_in_slices(wait_once, slice_s: float = SHELL_POLL_SLICE):
    """``get_msg(timeout)`` made of waits of at most ``slice_s`` seconds each.

    ``wait_once(timeout=...)`` is a channel's own coroutine: a message, or
    ``queue.Empty`` once ``timeout`` has passed.  The result has the same
    contract, but a message that arrived without waking the channel is picked
    up within one slice instead of at the end of the whole timeout.
    """

    async def get_msg(timeout=None):
        deadline = None if timeout is None else monotonic() + timeout
        while True:
            remaining = slice_s if deadline is None else max(0.0, deadline - monotonic())
            try:
                return await wait_once(timeout=min(slice_s, remaining))
            except Empty:
                if deadline is not None and monotonic() >= deadline:
                    raise

    return get_msg


@dataclass(frozen=True)
class CellError:
    """The error a cell's execution ended with (``ename`` is the exception's class name)."""

    ename: str
    evalue: str

    def __str__(self) -> str:
        return f"{self.ename}: {self.evalue}"


@dataclass
class Execution:
    """What happened when a notebook ran.

    Attributes
    ----------
    errors : dict
        ``{cell index: CellError}`` for every cell that raised or timed out.
    last_started : int
        Index of the last cell execution reached (-1 if none).
    aborted : str or None
        Why the run stopped before the end (e.g. the kernel died); cells after
        ``last_started`` did not run.  None when it ran to the end or stopped
        at an error on purpose.
    """

    errors: dict[int, CellError] = field(default_factory=dict)
    last_started: int = -1
    aborted: str | None = None


def run_notebook(nb: nbformat.NotebookNode, cwd: Path, *, timeout: float,
                 stop_on_error: bool, cell_timeout=None) -> Execution:
    """Execute ``nb`` in place (outputs replaced) in a fresh ``python3`` kernel.

    Parameters
    ----------
    nb : NotebookNode
        The notebook; its code cells get the new outputs and execution counts.
    cwd : Path
        The kernel's working directory.
    timeout : float
        Per-cell limit in seconds.  A cell that runs longer is interrupted and
        recorded as :data:`TIMEOUT_ENAME`; the run goes on (or stops, with
        ``stop_on_error``) as after any other error.
    stop_on_error : bool
        Stop at the first cell that raises, or run every cell regardless.
    cell_timeout : callable, optional
        ``cell_timeout(cell)``: a longer limit for particular cells (seconds),
        or None for ``timeout``.

    Returns
    -------
    Execution
    """
    execution = Execution()

    def on_cell_start(cell, cell_index):
        execution.last_started = cell_index

    def on_cell_error(cell, cell_index, execute_reply):
        content = execute_reply["content"]
        execution.errors[cell_index] = CellError(content.get("ename", "Error"), content.get("evalue", ""))

    client = _WakefulNotebookClient(
        nb,
        kernel_name=KERNEL_NAME,
        timeout=timeout,
        timeout_func=(lambda cell: (cell_timeout(cell) if cell is not None else None) or timeout)
        if cell_timeout else None,
        # Interrupt instead of raising CellTimeoutError, so that with stop_on_error=False the
        # cells after a runaway one still run; error_on_timeout turns the interrupt into an error.
        interrupt_on_timeout=True,
        error_on_timeout={"ename": TIMEOUT_ENAME, "evalue": f"ran longer than {timeout:g} s and was interrupted",
                          "traceback": []},
        allow_errors=not stop_on_error,
        record_timing=False,  # no timestamps in cell metadata: the saved file stays reproducible
        extra_arguments=_KERNEL_ARGUMENTS,
        resources={"metadata": {"path": str(cwd)}},
        on_cell_start=on_cell_start,
        on_cell_error=on_cell_error,
        log=_NBCLIENT_LOG,
    )
    try:
        client.execute()
    except CellExecutionError:
        pass  # stop_on_error: on_cell_error has recorded the cell and its error
    except DeadKernelError:
        execution.aborted = f"the kernel died while running cell {execution.last_started}"
    return execution


@dataclass(frozen=True)
class CellProblem:
    """Something wrong with one cell of an executed notebook."""

    index: int
    cell_id: str
    problem: str

    def __str__(self) -> str:
        return f"cell {self.index} (id {self.cell_id!r}): {self.problem}"


def _stderr_problems(nb: nbformat.NotebookNode) -> list[CellProblem]:
    problems = []
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.output_type == "stream" and output.name == "stderr":
                first = output.text.strip().split("\n", 1)[0]
                problems.append(CellProblem(index, cell.id, f"wrote to stderr (warnings go there too): {first}"))
    return problems


WIDGET_STATE_MIME = "application/vnd.jupyter.widget-state+json"


def merge_adjacent_streams(nb: nbformat.NotebookNode) -> None:
    """Join consecutive stdout (or stderr) outputs of a cell into one, in place.

    How a cell's printing arrives in pieces depends on when the kernel flushed,
    so the same run can be saved as one output or three: noise in every diff.
    Only neighbours are joined, so text printed after a figure stays after it.
    """
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        merged = []
        for output in cell.outputs:
            previous = merged[-1] if merged else None
            if (output.output_type == "stream" and previous is not None
                    and previous.output_type == "stream" and previous.name == output.name):
                previous.text += output.text
            else:
                merged.append(output)
        cell.outputs = merged


def stable_widget_ids(nb: nbformat.NotebookNode, name: str) -> bytes:
    """The executed notebook's bytes, with its widget model ids renamed in creation order.

    The kernel gives every widget a random id (``uuid4().hex``) and the saved
    notebook quotes it in three places: the widget-state metadata, references
    between widgets (``"IPY_MODEL_<id>"``) and the explorer cell's output.  New
    ids each run would make every ``execute`` a diff of the solutions even when
    nothing changed, so each id becomes a hash of the notebook's name and the
    widget's place in creation order.  That order is the order of nbclient's
    state in memory, before the file's sorted keys hide it: pass the notebook as
    the run left it.
    """
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE_MIME, {}).get("state", {})
    if not state:
        return notebook_bytes(nb)
    text = notebook_bytes(nb).decode("utf-8")
    for index, old_id in enumerate(list(state)):
        text = text.replace(old_id, hashlib.sha256(f"{name}:widget:{index}".encode()).hexdigest()[:32])
    # Written again, so that the state's keys are sorted by their new names.
    return notebook_bytes(nbformat.reads(text, as_version=4))


def execute_in_place(path: Path, timeout: float = 60.0) -> list[CellProblem]:
    """Run a solution notebook top to bottom and save it with its new outputs.

    The file is saved only after a clean run: no cell raised or timed out and
    nothing was written to stderr (warnings included).

    Parameters
    ----------
    path : Path
        The notebook; the kernel runs in its folder.
    timeout : float
        Per-cell limit in seconds.

    Returns
    -------
    list of CellProblem
        Empty when the notebook ran cleanly and was saved; otherwise the file
        is untouched.
    """
    path = Path(path)
    nb = read_notebook(path)
    execution = run_notebook(nb, path.parent, timeout=timeout, stop_on_error=True)
    problems = []
    for index, error in execution.errors.items():
        cell = nb.cells[index]
        if error.ename == TIMEOUT_ENAME:
            problems.append(CellProblem(index, cell.id, error.evalue))
        # nbclient and nbval accept an error from a cell tagged raises-exception; so does execute.
        elif "raises-exception" not in cell.metadata.get("tags", []):
            problems.append(CellProblem(index, cell.id, f"raised {error}"))
    if execution.aborted:
        index = execution.last_started
        problems.append(CellProblem(index, nb.cells[index].id, execution.aborted))
    problems += _stderr_problems(nb)
    if not problems:
        merge_adjacent_streams(nb)
        data = stable_widget_ids(nb, path.name)
        if path.read_bytes() != data:
            write_atomically(path, data)
    return sorted(problems, key=lambda problem: problem.index)
