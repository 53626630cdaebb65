"""Bindings made from the key table, and the keys of a screen read from its active bindings."""

from __future__ import annotations

from typing import Any, NamedTuple

from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Input

from briefing_reader.keys import of


def made(owner: str) -> list[Binding]:
    """The bindings of the class ``owner`` names in the key table, briefing_reader.keys."""
    keys = of(owner)
    assert keys, f"no keys for {owner!r} in briefing_reader.keys"
    return [
        Binding(
            key.keys,
            key.action,
            key.description,
            show=key.show,
            priority=key.priority,
            id=key.id,
        )
        for key in keys
    ]


def opens_a_field(screen: Screen[Any]) -> bool:
    """Whether a key that opens an input line (the library's f and /, the reader's /) acts.

    Those keys are priority bindings, run as the app takes each key in, before it hands
    the next to the focused widget: keys that come in one read (typed ahead, or one packet
    over SSH) reach the field the first one focused, where before they went on to the list
    and its commands ("fquarter" quit at its q). A priority binding comes before a field
    too, so in one, where f and / are letters, they do not act.
    """
    return not isinstance(screen.focused, Input)


def bindings(owner: str) -> list[BindingType]:
    """``BINDINGS`` for the class that ``owner`` names: ``BINDINGS = bindings(PANE)``."""
    return list(made(owner))


class KeyHelp(NamedTuple):
    keys: str  # e.g. "j, ↓"
    description: str
    group: str  # the HELP_GROUP of the widget, screen or app that owns the binding
    action: str
    namespace: object


def key_help(app: App[Any], screen: Screen[object]) -> list[KeyHelp]:
    """Every described binding active on ``screen``, its keys joined, in binding order.

    ``app`` is any app whatever its result type (App[None] is no App[object]): only its key
    display is asked.
    """
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
