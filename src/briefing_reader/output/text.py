"""A briefing as styled text with Rich: `briefing show`, and the reader on a dumb terminal.

Structure is carried by bold, underline and indentation; colour only adds to it, so
the output reads the same under ``NO_COLOR`` or piped into a file (where Rich writes
no escape codes at all). Every string from the file becomes a :class:`rich.text.Text`,
never console markup. Lines are wrapped to the console's width with hanging indents
and no trailing spaces, and characters the console's encoding cannot hold are given
ASCII stand-ins (see :mod:`.charset`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TextIO

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.rule import Rule
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from briefing_reader.checks.evidence import MARKS, Mismatch, one_line, source_name
from briefing_reader.loading import Loaded, Problem
from briefing_reader.model import Briefing, Item
from briefing_reader.output.charset import Fit, fitter, stream_encoding
from briefing_reader.sections import META_SEPARATOR, SECTIONS
from briefing_reader.terminal import find_urls
from briefing_reader.text import clean_name

TITLE = "bold"
META = "dim"
SECTION = "bold underline"
HEADING = "bold"
ACCENT = "cyan"
LABEL = "dim"
EVIDENCE = "italic"
SEVERITY = {"error": "bold red", "warning": "bold yellow"}
NOTE = "bold cyan"
# The excerpt's words to take out, the article's to put in (see evidence.MARKS).
DIFF_STYLE = {"excerpt": "red strike", "article": "bold green", "same": ""}


@dataclass(frozen=True)
class Block:
    """A paragraph: ``text`` wrapped with ``first`` before its first line and ``rest`` after."""

    text: Text
    first: str = ""
    rest: str = ""


class Blocks:
    """Paragraphs with hanging indents, wrapped to the width at render time."""

    def __init__(self, blocks: Iterable[Block]) -> None:
        self.blocks = list(blocks)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for block in self.blocks:
            indent = max(cell_len(block.first), cell_len(block.rest))
            width = max(1, options.max_width - indent)
            for index, line in enumerate(block.text.wrap(console, width) or [Text()]):
                line.rstrip()
                out = Text(block.first if index == 0 else block.rest)
                out.append(line)  # as a span: render() ignores a Text's own style
                yield from out.render(console)
                yield Segment.line()


class OutputConsole(Console):
    """A console for data: no markup, emoji codes or highlighting applied to any string.

    It is as wide as ``width``, else ``COLUMNS``, else its own file's terminal, else 80 (a
    pipe or a file): Rich alone would take the width of whichever of stdin, stdout and
    stderr is a terminal. Its encoding is :func:`.charset.stream_encoding`'s, so ASCII
    under the C locale. A closed pipe (`briefing show ... | head`) raises
    :class:`BrokenPipeError` for the caller to handle, instead of Rich's own ``SystemExit(1)``.

    ``color`` is one of :data:`.COLOR_CHOICES`: "auto" styles a terminal, none under
    ``NO_COLOR`` (bold and underline stay) and even a pipe under ``FORCE_COLOR``; "always"
    styles it all, a pipe to ``less -R`` too; "never" writes plain text, as to a pipe.
    """

    def __init__(self, file: TextIO, width: int | None = None, color: str = "auto") -> None:
        self._stream_encoding = stream_encoding(file)
        forced = {"always": True, "never": False}.get(color)
        super().__init__(
            file=file,
            width=width or _terminal_width(file),
            height=25,  # with a width, Rich then never measures (nor falls back to 80 on TERM=dumb)
            highlight=False,
            markup=False,
            emoji=False,
            soft_wrap=False,
            force_terminal=forced,
            no_color=None if forced is None else not forced,
            # Rich gives a dumb terminal no colours; asked for them, Emacs' shell (TERM=dumb)
            # shows them.
            color_system="standard" if forced and _dumb() else "auto",
        )

    @property
    def encoding(self) -> str:
        return self._stream_encoding

    def on_broken_pipe(self) -> None:
        raise BrokenPipeError


def _dumb() -> bool:
    return os.environ.get("TERM", "").lower() in ("dumb", "unknown")  # as Rich reads it


def _terminal_width(file: TextIO) -> int | None:
    """The width of the terminal ``file`` writes to, 80 for anything else; None leaves
    ``COLUMNS`` to Rich."""
    if (os.environ.get("COLUMNS") or "").isdigit():
        return None
    try:
        return os.get_terminal_size(file.fileno()).columns or 80
    except (AttributeError, OSError, ValueError):  # not a terminal, or no descriptor at all
        return 80


def render_text(loaded: Loaded, console: Console) -> None:
    """Print one briefing to ``console`` as `briefing show` does (its problems are separate)."""
    console.print(text_renderable(loaded, fitter(console.encoding)))


def render_problems(loaded: Loaded, console: Console) -> None:
    """Print the briefing's problems one per line, unwrapped, as `briefing validate` does."""
    fit = fitter(console.encoding)
    for problem in loaded.problems:
        console.print(problem_text(problem, fit), soft_wrap=True)
        note = mismatch_note(problem, console)
        if note is not None:
            console.print(note, soft_wrap=True)


