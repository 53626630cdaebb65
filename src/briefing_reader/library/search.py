"""Searching a library: fuzzy filter-as-you-type over titles, and full-text search.

No Textual and no Rich here: the screens call these functions and draw the results.

Two kinds of search, both built once per library and queried on every key press:

- :class:`FuzzyFilter` narrows the library list as the user types: each entry's short
  haystack (title, subject, tags, id) must contain the query's characters in order.
- :class:`TextSearch` finds the entries whose whole text (:func:`entry_text`) contains the
  query literally; :func:`briefing_hits` then says where, field by field, inside one opened
  briefing, and :func:`text_spans` / :func:`fuzzy_spans` give the characters to highlight.

Both keep the whole library in one big string and let ``re`` / ``str.find`` scan it in C:
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
from typing import Any, NamedTuple

from briefing_reader.model import SECTIONS, Briefing

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
# the fuzzy filter's haystack has it) and the source's file name.
_SKIPPED = frozenset({"format", "id", "source.file"})

# Fuzzy score tiers (lower sorts first); positions and counts below are capped to fit.
_TIER = 10**9
_CAP = 999


def smart_case(query: str) -> bool:
    """True when the search must be case-sensitive: the query has an upper-case letter."""
    return any(ch.isupper() for ch in query)


def _fold(text: str) -> str:
    """Lower-case ``text`` without changing its length, so offsets stay valid in the original.

    U+0130 (I with dot above) is the only character whose ``lower()`` is two characters;
    ``re.IGNORECASE`` matches it with a plain "i", and so does this.
    """
    low = text.lower()
    if len(low) == len(text):
        return low
    return text.replace("\u0130", "i").lower()


# ---------------------------------------------------------------------------------------
# Fuzzy filter


def _fuzzy_query(query: str) -> str:
    return _fold("".join(query.split()))


@lru_cache(maxsize=64)
def _fuzzy_pattern(q: str) -> re.Pattern[str]:
    """``\\n[^\\na]*+a[^\\nb]*+b[^\\nc]*+(c)`` for "abc": q in order within one line.

    Matched from the line break before a line, so a line that fails costs one pass
    (an unanchored ``a...`` would retry from every "a" in it), and the search skips from
    line break to line break at C speed. Each gap excludes the next wanted character and
    never gives back (``*+``), so the match is the leftmost one; the group marks where q's
    last character matched, where the scorer starts.
    """
    parts = ["\n"]
    for index, ch in enumerate(q):
        char = re.escape(ch)
        wanted = f"({char})" if index == len(q) - 1 else char
        parts.append(f"[^\\n{char}]*+{wanted}")
    return re.compile("".join(parts))


# Length-preserving: every character that cannot be part of a word becomes a space.
_NOT_ALNUM = re.compile(r"[^\w\n]|_")


def _spaced(folded: str) -> str:
    """``folded`` with non-alphanumerics as spaces, behind one more space.

    Position ``p`` of the result is the character before ``folded[p]``, so a word starts at
    ``p`` exactly when ``result[p] == " "``, and finding ``" " + q`` finds ``q`` at a word
    start in one C call instead of a Python loop over every occurrence.
    """
    return " " + _NOT_ALNUM.sub(" ", folded)


class _Fuzzy:
    """One fuzzy query, with what scoring every matching line needs made once."""

    __slots__ = ("back", "pattern", "q", "spaced_q")

    def __init__(self, q: str) -> None:
        self.q = q
        self.back = q[-2::-1]
        self.pattern = _fuzzy_pattern(q)
        # The spaced trick works only when every character of q survives _spaced.
        self.spaced_q = " " + q if q.isalnum() else None

    def contiguous(self, line: str, spaced: str) -> tuple[int, bool]:
        """Where ``q`` occurs in ``line`` (-1 if nowhere), preferring a word start."""
        q = self.q
        if self.spaced_q is not None:
            pos = spaced.find(self.spaced_q)
            return (pos, True) if pos >= 0 else (line.find(q), False)
        first = pos = line.find(q)
        while pos >= 0:
            if spaced[pos] == " ":
                return pos, True
            pos = line.find(q, pos + 1)
        return first, False

    def score(self, line: str, spaced: str, last: int) -> int:
        """Lower is better: contiguous at a word start, contiguous, then scattered.

        ``last`` is where the regex matched q's last character. Runs once per matching
        entry, so the scattered case is inlined rather than built on :meth:`positions`.
        """
        # contiguous(), inlined for its common case: q is a word and seldom in the line.
        spaced_q = self.spaced_q
        if spaced_q is not None:
            pos = spaced.find(spaced_q)
            if pos >= 0:
                return min(pos, _CAP)
            pos = line.find(self.q)
            if pos >= 0:
                return _TIER + min(pos, _CAP)
        else:
            pos, word_start = self.contiguous(line, spaced)
            if pos >= 0:
                return (0 if word_start else _TIER) + min(pos, _CAP)
        gaps = 0
        inner = 0 if spaced[last] == " " else 1
        prev = last
        for ch in self.back:
            p = line.rfind(ch, 0, prev)
            if p != prev - 1:
                gaps += 1
            if spaced[p] != " ":
                inner += 1
            prev = p
        return 2 * _TIER + min(gaps, _CAP) * 1_000_000 + min(inner, _CAP) * 1_000 + min(prev, _CAP)

    def positions(self, line: str, last: int) -> list[int]:
        """The characters :meth:`score` counted for a scattered match, in order.

        The regex finds the earliest end; walking back from it with ``rfind`` gives the
        shortest window ending there, so the first character is not stranded far off.
        """
        found = [last]
        for ch in self.back:
            found.append(line.rfind(ch, 0, found[-1]))
        found.reverse()
        return found


class FuzzyFilter:
    """Filter-as-you-type over many short haystacks, one per library entry.

    Each haystack is an entry's title, subject, tags and id joined by spaces. Build it
    once per library and again when the library changes.
    """

    def __init__(self, haystacks: Sequence[str]) -> None:
        """Index ``haystacks``; each one's index is what :meth:`filter` returns."""
        # A line break inside a haystack would split it in two in the joined string.
        self._lines = [_fold(h).replace("\n", " ") for h in haystacks]
        # Every line behind a line break, the first included: see _fuzzy_pattern.
        self._text = "".join("\n" + line for line in self._lines)
        # _spaced of every line, in one substitution over the joined text.
        self._spaced = [" " + line for line in _NOT_ALNUM.sub(" ", self._text).split("\n")[1:]]
        # Where each line's leading line break is, and the way back from it to the line.
        self._starts = [0, *accumulate(len(line) + 1 for line in self._lines)][:-1]
        self._line_at = {start: i for i, start in enumerate(self._starts)}

    def __len__(self) -> int:
        return len(self._lines)

    def filter(self, query: str, within: Sequence[int] | None = None) -> list[int]:
        """Indices of the haystacks matching ``query`` as a fuzzy subsequence, best first.

        Every query character must occur in order, not necessarily adjacent; whitespace in
        the query is ignored and case never matters. A contiguous occurrence beats a
        scattered one, a word start beats the middle of a word, earlier beats later; ties
        keep ascending index order. ``within`` restricts the result to those indices (the
        previous result, when the user extends the query); its order does not matter.
        An empty query gives every index (or ``within`` as given).
        """
        q = _fuzzy_query(query)
        if not q:
            return list(range(len(self._lines))) if within is None else list(within)
        fuzzy = _Fuzzy(q)
        score = fuzzy.score
        lines = self._lines
        spaced = self._spaced
        # Score and index in one int (score * stride + index) sort faster than tuples,
        # and ties fall back to ascending index for free.
        stride = len(lines) or 1
        keys: list[int] = []
        # Searching the lines of `within` one by one beats scanning the whole text until
        # `within` holds about half the library (measured at 10,000 entries).
        search = fuzzy.pattern.search
        text = self._text
        starts = self._starts
        if within is not None and len(within) * 2 < len(lines):
            for i in sorted(set(within)):
                start = starts[i]
                m = search(text, start, start + 1 + len(lines[i]))
                if m:
                    keys.append(score(lines[i], spaced[i], m.start(1) - start - 1) * stride + i)
        else:
            wanted = None if within is None else set(within)
            line_at = self._line_at
            for m in fuzzy.pattern.finditer(text):
                start = m.start()
                i = line_at[start]
                if wanted is None or i in wanted:
                    keys.append(score(lines[i], spaced[i], m.start(1) - start - 1) * stride + i)
        keys.sort()
        return [key % stride for key in keys]


