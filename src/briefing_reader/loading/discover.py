"""Finding briefing files among the paths a user names."""

from __future__ import annotations

import os
from pathlib import Path

SUFFIXES = (".yaml", ".yml")
SKIP_DIRS = {"sources", ".git", "__pycache__", "node_modules", ".venv"}


class PathNotFound(Exception):
    """A path the user named does not exist."""


def discover(paths: list[Path]) -> list[Path]:
    """Briefing files under ``paths``: files as given, folders searched recursively, sorted.

    Symlinked folders are not followed (no loops); a named file is taken whatever
    its suffix, since the user asked for it.
    """
    return [Path(name) for name in discover_names(paths)]


def discover_names(paths: list[Path]) -> list[str]:
    """:func:`discover` as strings: a library of 10,000 files need not make 10,000 Paths."""
    found: list[str] = []
    seen: set[str] = set()
    for path in paths:
        if path.is_dir():
            # Ordered as Paths order (by component), not as strings ('a/b' before 'a-b').
            candidates = sorted(_walk(str(path)), key=lambda name: name.split(os.sep))
        elif path.exists() or path.is_symlink():
            candidates = [str(path)]
        else:
            raise PathNotFound(str(path))
        for candidate in candidates:
            key = os.path.abspath(candidate)
            if key not in seen:
                seen.add(key)
                found.append(candidate)
    return found


def _walk(folder: str) -> list[str]:
    out: list[str] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
        out.extend(
            os.path.join(root, f) for f in files if f.endswith(SUFFIXES) and not f.startswith(".")
        )
    return out
