"""The live-reload watcher's first look streams the folder instead of holding it."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

from briefing_reader.library.watch import Batch, Change, FolderWatcher
from briefing_reader.loading.discover import discover_names, walk_names

BRIEFING = "id: x\ntitle: X\n"


def test_walk_names_yields_as_it_lists_and_finds_what_discover_finds(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sources").mkdir()
    for name in ("a.yaml", "b.yml", "sub/c.yaml", "sources/skipped.yaml", ".hidden.yaml"):
        (tmp_path / name).write_text(BRIEFING)
    names = walk_names(str(tmp_path))
    assert isinstance(names, Iterator)  # a generator: no list of every name is made
    assert sorted(names) == sorted(discover_names([tmp_path]))


def rescan(watcher: FolderWatcher, folders: list[Path]) -> list[Change]:
    watcher._folders = folders
    watcher._roots = [(os.path.abspath(folder), folder) for folder in folders]
    return watcher._collapse(Batch(set(), rescan=True), threading.Event())


def test_overlapping_folders_report_each_file_once(tmp_path: Path) -> None:
    inner = tmp_path / "inner"
    inner.mkdir()
    kept = inner / "kept.yaml"
    kept.write_text(BRIEFING)
    stat = kept.stat()
    new = inner / "new.yaml"
    new.write_text(BRIEFING)
    watcher = FolderWatcher([tmp_path, inner], lambda changes: None, settle_ms=1)
    watcher._known = {str(kept): (stat.st_size, stat.st_mtime_ns), str(inner / "gone.yaml"): None}
    assert rescan(watcher, [tmp_path, inner]) == [
        Change("deleted", inner / "gone.yaml"),
        Change("added", new),
    ]


def test_a_known_file_gone_is_found_without_a_set_of_every_name(tmp_path: Path) -> None:
    stays = tmp_path / "stays.yaml"
    stays.write_text(BRIEFING)
    stat = stays.stat()
    watcher = FolderWatcher([tmp_path], lambda changes: None, settle_ms=1)
    watcher._known = {
        str(stays): (stat.st_size, stat.st_mtime_ns),
        str(tmp_path / "x.yaml"): (1, 1),
    }
    assert rescan(watcher, [tmp_path]) == [Change("deleted", tmp_path / "x.yaml")]
    # Nothing gone, nothing changed: nothing to report.
    assert rescan(watcher, [tmp_path]) == []


def test_a_known_map_is_taken_over_not_copied(tmp_path: Path) -> None:
    """The index's signatures become the watcher's: no second map of 10,000 files."""
    kept = tmp_path / "kept.yaml"
    kept.write_text(BRIEFING)
    stat = kept.stat()
    known = {str(kept): (stat.st_size, stat.st_mtime_ns)}
    reported: list[list[Change]] = []
    watcher = FolderWatcher([tmp_path], reported.append, known=known, settle_ms=1)
    try:
        assert watcher.start()
        changed = tmp_path / "changed.yaml"
        changed.write_text(BRIEFING)
        deadline = threading.Event()
        for _ in range(200):
            if reported:
                break
            deadline.wait(0.02)
        assert reported[0] == [Change("added", changed)]
        assert watcher._known is known
    finally:
        watcher.stop()


def test_the_index_entries_themselves_serve_as_what_is_known(tmp_path: Path) -> None:
    """No (size, mtime) pair is made per file: an entry's own fields are compared."""
    from briefing_reader.library.index import Entry

    same = tmp_path / "same.yaml"
    same.write_text(BRIEFING)
    changed = tmp_path / "changed.yaml"
    changed.write_text(BRIEFING)
    stat = same.stat()
    watcher = FolderWatcher([tmp_path], lambda changes: None, settle_ms=1)
    watcher._known = {
        str(same): Entry(str(same), stat.st_size, stat.st_mtime_ns, 0, 0, None),
        str(changed): Entry(str(changed), 1, 1, 0, 0, None),  # an older version
    }
    assert rescan(watcher, [tmp_path]) == [Change("modified", changed)]
    assert rescan(watcher, [tmp_path]) == []  # now known by its signature
