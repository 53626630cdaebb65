"""Live reload without Textual: notice briefing files being added, changed or removed.

:class:`FolderWatcher` watches library folders in a background thread and hands each batch
of changes to a callback as a sorted list of :class:`Change`. Only briefing files count, by
the rules of :mod:`briefing_reader.loading.discover`: ``*.yaml``/``*.yml``, not hidden, not
under ``SKIP_DIRS`` such as ``sources/``, never through a symlinked folder. A changed source
article is not reported; it is picked up when its briefing is checked again.

On Linux the kernel's inotify is used directly (:class:`_Inotify`): one watch per real
folder, added with ``IN_DONT_FOLLOW``, so a symlink to ``/usr`` inside a library costs no
watches and nothing outside the library is ever reported (watchfiles, the fallback
elsewhere, follows symlinked folders and offers no way not to; its events through one are
dropped). A queue overflow, which loses events, makes the next batch a full rescan.

How a batch becomes changes: the notifier gives a *set* of paths per batch, so the order
of events within it is lost and replaying them ("added then modified") cannot be done
reliably. Instead each path named in a batch is looked at on disk and compared with what
this watcher last reported (starting from ``known``, the signatures the app's index holds,
or else the files present when it started):

* present, not known before            -> ``added``
* present, known, size or mtime differ -> ``modified`` (also when the signature is
  unknown, as for files found at start without ``known``)
* present, known, same size and mtime  -> nothing: already reported as it is now
* absent, known                        -> ``deleted``
* absent, never known                  -> nothing (added and deleted within one batch;
  the app never heard of it)

So an editor's rename-over save (write ``.x.yaml.tmp``, rename it onto ``x.yaml``) reports
``modified`` for ``x.yaml`` and nothing for the temp file; so does vim's default save (move
``x.yaml`` to ``x.yaml~``, write a new ``x.yaml``) when it lands in one batch, or else
``deleted`` then ``added``. A folder moved away, which the kernel reports under the
folder's name alone, reports ``deleted`` for each briefing known under it; a folder moved
in reports ``added`` for each briefing in it. The app re-stats whatever it is told about, so a
disagreement about ``added`` versus ``modified`` costs it nothing.

With ``known``, the watcher compares the whole folder with it once its watches are in
place: a file changed between the app's scan and the watch being set up is reported too.

A file caught mid-write is not reported until its size and mtime hold still for
``settle_ms`` (:func:`settled`), so the app does not show a half-written file as broken.
"""

from __future__ import annotations

import ctypes
import errno
import importlib.util
import logging
import os
import select
import struct
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from stat import S_ISDIR
from typing import Literal, NamedTuple, Protocol, cast

from briefing_reader.loading.discover import SKIP_DIRS, SUFFIXES, discover, walk_names

__all__ = ["Change", "FolderWatcher", "settle_all", "settled"]

logger = logging.getLogger(__name__)

Kind = Literal["added", "modified", "deleted"]
Signature = tuple[int, int]


class Stamped(Protocol):
    """What has a file's signature: the index's entries (no (size, mtime) pair made each)."""

    @property
    def size(self) -> int: ...
    @property
    def mtime_ns(self) -> int: ...


# What the watcher knows of a file: a signature, or an entry holding one.
Known = Signature | Stamped
Backend = Literal["auto", "inotify", "watchfiles"]

# A writer that keeps a file changing for longer than this is reported anyway: the app shows
# whatever it can parse, and the writer's next change brings another event.
SETTLE_LIMIT_MS = 2000

# What _known.get gives for a file never known (None there means "not yet looked at").
_UNKNOWN: tuple[int, int] = (-1, -1)

# stop() may be called while on_changes waits for the thread calling stop() (the app's
# call_from_thread during shutdown); give up rather than hang, the thread is a daemon.
JOIN_TIMEOUT_S = 1.0


class Change(NamedTuple):
    """A briefing file that appeared, changed or disappeared."""

    kind: Kind
    path: Path  # as found under the watched folder (folder / relative part), not resolved


class Batch(NamedTuple):
    """What a notifier saw: the absolute paths named, or ``rescan`` when events were lost."""

    paths: set[str]
    rescan: bool = False


