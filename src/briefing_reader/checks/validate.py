"""The full check of a briefing file: structure (from the loader) plus its source article.

Shared by `briefing validate` and the reader, so both see the same problems.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from briefing_reader.checks.drafts import draft_items_in
from briefing_reader.checks.evidence import Span, mismatch, quoted_passages
from briefing_reader.checks.sources import SourceCache, SourceError
from briefing_reader.loading import Loaded, Problem, load_file
from briefing_reader.loading.problems import Severity
from briefing_reader.sections import SECTIONS
from briefing_reader.text import clean_name

if TYPE_CHECKING:
    from briefing_reader.loading.scalar_source import SourceMap

# SourceCache lives in checks.sources; callers of check_file may import it from here too.
__all__ = ["SourceCache", "check_file", "check_loaded"]

_EXCERPT = 60


def check_file(
    path: Path, *, display: str | None = None, cache: SourceCache | None = None
) -> Loaded:
    """Load ``path`` and check it against its source article."""
    return check_loaded(load_file(path, display=display), cache or SourceCache())


def check_loaded(loaded: Loaded, cache: SourceCache, *, detail: bool = True) -> Loaded:
    """``loaded`` with the problems found by comparing it with its source article added.

    ``detail=False`` leaves out what only a reader of each problem needs: for an excerpt
    not in its source, the article's closest passage and the excerpt's first differing
    words (the problem is then located at the excerpt's start). The library index wants
    only that an excerpt fails, and the search for the passage is most of its cost.
    """
    briefing = loaded.briefing
    if briefing is None:
        return loaded
    marks = loaded.marks or {}
    found: list[Problem] = []

    def add(
        severity: Severity,
        code: str,
        where: str,
        message: str,
        span: Span | None = None,
        detail: object = None,
    ) -> None:
        # Point at the words meant when we know them, else at the value when we know where
        # it was written, else at its parent.
        node = marks.get(where) or marks.get(where.rsplit(".", 1)[0])
        line, column = span[:2] if span else node.mark if node else (None, None)
        # A message can quote a file's name (a source article's): a name is data.
        problem = Problem(loaded.name, line, column, severity, code, clean_name(message), detail)
        found.append(problem)

    for section in SECTIONS:
        for index, item in enumerate(briefing.items(section)):
            if not item.WHOLE_QUOTE and not item.quoted:
                where = section.where(index)
                add("warning", "no-evidence", where, f"{where} has no evidence from the source")
    drafts = draft_items_in(loaded.draft_text, marks, briefing) if loaded.draft_text else []
    for where in drafts:
        message = f"still a draft: {where} (check it, then delete its '# draft' comment)"
        add("warning", "draft", where, message)

    source_file = briefing.source.file
    if source_file:  # else already reported by the loader as required
        try:
            path = cache.path(loaded.path, source_file)
        except SourceError as exc:
            add("error", "source-outside", "source.file", str(exc))
        else:
            try:
                cache.normalized(path)
            except (OSError, SourceError) as exc:
                add(
                    "error",
                    "source-unreadable",
                    "source.file",
                    f"source.file '{source_file}' {_reason(exc)}",
                )
            else:
                # The briefing's own text, read again only to point inside a failing excerpt;
                # an index wants no detail (10,000 files), so none of it is made for one.
                yaml: Callable[[], SourceMap | None] | None = None
                if detail:
                    from briefing_reader.loading.scalar_source import source_map

                    yaml = functools.cache(lambda: source_map(loaded.path))
                for quoted in quoted_passages(briefing):
                    if not cache.contains(path, quoted.text):
                        wrong = None
                        if yaml is not None:
                            node = marks.get(quoted.where)
                            wrong = mismatch(cache.text(path), quoted.text, node, yaml, source_file)
                        add(
                            "error",
                            "not-in-source",
                            quoted.where,
                            f"{quoted.where} is not in the source article: "
                            f"\u201c{_excerpt(quoted.text)}\u201d",
                            wrong.span if wrong else None,
                            wrong,
                        )
    if not found:
        return loaded
    problems = tuple(sorted((*loaded.problems, *found), key=Problem.position))
    return loaded._replace(problems=problems)


def _reason(exc: OSError | SourceError) -> str:
    if isinstance(exc, SourceError):
        return exc.reason
    if isinstance(exc, FileNotFoundError):
        return "does not exist"
    return f"cannot be read: {exc.strerror or type(exc).__name__}"


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= _EXCERPT else flat[: _EXCERPT - 1] + "\u2026"
