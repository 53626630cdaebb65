"""The reader in a real tmux: one copy per `y` whatever tmux's clipboard options, the terminal
given back on SIGTERM and SIGHUP, and an editor that cannot run never taking the reader with it.

Each test runs `python -m briefing_reader` in a window of a private tmux server (its own
socket folder, removed afterwards) whose panes stay open when the reader exits, so that
what it left behind can be read from tmux's own flags: ``#{alternate_on}``,
``#{cursor_flag}`` and ``#{mouse_any_flag}``; the exit status is said by a shell around the
reader (tmux 3.3 does not always learn a dead pane's own). They skip where tmux is not
installed. Waits poll and give up after a bound; none is a timing assert.
"""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import BUNDLED

TMUX = shutil.which("tmux")
WAIT = 20.0  # seconds for any one thing to appear (each takes well under one)
DRAWN = "Declining Bitcoin prices"  # the loss drivers' first item: the reader is on screen
ITEM = "Q4 2024 net loss: $265 million"  # what y copies on the first screen

pytestmark = pytest.mark.skipif(TMUX is None, reason="not installed: tmux")


class Server:
    """A private tmux server whose windows run the reader and stay open after it exits."""

    def __init__(self, folder: str) -> None:
        self.name = f"brclip-{uuid.uuid4().hex[:8]}"
        env = dict(os.environ)
        env.update(LANG="C.UTF-8", TERM="xterm-256color", TMUX_TMPDIR=folder)
        for name in ("LC_ALL", "LC_CTYPE", "TMUX", "TMUX_PANE", "STY", "VISUAL", "EDITOR"):
            env.pop(name, None)
        self.env = env
        self("new-session", "-d", "-x", "100", "-y", "30", "sleep 600")
        self("set-option", "-g", "remain-on-exit", "on")

    def __call__(self, *args: str) -> str:
        result = subprocess.run(
            [TMUX or "tmux", "-L", self.name, "-f", "/dev/null", *args],
            env=self.env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=10,
        )
        assert result.returncode == 0, f"tmux {' '.join(args)}: {result.stderr}"
        return result.stdout

    def reader(self, *args: str, env: dict[str, str] | None = None, keep: bool = False) -> str:
        """Start the reader in a new window; its pane's id.

        The pane's pid is the reader's, unless ``keep``: then a shell runs it, says
        ``EXIT=<status>`` and keeps the pane alive (tmux hides the cursor of a dead pane,
        so whether the reader showed it again can only be read from a live one).
        """
        assignments = [f"{name}={shlex.quote(value)}" for name, value in (env or {}).items()]
        command = " ".join(
            ["env", *assignments, shlex.quote(sys.executable), "-m", "briefing_reader"]
            + [shlex.quote(arg) for arg in args]
        )
        command = f"{command}; echo EXIT=$?; sleep 60" if keep else f"exec {command}"
        pane = self("new-window", "-d", "-P", "-F", "#{pane_id}", command).strip()
        self.wait(pane, lambda screen: DRAWN in screen, "the briefing drawn")
        return pane

    def reader_pid(self, pane: str) -> int:
        """The reader's pid in a ``keep`` pane: the one child of the pane's shell."""
        shell = self.flags(pane, "pane_pid")[0]
        children = Path(f"/proc/{shell}/task/{shell}/children").read_text().split()
        assert len(children) == 1, children
        return int(children[0])

    def screen(self, pane: str) -> str:
        return self("capture-pane", "-p", "-t", pane)

    def flags(self, pane: str, *names: str) -> list[str]:
        return self("display", "-p", "-t", pane, " ".join(f"#{{{n}}}" for n in names)).split()

    def buffers(self) -> list[str]:
        names = self("list-buffers", "-F", "#{buffer_name}").split()
        return [self("show-buffer", "-b", name) for name in names]

    def wait(self, pane: str, check: Callable[[str], bool], what: str) -> str:
        deadline = time.monotonic() + WAIT
        while True:
            screen = self.screen(pane)
            if check(screen):
                return screen
            if time.monotonic() > deadline:
                pytest.fail(f"gave up waiting for {what}; the screen:\n{screen}")
            time.sleep(0.05)

    def wait_dead(self, pane: str) -> None:
        deadline = time.monotonic() + WAIT
        while self.flags(pane, "pane_dead") != ["1"]:
            if time.monotonic() > deadline:
                pytest.fail(f"the reader did not exit; the screen:\n{self.screen(pane)}")
            time.sleep(0.05)

    def kill(self) -> None:
        subprocess.run(
            [TMUX or "tmux", "-L", self.name, "kill-server"],
            env=self.env,
            capture_output=True,
            timeout=10,
            check=False,
        )


@pytest.fixture
def server() -> Iterator[Server]:
    # A short folder under /tmp: a socket path may not exceed about 104 bytes.
    folder = tempfile.mkdtemp(prefix="brclip-", dir="/tmp")
    tmux = Server(folder)
    try:
        yield tmux
    finally:
        tmux.kill()
        shutil.rmtree(folder, ignore_errors=True)


# --- y: exactly one copy whatever the options -------------------------------------------


