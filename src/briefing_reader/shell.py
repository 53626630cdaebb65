"""Tab completion for bash, zsh and fish, written from the parsers `briefing` runs.

The one source is :func:`briefing_reader.cli.command_tree`: every command, option and
choice the completions offer is one argparse knows, so a new option completes without
anything written here. bash and zsh scripts come from shtab; shtab has no fish, so the
fish script is written here from the same tree. Arguments that take a path (``type=Path``)
complete file names, folders for a FOLDER or DIR metavar.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

SHELLS = ("bash", "zsh", "fish")

_FOLDER_METAVARS = ("FOLDER", "DIR")


def completion_script(
    tree: argparse.ArgumentParser, shell: str, *, choices: Mapping[str, Sequence[str]] | None = None
) -> str:
    """The completion script of ``tree`` for ``shell`` (one of :data:`SHELLS`).

    ``choices`` adds what the parser cannot know without loading more than it should, by
    an option's dest: the theme names live in Textual, which `briefing --help` never loads.
    """
    for parser in _parsers(tree):
        for action in parser._actions:
            if action.dest in (choices or {}):
                action.choices = list((choices or {})[action.dest])
    if shell == "fish":
        return fish_script(tree)
    import shtab  # only here: the other commands never pay for it

    for parser in _parsers(tree):
        for action in parser._actions:
            if action.type is Path:
                # shtab's documented way to mark an argument: a `complete` attribute.
                kind = shtab.DIRECTORY if action.metavar in _FOLDER_METAVARS else shtab.FILE
                setattr(action, "complete", kind)  # noqa: B010 (Action declares no such field)
    preamble = ""
    if shell == "bash":
        preamble = _bash_first_word(tree)
    elif shell == "zsh":
        preamble = _zsh_first_word(tree)
        for action in tree._actions:
            if not action.option_strings and not isinstance(action, argparse._SubParsersAction):
                action.help = argparse.SUPPRESS  # the PATHs: the dispatcher below offers them
        for command in _commands(tree).values():
            command.description = None  # zsh lists the one-line summary (help=) instead
    script: str = shtab.complete(tree, shell, preamble=preamble)
    return script if script.endswith("\n") else script + "\n"


def _bash_first_word(tree: argparse.ArgumentParser) -> str:
    """bash: the first word may be a command or a PATH to read.

    shtab completes one positional at a time, and the reader's PATH ... comes first and
    never ends, so alone it would offer file names but no command. Its first positional
    is given the commands as choices too (shtab's script offers a positional's choices
    beside its file names).
    """
    prefix = _function(tree)
    names = " ".join(f"'{name}'" for name in _commands(tree))
    return f"{prefix}_pos_0_choices=({names})"


def _function(tree: argparse.ArgumentParser) -> str:
    """The name shtab gives the completion function, and the prefix of its variables."""
    return "_shtab_" + _word(tree.prog)


def _word(name: str) -> str:
    return re.sub(r"\W", "_", name)  # as shtab's wordify()


def _zsh_first_word(tree: argparse.ArgumentParser) -> str:
    """zsh: the first word may be a command or a PATH to read, and PATHs may follow.

    shtab's zsh dispatcher offers only the commands there, and nothing after a first word
    that is not one, so the root function is defined again (the preamble comes after
    shtab's) with files beside the commands and a case for the PATHs.
    """
    root = _function(tree)
    cases = "\n".join(
        f"        {name}) _arguments -C -s ${root}_{_word(name)}_options ;;"
        for name in _commands(tree)
    )
    return f"""\
{root}_first_word() {{
  {root}_commands
  _files
}}

{root}() {{
  local context state line curcontext="$curcontext"
  _arguments -C -s ${root}_options ': :{root}_first_word' '*::: :->{tree.prog}'
  case $state in
    {tree.prog})
      words=($line[1] "${{words[@]}}")
      (( CURRENT += 1 ))
      curcontext="${{curcontext%:*:*}}:{root}-$line[1]:"
      case $line[1] in
{cases}
        *) _files ;;
      esac
  esac
}}"""


def _subparsers(
    parser: argparse.ArgumentParser,
) -> Iterator[argparse._SubParsersAction[argparse.ArgumentParser]]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            yield action


def _commands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """The commands under ``parser``, by name (none for a parser without commands)."""
    return {
        name: command for action in _subparsers(parser) for name, command in action.choices.items()
    }


def command_help(parser: argparse.ArgumentParser) -> dict[str, str]:
    """Each command's one-line summary (its ``help=``), by name."""
    return {
        choice.dest: choice.help or ""
        for action in _subparsers(parser)
        for choice in action._get_subactions()
    }


def _parsers(tree: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    return [tree, *_commands(tree).values()]


def fish_script(tree: argparse.ArgumentParser) -> str:
    """``complete`` lines for fish, one per option, command and choice of ``tree``."""
    prog = tree.prog
    commands = _commands(tree)
    names = " ".join(commands)
    lines = [
        f"# fish completion for {prog}, generated by `{prog} --print-completion fish`.",
        f"# Save it as ~/.config/fish/completions/{prog}.fish",
        f"complete -c {prog} -e",
    ]
    at_top = f"not __fish_seen_subcommand_from {names}"
    lines += _fish_lines(prog, tree, at_top)
    for name, summary in command_help(tree).items():
        # No -f: at the top the first word may be a PATH to read as well as a command.
        lines.append(f"complete -c {prog} -n {_q(at_top)} -a {name} -d {_q(summary)}")
    for name, parser in commands.items():
        lines += _fish_lines(prog, parser, f"__fish_seen_subcommand_from {name}")
    return "\n".join(lines) + "\n"


def _fish_lines(prog: str, parser: argparse.ArgumentParser, condition: str) -> list[str]:
    head = f"complete -c {prog} -n {_q(condition)}"
    lines = []
    takes_paths = False
    for action in parser._actions:
        if action.help == argparse.SUPPRESS or isinstance(action, argparse._SubParsersAction):
            continue
        if not action.option_strings:
            takes_paths = takes_paths or action.type is Path
            continue
        spec = " ".join(
            f"-l {option[2:]}" if option.startswith("--") else f"-s {option[1:]}"
            for option in action.option_strings
        )
        if action.nargs == 0:
            what = ""
        elif action.choices:
            what = " -x -a " + _q(" ".join(map(str, action.choices)))
        elif action.type is Path:
            what = " -r -F"  # a file name
        else:
            what = " -x"  # a value to type (a number, a name): no file names
        lines.append(f"{head} {spec}{what} -d {_q(_first_line(action.help or ''))}")
    if not takes_paths and not _commands(parser):
        lines.append(f"{head} -f")  # nothing but options: no file names
    return lines


def _first_line(text: str) -> str:
    return " ".join(text.split())


def _q(text: str) -> str:
    """``text`` as one single-quoted fish word."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"
