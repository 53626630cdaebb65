"""The `briefing` command: a thin shell over the loader, the checks and the reader.

`briefing [PATH ...]` reads; `briefing validate|show|schema|new ...` are the other
commands. Textual is imported only when the interactive reader starts, and Rich only
when `show` prints text, so the other commands and `--help` answer at once.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from briefing_reader import __version__
from briefing_reader.keys import HELP_WIDTH, fit, help_text
from briefing_reader.loading.discover import discover
from briefing_reader.output import COLOR_CHOICES
from briefing_reader.shell import SHELLS
from briefing_reader.streams import run_command, terminal_problem
from briefing_reader.text import clean_name

if TYPE_CHECKING:
    from briefing_reader.loading import Loaded, Problem
    from briefing_reader.output.text import OutputConsole

PROG = "briefing"

# From the key table the bindings are made of, with the default keys.
KEYS = help_text()

DESCRIPTION = """\
Read briefings: short YAML documents distilled from news articles, each shown
as four panes (headline facts, loss drivers, the CEO quote, open questions)
that you move through with the keyboard alone.
"""

# The commands besides reading: (name, what follows it in a usage line, what it does). --help,
# the shell completions and the manual page all take their one-line summaries from here.
OTHER_COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("validate", "PATH ...", "check briefings against the format and sources"),
    ("show", "PATH ...", "print briefings as text, Markdown or JSON"),
    ("schema", "", "print the format's JSON Schema, for editors"),
    ("new", "--source ARTICLE", "start a briefing from an article's text"),
    ("serve", "[PATH ...]", "the reader in a browser (the 'serve' extra)"),
)


def _columns(rows: list[tuple[str, str]], at: int) -> str:
    """Two columns for --help, the second from column ``at``, wrapped under itself to fit
    80 columns (HELP_WIDTH), as the key list is."""
    lines = []
    for left, right in rows:
        first, *more = fit(right, HELP_WIDTH - at)
        lines.append(f"  {left}".ljust(at) + first)
        lines.extend(" " * at + line for line in more)
    return "\n".join(lines)


def _prose(*paragraphs: str) -> str:
    """Paragraphs for --help, each wrapped to fit 80 columns (HELP_WIDTH)."""
    return "\n\n".join("\n".join(fit(p, HELP_WIDTH)) for p in paragraphs)


_EXAMPLES = _columns(
    [
        (PROG, "the library in ./briefings, or the bundled one"),
        (f"{PROG} ~/briefings/", "a library of every briefing under a folder"),
        (f"{PROG} a.yaml b.yaml", "two files; ] and [ switch between them"),
        (f"{PROG} --no-state /shared/", "a shared folder, leaving no read marks behind"),
    ],
    33,
)
_OTHER_COMMANDS = _columns(
    [(f"{PROG} {name} {usage}".rstrip(), summary) for name, usage, summary in OTHER_COMMANDS],
    33,
)

EPILOG = f"""\
{KEYS}
paths:
  With no PATH, opens ./briefings when it exists, otherwise the briefings
  that ship with briefing-reader. A folder opens as a library: a list of every
  *.yaml under it, newest first, kept up to date as files are added, changed
  or removed. Files named alone open straight in the reader. A file that
  cannot be read, or one that is not there, is listed with its error and
  never stops the others.

terminal:
  Keys come from the terminal even when stdin is redirected (/dev/tty, as
  less reads them); with no terminal at all the reader says so and exits
  (status 2). It draws on stderr, so stdout may be redirected. TERM=dumb
  prints instead.

files:
  read marks   $XDG_STATE_HOME/briefing-reader/read.json (--no-state: none)
  index cache  $XDG_CACHE_HOME/briefing-reader/ (rebuilt if stale or corrupt)
  settings     $XDG_CONFIG_HOME/briefing-reader/config.toml (theme, keys)

examples:
{_EXAMPLES}

other commands (each has --help):
{_OTHER_COMMANDS}

completion and the manual:
  briefing --print-completion bash \\
      > ~/.local/share/bash-completion/completions/briefing
  briefing --print-man > ~/.local/share/man/man1/briefing.1; man briefing
  (zsh and fish: the README says where their scripts go)

