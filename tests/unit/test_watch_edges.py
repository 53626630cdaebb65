"""Live reload at the edges: symlinked folders, lost events, a start racing the index, and
reloads told while one is being read.

As in test_watch (the harness, ``Watching``, is in conftest.py), nothing sleeps to wait for
events: batches land in a queue the tests block on, and a probe file is rewritten until the
watcher reports it, so each test starts with the watches in place.
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from briefing_reader.library.index import Entry, Index
from briefing_reader.library.session import LibrarySession
from briefing_reader.library.state import ReadState
from briefing_reader.library.watch import Change, FolderWatcher
from briefing_reader.loading.discover import discover
from tests.unit.conftest import TIMEOUT, Watching

BRIEFING = "title: Quarterly results\nsummary: revenue fell\n"
OUTSIDE_FOLDERS = 40

needs_proc = pytest.mark.skipif(
    not Path("/proc/self/fdinfo").is_dir(), reason="counting inotify watches needs /proc"
)


def inotify_watches() -> int:
    """The inotify watches this process holds: one "inotify wd:" line each in fdinfo."""
    count = 0
    for fd in os.listdir("/proc/self/fdinfo"):
        try:
            text = Path("/proc/self/fdinfo", fd).read_text()
        except OSError:
            continue
        count += text.count("inotify wd:")
    return count


@pytest.fixture
def linked(tmp_path: Path) -> tuple[Path, Path]:
    """A library holding ``elsewhere -> outside``: a folder with a briefing and subfolders."""
    library = tmp_path / "library"
    library.mkdir()
    (library / "own.yaml").write_text(BRIEFING)
    outside = tmp_path / "outside"
    for number in range(OUTSIDE_FOLDERS):
        (outside / f"sub{number}").mkdir(parents=True)
    (outside / "far.yaml").write_text(BRIEFING)
    (library / "elsewhere").symlink_to(outside, target_is_directory=True)
    return library, outside


@pytest.fixture(params=["default", "inotify", "watchfiles"])
def backend(request: pytest.FixtureRequest) -> dict[str, str]:
    """The notifier to use: the one a running reader picks, or each one by name."""
    return {} if request.param == "default" else {"backend": str(request.param)}


def test_a_symlinked_folder_is_not_listed(linked: tuple[Path, Path]) -> None:
    library, _ = linked
    assert discover([library]) == [library / "own.yaml"]


def test_files_behind_a_symlinked_folder_never_appear_live(
    linked: tuple[Path, Path], backend: dict[str, str]
) -> None:
    library, outside = linked
    watching = Watching(library, **backend)
    try:
        watching.start()
        (outside / "new-outside.yaml").write_text(BRIEFING)
        (outside / "far.yaml").write_text(BRIEFING + "changed: true\n")
        (outside / "sub3" / "deep.yaml").write_text(BRIEFING)
        # Written last, inside: once it is reported, anything from outside would have been.
        inside = library / "new-inside.yaml"
        inside.write_text(BRIEFING)
        watching.until(inside)
        reported = {change.path for change in watching.seen}
        assert not any("elsewhere" in path.parts for path in reported), reported
        assert inside in reported
    finally:
        watching.watcher.stop()


@needs_proc
def test_a_symlinked_folder_costs_no_inotify_watches(linked: tuple[Path, Path]) -> None:
    library, _ = linked
    before = inotify_watches()
    watching = Watching(library)
    try:
        watching.start()
        # One watch for the library folder itself; none for the 41 folders behind the link.
        assert inotify_watches() - before == 1
        assert watching.watcher.watch_count == 1
    finally:
        watching.watcher.stop()


def test_a_symlink_to_a_folder_made_while_watching_is_not_followed(tmp_path: Path) -> None:
    library = tmp_path / "library"
    library.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    watching = Watching(library, backend="inotify")
    try:
        watching.start()
        (library / "link").symlink_to(outside, target_is_directory=True)
        (outside / "far.yaml").write_text(BRIEFING)
        inside = library / "inside.yaml"
        inside.write_text(BRIEFING)
        assert watching.until(inside) == [Change("added", inside)]
        assert watching.watcher.watch_count == 1
    finally:
        watching.watcher.stop()


def test_a_folder_renamed_inside_the_library_is_reported_under_its_new_name(
    tmp_path: Path,
) -> None:
    library = tmp_path / "library"
    (library / "old").mkdir(parents=True)
    (library / "old" / "a.yaml").write_text(BRIEFING)
    watching = Watching(library, backend="inotify")
    try:
        watching.start()
        os.rename(library / "old", library / "new")
        moved = library / "new" / "a.yaml"
        assert sorted(watching.until(library / "old" / "a.yaml", moved)) == [
            Change("added", moved),
            Change("deleted", library / "old" / "a.yaml"),
        ]
        later = library / "new" / "b.yaml"
        later.write_text(BRIEFING)
        assert watching.until(later) == [Change("added", later)]
    finally:
        watching.watcher.stop()


def test_the_first_batch_catches_up_with_what_the_index_holds(tmp_path: Path) -> None:
    """Files changed between the index's scan and the watch starting are not lost."""
    library = tmp_path / "library"
    library.mkdir()
    kept = library / "kept.yaml"
    kept.write_text(BRIEFING)
    changed = library / "changed.yaml"
    changed.write_text(BRIEFING)
    stat = kept.stat()
    known = {
        str(kept): (stat.st_size, stat.st_mtime_ns),
        str(changed): (1, 1),  # the index read an older version
        str(library / "gone.yaml"): (5, 5),  # deleted since the scan
    }
    added = library / "added.yaml"  # created since the scan
    added.write_text(BRIEFING)
    batches: queue.Queue[list[Change]] = queue.Queue()
    watcher = FolderWatcher([library], batches.put, known=known)
    try:
        assert watcher.start()
        assert batches.get(timeout=TIMEOUT) == [
            Change("added", added),
            Change("modified", changed),
            Change("deleted", library / "gone.yaml"),
        ]
    finally:
        watcher.stop()


