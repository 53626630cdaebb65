"""The loading layer: bytes -> YAML nodes -> briefing, with every problem located.

Each test asserts what a writer of a briefing sees: the exact one-line message
``path:line:column: severity: message`` or the values that reach the reader.
The YAML-level tests run under both parsers (libyaml's and PyYAML's pure one),
since they differ in messages and details.
"""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

import pytest

from briefing_reader.checks.evidence import normalize, quoted_passages
from briefing_reader.checks.sources import SourceCache
from briefing_reader.checks.validate import check_file, check_loaded
from briefing_reader.loading import BriefingError, Loaded, discover, load_file, load_text
from briefing_reader.loading import load as load_module
from briefing_reader.loading.discover import PathNotFound
from briefing_reader.loading.load import load_bytes
from briefing_reader.loading.yamlsafe import DEFAULT_LOADER, LOADERS, MAX_BYTES, MAX_DEPTH
from briefing_reader.model import (
    Briefing,
    CeoQuote,
    HeadlineFact,
    LossDriver,
    OpenQuestion,
    Source,
)
from briefing_reader.sections import SECTIONS
from tests.conftest import BUNDLED, ROOT, strings

NAME = "briefings/x.yaml"

# A small valid briefing; tests change one line of it. Line numbers matter:
#  1 format   2 id   3 title   4 source   5-6 its keys   7 headline_facts   8-10 first fact
# 11 loss_drivers   12-13 driver   14 ceo_quote   15-16 quote   17 open_questions   18 question
BASE = """\
format: briefing/1
id: acme-q1
title: Acme loses money
source:
  title: Acme article
  file: sources/acme.txt
headline_facts:
  - label: Net loss
    value: $5 million
    evidence: lost $5 million
loss_drivers:
  - title: Costs
    detail: Costs rose.
ceo_quote:
  text: We will recover.
  speaker: Jane Doe
open_questions:
  - question: Will it recover?
"""


@pytest.fixture(params=sorted(LOADERS))
def loader(request: pytest.FixtureRequest) -> str:
    """Each available YAML parser: "c" (libyaml, when PyYAML has it) and "pure"."""
    return request.param


def load(text: str, loader: str = DEFAULT_LOADER) -> Loaded:
    return load_text(text, Path(NAME), loader_name=loader)


def messages(loaded: Loaded) -> list[str]:
    return [str(p) for p in loaded.problems]


def errors_of(text: str, loader: str = DEFAULT_LOADER) -> list[str]:
    return messages(load(text, loader))


def bytes_errors(data: bytes, loader: str = DEFAULT_LOADER) -> list[str]:
    return messages(load_bytes(data, Path(NAME), loader_name=loader))


def per_loader(loader: str, **expected: str) -> str:
    """The message libyaml (``c``) or PyYAML (``pure``) gives: their wording differs."""
    return expected[loader]


# --- The valid case ---------------------------------------------------------------------------


def test_base_briefing_loads_without_problems(loader: str) -> None:
    loaded = load(BASE, loader)
    assert messages(loaded) == []
    assert loaded.ok
    briefing = loaded.strict()
    assert briefing.id == "acme-q1"
    assert briefing.source == Source("Acme article", "sources/acme.txt")
    assert briefing.headline_facts == (
        HeadlineFact("Net loss", "$5 million", evidence="lost $5 million"),
    )
    assert briefing.loss_drivers == (LossDriver("Costs", "Costs rose."),)
    assert briefing.ceo_quote == CeoQuote("We will recover.", "Jane Doe")
    assert briefing.open_questions == (OpenQuestion("Will it recover?"),)


def test_bundled_briefing_loads_with_no_problems(loader: str) -> None:
    loaded = load_file(BUNDLED, loader_name=loader)
    assert messages(loaded) == []
    briefing = loaded.strict()
    assert briefing.id == "core-scientific-2024-q4"
    assert briefing.tags == ("bitcoin-mining", "ai-infrastructure", "data-centers", "earnings")
    assert [len(briefing.items(s)) for s in SECTIONS] == [6, 3, 1, 5]
    assert briefing.ceo_quote is not None
    assert briefing.ceo_quote.speaker == "Adam Sullivan"


def test_bundled_briefing_quotes_its_source_verbatim() -> None:
    briefing = load_file(BUNDLED).strict()
    passages = list(quoted_passages(briefing))
    # 6 facts + 3 drivers + 5 questions carry evidence, plus the quote itself.
    assert len(passages) == 15
    assert "ceo_quote.text" in [p.where for p in passages]
    # The validator's own check: every one of them is found in the article.
    assert check_file(BUNDLED).errors == ()


def test_default_loader_is_libyaml_when_available() -> None:
    assert ("c" if "c" in LOADERS else "pure") == DEFAULT_LOADER
    assert "pure" in LOADERS


