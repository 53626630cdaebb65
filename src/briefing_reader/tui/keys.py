"""The keys of a screen, read from its active bindings: one source for help and palette."""

from __future__ import annotations

from typing import NamedTuple

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen


def movement_bindings(scope: str, noun: str) -> list[Binding]:
    """The keys that move a cursor through a list, the same in a pane and in the library.

    ``scope`` prefixes the binding ids (``pane.down``, ``library.down``, ...); ``noun`` names
    what the cursor moves over in the help ("item", "briefing").
    """
    return [
        Binding("down,j", "cursor(1)", f"Next {noun}", show=False, id=f"{scope}.down"),
        Binding("up,k", "cursor(-1)", f"Previous {noun}", show=False, id=f"{scope}.up"),
        Binding("home,g", "first", f"First {noun}", show=False, id=f"{scope}.first"),
        Binding("end,G", "last", f"Last {noun}", show=False, id=f"{scope}.last"),
        Binding("pagedown", "page(1)", "Page down", show=False, id=f"{scope}.page_down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id=f"{scope}.page_up"),
    ]


class KeyHelp(NamedTuple):
    keys: str  # e.g. "j, ↓"
    description: str
    group: str  # the HELP_GROUP of the widget, screen or app that owns the binding
    action: str
    namespace: object


def key_help(app: App[object], screen: Screen[object]) -> list[KeyHelp]:
    """Every described binding active on ``screen``, its keys joined, in binding order."""
    grouped: dict[tuple[int, str], tuple[list[str], str, object]] = {}
    for active in screen.active_bindings.values():
        binding = active.binding
        # Ours all carry an id; those without are what Textual's base classes add (a scroll
        # container's left/right scrolling, say), which mean nothing in this app.
        if not binding.description or not binding.id:
            continue
        group = (id(active.node), binding.action)
        keys, _, _ = grouped.setdefault(group, ([], binding.description, active.node))
        shown = app.get_key_display(binding)
        if shown not in keys:
            keys.append(shown)
    return [
        KeyHelp(", ".join(keys), description, _group(node), action, node)
        for (_, action), (keys, description, node) in grouped.items()
    ]


def _group(node: object) -> str:
    return getattr(node, "HELP_GROUP", type(node).__name__)
