"""The frame delta's row diff (tui/delta.py's Frame) on small hand-made frames.

Here, not in tests/unit: the module is the TUI's and imports Textual. Each result is also
played on a pyte terminal, which must show what painting the new frame whole shows.
"""

from __future__ import annotations

import pyte
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.color import ColorSystem
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size

from briefing_reader.tui.delta import Frame, move_to
from tests.functional.conftest import seen

WIDTH, HEIGHT = 12, 3
BOLD = Style(bold=True)
RED = Style(color="red")
BLUE_ON_WHITE = Style(color="blue", bgcolor="white")
LINK = Style(link="https://example.com/")


def frame(width: int = WIDTH, height: int = HEIGHT) -> Frame:
    made = Frame()
    made.use(Size(width, height), ColorSystem.TRUECOLOR)
    return made


def paint(made: Frame, rows: list[list[Segment]]) -> str:
    """The bytes for a full frame of ``rows``, as Textual hands it over: every row whole."""
    return "".join(made.patch(y, 0, made.cells(row)) for y, row in enumerate(rows))


def shown(data: str, width: int = WIDTH, height: int = HEIGHT) -> list[list[tuple[object, ...]]]:
    screen = pyte.Screen(width, height)
    pyte.Stream(screen).feed(data)
    return [[seen(screen.buffer[y][x]) for x in range(width)] for y in range(height)]


def plain(*texts: str) -> list[list[Segment]]:
    return [[Segment(text.ljust(WIDTH))] for text in texts]


def test_an_unknown_terminal_gets_every_cell_then_an_unchanged_frame_costs_nothing() -> None:
    made = frame()
    rows = plain("hello", "world", "")
    first = paint(made, rows)
    assert shown(first) == shown("".join(move_to(0, y) + r[0].text for y, r in enumerate(rows)))
    assert paint(made, rows) == ""
    assert paint(made, plain("hello", "world", "")) == ""


def test_a_changed_cell_in_the_middle_is_the_only_one_sent() -> None:
    made = frame()
    paint(made, plain("hello world", "second row", ""))
    assert paint(made, plain("hello World", "second row", "")) == move_to(6, 0) + "W"
    assert paint(made, plain("hello World", "second rov", "")) == move_to(9, 1) + "v"


def test_changes_close_together_go_in_one_run_and_far_apart_in_two() -> None:
    made = frame(40, 1)
    paint(made, [[Segment("a" * 40)]])
    near = made.patch(0, 0, made.cells([Segment("b" + "a" * 4 + "b" + "a" * 34)]))
    assert near == move_to(0, 0) + "baaaab"
    far = made.patch(0, 0, made.cells([Segment("c" + "aaaab" + "a" * 33 + "c")]))
    assert far == move_to(0, 0) + "c" + move_to(39, 0) + "c"


def test_a_style_only_change_sends_those_cells_with_their_style() -> None:
    made = frame()
    before = [[Segment("hello", None), Segment(" world".ljust(WIDTH - 5))]]
    after = [[Segment("he"), Segment("ll", BOLD), Segment("o"), Segment(" world".ljust(7))]]
    paint(made, before)
    sent = paint(made, after)
    assert sent.startswith(move_to(2, 0))
    assert "ll" in sent and "o" not in sent and "he" not in sent
    cells = shown(paint(frame(), after))
    assert shown(paint(frame(), before) + sent)[0] == cells[0]
    assert [cell[3] for cell in cells[0][:5]] == [False, False, True, True, False]


def test_metadata_alone_sends_nothing() -> None:
    # Textual's styles carry offsets and click actions that a terminal never sees.
    made = frame()
    paint(made, [[Segment("hello".ljust(WIDTH), Style.from_meta({"offset": (0, 0)}))]])
    again = [[Segment("hello".ljust(WIDTH), Style.from_meta({"offset": (0, 9)}))]]
    assert paint(made, again) == ""


def test_a_shorter_line_rewrites_only_what_it_no_longer_shows() -> None:
    made = frame()
    paint(made, plain("hello world"))
    # Column 5 showed a space already.
    assert paint(made, plain("hello")) == move_to(6, 0) + "     "


def test_a_wide_character_is_never_split() -> None:
    made = frame()
    paint(made, [[Segment("ab中cd".ljust(WIDTH - 1))]])
    assert made.rows[0][2:4] == [("中", ("", None)), ("", ("", None))]
    # Another wide character in its place: sent from its first column, once.
    assert paint(made, [[Segment("ab文cd".ljust(WIDTH - 1))]]) == move_to(2, 0) + "文"
    # Two narrow ones over it, then a wide one over two narrow ones, one column on.
    assert paint(made, [[Segment("abxycd".ljust(WIDTH))]]) == move_to(2, 0) + "xy"
    sent = paint(made, [[Segment("abx😀d".ljust(WIDTH - 1))]])
    assert sent == move_to(3, 0) + "😀"
    # Only its right half unknown (forgotten): still sent from its first column.
    made.rows[0][4] = None
    assert paint(made, [[Segment("abx😀d".ljust(WIDTH - 1))]]) == move_to(3, 0) + "😀"
    assert shown(paint(frame(), [[Segment("abxycd".ljust(WIDTH))]]) + sent) == shown(
        paint(frame(), [[Segment("abx😀d".ljust(WIDTH - 1))]])
    )


def test_a_wide_character_cut_at_the_edge_becomes_a_space() -> None:
    made = frame(5, 1)
    made.patch(0, 0, made.cells([Segment("abcd中")]))
    assert [cell[0] for cell in made.rows[0]] == ["a", "b", "c", "d", " "]


def test_a_link_keeps_its_target() -> None:
    made = frame()
    sent = paint(made, [[Segment("see", LINK), Segment(" more".ljust(WIDTH - 3))]])
    assert "\x1b]8;id=" in sent and ";https://example.com/\x1b\\see" in sent
    assert paint(made, [[Segment("see", LINK), Segment(" more".ljust(WIDTH - 3))]]) == ""


def test_forget_sends_the_next_frame_whole() -> None:
    made = frame()
    rows = plain("hello", "world", "again")
    paint(made, rows)
    made.forget()
    assert shown(paint(made, rows)) == shown(paint(frame(), rows))


GLYPHS = ["a", "b", " ", "中", "😀", "é", "e\u0301", "─"]
STYLES = [None, BOLD, RED, BLUE_ON_WHITE]


@st.composite
def rows(draw: st.DrawFn) -> list[list[Segment]]:
    """A frame of rows of styled segments, each row WIDTH cells wide (as Textual's are)."""
    made: list[list[Segment]] = []
    for _ in range(HEIGHT):
        row: list[Segment] = []
        room = WIDTH
        while room:
            glyph = draw(st.sampled_from(GLYPHS))
            width = 2 if glyph in ("中", "😀") else 1
            # pyte 0.8.2 scrolls the screen for a combining mark in the last column.
            if width > room or (room == 1 and glyph == "e\u0301"):
                glyph, width = " ", 1
            row.append(Segment(glyph, draw(st.sampled_from(STYLES))))
            room -= width
        made.append(row)
    return made


@settings(max_examples=150, deadline=None)
@given(st.lists(rows(), min_size=1, max_size=6))
def test_any_sequence_of_frames_shows_what_painting_the_last_one_whole_shows(
    frames: list[list[list[Segment]]],
) -> None:
    made = frame()
    sent = "".join(paint(made, each) for each in frames)
    assert shown(sent) == shown(paint(frame(), frames[-1]))
    assert paint(made, frames[-1]) == ""
