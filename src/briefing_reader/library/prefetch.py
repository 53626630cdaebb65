"""Index a library in a child process while the reader starts up, on the other core.

Starting Textual and painting the first screen keep one core busy for a few hundred
milliseconds; reading the index cache (or parsing every file) in a thread of the same
process would wait for the same interpreter lock. The CLI therefore starts, before Textual
is imported, a child interpreter that runs :meth:`Index.load` and sends back its progress
and the finished index through a pipe.

The pipe carries marshal data and a pickle, which is safe here: they come from our own
child, never from a file someone else could have written. Anything that goes wrong (no
posix_spawn on this system, the child failing to start or dying) only means the reader
indexes in a thread instead.

The entries cross as plain tuples by marshal (C on both sides, no class to look up), in
chunks: the reader holds at most one chunk's bytes beside the entries, and every value many
briefings share (a source article, a subject, a tag set) arrives as one object. A cold index,
every entry of which was told as its file was parsed, comes as the order of those entries.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import pickle
import signal
import struct
import sys
import threading
from pathlib import Path
from typing import Any

from briefing_reader.library.index import (
    SHARED,
    Entry,
    Hold,
    Index,
    IndexStats,
    Partial,
    Progress,
    entries_from_columns,
)
from briefing_reader.library.lifeline import die_with_parent, one_malloc_arena

# How long the child holds its workers for the reader's go at most, once its first files
# are parsed: a reader that never says so (or is gone) costs the index no more than this.
HOLD_S = 1.0
# The index's rows that come before the reader's first frame are decoded after it (see
# Prefetch.drawn), or this long after the first of them came, whichever is first.
DRAWN_S = 1.0
# A chunk of rows this small is decoded at once all the same: a small library's whole index
# is ready for the first frame.
SMALL_ROWS_BYTES = 16 * 1024


class Prefetch:
    """A running child process indexing some folders; :meth:`wait` collects the index.

    A thread of ours drains the pipe from the start: reading releases the interpreter
    lock, so the bytes arrive while Textual starts, and only decoding them is left.
    """

    def __init__(self, pid: int, fd: int, go_fd: int | None = None) -> None:
        self.pid = pid
        self._fd = fd
        self._go_fd = go_fd  # closed by go()
        self._done = False
        self._lock = threading.Lock()
        self._progress: Progress | None = None
        self._latest: tuple[int, int] | None = None
        self._partial: Partial | None = None
        self._batches: list[list[Entry]] = []  # told before anyone listened: replayed
        self._entries: list[Entry] = []  # the index's, as its chunks come
        self._told: list[Entry] = []  # every entry told, in order (see _ORDER)
        self._index: Index | None = None
        # Set once the index has come (or never will): before the child has written the
        # cache, when it tells the index first (see _EARLY).
        self._have_index = threading.Event()
        # Set once the child is done with the cache: the texts are on disk, or came.
        self._saved = threading.Event()
        self._reap_when_read = False  # the reader thread reaps the child: see wait()
        # Set once the reader's first frame is on screen (see drawn); the rows that come
        # before it are held undecoded meanwhile.
        self._drawn = threading.Event()
        self._held: list[bytes] = []
        self._coming: int | None = None  # see coming()
        self._reader = threading.Thread(target=self._read, name="prefetch", daemon=True)
        self._reader.start()

    @classmethod
    def start(
        cls, folders: list[Path], *, use_cache: bool = True, hold_s: float = HOLD_S
    ) -> Prefetch | None:
        """Start the child, or None where that cannot be done (then index in a thread).

        Where the child parses in worker processes, it starts them once :meth:`go` is
        called (or ``hold_s`` after it has parsed its first files, whichever comes first).
        """
        if not hasattr(os, "posix_spawn") or not sys.executable:
            return None
        read_fd, write_fd = os.pipe()
        _widen(write_fd)
        os.set_inheritable(write_fd, True)
        # Closed by go(), or with this process: the child sees it end.
        go_read, go_write = os.pipe()
        os.set_inheritable(go_read, True)
        argv = [
            sys.executable,
            "-P",  # none of the working directory's modules: it may be the library's folder
            "-c",
            _CHILD_SOURCE,
            _PACKAGE_ROOT,
            str(os.getpid()),
            str(write_fd),
            "1" if use_cache else "0",
            str(go_read),
            repr(hold_s),
            *(os.fsencode(folder) for folder in folders),
        ]
        # Nothing of the child's (nor of the resource tracker its worker pool starts, which
        # warns of leaked semaphores when the reader kills it mid-index) may reach the
        # terminal the reader draws on, or read from it.
        quiet = [
            (os.POSIX_SPAWN_OPEN, fd, os.devnull, flags, 0)
            for fd, flags in ((0, os.O_RDONLY), (1, os.O_WRONLY), (2, os.O_WRONLY))
        ]
        try:
            pid = os.posix_spawn(sys.executable, argv, os.environ, file_actions=quiet)
        except OSError:
            os.close(read_fd)
            os.close(go_write)
            return None
        finally:
            os.close(write_fd)
            os.close(go_read)
        # Here, in the reader, before its first thread (ours, next) and Textual's.
        one_malloc_arena()
        return cls(pid, read_fd, go_write)

    def go(self) -> None:
        """The reader has drawn its first titles: the child may start its workers now.

        Until then they would take a share of the core the reader draws its first frames
        on, nice as they are: a cold start at 10,000 showed its first titles ~7 % later.
        """
        with self._lock:
            fd, self._go_fd = self._go_fd, None
        if fd is not None:
            with contextlib.suppress(OSError):
                os.close(fd)

    def drawn(self) -> None:
        """The reader's first frame is on screen: the index's rows may be decoded now.

        Decoding 10,000 rows takes the interpreter lock for ~9 ms, and the sort and the list
        that follow take the screen's thread: done while Textual started, they held a warm
        start's first titles back (the cached first screenful needs neither).
        """
        self._drawn.set()

    def _take_held(self) -> bool:
        """Decode the rows held for the first frame (waiting for it, DRAWN_S at most);
        False if one is not rows."""
        if not self._held:
            return True
        self._drawn.wait(DRAWN_S)
        while self._held:
            rows = _decode_entries(self._held.pop(0))  # each chunk's bytes freed as it goes
            if rows is None:
                return False
            self._entries += rows
        return True

    def _read(self) -> None:
        try:
            self._read_messages()
        finally:
            self._have_index.set()
            self._saved.set()
            with self._lock:
                reap = self._reap_when_read
            if reap:
                self._reap()

    def _read_messages(self) -> None:
        with os.fdopen(self._fd, "rb") as stream:
            while True:
                header = stream.read(_HEADER.size)
                if len(header) < _HEADER.size:
                    return  # the child died or was stopped: wait() says None
                kind, first, second = _HEADER.unpack(header)
                if kind == _PROGRESS:
                    with self._lock:
                        self._latest = (first, second)
                        report = self._progress
                    if report is not None:
                        report(first, second)
                    continue
                payload = stream.read(first)
                if kind == _PARTIAL:
                    # A few dozen entries: decoded at once, whatever the screen is doing.
                    batch = _decode_entries(payload) if len(payload) == first else None
                    if batch is None:
                        return
                    with self._lock:
                        tell = self._partial
                        if tell is None:
                            self._batches.append(batch)
                    self._told += batch
                    if tell is not None:
                        tell(batch)
                    continue
                if len(payload) != first:
                    return
                # Held until the first frame is out (see drawn), then decoded as each chunk
                # comes: a chunk holds the interpreter lock for a few milliseconds.
                if kind == _ROWS:
                    self._told = []  # the index comes as rows of its own: the told are not needed
                    if not self._drawn.is_set() and (self._held or len(payload) > SMALL_ROWS_BYTES):
                        self._held.append(payload)
                        continue
                    if not self._take_held():
                        return
                    rows = _decode_entries(payload)
                    if rows is None:
                        return
                    self._entries += rows
                    continue
                if kind == _ORDER:
                    rows = _ordered(payload, self._told)
                    if rows is None:
                        return
                    self._entries, self._told = rows, []
                    continue
                told = _unpickle(payload)
                if told is None:
                    return
                if self._held and kind in (_EARLY, _INDEX):
                    with self._lock:
                        self._coming = told[0]
                if not self._take_held():
                    return
                if kind == _EARLY:
                    early = _decode_early(told, self._entries, self._saved)
                    if early is None:
                        return
                    self._index = early
                    self._have_index.set()
                    continue
                if self._index is not None:  # told early: only the texts may be left
                    texts = _decode_texts(told)
                    if texts:  # the child could not write them: kept in memory instead
                        self._index.pending_texts.update(texts)
                    return
                self._index = _decode(told, self._entries)
                return

    def coming(self) -> int | None:
        """How many entries the index has, when it has come but waits for the first frame
        to be decoded (see drawn); else None. The status counts them meanwhile."""
        with self._lock:
            return self._coming if self._index is None else None

    def ready(self) -> Index | None:
        """The index if the child has sent all of it already, else None. Never blocks: the
        reader's first frame can show a warm library whole."""
        if not self._have_index.is_set():
            return None
        self._reap_later()
        return self._index

    def told(self) -> list[Entry]:
        """The entries told so far that nobody has listened for, taken: :meth:`wait` will
        not replay them. Never blocks (the cached first screenful, for the first frame)."""
        with self._lock:
            batches, self._batches = self._batches, []
        return [entry for batch in batches for entry in batch]

    def wait(
        self,
        progress: Progress | None = None,
        partial: Partial | None = None,
        *,
        saved: bool = True,
    ) -> Index | None:
        """Block until the child is done (call it from a worker thread); None if it failed.

        ``progress`` and ``partial`` are called from the prefetch's own thread, as the
        child tells (what it told before is told at once, from this one). ``saved=False``
        returns as soon as the index has come, while the child may still be writing the
        cache (a few hundred milliseconds at 10,000); the index's texts wait for that.
        """
        with self._lock:
            self._progress = progress
            latest = self._latest
        if latest is not None and progress is not None:
            progress(*latest)
        if partial is not None:
            while True:  # batches told meanwhile are replayed, in order, before any new one
                with self._lock:
                    batches, self._batches = self._batches, []
                    if not batches:
                        self._partial = partial
                        break
                for batch in batches:
                    partial(batch)
        if saved:
            self._reader.join()
            self._reap()
        else:
            self._have_index.wait()
            self._reap_later()
        return self._index

    def _reap_later(self) -> None:
        """Reap the child now if it is done, else when the reader thread has read it all."""
        with self._lock:
            self._reap_when_read = True
        if not self._reader.is_alive():
            self._reap()

    def cancel(self) -> None:
        """Stop the child (the reader is quitting before the index came); one that is
        writing the cache is let finish, and reaped by the reader thread."""
        if self._index is not None and not self._saved.is_set():
            self._reap_later()
            return
        if not self._done:
            with contextlib.suppress(OSError):
                os.kill(self.pid, signal.SIGKILL)
            self._reap()

    def _reap(self) -> None:
        self.go()  # its end of the pipe is gone with it: ours is closed too
        if not self._done:
            self._done = True
            with contextlib.suppress(ChildProcessError, OSError):
                os.waitpid(self.pid, 0)


