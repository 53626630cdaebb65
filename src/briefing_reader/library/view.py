"""What the library list shows: which entries, in which order, without Textual.

The screen keeps one :class:`LibraryView` and renders ``view.order``; every change a user
makes (filter, tag, sort, read marks, files changing on disk) goes through here, so it can be
tested without a terminal and costs the same whatever draws it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Literal

from briefing_reader.library.index import Entry
from briefing_reader.library.search import fold

Sort = Literal["date", "title", "subject", "unread"]
SORTS: tuple[Sort, ...] = ("date", "title", "subject", "unread")
SORT_NAMES: dict[Sort, str] = {
    "date": "newest first",
    "title": "by title",
    "subject": "by subject",
    "unread": "unread first",
}

# What the filter matches, best first: a match in the title beats one in the subject, which
# beats one in the tags or the id.
FIELDS = ("title", "subject", "tags", "id")
# How a query word matched, best first: at the start of a word, inside one, or nearly (a typo).
WORD_START, INSIDE, NEAR = 0, 1, 2
# Words this long may match with one typo in every NEAR_FROM letters (rapidfuzz's partial
# ratio, aligned on one stretch of text). Shorter words must occur as typed: a few letters
# matched loosely would match most long titles.
NEAR_FROM = 5
# Between an entry's fields in the text the near matcher scans: no query word contains it.
_SEP = "\x1f"
# Length-preserving: every character that cannot be part of a word becomes a space.
_NOT_ALNUM = re.compile(r"[^\w\x1f\n]|_")  # keeps _SEP and line breaks, to split on


def fields(entry: Entry) -> tuple[str, str, str, str]:
    """What the filter matches an entry against, in :data:`FIELDS` order."""
    return (
        entry.title or _name(entry.path),
        entry.subject or "",
        " ".join(entry.tags),
        entry.id or "",
    )


def shown_date(entry: Entry) -> str | None:
    """The briefing's own date; None when it gives none (its file's day is not its date)."""
    return entry.date


def _name(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1]


def _words(query: str) -> list[str]:
    return [fold(word) for word in query.split()]


def _near_cutoff(word: str) -> float:
    # One edit in n letters scores 100 * (n - 1) / n; a little below it, as process.extract
    # rounds its scores a little differently from the scorer called alone.
    return 100 * (len(word) - 1) / len(word) - 0.01


class _Folded:
    """One entry's fields folded, and with non-word characters as spaces behind one more."""

    __slots__ = ("spaced", "texts")

    def __init__(self, joined: str, spaced: str) -> None:
        self.texts = joined.split(_SEP)
        # spaced[p] is the character before texts[p]: a word starts at p if it is a space.
        self.spaced = [" " + text for text in spaced.split(_SEP)]

    def exact(self, word: str) -> tuple[int, int, int] | None:
        """(tier, field, position) of ``word``'s best exact occurrence, or None."""
        inside: tuple[int, int, int] | None = None
        for number, (text, spaced) in enumerate(zip(self.texts, self.spaced, strict=True)):
            pos = _word_start(text, spaced, word)
            if pos >= 0:
                return WORD_START, number, pos
            if inside is None:
                pos = text.find(word)
                if pos >= 0:
                    inside = (INSIDE, number, pos)
        return inside


def _word_start(text: str, spaced: str, word: str) -> int:
    """Where ``word`` occurs in ``text`` at the start of a word, or -1."""
    pos = text.find(word)
    while pos >= 0 and spaced[pos] != " ":
        pos = text.find(word, pos + 1)
    return pos


def _span(folded: _Folded, number: int, word: str) -> tuple[int, int] | None:
    """Where ``word`` matched in field ``number``: at a word start if it can, else inside."""
    text, spaced = folded.texts[number], folded.spaced[number]
    pos = _word_start(text, spaced, word)
    if pos < 0:
        pos = text.find(word)
    if pos >= 0:
        return pos, pos + len(word)
    if len(word) >= NEAR_FROM and text:
        from rapidfuzz import fuzz  # see RankedFilter._word

        near = fuzz.partial_ratio_alignment(word, text, score_cutoff=_near_cutoff(word))
        if near is not None and near.dest_end > near.dest_start:
            return near.dest_start, near.dest_end
    return None


