"""`briefing serve`: the reader in a browser, end to end over loopback HTTP and a websocket."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from briefing_reader import cli
from briefing_reader.serve import MISSING_EXTRA, session_command, startup_line
from tests.conftest import ROOT

if TYPE_CHECKING:
    from aiohttp import ClientSession, ClientWebSocketResponse

LOOPBACK = "127.0.0.1"
TOKEN = "a-fixed-token-for-the-serve-tests-0123"
# Bounds, not waits: the server listens within a second and a session shows its first pane
# within another; all three together keep a test under a minute even on a machine at a crawl.
START_TIMEOUT = 30.0
SESSION_TIMEOUT = 20.0
STOP_TIMEOUT = 5.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


def wait_until_listening(process: subprocess.Popen[str], port: int) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            out, err = process.communicate()
            pytest.fail(f"briefing serve exited with {process.returncode}:\n{out}\n{err}")
        with contextlib.suppress(OSError), socket.create_connection((LOOPBACK, port), timeout=1):
            return
        time.sleep(0.05)
    pytest.fail(f"briefing serve did not listen on {LOOPBACK}:{port} within {START_TIMEOUT} s")


def descendants(pid: int) -> set[int]:
    """Every live process below ``pid`` (Linux /proc; empty elsewhere)."""
    found: set[int] = set()
    todo = [pid]
    while todo:
        parent = todo.pop()
        for children in Path(f"/proc/{parent}/task").glob("*/children"):
            with contextlib.suppress(OSError):
                for child in map(int, children.read_text().split()):
                    if child not in found:
                        found.add(child)
                        todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has exited


@contextlib.contextmanager
def served(
    *args: str, env: dict[str, str] | None = None
) -> Iterator[tuple[subprocess.Popen[str], int]]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "briefing_reader", "serve", *args, "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, with the readers it starts
    )
    try:
        wait_until_listening(process, port)
        yield process, port
    finally:
        # After a failure: the server and every reader, which outlive a killed server.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate(timeout=STOP_TIMEOUT)


def get(url: str, host: str | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


async def open_session(port: int) -> tuple[ClientSession, ClientWebSocketResponse]:
    """A browser's websocket, read until the library lists the bundled briefing."""
    import aiohttp  # comes with textual-serve

    client = aiohttp.ClientSession()
    try:
        websocket = await client.ws_connect(
            f"http://{LOOPBACK}:{port}/ws?width=100&height=30&token={TOKEN}",
            headers={"Origin": f"http://{LOOPBACK}:{port}"},  # as the page's own script
        )
        received = b""
        deadline = time.monotonic() + SESSION_TIMEOUT
        while b"Core Scientific" not in received:
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"no briefing listed in the session: {received[-2000:]!r}"
            message = await websocket.receive(timeout=remaining)
            assert message.type == aiohttp.WSMsgType.BINARY, (message.type, received[-2000:])
            received += message.data
    except BaseException:
        await client.close()
        raise
    return client, websocket


async def stop_during_session(
    process: subprocess.Popen[str], port: int, stop: signal.Signals
) -> tuple[str, str, float, set[int]]:
    """Signal the server while a browser session is open, as a user closing it would."""
    client, websocket = await open_session(port)
    try:
        readers = descendants(process.pid)
        assert readers, "no reader process for the session"

        async def browser() -> None:  # reads on, and so answers the server's close
            async for _ in websocket:
                pass

        reading = asyncio.create_task(browser())
        started = time.monotonic()
        process.send_signal(stop)
        out, err = await asyncio.to_thread(process.communicate, timeout=STOP_TIMEOUT)
        stopped_in = time.monotonic() - started
        await asyncio.wait_for(reading, STOP_TIMEOUT)
    finally:
        await client.close()
    return out, err, stopped_in, readers


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_serve_end_to_end(stop: signal.Signals) -> None:
    with served("briefings/", "--token", TOKEN) as (process, port):
        status, html = get(f"http://{LOOPBACK}:{port}/?token={TOKEN}")
        assert status == 200
        assert f'data-session-websocket-url="ws://{LOOPBACK}:{port}/ws"' in html
        assert "<div>briefing</div>" in html  # textual-serve's start dialog names the app
        # The page points each browser back at the address it used, not at the bind address.
        _, tunnelled = get(f"http://{LOOPBACK}:{port}/?token={TOKEN}", host=f"localhost:{port}")
        assert f'data-session-websocket-url="ws://localhost:{port}/ws"' in tunnelled

        # A browser session runs the real reader on the served briefings, and one still open
        # must not hold the stop up (aiohttp would wait 60 s for it).
        out, err, stopped_in, readers = asyncio.run(stop_during_session(process, port, stop))

    assert process.returncode == 0, (out, err)
    assert stopped_in < STOP_TIMEOUT
    assert "Traceback" not in err and "Traceback" not in out, (out, err)
    assert err == ""
    assert out.splitlines()[0] == (
        f"serving briefings at http://{LOOPBACK}:{port}/?token={TOKEN} (local only; --host "
        "0.0.0.0 to share; token required; origin checked; up to 8 sessions)"
    )
    deadline = time.monotonic() + STOP_TIMEOUT
    while any(alive(pid) for pid in readers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in readers if alive(pid)], "a reader outlived the server"


