"""The manual page, briefing(1), written as roff from the parsers and the key table.

Nothing in it is written twice: the synopsis, options and commands are what
:func:`briefing_reader.cli.command_tree`'s parsers accept, with their help and epilogs;
the keys are :func:`briefing_reader.keys.help_rows`. `briefing --print-man` prints it.
"""

from __future__ import annotations

import argparse
import os
import re
import textwrap
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime

from briefing_reader import __version__
from briefing_reader.keys import help_rows, help_text
from briefing_reader.shell import command_help

# A heading of --help's epilog: "paths:", "exit status: 0 after q, ...". Lines under it
# are indented.
_HEADING = re.compile(r"^([a-z][a-z ]*[a-z])(?: \([^)]*\))?:(?: (.*))?$")
# The epilog sections the manual gives its own way: the commands have their own section.
_SKIPPED = ("other commands",)


def manual(
    tree: argparse.ArgumentParser, choices: Mapping[str, Sequence[str]] | None = None
) -> str:
    """briefing(1) in roff, for ``man``; ``choices`` lists what an option's dest accepts
    where the parser does not say (the theme names)."""
    prog = tree.prog
    commands = command_help(tree)
    parsers = {name: parser for name, parser in _command_parsers(tree)}
    out = [
        f'.TH {prog.upper()} 1 {_date()} "briefing-reader {_escape(__version__)}" "User Commands"',
        ".nh",  # option names are not to be hyphenated, nor spread to the right margin
        ".ad l",
        ".SH NAME",
        f"{prog} \\- {_escape(_first_phrase(tree.description or ''))}",
        ".SH SYNOPSIS",
    ]
    for parser in (tree, *parsers.values()):
        out += [".PP", *_synopsis(parser)]
    out += [".SH DESCRIPTION", *_paragraphs(tree.description or "")]
    out += [".SH OPTIONS", *_options(tree, choices or {})]
    out += [".SH COMMANDS"]
    for name, parser in parsers.items():
        out += [f".SS {_quoted(f'{prog} {name}')}", *_paragraphs(commands[name])]
        out += _paragraphs(parser.description or "")
        out += _options(parser, choices or {})
        if parser.epilog:
            out += [".PP", *_preformatted(parser.epilog)]
    out += [".SH KEYS", *_keys()]
    epilog = tree.epilog or ""
    epilog = epilog.removeprefix(help_text())  # the keys, given above
    for heading, lines in _sections(epilog):
        if heading in _SKIPPED:
            continue
        out += [f".SH {_quoted(heading.upper())}", *_preformatted("\n".join(lines))]
    return "\n".join(_tidy(out)) + "\n"


def _tidy(lines: list[str]) -> Iterator[str]:
    """Without the paragraph breaks that roff ignores (right after a heading or another)."""
    previous = ""
    for line in lines:
        if line == ".PP" and previous.startswith((".SH", ".SS", ".PP")):
            continue
        yield line
        previous = line


def _date() -> str:
    """Today, or SOURCE_DATE_EPOCH's day for a reproducible build."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    day = (
        datetime.fromtimestamp(int(epoch), UTC).date() if epoch.isdigit() else datetime.now().date()
    )
    return day.isoformat()


def _command_parsers(
    tree: argparse.ArgumentParser,
) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    for action in tree._actions:
        if isinstance(action, argparse._SubParsersAction):
            yield from action.choices.items()


def _synopsis(parser: argparse.ArgumentParser) -> list[str]:
    """The usage line, the command in bold, the rest as argparse writes it."""
    usage = " ".join(parser.format_usage().removeprefix("usage: ").split())
    usage = usage.replace(" COMMAND ...", "")  # the commands have their own lines
    name_words = len(parser.prog.split())
    words = usage.split(" ")
    name, rest = " ".join(words[:name_words]), " ".join(words[name_words:])
    return [f".B {_escape(name)}", *_text(rest)]


def _options(parser: argparse.ArgumentParser, choices: Mapping[str, Sequence[str]]) -> list[str]:
    out: list[str] = []
    actions = [a for a in parser._actions if not a.option_strings]  # as --help: PATH first
    actions += [a for a in parser._actions if a.option_strings]
    for action in actions:
        if action.help == argparse.SUPPRESS or isinstance(action, argparse._SubParsersAction):
            continue
        out += [".TP", _option_spec(action)]
        help_text = action.help or ""
        known = choices.get(action.dest)
        if known:
            help_text += f" (one of: {', '.join(known)})"
        out += _text(help_text)
    return out


def _option_spec(action: argparse.Action) -> str:
    metavar = _metavar(action)
    if not action.option_strings:
        return f"\\fI{_escape(metavar)}\\fR"
    names = ", ".join(f"\\fB{_escape(option)}\\fR" for option in action.option_strings)
    return f"{names} \\fI{_escape(metavar)}\\fR" if metavar else names


def _metavar(action: argparse.Action) -> str:
    if action.nargs == 0:
        return ""
    if isinstance(action.metavar, str):
        name = action.metavar
    elif action.choices:
        name = "{" + ",".join(map(str, action.choices)) + "}"
    else:
        name = action.dest.upper()
    if action.nargs in ("*", "+"):
        return f"{name} ..."
    return name


def _keys() -> list[str]:
    out: list[str] = []
    for heading, rows in help_rows():
        out.append(f".SS {_quoted(heading.rstrip(':').capitalize())}")
        for keys, words in rows:
            named = ", ".join(f"\\fB{_escape(key)}\\fR" for key in keys)
            out += [".TP", named, *_text(words)]
    return out


def _sections(text: str) -> Iterator[tuple[str, list[str]]]:
    """--help's epilog as (heading, its lines, dedented), in order."""
    heading: str | None = None
    lines: list[str] = []
    for line in text.splitlines():
        match = _HEADING.match(line)
        if match:
            if heading is not None:
                yield heading, lines
            heading, lines = match.group(1), [match.group(2)] if match.group(2) else []
        elif heading is not None:
            lines.append(line.removeprefix("  "))
    if heading is not None:
        yield heading, lines


def _paragraphs(text: str) -> list[str]:
    out: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text.strip()):
        if paragraph.strip():
            out += [".PP", *_text(paragraph)]
    return out


def _text(text: str) -> list[str]:
    """Running text, filled by roff; the source lines are kept short for man's linters."""
    lines = textwrap.wrap(text, 66, break_long_words=False, break_on_hyphens=False)
    return [_escape(line) for line in lines]


def _preformatted(text: str) -> list[str]:
    """Lines kept as they are (examples, tables): no filling, no hyphenation."""
    lines = text.strip("\n").splitlines()
    while lines and not lines[-1].strip():
        lines.pop()
    return [".nf", *(_escape(line.rstrip()) if line.strip() else "" for line in lines), ".fi"]


def _first_phrase(text: str) -> str:
    """NAME's line: the description up to its first comma ("Read briefings: short ...")."""
    return " ".join(text.split()).partition(", ")[0].removesuffix(".")


def _escape(text: str) -> str:
    """``text`` as roff shows it literally: backslashes and hyphens escaped, and a line
    that would start with a control character (. or ') kept as text."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return "\\&" + text if text.startswith((".", "'")) else text


def _quoted(text: str) -> str:
    """A macro argument holding spaces: in double quotes, a quote inside doubled."""
    return '"' + _escape(text).replace('"', '""') + '"'
