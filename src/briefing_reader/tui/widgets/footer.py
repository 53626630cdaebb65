"""The footer of the reader: Textual's, with help and quit first."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

# Actions of the app's own bindings (app.help, app.quit), by name so a remapped key still counts.
FIRST = ("help", "quit")


class PromptFooter(Footer):
    """Textual's footer, with its keys in the screen's first frame.

    Textual composes a footer's keys only once the screen tells its bindings, and then
    after the next refresh: the first frame went out with an empty footer and the keys
    followed in a frame of their own (~500 B at 80x24 over SSH, 10 % of the first paint).
    Here the first keys are composed as soon as the screen's own mount handler is done
    (a callback queued on the screen runs after it, and queues the compose on the footer,
    whose keys bind to it): by then the screen has focused what it focuses and filled what
    decides its keys, so the keys composed are the ones the first frame must show.
    """

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                # Compact from the start: the key's class follows the footer's only once its
                # binding is applied, after the first frame, which drew every key wider.
                widget.set_class(self.compact, "-compact")
            yield widget

    def bindings_changed(self, screen: Screen[object]) -> None:
        if self._bindings_ready:
            super().bindings_changed(screen)
            return
        self._bindings_ready = True
        if self.is_attached and screen is self.screen:
            screen.call_next(self.call_next, self.recompose)


class KeyFooter(PromptFooter):
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
