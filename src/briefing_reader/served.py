"""Whether this reader is a `briefing serve` session, which must not run programs.

A served reader is driven from a web page, by whoever holds the server's token, while it
runs on the server as the user who started `briefing serve`. An editor started from it
would be a shell on the server (`:!sh` in vi), so everything that would start a program
asks here first. `briefing serve` says so in the environment of each session it starts;
this module is the one place that reads it (and imports nothing, so the reader pays
nothing for it).
"""

from __future__ import annotations

import os

SERVED_ENV = "BRIEFING_SERVED"
PROGRAMS_REFUSED = "Not in a browser session: it would run a program on the server."


def programs_refused() -> str | None:
    """The one-line reason this reader may not start programs, or None when it may."""
    return PROGRAMS_REFUSED if os.environ.get(SERVED_ENV) == "1" else None
