"""The source article beside (wide) or over (narrow) the panes, with the evidence highlighted."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.style import Style
from textual.widgets import Static

from briefing_reader.checks.evidence import locate
from briefing_reader.keys import SOURCE
from briefing_reader.library.reader_search import ArticleSearch
from briefing_reader.tui.keys import bindings


class SourceView(VerticalScroll, can_focus=True):
    """The article as paragraphs, so the highlighted one can be scrolled into view."""

    HELP_GROUP = "Source article"
    ALLOW_MAXIMIZE = True

    BINDINGS = bindings(SOURCE)

    # Styled in app.tcss (the frame and focus look it shares with the lists) and reader.tcss.

    def __init__(self, title: str, text: str, url: str | None = None) -> None:
        super().__init__(id="source")
        self.border_title = Content(f"Source: {title}")
        self.border_subtitle = Content("s or escape: close")
        if url:
            # The article's address, clickable: Textual opens links with the app's open_url.
            self.border_title = Content.assemble(
                f"Source: {title} ", Content.styled(url, Style(link=url, underline=True))
            )
        self.text = text
        # The spans marked now, and what each paragraph was last drawn with (its spans and
        # the current one among them): a paragraph is updated only when that changes.
        self._spans: list[tuple[int, int]] = []
        # The matches of the last find, for n and N; gone once the evidence is shown again.
        self.matches: ArticleSearch | None = None
        self._drawn: dict[int, tuple[tuple[tuple[int, int], ...], tuple[int, int] | None]] = {}
        # Paragraph boundaries as offsets into text, to map a highlight onto its paragraph.
        self.paragraphs: list[tuple[int, int]] = []
        start = 0
        for block in text.split("\n"):
            end = start + len(block)
            if block.strip():
                self.paragraphs.append((start, end))
            start = end + 1

    def compose(self) -> ComposeResult:
        for start, end in self.paragraphs:
            yield Static(Content(self.text[start:end]), classes="paragraph")

    def highlight(self, excerpt: str | None) -> bool:
        """Highlight ``excerpt`` and scroll to it; False when it is not in the article."""
        span = locate(self.text, excerpt) if excerpt else None
        self.matches = None
        self._show_spans([span] if span else [])
        return span is not None

    def find(self, search: str) -> int:
        """Highlight every occurrence of a search and scroll to the first; how many. With
        none, the article stays as it is: marks, place and the matches n and N go through."""
        from briefing_reader.library.search import text_spans

        spans = text_spans(self.text, search)
        if spans:
            self.matches = ArticleSearch(len(spans))
            self._show_spans(spans, current=0)
        return len(spans)

    def show_match(self, number: int) -> None:
        """Make match ``number`` of the last :meth:`find` the current one, and bring it into
        view (only as far as needed: a match already on screen scrolls nothing)."""
        if 0 <= number < len(self._spans):
            widget = self._show_spans(self._spans, current=number, scroll=False)
            if widget is not None:
                self.call_after_refresh(self.scroll_to_widget, widget, animate=False)

    def _show_spans(
        self, spans: list[tuple[int, int]], current: int | None = None, scroll: bool = True
    ) -> Static | None:
        """Mark ``spans`` (``current`` the more strongly); the paragraph of the current span,
        else of the first, scrolled to the top when ``scroll``, and returned."""
        self._spans = spans
        first: Static | None = None
        chosen: Static | None = None
        target = spans[current] if current is not None else None
        for index, ((start, end), widget) in enumerate(
            zip(self.paragraphs, self.query(".paragraph").results(Static), strict=True)
        ):
            inside = tuple(span for span in spans if span[0] < end and span[1] > start)
            shown = (inside, target if target in inside else None)
            if inside and first is None:
                first = widget
            if target in inside and chosen is None:
                chosen = widget
            if self._drawn.get(index, ((), None)) == shown:
                continue  # as drawn already: n repaints two paragraphs, not the article
            self._drawn[index] = shown
            content = Content(self.text[start:end])
            for span in inside:
                # Reverse and underline as well as colour: visible with NO_COLOR too; the
                # current match of a search bold besides.
                style = "bold reverse underline" if span == target else "reverse underline"
                content = content.stylize(
                    style, max(span[0], start) - start, min(span[1], end) - start
                )
            widget.update(content)
        chosen = chosen or first
        if scroll and chosen is not None:
            self.call_after_refresh(self.scroll_to_widget, chosen, animate=False, top=True)
        return chosen
