"""Bytes the reader writes to its terminal per key, until quiet (issue 14, "Light over SSH").

Over SSH every byte of a frame crosses the network, so what a key costs is the bytes the app
writes for it. This runs each program in a pseudo-terminal (standard library only: pty,
select) at 80x24 and 200x60, TERM=xterm-256color, answering the synchronized-output query
as supported so that each frame is bracketed and can be counted, and records for every step
the bytes written until the program has been quiet for QUIET seconds:

- the reader on the bundled briefing: first paint, a repaint, j, k, tab, 1-4, s, escape, z,
  and two seconds of idle at the end;
- the library of 1,000 generated briefings (benchmarks/library.py's corpus): first paint,
  a repaint, j, k, f, two seconds of idle with the filter focused, escape;
- "repaint" is the terminal made one column narrower and then as it was: the second
  resize's bytes are the screen painted whole at its size, the screenful;
- in the same run, the baselines: a bare Textual OptionList of 1,000 options (written here)
  for the first paint and a cursor move, and ``less`` on a text file when installed.

Targets (issue 14): a cursor move at most 1.5 KB; f, escape, tab and 1-4 at most a quarter
of the issue's figures (TODAY below, measured before this work); the first paint at most one
screenful plus 10 % (the repaint's bytes); idle 0 B/s.

    .venv/bin/python benchmarks/bytes.py [--sizes 80x24,200x60] [--src DIR] [--compare DIR]

``--src`` runs the reader from another source tree (a worktree of an older commit), to
measure the figures before a change in the same way; ``--compare DIR`` runs both, the tree
in DIR and this one, in the same run and prints DIR's figures as a "before" column.
"""

from __future__ import annotations

import argparse
import fcntl
import importlib.util
import os
import pty
import select
import shutil
import signal
import struct
import sys
import tempfile
import termios
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
BRIEFING = ROOT / "briefings" / "core-scientific-2024-q4.yaml"
QUIET = 0.4  # seconds without output that end a step
TIMEOUT = 8.0  # a step that is never quiet ends here, and says so
IDLE = 2.0  # seconds counted for an idle step
SYNC_QUERY = b"\x1b[?2026$p"
SYNC_ANSWER = b"\x1b[?2026;2$y"  # "reset, but supported": Textual then brackets each frame
FRAME_BEGIN = b"\x1b[?2026h"
KEYS = {"escape": b"\x1b", "tab": b"\t", "down": b"\x1b[B", "q": b"q"}

# Issue 14's "today" figures (bytes, measured before this work with the same kind of recorder;
# where the issue gives a range, its middle). 1-4 move focus as tab does: they take tab's figure.
TODAY = {
    ("reader", "j", "80x24"): 14_966,
    ("reader", "j", "200x60"): 9_402,
    ("library", "j", "80x24"): 12_647,
    ("library", "j", "200x60"): 47_612,
    ("library", "f", "80x24"): 41_000,
    ("library", "f", "200x60"): 145_000,
    ("library", "escape", "80x24"): 41_000,
    ("library", "escape", "200x60"): 145_000,
    ("reader", "tab", "80x24"): 45_500,
    ("reader", "tab", "200x60"): 39_000,
    ("library", "first paint", "80x24"): 82_000,
    ("library", "first paint", "200x60"): 280_500,
    ("bare OptionList", "j", "80x24"): 6_294,
    ("bare OptionList", "j", "200x60"): 9_414,
}
# Keys whose target is a quarter of the figure.
QUARTER = frozenset({"f", "escape", "tab", "1", "2", "3", "4"})
CURSOR_MAX = 1_500

BARE_OPTION_LIST = textwrap.dedent(
    """
    from textual.app import App
    from textual.widgets import OptionList

    class Bare(App[None]):
        def compose(self):
            yield OptionList(*(f"Briefing number {i}" for i in range(1000)))

    Bare().run()
    """
)


