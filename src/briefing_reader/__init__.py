"""briefing-reader: read structured news briefings in the terminal."""

__version__ = "0.1.0"
