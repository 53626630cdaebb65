"""YAML nodes to the briefing model, checked against the model's own field lists.

The checks are read off the dataclasses in :mod:`briefing_reader.model`:
a field without a default is required, ``X | None`` may be null,
``tuple[X, ...]`` is a list, a dataclass is a mapping. Errors are collected
(not raised one at a time) so a writer sees every problem in one pass, and
the briefing is still built where it can be: a value of the wrong shape is
left out, or becomes empty where the field is required.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
import types
import typing
from collections.abc import Callable
from functools import cache
from typing import Any, NamedTuple

from briefing_reader.loading.yamlsafe import Mapping, Node, Scalar, Sequence
from briefing_reader.model import FORMAT, Briefing
from briefing_reader.text import clean


class FieldSpec(NamedTuple):
    name: str
    kind: str  # "text", "list", "object"
    target: Any  # dataclass for "object" and lists of objects, str otherwise
    required: bool
    nullable: bool
    multiline: bool
    doc: str
    pattern: tuple[str, str] | None = None  # (regular expression, what it means in words)
    const: str | None = None


@cache
def field_specs(cls: type) -> tuple[FieldSpec, ...]:
    """The checkable shape of a model dataclass, derived from its annotations."""
    hints = typing.get_type_hints(cls)
    specs = []
    for f in dataclasses.fields(cls):
        hint = hints[f.name]
        nullable = False
        args = typing.get_args(hint)
        if isinstance(hint, types.UnionType) and type(None) in args:
            nullable = True
            (hint,) = (a for a in args if a is not type(None))
        if typing.get_origin(hint) is tuple:
            kind, target = "list", typing.get_args(hint)[0]
        elif dataclasses.is_dataclass(hint):
            kind, target = "object", hint
        else:
            kind, target = "text", str
        required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        specs.append(
            FieldSpec(
                f.name,
                kind,
                target,
                required,
                nullable,
                bool(f.metadata.get("multiline")),
                f.metadata.get("doc", ""),
                f.metadata.get("pattern"),
                f.metadata.get("const"),
            )
        )
    return tuple(specs)


Report = Callable[[str, str, Node], None]
Marks = dict[str, Node]  # the node each value was built from, by its path; .mark says where
_INVALID = object()


def build_briefing(root: Node, report: Report, marks: Marks | None = None) -> Briefing | None:
    """Check ``root`` and build the briefing; ``report(code, message, node)`` gets each error.

    ``marks``, when given, receives where each value was written, by its path
    (``headline_facts[0].evidence``), so later checks can point at it.
    """
    marks = {} if marks is None else marks
    if not isinstance(root, Mapping):
        report("not-a-mapping", f"a briefing is a mapping of keys, not {_describe(root)}", root)
        return None
    fmt = next((v for k, v in root.pairs if k.value == "format"), None)
    if fmt is None:
        report("format", f"format is required: add 'format: {FORMAT}' at the top", root)
        return None
    if not (isinstance(fmt, Scalar) and fmt.value == FORMAT):
        if isinstance(fmt, Scalar) and not fmt.is_null:
            # repr, not clean: 'briefing/1 ' must not read as 'briefing/1'; repr is inert too.
            message = f"unsupported format {fmt.value!r}: this reader understands '{FORMAT}'"
        else:  # not "unsupported format 'a list'", which reads as if that text were written
            message = f"format must be '{FORMAT}', not {_describe(fmt)}"
        report("format", message, fmt)
        return None
    briefing = _build_object(Briefing, root, "", report, marks)
    return None if briefing is _INVALID else briefing


def _build_object(cls: type, node: Node, path: str, report: Report, marks: Marks) -> Any:
    if not isinstance(node, Mapping):
        report("type", f"{path or 'briefing'} must be a mapping, not {_describe(node)}", node)
        return _INVALID
    specs = {s.name: s for s in field_specs(cls)}
    given: dict[str, tuple[Scalar, Node]] = {}
    for key, value in node.pairs:
        if key.value in specs:
            given[key.value] = (key, value)
            continue
        where = f"{path}." if path else ""
        hint = difflib.get_close_matches(key.value, list(specs), n=1, cutoff=0.6)
        suggestion = f"; did you mean '{hint[0]}'?" if hint else ""
        report("unknown-key", f"unknown key '{where}{clean(key.value)}'{suggestion}", key)
    values: dict[str, Any] = {}
    for spec in specs.values():
        field_path = f"{path}.{spec.name}" if path else spec.name
        if spec.name not in given:
            if spec.required:
                report("required", f"{field_path} is required", node)
                values[spec.name] = _fallback(spec)
            continue
        value = _build_value(spec, given[spec.name][1], field_path, report, marks)
        if value is _INVALID:
            if not spec.required:
                continue
            value = _fallback(spec)
        values[spec.name] = value
    return cls(**values)


def _fallback(spec: FieldSpec) -> Any:
    if spec.nullable:
        return None
    if spec.kind == "object":
        # Still an instance of the field's class (e.g. an empty Source), never a str.
        return spec.target(**{s.name: _fallback(s) for s in field_specs(spec.target) if s.required})
    return () if spec.kind == "list" else ""


def _build_value(spec: FieldSpec, node: Node, path: str, report: Report, marks: Marks) -> Any:
    marks[path] = node
    if isinstance(node, Scalar) and node.is_null:
        if spec.nullable:
            return None
        if spec.kind == "list":
            return ()  # `loss_drivers:` with nothing after it: an empty section
        report("required", f"{path} is required", node)
        return _INVALID
    if spec.kind == "text":
        if not isinstance(node, Scalar):
            report("type", f"{path} must be text, not {_describe(node)}", node)
            return _INVALID
        text = clean(node.value, multiline=spec.multiline)
        if spec.required and not text:
            report("required", f"{path} is required", node)
        elif spec.pattern and text and not re.fullmatch(spec.pattern[0], text):
            report("pattern", f"{path} '{text}' must be {spec.pattern[1]}", node)
        return text
    if spec.kind == "object":
        return _build_object(spec.target, node, path, report, marks)
    if not isinstance(node, Sequence):
        report("type", f"{path} must be a list, not {_describe(node)}", node)
        return _INVALID
    items = []
    for index, child in enumerate(node.items):
        item_path = f"{path}[{index}]"
        if spec.target is str:
            if not isinstance(child, Scalar) or child.is_null:
                report("type", f"{item_path} must be text, not {_describe(child)}", child)
                continue
            items.append(clean(child.value))
        else:
            marks[item_path] = child
            built = _build_object(spec.target, child, item_path, report, marks)
            if built is _INVALID:
                continue
            if index != len(items):
                # An earlier item was left out: marks follow the model's numbering,
                # messages (already reported) the file's.
                _renumber(marks, item_path, f"{path}[{len(items)}]")
            items.append(built)
    return tuple(items)


def _renumber(marks: Marks, old: str, new: str) -> None:
    for key in [k for k in marks if k == old or k.startswith((old + ".", old + "["))]:
        marks[new + key[len(old) :]] = marks.pop(key)


def _describe(node: Node) -> str:
    if isinstance(node, Mapping):
        return "a mapping"
    if isinstance(node, Sequence):
        return "a list"
    if node.is_null:
        return "empty"
    return "text"
