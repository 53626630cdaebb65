"""`briefing serve` in a real browser: headless Chromium, driven over the DevTools Protocol.

The user's path, whole: open the tokenised URL that `serve` prints, see the library, press
Enter, Tab and j, and read the four panes off the page's terminal. Then what a hostile
page can try: a page of another origin opening the websocket (with the token, even) gets
nothing. Skips, saying why, where Debian's chromium is not installed (.ci/run installs it).

The page draws the terminal on a canvas, so its text is read from xterm.js's buffer: a
script given to the page before its own runs keeps the Terminal that textual-serve makes
(textual.js holds it in a local), and the test asks it for each row.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT

pytest.importorskip("aiohttp", reason="the 'serve' extra (textual-serve, aiohttp) is missing")

import aiohttp

LOOPBACK = "127.0.0.1"
TOKEN = "e2e-browser-token-0123456789abcdef"
# Bounds against hangs, never waits: a loaded two-core machine paints within a few seconds.
START_TIMEOUT = 30.0
SCREEN_TIMEOUT = 30.0
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# Headless, and root's CI needs --no-sandbox; a free DevTools port, said on stderr.
CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-extensions",
    "--disable-background-networking",
    "--mute-audio",
    "--remote-debugging-port=0",
    "--window-size=1280,900",
)
SERVE = (sys.executable, "-m", "briefing_reader", "serve")

pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="chromium is not installed (apt-get install chromium; .ci/run does it as root)",
)

# Keeps the page's xterm.js Terminal where the test can read it: textual.js assigns it to
# `this.terminal` of its own object, which finds this setter on Object.prototype first.
KEEP_TERMINAL = """
Object.defineProperty(Object.prototype, "terminal", {
  configurable: true,
  set(value) {
    window.__terminal = value;
    Object.defineProperty(this, "terminal", {value, writable: true, configurable: true});
  },
});
"""
SCREEN_TEXT = """(() => {
  const t = window.__terminal;
  if (!t) return "";
  const b = t.buffer.active, rows = [];
  for (let i = 0; i < t.rows; i++) {
    const line = b.getLine(b.viewportY + i);
    rows.push(line ? line.translateToString(true) : "");
  }
  return rows.join("\\n");
})()"""
PANES = ("1 Headline facts", "2 Loss drivers", "3 CEO quote", "4 Open questions")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


def descendants(pid: int) -> set[int]:
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


@contextlib.contextmanager
def served(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """`briefing serve briefings/` with a known token; yields it and its printed URL."""
    port = free_port()
    scratch = {f"XDG_{kind}_HOME": str(tmp_path / kind) for kind in ("CONFIG", "STATE", "CACHE")}
    process = subprocess.Popen(
        [*SERVE, "briefings/", "--port", str(port), "--token", TOKEN],
        cwd=ROOT,
        env={**os.environ, **scratch},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()  # printed once it is about to listen
        assert line.startswith("serving briefings at "), (line, process.stderr)
        url = line.split()[3]
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            with contextlib.suppress(OSError), socket.create_connection((LOOPBACK, port), 1):
                break
            assert time.monotonic() < deadline, "briefing serve did not listen"
            time.sleep(0.05)
        yield process, url
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate(timeout=10)


@contextlib.contextmanager
def hostile_page(target_port: int) -> Iterator[str]:
    """A page of another origin (same host, other port: the cookie even goes along) whose
    script opens the reader's websocket, token and all, and writes in its title how that
    went."""
    page = f"""<!DOCTYPE html><title>opening</title><script>