def fuzzy_spans(haystack: str, query: str) -> list[tuple[int, int]]:
    """The ``(start, end)`` spans of ``haystack`` to highlight for ``query``'s fuzzy match.

    Adjacent characters merge into one span; ``[]`` when the query does not match (or is
    empty). The match shown is the one :class:`FuzzyFilter` scored: a contiguous
    occurrence if there is one (at a word start if possible), else the tightest run.
    """
    q = _fuzzy_query(query)
    if not q:
        return []
    fuzzy = _Fuzzy(q)
    line = _fold(haystack).replace("\n", " ")
    pos, _ = fuzzy.contiguous(line, _spaced(line))
    if pos >= 0:
        return [(pos, pos + len(q))]
    m = fuzzy.pattern.search("\n" + line)
    if not m:
        return []
    spans: list[tuple[int, int]] = []
    for p in fuzzy.positions(line, m.start(1) - 1):
        if spans and spans[-1][1] == p:
            spans[-1] = (spans[-1][0], p + 1)
        else:
            spans.append((p, p + 1))
    return spans


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
    return (words if sensitive else [_fold(w) for w in words]), sensitive


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
        self._folded = _fold(self._text)
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
    haystack = text if sensitive else _fold(text)
    return [m.span() for m in _literal_pattern(tuple(words)).finditer(haystack)]


# ---------------------------------------------------------------------------------------
# Hits inside one briefing


class Hit(NamedTuple):
    """One field of a briefing that contains the query, and where in it."""

    # Index into model.SECTIONS of the pane holding the hit, or None for the briefing's
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
    panes = {section.key for section in SECTIONS}
    nested: list[tuple[str, Any]] = []
    for f in fields(briefing):
        if f.name in panes or f.name in _SKIPPED:
            continue
        value = getattr(briefing, f.name)
        if is_dataclass(value) and not isinstance(value, type):
            nested.append((f.name, value))
            continue
        text = _as_text(value)
        if text is not None:
            yield None, 0, f.name, text
    for prefix, record in nested:
        for f in fields(record):
            name = f"{prefix}.{f.name}"
            text = None if name in _SKIPPED else _as_text(getattr(record, f.name))
            if text is not None:
                yield None, 0, name, text
    for s, section in enumerate(SECTIONS):
        for i, item in enumerate(briefing.items(section)):
            for f in fields(item):
                text = _as_text(getattr(item, f.name))
                if text is not None:
                    yield s, i, f.name, text


def briefing_hits(briefing: Briefing, query: str) -> list[Hit]:
    """Every field of ``briefing`` containing ``query``, in reading order, with its spans.

    First the briefing's own text fields (title, subject, period, dateline, summary, tags,
    then source.title and source.url; never format, id or source.file), with section
    None; then each pane of :data:`~briefing_reader.model.SECTIONS`, item by item, field
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
