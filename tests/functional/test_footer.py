"""The footer in narrow terminals: the palette key owns the last column."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import BUNDLED
from tests.functional.conftest import app_for, library_app, settle, write_library


def bottom_row(app: object) -> str:
    strips = app.screen._compositor.render_strips()  # type: ignore[attr-defined]
    return "".join(segment.text for segment in strips[-1])


@pytest.mark.parametrize("width", [20, 30, 44])
async def test_the_library_footer_ends_with_the_palette_key_not_a_stray_letter(
    tmp_path: Path, width: int
) -> None:
    # A compact footer's margin after the docked palette key let the keys scrolled under
    # it show through: "⏎ Open f▏^p palettee" at 20 columns.
    app = library_app(write_library(tmp_path / "lib"))
    async with app.run_test(size=(width, 8)) as pilot:
        await settle(app, pilot)
        row = bottom_row(app)
    assert row.rstrip().endswith("▏^p palette"), row
    assert row[-1] == " ", row


async def test_the_reader_footer_ends_with_the_palette_key_not_a_stray_letter() -> None:
    app = app_for(BUNDLED)
    async with app.run_test(size=(50, 24)) as pilot:
        await settle(app, pilot)
        row = bottom_row(app)
    assert row.rstrip().endswith("▏^p palette"), row
    assert row[-1] == " ", row