# --- Format, id and required keys -----------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "format: briefing/2",
            f"{NAME}:1:9: error: unsupported format 'briefing/2': "
            "this reader understands 'briefing/1'",
        ),
        (
            "format: Briefing/1",
            f"{NAME}:1:9: error: unsupported format 'Briefing/1': "
            "this reader understands 'briefing/1'",
        ),
        (
            'format: "briefing/1 "',
            f"{NAME}:1:9: error: unsupported format 'briefing/1 ': "
            "this reader understands 'briefing/1'",
        ),
        (
            "format: 1",
            f"{NAME}:1:9: error: unsupported format '1': this reader understands 'briefing/1'",
        ),
        ("format:", f"{NAME}:1:8: error: format must be 'briefing/1', not empty"),
        ("format: [briefing/1]", f"{NAME}:1:9: error: format must be 'briefing/1', not a list"),
        (
            "format: {v: briefing/1}",
            f"{NAME}:1:9: error: format must be 'briefing/1', not a mapping",
        ),
    ],
)
def test_format_other_than_briefing_1_is_refused(loader: str, line: str, expected: str) -> None:
    loaded = load(BASE.replace("format: briefing/1", line), loader)
    assert messages(loaded) == [expected]
    assert loaded.briefing is None  # an unknown format is not guessed at


def test_missing_format_is_refused_with_the_line_to_add(loader: str) -> None:
    loaded = load(BASE.replace("format: briefing/1\n", ""), loader)
    assert messages(loaded) == [
        f"{NAME}:1:1: error: format is required: add 'format: briefing/1' at the top"
    ]
    assert loaded.briefing is None


def test_quoted_format_is_accepted(loader: str) -> None:
    assert errors_of(BASE.replace("format: briefing/1", 'format: "briefing/1"'), loader) == []


@pytest.mark.parametrize("slug", ["Acme-Q1", "acme q1", "acme--q1", "-acme", "acme-", "acme_q1"])
def test_id_must_be_a_slug(loader: str, slug: str) -> None:
    loaded = load(BASE.replace("id: acme-q1", f"id: '{slug}'"), loader)
    assert messages(loaded) == [
        f"{NAME}:2:5: error: id '{slug}' must be a slug: "
        "lower-case letters, digits and single hyphens"
    ]
    assert loaded.briefing is not None  # the rest of the briefing can still be shown
    assert not loaded.ok


# A plain 2024 is a number to editors: quoted here (test_schema_agreement has the warning).
@pytest.mark.parametrize("slug", ["a", "acme-q1", "'2024'", "core-scientific-2024-q4"])
def test_good_slugs_are_accepted(slug: str) -> None:
    assert errors_of(BASE.replace("id: acme-q1", f"id: {slug}")) == []


@pytest.mark.parametrize(
    ("removed", "expected"),
    [
        ("id: acme-q1\n", f"{NAME}:1:1: error: id is required"),
        ("title: Acme loses money\n", f"{NAME}:1:1: error: title is required"),
        (
            "source:\n  title: Acme article\n  file: sources/acme.txt\n",
            f"{NAME}:1:1: error: source is required",
        ),
        (
            "headline_facts:\n  - label: Net loss\n    value: $5 million\n"
            "    evidence: lost $5 million\n",
            f"{NAME}:1:1: error: headline_facts is required",
        ),
        (
            "loss_drivers:\n  - title: Costs\n    detail: Costs rose.\n",
            f"{NAME}:1:1: error: loss_drivers is required",
        ),
        (
            "ceo_quote:\n  text: We will recover.\n  speaker: Jane Doe\n",
            f"{NAME}:1:1: error: ceo_quote is required",
        ),
        (
            "open_questions:\n  - question: Will it recover?\n",
            f"{NAME}:1:1: error: open_questions is required",
        ),
        ("  title: Acme article\n", f"{NAME}:5:3: error: source.title is required"),
        ("  file: sources/acme.txt\n", f"{NAME}:5:3: error: source.file is required"),
        ("    value: $5 million\n", f"{NAME}:8:5: error: headline_facts[0].value is required"),
        ("    detail: Costs rose.\n", f"{NAME}:12:5: error: loss_drivers[0].detail is required"),
        ("  speaker: Jane Doe\n", f"{NAME}:15:3: error: ceo_quote.speaker is required"),
    ],
)
def test_each_required_key_is_named_when_missing(loader: str, removed: str, expected: str) -> None:
    assert removed in BASE
    assert errors_of(BASE.replace(removed, ""), loader) == [expected]


def test_missing_item_field_names_the_item_by_index(loader: str) -> None:
    text = BASE.replace(
        "loss_drivers:",
        "  - label: Revenue\n    value: $9 million\n  - value: $1 million\nloss_drivers:",
    )
    loaded = load(text, loader)
    assert messages(loaded) == [f"{NAME}:13:5: error: headline_facts[2].label is required"]
    briefing = loaded.briefing
    assert briefing is not None
    assert [f.value for f in briefing.headline_facts] == ["$5 million", "$9 million", "$1 million"]


@pytest.mark.parametrize("written", ['""', "''", "~", "null", ""])
def test_empty_or_null_required_text_is_required(loader: str, written: str) -> None:
    text = BASE.replace("title: Acme loses money", f"title: {written}".rstrip())
    column = 8 if written else 7
    assert errors_of(text, loader) == [f"{NAME}:3:{column}: error: title is required"]


