"""Running a subcommand: its handler, and every error mapped to one line on stderr and an exit status."""

from __future__ import annotations

import importlib
import io
import os
import sqlite3
import sys
from argparse import Namespace
from collections.abc import Callable, Sequence
from typing import TextIO

from ..errors import EvidenceProblems, FileProblems, SuperviseError, describe, store_error
from ..i18n import t
from ..textsafe import one_line

EXIT_OK, EXIT_DATA, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130

# subcommand → "module:function" under supervise_tui.cli; a module is imported only when its command runs.
HANDLERS = {
    "load": "tasklist:cmd_load",
    "validate": "tasklist:cmd_validate",
    "list": "items:cmd_list",
    "show": "items:cmd_show",
    "units": "items:cmd_units",
    "people": "items:cmd_people",
    "round": "rounds:cmd_round",
    "set": "rounds:cmd_set",
    "light": "rounds:cmd_light",
    "close-out": "rounds:cmd_close_out",
    "chase": "rounds:cmd_chase",
    "diff": "reports:cmd_diff",
    "export": "reports:cmd_export",
    "synth": "tasklist:cmd_synth",
    "check": "store:cmd_check",
    "backup": "store:cmd_backup",
    "exchange": "exchange:cmd_exchange",
    "selfcheck": "selfcheck:cmd_selfcheck",
}


def handler(command: str) -> Callable[[Namespace], int | None]:
    module, function = HANDLERS[command].split(":")
    return getattr(importlib.import_module(f"{__package__}.{module}"), function)


def say(message: object) -> None:
    """One line on stderr: messages quote names and paths from files and people, kept to one visible line."""
    print(one_line(str(message)), file=sys.stderr)


def utf8_when_redirected(streams: Sequence[TextIO] | None = None, platform: str = sys.platform) -> None:
    """On Windows, output to a file or a pipe is in the ANSI code page, which cannot hold every name a
    person types (nor the ✓ of the diff): write UTF-8 there, as every file the app writes is."""
    if platform != "win32":
        return
    for stream in streams if streams is not None else (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and not stream.isatty() \
                and stream.encoding.lower().replace("-", "") != "utf8":
            stream.reconfigure(encoding="utf-8")


def run_command(args: Namespace) -> int:
    """Run the subcommand; a refusal or problem is said in the user's language, never as a traceback."""
    utf8_when_redirected()
    try:
        code = handler(args.command)(args)  # a handler that went on after a refusal says so by its status
    except BrokenPipeError:
        # The reader (head, less) went away: not an error, and nothing more to say.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except sqlite3.Error as exc:  # a read the store refused: said with the store's path and what to do
        return report(on_store(exc, args))
    except (SuperviseError, KeyboardInterrupt, OSError) as exc:
        return report(exc)
    return code or EXIT_OK


def on_store(exc: sqlite3.Error, args: Namespace) -> SuperviseError:
    """An sqlite3 error from the store ``args`` names, as the StoreError a person can act on."""
    from ..locations import db_path

    return store_error(exc, db_path(getattr(args, "db", None)))


def report(exc: SuperviseError | KeyboardInterrupt | OSError | sqlite3.Error) -> int:
    """Say what went wrong, one line each on stderr; the exit status it maps to."""
    if isinstance(exc, KeyboardInterrupt):
        say(f"supervise-tui: {t('error.interrupted')}")
        return EXIT_INTERRUPTED
    if isinstance(exc, (FileProblems, EvidenceProblems)):  # one a line, each naming its file first
        for problem in exc.problems:
            say(problem)
    else:
        say(f"supervise-tui: {describe(exc)}")
    return exc.exit_code if isinstance(exc, SuperviseError) else EXIT_DATA
