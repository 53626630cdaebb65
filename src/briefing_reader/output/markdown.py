"""A briefing as a Markdown document, for pasting into mail, a wiki or an issue.

Every string from the file is data: characters that Markdown would read as
structure (emphasis, links, code, HTML, headings, quotes, list markers) are
backslash-escaped, so ``**bold**`` or ``[x](y)`` in a briefing shows exactly as typed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from briefing_reader.loading import Loaded
from briefing_reader.model import Briefing, Item
from briefing_reader.output.charset import Fit, fitter
from briefing_reader.sections import META_SEPARATOR, SECTIONS, Section
from briefing_reader.text import clean_name

# Significant anywhere in a line: escapes, code, emphasis, links, strikethrough, table
# cells; `<` only where it could open HTML or an autolink, `&` only before an entity.
_INLINE = re.compile(r"[\\`*_\[\]~|]|<(?=[A-Za-z/!?])|&(?=#?\w+;)")
# Significant at the start of a line: headings, quotes, list items, setext underlines.
_LINE_START = re.compile(r"^(?:[#>+=-]|\d+[.)])")
_URL = re.compile(r"https?://[^\s<>\\]+")


def escape(text: str) -> str:
    """``text`` as Markdown that renders exactly as ``text`` (one line or several)."""
    lines = [line.strip() for line in text.split("\n")]
    return "\n".join(_LINE_START.sub(_escaped, _INLINE.sub(_escaped, line)) for line in lines)


def _escaped(match: re.Match[str]) -> str:
    found = match.group()
    return found[:-1] + "\\" + found[-1]


def markdown_document(entries: Sequence[Loaded], *, encoding: str | None = "utf-8") -> str:
    """All ``entries`` as one document, separated by horizontal rules."""
    fit = fitter(encoding)
    return fit("\n---\n\n".join(render_markdown(entry, fit) for entry in entries))


def render_markdown(loaded: Loaded, fit: Fit = str) -> str:
    """One briefing: ``#`` title, meta line, summary, a ``##`` section per pane, the source."""

    def md(text: str) -> str:
        return escape(fit(text))

    briefing = loaded.briefing
    if briefing is None:
        errors = len(loaded.errors)
        return (
            f"# {_heading(md(clean_name(loaded.name or loaded.path)))}\n\n"
            f"*Could not be loaded ({errors} error{'' if errors == 1 else 's'}).*\n"
        )
    blocks = [f"# {_heading(md(briefing.title))}"]
    meta = briefing.meta_parts()
    if meta:
        blocks.append("*" + META_SEPARATOR.join(md(part) for part in meta) + "*")
    if briefing.tags:
        blocks.append("Tags: " + ", ".join(md(tag) for tag in briefing.tags))
    if briefing.summary:
        blocks.append(md(briefing.summary))
    blocks += [section_markdown(briefing, section, fit) for section in SECTIONS]
    blocks.append(_source(briefing, md, fit))
    return "\n\n".join(blocks) + "\n"


def section_markdown(briefing: Briefing, section: Section, fit: Fit = str) -> str:
    """One pane as Markdown: its ``##`` title and its items (what the reader's Y copies)."""

    def md(text: str) -> str:
        return escape(fit(text))

    blocks = [f"## {section.title}"]
    items = briefing.items(section)
    if not items:
        blocks.append(f"*{section.empty}*")
    elif section.single:
        blocks += [_quoted_item(item, md) for item in items]
    else:
        blocks += [_list_item(item, md) for item in items]
    return "\n\n".join(blocks)


def item_line(item: Item) -> str:
    """One item as a single line of plain text (what the reader's y copies)."""
    heading = item.heading()
    main = " ".join(heading.main.split())
    if not heading.aside:
        return main
    return f"{main} {heading.aside}" if heading.aside_below else f"{main}: {heading.aside}"


def _heading(text: str) -> str:
    # A trailing run of '#' would close the heading: escape every one.
    return re.sub(r"(?<!\\)#", r"\\#", text.replace("\n", " "))


def _list_item(item: Item, md: Fit) -> str:
    heading = item.heading()
    main = md(heading.main).replace("\n", " ")
    if heading.aside and not heading.aside_below:
        first = f"- **{main}:** {md(heading.aside)}"
    else:
        first = f"- **{main}**"
        if heading.aside:
            first += "  \n" + _indent(md(heading.aside), "  ")
    parts = [first]
    for detail in item.details():
        if detail.is_evidence:
            parts.append(_indent(md(detail.text), "  > "))
        else:
            parts.append(_indent(f"*{detail.label}:* {md(detail.text)}", "  "))
    return "\n\n".join(parts)


def _quoted_item(item: Item, md: Fit) -> str:
    heading = item.heading()
    lines = [_indent(md(heading.main), "> ")]
    if heading.aside:
        lines += [">", _indent(md(heading.aside), "> ")]
    for detail in item.details():
        lines += [">", _indent(f"*{detail.label}:* {md(detail.text)}", "> ")]
    return "\n".join(lines)


def _indent(text: str, prefix: str) -> str:
    return "\n".join((prefix + line) if line else prefix.rstrip() for line in text.split("\n"))


def _source(briefing: Briefing, md: Fit, fit: Fit) -> str:
    source = briefing.source
    url = fit(source.url or "")
    if _URL.fullmatch(url):
        return f"*Source:* [{md(source.title)}](<{url}>)"
    where = ", ".join(md(part) for part in (source.file, url) if part)
    return f"*Source:* {md(source.title)} ({where})"
