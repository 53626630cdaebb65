"""One policy for a briefing's source article: where it may be, how big, how it is read.

The validator, the library index, the reader's source pane and the library's search of
the sources all read articles through here, so they agree on which articles exist:

- the article must be inside the briefing's folder once symlinks are resolved, so a
  briefing copied from someone else cannot make the reader show ``/etc/shadow`` or a
  private file elsewhere through ``../`` or a link;
- it must be a regular file of at most `MAX_SOURCE_BYTES`: a bigger one is refused with a
  `SourceError`, never silently cut short (a cut article would make quotes past the cut
  look invented, and a search past it find nothing);
- it is decoded as strict UTF-8 (a leading BOM is dropped). Strict, as the validator has
  always done, rather than with replacement characters: an article that is not UTF-8 is
  reported as such, with the offending byte, by every reader alike, instead of the
  validator calling it unreadable while the reader shows it half garbled.

No Textual here: this is part of the checks.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

from briefing_reader.checks.evidence import normalize
from briefing_reader.loading import Loaded
from briefing_reader.loading.regular import NotRegularFile, read_regular
from briefing_reader.text import clean

MAX_SOURCE_BYTES = 4 * 1024 * 1024
# Excerpts remembered per article (SourceCache.contains): some 100 bytes each.
_MAX_EXCERPTS = 4096


class SourceError(ValueError):
    """A source article that the policy refuses; the message fits on one line.

    ``name`` is the file as the message names it, ``reason`` the rest ("is larger than
    ..."), so a caller that names the file its own way can reuse the reason.
    """

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"{name} {reason}")
        self.name = name
        self.reason = reason


def source_path(briefing_path: Path, file: str) -> Path:
    """The resolved path of ``file`` (as written in ``source.file``) beside ``briefing_path``.

    Raises SourceError when it names nothing, or leads outside the briefing's folder,
    whether by an absolute path, by ``..`` or through a symlink.
    """
    if not file.strip():
        raise SourceError("this briefing", "names no source file")
    # Briefings written on Windows may use backslashes; they mean the same folders.
    relative = PurePosixPath(file.replace("\\", "/"))
    folder = briefing_path.parent.resolve()
    target = (folder / relative).resolve()
    if not target.is_relative_to(folder):
        written = relative.is_absolute() or ".." in relative.parts
        raise SourceError(
            f"source.file '{file}'",
            "must be a path inside the briefing's folder"
            + ("" if written else " (it is a link out of it)"),
        )
    return target


def source_of(loaded: Loaded, cache: SourceCache | None = None) -> Path | None:
    """The briefing's source article, or None when it names none the policy allows.

    With ``cache``, the path is resolved once for all the briefings of a folder.
    """
    if loaded.briefing is None:
        return None
    try:
        if cache is not None:
            return cache.path(loaded.path, loaded.briefing.source.file)
        return source_path(loaded.path, loaded.briefing.source.file)
    except SourceError:
        return None


def article_text(path: Path) -> str:
    """The whole text of the article at ``path``, decoded by the one rule above.

    Raises SourceError when the policy refuses it (not a regular file, too big, not
    UTF-8); OSError, such as FileNotFoundError, passes through.
    """
    try:
        # A FIFO, a terminal or a device named as the source must not block the reader:
        # the one rule for reading a file someone named, shared with the briefings.
        data = read_regular(path, MAX_SOURCE_BYTES)
    except NotRegularFile as exc:
        kind = "a folder, not a file" if exc.folder else "not a regular file"
        raise SourceError(path.name, f"is {kind}") from None
    if len(data) > MAX_SOURCE_BYTES:
        raise SourceError(path.name, f"is larger than {MAX_SOURCE_BYTES:,} bytes")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(path.name, f"is not UTF-8 text (byte {exc.start})") from None


class SourceCache:
    """Source articles by path, read once however many briefings cite them.

    Failures are remembered too: a thousand briefings citing one missing article cost
    one failed open. Make a new cache when the files may have changed.
    """

    def __init__(self) -> None:
        self._texts: dict[Path, str | OSError | SourceError] = {}
        self._normalized: dict[Path, str] = {}
        self._paths: dict[tuple[str, str], Path | SourceError] = {}
        self._stamps: dict[Path, object] = {}
        # Whether an excerpt (as written) is in an article: briefings citing one article
        # often quote the same passages, and an index asks for ten excerpts per file.
        self._found: dict[Path, dict[str, bool]] = {}

    def stamped(self, path: Path, stamp: object) -> None:
        """Say what ``path`` is now (its size and mtime, say): a text read when it was
        something else is read again. For a cache kept over many files, as an index
        worker keeps one."""
        if self._stamps.setdefault(path, stamp) != stamp:
            self._stamps[path] = stamp
            self._texts.pop(path, None)
            self._normalized.pop(path, None)
            self._found.pop(path, None)

    def path(self, briefing_path: Path, file: str) -> Path:
        """`source_path`, resolved once per folder and ``file``: a library of 10,000
        briefings citing one article resolves (walks its links) once, not 20,000 times."""
        key = (os.path.dirname(briefing_path), file)
        if key not in self._paths:
            try:
                self._paths[key] = source_path(briefing_path, file)
            except SourceError as exc:
                self._paths[key] = exc
        found = self._paths[key]
        if isinstance(found, Path):
            return found
        raise found.with_traceback(None)

    def text(self, path: Path) -> str:
        """`article_text` of ``path``, or the error it raised, as it was the first time."""
        if path not in self._texts:
            try:
                self._texts[path] = article_text(path)
            except (OSError, SourceError) as exc:
                self._texts[path] = exc
        found = self._texts[path]
        if isinstance(found, str):
            return found
        # A stored exception raised again would grow its traceback at every raise.
        raise found.with_traceback(None)

    def normalized(self, path: Path) -> str:
        """The text as the evidence matcher compares it (see `evidence.normalize`)."""
        if path not in self._normalized:
            self._normalized[path] = normalize(self.text(path))
        return self._normalized[path]

    def contains(self, path: Path, excerpt: str) -> bool:
        """Whether ``excerpt`` is in the article at ``path``, matched as `evidence.normalize`
        says; each distinct excerpt is matched once. Raises as :meth:`text` does."""
        found = self._found.get(path)
        if found is None:
            found = self._found[path] = {}
        known = found.get(excerpt)
        if known is None:
            if len(found) >= _MAX_EXCERPTS:
                found.clear()  # a bound on memory, for a worker kept over a whole library
            known = found[excerpt] = normalize(excerpt) in self.normalized(path)
        return known


def read_source(loaded: Loaded) -> str:
    """The source article's text for display (control characters made visible).

    Raises OSError or SourceError (a ValueError) with a message fit for one line.
    """
    if loaded.briefing is None:
        raise SourceError("this briefing", "could not be loaded")
    path = source_path(loaded.path, loaded.briefing.source.file)
    return clean(article_text(path), multiline=True)
