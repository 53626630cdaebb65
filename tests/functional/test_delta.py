"""The frame delta (tui/delta.py): a terminal fed only the changed cells shows what a full
repaint shows, through every key and resize, while taking far fewer bytes.

The app runs on a driver that is no headless one (Textual writes nothing headless), whose
bytes go to a pyte terminal; a second pyte terminal gets Textual's own bytes for the very
same updates. After each update the two must show the same cells, and after each key both
must show the compositor's full frame.
"""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

import pyte
import pytest
from rich.console import Console
from textual._compositor import ChopsUpdate, CompositorUpdate, LayoutUpdate
from textual.app import App
from textual.drivers.headless_driver import HeadlessDriver
from textual.geometry import Size
from textual.pilot import Pilot
from textual.screen import Screen

from briefing_reader.tui.app import BriefingApp
from briefing_reader.tui.delta import Frame, move_to
from tests.conftest import BUNDLED
from tests.functional.conftest import (
    Shown,
    app_for,
    library_app,
    loaded,
    seen,
    settle,
    write_library,
)


class Terminal:
    """A pyte terminal of a given size."""

    def __init__(self, width: int, height: int) -> None:
        self.screen = pyte.Screen(width, height)
        self.stream = pyte.Stream(self.screen)
        self.bytes = 0

    def feed(self, data: str) -> None:
        self.bytes += len(data.encode())
        self.stream.feed(data)

    def resize(self, width: int, height: int) -> None:
        self.screen.resize(height, width)

    def cells(self) -> list[list[Shown]]:
        screen = self.screen
        return [
            [seen(screen.buffer[y][x]) for x in range(screen.columns)] for y in range(screen.lines)
        ]

    def text(self) -> str:
        return "\n".join(self.screen.display)


def first_difference(got: list[list[Shown]], want: list[list[Shown]]) -> str:
    for y, (got_row, want_row) in enumerate(zip(got, want, strict=True)):
        for x, (a, b) in enumerate(zip(got_row, want_row, strict=True)):
            if a != b:
                return f"row {y} column {x}: shows {a}, a full repaint shows {b}"
    return ""


class Twin(Frame):
    """The app's frame, which also feeds Textual's own bytes of each update to ``plain``."""

    def __init__(self, plain: Terminal, delta: Terminal) -> None:
        super().__init__()
        self.plain = plain
        self.delta = delta
        self.updates = 0
        self.mismatch = ""

    def render(self, update: CompositorUpdate, size: Size, console: Console) -> str:
        # The delta terminal has had every byte of the update before this one.
        self.check()
        self.updates += 1
        self.plain.feed(update.render_segments(console))
        return super().render(update, size, console)

    def check(self) -> None:
        if not self.mismatch:
            self.mismatch = first_difference(self.delta.cells(), self.plain.cells())


class TerminalDriver(HeadlessDriver):
    """Textual writes to it as to a terminal (it is not headless); a pyte terminal reads."""

    terminal: Terminal

    @property
    def is_headless(self) -> bool:
        return False

    def write(self, data: str) -> None:
        self.terminal.feed(data)


def on_terminal(app: BriefingApp, width: int, height: int) -> tuple[Twin, Terminal, Terminal]:
    plain, delta = Terminal(width, height), Terminal(width, height)
    TerminalDriver.terminal = delta
    app.driver_class = TerminalDriver
    twin = Twin(plain, delta)
    app.frame = twin
    return twin, plain, delta


async def full_frame(app: App[Any], console: Console) -> list[list[Shown]]:
    """What a full repaint of the current screen shows on a fresh terminal."""
    size = app.screen.outer_size
    fresh = Terminal(size.width, size.height)
    strips = app.screen._compositor.render_strips()
    fresh.feed("".join(move_to(0, y) + strip.render(console) for y, strip in enumerate(strips)))
    return fresh.cells()


