"""The help screen, generated from the bindings active on the screen beneath it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from briefing_reader.tui.keys import KeyHelp

INTRO = (
    "Each briefing shows four panes. Move between panes with tab or 1-4, "
    "between items with j/k or the arrows; enter shows an item's evidence in place."
)


class HelpScreen(ModalScreen[None]):
    """Every key of the reader, read from the active bindings so it cannot drift."""

    # Here rather than in app.tcss, which is parsed before the first paint.
    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;

        #help-body {
            width: 90%;
            max-width: 90;
            height: 90%;
            border: round $accent;
            background: $surface;
            padding: 0 1;
        }
    }
    """

    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close help", id="help.close"),
        Binding("down,j", "scroll(1)", "Scroll down", show=False),
        Binding("up,k", "scroll(-1)", "Scroll up", show=False),
    ]

    def __init__(self, keys: list[KeyHelp]) -> None:
        super().__init__()
        self.keys = keys

    def compose(self) -> ComposeResult:
        width = max((len(k.keys) for k in self.keys), default=0) + 2
        lines = [Content(INTRO)]
        group = None
        for key in self.keys:
            if key.group != group:
                group = key.group
                lines += [Content(""), Content.styled(group, "bold underline")]
            lines.append(
                Content.assemble((key.keys.ljust(width), "bold $text-accent"), key.description)
            )
        with VerticalScroll(id="help-body") as body:
            body.border_title = Content("Keys")
            body.border_subtitle = Content("escape: close")
            yield Static(Content("\n").join(lines), id="help-text")

    def action_scroll(self, step: int) -> None:
        self.query_one("#help-body", VerticalScroll).scroll_relative(y=step, animate=False)
