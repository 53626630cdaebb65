"""Helper processes die with the process that started them.

The reader starts an indexing child (``prefetch``) and worker processes (``index``). If
the reader is killed (SIGKILL, SIGTERM, its terminal closing) while they work, nothing
tells them: a worker parsing 50,000 files, or waiting on its next chunk from a queue it
holds both ends of, would run on unseen. On Linux the kernel can send a signal to a child
the moment its parent dies (``prctl(PR_SET_PDEATHSIG)``); elsewhere the indexing child
still dies at its next write into the closed pipe.
"""

from __future__ import annotations

import os
import select
import signal
import sys
import threading
import time

_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
_M_ARENA_MAX = -8  # <malloc.h>


def die_with_parent(parent: int | None = None) -> None:
    """Ask the kernel to SIGKILL this process when its parent dies (Linux; else nothing).

    ``parent`` is the pid of the process that started this one: if it died before the
    request was made, the request came too late and this process exits now.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    except (OSError, AttributeError):  # no libc to load, or no prctl in it
        return
    if parent is not None and os.getppid() != parent:
        os._exit(1)


def one_malloc_arena() -> None:
    """Have every thread started from now on allocate from glibc's main arena (else nothing).

    glibc gives each new thread an arena of its own; the reader's threads (the prefetch's
    reader, Textual's, the watcher) allocate under the interpreter lock, so they gain no
    speed from them, and the memory each keeps freed but not returned was about 1 MiB of
    the warm reader's peak at 10,000 briefings. Call it before the first thread starts.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # no libc to load, or not glibc (musl has no mallopt)
        return
    mallopt(_M_ARENA_MAX, 1)


def exit_with(owner: int) -> None:
    """Pool initializer: end this worker as soon as process ``owner`` (the pool's) ends.

    A parent-death signal is not enough for a forkserver's workers: their parent is the
    fork server, which waits for every worker to close its end of a pipe before it exits,
    while each worker, holding that end, waits for a chunk the dead owner will never send.
    So a thread of the worker watches the owner itself.
    """
    die_with_parent()
    threading.Thread(target=_watch, args=(owner,), name="lifeline", daemon=True).start()


def _watch(owner: int) -> None:
    try:
        handle: int | None = os.pidfd_open(owner)  # readable once the owner has exited
    except (AttributeError, OSError):  # not Linux 5.3+, or the owner is already gone
        handle = None
    if handle is not None:
        select.select([handle], [], [])
        os._exit(1)
    while True:
        try:
            os.kill(owner, 0)
        except ProcessLookupError:
            os._exit(1)
        except OSError:
            pass  # alive, though not ours to signal
        time.sleep(WATCH_EVERY_S)


# Where no pidfd can be had: how often to look whether the owner still exists.
WATCH_EVERY_S = 1.0
