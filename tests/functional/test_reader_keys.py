"""Reader keys that cannot act say why; / searches the open briefing; e keeps the place."""

from __future__ import annotations

import shutil
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from textual.widgets import Input, Static
from textual.widgets._footer import FooterKey

from briefing_reader.loading import load_file
from briefing_reader.tui import BriefingApp, make_app
from briefing_reader.tui.screens.briefing import BriefingScreen
from briefing_reader.tui.widgets.pane import Pane
from briefing_reader.tui.widgets.source import SourceView
from tests.conftest import BUNDLED, FIXTURES
from tests.functional.conftest import (
    app_for,
    burst,
    clicks,
    library_app,
    loaded,
    settle,
    write_library,
)

SIZE = (120, 40)


def notes(app: BriefingApp) -> list[str]:
    return [n.message for n in app._notifications]


def focused_pane(app: BriefingApp) -> Pane:
    assert isinstance(app.focused, Pane), f"focus is on {app.focused!r}, not a pane"
    return app.focused


def title_text(app: BriefingApp) -> str:
    return str(app.screen.query_one("#title", Static).render())


def footer_keys(app: BriefingApp) -> dict[str, bool]:
    """Each footer key's action, and whether it is offered (not greyed)."""
    return {key.action: not key.has_class("-disabled") for key in app.screen.query(FooterKey)}


def marked(pane: Pane) -> list[int]:
    """The items of ``pane`` showing a search mark (reverse video)."""
    return [
        view.index
        for view in pane.item_views
        if any("reverse" in str(span.style) for span in view.drawn.spans)
    ]


def highlighted_paragraphs(source: SourceView) -> list[str]:
    return [
        str(p.render())
        for p in source.query(".paragraph").results(Static)
        if any("reverse" in str(span.style) for span in p.render().spans)  # type: ignore[union-attr]
    ]


# --- item 5: keys that cannot act say why ---------------------------------------------


async def test_bang_without_problems_says_there_are_none() -> None:
    app = app_for(BUNDLED)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("exclamation_mark")
        await pilot.pause()
        assert isinstance(app.screen, BriefingScreen)
        assert "No problems found in this briefing." in notes(app)


async def test_brackets_with_one_briefing_say_it_is_the_only_one() -> None:
    app = app_for(BUNDLED)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("right_square_bracket", "left_square_bracket")
        await pilot.pause()
        assert notes(app).count("This is the only briefing.") == 2
        assert "next_briefing" not in footer_keys(app), "the footer does not offer ]"


async def test_going_round_the_briefings_is_said() -> None:
    app = app_for(BUNDLED, FIXTURES / "minimal.yaml")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert notes(app) == []
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert title_text(app).startswith("Core Scientific")
        assert notes(app) == ["Past the last briefing: back to the first."]
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert notes(app)[-1] == "Before the first briefing: on to the last."


async def test_enter_on_the_quote_says_why_and_the_footer_greys_expand() -> None:
    app = app_for(BUNDLED)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert footer_keys(app)["toggle"] is True
        await pilot.press("3")
        await pilot.pause()
        assert footer_keys(app)["toggle"] is False, "Expand is greyed on the quote"
        await pilot.press("enter")
        await pilot.pause()
        assert "The quote is shown in full: there is nothing to expand." in notes(app)
        await pilot.press("1")
        await pilot.pause()
        assert footer_keys(app)["toggle"] is True


async def test_s_on_an_item_without_evidence_says_nothing_is_highlighted(tmp_path: Path) -> None:
    (tmp_path / "sources").mkdir()
    shutil.copy(FIXTURES / "sources" / "minimal.txt", tmp_path / "sources")
    path = tmp_path / "b.yaml"
    text = (FIXTURES / "minimal.yaml").read_text()
    path.write_text(text.replace("headline_facts: []", "headline_facts:\n  - {label: A, value: B}"))
    app = make_app([load_file(path, display=path.name)])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await pilot.pause()
        assert app.screen.query("#source"), "the article still opens"
        assert (
            "This item has no evidence to highlight: the article is shown from the top."
            in notes(app)
        )


# --- item 6: / searches the open briefing ------------------------------------------------