def test_empty_sections_are_allowed(loader: str) -> None:
    text = BASE.split("headline_facts:")[0] + (
        "headline_facts: []\nloss_drivers:\nceo_quote: null\nopen_questions: []\n"
    )
    loaded = load(text, loader)
    assert messages(loaded) == []
    briefing = loaded.strict()
    assert [briefing.items(s) for s in SECTIONS] == [(), (), (), ()]
    assert briefing.ceo_quote is None


def test_optional_fields_may_be_left_out_or_null(loader: str) -> None:
    text = BASE + "subject: Acme\nperiod: ~\ntags: []\n"
    briefing = load(text, loader).strict()
    assert (briefing.subject, briefing.period, briefing.dateline, briefing.tags) == (
        "Acme",
        None,
        None,
        (),
    )


# --- Wrong types and unknown keys ------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "loss_drivers:\n  - title: Costs\n    detail: Costs rose.",
            "loss_drivers: costs",
            f"{NAME}:11:15: error: loss_drivers must be a list, not text",
        ),
        (
            "loss_drivers:\n  - title: Costs\n    detail: Costs rose.",
            "loss_drivers: {title: Costs}",
            f"{NAME}:11:15: error: loss_drivers must be a list, not a mapping",
        ),
        (
            "title: Acme loses money",
            "title: {a: b}",
            f"{NAME}:3:8: error: title must be text, not a mapping",
        ),
        (
            "title: Acme loses money",
            "title: [Acme]",
            f"{NAME}:3:8: error: title must be text, not a list",
        ),
        (
            "ceo_quote:\n  text: We will recover.\n  speaker: Jane Doe",
            "ceo_quote: We will recover.",
            f"{NAME}:14:12: error: ceo_quote must be a mapping, not text",
        ),
        (
            "open_questions:\n  - question: Will it recover?",
            "open_questions:\n  - Will it recover?",
            f"{NAME}:18:5: error: open_questions[0] must be a mapping, not text",
        ),
        (
            "open_questions:\n  - question: Will it recover?",
            "open_questions:\n  -",
            f"{NAME}:18:4: error: open_questions[0] must be a mapping, not empty",
        ),
    ],
)
def test_wrong_types_are_named(loader: str, old: str, new: str, expected: str) -> None:
    assert old in BASE
    loaded = load(BASE.replace(old, new), loader)
    assert messages(loaded) == [expected]
    assert loaded.briefing is not None and not loaded.ok


def test_tags_must_be_a_list_of_text(loader: str) -> None:
    assert errors_of(BASE + "tags: [a, ~, [b]]\n", loader) == [
        f"{NAME}:19:11: error: tags[1] must be text, not empty",
        f"{NAME}:19:14: error: tags[2] must be text, not a list",
    ]


@pytest.mark.parametrize("new", ["source: acme.txt", "source: ~"])
def test_a_broken_source_still_gives_a_source_object(loader: str, new: str) -> None:
    """A partial briefing is shown with its errors; its fields must keep their model types."""
    text = BASE.replace("source:\n  title: Acme article\n  file: sources/acme.txt", new)
    loaded = load(text, loader)
    assert len(loaded.errors) == 1
    assert loaded.briefing is not None
    assert loaded.briefing.source == Source(title="", file="")


def test_unknown_key_suggests_the_nearest_known_one(loader: str) -> None:
    text = BASE.replace("title: Acme loses money", "titel: Acme loses money")
    assert errors_of(text, loader) == [
        f"{NAME}:1:1: error: title is required",
        f"{NAME}:3:1: error: unknown key 'titel'; did you mean 'title'?",
    ]


def test_unknown_key_in_an_item_gives_its_path(loader: str) -> None:
    text = BASE.replace("    evidence: lost", "    evidnce: lost")
    assert errors_of(text, loader) == [
        f"{NAME}:10:5: error: unknown key 'headline_facts[0].evidnce'; did you mean 'evidence'?"
    ]


def test_unknown_key_with_nothing_near_has_no_suggestion(loader: str) -> None:
    assert errors_of(BASE + "zzzzz: 1\n", loader) == [f"{NAME}:19:1: error: unknown key 'zzzzz'"]


def test_problems_are_listed_in_file_order() -> None:
    text = BASE.replace("id: acme-q1", "id: Bad Id") + "zzzzz: 1\ntags: [~]\n"
    text = text.replace("    detail: Costs rose.\n", "")
    assert errors_of(text) == [
        f"{NAME}:2:5: error: id 'Bad Id' must be a slug: "
        "lower-case letters, digits and single hyphens",
        f"{NAME}:12:5: error: loss_drivers[0].detail is required",
        f"{NAME}:18:1: error: unknown key 'zzzzz'",
        f"{NAME}:19:8: error: tags[0] must be text, not empty",
    ]


def test_strict_raises_the_first_error() -> None:
    loaded = load(BASE.replace("id: acme-q1\n", ""))
    with pytest.raises(BriefingError) as caught:
        loaded.strict()
    assert str(caught.value) == f"{NAME}:1:1: error: id is required"
    assert caught.value.problem.code == "required"


