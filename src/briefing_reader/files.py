"""Durable writes, shared by the config file, the library's cache and state, and `new`."""

from __future__ import annotations

import contextlib
import os
import stat
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


def make_dirs(folder: Path) -> None:
    """Create ``folder`` and its missing parents with mode 0700, as the XDG spec asks.

    Path.mkdir(parents=True) would give the missing parents (e.g. ~/.config itself) the
    default mode instead.
    """
    missing: list[Path] = []
    current = folder
    while not current.exists() and current != current.parent:
        missing.append(current)
        current = current.parent
    for directory in reversed(missing):
        with contextlib.suppress(FileExistsError):  # someone else made it meanwhile
            os.mkdir(directory, 0o700)


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so that a crash leaves the old file or the new, never half.

    The bytes go to a temporary file in the same folder (a rename across file systems is
    not atomic), flushed and fsynced before it is renamed over ``path``; the folder is
    fsynced so the rename survives a crash. A symlinked ``path`` (dotfile managers) is
    written through, not replaced; an existing file keeps its permissions, a new one is
    0600. Raises OSError, after removing the temporary file.
    """
    import tempfile  # slow to import, and only writing needs it

    target = Path(os.path.realpath(path))
    folder = target.parent
    make_dirs(folder)
    fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            try:
                mode = stat.S_IMODE(os.stat(target).st_mode)
            except FileNotFoundError:
                pass  # mkstemp's 0600 then: state and settings are nobody else's business
            else:
                if hasattr(os, "fchmod"):
                    os.fchmod(handle.fileno(), mode)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    fsync_folder(folder)