def _unpickle(payload: bytes) -> tuple[Any, ...] | None:
    """An index message's tuple (see _child), or None when it is not one."""
    try:
        told = pickle.loads(payload)
    except (pickle.UnpicklingError, TypeError, ValueError, AttributeError, EOFError):
        return None
    return told if isinstance(told, tuple) and told and isinstance(told[0], int) else None


def _decode(told: tuple[Any, ...], entries: list[Entry]) -> Index | None:
    try:
        count, stats, texts, texts_path, columns = told
        if count != len(entries):
            return None
        return Index(
            entries, IndexStats._make(stats), texts=texts, texts_path=texts_path, columns=columns
        )
    except (TypeError, ValueError):
        return None


class _SavingIndex(Index):
    """An index told before the child wrote its cache: its texts are read from there (or
    come from the child) once the child is done with it."""

    saved: threading.Event

    def texts(self) -> list[str]:
        self.saved.wait()
        return super().texts()


def _decode_early(
    told: tuple[Any, ...], entries: list[Entry], saved: threading.Event
) -> Index | None:
    try:
        count, stats, texts_path, columns = told
        if count != len(entries):
            return None
        index = _SavingIndex(
            entries, IndexStats._make(stats), texts_path=texts_path, columns=columns
        )
    except (TypeError, ValueError):
        return None
    index.saved = saved
    return index


