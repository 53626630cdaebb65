"""The reader app and the one factory that builds it, for the CLI and the tests alike."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

if TYPE_CHECKING:
    from textual.command import Provider

from briefing_reader.loading import Loaded
from briefing_reader.tui.keys import key_help
from briefing_reader.tui.screens.briefing import BriefingScreen
from briefing_reader.tui.screens.help import HelpScreen


def _keyed_actions() -> type[Provider]:
    # Imported when the palette opens: textual.command costs ~15 ms of start-up.
    from briefing_reader.tui.commands import KeyedActions

    return KeyedActions


class BriefingApp(App[None]):
    """Reads briefings that the caller has already loaded."""

    # Absolute, so that subclasses defined elsewhere (tests, embedders) still find it.
    CSS_PATH = Path(__file__).with_name("app.tcss")
    TITLE = "briefing"
    COMMANDS = App.COMMANDS | {_keyed_actions}
    BINDINGS = [
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("q", "quit", "Quit", id="app.quit"),
    ]

    HELP_GROUP = "Anywhere"

    def __init__(self, entries: list[Loaded]) -> None:
        super().__init__()
        self.entries = entries
        self.theme = "textual-dark"

    def get_default_screen(self) -> Screen[None]:
        return BriefingScreen(self.entries)

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(key_help(self, self.screen)))


def make_app(entries: list[Loaded]) -> BriefingApp:
    return BriefingApp(entries)
