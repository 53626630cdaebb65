"""Every problem of the briefing on screen, one per line, as `briefing validate` prints them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content

from briefing_reader.keys import PROBLEMS
from briefing_reader.text import clean_name
from briefing_reader.tui.keys import bindings
from briefing_reader.tui.screens.text_modal import TextModal

if TYPE_CHECKING:
    from briefing_reader.loading import Loaded


class ProblemsScreen(TextModal):
    """The full list behind the problems banner, which shows only the first few."""

    BINDINGS = bindings(PROBLEMS)

    def __init__(self, loaded: Loaded) -> None:
        super().__init__()
        self.loaded = loaded
        self.title_text = f"Problems: {clean_name(loaded.name or loaded.path)}"

    def body(self) -> Content:
        lines = [
            Content.assemble(
                (f"{problem.location()}: ", "bold"),
                (f"{problem.severity}: ", f"bold ${problem.severity}"),
                problem.message,
            )
            for problem in self.loaded.problems
        ]
        return Content("\n").join(lines) if lines else Content("No problems.")
