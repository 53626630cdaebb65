"""`briefing validate`: structure plus evidence against the source, as a linter reports it."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from briefing_reader import cli
from briefing_reader.checks.sources import MAX_SOURCE_BYTES
from briefing_reader.tui import make_app
from tests.conftest import BUNDLED, ROOT

SOURCE = ROOT / "briefings" / "sources" / "core-scientific-expansion.txt"


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the bundled briefing and its source, with paths shown relative to it."""
    (tmp_path / "sources").mkdir()
    shutil.copy(SOURCE, tmp_path / "sources" / SOURCE.name)
    shutil.copy(BUNDLED, tmp_path / "cs.yaml")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str]]:
    status = cli.main(["validate", *args])
    return status, capsys.readouterr().out.splitlines()


def test_the_bundled_briefing_is_clean(capsys: pytest.CaptureFixture[str]) -> None:
    status, out = run(capsys, str(ROOT / "briefings"))
    assert (status, out) == (0, ["1 file, 0 errors, 0 warnings"])


def test_a_changed_word_in_evidence_is_an_error_at_its_line(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(folder / "cs.yaml", "net loss in Q4 2024 was attributed", "net loss in Q4 2024 was caused")
    status, out = run(capsys, "cs.yaml")
    assert status == 1
    # At the changed word, with the article's sentence below it, the difference marked.
    assert out == [
        "cs.yaml:21:57: error: headline_facts[0].evidence is not in the source article: "
        "\u201cThe $265 million net loss in Q4 2024 was caused to:\u201d",
        "sources/core-scientific-expansion.txt:14:1: note: did you mean: "
        "The $265 million net loss in Q4 2024 was [-caused-]{+attributed+} to:",
        "1 file, 1 error, 0 warnings",
    ]


def test_a_changed_quote_is_an_error(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(folder / "cs.yaml", "we remain committed", "we are committed")
    status, out = run(capsys, "cs.yaml")
    assert status == 1
    assert out[0].startswith(
        "cs.yaml:66:46: error: ceo_quote.text is not in the source article: "
        "\u201cDespite near-term financial setbacks, we are committed to e\u2026\u201d"
    )


def test_matching_forgives_typography_and_whitespace_but_not_case(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The source has a curly apostrophe and an en dash; ASCII and a line break still match.
    edit(
        folder / "cs.yaml",
        "Declining Bitcoin Prices \u2013 Lower",
        "Declining Bitcoin Prices - Lower",
    )
    status, out = run(capsys, "cs.yaml")
    assert (status, out) == (0, ["1 file, 0 errors, 0 warnings"])
    edit(folder / "cs.yaml", "Declining Bitcoin Prices - Lower", "declining Bitcoin Prices - Lower")
    status, out = run(capsys, "cs.yaml")
    assert status == 1 and "loss_drivers[0].evidence is not in the source article" in out[0]


def test_missing_evidence_is_a_warning_and_strict_makes_it_an_error(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(
        folder / "cs.yaml",
        '    evidence: "The $265 million net loss in Q4 2024 was attributed to:"\n',
        "",
    )
    status, out = run(capsys, "cs.yaml")
    assert (status, out) == (
        0,
        [
            "cs.yaml:18:5: warning: headline_facts[0] has no evidence from the source",
            "1 file, 0 errors, 1 warning",
        ],
    )
    status, out = run(capsys, "--strict", "cs.yaml")
    assert status == 1
    assert out[0] == "cs.yaml:18:5: error: headline_facts[0] has no evidence from the source"


def test_source_file_missing_or_outside_the_folder(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(
        folder / "cs.yaml", "file: sources/core-scientific-expansion.txt", "file: sources/gone.txt"
    )
    status, out = run(capsys, "cs.yaml")
    assert status == 1
    assert out[0] == "cs.yaml:15:9: error: source.file 'sources/gone.txt' does not exist"
    edit(folder / "cs.yaml", "file: sources/gone.txt", "file: ../../etc/passwd")
    status, out = run(capsys, "cs.yaml")
    assert out[0] == (
        "cs.yaml:15:9: error: source.file '../../etc/passwd' must be a path inside the "
        "briefing's folder"
    )


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges on Windows")
def test_a_source_that_links_out_of_the_folder_is_refused(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A copy of the very article, reached through a link: the quotes would all match.
    outside = folder.parent / f"{folder.name}-outside.txt"
    shutil.copy(SOURCE, outside)
    (folder / "sources" / SOURCE.name).unlink()
    (folder / "sources" / SOURCE.name).symlink_to(outside)
    status, out = run(capsys, "cs.yaml")
    assert status == 1
    assert out[:-1] == [
        f"cs.yaml:15:9: error: source.file 'sources/{SOURCE.name}' must be a path inside the "
        "briefing's folder (it is a link out of it)"
    ]


def test_an_unusable_source_is_one_error_naming_why(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    article = folder / "sources" / SOURCE.name
    text = SOURCE.read_bytes()
    # Every quote is in the first bytes: a cut article would wrongly pass.
    article.write_bytes(text + b" " * (MAX_SOURCE_BYTES + 1 - len(text)))
    status, out = run(capsys, "cs.yaml")
    assert status == 1
    assert out[:-1] == [
        f"cs.yaml:15:9: error: source.file 'sources/{SOURCE.name}' is larger than "
        f"{MAX_SOURCE_BYTES:,} bytes"
    ]
    article.write_bytes(b"Caf\xe9 " + text)
    status, out = run(capsys, "cs.yaml")
    assert out[:-1] == [
        f"cs.yaml:15:9: error: source.file 'sources/{SOURCE.name}' is not UTF-8 text (byte 3)"
    ]
    article.unlink()
    article.mkdir()
    status, out = run(capsys, "cs.yaml")
    assert out[:-1] == [
        f"cs.yaml:15:9: error: source.file 'sources/{SOURCE.name}' is a folder, not a file"
    ]


def test_output_is_sorted_by_file_then_line_with_a_summary(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (folder / "b.yaml").write_text("format: briefing/2\n")
    (folder / "a.yaml").write_text("format: briefing/1\nid: a\ntitle: [x]\n")
    status, out = run(capsys, ".")
    assert status == 1
    paths = [line.split(":")[0] for line in out[:-1]]
    assert paths == sorted(paths)
    lines = [int(line.split(":")[1]) for line in out[:-1] if line.startswith("a.yaml")]
    assert lines == sorted(lines)
    # b.yaml's unknown format, then what briefing/1 would need of it: id, title, source and
    # the four sections (the rest is still checked after a bad format).
    assert out[-1] == "3 files, 14 errors, 0 warnings"


def test_json_output_for_editors(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(folder / "cs.yaml", "id: core-scientific-2024-q4", "id: Core Scientific")
    status = cli.main(["validate", "--format", "json", "cs.yaml"])
    problems = json.loads(capsys.readouterr().out)
    assert status == 1
    assert problems == [
        {
            "path": "cs.yaml",
            "line": 2,
            "column": 5,
            "severity": "error",
            "code": "pattern",
            "message": "id 'Core Scientific' must be a slug: lower-case letters, digits and "
            "single hyphens",
        }
    ]


def test_usage_errors_and_missing_paths_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["validate"])
    assert exited.value.code == 2
    assert cli.main(["validate", "no/such/place"]) == 2
    assert "no such file or folder: no/such/place" in capsys.readouterr().err


async def test_the_reader_shows_the_same_problems(folder: Path) -> None:
    edit(folder / "cs.yaml", "we remain committed", "we are committed")
    entries = cli.load_files(cli.briefing_files([Path("cs.yaml")]))
    app = make_app(entries)
    async with app.run_test(size=(120, 40)):
        problems = str(app.screen.query_one("#problems").render())
    assert "1 error:" in problems
    assert "66:46: error: ceo_quote.text is not in the source article" in problems
