"""The library in the reader: list, filter, search, sort, read marks and live reload.

Every wait is on the app's own events and workers (``library_loaded``, workers finishing),
never on a sleep.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static

from briefing_reader.config import state_dir
from briefing_reader.library.state import ReadState
from briefing_reader.tui.app import BriefingApp
from briefing_reader.tui.screens.briefing import BriefingScreen
from briefing_reader.tui.screens.library import LibraryScreen
from briefing_reader.tui.widgets.library_list import LibraryList
from briefing_reader.tui.widgets.pane import Pane
from tests.functional.conftest import (
    IN_2020,
    briefing_yaml,
    burst,
    clicks,
    library_app,
    list_rows_drawn,
    loaded,
    settle,
    write,
    write_library,
)

WIDE = (120, 30)
NARROW = (80, 24)
SnapCompare = Callable[..., bool]


def titles(screen: LibraryScreen) -> list[str]:
    return [
        (screen.view.entries[i].title or Path(screen.view.entries[i].path).name)
        for i in screen.view.order
    ]


def status(screen: LibraryScreen) -> str:
    return str(screen.query_one("#library-status", Static).render())


def row_text(app: BriefingApp, row: int) -> str:
    widget = app.screen.query_one(LibraryList)
    return "".join(segment.text for segment in widget.render_line(row))


def unread(app: BriefingApp, row: int) -> bool:
    return row_text(app, row)[1] == "\u25cf"


def read_marks(screen: LibraryScreen) -> set[str]:
    """The ids of the library's briefings marked read."""
    return {e.id for e in screen.view.entries if e.id and screen.state.is_read(e.id)}


# --- the list ------------------------------------------------------------------------------


async def test_lists_every_briefing_newest_first_with_markers(library: Path) -> None:
    app = library_app(library)
    async with app.run_test(size=WIDE) as pilot:
        screen = await loaded(app, pilot)
        # The broken file has no date: it comes after every dated briefing.
        assert titles(screen) == [
            "Delta Freight cuts routes",
            "Bolt Mining expands north",
            "Acme misses on energy costs",
            "Core Power sells its grid arm",
            "zz-broken.yaml",
        ]
        assert status(screen).startswith("5 briefings")
        assert row_text(app, 0).startswith("\u258c\u25cf ") and "2025-03-01" in row_text(app, 0)
        assert row_text(app, 1).startswith(" \u25cf ")  # the bar marks the cursor's row
        # The broken file is listed with its error, never hidden.
        broken = row_text(app, 4)
        assert "\u26a0" in broken and "zz-broken.yaml" in broken and "error:" in broken


async def test_from_100_columns_the_list_shows_title_subject_period_and_date(
    library: Path,
) -> None:
    long_title = "Revenue doubles at Echo Labs as its data centre business finally pays off"
    write(
        library / "echo.yaml",
        briefing_yaml("echo-q4", long_title, "Echo Labs", "2025-06-01", "x"),
    )
    app = library_app(library)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(app, pilot)
        row = row_text(app, 0)
        assert long_title[:45] in row  # not cut at 37 cells by a preview
        assert "Echo Labs" in row[50:] and "Q4 2024" in row and row.rstrip().endswith("2025-06-01")
        # The columns line up from row to row.
        assert row_text(app, 1).index("Q4 2024") == row.index("Q4 2024")


async def test_at_80_columns_a_title_that_names_its_subject_and_period_has_their_room(
    tmp_path: Path,
) -> None:
    # Every title here begins with its subject and holds its period: columns for them beside
    # it cut each title at 45 cells ("Granite Hash adjusted ebitda of $374 mil…"), and the
    # rows, which differ only at their end, read alike.
    library = tmp_path / "granite"
    write_library(library)
    for briefing in library.glob("*.yaml"):
        briefing.unlink()
    for number in (12, 13):
        title = f"Granite Hash ebitda of $374 million in Q4 2024, no. {number}"
        write(
            library / f"granite-{number}.yaml",
            briefing_yaml(f"granite-{number}", title, "Granite Hash", "2025-06-01", "x"),
        )
    app = library_app(library)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        for row, number in enumerate((12, 13)):
            text = row_text(app, row)
            assert f"in Q4 2024, no. {number}" in text, text
            assert text.rstrip().endswith("2025-06-01"), text


