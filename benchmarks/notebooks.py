"""How long each solution notebook takes to run top to bottom, as ``check`` runs it.

Each notebook runs in a fresh ``python3`` kernel through the workbook's own
runner (``tutorial_lib.authoring.execute.run_notebook``, nbclient), on a copy in
a temporary folder, so nothing in ``solutions/`` changes.  The time covers
what a student waits for: starting the kernel, every cell, shutting it down.
Runs go round-robin over the notebooks and the median is reported.

Usage: ``python benchmarks/notebooks.py [--repeats N] [NOTEBOOK ...]``
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from tutorial_lib.authoring.execute import run_notebook
from tutorial_lib.authoring.notebook_io import read_notebook

ROOT = Path(__file__).resolve().parents[1]


def time_once(path: Path) -> float:
    nb = read_notebook(path)
    with tempfile.TemporaryDirectory(prefix="bench-notebook-") as folder:
        start = time.perf_counter()
        execution = run_notebook(nb, Path(folder), timeout=600, stop_on_error=True)
        elapsed = time.perf_counter() - start
    if execution.errors or execution.aborted:
        raise SystemExit(f"{path.name} did not run cleanly: {execution.errors or execution.aborted}")
    return elapsed


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every notebook in solutions/")
    parser.add_argument("--repeats", type=int, default=3, help="runs per notebook (default 3)")
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted((ROOT / "solutions").glob("*.ipynb"))
    times = {path: [] for path in paths}
    for _ in range(args.repeats):
        for path in paths:
            times[path].append(time_once(path))
    print(f"\nnotebook run times (kernel start, all cells, shutdown), median of {args.repeats}, "
          f"{time.strftime('%Y-%m-%d')}")
    width = max(len(path.stem) for path in paths)
    for path in paths:
        print(f"  {path.stem:<{width}}  {statistics.median(times[path]):5.1f} s")
    total = sum(statistics.median(ts) for ts in times.values())
    print(f"  {'all, one after another':<{width}}  {total:5.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
