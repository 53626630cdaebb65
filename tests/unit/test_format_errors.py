"""A bad or missing `format` is reported, and the rest is still checked (issue 15).

Before, validation stopped at the format: a writer fixed it, ran `briefing validate` again
and only then learnt of the missing title. The briefing is still not opened (a file of
another format is not shown as if it were briefing/1), and the exit status is unchanged.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from briefing_reader import cli
from briefing_reader.loading import load_text
from tests.conftest import FIXTURES

NAME = "x.yaml"
# Line 2 is the format, line 4 the title (line 1 is a comment).
MINIMAL = (FIXTURES / "minimal.yaml").read_text(encoding="utf-8")
NO_TITLE = MINIMAL.replace("title: A briefing with nothing optional\n", "")


def messages(text: str) -> list[str]:
    return [str(p) for p in load_text(text, Path(NAME)).problems]


def test_a_wrong_format_and_a_missing_title_are_both_reported() -> None:
    text = NO_TITLE.replace("format: briefing/1", "format: 2")
    assert messages(text) == [
        f"{NAME}:2:1: error: title is required",
        f"{NAME}:2:9: error: unsupported format '2': this reader understands 'briefing/1'",
    ]
    assert load_text(text, Path(NAME)).briefing is None  # still not opened as briefing/1


def test_a_misspelt_format_key_is_reported_with_the_key_to_use() -> None:
    text = MINIMAL.replace("format: briefing/1", "fromat: briefing/1")
    assert messages(text) == [
        f"{NAME}:2:1: error: unknown key 'fromat'; did you mean 'format'?",
        f"{NAME}:2:1: error: format is required: add 'format: briefing/1' at the top",
    ]


def test_a_format_that_is_a_list_still_lets_the_rest_be_checked() -> None:
    text = NO_TITLE.replace("format: briefing/1", "format: [briefing/1]").replace(
        "id: minimal", "id: Not A Slug"
    )
    assert messages(text) == [
        f"{NAME}:2:1: error: title is required",
        f"{NAME}:2:9: error: format must be 'briefing/1', not a list",
        f"{NAME}:3:5: error: id 'Not A Slug' must be a slug: "
        "lower-case letters, digits and single hyphens",
    ]


def test_a_good_briefing_of_another_format_gets_the_format_error_alone() -> None:
    text = MINIMAL.replace("format: briefing/1", "format: briefing/2")
    assert messages(text) == [
        f"{NAME}:2:9: error: unsupported format 'briefing/2': this reader understands 'briefing/1'"
    ]


def test_a_document_that_is_not_a_mapping_gets_one_error() -> None:
    assert messages("- format: 2\n- title: x\n") == [
        f"{NAME}:1:1: error: a briefing is a mapping of keys, not a list"
    ]


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / NAME).write_text(NO_TITLE.replace("format: briefing/1", "format: 2"))
    return tmp_path


def test_validate_lists_both_with_lines_and_fails(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = cli.main(["validate", NAME])
    out = capsys.readouterr().out.splitlines()
    assert status == 1
    assert out == [
        f"{NAME}:2:1: error: title is required",
        f"{NAME}:2:9: error: unsupported format '2': this reader understands 'briefing/1'",
        "1 file, 2 errors, 0 warnings",
    ]


def test_validate_json_has_both_with_their_codes(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = cli.main(["validate", "--format", "json", NAME])
    problems = json.loads(capsys.readouterr().out)
    assert status == 1
    assert [(p["line"], p["column"], p["code"]) for p in problems] == [
        (2, 1, "required"),
        (2, 9, "format"),
    ]
