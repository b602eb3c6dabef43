"""What each subcommand does; errors become one line on stderr and exit status 1."""

from __future__ import annotations

import sqlite3
import sys
from argparse import Namespace

from .i18n import t

EXIT_DATA = 1


class DataError(Exception):
    """A problem with the user's data or store, reported as one line."""


def run_command(args: Namespace) -> int:
    from .domain.db import StoreError
    from .domain.edits import EditRefused
    from .domain.queries import NotFound
    from .textsafe import one_line

    def say(message: object) -> None:
        # Messages quote names and paths from files and people: keep each to one visible line.
        print(one_line(str(message)), file=sys.stderr)

    handler = handlers()[args.command]
    try:
        handler(args)
    except (StoreError, NotFound, EditRefused, DataError, ValueError) as exc:
        # File errors (YamlFileError, TaskListInvalid) are ValueErrors too, so PyYAML is
        # imported only by the commands that read a file; a file's problems come one a line.
        for problem in getattr(exc, "problems", None) or [f"supervise-tui: {exc}"]:
            say(problem)
        return EXIT_DATA
    except BrokenPipeError:
        # The reader (head, less) went away: not an error, and nothing more to say.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as exc:
        say(f"supervise-tui: {exc.filename or ''}: {exc.strerror or exc}")
        return EXIT_DATA
    except sqlite3.Error as exc:
        say(f"supervise-tui: database error: {exc}")
        return EXIT_DATA
    return 0


def open_store(args: Namespace, *, need_data: bool = True) -> sqlite3.Connection:
    from .domain.db import connect
    from .locations import db_path

    path = db_path(args.db)
    conn = connect(path)
    if need_data and conn.execute("SELECT count(*) FROM items").fetchone()[0] == 0:
        raise DataError(f"{path}: the store is empty; run `supervise-tui load` first")
    return conn


def current_user(args: Namespace) -> str:
    from .domain.settings import load_settings

    if getattr(args, "user", None):
        return args.user
    name = load_settings().user
    if name:
        return name
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # no login name in a bare container
        return "unknown"


def emit(rows: list[dict], columns: list[tuple[str, str]], fmt: str, *, widths: dict | None = None) -> None:
    from .domain import formats

    if fmt == "json":
        print(formats.to_json(rows))
    elif fmt == "csv":
        sys.stdout.flush()
        sys.stdout.buffer.write(formats.to_csv(rows, columns).encode("utf-8"))
        sys.stdout.buffer.flush()
    else:
        print(formats.table(rows, columns, widths=widths) if rows else t("cli.no_items"))


def round_of(conn: sqlite3.Connection, ref: str | None):
    from .domain.rounds import current_round, get_round

    return get_round(conn, ref) if ref else current_round(conn)


# --- load / validate -------------------------------------------------------

def cmd_load(args: Namespace) -> None:
    from .domain import formats
    from .domain.sync import load
    from .domain.tasklist import load_tasklist
    from .locations import bundled_tasklist

    path = args.file or str(bundled_tasklist())
    tasklist = load_tasklist(path)  # the whole file is valid before anything is written
    conn = open_store(args, need_data=False)
    report = load(conn, tasklist, user=current_user(args), source=str(path))
    if args.format == "json":
        print(formats.to_json(report.as_dict()))
        return
    print(t("cli.loaded", source=path))
    for kind in ("works", "items"):
        print("  " + t("cli.load_counts", kind=kind, added=report.added[kind], changed=report.changed[kind],
                       retired=report.retired[kind], unchanged=report.unchanged[kind]))
    if report.round_created:
        print("  " + t("cli.round_created", name=report.round_created))


def cmd_validate(args: Namespace) -> None:
    from .domain.tasklist import load_tasklist

    tasklist = load_tasklist(args.file)
    items = tasklist.items
    print(t("cli.valid", path=args.file, works=len(tasklist.works),
            targets=sum(i.kind == "target" for i in items), measures=sum(i.kind == "measure" for i in items)))


# --- list / show ------------------------------------------------------------

def localise(row: dict) -> dict:
    """Status, light and kind codes in the interface language (for tables and CSV)."""
    out = dict(row)
    for key, prefix in (("status", "status."), ("light", "light."), ("kind", "kind.")):
        if out.get(key):
            out[key] = t(prefix + out[key])
    return out


def item_columns() -> list[tuple[str, str]]:
    return [("id", t("col.id")), ("kind", t("col.kind")), ("work_title", t("col.work")),
            ("text", t("col.text")), ("lead_unit", t("col.lead_unit")), ("status", t("col.status")),
            ("progress", t("col.progress")), ("light", t("col.light")), ("note", t("col.note"))]


