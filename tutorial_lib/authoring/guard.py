"""The code that ``check`` and ``grade`` run in the student's kernel around the notebook.

A student's cells run in the same Python process as the checks, so they can
replace anything a checker relies on: ``checks.exercise_1_2 = lambda f: print("... passed ...")``,
a patched ``expect_array``, a redefined ``print``.  The verdict must not depend
on any of that, so the student's notebook runs between cells of ours:

* :func:`prologue_source` (before the first cell) imports numpy and the
  workbook and takes a *snapshot*: for every function and class of
  ``tutorial_lib``, numpy, ``builtins`` and a few standard modules, which object
  each name holds and which code object each function runs.  It also loads a
  private copy of the checker modules (``tutorial_lib.checks`` and its
  submodules, imported afresh from disk and kept out of ``sys.modules``) before
  any cell of the student's has run.
* Each check cell is replaced by :func:`check_source`: at the check cell's
  place in the notebook, it hands the objects the check cell names to the
  private checker, compares the modules with the snapshot (anything replaced
  is *tampering*), and writes the verdict, under a time limit, to a file the
  student's cells were never told about, one JSON line per event.  A kernel
  that dies later still leaves the verdicts before it, and one that dies inside
  a check is blamed on that exercise.
* :func:`epilogue_source` (after the last cell) compares once more.

What this does not stop: a student determined to defeat it can still run
arbitrary code in the kernel and go looking for the guard.  What it does stop
is every shortcut that works by rebinding or patching a name, which is what a
student tries first.
"""

from __future__ import annotations

import json
from pathlib import Path

__all__ = ["GUARD_MODULE", "prologue_source", "check_source", "epilogue_source", "read_verdicts"]

#: The private module (in ``sys.modules``) that holds the guard's ``check`` and ``finish``.
GUARD_MODULE = "_tutorial_lib_guard"

_PROLOGUE = r'''
def _tutorial_lib_prologue():
    import builtins, contextlib, importlib, io, json, os, pkgutil, signal, sys, types
    import numpy, numpy.linalg
    import tutorial_lib, tutorial_lib.checks
    for info in pkgutil.iter_modules(tutorial_lib.__path__):
        if info.name not in {"authoring", "cli", "grading", "__main__"}:
            importlib.import_module("tutorial_lib." + info.name)
    guard = types.ModuleType(__MODULE__)

    def is_checks(name):
        return name == "tutorial_lib.checks" or name.startswith("tutorial_lib.checks.")

    # The private checkers: the same files, imported afresh, then the originals put back.
    public = {k: v for k, v in sys.modules.items() if is_checks(k)}
    for k in public:
        del sys.modules[k]
    private = importlib.import_module("tutorial_lib.checks")
    private_common = sys.modules["tutorial_lib.checks._common"]
    for k in [k for k in sys.modules if is_checks(k)]:
        del sys.modules[k]
    sys.modules.update(public)
    tutorial_lib.checks = public["tutorial_lib.checks"]  # the import bound the private copy to the package

    # Volatile by design: ipykernel binds input() to each request.
    volatile = {("builtins", "input"), ("builtins", "raw_input")}

    def watched():
        mods = [builtins, contextlib, importlib, io, json, os, signal, numpy, numpy.linalg]
        mods += [m for name, m in sorted(sys.modules.items())
                 if (name == "tutorial_lib" or name.startswith("tutorial_lib.")) and m is not None
                 and not name.startswith(("tutorial_lib.authoring", "tutorial_lib.cli", "tutorial_lib.grading"))]
        return mods

    def entries(mod):
        # name -> (object, code object, holder, key, raw entry): compared by identity, and kept
        # alive so that no new object can take a freed one's id.
        found = {}
        for name, value in list(vars(mod).items()):
            if (mod.__name__, name) in volatile or not (callable(value) or isinstance(value, types.ModuleType)):
                continue
            found[name] = (value, getattr(getattr(value, "__func__", value), "__code__", None), mod, name, value)
            if isinstance(value, type) and value.__module__ == mod.__name__:
                for attr, member in list(vars(value).items()):
                    func = getattr(member, "__func__", member)
                    code = getattr(func, "__code__", None)
                    if code is not None:
                        found[name + "." + attr] = (func, code, value, attr, member)
        return found

    missing = object()

    def repair():
        # Put back, for the length of one check, whatever the notebook replaced: the private
        # checker then runs on the originals.  Returns how to undo it.
        undo = []
        for before in snapshot.values():
            for value, code, holder, key, raw in before.values():
                current = vars(holder).get(key, missing)
                if current is not raw:
                    undo.append(("attr", holder, key, current))
                    setattr(holder, key, raw)
                target = getattr(value, "__func__", value)
                if code is not None and getattr(target, "__code__", None) is not code:
                    undo.append(("code", target, "__code__", target.__code__))
                    target.__code__ = code
        return undo

    def unrepair(undo):
        for kind, holder, key, value in reversed(undo):
            if kind == "code":
                holder.__code__ = value
            elif value is missing:
                delattr(holder, key)
            else:
                setattr(holder, key, value)

    snapshot = {m.__name__: entries(m) for m in watched()}
    modules = sys.modules
    hooks_before = {hook: list(getattr(get_ipython(), hook))
                    for hook in ("input_transformers_cleanup", "input_transformers_post", "ast_transformers")}
    public_checks = tutorial_lib.checks
    fd = os.open(__PATH__, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    dumps, os_write, os_fsync = json.dumps, os.write, os.fsync
    gettrace, getprofile, setitimer, signal_ = sys.gettrace, sys.getprofile, signal.setitimer, signal.signal
    StringIO, redirect_stdout = io.StringIO, contextlib.redirect_stdout
    reported = set()

    def emit(record):
        record["nonce"] = __NONCE__
        os_write(fd, (dumps(record) + "\n").encode("utf-8"))
        os_fsync(fd)

    def compare():
        problems = []
        for name, before in snapshot.items():
            module = modules.get(name)
            if module is None:
                problems.append(f"the module {name} was removed from sys.modules")
                continue
            now = entries(module)
            for attr, (value, code, *_) in before.items():
                got = now.get(attr)
                if got is None or got[0] is not value or got[1] is not code:
                    where = "tl" + name[len("tutorial_lib"):] if name.startswith("tutorial_lib") else name
                    problems.append(f"{where}.{attr} was replaced or deleted")
        if gettrace() is not None:
            problems.append("a trace function was installed (sys.settrace)")
        if getprofile() is not None:
            problems.append("a profile function was installed (sys.setprofile)")
        ip = get_ipython()
        for hook, before in hooks_before.items():
            if any(f not in before for f in getattr(ip, hook)):
                problems.append(f"code was added to IPython's {hook}")
        if ip.user_ns.get("checks", public_checks) is not public_checks:
            problems.append("the name `checks` no longer refers to tutorial_lib.checks")
        fresh = [p for p in problems if p not in reported]
        reported.update(fresh)
        if fresh:
            emit({"tampering": fresh[:20]})

    class CheckTimeout(BaseException):
        pass

    def on_alarm(signum, frame):
        raise CheckTimeout()

    def check(exercise, arguments, seed, limit):
        compare()
        emit({"exercise": exercise, "status": "started"})
        checker = getattr(private, "exercise_" + exercise.replace(".", "_"))
        previous = signal_(signal.SIGALRM, on_alarm)
        out = StringIO()
        undo = repair()
        try:
            private_common.set_grading_seed(seed)
            setitimer(signal.ITIMER_REAL, limit)
            try:
                with redirect_stdout(out):
                    checker(*arguments)
            finally:
                setitimer(signal.ITIMER_REAL, 0)
            status, message = "passed", ""
        except NotImplementedError:
            status, message = "not attempted", ""
        except AssertionError as exc:
            status, message = "failed", str(exc)
        except CheckTimeout:
            status, message = "timeout", f"the check ran longer than {limit:g} s"
        except Exception as exc:
            status, message = "error", f"{type(exc).__name__}: {exc}"
        finally:
            signal_(signal.SIGALRM, previous)
            private_common.set_grading_seed(None)
            unrepair(undo)
        emit({"exercise": exercise, "status": status, "message": message})

    def finish():
        compare()
        emit({"done": True})
        os.close(fd)

    guard.check = check
    guard.finish = finish
    sys.modules[__MODULE__] = guard
    # Last, once the verdicts file is open: grade's limits (and, as root, giving up root).
    __KERNEL_SETUP__


_tutorial_lib_prologue()
del _tutorial_lib_prologue
'''

