"""A warm start (issue 14): the cache's first screenful comes before the rest is decoded,
and the cache gives back exactly what went in, at 10,000 entries, small.

Format 5 stores rows by column with shared values pooled, and the list's first rows on a
line of their own; these tests pin what a user would notice if that went wrong: titles
that wait for the whole cache, an entry that comes back different, a cache believed from
another folder.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from briefing_reader.library import index as index_module
from briefing_reader.library.index import HEAD_ROWS, Entry, Index, _Row, problem_field
from briefing_reader.library.view import LibraryView
from tests.unit.test_library import make_library

if TYPE_CHECKING:
    from briefing_reader.library.prefetch import Prefetch
    from briefing_reader.library.session import LibrarySession


def test_the_lists_first_screenful_is_told_before_the_rest_of_the_cache_is_decoded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "library"
    make_library(folder, HEAD_ROWS + 30)
    cache = tmp_path / "cache" / "index.json"
    Index.load([folder], cache_path=cache, workers=1)
    happened: list[str] = []
    decode = index_module._rows_from_columns

    def decoding(raw: object, pool: dict[object, object]) -> list[_Row] | None:
        rows = decode(raw, pool)
        happened.append(f"decoded {len(rows or [])}")
        return rows

    monkeypatch.setattr(index_module, "_rows_from_columns", decoding)
    batches: list[list[Entry]] = []

    def told(batch: list[Entry]) -> None:
        happened.append(f"told {len(batch)}")
        batches.append(batch)

    index = Index.load([folder], cache_path=cache, workers=1, partial=told)
    assert index.stats.reused == HEAD_ROWS + 30
    assert happened == [f"decoded {HEAD_ROWS}", f"told {HEAD_ROWS}", "decoded 30"]
    # The very rows the list shows first, in its order.
    shown = LibraryView(index.entries)
    assert batches[0] == [shown.entries[i] for i in shown.order[:HEAD_ROWS]]


def test_the_prefetch_has_the_first_screenful_for_the_first_frame(tmp_path: Path) -> None:
    from briefing_reader.library.prefetch import Prefetch

    folder = tmp_path / "library"
    make_library(folder, 12)
    Index.load([folder])  # the test's own cache folder (conftest)
    prefetch = Prefetch.start([folder])
    assert prefetch is not None
    os.waitpid(prefetch.pid, 0)  # everything written
    # and read: the prefetch's thread may not have come to the child's last bytes yet
    prefetch._reader.join(timeout=30)
    assert not prefetch._reader.is_alive()
    told = prefetch.told()  # what the screen lists before its first frame, without waiting
    batches: list[list[Entry]] = []
    index = prefetch.wait(partial=batches.append)
    assert index is not None and len(index) == 12
    assert sorted(told) == sorted(index.entries)
    assert batches == []  # taken once: not told again


def test_a_cache_made_in_another_folder_is_not_believed_for_relative_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = tmp_path / "one", tmp_path / "two"
    for where in (first, second):
        make_library(where / "lib", 3)
    cache = tmp_path / "cache" / "index.json"
    monkeypatch.chdir(first)
    Index.load([Path("lib")], cache_path=cache, workers=1)
    monkeypatch.chdir(second)
    batches: list[list[Entry]] = []
    index = Index.load([Path("lib")], cache_path=cache, workers=1, partial=batches.append)
    # Same names, same sizes and times, other files: parsed again, none told from the cache.
    assert index.stats.reused == 0 and index.stats.parsed == 3
    assert batches == []


def _entry(number: int, folder: str) -> Entry:
    path = f"{folder}/b-{number:05}.yaml"
    problem: str | None = None
    if number % 3 == 0:
        problem = f"{path}:{number % 40 + 1}:5: error: \u201cquoted\u201d evidence {number}"
    elif number % 3 == 1:
        problem = f"{folder}/sources/a.txt:1:1: warning: not the entry's own path"
    broken = number % 50 == 0
    return Entry(
        path=path,
        size=1000 + number,
        mtime_ns=1_600_000_000_000_000_000 + number,
        error_count=number % 4,
        warning_count=number % 2,
        problem=problem_field(path, problem),
        source=None if broken else f"{folder}/sources/article-{number % 3}.txt",
        id=None if broken else f"b-{number}",
        title=None if broken else f"Company {number % 97}: \u00e9t\u00e9 {number}",
        subject=None if broken else f"Company {number % 97}",
        period=None if broken else f"Q{number % 4 + 1} 2024",
        dateline=None if broken else "Austin, TX",
        date=None if number % 5 else f"2024-0{number % 9 + 1}-1{number % 10}",
        tags=() if number % 7 == 0 else ("energy", f"tag-{number % 11}"),
    )


def test_a_cache_of_ten_thousand_entries_comes_back_exactly_sharing_what_they_share(
    tmp_path: Path,
) -> None:
    folder = str(tmp_path / "lib")
    entries = [_entry(number, folder) for number in range(10_000)]
    # Odd names too: a path starting with ':' (as the problem's location separator does)
    # and a lone surrogate, as an undecodable file name gives.
    odd = [
        entries[0]._replace(
            path=":odd.yaml", problem=problem_field(":odd.yaml", ":odd.yaml:1:1: error: x")
        ),
        entries[1]._replace(
            path=f"{folder}/\udcff.yaml", problem=problem_field(f"{folder}/\udcff.yaml", "\0 oops")
        ),
    ]
    entries[:2] = odd
    rows = [_Row(e.path, e, (10, 1_500_000_000_000_000_000)) for e in entries]
    cache = tmp_path / "index.json"
    assert index_module._write_cache(cache, rows, 2_000_000_000_000_000_000, [Path(folder)])
    # os.getcwd() is where the cache was written: its relative paths are believed.
    back, status, here = index_module._read_cache(cache, [Path(folder)])
    assert (status, here) == ("used", True)
    assert {path: row.entry for path, row in back.items()} == {e.path: e for e in entries}
    assert all(row.source_stamp == (10, 1_500_000_000_000_000_000) for row in back.values())
    assert all(type(value) is not list for row in back.values() for value in row.entry)
    # What many entries share is one object for all of them, not 10,000 copies.
    values = [row.entry for row in back.values()]
    assert len({id(e.source) for e in values if e.source is not None}) == 3
    assert len({id(e.subject) for e in values if e.subject is not None}) == 97
    assert len({id(e.tags) for e in values}) == 12


def warm_session(tmp_path: Path, count: int) -> tuple[Prefetch, LibrarySession]:
    """A library of ``count`` with its cache written, and a session prefetching it."""
    from briefing_reader.library.prefetch import Prefetch
    from briefing_reader.library.session import LibrarySession
    from briefing_reader.library.state import ReadState

    folder = tmp_path / "library"
    make_library(folder, count)
    Index.load([folder])
    prefetch = Prefetch.start([folder])
    assert prefetch is not None
    session = LibrarySession([folder], ReadState(tmp_path / "state.json"), prefetch=prefetch)
    return prefetch, session


def test_a_prefetch_that_is_done_gives_the_whole_index_without_waiting(tmp_path: Path) -> None:
    prefetch, session = warm_session(tmp_path, 12)
    os.waitpid(prefetch.pid, 0)
    prefetch._reader.join()  # the prefetch's thread has read all the child wrote
    # What the library screen asks before its first frame: all 12, not a first screenful.
    index = session.prefetched()
    assert index is not None and len(index) == 12 and index.stats.reused == 12
    assert session.load_index() is index  # the worker, were it started, gets the same


def test_discovery_lists_a_folder_in_path_order_and_each_file_once(tmp_path: Path) -> None:
    from briefing_reader.loading.discover import discover_names

    names = ["a-b.yaml", "a/b.yaml", "a.b/c.yaml", "ab.yaml", "a/b/c.yaml", "a b.yaml", "A.yaml"]
    for name in names:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    found = discover_names([tmp_path])
    assert found == [str(path) for path in sorted(tmp_path / name for name in names)]
    # Named twice, or a file inside a folder also named: listed once.
    assert discover_names([tmp_path, tmp_path / "ab.yaml"]) == found


@pytest.mark.parametrize("warm", [True, False], ids=["warm", "cold"])
def test_the_lists_columns_come_worked_out_with_the_prefetched_index(
    tmp_path: Path, warm: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Working out the subject and period columns (does any title not name them?) looks at
    # every entry: ~4 ms of the reader's thread at 10,000, before a warm start's first frame.
    # The prefetch child does it; the list's columns are still the ones its entries need.
    from briefing_reader.library import view as view_module
    from briefing_reader.library.prefetch import Prefetch
    from briefing_reader.library.session import LibrarySession
    from briefing_reader.library.state import ReadState

    folder = tmp_path / "library"
    make_library(folder, 12)  # "Briefing number 3", subject "Company 3", period "Q4 2024"
    if warm:
        Index.load([folder])
    prefetch = Prefetch.start([folder])
    assert prefetch is not None
    session = LibrarySession([folder], ReadState(tmp_path / "state.json"), prefetch=prefetch)
    index = session.load_index()
    assert index is not None and len(index) == 12

    def not_here(entries: object) -> tuple[int, int]:
        raise AssertionError("the reader worked out the columns itself")

    monkeypatch.setattr(view_module, "column_widths", not_here)
    session.set_index(index)
    assert (session.view.subject_width, session.view.period_width) == (len("Company 3"), 7)


def test_a_warm_index_waits_for_the_first_frame_and_is_counted_meanwhile(tmp_path: Path) -> None:
    # Decoding the whole index (10,000 rows: ~9 ms holding the interpreter lock) and listing
    # it before the first frame held the first titles back: the cached first screenful
    # comes first, the rest once the frame is out, and the status counts it all meanwhile.
    import time

    prefetch, session = warm_session(tmp_path, 300)
    deadline = time.monotonic() + 10
    while prefetch.coming() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert prefetch.coming() == 300
    assert session.prefetched() is None  # not before the first frame
    told = session.told()
    assert len(told) == HEAD_ROWS  # the first screenful is there for the first frame
    session.add_partial(told)
    assert session.status().count == "300 briefings"
    session.first_frame_drawn()
    index = session.load_index()
    assert index is not None and len(index) == 300 and prefetch.coming() is None
