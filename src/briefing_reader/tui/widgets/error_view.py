"""What a file that could not be opened shows instead of its panes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from briefing_reader.text import clean_name

if TYPE_CHECKING:
    from briefing_reader.loading import Loaded


class ErrorView(VerticalScroll, can_focus=True):
    """Lists the problems of a file that could not be opened; focusable so it can scroll."""

    # Here rather than in reader.tcss: the reader parses it before its first paint, and
    # most sessions never show an error entry.
    DEFAULT_CSS = """
    ErrorView {
        border: heavy $error;
        border-title-color: $error;
        height: 1fr;
        padding: 0 1;

        & .problem {
            margin-bottom: 1;
        }

        & .hint {
            color: $text-muted;
        }
    }
    """

    def __init__(self, loaded: Loaded) -> None:
        super().__init__(id="error-view")
        self.loaded = loaded
        self.border_title = Content("Could not open this briefing")

    def compose(self) -> ComposeResult:
        for problem in self.loaded.problems:
            yield Static(
                Content.assemble(
                    (f"{clean_name(problem.location())}: ", "bold"),  # a name is data
                    (f"{problem.severity}: ", "bold $error"),
                    problem.message,
                ),
                classes="problem",
            )
        yield Static(
            Content("Fix the file and open it again; the other briefings are unaffected."),
            classes="hint",
        )
