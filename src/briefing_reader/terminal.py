"""Escape sequences for the clipboard and for links, and the tmux clipboard fallback.

Everything here returns strings for the app to write to the terminal as they are; nothing
here writes. Over SSH the only way to reach the user's clipboard is the terminal itself
(OSC 52), and terminal multiplexers in between need the sequence wrapped to let it pass.
"""

from __future__ import annotations

import base64
import re
import subprocess
import unicodedata
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

ESC = "\x1b"
BEL = "\a"
ST = ESC + "\\"  # string terminator

# GNU screen keeps a DCS string in a buffer of MAXSTR = 768 bytes, one of them the
# terminating NUL (ansi.c StringChar: a string reaching MAXSTR - 1 bytes is abandoned and
# the rest is shown as text). So a chunk may hold 767 bytes, not 768.
SCREEN_CHUNK_BYTES = 767

# How long the tmux client may take; it talks to a local server, so seconds mean it hangs.
TMUX_TIMEOUT_SECONDS = 2.0


def _utf8(text: str) -> bytes:
    # A lone surrogate cannot be encoded; a "?" in the copy beats no copy at all.
    return text.encode("utf-8", "replace")


def osc52(text: str) -> str:
    """OSC 52 "set the clipboard" for ``text``: ``ESC ] 52 ; c ; <base64> BEL``.

    BEL, not ST (ESC \\), ends it, for the widest support: BEL is the terminator
    xterm's documentation shows for OSC 52 and the one most tools send (tmux's default
    ``Ms`` capability among them), so it is the form terminals are surest to accept.
    Having no ESC inside also keeps it simple to wrap for GNU screen, which ends its
    strings at ESC \\. An empty ``text`` clears the clipboard in terminals that follow
    xterm.
    """
    payload = base64.b64encode(_utf8(text)).decode("ascii")
    return f"{ESC}]52;c;{payload}{BEL}"


def tmux_passthrough(seq: str) -> str:
    """Wrap ``seq`` so tmux hands it to the outer terminal: ``ESC P tmux; ... ESC \\``.

    tmux ends the DCS string at the first lone ``ESC \\``, so every ESC inside is doubled.
    tmux 3.3 and later pass it on only with ``set -g allow-passthrough on``.
    """
    return f"{ESC}Ptmux;{seq.replace(ESC, ESC + ESC)}{ST}"


def _screen_chunks(seq: str) -> list[str]:
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for index, char in enumerate(seq):
        width = len(_utf8(char))
        if current and size + width > SCREEN_CHUNK_BYTES:
            chunks.append("".join(current))
            current, size = [], 0
        current.append(char)
        size += width
        # Inside a DCS string screen takes "ESC \" as the end of that string and drops the
        # ESC, so an ST of the wrapped sequence would cut it short. Ending the chunk right
        # after that ESC makes screen see "ESC ESC \": it keeps the first ESC (an escaped
        # ESC) and ends the string; the "\" then opens the next chunk.
        if char == ESC and seq[index + 1 : index + 2] == "\\":
            chunks.append("".join(current))
            current, size = [], 0
    if current:
        chunks.append("".join(current))
    return chunks


def screen_passthrough(seq: str) -> str:
    """Wrap ``seq`` so GNU screen hands it to the outer terminal: ``ESC P ... ESC \\``.

    screen passes a DCS string to the terminal unchanged, but only up to 767 bytes
    (:data:`SCREEN_CHUNK_BYTES`), so longer sequences go out as several DCS strings,
    each at most that long, which screen emits back to back. Chunks never split a UTF-8
    character, though screen 4 mangles non-ASCII inside DCS anyway: OSC 52, being
    base64, is all ASCII.
    """
    return "".join(f"{ESC}P{chunk}{ST}" for chunk in _screen_chunks(seq))


