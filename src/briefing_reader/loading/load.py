"""Load one briefing file: never raises for bad input, always says where."""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import NamedTuple

from briefing_reader.loading.build import Marks, build_briefing
from briefing_reader.loading.problems import BriefingError, Problem, Severity
from briefing_reader.loading.regular import NotRegularFile, read_regular
from briefing_reader.loading.yamlsafe import (
    DEFAULT_LOADER,
    MAX_BYTES,
    Node,
    YamlProblem,
    decode,
    parse,
)
from briefing_reader.model import Briefing
from briefing_reader.text import clean, clean_name


class Loaded(NamedTuple):
    """The outcome of loading one file: the briefing where it was understood, and its problems."""

    path: Path
    briefing: Briefing | None
    problems: tuple[Problem, ...] = ()
    name: str = ""  # how messages name the file
    marks: Marks | None = None  # where each value was written, by its path in the model
    # The file's text, kept only where it says "draft" (a "# draft" marker may be there):
    # the check of markers reads it instead of the file again, and the other files, most
    # of a library, keep nothing.
    draft_text: str | None = None

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def ok(self) -> bool:
        return self.briefing is not None and not self.errors

    def strict(self) -> Briefing:
        """The briefing, or :class:`BriefingError` for the first error."""
        if self.errors:
            raise BriefingError(self.errors[0])
        assert self.briefing is not None
        return self.briefing


def load_file(
    path: Path,
    *,
    display: str | None = None,
    loader_name: str = DEFAULT_LOADER,
    stat_result: os.stat_result | None = None,
) -> Loaded:
    """Load ``path``; ``display`` is how the path is named in messages (default: as given).

    ``stat_result`` is the caller's ``os.stat(path)`` just taken (an index takes one for its
    stamp): not taken again.
    """
    name = _display(path, display)
    try:
        if stat_result is None:
            stat_result = os.stat(path)
        size = stat_result.st_size
        if size > MAX_BYTES:
            # Refused before reading: a huge file must cost nothing.
            return _failed(
                path,
                name,
                YamlProblem(
                    "too-large",
                    f"file is {size:,} bytes; briefings are limited to {MAX_BYTES:,} bytes",
                    None,
                    None,
                ),
            )
        # Never more than the limit: a /proc file or a growing file has no honest size in
        # stat, and must not be read to the end. A FIFO, a terminal or a device is refused
        # unopened: reading one would hang, or take the user's keys.
        data = read_regular(path, MAX_BYTES, stat_result=stat_result)
        if len(data) > MAX_BYTES:
            return _failed(
                path,
                name,
                YamlProblem(
                    "too-large",
                    f"file is larger than {MAX_BYTES:,} bytes, the limit for briefings",
                    None,
                    None,
                ),
            )
    except NotRegularFile as exc:
        # A folder keeps the system's own words, as an open() of it always said.
        reason = (
            os.strerror(errno.EISDIR) if exc.folder else f"it is {exc.kind}, not a regular file"
        )
        return _failed(
            path, name, YamlProblem("unreadable", f"cannot read file: {reason}", None, None)
        )
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        return _failed(
            path, name, YamlProblem("unreadable", f"cannot read file: {reason}", None, None)
        )
    return load_bytes(data, path, display=name, loader_name=loader_name)


def load_bytes(
    data: bytes, path: Path, *, display: str | None = None, loader_name: str = DEFAULT_LOADER
) -> Loaded:
    name = _display(path, display)
    try:
        text = decode(data)
    except YamlProblem as problem:
        return _failed(path, name, problem)
    return load_text(text, path, display=name, loader_name=loader_name)


def load_text(
    text: str, path: Path, *, display: str | None = None, loader_name: str = DEFAULT_LOADER
) -> Loaded:
    name = _display(path, display)
    try:
        parsed = parse(text, loader_name)
    except YamlProblem as problem:
        return _failed(path, name, problem)
    problems = [_problem(name, w, "warning") for w in parsed.warnings]

    def report(code: str, message: str, node: Node, severity: Severity = "error") -> None:
        problems.append(Problem(name, node.mark.line, node.mark.column, severity, code, message))

    marks: Marks = {}
    briefing = build_briefing(parsed.root, report, marks)
    draft_text = text if "draft" in text else None
    problems.sort(key=Problem.position)
    return Loaded(path, briefing, tuple(problems), name, marks, draft_text)


def _display(path: Path, display: str | None) -> str:
    """How the file is named in messages: a file name can hold escape sequences too."""
    return clean_name(display or str(path))


def _problem(name: str, problem: YamlProblem, severity: Severity) -> Problem:
    return Problem(
        name, problem.line, problem.column, severity, problem.code, clean(problem.message)
    )


def _failed(path: Path, name: str, problem: YamlProblem) -> Loaded:
    return Loaded(path, None, (_problem(name, problem, "error"),), name)
