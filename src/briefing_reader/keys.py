"""Every key of the reader, in one table: the bindings, `--help`, the README and [keys] checks.

Each :class:`Key` is one binding: its id (what the config file's ``[keys]`` remaps), its
default keys, the action it runs, the words the footer and help screen show, and the
``owner``: the screen or widget class that binds it (``bindings(owner)`` in tui/keys.py
makes that class's ``BINDINGS``). No Textual here: ``briefing --help`` renders its key list
from this table and must start at once.

Run ``python -m briefing_reader.keys --markdown`` for the README's two generated parts.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from dataclasses import dataclass

from briefing_reader.sections import SECTIONS

# The owners: which class binds a Key. tui/keys.py maps each to nothing (a class names
# its own owner); the reader's screens below say which owners are active together.
APP = "app"  # BriefingApp: on every screen but the modal ones
READER = "reader"  # BriefingScreen
PANE = "pane"  # Pane, the focused one of the four
SOURCE = "source"  # SourceView, the source article
SEARCH = "search"  # SearchLine, the reader's / line
LIBRARY = "library"  # LibraryScreen
LIBRARY_LIST = "library_list"  # LibraryList
FILTER = "filter"  # FilterLine, the library's filter field
LIBRARY_SEARCH = "library_search"  # LibrarySearchLine, the library's search field
MODAL = "modal"  # TextModal, under the help and problems screens
HELP = "help"  # HelpScreen
PROBLEMS = "problems"  # ProblemsScreen
TEXTUAL = "textual"  # bound by Textual itself: told in --help, not ours to bind or remap

_SAME = ""  # a Key's `line` when it shares the --help line of the Key before it


@dataclass(frozen=True)
class Key:
    """One binding of the reader and how it is told."""

    id: str  # "screen.zoom": the [keys] name, and Textual's Binding.id
    keys: str  # the default keys in Textual's names, comma-separated: "down,j"
    action: str  # "cursor(1)"
    description: str  # the footer's and the help screen's words
    owner: str  # one of the owners above
    line: str  # the --help wording; _SAME to join the line above
    show: bool = False  # in the footer
    priority: bool = False  # before the focused widget sees the key


@dataclass(frozen=True)
class Screen:
    """Owners whose bindings are active at the same time: one key can do only one of them."""

    name: str  # for [keys] warnings: "the reader"
    owners: tuple[str, ...]


@dataclass(frozen=True)
class Section:
    """A part of --help's key list."""

    heading: str
    owners: tuple[str, ...]


def _movement(scope: str, owner: str, noun: str, nouns: str) -> list[Key]:
    # One definition of list movement for the panes and the library's list.
    return [
        Key(
            f"{scope}.down",
            "down,j",
            "cursor(1)",
            f"Next {noun}",
            owner,
            f"next / previous {nouns}",
        ),
        Key(f"{scope}.up", "up,k", "cursor(-1)", f"Previous {noun}", owner, _SAME),
        Key(f"{scope}.first", "home,g", "first", f"First {noun}", owner, f"first / last {noun}"),
        Key(f"{scope}.last", "end,G", "last", f"Last {noun}", owner, _SAME),
        Key(f"{scope}.page_down", "pagedown", "page(1)", "Page down", owner, "a page down / up"),
        Key(f"{scope}.page_up", "pageup", "page(-1)", "Page up", owner, _SAME),
    ]


# In --help order, which within one owner is its binding order: the footer and the help
# screen show a class's keys in that order.
def _go_to_panes() -> str:
    """The --help line of 1-4: the panes' names, the last on a line of its own (to fit)."""
    *first, last = (section.title for section in SECTIONS)
    return f"go to {', '.join(first)}\nor {last}"


