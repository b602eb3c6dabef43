"""The one command-line parser: the global options and every subcommand with its arguments."""

from __future__ import annotations

import argparse

from .. import __version__
from ..domain.formats import DEFAULT_EXPORT_FORMAT, DEFAULT_GROUPING, DIFF_FORMATS, EXPORT_FORMATS, GROUPINGS
from ..domain.formats import LISTING_FORMATS as LISTING
from ..errors import UsageError
from ..i18n import t

ROUND_HELP = "round id or name (default: the current round)"


class Parser(argparse.ArgumentParser):
    """argparse that reports a usage error as one line and exit status 2; its help in the user's language."""

    def __init__(self, *args, **kwargs):
        from .helptext import Formatter

        kwargs.setdefault("formatter_class", Formatter)
        super().__init__(*args, **kwargs)

    def parse_args(self, args=None, namespace=None):
        from .helptext import argparse_in_user_language

        with argparse_in_user_language():  # argparse's own messages (unrecognized arguments…) in the user's language
            return super().parse_args(args, namespace)

    def parse_known_args(self, args=None, namespace=None):
        from .helptext import argparse_in_user_language

        with argparse_in_user_language():
            return super().parse_known_args(args, namespace)

    def error(self, message: str):  # argparse's name; raises instead of exiting
        raise UsageError("error.usage", detail=message)


def parse_command_line(argv: list[str]) -> argparse.Namespace:
    """``argv`` parsed by the one parser (``build_parser``).

    A command line of global options alone (it opens the TUI) is read by the global options without
    building every subcommand's parser first, a tenth of the time from start to the first screen;
    anything else, and anything they refuse, goes to the whole parser, so the result, the refusals and
    their words are the same.
    """
    if only_global_options(argv):
        p = Parser(prog="supervise-tui")
        _global_options(p)
        try:
            args = p.parse_args(argv)
        except UsageError:
            pass  # the whole parser says it, in its own words
        else:
            args.command = None
            return args
    return build_parser().parse_args(argv)


GLOBAL_VALUES = ("--db", "--user", "--lang", "--role", "--unit")  # each takes a value
GLOBAL_FLAGS = ("--headless", "--exit-after-first-screen")


def only_global_options(argv: list[str]) -> bool:
    """Whether ``argv`` is global options spelt out in full and their values, and nothing else."""
    n = 0
    while n < len(argv):
        arg = argv[n]
        if arg in GLOBAL_VALUES:
            n += 1  # its value, whatever it looks like (argparse judges it)
        elif arg not in GLOBAL_FLAGS and arg.split("=", 1)[0] not in GLOBAL_VALUES:
            return False
        n += 1
    return True


def build_parser() -> Parser:
    p = Parser(prog="supervise-tui", description="督查 乐政办发〔2023〕43号 “1+N”任务清单 — "
               "supervise the task list in a terminal. With no command, opens the TUI.")
    p.add_argument("--version", action="version", version=f"supervise-tui {__version__}")
    _global_options(p)
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    _tasklist(sub)
    _listing(sub)
    _rounds(sub)
    _edits(sub)
    _reports(sub)
    _store(sub)
    _exchange(sub)
    s = sub.add_parser("synth", help="fill a NEW database with synthetic items and rounds (benchmarks)")
    s.add_argument("--items", type=int, required=True, help="how many targets and measures")
    s.add_argument("--rounds", type=int, default=3, help="how many reporting rounds of state (default 3)")
    s.add_argument("--seed", type=int, default=1)
    sub.add_parser("selfcheck", help="check the install: the bundled task list in a scratch store, then a "
                   "query, an edit, a diff and an export there, one line per step (your data is not touched)")
    _share_globals(sub)
    from .helptext import localise

    p.description = t("cli.help.description")
    localise(p)  # every help text from the catalogue, in the user's language
    return p


