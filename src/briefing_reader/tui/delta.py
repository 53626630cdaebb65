"""Send the terminal only the cells that changed since the last frame (issue 14).

Textual's compositor hands the app one update per refresh: every row of the screen after
a layout change, a screen switch or a resize, else the spans of the regions it knows to be
dirty. Either way every cell of those rows or spans is sent, changed or not: a cursor move
in a list resends the list, a new screen resends the screen, ~40 KB at 200x60. Over SSH
that is the lag. :class:`Frame` keeps what the terminal shows (per row, one cell per
column: its grapheme and how it looks) and turns each update into cursor moves and text
for the cells that differ, and nothing for an unchanged frame.

It runs only where it can know what the terminal shows: a real terminal in full-screen
mode. Headless apps (the pilot, the snapshots), inline mode and the web driver of
``briefing serve`` get Textual's own bytes. Whatever may have changed the terminal behind
its back (a resize, a suspend for the editor or a shell's ``fg``) makes it forget, so the
next frame is sent whole.

Textual has no public hook between the compositor and the driver, so this touches Textual's
privates, here only, each checked by ``tests/functional/test_delta.py``
(``test_textual_private_surface``): ``App._display(screen, renderable)``, the one place
updates become bytes, is overridden to wrap the update; and the update classes of
``textual._compositor`` are read: ``LayoutUpdate`` (``strips``, ``region``) and
``ChopsUpdate`` (``chops``, ``spans``, ``chop_ends``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import repeat
from typing import Any, cast

from rich.cells import cell_len, split_graphemes
from rich.color import ColorSystem
from rich.console import COLOR_SYSTEMS, Console, RenderableType
from rich.segment import Segment
from rich.style import Style
from textual import events, on
from textual._compositor import ChopsUpdate, CompositorUpdate, LayoutUpdate
from textual.app import App, ReturnType
from textual.geometry import Size
from textual.screen import Screen
from textual.strip import SGR_STYLES, Strip

# How a cell looks: its style's SGR codes and its link (the link's id is left out: Rich
# makes a new one per Style object, and terminals show one link the same under any id).
Look = tuple[str, str | None]
# A grapheme (with any zero-width characters after it) and its look. The right half of a
# wide character is a cell of its own, with "" for text, so that columns stay indices.
Cell = tuple[str, Look]

PLAIN: Look = ("", None)

# Unchanged cells between two changed ones are sent again, up to this many, rather than
# skipped: a cursor move and a fresh style cost about as many bytes.
GAP = 8

# Styles seen (with their metadata, which changes with every scroll offset) before the
# cache of their looks starts again.
LOOKS_KEPT = 8192


def move_to(x: int, y: int) -> str:
    """The cursor to column ``x``, row ``y`` (from 0), as Rich's Control.move_to writes it."""
    return f"\x1b[{y + 1};{x + 1}H"


