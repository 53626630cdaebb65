"""`o` and `e` with hostile URLs, browsers and editors, and `y` saying where a copy went.

Fake browsers and editors are shell scripts that record their arguments; the reader must
come back from each with the briefing on screen and one line saying what happened.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from briefing_reader.loading import load_file
from briefing_reader.tui import BriefingApp, make_app
from briefing_reader.tui.screens.briefing import BriefingScreen
from briefing_reader.tui.widgets.error_view import ErrorView
from tests.conftest import BUNDLED, FIXTURES
from tests.functional.conftest import app_for

SIZE = (120, 40)
TITLE = "A briefing with nothing optional"
GUARD = 200  # pauses, as a guard against a hang: each wait below takes a few


def write_briefing(folder: Path, *, url: str | None = None, name: str = "b.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sources").mkdir(exist_ok=True)
    shutil.copy(FIXTURES / "sources" / "minimal.txt", folder / "sources")
    text = (FIXTURES / "minimal.yaml").read_text()
    if url is not None:
        # JSON's string is YAML's double-quoted string: any URL goes in as it is.
        text = text.replace(
            "  file: sources/minimal.txt\n",
            f"  file: sources/minimal.txt\n  url: {json.dumps(url)}\n",
        )
    path = folder / name
    path.write_text(text)
    return path


def reader(path: Path) -> BriefingApp:
    return make_app([load_file(path, display=path.name)])


def messages(app: BriefingApp) -> list[str]:
    return [f"{n.title}: {n.message}" if n.title else n.message for n in app._notifications]


def title_text(app: BriefingApp) -> str:
    return str(app.screen.query_one("#title", Static).render())


async def until(pilot: Pilot[None], check: object) -> None:
    for _ in range(GUARD):
        if callable(check) and check():
            return
        await pilot.pause(0.02)
    raise AssertionError("gave up waiting")


def script(path: Path, body: str) -> Path:
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755)
    return path


# --- o: which URLs reach the browser, and how -------------------------------------------


@pytest.fixture
def browser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A browser that records its arguments (one per line) and stays open, as browsers do."""
    record = tmp_path / "browser-argv"
    tool = script(
        tmp_path / "fake-browser",  # no space or quotes: Python's webbrowser takes it as is
        f"""echo $$ > '{record}.pid'
for arg in "$@"; do printf '%s\\n' "$arg"; done > '{record}.tmp'
mv '{record}.tmp' '{record}'
exec sleep 20
""",
    )
    monkeypatch.setenv("BROWSER", str(tool))
    try:
        yield record
    finally:
        with contextlib.suppress(OSError, ValueError):
            os.kill(int(Path(f"{record}.pid").read_text()), signal.SIGKILL)


def browser_alive(record: Path) -> bool:
    try:
        pid = int(Path(f"{record}.pid").read_text())
        os.kill(pid, 0)
    except (OSError, ValueError):
        return False
    # A zombie is not a browser that stays open.
    with contextlib.suppress(OSError):
        return " Z " not in Path(f"/proc/{pid}/stat").read_text().split(")", 1)[1][:4]
    return True


async def test_a_browser_that_stays_open_does_not_freeze_the_reader(
    tmp_path: Path, browser: Path
) -> None:
    url = "https://example.org/a;touch${IFS}/tmp/pwned|$(id)&`id`"
    app = reader(write_briefing(tmp_path / "lib", url=url))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("o")
        await until(pilot, browser.exists)
        await pilot.press("2")  # answered while the browser is still open
        screen = app.screen
        assert isinstance(screen, BriefingScreen)
        assert screen.current_pane == 2
        assert browser_alive(browser)
        assert any(
            m.startswith("Opening in the browser: https://example.org/") for m in messages(app)
        )
    # The URL is one argument, never given to a shell.
    assert browser.read_text().splitlines() == [url]
    assert not Path("/tmp/pwned").exists()


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "javascript:alert(document.cookie)",
        "--x",
        "https://example.org/" + "a" * (100 * 1024),
    ],
    ids=["file", "javascript", "option", "100KB"],
)
async def test_only_http_urls_are_opened(tmp_path: Path, browser: Path, url: str) -> None:
    app = reader(write_briefing(tmp_path / "lib", url=url))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("o")
        await pilot.pause()
        said = messages(app)
        await pilot.press("q")
    assert not browser.exists()
    assert len(said) == 1 and said[0].startswith("Not opened: ")
    assert len(said[0]) < 200  # a 100 KB URL is not shown in full


