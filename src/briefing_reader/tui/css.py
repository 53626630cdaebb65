"""Where the app's styles are: what every screen shares, and each screen's own.

The app parses the shared file and its first screen's before the first paint (Textual parses
every rule it is given, ~1 ms per 40 lines); the other screen's file is read when that
screen is first shown.
"""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).parent
SHARED = _HERE / "app.tcss"
READER = _HERE / "reader.tcss"
LIBRARY = _HERE / "library.tcss"
