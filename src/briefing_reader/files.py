"""Small helpers for durable writes, shared by the config file and `briefing new`."""

from __future__ import annotations

import os
from pathlib import Path


def fsync_folder(folder: Path) -> None:
    """Make a rename or link in ``folder`` durable.

    Some systems (and Windows) cannot open or fsync a folder; the new file is in place
    then and only its survival of a crash is less certain, which is no reason to fail.
    """
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
