"""The theme names the reader knows, for what is written outside the app (completions)."""

from __future__ import annotations

from textual.theme import BUILTIN_THEMES


def theme_names() -> list[str]:
    """What ``--theme`` accepts: the app registers no themes of its own, so its
    ``available_themes`` are Textual's built-in ones."""
    return sorted(BUILTIN_THEMES)
