"""Start a briefing from an article: find what can be found mechanically, mark it as a draft.

Nothing here guesses with a model or the network. The heuristics only *propose*:
every candidate goes into the file with a ``# draft`` comment for a person to check,
rewrite or delete. What they must never do is produce a file the reader refuses, so
every string is written as a JSON string (a valid YAML double-quoted scalar, inert
whatever the article holds), and every ``evidence`` is a verbatim slice of the article
that ``briefing validate`` finds in it (the matcher of :mod:`briefing_reader.checks.evidence`).
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import NamedTuple, TypeVar

from briefing_reader.checks.evidence import normalize
from briefing_reader.files import fsync_folder
from briefing_reader.loading.dump import quote_scalar
from briefing_reader.loading.yamlsafe import MAX_BYTES
from briefing_reader.model import FORMAT, ID_PATTERN
from briefing_reader.text import clean

WIDTH = 100  # the project's line length; long scalars are folded to fit in an editor
SCHEMA_NAME = "briefing.schema.json"  # the name the README gives `briefing schema`'s output
MAX_ID_LENGTH = 60
MIN_QUOTE_WORDS = 4  # shorter quoted passages are scare quotes ("significant portion"), not quotes


T = TypeVar("T")
# The ``excerpt`` closure of find_candidates: a passage to the evidence that quotes it.
_Excerpt = Callable[[str], str | None]


# --- What a draft proposes ------------------------------------------------------------------


@dataclass(frozen=True)
class FactCandidate:
    label: str
    value: str
    evidence: str | None


@dataclass(frozen=True)
class DriverCandidate:
    title: str
    detail: str
    evidence: str | None


@dataclass(frozen=True)
class QuoteCandidate:
    text: str
    speaker: str | None
    role: str | None


@dataclass(frozen=True)
class QuestionCandidate:
    question: str
    evidence: str | None
    why: str | None = None


@dataclass(frozen=True)
class Candidates:
    """Everything found in one article, before it is written out as YAML."""

    source_title: str
    subject: str | None
    period: str | None
    dateline: str | None
    summary: str | None
    facts: tuple[FactCandidate, ...]
    drivers: tuple[DriverCandidate, ...]
    quote: QuoteCandidate | None
    questions: tuple[QuestionCandidate, ...]


# --- Public API -----------------------------------------------------------------------------


def slugify(text: str) -> str:
    """A briefing id from free text: lower-case ASCII letters, digits and single hyphens.

    Accents are folded (``Société`` gives ``societe``); a long text is cut at a word
    boundary. Text with no letter or digit at all gives ``briefing``, so the result
    is always a valid id.
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > MAX_ID_LENGTH:
        cut = slug.rfind("-", 0, MAX_ID_LENGTH + 1)
        slug = (slug[:cut] if cut > 0 else slug[:MAX_ID_LENGTH]).strip("-")
    return slug or "briefing"


def draft_briefing(
    article_text: str, *, source_file: str, briefing_id: str, schema: str | None = None
) -> str:
    """The text of a draft briefing (format briefing/1) for ``article_text``.

    ``source_file`` is written as ``source.file`` (relative to where the briefing will
    be saved); ``schema``, when given, as the first line's ``$schema=`` for
    yaml-language-server. Raises :class:`ValueError` for an article with no text or an
    id that is not a slug.
    """
    _check_id(briefing_id)
    found = find_candidates(article_text)
    return _render(found, source_file=source_file, briefing_id=briefing_id, schema=schema)


def write_draft(
    article: Path, *, briefing_id: str | None, output: Path | None, schema: str | None = None
) -> Path:
    """Copy ``article`` next to a new draft briefing and write the draft; return its path.

    The article goes to ``<output's folder>/sources/<article name>`` (an identical file
    already there is reused; a different one is never overwritten). The briefing goes to
    ``output``, by default ``./<id>.yaml``, and never over an existing file. Its first line
    names the JSON Schema for editors: ``schema`` (a path, written relative to the
    briefing, or an address) if given, else ``briefing.schema.json`` beside the briefing,
    written there unless a file of that name already is. Raises :class:`ValueError` for
    an empty, non-UTF-8 or oversized article, a bad id or schema name, and
    :class:`FileExistsError` when a file is in the way.
    """
    data = _read_article(article)
    text = _decode_article(data, article)
    title = _source_title(text)
    briefing_id = briefing_id if briefing_id is not None else slugify(title)
    _check_id(briefing_id)
    if clean(article.name) != article.name:
        # The loader would clean such a name, and source.file would then name another file.
        raise ValueError(f"{article}: rename the article: its name has control or blank characters")
    output = output if output is not None else Path(f"{briefing_id}.yaml")
    if output.exists():
        raise FileExistsError(
            f"{output} already exists; not overwriting it (choose another --id or -o)"
        )
    copy = output.parent / "sources" / article.name
    needs_copy = _needs_copy(copy, article, data)
    schema_file = output.parent / SCHEMA_NAME if schema is None else None
    reference = _schema_reference(schema, output.parent)
    # Everything is checked before anything is written: a refusal leaves no stray files.
    document = draft_briefing(
        text, source_file=f"sources/{article.name}", briefing_id=briefing_id, schema=reference
    ).encode("utf-8")
    copy.parent.mkdir(parents=True, exist_ok=True)
    if needs_copy:
        _write_new(copy, data, what="a different article")
    if schema_file is not None and not os.path.lexists(schema_file):
        _write_schema(schema_file)
    _write_new(output, document, what="a file")
    return output


