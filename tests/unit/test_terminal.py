"""Clipboard and link escape sequences, byte for byte, and the tmux buffer fallback."""

from __future__ import annotations

import base64
import contextlib
import os
import re
import shlex
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from briefing_reader.terminal import (
    SCREEN_CHUNK_BYTES,
    clipboard_sequences,
    find_urls,
    osc8,
    osc52,
    screen_passthrough,
    tmux_load_buffer,
    tmux_passthrough,
)

ESC = "\x1b"
ST = "\x1b\\"

# --- OSC 52 ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hi", "\x1b]52;c;aGk=\x07"),
        ("", "\x1b]52;c;\x07"),
        ("é", "\x1b]52;c;w6k=\x07"),  # UTF-8 C3 A9
        ("日本", "\x1b]52;c;5pel5pys\x07"),  # E6 97 A5 E6 9C AC
        ("😀", "\x1b]52;c;8J+YgA==\x07"),  # F0 9F 98 80: not a surrogate pair
        ("a\nb\x1b", "\x1b]52;c;YQpiGw==\x07"),  # controls travel inside the base64
    ],
)
def test_osc52_exact_bytes(text: str, expected: str) -> None:
    assert osc52(text) == expected


def test_osc52_payload_is_base64_of_utf8() -> None:
    text = "Grüße — “quoted” 東京 😀\n\ttab"
    seq = osc52(text)
    assert seq.startswith("\x1b]52;c;") and seq.endswith("\x07")
    assert base64.b64decode(seq[7:-1], validate=True).decode("utf-8") == text
    assert seq.isascii()


def test_osc52_lone_surrogate_does_not_raise() -> None:
    assert osc52("a\ud800b") == osc52("a?b")


# --- tmux and screen wrapping -----------------------------------------------------------------


def test_tmux_passthrough_exact_bytes() -> None:
    assert tmux_passthrough(osc52("hi")) == "\x1bPtmux;\x1b\x1b]52;c;aGk=\x07\x1b\\"


def test_tmux_passthrough_doubles_every_escape() -> None:
    seq = "\x1b]8;;https://x.org\x1b\\link\x1b]8;;\x1b\\"
    wrapped = tmux_passthrough(seq)
    assert wrapped == (
        "\x1bPtmux;\x1b\x1b]8;;https://x.org\x1b\x1b\\link\x1b\x1b]8;;\x1b\x1b\\\x1b\\"
    )
    inner = wrapped[len("\x1bPtmux;") : -len(ST)]
    assert inner.replace(ESC + ESC, ESC) == seq


def test_screen_passthrough_short_sequence_is_one_dcs() -> None:
    assert screen_passthrough(osc52("hi")) == "\x1bP\x1b]52;c;aGk=\x07\x1b\\"


def test_screen_chunk_limit_is_screen_maxstr_minus_nul() -> None:
    # screen.h: #define MAXSTR 768; ansi.c StringChar abandons a string at MAXSTR - 1.
    assert SCREEN_CHUNK_BYTES == 767


def _dcs_contents(wrapped: str) -> list[str]:
    assert wrapped.startswith("\x1bP") and wrapped.endswith(ST)
    return wrapped[2:-2].split("\x1b\\\x1bP")


def test_screen_passthrough_chunks_at_exact_boundaries() -> None:
    seq = osc52("x" * 1500)  # 7 + 2000 + 1 = 2008 characters, all ASCII
    assert len(seq) == 2008
    wrapped = screen_passthrough(seq)
    assert wrapped == (f"\x1bP{seq[:767]}\x1b\\\x1bP{seq[767:1534]}\x1b\\\x1bP{seq[1534:]}\x1b\\")
    assert [len(chunk) for chunk in _dcs_contents(wrapped)] == [767, 767, 474]


