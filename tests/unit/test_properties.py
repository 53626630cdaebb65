"""Properties of the loader that no input can break, checked with Hypothesis.

- Any bytes at all, under either YAML parser, end in a :class:`Loaded` whose problems
  are located one-line messages, and whatever text reaches the reader is inert.
- Any YAML-shaped tree, dumped block or flow style, loads the same under both parsers.
- Every valid briefing survives ``dump_briefing`` then ``load_text`` unchanged.

Example counts are modest so the file runs in seconds; a failure prints the input.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from briefing_reader.loading import Loaded, load_file, load_text
from briefing_reader.loading.build import field_specs
from briefing_reader.loading.dump import dump_briefing
from briefing_reader.loading.load import load_bytes
from briefing_reader.loading.yamlsafe import LOADERS, MAX_DEPTH
from briefing_reader.model import FORMAT, Briefing, CeoQuote, HeadlineFact, Source
from briefing_reader.text import clean
from tests.conftest import BUNDLED, strings

NAME = "briefings/prop.yaml"
PATH = Path(NAME)

# The autouse environment fixture only sets variables; sharing it across examples is fine.
SHARED_FIXTURES = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]


def props(examples: int) -> settings:
    return settings(max_examples=examples, deadline=None, suppress_health_check=SHARED_FIXTURES)


# What the loader promises never reaches the reader: controls (C0, DEL, C1), lone surrogates,
# line/paragraph separators, bidi controls and zero-width characters. (Other unprintable
# characters, such as private-use or unassigned code points, are shown as they are.)
UNSAFE_CATEGORIES = ("Cc", "Cs", "Zl", "Zp")
INVISIBLE = set(
    "\u061c\u180e\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff"
)


def unsafe(text: str, *, newline_ok: bool = False) -> list[str]:
    """The characters of ``text`` that would act on a terminal or hide text, as hex."""
    return [
        hex(ord(ch))
        for ch in text
        if not (newline_ok and ch == "\n")
        and (unicodedata.category(ch) in UNSAFE_CATEGORIES or ch in INVISIBLE)
    ]


def assert_sound(loaded: Loaded) -> None:
    """What a user sees is sane: one located line per problem, and only inert text."""
    assert isinstance(loaded, Loaded)
    for problem in loaded.problems:
        line = str(problem)
        assert "\n" not in line and unsafe(line) == [], line
        assert problem.line is not None and problem.line >= 1, line
        assert problem.column is not None and problem.column >= 1, line
        assert line.startswith(f"{NAME}:{problem.line}:{problem.column}: {problem.severity}: ")
        assert problem.message == problem.message.strip() != "", line
    if loaded.briefing is not None:
        assert loaded.briefing.format == FORMAT
        for where, text in strings(loaded.briefing):
            assert unsafe(text, newline_ok=True) == [], (where, text)
            assert clean(text, multiline=True) == text, (where, text)  # nothing left to clean
    else:
        assert loaded.errors  # nothing to show is always explained


# --- (a) Arbitrary bytes ----------------------------------------------------------------------

BASE = b"""\
format: briefing/1
id: acme-q1
title: Acme loses money
source:
  title: Acme article
  file: sources/acme.txt
headline_facts:
  - {label: Net loss, value: $5 million}
loss_drivers:
  - title: Costs
    detail: |
      Costs rose.
ceo_quote:
  text: "We will recover."
  speaker: 'Jane Doe'