async def test_an_undated_briefing_says_so_and_comes_after_the_dated(library: Path) -> None:
    text = briefing_yaml("echo-q4", "Echo Labs undated", "Echo Labs", "2025-06-01", "x")
    # Its file was changed just now: that day must neither show nor sort it first.
    (library / "echo.yaml").write_text(text.replace("date: 2025-06-01\n", ""))
    app = library_app(library)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await loaded(app, pilot)
        assert titles(screen)[4:] == ["Echo Labs undated", "zz-broken.yaml"]
        row = row_text(app, 4)
        assert row.rstrip().endswith("undated") and time.strftime("%Y-%m-%d") not in row


async def test_enter_opens_escape_returns_to_the_same_item(library: Path) -> None:
    app = library_app(library)
    async with app.run_test(size=WIDE) as pilot:
        screen = await loaded(app, pilot)
        await pilot.press("j", "j", "enter")
        await pilot.pause()
        assert isinstance(app.screen, BriefingScreen)
        assert app.screen.loaded.briefing is not None
        assert app.screen.loaded.briefing.title == "Acme misses on energy costs"
        await pilot.press("tab", "escape")
        await pilot.pause()
        assert app.screen is screen and screen.list.cursor == 2
        assert isinstance(app.focused, LibraryList)


async def test_brackets_follow_the_librarys_order(library: Path) -> None:
    app = library_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await loaded(app, pilot)
        await pilot.press("o")  # by title; the cursor stays on Delta, now fourth
        assert app.screen.list.cursor == 3  # type: ignore[attr-defined]
        await pilot.press("g", "enter", "right_square_bracket")
        await pilot.pause()
        assert isinstance(app.screen, BriefingScreen)
        assert app.screen.loaded.briefing is not None
        assert app.screen.loaded.briefing.title == "Bolt Mining expands north"
        await pilot.press("backspace")
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen) and app.screen.list.cursor == 1


async def test_o_cycles_the_sort_orders(library: Path) -> None:
    app = library_app(library)
    async with app.run_test(size=WIDE) as pilot:
        screen = await loaded(app, pilot)
        await pilot.press("o")
        assert titles(screen)[0] == "Acme misses on energy costs" and "by title" in status(screen)
        await pilot.press("o")
        assert "by subject" in status(screen)
        assert titles(screen)[:2] == ["Acme misses on energy costs", "Bolt Mining expands north"]
        await pilot.press("o")
        assert "unread first" in status(screen)
        await pilot.press("o")
        assert "newest first" in status(screen)


# --- filter --------------------------------------------------------------------------------


async def test_f_filters_with_a_count_and_escape_clears(library: Path) -> None:
    app = library_app(library)
    async with app.run_test(size=WIDE) as pilot:
        screen = await loaded(app, pilot)
        await pilot.press("f", *"bolt min")  # every word must match, in any order of fields
        await pilot.pause()
        assert titles(screen) == ["Bolt Mining expands north"]
        assert status(screen).startswith("1 / 5")
        assert isinstance(app.focused, Input)
        await pilot.press("q", "z")
        assert titles(screen) == [] and "Nothing matches" in row_text(app, 0)
        await pilot.press("escape")
        assert len(titles(screen)) == 5 and isinstance(app.focused, LibraryList)


async def test_enter_in_the_filter_opens_the_best_match_and_the_filter_stays(
    library: Path,
) -> None:
    app = library_app(library)
    async with app.run_test(size=WIDE) as pilot:
        screen = await loaded(app, pilot)
        await pilot.press("f", *"freight", "enter")
        await pilot.pause()
        assert isinstance(app.screen, BriefingScreen) and len(app.screen.entries) == 1
        await pilot.press("escape")
        await pilot.pause()
        assert titles(screen) == ["Delta Freight cuts routes"]
        assert isinstance(app.focused, LibraryList)