def mismatch_note(problem: Problem, console: Console) -> Text | None:
    """The line under an excerpt not in its source: the article's closest passage, located
    like a compiler's note, the differing words in colour on a terminal, else marked."""
    mismatch = problem.detail
    if not isinstance(mismatch, Mismatch) or mismatch.passage is None:
        return None
    passage = mismatch.passage
    fit = fitter(console.encoding)
    styled = console.color_system is not None and not console.no_color
    where = f"{source_name(problem.path, mismatch.source)}:{passage.line}:{passage.column}"
    note = Text.assemble(fit(where), ": ", ("note", NOTE), ": did you mean: ")
    for kind, piece in passage.parts:
        shown = one_line(piece)
        if styled:
            note.append(fit(shown), DIFF_STYLE[kind])
        else:
            opening, closing = MARKS[kind]
            note.append(f"{opening}{fit(shown)}{closing}")
    return note


def print_text(entries: Sequence[Loaded], out: Console, err: Console) -> None:
    """`briefing show`: each briefing on ``out`` after its problems on ``err``.

    Several briefings are separated by a rule naming each file.
    """
    fit = fitter(out.encoding)
    for index, loaded in enumerate(entries):
        render_problems(loaded, err)
        if len(entries) > 1:
            if index:
                out.print()
            out.print(Rule(Text(fit(clean_name(loaded.name))), style=META, align="left"))
        out.print(text_renderable(loaded, fit))


def problem_text(problem: Problem, fit: Fit = str) -> Text:
    return Text.assemble(
        fit(clean_name(problem.location())),  # it names the file: a name is data
        ": ",
        (problem.severity, SEVERITY.get(problem.severity, "bold")),
        ": ",
        fit(problem.message),
    )


def text_renderable(loaded: Loaded, fit: Fit = str) -> Blocks:
    briefing = loaded.briefing
    if briefing is None:
        errors = len(loaded.errors)
        return Blocks(
            [
                Block(
                    Text.assemble(
                        (fit(clean_name(loaded.name or loaded.path)), TITLE),
                        f": could not be loaded ({errors} error{'' if errors == 1 else 's'})",
                    )
                )
            ]
        )
    return Blocks(_briefing_blocks(briefing, fit))


_BLANK = Block(Text())


def _briefing_blocks(briefing: Briefing, fit: Fit) -> Iterator[Block]:
    yield Block(Text(fit(briefing.title), TITLE))
    meta = briefing.meta_parts()
    if meta:
        yield Block(Text(fit(META_SEPARATOR.join(meta)), META))
    if briefing.tags:
        yield Block(Text(fit("Tags: " + ", ".join(briefing.tags)), META))
    if briefing.summary:
        yield _BLANK
        yield Block(_linked(Text(fit(briefing.summary))))
    for section in SECTIONS:
        yield _BLANK
        yield Block(Text(section.title, SECTION))
        items = briefing.items(section)
        if not items:
            yield Block(Text(section.empty, EVIDENCE), "  ", "  ")
        for item in items:
            yield from _item_blocks(item, fit, "" if section.single else fit("\u2022 "))
    yield _BLANK
    source = briefing.source
    yield Block(
        Text.assemble(("Source: ", LABEL), fit(source.title), (f" ({fit(source.file)})", META)),
        "",
        "  ",
    )
    if source.url:
        yield Block(_linked(Text(fit(source.url), META)), "  ", "  ")


def _item_blocks(item: Item, fit: Fit, bullet: str) -> Iterator[Block]:
    indent = "  " + " " * len(bullet)
    heading = item.heading()
    main = Text(fit(heading.main), HEADING)
    if heading.aside and not heading.aside_below:
        main.append(": ")
        main.append(fit(heading.aside), ACCENT)
    yield Block(main, "  " + bullet, indent)
    if heading.aside and heading.aside_below:
        yield Block(Text(fit(heading.aside), ACCENT), indent + "  ", indent + "  ")
    for detail in item.details():
        text = f"\u201c{detail.text}\u201d" if detail.is_evidence else detail.text
        body = Text.assemble(
            (f"{detail.label}: ", LABEL), (fit(text), EVIDENCE if detail.is_evidence else "")
        )
        yield Block(_linked(body), indent, indent)


def _linked(text: Text) -> Text:
    """URLs in ``text`` become OSC 8 hyperlinks where the console is a terminal."""
    for start, end, url in find_urls(text.plain):
        text.stylize(Style(link=url), start, end)
    return text
