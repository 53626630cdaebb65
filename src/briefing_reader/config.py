"""The user's settings file and the XDG folders the reader keeps things in.

The file is ``$XDG_CONFIG_HOME/briefing-reader/config.toml``::

    theme = "textual-dark"

    [keys]
    "pane.down" = "down,j,ctrl+n"
    "screen.zoom" = "f"

``[keys]`` maps binding ids to comma-separated key lists for Textual's
``App.set_keymap``. This module knows nothing of Textual: whether a theme or a
binding id exists, and whether two bindings share a key, is for the app to check,
since only it knows them; :func:`key_warnings` locates what it finds.

A settings file is something people edit by hand, so reading it never fails:
whatever is wrong becomes a one-line warning located like a compiler message
(``path:line:col: warning: ...``) and the default takes its place, setting by
setting, so one typo does not throw away the rest. A file that could never be one (a FIFO,
a device, over a mebibyte) is not read; a file with thousands of mistakes gives the first
few warnings and a count of the rest, not thousands of lines.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from briefing_reader.files import read_limited, write_atomic
from briefing_reader.text import clean

if TYPE_CHECKING:
    import tomllib

APP_DIR = "briefing-reader"
CONFIG_NAME = "config.toml"
KNOWN_SETTINGS = ("theme", "keys")
# A settings file is written by hand: a mebibyte is thousands of times any real one.
MAX_BYTES = 1024 * 1024
# More warnings than this are counted, not shown: each is located by scanning the file.
MAX_WARNINGS = 10
# Binding ids are two or three names ("pane.down"): deeper tables are mistakes.
MAX_KEY_DEPTH = 8
# Theme names are short words; a longer one is no theme, and would fill the warning.
MAX_THEME_LENGTH = 100
# Textual's modifiers: a key with another ("ctlr+q") can never be pressed, so a binding to
# it would take away the default key for nothing.
_MODIFIERS = frozenset({"ctrl", "alt", "shift", "meta", "super", "hyper"})
# The app has some hundred binding ids; thousands are a generated file, not settings.
MAX_BINDINGS = 1000


@dataclass(frozen=True)
class Config:
    """The user's settings; ``None`` and empty mean "the app's default"."""

    theme: str | None = None
    keys: dict[str, str] = field(default_factory=dict)


# --- where things live ---------------------------------------------------------------------


def _base_dir(variable: str, default: tuple[str, ...], env: Mapping[str, str] | None) -> Path:
    environ = os.environ if env is None else env
    value = environ.get(variable, "")
    # The XDG spec: an unset or empty variable means the default, and "if an implementation
    # encounters a relative path in any of these variables it should consider the path
    # invalid and ignore it" (a relative path would move with the working directory).
    if value and os.path.isabs(value):
        return Path(value)
    home = environ.get("HOME") if env is not None else None
    return (Path(home) if home else Path.home()).joinpath(*default)


def config_path(env: Mapping[str, str] | None = None) -> Path:
    """``$XDG_CONFIG_HOME/briefing-reader/config.toml`` (``~/.config/...`` by default)."""
    return _base_dir("XDG_CONFIG_HOME", (".config",), env) / APP_DIR / CONFIG_NAME


def state_dir(env: Mapping[str, str] | None = None) -> Path:
    """``$XDG_STATE_HOME/briefing-reader`` (``~/.local/state/...``); not created here."""
    return _base_dir("XDG_STATE_HOME", (".local", "state"), env) / APP_DIR


def cache_dir(env: Mapping[str, str] | None = None) -> Path:
    """``$XDG_CACHE_HOME/briefing-reader`` (``~/.cache/...``); not created here."""
    return _base_dir("XDG_CACHE_HOME", (".cache",), env) / APP_DIR


# --- reading ---------------------------------------------------------------------------------

# tomllib (3.11 to 3.13) puts the position only into the message text.
_TOML_POSITION = re.compile(r"^(?P<message>.*) \(at line (?P<line>\d+), column (?P<col>\d+)\)$")
_TOML_AT_END = re.compile(r"^(?P<message>.*) \(at end of document\)$")

