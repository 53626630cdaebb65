"""Hostile file and folder names in a real terminal: nothing from a name reaches it raw.

The reader runs on a library of broken briefings named with escape sequences (OSC 0 sets
the terminal's title, OSC 52 its clipboard, CSI 2J clears it, SGR colours what follows),
a newline, U+202E and bytes that are not UTF-8 (the names of :mod:`tests.unit.test_names`).
Every entry is shown in the list and the preview, opened in the reader and closed again,
and a missing path is named in a notification. The app writes ESC for its own drawing, so
the bytes are searched for the payloads themselves, and in tmux for what they would do.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import select
import shlex
import signal
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.e2e.test_terminal import needs, shows, tmux
from tests.unit.test_names import NAMES, hostile_folder

# Each payload as the terminal would get it; Textual drops BEL, so the OSCs are matched
# without their terminator.
RAW = (b"\x1b]0;pwned", b"\x1b]52;c;aGk=", b"clear-\x1b[2J", b"sgr-\x1b[31m", "\u202e".encode())
GONE = "gone-\x1b]0;pwned\x07.yaml"  # named on the command line, but missing
WAIT = 15.0  # seconds for any one screen (each takes well under one)
QUIET = 0.3  # seconds without output: the frame after a key has been drawn


class Pty:
    """One program on a pseudo-terminal of its own; every byte it writes is kept."""

    def __init__(self, argv: list[str], width: int = 200, height: int = 40) -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", height, width, 0, 0))
        env = {**os.environ, "TERM": "xterm-256color", "LANG": "C.UTF-8"}
        env.pop("TMUX", None)
        self.process = subprocess.Popen(
            argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
        )
        os.close(slave)
        self.master = master
        self.output = bytearray()

    def read(self, timeout: float) -> bool:
        """Read what arrives within ``timeout``; False once the program has closed it."""
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return True
        try:
            chunk = os.read(self.master, 65536)
        except OSError:  # EIO: the program is gone
            return False
        self.output += chunk
        return bool(chunk)

    def wait_for(self, text: str) -> bool:
        """Read until ``text`` has been written (True) or the program ended (False)."""
        deadline = time.monotonic() + WAIT
        while text.encode() not in self.output:
            if time.monotonic() > deadline:
                pytest.fail(f"never showed {text!r}; it wrote:\n{bytes(self.output[-2000:])!r}")
            if not self.read(0.1):
                return False
        return True

    def press(self, key: bytes) -> None:
        """Type ``key`` and read until the program has been quiet a moment (bounded)."""
        os.write(self.master, key)
        deadline = time.monotonic() + WAIT
        before = len(self.output)
        while time.monotonic() < deadline and self.read(QUIET):
            if len(self.output) == before:
                break
            before = len(self.output)

    def finish(self) -> int:
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline and self.read(0.1):
            if self.process.poll() is not None:
                break
        try:
            return self.process.wait(timeout=WAIT)
        finally:
            self.close()

    def close(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=WAIT)
        with contextlib.suppress(OSError):
            os.close(self.master)


@contextlib.contextmanager
def running(argv: list[str]) -> Iterator[Pty]:
    program = Pty(argv)
    try:
        yield program
    finally:
        program.close()


def visit_every_entry(press: Callable[[bytes], None], count: int) -> None:
    """Each entry in turn: highlighted (the preview), opened, closed."""
    for _ in range(count):
        press(b"\r")
        press(b"\x1b")
        press(b"j")


@pytest.mark.parametrize("missing", [False, True], ids=["library", "and-a-missing-path"])
def test_no_payload_from_a_name_reaches_the_terminal(tmp_path: Path, missing: bool) -> None:
    root = hostile_folder(tmp_path / "lib")
    argv = [sys.executable, "-m", "briefing_reader", str(root)]
    if missing:
        argv.append(str(tmp_path / GONE))
    with running(argv) as reader:
        # The folder's entry, listed last: every row is on screen (the status line may not
        # be, where a name clears the screen).
        if reader.wait_for("inner.yaml"):
            visit_every_entry(reader.press, len(NAMES) + 1)
            reader.press(b"q")
        status = reader.finish()
        written = bytes(reader.output)
    for payload in RAW:
        assert payload not in written, f"{payload!r} reached the terminal"
    if missing:
        assert b"gone-\xe2\x90\x9b]0;pwned" in written  # the notification, ␛ in its place
    assert b"osc0-\xe2\x90\x9b]0;pwned\xe2\x90\x87.yaml" in written  # the list's row
    assert status == 0


def test_tmux_keeps_its_title_and_clipboard(tmp_path: Path) -> None:
    needs("tmux")
    root = hostile_folder(tmp_path / "lib")
    command = f"{shlex.quote(sys.executable)} -m briefing_reader {shlex.quote(str(root))}"
    with tmux(command, width=200, height=40) as session:
        # With set-clipboard on, tmux itself takes an OSC 52 into a buffer.
        session.tmux("set-option", "-g", "set-clipboard", "on")
        session.wait_until(shows("inner.yaml"))
        for _ in range(len(NAMES) + 1):
            for key in ("Enter", "Escape", "j"):
                session.keys(key)
                time.sleep(QUIET)  # pace only: what is checked is the state afterwards
        session.keys("q")
        session.wait_until(shows("EXIT=0"))
        title = session.tmux("display-message", "-p", "-t", "e2e", "#{pane_title}")
        buffers = session.tmux("list-buffers")
    assert "pwned" not in title
    assert buffers == ""
