"""One item of a pane: its heading, and its details when expanded.

One widget per item, not a tree of them: the first paint of a briefing is
dominated by widget count, and a padded Static gives the hanging indent.
"""

from __future__ import annotations

from textual.content import Content, Span
from textual.widgets import Static

from briefing_reader.model import Detail, Item
from briefing_reader.tui.widgets.links import linked

# Of one text (a heading, a detail), at most this many characters are drawn. Textual wraps
# and draws every line of a widget whenever its look changes (the highlight moving onto it,
# the pane's focus): for a megabyte, seconds per key. Ten thousand characters are pages of
# text; the rest is said, and copying (y, Y) takes all of it.
SHOWN_CHARS = 10_000


def shown(text: str, style: str = "") -> list[tuple[str, str]]:
    """``text`` in ``style``, cut to SHOWN_CHARS, with what was left out said after it."""
    if len(text) <= SHOWN_CHARS:
        return [(text, style)]
    rest = len(text) - SHOWN_CHARS
    note = f" \u2026 {rest:,} more characters not shown (Y copies the pane in full)"
    return [(text[:SHOWN_CHARS], style), (note, "$text-muted")]


def heading_content(item: Item) -> Content:
    """The item's heading. Text from the file is never parsed as markup."""
    heading = item.heading()
    parts: list[str | tuple[str, str]] = [*shown(heading.main, "bold")]
    if heading.aside:
        parts += ["\n" if heading.aside_below else "  ", *shown(heading.aside, "$text-accent")]
    return Content.assemble(*parts)


def details_content(details: tuple[Detail, ...]) -> Content:
    lines: list[Content] = []
    for detail in details:
        text = f"\u201c{detail.text}\u201d" if detail.is_evidence else detail.text
        (cut, _), *note = shown(text)
        lines.append(
            Content.assemble(
                (f"{detail.label}: ", "bold $text-muted"),
                linked(cut, "italic" if detail.is_evidence else ""),
                *note,
            )
        )
    return Content("\n").join(lines)


class ItemView(Static):
    """An item in a pane. The pane moves the highlight; this only shows state."""

    DEFAULT_CSS = """
    ItemView {
        height: auto;
        border-left: blank;
        padding-left: 1;
    }
    """

    def __init__(self, item: Item, index: int, *, highlight: bool = False) -> None:
        self.item = item
        self.index = index
        self.expanded = False
        self.search_text: str | None = None
        self.details = item.details()
        super().__init__(heading_content(item), classes="item -highlight" if highlight else "item")

    @property
    def has_details(self) -> bool:
        return bool(self.details)

    def set_expanded(self, expanded: bool) -> None:
        if not self.has_details:
            return
        self.expanded = expanded
        self.set_class(expanded, "-expanded")
        self._show()

    def mark(self, query: str | None) -> None:
        """Show every occurrence of a search ``query`` (None: none)."""
        if query != self.search_text:
            self.search_text = query
            self._show()

    def _show(self) -> None:
        content = heading_content(self.item)
        if self.expanded:
            content = Content("\n").join([content, details_content(self.details)])
        if self.search_text:
            from briefing_reader.library.search import text_spans

            # All at once: one stylize per match copied every span so far, quadratic in
            # the matches of a big item.
            spans = text_spans(content.plain, self.search_text)
            content = content.add_spans([Span(start, end, "reverse") for start, end in spans])
        self.update(content)
