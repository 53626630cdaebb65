"""A poisoned, killed or unwritable index cache: rebuilt silently, never believed, never a crash."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from briefing_reader import __version__
from briefing_reader.library.index import (
    CACHE_NAME,
    FORMAT_VERSION,
    POOLED,
    TEXTS_NAME,
    Entry,
    Index,
)
from tests.conftest import kill_9_mid_save
from tests.unit.test_library import make_library


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    make_library(tmp_path / "lib", 3)
    return tmp_path / "lib"


def _fresh(folder: Path) -> Index:
    return Index.load([folder], use_cache=False)


def _poison(cache: Path, rows: list[object], **fields: object) -> None:
    """A cache of these rows ([key, *entry, source size, source mtime_ns], the key dropped
    and the rows turned to columns as format 5 stores them), for these folders from here."""
    header = {
        "format_version": FORMAT_VERSION,
        "package_version": __version__,
        "scan_ns": 0,
        "cwd": os.getcwd(),
        "count": len(rows) if isinstance(rows, list) else 0,
        **fields,
    }
    body: object = rows
    if isinstance(rows, list) and rows and all(isinstance(row, list) for row in rows):
        unkeyed = [row[1:] for row in rows]
        columns: list[object] = [list(column) for column in zip(*unkeyed, strict=True)]
        for name in POOLED:  # pooled columns: [distinct values, one index per row]
            at = Entry._fields.index(name)
            values = columns[at] if at < len(columns) else None  # [[1, 2, 3]] has no tags
            if isinstance(values, list):
                columns[at] = [values, list(range(len(values)))]
        body = columns
    lines = [header, [], body]
    cache.write_text("".join(json.dumps(line) + "\n" for line in lines))


def _good_row(folder: Path, title: object = "Briefing number 0") -> list[object]:
    # Well typed, for a file that is there, but not as it is now (size 1): never believed.
    path = str(folder / "b-000.yaml")
    return [os.path.abspath(path), path, 1, 1, 0, 0, None, None, "briefing-0", title]


@pytest.mark.parametrize(
    "case",
    ["wrong types", "bool for int", "huge int", "huge float", "not a list", "outside"],
)
def test_a_poisoned_cache_is_rebuilt_and_not_believed(
    tmp_path: Path, folder: Path, case: str
) -> None:
    cache = tmp_path / "cache" / CACHE_NAME
    cache.parent.mkdir()
    stale = _good_row(folder)
    outside = ["/etc/passwd", "/etc/passwd", 1, 1, 0, 0, None, None, "pwned", "\x1b]0;pwned\x07"]
    if case == "wrong types":
        _poison(cache, [[1, 2, 3]])
    elif case == "bool for int":
        _poison(cache, [], scan_ns=True)
    elif case == "huge int":
        cache.write_text(
            f'{{"format_version":{FORMAT_VERSION},"package_version":"{__version__}",'
            f'"scan_ns":{"9" * 5000},"cwd":"/","count":0}}\n[]\n[]\n'
        )
    elif case == "huge float":
        cache.write_text(
            f'{{"format_version":{FORMAT_VERSION},"package_version":"{__version__}",'
            f'"scan_ns":1e999,"cwd":"/","count":0}}\n[]\n[]\n'
        )
    elif case == "not a list":
        _poison(cache, {"a": 1})  # type: ignore[arg-type]
    else:
        _poison(cache, [stale + [None] * 5 + [[], -1, -1], outside + [None] * 5 + [[], -1, -1]])
    index = Index.load([folder], cache_path=cache)
    assert index.entries == _fresh(folder).entries
    assert index.stats.reused == 0 and index.stats.saved
    assert "pwned" not in cache.read_text()  # rewritten from the files, not the poison
    assert Index.load([folder], cache_path=cache).stats.reused == 3  # and good again


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "huge"])
def test_a_cache_that_is_no_file_is_not_read_and_is_replaced(tmp_path: Path, kind: str) -> None:
    folder = tmp_path / "lib"
    make_library(folder, 3)
    cache = tmp_path / "cache" / CACHE_NAME
    cache.parent.mkdir()
    texts = cache.with_name(TEXTS_NAME)
    if kind == "fifo":
        os.mkfifo(cache)
        os.mkfifo(texts)
    elif kind == "dev-zero":
        cache.symlink_to("/dev/zero")
        texts.symlink_to("/dev/zero")
    else:  # valid JSON, padded to 100 MB: not worth reading
        for path in (cache, texts):
            with path.open("w") as handle:
                handle.write("{" + " " * (100 * 1024 * 1024) + "}")
    # In a child with guards: today's code waits on the FIFO and reads /dev/zero for ever.
    script = (
        "import sys; from pathlib import Path; from briefing_reader.library.index import Index;"
        " i = Index.load([Path(sys.argv[1])], cache_path=Path(sys.argv[2]));"
        " print(len(i), i.stats.cache, i.stats.saved, len(i.texts()))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(folder), str(cache)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        preexec_fn=_memory_cap,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["3", "invalid", "True", "3"]
    assert not cache.is_symlink() and cache.is_file()  # our file now, and /dev/zero untouched
    assert Path("/dev/zero").is_char_device()
    assert Index.load([folder], cache_path=cache).stats.reused == 3


def _memory_cap() -> None:
    import resource

    # Reading /dev/zero without end must end in a MemoryError, not in the machine swapping.
    resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))


def test_a_cache_folder_under_a_regular_file_costs_only_speed(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    make_library(folder, 3)
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    index = Index.load([folder], cache_path=blocker / "briefing-reader" / CACHE_NAME)
    assert len(index) == 3 and not index.stats.saved
    assert len(index.texts()) == 3
    assert blocker.read_text() == "not a folder"


def test_a_full_cache_disk_keeps_the_old_cache_and_leaves_no_temporary(
    tmp_path: Path, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache" / CACHE_NAME
    Index.load([folder], cache_path=cache)
    before = cache.read_bytes()

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    (folder / "b-003.yaml").write_text((folder / "b-000.yaml").read_text())
    index = Index.load([folder], cache_path=cache)
    assert len(index) == 4 and not index.stats.saved
    assert cache.read_bytes() == before
    assert sorted(p.name for p in cache.parent.iterdir()) == [CACHE_NAME, TEXTS_NAME]


# Rewrites the cache as fast as it can: one file changes each time, so each load saves.
_SAVER = """
import os, sys
from pathlib import Path
from briefing_reader.library.index import Index
folder, cache = Path(sys.argv[1]), Path(sys.argv[2])
print("ready", flush=True)
n = 0
while True:
    n += 1
    (folder / "b-000.yaml").write_text((folder / "b-001.yaml").read_text() + f"# {n}\\n")
    Index.load([folder], cache_path=cache, workers=1)
