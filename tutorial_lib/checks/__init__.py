"""Exercise checkers, one module per notebook (``nb01.py`` holds ``exercise_1_1`` ...).

A check cell calls ``checks.exercise_N_M(...)``: it prints
``Exercise N.M: passed the public checks.`` or raises an ``AssertionError``
that says what was expected, what came back and what the likely mistake is.
Every ``exercise_*`` function of every ``nbNN`` module is importable from here.
A module may also define ``PLANTED_MISTAKES``: wrong answers that the test
suite plants in the notebook to prove that each checker catches them, and
``HINTS``: ``{"N.M": [first hint, second hint, ...]}``, the staged hints that
``checks.hint("N.M")`` prints one at a time (never code that can be pasted as
the answer).
"""

from __future__ import annotations

import importlib
import pkgutil

from ._common import CheckFailure, NotAttempted, hint, passed, register_hints

__all__ = ["CheckFailure", "NotAttempted", "hint", "passed", "notebook_modules"]


def notebook_modules() -> dict:
    """``{"nb01": module, ...}`` for every notebook's checker module."""
    found = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("nb") and info.name[2:].isdigit():
            found[info.name] = importlib.import_module(f".{info.name}", __name__)
    return dict(sorted(found.items()))


def _export_exercises() -> None:
    for module in notebook_modules().values():
        register_hints(getattr(module, "HINTS", {}))
        for name in dir(module):
            if name.startswith("exercise_"):
                if name in globals():
                    raise ImportError(f"two checker modules define {name}")
                globals()[name] = getattr(module, name)
                __all__.append(name)


_export_exercises()
