"""Churn benchmark: live reload while thousands of files are created, rewritten, renamed
and deleted, and what a symlinked folder costs the watcher.

For each of ``--runs`` runs, in a fresh temporary folder of ``--files`` briefings spread over
a few subfolders: the library is opened in-process through Textual's pilot
(``make_library_app``, watching), a thread churns the folder for ``--seconds`` (creates,
in-place rewrites, rename-over saves, renames across folders, deletes, in a seeded random
order, as fast as it can), then the list is given ``--grace`` seconds to catch up. Printed
per run: the operations done, the entries short (on disk, not listed) and extra (listed,
gone) when the list first matched the folder or the grace ran out, how long after the churn
it matched, whether a key still answered, and RSS (VmRSS) before the churn, at its end and
after catching up, with the ratio after/before.

Then a library holding a symlink to ``--link`` (default /usr): the inotify watches this
process holds once the watcher is up (the "inotify wd:" lines of /proc/self/fdinfo), next to
the library without the link.

Nothing is asserted; the exit status is non-zero only when measuring failed. Compare with
the old code by running it with ``PYTHONPATH=<old checkout>/src``.

The briefings are valid ones (their evidence found in each folder's ``sources/``);
``--broken`` makes every file fail to load instead, which costs each reload a settle wait.

Usage: .venv/bin/python benchmarks/churn.py [--runs 3] [--files 2000] [--seconds 20]
       [--grace 30] [--seed 1] [--link /usr] [--broken]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import random
import sys
import tempfile
import threading
import time
from pathlib import Path

from briefing_reader.loading.discover import discover_names

FOLDERS = ("", "a", "b/c", "d")


ARTICLE = (
    "Acme lost $12 million in the quarter. Energy costs rose sharply. The chief executive "
    "said: we will grow again. Analysts remain unsure.\n"
)
BROKEN = False  # --broken: every file fails to load (each reload must then settle it)


def text_for(number: int, extra: str = "") -> str:
    """A briefing with no problems (its evidence is in each folder's sources/article.txt)."""
    if BROKEN:
        return f"format: briefing/1\nid: [b-{number}\n{extra}"
    return (
        f"format: briefing/1\nid: b-{number}\ntitle: Briefing {number}\n"
        f"subject: Company {number}\nperiod: Q4 2024\ndate: 2025-01-01\ntags: [x, earnings]\n"
        f"summary: Company {number} reported its quarter.\n"
        "source: {title: Acme article, file: sources/article.txt}\n"
        "headline_facts:\n"
        '  - {label: Net loss, value: $12 million, evidence: "Acme lost $12 million in the '
        'quarter."}\n'
        "loss_drivers:\n"
        '  - {title: Energy, detail: Energy got dearer., evidence: "Energy costs rose '
        'sharply."}\n'
        "ceo_quote: {text: we will grow again, speaker: A. Person, role: CEO}\n"
        "open_questions:\n"
        f'  - {{question: Will Company {number} recover?, evidence: "Analysts remain '
        f'unsure."}}\n{extra}'
    )


def rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def inotify_watches() -> int:
    count = 0
    for fd in os.listdir("/proc/self/fdinfo"):
        try:
            count += Path("/proc/self/fdinfo", fd).read_text().count("inotify wd:")
        except OSError:
            continue
    return count


def seed_library(folder: Path, files: int) -> None:
    for sub in FOLDERS:
        (folder / sub / "sources").mkdir(parents=True, exist_ok=True)
        (folder / sub / "sources" / "article.txt").write_text(ARTICLE)
    for number in range(files):
        (folder / FOLDERS[number % len(FOLDERS)] / f"s{number}.yaml").write_text(text_for(number))


def churn(folder: Path, seconds: float, seed: int) -> int:
    """Churn ``folder`` for ``seconds``; this thread is its only writer. Returns operations."""
    rng = random.Random(seed)
    present = [Path(name) for name in discover_names([folder])]
    subfolders = [folder / sub for sub in FOLDERS]
    counter = len(present)
    done = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        done += 1
        choice = rng.random()
        if choice < 0.3 or not present:
            counter += 1
            path = rng.choice(subfolders) / f"n{counter}.yaml"
            path.write_text(text_for(counter))
            present.append(path)
            continue
        index = rng.randrange(len(present))
        path = present[index]
        if choice < 0.5:
            path.write_text(text_for(counter, f"# rewritten {done}\n" * rng.randint(1, 20)))
        elif choice < 0.6:
            temp = path.with_name(f".{path.name}.tmp")
            temp.write_text(text_for(counter, f"# saved {done}\n"))
            os.replace(temp, path)
        elif choice < 0.8:
            counter += 1
            target = rng.choice(subfolders) / f"r{counter}.yaml"
            os.rename(path, target)
            present[index] = target
        else:
            path.unlink()
            present[index] = present[-1]
            present.pop()
    return done


async def one_run(folder: Path, args: argparse.Namespace, seed: int) -> dict[str, object]:
    from briefing_reader.tui.app import make_library_app
    from briefing_reader.tui.screens.library import LibraryScreen

    seed_library(folder, args.files)
    app = make_library_app([folder], watch=True, index_workers=1, read_state=False)
    result: dict[str, object] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        await app.library_loaded.wait()
        screen = app.screen
        assert isinstance(screen, LibraryScreen)

        def listed() -> set[str]:
            return {entry.path for entry in screen.view.entries}

        probe = folder / "probe.yaml"
        for attempt in range(100):  # until the watcher is up and reporting
            probe.write_text(text_for(0, f"# {attempt}\n"))
            await asyncio.sleep(0.2)
            if str(probe) in listed():
                break
        probe.unlink()
        await asyncio.sleep(1.0)
        gc.collect()
        result["rss_before"] = rss_kib()

        result["operations"] = await asyncio.to_thread(churn, folder, args.seconds, seed)
        result["rss_churned"] = rss_kib()
        ended = time.monotonic()
        on_disk = set(discover_names([folder]))
        while listed() != on_disk and time.monotonic() - ended < args.grace:
            await asyncio.sleep(0.25)
        shown = listed()
        result["caught_up_s"] = time.monotonic() - ended if shown == on_disk else None
        result["short"] = len(on_disk - shown)
        result["extra"] = len(shown - on_disk)
        result["on_disk"] = len(on_disk)
        before = screen.view.sort
        await pilot.press("o")
        await pilot.pause()
        result["answers"] = screen.view.sort != before
        await asyncio.sleep(1.0)
        gc.collect()
        result["rss_after"] = rss_kib()
    return result


async def watches_with_link(base: Path, link: Path | None) -> int:
    from briefing_reader.library.watch import FolderWatcher

    folder = base / ("linked" if link else "plain")
    folder.mkdir()
    (folder / "own.yaml").write_text(text_for(1))
    if link is not None:
        (folder / "elsewhere").symlink_to(link, target_is_directory=True)
    reported = threading.Event()
    before = inotify_watches()
    watcher = FolderWatcher([folder], lambda changes: reported.set())
    assert watcher.start()
    try:
        for attempt in range(100):
            (folder / "probe.yaml").write_text(text_for(0, f"# {attempt}\n"))
            if await asyncio.to_thread(reported.wait, 0.3):
                break
        return inotify_watches() - before
    finally:
        watcher.stop()


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--grace", type=float, default=30.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--link", type=Path, default=Path("/usr"))
    parser.add_argument("--broken", action="store_true", help="files that fail to load")
    args = parser.parse_args()
    global BROKEN
    BROKEN = args.broken

    import briefing_reader

    print(f"briefing_reader from {Path(briefing_reader.__file__).parent}")
    with tempfile.TemporaryDirectory(prefix="churn-") as scratch:
        base = Path(scratch)
        for name in ("XDG_CACHE_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME"):
            os.environ[name] = str(base / name.lower())
        kind = "broken" if BROKEN else "valid"
        print(
            f"{args.files} {kind} files, {args.seconds:g} s of churn, {args.grace:g} s to catch up"
        )
        print("run  ops     on disk  short  extra  caught up  keys  RSS MiB before/end/after (x)")
        for run in range(args.runs):
            folder = base / f"run{run}"
            folder.mkdir()
            r = await one_run(folder, args, args.seed + run)
            caught = r["caught_up_s"]
            caught_text = f"{caught:6.1f} s" if isinstance(caught, float) else "   never"
            before, end, after = (
                int(r[k]) / 1024 for k in ("rss_before", "rss_churned", "rss_after")
            )  # type: ignore[call-overload]
            print(
                f"{run:>3}  {r['operations']!s:<7} {r['on_disk']!s:<8} {r['short']!s:<6} "
                f"{r['extra']!s:<6} {caught_text:<10} {'yes' if r['answers'] else 'NO ':<5} "
                f"{before:.0f}/{end:.0f}/{after:.0f} ({after / before:.2f})"
            )
        if Path("/proc/self/fdinfo").is_dir():
            plain = await watches_with_link(base, None)
            link = args.link if args.link.is_dir() else None
            linked = await watches_with_link(base, link)
            print(
                f"inotify watches: library alone {plain}, with a link to {args.link} {linked} "
                f"(x{linked / max(plain, 1):.0f})"
            )
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
