"""The footer of the reader: Textual's, with help and quit first."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

# Actions of the app's own bindings (app.help, app.quit), by name so a remapped key still counts.
FIRST = ("help", "quit")


class CompactFooter(Footer):
    """Textual's compact footer, whose keys are drawn compact in their first frame.

    A key's class follows the footer's only once its data binding is applied, after the
    frame that first shows it: every key was drawn wider, then again compact (~500 B at
    80x24 over SSH). The keys still come a refresh after the screen's first frame, as
    Textual composes them: composing them before it held that frame back by ~100 ms
    (the footer's keys are the first of their kind to mount), for no fewer bytes.
    """

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                widget.set_class(self.compact, "-compact")
            yield widget


class KeyFooter(CompactFooter):
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