@pytest.mark.parametrize("passthrough", ["on", "off"])
@pytest.mark.parametrize("set_clipboard", ["on", "external", "off"])
def test_one_y_makes_one_tmux_buffer(server: Server, set_clipboard: str, passthrough: str) -> None:
    server("set-option", "-s", "set-clipboard", set_clipboard)
    server("set-option", "-g", "allow-passthrough", passthrough)
    pane = server.reader(str(BUNDLED))
    server("send-keys", "-t", pane, "y")
    server.wait(pane, lambda screen: "Copied the item" in screen, "the copy's notice")
    deadline = time.monotonic() + WAIT
    while not server.buffers() and time.monotonic() < deadline:
        time.sleep(0.05)
    # A second buffer, when there was one, came from the same key a moment later.
    time.sleep(1.0)
    assert server.buffers() == [ITEM]
    server("send-keys", "-t", pane, "q")
    server.wait_dead(pane)


# --- the terminal given back --------------------------------------------------------------


STATE = ["alternate_on", "cursor_flag", "mouse_any_flag"]
GIVEN_BACK = ["0", "1", "0"]  # the normal screen, the cursor shown, no mouse reporting


@pytest.mark.parametrize(("signum", "status"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_a_signal_gives_the_terminal_back(server: Server, signum: int, status: int) -> None:
    pane = server.reader(str(BUNDLED), keep=True)
    assert server.flags(pane, *STATE) == ["1", "0", "1"]  # the reader's own screen
    os.kill(server.reader_pid(pane), signum)
    server.wait(pane, lambda screen: "EXIT=" in screen, "the reader's exit")
    assert server.flags(pane, *STATE) == GIVEN_BACK  # as after q
    assert f"EXIT={status}" in server.screen(pane)


def test_q_gives_the_terminal_back_as_the_signals_do(server: Server) -> None:
    pane = server.reader(str(BUNDLED), keep=True)
    server("send-keys", "-t", pane, "q")
    server.wait(pane, lambda screen: "EXIT=0" in screen, "the reader's exit")
    assert server.flags(pane, *STATE) == GIVEN_BACK


# --- e: the reader comes back -------------------------------------------------------------


@pytest.mark.parametrize(
    ("editor", "said"),
    [("/nonexistent/editor", "no such program"), ("vim -u 'NONE", "no closing quotation")],
    ids=["missing", "bad-quote"],
)
def test_an_editor_that_cannot_run_leaves_q_working(server: Server, editor: str, said: str) -> None:
    # A shell says the status: tmux 3.3 does not always learn a dead pane's own.
    pane = server.reader(str(BUNDLED), env={"EDITOR": editor}, keep=True)
    server("send-keys", "-t", pane, "e")
    server.wait(pane, lambda screen: said in screen and DRAWN in screen, "the editor's failure")
    server("send-keys", "-t", pane, "q")
    server.wait(pane, lambda screen: "EXIT=" in screen, "the reader's exit")
    assert "EXIT=0" in server.screen(pane)
    assert server.flags(pane, "alternate_on") == ["0"]


@pytest.mark.skipif(shutil.which("vim") is None, reason="not installed: vim")
def test_vim_on_a_path_with_a_space_hands_the_terminal_back(server: Server) -> None:
    # Not under pytest's tmp_path: vim 9 draws nothing at all for a file under
    # /tmp/pytest-of-root/pytest-N/test_vim_..., with the reader or without it.
    folder = Path(tempfile.mkdtemp(prefix="brvim-", dir="/tmp")) / "my briefings"
    folder.mkdir()
    path = folder / "core scientific.yaml"
    shutil.copy(BUNDLED, path)
    # A shell says the status: tmux 3.3 does not always learn a dead pane's own.
    pane = server.reader(str(path), env={"EDITOR": "vim -u NONE -i NONE -n"}, keep=True)
    server("send-keys", "-t", pane, "e")
    server.wait(pane, lambda screen: "format: briefing/1" in screen, "vim on the file")
    server("send-keys", "-t", pane, "Escape", ":q!", "Enter")
    server.wait(pane, lambda screen: DRAWN in screen, "the reader back")
    server("send-keys", "-t", pane, "q")
    server.wait(pane, lambda screen: "EXIT=" in screen, "the reader's exit")
    shutil.rmtree(folder.parent, ignore_errors=True)
    assert "EXIT=0" in server.screen(pane)
    assert server.flags(pane, "alternate_on") == ["0"]


@pytest.mark.skipif(shutil.which("vim") is None, reason="not installed: vim")
def test_the_terminal_closing_under_the_editor_leaves_no_reader_behind(server: Server) -> None:
    # The hangup reaches the editor and the reader at once; the reader, back from the
    # editor with no terminal to restore, must still end (it once waited on it for good).
    pane = server.reader(str(BUNDLED), env={"EDITOR": "vim -u NONE -i NONE -n"})
    pid = int(server.flags(pane, "pane_pid")[0])
    server("send-keys", "-t", pane, "e")
    server.wait(pane, lambda screen: "format: briefing/1" in screen, "vim on the file")
    server.kill()
    deadline = time.monotonic() + WAIT
    while running(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    alive = running(pid)
    if alive:
        os.kill(pid, signal.SIGKILL)
    assert not alive, "the reader outlived its terminal"


def running(pid: int) -> bool:
    """``pid`` exists and is not a zombie (gone, only not yet reaped by its new parent)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"
