"""The briefing library without Textual: an index of many briefing files and read marks.

:mod:`briefing_reader.library.index` keeps one small entry per file, cached between runs
so that opening a folder of 10,000 briefings re-reads only what changed;
:mod:`briefing_reader.library.state` remembers which briefings were read.

This module holds only what both share: the atomic write of a small file.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from briefing_reader.config import _make_dirs
from briefing_reader.files import fsync_folder


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so that a crash leaves the old file or the new, never half.

    The bytes go to a temporary file in the same folder (a rename across file systems is
    not atomic), which is flushed and fsynced before it is renamed over ``path``; the
    folder is fsynced so the rename survives a crash. Missing folders are made with mode
    0700 as the XDG spec asks. Raises OSError; the temporary file is removed then.
    """
    import tempfile  # slow to import, and only writing needs it

    folder = path.parent
    _make_dirs(folder)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    fsync_folder(folder)
