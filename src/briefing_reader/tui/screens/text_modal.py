"""A scrolling box of text over the screen beneath: the base of the help and problems screens."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from briefing_reader.keys import MODAL
from briefing_reader.tui.keys import bindings


class TextModal(ModalScreen[None]):
    """Shows ``body()`` in a titled, scrolling box; escape or q closes it."""

    # Here rather than in app.tcss or a screen's file, parsed before the first paint.
    DEFAULT_CSS = """
    TextModal {
        align: center middle;

        #modal-body {
            width: 90%;
            max-width: 90;
            height: 90%;
            border: round $accent;
            background: $surface;
            padding: 0 1;
        }
    }
    """

    BINDINGS = bindings(MODAL)

    title_text = ""

    def body(self) -> Content:
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="modal-body") as box:
            box.border_title = Content(self.title_text)
            box.border_subtitle = Content("escape: close")
            yield Static(self.body(), id="modal-text")

    def action_scroll(self, step: int) -> None:
        self.query_one("#modal-body", VerticalScroll).scroll_relative(y=step, animate=False)
