"""The library: every briefing in some folders, filtered, searched and opened from one list.

The screen coordinates; the model of what is listed is
:class:`~briefing_reader.library.view.LibraryView` (no Textual), the list only draws it.
Indexing, searching and reloading run on worker threads, so keys work while they do.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events, work
from textual.app import ComposeResult
from textual.containers import Container, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from briefing_reader.keys import LIBRARY
from briefing_reader.library.index import Entry, Index, build_entry_and_text
from briefing_reader.library.state import ReadState
from briefing_reader.library.view import SORT_NAMES, LibraryView
from briefing_reader.tui.keys import bindings
from briefing_reader.tui.screens.briefing import BriefingScreen
from briefing_reader.tui.widgets.library_lines import FilterLine, LibrarySearchLine
from briefing_reader.tui.widgets.library_list import LibraryList
from briefing_reader.tui.widgets.preview import Preview

# The preview takes 45% of the width: narrower than this, the list would lose its subject,
# period and date columns (or most of the title) to it, so the list is shown alone.
PREVIEW_FROM = 160

if TYPE_CHECKING:
    from briefing_reader.library.prefetch import Prefetch
    from briefing_reader.library.search import TextSearch
    from briefing_reader.library.watch import Change
    from briefing_reader.loading import Loaded


class LibraryScreen(Screen[None]):
    """The list of briefings, and beside it (when wide) a preview of the highlighted one."""

    BINDINGS = bindings(LIBRARY)

    HELP_GROUP = "The library"

    def __init__(
        self,
        folders: list[Path],
        state: ReadState,
        *,
        use_cache: bool = True,
        watch: bool = True,
        index_workers: int | None = None,
        prefetch: Prefetch | None = None,
    ) -> None:
        super().__init__()
        self.prefetch = prefetch
        self.folders = folders
        self.state = state
        self.use_cache = use_cache
        self.watch_folders = watch
        self.index_workers = index_workers
        self.view = LibraryView(is_read=state.is_read)
        self.index: Index | None = None
        self.indexing: tuple[int, int] | None = (0, 0)
        self.search_query: str | None = None
        self.search_sources = False
        self._search: TextSearch | None = None
        self._matches: list[str] = []  # paths with a search match, in list order
        self._briefing: BriefingScreen | None = None
        self._save_warned = False
        self._markable = False  # whether u applies to the highlighted entry
        self._closing = False
        self._watcher: object | None = None

    def compose(self) -> ComposeResult:
        with Container(id="library"):
            with Vertical(id="library-side"):
                yield Static(self._status(), id="library-status")
                # Not select_on_focus: text pasted at the list must not be typed over.
                yield FilterLine(
                    placeholder="filter: title, subject, tags, id",
                    id="library-filter",
                    select_on_focus=False,
                )
                # select_on_focus: the last query comes back selected, to edit or type over.
                yield LibrarySearchLine(
                    placeholder="search every field (ctrl+t: the source articles too)",
                    id="library-search",
                )
                yield LibraryList(self.view, id="library-list")
            yield Preview(id="library-preview")
        yield Footer(compact=True)

    @property
    def list(self) -> LibraryList:
        return self.query_one(LibraryList)

    def on_mount(self) -> None:
        self._apply_size(self.app.size.width)
        self.list.focus()
        if self.prefetch is not None:
            self.call_after_refresh(self.prefetch.may_decode.set)
        self._load_index()

    def on_resize(self, event: events.Resize) -> None:
        was_wide = self.has_class("-wide")
        self._apply_size(event.size.width)
        if self.has_class("-wide") and not was_wide and self.index is not None:
            self._show_preview(self.list.current)  # not kept up to date while hidden

    def _apply_size(self, width: int) -> None:
        self.set_class(width >= PREVIEW_FROM, "-wide")

    # --- indexing --------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="index", exit_on_error=False)
    def _load_index(self) -> None:
        def progress(done: int, total: int) -> None:
            self.app.call_from_thread(self._progress, done, total)

        prefetch = self.prefetch
        index = prefetch.wait(progress) if prefetch is not None else None
        if self._closing:
            return
        if index is None:  # no child process, or it failed: index here
            index = Index.load(
                self.folders,
                use_cache=self.use_cache,
                workers=self.index_workers,
                progress=progress,
            )
        self.app.call_from_thread(self._indexed, index)

    def _progress(self, done: int, total: int) -> None:
        self.indexing = (done, total)
        self._update_status()

    def _indexed(self, index: Index) -> None:
        self.index = index
        self.indexing = None
        self._search = None
        self.view.set_entries(index.entries)
        self.list.refresh_rows()
        self._update_status()
        # After the full list is drawn: the preview parses a briefing (and so first imports
        # the YAML loader), which would hold up that frame.
        self.call_after_refresh(lambda: self._show_preview(self.list.current))
        loaded = getattr(self.app, "library_loaded", None)
        if loaded is not None:
            loaded.set()
        if self.watch_folders and self._watcher is None:
            # After the full list is on screen: starting the watch costs a few milliseconds.
            self.call_after_refresh(self._start_watching)

    def _status(self) -> Content:
        if self.indexing is not None:
            done, total = self.indexing
            text = f"indexing {done:,} / {total:,}" if total else "indexing\u2026"
            return Content.styled(text, "$text-muted")
        view = self.view
        if view.filtered:
            count = f"{len(view):,} / {view.total:,}"
        else:
            count = f"{view.total:,} briefing{'s' if view.total != 1 else ''}"
        parts: list[str | tuple[str, str]] = [(count, "bold")]
        if view.tag:
            parts.append(f"tag: {view.tag}")
        if self.search_query:
            where = " (and sources)" if self.search_sources else ""
            parts.append(f"search{where}: {self.search_query} \u2014 {len(self._matches):,} found")
        parts.append((SORT_NAMES[view.sort], "$text-muted"))
        joined: list[str | tuple[str, str]] = []
        for part in parts:
            if joined:
                joined.append(("  \u00b7  ", "$text-muted"))
            joined.append(part)
        return Content.assemble(*joined)

    def _update_status(self) -> None:
        self.query_one("#library-status", Static).update(self._status())
        listing = self.list
        if self.indexing is not None:
            listing.empty_message = "Reading the briefings\u2026 keys work meanwhile."
        elif not self.view.total:
            where = ", ".join(str(folder) for folder in self.folders)
            listing.empty_message = f"No briefings in {where} yet: *.yaml files added show up here."
        elif not len(self.view):
            listing.empty_message = "Nothing matches. escape clears the filter."
        listing.refresh()

    # --- the list and the preview ----------------------------------------------------------

    def on_library_list_highlighted(self, message: LibraryList.Highlighted) -> None:
        self._show_preview(message.entry)
        markable = message.entry is not None and message.entry.id is not None
        if markable != self._markable:
            # u is offered only on a briefing with an id; redrawing the footer on every
            # cursor move would cost more than the move itself.
            self._markable = markable
            self.refresh_bindings()

    def _show_preview(self, entry: Entry | None) -> None:
        if not self.has_class("-wide"):
            return
        preview = self.query_one(Preview)
        preview.show(entry)
        if entry is not None and entry.id is not None:
            self._load_preview(entry)

    @work(thread=True, exclusive=True, group="preview", exit_on_error=False)
    def _load_preview(self, entry: Entry) -> None:
        from briefing_reader.checks.validate import check_file

        loaded = check_file(Path(entry.path))
        self.app.call_from_thread(self._preview_loaded, entry, loaded)

    def _preview_loaded(self, entry: Entry, loaded: Loaded) -> None:
        current = self.list.current
        if current is not None and current.path == entry.path:
            self.query_one(Preview).show(entry, loaded)

    def on_library_list_selected(self, message: LibraryList.Selected) -> None:
        self.open_at(message.position)

    def open_at(self, position: int, *, first_hit: bool = False) -> None:
        from briefing_reader.library.entries import LazyBriefings

        paths = [self.view.entries[i].path for i in self.view.order]
        screen = BriefingScreen(LazyBriefings(paths), index=position, library=self)
        if first_hit:
            screen.show_first_hit()
        self._briefing = screen
        self.app.push_screen(screen, callback=self._returned)

    def _returned(self, path: str | None) -> None:
        self._briefing = None
        self.list.refresh_rows(keep_path=path)
        self.list.focus()

    # --- what the briefing screen asks (LibraryLink) ---------------------------------------

    def briefing_shown(self, loaded: Loaded) -> None:
        if loaded.briefing is not None and not self.state.is_read(loaded.briefing.id):
            self.state.mark(loaded.briefing.id, True)
            self._read_changed()

    def toggle_read(self, loaded: Loaded) -> None:
        if loaded.briefing is not None:
            now = self._toggle_read(loaded.briefing.id)
            self.notify(f"Marked {'read' if now else 'unread'}.", timeout=2)

    def _toggle_read(self, briefing_id: str) -> bool:
        """Flip one briefing's read mark, save it and show it; whether it is read now."""
        now = not self.state.is_read(briefing_id)
        self.state.mark(briefing_id, now)
        self._read_changed()
        return now

    def _read_changed(self) -> None:
        try:
            self.state.save()
        except OSError as exc:
            if not self._save_warned:  # once: the marks still hold for this session
                self._save_warned = True
                self.notify(f"Could not save read marks: {exc}", severity="warning", markup=False)
        self._relist(self.view.read_changed)

    def _relist(self, change: Callable[[], object]) -> None:
        """Apply ``change`` to the view and redraw the list, the cursor on the same briefing."""
        current = self.list.current
        change()
        self.list.refresh_rows(keep_path=current.path if current else None)

    def next_match(self, path: str, step: int) -> str | None:
        if not self._matches:
            return None
        if path in self._matches:
            position = self._matches.index(path) + step
        else:
            # From an entry without a match: the first match after (or before) it in the list.
            listed = self.view.position_of(path) or 0
            positions = {self.view.position_of(p): p for p in self._matches}
            after = sorted(p for p in positions if p is not None and p > listed)
            before = sorted(p for p in positions if p is not None and p < listed)
            if step > 0:
                return positions[(after or before)[0]] if after or before else None
            return positions[(before or after)[-1]] if before or after else None
        return self._matches[position % len(self._matches)]

    # --- keys ------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next_match":
            return bool(self._matches)
        if action == "clear":
            return self.view.filtered or bool(self.search_query)
        if action == "toggle_read":
            entry = self.list.current if self.is_mounted else None
            return entry is not None and entry.id is not None
        return True

    def action_filter(self, initial: str = "") -> None:
        field = self.query_one("#library-filter", Input)
        field.add_class("-shown")
        if initial:
            field.value = field.value + initial
            field.cursor_position = len(field.value)
        field.focus()

    def on_library_list_pasted(self, message: LibraryList.Pasted) -> None:
        # Pasted text is something to find, never a run of commands (q, g, o, u...).
        self.action_filter(message.text)

    def on_input_changed(self, message: Input.Changed) -> None:
        if message.input.id == "library-filter":
            if message.value.strip():
                self.view.set_query(message.value)
                self.list.refresh_rows(at_top=True)  # on the best match, as it changes
            else:  # emptied: every briefing, the cursor staying on the one it was on
                self._relist(lambda: self.view.set_query(""))
            self._update_status()

    def on_input_submitted(self, message: Input.Submitted) -> None:
        if message.input.id == "library-filter":
            self.list.focus()
            if self.view.query and len(self.view):
                # The best match, where the cursor is; once the list has the focus, so the
                # reader opens as from the list (its first pane focused) and returns to it.
                self.call_after_refresh(lambda: self.open_at(self.list.cursor))
        elif message.input.id == "library-search":
            self._run_search(message.value)

    # The input lines' own keys (bindings of theirs, so [keys] remaps them).

    def on_filter_line_cleared(self, message: FilterLine.Cleared) -> None:
        message.stop()
        self._clear_filter()
        self.list.focus()

    def on_filter_line_left(self, message: FilterLine.Left) -> None:
        message.stop()
        self.list.focus()

    def on_library_search_line_cancelled(self, message: LibrarySearchLine.Cancelled) -> None:
        message.stop()
        field = self.query_one("#library-search", Input)
        field.remove_class("-shown")
        field.value = ""
        self.list.focus()

    def on_library_search_line_sources_toggled(
        self, message: LibrarySearchLine.SourcesToggled
    ) -> None:
        message.stop()
        field = self.query_one("#library-search", Input)
        self.search_sources = not self.search_sources
        field.placeholder = (
            "search every field and the source articles (ctrl+t: fields only)"
            if self.search_sources
            else "search every field (ctrl+t: the source articles too)"
        )
        field.border_title = "and sources" if self.search_sources else None

    def _clear_filter(self) -> None:
        field = self.query_one("#library-filter", Input)
        field.remove_class("-shown")
        with field.prevent(Input.Changed):
            field.value = ""
        self._relist(self.view.clear_filter)
        self._update_status()

    def action_clear(self) -> None:
        if self.view.filtered:
            self._clear_filter()
        elif self.search_query:
            self.search_query = None
            self._matches = []
            self._update_status()
        self.list.focus()

    def action_sort(self) -> None:
        self._relist(self.view.cycle_sort)
        self._update_status()

    def action_toggle_read(self) -> None:
        entry = self.list.current
        if entry is not None and entry.id is not None:
            self._toggle_read(entry.id)

    def set_tag(self, tag: str | None) -> None:
        """Show only the briefings with ``tag`` (from the command palette's tag facets)."""
        self._relist(lambda: self.view.set_tag(tag))
        self._update_status()
        self.list.focus()

    # --- full-text search ------------------------------------------------------------------

    def action_search(self) -> None:
        field = self.query_one("#library-search", Input)
        field.add_class("-shown")
        field.focus()

    def _run_search(self, query: str) -> None:
        field = self.query_one("#library-search", Input)
        field.remove_class("-shown")
        self.list.focus()
        if not query.strip() or self.index is None:
            return
        self._search_worker(query.strip(), self.search_sources)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def _search_worker(self, query: str, sources: bool) -> None:
        from briefing_reader.library.search import TextSearch

        index = self.index
        assert index is not None
        if self._search is None:
            self._search = TextSearch(index.texts())
        found = set(self._search.entries(query))
        if sources:
            found |= _source_matches(index.entries, query)
        self.app.call_from_thread(self._searched, index, query, sources, found)

    def _searched(self, index: Index, query: str, sources: bool, found: set[int]) -> None:
        if index is not self.index:
            return  # the library changed meanwhile; the user can search again
        entries = self.view.entries
        paths = {index.entries[i].path for i in found}
        self._matches = [entries[i].path for i in self.view.order if entries[i].path in paths]
        self.search_query = query
        self.search_sources = sources
        self._update_status()
        self.refresh_bindings()  # n and N now have somewhere to go
        if not self._matches:
            self.notify(f"Not found: {query}", severity="warning", markup=False)
            return
        current = self.list.current
        start = current.path if current else self._matches[0]
        first = start if start in self._matches else self.next_match(start, 1)
        position = self.view.position_of(first or self._matches[0])
        if position is not None:
            self.list.refresh_rows(keep_path=first)
            self.open_at(position, first_hit=True)

    def action_next_match(self, step: int) -> None:
        current = self.list.current
        if current is None:
            return
        target = self.next_match(current.path, step)
        if target is None:
            return
        position = self.view.position_of(target)
        if position is not None:
            self.list.refresh_rows(keep_path=target)
            self.open_at(position, first_hit=True)

    # --- live reload -----------------------------------------------------------------------

    def _start_watching(self) -> None:
        from briefing_reader.library.watch import FolderWatcher

        folders = [folder for folder in self.folders if folder.is_dir()]
        if not folders:
            return
        watcher = FolderWatcher(folders, self._changes_from_thread)
        if watcher.start():
            self._watcher = watcher

    def _changes_from_thread(self, changes: list[Change]) -> None:
        with contextlib.suppress(RuntimeError):  # the app is closing
            self.app.call_from_thread(self._reload, changes)

    def on_unmount(self) -> None:
        self._closing = True
        if self.prefetch is not None:
            self.prefetch.cancel()
        watcher = self._watcher
        if watcher is not None:
            watcher.stop()  # type: ignore[attr-defined]

    @work(thread=True, group="reload", exit_on_error=False)
    def _reload(self, changes: list[Change]) -> None:
        from briefing_reader.library.watch import settled

        rebuilt: dict[str, tuple[Entry, str] | None] = {}
        for change in changes:
            name = str(change.path)
            if change.kind == "deleted" or not change.path.exists():
                rebuilt[name] = None
                continue
            entry, text = build_entry_and_text(change.path)
            if entry.error_count and settled(change.path):
                # Perhaps caught mid-write: once it has settled, read it once more.
                entry, text = build_entry_and_text(change.path)
            rebuilt[name] = (entry, text)
        self.app.call_from_thread(self._reloaded, rebuilt)

    def _reloaded(self, rebuilt: dict[str, tuple[Entry, str] | None]) -> None:
        if self.index is None:
            return
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
        index = self.index
        self._relist(lambda: self.view.set_entries(index.entries))
        self._update_status()
        self._show_preview(self.list.current)
        briefing = self._briefing
        if briefing is not None and str(briefing.loaded.path) in rebuilt:
            if rebuilt[str(briefing.loaded.path)] is None:
                self.notify("This briefing's file was removed.", severity="warning")
            else:
                briefing.reload_current()
        reloaded = getattr(self.app, "library_reloaded", None)
        if reloaded is not None:
            reloaded(rebuilt)


def _source_matches(entries: tuple[Entry, ...], query: str) -> set[int]:
    """Entries whose source article holds ``query``; each article is read once."""
    from briefing_reader.checks.validate import MAX_SOURCE_BYTES
    from briefing_reader.library.search import text_spans

    found: set[int] = set()
    holds: dict[str, bool] = {}
    for number, entry in enumerate(entries):
        if entry.source is None:
            continue
        if entry.source not in holds:
            try:
                with open(entry.source, "rb") as handle:
                    text = handle.read(MAX_SOURCE_BYTES).decode("utf-8-sig", errors="replace")
            except OSError:
                text = ""
            holds[entry.source] = bool(text_spans(text, query))
        if holds[entry.source]:
            found.add(number)
    return found
