"""The one policy for source articles: inside the briefing's folder, one size rule, one decoding.

Every reader of articles (the validator, the index, the source pane, the library's search
of the sources) goes through `checks.sources`, so what is tested here is what they all see.
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

import pytest

from briefing_reader.checks.sources import (
    MAX_SOURCE_BYTES,
    SourceCache,
    SourceError,
    article_text,
    read_source,
    source_of,
    source_path,
)
from briefing_reader.loading import Loaded, load_file
from tests.conftest import BUNDLED

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="needs POSIX files")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A briefing's folder with its article in sources/, and a private file beside it."""
    (tmp_path / "library" / "sources").mkdir(parents=True)
    (tmp_path / "library" / "sources" / "a.txt").write_text("The article.\n", encoding="utf-8")
    (tmp_path / "private.txt").write_text("Not for briefings.\n", encoding="utf-8")
    return tmp_path / "library"


def briefing_in(folder: Path) -> Path:
    return folder / "b.yaml"


# --- inside the folder ------------------------------------------------------------------------


@pytest.mark.parametrize("file", ["sources/a.txt", "sources\\a.txt", "./sources/a.txt"])
def test_a_path_inside_the_folder_is_the_article(folder: Path, file: str) -> None:
    path = source_path(briefing_in(folder), file)
    assert path == (folder / "sources" / "a.txt").resolve()
    assert article_text(path) == "The article.\n"


def test_dot_dot_that_stays_inside_the_folder_is_inside(folder: Path) -> None:
    path = source_path(briefing_in(folder), "sources/../sources/a.txt")
    assert path == (folder / "sources" / "a.txt").resolve()


@pytest.mark.parametrize("file", ["../private.txt", "sources/../../private.txt"])
def test_a_path_out_of_the_folder_is_refused(folder: Path, file: str) -> None:
    with pytest.raises(SourceError) as caught:
        source_path(briefing_in(folder), file)
    assert str(caught.value) == f"source.file '{file}' must be a path inside the briefing's folder"


def test_an_absolute_path_is_refused_even_when_it_exists(folder: Path) -> None:
    private = str(folder.parent / "private.txt")
    with pytest.raises(SourceError, match="must be a path inside the briefing's folder"):
        source_path(briefing_in(folder), private)


@posix_only
def test_a_symlink_out_of_the_folder_is_refused(folder: Path) -> None:
    (folder / "sources" / "leak.txt").symlink_to(folder.parent / "private.txt")
    (folder / "elsewhere").symlink_to(folder.parent, target_is_directory=True)
    for file in ("sources/leak.txt", "elsewhere/private.txt"):
        with pytest.raises(SourceError) as caught:
            source_path(briefing_in(folder), file)
        assert str(caught.value) == (
            f"source.file '{file}' must be a path inside the briefing's folder "
            "(it is a link out of it)"
        )


@posix_only
def test_symlinks_that_stay_inside_are_followed(folder: Path, tmp_path: Path) -> None:
    (folder / "sources" / "same.txt").symlink_to("a.txt")
    assert article_text(source_path(briefing_in(folder), "sources/same.txt")) == "The article.\n"
    # A library reached through a link to its folder: its own articles are still inside.
    (tmp_path / "shortcut").symlink_to(folder, target_is_directory=True)
    path = source_path(tmp_path / "shortcut" / "b.yaml", "sources/a.txt")
    assert article_text(path) == "The article.\n"


def test_no_file_named_is_an_error_not_the_folder(folder: Path) -> None:
    with pytest.raises(SourceError, match=r"^this briefing names no source file$"):
        source_path(briefing_in(folder), "")


def test_source_of_a_loaded_briefing() -> None:
    loaded = load_file(BUNDLED)
    assert source_of(loaded) == (BUNDLED.parent / "sources" / "core-scientific-expansion.txt")
    assert source_of(Loaded(BUNDLED, None)) is None


# --- one size rule ----------------------------------------------------------------------------


def test_an_article_of_exactly_the_limit_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"a" * (MAX_SOURCE_BYTES - 4) + b"end.")
    text = article_text(path)
    assert len(text) == MAX_SOURCE_BYTES and text.endswith("end.")


def test_an_article_past_the_limit_is_refused_not_cut_short(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"a" * MAX_SOURCE_BYTES + b"!")
    with pytest.raises(SourceError) as caught:
        article_text(path)
    assert str(caught.value) == f"big.txt is larger than {MAX_SOURCE_BYTES:,} bytes"
    assert caught.value.reason == f"is larger than {MAX_SOURCE_BYTES:,} bytes"


