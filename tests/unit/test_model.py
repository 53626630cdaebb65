"""What the model knows about itself: which text is quoted, one item or many, the meta line."""

from __future__ import annotations

import dataclasses
import typing

from briefing_reader.library.index import build_entry_and_text
from briefing_reader.model import (
    Briefing,
    CeoQuote,
    HeadlineFact,
    Item,
    LossDriver,
    OpenQuestion,
    Source,
)
from briefing_reader.sections import SECTIONS, meta_parts
from tests.conftest import BUNDLED, load

ITEM_CLASSES: tuple[type[Item], ...] = typing.get_args(Item)


BASE = Briefing(
    format="briefing/1",
    id="x",
    title="X",
    source=Source("S", "s.txt"),
    headline_facts=(),
    loss_drivers=(),
    ceo_quote=None,
    open_questions=(),
)


def briefing(**fields: object) -> Briefing:
    return dataclasses.replace(BASE, **fields)


def test_single_matches_the_type_of_the_section_field() -> None:
    hints = typing.get_type_hints(Briefing)
    for section in SECTIONS:
        listed = typing.get_origin(hints[section.key]) is tuple
        assert section.single is not listed, section.key
    assert [s.key for s in SECTIONS if s.single] == ["ceo_quote"]


def test_items_of_a_single_section_are_its_item_or_none() -> None:
    (quote_section,) = (s for s in SECTIONS if s.single)
    quote = CeoQuote("We will grow.", "Ann")
    assert briefing(ceo_quote=quote).items(quote_section) == (quote,)
    assert briefing().items(quote_section) == ()
    facts = (HeadlineFact("Loss", "$1"), HeadlineFact("Revenue", "$2"))
    assert briefing(headline_facts=facts).items(SECTIONS[0]) == facts


def test_quoted_is_the_field_named_by_QUOTED() -> None:
    items: list[Item] = [
        HeadlineFact("Loss", "$1", evidence="It lost $1."),
        LossDriver("Energy", "Costs rose.", evidence="Energy costs rose."),
        OpenQuestion("Will it recover?", evidence="Analysts remain unsure."),
        CeoQuote("We will grow again.", "Ann", "CEO"),
    ]
    assert {type(item) for item in items} == set(ITEM_CLASSES)
    for item in items:
        assert item.quoted == getattr(item, item.QUOTED) and item.quoted
        assert item.QUOTED in {f.name for f in dataclasses.fields(item)}
    assert HeadlineFact("Loss", "$1").quoted is None
    assert [type(i).__name__ for i in items if i.WHOLE_QUOTE] == ["CeoQuote"]


def test_the_evidence_a_reader_sees_is_what_is_quoted() -> None:
    # Every detail shown as evidence is the item's quoted text, and nothing else is.
    loaded = load(BUNDLED)
    assert loaded.briefing is not None
    for section in SECTIONS:
        for item in loaded.briefing.items(section):
            shown = [d.text for d in item.details() if d.is_evidence]
            assert shown == ([] if item.WHOLE_QUOTE or not item.quoted else [item.quoted])


def test_where_names_items_as_problems_do() -> None:
    facts, _, quote, _ = SECTIONS
    assert facts.where(2) == "headline_facts[2]"
    assert facts.where(0, "evidence") == "headline_facts[0].evidence"
    assert quote.where(0, "text") == "ceo_quote.text" and quote.where(0) == "ceo_quote"


def test_meta_parts_in_order_without_missing_ones() -> None:
    full = briefing(subject="Acme", period="Q4 2024", dateline="Austin", date="2025-01-02")
    assert full.meta_parts() == ["Acme", "Q4 2024", "Austin", "2025-01-02"]
    assert briefing(period="Q4 2024", date="2025-01-02").meta_parts() == ["Q4 2024", "2025-01-02"]
    assert briefing(subject="").meta_parts() == []


def test_an_index_entry_has_the_meta_parts_of_its_briefing() -> None:
    loaded = load(BUNDLED)
    assert loaded.briefing is not None
    entry, _ = build_entry_and_text(BUNDLED)
    assert (
        meta_parts(entry)
        == loaded.briefing.meta_parts()
        == ["Core Scientific", "Q4 2024", "Austin, TX"]
    )
