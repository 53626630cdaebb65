"""From files to briefings: bytes -> YAML nodes with marks -> model.

Nothing here imports Textual. Every load ends in a :class:`Loaded` whose
``briefing`` is set when the file could be understood and whose ``problems``
list every located error or warning.
"""

from briefing_reader.loading.discover import discover
from briefing_reader.loading.load import Loaded, load_file, load_text
from briefing_reader.loading.problems import BriefingError, Problem

__all__ = ["BriefingError", "Loaded", "Problem", "discover", "load_file", "load_text"]
