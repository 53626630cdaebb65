"""Bytes to a small tree of YAML nodes with marks, safe against hostile input.

PyYAML's own loaders are not enough for untrusted files: they keep the last
of duplicate keys, expand alias bombs, recurse until ``RecursionError`` in the
pure-Python composer, honour explicit tags, and resolve ``no`` to ``False``.
So we take only PyYAML's *event* stream (libyaml's C parser when present) and
compose the tree ourselves, iteratively, refusing what a briefing never needs.
Scalars stay the text that was written.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple, TypeAlias

import yaml

# The libyaml parser when PyYAML was built with it, the pure-Python one otherwise;
# both are tested, since they differ in details (plain style is '' in one, None in the other).
if TYPE_CHECKING:
    # Two unrelated classes: CSafeLoader does not derive from SafeLoader, it only quacks
    # alike. Named only for mypy: yaml.CSafeLoader is missing without libyaml.
    _Loader: TypeAlias = yaml.SafeLoader | yaml.CSafeLoader
LOADERS: dict[str, type[_Loader]] = {"pure": yaml.SafeLoader}
if getattr(yaml, "__with_libyaml__", False):
    LOADERS["c"] = yaml.CSafeLoader
DEFAULT_LOADER = "c" if "c" in LOADERS else "pure"

MAX_BYTES = 1024 * 1024
MAX_DEPTH = 16
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
# YAML 1.2's core schema, as yaml-language-server (so an editor checking the JSON Schema)
# reads a plain scalar. The loader takes every scalar as the text written; this only says
# where an editor sees a number or true/false instead (see build.py and schema.py).
_CORE_BOOL = re.compile(r"true|True|TRUE|false|False|FALSE")
_CORE_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_CORE_FLOAT = re.compile(
    r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
)


# Plain slotted classes rather than dataclasses: these are made for every node of every
# file, and each dataclass definition alone costs ~0.5 ms of start-up. Nodes keep PyYAML's
# 0-based mark and convert it only when asked: most marks are never read.
class Mark(NamedTuple):
    line: int  # 1-based
    column: int  # 1-based


class _Node:
    __slots__ = ("_start",)
    _start: yaml.Mark

    @property
    def mark(self) -> Mark:
        return Mark(self._start.line + 1, self._start.column + 1)


class Scalar(_Node):
    __slots__ = ("plain", "value")

    def __init__(self, value: str, plain: bool, start: yaml.Mark) -> None:
        self.value = value
        self.plain = plain
        self._start = start

    @property
    def is_null(self) -> bool:
        return self.plain and self.value in _NULLS

    @property
    def core_type(self) -> str:
        """What YAML 1.2's core schema reads this scalar as: null, bool, int, float or str."""
        if not self.plain:
            return "str"
        value = self.value
        if value in _NULLS:
            return "null"
        if _CORE_BOOL.fullmatch(value):
            return "bool"
        if _CORE_INT.fullmatch(value):
            return "int"
        return "float" if _CORE_FLOAT.fullmatch(value) else "str"


class Sequence(_Node):
    __slots__ = ("items",)

    def __init__(self, start: yaml.Mark) -> None:
        self._start = start
        self.items: list[Node] = []


class Mapping(_Node):
    __slots__ = ("flow", "pairs")

    def __init__(self, start: yaml.Mark, flow: bool = False) -> None:
        self._start = start
        self.flow = flow
        self.pairs: list[tuple[Scalar, Node]] = []


Node = Scalar | Sequence | Mapping


