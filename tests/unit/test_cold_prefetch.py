"""A cold start's library is shown before the prefetch child writes the cache (issue 14).

Writing the index cache and the search texts takes a few hundred milliseconds at 10,000
briefings, after the last file is parsed: the child tells the reader the index first and
writes after. Nothing may be lost by that: the next start still finds the cache, and a
search still finds every briefing's text, whether the cache could be written or not.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from briefing_reader.library.index import Index
from briefing_reader.library.prefetch import Prefetch
from tests.unit.test_library import make_library


def fresh(folder: Path) -> Index:
    return Index.load([folder], use_cache=False, workers=1)


def test_the_index_comes_before_the_cache_and_the_cache_still_comes(tmp_path: Path) -> None:
    folder = tmp_path / "library"
    make_library(folder, 12)
    prefetch = Prefetch.start([folder])
    assert prefetch is not None
    index = prefetch.wait(saved=False)
    assert index is not None
    expected = fresh(folder)
    assert index.entries == expected.entries
    assert index.texts() == expected.texts()  # once the child has written them
    prefetch._reader.join()
    # The child wrote the cache as Index.load does: the next start reuses every entry...
    again = Index.load([folder])
    assert again.stats.reused == 12
    assert again.texts() == expected.texts()
    # ... and the reader's thread reaped it.
    with pytest.raises(ChildProcessError):
        os.waitpid(prefetch.pid, os.WNOHANG)


def test_texts_the_child_cannot_write_reach_the_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "library"
    make_library(folder, 12)
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker / "cache"))  # no folder can be made
    prefetch = Prefetch.start([folder])
    assert prefetch is not None
    index = prefetch.wait(saved=False)
    assert index is not None
    assert index.texts() == fresh(folder).texts()
    assert not index.stats.saved


def test_waiting_for_the_save_gives_the_same_index(tmp_path: Path) -> None:
    folder = tmp_path / "library"
    make_library(folder, 12)
    prefetch = Prefetch.start([folder])
    assert prefetch is not None
    index = prefetch.wait()
    assert index is not None and index.entries == fresh(folder).entries
    assert Index.load([folder]).stats.reused == 12  # written before wait() returned


def children_of(pid: int) -> list[int]:
    with open(f"/proc/{pid}/task/{pid}/children") as file:
        return [int(child) for child in file.read().split()]


@pytest.mark.skipif(
    not os.path.exists(f"/proc/{os.getpid()}/task/{os.getpid()}/children"),
    reason="needs Linux's /proc/PID/task/PID/children",
)
def test_the_child_holds_its_workers_until_the_reader_says_go(tmp_path: Path) -> None:
    import time

    from briefing_reader.library.index import FIRST_CHUNK

    if len(os.sched_getaffinity(0)) < 2:
        pytest.skip("one CPU: the child parses without workers")
    folder = tmp_path / "many"
    make_library(folder, 2000)  # a second or more of parsing on one core
    # Held for as long as the test takes, not the second a reader waits at most.
    prefetch = Prefetch.start([folder], use_cache=False, hold_s=120)
    assert prefetch is not None
    try:
        deadline = time.monotonic() + 60
        while len(prefetch.told()) < FIRST_CHUNK:  # the first files are parsed and told
            assert time.monotonic() < deadline, "the child told no titles"
            time.sleep(0.01)
        # Workers, were they not held, would start at once and work for a while yet.
        for _ in range(10):
            assert children_of(prefetch.pid) == []
            time.sleep(0.03)
        prefetch.go()
        index = prefetch.wait(saved=False)
        assert index is not None
        assert index.entries == fresh(folder).entries
    finally:
        prefetch.cancel()
