"""Strange files where briefings are looked for: FIFOs, terminals, devices, link loops,
folders named *.yaml, very deep trees, many files, and sources that are no plain files.

Each must give one line naming the file, lose nothing beside it, and never hang: where
the old code waited forever, a guard unblocks it and the test fails instead.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest

from briefing_reader.checks.sources import SourceError, read_source
from briefing_reader.checks.validate import check_file
from briefing_reader.library.index import Index
from briefing_reader.loading import discover, load_file
from tests.conftest import ARTICLE, BUNDLED, OLD

T = TypeVar("T")
GUARD = 20.0  # seconds: only a hang takes this long

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs (POSIX)")


def messages(loaded: object) -> list[str]:
    return [str(p) for p in loaded.problems]  # type: ignore[attr-defined]


def unblock_fifo(fifo: Path) -> None:
    """Give a reader stuck opening ``fifo`` its end-of-file (a writer that opens and closes)."""
    with contextlib.suppress(OSError):
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))


def without_hanging(work: Callable[[], T], unblock: Callable[[], None]) -> T:
    """``work()``'s result; if it is still running after GUARD, ``unblock`` it and fail."""
    outcome: list[T] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            outcome.append(work())
        except BaseException as exc:  # raised again in the test's own thread
            failure.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(GUARD)
    if thread.is_alive():
        for _ in range(50):  # it may be stuck on one FIFO after another
            unblock()
            thread.join(0.1)
            if not thread.is_alive():
                break
        pytest.fail("it hung on a file that is not a regular file")
    if failure:
        raise failure[0]
    return outcome[0]


def good_briefing(folder: Path, name: str = "acme.yaml") -> Path:
    """A valid briefing (the bundled one) with its source, in ``folder``."""
    (folder / "sources").mkdir(parents=True, exist_ok=True)
    for article in (BUNDLED.parent / "sources").iterdir():
        (folder / "sources" / article.name).write_bytes(article.read_bytes())
    path = folder / name
    path.write_bytes(BUNDLED.read_bytes())
    return path


# --- one file --------------------------------------------------------------------------------


def test_a_fifo_named_like_a_briefing_is_refused_without_waiting(tmp_path: Path) -> None:
    """Before: load_file waited forever for a writer (validate, show and the index hung)."""
    fifo = tmp_path / "x.yaml"
    os.mkfifo(fifo)
    loaded = without_hanging(lambda: load_file(fifo), lambda: unblock_fifo(fifo))
    assert messages(loaded) == [
        f"{fifo}: error: cannot read file: it is a named pipe (FIFO), not a regular file"
    ]
    assert loaded.briefing is None


def test_a_link_to_a_terminal_is_refused_and_no_key_is_taken(tmp_path: Path) -> None:
    """Before: the terminal was read as the briefing, taking the keys typed on it (q and
    Ctrl+C included). A pty stands in for the user's terminal."""
    master, slave = os.openpty()
    try:
        link = tmp_path / "tty.yaml"
        link.symlink_to(os.ttyname(slave))
        os.write(master, b"q\n")  # keys waiting to be read by whoever owns the terminal
        loaded = without_hanging(lambda: load_file(link), lambda: os.write(master, b"\n"))
        assert messages(loaded) == [
            f"{link}: error: cannot read file: it is a device, not a regular file"
        ]
        os.set_blocking(slave, False)
        assert os.read(slave, 100) == b"q\n"  # still there for the reader's own keys
    finally:
        os.close(master)
        os.close(slave)


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_a_link_to_a_device_is_refused_unread(tmp_path: Path, device: str) -> None:
    """Before: /dev/zero and /dev/urandom were read up to the size limit ("file is larger
    than ..."), and /dev/null was an empty briefing."""
    if not Path(device).exists():
        pytest.skip(f"no {device} here")
    link = tmp_path / "dev.yaml"
    link.symlink_to(device)
    assert messages(load_file(link)) == [
        f"{link}: error: cannot read file: it is a device, not a regular file"
    ]


def test_a_link_loop_is_one_error_line(tmp_path: Path) -> None:
    first, second = tmp_path / "loop1.yaml", tmp_path / "loop2.yaml"
    first.symlink_to(second)
    second.symlink_to(first)
    assert messages(load_file(first)) == [
        f"{first}: error: cannot read file: Too many levels of symbolic links"
    ]
    assert discover([first]) == [first]  # named on the command line: listed, not dropped


