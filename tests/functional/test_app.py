"""Pilot tests: every key does what the help says, asserted on what changed on screen."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from textual.command import CommandPalette
from textual.widgets import Static

from briefing_reader.loading import Loaded, load_file
from briefing_reader.sections import SECTIONS
from briefing_reader.tui import BriefingApp, make_app
from briefing_reader.tui.screens.briefing import BriefingScreen
from briefing_reader.tui.screens.help import HelpScreen
from briefing_reader.tui.widgets.error_view import ErrorView
from briefing_reader.tui.widgets.pane import Pane
from briefing_reader.tui.widgets.source import SourceView
from tests.conftest import BUNDLED, FIXTURES, ROOT
from tests.functional.conftest import app_for

SIZE = (120, 40)


def screen(app: BriefingApp) -> BriefingScreen:
    assert isinstance(app.screen, BriefingScreen)
    return app.screen


def focused_pane(app: BriefingApp) -> Pane:
    assert isinstance(app.focused, Pane), f"focus is on {app.focused!r}, not a pane"
    return app.focused


def title_text(app: BriefingApp) -> str:
    return str(app.screen.query_one("#title", Static).render())


async def test_starts_on_first_pane_with_first_item_highlighted() -> None:
    app = app_for(BUNDLED)
    async with app.run_test(size=SIZE):
        pane = focused_pane(app)
        assert pane.section.title == "Headline facts"
        assert pane.cursor == 0
        assert pane.current is not None and pane.current.has_class("-highlight")
        assert [p.section.title for p in screen(app).panes] == [
            "Headline facts",
            "Loss drivers",
            "CEO quote",
            "Open questions",
        ]


async def test_tab_and_shift_tab_cycle_through_the_four_panes() -> None:
    app = app_for(BUNDLED)
    async with app.run_test(size=SIZE) as pilot:
        seen = []
        for _ in range(4):
            await pilot.press("tab")
            seen.append(focused_pane(app).number)
        assert seen == [2, 3, 4, 1]
        await pilot.press("shift+tab")
        assert focused_pane(app).number == 4


@pytest.mark.parametrize("key", ["1", "2", "3", "4"])
async def test_number_keys_jump_to_their_pane(key: str) -> None:
    app = app_for(BUNDLED)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(key)
        assert focused_pane(app).number == int(key)


async def test_j_k_and_arrows_move_the_highlight_within_bounds() -> None:
    app = app_for(BUNDLED)
    async with app.run_test(size=SIZE) as pilot:
        pane = focused_pane(app)
        await pilot.press("j", "down")
        assert pane.cursor == 2
        await pilot.press("k")
        assert pane.cursor == 1
        await pilot.press("up", "up", "up")
        assert pane.cursor == 0, "the highlight stops at the first item"
        highlighted = [v.index for v in pane.item_views if v.has_class("-highlight")]
        assert highlighted == [0]


async def test_g_G_home_end_go_to_first_and_last() -> None:
    app = app_for(BUNDLED)
    async with app.run_test(size=SIZE) as pilot:
        pane = focused_pane(app)
        last = len(pane.items) - 1
        await pilot.press("G")
        assert pane.cursor == last
        await pilot.press("g")
        assert pane.cursor == 0
        await pilot.press("end")
        assert pane.cursor == last
        await pilot.press("home")
        assert pane.cursor == 0


async def test_pagedown_and_pageup_move_by_a_page_in_a_long_pane() -> None:
    app = app_for(FIXTURES / "long.yaml")
    async with app.run_test(size=(80, 24)) as pilot:
        pane = focused_pane(app)
        await pilot.press("pagedown")
        after_one_page = pane.cursor
        assert 1 < after_one_page < len(pane.items) - 1
        await pilot.press("pagedown", "pagedown", "pagedown", "pagedown")
        assert pane.cursor == len(pane.items) - 1
        await pilot.press("pageup")
        assert pane.cursor < len(pane.items) - 1
        await pilot.press("pageup", "pageup", "pageup", "pageup", "pageup")
        assert pane.cursor == 0


async def test_the_highlighted_items_evidence_is_visible_and_enter_expands_it() -> None:
    app = app_for(BUNDLED)
    async with app.run_test(size=SIZE) as pilot:
        pane = focused_pane(app)
        preview = pane.query_one(".pane-preview", Static)
        assert preview.display
        assert "The $265 million net loss in Q4 2024 was attributed to:" in str(preview.render())
        await pilot.press("enter")
        item = pane.current
        assert item is not None and item.expanded and item.has_class("-expanded")
        assert "Evidence: “The $265 million net loss" in str(item.render())
        assert not preview.display, "an expanded item shows its details in place, once"
        await pilot.press("enter")
        assert not item.expanded and "Evidence" not in str(item.render())


async def test_preview_shows_only_in_the_focused_pane() -> None:
    app = app_for(BUNDLED)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("tab")
        previews = {p.number: p.query_one(".pane-preview").display for p in screen(app).panes}
        assert previews == {1: False, 2: True, 3: False, 4: False}


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_preview_never_covers_the_item_it_describes(size: tuple[int, int]) -> None:
    # At 80x24 the preview covered the last line of pane 4's first question, four lines tall.
    app = app_for(BUNDLED)
    async with app.run_test(size=size) as pilot:
        for number in range(1, 5):
            await pilot.press(str(number))
            pane = focused_pane(app)
            for _ in pane.items:
                await pilot.pause()
                item, preview = pane.current, pane.query_one(".pane-preview", Static)
                assert item is not None
                seen = item.region.intersection(pane.scrollable_content_region)
                assert seen == item.region, f"pane {number} item {pane.cursor} is cut off"
                if preview.display:
                    assert not item.region.overlaps(preview.region), (
                        f"the preview covers pane {number} item {pane.cursor}"
                    )
                await pilot.press("j")


async def test_z_zooms_the_focused_pane_and_back() -> None:
    app = app_for(BUNDLED)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "z")
        assert app.screen.maximized is focused_pane(app)
        assert focused_pane(app).number == 2
        await pilot.press("tab")
        assert app.screen.maximized is focused_pane(app), "tab moves the zoom to the next pane"
        assert focused_pane(app).number == 3
        await pilot.press("z")
        assert app.screen.maximized is None


@pytest.mark.parametrize("size", [(80, 24), (160, 40)])  # the article over or beside the panes
async def test_z_in_the_source_article_zooms_it_and_it_keeps_the_keys(
    size: tuple[int, int],
) -> None:
    # Found by using it: z zoomed the pane behind the article, which hid the article and its
    # focus, so j then scrolled nothing.
    app = app_for(BUNDLED)
    async with app.run_test(size=size) as pilot:
        await pilot.press("s")
        await pilot.pause()
        source = app.screen.query_one(SourceView)
        await pilot.press("z")
        await pilot.pause()
        assert app.screen.maximized is source
        assert app.focused is source
        await pilot.press("j", "j")
        await pilot.pause()
        assert source.scroll_y > 0, "j scrolls the zoomed article"
        await pilot.press("z")
        await pilot.pause()
        assert app.screen.maximized is None
        assert app.focused is source, "the article keeps the keys after the zoom"
        await pilot.press("z", "s")  # closed while zoomed: the panes as they were
        await pilot.pause()
        assert not app.screen.query(SourceView)
        assert app.screen.maximized is None
        assert isinstance(app.focused, Pane)


async def test_brackets_move_between_briefings_and_keep_the_pane() -> None:
    app = app_for(BUNDLED, FIXTURES / "minimal.yaml")
    async with app.run_test(size=SIZE) as pilot:
        assert title_text(app).startswith("Core Scientific doubles down")
        await pilot.press("3", "right_square_bracket")
        await pilot.pause()
        assert title_text(app) == "A briefing with nothing optional"
        assert focused_pane(app).number == 3
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert title_text(app).startswith("Core Scientific"), "] wraps around"
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert title_text(app) == "A briefing with nothing optional"


async def test_brackets_are_not_offered_with_a_single_briefing() -> None:
    app = app_for(BUNDLED)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert title_text(app).startswith("Core Scientific")
        assert "next_briefing" not in {
            a.binding.action for a in app.screen.active_bindings.values()
        }


async def test_question_mark_opens_help_listing_every_key_and_escape_closes_it() -> None:
    app = app_for(BUNDLED, FIXTURES / "minimal.yaml")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#modal-text", Static).render())
        for description in (
            "Next pane",
            "Previous pane",
            "Go to Open questions",
            "Next item",
            "Previous item",
            "First item",
            "Last item",
            "Page down",
            "Page up",
            "Expand",
            "Zoom",
            "Next briefing",
            "Previous briefing",
            "Help",
            "Quit",
        ):
            assert description in text, description
        await pilot.press("escape")
        assert isinstance(app.screen, BriefingScreen)
        assert focused_pane(app).number == 1, "focus comes back where it was"


async def test_q_quits_with_status_zero() -> None:
    app = app_for(BUNDLED)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("q")
    assert app.return_code == 0


async def test_ctrl_p_palette_offers_the_same_actions_and_runs_them() -> None:
    app = app_for(BUNDLED)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"zoom")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, BriefingScreen)
        assert app.screen.maximized is not None


async def test_a_file_that_fails_to_load_shows_its_error_and_others_still_open() -> None:
    app = app_for(FIXTURES / "broken.yaml", BUNDLED)
    async with app.run_test(size=SIZE) as pilot:
        view = app.screen.query_one(ErrorView)
        text = " ".join(str(s.render()) for s in view.query(Static))
        assert "tests/fixtures/broken.yaml:7:1: error: YAML syntax:" in text
        assert "error:" in text
        assert app.focused is view
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert title_text(app).startswith("Core Scientific")
        assert focused_pane(app).number == 1


async def test_a_briefing_with_problems_opens_and_lists_them() -> None:
    app = app_for(FIXTURES / "warned.yaml")
    async with app.run_test(size=SIZE):
        problems = str(app.screen.query_one("#problems", Static).render())
        assert problems.startswith("⚠ 3 errors, 1 warning:")
        # Beside the file itself, its path would only take a line of its own.
        assert "\n7:6: error: unknown key 'headline_facts[1].lable'" in problems
        assert "warned.yaml" not in problems
        assert focused_pane(app).items[0].value == "$1"


async def test_a_click_on_the_problems_banner_lists_them_all() -> None:
    from briefing_reader.tui.screens.problems import ProblemsScreen

    app = app_for(FIXTURES / "warned.yaml")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.click("#problems")
        await pilot.pause()
        assert isinstance(app.screen, ProblemsScreen)
        # The title names the file; each line only where in it.
        body = str(app.screen.body())
        assert body.startswith("6:32: warning: '$1,200' was split")
        assert "warned.yaml" not in body
        await pilot.press("escape")
        assert not isinstance(app.screen, ProblemsScreen)


async def test_problems_take_three_lines_of_a_short_screen() -> None:
    """A draft's 17 warnings took 5 of 80x24's lines, two problems wrapped over two each,
    from the panes; now the count and two problems, a line each (! lists them all)."""
    app = app_for(FIXTURES / "warned.yaml")
    async with app.run_test(size=(80, 24)):
        box = app.screen.query_one("#problems", Static)
        assert box.size.height == 3
        lines = [strip.text for strip in box.render_lines(box.content_region.reset_offset)]
        assert lines[0].strip().startswith("⚠ 3 errors, 1 warning:")
        assert lines[1].strip().startswith("6:32: warning: ")
        assert lines[2].strip() == "6:32: error: unknown key 'headline_facts[0].200'"


async def test_briefing_text_is_shown_literally_and_clicking_it_does_nothing() -> None:
    app = app_for(FIXTURES / "hostile.yaml")
    async with app.run_test(size=SIZE) as pilot:
        title = title_text(app)
        assert title == "[@click=app.quit]x[/] [bold]not bold[/bold] Revenue [Q3] [sic]"
        heading = focused_pane(app).item_views[0]
        assert str(heading.render()).startswith("[@click=app.quit]click me[/]  [b]$1[/b]")
        await pilot.click("#title", offset=(2, 0))
        await pilot.click(heading, offset=(2, 0))
        await pilot.pause()
        assert app.is_running, "text that looks like an action link must not act"
        rendered = "".join(str(s.render()) for s in app.screen.query(Static) if s.display)
        assert "\x1b" not in rendered and "\x9b" not in rendered and "\u202e" not in rendered


@pytest.mark.parametrize(
    ("size", "layout"),
    [
        ((120, 40), "-grid"),
        ((100, 30), "-grid"),
        ((80, 24), "-grid"),
        ((79, 30), "-narrow"),
        ((60, 20), "-narrow"),
        ((49, 30), "-tiny"),
        ((80, 14), "-tiny"),
        ((10, 3), "-tiny"),
    ],
)
async def test_layout_follows_the_terminal_size(size: tuple[int, int], layout: str) -> None:
    app = app_for(BUNDLED)
    async with app.run_test(size=size):
        classes = {"-grid", "-narrow", "-tiny"} & set(app.screen.classes)
        assert classes == {layout}


async def test_tiny_terminal_shows_only_the_focused_pane_with_an_indicator() -> None:
    app = app_for(BUNDLED)
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.press("tab")
        shown = [p.number for p in screen(app).panes if p.display]
        assert shown == [2]
        indicator = app.screen.query_one("#pane-indicator", Static)
        assert indicator.display
        assert str(indicator.render()).startswith("2/4 Loss drivers")
        await pilot.press("tab", "tab")
        assert [p.number for p in screen(app).panes if p.display] == [4]


def screen_rows(app: BriefingApp) -> list[str]:
    """The screen's rows as a person reads them, from the screenshot Textual exports."""
    svg = app.export_screenshot()
    # Each run of text is placed at x = column * cell width; spaces drawn as background
    # rectangles have no text, so the rows are rebuilt cell by cell.
    runs = re.findall(
        r'<text [^>]*x="([\d.]+)"[^>]*textLength="([\d.]+)"[^>]*'
        r'clip-path="url\(#[\w-]+-line-(\d+)\)"[^>]*>([^<]*)</text>',
        svg,
    )
    rows: dict[int, dict[int, str]] = {}
    for x, length, line, escaped in runs:
        text = html.unescape(escaped).replace("\xa0", " ")
        width = float(length) / len(text)
        cells = rows.setdefault(int(line), {})
        for offset, char in enumerate(text):
            cells[round(float(x) / width) + offset] = char
    return [
        "".join(cells.get(column, " ") for column in range(app.size.width)).rstrip()
        for _, cells in sorted(rows.items())
    ]


@pytest.mark.parametrize("size", [(80, 24), (100, 30)])
async def test_at_the_start_every_pane_shows_its_title_and_first_item(
    size: tuple[int, int],
) -> None:
    app = app_for(BUNDLED)
    async with app.run_test(size=size) as pilot:
        # Until the footer is drawn: on a loaded machine one pause can come before the last row.
        for _ in range(100):
            await pilot.pause()
            rows = screen_rows(app)
            if len(rows) == size[1] and "q Quit" in rows[-1]:
                break
        briefing = screen(app).loaded.briefing
    assert briefing is not None
    assert len(rows) == size[1]
    above_footer = "\n".join(rows[:-1])
    for number, section in enumerate(SECTIONS, start=1):
        assert f"{number} {section.title}" in above_footer, f"pane {number}'s title is hidden"
        first = briefing.items(section)[0].heading()
        words = " ".join(first.main.split()[:3])
        assert words in above_footer, f"{section.title}: {words!r} is not on screen"
    quote = briefing.items(SECTIONS[2])[0].heading()
    assert quote.aside in above_footer, "the quote is cut before its speaker"
    assert "? Help" in rows[-1] and "q Quit" in rows[-1], rows[-1]


@pytest.mark.parametrize("size", [(80, 24), (60, 30), (120, 40)])
async def test_a_facts_value_is_never_split_over_two_lines_where_one_holds_it(
    size: tuple[int, int],
) -> None:
    # At 80x24 "Data-center expansion  $1.2 billion" was drawn "... expansion  $1.2" over
    # "billion": a value too long for its label's line now goes whole on the next.
    app = app_for(BUNDLED)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        facts = screen(app).query(Pane).first().region
        rows = [row[facts.x : facts.right] for row in screen_rows(app)[facts.y : facts.bottom]]
        briefing = screen(app).loaded.briefing
    assert briefing is not None
    shown = 0
    for fact in briefing.headline_facts:
        at = next((i for i, row in enumerate(rows) if f" {fact.label}" in row), None)
        if at is None or at + 1 == len(rows):
            continue
        shown += 1
        assert fact.value in rows[at] or fact.value in rows[at + 1], rows[at : at + 2]
    assert shown >= 2, rows


