"""The library's list: one line per briefing, drawn only where it is visible.

A list of 10,000 widgets (or OptionList options, rebuilt per filter keystroke) costs seconds;
this widget holds no per-row objects at all. It renders rows on demand from the
:class:`~briefing_reader.library.view.LibraryView` (Textual's line API), so moving the
cursor repaints two lines and filtering repaints one screenful, whatever the library's size.

Every text drawn passes through :func:`~briefing_reader.text.clean_name` here, at render
time: rows come from file names and from the index cache as well as from the loader, and
a name or a tampered cache must not reach the terminal as escape sequences.
"""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from briefing_reader.keys import LIBRARY_LIST
from briefing_reader.library.index import Entry
from briefing_reader.library.view import FIELDS, LibraryView, shown_date
from briefing_reader.text import clean_name
from briefing_reader.tui.keys import bindings

CURSOR = "\u258c"  # ▌
UNREAD = "\u25cf"  # ●
PROBLEM = "\u26a0"  # ⚠
ELLIPSIS = "\u2026"
UNDATED = "undated"
DATE_WIDTH = 10  # YYYY-MM-DD
# Beyond these the subject and period columns cut their text: the title needs the room.
SUBJECT_MAX = 18
PERIOD_MAX = 10
# Columns are added (date, subject, period) only while the title keeps this many cells.
TITLE_MIN = 36
GAP = 2  # cells between columns
TITLE, SUBJECT = FIELDS.index("title"), FIELDS.index("subject")


