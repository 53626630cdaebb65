"""What the pilot, snapshot and serve tests share: apps made one way, and a small library."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from unittest import mock

import pyte
import pytest
from textual.pilot import Pilot
from textual.strip import Strip
from textual.worker import WorkerCancelled

from briefing_reader.tui.app import BriefingApp, make_app, make_library_app
from briefing_reader.tui.screens.library import LibraryScreen
from tests.conftest import ARTICLE, OLD, load


def list_rows_drawn(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The rows the library list draws from now on, in order (a row drawn twice, twice)."""
    from briefing_reader.tui.widgets.library_list import LibraryList

    drawn: list[int] = []
    draw = LibraryList.render_line

    def counting(widget: LibraryList, y: int) -> Strip:
        drawn.append(y)
        return draw(widget, y)

    monkeypatch.setattr(LibraryList, "render_line", counting)
    return drawn


def truecolor(make: Callable[[], BriefingApp]) -> BriefingApp:
    """An app whose console writes truecolor, whatever TERM and COLORTERM say.

    Rich and Textual keep a style's SGR codes on the Style object (``Style._ansi``), and
    share Style objects between apps through their caches, whatever colour system wrote
    them: in one pytest process, an app that wrote 16 colours (TERM=xterm, no COLORTERM)
    makes a later truecolor app write 16 colours for some styles, and the other way round.
    Textual's screenshots are always truecolor, so every app of these tests is too: a
    test's bytes then do not depend on the terminal pytest runs in or on the tests before
    it in the same worker (test_delta compared the frame delta's bytes, right for the
    console, with Textual's own stale ones: 'black' against '121212').
    """
    # TERM too: under TERM=dumb (some CI) Rich writes no colour at all.
    with mock.patch.dict(os.environ, {"TERM": "xterm-256color", "COLORTERM": "truecolor"}):
        app = make()
    assert app.console.color_system == "truecolor"
    return app


def app_for(*paths: Path) -> BriefingApp:
    """The reader on these briefings, with the default theme (snapshots pin it)."""
    app = truecolor(lambda: make_app([load(p) for p in paths]))
    assert app.theme == "textual-dark"
    return app


# A modification day (noon UTC, the same date in most time zones) before every dated briefing.
IN_2020 = 1_580_040_000 * 10**9


# (file, id, title, subject, date, tags): dates out of file order, so sorting shows.
BRIEFINGS = [
    ("acme.yaml", "acme-q4", "Acme misses on energy costs", "Acme", "2024-11-02", "energy"),
    ("bolt.yaml", "bolt-q3", "Bolt Mining expands north", "Bolt Mining", "2025-01-15", "mining"),
    ("core.yaml", "core-q2", "Core Power sells its grid arm", "Core Power", "2024-06-30", "energy"),
    (
        "delta.yaml",
        "delta-q1",
        "Delta Freight cuts routes",
        "Delta Freight",
        "2025-03-01",
        "freight",
    ),
]


def briefing_yaml(briefing_id: str, title: str, subject: str, date: str, tag: str) -> str:
    return f"""\
format: briefing/1
id: {briefing_id}
title: {title}
subject: {subject}
period: Q4 2024
date: {date}
tags: [{tag}, earnings]
summary: {subject} reported its quarter.
source: {{title: Acme article, file: sources/article.txt}}
headline_facts:
  - {{label: Net loss, value: $12 million, evidence: "Acme lost $12 million in the quarter."}}
loss_drivers:
  - {{title: Energy, detail: Energy got dearer., evidence: "Energy costs rose sharply."}}
ceo_quote: {{text: we will grow again, speaker: A. Person, role: CEO}}
open_questions:
  - {{question: Will {subject} recover?, evidence: "Analysts remain unsure."}}
"""


def write_library(folder: Path, *, broken: bool = False) -> Path:
    (folder / "sources").mkdir(parents=True)
    (folder / "sources" / "article.txt").write_text(ARTICLE)
    os.utime(folder / "sources" / "article.txt", ns=(OLD, OLD))
    for name, *fields in BRIEFINGS:
        write(folder / name, briefing_yaml(*fields))
    if broken:
        write(folder / "zz-broken.yaml", "format: briefing/1\nid: [unclosed\n", when=IN_2020)
    return folder


def write(path: Path, text: str, *, when: int = OLD) -> None:
    path.write_text(text)
    os.utime(path, ns=(when, when))


@pytest.fixture
def library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # Relative paths: what the list shows (and snapshots pin) must not name tmp_path.
    monkeypatch.chdir(tmp_path)
    write_library(tmp_path / "library", broken=True)
    return Path("library")


def library_app(folder: Path, **options: object) -> BriefingApp:
    options.setdefault("watch", False)
    options.setdefault("index_workers", 1)
    return truecolor(lambda: make_library_app([folder], **options))  # type: ignore[arg-type]


async def settle(app: BriefingApp, pilot: Pilot[None]) -> None:
    """Wait for every worker, those started meanwhile too (a newer preview cancels an older
    one: that is no failure).

    A worker can start another as it ends (the index re-reads files changed before it came,
    a rebuild starts the next): waiting only for those running at the call let a test press
    keys before the list settled (test_the_open_briefing_reloads_keeping_pane_and_item
    opened the wrong briefing on a busy machine).
    """
    while True:
        try:
            await app.workers.wait_for_complete()
        except WorkerCancelled:
            continue
        await pilot.pause()
        # A call_after_refresh still pending may start a worker (the preview's load, the
        # watch): on a busy machine the frame it waits for can come after the pause.
        pending = getattr(app.screen, "_callbacks", ())
        if all(worker.is_finished for worker in app.workers) and not pending:
            break


def burst(app: BriefingApp, keys: str) -> None:
    """Keys as a terminal gives them when they come together: typed ahead while the app
    starts, or one packet of a fast typist's over SSH. The driver posts them all at once,
    each named as its parser names it."""
    from textual import events
    from textual.keys import _character_to_key

    for key in keys:
        app.post_message(events.Key(_character_to_key(key), key))


def clicks(app: BriefingApp, x: int, y: int, times: int) -> None:
    """As the terminal driver sends them: the app makes the clicks and counts the chain."""
    from textual import events

    for _ in range(times):
        for kind in (events.MouseDown, events.MouseUp):
            app.post_message(kind(None, x, y, 0, 0, 1, False, False, False, x, y, None))


async def loaded(app: BriefingApp, pilot: Pilot[None]) -> LibraryScreen:
    await app.library_loaded.wait()
    await settle(app, pilot)
    assert isinstance(app.screen, LibraryScreen)
    return app.screen


# A cell as a user sees it on a pyte terminal. A space shows only its background unless a
# line or reverse video shows on it: the frame delta keeps whatever colour and boldness the
# pen has for a gap rather than send codes nobody sees (tui/delta.py, Pen.for_blanks).
Shown = tuple[object, ...]


def seen(c: pyte.screens.Char) -> Shown:
    if c.data == " " and not (c.underscore or c.strikethrough or c.reverse):
        return (c.data, c.bg)
    return (c.data, c.fg, c.bg, c.bold, c.italics, c.underscore, c.reverse, c.strikethrough)
