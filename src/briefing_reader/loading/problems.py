"""Located problems: the one error type of the loading layer."""

from __future__ import annotations

from typing import Literal, NamedTuple

Severity = Literal["error", "warning"]


# NamedTuples, not dataclasses, for the loading layer's records: a dataclass definition
# costs ~0.5 ms of start-up, a NamedTuple a tenth of that, and the reader waits for both.
class Problem(NamedTuple):
    """Something wrong with a briefing file, located like a compiler message."""

    path: str
    line: int | None
    column: int | None
    severity: Severity
    code: str
    message: str
    # What a check found beyond the message, for the output formats to show: for evidence
    # not in its source, a checks.evidence.Mismatch. Typed loosely: loading knows no checks.
    detail: object = None

    def position(self) -> tuple[int, int]:
        """Sort key within one file: by line, then column; unlocated problems first."""
        return (self.line or 0, self.column or 0)

    def location(self) -> str:
        if self.line is None:
            return self.path
        if self.column is None:
            return f"{self.path}:{self.line}"
        return f"{self.path}:{self.line}:{self.column}"

    def __str__(self) -> str:
        return f"{self.location()}: {self.severity}: {self.message}"

    def place(self) -> str:
        """Line and column in the file ("8:8"), or "" where unknown."""
        return ":".join(str(n) for n in (self.line, self.column) if n is not None)

    def in_file(self) -> str:
        """As told beside the file itself (the reader's header and problems screen):
        without its path, which took a line of its own at 80 columns."""
        told = f"{self.severity}: {self.message}"
        return f"{self.place()}: {told}" if self.place() else told


class BriefingError(Exception):
    """A briefing could not be read; ``problem`` says where and why."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem
