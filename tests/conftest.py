"""Shared fixtures: keep the developer's own environment out of the tests."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from briefing_reader.loading import Loaded, load_file

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
BUNDLED = ROOT / "briefings" / "core-scientific-2024-q4.yaml"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No user config, state or colour preferences leak in; each test gets its own XDG dirs."""
    for name in ("NO_COLOR", "FORCE_COLOR", "TEXTUAL", "TEXTUAL_THEME", "TMUX", "STY"):
        monkeypatch.delenv(name, raising=False)
    for name in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME"):
        monkeypatch.setenv(name, str(tmp_path / name.lower()))


def imports_none_of(modules: str, forbidden: tuple[str, ...] = ("textual",)) -> None:
    """Importing ``modules`` (comma-separated) in a fresh interpreter loads no ``forbidden``
    package: the layers below the TUI must stay usable (and quick) without it."""
    check = (
        f"import sys, {modules}; "
        f"loaded = sorted(m for m in sys.modules if m.split('.')[0] in {forbidden!r}); "
        "assert not loaded, loaded"
    )
    result = subprocess.run(
        [sys.executable, "-c", check], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr


def load(path: Path) -> Loaded:
    """Load with a stable, repo-relative name so messages and snapshots do not vary by checkout."""
    return load_file(path, display=path.relative_to(ROOT).as_posix())


def strings(obj: object) -> Iterator[tuple[str, str]]:
    """Every (field path, text) in a built briefing."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            for where, text in strings(getattr(obj, f.name)):
                yield (f"{f.name}.{where}" if where else f.name), text
    elif isinstance(obj, tuple):
        for index, value in enumerate(obj):
            for where, text in strings(value):
                yield f"[{index}].{where}" if where else f"[{index}]", text
    elif isinstance(obj, str):
        yield "", obj
