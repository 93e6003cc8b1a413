"""``python -m tutorial_lib`` (or ``backprop-workbook``): execute, build, check and grade notebooks.

Run from the repository root; the default paths are ``solutions/*.ipynb``.
Exit codes: 0 success; 1 a notebook failed (an error while executing, a
refused overwrite, notebooks out of step, an exercise not passed); 2 a
solution breaks the conventions of AUTHORING.md, or ``grade`` / ``nbgrader-course``
were given nothing they can work on.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

__all__ = ["main"]

SOLUTIONS = Path("solutions")
NOTEBOOKS = Path("notebooks")


def _solutions(paths: list[str]) -> list[Path]:
    if paths:
        return [Path(p) for p in paths]
    found = sorted(SOLUTIONS.glob("*.ipynb"))
    if not found:
        print(f"no solution notebooks in {SOLUTIONS.resolve()}", file=sys.stderr)
    return found


def _error(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)


# The command handlers import the authoring modules when they run: nbformat
# takes seconds to import (jsonschema's format checkers), and `--help` should not wait.
def _execute(args) -> int:
    from .authoring.execute import execute_in_place
    from .authoring.notebook_io import NotebookFormatError

    status = 0
    for path in _solutions(args.paths):
        try:
            problems = execute_in_place(path, timeout=args.timeout)
        except (NotebookFormatError, OSError) as exc:
            _error(str(exc))
            status = 1
            continue
        if problems:
            status = 1
            _error(f"{path} was not saved:")
            for problem in problems:
                print(f"  {problem}", file=sys.stderr)
        else:
            print(f"executed and saved {path}")
    return status


def _build(args) -> int:
    from .authoring.build import ManifestError, build_notebooks, out_of_step, target_path
    from .authoring.notebook_io import NotebookFormatError

    solutions = _solutions(args.paths)
    missing = [str(p) for p in solutions if not p.is_file()]
    if missing:
        _error(f"no such solution notebook: {', '.join(missing)}")
        return 2
    try:
        if args.check:
            folders = {target_path(s).parent for s in solutions} | (set() if args.paths else {NOTEBOOKS})
            problems = out_of_step(solutions, sorted(folders))
        else:
            result = build_notebooks(solutions, force=args.force)
    except (NotebookFormatError, ManifestError) as exc:
        _error(str(exc))
        return 2

    if args.check:
        for path, problem in problems:
            print(f"{path}: {problem}")
        if problems:
            print("Run `python -m tutorial_lib build` to bring notebooks/ in step with solutions/.")
            return 1
        print(f"all {len(solutions)} student notebooks are in step with their solutions.")
        return 0

    for target, backup in result.backups:
        print(f"backed up {target} to {backup}")
    for target in result.written:
        print(f"wrote {target}")
    for target in result.unchanged:
        print(f"up to date: {target}")
    for target, reason in result.refused:
        _error(f"refused to overwrite {target}: it {reason}, and its edits would be lost. Move the edits "
               f"into solutions/{target.name} and build again, or run `python -m tutorial_lib build --force`, "
               f"which first copies it to {target.parent / '.backups'}/.")
    return 1 if result.refused else 0


def _check(args) -> int:
    from .authoring.exercises import NotAStudentNotebook
    from .authoring.notebook_io import NotebookFormatError
    from .authoring.student_check import NotebookReport, check_notebook, format_report

    reports = []
    for path in args.paths:
        try:
            report = check_notebook(Path(path), timeout=args.timeout)
        except (NotAStudentNotebook, NotebookFormatError) as exc:
            report = NotebookReport(path, error=str(exc))
        except OSError as exc:
            report = NotebookReport(path, error=f"cannot read it: {exc.strerror}.")
        reports.append(report)

    ok = all(report.ok for report in reports)
    if args.json:
        print(json.dumps({"ok": ok, "notebooks": [r.to_dict() for r in reports]}, indent=2))
    else:
        print("\n\n".join(format_report(report) for report in reports))
    return 0 if ok else 1


def _grade(args) -> int:
    import os

    from .authoring.notebook_io import NotebookFormatError
    from .grading.grade import grade, report_text, seed_from
    from .grading.runner import Limits

    try:
        seed = seed_from(args.seed)
    except ValueError as exc:
        _error(str(exc))
        return 2
    limits = Limits(timeout=args.timeout, cell_timeout=min(60.0, args.timeout / 4), memory_mb=args.memory)
    bar = None
    try:
        from tqdm import tqdm
        bar = tqdm(desc="grading", unit="notebook", file=sys.stderr, disable=None)
    except ImportError:  # the progress bar is a comfort, not a requirement
        pass

    def progress(submission, reused):
        if bar is not None:
            bar.update(1)
            bar.set_postfix_str(f"{submission.student}/{submission.notebook}", refresh=False)

    try:
        run = grade(Path(args.submissions), Path(args.out), Path(args.solutions), seed=seed, limits=limits,
                    jobs=args.jobs or os.cpu_count() or 1, progress=progress)
    except NotebookFormatError as exc:
        _error(str(exc))
        return 2
    finally:
        if bar is not None:
            bar.close()
    print(report_text(run))
    return 0 if run.rows else 2


def _nbgrader_course(args) -> int:
    from .authoring.notebook_io import NotebookFormatError
    from .grading.nbgrader_course import write_course

    try:
        written = write_course(Path(args.directory), _solutions(args.paths), assignment=args.assignment)
    except (NotebookFormatError, FileExistsError) as exc:
        _error(str(exc))
        return 2
    if not written:
        return 2
    for path in written:
        print(f"wrote {path}")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tutorial_lib", description="Authoring and checking tools of the Backprop Workbook."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    execute = commands.add_parser(
        "execute", help="run solution notebooks top to bottom and save their outputs",
        description="Run each solution notebook in its folder with a fresh python3 kernel and save it in "
                    "place. A notebook with an error, a timeout or any stderr output (warnings included) is "
                    "reported and not saved.",
    )
    execute.add_argument("paths", nargs="*", metavar="PATHS", help="default: solutions/*.ipynb")
    execute.add_argument("--timeout", type=float, default=60.0, metavar="S", help="per-cell limit (default 60 s)")
    execute.set_defaults(run=_execute)

    build = commands.add_parser(
        "build", help="write notebooks/ from solutions/",
        description="Write notebooks/NN_topic.ipynb from each solutions/NN_topic.ipynb. A student notebook "
                    "edited since the last build is not overwritten without --force.",
    )
    build.add_argument("paths", nargs="*", metavar="PATHS", help="default: solutions/*.ipynb")
    mode = build.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true",
                      help="write nothing; exit 1 listing the student notebooks out of step")
    mode.add_argument("--force", action="store_true",
                      help="overwrite edited student notebooks after copying them to notebooks/.backups/")
    build.set_defaults(run=_build)

    check = commands.add_parser(
        "check", help="run a student notebook and report on each exercise",
        description="Run a copy of each student notebook and report, per exercise: passed, failed (with a "
                    "hint), not attempted or check cell modified. Exit 0 when every code exercise passed.",
    )
    check.add_argument("paths", nargs="+", metavar="PATHS", help="student notebooks, e.g. notebooks/01_*.ipynb")
    check.add_argument("--json", action="store_true", help="print a machine-readable report")
    check.add_argument("--timeout", type=float, default=60.0, metavar="S", help="per-cell limit (default 60 s)")
    check.set_defaults(run=_check)

    grade = commands.add_parser(
        "grade", help="grade a folder of submissions: gradebook.csv, feedback, Gradescope results",
        description="Grade SUBMISSIONS/<student>/NN_topic.ipynb against the course in --solutions: each "
                    "notebook runs in a fresh, limited kernel on a copy, with hidden inputs drawn from the "
                    "grading seed. Writes OUT/gradebook.csv, OUT/feedback/<student>.md and "
                    "OUT/gradescope/<student>/results.json; a second run grades only what changed.",
    )
    grade.add_argument("submissions", metavar="SUBMISSIONS", help="a folder with one sub-folder per student")
    grade.add_argument("--out", required=True, metavar="DIR", help="where the gradebook and feedback go")
    grade.add_argument("--solutions", default=str(SOLUTIONS), metavar="DIR",
                       help="the course's solution notebooks (default solutions/)")
    grade.add_argument("--jobs", type=int, default=0, metavar="N", help="notebooks at once (default: the cores)")
    grade.add_argument("--timeout", type=float, default=300.0, metavar="S",
                       help="wall-clock limit per notebook (default 300 s; each cell and each check at most a quarter of it, 60 s at most)")
    grade.add_argument("--memory", type=int, default=4096, metavar="MB",
                       help="memory a kernel may write to (default 4096; a notebook of the course uses about 0.3 GB)")
    grade.add_argument("--seed", type=int, default=None, metavar="N",
                       help="grading seed for hidden inputs (default: $TUTORIAL_LIB_GRADING_SEED)")
    grade.set_defaults(run=_grade)

    course = commands.add_parser(
        "nbgrader-course", help="write an nbgrader course directory from the solutions",
        description="Write DIRECTORY/nbgrader_config.py and DIRECTORY/source/<assignment>/NN_topic.ipynb: "
                    "answer cells as solutions, check cells as autograded tests with their points, written "
                    "answers as manually graded cells, everything else read-only.",
    )
    course.add_argument("directory", metavar="DIRECTORY", help="the course directory (created)")
    course.add_argument("paths", nargs="*", metavar="PATHS", help="default: solutions/*.ipynb")
    course.add_argument("--assignment", default=None, metavar="NAME",
                        help="one assignment holding every notebook (default: one assignment per notebook)")
    course.set_defaults(run=_nbgrader_course)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code.

    Parameters
    ----------
    argv : list of str, optional
        The arguments after the program name; default ``sys.argv[1:]``.
    """
    args = _parser().parse_args(argv)
    return args.run(args)