exit status: 0 after q, 1 after an unexpected error, 2 for bad arguments or
no briefings. Every command exits 141 when the pipe it writes to closes early
(`| head`), and 1 with one line on stderr when its output cannot be written
(a full disk).
"""


def add_paths_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="briefing files or folders of them (default: ./briefings, else the bundled ones)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_paths_argument(parser)
    parser.add_argument(
        "--theme",
        metavar="NAME",
        help="colour theme for this run, e.g. textual-dark or textual-light (ctrl+p lists "
        "them; the one picked there is remembered in the config file)",
    )
    parser.add_argument(
        "--no-state",
        action="store_true",
        help="do not read or save read marks (for shared accounts): everything starts unread",
    )
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="index the library afresh, without reading or writing the index cache",
    )
    parser.add_argument(
        "--print-completion",
        choices=SHELLS,
        metavar="SHELL",
        help="print the tab completion script for bash, zsh or fish, and exit",
    )
    parser.add_argument(
        "--print-man", action="store_true", help="print the manual page (roff), and exit"
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def bundled_folder() -> Path | None:
    """The briefings shipped inside the installed package, if this install has them."""
    # Next to this module, as the wheel lays it out (importlib.resources would cost start-up
    # ~2 ms for the same answer: the package is always a plain folder on disk here).
    folder = Path(__file__).resolve().parent / "bundled"
    return folder if folder.is_dir() else None


def default_paths() -> list[Path]:
    local = Path("briefings")
    if local.is_dir():
        return [local]
    bundled = bundled_folder()
    return [bundled] if bundled else []


class UsageError(Exception):
    """What the user asked for cannot be done; the message is one line (exit status 2)."""


def briefing_files(given: list[Path], *, or_default: bool = False) -> list[Path]:
    """The briefing files under the named paths (or the default ones), or UsageError."""
    paths = given or (default_paths() if or_default else [])
    if not paths:
        raise UsageError("no briefings: no ./briefings folder here and none bundled; name a PATH")
    found = existing_files(paths)
    if not found:
        where = ", ".join(str(p) for p in paths)
        raise UsageError(f"no briefings (*.yaml) found in {where}")
    return found


def existing_files(paths: list[Path]) -> list[Path]:
    """:func:`discover` over ``paths``, where a missing path stays in its place in the list.

    Loading it then gives an error entry ("cannot read file: No such file or directory"),
    as a broken file does, and the others are still shown. UsageError when every path is
    missing: then there is nothing to show.
    """
    missing = [path for path in paths if not _exists(path)]
    if len(missing) == len(paths):
        raise UsageError(f"no such file or folder: {missing[0]}")
    if not missing:
        return discover(paths)
    found: list[Path] = []
    for path in paths:
        # One by one only when something is missing; discover() already drops duplicates.
        for file in discover([path]) if _exists(path) else [path]:
            if file not in found:
                found.append(file)
    return found


def _command_typo(paths: list[Path], argv: list[str]) -> str | None:
    """The error for a first PATH that is no file but reads as a command mistyped
    (`briefing valdate x`, `briefing help`), as git says it; None otherwise."""
    if not paths or _exists(paths[0]):
        return None
    word = str(paths[0])
    if word not in argv:  # written as a path: ./shwo
        return None
    if word == "help":
        return f"no such file or folder: {word} (for help: {PROG} --help)"
    import difflib

    close = difflib.get_close_matches(word, list(COMMANDS), n=1, cutoff=0.6)
    if not close or "/" in word or "." in word:  # a path, mistyped or not
        return None
    return f"no such file or command: {word} (did you mean {close[0]}?)"


def _exists(path: Path) -> bool:
    return path.exists() or path.is_symlink()  # a broken link is there, and an error entry


def load_files(files: list[Path]) -> list[Loaded]:
    """Each file, checked as `validate` checks it."""
    # Imported here: a library opens from its cache without parsing any YAML in this process.
    from briefing_reader.checks.validate import SourceCache, check_file

    cache = SourceCache()
    return [check_file(path, cache=cache) for path in files]


def fail(message: str, status: int = 2) -> int:
    # Messages name files and folders, and a name can hold escape sequences or a newline.
    print(f"{PROG}: error: {clean_name(message)}", file=sys.stderr)
    return status


def main(argv: list[str] | None = None) -> int:
    """The command; ``argv`` None means this process's own arguments and terminal.

    Only then is the terminal looked at before the reader starts (keys from /dev/tty when
    standard input is not one): a caller passing arguments (a test, a script) brings its
    own reader.
    """
    own = argv is None
    args = sys.argv[1:] if argv is None else argv

    def command() -> int:
        if args and args[0] in COMMANDS:
            return COMMANDS[args[0]](args[1:])
        return read(args, terminal=own)

    return run_command(command, PROG)


def read(argv: list[str], *, terminal: bool = False) -> int:
    """The interactive reader (``terminal``: check this process's terminal first)."""
    # Start-up makes many long-lived objects (modules, widgets, styles) and little garbage:
    # the collector's passes over them only delay the first paint. The app turns it back on
    # once the first screen is drawn (or on any early exit below).
    gc.disable()
    try:
        return _read(argv, terminal=terminal)
    finally:
        gc.enable()


def _read(argv: list[str], *, terminal: bool) -> int:
    args = build_parser().parse_args(argv)
    if args.print_completion or args.print_man:
        # Before any terminal check: these are run in scripts and install steps.
        from briefing_reader.manpage import manual
        from briefing_reader.shell import completion_script
        from briefing_reader.tui.themes import theme_names  # Textual's, without starting it

        tree = command_tree()
        themes = {"theme": theme_names()}
        shell: str | None = args.print_completion
        sys.stdout.write(
            completion_script(tree, shell, choices=themes) if shell else manual(tree, themes)
        )
        return 0
    typo = _command_typo(args.paths, argv)
    if typo is not None:
        return fail(typo)
    paths: list[Path] = args.paths or default_paths()
    dumb = os.environ.get("TERM") == "dumb"
    # Under `serve` the reader talks to a browser through its pipes, not to a terminal.
    if terminal and not dumb and not os.environ.get("TEXTUAL_DRIVER"):
        problem = terminal_problem()
        if problem:
            return fail(problem)
    if any(path.is_dir() for path in paths) and not dumb:
        # A folder opens as a library, even an empty one: files may arrive while it is open.
        present = [path for path in paths if _exists(path)]
        if not present:
            return fail(f"no such file or folder: {paths[0]}")
        # The library lists what is under its folders; a missing path is said once instead.
        missing = [f"no such file or folder: {path}" for path in paths if not _exists(path)]
        return _run(args, present, library=True, warnings=missing)
    try:
        entries = load_files(briefing_files(args.paths, or_default=True))
    except UsageError as problem:
        return fail(str(problem))

    if dumb:
        # No cursor addressing: print what `show` prints instead of a broken screen.
        from briefing_reader.output.text import OutputConsole, print_text

        print_text(entries, OutputConsole(sys.stdout), OutputConsole(sys.stderr))
        print(
            f"{PROG}: TERM=dumb: printed the briefings instead of opening the reader",
            file=sys.stderr,
        )
        return 0
    return _run(args, entries, library=False)


def _run(
    args: argparse.Namespace,
    what: list[Path] | list[Loaded],
    *,
    library: bool,
    warnings: list[str] | None = None,
) -> int:
    """Run the reader on loaded ``what``, or (``library``) on the library of those paths."""
    prefetch = None
    if library:
        from briefing_reader.library.prefetch import Prefetch

        # First, while this process has one thread: the index is read on the other core
        # while Textual starts on this one.
        prefetch = Prefetch.start(what, use_cache=not args.no_cache)  # type: ignore[arg-type]
    from briefing_reader.config import load_config, save_theme
    from briefing_reader.tui import make_app, make_library_app  # Textual from here on
    from briefing_reader.tui.keymap import checked_keymap

    config, config_warnings = load_config()
    warnings = [*(warnings or []), *config_warnings]
    # Key names, ids and clashes: only the app knows its keys and bindings.
    keys, key_warnings = checked_keymap(config.keys)
    config = dataclasses.replace(config, keys=keys)
    warnings += key_warnings
    for warning in warnings:
        print(f"{PROG}: {clean_name(warning)}", file=sys.stderr)

    if library:
        app = make_library_app(
            what,  # type: ignore[arg-type]
            theme=args.theme,
            config=config,
            save_theme=save_theme,
            use_cache=not args.no_cache,
            read_state=not args.no_state,
            prefetch=prefetch,
        )
    else:
        app = make_app(what, theme=args.theme, config=config, save_theme=save_theme)  # type: ignore[arg-type]
    app.startup_warnings.extend(warnings)  # stderr is hidden while the reader runs
    app.run()
    return app.return_code or 0


def validate_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=f"{PROG} validate",
        description=_prose(
            "Check briefings: YAML syntax, the format's structure, that source.file exists, "
            "and that every evidence excerpt and the CEO quote occur in the source article "
            "(forgiving whitespace and typographic quotes and dashes, nothing else)."
        ),
        epilog=(
            "Prints one line per problem, path:line:col: severity: message, then a summary.\n"
            + _prose(
                "exit status: 0 without errors (warnings alone pass unless --strict), 1 with "
                "errors, 2 for a usage error or a path that cannot be read."
            )
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="files or folders")
    parser.add_argument(
        "--format", choices=("text", "json"), default="text", help="output format (default text)"
    )
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
    return parser


def validate(argv: list[str]) -> int:
    args = validate_parser().parse_args(argv)
    try:
        files = existing_files(args.paths)  # a missing one is checked as unreadable
    except UsageError as usage:
        return fail(str(usage))
    from briefing_reader.checks.validate import SourceCache, check_file
    from briefing_reader.output.json_out import problem_as_json

    cache = SourceCache()
    # Only the problems are kept: a folder of 50,000 briefings held ~700 MB of them whole.
    results = [check_file(path, cache=cache)._replace(briefing=None, marks=None) for path in files]
    problems = sorted(
        (_strict(p) if args.strict else p for r in results for p in r.problems),
        key=lambda p: (p.path, p.line or 0, p.column or 0),
    )
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    if args.format == "json":
        print(json.dumps([problem_as_json(p) for p in problems], indent=2, ensure_ascii=False))
    else:
        notes = _Notes()
        for problem in problems:
            print(problem)
            notes.under(problem)
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


class _Notes:
    """The "did you mean" line under an excerpt not in its source, in colour on a terminal.

    Rich is loaded for the first note only: checking a clean folder never needs it.
    """

    def __init__(self) -> None:
        self._console: OutputConsole | None = None

    def under(self, problem: Problem) -> None:
        if problem.detail is None:
            return
        from briefing_reader.output.text import OutputConsole, mismatch_note

        if self._console is None:
            sys.stdout.flush()
            self._console = OutputConsole(sys.stdout)
        note = mismatch_note(problem, self._console)
        if note is not None:
            self._console.print(note, soft_wrap=True)


def _strict(problem: Problem) -> Problem:
    return problem._replace(severity="error") if problem.severity == "warning" else problem


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


MIN_WIDTH = 20


def _number(low: int, high: int | None = None) -> Callable[[str], int]:
    """An argparse type: a whole number from ``low`` (to ``high``), or a one-line error."""

    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
        if high is None and number < low:
            raise argparse.ArgumentTypeError(f"must be at least {low}")
        if high is not None and not low <= number <= high:
            raise argparse.ArgumentTypeError(f"must be from {low} to {high}")
        return number

    return parse


def show_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=f"{PROG} show",
        description=_prose(
            "Print briefings and exit. text (the default) is styled on a terminal and plain "
            "when piped; markdown is a document to paste into mail, a wiki or an issue; json "
            "is the loaded model with its problems, for scripts. Problems found by the same "
            "checks as validate go to stderr (in json, into each entry's problems)."
        ),
        epilog=(
            "examples:\n"
            "  briefing show briefings/acme.yaml\n"
            "  briefing show --format markdown briefings/acme.yaml > acme.md\n"
            "  briefing show --format json briefings/ | jq '.[].briefing.title'\n"
            "  briefing show --color always briefings/ | less -R\n\n"
            + _prose(
                "json is one object for a single file, an array for a folder or several paths.",
                "--color auto styles text on a terminal; there NO_COLOR turns colour off (bold "
                "and underline stay), and FORCE_COLOR styles it even into a pipe. --color always "
                "and --color never win over both. Under the C locale (LANG=C, LC_ALL=C) every "
                "format is ASCII, and text that the output encoding cannot hold is given ASCII "
                "stand-ins.",
                "exit status: 0 when every briefing was shown (even with problems), 1 when one "
                "could not be loaded at all (a missing one among others too), 2 for a usage "
                "error or when no path named exists.",
            )
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="files or folders")
    parser.add_argument(
        "--format",
        choices=("text", "markdown", "json"),
        default="text",
        help="output format (default text)",
    )
    parser.add_argument(
        "--width",
        type=_number(MIN_WIDTH),
        metavar="N",
        help="wrap text at N columns (default: COLUMNS, else the terminal's width; 80 when "
        "piped or redirected)",
    )
    parser.add_argument(
        "--color",
        choices=COLOR_CHOICES,
        default="auto",
        help="style text with colour, bold and links: auto (the default) on a terminal, "
        "always (for less -R), never (plain text, as piped)",
    )
    return parser


def show(argv: list[str]) -> int:
    """Print briefings without interaction: to a pipe, a file, mail or a wiki."""
    args = show_parser().parse_args(argv)
    try:
        entries = load_files(briefing_files(args.paths))
    except UsageError as problem:
        return fail(str(problem))
    status = 1 if any(entry.briefing is None for entry in entries) else 0
    # `briefing show ... | head` and a full disk: main's run_command handles both.
    _show(
        entries,
        args.format,
        args.width,
        single=len(args.paths) == 1 and len(entries) == 1 and not args.paths[0].is_dir(),
        color=args.color,
    )
    return status


def _show(
    entries: list[Loaded], output: str, width: int | None, *, single: bool, color: str
) -> None:
    from briefing_reader.output.charset import is_unicode, stream_encoding

    for stream in (sys.stdout, sys.stderr):
        if not is_unicode(getattr(stream, "encoding", None)) and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")  # a last resort: we fit our text already
    encoding = stream_encoding(sys.stdout)  # ASCII under LANG=C, whatever Python chose
    if output == "json":
        from briefing_reader.output.json_out import json_document

        print(json_document(entries, single=single, ensure_ascii=not is_unicode(encoding)))
        return

    # deferred: Rich costs start-up time that the other commands and formats skip
    from briefing_reader.output.text import OutputConsole, print_text, render_problems

    # The problems on stderr follow --color too; a Markdown document itself is never styled.
    err = OutputConsole(sys.stderr, color=color)
    if output == "markdown":
        from briefing_reader.output.markdown import markdown_document

        for entry in entries:
            render_problems(entry, err)
        sys.stdout.write(markdown_document(entries, encoding=encoding))
        return
    print_text(entries, OutputConsole(sys.stdout, width, color), err)


def schema_parser() -> argparse.ArgumentParser:
    return argparse.ArgumentParser(
        prog=f"{PROG} schema",
        description=(
            "Print the JSON Schema (draft 2020-12) of the briefing format, generated from the "
            "model the loader uses. Save it and point yaml-language-server at it for completion "
            "and checking in editors (see the README)."
        ),
    )


def schema(argv: list[str]) -> int:
    schema_parser().parse_args(argv)
    from briefing_reader.schema import schema_text

    print(schema_text(), end="")
    return 0


def new_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=f"{PROG} new",
        description=_prose(
            "Start a briefing from an article: copy the article under sources/ next to the new "
            "briefing, and pre-fill every section with candidates found in the text (figures, "
            "listed drivers, the quote and its speaker, questions), each marked '# draft' for "
            "you to check. Never overwrites a file."
        ),
        epilog="example:\n  briefing new --source article.txt --id acme-q4 -o briefings/acme.yaml",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--source", required=True, type=Path, metavar="ARTICLE", help="a UTF-8 text file"
    )
    parser.add_argument(
        "--id", dest="briefing_id", help="the briefing's id (default: from the headline)"
    )
    parser.add_argument("-o", "--output", type=Path, metavar="PATH", help="default: ./ID.yaml")
    parser.add_argument(
        "--schema",
        metavar="PATH",
        help="the JSON Schema its first line names for editors (a path or an address); "
        "default: briefing.schema.json beside the briefing, written there if missing",
    )
    return parser