async def test_start_up_shows_the_top_of_the_one_column_layout() -> None:
    # Textual's scroll on focus used to centre the first pane, scrolling the summary away.
    app = app_for(BUNDLED)
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        assert app.screen.query_one("#body").scroll_y == 0
        rows = screen_rows(app)
    assert rows[0].startswith(" Core Scientific doubles down")
    assert any(row.startswith(" Core Scientific, one of North") for row in rows)
    assert any("1 Headline facts" in row for row in rows)


async def test_a_short_screen_shows_the_summarys_first_line_and_a_click_shows_it_all() -> None:
    app = app_for(BUNDLED)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert next(row for row in screen_rows(app) if "Bitcoin miners" in row).endswith("\u2026")
        assert not any("2023 bankruptcy." in row for row in screen_rows(app))
        await pilot.click("#summary")
        await pilot.pause()
        assert any("2023 bankruptcy." in row for row in screen_rows(app))


async def test_the_footer_keeps_help_and_quit_with_a_library_at_80_columns() -> None:
    from briefing_reader.tui.app import make_library_app

    app = make_library_app([ROOT / "briefings"], watch=False, index_workers=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.library_loaded.wait()
        await app.workers.wait_for_complete()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, BriefingScreen)
        footer = screen_rows(app)[-1]
    assert "? Help" in footer and "q Quit" in footer, footer