def _global_options(p: Parser) -> None:
    """The options before any command (GLOBAL_VALUES and GLOBAL_FLAGS name them)."""
    p.add_argument("--db", help="database file (default: $SUPERVISE_TUI_DB or the user data directory)")
    p.add_argument("--user", help="your name for the audit log (default: settings, then the OS user)")
    p.add_argument("--lang", choices=("zh", "en"), help="interface language (default: settings, then zh)")
    p.add_argument("--role", choices=("inspector", "liaison"),
                   help="inspector (督查, default) may edit everything; liaison (联络员) only their unit "
                        "(a liaison store made from a round package is always its unit's liaison's)")
    p.add_argument("--unit", help="the liaison's unit (with --role liaison); the TUI opens on its items")
    # For benchmarks: start the TUI without a terminal and quit once the first screen is drawn.
    p.add_argument("--headless", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--exit-after-first-screen", action="store_true", help=argparse.SUPPRESS)


def _tasklist(sub) -> None:
    s = sub.add_parser("load", help="load a task list YAML into the store (default: the bundled one)")
    s.add_argument("file", nargs="?", help="task list file (default: the bundled data/tasklist.yaml)")
    s.add_argument("--retire", action="store_true",
                   help="retire the items no longer in the file (without it, such a load is refused and lists them)")
    s.add_argument("--format", choices=("table", "json"), default="table")
    s = sub.add_parser("validate", help="check a task list file and report every problem")
    s.add_argument("file")


def _listing(sub) -> None:
    s = sub.add_parser("list", help="list targets and measures with their state in the current round")
    s.add_argument("--pillar", help="pillar id (P1), numeral (一) or title")
    s.add_argument("--unit", dest="list_unit", metavar="UNIT", help="responsible unit (lead or co), alias ok")
    s.add_argument("--role-of-unit", choices=("lead", "co"), help="with --unit: only as lead or as co-unit")
    s.add_argument("--leader", help="leader (分管领导) name")
    s.add_argument("--liaison", help="liaison (联络员) name")
    s.add_argument("--kind", choices=("target", "measure"))
    s.add_argument("--search", help="words (all must match) in the id, text, note, a unit or a person (Chinese ok)")
    s.add_argument("--round", help=ROUND_HELP)
    s.add_argument("--format", choices=LISTING, default="table")

    s = sub.add_parser("show", help="one item in full: text, units, people, history, audit trail")
    s.add_argument("id")
    s.add_argument("--round", help=ROUND_HELP)
    s.add_argument("--format", choices=("table", "json"), default="table")

    for name, helptext in (("units", "responsible units: works and items as lead and as co-unit"),
                           ("people", "leaders and liaisons: their works and items")):
        s = sub.add_parser(name, help=helptext)
        s.add_argument("--round", help=ROUND_HELP)
        s.add_argument("--format", choices=LISTING, default="table")


def _rounds(sub) -> None:
    r = sub.add_parser("round", help="reporting rounds: new, list, use, close, reopen")
    rs = r.add_subparsers(dest="round_action", metavar="ACTION", required=True, parser_class=Parser)
    s = rs.add_parser("new", help="open a round that starts from every item's state in the previous one")
    s.add_argument("name")
    s.add_argument("--period", help="the period it covers: 2024, 2024-Q1 or 2024-03")
    s.add_argument("--due", help="reporting due date, YYYY-MM-DD")
    s.add_argument("--close-previous", action="store_true", help="close (freeze) the previous round too")
    s = rs.add_parser("list", help="every round with its counts")
    s.add_argument("--format", choices=LISTING, default="table")
    s = rs.add_parser("use", help="make a round the current one (inspector)")
    s.add_argument("round", help="round id or name")
    s = rs.add_parser("close", help="close (freeze) a round; default the current one")
    s.add_argument("round", nargs="?", help="round id or name")
    s = rs.add_parser("reopen", help="reopen a closed round (inspector, with a reason)")
    s.add_argument("round", help="round id or name")
    s.add_argument("--reason", required=True, help="why it is reopened (kept in the audit log)")


def _edits(sub) -> None:
    s = sub.add_parser("set", help="update one item in a round (status, progress, note, value reached, evidence)")
    s.add_argument("id", help="item id, e.g. W05-M10, or a headline goal, e.g. G01 (value and evidence only)")
    s.add_argument("--status", help="未启动/推进中/已完成/滞后/受阻, or the English word or code")
    s.add_argument("--progress", help="0-100 (a numeric target's progress follows its value reached)")
    s.add_argument("--note", help="the note, shown as typed")
    s.add_argument("--value", action="append", metavar="VALUE",
                   help="value reached of a numeric target: 18; N=VALUE for its Nth measure; \"\" clears")
    s.add_argument("--evidence", action="append", metavar="REF",
                   help="evidence: a document number or a file (FILE#sha256=HEX); repeat for several; "
                        "replaces the list; \"\" clears it")
    s.add_argument("--evidence-dir", metavar="DIR",
                   help="check file references in this folder: hashes computed and stored; a missing or "
                        "changed file refuses the edit")
    s.add_argument("--round", help=ROUND_HELP)

    s = sub.add_parser("light", help="override an item's light, with a reason (inspector)")
    s.add_argument("id")
    s.add_argument("color", help="green/yellow/red (绿/黄/红), or auto to follow the rules again")
    s.add_argument("--reason", default="", help="why (required unless auto)")
    s.add_argument("--round", help=ROUND_HELP)

    s = sub.add_parser("close-out", help="close out (销号) a verified item, or reopen it with --reopen (inspector)")
    s.add_argument("id")
    s.add_argument("--reason", default="", help="why: required to close out an item that is not done, "
                   "and to reopen a close-out (kept in the audit log)")
    s.add_argument("--reopen", action="store_true", help="reopen the item's close-out instead (needs --reason)")
    s.add_argument("--round", help=ROUND_HELP)

    s = sub.add_parser("chase", help="催办: items not reported in the round, or red, by lead unit")
    s.add_argument("--round", help=ROUND_HELP)
    s.add_argument("--format", choices=LISTING, default="table")


def _reports(sub) -> None:
    s = sub.add_parser("diff", help="compare two rounds item by item")
    s.add_argument("old", help="the earlier round (id or name)")
    s.add_argument("new", help="the later round (id or name)")
    s.add_argument("--pillar", help="pillar id (P1), numeral (一) or title")
    s.add_argument("--unit", dest="diff_unit", metavar="UNIT", help="responsible unit (lead or co), alias ok")
    s.add_argument("--leader", help="leader (分管领导) name")
    s.add_argument("--all", action="store_true", help="list unchanged items too")
    s.add_argument("--summary", action="store_true",
                   help="the counts only (improved, regressed, unchanged, new, retired), no rows")
    s.add_argument("--format", choices=DIFF_FORMATS, default="table")

    s = sub.add_parser("export", help="write the round bulletin (通报) into exports/")
    s.add_argument("--round", help=ROUND_HELP)
    s.add_argument("--format", choices=tuple(EXPORT_FORMATS), default=DEFAULT_EXPORT_FORMAT)
    s.add_argument("--by", choices=tuple(GROUPINGS), default=DEFAULT_GROUPING)
    s.add_argument("--out", metavar="DIR", help="folder to write into (default: ./exports)")


def _store(sub) -> None:
    sub.add_parser("check", help="check the store: SQLite's integrity check and the app's own rules, "
                   "one line per problem (exit 1 if any)")
    s = sub.add_parser("backup", help="copy the store to FILE safely, even while it is in use, and check the copy")
    s.add_argument("file", help="the new file (never overwritten)")
def _exchange(sub) -> None:
    x = sub.add_parser("exchange", help="the air-gapped exchange: keys, round packages out, return files back")
    xs = x.add_subparsers(dest="exchange_action", metavar="ACTION", required=True, parser_class=Parser)
    s = xs.add_parser("enrol", help="give a unit its secret key (inspector, once per unit)")
    s.add_argument("unit", help="unit name or alias")
    s.add_argument("--rotate", action="store_true",
                   help="replace the unit's key; files signed with the old one are refused from then on")
    s = xs.add_parser("issue", help="write the round package (下发包) of a unit, or of every enrolled unit")
    s.add_argument("unit", nargs="?", help="unit name or alias")
    s.add_argument("--all", action="store_true", help="one package per enrolled unit")
    s.add_argument("--round", help=ROUND_HELP)
    s.add_argument("--out", metavar="DIR", required=True, help="folder to write into (a USB stick, say)")
    s = xs.add_parser("open", help="make or update this liaison store from a round package (liaison)")
    s.add_argument("file", help="the package file")
    s = xs.add_parser("return", help="write this liaison store's return file (报送包) for the current round")
    s.add_argument("--out", metavar="DIR", required=True, help="folder to write into (a USB stick, say)")
    s = xs.add_parser("import", help="import return files (inspector): each checked whole, then received")
    s.add_argument("paths", nargs="+", metavar="FILE|DIR", help="return files, or folders of them (*.json)")
    s.add_argument("--accept", choices=("non-conflicting", "none"), default="non-conflicting",
                   help="apply every change not in conflict at once (default), or none: leave all for review")
    s = xs.add_parser("status", help="per unit: enrolled, package issued, returns received, conflicts open")
    s.add_argument("--round", help=ROUND_HELP)
    s.add_argument("--format", choices=LISTING, default="table")


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
