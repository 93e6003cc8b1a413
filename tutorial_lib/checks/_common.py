"""The building blocks of every exercise checker.

A checker calls the student's code on inputs it makes itself, computes the
reference at check time (library functions, numerical gradients) and compares
with :func:`expect_array` / :func:`expect_close`.  On success it calls
:func:`passed`, which prints the one stable line that nbval compares; on
failure it raises :class:`CheckFailure` (an ``AssertionError``) whose message
teaches: what was expected, what came back, the worst entry, and a hint that
names the likely mistake.

The diagnosis tries the classic backprop bugs in turn: a ``(1, n)`` row that
met an ``(n,)`` array and broadcast to ``(n, n)``, a transposed result, a
flipped sign, a missing or doubled ``1/n``, and whatever variants the checker
passes in (``mistakes=``), such as alpha and beta swapped or a ReLU mask taken
from the wrong array.
"""

from __future__ import annotations

import inspect
import re
import sys
import threading
import traceback
import zlib
from pathlib import Path

import numpy as np

__all__ = [
    "CheckFailure", "NotAttempted", "passed", "fail", "expect_array", "expect_close", "expect_true",
    "expect_number", "call_student", "fmt_array", "RTOL", "ATOL", "EXACT_RTOL", "register_hints", "hint",
    "set_grading_seed", "grading_seed", "grading_cases", "extra_seeds",
]

#: Default tolerances: the student's float64 code and the reference differ only by rounding.
RTOL = 1e-6
ATOL = 1e-9
#: Tolerance of ``expect_array(..., exact=True)``, relative to each entry and to the largest entry.
#: Backprop in float64 agrees with the reference to about 1e-15 whatever the order of the sums;
#: central differences cannot get below about 1e-11 (truncation plus round-off), so a numerical
#: gradient handed in where backprop is asked for fails here.
EXACT_RTOL = 1e-12

#: The package folder: frames inside it are the checker's, never the student's.
_PACKAGE_DIR = str(Path(__file__).resolve().parents[1])
#: The checkers' folder: a call from the student's code into a function defined here is refused.
_CHECKS_DIR = str(Path(__file__).resolve().parent)
#: The longest failure message a student sees, in lines: it must fit on the screen.
MAX_MESSAGE_LINES = 12


class CheckFailure(AssertionError):
    """An exercise check failed; the message says what, and how to fix it.

    In IPython (JupyterLab, nbval) the failure shows as its message alone:
    ``_render_traceback_`` replaces the traceback, whose frames would be the
    checker's code, not the student's.
    """

    def _render_traceback_(self) -> list[str]:
        lines = str(self).split("\n")
        return ["\x1b[1;31m" + lines[0] + "\x1b[0m", *lines[1:]]


class NotAttempted(NotImplementedError):
    """The student's function still raises the placeholder's ``NotImplementedError``."""

    def _render_traceback_(self) -> list[str]:
        return [str(self)]


def passed(exercise: str) -> None:
    """Print the stable success line that the check cell's saved output holds."""
    print(f"Exercise {exercise}: passed the public checks.")


# ------------------------------------------------------------------------------------ staged hints
#: ``{"1.2": ("first hint", "second hint", ...)}``, filled by each checker module's ``register_hints``.
_HINTS: dict[str, tuple[str, ...]] = {}
#: How many hints of each exercise have been shown in this kernel.
_HINTS_SHOWN: dict[str, int] = {}


def register_hints(hints: dict) -> None:
    """Make ``hints`` (``{"N.M": [stage 1, stage 2, ...]}``) available to :func:`hint`."""
    for exercise, stages in hints.items():
        if exercise in _HINTS:
            raise ValueError(f"hints for exercise {exercise} are registered twice")
        if not stages or not all(isinstance(s, str) and s.strip() for s in stages):
            raise ValueError(f"the hints of exercise {exercise} must be a non-empty list of texts")
        _HINTS[exercise] = tuple(stages)


