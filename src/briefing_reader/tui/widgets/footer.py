"""The footer of the reader: Textual's, with help and quit first."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer

# Actions of the app's own bindings (app.help, app.quit), by name so a remapped key still counts.
FIRST = ("help", "quit")


class KeyFooter(Footer):
    """A compact footer whose first keys are ``?`` and ``q``.

    Keys that do not fit are cut from the end of a footer, and Textual puts the focused
    widget's keys first and the app's last: at 80 columns with a library open, help and quit
    were the ones cut. nano puts its help key first for the same reason.
    """

    def __init__(self) -> None:
        super().__init__(compact=True)

    def compose(self) -> ComposeResult:
        keys = list(super().compose())
        first = sorted(
            (key for key in keys if getattr(key, "action", None) in FIRST),
            key=lambda key: FIRST.index(key.action),  # type: ignore[attr-defined]
        )
        yield from first
        yield from (key for key in keys if key not in first)