async def test_the_filter_highlights_matched_letters(library: Path) -> None:
    # A subject its title does not begin with: the list gives subjects a column.
    write(
        library / "echo.yaml",
        briefing_yaml("echo-q1", "Routes cut", "Delta Air", "2020-01-01", "x"),
    )
    app = library_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await loaded(app, pilot)
        await pilot.press("f", *"delta")
        await pilot.pause()
        widget = app.screen.query_one(LibraryList)
        matched = [s.text for s in widget.render_line(0) if s.style and s.style.underline]
        assert matched == ["Delta", "Delta"]  # in the title, and in the subject column


# Words a new user types at the list expecting a search box; each letter of most of them is
# a key (q quits, g and G jump, o sorts, u marks read, n and N step, ? helps, : and ! too).
REAL_WORDS = "quarter google undo open next Jump gross NET help? ok! [q] :wq 1 2 3 4"


async def test_a_letter_at_the_list_does_nothing_unless_it_is_a_key(library: Path) -> None:
    app = library_app(library)
    async with app.run_test(size=WIDE) as pilot:
        screen = await loaded(app, pilot)
        before = titles(screen)
        unbound = [c for c in "abcdehilmprstvwxyz" if c not in screen.active_bindings]
        assert len(unbound) > 10
        await pilot.press(*unbound)
        await pilot.pause()
        field = screen.query_one("#library-filter", Input)
        assert not field.has_class("-shown") and field.value == ""
        assert isinstance(app.focused, LibraryList) and screen.list.cursor == 0
        assert titles(screen) == before and app.screen is screen


async def test_words_typed_after_f_only_filter(library: Path) -> None:
    app = library_app(library)
    async with app.run_test(size=WIDE) as pilot:
        screen = await loaded(app, pilot)
        before = (titles(screen), screen.view.sort, read_marks(screen))
        await pilot.press("f", *REAL_WORDS)
        await pilot.pause()
        field = screen.query_one("#library-filter", Input)
        assert field.value == REAL_WORDS and app.focused is field
        assert app.is_running and app.return_code is None
        assert app.screen_stack == [screen]  # no help, no palette, no briefing opened
        assert screen.view.sort == before[1] and read_marks(screen) == before[2]
        await pilot.press("escape")
        assert titles(screen) == before[0] and isinstance(app.focused, LibraryList)


@pytest.mark.parametrize("opening", ["f", "/"])
async def test_a_word_typed_in_one_burst_after_f_or_slash_goes_into_the_field(
    library: Path, opening: str
) -> None:
    app = library_app(library)
    async with app.run_test(size=WIDE) as pilot:
        screen = await loaded(app, pilot)
        before = (screen.view.sort, read_marks(screen))
        burst(app, opening + "quarter gross u o")
        await pilot.pause()
        await settle(app, pilot)
        field = app.focused
        assert isinstance(field, Input), "the keys after the first did not reach the field"
        assert field.value == "quarter gross u o"
        assert app.is_running and app.return_code is None and app.screen is screen
        assert (screen.view.sort, read_marks(screen)) == before


async def test_a_word_typed_ahead_while_the_library_opens_goes_into_the_filter(
    library: Path,
) -> None:
    """Typed before the app has even started (keys waiting in the terminal): they come
    before the screen has its list, and the filter line is mounted only after that."""
    app = library_app(library)
    burst(app, "fquarter")
    async with app.run_test(size=WIDE) as pilot:
        # Bounded: a crash in the key's action left the app never loading.
        screen = await asyncio.wait_for(loaded(app, pilot), 20)
        field = screen.query_one("#library-filter", Input)
        assert field.value == "quarter" and app.focused is field
        assert app.is_running and app.screen is screen


