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
from functools import cache
from typing import Any, NamedTuple, Protocol

from briefing_reader.loading.problems import Severity
from briefing_reader.loading.yamlsafe import _NULLS, Mapping, Node, Scalar, Sequence
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
    # Text with no pattern and no fixed value: any non-empty text will do (set from the rest).
    plain_text: bool = False


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
        pattern, const = f.metadata.get("pattern"), f.metadata.get("const")
        specs.append(
            FieldSpec(
                f.name,
                kind,
                target,
                required,
                nullable,
                bool(f.metadata.get("multiline")),
                f.metadata.get("doc", ""),
                pattern,
                const,
                kind == "text" and pattern is None and const is None,
            )
        )
    return tuple(specs)


class Report(Protocol):
    def __call__(
        self, code: str, message: str, node: Node, severity: Severity = "error"
    ) -> None: ...


Marks = dict[str, Node]  # the node each value was built from, by its path; .mark says where
_INVALID = object()
# What YAML 1.2 (an editor) reads a plain scalar as, where that is not text, in words.
_NOT_TEXT = {"bool": "true/false", "int": "a number", "float": "a number"}


def build_briefing(root: Node, report: Report, marks: Marks | None = None) -> Briefing | None:
    """Check ``root`` and build the briefing; ``report(code, message, node)`` gets each problem.

    ``marks``, when given, receives where each value was written, by its path
    (``headline_facts[0].evidence``), so later checks can point at it.

    A missing or unknown ``format`` is reported and the rest is still checked by this
    format's rules, so a writer sees every problem at once; but no briefing is returned
    then: a file of another format is not shown as if it were this one.
    """
    marks = {} if marks is None else marks
    if not isinstance(root, Mapping):
        report("not-a-mapping", f"a briefing is a mapping of keys, not {_describe(root)}", root)
        return None
    briefing: Briefing = _build_object(Briefing, root, "", report, marks)
    return briefing if briefing.format == FORMAT else None


def _build_object(cls: type, node: Node, path: str, report: Report, marks: Marks) -> Any:
    if not isinstance(node, Mapping):
        report("type", f"{path or 'briefing'} must be a mapping, not {_describe(node)}", node)
        return _INVALID
    specs = _spec_map(cls)
    given: dict[str, Node] = {}
    for key, value in node.pairs:
        if key.value in specs:
            given[key.value] = value
            continue
        where = f"{path}." if path else ""
        hint = difflib.get_close_matches(key.value, list(specs), n=1, cutoff=0.6)
        suggestion = f"; did you mean '{hint[0]}'?" if hint else ""
        report("unknown-key", f"unknown key '{where}{clean(key.value)}'{suggestion}", key)
    values: dict[str, Any] = {}
    for name, spec in specs.items():
        given_node = given.get(name)
        field_path = f"{path}.{name}" if path else name
        # The common case, inlined (most values of every file): text that is not null, for
        # a field with no pattern or fixed value. Anything else, including text that cleans
        # to nothing, takes _build_value's way, which says what is wrong.
        if (
            type(given_node) is Scalar
            and spec.plain_text
            and not (given_node.plain and given_node.value in _NULLS)
        ):
            text = clean(given_node.value, multiline=spec.multiline)
            if text:
                marks[field_path] = given_node
                values[name] = text
                continue
        if given_node is None:
            if spec.required and spec.const is not None:
                # A fixed field's problems are coded by its name ('format'), as they always were.
                at_top = "" if path else " at the top"
                message = f"{field_path} is required: add '{spec.name}: {spec.const}'{at_top}"
                report(spec.name, message, node)
                values[spec.name] = _fallback(spec)
            elif spec.required:
                report("required", f"{field_path} is required", node)
                values[spec.name] = _fallback(spec)
            continue
        value = _build_value(spec, given_node, field_path, report, marks)
        if value is _INVALID:
            if not spec.required:
                continue
            value = _fallback(spec)
        values[spec.name] = value
    return cls(**values)


@cache
def _spec_map(cls: type) -> dict[str, FieldSpec]:
    """`field_specs` by name, made once per class (never changed by its users)."""
    return {s.name: s for s in field_specs(cls)}


def _fallback(spec: FieldSpec) -> Any:
    if spec.nullable:
        return None
    if spec.kind == "object":
        # Still an instance of the field's class (e.g. an empty Source), never a str.
        return spec.target(**{s.name: _fallback(s) for s in field_specs(spec.target) if s.required})
    return () if spec.kind == "list" else ""


def _build_value(spec: FieldSpec, node: Node, path: str, report: Report, marks: Marks) -> Any:
    marks[path] = node
    if spec.const is not None:
        if isinstance(node, Scalar) and node.value == spec.const:
            return spec.const
        if isinstance(node, Scalar) and not node.is_null:
            # repr, not clean: 'briefing/1 ' must not read as 'briefing/1'; repr is inert too.
            message = f"unsupported {path} {node.value!r}: this reader understands '{spec.const}'"
        else:  # not "unsupported format 'a list'", which reads as if that text were written
            message = f"{path} must be '{spec.const}', not {_describe(node)}"
        report(spec.name, message, node)
        return _INVALID
    # node.is_null, inlined: this runs for every value of every file.
    if isinstance(node, Scalar) and node.plain and node.value in _NULLS:
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
        elif spec.pattern and not re.fullmatch(spec.pattern[0], text):  # `date: ''` too
            report("pattern", f"{path} '{text}' must be {spec.pattern[1]}", node)
        elif spec.pattern and node.core_type in _NOT_TEXT:
            # Any other value is text as written, and the schema lets an editor see a number
            # there; a pattern, though, is checked on text only (`id: 2024`), so say quote it.
            what = _NOT_TEXT[node.core_type]
            message = f"{path} {text} is {what} to editors and other YAML tools; quote it: '{text}'"
            report("quote", message, node, "warning")
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
            text = clean(child.value)
            if not text:  # `- ''`: an item of a list of text is never empty
                report("required", f"{item_path} is empty", child)
                continue
            items.append(text)
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
