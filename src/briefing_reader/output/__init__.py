"""Non-interactive output of briefings: `briefing show` as text, Markdown or JSON.

No Textual here (a test checks), and Rich only in :mod:`.text`: the Markdown and
JSON writers are plain Python, so they, and `briefing validate`, which shares
:func:`.json_out.problem_as_json`, start without it. ``render_text`` and
``render_problems`` are importable from this package and load Rich on first use.
"""

from __future__ import annotations

from typing import Any

__all__ = ["render_problems", "render_text"]

# `show --color`: auto styles a terminal and follows NO_COLOR and FORCE_COLOR (Rich reads
# both, NO_COLOR first); always and never win over both.
COLOR_CHOICES = ("auto", "always", "never")


def __getattr__(name: str) -> Any:
    if name in __all__:
        from briefing_reader.output import text

        return getattr(text, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
