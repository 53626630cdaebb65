"""Live reload without Textual: notice briefing files being added, changed or removed.

:class:`FolderWatcher` watches library folders in a background thread with
:func:`watchfiles.watch` (inotify on Linux, so the thread sleeps in the kernel rather than
in a polling loop of ours) and hands each batch of changes to a callback as a sorted list
of :class:`Change`. Only briefing files count, by the rules of
:mod:`briefing_reader.loading.discover`: ``*.yaml``/``*.yml``, not hidden, not under
``SKIP_DIRS`` such as ``sources/``. A changed source article is not reported; it is picked
up when its briefing is checked again.

How a batch becomes changes: watchfiles gives a *set* of ``(kind, path)`` per batch, so
the order of events within it is lost and replaying them ("added then modified") cannot
be done reliably. Instead each path named in a batch is looked at on disk and compared
with what this watcher last reported (starting from the files present when it started):

* present, not known before            -> ``added``
* present, known, size or mtime differ -> ``modified`` (also when the signature is
  unknown, as for files found at start)
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

A file caught mid-write is not reported until its size and mtime hold still for
``settle_ms`` (:func:`settled`), so the app does not show a half-written file as broken.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Literal, NamedTuple

from briefing_reader.loading.discover import SKIP_DIRS, SUFFIXES, discover

if TYPE_CHECKING:
    from watchfiles import Change as RawKind

__all__ = ["Change", "FolderWatcher", "settled"]

logger = logging.getLogger(__name__)

Kind = Literal["added", "modified", "deleted"]
Signature = tuple[int, int]

# A writer that keeps a file changing for longer than this is reported anyway: the app shows
# whatever it can parse, and the writer's next change brings another event.
SETTLE_LIMIT_MS = 2000

# stop() may be called while on_changes waits for the thread calling stop() (the app's
# call_from_thread during shutdown); give up rather than hang, the thread is a daemon.
JOIN_TIMEOUT_S = 1.0


class Change(NamedTuple):
    """A briefing file that appeared, changed or disappeared."""

    kind: Kind
    path: Path  # as found under the watched folder (folder / relative part), not resolved


def settled(path: Path, settle_ms: int = 100, limit_ms: int = SETTLE_LIMIT_MS) -> bool:
    """Whether ``path`` exists and its size and mtime held still for ``settle_ms``.

    Waits, re-checking, for at most about ``limit_ms``; False when the file is missing or
    still changing then. Blocks: call it off the UI thread.
    """
    key = os.fspath(path)
    signatures, unsettled = _wait_settled([key], settle_ms, limit_ms)
    return not unsettled and signatures[key] is not None


class FolderWatcher:
    """Watches folders for briefing files being added, changed or removed.

    Briefing files are those :func:`~briefing_reader.loading.discover` would find. Each
    batch of changes, collapsed to one :class:`Change` per path and sorted by path, goes to
    ``on_changes`` **on the watcher thread**: marshal it to the UI (Textual's
    ``call_from_thread``). Events arriving while it runs are kept for the next batch.

    ``debounce_ms`` bounds how long a burst of events is gathered into one batch;
    ``settle_ms`` is how long a file must hold still before it is reported.

    Anything going wrong in the thread, in the watching or in ``on_changes``, ends the
    watching quietly: the reader just stops live-reloading.
    """

    def __init__(
        self,
        folders: list[Path],
        on_changes: Callable[[list[Change]], None],
        *,
        debounce_ms: int = 150,
        settle_ms: int = 100,
    ) -> None:
        self._folders = list(folders)
        self._on_changes = on_changes
        self._debounce_ms = debounce_ms
        self._settle_ms = settle_ms
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        # (absolute path as events name it, folder as given). The resolved form is kept too
        # in case the platform's notifier reports paths through symlinks resolved.
        self._roots: list[tuple[str, Path]] = []
        # str(folder / relative part) -> signature last reported (None: not yet looked at).
        self._known: dict[str, Signature | None] = {}

    @property
    def running(self) -> bool:
        """Whether the watching thread is alive (it ends on stop() or on any error)."""
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> bool:
        """Start the daemon thread; False (and no thread) when watching is not possible here.

        That is: no folders, a folder missing, watchfiles not installed, or no thread to be
        had. Never raises. watchfiles itself is imported, and the kernel's watches set up,
        in the thread: importing it costs ~60 ms, too much for the UI thread at start-up.
        A failure there (inotify limits, a folder removed in the meantime) ends the thread
        quietly instead; :attr:`running` then turns False. A watcher runs once: after
        stop(), make a new one.
        """
        try:
            if self._thread is not None:
                return self._thread.is_alive()
            if not self._folders or not all(folder.is_dir() for folder in self._folders):
                return False
            if importlib.util.find_spec("watchfiles") is None:
                return False
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
        watching = None
        try:
            import watchfiles

            self._known = dict.fromkeys(str(path) for path in discover(self._folders))
            watching = watchfiles.watch(
                *[_absolute(folder) for folder in self._folders],
                watch_filter=self._wanted,
                debounce=self._debounce_ms,
                step=min(50, self._debounce_ms),
                stop_event=stop,
                raise_interrupt=False,
                # One unreadable subfolder should not stop the whole library being watched.
                ignore_permission_denied=True,
            )
            for raw in watching:
                changes = self._collapse(raw, stop)
                if stop.is_set():
                    break
                if changes:
                    self._on_changes(changes)
        except Exception:
            logger.debug("stopped watching %s", self._folders, exc_info=True)
        finally:
            if watching is not None:
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

    def _wanted(self, kind: RawKind, path: str) -> bool:
        located = self._locate(path)
        if located is None:
            return False
        return not any(part.startswith(".") or part in SKIP_DIRS for part in located[2])

    def _collapse(self, raw: Iterable[tuple[RawKind, str]], stop: threading.Event) -> list[Change]:
        kinds_by_path: dict[str, set[str]] = {}
        for raw_kind, path in raw:
            kinds_by_path.setdefault(path, set()).add(raw_kind.name)

        candidates: dict[str, str] = {}  # str(reported path) -> absolute path, present now
        gone: list[str] = []
        for path, kinds in kinds_by_path.items():
            located = self._locate(path)
            if located is None:
                continue
            absolute, folder, parts = located
            reported = folder.joinpath(*parts)
            if os.path.isdir(path):
                # A folder created, moved or copied in: files already inside it when the
                # notifier added its watch raise no events of their own.
                if "added" in kinds and not os.path.islink(path):
                    for found in discover([reported]):
                        relative = found.relative_to(folder).parts
                        candidates[str(found)] = os.path.join(absolute, *relative)
            elif not os.path.lexists(path):
                gone.append(str(reported))
            elif parts and parts[-1].endswith(SUFFIXES):
                candidates[str(reported)] = path

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
            elif signature is None or self._known[key] != signature:
                kind = "modified"
            else:
                continue
            self._known[key] = signature
            changes.append(Change(kind, Path(key)))

        changes.sort(key=lambda change: change.path)
        return changes


def _absolute(folder: Path) -> str:
    # Not resolved: watchfiles names events under the path it was given, and so do we.
    return os.path.abspath(folder).rstrip(os.sep) or os.sep


def _signature(path: str) -> Signature | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return (stat.st_size, stat.st_mtime_ns)


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
