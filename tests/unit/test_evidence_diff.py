"""Evidence not in the article, reported as a compiler would: at the first differing word
(its line and column inside the YAML scalar), with the article's closest passage below it.
"""

from __future__ import annotations

import io
import textwrap
from pathlib import Path

import pytest
from rich.console import Console

from briefing_reader.checks.evidence import Mismatch, difference, marked
from briefing_reader.checks.validate import SourceCache, check_file
from briefing_reader.loading import Problem
from briefing_reader.loading.scalar_source import SourceMap
from briefing_reader.loading.yamlsafe import Scalar, parse
from briefing_reader.output.json_out import problem_as_json
from briefing_reader.output.text import OutputConsole, mismatch_note

ARTICLE = (
    "Acme Results\n"
    "\n"
    "The chief executive addressed investors, stating:\n"
    "\u201cDespite setbacks, we remain committed to expanding our infrastructure.\u201d\n"
    "\n"
    "The company plans to allocate a significant portion of its new data center capacity\n"
    "to AI and cloud computing. Net loss \u2014 \u201clarge\u201d in Q4 2024 \u2014 was "
    "attributed to energy costs.\n"
    "[red]Losses[/red] widened to $5 million.\n"
)


def briefing(evidence: str) -> str:
    """A valid briefing whose one headline fact has ``evidence`` (YAML, from column 5)."""
    return (
        "format: briefing/1\n"
        "id: acme\n"
        "title: Acme\n"
        "source: {title: Acme Results, file: acme.txt}\n"
        "headline_facts:\n"
        "  - label: Loss\n"
        "    value: $5 million\n"
        f"    evidence: {evidence}\n"
        "loss_drivers: []\n"
        "ceo_quote: null\n"
        "open_questions: []\n"
    )


def check(tmp_path: Path, evidence: str) -> tuple[Problem, list[str]]:
    """The not-in-source problem of a briefing quoting ``evidence``, and its YAML lines."""
    (tmp_path / "acme.txt").write_text(ARTICLE, encoding="utf-8")
    text = briefing(evidence)
    (tmp_path / "acme.yaml").write_text(text, encoding="utf-8")
    loaded = check_file(tmp_path / "acme.yaml", display="acme.yaml", cache=SourceCache())
    [problem] = [p for p in loaded.problems if p.code == "not-in-source"]
    return problem, text.splitlines()


def position(lines: list[str], word: str, nth: int = 0) -> tuple[int, int]:
    """The 1-based line and column of the ``nth`` occurrence of ``word`` in ``lines``."""
    seen = 0
    for number, line in enumerate(lines, 1):
        at = line.find(word)
        while at >= 0:
            if seen == nth:
                return number, at + 1
            seen += 1
            at = line.find(word, at + 1)
    raise AssertionError(f"{word!r} not in the YAML")


def detail(problem: Problem) -> Mismatch:
    assert isinstance(problem.detail, Mismatch)
    return problem.detail


def note(problem: Problem) -> str:
    """The note line as `validate` prints it into a pipe (no colour: marks)."""
    console = OutputConsole(io.StringIO())
    shown = mismatch_note(problem, console)
    assert shown is not None
    return shown.plain


def test_a_changed_phrase_is_located_at_its_first_word_and_the_sentence_quoted(
    tmp_path: Path,
) -> None:
    problem, lines = check(tmp_path, "we will keep expanding")
    # The line and column of "will", not of the scalar's start.
    assert (problem.line, problem.column) == position(lines, "will")
    assert problem.message == (
        "headline_facts[0].evidence is not in the source article: "
        "\u201cwe will keep expanding\u201d"
    )
    span = detail(problem).span
    assert span is not None and problem.column is not None
    assert (span.end_line, span.end_column) == (problem.line, problem.column + len("will keep"))
    # The article's sentence, the quote's marks included, from its line 4.
    assert note(problem) == (
        "acme.txt:4:1: note: did you mean: \u201cDespite setbacks, we [-will keep-]"
        "{+remain committed to+} expanding our infrastructure.\u201d"
    )


def test_a_double_quoted_scalar_with_escapes_is_located_in_the_source(tmp_path: Path) -> None:
    # Each escape is one character of the value and several of the source: the column of
    # "caused" counts the source's characters.
    problem, lines = check(
        tmp_path, '"Net loss \\u2014 \\"large\\" in Q4 2024 \\u2014 was caused to energy costs."'
    )
    assert (problem.line, problem.column) == position(lines, "caused")
    assert note(problem).endswith(
        "Net loss \u2014 \u201clarge\u201d in Q4 2024 \u2014 was [-caused-]{+attributed+} "
        "to energy costs."
    )


def test_a_folded_block_scalar_is_located_on_the_line_of_the_word(tmp_path: Path) -> None:
    problem, lines = check(
        tmp_path,
        ">-\n"
        "      The company plans to allocate a significant portion of its\n"
        "      new data centre capacity to AI",
    )
    assert (problem.line, problem.column) == position(lines, "centre")
    assert problem.line == position(lines, ">-")[0] + 2  # the scalar's second line
    assert "[-centre-]{+center+}" in note(problem)