class RankedFilter:
    """Filter-as-you-type over the entries' :func:`fields`, every match ranked.

    Each word of the query must match one of an entry's fields: exactly (at a word start or
    inside a word) or, for words of :data:`NEAR_FROM` letters or more, with one typo in
    that many letters. A word scores its tier times the number of fields plus its field
    (:data:`FIELDS` order), so any word-start match beats any match inside a word and a
    title beats a subject at the same tier; an entry scores the sum over the words, then
    how far into its field the first word matched. Letters scattered over a title never
    match. Case never matters.
    """

    def __init__(self, entries: Sequence[Entry]) -> None:
        # One folded string per entry, so every entry is scanned in C before any Python runs;
        # the fields apart (_Folded) are made only for entries that match.
        self._joined = [fold(_SEP.join(fields(entry)).replace("\n", " ")) for entry in entries]
        # The same with non-word characters as spaces: one substitution for the library.
        self._spaced = _NOT_ALNUM.sub(" ", "\n".join(self._joined)).split("\n")
        self._split: list[_Folded | None] = [None] * len(self._joined)

    def __len__(self) -> int:
        return len(self._joined)

    def _folded(self, index: int) -> _Folded:
        folded = self._split[index]
        if folded is None:
            folded = self._split[index] = _Folded(self._joined[index], self._spaced[index])
        return folded

    def rank(self, query: str) -> dict[int, int]:
        """Every matching entry's index with its score (lower is better)."""
        words = _words(query)
        if not words:
            return dict.fromkeys(range(len(self._joined)), 0)
        scores: dict[int, int] | None = None
        for number, word in enumerate(words):
            found = self._word(word, scores)
            if number == 0:
                scores = {i: score * 1000 + min(pos, 999) for i, (score, pos) in found.items()}
            else:
                assert scores is not None
                scores = {i: scores[i] + score * 1000 for i, (score, _) in found.items()}
            if not scores:
                break
        return scores or {}

    def _word(self, word: str, among: dict[int, int] | None) -> dict[int, tuple[int, int]]:
        """(score, position) of ``word`` in each entry it matches (only those in ``among``)."""
        folded = self._folded
        joined = self._joined
        width = len(FIELDS)
        indices: Iterable[int] = range(len(joined)) if among is None else among
        found: dict[int, tuple[int, int]] = {}
        for i in indices:
            if word in joined[i]:
                match = folded(i).exact(word)
                if match is not None:
                    found[i] = (match[0] * width + match[1], match[2])
        if len(word) < NEAR_FROM:
            return found
        # Imported at the first word long enough to match nearly: a reader who never filters
        # never loads rapidfuzz (3.5 MiB and some 30 ms of the library's start-up).
        from rapidfuzz import fuzz, process

        rest = [i for i in indices if i not in found]
        near = process.extract(
            word,
            [joined[i] for i in rest],
            scorer=fuzz.partial_ratio,
            processor=None,
            score_cutoff=_near_cutoff(word),
            limit=None,
        )
        for _, _, k in near:
            i = rest[k]
            alignment = fuzz.partial_ratio_alignment(word, joined[i])
            start = alignment.dest_start if alignment is not None else 0
            number = joined[i].count(_SEP, 0, start)
            found[i] = (NEAR * width + number, 999)
        return found

    def spans(self, index: int, field: int, query: str) -> list[tuple[int, int]]:
        """The (start, end) spans of field ``field`` of entry ``index`` that ``query`` matched."""
        folded = self._folded(index)
        found = [_span(folded, field, word) for word in _words(query)]
        spans: list[tuple[int, int]] = []
        for start, end in sorted(span for span in found if span is not None):
            if spans and start <= spans[-1][1]:
                spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
            else:
                spans.append((start, end))
        return spans


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
        self._matched: dict[int, int] | None = None  # the filter's scores for self.query
        self._filter: RankedFilter | None = None  # built at the first keystroke
        self.subject_width = 0  # the longest subject (and period): the list's column widths
        self.period_width = 0
        self.set_entries(entries)

    # --- what is in the library ------------------------------------------------------------

    def set_entries(self, entries: Iterable[Entry], widths: tuple[int, int] | None = None) -> None:
        """Replace every entry (after indexing or a reload); keeps filter, tag and sort.

        ``widths``: :func:`column_widths` of ``entries``, when known already.
        """
        self.entries = list(entries)
        self._filter = None
        # Matches for the old entries mean nothing now: filter the new ones again.
        self._matched = None
        if self.query:
            self._matched = self._ranked().rank(self.query)
        self.subject_width, self.period_width = (
            column_widths(self.entries) if widths is None else widths
        )
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
        """Filter as the user types (:class:`RankedFilter`): the best match first."""
        query = " ".join(query.split())
        if query == self.query and (self._matched is not None or not query):
            return
        self.query = query
        self._matched = self._ranked().rank(query) if query else None
        self._apply_filter()

    def _ranked(self) -> RankedFilter:
        # Built on first use: a library that is never filtered never pays for it.
        if self._filter is None:
            self._filter = RankedFilter(self.entries)
        return self._filter

    def spans(self, position: int, field: int) -> list[tuple[int, int]]:
        """What the filter matched in one field (:data:`FIELDS`) of the entry listed at
        ``position``, as (start, end) spans to highlight."""
        if not self.query or not 0 <= position < len(self.order):
            return []
        return self._ranked().spans(self.order[position], field, self.query)

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

    def read_changed(self) -> None:
        """A read mark changed: only the unread-first order depends on it."""
        if self.sort == "unread":
            self._resort()

    def unread(self, entry: Entry) -> bool:
        return entry.id is not None and not self.is_read(entry.id)

    # --- ordering --------------------------------------------------------------------------

    def _resort(self) -> None:
        entries = self.entries
        # Keys made in one pass and compared as plain strings: a warm start sorts 10,000
        # entries before its first frame. The sort is stable, so equal titles keep their
        # entries' order.
        titles = [(e.title or _name(e.path)).casefold() for e in entries]
        by_title = sorted(range(len(entries)), key=titles.__getitem__)
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
        # Undated briefings last: a file's modification day says when it was copied, not
        # what period it covers. reverse=True keeps equal keys in title order.
        # "1" + date for a dated one, "0" for an undated: one string compare per pair.
        dates = ["0" if e.date is None else "1" + e.date for e in self.entries]
        return sorted(by_title, key=dates.__getitem__, reverse=True)

    def _apply_filter(self) -> None:
        listed = self._sorted
        if self.tag is not None:
            tag = self.tag
            listed = [i for i in listed if tag in self.entries[i].tags]
        matched = self._matched
        if matched is not None:
            # Best match first; equal scores keep the sort order (sorted() is stable).
            listed = sorted((i for i in listed if i in matched), key=matched.__getitem__)
        self.order = listed