# --- one decoding -----------------------------------------------------------------------------


def test_a_leading_bom_is_dropped_and_others_kept(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbfHeadline\n\xef\xbb\xbfinner")
    assert article_text(path) == "Headline\n\ufeffinner"


def test_utf8_is_decoded_and_line_breaks_kept(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes("Caf\u00e9 \u201cquoted\u201d\r\nnext".encode())
    assert article_text(path) == "Caf\u00e9 \u201cquoted\u201d\r\nnext"


def test_invalid_utf8_is_an_error_naming_the_byte(tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes("Caf\u00e9".encode("latin-1"))
    with pytest.raises(SourceError, match=r"^latin\.txt is not UTF-8 text \(byte 3\)$"):
        article_text(path)


# --- what is not an article ---------------------------------------------------------------------


def test_a_missing_file_raises_the_os_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        article_text(tmp_path / "gone.txt")


def test_a_folder_is_not_an_article(tmp_path: Path) -> None:
    (tmp_path / "sources").mkdir()
    with pytest.raises(SourceError, match=r"^sources is a folder, not a file$"):
        article_text(tmp_path / "sources")


@posix_only
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    outcome: list[BaseException | str] = []

    def read() -> None:
        try:
            outcome.append(article_text(fifo))
        except BaseException as exc:  # reported to the test below, whatever it is
            outcome.append(exc)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout=30)
    if reader.is_alive():
        # Unblock the stuck reader so the test run can end, then fail.
        with open(fifo, "wb"):
            pass
        pytest.fail("reading a FIFO named as the source blocked")
    assert len(outcome) == 1 and isinstance(outcome[0], SourceError)
    assert str(outcome[0]) == "pipe.txt is not a regular file"


@posix_only
def test_a_device_is_refused_not_read() -> None:
    with pytest.raises(SourceError, match=r"^zero is not a regular file$"):
        article_text(Path("/dev/zero"))


# --- the cache ----------------------------------------------------------------------------------


def test_cache_reads_each_article_once(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("First \u201cversion\u201d.", encoding="utf-8")
    cache = SourceCache()
    assert cache.text(path) == "First \u201cversion\u201d."
    path.write_text("Second version.", encoding="utf-8")
    assert cache.text(path) == "First \u201cversion\u201d."
    assert cache.normalized(path) == 'First "version".'
    assert SourceCache().text(path) == "Second version."


def test_cache_remembers_failures_too(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    cache = SourceCache()
    with pytest.raises(FileNotFoundError):
        cache.text(path)
    path.write_text("Now here.", encoding="utf-8")
    with pytest.raises(FileNotFoundError):
        cache.normalized(path)
    assert SourceCache().text(path) == "Now here."


def test_cache_applies_the_same_policy(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"a" * (MAX_SOURCE_BYTES + 1))
    with pytest.raises(SourceError, match="larger than"):
        SourceCache().text(path)


# --- for display ----------------------------------------------------------------------------------


def briefing_citing(folder: Path, file: str) -> Loaded:
    text = BUNDLED.read_text(encoding="utf-8").replace(
        "file: sources/core-scientific-expansion.txt", f"file: {file}"
    )
    (folder / "b.yaml").write_text(text, encoding="utf-8")
    return load_file(folder / "b.yaml")


def test_read_source_shows_control_characters_as_symbols(folder: Path) -> None:
    (folder / "sources" / "a.txt").write_bytes(b"\xef\xbb\xbfRed \x1b[31malert\x1b[0m\n")
    assert read_source(briefing_citing(folder, "sources/a.txt")) == ("Red \u241b[31malert\u241b[0m")


def test_read_source_refuses_what_the_validator_refuses(folder: Path) -> None:
    with pytest.raises(SourceError, match="must be a path inside the briefing's folder"):
        read_source(briefing_citing(folder, "../private.txt"))
    (folder / "sources" / "bad.txt").write_bytes(b"\xff")
    with pytest.raises(SourceError, match=r"^bad\.txt is not UTF-8 text \(byte 0\)$"):
        read_source(briefing_citing(folder, "sources/bad.txt"))
    with pytest.raises(FileNotFoundError):
        read_source(briefing_citing(folder, "sources/gone.txt"))
