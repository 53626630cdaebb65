"""Making untrusted text safe to show.

Briefing files are written by hand, copied from others and opened on shared
servers, so nothing in them may reach the terminal as a control sequence.
Textual strips only a few control characters itself; everything that comes
out of a file passes through :func:`clean` at the model's edge.
"""

from __future__ import annotations

import re

# Zero-width and direction-changing characters can hide or reorder text
# ("Trojan Source"); a reader must see what is really there.
_INVISIBLE = (
    "\u200b\u200c\u200d\u200e\u200f"  # zero-width space/joiners, LRM/RLM
    "\u202a\u202b\u202c\u202d\u202e"  # bidi embeddings and overrides
    "\u2060\u2061\u2062\u2063\u2064"  # word joiner, invisible operators
    "\u2066\u2067\u2068\u2069"  # bidi isolates
    "\ufeff"  # BOM inside text
)

# C0 controls become the matching Unicode "control picture" (visible, inert);
# DEL, C1 controls and the invisible characters above become U+FFFD.
_TABLE: dict[int, str] = {code: chr(0x2400 + code) for code in range(0x20)}
_TABLE[0x7F] = "\u2421"
_TABLE.update({code: "\ufffd" for code in range(0x80, 0xA0)})
_TABLE.update({ord(ch): "\ufffd" for ch in _INVISIBLE})
_TABLE[ord("\t")] = " "
_TABLE[0x2028] = "\n"  # line/paragraph separators are line breaks, not controls
_TABLE[0x2029] = "\n"

_MULTILINE_TABLE = dict(_TABLE)
_MULTILINE_TABLE[ord("\n")] = "\n"
_MULTILINE_TABLE[ord("\r")] = ""

_SPACES = re.compile(r"[ \n]+")
_TRAILING = re.compile(r"[ ]+\n")


def clean(text: str, *, multiline: bool = False) -> str:
    """Return ``text`` with every control or invisible character made visible or removed.

    Single-line text has its line breaks folded into spaces; multi-line text
    keeps them (trailing spaces dropped) so paragraphs survive.
    """
    if multiline:
        out = text.replace("\r\n", "\n").translate(_MULTILINE_TABLE)
        return _TRAILING.sub("\n", out).strip()
    out = text.replace("\r\n", "\n").replace("\n", " ").replace("\r", " ")
    out = out.translate(_TABLE).replace("\u2028", " ").replace("\u2029", " ")
    return _SPACES.sub(" ", out).strip()
