"""The reader app and the one factory that builds it, for the CLI and the tests alike."""

from __future__ import annotations

import gc
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

if TYPE_CHECKING:
    from textual.command import Provider

from briefing_reader.config import Config
from briefing_reader.loading import Loaded
from briefing_reader.terminal import clipboard_sequences, tmux_load_buffer
from briefing_reader.tui.screens.briefing import BriefingScreen


def _keyed_actions() -> type[Provider]:
    # Imported when the palette opens: start-up pays for every module it imports.
    from briefing_reader.tui.commands import KeyedActions

    return KeyedActions


DEFAULT_THEME = "textual-dark"


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

    def __init__(
        self,
        entries: list[Loaded],
        *,
        theme: str | None = None,
        config: Config | None = None,
        save_theme: Callable[[str], None] | None = None,
    ) -> None:
        """``config`` supplies the theme and key bindings; ``theme`` (from --theme) wins.

        ``save_theme`` is called when the user picks another theme (the CLI persists it);
        tests leave it None so nothing is written.
        """
        self._save_theme = save_theme  # before super().__init__, which may set a theme
        super().__init__()
        self.entries = entries
        self.config = config or Config()
        self.startup_warnings: list[str] = []
        chosen = theme or self.config.theme or DEFAULT_THEME
        if chosen not in self.available_themes:
            self.startup_warnings.append(
                f"unknown theme '{chosen}'; using {DEFAULT_THEME} "
                f"(themes: {', '.join(sorted(self.available_themes))})"
            )
            chosen = DEFAULT_THEME
        self.theme = chosen
        self._gc_paused = False
        if self.config.keys:
            self.set_keymap(self.config.keys)

    def on_load(self) -> None:
        # Start-up creates many long-lived objects (widgets, styles, caches) and little
        # garbage, so the collector's passes over them only delay the first paint. Like
        # Textual's PAUSE_GC_ON_SCROLL, pause it, here until the screen has been drawn.
        # (The CLI may have paused it already, before importing us: resume it all the same.)
        gc.disable()
        self._gc_paused = True

    def on_mount(self) -> None:
        self.call_after_refresh(self._resume_gc)
        for warning in self.startup_warnings:
            self.notify(warning, severity="warning", timeout=8, markup=False)

    def watch_theme(self, theme: str) -> None:
        # Picked in the command palette (or with --theme): remember it for next time.
        if self._save_theme is not None and self.is_mounted:
            self._save_theme(theme)

    def copy_to_clipboard(self, text: str) -> None:
        """OSC 52, and what tmux and GNU screen need to pass it on (see terminal.py)."""
        self._clipboard = text  # what Textual's own paste actions read
        driver = self._driver  # Textual has no public way to write raw escape sequences
        if driver is not None:
            for sequence in clipboard_sequences(text, os.environ):
                driver.write(sequence)
        if os.environ.get("TMUX"):
            # tmux's default `set-clipboard external` ignores OSC 52 from apps: hand it over.
            self.run_worker(
                lambda: tmux_load_buffer(text, os.environ), thread=True, exit_on_error=False
            )

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


def make_app(
    entries: list[Loaded],
    *,
    theme: str | None = None,
    config: Config | None = None,
    save_theme: Callable[[str], None] | None = None,
) -> BriefingApp:
    return BriefingApp(entries, theme=theme, config=config, save_theme=save_theme)