# --- Scalars stay as written ----------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        "no",
        "yes",
        "on",
        "off",
        "true",
        "1_000",
        "012",
        "0x1F",
        "12:30:00",
        "1.10",
        "1e3",
        ".inf",
        "2024-12-31",
        "2024-12-31T10:00:00Z",
    ],
)
def test_scalars_are_text_as_written(loader: str, written: str) -> None:
    text = BASE.replace("value: $5 million", f"value: {written}")
    text = text.replace("speaker: Jane Doe", f"speaker: {written}")
    briefing = load(text, loader).strict()
    assert briefing.headline_facts[0].value == written
    assert briefing.ceo_quote is not None
    assert briefing.ceo_quote.speaker == written


@pytest.mark.parametrize("written", ["null", "~", "Null", ""])
def test_quoted_null_words_are_text(loader: str, written: str) -> None:
    text = BASE.replace("speaker: Jane Doe", f"speaker: '{written}'")
    loaded = load(text, loader)
    if written:
        assert messages(loaded) == []
        assert loaded.strict().ceo_quote == CeoQuote("We will recover.", written)
    else:  # quoted but empty: still nothing to show
        assert messages(loaded) == [f"{NAME}:16:12: error: ceo_quote.speaker is required"]


def test_multiline_fields_keep_paragraphs_single_line_fields_fold(loader: str) -> None:
    text = BASE.replace(
        "    detail: Costs rose.", "    detail: |\n      Costs rose.\n\n      Sales fell.  "
    ).replace("title: Acme loses money", 'title: "Acme\\nloses   money"')
    briefing = load(text, loader).strict()
    assert briefing.loss_drivers[0].detail == "Costs rose.\n\nSales fell."
    assert briefing.title == "Acme loses money"


# --- Hostile text reaches the reader inert --------------------------------------------------


def test_control_characters_in_values_come_out_inert(loader: str) -> None:
    text = BASE.replace(
        "title: Acme loses money", 'title: "red \\e[31m csi \\x9b rlo \\u202e zw \\u200b end"'
    ).replace(
        "    detail: Costs rose.",
        '    detail: "bell \\a del \\x7f nel \\x85 ls \\u2028 tab \\t nul \\0 end"',
    )
    loaded = load(text, loader)
    assert messages(loaded) == []
    briefing = loaded.strict()
    assert briefing.title == "red \u241b[31m csi \ufffd rlo \ufffd zw \ufffd end"
    assert briefing.loss_drivers[0].detail == (
        # Multi-line text keeps its breaks (U+2028 is one) and its spacing as written.
        "bell \u2407 del \u2421 nel \ufffd ls\n tab   nul \u2400 end"
    )
    for where, value in strings(briefing):
        for char in value:
            category = unicodedata.category(char)
            assert category not in ("Cc", "Cf", "Cs") or char == "\n", (where, hex(ord(char)))


def test_lone_surrogate_escape_never_reaches_the_reader(loader: str) -> None:
    """PyYAML's pure parser accepts "\\ud800"; such text cannot even be written to a terminal."""
    loaded = load(BASE.replace("title: Acme loses money", 'title: "a\\ud800b"'), loader)
    if loader == "c":
        assert messages(loaded) == [
            f"{NAME}:3:12: error: YAML syntax: found invalid Unicode character escape code "
            "(while parsing a quoted scalar)"
        ]
    else:
        assert messages(loaded) == []
        assert loaded.strict().title == "a\ufffdb"
        loaded.strict().title.encode("utf-8")


def test_escape_sequences_in_keys_and_messages_are_inert(loader: str) -> None:
    text = BASE + '"evil\\e[2J": 1\n'
    assert errors_of(text, loader) == [f"{NAME}:19:1: error: unknown key 'evil\u241b[2J'"]


def test_escape_sequences_in_the_file_name_are_inert() -> None:
    loaded = load_text("- a\n", Path("evil\x1b[31m.yaml"))
    assert messages(loaded) == [
        "evil\u241b[31m.yaml:1:1: error: a briefing is a mapping of keys, not a list"
    ]


def test_raw_control_character_in_the_file_is_located(loader: str) -> None:
    data = BASE.replace("title: Acme loses money", "title: café \x1b[31m").encode()
    assert bytes_errors(data, loader) == [
        per_loader(
            loader,
            c=f"{NAME}:3:13: error: YAML: control characters are not allowed",
            pure=f"{NAME}:3:13: error: YAML: special characters are not allowed",
        )
    ]


# --- YAML features a briefing never needs ----------------------------------------------------


def test_syntax_error_is_located(loader: str) -> None:
    text = BASE.replace("title: Acme loses money", "title: [Acme, loses")
    assert errors_of(text, loader) == [
        per_loader(
            loader,
            c=f"{NAME}:4:7: error: YAML syntax: did not find expected ',' or ']' "
            "(while parsing a flow sequence)",
            pure=f"{NAME}:4:7: error: YAML syntax: expected ',' or ']', but got ':' "
            "(while parsing a flow sequence)",
        )
    ]


def test_mapping_value_in_plain_text_is_a_located_syntax_error(loader: str) -> None:
    text = BASE.replace("title: Acme loses money", "title: Acme: loses money")
    assert errors_of(text, loader) == [
        per_loader(
            loader,
            c=f"{NAME}:3:12: error: YAML syntax: mapping values are not allowed in this context",
            pure=f"{NAME}:3:12: error: YAML syntax: mapping values are not allowed here",
        )
    ]


