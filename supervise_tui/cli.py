"""The command line: every job a script could want, and the TUI when no command is given."""

from __future__ import annotations

import argparse
import sys

from . import __version__
from .i18n import set_language


class UsageError(Exception):
    """The command was typed wrong (exit status 2)."""


class Parser(argparse.ArgumentParser):
    """argparse that reports a usage error as one line and exit status 2."""

    def error(self, message: str):  # noqa: D401 - argparse's name
        raise UsageError(message)


def build_parser() -> Parser:
    p = Parser(prog="supervise-tui", description="督查 乐政办发〔2023〕43号 “1+N”任务清单 — "
               "supervise the task list in a terminal. With no command, opens the TUI.")
    p.add_argument("--version", action="version", version=f"supervise-tui {__version__}")
    p.add_argument("--db", help="database file (default: $SUPERVISE_TUI_DB or the user data directory)")
    p.add_argument("--user", help="your name for the audit log (default: settings, then the OS user)")
    p.add_argument("--lang", choices=("zh", "en"), help="interface language (default zh)")
    p.add_argument("--role", choices=("inspector", "liaison"), default="inspector",
                   help="inspector (督查, default) may edit everything; liaison (联络员) only their unit")
    p.add_argument("--unit", help="the liaison's unit (with --role liaison); the TUI opens on its items")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)

    s = sub.add_parser("load", help="load a task list YAML into the store (default: the bundled one)")
    s.add_argument("file", nargs="?", help="task list file (default: the bundled data/tasklist.yaml)")
    s.add_argument("--format", choices=("table", "json"), default="table")

    s = sub.add_parser("validate", help="check a task list file and report every problem")
    s.add_argument("file")

    s = sub.add_parser("list", help="list targets and measures with their state in the current round")
    s.add_argument("--pillar", help="pillar id (P1), numeral (一) or title")
    s.add_argument("--unit", dest="list_unit", metavar="UNIT", help="responsible unit (lead or co), alias ok")
    s.add_argument("--role-of-unit", choices=("lead", "co"), help="with --unit: only as lead or as co-unit")
    s.add_argument("--leader", help="leader (分管领导) name")
    s.add_argument("--liaison", help="liaison (联络员) name")
    s.add_argument("--kind", choices=("target", "measure"))
    s.add_argument("--search", help="substring of the id or text (Chinese ok)")
    s.add_argument("--round", help="round id or name (default: the current round)")
    s.add_argument("--format", choices=("table", "json", "csv"), default="table")

    s = sub.add_parser("show", help="one item in full: text, units, people, history, audit trail")
    s.add_argument("id")
    s.add_argument("--round", help="round id or name (default: the current round)")
    s.add_argument("--format", choices=("table", "json"), default="table")

    for name, helptext in (("units", "responsible units: works and items as lead and as co-unit"),
                           ("people", "leaders and liaisons: their works and items")):
        s = sub.add_parser(name, help=helptext)
        s.add_argument("--round", help="round id or name (default: the current round)")
        s.add_argument("--format", choices=("table", "json", "csv"), default="table")

    from . import commands_rounds, commands_synth

    commands_rounds.add_parsers(sub)
    commands_synth.add_parsers(sub)
    # For benchmarks: start the TUI without a terminal and quit once the first screen is drawn.
    p.add_argument("--headless", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--exit-after-first-screen", action="store_true", help=argparse.SUPPRESS)
    _share_globals(sub)
    return p


def _share_globals(sub) -> None:
    """Accept --db, --user and --lang after the subcommand too (`list --lang en`)."""
    for parser in sub.choices.values():
        known = {opt for action in parser._actions for opt in action.option_strings}
        for flag, extra in (("--db", {}), ("--user", {}), ("--lang", {"choices": ("zh", "en")})):
            if flag not in known:
                parser.add_argument(flag, default=argparse.SUPPRESS, help=argparse.SUPPRESS, **extra)
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                _share_globals(action)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except UsageError as exc:
        print(f"supervise-tui: error: {exc}", file=sys.stderr)
        return 2
    set_language(args.lang)
    if args.command is None:
        from .app_main import run_tui

        return run_tui(args)
    from .commands import run_command

    return run_command(args)


if __name__ == "__main__":
    sys.exit(main())