open_questions: []
tags: [a, b]
"""

# Pieces of YAML syntax, encodings and hostile bytes that random bytes would rarely hit.
FRAGMENTS = [
    *(b"format: briefing/1\n", b"id: x\n", b"title: ", b"source:\n", b"headline_facts:\n"),
    *(b"- ", b": ", b"? ", b", ", b"{", b"}", b"[", b"]", b"\n", b"  ", b"    ", b"\t", b"#"),
    *(b'"', b"'", b"\\", b"\\e", b"\\x9b", b"\\u202e", b"\\U0001F600", b"\\ud800", b"|", b">-"),
    *(b"&a ", b"*a", b"<<: ", b"!!binary ", b"!!python/object/apply:os.system ", b"!x ", b"!"),
    *(b"---\n", b"...\n", b"%YAML 1.1\n", b"%TAG ! tag:x,2024:\n", b"\r\n", b"\r", b"~", b"null"),
    *(b"no", b"012", b"12:30:00", b"2024-12-31", b"$1,200", b"[bold]", b"[@click=app.quit]"),
    *(b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00", b"\xff", b"\xc3", b"\xe2\x80"),
    *(b"\xc2\x85", b"\xe2\x80\xa8", b"\xc2\x9b", b"\xe2\x80\xae", b"\xe2\x80\x8b", b"\x1b[2J"),
    *(b"\x1b]52;c;SGVsbG8=\x07", b"\x7f", b"\xf0\x9f\x98\x80", b"\xed\xa0\x80", b"\xef\xbf\xbe"),
]
fragment = st.sampled_from(FRAGMENTS) | st.binary(min_size=1, max_size=3)
yamlish_bytes = st.lists(fragment, max_size=40).map(b"".join)


@st.composite
def mutated_briefings(draw: st.DrawFn) -> bytes:
    """The valid BASE with a few fragments inserted or bytes cut: near-misses reach deep."""
    data = BASE
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        if draw(st.booleans()):
            data = data[:at] + draw(fragment) + data[at:]
        else:
            data = data[:at] + data[at + draw(st.integers(1, 8)) :]
    return data


any_bytes = st.binary(max_size=300) | yamlish_bytes | mutated_briefings()


def test_base_of_the_mutations_is_a_valid_briefing() -> None:
    for loader in LOADERS:
        loaded = load_bytes(BASE, PATH, loader_name=loader)
        assert [str(p) for p in loaded.problems] == []
        assert loaded.strict().headline_facts == (HeadlineFact("Net loss", "$5 million"),)


@props(1000)
@given(any_bytes)
@example(b"\xef\xbb\xbf\xef\xbb\xbf")  # a BOM after the BOM
@example(b"\xef\xbb\xbf\x00")
@example(b"a: \xed\xa0\x80")  # a UTF-8-encoded surrogate
@example(b"- \x1b]52;c;SGVsbG8=\x07")
@example(b"\r")
def test_any_bytes_end_in_located_problems_under_both_loaders(data: bytes) -> None:
    # (The parsers do not always agree on such input: PyYAML's pure one refuses a tab after
    # a plain scalar that libyaml accepts. Each must still end in a sound outcome.)
    for loader in sorted(LOADERS):
        loaded = load_bytes(data, PATH, loader_name=loader)
        assert loaded.path == PATH
        assert_sound(loaded)


# --- (b) YAML-shaped trees --------------------------------------------------------------------

TRICKY_TEXT = [
    *("", " ", "no", "yes", "on", "off", "~", "null", "Null", "012", "0x1F", "1_000", "1e3"),
    *("12:30:00", "1.10", ".inf", ".nan", "2024-12-31", "- a", "a: b", "#x", "x #y", "$1,200"),
    *("[bold]x[/]", "[@click=app.quit]", "{a, b}", "&a", "*a", "!!binary", "'", '"', "\\"),
    *("\u202e", "\u200b", "\x1b[2J", "\x1b]0;title\x07", "\x9b", "\t", "\n", "\r\n", "\u2028"),
    *("\x85", "\ufeff", "\x00", "\x7f", "\ue000", "\ufffe", "\U000e0041", "<<", "? x"),
    *("caf\u00e9", "\U0001f600"),
]
raw_text = (
    st.text(max_size=30)
    | st.sampled_from(TRICKY_TEXT)
    | st.lists(st.sampled_from(TRICKY_TEXT) | st.text(max_size=3), max_size=6).map("".join)
)
FIELD_NAMES = sorted({s.name for cls in (Briefing, Source, CeoQuote) for s in field_specs(cls)})
keys = st.sampled_from(FIELD_NAMES) | raw_text
scalars = st.none() | st.booleans() | st.integers() | st.floats() | raw_text
trees = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=5),
    max_leaves=25,
)
# A mapping with the right format and any of the briefing's keys, so the model's checks run.
briefing_trees = st.fixed_dictionaries(
    {"format": st.just(FORMAT)},
    optional={s.name: trees for s in field_specs(Briefing) if s.name != "format"},
)
EMITTER_MISREAD = [{" ": None, "\x85": None}]  # PyYAML writes "? '\x85    '": reads as " "


def depth(tree: object) -> int:
    """How many collections are nested along the deepest path (a scalar is 0)."""
    if isinstance(tree, dict):
        return 1 + max(map(depth, tree.values()), default=0)
    if isinstance(tree, list):
        return 1 + max(map(depth, tree), default=0)
    return 0


def render(tree: object, flow: bool, unicode: bool) -> str:
    return yaml.safe_dump(tree, sort_keys=False, default_flow_style=flow, allow_unicode=unicode)


@props(300)
@given(trees | briefing_trees, st.booleans(), st.booleans())
@example(tree=EMITTER_MISREAD, flow=False, unicode=True)
@example(tree={"format": FORMAT, "ceo_quote": None, "dateline": None}, flow=True, unicode=False)
def test_any_yaml_tree_loads_the_same_under_both_loaders(
    tree: Any, flow: bool, unicode: bool
) -> None:
    text = render(tree, flow, unicode)
    outcomes = [load_text(text, PATH, loader_name=loader) for loader in sorted(LOADERS)]
    for loaded in outcomes:
        assert_sound(loaded)
    first = outcomes[0]
    # The emitter quotes any value with a comma in flow style: nothing was split at a comma
    # (a written `null` after a value once drew that warning).
    assert "flow-comma" not in [p.code for p in first.problems]
    # Well-formed YAML leaves the parsers nothing to word differently.
    for other in outcomes[1:]:
        assert [str(p) for p in other.problems] == [str(p) for p in first.problems]
        assert other.briefing == first.briefing
    try:
        misread = yaml.safe_load(text) != tree
    except yaml.YAMLError:  # e.g. a key '<<' written plain reads as a merge key
        misread = True
    if misread:
        # PyYAML's emitter wrote something that reads back otherwise (U+0085 in a quoted key
        # folds to a space, say; NaN is never equal): sound, as checked, but no shape to expect.
        return
    if depth(tree) > MAX_DEPTH:
        assert [p.code for p in first.problems] == ["too-deep"]
    elif not isinstance(tree, dict):
        kind = "a list" if isinstance(tree, list) else "text" if tree is not None else "empty"
        assert [p.message for p in first.problems] == [
            f"a briefing is a mapping of keys, not {kind}"
        ]
    elif tree.get("format") == FORMAT:
        # A briefing with wrong parts still opens, with its errors listed.
        assert first.briefing is not None


# --- (c) Valid briefings round-trip -----------------------------------------------------------

single_line = raw_text.map(clean)
multi_line = raw_text.map(lambda text: clean(text, multiline=True))
LETTER = st.characters(categories=("L",))


def model_values(cls: type) -> st.SearchStrategy[Any]:
    """Valid instances of a model dataclass, derived from the same specs the loader checks."""
    fields: dict[str, st.SearchStrategy[Any]] = {}
    for spec in field_specs(cls):
        strategy: st.SearchStrategy[Any]
        if spec.const is not None:
            strategy = st.just(spec.const)
        elif spec.pattern is not None:
            strategy = st.from_regex(spec.pattern[0], fullmatch=True)
        elif spec.kind == "text":
            strategy = multi_line if spec.multiline else single_line
            if spec.required:  # non-empty by construction: text that starts with a visible letter
                strategy = st.tuples(LETTER, strategy).map("".join)
        elif spec.kind == "object":
            strategy = model_values(spec.target)
        else:
            # An item of a list of text (a tag) is never empty, as required text is not.
            tag = st.tuples(LETTER, single_line).map("".join)
            element = tag if spec.target is str else model_values(spec.target)
            strategy = st.lists(element, max_size=3).map(tuple)
        if spec.nullable:
            strategy = st.none() | strategy
        fields[spec.name] = strategy
    return st.builds(cls, **fields)


def assert_clean_form(obj: Any) -> None:
    """Every text of a model instance is what ``clean`` returns for it unchanged."""
    for spec in field_specs(type(obj)):
        value = getattr(obj, spec.name)
        if value is None:
            continue
        if spec.kind == "text":
            assert clean(value, multiline=spec.multiline) == value, (spec.name, value)
        elif spec.kind == "object":
            assert_clean_form(value)
        elif spec.target is str:
            assert all(clean(item) == item for item in value), (spec.name, value)
        else:
            for item in value:
                assert_clean_form(item)


@props(500)
@given(raw_text)
def test_clean_is_idempotent(text: str) -> None:
    """Clean text is a fixed point: what the reader shows, reloaded, shows the same."""
    for multiline in (False, True):
        once = clean(text, multiline=multiline)
        assert clean(once, multiline=multiline) == once


@props(250)
@given(model_values(Briefing))
def test_every_valid_briefing_round_trips(briefing: Briefing) -> None:
    assert_clean_form(briefing)  # the text is already what the loader would make of it
    text = dump_briefing(briefing)
    for loader in sorted(LOADERS):
        loaded = load_text(text, PATH, loader_name=loader)
        assert [str(p) for p in loaded.problems] == [], text
        assert loaded.briefing == briefing, text


# --- dump_briefing on real briefings ----------------------------------------------------------


def test_dump_of_the_bundled_briefing_loads_back_equal() -> None:
    original = load_file(BUNDLED).strict()
    text = dump_briefing(original)
    for loader in sorted(LOADERS):
        loaded = load_text(text, PATH, loader_name=loader)
        assert [str(p) for p in loaded.problems] == []
        assert loaded.briefing == original
    assert dump_briefing(load_text(text, PATH).strict()) == text  # stable


def test_dump_quotes_every_string_in_model_order() -> None:
    briefing = Briefing(
        format=FORMAT,
        id="acme",
        title="no",
        source=Source("Acme [bold]news[/]", "a.txt"),
        headline_facts=(HeadlineFact("Net loss", "$1,200", note='said "012"\nthen ~'),),
        loss_drivers=(),
        ceo_quote=None,
        open_questions=(),
        period="2024-12-31",
        tags=("on", "12:30:00"),
    )
    assert dump_briefing(briefing) == (
        'format: "briefing/1"\n'
        'id: "acme"\n'
        'title: "no"\n'
        "source:\n"
        '  title: "Acme [bold]news[/]"\n'
        '  file: "a.txt"\n'
        "headline_facts:\n"
        '  - label: "Net loss"\n'
        '    value: "$1,200"\n'
        '    note: "said \\"012\\"\\nthen ~"\n'
        "loss_drivers: []\n"
        "ceo_quote: null\n"
        "open_questions: []\n"
        'period: "2024-12-31"\n'
        "tags:\n"
        '  - "on"\n'
        '  - "12:30:00"\n'
    )
    assert load_text(dump_briefing(briefing), PATH).strict() == briefing


@pytest.mark.parametrize("text", ["\x7f", "\x85", "\u2028", "\ufeff", "\ufffe", "\U000e0041"])
def test_dump_escapes_what_yaml_would_refuse_or_fold(text: str) -> None:
    """Unprintable characters are written as escapes, so the file is plain printable text."""
    briefing = Briefing(FORMAT, "a", "t", Source("s", "f"), (), (), None, (), subject=text)
    dumped = dump_briefing(briefing)
    assert dumped.replace("\n", "").isprintable()
    for loader in sorted(LOADERS):
        assert load_text(dumped, PATH, loader_name=loader).strict().subject == clean(text)