def hint(exercise, stage: int | None = None) -> None:
    """Print the next hint of an exercise, one stage at a time.

    Parameters
    ----------
    exercise : str
        The exercise id, e.g. ``"1.2"`` (a float such as ``1.2`` is accepted too).
    stage : int, optional
        Show this stage (1-based) again instead of the next one.
    """
    exercise = str(exercise).strip()
    stages = _HINTS.get(exercise)
    if stages is None:
        known = ", ".join(sorted(_HINTS, key=lambda e: tuple(int(p) for p in e.split(".")))) or "none"
        print(f"There are no hints for exercise {exercise!r}. Exercises with hints: {known}.")
        return
    if stage is None:
        stage = min(_HINTS_SHOWN.get(exercise, 0) + 1, len(stages))
    if not 1 <= int(stage) <= len(stages):
        print(f"Exercise {exercise} has hints 1 to {len(stages)}.")
        return
    stage = int(stage)
    _HINTS_SHOWN[exercise] = max(_HINTS_SHOWN.get(exercise, 0), stage)
    print(f"Hint {stage} of {len(stages)} for exercise {exercise}: {stages[stage - 1]}")
    if stage < len(stages):
        print(f"(run checks.hint(\"{exercise}\") again for the next one)")
    else:
        print("(that was the last hint)")


# ------------------------------------------------------------------------------------ grading seeds
_GRADING_SEED: int | None = None


def set_grading_seed(seed: int | None) -> None:
    """Switch the checkers to grading mode: extra inputs drawn from ``seed`` (None switches back)."""
    global _GRADING_SEED
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise ValueError(f"the grading seed must be an int, got {type(seed).__name__}")
    _GRADING_SEED = seed


def grading_seed() -> int | None:
    """The instructor's grading seed, or None for the public checks."""
    return _GRADING_SEED


def extra_seeds(exercise: str, k: int = 2) -> list[int]:
    """``k`` seeds for hidden inputs of ``exercise`` when grading; ``[]`` for the public checks.

    The seeds depend on the grading seed and the exercise only, so a grading run
    is reproducible, and they lie far from the small public seeds.
    """
    if _GRADING_SEED is None:
        return []
    base = zlib.crc32(f"{_GRADING_SEED}:{exercise}".encode())
    return [100_000 + (base * (i + 1)) % 2_000_000_000 for i in range(k)]


def grading_cases(exercise: str, public, k: int = 2) -> list:
    """The public cases, plus ``k`` hidden ones when grading.

    ``public`` is a sequence of tuples whose last item is a seed, e.g.
    ``[(6, 21), (1, 22), (10, 23)]`` for ``(n, seed)``.  A hidden case copies a
    public case's other items (cycling through them) with a seed from
    :func:`extra_seeds`, so it exercises the same situations on new numbers.
    """
    public = [tuple(case) for case in public]
    hidden = [public[i % len(public)][:-1] + (seed,) for i, seed in enumerate(extra_seeds(exercise, k))]
    return public + hidden


# ------------------------------------------------------------------------------------ messages
def fmt_array(value, precision: int = 4) -> str:
    """A short, stable rendering of an array or a number (anything else by its type)."""
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError):
        return _describe_type(value)
    if arr.dtype.kind in "biuf":
        if arr.ndim == 0:
            return f"{float(arr):.{precision}g}"
        with np.printoptions(precision=precision, threshold=8, edgeitems=2, suppress=False, linewidth=70):
            return np.array2string(arr, separator=", ").replace("\n", " ")
    return _describe_type(value)


def _distinct(expected, got) -> tuple[str, str]:
    """Both rendered with as few digits as show them apart (4 to 10): a near miss must not read as equal."""
    for precision in range(4, 11):
        shown = fmt_array(expected, precision), fmt_array(got, precision)
        if shown[0] != shown[1]:
            return shown
    return shown


def _describe_type(value) -> str:
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:37] + "..."
        return f"the string {text!r}"
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of {len(value)} items"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    if value is None:
        return "None"
    name = type(value).__name__
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"


def fail(exercise: str, what: str, expected=None, got=None, hint: str = "", detail: str = "") -> None:
    """Raise :class:`CheckFailure` with the workbook's standard message layout.

    What is wrong, what was expected and what came back, the worst entry, the
    hint naming the likely mistake, and where more help is (``checks.hint``).
    """
    lines = [f"Exercise {exercise}: {what}"]
    if expected is not None:
        lines.append(f"  expected: {expected}")
    if got is not None:
        lines.append(f"  got:      {got}")
    if detail:
        lines.append(f"  {detail}")
    if hint:
        lines.append(f"  hint: {hint}")
    if exercise in _HINTS:
        lines.append(f"  more help: run checks.hint(\"{exercise}\")")
    raise CheckFailure("\n".join(lines))


