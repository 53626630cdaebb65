"""`briefing serve`'s guards, through aiohttp's test client against the real server.

textual-serve's own server (with our middleware and overrides, as `briefing serve` builds
it) listens on a loopback port; each test is what a browser or a hostile page would send.
Sessions run a fake reader (it speaks textual-serve's protocol and nothing else) where
only the count of processes matters, and the real reader where its ending does.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import sys
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from aiohttp import ClientWebSocketResponse, WSMsgType
from aiohttp.test_utils import TestClient, TestServer

from briefing_reader import serve as serve_module
from briefing_reader.serve import Protection, make_server, session_command
from briefing_reader.serve_guard import (
    cookie_name,
    host_allowed,
    host_name,
    origin_matches,
    tokens_match,
)
from briefing_reader.served import PROGRAMS_REFUSED, SERVED_ENV
from tests.conftest import ROOT

LOOPBACK = "127.0.0.1"
TOKEN = "s3cret-token-for-tests-only-0123456789"
# Bounds against a hang, never waits: each is far beyond what a loaded machine needs.
SESSION_TIMEOUT = 30.0
GONE_TIMEOUT = 15.0

# A stand-in for the reader: textual-serve's handshake, an echo of keys, an end on "quit"
# (or never, with "stubborn", which ignores SIGTERM too). argv[1] is a marker that finds its
# processes.
FAKE_READER = r"""
import json, sys
out, stdin = sys.stdout.buffer, sys.stdin.buffer
stubborn = "stubborn" in sys.argv
if stubborn:
    import signal
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
def packet(kind, payload):
    out.write(kind + len(payload).to_bytes(4, "big") + payload)
    out.flush()
out.write(b"__GANGLION__\n")
packet(b"D", b"fake reader ready")
while True:
    head = stdin.read(5)
    if len(head) < 5:
        if stubborn:
            import time
            while True:
                time.sleep(1)
        break
    body = stdin.read(int.from_bytes(head[1:], "big"))
    if head[:1] == b"D":
        packet(b"D", b"echo:" + body)
    elif json.loads(body).get("type") == "quit" and not stubborn:
        break
"""


def fake_command(marker: str, *flags: str) -> str:
    import shlex

    return "exec " + shlex.join([sys.executable, "-c", FAKE_READER, marker, *flags])


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


def processes_with(marker: str) -> list[int]:
    """This test's live reader processes: those whose arguments carry ``marker``.

    The shell textual-serve starts them through is not counted (it may exec the reader
    or wait for it, depending on the shell).
    """
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            argv = (proc / "cmdline").read_bytes().split(b"\0")
            state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state == "Z" or Path(argv[0].decode(errors="replace")).name in ("sh", "dash", "bash"):
            continue
        if marker.encode() in argv:
            found.append(int(proc.name))
    return found


async def until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll ``condition`` until it holds; fail, saying ``what``, after ``timeout``."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, f"not within {timeout} s: {what}"
        await asyncio.sleep(0.05)


@contextlib.asynccontextmanager
async def guarded(
    command: str, *, token: str | None = TOKEN, **options: object
) -> AsyncIterator[tuple[TestClient[object, object], int]]:
    """A client of `briefing serve`'s server for ``command``, as `serve` would build it."""
    port = free_port()
    protection = Protection(token=token, **options)  # type: ignore[arg-type]
    server = make_server(command, LOOPBACK, port, protection)
    app = await server._make_app()
    client: TestClient[object, object] = TestClient(TestServer(app, host=LOOPBACK, port=port))
    await client.start_server()
    try:
        yield client, port
        # Every tab closed: let textual-serve see each reader out before the loop goes.
        await until(lambda: not server.sessions, GONE_TIMEOUT, "every session ends")
    finally:
        await client.close()


def origin(port: int, host: str = LOOPBACK) -> dict[str, str]:
    return {"Origin": f"http://{host}:{port}"}


async def first_bytes(websocket: ClientWebSocketResponse, wanted: bytes) -> bytes:
    received = b""
    while wanted not in received:
        message = await websocket.receive(timeout=SESSION_TIMEOUT)
        assert message.type == WSMsgType.BINARY, (message.type, received[-500:])
        received += message.data
    return received


# --- the token --------------------------------------------------------------------------------


async def test_no_token_and_a_wrong_token_get_403_and_start_nothing() -> None:
    marker = uuid.uuid4().hex
    async with guarded(fake_command(marker)) as (client, port):
        for query in ("", "?token=", "?token=wrong", f"?token={TOKEN}x", f"?token={TOKEN[:-1]}"):
            response = await client.get(f"/{query}")
            assert response.status == 403, query
            assert "Token required" in await response.text()
            assert "Set-Cookie" not in response.headers
            ws = await client.get(f"/ws{query}", headers=origin(port))
            assert ws.status == 403, query
        static = await client.get("/static/js/textual.js")
        assert static.status == 403
        assert processes_with(marker) == []


