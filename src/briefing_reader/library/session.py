"""The library's behaviour without a terminal: what the library screen only draws.

A :class:`LibrarySession` holds the index, the :class:`~briefing_reader.library.view.
LibraryView`, the read marks, the full-text search and its matches, and merges files
reloaded from disk; it answers in plain data (:class:`Status`, :class:`ReadChange`,
:class:`ReloadResult`) that the screen styles and shows, and it loads the briefings the
preview and the reader show, so that no screen opens a file itself. Blocking methods
(indexing, searching, rebuilding entries, checking a briefing) may run on worker threads;
the rest belongs to the thread that owns the session, as the screen's state did.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from briefing_reader.briefing_files import ReaderFiles
from briefing_reader.library.index import Entry, Index, Partial
from briefing_reader.library.state import ReadState
from briefing_reader.library.view import SORT_NAMES, LibraryView

if TYPE_CHECKING:
    from briefing_reader.library.entries import LazyBriefings
    from briefing_reader.library.prefetch import Prefetch
    from briefing_reader.library.search import TextSearch
    from briefing_reader.library.watch import Change, FolderWatcher
    from briefing_reader.loading import Loaded

# What a reload found for each path it was told about: the new entry and its search text,
# or None for a file that is gone.
Rebuilt = dict[str, tuple[Entry, str] | None]
Progress = Callable[[int, int], None]
# While indexing, entries are listed as they come until there are this many (more than a
# tall terminal's rows); then in doublings (see LibrarySession.add_partial).
PARTIAL_SCREENFUL = 120
# Between the parts of the status line.
STATUS_SEPARATOR = "  \u00b7  "


@dataclass(frozen=True)
class Status:
    """The library's status line as parts; the screen decides how each looks.

    While indexing, ``indexing`` is the whole line. Otherwise the line is ``count``, then
    each of ``details`` (the tag, the search), then ``sort``.
    """

    indexing: str | None = None
    count: str = ""
    details: tuple[str, ...] = ()
    sort: str = ""

    @property
    def parts(self) -> tuple[str, ...]:
        return (self.count, *self.details, self.sort)

    def __str__(self) -> str:
        return self.indexing if self.indexing is not None else STATUS_SEPARATOR.join(self.parts)


class ReadChange(NamedTuple):
    """What marking a briefing did: the list is drawn again when ``changed``."""

    changed: bool
    read: bool  # whether the briefing is read now
    # The first failed save only: the marks still hold for this session, once is enough.
    warning: str | None = None


class Found(NamedTuple):
    """A full-text search's result, made on a worker thread, applied by :meth:`apply_search`."""

    searched: Index  # a result for an older index than the session's is dropped
    query: str
    sources: bool
    entries: frozenset[int]  # positions in ``index.entries``


class ReloadResult(NamedTuple):
    """What a reload did to the briefing open in the reader, if one is."""

    open_changed: bool = False  # its file changed: the reader shows it anew
    open_removed: bool = False  # its file is gone


