"""A hostile settings file and state, cache or config nobody can write: the reader keeps working.

The settings file is read in a child (with a time limit): today's code can spend minutes on
a big one or raise on a deep one, and the test must say so rather than hang.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from briefing_reader.config import Config, config_path, save_theme, state_dir
from briefing_reader.tui.app import BriefingApp, make_app
from tests.conftest import BUNDLED, kill_9_mid_save, load
from tests.functional.conftest import library_app, loaded, settle

SIZE = (100, 30)

# (name, file text): each is what someone could write, or what a broken tool could.
HOSTILE = {
    "huge": "".join(f"setting{i} = {i}\n" for i in range(20_000))
    + "[keys]\n"
    + "".join(f'"nothing.{i}" = "x"\n' for i in range(2_000)),
    "deep": "[keys]\n" + ".".join(["a"] * 3000) + ' = "x"\n',
    "wrong types": 'theme = 5\nkeys = "q"\n',
    "impossible keys": '[keys]\n"app.quit" = "ctlr+q"\n"pane.down" = "ctrl+alt+f99"\n',
    "escape codes": 'theme = "\\u001b]0;pwned\\u0007\\u001b[2J"\n[keys]\n"\\u001b[2J" = "x"\n',
    "long theme": f'theme = "{"x" * 100_000}"\n',
}

_LOAD = """
import json, sys
from pathlib import Path
from briefing_reader.config import load_config
from briefing_reader.tui.keymap import checked_keymap
config, warnings = load_config(Path(sys.argv[1]))
keys, more = checked_keymap(config.keys, Path(sys.argv[1]))
print(json.dumps({"theme": config.theme, "keys": keys, "warnings": warnings + more}))
"""


def _load(path: Path) -> tuple[Config, list[str]]:
    done = subprocess.run(
        [sys.executable, "-c", _LOAD, str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    found = json.loads(done.stdout)
    return Config(theme=found["theme"], keys=found["keys"]), found["warnings"]


@pytest.mark.parametrize("name", list(HOSTILE))
async def test_a_hostile_config_gives_a_few_located_warnings_and_q_still_quits(
    tmp_path: Path, name: str
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(HOSTILE[name])
    config, warnings = _load(path)
    assert 1 <= len(warnings) <= 22  # a few (ten and a count, twice at most), not thousands
    located = re.compile(rf"^{re.escape(str(path))}(:\d+:\d+)?: warning: ")
    for warning in warnings:
        assert located.match(warning), warning
        assert "\n" not in warning and "\x1b" not in warning and "\x07" not in warning
    assert any(re.match(rf"^{re.escape(str(path))}:\d+:\d+: ", w) for w in warnings)
    app = make_app([load(BUNDLED)], config=config)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.theme == "textual-dark"
        assert all("\x1b" not in w for w in app.startup_warnings)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "huge"])
def test_a_config_that_is_no_file_is_not_read(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "config.toml"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "dev-zero":
        path.symlink_to("/dev/zero")
    else:
        path.write_text("# padding\n" * 200_000)  # 2 MB of comments: no settings file
    done = subprocess.run(
        [sys.executable, "-c", _LOAD, str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        preexec_fn=_memory_cap,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    (warning,) = json.loads(done.stdout)["warnings"]
    assert warning.startswith(f"{path}: warning: cannot read: ")


def _memory_cap() -> None:
    import resource

    # Reading /dev/zero without end must end in a MemoryError, not in the machine swapping.
    resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))


def _notes(app: BriefingApp) -> list[str]:
    """Record every notification the app shows."""
    shown: list[str] = []
    real: Callable[..., None] = app.notify

    def notify(message: str, *args: object, **kwargs: object) -> None:
        shown.append(message)
        real(message, *args, **kwargs)

    app.notify = notify  # type: ignore[method-assign]
    return shown


async def test_a_state_folder_under_a_regular_file_is_told_once_and_marks_still_toggle(
    library: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("XDG_STATE_HOME", str(blocker))
    app = library_app(library)
    shown = _notes(app)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await loaded(app, pilot)
        for _ in range(4):
            await pilot.press("u", "j")
        await pilot.pause()
        assert len([e for e in screen.view.entries if e.id and screen.state.is_read(e.id)]) == 4
        await pilot.press("q")
    told = [n for n in shown if "read marks" in n]
    assert len(told) == 1 and str(blocker) in told[0]
    assert blocker.read_text() == "not a folder"
    assert app.return_code == 0


async def test_a_full_disk_is_told_once_and_the_old_files_stay(
    library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Marks saved once, then the disk fills: state, cache and config alike.
    app = library_app(library)
    async with app.run_test(size=(120, 30)) as pilot:
        await loaded(app, pilot)
        await pilot.press("u")
        await pilot.pause()
    state = state_dir() / "read.json"
    before = state.read_bytes()
    config = config_path()
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('# mine\ntheme = "textual-dark"\n')

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    app = library_app(library, save_theme=save_theme)
    shown = _notes(app)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await loaded(app, pilot)
        for _ in range(3):
            await pilot.press("j", "u")
        await pilot.pause()
        assert len([e for e in screen.view.entries if e.id and screen.state.is_read(e.id)]) == 4
        app.theme = "nord"
        await pilot.pause()
        assert app.theme == "nord"
        await pilot.press("q")
    assert app.return_code == 0
    assert len([n for n in shown if "read marks" in n]) == 1
    assert len([n for n in shown if "theme" in n]) == 1
    assert state.read_bytes() == before
    assert config.read_text() == '# mine\ntheme = "textual-dark"\n'
    leftovers = [
        p for p in (*state.parent.iterdir(), *config.parent.iterdir()) if p.suffix == ".tmp"
    ]
    assert leftovers == []


async def test_a_reader_with_a_full_config_disk_keeps_its_theme(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    app = make_app([load(BUNDLED)], save_theme=save_theme)  # as the CLI makes it
    shown = _notes(app)
    async with app.run_test(size=SIZE) as pilot:
        app.theme = "nord"
        await pilot.pause()
        await pilot.press("q")
    assert app.return_code == 0
    assert len(shown) == 1 and "could not save the theme" in shown[0]
    assert not config_path().exists()
    assert not list(config_path().parent.glob("*.tmp"))


# Picks a theme over and over, as fast as it can: each pick rewrites the settings file.
_THEME_SAVER = """
import sys
from pathlib import Path
from briefing_reader.config import save_theme
path = Path(sys.argv[1])
print("ready", flush=True)
n = 0
while True:
    n += 1
    save_theme("nord" if n % 2 else "textual-light", path)