@pytest.mark.parametrize("length", [766, 767, 768, 1534, 1535])
def test_screen_passthrough_boundary_lengths(length: int) -> None:
    seq = "a" * length
    chunks = _dcs_contents(screen_passthrough(seq))
    assert "".join(chunks) == seq
    assert all(len(chunk) <= 767 for chunk in chunks)
    assert len(chunks) == -(-length // 767)  # ceiling: no chunk wasted


def test_screen_passthrough_never_splits_a_utf8_character() -> None:
    seq = "a" * 766 + "é" + "b"  # "é" is two bytes: it cannot join the first chunk
    chunks = _dcs_contents(screen_passthrough(seq))
    assert chunks == ["a" * 766, "éb"]
    assert all(len(chunk.encode("utf-8")) <= 767 for chunk in chunks)


def test_screen_passthrough_ends_a_chunk_after_an_esc_before_backslash() -> None:
    # An inner "ESC \" would end screen's DCS string early; the chunk ends after the ESC.
    seq = "\x1b]8;;https://x.org\x1b\\text"
    assert screen_passthrough(seq) == ("\x1bP\x1b]8;;https://x.org\x1b\x1b\\" + "\x1bP\\text\x1b\\")


def test_screen_passthrough_of_nothing_is_nothing() -> None:
    assert screen_passthrough("") == ""


def screen_emits(stream: str) -> tuple[str, str]:
    """Model of GNU screen 4's parser (ansi.c WriteString) for DCS strings, ASCII only.

    Returns what screen passes to its terminal from DCS strings, and what it would
    show as text. ESC enters STRESC; there "\\" ends the string, a second ESC stores one
    ESC and stays, anything else stores ESC and the character; a string reaching
    MAXSTR - 1 = 767 bytes is abandoned (state LIT) and nothing of it is passed on.
    """
    passed: list[str] = []
    shown: list[str] = []
    state = "LIT"
    string: list[str] = []

    def store(char: str) -> None:
        nonlocal state
        if len(string) >= 767:
            state = "LIT"
        else:
            string.append(char)

    for char in stream:
        if state == "LIT":
            if char == ESC:
                state = "ESC"
            else:
                shown.append(char)
        elif state == "ESC":
            if char == "P":
                state, string = "ASTR", []
            elif char != "\\":  # a lone ST outside a string is ignored
                shown.append(ESC + char)
                state = "LIT"
            else:
                state = "LIT"
        elif state == "ASTR":
            if char == "\x00":
                continue
            if char == ESC:
                state = "STRESC"
            else:
                store(char)
        elif state == "STRESC":
            if char == "\\":
                passed.append("".join(string))
                state = "LIT"
            elif char == ESC:
                store(ESC)
            else:
                state = "ASTR"
                store(ESC)
                store(char)
    return "".join(passed), "".join(shown)


@given(st.text(alphabet=st.sampled_from(["a", "=", ";", "\\", "\x1b", "\x07", "]", "P"])))
def test_screen_passthrough_survives_a_model_of_screen(seq: str) -> None:
    passed, shown = screen_emits(screen_passthrough(seq))
    assert passed == seq
    assert shown == ""


@given(st.integers(min_value=0, max_value=3000))
def test_long_osc52_survives_a_model_of_screen(length: int) -> None:
    seq = osc52("z" * length)
    assert screen_emits(screen_passthrough(seq)) == (seq, "")


def test_screen_model_rejects_a_768_byte_chunk() -> None:
    # Why 767: the model (like screen) drops a 768-byte string entirely.
    chunk = "a" * 768
    assert screen_emits(f"\x1bP{chunk}\x1b\\") == ("", "")
    assert screen_emits(f"\x1bP{chunk[:767]}\x1b\\") == (chunk[:767], "")


# --- which sequences for which environment ----------------------------------------------------


def test_clipboard_without_multiplexer_is_bare_osc52() -> None:
    assert clipboard_sequences("hi", {}) == ["\x1b]52;c;aGk=\x07"]


def test_clipboard_in_tmux_sends_bare_and_passthrough() -> None:
    env = {"TMUX": "/tmp/tmux-1000/default,1234,0"}
    assert clipboard_sequences("hi", env) == [
        "\x1b]52;c;aGk=\x07",
        "\x1bPtmux;\x1b\x1b]52;c;aGk=\x07\x1b\\",
    ]


def test_clipboard_in_screen_sends_only_the_wrapped_form() -> None:
    env = {"STY": "1234.pts-0.host"}
    assert clipboard_sequences("hi", env) == ["\x1bP\x1b]52;c;aGk=\x07\x1b\\"]


def test_clipboard_in_screen_and_tmux() -> None:
    env = {"TMUX": "/tmp/tmux-1000/default,1234,0", "STY": "1234.pts-0.host"}
    assert clipboard_sequences("hi", env) == [
        "\x1bP\x1b]52;c;aGk=\x07\x1b\\",
        # screen(tmux(osc52)): the inner ST of the tmux form is split as screen needs
        "\x1bP\x1bPtmux;\x1b\x1b]52;c;aGk=\x07\x1b\x1b\\" + "\x1bP\\\x1b\\",
    ]


def test_clipboard_in_screen_and_tmux_unwraps_to_the_tmux_form() -> None:
    env = {"TMUX": "x", "STY": "y"}
    text = "é" * 900  # long enough for several screen chunks
    bare, passthrough = clipboard_sequences(text, env)
    assert screen_emits(bare) == (osc52(text), "")
    assert screen_emits(passthrough) == (tmux_passthrough(osc52(text)), "")


@pytest.mark.parametrize("env", [{"TMUX": ""}, {"STY": ""}, {"TMUX": "", "STY": ""}])
def test_clipboard_empty_variables_mean_unset(env: dict[str, str]) -> None:
    assert clipboard_sequences("hi", env) == [osc52("hi")]


# --- tmux load-buffer with a fake runner ------------------------------------------------------


class FakeRun:
    """Records calls and answers each with the next outcome (an exception or a result)."""

    def __init__(self, *outcomes: object) -> None:
        self.outcomes = list(outcomes)
        self.calls: list[tuple[list[str], dict[str, Any]]] = []

    def __call__(self, argv: list[str], **kwargs: Any) -> object:
        self.calls.append((argv, kwargs))
        outcome = self.outcomes.pop(0) if self.outcomes else None
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome if outcome is not None else subprocess.CompletedProcess(argv, 0)


TMUX_ENV = {"TMUX": "/tmp/tmux-1000/default,1234,0", "PATH": "/usr/bin:/bin"}


def test_tmux_load_buffer_runs_tmux_without_a_shell() -> None:
    run = FakeRun()
    assert tmux_load_buffer("héllo 😀", TMUX_ENV, run=run) is True
    assert len(run.calls) == 1
    argv, kwargs = run.calls[0]
    assert argv == ["tmux", "load-buffer", "-w", "-"]
    assert kwargs["input"] == "héllo 😀".encode()
    assert kwargs["timeout"] == 2
    assert kwargs["env"] == TMUX_ENV  # TMUX chooses the server
    assert kwargs["stdout"] == subprocess.DEVNULL and kwargs["stderr"] == subprocess.DEVNULL
    assert not kwargs.get("shell", False)


def test_tmux_load_buffer_outside_tmux_does_nothing() -> None:
    run = FakeRun()
    assert tmux_load_buffer("x", {}, run=run) is False
    assert tmux_load_buffer("x", {"TMUX": ""}, run=run) is False
    assert run.calls == []


def test_tmux_load_buffer_missing_tmux_is_false() -> None:
    run = FakeRun(FileNotFoundError(2, "No such file or directory", "tmux"))
    assert tmux_load_buffer("x", TMUX_ENV, run=run) is False
    assert len(run.calls) == 1  # no point retrying


def test_tmux_load_buffer_timeout_is_false() -> None:
    run = FakeRun(subprocess.TimeoutExpired(["tmux"], 2))
    assert tmux_load_buffer("x", TMUX_ENV, run=run) is False
    assert len(run.calls) == 1


def test_tmux_load_buffer_failure_is_false_after_trying_without_w() -> None:
    error = subprocess.CalledProcessError(1, ["tmux"])
    run = FakeRun(error, error)
    assert tmux_load_buffer("x", TMUX_ENV, run=run) is False
    assert [argv for argv, _ in run.calls] == [
        ["tmux", "load-buffer", "-w", "-"],
        ["tmux", "load-buffer", "-"],
    ]


def test_tmux_load_buffer_falls_back_when_w_is_unknown() -> None:
    # tmux before 3.2: "load-buffer: unknown flag -w", exit status 1.
    run = FakeRun(subprocess.CalledProcessError(1, ["tmux"]), None)
    assert tmux_load_buffer("x", TMUX_ENV, run=run) is True
    assert run.calls[1][0] == ["tmux", "load-buffer", "-"]
    assert run.calls[1][1]["input"] == b"x"


def test_tmux_load_buffer_other_os_errors_are_false() -> None:
    run = FakeRun(PermissionError(13, "Permission denied"))
    assert tmux_load_buffer("x", TMUX_ENV, run=run) is False


# --- a real tmux --------------------------------------------------------------------------------

TMUX = shutil.which("tmux")
needs_tmux = pytest.mark.skipif(
    TMUX is None, reason="tmux is not installed: the real-tmux tests need the tmux binary"
)


def tmux_version() -> tuple[int, int]:
    out = subprocess.run(
        ["tmux", "-V"], capture_output=True, text=True, timeout=10, check=True
    ).stdout
    match = re.search(r"(\d+)\.(\d+)", out)
    return (int(match[1]), int(match[2])) if match else (0, 0)


@dataclass
class TmuxServer:
    name: str
    tmpdir: str  # TMUX_TMPDIR: where the socket lives
    env: dict[str, str] | None = None  # the environment of a program inside this server

    def __call__(self, *args: str) -> bytes:
        return subprocess.run(
            ["tmux", "-L", self.name, "-f", "/dev/null", *args],
            env={**os.environ, "TMUX_TMPDIR": self.tmpdir},
            capture_output=True,
            timeout=10,
            check=True,
        ).stdout

    def kill(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self("kill-server")


def start_tmux(name: str, tmpdir: str) -> TmuxServer:
    server = TmuxServer(name, tmpdir)
    server("new-session", "-d", "-x", "80", "-y", "24")
    socket = server("display", "-p", "#{socket_path}").decode().strip()
    pid = server("display", "-p", "#{pid}").decode().strip()
    session = server("display", "-p", "#{session_id}").decode().strip().lstrip("$")
    # The TMUX variable tmux sets in its panes: "socket_path,server_pid,session_index".
    server.env = {**os.environ, "TMUX": f"{socket},{pid},{session}"}
    return server


@pytest.fixture
def tmux_dir() -> Iterator[str]:
    # A private TMUX_TMPDIR: the developer's own tmux is never touched and no socket is
    # left behind (tmux does not remove its socket on kill-server). Short, under /tmp,
    # because a socket path may not exceed about 104 bytes.
    directory = tempfile.mkdtemp(prefix="brt-", dir="/tmp")
    try:
        yield directory
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def tmux_server(tmux_dir: str) -> Iterator[TmuxServer]:
    server = TmuxServer(f"outer-{uuid.uuid4().hex[:8]}", tmux_dir)
    try:
        yield start_tmux(server.name, tmux_dir)
    finally:
        server.kill()


def wait_for(check: Any, timeout: float = 10.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.05)


TEXT = "Grüße — “quoted” 東京 😀\nsecond line\twith a tab"


@needs_tmux
def test_real_tmux_load_buffer(tmux_server: TmuxServer) -> None:
    calls: list[list[str]] = []

    def run(argv: list[str], **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
        calls.append(argv)
        return subprocess.run(argv, **kwargs)

    assert tmux_load_buffer(TEXT, tmux_server.env, run=run) is True
    assert tmux_server("show-buffer").decode("utf-8") == TEXT
    # tmux 3.2+ accepts -w with no client attached (nothing to forward to then); an
    # older tmux rejects the flag and tmux_load_buffer retries without it.
    expected_first = ["tmux", "load-buffer", "-w", "-"]
    assert calls[0] == expected_first
    if tmux_version() >= (3, 2):
        assert calls == [expected_first]


@needs_tmux
def test_real_tmux_load_buffer_with_a_dead_server(tmux_server: TmuxServer) -> None:
    env = {**tmux_server.env, "TMUX": "/nonexistent/socket,1,0"}
    assert tmux_load_buffer("x", env) is False


def run_in_pane(server: TmuxServer, tmp_path: Path, payload: str) -> str:
    """Have a new window print ``payload``; return its pane id."""
    script = tmp_path / f"payload-{uuid.uuid4().hex[:6]}"
    script.write_bytes(payload.encode("utf-8"))
    command = f"cat {shlex.quote(str(script))}; sleep 60"
    return server("new-window", "-d", "-P", "-F", "#{pane_id}", command).decode().strip()


def buffers(server: TmuxServer) -> list[str]:
    names = server("list-buffers", "-F", "#{buffer_name}").decode().split()
    return [server("show-buffer", "-b", name).decode("utf-8") for name in names]


@needs_tmux
def test_real_tmux_takes_the_clipboard_sequences(tmux_server: TmuxServer, tmp_path: Path) -> None:
    # With set-clipboard on, tmux turns an OSC 52 from a pane into a paste buffer: proof
    # that the bare sequence parses, and the passthrough form beside it does no harm.
    tmux_server("set-option", "-s", "set-clipboard", "on")
    sequences = clipboard_sequences(TEXT, {"TMUX": "set"})
    pane = run_in_pane(tmux_server, tmp_path, "before" + "".join(sequences) + "after")
    assert wait_for(lambda: TEXT in buffers(tmux_server))
    screen_text = tmux_server("capture-pane", "-p", "-t", pane).decode()
    assert screen_text.splitlines()[0] == "beforeafter"


@needs_tmux
def test_real_tmux_ignores_the_screen_forms(tmux_server: TmuxServer, tmp_path: Path) -> None:
    # With both TMUX and STY set, tmux may be the inner one and get the screen-wrapped
    # forms directly: nothing of them may show up as text.
    sequences = clipboard_sequences(TEXT * 20, {"TMUX": "set", "STY": "set"})
    pane = run_in_pane(tmux_server, tmp_path, "before" + "".join(sequences) + "after")
    assert wait_for(lambda: "after" in tmux_server("capture-pane", "-p", "-t", pane).decode())
    assert tmux_server("capture-pane", "-p", "-t", pane).decode().splitlines()[0] == ("beforeafter")


@needs_tmux
@pytest.mark.skipif(
    TMUX is not None and tmux_version() < (3, 3),
    reason="allow-passthrough needs tmux 3.3 or later",
)
def test_real_nested_tmux_passes_the_wrapped_form_through(
    tmux_server: TmuxServer, tmux_dir: str, tmp_path: Path
) -> None:
    # An inner tmux runs attached inside a pane of the outer one. The payload is only
    # the passthrough form (the inner tmux has set-clipboard off, so a bare OSC 52 would
    # stop there): if the outer tmux gets the text, the inner one unwrapped it exactly.
    tmux_server("set-option", "-s", "set-clipboard", "on")
    inner = f"inner-{uuid.uuid4().hex[:8]}"
    config = tmp_path / "inner.conf"
    config.write_text("set -g allow-passthrough on\nset -s set-clipboard off\n")
    payload = tmp_path / "payload"
    payload.write_bytes(tmux_passthrough(osc52(TEXT)).encode())
    # The inner pane waits for a signal until the inner client is attached: passthrough
    # goes to the clients showing the pane, and there are none before that.
    inner_command = shlex.join(
        [
            "tmux",
            "-L",
            inner,
            "-f",
            str(config),
            "new-session",
            f"tmux wait-for go; cat {shlex.quote(str(payload))}; sleep 60",
        ]
    )
    inner_server = TmuxServer(inner, tmux_dir)  # the outer pane passes TMUX_TMPDIR on
    try:
        tmux_server("new-window", "-d", f"env -u TMUX {inner_command}")
        assert wait_for(lambda: _clients(inner_server))
        inner_server("wait-for", "-S", "go")
        assert wait_for(lambda: TEXT in buffers(tmux_server))
    finally:
        inner_server.kill()


def _clients(server: TmuxServer) -> bytes:
    try:
        return server("list-clients")
    except subprocess.CalledProcessError:  # the server is not up yet
        return b""


# --- OSC 8 links --------------------------------------------------------------------------------


def test_osc8_exact_bytes() -> None:
    assert osc8("https://example.com/a?b=1", "Example") == (
        "\x1b]8;;https://example.com/a?b=1\x1b\\Example\x1b]8;;\x1b\\"
    )


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com",
        "HTTPS://EXAMPLE.COM/X",
        "mailto:editor@example.com",
        "file:///home/me/briefing.yaml",
        "https://example.com/a%20b;c=d",  # existing escapes and ";" stay as they are
    ],
)
def test_osc8_allowed_schemes(url: str) -> None:
    assert osc8(url, "t") == f"\x1b]8;;{url}\x1b\\t\x1b]8;;\x1b\\"


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "data:text/html,<script>",
        "ftp://example.com/file",
        "ssh://host",
        "example.com/no-scheme",
        "",
        "https://",  # no host
        "https:///path",
        "https://example.com/\x1b]8;;https://evil\x1b\\",  # would end the link early
        "https://example.com/\x07",
        "https://example.com/\x9c",  # C1 string terminator
        "https://example.com/\x7f",
        "https://exa mple.com",
        "https://example.com/\u202egnp.exe",  # right-to-left override
        "https://example.com/\u200b",  # zero-width space
        "https://[::1",  # urlsplit raises
    ],
)
def test_osc8_refused_urls_give_plain_text(url: str) -> None:
    assert osc8(url, "plain") == "plain"