def new(argv: list[str]) -> int:
    args = new_parser().parse_args(argv)
    from briefing_reader.authoring import write_draft

    try:
        written = write_draft(
            args.source, briefing_id=args.briefing_id, output=args.output, schema=args.schema
        )
    except FileNotFoundError:
        return fail(f"no such file: {args.source}")
    except (OSError, ValueError) as exc:
        return fail(str(exc), status=1)
    shown = clean_name(written)
    print(f"wrote {shown}; edit the '# draft' lines, then run: {PROG} validate {shown}")
    return 0


def serve_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=f"{PROG} serve",
        description=_prose(
            "Serve the reader to web browsers. Open the address it prints: the page runs the "
            "same keyboard-first reader as the terminal, a fresh one for every tab (each tab is "
            "a `briefing` process on this machine, reading the files as they are when it opens).",
            "It listens on 127.0.0.1, so only this machine can connect, or a browser elsewhere "
            "through a tunnel: ssh -L 8000:127.0.0.1:8000 THIS-HOST. --host 0.0.0.0 shares it "
            "with every machine that can reach this one. Either way the printed address holds "
            "a token, which every request needs (no other page can use the server); a served "
            "reader runs no programs (no editor). Ctrl+C stops it.",
        ),
        epilog=(
            "examples:\n"
            "  briefing serve                         ./briefings (else the bundled ones)\n"
            "  briefing serve briefings/ --port 8080  another folder and port\n"
            "  briefing serve --host 0.0.0.0          on every network interface: share it\n"
            "\n"
            "needs the 'serve' extra: pip install 'briefing-reader[serve]'\n"
            + _prose(
                "exit status: 0 after Ctrl+C, 1 when it cannot listen on the address, 2 for bad "
                "arguments, no briefings or a missing 'serve' extra."
            )
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_paths_argument(parser)
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine)"
    )
    parser.add_argument(
        "--port",
        type=_number(1, 65535),
        default=8000,
        metavar="N",
        help="port to listen on (default 8000)",
    )
    add_serve_protection_arguments(parser)
    return parser