def _library_module() -> ModuleType:
    # benchmarks/ is no package: its corpus maker is loaded from its file.
    spec = importlib.util.spec_from_file_location(
        "bench_library", ROOT / "benchmarks" / "library.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@dataclass
class Step:
    name: str
    bytes: int
    frames: int  # synchronized-output brackets: one per frame Textual writes
    largest: int  # bytes of the largest frame
    quiet: bool  # False: still writing when the step timed out


class Terminal:
    """One program in a pseudo-terminal of a given size."""

    def __init__(self, argv: list[str], size: tuple[int, int], env: dict[str, str]) -> None:
        cols, rows = size
        pid, master = pty.fork()
        if pid == 0:  # the child: the program, on the pty's slave side
            try:
                os.execvpe(argv[0], argv, env)
            finally:
                os._exit(127)
        fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.pid, self.master = pid, master

    def _read(self, wait: float) -> bytes:
        ready, _, _ = select.select([self.master], [], [], wait)
        if not ready:
            return b""
        try:
            data = os.read(self.master, 65536)
        except OSError:  # EIO: the program has gone
            return b""
        if SYNC_QUERY in data:
            os.write(self.master, SYNC_ANSWER * data.count(SYNC_QUERY))
        return data

    def until_quiet(self, name: str, quiet: float = QUIET) -> Step:
        out = bytearray()
        start = last = time.monotonic()
        while True:
            now = time.monotonic()
            if now - start > TIMEOUT:
                return _step(name, out, quiet=False)
            data = self._read(min(quiet, TIMEOUT))
            if data:
                out += data
                last = time.monotonic()
            elif time.monotonic() - last >= quiet and (out or now - start > 1.0):
                return _step(name, out, quiet=True)

    def for_seconds(self, name: str, seconds: float) -> Step:
        out = bytearray()
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            out += self._read(left)
        # Output here is what the idle verdict counts, not a step that failed to end.
        return _step(name, out, quiet=True)

    def press(self, key: str) -> None:
        os.write(self.master, KEYS.get(key, key.encode()))

    def resize(self, size: tuple[int, int]) -> None:
        """Resize the terminal: the kernel tells the program (SIGWINCH)."""
        cols, rows = size
        fcntl.ioctl(self.master, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))

    def close(self) -> None:
        with _suppress():
            os.kill(self.pid, signal.SIGTERM)
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            self._read(0.05)  # drain, so the program can finish writing
            done, _ = os.waitpid(self.pid, os.WNOHANG)
            if done:
                break
        else:
            with _suppress():
                os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        os.close(self.master)


class _suppress:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> bool:
        return exc[0] is not None and issubclass(exc[0], (ProcessLookupError, ChildProcessError))  # type: ignore[arg-type]


def _step(name: str, out: bytearray, *, quiet: bool) -> Step:
    frames = bytes(out).split(FRAME_BEGIN)[1:]
    largest = max((len(f) for f in frames), default=len(out))
    return Step(name, len(out), len(frames), largest, quiet)


def session(
    argv: list[str], size: tuple[int, int], env: dict[str, str], script: list[str]
) -> list[Step]:
    """``script``: keys, and "idle" for IDLE seconds counted as they are."""
    term = Terminal(argv, size, env)
    try:
        steps = [term.until_quiet("first paint", quiet=1.0)]
        for key in script:
            if key == "idle":
                steps.append(term.for_seconds(f"idle {IDLE:g} s", IDLE))
            elif key == "repaint":
                # One column narrower and back: the second resize's frame is a screenful, the
                # screen painted whole at its size (a resize to the same size repaints nothing).
                term.resize((size[0] - 1, size[1]))
                term.until_quiet("narrower")
                term.resize(size)
                steps.append(term.until_quiet(key))
            else:
                term.press(key)
                steps.append(term.until_quiet(key))
        return steps
    finally:
        term.close()


def environment(home: Path, src: Path | None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        TERM="xterm-256color",
        COLORTERM="truecolor",
        LANG="C.UTF-8",
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_STATE_HOME=str(home / "state"),
        XDG_CACHE_HOME=str(home / "cache"),
    )
    env.pop("TMUX", None)
    env.pop("NO_COLOR", None)
    if src is not None:
        env["PYTHONPATH"] = str(src)
    return env


def verdict(case: str, key: str, size: str, step: Step, screenful: int = 0) -> tuple[str, str]:
    """The target for this figure and whether it is met ("" where there is none)."""
    if not step.quiet:
        return "quiet", "NEVER QUIET"
    if key.startswith("idle"):
        return "0 B/s", "meets" if step.bytes == 0 else "misses"
    if key in ("j", "k"):
        return f"<= {CURSOR_MAX:,} B", "meets" if step.bytes <= CURSOR_MAX else "misses"
    if key == "first paint":
        # The screenful: the same screen painted whole at its size, after a resize (the
        # "repaint" step). Not the largest frame: a first paint may come in two frames, the
        # second the rest of the screen, and then no frame is a screenful.
        limit = int(screenful * 1.1)
        return f"<= 1.1 screenful ({limit:,})", "meets" if step.bytes <= limit else "misses"
    today = TODAY.get((case, "tab" if key in ("1", "2", "3", "4") else key, size))
    if today is None or key not in QUARTER:
        return "", ""
    limit = today // 4
    return f"<= {limit:,} B (1/4)", "meets" if step.bytes <= limit else "misses"


Figures = dict[tuple[str, str, str], Step]  # (case, key, size) -> step


# "repaint" first: the screenful the first paint is judged against (see session).
READER_SCRIPT = ["repaint", "j", "k", "tab", "1", "2", "3", "4", "s", "escape", "z", "idle"]
LIBRARY_SCRIPT = ["repaint", "j", "k", "f", "idle", "escape"]


