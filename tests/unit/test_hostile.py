"""Hostile files: one small file per attack in tests/hostile/, each pinned to what a user sees.

Every file is loaded under both YAML parsers, and the table below holds the exact lines
the reader and `briefing validate` print for it. Where libyaml and PyYAML word a message
differently, both wordings are pinned. Cases that need a big or special file (over 1 MiB,
3,000 files, a broken symlink, an unreadable file) are made in a temporary folder.
"""

from __future__ import annotations

import codecs
import dataclasses
import os
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest

from briefing_reader.loading import Loaded, discover, load_file
from briefing_reader.loading.build import field_specs
from briefing_reader.loading.yamlsafe import LOADERS, MAX_BYTES
from briefing_reader.model import Briefing
from tests.conftest import HOSTILE, ROOT

H = "tests/hostile/"


def per_loader(*, c: str, pure: str) -> dict[str, str]:
    """A line libyaml (``c``) and PyYAML's pure parser word differently."""
    return {"c": c, "pure": pure}


Line = str | dict[str, str]

# Each file, and every line it prints, in order. Empty: it loads clean.
EXPECTED: dict[str, list[Line]] = {
    "syntax-error.yaml": [
        per_loader(
            c=f"{H}syntax-error.yaml:5:7: error: YAML syntax: did not find expected ',' or ']' "
            "(while parsing a flow sequence)",
            pure=f"{H}syntax-error.yaml:5:7: error: YAML syntax: expected ',' or ']', "
            "but got ':' (while parsing a flow sequence)",
        )
    ],
    # 0 bytes: the one case with no room for a comment (a comment-only file reads the same).
    "empty.yaml": [f"{H}empty.yaml:1:1: error: file is empty; a briefing is a YAML mapping"],
    "bare-scalar.yaml": [
        f"{H}bare-scalar.yaml:2:1: error: a briefing is a mapping of keys, not text"
    ],
    "top-level-list.yaml": [
        f"{H}top-level-list.yaml:2:1: error: a briefing is a mapping of keys, not a list"
    ],
    "two-documents.yaml": [
        f"{H}two-documents.yaml:4:1: error: more than one YAML document; "
        "put one briefing in each file"
    ],
    "invalid-utf8.yaml": [
        f"{H}invalid-utf8.yaml:3:11: error: invalid UTF-8 byte 0xe9; save the file as UTF-8"
    ],
    "utf8-bom.yaml": [],
    "utf16-bom.yaml": [
        f"{H}utf16-bom.yaml:1:1: error: file looks like UTF-16 or UTF-32; save it as UTF-8"
    ],
    "nul-byte.yaml": [f"{H}nul-byte.yaml:3:12: error: NUL byte in file; briefings are text"],
    "anchor.yaml": [f"{H}anchor.yaml:10:12: error: anchors (&name) are not allowed in briefings"],
    "alias.yaml": [f"{H}alias.yaml:16:12: error: aliases (*name) are not allowed in briefings"],
    # Refused at the first anchor, before a single alias could be expanded.
    "alias-bomb.yaml": [
        f"{H}alias-bomb.yaml:2:4: error: anchors (&name) are not allowed in briefings"
    ],
    "deep-nesting.yaml": [
        per_loader(
            # libyaml stops at its own limit of 1000 flow levels, at the 1000th '['.
            c=f"{H}deep-nesting.yaml:3:1006: error: YAML syntax: exceeded maximum nesting "
            "depth (while increasing flow level)",
            pure=f"{H}deep-nesting.yaml:3:22: error: nesting deeper than 16 levels; "
            "briefings need only a few",
        )
    ],
    "duplicate-key.yaml": [
        f"{H}duplicate-key.yaml:17:1: error: duplicate key 'title' (first defined on line 4)"
    ],
    "python-object.yaml": [
        f"{H}python-object.yaml:10:12: error: explicit tags such as "
        "'tag:yaml.org,2002:python/object/apply:os.system' are not allowed"
    ],
    "binary-tag.yaml": [
        f"{H}binary-tag.yaml:10:12: error: explicit tags such as 'tag:yaml.org,2002:binary' "
        "are not allowed"
    ],
    "set-tag.yaml": [
        f"{H}set-tag.yaml:17:7: error: explicit tags such as 'tag:yaml.org,2002:set' "
        "are not allowed"
    ],
    "custom-tag.yaml": [
        f"{H}custom-tag.yaml:15:9: error: explicit tags such as '!quote' are not allowed"
    ],
    "yaml11-scalars.yaml": [],
    # The second item's `note: null` was written on purpose: no warning for it.
    "flow-comma.yaml": [
        f"{H}flow-comma.yaml:9:30: warning: '$1,200' was split at the comma inside {{ }}; "
        "quote the value",
        f"{H}flow-comma.yaml:9:30: error: unknown key 'headline_facts[0].200'",
    ],
    "markup.yaml": [],
    "escapes.yaml": [],
}