def find_candidates(article_text: str) -> Candidates:
    """What the heuristics find in an article; :func:`draft_briefing` writes it out."""
    text = article_text.replace("\r\n", "\n").replace("\r", "\n").removeprefix("\ufeff")
    lines = text.split("\n")
    title_index = next((i for i, line in enumerate(lines) if line.strip()), None)
    if title_index is None:
        raise ValueError("the article is empty: it needs at least a headline line")
    source_title = _collapse(lines[title_index])
    blocks = _blocks(lines[title_index + 1 :])
    haystack = normalize(text)

    def excerpt(passage: str, around: int | None = None) -> str | None:
        return _excerpt(passage, haystack, around)

    first_prose = next((b for b in blocks if b.kind == "prose"), None)
    dateline, lead = _dateline(first_prose.text) if first_prose else (None, "")
    lead_sentences = _sentences(lead)
    summary = lead_sentences[0] if lead_sentences else None

    facts: list[_Fact] = []
    drivers: list[DriverCandidate] = []
    questions: list[QuestionCandidate] = []
    sentences: list[str] = []
    for block in blocks:
        if block.kind == "heading":
            continue
        if block.kind == "item":
            item = _collapse(block.text)
            drivers.append(_driver(item, excerpt(item)))
            passages = [item]
        else:
            # The lead's evidence starts after "Austin, TX – ", where its sentence does.
            passages = lead_sentences if block is first_prose else _sentences(block.text)
        sentences.extend(passages)
        for sentence in passages:
            figures = list(_FIGURE.finditer(sentence))
            for match in figures:
                fact = FactCandidate(
                    label=_label(sentence, match),
                    value=match.group(),
                    evidence=excerpt(sentence, match.start()),
                )
                facts.append(_Fact(fact, len(figures), _money_key(match.group())))
            if not figures:
                # A listed item is already a loss driver: only its year makes it a fact too.
                fact_or_none = _stated_fact(sentence, excerpt, measures=block.kind == "prose")
                if fact_or_none is not None:
                    facts.append(_Fact(fact_or_none, 0, None))
            for question in _questions(sentence):
                questions.append(QuestionCandidate(question, excerpt(sentence)))
    period = _period(text)
    questions.extend(_time_contradictions(sentences, period, excerpt))

    return Candidates(
        source_title=source_title,
        subject=_subject(blocks, source_title),
        period=period,
        dateline=dateline,
        summary=summary,
        facts=_merge_figures(facts),
        drivers=tuple(drivers),
        quote=_quote(blocks, excerpt),
        questions=tuple(questions),
    )


# --- Reading the article --------------------------------------------------------------------


@dataclass(frozen=True)
class _Block:
    kind: str  # "prose", "heading" or "item"
    text: str  # as in the article; lines joined with "\n"; an item without its bullet


# A bullet needs a space after it, so "-5%" or "*emphasis*" at the start of a line stays prose;
# numbers stop at two digits so that a line starting "2024. " is not an item.
_ITEM = re.compile(r"^[ \t]*(?:[•◦▪‣·*\-–—]|\d{1,2}[.)])[ \t]+(?P<text>.*\S)")


def _blocks(lines: list[str]) -> list[_Block]:
    """Paragraphs (split at blank lines), headings and list items, in article order."""
    blocks: list[_Block] = []
    prose: list[str] = []
    item: list[str] = []

    def flush() -> None:
        if item:
            blocks.append(_Block("item", "\n".join(item)))
            item.clear()
        if prose:
            joined = "\n".join(prose)
            blocks.append(_Block("heading" if _is_heading(prose) else "prose", joined))
            prose.clear()

    for line in lines:
        if not line.strip():
            flush()
            continue
        bullet = _ITEM.match(line)
        if bullet and re.search(r"\w", bullet["text"]):  # "* * *" is a separator, not an item
            flush()
            item.append(bullet["text"])
        elif item and line[:1] in (" ", "\t"):
            item.append(line.strip())  # an item wrapped onto an indented line
        else:
            if item:
                flush()
            prose.append(line)
    flush()
    return blocks


def _is_heading(lines: list[str]) -> bool:
    # A short line without closing punctuation: "Breaking Down the Q4 Loss".
    line = lines[0].strip()
    return len(lines) == 1 and len(line.split()) <= 12 and not re.search(r"[.!?:;,…\"”’)]$", line)


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


_ABBREVIATIONS = _wordset(
    "mr mrs ms dr prof sr jr st inc corp co ltd plc llc vs etc no approx est dept "
    "jan feb mar apr jun jul aug sep sept oct nov dec"
)
# A sentence ends at . ! ? after a word (and any closing quotes or brackets) before a
# capital, a digit, an opening quote or a currency sign, or at the end of a line; or at a
# colon that ends a line ("... stating:").
_BOUNDARY = re.compile(
    r"(?<=\S)[.!?]+[\"”’')\]]*(?=\s+[\"“‘'(\[]?[A-Z0-9$€£¥]|[ \t]*\n)|:(?=[ \t]*\n)"
)


def _sentences(text: str) -> list[str]:
    """The sentences of a paragraph, each with its whitespace collapsed."""
    sentences: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        word = re.search(r"(\S+)$", text[start : match.start()])
        if match.group().startswith(".") and word and _is_abbreviation(word.group(1)):
            continue
        sentences.append(text[start : match.end()])
        start = match.end()
    sentences.append(text[start:])
    return [s for s in map(_collapse, sentences) if s]