def test_session_command_is_absolute_and_this_interpreter(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    command = session_command([Path("briefings"), Path("briefings/core-scientific-2024-q4.yaml")])
    assert shlex.split(command)[-5:] == [
        sys.executable,
        "-m",
        "briefing_reader",
        str(ROOT / "briefings"),
        str(ROOT / "briefings" / "core-scientific-2024-q4.yaml"),
    ]


def test_session_command_quotes_paths(tmp_path: Path) -> None:
    odd = tmp_path / "a folder; rm -rf ~"
    assert shlex.split(session_command([odd]))[-1] == str(odd)


def test_startup_line_says_who_can_connect() -> None:
    assert startup_line("127.0.0.1", 8000) == (
        "serving briefings at http://127.0.0.1:8000 (local only; --host 0.0.0.0 to share)"
    )
    assert "local only" in startup_line("localhost", 8000)
    assert startup_line("::1", 8000).startswith("serving briefings at http://[::1]:8000 (local")
    assert "reachable from other machines" in startup_line("0.0.0.0", 8000)


def test_missing_extra_is_one_clear_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # A None entry in sys.modules makes `import textual_serve.server` raise ImportError.
    monkeypatch.setitem(sys.modules, "textual_serve", None)
    monkeypatch.setitem(sys.modules, "textual_serve.server", None)
    assert cli.main(["serve", str(ROOT / "briefings")]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"briefing: error: {MISSING_EXTRA}\n"
    assert MISSING_EXTRA == "serving needs the 'serve' extra: pip install 'briefing-reader[serve]'"


def test_taken_port_is_an_error_before_serving(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind((LOOPBACK, 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert cli.main(["serve", str(ROOT / "briefings"), "--port", str(port)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(f"briefing: error: cannot listen on {LOOPBACK}:{port}: ")


def test_serve_checks_paths_before_serving(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["serve", str(ROOT / "no-such-folder")]) == 2
    assert "no such file or folder" in capsys.readouterr().err


def test_serve_is_listed_in_help() -> None:
    assert cli.COMMANDS["serve"] is cli.serve
    assert "briefing serve" in cli.EPILOG


def first_line(process: subprocess.Popen[str]) -> str:
    assert process.stdout is not None
    return process.stdout.readline().rstrip("\n")


def test_serve_prints_a_fresh_token_url_and_only_it_opens_the_page() -> None:
    with served("briefings/") as (process, port):
        line = first_line(process)
        url = line.split()[3]
        assert url.startswith(f"http://{LOOPBACK}:{port}/?token=")
        assert len(url.split("?token=", 1)[1]) >= 22  # 128 bits and more
        assert "(local only; --host 0.0.0.0 to share; token required; origin checked; up to " in (
            line
        )
        assert get(url)[0] == 200
        assert get(f"http://{LOOPBACK}:{port}/")[0] == 403
        assert get(f"http://{LOOPBACK}:{port}/?token=guess")[0] == 403
    with served("briefings/") as (again, _):
        assert first_line(again).split()[3] != url  # a new token every start


def test_serve_takes_its_token_from_the_environment() -> None:
    env = {**os.environ, "BRIEFING_SERVE_TOKEN": "from-the-environment-0123456789"}
    with served("briefings/", "--max-sessions", "3", env=env) as (process, port):
        assert first_line(process).startswith(
            f"serving briefings at http://{LOOPBACK}:{port}/?token=from-the-environment-0123456789 "
        )
        assert get(f"http://{LOOPBACK}:{port}/?token=from-the-environment-0123456789")[0] == 200


def test_no_token_warns_loudly_and_says_so_in_the_startup_line() -> None:
    with served("briefings/", "--no-token") as (process, port):
        line = first_line(process)
        assert get(f"http://{LOOPBACK}:{port}/")[0] == 200
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=STOP_TIMEOUT)
    assert line == (
        f"serving briefings at http://{LOOPBACK}:{port} (local only; --host 0.0.0.0 to share; "
        "NO TOKEN: any page may connect; origin checked; up to 8 sessions)"
    )
    assert err.startswith("briefing: warning: --no-token: ANY web page")
    assert len(err.splitlines()) == 1


@pytest.mark.parametrize(
    "args",
    [["--token", "x", "--no-token"], ["--max-sessions", "0"], ["--idle-timeout", "0"]],
    ids=["token-and-no-token", "no-sessions", "no-idle-time"],
)
def test_serve_options_are_checked(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    # A usage error is status 2, returned or raised as argparse's SystemExit.
    try:
        status = cli.main(["serve", str(ROOT / "briefings"), *args])
    except SystemExit as exited:
        status = exited.code  # type: ignore[assignment]
    assert status == 2
    err = capsys.readouterr().err
    assert err.splitlines()[-1].startswith("briefing serve: error: argument --")
    assert "Traceback" not in err