def test_osc8_strips_controls_from_text() -> None:
    assert osc8("https://x.org", "a\x1b]8;;https://evil\x1b\\b\x07c\x9bd\n") == (
        "\x1b]8;;https://x.org\x1b\\a]8;;https://evil\\bcd\x1b]8;;\x1b\\"
    )
    assert osc8("javascript:x", "a\x1bb\u202ec") == "abc"


def test_osc8_percent_encodes_non_ascii_urls() -> None:
    assert osc8("https://ja.wikipedia.org/wiki/東京", "Tokyo") == (
        "\x1b]8;;https://ja.wikipedia.org/wiki/%E6%9D%B1%E4%BA%AC\x1b\\Tokyo\x1b]8;;\x1b\\"
    )


def test_osc8_empty_text_shows_the_url() -> None:
    assert osc8("https://x.org", "") == "\x1b]8;;https://x.org\x1b\\https://x.org\x1b]8;;\x1b\\"


@given(st.text(), st.text())
def test_osc8_never_lets_a_control_through(url: str, text: str) -> None:
    out = osc8(url, text)
    if out.startswith("\x1b]8;;"):
        target, rest = out[5:].split("\x1b\\", 1)
        visible = rest[: -len("\x1b]8;;\x1b\\")]
        assert all(0x21 <= ord(char) <= 0x7E for char in target)
        assert rest.endswith("\x1b]8;;\x1b\\")
    else:
        visible = out
    assert not any(ord(char) < 0x20 or 0x7F <= ord(char) <= 0x9F for char in visible)


