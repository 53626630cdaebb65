"""What the library list shows: which entries, in which order, without Textual.

The screen keeps one :class:`LibraryView` and renders ``view.order``; every change a user
makes (filter, tag, sort, read marks, files changing on disk) goes through here, so it can be
tested without a terminal and costs the same whatever draws it.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Literal

from briefing_reader.library.index import Entry
from briefing_reader.library.search import FuzzyFilter

Sort = Literal["date", "title", "subject", "unread"]
SORTS: tuple[Sort, ...] = ("date", "title", "subject", "unread")
SORT_NAMES: dict[Sort, str] = {
    "date": "newest first",
    "title": "by title",
    "subject": "by subject",
    "unread": "unread first",
}


def haystack(entry: Entry) -> str:
    """What the filter matches an entry against: title, subject, tags and id."""
    parts = [entry.title or _name(entry.path), entry.subject or "", *entry.tags, entry.id or ""]
    return " ".join(part for part in parts if part)


def shown_date(entry: Entry) -> str:
    """The entry's date, or its file's modification day when the briefing gives none."""
    if entry.date:
        return entry.date
    return time.strftime("%Y-%m-%d", time.localtime(entry.mtime_ns / 1e9))


def _name(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1]


class LibraryView:
    """The entries of a library and the user's current way of looking at them."""

    def __init__(
        self,
        entries: Iterable[Entry] = (),
        *,
        is_read: Callable[[str], bool] = lambda _id: False,
        sort: Sort = "date",
    ) -> None:
        self.is_read = is_read
        self.sort: Sort = sort
        self.query = ""
        self.tag: str | None = None
        self.entries: list[Entry] = []
        self.order: list[int] = []  # indices into entries, as listed
        self._sorted: list[int] = []
        self._matched: list[int] | None = None  # the filter's result for self.query
        self._filter: FuzzyFilter | None = None  # built at the first keystroke
        self.set_entries(entries)

    # --- what is in the library ------------------------------------------------------------

    def set_entries(self, entries: Iterable[Entry]) -> None:
        """Replace every entry (after indexing or a reload); keeps filter, tag and sort."""
        self.entries = list(entries)
        self._filter = None
        # Matches for the old entries mean nothing now: filter the new ones again.
        self._matched = None
        if self.query:
            self._matched = self._fuzzy().filter(self.query)
        self._resort()

    def position_of(self, path: str) -> int | None:
        """Where the entry for ``path`` is listed now, or None if it is not shown."""
        for position, index in enumerate(self.order):
            if self.entries[index].path == path:
                return position
        return None

    def entry_at(self, position: int) -> Entry | None:
        if 0 <= position < len(self.order):
            return self.entries[self.order[position]]
        return None

    def __len__(self) -> int:
        return len(self.order)

    @property
    def total(self) -> int:
        return len(self.entries)

    @property
    def filtered(self) -> bool:
        return bool(self.query) or self.tag is not None

    def tags(self) -> list[tuple[str, int]]:
        """Every tag with how many briefings carry it, the most common first."""
        counts = Counter(tag for entry in self.entries for tag in entry.tags)
        return sorted(counts.items(), key=lambda item: (-item[1], item[0]))

    # --- the user's choices ----------------------------------------------------------------

    def set_query(self, query: str) -> None:
        """Filter as the user types: fuzzy over :func:`haystack`, in the current sort order."""
        query = query.strip()
        if query == self.query and self._matched is not None:
            return
        previous, self.query = self.query, query
        if not query:
            self._matched = None
        else:
            # Typing one more letter can only narrow the matches: look only among them.
            within = (
                self._matched
                if self._matched is not None and previous and query.startswith(previous)
                else None
            )
            self._matched = self._fuzzy().filter(query, within)
        self._apply_filter()

    def _fuzzy(self) -> FuzzyFilter:
        # Built on first use: a library that is never filtered never pays for it.
        if self._filter is None:
            self._filter = FuzzyFilter([haystack(e) for e in self.entries])
        return self._filter

    def set_tag(self, tag: str | None) -> None:
        self.tag = tag
        self._apply_filter()

    def clear_filter(self) -> None:
        self.query, self.tag, self._matched = "", None, None
        self._apply_filter()

    def cycle_sort(self) -> Sort:
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        self._resort()
        return self.sort

    def set_sort(self, sort: Sort) -> None:
        self.sort = sort
        self._resort()

    def read_changed(self) -> None:
        """A read mark changed: only the unread-first order depends on it."""
        if self.sort == "unread":
            self._resort()

    def unread(self, entry: Entry) -> bool:
        return entry.id is not None and not self.is_read(entry.id)

    # --- ordering --------------------------------------------------------------------------

    def _resort(self) -> None:
        entries = self.entries
        by_title = sorted(
            range(len(entries)),
            key=lambda i: ((entries[i].title or _name(entries[i].path)).casefold(), i),
        )
        if self.sort == "title":
            self._sorted = by_title
        elif self.sort == "subject":
            self._sorted = sorted(
                by_title, key=lambda i: (entries[i].subject is None, entries[i].subject or "")
            )
        elif self.sort == "unread":
            self._sorted = self._by_date(by_title)
            self._sorted.sort(key=lambda i: not self.unread(entries[i]))  # stable: dates kept
        else:
            self._sorted = self._by_date(by_title)
        self._apply_filter()

    def _by_date(self, by_title: Sequence[int]) -> list[int]:
        dates = [shown_date(entry) for entry in self.entries]
        return sorted(by_title, key=lambda i: dates[i], reverse=True)

    def _apply_filter(self) -> None:
        keep: set[int] | None = None
        if self._matched is not None:
            keep = set(self._matched)
        if self.tag is not None:
            tagged = {i for i, e in enumerate(self.entries) if self.tag in e.tags}
            keep = tagged if keep is None else keep & tagged
        self.order = self._sorted if keep is None else [i for i in self._sorted if i in keep]