async def test_slash_searches_the_briefing_and_n_steps_round_its_matches() -> None:
    app = app_for(BUNDLED)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash")
        await pilot.pause()
        assert isinstance(app.focused, Input) and app.focused.id == "reader-search"
        await pilot.press(*"bankruptcy", "enter")
        await pilot.pause()
        assert not app.screen.query("#reader-search.-shown"), "the search line closes"
        # "bankruptcy": a loss driver's title, then an open question's note.
        pane = focused_pane(app)
        places = [(pane.number, pane.cursor)]
        assert marked(pane) == [pane.cursor]
        for _ in range(3):
            await pilot.press("n")
            await pilot.pause()
            places.append((focused_pane(app).number, focused_pane(app).cursor))
        assert len(set(places)) > 1, "n moves between matches"
        assert places[0] in places[1:], "n goes round to the first match"
        assert "Past the last match: back to the first." in notes(app)
        await pilot.press("N")
        await pilot.pause()
        assert (focused_pane(app).number, focused_pane(app).cursor) == places[-2]


async def test_a_word_typed_in_one_burst_after_slash_goes_into_the_search() -> None:
    """Typed ahead, or in one SSH packet: the letters of the word are no commands (its e
    opened the editor, its q would quit)."""
    app = app_for(BUNDLED)
    burst(app, "/quarter")  # typed before the app started: waiting in the terminal
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        burst(app, " gross")
        await pilot.pause()
        await settle(app, pilot)
        field = app.focused
        assert isinstance(field, Input) and field.id == "reader-search"
        assert field.value == "quarter gross"
        assert app.is_running and isinstance(app.screen, BriefingScreen)


async def test_a_word_typed_in_one_burst_quits_at_its_q_and_runs_none_of_the_rest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """ "question" typed in the reader (one read): its q quits, and its e does not start the
    editor on the way out (the editor took the rest of the word and held the exit)."""
    acted: list[str] = []
    monkeypatch.setattr(BriefingScreen, "action_edit", lambda self: acted.append("edit"))
    monkeypatch.setattr(BriefingScreen, "action_source", lambda self: acted.append("source"))
    app = app_for(BUNDLED)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        burst(app, "question")
        await pilot.pause()
        await pilot.pause()
    assert acted == []
    assert app.return_code == 0


async def test_slash_with_no_match_says_so_and_escape_cancels() -> None:
    app = app_for(BUNDLED)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "j", "slash", *"zebra", "enter")
        await pilot.pause()
        assert "Nothing matches \u201czebra\u201d in this briefing." in notes(app)
        assert (focused_pane(app).number, focused_pane(app).cursor) == (2, 1)
        await pilot.press("slash", *"energy", "escape")
        await pilot.pause()
        assert not app.screen.query("#reader-search.-shown")
        assert isinstance(app.screen, BriefingScreen)
        assert (focused_pane(app).number, focused_pane(app).cursor) == (2, 1)
        assert not any(marked(pane) for pane in app.screen.panes), "escape searched nothing"


async def test_n_without_a_search_says_how_to_search() -> None:
    app = app_for(BUNDLED)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await pilot.pause()
        assert "No search yet: / searches this briefing." in notes(app)


async def test_a_search_only_in_the_source_opens_it_at_the_match() -> None:
    app = app_for(BUNDLED)
    async with app.run_test(size=SIZE) as pilot:
        # In the article's text, nowhere in the briefing's own fields.
        await pilot.press("slash", *"blockchain", "enter")
        await pilot.pause()
        await pilot.pause()
        source = app.screen.query_one(SourceView)
        found = highlighted_paragraphs(source)
        assert found and all("blockchain" in p.lower() for p in found)
        assert "\u201cblockchain\u201d is not in the panes: shown in the source article." in (
            notes(app)
        )
        await pilot.press("n")  # on in the article, where the only match is
        await pilot.pause()
        assert app.screen.query(SourceView)
        assert "The only match in the source article." in notes(app)


def current_match(source: SourceView) -> tuple[int, str]:
    """The paragraph (its place among them, and its text) holding the current match: bold."""
    found = [
        (index, str(p.render()))
        for index, p in enumerate(source.query(".paragraph").results(Static))
        if any("bold" in str(span.style) for span in p.render().spans)  # type: ignore[union-attr]
    ]
    assert len(found) == 1, f"one current match, not {len(found)}"
    return found[0]