def _is_abbreviation(word: str) -> bool:
    bare = word.lstrip("\"“‘'([")
    # "U.S", "e.g" and initials ("J") end in a full stop without ending the sentence.
    return bare.lower() in _ABBREVIATIONS or bool(re.fullmatch(r"(?:[A-Za-z]\.)*[A-Za-z]", bare))


def _collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _dateline(paragraph: str) -> tuple[str | None, str]:
    """``Austin, TX – The company ...`` gives ``("Austin, TX", "The company ...")``."""
    match = re.match(r"(?P<place>[^–—\-\n]{2,60}?)\s+[–—-]{1,2}\s+(?=\S)", paragraph)
    if not match:
        return None, paragraph
    place = re.sub(r"\s*\([^()]*\)$", "", match["place"].strip())  # "LONDON (Reuters)"
    looks_like_place = re.fullmatch(r"[A-Z][A-Za-z.'’ ]*(?:,\s*[A-Z][A-Za-z.'’ ]*)?", place) and (
        "," in place or place.isupper()
    )
    if not looks_like_place or len(place.split()) > 6:
        return None, paragraph
    return place, paragraph[match.end() :]


# --- Figures and their labels ---------------------------------------------------------------

_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_SCALE_WORD = r"trillion|billion|million|thousand"
_MONEY_BEFORE = (
    rf"(?:(?:US|AU|A|CA|C|HK|NZ|S)?[$€£¥₹]|(?:USD|EUR|GBP|JPY|CNY|CHF)\s)\s?(?:{_NUMBER})"
    rf"(?:\s?(?:{_SCALE_WORD}|bn|mn|tn)\b|(?:MM|[mbkMBK])\b)?"
)
_MONEY_AFTER = (
    rf"(?:{_NUMBER})(?:\s(?:{_SCALE_WORD}))?\s(?:US\s)?"
    r"(?:dollars|euros|pounds|yen|yuan|francs|rupees|USD|EUR|GBP|JPY|CNY|CHF)\b"
)
_PERCENT = r"[+\-−]?(?:\d+(?:[.,]\d+)?) ?(?:%|percent\b|per ?cent\b|percentage points?\b)"
_FIGURE = re.compile(rf"(?<![\w$€£¥₹.,])(?:{_MONEY_BEFORE}|{_MONEY_AFTER}|{_PERCENT})")

# Words that end the noun phrase after a figure ("$265 million net loss | was attributed").
_STOP = _wordset(
    "a an the and or but nor was were is are be been being will would could should may might "
    "can has have had to that which who whom as from by with after amid despite because while "
    "than at into over under since until this these those its it their his her our per "
    "compared versus vs according up down year yoy this"
)
_CONNECTORS = frozenset({"in", "of", "for", "on"})
# Words to drop at the ends of the phrase before a figure ("revenue of | $5 million").
_LEAD_STOP = _STOP | _CONNECTORS | {"reporting", "reported", "posted", "posting", "staggering"}
_TRAIL_STOP = (
    _STOP
    | _CONNECTORS
    | _wordset(
        "about nearly approximately roughly around some almost more less just only "
        "totaled totalled reached hit staggering record"
    )
)
_PHRASE_END = re.compile(r"[,;:!?()\[\]\"“”—–]|\.(?:\s|$)")


def _label(sentence: str, figure: re.Match[str]) -> str:
    """A short label for a figure: the noun phrase after it, or the words before it."""
    after = _after_phrase(sentence[figure.end() :])
    before = _before_phrase(sentence[: figure.start()])
    # "a $265 million loss" names the money after it; "revenue rose 12%" names the share before.
    is_share = bool(re.search(r"%|per ?cent", figure.group()))
    first, second = (before, after) if is_share else (after, before)
    label = first or second or _opening_words(sentence)
    label = label[:1].upper() + label[1:]
    return label if len(label) <= 60 else label[:59].rstrip() + "…"


def _after_phrase(text: str) -> str:
    end = _PHRASE_END.search(text)
    words = (text[: end.start()] if end else text).split()
    phrase: list[str] = []
    for index, word in enumerate(words):
        lower = word.lower()
        if lower in _CONNECTORS:
            following = words[index + 1].lower() if index + 1 < len(words) else ""
            if phrase and following and following not in _STOP | _CONNECTORS:
                phrase.append(word)  # "loss in Q4", "share of revenue"
                continue
            break
        if lower in _STOP or len(phrase) >= 6:
            break
        phrase.append(word)
    while phrase and phrase[-1].lower() in _CONNECTORS:
        phrase.pop()
    return _words_only(phrase)


def _before_phrase(text: str) -> str:
    words = re.split(r"[,;:!?()\[\]\"“”—–]|\.\s", text)[-1].split()
    while words and words[-1].lower() in _TRAIL_STOP:
        words.pop()  # "shrank to | 3.5 percent", "revenue of | $5 million"
    phrase: list[str] = []
    for word in reversed(words):
        if word.lower() in _STOP or len(phrase) >= 5:
            break  # "outlook after | shipping volumes fell"
        phrase.insert(0, word)
    while phrase and phrase[0].lower() in _LEAD_STOP:
        phrase.pop(0)
    return _words_only(phrase)


def _words_only(phrase: list[str]) -> str:
    """The phrase without stray symbols at its ends ("colons -" is "colons")."""
    while phrase and not re.search(r"\w", phrase[0]):
        phrase = phrase[1:]
    while phrase and not re.search(r"\w", phrase[-1]):
        phrase = phrase[:-1]
    return " ".join(phrase)


