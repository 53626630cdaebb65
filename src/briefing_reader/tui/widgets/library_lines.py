"""The library's two input lines, the filter and the full-text search, with keys of their own.

Their keys are bindings (not a key handler on the screen), so the config file's [keys]
can remap them and --help tells them; the screen does what each one asks.
"""

from __future__ import annotations

from textual.message import Message

from briefing_reader.keys import FILTER, LIBRARY_SEARCH
from briefing_reader.tui.keys import bindings
from briefing_reader.tui.widgets.search_line import SteadyInput


class FilterLine(SteadyInput):
    """Filters the list as it is typed into."""

    BINDINGS = bindings(FILTER)

    class Cleared(Message):
        """Escape: the screen drops the filter and goes back to the list."""

    class Left(Message):
        """Down: on to the list, the filter kept."""

    def action_clear(self) -> None:
        self.post_message(self.Cleared())

    def action_to_list(self) -> None:
        self.post_message(self.Left())


class LibrarySearchLine(SteadyInput):
    """The full-text search, run on enter."""

    BINDINGS = bindings(LIBRARY_SEARCH)

    class Cancelled(Message):
        """Escape: the screen drops the line without searching."""

    class SourcesToggled(Message):
        """Ctrl+t: the search looks in the source articles too, or no longer does."""

    def action_cancel(self) -> None:
        self.post_message(self.Cancelled())

    def action_toggle_sources(self) -> None:
        self.post_message(self.SourcesToggled())
