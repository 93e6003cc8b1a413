"""Plotting helpers of the workbook (matplotlib), so that notebooks hold the
teaching and not the plumbing.

``core`` has the shared pieces (the colour-blind-safe palette, figure sizes,
decision boundaries, loss curves, per-layer gradient norms, heat maps, dead
fractions, confusion matrices); one module per topic adds that notebook's own
figures.  Every public name of every module is importable from here.
"""

from __future__ import annotations

import importlib
import pkgutil

from .core import *  # noqa: F401,F403
from .core import __all__ as _core_all

__all__ = list(_core_all)

for _info in pkgutil.iter_modules(__path__):
    if _info.name != "core" and not _info.name.startswith("_"):
        _module = importlib.import_module(f".{_info.name}", __name__)
        for _name in getattr(_module, "__all__", ()):
            globals()[_name] = getattr(_module, _name)
            __all__.append(_name)
