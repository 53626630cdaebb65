"""One item of a pane: its heading, and its details when expanded.

One widget per item, not a tree of them: the first paint of a briefing is
dominated by widget count, and a padded Static gives the hanging indent.
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from briefing_reader.model import Detail, Item
from briefing_reader.tui.widgets.links import linked


def heading_content(item: Item) -> Content:
    """The item's heading. Text from the file is never parsed as markup."""
    heading = item.heading()
    parts: list[str | tuple[str, str]] = [(heading.main, "bold")]
    if heading.aside:
        parts += ["\n" if heading.aside_below else "  ", (heading.aside, "$text-accent")]
    return Content.assemble(*parts)


def details_content(details: tuple[Detail, ...]) -> Content:
    lines: list[Content] = []
    for detail in details:
        text = f"\u201c{detail.text}\u201d" if detail.is_evidence else detail.text
        lines.append(
            Content.assemble(
                (f"{detail.label}: ", "bold $text-muted"),
                linked(text, "italic" if detail.is_evidence else ""),
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

            for start, end in text_spans(content.plain, self.search_text):
                content = content.stylize("reverse", start, end)
        self.update(content)