class Frame:
    """What the terminal shows, and the bytes that make it show the next frame.

    A cell is None where what the terminal shows is not known: at the start, after
    :meth:`forget`, and beyond any size it was told.
    """

    def __init__(self) -> None:
        self.width = 0
        self.height = 0
        self.rows: list[list[Cell | None]] = []
        self.color_system = ColorSystem.TRUECOLOR
        self._looks: dict[Style, Look] = {}
        # One style per look, to write it with: any style of that look writes the same.
        self._styles: dict[Look, Style] = {}
        self._pens: dict[Look, Pen] = {}
        # The terminal's SGR state while an update is written.
        self._pen_now = PLAIN_PEN

    def forget(self, size: Size | None = None) -> None:
        """Know nothing of what the terminal shows (and, given ``size``, take that size)."""
        if size is not None:
            self.width, self.height = size.width, size.height
        self.rows = [[None] * self.width for _ in range(self.height)]

    def use(self, size: Size, color_system: ColorSystem) -> None:
        """Start again if the terminal's size or colours are not the ones known."""
        if color_system != self.color_system:
            self.color_system = color_system
            self._looks.clear()
            self._styles.clear()
            self._pens.clear()
            self.forget()
        if (size.width, size.height) != (self.width, self.height):
            self.forget(size)

    def look(self, style: Style | None) -> Look:
        if style is None:
            return PLAIN
        look = self._looks.get(style)
        if look is None:
            if len(self._looks) >= LOOKS_KEPT:
                self._looks.clear()
            look = (Strip.render_ansi(style, self.color_system), style.link)
            self._looks[style] = look
            self._styles.setdefault(look, style)
        return look

    def cells(self, segments: Iterable[Segment]) -> list[Cell]:
        """One cell per column that ``segments`` cover, as a terminal lays them out."""
        cells: list[Cell] = []
        # Zero-width text (a joiner, a control sequence) with no cell before it yet.
        leading = ""
        for text, style, control in segments:
            if not text:
                continue
            look = self.look(style)
            if not control and cell_len(text) == len(text):
                cells.extend(zip(text, repeat(look), strict=False))
            else:
                spans = [(0, len(text), 0)] if control else split_graphemes(text)[0]
                for start, end, width in spans:
                    grapheme = text[start:end]
                    if width == 0:
                        if cells:
                            cells[-1] = (cells[-1][0] + grapheme, cells[-1][1])
                        else:
                            leading += grapheme
                        continue
                    cells.append((grapheme, look))
                    cells.extend(repeat(("", look), width - 1))
            if leading and cells:
                cells[0] = (leading + cells[0][0], cells[0][1])
                leading = ""
        return cells

    def patch(self, y: int, x: int, cells: list[Cell]) -> str:
        """Bytes that make columns from ``x`` of row ``y`` show ``cells``; the frame follows.

        Only the runs of cells that differ are sent, never half of a wide character.
        """
        if not 0 <= y < self.height or not 0 <= x < self.width or not cells:
            return ""
        cells = crop(cells, self.width - x)
        row = self.rows[y]
        end = x + len(cells)
        old = row[x:end]
        if old == cells:
            return ""
        runs = changed_runs(old, cells)
        row[x:end] = cells
        return "".join([self._write(y, x + start, cells[start:stop]) for start, stop in runs])

    def render(self, update: CompositorUpdate, size: Size, console: Console) -> str:
        """Bytes that make the terminal show what ``update`` paints on a screen of ``size``."""
        color_system = COLOR_SYSTEMS.get(console.color_system or "", ColorSystem.TRUECOLOR)
        self.use(size, color_system)
        try:
            self._pen_now = PLAIN_PEN
            patches = update_patches(update, self)
            out = [self.patch(y, x, cells) for y, x, cells in patches]
            out.append(self._pen_now.to(PLAIN_PEN))
            return "".join(out)
        except BaseException:
            self.forget()  # written in part, or not at all: the next frame goes whole
            raise
        finally:
            self._pen_now = PLAIN_PEN

    def _write(self, y: int, x: int, cells: list[Cell]) -> str:
        # The pen carries from span to span and from run to run (a cursor move leaves the
        # SGR state as it was): each writes only what its look changes, and the update ends
        # plain (see render), as Textual's own writes do. Nothing else is sent between: the
        # runs of one update are written as one string. Resetting at each run's end cost
        # ~35 B a row in truecolor, 40% of a cursor move's bytes in the library's preview.
        out = [move_to(x, y)]
        pen = self._pen_now
        start = 0
        while start < len(cells):
            look = cells[start][1]
            stop = start + 1
            while stop < len(cells) and cells[stop][1] == look:
                stop += 1
            text = "".join([cell[0] for cell in cells[start:stop]])
            style = self._styles.get(look)
            if style is None or style.link:
                # Plain, or a link: Rich writes a link whole, from and back to plain.
                out.append(pen.to(PLAIN_PEN))
                pen = PLAIN_PEN
                out.append(text if style is None else self._render(style, text))
            else:
                new = self._pen(look, style)
                if not text.strip(" "):
                    new = pen.for_blanks(new)
                out.append(pen.to(new))
                out.append(text)
                pen = new
            start = stop
        self._pen_now = pen
        return "".join(out)

    def _render(self, style: Style, text: str) -> str:
        return Strip.render_style(style, text, self.color_system)

    def _pen(self, look: Look, style: Style) -> Pen:
        pen = self._pens.get(look)
        if pen is None:
            pen = self._pens[look] = Pen.of(style, self.color_system)
        return pen


