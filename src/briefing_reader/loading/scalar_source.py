"""Where each character of a scalar's value was written in the YAML source.

The parser marks where a scalar starts, not where each of its words is; a message about
one word inside a long quoted excerpt should point at that word, as a compiler does. So
the scalar is read again from its start mark, by YAML's rules for each style (plain,
single- and double-quoted, literal ``|`` and folded ``>`` blocks, lines folded into
spaces), remembering for each character of the value the source offset it came from.

The rules here are only what the value needs, not a second parser: the result is kept
only when the characters it rebuilds are exactly the parser's value, and otherwise the
caller falls back to the scalar's start mark.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from pathlib import Path

from briefing_reader.loading.regular import NotRegularFile, read_regular
from briefing_reader.loading.yamlsafe import MAX_BYTES, YamlProblem, decode

_ESCAPES = {
    "0": "\0",
    "a": "\a",
    "b": "\b",
    "t": "\t",
    "\t": "\t",
    "n": "\n",
    "v": "\v",
    "f": "\f",
    "r": "\r",
    "e": "\x1b",
    " ": " ",
    '"': '"',
    "/": "/",
    "\\": "\\",
    "N": "\x85",
    "_": "\xa0",
    "L": "\u2028",
    "P": "\u2029",
}
_HEX_ESCAPES = {"x": 2, "u": 4, "U": 8}
_BREAKS = "\r\n"
_BLANKS = " \t"
_PLAIN_RUN = re.compile(r"[^ \t\r\n]+")
_SINGLE_RUN = re.compile(r"[^ \t\r\n']+")
_DOUBLE_RUN = re.compile(r'[^ \t\r\n"\\]+')
_HEADER = re.compile(r"[|>]([+-]?)([1-9]?)([+-]?)[ \t]*(?:#[^\n]*)?(?:\r?\n|$)")


class SourceMap:
    """Offsets to 1-based (line, column) in one YAML text, and scalars' character origins."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def offset(self, line: int, column: int) -> int:
        """The offset of 1-based ``line``:``column``."""
        return self._line_starts[line - 1] + column - 1

    def position(self, offset: int) -> tuple[int, int]:
        """The 1-based (line, column) of ``offset``."""
        line = bisect_right(self._line_starts, offset)
        return line, offset - self._line_starts[line - 1] + 1

    def origins(self, line: int, column: int, value: str) -> list[int] | None:
        """For each character of ``value``, the source offset it was read from.

        ``line``:``column`` is the scalar's start mark (1-based). None when the scalar read
        from there is not ``value`` (a style these rules do not cover, an explicit
        indentation indicator, a file changed since it was parsed).
        """
        if not 0 < line <= len(self._line_starts):
            return None
        start = self.offset(line, column)
        if start >= len(self.text):
            return None
        first = self.text[start]
        if first == '"':
            read = _quoted(self.text, start + 1, len(value), double=True)
        elif first == "'":
            read = _quoted(self.text, start + 1, len(value), double=False)
        elif first in "|>":
            read = _block(self.text, start)
        else:
            read = _plain(self.text, start, len(value))
        if read is None:
            return None
        chars, origins = read
        if len(chars) < len(value) or "".join(chars[: len(value)]) != value:
            return None
        return origins[: len(value)]


_Read = tuple[list[str], list[int]]


def _fold(text: str, start: int, chars: list[str], origins: list[int]) -> int:
    """Read the run of blanks and line breaks at ``start`` as a flow scalar folds it.

    A run within one line is kept as written; a run holding one line break becomes one
    space, and n+1 breaks become n newlines (the blanks around them are dropped).
    Returns the offset after the run.
    """
    end = start
    while end < len(text) and text[end] in " \t\r\n":
        end += 1
    breaks = text.count("\n", start, end)
    if not breaks:
        chars.extend(text[start:end])
        origins.extend(range(start, end))
    elif breaks == 1:
        chars.append(" ")
        origins.append(start)
    else:
        newline = text.index("\n", start)
        for _ in range(breaks - 1):
            chars.append("\n")
            origins.append(newline)
    return end