# ------------------------------------------------------------------------------------ calling the student
def _qualified(fn) -> str:
    """How a student would write ``fn``: ``tl.bce_grad``, ``tl.MLP.backward``, ``tl.plotting.dead_units``."""
    module = getattr(fn, "__module__", "") or ""
    name = getattr(fn, "__qualname__", getattr(fn, "__name__", repr(fn)))
    if not module.startswith("tutorial_lib"):
        return f"{module}.{name}"
    parts = module.split(".")
    top = name.split(".", 1)[0]
    for k in range(1, len(parts) + 1):  # the shortest public path that reaches it
        holder = sys.modules.get(".".join(parts[:k]))
        if holder is not None and getattr(holder, top, None) is not None and (
                k == len(parts) or top in getattr(holder, "__all__", ())):
            return ".".join(["tl", *parts[1:k], name])
    return f"tl.{name}"


def _code_of(fn):
    """The key a forbidden function is recognised by: where its code is, not which object holds it, so
    that the copy of a module loaded afresh (``check`` loads the checkers privately) matches too."""
    fn = getattr(fn, "__func__", fn)
    code = getattr(fn, "__code__", None)
    if code is None:
        raise TypeError(f"cannot forbid {fn!r}: it is not a Python function")
    return _code_key(code)


def _code_key(code) -> tuple:
    return code.co_filename, code.co_firstlineno, code.co_name


def _student_frame(tb) -> str:
    """``line N: <source>`` of the innermost frame that is the student's own code."""
    frames = [f for f in traceback.extract_tb(tb)
              if not f.filename.startswith(_PACKAGE_DIR) and "site-packages" not in f.filename
              and "/numpy/" not in f.filename]
    if not frames:
        return ""
    frame = frames[-1]
    source = (frame.line or "").strip()
    return f"at line {frame.lineno} of your code: {source}" if source else f"at line {frame.lineno} of your code"


def call_student(exercise: str, fn, *args, forbid=(), passthrough=(), **kwargs):
    """Call the student's function on copies of the inputs.

    Parameters
    ----------
    exercise : str
        The exercise id, for the messages.
    fn : callable
        The student's function.
    *args, **kwargs
        Its inputs; ndarrays are copied, and an input changed in place is reported.
    forbid : sequence of callables
        The library's own answers to this exercise (e.g. ``bce_grad``,
        ``MLP.backward``, ``numerical_gradient``).  A call to any of them while
        the student's function runs, under whatever name it was imported,
        fails the check: the exercise is to write that maths.  So does a call
        from the student's code into any function of the checkers themselves
        (their references are answers), except the callables handed to the
        student here, and switching the watch off with ``sys.setprofile``.
    passthrough : tuple of exception types
        Exceptions the exercise expects the student's code to raise (e.g. a
        shape assertion); they reach the checker unchanged.

    Raises
    ------
    NotAttempted
        The function still raises the placeholder's ``NotImplementedError``.
    CheckFailure
        Not a function, a forbidden shortcut, an input changed in place, or an
        exception inside the student's code (named with the student's line).
    """
    if not callable(fn):
        fail(exercise, f"expected a function, got {_describe_type(fn)}.",
             hint="pass the function itself (its name, without parentheses) to the check.")
    if inspect.isgeneratorfunction(fn):
        fail(exercise, "your function is a generator (it uses `yield`).",
             hint="compute the result and `return` it instead of yielding values.")
    codes = {_code_of(f): _qualified(f) for f in forbid}
    handed = _handed_over(args, kwargs)
    helpers = _checker_helpers()
    used: list[str] = []

    def watch(frame, event, arg):
        if event != "call":
            return
        code = frame.f_code
        key = (code.co_filename, code.co_firstlineno, code.co_name)
        name = codes.get(key)
        if name is None and key in helpers and key not in handed:
            caller = frame.f_back
            if caller is not None and not caller.f_code.co_filename.startswith(_CHECKS_DIR):
                # The student's code called straight into a checker's helper: its references are answers.
                name = helpers[key]
        if name is not None and name not in used:
            used.append(name)

    copies = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
    previous, previous_threads = sys.getprofile(), threading.getprofile()
    sys.setprofile(watch)
    threading.setprofile(watch)  # threads the student's code starts are watched too
    switched_off = False
    try:
        result = fn(*copies, **kwargs)
    except NotImplementedError:
        raise NotAttempted(
            f"Exercise {exercise}: not attempted yet: replace `raise NotImplementedError()` in the answer cell "
            f"with your code, run that cell, then this one.") from None
    except CheckFailure:
        raise
    except Exception as exc:  # noqa: BLE001 - reported below, with the student's line
        if passthrough and isinstance(exc, passthrough) and not used:
            raise
        where = _student_frame(exc.__traceback__)
        if used:
            _forbidden(exercise, used)
        fail(exercise, f"your function raised {type(exc).__name__}: {_first_line(exc)}",
             detail=where, hint=_exception_hint(exc))
    finally:
        switched_off = sys.getprofile() is not watch
        sys.setprofile(previous)
        threading.setprofile(previous_threads)
    if switched_off:
        fail(exercise, "your function switched off the check's watch over the library (sys.setprofile).",
             hint="leave the profiler alone: the check needs to see which functions your code calls.")
    if used:
        _forbidden(exercise, used)
    for i, (orig, copy) in enumerate(zip(args, copies)):
        if isinstance(orig, np.ndarray) and (orig.shape != copy.shape or not np.array_equal(orig, copy)):
            fail(exercise, f"your function changed its input argument number {i + 1} in place.",
                 hint="compute a new array instead of updating an input with an augmented assignment or a slice "
                      "assignment: the caller still needs the original values.")
    return result