async def test_with_no_browser_o_says_so_instead_of_opening(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("BROWSER", raising=False)
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    if os.uname().sysname == "Darwin":
        pytest.skip("macOS always has `open`")
    app = reader(write_briefing(tmp_path / "lib", url="https://example.org/"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("o")
        await pilot.pause()
        said = messages(app)
    assert said == ["Not opened: No web browser found here (set $BROWSER to one)"]


# --- e: whatever the editor does, the reader comes back ---------------------------------


class Suspend:
    """Stands in for App.suspend, which a headless driver cannot do, and behaves as it does.

    Like Textual's, it takes the terminal back only when the block ends normally: an
    exception out of the block leaves the terminal with the editor (a blank screen).
    """

    def __init__(self) -> None:
        self.suspended = False
        self.times = 0

    @contextlib.contextmanager
    def __call__(self) -> Iterator[None]:
        self.suspended = True
        self.times += 1
        yield
        self.suspended = False


async def edit_with(
    path: Path, editor: str, monkeypatch: pytest.MonkeyPatch
) -> tuple[BriefingApp, Suspend, list[str]]:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", editor)
    app = reader(path)
    suspend = Suspend()
    monkeypatch.setattr(app, "suspend", suspend)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        await pilot.pause()
        await pilot.pause()
        assert not suspend.suspended, "the terminal was not taken back"
        said = messages(app)
        assert title_text(app) == TITLE  # the briefing is still on screen
        assert not app.screen.query(ErrorView)
        assert app.screen.is_current
        await pilot.press("q")  # and q still quits
    assert app.return_code == 0
    return app, suspend, said


@pytest.mark.parametrize(
    ("editor", "said"),
    [
        ("/nonexistent/editor", "Could not run the editor (/nonexistent/editor): no such program"),
        (
            "vim -u 'NONE",
            "Could not run the editor (vim -u 'NONE): cannot split the command: no closing",
        ),
    ],
)
async def test_an_editor_that_cannot_run_leaves_the_reader_answering(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, editor: str, said: str
) -> None:
    _, suspend, messages_ = await edit_with(write_briefing(tmp_path), editor, monkeypatch)
    assert len(messages_) == 1 and messages_[0].startswith(said)
    # Found out before the terminal was handed over: no blank screen at all.
    assert suspend.times == 0


async def test_an_editor_exiting_1_is_said_and_its_edit_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_briefing(tmp_path)
    edit = script(
        tmp_path / "ed", "sed -i 's/^title: .*/title: Edited then quit/' \"$1\"\nexit 1\n"
    )
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", str(edit))
    app = reader(path)
    monkeypatch.setattr(app, "suspend", Suspend())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        await until(pilot, lambda: title_text(app) == "Edited then quit")
        assert "The editor exited with status 1." in messages(app)


@pytest.mark.parametrize(("what", "body"), [("empties", ': > "$1"\n'), ("deletes", 'rm -f "$1"\n')])
async def test_an_editor_that_empties_or_deletes_the_file_keeps_the_last_good_briefing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, what: str, body: str
) -> None:
    path = write_briefing(tmp_path)
    edit = script(tmp_path / "ed", body)
    _, suspend, said = await edit_with(path, str(edit), monkeypatch)
    assert suspend.times == 1
    assert len(said) == 1
    assert said[0].startswith("b.yaml: ")
    assert said[0].endswith("(still showing the last version that loaded; press e to fix it)")


async def test_a_path_with_a_space_reaches_the_editor_as_one_argument(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_briefing(tmp_path / "my folder", name="b c.yaml")
    record = tmp_path / "editor-argv"
    edit = script(
        tmp_path / "my editor",
        f"""for arg in "$@"; do printf '%s\\n' "$arg"; done > '{record}'\n""",
    )
    await edit_with(path, f"'{edit}' -u NONE", monkeypatch)
    assert record.read_text().splitlines() == ["-u", "NONE", str(path)]


# --- y: the notice says where the text went ---------------------------------------------


async def test_in_screen_a_copy_says_it_went_to_the_terminal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # GNU screen passes the OSC 52 on to the terminal; its own paste buffer stays empty, so
    # "Copied to the clipboard" sent users to look in screen's.
    monkeypatch.setenv("STY", "1234.pts-0.host")
    app = app_for(BUNDLED)
    async with app.run_test(size=SIZE) as pilot:
        written: list[str] = []
        assert app._driver is not None
        monkeypatch.setattr(app._driver, "write", written.append)
        await pilot.press("y")
        await pilot.pause()
        said = messages(app)
    assert said == ["Copied the item (1 line) to the terminal's clipboard (via screen)."]
    assert len(written) == 1 and written[0].startswith("\x1bP\x1b]52;c;")
