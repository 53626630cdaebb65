"""Does a briefing say what its source says?

Every ``evidence`` excerpt and the CEO quote must occur in the source article.
Matching forgives differences of whitespace, line breaks and typographic
quotes, dashes and apostrophes (the article's “ ” ‘ ’ – — against ASCII),
and nothing else: case, wording and punctuation must match.
"""

from __future__ import annotations

import os
import re
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from difflib import SequenceMatcher
from functools import lru_cache
from typing import TYPE_CHECKING, Literal, NamedTuple

from briefing_reader.model import Briefing
from briefing_reader.sections import SECTIONS
from briefing_reader.text import clean_name

if TYPE_CHECKING:
    from briefing_reader.loading.scalar_source import SourceMap
    from briefing_reader.loading.yamlsafe import Node, Scalar

_TYPOGRAPHIC = str.maketrans(
    {
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2033": '"',
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u2032": "'",
        "\u2013": "-",
        "\u2014": "-",
        "\u2012": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u00a0": " ",
    }
)


def normalize(text: str) -> str:
    """Text as the matcher compares it: ASCII quotes and dashes, single spaces."""
    # split() with no argument splits on the same Unicode whitespace as \s, in C. Every
    # typographic mark is outside ASCII, and translate() with a table is the dear part.
    if not text.isascii():
        text = text.translate(_TYPOGRAPHIC)
    return " ".join(text.split())


class Quoted(NamedTuple):
    """One excerpt that a briefing attributes to its source."""

    where: str  # e.g. "headline_facts[0].evidence"
    text: str


def quoted_passages(briefing: Briefing) -> Iterator[Quoted]:
    """Every excerpt the briefing claims is verbatim from its source."""
    for section in SECTIONS:
        for index, item in enumerate(briefing.items(section)):
            if item.quoted:
                yield Quoted(section.where(index, item.QUOTED), item.quoted)


def locate(source: str, excerpt: str) -> tuple[int, int] | None:
    """Where ``excerpt`` stands in ``source`` (start, end offsets), matched as `normalize` does.

    The source pane uses this to highlight evidence with the very rule `validate` checks.
    """
    needle = normalize(excerpt)
    if not needle:
        return None
    article = _normalized(source)
    found = article.text.find(needle)
    if found < 0:
        return None
    return article.origin(found), article.origin(found + len(needle) - 1) + 1


# An excerpt not in the article: where it goes wrong, and what the article says there.
#
# The passage is found by rapidfuzz's alignment of the excerpt with the normalized article
# (in C: ~0.1 ms for a quote against a 3 KB article) and compared with the excerpt token
# by token with difflib. It runs only for excerpts that failed the plain test above, so a
# good briefing pays nothing for it.

# Words and single punctuation marks: a quote glued to a word (“Despite) must not make
# the word itself look changed.
_TOKEN = re.compile(r"\w+|[^\w\s]")
# What normalize() splits on: re's \s is str.isspace(), as str.split() uses it.
_WORD = re.compile(r"\S+")
# Where a sentence (or a line introducing a quote or a list) ends, and a passage may start.
_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)\]]*(?=\s|$)|[:;](?=[ \t]*\r?\n)|\n[ \t]*\r?\n")
# How far a passage may reach beyond the aligned words for its sentence's bounds.
_REACH = 300
# Below this rapidfuzz score, or with under half its letters in words found in order, an
# excerpt has nothing close in the article: "did you mean" would be a guess.
_MIN_SCORE = 70.0
_MIN_SHARE = 0.5


Part = tuple[Literal["same", "excerpt", "article"], str]


class Passage(NamedTuple):
    """The article's passage closest to an excerpt that is not in it."""

    start: int  # offsets in the article's text (characters, after decoding)
    end: int
    line: int  # 1-based line and column of ``start`` in the article
    column: int
    # The passage word by word against the excerpt: "same" is in both, "article" only in
    # the article, "excerpt" only in the excerpt (at the place it stands in the passage).
    parts: tuple[Part, ...]