def _checker_helpers() -> dict:
    """``{code key: name}`` of every function defined at the top level of a checker module (its
    references, its variants of the answer), in whichever copy of the modules is loaded."""
    found = {}
    for module_name, module in list(sys.modules.items()):
        if module is None or not re.fullmatch(r"tutorial_lib\.checks\.nb\d+", module_name):
            continue
        for attr, value in list(vars(module).items()):
            code = getattr(value, "__code__", None)
            if code is not None and code.co_filename.startswith(_CHECKS_DIR) and inspect.isfunction(value) \
                    and value.__module__ == module_name:
                found[_code_key(code)] = f"tutorial_lib.checks.{module_name.rsplit('.', 1)[1]}.{attr}"
    return found


def _handed_over(args, kwargs) -> set:
    """Code keys of the callables the checker hands to the student's function (directly, or inside a
    dict, list or tuple): calling those is the point, even when a checker defined them."""
    keys = set()

    def add(value):
        func = getattr(value, "__func__", value)
        code = getattr(func, "__code__", None)
        if code is not None:
            keys.add(_code_key(code))
        cls = type(value)
        if getattr(cls, "__module__", "").startswith("tutorial_lib.checks"):
            for member in vars(cls).values():
                member = getattr(member, "__func__", member)
                if getattr(member, "__code__", None) is not None:
                    keys.add(_code_key(member.__code__))

    for value in [*args, *kwargs.values()]:
        add(value)
        items = value.values() if isinstance(value, dict) else value if isinstance(value, (list, tuple)) else ()
        for item in items:
            add(item)
    return keys


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().split("\n", 1)[0]
    return text if len(text) <= 160 else text[:157] + "..."


def _exception_hint(exc: BaseException) -> str:
    text = str(exc)
    if isinstance(exc, ValueError) and ("broadcast" in text or "shapes" in text or "aligned" in text
                                        or "mismatch" in text):
        return ("two arrays met with shapes that do not fit: print the shape of each operand on that line and "
                "compare with the shapes the exercise gives.")
    if isinstance(exc, ValueError) and "expected" in text and "shape" in text:
        return "a library function refused an array of the wrong shape: the message above says which."
    if isinstance(exc, NameError):
        return "a name your function uses is not defined: run the cells above it, or check the spelling."
    if isinstance(exc, (TypeError, AttributeError)):
        return "an argument is not of the type your code assumes: the exercise says what each argument is."
    return "run your function on a small input of your own and look at each intermediate value."


