"""`briefing show`: what a reader sees in each format, piped, on a terminal, and in ASCII."""

from __future__ import annotations

import dataclasses
import fcntl
import html
import io
import json
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token
from rich.cells import cell_len
from rich.console import Console

from briefing_reader import cli
from briefing_reader.checks.validate import check_file
from briefing_reader.loading import Loaded
from briefing_reader.model import Briefing
from briefing_reader.output import render_text
from briefing_reader.output.markdown import escape, render_markdown
from briefing_reader.sections import SECTIONS
from tests.conftest import BUNDLED, FIXTURES, ROOT

HOSTILE = FIXTURES / "hostile.yaml"
BROKEN = FIXTURES / "broken.yaml"
MINIMAL = FIXTURES / "minimal.yaml"

# What hostile.yaml holds, as the reader must see it: markup, and the loader's placeholders
# for escape sequences (U+241B for ESC), never anything that acts.
HOSTILE_TEXTS = (
    "[@click=app.quit]x[/]",
    "[bold]not bold[/bold]",
    "Revenue [Q3]",
    "[red]Acme[/red]",
    "[@click=app.quit]click me[/]",
    "[b]$1[/b]",
    "[link=https://example.com]link[/link]",
    "[blink]Trust me[/blink]",
    "$accent",
    "What about [Q4]?",
    "\u241b[31mred\u241b[0m",
    "\u241b]8;;https://evil.example\u241b\\osc8",
)

SGR = re.compile(r"\x1b\[([0-9;]*)m")
# Environment variables that change Rich's or Python's output; each test sets what it needs.
OUTPUT_VARIABLES = (
    "NO_COLOR",
    "FORCE_COLOR",
    "TTY_COMPATIBLE",
    "TTY_INTERACTIVE",
    "COLUMNS",
    "LINES",
    "PYTHONIOENCODING",
    "PYTHONUTF8",
)


# The locale variables, as the C library reads them; a test that wants another locale says so.
LOCALE_VARIABLES = ("LC_ALL", "LC_CTYPE", "LANG")


def show_environment(**env: str) -> dict[str, str]:
    environ = {k: v for k, v in os.environ.items() if k not in OUTPUT_VARIABLES + LOCALE_VARIABLES}
    return {**environ, "LANG": "C.UTF-8", **env}


def show_command(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "briefing_reader", "show", *map(_relative, args)]


def run_show(*args: str | Path, **env: str) -> subprocess.CompletedProcess[bytes]:
    """`python -m briefing_reader show ARGS`, stdout and stderr pipes (so not terminals)."""
    return subprocess.run(
        show_command(*args),
        cwd=ROOT,
        env=show_environment(**env),
        capture_output=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
        check=False,
    )


