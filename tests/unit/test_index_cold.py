"""A cold library start (no cache) on every core, without changing what the list says (issue 14).

The index parses in worker processes, forked from the prefetch child where that is safe,
checks each excerpt only for being in its source (validate and the reader say where it goes
wrong) and resolves a folder's source path once. None of it may change an entry: a parallel
build gives what a serial one gives, and the index's problems are validate's problems.
"""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from briefing_reader.checks.sources import SourceCache, SourceError, source_path
from briefing_reader.checks.validate import check_file, check_loaded
from briefing_reader.library import index as index_module
from briefing_reader.library.index import FIRST_CHUNK, Entry, Index
from briefing_reader.loading import load_file
from tests.conftest import ARTICLE, OLD
from tests.unit.test_library import briefing_text, make_library


def mixed_library(root: Path, count: int) -> Path:
    """Two folders, each with its own article; excerpts in and not in their source, a file
    that is not YAML, one whose source leads out of its folder."""
    folder = root / "library"
    make_library(folder, count)
    for number in range(0, count, 3):
        text = briefing_text(number, evidence="Reportedly, energy costs rose sharply.")
        (folder / f"b-{number:03}.yaml").write_text(text)
    (folder / "b-broken.yaml").write_text("title: [unclosed\n")
    (folder / "b-outside.yaml").write_text(
        briefing_text(1).replace("file: sources/article.txt", "file: ../elsewhere.txt")
    )
    other = folder / "other"
    make_library(other, 5)
    (other / "sources" / "article.txt").write_text(ARTICLE.replace("$12 million", "$13 million"))
    for path in [*folder.rglob("*.yaml"), *folder.rglob("*.txt")]:
        os.utime(path, ns=(OLD, OLD))
    return folder


def test_a_parallel_cold_build_gives_the_serial_builds_entries_and_texts(tmp_path: Path) -> None:
    folder = mixed_library(tmp_path, FIRST_CHUNK + 45)
    serial = Index.load([folder], use_cache=False, workers=1)
    parallel = Index.load([folder], use_cache=False, workers=2, parallel_threshold=0)
    assert parallel.stats.parallel and not serial.stats.parallel
    assert parallel.entries == serial.entries
    assert parallel.texts() == serial.texts()
    failing = [e for e in serial.entries if e.error_count and e.title is not None]
    assert len(failing) > FIRST_CHUNK // 3  # the comparison covered failing excerpts
    assert any(e.source is None and e.title for e in serial.entries)  # and a source refused


@pytest.mark.parametrize("workers", [1, 2])
def test_a_cold_build_stamps_each_file_as_it_parses_it_and_the_next_load_reuses_them(
    tmp_path: Path, workers: int
) -> None:
    # With no cache, files are stat'ed by whoever parses them, not all first in the caller:
    # the stamps must still be each file's own, or the next load would parse them all again.
    folder = mixed_library(tmp_path, FIRST_CHUNK + 45)
    cache = tmp_path / "cache" / "index"
    cold = Index.load([folder], cache_path=cache, workers=workers, parallel_threshold=0)
    assert cold.stats.parsed == len(cold) and cold.stats.saved
    for entry in cold.entries:
        stat = os.stat(entry.path)
        assert (entry.size, entry.mtime_ns) == (stat.st_size, stat.st_mtime_ns), entry.path
    warm = Index.load([folder], cache_path=cache, workers=workers)
    assert warm.stats.reused == len(cold) and warm.stats.parsed == 0
    assert warm.entries == cold.entries


def test_a_parallel_build_from_a_thread_does_not_fork_and_gives_the_same_entries(
    tmp_path: Path,
) -> None:
    # The reader's fallback indexes from a thread of the running app: forking a process with
    # threads can deadlock the child, so its workers start another way.
    folder = mixed_library(tmp_path, 30)
    found: dict[str, object] = {}

    def run() -> None:
        found["method"] = index_module._start_method()
        found["index"] = Index.load([folder], use_cache=False, workers=2, parallel_threshold=0)

    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
    assert found["method"] != "fork"
    built = found["index"]
    assert isinstance(built, Index) and built.stats.parallel
    assert built.entries == Index.load([folder], use_cache=False, workers=1).entries