# --- finding URLs -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "urls"),
    [
        ("no links here", []),
        ("see https://example.com.", ["https://example.com"]),
        ("see https://example.com/a, then", ["https://example.com/a"]),
        ("a https://x.org/a; b http://y.org:8080/b: c", ["https://x.org/a", "http://y.org:8080/b"]),
        ("(see https://x.org/a)", ["https://x.org/a"]),
        ("(see https://x.org/a).", ["https://x.org/a"]),
        (
            "https://en.wikipedia.org/wiki/Python_(programming_language)",
            ["https://en.wikipedia.org/wiki/Python_(programming_language)"],
        ),
        (
            "(https://en.wikipedia.org/wiki/Bit_(unit))",
            ["https://en.wikipedia.org/wiki/Bit_(unit)"],
        ),
        ("[link](https://x.org/doc)", ["https://x.org/doc"]),
        ("[https://x.org/a]", ["https://x.org/a"]),
        ("https://x.org/a[1]", ["https://x.org/a[1]"]),
        ("<https://x.org/a>", ["https://x.org/a"]),
        ('"https://x.org/a"', ["https://x.org/a"]),
        ("“https://x.org/a”", ["https://x.org/a"]),
        ("'https://x.org/a'", ["https://x.org/a"]),
        ("is it https://x.org/a?", ["https://x.org/a"]),
        ("https://x.org/search?q=a&b=c#frag", ["https://x.org/search?q=a&b=c#frag"]),
        ("HTTPS://X.ORG/A", ["HTTPS://X.ORG/A"]),
        ("https://ja.wikipedia.org/wiki/東京 next", ["https://ja.wikipedia.org/wiki/東京"]),
        ("line https://x.org/a\nhttps://y.org/b", ["https://x.org/a", "https://y.org/b"]),
        ("https://x.org/a\x1b[31m", ["https://x.org/a"]),
        ("https://x.org/a\u200bhidden", ["https://x.org/a"]),
        ("ftp://x.org mailto:a@b.c", []),
        ("xhttps://x.org", []),
        ("http:// and https://", []),
        ("https://...", []),
        ("https:///path", []),
        ("**https://x.org/bold**", ["https://x.org/bold"]),
        ("etc: https://x.org/…", ["https://x.org/"]),
    ],
)
def test_find_urls(text: str, urls: list[str]) -> None:
    found = find_urls(text)
    assert [url for _, _, url in found] == urls
    for start, end, url in found:
        assert text[start:end] == url


def test_find_urls_spans() -> None:
    text = "Source: https://example.com/report.pdf (p. 3), and http://b.org."
    assert find_urls(text) == [
        (8, 38, "https://example.com/report.pdf"),
        (51, 63, "http://b.org"),
    ]


@given(st.text())
def test_find_urls_spans_are_consistent(text: str) -> None:
    previous_end = 0
    for start, end, url in find_urls(text):
        assert text[start:end] == url
        assert start >= previous_end
        assert url.lower().startswith(("http://", "https://"))
        assert url[-1] not in ".,;:!?"
        previous_end = end
