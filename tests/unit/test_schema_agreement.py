"""`briefing schema` and `briefing validate` give the same verdict on every scalar (issue 15).

The loader reads every scalar as the text written (`value: 265` is the text "265"); an
editor checks the JSON Schema against YAML 1.2's reading of the file, as yaml-language-server
does: there a plain `265` is a number, `true` a boolean and `~` null. Each scalar below (a
hand list, and every one-line scalar of the yaml-test-suite corpus) is written into every
text field of one briefing at once; the loader's problems and the schema's errors must fall
on the same values: both accept a value, or both refuse (or warn about) it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator, ValidationError

from briefing_reader.loading import load_text
from briefing_reader.loading.build import field_specs
from briefing_reader.loading.yamlsafe import Mapping, Node, Scalar, Sequence, YamlProblem, parse
from briefing_reader.model import Briefing
from briefing_reader.schema import briefing_schema
from tests.conftest import DATA, FIXTURES

PATH = Path("x.yaml")
CORPUS = DATA / "yaml-test-suite" / "cases"

# Each scalar as written, with what YAML 1.2's core schema reads it as. Checked against the
# `yaml` package (2.8.3) that yaml-language-server parses with, under its default version
# 1.2: YAML 1.1's yes/no/on/off, 012 octal, 12:30:00 and dates are strings there.
HAND: dict[str, str] = {
    "265": "int",
    "-1": "int",
    "+5": "int",
    "007": "int",
    "012": "int",
    "0x1F": "int",
    "0o17": "int",
    "1.5": "float",
    "1.10": "float",
    "1e3": "float",
    "1e-3": "float",
    ".5": "float",
    "1.": "float",
    ".inf": "float",
    "-.inf": "float",
    ".nan": "float",
    "true": "bool",
    "false": "bool",
    "True": "bool",
    "FALSE": "bool",
    "null": "null",
    "Null": "null",
    "~": "null",
    "": "null",
    "yes": "str",
    "no": "str",
    "on": "str",
    "off": "str",
    "tRUE": "str",
    "nULL": "str",
    "-.nan": "str",
    "0b1": "str",
    "-0x1": "str",
    "0o8": "str",
    "1_000": "str",
    "1e": "str",
    "2024-01-01": "str",
    "12:30:00": "str",
    "$265 million": "str",
    "a-slug": "str",
    "''": "str",
    "'  '": "str",
    "' 2024-01-01 '": "str",
    '"\\t"': "str",
    '"a: b"': "str",
    "'265'": "str",
    "! 265": "str",  # the non-specific tag: text, whatever it looks like
    "! ~": "str",
    "!": "str",
}


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = briefing_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def editor_json(node: Node) -> object:
    """The file as yaml-language-server hands it to the schema: scalars by YAML 1.2's core."""
    if isinstance(node, Sequence):
        return [editor_json(item) for item in node.items]
    if isinstance(node, Mapping):
        return {key.value: editor_json(value) for key, value in node.pairs}
    kind = node.core_type
    if kind == "null":
        return None
    if kind == "bool":
        return node.value.lower() == "true"
    if kind == "int":
        digits = node.value
        base = {"0x": 16, "0o": 8}.get(digits[:2], 10)
        return int(digits[2:] if base != 10 else digits, base)
    if kind == "float":
        special = node.value.lstrip("+-").lower()
        if special in (".inf", ".nan"):
            sign = -1 if node.value.startswith("-") else 1
            return sign * math.inf if special == ".inf" else math.nan
        return float(node.value)
    return node.value


def node_at(root: Node, path: object) -> Node:
    node = root
    for step in path:  # type: ignore[attr-defined]
        if isinstance(node, Mapping):
            node = next(value for key, value in node.pairs if key.value == step)
        else:
            assert isinstance(node, Sequence)
            node = node.items[step]
    return node


def briefing_lines(cls: type, value: str, indent: str = "", flow_tags: bool = False) -> list[str]:
    """A briefing with ``value`` written in every text field, from the model's own fields."""
    lines = []
    for spec in field_specs(cls):
        key = f"{indent}{spec.name}:"
        if spec.kind == "text":
            lines.append(f"{key} {value}")
        elif spec.kind == "object":
            lines += [key, *briefing_lines(spec.target, value, indent + "  ")]
        elif spec.target is str:
            lines += [f"{key} [earnings, {value}]"] if flow_tags else [key, f"{indent}  - {value}"]
        else:
            lines += [key, f"{indent}  -", *briefing_lines(spec.target, value, indent + "    ")]
    return lines


def verdicts(validator: Draft202012Validator, text: str) -> tuple[set[str], set[str]] | None:
    """Where the loader and where the schema find a problem, as `line:column` of each value;
    None if the text is not YAML (every tool refuses it)."""
    try:
        root = parse(text).root
    except YamlProblem:
        return None
    loader = {f"{p.line}:{p.column}" for p in load_text(text, PATH).problems}
    schema = set()
    for error in validator.iter_errors(editor_json(root)):
        for leaf in leaves(error):
            mark = node_at(root, leaf.absolute_path).mark
            schema.add(f"{mark.line}:{mark.column}")
    return loader, schema


def leaves(error: ValidationError) -> Iterator[ValidationError]:
    """A nullable field's error as an editor shows it: that of the branch that is not null
    (a quote with no speaker is marked at its speaker, not as "not null either")."""
    if error.validator == "anyOf" and error.context:
        for sub in error.context:
            if not (sub.validator == "type" and sub.validator_value == "null"):
                yield from leaves(sub)
    else:
        yield error


def corpus_scalars() -> list[str]:
    """Every scalar of the corpus written on one line, as written (quotes and all), that the
    loader can read at all: anchors and explicit tags are refused before any schema."""
    written = set()
    for path in sorted(CORPUS.glob("*.yaml")):
        text = path.read_text(encoding="utf-8", errors="replace")
        try:
            for event in yaml.parse(text, Loader=yaml.SafeLoader):
                if (
                    isinstance(event, yaml.ScalarEvent)
                    and event.anchor is None
                    and event.tag in (None, "!")
                    and event.start_mark.line == event.end_mark.line
                ):
                    written.add(text[event.start_mark.index : event.end_mark.index])
        except yaml.YAMLError:
            continue  # the scalars before the error were taken
    return sorted(written)


@pytest.mark.parametrize("written", HAND)
def test_core_type_is_yaml_1_2s_core_schema(written: str) -> None:
    node = parse(f"v: {written}").root
    assert isinstance(node, Mapping)
    value = node.pairs[0][1]
    assert isinstance(value, Scalar)
    assert value.core_type == HAND[written]


@pytest.mark.parametrize("flow_tags", [False, True], ids=["block", "flow-tags"])
@pytest.mark.parametrize("written", HAND)
def test_schema_and_loader_agree_on_a_scalar_in_every_field(
    validator: Draft202012Validator, written: str, flow_tags: bool
) -> None:
    text = "\n".join(briefing_lines(Briefing, written, flow_tags=flow_tags)) + "\n"
    outcome = verdicts(validator, text)
    if outcome is None:  # not YAML here (`[earnings, !]`): refused by every tool
        assert "syntax" in [p.code for p in load_text(text, PATH).problems]
        return
    loader, schema = outcome
    assert loader == schema, text


def test_schema_and_loader_agree_on_every_scalar_of_the_corpus(
    validator: Draft202012Validator,
) -> None:
    scalars = corpus_scalars()
    assert len(scalars) > 250  # the corpus was read, not skipped
    compared = 0
    disagreements = []
    for written in scalars:
        text = "\n".join(briefing_lines(Briefing, written)) + "\n"
        outcome = verdicts(validator, text)
        if outcome is None:
            continue
        compared += 1
        loader, schema = outcome
        if loader != schema:
            disagreements.append((written, sorted(loader ^ schema)))
    assert compared > 200
    assert disagreements == []


# --- What the rule means for a writer ---------------------------------------------------------

BASE = (FIXTURES / "minimal.yaml").read_text(encoding="utf-8")
# After minimal.yaml's comment line: line 10 is the value, line 11 the tags.
FACT = "headline_facts:\n  - label: Net loss\n    value: VALUE\ntags: TAGS\n"


def fact(value: str, tags: str = "[earnings]") -> str:
    return BASE.replace("headline_facts: []\n", FACT.replace("VALUE", value).replace("TAGS", tags))


def schema_says(validator: Draft202012Validator, text: str) -> list[str]:
    return [error.message for error in validator.iter_errors(editor_json(parse(text).root))]


@pytest.mark.parametrize("value", ["265", "1.50", "true", "no", "0x10", "1e3", "2024-01-01"])
def test_a_plain_number_or_boolean_is_text_as_written_in_both(
    validator: Draft202012Validator, value: str
) -> None:
    text = fact(value, tags="[earnings, 2024, true]")
    loaded = load_text(text, PATH)
    assert loaded.problems == ()
    assert loaded.strict().headline_facts[0].value == value  # "1.50", not 1.5
    assert loaded.strict().tags == ("earnings", "2024", "true")
    assert schema_says(validator, text) == []


@pytest.mark.parametrize("value", ["", "~", "null", "''", "' '"])
def test_an_empty_required_value_is_refused_by_both(
    validator: Draft202012Validator, value: str
) -> None:
    text = fact(value)
    problems = load_text(text, PATH).problems
    assert [(p.line, p.severity, p.message) for p in problems] == [
        (10, "error", "headline_facts[0].value is required")
    ]
    assert len(schema_says(validator, text)) == 1


@pytest.mark.parametrize("tag", ["''", "' '", "~"])
def test_an_empty_tag_is_refused_by_both(validator: Draft202012Validator, tag: str) -> None:
    text = fact("$1", tags=f"[earnings, {tag}]")
    problems = load_text(text, PATH).problems
    assert [(p.line, p.column, p.severity) for p in problems] == [(11, 18, "error")]
    assert len(schema_says(validator, text)) == 1


def test_a_plain_number_as_id_is_warned_about_and_red_in_the_editor(
    validator: Draft202012Validator,
) -> None:
    text = BASE.replace("id: minimal", "id: 2024")
    loaded = load_text(text, PATH)
    assert [str(p) for p in loaded.problems] == [
        "x.yaml:3:5: warning: id 2024 is a number to editors and other YAML tools; quote it: '2024'"
    ]
    assert loaded.strict().id == "2024"  # a warning: the briefing still opens
    assert schema_says(validator, text) == ["2024 is not of type 'string'"]
    # What yaml-language-server says instead of that (its own keyword).
    assert briefing_schema()["properties"]["id"]["errorMessage"] == (
        "must be text: quote a number or true/false"
    )
    quoted = BASE.replace("id: minimal", "id: '2024'")
    assert load_text(quoted, PATH).problems == ()
    assert schema_says(validator, quoted) == []


def test_the_printed_schema_allows_numbers_and_booleans_in_free_text_only() -> None:
    schema = json.loads(json.dumps(briefing_schema()))
    fact_schema = schema["properties"]["headline_facts"]["items"]["properties"]
    assert fact_schema["value"]["type"] == ["string", "number", "boolean"]
    assert schema["properties"]["tags"]["items"]["type"] == ["string", "number", "boolean"]
    assert schema["properties"]["id"]["type"] == "string"
    assert schema["properties"]["format"]["type"] == "string"
