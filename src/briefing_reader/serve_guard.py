"""What stands between `briefing serve` and any web page: token, Host, Origin, session cap.

Loopback is not a wall: every page open in a browser on this machine can reach
127.0.0.1:8000, and textual-serve itself checks nothing, starting a reader (and so a view
of every briefing, and its keys) for each websocket. The :class:`Guard` is one aiohttp
middleware in front of all of textual-serve's routes, as Jupyter guards its server:

- a token (from the printed URL, then an HttpOnly SameSite=Strict cookie) on every
  request, compared in constant time;
- a Host allow-list, so that a DNS-rebinding page (evil.example resolving to 127.0.0.1)
  is refused even though its requests reach us;
- the websocket's Origin must be the page's own origin, exactly;
- at most ``max_sessions`` readers at once, counted by the server.

Each refusal is an HTTP error before textual-serve's handler runs, so no process starts.
"""

from __future__ import annotations

import hmac
import html
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field

from aiohttp import web

TOKEN_PARAM = "token"
WEBSOCKET_PATH = "/ws"
INDEX_PATH = "/"
DEFAULT_MAX_SESSIONS = 8
DEFAULT_IDLE_MINUTES = 30.0

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def tokens_match(given: str | None, expected: str) -> bool:
    """Whether ``given`` is the token, in constant time (no timing hint of a prefix)."""
    if given is None:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def host_name(host_header: str) -> str:
    """The name in a Host header, lower-cased, without its port or IPv6 brackets."""
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    if host.count(":") == 1:
        host = host.split(":", 1)[0]
    return host.rstrip(".")


def _ip(name: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(name)
    except ValueError:
        return None


def host_allowed(host_header: str, bound: str, extra: Iterable[str] = ()) -> bool:
    """Whether a request's Host names this server: the bound address, localhost, this
    machine's host name, an ``--allow-host`` name, or an IP address of this machine.

    Names are what DNS rebinding abuses (a name of the attacker's, resolved to us), so a
    name must be on the list. An IP address cannot be rebound: loopback ones always pass
    (a tunnel may arrive on any), and any address when bound to all interfaces.
    """
    name = host_name(host_header)
    if not name:
        return False
    bound_name = host_name(bound)
    # This machine's own name is no attacker's either: a browser elsewhere may use it.
    allowed = {"localhost", bound_name, socket.gethostname().lower(), *map(host_name, extra)}
    if name in allowed:
        return True
    address = _ip(name)
    if address is None:
        return False
    if address.is_loopback:
        return True
    bound_address = _ip(bound_name)
    return bound_address is not None and bound_address.is_unspecified


def origin_matches(origin: str | None, scheme: str, host_header: str) -> bool:
    """Whether a websocket's Origin is the page's own origin: scheme, host and port alike.

    A browser always sends Origin with a websocket; a missing one is refused too, since
    only a program that is not a browser leaves it out.
    """
    if not origin:
        return False
    return origin.strip().lower() == f"{scheme}://{host_header.strip()}".lower()


def cookie_name(port: int) -> str:
    """The token's cookie, one per port: cookies ignore ports, and two servers may run."""
    return f"briefing-token-{port}"


def _page(status: type[web.HTTPException], heading: str, text: str) -> web.HTTPException:
    body = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>briefing</title></head>"
        f"<body><h1>{html.escape(heading)}</h1><p>{html.escape(text)}</p></body></html>"
    )
    return status(text=body, content_type="text/html")


@dataclass
class Guard:
    """The checks every request to `briefing serve` passes, and the count of sessions.

    ``token`` None means --no-token: anything that can reach the port may start a reader.
    """

    bound_host: str
    port: int
    token: str | None
    allow_hosts: tuple[str, ...] = ()
    max_sessions: int = DEFAULT_MAX_SESSIONS
    sessions: int = field(default=0, init=False)

    @property
    def full(self) -> bool:
        return self.sessions >= self.max_sessions

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if not host_allowed(request.host, self.bound_host, self.allow_hosts):
            raise _page(
                web.HTTPForbidden,
                "Unknown host name",
                f"This server does not answer to {host_name(request.host)!r}. If that name "
                "is yours, start briefing serve with --allow-host NAME.",
            )
        set_cookie = False
        if self.token is not None:
            given = request.query.get(TOKEN_PARAM)
            if given is not None:
                set_cookie = tokens_match(given, self.token)
                ok = set_cookie
            else:
                ok = tokens_match(request.cookies.get(cookie_name(self.port)), self.token)
            if not ok:
                raise _page(
                    web.HTTPForbidden,
                    "Token required",
                    "Open the address that briefing serve printed when it started, with "
                    "its ?token=... part.",
                )
        if request.path == WEBSOCKET_PATH:
            if not origin_matches(request.headers.get("Origin"), request.scheme, request.host):
                raise web.HTTPForbidden(text="websocket refused: not from this server's page")
            if self.full:
                raise web.HTTPServiceUnavailable(text="server full")
        elif request.path == INDEX_PATH and self.full:
            raise _page(
                web.HTTPServiceUnavailable,
                "The server is full",
                f"{self.sessions} sessions are open, as many as briefing serve allows "
                "(--max-sessions). Close one of them and reload this page.",
            )
        response = await handler(request)
        if set_cookie and self.token is not None and request.path == INDEX_PATH:
            # The address bar may now drop the token: the page's static files and its
            # websocket carry the cookie, which no script can read and no other site send.
            response.set_cookie(
                cookie_name(self.port), self.token, httponly=True, samesite="Strict", path="/"
            )
        return response
