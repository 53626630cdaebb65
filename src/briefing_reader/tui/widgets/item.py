"""One item of a pane: a marker column, its heading, and its details when expanded."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Static

from briefing_reader.model import Detail, Item

COLLAPSED, EXPANDED, NO_DETAILS = "\u25b8", "\u25be", " "


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
                (text, "italic" if detail.is_evidence else ""),
            )
        )
    return Content("\n").join(lines)


class ItemView(Horizontal):
    """An item in a pane. The pane moves the highlight; this only shows state."""

    DEFAULT_CSS = """
    ItemView {
        height: auto;
        border-left: blank;
        & > .item-marker { width: 2; color: $text-muted; }
        & > .item-body { height: auto; }
        & .item-heading, & .item-details { height: auto; }
        & .item-details { display: none; }
        &.-expanded .item-details { display: block; }
    }
    """

    def __init__(self, item: Item, index: int) -> None:
        super().__init__(classes="item")
        self.item = item
        self.index = index
        self.expanded = False
        self.has_details = bool(item.details())

    def compose(self) -> ComposeResult:
        yield Static(COLLAPSED if self.has_details else NO_DETAILS, classes="item-marker")
        with Vertical(classes="item-body"):
            yield Static(heading_content(self.item), classes="item-heading")
            yield Static(details_content(self.item.details()), classes="item-details")

    def set_expanded(self, expanded: bool) -> None:
        if not self.has_details:
            return
        self.expanded = expanded
        self.set_class(expanded, "-expanded")
        self.query_one(".item-marker", Static).update(EXPANDED if expanded else COLLAPSED)
