"""Read marks at the edges: many readers at once, kill -9 mid-save, a state nobody can write.

Readers are real processes (the state API, not the TUI): a lock in one process proves
nothing about another.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from briefing_reader.library.state import ReadState
from tests.conftest import kill_9_mid_save

# One reader: wait for the start file, then mark (and unmark) its own ids, saving each time.
_READER = """
import sys, time
from pathlib import Path
from briefing_reader.library.state import ReadState
path, who, count, go = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
while not go.exists():
    time.sleep(0.001)
state, _ = ReadState.load(path)
for i in range(count):
    state.mark(f"{who}-{i}", True)
    state.save()
    if i % 2:  # the odd ones go again: a mark removed must stay removed
        state.mark(f"{who}-{i}", False)
        state.save()
"""


def _readers(tmp_path: Path, readers: int, count: int) -> dict[str, int]:
    path = tmp_path / "state" / "read.json"
    go = tmp_path / "go"
    children = [
        subprocess.Popen(
            [sys.executable, "-c", _READER, str(path), f"r{n}", str(count), str(go)],
            stderr=subprocess.PIPE,
        )
        for n in range(readers)
    ]
    time.sleep(0.5)  # let them all start: they begin together
    go.touch()
    for child in children:
        _, err = child.communicate(timeout=300)
        assert child.returncode == 0, err.decode()
    read: dict[str, int] = json.loads(path.read_text())["read"]
    return read


@pytest.mark.parametrize("readers", [2, 8])
def test_readers_saving_at_once_lose_no_mark_and_revive_none(tmp_path: Path, readers: int) -> None:
    count = 40
    read = _readers(tmp_path, readers, count)
    expected = {f"r{n}-{i}" for n in range(readers) for i in range(0, count, 2)}
    assert set(read) == expected


def test_a_mark_removed_by_one_reader_stays_removed(tmp_path: Path) -> None:
    path = tmp_path / "read.json"
    first, _ = ReadState.load(path)
    second, _ = ReadState.load(path)
    first.mark("a")
    first.mark("b")
    first.save()
    second.mark("c")
    second.save()  # merges: a, b, c
    first.mark("a", False)
    first.save()
    second.mark("d")
    second.save()  # second never saw a go, and must not bring it back
    assert set(json.loads(path.read_text())["read"]) == {"b", "c", "d"}


# A saver that never stops: read marks toggled and saved, as fast as it can.
_SAVER = """
import sys
from pathlib import Path
from briefing_reader.library.state import ReadState
state, _ = ReadState.load(Path(sys.argv[1]))
print("ready", flush=True)
n = 0
while True:
    n += 1
    state.mark(f"id-{n % 50}", not state.is_read(f"id-{n % 50}"))
    state.mark(f"pad-{n}", True)
    state.save()
"""


def test_kill_9_mid_save_leaves_a_whole_state_file_and_no_temporaries_piling_up(
    tmp_path: Path,
) -> None:
    path = tmp_path / "read.json"

    def whole() -> None:
        if path.exists():
            document = json.loads(path.read_text())  # whole, never half-written
            assert document["format_version"] == 1

    kill_9_mid_save(_SAVER, [path], whole)
    # The next save clears what the killed savers left: at most its own file stays.
    state, warnings = ReadState.load(path)
    assert warnings == []
    state.mark("last", True)
    state.save()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["read.json"]
    assert "last" in json.loads(path.read_text())["read"]


def test_a_temporary_of_a_live_writer_is_left_alone(tmp_path: Path) -> None:
    # Another reader mid-save (this test's parent stands in for it): its file is not ours.
    live = tmp_path / f".read.json.{os.getppid()}.abcdefgh.tmp"
    live.write_text("{")
    state, _ = ReadState.load(tmp_path / "read.json")
    state.mark("a")
    state.save()
    assert live.exists()


def test_a_state_folder_under_a_regular_file_keeps_the_marks_in_memory(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    state, warnings = ReadState.load(blocker / "briefing-reader" / "read.json")
    assert len(warnings) == 1 and str(blocker) in warnings[0]
    state.mark("a")
    state.save()  # read-only for the session: nothing to fail
    assert state.is_read("a")
    assert blocker.read_text() == "not a folder"


def test_a_full_disk_keeps_the_old_file_and_the_marks_for_the_next_save(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "read.json"
    state, _ = ReadState.load(path)
    state.mark("a")
    state.save()
    before = path.read_bytes()

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", full)
    state.mark("b")
    with pytest.raises(OSError, match="No space"):
        state.save()
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["read.json"]
    monkeypatch.setattr(os, "fsync", real_fsync)  # space again: b is saved after all
    state.save()
    assert set(json.loads(path.read_text())["read"]) == {"a", "b"}


@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_a_state_file_that_is_no_state_file_is_not_read_nor_replaced(
    tmp_path: Path, kind: str
) -> None:
    path = tmp_path / "read.json"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "dev-zero":
        path.symlink_to("/dev/zero")
    else:
        raise AssertionError(kind)
    # In a child with a guard: today's code blocks on the FIFO and reads /dev/zero for ever.
    script = (
        "import sys; from pathlib import Path; from briefing_reader.library.state import"
        " ReadState; s, w = ReadState.load(Path(sys.argv[1])); s.mark('a'); s.save();"
        " print(len(w), w[0] if w else '', sep='\\n')"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        preexec_fn=_memory_cap,
    )
    assert done.returncode == 0, done.stderr
    count, warning = done.stdout.splitlines()
    assert count == "1" and str(path) in warning and "not be saved" in warning
    assert path.is_fifo() if kind == "fifo" else path.is_symlink()


def test_a_huge_state_file_is_moved_aside_unread(tmp_path: Path) -> None:
    path = tmp_path / "read.json"
    with path.open("wb") as handle:
        handle.truncate(100 * 1024 * 1024)  # sparse: 100 MB of NULs
    state, warnings = ReadState.load(path)
    assert len(warnings) == 1 and "moved aside" in warnings[0]
    state.mark("a")
    state.save()
    assert list(json.loads(path.read_text())["read"]) == ["a"]


def _memory_cap() -> None:
    import resource

    # Reading /dev/zero without end must end in a MemoryError, not in the machine swapping.
    resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))


def test_an_hour_old_temporary_without_a_process_id_is_removed(tmp_path: Path) -> None:
    # What older versions left when killed mid-save: no process id to ask, only its age.
    old = tmp_path / ".read.json.k3j4h5g6.tmp"
    old.write_text("{")
    hour_ago = time.time() - 3700
    os.utime(old, (hour_ago, hour_ago))
    young = tmp_path / ".read.json.a1b2c3d4.tmp"
    young.write_text("{")
    state, _ = ReadState.load(tmp_path / "read.json")
    state.mark("a")
    state.save()
    assert not old.exists() and young.exists()