KEYS: tuple[Key, ...] = (
    # --- the library ---
    *_movement("library", LIBRARY_LIST, "briefing", "briefing"),
    Key(
        "library.open",
        "enter",
        "select",
        "Open",
        LIBRARY_LIST,
        "open the briefing (escape or backspace: back to the list)",
        show=True,
    ),
    Key(
        "library.filter",
        "f",
        "filter",
        "Filter",
        LIBRARY,
        "filter as you type, best match first",
        show=True,
        priority=True,  # the next key goes to the field: see tui.keys.opens_a_field
    ),
    # The field's own keys are in the footer: there, the list's and the app's keys are letters.
    Key(
        "filter.open",
        "enter",
        "submit",
        "Open the best match",
        FILTER,
        "in the filter: open the best match",
        show=True,
    ),
    Key(
        "filter.clear",
        "escape",
        "clear",
        "Clear the filter",
        FILTER,
        "in the filter: clear it",
        show=True,
    ),
    Key(
        "filter.to_list",
        "down",
        "to_list",
        "To the list",
        FILTER,
        "in the filter: on to the list, keeping the filter",
        show=True,
    ),
    Key(
        "library.search",
        "slash",
        "search",
        "Search",
        LIBRARY,
        "search every field of every briefing",
        show=True,
        priority=True,
    ),
    Key(
        "library_search.run",
        "enter",
        "submit",
        "Search",
        LIBRARY_SEARCH,
        "in the search: run it",
        show=True,
    ),
    Key(
        "library_search.sources",
        "ctrl+t",
        "toggle_sources",
        "Search the articles too",
        LIBRARY_SEARCH,
        "in the search: the source articles too (or not)",
        show=True,
    ),
    Key(
        "library_search.cancel",
        "escape",
        "cancel",
        "Cancel the search",
        LIBRARY_SEARCH,
        "in the search: cancel it",
        show=True,
    ),
    Key(
        "library.next_match",
        "n",
        "next_match(1)",
        "Next match",
        LIBRARY,
        "next / previous search match, each opened at the match",
    ),
    Key("library.previous_match", "N", "next_match(-1)", "Previous match", LIBRARY, _SAME),
    Key(
        "library.sort",
        "o",
        "sort",
        "Sort",
        LIBRARY,
        "sort: newest first, by title, by subject, unread first",
        show=True,
    ),
    Key(
        "library.toggle_read",
        "u",
        "toggle_read",
        "Read/unread",
        LIBRARY,
        "mark read / unread (opening a briefing marks it read)",
        show=True,
    ),
    Key(
        "library.clear",
        "escape",
        "clear",
        "Clear the filter",
        LIBRARY,
        "clear the filter, or else the search",
    ),
    # --- a briefing ---
    Key(
        "screen.next_pane",
        "tab",
        "next_pane",
        "Next pane",
        READER,
        "next / previous pane",
        show=True,
        priority=True,
    ),
    Key(
        "screen.previous_pane",
        "shift+tab",
        "previous_pane",
        "Previous pane",
        READER,
        _SAME,
        priority=True,
    ),
    *(
        Key(
            f"screen.pane_{n}",
            str(n),
            f"jump({n})",
            f"Go to {section.title}",
            READER,
            _go_to_panes() if n == 1 else _SAME,
        )
        for n, section in enumerate(SECTIONS, start=1)
    ),
    *_movement("pane", PANE, "item", "item in the pane"),
    Key(
        "pane.toggle",
        "enter",
        "toggle",
        "Expand",
        PANE,
        "expand or collapse the item (shows its evidence)",
        show=True,
    ),
    Key(
        "screen.zoom",
        "z",
        "zoom",
        "Zoom",
        READER,
        "zoom the pane, or the open article, to the full screen\nand back",
        show=True,
    ),
    Key(
        "screen.next",
        "right_square_bracket",
        "next_briefing",
        "Next briefing",
        READER,
        "next / previous briefing, in the library's order\n(it says so when it goes round)",
        show=True,
    ),
    Key(
        "screen.previous",
        "left_square_bracket",
        "previous_briefing",
        "Previous briefing",
        READER,
        _SAME,
    ),
    Key(
        "screen.source",
        "s",
        "source",
        "Source",
        READER,
        "the source article, with the item's evidence highlighted",
        show=True,
    ),
    Key(
        "source.down",
        "down,j",
        "scroll_down",
        "Scroll down",
        SOURCE,
        "in the source article: scroll it",
    ),
    Key("source.up", "up,k", "scroll_up", "Scroll up", SOURCE, _SAME),
    Key(
        "screen.close",
        "escape",
        "close_source",
        "Close the source",
        READER,
        "close the source article",
    ),
    Key(
        "screen.copy_item",
        "y",
        "copy_item",
        "Copy item",
        READER,
        "copy the item as a line / the pane as Markdown\n(OSC 52: works over SSH too)",
    ),
    Key("screen.copy_pane", "Y", "copy_pane", "Copy pane as Markdown", READER, _SAME),
    Key("screen.open_url", "o", "open_url", "Open the source URL", READER, "open the source URL"),
    Key(
        "screen.edit",
        "e",
        "edit",
        "Edit the briefing file",
        READER,
        "edit the briefing in $VISUAL or $EDITOR, then reload it",
    ),
    Key(
        "screen.problems",
        "exclamation_mark",
        "problems",
        "Problems",
        READER,
        "every problem found in the briefing",
    ),
    Key(
        "screen.back",
        "escape,backspace",
        "back",
        "Library",  # the footer's words: "Back to the library" was cut at 80 columns
        READER,
        "back to the library",
        show=True,
    ),
    Key(
        "screen.toggle_read",
        "u",
        "toggle_read",
        "Mark unread / read",
        READER,
        "mark unread (from the library)",
    ),
    Key(
        "screen.next_match",
        "n",
        "next_match(1)",
        "Next match",
        READER,
        "next / previous match of a / search here, going round;\n"
        "else of the library's search, on through its briefings",
    ),
    Key("screen.previous_match", "N", "next_match(-1)", "Previous match", READER, _SAME),
    Key(
        "screen.search",
        "slash",
        "search",
        "Search this briefing",
        READER,
        "search this briefing (the source article, while it is open)",
        priority=True,  # as the library's f and /: the next key goes to the line
    ),
    Key(
        "search.run",
        "enter",
        "submit",
        "Search",
        SEARCH,
        "in the search: to the first match",
        show=True,
    ),
    Key(
        "search.cancel",
        "escape",
        "cancel",
        "Cancel the search",
        SEARCH,
        "in the search: cancel it",
        show=True,
    ),
    # --- anywhere ---
    Key("app.help", "question_mark", "help", "Help", APP, "help: every key", show=True),
    Key(
        "command_palette",
        "ctrl+p",
        "command_palette",
        "Commands",
        TEXTUAL,
        "command palette: every action, theme and tag by name",
    ),
    Key("app.quit", "q", "quit", "Quit", APP, "quit", show=True),
    # --- help and the problems screen ---
    Key("modal.close", "escape,q", "dismiss", "Close", MODAL, "close it", show=True),
    Key("modal.down", "down,j", "scroll(1)", "Scroll down", MODAL, "scroll down / up"),
    Key("modal.up", "up,k", "scroll(-1)", "Scroll up", MODAL, _SAME),
    Key("help.close", "question_mark", "dismiss", "Close help", HELP, "close help", show=True),
    Key(
        "problems.close",
        "exclamation_mark",
        "dismiss",
        "Close",
        PROBLEMS,
        "close the problems",
        show=True,
    ),
)

