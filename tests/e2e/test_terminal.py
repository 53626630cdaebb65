"""The installed `briefing` command in real terminals: a tmux pane, and over a real SSH login.

tmux is the terminal: keys go in with send-keys and the screen comes back as plain text with
capture-pane, so these tests see what a person would. Each waits by polling the screen, never
by sleeping, and gives up after a bound. They skip, saying why, where tmux or OpenSSH is not
installed (`.ci/run` installs both on CI).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from briefing_reader.config import cache_dir, state_dir
from briefing_reader.library.index import CACHE_NAME
from briefing_reader.library.state import STATE_NAME
from tests.conftest import ROOT

BRIEFINGS = f"{ROOT / 'briefings'}/"  # a folder: opens the library
ONE_BRIEFING = str(ROOT / "briefings" / "core-scientific-2024-q4.yaml")  # a file: the reader
BRIEFING = Path(sys.executable).with_name("briefing")  # the installed console script
# The library list's border title (focused): "Library" alone is also the reader's esc in the footer.
LIBRARY = "━ Library ━"
WAIT = 15.0  # seconds for any one screen to appear (each takes well under one)
BUDGET = 50.0  # seconds for all the screens of one terminal session, so for one test
HEAVY = "┏"  # the focused pane's border is heavy, the others round

XDG_VARIABLES = ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME")

Check = tuple[str, Callable[[str], bool]]  # what it looks for, and whether a screen has it


def needs(*programs: str) -> None:
    missing = [name for name in programs if not find_program(name)]
    if missing:
        pytest.skip(
            f"not installed: {', '.join(missing)} (on Debian: apt-get install tmux "
            "openssh-client openssh-server)"
        )
    if not BRIEFING.exists():
        pytest.skip(f"the briefing command is not installed next to {sys.executable}")


def find_program(name: str) -> str | None:
    # sshd lives in sbin, which is not on an ordinary user's PATH.
    path = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/usr/local/sbin", "/sbin"])
    return shutil.which(name, path=path)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Tmux:
    """A private tmux server (its own socket) running one command in one window."""

    def __init__(self) -> None:
        self.socket = f"briefing-e2e-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        env = dict(os.environ)
        # The tmux server and so the pane inherit this: a UTF-8 locale for the box drawing,
        # colour left on (the conftest fixture has already removed NO_COLOR and the like).
        env.update(LANG="C.UTF-8", TERM="xterm-256color")
        for name in ("LC_ALL", "LC_CTYPE", "TMUX"):
            env.pop(name, None)
        # Its own socket folder, removed at the end (tmux leaves its socket behind); short,
        # under /tmp, because a socket path may not exceed about 104 bytes.
        self.socket_dir = tempfile.mkdtemp(prefix="bre2e-", dir="/tmp")
        env["TMUX_TMPDIR"] = self.socket_dir
        self.env = env
        self.deadline = time.monotonic() + BUDGET

    def start(self, command: str, width: int, height: int) -> None:
        self.tmux("new-session", "-d", "-s", "e2e", "-x", str(width), "-y", str(height), command)

    def tmux(self, *args: str) -> str:
        result = subprocess.run(
            [find_program("tmux") or "tmux", "-L", self.socket, "-f", "/dev/null", *args],
            env=self.env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=10,
        )
        assert result.returncode == 0, f"tmux {' '.join(args)}: {result.stderr}"
        return result.stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "e2e")

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "e2e", *keys)

    def resize(self, width: int, height: int) -> None:
        self.tmux("resize-window", "-t", "e2e", "-x", str(width), "-y", str(height))

    def wait_until(self, *checks: Check, timeout: float = WAIT) -> str:
        """Poll the screen until one capture passes every check; fail saying which did not.

        All at once, because tmux shows a frame as it arrives: right after a key or a resize a
        capture can hold half of the new frame, or the old one cropped or padded.
        """
        started = time.monotonic()
        deadline = min(started + timeout, self.deadline)
        while True:
            screen = self.screen()
            failing = [what for what, check in checks if not check(screen)]
            if not failing:
                return screen
            if time.monotonic() > deadline:
                waited = time.monotonic() - started
                pytest.fail(
                    f"after {waited:.1f} s, not {'; '.join(failing)}; the screen:\n{screen}"
                )
            time.sleep(0.05)

    def kill(self) -> None:
        subprocess.run(
            [find_program("tmux") or "tmux", "-L", self.socket, "kill-server"],
            env=self.env,
            capture_output=True,
            timeout=10,
            check=False,
        )
        shutil.rmtree(self.socket_dir, ignore_errors=True)


@contextlib.contextmanager
def tmux(command: str, width: int = 80, height: int = 24) -> Iterator[Tmux]:
    session = Tmux()
    try:
        # The pane stays open after the command so that its exit status can be read.
        session.start(f"{command}; echo EXIT=$? ; sleep 30", width, height)
        yield session
    finally:
        session.kill()


def line_with(screen: str, text: str) -> str:
    return next((line for line in screen.splitlines() if text in line), "")


def shows(text: str) -> Check:
    return f"showing {text!r}", lambda screen: text in screen


def hides(text: str) -> Check:
    return f"hiding {text!r}", lambda screen: text not in screen


def focused(title: str) -> Check:
    """The pane titled ``title`` has the heavy border of focus, drawn whole to its corner.

    The whole top border: a capture of the old frame cropped by a resize has it cut off.
    Another pane may share the line, beside it.
    """

    def check(screen: str) -> bool:
        line = line_with(screen, title)
        at = line.find(title)
        start, corner = line.rfind(HEAVY, 0, at), line.find("┓", at)
        return at >= 0 and start >= 0 and corner >= 0 and "╭" not in line[start:corner]

    return f"focus on {title!r}", check


def selected(text: str) -> Check:
    """The item cursor (a block at the start of each of the item's lines) is on ``text``."""
    return f"the cursor on {text!r}", lambda screen: "█ " + text in screen


def side_by_side(left: str, right: str) -> Check:
    """Panes ``left`` and ``right`` share a row: their titles on one line, the right one whole."""

    def check(screen: str) -> bool:
        line = line_with(screen, left)
        return right in line and line.rstrip()[-1:] in ("╮", "┓")

    return f"{left!r} beside {right!r}", check


def fits(width: int, height: int) -> Check:
    def check(screen: str) -> bool:
        lines = screen.splitlines()
        return len(lines) <= height and all(len(line) <= width for line in lines)

    return f"within {width}x{height}", check


def test_reader_in_tmux() -> None:
    needs("tmux")
    with tmux(shlex.join([str(BRIEFING), ONE_BRIEFING])) as term:
        term.wait_until(shows("Headline facts"), focused("Headline facts"), fits(80, 24))

        term.keys("Tab")
        term.wait_until(focused("Loss drivers"), selected("Declining Bitcoin prices"))

        term.keys("j")
        term.wait_until(focused("Loss drivers"), selected("Increased energy costs"))

        term.keys("Enter")  # expands the item in place: its detail and evidence, marked too
        term.wait_until(selected("Increased energy costs"), selected("Detail: Rising electricity"))

        term.keys("z")  # zoom: the pane alone fills the screen
        term.wait_until(
            focused("Loss drivers"),
            hides("Headline facts"),
            hides("CEO quote"),
            hides("Open questions"),
        )

        term.keys("?")
        term.wait_until(shows("Keys"), shows("escape: close"))

        term.keys("Escape")  # back where it was
        term.wait_until(hides("Keys"), hides("escape: close"), focused("Loss drivers"))

        term.keys("z")
        term.wait_until(shows("CEO quote"), focused("Loss drivers"))

        term.resize(50, 15)  # narrow: the header wraps, the panes make one column, focus kept
        term.wait_until(
            fits(50, 15),
            focused("Loss drivers"),
            shows("Core Scientific doubles down on data centers\n after a $265 million"),
        )

        term.resize(120, 40)  # wide: all four panes on the screen at once, in a 2x2 grid
        term.wait_until(
            side_by_side("Headline facts", "Loss drivers"),
            side_by_side("CEO quote", "Open questions"),
            focused("Loss drivers"),
            selected("Increased energy costs"),
        )

        term.keys("q")
        term.wait_until(shows("EXIT=0"))


def test_tiny_terminal_shows_the_current_pane_alone() -> None:
    needs("tmux")
    with tmux(shlex.join([str(BRIEFING), ONE_BRIEFING]), width=40, height=12) as term:
        term.wait_until(shows("1/4 Headline facts"), fits(40, 12))
        term.keys("Tab")
        term.wait_until(shows("2/4 Loss drivers"), hides("Headline facts"))
        term.keys("q")
        term.wait_until(shows("EXIT=0"))


def test_library_in_tmux_follows_the_folder(tmp_path: Path) -> None:
    needs("tmux")
    folder = tmp_path / "briefings"
    shutil.copytree(ROOT / "briefings", folder)
    with tmux(shlex.join([str(BRIEFING), str(folder)])) as term:
        term.wait_until(shows("1 briefing"), shows(LIBRARY), fits(80, 24))
        term.keys("Enter")
        term.wait_until(focused("Headline facts"), hides(LIBRARY))
        term.keys("Escape")
        term.wait_until(shows(LIBRARY), hides("Headline facts"))
        # A file arrives while the library is open: it is listed without a key press.
        text = (folder / "core-scientific-2024-q4.yaml").read_text()
        (folder / "second.yaml").write_text(
            text.replace("id: core-scientific-2024-q4", "id: second-briefing").replace(
                "title: Core Scientific doubles down", "title: A second look"
            )
        )
        term.wait_until(shows("2 briefings"), shows("A second look"))
        term.keys("q")
        term.wait_until(shows("EXIT=0"))
    assert (cache_dir() / CACHE_NAME).is_file()  # the test's own, inherited through tmux


@contextlib.contextmanager
def throwaway_sshd(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    """An sshd on 127.0.0.1 that lets the current user in with a fresh key; (port, key)."""
    sshd = find_program("sshd")
    keygen = find_program("ssh-keygen")
    assert sshd and keygen
    privsep = Path("/run/sshd")  # sshd refuses to start without its privilege-separation dir
    if not privsep.is_dir():
        if os.geteuid() != 0:
            pytest.skip(f"{privsep} is missing and only root can create it")
        privsep.mkdir(mode=0o755, parents=True)
    for name in ("host_key", "user_key"):
        subprocess.run(
            [keygen, "-q", "-t", "ed25519", "-N", "", "-C", "briefing-e2e", "-f", tmp_path / name],
            check=True,
            timeout=30,
            stdin=subprocess.DEVNULL,
        )
    (tmp_path / "authorized_keys").write_text((tmp_path / "user_key.pub").read_text())
    port = free_port()
    # A fresh home for the login: the user's own shell start-up files are no part of the test
    # and can stall it (root's ~/.bashrc here runs `pyenv rehash`, which waits up to 60 s on a
    # lock that an interrupted rehash left behind).
    home = tmp_path / "home"
    home.mkdir()
    config = tmp_path / "sshd_config"
    config.write_text(
        f"ListenAddress 127.0.0.1\n"
        f"Port {port}\n"
        f"HostKey {tmp_path / 'host_key'}\n"
        f"AuthorizedKeysFile {tmp_path / 'authorized_keys'}\n"
        f"PidFile {tmp_path / 'sshd.pid'}\n"
        "UsePAM no\n"
        "StrictModes no\n"
        "PermitRootLogin yes\n"
        "PubkeyAuthentication yes\n"
        "PasswordAuthentication no\n"
        "KbdInteractiveAuthentication no\n"
        "LogLevel VERBOSE\n"
        f"SetEnv HOME={home}\n"
    )
    log_path = tmp_path / "sshd.log"
    with log_path.open("w") as log:
        # -D: stay in the foreground, so that it is this process to stop; -e: log to stderr.
        server = subprocess.Popen(
            [sshd, "-D", "-e", "-f", str(config)],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + WAIT
        while "Server listening on 127.0.0.1" not in log_path.read_text():
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"sshd did not start:\n{log_path.read_text()}")
            time.sleep(0.05)
        yield port, tmp_path / "user_key"
    except BaseException:
        print(f"sshd's log:\n{log_path.read_text()}")  # shown by pytest for a failing test
        raise
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=5)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=5)


