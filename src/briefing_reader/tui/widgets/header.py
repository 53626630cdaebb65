"""The top of a briefing: title, subject, period, dateline and any problems."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from textual.containers import VerticalGroup
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Static

from briefing_reader.sections import META_SEPARATOR
from briefing_reader.text import clean_name

if TYPE_CHECKING:
    from briefing_reader.loading import Loaded


def meta_content(loaded: Loaded, position: str) -> Content:
    shown = loaded.briefing.meta_parts() if loaded.briefing else []
    if position:
        shown.append(position)
    return Content.styled(META_SEPARATOR.join(shown), "$text-muted")


def problems_content(loaded: Loaded) -> Content:
    errors = len(loaded.errors)
    warnings = len(loaded.problems) - errors
    counts = ", ".join(
        f"{n} {word}{'s' if n != 1 else ''}"
        for n, word in ((errors, "error"), (warnings, "warning"))
        if n
    )
    lines = [
        Content.assemble(
            ("\u26a0 ", "bold $warning"), (f"{counts}:", "bold"), ("  ! lists them all", "dim")
        )
    ]
    lines += [Content(problem.in_file()) for problem in loaded.problems]
    return Content("\n").join(lines)


def header(loaded: Loaded, position: str) -> Iterator[Widget]:
    """Title line, meta line and problems of the briefing on screen.

    They are children of the screen rather than of a header container: every widget adds
    to the time before the first paint.
    """
    briefing = loaded.briefing
    title = briefing.title if briefing and briefing.title else clean_name(loaded.path.name)
    yield Static(Content.styled(title, "bold"), id="title")
    yield Static(meta_content(loaded, position), id="meta")
    if briefing and loaded.problems:
        # Inset by a padded box: a margin would narrow every sibling in the screen's layout.
        yield VerticalGroup(
            ProblemsBanner(problems_content(loaded), id="problems"), id="problems-box"
        )


class ProblemsBanner(Static):
    """The count and the first problems. A click lists them all, as ! does: a reader with
    a mouse clicks the banner that says there are more."""

    async def on_click(self) -> None:
        await self.run_action("screen.problems")


class Summary(Static):
    """The briefing's summary. Short screens show its first line; a click shows it all."""

    def on_click(self) -> None:
        self.toggle_class("-expanded")
        self.refresh(layout=True)  # text-wrap is restyled, but only a layout changes its height