async def test_the_right_token_serves_the_page_and_sets_a_strict_httponly_cookie() -> None:
    async with guarded(fake_command(uuid.uuid4().hex)) as (client, port):
        response = await client.get(f"/?token={TOKEN}")
        assert response.status == 200
        assert f'data-session-websocket-url="ws://{LOOPBACK}:{port}/ws"' in await response.text()
        cookie = response.headers["Set-Cookie"]
        assert cookie.startswith(f"{cookie_name(port)}={TOKEN};")
        attributes = {part.strip().lower() for part in cookie.split(";")[1:]}
        assert {"httponly", "samesite=strict", "path=/"} <= attributes


async def test_the_cookie_lets_the_address_bar_drop_the_token() -> None:
    marker = uuid.uuid4().hex
    async with guarded(fake_command(marker)) as (client, port):
        assert (await client.get(f"/?token={TOKEN}")).status == 200
        # Now without ?token=: the page, its script and its websocket carry the cookie.
        assert (await client.get("/")).status == 200
        assert (await client.get("/static/js/textual.js")).status == 200
        websocket = await client.ws_connect("/ws?width=80&height=24", headers=origin(port))
        assert b"fake reader ready" in await first_bytes(websocket, b"ready")
        await websocket.close()
        # A wrong token in the address wins over a right cookie: refused.
        assert (await client.get("/?token=wrong")).status == 403


async def test_a_cookie_for_another_port_or_value_is_refused() -> None:
    async with guarded(fake_command(uuid.uuid4().hex)) as (client, port):
        bad = [{cookie_name(port + 1): TOKEN}, {cookie_name(port): "nope"}]
        for cookies in bad:
            client.session.cookie_jar.clear()
            client.session.cookie_jar.update_cookies(cookies)
            assert (await client.get("/")).status == 403, cookies


def test_tokens_are_compared_whole() -> None:
    assert tokens_match(TOKEN, TOKEN)
    assert not tokens_match(None, TOKEN)
    assert not tokens_match("", TOKEN)
    assert not tokens_match(TOKEN[:-1], TOKEN)
    assert not tokens_match("é" + TOKEN, TOKEN)  # not ASCII: still a plain refusal


def test_a_new_token_has_at_least_128_random_bits() -> None:
    tokens = {serve_module.make_token() for _ in range(50)}
    assert len(tokens) == 50
    assert all(len(token) >= 22 for token in tokens)  # 22 URL-safe characters = 132 bits


# --- Origin and Host ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {},  # no Origin: not a browser's page
        {"Origin": "http://evil.example"},
        {"Origin": "null"},  # a sandboxed frame, a file:// page
        {"Origin": f"https://{LOOPBACK}:PORT"},  # another scheme
        {"Origin": f"http://{LOOPBACK}:PORTX"},  # another port
        {"Origin": "http://localhost:PORT"},  # another host name than the page's
    ],
    ids=["none", "foreign", "null", "https", "other-port", "other-host"],
)
async def test_a_websocket_from_another_origin_is_refused_and_starts_nothing(
    headers: dict[str, str],
) -> None:
    marker = uuid.uuid4().hex
    async with guarded(fake_command(marker)) as (client, port):
        sent = {
            k: v.replace("PORTX", str(port + 1)).replace("PORT", str(port))
            for k, v in headers.items()
        }
        response = await client.get(f"/ws?token={TOKEN}", headers=sent)
        assert response.status == 403
        assert processes_with(marker) == []


async def test_a_websocket_from_the_page_s_own_origin_runs_a_session() -> None:
    marker = uuid.uuid4().hex
    async with guarded(fake_command(marker)) as (client, port):
        websocket = await client.ws_connect(f"/ws?token={TOKEN}", headers=origin(port))
        await first_bytes(websocket, b"ready")
        assert len(processes_with(marker)) == 1
        await websocket.send_json(["stdin", "j"])
        assert b"echo:j" in await first_bytes(websocket, b"echo:j")
        await websocket.close()


