"""The index's rows, as a cold start's workers build them, against the full check (issue 14).

Indexing a library takes the quick route through the loader and the checks (the worker's
``_build_chunk``, excerpts only tested for being in their source). These tests hold it to
what it must not lose: every problem the full check (``check_file``, as `briefing validate`
runs it) finds is counted, the first is named alike, and the briefing's own fields are the
ones the full load reads. A table of planted problems holds the rows the index made before
its per-file cost was cut, so that a faster loader or check cannot drop or move one.
"""

# The table of rows below keeps each problem on one line, as the index writes it.
# ruff: noqa: E501

from __future__ import annotations

import os
from pathlib import Path

import pytest

from briefing_reader.checks.sources import SourceError, source_path
from briefing_reader.checks.validate import check_file
from briefing_reader.library import index as index_module
from briefing_reader.library.index import BRIEFING_FIELDS, Entry
from tests.conftest import BUNDLED

BASE = BUNDLED.read_text(encoding="utf-8")
ARTICLE_FILE = "sources/core-scientific-expansion.txt"
ARTICLE = (BUNDLED.parent / ARTICLE_FILE).read_text(encoding="utf-8")


def _replaced(old: str, new: str, count: int = 1) -> str:
    assert old in BASE, old
    return BASE.replace(old, new, count)


# One file per planted problem (or none), each a variation of the bundled briefing.
PLANTED: dict[str, str | bytes] = {
    "ok": BASE,
    "syntax": "title: [unclosed\n",
    "empty": "",
    "not-a-mapping": "- just\n- a list\n",
    "duplicate-key": _replaced("subject: Core Scientific\n", "subject: A\nsubject: B\n"),
    "unknown-key": _replaced("subject: Core Scientific\n", "subjct: Core Scientific\n"),
    "anchor": _replaced("period: Q4 2024", "period: &p Q4 2024"),
    "alias": _replaced("period: Q4 2024", "period: &p Q4 2024\nextra: *p"),
    "tag": _replaced("period: Q4 2024", "period: !!str Q4 2024"),
    "non-specific-tag": _replaced("period: Q4 2024", "period: ! 2024"),
    "complex-key": _replaced("period: Q4 2024", "? [a, b]\n: Q4 2024"),
    "too-deep": _replaced("period: Q4 2024", "period: " + "[" * 20 + "]" * 20),
    "multiple-documents": BASE + "---\nformat: briefing/1\n",
    "missing-title": _replaced(
        "title: Core Scientific doubles down on data centers after a $265 million Q4 loss\n",
        "",
    ),
    "no-format": _replaced("format: briefing/1\n", ""),
    "other-format": _replaced("format: briefing/1", "format: briefing/2"),
    "bad-id": _replaced("id: core-scientific-2024-q4", "id: Core Scientific!"),
    "number-id": _replaced("id: core-scientific-2024-q4", "id: 2024"),
    "title-a-list": _replaced(
        "title: Core Scientific doubles down on data centers after a $265 million Q4 loss",
        "title: [a, b]",
    ),
    "tags-a-mapping": _replaced(
        "tags: [bitcoin-mining, ai-infrastructure, data-centers, earnings]", "tags: {a: b}"
    ),
    "blank-tag": _replaced(
        "tags: [bitcoin-mining, ai-infrastructure, data-centers, earnings]", "tags: [a, '']"
    ),
    "flow-comma": _replaced(
        "tags: [bitcoin-mining, ai-infrastructure, data-centers, earnings]",
        "tags: [a]\nsource_note: {label: x, value: $1,200}",
    ),
    "evidence-not-in-source": _replaced(
        "evidence: Core Scientific emerged from bankruptcy in 2023",
        "evidence: Core Scientific emerged from bankruptcy in 2022",
    ),
    "all-evidence-wrong": BASE.replace("evidence: ", "evidence: Reportedly, "),
    "no-evidence": _replaced("    evidence: Core Scientific emerged from bankruptcy in 2023\n", ""),
    "draft": _replaced(
        "evidence: Core Scientific emerged from bankruptcy in 2023",
        "evidence: Core Scientific emerged from bankruptcy in 2023  # draft",
    ),
    "source-missing": _replaced(f"file: {ARTICLE_FILE}", "file: sources/nothing.txt"),
    "source-outside": _replaced(f"file: {ARTICLE_FILE}", "file: ../../etc/passwd"),
    "source-not-utf8": _replaced(f"file: {ARTICLE_FILE}", "file: sources/latin1.txt"),
    "no-source-file": _replaced(f"  file: {ARTICLE_FILE}\n", ""),
    "utf16": BASE.encode("utf-16"),
    "bad-utf8": BASE.encode("utf-8").replace(b"Austin", b"Aus\xfftin"),
    "nul": BASE.encode("utf-8").replace(b"Austin", b"Aus\x00tin"),
    "control-chars": _replaced("dateline: Austin, TX", 'dateline: "Austin\\e[31m, TX"'),
    "typographic-evidence": _replaced(
        "evidence: Core Scientific emerged from bankruptcy in 2023",
        "evidence: \u201cCore Scientific emerged from bankruptcy in 2023\u201d",
    ),
}