def test_tab_indentation_is_a_located_syntax_error(loader: str) -> None:
    text = BASE.replace("  title: Acme article", "\ttitle: Acme article")
    assert errors_of(text, loader) == [
        per_loader(
            loader,
            c=f"{NAME}:5:1: error: YAML syntax: found character that cannot start any token "
            "(while scanning for the next token)",
            pure=f"{NAME}:5:1: error: YAML syntax: found character '\\t' that cannot start "
            "any token (while scanning for the next token)",
        )
    ]


def test_unclosed_quote_is_a_located_syntax_error(loader: str) -> None:
    assert errors_of('format: briefing/1\ntitle: "abc\n', loader) == [
        f"{NAME}:3:1: error: YAML syntax: found unexpected end of stream "
        "(while scanning a quoted scalar)"
    ]


@pytest.mark.parametrize("text", ["", "\n\n", "# just a comment\n", "   \n  # indented comment\n"])
def test_empty_file_is_refused(loader: str, text: str) -> None:
    loaded = load(text, loader)
    assert messages(loaded) == [f"{NAME}:1:1: error: file is empty; a briefing is a YAML mapping"]
    assert loaded.briefing is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hello\n", f"{NAME}:1:1: error: a briefing is a mapping of keys, not text"),
        ('"briefing/1"\n', f"{NAME}:1:1: error: a briefing is a mapping of keys, not text"),
        ("- a\n- b\n", f"{NAME}:1:1: error: a briefing is a mapping of keys, not a list"),
        (
            "[format, briefing/1]\n",
            f"{NAME}:1:1: error: a briefing is a mapping of keys, not a list",
        ),
        ("~\n", f"{NAME}:1:1: error: a briefing is a mapping of keys, not empty"),
        ("---\n", f"{NAME}:2:1: error: a briefing is a mapping of keys, not empty"),
    ],
)
def test_top_level_must_be_a_mapping(loader: str, text: str, expected: str) -> None:
    loaded = load(text, loader)
    assert messages(loaded) == [expected]
    assert loaded.briefing is None


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (BASE + "---\n" + BASE, 19),
        ("---\n" + BASE + "...\n---\nformat: briefing/1\n", 21),
        ("--- a\n--- b\n", 2),
    ],
)
def test_several_documents_are_refused(loader: str, text: str, line: int) -> None:
    loaded = load(text, loader)
    assert messages(loaded) == [
        f"{NAME}:{line}:1: error: more than one YAML document; put one briefing in each file"
    ]
    assert loaded.briefing is None


def test_one_explicit_document_is_fine(loader: str) -> None:
    assert errors_of("---\n" + BASE + "...\n", loader) == []


def test_anchor_is_refused(loader: str) -> None:
    text = BASE.replace("value: $5 million", "value: &v $5 million")
    assert errors_of(text, loader) == [
        f"{NAME}:9:12: error: anchors (&name) are not allowed in briefings"
    ]


def test_alias_is_refused(loader: str) -> None:
    text = BASE.replace("speaker: Jane Doe", "speaker: *boss")
    assert errors_of(text, loader) == [
        f"{NAME}:16:12: error: aliases (*name) are not allowed in briefings"
    ]


def test_merge_key_alias_is_refused(loader: str) -> None:
    text = "base: &b {a: 1}\nother:\n  <<: *b\n"
    assert errors_of(text, loader) == [
        f"{NAME}:1:7: error: anchors (&name) are not allowed in briefings"
    ]


BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def test_alias_bomb_is_refused_at_its_first_anchor(loader: str) -> None:
    assert len(BILLION_LAUGHS.encode()) < 650  # the classic: a few hundred bytes, 9**9 "lol"s
    loaded = load(BILLION_LAUGHS, loader)
    # Refused where the first anchor is, so nothing was expanded (expansion would take minutes
    # and gigabytes; no time is asserted: CI tests stay deterministic).
    assert messages(loaded) == [f"{NAME}:1:4: error: anchors (&name) are not allowed in briefings"]


@pytest.mark.parametrize(
    ("value", "tag"),
    [
        (
            "!!python/object/apply:os.system ['echo pwned']",
            "tag:yaml.org,2002:python/object/apply:os.system",
        ),
        ("!!binary aGVsbG8=", "tag:yaml.org,2002:binary"),
        ("!!set {a, b}", "tag:yaml.org,2002:set"),
        ("!!str $5 million", "tag:yaml.org,2002:str"),
        ("!custom $5 million", "!custom"),
    ],
)
def test_explicit_tags_are_refused(loader: str, value: str, tag: str) -> None:
    text = BASE.replace("value: $5 million", f"value: {value}")
    loaded = load(text, loader)
    assert messages(loaded) == [
        f"{NAME}:9:12: error: explicit tags such as '{tag}' are not allowed"
    ]
    assert loaded.briefing is None


def test_tag_on_the_whole_document_is_refused(loader: str) -> None:
    assert errors_of("!custom\n" + BASE, loader) == [
        f"{NAME}:1:1: error: explicit tags such as '!custom' are not allowed"
    ]