def run_show_on_terminal(
    *args: str | Path, stream: str, columns: int, **env: str
) -> tuple[bytes, bytes]:
    """`show ARGS` with ``stream`` ("stdout" or "stderr") on a pseudo-terminal ``columns``
    wide and the other a pipe: (stdout, stderr), with the terminal's CRLFs made LFs."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    try:
        process = subprocess.Popen(
            show_command(*args),
            cwd=ROOT,
            env=show_environment(**env),
            stdin=subprocess.DEVNULL,
            stdout=slave if stream == "stdout" else subprocess.PIPE,
            stderr=slave if stream == "stderr" else subprocess.PIPE,
        )
        os.close(slave)
        shown = bytearray()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if not select.select([master], [], [], 1)[0]:
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the program has closed the terminal, so it is done
                break
            if not chunk:
                break
            shown += chunk
        piped, _ = process.communicate(timeout=60)
    finally:
        os.close(master)
    terminal_output = bytes(shown).replace(b"\r\n", b"\n")
    if stream == "stdout":
        return terminal_output, piped
    return piped, terminal_output


def _relative(arg: str | Path) -> str:
    """Paths as a user in the project folder types them, so messages name them that way."""
    return arg.relative_to(ROOT).as_posix() if isinstance(arg, Path) else arg


def out(result: subprocess.CompletedProcess[bytes]) -> str:
    assert b"Traceback" not in result.stderr, result.stderr.decode(errors="replace")
    return result.stdout.decode("utf-8")


def loaded(path: Path) -> Loaded:
    return check_file(path, display=path.relative_to(ROOT).as_posix())


def bundled() -> Briefing:
    briefing = loaded(BUNDLED).briefing
    assert briefing is not None
    return briefing


def flat(text: str) -> str:
    """Text with its wrapping undone: one space for every run of whitespace."""
    return " ".join(text.split())


def terminal(path: Path, **options: Any) -> str:
    """What `show` prints on an 80-column truecolor terminal."""
    console = Console(
        file=io.StringIO(),
        force_terminal=True,
        width=80,
        color_system="truecolor",
        highlight=False,
        markup=False,
        **options,
    )
    render_text(loaded(path), console)
    assert isinstance(console.file, io.StringIO)
    return console.file.getvalue()


def sgr_codes(text: str) -> set[str]:
    return {code for params in SGR.findall(text) for code in params.split(";") if code}


def is_colour(code: str) -> bool:
    number = int(code)
    return 30 <= number <= 49 or 90 <= number <= 107


# --- text -----------------------------------------------------------------------------------


def test_text_piped_is_plain_text_with_every_part_of_the_briefing() -> None:
    result = run_show(BUNDLED)
    assert result.returncode == 0
    text = out(result)
    assert b"\x1b" not in result.stdout
    assert result.stderr == b""  # the bundled briefing has no problems
    briefing = bundled()
    lines = text.splitlines()
    assert lines[0] == briefing.title
    assert lines[1] == "Core Scientific \u00b7 Q4 2024 \u00b7 Austin, TX"
    assert all(cell_len(line) <= 80 for line in lines)
    assert all(line == line.rstrip() for line in lines)
    # Sections in order, each a line of its own, items indented under them.
    positions = [lines.index(section.title) for section in SECTIONS]
    assert positions == sorted(positions)
    assert "  \u2022 Q4 2024 net loss: $265 million" in lines
    whole = flat(text)
    for section in SECTIONS:
        for item in briefing.items(section):
            assert flat(item.heading().main) in whole
            for detail in item.details():
                assert flat(detail.text) in whole
    assert "\u2014 Adam Sullivan, CEO" in whole
    assert whole.endswith(f"Source: {briefing.source.title} ({briefing.source.file})")


def test_text_on_a_terminal_is_styled() -> None:
    styled = terminal(BUNDLED)
    codes = sgr_codes(styled)
    assert {"1", "4"} <= codes  # bold title and items, underlined section titles
    assert any(is_colour(code) for code in codes)
    assert "\x1b[1;4mHeadline facts\x1b[0m" in styled


def test_no_color_keeps_structure_in_bold_underline_and_indentation(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    styled = terminal(BUNDLED)
    codes = sgr_codes(styled)
    assert not any(is_colour(code) for code in codes), codes
    assert {"1", "4"} <= codes
    # Without the escape codes it is exactly what a pipe gets.
    assert SGR.sub("", styled) == out(run_show(BUNDLED))


def test_width_wraps_every_line() -> None:
    result = run_show("--width", "40", BUNDLED)
    assert result.returncode == 0
    text = out(result)
    lines = text.splitlines()
    assert max(cell_len(line) for line in lines) <= 40
    assert max(cell_len(line) for line in lines) >= 35  # it fills the width, too
    assert flat(bundled().ceo_quote.text) in flat(text)  # type: ignore[union-attr]
    # Hanging indents: a wrapped item's continuation lines stay under its text.
    start = lines.index("Headline facts") + 1
    section = lines[start : lines.index("", start)]
    assert len(section) > 2 * len(bundled().headline_facts)
    assert all(line.startswith(("  \u2022 ", "    ")) for line in section)


def longest_line(text: str) -> int:
    return max(cell_len(line) for line in text.splitlines())


def test_piped_text_wraps_at_80_even_when_stderr_is_a_terminal() -> None:
    # `briefing show x.yaml > x.txt` in a 120-column terminal: stderr is still the terminal.
    stdout, stderr = run_show_on_terminal(BUNDLED, stream="stderr", columns=120)
    assert stderr == b""
    text = stdout.decode("utf-8")
    assert b"\x1b" not in stdout
    assert 75 <= longest_line(text) <= 80
    assert flat(bundled().ceo_quote.text) in flat(text)  # type: ignore[union-attr]


def test_piped_text_follows_columns_when_set() -> None:
    assert 95 <= longest_line(out(run_show(BUNDLED, COLUMNS="100"))) <= 100


def test_text_on_a_terminal_follows_its_width() -> None:
    stdout, _ = run_show_on_terminal(BUNDLED, stream="stdout", columns=60, NO_COLOR="1")
    visible = SGR.sub("", re.sub(r"\x1b\]8;[^\x1b]*\x1b\\", "", stdout.decode("utf-8")))
    assert "\x1b" not in visible
    assert 55 <= longest_line(visible) <= 60
    assert flat(visible).startswith(bundled().title)


def test_width_must_be_a_usable_number() -> None:
    for bad in ("5", "wide"):
        result = run_show("--width", bad, BUNDLED)
        assert result.returncode == 2
        assert b"--width" in result.stderr


def test_a_folder_prints_every_briefing_under_a_rule_naming_its_file() -> None:
    result = run_show(FIXTURES)
    text = out(result)
    names = sorted(path.name for path in FIXTURES.glob("*.yaml"))
    rules = [line for line in text.splitlines() if line.endswith("\u2500" * 10)]
    assert [rule.split()[0].rsplit("/", 1)[-1] for rule in rules] == names
    assert "tests/fixtures/broken.yaml: could not be loaded (1 error)" in text
    assert "No loss drivers." in text  # minimal.yaml's empty sections
    assert result.returncode == 1  # broken.yaml could not be loaded


# --- markdown -------------------------------------------------------------------------------


def markdown_tokens(text: str) -> list[Token]:
    return MarkdownIt("commonmark").parse(text)


def inline_after(tokens: list[Token], index: int) -> str:
    """The plain text of the inline token following tokens[index] (a heading or paragraph)."""
    inline = tokens[index + 1]
    assert inline.type == "inline"
    return "".join(child.content for child in inline.children or () if child.type == "text")


def rendered_text(markdown: str) -> str:
    """What a Markdown viewer shows, as plain text."""
    rendered = MarkdownIt("commonmark").render(markdown)
    return html.unescape(re.sub(r"<[^>]+>", " ", rendered))


def test_markdown_is_a_document_with_the_briefings_structure() -> None:
    result = run_show("--format", "markdown", BUNDLED)
    assert result.returncode == 0
    text = out(result)
    assert b"\x1b" not in result.stdout
    briefing = bundled()
    tokens = markdown_tokens(text)
    headings = {
        tag: [
            inline_after(tokens, i)
            for i, t in enumerate(tokens)
            if t.type == "heading_open" and t.tag == tag
        ]
        for tag in ("h1", "h2")
    }
    assert headings == {"h1": [briefing.title], "h2": [s.title for s in SECTIONS]}
    assert text.startswith(f"# {briefing.title}\n\n*Core Scientific \u00b7 Q4 2024")

    # Items are list entries; evidence and the quote are blockquotes.
    items = [t for t in tokens if t.type == "list_item_open"]
    assert len(items) == sum(len(briefing.items(s)) for s in SECTIONS if s.key != "ceo_quote")
    quoted: list[str] = []
    depth = 0
    for i, token in enumerate(tokens):
        depth += {"blockquote_open": 1, "blockquote_close": -1}.get(token.type, 0)
        if depth and token.type == "paragraph_open":
            quoted.append(inline_after(tokens, i))
    evidence = [
        d.text for s in SECTIONS for it in briefing.items(s) for d in it.details() if d.is_evidence
    ]
    assert set(map(flat, evidence)) <= set(map(flat, quoted))
    quote = briefing.ceo_quote
    assert quote is not None
    assert f"\u201c{flat(quote.text)}\u201d" in quoted
    assert "\u2014 Adam Sullivan, CEO" in quoted
    # The text says what the model says, and the source comes last.
    assert "**Q4 2024 net loss:** $265 million" in text
    assert text.rstrip().splitlines()[-1] == (
        f"*Source:* {briefing.source.title} ({briefing.source.file})"
    )


def test_markdown_shows_empty_sections_as_their_empty_text() -> None:
    text = out(run_show("--format", "markdown", MINIMAL))
    for section in SECTIONS:
        assert f"## {section.title}\n\n*{section.empty}*\n" in text


def test_markdown_escapes_what_would_change_the_structure() -> None:
    hostile = [
        "**bold** and __bold__",
        "# not a heading",
        "> not a quote",
        "- not a list",
        "+ not a list",
        "1. not a list",
        "2) not a list",
        "`not code`",
        "```",
        "<b>not html</b> <https://not.a.link>",
        "[not a link](https://example.com) ![no image](x.png)",
        "&amp; stays as typed, AT&T too",
        "a_b_c, _not italic_, *not italic*",
        "~~not struck~~",
        "| not | a | table |",
        "---",
        "===",
        "back\\slash \\*",
        "[@click=app.quit]x[/]",
    ]
    for text in hostile:
        escaped = escape(text)
        tokens = markdown_tokens(escaped)
        assert [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"], text
        children = tokens[1].children or []
        assert {c.type for c in children} == {"text"}, (text, escaped)
        assert "".join(c.content for c in children) == text
    # Several lines stay one paragraph each, their starts escaped too.
    assert rendered_text(escape("one\n# two\n- three")).split() == "one # two - three".split()


# --- json -----------------------------------------------------------------------------------


def plain(value: Any) -> Any:
    """What a value becomes after a JSON round trip."""
    return json.loads(json.dumps(value))


def test_json_is_the_model_and_its_problems() -> None:
    result = run_show("--format", "json", BUNDLED)
    assert result.returncode == 0
    assert result.stderr == b""
    data = json.loads(out(result))
    briefing = bundled()
    assert data == {
        "path": "briefings/core-scientific-2024-q4.yaml",
        "briefing": plain(dataclasses.asdict(briefing)),
        "problems": [],
    }
    assert data["briefing"]["headline_facts"][0]["value"] == "$265 million"
    assert data["briefing"]["ceo_quote"]["speaker"] == "Adam Sullivan"


def test_json_of_a_folder_is_an_array_with_problems_and_unreadable_files() -> None:
    result = run_show("--format", "json", FIXTURES)
    assert result.returncode == 1
    assert result.stderr == b""
    data = json.loads(out(result))
    by_name = {entry["path"].rsplit("/", 1)[-1]: entry for entry in data}
    assert set(by_name) == {path.name for path in FIXTURES.glob("*.yaml")}
    assert by_name["broken.yaml"]["briefing"] is None
    assert by_name["broken.yaml"]["problems"][0]["code"] == "syntax"
    warned = by_name["warned.yaml"]["problems"]
    assert {"severity", "line", "column", "code", "message", "path"} == set(warned[0])


# --- problems and exit status ---------------------------------------------------------------


@pytest.mark.parametrize("output", ["text", "markdown"])
def test_problems_go_to_stderr_one_per_line(output: str) -> None:
    result = run_show("--format", output, HOSTILE)
    assert result.returncode == 0  # shown, problems or not
    errors = result.stderr.decode("utf-8").splitlines()
    assert errors == [str(p) for p in loaded(HOSTILE).problems]
    assert b"\x1b" not in result.stderr


def test_a_briefing_that_cannot_be_loaded_exits_1() -> None:
    result = run_show(BROKEN)
    assert result.returncode == 1
    assert result.stderr.decode().startswith("tests/fixtures/broken.yaml:7:1: error: YAML syntax")
    assert out(result) == "tests/fixtures/broken.yaml: could not be loaded (1 error)\n"


def test_missing_path_and_empty_folder_are_usage_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["show", "does/not/exist.yaml"]) == 2
    assert (
        capsys.readouterr().err == "briefing: error: no such file or folder: does/not/exist.yaml\n"
    )
    assert cli.main(["show", str(tmp_path)]) == 2
    assert "no briefings (*.yaml) found" in capsys.readouterr().err
    with pytest.raises(SystemExit) as usage:
        cli.main(["show"])
    assert usage.value.code == 2


def test_help_names_show() -> None:
    assert "briefing show PATH" in cli.EPILOG
    assert cli.COMMANDS["show"] is cli.show


# --- hostile text and encodings -------------------------------------------------------------


@pytest.mark.parametrize("output", ["text", "markdown", "json"])
def test_hostile_text_appears_literally_and_nothing_escapes(output: str) -> None:
    result = run_show("--format", output, HOSTILE)
    assert b"\x1b" not in result.stdout
    assert b"\x1b" not in result.stderr
    text = out(result)
    if output == "json":
        shown = flat(" ".join(_strings(json.loads(text))))
    elif output == "markdown":
        shown = flat(rendered_text(text))
    else:
        shown = flat(text)
    for literal in HOSTILE_TEXTS:
        assert literal in shown, (output, literal)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def test_hostile_text_on_a_terminal_is_only_styled_never_interpreted() -> None:
    styled = terminal(HOSTILE)
    # The only escape sequences are our own colours and attributes, and OSC 8 links to URLs
    # that stand in the visible text: no title, clipboard or cursor sequences, and the
    # markup in the data did not become styles.
    links = re.findall(r"\x1b\]8;[^;\x1b]*;([^\x1b]*)\x1b\\", styled)
    without_links = re.sub(r"\x1b\]8;[^\x1b]*\x1b\\", "", styled)
    assert SGR.sub("", without_links).count("\x1b") == 0
    visible = SGR.sub("", without_links)
    assert all(url in visible for url in links if url)
    assert not {"5", "31", "41"} & sgr_codes(styled)  # [blink], [red]: shown, not applied
    plain_text = flat(visible)
    for literal in HOSTILE_TEXTS:
        assert literal in plain_text


def test_markdown_of_hostile_text_renders_no_links_or_html() -> None:
    rendered = MarkdownIt("commonmark").render(render_markdown(loaded(HOSTILE)))
    tags = set(re.findall(r"</?([a-z0-9]+)", rendered))
    assert tags <= {"h1", "h2", "p", "em", "strong", "ul", "li", "blockquote"}


ASCII_OUTPUTS = {
    "LANG=C": {"LANG": "C"},
    "LC_ALL=C": {"LC_ALL": "C"},
    "LC_ALL=POSIX": {"LC_ALL": "POSIX", "LANG": "C.UTF-8"},
    "no locale": {"LANG": ""},  # the C library's default is the C locale
    "PYTHONIOENCODING=ascii": {"PYTHONIOENCODING": "ascii"},
}


@pytest.mark.parametrize("output", ["text", "markdown", "json"])
@pytest.mark.parametrize("path", [BUNDLED, HOSTILE], ids=["bundled", "hostile"])
@pytest.mark.parametrize("env", ASCII_OUTPUTS.values(), ids=ASCII_OUTPUTS.keys())
def test_ascii_locale_prints_pure_ascii(output: str, path: Path, env: dict[str, str]) -> None:
    result = run_show("--format", output, path, **env)
    assert result.returncode == 0, result.stderr
    assert b"Traceback" not in result.stderr
    result.stdout.decode("ascii")
    result.stderr.decode("ascii")
    if output == "json":
        assert json.loads(result.stdout)["briefing"] == plain(
            dataclasses.asdict(loaded(path).briefing)  # type: ignore[arg-type]
        )
        return
    shown = result.stdout.decode("ascii")
    text = flat(rendered_text(shown) if output == "markdown" else shown)
    if path == BUNDLED:
        assert "Core Scientific - Q4 2024 - Austin, TX" in text
        assert '"Despite near-term financial setbacks' in text
        assert "-- Adam Sullivan, CEO" in text
        assert "Declining Bitcoin Prices - Lower BTC prices" in text
    else:
        # The loader's placeholder for ESC, in caret notation: visible, inert, ASCII.
        assert "Escape ^[[31mred^[[0m" in text
        assert "[@click=app.quit]x[/]" in text


UNICODE_OUTPUTS = {
    "LC_CTYPE=C.UTF-8 over LANG=C": {"LANG": "C", "LC_CTYPE": "C.UTF-8"},
    "LC_ALL=C.UTF-8 over LANG=C": {"LANG": "C", "LC_ALL": "C.UTF-8"},
    "PYTHONUTF8=1": {"LANG": "C", "PYTHONUTF8": "1"},
    "PYTHONIOENCODING=utf-8": {"LANG": "C", "PYTHONIOENCODING": "utf-8"},
}


@pytest.mark.parametrize("env", UNICODE_OUTPUTS.values(), ids=UNICODE_OUTPUTS.keys())
def test_a_utf8_locale_or_an_explicit_utf8_keeps_typography(env: dict[str, str]) -> None:
    assert "Core Scientific \u00b7 Q4 2024 \u00b7 Austin, TX" in out(run_show(BUNDLED, **env))


def test_urls_are_osc8_links_on_a_terminal_only(tmp_path: Path) -> None:
    import io

    from rich.console import Console

    from briefing_reader.checks.validate import check_file
    from briefing_reader.output.text import render_text

    text = (
        (ROOT / "tests" / "fixtures" / "minimal.yaml")
        .read_text()
        .replace(
            "  file: sources/minimal.txt",
            "  file: sources/minimal.txt\n  url: https://example.com/a",
        )
    )
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "minimal.txt").write_text("Minimal article.\n")
    (tmp_path / "b.yaml").write_text(text)
    loaded = check_file(tmp_path / "b.yaml")
    out = io.StringIO()
    render_text(loaded, Console(file=out, force_terminal=True, width=80, color_system="truecolor"))
    assert "\x1b]8;" in out.getvalue() and "https://example.com/a" in out.getvalue()
    piped = io.StringIO()
    render_text(loaded, Console(file=piped, width=80))
    assert "\x1b" not in piped.getvalue() and "https://example.com/a" in piped.getvalue()
