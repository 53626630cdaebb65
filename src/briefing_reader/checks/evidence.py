"""Does a briefing say what its source says?

Every ``evidence`` excerpt and the CEO quote must occur in the source article.
Matching forgives differences of whitespace, line breaks and typographic
quotes, dashes and apostrophes (the article's “ ” ‘ ’ – — against ASCII),
and nothing else: case, wording and punctuation must match.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from briefing_reader.model import SECTIONS, Briefing

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
    # split() with no argument splits on the same Unicode whitespace as \s, in C.
    return " ".join(text.translate(_TYPOGRAPHIC).split())


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
    # Normalize the source while remembering, for each kept character, where it came from.
    translated = source.translate(_TYPOGRAPHIC)  # one character for one: offsets survive
    chars: list[str] = []
    origin: list[int] = []
    in_space = True  # leading whitespace is dropped, as normalize() does
    for index, char in enumerate(translated):
        if char.isspace():
            if not in_space:
                chars.append(" ")
                origin.append(index)
            in_space = True
        else:
            chars.append(char)
            origin.append(index)
            in_space = False
    found = "".join(chars).find(needle)
    if found < 0:
        return None
    return origin[found], origin[found + len(needle) - 1] + 1