def clipboard_sequences(text: str, env: Mapping[str, str]) -> list[str]:
    """What to write to the terminal, in order, to put ``text`` on the clipboard.

    - No multiplexer: the bare OSC 52.
    - tmux (``TMUX`` set): the bare OSC 52, which tmux itself handles when its
      ``set-clipboard`` option allows (storing a buffer and forwarding it to the outer
      terminal), and the passthrough-wrapped form, which reaches the outer terminal
      directly when ``allow-passthrough`` is on (also what a tmux nested in tmux needs).
      Where both work the text lands twice: this is the route only when tmux's options
      are unknown; :func:`clipboard_route` picks one path once they are.
    - GNU screen (``STY`` set): only the screen-wrapped form; screen knows no OSC 52.
    - Both set: one is nested in the other and the environment cannot say which, since
      the inner one inherits the outer one's variable. The screen-wrapped OSC 52 and the
      screen-wrapped tmux passthrough cover screen inside tmux. tmux inside screen would
      need the tmux-wrapped screen form, but if screen is in fact the inner one, it
      unwraps that into visible "tmux;" text on the user's screen, so it is not sent;
      the tmux buffer (:func:`tmux_load_buffer`) still gets the text there. Sent straight
      to tmux, the screen-wrapped forms show nothing (checked against a real tmux).

    Over SSH the remote multiplexer's variables are the ones that count (the local one's
    do not cross SSH), and that is the one the app's output goes through first.
    """
    seq = osc52(text)
    in_tmux = bool(env.get("TMUX"))
    in_screen = bool(env.get("STY"))
    if in_screen and in_tmux:
        return [screen_passthrough(seq), screen_passthrough(tmux_passthrough(seq))]
    if in_screen:
        return [screen_passthrough(seq)]
    if in_tmux:
        return [seq, tmux_passthrough(seq)]
    return [seq]


Runner = Callable[..., Any]


@dataclass(frozen=True)
class TmuxClipboard:
    """The tmux options that decide which path a copy can take out of a pane.

    ``set_clipboard``: "on" (tmux turns an app's OSC 52 into a paste buffer and forwards
    it to the outer terminal), "external" (tmux ignores an app's OSC 52 but forwards its
    own buffers, so ``load-buffer -w`` gets there) or "off" (neither).
    ``passthrough``: whether a passthrough-wrapped sequence reaches the outer terminal.
    """

    set_clipboard: str
    passthrough: bool


