"""After any key the reader goes quiet: no frame is written once the key's work is done.

Over SSH every frame costs bytes; a repaint loop (a stale focus message re-focusing its
pane, over and over) or a blinking cursor costs them forever. For every key of the key
table that applies on a screen (one per action), at 80x24 and 200x60, the key is pressed,
the app settles (the pilot waits until every message is handled and every animation done),
and then no frame may be written over a few more turns of the loop (counted where Textual
hands a frame to the driver) and no timer may be left running that would paint later (a
cursor blink): Textual's own state, not a real second of waiting. One app per screen and
size takes every key; it goes back to the screen only when a key has left it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widget import Widget

from briefing_reader.keys import (
    APP,
    FILTER,
    HELP,
    KEYS,
    LIBRARY,
    LIBRARY_LIST,
    LIBRARY_SEARCH,
    MODAL,
    PANE,
    PROBLEMS,
    READER,
    SEARCH,
    SOURCE,
    TEXTUAL,
    Key,
)
from briefing_reader.tui.app import BriefingApp
from briefing_reader.tui.screens.briefing import BriefingScreen
from briefing_reader.tui.screens.library import LibraryScreen
from briefing_reader.tui.widgets.pane import Pane
from tests.conftest import BUNDLED
from tests.functional.conftest import app_for, library_app, loaded, settle

SIZES = [(80, 24), (200, 60)]
# Keys that leave the app or start a program: nothing of theirs is drawn by us.
LEAVING = {"app.quit", "screen.edit", "screen.open_url"}
WARNED = Path(__file__).parents[1] / "fixtures" / "warned.yaml"
# Turns of the loop after settling in which no frame may be written.
TURNS = 3


@dataclass(frozen=True)
class Place:
    """A screen state, the keys that apply there (by owner) and how to get there."""

    name: str
    owners: tuple[str, ...]
    library: bool  # the library is the base screen (else the reader on its briefings)
    enter: tuple[str, ...]  # keys from the base screen, freshly reset
    briefing: Path = BUNDLED


PLACES = [
    Place("reader", (READER, PANE, APP, TEXTUAL), library=False, enter=()),
    Place("source view", (SOURCE, READER, APP), library=False, enter=("s",)),
    Place("reader search line", (SEARCH,), library=False, enter=("slash",)),
    Place("help", (HELP, MODAL), library=False, enter=("question_mark",)),
    Place(
        "problems", (PROBLEMS, MODAL), library=False, enter=("exclamation_mark",), briefing=WARNED
    ),
    Place("library", (LIBRARY, LIBRARY_LIST, APP, TEXTUAL), library=True, enter=()),
    Place("filter focused", (FILTER,), library=True, enter=("f",)),
    Place("library search focused", (LIBRARY_SEARCH,), library=True, enter=("slash",)),
]


def keys_of(place: Place) -> Iterator[tuple[Key, str]]:
    """Every action bound in ``place``, from the one table, by its first key (the others,
    "down" for "j", run the same action, as does a second binding of one action there)."""
    actions: set[str] = set()
    for key in KEYS:
        if key.owner in place.owners and key.id not in LEAVING and key.action not in actions:
            actions.add(key.action)
            yield key, key.keys.split(",")[0].strip()


class Frames:
    """Counts the frames the app hands to its driver (headless: they are not written)."""

    def __init__(self, app: BriefingApp) -> None:
        self.count = 0
        display = app._display

        def counted(screen: Any, renderable: Any) -> None:
            if renderable is not None:
                self.count += 1
            display(screen, renderable)

        app._display = counted  # type: ignore[method-assign]


async def calm(app: BriefingApp, pilot: Pilot[None]) -> None:
    await settle(app, pilot)
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()


async def reset(app: BriefingApp, pilot: Pilot[None], place: Place) -> None:
    """Back to the base screen as it was at start, then into ``place``."""
    base = LibraryScreen if place.library else BriefingScreen
    while not isinstance(app.screen, base):
        app.pop_screen()
        await calm(app, pilot)
    screen = app.screen
    if isinstance(screen, BriefingScreen):
        if screen.index != 0:
            screen.index = 0
            await calm(app, pilot)
        screen.minimize()
        screen.action_close_source()
        screen._close_search_line()
        screen.action_jump(1)
    elif isinstance(screen, LibraryScreen):
        screen.action_clear()
        for field in screen.query("#library-filter, #library-search"):
            field.remove_class("-shown")
        screen.list.focus()
    await calm(app, pilot)
    for name in place.enter:
        await pilot.press(name)
        await calm(app, pilot)


def where(app: BriefingApp) -> tuple[object, ...]:
    """Which keys apply: the screen and what has focus (any pane: they bind the same keys)."""
    focused = app.focused
    name = None if focused is None or isinstance(focused, Pane) else focused.id
    return type(app.screen), len(app.screen_stack), type(focused), name


def waiting_timers(app: BriefingApp) -> list[str]:
    """Timers that will fire by themselves: a repeating one (a blink) or one due within the
    second a user waits, of a node on screen (an auto-refresh off screen, the palette's
    hidden loading indicator, paints nothing). Textual keeps each node's timers in
    ``_timers`` (private: the reader's ran none at rest in Textual 8.2.8, so this names any
    new one)."""
    nodes = [
        app,
        *(node for screen in app.screen_stack for node in screen.walk_children(with_self=True)),
    ]
    return [
        f"{type(node).__name__} {timer.name} every {timer._interval}s"
        for node in nodes
        for timer in list(node._timers)
        if timer._task is not None
        and not timer._task.done()
        and timer._active.is_set()
        and (timer._repeat != 1 or timer._interval <= 1.0)
        and (not isinstance(node, Widget) or node.is_on_screen)
    ]


async def quiet(app: BriefingApp, pilot: Pilot[None], frames: Frames) -> str:
    """Why the settled app is not quiet ("" when it is)."""
    before = frames.count
    # A message ping-pong paints on every turn of the loop; the pilot paints what is dirty.
    for _ in range(TURNS):
        await pilot.pause()
    painted = frames.count - before
    timers = waiting_timers(app)
    return "; ".join(
        ([f"{painted} frames after settling"] if painted else [])
        + ([f"timers running: {', '.join(timers)}"] if timers else [])
    )


async def quiet_after_each_key(
    make: Callable[[], BriefingApp],
    place: Place,
    size: tuple[int, int],
    ready: Callable[[BriefingApp, Pilot[None]], Awaitable[object]],
) -> list[str]:
    noisy: list[str] = []
    app = make()
    async with app.run_test(size=size) as pilot:
        frames = Frames(app)
        await ready(app, pilot)
        await reset(app, pilot, place)
        if why := await quiet(app, pilot, frames):
            noisy.append(f"at rest: {why}")
        home = where(app)
        for key, name in keys_of(place):
            if where(app) != home:
                await reset(app, pilot, place)
            await pilot.press(name)
            await calm(app, pilot)
            if why := await quiet(app, pilot, frames):
                noisy.append(f"{name} ({key.id}): {why}")
    return noisy


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("place", PLACES, ids=lambda p: p.name.replace(" ", "-"))
async def test_quiet_after_every_key(place: Place, size: tuple[int, int], library: Path) -> None:
    if place.library:
        noisy = await quiet_after_each_key(
            lambda: library_app(library), place, size, lambda app, pilot: loaded(app, pilot)
        )
    else:
        noisy = await quiet_after_each_key(
            lambda: app_for(place.briefing, BUNDLED), place, size, calm
        )
    assert not noisy, f"{place.name} at {size[0]}x{size[1]}: " + "; ".join(noisy)


async def test_a_stale_focused_message_does_not_take_focus() -> None:
    # The state a focus race leaves: pane 4 has handled its Focus but not yet its Blur (so
    # its has_focus is still true) while the screen has focused pane 1; its Focused message
    # then arrives. Following it re-focused pane 4, whose later messages re-focused pane 1:
    # at 200x60, s then escape (removing the focused source view focuses pane 4) repainted
    # 45 KB every 0.2 s for good.
    app = app_for(BUNDLED)
    async with app.run_test(size=(200, 60)) as pilot:
        await calm(app, pilot)
        screen = app.screen
        assert isinstance(screen, BriefingScreen)
        pane_1, *_, pane_4 = screen.panes
        assert screen.focused is pane_1
        pane_4.has_focus = True
        screen.post_message(Pane.Focused(pane_4))
        await calm(app, pilot)
        assert (screen.focused, screen.current_pane) == (pane_1, 1)


async def test_escape_from_the_source_view_leaves_focus_on_the_pane() -> None:
    app = app_for(BUNDLED)
    async with app.run_test(size=(200, 60)) as pilot:
        frames = Frames(app)
        await calm(app, pilot)
        screen = app.screen
        assert isinstance(screen, BriefingScreen)
        for name in ("s", "escape", "tab", "tab", "tab", "s", "escape"):
            await pilot.press(name)
            await calm(app, pilot)
        before = frames.count
        for _ in range(5):
            await pilot.pause(0.05)
        assert (screen.focused, screen.current_pane) == (screen.panes[3], 4)
        assert frames.count == before, "the panes kept taking focus from each other"
