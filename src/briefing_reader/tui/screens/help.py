"""The help screen, generated from the bindings active on the screen beneath it."""

from __future__ import annotations

from textual.content import Content

from briefing_reader.keys import HELP, intro
from briefing_reader.tui.keys import KeyHelp, bindings
from briefing_reader.tui.screens.text_modal import TextModal

INTRO = intro()


class HelpScreen(TextModal):
    """Every key of the reader, read from the active bindings so it cannot drift."""

    BINDINGS = bindings(HELP)
    title_text = "Keys"

    def __init__(self, keys: list[KeyHelp]) -> None:
        super().__init__()
        self.keys = keys

    def body(self) -> Content:
        width = max((len(k.keys) for k in self.keys), default=0) + 2
        lines = [Content(INTRO)]
        group = None
        for key in self.keys:
            if key.group != group:
                group = key.group
                lines += [Content(""), Content.styled(group, "bold underline")]
            lines.append(
                Content.assemble((key.keys.ljust(width), "bold $text-accent"), key.description)
            )
        return Content("\n").join(lines)
