"""A monkey at the keyboard and the mouse: a seeded stream of random keys, clicks (single,
double, triple, right), drags, wheel scrolls and resizes over every screen.

It passes when nothing raises, the app is still running, and it still answers a key.
``BRIEFING_MONKEY_SEED`` and ``BRIEFING_MONKEY_EVENTS`` replay a failure or run longer
locally, e.g.
``BRIEFING_MONKEY_SEED=7 BRIEFING_MONKEY_EVENTS=20000 pytest tests/functional/test_monkey.py``.
"""

from __future__ import annotations

import os
import random
import string
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual import events
from textual.geometry import Offset
from textual.pilot import Pilot
from textual.widgets import Input

from briefing_reader.tui import BriefingApp, make_app
from briefing_reader.tui.app import make_library_app
from briefing_reader.tui.screens.help import HelpScreen
from tests.conftest import BUNDLED, load
from tests.functional.conftest import write_library

SEED = int(os.environ.get("BRIEFING_MONKEY_SEED", "20261201"))
# Spread over the starting screens below: at least 2,000 in every CI run.
EVENTS = int(os.environ.get("BRIEFING_MONKEY_EVENTS", "2100"))

# Every bound key and then some: letters as a person types them, and the keys that move,
# open and close things. q, e and o are in: exit and opening URLs are caught below.
KEYS = [
    *string.ascii_lowercase,
    *"GNYZ",
    *"0123456789",
    *"!?/[]., -'",
    "tab",
    "shift+tab",
    "enter",
    "escape",
    "backspace",
    "delete",
    "up",
    "down",
    "left",
    "right",
    "home",
    "end",
    "pageup",
    "pagedown",
    "space",
    "ctrl+p",
    "ctrl+t",
    "ctrl+a",
]
WORDS = ["quarter", "google", "undo", "energy", "acme", "mining", "you", "NOW"]
# Each run starts on one of these and goes wherever the events take it.
STARTS = ["library", "reader", "source", "help", "palette", "problems"]


class Monkey:
    def __init__(self, pilot: Pilot[None], rng: random.Random) -> None:
        self.pilot = pilot
        self.rng = rng
        self.log: list[str] = []

    def _point(self) -> Offset:
        size = self.pilot.app.size
        return Offset(
            self.rng.randrange(max(size.width, 1)), self.rng.randrange(max(size.height, 1))
        )

    async def _mouse(self, *gesture: tuple[type[events.MouseEvent], Offset, int]) -> None:
        """Post raw mouse events as the terminal driver does, so the app itself makes the
        clicks and counts them into double and triple clicks (the pilot's click helpers bypass
        that: they never reached the select-all that a real double-click runs)."""
        app = self.pilot.app
        for kind, at, button in gesture:
            app.post_message(
                kind(None, at.x, at.y, 0, 0, button, False, False, False, at.x, at.y, None)
            )
        await self.pilot.pause()

    async def step(self) -> None:
        rng = self.rng
        roll = rng.random()
        if roll < 0.55:
            key = rng.choice(KEYS)
            self.log.append(f"key {key}")
            await self.pilot.press(key)
        elif roll < 0.62:
            word = rng.choice(WORDS)
            self.log.append(f"word {word}")
            await self.pilot.press(*word)
        elif roll < 0.80:
            at, times, button = self._point(), rng.choice([1, 1, 2, 3]), rng.choice([1, 1, 1, 3])
            self.log.append(f"click {at} x{times} button {button}")
            await self._mouse(
                *[(events.MouseDown, at, button), (events.MouseUp, at, button)] * times
            )
        elif roll < 0.86:
            start, end = self._point(), self._point()
            self.log.append(f"drag {start} -> {end}")
            await self._mouse(
                (events.MouseDown, start, 1), (events.MouseMove, end, 1), (events.MouseUp, end, 1)
            )
        elif roll < 0.95:
            at = self._point()
            kind = rng.choice([events.MouseScrollDown, events.MouseScrollUp])
            self.log.append(f"{kind.__name__} {at} x3")
            await self._mouse(*[(kind, at, 0)] * 3)
        else:
            width, height = rng.randint(10, 200), rng.randint(3, 60)
            self.log.append(f"resize {width}x{height}")
            await self.pilot.resize_terminal(width, height)


async def _enter(start: str, pilot: Pilot[None]) -> None:
    moves = {
        "library": [],
        "reader": ["enter"],
        "source": ["enter", "s"],
        "help": ["question_mark"],
        "palette": ["ctrl+p"],
        "problems": ["enter", "exclamation_mark"],
    }[start]
    await pilot.press(*moves)


def _app(start: str, tmp_path: Path) -> tuple[BriefingApp, Callable[[], Awaitable[None]]]:
    if start in ("library", "help", "palette"):
        folder = write_library(tmp_path / "library", broken=True)
        app = make_library_app([folder], use_cache=False, watch=False, index_workers=1)

        async def ready() -> None:
            await app.library_loaded.wait()

        return app, ready
    app = make_app([load(BUNDLED), load(BUNDLED)])

    async def nothing() -> None:
        return None

    return app, nothing


@pytest.mark.parametrize("start", STARTS)
async def test_random_keys_and_mouse_leave_the_app_running(
    start: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed = SEED + STARTS.index(start)
    rng = random.Random(seed)
    app, ready = _app(start, tmp_path)
    exits: list[object] = []
    # q, the palette's Quit and the like must not end the run: record them instead.
    app.exit = lambda *args, **kwargs: exits.append(args)  # type: ignore[method-assign]
    app.open_url = lambda *args, **kwargs: None  # type: ignore[method-assign]
    monkeypatch.setenv("VISUAL", "true")
    count = max(EVENTS // len(STARTS), 1)
    replay = f"BRIEFING_MONKEY_SEED={SEED} BRIEFING_MONKEY_EVENTS={EVENTS}"
    async with app.run_test(size=(80, 24)) as pilot:
        await ready()
        await pilot.pause()
        await _enter(start, pilot)
        monkey = Monkey(pilot, rng)
        try:
            for _ in range(count):
                await monkey.step()
                if app._exception is not None:  # the app died: say where, not later
                    raise app._exception
            # It still answers a key: back to a plain screen, then ? opens the help.
            await pilot.resize_terminal(80, 24)
            for _ in range(6):
                if isinstance(app.focused, Input) or len(app.screen_stack) > 1:
                    await pilot.press("escape")
            app.set_focus(None)
            await pilot.press("question_mark")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen), f"? answered with {app.screen!r}"
        except BaseException as exc:
            tail = "\n  ".join(monkey.log[-15:])
            raise AssertionError(
                f"monkey from {start!r} failed after {len(monkey.log)} events "
                f"(seed {seed}; replay: {replay} pytest {__file__} -k {start}):\n  {tail}"
            ) from exc
        del app.exit  # let run_test end the app
