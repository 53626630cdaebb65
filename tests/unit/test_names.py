"""File and folder names are data: shown with visible placeholders, never acted on.

A name can hold anything but ``/`` and NUL: escape sequences that retitle the terminal
(OSC 0), set the clipboard (OSC 52), clear the screen or colour what follows, a newline
that would break a row or a message in two, a right-to-left override, and bytes that are
not UTF-8 (``os.fsdecode`` turns them into lone surrogates, which cannot even be written).
The other name tests (the list, the reader, the CLI, a real terminal) reuse these names.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest

from briefing_reader.checks.validate import check_file
from briefing_reader.loading import Loaded, Problem, load_file
from briefing_reader.output.json_out import json_document
from briefing_reader.output.markdown import render_markdown
from briefing_reader.output.text import OutputConsole, print_text, render_problems

# What the terminal would act on: these never leave the reader raw.
PAYLOADS = ("\x1b]0;pwned\x07", "\x1b]52;c;aGk=\x07", "\x1b[2J", "\x1b[31m")

# Each hostile name and how it is shown: the same placeholders as text (␛ ␇ ␊, U+FFFD).
NAMES = {
    "osc0-\x1b]0;pwned\x07.yaml": "osc0-\u241b]0;pwned\u2407.yaml",
    "osc52-\x1b]52;c;aGk=\x07.yaml": "osc52-\u241b]52;c;aGk=\u2407.yaml",
    "clear-\x1b[2J.yaml": "clear-\u241b[2J.yaml",
    "sgr-\x1b[31m.yaml": "sgr-\u241b[31m.yaml",
    "newline-\nx.yaml": "newline-\u240ax.yaml",
    "rtl-\u202elmth.yaml": "rtl-\ufffdlmth.yaml",
    os.fsdecode(b"bytes-\xff\xfe.yaml"): "bytes-\ufffd\ufffd.yaml",
}
# A folder's name reaches every path under it.
FOLDER = "dir-\x1b]0;pwned\x07"
FOLDER_SHOWN = "dir-\u241b]0;pwned\u2407"
BROKEN = "format: briefing/1\nid: [unclosed\n"


def unsafe(text: str) -> list[str]:
    """The characters in ``text`` a terminal would act on or that break a line."""
    return [
        f"U+{ord(ch):04X}"
        for ch in text
        if ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 or ch == "\u202e" or 0xD800 <= ord(ch) < 0xE000
    ]


def hostile_folder(root: Path) -> Path:
    """A folder holding a broken briefing under each hostile name, and one in a hostile folder."""
    root.mkdir(parents=True, exist_ok=True)
    for name in NAMES:
        (root / name).write_text(BROKEN)
    (root / FOLDER).mkdir()
    (root / FOLDER / "inner.yaml").write_text(BROKEN)
    return root


# --- the one function -----------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "shown"), [*NAMES.items(), (FOLDER, FOLDER_SHOWN)])
def test_clean_name_shows_each_hostile_name_with_placeholders(raw: str, shown: str) -> None:
    from briefing_reader.text import clean_name

    assert clean_name(raw) == shown
    assert clean_name(Path(raw)) == shown  # paths as well as strings
    # One character for one: offsets into the raw text (search highlights) still fit.
    assert len(clean_name(raw)) == len(raw)
    assert clean_name(shown) == shown  # cleaning twice changes nothing


def test_clean_name_keeps_ordinary_names_exactly() -> None:
    from briefing_reader.text import clean_name

    # Spaces are part of a name: nothing is stripped or folded, as clean() does for prose.
    for name in ("a.yaml", " two  spaces .yaml", "caf\u00e9 \u6f22\u5b57 \U0001f600.yaml"):
        assert clean_name(name) == name
    assert clean_name("tab\there") == "tab\u2409here"


# --- the loader and validate ------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "shown"), NAMES.items())
def test_loader_names_a_hostile_file_with_placeholders(
    tmp_path: Path, raw: str, shown: str
) -> None:
    path = tmp_path / raw
    path.write_text(BROKEN)
    for loaded in (load_file(path), check_file(path)):
        assert loaded.name == f"{tmp_path}/{shown}"
        (problem,) = loaded.problems
        line = str(problem)
        assert line.startswith(f"{tmp_path}/{shown}:3:1: error: ")
        assert not unsafe(line), line


def test_a_hostile_folder_name_is_shown_in_every_problem_under_it(tmp_path: Path) -> None:
    root = hostile_folder(tmp_path / "lib")
    loaded = check_file(root / FOLDER / "inner.yaml")
    assert str(loaded.problems[0]).startswith(f"{root}/{FOLDER_SHOWN}/inner.yaml:3:1: error:")


# --- show's and validate's writers, whoever built the Loaded -----------------------------------


def raw_named(tmp_path: Path) -> list[Loaded]:
    """Loaded entries whose names were never cleaned (as any caller may build them)."""
    entries = []
    for raw in NAMES:
        path = tmp_path / raw
        problem = Problem(str(path), 1, 1, "error", "unreadable", "cannot read file")
        entries.append(Loaded(path, None, (problem,), str(path)))
    return entries


def test_show_text_and_problems_never_write_a_raw_name(tmp_path: Path) -> None:
    entries = raw_named(tmp_path)
    out, err = io.StringIO(), io.StringIO()
    print_text(entries, OutputConsole(out, width=200), OutputConsole(err, width=200))
    for entry in entries:
        render_problems(entry, OutputConsole(err, width=200))
    written = out.getvalue() + err.getvalue()
    for payload in PAYLOADS:
        assert payload not in written
    for shown in NAMES.values():
        assert shown in out.getvalue()  # the rule naming each file, and its title
        assert f"{shown}:1:1: error: cannot read file" in err.getvalue()
    assert not unsafe(written.replace("\n", ""))


def test_show_markdown_and_json_never_write_a_raw_name(tmp_path: Path) -> None:
    entries = raw_named(tmp_path)
    markdown = "".join(render_markdown(entry) for entry in entries)
    assert not unsafe(markdown.replace("\n", ""))
    document = json_document(entries, single=False)
    document.encode("utf-8")  # lone surrogates would make this (and printing it) fail
    assert "\u202e" not in document
    paths = [entry["path"] for entry in json.loads(document)]
    assert paths == [f"{tmp_path}/{shown}" for shown in NAMES.values()]