def column_widths(entries: Iterable[Entry]) -> tuple[int, int]:
    """The list's subject and period columns for ``entries``: (0, 0) where no title lacks them.

    What a title says already is not said again beside it: "Granite Hash: adjusted ebitda of
    $374 mil…  Granite Hash  Q4 2024" gave the title 29 fewer cells at 80 columns, where rows
    that differ only at their end then read alike. A column shows where some briefing's
    title does not begin with its subject, or hold its period.
    """
    # A title is looked at only for a value longer than any yet; the common case (the title
    # names both) is tested inline: a call per entry and value was two thirds of the time.
    subject_width = period_width = 0
    for e in entries:
        subject, period = e.subject, e.period
        if subject and len(subject) > subject_width:
            title = e.title or ""
            if not title.startswith(subject) and not _names_subject_first(e):
                subject_width = len(subject)
        if period and len(period) > period_width:
            title = e.title or ""
            if period not in title and not _names_period(e):
                period_width = len(period)
    return subject_width, period_width


def _names_subject_first(entry: Entry) -> bool:
    """Whether ``entry``'s title begins with its subject (in any case)."""
    title, subject = entry.title or "", entry.subject or ""
    return title.startswith(subject) or title[: len(subject)].casefold() == subject.casefold()


def _names_period(entry: Entry) -> bool:
    """Whether ``entry``'s title holds its period ("... in Q4 2024"), in any case."""
    title, period = entry.title or "", entry.period or ""
    return period in title or period.casefold() in title.casefold()