class LibrarySession:
    """One library, as the user is looking at it: see the module docstring."""

    def __init__(
        self,
        folders: list[Path],
        state: ReadState,
        *,
        use_cache: bool = True,
        index_workers: int | None = None,
        prefetch: Prefetch | None = None,
        files: ReaderFiles | None = None,
    ) -> None:
        self.folders = folders
        self.state = state
        self.use_cache = use_cache
        self.index_workers = index_workers
        self.prefetch = prefetch
        self.files = files or ReaderFiles()
        self.view = LibraryView(is_read=state.is_read)
        self.index: Index | None = None
        self.indexing: tuple[int, int] | None = (0, 0)
        # What is listed while indexing, by path (see add_partial).
        self._partial: dict[str, Entry] = {}
        self.search_query: str | None = None
        self.search_sources = False
        self.matches: list[str] = []  # paths with a search match, in list order
        self.searching: str | None = None  # the query of a search running on a worker
        self.open_path: str | None = None  # the briefing the reader shows, if any
        self.watcher: FolderWatcher | None = None
        self.closing = False
        # The search over one index's texts, made on first use; kept with that index, so a
        # search still running on a worker when a reload lands cannot leave the old texts.
        self._search: tuple[Index, TextSearch] | None = None
        self._save_warned = False
        # Live reload: changes told but not yet read, latest per path, and whether a rebuild
        # is under way. One rebuild at a time: two running at once could land out of order,
        # an older read of a file undoing a newer one for good (the watcher reports each
        # change once).
        self._pending: dict[str, Change] = {}
        self._rebuilding = False
        # Files reread before the index came: the index may have read them before the change
        # (mid-write, even), so they are read again once it has come.
        self._before_index: dict[str, Change] = {}

    # --- indexing --------------------------------------------------------------------------

    def load_index(
        self, progress: Progress | None = None, partial: Partial | None = None
    ) -> Index | None:
        """Read the index (blocking): from the prefetch if there is one, else here.

        ``partial`` is told the entries known before the index is complete, batch by batch
        (:data:`~briefing_reader.library.index.Partial`; a batch may repeat a path, when the
        prefetch failed and the index is read here again). None when the session closed
        meanwhile. Raises what :meth:`Index.load` raises.
        """
        prefetch = self.prefetch
        # Not waiting for the child to write the cache: the list fills that much sooner.
        index = prefetch.wait(progress, partial, saved=False) if prefetch is not None else None
        if self.closing:
            return None
        if index is None:  # no child process, or it failed: index here
            index = Index.load(
                self.folders,
                use_cache=self.use_cache,
                workers=self.index_workers,
                progress=progress,
                partial=partial,
            )
        return index

    def prefetched(self) -> Index | None:
        """The prefetch's index if it is complete already (never blocks; see
        :meth:`Prefetch.ready`); None means :meth:`load_index` is still to be called."""
        return self.prefetch.ready() if self.prefetch is not None else None

    def told(self) -> list[Entry]:
        """Entries the prefetch already has, at once (see :meth:`Prefetch.told`): the list's
        first screenful from the cache, for the screen's first frame."""
        return self.prefetch.told() if self.prefetch is not None else []

    def first_frame_drawn(self) -> None:
        """The library's first frame is on screen: the prefetch may decode the rest of the
        index (see :meth:`Prefetch.drawn`)."""
        if self.prefetch is not None:
            self.prefetch.drawn()

    def titles_shown(self) -> None:
        """The first titles are on screen: indexing may take every core now (see
        :meth:`Prefetch.go`)."""
        if self.prefetch is not None:
            self.prefetch.go()

    def progress(self, done: int, total: int) -> None:
        self.indexing = (done, total)

    def add_partial(self, entries: Iterable[Entry], columns: tuple[int, int] | None = None) -> bool:
        """Take entries that came before the index is complete; True when the view lists
        them now (in its order, which settles as more come), False when they wait.
        ``columns``: the list's column widths for the whole library, when known (the index
        has come): the list is laid out as it will stay.

        A screenful is listed at once; after that, the list is sorted again only once the
        entries waiting are as many as those listed: sorting 10,000 entries for every chunk
        of a few hundred would take the screen's thread from the keys.
        """
        if self.index is not None:
            return False
        for entry in entries:
            self._partial[entry.path] = entry
        listed = self.view.total
        if listed >= PARTIAL_SCREENFUL and len(self._partial) < 2 * listed:
            return False
        self.view.set_entries(self._partial.values(), columns)
        return True

    def set_index(self, index: Index) -> None:
        """Take ``index``; files reloaded before it came are due again (see reload_due)."""
        self.index = index
        self.indexing = None
        self._search = None
        self._partial = {}
        self.view.set_entries(index.entries, index.columns())
        for path, change in self._before_index.items():
            self._pending.setdefault(path, change)  # a change told since is newer
        self._before_index.clear()

    def close(self) -> None:
        """The library is closing: stop indexing and watching."""
        self.closing = True
        if self.prefetch is not None:
            self.prefetch.cancel()
        watcher = self.watcher
        if watcher is not None:
            watcher.stop()

    # --- what the screen shows -------------------------------------------------------------

    def status(self) -> Status:
        view = self.view
        total = view.total
        if self.indexing is not None:
            # A warm start lists the cached first screenful while the whole index, come
            # already, is decoded after the first frame: it is counted meanwhile, not
            # "indexing" for the frame or two until it is listed.
            coming = self.prefetch.coming() if self.prefetch is not None else None
            if coming is None:
                done, all_ = self.indexing
                return Status(
                    indexing=f"indexing {done:,} / {all_:,}" if all_ else "indexing\u2026"
                )
            total = coming
        if view.filtered:
            count = f"{len(view):,} / {total:,}"
        else:
            count = f"{total:,} briefing{'s' if total != 1 else ''}"
        details: list[str] = []
        if view.tag:
            details.append(f"tag: {view.tag}")
        if self.searching is not None:
            # The first search at 10,000 reads every text (~0.5 s): the line says so.
            details.append(f"searching: {self.searching}\u2026")
        elif self.search_query:
            where = " (and sources)" if self.search_sources else ""
            found = len(self.matches)
            details.append(f"search{where}: {self.search_query} \u2014 {found:,} found")
        return Status(count=count, details=tuple(details), sort=SORT_NAMES[view.sort])

    def empty_message(self) -> str | None:
        """What an empty list says (None: the list is not empty)."""
        if self.indexing is not None and not self.view.total:
            return "Reading the briefings\u2026 keys work meanwhile."
        if not self.view.total:
            where = ", ".join(str(folder) for folder in self.folders)
            return f"No briefings in {where} yet: *.yaml files added show up here."
        if not len(self.view):
            return "Nothing matches. escape clears the filter."
        return None

    def check(self, entry: Entry) -> Loaded:
        """The briefing behind ``entry``, loaded and checked (blocking), for the preview."""
        from briefing_reader.checks.validate import check_file

        return check_file(Path(entry.path))

    def listed_briefings(self) -> LazyBriefings:
        """The listed briefings, in list order, loaded as the reader shows each one."""
        from briefing_reader.library.entries import LazyBriefings

        return LazyBriefings([self.view.entries[i].path for i in self.view.order])

    # --- read marks ------------------------------------------------------------------------

    def opened(self, path: str, briefing_id: str | None) -> ReadChange:
        """The reader shows ``path``: it is the open briefing, and read now."""
        self.open_path = path
        if briefing_id is None or self.state.is_read(briefing_id):
            return ReadChange(False, briefing_id is not None)
        self.state.mark(briefing_id, True)
        return ReadChange(True, True, self._read_changed())

    def closed(self) -> None:
        """The reader is closed: no briefing is open."""
        self.open_path = None

    def toggle_read(self, briefing_id: str) -> ReadChange:
        """Flip one briefing's read mark and save it."""
        now = not self.state.is_read(briefing_id)
        self.state.mark(briefing_id, now)
        return ReadChange(True, now, self._read_changed())

    def _read_changed(self) -> str | None:
        warning = None
        try:
            self.state.save()
        except OSError as exc:
            if not self._save_warned:
                self._save_warned = True
                warning = f"Could not save read marks: {exc}"
        self.view.read_changed()
        return warning

    # --- full-text search ------------------------------------------------------------------

    def search(self, query: str, sources: bool) -> Found | None:
        """Search every entry's text, and with ``sources`` their articles (blocking).

        None before the index is read.
        """
        from briefing_reader.library.search import TextSearch

        index = self.index
        if index is None:
            return None
        if self._search is None or self._search[0] is not index:
            self._search = (index, TextSearch(index.texts()))
        found = set(self._search[1].entries(query))
        if sources:
            found |= source_matches(index.entries, query)
        return Found(index, query, sources, frozenset(found))

    def apply_search(self, found: Found) -> bool:
        """Make ``found`` the search in force; False if the library changed meanwhile."""
        index = self.index
        if index is None or found.searched is not index:
            return False  # the user can search again
        entries = self.view.entries
        paths = {index.entries[i].path for i in found.entries}
        self.matches = [entries[i].path for i in self.view.order if entries[i].path in paths]
        self.search_query = found.query
        self.search_sources = found.sources
        return True

    def clear_search(self) -> None:
        self.search_query = None
        self.matches = []

    def first_match(self, path: str | None) -> str | None:
        """The match to open first: ``path`` if it has one, else the next after it."""
        if not self.matches:
            return None
        start = path if path is not None else self.matches[0]
        if start in self.matches:
            return start
        return self.next_match(start, 1) or self.matches[0]

    def next_match(self, path: str, step: int) -> str | None:
        """The next (step 1) or previous (-1) briefing with a match, going round; or None."""
        matches = self.matches
        if not matches:
            return None
        if path in matches:
            return matches[(matches.index(path) + step) % len(matches)]
        # From an entry without a match: the first match after (or before) it in the list,
        # found in one pass over the list. Looked up match by match (position_of scans the
        # list), 5,000 matches of 10,000 held the screen's thread for 6 s after the search.
        wanted = set(matches)
        entries = self.view.entries
        listed = 0  # not listed (filtered out): from the top
        found: list[tuple[int, str]] = []  # the listed matches, in list order
        for position, index in enumerate(self.view.order):
            listed_path = entries[index].path
            if listed_path == path:
                listed = position
            elif listed_path in wanted:
                found.append((position, listed_path))
        if not found:
            return None
        if step > 0:
            return next((p for at, p in found if at > listed), found[0][1])
        return next((p for at, p in reversed(found) if at < listed), found[-1][1])

    # --- live reload -----------------------------------------------------------------------

    def watch(self, on_changes: Callable[[list[Change]], None]) -> bool:
        """Watch the folders, calling ``on_changes`` from the watcher's thread."""
        from briefing_reader.library.watch import FolderWatcher

        folders = [folder for folder in self.folders if folder.is_dir()]
        if not folders or self.watcher is not None:
            return False
        # What the index holds: the watcher's first batch catches up with whatever changed
        # between the index's scan and its watches being set up.
        known = None
        if self.index is not None:
            # The entries themselves: a (size, mtime) pair each was 0.6 MB at 10,000.
            known = {entry.path: entry for entry in self.index.entries}
        watcher = FolderWatcher(folders, on_changes, known=known)
        if not watcher.start():
            return False
        self.watcher = watcher
        return True

    def queue_reload(self, changes: Iterable[Change]) -> bool:
        """Note ``changes`` to be read; True when a rebuild should start now.

        Changes told while a rebuild runs wait for the next one, which reads the files
        after they changed: the list converges on the folder however the events fall.
        """
        for change in changes:
            self._pending[str(change.path)] = change
        return bool(self._pending) and not self._rebuilding

    def take_reload(self) -> list[Change]:
        """The changes to rebuild now; a rebuild is under way until :meth:`apply_reload`."""
        changes = sorted(self._pending.values(), key=lambda change: change.path)
        self._pending.clear()
        self._rebuilding = bool(changes)
        return changes

    @property
    def reload_due(self) -> bool:
        """Whether changes wait and no rebuild is under way (start one)."""
        return bool(self._pending) and not self._rebuilding

    @staticmethod
    def rebuild(changes: Iterable[Change]) -> Rebuilt:
        """The entries for the changed files, read again (blocking)."""
        from briefing_reader.library.index import build_entry_and_text
        from briefing_reader.library.watch import settle_all, settled

        rebuilt: Rebuilt = {}
        broken: list[Path] = []
        for change in changes:
            name = str(change.path)
            if change.kind == "deleted" or not change.path.exists():
                rebuilt[name] = None
                continue
            entry, text = build_entry_and_text(change.path)
            rebuilt[name] = (entry, text)
            if entry.error_count:
                broken.append(change.path)
        if broken:
            # Perhaps caught mid-write: once settled, read once more. One wait for them all
            # first, so that each settled() below answers at once for a file left alone.
            settle_all(broken)
            for path in broken:
                if settled(path):
                    rebuilt[str(path)] = build_entry_and_text(path)
        return rebuilt

    def apply_reload(self, rebuilt: Rebuilt) -> ReloadResult | None:
        """Merge ``rebuilt`` into the index and the view; None before the index is read,
        and then those files are read again once it is (a file the index read mid-write, as
        the change was told, stayed broken: a user editing a briefing as the reader starts).

        Ends the rebuild under way, if any: see :attr:`reload_due` for what waits.
        """
        self._rebuilding = False
        if self.index is None:
            from briefing_reader.library.watch import Change

            for path, result in rebuilt.items():
                gone = result is None
                self._before_index[path] = Change("deleted" if gone else "modified", Path(path))
            return None
        entries = {entry.path: entry for entry in self.index.entries}
        texts: dict[str, str] = {}
        for path, result in rebuilt.items():
            if result is None:
                entries.pop(path, None)
            else:
                entries[path] = result[0]
                texts[path] = result[1]
        ordered = sorted(entries.values(), key=lambda e: e.path)
        self.index = self.index.replaced(ordered, texts)
        self._search = None
        self.view.set_entries(self.index.entries, self.index.columns())
        shown = self.open_path
        if shown is None or shown not in rebuilt:
            return ReloadResult()
        if rebuilt[shown] is None:
            return ReloadResult(open_removed=True)
        return ReloadResult(open_changed=True)


