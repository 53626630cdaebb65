"""The settings file: defaults, warnings that point at the line (binding ids and clashes
too), saves that keep the user's comments, --theme for one run, XDG folders."""

from __future__ import annotations

import os
import re
import stat
import tomllib
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, ClassVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual.binding import Binding
from textual.pilot import Pilot

from briefing_reader import cli
from briefing_reader import config as config_module
from briefing_reader.config import (
    Config,
    cache_dir,
    config_path,
    load_config,
    save_theme,
    state_dir,
    with_theme,
)
from briefing_reader.tui.app import BriefingApp
from briefing_reader.tui.keymap import checked_keymap, key_scopes
from briefing_reader.tui.screens.briefing import BriefingScreen
from briefing_reader.tui.screens.library import LibraryScreen
from briefing_reader.tui.widgets.library_list import LibraryList
from briefing_reader.tui.widgets.pane import Pane
from briefing_reader.tui.widgets.source import SourceView
from tests.conftest import BUNDLED, ROOT


@pytest.fixture
def path() -> Path:
    """The settings file where the app looks for it (conftest points XDG at tmp dirs)."""
    return config_path()


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# --- where the file is ------------------------------------------------------------------------


def test_config_path_follows_xdg_config_home(tmp_path: Path) -> None:
    assert config_path() == tmp_path / "xdg_config_home" / "briefing-reader" / "config.toml"


@pytest.mark.parametrize("value", [None, "", "relative/dir", "./dot", "~/tilde"])
def test_unset_empty_or_relative_xdg_values_are_ignored(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, value: str | None
) -> None:
    # The spec: relative paths "should be considered invalid and ignored"; "~" is not
    # expanded by anyone either, so it is relative too.
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    for name in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    assert config_path() == home / ".config" / "briefing-reader" / "config.toml"
    assert state_dir() == home / ".local" / "state" / "briefing-reader"
    assert cache_dir() == home / ".cache" / "briefing-reader"


def test_absolute_xdg_values_are_used(tmp_path: Path) -> None:
    assert state_dir() == tmp_path / "xdg_state_home" / "briefing-reader"
    assert cache_dir() == tmp_path / "xdg_cache_home" / "briefing-reader"


def test_an_explicit_environment_wins_over_the_process_one() -> None:
    env = {"HOME": "/home/someone", "XDG_CONFIG_HOME": "", "XDG_CACHE_HOME": "/var/cache/x"}
    assert config_path(env) == Path("/home/someone/.config/briefing-reader/config.toml")
    assert state_dir(env) == Path("/home/someone/.local/state/briefing-reader")
    assert cache_dir(env) == Path("/var/cache/x/briefing-reader")


def test_the_helpers_create_nothing(tmp_path: Path) -> None:
    config_path()
    state_dir()
    cache_dir()
    assert list(tmp_path.iterdir()) == []


# --- reading ----------------------------------------------------------------------------------


def test_missing_file_gives_defaults_and_no_warning(path: Path) -> None:
    assert not path.exists()
    assert load_config() == (Config(), [])
    assert load_config(path) == (Config(), [])


def test_missing_folder_gives_defaults_and_no_warning(tmp_path: Path) -> None:
    assert load_config(tmp_path / "no" / "such" / "config.toml") == (Config(), [])


def test_theme_and_keys_are_loaded(path: Path) -> None:
    write(
        path,
        '# my settings\ntheme = "textual-light"\n\n[keys]\n'
        '"pane.down" = "down,j,n"\n"screen.zoom" = "f"\n',
    )
    assert load_config() == (
        Config(theme="textual-light", keys={"pane.down": "down,j,n", "screen.zoom": "f"}),
        [],
    )


def test_empty_file_gives_defaults(path: Path) -> None:
    write(path, "")
    assert load_config() == (Config(), [])


def test_dotted_and_nested_binding_ids_are_joined(path: Path) -> None:
    # Unquoted `pane.down` in TOML is a nested table; the user meant the id "pane.down".
    write(path, '[keys]\npane.down = "j"\n\n[keys.help]\nclose = "escape"\n')
    assert load_config() == (Config(keys={"pane.down": "j", "help.close": "escape"}), [])