@pytest.mark.parametrize(
    "host", ["evil.example", "evil.example:PORT", "127.0.0.1.nip.io:PORT", "localhost.evil.example"]
)
async def test_a_foreign_host_is_refused_even_with_the_token(host: str) -> None:
    # DNS rebinding: the attacker's name resolves to 127.0.0.1, so the request reaches us
    # with the attacker's own origin, which the Origin check alone would let through.
    marker = uuid.uuid4().hex
    async with guarded(fake_command(marker)) as (client, port):
        host = host.replace("PORT", str(port))
        page = await client.get(f"/?token={TOKEN}", headers={"Host": host})
        assert page.status == 403
        assert "Unknown host name" in await page.text()
        ws = await client.get(
            f"/ws?token={TOKEN}", headers={"Host": host, "Origin": f"http://{host}"}
        )
        assert ws.status == 403
        assert processes_with(marker) == []


async def test_localhost_a_tunnel_s_port_and_allowed_hosts_are_served() -> None:
    command = fake_command(uuid.uuid4().hex)
    async with guarded(command, allow_hosts=("reader.example",)) as (client, port):
        for host in (f"localhost:{port}", "localhost:9000", f"[::1]:{port}", "reader.example"):
            response = await client.get(f"/?token={TOKEN}", headers={"Host": host})
            assert response.status == 200, host
            # The page sends that browser's websocket back to the address it used.
            assert f'data-session-websocket-url="ws://{host}/ws"' in await response.text()


def test_host_names_and_origins() -> None:
    assert host_name("LocalHost:8000") == "localhost"
    assert host_name("[::1]:8000") == "::1"
    assert host_allowed("127.0.0.1:8000", "127.0.0.1")
    assert host_allowed("10.1.2.3:8000", "0.0.0.0")  # bound to all: any address of ours
    assert not host_allowed("10.1.2.3:8000", "127.0.0.1")
    assert not host_allowed("evil.example:8000", "0.0.0.0")
    assert not host_allowed("", "127.0.0.1")
    assert host_allowed("box.example", "0.0.0.0", ["box.example"])
    assert host_allowed(f"{socket.gethostname()}:8000", "0.0.0.0")
    assert origin_matches("http://127.0.0.1:8000", "http", "127.0.0.1:8000")
    assert not origin_matches("http://127.0.0.1:8000", "http", "127.0.0.1:8001")
    assert not origin_matches(None, "http", "127.0.0.1:8000")


# --- sessions ---------------------------------------------------------------------------------


async def test_the_session_cap_refuses_the_next_tab_and_starts_no_process() -> None:
    marker = uuid.uuid4().hex
    async with guarded(fake_command(marker), max_sessions=8) as (client, port):
        tabs = []
        for _ in range(8):
            tab = await client.ws_connect(f"/ws?token={TOKEN}", headers=origin(port))
            await first_bytes(tab, b"ready")
            tabs.append(tab)
        assert len(processes_with(marker)) == 8
        # The ninth: its page says the server is full, its websocket is refused.
        page = await client.get(f"/?token={TOKEN}")
        assert page.status == 503
        assert "The server is full" in await page.text()
        ninth = await client.get(f"/ws?token={TOKEN}", headers=origin(port))
        assert ninth.status == 503
        assert len(processes_with(marker)) == 8
        # A closed tab frees its place.
        await tabs.pop().close()
        await until(lambda: len(processes_with(marker)) == 7, GONE_TIMEOUT, "a reader ends")
        await until(
            lambda: not server_full(client), GONE_TIMEOUT, "the server counts the closed tab"
        )
        again = await client.ws_connect(f"/ws?token={TOKEN}", headers=origin(port))
        await first_bytes(again, b"ready")
        for tab in [*tabs, again]:
            await tab.close()
        await until(lambda: not processes_with(marker), GONE_TIMEOUT, "every reader ends")


def server_full(client: TestClient[object, object]) -> bool:
    app = client.server.app
    assert app is not None
    for middleware in app.middlewares:
        guard = getattr(middleware, "__self__", None)
        if guard is not None:
            return bool(guard.full)
    raise AssertionError("no guard on the app")


async def test_an_idle_session_is_closed_and_its_process_ended() -> None:
    marker = uuid.uuid4().hex
    async with guarded(fake_command(marker), idle_timeout=1.0) as (client, port):
        websocket = await client.ws_connect(f"/ws?token={TOKEN}", headers=origin(port))
        await first_bytes(websocket, b"ready")
        assert len(processes_with(marker)) == 1
        # No key for a second: the server closes the session, whatever the page does.
        closed = await websocket.receive(timeout=SESSION_TIMEOUT)
        while closed.type == WSMsgType.BINARY:
            closed = await websocket.receive(timeout=SESSION_TIMEOUT)
        assert closed.type in (WSMsgType.CLOSE, WSMsgType.CLOSED, WSMsgType.CLOSING)
        await until(lambda: not processes_with(marker), GONE_TIMEOUT, "the idle reader ends")


