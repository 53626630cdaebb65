"""Strange files in the library, the reader, `show` and `validate`; helpers that must not
outlive a killed reader.

Where the old code waited forever (a FIFO, a terminal read as a briefing), a guard
unblocks or kills it and the test fails; waits are on the app's events or the process's
exit, with generous bounds that only a hang reaches.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import pty
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple

import pytest

from tests.conftest import ROOT
from tests.functional.conftest import briefing_yaml, library_app, settle, write_library

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="FIFOs, ptys and /proc: Linux"
)

COMMAND = [sys.executable, "-m", "briefing_reader"]
GUARD = 30.0  # seconds: only a hang takes this long

# What each strange file of `strange_library` must say, after "NAME: error: cannot read file: ".
REASONS = {
    "fifo.yaml": "it is a named pipe (FIFO), not a regular file",
    "loop1.yaml": "Too many levels of symbolic links",
    "loop2.yaml": "Too many levels of symbolic links",
    "tty.yaml": "it is a device, not a regular file",
    "zero.yaml": "it is a device, not a regular file",
}
GOOD = ["Delta Freight cuts routes", "Bolt Mining expands north", "Acme misses on energy costs"]


class Strange(NamedTuple):
    folder: Path
    unblock: Callable[[], None]  # lets go of whatever is stuck on the FIFO or the terminal


@pytest.fixture
def strange(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Strange]:
    """Three good briefings beside a FIFO, a link to a terminal (a pty of the test's own,
    with a key waiting on it), a link to /dev/zero, a link loop and a folder named d.yaml."""
    monkeypatch.chdir(tmp_path)
    folder = write_library(tmp_path / "lib")
    (folder / "core.yaml").unlink()
    os.mkfifo(folder / "fifo.yaml")
    master, slave = os.openpty()
    os.write(master, b"q\n")
    (folder / "tty.yaml").symlink_to(os.ttyname(slave))
    (folder / "zero.yaml").symlink_to("/dev/zero")
    (folder / "loop1.yaml").symlink_to("loop2.yaml")
    (folder / "loop2.yaml").symlink_to("loop1.yaml")
    (folder / "d.yaml").mkdir()

    def unblock() -> None:
        # A writer that comes and goes ends a wait on the FIFO; ^D ends a read of the
        # terminal, which the old code read to its end.
        with contextlib.suppress(OSError):
            os.close(os.open(folder / "fifo.yaml", os.O_WRONLY | os.O_NONBLOCK))
        os.write(master, b"\x04")

    try:
        yield Strange(Path("lib"), unblock)
    finally:
        unblock()
        os.close(master)
        os.close(slave)


@pytest.fixture
def strange_library(strange: Strange) -> Path:
    return strange.folder


# --- the library -----------------------------------------------------------------------------


async def test_the_library_lists_good_and_strange_files_and_quits(strange: Strange) -> None:
    """Before: the index hung on the FIFO: "indexing…" for good, the good briefings never
    listed."""
    strange_library = strange.folder
    app = library_app(strange_library)
    async with app.run_test(size=(120, 30)) as pilot:
        try:
            await asyncio.wait_for(app.library_loaded.wait(), GUARD)
        except TimeoutError:
            for _ in range(50):  # the old index: stuck on one file after another
                strange.unblock()
                await asyncio.sleep(0.1)
            pytest.fail("the library never finished indexing")
        await settle(app, pilot)
        screen = app.screen
        entries = [screen.view.entries[i] for i in screen.view.order]  # type: ignore[attr-defined]
        assert [e.title for e in entries if e.title] == GOOD
        problems = {Path(e.path).name: e.first_problem for e in entries if e.title is None}
        assert problems == {
            name: f"{strange_library / name}: error: cannot read file: {reason}"
            for name, reason in REASONS.items()
        }
        await pilot.press("q")
    assert app.return_code in (0, None)


# --- show and validate ----------------------------------------------------------------------


def run(*args: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            [*COMMAND, *args], capture_output=True, text=True, timeout=GUARD, cwd=os.getcwd()
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"briefing {' '.join(args)} hung")


def test_validate_names_each_strange_file_in_one_line(strange_library: Path) -> None:
    """Before: validate hung on the FIFO (and read the terminal through tty.yaml)."""
    done = run("validate", str(strange_library))
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert lines[-1] == "8 files, 5 errors, 0 warnings"
    assert lines[:-1] == [
        f"{strange_library / name}: error: cannot read file: {reason}"
        for name, reason in sorted(REASONS.items())
    ]
    assert done.stderr == ""


def test_show_prints_the_good_briefings_and_names_the_strange_ones(strange_library: Path) -> None:
    done = run("show", str(strange_library))
    assert done.returncode == 1
    for title in GOOD:
        assert title in done.stdout
    for name, reason in REASONS.items():
        assert f"{strange_library / name}: error: cannot read file: {reason}" in done.stderr
    assert "Traceback" not in done.stderr


def test_validate_walks_a_tree_1200_folders_deep(tmp_path: Path) -> None:
    """Before: RecursionError, as a traceback."""
    path = tmp_path / "deep"
    path.mkdir()
    (path / "top.yaml").write_text("format: briefing/1\n")
    levels = [path]
    for _ in range(1200):
        levels.append(levels[-1] / "d")
        levels[-1].mkdir()
    (levels[-1] / "leaf.yaml").write_text("format: briefing/1\n")
    try:
        done = run("validate", str(path))
        assert "Traceback" not in done.stderr and done.stderr == ""
        assert done.stdout.splitlines()[-1].startswith("2 files, ")
        assert sum(
            line.startswith(str(levels[-1] / "leaf.yaml")) for line in done.stdout.splitlines()
        )
    finally:
        (levels[-1] / "leaf.yaml").unlink()
        for level in reversed(levels[1:]):  # shutil.rmtree would recurse 1,200 deep
            level.rmdir()


# --- the reader on a real terminal ---------------------------------------------------------


def _take_terminal() -> None:
    # Between fork and exec, in the child's new session: fd 0 is the pty's slave.
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class Terminal:
    """A pty whose slave is the controlling terminal of what runs on it."""

    def __init__(self) -> None:
        self.master, self.slave = pty.openpty()
        fcntl.ioctl(self.slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        self.seen = b""

    def start(self, args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        """Run ``args`` (from the project's folder) with these variables added."""
        return subprocess.Popen(
            args,
            cwd=ROOT,
            stdin=self.slave,
            stdout=self.slave,
            stderr=self.slave,
            start_new_session=True,
            preexec_fn=_take_terminal,
            env={**os.environ, "TERM": "xterm-256color", **env},
        )

    def read_until(self, done: Callable[[], bool], timeout: float = GUARD) -> None:
        deadline = time.monotonic() + timeout
        while not done() and time.monotonic() < deadline:
            ready, _, _ = select.select([self.master], [], [], 0.1)
            if ready:
                try:
                    self.seen += os.read(self.master, 65536)
                except OSError:
                    return  # EIO: nothing holds the slave open any more

    def close(self) -> None:
        for fd in (self.master, self.slave):
            with contextlib.suppress(OSError):
                os.close(fd)


@pytest.fixture
def terminal() -> Iterator[Terminal]:
    term = Terminal()
    try:
        yield term
    finally:
        term.close()


@pytest.mark.parametrize("library", [False, True], ids=["reader", "library"])
def test_a_dev_tty_link_or_a_fifo_takes_no_key_and_q_quits(
    tmp_path: Path, terminal: Terminal, library: bool
) -> None:
    """`briefing tty.yaml fifo.yaml acme.yaml`, and a library holding both. Before: the
    briefing (or the indexing child) read the terminal, swallowing every key, q and Ctrl+C
    too, or waited on the FIFO for good."""
    folder = write_library(tmp_path / "lib")
    (folder / "tty.yaml").symlink_to("/dev/tty")
    os.mkfifo(folder / "fifo.yaml")
    named = [str(folder / name) for name in ("tty.yaml", "fifo.yaml", "acme.yaml")]
    paths = [str(folder)] if library else named
    env = {f"XDG_{n}_HOME": str(tmp_path / n) for n in ("CONFIG", "STATE", "CACHE")}
    child = terminal.start([*COMMAND, *paths], env)
    try:
        terminal.read_until(lambda: b"Quit" in terminal.seen)
        if library:  # the good briefings listed beside them (the screen draws words apart)
            terminal.read_until(lambda: b"Acme" in terminal.seen and b"misses" in terminal.seen)
            assert b"misses" in terminal.seen, "the library never listed the good briefing"
        os.write(terminal.master, b"q")
        terminal.read_until(lambda: child.poll() is not None)
        assert child.poll() == 0, "the reader did not answer q"
    finally:
        if child.poll() is None:
            child.kill()
        child.wait()
        for pid in session_members(child.pid):  # the old indexing child, stuck on the FIFO
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)


