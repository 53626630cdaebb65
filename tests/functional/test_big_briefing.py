"""The biggest briefings the loader allows stay quick to read (issue 11, "Big briefings").

A briefing just under the 1 MiB limit with nearly all of it in one pane: thousands of loss
drivers, or one quote of a megabyte. Keys must do work in proportion to what they change,
not to the size of the pane: these tests count that work (widgets in the pane, characters
drawn), never the clock. benchmarks/big_briefing.py measures the time per key.
"""

from __future__ import annotations

import shutil
from itertools import pairwise
from pathlib import Path

import pytest
from textual.pilot import Pilot

from briefing_reader.loading import load_file
from briefing_reader.loading.yamlsafe import MAX_BYTES
from briefing_reader.output.markdown import item_line, section_markdown
from briefing_reader.sections import SECTIONS
from briefing_reader.tui.app import BriefingApp, make_app
from briefing_reader.tui.screens.briefing import BriefingScreen
from briefing_reader.tui.widgets.item import ItemView
from briefing_reader.tui.widgets.pane import Pane
from tests.conftest import BUNDLED

SIZE = (120, 40)
# Room left under the limit by the generated files: they must load, and be near the limit.
SLACK = 4096
# Verbatim from the bundled article, so the items carry no problem for a missing excerpt.
EVIDENCE = "Core Scientific emerged from bankruptcy in 2023"

_HEAD = """\
format: briefing/1
id: big-{kind}
title: A briefing as big as the loader allows
subject: Core Scientific
summary: Nearly all of this file is in one pane.
source: {{title: Core Scientific, file: sources/core-scientific-expansion.txt}}
headline_facts:
  - {{label: Net loss, value: $265 million, evidence: "{evidence}"}}
open_questions: []
"""


def many_items_yaml(limit: int = MAX_BYTES - SLACK) -> tuple[str, int]:
    """Loss drivers until the file is just under ``limit`` bytes; the text and their number.

    Item 1 carries text that looks like markup, which must stay text everywhere.
    """
    parts = [_HEAD.format(kind="many", evidence=EVIDENCE), "ceo_quote: null\nloss_drivers:\n"]
    size = sum(len(part) for part in parts)
    count = 0
    while True:
        title = f"Driver {count:05d} of the quarter's loss"
        if count == 1:
            title = "Driver 00001 [b]not markup[/b] of the quarter's loss"
        item = (
            f"  - title: {title}\n"
            f"    detail: Energy cost more in month {count}, as each unit of power drawn from the\n"
            f"      grid was dearer, and the miner drew as many as before.\n"
            f"    evidence: {EVIDENCE}\n"
        )
        if size + len(item) > limit:
            return "".join(parts), count
        parts.append(item)
        size += len(item)
        count += 1


_QUOTE_LINE = "    Energy cost more, and we paid for every unit of power we drew from the grid.\n"


def huge_quote_yaml(limit: int = MAX_BYTES - SLACK) -> tuple[str, str]:
    """One CEO quote filling the file to just under ``limit`` bytes; the text and the quote."""
    head = _HEAD.format(kind="quote", evidence=EVIDENCE) + (
        "loss_drivers: []\nceo_quote:\n  speaker: A. Person\n  role: CEO\n  text: >-\n"
    )
    lines = (limit - len(head)) // len(_QUOTE_LINE)
    # Folded (>-): the lines join with single spaces.
    quote = " ".join([_QUOTE_LINE.strip()] * lines)
    return head + _QUOTE_LINE * lines, quote


