"""The index tells its entries as they come, before it is complete (issue 14).

A list shows titles from the first batch on; these tests pin what the batches hold: every
entry once, the cached ones first and at once, the first files before the workers' chunks,
and, through the prefetch child, batches told before anyone listened are not lost.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from briefing_reader.library.index import FIRST_CHUNK, Entry, Index
from tests.unit.test_library import make_library


def test_a_parallel_build_tells_the_first_files_first_then_every_chunk(tmp_path: Path) -> None:
    folder = tmp_path / "many"
    make_library(folder, FIRST_CHUNK + 40)
    batches: list[list[Entry]] = []
    index = Index.load(
        [folder], use_cache=False, workers=2, parallel_threshold=10, partial=batches.append
    )
    assert index.stats.parallel
    # The first files in discovery order (the top of a flat folder), parsed at once.
    assert [e.path for e in batches[0]] == [e.path for e in index.entries[:FIRST_CHUNK]]
    told = [entry for batch in batches for entry in batch]
    assert sorted(told) == sorted(index.entries)  # each entry once, as the index has it
    assert len(batches) > 2  # the rest in chunks, not in one piece at the end


def test_a_serial_build_tells_its_entries_in_batches(tmp_path: Path) -> None:
    from briefing_reader.library.index import PROGRESS_EVERY

    folder = tmp_path / "many"
    make_library(folder, PROGRESS_EVERY + 5)
    batches: list[list[Entry]] = []
    index = Index.load([folder], use_cache=False, workers=1, partial=batches.append)
    # The last few come with the complete index, not as a batch of their own.
    assert [len(batch) for batch in batches] == [PROGRESS_EVERY]
    assert batches[0] == list(index.entries[:PROGRESS_EVERY])


def test_cached_entries_are_told_at_once_before_any_file_is_parsed(tmp_path: Path) -> None:
    folder = tmp_path / "library"
    paths = make_library(folder, 8)
    cache = tmp_path / "cache" / "index.json"
    Index.load([folder], cache_path=cache, workers=1)
    changed = paths[3]
    changed.write_text(changed.read_text().replace("title: ", "title: New ", 1))
    os.utime(changed, ns=(1_600_000_000 * 10**9,) * 2)
    batches: list[list[Entry]] = []
    index = Index.load([folder], cache_path=cache, workers=1, partial=batches.append)
    assert index.stats.reused == 7 and index.stats.parsed == 1
    assert [e.path for e in batches[0]] == [str(p) for p in paths if p != changed]


def test_a_warm_load_tells_the_lists_first_rows_from_the_cache_then_nothing_more(
    tmp_path: Path,
) -> None:
    from briefing_reader.library.view import LibraryView

    folder = tmp_path / "library"
    make_library(folder, 5)
    cache = tmp_path / "cache" / "index.json"
    Index.load([folder], cache_path=cache, workers=1)
    batches: list[list[Entry]] = []
    index = Index.load([folder], cache_path=cache, workers=1, partial=batches.append)
    assert index.stats.reused == 5
    # One batch, the first screenful as the list orders it (here: all of them).
    shown = LibraryView(index.entries)
    assert batches == [[shown.entries[i] for i in shown.order]]


def test_the_prefetch_replays_batches_told_before_the_reader_listened(tmp_path: Path) -> None:
    from briefing_reader.library.index import PROGRESS_EVERY
    from briefing_reader.library.prefetch import Prefetch

    folder = tmp_path / "many"
    make_library(folder, PROGRESS_EVERY + 20)  # below the parallel threshold: one batch
    prefetch = Prefetch.start([folder], use_cache=False)
    assert prefetch is not None
    # The child has written everything and the prefetch's thread has read it all before
    # anyone listens for batches.
    os.waitpid(prefetch.pid, 0)
    prefetch._reader.join(timeout=30)
    assert not prefetch._reader.is_alive()
    batches: list[list[Entry]] = []
    index = prefetch.wait(partial=batches.append)
    assert index is not None
    assert batches == [list(index.entries[:PROGRESS_EVERY])]


def test_a_held_build_starts_no_worker_until_released_and_parses_on_meanwhile(
    tmp_path: Path,
) -> None:
    import multiprocessing

    from briefing_reader.library.index import HOLD_STEP

    folder = tmp_path / "many"
    make_library(folder, FIRST_CHUNK + 100)
    workers_seen: list[int] = []

    def hold() -> bool:  # held for three looks, then let go
        workers_seen.append(len(multiprocessing.active_children()))
        return len(workers_seen) <= 3

    batches: list[list[Entry]] = []
    index = Index.load(
        [folder],
        use_cache=False,
        workers=2,
        parallel_threshold=10,
        partial=batches.append,
        hold=hold,
    )
    assert index.stats.parallel
    assert workers_seen == [0, 0, 0, 0]  # asked between files, and no worker meanwhile
    # The first files, then those parsed while held, in the listing's order; the rest after.
    held = FIRST_CHUNK + 3 * HOLD_STEP
    assert [len(batch) for batch in batches[:2]] == [FIRST_CHUNK, 3 * HOLD_STEP]
    assert batches[0] + batches[1] == list(index.entries[:held])
    told = [entry for batch in batches for entry in batch]
    assert sorted(told) == sorted(index.entries)
    assert index.entries == Index.load([folder], use_cache=False, workers=1).entries


def test_a_build_held_to_the_end_needs_no_worker(tmp_path: Path) -> None:
    folder = tmp_path / "many"
    make_library(folder, FIRST_CHUNK + 20)
    index = Index.load(
        [folder], use_cache=False, workers=2, parallel_threshold=10, hold=lambda: True
    )
    assert index.entries == Index.load([folder], use_cache=False, workers=1).entries


@pytest.mark.parametrize("use_cache", [True, False])
def test_a_cold_prefetch_lists_every_file_in_order_from_the_entries_it_told(
    tmp_path: Path, use_cache: bool
) -> None:
    # Every entry of a cold index was told as it was parsed, so the child sends only their
    # order, not the 10,000 entries again (~60 ms of the filled list's wait): the index must
    # still list every file once, in the folder's order, exactly as a load in one process.
    from briefing_reader.library.index import PARALLEL_THRESHOLD
    from briefing_reader.library.prefetch import Prefetch

    folder = tmp_path / "many"
    make_library(folder, PARALLEL_THRESHOLD + 60)  # parsed by workers, chunk by chunk
    prefetch = Prefetch.start([folder], use_cache=use_cache, hold_s=0)
    assert prefetch is not None
    told: list[Entry] = []
    index = prefetch.wait(partial=told.extend)
    assert index is not None
    assert index.entries == Index.load([folder], use_cache=False, workers=1).entries
    # The very entries told: none came a second time.
    assert {id(entry) for entry in index.entries} == {id(entry) for entry in told}


def test_an_order_that_does_not_fit_the_entries_told_is_refused() -> None:
    import marshal

    from briefing_reader.library.prefetch import _ordered

    told = [object(), object()]
    assert _ordered(marshal.dumps([1, 0]), told) == [told[1], told[0]]  # type: ignore[arg-type]
    for bad in ([2], [-1], [0, "1"], (0, 1), "01"):
        assert _ordered(marshal.dumps(bad), told) is None, bad  # type: ignore[arg-type]
    assert _ordered(b"\x00garbage", told) is None  # type: ignore[arg-type]
