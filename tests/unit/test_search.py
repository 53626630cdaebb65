"""Library search: the fuzzy filter over titles, full-text search, and hits in a briefing."""

from __future__ import annotations

import dataclasses
import random

import pytest

from briefing_reader.library.search import (
    Hit,
    TextSearch,
    briefing_hits,
    entry_text,
    fold,
    smart_case,
    text_spans,
)
from briefing_reader.loading import load_file
from briefing_reader.model import (
    Briefing,
    CeoQuote,
    HeadlineFact,
    OpenQuestion,
    Source,
)
from briefing_reader.sections import SECTIONS
from tests.conftest import BUNDLED


@pytest.fixture(scope="module")
def bundled() -> Briefing:
    briefing = load_file(BUNDLED).briefing
    assert briefing is not None
    return briefing


def highlighted(haystack: str, spans: list[tuple[int, int]]) -> str:
    return "".join(haystack[start:end] for start, end in spans)


# --- smart case -----------------------------------------------------------------------


def test_smart_case_only_when_the_query_has_a_capital() -> None:
    assert smart_case("Core")
    assert smart_case("net LOSS")
    assert not smart_case("core")
    assert not smart_case("$265 (q4)")
    assert not smart_case("")


# --- fuzzy filter ---------------------------------------------------------------------


# --- full-text search -----------------------------------------------------------------

TEXTS = [
    "Core Scientific reported a net\nloss of $265 million.",
    "core values (a short list) and more",
    "Acme: revenue up; Net   loss narrowed",
    "nothing to see here",
]


def test_smart_case_in_full_text_search() -> None:
    search = TextSearch(TEXTS)
    assert search.entries("core") == [0, 1]
    assert search.entries("Core") == [0]
    assert text_spans(TEXTS[1], "Core") == []


def test_whitespace_runs_match_any_whitespace_run() -> None:
    search = TextSearch(TEXTS)
    assert search.entries("net  loss") == [0, 2]
    assert search.entries("Net loss") == [2]
    assert text_spans(TEXTS[0], "net loss") == [(27, 35)]
    assert text_spans(TEXTS[2], "net loss") == [(18, 28)]


def test_regex_metacharacters_are_literal() -> None:
    search = TextSearch(TEXTS)
    assert search.entries("$265") == [0]
    assert search.entries("(a") == [1]
    assert search.entries("a.e") == []
    assert search.entries("up;") == [2]
    assert text_spans(TEXTS[1], "(a") == [(12, 14)]


def test_blank_query_finds_nothing() -> None:
    search = TextSearch(TEXTS)
    assert search.entries("") == []
    assert search.entries("  \n ") == []
    assert text_spans(TEXTS[0], " ") == []


def test_each_entry_listed_once_in_ascending_order() -> None:
    search = TextSearch(["e e e", "xyz", "eee", "e"])
    assert search.entries("e") == [0, 2, 3]


def test_a_match_never_spans_two_entries() -> None:
    search = TextSearch(["the end of alpha", "beta begins", "alpha beta"])
    assert search.entries("alpha beta") == [2]
    assert search.entries("alphabeta") == []
    assert search.entries("alpha\x00beta") == []
    assert search.entries("beta") == [1, 2]


def test_text_spans_are_non_overlapping() -> None:
    assert text_spans("aaaaa", "aa") == [(0, 2), (2, 4)]
    assert text_spans("Loss, loss, LOSS", "loss") == [(0, 4), (6, 10), (12, 16)]
    assert text_spans("Loss, loss, LOSS", "Loss") == [(0, 4)]


def test_non_ascii_case_folding_keeps_offsets() -> None:
    text = "İstanbul office: Überweisung"
    assert text_spans(text, "über") == [(17, 21)]
    assert TextSearch([text]).entries("über") == [0]
    assert TextSearch([text]).entries("istanbul") == [0]
    assert text_spans(text, "istanbul") == [(0, 8)]


def test_fold_keeps_the_length_and_reads_dotted_capital_i_as_i() -> None:
    # U+0130's lower() is two characters ("i" and a combining dot): folded, it is one "i".
    for text in ("\u0130da", "x \u0130\u0130 y", "\u00dcber \u0130stanbul \u1e9e"):
        assert len(fold(text)) == len(text)
    assert fold("\u0130da Report") == "ida report"


# --- hits inside a briefing -----------------------------------------------------------