def test_lost_events_are_made_good_by_a_rescan(tmp_path: Path) -> None:
    """A queue overflow (events lost) makes the batch the whole folder, compared anew."""
    from briefing_reader.library.watch import Batch

    library = tmp_path / "library"
    library.mkdir()
    stays = library / "stays.yaml"
    stays.write_text(BRIEFING)
    stat = stays.stat()
    watcher = FolderWatcher([library], lambda changes: None, settle_ms=1)
    watcher._roots = [(os.path.abspath(library), library)]
    watcher._folders = [library]
    watcher._known = {str(stays): (stat.st_size, stat.st_mtime_ns), str(library / "x.yaml"): None}
    (library / "new.yaml").write_text(BRIEFING)
    changes = watcher._collapse(Batch(set(), rescan=True), threading.Event())
    assert changes == [
        Change("added", library / "new.yaml"),
        Change("deleted", library / "x.yaml"),
    ]


# --- the session: one rebuild at a time ----------------------------------------------------


def entry(path: str, title: str) -> Entry:
    return Entry(path, 1, 1, 0, 0, None, id=path, title=title)


@pytest.fixture
def session(tmp_path: Path) -> Iterator[LibrarySession]:
    state = ReadState(tmp_path / "read.json")
    made = LibrarySession([tmp_path], state)
    made.set_index(Index([entry("a", "A"), entry("b", "B")]))
    yield made


def test_changes_told_during_a_rebuild_wait_for_the_next_one(session: LibrarySession) -> None:
    first = [Change("added", Path("c"))]
    assert session.queue_reload(first)
    assert session.take_reload() == first
    # While that rebuild runs, c is deleted again: no second rebuild may run beside it,
    # whose result could land first and be undone by the older one.
    assert not session.queue_reload([Change("deleted", Path("c"))])
    assert not session.reload_due
    session.apply_reload({"c": (entry("c", "C"), "")})  # the older read lands
    assert session.reload_due
    second = session.take_reload()
    assert second == [Change("deleted", Path("c"))]
    session.apply_reload(session.rebuild(second))
    assert [e.path for e in session.view.entries] == ["a", "b"]
    assert not session.reload_due


def test_the_latest_change_to_a_path_is_the_one_kept(session: LibrarySession) -> None:
    assert session.queue_reload([Change("added", Path("c"))])
    session.queue_reload([Change("modified", Path("c")), Change("deleted", Path("c"))])
    assert session.take_reload() == [Change("deleted", Path("c"))]


def test_a_reload_of_many_broken_files_waits_for_them_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Broken files are read again once settled; the wait is shared, not one per file."""
    from briefing_reader.library import watch

    paths = []
    for number in range(20):
        path = tmp_path / f"broken{number}.yaml"
        path.write_text("format: briefing/1\nid: [unclosed\n")
        paths.append(path)
    sleeps: list[float] = []
    real_sleep = watch.time.sleep

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        real_sleep(seconds)

    monkeypatch.setattr(watch.time, "sleep", sleep)
    rebuilt = LibrarySession.rebuild([Change("added", path) for path in paths])
    assert all(rebuilt[str(path)] is not None for path in paths)
    # One settle wait of a step or two for the 20 files (the old code waited per file).
    assert len(sleeps) <= 3