async def test_a_session_that_types_is_not_idle() -> None:
    marker = uuid.uuid4().hex
    async with guarded(fake_command(marker), idle_timeout=1.5) as (client, port):
        websocket = await client.ws_connect(f"/ws?token={TOKEN}", headers=origin(port))
        await first_bytes(websocket, b"ready")
        # Keys every 0.2 s for twice the timeout: each one is answered, none is cut off.
        for key in "jk" * 8:
            await websocket.send_json(["stdin", key])
            assert f"echo:{key}".encode() in await first_bytes(websocket, f"echo:{key}".encode())
            await asyncio.sleep(0.2)
        assert not websocket.closed
        assert len(processes_with(marker)) == 1
        await websocket.close()


async def test_a_closed_tab_ends_the_real_reader() -> None:
    # The real reader on the bundled briefings: it is what a user leaves behind.
    async with guarded(session_command([ROOT / "briefings"])) as (client, port):
        before = set(children())
        websocket = await client.ws_connect(
            f"/ws?token={TOKEN}&width=100&height=30", headers=origin(port)
        )
        await first_bytes(websocket, b"Core Scientific")
        readers = set(children()) - before
        assert readers, "no reader process for the session"
        await websocket.close()
        await until(lambda: not (set(children()) & readers), GONE_TIMEOUT, "the reader ends")


async def test_a_reader_that_ignores_quit_and_sigterm_is_killed_after_the_grace(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(serve_module, "QUIT_GRACE_SECONDS", 0.5)
    marker = uuid.uuid4().hex
    async with guarded(fake_command(marker, "stubborn")) as (client, port):
        websocket = await client.ws_connect(f"/ws?token={TOKEN}", headers=origin(port))
        await first_bytes(websocket, b"ready")
        assert len(processes_with(marker)) == 1
        await websocket.close()
        await until(lambda: not processes_with(marker), GONE_TIMEOUT, "the stubborn reader ends")


def children() -> list[int]:
    """Live processes below this one (the readers, and the shell textual-serve uses)."""
    found: list[int] = []
    todo = [os.getpid()]
    while todo:
        parent = todo.pop()
        for listed in Path(f"/proc/{parent}/task").glob("*/children"):
            with contextlib.suppress(OSError):
                for child in map(int, listed.read_text().split()):
                    state = ""
                    with contextlib.suppress(OSError, IndexError):
                        stat = Path(f"/proc/{child}/stat").read_text()
                        state = stat.rsplit(")", 1)[1].split()[0]
                    if state and state != "Z" and child not in found:
                        found.append(child)
                        todo.append(child)
    return found


# --- no programs on the server ---------------------------------------------------------------


def test_the_session_command_marks_the_reader_served_and_drops_server_only_variables() -> None:
    import subprocess

    command = session_command([ROOT / "briefings"])
    # The same environment the reader would get, shown by a stand-in for it.
    shown = command.split(" -m briefing_reader ")[0].rsplit(" ", 1)[0].removeprefix("exec ")
    env = {**os.environ, "TMUX": "/tmp/tmux-0/default,1,0", "BROWSER": "firefox", "DISPLAY": ":0"}
    result = subprocess.run(
        f"{shown} {sys.executable} -c 'import os, json; print(json.dumps(dict(os.environ)))'",
        shell=True,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    import json

    seen = json.loads(result.stdout)
    assert seen[SERVED_ENV] == "1"
    assert not {"TMUX", "BROWSER", "DISPLAY", "STY", "WAYLAND_DISPLAY"} & set(seen)


async def test_a_served_reader_refuses_the_editor_in_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from tests.conftest import BUNDLED
    from tests.functional.conftest import app_for

    ran = tmp_path / "editor-ran"
    editor = tmp_path / "editor.sh"
    editor.write_text(f"#!/bin/sh\ntouch {ran}\n")
    editor.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(editor))
    monkeypatch.setenv(SERVED_ENV, "1")
    app = app_for(BUNDLED)
    async with app.run_test() as pilot:
        await pilot.press("e")
        await pilot.pause()
        messages = [str(n.message) for n in app._notifications]
        assert PROGRAMS_REFUSED in messages
        assert len(PROGRAMS_REFUSED.splitlines()) == 1
    assert not ran.exists()


def test_served_reader_files_refuse_to_start_programs(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from briefing_reader.briefing_files import ReaderFiles

    ran = tmp_path / "ran"
    monkeypatch.setenv("EDITOR", f"touch {ran}")
    monkeypatch.setenv(SERVED_ENV, "1")
    with pytest.raises(OSError, match="browser session"):
        ReaderFiles().edit(tmp_path / "x.yaml")
    assert not ran.exists()