def settled(path: Path, settle_ms: int = 100, limit_ms: int = SETTLE_LIMIT_MS) -> bool:
    """Whether ``path`` exists and its size and mtime held still for ``settle_ms``.

    Waits, re-checking, for at most about ``limit_ms``; False when the file is missing or
    still changing then. Blocks: call it off the UI thread.
    """
    key = os.fspath(path)
    first = _signature(key)
    if (
        first is not None
        and first[1] < time.time_ns() - settle_ms * 1_000_000
        and _signature(key) == first
    ):
        return True  # untouched for longer than settle_ms already: no need to wait
    signatures, unsettled = _wait_settled([key], settle_ms, limit_ms)
    return not unsettled and signatures[key] is not None


def settle_all(
    paths: Iterable[Path], settle_ms: int = 100, limit_ms: int = SETTLE_LIMIT_MS
) -> None:
    """Wait until every one of ``paths`` has held still for ``settle_ms`` (or ``limit_ms``).

    One wait for them all: a reload of 1,000 broken files must not wait 1,000 times.
    """
    _wait_settled([os.fspath(path) for path in paths], settle_ms, limit_ms)


class FolderWatcher:
    """Watches folders for briefing files being added, changed or removed.

    Briefing files are those :func:`~briefing_reader.loading.discover` would find. Each
    batch of changes, collapsed to one :class:`Change` per path and sorted by path, goes to
    ``on_changes`` **on the watcher thread**: marshal it to the UI (Textual's
    ``call_from_thread``). Events arriving while it runs are kept for the next batch.

    ``known`` maps paths (as discovered) to the (size, mtime_ns) the app has for them, or
    to what holds them as ``size`` and ``mtime_ns`` (the index's entries); with it, the first
    batch brings the folder up to date with it. A dict given is taken over, not
    copied: the watcher goes on updating it, so the caller must not use it afterwards.
    ``debounce_ms`` bounds how long a burst of events is gathered into one batch;
    ``settle_ms`` is how long a file must hold still before it is reported. ``backend``
    picks the notifier (tests).

    Anything going wrong in the thread, in the watching or in ``on_changes``, ends the
    watching quietly: the reader just stops live-reloading.
    """

    def __init__(
        self,
        folders: list[Path],
        on_changes: Callable[[list[Change]], None],
        *,
        known: Mapping[str, Known] | None = None,
        debounce_ms: int = 150,
        settle_ms: int = 100,
        backend: Backend = "auto",
    ) -> None:
        self._folders = list(folders)
        self._on_changes = on_changes
        # Not copied: at 10,000 files a copy is a second map of them all while the first
        # look runs. A dict is taken over as it is (see _run): the caller hands it on.
        self._initial: Mapping[str, Known] | None = known
        self._debounce_ms = debounce_ms
        self._settle_ms = settle_ms
        self._backend: Backend = backend
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        # (absolute path as events name it, folder as given). The resolved form is kept too
        # in case the platform's notifier reports paths through symlinks resolved.
        self._roots: list[tuple[str, Path]] = []
        # str(folder / relative part) -> signature last reported (None: not yet looked at).
        self._known: dict[str, Known | None] = {}
        self._inotify: _Inotify | None = None

    @property
    def running(self) -> bool:
        """Whether the watching thread is alive (it ends on stop() or on any error)."""
        return self._thread is not None and self._thread.is_alive()

    @property
    def backend(self) -> Backend:
        """The notifier in use, once started ("auto" before)."""
        return self._backend

    def start(self) -> bool:
        """Start the daemon thread; False (and no thread) when watching is not possible here.

        That is: no folders, a folder missing, watchfiles not installed, or no thread to be
        had. Never raises. The kernel's watches are set up in the thread
        (and watchfiles, when used, imported there: it costs ~60 ms, too much for the UI
        thread at start-up). A failure there (inotify limits, a folder removed in the
        meantime) ends the thread quietly instead; :attr:`running` then turns False. A
        watcher runs once: after stop(), make a new one.
        """
        try:
            if self._thread is not None:
                return self._thread.is_alive()
            if not self._folders or not all(folder.is_dir() for folder in self._folders):
                return False
            # watchfiles is the declared dependency for live reload, on every platform; where
            # inotify is used directly instead, a missing watchfiles still means none.
            if importlib.util.find_spec("watchfiles") is None:
                return False
            backend = self._backend
            if backend == "auto":
                backend = "inotify" if _Inotify.available() else "watchfiles"
            if backend == "inotify" and not _Inotify.available():
                return False
            self._backend = backend
            roots = [(_absolute(folder), folder) for folder in self._folders]
            for folder in self._folders:
                resolved = os.path.realpath(folder).rstrip(os.sep) or os.sep
                if resolved != _absolute(folder):
                    roots.append((resolved, folder))
            self._roots = roots
            self._stop = threading.Event()
            thread = threading.Thread(
                target=self._run, args=(self._stop,), name="briefing-watch", daemon=True
            )
            thread.start()
        except Exception:
            logger.debug("cannot watch %s", self._folders, exc_info=True)
            return False
        self._thread = thread
        return True

    def stop(self) -> None:
        """Stop the thread promptly and join it (for at most a second). Idempotent."""
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(JOIN_TIMEOUT_S)

    def _run(self, stop: threading.Event) -> None:
        try:
            batches = self._inotify_batches(stop) if self._backend == "inotify" else None
            if batches is None:
                batches = self._watchfiles_batches(stop)
            # Watches first, then the look at the folder: a file changed in between raises
            # an event and is looked at again, instead of being missed.
            first = next(batches, None)
            if self._initial is None:
                self._known = dict.fromkeys(str(path) for path in discover(self._folders))
            else:
                initial, self._initial = self._initial, {}
                if isinstance(initial, dict) and all(
                    self._locate(os.path.abspath(path)) is not None for path in initial
                ):
                    # Every path is under a watched folder (as the index's always are): the
                    # map itself becomes _known, and no second one is made.
                    self._known = cast(dict[str, Known | None], initial)
                else:
                    self._known = {
                        path: signature
                        for path, signature in initial.items()
                        if self._locate(os.path.abspath(path)) is not None
                    }
                del initial
                self._deliver(Batch(set(), rescan=True), stop)
            if first is not None and first.paths:
                self._deliver(first, stop)
            for batch in batches:
                if stop.is_set():
                    break
                self._deliver(batch, stop)
        except Exception:
            logger.debug("stopped watching %s", self._folders, exc_info=True)
        finally:
            inotify = self._inotify
            if inotify is not None:
                inotify.close()

    def _deliver(self, batch: Batch, stop: threading.Event) -> None:
        changes = self._collapse(batch, stop)
        if changes and not stop.is_set():
            self._on_changes(changes)

    def _inotify_batches(self, stop: threading.Event) -> Iterator[Batch]:
        inotify = _Inotify([absolute for absolute, _ in self._roots[: len(self._folders)]])
        self._inotify = inotify
        return self._batches_of(inotify, stop)

    def _batches_of(self, inotify: _Inotify, stop: threading.Event) -> Iterator[Batch]:
        yield Batch(set())  # the watches are in place
        while not stop.is_set():
            batch = inotify.read(self._debounce_ms, min(50, self._debounce_ms), stop)
            if batch is not None:
                yield batch

    def _watchfiles_batches(self, stop: threading.Event) -> Iterator[Batch]:
        import watchfiles

        watching = watchfiles.watch(
            *[_absolute(folder) for folder in self._folders],
            watch_filter=lambda kind, path: self._wanted(path),
            debounce=self._debounce_ms,
            step=min(50, self._debounce_ms),
            stop_event=stop,
            raise_interrupt=False,
            # One unreadable subfolder should not stop the whole library being watched.
            ignore_permission_denied=True,
        )
        try:
            # watchfiles sets up its watches before its first batch; the caller's look at
            # the folder may then race them by a few milliseconds, as it always has.
            yield Batch(set())
            for raw in watching:
                yield Batch({path for _, path in raw if not self._through_link(path)})
        finally:
            # Releases the kernel's watches now rather than whenever the generator is
            # collected.
            watching.close()

    def _locate(self, path: str) -> tuple[str, Path, list[str]] | None:
        """The root containing ``path``, as (its absolute form, folder given, relative parts)."""
        # First root wins, as in discover(), when folders overlap.
        for absolute, folder in self._roots:
            if path == absolute:
                return absolute, folder, []
            prefix = absolute if absolute.endswith(os.sep) else absolute + os.sep
            if path.startswith(prefix):
                return absolute, folder, path[len(prefix) :].split(os.sep)
        return None

    def _wanted(self, path: str) -> bool:
        located = self._locate(path)
        if located is None:
            return False
        return not any(part.startswith(".") or part in SKIP_DIRS for part in located[2])

    def _through_link(self, path: str) -> bool:
        """Whether ``path`` lies inside a symlinked folder under its root (watchfiles only).

        discover() does not follow those; watchfiles does, and would report files from
        wherever they lead.
        """
        located = self._locate(path)
        if located is None or len(located[2]) < 2:
            return False
        absolute, _, parts = located
        return os.path.realpath(os.path.dirname(path)) != os.path.join(
            os.path.realpath(absolute), *parts[:-1]
        )

    def _collapse(self, batch: Batch, stop: threading.Event) -> list[Change]:
        candidates: dict[str, str] = {}  # str(reported path) -> absolute path, present now
        gone: list[str] = []
        if batch.rescan:
            # Events were lost (or this is the first look): the whole folder is the batch.
            # Each name is compared as the walk lists it and dropped: at 10,000 files a
            # list of them (or of Paths), a Path each and a set of every name found were
            # most of what the watcher added to the reader's peak memory.
            gone.extend(self._rescan(candidates))
        for named in batch.paths:
            located = self._locate(named)
            if located is None or not self._wanted(named):
                continue
            absolute, folder, parts = located
            reported = folder.joinpath(*parts)
            if os.path.isdir(named):
                # A folder created, moved or copied in: files already inside it when the
                # notifier added its watch raise no events of their own.
                if not os.path.islink(named):
                    for moved_in in discover([reported]):
                        relative = moved_in.relative_to(folder).parts
                        candidates[str(moved_in)] = os.path.join(absolute, *relative)
            elif not os.path.lexists(named):
                gone.append(str(reported))
            elif parts and parts[-1].endswith(SUFFIXES):
                candidates[str(reported)] = named

        changes: list[Change] = []
        for key in gone:
            if key in self._known:
                del self._known[key]
                changes.append(Change("deleted", Path(key)))
            else:
                # A folder moved away is reported by its own name only.
                prefix = key + os.sep
                for inside in [known for known in self._known if known.startswith(prefix)]:
                    del self._known[inside]
                    changes.append(Change("deleted", Path(inside)))

        signatures, _ = _wait_settled(candidates.values(), self._settle_ms, SETTLE_LIMIT_MS, stop)
        for key, path in candidates.items():
            if not os.path.lexists(path) or os.path.isdir(path):
                if key in self._known:
                    del self._known[key]
                    changes.append(Change("deleted", Path(key)))
                continue
            signature = signatures[path]
            if key not in self._known:
                kind: Kind = "added"
            elif signature is None or _stamp(self._known[key]) != signature:
                kind = "modified"
            else:
                continue
            self._known[key] = signature
            changes.append(Change(kind, Path(key)))

        changes.sort(key=lambda change: change.path)
        return changes

    def _rescan(self, candidates: dict[str, str]) -> list[str]:
        """Put each file that differs from what is known in ``candidates``; the known gone.

        A name is its file as discover() names it (the folder as given, then the relative
        part), which is how the index's entries, and so ``_known``, name it.
        """
        roots = self._roots[: len(self._folders)]
        # Only overlapping folders can name one file twice; the first root wins.
        found: set[str] | None = set() if len(roots) > 1 else None
        present = 0  # known files found: when all are, nothing is gone
        for absolute, folder in roots:
            top = str(folder)
            for key in walk_names(top):
                if found is not None:
                    if key in found:
                        continue
                    found.add(key)
                signature = self._known.get(key, _UNKNOWN)
                if signature is not _UNKNOWN:
                    present += 1
                path = os.path.join(absolute, key[len(top) :].lstrip(os.sep))
                # As the app knows it: nothing to report, so nothing to settle; a write
                # from now on raises an event (the watches are in place).
                if signature is _UNKNOWN or not _known_as(path, signature):
                    candidates[key] = path
        if present == len(self._known):
            return []
        # Some known file is gone (rare): a second walk, this time keeping every name.
        if found is None:
            found = {key for _, folder in roots for key in walk_names(str(folder))}
        return [key for key in self._known if key not in found]

    @property
    def watch_count(self) -> int | None:
        """How many kernel watches this watcher holds (inotify only; None otherwise)."""
        inotify = self._inotify
        return len(inotify.folders) if inotify is not None else None


