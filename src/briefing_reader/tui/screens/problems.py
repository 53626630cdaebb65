"""Every problem of the briefing on screen, one per line, like `briefing validate` prints them."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from briefing_reader.loading import Loaded


class ProblemsScreen(ModalScreen[None]):
    """The full list behind the problems banner (which shows only the first few)."""

    BINDINGS = [
        Binding("escape,q,exclamation_mark", "dismiss", "Close", id="problems.close"),
        Binding("down,j", "scroll(1)", "Scroll down", show=False),
        Binding("up,k", "scroll(-1)", "Scroll up", show=False),
    ]

    def __init__(self, loaded: Loaded) -> None:
        super().__init__()
        self.loaded = loaded

    def compose(self) -> ComposeResult:
        lines = [
            Content.assemble(
                (f"{problem.location()}: ", "bold"),
                (
                    f"{problem.severity}: ",
                    "bold $error" if problem.severity == "error" else "bold $warning",
                ),
                problem.message,
            )
            for problem in self.loaded.problems
        ]
        with VerticalScroll(id="problems-body") as body:
            body.border_title = Content(f"Problems: {self.loaded.name or self.loaded.path}")
            body.border_subtitle = Content("escape: close")
            yield Static(
                Content("\n").join(lines) if lines else Content("No problems."), id="problems-text"
            )

    def action_scroll(self, step: int) -> None:
        self.query_one("#problems-body", VerticalScroll).scroll_relative(y=step, animate=False)
