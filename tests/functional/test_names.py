"""Hostile file and folder names in the library, the preview, the reader and the CLI.

Each is shown with the placeholders of :mod:`tests.unit.test_names` (␛ ␇ ␊, U+FFFD), in
every row, title, notification and error line; rows read back from a tampered index cache
are cleaned when drawn as well.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from textual.command import CommandList
from textual.widgets import Static

from briefing_reader.library.index import Entry, problem_field
from briefing_reader.loading import load_file
from briefing_reader.tui.app import BriefingApp, make_app
from briefing_reader.tui.screens.problems import ProblemsScreen
from briefing_reader.tui.widgets.error_view import ErrorView
from briefing_reader.tui.widgets.library_list import LibraryList
from briefing_reader.tui.widgets.preview import Preview, preview_content
from tests.conftest import ROOT
from tests.functional.conftest import briefing_yaml, library_app, loaded, settle, write
from tests.unit.test_names import (
    BROKEN,
    FOLDER,
    FOLDER_SHOWN,
    NAMES,
    PAYLOADS,
    hostile_folder,
    unsafe,
)

WIDE = (200, 40)  # the preview is beside the list from 160 columns


def rows(app: BriefingApp) -> list[str]:
    widget = app.screen.query_one(LibraryList)
    return [
        "".join(segment.text for segment in widget.render_line(y)) for y in range(len(widget.view))
    ]


def static_text(widget: Static) -> str:
    return str(widget.render())


def hostile_library(tmp_path: Path) -> Path:
    root = hostile_folder(tmp_path / "lib")
    (root / "sources").mkdir()
    (root / "sources" / "article.txt").write_text("Energy costs rose sharply.\n")
    write(root / "good.yaml", briefing_yaml("good-q4", "Good", "Acme", "2024-11-02", "energy"))
    return root


# --- the library -------------------------------------------------------------------------------


async def test_the_list_shows_each_hostile_name_with_placeholders(tmp_path: Path) -> None:
    app = library_app(hostile_library(tmp_path))
    async with app.run_test(size=WIDE) as pilot:
        await loaded(app, pilot)
        shown = rows(app)
        assert len(shown) == len(NAMES) + 2  # one row each: a newline breaks none in two
        for row in shown:
            assert not unsafe(row), row
        for name in NAMES.values():
            assert any(name in row and "error:" in row for row in shown), name


async def test_the_preview_shows_each_hostile_name_with_placeholders(tmp_path: Path) -> None:
    root = hostile_library(tmp_path)
    app = library_app(root)
    async with app.run_test(size=WIDE) as pilot:
        screen = await loaded(app, pilot)
        previews = []
        for _ in range(len(screen.view)):
            await settle(app, pilot)
            previews.append(static_text(screen.query_one(Preview)._body))
            await pilot.press("j")
        for text in previews:
            assert not unsafe(text.replace("\n", "")), text
        for name in NAMES.values():
            # Its name as the title, and the problem naming the whole path.
            assert any(f"{name}\n" in text and f"{root}/{name}:3:1" in text for text in previews)
        assert any(f"{root}/{FOLDER_SHOWN}/inner.yaml:3:1" in text for text in previews)


async def test_an_empty_library_names_its_hostile_folder_with_placeholders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # a relative path: the message fits the row
    Path(FOLDER).mkdir()
    app = library_app(Path(FOLDER))
    async with app.run_test(size=WIDE) as pilot:
        await loaded(app, pilot)
        line = "".join(s.text for s in app.screen.query_one(LibraryList).render_line(0))
    assert f"No briefings in {FOLDER_SHOWN} yet" in line
    assert not unsafe(line)


POISON = Entry(
    path="/nowhere/poisoned.yaml",
    size=1,
    mtime_ns=1,
    error_count=1,
    warning_count=0,
    problem=problem_field(
        "/nowhere/poisoned.yaml", "/nowhere/p\x1b]0;pwned\x07.yaml:1:1: error: \x1b[2Jboom"
    ),
    id="poisoned",
    title="Title \x1b]0;pwned\x07 here",
    subject="Subj\x1b[2J",
    period="Q\x1b[31m4",
    date="2024-01-01\x1b]52;c;aGk=\x07",
    tags=("tag\x1b]0;pwned\x07",),
)


async def test_rows_from_a_poisoned_cache_are_cleaned_when_drawn(tmp_path: Path) -> None:
    # Whatever the cache lets through, the list, the preview and the status line draw it clean.
    app = library_app(hostile_library(tmp_path))
    async with app.run_test(size=WIDE) as pilot:
        screen = await loaded(app, pilot)
        screen.view.set_entries([POISON, POISON._replace(path="/nowhere/b.yaml", id=None)])
        screen.view.set_tag(POISON.tags[0])
        screen.list.refresh_rows(at_top=True)
        screen._update_status()
        await pilot.pause()
        drawn = [*rows(app), static_text(screen.query_one("#library-status", Static))]
        assert "Title \u241b]0;pwned\u2407 here" in drawn[0]
        assert "Subj\u241b[2J" in drawn[0] and "Q\u241b[31m4" in drawn[0]
        assert "\u241b[2Jboom" in drawn[1]
        assert "tag: tag\u241b]0;pwned\u2407" in drawn[-1]
        for text in drawn:
            assert not unsafe(text), text
    preview = preview_content(POISON).plain
    assert "Title \u241b]0;pwned\u2407 here" in preview and "#tag\u241b]0;pwned\u2407" in preview
    assert not unsafe(preview.replace("\n", ""))


async def test_the_palette_shows_tags_from_a_poisoned_cache_as_written(tmp_path: Path) -> None:
    # Its labels are read as markup: a tag is data, neither markup nor escape sequences.
    app = library_app(hostile_library(tmp_path))
    async with app.run_test(size=WIDE) as pilot:
        screen = await loaded(app, pilot)
        marked = POISON._replace(path="/nowhere/c.yaml", tags=("[reverse]rev",))
        screen.view.set_entries([POISON, marked])
        await pilot.press("ctrl+p", *"tag")
        await pilot.pause(0.5)  # the palette searches on a worker of its own
        listed = app.screen.query_one(CommandList)
        labels = [
            str(listed.get_option_at_index(i).prompt).split("\n")[0]
            for i in range(listed.option_count)
        ]
    assert "Tag: [reverse]rev (1 briefing)" in labels
    assert "Tag: tag\u241b]0;pwned\u2407 (1 briefing)" in labels
    for label in labels:
        assert not unsafe(label), label


async def test_a_notification_naming_a_hostile_path_shows_placeholders(tmp_path: Path) -> None:
    # What the command line says of a missing path is said again on screen, as it started.
    app = library_app(hostile_library(tmp_path))
    raw = next(iter(NAMES))
    app.startup_warnings.append(f"no such file or folder: /gone/{raw}")
    async with app.run_test(size=WIDE) as pilot:
        await loaded(app, pilot)
        said = [n.message for n in app._notifications]
        assert f"no such file or folder: /gone/{NAMES[raw]}" in said
        for message in said:
            assert not unsafe(message), message


# --- the reader -------------------------------------------------------------------------------


async def test_the_reader_titles_a_hostile_file_with_placeholders(tmp_path: Path) -> None:
    for raw, shown in NAMES.items():
        path = tmp_path / raw
        path.write_text(BROKEN)
        app = make_app([load_file(path)])
        async with app.run_test(size=(120, 30)) as pilot:
            await pilot.pause()
            title = static_text(app.screen.query_one("#title", Static))
            problems = [static_text(s) for s in app.screen.query_one(ErrorView).query(Static)]
            assert title == shown
            assert problems[0].startswith(f"{tmp_path}/{shown}:3:1: error:")
            for text in (title, *problems):
                assert not unsafe(text), text
        loaded_raw = load_file(path)._replace(name="")
        assert ProblemsScreen(loaded_raw).title_text == f"Problems: {tmp_path}/{shown}"


# --- the command line --------------------------------------------------------------------------


def run(*args: str | Path, **env: str) -> subprocess.CompletedProcess[str]:
    """`python -m briefing_reader ARGS` with pipes (the environment passed on: PYTHONPATH)."""
    return subprocess.run(
        [sys.executable, "-m", "briefing_reader", *map(str, args)],
        cwd=ROOT,
        env={**os.environ, "COLUMNS": "300", "NO_COLOR": "1", **env},
        capture_output=True,
        text=True,
        errors="surrogateescape",  # so that a raw name would be seen, not a decoding error
        stdin=subprocess.DEVNULL,
        timeout=60,
        check=False,
    )


def assert_clean(output: str) -> None:
    for payload in PAYLOADS:
        assert payload not in output
    for line in output.splitlines():
        assert not unsafe(line), line


def test_validate_names_each_hostile_file_with_placeholders(tmp_path: Path) -> None:
    root = hostile_folder(tmp_path / "lib")
    result = run("validate", root)
    assert result.returncode == 1
    assert_clean(result.stdout + result.stderr)
    lines = result.stdout.splitlines()
    assert len(lines) == len(NAMES) + 2  # one line each, then the summary
    for shown in [*NAMES.values(), f"{FOLDER_SHOWN}/inner.yaml"]:
        assert any(line.startswith(f"{root}/{shown}:3:1: error: ") for line in lines), shown
    as_json = run("validate", "--format", "json", root)
    assert_clean(as_json.stdout)
    paths = {problem["path"] for problem in json.loads(as_json.stdout)}
    assert paths == {f"{root}/{shown}" for shown in NAMES.values()} | {
        f"{root}/{FOLDER_SHOWN}/inner.yaml"
    }


def test_show_names_each_hostile_file_with_placeholders(tmp_path: Path) -> None:
    root = hostile_folder(tmp_path / "lib")
    paths = [root / raw for raw in NAMES]
    for output in ("text", "markdown", "json"):
        result = run("show", "--format", output, *paths)
        written = result.stdout + result.stderr
        assert_clean(written)
        for shown in NAMES.values():
            assert f"{root}/{shown}" in written, (output, shown)


def test_every_error_line_names_a_hostile_path_with_placeholders(tmp_path: Path) -> None:
    for raw, shown in [*NAMES.items(), (FOLDER, FOLDER_SHOWN)]:
        gone = tmp_path / "gone" / raw
        for args in (["validate", gone], ["show", gone], [gone], ["new", "--source", gone]):
            # The reader without a terminal prints as on a dumb one: it names the path too.
            result = run(*args, TERM="dumb")
            assert result.returncode == 2, (args, result.stderr)
            assert_clean(result.stdout + result.stderr)
            (line,) = result.stderr.splitlines()  # one line, however many newlines the name has
            assert line.startswith("briefing: error: no such file") and line.endswith(
                f"{tmp_path}/gone/{shown}"
            ), line