class LibraryList(ScrollView, can_focus=True):
    """The rows of ``view.order``; the screen changes the view and calls :meth:`refresh_rows`."""

    COMPONENT_CLASSES = {
        "library-list--cursor",
        "library-list--unread",
        "library-list--problem",
        "library-list--muted",
        "library-list--match",
    }

    # Styled in app.tcss (the frame and focus look it shares with the panes) and library.tcss.

    BINDINGS = bindings(LIBRARY_LIST)

    HELP_GROUP = "The library list"

    # No repaint of the whole list (it drowned refresh_line's two rows): watch_cursor refreshes
    # the old and new cursor rows. Always: after a refresh_rows the same row may hold another
    # entry, which the preview must follow.
    cursor: reactive[int] = reactive(0, init=False, always_update=True, repaint=False)

    class Highlighted(Message):
        """The cursor is on another entry (or none): the preview follows."""

        def __init__(self, entry: Entry | None) -> None:
            super().__init__()
            self.entry = entry

    class Selected(Message):
        """``enter`` on an entry: open it."""

        def __init__(self, entry: Entry, position: int) -> None:
            super().__init__()
            self.entry = entry
            self.position = position

    class Pasted(Message):
        """Text pasted at the list: it goes to the filter, never to the keys it spells."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, view: LibraryView, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.view = view
        self.border_title = "Library"
        self._highlighted: str | None = None  # path of the entry last announced
        self._center = False  # the next cursor move scrolls it to the middle
        self.empty_message = ""  # shown when no row is: why the list is empty, what to do

    # --- state from the screen -------------------------------------------------------------

    def refresh_rows(self, keep_path: str | None = None, *, at_top: bool = False) -> None:
        """The view's order changed: resize, put the cursor on ``keep_path`` if still shown
        (or on the first row, ``at_top``)."""
        self.virtual_size = Size(self.size.width, len(self.view))
        position = self.view.position_of(keep_path) if keep_path is not None else None
        if at_top:
            position = 0
        elif position is None:
            position = min(self.cursor, max(0, len(self.view) - 1))
        self._set_cursor(position, center=keep_path is not None)
        self.refresh()

    @property
    def current(self) -> Entry | None:
        return self.view.entry_at(self.cursor)

    def _set_cursor(self, position: int, *, center: bool = False) -> None:
        self._center = center
        self.cursor = max(0, min(position, len(self.view) - 1)) if len(self.view) else 0

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh_line(old)
        self.refresh_line(new)
        self._scroll_to_cursor(self._center)
        self._center = False
        entry = self.current
        path = entry.path if entry else None
        if path != self._highlighted:
            self._highlighted = path
            self.post_message(self.Highlighted(entry))

    def _scroll_to_cursor(self, center: bool) -> None:
        height = self.scrollable_content_region.height or self.size.height
        if height <= 0:
            return
        top = self.scroll_offset.y
        if center and not (top <= self.cursor < top + height):
            self.scroll_to(y=max(0, self.cursor - height // 2), animate=False, immediate=True)
        elif self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(event.size.width, len(self.view))
        self._scroll_to_cursor(False)

    # --- keys ------------------------------------------------------------------------------

    def action_cursor(self, step: int) -> None:
        self._set_cursor(self.cursor + step)

    def action_first(self) -> None:
        self._set_cursor(0)

    def action_last(self) -> None:
        self._set_cursor(len(self.view) - 1)

    def action_page(self, direction: int) -> None:
        height = max(1, self.scrollable_content_region.height)
        self._set_cursor(self.cursor + direction * height)

    def action_select(self) -> None:
        entry = self.current
        if entry is not None:
            self.post_message(self.Selected(entry, self.cursor))

    def on_click(self, event: events.Click) -> None:
        """A click puts the cursor on its row; a double-click opens it, as enter does."""
        offset = event.get_content_offset(self)
        if offset is None:  # on the border or a scrollbar
            return
        row = offset.y + self.scroll_offset.y
        if not 0 <= row < len(self.view):
            return
        event.stop()
        self._set_cursor(row)
        if event.chain == 2:  # not again on a third click: one reader opens
            self.action_select()

    def on_paste(self, event: events.Paste) -> None:
        event.stop()
        text = " ".join(event.text.split())
        if text:
            self.post_message(self.Pasted(text))

    def on_focus(self) -> None:
        self.refresh_line(self.cursor)

    def on_blur(self) -> None:
        self.refresh_line(self.cursor)

    # --- drawing ---------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        row = y + self.scroll_offset.y
        width = self.scrollable_content_region.width or self.size.width
        entry = self.view.entry_at(row)
        base = self.rich_style
        if entry is None:
            if row == 0 and not len(self.view) and self.empty_message:
                muted = base + self.get_component_rich_style("library-list--muted")
                text = set_cell_size("   " + clean_name(self.empty_message), width)
                return Strip([Segment(text, muted)]).adjust_cell_length(width, base)
            return Strip.blank(width, base)
        segments = self._row_segments(entry, row, width, base)
        if row == self.cursor:
            # Only the cursor's background and weight: each part keeps its own colour.
            cursor = self.get_component_rich_style("library-list--cursor")
            over = Style(bgcolor=cursor.bgcolor, bold=cursor.bold, reverse=cursor.reverse)
            base += over
            segments = [Segment(s.text, (s.style or Style()) + over) for s in segments]
        return Strip(segments).adjust_cell_length(width, base)

    def _row_segments(self, entry: Entry, row: int, width: int, base: Style) -> list[Segment]:
        cursor = row == self.cursor
        style = self.get_component_rich_style
        unread = self.view.unread(entry)
        problem = bool(entry.error_count or entry.warning_count)
        # A bar as well as the background: the cursor stays visible without colour (NO_COLOR).
        bar = CURSOR if cursor and self.has_focus else " "
        segments = [
            Segment(bar, base + style("library-list--unread")),
            Segment(UNREAD if unread else " ", base + style("library-list--unread")),
            Segment(PROBLEM if problem else " ", base + style("library-list--problem")),
            Segment(" ", base),
        ]
        muted = base + style("library-list--muted")
        match = style("library-list--match")
        columns = self._columns(width)
        room = max(0, width - 4 - sum(cells + GAP for _, cells in columns))
        title_style = base + Style(bold=True) if unread else base
        if entry.id is None:
            # Broken: the file's name, then what is wrong with it, never hidden; it has no
            # subject, period or date, so it takes the whole row.
            name = clean_name(entry.path.replace("\\", "/").rsplit("/", 1)[-1])
            problem_text = clean_name(_without_location(entry.first_problem or "cannot be read"))
            parts = [(name, base), ("  " + problem_text, base + style("library-list--problem"))]
            return segments + _fitted(parts, width - 4)
        # One character for one: the search's spans are offsets into the raw title.
        title = clean_name(entry.title or "")
        spans = self.view.spans(row, TITLE)
        segments += _fitted(_highlighted(title, spans, title_style, match), room)
        used = sum(cell_len(s.text) for s in segments)
        segments.append(Segment(" " * max(0, 4 + room - used), base))
        for column, cells in columns:
            segments.append(Segment(" " * GAP, base))
            if column == "subject":
                text = clean_name(entry.subject or "")
                spans = self.view.spans(row, SUBJECT) if text else []
                parts = _highlighted(text, spans, muted, match)
            elif column == "period":
                parts = [(clean_name(entry.period or ""), muted)]
            else:
                # Undated says so: the file's own day would pass for the briefing's.
                date = shown_date(entry)
                parts = [
                    (clean_name(date), muted) if date else (UNDATED, muted + Style(italic=True))
                ]
            cell = _fitted(parts, cells) if any(text for text, _ in parts) else []
            segments += cell
            segments.append(Segment(" " * (cells - sum(cell_len(c.text) for c in cell)), base))
        return segments

    def _columns(self, width: int) -> list[tuple[str, int]]:
        """The columns right of the title that fit (name, cells), left to right."""
        view = self.view
        wanted = [
            ("date", DATE_WIDTH),
            ("subject", min(view.subject_width, SUBJECT_MAX)),
            ("period", min(view.period_width, PERIOD_MAX)),
        ]
        shown: list[tuple[str, int]] = []
        left = width - 4
        for column, cells in wanted:
            if cells and left - cells - GAP >= TITLE_MIN:
                shown.append((column, cells))
                left -= cells + GAP
        order = {"subject": 0, "period": 1, "date": 2}
        return sorted(shown, key=lambda column: order[column[0]])


def _without_location(problem: str) -> str:
    # "path:line:col: error: message" -> "error: message": the name is already on the row.
    for marker in (": error: ", ": warning: "):
        if marker in problem:
            return marker[2:] + problem.split(marker, 1)[1]
    return problem


def _highlighted(
    text: str, spans: list[tuple[int, int]], style: Style, match: Style
) -> list[tuple[str, Style]]:
    parts: list[tuple[str, Style]] = []
    offset = 0
    for start, end in spans:
        if start > offset:
            parts.append((text[offset:start], style))
        parts.append((text[start:end], style + match))
        offset = end
    if offset < len(text):
        parts.append((text[offset:], style))
    return parts


def _fitted(parts: list[tuple[str, Style]], room: int) -> list[Segment]:
    """The parts as segments cut to ``room`` cells, with an ellipsis where cut."""
    total = sum(cell_len(text) for text, _ in parts)
    segments: list[Segment] = []
    if total <= room:
        return [Segment(text, style) for text, style in parts if text]
    left = max(0, room - 1)
    for text, style in parts:
        if left <= 0:
            break
        cut = text if cell_len(text) <= left else set_cell_size(text, left)
        segments.append(Segment(cut, style))
        left -= cell_len(cut)
    if room:
        segments.append(Segment(ELLIPSIS, parts[-1][1] if parts else Style()))
    return segments
