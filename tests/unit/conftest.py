"""The one harness for live reload tests (test_watch, test_watch_edges).

Nothing waits on the clock for events: callbacks put batches into a queue and the tests block
on it. The watcher sets up its kernel watches in its own thread, so ``Watching.start`` rewrites
a probe file until the watcher reports it: after that, every change is seen.
"""

from __future__ import annotations

import contextlib
import queue
from pathlib import Path
from typing import Any

import pytest

from briefing_reader.library.watch import Change, FolderWatcher

TIMEOUT = 10


class Watching:
    """A watcher over ``folder`` whose batches land in ``batches``; ``start`` it first."""

    def __init__(self, folder: Path, **options: Any) -> None:
        self.folder = folder
        self.batches: queue.Queue[list[Change]] = queue.Queue()
        # Every change until() has returned, the probe's included.
        self.seen: list[Change] = []
        # Each change with the file's text when the callback ran (None once it is gone): what
        # a reload would have read.
        self.texts: list[tuple[Change, str | None]] = []
        self.watcher = FolderWatcher([folder], self._on_changes, **options)

    def _on_changes(self, changes: list[Change]) -> None:
        for change in changes:
            text = None
            if change.kind != "deleted":
                # An exception here would stop the watcher: a file removed since is None.
                with contextlib.suppress(FileNotFoundError):
                    text = change.path.read_text()
            self.texts.append((change, text))
        self.batches.put(changes)

    def until(self, *paths: Path) -> list[Change]:
        """Every change reported up to and including the batch that names the last of ``paths``."""
        seen: list[Change] = []
        while not set(paths) <= {change.path for change in seen}:
            batch = self.batches.get(timeout=TIMEOUT)
            assert batch == sorted(batch, key=lambda change: change.path)
            seen.extend(batch)
        self.seen.extend(seen)
        return seen

    def start(self) -> None:
        """Start watching, and return once the watcher has reported a change.

        The probe file exists before the watcher starts, so it is known and reported as
        modified; it is rewritten, less and less often so that it can settle in between,
        until a change to it comes through. Its deletion is awaited too, so a test starts
        with nothing of the probe's left to report.
        """
        probe = self.folder / "probe.yaml"
        probe.write_text("attempt: start\n")
        assert self.watcher.start()
        for attempt in range(40):
            probe.write_text(f"attempt: {attempt}\n")
            try:
                batch = self.batches.get(timeout=min(0.05 * 2**attempt, 1.0))
            except queue.Empty:
                continue
            if any(change.path == probe for change in batch):
                break
        else:
            pytest.fail("the watcher never reported the probe file")
        probe.unlink()
        seen = self.until(probe)
        while seen[-1] != Change("deleted", probe):
            seen.extend(self.until(probe))
        assert {change.path for change in seen} == {probe}
