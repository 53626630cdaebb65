"""What the library's first frame does not import: it is memory the reader holds for good."""

from __future__ import annotations

import subprocess
import sys

# Everything the library screen and the app are made of, and nothing more.
PROBE = """
import sys
import briefing_reader.cli
import briefing_reader.library.prefetch
import briefing_reader.library.session
import briefing_reader.tui.app
import briefing_reader.tui.screens.library
print("\\n".join(sorted(sys.modules)))
"""

# Needed only once a briefing is opened, a filter typed or a file parsed (the prefetch
# child parses, in its own process).
NOT_YET = [
    "briefing_reader.tui.screens.briefing",
    "briefing_reader.tui.widgets.pane",
    "briefing_reader.checks.evidence",
    "briefing_reader.library.reader_search",
    "briefing_reader.loading.build",
    # The briefing's dataclasses: ~5 ms of every start (the key table and the preview need
    # only the panes' names, from briefing_reader.sections).
    "briefing_reader.model",
    "yaml",
    "rapidfuzz",
    "jsonschema",
    "tomllib",  # only where a config file exists
]


def test_the_library_screen_and_app_import_no_reader_screen_parser_or_matcher() -> None:
    out = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True
    ).stdout
    imported = set(out.split())
    assert "briefing_reader.tui.screens.library" in imported
    assert [name for name in NOT_YET if name in imported] == []
