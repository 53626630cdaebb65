"""Live reload: FolderWatcher reports briefing files added, changed and removed.

Nothing here sleeps to wait for events: callbacks put batches into a queue and the tests
block on it. The watcher sets up its kernel watches in its own thread, so each test first
rewrites a probe file until the watcher reports it (``Watching.start``, in conftest.py).
"""

from __future__ import annotations

import os
import queue
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from briefing_reader.library import watch
from briefing_reader.library.watch import Change, FolderWatcher, settled
from tests.unit.conftest import TIMEOUT, Watching

BRIEFING = "title: Quarterly results\nsummary: " + "revenue fell " * 200 + "\n"


@pytest.fixture
def library(tmp_path: Path) -> Path:
    folder = tmp_path / "library"
    folder.mkdir()
    return folder


@pytest.fixture
def watching(library: Path) -> Iterator[Watching]:
    (library / "existing.yaml").write_text(BRIEFING)
    started = Watching(library)
    started.start()
    yield started
    started.watcher.stop()


def test_add_modify_delete(watching: Watching) -> None:
    path = watching.folder / "new.yaml"
    path.write_text(BRIEFING)
    assert watching.until(path) == [Change("added", path)]

    with path.open("a") as file:
        file.write("extra: true\n")
    assert watching.until(path) == [Change("modified", path)]

    path.unlink()
    assert watching.until(path) == [Change("deleted", path)]


def test_existing_file_modified_and_deleted(watching: Watching) -> None:
    path = watching.folder / "existing.yaml"
    path.write_text(BRIEFING + "extra: true\n")
    assert watching.until(path) == [Change("modified", path)]
    path.unlink()
    assert watching.until(path) == [Change("deleted", path)]


def test_batch_is_collapsed_and_sorted(watching: Watching) -> None:
    folder = watching.folder
    names = ["c.yaml", "a.yml", "b.yaml"]
    for name in names:
        (folder / name).write_text(BRIEFING)
        with (folder / name).open("a") as file:
            file.write("extra: true\n")
    (folder / "gone.yaml").write_text(BRIEFING)
    (folder / "gone.yaml").unlink()
    last = folder / "z.yaml"
    last.write_text(BRIEFING)

    # Added then modified is one addition; added then deleted is nothing at all. (Each
    # batch is sorted: until() checks.)
    assert sorted(watching.until(last)) == [
        Change("added", folder / name) for name in [*sorted(names), "z.yaml"]
    ]


