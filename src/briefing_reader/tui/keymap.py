"""Checks of the config file's [keys] against the bindings the app really has.

config.py reads the file but knows nothing of Textual; only here are the binding ids and
their default keys known, so unknown ids (``screen.zoomm``) and keys that two actions on
one screen share are found here, and config.key_warnings says where they are in the file.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from textual.binding import Binding
from textual.dom import DOMNode
from textual.keys import key_to_character
from textual.screen import ModalScreen, Screen

from briefing_reader.config import did_you_mean, key_warnings

# Key names key_to_character() does not turn into their character (Textual 8.2.8): without
# them "/" and "slash" would look like two keys.
_NAMED_CHARACTERS = {
    "plus": "+",
    "minus": "-",
    "slash": "/",
    "at": "@",
    "backslash": "\\",
    "underscore": "_",
}


@dataclass(frozen=True)
class KeyScope:
    """Bindings that are active at the same time, on one screen: a key can do one of them."""

    name: str  # for messages: "the reader"
    bindings: tuple[Binding, ...]  # ours only: those with an id, which the keymap can change


def _own_classes() -> list[type[DOMNode]]:
    # Every module of the TUI is imported, so a binding added in any screen or widget is
    # known without a list of ids to keep up to date. Only done when [keys] is set.
    import briefing_reader.tui as tui

    for module in pkgutil.walk_packages(tui.__path__, f"{tui.__name__}."):
        importlib.import_module(module.name)
    found: list[type[DOMNode]] = []
    pending: list[type[DOMNode]] = [DOMNode]
    while pending:
        for subclass in pending.pop().__subclasses__():
            pending.append(subclass)
            if subclass.__module__.startswith("briefing_reader.") and subclass not in found:
                found.append(subclass)
    return found


def _bindings(owner: type[DOMNode]) -> Iterator[Binding]:
    # As Textual merges them: the class's BINDINGS and those it inherits.
    for klass in owner.__mro__:
        for binding in vars(klass).get("BINDINGS", ()):
            if isinstance(binding, Binding) and binding.id:
                yield binding


def _screen_widgets() -> dict[type[Screen[object]], tuple[str, tuple[type[DOMNode], ...]]]:
    """The name of each screen with bindings of its own widgets, and those widgets."""
    from briefing_reader.tui.screens.briefing import BriefingScreen
    from briefing_reader.tui.screens.help import HelpScreen
    from briefing_reader.tui.screens.library import LibraryScreen
    from briefing_reader.tui.screens.problems import ProblemsScreen
    from briefing_reader.tui.widgets.library_list import LibraryList
    from briefing_reader.tui.widgets.pane import Pane
    from briefing_reader.tui.widgets.source import SourceView

    return {
        BriefingScreen: ("the reader", (Pane, SourceView)),
        LibraryScreen: ("the library", (LibraryList,)),
        HelpScreen: ("help", ()),
        ProblemsScreen: ("the problems screen", ()),
    }


def key_scopes() -> list[KeyScope]:
    """Each screen's bindings: its own, its widgets' and (outside modal screens) the app's.

    A widget that no screen lists gets a scope of its own, so its ids are still known.
    """
    from briefing_reader.tui.app import BriefingApp

    classes = _own_classes()
    placed = _screen_widgets()
    apps = [owner for owner in classes if issubclass(owner, BriefingApp)]
    scopes: list[KeyScope] = []
    in_a_screen: set[type[DOMNode]] = set(apps)
    for owner in classes:
        # A base class of other screens (TextModal) is never shown itself; a screen with no
        # binding of ours (the palette, Textual's with one fix) has nothing to remap.
        if (
            not issubclass(owner, Screen)
            or any(issubclass(other, owner) and other is not owner for other in classes)
            or (owner not in placed and not any(_bindings(owner)))
        ):
            in_a_screen.add(owner)
            continue
        name, widgets = placed.get(owner, (owner.__name__, ()))
        # A modal screen's bindings end the chain: the app's keys do nothing there.
        above = () if issubclass(owner, ModalScreen) else apps
        members = [owner, *widgets, *above]
        in_a_screen.update(members)
        scopes.append(KeyScope(name, tuple(b for member in members for b in _bindings(member))))
    for owner in classes:
        if owner not in in_a_screen and (own := tuple(_bindings(owner))):
            scopes.append(KeyScope(owner.__name__, own))
    return scopes


def _key(key: str) -> str:
    # "?" and "question_mark" name one key; Textual's keymap accepts either.
    key = key.strip()
    if len(key) == 1:
        return key
    return _NAMED_CHARACTERS.get(key) or key_to_character(key) or key


def _keys(keys: str) -> dict[str, str]:
    """The keys of a binding string, each one's comparable form to the way it was written."""
    return {_key(key): key.strip() for key in keys.split(",") if key.strip()}


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _clashes(keymap: Mapping[str, str], scopes: list[KeyScope]) -> Iterator[tuple[str, str]]:
    order = {binding_id: index for index, binding_id in enumerate(keymap)}
    found: dict[tuple[str, str, str], list[str]] = {}  # (id, key, other id): scope names
    descriptions: dict[str, str] = {}
    defaults: dict[str, dict[str, str]] = {}
    for scope in scopes:
        default: dict[str, dict[str, str]] = {}
        actions: dict[str, str] = {}
        for binding in scope.bindings:
            assert binding.id is not None  # _bindings() keeps only those with one
            default.setdefault(binding.id, {}).update(_keys(binding.key))
            actions.setdefault(binding.id, binding.action)
            descriptions.setdefault(binding.id, binding.description)
        defaults.update(default)
        now = {
            binding_id: _keys(keymap.get(binding_id, "")) or keys
            for binding_id, keys in default.items()
        }
        for mine in keymap:
            if mine not in now:
                continue
            for key in now[mine]:
                for other, other_keys in now.items():
                    if other == mine or key not in other_keys or actions[other] == actions[mine]:
                        continue
                    if key in default[mine] and key in default[other]:
                        continue  # shared on purpose (escape closes the source, or goes back)
                    if other in order and order[other] > order[mine]:
                        continue  # told at the other one, the later line in the file
                    found.setdefault((mine, key, other), []).append(scope.name)
    # One warning per key set, naming every binding it takes the key from.
    by_key: dict[tuple[str, str], list[str]] = {}
    for (mine, key, other), where in found.items():
        # "?" rather than Textual's name for it, "question_mark".
        shown = key if len(key) == 1 and key.isprintable() else defaults[other].get(key, key)
        theirs = "also set in this file" if other in keymap else f"{shown} by default"
        described = f"{descriptions[other]}, " if descriptions[other] else ""
        by_key.setdefault((mine, key), []).append(
            f"{_quote(other)} ({described}{theirs}) in {' and '.join(where)}"
        )
    for (mine, key), others in by_key.items():
        written = _keys(keymap[mine])[key]
        yield (
            mine,
            f"key binding {_quote(mine)}: {_quote(written)} is also the key of"
            f" {', '.join(others)}; only one of them can run, so give one of them another key",
        )


def _suggest(binding_id: str, known: set[str]) -> str:
    suggestion = did_you_mean(binding_id, sorted(known))
    return suggestion or ' (the README\'s "Themes and configuration" lists the binding ids)'


def keymap_warnings(keymap: Mapping[str, str], path: Path | None = None) -> list[str]:
    """Located warnings for the [keys] ids the app has no binding for, and for clashes.

    ``keymap`` is Config.keys (ids to comma-separated keys), ``path`` the file it came from
    (the settings file by default). A clash is a key given to two actions that are active
    on the same screen, by two ids in the file or by one id and another's default key.
    """
    if not keymap:
        return []
    scopes = key_scopes()
    known = {binding.id for scope in scopes for binding in scope.bindings}
    problems = [
        (
            binding_id,
            f"unknown binding id {_quote(binding_id)} ignored" + _suggest(binding_id, known),
        )
        for binding_id in keymap
        if binding_id not in known
    ]
    problems.extend(_clashes(keymap, scopes))
    order = {binding_id: index for index, binding_id in enumerate(keymap)}
    problems.sort(key=lambda problem: order[problem[0]])
    return key_warnings(problems, path)
