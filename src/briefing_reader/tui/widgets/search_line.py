"""The reader's search line: one row above the footer, as in less and vim."""

from __future__ import annotations

from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Input

from briefing_reader.keys import SEARCH
from briefing_reader.tui.keys import bindings


class SteadyInput(Input):
    """An Input whose cursor does not blink: every one of our input lines is one.

    Textual draws the cursor itself, so each blink is a frame the app sends, twice a second
    for as long as the line has focus: ~500 B/s over SSH, and as much over a browser
    session's socket. A steady cursor costs nothing, in a terminal or a browser alike.
    """

    cursor_blink: reactive[bool] = reactive(False, init=False)


class SearchLine(SteadyInput):
    """Typed into after ``/``; the screen runs the search on enter and drops it on escape."""

    # Styled in app.tcss only, with the library's one-line inputs.

    # A binding, not a key handler, so [keys] can remap it and --help tells it.
    BINDINGS = bindings(SEARCH)

    class Cancelled(Message):
        """Escape: the screen closes the line without searching."""

    def __init__(self) -> None:
        # Kept once made: the last search comes back selected, to edit or type over.
        super().__init__(placeholder="search this briefing", id="reader-search")

    def action_cancel(self) -> None:
        self.post_message(self.Cancelled())
