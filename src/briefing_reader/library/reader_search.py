"""The reader's search (``/``, ``n`` and ``N``): what to show next, decided without Textual.

The reader screen asks :class:`ReaderSearch` and applies the plain answer it gets back
(a :class:`Step`, a :class:`~briefing_reader.library.search.PaneHit`, an
:class:`Elsewhere`): moving panes, opening the source and notifying stay the screen's.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple, Protocol

if TYPE_CHECKING:
    from briefing_reader.library.search import PaneHit
    from briefing_reader.loading import Loaded
    from briefing_reader.model import Briefing


class LibrarySearch(Protocol):
    """What a reader opened from the library asks of it: its search (a LibrarySession).

    Questions, asked of the session rather than by message: n and N need the answer before
    the key is done, and a message carries nothing back. The session is plain data with no
    screen behind it, so the reader never reaches the library's screen; what the reader
    tells the library (a briefing shown, u) goes by message (:mod:`~briefing_reader.tui.
    messages`), and the library's reload of the open file comes back the same way.
    """

    def next_match(self, path: str, step: int) -> str | None:
        """The next (step 1) or previous (-1) briefing with a search match, or None."""

    @property
    def search_query(self) -> str | None:
        """The full-text search in force, if any."""


class Briefings(Protocol):
    """What the reader moves through: a list of Loaded, or the library's LazyBriefings."""

    def __len__(self) -> int: ...
    def __getitem__(self, index: int) -> Loaded: ...
    def __setitem__(self, index: int, loaded: Loaded) -> None: ...
    def __iter__(self) -> Iterator[Loaded]: ...


def index_of(entries: Briefings, path: str) -> int | None:
    """Where the briefing at ``path`` is in ``entries``, or None."""
    lazy_index_of = getattr(entries, "index_of", None)
    if lazy_index_of is not None:
        found: int | None = lazy_index_of(path)  # LazyBriefings: no file loaded to look
        return found
    for index, loaded in enumerate(entries):
        if str(loaded.path) == path:
            return index
    return None


def going_round(step: int, what: str) -> str:
    """What to say when a step forward (1) or back (-1) goes round a list of ``what``.

    Going round is kept (one key gets back to the start), but said, never silent.
    """
    if step > 0:
        return f"Past the last {what}: back to the first."
    return f"Before the first {what}: on to the last."


@dataclass(frozen=True)
class Step:
    """What n or N does: say something, then show a hit, here or in another briefing."""

    # The hit to show, negative counting from the end; None shows none.
    hit: int | None = None
    # The briefing (an index into the reader's entries) to go to first; None stays here.
    briefing: int | None = None
    say: str = ""
    warning: bool = False


class Elsewhere(NamedTuple):
    """The search is in no pane: what to say, and whether to show it in the source article."""

    say: str
    in_source: bool = False


class ArticleSearch:
    """A search in the open source article: how many matches it has and which is on show.

    While the article is open, / searches it (as less does a file) and n and N step
    through its matches, going round; the briefing's own search is left as it was.
    """

    def __init__(self, count: int) -> None:
        self.count = count
        self.shown = 0

    def step(self, step: int) -> tuple[int, str]:
        """n (1) or N (-1): the match to show now, and what to say of it ("" for nothing)."""
        target = self.shown + step
        say = ""
        if not 0 <= target < self.count:
            target %= self.count
            say = (
                "The only match in the source article."
                if self.count == 1
                else going_round(step, "match in the source article")
            )
        self.shown = target
        return target, say


class ReaderSearch:
    """The search n and N step through in one reader, and which of its hits is shown.

    A / search typed in the reader replaces the library's: n and N then step through this
    briefing's matches only, going round. Without it, they step on to the library's next
    briefing with a match once this one's are done.
    """

    def __init__(self, library: LibrarySearch | None = None) -> None:
        self.library = library
        self.local: str | None = None
        # The hit on show, as an index into hits(); -1 before any.
        self.hit = -1

    @property
    def text(self) -> str | None:
        """The search n/N step through: this reader's own, else the library's."""
        if self.local:
            return self.local
        return self.library.search_query if self.library is not None else None

    def submit(self, typed: str) -> bool:
        """A / search typed: True when there is one (blank keeps the search as it was)."""
        search = typed.strip()
        if not search:
            return False
        self.local = search
        self.hit = -1
        return True

    def hits(self, briefing: Briefing | None) -> list[PaneHit]:
        from briefing_reader.library.search import pane_hits

        search = self.text
        if not search or briefing is None:
            return []
        return pane_hits(briefing, search)

    def go_to(self, briefing: Briefing | None, number: int) -> PaneHit | None:
        """Hit ``number`` (taken round, so -1 is the last) is now on show; None if none."""
        hits = self.hits(briefing)
        if not hits:
            return None
        self.hit = number % len(hits)
        return hits[self.hit]

    def step(self, entries: Briefings, index: int, step: int) -> Step:
        """n (step 1) or N (-1) in ``entries[index]``: the hit to show and where."""
        loaded = entries[index]
        hits = self.hits(loaded.briefing)
        target = self.hit + step if self.hit >= 0 or step > 0 else len(hits) - 1
        if 0 <= target < len(hits):
            return Step(hit=target)
        first_or_last = 0 if step > 0 else -1
        if self.local or self.library is None:
            # Within this briefing, going round as less and vim do, and saying so.
            say = ""
            if len(hits) == 1:
                say = "The only match in this briefing."
            elif hits:
                say = going_round(step, "match")
            return Step(hit=first_or_last, say=say)
        path = self.library.next_match(str(loaded.path), step)
        found = index_of(entries, path) if path is not None else None
        if found is None:
            return Step(say="No more matches.", warning=True)
        if found == index:  # the only briefing with a match: go round within it
            return Step(hit=first_or_last if hits else None)
        return Step(hit=first_or_last, briefing=found)

    def elsewhere(self, briefing: Briefing, article: str | None) -> Elsewhere | None:
        """No item holds the search: where it is instead (None without a search)."""
        from briefing_reader.library.search import briefing_hits, text_spans

        search = self.text
        if not search:
            return None
        if article is not None and text_spans(article, search):
            return Elsewhere(
                f"\u201c{search}\u201d is not in the panes: shown in the source article.",
                in_source=True,
            )
        if briefing_hits(briefing, search):
            return Elsewhere(
                f"\u201c{search}\u201d is not in the panes, only in the title, summary or tags."
            )
        return Elsewhere(f"Nothing matches \u201c{search}\u201d in this briefing.")