def _opening_words(sentence: str) -> str:
    """The sentence's first few words, up to its first figure ("Operating margin shrank")."""
    words: list[str] = []
    for word in sentence.split():
        if not words and not re.search(r"[^\W\d_]", word):
            continue  # a leading "%" or "#" is no word
        if re.search(r"[\d$€£¥₹%]", word) or len(words) >= 5:
            break
        words.append(word.strip(',;:.!?"“”'))
    while words and words[0].lower() in _LEAD_STOP:
        words.pop(0)
    while words and words[-1].lower() in _TRAIL_STOP:
        words.pop()
    return _words_only(words) or "Figure"


# --- The same figure twice, and facts without a figure ---------------------------------------


class _Fact(NamedTuple):
    fact: FactCandidate
    figures: int  # how many figures its sentence states: one is a sentence about this one
    money: tuple[str, Decimal] | None  # the amount it states, for finding it stated again


_SCALES = {
    "thousand": 10**3,
    "k": 10**3,
    "million": 10**6,
    "mn": 10**6,
    "m": 10**6,
    "mm": 10**6,
    "billion": 10**9,
    "bn": 10**9,
    "b": 10**9,
    "trillion": 10**12,
    "tn": 10**12,
}
_CURRENCIES = {
    "$": "USD",
    "US$": "USD",
    "DOLLARS": "USD",
    "€": "EUR",
    "EUROS": "EUR",
    "£": "GBP",
    "POUNDS": "GBP",
    "¥": "JPY",
    "YEN": "JPY",
    "YUAN": "CNY",
    "FRANCS": "CHF",
    "₹": "INR",
    "RUPEES": "INR",
}
_AMOUNT = re.compile(
    rf"(?P<before>\D*?)\s?(?P<number>{_NUMBER})\s?(?P<scale>[A-Za-z]*)"
    r"(?:\s(?:US\s)?(?P<after>[A-Za-z]+))?"
)


def _money_key(value: str) -> tuple[str, Decimal] | None:
    """The currency and amount of a money figure: "$265 million", "$265M" and "265 million
    dollars" are one amount. None for a percentage."""
    if re.search(r"%|per ?cent|percentage", value):
        return None
    match = _AMOUNT.fullmatch(value)
    if not match:
        return None
    scale = match["scale"]
    if scale.upper() in _CURRENCIES.values() or scale.upper() in _CURRENCIES:
        scale, after = "", scale  # "1,200 dollars", "USD 5": no scale word
    else:
        after = match["after"] or ""
    multiplier = _SCALES.get(scale.lower(), 1 if not scale else 0)
    if not multiplier:
        return None
    currency = (match["before"].strip() or after).upper()
    amount = Decimal(match["number"].replace(",", "")) * multiplier
    return _CURRENCIES.get(currency, currency), amount.normalize()


def _merge_figures(found: list[_Fact]) -> tuple[FactCandidate, ...]:
    """One fact per amount of money, where the article first states it: its evidence is the
    sentence that states that figure alone (the one about it, not a summary of several),
    its label the most telling of the labels found for it."""
    groups: dict[tuple[str, Decimal], list[_Fact]] = {}
    for candidate in found:
        if candidate.money is not None:
            groups.setdefault(candidate.money, []).append(candidate)
    merged: list[FactCandidate] = []
    for candidate in found:
        if candidate.money is None:
            merged.append(candidate.fact)
            continue
        group = groups.get(candidate.money)
        if group is None or group[0] is not candidate:
            continue  # a later statement of a figure already written
        with_evidence = [c for c in group if c.fact.evidence is not None] or group
        chosen = min(with_evidence, key=lambda c: c.figures)  # min keeps the first of equals
        label = max((c.fact.label for c in group), key=lambda label: len(label.split()))
        merged.append(replace(chosen.fact, label=label))
    return tuple(merged)


# Named measures of a business, most specific first: a sentence naming several is a fact
# about the first of them found in an unhedged clause.
_MEASURE_NAMES = (
    r"(?:adjusted\s+)?EBITDA",
    r"EPS|earnings\s+per\s+share",
    r"(?:net|operating)\s+income",
    r"(?:free\s+)?cash\s+flow",
    r"(?:gross|operating|net|profit)\s+margins?|margins?",
    r"earnings",
    r"profits?",
    r"revenues?|sales",
    r"guidance",
    r"dividends?",
    r"debt",
    r"market\s+share",
    r"share\s+price|stock|shares",
)
_MEASURES = re.compile(rf"\b(?:{'|'.join(_MEASURE_NAMES)})\b", re.IGNORECASE)
_MEASURE_RANKS = tuple(re.compile(name, re.IGNORECASE) for name in _MEASURE_NAMES)
# A clause that only supposes, hopes or reports an opinion is not the article's claim.
_HEDGE = re.compile(
    r"\b(?:could|would|might|may|should|if|unless|whether|argues?|argued|believes?|"
    r"expects?|expected|hopes?|hoped|predicts?|forecasts?)\b",
    re.IGNORECASE,
)
_CLAUSE_SPLIT = re.compile(r"[,;]\s+|\s+[–—]\s+|\s+-\s+")
_CLAUSE_LEAD = _wordset("with and but while as despite although though yet so whereas")
_YEAR = re.compile(r"(?<![\w./-])(?:19|20)\d{2}(?![\w/-])")


