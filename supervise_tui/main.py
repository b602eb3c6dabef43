"""The `supervise-tui` command: a subcommand runs on the command line, no subcommand opens the TUI.

This is the one module above both faces: the CLI (supervise_tui.cli) never imports the
TUI (supervise_tui.ui), and the TUI never imports the CLI.
"""

from __future__ import annotations

import os
import sys
from typing import NoReturn


def choose_language(flag: str | None) -> str:
    """--lang, else $SUPERVISE_TUI_LANG, else the settings file's lang, else Chinese."""
    import os

    from .errors import SettingsError
    from .i18n import set_language

    if flag or os.environ.get("SUPERVISE_TUI_LANG"):
        return set_language(flag)
    from .domain.settings import load_settings

    try:
        return set_language(load_settings().lang)
    except SettingsError:  # a broken file is reported by whatever reads it for real
        return set_language(None)


def lang_flag(argv: list[str]) -> str | None:
    """The --lang given on the command line (``--lang en`` or ``--lang=en``), before it is parsed."""
    for n, arg in enumerate(argv):
        value = argv[n + 1] if arg == "--lang" and n + 1 < len(argv) else arg.removeprefix("--lang=")
        if (arg == "--lang" or arg.startswith("--lang=")) and value in ("zh", "en"):
            return value
    return None


def main(argv: list[str] | None = None) -> int:
    """Run the command; Ctrl+C at any moment (even while the app is still starting) is one line, exit 130."""
    try:
        return _main(argv)
    except KeyboardInterrupt:
        return interrupted()


def run() -> NoReturn:
    """The process's entry point (the supervise-tui command, ``python -m supervise_tui``, the executable):
    ``main``'s code is the exit status.

    An interrupted command leaves at once with 130. Once the interrupt has been handled and said, the
    interpreter's own shutdown could still end the process by the signal (status -2, not 130): seen in
    about a third of the runs interrupted while waiting for another program's write lock. Every write
    is one transaction, so there is nothing left to finish; the output is flushed first.
    """
    from . import startup

    startup.pause()  # until the first screen is drawn or the arguments are parsed (startup.py says why)
    from .cli.run import EXIT_INTERRUPTED

    code = main()
    if code == EXIT_INTERRUPTED:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):  # a closed pipe: nothing more can be said
                pass
        os._exit(code)
    sys.exit(code)


def interrupted() -> int:
    """Say the command was interrupted (the store is as it was: every write is one transaction); 130."""
    import signal
    import threading

    from .cli.run import EXIT_INTERRUPTED, report

    main_thread = threading.current_thread() is threading.main_thread()
    # A second Ctrl+C while saying so changes nothing; the handler is put back for a caller in-process.
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if main_thread else None
    try:
        report(KeyboardInterrupt())
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
    return EXIT_INTERRUPTED


def _main(argv: list[str] | None = None) -> int:
    import sqlite3

    from .cli.parser import parse_command_line
    from .cli.run import EXIT_USAGE, report, say
    from .errors import SuperviseError, UsageError

    argv = sys.argv[1:] if argv is None else argv
    choose_language(lang_flag(argv))  # --help and usage errors read in the user's language too
    try:
        args = parse_command_line(argv)
    except UsageError as exc:
        say(f"supervise-tui: {exc}")
        return EXIT_USAGE
    choose_language(args.lang)
    if args.command is None:  # the TUI resumes the cycle collector once its first screen is drawn
        from .ui.launch import run_tui

        try:
            return run_tui(args)
        except sqlite3.Error as exc:  # the store could not be read at start (a damaged page, say)
            from .cli.run import on_store

            return report(on_store(exc, args))
        except (SuperviseError, OSError, KeyboardInterrupt) as exc:  # the store could not be opened
            return report(exc)
    from . import startup
    from .cli.run import run_command

    startup.resume()
    return run_command(args)


if __name__ == "__main__":
    run()
