"""Below the TUI, every module imports without Textual, in a fresh interpreter.

pyproject.toml's import-linter contracts check *which* modules import what, but they count
an import inside a function like one at the top of a file. What these tests check is
*when*: importing a module (or running `briefing --help`) must not load Textual, nor what
is deliberately imported only on first use (Rich outside output/text.py, watchfiles until a
watch starts, tomlkit until a theme is saved, textual-serve until `briefing serve`).
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import pytest

import briefing_reader

# Loaded only on first use, by every module below the TUI: each costs start-up time (tomlkit
# ~40 ms, Textual far more), and textual-serve is an optional extra.
LAZY = ("textual", "textual_serve", "watchfiles", "tomlkit")
# Rich draws the text output; the rest (JSON, Markdown, checks, the library) never needs it.
RICH_ALLOWED = frozenset({"briefing_reader.output.text"})
# __main__ runs the CLI when imported; the --help case below runs it instead.
NOT_IMPORTED = frozenset({"briefing_reader.__main__"})


def _modules() -> list[str]:
    """Every module of the package outside the TUI, including ones added later."""
    walked = pkgutil.walk_packages(briefing_reader.__path__, "briefing_reader.")
    names = [module.name for module in walked]
    return sorted(
        {"briefing_reader", *names}
        - NOT_IMPORTED
        - {name for name in names if name.split(".")[1] == "tui"}
    )


MODULES = _modules()


def _layer(module: str) -> str:
    return module.split(".")[1] if "." in module else module


LAYERS = sorted({_layer(module) for module in MODULES})


def _forbidden(module: str) -> tuple[str, ...]:
    return LAZY if module in RICH_ALLOWED else (*LAZY, "rich")


def _check(forbidden: tuple[str, ...], after: str) -> str:
    """Code that fails the interpreter if a ``forbidden`` package is loaded by now."""
    return (
        f"loaded = sorted({{m.split('.')[0] for m in sys.modules}} & {set(forbidden)!r})\n"
        f"assert not loaded, f'{after} loaded {{loaded}}'\n"
    )


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", f"import importlib, sys\n{code}"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("layer", LAYERS)
def test_importing_loads_no_textual_nor_what_waits_for_first_use(layer: str) -> None:
    # One interpreter per layer, not per module: the modules are imported one by one and
    # checked after each, so the first to load a forbidden package is the one named. Those
    # allowed Rich come last, or they would fail the modules after them.
    modules = sorted(
        (module for module in MODULES if _layer(module) == layer),
        key=lambda module: (module in RICH_ALLOWED, module),
    )
    result = _run(
        "".join(
            f"importlib.import_module({module!r})\n"
            + _check(_forbidden(module), f"importing {module}")
            for module in modules
        )
    )
    assert result.returncode == 0, result.stderr


def test_every_layer_below_the_tui_is_checked() -> None:
    assert {
        "model",
        "loading",
        "checks",
        "library",
        "output",
        "authoring",
        "schema",
        "config",
        "cli",
        "serve",
    } <= set(LAYERS)
    assert "tui" not in LAYERS
    assert {"briefing_reader.library.watch", "briefing_reader.library.search"} <= set(MODULES)


def test_help_answers_without_the_parser_the_console_or_the_tui() -> None:
    # `python -m briefing_reader --help`, as `briefing --help` runs it: the CLI imports the
    # TUI, Rich and PyYAML inside the commands that need them, so help starts at once.
    result = _run(
        "import runpy\n"
        "sys.argv = ['briefing', '--help']\n"
        "try:\n"
        "    runpy.run_module('briefing_reader', run_name='__main__')\n"
        "except SystemExit as exit:\n"
        "    assert exit.code in (0, None), exit.code\n"
        + _check(("textual", "rich", "yaml"), "briefing --help")
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: briefing")
