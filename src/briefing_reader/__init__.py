"""briefing-reader: read structured news briefings in the terminal."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("briefing-reader")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0+unknown"
