"""The `briefing` command: a thin shell over the loader and the reader.

Textual is imported only when the interactive reader starts, so `--help`
and `--version` answer at once.
"""

from __future__ import annotations

import argparse
import sys
from importlib import resources
from pathlib import Path

from briefing_reader import __version__
from briefing_reader.loading import Loaded, discover, load_file
from briefing_reader.loading.discover import PathNotFound

PROG = "briefing"

# Kept in step with the bindings by tests/test_cli.py::test_help_lists_every_key.
KEYS = """\
keys:
  tab, shift+tab    next / previous pane
  1 2 3 4           go to Headline facts, Loss drivers, CEO quote, Open questions
  j, k, down, up    next / previous item in the pane
  g, G, home, end   first / last item
  pageup, pagedown  a page up / down
  enter             expand or collapse the item (shows its evidence)
  z                 zoom the pane to the full screen and back
  ], [              next / previous briefing
  ?                 help: every key
  ctrl+p            command palette: every action by name
  q                 quit
"""

DESCRIPTION = """\
Read briefings: short YAML documents distilled from news articles, each shown as
four panes (headline facts, loss drivers, the CEO quote, open questions) that you
move through with the keyboard alone.
"""

EPILOG = f"""\
{KEYS}
paths:
  With no PATH, opens ./briefings when it exists, otherwise the briefings that
  ship with briefing-reader. A folder is searched for *.yaml files; a file that
  cannot be read opens as an error entry and never stops the others.

examples:
  briefing                          the bundled briefings
  briefing briefings/               every briefing in a folder
  briefing a.yaml b.yaml            two files; ] and [ switch between them

exit status: 0 after q, 1 after an unexpected error, 2 for bad arguments or no briefings.
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="briefing files or folders of them (default: ./briefings, else the bundled ones)",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def bundled_folder() -> Path | None:
    """The briefings shipped inside the installed package, if this install has them."""
    folder = Path(str(resources.files("briefing_reader") / "bundled"))
    return folder if folder.is_dir() else None


def default_paths() -> list[Path]:
    local = Path("briefings")
    if local.is_dir():
        return [local]
    bundled = bundled_folder()
    return [bundled] if bundled else []


def load_all(paths: list[Path]) -> list[Loaded]:
    return [load_file(path) for path in discover(paths)]


def fail(message: str) -> int:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    paths: list[Path] = args.paths or default_paths()
    if not paths:
        return fail("no briefings: no ./briefings folder here and none bundled; name a PATH")
    try:
        entries = load_all(paths)
    except PathNotFound as missing:
        return fail(f"no such file or folder: {missing}")
    if not entries:
        where = ", ".join(str(p) for p in paths)
        return fail(f"no briefings (*.yaml) found in {where}")

    from briefing_reader.tui import make_app  # deferred: Textual is only needed from here on

    app = make_app(entries)
    app.run()
    return app.return_code or 0
