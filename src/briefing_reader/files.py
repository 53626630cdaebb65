"""Durable writes and wary reads of the reader's own files: the config file, the library's
cache and state (and `new`'s durable rename).

These files live in folders the user (or anything running as them) can write: each may
be missing, half-written by a reader killed mid-save, a FIFO, a link to ``/dev/zero``, or
huge. Reading them never waits and never reads without end; writing them never leaves a
half-written file, and the temporary files a killed writer leaves behind are removed by
the next write.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import time
from collections.abc import Iterator
from pathlib import Path

# A temporary file older than this is a dead writer's, whatever its process id says now (a
# process id is reused, and means nothing on another machine sharing the folder); no save
# of ours takes a minute, let alone an hour.
STALE_SECONDS = 3600
# How long a save waits for another reader's lock before giving up (and saying so): a
# reader stopped with Ctrl+Z while holding it must not freeze this one.
LOCK_TIMEOUT = 5.0


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


def read_limited(path: Path, limit: int) -> bytes:
    """The bytes of the regular file ``path``; OSError if it is anything else or too big.

    A FIFO, a device (a link to ``/dev/zero`` or a terminal) or a folder raises OSError
    (EINVAL, "not a regular file") without waiting or reading; a file of more than
    ``limit`` bytes raises OSError (EFBIG). FileNotFoundError is raised as usual.
    """
    # The one rule for a file someone named (stat, open without waiting, fstat), shared
    # with the briefings and their sources.
    from briefing_reader.loading.regular import NotRegularFile, read_regular

    try:
        data = read_regular(path, limit)
    except NotRegularFile:
        raise OSError(errno.EINVAL, "not a regular file", str(path)) from None
    if len(data) > limit:
        raise OSError(errno.EFBIG, f"larger than {limit:,} bytes", str(path))
    return data


@contextlib.contextmanager
def locked(folder: Path, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` (made if missing) for the block.

    For read-merge-write: two readers saving at once would each read the file before the
    other wrote, and one's changes would be lost. The folder is locked, not the file (a
    rename replaces the file, and with it any lock on it) nor a lock file (one more file
    to leave behind). Raises OSError if the folder cannot be made or another process holds
    the lock for ``timeout`` seconds. Where folders cannot be locked (no fcntl, a file
    system without flock) the block runs unlocked: a rare lost mark beats none saved.
    """
    try:
        import fcntl
    except ImportError:  # Windows
        yield
        return
    make_dirs(folder)
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise OSError(
                        errno.EWOULDBLOCK, "locked by another briefing-reader", str(folder)
                    ) from None
                time.sleep(0.01)
            except OSError as error:
                # NFS emulates flock with fcntl locks, which want a file open for writing.
                if error.errno in (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS, errno.EBADF):
                    break
                raise
        yield  # the lock goes with the descriptor, however the block ends
    finally:
        os.close(fd)


def _alive(pid: int) -> bool:
    if os.name == "nt":  # os.kill there terminates the process: trust age alone
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # someone else's process: alive
        return True
    return True


def remove_stale_temporaries(folder: Path, name: str) -> None:
    """Remove the temporary files of writes to ``folder/name`` whose writer is gone.

    A writer killed mid-save (kill -9, a power cut) leaves ``.<name>.<pid>.<random>.tmp``;
    it is stale once that process is dead or it is older than :data:`STALE_SECONDS`. Those of
    older versions (``.<name>.<random>.tmp``, no process id) go by age alone.
    """
    prefix = f".{name}."
    now = time.time()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if not (entry.name.startswith(prefix) and entry.name.endswith(".tmp")):
            continue
        middle = entry.name[len(prefix) : -len(".tmp")]
        pid_text, dot, _ = middle.partition(".")
        try:
            old = now - entry.stat(follow_symlinks=False).st_mtime > STALE_SECONDS
        except OSError:
            continue
        dead = bool(dot) and pid_text.isdigit() and int(pid_text) != os.getpid()
        if old or (dead and not _alive(int(pid_text))):
            with contextlib.suppress(OSError):  # another writer's cleanup got there first
                os.unlink(entry.path)


def write_atomic(path: Path, data: bytes, *, follow_links: bool = True) -> None:
    """Replace ``path`` with ``data`` so that a crash leaves the old file or the new, never half.

    The bytes go to a temporary file in the same folder (a rename across file systems is
    not atomic), flushed and fsynced before it is renamed over ``path``; the folder is
    fsynced so the rename survives a crash. A symlinked ``path`` (dotfile managers) is
    written through, not replaced, unless ``follow_links`` is False (caches: a link there
    is not the user's and is replaced by the file); an existing file keeps its
    permissions, a new one is 0600. What ``path`` leads to must be a regular file or
    nothing: a FIFO or a device is never replaced. Raises OSError, after removing the
    temporary file. Temporaries left by killed writers are removed first.
    """
    import tempfile  # slow to import, and only writing needs it

    target = Path(os.path.realpath(path)) if follow_links else Path(os.path.abspath(path))
    folder = target.parent
    make_dirs(folder)
    keep_mode: int | None = None  # mkstemp's 0600 for a new file
    try:
        info = os.stat(target, follow_symlinks=follow_links)
    except FileNotFoundError:
        pass
    else:
        if stat.S_ISREG(info.st_mode):
            keep_mode = stat.S_IMODE(info.st_mode)
        elif follow_links:
            raise OSError(errno.EINVAL, "not a regular file", str(target))
        # Otherwise a link, FIFO or device where a cache belongs: our file takes its place.
    remove_stale_temporaries(folder, target.name)
    fd, temporary = tempfile.mkstemp(
        prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=folder
    )
    try:
        with os.fdopen(fd, "wb") as handle:
            # A new file keeps mkstemp's 0600: state and settings are nobody else's business.
            if keep_mode is not None and hasattr(os, "fchmod"):
                os.fchmod(handle.fileno(), keep_mode)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    fsync_folder(folder)
