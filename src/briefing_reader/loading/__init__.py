"""From files to briefings: bytes -> YAML nodes with marks -> model.

Nothing here imports Textual. Every load ends in a :class:`Loaded` whose
``briefing`` is set when the file could be understood and whose ``problems``
list every located error or warning.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from briefing_reader.loading.discover import discover

if TYPE_CHECKING:
    from briefing_reader.loading.load import Loaded, load_file, load_text
    from briefing_reader.loading.problems import BriefingError, Problem

__all__ = ["BriefingError", "Loaded", "Problem", "discover", "load_file", "load_text"]

# Imported on first use (PEP 562): finding files needs no YAML parser, and the library's
# warm start reads only its cache.
_LAZY = {
    "Loaded": "load",
    "load_file": "load",
    "load_text": "load",
    "BriefingError": "problems",
    "Problem": "problems",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
