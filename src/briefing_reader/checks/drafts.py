"""Items still marked as drafts: the ``# draft`` comment that `briefing new` writes.

`briefing new` puts a ``# draft: ...`` comment above every value it found mechanically;
the author deletes it once the value is checked. An item is still a draft while a marker
comment stands on its own line (``- label: x  # draft``) or among the comment lines right
above it. YAML events carry no comments, so the source text is scanned for the marker,
and the scanner's scalar tokens say which ``#`` lies inside a value: ``"# draft"`` in a
quoted string, or on a continuation line of a multi-line scalar, is text, not a comment.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path

from briefing_reader.loading.yamlsafe import MAX_BYTES, Node
from briefing_reader.model import SECTIONS, Briefing

# "# draft" or "# draft: hint"; not "# Draft started by ..." (the file's opening note) nor
# "# drafted".
_MARKER = re.compile(r"#[ \t]*draft(?::|[ \t]*$)")
# Most briefings hold no marker at all: they cost one search of their bytes.
_QUICK = re.compile(rb"#[ \t]*draft")
# The line breaks YAML counts, so that line numbers agree with the nodes' marks.
_LINE_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")

_Position = tuple[int, int]  # 0-based line and column, as the scanner counts them


def draft_items(path: Path, marks: Mapping[str, Node], briefing: Briefing) -> list[str]:
    """The paths (``title``, ``headline_facts[2]``) of values in the file at ``path`` still
    marked as drafts. A file that cannot be read again (gone, changed into something else)
    has none: the loader has already said what it could."""
    from briefing_reader.loading.regular import NotRegularFile, read_regular

    try:
        data = read_regular(path, MAX_BYTES)
    except (OSError, NotRegularFile):
        return []
    if not _QUICK.search(data):
        return []
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        return []
    return draft_items_in(text, marks, briefing)


def draft_items_in(text: str, marks: Mapping[str, Node], briefing: Briefing) -> list[str]:
    """:func:`draft_items` for a briefing's source text."""
    lines = _LINE_BREAK.split(text)
    candidates = [i for i, line in enumerate(lines) if _MARKER.search(line)]
    if not candidates:
        return []
    scalars = _scalar_spans(text)
    if scalars is None:
        return []
    marked = {i for i in candidates if _is_marker(lines[i], i, scalars)}
    if not marked:
        return []

    def is_comment_line(index: int) -> bool:
        stripped = lines[index].lstrip(" \t")
        column = len(lines[index]) - len(stripped)
        return stripped.startswith("#") and not _inside((index, column), scalars)

    def is_draft(node: Node) -> bool:
        line = node.mark.line - 1
        if line in marked:
            return True
        above = line - 1
        while above >= 0 and is_comment_line(above):
            if above in marked:
                return True
            above -= 1
        return False

    return [where for where in _checked(marks, briefing) if is_draft(marks[where])]


def _checked(marks: Mapping[str, Node], briefing: Briefing) -> Iterator[str]:
    """The header's fields and every section's items, in file order of the model."""
    sections = {section.key for section in SECTIONS}
    for where in marks:
        if "." not in where and "[" not in where and where not in sections:
            yield where
    for section in SECTIONS:
        for index in range(len(briefing.items(section))):
            where = section.where(index)
            if where in marks:
                yield where


def _is_marker(line: str, index: int, scalars: list[tuple[_Position, _Position]]) -> bool:
    for match in _MARKER.finditer(line):
        start = match.start()
        # YAML starts a comment only at a line's start or after a blank.
        if (start == 0 or line[start - 1] in " \t") and not _inside((index, start), scalars):
            return True
    return False


def _inside(position: _Position, scalars: list[tuple[_Position, _Position]]) -> bool:
    return any(start <= position < end for start, end in scalars)


def _scalar_spans(text: str) -> list[tuple[_Position, _Position]] | None:
    """Where each scalar (key or value) stands in ``text``; None if it cannot be scanned."""
    import yaml

    spans: list[tuple[_Position, _Position]] = []
    try:
        # The pure-Python scanner: it counts lines and columns in characters, as `lines` does
        # (libyaml's marks are the same, but its index is in bytes), and only files holding a
        # marker get here.
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if isinstance(token, yaml.ScalarToken):
                start, end = token.start_mark, token.end_mark
                spans.append(((start.line, start.column), (end.line, end.column)))
    except yaml.YAMLError:
        return None  # the loader has reported the syntax error
    return spans