class YamlProblem(Exception):
    """A located problem found while reading YAML; the loader turns it into a Problem."""

    def __init__(self, code: str, message: str, line: int | None, column: int | None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.line = line
        self.column = column


class Parsed(NamedTuple):
    root: Node
    warnings: list[YamlProblem]


def decode(data: bytes) -> str:
    """UTF-8 bytes to text, refusing other encodings with the location of the first bad byte."""
    if len(data) > MAX_BYTES:
        raise YamlProblem(
            "too-large",
            f"file is {len(data):,} bytes; briefings are limited to {MAX_BYTES:,} bytes",
            None,
            None,
        )
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or (
        len(data) >= 2 and (data[0] == 0 or data[1] == 0)
    ):
        raise YamlProblem("encoding", "file looks like UTF-16 or UTF-32; save it as UTF-8", 1, 1)
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    nul = data.find(b"\x00")
    if nul >= 0:
        line, column = _locate(data, nul)
        raise YamlProblem("encoding", "NUL byte in file; briefings are text", line, column)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _locate(data, exc.start)
        raise YamlProblem(
            "encoding",
            f"invalid UTF-8 byte 0x{data[exc.start]:02x}; save the file as UTF-8",
            line,
            column,
        ) from None


def _locate(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[start:offset].decode("utf-8", errors="replace")) + 1
    return line, column


def parse(text: str, loader_name: str = DEFAULT_LOADER) -> Parsed:
    """Compose exactly one YAML document into nodes, or raise :class:`YamlProblem`."""
    loader_class = LOADERS[loader_name]
    loader: _Loader | None = None
    try:
        # Inside the try: the pure-Python reader checks the whole text for
        # unprintable characters in its constructor and raises ReaderError there.
        loader = loader_class(text)
        return _compose(loader, text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = exc.problem or exc.context or "invalid YAML"
        if exc.context and exc.problem:
            message = f"{exc.problem} ({exc.context})"
        raise YamlProblem(
            "syntax",
            f"YAML syntax: {message}",
            mark.line + 1 if mark else None,
            mark.column + 1 if mark else None,
        ) from None
    except yaml.reader.ReaderError as exc:
        position = exc.position
        if loader_name == "c":
            # libyaml reads the text as UTF-8 and reports a byte offset, not a character one.
            position = len(text.encode("utf-8")[:position].decode("utf-8", "ignore"))
        line, column = _text_locate(text, position)
        raise YamlProblem("syntax", f"YAML: {exc.reason}", line, column) from None
    except yaml.YAMLError as exc:
        raise YamlProblem("syntax", f"YAML: {exc}", None, None) from None
    finally:
        if loader is not None:
            loader.dispose()


def _text_locate(text: str, position: int) -> tuple[int, int]:
    line = text.count("\n", 0, position) + 1
    return line, position - (text.rfind("\n", 0, position) + 1) + 1


def _problem_at(code: str, message: str, event: yaml.Event) -> YamlProblem:
    mark = event.start_mark
    if mark is None:  # the parsers always mark their events; the stubs allow None
        return YamlProblem(code, message, None, None)
    return YamlProblem(code, message, mark.line + 1, mark.column + 1)


def _compose(loader: _Loader, text: str) -> Parsed:
    """One document's events to nodes, iteratively (no recursion, so no depth limit of Python's).

    This loop runs for every event of every file, so it dispatches on exact event classes
    and keeps the open collection's state in locals (pushed on a stack only when a
    collection opens inside it): it is most of the cost of `briefing validate` and of
    indexing a library.
    """
    warnings: list[YamlProblem] = []
    # The collections enclosing the open one: for each, its state as the locals below.
    stack: list[tuple[list[Node] | None, list[tuple[Scalar, Node]] | None, Any, Any]] = []
    # The open collection: a sequence's items, or a mapping's pairs, the keys it has so far
    # and the key awaiting its value; flow is the mapping itself when written in { }.
    items: list[Node] | None = None
    pairs: list[tuple[Scalar, Node]] | None = None
    seen: dict[str, Scalar] = {}
    key: Scalar | None = None
    flow: Mapping | None = None
    root: Node | None = None
    documents = 0
    # Any, not Event: the loop dispatches on `type(event) is ...` for speed, which mypy does
    # not narrow, and isinstance checks here would cost every event of every file.
    get_event: Callable[[], Any] = loader.get_event
    scalar_event, mapping_start, sequence_start = (
        yaml.ScalarEvent,
        yaml.MappingStartEvent,
        yaml.SequenceStartEvent,
    )
    collection_end = (yaml.MappingEndEvent, yaml.SequenceEndEvent)

    while True:
        event = get_event()
        kind = type(event)
        node: Node
        if kind is scalar_event:
            tag = event.tag
            if event.anchor is not None or (tag is not None and tag != "!"):
                raise _refused(event)
            # `! 265` is plain but not "plain" to YAML: the non-specific tag makes it text.
            node = Scalar(event.value, not event.style and tag is None, event.start_mark)
            if key is not None:  # a mapping's value
                if flow is not None:
                    _check_flow_split(flow, key, node, text, warnings)
                pairs.append((key, node))  # type: ignore[union-attr]
                key = None
            elif pairs is not None:  # a mapping's key
                # A dict, not a scan of the pairs: a 1 MiB mapping of many keys stays linear.
                if seen.setdefault(node.value, node) is not node:
                    _check_key(node, seen)  # raises duplicate-key
                key = node
            elif items is not None:
                items.append(node)
            else:
                root = node
            continue
        if kind is mapping_start or kind is sequence_start:
            tag = event.tag
            if event.anchor is not None or (tag is not None and tag != "!"):
                raise _refused(event)
            if len(stack) >= MAX_DEPTH:
                raise _problem_at(
                    "too-deep",
                    f"nesting deeper than {MAX_DEPTH} levels; briefings need only a few",
                    event,
                )
            collection: Mapping | Sequence
            if kind is mapping_start:
                collection = Mapping(event.start_mark, flow=bool(event.flow_style))
            else:
                collection = Sequence(event.start_mark)
            if key is not None:
                pairs.append((key, collection))  # type: ignore[union-attr]
                key = None
            elif pairs is not None:
                _check_key(collection, seen)  # raises complex-key
            elif items is not None:
                items.append(collection)
            else:
                root = collection
            stack.append((items, pairs, seen, flow))
            if isinstance(collection, Mapping):
                items, pairs, seen = None, collection.pairs, {}
                flow = collection if collection.flow else None
            else:
                items, pairs, flow = collection.items, None, None
            continue
        if kind in collection_end:
            items, pairs, seen, flow = stack.pop()
            key = None  # the parent's key took this collection as its value when it opened
        elif kind is yaml.AliasEvent:
            raise _problem_at("alias", "aliases (*name) are not allowed in briefings", event)
        elif kind is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise _problem_at(
                    "multiple-documents",
                    "more than one YAML document; put one briefing in each file",
                    event,
                )
        elif event is None or kind is yaml.StreamEndEvent:
            break
        # else: stream start, document end
    if root is None:
        raise YamlProblem("empty", "file is empty; a briefing is a YAML mapping", 1, 1)
    return Parsed(root, warnings)


def _refused(event: Any) -> YamlProblem:
    """The problem with an anchor or explicit tag on ``event`` (anchors are told first)."""
    if event.anchor is not None:
        return _problem_at("anchor", "anchors (&name) are not allowed in briefings", event)
    return _problem_at("tag", f"explicit tags such as '{event.tag}' are not allowed", event)


def _check_key(node: Node, seen: dict[str, Scalar]) -> Scalar:
    """``node`` as a mapping key: plain text, not seen before in this mapping."""
    if type(node) is not Scalar:
        mark = node.mark
        raise YamlProblem("complex-key", "mapping keys must be plain text", mark.line, mark.column)
    # A dict, not a scan of the pairs: a 1 MiB mapping of many keys stays linear.
    earlier = seen.setdefault(node.value, node)
    if earlier is not node:
        mark = node.mark
        raise YamlProblem(
            "duplicate-key",
            f"duplicate key '{node.value}' (first defined on line {earlier.mark.line})",
            mark.line,
            mark.column,
        )
    return node


def _has_colon(key: Scalar, text: str) -> bool:
    """Whether a ``:`` follows the plain ``key`` in ``text`` (both loaders' marks count
    characters). A key folded over lines is not its own text there: say no, and warn."""
    start = key._start.index
    end = start + len(key.value)
    if text[start:end] != key.value:
        return False
    while end < len(text) and text[end] in " \t":
        end += 1
    return text.startswith(":", end)


def _check_flow_split(
    parent: Mapping, key: Scalar, value: Node, text: str, warnings: list[YamlProblem]
) -> None:
    """Warn where ``{value: $1,200}`` was split at its comma into ``$1`` and a key ``200``.

    The split-off key has no value at all (an empty scalar) and no ``:`` after it; a value
    written as ``null`` or ``~`` (``{label: x, note: null}``), or a key written with its
    colon and left empty (``{label: Net loss, value: }``), was meant, and is not warned about.
    """
    if not (
        isinstance(value, Scalar)
        and value.plain
        and value.value == ""
        and key.plain
        and parent.pairs
        and not _has_colon(key, text)
    ):
        return
    _, previous = parent.pairs[-1]
    if isinstance(previous, Scalar) and previous.plain and previous.value:
        warnings.append(
            YamlProblem(
                "flow-comma",
                f"'{previous.value},{key.value}' was split at the comma inside {{ }}; "
                "quote the value",
                key.mark.line,
                key.mark.column,
            )
        )
