"""The full check of a briefing file: structure (from the loader) plus its source article.

Shared by `briefing validate` and the reader, so both see the same problems.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

from briefing_reader.checks.evidence import normalize, quoted_passages
from briefing_reader.loading import Loaded, Problem, load_file
from briefing_reader.loading.problems import Severity
from briefing_reader.model import SECTIONS, CeoQuote
from briefing_reader.text import clean

MAX_SOURCE_BYTES = 4 * 1024 * 1024
_EXCERPT = 60


class SourceCache:
    """Normalized source articles by path, read once however many briefings cite them."""

    def __init__(self) -> None:
        self._texts: dict[Path, str | OSError | UnicodeDecodeError | ValueError] = {}

    def get(self, path: Path) -> str | OSError | UnicodeDecodeError | ValueError:
        # normpath, not resolve(): resolving costs a stat per path component per briefing.
        key = Path(os.path.normpath(path))
        if key not in self._texts:
            self._texts[key] = self._read(key)
        return self._texts[key]

    @staticmethod
    def _read(path: Path) -> str | OSError | UnicodeDecodeError | ValueError:
        try:
            with path.open("rb") as handle:
                data = handle.read(MAX_SOURCE_BYTES + 1)
            if len(data) > MAX_SOURCE_BYTES:
                return ValueError(f"larger than {MAX_SOURCE_BYTES:,} bytes")
            return normalize(data.decode("utf-8-sig"))
        except (OSError, UnicodeDecodeError) as exc:
            return exc


def check_file(
    path: Path, *, display: str | None = None, cache: SourceCache | None = None
) -> Loaded:
    """Load ``path`` and check it against its source article."""
    return check_loaded(load_file(path, display=display), cache or SourceCache())


def check_loaded(loaded: Loaded, cache: SourceCache) -> Loaded:
    """``loaded`` with the problems found by comparing it with its source article added."""
    briefing = loaded.briefing
    if briefing is None:
        return loaded
    marks = loaded.marks or {}
    found: list[Problem] = []

    def add(severity: Severity, code: str, where: str, message: str) -> None:
        # Point at the value when we know where it was written, else at its parent.
        node = marks.get(where) or marks.get(where.rsplit(".", 1)[0])
        line, column = node.mark if node else (None, None)
        found.append(Problem(loaded.name, line, column, severity, code, message))

    for section in SECTIONS:
        for index, item in enumerate(briefing.items(section)):
            if not isinstance(item, CeoQuote) and not getattr(item, "evidence", None):
                where = f"{section.key}[{index}]"
                add("warning", "no-evidence", where, f"{where} has no evidence from the source")

    source_file = briefing.source.file
    relative = PurePosixPath(source_file.replace("\\", "/"))
    if not source_file:
        pass  # already reported by the loader as required
    elif relative.is_absolute() or ".." in relative.parts:
        add(
            "error",
            "source-outside",
            "source.file",
            f"source.file '{source_file}' must be a path inside the briefing's folder",
        )
    else:
        text = cache.get(loaded.path.parent / relative)
        if isinstance(text, str):
            for quoted in quoted_passages(briefing):
                if normalize(quoted.text) not in text:
                    add(
                        "error",
                        "not-in-source",
                        quoted.where,
                        f"{quoted.where} is not in the source article: "
                        f"\u201c{_excerpt(quoted.text)}\u201d",
                    )
        else:
            reason = _reason(text)
            add(
                "error", "source-unreadable", "source.file", f"source.file '{source_file}' {reason}"
            )
    if not found:
        return loaded
    problems = tuple(sorted((*loaded.problems, *found), key=Problem.position))
    return loaded._replace(problems=problems)


def source_path(loaded: Loaded) -> Path | None:
    """The briefing's source article, when it names one inside its own folder."""
    if loaded.briefing is None or not loaded.briefing.source.file:
        return None
    relative = PurePosixPath(loaded.briefing.source.file.replace("\\", "/"))
    if relative.is_absolute() or ".." in relative.parts:
        return None
    return loaded.path.parent / relative


def read_source(loaded: Loaded) -> str:
    """The source article's text for display (control characters made visible).

    Raises OSError or ValueError with a message fit for one line.
    """
    path = source_path(loaded)
    if path is None:
        raise ValueError("this briefing names no readable source file")
    with path.open("rb") as handle:
        data = handle.read(MAX_SOURCE_BYTES + 1)
    if len(data) > MAX_SOURCE_BYTES:
        raise ValueError(f"{path.name} is larger than {MAX_SOURCE_BYTES:,} bytes")
    return clean(data.decode("utf-8-sig", errors="replace"), multiline=True)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, FileNotFoundError):
        return "does not exist"
    if isinstance(exc, UnicodeDecodeError):
        return f"is not UTF-8 text (byte {exc.start})"
    if isinstance(exc, OSError):
        return f"cannot be read: {exc.strerror or type(exc).__name__}"
    return f"cannot be used: {exc}"


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= _EXCERPT else flat[: _EXCERPT - 1] + "\u2026"
