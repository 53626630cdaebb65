"""The `briefing` command: arguments, errors, exit status, and what the wheel ships."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import ClassVar

import pytest
from textual.pilot import Pilot

from briefing_reader import cli
from briefing_reader.keys import shown
from briefing_reader.library.prefetch import Prefetch
from briefing_reader.tui import BriefingApp, make_app
from briefing_reader.tui.keys import key_help
from tests.conftest import BUNDLED, FIXTURES, ROOT, load


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "briefing_reader", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


def test_version() -> None:
    result = run_cli("--version")
    assert result.returncode == 0
    assert re.fullmatch(r"briefing \d+\.\d+\.\d+\S*\n", result.stdout)


def test_help_teaches_usage_and_keys() -> None:
    result = run_cli("--help")
    assert result.returncode == 0
    assert result.stdout.startswith("usage: briefing [-h] [--theme NAME] [--no-state]")
    for text in (
        "keys in the library",
        "keys in a briefing:",
        "tab, shift+tab",
        "zoom",
        "./briefings",
        "read.json",
        "exit status",
    ):
        assert text in result.stdout


@pytest.mark.parametrize(
    ("argv", "told"),
    [
        (
            ["valdate", "briefings"],
            "no such file or command: valdate (did you mean validate?)",
        ),
        (["shwo"], "(did you mean show?)"),
        (["help"], "no such file or folder: help (for help: briefing --help)"),
    ],
)
def test_a_mistyped_command_is_told_what_was_meant(argv: list[str], told: str) -> None:
    """Not the library of the paths after it, with a missing 'valdate' in a corner (found
    typing `briefing valdate briefings` as a new user)."""
    result = run_cli(*argv)
    assert result.returncode == 2
    assert told in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_a_missing_path_is_not_taken_for_a_command(tmp_path: Path) -> None:
    result = run_cli("./shwo", cwd=tmp_path)
    assert result.returncode == 2
    assert "did you mean" not in result.stderr


@pytest.mark.parametrize("command", ["", "validate", "show", "schema", "new", "serve"])
def test_every_help_fits_an_80_column_terminal(command: str) -> None:
    """A longer line wraps to the terminal's first column: a key's words under the keys,
    the half of a command line on its own (found reading --help at 80x24)."""
    result = subprocess.run(
        [sys.executable, "-m", "briefing_reader", *command.split(), "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "COLUMNS": "80"},
    )
    assert result.returncode == 0
    too_long = [line for line in result.stdout.splitlines() if len(line) >= 80]
    assert too_long == []


async def test_help_lists_every_key() -> None:
    """--help (rendered from the key table, free of Textual for speed) tells the live bindings."""
    app = make_app([load(BUNDLED), load(FIXTURES / "minimal.yaml")])
    async with app.run_test(size=(120, 40)):
        ours = [k for k in key_help(app, app.screen) if hasattr(k.namespace, "HELP_GROUP")]
        keys = {
            shown(active.binding.key)
            for active in app.screen.active_bindings.values()
            if (active.binding.id or "").startswith(("app.", "screen.", "pane."))
        }
    assert len(ours) >= 15
    listed = set(re.findall(r"[^\s,]+", cli.KEYS))
    assert keys - listed == set(), "keys bound but missing from --help"
    assert "ctrl+p" in listed


async def test_help_lists_every_library_key(tmp_path: Path) -> None:
    from briefing_reader.tui.app import make_library_app

    app = make_library_app([ROOT / "briefings"], watch=False, read_state=False)
    async with app.run_test(size=(120, 40)):
        await app.library_loaded.wait()
        keys = {
            shown(active.binding.key)
            for active in app.screen.active_bindings.values()
            if (active.binding.id or "").startswith("library.")
        }
    library_keys = cli.KEYS.split("keys in the library", 1)[1].split("keys in a briefing", 1)[0]
    listed = set(re.findall(r"[^\s,]+", library_keys))
    assert {"j", "enter", "f", "/", "o", "u"} <= keys
    assert keys - listed == set(), "missing from --help"


def test_no_briefings_anywhere_is_a_one_line_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(cli, "bundled_folder", lambda: None)
    assert cli.main([]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("briefing: error: no briefings")


def test_missing_path_is_a_one_line_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["does/not/exist.yaml"]) == 2
    assert (
        capsys.readouterr().err == "briefing: error: no such file or folder: does/not/exist.yaml\n"
    )


class FakeApp:
    """Stands in for the reader: records how it was made, runs no terminal."""

    made: ClassVar[list[tuple[str, object, dict[str, object]]]] = []

    def __init__(self, kind: str, what: object, options: dict[str, object]) -> None:
        self.made.append((kind, what, options))
        self.startup_warnings: list[str] = []
        self.return_code = 0

    def run(self) -> None:
        pass


@pytest.fixture
def fake_reader(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, object, dict[str, object]]]:
    import briefing_reader.tui as app

    FakeApp.made = []
    monkeypatch.setattr(app, "make_app", lambda what, **kw: FakeApp("reader", what, kw))
    monkeypatch.setattr(app, "make_library_app", lambda what, **kw: FakeApp("library", what, kw))
    return FakeApp.made


def test_a_folder_opens_the_library_even_empty(
    tmp_path: Path, fake_reader: list[tuple[str, object, dict[str, object]]]
) -> None:
    (tmp_path / "notes.txt").write_text("not a briefing")
    assert cli.main([str(tmp_path), "--no-state"]) == 0
    ((kind, what, options),) = fake_reader
    assert (kind, what) == ("library", [tmp_path])
    assert options["read_state"] is False and options["use_cache"] is True
    # The index is already being read in a child process, before Textual starts.
    prefetch = options["prefetch"]
    assert isinstance(prefetch, Prefetch)
    index = prefetch.wait()
    assert index is not None and len(index) == 0


def test_files_open_straight_in_the_reader(
    fake_reader: list[tuple[str, object, dict[str, object]]],
) -> None:
    assert cli.main([str(BUNDLED)]) == 0
    ((kind, what, _),) = fake_reader
    assert kind == "reader" and [loaded.path for loaded in what] == [BUNDLED]  # type: ignore[attr-defined]


def test_default_is_the_local_briefings_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "briefings").mkdir()
    monkeypatch.chdir(tmp_path)
    assert cli.default_paths() == [Path("briefings")]


def test_broken_files_load_as_entries_beside_good_ones() -> None:
    entries = cli.load_files(cli.briefing_files([FIXTURES]))  # as the reader loads them
    by_name = {e.path.name: e for e in entries}
    assert by_name["broken.yaml"].briefing is None
    assert by_name["minimal.yaml"].ok
    assert len(entries) == len(list(FIXTURES.glob("*.yaml")))


class HeadlessApp(BriefingApp):
    """The real app, run headless by main() so the exit status path is exercised."""

    fail_on_mount = False

    def run(self, **kwargs: object) -> None:  # type: ignore[override]
        async def press_q(pilot: Pilot[None]) -> None:
            await pilot.press("q")

        super().run(headless=True, auto_pilot=None if self.fail_on_mount else press_q)

    def on_mount(self) -> None:
        if self.fail_on_mount:
            raise RuntimeError("boom")


@pytest.mark.parametrize(("fail", "status"), [(False, 0), (True, 1)])
def test_exit_status_tells_the_truth(
    monkeypatch: pytest.MonkeyPatch, fail: bool, status: int
) -> None:
    import briefing_reader.tui as tui

    def factory(entries: list, **options: object) -> BriefingApp:  # type: ignore[type-arg]
        app = HeadlessApp(entries, **options)  # type: ignore[arg-type]
        app.fail_on_mount = fail
        return app

    monkeypatch.setattr(tui, "make_app", factory)
    assert cli.main([str(BUNDLED)]) == status


def test_wheel_ships_the_bundled_briefings_and_finds_them_outside_the_repo(
    tmp_path: Path,
) -> None:
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert build.returncode == 0, build.stderr
    (wheel,) = tmp_path.glob("briefing_reader-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "briefing_reader/bundled/core-scientific-2024-q4.yaml" in names
    assert "briefing_reader/bundled/sources/core-scientific-expansion.txt" in names
    assert "briefing_reader/tui/app.tcss" in names

    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    probe = (
        "from briefing_reader import cli; "
        "(p,) = cli.default_paths(); entries = cli.load_files(cli.briefing_files([p])); "
        "print(p.name, [e.briefing.id for e in entries if e.ok])"
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=elsewhere, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "bundled ['core-scientific-2024-q4']"


def test_new_drafts_a_briefing_that_validates_and_never_overwrites(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    article = ROOT / "briefings" / "sources" / "core-scientific-expansion.txt"
    args = ["new", "--source", str(article), "--id", "cs-draft", "-o", "drafts/cs.yaml"]
    assert cli.main(args) == 0
    assert capsys.readouterr().out == (
        "wrote drafts/cs.yaml; edit the '# draft' lines, "
        "then run: briefing validate drafts/cs.yaml\n"
    )
    assert (tmp_path / "drafts" / "sources" / article.name).read_bytes() == article.read_bytes()
    assert cli.main(["validate", "drafts"]) == 0  # its '# draft' markers are only warnings
    assert capsys.readouterr().out.endswith(" 0 errors, 17 warnings\n")
    before = (tmp_path / "drafts" / "cs.yaml").read_bytes()
    assert cli.main(args) == 1
    assert "already exists" in capsys.readouterr().err
    assert (tmp_path / "drafts" / "cs.yaml").read_bytes() == before


def test_new_without_an_article_is_a_one_line_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["new", "--source", "no/such/article.txt"]) == 2
    assert capsys.readouterr().err == "briefing: error: no such file: no/such/article.txt\n"
