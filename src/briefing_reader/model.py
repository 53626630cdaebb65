"""The briefing as typed, immutable data.

No I/O and no Textual here. The loader reads the field lists of these
dataclasses (names, types, defaults and ``doc`` metadata) to check a file, so
a new field is one line in one class, and a new pane is one class plus one
entry in :data:`~briefing_reader.sections.SECTIONS`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from briefing_reader.sections import Section, meta_parts

FORMAT = "briefing/1"


ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
# Text like every value (never a YAML date); only its shape is checked, so it sorts as text.
DATE_PATTERN = r"^[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])$"


def spec(
    doc: str,
    *,
    multiline: bool = False,
    pattern: tuple[str, str] | None = None,
    const: str | None = None,
) -> dict[str, Any]:
    """Field metadata, read by the loader and the JSON Schema alike.

    ``doc`` documents the field; ``multiline`` keeps its line breaks; ``pattern`` is a
    regular expression with the words that explain it; ``const`` is the only value allowed.
    """
    return {"doc": doc, "multiline": multiline, "pattern": pattern, "const": const}


@dataclass(frozen=True)
class Detail:
    """One labelled piece of an item shown when it is expanded."""

    label: str
    text: str
    is_evidence: bool = False


@dataclass(frozen=True)
class Heading:
    """What an item shows when collapsed: a main text and an optional aside."""

    main: str
    aside: str | None = None
    aside_below: bool = False  # e.g. a quote's attribution goes on its own line


class _Quoting:
    """What an item quotes from its source: by default its evidence field.

    A base of the item classes, without fields of its own (the loader reads the fields).
    """

    QUOTED: ClassVar[str] = "evidence"
    WHOLE_QUOTE: ClassVar[bool] = False

    @property
    def quoted(self) -> str | None:
        text: str | None = getattr(self, self.QUOTED)
        return text


@dataclass(frozen=True)
class HeadlineFact(_Quoting):
    """A figure or fact the article reports."""

    label: str = field(metadata=spec("What the figure is, e.g. 'Q4 2024 net loss'."))
    value: str = field(metadata=spec("The figure as the article gives it, e.g. '$265 million'."))
    note: str | None = field(default=None, metadata=spec("Context for the figure.", multiline=True))
    evidence: str | None = field(
        default=None, metadata=spec("A verbatim excerpt of the source article.", multiline=True)
    )

    def heading(self) -> Heading:
        return Heading(self.label, self.value)

    def details(self) -> tuple[Detail, ...]:
        return _details(("Note", self.note, False), ("Evidence", self.evidence, True))


@dataclass(frozen=True)
class LossDriver(_Quoting):
    """A cause the article gives for the loss."""

    title: str = field(metadata=spec("The driver in a few words."))
    detail: str = field(metadata=spec("How it caused the loss.", multiline=True))
    evidence: str | None = field(
        default=None, metadata=spec("A verbatim excerpt of the source article.", multiline=True)
    )

    def heading(self) -> Heading:
        return Heading(self.title)

    def details(self) -> tuple[Detail, ...]:
        return _details(("Detail", self.detail, False), ("Evidence", self.evidence, True))


@dataclass(frozen=True)
class CeoQuote(_Quoting):
    """The chief executive's words, verbatim from the article."""

    text: str = field(metadata=spec("The quote, verbatim from the source.", multiline=True))
    speaker: str = field(metadata=spec("Who said it."))
    role: str | None = field(default=None, metadata=spec("The speaker's role, e.g. 'CEO'."))

    QUOTED: ClassVar[str] = "text"
    # The item is its own excerpt: it needs no evidence, and shows all of itself collapsed.
    WHOLE_QUOTE: ClassVar[bool] = True

    def heading(self) -> Heading:
        attribution = f"{self.speaker}, {self.role}" if self.role else self.speaker
        return Heading(f"\u201c{self.text}\u201d", f"\u2014 {attribution}", aside_below=True)

    def details(self) -> tuple[Detail, ...]:
        return ()


@dataclass(frozen=True)
class OpenQuestion(_Quoting):
    """Something the article leaves unanswered."""

    question: str = field(metadata=spec("The question.", multiline=True))
    why: str | None = field(default=None, metadata=spec("Why it matters.", multiline=True))
    evidence: str | None = field(
        default=None,
        metadata=spec("The passage of the source that raises it, verbatim.", multiline=True),
    )

    def heading(self) -> Heading:
        return Heading(self.question)

    def details(self) -> tuple[Detail, ...]:
        return _details(("Why it matters", self.why, False), ("Evidence", self.evidence, True))


Item = HeadlineFact | LossDriver | CeoQuote | OpenQuestion
# Every item class has, besides heading() and details() (the first three from _Quoting):
#   quoted       the text it claims is verbatim from the source article, or None: the
#                checks look for it there and the source pane highlights it;
#   QUOTED       the name of the field that holds it, for problems that point at it;
#   WHOLE_QUOTE  whether the item is itself the excerpt (a quote), rather than a claim
#                that may carry evidence.


def _details(*parts: tuple[str, str | None, bool]) -> tuple[Detail, ...]:
    return tuple(Detail(label, text, evidence) for label, text, evidence in parts if text)


@dataclass(frozen=True)
class Source:
    """The article a briefing was distilled from."""

    title: str = field(metadata=spec("The article's headline."))
    file: str = field(metadata=spec("The article's text, relative to the briefing file."))
    url: str | None = field(default=None, metadata=spec("Where the article was published."))


@dataclass(frozen=True)
class Briefing:
    """A short structured document distilled from one news article."""

    format: str = field(metadata=spec(f"The format version; must be '{FORMAT}'.", const=FORMAT))
    id: str = field(
        metadata=spec(
            "A stable slug: lower-case letters, digits and hyphens.",
            pattern=(ID_PATTERN, "a slug: lower-case letters, digits and single hyphens"),
        )
    )
    title: str = field(metadata=spec("The briefing's title."))
    source: Source = field(metadata=spec("The article the briefing was distilled from."))
    headline_facts: tuple[HeadlineFact, ...] = field(
        metadata=spec("The figures and facts that matter most.")
    )
    loss_drivers: tuple[LossDriver, ...] = field(metadata=spec("What caused the loss."))
    ceo_quote: CeoQuote | None = field(metadata=spec("The chief executive's quote, or null."))
    open_questions: tuple[OpenQuestion, ...] = field(metadata=spec("What the article leaves open."))
    subject: str | None = field(default=None, metadata=spec("The company or topic."))
    period: str | None = field(
        default=None, metadata=spec("What the figures cover, e.g. 'Q4 2024'.")
    )
    dateline: str | None = field(default=None, metadata=spec("Where the story was filed."))
    date: str | None = field(
        default=None,
        metadata=spec(
            "When the source article was published, as YYYY-MM-DD; the library sorts by it.",
            pattern=(DATE_PATTERN, "a date written YYYY-MM-DD"),
        ),
    )
    summary: str | None = field(
        default=None, metadata=spec("Two or three sentences.", multiline=True)
    )
    tags: tuple[str, ...] = field(default=(), metadata=spec("Short slugs for filtering."))

    def items(self, section: Section) -> tuple[Item, ...]:
        """The items of one pane, in order (a single item, such as the quote, counts as one)."""
        value = getattr(self, section.key)
        if section.single:
            return () if value is None else (value,)
        items: tuple[Item, ...] = value  # a list field: tuple[X, ...]
        return items

    def meta_parts(self) -> list[str]:
        """Subject, period, dateline and date, those given (see :func:`meta_parts`)."""
        return meta_parts(self)
