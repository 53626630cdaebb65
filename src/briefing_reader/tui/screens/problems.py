"""Every problem of the briefing on screen, one per line, as `briefing validate` prints them
but for the path, which the title gives."""

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
        # Without the path on each line: the title names the file, and at 80 columns the
        # path split each problem over two or three lines, "10:1" from its "0".
        lines = [
            Content.assemble(
                (f"{problem.place()}: " if problem.place() else "", "bold"),
                (f"{problem.severity}: ", f"bold ${problem.severity}"),
                problem.message,
            )
            for problem in self.loaded.problems
        ]
        return Content("\n").join(lines) if lines else Content("No problems.")