async def test_quitting_at_the_first_frame_ends_cleanly(library: Path) -> None:
    """q (or a SIGTERM) as the first frame comes: the lines mounted after it must not be
    mounted into a screen going away (a MountError traceback, exit status 1)."""
    app = library_app(library)
    burst(app, "q")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
    assert app.return_code == 0 and app._exception is None


async def test_a_click_moves_the_cursor_and_a_double_click_opens_the_briefing(
    library: Path,
) -> None:
    app = library_app(library)
    async with app.run_test(size=WIDE) as pilot:
        screen = await loaded(app, pilot)
        listing = screen.list
        region = listing.content_region
        third = screen.view.entry_at(2)
        assert third is not None
        clicks(app, region.x + 5, region.y + 1, 1)
        await settle(app, pilot)
        assert listing.cursor == 1 and app.screen is screen
        clicks(app, region.x + 5, region.y + 2, 3)  # a triple-click opens it once
        await settle(app, pilot)
        assert isinstance(app.screen, BriefingScreen), "a double-click opens the briefing"
        assert app.screen.loaded.name.endswith(Path(third.path).name)
        assert len(app.screen_stack) == 2
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is screen and listing.cursor == 2
        clicks(app, region.x + 5, region.y + region.height - 1, 2)  # below the last row
        await settle(app, pilot)
        assert app.screen is screen and listing.cursor == 2


async def test_a_paste_at_the_list_goes_into_the_filter(library: Path) -> None:
    from textual import events

    app = library_app(library)
    async with app.run_test(size=WIDE) as pilot:
        screen = await loaded(app, pilot)
        app.post_message(events.Paste("quarter  google\nuuuu"))
        await pilot.pause()
        field = screen.query_one("#library-filter", Input)
        assert field.has_class("-shown") and field.value == "quarter google uuuu"
        assert app.is_running and app.screen is screen and screen.view.sort == "date"
        assert not read_marks(screen)
        assert "Nothing matches" in row_text(app, 0)


WORDS = "Quarterly debt burden grows as energy prices stay elevated"


def write_forty(folder: Path) -> None:
    """The four briefings and 36 more whose long titles hold most letters, none a word typed."""
    write_library(folder)
    for number in range(36):
        title = f"Company {number:02} says {WORDS} in region {number}"
        # One subject with acme in it, newer than the Acme whose title holds it.
        subject = "Acme Holdings" if number == 3 else f"Company {number:02}"
        date = "2025-12-01" if number == 3 else f"2023-{number % 12 + 1:02}-01"
        tag = "alphabeta" if number == 7 else "results"
        write(
            folder / f"co-{number:02}.yaml",
            briefing_yaml(f"co-{number:02}", title, subject, date, tag),
        )


async def test_the_filter_ranks_puts_the_cursor_on_the_best_match_and_enter_opens_it(
    tmp_path: Path,
) -> None:
    write_forty(tmp_path / "forty")
    app = library_app(tmp_path / "forty")
    async with app.run_test(size=WIDE) as pilot:
        screen = await loaded(app, pilot)
        assert len(titles(screen)) == 40
        await pilot.press("j", "j", "j", "j", "j")  # the cursor well away from Acme
        await pilot.press("f", *"beta")
        await pilot.pause()
        # Only the tag holding "beta": b, e, t, a scattered over every long title do not count.
        assert [t[:11] for t in titles(screen)] == ["Company 07 "]
        await pilot.press(*["backspace"] * 4, *"acme")
        await pilot.pause()
        # A title before a subject, though the subject's briefing is newer.
        assert titles(screen) == [
            "Acme misses on energy costs",
            "Company 03 says " + WORDS + " in region 3",
        ]
        assert screen.list.cursor == 0 and status(screen).startswith("2 / 40")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, BriefingScreen) and app.screen.loaded.briefing is not None
        assert app.screen.loaded.briefing.title == "Acme misses on energy costs"