def planted_library(root: Path) -> Path:
    folder = root / "planted"
    (folder / "sources").mkdir(parents=True)
    (folder / ARTICLE_FILE).write_text(ARTICLE, encoding="utf-8")
    (folder / "sources" / "latin1.txt").write_bytes("caf\xe9".encode("latin-1"))
    for name, content in PLANTED.items():
        path = folder / f"{name}.yaml"
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return folder


def worker_rows(names: list[str]) -> list[Entry]:
    """The entries exactly as a cold start's worker builds and sends them."""
    jobs = [(name, index_module._stat(name)) for name in names]
    return [index_module._row_of(raw).entry for raw in index_module._build_chunk(jobs)]


@pytest.fixture
def planted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    folder = planted_library(tmp_path)
    monkeypatch.chdir(folder)
    monkeypatch.setattr(index_module, "_worker_sources", None)  # a fresh worker's articles
    return sorted(f"{name}.yaml" for name in PLANTED)


def _first(entry: Entry) -> tuple[int, int, str | None]:
    return entry.error_count, entry.warning_count, entry.first_problem


# The rows the index made before its per-file cost was cut (commit d9d62b1), by file.
BEFORE: dict[str, tuple[int, int, str | None]] = {
    "alias": (1, 0, "alias.yaml:5:9: error: anchors (&name) are not allowed in briefings"),
    "all-evidence-wrong": (
        14,
        0,
        'all-evidence-wrong.yaml:21:15: error: headline_facts[0].evidence is not in the source article: “Reportedly, "The $265 million net loss in Q4 2024 was attri…”',
    ),
    "anchor": (1, 0, "anchor.yaml:5:9: error: anchors (&name) are not allowed in briefings"),
    "bad-id": (
        1,
        0,
        "bad-id.yaml:2:5: error: id 'Core Scientific!' must be a slug: lower-case letters, digits and single hyphens",
    ),
    "bad-utf8": (
        1,
        0,
        "bad-utf8.yaml:6:14: error: invalid UTF-8 byte 0xff; save the file as UTF-8",
    ),
    "blank-tag": (1, 0, "blank-tag.yaml:12:11: error: tags[1] is empty"),
    "complex-key": (1, 0, "complex-key.yaml:5:3: error: mapping keys must be plain text"),
    "control-chars": (0, 0, None),
    "draft": (0, 0, None),
    "duplicate-key": (
        1,
        0,
        "duplicate-key.yaml:5:1: error: duplicate key 'subject' (first defined on line 4)",
    ),
    "empty": (1, 0, "empty.yaml:1:1: error: file is empty; a briefing is a YAML mapping"),
    "evidence-not-in-source": (
        1,
        0,
        "evidence-not-in-source.yaml:31:15: error: headline_facts[2].evidence is not in the source article: “Core Scientific emerged from bankruptcy in 2022”",
    ),
    "flow-comma": (
        1,
        1,
        "flow-comma.yaml:13:1: error: unknown key 'source_note'; did you mean 'source'?",
    ),
    "missing-title": (1, 0, "missing-title.yaml:1:1: error: title is required"),
    "multiple-documents": (
        1,
        0,
        "multiple-documents.yaml:106:1: error: more than one YAML document; put one briefing in each file",
    ),
    "no-evidence": (
        0,
        1,
        "no-evidence.yaml:28:5: warning: headline_facts[2] has no evidence from the source",
    ),
    "no-format": (
        1,
        0,
        "no-format.yaml:1:1: error: format is required: add 'format: briefing/1' at the top",
    ),
    "no-source-file": (1, 0, "no-source-file.yaml:14:3: error: source.file is required"),
    "non-specific-tag": (0, 0, None),
    "not-a-mapping": (
        1,
        0,
        "not-a-mapping.yaml:1:1: error: a briefing is a mapping of keys, not a list",
    ),
    "nul": (1, 0, "nul.yaml:6:14: error: NUL byte in file; briefings are text"),
    "number-id": (
        0,
        1,
        "number-id.yaml:2:5: warning: id 2024 is a number to editors and other YAML tools; quote it: '2024'",
    ),
    "ok": (0, 0, None),
    "other-format": (
        1,
        0,
        "other-format.yaml:1:9: error: unsupported format 'briefing/2': this reader understands 'briefing/1'",
    ),
    "source-missing": (
        1,
        0,
        "source-missing.yaml:15:9: error: source.file 'sources/nothing.txt' does not exist",
    ),
    "source-not-utf8": (
        1,
        0,
        "source-not-utf8.yaml:15:9: error: source.file 'sources/latin1.txt' is not UTF-8 text (byte 3)",
    ),
    "source-outside": (
        1,
        0,
        "source-outside.yaml:15:9: error: source.file '../../etc/passwd' must be a path inside the briefing's folder",
    ),
    "syntax": (
        1,
        0,
        "syntax.yaml:2:1: error: YAML syntax: did not find expected ',' or ']' (while parsing a flow sequence)",
    ),
    "tag": (
        1,
        0,
        "tag.yaml:5:9: error: explicit tags such as 'tag:yaml.org,2002:str' are not allowed",
    ),
    "tags-a-mapping": (1, 0, "tags-a-mapping.yaml:12:7: error: tags must be a list, not a mapping"),
    "title-a-list": (1, 0, "title-a-list.yaml:3:8: error: title must be text, not a list"),
    "too-deep": (
        1,
        0,
        "too-deep.yaml:5:24: error: nesting deeper than 16 levels; briefings need only a few",
    ),
    "typographic-evidence": (
        1,
        0,
        "typographic-evidence.yaml:31:15: error: headline_facts[2].evidence is not in the source article: ““Core Scientific emerged from bankruptcy in 2023””",
    ),
    "unknown-key": (
        1,
        0,
        "unknown-key.yaml:4:1: error: unknown key 'subjct'; did you mean 'subject'?",
    ),
    "utf16": (1, 0, "utf16.yaml:1:1: error: file looks like UTF-16 or UTF-32; save it as UTF-8"),
}