def _forbidden(exercise: str, used: list[str]) -> None:
    # The first call recorded is the outermost: what the student wrote (MLP.backward, not its helpers).
    name = used[0]
    fail(exercise, f"your function calls {name}, the library's own answer to this exercise.",
         hint=f"write the maths yourself: {name} computes what this exercise asks you to compute, so the check "
              f"does not accept it here.")


# ------------------------------------------------------------------------------------ results
def _as_result_array(exercise: str, name: str, got, expected_shape=None,
                     allow_nonfinite: bool = False) -> np.ndarray:
    """``got`` as a float64 array, or a failure that says what came back instead."""
    if expected_shape == () or expected_shape == "number":
        want = "one number"
    elif expected_shape is not None:
        want = f"one array of shape {expected_shape}"
    else:
        want = "one numeric array"
    if got is None:
        fail(exercise, f"{name} came back as None.", hint="did you forget the `return` statement?")
    if isinstance(got, (str, bytes)):
        fail(exercise, f"{name} came back as text, not numbers.", expected=want, got=_describe_type(got),
             hint="return the computed values themselves, not a description or a formatted string.")
    if isinstance(got, (dict, set, frozenset)):
        fail(exercise, f"{name} came back as a {type(got).__name__}.", expected=want, got=_describe_type(got),
             hint="return the array itself, not a container of results.")
    if inspect.isgenerator(got) or inspect.isfunction(got) or inspect.ismethod(got) or callable(got):
        what = "a generator" if inspect.isgenerator(got) else "a function"
        fail(exercise, f"{name} came back as {what}, not an array.", expected=want, got=what,
             hint="call what you built and return its values; a generator or a function is not a result.")
    if isinstance(got, tuple) or (isinstance(got, list) and len(got) > 1 and all(
            isinstance(item, np.ndarray) for item in got)):
        fail(exercise, f"{name} came back as a {type(got).__name__} of {len(got)} values.", expected=want,
             got=f"a {type(got).__name__} of {len(got)}",
             hint="return only what the exercise asks for; if you also computed other values, leave them out "
                  "of the `return`.")
    if isinstance(got, (bool, np.bool_)):
        fail(exercise, f"{name} came back as {got}, a truth value.", expected=want, got=repr(bool(got)),
             hint="return the computed number or array, not the result of a comparison.")
    try:
        arr = np.asarray(got)
    except (TypeError, ValueError):
        fail(exercise, f"{name} could not be read as one array.", expected=want, got=_describe_type(got),
             hint="the items you returned have different lengths (a ragged list): build one rectangular array.")
    if arr.dtype == object:
        fail(exercise, f"{name} could not be read as one array of numbers.", expected=want,
             got=_describe_type(got),
             hint="the items you returned have different lengths or types: build one rectangular array of numbers.")
    if arr.dtype.kind == "c":
        fail(exercise, f"{name} has complex numbers.", expected=want, got=fmt_array(arr.real),
             hint="a square root or a power of a negative number made the result complex; check the signs.")
    if arr.dtype.kind == "b":
        fail(exercise, f"{name} is an array of truth values.", expected=want, got=fmt_array(arr.astype(int)),
             hint="return the numbers, not the result of a comparison (a mask is a step, not the answer).")
    if arr.dtype.kind not in "iuf":
        fail(exercise, f"{name} must be numeric; got {_describe_type(got)}.", expected=want,
             hint="return an array of numbers.")
    arr = arr.astype(np.float64)
    if not allow_nonfinite and not np.all(np.isfinite(arr)):
        bad = np.argwhere(~np.isfinite(arr))
        where = tuple(int(i) for i in bad[0]) if arr.ndim else ()
        value = arr[where] if arr.ndim else arr
        fail(exercise, f"{name} has {value} at entry {where}.", expected="finite numbers everywhere",
             got=fmt_array(arr),
             hint="a log of 0, a division by 0 or an exponential that overflowed: look at the extreme inputs "
                  "(predictions of exactly 0 or 1, large logits).")
    return arr


def _close(a, b, rtol, atol) -> bool:
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=atol))


