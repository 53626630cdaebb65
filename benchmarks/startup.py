"""Startup benchmark: time from process start to the first painted screen of the reader.

The reader is `briefing briefings/core-scientific-2024-q4.yaml` (a file opens straight in the
four panes); the library that `briefing briefings/` opens is measured, at up to 10,000
briefings, by benchmarks/library.py.

The number that matters to a reader is how long the terminal stays blank after they press
enter, so that is what is measured, from outside and without test hooks in the product:

* Each command runs in a fresh pseudo-terminal of a fixed size (default 80x24), exactly as in
  a real terminal: Textual sees a tty, switches to the alternate screen and paints. The clock
  starts just before the process is spawned and stops when the pty output contains a marker
  that Textual only writes as part of a painted frame: a pane title for the reader, the
  Static's text for the bare app. Textual puts escape sequences between differently styled
  spans, so each marker is a run of text that is emitted contiguously within one span.
* Absolute times depend on the machine, so the reader is compared with a bare Textual app
  (one Static) measured the same way, by the same interpreter, in the same run. The ratio is
  what we track: it is the cost of our own code (imports, loading the briefings, composing
  and styling the screen) on top of what any Textual app pays.
* Runs are interleaved (bare, briefing, bare, briefing, ...) after warm-up runs of each, so
  disk caches are warm for both and background noise on the machine hits both alike rather
  than one whole series. Medians keep a stray slow run from moving the result.

After the marker appears the process group is terminated (SIGTERM, then SIGKILL) and reaped.
Nothing is done to the terminal this script runs in: the children only ever see the pty.

The exit status is 0 whether or not the target is met (this is a measurement, not a test) and
non-zero only when measuring failed, e.g. a marker never appeared.

Usage: .venv/bin/python benchmarks/startup.py [--runs N] [--size WxH]
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import errno
import fcntl
import importlib.util
import os
import pty
import select
import signal
import statistics
import struct
import subprocess
import sys
import termios
import time
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
BRIEFINGS = "briefings/core-scientific-2024-q4.yaml"

TARGET_RATIO = 1.3
WARMUP_RUNS = 2
RUN_TIMEOUT_S = 20.0
# Time a terminated child gets to exit on its own before it is killed.
KILL_GRACE_S = 2.0
TAIL_BYTES = 500
MIN_SIZE = (40, 10)
READ_SIZE = 65536

BARE_MARKER = "bare textual app ready"
BARE_APP_SOURCE = f"""\
from textual.app import App, ComposeResult
from textual.widgets import Static


class BareApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Static({BARE_MARKER!r})


BareApp().run()
"""

# The first pane's title: part of the first frame, and written as one span (the title text
# sits between border characters that carry their own escape sequences).
BRIEFING_MARKER = "Headline facts"


class MeasureError(Exception):
    """Measuring failed; the message says why and shows the end of the child's output."""


@dataclass(frozen=True)
class Subject:
    """One command to time and the bytes that prove it has painted."""

    name: str
    argv: list[str]
    marker: bytes


def subjects() -> list[Subject]:
    # Both run under this interpreter so the comparison is not skewed by a different Python
    # or by the console-script wrapper's own start-up.
    return [
        Subject("bare Textual", [sys.executable, "-c", BARE_APP_SOURCE], BARE_MARKER.encode()),
        Subject(
            "briefing",
            [sys.executable, "-m", "briefing_reader", BRIEFINGS],
            BRIEFING_MARKER.encode(),
        ),
    ]


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    # COLUMNS/LINES would override the pty's window size in the child's size lookup.
    env.pop("COLUMNS", None)
    env.pop("LINES", None)
    # TEXTUAL=devtools,debug and friends change how Textual starts; measure the plain app.
    for name in [name for name in env if name.startswith("TEXTUAL")]:
        del env[name]
    env["TERM"] = "xterm-256color"
    return env


def tail(output: bytes | bytearray) -> str:
    return repr(bytes(output[-TAIL_BYTES:]))


def read_chunk(master: int) -> bytes:
    """Read what the child wrote; b"" once every slave end is closed (the child has gone)."""
    try:
        return os.read(master, READ_SIZE)
    except OSError as error:
        # Linux reports a pty whose slave side is closed as EIO rather than end of file.
        if error.errno == errno.EIO:
            return b""
        raise


def wait_draining(proc: subprocess.Popen[bytes], master: int, seconds: float) -> bool:
    """Wait for the child to exit, reading its output meanwhile; True if it exited in time."""
    deadline = time.monotonic() + seconds
    while proc.poll() is None:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        # Keep reading: a child blocked writing to a full pty (e.g. while restoring the screen
        # on exit) would otherwise never get round to exiting.
        ready, _, _ = select.select([master], [], [], min(remaining, 0.05))
        if ready and not read_chunk(master):
            # The pty stays readable (EIO) once the child has closed it; wait rather than spin.
            try:
                proc.wait(timeout=remaining)
            except subprocess.TimeoutExpired:
                return False
    return True


def stop(proc: subprocess.Popen[bytes], master: int) -> None:
    """Terminate the child's process group, then kill it if it lingers, and reap it."""
    # Signal the group only while the leader is unreaped: until then its pid, and so the
    # group id, cannot have been handed to an unrelated process.
    for sig in (signal.SIGTERM, signal.SIGKILL):
        if proc.poll() is not None:
            return
        # An exiting group may already be gone between the poll and the signal.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        if wait_draining(proc, master, KILL_GRACE_S):
            return
    proc.wait()


