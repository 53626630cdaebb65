"""The loading layer, model, checks and CLI start without Textual."""

from __future__ import annotations

import subprocess
import sys

CHECK = (
    "import sys; "
    "import briefing_reader.loading, briefing_reader.model, briefing_reader.checks.evidence, "
    "briefing_reader.cli; "
    "loaded = sorted(m for m in sys.modules if m.startswith('textual')); "
    "assert not loaded, loaded"
)


def test_loading_and_model_never_import_textual() -> None:
    result = subprocess.run(
        [sys.executable, "-c", CHECK], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
