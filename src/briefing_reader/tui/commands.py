"""The command palette offers every keyed action of the current screen."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import partial

from textual.app import App
from textual.await_complete import AwaitComplete
from textual.command import CommandInput, CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.markup import escape
from textual.widget import Widget

from briefing_reader.text import clean_name
from briefing_reader.tui.keys import key_help


class Palette(CommandPalette):
    """Textual's palette, closed once by a quick double or triple click.

    The terminal delivers the clicks of a triple-click together, so all three reach the
    palette (its background, or an option) before its first dismiss completes; each further
    dismiss would pop the screen beneath, a crash when that is the last one.
    """

    def on_mount(self) -> None:
        # A steady cursor, as in our own input lines (widgets/search_line.SteadyInput): each
        # blink would be a frame sent for as long as the palette is open.
        self.query_one(CommandInput).cursor_blink = False

    def dismiss(self, result: None = None) -> AwaitComplete:
        if self.app.screen is not self:
            return AwaitComplete(asyncio.sleep(0))
        return super().dismiss(result)


class KeyedActions(Provider):
    """Lists the same actions as the keys, with their keys shown as help."""

    def _entries(self) -> list[tuple[str, str, Callable[[], object]]]:
        entries: list[tuple[str, str, Callable[[], object]]] = []
        for key in key_help(self.app, self.screen):
            node = key.namespace
            # A binding's node is a widget (screens included) or the app: both run actions.
            if not isinstance(node, Widget | App) or key.action.startswith("command_palette"):
                continue
            run = partial(node.run_action, key.action)
            entries.append((key.description, key.keys, run))
        return entries

    async def discover(self) -> Hits:
        for description, keys, run in self._entries():
            yield DiscoveryHit(description, run, help=f"key: {keys}")

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for description, keys, run in self._entries():
            score = matcher.match(description)
            if score > 0:
                yield Hit(score, matcher.highlight(description), run, help=f"key: {keys}")


class TagFacets(Provider):
    """The library's tags, each a filter: "Tag: energy (12 briefings)"."""

    def _screen(self) -> object | None:
        from briefing_reader.tui.screens.library import LibraryScreen

        screen = self.screen
        return screen if isinstance(screen, LibraryScreen) else None

    def _facets(self) -> list[tuple[str, Callable[[], object]]]:
        screen = self._screen()
        if screen is None:
            return []
        from briefing_reader.tui.screens.library import LibraryScreen

        assert isinstance(screen, LibraryScreen)
        facets: list[tuple[str, Callable[[], object]]] = [
            ("Tag: all briefings", partial(screen.set_tag, None))
        ]
        for tag, count in screen.view.tags():
            # The palette reads its labels as markup, and a tag is data (from a file or the
            # cache): escaped, "[reverse]x" is shown as written, and control codes as ␛.
            shown = escape(clean_name(tag))
            label = f"Tag: {shown} ({count:,} briefing{'s' if count != 1 else ''})"
            facets.append((label, partial(screen.set_tag, tag)))
        return facets

    async def discover(self) -> Hits:
        for label, run in self._facets():
            yield DiscoveryHit(label, run, help="show only the briefings with this tag")

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for label, run in self._facets():
            score = matcher.match(label)
            if score > 0:
                yield Hit(score, matcher.highlight(label), run, help="filter by tag")
