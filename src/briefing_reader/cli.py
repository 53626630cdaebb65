"""The `briefing` command: a thin shell over the loader, the checks and the reader.

`briefing [PATH ...]` reads; `briefing validate|schema|new ...` are the other
commands. Textual is imported only when the interactive reader starts, so the
other commands and `--help` answer at once.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from importlib import resources
from pathlib import Path

from briefing_reader import __version__
from briefing_reader.checks.validate import SourceCache, check_file
from briefing_reader.loading import Loaded, Problem, discover
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

other commands (each has --help):
  briefing validate PATH ...        check briefings against the format and their sources
  briefing schema                   print the JSON Schema of the format, for editors
  briefing new --source ARTICLE     start a briefing from an article's text

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
    """Every briefing under ``paths``, checked as `validate` checks it."""
    cache = SourceCache()
    return [check_file(path, cache=cache) for path in discover(paths)]


def fail(message: str, status: int = 2) -> int:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return status


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in COMMANDS:
        return COMMANDS[argv[0]](argv[1:])
    return read(argv)


def read(argv: list[str]) -> int:
    """The interactive reader."""
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


def validate(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog=f"{PROG} validate",
        description=(
            "Check briefings: YAML syntax, the format's structure, that source.file exists, "
            "and that every evidence excerpt and the CEO quote occur in the source article "
            "(forgiving whitespace and typographic quotes and dashes, nothing else)."
        ),
        epilog=(
            "Prints one line per problem, path:line:col: severity: message, then a summary.\n"
            "exit status: 0 without errors (warnings alone pass unless --strict), 1 with errors,\n"
            "2 for a usage error or a path that cannot be read."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="files or folders")
    parser.add_argument(
        "--format", choices=("text", "json"), default="text", help="output format (default text)"
    )
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
    args = parser.parse_args(argv)
    try:
        files = discover(args.paths)
    except PathNotFound as missing:
        return fail(f"no such file or folder: {missing}")
    cache = SourceCache()
    results = [check_file(path, cache=cache) for path in files]
    problems = sorted(
        (_strict(p) if args.strict else p for r in results for p in r.problems),
        key=lambda p: (p.path, p.line or 0, p.column or 0),
    )
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    if args.format == "json":
        print(json.dumps([_as_json(p) for p in problems], indent=2, ensure_ascii=False))
    else:
        for problem in problems:
            print(problem)
        print(
            f"{_count(len(files), 'file')}, {_count(errors, 'error')}, "
            f"{_count(warnings, 'warning')}"
        )
    named_unreadable = any(
        r.path in args.paths and any(p.code == "unreadable" for p in r.problems) for r in results
    )
    if named_unreadable:
        return 2
    return 1 if errors else 0


def _strict(problem: Problem) -> Problem:
    return problem._replace(severity="error") if problem.severity == "warning" else problem


def _as_json(problem: Problem) -> dict[str, object]:
    return {
        "path": problem.path,
        "line": problem.line,
        "column": problem.column,
        "severity": problem.severity,
        "code": problem.code,
        "message": problem.message,
    }


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def schema(argv: list[str]) -> int:
    argparse.ArgumentParser(
        prog=f"{PROG} schema",
        description=(
            "Print the JSON Schema (draft 2020-12) of the briefing format, generated from the "
            "model the loader uses. Save it and point yaml-language-server at it for completion "
            "and checking in editors (see the README)."
        ),
    ).parse_args(argv)
    from briefing_reader.schema import briefing_schema

    print(json.dumps(briefing_schema(), indent=2))
    return 0


def new(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog=f"{PROG} new",
        description=(
            "Start a briefing from an article: copy the article under sources/ next to the new "
            "briefing, and pre-fill every section with candidates found in the text (figures, "
            "listed drivers, the quote and its speaker, questions), each marked '# draft' for "
            "you to check. Never overwrites a file."
        ),
        epilog="example: briefing new --source article.txt --id acme-q4 -o briefings/acme.yaml",
    )
    parser.add_argument(
        "--source", required=True, type=Path, metavar="ARTICLE", help="a UTF-8 text file"
    )
    parser.add_argument(
        "--id", dest="briefing_id", help="the briefing's id (default: from the headline)"
    )
    parser.add_argument("-o", "--output", type=Path, metavar="PATH", help="default: ./ID.yaml")
    args = parser.parse_args(argv)
    from briefing_reader.authoring import write_draft

    try:
        written = write_draft(args.source, briefing_id=args.briefing_id, output=args.output)
    except FileNotFoundError:
        return fail(f"no such file: {args.source}")
    except (OSError, ValueError) as exc:
        return fail(str(exc), status=1)
    print(f"wrote {written}; edit the '# draft' lines, then run: {PROG} validate {written}")
    return 0


COMMANDS: dict[str, Callable[[list[str]], int]] = {
    "validate": validate,
    "schema": schema,
    "new": new,
}
