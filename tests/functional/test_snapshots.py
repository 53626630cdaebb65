"""Screens pinned as SVG snapshots: size, theme and content fixed; no clocks on screen.

Update with `pytest tests/functional/test_snapshots.py --snapshot-update`, then look at every
changed snapshot as a picture before committing it.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.pilot import Pilot

from briefing_reader.tui import make_app
from tests.conftest import BUNDLED, FIXTURES, load
from tests.functional.conftest import app_for

SnapCompare = Callable[..., bool]


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (60, 20), (100, 30)])
def test_main_screen(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    # At 80x24 and 100x30 every pane shows its title and first item, the quote its speaker.
    assert snap_compare(app_for(BUNDLED), terminal_size=size)


@pytest.mark.parametrize("pane", ["1", "2", "3", "4"])
def test_each_pane_focused_with_an_item_expanded(snap_compare: SnapCompare, pane: str) -> None:
    assert snap_compare(app_for(BUNDLED), press=[pane, "j", "enter"], terminal_size=(120, 40))


def test_zoomed_pane(snap_compare: SnapCompare) -> None:
    assert snap_compare(app_for(BUNDLED), press=["2", "enter", "z"], terminal_size=(80, 24))


def test_help_screen(snap_compare: SnapCompare) -> None:
    app = app_for(BUNDLED, FIXTURES / "minimal.yaml")
    assert snap_compare(app, press=["question_mark"], terminal_size=(80, 24))


def test_every_optional_field_missing(snap_compare: SnapCompare) -> None:
    assert snap_compare(app_for(FIXTURES / "minimal.yaml"), terminal_size=(100, 24))


def test_very_long_text(snap_compare: SnapCompare) -> None:
    app = app_for(FIXTURES / "long.yaml")
    assert snap_compare(app, press=["2", "enter", "1", "G"], terminal_size=(100, 30))


def test_error_entry(snap_compare: SnapCompare) -> None:
    app = app_for(FIXTURES / "broken.yaml", BUNDLED)
    assert snap_compare(app, terminal_size=(80, 24))


def test_briefing_with_problems(snap_compare: SnapCompare) -> None:
    assert snap_compare(app_for(FIXTURES / "warned.yaml"), terminal_size=(100, 24))


def test_hostile_text_is_literal(snap_compare: SnapCompare) -> None:
    assert snap_compare(app_for(FIXTURES / "hostile.yaml"), terminal_size=(100, 30))


def test_tiny_terminal(snap_compare: SnapCompare) -> None:
    assert snap_compare(app_for(BUNDLED), press=["tab"], terminal_size=(20, 6))


def test_no_color(snap_compare: SnapCompare, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = app_for(BUNDLED)
    assert app.no_color

    async def move(pilot: Pilot[None]) -> None:
        await pilot.press("tab", "j")

    assert snap_compare(app, run_before=move, terminal_size=(80, 24))


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
def test_source_pane_highlights_the_evidence(
    snap_compare: SnapCompare, size: tuple[int, int]
) -> None:
    assert snap_compare(app_for(BUNDLED), press=["2", "j", "s"], terminal_size=size)


def test_light_theme(snap_compare: SnapCompare) -> None:
    app = make_app([load(BUNDLED)], theme="textual-light")
    assert snap_compare(app, press=["tab"], terminal_size=(120, 40))


@pytest.mark.parametrize("theme", ["ansi-dark", "ansi-light"])
def test_ansi_themes_at_80x24(snap_compare: SnapCompare, theme: str) -> None:
    # The ANSI themes use the terminal's own 16 colours, as a Linux console would.
    app = make_app([load(BUNDLED)], theme=theme)
    assert snap_compare(app, press=["tab", "enter"], terminal_size=(80, 24))


def test_problems_screen(snap_compare: SnapCompare) -> None:
    app = app_for(FIXTURES / "warned.yaml")
    assert snap_compare(app, press=["exclamation_mark"], terminal_size=(100, 24))