# The screens of the reader, for the [keys] checks: a modal screen's bindings end the chain,
# so the app's keys do nothing there.
SCREENS: tuple[Screen, ...] = (
    Screen("the reader", (READER, PANE, SOURCE, SEARCH, APP)),
    Screen("the library", (LIBRARY, LIBRARY_LIST, FILTER, LIBRARY_SEARCH, APP)),
    Screen("help", (HELP, MODAL)),
    Screen("the problems screen", (PROBLEMS, MODAL)),
)

SECTIONS_OF_HELP: tuple[Section, ...] = (
    Section("keys in the library (a folder):", (LIBRARY, LIBRARY_LIST, FILTER, LIBRARY_SEARCH)),
    Section("keys in a briefing:", (READER, PANE, SOURCE, SEARCH)),
    Section("anywhere:", (APP, TEXTUAL)),
    Section("in help and the problems screen:", (HELP, PROBLEMS, MODAL)),
)

# Textual's names for keys that are one character: --help and the README write the character.
_CHARACTERS = {
    "slash": "/",
    "exclamation_mark": "!",
    "question_mark": "?",
    "right_square_bracket": "]",
    "left_square_bracket": "[",
}

_KEY_COLUMN = 17  # "escape, backspace", the widest
# --help fits an 80-column terminal: a longer line there wraps to the first column, under
# the keys instead of beside them.
HELP_WIDTH = 79


