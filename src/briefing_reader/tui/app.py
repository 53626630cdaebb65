"""The reader app and the one factory that builds it, for the CLI and the tests alike."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

if TYPE_CHECKING:
    from textual.command import Provider

from briefing_reader.loading import Loaded
from briefing_reader.tui.screens.briefing import BriefingScreen


def _keyed_actions() -> type[Provider]:
    # Imported when the palette opens: start-up pays for every module it imports.
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
        self._gc_paused = False

    def on_load(self) -> None:
        # Start-up creates many long-lived objects (widgets, styles, caches) and little
        # garbage, so the collector's passes over them only delay the first paint. Like
        # Textual's PAUSE_GC_ON_SCROLL, pause it, here until the screen has been drawn.
        if gc.isenabled():
            gc.disable()
            self._gc_paused = True

    def on_mount(self) -> None:
        self.call_after_refresh(self._resume_gc)

    def on_unmount(self) -> None:
        self._resume_gc()  # in case the app stops before its first refresh

    def _resume_gc(self) -> None:
        if self._gc_paused:
            self._gc_paused = False
            gc.enable()

    def get_default_screen(self) -> Screen[None]:
        return BriefingScreen(self.entries)

    def action_help(self) -> None:
        # Imported on first use: start-up pays for every module it imports.
        from briefing_reader.tui.keys import key_help
        from briefing_reader.tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(key_help(self, self.screen)))


def make_app(entries: list[Loaded]) -> BriefingApp:
    return BriefingApp(entries)
