"""The README's key list and binding-id table are the key table's, rendered: they cannot drift."""

from __future__ import annotations

import re

from briefing_reader import cli, keys
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
REGENERATE = "regenerate it with: python -m briefing_reader.keys --markdown"


def _section(title: str) -> str:
    return README.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]


def test_the_readme_key_list_is_the_help_key_list() -> None:
    expected = f"```text\n{keys.help_text()}```"
    assert expected in _section("Keys"), (
        f"the README's key list should be:\n{expected}\n{REGENERATE}"
    )
    assert keys.help_text() == cli.KEYS


def test_the_readme_lists_every_remappable_id_with_its_keys() -> None:
    expected = keys.id_table()
    section = _section("Themes and configuration")
    assert expected in section, f"the README's id table should be:\n{expected}\n{REGENERATE}"
    listed = re.findall(r"^\| `([a-z_]+\.[a-z_0-9]+)` \|", section, re.M)
    assert listed == [key.id for key in keys.remappable()]
    # Once in neither the README nor --help; and the input lines' keys, once not bindings.
    for binding_id in (
        "source.down",
        "source.up",
        "modal.close",
        "help.close",
        "problems.close",
        "filter.clear",
        "filter.to_list",
        "library_search.cancel",
        "library_search.sources",
        "search.cancel",
    ):
        assert f"| `{binding_id}` |" in section


def test_help_tells_every_default_key_of_every_binding() -> None:
    text = keys.help_text()
    # The key column: two spaces, then 17 wide ("escape, backspace" fills it).
    columns = [line[2:19] for line in text.splitlines() if line.startswith("  ") and line[2] != " "]
    told_keys = {name for column in columns for name in column.strip().split(", ")}
    for key in keys.KEYS:
        for name in key.keys.split(","):
            assert keys.shown(name) in told_keys, f"{key.id}: {name} is not in --help"
    assert "ctrl+p" in told_keys
    assert max(len(line) for line in text.splitlines()) <= 100  # no wrapping at 100 columns


def test_ids_are_unique_and_every_owner_is_on_a_screen_and_in_help() -> None:
    ids = [key.id for key in keys.KEYS]
    assert len(ids) == len(set(ids))
    on_screens = {owner for screen in keys.SCREENS for owner in screen.owners}
    in_help = {owner for section in keys.SECTIONS_OF_HELP for owner in section.owners}
    owners = {key.owner for key in keys.remappable()}
    assert owners <= on_screens
    assert owners | {keys.TEXTUAL} == in_help
    assert {"the reader", "the library"} <= {screen.name for screen in keys.SCREENS}


def test_movement_is_one_definition_for_the_panes_and_the_library() -> None:
    def movement(prefix: str) -> list[tuple[str, str, str]]:
        return [
            (key.id.split(".", 1)[1], key.keys, key.action)
            for key in keys.KEYS
            if key.id.startswith(prefix)
            and key.action.startswith(("cursor", "first", "last", "page"))
        ]

    assert movement("pane.") == movement("library.")
    assert len(movement("pane.")) == 6
