"""Finding briefing files among the paths a user names."""

from __future__ import annotations

import os
from collections.abc import Iterator
from operator import methodcaller
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
            # Ordered as Paths order (by component), not as strings ('a/b' before 'a-b'):
            # with the separator as NUL, which no name holds and every character follows,
            # strings compare as their lists of components do, without making the lists.
            candidates = sorted(walk_names(str(path)), key=methodcaller("replace", os.sep, "\0"))
        elif path.exists() or path.is_symlink():
            candidates = [str(path)]
        else:
            raise PathNotFound(str(path))
        if len(paths) == 1:
            return candidates  # one walk names each file once: nothing to drop
        for candidate in candidates:
            key = os.path.abspath(candidate)
            if key not in seen:
                seen.add(key)
                found.append(candidate)
    return found


def walk_names(folder: str) -> Iterator[str]:
    """Every briefing file under ``folder``, unsorted, by an explicit stack, not recursion.

    os.walk recurses on Python 3.11: a tree 1,200 folders deep raised RecursionError.
    As os.walk did, a link to a folder is not followed (it cannot loop) and a folder that
    cannot be listed is skipped; whatever else is named *.yaml is taken, a FIFO, a device
    or a broken link included, so that the library shows it as an error entry. Each name
    is yielded as it is listed: the live-reload watcher compares 10,000 of them with what
    it knows without holding them (or a folder's listing) all at once.
    """
    stack = [folder]
    while stack:
        root = stack.pop()
        try:
            with os.scandir(root) as listing:
                for entry in listing:
                    name = entry.name
                    if name.startswith("."):
                        continue
                    if _is_dir(entry):
                        if name not in SKIP_DIRS and not entry.is_symlink():
                            stack.append(entry.path)
                    elif name.endswith(SUFFIXES):
                        yield entry.path
        except OSError:
            continue


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:  # a link loop, or a name that cannot be stat'ed: not a folder
        return False
