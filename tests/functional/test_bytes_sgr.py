"""The frame delta writes each span's look as a change from the span before it (issue 14).

Played on pyte with every attribute pyte knows, against the same frame painted whole.
"""

from __future__ import annotations

from itertools import pairwise

import pyte
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.color import ColorSystem
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from textual._compositor import LayoutUpdate
from textual.geometry import Region, Size
from textual.strip import Strip

from briefing_reader.tui.delta import Frame
from tests.functional.conftest import seen

WIDTH, HEIGHT = 10, 2

STYLES = [
    None,
    Style(),
    Style(bold=True),
    Style(dim=True),
    Style(bold=True, dim=True),
    Style(italic=True, color="red"),
    Style(underline=True, bgcolor="blue"),
    Style(reverse=True),
    Style(strike=True, color="#102030"),
    Style(bold=True, color="#e0e0e0", bgcolor="#121212"),
    Style(color="#a0a0a0", bgcolor="#121212"),
    Style(bgcolor="#121212"),
    Style(link="https://example.com/", underline=True),
]


def shown(data: str) -> list[list[tuple[object, ...]]]:
    screen = pyte.Screen(WIDTH, HEIGHT)
    pyte.Stream(screen).feed(data)
    return [[seen(screen.buffer[y][x]) for x in range(WIDTH)] for y in range(HEIGHT)]


def frame() -> Frame:
    made = Frame()
    made.use(Size(WIDTH, HEIGHT), ColorSystem.TRUECOLOR)
    return made


def paint(made: Frame, rows: list[list[Segment]]) -> str:
    return "".join(made.patch(y, 0, made.cells(row)) for y, row in enumerate(rows))


def textual_bytes(rows: list[list[Segment]]) -> str:
    """The frame as Textual writes it: each segment its whole style, then a reset."""
    out = []
    for y, row in enumerate(rows):
        out.append(f"\x1b[{y + 1};1H")
        for text, style, _ in row:
            out.append(
                text if style is None else Strip.render_style(style, text, frame().color_system)
            )
    return "".join(out)


@st.composite
def rows(draw: st.DrawFn) -> list[list[Segment]]:
    made = []
    for _ in range(HEIGHT):
        cuts = sorted(draw(st.sets(st.integers(1, WIDTH - 1), max_size=5)))
        edges = [0, *cuts, WIDTH]
        made.append(
            [
                Segment(
                    draw(st.sampled_from("ab ─")) * (end - start), draw(st.sampled_from(STYLES))
                )
                for start, end in pairwise(edges)
            ]
        )
    return made


@settings(max_examples=200, deadline=None)
@given(st.lists(rows(), min_size=1, max_size=5))
def test_every_attribute_change_between_spans_shows_what_textual_shows(
    frames: list[list[list[Segment]]],
) -> None:
    made = frame()
    sent = "".join(paint(made, each) for each in frames)
    assert shown(sent) == shown(textual_bytes(frames[-1]))


def test_a_colour_change_in_a_row_sends_only_the_colour() -> None:
    # The library's rows: muted and plain text on one background, bold titles.
    row = [
        Segment("Title", Style(bold=True, color="#e0e0e0", bgcolor="#121212")),
        Segment("  ", Style(color="#e0e0e0", bgcolor="#121212")),
        Segment("Sub", Style(color="#a0a0a0", bgcolor="#121212")),
    ]
    made = frame()
    sent = made.patch(0, 0, made.cells(row))
    assert sent.count("48;2;18;18;18") == 1  # the background once, not per span
    # Bold off and the new colour alone, not a reset and the whole look again; the gap
    # between keeps the pen, whose boldness a space does not show.
    assert "Title  \x1b[22;38;2;160;160;160mSub" in sent
    assert len(sent) < len(textual_bytes([row]))


def test_a_gap_between_columns_keeps_the_pen_it_does_not_show() -> None:
    # The library's row: a muted column after a gap, the gap styled as plain text.
    bg = "#121212"
    row = [
        Segment("Ti", Style(color="#a0a0a0", bgcolor=bg)),
        Segment("   ", Style(bold=True, color="#e0e0e0", bgcolor=bg)),
        Segment("Su", Style(color="#a0a0a0", bgcolor=bg)),
    ]
    made = frame()
    sent = made.patch(0, 0, made.cells(row))
    assert "224" not in sent  # the gap's colour is never sent: a space does not show it
    assert shown(sent) == shown(textual_bytes([row]))
    underlined = [Segment("   ", Style(underline=True, color="red", bgcolor=bg))]
    made = frame()
    assert "\x1b[4" in made.patch(0, 0, made.cells(underlined))  # a line does show


def test_the_look_carries_across_rows_of_one_update_and_the_update_ends_plain() -> None:
    # A preview's changed lines: each one a run of its own, all on one background. A reset
    # after each run and the whole look again before the next cost ~35 B a line.
    look = Style(color="#e0e0e0", bgcolor="#121212")
    strips = [[Strip([Segment("line one  ", look)])], [Strip([Segment("line two  ", look)])]]
    sent = frame().render(
        LayoutUpdate(strips, Region(0, 0, WIDTH, HEIGHT)), Size(WIDTH, HEIGHT), Console()
    )
    assert sent.count("48;2;18;18;18") == 1
    assert "\x1b[0m" not in sent[:-4]
    assert sent.endswith("\x1b[0m")  # Textual writes what follows an update from plain
    assert shown(sent) == shown(textual_bytes([strip[0] for strip in strips]))
