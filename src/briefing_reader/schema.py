"""A JSON Schema (draft 2020-12) of the briefing format, generated from the model.

One source of truth: the same dataclass fields the loader checks against.
Editors use it through yaml-language-server; see the README.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from briefing_reader.loading.build import FieldSpec, field_specs
from briefing_reader.model import FORMAT, Briefing

SCHEMA_ID = "urn:briefing-reader:schema:briefing-1"


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
        schema = {"type": "string"}
        if spec.const is not None:
            schema["const"] = spec.const
        if spec.pattern is not None:
            schema["pattern"] = spec.pattern[0]
        if spec.required and spec.const is None:
            schema["minLength"] = 1
    elif spec.kind == "object":
        schema = _object(spec.target, spec.doc)
    else:
        if isinstance(spec.target, type) and dataclasses.is_dataclass(spec.target):
            items = _object(spec.target, spec.doc)
        else:
            items = {"type": "string", "minLength": 1}
        # An empty value (`loss_drivers:`) is read as an empty list.
        schema = {"type": ["array", "null"], "items": items}
    if spec.nullable:
        schema = {"anyOf": [schema, {"type": "null"}]}
    return {"description": spec.doc, **schema} if spec.doc else schema
