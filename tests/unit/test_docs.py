"""The README is documentation users rely on: it must agree with the code."""

from __future__ import annotations

import dataclasses
import re

from briefing_reader import cli
from briefing_reader.loading.build import field_specs
from briefing_reader.model import Briefing
from briefing_reader.sections import SECTIONS
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_key_table_is_the_help_key_table() -> None:
    assert cli.KEYS in README


def test_readme_documents_every_field_of_the_format() -> None:
    fenced = re.search(r"```yaml\n(.*?)```", README, re.S)
    assert fenced is not None
    example = fenced.group(1)
    missing = []
    for spec in field_specs(Briefing):
        if spec.name not in example:
            missing.append(spec.name)
        if spec.kind == "object" or (spec.kind == "list" and dataclasses.is_dataclass(spec.target)):
            missing += [
                f"{spec.name}.{f.name}" for f in field_specs(spec.target) if f.name not in example
            ]
    assert missing == []


def test_readme_names_every_pane() -> None:
    for section in SECTIONS:
        assert f"**{section.title}**" in README


def test_readme_setup_is_the_two_make_commands() -> None:
    setup = README.split("## Set-up", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in setup.strip().splitlines()]
    assert commands == ["make run", "make test"]
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in ci


def test_readme_screenshot_exists() -> None:
    (path,) = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", README)
    assert (ROOT / path.replace("%5B", "[").replace("%5D", "]")).is_file()
