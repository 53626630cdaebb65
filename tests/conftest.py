"""Shared fixtures: keep the developer's own environment out of the tests."""

from __future__ import annotations

import dataclasses
import os
import pwd
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path

import pytest

from briefing_reader.config import cache_dir, config_path, state_dir
from briefing_reader.loading import Loaded, load_file

ROOT = Path(__file__).resolve().parents[1]
TESTS = Path(__file__).resolve().parent
FIXTURES = TESTS / "fixtures"
HOSTILE = TESTS / "hostile"
DATA = TESTS / "data"
BUNDLED = ROOT / "briefings" / "core-scientific-2024-q4.yaml"

# The source article of the small libraries the tests write (tests/functional/conftest.py).
ARTICLE = (
    "Acme lost $12 million in the quarter. Energy costs rose sharply. "
    "The chief executive said: we will grow again. Analysts remain unsure.\n"
)
# Well before any scan, so the index does not treat the files as just edited (RACY_NS).
OLD = time.time_ns() - 3600 * 10**9


# The XDG base folders, each as the spec's default under a home.
XDG_FOLDERS = {
    "XDG_CONFIG_HOME": ".config",
    "XDG_STATE_HOME": ".local/state",
    "XDG_CACHE_HOME": ".cache",
    "XDG_DATA_HOME": ".local/share",
}

Listing = dict[str, tuple[int, int]]  # path -> (mtime_ns, size), folders included


@pytest.fixture(scope="session", autouse=True)
def sandbox_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """For the whole run, HOME and the XDG folders are a temporary folder; at its end, the
    user's own briefing-reader folders must be exactly as they were, or the run fails.

    Session-wide, so that whatever runs outside one test's fixtures (a child process, a
    worker thread finishing late, a shell's start-up files in a tmux pane) lands here too.
    """
    watched = user_folders(os.environ)
    before = listing(watched)
    home = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(home))
        for name, default in XDG_FOLDERS.items():
            patch.setenv(name, str(home / default))
        yield home
    written = changes(before, listing(watched))
    if written:
        pytest.fail(
            "the tests wrote to the user's own folders, outside their temporary ones:\n  "
            + "\n  ".join(written),
            pytrace=False,
        )


def user_folders(environ: Mapping[str, str]) -> list[Path]:
    """Where briefing-reader keeps a user's files: by their XDG variables, and by the
    defaults under their home (the run may have been started with other XDG values)."""
    home = environ.get("HOME") or pwd.getpwuid(os.getuid()).pw_dir
    folders: set[Path] = set()
    for env in (dict(environ), {"HOME": home}):
        folders.update((config_path(env).parent, state_dir(env), cache_dir(env)))
    return sorted(folders)


def listing(folders: Iterable[Path]) -> Listing:
    """Every folder and file under ``folders`` with its modification time and size."""
    found: Listing = {}
    for folder in folders:
        for top, dirs, files in os.walk(folder):
            for name in [".", *dirs, *files]:
                path = os.path.normpath(os.path.join(top, name))
                try:
                    stat = os.lstat(path)
                except OSError:  # gone since the walk listed it: the next listing says so
                    continue
                found[path] = (stat.st_mtime_ns, stat.st_size)
    return found


def changes(before: Listing, after: Listing) -> list[str]:
    """What differs between two listings, one line per path, for a person to read."""
    lines = []
    for path in sorted(before.keys() | after.keys()):
        if path not in before:
            lines.append(f"new: {path}")
        elif path not in after:
            lines.append(f"removed: {path}")
        elif before[path] != after[path]:
            lines.append(f"changed: {path}")
    return lines


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No user config, state or colour preferences leak in; each test gets its own XDG dirs."""
    for name in ("NO_COLOR", "FORCE_COLOR", "TEXTUAL", "TEXTUAL_THEME", "TMUX", "STY"):
        monkeypatch.delenv(name, raising=False)
    for name in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME"):
        monkeypatch.setenv(name, str(tmp_path / name.lower()))


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


def kill_9_mid_save(
    saver: str,
    args: Sequence[str | Path],
    after_each: Callable[[], object],
    *,
    wait: tuple[float, float] = (0.0, 0.05),
    rounds: int = 25,
) -> None:
    """Start ``saver`` (Python that prints "ready", then saves as fast as it can) ``rounds``
    times, kill -9 it a random moment (``wait`` seconds) after it is ready, and call
    ``after_each`` once it is dead, to check what it left.

    The moments come from a fixed seed, so a failure comes back on the next run.
    """
    rng = random.Random(11)
    for _ in range(rounds):
        child = subprocess.Popen(
            [sys.executable, "-c", saver, *map(str, args)], stdout=subprocess.PIPE
        )
        assert child.stdout is not None
        try:
            assert child.stdout.readline() == b"ready\n"
            time.sleep(rng.uniform(*wait))
        finally:  # never a saver left running, even when it did not start
            os.kill(child.pid, signal.SIGKILL)
            child.wait(timeout=30)
            child.stdout.close()
        after_each()