class Pen:
    """A look as the terminal's SGR state: attributes, foreground and background codes.

    The codes are Textual's own (``Strip.render_ansi``), kept apart so that going from one
    look to the next sends only what differs: a colour change is a colour, not a reset and
    every code of the new look again (~40% of a styled row's bytes).
    """

    __slots__ = ("attributes", "background", "foreground")

    def __init__(self, attributes: tuple[str, ...], foreground: str, background: str) -> None:
        self.attributes = attributes
        self.foreground = foreground
        self.background = background

    @classmethod
    def of(cls, style: Style, color_system: ColorSystem) -> Pen:
        bits = style._attributes & style._set_attributes
        attributes = tuple(SGR_STYLES[bit] for bit in range(bits.bit_length()) if bits >> bit & 1)
        color, bgcolor = style._color, style._bgcolor
        return cls(
            attributes,
            ";".join(color.downgrade(color_system).get_ansi_codes()) if color else "",
            ";".join(bgcolor.downgrade(color_system).get_ansi_codes(False)) if bgcolor else "",
        )

    def for_blanks(self, new: Pen) -> Pen:
        """A pen that draws spaces as ``new`` does, changing as little of this one as it can.

        A space shows only its background, unless it is underlined, struck, overlined,
        framed or reversed: its foreground and boldness are not seen. Keeping this pen's
        spares the colour codes the gaps between a row's columns otherwise cost, twice.
        """
        if not BLANK_SAFE.issuperset(self.attributes) or not BLANK_SAFE.issuperset(new.attributes):
            return new
        if new.background == self.background:
            return self
        return Pen(self.attributes, self.foreground, new.background)

    def codes(self) -> list[str]:
        return [*self.attributes, *(c for c in (self.foreground, self.background) if c)]

    def to(self, new: Pen) -> str:
        """The SGR sequence that turns this pen into ``new`` ("" when they are alike)."""
        if new is self:
            return ""
        if not new.codes():
            return "\x1b[0m" if self.codes() else ""
        # Attributes to turn off: an off code may turn off a neighbour as well (22 is
        # neither bold nor dim), which is then turned on again.
        off = {OFF[code] for code in self.attributes if code not in new.attributes}
        lost = {code for code in self.attributes if OFF[code] in off}
        on = [code for code in new.attributes if code not in self.attributes or code in lost]
        codes = [*sorted(off), *on]
        for old_code, new_code, default in (
            (self.foreground, new.foreground, "39"),
            (self.background, new.background, "49"),
        ):
            if new_code != old_code:
                codes.append(new_code or default)
        if not codes:
            return ""
        fresh = ["0", *new.codes()]
        return f"\x1b[{';'.join(min(codes, fresh, key=lambda c: len(';'.join(c))))}m"


# The SGR code that turns each attribute code of SGR_STYLES off.
OFF = {
    "1": "22", "2": "22", "3": "23", "4": "24", "5": "25", "6": "25", "7": "27",
    "8": "28", "9": "29", "21": "24", "51": "54", "52": "54", "53": "55",
}  # fmt: skip
assert set(OFF) == set(SGR_STYLES), "an attribute without its off code"

# Attributes that do not show on a space: bold, dim, italic, blink, conceal.
BLANK_SAFE = frozenset({"1", "2", "3", "5", "6", "8"})


PLAIN_PEN = Pen((), "", "")


def crop(cells: list[Cell], width: int) -> list[Cell]:
    """The first ``width`` cells; a wide character cut in half becomes a space, as in Rich."""
    if len(cells) <= width:
        return cells
    kept = cells[:width]
    if cells[width][0] == "" and kept:
        # Back to the cut character's left half: a space of its look in each column kept.
        start = width - 1
        while start > 0 and kept[start][0] == "":
            start -= 1
        kept[start:] = [(" ", kept[start][1])] * (width - start)
    return kept


def changed_runs(old: list[Cell | None], new: list[Cell]) -> list[tuple[int, int]]:
    """Spans (start, stop) of ``new`` to send so that ``old`` shows it, fewest bytes first.

    Gaps of up to GAP unchanged cells are sent too; a span never starts or ends inside a
    wide character (its right half is a cell whose text is "").
    """
    runs: list[tuple[int, int]] = []
    size = len(new)
    for index in range(size):
        if index < len(old) and old[index] == new[index]:
            continue
        start, stop = index, index + 1
        while start > 0 and new[start][0] == "":
            start -= 1
        while stop < size and new[stop][0] == "":
            stop += 1
        if runs and start - runs[-1][1] <= GAP:
            runs[-1] = (runs[-1][0], max(stop, runs[-1][1]))
        else:
            runs.append((start, stop))
    return runs


