"""The command's own streams: a closed pipe, a full disk and a missing terminal.

`briefing validate DIR | head` closes the pipe early: the command ends at once, quietly,
with status 141, as a command killed by SIGPIPE does in a shell (Python ignores SIGPIPE,
so without this every such run ended in a BrokenPipeError traceback). Any other failure
to write standard output (`> /dev/full`, a disk filling up) ends it with one line on
standard error and status 1. A failure to write standard error itself is ignored, as GNU
tools ignore it: there is nowhere left to say so, and standard output is still the
command's result.

The interactive reader reads keys from standard input and draws on standard error (as
Textual does). When standard input is not a terminal (`briefing FILE </dev/null`,
`x | briefing FILE`) keys come from the controlling terminal, /dev/tty, as less and fzf
read them; without one the reader refuses in one line rather than waiting for keys that
can never come.
"""

from __future__ import annotations

import errno
import os
import signal
import sys
from collections.abc import Callable
from typing import TextIO, cast

# What a shell reports for a command that SIGPIPE ended: 128 + the signal's number.
BROKEN_PIPE_STATUS = 128 + signal.SIGPIPE
WRITE_ERROR_STATUS = 1


class OutputError(Exception):
    """Standard output could not be written.

    Not an OSError on purpose: nothing between a write and :func:`run_command` (argparse
    swallows OSError from its own writes, a caller may catch OSError from reading a file)
    may mistake it for something else or drop it.
    """

    def __init__(self, error: OSError) -> None:
        super().__init__(error.strerror or type(error).__name__)
        self.error = error


class _Stream:
    """A wrapped standard stream: what Rich and the output modules ask of it (encoding,
    fileno, reconfigure...) is the real stream's; None where Python has none."""

    def __init__(self, stream: TextIO | None) -> None:
        self._stream = stream

    def isatty(self) -> bool:
        return self._stream is not None and self._stream.isatty()

    def __getattr__(self, name: str) -> object:
        if self._stream is None:
            raise AttributeError(name)
        return getattr(self._stream, name)


class _Stdout(_Stream):
    """Standard output whose write errors become :class:`OutputError`."""

    def write(self, text: str) -> int:
        if self._stream is None:  # started with fd 1 closed (`>&-`)
            raise OutputError(OSError(errno.EBADF, os.strerror(errno.EBADF)))
        try:
            return self._stream.write(text)
        except OSError as error:
            raise OutputError(error) from None

    def flush(self) -> None:
        if self._stream is None:
            return
        try:
            self._stream.flush()
        except OSError as error:
            raise OutputError(error) from None


class _Stderr(_Stream):
    """Standard error whose write errors are ignored (remembered in ``failed``)."""

    def __init__(self, stream: TextIO | None) -> None:
        super().__init__(stream)
        self.failed = stream is None

    def write(self, text: str) -> int:
        if not self.failed:
            try:
                assert self._stream is not None
                return self._stream.write(text)
            except OSError:
                self.failed = True
        return len(text)

    def flush(self) -> None:
        if not self.failed:
            try:
                assert self._stream is not None
                self._stream.flush()
            except OSError:
                self.failed = True


def run_command(command: Callable[[], int], prog: str) -> int:
    """Run ``command`` with guarded standard streams; its exit status, or the write error's.

    argparse's SystemExit (after --help, --version or a usage error) goes on as it came,
    once what it printed has been flushed, so that a write error there is caught too.
    """
    stdout, stderr = sys.stdout, sys.stderr
    guarded_out, guarded_err = _Stdout(stdout), _Stderr(stderr)
    sys.stdout, sys.stderr = cast(TextIO, guarded_out), cast(TextIO, guarded_err)
    leaving: SystemExit | None = None
    try:
        try:
            status = command()
        except SystemExit as exiting:
            leaving, status = exiting, 0
        guarded_out.flush()
        guarded_err.flush()
    except OutputError as failure:
        leaving = None  # the write error is the news now, not --help's status 0
        if failure.error.errno == errno.EPIPE:
            status = BROKEN_PIPE_STATUS
        else:
            guarded_err.write(f"{prog}: cannot write to standard output: {failure}\n")
            guarded_err.flush()
            status = WRITE_ERROR_STATUS
        _discard(stdout)
    finally:
        sys.stdout, sys.stderr = stdout, stderr
    if guarded_err.failed:
        _discard(stderr)
    if leaving is not None:
        raise leaving
    return status


def _discard(stream: TextIO | None) -> None:
    """Point ``stream``'s descriptor at /dev/null: what it still buffers is dropped there,
    and the interpreter's last flush at exit cannot fail again (a second traceback)."""
    if stream is None:
        return
    try:
        fd = stream.fileno()
    except (OSError, ValueError):
        return  # not a real file (a test's capture): nothing will flush it at exit
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
    finally:
        os.close(devnull)


def _is_terminal(fd: int) -> bool:
    try:
        return os.isatty(fd)
    except OSError:
        return False


def terminal_problem() -> str | None:
    """Why the reader cannot run on this process's terminal, or None when it can.

    With standard input not a terminal, the controlling terminal (/dev/tty) takes its
    place on fd 0, for Textual reads keys from fd 0. Standard output is not needed: the
    reader draws on standard error, so `briefing FILE > out` opens the reader as before.
    """
    # Asked before /dev/tty is opened: with fd 2 closed, that open would take its number.
    draws = _is_terminal(2)
    tty = None
    if not _is_terminal(0):
        try:
            tty = os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY)
        except OSError:
            return (
                "standard input is not a terminal and there is no terminal (/dev/tty) "
                "to read keys from; use 'briefing show' to print briefings"
            )
    try:
        if not draws:
            return (
                "standard error is not a terminal, and the reader draws on it; "
                "use 'briefing show' to print briefings"
            )
        if tty is not None:
            os.dup2(tty, 0)
    finally:
        if tty is not None:
            os.close(tty)
    return None
