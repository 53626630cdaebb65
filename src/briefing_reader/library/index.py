"""An index of briefing files: one small entry per file, cached so reopening stays fast.

Opening a library must not re-parse 10,000 YAML files. :meth:`Index.load` finds the files,
stats them, and reuses each cached entry whose file (and source article) still has the
size and modification time it had when it was parsed; only the rest is parsed, in worker
processes when there are many.

The cache is JSON, not pickle: it sits in a user-writable folder, and unpickling a file
someone else could have written runs their code. Anything wrong with it (missing,
truncated, garbage, another version, wrong types, a FIFO or a link to a device in its place,
absurdly big) means "no cache": it is rebuilt, never an error, and never believed: a row
is used only for a file the scan found, as the scan found it (size and mtime).
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
import types
import typing
from collections.abc import Callable, Iterable, Iterator
from itertools import repeat
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from briefing_reader import __version__
from briefing_reader.config import cache_dir
from briefing_reader.files import read_limited, write_atomic
from briefing_reader.loading.discover import discover_names

if TYPE_CHECKING:
    from briefing_reader.checks.validate import SourceCache

# Bump when Entry's fields, the row layout or what goes into an entry changes. 3: rows are
# laid out by Entry's declaration (the file's fields, then the briefing's). 4: the loader's
# problems changed (issue 15: `id: 2024` warned, a blank tag refused, a bad format no longer
# hiding the rest), so cached counts and first problems of unchanged files were stale.
# 5: by column, with shared values pooled, no absolute path per row, and the list's first
# screenful on a line of its own before the rest (see _write_cache).
FORMAT_VERSION = 5
CACHE_NAME = f"index-v{FORMAT_VERSION}.json"
# The full text of every briefing, for search, apart from the list's entries: it is most of
# the bytes, and a reader who never searches should not pay to load it (or hold it).
TEXTS_NAME = f"texts-v{FORMAT_VERSION}.json"

# No reading without end (a link to /dev/zero) or a cache too big to be worth it. An entry is
# some 400 bytes: 64 MiB is over 150,000 briefings; their texts take many times that.
MAX_CACHE_BYTES = 64 * 1024 * 1024
MAX_TEXTS_BYTES = 512 * 1024 * 1024

# Below this many files to parse, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 200
# How often a serial build reports progress: often enough for a live count, rarely enough
# that reporting costs nothing.
PROGRESS_EVERY = 100

# A file changed again within its file system's timestamp granularity after we stat it
# keeps its size and mtime: its cached entry would be stale for good ("racy git"). Entries
# whose files were modified this close to the scan that parsed them are parsed again next
# time. Two seconds covers FAT and most network file systems; ext4 and APFS need far less.
RACY_NS = 2_000_000_000

# (size, mtime_ns) of a file, or (-1, -1) when it could not be stat'ed (e.g. it is missing).
Stamp = tuple[int, int]
_MISSING: Stamp = (-1, -1)


class Entry(NamedTuple):
    """What the library list needs of one briefing file, without keeping the briefing.

    This declaration drives the cache too: a row stores the fields in this order, and each
    is checked against its type here when read back. The fields from ``id`` on are the
    briefing's own, copied from it by name; a file that could not be understood at all
    keeps their defaults. A new field is one line here (a briefing field's name, or filled
    in by :func:`_build_row`) plus a FORMAT_VERSION bump.
    """

    path: str  # as discovered: how the file is named on screen and in first_problem
    size: int
    mtime_ns: int
    error_count: int
    warning_count: int
    # first_problem without the path it starts with (see problem_field): many briefings
    # quoting one article share the rest of it, one object for all of them.
    problem: str | None
    source: str | None = None  # the source article's path, when the briefing names one
    id: str | None = None  # None when the file could not be understood at all
    title: str | None = None
    subject: str | None = None
    period: str | None = None
    dateline: str | None = None
    date: str | None = None  # YYYY-MM-DD, the article's publication date
    tags: tuple[str, ...] = ()

    @property
    def first_problem(self) -> str | None:
        """ "path:line:col: error: message", errors before warnings; None without one."""
        problem = self.problem
        if problem is None or not problem.startswith(_WHOLE):
            return problem if problem is None else self.path + problem
        return problem[1:]


def problem_field(path: str, first_problem: str | None) -> str | None:
    """What Entry.problem holds for ``first_problem`` of the file ``path``.

    The path it starts with is left out (at 10,000 entries the paths were a quarter of the
    problems' memory, and the rest repeats); a problem not starting with it is marked whole.
    """
    if first_problem is None:
        return None
    if first_problem.startswith(path + ":"):
        return first_problem[len(path) :]
    return _WHOLE + first_problem


# The fields of Entry taken from the briefing, by name.
BRIEFING_FIELDS = Entry._fields[Entry._fields.index("id") :]


class IndexStats(NamedTuple):
    """How a load went: for tests, the benchmark and a status line."""

    reused: int  # entries taken from the cache
    parsed: int  # files parsed this time
    parallel: bool  # whether worker processes did the parsing
    cache: Literal["used", "missing", "invalid", "disabled"]
    saved: bool  # whether the cache file was (re)written


class _Row(NamedTuple):
    """A cache row: the entry plus what decides whether it is still valid."""

    key: str  # absolute path: the same file reached from another working directory
    entry: Entry
    source_stamp: Stamp  # of entry.source, the article the checks read
    text: str | None = None  # the search text, when this run has it (not from the index cache)


Progress = Callable[[int, int], None]  # (files done, files in all)
# Entries known before the index is complete, in batches, as they come: the cached ones at
# once, then each chunk of parsed files. Each batch holds only entries not given before.
Partial = Callable[[list[Entry]], None]
# The index as it will be, before its cache is written (see Index.load): stats.saved is
# False and its texts are left to the cache.
Saving = Callable[["Index"], None]
# Asked between files of a parallel build, once its first files are parsed: True while no
# worker may start yet (see Index.load).
Hold = Callable[[], bool]


class Index:
    """The entries of every briefing file under some folders, in discovery order.

    The search texts are kept apart (:meth:`texts`): loaded from their own cache file the
    first time a search needs them, and only then held in memory.
    """

    def __init__(
        self,
        entries: Iterable[Entry],
        stats: IndexStats | None = None,
        *,
        texts: dict[str, str] | None = None,
        texts_path: Path | None = None,
        columns: tuple[int, int] | None = None,
    ) -> None:
        self.entries: tuple[Entry, ...] = tuple(entries)
        self.stats = stats or IndexStats(0, len(self.entries), False, "disabled", False)
        # By entry path; what is missing is read from texts_path, or parsed again.
        self._texts = texts or {}
        self._texts_path = texts_path
        self._columns = columns

    def columns(self) -> tuple[int, int]:
        """The library list's subject and period column widths for these entries
        (:func:`~briefing_reader.library.view.column_widths`), worked out once.

        The prefetch child works them out and sends them with the index: at 10,000 entries
        they took ~4 ms of the reader's thread before its first frame.
        """
        if self._columns is None:
            from briefing_reader.library.view import column_widths

            self._columns = column_widths(self.entries)
        return self._columns

    def __len__(self) -> int:
        return len(self.entries)

    @property
    def pending_texts(self) -> dict[str, str]:
        """The search texts held in memory (those the texts cache does not have)."""
        return self._texts

    @property
    def texts_path(self) -> Path | None:
        return self._texts_path

    def texts(self) -> list[str]:
        """Every entry's search text (:func:`~briefing_reader.library.search.entry_text`).

        Reads the texts cache the first time; an entry it lacks (or has for an older
        version of the file) is parsed again. Never raises.
        """
        missing = [e for e in self.entries if e.path not in self._texts]
        if missing and self._texts_path is not None:
            self._texts.update(_read_texts(self._texts_path, missing))
            missing = [e for e in missing if e.path not in self._texts]
        if missing:
            from briefing_reader.checks.validate import SourceCache

            cache = SourceCache()
            for entry in missing:
                row = _build_row(entry.path, _stat(entry.path), cache)
                self._texts[entry.path] = row.text or ""
        return [self._texts[e.path] for e in self.entries]

    def replaced(self, entries: Iterable[Entry], texts: dict[str, str]) -> Index:
        """This index with ``entries`` instead (live reload); ``texts`` of the changed ones."""
        kept = {**self._texts, **texts}
        new = tuple(entries)
        paths = {entry.path for entry in new}
        return Index(
            new,
            self.stats,
            texts={path: text for path, text in kept.items() if path in paths},
            texts_path=self._texts_path,
        )

    @classmethod
    def load(
        cls,
        folders: list[Path],
        *,
        cache_path: Path | None = None,
        use_cache: bool = True,
        workers: int | None = None,
        parallel_threshold: int = PARALLEL_THRESHOLD,
        progress: Progress | None = None,
        partial: Partial | None = None,
        saving: Saving | None = None,
        hold: Hold | None = None,
    ) -> Index:
        """Index every briefing under ``folders``, reusing the cache where files are unchanged.

        ``cache_path`` defaults to ``cache_dir()/`` :data:`CACHE_NAME` (the texts beside it);
        ``use_cache=False`` neither reads nor writes it. ``workers`` caps the worker
        processes (default: one per CPU; 1 parses in this process). ``progress`` is called
        with (done, total) as files are parsed, from the calling thread; ``partial`` with the
        entries known so far, batch by batch (see :data:`Partial`), while files that need
        parsing remain, so that a list can show titles long before the last file. Raises
        PathNotFound for a missing folder, as :func:`discover` does; problems with the
        cache never raise. ``saving``, when the cache is to be written, is told the index
        first (see :data:`Saving`): writing takes a few hundred milliseconds at 10,000 that a
        reader waiting for the entries need not wait. ``hold``, where files are parsed in
        worker processes, keeps them from starting while it says so (the reader drawing its
        first screen wants the core they would take): the first files are parsed here
        meanwhile, a few at a time, asking again between them.
        """
        scan_ns = time.time_ns()  # before any stat: see RACY_NS
        if cache_path is None:
            cache_path = cache_dir() / CACHE_NAME
        texts_path = cache_path.with_name(TEXTS_NAME)
        told: set[str] = set()  # the entries partial was given early, by path

        def early(entries: list[Entry]) -> None:
            if partial is not None and entries:
                told.update(entry.path for entry in entries)
                partial(entries)

        cached, status, here = (
            _read_cache(cache_path, folders, early) if use_cache else ({}, "disabled", False)
        )
        # After the cache's first screenful is told: that needs no scan.
        names = discover_names(folders)
        source_stamps: dict[str, Stamp] = {}
        rows: list[_Row | None] = []
        todo: list[tuple[int, str, Stamp | None]] = []
        if not cached:
            # Nothing to check a stamp against: each file's is taken as it is parsed, by the
            # workers, not here first (10,000 stats were ~18 ms before the first titles).
            rows = [None] * len(names)
            todo = [(position, name, None) for position, name in enumerate(names)]
        for position, name in enumerate(names if cached else ()):
            stamp = _stat(name)
            # A relative path names the same file only from the folder the cache was made in.
            row = cached.get(name) if here or os.path.isabs(name) else None
            if row is not None and _still_valid(row, name, stamp, source_stamps):
                rows.append(row)
            else:
                rows.append(None)
                todo.append((position, name, stamp))
        parallel = False
        if todo:
            if partial is not None and len(todo) < len(rows):
                early([row.entry for row in rows if row is not None and row.entry.path not in told])
            jobs = [(name, stamp) for _, name, stamp in todo]
            count = _worker_count(workers, len(jobs))
            built: list[_Row] | None = None
            if count > 1 and len(jobs) > parallel_threshold:
                built = _build_parallel(jobs, count, progress, partial, hold)
                parallel = built is not None
            if built is None:
                built = _build_rows(jobs, progress, partial)
            for (position, _, _), row in zip(todo, built, strict=True):
                rows[position] = row
        final = [row for row in rows if row is not None]
        new_texts = {row.entry.path: row.text for row in final if row.text is not None}
        saved = False
        # Rewrite when anything differs from the file: parsed or vanished entries.
        if use_cache and (todo or status != "used" or len(cached) != len(final)):
            if saving is not None:
                unsaved = IndexStats(len(final) - len(todo), len(todo), parallel, status, False)
                saving(cls((row.entry for row in final), unsaved, texts_path=texts_path))
            saved = _write_cache(cache_path, final, scan_ns, folders)
            if saved and _write_texts(texts_path, final, new_texts):
                new_texts = {}  # on disk now: read back only if a search needs them
        stats = IndexStats(len(final) - len(todo), len(todo), parallel, status, saved)
        return cls(
            (row.entry for row in final),
            stats,
            texts=new_texts,
            texts_path=texts_path if use_cache else None,
        )


def build_entry_and_text(path: Path, cache: SourceCache | None = None) -> tuple[Entry, str]:
    """The index entry of one file and its search text (for live reload of one file)."""
    from briefing_reader.checks.validate import SourceCache

    name = str(path)
    row = _build_row(name, _stat(name), cache or SourceCache())
    return row.entry, row.text or ""


# --- building entries ------------------------------------------------------------------------


def _stat(name: str) -> Stamp:
    return _stat_result(name)[0]


def _stat_result(name: str) -> tuple[Stamp, os.stat_result | None]:
    """The stamp of ``name`` and the stat it came from (None when it could not be taken)."""
    try:
        result = os.stat(name)
    except OSError:
        return _MISSING, None
    return (result.st_size, result.st_mtime_ns), result


def _build_row(
    name: str,
    stamp: Stamp | None,
    cache: SourceCache,
    source_stamps: dict[str, Stamp] | None = None,
) -> _Row:
    """The row of the file ``name``; ``stamp`` is its (size, mtime) taken before, else now,
    before it is read (an edit racing the read then shows up next time).

    ``source_stamps``: the stamps of the articles already cited in this batch, taken once
    for all the briefings that cite them (as the cache's check does, see _still_valid).
    """
    # Imported here: a warm start reads only the cache, and need not load YAML at all.
    from briefing_reader.checks.sources import source_of
    from briefing_reader.checks.validate import check_loaded
    from briefing_reader.library.search import entry_text
    from briefing_reader.loading import load_file

    path = Path(name)
    if stamp is None:
        # One stat for the stamp and for the reading, which would otherwise take its own;
        # where it fails, load_file takes its own and says why.
        stamp, result = _stat_result(name)
        loaded = load_file(path, stat_result=result)
    else:
        loaded = load_file(path)
    source = source_of(loaded, cache)
    # Stat the source before it is read, so an edit racing the read shows up next time.
    source_name = str(source) if source is not None else None
    if source_name is None:
        source_stamp = _MISSING
    elif source_stamps is None:
        source_stamp = _stat(source_name)
    else:
        known = source_stamps.get(source_name)
        if known is None:
            known = source_stamps[source_name] = _stat(source_name)
        source_stamp = known
    if source is not None:
        cache.stamped(source, source_stamp)  # an article edited since it was read: again
    # Only whether each excerpt is in its source: where it goes wrong is for validate
    # and the reader to say (a closest-passage search per failing excerpt was ~80 % of
    # indexing a library whose quotes all fail).
    loaded = check_loaded(loaded, cache, detail=False)
    briefing = loaded.briefing
    # A file of another format is summed up by that, not by the fields it lacks because of it.
    errors = sorted(
        (p for p in loaded.problems if p.severity == "error"), key=lambda p: p.code != "format"
    )
    warnings = [p for p in loaded.problems if p.severity == "warning"]
    first = errors[0] if errors else (warnings[0] if warnings else None)
    size, mtime_ns = stamp
    own = {name: getattr(briefing, name) for name in BRIEFING_FIELDS} if briefing else {}
    entry = Entry(
        path=name,
        size=size,
        mtime_ns=mtime_ns,
        error_count=len(errors),
        warning_count=len(warnings),
        problem=problem_field(name, str(first)) if first else None,
        source=source_name,
        **own,
    )
    text = entry_text(briefing) if briefing else ""
    return _Row(os.path.abspath(name), entry, source_stamp, text)


def _build_rows(
    jobs: list[tuple[str, Stamp | None]],
    progress: Progress | None = None,
    partial: Partial | None = None,
    *,
    cache: SourceCache | None = None,
) -> list[_Row]:
    from briefing_reader.checks.validate import SourceCache

    # One SourceCache per batch at least: neighbouring briefings usually share sources.
    cache = cache or SourceCache()
    source_stamps: dict[str, Stamp] = {}
    rows = []
    for done, (name, stamp) in enumerate(jobs, start=1):
        rows.append(_build_row(name, stamp, cache, source_stamps))
        if done % PROGRESS_EVERY == 0 and done < len(jobs):
            if partial is not None:
                partial([row.entry for row in rows[-PROGRESS_EVERY:]])
            if progress is not None:
                progress(done, len(jobs))
    if progress is not None:
        progress(len(jobs), len(jobs))
    return rows


def _worker_count(workers: int | None, jobs: int) -> int:
    if workers is None:
        affinity = getattr(os, "sched_getaffinity", None)
        workers = len(affinity(0)) if affinity else (os.cpu_count() or 1)
    return max(1, min(workers, jobs))


# The first files of a parallel build are parsed by the calling process itself, before the
# workers take the cores (or, where workers take a few hundred milliseconds to start, while
# they start): a screenful of titles, at once, in the listing's order.
FIRST_CHUNK = 60
# Files parsed between two looks at a build's hold: a few milliseconds' worth.
HOLD_STEP = 8
# Chunks per worker: more, smaller chunks stream titles sooner and even out slow ones; each
# costs a round trip.
CHUNKS_PER_WORKER = 16
# The smallest chunk, at the end of a build (see _chunks): a few milliseconds' parsing.
MIN_CHUNK = 8
# How often a parallel build reports progress, at most: each report redraws the reader's
# status line and list (30-40 ms of a core the workers want: 0.8 s of the reader's 1.7 s
# of CPU over a cold 10,000 at two a second), and a count moving each second reads as live.
PROGRESS_EVERY_S = 1.0

# A worker's articles, for all the chunks it parses: a library citing one article reads and
# normalizes it once per worker, not once per chunk (checked against the article's stamp).
_worker_sources: SourceCache | None = None

# What a worker sends back for a row: plain tuples pickle in C, with no class to look up.
_RowTuple = tuple[str, tuple[Any, ...], Stamp, str | None]


def _build_chunk(jobs: list[tuple[str, Stamp | None]]) -> list[_RowTuple]:
    """A worker's task: the rows of ``jobs``, as tuples (see :func:`_row_of`)."""
    global _worker_sources
    if _worker_sources is None:
        from briefing_reader.checks.sources import SourceCache

        _worker_sources = SourceCache()
    rows = _build_rows(jobs, cache=_worker_sources)
    return [(row.key, tuple(row.entry), row.source_stamp, row.text) for row in rows]


# How much less a worker is given of a core than the reader: the workers would otherwise
# take the cores from the reader's first frame, which then comes up to half again later.
WORKER_NICE = 5


def _start_worker(parent: int) -> None:
    from briefing_reader.library.lifeline import exit_with

    exit_with(parent)
    with contextlib.suppress(OSError, AttributeError):  # no os.nice on Windows
        os.nice(WORKER_NICE)


def _row_of(raw: _RowTuple) -> _Row:
    key, entry, source_stamp, text = raw
    return _Row(key, Entry._make(entry), source_stamp, text)


def _start_method() -> str:
    """How to start workers from this process.

    fork, when this process has one thread (the prefetch child, an interpreter of its own
    with no Textual in it): the workers start in a millisecond with the loader imported.
    Otherwise never fork: the reader calls this from a thread of a running app, and forking
    a process with threads can deadlock a child on a lock some other thread held.
    """
    import multiprocessing
    import threading

    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1 and _os_threads() <= 1:
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"


def _os_threads() -> int:
    """This process's threads as the system counts them, native ones too (a library's own,
    which threading does not know of: Python 3.12 warns of forking beside them, and a lock
    one of them held stays locked in the child); 0 where that cannot be told."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return 0


def _build_parallel(
    jobs: list[tuple[str, Stamp | None]],
    workers: int,
    progress: Progress | None = None,
    partial: Partial | None = None,
    hold: Hold | None = None,
) -> list[_Row] | None:
    """Parse ``jobs`` in worker processes; None when processes cannot be used here.

    Chunks are handed out in ``jobs``' order (the listing's), so that the entries come
    roughly top first; each is told to ``partial`` as it arrives. ``hold``: see Index.load.
    """
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    method = _start_method()
    head: list[_Row] = []

    def tell(rows: list[_Row]) -> None:
        if partial is not None and rows:
            partial([row.entry for row in rows])
        if progress is not None:
            progress(len(head), len(jobs))

    # Forked workers start at once: the titles first, then both cores for the rest (parsing
    # the head beside them would only slow it down); so too while the workers are held.
    # Workers started otherwise take a few hundred milliseconds: the head is parsed then.
    # Too few files to hand out any: all of them here.
    early = method == "fork" or hold is not None or len(jobs) <= FIRST_CHUNK
    if early:
        head = _build_rows(jobs[:FIRST_CHUNK])
        tell(head)
        if hold is not None:
            held = len(head)
            while len(head) < len(jobs) and hold():
                head += _build_rows(jobs[len(head) : len(head) + HOLD_STEP])
            # Told once, as the hold ends: until then the reader is drawing its first screen.
            tell(head[held:])
    rest = jobs[len(head) :] if early else jobs[FIRST_CHUNK:]
    if not rest:  # all parsed here
        return head
    bounds = _chunks(len(rest), workers)
    try:
        with (
            _real_stderr(),
            # A worker must not outlive a reader killed mid-index (see lifeline).
            ProcessPoolExecutor(
                workers,
                mp_context=multiprocessing.get_context(method),
                initializer=_start_worker,
                initargs=(os.getpid(),),
            ) as pool,
        ):
            pending: dict[Future[list[_RowTuple]], int] = {
                pool.submit(_build_chunk, rest[start:end]): start for start, end in bounds
            }
            built: list[_Row | None] = [None] * len(rest)
            if not early:
                head = _build_rows(jobs[:FIRST_CHUNK])  # while the workers start
                tell(head)
            done = len(head)
            reported = time.monotonic()
            while pending:
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                # As each chunk is done; chunks done together are told top first.
                for future in sorted(finished, key=pending.__getitem__):
                    start = pending.pop(future)
                    rows = [_row_of(raw) for raw in future.result()]
                    built[start : start + len(rows)] = rows
                    done += len(rows)
                    if partial is not None:
                        partial([row.entry for row in rows])
                now = time.monotonic()
                if progress is not None and (now >= reported + PROGRESS_EVERY_S or not pending):
                    reported = now
                    progress(done, len(jobs))
            return [*head, *(row for row in built if row is not None)]
    except (OSError, BrokenProcessPool, RuntimeError, ValueError):
        # No /dev/shm, a sandbox forbidding processes, a killed worker: parse here instead.
        return None


def _chunks(count: int, workers: int) -> list[tuple[int, int]]:
    """``(start, end)`` of each chunk of ``count`` files for ``workers``, in order.

    Contiguous, so a folder's briefings, and their shared sources, stay together. The last
    ones shrink: a build ends when its last chunk does, and with chunks all alike one
    worker sat idle for up to a chunk's time (a third of a second at 10,000) at the end.
    """
    size = max(1, -(-count // (workers * CHUNKS_PER_WORKER)))
    bounds = []
    start = 0
    while start < count:
        # A share of what is left small enough that the others finish theirs meanwhile.
        step = min(size, max(MIN_CHUNK, -(-(count - start) // (2 * workers))))
        bounds.append((start, min(count, start + step)))
        start += step
    return bounds


@contextlib.contextmanager
def _real_stderr() -> Iterator[None]:
    """Give multiprocessing a stderr with a file descriptor while it starts its helpers.

    Inside the running reader, Textual has replaced sys.stderr with an object whose
    fileno() is -1, and multiprocessing's resource tracker passes that descriptor on to its
    process ("bad value(s) in fds_to_keep"). Its output, if any, must not reach the screen.
    """
    try:
        usable = sys.stderr is not None and sys.stderr.fileno() >= 0
    except (AttributeError, OSError, ValueError):
        usable = False
    if usable:
        yield
        return
    saved = sys.stderr
    with open(os.devnull, "w") as devnull:
        sys.stderr = devnull
        try:
            yield
        finally:
            sys.stderr = saved


def _still_valid(row: _Row, name: str, stamp: Stamp, source_stamps: dict[str, Stamp]) -> bool:
    entry = row.entry
    if entry.path != name or (entry.size, entry.mtime_ns) != stamp or stamp == _MISSING:
        return False
    source = entry.source
    if source is not None:
        if source not in source_stamps:  # many briefings share one source: stat it once
            source_stamps[source] = _stat(source)
        if source_stamps[source] != row.source_stamp:
            return False
    return True


# --- the cache file --------------------------------------------------------------------------


def _read_cache(
    path: Path, folders: list[Path], early: Partial | None = None
) -> tuple[dict[str, _Row], Literal["used", "missing", "invalid"], bool]:
    """The cached rows by entry path, how the read went, and whether this process may
    believe a relative path in them (it runs in the folder the cache's run ran in).

    ``early`` is told the cached first screenful (see :func:`_write_cache`) before the rest
    is decoded, each entry checked against its file as a scan would, when the cache was
    written for these folders from this working directory.
    """
    try:
        data = read_limited(path, MAX_CACHE_BYTES)
    except FileNotFoundError:
        return {}, "missing", False
    except OSError:
        return {}, "invalid", False
    try:
        header_line, head_line, rest_line, end = data.split(b"\n", 3)
        header = json.loads(header_line)
        if (
            end
            or not isinstance(header, dict)
            or header.get("format_version") != FORMAT_VERSION
            or header.get("package_version") != __version__
        ):
            return {}, "invalid", False
        scan_ns, cwd, count = header["scan_ns"], header["cwd"], header["count"]
        # Not isinstance: JSON's true is no time.
        if type(scan_ns) is not int or type(cwd) is not str or type(count) is not int:
            return {}, "invalid", False
        here = cwd == os.getcwd()
        pool: dict[Any, Any] = {}
        head = _rows_from_columns(json.loads(head_line), pool)
        if head is None:
            return {}, "invalid", False
        # Parsed too soon after its file (or source) changed: see RACY_NS.
        racy = scan_ns - RACY_NS
        if early is not None and here and header.get("folders") == [str(f) for f in folders]:
            source_stamps: dict[str, Stamp] = {}
            early(
                [
                    row.entry
                    for row in head
                    if _settled(row, racy)
                    and _still_valid(row, row.entry.path, _stat(row.entry.path), source_stamps)
                ]
            )
        rest = _rows_from_columns(json.loads(rest_line), pool)
        if rest is None or len(head) + len(rest) != count:
            return {}, "invalid", False
        rows = {row.key: row for row in (*head, *rest) if _settled(row, racy)}
        return rows, "used", here
    except (ValueError, TypeError, KeyError, RecursionError):
        # ValueError covers bad JSON, bad UTF-8 and too few lines; TypeError and KeyError a
        # wrong shape.
        return {}, "invalid", False


def _settled(row: _Row, racy: int) -> bool:
    return row.entry.mtime_ns < racy and row.source_stamp[1] < racy


# Rows are stored by column: [path, size, ..., tags, source size, source mtime_ns], each
# column a JSON list, in Entry's order, checked against Entry's types when read back (one
# set of the types in a column). A column of values many briefings share (a source
# article, a subject, a tag set) is stored as [distinct values, one index per row], and its
# rows share one object for each. first_problem is stored as Entry.problem holds it.
POOLED = frozenset({"source", "subject", "period", "dateline", "date", "tags"})
# Held as one object for equal values in memory (the cache read's pool, the prefetch's pipe):
# the pooled columns, and the problems, which repeat when briefings quote one article.
SHARED = POOLED | {"problem"}


def _json_types(hint: object) -> frozenset[type]:
    """The exact JSON value types a field of this annotation is stored as."""
    if typing.get_origin(hint) is tuple:
        (element, _) = typing.get_args(hint)
        if element is not str:
            raise TypeError(f"only tuples of str can be cached, not {hint}")
        return frozenset({list})
    if isinstance(hint, types.UnionType):
        return frozenset(kind for arg in typing.get_args(hint) for kind in _json_types(arg))
    if hint in (str, int, type(None)):
        return frozenset({typing.cast(type, hint)})
    raise TypeError(f"an Entry field of type {hint} cannot be cached")


_HINTS = typing.get_type_hints(Entry)
# (field name, allowed types, pooled) for every stored column; the source stamp last.
_COLUMNS: tuple[tuple[str, frozenset[type], bool], ...] = (
    *((name, _json_types(_HINTS[name]), name in POOLED) for name in Entry._fields),
    ("source size", frozenset({int}), False),
    ("source mtime_ns", frozenset({int}), False),
)
_PATH = Entry._fields.index("path")
_PROBLEM = Entry._fields.index("problem")
# Marks a problem held whole: one that does not start with its entry's path (a path holds
# no NUL, so a problem never starts with one).
_WHOLE = "\0"
_INT, _STR = frozenset({int}), frozenset({str})


def _rows_to_columns(rows: list[_Row]) -> list[Any]:
    if not rows:
        return []
    columns: list[list[Any]] = [list(column) for column in zip(*map(_cells, rows), strict=True)]
    encoded: list[Any] = []
    for (_, _, pooled), column in zip(_COLUMNS, columns, strict=True):
        if pooled:
            codes: dict[Any, int] = {}
            indices = [codes.setdefault(value, len(codes)) for value in column]
            values = [list(v) if isinstance(v, tuple) else v for v in codes]
            encoded.append([values, indices])
        else:
            encoded.append(column)
    return encoded


def _cells(row: _Row) -> tuple[Any, ...]:
    return (*row.entry, *row.source_stamp)


def _rows_from_columns(raw: object, pool: dict[Any, Any]) -> list[_Row] | None:
    # Checked column by column: an edited or half-written cache must not put a number where
    # the list shows a title, or crash the app later on. bool is no int here, as JSON's true
    # is no number. 10,000 rows are read at every start: every check is one pass in C.
    if raw == []:
        return []
    if type(raw) is not list or len(raw) != len(_COLUMNS):
        return None
    columns: list[list[Any]] = []
    for (_, kinds, pooled), column in zip(_COLUMNS, raw, strict=True):
        if pooled:
            if type(column) is not list or len(column) != 2:
                return None
            values, codes = column
            if type(values) is not list or type(codes) is not list or not _only(values, kinds):
                return None
            if codes and (not _only(codes, _INT) or min(codes) < 0 or max(codes) >= len(values)):
                return None
            if list in kinds:  # tags: lists of strings, kept as tuples
                if not all(_only(tags, _STR) for tags in values):
                    return None
                values = list(map(tuple, values))
            # One object for each value, in the head and the rest alike.
            values = list(map(pool.setdefault, values, values))
            column = list(map(values.__getitem__, codes))
        elif type(column) is not list or not _only(column, kinds):
            return None
        columns.append(column)
    if len({len(column) for column in columns}) != 1:
        return None
    paths, problems = columns[_PATH], columns[_PROBLEM]
    columns[_PROBLEM] = list(map(pool.setdefault, problems, problems))
    entries = entries_from_columns(columns[: len(Entry._fields)])
    # _Row._make in C, as entries_from_columns makes its entries.
    stamps = zip(columns[-2], columns[-1], strict=True)
    fields = zip(paths, entries, stamps, repeat(None, len(paths)), strict=True)
    return list(map(tuple.__new__, repeat(_Row), fields))


def entries_from_columns(columns: Iterable[Iterable[Any]]) -> Iterator[Entry]:
    """Entries from their columns, in Entry's field order (the values unchecked).

    Entry._make in C (tuple.__new__ is what _make calls): every start makes 10,000, and zip
    hands each row's tuple back to be reused once tuple.__new__ has copied it, so a row
    costs one tuple, not two.
    """
    return map(tuple.__new__, repeat(Entry), zip(*columns, strict=True))


def _only(values: list[Any], kinds: frozenset[type]) -> bool:
    return set(map(type, values)) <= kinds


# The first screenful of the list, stored apart at the top of the cache file, so that a
# warm start shows it before it has decoded the rest (more than a tall terminal's rows).
HEAD_ROWS = 100


def _write_cache(path: Path, rows: list[_Row], scan_ns: int, folders: list[Path]) -> bool:
    from briefing_reader.library.view import LibraryView

    # In the order the list shows them, as a reader who has read nothing sees it.
    order = LibraryView(row.entry for row in rows).order[:HEAD_ROWS]
    first = set(order)
    head = [rows[i] for i in order]
    rest = [row for i, row in enumerate(rows) if i not in first]
    header = {
        "format_version": FORMAT_VERSION,
        "package_version": __version__,
        "scan_ns": scan_ns,
        "cwd": os.getcwd(),
        "folders": [str(folder) for folder in folders],
        "count": len(rows),
    }
    # One JSON document a line: the header, the head, the rest. ensure_ascii keeps lone
    # surrogates (from odd file names) writable as \udXXX escapes, and newlines escaped.
    data = b"\n".join(
        json.dumps(part, separators=(",", ":")).encode("ascii")
        for part in (header, _rows_to_columns(head), _rows_to_columns(rest))
    )
    try:
        # A link or FIFO where the cache belongs is replaced, not written through.
        write_atomic(path, data + b"\n", follow_links=False)
    except OSError:
        return False  # a read-only or full cache folder only costs speed next time
    return True


def _write_texts(path: Path, rows: list[_Row], texts: dict[str, str]) -> bool:
    """Write every row's search text; False (keep them in memory) when that is impossible."""
    old: dict[str, str] = {}
    missing = [row.entry for row in rows if row.entry.path not in texts]
    if missing:  # unchanged files: their texts are in the old file
        old = _read_texts(path, missing)
        if len(old) != len(missing):
            return False
    merged = {**old, **texts}
    document = {
        "format_version": FORMAT_VERSION,
        "package_version": __version__,
        "texts": [[e.path, e.size, e.mtime_ns, merged[e.path]] for e in (r.entry for r in rows)],
    }
    data = json.dumps(document, separators=(",", ":")).encode("ascii")
    try:
        # A link or FIFO where the cache belongs is replaced, not written through.
        write_atomic(path, data, follow_links=False)
    except OSError:
        return False
    return True


def _read_texts(path: Path, wanted: list[Entry]) -> dict[str, str]:
    """The cached texts of ``wanted`` entries whose files are as they were; {} on any fault."""
    stamps = {e.path: (e.size, e.mtime_ns) for e in wanted}
    try:
        document = json.loads(read_limited(path, MAX_TEXTS_BYTES))
        if (
            document.get("format_version") != FORMAT_VERSION
            or document.get("package_version") != __version__
        ):
            return {}
        found: dict[str, str] = {}
        for name, size, mtime_ns, text in document["texts"]:
            if stamps.get(name) == (size, mtime_ns) and isinstance(text, str):
                found[name] = text
        return found
    except (OSError, ValueError, TypeError, KeyError, AttributeError, RecursionError):
        return {}
