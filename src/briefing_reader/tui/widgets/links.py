"""Briefing text with its URLs made into links, never into markup."""

from __future__ import annotations

from textual.content import Content
from textual.style import Style

from briefing_reader.terminal import find_urls


def linked(text: str, style: str = "") -> Content:
    """``text`` as literal Content in ``style``, each http(s) URL in it a link.

    Built span by span from the string, so nothing in the text is parsed as markup.
    """
    content = Content.styled(text, style) if style else Content(text)
    for start, end, url in find_urls(text):
        content = content.stylize(Style(link=url, underline=True), start, end)
    return content