def _stated_fact(sentence: str, excerpt: _Excerpt, *, measures: bool) -> FactCandidate | None:
    """A fact from a sentence with no figure: the unhedged clause that names a measure
    ("mining operations still profitable on an adjusted EBITDA basis"), else the year the
    sentence dates something to ("emerged from bankruptcy in 2023")."""
    evidence = excerpt(sentence)
    if evidence is None:
        return None
    if measures:
        best: tuple[int, str, str] | None = None
        for clause in _CLAUSE_SPLIT.split(sentence):
            if _HEDGE.search(clause):
                continue
            for match in _MEASURES.finditer(clause):
                rank = next(i for i, g in enumerate(_MEASURE_RANKS) if g.fullmatch(match.group()))
                if best is None or rank < best[0]:
                    best = (rank, match.group(), clause)
        if best is not None:
            _, measure, clause = best
            words = clause.split()
            while words and words[0].lower() in _CLAUSE_LEAD:
                words.pop(0)
            value = " ".join(words).rstrip(".!:;")
            if value:
                return FactCandidate(_capital(_collapse(measure)), _capital(value), evidence)
    periods = [m.span() for m in _PERIOD.finditer(sentence)]
    for match in _YEAR.finditer(sentence):
        if any(start <= match.start() < end for start, end in periods):
            continue  # "Q4 2024" is the period, said in _period
        return FactCandidate(_year_label(sentence, match), match.group(), evidence)
    return None


def _year_label(sentence: str, year: re.Match[str]) -> str:
    """The words that the year dates: "With Bitcoin's next halving event in" gives
    "Bitcoin's next halving event"."""
    words = re.split(r"[,;:!?()\[\]\"“”—–]|\.\s", sentence[: year.start()])[-1].split()
    while words and words[-1].lower() in _TRAIL_STOP:
        words.pop()
    words = words[-5:]
    while words and words[0].lower() in _LEAD_STOP:
        words.pop(0)
    label = _words_only(words) or _opening_words(sentence)
    label = _capital(label)
    return label if len(label) <= 60 else label[:59].rstrip() + "…"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


# "next halving event in 2024": something still to come, dated to a year.
_NEXT = re.compile(
    r"\bnext\s+(?P<what>[^\W\d][\w’'-]*(?:\s+[^\W\d][\w’'-]*){0,3}?)\s+"
    r"(?:in|of|during|for|due\s+in|expected\s+in|scheduled\s+for)\s+(?P<year>(?:19|20)\d{2})\b"
)


def _time_contradictions(
    sentences: list[str], period: str | None, excerpt: _Excerpt
) -> list[QuestionCandidate]:
    """An event the article calls "next" in a year no later than the period it reports on
    (a "next halving event in 2024" in a report on Q4 2024): past, or still ahead?"""
    if period is None:
        return []
    period_year = int(re.findall(r"\d{4}", period)[-1])
    stated = next((s for s in sentences if _PERIOD.search(s)), None)
    reported = excerpt(stated) if stated else None
    found: list[QuestionCandidate] = []
    for sentence in sentences:
        for match in _NEXT.finditer(sentence):
            if int(match["year"]) > period_year:
                continue
            evidence = excerpt(sentence)
            if evidence is None:
                continue
            what, year = _collapse(match["what"]), match["year"]
            quoted = f" (\u201c{reported}\u201d)" if reported else ""
            found.append(
                QuestionCandidate(
                    question=f"Is the {what} in {year} still ahead, in a report on {period}?",
                    evidence=evidence,
                    why=f"The article reports on {period}{quoted} yet calls the {what} in "
                    f"{year} \u201cnext\u201d.",
                )
            )
    return found


# --- Loss drivers, quote, questions ---------------------------------------------------------

_SEPARATOR = re.compile(r"\s[–—-]\s|(?<=\w):\s")
_QUESTION_END = re.compile(r"\?[\"”’')\]]*$")


def _questions(sentence: str) -> list[str]:
    """The sentence if it asks; else the questions quoted in it (\"Is it safe?\" one asked)."""
    if _QUESTION_END.search(sentence):
        return [sentence]
    quoted = (m["curly"] or m["straight"] for m in _QUOTED.finditer(sentence))
    return [q.strip() for q in quoted if q.rstrip().endswith("?")]


def _driver(item: str, evidence: str | None) -> DriverCandidate:
    """``Title – detail`` (or ``Title: detail``) from a list item; the whole item otherwise."""
    separator = _SEPARATOR.search(item)
    if separator:
        title, detail = item[: separator.start()].strip(), item[separator.end() :].strip()
        # A long head is a sentence with a dash in it, not a title.
        if title and detail and len(title.split()) <= 10:
            return DriverCandidate(title, detail, evidence)
    words = item.split()
    title = " ".join(words[:8]).rstrip(",;:.") + ("…" if len(words) > 8 else "")
    return DriverCandidate(title or item, item, evidence)