def measure_reader(src: Path | None, home: Path, folder: Path, size: tuple[int, int]) -> Figures:
    """The reader and the library, run from ``src`` (None: the installed package)."""
    label = f"{size[0]}x{size[1]}"
    # A fresh state per tree, so one tree's index cache is never read by the other.
    state = Path(tempfile.mkdtemp(prefix="xdg-", dir=home))
    env = environment(state, src)
    briefing = [sys.executable, "-m", "briefing_reader"]
    figures: Figures = {}
    for step in session([*briefing, str(BRIEFING)], size, env, READER_SCRIPT):
        figures["reader", step.name, label] = step
    # Once, to fill the index cache: the figures are those of a library opened again.
    session([*briefing, str(folder)], size, env, [])
    for step in session([*briefing, str(folder)], size, env, LIBRARY_SCRIPT):
        figures["library", step.name, label] = step
    return figures


def measure_baselines(home: Path, text: Path, size: tuple[int, int]) -> Figures:
    label = f"{size[0]}x{size[1]}"
    bare = home / "bare.py"
    bare.write_text(BARE_OPTION_LIST, encoding="utf-8")
    env = environment(Path(tempfile.mkdtemp(prefix="xdg-", dir=home)), None)
    figures: Figures = {}
    steps = session([sys.executable, str(bare)], size, env, ["down", "idle"])
    for step in steps:
        figures["bare OptionList", "j" if step.name == "down" else step.name, label] = step
    less = shutil.which("less")
    if less:
        for step in session([less, str(text)], size, env, ["j", "k", "idle"]):
            figures["less", step.name, label] = step
    return figures


def _cell(step: Step | None) -> str:
    if step is None:
        return ""
    return f"{step.bytes:,}" + ("" if step.quiet else " (timed out)")


def print_table(
    after: Figures, before: Figures | None, baselines: Figures, sizes: list[str]
) -> None:
    print(
        f"bytes per key until {QUIET:g} s quiet (timeout {TIMEOUT:g} s a step), "
        "TERM=xterm-256color, synchronized output answered as supported"
    )
    header = ["case", "size", "key"]
    if before is not None:
        header.append("before")
    header += ["bytes", "frames", "target", "verdict", "today", "vs today", "OptionList", "less"]
    table = [header]
    order = [(case, key) for case in ("reader", "library") for key in _keys(case)]
    for label in sizes:
        for case, key in order:
            step = after.get((case, key, label))
            if step is None:
                continue
            repaint = after.get((case, "repaint", label))
            target, said = verdict(case, key, label, step, repaint.bytes if repaint else 0)
            today = TODAY.get((case, key, label))
            base_key = key if key in ("first paint", "j", "k") else ""
            option_list = baselines.get(
                ("bare OptionList", "j" if base_key == "k" else base_key, label)
            )
            pager = baselines.get(("less", key, label))
            row = [case, label, key]
            if before is not None:
                row.append(_cell(before.get((case, key, label))))
            row += [
                _cell(step),
                str(step.frames),
                target,
                said,
                f"{today:,}" if today else "",
                f"{step.bytes / today:.2f}x" if today else "",
                _cell(option_list),
                _cell(pager),
            ]
            table.append(row)
        for key in ("first paint", "j", "idle 2 s"):
            step = baselines.get(("bare OptionList", key, label))
            if step is not None:
                today = TODAY.get(("bare OptionList", key, label))
                row = ["bare OptionList", label, key]
                if before is not None:
                    row.append("")
                row += [
                    _cell(step),
                    str(step.frames),
                    "",
                    "",
                    f"{today:,}" if today else "",
                    f"{step.bytes / today:.2f}x" if today else "",
                    "",
                    "",
                ]
                table.append(row)
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for row in table:
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )


def _keys(case: str) -> list[str]:
    script = READER_SCRIPT if case == "reader" else LIBRARY_SCRIPT
    return ["first paint", *(f"idle {IDLE:g} s" if key == "idle" else key for key in script)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--sizes", default="80x24,200x60", help="WxH,WxH (default 80x24,200x60)")
    parser.add_argument("--count", type=int, default=1000, help="briefings in the library")
    parser.add_argument("--src", type=Path, help="run the reader from this source tree")
    parser.add_argument(
        "--compare",
        type=Path,
        metavar="DIR",
        help="also run the reader from this source tree (the code before), in the same run, "
        "and print its figures as a 'before' column",
    )
    args = parser.parse_args(argv)
    labels = args.sizes.split(",")
    sizes = [(int(w), int(h)) for w, h in (label.split("x") for label in labels)]
    with tempfile.TemporaryDirectory(prefix="bench-bytes-") as tmp:
        home = Path(tmp)
        folder = home / "library"
        _library_module().make_corpus(folder, args.count, seed=14, with_date=True)
        text = home / "text.txt"
        text.write_text(BRIEFING.read_text(encoding="utf-8") * 20, encoding="utf-8")
        after: Figures = {}
        before: Figures | None = None if args.compare is None else {}
        baselines: Figures = {}
        for size in sizes:
            baselines |= measure_baselines(home, text, size)
            if before is not None:
                before |= measure_reader(args.compare.resolve(), home, folder, size)
            after |= measure_reader(args.src.resolve() if args.src else None, home, folder, size)
    print_table(after, before, baselines, labels)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