def update_patches(update: CompositorUpdate, frame: Frame) -> Iterator[tuple[int, int, list[Cell]]]:
    """(row, column, cells) for each part of a screen that ``update`` writes.

    As much of each row as Textual itself writes for it, from the same strips.
    """
    if isinstance(update, LayoutUpdate):
        x = update.region.x
        for y, line in enumerate(update.strips, update.region.y):
            yield y, x, frame.cells(segment for strip in line for segment in strip)
    elif isinstance(update, ChopsUpdate):
        for y, x1, x2 in update.spans:
            # Chops that meet (a row's widgets, side by side) are one patch: one cursor
            # move, and the unchanged cells between their changes are judged as one row's.
            start = 0
            cells: list[Cell] = []
            for end, (x, strip) in zip(update.chop_ends[y], update.chops[y].items(), strict=False):
                # The chops Textual's ChopsUpdate.render_segments writes, cut where it cuts.
                if strip is None or x > x2 or end <= x1:
                    continue
                chop = crop(frame.cells(strip), min(end, x2) - x)
                if cells and start + len(cells) == x:
                    cells.extend(chop)
                    continue
                if cells:
                    yield y, start, cells
                start, cells = x, list(chop)
            if cells:
                yield y, start, cells
    else:  # pragma: no cover - FrameDeltaApp passes only these two
        raise TypeError(f"not a full-screen compositor update: {update!r}")


class DeltaUpdate(CompositorUpdate):
    """A compositor update written as what it changes on the terminal.

    The frame follows only when Textual writes the update (``render_segments``): an update
    that Textual drops (during a batch) leaves the terminal, and the frame, as they were.
    """

    def __init__(self, frame: Frame, update: CompositorUpdate, size: Size) -> None:
        self.frame = frame
        self.update = update
        self.size = size
        self._bytes: str | None = None

    def prepare(self, console: Console) -> str:
        """The update's bytes, worked out now; the frame follows as though they were sent."""
        if self._bytes is None:
            self._bytes = self.frame.render(self.update, self.size, console)
        return self._bytes

    def render_segments(self, console: Console) -> str:
        return self.prepare(console)


class FrameDeltaApp(App[ReturnType]):
    """An app whose frames reach a real terminal as the cells that changed (see the module).

    :attr:`frame` is what the terminal is known to show.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.frame = Frame()

    def sends_changes_only(self) -> bool:
        """Whether the frame can know what the terminal shows (no headless, inline, web)."""
        return not (self.is_headless or self.is_inline or self.is_web)

    def _display(self, screen: Screen[Any], renderable: RenderableType | None) -> None:
        if isinstance(renderable, LayoutUpdate | ChopsUpdate) and self.sends_changes_only():
            # Textual types the parameter as a Rich renderable but writes any
            # CompositorUpdate through its render_segments, as it does its own.
            delta = DeltaUpdate(self.frame, renderable, screen.outer_size)
            if self._writes_updates() and self._changes_nothing(delta):
                # Textual would still send a frame: its brackets and the cursor's place
                # (22 B, a few times after each key while widgets refresh unchanged).
                self.post_display_hook()
                return
            renderable = cast("RenderableType", delta)
        elif renderable is not None:
            self.frame.forget()
        super()._display(screen, renderable)

    def _writes_updates(self) -> bool:
        # Textual's App._display writes an update only under these conditions; else it
        # drops it, and the frame must not follow it either.
        return (
            not self._batch_count
            and self._running
            and not self._closed
            and self._driver is not None
        )

    def _changes_nothing(self, delta: DeltaUpdate) -> bool:
        try:
            sent = delta.prepare(self.console)
        except Exception:
            return False  # Textual's own _display renders it again and reports the error
        cursor = self.screen.outer_size.clamp_offset(self.cursor_position)
        return not sent and cursor == self._previous_cursor_position

    @on(events.Mount)
    def _forget_frame_when_suspended(self) -> None:
        # The editor, or the shell after ctrl+z, had the terminal: it shows their output.
        self.app_suspend_signal.subscribe(self, self._forget_frame, immediate=True)
        self.app_resume_signal.subscribe(self, self._repaint, immediate=True)

    @on(events.Resize)
    def _forget_frame_on_resize(self) -> None:
        # Even at the size it had: a terminal may clear or reflow what it showed meanwhile.
        self.frame.forget()

    def _forget_frame(self, app: object = None) -> None:
        self.frame.forget()

    def _repaint(self, app: object = None) -> None:
        self.frame.forget()
        self.refresh(repaint=True)
