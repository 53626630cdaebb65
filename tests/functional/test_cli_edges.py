"""The `briefing` command at the edges: no terminal, closed pipes, full disks, missing paths.

Each runs the real command in a child process, as a shell or cron would start it, and
waits with a generous bound that only guards against a hang.
"""

from __future__ import annotations

import fcntl
import importlib.util
import os
import pty
import select
import signal
import socket
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import ClassVar

import pytest

from briefing_reader import cli
from tests.conftest import BUNDLED, ROOT

COMMAND = [sys.executable, "-m", "briefing_reader"]
ARTICLE = BUNDLED.parent / "sources" / "core-scientific-expansion.txt"
TITLE = "Core Scientific doubles down"
GUARD = 60.0  # seconds: only a hang takes this long
BROKEN_PIPE_STATUS = 128 + signal.SIGPIPE  # what a shell reports for a command SIGPIPE ended
FULL = "briefing: cannot write to standard output: No space left on device\n"


def briefing(
    *args: str, env: dict[str, str] | None = None, **popen: object
) -> subprocess.Popen[bytes]:
    return subprocess.Popen(  # type: ignore[call-overload,no-any-return]
        [*COMMAND, *args], cwd=ROOT, env={**os.environ, **(env or {})}, **popen
    )


def finish(child: subprocess.Popen[bytes], timeout: float = GUARD) -> tuple[int, str, str]:
    """The child's status, stdout and stderr; a child still running at ``timeout`` is killed
    and the test fails: it hung."""
    try:
        out, err = child.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        child.kill()
        child.communicate()
        pytest.fail(f"still running after {timeout:.0f} s: {child.args}")
    return child.returncode, (out or b"").decode(errors="replace"), (err or b"").decode()


# --- 1. no terminal ------------------------------------------------------------------------


def test_no_terminal_at_all_refuses_in_one_line() -> None:
    """cron, a script: no controlling terminal, stdin /dev/null. Before: a reader drawing on
    stderr for keys that never came, a core busy, never exiting."""
    child = briefing(
        str(BUNDLED),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # no controlling terminal: /dev/tty cannot be opened
    )
    status, out, err = finish(child)
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("briefing: error: standard input is not a terminal")
    assert "/dev/tty" in err


def test_no_terminal_refusal_says_so_on_a_terminal_too() -> None:
    """Output on a terminal that is not the process's controlling one: still no keys."""
    master, slave = pty.openpty()
    try:
        child = briefing(
            str(BUNDLED),
            stdin=subprocess.DEVNULL,
            stdout=slave,
            stderr=slave,
            start_new_session=True,
        )
        os.close(slave)
        seen = drain(master, child, until=lambda _: child.poll() is not None)
        assert child.wait(timeout=GUARD) == 2
    finally:
        os.close(master)
    text = seen.decode(errors="replace")
    assert "standard input is not a terminal" in text
    assert text.count("\n") == 1
    assert "\x1b[?1049h" not in text  # the reader's screen never started


def _take_terminal() -> None:
    # In the child, between fork and exec, in its new session: fd 2 is the pty's slave.
    fcntl.ioctl(2, termios.TIOCSCTTY, 0)


def reader_on_pty(
    *args: str,
    stdin: int | None = None,
    stdout: int | None = None,
    until: Callable[[bytes], bool] = lambda data: b"Quit" in data,
) -> tuple[int, bytes]:
    """Run the reader with a pty as its controlling terminal and stderr (and stdin and
    stdout unless given), wait for its screen (or ``until`` what it wrote), press q; its
    exit status and all it wrote to the terminal."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    try:
        child = briefing(
            *args,
            env={"TERM": "xterm-256color"},
            stdin=slave if stdin is None else stdin,
            stdout=slave if stdout is None else stdout,
            stderr=slave,
            start_new_session=True,
            preexec_fn=_take_terminal,
        )
        os.close(slave)
        seen = drain(master, child, until=until)
        assert b"Quit" in seen, "the reader's screen never appeared"
        os.write(master, b"q")
        seen += drain(master, child, until=lambda _: child.poll() is not None)
        if child.poll() is None:
            child.kill()
            child.wait()
            pytest.fail("the reader did not answer q")
        return child.returncode, seen
    finally:
        os.close(master)


def drain(master: int, child: subprocess.Popen[bytes], until: object) -> bytes:
    """Read what the child writes to the pty until ``until(all read)``, it exits, or GUARD."""
    assert callable(until)
    seen = b""
    deadline = time.monotonic() + GUARD
    while time.monotonic() < deadline and not until(seen):
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child closed its end
                chunk = b""
            if not chunk and child.poll() is not None:
                break
            seen += chunk
        elif child.poll() is not None:
            break
    return seen


def test_keys_come_from_the_terminal_when_stdin_is_not_one() -> None:
    """`briefing FILE </dev/null` in a terminal: keys are read from /dev/tty, as less does.
    Before: q was ignored and the reader never exited."""
    status, _ = reader_on_pty(str(BUNDLED), stdin=subprocess.DEVNULL)
    assert status == 0


def test_reader_still_opens_with_stdout_redirected(tmp_path: Path) -> None:
    """`briefing FILE > out`: the reader draws on stderr, as before, and writes nothing
    (kept as it was: the reader needs a terminal for its keys and its screen, not stdout)."""
    out = tmp_path / "out"
    with out.open("wb") as file:
        status, _ = reader_on_pty(str(BUNDLED), stdout=file.fileno())
    assert status == 0
    assert out.read_bytes() == b""


def test_dumb_terminal_still_prints_without_any_terminal() -> None:
    child = briefing(
        str(BUNDLED),
        env={"TERM": "dumb"},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    status, out, err = finish(child)
    assert status == 0
    assert TITLE in out
    assert "TERM=dumb: printed the briefings" in err


# --- 2. closed pipes and full disks ----------------------------------------------------------


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder whose validate and show output is far more than a pipe holds (64 KiB)."""
    folder = tmp_path_factory.mktemp("many")
    for number in range(1200):
        (folder / f"b{number:04}.yaml").write_text(f"format: briefing/1\nid: [b{number}\n")
    return folder