# --- inotify ---------------------------------------------------------------------------------

IN_MODIFY = 0x2
IN_ATTRIB = 0x4
IN_CLOSE_WRITE = 0x8
IN_MOVED_FROM = 0x40
IN_MOVED_TO = 0x80
IN_CREATE = 0x100
IN_DELETE = 0x200
IN_DELETE_SELF = 0x400
IN_MOVE_SELF = 0x800
IN_Q_OVERFLOW = 0x4000
IN_IGNORED = 0x8000
IN_ONLYDIR = 0x0100_0000
IN_DONT_FOLLOW = 0x0200_0000
IN_EXCL_UNLINK = 0x0400_0000
IN_ISDIR = 0x4000_0000
IN_NONBLOCK = os.O_NONBLOCK
IN_CLOEXEC = getattr(os, "O_CLOEXEC", 0o2000000)

_EVENTS = (
    IN_MODIFY
    | IN_ATTRIB
    | IN_CLOSE_WRITE
    | IN_MOVED_FROM
    | IN_MOVED_TO
    | IN_CREATE
    | IN_DELETE
    | IN_DELETE_SELF
    | IN_MOVE_SELF
    | IN_EXCL_UNLINK
    | IN_ONLYDIR
)
# struct inotify_event: int wd; uint32 mask, cookie, len; char name[len].
_HEADER = struct.Struct("iIII")


