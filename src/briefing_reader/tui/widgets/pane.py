"""A bordered pane listing the items of one section, with a keyboard cursor."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.dom import DOMNode
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Static

from briefing_reader.keys import PANE
from briefing_reader.model import Item
from briefing_reader.sections import Section
from briefing_reader.tui.keys import bindings
from briefing_reader.tui.widgets.item import ItemView, details_content

# A big pane holds item widgets only for the items around the cursor: Textual lays out, maps
# and restyles every widget of a screen on each layout change (a footer update after any key
# is one), so a pane of thousands took seconds per key, and mounting is what a jump costs.
# WINDOW items to begin with and at least; three screenfuls of one-line items when the pane
# is taller, so that a page up or down stays inside the window.
WINDOW = 60

# The fewest rows a preview is worth: its dashed top border and one line of the details.
PREVIEW_LEAST = 2


class Pane(VerticalScroll, can_focus=True):
    """One of the four panes. It holds focus itself and moves a highlight over its items.

    The pane is its own scroll container, with the preview docked at its foot: fewer
    widgets make a faster first paint.
    """

    BINDINGS = bindings(PANE)

    HELP_GROUP = "Items in a pane"
    ALLOW_MAXIMIZE = True  # scroll containers opt out by default; z zooms a pane

    # No repaint of the whole pane: the two items whose look changes restyle themselves.
    cursor: reactive[int] = reactive(0, init=False, repaint=False)

    class Focused(Message):
        """Sent when the pane gains focus, so the screen can track the current pane."""

        def __init__(self, pane: Pane) -> None:
            super().__init__()
            self.pane = pane

    def __init__(
        self, section: Section, items: tuple[Item, ...], number: int, *, current: bool = False
    ) -> None:
        # Initial classes are set here, not after mount: every class change restyles the tree,
        # and the first paint is what a reader waits for.
        super().__init__(id=f"pane-{section.key}", classes="pane -current" if current else "pane")
        self.section = section
        self.items = items
        self.number = number
        self.border_title = Content(f"{number} {section.title}")
        if len(items) > 1:
            self.border_subtitle = Content(f"{len(items)} items")
        # The item widgets that exist, in order: items[_first : _first + len(_views)].
        self._views: list[ItemView] = []
        self._first = 0
        self._highlighted: ItemView | None = None
        # What outlives an item's widget leaving the window: which are expanded, the search.
        self._expanded: set[int] = set()
        self._search: str | None = None

    def compose(self) -> ComposeResult:
        yield Static(classes="pane-preview")
        if not self.items:
            yield Static(Content(self.section.empty), classes="pane-empty")
        self._views = [self._view(index) for index in range(min(len(self.items), WINDOW))]
        self._highlighted = self._views[0] if self._views else None
        yield from self._views

    def _view(self, index: int) -> ItemView:
        view = ItemView(self.items[index], index, highlight=index == self.cursor)
        if index in self._expanded:
            view.set_expanded(True)
        view.mark(self._search)
        return view

    def watch_has_focus(self, has_focus: bool) -> None:
        # Textual restyles the pane and its items on every focus change, by default through
        # its CSS-transition bookkeeping. Nothing in the reader's CSS animates, so restyle
        # directly: the start-up focus happens before the first paint.
        self.update_node_styles(animate=False)

    def on_focus(self) -> None:
        self.post_message(self.Focused(self))
        self._show_cursor(focused=True)

    def on_blur(self) -> None:
        self._show_cursor(focused=False)

    @property
    def item_views(self) -> list[ItemView]:
        """The items' widgets: every item's, or in a big pane those around the cursor."""
        return list(self._views)

    @property
    def current(self) -> ItemView | None:
        offset = self.cursor - self._first
        return self._views[offset] if 0 <= offset < len(self._views) else None

    class Moved(Message):
        """Sent when the highlight moves to another item, so the source pane can follow."""

        def __init__(self, pane: Pane) -> None:
            super().__init__()
            self.pane = pane

    def watch_cursor(self) -> None:
        self._show_cursor()
        self.post_message(self.Moved(self))
        self.refresh_bindings()  # "Expand" is greyed on an item with nothing to expand

    def refusal(self, action: str) -> str | None:
        """Why ``action`` cannot run on the current item, in one line; None when it can."""
        if action != "toggle":
            return None
        current = self.current
        if current is None:
            return "This pane is empty."
        if current.has_details:
            return None
        if current.item.WHOLE_QUOTE:
            return "The quote is shown in full: there is nothing to expand."
        return "This item has nothing more to show."

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Greyed in the footer; the screen says why when the key is pressed.
        return None if self.refusal(action) is not None else True

    def _show_cursor(self, focused: bool | None = None) -> None:
        focused = self.has_focus if focused is None else focused
        self._follow_cursor()
        current = self.current
        # Only the two items whose look changes are restyled.
        if self._highlighted is not current:
            if self._highlighted is not None:
                self._highlighted.set_class(False, "-highlight")
            if current is not None:
                current.set_class(True, "-highlight")
            self._highlighted = current
        preview = self.query_one(".pane-preview", Static)
        show_preview = bool(current and current.has_details and not current.expanded)
        preview.set_class(show_preview and focused, "-shown")
        if current is not None:
            if show_preview:
                preview.update(details_content(current.details))
            # From the sizes of the last layout, so the move is usually one frame; an item
            # just mounted or re-wrapped is fitted again once laid out.
            self._fit_preview()
            self.call_after_refresh(self._settle_cursor, current)

    def _settle_cursor(self, current: ItemView) -> None:
        if not current.is_attached:
            return
        if self._fit_preview():
            self.call_after_refresh(self.scroll_to_widget, current, animate=False)
        else:
            self.scroll_to_widget(current, animate=False)

    def on_resize(self) -> None:
        self._fit_preview()

    def _fit_preview(self) -> bool:
        """Give the preview only the rows the cursor's item leaves, so that the preview never
        covers the item it describes (a four-line question in an 80x24 quarter pane did);
        with less than a border and a line left, there is no preview. True if that changed.
        """
        current = self.current
        if current is None or not current.outer_size.height or not self.size.height:
            return False
        preview = self.query_one(".pane-preview", Static)
        room = self.scrollable_content_region.height - current.outer_size.height
        cramped = room < PREVIEW_LEAST
        changed = preview.has_class("-cramped") != cramped
        preview.set_class(cramped, "-cramped")
        most = preview.styles.base.max_height  # the stylesheet's own limit
        limit = None if cramped or most is None or room >= most.value else room
        inline = preview.styles.inline.max_height
        if (None if inline is None else int(inline.value)) != limit:
            preview.styles.max_height = limit  # None gives the stylesheet's back
            changed = True
        return changed

    def _follow_cursor(self) -> None:
        """Move the window of item widgets so the cursor is well inside it."""
        total, first, end = len(self.items), self._first, self._first + len(self._views)
        cursor, size = self.cursor, max(WINDOW, 3 * self.size.height)
        margin = size // 4  # how near an end of the window the cursor may come
        if (first == 0 or cursor >= first + margin) and (end == total or cursor < end - margin):
            return
        start = max(0, min(cursor - size // 2, total - size))
        stop = min(total, start + size)
        kept = [view for view in self._views if start <= view.index < stop]
        gone = [view for view in self._views if not start <= view.index < stop]
        above = [self._view(index) for index in range(start, min(first, stop))]
        below = [self._view(index) for index in range(max(end, start), stop)]
        # Where a kept item is on screen, to put it back there once the window has moved.
        anchor = kept[0] if kept else None
        if anchor is not None and self._highlighted in kept:
            anchor = self._highlighted
        on_screen = anchor.virtual_region.y - self.scroll_y if anchor is not None else 0.0
        if self._highlighted in gone:
            self._highlighted = None
        self.remove_children(gone)
        if above and kept:
            self.mount_all(above, before=kept[0])
        elif above:
            self.mount_all(above)
        if below:
            self.mount_all(below)
        self._views, self._first = above + kept + below, start
        if anchor is not None:
            self.call_after_refresh(self._keep_on_screen, anchor, on_screen)

    def _keep_on_screen(self, anchor: ItemView, on_screen: float) -> None:
        if anchor.is_attached:
            self.scroll_to(y=anchor.virtual_region.y - on_screen, animate=False, immediate=True)

    def on_click(self, event: events.Click) -> None:
        """A click on an item puts the cursor on it; a double-click expands or collapses it,
        as enter does (not again on a third click). Elsewhere a click only focuses the pane."""
        view: DOMNode | None = event.widget
        while view is not None and view is not self and not isinstance(view, ItemView):
            view = view.parent
        if not isinstance(view, ItemView) or view not in self._views:
            return
        event.stop()
        self._move_to(view.index)
        if event.chain == 2 and self.refusal("toggle") is None:
            self.action_toggle()

    def _move_to(self, index: int) -> None:
        if self.items:
            self.cursor = max(0, min(index, len(self.items) - 1))

    def action_cursor(self, step: int) -> None:
        self._move_to(self.cursor + step)

    def action_first(self) -> None:
        self._move_to(0)

    def action_last(self) -> None:
        self._move_to(len(self.items) - 1)

    def action_page(self, direction: int) -> None:
        views = self._views
        current = self.current
        if current is None:
            return
        height = max(1, self.scrollable_content_region.height)
        target = current.virtual_region.y + direction * height
        if direction > 0:
            candidates = [v.index for v in views if v.virtual_region.y <= target]
            self._move_to(max(max(candidates, default=0), self.cursor + 1))
        else:
            candidates = [v.index for v in views if v.virtual_region.y >= target]
            self._move_to(min(min(candidates, default=0), self.cursor - 1))

    def restore(self, cursor: int, scroll_y: float) -> None:
        """Put the cursor and scroll back where they were before a reload."""
        if self.items:
            self.set_reactive(Pane.cursor, max(0, min(cursor, len(self.items) - 1)))
            self._show_cursor()
        if len(self.items) <= WINDOW:
            # A big pane's scroll is within its window, which may have been elsewhere before:
            # there, showing the cursor's item is what keeps the place.
            self.call_after_refresh(self.scroll_to, y=scroll_y, animate=False)

    def mark(self, query: str | None) -> None:
        """Highlight ``query`` in every item (a full-text search), or stop highlighting."""
        self._search = query
        for view in self._views:
            view.mark(query)

    # Replaces DOMNode's toggle(attribute) action, which no pane binding uses: Enter's action
    # is named "toggle" in footers and tests, and renaming it would touch every screen's keys.
    def action_toggle(self) -> None:  # type: ignore[override]
        current = self.current
        if current is not None:
            current.set_expanded(not current.expanded)
            if current.expanded:
                self._expanded.add(current.index)
            else:
                self._expanded.discard(current.index)
            self._show_cursor()
