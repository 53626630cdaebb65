"""The yaml-test-suite corpus: 402 odd YAML files, none of them a briefing.

Whatever a file holds, loading it ends in a :class:`Loaded` whose problems are
located one-line messages: never an exception, a hang or a briefing passed as valid.
The corpus is kept in the repository (tests/data/yaml-test-suite, MIT licence) so a
fresh clone runs these tests rather than skipping them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing_reader.loading import Loaded, load_file
from briefing_reader.loading.yamlsafe import LOADERS
from tests.conftest import DATA

CORPUS = DATA / "yaml-test-suite" / "cases"
CASES = sorted(CORPUS.glob("*.yaml"))
# Counted when the corpus was copied in: a lost or added file changes what is tested.
CORPUS_FILES = 402
CORPUS_ERROR_FILES = 94  # cases/<ID>.error.yaml: a conforming parser must reject these


def check_loaded(loaded: Loaded, path: Path) -> None:
    assert isinstance(loaded, Loaded)
    assert loaded.path == path
    # None of the corpus is a briefing: each is refused, with at least one error.
    assert not loaded.ok
    assert loaded.errors
    for problem in loaded.problems:
        line = str(problem)
        assert "\n" not in line and line.isprintable(), line
        assert problem.path == str(path)
        # Every corpus problem is about the content, so it has a line and a column.
        assert problem.line is not None and problem.line >= 1, line
        assert problem.column is not None and problem.column >= 1, line
        assert line.startswith(f"{path}:{problem.line}:{problem.column}: {problem.severity}: ")
        assert problem.message.strip() == problem.message != ""


def test_corpus_is_in_the_repository() -> None:
    assert CORPUS.is_dir(), f"yaml-test-suite corpus missing at {CORPUS}"
    assert len(CASES) == CORPUS_FILES
    assert len([p for p in CASES if p.name.endswith(".error.yaml")]) == CORPUS_ERROR_FILES
    assert (CORPUS.parent / "LICENSE").is_file()


@pytest.mark.parametrize("loader", sorted(LOADERS))
@pytest.mark.parametrize("path", CASES, ids=[p.name for p in CASES])
def test_corpus_file_is_refused_with_located_problems(path: Path, loader: str) -> None:
    check_loaded(load_file(path, loader_name=loader), path)


@pytest.mark.parametrize("loader", sorted(LOADERS))
def test_whole_corpus_loads_each_file_once(loader: str) -> None:
    outcomes = [load_file(path, loader_name=loader) for path in CASES]
    # Every file was checked, each one ending in its own Loaded, under this loader.
    assert len(outcomes) == CORPUS_FILES
    assert len({o.path for o in outcomes}) == CORPUS_FILES
    valid = [o.path.name for o in outcomes if o.ok]
    assert valid == []