def _worst_entry(got: np.ndarray, expected: np.ndarray) -> str:
    if got.ndim == 0:
        return ""
    diff = np.abs(got - expected)
    idx = np.unravel_index(int(np.argmax(diff)), diff.shape)
    return (f"worst entry {tuple(int(i) for i in idx)}: expected {expected[idx]:.6g}, "
            f"got {got[idx]:.6g}")


def _exact_close(got: np.ndarray, expected: np.ndarray) -> bool:
    scale = float(np.max(np.abs(expected))) if expected.size else 0.0
    return bool(np.all(np.abs(got - expected) <= EXACT_RTOL * (np.abs(expected) + scale)))


def expect_array(exercise: str, name: str, got, expected, *, n: int | None = None,
                 mistakes=(), hint: str = "", rtol: float = RTOL, atol: float = ATOL,
                 exact: bool = False) -> np.ndarray:
    """Compare an array the student computed with the reference.

    Parameters
    ----------
    exercise : str
        The exercise id, e.g. ``"1.3"``.
    name : str
        What the array is, e.g. ``"dE/df"``, for the message.
    got : array_like
        The student's result.
    expected : ndarray
        The reference, computed at check time.
    n : int, optional
        The number of samples, to recognise a missing or doubled ``1/n``.
    mistakes : sequence of (ndarray, str)
        Wrong results the checker can predict, each with the hint to give when
        ``got`` matches it (e.g. the result with alpha and beta swapped).
    hint : str
        The hint to give when no known mistake matches.  It names what differs
        or the likely mistake; it never holds code that could be pasted as the
        answer (the staged hints of ``checks.hint`` help further).
    exact : bool
        Require agreement to :data:`EXACT_RTOL` (backprop's exact gradient)
        instead of ``rtol``/``atol``: a finite-difference gradient agrees only to
        about 1e-8 and is named as such.

    Returns
    -------
    ndarray
        ``got`` as float64, when it matches.
    """
    expected = np.asarray(expected, dtype=np.float64)
    shape_e = expected.shape
    got_arr = _as_result_array(exercise, name, got, shape_e, allow_nonfinite=not np.all(np.isfinite(expected)))
    shape_g = got_arr.shape

    if shape_g != shape_e:
        summary = dict(expected=f"shape {shape_e}", got=f"shape {shape_g}")
        if (len(shape_g) == 2 and shape_g[0] == shape_g[1] and shape_g[0] > 1
                and 1 in shape_e and max(shape_e) == shape_g[0]):
            fail(exercise, f"{name} has shape {shape_g}: it was broadcast to (n, n).", **summary,
                 hint=("a 1-D array of shape (n,) met a (1, n) or (n, 1) matrix and numpy broadcast them "
                       "into an n-by-n grid. Keep every row vector 2-D and check the shapes of both operands."))
        if shape_g == shape_e[::-1] and _close(got_arr.T, expected, rtol, atol):
            fail(exercise, f"{name} is transposed.", **summary,
                 hint=(f"your values are right but laid out as {shape_g}. A gradient has the shape of "
                       f"what it differentiates, {shape_e}; check which factor of the product comes first."))
        if got_arr.size == expected.size and got_arr.ndim < expected.ndim:
            fail(exercise, f"{name} has lost a dimension.", **summary,
                 hint=f"the result should be 2-D, {shape_e}; columns are samples, so a row of n values is (1, n).")
        if got_arr.ndim == 1 and len(shape_e) == 1 and got_arr.size != expected.size:
            fail(exercise, f"{name} has {got_arr.size} {'entry' if got_arr.size == 1 else 'entries'} instead of "
                           f"{expected.size}.", **summary,
                 hint=hint or "check the axis you reduced over: columns are samples, rows are units or classes.")
        fail(exercise, f"{name} has the wrong shape.", **summary,
             hint=f"the result should have shape {shape_e}; check the axis of each sum and the order of the "
                  f"factors of each product.")

    if exact and got_arr.dtype == np.float64 and np.asarray(got).dtype == np.float32:
        fail(exercise, f"{name} was computed in float32.", expected="float64 values", got="float32 values",
             hint="an input was converted to float32 somewhere; keep the arrays you are given in float64.")
    if exact and _exact_close(got_arr, expected):
        return got_arr
    if not exact and _close(got_arr, expected, rtol, atol):
        return got_arr

    detail = _worst_entry(got_arr, expected)
    summary = dict(zip(("expected", "got"), _distinct(expected, got_arr)), detail=detail)
    if exact and _close(got_arr, expected, 1e-5, 1e-8):
        worst = float(np.max(np.abs(got_arr - expected)) / max(float(np.max(np.abs(expected))), 1e-300))
        fail(exercise, f"{name} agrees with backprop only to about {worst:.0e}.", **summary,
             hint="that is what finite differences give, not backpropagation. This exercise asks for the "
                  "exact gradient from the chain rule, which agrees to rounding (about 1e-15).")
    for wrong, wrong_hint in mistakes:
        if _close(got_arr, wrong, rtol, atol):
            fail(exercise, f"{name} is not right.", **summary, hint=wrong_hint)
    if np.any(expected != 0) and _close(got_arr, -expected, rtol, atol):
        fail(exercise, f"{name} has the wrong sign.", **summary,
             hint="every entry is the negative of the expected value: look for a flipped sign, such as the "
                  "difference taken the wrong way round or a missing minus in front of the log-loss.")
    if n is not None and n > 1:
        if _close(got_arr, expected * n, rtol, atol):
            fail(exercise, f"{name} is {n} times too large.", **summary,
                 hint=f"the 1/n is missing: the loss averages over the n = {n} samples, so the loss and "
                      f"every gradient of it carry a factor 1/n.")
        if _close(got_arr, expected / n, rtol, atol):
            fail(exercise, f"{name} is {n} times too small.", **summary,
                 hint="you divided by n twice: the 1/n belongs in the loss gradient once, and carries "
                      "through the chain rule from there.")
    if (len(shape_e) == 2 and shape_e[0] == shape_e[1] and shape_e[0] > 1
            and _close(got_arr, expected.T, rtol, atol)):
        fail(exercise, f"{name} is transposed.", **summary,
             hint="your result is the transpose of the expected one; check the order of the factors.")
    fail(exercise, f"{name} does not match the reference.", **summary, hint=hint)