# Files whose briefing still opens (alone or beside its problems); every other file opens
# as an error entry with no briefing.
OPENS = {"utf8-bom.yaml", "yaml11-scalars.yaml", "flow-comma.yaml", "markup.yaml", "escapes.yaml"}


@pytest.fixture(params=sorted(LOADERS))
def loader(request: pytest.FixtureRequest) -> str:
    """Each available YAML parser: "c" (libyaml) and "pure" (PyYAML's own)."""
    return request.param


def load(name: str, loader: str) -> Loaded:
    """As tests/conftest.py's ``load``: named by the repo-relative path, under one parser."""
    path = HOSTILE / name
    return load_file(path, display=path.relative_to(ROOT).as_posix(), loader_name=loader)


def messages(loaded: Loaded) -> list[str]:
    return [str(p) for p in loaded.problems]


def expected_lines(name: str, loader: str) -> list[str]:
    return [line if isinstance(line, str) else line[loader] for line in EXPECTED[name]]


def texts(obj: object, path: str = "") -> Iterator[tuple[str, str]]:
    """Every (field path, text) in a briefing, e.g. ('headline_facts[0].label', 'Net loss')."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            yield from texts(getattr(obj, f.name), f"{path}.{f.name}" if path else f.name)
    elif isinstance(obj, tuple):
        for index, value in enumerate(obj):
            yield from texts(value, f"{path}[{index}]")
    elif isinstance(obj, str):
        yield path, obj


def text_fields(cls: type, path: str = "") -> Iterator[str]:
    """The path of every text field of the model, with one item per list."""
    for spec in field_specs(cls):
        where = f"{path}.{spec.name}" if path else spec.name
        if spec.name == "date":
            continue  # must match YYYY-MM-DD, so it can hold neither markup nor escapes
        if spec.kind == "text":
            yield where
        elif spec.kind == "object":
            yield from text_fields(spec.target, where)
        elif spec.target is str:
            yield f"{where}[0]"
        else:
            yield from text_fields(spec.target, f"{where}[0]")


# --- The folder and its table ----------------------------------------------------------------


def test_every_hostile_file_has_its_expected_lines() -> None:
    on_disk = sorted(p.name for p in HOSTILE.iterdir() if not p.name.startswith("."))
    assert on_disk == sorted(EXPECTED)
    assert set(EXPECTED) >= OPENS


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_hostile_file_is_small_and_says_what_it_tests(name: str) -> None:
    data = (HOSTILE / name).read_bytes()
    assert len(data) <= 4096
    if name == "empty.yaml":
        assert data == b""
        return
    if data.startswith(codecs.BOM_UTF16_LE):
        first = data.decode("utf-16").splitlines()[0]
    else:
        first = data.removeprefix(codecs.BOM_UTF8).split(b"\n")[0].decode("utf-8")
    assert first.startswith("# ") and len(first) > 12, first


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_hostile_file_prints_exactly_its_lines(name: str, loader: str) -> None:
    loaded = load(name, loader)
    assert messages(loaded) == expected_lines(name, loader)
    if name in OPENS:
        assert loaded.briefing is not None
    else:
        assert loaded.briefing is None  # shown as an error entry naming file, line and column


# --- What reaches the reader from the files that open ----------------------------------------


def test_utf8_bom_file_loads_clean(loader: str) -> None:
    loaded = load("utf8-bom.yaml", loader)
    assert loaded.ok
    briefing = loaded.strict()
    assert briefing.format == "briefing/1"  # the BOM is not part of the first key
    assert briefing.title == "Acme loses money"


def test_yaml11_scalars_stay_text_as_written(loader: str) -> None:
    briefing = load("yaml11-scalars.yaml", loader).strict()
    fact = briefing.headline_facts[0]
    assert (fact.label, fact.value) == ("on", "no")  # not True / False
    driver = briefing.loss_drivers[0]
    # Not 10 (YAML 1.1 octal) and 45000 (sexagesimal seconds).
    assert (driver.title, driver.detail) == ("012", "12:30:00")
    assert briefing.ceo_quote is not None
    assert briefing.ceo_quote.speaker == "1.10"  # not 1.1
    assert briefing.open_questions[0].question == "2024-12-31"  # not a date
    assert (briefing.subject, briefing.period) == ("no", "2024-12-31")
    assert briefing.tags == ("no", "on", "012", "12:30:00", "1.10", "2024-12-31")


def test_flow_comma_keeps_the_half_that_was_read(loader: str) -> None:
    briefing = load("flow-comma.yaml", loader).briefing
    assert briefing is not None
    assert [(f.label, f.value, f.note) for f in briefing.headline_facts] == [
        ("Price", "$1", None),
        ("Net loss", "$5 million", None),
    ]


MARKUP = {
    "format": "briefing/1",
    "id": "markup",
    "title": "[@click=app.quit]Quit[/] [bold]not bold[/bold] Revenue [Q3] [sic]",
    "source.title": "[i]Acme[/i] article",
    "source.file": "[dim]sources/acme.txt[/dim]",
    "source.url": "[link=https://evil.example]https://example.com[/link]",
    "headline_facts[0].label": "[@click=app.quit]click me[/]",
    "headline_facts[0].value": "[b]$1[/b]",
    "headline_facts[0].note": "Revenue [Q3] rose [sic]",
    "headline_facts[0].evidence": "[reverse]lost $5 million[/reverse]",
    "loss_drivers[0].title": "[blink]Costs[/blink]",
    "loss_drivers[0].detail": "[@click=screen.dismiss]Costs[/] rose.",
    "loss_drivers[0].evidence": "[#ff0000]red[/]",
    "ceo_quote.text": "[blink]Trust me[/blink]",
    "ceo_quote.speaker": "$accent",
    "ceo_quote.role": "[u]CEO[/u]",
    "open_questions[0].question": "What about [Q4]?",
    "open_questions[0].why": "[strike]Because[/strike]",
    "open_questions[0].evidence": "[@click=app.toggle_dark]x[/]",
    "subject": "[red]Acme[/red] :smile:",
    "period": "[/]",
    "dateline": "[$accent]Austin[/]",
    "summary": "[link=https://evil.example]click[/link] \\[escaped] [on red]x[/on red]",
    "tags[0]": "[b]",
    "tags[1]": "[@click=app.bell]",
    "tags[2]": ":warning:",
}


def test_markup_in_every_text_field_is_kept_exactly_as_typed(loader: str) -> None:
    loaded = load("markup.yaml", loader)
    assert loaded.ok
    values = dict(texts(loaded.strict()))
    assert values == MARKUP
    # Every text field of the model is covered (format and id cannot hold markup).
    assert set(text_fields(Briefing)) <= set(values)


# Each escape comes out as a visible stand-in: C0 controls as their control pictures
# (ESC as \u241b, BEL as \u2407, NUL as \u2400, BS as \u2408, DEL as \u2421), C1, bidi,
# zero-width, BOM and tag characters as U+FFFD; a tab is a space; in multi-line fields
# U+2028 is a line break and a lone CR is dropped.
ESCAPES = {
    "format": "briefing/1",
    "id": "escapes",
    "title": "Clipboard \u241b]52;c;SGVsbG8=\u2407 set",
    "source.title": "Hyperlink \u241b]8;;https://evil.example\u241b\\osc8\u241b]8;;\u241b\\",
    "source.file": "sources/\u241b[31macme.txt",
    "source.url": "https://example.com/\ufffd",
    "headline_facts[0].label": "Red \u241b[31m label",
    "headline_facts[0].value": "\ufffd2J",
    "headline_facts[0].note": "Next line \ufffd and\n separator",
    "headline_facts[0].evidence": "Isolate \ufffdx\ufffd and \ufffd joiner",
    "loss_drivers[0].title": "BOM \ufffd inside",
    "loss_drivers[0].detail": "Tab and NUL \u2400 and ESC \u241b",
    "loss_drivers[0].evidence": "Tag \ufffd character",
    "ceo_quote.text": "Reset \u241bc terminal",
    "ceo_quote.speaker": "Jane \ufffdeoD",
    "ceo_quote.role": "C\ufffdEO",
    "open_questions[0].question": "Bell \u2407?",
    "open_questions[0].why": "Backspace \u2408\u2408\u2408 hides",
    "open_questions[0].evidence": "CR  overwrites",
    "subject": "Title \u241b]0;pwned\u2407 bar",
    "period": "Clear \u241b[2J screen",
    "dateline": "C1 \ufffd31m CSI",
    "summary": "Bidi \ufffdevil\ufffd override",
    "tags[0]": "zero\ufffdwidth",
    "tags[1]": "bell\u2407",
    "tags[2]": "del\u2421",
}


def test_escapes_reach_the_reader_as_visible_placeholders(loader: str) -> None:
    loaded = load("escapes.yaml", loader)
    assert loaded.ok
    values = dict(texts(loaded.strict()))
    assert values == ESCAPES
    assert set(text_fields(Briefing)) <= set(values)
    for where, text in values.items():
        for char in text:
            category = unicodedata.category(char)
            # No raw control, format (bidi, zero-width), surrogate or separator character.
            assert category not in ("Cc", "Cf", "Cs", "Zl", "Zp") or char == "\n", (where, char)
        # What stands in for them is visible: printable once line breaks are set aside.
        assert text.replace("\n", "").isprintable(), where


# --- Files made on the spot ------------------------------------------------------------------

SMALL = """\
# Briefing {n} of many.
format: briefing/1
id: item-{n}
title: Item {n}
source: {{title: Article {n}, file: sources/{n}.txt}}
headline_facts: []
loss_drivers: []
ceo_quote: null
open_questions: []
"""


def test_file_over_one_mib_is_refused_with_its_size(tmp_path: Path, loader: str) -> None:
    path = tmp_path / "big.yaml"
    body = SMALL.format(n=1).encode()
    path.write_bytes(body + b"#" * (MAX_BYTES + 1 - len(body)))  # valid YAML, 1 byte too many
    loaded = load_file(path, display=f"{H}big.yaml", loader_name=loader)
    assert messages(loaded) == [
        f"{H}big.yaml: error: file is 1,048,577 bytes; briefings are limited to 1,048,576 bytes"
    ]
    assert loaded.briefing is None


def test_folder_of_3000_files_is_found_and_loaded_whole(tmp_path: Path) -> None:
    for n in range(3000):
        folder = tmp_path / f"batch-{n // 500}"  # a few subfolders, as a real archive has
        folder.mkdir(exist_ok=True)
        (folder / f"item-{n:04}.yaml").write_text(SMALL.format(n=n), encoding="utf-8")
    found = discover([tmp_path])
    assert len(found) == 3000
    outcomes = [load_file(path) for path in found]
    assert len(outcomes) == 3000
    assert [o for o in outcomes if not o.ok] == []
    assert len({o.strict().id for o in outcomes}) == 3000


def test_broken_symlink_is_listed_and_named_as_missing(tmp_path: Path) -> None:
    link = tmp_path / "gone.yaml"
    link.symlink_to(tmp_path / "deleted.yaml")
    assert discover([tmp_path]) == [link]  # listed, so the user sees why it did not open
    loaded = load_file(link, display=f"{H}gone.yaml")
    assert messages(loaded) == [f"{H}gone.yaml: error: cannot read file: No such file or directory"]
    assert loaded.briefing is None


@pytest.mark.skipif(
    hasattr(os, "geteuid") and os.geteuid() == 0,
    reason="running as root: chmod 000 does not stop root from reading the file",
)
def test_unreadable_file_is_named_with_the_reason(tmp_path: Path) -> None:
    path = tmp_path / "secret.yaml"
    path.write_text(SMALL.format(n=1), encoding="utf-8")
    path.chmod(0)
    try:
        loaded = load_file(path, display=f"{H}secret.yaml")
    finally:
        path.chmod(0o600)
    assert messages(loaded) == [f"{H}secret.yaml: error: cannot read file: Permission denied"]
    assert loaded.briefing is None