def cmd_list(args: Namespace) -> None:
    from .domain import queries

    conn = open_store(args)
    rnd = round_of(conn, args.round)
    scope = queries.Scope(
        pillar=queries.resolve_pillar(conn, args.pillar) if args.pillar else None,
        unit=queries.resolve_unit(conn, args.list_unit) if args.list_unit else None,
        unit_role=args.role_of_unit,
        kind=args.kind, search=args.search,
    )
    if args.leader:
        scope = scope.but(person=queries.resolve_person(conn, args.leader), person_role="leader")
    if args.liaison:
        if args.leader:
            raise DataError("give --leader or --liaison, not both")
        scope = scope.but(person=queries.resolve_person(conn, args.liaison), person_role="liaison")
    rows = queries.page_items(conn, rnd.id, scope)
    if args.format == "json":
        keep = ("id", "kind", "no", "text", "work_id", "work_title", "pillar_id", "lead_unit", "leader",
                "liaison", "status", "progress", "light", "note", "evidence", "value", "closed_out",
                "updated_by", "updated_at")
        emit([{k: r[k] for k in keep} for r in rows], [], "json")
        return
    emit([localise(r) for r in rows], item_columns(), args.format,
         widths={"work_title": 16, "text": 40, "lead_unit": 14, "note": 20})


def cmd_show(args: Namespace) -> None:
    from .domain import formats, queries

    conn = open_store(args)
    rnd = round_of(conn, args.round)
    item = queries.item_detail(conn, rnd.id, args.id.strip().upper())
    if args.format == "json":
        print(formats.to_json(item))
        return
    from .textsafe import printable

    label = f"{item['prefix'] or (str(item['no']) + '.' if item['no'] else '')}"
    print(printable(f"{item['id']}  {t('kind.' + item['kind'])}  {item['work_id']} {item['work_title']}"))
    if item["retired"]:
        print(f"  ({t('detail.retired')})")
    print()
    print(printable(label + item["text"]))
    print()
    pairs = [(t("col.pillar"), item["pillar_title"]), (t("col.stage"), item["stage_text"]),
             (t("col.leader"), item["leader"] or t("detail.none")),
             (t("col.liaison"), item["liaison"] or t("detail.none")),
             (t("detail.units"), "、".join(
                 ("*" if u["role"] == "lead" else "") + u["name"] for u in item["units"]))]
    for key, value in pairs:
        print(f"{key}: {printable(value)}")
    print(f"\n{t('detail.history')}:")
    history = [localise(h) | {"round": h["round_name"]} for h in item["history"]]
    print(formats.table(history, [("round", t("col.round")), ("status", t("col.status")),
                                  ("progress", t("col.progress")), ("light", t("col.light")),
                                  ("note", t("col.note")), ("updated_by", t("col.updated_by")),
                                  ("updated_at", t("col.updated_at"))], widths={"note": 30})
          if history else t("detail.none"))
    print(f"\n{t('detail.audit')}:")
    print(formats.table(item["audit"], [("at", t("col.at")), ("user", t("col.user")),
                                        ("round_name", t("col.round")), ("action", t("col.action")),
                                        ("field", t("col.field")), ("old", t("col.old")),
                                        ("new", t("col.new"))], widths={"old": 24, "new": 24})
          if item["audit"] else t("detail.none"))


def cmd_units(args: Namespace) -> None:
    from .domain import queries

    conn = open_store(args)
    rows = queries.unit_summary(conn, round_of(conn, args.round).id)
    columns = [("name", t("col.unit")), ("works_lead", t("col.works_lead")), ("works_co", t("col.works_co")),
               ("items_lead", t("col.items_lead")), ("items_co", t("col.items_co")), ("done", t("col.done")),
               ("behind", t("col.behind")), ("not_started", t("col.not_started")),
               ("progress", t("col.progress"))]
    emit([{k: r[k] for k, _ in columns} for r in rows], columns, args.format)


def cmd_people(args: Namespace) -> None:
    from .domain import queries

    conn = open_store(args)
    rows = queries.people_summary(conn, round_of(conn, args.round).id)
    columns = [("name", t("col.name")), ("role", t("col.role")), ("works", t("col.works")),
               ("work_ids", t("col.work")), ("items", t("col.items")), ("done", t("col.done")),
               ("behind", t("col.behind")), ("progress", t("col.progress"))]
    rows = [{k: r[k] for k, _ in columns} for r in rows]
    if args.format != "json":
        rows = [r | {"role": t("role." + r["role"])} for r in rows]
    emit(rows, columns, args.format)


def handlers() -> dict:
    from .commands_rounds import HANDLERS as ROUND_HANDLERS
    from .commands_synth import HANDLERS as SYNTH_HANDLERS

    return {**HANDLERS, **ROUND_HANDLERS, **SYNTH_HANDLERS}


HANDLERS = {
    "load": cmd_load,
    "validate": cmd_validate,
    "list": cmd_list,
    "show": cmd_show,
    "units": cmd_units,
    "people": cmd_people,
}
