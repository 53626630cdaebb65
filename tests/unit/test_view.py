"""LibraryView on its own: which entries the library lists, and in which order."""

from __future__ import annotations

from briefing_reader.library.index import Entry
from briefing_reader.library.view import FIELDS, SORTS, LibraryView


def entry(
    name: str,
    title: str | None,
    *,
    subject: str | None = None,
    date: str | None = None,
    tags: tuple[str, ...] = (),
    briefing_id: str | None = "",
) -> Entry:
    return Entry(
        path=f"lib/{name}.yaml",
        size=1,
        mtime_ns=0,
        error_count=0,
        warning_count=0,
        problem=None,
        id=f"{name}-id" if briefing_id == "" else briefing_id,
        title=title,
        subject=subject,
        date=date,
        tags=tags,
    )


ENTRIES = [
    entry(
        "acme", "Acme misses on energy", subject="Zeta Acme", date="2024-11-02", tags=("energy",)
    ),
    entry(
        "bolt", "Bolt Mining expands", subject="Bolt Mining", date="2025-01-15", tags=("mining",)
    ),
    entry("core", "Core Power sells", subject="Core Power", date="2024-06-30", tags=("energy",)),
    entry("delta", "Delta Freight cuts", subject=None, date="2025-03-01", tags=("freight",)),
]


def listed(view: LibraryView) -> list[str]:
    return [view.entries[i].path.split("/")[1].removesuffix(".yaml") for i in view.order]


def test_newest_first_and_the_sort_cycles_through_every_order() -> None:
    read: set[str] = {"delta-id"}
    view = LibraryView(ENTRIES, is_read=read.__contains__)
    assert view.sort == "date" and listed(view) == ["delta", "bolt", "acme", "core"]
    assert view.cycle_sort() == "title"
    assert listed(view) == ["acme", "bolt", "core", "delta"]
    assert view.cycle_sort() == "subject"
    # By subject; a briefing without one goes last.
    assert listed(view) == ["bolt", "core", "acme", "delta"]
    assert view.cycle_sort() == "unread"
    assert listed(view) == ["bolt", "acme", "core", "delta"]  # unread by date, then read
    assert view.cycle_sort() == SORTS[0]  # and round again


def test_read_changed_reorders_only_the_unread_first_sort() -> None:
    read: set[str] = set()
    view = LibraryView(ENTRIES, is_read=read.__contains__)
    read.add("delta-id")
    view.read_changed()
    assert listed(view) == ["delta", "bolt", "acme", "core"]  # by date: a mark moves nothing
    assert not view.unread(view.entries[3]) and view.unread(view.entries[0])
    while view.sort != "unread":
        view.cycle_sort()
    read.add("bolt-id")
    assert listed(view)[0] == "bolt"  # not resorted until told
    view.read_changed()
    assert listed(view) == ["acme", "core", "delta", "bolt"]


def test_the_filter_ranks_a_title_before_a_subject_before_a_tag() -> None:
    view = LibraryView(
        [
            entry("tagged", "Quarterly report", tags=("acme",), date="2025-12-01"),
            entry("subject", "Holdings update", subject="Acme Holdings", date="2025-11-01"),
            entry("inside", "Megacme results", date="2025-10-01"),
            entry("title", "Acme misses", date="2020-01-01"),
            entry("other", "Bolt Mining", date="2025-09-01"),
        ]
    )
    view.set_query("acme")
    assert listed(view) == ["title", "subject", "tagged", "inside"]
    assert view.filtered and len(view) == 4 and view.total == 5
    assert view.spans(0, FIELDS.index("title")) == [(0, 4)]
    view.set_query("  ")
    assert not view.filtered and len(view) == 5  # blank: every briefing, sorted again
    assert listed(view)[0] == "tagged"


def test_a_tag_narrows_the_list_and_counts_come_most_common_first() -> None:
    view = LibraryView(ENTRIES)
    assert view.tags() == [("energy", 2), ("freight", 1), ("mining", 1)]
    view.set_tag("energy")
    assert listed(view) == ["acme", "core"] and view.filtered
    view.set_query("core")
    assert listed(view) == ["core"]  # the tag and the filter together
    view.set_tag(None)
    assert listed(view) == ["core"] and view.filtered


def test_clear_filter_drops_query_and_tag_and_keeps_the_sort() -> None:
    view = LibraryView(ENTRIES)
    view.cycle_sort()
    view.set_tag("energy")
    view.set_query("acme")
    view.clear_filter()
    assert (view.query, view.tag, view.filtered) == ("", None, False)
    assert view.sort == "title" and listed(view) == ["acme", "bolt", "core", "delta"]


def test_position_of_and_entry_at_follow_what_is_listed() -> None:
    view = LibraryView(ENTRIES)
    assert view.position_of("lib/acme.yaml") == 2
    assert view.entry_at(2) == ENTRIES[0]
    view.set_tag("mining")
    assert view.position_of("lib/acme.yaml") is None  # filtered out: not shown
    assert view.position_of("lib/bolt.yaml") == 0
    assert view.entry_at(1) is None and view.entry_at(-1) is None
    assert view.position_of("lib/nowhere.yaml") is None


def test_new_entries_keep_the_filter_sort_and_column_widths_follow() -> None:
    view = LibraryView(ENTRIES)
    view.set_query("energy")
    assert listed(view) == ["acme", "core"]  # in a title before in a tag
    view.set_entries([*ENTRIES, entry("echo", "Echo energy deal", subject="E", date="2026-01-01")])
    # Filtered again: the earlier the word in a title, the higher.
    assert listed(view) == ["echo", "acme", "core"]
    # "Bolt Mining" is where its title begins: only "Zeta Acme" needs the column.
    assert view.subject_width == len("Zeta Acme")


def test_a_subject_its_title_begins_with_or_a_period_it_holds_gets_no_column() -> None:
    named_first = [
        entry("a", "Granite Hash: adjusted ebitda of $374 million", subject="Granite Hash"),
        entry("b", "granite hash posts a loss", subject="Granite Hash"),
        entry("c", "Untitled subject", subject=None),
    ]
    view = LibraryView(named_first)
    assert view.subject_width == 0
    view.set_entries([*named_first, entry("d", "Mines close", subject="Helios Compute")])
    assert view.subject_width == len("Helios Compute")
    in_title = entry("e", "Granite Hash loses $3 million in Q4 2024")._replace(period="q4 2024")
    view.set_entries([in_title])
    assert view.period_width == 0
    view.set_entries([in_title, entry("f", "Mines close")._replace(period="FY 2025")])
    assert view.period_width == len("FY 2025")


def test_an_untitled_entry_is_found_and_sorted_by_its_file_name() -> None:
    view = LibraryView([entry("zulu", None, date="2024-01-01"), entry("alpha", "Beta", date=None)])
    view.cycle_sort()
    assert listed(view) == ["alpha", "zulu"]  # "Beta" before "zulu.yaml"
    view.set_query("zulu")
    assert listed(view) == ["zulu"]
    assert not view.unread(entry("x", "No id", briefing_id=None))  # nothing to mark
