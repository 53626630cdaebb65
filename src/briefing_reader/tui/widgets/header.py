"""The top of a briefing: title, subject, period, dateline and any problems."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

from briefing_reader.loading import Loaded


def meta_content(loaded: Loaded, position: str) -> Content:
    briefing = loaded.briefing
    fields = [briefing.subject, briefing.period, briefing.dateline] if briefing else []
    shown = [f for f in fields if f]
    if position:
        shown.append(position)
    return Content.styled(" \u00b7 ".join(shown), "$text-muted")


def problems_content(loaded: Loaded) -> Content:
    errors = len(loaded.errors)
    warnings = len(loaded.problems) - errors
    counts = ", ".join(
        f"{n} {word}{'s' if n != 1 else ''}"
        for n, word in ((errors, "error"), (warnings, "warning"))
        if n
    )
    lines = [Content.assemble(("\u26a0 ", "bold $warning"), (f"{counts}:", "bold"))]
    lines += [Content(str(problem)) for problem in loaded.problems]
    return Content("\n").join(lines)


class BriefingHeader(Vertical):
    """Title line, meta line and problems of the briefing on screen."""

    def __init__(self, loaded: Loaded, position: str) -> None:
        super().__init__(id="header")
        self.loaded = loaded
        self.position = position

    def compose(self) -> ComposeResult:
        briefing = self.loaded.briefing
        title = briefing.title if briefing and briefing.title else self.loaded.path.name
        yield Static(Content.styled(title, "bold"), id="title")
        yield Static(meta_content(self.loaded, self.position), id="meta")
        if briefing and self.loaded.problems:
            yield Static(problems_content(self.loaded), id="problems")