"""


def test_kill_9_mid_save_leaves_a_whole_cache_and_no_temporaries_piling_up(
    tmp_path: Path, folder: Path
) -> None:
    cache = tmp_path / "cache" / CACHE_NAME

    def whole() -> None:
        for path in (cache, cache.with_name(TEXTS_NAME)):
            if path.exists():  # whole, never half-written (the index: a document a line)
                for line in path.read_text().splitlines():
                    json.loads(line)

    # Later than the others: each save first loads and indexes the folder.
    kill_9_mid_save(_SAVER, [folder, cache], whole, wait=(0.05, 0.3))
    (folder / "b-002.yaml").write_text((folder / "b-001.yaml").read_text() + "# last\n")
    assert Index.load([folder], cache_path=cache).stats.saved
    assert sorted(p.name for p in cache.parent.iterdir()) == [CACHE_NAME, TEXTS_NAME]


def test_a_search_of_sources_reads_no_article_outside_its_briefings_folder(tmp_path: Path) -> None:
    # A cache row's source path is the cache's word only: a tampered one naming a file
    # outside the briefing's folder must not let `/` with ctrl+t read (and reveal) it.
    from briefing_reader.library.index import Entry
    from briefing_reader.library.session import source_matches

    library = tmp_path / "lib"
    library.mkdir()
    (library / "sources").mkdir()
    inside = library / "sources" / "article.txt"
    inside.write_text("the quarterly loss widened\n")
    secret = tmp_path / "shadow"
    secret.write_text("root:hunter2\n")
    (library / "sources" / "link.txt").symlink_to(secret)

    def entry(source: Path) -> Entry:
        return Entry(str(library / "a.yaml"), 1, 1, 0, 0, None, source=str(source))

    entries = (entry(inside), entry(secret), entry(library / "sources" / "link.txt"))
    assert source_matches(entries, "loss") == {0}
    assert source_matches(entries, "hunter2") == set()