# --- a folder --------------------------------------------------------------------------------


def strange_folder(folder: Path) -> dict[str, str]:
    """A library holding one good briefing and one of each strange file, by name: the
    message each strange one must give (None for the good one)."""
    good_briefing(folder)
    os.mkfifo(folder / "fifo.yaml")
    (folder / "zero.yaml").symlink_to("/dev/zero")
    (folder / "loop1.yaml").symlink_to("loop2.yaml")
    (folder / "loop2.yaml").symlink_to("loop1.yaml")
    (folder / "d.yaml").mkdir()  # a folder: walked into, never listed itself
    return {
        "fifo.yaml": "it is a named pipe (FIFO), not a regular file",
        "loop1.yaml": "Too many levels of symbolic links",
        "loop2.yaml": "Too many levels of symbolic links",
        "zero.yaml": "it is a device, not a regular file",
    }


def test_an_index_lists_every_strange_file_as_an_error_beside_the_good_one(
    tmp_path: Path,
) -> None:
    """Before: the index hung on the FIFO, so the library stayed at "indexing…" for good."""
    folder = tmp_path / "lib"
    expected = strange_folder(folder)
    index = without_hanging(
        lambda: Index.load([folder], use_cache=False, workers=1),
        lambda: unblock_fifo(folder / "fifo.yaml"),
    )
    by_name = {Path(e.path).name: e for e in index.entries}
    assert sorted(by_name) == sorted(["acme.yaml", *expected])
    assert by_name["acme.yaml"].error_count == 0 and by_name["acme.yaml"].id is not None
    for name, reason in expected.items():
        entry = by_name[name]
        assert entry.error_count == 1 and entry.id is None
        assert entry.first_problem == f"{folder / name}: error: cannot read file: {reason}"


def test_a_folder_named_like_a_briefing_is_walked_and_a_linked_folder_is_not(
    tmp_path: Path,
) -> None:
    (tmp_path / "d.yaml").mkdir()
    inside = good_briefing(tmp_path / "d.yaml", "inner.yaml")
    elsewhere = tmp_path / "elsewhere"
    good_briefing(elsewhere)
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "link.yaml").symlink_to(elsewhere, target_is_directory=True)
    (tmp_path / "lib" / "linked").symlink_to(elsewhere, target_is_directory=True)
    assert discover([tmp_path / "d.yaml"]) == [inside]
    assert discover([tmp_path / "lib"]) == []


def nested(top: Path, depth: int) -> Path:
    """``depth`` folders one inside the other under ``top`` (built without recursion,
    which os.makedirs would use); the innermost."""
    path = top
    for _ in range(depth):
        path = path / "d"
        path.mkdir()
    return path


def remove_nested(top: Path) -> None:
    """Remove what :func:`nested` made, deepest first: shutil.rmtree recurses too."""
    paths = [top]
    while (paths[-1] / "d").is_dir():
        paths.append(paths[-1] / "d")
    for path in reversed(paths):
        for child in path.iterdir():
            if not child.is_dir():
                child.unlink()
        path.rmdir()


@pytest.fixture
def deep(tmp_path: Path) -> Iterator[Callable[[int], tuple[Path, Path]]]:
    made: list[Path] = []

    def make(depth: int) -> tuple[Path, Path]:
        top = tmp_path / f"deep{depth}"
        top.mkdir()
        made.append(top)
        return top, nested(top, depth)

    yield make
    for top in made:
        remove_nested(top)


@pytest.mark.parametrize("depth", [200, 1200])
def test_a_very_deep_tree_is_walked_to_its_bottom(
    deep: Callable[[int], tuple[Path, Path]], depth: int
) -> None:
    """Before: a tree 1,200 folders deep raised RecursionError (a traceback)."""
    top, bottom = deep(depth)
    (top / "top.yaml").write_text("format: briefing/1\n")
    (bottom / "leaf.yaml").write_text("format: briefing/1\n")
    assert discover([top]) == [bottom / "leaf.yaml", top / "top.yaml"]