_ROLE = (
    r"(?:[Cc]hief\s+[Ee]xecutive(?:\s+[Oo]fficer)?|[Cc]hief\s+[Ff]inancial\s+[Oo]fficer"
    r"|[Cc]hief\s+[Oo]perating\s+[Oo]fficer|CEO|CFO|COO|CTO"
    r"|[Ee]xecutive\s+[Cc]hair(?:man|woman)?|[Cc]hair(?:man|woman|person)?|[Pp]resident"
    r"|[Cc]o-?[Ff]ounder|[Ff]ounder|[Mm]anaging\s+[Dd]irector|[Ss]pokes(?:person|man|woman))"
)
# A person's name: two or three capitalised words, maybe with a middle initial.
_NAME = r"[A-ZÀ-Ý][a-zà-ÿ][\w'’-]*(?:\s+[A-Z]\.)?(?:\s+[A-ZÀ-Ý][\w'’-]+){1,2}"
_SAID = r"(?:said|says|stated|added|noted|told|explained|wrote|commented|remarked)"
_ATTRIBUTIONS_BEFORE = (
    re.compile(rf"\b(?P<role>{_ROLE})\s+(?P<name>{_NAME})"),  # "CEO Adam Sullivan"
    re.compile(rf"(?P<name>{_NAME}),\s+(?:[\w'’]+\s+){{0,3}}?(?P<role>{_ROLE})\b"),  # ", CEO"
    re.compile(rf"(?P<name>{_NAME})\s+{_SAID}\b"),
)
_ATTRIBUTIONS_AFTER = (
    # "said CEO Ann Lee", "said Ann Lee, the chief executive of Acme"
    re.compile(
        rf"^\W*{_SAID}\s+(?:(?P<role>{_ROLE})\s+)?(?P<name>{_NAME})"
        rf"(?:,\s+(?:[\w'’]+\s+){{0,3}}?(?P<role_after>{_ROLE})\b)?"
    ),
    *_ATTRIBUTIONS_BEFORE,
)
_QUOTED = re.compile(r"“(?P<curly>[^“”]+)”|\"(?P<straight>[^\"]+)\"")


def _quote(blocks: list[_Block], excerpt: _Excerpt) -> QuoteCandidate | None:
    """The quoted passage most likely to be the chief executive's, with who said it."""
    found: list[tuple[tuple[bool, bool], QuoteCandidate]] = []
    for index, block in enumerate(blocks):
        if block.kind != "prose":
            continue
        for match in _QUOTED.finditer(block.text):
            text = excerpt(_collapse(match["curly"] or match["straight"]).rstrip(","))
            if not text or len(text.split()) < MIN_QUOTE_WORDS:
                continue
            intro = block.text[: match.start()]
            if not intro.strip() and index > 0 and blocks[index - 1].text.rstrip().endswith(":"):
                intro = blocks[index - 1].text  # the speaker's paragraph ends "..., stating:"
            intro_sentences = _sentences(intro)
            speaker, role = _attribution(intro_sentences[-1] if intro_sentences else "", False)
            if speaker is None:
                after_sentences = _sentences(block.text[match.end() :])
                outro = after_sentences[0] if after_sentences else ""
                speaker, role = _attribution(outro, True)
            is_chief = bool(role and re.fullmatch(r"CEO|[Cc]hief\s+[Ee]xecutive.*", role))
            found.append(((is_chief, speaker is not None), QuoteCandidate(text, speaker, role)))
    if not found:
        return None
    best = max(rank for rank, _ in found)
    return next(quote for rank, quote in found if rank == best)  # the first of the best


def _attribution(text: str, after: bool) -> tuple[str | None, str | None]:
    patterns = _ATTRIBUTIONS_AFTER if after else _ATTRIBUTIONS_BEFORE
    for pattern in patterns:
        matches = list(pattern.finditer(text))
        if matches:
            # Before a quote the nearest name is the speaker; after it, the first.
            match = matches[0] if after else matches[-1]
            groups = match.groupdict()
            role = groups.get("role") or groups.get("role_after")
            role = _collapse(role[:1].upper() + role[1:]) if role else None
            return _collapse(match["name"]), role
    return None, None


# --- Subject and period ---------------------------------------------------------------------

_PROPER = re.compile(
    r"(?:[A-Z][a-z][\w&'-]*|[A-Z]{2,}[a-z]?)(?:\s+(?:[A-Z][a-z][\w&'-]*|[A-Z]{2,}))*"
)
_NOT_SUBJECTS = _wordset(
    "the a an this that these those it its with despite as if but and in on at for while when "
    "after before why how what will can investors analysts ceo cfo coo cto ai us usa uk eu "
    "ipo q1 q2 q3 q4 monday tuesday wednesday thursday friday saturday sunday january "
    "february march april may june july august september october november december"
)


def _subject(blocks: list[_Block], source_title: str) -> str | None:
    """The most mentioned proper name, favouring one that is also in the headline."""
    counts: Counter[str] = Counter()
    for block in blocks:
        if block.kind == "heading":
            continue
        for sentence in _sentences(block.text):
            for match in _PROPER.finditer(sentence):
                words = match.group().split()
                while words and words[0].lower() in _NOT_SUBJECTS:
                    words.pop(0)
                # A capitalised first word of a sentence alone is no evidence of a name.
                if not words or (len(words) == 1 and match.start() == 0):
                    continue
                counts[" ".join(words[:4])] += 1
    if not counts:
        return None
    # The headline counts as mentions too: a name in it and once in the body is the subject.
    in_title = {n for n in counts if re.search(rf"\b{re.escape(n)}\b", source_title)}
    scored = [
        (count + (3 if name in in_title else 0), len(name.split()), name)
        for name, count in counts.items()
        if (count >= 2 or name in in_title) and name.lower() not in _NOT_SUBJECTS
    ]
    return max(scored)[2] if scored else None


