"""Searching a library: full-text search, and where a query is inside one briefing.

No Textual and no Rich here: the screens call these functions and draw the results.
(The filter-as-you-type over titles is :class:`~briefing_reader.library.view.LibraryView`'s.)

- :class:`TextSearch` finds the entries whose whole text (:func:`entry_text`) contains the
  query literally; :func:`briefing_hits` then says where, field by field, inside one opened
  briefing, and :func:`text_spans` gives the characters to highlight.

It keeps the whole library in one big string and let ``re`` / ``str.find`` scan it in C:
a Python loop over 10,000 entries per key press would cost more than the scan itself.
Python work is spent only on the entries that match.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import fields, is_dataclass
from functools import lru_cache
from itertools import accumulate
from typing import TYPE_CHECKING, Any, NamedTuple

from briefing_reader.sections import SECTIONS

if TYPE_CHECKING:
    # Only named: the library's first frame imports this module, and the briefing's
    # dataclasses are ~5 ms of start-up it does not need.
    from briefing_reader.model import Briefing

# Between entries of TextSearch's big string. The loader turns every control character
# into a visible placeholder, so neither separator can occur in a briefing's text; a
# query containing one matches nothing, so no match can run from one entry (or one
# field) into the next.
_ENTRY_SEP = "\x00"
# After each field in entry_text. Not whitespace to the query's whitespace runs (see
# _WS), so "loss Core" cannot match the end of one field and the start of the next.
_FIELD_SEP = "\x1f"
_WS = r"[^\S\x1f]+"

# Briefing fields that are not text a reader would search: the format version, the id
# (a slug shown nowhere in the briefing view, so a hit there could not be highlighted;
# the library's filter matches it) and the source's file name.
_SKIPPED = frozenset({"format", "id", "source.file"})
_PANES = frozenset(section.key for section in SECTIONS)


def smart_case(query: str) -> bool:
    """True when the search must be case-sensitive: the query has an upper-case letter."""
    return any(ch.isupper() for ch in query)


def fold(text: str) -> str:
    """Lower-case ``text`` without changing its length, so offsets stay valid in the original.

    U+0130 (I with dot above) is the only character whose ``lower()`` is two characters;
    ``re.IGNORECASE`` matches it with a plain "i", and so does this. The one fold of the
    library's search and of its filter (:mod:`~briefing_reader.library.view`).
    """
    low = text.lower()
    if len(low) == len(text):
        return low
    return text.replace("\u0130", "i").lower()


# ---------------------------------------------------------------------------------------
# Full-text search


def _literal_parts(query: str) -> tuple[list[str], bool] | None:
    """The query's words (folded unless smart case applies) and whether case matters."""
    if _ENTRY_SEP in query or _FIELD_SEP in query:
        return None
    words = query.split()
    if not words:
        return None
    sensitive = smart_case(query)
    return (words if sensitive else [fold(w) for w in words]), sensitive


@lru_cache(maxsize=64)
def _literal_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(_WS.join(re.escape(w) for w in words))


class TextSearch:
    """Full-text search over every entry's text: one string per entry, in original case.

    All texts are joined into one string (and one folded copy for case-insensitive
    queries) separated by NUL, so a query is one C-level scan however many entries
    there are; match offsets map back to entries by bisection.
    """

    def __init__(self, texts: Sequence[str]) -> None:
        """Index ``texts``; each one's index is what :meth:`entries` returns."""
        # A NUL inside a text would read as an entry boundary; it cannot come from a
        # loaded briefing, but keep arbitrary input from shifting every later entry.
        clean = [t.replace(_ENTRY_SEP, _FIELD_SEP) if _ENTRY_SEP in t else t for t in texts]
        self._count = len(clean)
        self._text = _ENTRY_SEP.join(clean)
        self._folded = fold(self._text)
        self._starts = [0, *accumulate(len(t) + 1 for t in clean)][:-1]

    def __len__(self) -> int:
        return self._count

    def entries(self, query: str) -> list[int]:
        """Ascending indices of the entries whose text contains ``query`` literally.

        Case-insensitive unless :func:`smart_case`; a whitespace run in the query matches
        any whitespace run ("net loss" finds "net\\nloss"); leading and trailing
        whitespace is ignored. Regex characters mean themselves. A blank query, or one
        holding a separator character, gives ``[]``.
        """
        parsed = _literal_parts(query)
        if parsed is None:
            return []
        words, sensitive = parsed
        text = self._text if sensitive else self._folded
        starts = self._starts
        last = self._count - 1
        found: list[int] = []
        # After a hit, jump to the next entry: Python runs once per matching entry, not
        # once per occurrence.
        if len(words) == 1:
            find = text.find
            needle = words[0]
            pos = find(needle)
            while pos >= 0:
                i = bisect_right(starts, pos) - 1
                found.append(i)
                if i == last:
                    break
                pos = find(needle, starts[i + 1])
        else:
            search = _literal_pattern(tuple(words)).search
            m = search(text)
            while m:
                i = bisect_right(starts, m.start()) - 1
                found.append(i)
                if i == last:
                    break
                m = search(text, starts[i + 1])
        return found