def fit(text: str, width: int) -> list[str]:
    """``text`` as lines of at most ``width`` (a word longer than that alone on its line),
    broken at spaces. Not textwrap: the key list is made at every start, and textwrap took
    ~7 ms of it."""
    if len(text) <= width:
        return [text]
    lines: list[str] = []
    line = ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return [*lines, line]


def of(owner: str) -> list[Key]:
    """The keys ``owner`` binds, in binding order."""
    return [key for key in KEYS if key.owner == owner]


def remappable() -> list[Key]:
    """Every key the config file's [keys] can remap: all but Textual's own."""
    return [key for key in KEYS if key.owner != TEXTUAL]


def shown(key: str) -> str:
    """How --help writes one of Textual's key names: ``slash`` as ``/``."""
    return _CHARACTERS.get(key, key)


def _as_written(keys: list[Key]) -> list[str]:
    """The keys of ``keys`` as --help writes them, characters first, each once.

    "j, k, down, up" reads better than "down, j, up, k".
    """
    names = [shown(name.strip()) for key in keys for name in key.keys.split(",")]
    ordered = [n for n in names if len(n) == 1] + [n for n in names if len(n) > 1]
    return list(dict.fromkeys(ordered))


def default_keys(binding_id: str) -> list[str]:
    """The default keys of ``binding_id`` as --help writes them: ``["j", "down"]``."""
    (key,) = (key for key in KEYS if key.id == binding_id)
    return _as_written([key])


def intro() -> str:
    """The help screen's first lines: how to move, with the default keys."""
    panes = f"{default_keys('screen.pane_1')[0]}-{default_keys(f'screen.pane_{len(SECTIONS)}')[0]}"
    items = f"{default_keys('pane.down')[0]}/{default_keys('pane.up')[0]}"
    return (
        f"Each briefing shows four panes. Move between panes with"
        f" {default_keys('screen.next_pane')[0]} or {panes}, between items with {items} or the"
        f" arrows; {default_keys('pane.toggle')[0]} shows an item's evidence in place."
    )


def _lines(keys: list[Key]) -> Iterator[tuple[list[Key], str]]:
    line: tuple[list[Key], str] | None = None
    for key in keys:
        if key.line == _SAME and line is not None:
            line[0].append(key)
            continue
        if line is not None:
            yield line
        line = ([key], key.line)
    if line is not None:
        yield line


def help_rows() -> list[tuple[str, list[tuple[list[str], str]]]]:
    """Each section of the key list: its heading and its lines, (keys as written, words).

    --help, the README and the manual page (:mod:`briefing_reader.manpage`) lay them out.
    """
    return [
        (
            section.heading,
            [
                (_as_written(group), words)
                for group, words in _lines([k for k in KEYS if k.owner in section.owners])
            ],
        )
        for section in SECTIONS_OF_HELP
    ]


def help_text() -> str:
    """The key list of ``briefing --help`` (and of the README), with the default keys."""
    out: list[str] = []
    indent = " " * (_KEY_COLUMN + 3)
    for heading, rows in help_rows():
        out.append(heading)
        for keys, words in rows:
            lines = [
                part for line in words.split("\n") for part in fit(line, HELP_WIDTH - len(indent))
            ]
            first, *more = lines or [""]
            out.append(f"  {', '.join(keys).ljust(_KEY_COLUMN)} {first}".rstrip())
            out.extend(indent + line for line in more)
    return "\n".join(out) + "\n"


def id_table() -> str:
    """The README's table of binding ids (Markdown), with their default keys."""
    rows = ["| Binding id | Default keys | What it does |", "| --- | --- | --- |"]
    for key in remappable():
        keys = ", ".join(f"`{shown(name.strip())}`" for name in key.keys.split(","))
        rows.append(f"| `{key.id}` | {keys} | {key.description} |")
    return "\n".join(rows) + "\n"


def readme_parts() -> str:
    """What the README shows from this table: its key list and its binding-id table."""
    return f"## Keys\n\n```text\n{help_text()}```\n\n## Themes and configuration\n\n{id_table()}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m briefing_reader.keys", description=main.__doc__ or None
    )
    parser.add_argument("--markdown", action="store_true", help="the README's generated parts")
    args = parser.parse_args(argv)
    print(readme_parts() if args.markdown else help_text(), end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