async def press_and_compare(
    app: BriefingApp, pilot: Pilot[None], twin: Twin, keys: list[str | tuple[int, int]]
) -> None:
    for key in keys:
        if isinstance(key, tuple):
            twin.plain.resize(*key)
            twin.delta.resize(*key)
            await pilot.resize_terminal(*key)
        else:
            await pilot.press(key)
        await settle(app, pilot)
        await pilot.pause()
        twin.check()
        assert not twin.mismatch, f"after {key!r}: {twin.mismatch}"
        want = await full_frame(app, app.console)
        difference = first_difference(twin.delta.cells(), want)
        assert not difference, f"after {key!r}: {difference}\n{twin.delta.text()}"


READER_KEYS: list[str | tuple[int, int]] = [
    "j",
    "j",
    "k",
    "tab",
    "j",
    "enter",
    "2",
    "3",
    "4",
    "1",
    "s",
    "j",
    "escape",
    "z",
    "j",
    "z",
    "shift+tab",
    "G",
    "g",
    "question_mark",
    "j",
    "escape",
    (120, 40),
    "tab",
    "s",
    (60, 20),
    "j",
    (200, 60),
    "4",
    "slash",
    "m",
    "i",
    "n",
    "e",
    "enter",
    "n",
    "exclamation_mark",
    "escape",
]


async def test_the_reader_through_every_key_shows_what_a_full_repaint_shows() -> None:
    app = app_for(BUNDLED)
    twin, plain, delta = on_terminal(app, 100, 30)
    async with app.run_test(headless=False, size=(100, 30)) as pilot:
        await settle(app, pilot)
        assert app.sends_changes_only()
        await press_and_compare(app, pilot, twin, READER_KEYS)
    assert twin.updates > len(READER_KEYS)
    # Only the changed cells: the same screens for well under half of Textual's bytes.
    assert delta.bytes < plain.bytes / 2, (delta.bytes, plain.bytes)


async def test_the_library_filter_and_a_briefing_show_what_a_full_repaint_shows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    folder = write_library(tmp_path / "library", broken=True)
    app = library_app(folder)
    twin, plain, delta = on_terminal(app, 170, 40)
    async with app.run_test(headless=False, size=(170, 40)) as pilot:
        await loaded(app, pilot)
        keys: list[str | tuple[int, int]] = ["j", "j", "k", "G", "g", "o", "o", "u"]
        keys += ["f", "e", "n", "r", "g", "backspace", "down", "escape", "escape"]
        keys += ["j", "enter", "tab", "s", "escape", "escape", (90, 30), "j", "k", "enter"]
        keys += ["escape", (170, 40), "j"]
        await press_and_compare(app, pilot, twin, keys)
    assert delta.bytes < plain.bytes / 2, (delta.bytes, plain.bytes)


async def test_a_headless_app_gets_textuals_own_rendering() -> None:
    # The pilot and the snapshots run headless: the frame stays out of their way.
    app = app_for(BUNDLED)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("j", "tab")
        assert not app.sends_changes_only()
        assert app.frame.rows == [] or all(cell is None for row in app.frame.rows for cell in row)


def test_textual_private_surface() -> None:
    """What tui/delta.py reads of Textual's privates is still there, as it reads it.

    If this fails after a Textual upgrade, the frame delta is off its hook: look at how
    Textual 8.2.8's App._display and textual/_compositor.py turn updates into bytes.
    """
    assert list(inspect.signature(App._display).parameters) == ["self", "screen", "renderable"]
    source = inspect.getsource(App._display)
    assert "isinstance(renderable, CompositorUpdate)" in source
    assert "renderable.render_segments(console)" in source
    # FrameDeltaApp._writes_updates and _changes_nothing mirror these conditions and reads.
    for private in (
        "self._batch_count",
        "self._running",
        "not self._closed",
        "self._driver is not None",
    ):
        assert private in source
    assert "self._previous_cursor_position = cursor_position" in source
    assert "self.screen.outer_size.clamp_offset(\n" in source or "clamp_offset(" in source
    assert "app._display(self, update)" in inspect.getsource(Screen._compositor_refresh)
    assert list(inspect.signature(LayoutUpdate).parameters) == ["strips", "region"]
    assert list(inspect.signature(ChopsUpdate).parameters) == ["chops", "spans", "chop_ends"]
    assert issubclass(LayoutUpdate, CompositorUpdate)
    assert issubclass(ChopsUpdate, CompositorUpdate)
