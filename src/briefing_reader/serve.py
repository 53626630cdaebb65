"""`briefing serve`: the reader in a browser, through textual-serve.

textual-serve is a small web server that starts one process per browser tab, a real
`briefing` reader that talks to the page over a websocket. It is an optional extra
(`pip install 'briefing-reader[serve]'`), imported only here and only when serving.
"""

from __future__ import annotations

import asyncio
import ipaddress
import shlex
import socket
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aiohttp import web

MISSING_EXTRA = "serving needs the 'serve' extra: pip install 'briefing-reader[serve]'"
TITLE = "briefing"


def session_command(paths: list[Path]) -> str:
    """The shell command textual-serve runs for each browser session.

    The paths are made absolute so that it reads the same briefings whatever the server's
    working directory, and the reader runs under this very interpreter (this venv).
    """
    return shlex.join([sys.executable, "-m", "briefing_reader", *(str(p.resolve()) for p in paths)])


def url_host(host: str) -> str:
    """``host`` as it is written in a URL: IPv6 addresses go in brackets."""
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def startup_line(host: str, port: int) -> str:
    url = f"http://{url_host(host)}:{port}"
    if is_loopback(host):
        return f"serving briefings at {url} (local only; --host 0.0.0.0 to share)"
    return (
        f"serving briefings at {url} (reachable from other machines: anyone who can "
        "connect can read them)"
    )


def cannot_listen(host: str, port: int) -> str | None:
    """Why nothing can listen on host:port (taken, not this machine's), or None when it can.

    Checked before starting so that the start-up line is never followed by this error.
    """
    try:
        family = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)[0][0]
        with socket.create_server((host.strip("[]"), port), family=family):
            return None
    except OSError as error:
        return error.strerror or str(error)


def serve(paths: list[Path], host: str, port: int) -> int:
    """Serve the reader on ``paths`` at http://host:port until interrupted; the exit status."""
    try:
        from textual_serve.server import Server
    except ImportError:
        print(f"briefing: error: {MISSING_EXTRA}", file=sys.stderr)
        return 2

    sessions: set[asyncio.Task[Any]] = set()

    class BriefingServer(Server):
        async def on_startup(self, app: web.Application) -> None:
            # One line of ours instead of textual-serve's banner.
            print(startup_line(host, port), flush=True)

        async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
            task = asyncio.current_task()
            assert task is not None
            sessions.add(task)
            try:
                return await super().handle_websocket(request)
            finally:
                sessions.discard(task)

        async def on_shutdown(self, app: web.Application) -> None:
            # An open tab would otherwise hold Ctrl+C up for aiohttp's 60 s grace period.
            # Cancelled, textual-serve tells each reader to quit and closes its websocket.
            for task in sessions:
                task.cancel()

        async def handle_index(self, request: web.Request) -> Any:
            # textual-serve writes its own host:port into the page's websocket and static
            # URLs, which a browser elsewhere cannot use when it binds 0.0.0.0 (or through an
            # SSH tunnel). Answer each browser with the address it used to reach us.
            self.public_url = f"{request.scheme}://{request.host}"
            return await super().handle_index(request)

    if reason := cannot_listen(host, port):
        print(f"briefing: error: cannot listen on {host}:{port}: {reason}", file=sys.stderr)
        return 1
    server = BriefingServer(session_command(paths), host=host, port=port, title=TITLE)
    try:
        server.serve()
    except OSError as error:  # taken in the moment since cannot_listen looked
        reason = error.strerror or str(error)
        print(f"briefing: error: cannot listen on {host}:{port}: {reason}", file=sys.stderr)
        return 1
    return 0