async def test_the_cursor_follows_the_best_match_as_you_type(tmp_path: Path) -> None:
    write_forty(tmp_path / "forty")
    app = library_app(tmp_path / "forty")
    async with app.run_test(size=WIDE) as pilot:
        screen = await loaded(app, pilot)
        await pilot.press("f", *"energy")
        await pilot.pause()
        # In 37 titles (the newest first at the same rank) and in Core's tags.
        assert screen.list.current is not None
        assert screen.list.current.title == "Acme misses on energy costs"
        await pilot.press(*" core")
        await pilot.pause()
        assert screen.list.current is not None
        assert screen.list.current.title == "Core Power sells its grid arm"
        assert screen.list.cursor == 0


async def test_tag_facets_in_the_command_palette(library: Path) -> None:
    app = library_app(library)
    async with app.run_test(size=WIDE) as pilot:
        screen = await loaded(app, pilot)
        assert ("energy", 2) in screen.view.tags()
        await pilot.press("ctrl+p", *"tag: energy")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert sorted(titles(screen)) == [
            "Acme misses on energy costs",
            "Core Power sells its grid arm",
        ]
        assert "tag: energy" in status(screen)


# --- full-text search ----------------------------------------------------------------------


async def test_slash_searches_every_field_and_n_moves_across_briefings(library: Path) -> None:
    app = library_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await loaded(app, pilot)
        # Only in open questions: "Will Bolt Mining recover?" and in Bolt's title/subject.
        await pilot.press("slash", *"recover", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, BriefingScreen)
        first = app.screen.loaded.briefing
        assert first is not None and first.title == "Delta Freight cuts routes"
        pane = app.focused
        assert isinstance(pane, Pane) and pane.number == 4 and pane.cursor == 0
        assert "reverse" in pane.item_views[0].render().markup  # type: ignore[attr-defined]
        await pilot.press("n")
        await pilot.pause()
        second = app.screen.loaded.briefing
        assert second is not None and second.title == "Bolt Mining expands north"
        await pilot.press("N")
        await pilot.pause()
        assert app.screen.loaded.briefing == first


