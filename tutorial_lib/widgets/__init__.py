"""ipywidgets explorers, one module per topic; every public name is importable from here.

Each explorer is built with ``ipywidgets.interactive`` and returns the widget,
so a notebook cell ends with ``widgets.some_explorer()`` and shows it.  Sliders
whose redraw takes more than a blink use ``continuous_update=False``.
"""

from __future__ import annotations

import importlib
import pkgutil

__all__ = []

for _info in pkgutil.iter_modules(__path__):
    if not _info.name.startswith("_"):
        _module = importlib.import_module(f".{_info.name}", __name__)
        for _name in getattr(_module, "__all__", ()):
            globals()[_name] = getattr(_module, _name)
            __all__.append(_name)
