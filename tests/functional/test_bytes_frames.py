"""What one key sends to a terminal, counted in rows and cells through the frame delta (issue 14).

The app runs on tests/functional/test_delta.py's terminal driver, so each update goes
through the frame delta as it does in a real terminal; a key that shows a screen once
writes each row once, not one frame for a half-made layout and one for the finished one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest
from rich.console import Console
from textual._compositor import CompositorUpdate
from textual.geometry import Size
from textual.pilot import Pilot

from briefing_reader.tui.app import BriefingApp
from tests.conftest import BUNDLED
from tests.functional.conftest import (
    app_for,
    library_app,
    list_rows_drawn,
    loaded,
    settle,
    write_library,
)
from tests.functional.test_delta import Terminal, TerminalDriver, Twin


@dataclass
class Sent:
    """Spans written (frame, row, first column, last column + 1) and cells changed."""

    spans: list[tuple[int, int, int, int]] = field(default_factory=list)
    cells: int = 0
    frames: int = 0


class Counting(Twin):
    def __init__(self, plain: Terminal, delta: Terminal) -> None:
        super().__init__(plain, delta)
        self.sent = Sent()

    def render(self, update: CompositorUpdate, size: Size, console: Console) -> str:
        out = super().render(update, size, console)
        if out:
            self.sent.frames += 1  # the spans of this frame carry the count before it
        return out

    def patch(self, y: int, x: int, cells: list[tuple[str, tuple[str, str | None]]]) -> str:
        before = list(self.rows[y][x : x + len(cells)]) if 0 <= y < self.height else []
        out = super().patch(y, x, cells)
        if out:
            self.sent.spans.append((self.sent.frames, y, x, x + len(cells)))
            after = self.rows[y][x : x + len(cells)]
            self.sent.cells += sum(a != b for a, b in zip(before, after, strict=False))
        return out


def counting(app: BriefingApp, width: int, height: int) -> Counting:
    delta = Terminal(width, height)
    TerminalDriver.terminal = delta
    app.driver_class = TerminalDriver
    twin = Counting(Terminal(width, height), delta)
    app.frame = twin
    return twin


async def press(app: BriefingApp, pilot: Pilot[None], twin: Counting, key: str) -> Sent:
    twin.sent = Sent()
    await pilot.press(key)
    await settle(app, pilot)
    await pilot.pause()
    return twin.sent


async def test_a_cursor_move_in_the_library_rewrites_only_the_two_cursor_rows_of_the_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = library_app(write_library(tmp_path / "library"))
    twin = counting(app, 200, 60)
    async with app.run_test(headless=False, size=(200, 60)) as pilot:
        await loaded(app, pilot)
        listed = app.screen.query_one("LibraryList").region
        for key in ("j", "j", "k"):
            sent = await press(app, pilot, twin, key)
            in_list = {
                y
                for _, y, x1, x2 in sent.spans
                if listed.y < y < listed.bottom - 1 and x1 < listed.right and x2 > listed.x
            }
            assert len(in_list) == 2, (key, sorted(in_list))


async def test_escape_from_the_source_writes_each_row_once() -> None:
    app = app_for(BUNDLED)
    twin = counting(app, 200, 60)
    async with app.run_test(headless=False, size=(200, 60)) as pilot:
        await settle(app, pilot)
        await press(app, pilot, twin, "s")
        sent = await press(app, pilot, twin, "escape")
        assert not app.screen.query("#source")
        # Not a frame of the source emptied, then one of the panes: each row once (the
        # footer's keys, which change with focus, may follow in a frame of their own).
        frames_of_row: dict[int, set[int]] = {}
        for frame, y, _, _ in sent.spans:
            if y < 59:
                frames_of_row.setdefault(y, set()).add(frame)
        twice = {y: frames for y, frames in frames_of_row.items() if len(frames) > 1}
        assert not twice, twice


async def test_the_source_article_is_wrapped_once_not_again_for_its_scrollbar() -> None:
    app = app_for(BUNDLED)
    twin = counting(app, 200, 60)
    async with app.run_test(headless=False, size=(200, 60)) as pilot:
        await settle(app, pilot)
        sent = await press(app, pilot, twin, "s")
        assert app.screen.query("#source")
        # No more changed cells than a screenful, the article's scroll to the evidence
        # included: 1.23 screenfuls when the article was wrapped again, two columns
        # narrower, once it overflowed and grew a scrollbar.
        assert sent.cells <= 200 * 60, sent.cells


async def test_a_cursor_move_in_the_library_renders_only_the_two_cursor_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What the delta cannot save: the time to render every row of the list for each key.
    rendered = list_rows_drawn(monkeypatch)
    monkeypatch.chdir(tmp_path)
    app = library_app(write_library(tmp_path / "library"))
    async with app.run_test(size=(200, 60)) as pilot:
        await loaded(app, pilot)
        for key in ("j", "j", "k"):
            rendered.clear()
            await pilot.press(key)
            await settle(app, pilot)
            assert len(set(rendered)) == 2, (key, sorted(set(rendered)))