class Difference(NamedTuple):
    """How an excerpt differs from the article, for one ``not-in-source`` problem."""

    first: tuple[int, int] | None  # the excerpt's first differing tokens: [start, end)
    passage: Passage | None  # None: nothing in the article is close


class Span(NamedTuple):
    """Where words of a scalar were written in the YAML: 1-based, the end just past them."""

    line: int
    column: int
    end_line: int
    end_column: int


class Mismatch(NamedTuple):
    """What `validate` shows for an excerpt not in its source, beyond the one-line message."""

    span: Span | None  # the excerpt's first differing words; None: only its start is known
    source: str  # the article, as ``source.file`` names it
    passage: Passage | None  # None: nothing in the article is close


def mismatch(
    article: str, excerpt: str, node: Node | None, yaml: Callable[[], SourceMap | None], source: str
) -> Mismatch:
    """What is wrong with ``excerpt``, written as ``node``, which is not in ``article``.

    ``yaml`` gives the briefing's text, read only when there is a word to point at.
    """
    # Imported here: the reader's library imports this module without parsing any YAML.
    from briefing_reader.loading.yamlsafe import Scalar

    found = difference(article, excerpt)
    span = None
    if found.first is not None and isinstance(node, Scalar):
        span = _span(node, excerpt, found.first, yaml())
    return Mismatch(span, source, found.passage)


def _span(
    node: Scalar, excerpt: str, first: tuple[int, int], yaml: SourceMap | None
) -> Span | None:
    """Where the excerpt's tokens ``first`` were written, or None where unsure."""
    value = node.value
    written = tokens(value)
    # The model's text is the value cleaned (controls made visible, lines joined); the
    # tokens correspond one for one unless cleaning merged or split some (a lone \r).
    if yaml is None or len(written) != len(tokens(normalize(excerpt))):
        return None
    line, column = node.mark
    origins = yaml.origins(line, column, value)
    if origins is None:
        return None
    start, end = written[first[0]][0], written[first[1] - 1][1]
    # The whole words: a token may be part of one ("perfomance" in "high-perfomance").
    while start > 0 and not value[start - 1].isspace():
        start -= 1
    while end < len(value) and not value[end].isspace():
        end += 1
    # A character written as an escape (\u201c) is pointed at by its backslash.
    begin = yaml.position(origins[start])
    last = yaml.position(origins[end - 1])
    return Span(begin[0], begin[1], last[0], last[1] + 1)


# Marks for the words that differ, where no colour can show them (as wdiff writes them):
# the passage is the article's, so the excerpt's words are the ones to take out.
MARKS = {"excerpt": ("[-", "-]"), "article": ("{+", "+}"), "same": ("", "")}


def source_name(briefing: str, source: str) -> str:
    """The article as a message names it: ``source`` (``source.file``) beside ``briefing``
    (the briefing as messages name it), so that an editor can open it from there."""
    folder = os.path.dirname(briefing)
    return clean_name(os.path.normpath(os.path.join(folder, source)) if folder else source)


_LINE_BREAK = re.compile(r"[ \t]*\r?\n\s*|\t")


def one_line(text: str) -> str:
    """A piece of a passage as display text: line breaks joined, controls made visible.

    Unlike `text.clean`, the spaces at its ends stay: it is shown between other pieces.
    """
    return clean_name(_LINE_BREAK.sub(" ", text))


def marked(parts: Sequence[Part]) -> str:
    """The passage as one line of text, its differing words marked with `MARKS`."""
    return "".join(f"{MARKS[kind][0]}{one_line(text)}{MARKS[kind][1]}" for kind, text in parts)


def tokens(text: str) -> list[tuple[int, int]]:
    """The (start, end) offsets of ``text``'s words and punctuation marks, as compared."""
    return [match.span() for match in _TOKEN.finditer(text)]