def test_hits_for_the_headline_figure(bundled: Briefing) -> None:
    hits = briefing_hits(bundled, "$265 million")
    title = next(h for h in hits if h.field == "title")
    assert title.section is None
    assert highlighted(bundled.title, list(title.spans)) == "$265 million"
    assert Hit(0, 0, "value", ((0, 12),)) in hits


def test_a_query_only_in_the_ceo_quote(bundled: Briefing) -> None:
    assert briefing_hits(bundled, "near-term") == [Hit(2, 0, "text", ((8, 17),))]
    assert SECTIONS[2].key == "ceo_quote"


def test_hits_come_in_reading_order(bundled: Briefing) -> None:
    hits = briefing_hits(bundled, "bitcoin")
    own = [h.field for h in hits if h.section is None]
    assert own == ["summary", "tags"]
    order = [(h.section, h.item) for h in hits if h.section is not None]
    assert order == sorted(order)
    assert hits.index(next(h for h in hits if h.section is not None)) == len(own)


def test_own_fields_include_source_but_not_format_or_file(bundled: Briefing) -> None:
    assert [h.field for h in briefing_hits(bundled, "$1.2B")] == ["source.title"]
    assert briefing_hits(bundled, "briefing/1") == []
    assert briefing_hits(bundled, "expansion.txt") == []
    tags = briefing_hits(bundled, "data-centers")
    assert [h.field for h in tags] == ["tags"]
    assert highlighted(", ".join(bundled.tags), list(tags[0].spans)) == "data-centers"


def test_hit_spans_point_at_the_query_in_the_field(bundled: Briefing) -> None:
    for hit in briefing_hits(bundled, "core scientific"):
        if hit.section is None:
            text = bundled
            for name in hit.field.split("."):
                text = getattr(text, name)
        else:
            text = getattr(bundled.items(SECTIONS[hit.section])[hit.item], hit.field)
        assert all(text[a:b].lower() == "core scientific" for a, b in hit.spans)


def _generated(bundled: Briefing, count: int) -> list[Briefing]:
    rng = random.Random(7)
    words = "Loss loss core Core energy net data mining $265 (a) halving quote".split()

    def phrase(k: int) -> str:
        return " ".join(rng.choices(words, k=k))

    out = [bundled]
    for n in range(count):
        out.append(
            dataclasses.replace(
                bundled,
                id=f"generated-{n}",
                title=phrase(3),
                source=Source(
                    phrase(3), "sources/x.txt", f"https://example.com/{n}" if n % 5 else None
                ),
                subject=phrase(1) if n % 2 else None,
                summary="\n".join(phrase(4) for _ in range(2)),
                tags=tuple(rng.choices(["core", "net-loss", "energy"], k=n % 3)),
                headline_facts=tuple(
                    HeadlineFact(phrase(2), phrase(1), phrase(3) if n % 3 else None)
                    for _ in range(n % 4)
                ),
                loss_drivers=(),
                ceo_quote=CeoQuote(phrase(5), "Speaker", None) if n % 2 else None,
                open_questions=(OpenQuestion(phrase(4)),),
            )
        )
    return out


QUERIES = [
    "loss",
    "Loss",
    "core",
    "Core",
    "net loss",
    "loss core",  # across two fields of the bundled title/subject: must find nothing there
    "loss Core",
    "$265",
    "(a",
    "mining halving",
    "quote Speaker",  # the quote's text, then its speaker: two fields
    "example.com",
    "generated",  # only in ids, which are not searched
    "net-loss",
    "energy, core",
]


def test_full_text_search_finds_exactly_the_briefings_with_hits(bundled: Briefing) -> None:
    briefings = _generated(bundled, 60)
    search = TextSearch([entry_text(b) for b in briefings])
    for query in QUERIES:
        with_hits = [i for i, b in enumerate(briefings) if briefing_hits(b, query)]
        assert search.entries(query) == with_hits, query
    assert search.entries("generated") == []


def test_entry_text_has_one_field_per_line_in_original_case(bundled: Briefing) -> None:
    lines = entry_text(bundled).split("\n")
    assert lines[0].rstrip("\x1f") == bundled.title
    assert "Adam Sullivan\x1f" in lines
    # A match ending one field and starting the next is not a match.
    assert "Q4 loss" in bundled.title and bundled.subject == "Core Scientific"
    assert TextSearch([entry_text(bundled)]).entries("Q4 loss Core") == []
