"""Every binding comes from the key table, and the input lines' keys are remappable like any."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

from textual.binding import Binding
from textual.dom import DOMNode
from textual.widgets import Input

import briefing_reader.tui as tui
from briefing_reader import keys
from briefing_reader.config import Config
from briefing_reader.tui.app import make_app
from briefing_reader.tui.keys import made
from tests.conftest import BUNDLED, load
from tests.functional.conftest import library_app, loaded
from tests.functional.test_reader_keys import notes


def _our_classes() -> list[type[DOMNode]]:
    for module in pkgutil.walk_packages(tui.__path__, f"{tui.__name__}."):
        importlib.import_module(module.name)
    found: list[type[DOMNode]] = []
    pending: list[type[DOMNode]] = [DOMNode]
    while pending:
        for subclass in pending.pop().__subclasses__():
            pending.append(subclass)
            if subclass.__module__.startswith("briefing_reader.") and subclass not in found:
                found.append(subclass)
    return found


def test_every_class_binds_one_owners_keys_from_the_table() -> None:
    # Found by walking the TUI's classes: a class that wrote its own BINDINGS would show here.
    owners = sorted({name for screen in keys.SCREENS for name in screen.owners})
    bound: dict[str, str] = {}
    for klass in _our_classes():
        own = vars(klass).get("BINDINGS")
        if not own:
            continue
        matching = [name for name in owners if repr(made(name)) == repr(own)]
        assert matching, f"{klass.__name__}: BINDINGS not made by bindings(...) from the table"
        assert all(isinstance(binding, Binding) and binding.id for binding in own)
        assert matching[0] not in bound, f"{klass.__name__} and {bound[matching[0]]}"
        bound[matching[0]] = klass.__name__
    assert set(bound) == {key.owner for key in keys.remappable()}


async def test_the_filter_lines_keys_can_be_remapped(library: Path) -> None:
    app = library_app(
        library, config=Config(keys={"filter.clear": "ctrl+g", "filter.to_list": "ctrl+j"})
    )
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await loaded(app, pilot)
        field = screen.query_one("#library-filter", Input)
        await pilot.press("f", "b", "o", "l", "t")
        await pilot.pause()
        assert len(screen.view) == 1
        await pilot.press("ctrl+j")  # on to the list, the filter kept
        await pilot.pause()
        assert app.focused is screen.list and len(screen.view) == 1
        await pilot.press("f", "ctrl+g")  # cleared: every briefing again
        await pilot.pause()
        assert field.value == "" and len(screen.view) > 1
        assert app.focused is screen.list


async def test_the_library_search_lines_keys_can_be_remapped(library: Path) -> None:
    remapped = {"library_search.sources": "ctrl+s", "library_search.cancel": "ctrl+g"}
    app = library_app(library, config=Config(keys=remapped))
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await loaded(app, pilot)
        field = screen.query_one("#library-search", Input)
        await pilot.press("slash", "ctrl+s")
        await pilot.pause()
        assert screen.search_sources and field.border_title == "and sources"
        await pilot.press("x", "ctrl+g")
        await pilot.pause()
        assert field.value == "" and not field.has_class("-shown")
        assert app.focused is screen.list


async def test_the_reader_search_line_closes_on_its_remapped_key() -> None:
    app = make_app([load(BUNDLED)], config=Config(keys={"search.cancel": "ctrl+g"}))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("slash", "x")
        await pilot.pause()
        line = app.screen.query_one("#reader-search", Input)
        assert line.has_class("-shown")
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert not line.has_class("-shown")


async def test_a_refused_key_says_why_on_its_remapped_key_too() -> None:
    # One briefing: ] is left out of the footer, yet its key still says why it does nothing.
    app = make_app([load(BUNDLED)], config=Config(keys={"screen.next": "ctrl+n"}))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+n", "right_square_bracket")
        await pilot.pause()
        assert notes(app) == ["This is the only briefing."]
