"""Reading a file someone named without ever waiting on it: regular files only.

A library folder or a command line may hold a FIFO named ``x.yaml``, or a link to
``/dev/tty``, ``/dev/zero`` or a socket. Opening a FIFO waits for a writer forever, and
reading a terminal takes the user's keys (q and Ctrl+C included), so such a file is
refused before it is opened: ``stat`` first (opening some devices has effects of its own),
then open without waiting (``O_NONBLOCK``) and without making a terminal ours
(``O_NOCTTY``), and ``fstat`` what was opened, in case the name was swapped in between.

Both briefings (``loading.load``) and source articles (``checks.sources``) are read here.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


class NotRegularFile(Exception):
    """The path names something other than a regular file: a folder, FIFO, device, socket."""

    def __init__(self, path: Path | str, mode: int) -> None:
        self.path = path
        self.mode = mode
        self.kind = describe(mode)
        self.folder = stat.S_ISDIR(mode)
        super().__init__(f"{path} is {self.kind}, not a regular file")


def describe(mode: int) -> str:
    """What a file of this mode is, in words for a message."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_regular(
    path: Path | str, limit: int, *, stat_result: os.stat_result | None = None
) -> bytes:
    """At most ``limit + 1`` bytes of the regular file at ``path`` (one more tells "too big").

    ``stat_result`` is the caller's ``os.stat(path)``, taken just before (not taken again).
    Raises NotRegularFile for anything else, OSError when it cannot be opened or read.
    Never blocks on a FIFO or a terminal, never reads a device.
    """
    mode = (stat_result or os.stat(path)).st_mode
    if not stat.S_ISREG(mode):
        raise NotRegularFile(path, mode)
    fd = os.open(path, _OPEN_FLAGS)
    try:
        # fstat of what was opened, not stat of the name: no window for a swap between.
        opened = os.fstat(fd)
        mode = opened.st_mode
    except OSError:
        os.close(fd)
        raise
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise NotRegularFile(path, mode)
    try:
        # Read one byte past the limit rather than trust st_size: the file may be growing,
        # and /proc files say 0. os.read, not a file object: a library reads 10,000 of
        # these, and the buffered file object cost more than the read.
        chunks: list[bytes] = []
        wanted = limit + 1
        step = opened.st_size + 1  # what stat says and one more, then on to the limit
        while wanted > 0:
            asked = min(wanted, step)
            chunk = os.read(fd, asked)
            chunks.append(chunk)
            wanted -= len(chunk)
            # Less than asked of a regular file is its end: no second read to hear so.
            if len(chunk) < asked:
                break
            step = wanted
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)
    finally:
        os.close(fd)
