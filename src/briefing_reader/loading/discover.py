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
    found: list[Path] = []
    seen: set[Path] = set()
    for path in paths:
        if path.is_dir():
            candidates = sorted(_walk(path))
        elif path.exists() or path.is_symlink():
            candidates = [path]
        else:
            raise PathNotFound(str(path))
        for candidate in candidates:
            key = candidate.absolute()
            if key not in seen:
                seen.add(key)
                found.append(candidate)
    return found


def _walk(folder: Path) -> list[Path]:
    out = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
        out.extend(Path(root, f) for f in files if f.endswith(SUFFIXES) and not f.startswith("."))
    return out
