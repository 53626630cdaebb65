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
      Where both work the clipboard is set twice with the same text, which is harmless.
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
