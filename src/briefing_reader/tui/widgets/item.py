"""One item of a pane: its heading, and its details when expanded.

One widget per item, not a tree of them: the first paint of a briefing is
dominated by widget count, and a padded Static gives the hanging indent.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.content import Content, Span
from textual.css.styles import RulesMap
from textual.selection import Selection
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual
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


def heading_content(item: Item, *, aside_below: bool = False) -> Content:
    """The item's heading. Text from the file is never parsed as markup.

    ``aside_below`` puts the aside (a fact's value) on a line of its own, as the heading
    itself may ask (a quote's attribution).
    """
    heading = item.heading()
    parts: list[str | tuple[str, str]] = [*shown(heading.main, "bold")]
    if heading.aside:
        below = aside_below or heading.aside_below
        parts += ["\n" if below else "  ", *shown(heading.aside, "$text-accent")]
    return Content.assemble(*parts)


def aside_fits_beside(main: str, aside: str, width: int) -> bool:
    """Whether ``aside`` fits whole after the last line of ``main`` wrapped to ``width``.

    Where it does not, a value beside its label wraps mid-value ("$1.2" at the end of one
    line, "billion" at the start of the next); one that fits a line of its own goes there.
    A value longer than a line wraps either way, and stays beside its label.
    """
    if len(main) > SHOWN_CHARS:  # pages of text: never wrapped here only to place the value
        return True
    aside_cells = Content(aside).cell_length
    if aside_cells > width:
        return True
    main_content = Content(main)
    if main_content.cell_length + 2 + aside_cells <= width:
        return True
    lines = main_content.wrap(width)
    return bool(lines) and lines[-1].cell_length + 2 + aside_cells <= width


class FittedHeading(Visual):
    """An item's content as laid out at the width it is drawn at (see aside_fits_beside).

    Textual asks a visual for its height at a width before it draws it at that width, so
    the choice is made in both with the same answer, in the one layout: deciding after a
    resize would paint the pane twice.
    """

    def __init__(self, build: Callable[[bool], Content], main: str, aside: str) -> None:
        self._build = build
        self._main = main
        self._aside = aside
        self._beside = build(False)
        self._below: Content | None = None
        self._fits: dict[int, bool] = {}
        self._drawn: Content = self._beside

    @property
    def drawn(self) -> Content:
        """The content as last drawn (beside, before it is drawn)."""
        return self._drawn

    def __str__(self) -> str:
        """The text as last drawn, as a Content's str is its text."""
        return self._drawn.plain

    def at(self, width: int) -> Content:
        """The content drawn at ``width`` cells."""
        fits = self._fits.get(width)
        if fits is None:
            fits = self._fits[width] = aside_fits_beside(self._main, self._aside, width)
        if fits:
            return self._beside
        if self._below is None:
            self._below = self._build(True)
        return self._below

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        self._drawn = self.at(width)
        return self._drawn.render_strips(width, height, style, options)

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return self._beside.get_optimal_width(rules, container_width)

    def get_minimal_width(self, rules: RulesMap) -> int:
        return self._beside.get_minimal_width(rules)

    def get_height(self, rules: RulesMap, width: int) -> int:
        return self.at(width).get_height(rules, width)


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
        super().__init__(self._visual(), classes="item -highlight" if highlight else "item")

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
        self.update(self._visual())

    def _visual(self) -> Visual:
        heading = self.item.heading()
        if heading.aside and not heading.aside_below:
            return FittedHeading(self._content, heading.main, heading.aside)
        return self._content(False)

    def _content(self, aside_below: bool) -> Content:
        content = heading_content(self.item, aside_below=aside_below)
        if self.expanded:
            content = Content("\n").join([content, details_content(self.details)])
        if self.search_text:
            from briefing_reader.library.search import text_spans

            # All at once: one stylize per match copied every span so far, quadratic in
            # the matches of a big item.
            spans = text_spans(content.plain, self.search_text)
            content = content.add_spans([Span(start, end, "reverse") for start, end in spans])
        return content

    @property
    def drawn(self) -> Content:
        """What the item shows, as last drawn: its text and styles."""
        visual = self.visual
        if isinstance(visual, FittedHeading):
            return visual.drawn
        return visual if isinstance(visual, Content) else Content(str(visual))

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        # The text as drawn: a FittedHeading is no Content, which Textual's own reads.
        return selection.extract(self.drawn.plain), "\n"
