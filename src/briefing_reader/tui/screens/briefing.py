"""The main screen: one briefing, four panes, keyboard only."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container
from textual.content import Content
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, Static

from briefing_reader.loading import Loaded
from briefing_reader.model import SECTIONS
from briefing_reader.tui.widgets.header import header
from briefing_reader.tui.widgets.pane import Pane

# Below these sizes the layout changes; see app.tcss for what each class does.
WIDE_FROM = 100
TINY_BELOW = (50, 15)


class BriefingScreen(Screen[None]):
    """Shows ``entries[index]``; ``]`` and ``[`` move through the entries."""

    BINDINGS = [
        Binding("tab", "next_pane", "Next pane", id="screen.next_pane", priority=True),
        Binding(
            "shift+tab",
            "previous_pane",
            "Previous pane",
            show=False,
            id="screen.previous_pane",
            priority=True,
        ),
        *(
            Binding(str(n), f"jump({n})", f"Go to {s.title}", show=False, id=f"screen.pane_{n}")
            for n, s in enumerate(SECTIONS, start=1)
        ),
        Binding("z", "zoom", "Zoom", id="screen.zoom"),
        Binding("right_square_bracket", "next_briefing", "Next briefing", id="screen.next"),
        Binding(
            "left_square_bracket",
            "previous_briefing",
            "Previous briefing",
            show=False,
            id="screen.previous",
        ),
    ]

    HELP_GROUP = "Panes and briefings"

    index: reactive[int] = reactive(0, recompose=True)

    def __init__(self, entries: list[Loaded]) -> None:
        super().__init__()
        self.entries = entries
        self.current_pane = 1

    @property
    def loaded(self) -> Loaded:
        return self.entries[self.index]

    def compose(self) -> ComposeResult:
        # Before the widgets exist, and without a restyle: they are styled as they mount.
        tiny = self._apply_size(*self.app.size, update=False)
        position = f"{self.index + 1}/{len(self.entries)}" if len(self.entries) > 1 else ""
        yield from header(self.loaded, position)
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
                    yield Static(Content(briefing.summary), id="summary")
                for number, section in enumerate(SECTIONS, start=1):
                    yield Pane(
                        section,
                        briefing.items(section),
                        number,
                        current=number == self.current_pane,
                    )
        yield Footer()

    def on_resize(self, event: events.Resize) -> None:
        tiny = self._apply_size(event.size.width, event.size.height)
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
                "-wide": not tiny and width >= WIDE_FROM,
                "-narrow": not tiny and width < WIDE_FROM,
            },
            update=update,
        )
        return tiny

    def _after_recompose(self) -> None:
        self._focus_pane(self.current_pane)

    async def recompose(self) -> None:
        await super().recompose()
        self._after_recompose()

    def on_screen_resume(self) -> None:
        if self.focused is None:
            self._focus_pane(self.current_pane)

    @property
    def panes(self) -> list[Pane]:
        return list(self.query(Pane))

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
        pane.focus()
        if number == 1:
            # Keep the summary above the first pane in view, rather than scrolling it away.
            self.query_one("#body").scroll_home(animate=False)
        else:
            pane.scroll_visible(animate=False)
        self._update_indicator()

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
        elif self.panes:
            self.maximize(self.panes[self.current_pane - 1], container=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("next_briefing", "previous_briefing") and len(self.entries) < 2:
            return False  # one briefing: nothing to switch to, so not offered
        # An error entry has no panes to move between or zoom.
        return bool(self.panes) or action not in ("zoom", "next_pane", "previous_pane", "jump")

    def action_next_briefing(self) -> None:
        self._switch(1)

    def action_previous_briefing(self) -> None:
        self._switch(-1)

    def _switch(self, step: int) -> None:
        if len(self.entries) > 1:
            self.minimize()
            self.index = (self.index + step) % len(self.entries)
