"""Checks of the config file's [keys] against the bindings the app really has.

config.py reads the file but knows nothing of Textual; the key table (briefing_reader.keys)
holds the binding ids, their default keys and which are active together on each screen, so
unknown ids (``screen.zoomm``) and keys that two actions on one screen share are found here,
in Textual's key names, and config.key_warnings says where they are in the file.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from textual.binding import Binding
from textual.keys import Keys, key_to_character

from briefing_reader.config import did_you_mean, key_warnings
from briefing_reader.keys import SCREENS, remappable
from briefing_reader.tui.keys import made

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


# The key names Textual sends, without their modifiers ("f24", "pageup", "a"), except its
# internal ones ("<any>", "<scroll-up>"). Any printable character is a key too, by itself or
# by its Unicode name ("question_mark").
_KEY_NAMES = frozenset(
    key.value.rsplit("+", 1)[-1] for key in Keys if not key.value.startswith("<")
) | frozenset(_NAMED_CHARACTERS)


def _pressable(key: str) -> bool:
    """Whether a terminal can send ``key``: its last part names a key Textual knows."""
    key = key.strip()
    if len(key) == 1:
        return key.isprintable()
    name = key.rsplit("+", 1)[-1] or "+"  # "ctrl++" is ctrl and "+"
    if len(name) == 1 or name in _KEY_NAMES:
        return True
    character = key_to_character(name)
    return character is not None and character.isprintable()


def pressable_keys(
    keymap: Mapping[str, str], path: Path | None = None
) -> tuple[dict[str, str], list[str]]:
    """``keymap`` without the keys no terminal can send, and a located warning for each.

    A binding to "ctrl+alt+f99" alone would take its default keys away and give it none
    (Textual sends f1 to f24): such a binding keeps its defaults instead, as config.py does
    for an unknown modifier.
    """
    kept: dict[str, str] = {}
    problems: list[tuple[str, str]] = []
    for binding_id, keys in keymap.items():
        parts = [part.strip() for part in keys.split(",") if part.strip()]
        good = [part for part in parts if _pressable(part)]
        for part in parts:
            if part not in good:
                rest = "" if good else "; using the default keys"
                problems.append(
                    (
                        binding_id,
                        f"key binding {_quote(binding_id)}: {_quote(part)} names no key a"
                        f" terminal sends (function keys are f1 to f24); ignored{rest}",
                    )
                )
        if good:
            kept[binding_id] = ",".join(good)
    return kept, key_warnings(problems, path)


@dataclass(frozen=True)
class KeyScope:
    """Bindings that are active at the same time, on one screen: a key can do one of them."""

    name: str  # for messages: "the reader"
    bindings: tuple[Binding, ...]  # ours, each with the id the keymap changes it by


def key_scopes() -> list[KeyScope]:
    """Each screen's bindings, as the key table places them: its own, its widgets' and (outside
    the modal screens) the app's."""
    return [
        KeyScope(screen.name, tuple(binding for owner in screen.owners for binding in made(owner)))
        for screen in SCREENS
    ]


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
            assert binding.id is not None  # every Key of the table has one
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
    known = {key.id for key in remappable()}
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


def checked_keymap(
    keymap: Mapping[str, str], path: Path | None = None
) -> tuple[dict[str, str], list[str]]:
    """The keymap the app can use, and every warning about it: keys no terminal sends
    (dropped), unknown ids and clashes."""
    kept, warnings = pressable_keys(keymap, path)
    return kept, warnings + keymap_warnings(kept, path)