def test_reader_over_ssh(tmp_path: Path) -> None:
    needs("tmux", "ssh", "sshd", "ssh-keygen")
    with throwaway_sshd(tmp_path) as (port, key):
        user = pwd.getpwuid(os.getuid()).pw_name  # the account, whatever $USER says
        # An SSH login inherits nothing from here: the test's own folders go on the command
        # line, or the reader would write into the login's home.
        xdg = [f"{name}={os.environ[name]}" for name in XDG_VARIABLES]
        remote = shlex.join(
            ["env", "TERM=xterm-256color", "LANG=C", *xdg, str(BRIEFING), BRIEFINGS]
        )
        ssh = shlex.join(
            [
                find_program("ssh") or "ssh",
                "-tt", "-F", "/dev/null", "-i", str(key), "-p", str(port),
                "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-o", "LogLevel=ERROR",
                "-o", "ConnectTimeout=10",
                f"{user}@127.0.0.1", remote,
            ]
        )  # fmt: skip
        with tmux(ssh) as term:
            term.wait_until(shows("Library"), shows("1 briefing"))
            term.keys("Enter")
            term.wait_until(shows("Headline facts"), focused("Headline facts"))
            term.keys("Tab")
            term.wait_until(focused("Loss drivers"))
            term.keys("j")
            term.wait_until(selected("Increased energy costs"))
            term.keys("q")
            term.wait_until(shows("EXIT=0"))  # ssh exits with the remote command's status
    # The library's index and the read mark Enter made are in the test's folders, not the
    # login's home.
    assert (cache_dir() / CACHE_NAME).is_file()
    assert (state_dir() / STATE_NAME).is_file()
    assert not [path for path in (tmp_path / "home").rglob("*") if "briefing-reader" in str(path)]