class _Inotify:
    """The kernel's inotify through ctypes: a watch on each real folder, none through links.

    A folder's watch is added when it is created or moved in (and the folder looked into at
    once: files written before the watch existed are in the batch through its name); a
    folder moved away loses its watches, which would otherwise go on reporting it under its
    old name.
    """

    _libc: ctypes.CDLL | None = None

    @classmethod
    def available(cls) -> bool:
        if not sys.platform.startswith("linux"):
            return False
        if cls._libc is None:
            try:
                # The process's own symbols, libc's among them: find_library("c") ran
                # `ldconfig -p` in a subprocess and read its whole listing, in the reader.
                libc = ctypes.CDLL(None, use_errno=True)
                libc.inotify_init1.argtypes = [ctypes.c_int]
                libc.inotify_add_watch.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_uint32]
                libc.inotify_rm_watch.argtypes = [ctypes.c_int, ctypes.c_int]
            except (OSError, AttributeError):
                return False
            cls._libc = libc
        return True

    def __init__(self, roots: list[str]) -> None:
        if not self.available() or self._libc is None:
            raise OSError(errno.ENOSYS, "inotify is not available")
        self._lib = self._libc
        fd = self._lib.inotify_init1(IN_NONBLOCK | IN_CLOEXEC)
        if fd < 0:
            number = ctypes.get_errno()
            raise OSError(number, os.strerror(number))
        self.fd: int = fd
        self.folders: dict[int, str] = {}  # watch descriptor -> folder, absolute
        self._poll = select.poll()
        self._poll.register(fd, select.POLLIN)
        self._roots = roots
        try:
            for root in roots:
                # The folder given may itself be a symlink: that one is followed.
                self.add_tree(root, follow=True)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1
            self.folders.clear()

    def add_tree(self, top: str, *, follow: bool = False) -> None:
        """Watch ``top`` and every real folder under it that discover() would search.

        Iterative, so a tree thousands of folders deep costs no recursion. Folders that
        vanish or cannot be read meanwhile are skipped; running out of watches raises.
        """
        pending = [(top, follow)]
        while pending:
            folder, follow_this = pending.pop()
            mask = _EVENTS if follow_this else _EVENTS | IN_DONT_FOLLOW
            wd = self._lib.inotify_add_watch(self.fd, os.fsencode(folder), mask)
            if wd < 0:
                number = ctypes.get_errno()
                if number in (errno.ENOSPC, errno.ENOMEM):
                    raise OSError(number, f"inotify: {os.strerror(number)}")
                continue  # gone, not a folder (a symlink), or unreadable
            self.folders[wd] = folder
            try:
                with os.scandir(folder) as entries:
                    for entry in entries:
                        name = entry.name
                        if name.startswith(".") or name in SKIP_DIRS:
                            continue
                        if entry.is_dir(follow_symlinks=False):
                            pending.append((entry.path, False))
            except OSError:
                continue

    def forget_tree(self, top: str) -> None:
        """Drop the watches of ``top`` and the folders under it (moved away)."""
        prefix = top + os.sep
        for wd, folder in list(self.folders.items()):
            if folder == top or folder.startswith(prefix):
                del self.folders[wd]
                self._lib.inotify_rm_watch(self.fd, wd)

    def read(self, debounce_ms: int, step_ms: int, stop: threading.Event) -> Batch | None:
        """The next batch: events until none came for ``step_ms``, or ``debounce_ms`` passed.

        None when nothing happened for a while (or stop was set): the caller checks stop.
        """
        paths: set[str] = set()
        rescan = False
        first: float | None = None
        while not stop.is_set():
            if self._poll.poll(step_ms):
                try:
                    data = os.read(self.fd, 1 << 16)
                except BlockingIOError:
                    data = b""
                rescan = self._parse(data, paths) or rescan
                if first is None:
                    first = time.monotonic()
                elif time.monotonic() - first > debounce_ms / 1000:
                    break
            elif first is not None:
                break  # quiet for a step: the burst is over
            else:
                return None
        if rescan:
            # Folders created during the lost events have no watch yet.
            for root in self._roots:
                self.add_tree(root, follow=True)
        if first is None:
            return None
        return Batch(paths, rescan)

    def _parse(self, data: bytes, paths: set[str]) -> bool:
        """Add the paths ``data``'s events name to ``paths``; True on a queue overflow."""
        overflow = False
        offset = 0
        while offset + _HEADER.size <= len(data):
            wd, mask, _, length = _HEADER.unpack_from(data, offset)
            offset += _HEADER.size
            raw = data[offset : offset + length].split(b"\0", 1)[0]
            offset += length
            if mask & IN_Q_OVERFLOW:
                overflow = True
                continue
            folder = self.folders.get(wd)
            if mask & IN_IGNORED:
                self.folders.pop(wd, None)
            if folder is None:
                continue
            path = os.path.join(folder, os.fsdecode(raw)) if raw else folder
            if mask & IN_ISDIR and raw:
                name = os.fsdecode(raw)
                if mask & (IN_MOVED_FROM | IN_DELETE):
                    self.forget_tree(path)
                elif mask & (IN_CREATE | IN_MOVED_TO) and not (
                    name.startswith(".") or name in SKIP_DIRS
                ):
                    self.add_tree(path)
            paths.add(path)
        return overflow