def test_key_lists_are_tidied(path: Path) -> None:
    write(path, '[keys]\n"pane.down" = " down , j,, n "\n')
    assert load_config()[0].keys == {"pane.down": "down,j,n"}


def test_byte_order_mark_is_accepted(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(b'\xef\xbb\xbftheme = "textual-dark"\n')
    assert load_config() == (Config(theme="textual-dark"), [])


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        ('theme = "x"\n[keys]\n"a" = \n', 3, 7, "Invalid value"),
        ('theme = "x"\ntheme = "y"\n', 2, 12, "Cannot overwrite a value"),
        ("[keys\n", 1, 6, "Expected ']' at the end of a table declaration"),
        ('theme = "x', 1, 11, "Unterminated string"),  # "(at end of document)"
        ('\n\ntheme = "a\x01b"\n', 3, 11, "Illegal character '\\x01'"),
    ],
)
def test_malformed_toml_gives_one_located_warning(
    path: Path, text: str, line: int, column: int, message: str
) -> None:
    write(path, text)
    config, warnings = load_config()
    assert config == Config()
    assert warnings == [
        f"{path}:{line}:{column}: warning: invalid TOML: {message}; using the defaults"
    ]


def test_non_utf8_file_gives_a_located_warning(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(b'theme = "x"\ntheme = "caf\xe9"\n')
    assert load_config() == (
        Config(),
        [f"{path}:2:13: warning: not UTF-8 text (TOML must be); using the defaults"],
    )


def test_wrong_theme_type_falls_back_for_the_theme_only(path: Path) -> None:
    write(path, '# comment\ntheme = 3\n[keys]\n"pane.down" = "j"\n')
    assert load_config() == (
        Config(keys={"pane.down": "j"}),
        [
            f'{path}:2:1: warning: "theme" must be a string such as "textual-dark",'
            " not an integer; using the default theme"
        ],
    )


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("true", "a boolean"),
        ("1.5", "a float"),
        ('["a"]', "an array"),
        ("1979-05-27", "a date or time"),
    ],
)
def test_theme_type_names(path: Path, value: str, kind: str) -> None:
    write(path, f"theme = {value}\n")
    (warning,) = load_config()[1]
    assert f"not {kind};" in warning


def test_theme_as_a_table_is_located_at_its_header(path: Path) -> None:
    write(path, '[keys]\n"a" = "b"\n\n  [theme]\nname = "x"\n')
    config, warnings = load_config()
    assert config == Config(keys={"a": "b"})
    assert warnings == [
        f'{path}:4:4: warning: "theme" must be a string such as "textual-dark",'
        " not a table; using the default theme"
    ]


def test_empty_theme_is_a_warning(path: Path) -> None:
    write(path, 'theme = "  "\n')
    assert load_config() == (
        Config(),
        [f'{path}:1:1: warning: "theme" is empty; using the default theme'],
    )


def test_theme_is_stripped(path: Path) -> None:
    write(path, 'theme = " nord "\n')
    assert load_config() == (Config(theme="nord"), [])


def test_keys_that_are_not_a_table_fall_back_for_the_keys_only(path: Path) -> None:
    write(path, 'theme = "nord"\nkeys = "j"\n')
    assert load_config() == (
        Config(theme="nord"),
        [
            f'{path}:2:1: warning: "keys" must be a [keys] table of binding ids to keys, such'
            ' as "pane.down" = "down,j", not a string; using the default keys'
        ],
    )


def test_non_string_bindings_are_dropped_one_by_one(path: Path) -> None:
    write(
        path,
        'theme = "nord"\n[keys]\n"pane.down" = ["down", "j"]\n'
        '"screen.zoom" = "f"\n  app.quit = 5\n',
    )
    config, warnings = load_config()
    assert config == Config(theme="nord", keys={"screen.zoom": "f"})
    assert warnings == [
        f'{path}:3:1: warning: key binding "pane.down" must be a string of keys such as'
        ' "down,j", not an array; ignored',
        f'{path}:5:3: warning: key binding "app.quit" must be a string of keys such as'
        ' "down,j", not an integer; ignored',
    ]


def test_binding_in_a_nested_table_is_located(path: Path) -> None:
    write(path, '[keys]\n"a" = "b"\n[keys.help]\nclose = 1\n')
    (warning,) = load_config()[1]
    assert warning.startswith(f'{path}:4:1: warning: key binding "help.close" must be')