def serve(argv: list[str]) -> int:
    """The reader in a web browser, one live session per tab."""
    args = serve_parser().parse_args(argv)
    paths: list[Path] = args.paths or default_paths()
    try:
        briefing_files(paths)  # report a bad path here, not in every browser session
    except UsageError as problem:
        return fail(str(problem))

    # deferred: textual-serve (and aiohttp) are an optional extra, imported only to serve
    from briefing_reader.serve import Protection, make_token
    from briefing_reader.serve import serve as serve_briefings

    token = None if args.no_token else args.token or os.environ.get(SERVE_TOKEN_ENV)
    protection = Protection(
        token=token if token or args.no_token else make_token(),
        allow_hosts=tuple(args.allow_host),
        max_sessions=args.max_sessions,
        idle_timeout=args.idle_timeout * 60.0,
    )
    return serve_briefings(paths, args.host, args.port, protection)


SERVE_TOKEN_ENV = "BRIEFING_SERVE_TOKEN"


def add_serve_protection_arguments(parser: argparse.ArgumentParser) -> None:
    """`serve`'s guards (briefing_reader.serve_guard): token, hosts, sessions, idle time."""
    token = parser.add_mutually_exclusive_group()
    token.add_argument(
        "--token",
        metavar="VALUE",
        help=f"the token the address needs (default: ${SERVE_TOKEN_ENV}, else a new random one)",
    )
    token.add_argument(
        "--no-token",
        action="store_true",
        help="no token: any web page in a browser that reaches the port can use it (unsafe)",
    )
    parser.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help="also answer to this host name (a proxy's, say); repeatable",
    )
    parser.add_argument(
        "--max-sessions",
        type=_number(1),
        default=8,
        metavar="N",
        help="at most N readers at once (default 8); the next tab is told the server is full",
    )
    parser.add_argument(
        "--idle-timeout",
        type=_minutes,
        default=30.0,
        metavar="MINUTES",
        help="close a session after this long with no key or click (default 30)",
    )


