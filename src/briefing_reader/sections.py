"""The panes of a briefing and the line under its title: what the reader, the library,
``show`` and the checks all go by.

A pane is a field of :class:`~briefing_reader.model.Briefing` holding its items, plus an
entry in :data:`SECTIONS` (its title, its empty text, whether it holds one item). Kept out
of :mod:`briefing_reader.model` so that the library's first frame (key table, preview) need
not build the briefing's dataclasses; model re-exports all of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Section:
    """One pane of the reader: which field of the briefing it shows, and how it is titled.

    ``single`` is set when the field holds one item or None (``X | None``) rather than a
    list (``tuple[X, ...]``); a unit test holds it to the field's type.
    """

    key: str
    title: str
    empty: str
    single: bool = False

    def where(self, index: int, field: str | None = None) -> str:
        """The path of item ``index`` (and of its ``field``), as problems name it:
        ``headline_facts[0].evidence``, or ``ceo_quote.text`` for a single item."""
        path = self.key if self.single else f"{self.key}[{index}]"
        return path if field is None else f"{path}.{field}"


SECTIONS: tuple[Section, ...] = (
    Section("headline_facts", "Headline facts", "No headline facts."),
    Section("loss_drivers", "Loss drivers", "No loss drivers."),
    Section("ceo_quote", "CEO quote", "No quote.", single=True),
    Section("open_questions", "Open questions", "No open questions."),
)

# Between the parts of a meta line (subject · period · dateline · date).
META_SEPARATOR = " \u00b7 "


class Described(Protocol):
    """What a meta line is made of: a briefing, or the library's entry for one."""

    @property
    def subject(self) -> str | None: ...
    @property
    def period(self) -> str | None: ...
    @property
    def dateline(self) -> str | None: ...
    @property
    def date(self) -> str | None: ...


def meta_parts(described: Described) -> list[str]:
    """The parts of the line under a briefing's title, in order, those it has."""
    parts = (described.subject, described.period, described.dateline, described.date)
    return [part for part in parts if part]