_ORDINAL_QUARTER = {"first": "Q1", "second": "Q2", "third": "Q3", "fourth": "Q4"}
_PERIOD = re.compile(
    r"\b(?P<q>Q[1-4]|H[12])\s?(?:FY\s?)?(?P<year>(?:19|20)\d{2})\b"
    r"|\b(?P<ordinal>first|second|third|fourth)[\s-]+quarter\s+(?:of\s+)?(?P<oyear>(?:19|20)\d{2})\b"
    r"|\b(?P<fy>FY\s?(?:19|20)\d{2})\b",
    re.IGNORECASE,
)


def _period(text: str) -> str | None:
    """The first "Q4 2024"-style mention, in that form."""
    match = _PERIOD.search(text)
    if not match:
        return None
    if match["q"]:
        return f"{match['q'].upper()} {match['year']}"
    if match["ordinal"]:
        return f"{_ORDINAL_QUARTER[match['ordinal'].lower()]} {match['oyear']}"
    return _collapse(match["fy"]).upper()


# --- Evidence that the checker will find ----------------------------------------------------


@cache
def _unsafe(char: str) -> bool:
    # Characters the loader makes visible (ESC to ␛, zero-width to U+FFFD): an excerpt holding
    # one would no longer match the article, so excerpts stop at them.
    return not char.isspace() and clean(char, multiline=True) != char


def _excerpt(passage: str, haystack: str, around: int | None) -> str | None:
    """``passage`` itself, or its longest piece (or the piece at ``around``) free of
    characters the loader would change; ``None`` when no such piece is in the article."""
    pieces: list[tuple[int, str]] = []
    start = 0
    for index, char in enumerate(passage + "\0"):
        if index == len(passage) or _unsafe(char):
            pieces.append((start, passage[start:index]))
            start = index + 1
    if around is not None:
        chosen = next((p for s, p in pieces if s <= around <= s + len(p)), "")
    else:
        chosen = max((p for _, p in pieces), key=len)
    chosen = chosen.strip()
    if not re.search(r"\w", chosen) or normalize(chosen) not in haystack:
        return None
    return chosen


# --- Writing YAML ---------------------------------------------------------------------------


def _scalar(text: str, first_column: int, indent: int) -> str:
    """``text`` as a YAML double-quoted scalar (:func:`quote_scalar`: printable text
    whatever the article), folded at single spaces to fit in WIDTH."""
    text = re.sub(r"[\ud800-\udfff]", "\ufffd", text)  # a lone surrogate cannot be written
    quoted = quote_scalar(text)
    # A line break between two non-blank characters folds back to exactly one space;
    # breaking elsewhere would change the text, so those are the only break points.
    breaks = [
        i
        for i in range(2, len(quoted) - 2)
        if quoted[i] == " " and quoted[i - 1] not in " \\" and quoted[i + 1] != " "
    ]
    lines: list[str] = []
    start, column, last = 0, first_column, None
    for point in breaks:
        if column + (point - start) > WIDTH and last is not None:
            lines.append(quoted[start:last])
            start, column = last + 1, indent
        last = point
    if column + (len(quoted) - start) > WIDTH and last is not None and last >= start:
        lines.append(quoted[start:last])
        start = last + 1
    lines.append(quoted[start:])
    return ("\n" + " " * indent).join(lines)


class _Yaml:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def line(self, text: str = "") -> None:
        self.lines.append(text)

    def comment(self, indent: int, text: str) -> None:
        self.lines.append(" " * indent + "# " + text)

    def field(self, indent: int, key: str, value: str, *, item: bool = False) -> None:
        prefix = " " * indent + ("- " if item else "") + key + ": "
        self.lines.append(prefix + _scalar(value, len(prefix), indent + (4 if item else 2)))

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def _render(found: Candidates, *, source_file: str, briefing_id: str, schema: str | None) -> str:
    out = _Yaml()
    if schema is not None:
        # yaml-language-server reads this comment only as the file's first line.
        out.comment(0, f"yaml-language-server: $schema={schema}")
    out.comment(0, "Draft started by `briefing new`. Lines under a '# draft' comment were found")
    out.comment(0, "mechanically: check each against the article, fix or delete it, then drop")
    out.comment(0, "the comment. Every evidence must stay a verbatim excerpt of the article.")
    out.line(f"format: {FORMAT}")
    out.field(0, "id", briefing_id)
    out.comment(0, "draft: write the briefing's own title (this is the article's headline)")
    out.field(0, "title", found.source_title)
    for key, value, hint in (
        ("subject", found.subject, "the company or topic (the most mentioned name)"),
        ("period", found.period, "what the figures cover (the first quarter mentioned)"),
        ("dateline", found.dateline, "where the story was filed"),
    ):
        if value:
            out.comment(0, f"draft: check {hint}")
            out.field(0, key, value)
    if found.summary:
        out.comment(0, "draft: summarize in two or three sentences (this is the first sentence)")
        out.field(0, "summary", found.summary)
    out.line("source:")
    out.field(2, "title", found.source_title)
    out.field(2, "file", source_file)
    out.comment(2, 'url: "https://..."  # where the article was published, if known')

    out.line()
    _section(out, "headline_facts", found.facts, "check label and value", _fact)
    out.line()
    _section(out, "loss_drivers", found.drivers, "check title and detail", _driver_fields)
    out.line()
    if found.quote is None:
        out.line("ceo_quote: null")
    else:
        out.line("ceo_quote:")
        if found.quote.speaker is None:
            out.comment(2, "draft: no speaker found: name who said it, or set ceo_quote: null")
        else:
            out.comment(2, "draft: check this is the chief executive's quote and who said it")
        out.field(2, "text", found.quote.text)
        out.field(2, "speaker", found.quote.speaker or "(who said this?)")
        if found.quote.role:
            out.field(2, "role", found.quote.role)
    out.line()
    _section(out, "open_questions", found.questions, "rephrase, and add why it matters", _ask)
    return out.text()