_CHECK = r'''__import__("sys").modules[__MODULE__].check(__EXERCISE__, (__ARGUMENTS__,), __GRADING_SEED__, __TIMEOUT__)'''

_EPILOGUE = r'''__import__("sys").modules[__MODULE__].finish()'''


def _fill(template: str, **values: str) -> str:
    for key, value in values.items():
        template = template.replace(f"__{key.upper()}__", value)
    return template


def prologue_source(results_path: str, nonce: str, kernel_setup: str = "") -> str:
    """The first cell: imports, the snapshot, the private checkers and the guard module.

    ``kernel_setup`` is code run in the kernel at the end of the prologue, once
    the verdicts file is open (``grade``: resource limits, dropping root).
    """
    setup = "\n    ".join(kernel_setup.strip().splitlines()) or "pass"
    return _fill(_PROLOGUE, module=repr(GUARD_MODULE), kernel_setup=setup, path=repr(str(results_path)),
                 nonce=repr(nonce))


def check_source(exercise: str, arguments: str, timeout: float, grading_seed: int | None = None) -> str:
    """The check cell of ``exercise`` as the guarded run executes it: the private checker on its arguments."""
    return _fill(_CHECK, module=repr(GUARD_MODULE), exercise=repr(exercise), arguments=arguments,
                 grading_seed=repr(grading_seed), timeout=repr(float(timeout)))


def epilogue_source() -> str:
    """The last cell: a final comparison with the snapshot, and the end of the verdicts file."""
    return _fill(_EPILOGUE, module=repr(GUARD_MODULE))


def read_verdicts(results_path, nonce: str) -> tuple[list[str] | None, dict[str, dict], str | None, bool]:
    """What the guarded run wrote.

    Returns
    -------
    tampering : list of str or None
        What was replaced (None if nothing was).
    verdicts : dict
        ``{exercise: {"status": ..., "message": ...}}`` for every finished check.
    running : str or None
        The exercise whose check had started but not finished (the kernel died in it).
    done : bool
        The last cell ran.
    """
    tampering, verdicts, running, done = None, {}, None, False
    try:
        text = Path(results_path).read_text(encoding="utf-8")
    except OSError:
        return tampering, verdicts, running, done
    for line in text.splitlines():
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        if not isinstance(record, dict) or record.get("nonce") != nonce:
            continue
        if "tampering" in record:
            tampering = (tampering or []) + [str(p) for p in record["tampering"]]
        elif record.get("done"):
            done = True
        elif record.get("status") == "started":
            running = record.get("exercise")
        elif "exercise" in record:
            verdicts[record["exercise"]] = {"status": record["status"], "message": record.get("message", "")}
            if running == record["exercise"]:
                running = None
    return tampering, verdicts, running, done