def test_an_excerpt_with_nothing_close_is_only_not_found(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    problem, lines = check(tmp_path, "Totally unrelated words about cats")
    assert (problem.line, problem.column) == position(lines, "Totally")  # the scalar's start
    assert detail(problem).passage is None
    assert mismatch_note(problem, OutputConsole(io.StringIO())) is None
    data = problem_as_json(problem)
    assert (data["span"], data["closest"]) == (None, None)


def test_hostile_text_is_printed_literally(tmp_path: Path) -> None:
    # Console markup and an escape sequence, in the briefing and in the article alike.
    problem, _ = check(tmp_path, '"[red]Losses[/red] widened to $6 million. \\e[2J[bold]"')
    for console in (
        OutputConsole(io.StringIO()),
        Console(file=io.StringIO(), force_terminal=True, color_system="truecolor"),
    ):
        shown = mismatch_note(problem, console)
        assert shown is not None
        plain = shown.plain
        assert "[red]Losses[/red] widened to" in plain
        assert "\x1b" not in plain and "\u241b[2J[bold]" in plain
        console.print(shown, soft_wrap=True)
        written = console.file.getvalue()  # type: ignore[attr-defined]
        assert "[red]Losses[/red]" in written and "\x1b[2J" not in written


def test_on_a_terminal_the_words_are_coloured_not_marked(tmp_path: Path) -> None:
    problem, _ = check(tmp_path, "we will keep expanding")
    console = Console(file=io.StringIO(), force_terminal=True, color_system="standard")
    shown = mismatch_note(problem, console)
    assert shown is not None and "[-" not in shown.plain and "{+" not in shown.plain
    styles = {str(span.style) for span in shown.spans}
    assert {"red strike", "bold green"} <= styles


def test_json_carries_the_span_and_the_closest_passage(tmp_path: Path) -> None:
    problem, lines = check(tmp_path, "we will keep expanding")
    data = problem_as_json(problem)
    line, column = position(lines, "will")
    assert data["span"] == {
        "line": line,
        "column": column,
        "end_line": line,
        "end_column": column + len("will keep"),
    }
    closest = data["closest"]
    start, end = closest["start"], closest["end"]
    assert ARTICLE[start:end] == closest["text"]
    assert closest["text"].startswith("\u201cDespite setbacks, we remain committed to")
    assert (closest["file"], closest["line"], closest["column"]) == ("acme.txt", 4, 1)
    assert "[-will keep-]{+remain committed to+}" in closest["marked"]


def test_differing_words_and_context_in_the_parts() -> None:
    found = difference(ARTICLE, "allocate a large portion of its new data center capacity")
    assert found.first == (2, 3)  # "large"
    assert found.passage is not None
    assert marked(found.passage.parts) == (
        "The company plans to allocate a [-large-]{+significant+} portion of its new data "
        "center capacity to AI and cloud computing."
    )
    # A word left out is pointed at by the excerpt's word after the gap.
    left_out = difference(ARTICLE, "allocate a portion of its new data center capacity")
    assert left_out.first == (2, 3)  # "portion"
    assert left_out.passage is not None
    assert "allocate a {+significant+} portion" in marked(left_out.passage.parts)


@pytest.mark.parametrize(
    "scalar",
    [
        "plain words, folded\n  over two lines",
        "'single ''quoted''\n  and folded'",
        '"double \\u201cescaped\\u201d \\\n  joined\\tby an escape"',
        "|\n  literal\n   more indented\n\n  kept\n",
        ">-\n  folded\n  lines\n\n  a paragraph\n    more indented\n  back",
    ],
)
def test_each_character_of_a_scalar_maps_to_where_it_was_written(scalar: str) -> None:
    text = f"key: {scalar}\n"
    node = parse(text).root.pairs[0][1]  # type: ignore[union-attr]
    assert isinstance(node, Scalar)
    origins = SourceMap(text).origins(*node.mark, node.value)
    assert origins is not None and len(origins) == len(node.value)
    for char, at in zip(node.value, origins, strict=True):
        # A letter comes from itself, or from the backslash of its escape.
        if not char.isspace():
            assert text[at] in (char, "\\"), (char, text[at])


def test_a_scalar_that_cannot_be_mapped_falls_back_to_its_start() -> None:
    # An explicit indentation indicator counts from the parent's indentation.
    text = textwrap.dedent(
        """\
        key: >2
           indented
        """
    )
    node = parse(text).root.pairs[0][1]  # type: ignore[union-attr]
    assert isinstance(node, Scalar)
    assert SourceMap(text).origins(*node.mark, node.value) is None
    # A file changed since it was parsed does not match the value either.
    assert SourceMap(text).origins(*node.mark, "something else") is None
