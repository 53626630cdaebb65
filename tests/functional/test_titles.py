"""Titles on screen while the library is still being indexed (issue 14).

The index is held back deterministically: parsing blocks at a chosen file until the test lets
it go, so "before the index is complete" is a state the test is in, not a race it hopes to
win. Waits are on events, never on sleeps.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from briefing_reader.library import index as index_module
from briefing_reader.library.index import Entry, Index
from briefing_reader.tui.app import BriefingApp
from briefing_reader.tui.screens.library import LibraryScreen
from briefing_reader.tui.widgets.library_list import LibraryList
from tests.conftest import ARTICLE, OLD
from tests.functional.conftest import briefing_yaml, library_app, settle, write

# A serial index tells the screen its entries every PROGRESS_EVERY files: the first batch
# arrives, then parsing blocks before the next file.
FIRST = index_module.PROGRESS_EVERY
LATER = 30
TIMEOUT_S = 30


class Gate:
    """Blocks the index before its file number ``at`` (counting from 1) until opened."""

    def __init__(self, at: int) -> None:
        self.at = at
        self.calls = 0
        self.reached = threading.Event()
        self.opened = threading.Event()

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        real = index_module._build_row

        def gated(*args: Any) -> Any:
            self.calls += 1
            if self.calls == self.at:
                self.reached.set()
                if not self.opened.wait(TIMEOUT_S):
                    raise AssertionError("the test never let the index go on")
            return real(*args)

        monkeypatch.setattr(index_module, "_build_row", gated)

    async def wait_reached(self) -> None:
        assert await asyncio.to_thread(self.reached.wait, TIMEOUT_S), "the index never blocked"


def make_library(folder: Path) -> Path:
    """FIRST briefings dated 2024, then LATER ones dated 2025: these sort above the first."""
    (folder / "sources").mkdir(parents=True)
    write(folder / "sources" / "article.txt", ARTICLE, when=OLD)
    for number in range(FIRST + LATER):
        year = 2024 if number < FIRST else 2025
        date = f"{year}-{number % 12 + 1:02}-{number % 28 + 1:02}"
        text = briefing_yaml(f"b-{number:03}", f"Briefing {number:03}", "Acme", date, "energy")
        write(folder / f"b{number:03}.yaml", text)
    return folder


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[Gate]:
    gate = Gate(FIRST + 1)
    gate.install(monkeypatch)
    yield gate
    gate.opened.set()  # never leave the index thread blocked


def row_text(app: BriefingApp, row: int) -> str:
    widget = app.screen.query_one(LibraryList)
    return "".join(segment.text for segment in widget.render_line(row))


def shown_path(app: BriefingApp) -> str | None:
    entry = app.screen.query_one(LibraryList).current
    return entry.path if entry is not None else None


async def test_a_title_is_on_screen_before_the_index_is_complete(
    tmp_path: Path, gate: Gate
) -> None:
    app = library_app(make_library(tmp_path / "library"), use_cache=False)
    async with app.run_test(size=(100, 24)) as pilot:
        await gate.wait_reached()
        await pilot.pause()
        assert not app.library_loaded.is_set()
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        assert screen.session.index is None  # still indexing
        assert "Briefing " in row_text(app, 0)  # a title, not the empty list's message
        assert len(screen.view) == FIRST
        gate.opened.set()
        await asyncio.wait_for(app.library_loaded.wait(), TIMEOUT_S)
        await settle(app, pilot)
        assert len(screen.view) == FIRST + LATER
        # Settled: newest first, the later (2025) briefings on top.
        assert screen.view.entry_at(0).date.startswith("2025")  # type: ignore[union-attr]


async def test_the_cursor_keeps_its_briefing_while_entries_arrive_and_resort(
    tmp_path: Path, gate: Gate
) -> None:
    app = library_app(make_library(tmp_path / "library"), use_cache=False)
    async with app.run_test(size=(100, 24)) as pilot:
        await gate.wait_reached()
        await pilot.pause()
        await pilot.press("j", "j", "j")
        await pilot.pause()
        chosen = shown_path(app)
        assert chosen is not None
        gate.opened.set()
        await asyncio.wait_for(app.library_loaded.wait(), TIMEOUT_S)
        await settle(app, pilot)
        listing = app.screen.query_one(LibraryList)
        # LATER newer briefings came in above it: the cursor went with its briefing.
        assert listing.cursor >= LATER
        assert shown_path(app) == chosen


async def test_on_the_first_row_the_cursor_stays_on_the_newest(tmp_path: Path, gate: Gate) -> None:
    app = library_app(make_library(tmp_path / "library"), use_cache=False)
    async with app.run_test(size=(100, 24)) as pilot:
        await gate.wait_reached()
        await pilot.pause()
        gate.opened.set()
        await asyncio.wait_for(app.library_loaded.wait(), TIMEOUT_S)
        await settle(app, pilot)
        listing = app.screen.query_one(LibraryList)
        assert listing.cursor == 0
        assert listing.current is not None and listing.current.date is not None
        assert listing.current.date.startswith("2025")


async def test_a_briefing_opened_before_the_index_is_complete_steps_through_all_of_it(
    tmp_path: Path, gate: Gate
) -> None:
    # Opened while the list held the first batch, the reader said "2/100" for good, and ]
    # stepped through those 100 only, after the library had come to 130.
    from textual.widgets import Static

    from briefing_reader.tui.screens.briefing import BriefingScreen

    app = library_app(make_library(tmp_path / "library"), use_cache=False)
    async with app.run_test(size=(100, 24)) as pilot:
        await gate.wait_reached()
        await pilot.pause()
        await pilot.press("j", "enter")
        await pilot.pause()
        reader = app.screen
        assert isinstance(reader, BriefingScreen)
        shown = reader.loaded.briefing
        assert shown is not None
        meta = reader.query_one("#meta", Static)
        assert str(meta.render()).endswith(f"2/{FIRST}")
        gate.opened.set()
        await asyncio.wait_for(app.library_loaded.wait(), TIMEOUT_S)
        await settle(app, pilot)
        assert app.screen is reader and len(reader.entries) == FIRST + LATER
        assert reader.loaded.briefing is shown  # the same briefing, not read again
        # The LATER newer briefings sort above it: it is further down the whole list now.
        assert str(meta.render()).endswith(f"{LATER + 2}/{FIRST + LATER}")
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert reader.index == LATER + 2


class HeldPrefetch:
    """A prefetch whose child holds its workers (see Prefetch.go): it tells a first batch,
    then gives the index only once the screen says its titles are shown."""

    def __init__(self, first: list[Entry], index: Index) -> None:
        self.first = first
        self.index = index
        self.gone = threading.Event()
        self.app: BriefingApp | None = None
        self.row_at_go: str | None = None
        self.displays_at_drawn: int | None = None  # frames written when drawn() came
        self.displays_at_go: int | None = None  # and when go() came
        self.displays = 0

    def ready(self) -> Index | None:
        return None

    def told(self) -> list[Entry]:
        return []

    def wait(self, progress: Any = None, partial: Any = None, *, saved: bool = True) -> Any:
        partial(self.first)
        return self.index if self.gone.wait(TIMEOUT_S) else None

    def drawn(self) -> None:
        if self.displays_at_drawn is None:
            self.displays_at_drawn = self.displays

    def coming(self) -> int | None:
        return None

    def go(self) -> None:
        if self.displays_at_go is None:
            self.displays_at_go = self.displays
        if self.app is not None and not self.gone.is_set():
            self.row_at_go = row_text(self.app, 0)  # what the screen had drawn by then
        self.gone.set()

    def cancel(self) -> None:
        self.gone.set()


async def test_the_workers_are_let_go_once_the_first_titles_are_on_screen(tmp_path: Path) -> None:
    # The workers would take a quarter of the core the first frames are drawn on; held, they
    # must not be held for long: the screen says go as soon as its first titles are drawn.
    folder = make_library(tmp_path / "library")
    index = Index.load([folder], use_cache=False, workers=1)
    prefetch = HeldPrefetch(list(index.entries[:5]), index)
    app = library_app(folder, use_cache=False, prefetch=prefetch)
    prefetch.app = app
    async with app.run_test(size=(100, 24)) as pilot:
        assert await asyncio.to_thread(prefetch.gone.wait, TIMEOUT_S), "go never came"
        assert prefetch.row_at_go is not None and "Briefing " in prefetch.row_at_go
        await asyncio.wait_for(app.library_loaded.wait(), TIMEOUT_S)
        await settle(app, pilot)
        assert len(app.screen.query_one(LibraryList).view) == FIRST + LATER


async def test_the_prefetch_hears_of_the_first_frame_as_it_is_written(tmp_path: Path) -> None:
    # A warm start's index is decoded once the first frame is out (Prefetch.drawn): told
    # after Textual's next refreshes instead, it waited ~50 ms more for the footer's keys;
    # never told, a second (DRAWN_S).
    folder = make_library(tmp_path / "library")
    index = Index.load([folder], use_cache=False, workers=1)
    prefetch = HeldPrefetch(list(index.entries[:5]), index)
    app = library_app(folder, use_cache=False, prefetch=prefetch)

    written = app.post_display_hook

    def count_display() -> None:
        written()
        prefetch.displays += 1

    app.post_display_hook = count_display  # type: ignore[method-assign]
    async with app.run_test(size=(100, 24)) as pilot:
        await asyncio.wait_for(app.library_loaded.wait(), TIMEOUT_S)
        await settle(app, pilot)
    assert prefetch.displays_at_drawn == 0, prefetch.displays_at_drawn


async def test_the_workers_are_let_go_by_the_frame_that_first_shows_titles(tmp_path: Path) -> None:
    # Told after Textual's next refreshes instead, the go waited ~80 ms for the footer's
    # keys to be composed, while the workers could have been parsing on the other core.
    folder = make_library(tmp_path / "library")
    index = Index.load([folder], use_cache=False, workers=1)
    prefetch = HeldPrefetch(list(index.entries[:5]), index)
    app = library_app(folder, use_cache=False, prefetch=prefetch)
    written = app.post_display_hook
    first_with_titles: list[int] = []

    def count_display() -> None:
        if not first_with_titles and "Briefing " in row_text(app, 0):
            first_with_titles.append(prefetch.displays)
        written()
        prefetch.displays += 1

    app.post_display_hook = count_display  # type: ignore[method-assign]
    async with app.run_test(size=(100, 24)) as pilot:
        assert await asyncio.to_thread(prefetch.gone.wait, TIMEOUT_S), "go never came"
        await asyncio.wait_for(app.library_loaded.wait(), TIMEOUT_S)
        await settle(app, pilot)
    assert first_with_titles and prefetch.displays_at_go == first_with_titles[0]
