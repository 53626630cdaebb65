"""Live reload under churn: after files are created, rewritten, renamed and deleted in a
burst while the library is open, the list ends up naming exactly the files on disk.

The churn runs on a plain thread with a seeded random order, so a failure replays the same
operations (their timing against the watcher still varies, which is the point). The test
waits, with a generous guard, for the list to equal the folder, and asserts equality: a
lost update never catches up, so waiting longer would not hide one.
"""

from __future__ import annotations

import asyncio
import os
import random
import threading
from pathlib import Path

from textual.pilot import Pilot

from briefing_reader.loading.discover import discover_names
from briefing_reader.tui.app import BriefingApp
from briefing_reader.tui.screens.library import LibraryScreen
from tests.functional.conftest import briefing_yaml, library_app, loaded, settle

WIDE = (170, 40)
START_FILES = 150
CHURN_S = 3.0
CONVERGE_S = 40.0  # a guard against hanging, not a measurement


def text_for(number: int, extra: str = "") -> str:
    body = briefing_yaml(
        f"b-{number}", f"Briefing {number}", f"Company {number}", "2025-01-01", "x"
    )
    return body + extra


def churn(folder: Path, seconds: float, seed: int) -> int:
    """Create, rewrite (in place and by rename-over), rename and delete files for ``seconds``.

    Returns how many operations were done.
    """
    rng = random.Random(seed)
    subfolders = [folder, folder / "a", folder / "b" / "c"]
    for sub in subfolders:
        sub.mkdir(parents=True, exist_ok=True)
    counter = START_FILES
    done = 0
    end = threading.Event()
    timer = threading.Timer(seconds, end.set)
    timer.start()
    try:
        while not end.is_set():
            present = discover_names([folder])
            choice = rng.random()
            done += 1
            try:
                if choice < 0.3 or not present:
                    counter += 1
                    target = rng.choice(subfolders) / f"n{counter}.yaml"
                    target.write_text(text_for(counter))
                elif choice < 0.5:
                    path = Path(rng.choice(present))
                    path.write_text(text_for(counter, f"# rewritten {done}\n" * rng.randint(1, 9)))
                elif choice < 0.6:
                    path = Path(rng.choice(present))
                    temp = path.with_name(f".{path.name}.tmp")
                    temp.write_text(text_for(counter, f"# saved {done}\n"))
                    os.replace(temp, path)
                elif choice < 0.8:
                    path = Path(rng.choice(present))
                    counter += 1
                    os.rename(path, rng.choice(subfolders) / f"r{counter}.yaml")
                else:
                    Path(rng.choice(present)).unlink()
            except FileNotFoundError:
                pass
    finally:
        timer.cancel()
    return done


def listed(screen: LibraryScreen) -> set[str]:
    return {entry.path for entry in screen.view.entries}


async def watching(app: BriefingApp, pilot: Pilot[None], folder: Path) -> None:
    """Return once the running app has taken in a change reported by its watcher."""
    screen = app.screen
    assert isinstance(screen, LibraryScreen)
    probe = folder / "probe.yaml"
    for attempt in range(100):  # the watch is set up asynchronously: poke until it reports
        probe.write_text(text_for(0, f"# attempt {attempt}\n"))
        await asyncio.sleep(0.2)
        if str(probe) in listed(screen):
            break
    probe.unlink()
    for _ in range(100):
        await asyncio.sleep(0.1)
        if str(probe) not in listed(screen):
            return
    raise AssertionError("the watcher never reported the probe file")


async def converged(screen: LibraryScreen, folder: Path) -> tuple[set[str], set[str]]:
    """Wait (at most CONVERGE_S) for the list to name exactly the files on disk."""
    on_disk = set(discover_names([folder]))
    loop = asyncio.get_running_loop()
    deadline = loop.time() + CONVERGE_S
    while listed(screen) != on_disk and loop.time() < deadline:
        await asyncio.sleep(0.2)
    return listed(screen), on_disk


async def test_the_list_matches_the_folder_after_churn(tmp_path: Path) -> None:
    folder = tmp_path / "library"
    folder.mkdir()
    for number in range(START_FILES):
        (folder / f"s{number}.yaml").write_text(text_for(number))
    app = library_app(folder, watch=True)
    async with app.run_test(size=WIDE) as pilot:
        screen = await loaded(app, pilot)
        await watching(app, pilot, folder)

        operations = await asyncio.to_thread(churn, folder, CHURN_S, seed=11)
        assert operations > 100  # the churn did churn

        shown, on_disk = await converged(screen, folder)
        assert sorted(on_disk - shown) == [], "files on disk missing from the list"
        assert sorted(shown - on_disk) == [], "entries listed for files that are gone"
        assert str(screen.session.status()).startswith(f"{len(on_disk):,} briefing")

        # Still answering keys: the sort order changes when asked.
        before = screen.view.sort
        await pilot.press("o")
        await settle(app, pilot)
        assert screen.view.sort != before
