"""LibrarySession: the library's behaviour without a terminal (what the screen only draws)."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing_reader.briefing_files import ReaderFiles
from briefing_reader.library.index import Entry, Index
from briefing_reader.library.session import LibrarySession, ReadChange, ReloadResult, Status
from briefing_reader.library.state import ReadState
from tests.conftest import BUNDLED, load


def entry(name: str, title: str, *, date: str, source: str | None = None) -> Entry:
    return Entry(
        path=name,
        size=1,
        mtime_ns=0,
        error_count=0,
        warning_count=0,
        problem=None,
        source=source,
        id=f"{name}-id",
        title=title,
        subject=None,
        period=None,
        dateline=None,
        date=date,
        tags=("energy",) if name in ("a", "c") else ("mining",),
    )


# Listed newest first: d, c, b, a.
ENTRIES = [
    entry("a", "Acme misses", date="2024-01-01"),
    entry("b", "Bolt expands", date="2024-02-01"),
    entry("c", "Core sells", date="2024-03-01"),
    entry("d", "Delta cuts", date="2024-04-01"),
]
TEXTS = {"a": "net loss widens", "b": "record output", "c": "net loss narrows", "d": "routes cut"}


def session_for(tmp_path: Path, entries: list[Entry] = ENTRIES) -> LibrarySession:
    session = LibrarySession([tmp_path], ReadState(tmp_path / "state" / "read.json"))
    session.set_index(Index(entries, texts={e.path: TEXTS.get(e.path, "") for e in entries}))
    return session


def listed(session: LibrarySession) -> list[str]:
    view = session.view
    return [view.entries[i].path for i in view.order]


# --- status ------------------------------------------------------------------------------


def test_status_while_indexing_then_count_tag_search_and_sort(tmp_path: Path) -> None:
    session = LibrarySession([tmp_path], ReadState(tmp_path / "read.json"))
    assert str(session.status()) == "indexing\u2026"
    session.progress(3400, 10000)
    assert session.status() == Status(indexing="indexing 3,400 / 10,000")
    assert session.empty_message() == "Reading the briefings\u2026 keys work meanwhile."
    session.set_index(Index(ENTRIES, texts=TEXTS))
    assert session.status() == Status(count="4 briefings", sort="newest first")
    assert session.empty_message() is None
    session.view.set_tag("energy")
    found = session.search("net loss", sources=False)
    assert found is not None and session.apply_search(found)
    status = session.status()
    assert status.count == "2 / 4" and status.sort == "newest first"
    assert status.details == ("tag: energy", "search: net loss \u2014 2 found")
    dot = "  \u00b7  "
    assert str(status) == dot.join(("2 / 4", *status.details, "newest first"))


def test_empty_messages_say_why_the_list_is_empty(tmp_path: Path) -> None:
    session = session_for(tmp_path, [])
    assert session.status().count == "0 briefings"
    assert session.empty_message() == (
        f"No briefings in {tmp_path} yet: *.yaml files added show up here."
    )
    session = session_for(tmp_path)
    session.view.set_query("zebra")
    assert session.empty_message() == "Nothing matches. escape clears the filter."


# --- read marks ----------------------------------------------------------------------------


def test_opening_marks_read_once_and_u_toggles_both_saved(tmp_path: Path) -> None:
    session = session_for(tmp_path)
    assert session.opened("a", "a-id") == ReadChange(True, True)
    assert session.open_path == "a"
    assert session.opened("a", "a-id") == ReadChange(False, True)  # already read: no redraw
    assert session.opened("broken.yaml", None) == ReadChange(False, False)
    assert session.toggle_read("a-id") == ReadChange(True, False)
    assert session.toggle_read("b-id") == ReadChange(True, True)
    saved, warnings = ReadState.load(tmp_path / "state" / "read.json")
    assert warnings == [] and saved.is_read("b-id") and not saved.is_read("a-id")
    session.closed()
    assert session.open_path is None


def test_a_failed_save_warns_once_and_the_marks_still_hold(tmp_path: Path) -> None:
    (tmp_path / "not-a-folder").write_text("")
    session = LibrarySession([tmp_path], ReadState(tmp_path / "not-a-folder" / "read.json"))
    session.set_index(Index(ENTRIES, texts=TEXTS))
    first = session.opened("a", "a-id")
    assert first.warning is not None and first.warning.startswith("Could not save read marks:")
    assert session.toggle_read("b-id").warning is None
    assert session.state.is_read("a-id") and session.state.is_read("b-id")


def test_a_read_mark_reorders_unread_first(tmp_path: Path) -> None:
    session = session_for(tmp_path)
    session.view.cycle_sort()
    session.view.cycle_sort()
    session.view.cycle_sort()
    assert session.view.sort == "unread"
    session.toggle_read("d-id")
    assert listed(session) == ["c", "b", "a", "d"]


# --- search and matches ------------------------------------------------------------------


def test_matches_are_in_list_order_and_next_match_goes_round(tmp_path: Path) -> None:
    session = session_for(tmp_path)
    assert session.next_match("a", 1) is None  # no search yet
    found = session.search("net loss", sources=False)
    assert found is not None and session.apply_search(found)
    assert session.matches == ["c", "a"]  # newest first, as listed
    assert session.next_match("c", 1) == "a"
    assert session.next_match("a", 1) == "c"  # round to the first
    assert session.next_match("c", -1) == "a"  # and back round to the last
    # From a briefing without a match: the next match below it, or above it going back.
    assert session.next_match("b", 1) == "a"
    assert session.next_match("b", -1) == "c"
    assert session.next_match("d", -1) == "a"  # nothing above: round from the bottom
    assert session.first_match("b") == "a" and session.first_match("c") == "c"
    assert session.first_match(None) == "c"
    session.clear_search()
    assert session.matches == [] and session.search_query is None


def test_a_search_of_the_sources_reads_each_article_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefing_reader.checks import sources

    monkeypatch.chdir(tmp_path)  # the briefings "a".."d" lie here, beside their article
    article = tmp_path / "article.txt"
    article.write_text("The chief executive resigned.")
    entries = [
        entry("a", "Acme misses", date="2024-01-01", source=str(article)),
        entry("b", "Bolt expands", date="2024-02-01", source=str(article)),
        entry("c", "Core sells", date="2024-03-01", source=str(tmp_path / "missing.txt")),
        entry("d", "Delta cuts", date="2024-04-01"),
    ]
    session = session_for(tmp_path, entries)
    reads: list[Path] = []
    real = sources.article_text

    def counted(path: Path) -> str:
        reads.append(path)
        return real(path)

    monkeypatch.setattr(sources, "article_text", counted)
    found = session.search("chief", sources=False)
    assert found is not None and found.entries == frozenset()
    found = session.search("chief", sources=True)
    assert found is not None and session.apply_search(found)
    assert session.matches == ["b", "a"]  # a missing article holds nothing, and no error
    assert reads.count(article) == 1
    assert "search (and sources): chief \u2014 2 found" in session.status().details


def test_a_search_made_before_a_reload_is_dropped(tmp_path: Path) -> None:
    session = session_for(tmp_path)
    found = session.search("net loss", sources=False)
    assert found is not None
    session.apply_reload({"b": None})
    assert not session.apply_search(found)
    assert session.matches == [] and session.search_query is None


# --- live reload -------------------------------------------------------------------------


def test_a_reload_merges_added_changed_and_removed_entries(tmp_path: Path) -> None:
    session = session_for(tmp_path)
    session.opened("c", "c-id")
    changed = entry("b", "Bolt doubles", date="2024-02-01")
    added = entry("e", "Echo launches", date="2025-01-01")
    result = session.apply_reload({"b": (changed, "doubles"), "e": (added, "launch"), "a": None})
    assert result == ReloadResult()  # the open briefing was not among them
    assert listed(session) == ["e", "d", "c", "b"]
    assert session.view.entries[session.view.order[3]].title == "Bolt doubles"
    found = session.search("launch", sources=False)  # the new texts are searched
    assert found is not None and session.apply_search(found) and session.matches == ["e"]
    assert session.apply_reload({"c": (entry("c", "Core", date="2024-03-01"), "")}) == (
        ReloadResult(open_changed=True)
    )
    assert session.apply_reload({"c": None}) == ReloadResult(open_removed=True)


def test_a_reload_before_the_index_is_read_again_once_the_index_comes(tmp_path: Path) -> None:
    # The index may have read the file before the change, or mid-write: a briefing saved as
    # the reader started stayed "file is empty" in the list until its next change.
    session = LibrarySession([tmp_path], ReadState(tmp_path / "read.json"))
    bolt = entry("b", "Bolt", date="2024-01-01")
    assert session.apply_reload({"a": None, "b": (bolt, "")}) is None
    assert not session.reload_due  # nothing to merge into yet: no rebuild loop
    from briefing_reader.library.watch import Change

    session.queue_reload([Change("deleted", Path("b"))])  # told since: newer, kept
    session.take_reload()  # ... and under way: its rebuild ends in apply_reload
    session.apply_reload({"b": None})
    session.set_index(Index(ENTRIES, texts={}))
    assert session.reload_due
    assert {str(c.path): c.kind for c in session.take_reload()} == {"a": "deleted", "b": "deleted"}
    assert not session.reload_due


def test_rebuild_reads_changed_files_and_reports_deleted_ones(tmp_path: Path) -> None:
    from briefing_reader.library.watch import Change

    gone = tmp_path / "gone.yaml"
    rebuilt = LibrarySession.rebuild(
        [Change("modified", BUNDLED), Change("deleted", gone), Change("added", tmp_path / "x")]
    )
    built = rebuilt[str(BUNDLED)]
    assert built is not None and built[0].title is not None and built[1]
    assert rebuilt[str(gone)] is None and rebuilt[str(tmp_path / "x")] is None


# --- the reader's files --------------------------------------------------------------------


def test_the_editor_is_visual_then_editor_then_vi(monkeypatch: pytest.MonkeyPatch) -> None:
    files = ReaderFiles()
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    assert files.edit_command(Path("b.yaml")) == ["vi", "b.yaml"]
    monkeypatch.setenv("EDITOR", "nano -w")
    assert files.edit_command(Path("b.yaml")) == ["nano", "-w", "b.yaml"]
    monkeypatch.setenv("VISUAL", "'my editor' --wait")
    assert files.edit_command(Path("b.yaml")) == ["my editor", "--wait", "b.yaml"]
    monkeypatch.setenv("VISUAL", "'unclosed")
    with pytest.raises(ValueError):
        files.edit_command(Path("b.yaml"))


def test_the_reader_files_read_the_source_and_reload(tmp_path: Path) -> None:
    loaded = load(BUNDLED)
    files = ReaderFiles()
    assert files.read_source(loaded)  # the bundled briefing's article
    again = files.reload(loaded)
    assert again.briefing == loaded.briefing and again.name == loaded.name
    broken = loaded._replace(path=tmp_path / "elsewhere.yaml")
    with pytest.raises(OSError):
        files.read_source(broken)


def test_no_state_keeps_the_marks_in_memory_and_writes_nothing(tmp_path: Path) -> None:
    from briefing_reader.library.session import read_marks

    state, warnings = read_marks(False)
    session = LibrarySession([tmp_path], state)
    session.set_index(Index(ENTRIES, texts=TEXTS))
    assert session.opened("a", "a-id") == ReadChange(True, True)  # no warning: not saving
    assert state.is_read("a-id") and warnings == []
    given = ReadState(tmp_path / "read.json")
    assert read_marks(given) == (given, [])


def test_the_next_match_among_thousands_is_found_in_one_pass_over_the_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # At 10,000 briefings a search matching 5,000 held the screen for 6 s before it opened
    # the first match (and each n or N as long): every match's position was looked up by a
    # scan of the list. Also from an entry no longer listed, and round the ends.
    entries = [
        entry(f"{n:05}", f"Briefing {n:05}", date=f"2024-01-{n % 28 + 1:02}") for n in range(4000)
    ]
    session = session_for(tmp_path, entries)
    order = listed(session)
    session.matches = order[1::2]  # every other one, as listed
    scans: list[str] = []
    real = type(session.view).position_of
    monkeypatch.setattr(
        type(session.view), "position_of", lambda view, p: scans.append(p) or real(view, p)
    )
    assert session.next_match(order[0], 1) == order[1]
    assert session.next_match(order[0], -1) == order[-1]  # nothing above: the last
    assert session.next_match(order[-2], 1) == order[-1]
    assert session.next_match(order[-2], -1) == order[-3]
    assert session.first_match(order[2]) == order[3]
    assert session.next_match("not-listed", 1) == order[1]
    assert scans == []