def measure_once(subject: Subject, size: tuple[int, int]) -> float:
    """Seconds from spawning the subject to its marker appearing on the pty."""
    columns, rows = size
    master, slave = pty.openpty()
    try:
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        started = time.perf_counter()
        proc = subprocess.Popen(
            subject.argv,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            cwd=REPO_ROOT,
            env=child_env(),
            # Its own session and process group, so the whole app can be signalled at once
            # and nothing it does can reach this script's terminal.
            start_new_session=True,
        )
    except BaseException:
        os.close(master)
        raise
    finally:
        # Only the child may hold the slave end, or reading the master would never see the
        # child go away.
        os.close(slave)

    output = bytearray()
    try:
        deadline = started + RUN_TIMEOUT_S
        while True:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise MeasureError(
                    f"{subject.name}: marker {subject.marker!r} did not appear within "
                    f"{RUN_TIMEOUT_S:g} s; last {TAIL_BYTES} bytes of output:\n{tail(output)}"
                )
            ready, _, _ = select.select([master], [], [], remaining)
            if not ready:
                continue
            chunk = read_chunk(master)
            now = time.perf_counter()
            if not chunk:
                try:
                    status = f"exited with status {proc.wait(timeout=KILL_GRACE_S)}"
                except subprocess.TimeoutExpired:
                    status = "closed its terminal"
                raise MeasureError(
                    f"{subject.name}: {status} before marker "
                    f"{subject.marker!r} appeared; last {TAIL_BYTES} bytes of output:\n"
                    f"{tail(output)}"
                )
            # The marker may straddle two reads, so look back across the previous chunk's end.
            search_from = max(0, len(output) - len(subject.marker) + 1)
            output += chunk
            if output.find(subject.marker, search_from) != -1:
                return now - started
    finally:
        try:
            stop(proc, master)
        finally:
            os.close(master)


def parse_size(text: str) -> tuple[int, int]:
    try:
        columns, rows = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected WxH, e.g. 80x24, not {text!r}") from None
    # Smaller screens wrap or hide the markers, and every run would end in a 20 s timeout.
    if not (MIN_SIZE[0] <= columns <= 0xFFFF and MIN_SIZE[1] <= rows <= 0xFFFF):
        raise argparse.ArgumentTypeError(
            f"size must be at least {MIN_SIZE[0]}x{MIN_SIZE[1]}, not {text!r}"
        )
    return columns, rows


def positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description="Time to first painted screen: briefing vs a bare Textual app.",
    )
    parser.add_argument(
        "--runs",
        type=positive_int,
        default=15,
        help="measured runs of each command, after warm-up (default 15; use at least 10)",
    )
    parser.add_argument(
        "--size",
        type=parse_size,
        default=(80, 24),
        metavar="WxH",
        help="terminal size in columns x rows (default 80x24, at least 40x10)",
    )
    return parser


def check_setup() -> str | None:
    """Why measuring cannot start, or None. Cheaper and clearer than 20 s timeouts."""
    for module in ("textual", "briefing_reader"):
        if importlib.util.find_spec(module) is None:
            return (
                f"{module} is not importable by {sys.executable}; "
                "run this with the project's venv: .venv/bin/python benchmarks/startup.py"
            )
    if not (REPO_ROOT / BRIEFINGS).is_file():
        return f"no {BRIEFINGS} folder in {REPO_ROOT}"
    return None


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    problem = check_setup()
    if problem:
        print(f"startup: error: {problem}", file=sys.stderr)
        return 1

    # pip compiles an installed package's bytecode, and Textual's is compiled; a source
    # checkout run with PYTHONDONTWRITEBYTECODE (as on our CI machines) would recompile our
    # modules on every start, a cost no installed user pays. Compile them once, as pip would.
    compileall.compile_dir(REPO_ROOT / "src" / "briefing_reader", quiet=1)

    commands = subjects()
    times: dict[str, list[float]] = {subject.name: [] for subject in commands}
    print(
        f"measuring {WARMUP_RUNS} warm-up + {args.runs} runs of each command "
        f"at {args.size[0]}x{args.size[1]}...",
        file=sys.stderr,
    )
    try:
        # Warm-ups fill the page cache (Python, Textual, .pyc files) so run one is not the
        # odd one out; their times are thrown away.
        for _ in range(WARMUP_RUNS):
            for subject in commands:
                measure_once(subject, args.size)
        for _ in range(args.runs):
            for subject in commands:
                times[subject.name].append(measure_once(subject, args.size))
    except (MeasureError, OSError) as error:
        print(f"startup: measuring failed: {error}", file=sys.stderr)
        return 1

    bare, ours = commands
    medians = {name: statistics.median(samples) for name, samples in times.items()}
    width = max(len(subject.name) for subject in commands) + 1
    for subject in (ours, bare):
        samples = times[subject.name]
        print(
            f"{subject.name + ':':<{width}} median {ms(medians[subject.name])}, "
            f"min {ms(min(samples))} ({len(samples)} runs)"
        )

    ratio = medians[ours.name] / medians[bare.name]
    # Judge the ratio as printed, so "1.30" never reads as a miss.
    verdict = "met" if round(ratio, 2) <= TARGET_RATIO else "NOT met"
    print(f"target {verdict}: ratio {ratio:.2f}, target <= {TARGET_RATIO:g}")
    print(
        f"startup: briefing {ms(medians[ours.name])} vs bare Textual {ms(medians[bare.name])} "
        f"(median of {args.runs} runs each): ratio {ratio:.2f} (target <= {TARGET_RATIO:g})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