def text_spans(text: str, query: str) -> list[tuple[int, int]]:
    """Every non-overlapping occurrence of ``query`` in ``text``, as ``(start, end)``.

    The rules are :meth:`TextSearch.entries`': smart case, whitespace runs, literal text.
    """
    parsed = _literal_parts(query)
    if parsed is None:
        return []
    words, sensitive = parsed
    haystack = text if sensitive else fold(text)
    return [m.span() for m in _literal_pattern(tuple(words)).finditer(haystack)]


# ---------------------------------------------------------------------------------------
# Hits inside one briefing


class Hit(NamedTuple):
    """One field of a briefing that contains the query, and where in it."""

    # Index into sections.SECTIONS of the pane holding the hit, or None for the briefing's
    # own fields (title, summary, subject, tags, source.title ...).
    section: int | None
    # Index of the item in that pane (the single ceo_quote is item 0); 0 when section is None.
    item: int
    # The field inside the item ('label', 'evidence', 'text'), or the briefing's own field
    # ('title', 'tags', 'source.url').
    field: str
    # text_spans of the query in that field's text.
    spans: tuple[tuple[int, int], ...]


def _as_text(value: object) -> str | None:
    """A field's searchable text: strings as they are, tuples of strings joined by ', '."""
    if isinstance(value, str):
        return value or None
    if isinstance(value, tuple) and value and all(isinstance(v, str) for v in value):
        return ", ".join(value)
    return None


def _text_fields(briefing: Briefing) -> Iterator[tuple[int | None, int, str, str]]:
    """``(section, item, field, text)`` of every searchable field, in reading order.

    The briefing's own scalar fields come first in dataclass order, then the fields of
    nested records such as ``source`` (named ``source.title``), then every pane's items.
    """
    # An index asks this of every file: most values are text, told apart first (see _as_text).
    nested: list[tuple[str, Any]] = []
    for name in _field_names(type(briefing)):
        if name in _PANES or name in _SKIPPED:
            continue
        value = getattr(briefing, name)
        if type(value) is str:
            if value:
                yield None, 0, name, value
            continue
        if is_dataclass(value) and not isinstance(value, type):
            nested.append((name, value))
            continue
        text = _as_text(value)
        if text is not None:
            yield None, 0, name, text
    for prefix, record in nested:
        for field_name in _field_names(type(record)):
            name = f"{prefix}.{field_name}"
            text = None if name in _SKIPPED else _as_text(getattr(record, field_name))
            if text is not None:
                yield None, 0, name, text
    for s, section in enumerate(SECTIONS):
        for i, item in enumerate(briefing.items(section)):
            for name in _field_names(type(item)):
                value = getattr(item, name)
                text = (value or None) if type(value) is str else _as_text(value)
                if text is not None:
                    yield s, i, name, text


def _field_names(cls: type) -> tuple[str, ...]:
    # dataclasses.fields() builds its tuple anew at each call: an index asks for 10 a file.
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in fields(cls))
    return names


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def briefing_hits(briefing: Briefing, query: str) -> list[Hit]:
    """Every field of ``briefing`` containing ``query``, in reading order, with its spans.

    First the briefing's own text fields (title, subject, period, dateline, summary, tags,
    then source.title and source.url; never format, id or source.file), with section
    None; then each pane of :data:`~briefing_reader.sections.SECTIONS`, item by item, field
    by field in dataclass order. Tags are one field, ``'tags'``, joined by ', ' (spans
    index that string). Matching follows :func:`text_spans`.
    """
    if _literal_parts(query) is None:
        return []
    hits: list[Hit] = []
    for section, item, name, text in _text_fields(briefing):
        spans = text_spans(text, query)
        if spans:
            hits.append(Hit(section, item, name, tuple(spans)))
    return hits


def entry_text(briefing: Briefing) -> str:
    """The text :class:`TextSearch` indexes for ``briefing``: each field on its own line.

    The fields are those :func:`briefing_hits` searches, in original case, so searching
    this text finds exactly the briefings that have hits. Each line ends with a U+001F
    unit separator, which no query matches, so a match never spans two fields.
    """
    return "\n".join(text + _FIELD_SEP for _, _, _, text in _text_fields(briefing))


class PaneHit(NamedTuple):
    """Where a reader shows a search hit: its pane, its item, and whether it is in the details."""

    # 1-based, as the reader numbers its panes (1 to 4 jump to them).
    pane: int
    item: int
    # The hit is in a note or the evidence, which shows only once the item is expanded.
    in_details: bool


def pane_hits(briefing: Briefing, query: str) -> list[PaneHit]:
    """Every item of ``briefing``'s panes holding ``query``, once each, in reading order.

    ``in_details`` is set when any of the item's hits is in its details, so expanding it
    shows them all. The briefing's own fields (title, summary, ...) are in no pane.
    """
    found: dict[tuple[int, int], bool] = {}
    for hit in briefing_hits(briefing, query):
        if hit.section is None:
            continue
        item = briefing.items(SECTIONS[hit.section])[hit.item]
        text = getattr(item, hit.field, None)
        in_details = any(detail.text == text for detail in item.details())
        place = (hit.section + 1, hit.item)
        found[place] = found.get(place, False) or in_details
    return [PaneHit(pane, item, in_details) for (pane, item), in_details in found.items()]