def test_empty_binding_is_a_warning(path: Path) -> None:
    write(path, '[keys]\n"pane.down" = " , "\n')
    assert load_config() == (
        Config(),
        [f'{path}:2:1: warning: key binding "pane.down" is empty; ignored'],
    )


def test_binding_with_a_control_character_is_dropped(path: Path) -> None:
    write(path, '[keys]\n"pane.down" = "j\\u001b"\n"pane.up" = "k"\n')
    config, warnings = load_config()
    assert config == Config(keys={"pane.up": "k"})
    assert warnings == [
        f'{path}:2:1: warning: key binding "pane.down" holds a control or invisible'
        " character; ignored"
    ]


def test_binding_set_twice_warns(path: Path) -> None:
    write(path, '[keys]\npane.down = "j"\n"pane.down" = "n"\n')
    config, warnings = load_config()
    assert config == Config(keys={"pane.down": "n"})
    assert len(warnings) == 1
    assert "set twice" in warnings[0]


def test_unknown_settings_warn_and_the_rest_loads(path: Path) -> None:
    write(path, 'theme = "nord"\ncolour = "red"\n\n[extras]\na = 1\n')
    config, warnings = load_config()
    assert config == Config(theme="nord")
    assert warnings == [
        f'{path}:2:1: warning: unknown setting "colour" ignored (known: theme, keys)',
        f'{path}:4:2: warning: unknown setting "extras" ignored (known: theme, keys)',
    ]


def test_unknown_setting_after_a_table_is_not_located_in_the_table(path: Path) -> None:
    # `colour` under [keys] is a binding, not a top-level setting: only the real one counts.
    write(path, '[keys]\ncolour = "c"\n')
    assert load_config() == (Config(keys={"colour": "c"}), [])


def test_unreadable_path_gives_a_warning_not_an_exception(path: Path) -> None:
    path.mkdir(parents=True)  # a folder where the file should be
    config, warnings = load_config()
    assert config == Config()
    assert len(warnings) == 1
    assert warnings[0].startswith(f"{path}: warning: cannot read: ")


def test_path_through_a_file_gives_a_warning(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    config, warnings = load_config(tmp_path / "file" / "config.toml")
    assert config == Config()
    assert warnings == [
        f"{tmp_path / 'file' / 'config.toml'}: warning: cannot read: Not a directory;"
        " using the defaults"
    ]


def test_deep_nesting_does_not_raise(path: Path) -> None:
    write(path, "theme = " + "[" * 100_000 + "]" * 100_000 + "\n")
    config, warnings = load_config()
    assert config == Config()
    assert len(warnings) == 1


def test_warnings_are_single_inert_lines(path: Path) -> None:
    write(path, '"\\u001b[31mevil\\nname" = 1\n"\\u202e" = 2\n')
    _, warnings = load_config()
    assert len(warnings) == 2
    for warning in warnings:
        assert "\n" not in warning and "\x1b" not in warning and "\u202e" not in warning
        assert warning.startswith(f"{path}:")


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.binary()
    | st.text().map(str.encode)
    # Mostly-TOML text reaches the validation, not just the parser's errors.
    | st.text(alphabet="[]{}=\"'.,#\n\\ themkys0x\x1b\u202e").map(str.encode)
)
def test_load_config_never_raises(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    config, warnings = load_config()
    assert isinstance(config, Config)
    assert config.theme is None or isinstance(config.theme, str)
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in config.keys.items())
    for warning in warnings:
        assert warning.startswith(str(path)) and "\n" not in warning


# --- writing ----------------------------------------------------------------------------------


def test_saving_a_theme_keeps_comments_and_other_settings(path: Path) -> None:
    text = (
        "# my settings: dark at night\n"
        'theme = "textual-dark"   # the one I like\n'
        "\n"
        "[keys]\n"
        "# vim-ish\n"
        '"pane.down" = "down,j,n"\n'
        "screen.zoom   =   'f'\n"
    )
    write(path, text)
    save_theme("nord")
    assert path.read_text(encoding="utf-8") == text.replace(
        'theme = "textual-dark"', 'theme = "nord"'
    )
    assert load_config() == (
        Config(theme="nord", keys={"pane.down": "down,j,n", "screen.zoom": "f"}),
        [],
    )


def test_saving_a_theme_adds_the_line_before_the_tables(path: Path) -> None:
    write(path, '# my keys\n[keys]\n"pane.down" = "j"  # down\n')
    save_theme("nord")
    text = path.read_text(encoding="utf-8")
    assert "# my keys\n" in text and '"pane.down" = "j"  # down\n' in text
    assert load_config() == (Config(theme="nord", keys={"pane.down": "j"}), [])


def test_a_new_file_says_what_is_kept(path: Path) -> None:
    save_theme("nord")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# briefing-reader settings")
    assert "the rest stays as you wrote it" in text
    assert text.endswith('\ntheme = "nord"\n')
    assert load_config() == (Config(theme="nord"), [])


@pytest.mark.parametrize("text", ["[keys\n", 'theme = "a"\ntheme = "b"\n', "theme = "])
def test_a_file_that_is_not_toml_is_left_alone(path: Path, text: str) -> None:
    # The user may be in the middle of editing it: overwriting would lose their work.
    write(path, text)
    with pytest.raises(ValueError, match=f"^{path}: not valid TOML"):
        save_theme("nord")
    assert path.read_text(encoding="utf-8") == text


def test_a_file_that_is_not_utf8_is_left_alone(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(b'# caf\xe9\ntheme = "x"\n')
    with pytest.raises(ValueError, match="not UTF-8"):
        save_theme("nord")
    assert path.read_bytes() == b'# caf\xe9\ntheme = "x"\n'


def test_a_byte_order_mark_is_kept(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(b'\xef\xbb\xbf# mine\ntheme = "old"\n')
    save_theme("nord")
    assert path.read_bytes() == b'\xef\xbb\xbf# mine\ntheme = "nord"\n'


@pytest.mark.parametrize(
    "value",
    [
        'quote " and backslash \\',
        "controls \x00\x01\x07\x08\t\n\x0b\x0c\r\x1b\x1f",
        "del \x7f and C1 \x80\x85\x9b\x9f",
        "bidi \u202e\u2066 zero-width \u200b\ufeff separators \u2028\u2029",
        "astral 😀 \U0001f1eb\U0001f1f7 tag \U000e0041 private \ue000",
        "typographic “quotes” — and ‘single’",
        "trailing backslash \\",
        '"""',
        "'''",
    ],
)
@pytest.mark.parametrize("before", ["", '# mine\ntheme = "old"\n[keys]\na = "b"\n'])
def test_save_escapes_strings(path: Path, value: str, before: str) -> None:
    write(path, before)
    save_theme(value)
    text = path.read_text(encoding="utf-8")
    assert tomllib.loads(text)["theme"] == value
    # Nothing invisible or controlling is written raw, so the file shows what it holds.
    assert all(char.isprintable() or char == "\n" for char in text)


@given(st.text(), st.sampled_from(["", "# c\n", 'theme = "x" # c\n', '[keys]\n"a.b" = "c"\n']))
def test_with_theme_round_trips_any_text(theme: str, before: str) -> None:
    # st.text() never makes lone surrogates, which TOML cannot hold.
    edited = with_theme(before, theme)
    assert tomllib.loads(edited)["theme"] == theme
    assert "# c\n" in edited or "# c" not in before


def test_with_theme_does_not_use_surrogate_pairs() -> None:
    # json.dumps(ensure_ascii=True) would write "\ud83d\ude00", which TOML rejects.
    assert with_theme("", "😀\U000e0041").endswith('theme = "😀\\U000E0041"\n')


def test_lone_surrogate_raises_before_touching_the_file(path: Path) -> None:
    save_theme("old")
    before = path.read_bytes()
    with pytest.raises(ValueError, match="surrogate"):
        save_theme("bad \ud800")
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["config.toml"]


def test_save_creates_private_folders(tmp_path: Path, path: Path) -> None:
    assert not (tmp_path / "xdg_config_home").exists()
    save_theme("nord")
    for folder in (path.parent, path.parent.parent):
        assert folder.is_dir()
        assert stat.S_IMODE(folder.stat().st_mode) & 0o077 == 0, oct(folder.stat().st_mode)


def test_save_leaves_existing_folder_modes_alone(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.parent.chmod(0o755)
    save_theme("nord")
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o755


def test_save_new_file_is_private_and_existing_mode_is_kept(path: Path) -> None:
    save_theme("a")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    path.chmod(0o644)
    save_theme("b")
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_save_replaces_the_old_file_and_leaves_no_temporary_files(path: Path) -> None:
    write(path, 'theme = "old"\n# a comment\n')
    save_theme("new")
    assert path.read_text(encoding="utf-8") == 'theme = "new"\n# a comment\n'
    assert sorted(p.name for p in path.parent.iterdir()) == ["config.toml"]


def test_failed_replace_keeps_the_old_file(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    write(path, 'theme = "old"\n')

    def fail(source: str, destination: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(config_module.os, "replace", fail)
    with pytest.raises(OSError, match="No space left"):
        save_theme("new")
    assert path.read_text(encoding="utf-8") == 'theme = "old"\n'
    assert sorted(p.name for p in path.parent.iterdir()) == ["config.toml"]


def test_failed_write_keeps_the_old_file(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    write(path, 'theme = "old"\n')

    def fail(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(config_module.os, "fsync", fail)
    with pytest.raises(OSError, match="Input/output"):
        save_theme("new")
    assert path.read_text(encoding="utf-8") == 'theme = "old"\n'
    assert sorted(p.name for p in path.parent.iterdir()) == ["config.toml"]


def test_save_fsyncs_the_file_before_the_rename_and_the_folder_after(
    monkeypatch: pytest.MonkeyPatch, path: Path
) -> None:
    events: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        kind = "folder" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file"
        events.append(f"fsync {kind}")
        real_fsync(fd)

    def replace(source: str, destination: str) -> None:
        events.append("replace")
        real_replace(source, destination)

    monkeypatch.setattr(config_module.os, "fsync", fsync)
    monkeypatch.setattr(config_module.os, "replace", replace)
    save_theme("nord")
    assert events == ["fsync file", "replace", "fsync folder"]


def test_folder_fsync_failure_is_not_a_failed_save(
    monkeypatch: pytest.MonkeyPatch, path: Path
) -> None:
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        if stat.S_ISDIR(os.fstat(fd).st_mode):
            raise OSError(22, "Invalid argument")
        real_fsync(fd)

    monkeypatch.setattr(config_module.os, "fsync", fsync)
    save_theme("nord")
    assert load_config() == (Config(theme="nord"), [])


def test_save_writes_through_a_symlink(tmp_path: Path, path: Path) -> None:
    # Dotfile managers link the settings file; the link must survive a save.
    real = tmp_path / "dotfiles" / "briefing.toml"
    write(real, 'theme = "old"  # linked\n')
    path.parent.mkdir(parents=True)
    path.symlink_to(real)
    save_theme("new")
    assert path.is_symlink()
    assert real.read_text(encoding="utf-8") == 'theme = "new"  # linked\n'
    assert sorted(p.name for p in real.parent.iterdir()) == ["briefing.toml"]


def test_save_to_an_explicit_path(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere" / "settings.toml"
    save_theme("nord", target)
    assert load_config(target) == (Config(theme="nord"), [])
    assert not config_path().exists()


def test_save_into_a_file_instead_of_a_folder_raises_oserror(tmp_path: Path) -> None:
    (tmp_path / "blocker").write_text("x")
    with pytest.raises(OSError):
        save_theme("x", tmp_path / "blocker" / "config.toml")


# --- what only the app can check: binding ids and clashes -------------------------------------


def keys_file(path: Path, keys: str) -> list[str]:
    """The app's warnings about a [keys] table holding ``keys`` (TOML lines)."""
    write(path, f"# my keys\n[keys]\n{keys}")
    config, warnings = load_config()
    assert warnings == []  # nothing config.py alone can see
    return checked_keymap(config.keys)[1]


def test_misspelt_binding_ids_warn_where_they_are_with_the_nearest_id(path: Path) -> None:
    warnings = keys_file(
        path,
        '"screen.zoomm" = "x"\n  libary.sort = "S"\n"pane.down" = "down,j"\n"frob" = "y"\n',
    )
    assert warnings == [
        f'{path}:3:1: warning: unknown binding id "screen.zoomm" ignored;'
        ' did you mean "screen.zoom"?',
        f'{path}:4:3: warning: unknown binding id "libary.sort" ignored;'
        ' did you mean "library.sort"?',
        f'{path}:6:1: warning: unknown binding id "frob" ignored'
        ' (the README\'s "Themes and configuration" lists the binding ids)',
    ]


def test_every_id_the_app_binds_is_known(path: Path) -> None:
    # Read from the screens' and widgets' own bindings: an id added anywhere is known.
    ids = [
        binding.id
        for owner in (BriefingApp, BriefingScreen, Pane, SourceView, LibraryScreen, LibraryList)
        for binding in owner.BINDINGS
        if isinstance(binding, Binding) and binding.id
    ]
    ids += ["help.close", "problems.close", "modal.close"]
    # Each id given a key nothing else uses, so only unknown ids could warn.
    # (Real keys: Textual sends f1 to f24, and a name past them warns.)
    unused = [
        f"{modifier}f{n}"
        for modifier in ("", "ctrl+shift+", "ctrl+alt+", "alt+shift+")
        for n in range(1, 25)
    ]
    lines = "".join(
        f'"{binding_id}" = "{key}"\n'
        for binding_id, key in zip(ids, unused[: len(ids)], strict=True)
    )
    assert keys_file(path, lines) == []


def test_the_readme_lists_every_binding_id() -> None:
    # The unknown-id warning sends people there.
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Themes and configuration", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"`([a-z_]+\.[a-z_0-9]+)`", section))
    listed |= {f"screen.pane_{n}" for n in range(2, 4)}  # "screen.pane_1 to screen.pane_4"
    known = {binding.id for scope in key_scopes() for binding in scope.bindings}
    assert known - listed == set()


def test_every_widget_with_bindings_is_checked_on_its_screen() -> None:
    # A widget no screen lists would have its clashes checked only among its own keys:
    # add it to keymap._screen_widgets.
    names = {scope.name for scope in key_scopes()}
    assert names == {"the reader", "the library", "help", "the problems screen"}


def test_two_ids_given_one_key_on_a_screen_warn_at_the_later_line(path: Path) -> None:
    warnings = keys_file(path, '"screen.zoom" = "x"\n"screen.source" = "v,x"\n')
    assert warnings == [
        f'{path}:4:1: warning: key binding "screen.source": "x" is also the key of'
        ' "screen.zoom" (Zoom, also set in this file) in the reader; only one of them can run,'
        " so give one of them another key"
    ]


def test_a_key_that_is_another_actions_default_warns(path: Path) -> None:
    # `s` stays the source's key: zoom takes it, and the source article loses its key.
    assert keys_file(path, '"screen.zoom" = "s"\n') == [
        f'{path}:3:1: warning: key binding "screen.zoom": "s" is also the key of'
        ' "screen.source" (Source, s by default) in the reader; only one of them can run,'
        " so give one of them another key"
    ]


@pytest.mark.parametrize(
    ("keys", "clash"),
    [
        # The app's keys work on every screen but the modal ones; "?" is "question_mark".
        (
            '"library.down" = "down,?"',
            '"?" is also the key of "app.help" (Help, ? by default) in the library;',
        ),
        # One warning naming both screens' bindings it takes `o` from.
        (
            '"app.quit" = "o"',
            '"o" is also the key of "screen.open_url" (Open the source URL, o by'
            ' default) in the reader, "library.sort" (Sort, o by default) in the library;',
        ),
        # A widget's key on the same screen: a focused pane or source would take `j` first.
        (
            '"screen.zoom" = "j"',
            '"j" is also the key of "pane.down" (Next item, j by default) in'
            ' the reader, "source.down" (Scroll down, j by default) in the reader;',
        ),
    ],
)
def test_clashes_are_found_across_the_screen_and_its_widgets(
    path: Path, keys: str, clash: str
) -> None:
    (warning,) = keys_file(path, keys + "\n")
    assert warning.startswith(f"{path}:3:1: warning: key binding ")
    assert clash in warning


@pytest.mark.parametrize(
    "keys",
    [
        '"screen.zoom" = "s"\n"screen.source" = "v"\n',  # the source gave `s` up
        '"screen.back" = "escape"\n',  # shared with "close the source" on purpose
        '"library.sort" = "z"\n',  # z zooms in the reader, not in the library
        '"help.close" = "q"\n',  # q closes help already: the same action
        '"pane.down" = "down,j,ctrl+n"\n"pane.up" = "up,k,ctrl+p"\n',  # the README's example
    ],
)
def test_keys_that_do_not_clash_give_no_warning(path: Path, keys: str) -> None:
    assert keys_file(path, keys) == []


def test_n_for_the_next_item_would_take_it_from_the_next_match(path: Path) -> None:
    # The README's example once was "down,j,n": n then stopped stepping through matches.
    (warning,) = keys_file(path, '"pane.down" = "down,j,n"\n')
    assert '"n" is also the key of "screen.next_match" (Next match, n by default)' in warning


class ScriptedApp(BriefingApp):
    """The real reader run headless by main(), driven by a script, then quit with q."""

    script: ClassVar[Callable[[Pilot[None]], Awaitable[None]] | None] = None
    made: ClassVar[list[BriefingApp]] = []
    said: ClassVar[list[str]] = []  # the notifications shown

    def notify(self, message: str, **options: Any) -> None:  # type: ignore[override]
        self.said.append(message)
        super().notify(message, **options)

    def run(self, **kwargs: object) -> None:  # type: ignore[override]
        async def drive(pilot: Pilot[None]) -> None:
            await pilot.pause()
            script = type(self).script  # from the class: a plain function, not a method
            if script is not None:
                await script(pilot)
            await pilot.press("q")

        self.made.append(self)
        super().run(headless=True, auto_pilot=drive)


@pytest.fixture
def scripted(monkeypatch: pytest.MonkeyPatch) -> type[ScriptedApp]:
    import briefing_reader.tui as tui

    ScriptedApp.script = None
    ScriptedApp.made = []
    ScriptedApp.said = []
    monkeypatch.setattr(tui, "make_app", lambda entries, **options: ScriptedApp(entries, **options))
    return ScriptedApp


MY_FILE = '# mine: keep this\ntheme = "textual-light"  # daytime\n\n[keys]\n"screen.zoom" = "f"\n'


def test_theme_option_is_for_this_run_only(path: Path, scripted: type[ScriptedApp]) -> None:
    write(path, MY_FILE)
    assert cli.main(["--theme", "nord", str(BUNDLED)]) == 0
    (app,) = scripted.made
    assert app.theme == "nord"
    assert path.read_text(encoding="utf-8") == MY_FILE


def test_picking_a_theme_in_the_palette_saves_it_in_place(
    path: Path, scripted: type[ScriptedApp]
) -> None:
    async def pick_dracula(pilot: Pilot[None]) -> None:
        pilot.app.action_change_theme()
        await pilot.pause()
        await pilot.press(*"dracula")
        await pilot.pause(0.3)  # the palette searches in a worker
        await pilot.press("enter")
        await pilot.pause()

    write(path, MY_FILE)
    scripted.script = pick_dracula
    assert cli.main(["--theme", "nord", str(BUNDLED)]) == 0
    assert path.read_text(encoding="utf-8") == MY_FILE.replace("textual-light", "dracula")


def test_a_failed_save_is_said_in_the_reader(path: Path, scripted: type[ScriptedApp]) -> None:
    async def pick_nord(pilot: Pilot[None]) -> None:
        pilot.app.theme = "nord"
        await pilot.pause()

    write(path, "[keys\n")  # half-written by hand: not to be overwritten
    scripted.script = pick_nord
    assert cli.main([str(BUNDLED)]) == 0
    assert any(said.startswith("could not save the theme: ") for said in scripted.said)
    assert path.read_text(encoding="utf-8") == "[keys\n"


def test_binding_warnings_go_to_stderr_and_the_reader(
    path: Path, scripted: type[ScriptedApp], capsys: pytest.CaptureFixture[str]
) -> None:
    write(path, '# mine\n[keys]\n"screen.zoomm" = "x"\n')
    assert cli.main([str(BUNDLED)]) == 0
    warning = f'{path}:3:1: warning: unknown binding id "screen.zoomm" ignored; did you mean'
    assert f"briefing: {warning}" in capsys.readouterr().err
    assert any(said.startswith(warning) for said in scripted.said)