def _minutes(value: str) -> float:
    """An argparse type: a positive number of minutes (0.5 is half a minute)."""
    try:
        minutes = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not minutes > 0 or minutes == float("inf"):
        raise argparse.ArgumentTypeError("must be a positive number of minutes")
    return minutes


PARSERS: dict[str, Callable[[], argparse.ArgumentParser]] = {
    "validate": validate_parser,
    "show": show_parser,
    "schema": schema_parser,
    "new": new_parser,
    "serve": serve_parser,
}


def command_tree() -> argparse.ArgumentParser:
    """The reader's parser with each command's parser under it, as argparse subcommands.

    main() dispatches on the first word itself (a PATH may come first), so this tree is
    only read: by the shell completions and the manual page, which then never drift from
    what each command accepts.
    """
    root = build_parser()
    commands = root.add_subparsers(title="commands", dest="command", metavar="COMMAND")
    for name, _usage, summary in OTHER_COMMANDS:
        parser = PARSERS[name]()
        commands.add_parser(
            name,
            prog=parser.prog,  # not argparse's "briefing [PATH ...] show"
            parents=[parser],
            add_help=False,  # the parent's -h comes with its other options
            help=summary,
            description=parser.description,
            epilog=parser.epilog,
            formatter_class=parser.formatter_class,
        )
    return root


COMMANDS: dict[str, Callable[[list[str]], int]] = {
    "validate": validate,
    "show": show,
    "schema": schema,
    "new": new,
    "serve": serve,
}
