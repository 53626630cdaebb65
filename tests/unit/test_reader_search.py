"""The reader's search decisions (library/reader_search): no Textual, no screen."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing_reader.library.reader_search import (
    ArticleSearch,
    Elsewhere,
    ReaderSearch,
    Step,
    going_round,
    index_of,
)
from briefing_reader.library.search import PaneHit
from briefing_reader.loading import Loaded
from tests.conftest import BUNDLED, load

# In the bundled briefing: six items hold "bitcoin", one holds "near-term", and "$1.2B" is
# only in the source's title.
BITCOIN_HITS = 6


class Library:
    """A LibrarySession's answers to the reader, recorded."""

    def __init__(self, query: str | None, next_path: str | None) -> None:
        self.query = query
        self.next_path = next_path
        self.asked: list[tuple[str, int]] = []

    def next_match(self, path: str, step: int) -> str | None:
        self.asked.append((path, step))
        return self.next_path

    @property
    def search_query(self) -> str | None:
        return self.query


@pytest.fixture(scope="module")
def bundled() -> Loaded:
    return load(BUNDLED)


def three(bundled: Loaded) -> list[Loaded]:
    """The bundled briefing, and two more under other names."""
    others = [bundled._replace(path=Path(f"other-{n}.yaml")) for n in (1, 2)]
    return [bundled, *others]


def stepped(search: ReaderSearch, entries: list[Loaded], steps: list[int]) -> list[Step]:
    """Press n (1) and N (-1) in entries[0], showing each hit as the screen would."""
    outcomes = []
    for step in steps:
        outcome = search.step(entries, 0, step)
        outcomes.append(outcome)
        if outcome.hit is not None and outcome.briefing is None:
            search.go_to(entries[0].briefing, outcome.hit)
    return outcomes


def test_the_readers_own_search_replaces_the_librarys() -> None:
    search = ReaderSearch(Library("energy", None))
    assert search.text == "energy"
    assert search.submit("  bitcoin ")
    assert search.text == "bitcoin"
    # A blank / keeps the search as it was.
    assert not search.submit("   ")
    assert search.text == "bitcoin"
    assert ReaderSearch().text is None


def test_n_steps_through_the_hits_and_goes_round_saying_so(bundled: Loaded) -> None:
    search = ReaderSearch()
    search.submit("bitcoin")
    outcomes = stepped(search, [bundled], [1] * (BITCOIN_HITS + 1))
    assert [o.hit for o in outcomes] == [*range(BITCOIN_HITS), 0]
    assert [o.say for o in outcomes[:BITCOIN_HITS]] == [""] * BITCOIN_HITS
    assert outcomes[-1].say == "Past the last match: back to the first."
    assert outcomes[-1].briefing is None


def test_shift_n_first_goes_to_the_last_hit(bundled: Loaded) -> None:
    search = ReaderSearch()
    search.submit("bitcoin")
    first, second = stepped(search, [bundled], [-1, -1])
    assert first == Step(hit=BITCOIN_HITS - 1)
    assert second == Step(hit=BITCOIN_HITS - 2)
    search.hit = 0
    assert search.step([bundled], 0, -1).say == "Before the first match: on to the last."


def test_one_hit_is_said_to_be_the_only_one(bundled: Loaded) -> None:
    search = ReaderSearch()
    search.submit("near-term")
    assert stepped(search, [bundled], [1, 1])[1].say == "The only match in this briefing."


def test_a_library_search_steps_on_to_the_next_briefing(bundled: Loaded) -> None:
    entries = three(bundled)
    library = Library("bitcoin", "other-2.yaml")
    search = ReaderSearch(library)
    search.hit = BITCOIN_HITS - 1
    assert search.step(entries, 0, 1) == Step(hit=0, briefing=2)
    assert library.asked == [(str(BUNDLED), 1)]
    search.hit = 0
    assert search.step(entries, 0, -1) == Step(hit=-1, briefing=2)


def test_a_library_search_with_no_more_briefings_says_so(bundled: Loaded) -> None:
    search = ReaderSearch(Library("bitcoin", None))
    search.hit = BITCOIN_HITS - 1
    assert search.step(three(bundled), 0, 1) == Step(say="No more matches.", warning=True)


def test_the_only_briefing_with_a_library_match_goes_round_in_silence(bundled: Loaded) -> None:
    search = ReaderSearch(Library("bitcoin", str(BUNDLED)))
    search.hit = BITCOIN_HITS - 1
    assert search.step(three(bundled), 0, 1) == Step(hit=0)


def test_a_readers_own_search_never_asks_the_library(bundled: Loaded) -> None:
    library = Library("energy", "other-1.yaml")
    search = ReaderSearch(library)
    search.submit("near-term")
    stepped(search, three(bundled), [1, 1, -1])
    assert library.asked == []


def test_go_to_takes_the_hit_number_round(bundled: Loaded) -> None:
    search = ReaderSearch()
    search.submit("bitcoin")
    assert search.go_to(bundled.briefing, -1) == PaneHit(4, 4, True)
    assert search.hit == BITCOIN_HITS - 1
    search.submit("$1.2B")
    assert search.go_to(bundled.briefing, 0) is None


def test_a_search_in_no_pane_says_where_it_is(bundled: Loaded) -> None:
    briefing = bundled.briefing
    assert briefing is not None
    search = ReaderSearch()
    assert search.elsewhere(briefing, "text") is None  # no search, nothing to say
    search.submit("$1.2B")
    assert search.elsewhere(briefing, "The deal: $1.2B in all.") == Elsewhere(
        "\u201c$1.2B\u201d is not in the panes: shown in the source article.", in_source=True
    )
    assert search.elsewhere(briefing, None) == Elsewhere(
        "\u201c$1.2B\u201d is not in the panes, only in the title, summary or tags."
    )
    search.submit("zzzq")
    assert search.elsewhere(briefing, "no such words") == Elsewhere(
        "Nothing matches \u201czzzq\u201d in this briefing."
    )


def test_index_of_looks_in_lists_and_asks_lazy_entries(bundled: Loaded) -> None:
    entries = three(bundled)
    assert index_of(entries, "other-2.yaml") == 2
    assert index_of(entries, "missing.yaml") is None

    class Lazy(list[Loaded]):
        def index_of(self, path: str) -> int | None:
            return 7 if path == "far.yaml" else None

    assert index_of(Lazy(), "far.yaml") == 7


def test_going_round_is_said_both_ways() -> None:
    assert going_round(1, "briefing") == "Past the last briefing: back to the first."
    assert going_round(-1, "briefing") == "Before the first briefing: on to the last."


def test_an_article_search_steps_round_its_matches_and_says_so() -> None:
    search = ArticleSearch(3)
    assert [search.step(1) for _ in range(3)] == [
        (1, ""),
        (2, ""),
        (0, "Past the last match in the source article: back to the first."),
    ]
    assert search.step(-1) == (2, "Before the first match in the source article: on to the last.")
    assert search.step(-1) == (1, "")


def test_an_article_search_with_one_match_says_it_is_the_only_one() -> None:
    search = ArticleSearch(1)
    assert search.step(1) == (0, "The only match in the source article.")
    assert search.step(-1) == (0, "The only match in the source article.")
