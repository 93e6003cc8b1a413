"""Grade many notebooks in parallel, each in a worker process with a wall-clock limit; resumable.

A finished notebook's report is kept in ``OUT/.cache/<student>/<notebook>.json`` under a key made of
everything the verdict depends on: the submission's bytes, the course's record of the exercises, the
grading seed, the limits and the workbook's own source.  Grading the same folder again re-grades only
the notebooks whose key changed.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from ..authoring.student_check import package_digest
from .submissions import Submission

__all__ = ["Limits", "grade_all", "cache_key"]


@dataclass(frozen=True)
class Limits:
    """Per-notebook limits: wall-clock seconds for the whole notebook, seconds per cell, memory."""

    timeout: float = 300.0
    cell_timeout: float = 60.0
    memory_mb: int = 4096


def cache_key(submission: Submission, record: dict, seed: int | None, limits: Limits, library: str) -> str:
    digest = hashlib.sha256(submission.path.read_bytes())
    digest.update(json.dumps([record, seed, limits.__dict__, library], sort_keys=True).encode())
    return digest.hexdigest()


def _cache_path(out: Path, submission: Submission) -> Path:
    return out / ".cache" / submission.student / f"{submission.notebook}.json"


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _run_worker(submission: Submission, record: dict, seed: int | None, limits: Limits) -> dict:
    """One worker process; its kernel's process group is killed by the worker, or here after a timeout."""
    with tempfile.TemporaryDirectory(prefix="tutorial-grade-pid-") as scratch:
        pidfile = Path(scratch) / "kernel.pid"
        request = {"path": str(submission.path), "record": record, "seed": seed, "memory_mb": limits.memory_mb,
                   "cell_timeout": min(limits.cell_timeout, limits.timeout), "pidfile": str(pidfile)}
        env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1",
                   PYTHONWARNINGS="ignore", MALLOC_ARENA_MAX="2")
        proc = subprocess.Popen([sys.executable, "-m", "tutorial_lib.grading.worker"], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                                start_new_session=True)
        try:
            out, err = proc.communicate(json.dumps(request), timeout=limits.timeout)
            failure = None if proc.returncode == 0 else f"the grading process failed: {err.strip()[-300:]}"
        except subprocess.TimeoutExpired:
            # The worker could not clean up: kill it, then its kernel's group, which is still running
            # (the worker kills and reaps it itself otherwise; killing a finished group's id later
            # could hit another process that got the same id).
            _kill_group(proc.pid)
            proc.communicate()
            if pidfile.exists():
                try:
                    _kill_group(int(pidfile.read_text() or 0))
                except ValueError:
                    pass
            out, failure = "", f"the notebook ran longer than {limits.timeout:g} s in all and was stopped"
    if failure is None:
        try:
            return json.loads(out)
        except json.JSONDecodeError:
            failure = "the grading process printed no report"
    return {"notebook": str(submission.path), "ok": False, "error": failure, "exercises": [],
            "other_errors": [], "tampering": []}


def grade_all(submissions: list[Submission], course: dict, out: Path, seed: int | None, limits: Limits,
              jobs: int, progress=None) -> dict[tuple[str, str], dict]:
    """``{(student, notebook): report dict}`` for every submission, ``jobs`` at a time.

    ``progress(submission, reused)`` is called as each one finishes.
    """
    library = package_digest()
    results: dict[tuple[str, str], dict] = {}
    todo = []
    for submission in submissions:
        record = course[submission.notebook].record
        key = cache_key(submission, record, seed, limits, library)
        cached = _cache_path(out, submission)
        if cached.exists():
            try:
                saved = json.loads(cached.read_text(encoding="utf-8"))
                if saved.get("key") == key:
                    results[(submission.student, submission.notebook)] = saved["report"]
                    if progress:
                        progress(submission, True)
                    continue
            except (json.JSONDecodeError, KeyError, TypeError):
                pass
        todo.append((submission, record, key, cached))

    lock = threading.Lock()

    def work(item):
        submission, record, key, cached = item
        report = _run_worker(submission, record, seed, limits)
        if not str(report.get("error") or "").startswith("the grading process"):  # not the notebook's doing
            cached.parent.mkdir(parents=True, exist_ok=True)
            cached.write_text(json.dumps({"key": key, "report": report}), encoding="utf-8")
        with lock:
            results[(submission.student, submission.notebook)] = report
            if progress:
                progress(submission, False)

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        for future in [pool.submit(work, item) for item in todo]:
            future.result()
    return results