async def test_narrow_layout_scrolls_the_focused_pane_into_view() -> None:
    app = app_for(BUNDLED)
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.press("4")
        await pilot.pause()
        pane = focused_pane(app)
        body = app.screen.query_one("#body")
        assert body.scroll_y > 0
        assert pane.region.y < app.screen.size.height - 1, "the focused pane is on screen"


async def test_every_size_and_resize_works_without_an_exception() -> None:
    app = app_for(FIXTURES / "long.yaml", BUNDLED)
    sizes = [(10, 3), (20, 6), (49, 14), (50, 15), (80, 24), (99, 40), (100, 40), (250, 80)]
    async with app.run_test(size=(80, 24)) as pilot:
        for width, height in sizes + sizes[::-1]:
            await pilot.resize_terminal(width, height)
            await pilot.press("tab", "j", "enter", "z", "G", "z", "right_square_bracket")
            await pilot.pause()
        assert app.is_running
    assert app.return_code in (None, 0)


async def test_s_shows_the_source_with_the_items_evidence_highlighted() -> None:
    app = app_for(BUNDLED)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "j", "s")
        await pilot.pause()
        source = app.screen.query_one("#source")
        assert app.focused is source
        highlighted = [
            str(p.render())
            for p in source.query(".paragraph").results(Static)
            if any("reverse" in str(span.style) for span in p.render().spans)  # type: ignore[union-attr]
        ]
        assert len(highlighted) == 1 and "Increased Energy Costs" in highlighted[0]
        await pilot.press("escape")
        assert not app.screen.query("#source")
        assert focused_pane(app).number == 2 and focused_pane(app).cursor == 1