const ws = new WebSocket("ws://{LOOPBACK}:{target_port}/ws?token={TOKEN}&width=80&height=24");
ws.binaryType = "arraybuffer";
ws.onmessage = () => {{ document.title = "got data"; }};
ws.onopen = () => {{ document.title = "open"; }};
ws.onerror = () => {{ if (document.title === "opening") document.title = "refused"; }};
ws.onclose = () => {{ if (document.title === "opening") document.title = "refused"; }};
</script>""".encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer((LOOPBACK, 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{LOOPBACK}:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class Page:
    """One Chromium tab over CDP (flattened session on the browser's websocket)."""

    def __init__(
        self, websocket: aiohttp.ClientWebSocketResponse, target: str, session: str
    ) -> None:
        self.websocket = websocket
        self.target = target
        self.session = session

    async def send(self, method: str, **params: Any) -> dict[str, Any]:
        return await cdp(self.websocket, method, params, self.session)

    async def text(self) -> str:
        result = await self.send("Runtime.evaluate", expression=SCREEN_TEXT, returnByValue=True)
        return str(result["result"].get("value", ""))

    async def wait_for(self, *texts: str) -> str:
        """The screen once it shows every one of ``texts`` (polled, within a bound)."""
        deadline = time.monotonic() + SCREEN_TIMEOUT
        screen = ""
        while time.monotonic() < deadline:
            screen = await self.text()
            if all(text in screen for text in texts):
                return screen
            await asyncio.sleep(0.1)
        pytest.fail(f"not on the page within {SCREEN_TIMEOUT} s: {texts}\n{screen}")

    async def press(self, key: str, code: str, key_code: int, text: str = "") -> None:
        common = {"key": key, "code": code, "windowsVirtualKeyCode": key_code}
        down = {"type": "keyDown", **common, **({"text": text} if text else {})}
        await self.send("Input.dispatchKeyEvent", **down)
        await self.send("Input.dispatchKeyEvent", type="keyUp", **common)


_ids = iter(range(1, 1_000_000))


async def cdp(
    websocket: aiohttp.ClientWebSocketResponse,
    method: str,
    params: dict[str, Any] | None = None,
    session: str | None = None,
) -> dict[str, Any]:
    """Send one CDP command and return its result (events in between are skipped)."""
    message_id = next(_ids)
    message: dict[str, Any] = {"id": message_id, "method": method, "params": params or {}}
    if session:
        message["sessionId"] = session
    await websocket.send_str(json.dumps(message))
    while True:
        reply = await websocket.receive_json(timeout=SCREEN_TIMEOUT)
        if reply.get("id") == message_id:
            assert "error" not in reply, (method, reply["error"])
            return dict(reply.get("result", {}))


@contextlib.asynccontextmanager
async def chromium(tmp_path: Path) -> AsyncIterator[aiohttp.ClientWebSocketResponse]:
    """Headless Chromium and its DevTools websocket."""
    assert CHROMIUM is not None
    process = subprocess.Popen(
        [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'chromium'}", "about:blank"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        assert process.stderr is not None
        endpoint = None
        deadline = time.monotonic() + START_TIMEOUT
        while endpoint is None and time.monotonic() < deadline:
            line = await asyncio.to_thread(process.stderr.readline)
            if not line and process.poll() is not None:
                pytest.fail(f"chromium exited with {process.returncode}")
            if found := re.search(r"DevTools listening on (ws://\S+)", line):
                endpoint = found.group(1)
        assert endpoint, "chromium did not say where DevTools listens"
        # Chromium goes on writing to stderr; a full pipe would stall it.
        threading.Thread(target=process.stderr.read, daemon=True).start()
        async with (
            aiohttp.ClientSession() as client,
            client.ws_connect(endpoint, max_msg_size=0) as websocket,
        ):
            yield websocket
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


async def open_page(websocket: aiohttp.ClientWebSocketResponse, url: str) -> Page:
    target = await cdp(websocket, "Target.createTarget", {"url": "about:blank"})
    attached = await cdp(
        websocket, "Target.attachToTarget", {"targetId": target["targetId"], "flatten": True}
    )
    page = Page(websocket, target["targetId"], attached["sessionId"])
    await page.send("Page.enable")
    await page.send("Page.addScriptToEvaluateOnNewDocument", source=KEEP_TERMINAL)
    await page.send("Page.navigate", url=url)
    return page


async def title_after(page: Page, start: str) -> str:
    deadline = time.monotonic() + SCREEN_TIMEOUT
    while time.monotonic() < deadline:
        result = await page.send("Runtime.evaluate", expression="document.title")
        title = str(result["result"].get("value", ""))
        if title not in ("", start):
            return title
        await asyncio.sleep(0.1)
    pytest.fail(f"the hostile page's websocket neither opened nor failed: {title!r}")


def test_the_reader_in_chromium_and_a_foreign_page_refused(tmp_path: Path) -> None:
    with served(tmp_path) as (server, url):
        assert url.endswith(f"/?token={TOKEN}")
        asyncio.run(browse(tmp_path, server, url))


async def browse(tmp_path: Path, server: subprocess.Popen[str], url: str) -> None:
    async with chromium(tmp_path) as browser:
        page = await open_page(browser, url)
        # The library first: the bundled folder's one briefing.
        await page.wait_for("Core Scientific")
        readers = descendants(server.pid)
        assert readers, "no reader process for the tab"
        # xterm.js reads keys from its hidden textarea: focus it as a click would.
        await page.send(
            "Runtime.evaluate",
            expression="document.querySelector('.xterm-helper-textarea').focus()",
        )
        await page.press("Enter", "Enter", 13, "\r")
        await page.wait_for(*PANES)
        await page.press("Tab", "Tab", 9)
        await page.press("j", "KeyJ", 74, "j")
        # j in the second pane opens its second item: its detail is shown.
        screen = await page.wait_for(*PANES, "Rising electricity")
        shot = await page.send("Page.captureScreenshot", format="png")
        (tmp_path / "reader.png").write_bytes(base64.b64decode(shot["data"]))
        for pane in PANES:
            assert pane in screen

        # Another origin's page, even holding the token (and, on this host, the cookie):
        # its websocket is refused and no reader starts for it.
        with hostile_page(int(url.split(":")[2].split("/")[0])) as hostile_url:
            hostile = await open_page(browser, hostile_url)
            assert await title_after(hostile, "opening") == "refused"
        assert descendants(server.pid) == readers, "a reader started for the foreign page"

        # The tab closed: its reader ends within seconds, none is left behind.
        await cdp(browser, "Target.closeTarget", {"targetId": page.target})
        deadline = time.monotonic() + SCREEN_TIMEOUT
        while descendants(server.pid) & readers:
            assert time.monotonic() < deadline, "the closed tab's reader is still running"
            await asyncio.sleep(0.1)
