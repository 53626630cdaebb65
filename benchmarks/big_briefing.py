"""Big-briefing benchmark: the time each key takes in a briefing as big as the loader allows.

Two briefings just under the 1 MiB limit (loading/yamlsafe.MAX_BYTES), with nearly all of
their text in one pane, made by the generators of tests/functional/test_big_briefing.py:

* many: thousands of loss drivers (pane 2);
* quote: one CEO quote of about a megabyte (pane 3);

against the baseline of the same run, the bundled briefing (pane 2, five loss drivers).

Each is opened in-process through Textual's pilot (``make_app``, the reader at ``--size``),
its pane is chosen, and then each key of KEYS is pressed and timed as ``press`` + ``pause``
(the pause waits for the screen to be idle, so the time covers the key's whole work,
layout and paint included). The sequence runs ``--repeat`` times; each figure is a median.
The pilot's own floor is shown too: an unbound key, since Textual's idle wait sleeps in
20 ms steps and small costs hide below it. Ratios to the baseline are what to compare
across machines; "a few frames" is the target for every key.

Run the old code with ``PYTHONPATH=/tmp/base/src .venv/bin/python benchmarks/big_briefing.py``:
the generators come from this checkout, the reader from the path.

The exit status is 0 whether or not targets are met (this is a measurement, not a test).

Usage: .venv/bin/python benchmarks/big_briefing.py [--repeat 3] [--size 120x40] [--only many]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the generators live with the tests that use them

# (label, what is pressed): one timed step each. "resize" and "search" are special steps.
KEYS = [
    ("j", "j"),
    ("k", "k"),
    ("pagedown", "pagedown"),
    ("pageup", "pageup"),
    ("G", "G"),
    ("g", "g"),
    ("enter (expand)", "enter"),
    ("enter (collapse)", "enter"),
    ("tab", "tab"),
    ("shift+tab", "shift+tab"),
    ("y", "y"),
    ("Y", "Y"),
    ("z (zoom)", "z"),
    ("z (back)", "z"),
    ("resize", "resize"),
    ("/ search: enter", "search"),
    ("n", "n"),
    ("floor (unbound key)", "f24"),
]


def make_briefings(folder: Path) -> dict[str, tuple[Path, str, str]]:
    """name -> (file, the pane's number key, a search with a match in that pane)."""
    from tests.conftest import BUNDLED
    from tests.functional.test_big_briefing import huge_quote_yaml, many_items_yaml

    shutil.copytree(BUNDLED.parent / "sources", folder / "sources")
    many, count = many_items_yaml()
    (folder / "many.yaml").write_text(many, encoding="utf-8")
    quote, _ = huge_quote_yaml()
    (folder / "quote.yaml").write_text(quote, encoding="utf-8")
    return {
        "bundled": (BUNDLED, "2", "Energy Costs"),
        "many": (folder / "many.yaml", "2", f"Driver {count * 3 // 4:05d}"),
        "quote": (folder / "quote.yaml", "3", "unit of power"),
    }


async def key_times(
    path: Path, pane: str, search: str, size: tuple[int, int], repeat: int
) -> dict[str, float]:
    from briefing_reader.loading import load_file
    from briefing_reader.tui.app import make_app

    app = make_app([load_file(path)])
    copied: list[int] = []
    # The clipboard's escape sequences are not what is measured, and go nowhere here.
    app.copy_to_clipboard = lambda text: copied.append(len(text))  # type: ignore[method-assign]
    samples: dict[str, list[float]] = {label: [] for label, _ in KEYS}
    sizes = [size, (max(40, size[0] - 20), max(15, size[1] - 10))]
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press(pane)
        await pilot.pause()

        async def timed(label: str, act: Awaitable[object]) -> None:
            # A coroutine does nothing until awaited: the clock starts before its work.
            started = time.perf_counter()
            await act
            await pilot.pause()
            samples[label].append(time.perf_counter() - started)

        for turn in range(repeat):
            for label, key in KEYS:
                if key == "resize":
                    width, height = sizes[(turn + 1) % 2]
                    await timed(label, pilot.resize_terminal(width, height))
                elif key == "search":
                    await pilot.press("slash")
                    await pilot.pause()
                    await pilot.press(*search)
                    await pilot.pause()
                    await timed(label, pilot.press("enter"))
                else:
                    await timed(label, pilot.press(key))
            # Back to the pane's first item, as at the start, for the next turn.
            await pilot.press(pane, "g")
            await pilot.pause()
    return {label: statistics.median(times) for label, times in samples.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--size", default="120x40")
    parser.add_argument("--only", choices=["many", "quote"], help="one big briefing only")
    args = parser.parse_args()
    width, height = (int(part) for part in args.size.split("x"))
    import briefing_reader

    print(f"reader: {Path(briefing_reader.__file__).parent}  size: {args.size}", flush=True)
    with tempfile.TemporaryDirectory(prefix="big-briefing-") as scratch:
        for name in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
            os.environ[name] = os.path.join(scratch, name.lower())  # never the user's own
        briefings = make_briefings(Path(scratch))
        names = ["bundled"] + ([args.only] if args.only else ["many", "quote"])
        results: dict[str, dict[str, float]] = {}
        for name in names:
            path, pane, search = briefings[name]
            print(f"measuring {name} ({path.stat().st_size:,} bytes) ...", flush=True)
            results[name] = asyncio.run(key_times(path, pane, search, (width, height), args.repeat))
    header = f"{'key':22}{'bundled':>10}" + "".join(f"{name:>10}{'ratio':>8}" for name in names[1:])
    print(f"\nmedian ms per key (press + pause), {args.repeat} run(s)\n{header}")
    for label, _ in KEYS:
        base = results["bundled"][label]
        row = f"{label:22}{base * 1000:10.0f}"
        for name in names[1:]:
            value = results[name][label]
            row += f"{value * 1000:10.0f}{value / base:7.1f}x"
        print(row)
    return 0


if __name__ == "__main__":
    sys.exit(main())
