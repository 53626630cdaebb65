"""``clean``: nothing from a briefing file reaches the terminal as a control sequence."""

from __future__ import annotations

import sys
import unicodedata

import pytest

from briefing_reader.text import clean

# What a terminal would act on or hide, rather than show.
_UNSAFE = {"Cc", "Cf", "Cs", "Zl", "Zp"}


def unsafe(text: str, *, multiline: bool) -> list[str]:
    return [
        f"U+{ord(ch):04X}"
        for ch in text
        if unicodedata.category(ch) in _UNSAFE and not (multiline and ch == "\n")
    ]


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("plain text", "plain text"),
        (
            "caf\u00e9 \u201cquoted\u201d \u2014 \u20ac5",
            "caf\u00e9 \u201cquoted\u201d \u2014 \u20ac5",
        ),
        ("emoji \U0001f600 and CJK \u6f22\u5b57", "emoji \U0001f600 and CJK \u6f22\u5b57"),
        ("\x1b[31mred\x1b[0m", "\u241b[31mred\u241b[0m"),  # ESC shown as the ␛ picture
        ("\x1b]0;title\x07", "\u241b]0;title\u2407"),  # OSC set-title, BEL
        ("a\x00b\x08c\x7fd", "a\u2400b\u2408c\u2421d"),  # NUL, backspace, DEL
        ("a\x9b31mb", "a\ufffd31mb"),  # C1 CSI
        ("a\x85b", "a\ufffdb"),  # NEL
        ("abc\u202edef", "abc\ufffddef"),  # right-to-left override
        ("a\u2066b\u2069c", "a\ufffdb\ufffdc"),  # bidi isolates
        ("a\u061cb", "a\ufffdb"),  # Arabic letter mark
        ("pass\u200bword", "pass\ufffdword"),  # zero-width space
        ("a\u200db", "a\ufffdb"),  # zero-width joiner
        ("a\u2060b\ufeffc", "a\ufffdb\ufffdc"),  # word joiner, BOM inside text
        ("a\u180eb", "a\ufffdb"),  # Mongolian vowel separator
        ("a\u206ab", "a\ufffdb"),  # deprecated format control
        ("a\ufff9hidden\ufffbb", "a\ufffdhidden\ufffdb"),  # interlinear annotation
        ("ok\U000e0041\U000e0042", "ok\ufffd\ufffd"),  # invisible tag characters
        ("a\ud800b", "a\ufffdb"),  # lone surrogate
    ],
)
def test_controls_and_invisibles_become_visible(raw: str, shown: str) -> None:
    assert clean(raw) == shown
    assert clean(raw, multiline=True) == shown


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("one\ntwo", "one two"),
        ("one\r\ntwo", "one two"),
        ("one\rtwo", "one two"),
        ("one\u2028two\u2029three", "one two three"),
        ("tab\tseparated", "tab separated"),
        ("  many   spaces \n\n and\tbreaks  ", "many spaces and breaks"),
        ("", ""),
        (" \n\t ", ""),
    ],
)
def test_single_line_text_folds_breaks_and_spaces(raw: str, shown: str) -> None:
    assert clean(raw) == shown


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("para one\n\npara two", "para one\n\npara two"),
        ("windows\r\nline\r\nends", "windows\nline\nends"),
        ("trailing   \nspaces", "trailing\nspaces"),
        ("a\u2028b\u2029c", "a\nb\nc"),
        ("\n\n  around  \n\n", "around"),
        ("tab\tkept as a space", "tab kept as a space"),
    ],
)
def test_multiline_text_keeps_its_line_breaks(raw: str, shown: str) -> None:
    assert clean(raw, multiline=True) == shown


# Characters that act on the terminal, reorder text or hide it: C0 and C1 controls, lone
# surrogates (cannot even be written out), bidi marks, embeddings, overrides and isolates,
# zero-width characters, invisible operators, interlinear annotations and tag characters.
DANGEROUS = sorted(
    {code for code in range(sys.maxunicode + 1) if unicodedata.category(chr(code)) in ("Cc", "Cs")}
    | {0x061C, 0x180E, 0xFEFF, 0xFFF9, 0xFFFA, 0xFFFB}
    | set(range(0x200B, 0x2010))
    | set(range(0x202A, 0x202F))
    | set(range(0x2060, 0x2065))
    | set(range(0x2066, 0x2070))
    | set(range(0xE0000, 0xE0080))
)


def test_no_dangerous_character_survives() -> None:
    dangerous = {chr(code) for code in DANGEROUS}
    for code in DANGEROUS:
        for multiline in (False, True):
            out = clean(f"a{chr(code)}b", multiline=multiline)
            left = [ch for ch in out if ch in dangerous and not (multiline and ch == "\n")]
            assert left == [], (f"U+{code:04X}", multiline, out)
            assert unsafe(out, multiline=multiline) == [], (f"U+{code:04X}", multiline, out)
            out.encode("utf-8")  # a lone surrogate would raise here, and in the terminal


def test_clean_is_idempotent() -> None:
    raw = "  \x1b[1mbold\x1b[0m\u202e \r\n next\u200b\tline  "
    for multiline in (False, True):
        once = clean(raw, multiline=multiline)
        assert clean(once, multiline=multiline) == once
