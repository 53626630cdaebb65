"""The source article beside (wide) or over (narrow) the panes, with the evidence highlighted."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.style import Style
from textual.widgets import Static

from briefing_reader.checks.evidence import locate
from briefing_reader.keys import SOURCE
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
        return self._show_spans([span] if span else [])

    def find(self, search: str) -> bool:
        """Highlight every occurrence of a search and scroll to the first; False if none."""
        from briefing_reader.library.search import text_spans

        return self._show_spans(text_spans(self.text, search))

    def _show_spans(self, spans: list[tuple[int, int]]) -> bool:
        first: Static | None = None
        for (start, end), widget in zip(self.paragraphs, self.query(".paragraph"), strict=True):
            assert isinstance(widget, Static)
            content = Content(self.text[start:end])
            for span in spans:
                if span[0] < end and span[1] > start:
                    # Reverse and underline as well as colour: visible with NO_COLOR too.
                    content = content.stylize(
                        "reverse underline", max(span[0], start) - start, min(span[1], end) - start
                    )
                    first = first or widget
            widget.update(content)
        if first is not None:
            self.call_after_refresh(self.scroll_to_widget, first, animate=False, top=True)
        return bool(spans)