def tmux_clipboard(env: Mapping[str, str], run: Runner = subprocess.run) -> TmuxClipboard | None:
    """Ask the tmux server of ``env`` for its clipboard options; None if it cannot be asked.

    One ``tmux display -p`` (no shell), for the pane the app runs in (``TMUX_PANE``), as
    allow-passthrough may be set per pane. A tmux older than 3.3 has no allow-passthrough
    option, and passes everything through: an empty answer means on.
    """
    if not env.get("TMUX"):
        return None
    argv = ["tmux", "display", "-p"]
    if env.get("TMUX_PANE"):
        argv += ["-t", env["TMUX_PANE"]]
    argv.append("#{set-clipboard}|#{allow-passthrough}")
    try:
        result = run(
            argv,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            env=dict(env),
            timeout=TMUX_TIMEOUT_SECONDS,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    out = result.stdout
    answer = (out.decode("utf-8", "replace") if isinstance(out, bytes) else str(out)).strip()
    setting, _, passthrough = answer.partition("|")
    if setting not in ("on", "external", "off"):
        return None
    return TmuxClipboard(setting, passthrough not in ("0", "off"))


@dataclass(frozen=True)
class ClipboardRoute:
    """How one copy reaches the clipboard: each destination gets the text exactly once.

    ``sequences`` are written to the terminal in order, ``load_buffer`` runs
    :func:`tmux_load_buffer`, and ``where`` finishes "Copied ... to": where the text went.
    """

    sequences: tuple[str, ...]
    load_buffer: bool
    where: str


def clipboard_route(
    text: str, env: Mapping[str, str], tmux: TmuxClipboard | None
) -> ClipboardRoute:
    """The route for ``text``, given the environment and, inside tmux, its options.

    Inside tmux every path that works is taken once: with ``set-clipboard on`` the bare
    OSC 52 alone (tmux makes one buffer of it and forwards it; ``load-buffer -w`` as well
    made a second buffer and a second OSC 52 outside, the passthrough form a third); with
    ``external`` only ``load-buffer -w`` (tmux ignores the app's OSC 52 and forwards its
    own buffer); with ``off`` tmux forwards nothing, so the outer terminal is reached by
    passthrough where allowed and tmux's paste buffer by a plain load-buffer. When tmux
    cannot be asked (``tmux`` None), or screen and tmux are nested, every form is sent
    (:func:`clipboard_sequences`), as a copy that might land twice beats none.
    """
    in_tmux = bool(env.get("TMUX"))
    in_screen = bool(env.get("STY"))
    if not in_tmux:
        where = "the terminal's clipboard (via screen)" if in_screen else "the clipboard"
        return ClipboardRoute(tuple(clipboard_sequences(text, env)), False, where)
    if in_screen or tmux is None:
        via = "screen and tmux" if in_screen else "tmux"
        return ClipboardRoute(
            tuple(clipboard_sequences(text, env)), True, f"the clipboard (via {via})"
        )
    if tmux.set_clipboard == "on":
        return ClipboardRoute((osc52(text),), False, "the clipboard (via tmux)")
    if tmux.set_clipboard == "external":
        return ClipboardRoute((), True, "the clipboard (via tmux)")
    if tmux.passthrough:
        return ClipboardRoute(
            (tmux_passthrough(osc52(text)),),
            True,
            "the terminal's clipboard (tmux passthrough) and tmux's paste buffer",
        )
    return ClipboardRoute((), True, "tmux's paste buffer only (tmux's set-clipboard is off)")


def tmux_load_buffer(text: str, env: Mapping[str, str], run: Runner = subprocess.run) -> bool:
    """Inside tmux, put ``text`` into a tmux paste buffer; True if tmux accepted it.

    Runs ``tmux load-buffer -w -`` with the text on stdin (no shell, ``env`` as the
    environment so ``TMUX`` picks the server). ``-w`` (tmux 3.2+) also sends the buffer
    to the outer terminal's clipboard through tmux's own OSC 52 support, which works even
    where the app's sequences are filtered. Older tmux rejects ``-w``; then plain
    ``load-buffer -`` is tried, so at least tmux's paste (prefix ]) has the text. Never
    raises: a missing tmux, a failure or a hang (2 s) all give False. The child's output
    is discarded, since it would land on the screen Textual is drawing.
    """
    if not env.get("TMUX"):
        return False
    data = _utf8(text)
    for argv in (["tmux", "load-buffer", "-w", "-"], ["tmux", "load-buffer", "-"]):
        try:
            result = run(
                argv,
                input=data,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env=dict(env),
                timeout=TMUX_TIMEOUT_SECONDS,
                check=True,
            )
        except subprocess.CalledProcessError:
            continue  # perhaps a tmux older than -w: try without it
        except (OSError, subprocess.SubprocessError):
            # Not installed, not executable, or hanging: retrying would not help.
            return False
        if getattr(result, "returncode", 0) == 0:
            return True
    return False


# --- links -----------------------------------------------------------------------------------

LINK_SCHEMES = frozenset({"http", "https", "mailto", "file"})

# Format characters that reorder or hide text: a link's visible text must not lie.
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

# The OSC 8 spec allows only bytes 32-126 in the URI: printable ASCII (the space is refused
# earlier) is left alone, "%" included so existing escapes are not escaped twice, and the
# rest is percent-encoded.
_URL_SAFE = "".join(chr(code) for code in range(0x21, 0x7F))


def _is_control(char: str) -> bool:
    return unicodedata.category(char) == "Cc"


def _link_text(text: str) -> str:
    return "".join(char for char in text if not _is_control(char) and char not in _BIDI)


def _safe_url(url: str) -> str | None:
    # Controls could end the sequence early or smuggle another one in; whitespace and
    # invisible characters have no business in a URL and hide where it really goes.
    if not url or any(char.isspace() or not char.isprintable() for char in url):
        return None
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:  # e.g. an unbalanced "[" in the host
        return None
    scheme = parts.scheme.lower()
    if scheme not in LINK_SCHEMES:
        return None  # javascript:, data: and friends are not for a reader to open
    if scheme in ("http", "https") and not parts.netloc:
        return None
    return urllib.parse.quote(url, safe=_URL_SAFE)


# Longer than any server accepts (8 KiB is the usual limit), so longer is no real address;
# and a 100 KB argument would be shown, logged and passed on in full.
MAX_BROWSER_URL = 8192


def browser_url(url: str) -> str:
    """``url`` as it may be handed to a browser, or ValueError saying why not (one line).

    Only http and https URLs with a host, no whitespace or control characters, at most
    :data:`MAX_BROWSER_URL` characters: ``file:``, ``javascript:`` and the like are not
    for a reader to open, and an http(s) URL cannot look like an option (``--x``).
    Non-ASCII is percent-encoded, as it is for OSC 8.
    """
    if len(url) > MAX_BROWSER_URL:
        raise ValueError(f"the URL is too long to open ({len(url):,} characters)")
    scheme = url.partition(":")[0].lower()
    if scheme not in ("http", "https"):
        raise ValueError("only http and https URLs are opened")
    safe = _safe_url(url)
    if safe is None:
        raise ValueError("the URL has spaces, control characters or no host")
    return safe


def osc8(url: str, text: str) -> str:
    """``text`` as an OSC 8 hyperlink: ``ESC ] 8 ; ; URL ESC \\ text ESC ] 8 ; ; ESC \\``.

    Control and direction-changing characters are removed from ``text``. A URL that is
    not http, https, mailto or file, or holds control characters or whitespace, gives
    plain ``text`` and no link; non-ASCII in the URL is percent-encoded as OSC 8 asks.
    An empty ``text`` shows the URL, since a link with no text cannot be seen.
    """
    visible = _link_text(text)
    safe = _safe_url(url)
    if safe is None:
        return visible
    return f"{ESC}]8;;{safe}{ST}{visible or safe}{ESC}]8;;{ST}"


# A URL runs until whitespace, a control or invisible character, or a character that
# quotes or brackets it in prose: ASCII and typographic quotes, angle brackets, backtick.
_URL = re.compile(
    r"(?<![A-Za-z0-9+.-])https?://"
    r"[^\s<>\"'`\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff"
    r"“”‘’«»‹›「」『』]+",
    re.IGNORECASE,
)
_TRAILING = ".,;:!?*…"
_PAIRS = {")": "(", "]": "[", "}": "{"}


def _trim(url: str) -> str:
    # Sentence punctuation after a URL is not part of it, nor is a closing bracket that
    # belongs to the prose around it: "(see https://x.org/a)" but keep the ")" of
    # "https://en.wikipedia.org/wiki/Python_(language)".
    # Counted once, not per character: a hostile file may hold a long run of ")".
    opened = {close: url.count(opening) for close, opening in _PAIRS.items()}
    closed = {close: url.count(close) for close in _PAIRS}
    end = len(url)
    while end:
        last = url[end - 1]
        if last in _PAIRS and closed[last] > opened[last]:
            closed[last] -= 1
        elif last not in _TRAILING:
            break
        end -= 1
    return url[:end]


def find_urls(text: str) -> list[tuple[int, int, str]]:
    """The http(s) URLs in plain ``text``: ``(start, end, url)``, ``text[start:end] == url``."""
    found: list[tuple[int, int, str]] = []
    for match in _URL.finditer(text):
        url = _trim(match.group())
        host = url.split("://", 1)[1]
        if not host or host[0] in "/?#":
            continue  # "http://" alone, or no host: nothing to open
        start = match.start()
        found.append((start, start + len(url), url))
    return found
