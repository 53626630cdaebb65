"""The library's preview of the highlighted briefing, beside the list on wide screens.

The entry's own text comes from its file's name and from the index cache, so it is made
safe here (:func:`~briefing_reader.text.clean_name`); the loaded briefing's text was made
safe by the loader.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from briefing_reader.library.index import Entry
from briefing_reader.sections import META_SEPARATOR, SECTIONS, meta_parts
from briefing_reader.text import clean_name
from briefing_reader.tui.widgets.links import linked

if TYPE_CHECKING:
    from briefing_reader.loading import Loaded

# Enough facts to tell briefings apart at a glance; enter shows them all.
PREVIEW_FACTS = 6


def preview_content(entry: Entry | None, loaded: Loaded | None = None) -> Content:
    """What the preview shows: the entry at once, and the briefing's text once loaded."""
    if entry is None:
        return Content.styled("Nothing to preview.", "$text-muted italic")
    name = entry.path.replace("\\", "/").rsplit("/", 1)[-1]
    lines: list[Content] = [Content.styled(clean_name(entry.title or name), "bold")]
    meta = META_SEPARATOR.join(meta_parts(entry))
    lines.append(Content.styled(clean_name(meta), "$text-muted"))
    if entry.tags:
        tags = "  ".join(f"#{tag}" for tag in entry.tags)
        lines.append(Content.styled(clean_name(tags), "$text-muted"))
    if entry.first_problem:
        counts = []
        if entry.error_count:
            counts.append(f"{entry.error_count} error{'s' if entry.error_count != 1 else ''}")
        if entry.warning_count:
            counts.append(f"{entry.warning_count} warning{'s' if entry.warning_count != 1 else ''}")
        lines += [
            Content(""),
            Content.assemble(("\u26a0 ", "bold $warning"), (", ".join(counts), "bold")),
            Content(clean_name(entry.first_problem)),
        ]
    briefing = loaded.briefing if loaded is not None else None
    if briefing is not None:
        if briefing.summary:
            lines += [Content(""), linked(briefing.summary)]
        facts = briefing.headline_facts[:PREVIEW_FACTS]
        if facts:
            lines += [Content(""), Content.styled(SECTIONS[0].title, "bold $text-muted")]
            lines += [Content.assemble("\u2022 ", (f"{f.label}: ", "bold"), f.value) for f in facts]
        counts = [f"{section.title}: {len(briefing.items(section))}" for section in SECTIONS[1:]]
        lines += [Content(""), Content.styled(" \u00b7 ".join(counts), "$text-muted")]
    lines += [Content(""), Content.styled("enter: open", "$text-muted italic")]
    return Content("\n").join(lines)


class Preview(VerticalScroll):
    """Shows :func:`preview_content`; the screen feeds it."""

    DEFAULT_CSS = """
    Preview {
        border: round $foreground 35%;
        border-title-color: $text-muted;
        padding: 0 1;
        scrollbar-size-vertical: 1;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "Preview"
        self._body = Static(preview_content(None))

    def compose(self) -> ComposeResult:
        yield self._body

    def show(self, entry: Entry | None, loaded: Loaded | None = None) -> None:
        self._body.update(preview_content(entry, loaded))
        if loaded is None:
            self.scroll_home(animate=False)