def write_big(folder: Path, name: str, text: str) -> Path:
    """``text`` as ``folder/name``, beside a copy of the bundled briefing's source article."""
    shutil.copytree(BUNDLED.parent / "sources", folder / "sources", dirs_exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    size = path.stat().st_size
    assert MAX_BYTES - 2 * SLACK < size <= MAX_BYTES  # as big as a briefing may be
    return path


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    text, count = many_items_yaml()
    return write_big(tmp_path_factory.mktemp("big"), "many.yaml", text), count


@pytest.fixture(scope="module")
def quote(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    text, said = huge_quote_yaml()
    return write_big(tmp_path_factory.mktemp("big"), "quote.yaml", text), said


def app_for(path: Path) -> BriefingApp:
    return make_app([load_file(path)])


def reader(app: BriefingApp) -> BriefingScreen:
    assert isinstance(app.screen, BriefingScreen)
    return app.screen


def pane(app: BriefingApp, number: int) -> Pane:
    return reader(app).panes[number - 1]


def highlighted(view_pane: Pane) -> list[int]:
    return [view.index for view in view_pane.query(ItemView) if view.has_class("-highlight")]


async def press(pilot: Pilot[None], *keys: str) -> None:
    await pilot.press(*keys)
    await pilot.pause()


def captured(app: BriefingApp, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    copied: list[str] = []
    monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
    return copied


async def test_thousands_of_items_open_and_every_key_moves_the_cursor(
    many: tuple[Path, int],
) -> None:
    path, count = many
    assert count > 4000
    app = app_for(path)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "2")
        drivers = pane(app, 2)
        assert drivers.has_focus and len(drivers.items) == count
        assert str(drivers.border_subtitle) == f"{count} items"
        await press(pilot, "j", "j", "j", "k")
        assert drivers.cursor == 2 and highlighted(drivers) == [2]
        await press(pilot, "pagedown")
        paged = drivers.cursor
        assert paged > 10  # a page of one- and two-line items
        await press(pilot, "pageup")
        assert drivers.cursor < paged
        await press(pilot, "G")
        assert drivers.cursor == count - 1 and highlighted(drivers) == [count - 1]
        current = drivers.current
        assert current is not None and current.item is drivers.items[-1]
        assert drivers.scroll_y > 0 and current.region.height > 0  # scrolled into view
        await press(pilot, "k", "k")
        assert drivers.cursor == count - 3 and highlighted(drivers) == [count - 3]
        await press(pilot, "g")
        assert drivers.cursor == 0 and highlighted(drivers) == [0]
        # Enter expands the item; its details show and stay shown when it comes back.
        await press(pilot, "enter")
        assert drivers.current is not None and drivers.current.expanded
        await press(pilot, "G", "g")
        assert drivers.current is not None and drivers.current.expanded
        await press(pilot, "tab")
        assert pane(app, 3).has_focus
        await press(pilot, "shift+tab")
        assert drivers.has_focus and drivers.cursor == 0


async def test_a_search_finds_an_item_deep_in_a_big_pane_and_n_goes_on(
    many: tuple[Path, int],
) -> None:
    path, count = many
    far = count - 100
    app = app_for(path)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "slash")
        await press(pilot, *f"Driver {far:05d}", "enter")
        drivers = pane(app, 2)
        assert drivers.has_focus and drivers.cursor == far and highlighted(drivers) == [far]
        current = drivers.current
        assert current is not None and "reverse" in current.render().markup  # type: ignore[attr-defined]
        await press(pilot, "n")  # the only match: round to it again
        assert drivers.cursor == far


async def test_Y_copies_the_whole_big_pane_exactly(
    many: tuple[Path, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, count = many
    app = app_for(path)
    copied = captured(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "2", "G", "Y")
        briefing = reader(app).loaded.briefing
    assert briefing is not None
    expected = section_markdown(briefing, SECTIONS[1])
    assert copied == [expected]  # once, all of it
    text = copied[0]
    assert text.startswith("## Loss drivers\n\n- **Driver 00000 of the quarter's loss**")
    assert text.count("\n- **Driver ") == count
    assert f"Driver {count - 1:05d} of the quarter's loss" in text
    # Text, not markup: nothing taken out (Markdown's escapes keep the brackets as typed).
    assert "Driver 00001 \\[b\\]not markup\\[/b\\] of the quarter's loss" in text
    assert len(text) > MAX_BYTES // 2


async def test_a_key_in_a_big_pane_touches_a_window_of_items_not_all_of_them(
    many: tuple[Path, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The work per key: widgets in the pane and items drawn are a screenful or so, and a
    cursor move restyles the two items whose highlight changes, not every item."""
    path, count = many
    restyled: list[ItemView] = []
    original = ItemView.set_class

    def counting(self: ItemView, add: bool, *names: str, update: bool = True) -> ItemView:
        if "-highlight" in names and self.has_class("-highlight") != add:
            restyled.append(self)
        return original(self, add, *names, update=update)

    monkeypatch.setattr(ItemView, "set_class", counting)
    app = app_for(path)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "2")
        drivers = pane(app, 2)
        for key in ("j", "j", "k", "pagedown", "G", "g"):
            restyled.clear()
            await press(pilot, key)
            # Widgets for a few screens of items at most, whatever the pane holds.
            assert len(drivers.query(ItemView)) <= 500 < count
            assert len(restyled) <= 2
            assert highlighted(drivers) == [drivers.cursor]


async def test_a_megabyte_quote_opens_draws_a_part_and_copies_in_full(
    quote: tuple[Path, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, said = quote
    assert len(said) > MAX_BYTES * 9 // 10
    app = app_for(path)
    copied = captured(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "3")
        quote_pane = pane(app, 3)
        assert quote_pane.has_focus
        view = quote_pane.current
        assert view is not None
        drawn = view.render().plain  # type: ignore[attr-defined]
        # Pages of it, and what is left out said, not the megabyte rewrapped on every restyle.
        assert drawn.startswith("\u201cEnergy cost more, and we paid")
        assert len(drawn) < 50_000
        assert "more characters not shown" in drawn
        await press(pilot, "tab", "shift+tab", "z", "z")
        assert quote_pane.has_focus and highlighted(quote_pane) == [0]
        await press(pilot, "y", "Y")
        item = quote_pane.items[0]
    assert copied[0] == item_line(item)
    assert copied[0].startswith("\u201c" + said[:40]) and said[-40:] in copied[0]
    assert len(copied[0]) >= len(said)  # the whole quote, not what is drawn
    assert said[-40:] in copied[1] and copied[1].startswith("## CEO quote")


async def test_walking_through_a_big_pane_keeps_the_cursor_in_view_without_jumps(
    many: tuple[Path, int],
) -> None:
    """Past the items the pane holds widgets for, j and k go on as in a small pane: the
    highlighted item is always on screen, each step moving it by its own height at most."""
    path, _ = many
    app = app_for(path)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "2")
        drivers = pane(app, 2)
        rows: list[int] = []
        for key in ["j"] * 50 + ["k"] * 50:  # past the window's ends both ways
            await press(pilot, key)
            current = drivers.current
            assert current is not None and highlighted(drivers) == [drivers.cursor]
            view, seen = current.region, drivers.scrollable_content_region
            assert seen.y <= view.y and view.bottom <= seen.bottom  # on screen
            rows.append(view.y - seen.y)
        assert drivers.cursor == 0
        assert all(abs(now - before) <= 3 for before, now in pairwise(rows))