def test_duplicate_key_names_both_lines(loader: str) -> None:
    text = BASE + "id: acme-q2\n"
    loaded = load(text, loader)
    assert messages(loaded) == [f"{NAME}:19:1: error: duplicate key 'id' (first defined on line 2)"]
    assert loaded.briefing is None  # which id was meant cannot be guessed


def test_duplicate_key_in_an_item_names_both_lines(loader: str) -> None:
    text = BASE.replace("    value: $5 million\n", "    value: $5 million\n    value: $6 million\n")
    assert errors_of(text, loader) == [
        f"{NAME}:10:5: error: duplicate key 'value' (first defined on line 9)"
    ]


def test_duplicate_key_quoted_and_plain_is_still_a_duplicate(loader: str) -> None:
    assert errors_of(BASE + '"title": Other\n', loader) == [
        f"{NAME}:19:1: error: duplicate key 'title' (first defined on line 3)"
    ]


def test_same_key_in_sibling_items_is_fine(loader: str) -> None:
    text = BASE.replace("loss_drivers:", "  - label: Revenue\n    value: $9 million\nloss_drivers:")
    assert errors_of(text, loader) == []


def test_a_duplicate_among_many_keys_is_found(loader: str) -> None:
    """A 1 MiB file can hold ~150,000 keys: the check is a dict (yamlsafe._check_key).

    No time is asserted (CI tests stay deterministic); a pairwise check would make this test
    take minutes, which the suite's wall time would show.
    """
    keys = ", ".join(f"k{i}: v" for i in range(100_000))
    loaded = load("{" + keys + ", k7: again}", loader)
    assert messages(loaded) == [
        f"{NAME}:1:{len(keys) + 4}: error: duplicate key 'k7' (first defined on line 1)"
    ]


def test_complex_key_is_refused(loader: str) -> None:
    assert errors_of("? [a, b]\n: c\n", loader) == [
        f"{NAME}:1:3: error: mapping keys must be plain text"
    ]


def test_comma_inside_flow_mapping_is_warned_about(loader: str) -> None:
    text = BASE.replace(
        "  - label: Net loss\n    value: $5 million\n    evidence: lost $5 million",
        "  - {label: x, value: $1,200}",
    )
    loaded = load(text, loader)
    assert messages(loaded) == [
        f"{NAME}:8:26: warning: '$1,200' was split at the comma inside {{ }}; quote the value",
        f"{NAME}:8:26: error: unknown key 'headline_facts[0].200'",
    ]
    assert loaded.briefing is not None
    assert loaded.briefing.headline_facts[0].value == "$1"


def test_written_null_after_a_flow_value_is_not_a_split_comma(loader: str) -> None:
    """Only a key with no value at all was split off: `note: null` was written on purpose."""
    text = BASE.replace(
        "  - label: Net loss\n    value: $5 million\n    evidence: lost $5 million",
        "  - {label: x, value: $5 million, note: null, evidence: ~}",
    )
    loaded = load(text, loader)
    assert messages(loaded) == []
    assert loaded.strict().headline_facts[0] == HeadlineFact("x", "$5 million")


def test_quoted_comma_in_flow_mapping_is_fine(loader: str) -> None:
    text = BASE.replace(
        "  - label: Net loss\n    value: $5 million\n    evidence: lost $5 million",
        '  - {label: x, value: "$1,200"}',
    )
    loaded = load(text, loader)
    assert messages(loaded) == []
    assert loaded.strict().headline_facts[0].value == "$1,200"


@pytest.mark.parametrize(("opener", "unit"), [("[", "["), ("{a: ", "{a: ")])
def test_deep_nesting_is_refused_without_recursion_error(
    loader: str, opener: str, unit: str
) -> None:
    loaded = load(opener * 10_000, loader)
    if unit == "[" and loader == "c":
        # libyaml stops at its own limit of 1000 flow levels before we see the events.
        expected = (
            f"{NAME}:1:1001: error: YAML syntax: exceeded maximum nesting depth "
            "(while increasing flow level)"
        )
    else:
        column = len(unit) * MAX_DEPTH + 1
        expected = (
            f"{NAME}:1:{column}: error: nesting deeper than {MAX_DEPTH} levels; "
            "briefings need only a few"
        )
    assert messages(loaded) == [expected]


def test_deep_block_nesting_is_refused(loader: str) -> None:
    text = "".join(" " * i + "a:\n" for i in range(10_000))
    assert errors_of(text, loader) == [
        f"{NAME}:17:17: error: nesting deeper than {MAX_DEPTH} levels; briefings need only a few"
    ]


def test_nesting_at_the_limit_is_parsed(loader: str) -> None:
    text = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert errors_of(text, loader) == [
        f"{NAME}:1:1: error: a briefing is a mapping of keys, not a list"
    ]


# --- Bytes and encodings ---------------------------------------------------------------------


def test_invalid_utf8_gives_line_and_column_of_the_bad_byte(loader: str) -> None:
    data = BASE.encode().replace(b"title: Acme loses money", b"title: caf\xc3\xa9 \xe9t\xe9")
    loaded = load_bytes(data, Path(NAME), loader_name=loader)
    assert messages(loaded) == [
        f"{NAME}:3:13: error: invalid UTF-8 byte 0xe9; save the file as UTF-8"
    ]
    assert loaded.briefing is None


