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

from briefing_reader.loading.yamlsafe import Node
from briefing_reader.model import Briefing
from briefing_reader.sections import SECTIONS

# "# draft" or "# draft: hint"; not "# Draft started by ..." (the file's opening note) nor
# "# drafted".
_MARKER = re.compile(r"#[ \t]*draft(?::|[ \t]*$)")
# The line breaks YAML counts, so that line numbers agree with the nodes' marks.
_LINE_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")

_Position = tuple[int, int]  # 0-based line and column, as the scanner counts them


def draft_items_in(text: str, marks: Mapping[str, Node], briefing: Briefing) -> list[str]:
    """The paths (``title``, ``headline_facts[2]``) of values in a briefing's source text
    still marked as drafts."""
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

    def is_draft(where: str, node: Node) -> bool:
        line = node.mark.line - 1
        if line in marked:
            return True
        above = line - 1
        while above >= 0 and is_comment_line(above):
            if above in marked:
                return True
            above -= 1
        # `ceo_quote:  # draft` above the mapping it keys: the key's line is the value's.
        # Not for a list's items: `headline_facts:  # draft` is about no one item.
        return "[" not in where and above in marked and _is_key_line(lines[above])

    return [where for where in _checked(marks, briefing) if is_draft(where, marks[where])]


def _is_key_line(line: str) -> bool:
    """Whether ``line`` is a key whose value starts on a later line (a marker after it)."""
    match = _MARKER.search(line)
    return match is not None and line[: match.start()].rstrip().endswith(":")


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
                if token.style in ("|", ">"):
                    # A block scalar's token starts at its `>-` header, whose line holds
                    # only indicators and a comment: the text starts on the next line.
                    spans.append(((start.line + 1, 0), (end.line, end.column)))
                else:
                    spans.append(((start.line, start.column), (end.line, end.column)))
    except yaml.YAMLError:
        return None  # the loader has reported the syntax error
    return spans