def read_marks(read_state: ReadState | bool) -> tuple[ReadState, list[str]]:
    """The read marks to use, and one-line warnings about them (see make_library_app)."""
    if isinstance(read_state, ReadState):
        return read_state, []
    if read_state:
        return ReadState.load()
    return ReadState(Path(os.devnull), readonly=True), []


def source_matches(entries: tuple[Entry, ...], query: str) -> set[int]:
    """Entries whose source article holds ``query``; each article is read once."""
    from briefing_reader.library.search import text_spans

    found: set[int] = set()
    holds: dict[tuple[str, str], bool] = {}
    folders: dict[str, Path] = {}
    for number, entry in enumerate(entries):
        if entry.source is None:
            continue
        parent = os.path.dirname(entry.path)
        if parent not in folders:
            folders[parent] = Path(parent).resolve()
        key = (entry.source, parent)
        if key not in holds:
            holds[key] = bool(text_spans(_article(entry.source, folders[parent]), query))
        if holds[key]:
            found.add(number)
    return found


def _article(path: str, folder: Path) -> str:
    """A source article's text to search; one the source policy refuses holds nothing.

    ``path`` comes from the index cache, which is never believed: the article must still
    lie inside its briefing's ``folder`` once links are resolved, as the policy asks, or a
    tampered cache could make a search read any file the user can.
    """
    from briefing_reader.checks.sources import article_text

    article = Path(path).resolve()
    if not article.is_relative_to(folder):
        return ""
    try:
        return article_text(article)
    except (OSError, ValueError):  # ValueError: SourceError
        return ""
