"""What one screen tells another: the reader and the library never call each other.

Screens are siblings on the app's stack, not each other's parents, so a message cannot
bubble from one to the other. A :class:`ScreenNews` is posted to the app, which hands it to
every screen on the stack (:meth:`BriefingApp.on_screen_news`); a screen with a handler for
it acts, the others ignore it. So the reader needs no reference to the library screen, nor
the library screen to the reader.
"""

from __future__ import annotations

from textual.message import Message


class ScreenNews(Message, bubble=False):
    """Posted to the app for every screen on its stack.

    Every subclass says bubble=False too (Textual sets bubble anew for each class): from a
    screen it would bubble back to the app, which would pass it on again, for ever.
    """


class BriefingShown(ScreenNews, bubble=False):
    """The reader shows a briefing (opened, or moved to with ] and [)."""

    def __init__(self, path: str, briefing_id: str | None) -> None:
        super().__init__()
        self.path = path
        self.briefing_id = briefing_id  # None for a file that did not load


class ToggleRead(ScreenNews, bubble=False):
    """``u`` in the reader: mark the briefing shown unread again (or read)."""

    def __init__(self, briefing_id: str) -> None:
        super().__init__()
        self.briefing_id = briefing_id


class FileChanged(ScreenNews, bubble=False):
    """A briefing's file changed on disk: the reader showing it shows it anew."""

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path