def _section(
    out: _Yaml,
    key: str,
    items: tuple[T, ...],
    hint: str,
    fields: Callable[[T], Iterator[tuple[str, str | None]]],
) -> None:
    if not items:
        out.line(f"{key}: []")
        return
    out.line(f"{key}:")
    for candidate in items:
        out.comment(2, f"draft: {hint}")
        for index, (name, value) in enumerate(fields(candidate)):
            if value is not None:
                out.field(2 if index == 0 else 4, name, value, item=index == 0)


def _fact(fact: FactCandidate) -> Iterator[tuple[str, str | None]]:
    yield from (("label", fact.label), ("value", fact.value), ("evidence", fact.evidence))


def _driver_fields(driver: DriverCandidate) -> Iterator[tuple[str, str | None]]:
    yield from (("title", driver.title), ("detail", driver.detail), ("evidence", driver.evidence))


def _ask(question: QuestionCandidate) -> Iterator[tuple[str, str | None]]:
    yield from (
        ("question", question.question),
        ("why", question.why),
        ("evidence", question.evidence),
    )


# --- Files ----------------------------------------------------------------------------------


def _check_id(briefing_id: str) -> None:
    if not re.fullmatch(ID_PATTERN, briefing_id):  # fullmatch: "$" allows a "\n"
        raise ValueError(
            f"id {briefing_id!r} must be a slug: lower-case letters, digits and single hyphens"
        )


def _source_title(text: str) -> str:
    for line in text.removeprefix("\ufeff").splitlines():
        if line.strip():
            return _collapse(line)
    raise ValueError("the article is empty: it needs at least a headline line")


def _read_article(article: Path) -> bytes:
    from briefing_reader.loading.regular import NotRegularFile, read_regular

    try:
        # The one rule for a file someone named: a FIFO or /dev/tty given as the article
        # must not hang `new` or take the user's keys. Never more than the limit: a
        # briefing quoting a bigger "article" could not be loaded.
        data = read_regular(article, MAX_BYTES)
    except NotRegularFile as exc:
        raise ValueError(f"{article}: it is {exc.kind}, not a regular file") from None
    if len(data) > MAX_BYTES:
        raise ValueError(f"{article}: larger than {MAX_BYTES:,} bytes; is it really one article?")
    return data


def _decode_article(data: bytes, article: Path) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"{article}: not UTF-8 text (invalid byte 0x{data[exc.start]:02x} at offset "
            f"{exc.start}); save the article as UTF-8"
        ) from None
    if "\x00" in text:
        raise ValueError(f"{article}: contains NUL bytes; the article must be plain text")
    if not text.strip():
        raise ValueError(f"{article}: the article is empty")
    return text


def _schema_reference(schema: str | None, folder: Path) -> str:
    """How the first line names the schema: relative to the briefing's folder, so that the
    folder can move; an address (``https://...``) as given."""
    if schema is None:
        reference = f"./{SCHEMA_NAME}"
    elif re.match(r"[A-Za-z][A-Za-z0-9+.-]*://", schema):
        reference = schema
    else:
        relative = Path(os.path.relpath(Path(schema).absolute(), folder.absolute())).as_posix()
        reference = relative if relative.startswith("../") else f"./{relative}"
    if clean(reference) != reference or not reference.strip() or " " in reference:
        # It is written into a comment line: a line break would end it, a blank would cut it.
        raise ValueError(f"--schema {schema!r}: name a schema without blanks or control characters")
    return reference


def _write_schema(path: Path) -> None:
    """The JSON Schema, as `briefing schema` prints it, for editors to complete the draft."""
    from briefing_reader.schema import schema_text

    data = schema_text().encode("utf-8")
    # Written meanwhile, by someone else: theirs is kept, and serves as well.
    with contextlib.suppress(FileExistsError):
        _write_new(path, data, what="a schema")


def _needs_copy(copy: Path, article: Path, data: bytes) -> bool:
    if not copy.exists():
        return True
    if copy.resolve() == article.resolve() or copy.read_bytes() == data:
        return False  # already in place, e.g. `--source briefings/sources/x.txt`
    raise FileExistsError(
        f"{copy} already exists and differs from {article}; not overwriting it "
        "(rename the article or remove the old copy)"
    )


def _write_new(path: Path, data: bytes, *, what: str) -> None:
    """Create ``path`` holding ``data``: all of it or nothing, and never over another file."""
    for _ in range(100):
        temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            # O_EXCL with mode 0o666: a fresh file that honours the umask, like any other.
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            break
        except FileExistsError:
            continue
    else:
        raise FileExistsError(f"cannot create a temporary file next to {path}")
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        refusal = FileExistsError(f"{path} already exists ({what}); not overwriting it")
        try:
            # A hard link, unlike os.replace, fails if the name was taken since we looked.
            os.link(temp, path)
        except FileExistsError:
            raise refusal from None
        except OSError:
            # A filesystem without hard links: one last look, then the atomic rename.
            if path.exists():
                raise refusal from None
            os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)
    fsync_folder(path.parent)