def test_utf8_bom_is_accepted(loader: str) -> None:
    loaded = load_bytes(b"\xef\xbb\xbf" + BASE.encode(), Path(NAME), loader_name=loader)
    assert messages(loaded) == []
    assert loaded.strict().title == "Acme loses money"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_are_refused(loader: str, encoding: str) -> None:
    assert bytes_errors(BASE.encode(encoding), loader) == [
        f"{NAME}:1:1: error: file looks like UTF-16 or UTF-32; save it as UTF-8"
    ]


def test_nul_byte_is_refused_with_its_location(loader: str) -> None:
    data = BASE.encode().replace(b"Acme loses", b"Acm\x00 loses")
    assert bytes_errors(data, loader) == [
        f"{NAME}:3:11: error: NUL byte in file; briefings are text"
    ]


def test_crlf_line_endings_are_fine(loader: str) -> None:
    loaded = load_bytes(BASE.replace("\n", "\r\n").encode(), Path(NAME), loader_name=loader)
    assert messages(loaded) == []
    assert loaded.strict().title == "Acme loses money"


# --- Files ----------------------------------------------------------------------------------


def test_load_file_names_the_file_as_given(tmp_path: Path) -> None:
    path = tmp_path / "b.yaml"
    path.write_text(BASE.replace("id: acme-q1\n", ""), encoding="utf-8")
    assert messages(load_file(path)) == [f"{path}:1:1: error: id is required"]
    assert messages(load_file(path, display="shown.yaml")) == [
        "shown.yaml:1:1: error: id is required"
    ]


def test_file_over_the_limit_is_refused_before_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, loader: str
) -> None:
    def never(*args: object, **kwargs: object) -> object:
        raise AssertionError("a file over the limit must not be decoded or parsed")

    monkeypatch.setattr(load_module, "decode", never)
    monkeypatch.setattr(load_module, "parse", never)
    path = tmp_path / "big.yaml"
    path.write_bytes(b"a: b\n" + b"#" * MAX_BYTES)
    loaded = load_file(path, loader_name=loader)
    assert messages(loaded) == [
        f"{path}: error: file is 1,048,581 bytes; briefings are limited to 1,048,576 bytes"
    ]
    assert loaded.briefing is None


