"""The reader app and the one factory that builds it, for the CLI and the tests alike."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import signal
import threading
from collections.abc import Callable, MutableSequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import events, on
from textual.app import App
from textual.screen import Screen

if TYPE_CHECKING:
    from rich.console import RenderableType
    from textual.command import Provider

    from briefing_reader.library.prefetch import Prefetch
    from briefing_reader.library.state import ReadState
    from briefing_reader.loading import Loaded

from briefing_reader.briefing_files import ReaderFiles
from briefing_reader.config import Config
from briefing_reader.keys import APP
from briefing_reader.terminal import (  # clipboard_sequences: what older callers import here
    clipboard_route,
    clipboard_sequences,  # noqa: F401
    tmux_clipboard,
    tmux_load_buffer,
)
from briefing_reader.text import clean_name
from briefing_reader.tui import css
from briefing_reader.tui.delta import FrameDeltaApp
from briefing_reader.tui.keys import bindings
from briefing_reader.tui.messages import ScreenNews


def _keyed_actions() -> type[Provider]:
    # Imported when the palette opens: start-up pays for every module it imports.
    from briefing_reader.tui.commands import KeyedActions

    return KeyedActions


def _tag_facets() -> type[Provider]:
    from briefing_reader.tui.commands import TagFacets

    return TagFacets


DEFAULT_THEME = "textual-dark"

# Seconds a SIGTERM or SIGHUP gives the reader to restore the terminal and exit before the
# process ends regardless: restoring takes milliseconds, unless the terminal is gone.
SIGNAL_EXIT_GRACE = 5.0


class BriefingApp(FrameDeltaApp[None]):
    """Reads briefings that the caller has already loaded."""

    TITLE = "briefing"
    COMMANDS = App.COMMANDS | {_keyed_actions, _tag_facets}
    BINDINGS = bindings(APP)

    HELP_GROUP = "Anywhere"

    def __init__(
        self,
        entries: MutableSequence[Loaded],
        *,
        theme: str | None = None,
        config: Config | None = None,
        save_theme: Callable[[str], None] | None = None,
        library: Callable[[], Screen[None]] | None = None,
        files: ReaderFiles | None = None,
    ) -> None:
        """``config`` supplies the theme and key bindings; ``theme`` (from --theme) wins.

        ``save_theme`` is called when the user picks another theme (the CLI persists it),
        not for the one the app starts with, so --theme is for this run only; tests leave it
        None so nothing is written. It may raise OSError or ValueError: the app says so.
        ``library`` makes the first screen (the library) instead of a reader over ``entries``.
        ``files`` is what the reader does with files and processes (sources, reloads, the
        editor): the screens never open a file themselves.
        """
        # Before super().__init__, which may set a theme; None: nothing chosen yet.
        self._save_theme = save_theme
        self._shown_theme: str | None = None
        # The shared styles and the first screen's (absolute paths: subclasses defined elsewhere,
        # tests and embedders, still find them); the other screen reads its own when shown.
        super().__init__(css_path=[css.SHARED, css.LIBRARY if library else css.READER])
        self.entries = entries
        self.briefing_files = files or ReaderFiles()
        self._library = library
        # Set once the library's index is in its list: for tests and the benchmark.
        self.library_loaded = asyncio.Event()
        # Called once the next frame is written (see after_frame).
        self._frame_waiting: list[Callable[[], None]] = []
        self._frame_written = False
        self.config = config or Config()
        self.startup_warnings: list[str] = []
        chosen = theme or self.config.theme or DEFAULT_THEME
        if chosen not in self.available_themes:
            self.startup_warnings.append(
                f"unknown theme '{chosen}'; using {DEFAULT_THEME} "
                f"(themes: {', '.join(sorted(self.available_themes))})"
            )
            chosen = DEFAULT_THEME
        # Setting it calls watch_theme, which must not save: this is no pick, and --theme is
        # for this run only.
        self._shown_theme = chosen
        self.theme = chosen
        self._gc_paused = False
        self._quitting = False  # exit() was called: see on_event
        # The signals _exit_on_signals took over, and the handlers they had before.
        self._signals: dict[int, Any] = {}
        # Where the last copy went ("the clipboard (via tmux)"): the reader's notification.
        self.clipboard_where = "the clipboard"
        if self.config.keys:
            self.set_keymap(self.config.keys)

    def exit(
        self,
        result: None = None,
        return_code: int = 0,
        message: RenderableType | None = None,
    ) -> None:
        self._quitting = True
        super().exit(result, return_code, message)

    async def on_event(self, event: events.Event) -> None:
        # Keys that came in the same read as q (a word typed in the reader: "question")
        # were still handled before the app's exit: its e started the editor, which then
        # had the rest of the word ("stion": vim's s deletes a character and inserts "tion")
        # and held the exit until it was closed. Once leaving, no key or click acts.
        if self._quitting and isinstance(event, events.InputEvent):
            return
        await super().on_event(event)

    def on_load(self) -> None:
        # Start-up creates many long-lived objects (widgets, styles, caches) and little
        # garbage, so the collector's passes over them only delay the first paint. Like
        # Textual's PAUSE_GC_ON_SCROLL, pause it, here until the screen has been drawn.
        # (The CLI may have paused it already, before importing us: resume it all the same.)
        gc.disable()
        self._gc_paused = True
        if not self.is_headless:  # a test's app must not take over the test run's signals
            self._exit_on_signals()

    def _exit_on_signals(self) -> None:
        # SIGTERM (kill, a closing session manager) and SIGHUP (the terminal closed) would
        # end the process where it stands, leaving the alternate screen, mouse reporting
        # and a hidden cursor behind: exit as q does instead, with the shell's status for
        # death by that signal. signal.signal, not loop.add_signal_handler: the handler
        # must run even while the loop is blocked (an editor running, a write to a
        # terminal that is gone), to arm the watchdog below. Not outside the main thread.
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGHUP):
            try:
                previous = signal.signal(signum, partial(self._signalled, loop))
            except ValueError:
                continue
            self._signals[signum] = previous

    def _signalled(self, loop: asyncio.AbstractEventLoop, signum: int, frame: object) -> None:
        status = 128 + signum
        signal.signal(signum, signal.SIG_DFL)  # a second one kills for good
        self._signals.pop(signum, None)
        # Where the terminal is gone, restoring it can block for good (Textual's writer
        # thread dies on EIO and its queue fills): the process then ends all the same.
        watchdog = threading.Timer(SIGNAL_EXIT_GRACE, os._exit, (status,))
        watchdog.daemon = True
        watchdog.start()
        # In the loop's thread, as soon as it runs: a signal may interrupt it anywhere.
        with contextlib.suppress(RuntimeError):  # the loop already closed: the watchdog ends it
            loop.call_soon_threadsafe(partial(self.exit, return_code=status))

    def on_mount(self) -> None:
        self.call_after_refresh(self._resume_gc)
        for warning in self.startup_warnings:
            # They name files, folders and themes from the command line and config: data.
            self.notify(clean_name(warning), severity="warning", timeout=8, markup=False)

    def watch_theme(self, theme: str) -> None:
        # Picked in the command palette: remember it for next time.
        if self._shown_theme is None or theme == self._shown_theme:
            return
        self._shown_theme = theme
        if self._save_theme is None:
            return
        try:
            self._save_theme(theme)
        except (OSError, ValueError) as error:  # what config.save_theme raises
            # stderr is hidden behind the screen: say it here.
            self.notify(
                f"could not save the theme: {error}", severity="warning", timeout=8, markup=False
            )

    def copy_to_clipboard(self, text: str) -> None:
        """OSC 52, or what tmux and GNU screen need to pass it on, once (see terminal.py).

        Sets :attr:`clipboard_where` to where the text went, for the notification.
        """
        self._clipboard = text  # what Textual's own paste actions read
        # Asked at each copy, as the user may change the options meanwhile; a local tmux
        # answers in milliseconds, and one that hangs has hung the user's terminal anyway.
        tmux = tmux_clipboard(os.environ) if os.environ.get("TMUX") else None
        route = clipboard_route(text, os.environ, tmux)
        self.clipboard_where = route.where
        driver = self._driver  # Textual has no public way to write raw escape sequences
        if driver is not None:
            for sequence in route.sequences:
                driver.write(sequence)
        if route.load_buffer:
            self.run_worker(
                lambda: tmux_load_buffer(text, os.environ), thread=True, exit_on_error=False
            )

    def open_url(self, url: str, *, new_tab: bool = True) -> None:
        """Open ``url`` in the user's browser if it is an http(s) URL, and say so.

        ``o`` and the links in briefing text both come here. The browser is started
        without a shell and not waited for (see ReaderFiles.open_url); what stops it is
        said in one line. In a browser session Textual's own way opens it in the user's
        browser, not on the server.
        """
        from briefing_reader.terminal import browser_url
        from briefing_reader.text import clean

        try:
            safe = browser_url(url)
            driver = self._driver
            if driver is not None and driver.is_web:
                super().open_url(safe, new_tab=new_tab)
            else:
                self.briefing_files.open_url(safe, on_exit=self._browser_exited)
        except (LookupError, ValueError, OSError) as error:
            said = clean(str(error))
            said = said[:1].upper() + said[1:]
            self.notify(said, title="Not opened", severity="warning", markup=False)
            return
        shown = safe if len(safe) <= 200 else safe[:199] + "…"
        self.notify(shown, title="Opening in the browser", markup=False)

    def _browser_exited(self, status: int) -> None:
        # Called from the thread that waits for the browser, perhaps after the app ended.
        # A browser ended by a signal (status < 0) was closed or killed: nothing to say.
        if status > 0 and self.is_running:
            with contextlib.suppress(RuntimeError):
                self.call_from_thread(
                    self.notify,
                    f"The browser exited with status {status}.",
                    severity="warning",
                )

    def on_unmount(self) -> None:
        self._resume_gc()  # in case the app stops before its first refresh
        for signum, previous in self._signals.items():
            # What comes after the app (the CLI's clean-up) dies as it did before.
            with contextlib.suppress(ValueError, TypeError):
                signal.signal(signum, previous if previous is not None else signal.SIG_DFL)
        self._signals.clear()

    def after_frame(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` once the next frame has been written (what is refreshed now is
        on screen then).

        Sooner than call_after_refresh, which waits for the screen to be idle: from a first
        screen's mount, that came after the footer's keys were composed, ~50 to 90 ms later.
        """
        self._frame_waiting.append(callback)

    def after_first_frame(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` once the first frame has been written, at once if it has."""
        if self._frame_written:
            callback()
        else:
            self.after_frame(callback)

    def post_display_hook(self) -> None:
        super().post_display_hook()
        self._frame_written = True
        waiting, self._frame_waiting = self._frame_waiting, []
        for callback in waiting:
            callback()

    def _resume_gc(self) -> None:
        if self._gc_paused:
            self._gc_paused = False
            gc.enable()

    def get_default_screen(self) -> Screen[Any]:
        if self._library is not None:
            return self._library()
        # Here: a library's first frame needs none of the reader's screen (about 0.4 MB of
        # modules: its panes, the evidence checks, the reader's search).
        from briefing_reader.tui.screens.briefing import BriefingScreen

        return BriefingScreen(self.entries, files=self.briefing_files)

    @on(ScreenNews)
    def _pass_on(self, message: ScreenNews) -> None:
        # Screens are siblings: what one tells the others comes through here, to each.
        for screen in self.screen_stack:
            screen.post_message(message)

    def action_command_palette(self) -> None:
        from briefing_reader.tui.commands import Palette

        if self.use_command_palette and not isinstance(self.screen, Palette):
            self.push_screen(Palette(id="--command-palette"))

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


def make_library_app(
    folders: list[Path],
    *,
    theme: str | None = None,
    config: Config | None = None,
    save_theme: Callable[[str], None] | None = None,
    use_cache: bool = True,
    read_state: ReadState | bool = True,
    watch: bool = True,
    index_workers: int | None = None,
    prefetch: Prefetch | None = None,
) -> BriefingApp:
    """The reader opening on the library of ``folders``.

    ``read_state``: True reads and saves the marks in the XDG state folder, False keeps them
    in memory only (``--no-state``), or a ReadState to use. Returns before indexing starts;
    ``app.library_loaded`` is set once the list is full. ``prefetch`` is the index being
    read in a child process (the CLI starts it before importing Textual).
    """
    from briefing_reader.library.session import LibrarySession, read_marks
    from briefing_reader.tui.screens.library import LibraryScreen

    state, warnings = read_marks(read_state)
    files = ReaderFiles()

    def library() -> Screen[None]:
        session = LibrarySession(
            folders,
            state,
            use_cache=use_cache,
            index_workers=index_workers,
            prefetch=prefetch,
            files=files,
        )
        return LibraryScreen(session, watch=watch)

    app = BriefingApp(
        [], theme=theme, config=config, save_theme=save_theme, library=library, files=files
    )
    app.startup_warnings.extend(warnings)
    return app