def test_many_tiny_files_are_all_indexed_in_order(tmp_path: Path) -> None:
    """Stands in for a folder of 50,000 (measured by hand: see the README): none lost,
    in discovery order, through the worker processes."""
    folder = tmp_path / "many"
    good_briefing(folder)
    for number in range(600):
        path = folder / f"f{number:05}.yaml"
        path.write_text(f"format: briefing/1\nid: tiny-{number}\n")
        os.utime(path, ns=(OLD, OLD))
    index = Index.load([folder], use_cache=False, workers=2, parallel_threshold=100)
    names = [Path(e.path).name for e in index.entries]
    assert names == ["acme.yaml", *(f"f{n:05}.yaml" for n in range(600))]
    assert all(e.error_count > 0 for e in index.entries[1:])  # tiny and incomplete


# --- source articles ---------------------------------------------------------------------------


def briefing_citing(folder: Path) -> Path:
    """A briefing in ``folder`` whose source.file is sources/article.txt (not yet made)."""
    text = BUNDLED.read_text(encoding="utf-8")
    start = text.index("file:", text.index("source:"))
    end = text.index("\n", start)
    path = folder / "b.yaml"
    (folder / "sources").mkdir(parents=True)
    path.write_text(text[:start] + "file: sources/article.txt" + text[end:], encoding="utf-8")
    return path


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_a_source_that_is_a_fifo_or_a_device_is_refused(tmp_path: Path, kind: str) -> None:
    path = briefing_citing(tmp_path)
    article = tmp_path / "sources" / "article.txt"
    if kind == "fifo":
        os.mkfifo(article)
    else:
        article.symlink_to("/dev/zero")
    loaded = without_hanging(lambda: check_file(path), lambda: unblock_fifo(article))
    errors = [str(p) for p in loaded.errors if "source.file" in p.message]
    assert len(errors) == 1 and str(path) in errors[0]
    reason = "is not a regular file" if kind == "fifo" else "must be a path inside"
    assert reason in errors[0]
    with pytest.raises(SourceError):
        without_hanging(lambda: read_source(load_file(path)), lambda: unblock_fifo(article))


def test_a_source_linked_out_of_the_briefings_folder_is_never_read(tmp_path: Path) -> None:
    """sources/article.txt -> a private file elsewhere: not shown by `s`, not checked."""
    private = tmp_path / "private.txt"
    private.write_text(ARTICLE + "SECRET\n")
    folder = tmp_path / "lib"
    path = briefing_citing(folder)
    (folder / "sources" / "article.txt").symlink_to(private)
    with pytest.raises(SourceError, match="link out of it"):
        read_source(load_file(path))
    problems = [str(p) for p in check_file(path).errors]
    assert any("link out of it" in p for p in problems)
    assert not any("SECRET" in p for p in problems)


# --- helpers that outlive us -----------------------------------------------------------------

_POOL_OWNER = textwrap.dedent(
    """
    import multiprocessing, os, signal, sys, time
    from concurrent.futures import ProcessPoolExecutor
    from briefing_reader.library.lifeline import exit_with

    def pid(_):
        return os.getpid()

    def stay(_):
        time.sleep(60)

    if __name__ == "__main__":
        context = multiprocessing.get_context(sys.argv[1])
        pool = ProcessPoolExecutor(
            2, mp_context=context, initializer=exit_with, initargs=(os.getpid(),)
        )
        pids = set(pool.map(pid, range(20)))
        for _ in range(4):
            pool.submit(stay, None)
        print(*sorted(pids), flush=True)
        time.sleep(0.5)
        os.kill(os.getpid(), signal.SIGKILL)
    """
)


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc (Linux)")
@pytest.mark.parametrize("method", ["forkserver", "spawn"])
def test_pool_workers_die_with_the_process_that_started_them(tmp_path: Path, method: str) -> None:
    """A worker busy (or waiting for work) when its pool's owner is SIGKILLed ends too.
    Before: nothing told them; a forkserver's workers and the server itself ran on."""
    script = tmp_path / "owner.py"
    script.write_text(_POOL_OWNER)
    run = subprocess.run(
        [sys.executable, str(script), method], capture_output=True, text=True, timeout=120
    )
    pids = [int(word) for word in run.stdout.split()]
    assert pids, run.stderr
    deadline = time.monotonic() + GUARD
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = [pid for pid in pids if alive(pid)]
    for pid in left:  # ours: clean up before failing
        with contextlib.suppress(OSError):
            os.kill(pid, 9)
    assert left == [], "workers outlived the process that started them"