def test_huge_sparse_file_costs_nothing(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as stream:
        stream.truncate(1024**3)  # 1 GiB, sparse: reading it would take a while
    assert messages(load_file(path)) == [
        f"{path}: error: file is 1,073,741,824 bytes; briefings are limited to 1,048,576 bytes"
    ]


def test_file_exactly_at_the_limit_is_read(tmp_path: Path) -> None:
    path = tmp_path / "full.yaml"
    data = BASE.encode() + b"#" * (MAX_BYTES - len(BASE.encode()))
    path.write_bytes(data)
    assert len(data) == MAX_BYTES
    assert messages(load_file(path)) == []


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_endless_file_is_not_read_to_its_end() -> None:
    """stat says 0 bytes for /dev/zero: it is refused as a device, never read at all."""
    assert messages(load_file(Path("/dev/zero"))) == [
        "/dev/zero: error: cannot read file: it is a device, not a regular file"
    ]


@pytest.mark.skipif(
    hasattr(os, "geteuid") and os.geteuid() == 0,
    reason="running as root: chmod 000 does not stop root from reading the file",
)
def test_unreadable_file_is_an_error_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "secret.yaml"
    path.write_text(BASE, encoding="utf-8")
    path.chmod(0)
    try:
        loaded = load_file(path)
    finally:
        path.chmod(0o600)
    assert messages(loaded) == [f"{path}: error: cannot read file: Permission denied"]
    assert loaded.briefing is None


def test_broken_symlink_is_an_error_not_a_crash(tmp_path: Path) -> None:
    link = tmp_path / "gone.yaml"
    link.symlink_to(tmp_path / "missing.yaml")
    loaded = load_file(link)
    assert messages(loaded) == [f"{link}: error: cannot read file: No such file or directory"]
    assert loaded.briefing is None


def test_folder_named_like_a_briefing_is_an_error(tmp_path: Path) -> None:
    folder = tmp_path / "odd.yaml"
    folder.mkdir()
    assert messages(load_file(folder)) == [f"{folder}: error: cannot read file: Is a directory"]


def test_every_problem_is_one_located_line(loader: str) -> None:
    text = (
        BASE.replace("title: Acme loses money", "titel: |\n  two\n  lines")
        .replace("id: acme-q1", "id: 'Bad\n\n  Id'")
        .replace("  - question: Will it recover?", "  - question: ''\n    nope: 1")
    )
    loaded = load(text, loader)
    assert messages(loaded) == [
        f"{NAME}:1:1: error: title is required",
        f"{NAME}:2:5: error: id 'Bad Id' must be a slug: "
        "lower-case letters, digits and single hyphens",
        f"{NAME}:5:1: error: unknown key 'titel'; did you mean 'title'?",
        f"{NAME}:22:15: error: open_questions[0].question is required",
        f"{NAME}:23:5: error: unknown key 'open_questions[0].nope'",
    ]
    for problem in loaded.problems:
        line = str(problem)
        assert "\n" not in line
        assert line.startswith(f"{NAME}:{problem.line}:{problem.column}: error: ")
        assert problem.line is not None and problem.line >= 1
        assert problem.column is not None and problem.column >= 1


# --- Discovering files ----------------------------------------------------------------------


def test_discover_finds_yaml_recursively_and_skips_sources(tmp_path: Path) -> None:
    for name in [
        "b.yaml",
        "a.yml",
        "notes.txt",
        ".hidden.yaml",
        "sub/c.yaml",
        "sub/deeper/d.yaml",
        "sources/article.yaml",
        "sub/sources/e.yaml",
        ".git/f.yaml",
        ".cache/g.yaml",
    ]:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(BASE, encoding="utf-8")
    found = discover([tmp_path])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == [
        "a.yml",
        "b.yaml",
        "sub/c.yaml",
        "sub/deeper/d.yaml",
    ]


def test_discover_takes_a_named_file_whatever_its_suffix(tmp_path: Path) -> None:
    named = tmp_path / "briefing.txt"
    named.write_text(BASE, encoding="utf-8")
    (tmp_path / "x.yaml").write_text(BASE, encoding="utf-8")
    assert discover([named]) == [named]
    # Named twice (once through its folder): listed once; the .txt is found only when named.
    assert discover([tmp_path / "x.yaml", tmp_path]) == [tmp_path / "x.yaml"]
    assert discover([tmp_path, named]) == [tmp_path / "x.yaml", named]


def test_discover_does_not_follow_symlinked_folders(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "a.yaml").write_text(BASE, encoding="utf-8")
    (tmp_path / "real" / "loop").symlink_to(tmp_path, target_is_directory=True)
    assert discover([tmp_path]) == [tmp_path / "real" / "a.yaml"]


def test_discover_raises_for_a_missing_path(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    with pytest.raises(PathNotFound) as caught:
        discover([missing])
    assert str(caught.value) == str(missing)


def test_discover_finds_the_bundled_briefing_not_its_source() -> None:
    assert discover([ROOT / "briefings"]) == [BUNDLED]


# --- The evidence matcher -------------------------------------------------------------------

SOURCE = (
    "Acme \u201cwill recover,\u201d its CEO said \u2014 and the company\u2019s "
    "losses\nwidened to $5\u00a0million in Q1\u20132024."
)


def not_in_source(briefing: Briefing, folder: Path) -> list[str]:
    """What the validator says is not in SOURCE, with SOURCE as the briefing's article."""
    (folder / briefing.source.file).write_bytes(SOURCE.encode("utf-8"))
    checked = check_loaded(Loaded(folder / "acme.yaml", briefing), SourceCache())
    return [p.message for p in checked.problems if p.code == "not-in-source"]


def briefing_quoting(*evidence: str, quote: str = "will recover,") -> Briefing:
    return Briefing(
        format="briefing/1",
        id="acme",
        title="Acme",
        source=Source("Acme", "acme.txt"),
        headline_facts=tuple(HeadlineFact("f", "v", evidence=e) for e in evidence),
        loss_drivers=(),
        ceo_quote=CeoQuote(quote, "Jane"),
        open_questions=(),
    )


@pytest.mark.parametrize(
    "excerpt",
    [
        "the company\u2019s losses widened",  # same typography
        "the company's losses widened",  # ASCII apostrophe
        "the company's   losses\n  widened",  # other whitespace and line breaks
        '"will recover," its CEO said - and',  # ASCII quotes and hyphen for an em dash
        "$5 million in Q1-2024.",  # NBSP and en dash
    ],
)
def test_matcher_forgives_whitespace_quotes_and_dashes(excerpt: str, tmp_path: Path) -> None:
    assert not_in_source(briefing_quoting(excerpt), tmp_path) == []


@pytest.mark.parametrize(
    "excerpt",
    [
        "the company's losses grew",  # a changed word
        "The company's losses widened",  # a changed case
        "the companys losses widened",  # a dropped apostrophe
        "$5 million in Q1 2024.",  # a dropped dash
        "$6 million",  # a changed figure
    ],
)
def test_matcher_does_not_forgive_changed_words_or_case(excerpt: str, tmp_path: Path) -> None:
    assert not_in_source(briefing_quoting(excerpt), tmp_path) == [
        f"headline_facts[0].evidence is not in the source article: \u201c{excerpt}\u201d"
    ]


def test_matcher_checks_the_ceo_quote_too(tmp_path: Path) -> None:
    assert not_in_source(briefing_quoting(quote="We will win."), tmp_path) == [
        "ceo_quote.text is not in the source article: \u201cWe will win.\u201d"
    ]


def test_matcher_names_each_missing_excerpt_by_its_place(tmp_path: Path) -> None:
    briefing = briefing_quoting("widened to", "shrank to", "its CEO said", "its CFO said")
    assert [m.split(" is not ")[0] for m in not_in_source(briefing, tmp_path)] == [
        "headline_facts[1].evidence",
        "headline_facts[3].evidence",
    ]


def test_normalize_is_what_the_matcher_compares() -> None:
    assert normalize("  \u201cA\u201d \u2013\n\u2018b\u2019\u00a0 ") == "\"A\" - 'b'"
