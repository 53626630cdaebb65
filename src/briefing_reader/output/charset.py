"""Fitting text to an output that cannot encode all of Unicode (``PYTHONIOENCODING=ascii``).

Typographic quotes, dashes, bullets and the loader's control pictures get ASCII
stand-ins (``“`` to ``"``, ``—`` to ``--``, ``␛`` to ``^[``); accented letters lose
their accents; anything else becomes ``?``. Never a backslash escape: the result is
for people to read.
"""

from __future__ import annotations

import codecs
import unicodedata
from collections.abc import Callable
from functools import lru_cache

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