class _Normalized(NamedTuple):
    """An article as `normalize` makes it, and the way back to the raw text's offsets."""

    text: str
    starts: list[int]  # where each word starts in ``text``
    raw: list[int]  # ... and in the article

    def origin(self, offset: int) -> int:
        """The article's offset of ``text[offset]`` (a space: the first blank after a word)."""
        word = bisect_right(self.starts, offset) - 1
        return self.raw[word] + offset - self.starts[word]


@lru_cache(maxsize=8)
def _normalized(source: str) -> _Normalized:
    """`normalize`'s text of ``source``, with the word offsets that lead back to it.

    Kept for the last few articles: a briefing's excerpts are located in one article.
    Words, not characters, are remembered: one pass of a regular expression, in C.
    """
    translated = source.translate(_TYPOGRAPHIC)  # one character for one: offsets survive
    raw: list[int] = []
    starts: list[int] = []
    words: list[str] = []
    at = 0
    for match in _WORD.finditer(translated):
        word = match.group()
        raw.append(match.start())
        starts.append(at)
        words.append(word)
        at += len(word) + 1
    return _Normalized(" ".join(words), starts, raw)


def difference(source: str, excerpt: str) -> Difference:
    """Where ``excerpt`` (not in ``source``) first differs from the closest passage of it."""
    # Imported here: only a failing excerpt needs them, and the reader's start-up does not.
    from rapidfuzz import fuzz, process
    from rapidfuzz.distance import LCSseq

    needle = normalize(excerpt)
    article = _normalized(source)
    text = article.text
    if not needle or not text:
        return Difference(None, None)
    ours = tokens(needle)
    words = [needle[a:b] for a, b in ours]
    # Two candidates: the window most like the excerpt letter for letter (best for long
    # excerpts, which may span sentences), and the sentence sharing most of its words
    # (best for short ones, where a few letters alike are chance).
    spans: list[tuple[int, int]] = []
    aligned = fuzz.partial_ratio_alignment(needle, text, score_cutoff=_MIN_SCORE)
    if aligned is not None and aligned.dest_end > aligned.dest_start:
        begin, end = article.origin(aligned.dest_start), article.origin(aligned.dest_end - 1)
        spans.append(_sentence(source, begin, end + 1))
    bounds, sentences = _sentences(source)
    best = process.extractOne(words, sentences, scorer=LCSseq.similarity, score_cutoff=1)
    if best is not None and bounds[best[2]] not in spans:  # most often both find one
        spans.append(bounds[best[2]])
    found = [_compare(source, span, words) for span in spans]
    if not found:
        return Difference(None, None)
    same, (start, end), theirs, opcodes = max(found, key=lambda f: f[0])  # the first of ties
    if same < _MIN_SHARE * sum(map(len, words)):
        return Difference(None, None)
    first: tuple[int, int] | None = None
    parts: list[Part] = []
    done = 0  # how much of the passage the parts hold so far
    for tag, i1, i2, j1, j2 in opcodes:
        context = tag == "insert" and i1 in (0, len(words))
        if tag != "equal" and not context and first is None:
            # Words the excerpt lacks are pointed at by the excerpt's word after the gap.
            first = (i1, i2) if i2 > i1 else (i1, i1 + 1)
        if j2 > j1:
            at, to = theirs[j1][0], theirs[j2 - 1][1]
            if at > done:
                parts.append(("same", source[start + done : start + at]))
        if tag in ("replace", "delete"):
            at_word = ours[i1][0]
            # Words only the excerpt has stand where it has them: after a space there.
            spaced = needle[at_word - 1 : at_word] == " "
            if tag == "delete" and spaced and parts and not parts[-1][1][-1:].isspace():
                parts.append(("same", " "))
            parts.append(("excerpt", needle[at_word : ours[i2 - 1][1]]))
        if j2 > j1:
            kind: Literal["same", "article"] = "same" if tag == "equal" or context else "article"
            parts.append((kind, source[start + at : start + to]))
            done = to
    if done < end - start:
        parts.append(("same", source[start + done : end]))
    line = source.count("\n", 0, start) + 1
    column = start - source.rfind("\n", 0, start)
    return Difference(first, Passage(start, end, line, column, tuple(_merge(parts))))