"""


def test_kill_9_mid_theme_save_leaves_a_whole_config_and_no_temporaries_piling_up(
    tmp_path: Path,
) -> None:
    import tomllib

    path = tmp_path / "config.toml"
    path.write_text('# mine\n[keys]\n"pane.down" = "down,j"\n')

    def whole() -> None:
        settings = tomllib.loads(path.read_text())  # whole, never half-written
        assert settings["keys"] == {"pane.down": "down,j"}

    kill_9_mid_save(_THEME_SAVER, [path], whole)
    save_theme("nord", path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.toml"]


def test_a_key_no_terminal_sends_warns_where_it_is_and_keeps_the_default_keys(
    tmp_path: Path,
) -> None:
    # Textual sends f1 to f24: "ctrl+alt+f99" alone would have taken j and down away from
    # pane.down and given it no key at all.
    path = tmp_path / "config.toml"
    path.write_text('[keys]\n"pane.down" = "ctrl+alt+f99"\n"pane.up" = "f99,k"\n')
    config, warnings = _load(path)
    assert [w.split(": warning: ")[0] for w in warnings] == [f"{path}:2:1", f"{path}:3:1"]
    assert all("names no key a terminal sends" in w for w in warnings)
    assert "pane.down" not in config.keys  # its defaults, down and j
    assert config.keys["pane.up"] == "k"
