"""A briefing as JSON: the loaded model, field for field, and its problems."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from typing import Any

from briefing_reader.checks.evidence import Mismatch, marked, one_line, source_name
from briefing_reader.loading import Loaded, Problem
from briefing_reader.text import clean_name


def problem_as_json(problem: Problem) -> dict[str, Any]:
    found = {
        "path": clean_name(problem.path),  # what was shown for it (a name is data)
        "line": problem.line,
        "column": problem.column,
        "severity": problem.severity,
        "code": problem.code,
        "message": problem.message,
    }
    if isinstance(problem.detail, Mismatch):
        found.update(mismatch_as_json(problem.path, problem.detail))
    return found


def mismatch_as_json(briefing: str, mismatch: Mismatch) -> dict[str, Any]:
    """``span``: the excerpt's first differing words in ``briefing`` (null: not known);
    ``closest``: the article's passage nearest to it (null: nothing close)."""
    span, passage = mismatch.span, mismatch.passage
    return {
        "span": span._asdict() if span else None,
        "closest": None
        if passage is None
        else {
            "file": source_name(briefing, mismatch.source),
            "text": "".join(one_line(text) for kind, text in passage.parts if kind != "excerpt"),
            "marked": marked(passage.parts),
            "start": passage.start,
            "end": passage.end,
            "line": passage.line,
            "column": passage.column,
        },
    }


def entry_as_json(loaded: Loaded) -> dict[str, Any]:
    """``{"path", "briefing", "problems"}``; ``briefing`` is null when the file could not be read.

    ``briefing`` is :func:`dataclasses.asdict` of the model: every field by name, in the
    model's order, absent optional fields as null and lists for tuples.
    """
    briefing = loaded.briefing
    return {
        "path": clean_name(loaded.name or loaded.path),
        "briefing": dataclasses.asdict(briefing) if briefing is not None else None,
        "problems": [problem_as_json(problem) for problem in loaded.problems],
    }


def json_document(entries: Sequence[Loaded], *, single: bool, ensure_ascii: bool = False) -> str:
    """One object when ``single`` (one file was named), else an array of them."""
    data: Any = entry_as_json(entries[0]) if single else [entry_as_json(e) for e in entries]
    return json.dumps(data, indent=2, ensure_ascii=ensure_ascii)
