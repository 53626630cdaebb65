"""The wheel and the sdist as a user gets them: built here by hatchling, offline, in about a second.

Run from an unpacked sdist too: it builds from whatever tree it sits in.
"""

from __future__ import annotations

import email.parser
import re
import stat
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytest.importorskip("hatchling", reason="the test extras (hatchling) are not installed")
pytest.importorskip("hatch_fancy_pypi_readme", reason="the test extras are not installed")

PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
BUNDLED_FILES = sorted(
    p.relative_to(ROOT / "briefings") for p in (ROOT / "briefings").rglob("*") if p.is_file()
)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The wheel and the sdist, through PEP 517's hooks (what pip and `build` call)."""
    out = tmp_path_factory.mktemp("dist")
    names = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, hatchling.build as b; "
            "print(b.build_wheel(sys.argv[1])); print(b.build_sdist(sys.argv[1]))",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    wheel, sdist = (out / name for name in names)
    return wheel, sdist


def test_the_wheel_holds_the_package_its_license_and_the_bundled_briefings_but_no_tests(
    built: tuple[Path, Path],
) -> None:
    with zipfile.ZipFile(built[0]) as wheel:
        names = wheel.namelist()
        (dist_info,) = {n.split("/")[0] for n in names if n.split("/")[0].endswith(".dist-info")}
        license_text = wheel.read(f"{dist_info}/licenses/LICENSE").decode()
    assert license_text == (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "briefing_reader/py.typed" in names
    assert "briefing_reader/__main__.py" in names
    bundled = sorted(
        Path(n).relative_to("briefing_reader/bundled")
        for n in names
        if n.startswith("briefing_reader/bundled/")
    )
    assert bundled == BUNDLED_FILES
    assert any(p.suffix == ".yaml" for p in bundled)
    assert sorted({n.split("/")[0] for n in names}) == ["briefing_reader", dist_info]


def test_the_wheel_metadata_shows_on_a_package_index_without_the_repository(
    built: tuple[Path, Path],
) -> None:
    with zipfile.ZipFile(built[0]) as wheel:
        (metadata_name,) = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
        metadata = email.parser.Parser().parsestr(wheel.read(metadata_name).decode())
    assert metadata["License-Expression"] == "MIT"
    assert metadata.get_all("License-File") == ["LICENSE"]
    assert metadata.get_all("Classifier") == sorted(PROJECT["classifiers"])
    assert metadata["Description-Content-Type"] == "text/markdown"
    description = metadata.get_payload()
    assert isinstance(description, str)
    assert description.startswith("# briefing-reader\n")
    targets = re.findall(r"\]\(([^)]*)\)", description)
    assert targets
    assert [t for t in targets if not re.match(r"[a-z][a-z0-9+.-]*:", t)] == []


def test_the_sdist_holds_what_its_tests_read(built: tuple[Path, Path]) -> None:
    with tarfile.open(built[1]) as sdist:
        members = {m.name.split("/", 1)[1]: m for m in sdist.getmembers() if "/" in m.name}
    for name in ("LICENSE", "Makefile", "pyproject.toml", "README.md", "tests/conftest.py"):
        assert name in members
    # tests/unit/test_docs.py reads .ci/run; CI runs it as a program.
    assert members[".ci/run"].mode & stat.S_IXUSR
    assert [p for p in BUNDLED_FILES if f"briefings/{p}" not in members] == []
    assert not [n for n in members if "__pycache__" in n or n.startswith(".venv")]
