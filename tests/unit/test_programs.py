"""Programs we start and the paths a copy takes, decided without a terminal (issue 11).

Which way a copy leaves tmux (one path per destination, so one tmux buffer and one OSC 52
outside), which URLs a browser may be given and how, and the editor's command line.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from briefing_reader.briefing_files import ReaderFiles
from briefing_reader.terminal import (
    MAX_BROWSER_URL,
    TmuxClipboard,
    browser_url,
    clipboard_route,
    osc52,
    screen_passthrough,
    tmux_clipboard,
    tmux_passthrough,
)

TMUX = {"TMUX": "/tmp/tmux-1000/default,1234,0"}
BARE = osc52("hi")
WRAPPED = tmux_passthrough(BARE)

# --- the copy's route ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("setting", "passthrough", "sequences", "load_buffer", "where"),
    [
        # tmux makes the buffer of the bare OSC 52 and forwards it: nothing else, or twice.
        ("on", True, (BARE,), False, "the clipboard (via tmux)"),
        ("on", False, (BARE,), False, "the clipboard (via tmux)"),
        # tmux ignores an app's OSC 52 but forwards its own buffer: load-buffer -w alone.
        ("external", True, (), True, "the clipboard (via tmux)"),
        ("external", False, (), True, "the clipboard (via tmux)"),
        # tmux forwards nothing: passthrough for the terminal, a plain buffer for tmux.
        (
            "off",
            True,
            (WRAPPED,),
            True,
            "the terminal's clipboard (tmux passthrough) and tmux's paste buffer",
        ),
        ("off", False, (), True, "tmux's paste buffer only (tmux's set-clipboard is off)"),
    ],
)
def test_each_tmux_setting_takes_one_path(
    setting: str, passthrough: bool, sequences: tuple[str, ...], load_buffer: bool, where: str
) -> None:
    route = clipboard_route("hi", TMUX, TmuxClipboard(setting, passthrough))
    assert route.sequences == sequences
    assert route.load_buffer is load_buffer
    assert route.where == where
    # One way to tmux's buffers and one to the outer terminal, never two of either.
    to_buffers = (BARE in sequences and setting == "on") + load_buffer
    assert to_buffers == 1


def test_unknown_tmux_options_send_every_form() -> None:
    # tmux could not be asked (no server answering): a copy that lands twice beats none.
    route = clipboard_route("hi", TMUX, None)
    assert route.sequences == (BARE, WRAPPED)
    assert route.load_buffer is True


def test_without_a_multiplexer_the_bare_osc52_goes_to_the_clipboard() -> None:
    route = clipboard_route("hi", {}, None)
    assert route == type(route)((BARE,), False, "the clipboard")


def test_in_screen_the_notice_says_the_text_went_to_the_terminal_not_screen() -> None:
    route = clipboard_route("hi", {"STY": "1234.pts-0.host"}, None)
    assert route.sequences == (screen_passthrough(BARE),)
    assert route.load_buffer is False
    assert route.where == "the terminal's clipboard (via screen)"


class Answer:
    def __init__(self, stdout: bytes | None = None, error: Exception | None = None) -> None:
        self.stdout, self.error = stdout, error
        self.argv: list[str] = []

    def __call__(self, argv: list[str], **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
        self.argv = argv
        assert "shell" not in kwargs
        if self.error is not None:
            raise self.error
        return subprocess.CompletedProcess(argv, 0, self.stdout or b"", b"")


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (b"on|1\n", TmuxClipboard("on", True)),
        (b"external|0\n", TmuxClipboard("external", False)),
        (b"off|all\n", TmuxClipboard("off", True)),
        (b"off|\n", TmuxClipboard("off", True)),  # tmux before 3.3: no option, all passes
        (b"\n", None),
        (b"maybe|1\n", None),
    ],
)
def test_tmux_options_are_read_from_one_display(
    answer: bytes, expected: TmuxClipboard | None
) -> None:
    run = Answer(answer)
    assert tmux_clipboard({**TMUX, "TMUX_PANE": "%3"}, run=run) == expected
    assert run.argv == [
        "tmux",
        "display",
        "-p",
        "-t",
        "%3",
        "#{set-clipboard}|#{allow-passthrough}",
    ]


@pytest.mark.parametrize(
    "error",
    [
        FileNotFoundError("tmux"),
        subprocess.CalledProcessError(1, "tmux"),
        subprocess.TimeoutExpired("tmux", 2),
    ],
)
def test_a_tmux_that_cannot_answer_is_unknown(error: Exception) -> None:
    assert tmux_clipboard(TMUX, run=Answer(error=error)) is None
    assert tmux_clipboard({}, run=Answer(b"on|1")) is None  # not in tmux: nothing to ask


# --- URLs for the browser ------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "javascript:alert(document.cookie)",
        "--x",
        "-x https://example.org",
        "data:text/html,<script>alert(1)</script>",
        "https://",
        "https://exa mple.org/",
        "https://example.org/\x1b]0;pwned\a",
        "ftp://example.org/file",
        "https://example.org/" + "a" * (100 * 1024),
    ],
)
def test_only_short_clean_http_urls_go_to_a_browser(url: str) -> None:
    with pytest.raises(ValueError) as raised:
        browser_url(url)
    assert "\n" not in str(raised.value)


def test_a_url_one_past_the_limit_is_refused_and_the_limit_is_not() -> None:
    base = "https://example.org/"
    assert browser_url(base + "a" * (MAX_BROWSER_URL - len(base))).startswith(base)
    with pytest.raises(ValueError, match="too long"):
        browser_url(base + "a" * (MAX_BROWSER_URL - len(base) + 1))


def test_shell_metacharacters_stay_in_the_url() -> None:
    url = "https://example.org/a;touch${IFS}/tmp/x|$(id)&`id`"
    assert browser_url(url) == url  # one argument, never a shell: nothing to escape


def test_browser_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    files = ReaderFiles()
    tool = tmp_path / "my browser"
    tool.write_text("#!/bin/sh\n")
    tool.chmod(0o755)
    url = "https://example.org/a b"  # a space only to show it stays in one argument
    monkeypatch.setenv("BROWSER", f"/nonexistent/first{os.pathsep}'{tool}' --new-window")
    assert files.browser_command(url) == [str(tool), "--new-window", url]
    monkeypatch.setenv("BROWSER", f"'{tool}' --url=%s &")
    assert files.browser_command(url) == [str(tool), f"--url={url}"]


def test_no_browser_is_said(monkeypatch: pytest.MonkeyPatch) -> None:
    files = ReaderFiles()
    monkeypatch.setenv("BROWSER", "/nonexistent/browser")
    with pytest.raises(LookupError, match=r"\$BROWSER"):
        files.browser_command("https://example.org/")
    monkeypatch.delenv("BROWSER")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    if os.uname().sysname != "Darwin":
        # Without a display xdg-open falls back to a console browser, which would fight the
        # reader for the terminal.
        with pytest.raises(LookupError, match="no web browser"):
            files.browser_command("https://example.org/")
    monkeypatch.setenv("BROWSER", "'unclosed")
    with pytest.raises(ValueError, match="cannot split"):
        files.browser_command("https://example.org/")


# --- the editor's command line -------------------------------------------------------------


def test_the_path_is_one_argument_and_never_an_option(monkeypatch: pytest.MonkeyPatch) -> None:
    files = ReaderFiles()
    monkeypatch.setenv("VISUAL", "vim -u NONE")
    assert files.edit_command(Path("my folder/b c.yaml")) == [
        "vim",
        "-u",
        "NONE",
        "my folder/b c.yaml",
    ]
    assert files.edit_command(Path("-c!sh.yaml"))[-1] == "./-c!sh.yaml"


@pytest.mark.parametrize(
    ("editor", "said"),
    [
        ("/nonexistent/editor --wait", "no such program: /nonexistent/editor"),
        ("vim 'unclosed", "cannot split the command: no closing quotation"),
        ("   ", None),  # blank: VISUAL unset in effect, but a blank EDITOR is an error
    ],
)
def test_an_editor_that_cannot_run_is_found_out_before_the_terminal_is_handed_over(
    monkeypatch: pytest.MonkeyPatch, editor: str, said: str | None
) -> None:
    files = ReaderFiles()
    monkeypatch.setenv("VISUAL", editor)
    with pytest.raises(ValueError) as raised:
        files.checked_edit_command(Path("b.yaml"))
    if said is not None:
        assert str(raised.value) == said
    else:
        assert str(raised.value) == "the command is empty"
