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
    from collections.abc import Callable

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

        try:
            argv = shlex.split(self.editor())
        except ValueError as error:  # "No closing quotation"
            raise ValueError(f"cannot split the command: {str(error).lower()}") from None
        if not argv:
            raise ValueError("the command is empty")
        name = str(path)
        # A relative name starting with "-" would be read as an option by the editor.
        return [*argv, f"./{name}" if name.startswith("-") else name]

    def editor(self) -> str:
        """The editor's command line, as the user set it."""
        return os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"

    def checked_edit_command(self, path: Path) -> list[str]:
        """:meth:`edit_command`, with its program found: ValueError (one line) if not.

        Called before the terminal is handed over, so that a command that cannot run is
        said on the reader's screen instead of flashing past on a blank one.
        """
        import shutil

        argv = self.edit_command(path)
        if shutil.which(argv[0]) is None:
            raise ValueError(f"no such program: {argv[0]}")
        return argv

    def edit(self, path: Path, argv: list[str] | None = None) -> int:
        """Run the editor (``argv``, else :meth:`edit_command`) on ``path``; its exit status.

        Waits for it. Raises OSError (it could not be started) or ValueError.
        """
        import subprocess

        refuse_programs()
        result = subprocess.run(argv or self.edit_command(path), check=False)
        return int(getattr(result, "returncode", 0) or 0)

    # --- the browser -------------------------------------------------------------------

    def browser_command(self, url: str) -> list[str]:
        """The command that opens ``url`` (checked by ``terminal.browser_url``) in a browser.

        ``$BROWSER`` first, read as Python's webbrowser reads it (commands separated by
        ":", the first one found wins, ``%s`` stands for the URL, else the URL goes last);
        then ``open`` on macOS, ``xdg-open`` in a graphical session. A console browser
        (``xdg-open`` without a display falls back to one) would fight the reader for the
        terminal, so none is looked for. Raises LookupError when no browser is found,
        ValueError when ``$BROWSER`` cannot be split.
        """
        import shlex
        import shutil
        import sys

        choices = [choice for choice in os.environ.get("BROWSER", "").split(os.pathsep) if choice]
        for choice in choices:
            try:
                argv = shlex.split(choice)
            except ValueError as error:
                raise ValueError(f"cannot split $BROWSER: {str(error).lower()}") from None
            if argv and argv[-1] == "&":
                argv.pop()  # webbrowser's "run in the background": we never wait anyway
            if not argv or shutil.which(argv[0]) is None:
                continue
            if any("%s" in arg for arg in argv[1:]):
                return [argv[0], *(arg.replace("%s", url) for arg in argv[1:])]
            return [*argv, url]
        if choices:
            raise LookupError("no program named in $BROWSER was found")
        if sys.platform == "darwin" and shutil.which("open"):
            return ["open", url]
        graphical = os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
        if graphical and shutil.which("xdg-open"):
            return ["xdg-open", url]
        raise LookupError("no web browser found here (set $BROWSER to one)")

    def open_url(self, url: str, on_exit: Callable[[int], None] | None = None) -> None:
        """Start the browser on ``url`` and return at once; never through a shell.

        The browser gets no terminal (its input and output are /dev/null, in a session of
        its own, so it neither reads the reader's keys nor dies with it) and is not waited
        for here: a browser that stays open must not freeze the reader. A thread waits
        for it instead, so it leaves no zombie, and calls ``on_exit`` with its status.
        Raises LookupError (no browser), ValueError (bad ``$BROWSER``) or OSError.
        """
        import subprocess
        import threading

        refuse_programs()
        process = subprocess.Popen(
            self.browser_command(url),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            close_fds=True,
        )

        def wait() -> None:
            status = process.wait()
            if on_exit is not None:
                on_exit(status)

        threading.Thread(target=wait, name="browser", daemon=True).start()


def refuse_programs() -> None:
    """Raise OSError (one line) in a `briefing serve` session, which starts no programs.

    Every program the reader starts goes through here: served, the keys come from a web
    page and the program would run on the server (an editor is a shell there).
    """
    from briefing_reader.served import programs_refused

    if refused := programs_refused():
        raise OSError(refused)
