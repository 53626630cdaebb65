"""The library: every briefing in some folders, filtered, searched and opened from one list.

The screen composes, routes and draws: what the library does (index, view, read marks,
search, reloads) is a :class:`~briefing_reader.library.session.LibrarySession`, with no
Textual, and the list only draws its view. Indexing, searching and reloading run the
session's blocking work on worker threads, so keys work while they do. The reader opened
from here tells this screen what it shows by messages (:mod:`briefing_reader.tui.messages`).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from textual import events, work
from textual.app import ComposeResult
from textual.containers import Container, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Input, Static

from briefing_reader.keys import LIBRARY
from briefing_reader.library.index import Entry, Index
from briefing_reader.library.session import STATUS_SEPARATOR, LibrarySession, ReadChange
from briefing_reader.library.view import LibraryView
from briefing_reader.text import clean_name
from briefing_reader.tui import css
from briefing_reader.tui.keys import bindings, opens_a_field
from briefing_reader.tui.messages import BriefingShown, FileChanged, ToggleRead
from briefing_reader.tui.widgets.footer import CompactFooter
from briefing_reader.tui.widgets.library_lines import FilterLine, LibrarySearchLine
from briefing_reader.tui.widgets.library_list import LibraryList
from briefing_reader.tui.widgets.preview import Preview

# The preview takes 45% of the width: narrower than this, the list would lose its subject,
# period and date columns (or most of the title) to it, so the list is shown alone.
PREVIEW_FROM = 160
# The filter and search lines wait for the whole list on a warm start (see on_mount), this
# long at most; a key that shows one before they come waits for them.
LINES_AFTER_S = 0.5

logger = logging.getLogger(__name__)

if TYPE_CHECKING:
    from textual.widget import AwaitMount

    from briefing_reader.library.session import Found, Rebuilt
    from briefing_reader.library.state import ReadState
    from briefing_reader.library.watch import Change
    from briefing_reader.loading import Loaded
    from briefing_reader.tui.screens.briefing import BriefingScreen


class LibraryScreen(Screen[None]):
    """The list of briefings, and beside it (when wide) a preview of the highlighted one."""

    BINDINGS = bindings(LIBRARY)
    # Read when first shown, where the app opened on the other screen (see tui/css.py).
    CSS_PATH = css.LIBRARY
    # The list, not Textual's first focusable widget (the hidden filter line): the footer
    # shows the keys of what has focus, and composed the filter's first, then the list's.
    AUTO_FOCUS = "#library-list"

    HELP_GROUP = "The library"

    def __init__(self, session: LibrarySession, *, watch: bool = True) -> None:
        """``watch``: follow the folders for files added, changed or removed."""
        super().__init__()
        self.session = session
        self.watch_folders = watch
        self._markable = False  # whether u applies to the highlighted entry
        self._lines: AwaitMount | None = None  # the filter and search lines' mount, once begun
        self._reader: BriefingScreen | None = None  # opened from the list, until it returns

    @property
    def view(self) -> LibraryView:
        return self.session.view

    @property
    def state(self) -> ReadState:
        return self.session.state

    @property
    def search_sources(self) -> bool:
        """Whether the next search reads the source articles too (ctrl+t in the field)."""
        return self.session.search_sources

    @search_sources.setter
    def search_sources(self, sources: bool) -> None:
        self.session.search_sources = sources

    def compose(self) -> ComposeResult:
        # Before the children mount, so that the first layout has the preview or not: set in
        # on_mount, the preview came in a second frame, its box and text ~5 KB at 200x60.
        self._apply_size(self.app.size.width)
        with Container(id="library"):
            with Vertical(id="library-side"):
                yield Static(self._status(), id="library-status")
                # The filter and search lines come after the first frame: see _mount_lines.
                yield LibraryList(self.view, id="library-list")
            yield Preview(id="library-preview")
        yield CompactFooter(compact=True)

    @property
    def list(self) -> LibraryList:
        return self.query_one(LibraryList)

    def on_mount(self) -> None:
        # At once, not Widget.focus's later: that came after the first frame, and the list's
        # border and title were sent a second time, focused.
        self.set_focus(self.list, scroll_visible=False)
        after_first_frame = getattr(self.app, "after_first_frame", self.call_after_refresh)
        after_first_frame(self.session.first_frame_drawn)
        # In the first frame: the cached first screenful. The prefetch decodes the rest of
        # the index once that frame is out (see Prefetch.drawn): decoding, sorting and
        # listing 10,000 entries before it held a warm start's first titles back. A small
        # index has come whole (listed at once); a bigger one that has is listed a refresh
        # later, in its own columns.
        index = self.session.prefetched()
        told = self.session.told()
        if index is not None and told and len(told) < len(index):
            self._partial(told, index.columns())
            self.call_after_refresh(self._indexed, index)
            return
        if index is not None:
            self._indexed(index)
            return
        if told:  # the cached first screenful; the rest comes after the first frame
            self._partial(told)
            # After the whole list (see _indexed), which then comes that much sooner; at
            # the latest LINES_AFTER_S after the first frame, should the rest be slow.
            self.set_timer(LINES_AFTER_S, self._mount_lines)
        else:
            self.call_after_refresh(self._mount_lines)
        self._load_index()

    def on_resize(self, event: events.Resize) -> None:
        was_wide = self.has_class("-wide")
        self._apply_size(event.size.width)
        if self.has_class("-wide") and not was_wide and self.session.index is not None:
            self._show_preview(self.list.current)  # not kept up to date while hidden

    def _apply_size(self, width: int) -> None:
        self.set_class(width >= PREVIEW_FROM, "-wide")

    # --- indexing --------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="index", exit_on_error=False)
    def _load_index(self) -> None:
        def progress(done: int, total: int) -> None:
            self.app.call_from_thread(self._progress, done, total)

        def partial(entries: Sequence[Entry]) -> None:
            self.app.call_from_thread(self._partial, entries)

        index = self.session.load_index(progress, partial)
        if index is not None:  # None: closing
            self.app.call_from_thread(self._indexed, index)

    def _progress(self, done: int, total: int) -> None:
        self.session.progress(done, total)
        # Only the count moved: repainting every row of the list each second of a cold
        # start took the core the workers parse on.
        self._update_status(rows=False)

    def _partial(self, entries: Sequence[Entry], columns: tuple[int, int] | None = None) -> None:
        """Titles before the index is complete; the cursor keeps its briefing meanwhile.
        ``columns``: the whole library's (see LibrarySession.add_partial)."""
        keep = self._kept_path()
        if self.session.add_partial(entries, columns):
            self.list.refresh_rows(keep_path=keep, at_top=keep is None)
            self._update_status()
            self._reader_follows()
            after_frame = getattr(self.app, "after_frame", self.call_after_refresh)
            after_frame(self.session.titles_shown)

    def _reader_follows(self) -> None:
        """A reader opened from this list steps through it as it is now (see follow)."""
        if self._reader is not None:
            self._reader.follow(self.session.listed_briefings())

    def _kept_path(self) -> str | None:
        """The briefing the cursor must stay on as the list re-sorts: the one the user moved
        to. On the first row, the first row stays (the newest, once they have all come)."""
        current = self.list.current
        return current.path if current is not None and self.list.cursor > 0 else None

    def _indexed(self, index: Index) -> None:
        keep = self._kept_path()
        self.session.set_index(index)
        if self.session.reload_due:  # files changed while the index was read
            self._rebuild(self.session.take_reload(), loading=True)
        self.list.refresh_rows(keep_path=keep, at_top=keep is None)
        self._update_status()
        self._reader_follows()
        self.call_after_refresh(self._mount_lines)  # mounted once
        # After the full list is drawn: the preview parses a briefing (and so first imports
        # the YAML loader), which would hold up that frame.
        self.call_after_refresh(lambda: self._show_preview(self.list.current))
        loaded = getattr(self.app, "library_loaded", None)
        if loaded is not None:
            loaded.set()
        if self.watch_folders and self.session.watcher is None:
            # After the full list is on screen: starting the watch costs a few milliseconds.
            self.call_after_refresh(self._start_watching)

    def _status(self) -> Content:
        status = self.session.status()
        if status.indexing is not None:
            return Content.styled(status.indexing, "$text-muted")
        parts: list[str | tuple[str, str]] = [
            (status.count, "bold"),
            *(clean_name(detail) for detail in status.details),  # a tag may come from the cache
            (status.sort, "$text-muted"),
        ]
        joined: list[str | tuple[str, str]] = []
        for part in parts:
            if joined:
                joined.append((STATUS_SEPARATOR, "$text-muted"))
            joined.append(part)
        return Content.assemble(*joined)

    def _update_status(self, *, rows: bool = True) -> None:
        """The status line again, and the list's rows unless ``rows`` is False (then only
        an empty list whose message changed)."""
        # One line high whatever it says: no layout of the screen for a new count.
        self.query_one("#library-status", Static).update(self._status(), layout=False)
        listing = self.list
        empty = self.session.empty_message()
        if empty is not None and empty != listing.empty_message:
            listing.empty_message = empty
            listing.refresh()
        elif rows:
            if empty is not None:
                listing.empty_message = empty
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
            # After the frame that shows the cursor's move (or the first titles): the load
            # imports the loader and parses in a thread that holds the interpreter's lock,
            # and began before the first frame, which then came ~50 ms later.
            self.call_after_refresh(self._load_preview, entry)

    @work(thread=True, exclusive=True, group="preview", exit_on_error=False)
    def _load_preview(self, entry: Entry) -> None:
        loaded = self.session.check(entry)
        self.app.call_from_thread(self._preview_loaded, entry, loaded)

    def _preview_loaded(self, entry: Entry, loaded: Loaded) -> None:
        current = self.list.current
        if current is not None and current.path == entry.path:
            self.query_one(Preview).show(entry, loaded)

    def on_library_list_selected(self, message: LibraryList.Selected) -> None:
        self.open_at(message.position)

    def open_at(self, position: int, *, first_hit: bool = False) -> None:
        from briefing_reader.tui.screens.briefing import BriefingScreen  # see BriefingApp

        session = self.session
        screen = BriefingScreen(
            session.listed_briefings(), index=position, library=session, files=session.files
        )
        if first_hit:
            screen.show_first_hit()
        self._reader = screen
        self.app.push_screen(screen, callback=self._returned)

    def _returned(self, path: str | None) -> None:
        self._reader = None
        self.session.closed()
        self.list.refresh_rows(keep_path=path)
        self.list.focus()

    # --- what the reader tells (messages) --------------------------------------------------

    def on_briefing_shown(self, message: BriefingShown) -> None:
        current = self.list.current
        self._read_changed(self.session.opened(message.path, message.briefing_id), current)

    def on_toggle_read(self, message: ToggleRead) -> None:
        change = self.session.toggle_read(message.briefing_id)
        self._read_changed(change, self.list.current)
        self.notify(f"Marked {'read' if change.read else 'unread'}.", timeout=2)

    def _read_changed(self, change: ReadChange, current: Entry | None) -> None:
        """Say a failed save, and redraw the list on ``current`` (the cursor's entry before)."""
        if change.warning is not None:
            self.notify(change.warning, severity="warning", markup=False)
        if change.changed:
            self.list.refresh_rows(keep_path=current.path if current else None)

    def _relist(self, change: Callable[[], object]) -> None:
        """Apply ``change`` to the view and redraw the list, the cursor on the same briefing."""
        current = self.list.current
        change()
        self.list.refresh_rows(keep_path=current.path if current else None)

    # --- keys ------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("filter", "search"):
            return opens_a_field(self)
        if action == "next_match":
            return bool(self.session.matches)
        if action == "clear":
            return self.view.filtered or bool(self.session.search_query)
        if action == "toggle_read":
            entry = self.list.current if self.is_mounted else None
            return entry is not None and entry.id is not None
        return True

    # --- the filter and search lines -------------------------------------------------------

    def _mount_lines(self) -> AwaitMount | None:
        """Mount the filter and search lines (hidden until their keys show them), once;
        None when this screen is going away (q or a signal as the first frame came).

        After the first frame, not composed with the list: two Inputs, their styles and
        Input's rules were ~6 ms of a warm start's first frame, for lines nobody sees yet.
        A key that shows one before they are mounted waits for them (_lines_mounted).
        """
        if self._lines is None:
            side = self.query_one("#library-side")
            if not side.is_attached:
                return None
            self._lines = side.mount(
                # Not select_on_focus: text pasted at the list must not be typed over.
                FilterLine(
                    placeholder="filter: title, subject, tags, id",
                    id="library-filter",
                    select_on_focus=False,
                ),
                # select_on_focus: the last query comes back selected, to edit or type over.
                LibrarySearchLine(
                    placeholder=_search_placeholder(self.search_sources), id="library-search"
                ),
                before=self.list,
            )
        return self._lines

    async def _lines_mounted(self) -> bool:
        """Whether the lines are there to show (after waiting for them if need be).

        Awaited in the key's binding, which the app runs before it hands on the next key
        (see tui.keys.opens_a_field): keys typed meanwhile wait, then go to the line.
        """
        # A key typed ahead may come before this screen has composed its list: wait for it
        # (as Textual's own AwaitMount waits for a widget).
        await self._mounted_event.wait()
        lines = self._mount_lines()
        if lines is None:
            return False
        await lines
        return True

    async def action_filter(self, initial: str = "") -> None:
        if not await self._lines_mounted():
            return
        field = self.query_one("#library-filter", Input)
        field.add_class("-shown")
        if initial:
            field.value = field.value + initial
            field.cursor_position = len(field.value)
        self.set_focus(field)  # at once: Widget.focus would wait behind keys already come

    async def on_library_list_pasted(self, message: LibraryList.Pasted) -> None:
        # Pasted text is something to find, never a run of commands (q, g, o, u...).
        await self.action_filter(message.text)

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
        field.placeholder = _search_placeholder(self.search_sources)
        field.border_title = "and sources" if self.search_sources else None

    def _clear_filter(self) -> None:
        for field in self.query("#library-filter").results(Input):  # a tag's filter has none
            field.remove_class("-shown")
            with field.prevent(Input.Changed):
                field.value = ""
        self._relist(self.view.clear_filter)
        self._update_status()

    def action_clear(self) -> None:
        if self.view.filtered:
            self._clear_filter()
        elif self.session.search_query:
            self.session.clear_search()
            self._update_status()
        self.list.focus()

    def action_sort(self) -> None:
        self._relist(self.view.cycle_sort)
        self._update_status()

    def action_toggle_read(self) -> None:
        entry = self.list.current
        if entry is not None and entry.id is not None:
            self._read_changed(self.session.toggle_read(entry.id), entry)

    def set_tag(self, tag: str | None) -> None:
        """Show only the briefings with ``tag`` (from the command palette's tag facets)."""
        self._relist(lambda: self.view.set_tag(tag))
        self._update_status()
        self.list.focus()

    # --- full-text search ------------------------------------------------------------------

    async def action_search(self) -> None:
        if not await self._lines_mounted():
            return
        field = self.query_one("#library-search", Input)
        field.add_class("-shown")
        self.set_focus(field)  # at once, as in action_filter

    def _run_search(self, query: str) -> None:
        field = self.query_one("#library-search", Input)
        field.remove_class("-shown")
        self.list.focus()
        if not query.strip() or self.session.index is None:
            return
        self.session.searching = query.strip()
        self._update_status(rows=False)
        self._search_worker(query.strip(), self.search_sources)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def _search_worker(self, query: str, sources: bool) -> None:
        found: Found | None = None
        try:
            found = self.session.search(query, sources)
        finally:  # the status says "searching" until this search is over, found or not
            with contextlib.suppress(RuntimeError):  # the app is closing
                self.app.call_from_thread(self._searched, query, found)

    def _searched(self, query: str, found: Found | None) -> None:
        if self.session.searching == query:  # not a newer search's
            self.session.searching = None
            self._update_status(rows=False)
        if found is None or not self.session.apply_search(found):
            return  # the library changed meanwhile; the user can search again
        self._update_status()
        self.refresh_bindings()  # n and N now have somewhere to go
        if not self.session.matches:
            self.notify(f"Not found: {found.query}", severity="warning", markup=False)
            return
        current = self.list.current
        self._open_match(self.session.first_match(current.path if current else None))

    def action_next_match(self, step: int) -> None:
        current = self.list.current
        if current is not None:
            self._open_match(self.session.next_match(current.path, step))

    def _open_match(self, path: str | None) -> None:
        position = self.view.position_of(path) if path is not None else None
        if position is not None:
            self.list.refresh_rows(keep_path=path)
            self.open_at(position, first_hit=True)

    # --- live reload -----------------------------------------------------------------------

    def _start_watching(self) -> None:
        self.session.watch(self._changes_from_thread)

    def _changes_from_thread(self, changes: Sequence[Change]) -> None:
        with contextlib.suppress(RuntimeError):  # the app is closing
            self.app.call_from_thread(self._reload, changes)

    def on_unmount(self) -> None:
        self.session.close()

    def _reload(self, changes: Sequence[Change]) -> None:
        """Take in changed files; they are read on a worker, one rebuild at a time."""
        if self.session.queue_reload(changes):
            self._rebuild(self.session.take_reload(), loading=self.session.index is None)

    @work(thread=True, group="reload", exit_on_error=False)
    def _rebuild(self, changes: Sequence[Change], *, loading: bool) -> None:
        """``loading``: told before the index came, or read again once it did (see
        :meth:`_reloaded`)."""
        try:
            rebuilt = self.session.rebuild(changes)
        except Exception:
            # Still end the rebuild, or every later change would wait behind it for good.
            logger.debug("reload of %d files failed", len(changes), exc_info=True)
            rebuilt = {}
        self.app.call_from_thread(self._reloaded, rebuilt, loading)

    def _reloaded(self, rebuilt: Rebuilt, loading: bool) -> None:
        # Files read again as the list loads settle it as the index does: on the first row,
        # the first row stays. Keeping the briefing there left the cursor on the second row
        # when a file the index read mid-save (broken, sorted low) came back newest.
        if loading:
            keep = self._kept_path()
        else:
            current = self.list.current
            keep = current.path if current is not None else None
        result = self.session.apply_reload(rebuilt)
        if self.session.reload_due:  # changes told meanwhile: read them now
            self._rebuild(self.session.take_reload(), loading=loading or self.session.index is None)
        if result is None:
            return  # not indexed yet: the index will have them
        self.list.refresh_rows(keep_path=keep, at_top=loading and keep is None)
        self._update_status()
        self._reader_follows()
        self._show_preview(self.list.current)
        if result.open_removed:
            self.notify("This briefing's file was removed.", severity="warning")
        elif result.open_changed and self.session.open_path is not None:
            self.app.post_message(FileChanged(self.session.open_path))
        reloaded = getattr(self.app, "library_reloaded", None)
        if reloaded is not None:
            reloaded(rebuilt)


def _search_placeholder(sources: bool) -> str:
    """What the empty search line says it searches, and what ctrl+t changes that to."""
    if sources:
        return "search every field and the source articles (ctrl+t: fields only)"
    return "search every field (ctrl+t: the source articles too)"