Opcode = tuple[str, int, int, int, int]


def _compare(
    source: str, span: tuple[int, int], words: list[str]
) -> tuple[int, tuple[int, int], list[tuple[int, int]], list[Opcode]]:
    """How much of ``words`` (in letters) the passage at ``span`` has in order, its tokens
    and the diff."""
    start, end = span
    translated = source[start:end].translate(_TYPOGRAPHIC)
    theirs = tokens(translated)
    matcher = SequenceMatcher(None, words, [translated[a:b] for a, b in theirs], autojunk=False)
    opcodes = _trim_context(matcher.get_opcodes(), len(words))
    # Weighed by length: "in", "the" and a full stop alike are chance, a long word is not.
    same = sum(len(w) for tag, i1, i2, _, _ in opcodes if tag == "equal" for w in words[i1:i2])
    return same, span, theirs, opcodes


@lru_cache(maxsize=4)
def _sentences(source: str) -> tuple[list[tuple[int, int]], list[list[str]]]:
    """The article's sentences: their (start, end) offsets and their tokens as compared."""
    bounds: list[tuple[int, int]] = []
    words: list[list[str]] = []
    translated = source.translate(_TYPOGRAPHIC)
    start = 0
    for end in (*(m.end() for m in _SENTENCE_END.finditer(source)), len(source)):
        piece = translated[start:end]
        if piece.strip():
            skipped = len(piece) - len(piece.lstrip())
            bounds.append((start + skipped, start + len(piece.rstrip())))
            words.append(_TOKEN.findall(piece))
        start = end
    return bounds, words


def _trim_context(opcodes: Sequence[Opcode], length: int) -> list[Opcode]:
    """Opcodes where the passage's words before and after the excerpt are context.

    A changed first (or last) word against the rest of its sentence reads as one
    replacement of the word by several: only as many article words as the excerpt has
    count as its counterpart, the rest are context.
    """
    out = list(opcodes)
    if out and out[0][0] == "replace" and out[0][1] == 0:
        tag, i1, i2, j1, j2 = out[0]
        extra = (j2 - j1) - (i2 - i1)
        if extra > 0:
            out[0:1] = [("insert", 0, 0, j1, j1 + extra), (tag, i1, i2, j1 + extra, j2)]
    if out and out[-1][0] == "replace" and out[-1][2] == length:
        tag, i1, i2, j1, j2 = out[-1]
        extra = (j2 - j1) - (i2 - i1)
        if extra > 0:
            out[-1:] = [(tag, i1, i2, j1, j2 - extra), ("insert", length, length, j2 - extra, j2)]
    return out


def _merge(parts: list[Part]) -> Iterator[Part]:
    kind, text = parts[0]
    for next_kind, next_text in parts[1:]:
        if next_kind == kind:
            text += next_text
        else:
            yield kind, text
            kind, text = next_kind, next_text
    yield kind, text


def _sentence(source: str, start: int, end: int) -> tuple[int, int]:
    """``start``:``end`` widened to the bounds of the sentences it touches (within reach)."""
    low = max(0, start - _REACH)
    begin = low
    for bound in _SENTENCE_END.finditer(source, low, start):
        begin = bound.end()
    if begin == low and low > 0:  # no bound in reach: start at a word
        space = source.find(" ", low, start)
        begin = space + 1 if space >= 0 else start
    high = min(len(source), end + _REACH)
    # From the aligned text's last character, so a sentence ending there is not passed.
    match = _SENTENCE_END.search(source, max(end - 1, start), high)
    if match is not None:
        finish = match.end() if match.group().strip() else match.start()
    else:
        space = source.rfind(" ", end, high)
        finish = space if space >= 0 and high < len(source) else high
    finish = max(finish, end)
    while begin < finish and source[begin].isspace():
        begin += 1
    while finish > begin and source[finish - 1].isspace():
        finish -= 1
    return begin, finish
