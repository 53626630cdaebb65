"""The package's metadata says what the project promises, and the sdist holds what its tests read.

tests/functional/test_packaging_build.py builds the wheel and the sdist and looks inside them.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from typing import Any

import pytest

from tests.conftest import ROOT

PYPROJECT: dict[str, Any] = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PROJECT: dict[str, Any] = PYPROJECT["project"]
SDIST_INCLUDE: list[str] = PYPROJECT["tool"]["hatch"]["build"]["targets"]["sdist"]["include"]
# A link or picture target with a scheme (https:, mailto:) resolves anywhere; any other is a
# path (or #anchor) of the repository.
ABSOLUTE = re.compile(r"[a-z][a-z0-9+.-]*:", re.I)


def makefile_pythons() -> list[str]:
    (line,) = re.findall(r"^PYTHONS\s*:?=\s*(.+)$", (ROOT / "Makefile").read_text(), re.M)
    return line.split()


def test_classifiers_name_exactly_the_pythons_make_test_runs_on() -> None:
    pythons = makefile_pythons()
    named = [
        c.rsplit(" :: ", 1)[1]
        for c in PROJECT["classifiers"]
        if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)
    ]
    assert named == pythons
    assert PROJECT["requires-python"] == f">={pythons[0]}"


def test_license_is_the_mit_text_named_in_license_files() -> None:
    license_text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert license_text.startswith("MIT License\n")
    assert "Copyright (c) 2026 the briefing-reader authors" in license_text
    assert PROJECT["license"] == "MIT"
    assert PROJECT["license-files"] == ["LICENSE"]
    # PEP 639: the expression replaces the License classifiers, never beside them.
    assert not [c for c in PROJECT["classifiers"] if c.startswith("License ::")]


def test_the_package_says_it_is_typed() -> None:
    assert (ROOT / "src" / "briefing_reader" / "py.typed").is_file()
    assert "Typing :: Typed" in PROJECT["classifiers"]


def test_the_sdist_includes_every_top_level_path_the_tests_read() -> None:
    read = set()
    for test in (ROOT / "tests").rglob("*.py"):
        read |= set(re.findall(r'ROOT\s*/\s*"([^"/]+)', test.read_text(encoding="utf-8")))
    # This file reads the Makefile and pyproject.toml by name; hatchling always adds the latter.
    read = {name for name in read if (ROOT / name).exists()} | {"Makefile", "tests"}
    assert {".ci", "briefings", "README.md"} <= read
    assert sorted(read - set(SDIST_INCLUDE) - {"pyproject.toml"}) == []
    assert [name for name in SDIST_INCLUDE if not (ROOT / name).exists()] == []
    assert "LICENSE" in SDIST_INCLUDE


def test_the_build_requirements_are_test_extras() -> None:
    """So that the packaging tests build offline (--no-build-isolation) in the test venvs."""

    def name(requirement: str) -> str:
        return re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0].lower()

    build = {name(r) for r in PYPROJECT["build-system"]["requires"]}
    assert build <= {name(r) for r in PROJECT["optional-dependencies"]["test"]}


def test_the_package_index_readme_has_no_link_or_picture_that_needs_the_repository() -> None:
    pytest.importorskip("hatch_fancy_pypi_readme", reason="the test extras are not installed")
    rendered = subprocess.run(
        [sys.executable, "-m", "hatch_fancy_pypi_readme", "pyproject.toml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    targets = re.findall(r"\]\(([^)]*)\)", rendered)
    targets += re.findall(r"""(?:src|href)\s*=\s*["']([^"']*)""", rendered)
    assert [t for t in targets if not ABSOLUTE.match(t)] == []
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    # Only the links' lines change: a picture leaves its caption, a link its words.
    for alt in re.findall(r"!\[([^][]*)\]", readme):
        assert alt in rendered
    before, after = readme.rstrip("\n").split("\n"), rendered.rstrip("\n").split("\n")
    assert len(after) == len(before)
    assert [a for b, a in zip(before, after, strict=True) if "](" not in b] == [
        b for b in before if "](" not in b
    ]
    assert "![" in readme  # else the picture's test above checks nothing
