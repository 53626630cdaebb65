"""The README's list of binding ids for the config file names every id the app binds."""

from __future__ import annotations

import re

from briefing_reader.tui.app import BriefingApp
from briefing_reader.tui.screens.briefing import BriefingScreen
from briefing_reader.tui.screens.library import LibraryScreen
from briefing_reader.tui.widgets.library_list import LibraryList
from briefing_reader.tui.widgets.pane import Pane
from tests.conftest import ROOT


def test_readme_lists_every_binding_id() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Themes and configuration", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"`((?:app|screen|pane|library)\.[a-z_0-9]+)`", section))
    listed |= {f"screen.pane_{n}" for n in range(2, 4)}  # "screen.pane_1 to screen.pane_4"
    bound = {
        binding.id
        for owner in (BriefingApp, BriefingScreen, Pane, LibraryScreen, LibraryList)
        for binding in owner.BINDINGS
        if getattr(binding, "id", None)
    }
    assert len(bound) > 20
    assert bound - listed == set(), "binding ids missing from the README"
    assert listed - bound == set(), "the README lists ids that do not exist"