async def test_the_status_says_searching_until_the_search_is_done(
    library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The first search at 10,000 reads every text, ~0.5 s after enter with the search line
    # gone: without a word on screen the library looked as if enter had done nothing.
    from briefing_reader.library.session import LibrarySession

    release = threading.Event()
    search = LibrarySession.search

    def slow_search(session: LibrarySession, query: str, sources: bool) -> Any:
        release.wait(10)
        return search(session, query, sources)

    monkeypatch.setattr(LibrarySession, "search", slow_search)
    app = library_app(library)
    async with app.run_test(size=WIDE) as pilot:
        screen = await loaded(app, pilot)
        await pilot.press("slash", *"recover", "enter")
        await pilot.pause()
        assert "searching: recover\u2026" in status(screen)
        release.set()
        await settle(app, pilot)
        assert isinstance(app.screen, BriefingScreen)
        assert "searching" not in status(screen) and "search: recover \u2014" in status(screen)


async def test_search_is_case_sensitive_only_with_a_capital(library: Path) -> None:
    app = library_app(library)
    async with app.run_test(size=WIDE) as pilot:
        screen = await loaded(app, pilot)
        await pilot.press("slash", *"ENERGY", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, LibraryScreen) and "0 found" in status(screen)
        await pilot.press("slash", *"energy", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, BriefingScreen)


# --- read state ----------------------------------------------------------------------------


async def test_opening_marks_read_and_u_toggles_saved_by_id(library: Path) -> None:
    app = library_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await loaded(app, pilot)
        assert unread(app, 0)
        await pilot.press("enter", "escape")
        await pilot.pause()
        assert not unread(app, 0)
        saved = json.loads((state_dir() / "read.json").read_text())
        assert list(saved["read"]) == ["delta-q1"]
        await pilot.press("j", "u")
        await pilot.pause()
        assert not unread(app, 1)
    state, warnings = ReadState.load()
    assert state.is_read("delta-q1") and state.is_read("bolt-q3") and warnings == []
    assert set(json.loads((state_dir() / "read.json").read_text())["read"]) == {
        "delta-q1",
        "bolt-q3",
    }


async def test_read_marks_follow_a_moved_file(library: Path) -> None:
    state, _ = ReadState.load()
    state.mark("acme-q4")
    state.save()
    (library / "acme.yaml").rename(library / "renamed.yaml")
    app = library_app(library)
    async with app.run_test(size=WIDE) as pilot:
        screen = await loaded(app, pilot)
        position = screen.view.position_of(str(library / "renamed.yaml"))
        assert position is not None and not unread(app, position)


async def test_a_corrupt_state_file_is_set_aside_with_a_warning(library: Path) -> None:
    path = state_dir() / "read.json"
    path.parent.mkdir(parents=True)
    path.write_text("{not json")
    app = library_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await loaded(app, pilot)
        assert any("moved aside" in w for w in app.startup_warnings)
        await pilot.press("enter")
        await pilot.pause()
    assert list(path.parent.glob("read.json.corrupt-*"))
    assert "delta-q1" in json.loads(path.read_text())["read"]


async def test_no_state_never_writes(library: Path) -> None:
    app = library_app(library, read_state=False)
    async with app.run_test(size=WIDE) as pilot:
        await loaded(app, pilot)
        await pilot.press("enter", "escape", "u")
        await pilot.pause()
    assert not (state_dir() / "read.json").exists()


# --- live reload ---------------------------------------------------------------------------


async def reload(app: BriefingApp, pilot: Pilot[None], *paths: Path, kind: str) -> None:
    """Tell the library what the watcher would, and wait for the reload to land."""
    from briefing_reader.library.watch import Change

    screen = app.screen if isinstance(app.screen, LibraryScreen) else app.screen_stack[0]
    assert isinstance(screen, LibraryScreen)
    screen._reload([Change(kind, path) for path in paths])  # type: ignore[arg-type]
    await settle(app, pilot)


async def test_a_file_added_while_a_briefing_is_open_is_in_its_list(library: Path) -> None:
    app = library_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await loaded(app, pilot)
        await pilot.press("enter")  # Delta, the newest
        await pilot.pause()
        reader = app.screen
        assert isinstance(reader, BriefingScreen) and len(reader.entries) == 5
        new = library / "echo.yaml"
        write(new, briefing_yaml("echo-q4", "Echo Labs doubles revenue", "Echo", "2025-06-01", "x"))
        await reload(app, pilot, new, kind="added")
        assert app.screen is reader and len(reader.entries) == 6
        assert reader.loaded.briefing is not None
        assert reader.loaded.briefing.title == "Delta Freight cuts routes"  # still shown
        await pilot.press("left_square_bracket")  # the newer one, listed above it now
        await pilot.pause()
        assert reader.loaded.briefing is not None
        assert reader.loaded.briefing.title == "Echo Labs doubles revenue"


async def test_added_changed_and_deleted_files_update_the_list(library: Path) -> None:
    app = library_app(library)
    async with app.run_test(size=WIDE) as pilot:
        screen = await loaded(app, pilot)
        await pilot.press("j")  # on Bolt
        new = library / "echo.yaml"
        write(new, briefing_yaml("echo-q4", "Echo Labs doubles revenue", "Echo", "2025-06-01", "x"))
        await reload(app, pilot, new, kind="added")
        assert titles(screen)[0] == "Echo Labs doubles revenue"
        assert screen.list.current is not None
        assert screen.list.current.title == "Bolt Mining expands north"  # selection kept
        text = (library / "core.yaml").read_text().replace("sells its grid arm", "keeps its grid")
        write(library / "core.yaml", text)
        await reload(app, pilot, library / "core.yaml", kind="modified")
        assert "Core Power keeps its grid" in titles(screen)
        (library / "acme.yaml").unlink()
        await reload(app, pilot, library / "acme.yaml", kind="deleted")
        assert "Acme misses on energy costs" not in titles(screen)
        assert status(screen).startswith("5 briefings")


async def test_the_open_briefing_reloads_keeping_pane_and_item(library: Path) -> None:
    app = library_app(library)
    async with app.run_test(size=WIDE) as pilot:
        # Once loaded: the race of a save with the index is the test below's.
        await loaded(app, pilot)
        path = library / "delta.yaml"
        more = "open_questions:\n" + "".join(
            f"  - {{question: Question {n}?}}\n" for n in range(1, 4)
        )
        write(path, path.read_text().replace("open_questions:\n", more))
        await reload(app, pilot, path, kind="modified")
        await pilot.press("enter", "4", "j", "j")
        await pilot.pause()
        briefing_screen = app.screen
        assert isinstance(briefing_screen, BriefingScreen)
        write(path, path.read_text().replace("Question 1?", "Question one (edited)?"))
        await reload(app, pilot, path, kind="modified")
        assert app.screen is briefing_screen
        briefing = briefing_screen.loaded.briefing
        assert briefing is not None
        assert briefing.open_questions[0].question == "Question one (edited)?"
        pane = app.focused
        assert isinstance(pane, Pane) and pane.number == 4 and pane.cursor == 2


async def test_a_file_read_mid_write_as_the_reader_starts_takes_the_first_row_once_read_again(
    library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The index reads delta (the newest) as it is saved, empty, so Bolt heads the list; the
    # save is reported before the index comes, and delta is read again once it has. The
    # cursor, never moved, must then be on delta, the first row: it stayed on Bolt, now the
    # second (stop 21's CI: enter opened Bolt in
    # test_the_open_briefing_reloads_keeping_pane_and_item).
    import threading

    from briefing_reader.library.session import LibrarySession
    from briefing_reader.library.watch import Change

    path = library / "delta.yaml"
    full = path.read_text()
    write(path, "")
    read, go = threading.Event(), threading.Event()
    load_index = LibrarySession.load_index

    def slow_load_index(self: LibrarySession, *args: object, **kwargs: object) -> object:
        index = load_index(self, *args, **kwargs)  # type: ignore[arg-type]
        read.set()
        go.wait(10)
        return index

    monkeypatch.setattr(LibrarySession, "load_index", slow_load_index)
    app = library_app(library)
    async with app.run_test(size=WIDE) as pilot:
        while not read.is_set():
            await pilot.pause(0.01)
        write(path, full)
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        screen._reload([Change("modified", path)])
        for worker in [worker for worker in app.workers if worker.group == "reload"]:
            await worker.wait()
        go.set()
        await settle(app, pilot)
        assert titles(screen)[:2] == ["Delta Freight cuts routes", "Bolt Mining expands north"]
        assert screen.list.cursor == 0
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, BriefingScreen)
        assert app.screen.loaded.path.name == "delta.yaml"


async def test_a_file_caught_mid_write_is_read_again(
    library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefing_reader.library import watch

    path = library / "acme.yaml"
    full = path.read_text()
    write(path, full[: len(full) // 2])

    def finish_writing(settling: Path, *args: object, **kwargs: object) -> bool:
        write(settling, full)  # the writer finished while we waited for the file to settle
        return True

    monkeypatch.setattr(watch, "settled", finish_writing)
    app = library_app(library)
    async with app.run_test(size=WIDE) as pilot:
        screen = await loaded(app, pilot)
        await reload(app, pilot, path, kind="modified")
        entry = next(e for e in screen.view.entries if e.path == str(path))
        assert entry.error_count == 0 and entry.title == "Acme misses on energy costs"


async def test_the_watcher_reports_a_new_file_to_the_running_app(library: Path) -> None:
    """End to end through watchfiles: the list grows when a file appears on disk."""
    import asyncio

    app = library_app(library, watch=True)
    async with app.run_test(size=WIDE) as pilot:
        screen = await loaded(app, pilot)
        seen = asyncio.Event()
        app.library_reloaded = lambda rebuilt: seen.set()  # type: ignore[attr-defined]
        # The watch starts after the filled list's frame (call_after_refresh): on a busy
        # machine that frame may come after the workers settle.
        for _ in range(200):
            if screen.session.watcher is not None:
                break
            await pilot.pause(0.025)
        assert screen.session.watcher is not None, "the library never started watching"
        new = library / "echo.yaml"
        for _ in range(50):  # the watch is set up asynchronously: poke until it reports
            write(new, briefing_yaml("echo-q4", "Echo Labs", "Echo", "2025-06-01", "x"))
            try:
                await asyncio.wait_for(seen.wait(), 0.5)
                break
            except TimeoutError:
                continue
        await settle(app, pilot)
        assert "Echo Labs" in titles(screen)


# --- empty and broken folders, snapshots ---------------------------------------------------


async def test_an_empty_folder_opens_an_empty_library(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    app = library_app(tmp_path / "empty")
    async with app.run_test(size=WIDE) as pilot:
        screen = await loaded(app, pilot)
        assert status(screen).startswith("0 briefings") and len(screen.view) == 0
        assert "No briefings in" in row_text(app, 0)
        await pilot.press("enter", "j", "u", "o")  # nothing to act on: nothing breaks
        assert isinstance(app.screen, LibraryScreen)


@pytest.mark.parametrize("size", [WIDE, NARROW])
def test_library_snapshot(snap_compare: SnapCompare, library: Path, size: tuple[int, int]) -> None:
    assert snap_compare(library_app(library), run_before=_wait_loaded, terminal_size=size)


def test_library_filtered_snapshot(snap_compare: SnapCompare, library: Path) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await _wait_loaded(pilot)
        await pilot.press("f", *"energy")

    assert snap_compare(library_app(library), run_before=run_before, terminal_size=WIDE)


def test_empty_library_snapshot(snap_compare: SnapCompare, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("empty").mkdir()
    assert snap_compare(library_app(Path("empty")), run_before=_wait_loaded, terminal_size=NARROW)


def test_every_file_broken_snapshot(
    snap_compare: SnapCompare, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    folder = Path("broken")
    folder.mkdir()
    write(folder / "a.yaml", "format: briefing/1\nid: [unclosed\n", when=IN_2020)
    write(folder / "b.yaml", "format: briefing/2\n", when=IN_2020)
    write(folder / "c.yaml", "- just\n- a list\n", when=IN_2020)
    assert snap_compare(library_app(folder), run_before=_wait_loaded, terminal_size=WIDE)


def test_indexing_in_progress_snapshot(
    snap_compare: SnapCompare, library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(LibraryScreen, "_load_index", lambda self: None)

    async def run_before(pilot: Pilot[None]) -> None:
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, LibraryScreen)
        screen._progress(3400, 10000)
        await pilot.pause()

    assert snap_compare(library_app(library), run_before=run_before, terminal_size=NARROW)


async def test_a_progress_report_redraws_the_status_line_not_the_list(
    library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Reported each second of a cold start: redrawing every row for it took the core the
    # workers parse on, and sent the list down the line again.
    from briefing_reader.library.index import Index

    monkeypatch.setattr(LibraryScreen, "_load_index", lambda self: None)
    entries = list(Index.load([library], use_cache=False, workers=1).entries)
    app = library_app(library)
    async with app.run_test(size=NARROW) as pilot:
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        screen._partial(entries)
        await pilot.pause()
        drawn = list_rows_drawn(monkeypatch)
        screen._progress(3400, 10000)
        await pilot.pause()
        assert "indexing 3,400 / 10,000" in status(screen)
        assert drawn == []
        assert titles(screen)  # still listed


async def _wait_loaded(pilot: Pilot[None]) -> None:
    app = pilot.app
    assert isinstance(app, BriefingApp)
    await app.library_loaded.wait()
    await settle(app, pilot)  # the preview loads on a worker