def expect_number(exercise: str, name: str, got) -> float:
    """``got`` as a float, when it is one number (int, float, numpy scalar or 0-d array).

    A bool, a string, a container or an array with dimensions fails with a
    message that says what came back: where the exercise asks for a number,
    a ``(1, 1)`` array is a sign that a reduction was forgotten.
    """
    if isinstance(got, np.ndarray) and got.ndim > 0:
        fail(exercise, f"{name} should be a single number; got an array of shape {got.shape}.",
             expected="one number (a float)", got=fmt_array(got),
             hint="reduce over the samples to one number and return it as a float, not as an array.")
    if isinstance(got, (list, tuple)):
        fail(exercise, f"{name} should be a single number; got a {type(got).__name__} of {len(got)} values.",
             expected="one number (a float)", got=_describe_type(got),
             hint="return only the number the exercise asks for.")
    arr = _as_result_array(exercise, name, got, "number")
    if arr.ndim > 0:
        fail(exercise, f"{name} should be a single number; got {arr.size} values.", expected="one number (a float)",
             got=fmt_array(arr), hint="return only the number the exercise asks for.")
    return float(arr)


def expect_close(exercise: str, name: str, got, expected: float, *, n: int | None = None,
                 mistakes=(), hint: str = "", rtol: float = RTOL, atol: float = ATOL) -> float:
    """Compare one number the student computed with the reference (same diagnosis as :func:`expect_array`).

    ``got`` must be a number (see :func:`expect_number`), not an array holding one.
    """
    value = expect_number(exercise, name, got)
    expect_array(exercise, name, np.asarray(value), np.asarray(expected, dtype=np.float64).reshape(()),
                 n=n, mistakes=mistakes, hint=hint, rtol=rtol, atol=atol)
    return value


def expect_true(exercise: str, condition: bool, what: str, hint: str = "", expected=None, got=None) -> None:
    """Fail with ``what`` and ``hint`` unless ``condition`` holds."""
    if not condition:
        fail(exercise, what, expected=expected, got=got, hint=hint)
