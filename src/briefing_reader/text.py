"""Making untrusted text safe to show.

Briefing files are written by hand, copied from others and opened on shared
servers, so nothing in them may reach the terminal as a control sequence.
Textual strips only a few control characters itself; everything that comes
out of a file passes through :func:`clean` at the model's edge. File and folder
names are data too, and so is anything read back from a cache: they pass through
:func:`clean_name` wherever they become display text.
"""

from __future__ import annotations

import os
import re

# Zero-width and direction-changing characters can hide or reorder text
# ("Trojan Source"); a reader must see what is really there.
_INVISIBLE = (
    "\u061c"  # Arabic letter mark (a direction mark like LRM/RLM)
    "\u180e"  # Mongolian vowel separator (zero-width)
    "\u200b\u200c\u200d\u200e\u200f"  # zero-width space/joiners, LRM/RLM
    "\u202a\u202b\u202c\u202d\u202e"  # bidi embeddings and overrides
    "\u2060\u2061\u2062\u2063\u2064"  # word joiner, invisible operators
    "\u2066\u2067\u2068\u2069"  # bidi isolates
    "\u206a\u206b\u206c\u206d\u206e\u206f"  # deprecated invisible format controls
    "\ufff9\ufffa\ufffb"  # interlinear annotation marks (can hide the annotated text)
    "\ufeff"  # BOM inside text
)

# C0 controls become the matching Unicode "control picture" (visible, inert);
# DEL, C1 controls and the invisible characters above become U+FFFD.
_TABLE: dict[int, str] = {code: chr(0x2400 + code) for code in range(0x20)}
_TABLE[0x7F] = "\u2421"
_TABLE.update({code: "\ufffd" for code in range(0x80, 0xA0)})
_TABLE.update({ord(ch): "\ufffd" for ch in _INVISIBLE})
# Tag characters are invisible and can smuggle hidden text; lone surrogates (a YAML
# "\ud800" escape with the pure-Python parser) cannot even be written to a terminal. A
# pattern, not 2,176 more entries in each table (about 0.3 MB of memory for the three).
_RANGES = re.compile("[\ud800-\udfff\U000e0000-\U000e007f]")
_TABLE[ord("\t")] = " "
_TABLE[0x2028] = "\n"  # line/paragraph separators are line breaks, not controls
_TABLE[0x2029] = "\n"

_MULTILINE_TABLE = dict(_TABLE)
_MULTILINE_TABLE[ord("\n")] = "\n"
_MULTILINE_TABLE[ord("\r")] = ""

# A name is not prose: a newline or tab in it is shown, not folded into a space (a name
# holding a newline must not pass for one holding a space), and every character stays
# one character, so offsets into the raw text (search highlights) still fit.
_NAME_TABLE = dict(_TABLE)
_NAME_TABLE[ord("\t")] = "\u2409"  # ␉
_NAME_TABLE[0x2028] = "\ufffd"
_NAME_TABLE[0x2029] = "\ufffd"

_SPACES = re.compile(r"[ \n]+")
_TRAILING = re.compile(r"[ ]+\n")


def clean(text: str, *, multiline: bool = False) -> str:
    """Return ``text`` with every control or invisible character made visible or removed.

    Single-line text has its line breaks folded into spaces; multi-line text
    keeps them (trailing spaces dropped) so paragraphs survive.
    """
    # Fast path for the common case (validating thousands of files calls this for every
    # value): isprintable() is False for every control, format (bidi, zero-width),
    # separator and surrogate character, so such text needs no translation, and the
    # results below are exactly what the full path would give.
    if text.isprintable():
        if multiline:
            return text.strip()
        return _SPACES.sub(" ", text).strip() if "  " in text else text.strip()
    if multiline and text.replace("\n", "").isprintable():
        return _TRAILING.sub("\n", text).strip()
    if multiline:
        out = _RANGES.sub("\ufffd", text.replace("\r\n", "\n").translate(_MULTILINE_TABLE))
        return _TRAILING.sub("\n", out).strip()
    out = text.replace("\r\n", "\n").replace("\n", " ").replace("\r", " ")
    out = _RANGES.sub("\ufffd", out.translate(_TABLE)).replace("\u2028", " ").replace("\u2029", " ")
    return _SPACES.sub(" ", out).strip()


def clean_name(name: str | os.PathLike[str]) -> str:
    """A file or folder name (or a path, or one line naming them) as safe display text.

    Unlike :func:`clean`, nothing is folded, stripped or dropped: each character is kept or
    replaced by one visible placeholder (``\\x1b`` by ␛, a newline by ␊, U+202E and the
    undecodable bytes ``os.fsdecode`` smuggles in as lone surrogates by U+FFFD). Text that
    is already clean comes back unchanged, so cleaning twice is harmless.
    """
    text = os.fspath(name)
    return text if text.isprintable() else _RANGES.sub("\ufffd", text.translate(_NAME_TABLE))