def _free_port() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return str(probe.getsockname()[1])


class Commands:
    """Every command `briefing --help` lists, and every --help and --version."""

    WRITING: ClassVar[list[str]] = [
        "validate",
        "show",
        "show-json",
        "show-markdown",
        "schema",
        "new",
        "serve",
        "dumb-reader",
        "--help",
        "--version",
        "validate --help",
        "show --help",
        "schema --help",
        "new --help",
        "serve --help",
    ]

    @staticmethod
    def argv(name: str, many: Path, tmp_path: Path) -> tuple[list[str], dict[str, str]]:
        folder = str(many)
        if name == "validate":
            return ["validate", folder], {}
        if name == "show":
            return ["show", folder], {}
        if name == "show-json":
            return ["show", "--format", "json", folder], {}
        if name == "show-markdown":
            return ["show", "--format", "markdown", folder], {}
        if name == "new":
            return ["new", "--source", str(ARTICLE), "-o", str(tmp_path / "new.yaml")], {}
        if name == "serve":
            if importlib.util.find_spec("textual_serve") is None:
                pytest.skip("the 'serve' extra is not installed")
            return ["serve", "--port", _free_port(), str(BUNDLED.parent)], {}
        if name == "dumb-reader":
            return [str(BUNDLED)], {"TERM": "dumb"}
        return name.split(), {}


@pytest.mark.parametrize("name", Commands.WRITING)
def test_closed_pipe_ends_quietly(name: str, many: Path, tmp_path: Path) -> None:
    """`briefing ... | head` with the reading end already gone: every write fails with
    EPIPE. Quietly, with the status a shell gives a command SIGPIPE ended (141)."""
    argv, env = Commands.argv(name, many, tmp_path)
    read_end, write_end = os.pipe()
    os.close(read_end)  # before the child starts: no write can ever succeed
    child = briefing(
        *argv, env=env, stdin=subprocess.DEVNULL, stdout=write_end, stderr=subprocess.PIPE
    )
    os.close(write_end)
    status, _, err = finish(child)
    assert "Traceback" not in err
    assert "Broken pipe" not in err
    assert status == BROKEN_PIPE_STATUS