# --- helpers that outlive us -----------------------------------------------------------------


def session_members(session: int) -> dict[int, int]:
    """pid -> parent pid of every live process in ``session``, its leader left out."""
    members = {}
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) == session:
            continue
        try:
            with open(f"/proc/{name}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == session and fields[0] != "Z":
            members[int(name)] = int(fields[1])
    return members


def _commands(pids: dict[int, int]) -> list[str]:
    """Each process's command line, for a failure message that says what was left."""
    found = []
    for pid in sorted(pids):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                words = cmdline.read().split(b"\0")
        except OSError:
            words = [b"(gone)"]
        found.append(f"{pid}: " + " ".join(w.decode(errors="replace") for w in words))
    return found


# A stand-in for the user's shell: it outlives the reader, so the terminal sends no SIGHUP
# that would end the reader's helpers for it.
SHELL = "import subprocess, sys, time; subprocess.call(sys.argv[1:]); time.sleep(120)"


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_killing_the_reader_mid_index_leaves_no_helper_running(
    tmp_path: Path, terminal: Terminal, how: signal.Signals
) -> None:
    """The library indexes a big folder (a FIFO first) in its child and workers; the reader
    is killed. Before: the child, the fork server, its workers (one stuck on the FIFO) and
    the resource tracker ran on for good."""
    folder = write_library(tmp_path / "big")
    os.mkfifo(folder / "aaa.yaml")
    for number in range(1500):
        (folder / f"b{number:05}.yaml").write_text(
            briefing_yaml(f"b-{number}", f"Title {number}", "Acme", "2024-11-02", "energy")
        )
    env = {f"XDG_{n}_HOME": str(tmp_path / n) for n in ("CONFIG", "STATE", "CACHE")}
    shell = terminal.start([sys.executable, "-c", SHELL, *COMMAND, "--no-cache", str(folder)], env)
    try:
        # The reader, and at least one helper of its own, are running.
        deadline = time.monotonic() + GUARD
        while len(session_members(shell.pid)) < 2 and time.monotonic() < deadline:
            terminal.read_until(lambda: False, timeout=0.05)
        members = session_members(shell.pid)
        readers = [pid for pid, parent in members.items() if parent == shell.pid]
        assert len(readers) == 1 and len(members) >= 2, members
        os.kill(readers[0], how)
        deadline = time.monotonic() + GUARD
        while session_members(shell.pid) and time.monotonic() < deadline:
            terminal.read_until(lambda: False, timeout=0.1)
        left = session_members(shell.pid)
        assert left == {}, f"still running after the reader was killed: {_commands(left)}"
    finally:
        for pid in session_members(shell.pid):  # all started by this test
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        shell.kill()
        shell.wait()
