"""None of our attributes hides a member of Textual's DOMNode, Widget, Screen or App.

``ItemView.query`` (a string) once hid ``DOMNode.query()``: Textual's select-all on a
double-click calls it, and the reader crashed. Instance attributes are found on live
objects, every screen opened; class attributes on every class of ours.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

from textual.app import App
from textual.dom import DOMNode
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widget import Widget

import briefing_reader.tui
from briefing_reader.tui import make_app
from briefing_reader.tui.app import make_library_app
from briefing_reader.tui.screens.library import LibraryScreen
from briefing_reader.tui.widgets.item import ItemView
from tests.conftest import BUNDLED, load
from tests.functional.conftest import clicks, write_library


def _textual_base(cls: type) -> type:
    return next(c for c in cls.__mro__ if c.__module__.startswith("textual."))


def _textual_members(base: type) -> set[str]:
    return {name for name in dir(base) if not name.startswith("__")}


def _our_classes() -> list[type[DOMNode]]:
    found: list[type[DOMNode]] = []
    for module in pkgutil.walk_packages(briefing_reader.tui.__path__, "briefing_reader.tui."):
        loaded = importlib.import_module(module.name)
        for _, cls in inspect.getmembers(loaded, inspect.isclass):
            if issubclass(cls, DOMNode) and cls.__module__ == loaded.__name__:
                found.append(cls)
    return found


def test_our_classes_override_only_textual_methods_with_methods() -> None:
    clashes = []
    for cls in _our_classes():
        base = _textual_base(cls)
        for name, ours in vars(cls).items():
            if name.startswith("__") or not hasattr(base, name):
                continue
            theirs = inspect.getattr_static(base, name)
            # Overriding a method (compose, on_mount, check_action...) is the API; a value or
            # a property where Textual has a method, or the reverse, hides it.
            if inspect.isfunction(theirs) != inspect.isfunction(ours):
                clashes.append(f"{cls.__qualname__}.{name} hides {base.__name__}.{name}")
    assert not clashes, clashes


def _shadowed(node: object) -> list[str]:
    base = _textual_base(type(node))
    # What Textual itself stores on an instance is its own business.
    own = set(vars(base())) if base in (Widget, Screen) or issubclass(base, Widget) else set()
    members = _textual_members(base)
    return [
        f"{type(node).__qualname__}.{name} hides {base.__name__}.{name}"
        for name in vars(node)
        if name in members and name not in own and not name.startswith("_")
    ]


def _live_nodes(app: App[None]) -> list[object]:
    nodes: list[object] = [app]
    for screen in app.screen_stack:
        nodes.append(screen)
        nodes.extend(screen.walk_children(with_self=False))
    return nodes


async def test_no_instance_attribute_of_ours_hides_textual_api(tmp_path: Path) -> None:
    seen: dict[str, list[str]] = {}

    def collect(app: App[None]) -> None:
        for node in _live_nodes(app):
            if type(node).__module__.startswith("briefing_reader."):
                seen.setdefault(type(node).__qualname__, []).extend(_shadowed(node))

    library = make_library_app(
        [write_library(tmp_path / "lib")], use_cache=False, watch=False, index_workers=1
    )
    async with library.run_test(size=(120, 40)) as pilot:
        await library.library_loaded.wait()
        await pilot.pause()
        collect(library)
        for keys in (["f"], ["escape", "slash"], ["escape", "enter"], ["s"], ["question_mark"]):
            await pilot.press(*keys)
            await pilot.pause()
            collect(library)
    reader = make_app([load(BUNDLED)])
    async with reader.run_test(size=(80, 24)) as pilot:
        for keys in ([], ["exclamation_mark"], ["escape", "s"], ["escape", "ctrl+p"]):
            await pilot.press(*keys)
            await pilot.pause()
            collect(reader)
    assert {"LibraryScreen", "BriefingScreen", "ItemView", "Pane"} <= seen.keys()
    clashes = sorted({clash for found in seen.values() for clash in found})
    assert not clashes, clashes


async def triple_click(pilot: Pilot[None], x: int, y: int) -> None:
    clicks(pilot.app, x, y, 3)
    await pilot.pause()
    await pilot.pause()


async def test_a_double_and_triple_click_on_an_item_keeps_the_reader_running() -> None:
    app = make_app([load(BUNDLED)])
    async with app.run_test(size=(80, 24)) as pilot:
        item = app.screen.query(ItemView).first()
        x, y = item.region.x + 2, item.region.y
        await triple_click(pilot, x, y)
        assert app._exception is None
        assert app.is_running
        assert app.screen.selections, "a double-click selects the item's text"


async def test_a_triple_click_beside_the_palette_closes_only_the_palette(tmp_path: Path) -> None:
    app = make_library_app(
        [write_library(tmp_path / "lib")], use_cache=False, watch=False, index_workers=1
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await app.library_loaded.wait()
        await pilot.press("ctrl+p")
        await pilot.pause()
        palette = app.screen
        # A cell of the palette's dimmed background (not its input or list).
        x, y = next(
            (x, y)
            for y in range(23, 0, -1)
            for x in range(0, 80, 5)
            if app.screen.get_widget_at(x, y)[0] is palette
        )
        await triple_click(pilot, x, y)
        assert app._exception is None
        assert isinstance(app.screen, LibraryScreen)
