"""The reader's first frame is the one a user keeps: its first pane already focused.

In a real terminal (not the pilot, where the screen's resume came before its first frame),
the first pane was focused on the resume after the first frame, so its border, title and
all, was sent a second time, focused: 1.7 KB more over SSH at 80x24 (benchmarks/bytes.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from tests.conftest import BUNDLED
from tests.functional.conftest import write_library
from tests.functional.test_cli_edges import reader_on_pty


def quiet_after_the_footer() -> Callable[[bytes], bool]:
    """Everything the start sends: the footer is its last part, then a second of quiet."""
    quiet_since = [time.monotonic(), 0.0]

    def done(data: bytes) -> bool:
        if len(data) != quiet_since[1]:
            quiet_since[:] = [time.monotonic(), len(data)]
        return b"Quit" in data and time.monotonic() - quiet_since[0] > 1.0

    return done


def test_the_first_panes_title_is_sent_once_already_focused() -> None:
    status, seen = reader_on_pty(str(BUNDLED), until=quiet_after_the_footer())
    assert status == 0
    start = seen[: seen.index(b"Quit")]
    assert start.count(b"1 Headline facts") == 1, start.count(b"1 Headline facts")


def test_the_librarys_title_is_sent_once_already_focused(tmp_path: Path) -> None:
    folder = write_library(tmp_path / "lib")
    status, seen = reader_on_pty(str(folder), until=quiet_after_the_footer())
    assert status == 0
    start = seen[: seen.index(b"Quit")]
    assert start.count(b" Library ") == 1, start.count(b" Library ")


def test_the_librarys_footer_keys_come_with_the_first_frame_once(tmp_path: Path) -> None:
    # They came a frame later, after a footer of the hidden filter line's keys ("/ Search"
    # alone), and each recompose sent them again: ~500 B more at 80x24.
    folder = write_library(tmp_path / "lib")
    status, seen = reader_on_pty(str(folder), until=quiet_after_the_footer())
    assert status == 0
    assert seen.count(b" Search") == 1, seen.count(b" Search")
    assert seen.count(b" Filter") == 1, seen.count(b" Filter")


def test_the_readers_footer_keys_are_sent_once() -> None:
    status, seen = reader_on_pty(str(BUNDLED), until=quiet_after_the_footer())
    assert status == 0
    assert seen.count(b" Help") == 1, seen.count(b" Help")