async def test_slash_with_the_source_open_finds_in_the_article_and_n_steps_round_it() -> None:
    # Found by using it: / in the article closed it and searched the panes instead.
    app = app_for(BUNDLED)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s", "slash")
        await pilot.pause()
        line = app.focused
        assert isinstance(line, Input) and line.placeholder == "search the source article"
        await pilot.press(*"bitcoin", "enter")
        await pilot.pause()
        source = app.screen.query_one(SourceView)  # still open
        assert app.focused is source
        found = highlighted_paragraphs(source)
        assert found and all("bitcoin" in p.lower() for p in found)
        assert not any(marked(pane) for pane in app.screen.panes), "the panes are not searched"
        # "bitcoin" is in the article 7 times, over several paragraphs.
        places = [current_match(source)[0]]
        for _ in range(7):
            await pilot.press("n")
            await pilot.pause()
            places.append(current_match(source)[0])
        assert places == [*sorted(places[:-1]), places[0]], "n goes down the article, then round"
        assert len(set(places)) > 1
        assert "Past the last match in the source article: back to the first." in notes(app)
        await pilot.press("N")
        await pilot.pause()
        assert current_match(source)[0] == places[-2]
        assert "No search yet: / searches this briefing." not in notes(app)


async def test_slash_with_no_match_in_the_article_says_so_and_keeps_it_as_it_was() -> None:
    app = app_for(BUNDLED)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await pilot.pause()
        source = app.screen.query_one(SourceView)
        evidence = highlighted_paragraphs(source)
        assert evidence, "the item's evidence is highlighted"
        await pilot.press("slash", *"zebra", "enter")
        await pilot.pause()
        assert "Nothing matches \u201czebra\u201d in the source article." in notes(app)
        assert app.screen.query_one(SourceView) is source
        assert highlighted_paragraphs(source) == evidence
        await pilot.press("n")
        await pilot.pause()
        assert "No search yet: / searches this briefing." in notes(app)
        await pilot.press("escape", "slash")
        await pilot.pause()
        line = app.focused
        assert isinstance(line, Input) and line.placeholder == "search this briefing"


async def test_a_library_search_in_the_sources_opens_the_source_at_the_hit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write_library(tmp_path / "library")
    app = library_app(Path("library"))
    async with app.run_test(size=SIZE) as pilot:
        await loaded(app, pilot)
        # "chief executive" is only in the article, which ctrl+t adds to the search.
        await pilot.press("slash", "ctrl+t", *"chief", "enter")
        await settle(app, pilot)
        await pilot.pause()
        assert isinstance(app.screen, BriefingScreen)
        source = app.screen.query_one(SourceView)
        assert highlighted_paragraphs(source), "the hit is highlighted in the source"
        assert any("chief" in p for p in highlighted_paragraphs(source))


# --- item 7: e keeps the place ---------------------------------------------------------


@contextmanager
def _no_suspend() -> Iterator[None]:
    """Stands in for App.suspend, which a headless test driver cannot do."""
    yield


async def test_e_reloads_keeping_the_pane_and_item(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(BUNDLED.parent / "sources", tmp_path / "sources")
    path = tmp_path / BUNDLED.name
    shutil.copy(BUNDLED, path)
    editor = tmp_path / "editor.sh"
    editor.write_text(
        "#!/bin/sh\nsed -i 's/Declining Bitcoin prices/Falling Bitcoin prices/' \"$1\"\n"
    )
    editor.chmod(editor.stat().st_mode | stat.S_IXUSR)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", str(editor))
    app = make_app([load_file(path, display=path.name)])
    monkeypatch.setattr(app, "suspend", _no_suspend)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "j", "j")
        await pilot.pause()
        assert (focused_pane(app).number, focused_pane(app).cursor) == (2, 2)
        await pilot.press("e")
        await pilot.pause()
        await pilot.pause()
        pane = focused_pane(app)
        assert (pane.number, pane.cursor) == (2, 2)
        assert pane.current is not None and pane.current.has_class("-highlight")
        assert str(pane.item_views[0].render()).startswith("Falling Bitcoin prices")


async def test_a_click_puts_the_cursor_on_an_item_and_a_double_click_expands_it() -> None:
    app = make_app([load_file(BUNDLED)])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        pane = app.screen.query_one("#pane-loss_drivers", Pane)
        second, third = pane.item_views[1:3]
        clicks(app, second.region.x + 2, second.region.y, 1)
        await settle(app, pilot)
        assert pane.has_focus and pane.cursor == 1, "a click puts the cursor on the item"
        assert not second.expanded
        clicks(app, third.region.x + 2, third.region.y, 2)
        await settle(app, pilot)
        assert pane.cursor == 2 and third.expanded, "a double-click expands it, as enter"
        assert not second.expanded
        # A click on the pane's preview of the current item leaves the cursor where it is.
        preview = pane.query_one(".pane-preview")
        clicks(app, preview.region.x + 2, preview.region.y, 1)
        await settle(app, pilot)
        assert pane.cursor == 2 and app.is_running
