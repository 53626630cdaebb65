"""The library backbone: the cached index of briefing files and the read state."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from briefing_reader.config import cache_dir, state_dir
from briefing_reader.library import index as index_module
from briefing_reader.library.index import (
    BRIEFING_FIELDS,
    CACHE_NAME,
    TEXTS_NAME,
    Entry,
    Index,
    build_entry_and_text,
)
from briefing_reader.library.state import ReadState
from briefing_reader.library.view import LibraryView, shown_date
from briefing_reader.model import Briefing
from tests.conftest import ARTICLE, BUNDLED, FIXTURES, OLD, load


def briefing_text(number: int, *, evidence: str = "Energy costs rose sharply.") -> str:
    return f"""\
format: briefing/1
id: briefing-{number}
title: Briefing number {number}
subject: Company {number % 7}
period: Q{number % 4 + 1} 2024
dateline: Austin, TX
summary: Acme's Quarter {number}.
tags: [energy, tag-{number}]
source: {{title: Acme article, file: sources/article.txt}}
headline_facts:
  - {{label: Net loss, value: $12 million, evidence: "Acme lost $12 million in the quarter."}}
loss_drivers:
  - {{title: Energy, detail: Energy got dearer., evidence: "{evidence}"}}
ceo_quote: {{text: we will grow again, speaker: A. Person, role: CEO}}
open_questions: []
"""


def make_library(folder: Path, count: int) -> list[Path]:
    (folder / "sources").mkdir(parents=True)
    (folder / "sources" / "article.txt").write_text(ARTICLE)
    os.utime(folder / "sources" / "article.txt", ns=(OLD, OLD))
    paths = []
    for number in range(count):
        path = folder / f"b-{number:03}.yaml"
        path.write_text(briefing_text(number))
        os.utime(path, ns=(OLD, OLD))
        paths.append(path)
    return paths


def fresh(folder: Path) -> Index:
    return Index.load([folder], use_cache=False, workers=1)


def entry_of(path: Path) -> Entry:
    """One file's entry, as live reload makes it when that file changes."""
    return build_entry_and_text(path)[0]


@pytest.fixture
def library(tmp_path: Path) -> Path:
    folder = tmp_path / "library"
    make_library(folder, 12)
    return folder


# --- entries -----------------------------------------------------------------------------------


def test_entry_of_a_good_briefing(library: Path) -> None:
    entry = entry_of(library / "b-003.yaml")
    assert entry.path == str(library / "b-003.yaml")
    assert (entry.id, entry.title, entry.subject, entry.period, entry.dateline) == (
        "briefing-3", "Briefing number 3", "Company 3", "Q4 2024", "Austin, TX",
    )  # fmt: skip
    assert entry.tags == ("energy", "tag-3")
    assert (entry.error_count, entry.warning_count, entry.first_problem) == (0, 0, None)
    assert entry.mtime_ns == OLD and entry.size == (library / "b-003.yaml").stat().st_size
    assert entry.source == str(library / "sources" / "article.txt")
    _, text = build_entry_and_text(library / "b-003.yaml")
    # Every text field as written; not the format or the source's file name.
    for field in (
        "Briefing number 3",
        "Acme's Quarter 3",
        "Energy got dearer.",
        "A. Person",
        "CEO",
    ):
        assert field in text
    assert "briefing/1" not in text and "article.txt" not in text


def test_search_texts_come_from_their_own_cache_file(library: Path) -> None:
    first = Index.load([library])
    assert first.stats.saved and (cache_dir() / TEXTS_NAME).is_file()
    again = Index.load([library])
    assert again.stats.reused == 12
    texts = again.texts()
    assert len(texts) == 12 and "Briefing number 3" in texts[3]
    assert texts == [build_entry_and_text(Path(e.path))[1] for e in again.entries]


def test_a_missing_texts_file_only_costs_a_reparse(library: Path) -> None:
    Index.load([library])
    (cache_dir() / TEXTS_NAME).write_bytes(b"garbage")
    again = Index.load([library])
    assert again.stats.reused == 12
    assert "Briefing number 7" in again.texts()[7]


def test_progress_is_reported_while_parsing(library: Path) -> None:
    seen: list[tuple[int, int]] = []
    Index.load([library], use_cache=False, workers=1, progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (12, 12)


def test_entries_of_files_with_problems_carry_counts_and_first_problem(tmp_path: Path) -> None:
    folder = tmp_path / "fixtures"
    shutil.copytree(FIXTURES, folder)
    by_name = {Path(e.path).name: e for e in fresh(folder).entries}
    warned = by_name["warned.yaml"]
    assert warned.id == "warned" and warned.error_count >= 1
    assert warned.first_problem is not None and ": error: " in warned.first_problem
    assert warned.first_problem.startswith(str(folder / "warned.yaml") + ":")
    broken = by_name["broken.yaml"]
    assert (broken.id, broken.title) == (None, None)
    assert broken.error_count == 1 and broken.first_problem is not None
    minimal = by_name["minimal.yaml"]
    assert (minimal.error_count, minimal.warning_count, minimal.first_problem) == (0, 0, None)


def test_a_warning_only_briefing_reports_the_warning(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    make_library(folder, 1)
    text = briefing_text(0).replace(', evidence: "Energy costs rose sharply."', "")
    (folder / "b-000.yaml").write_text(text)
    entry = entry_of(folder / "b-000.yaml")
    assert (entry.error_count, entry.warning_count) == (0, 1)
    assert entry.first_problem is not None and ": warning: " in entry.first_problem


def test_the_bundled_briefing_indexes_cleanly() -> None:
    entry = entry_of(BUNDLED)
    assert entry.id == "core-scientific-2024-q4" and entry.error_count == 0
    assert "Core Scientific" in build_entry_and_text(BUNDLED)[1]


# --- the index and its cache -------------------------------------------------------------------


def test_second_load_reuses_every_entry(library: Path) -> None:
    first = Index.load([library])
    assert first.stats.cache == "missing" and first.stats.parsed == 12 and first.stats.saved
    assert (cache_dir() / CACHE_NAME).is_file()
    second = Index.load([library])
    assert (second.stats.reused, second.stats.parsed, second.stats.cache) == (12, 0, "used")
    assert not second.stats.saved  # nothing changed: no write
    assert second.entries == first.entries == fresh(library).entries
    assert [Path(e.path).name for e in second.entries] == [f"b-{n:03}.yaml" for n in range(12)]


def test_a_changed_file_is_parsed_again(library: Path) -> None:
    Index.load([library])
    path = library / "b-005.yaml"
    path.write_text(briefing_text(5).replace("Briefing number 5", "Renamed briefing"))
    os.utime(path, ns=(OLD + 10**9, OLD + 10**9))
    again = Index.load([library])
    assert (again.stats.reused, again.stats.parsed) == (11, 1)
    assert again.entries[5].title == "Renamed briefing"
    assert again.entries == fresh(library).entries


def test_a_changed_source_article_reparses_its_briefings(library: Path) -> None:
    Index.load([library])
    source = library / "sources" / "article.txt"
    source.write_text(ARTICLE.replace("Energy costs rose sharply.", "Energy was cheap."))
    os.utime(source, ns=(OLD + 10**9, OLD + 10**9))
    again = Index.load([library])
    assert again.stats.parsed == 12
    assert all(e.error_count == 1 for e in again.entries)


def test_a_just_modified_file_is_not_trusted_from_the_cache(library: Path) -> None:
    # Same size and mtime can hide an edit made within the timestamp granularity.
    path = library / "b-001.yaml"
    os.utime(path)  # now
    Index.load([library])
    again = Index.load([library])
    assert (again.stats.reused, again.stats.parsed) == (11, 1)


def test_a_deleted_file_disappears(library: Path) -> None:
    Index.load([library])
    (library / "b-007.yaml").unlink()
    again = Index.load([library])
    assert len(again) == 11 and again.stats.parsed == 0 and again.stats.saved
    assert str(library / "b-007.yaml") not in {e.path for e in again.entries}
    assert Index.load([library]).stats.reused == 11


@pytest.mark.parametrize(
    "content",
    [
        b"\x00\xff garbage \x80",
        b'{"format_version": 1, "package_version": "0.1.0", "scan_ns": 1, "entr',
        b'{"format_version": 999, "package_version": "0.1.0", "scan_ns": 1, "entries": []}',
        b'{"format_version": 1, "package_version": "0.0.0-other", "scan_ns": 1, "entries": []}',
        b'{"format_version": 1, "package_version": "0.1.0", "scan_ns": 1, "entries": [[1, 2]]}',
        b"[]",
        b"[" * 100_000,
        b"",
    ],
    ids=["garbage", "truncated", "format", "package", "row", "list", "deep", "empty"],
)
def test_a_bad_cache_is_rebuilt_silently(library: Path, content: bytes) -> None:
    cache = cache_dir() / CACHE_NAME
    cache.parent.mkdir(parents=True)
    cache.write_bytes(content)
    rebuilt = Index.load([library])
    assert rebuilt.stats.cache == "invalid" and rebuilt.stats.parsed == 12
    assert rebuilt.entries == fresh(library).entries
    assert Index.load([library]).stats.reused == 12


def _cache_lines(cache: Path) -> list[Any]:
    """The index cache's documents: its header, the list's first rows, the rest."""
    return [json.loads(line) for line in cache.read_bytes().splitlines()]


def _write_lines(cache: Path, lines: list[Any]) -> None:
    cache.write_text("".join(json.dumps(line) + "\n" for line in lines))


def test_a_cache_row_with_wrong_types_is_rejected(library: Path) -> None:
    Index.load([library])
    cache = cache_dir() / CACHE_NAME
    header, head, rest = _cache_lines(cache)
    titles = head[Entry._fields.index("title")]
    titles[titles.index("Briefing number 0")] = 42  # a title that is a number
    _write_lines(cache, [header, head, rest])
    assert Index.load([library]).stats.cache == "invalid"


@pytest.mark.parametrize("tags", [[1], [None], [["energy"]]], ids=["number", "null", "list"])
def test_a_cache_row_with_a_tag_that_is_no_string_is_rejected(
    library: Path, tags: list[object]
) -> None:
    Index.load([library])
    cache = cache_dir() / CACHE_NAME
    header, head, rest = _cache_lines(cache)
    pool = head[Entry._fields.index("tags")][0]  # pooled: [distinct values, indices]
    pool[pool.index(["energy", "tag-0"])] = tags
    _write_lines(cache, [header, head, rest])
    assert Index.load([library]).stats.cache == "invalid"


def test_every_entry_field_comes_back_from_the_cache_as_it_went_in(library: Path) -> None:
    # A broken file (the briefing's fields at their defaults), a warning, tags and a date.
    shutil.copy(FIXTURES / "broken.yaml", library / "a-broken.yaml")
    (library / "b-001.yaml").write_text(
        briefing_text(1).replace(', evidence: "Energy costs rose sharply."', "")
        + 'date: "2025-01-02"\n'
    )
    for name in ("a-broken.yaml", "b-001.yaml"):
        os.utime(library / name, ns=(OLD, OLD))  # not just edited: see RACY_NS
    first = Index.load([library])
    again = Index.load([library])
    assert again.stats.cache == "used" and again.stats.reused == 13
    assert again.entries == first.entries == fresh(library).entries
    by_name = {Path(e.path).name: e for e in again.entries}
    broken, warned = by_name["a-broken.yaml"], by_name["b-001.yaml"]
    assert broken.error_count > 0 and broken.first_problem
    assert all(getattr(broken, name) == Entry._field_defaults[name] for name in BRIEFING_FIELDS)
    assert (warned.date, warned.warning_count, warned.tags) == (
        "2025-01-02",
        1,
        ("energy", "tag-1"),
    )
    assert warned.source == str(library / "sources" / "article.txt")
    assert all(type(value) is not list for entry in again.entries for value in entry)


def test_the_briefing_fields_of_an_entry_are_the_briefings_own() -> None:
    loaded = load(BUNDLED)
    assert loaded.briefing is not None
    entry = entry_of(BUNDLED)
    assert set(BRIEFING_FIELDS) <= {f.name for f in dataclasses.fields(Briefing)}
    assert all(getattr(entry, name) == getattr(loaded.briefing, name) for name in BRIEFING_FIELDS)


def test_a_cache_of_the_previous_format_is_rebuilt_not_misread(library: Path) -> None:
    Index.load([library])
    cache = cache_dir() / CACHE_NAME
    header, head, rest = _cache_lines(cache)
    header["format_version"] -= 1
    _write_lines(cache, [header, head, rest])
    rebuilt = Index.load([library])
    assert rebuilt.stats.cache == "invalid" and rebuilt.stats.parsed == 12
    assert rebuilt.entries == fresh(library).entries


def test_an_unwritable_cache_only_costs_speed(library: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    index = Index.load([library], cache_path=blocker / "sub" / CACHE_NAME)
    assert len(index) == 12 and not index.stats.saved


def test_parallel_parsing_gives_the_same_entries(tmp_path: Path) -> None:
    folder = tmp_path / "many"
    make_library(folder, 50)
    shutil.copy(FIXTURES / "broken.yaml", folder / "zz-broken.yaml")
    parallel = Index.load([folder], use_cache=False, workers=2, parallel_threshold=10)
    assert parallel.stats.parallel and parallel.stats.parsed == 51
    serial = Index.load([folder], use_cache=False, workers=1)
    assert not serial.stats.parallel
    assert parallel.entries == serial.entries


def test_the_list_sorts_indexed_entries_by_title_and_by_subject(library: Path) -> None:
    shutil.copy(FIXTURES / "broken.yaml", library / "a-broken.yaml")
    view = LibraryView(fresh(library).entries)
    assert view.cycle_sort() == "title"  # the s key, once
    titles = [view.entries[i].title or Path(view.entries[i].path).name for i in view.order]
    assert titles == sorted(titles, key=str.casefold) and "a-broken.yaml" in titles
    assert view.cycle_sort() == "subject"
    subjects = [view.entries[i].subject for i in view.order]
    assert subjects[0] == "Company 0" and subjects[-1] is None  # no subject: last


# --- read state --------------------------------------------------------------------------------


def test_read_state_round_trip() -> None:
    state, warnings = ReadState.load()
    assert warnings == [] and not state.is_read("a")
    state.mark("a", True)
    state.mark("b", True)
    state.mark("b", False)
    state.save()
    path = state_dir() / "read.json"
    assert path.is_file()
    again, warnings = ReadState.load()
    assert warnings == [] and again.is_read("a") and not again.is_read("b")
    assert list(json.loads(path.read_text())["read"]) == ["a"]


def test_two_readers_keep_each_others_marks() -> None:
    one, _ = ReadState.load()
    two, _ = ReadState.load()
    one.mark("a", True)
    one.save()
    two.mark("b", True)
    two.save()
    both, _ = ReadState.load()
    assert both.is_read("a") and both.is_read("b")


@pytest.mark.parametrize(
    "content",
    [b"{not json", b"\xff\xfe", b"[1, 2]", b'{"format_version": 1, "read": {"a": "yes"}}'],
)
def test_a_corrupt_state_file_is_set_aside(content: bytes) -> None:
    path = state_dir() / "read.json"
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    state, warnings = ReadState.load()
    asides = list(path.parent.glob("read.json.corrupt-*"))
    assert len(asides) == 1 and asides[0].read_bytes() == content
    assert len(warnings) == 1 and "\n" not in warnings[0]
    assert asides[0].name in warnings[0] and str(path) in warnings[0]
    assert not path.exists() and not state.is_read("a")
    state.mark("x", True)
    state.save()
    assert ReadState.load()[0].is_read("x")
    assert list(json.loads(path.read_text())["read"]) == ["x"]  # started empty


def test_a_state_file_from_a_newer_version_is_kept() -> None:
    path = state_dir() / "read.json"
    path.parent.mkdir(parents=True)
    path.write_text('{"format_version": 2, "read": {}}')
    state, warnings = ReadState.load()
    assert len(warnings) == 1 and "newer" in warnings[0] and state.readonly
    state.mark("a", True)
    state.save()
    assert path.read_text() == '{"format_version": 2, "read": {}}'


def test_readonly_never_writes() -> None:
    path = state_dir() / "read.json"
    state, warnings = ReadState.load(readonly=True)
    state.mark("a", True)
    state.save()
    assert warnings == [] and state.is_read("a")
    assert not path.exists() and not path.parent.exists()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"{corrupt")
    state, warnings = ReadState.load(readonly=True)
    assert len(warnings) == 1 and path.read_bytes() == b"{corrupt"
    assert list(path.parent.iterdir()) == [path]


def test_a_failed_save_leaves_the_old_file_intact(monkeypatch: pytest.MonkeyPatch) -> None:
    state, _ = ReadState.load()
    state.mark("a", True)
    state.save()
    path = state_dir() / "read.json"
    before = path.read_bytes()

    def fail(*args: object) -> None:
        raise OSError(28, "No space left on device")

    real_replace = os.replace
    monkeypatch.setattr(os, "replace", fail)
    state.mark("b", True)
    with pytest.raises(OSError):
        state.save()
    assert path.read_bytes() == before
    assert list(path.parent.iterdir()) == [path]  # no temporary file left behind
    monkeypatch.setattr(os, "replace", real_replace)
    state.save()  # the mark was kept: a later save can retry
    assert list(json.loads(path.read_text())["read"]) == ["a", "b"]


def test_a_failed_cache_write_leaves_the_old_cache(
    library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Index.load([library])
    cache = cache_dir() / CACHE_NAME
    before = cache.read_bytes()
    (library / "b-000.yaml").unlink()

    def fail(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(index_module.os, "replace", fail)
    index = Index.load([library])
    assert len(index) == 11 and not index.stats.saved
    assert cache.read_bytes() == before
    # No temporary file left behind: only the index and its texts, as they were.
    assert sorted(cache.parent.iterdir()) == sorted([cache, cache.with_name(TEXTS_NAME)])


# --- the index read in a child process while the reader starts -------------------------------


def test_a_prefetched_index_is_the_index_and_reports_progress(library: Path) -> None:
    from briefing_reader.library.prefetch import Prefetch

    prefetch = Prefetch.start([library], use_cache=True)
    assert prefetch is not None
    seen: list[tuple[int, int]] = []
    index = prefetch.wait(lambda done, total: seen.append((done, total)))
    assert index is not None and seen[-1] == (12, 12)
    assert index.entries == fresh(library).entries
    # The child wrote the cache as Index.load does: the next start reuses every entry.
    assert Index.load([library]).stats.reused == 12


def test_a_prefetch_that_fails_returns_none_so_the_reader_indexes_itself(tmp_path: Path) -> None:
    from briefing_reader.library.prefetch import Prefetch

    prefetch = Prefetch.start([tmp_path / "missing"], use_cache=False)
    assert prefetch is not None
    assert prefetch.wait() is None  # PathNotFound in the child: no index, no hang


def test_a_cancelled_prefetch_leaves_no_process_behind(library: Path) -> None:
    from briefing_reader.library.prefetch import Prefetch

    prefetch = Prefetch.start([library], use_cache=False)
    assert prefetch is not None
    prefetch.cancel()
    with pytest.raises(ChildProcessError):
        os.waitpid(prefetch.pid, os.WNOHANG)  # already reaped


# --- the list's view: filter ranking and date order --------------------------------------------


def entry(
    number: int,
    title: str,
    *,
    subject: str | None = None,
    tags: tuple[str, ...] = (),
    briefing_id: str | None = None,
    date: str | None = "2024-01-01",
) -> Entry:
    return Entry(
        path=f"b-{number:03}.yaml",
        size=1,
        mtime_ns=OLD,
        id=briefing_id or f"briefing-{number}",
        title=title,
        subject=subject,
        period="Q4 2024",
        dateline=None,
        date=date,
        tags=tags,
        error_count=0,
        warning_count=0,
        problem=None,
    )


def listed(view: LibraryView) -> list[str]:
    return [view.entries[i].title or "" for i in view.order]


# Long titles that together hold every letter many times over, and no word typed below.
LONG = [
    f"Quarterly debt burden grows as energy prices stay elevated in region {n}" for n in range(40)
]


def test_a_word_in_a_title_comes_first_however_the_list_is_sorted() -> None:
    view = LibraryView(
        [
            entry(0, "Holdings report", subject="Acme Holdings", date="2025-12-01"),
            entry(1, "Tagged only", tags=("acme",), date="2025-11-01"),
            entry(2, "Id only", briefing_id="acme-id", date="2025-10-01"),
            entry(3, "Inside a word: Pacmedia", date="2025-09-01"),
            entry(4, "Acme misses on energy costs", date="2020-01-01"),
            *(entry(5 + n, title) for n, title in enumerate(LONG)),
        ]
    )
    view.set_query("acme")
    # At a word start: title, subject, tags, id; then inside a word. The sort (newest first)
    # only breaks ties.
    assert listed(view) == [
        "Acme misses on energy costs",
        "Holdings report",
        "Tagged only",
        "Id only",
        "Inside a word: Pacmedia",
    ]
    assert view.cycle_sort() == "title"  # the s key
    assert listed(view)[0] == "Acme misses on energy costs"


def test_the_filter_folds_dotted_capital_i_as_the_search_does() -> None:
    # Three letters must match exactly (no typo allowed), so only the fold can find it.
    view = LibraryView([entry(0, "\u0130da report"), entry(1, "Other news")])
    view.set_query("ida")
    assert listed(view) == ["\u0130da report"]
    assert view.spans(0, 0) == [(0, 3)]
    view.set_query("\u0130DA")
    assert listed(view) == ["\u0130da report"]


def test_letters_scattered_over_long_titles_do_not_match() -> None:
    view = LibraryView([entry(n, title) for n, title in enumerate(LONG)])
    for query in ("beta", "bgpr", "dbge", "qrty"):  # each one's letters occur in every title
        view.set_query(query)
        assert listed(view) == [], query
    view.set_query("energy")
    assert len(view) == 40


def test_every_word_must_match_and_a_long_word_forgives_one_typo() -> None:
    view = LibraryView(
        [
            entry(0, "Acme misses on energy costs", subject="Acme"),
            entry(1, "Bolt Mining expands north", subject="Bolt Mining", tags=("energy",)),
            entry(2, "Core Power sells its grid arm"),
        ]
    )
    view.set_query("energy bolt")
    assert listed(view) == ["Bolt Mining expands north"]
    view.set_query("minnig")  # a transposition in six letters
    assert listed(view) == ["Bolt Mining expands north"]
    view.set_query("mnig")  # four letters must be exact
    assert listed(view) == []


def test_spans_show_what_matched_in_title_and_subject() -> None:
    view = LibraryView([entry(0, "Hardcore Core Power", subject="Core")])
    view.set_query("core pow")
    assert view.spans(0, 0) == [(9, 13), (14, 17)]  # the word-start "Core", not "hardcore"
    assert view.spans(0, 1) == [(0, 4)]
    view.set_query("")
    assert view.spans(0, 0) == []


def test_undated_briefings_come_after_the_dated_newest_first() -> None:
    view = LibraryView(
        [
            entry(0, "B undated", date=None),
            entry(1, "Old", date="2020-01-01"),
            entry(2, "A undated", date=None),
            entry(3, "New", date="2025-01-01"),
        ]
    )
    assert listed(view) == ["New", "Old", "A undated", "B undated"]
    assert shown_date(view.entries[0]) is None  # never the file's modification day