def test_the_first_batch_is_the_top_of_the_listing_and_the_rest_come_in_its_order(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "many"
    paths = [str(p) for p in make_library(folder, FIRST_CHUNK + 200)]
    jobs = [(name, index_module._stat(name)) for name in paths]
    batches: list[list[Entry]] = []
    # One worker: the order chunks are handed out in is the order they come back.
    rows = index_module._build_parallel(jobs, 1, partial=batches.append)
    assert rows is not None and [row.entry.path for row in rows] == paths
    assert [e.path for e in batches[0]] == paths[:FIRST_CHUNK]
    told = [e.path for batch in batches for e in batch]
    assert told == paths  # top first, each chunk a run of the listing
    assert len(batches) > 2


@pytest.mark.parametrize("count", [1, 7, 100, 9_940])
def test_the_chunks_cover_every_file_once_and_shrink_at_the_end_so_the_workers_end_together(
    count: int,
) -> None:
    workers = 2
    bounds = index_module._chunks(count, workers)
    assert [start for start, _ in bounds] == [0, *(end for _, end in bounds[:-1])]
    assert bounds[-1][1] == count and all(start < end for start, end in bounds)
    sizes = [end - start for start, end in bounds]
    assert sizes == sorted(sizes, reverse=True)  # never a big chunk after small ones
    if count >= 1_000:
        # What the last worker still parses when the other runs out is a few files, not a
        # chunk of a sixteenth of its share (a third of a second at 10,000).
        assert max(sizes[-workers:]) <= index_module.MIN_CHUNK < sizes[0] // 10


def test_the_index_has_validates_problems_without_the_closest_passage(tmp_path: Path) -> None:
    folder = tmp_path / "library"
    make_library(folder, 1)
    path = folder / "b-000.yaml"
    path.write_text(briefing_text(0, evidence="Energy costs rose very sharply."))
    full = check_file(path)
    quick = check_loaded(load_file(path), SourceCache(), detail=False)
    wrong = [p for p in full.problems if p.code == "not-in-source"]
    assert len(wrong) == 1 and wrong[0].detail is not None
    assert wrong[0].detail.passage is not None  # type: ignore[attr-defined]
    # The same problems, said the same way; only where inside the excerpt, and the passage,
    # are left for validate and the reader.
    key = [(p.severity, p.code, p.message) for p in full.problems]
    assert [(p.severity, p.code, p.message) for p in quick.problems] == key
    (mine,) = [p for p in quick.problems if p.code == "not-in-source"]
    assert mine.detail is None
    assert mine.line == wrong[0].line  # the excerpt's line; validate points at "very"
    assert mine.column is not None and wrong[0].column is not None
    assert mine.column < wrong[0].column
    entry = Index.load([folder], use_cache=False, workers=1).entries[0]
    assert entry.error_count == len(full.errors)
    assert entry.first_problem == str(mine)


def test_a_kept_source_cache_reads_an_article_again_once_it_changed(tmp_path: Path) -> None:
    article = tmp_path / "article.txt"
    article.write_text("First words.")
    cache = SourceCache()
    cache.stamped(article, (12, 1))
    assert cache.normalized(article) == "First words."
    cache.stamped(article, (12, 1))  # unchanged: the text read before stands
    article.write_text("Second words, longer.")
    assert cache.normalized(article) == "First words."
    cache.stamped(article, (21, 2))
    assert cache.normalized(article) == "Second words, longer."
    assert cache.text(article) == "Second words, longer."


def test_a_source_path_is_resolved_once_per_folder_by_the_same_policy(tmp_path: Path) -> None:
    folder = tmp_path / "library"
    (folder / "sources").mkdir(parents=True)
    (folder / "sources" / "a.txt").write_text("x")
    cache = SourceCache()
    first = cache.path(folder / "one.yaml", "sources/a.txt")
    assert first == source_path(folder / "one.yaml", "sources/a.txt")
    assert cache.path(folder / "two.yaml", "sources/a.txt") is first
    for _ in range(2):  # a refusal is remembered and said again alike
        with pytest.raises(SourceError, match="inside the briefing's folder"):
            cache.path(folder / "one.yaml", "../secret.txt")


def test_an_article_edited_while_the_briefings_citing_it_are_read_is_checked_again_next_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A batch stats an article once for all the briefings citing it: those read after it was
    # edited may have been checked against the old text, but then they carry the old stamp,
    # and the next load checks them all again. The list never keeps saying "no problems".
    folder = tmp_path / "library"
    make_library(folder, 6)
    article = folder / "sources" / "article.txt"
    from briefing_reader import loading

    real_load = loading.load_file
    calls = 0

    def load_then_edit(path: Path, **kwargs: object) -> object:
        nonlocal calls
        calls += 1
        if calls == 3:
            article.write_text(ARTICLE.replace("Acme lost $12 million", "Acme lost money"))
            os.utime(article, ns=(OLD + 10**9, OLD + 10**9))
        return real_load(path, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(loading, "load_file", load_then_edit)
    cache = tmp_path / "cache" / "index"
    Index.load([folder], cache_path=cache, workers=1)
    monkeypatch.setattr(loading, "load_file", real_load)
    again = Index.load([folder], cache_path=cache, workers=1)
    assert len(again) == 6
    assert all(entry.error_count == 1 for entry in again.entries), [
        (entry.path, entry.problem) for entry in again.entries
    ]
    assert all("headline_facts[0].evidence" in (entry.problem or "") for entry in again.entries)


@pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods() or not Path("/proc/self/task").is_dir(),
    reason="needs fork and /proc",
)
def test_workers_fork_only_from_a_process_with_one_thread_native_ones_counted() -> None:
    # The prefetch child has one thread: its workers fork, starting in a millisecond. A
    # thread that threading does not know of (a library's own, started by _thread, as
    # pytest-xdist's execnet does) must stop the fork too: Python 3.12 warned of it here.
    alone = "from briefing_reader.library.index import _start_method; print(_start_method())"
    beside = (
        "import _thread, time; _thread.start_new_thread(time.sleep, (30,)); time.sleep(0.1); "
        "import threading; assert threading.active_count() == 1; " + alone
    )
    for source, expected in ((alone, "fork"), (beside, "forkserver")):
        result = subprocess.run(
            [sys.executable, "-c", source], capture_output=True, text=True, timeout=60
        )
        assert result.stdout.strip() == expected, result.stderr
