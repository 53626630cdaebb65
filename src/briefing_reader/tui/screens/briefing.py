"""The main screen: one briefing, four panes, keyboard only.

It renders what it is given and opens no file itself: the source article, a reload and the
editor go through :class:`~briefing_reader.briefing_files.ReaderFiles`.
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator
from typing import TYPE_CHECKING

from textual import events
from textual.app import ComposeResult
from textual.containers import Container
from textual.content import Content
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Static

from briefing_reader.briefing_files import ReaderFiles
from briefing_reader.keys import READER
from briefing_reader.library.reader_search import (
    Briefings,
    LibrarySearch,
    ReaderSearch,
    going_round,
    index_of,
)
from briefing_reader.model import Item
from briefing_reader.sections import SECTIONS
from briefing_reader.text import clean_name
from briefing_reader.tui import css
from briefing_reader.tui.keys import bindings, opens_a_field
from briefing_reader.tui.messages import BriefingShown, FileChanged, ToggleRead
from briefing_reader.tui.widgets.footer import KeyFooter
from briefing_reader.tui.widgets.header import Summary, header
from briefing_reader.tui.widgets.links import linked
from briefing_reader.tui.widgets.pane import Pane
from briefing_reader.tui.widgets.source import SourceView

if TYPE_CHECKING:
    from textual.widgets import Input

    from briefing_reader.loading import Loaded
    from briefing_reader.tui.widgets.search_line import SearchLine

# Below these sizes the layout changes; see reader.tcss for what each class does.
# Not Textual's HORIZONTAL_/VERTICAL_BREAKPOINTS: they set one class per axis, on a Resize
# that comes after the first paint (and after our on_resize), while tiny is either axis and
# wide is also grid; they would need these classes computed here all the same.
GRID_FROM = 80  # columns for the 2x2 grid: at 80x24 every pane shows its title and first item
WIDE_FROM = 100  # columns for the source article beside the panes
SHORT_BELOW = 30  # rows under which the summary takes one line, so the grid keeps its rows
TINY_BELOW = (50, 15)


class BriefingScreen(Screen["str | None"]):
    """Shows ``entries[index]``; ``]`` and ``[`` move through the entries."""

    BINDINGS = bindings(READER)
    # Read when first shown, where the app opened on the other screen (see tui/css.py).
    CSS_PATH = css.READER
    # While on_key asks Textual which binding a key is: see there.
    _finding_key = False

    HELP_GROUP = "Panes and briefings"
    # No auto-focus: Textual's scrolls the focused pane to the centre, which in the one-column
    # layout scrolled the summary away at start-up (on Python 3.12 and 3.13 even at 80x24).
    # on_screen_resume focuses the current pane without that scroll.
    AUTO_FOCUS = ""

    index: reactive[int] = reactive(0, recompose=True)

    def __init__(
        self,
        entries: Briefings,
        *,
        index: int = 0,
        library: LibrarySearch | None = None,
        files: ReaderFiles | None = None,
    ) -> None:
        """``library`` is set when the briefing was opened from the library's list."""
        super().__init__()
        self.entries = entries
        self.library = library
        self.files = files or ReaderFiles()
        self.current_pane = 1
        self.set_reactive(BriefingScreen.index, index)
        self.search = ReaderSearch(library)
        # The search hit to show once a switch to another briefing is composed.
        self._pending_hit: int | None = None
        self._restore: dict[int, tuple[int, float]] | None = None
        self._panes: list[Pane] = []  # as composed

    @property
    def loaded(self) -> Loaded:
        return self.entries[self.index]

    def compose(self) -> ComposeResult:
        # Before the widgets exist, and without a restyle: they are styled as they mount.
        tiny = self._apply_size(*self.app.size, update=False)
        self._panes = []
        yield from header(self.loaded, self._position())
        if tiny:
            yield self._make_indicator()
        briefing = self.loaded.briefing
        if briefing is None:
            # Imported here: most sessions never show one, and start-up pays for every module.
            from briefing_reader.tui.widgets.error_view import ErrorView

            yield ErrorView(self.loaded)
        else:
            # Narrow screens scroll the summary away with the panes; wide ones dock it on top
            # of the panes' grid. One container for both: every widget delays the first paint.
            with Container(id="body"):
                if briefing.summary:
                    yield Summary(linked(briefing.summary), id="summary")
                panes = [
                    Pane(
                        section,
                        briefing.items(section),
                        number,
                        current=number == self.current_pane,
                    )
                    for number, section in enumerate(SECTIONS, start=1)
                ]
                self._panes = panes
                yield from panes
        yield KeyFooter()

    def on_resize(self, event: events.Resize) -> None:
        layout = self.has_class("-grid"), self.has_class("-tiny")
        tiny = self._apply_size(event.size.width, event.size.height)
        if self.is_mounted and layout != (self.has_class("-grid"), self.has_class("-tiny")):
            # Into one column from the grid, say: the focused pane may now be below the fold.
            self.call_after_refresh(self._scroll_to_current)
        # Before mounting, compose makes the indicator if it is needed.
        if tiny and self.is_mounted and not self.query("#pane-indicator"):
            # Below the header, which tiny mode hides, and above the panes or the error.
            self.mount(self._make_indicator(), before=self.query_one("#body, #error-view"))

    def _apply_size(self, width: int, height: int, *, update: bool = True) -> bool:
        """Set the layout class for this size; True if it is tiny."""
        tiny = width < TINY_BELOW[0] or height < TINY_BELOW[1]
        self.update_classes(
            {
                "-tiny": tiny,
                "-grid": not tiny and width >= GRID_FROM,
                "-narrow": not tiny and width < GRID_FROM,
                "-wide": not tiny and width >= WIDE_FROM,
                "-short": height < SHORT_BELOW,
            },
            update=update,
        )
        return tiny

    def _after_recompose(self) -> None:
        if self._restore is not None:
            # A live reload: each pane's cursor and scroll as they were.
            for pane in self.panes:
                cursor, scroll_y = self._restore.get(pane.number, (0, 0.0))
                pane.restore(cursor, scroll_y)
            self._restore = None
        self._focus_pane(self.current_pane)
        self._mark_search()
        if self._pending_hit is not None:
            self._go_to_hit(self._pending_hit)
            self._pending_hit = None

    def on_mount(self) -> None:
        # Focused before the first frame, not on the resume after it: that frame's pane
        # border was then painted a second time, focused (1.7 KB over SSH at 80x24).
        if self.focused is None:
            self._focus_pane(self.current_pane)
        self._shown()
        self._mark_search()
        if self._pending_hit is not None:
            hit, self._pending_hit = self._pending_hit, None
            self.call_after_refresh(self._go_to_hit, hit)

    def watch_index(self) -> None:
        self.search.hit = -1
        if self.is_mounted:
            self._shown()

    def _shown(self) -> None:
        if self.library is not None:
            briefing = self.loaded.briefing
            shown = BriefingShown(str(self.loaded.path), briefing.id if briefing else None)
            self.app.post_message(shown)

    async def recompose(self) -> None:
        # Recomposing drops an open source view: its layout class must go with it.
        self.remove_class("-source")
        await super().recompose()
        self._after_recompose()

    def on_screen_resume(self) -> None:
        if self.focused is None:
            self._focus_pane(self.current_pane)

    @property
    def panes(self) -> list[Pane]:
        # Not a query: every key asks (each footer key's check_action does), and a query walks
        # every widget of the screen, thousands with a big briefing.
        return [pane for pane in self._panes if pane.parent is not None]

    def _focus_pane(self, number: int) -> None:
        panes = self.panes
        if not panes:
            self.query("#error-view").focus()
            return
        self.current_pane = number
        pane = panes[number - 1]
        # Mark it current before focusing: in tiny mode only the current pane is displayed,
        # and Textual will not focus a widget that is not displayed.
        for other in panes:
            other.set_class(other is pane, "-current")
        if self.maximized is not None and self.maximized is not pane:
            self.maximize(pane)
        # Not Textual's own scroll on focus: it centres the pane once laid out, and whether that
        # runs before or after the first layout varied with the Python version (3.12 and 3.13
        # scrolled the summary away at start-up). One scroll of ours, after the refresh, instead.
        # At once, not Widget.focus's later: in between, Textual could move focus elsewhere
        # (removing the focused source view focuses the pane before it, pane 4), and that
        # pane's Focused message, arriving after ours, took focus back: at 200x60, s then
        # escape set panes 1 and 4 re-focusing each other, repainting, for good.
        self.set_focus(pane, scroll_visible=False)
        self._scroll_to_current()
        self._update_indicator()

    def _scroll_to_current(self) -> None:
        panes = self.panes
        if not panes:
            return
        if self.current_pane == 1:
            # Keep the summary above the first pane in view, rather than scrolling it away.
            self.query_one("#body").scroll_home(animate=False)
        else:
            panes[self.current_pane - 1].scroll_visible(animate=False)

    def _make_indicator(self) -> Static:
        # Only tiny screens show it, so only they pay for it.
        return Static(self._indicator_content(), id="pane-indicator")

    def _indicator_content(self) -> Content:
        if self.loaded.briefing is None:
            return Content()  # an error entry has no panes to name
        section = SECTIONS[self.current_pane - 1]
        return Content.assemble(
            (f"{self.current_pane}/{len(SECTIONS)} ", "bold"),
            section.title,
            ("  tab: next", "$text-muted"),
        )

    def _update_indicator(self) -> None:
        for indicator in self.query("#pane-indicator").results(Static):
            indicator.update(self._indicator_content())

    def on_pane_focused(self, message: Pane.Focused) -> None:
        if self.focused is not message.pane:
            # Stale: focus moved on before this arrived (a search closing its line focuses
            # the old pane, then the hit's pane), and following it took focus back. Asked of
            # the screen: a pane's has_focus changes only once it handles its Blur, later.
            return
        if message.pane.number != self.current_pane or not message.pane.has_class("-current"):
            self._focus_pane(message.pane.number)

    def action_next_pane(self) -> None:
        self._focus_pane(self.current_pane % len(SECTIONS) + 1)

    def action_previous_pane(self) -> None:
        self._focus_pane((self.current_pane - 2) % len(SECTIONS) + 1)

    def action_jump(self, number: int) -> None:
        self._focus_pane(number)

    def action_zoom(self) -> None:
        if self.maximized is not None:
            self.minimize()
            return
        # What is being read: the article when it has the focus (zooming a pane instead hid
        # the article, and focus with it, so j and k then moved nothing), else the pane.
        sources = self.query(SourceView)
        if sources and self.focused is sources.first():
            self.maximize(sources.first(), container=False)
        elif self.panes:
            self.maximize(self.panes[self.current_pane - 1], container=False)

    def refusal(self, action: str) -> str | None:
        """Why ``action`` cannot run here, in one line for the user; None when it can."""
        if action in ("next_briefing", "previous_briefing") and len(self.entries) < 2:
            return "This is the only briefing."
        if action == "problems" and not self.loaded.problems:
            return "No problems found in this briefing."
        if action == "next_match" and not self.search.text and self._article_matches() is None:
            return "No search yet: / searches this briefing."
        return None

    def on_key(self, event: events.Key) -> None:
        # A key whose action cannot run here would do nothing at all: say why instead.
        # Textual runs the bindings after the key has bubbled up to here, and its
        # active_bindings (the focus chain, with the config's keymap) say which one the key
        # is. For one briefing ] and [ are left out of them (check_action's False): while
        # asking, they count as disabled instead, so they are found too.
        self._finding_key = True
        try:
            active = self.active_bindings.get(event.key)
        finally:
            self._finding_key = False
        if active is None or active.enabled:
            return
        refusal = getattr(active.node, "refusal", None)
        # The action's name without its arguments: "next_match(1)" is "next_match".
        reason = refusal(active.binding.action.partition("(")[0]) if refusal else None
        if reason is not None:
            self.notify(reason, markup=False)

    def on_search_line_cancelled(self, message: SearchLine.Cancelled) -> None:
        message.stop()
        self._close_search_line()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.refusal(action) is not None:
            # Greyed in the footer (or, for one briefing's ] and [, left out of it to save
            # room); on_key says why when the key is pressed.
            hidden = action in ("next_briefing", "previous_briefing") and not self._finding_key
            return False if hidden else None
        if action == "close_source":
            return bool(self.query("#source"))
        if action == "back":
            return self.library is not None and not self.query("#source")
        if action == "toggle_read":
            return self.library is not None and self.loaded.briefing is not None
        if action == "search":
            return self.loaded.briefing is not None and opens_a_field(self)
        if action in ("source", "copy_item", "copy_pane", "open_url"):
            return self.loaded.briefing is not None
        # An error entry has no panes to move between or zoom.
        return bool(self.panes) or action not in ("zoom", "next_pane", "previous_pane", "jump")

    def _position(self) -> str:
        """Where the briefing is in the list ]/[ step through: "3/10,000" (none of one)."""
        count = len(self.entries)
        return f"{self.index + 1:,}/{count:,}" if count > 1 else ""

    def follow(self, entries: Briefings) -> None:
        """Step through ``entries`` from now on, on the briefing shown: the library's list
        changed under the reader (it was opened before the index was complete, and more of
        the library came). A briefing no longer listed keeps the list it was opened with."""
        paths = getattr(self.entries, "paths", None)  # as listed: Loaded.path normalizes
        at = index_of(entries, paths[self.index] if paths else str(self.loaded.path))
        if at is None:
            return
        entries[at] = self.loaded  # shown already: not read again
        self.entries = entries
        self.set_reactive(BriefingScreen.index, at)  # the same briefing: no recompose
        from briefing_reader.tui.widgets.header import meta_content

        for meta in self.query("#meta").results(Static):  # none while it is recomposed
            meta.update(meta_content(self.loaded, self._position()))

    def action_next_briefing(self) -> None:
        self._switch(1)

    def action_previous_briefing(self) -> None:
        self._switch(-1)

    def _switch(self, step: int) -> None:
        if len(self.entries) < 2:
            return
        self.minimize()
        index = self.index + step
        if not 0 <= index < len(self.entries):
            self.notify(going_round(step, "briefing"))
        self.index = index % len(self.entries)

    # --- the source article, copying, opening and editing -------------------------------

    @property
    def current_item(self) -> Item | None:
        panes = self.panes
        if not panes:
            return None
        view = panes[self.current_pane - 1].current
        return view.item if view is not None else None

    def _evidence(self) -> str | None:
        item = self.current_item
        return item.quoted if item is not None else None

    async def action_source(self) -> None:
        existing = self.query(SourceView)
        if existing:
            self.action_close_source()
            return
        view = await self._open_source()
        if view is None:
            return
        evidence = self._evidence()
        if evidence is None:
            self.notify(
                "This item has no evidence to highlight: the article is shown from the top."
            )
        elif not view.highlight(evidence):
            self.notify("This item's evidence is not in the source.", severity="warning")

    async def _open_source(self, text: str | None = None) -> SourceView | None:
        """Open the source pane on the article (``text``, when the caller has read it)."""
        briefing = self.loaded.briefing
        assert briefing is not None
        if text is None:
            try:
                text = self.files.read_source(self.loaded)
            except (OSError, ValueError) as exc:
                self.notify(
                    clean_name(str(exc)),  # it names the file: a name is data
                    title="No source to show",
                    severity="warning",
                    markup=False,
                )
                return None
        view = SourceView(briefing.source.title, text, briefing.source.url)
        await self.mount(view)
        # Focus first: narrow layouts then hide the panes, and a hidden widget cannot keep focus.
        view.focus()
        self.add_class("-source")
        return view

    def _show_evidence(self) -> None:
        for view in self.query(SourceView):
            view.highlight(self._evidence())

    def on_pane_moved(self, message: Pane.Moved) -> None:
        self._show_evidence()

    def action_close_source(self) -> None:
        if isinstance(self.maximized, SourceView):
            self.minimize()  # the zoom was the article's: the panes come back as they were
        for view in self.query(SourceView):
            view.remove()
        self.remove_class("-source")
        # The layout in the same frame as the focus change's repaint: else that frame shows
        # the source emptied, and the next the panes (issue 14: two frames for one key).
        self.refresh(layout=True)
        self._focus_pane(self.current_pane)

    def action_copy_item(self) -> None:
        from briefing_reader.output.markdown import item_line

        item = self.current_item
        if item is None:
            self.notify("Nothing to copy: this pane is empty.", severity="warning")
            return
        self._copy(item_line(item), "the item")

    def action_copy_pane(self) -> None:
        from briefing_reader.output.markdown import section_markdown

        briefing = self.loaded.briefing
        assert briefing is not None
        section = SECTIONS[self.current_pane - 1]
        self._copy(section_markdown(briefing, section), f"{section.title} as Markdown")

    def _copy(self, text: str, what: str) -> None:
        self.app.copy_to_clipboard(text)
        # Inside screen or tmux the text may go somewhere else than the clipboard the user
        # expects (screen's own buffer stays empty): the app says where it went.
        where = getattr(self.app, "clipboard_where", "the clipboard")
        lines = text.count("\n") + 1
        self.notify(
            f"Copied {what} ({lines} line{'s' if lines != 1 else ''}) to {where}.",
            markup=False,
        )

    def action_open_url(self) -> None:
        briefing = self.loaded.briefing
        url = briefing.source.url if briefing else None
        if not url:
            self.notify("This briefing's source has no URL.", severity="warning")
            return
        # The app checks it (http and https only), starts the browser and says what it did.
        self.app.open_url(url)

    def action_edit(self) -> None:
        from textual.app import SuspendNotSupported

        from briefing_reader.served import programs_refused

        if refused := programs_refused():  # a browser session: the editor would be a shell
            self.notify(refused, severity="warning", markup=False)
            return
        path = self.loaded.path
        try:
            # Checked before the terminal is handed over: said on a blank screen, it is lost.
            argv = self.files.checked_edit_command(path)
        except ValueError as exc:
            self._editor_failed(exc)
            return
        status = 0
        failure: BaseException | None = None
        try:
            with self.app.suspend():
                # Nothing may leave this block by an exception: Textual takes the terminal
                # back only when it ends normally, and a missing editor left a blank screen
                # that ignored q for good.
                try:
                    with _editor_keeps_ctrl_c():
                        status = self.files.edit(path, argv)
                except (OSError, ValueError, KeyboardInterrupt) as exc:
                    failure = exc
        except SuspendNotSupported:
            self.notify("This terminal cannot hand over to an editor.", severity="warning")
            return
        if failure is not None:
            self._editor_failed(failure)
            return
        self._after_edit(status)

    def _editor_failed(self, error: BaseException) -> None:
        from briefing_reader.text import clean

        said = str(error) or type(error).__name__
        self.notify(
            clean(f"Could not run the editor ({self.files.editor()}): {said}"),
            severity="error",
            markup=False,
        )

    def _after_edit(self, status: int) -> None:
        """Show what the editor left, as for a change seen on disk: pane, item, scroll kept.

        Unless it no longer loads (emptied, deleted, broken): then the briefing stays on
        screen as it was, and the reader says why, so nothing is lost from view while the
        user fixes it (press e again).
        """
        from briefing_reader.text import clean

        fresh = self.files.reload(self.loaded)
        said = f"The editor exited with status {status}. " if status else ""
        if fresh.briefing is None and self.loaded.briefing is not None:
            why = fresh.errors[0].message if fresh.errors else "it no longer loads"
            name = self.loaded.name or str(self.loaded.path)
            self.notify(
                clean(f"{said}{name}: {why}")
                + " (still showing the last version that loaded; press e to fix it)",
                severity="warning",
                timeout=10,
                markup=False,
            )
            return
        if said:
            self.notify(said.strip(), severity="warning", markup=False)
        self.reload_current(fresh)

    def action_problems(self) -> None:
        from briefing_reader.tui.screens.problems import ProblemsScreen

        self.app.push_screen(ProblemsScreen(self.loaded))

    # --- the library: back, read marks, search matches, live reload ----------------------

    def action_back(self) -> None:
        self.dismiss(str(self.loaded.path))

    def action_toggle_read(self) -> None:
        briefing = self.loaded.briefing
        if self.library is not None and briefing is not None:
            self.app.post_message(ToggleRead(briefing.id))

    async def action_search(self) -> None:
        from briefing_reader.tui.widgets.search_line import SearchLine

        line = self.query(SearchLine).first() if self.query(SearchLine) else None
        if line is None:
            line = SearchLine()
            await self.mount(line, before=self.query_one("Footer"))  # KeyFooter too
        # With the article open, / finds in it, as less does in a file.
        line.placeholder = (
            "search the source article" if self.query(SourceView) else "search this briefing"
        )
        line.add_class("-shown")
        self.set_focus(line)  # at once: Widget.focus would wait behind keys already come

    def on_input_submitted(self, message: Input.Submitted) -> None:
        if message.input.id != "reader-search":
            return
        message.stop()
        self._close_search_line()
        sources = self.query(SourceView)
        if sources:
            self._search_article(sources.first(), message.value.strip())
            return
        if not self.search.submit(message.value):
            return
        self._mark_search()
        self._go_to_hit(0)

    def _close_search_line(self) -> None:
        # Hidden, not removed: removing the focused line moved focus to a pane of Textual's
        # choosing, after ours.
        for line in self.query("#reader-search"):
            line.remove_class("-shown")
        sources = self.query(SourceView)
        if sources:
            sources.first().focus()
        else:
            self._focus_pane(self.current_pane)

    def _search_article(self, view: SourceView, search: str) -> None:
        if not search:
            return
        if not view.find(search):  # the article stays as it was, and so do n and N
            self.notify(
                f"Nothing matches \u201c{search}\u201d in the source article.", markup=False
            )

    def _article_matches(self) -> SourceView | None:
        """The open article, when it has a search's matches for n and N to step through."""
        sources = self.query(SourceView)
        return sources.first() if sources and sources.first().matches is not None else None

    def action_next_match(self, step: int) -> None:
        view = self._article_matches()
        if view is not None and view.matches is not None:
            number, say = view.matches.step(step)
            view.show_match(number)
            if say:
                self.notify(say, markup=False)
            return
        outcome = self.search.step(self.entries, self.index, step)
        if outcome.say:
            self.notify(outcome.say, severity="warning" if outcome.warning else "information")
        if outcome.briefing is not None:
            self.minimize()
            self._pending_hit = outcome.hit
            self.index = outcome.briefing
        elif outcome.hit is not None:
            self._go_to_hit(outcome.hit)

    def show_first_hit(self) -> None:
        """Opened by a search: put the first hit in view once composed."""
        self._pending_hit = 0

    def _go_to_hit(self, number: int) -> None:
        hit = self.search.go_to(self.loaded.briefing, number)
        if hit is None:
            self._no_pane_hit()
            return
        self._focus_pane(hit.pane)
        pane = self.panes[hit.pane - 1]
        pane.cursor = hit.item
        if hit.in_details and pane.current is not None and not pane.current.expanded:
            pane.action_toggle()

    def _no_pane_hit(self) -> None:
        """No item holds the search: show it in the source article, or say where it is."""
        briefing, search = self.loaded.briefing, self.search.text
        if not search or briefing is None:
            return
        try:
            article: str | None = self.files.read_source(self.loaded)
        except (OSError, ValueError):
            article = None
        where = self.search.elsewhere(briefing, article)
        if where is not None and where.in_source and article is not None:
            self.call_later(self._show_in_source, search, article, where.say)
        elif where is not None:
            self.notify(where.say, markup=False)

    async def _show_in_source(self, search: str, article: str, say: str) -> None:
        view = self.query(SourceView).first() if self.query(SourceView) else None
        view = view or await self._open_source(article)
        if view is not None and view.find(search):  # n and N go on through its matches
            self.notify(say, markup=False)

    def _mark_search(self) -> None:
        search = self.search.text
        for pane in self.panes:
            pane.mark(search)

    def on_file_changed(self, message: FileChanged) -> None:
        if message.path == str(self.loaded.path):
            self.reload_current()

    def reload_current(self, fresh: Loaded | None = None) -> None:
        """The open briefing's file changed on disk: show it anew, keeping the places.

        ``fresh``: the file as the caller has just read it again; else it is read here.
        """
        forget = getattr(self.entries, "forget", None)
        if forget is not None:
            forget(str(self.loaded.path))
        self.entries[self.index] = fresh if fresh is not None else self.files.reload(self.loaded)
        self._restore = {pane.number: (pane.cursor, pane.scroll_y) for pane in self.panes}
        self.refresh(recompose=True)


@contextlib.contextmanager
def _editor_keeps_ctrl_c() -> Iterator[None]:
    """While the editor runs, Ctrl+C is the editor's: it must not interrupt the reader.

    The terminal is back in cooked mode, so Ctrl+C signals the reader too. A handler that
    does nothing, not SIG_IGN: the editor would inherit an ignored SIGINT.
    """
    try:
        previous = signal.signal(signal.SIGINT, lambda signum, frame: None)
    except ValueError:  # not the main thread: nothing to keep
        yield
        return
    try:
        yield
    finally:
        if previous is not None:  # None: set outside Python, and cannot be put back
            signal.signal(signal.SIGINT, previous)
