"""Grade one notebook: ``python -m tutorial_lib.grading.worker`` reads a JSON request on stdin and
prints the report as JSON on stdout.

Each notebook is graded in a child process of its own, so that a notebook that
hangs, eats memory or crashes takes down at most that child, which the runner
kills at its time limit.  Inside, the notebook goes through ``check``'s guard
(:mod:`tutorial_lib.authoring.guard`) with the course's own record of the
exercises and the instructor's grading seed, and its kernel is limited:

* the memory it writes to (``--memory``, ``RLIMIT_DATA``) and the size of any file it writes;
* as root: the kernel gives up root for ``nobody`` once it has started, so it
  can neither change files it does not own (the submissions, the gradebook)
  nor fork without bound (a limit on processes applies to ``nobody``);
* it writes its process id to a file, so that the worker (and, on a timeout,
  the runner) can kill its whole process group, forks included, whatever
  happened; the worker is the subreaper of what the kernel leaves behind and
  reaps it, so killed forks do not linger against the process limit.

The submission itself is copied before anything runs, and its bytes are
compared before and after.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from ..authoring.exercises import NotAStudentNotebook
from ..authoring.notebook_io import NotebookFormatError
from ..authoring.student_check import NotebookReport, check_notebook

__all__ = ["kernel_setup", "grade_one", "NOBODY"]

#: The unprivileged user a kernel started as root becomes (Debian's ``nobody``).
NOBODY = 65534
#: Largest file a graded kernel may write.
MAX_FILE_BYTES = 256 * 2**20
#: Processes (threads count too) that ``nobody``'s kernels may have together.
MAX_PROCESSES = 512


def _give_up_root() -> None:
    """In the kernel, as root: become ``nobody``, keeping the ability to import.

    Python's own files may sit where ``nobody`` cannot reach them (under ``/root``,
    as pyenv puts them).  An open directory is reachable through
    ``/proc/self/fd/N`` whatever the permissions of its parents, so every such
    ``sys.path`` entry, and every such folder of a package already imported, is
    replaced by its open descriptor first.
    """
    import os
    import stat
    import sys

    def reachable(path: str) -> bool:
        path = os.path.abspath(path)
        while True:
            if not os.stat(path).st_mode & stat.S_IXOTH:
                return False
            if path == os.path.dirname(path):
                return True
            path = os.path.dirname(path)

    opened = {}

    def through_fd(entry: str) -> str:
        if entry and os.path.isdir(entry) and not reachable(entry):
            if entry not in opened:
                opened[entry] = f"/proc/self/fd/{os.open(entry, os.O_RDONLY | os.O_DIRECTORY)}"
            return opened[entry]
        return entry

    sys.path[:] = [through_fd(entry) for entry in sys.path]
    for module in list(sys.modules.values()):  # packages already imported find their submodules here
        path = getattr(module, "__path__", None)
        if isinstance(path, list):
            path[:] = [through_fd(entry) for entry in path]
    sys.path_importer_cache.clear()
    here = os.getcwd()  # the kernel's own folder, handed to nobody by the worker
    os.environ.update(HOME=here, MPLCONFIGDIR=here, XDG_CACHE_HOME=here)
    os.setgroups([])
    os.setgid(NOBODY)
    os.setuid(NOBODY)


def kernel_setup(memory_mb: int, pidfile: Path) -> str:
    """The code the graded kernel runs at the end of the guard's prologue (one statement per line)."""
    import inspect
    import textwrap

    limit = int(memory_mb) * 2**20
    give_up_root = textwrap.dedent(inspect.getsource(_give_up_root)).replace("NOBODY", str(NOBODY))
    return "\n".join([
        "import os, resource",
        f"open({str(pidfile)!r}, 'w').write(str(os.getpid()))",
        # The data limit counts memory the kernel writes to, not address space it merely reserves (thread
        # stacks, malloc's arenas), which grows with load and would kill a healthy kernel.
        f"resource.setrlimit(resource.RLIMIT_DATA, ({limit}, {limit}))",
        f"resource.setrlimit(resource.RLIMIT_FSIZE, ({MAX_FILE_BYTES}, {MAX_FILE_BYTES}))",
        f"resource.setrlimit(resource.RLIMIT_NPROC, ({MAX_PROCESSES}, {MAX_PROCESSES})) if os.geteuid() == 0 else None",
        *give_up_root.splitlines(),
        "_give_up_root() if os.geteuid() == 0 else None",
        "del _give_up_root",
    ])


def _become_subreaper() -> None:
    """Processes the kernel forks and leaves behind become this worker's children (Linux), so that the
    worker can kill and reap them: left to the machine's init, killed processes can wait unreaped and
    still count against the process limit of the next kernels."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        pass


def _kill_and_reap(pidfile: Path) -> None:
    """Kill the kernel's process group (forks included) and reap every child this worker has left."""
    import signal
    import time

    try:
        os.killpg(int(pidfile.read_text() or 0), signal.SIGKILL)
    except (OSError, ValueError):
        pass
    # Orphans are handed to this subreaper a moment after their parent dies: go on until no child has
    # shown up for half a second (at most 10 s).
    deadline, quiet_since = time.monotonic() + 10, None
    while time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            quiet_since = quiet_since or time.monotonic()
            if time.monotonic() - quiet_since > 0.5:
                return
            time.sleep(0.05)
            continue
        quiet_since = None
        if pid == 0:
            time.sleep(0.05)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def grade_one(request: dict) -> dict:
    """The report (``NotebookReport.to_dict()``) of one submission; see the module docstring.

    ``request``: ``path``, ``record`` (the course's), ``cell_timeout`` (s), ``seed``, ``memory_mb``,
    ``pidfile``.
    """
    source = Path(request["path"])
    before = _digest(source)
    with tempfile.TemporaryDirectory(prefix="tutorial-grade-") as private:
        copy = Path(private) / source.name
        shutil.copyfile(source, copy)

        def hand_over(folder: Path) -> None:
            if os.geteuid() == 0:  # the kernel will run as nobody: its working folder must be its own
                os.chown(folder, NOBODY, NOBODY)

        try:
            report = check_notebook(copy, timeout=request["cell_timeout"], grading_seed=request["seed"],
                                    kernel_setup=kernel_setup(request["memory_mb"], Path(request["pidfile"])),
                                    record=request["record"], prepare_folder=hand_over)
        except (NotAStudentNotebook, NotebookFormatError) as exc:
            report = NotebookReport(str(source), error=str(exc).replace(str(copy), str(source)))
        except OSError as exc:
            report = NotebookReport(str(source), error=f"cannot read it: {exc.strerror}.")
    result = report.to_dict()
    result["notebook"] = str(source)
    if _digest(source) != before:
        result["tampering"] = list(result.get("tampering", [])) + ["the submitted file changed while it was graded"]
    return result


def main() -> int:
    _become_subreaper()
    request = json.loads(sys.stdin.read())
    try:
        result = grade_one(request)
    finally:
        _kill_and_reap(Path(request["pidfile"]))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