@pytest.mark.parametrize("name", ["validate", "show", "show-json"])
def test_pipe_closed_after_one_byte(name: str, many: Path, tmp_path: Path) -> None:
    """As `head -c1`: the first byte is read, then the pipe closes under a long output."""
    argv, env = Commands.argv(name, many, tmp_path)
    child = briefing(
        *argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert child.stdout is not None and child.stderr is not None
    assert len(child.stdout.read(1)) == 1
    child.stdout.close()
    err = child.stderr.read().decode()
    assert child.wait(timeout=GUARD) == BROKEN_PIPE_STATUS
    assert "Traceback" not in err


@pytest.mark.parametrize("name", Commands.WRITING)
def test_full_disk_is_one_line(name: str, many: Path, tmp_path: Path) -> None:
    """`briefing ... > /dev/full`: one line saying what could not be written, status 1."""
    argv, env = Commands.argv(name, many, tmp_path)
    with open("/dev/full", "wb") as full:
        child = briefing(
            *argv, env=env, stdin=subprocess.DEVNULL, stdout=full, stderr=subprocess.PIPE
        )
        status, _, err = finish(child)
    assert "Traceback" not in err
    assert err.endswith(FULL)
    assert err.count(FULL) == 1
    assert status == 1


@pytest.fixture
def broken_first(tmp_path: Path) -> Path:
    """A folder with a broken briefing (its problems go to stderr) before a good one."""
    folder = tmp_path / "folder"
    (folder / "sources").mkdir(parents=True)
    (folder / "a-broken.yaml").write_text("format: briefing/1\nid: [unclosed\n")
    (folder / "b-good.yaml").write_text(BUNDLED.read_text())
    (folder / "sources" / ARTICLE.name).write_text(ARTICLE.read_text())
    return folder


def test_full_stderr_leaves_stdout_whole(broken_first: Path) -> None:
    """Problems cannot be told on a full stderr; the briefings still reach stdout."""
    with open("/dev/full", "wb") as full:
        child = briefing(
            "show", str(broken_first), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=full
        )
        status, out, _ = finish(child)
    assert TITLE in out
    assert status == 1  # as without the full stderr: one briefing could not be loaded


def test_closed_stderr_leaves_stdout_whole(broken_first: Path) -> None:
    child = subprocess.Popen(
        ["sh", "-c", 'exec "$@" 2>&-', "sh", *COMMAND, "show", str(broken_first)],
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
    )
    status, out, _ = finish(child)
    assert TITLE in out
    assert "Traceback" not in out
    assert status == 1


def test_closed_stdout_is_one_line() -> None:
    child = subprocess.Popen(
        ["sh", "-c", 'exec "$@" >&-', "sh", *COMMAND, "schema"],
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    status, _, err = finish(child)
    assert err == "briefing: cannot write to standard output: Bad file descriptor\n"
    assert status == 1


# --- 3. a missing path among several ---------------------------------------------------------


class FakeApp:
    """Stands in for the reader: records what it was given, runs no terminal."""

    made: ClassVar[list[tuple[str, object, FakeApp]]] = []

    def __init__(self, kind: str, what: object) -> None:
        self.startup_warnings: list[str] = []
        self.return_code = 0
        self.made.append((kind, what, self))

    def run(self) -> None:
        pass


@pytest.fixture
def fake_reader(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, object, FakeApp]]]:
    import briefing_reader.tui as tui

    FakeApp.made = []
    monkeypatch.setattr(tui, "make_app", lambda what, **_: FakeApp("reader", what))
    monkeypatch.setattr(tui, "make_library_app", lambda what, **_: FakeApp("library", what))
    yield FakeApp.made


def test_reader_opens_the_others_and_lists_the_missing_one(
    fake_reader: list[tuple[str, object, FakeApp]], tmp_path: Path
) -> None:
    """`briefing ok.yaml missing.yaml`: before, exit 2 and nothing shown."""
    missing = tmp_path / "missing.yaml"
    assert cli.main([str(BUNDLED), str(missing)]) == 0
    [(kind, entries, _)] = fake_reader
    assert kind == "reader"
    assert isinstance(entries, list)
    good, gone = entries
    assert good.briefing is not None and good.briefing.title.startswith(TITLE)
    assert gone.briefing is None and gone.name == str(missing)
    assert "No such file or directory" in gone.errors[0].message


def test_library_opens_and_says_which_path_is_missing(
    fake_reader: list[tuple[str, object, FakeApp]], tmp_path: Path
) -> None:
    missing = tmp_path / "gone"
    assert cli.main([str(BUNDLED.parent), str(missing)]) == 0
    [(kind, paths, app)] = fake_reader
    assert kind == "library"
    assert paths == [BUNDLED.parent]
    assert f"no such file or folder: {missing}" in app.startup_warnings


def test_validate_checks_the_others_and_names_the_missing_one(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing = tmp_path / "missing.yaml"
    status = cli.main(["validate", str(missing), str(BUNDLED)])
    out = capsys.readouterr().out
    assert f"{missing}: error: cannot read file: No such file or directory" in out
    assert out.endswith("2 files, 1 error, 0 warnings\n")  # the bundled one was checked
    assert status == 2  # as for any named path that cannot be read


def test_show_prints_the_others_and_names_the_missing_one(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing = tmp_path / "missing.yaml"
    status = cli.main(["show", str(BUNDLED), str(missing)])
    captured = capsys.readouterr()
    assert TITLE in captured.out
    assert str(missing) in captured.err
    assert status == 1  # as when any briefing could not be loaded


def test_nothing_to_show_is_still_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["validate", "no/such.yaml", "nor/this.yaml"]) == 2
    assert capsys.readouterr().err == "briefing: error: no such file or folder: no/such.yaml\n"
