"""Which briefings have been read, by briefing id, in ``$XDG_STATE_HOME/briefing-reader``.

Keyed by id, not path: a briefing moved or renamed stays read. The file is small JSON::

    {"format_version": 1, "read": {"core-scientific-2024-q4": 1735689600}}

(the value is when it was marked read, in Unix seconds). Losing read marks is an annoyance,
not a reason to stop reading: a corrupt file is moved aside with a one-line warning and the
reader starts afresh. Two readers open at once each save only their own changes on top of
what the file holds then, so neither throws the other's marks away; the read-merge-write
holds a lock on the folder, so two saving at the same moment cannot
either. A state file that is no regular file (a FIFO, a link to a device) or absurdly big
is left alone and the marks are not saved for the session.
"""

from __future__ import annotations

import errno
import json
import os
import time
from pathlib import Path

from briefing_reader.config import state_dir
from briefing_reader.files import locked, read_limited, write_atomic
from briefing_reader.text import clean

FORMAT_VERSION = 1
STATE_NAME = "read.json"
# Some 40 bytes a mark: room for a million, and no reading without end.
MAX_BYTES = 64 * 1024 * 1024


class _Corrupt(Exception):
    """The state file is not what this module writes."""


class _TooNew(Exception):
    """The state file was written by a newer version: keep it, but do not overwrite it."""


class ReadState:
    """Read marks by briefing id; :meth:`save` writes them unless ``readonly``."""

    def __init__(
        self, path: Path, read: dict[str, int] | None = None, *, readonly: bool = False
    ) -> None:
        self.path = path
        self.readonly = readonly
        self._read: dict[str, int] = dict(read or {})
        # What changed since loading, so save() can merge with another reader's marks.
        self._changes: dict[str, int | None] = {}

    @classmethod
    def load(
        cls, path: Path | None = None, *, readonly: bool = False
    ) -> tuple[ReadState, list[str]]:
        """Read the state file; return the state and one-line warnings. Never raises.

        A missing file is the normal first run. A corrupt file is renamed to
        ``read.json.corrupt-<timestamp>`` (unless ``readonly``) and the state starts empty.
        A file that cannot be read, or was written by a newer version, is left alone and
        the state becomes read-only for this session, so it is not overwritten.
        """
        if path is None:
            path = state_dir() / STATE_NAME
        try:
            return cls(path, _read_file(path), readonly=readonly), []
        except FileNotFoundError:
            return cls(path, readonly=readonly), []
        except OSError as error:
            reason = error.strerror or type(error).__name__
            return cls(path, readonly=True), [
                _warning(path, f"cannot read: {reason}; read marks will not be saved")
            ]
        except _TooNew:
            return cls(path, readonly=True), [
                _warning(path, "written by a newer briefing-reader; read marks will not be saved")
            ]
        except _Corrupt as error:
            if readonly:
                return cls(path, readonly=True), [_warning(path, f"{error}; ignored")]
            try:
                aside = _move_aside(path)
            except OSError as move_error:
                reason = move_error.strerror or type(move_error).__name__
                return cls(path, readonly=True), [
                    _warning(
                        path,
                        f"{error}, and it cannot be moved aside ({reason});"
                        " read marks will not be saved",
                    )
                ]
            return cls(path, readonly=readonly), [
                _warning(path, f"{error}; moved aside to {aside.name}, starting afresh")
            ]

    def is_read(self, briefing_id: str) -> bool:
        return briefing_id in self._read

    def mark(self, briefing_id: str, read: bool = True) -> None:
        """Mark a briefing read or unread (in memory until :meth:`save`)."""
        if read == (briefing_id in self._read):
            return
        if read:
            self._read[briefing_id] = self._changes[briefing_id] = int(time.time())
        else:
            del self._read[briefing_id]
            self._changes[briefing_id] = None

    def save(self) -> None:
        """Write this session's changes atomically; nothing when readonly or unchanged.

        Raises OSError when the file cannot be written; the old file is intact then.
        """
        if self.readonly or not self._changes:
            return
        with locked(self.path.parent):
            try:
                merged = _read_file(self.path)
            except FileNotFoundError:
                merged = {}
            except (_Corrupt, _TooNew):
                # Nothing usable on disk (load() has dealt with what was there): ours wins.
                merged = {}
            # Any other OSError: the file is there but unreadable now, and overwriting it
            # with only our marks would lose everyone else's; the caller says so.
            for briefing_id, when in self._changes.items():
                if when is None:
                    merged.pop(briefing_id, None)
                else:
                    merged[briefing_id] = when
            document = {"format_version": FORMAT_VERSION, "read": dict(sorted(merged.items()))}
            data = (json.dumps(document, indent=1, ensure_ascii=True) + "\n").encode("ascii")
            write_atomic(self.path, data)
        self._read = merged
        self._changes.clear()


def _read_file(path: Path) -> dict[str, int]:
    try:
        data = read_limited(path, MAX_BYTES)
    except OSError as error:
        if error.errno == errno.EFBIG:  # a regular file, only no state of ours: move it aside
            raise _Corrupt(f"larger than {MAX_BYTES // 2**20} MiB") from error
        raise
    try:
        document = json.loads(data)
    except (ValueError, RecursionError) as error:  # bad JSON or not UTF-8
        raise _Corrupt("not valid JSON") from error
    if not isinstance(document, dict):
        raise _Corrupt("not a JSON object")
    version = document.get("format_version")
    if isinstance(version, int) and not isinstance(version, bool) and version > FORMAT_VERSION:
        raise _TooNew
    if version != FORMAT_VERSION:
        raise _Corrupt(f"unknown format_version {clean(repr(version))[:40]}")
    read = document.get("read")
    if not isinstance(read, dict) or not all(
        isinstance(when, int) and not isinstance(when, bool) for when in read.values()
    ):
        raise _Corrupt('"read" is not a table of briefing ids to times')
    return read


def _move_aside(path: Path) -> Path:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.name}.corrupt-{stamp}")
    counter = 1
    while aside.exists():  # two corrupt files within a second: keep both
        aside = path.with_name(f"{path.name}.corrupt-{stamp}-{counter}")
        counter += 1
    os.replace(path, aside)
    return aside


def _warning(path: Path, message: str) -> str:
    # Shown in a terminal: a file name can carry escape sequences.
    return clean(f"{path}: warning: {message}")
