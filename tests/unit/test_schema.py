"""`briefing schema`: a JSON Schema generated from the model that agrees with the loader."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from briefing_reader import cli
from briefing_reader.loading import load_text
from briefing_reader.loading.yamlsafe import parse
from tests.conftest import FIXTURES, ROOT
from tests.unit.test_schema_agreement import editor_json


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = json.loads(_printed_schema())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _printed_schema() -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert cli.main(["schema"]) == 0
    return out.getvalue()


def schema_errors(validator: Draft202012Validator, text: str) -> list[str]:
    # As an editor checks it: scalars read by YAML 1.2 (`2024` a number), not as the loader.
    return [e.message for e in validator.iter_errors(editor_json(parse(text).root))]


def loader_errors(text: str) -> list[str]:
    return [p.message for p in load_text(text, Path("x.yaml")).errors]


def test_printed_schema_is_draft_2020_12_and_documents_fields() -> None:
    schema = json.loads(_printed_schema())
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["properties"]["format"]["const"] == "briefing/1"
    fact = schema["properties"]["headline_facts"]["items"]
    assert fact["required"] == ["label", "value"]
    assert "verbatim" in fact["properties"]["evidence"]["description"]


def test_every_bundled_briefing_matches_the_schema(validator: Draft202012Validator) -> None:
    files = sorted((ROOT / "briefings").glob("*.yaml"))
    assert files
    for path in files:
        assert schema_errors(validator, path.read_text(encoding="utf-8")) == [], path


VALID = (FIXTURES / "minimal.yaml").read_text(encoding="utf-8")

# Each mistake, made in an otherwise valid briefing, as (what is replaced, by what).
MISTAKES = {
    "missing title": ("title: A briefing with nothing optional\n", ""),
    "unknown key": ("title:", "titel: x\ntitle:"),
    "wrong format": ("format: briefing/1", "format: briefing/2"),
    "id not a slug": ("id: minimal", "id: Not A Slug"),
    "section not a list": ("loss_drivers: []", "loss_drivers: none at all"),
    "item missing label": ("headline_facts: []", "headline_facts:\n  - {value: $1}"),
    "item unknown key": ("headline_facts: []", "headline_facts:\n  - {label: a, value: b, x: c}"),
    "quote missing speaker": ("ceo_quote: null", "ceo_quote: {text: hello}"),
    "tags not a list": ("title:", "tags: a, b\ntitle:"),
    "source missing file": ("  file: sources/minimal.txt\n", ""),
    "empty required text": ("title: A briefing with nothing optional", 'title: ""'),
    "missing section": ("open_questions: []\n", ""),
}

ACCEPTED = {
    "as is": ("", ""),
    "empty section value": ("loss_drivers: []", "loss_drivers:"),
    "no as text": ("headline_facts: []", "headline_facts:\n  - {label: ok, value: no}"),
    "quote without role": ("ceo_quote: null", "ceo_quote: {text: hi, speaker: Ann}"),
    "url given": ("  file: sources/minimal.txt", "  file: sources/minimal.txt\n  url: ~"),
}


@pytest.mark.parametrize("name", MISTAKES)
def test_schema_rejects_what_the_loader_rejects(validator: Draft202012Validator, name: str) -> None:
    old, new = MISTAKES[name]
    assert old in VALID
    text = VALID.replace(old, new, 1)
    assert loader_errors(text), "the loader accepts it"
    assert schema_errors(validator, text), "the schema accepts it"


@pytest.mark.parametrize("name", ACCEPTED)
def test_schema_accepts_what_the_loader_accepts(validator: Draft202012Validator, name: str) -> None:
    old, new = ACCEPTED[name]
    text = VALID.replace(old, new, 1)
    assert loader_errors(text) == []
    assert schema_errors(validator, text) == []