_TOML_TYPES: dict[type, str] = {
    bool: "a boolean",
    int: "an integer",
    float: "a float",
    str: "a string",
    list: "an array",
    dict: "a table",
}


def _type_name(value: object) -> str:
    # bool before int does not matter here: type() is exact, not isinstance().
    return _TOML_TYPES.get(type(value), "a date or time")


def _quote(name: str) -> str:
    return _toml_string(name) if _is_representable(name) else repr(name)


def _warning(path: Path, line: int | None, column: int | None, message: str) -> str:
    where = str(path)
    if line is not None:
        where += f":{line}" if column is None else f":{line}:{column}"
    # Names and messages can carry anything the file holds; the warning is shown in a
    # terminal and must stay one inert line.
    return clean(f"{where}: warning: {message}")


def _warn_at(path: Path, text: str, key_path: tuple[str, ...], message: str) -> str:
    # Locating is a scan of the whole file: only done for the rare setting that is wrong.
    line, column = _locate(text, key_path)
    return _warning(path, line, column, message)


class _Warnings:
    """A file's warnings as they are found: the first MAX_WARNINGS located, the rest counted."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.text = text
        self.lines: list[str] = []
        self.more = 0

    @property
    def full(self) -> bool:
        return len(self.lines) >= MAX_WARNINGS

    def add(self, key_path: tuple[str, ...], message: str) -> None:
        if len(self.lines) < MAX_WARNINGS:
            self.lines.append(_warn_at(self.path, self.text, key_path, message))
        else:
            self.more += 1

    def done(self) -> list[str]:
        if not self.more:
            return self.lines
        summary = f"{self.more} more warnings not shown; the settings they name are ignored"
        return [*self.lines, _warning(self.path, None, None, summary)]


def _end_position(text: str) -> tuple[int, int]:
    line = text.count("\n") + 1
    return line, len(text) - (text.rfind("\n") + 1) + 1


def _toml_error(error: tomllib.TOMLDecodeError, text: str) -> tuple[int | None, int | None, str]:
    # Python 3.14 adds lineno/colno attributes; older versions only have the message.
    lineno, colno = getattr(error, "lineno", None), getattr(error, "colno", None)
    raw = str(error)
    if match := _TOML_POSITION.match(raw):
        message = match["message"]
        lineno = lineno or int(match["line"])
        colno = colno or int(match["col"])
    elif match := _TOML_AT_END.match(raw):
        message = match["message"]
        lineno, colno = _end_position(text)
    else:
        message = getattr(error, "msg", raw)
    return lineno, colno, message


def _part_pattern(part: str) -> str:
    escaped = re.escape(part)
    return rf"(?:{escaped}|\"{escaped}\"|'{escaped}')"


def _dotted_pattern(parts: tuple[str, ...]) -> str:
    return r"\s*\.\s*".join(_part_pattern(part) for part in parts)


def _locate(text: str, path: tuple[str, ...]) -> tuple[int | None, int | None]:
    """Best-effort line and column of the key ``path`` (tomllib reports no positions).

    Handles the ways people write it: ``theme = ...``, ``[keys]`` then ``"pane.down" = ...``,
    dotted ``pane.down = ...`` or a ``[keys.pane]`` table. Not a TOML parser: a look-alike
    inside a multi-line string can fool it, which only costs a slightly wrong line number.
    """
    headers = [re.compile(rf"\s*\[\s*{_dotted_pattern(path[:i])}\s*\]") for i in range(len(path))]
    own_header = re.compile(rf"\s*\[\s*({_dotted_pattern(path)})\s*(?:\.|\])")
    keys = [re.compile(rf"\s*({_dotted_pattern(path[i:])})\s*[=.]") for i in range(len(path))]
    table: str | None = None  # the current [table] header line, None before the first
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.lstrip()
        if stripped.startswith("["):
            if match := own_header.match(line):
                return number, match.start(1) + 1
            table = line
            continue
        for i, key in enumerate(keys):
            in_table = table is None if i == 0 else table is not None and headers[i].match(table)
            if in_table and (match := key.match(line)):
                return number, match.start(1) + 1
    return None, None


def _flatten(
    table: dict[str, object], prefix: tuple[str, ...]
) -> Iterator[tuple[tuple[str, ...], object]]:
    # In TOML, `pane.down = "j"` under [keys] (or a [keys.pane] table) is the nested table
    # {"pane": {"down": "j"}}; the user meant the binding id "pane.down", so join it back.
    # Past MAX_KEY_DEPTH a table is yielded as the value (and warned about as no string):
    # thousands of dotted names must not exhaust the recursion or the locating.
    for name, value in table.items():
        if isinstance(value, dict) and len(prefix) < MAX_KEY_DEPTH:
            yield from _flatten(value, (*prefix, name))
        else:
            yield (*prefix, name), value


def _impossible(key: str) -> str | None:
    """Why no terminal can send ``key`` (in Textual's names), or None if it may be a key.

    Only what is certain without Textual: an unknown modifier. Whether a name such as
    "pageup" exists is the app's to say.
    """
    if len(key) == 1:
        return None  # "+" too
    for modifier in key.split("+")[:-1]:
        if modifier and modifier not in _MODIFIERS:
            known = ", ".join(sorted(_MODIFIERS))
            return f"{_quote(modifier)} is no modifier; the modifiers are {known}"
    return None


def _parse_keys(raw: dict[str, object], warnings: _Warnings) -> dict[str, str]:
    keys: dict[str, str] = {}
    for key_path, value in _flatten(raw, ("keys",)):
        binding = ".".join(key_path[1:])
        if not isinstance(value, str):
            warnings.add(
                key_path,
                f"key binding {_quote(binding)} must be a string of keys such as"
                f' "down,j", not {_type_name(value)}; ignored',
            )
            continue
        if not value.isprintable():
            warnings.add(
                key_path,
                f"key binding {_quote(binding)} holds a control or invisible character; ignored",
            )
            continue
        # Textual strips each key itself, but "j,,k" or " " would become empty key names.
        parts = [part.strip() for part in value.split(",") if part.strip()]
        possible = [part for part in parts if _impossible(part) is None]
        for part in parts:
            if (why := _impossible(part)) is not None:
                rest = "" if possible else "; using the default keys"
                warnings.add(
                    key_path,
                    f"key binding {_quote(binding)}: {_quote(part)} is no key ({why});"
                    f" ignored{rest}",
                )
        if parts and not possible:
            continue
        if len(keys) >= MAX_BINDINGS and binding not in keys:
            warnings.add(
                key_path, f"more than {MAX_BINDINGS} key bindings; {_quote(binding)} ignored"
            )
            continue
        normalised = ",".join(possible)
        if not normalised:
            # Textual treats an empty key list as "no override", not as "unbind": say so.
            warnings.add(key_path, f"key binding {_quote(binding)} is empty; ignored")
            continue
        if binding in keys:
            warnings.add(
                key_path,
                f"key binding {_quote(binding)} is set twice; the later one is used",
            )
        keys[binding] = normalised
    return keys


def _validate(raw: dict[str, object], text: str, path: Path) -> tuple[Config, list[str]]:
    warnings = _Warnings(path, text)
    theme: str | None = None
    keys: dict[str, str] = {}
    for name, value in raw.items():
        if name == "theme":
            if not isinstance(value, str):
                warnings.add(
                    (name,),
                    f'"theme" must be a string such as "textual-dark", not'
                    f" {_type_name(value)}; using the default theme",
                )
            elif not value.strip():
                warnings.add((name,), '"theme" is empty; using the default theme')
            elif not value.isprintable():
                # It would reach the screen in the app's "unknown theme" message.
                warnings.add(
                    (name,),
                    '"theme" holds a control or invisible character; using the default theme',
                )
            elif len(value) > MAX_THEME_LENGTH:
                warnings.add(
                    (name,),
                    f'"theme" is {len(value):,} characters long, no theme name;'
                    " using the default theme",
                )
            else:
                theme = value.strip()
        elif name == "keys":
            if isinstance(value, dict):
                keys = _parse_keys(value, warnings)
            else:
                warnings.add(
                    (name,),
                    '"keys" must be a [keys] table of binding ids to keys, such as'
                    f' "pane.down" = "down,j", not {_type_name(value)}; using the default keys',
                )
        elif warnings.full:
            warnings.add((name,), "")  # only counted: no need to word it
        else:
            known = ", ".join(KNOWN_SETTINGS)
            warnings.add(
                (name,),
                f"unknown setting {_quote(name)} ignored (known: {known})"
                + did_you_mean(name, KNOWN_SETTINGS),
            )
    return Config(theme=theme, keys=keys), warnings.done()


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """``'; did you mean "x"?'`` for the closest of ``choices`` to a misspelt ``word``, or ""."""
    import difflib  # only imported when something is misspelt

    close = difflib.get_close_matches(word, list(choices), n=1)
    return f"; did you mean {_quote(close[0])}?" if close else ""


def key_warnings(problems: Iterable[tuple[str, str]], path: Path | None = None) -> list[str]:
    """``path:line:col: warning: message`` for each ``(binding id, message)`` in ``problems``.

    For what only the app can find in ``[keys]`` (ids it has no binding for, keys that two
    actions share): located the way :func:`load_config` locates its own warnings, by reading
    the file again. Unlocated (``path: warning: ...``) if the file cannot be read.
    """
    if path is None:
        path = config_path()
    problems = list(problems)
    if not problems:
        return []
    try:
        data = read_limited(path, MAX_BYTES)
        text = data.removeprefix(b"\xef\xbb\xbf").decode("utf-8", "replace")
    except OSError:
        text = ""
    warnings = []
    if len(problems) > MAX_WARNINGS:
        summary = f"{len(problems) - MAX_WARNINGS} more warnings about [keys] not shown"
        problems = problems[:MAX_WARNINGS]
    else:
        summary = ""
    for binding, message in problems:
        # `pane.down = ...` (dotted: nested tables) or `"pane.down" = ...` (one quoted key).
        line, column = _locate(text, ("keys", *binding.split(".")))
        if line is None:
            line, column = _locate(text, ("keys", binding))
        warnings.append(_warning(path, line, column, message))
    if summary:
        warnings.append(_warning(path, None, None, summary))
    return warnings


def load_config(path: Path | None = None) -> tuple[Config, list[str]]:
    """Read the settings file; return the settings and one-line warnings. Never raises.

    A missing file is the normal case and gives no warning. A file that cannot be read
    or parsed gives one warning and the defaults; a bad setting gives a warning and the
    default for that setting only.
    """
    if path is None:
        path = config_path()
    try:
        data = read_limited(path, MAX_BYTES)
    except FileNotFoundError:
        return Config(), []
    except OSError as error:
        reason = error.strerror or str(error)
        return Config(), [_warning(path, None, None, f"cannot read: {reason}; using the defaults")]
    # TOML has no byte-order mark, but Windows editors write one; it carries no meaning.
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        # Typed for the TOML error below too, whose position may be unknown.
        line: int | None
        column: int | None
        line, column = _end_position(data[: error.start].decode("utf-8"))
        return Config(), [
            _warning(path, line, column, "not UTF-8 text (TOML must be); using the defaults")
        ]
    # Imported here: most readers have no config file, and start-up (and the index's child,
    # which needs only the cache's folder) pays for every module imported.
    import tomllib

    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line, column, message = _toml_error(error, text)
        return Config(), [
            _warning(path, line, column, f"invalid TOML: {message}; using the defaults")
        ]
    except RecursionError:
        # Thousands of nested arrays exhaust tomllib's recursion; still "never raises".
        return Config(), [_warning(path, None, None, "nested too deeply; using the defaults")]
    return _validate(raw, text, path)


# --- writing ---------------------------------------------------------------------------------

_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}


def _is_representable(value: str) -> bool:
    # Lone surrogates are not Unicode scalar values: neither UTF-8 nor TOML can hold them.
    return not any(0xD800 <= ord(char) <= 0xDFFF for char in value)


def _toml_string(value: str) -> str:
    """``value`` as a TOML basic string.

    Not json.dumps: with ensure_ascii it writes characters beyond U+FFFF as surrogate
    pairs ("\\ud83d\\ude00"), which TOML rejects, and without it DEL and C1 controls go out
    raw (DEL is invalid TOML). Anything not printable is escaped, so invisible and
    direction-changing characters stay visible to whoever opens the file.
    """
    out: list[str] = []
    for char in value:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif char.isprintable():
            out.append(char)
        else:
            code = ord(char)
            if 0xD800 <= code <= 0xDFFF:
                raise ValueError(f"cannot write the lone surrogate U+{code:04X} to TOML")
            out.append(f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}")
    return '"' + "".join(out) + '"'


_HEADER = (
    "# briefing-reader settings: theme and [keys] (the README lists the binding ids).\n"
    "# Picking a theme in the reader changes the theme line only; the rest stays as you wrote it.\n"
    "\n"
)


def with_theme(text: str, theme: str) -> str:
    """The settings file ``text`` with its ``theme`` set, everything else kept as written.

    Comments, blank lines, quoting and the order of keys survive (tomlkit edits the parsed
    document, which remembers them). An empty ``text`` gets a header saying so. Raises
    ValueError, and nothing should be written, if ``text`` is not valid TOML (overwriting
    it would lose what the user was in the middle of writing) or ``theme`` holds a lone
    surrogate, which TOML cannot.
    """
    value = _toml_string(theme)  # our escaping: nothing invisible is written raw
    if not text.strip():
        return f"{_HEADER}theme = {value}\n"
    # Imported here: start-up pays for every module it imports (tomlkit ~40 ms), and only a
    # save needs it.
    import tomllib

    import tomlkit
    from tomlkit.exceptions import TOMLKitError

    try:
        tomllib.loads(text)  # the reader's parser decides what is valid, not tomlkit's
        document = tomlkit.parse(text)
        document["theme"] = tomlkit.value(value)  # the string as we wrote it, escapes and all
        edited = document.as_string()
    except (tomllib.TOMLDecodeError, TOMLKitError) as error:
        raise ValueError(f"not valid TOML ({error})") from error
    except RecursionError as error:
        raise ValueError("nested too deeply") from error
    if tomllib.loads(edited).get("theme") != theme:  # a last check before anything is written
        raise ValueError("the theme could not be set in it")
    return edited


def save_theme(theme: str, path: Path | None = None) -> None:
    """Set ``theme`` in the settings file, editing it in place; raises OSError or ValueError.

    Only the ``theme`` line changes (or is added): comments and the rest of the file are kept.
    A missing file is created, with missing folders made mode 0700. The write is atomic: a
    crash or full disk leaves the old file or the new one, never half of each (see
    files.write_atomic). A symlinked settings file (dotfile managers) is written through,
    and an existing file keeps its permissions. A file that is not UTF-8 or not valid TOML
    is left alone (ValueError).
    """
    if path is None:
        path = config_path()
    try:
        data = read_limited(path, MAX_BYTES)  # a FIFO would hang the save, /dev/zero fill memory
    except FileNotFoundError:
        data = b""
    bom = b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b""
    try:
        edited = with_theme(data.removeprefix(bom).decode("utf-8"), theme)
    except UnicodeDecodeError as error:
        raise ValueError(f"{path}: not UTF-8 text") from error
    except ValueError as error:
        raise ValueError(f"{path}: {error}") from error
    # The byte-order mark goes back as it came.
    write_atomic(path, bom + edited.encode("utf-8"))
