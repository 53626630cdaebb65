"""The test run itself: it lives in a home of its own and leaves the user's untouched.

The check that the user's own briefing-reader folders are unchanged runs when the session
ends (conftest.sandbox_home); these tests show that it is in place and that it notices.
"""

from __future__ import annotations

import os
import pwd
from pathlib import Path

from briefing_reader.config import cache_dir, config_path, state_dir
from tests.conftest import changes, listing, user_folders


def test_the_run_has_a_home_of_its_own(sandbox_home: Path, tmp_path: Path) -> None:
    real_home = Path(pwd.getpwuid(os.getuid()).pw_dir)
    assert Path.home() == sandbox_home != real_home
    # Each test's own XDG folders sit in its temporary folder, so do the reader's files.
    for path in (config_path(), state_dir(), cache_dir()):
        assert path.is_relative_to(tmp_path), path


def test_the_users_folders_are_those_of_their_environment_and_home() -> None:
    env = {"HOME": "/home/someone", "XDG_CACHE_HOME": "/var/cache/someone"}
    assert user_folders(env) == sorted(
        Path(p)
        for p in (
            "/home/someone/.config/briefing-reader",
            "/home/someone/.local/state/briefing-reader",
            "/home/someone/.cache/briefing-reader",
            "/var/cache/someone/briefing-reader",
        )
    )


def test_a_file_written_changed_or_removed_in_a_watched_folder_is_named(tmp_path: Path) -> None:
    watched = tmp_path / "cache" / "briefing-reader"
    watched.mkdir(parents=True)
    (watched / "kept.json").write_text("{}")
    (watched / "changed.json").write_text("{}")
    (watched / "removed.json").write_text("{}")
    before = listing([watched, tmp_path / "missing"])
    assert changes(before, listing([watched])) == []

    (watched / "new.json").write_text("{}")
    (watched / "changed.json").write_text('{"read": ["x"]}')
    (watched / "removed.json").unlink()
    found = changes(before, listing([watched]))
    assert f"new: {watched / 'new.json'}" in found
    assert f"changed: {watched / 'changed.json'}" in found
    assert f"removed: {watched / 'removed.json'}" in found
    assert not any("kept.json" in line for line in found)