def test_planted_rows_are_as_the_index_made_them_before(planted: list[str]) -> None:
    rows = {entry.path.removesuffix(".yaml"): _first(entry) for entry in worker_rows(planted)}
    assert rows == BEFORE


# Every field of an entry but its first problem, which is compared on its own.
KEPT = ("path", "size", "mtime_ns", "error_count", "warning_count", "source", *BRIEFING_FIELDS)


def kept(entry: Entry) -> dict[str, object]:
    return {name: getattr(entry, name) for name in KEPT}


def expected_entry(name: str, stamp: tuple[int, int]) -> tuple[dict[str, object], str | None]:
    """What the full check (`briefing validate`'s) makes of ``name`` by the index's rule:
    errors before warnings, a file of another format summed up by that; and its first
    problem."""
    loaded = check_file(Path(name), display=name)
    errors = [p for p in loaded.problems if p.severity == "error"]
    warnings = [p for p in loaded.problems if p.severity == "warning"]
    errors.sort(key=lambda p: p.code != "format")
    first = errors[0] if errors else (warnings[0] if warnings else None)
    briefing = loaded.briefing
    source = None
    if briefing is not None:
        try:
            source = str(source_path(Path(name), briefing.source.file))
        except SourceError:
            source = None
    fields: dict[str, object] = {
        "path": name,
        "size": stamp[0],
        "mtime_ns": stamp[1],
        "error_count": len(errors),
        "warning_count": len(warnings),
        "source": source,
    }
    for field in BRIEFING_FIELDS:
        default = Entry._field_defaults[field]
        fields[field] = getattr(briefing, field) if briefing else default
    return fields, str(first) if first else None