def _decode_texts(told: tuple[Any, ...]) -> dict[str, str]:
    try:
        _, _, texts, _, _ = told
    except (TypeError, ValueError):
        return {}
    return texts if isinstance(texts, dict) else {}


def _decode_entries(payload: bytes) -> list[Entry] | None:
    try:
        return list(entries_from_columns(marshal.loads(payload)))
    except (TypeError, ValueError, EOFError):
        return None


def _ordered(payload: bytes, told: list[Entry]) -> list[Entry] | None:
    """The index's entries from an _ORDER message: places in ``told``; None if it is not one."""
    try:
        places = marshal.loads(payload)
        if type(places) is not list or not all(type(place) is int for place in places):
            return None
        return [told[place] for place in places] if min(places, default=0) >= 0 else None
    except (TypeError, ValueError, EOFError, IndexError):
        return None


def _encode_entries(entries: list[Entry], pool: dict[object, object]) -> bytes:
    """Entries as marshal data, by column, each shared value (see SHARED) one object."""
    columns = list(zip(*entries, strict=True))
    for at in _SHARED if entries else ():
        columns[at] = tuple(map(pool.setdefault, columns[at], columns[at]))
    return marshal.dumps(columns)


_SHARED = [at for at, name in enumerate(Entry._fields) if name in SHARED]
# Entries per chunk of the index: big enough that a chunk costs little more than its rows.
CHUNK_ROWS = 2000

# A message: its kind, then two numbers: (done, total) for progress, (length, 0) for the rest:
# a batch of entries told before the index, a chunk of the index's entries, the index.
_HEADER = struct.Struct("<cQQ")
_PROGRESS = b"p"
_PARTIAL = b"e"
_ROWS = b"r"
_ORDER = b"o"  # the index's rows as the places of entries told before, in the order told
_EARLY = b"x"  # the index's stats, its rows sent: before the child writes the cache
_INDEX = b"i"