def _absolute(folder: Path) -> str:
    # Not resolved: the notifiers name events under the path they were given, and so do we.
    return os.path.abspath(folder).rstrip(os.sep) or os.sep


def _signature(path: str) -> Signature | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return (stat.st_size, stat.st_mtime_ns)


def _stamp(known: Known | None) -> Signature | None:
    # Not isinstance: an entry is a tuple too (a NamedTuple), a signature a plain one.
    if known is None or type(known) is tuple:
        return known
    stamped = cast(Stamped, known)
    return (stamped.size, stamped.mtime_ns)


def _known_as(path: str, known: Known | None) -> bool:
    """Whether ``path`` is a file (not a folder) with the signature known, as last reported."""
    signature = _stamp(known)
    if signature is None:
        return False
    try:
        stat = os.stat(path)
    except OSError:
        return False
    return not S_ISDIR(stat.st_mode) and (stat.st_size, stat.st_mtime_ns) == signature


def _wait_settled(
    paths: Iterable[str],
    settle_ms: int,
    limit_ms: int,
    stop: threading.Event | None = None,
) -> tuple[dict[str, Signature | None], set[str]]:
    """Each path's last signature, and those still changing when time ran out or stop was set.

    All paths are watched together so that a batch of many files waits ``limit_ms`` at most
    in all, not per file.
    """
    signatures = {path: _signature(path) for path in paths}
    # A file missing at the start has nothing to settle: report it gone straight away.
    unsettled = {path for path, signature in signatures.items() if signature is not None}
    deadline = time.monotonic() + limit_ms / 1000
    while unsettled and time.monotonic() < deadline:
        if stop is None:
            time.sleep(settle_ms / 1000)
        elif stop.wait(settle_ms / 1000):
            break
        for path in list(unsettled):
            signature = _signature(path)
            if signature == signatures[path]:
                unsettled.discard(path)
            signatures[path] = signature
    return signatures, unsettled
