"""The command line's --help in the user's language: every help text from the catalogue.

The parser (parser.py) is written with English help texts, which is what a developer reads there;
what a person reads is looked up here, by the option's place in the command tree:
``cli.help.<command>[.<action>].<dest>`` (``cli.help.round.new.period``), else the text shared by
every option of that name (``cli.help.any.round``). A subcommand's own line is ``cli.help.<path>``
(a ``-`` in a command's name is ``_`` in its key: ``cli.help.close_out``).
argparse's own words (usage, the section titles, -h) come from the catalogue too.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager

from ..i18n import CATALOGUE, t

# argparse's own messages (its gettext message ids) → the catalogue's words for them.
ARGPARSE_WORDS = {
    "usage: ": "cli.help.usage",
    "options": "cli.help.options",
    "positional arguments": "cli.help.positionals",
    "show this help message and exit": "cli.help.help",
    "argument %(argument_name)s: %(message)s": "cli.argparse.argument",
    "ambiguous option: %(option)s could match %(matches)s": "cli.argparse.ambiguous",
    "expected at least one argument": "cli.argparse.at_least_one",
    "expected at most one argument": "cli.argparse.at_most_one",
    "expected one argument": "cli.argparse.one",
    "ignored explicit argument %r": "cli.argparse.ignored",
    "invalid %(type)s value: %(value)r": "cli.argparse.invalid_value",
    "invalid choice: %(value)r (choose from %(choices)s)": "cli.argparse.invalid_choice",
    "not allowed with argument %s": "cli.argparse.not_allowed",
    "one of the arguments %s is required": "cli.argparse.one_of",
    "the following arguments are required: %s": "cli.argparse.required",
    "unrecognized arguments: %s": "cli.argparse.unrecognized",
}


def help_key(path: list[str], dest: str) -> str | None:
    """The catalogue key of the help of option ``dest`` of the command at ``path``, or None if there is none."""
    for key in (f"cli.help.{_dotted([*path, dest])}", f"cli.help.any.{dest}"):
        if key in CATALOGUE:
            return key
    return None


def localise(parser: argparse.ArgumentParser, path: list[str] | None = None) -> list[str]:
    """Put the catalogue's help texts into ``parser`` and its subcommands; returns the places that have none."""
    path = path or []
    missing: list[str] = []
    parser._positionals.title = t("cli.help.positionals")
    parser._optionals.title = t("cli.help.options")
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            lines = {line.dest: line for line in action._choices_actions}
            for name, sub in action.choices.items():
                if name in lines:
                    key = f"cli.help.{_dotted([*path, name])}"
                    if key in CATALOGUE:
                        lines[name].help = t(key)
                    else:
                        missing.append(key)
                missing += localise(sub, [*path, name])
        elif isinstance(action, argparse._HelpAction):
            action.help = t("cli.help.help")
        elif isinstance(action, argparse._VersionAction):
            action.help = t("cli.help.version")
        elif action.help and action.help != argparse.SUPPRESS:
            found = help_key(path, action.dest)
            if found is None:
                missing.append(f"cli.help.{_dotted([*path, action.dest])}")
            else:
                action.help = t(found)
    return missing


def argparse_words(message: str) -> str:
    """One of argparse's own messages in the user's language (any other text as it is)."""
    key = ARGPARSE_WORDS.get(message)
    return t(key) if key else message


@contextmanager
def argparse_in_user_language() -> Iterator[None]:
    """While parsing, argparse's messages (a usage error, a missing argument) read in the user's language."""
    previous = argparse._  # type: ignore[attr-defined]  # argparse looks its gettext up at each message
    argparse._ = argparse_words  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._ = previous  # type: ignore[attr-defined]


def _dotted(path: list[str]) -> str:
    return ".".join(name.replace("-", "_") for name in path)


class Formatter(argparse.HelpFormatter):
    """argparse's help layout, its "usage:" in the user's language."""

    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, prefix=t("cli.help.usage") if prefix is None else prefix)