def test_file_written_in_two_parts_is_reported_once_complete(
    watching: Watching, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = watching.folder / "slow.yaml"
    half = len(BRIEFING) // 2
    first_look = threading.Event()
    finished = threading.Event()
    looked_at: list[int] = []

    # The watcher's first look at the file happens while it is half written; the rest is
    # written before that look returns, so the watcher must notice the file is still
    # changing whatever the timing of its threads.
    real_signature = watch._signature

    def signature(target: str) -> tuple[int, int] | None:
        found = real_signature(target)
        if target == str(path) and found is not None:
            looked_at.append(found[0])
            if not first_look.is_set():
                first_look.set()
                assert finished.wait(TIMEOUT)
        return found

    monkeypatch.setattr(watch, "_signature", signature)

    file = path.open("w")
    file.write(BRIEFING[:half])
    file.flush()

    def finish() -> None:
        first_look.wait(TIMEOUT)
        time.sleep(0.05)  # a slow writer, not a wait for events
        file.write(BRIEFING[half:])
        file.close()
        finished.set()

    writer = threading.Thread(target=finish)
    writer.start()
    watching.until(path)
    writer.join(TIMEOUT)

    change, text = next(item for item in watching.texts if item[0].path == path)
    assert change == Change("added", path)
    assert text == BRIEFING
    assert yaml.safe_load(text)["title"] == "Quarterly results"
    assert looked_at[0] == half  # it did see the file half written, and waited


def test_rename_over_save_reports_the_target_only(watching: Watching) -> None:
    target = watching.folder / "existing.yaml"
    temp = watching.folder / ".existing.yaml.tmp"
    temp.write_text(BRIEFING + "saved: true\n")
    os.replace(temp, target)
    assert watching.until(target) == [Change("modified", target)]


def test_backup_style_save_reports_the_target_only(watching: Watching) -> None:
    # vim's default: rename the original to a backup, write a new file, delete the backup.
    target = watching.folder / "existing.yaml"
    backup = watching.folder / "existing.yaml~"
    os.rename(target, backup)
    target.write_text(BRIEFING + "saved: true\n")
    backup.unlink()
    seen = watching.until(target)
    if seen == [Change("deleted", target)]:
        # The rename and the new file fell into different batches.
        seen += watching.until(target)
    assert seen in (
        [Change("modified", target)],
        [Change("deleted", target), Change("added", target)],
    )


def test_sources_hidden_and_other_files_are_not_reported(watching: Watching) -> None:
    folder = watching.folder
    (folder / "sources").mkdir()
    (folder / "sources" / "article.yaml").write_text(BRIEFING)
    (folder / "sources" / "article.txt").write_text("text")
    (folder / "deep" / "sources").mkdir(parents=True)
    (folder / "deep" / "sources" / "other.yml").write_text(BRIEFING)
    (folder / ".hidden.yaml").write_text(BRIEFING)
    (folder / ".drafts").mkdir()
    (folder / ".drafts" / "draft.yaml").write_text(BRIEFING)
    (folder / "notes.txt").write_text("notes")
    (folder / "existing.yaml.bak").write_text(BRIEFING)
    last = folder / "deep" / "last.yaml"
    last.write_text(BRIEFING)
    assert watching.until(last) == [Change("added", last)]


def test_folders_moved_in_and_out(watching: Watching, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    (outside / "inner").mkdir(parents=True)
    (outside / "one.yaml").write_text(BRIEFING)
    (outside / "inner" / "two.yml").write_text(BRIEFING)
    (outside / "sources").mkdir()
    (outside / "sources" / "article.yaml").write_text(BRIEFING)

    moved = watching.folder / "moved"
    shutil.move(outside, moved)
    expected = [moved / "inner" / "two.yml", moved / "one.yaml"]
    assert sorted(watching.until(*expected)) == [Change("added", path) for path in expected]

    shutil.move(moved, outside)
    assert sorted(watching.until(*expected)) == [Change("deleted", path) for path in expected]


def test_paths_are_reported_as_the_folder_was_given(
    library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(library.parent)
    relative = Path(library.name)
    watching = Watching(relative)
    try:
        watching.start()
        (library / "x.yaml").write_text(BRIEFING)
        assert watching.until(relative / "x.yaml") == [Change("added", relative / "x.yaml")]
    finally:
        watching.watcher.stop()


def test_stop_is_prompt_and_idempotent(watching: Watching) -> None:
    watcher = watching.watcher
    assert watcher.running
    thread = watcher._thread
    assert thread is not None
    began = time.monotonic()
    watcher.stop()
    assert time.monotonic() - began < watch.JOIN_TIMEOUT_S
    assert not thread.is_alive()
    assert not watcher.running
    watcher.stop()


def test_stop_without_start() -> None:
    FolderWatcher([Path("nowhere")], lambda changes: None).stop()


def test_start_on_missing_folder_fails_without_a_thread(tmp_path: Path) -> None:
    before = threading.active_count()
    watcher = FolderWatcher([tmp_path, tmp_path / "missing"], lambda changes: None)
    assert watcher.start() is False
    assert not watcher.running
    assert threading.active_count() == before
    watcher.stop()


def test_start_without_watchfiles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(watch.importlib.util, "find_spec", lambda name: None)
    assert FolderWatcher([tmp_path], lambda changes: None).start() is False


def test_error_in_callback_stops_watching_quietly(library: Path) -> None:
    batches: queue.Queue[list[Change]] = queue.Queue()

    def on_changes(changes: list[Change]) -> None:
        batches.put(changes)
        raise RuntimeError("the app went away")

    watcher = FolderWatcher([library], on_changes)
    assert watcher.start()
    try:
        for attempt in range(100):
            # A new file each time: one rewritten this often would never settle.
            (library / f"probe-{attempt}.yaml").write_text(f"attempt: {attempt}\n")
            try:
                batches.get(timeout=0.1)
                break
            except queue.Empty:
                continue
        thread = watcher._thread
        assert thread is not None
        thread.join(TIMEOUT)
        assert not watcher.running
    finally:
        watcher.stop()


def test_removed_folder_does_not_break_the_thread(watching: Watching) -> None:
    existing = watching.folder / "existing.yaml"
    shutil.rmtree(watching.folder)
    assert watching.until(existing) == [Change("deleted", existing)]
    watching.folder.mkdir()
    watching.watcher.stop()
    assert not watching.watcher.running


def test_settled() -> None:
    assert settled(Path("/nonexistent/briefing.yaml")) is False


def test_settled_file(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(BRIEFING)
    assert settled(path, settle_ms=10)


def test_settled_gives_up_on_a_file_that_keeps_changing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(BRIEFING)
    sizes = iter(range(1_000_000))
    monkeypatch.setattr(watch, "_signature", lambda target: (next(sizes), 0))
    began = time.monotonic()
    assert settled(path, settle_ms=10, limit_ms=100) is False
    assert time.monotonic() - began < 1