async def test_y_and_Y_copy_the_item_and_the_pane(monkeypatch: pytest.MonkeyPatch) -> None:
    app = app_for(BUNDLED)
    copied: list[str] = []
    monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("y")
        await pilot.press("2", "Y")
        await pilot.pause()
        messages = [n.message for n in app._notifications]
    assert copied[0] == "Q4 2024 net loss: $265 million"
    assert copied[1].startswith("## Loss drivers\n\n- **Declining Bitcoin prices**")
    assert "Copied the item (1 line) to the clipboard." in messages


async def test_copy_writes_osc52_and_hands_the_text_to_tmux(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import briefing_reader.tui.app as app_module

    monkeypatch.setenv("TMUX", "/tmp/tmux-0/default,1,0")
    handed: list[str] = []
    monkeypatch.setattr(app_module, "tmux_load_buffer", lambda text, env: handed.append(text))
    app = app_for(BUNDLED)
    async with app.run_test(size=SIZE) as pilot:
        written: list[str] = []
        monkeypatch.setattr(app._driver, "write", written.append)
        await pilot.press("y")
        await app.workers.wait_for_complete()
    assert written[:2] == app_module.clipboard_sequences(
        "Q4 2024 net loss: $265 million", {"TMUX": "x"}
    )
    assert handed == ["Q4 2024 net loss: $265 million"]


async def test_o_without_a_url_says_so_and_e_reloads_after_the_editor(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil
    import subprocess

    (tmp_path / "sources").mkdir()
    shutil.copy(FIXTURES / "sources" / "minimal.txt", tmp_path / "sources")
    briefing = tmp_path / "b.yaml"
    shutil.copy(FIXTURES / "minimal.yaml", briefing)

    def fake_editor(argv: list[str], check: bool) -> None:
        assert argv[-1] == str(briefing)
        text = briefing.read_text().replace("nothing optional", "an edited title")
        briefing.write_text(text)

    monkeypatch.setenv("EDITOR", "true")
    monkeypatch.setattr(subprocess, "run", fake_editor)
    app = make_app([load_file_as(briefing)])
    monkeypatch.setattr(app, "suspend", _no_suspend)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("o")
        await pilot.pause()
        assert "This briefing's source has no URL." in [n.message for n in app._notifications]
        await pilot.press("e")
        await pilot.pause()
        await pilot.pause()
        assert title_text(app) == "A briefing with an edited title"


async def test_bang_lists_every_problem() -> None:
    app = app_for(FIXTURES / "warned.yaml")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("exclamation_mark")
        text = str(app.screen.query_one("#modal-text", Static).render())
        assert len(re.findall(r"^\d+:\d+: (?:error|warning): ", text, re.M)) == 4
        assert app.screen.title_text == "Problems: tests/fixtures/warned.yaml"
        await pilot.press("escape")
        assert isinstance(app.screen, BriefingScreen)


def load_file_as(path: Path) -> Loaded:
    return load_file(path, display=path.name)


@contextmanager
def _no_suspend() -> Iterator[None]:
    """Stands in for App.suspend, which a headless test driver cannot do."""
    yield


async def test_urls_in_briefing_text_are_links_and_markup_stays_text(tmp_path: Path) -> None:
    text = (
        (FIXTURES / "minimal.yaml")
        .read_text()
        .replace(
            "open_questions: []",
            "open_questions:\n  - question: Who?\n"
            "    why: 'See https://example.com/a_(b). [bold]x[/]'",
        )
    )
    path = tmp_path / "links.yaml"
    path.write_text(text)
    app = make_app([load_file_as(path)])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4", "enter")
        content = focused_pane(app).item_views[0].render()
        links = [span.style.link for span in content.spans if getattr(span.style, "link", None)]  # type: ignore[union-attr]
        assert links == ["https://example.com/a_(b)"]
        assert "[bold]x[/]" in str(content)


async def test_switching_briefings_closes_the_source_and_shows_the_panes() -> None:
    app = app_for(BUNDLED, FIXTURES / "minimal.yaml")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s")
        await pilot.pause()
        assert app.screen.query("#source")
        await pilot.press("escape", "right_square_bracket")
        await pilot.pause()
        await pilot.press("left_square_bracket", "s")
        await pilot.pause()
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert not app.screen.query("#source")
        assert app.screen.query_one("#body").display
        assert focused_pane(app).number == 1