def _same_problem(fast: str | None, full: str | None) -> bool:
    """The same problem: where the full check points inside a failing excerpt (its first
    differing word), the index points at the excerpt's start; the words are the same."""
    if fast is None or full is None or fast == full:
        return fast == full
    return " error: " in fast and fast.split(" error: ", 1)[1] == full.split(" error: ", 1)[1]


def assert_rows_agree(names: list[str]) -> None:
    for entry in worker_rows(names):
        fields, first = expected_entry(entry.path, (entry.size, entry.mtime_ns))
        assert _same_problem(entry.first_problem, first), entry.path
        assert kept(entry) == fields


def test_rows_agree_with_the_full_check_on_planted_problems(planted: list[str]) -> None:
    assert_rows_agree(planted)


def test_rows_agree_with_the_full_check_on_the_bundled_briefings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(BUNDLED.parent)
    assert_rows_agree(sorted(name for name in os.listdir() if name.endswith(".yaml")))


# Text mutations, several applied to one file: problems that meet in one briefing.
MUTATIONS = [
    ("evidence: ", "evidence: Reportedly, "),
    ("subject: Core Scientific", "subjct: Core Scientific"),
    ("period: Q4 2024", "period: 2024"),
    ("id: core-scientific-2024-q4", "id: 2024"),
    ("format: briefing/1", "format: briefing/2"),
    ("  - label: Q4 2024 net loss", "  - label: [Q4 2024 net loss]"),
    ("    value: $265 million", "    value: {a: $265,000}"),
    ("tags: [bitcoin-mining, ai-infrastructure,", "tags: [bitcoin-mining, '',"),
    ("source:\n", "source:\n  url: x\n"),
    ("    note: Blamed", "    notes: Blamed"),
    ("evidence: Core Scientific emerged", "evidence: Core  Scientific\u00a0emerged"),
    (f"file: {ARTICLE_FILE}", "file: sources/nothing.txt"),
]


def test_rows_agree_with_the_full_check_on_mixed_problems(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import random

    folder = planted_library(tmp_path)
    monkeypatch.chdir(folder)
    monkeypatch.setattr(index_module, "_worker_sources", None)
    rng = random.Random(14)
    names = []
    for number in range(60):
        text = BASE
        for old, new in rng.sample(MUTATIONS, rng.randint(1, 4)):
            text = text.replace(old, new, rng.choice([1, -1]))
        name = f"mixed-{number:02}.yaml"
        Path(name).write_text(text, encoding="utf-8")
        names.append(name)
    rows = worker_rows(names)
    assert sum(entry.error_count for entry in rows) > 60  # the mutations did plant problems
    assert_rows_agree(names)
