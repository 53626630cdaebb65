"""A JSON Schema (draft 2020-12) of the briefing format, generated from the model.

One source of truth: the same dataclass fields the loader checks against.
Editors use it through yaml-language-server; see the README.

The loader reads every scalar as the text written, but an editor checks the schema against
YAML 1.2's reading, where a plain ``265`` is a number and ``true`` a boolean. So free text
also allows numbers and booleans (never null: an empty value is "none" in both), and fields
checked against a pattern or a constant stay strings, where the loader warns "quote it".
"""

from __future__ import annotations

import dataclasses
from functools import cache
from typing import Any

from briefing_reader.loading.build import FieldSpec, field_specs
from briefing_reader.model import FORMAT, Briefing
from briefing_reader.text import clean

SCHEMA_ID = "urn:briefing-reader:schema:briefing-1"


def schema_text() -> str:
    """The schema as `briefing schema` prints it and `briefing new` writes it beside a draft."""
    import json

    return json.dumps(briefing_schema(), indent=2) + "\n"


def briefing_schema() -> dict[str, Any]:
    schema = _object(Briefing, doc=f"A briefing in format {FORMAT}.")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": f"Briefing ({FORMAT})",
        **schema,
    }


def _object(cls: type, doc: str) -> dict[str, Any]:
    specs = field_specs(cls)
    return {
        "type": "object",
        "description": (cls.__doc__ or doc).strip(),
        "properties": {spec.name: _field(spec) for spec in specs},
        "required": [spec.name for spec in specs if spec.required],
        "additionalProperties": False,
    }


def _field(spec: FieldSpec) -> dict[str, Any]:
    schema: dict[str, Any]
    if spec.kind == "text":
        if spec.const is not None:
            schema = {"type": "string", "const": spec.const}
        elif spec.pattern is not None:
            schema = {
                "type": "string",
                "pattern": _around_blanks(spec.pattern[0]),
                # yaml-language-server's own keywords (other validators ignore them): its
                # messages then say what the loader says.
                "patternErrorMessage": f"must be {spec.pattern[1]}",
                "errorMessage": "must be text: quote a number or true/false",
            }
        else:
            schema = _free_text(required=spec.required)
    elif spec.kind == "object":
        schema = _object(spec.target, spec.doc)
    else:
        if isinstance(spec.target, type) and dataclasses.is_dataclass(spec.target):
            items = _object(spec.target, spec.doc)
        else:
            items = _free_text(required=True)
        # An empty value (`loss_drivers:`) is read as an empty list.
        schema = {"type": ["array", "null"], "items": items}
    if spec.nullable:
        schema = {"anyOf": [schema, {"type": "null"}]}
    return {"description": spec.doc, **schema} if spec.doc else schema


def _free_text(*, required: bool) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": ["string", "number", "boolean"]}
    if required:
        # Not minLength: the loader strips the text, so "  " is as empty as "" (a number or
        # a boolean is never empty, and a pattern checks strings only).
        schema["pattern"] = f"[^{_blank_class()}]"
        schema["patternErrorMessage"] = "is empty; write some text"
    return schema


@cache
def _blank_class() -> str:
    """The characters :func:`clean` strips away entirely, as a regular expression class
    that reads the same in Python and in ECMAScript (yaml-language-server's dialect)."""
    # Every white space character of Unicode is in its first plane: no need to scan all 17.
    blank = (chr(c) for c in range(0x10000) if chr(c).isspace())
    return "".join(
        f"\\u{ord(ch):04x}" for ch in blank if not clean(ch) and not clean(ch, multiline=True)
    )


def _around_blanks(pattern: str) -> str:
    """``pattern`` (anchored, as the model writes them) with the blanks :func:`clean` strips
    allowed around it: the loader matches the stripped text (`date: ' 2024-01-01 '`)."""
    assert pattern.startswith("^") and pattern.endswith("$"), pattern
    blank = _blank_class()
    return f"^[{blank}]*(?:{pattern[1:-1]})[{blank}]*$"
