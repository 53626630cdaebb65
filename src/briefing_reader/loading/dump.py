"""A briefing back to YAML text that the loader reads as the same briefing.

Generic over the model: the shape comes from :func:`field_specs`, as the loader's
checks do, so a new field is dumped without a change here. Keys come in the
model's field order; every string is double-quoted (JSON's escaping, which is
valid YAML), so nothing is reinterpreted: `no`, `~`, `012` or `[bold]` stay text.
Optional fields that are None are left out; an empty list is ``[]`` and a null
nullable object (``ceo_quote``) is ``null``.
"""

from __future__ import annotations

import json
from typing import Any

from briefing_reader.loading.build import field_specs
from briefing_reader.model import Briefing

_INDENT = "  "


def dump_briefing(briefing: Briefing) -> str:
    """``briefing`` as YAML text; loading it gives an equal briefing and no problems."""
    lines: list[str] = []
    _dump_object(briefing, "", lines)
    return "\n".join(lines) + "\n"


def _dump_object(obj: Any, indent: str, lines: list[str]) -> None:
    model_class: type = type(obj)  # as `type`: mypy finds type[Any] unhashable for the cache
    for spec in field_specs(model_class):
        value = getattr(obj, spec.name)
        key = f"{indent}{spec.name}:"
        if value is None:
            if spec.required:  # a required but nullable field is written out as null
                lines.append(f"{key} null")
            continue
        if spec.kind == "text":
            lines.append(f"{key} {quote_scalar(value)}")
        elif spec.kind == "object":
            lines.append(key)
            _dump_object(value, indent + _INDENT, lines)
        elif not value:
            lines.append(f"{key} []")
        else:
            lines.append(key)
            for item in value:
                _dump_item(item, spec.target, indent + _INDENT, lines)


def _dump_item(item: Any, target: Any, indent: str, lines: list[str]) -> None:
    """One list item at ``indent``: ``- "text"``, or an object's fields after ``- ``."""
    if target is str:
        lines.append(f"{indent}- {quote_scalar(item)}")
        return
    inner: list[str] = []
    body = indent + _INDENT
    _dump_object(item, body, inner)
    if not inner:  # an object with every field left out
        lines.append(f"{indent}- {{}}")
        return
    # The first field goes on the dash's line: "  - label: ..." then "    value: ...".
    lines.append(f"{indent}- {inner[0][len(body) :]}")
    lines.extend(inner[1:])


def quote_scalar(text: str) -> str:
    """``text`` as a YAML double-quoted scalar, with only printable characters in the file.

    JSON escapes quotes, backslashes and C0 controls; any other unprintable character
    (DEL, C1, U+2028, U+FEFF, bidi and zero-width characters, a noncharacter...) is
    escaped too: YAML readers refuse some of them raw and fold others as line breaks.
    Every file this package writes (dumps, drafts) quotes its strings with this.
    """
    quoted = json.dumps(text, ensure_ascii=False)
    if quoted.isprintable():
        return quoted
    return "".join(ch if ch.isprintable() else _escape(ch) for ch in quoted)


def _escape(ch: str) -> str:
    code = ord(ch)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"