def _quoted(text: str, at: int, want: int, *, double: bool) -> _Read | None:
    chars: list[str] = []
    origins: list[int] = []
    quote = '"' if double else "'"
    while at < len(text) and len(chars) < want:
        char = text[at]
        if char == quote:
            if not double and text.startswith("''", at):
                chars.append("'")
                origins.append(at)
                at += 2
                continue
            break
        if char in " \t\r\n":
            at = _fold(text, at, chars, origins)
        elif double and char == "\\":
            escape = text[at + 1 : at + 2]
            if escape in ("\n", "\r"):
                # An escaped line break joins the lines with nothing between them.
                at = text.index("\n", at) + 1
                while at < len(text) and text[at] in _BLANKS:
                    at += 1
            elif escape in _HEX_ESCAPES:
                digits = text[at + 2 : at + 2 + _HEX_ESCAPES[escape]]
                try:
                    chars.append(chr(int(digits, 16)))
                except ValueError:
                    return None
                # The character is pointed at by its backslash: the nearest honest place.
                origins.append(at)
                at += 2 + len(digits)
            elif escape in _ESCAPES:
                chars.append(_ESCAPES[escape])
                origins.append(at)
                at += 2
            else:
                return None
        else:
            # A run of ordinary characters at once: they stand for themselves.
            run = (_DOUBLE_RUN if double else _SINGLE_RUN).match(text, at)
            end = run.end() if run else at + 1
            chars.extend(text[at:end])
            origins.extend(range(at, end))
            at = end
    return chars, origins


def _plain(text: str, at: int, want: int) -> _Read:
    # Where a plain scalar ends (": ", " #", a flow indicator) is left to the parser: only
    # the value's own length is read, and the comparison with it decides.
    chars: list[str] = []
    origins: list[int] = []
    while at < len(text) and len(chars) < want:
        if text[at] in " \t\r\n":
            at = _fold(text, at, chars, origins)
        else:
            run = _PLAIN_RUN.match(text, at)
            end = run.end() if run else at + 1
            chars.extend(text[at:end])
            origins.extend(range(at, end))
            at = end
    return chars, origins


def _block(text: str, start: int) -> _Read | None:
    header = _HEADER.match(text, start)
    if header is None or header.group(2):
        # An explicit indentation indicator counts from the parent's indentation, which a
        # scalar alone does not know: the caller falls back to the start mark.
        return None
    literal = text[start] == "|"
    keep = "+" in header.group(1) + header.group(3)
    chars: list[str] = []
    origins: list[int] = []
    indent: int | None = None
    previous: str | None = None  # "normal" or "more" (more indented) for the last line
    empty: list[int] = []  # offsets of the empty lines since the last content line
    at = header.end()
    while at < len(text):
        end = text.find("\n", at)
        end = len(text) if end < 0 else end
        line = text[at:end].rstrip("\r")
        spaces = len(line) - len(line.lstrip(" "))
        if not line.strip(" "):
            empty.append(end)
            at = end + 1
            continue
        if indent is None:
            indent = spaces
        if spaces < indent:
            break
        content = line[indent:]
        kind = "more" if content[0] in _BLANKS else "normal"
        if previous is None:
            chars.extend("\n" * len(empty))
            origins.extend(empty)
        elif literal or previous == "more" or kind == "more":
            chars.append("\n")
            origins.append(at - 1)
            chars.extend("\n" * len(empty))
            origins.extend(empty)
        elif empty:
            # Between two ordinary lines, the first break is dropped and the empty lines
            # stand for themselves.
            chars.extend("\n" * len(empty))
            origins.extend(empty)
        else:
            chars.append(" ")
            origins.append(at - 1)
        chars.extend(content)
        origins.extend(range(at + indent, at + indent + len(content)))
        previous = kind
        empty = []
        at = end + 1
    if previous is not None:
        # The final break (clip and keep) and, when kept, the trailing empty lines; strip
        # drops them, which the comparison with the value's length covers.
        chars.append("\n")
        origins.append(min(at, len(text)) - 1)
        if keep:
            chars.extend("\n" * len(empty))
            origins.extend(empty)
    return chars, origins


def source_map(path: Path) -> SourceMap | None:
    """The text of the briefing at ``path`` as its marks count it, read again; None if gone.

    Read only for a message that points inside a scalar, so a good file costs nothing.
    """
    try:
        return SourceMap(decode(read_regular(path, MAX_BYTES)))
    except (OSError, NotRegularFile, YamlProblem):
        return None
