"""Text for an output that cannot encode all of Unicode (``LANG=C``, ``PYTHONIOENCODING=ascii``).

Typographic quotes, dashes, bullets and the loader's control pictures get ASCII
stand-ins (``“`` to ``"``, ``—`` to ``--``, ``␛`` to ``^[``); accented letters lose
their accents; anything else becomes ``?``. Never a backslash escape: the result is
for people to read.
"""

from __future__ import annotations

import codecs
import os
import sys
import unicodedata
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import TextIO

Fit = Callable[[str], str]

_STAND_INS: dict[str, str] = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": ",",
    "\u201b": "'",
    "\u2032": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u2033": '"',
    "\u00ab": '"',
    "\u00bb": '"',
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\u2014": "--",
    "\u2015": "--",
    "\u2212": "-",
    "\u2026": "...",
    "\u2022": "*",
    "\u00b7": "-",
    "\u00a0": " ",
    "\u2009": " ",
    "\u202f": " ",
    "\u00d7": "x",
    "\u2192": "->",
    "\u2190": "<-",
    "\u20ac": "EUR",
    "\u00a3": "GBP",
    "\ufffd": "?",
    # The loader's visible placeholders for control characters, in caret notation.
    **{chr(0x2400 + code): "^" + chr(code + 0x40) for code in range(0x20)},
    "\u2421": "^?",
}


def output_encoding(encoding: str | None) -> str:
    """The codec's canonical name (``ascii``, ``utf-8``, ...); an unknown name counts as ASCII."""
    try:
        return codecs.lookup(encoding or "utf-8").name
    except LookupError:
        return "ascii"


# What CPython writes into LC_CTYPE when it starts under the C locale (PEP 538).
_COERCED = ("C.UTF-8", "C.utf8", "UTF-8")


def stream_encoding(stream: TextIO) -> str:
    """The encoding to write to a standard stream in: its own, but ASCII under the C locale.

    Under ``LANG=C`` Python gives its streams UTF-8 all the same (its UTF-8 mode, PEP 540),
    while every C program on that terminal writes ASCII, because the person said so.
    An explicit ``PYTHONIOENCODING`` is taken as meant.
    """
    encoding = output_encoding(getattr(stream, "encoding", None))
    if encoding.startswith("utf") and "PYTHONIOENCODING" not in os.environ:
        return "ascii" if locale_is_c(os.environ) else encoding
    return encoding


def locale_is_c(environ: Mapping[str, str]) -> bool:
    """Whether the locale variables pick the C (or POSIX) locale, whose charset is ASCII.

    Read as the C library reads them: the first set of LC_ALL, LC_CTYPE and LANG, and C
    when none is. An LC_CTYPE that CPython itself put there at start-up does not count.
    """
    names = ["LC_ALL", "LANG"] if _coerced(environ) else ["LC_ALL", "LC_CTYPE", "LANG"]
    chosen = next((environ[name] for name in names if environ.get(name)), "C")
    return chosen in ("C", "POSIX")


def _coerced(environ: Mapping[str, str]) -> bool:
    """CPython found the C locale and rewrote LC_CTYPE: it then also turned on UTF-8 mode
    without anyone asking (``PYTHONUTF8`` or ``-X utf8``)."""
    implicit_utf8 = (
        sys.flags.utf8_mode and not environ.get("PYTHONUTF8") and "utf8" not in sys._xoptions
    )
    return bool(implicit_utf8) and not environ.get("LC_ALL") and environ.get("LC_CTYPE") in _COERCED


def is_unicode(encoding: str | None) -> bool:
    return output_encoding(encoding).startswith("utf")


def fitter(encoding: str | None) -> Fit:
    """A function that makes text encodable in ``encoding`` (the identity for UTF-8)."""
    name = output_encoding(encoding)
    if name.startswith("utf"):
        return _same

    def fit(text: str) -> str:
        try:
            text.encode(name)
        except UnicodeEncodeError:
            return "".join(_char(ch, name) for ch in text)
        return text

    return fit


def _same(text: str) -> str:
    return text


@lru_cache(maxsize=1024)
def _char(ch: str, encoding: str) -> str:
    for candidate in (ch, _STAND_INS.get(ch), _unaccented(ch)):
        if candidate:
            try:
                candidate.encode(encoding)
            except UnicodeEncodeError:
                continue
            return candidate
    return "?"


def _unaccented(ch: str) -> str:
    decomposed = unicodedata.normalize("NFKD", ch)
    return "".join(c for c in decomposed if not unicodedata.combining(c))
