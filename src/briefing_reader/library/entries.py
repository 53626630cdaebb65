"""The briefings of a library as a sequence that loads each one only when it is shown."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import overload

from briefing_reader.checks.sources import SourceCache
from briefing_reader.checks.validate import check_file
from briefing_reader.loading import Loaded

# Enough for ] and [ to step back and forth without re-reading; few enough to stay small.
KEEP_LOADED = 16


class LazyBriefings(Sequence[Loaded]):
    """``paths`` as checked briefings, loaded on first access and kept in a small cache.

    The reader's briefing screen takes any sequence of Loaded; a library of 10,000 files
    must not load them all to let ] and [ move through them.
    """

    def __init__(self, paths: Sequence[str]) -> None:
        self.paths = list(paths)
        self._loaded: OrderedDict[int, Loaded] = OrderedDict()
        self._sources = SourceCache()

    def __len__(self) -> int:
        return len(self.paths)

    @overload
    def __getitem__(self, index: int) -> Loaded: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Loaded]: ...
    def __getitem__(self, index: int | slice) -> Loaded | Sequence[Loaded]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        index = range(len(self.paths))[index]  # negative indices, and IndexError
        if index in self._loaded:
            self._loaded.move_to_end(index)
            return self._loaded[index]
        loaded = check_file(Path(self.paths[index]), cache=self._sources)
        self._store(index, loaded)
        return loaded

    def __setitem__(self, index: int, loaded: Loaded) -> None:
        self._store(index, loaded)

    def index_of(self, path: str) -> int | None:
        try:
            return self.paths.index(path)
        except ValueError:
            return None

    def forget(self, path: str) -> None:
        """Drop what was loaded of ``path`` (it changed on disk), and the source texts."""
        position = self.index_of(path)
        if position is not None:
            self._loaded.pop(position, None)
        self._sources = SourceCache()

    def _store(self, index: int, loaded: Loaded) -> None:
        self._loaded[index] = loaded
        self._loaded.move_to_end(index)
        while len(self._loaded) > KEEP_LOADED:
            self._loaded.popitem(last=False)
