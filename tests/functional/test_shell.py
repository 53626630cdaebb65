"""The tools `briefing` is used with: bash, zsh and fish completion, man, and less -R.

Each script and the manual are taken from `briefing` itself (--print-completion,
--print-man), as a user installs them, and run by the real shell or formatter where it is
installed; without one, the test checks the script's text instead and says so in its name.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from briefing_reader import cli
from briefing_reader.keys import KEYS, shown
from briefing_reader.tui.themes import theme_names
from tests.conftest import BUNDLED, ROOT
from tests.unit.test_show import run_show, run_show_on_terminal

COMMANDS = [name for name, _usage, _summary in cli.OTHER_COMMANDS]


def briefing(*args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "briefing_reader", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return result.stdout


@pytest.fixture(scope="module")
def scripts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("completions")
    written = {}
    for shell in ("bash", "zsh", "fish"):
        written[shell] = folder / shell
        written[shell].write_text(briefing("--print-completion", shell))
    return written


@pytest.fixture
def cwd(tmp_path: Path) -> Path:
    """A folder to complete file names in: a briefing and a folder of them."""
    (tmp_path / "acme.yaml").write_text("")
    (tmp_path / "library").mkdir()
    return tmp_path


def bash_complete(script: Path, cwd: Path, line: str) -> list[str]:
    """What bash offers for ``line`` (the word being completed is after its last space)."""
    words = line.split(" ")
    program = (
        f"source {script}\n"
        'COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMP_LINE="${*}"\n'
        "_shtab_briefing\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    result = subprocess.run(
        ["bash", "--norc", "-c", program, "bash", *words],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    assert result.stderr == ""
    return result.stdout.split()


def test_bash_offers_the_commands_and_the_files_first(scripts: dict[str, Path], cwd: Path) -> None:
    offered = bash_complete(scripts["bash"], cwd, "briefing ")
    assert set(COMMANDS) | {"acme.yaml", "library"} <= set(offered)
    assert "show" in bash_complete(scripts["bash"], cwd, "briefing sh")


def test_bash_offers_the_theme_names(scripts: dict[str, Path], cwd: Path) -> None:
    offered = bash_complete(scripts["bash"], cwd, "briefing --theme ")
    assert sorted(offered) == theme_names()
    assert "textual-light" in offered
    assert bash_complete(scripts["bash"], cwd, "briefing --theme textual-l") == ["textual-light"]


def test_bash_offers_each_commands_options_and_choices(scripts: dict[str, Path], cwd: Path) -> None:
    options = bash_complete(scripts["bash"], cwd, "briefing show --")
    assert {"--format", "--width", "--color", "--help"} <= set(options)
    assert "--theme" not in options  # the reader's, not show's
    assert bash_complete(scripts["bash"], cwd, "briefing show --format ") == [
        "text",
        "markdown",
        "json",
    ]
    assert bash_complete(scripts["bash"], cwd, "briefing show --color ") == [
        "auto",
        "always",
        "never",
    ]
    assert bash_complete(scripts["bash"], cwd, "briefing validate --format ") == ["text", "json"]
    assert bash_complete(scripts["bash"], cwd, "briefing show ac") == ["acme.yaml"]
    assert bash_complete(scripts["bash"], cwd, "briefing new --source ac") == ["acme.yaml"]
    assert bash_complete(scripts["bash"], cwd, "briefing --print-completion ") == [
        "bash",
        "zsh",
        "fish",
    ]


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed")
def test_zsh_script_parses(scripts: dict[str, Path]) -> None:
    result = subprocess.run(
        ["zsh", "-n", str(scripts["zsh"])], capture_output=True, text=True, timeout=30
    )
    assert (result.returncode, result.stderr) == (0, "")


def test_zsh_script_text_names_the_commands_options_and_themes(scripts: dict[str, Path]) -> None:
    text = scripts["zsh"].read_text()
    assert text.startswith("#compdef briefing\n")
    for name in COMMANDS:
        assert f"\n    {name}:'" in text  # in the list of commands, with its summary
        assert f"{name}) _arguments" in text  # and its options once it is typed
    assert "(" + " ".join(theme_names()) + ")" in text
    assert "--color[" in text
    assert ":_files" in text


@pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed")
def test_fish_offers_commands_files_themes_and_options(scripts: dict[str, Path], cwd: Path) -> None:
    def complete(line: str) -> list[str]:
        program = f"source {scripts['fish']}; complete -C {line!r}"
        result = subprocess.run(
            ["fish", "--no-config", "-c", program],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
        assert result.stderr == ""
        return [line.split("\t")[0] for line in result.stdout.splitlines()]

    assert set(COMMANDS) | {"acme.yaml", "library/"} <= set(complete("briefing "))
    assert complete("briefing --theme ") == theme_names()
    assert complete("briefing show --format ") == ["json", "markdown", "text"]
    assert {"--color", "--format", "--width"} <= set(complete("briefing show --"))
    assert complete("briefing schema ") == []  # schema takes no file
    assert complete("briefing new --source ac") == ["acme.yaml"]


def test_fish_script_text_names_the_commands_and_themes(scripts: dict[str, Path]) -> None:
    text = scripts["fish"].read_text()
    for name in COMMANDS:
        assert f" -a {name} -d '" in text
        assert f"'__fish_seen_subcommand_from {name}'" in text
    assert "-l theme -x -a '" + " ".join(theme_names()) + "'" in text
    assert "-l color -x -a 'auto always never'" in text


@pytest.fixture(scope="module")
def manual(tmp_path_factory: pytest.TempPathFactory) -> Path:
    page = tmp_path_factory.mktemp("man") / "briefing.1"
    page.write_text(briefing("--print-man"))
    return page


@pytest.mark.skipif(shutil.which("groff") is None, reason="groff is not installed")
def test_man_page_renders_without_warnings(manual: Path) -> None:
    result = subprocess.run(
        ["groff", "-ww", "-man", "-Tutf8", str(manual)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (result.returncode, result.stderr) == (0, "")
    assert "briefing show" in result.stdout


@pytest.mark.skipif(shutil.which("mandoc") is None, reason="mandoc is not installed")
def test_man_page_passes_mandoc_lint(manual: Path) -> None:
    result = subprocess.run(
        ["mandoc", "-T", "lint", "-W", "warning", str(manual)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout + result.stderr == ""


def man_text(manual: Path) -> str:
    """The page as man shows it, without bold or underline: groff's ASCII output, plain."""
    result = subprocess.run(
        ["groff", "-man", "-Tutf8", "-P-cbou", str(manual)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout


@pytest.mark.skipif(shutil.which("groff") is None, reason="groff is not installed")
def test_man_page_has_every_command_option_and_key(manual: Path) -> None:
    text = man_text(manual)
    commands = text.split("\nCOMMANDS\n", 1)[1].split("\nKEYS\n", 1)[0]
    for name in COMMANDS:
        assert re.search(rf"^   briefing {name}$", commands, re.M), name  # a heading each
    for parser in (cli.build_parser(), *(make() for make in cli.PARSERS.values())):
        for action in parser._actions:
            for option in action.option_strings:
                assert option in text
    keys = text.split("\nKEYS\n", 1)[1]
    for key in KEYS:
        for name in key.keys.split(","):
            # Each key at the start of its line, where .TP puts the keys (not inside a sentence).
            assert re.search(rf"^ +(.*, )?{re.escape(shown(name))}(,| |$)", keys, re.M), name
    assert "textual-light" in text  # what --theme accepts


def test_man_page_keeps_roff_controls_in_text_literal(manual: Path) -> None:
    page = manual.read_text()
    body = [line for line in page.splitlines() if not line.startswith(".")]
    assert not any(line.startswith("'") for line in body)
    assert "--" not in page.replace("\\-\\-", "")  # every hyphen escaped: \- prints "-"
    assert "\\-\\-print\\-man" in page


# --- show --color -----------------------------------------------------------------------

SGR = re.compile(rb"\x1b\[([0-9;]*)m")


def colours(output: bytes) -> set[int]:
    """The foreground and background colour codes among ``output``'s SGR sequences."""
    found = set()
    for params in SGR.findall(output):
        for code in params.split(b";"):
            number = int(code or 0)
            if 30 <= number <= 49 or 90 <= number <= 107:
                found.add(number)
    return found


def shown_to_pipe(*args: str, **env: str) -> bytes:
    result = run_show(*args, BUNDLED, **env)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_color_always_styles_a_pipe_for_less_r() -> None:
    styled = shown_to_pipe("--color", "always")
    assert colours(styled)
    assert b"\x1b[1m" in styled  # the title in bold
    assert SGR.sub(b"", styled) == shown_to_pipe()  # the same text under its styles


def test_color_always_wins_over_no_color() -> None:
    assert colours(shown_to_pipe("--color", "always", NO_COLOR="1"))


def test_color_auto_to_a_pipe_is_plain_and_force_color_styles_it() -> None:
    assert b"\x1b" not in shown_to_pipe("--color", "auto")
    assert colours(shown_to_pipe(FORCE_COLOR="1"))
    assert colours(shown_to_pipe("--color", "auto", FORCE_COLOR="1"))


def test_no_color_wins_over_force_color_under_auto() -> None:
    both = shown_to_pipe(NO_COLOR="1", FORCE_COLOR="1")
    assert not colours(both)
    assert b"\x1b[1m" in both  # styled, as FORCE_COLOR asks, in bold and underline only
    assert b"\x1b" not in shown_to_pipe("--color", "auto", NO_COLOR="1")


def test_color_never_is_the_plain_piped_text_whatever_the_environment() -> None:
    plain = shown_to_pipe()
    assert b"\x1b" not in plain
    assert shown_to_pipe("--color", "never", FORCE_COLOR="1") == plain
    stdout, _ = run_show_on_terminal("--color", "never", BUNDLED, stream="stdout", columns=80)
    assert b"\x1b" not in stdout
    assert stdout == plain


def test_color_never_and_always_on_a_terminal() -> None:
    styled, _ = run_show_on_terminal("--color", "always", BUNDLED, stream="stdout", columns=80)
    assert colours(styled)
    auto, _ = run_show_on_terminal(BUNDLED, stream="stdout", columns=80, NO_COLOR="1")
    assert not colours(auto)


def test_color_always_with_a_dumb_terminal_still_colours() -> None:
    assert colours(shown_to_pipe("--color", "always", TERM="dumb"))


def test_json_and_markdown_documents_are_never_styled() -> None:
    for output in ("json", "markdown"):
        assert b"\x1b" not in shown_to_pipe("--format", output, "--color", "always")


@pytest.mark.skipif(
    shutil.which("zsh") is None or shutil.which("tmux") is None, reason="needs zsh and tmux"
)
def test_zsh_offers_commands_files_and_themes_in_a_real_shell(
    scripts: dict[str, Path], cwd: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """zsh completes only inside its line editor: a real zsh in tmux, typing Tab."""
    home = tmp_path_factory.mktemp("zdot")
    (home / "functions").mkdir()
    shutil.copy(scripts["zsh"], home / "functions" / "_briefing")
    (home / ".zshrc").write_text(
        f"fpath=({home / 'functions'} $fpath)\n"
        f"autoload -U compinit; compinit -u -d {home / 'zcompdump'}\n"
        "PS1='%% '\n"
    )
    server = ["tmux", "-L", f"shell-test-{home.name}", "-f", "/dev/null"]
    subprocess.run(
        [
            *server,
            "new-session",
            "-d",
            "-x",
            "120",
            "-y",
            "30",
            "-c",
            str(cwd),
            f"ZDOTDIR={home} zsh -i",
        ],
        check=True,
        timeout=30,
    )

    def screen_after(*keys: str, showing: str) -> str:
        subprocess.run([*server, "send-keys", "C-u", *keys], check=True, timeout=30)
        for _ in range(100):  # until zsh has listed what it offers (a timeout, not a figure)
            screen = subprocess.run(
                [*server, "capture-pane", "-p"], capture_output=True, text=True, check=True
            ).stdout
            if showing in screen:
                return screen
            time.sleep(0.1)
        return screen

    try:
        screen_after("true", "Enter", showing="% ")  # the prompt: compinit has run
        first = screen_after("briefing ", "Tab", showing="validate")
        for name in COMMANDS:
            assert re.search(rf"\b{name}\s+-- ", first), first  # each with its summary
        assert "acme.yaml" in first and "library/" in first
        themes = screen_after("briefing --theme ", "Tab", showing="tokyo-night")
        assert set(theme_names()) <= set(themes.split())
        after_a_path = screen_after("briefing acme.yaml ", "Tab", showing="library/")
        assert "library/" in after_a_path
        formats = screen_after("briefing show --format ", "Tab", showing="markdown")
        assert {"json", "markdown", "text"} <= set(formats.split())
    finally:
        subprocess.run([*server, "kill-server"], check=False, timeout=30)
