"""`validate` warns about every value still under a `# draft` comment, and `--strict` fails."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from briefing_reader import cli
from briefing_reader.authoring import write_draft
from briefing_reader.checks.validate import check_file
from briefing_reader.loading import Problem
from tests.conftest import FIXTURES, ROOT

CORE_ARTICLE = ROOT / "briefings" / "sources" / "core-scientific-expansion.txt"


def drafts(problems: tuple[Problem, ...]) -> list[tuple[int | None, str]]:
    return [(p.line, p.message) for p in problems if p.code == "draft"]


def marked(path: Path) -> list[str]:
    """The paths of the values the validator calls drafts, as its messages name them."""
    return [message.split()[3] for _, message in drafts(check_file(path).problems)]


@pytest.fixture
def draft(tmp_path: Path) -> Path:
    return write_draft(CORE_ARTICLE, briefing_id="core", output=tmp_path / "core.yaml")


@pytest.fixture
def hand_written(tmp_path: Path) -> Path:
    (tmp_path / "sources").mkdir()
    shutil.copy(FIXTURES / "sources" / "minimal.txt", tmp_path / "sources" / "minimal.txt")
    return tmp_path / "hand.yaml"


def test_every_value_of_a_fresh_draft_is_still_a_draft(draft: Path) -> None:
    checked = check_file(draft)
    assert checked.errors == ()
    assert checked.briefing is not None
    # Nothing but draft markers: the draft is otherwise a valid briefing.
    assert {p.code for p in checked.problems} == {"draft"}
    items = [
        *(f"headline_facts[{i}]" for i in range(len(checked.briefing.headline_facts))),
        *(f"loss_drivers[{i}]" for i in range(len(checked.briefing.loss_drivers))),
        "ceo_quote",
        *(f"open_questions[{i}]" for i in range(len(checked.briefing.open_questions))),
    ]
    assert marked(draft) == ["title", "subject", "period", "dateline", "summary", *items]
    # Each warning points at the line of the value under its comment.
    lines = draft.read_text(encoding="utf-8").splitlines()
    for line, message in drafts(checked.problems):
        assert line is not None
        assert lines[line - 2].lstrip().startswith("# draft: "), message
        assert "still a draft" in message


def test_deleting_a_marker_clears_that_item_only(draft: Path) -> None:
    text = draft.read_text(encoding="utf-8")
    before = marked(draft)
    # The first fact's comment is the first one in its section.
    head, tail = text.split("headline_facts:\n  # draft: check label and value\n", 1)
    draft.write_text(head + "headline_facts:\n" + tail, encoding="utf-8")
    after = marked(draft)
    assert "headline_facts[0]" in before and "headline_facts[0]" not in after
    assert len(after) == len(before) - 1


def test_a_hash_inside_a_value_is_no_marker_and_a_trailing_comment_is_one(
    hand_written: Path,
) -> None:
    hand_written.write_text(
        "# Draft started by hand: this note is no marker.\n"
        "format: briefing/1\n"
        "id: hand\n"
        'title: "A title # draft"\n'
        "source:\n"
        "  title: Minimal article\n"
        "  file: sources/minimal.txt\n"
        "headline_facts:\n"
        '  - label: "Quoted # draft: text"\n'
        "    value: >-\n"
        "      a folded value whose second line\n"
        "      # draft: is text, not a comment\n"
        "  - label: plain  # draft\n"
        "    value: x\n"
        "  # drafted by the desk: not the marker\n"
        "  - label: checked\n"
        "    value: y\n"
        "loss_drivers: []\n"
        "ceo_quote: null\n"
        "open_questions: []\n",
        encoding="utf-8",
    )
    checked = check_file(hand_written)
    assert drafts(checked.problems) == [
        (13, "still a draft: headline_facts[1] (check it, then delete its '# draft' comment)")
    ]


def test_the_bundled_briefing_has_no_draft_left() -> None:
    assert marked(ROOT / "briefings" / "core-scientific-2024-q4.yaml") == []


def test_validate_warns_and_strict_fails_on_drafts(
    draft: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    count = len(marked(draft))
    assert cli.main(["validate", str(draft)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        f"{draft}:8:8: warning: still a draft: title (check it, then delete its '# draft' comment)"
    )
    assert out[-1] == f"1 file, 0 errors, {count} warnings"
    assert cli.main(["validate", "--strict", str(draft)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"{draft}:8:8: error: still a draft: title")
    assert out[-1] == f"1 file, {count} errors, 0 warnings"


def test_a_marker_on_a_block_scalars_header_or_on_a_key_line_is_one(hand_written: Path) -> None:
    # `>-  # draft` was taken for part of the folded text, and `ceo_quote:  # draft` for a
    # line of no value's: both drafts passed validate without a word.
    hand_written.write_text(
        "format: briefing/1\n"
        "id: hand\n"
        "title: Minimal article\n"
        "source:\n"
        "  title: Minimal article\n"
        "  file: sources/minimal.txt\n"
        "summary: >-  # draft\n"
        "  Nothing much happened.\n"
        "headline_facts:  # draft\n"
        "  - label: checked\n"
        "    value: |\n"
        "      # draft: text of a literal block, not a comment\n"
        "loss_drivers: []\n"
        "ceo_quote:  # draft\n"
        "  text: Nothing much happened.\n"
        "  speaker: Someone\n"
        "open_questions: []\n",
        encoding="utf-8",
    )
    assert marked(hand_written) == ["summary", "ceo_quote"]
