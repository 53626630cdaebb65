"""`briefing serve`: the reader in a browser, through textual-serve.

textual-serve is a small web server that starts one process per browser tab, a real
`briefing` reader that talks to the page over a websocket. It is an optional extra
(`pip install 'briefing-reader[serve]'`), imported only here and only when serving.

textual-serve checks nothing itself, so what guards it is ours, around it rather than a
copy of it: briefing_reader.serve_guard's middleware (token, Host, Origin, session cap)
in front of its routes, and here a count of sessions, an idle timeout and an end for
every reader whose tab has gone.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import secrets
import shlex
import socket
import sys
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefing_reader.served import SERVED_ENV

if TYPE_CHECKING:
    from aiohttp import web
    from textual_serve.server import Server

# What a served reader must not inherit from the server's shell (see session_command).
SERVER_ONLY_ENV = ("TMUX", "STY", "BROWSER", "DISPLAY", "WAYLAND_DISPLAY")
MISSING_EXTRA = "serving needs the 'serve' extra: pip install 'briefing-reader[serve]'"
TITLE = "briefing"
# A reader told to quit (its tab closed, or idle) that has not ended by then is terminated,
# and killed after as long again.
QUIT_GRACE_SECONDS = 5.0
NO_TOKEN_WARNING = (
    "briefing: warning: --no-token: ANY web page open in a browser that can reach this "
    "port can start readers, read every briefing and type keys in them"
)


def make_token() -> str:
    """A fresh random token: 32 bytes (256 bits) from ``secrets``, URL-safe."""
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class Protection:
    """How `briefing serve` guards its sessions (see briefing_reader.serve_guard).

    ``token`` None is --no-token; ``idle_timeout`` is in seconds.
    """

    token: str | None
    allow_hosts: tuple[str, ...] = ()
    max_sessions: int = 8
    idle_timeout: float = 30 * 60.0


def session_command(paths: list[Path]) -> str:
    """The shell command textual-serve runs for each browser session.

    The paths are made absolute so that it reads the same briefings whatever the server's
    working directory, and the reader runs under this very interpreter (this venv). The
    reader is told it is served (it then starts no programs: see briefing_reader.served),
    and loses what would lead it to programs on the server: TMUX and STY (tmux's and
    screen's clipboards), BROWSER, DISPLAY and WAYLAND_DISPLAY (a browser there). Links it
    opens go to the user's browser through the page instead (textual-serve's open_url).
    """
    reader = [sys.executable, "-m", "briefing_reader", *(str(p.resolve()) for p in paths)]
    unset = [arg for name in SERVER_ONLY_ENV for arg in ("-u", name)]
    # exec: textual-serve's shell becomes the reader, so that ending "the process" (its
    # kill after the grace) ends the reader rather than orphaning it.
    return "exec " + shlex.join(["env", *unset, f"{SERVED_ENV}=1", *reader])


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


def startup_line(host: str, port: int, protection: Protection | None = None) -> str:
    url = f"http://{url_host(host)}:{port}"
    if protection is not None and protection.token:
        url += "/?token=" + urllib.parse.quote(protection.token, safe="")
    if is_loopback(host):
        where = "local only; --host 0.0.0.0 to share"
    else:
        where = "reachable from other machines"
    if protection is None:
        return f"serving briefings at {url} ({where})"
    sessions = f"up to {protection.max_sessions} session"
    sessions += "s" if protection.max_sessions != 1 else ""
    token = "token required" if protection.token else "NO TOKEN: any page may connect"
    return f"serving briefings at {url} ({where}; {token}; origin checked; {sessions})"


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


def make_server(command: str, host: str, port: int, protection: Protection) -> Server:
    """textual-serve's server for ``command``, with our guard around it (not yet serving).

    Raises ImportError without the 'serve' extra.
    """
    from textual_serve.app_service import AppService
    from textual_serve.server import Server

    from briefing_reader.serve_guard import Guard

    class BriefingServer(Server):
        guard: Guard
        sessions: set[asyncio.Task[Any]]
        services: set[AppService]  # every session's, to end what is left at shutdown

        async def _make_app(self) -> web.Application:
            app = await super()._make_app()
            app.middlewares.append(self.guard.middleware)
            return app

        async def on_startup(self, app: web.Application) -> None:
            # One line of ours instead of textual-serve's banner.
            print(startup_line(host, port, protection), flush=True)

        async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
            task = asyncio.current_task()
            assert task is not None
            # Counted from here, before textual-serve starts the process: the guard refuses
            # the next websocket past the cap without starting one.
            self.sessions.add(task)
            self.guard.sessions += 1
            try:
                return await super().handle_websocket(request)
            finally:
                self.guard.sessions -= 1
                self.sessions.discard(task)

        async def _process_messages(
            self, websocket: web.WebSocketResponse, app_service: AppService
        ) -> None:
            self.services.add(app_service)
            try:
                await read_until_idle(
                    super()._process_messages(websocket, app_service),
                    websocket,
                    app_service,
                    protection.idle_timeout,
                )
            finally:
                # The tab is gone (or idle): textual-serve now tells the reader to quit and
                # waits for it, for ever if it never does. It does not wait past the grace.
                end_later(app_service)

        async def on_shutdown(self, app: web.Application) -> None:
            # An open tab would otherwise hold Ctrl+C up for aiohttp's 60 s grace period.
            # Cancelled, textual-serve tells each reader to quit and closes its websocket.
            for task in self.sessions:
                task.cancel()
            if self.sessions:
                await asyncio.wait(self.sessions, timeout=2 * QUIT_GRACE_SECONDS)
            # Each reader ended and its pipes closed while the loop still runs: a subprocess
            # transport left for the collector after the loop closes raises "Event loop is
            # closed" from its __del__ (Python 3.12 and later).
            await asyncio.gather(*(end_now(service) for service in self.services))

        async def handle_index(self, request: web.Request) -> Any:
            # textual-serve writes its own host:port into the page's websocket and static
            # URLs, which a browser elsewhere cannot use when it binds 0.0.0.0 (or through an
            # SSH tunnel). Answer each browser with the address it used to reach us.
            self.public_url = f"{request.scheme}://{request.host}"
            return await super().handle_index(request)

    async def read_until_idle(
        reading: Any, websocket: web.WebSocketResponse, app_service: AppService, idle: float
    ) -> None:
        """Run textual-serve's message loop until the tab closes or sends no input for
        ``idle`` seconds (keys and mouse are input; the page's pings and focus are not)."""
        loop = asyncio.get_running_loop()
        last_input = loop.time()
        send_bytes = app_service.send_bytes

        async def noted(data: bytes) -> bool:
            nonlocal last_input
            last_input = loop.time()
            return await send_bytes(data)

        app_service.send_bytes = noted  # type: ignore[method-assign]
        task = asyncio.ensure_future(reading)
        try:
            while not task.done():
                left = last_input + idle - loop.time()
                if left <= 0:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
                    await websocket.close(code=4000, message=b"idle")
                    return
                await asyncio.wait({task}, timeout=left)
            task.result()
        finally:
            if not task.done():
                task.cancel()

    async def end_now(app_service: AppService) -> None:
        process = app_service._process  # see end_later
        if process is None:
            return
        if process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.terminate()
            try:
                await asyncio.wait_for(process.wait(), QUIT_GRACE_SECONDS)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                await process.wait()
        transport = getattr(process, "_transport", None)
        if transport is not None:
            transport.close()

    def end_later(app_service: AppService) -> None:
        # AppService keeps its process private; this is the one place we reach in, to be
        # sure no reader outlives its tab.
        process = app_service._process
        if process is None:
            return

        def stop(kill: bool) -> None:
            if process.returncode is None:
                with contextlib.suppress(ProcessLookupError):  # it ended meanwhile
                    # SIGTERM lets the reader end its own workers; SIGKILL if even that fails.
                    if kill:
                        process.kill()
                    else:
                        process.terminate()

        loop = asyncio.get_running_loop()
        loop.call_later(QUIT_GRACE_SECONDS, stop, False)
        loop.call_later(2 * QUIT_GRACE_SECONDS, stop, True)

    server = BriefingServer(command, host=host, port=port, title=TITLE)
    server.guard = Guard(
        bound_host=host,
        port=port,
        token=protection.token,
        allow_hosts=protection.allow_hosts,
        max_sessions=protection.max_sessions,
    )
    server.sessions = set()
    server.services = set()
    return server


def serve(paths: list[Path], host: str, port: int, protection: Protection | None = None) -> int:
    """Serve the reader on ``paths`` at http://host:port until interrupted; the exit status."""
    protection = protection or Protection(token=make_token())
    try:
        server = make_server(session_command(paths), host, port, protection)
    except ImportError:
        print(f"briefing: error: {MISSING_EXTRA}", file=sys.stderr)
        return 2
    if reason := cannot_listen(host, port):
        print(f"briefing: error: cannot listen on {host}:{port}: {reason}", file=sys.stderr)
        return 1
    if protection.token is None:
        print(NO_TOKEN_WARNING, file=sys.stderr, flush=True)
    try:
        server.serve()
    except OSError as error:  # taken in the moment since cannot_listen looked
        reason = error.strerror or str(error)
        print(f"briefing: error: cannot listen on {host}:{port}: {reason}", file=sys.stderr)
        return 1
    return 0
