"""`briefing validate` on a tampered copy of the bundled briefing: where the quote goes
wrong, and what the article says there, in text and in JSON."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from briefing_reader import cli
from tests.conftest import BUNDLED, ROOT

SOURCE = ROOT / "briefings" / "sources" / "core-scientific-expansion.txt"
SENTENCE = (
    "\u201cDespite near-term financial setbacks, we remain committed to expanding our "
    "infrastructure to position Core Scientific as a leader in high-performance computing "
    "and digital asset mining.\u201d"
)


@pytest.fixture
def tampered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The bundled briefing beside its article, its CEO quote changed; its lines."""
    (tmp_path / "sources").mkdir()
    shutil.copy(SOURCE, tmp_path / "sources" / SOURCE.name)
    text = BUNDLED.read_text(encoding="utf-8")
    assert "we remain committed to expanding" in text
    text = text.replace("we remain committed to expanding", "we will keep expanding")
    (tmp_path / "cs.yaml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    return text.splitlines()


def where(lines: list[str], word: str) -> tuple[int, int]:
    [(line, column)] = [
        (number, text.index(word) + 1) for number, text in enumerate(lines, 1) if word in text
    ]
    return line, column


def test_json_carries_the_span_and_the_closest_passage(
    tampered: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["validate", "--format", "json", "cs.yaml"]) == 1
    [problem] = json.loads(capsys.readouterr().out)
    line, column = where(tampered, "will keep")
    # The keys scripts already read, unchanged, located at the first changed word.
    assert {k: problem[k] for k in ("path", "line", "column", "severity", "code")} == {
        "path": "cs.yaml",
        "line": line,
        "column": column,
        "severity": "error",
        "code": "not-in-source",
    }
    assert problem["message"].startswith("ceo_quote.text is not in the source article: ")
    assert problem["span"] == {
        "line": line,
        "column": column,
        "end_line": line,
        "end_column": column + len("will keep"),
    }
    article = SOURCE.read_text(encoding="utf-8")
    closest = problem["closest"]
    assert closest["text"] == SENTENCE == article[closest["start"] : closest["end"]]
    assert (closest["file"], closest["line"], closest["column"]) == (
        "sources/core-scientific-expansion.txt",
        article[: closest["start"]].count("\n") + 1,
        1,
    )
    assert "we [-will keep-]{+remain committed to+} expanding" in closest["marked"]


def test_text_names_the_line_of_the_word_and_quotes_the_article(
    tampered: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    line, column = where(tampered, "will keep")
    assert cli.main(["validate", "cs.yaml"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"cs.yaml:{line}:{column}: error: ceo_quote.text is not in")
    assert out[1] == (
        "sources/core-scientific-expansion.txt:10:1: note: did you mean: "
        + SENTENCE.replace("will keep", "").replace(
            "remain committed to", "[-will keep-]{+remain committed to+}"
        )
    )
    assert out[2:] == ["1 file, 1 error, 0 warnings"]
    # Coloured where colour is asked for, and then without the marks.
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert cli.main(["validate", "cs.yaml"]) == 1
    coloured = capsys.readouterr().out.splitlines()
    assert "[-" not in coloured[1] and "\x1b[" in coloured[1] and "remain committed" in coloured[1]