# The child is a new interpreter, not a fork of the reader: a fork shares the reader's
# memory until it exits, and each page the reader then writes (every object whose count
# changes as Textual is imported) is first copied: ~3,000 page faults, ~20 ms of the warm
# start's first frame. Its own start (~35 ms) is spent on the other core.
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])
_CHILD_SOURCE = (
    "import sys; sys.path.insert(0, sys.argv[1]); "
    "from briefing_reader.library.prefetch import child_main; child_main(sys.argv[2:])"
)
# Linux's pipes hold 64 KiB: the child, writing the index (~2.5 MB at 10,000), waited for the
# reader's thread at every 64 KiB, and that thread for the interpreter lock Textual's start
# holds. One mebibyte is what an unprivileged process may ask for.
_PIPE_BYTES = 1 << 20


def _widen(fd: int) -> None:
    try:
        import fcntl

        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, _PIPE_BYTES)
    except (ImportError, AttributeError, OSError):  # not Linux, or a lower limit: 64 KiB
        pass


def child_main(args: list[str]) -> None:
    """The child's start: the reader's pid, the pipe's fd, 1 to use the cache, the go pipe's
    fd, the longest hold in seconds, the folders."""
    parent, fd, use_cache, go_fd, hold_s, *folders = args
    # Killed with the reader: nobody would ever read what it finds.
    die_with_parent(int(parent))
    hold = _holding(int(go_fd), float(hold_s))
    _child([Path(folder) for folder in folders], use_cache == "1", int(fd), hold)


def _holding(go_fd: int, most_s: float) -> Hold:
    """Index.load's hold: True until the reader closes its end of the go pipe, or for
    ``most_s`` from the first time it is asked."""
    import select
    import time

    deadline: float | None = None

    def hold() -> bool:
        nonlocal deadline
        now = time.monotonic()
        if deadline is None:
            deadline = now + most_s
        # Readable: at its end (the reader closed it, or is gone).
        return now < deadline and not select.select([go_fd], [], [], 0)[0]

    return hold


def _child(folders: list[Path], use_cache: bool, write_fd: int, hold: Hold | None = None) -> None:
    code = 0
    try:
        with os.fdopen(write_fd, "wb") as out:

            def progress(done: int, total: int) -> None:
                out.write(_HEADER.pack(_PROGRESS, done, total))
                out.flush()

            pool: dict[object, object] = {}

            def send(kind: bytes, data: bytes) -> None:
                out.write(_HEADER.pack(kind, len(data), 0))
                out.write(data)

            # Every entry told, and where in the told order (by id: each is kept in told,
            # so no other object can take its id): a cold index, all of it told as it was
            # parsed, is then sent as that order alone (see send_rows).
            told: list[Entry] = []
            told_at: dict[int, int] = {}

            def partial(entries: list[Entry]) -> None:
                places = range(len(told), len(told) + len(entries))
                told_at.update(zip(map(id, entries), places, strict=True))
                told.extend(entries)
                send(_PARTIAL, _encode_entries(entries, pool))
                out.flush()

            def send_rows(entries: list[Entry]) -> None:
                places = [told_at.get(id(entry)) for entry in entries]
                if entries and None not in places:
                    # Encoding 10,000 entries again took ~45 ms after the last file was
                    # parsed, and decoding them the reader's thread ~15 ms more.
                    send(_ORDER, marshal.dumps(places))
                    return
                for start in range(0, len(entries), CHUNK_ROWS):
                    send(_ROWS, _encode_entries(entries[start : start + CHUNK_ROWS], pool))

            told_early = False

            def saving(early: Index) -> None:
                # The reader lists the whole library now; the cache is written after.
                nonlocal told_early
                send_rows(list(early.entries))
                told = (len(early), tuple(early.stats), early.texts_path, early.columns())
                send(_EARLY, pickle.dumps(told, protocol=pickle.HIGHEST_PROTOCOL))
                out.flush()
                told_early = True

            index = Index.load(
                folders,
                use_cache=use_cache,
                progress=progress,
                partial=partial,
                saving=saving,
                hold=hold,
            )
            entries = list(index.entries)
            if not told_early:
                send_rows(entries)
            stats = (
                len(entries),
                tuple(index.stats),
                index.pending_texts,
                index.texts_path,
                index.columns(),
            )
            send(_INDEX, pickle.dumps(stats, protocol=pickle.HIGHEST_PROTOCOL))
    except BaseException:
        code = 1  # the parent sees the pipe close without an index and indexes itself
    finally:
        os._exit(code)  # no atexit handlers, no flushing of the parent's buffers
