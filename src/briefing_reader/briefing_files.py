"""What the reader does with files and processes, so that no screen does it itself.

The reader (with a library or without, as ``briefing FILE``) is given a
:class:`ReaderFiles` by the app: it reads the source article, reads a briefing again after
a change, and runs the user's editor. The screen keeps only what needs the terminal
(handing it over to the editor with ``App.suspend``). Cheap to import: the reader's start-up
pays for every module, and the checks are imported only when first used.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from briefing_reader.loading import Loaded


class ReaderFiles:
    """What the reader does with files and processes: sources, reloads, the editor.

    The reader gets one from the app, with or without a library, and never opens a file
    itself. Every method may raise what it says; the screen says it to the user.
    """

    def reload(self, loaded: Loaded) -> Loaded:
        """``loaded`` read and checked again from its file (it changed on disk)."""
        from briefing_reader.checks.validate import check_file

        return check_file(loaded.path, display=loaded.name or None)

    def read_source(self, loaded: Loaded) -> str:
        """The source article for display. Raises OSError or ValueError (one line)."""
        from briefing_reader.checks.sources import read_source

        return read_source(loaded)

    def edit_command(self, path: Path) -> list[str]:
        """$VISUAL, else $EDITOR, else vi, on ``path``. Raises ValueError (bad quoting)."""
        import shlex

        return [*shlex.split(self.editor()), str(path)]

    def editor(self) -> str:
        """The editor's command line, as the user set it."""
        return os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"

    def edit(self, path: Path) -> None:
        """Run the editor on ``path`` and wait for it. Raises OSError or ValueError."""
        import subprocess

        refuse_programs()
        subprocess.run(self.edit_command(path), check=False)


def refuse_programs() -> None:
    """Raise OSError (one line) in a `briefing serve` session, which starts no programs.

    Every program the reader starts goes through here: served, the keys come from a web
    page and the program would run on the server (an editor is a shell there).
    """
    from briefing_reader.served import programs_refused

    if refused := programs_refused():
        raise OSError(refused)
