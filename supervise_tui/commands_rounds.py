"""Subcommands for rounds, scripted edits, the round diff and the bulletin export."""

from __future__ import annotations

import json
import sys
from argparse import Namespace

from .commands import DataError, current_user, emit, localise, open_store, round_of
from .i18n import t

LISTING = ("table", "json", "csv")


def add_parsers(sub) -> None:
    """Register this module's subcommands on the main parser's subparsers."""
    r = sub.add_parser("round", help="reporting rounds: new, list, use, close, reopen")
    rs = r.add_subparsers(dest="round_action", metavar="ACTION", required=True)
    s = rs.add_parser("new", help="open a round that starts from every item's state in the previous one")
    s.add_argument("name")
    s.add_argument("--period", help="the period it covers, e.g. 2024-Q1")
    s.add_argument("--due", help="reporting due date, YYYY-MM-DD")
    s = rs.add_parser("list", help="every round with its counts")
    s.add_argument("--format", choices=LISTING, default="table")
    s = rs.add_parser("use", help="make a round the current one")
    s.add_argument("round", help="round id or name")
    s = rs.add_parser("close", help="close (freeze) a round; default the current one")
    s.add_argument("round", nargs="?", help="round id or name")
    s = rs.add_parser("reopen", help="reopen a closed round (inspector, with a reason)")
    s.add_argument("round", help="round id or name")
    s.add_argument("--reason", required=True, help="why it is reopened (kept in the audit log)")

    s = sub.add_parser("set", help="update one item in a round (status, progress, note)")
    s.add_argument("id", help="item id, e.g. W05-M10")
    s.add_argument("--status", help="未启动/推进中/已完成/滞后/受阻, or the English word or code")
    s.add_argument("--progress", help="0-100")
    s.add_argument("--note", help="the note, shown as typed")
    s.add_argument("--round", help="round id or name (default: the current round)")

    s = sub.add_parser("light", help="override an item's light, with a reason (inspector)")
    s.add_argument("id")
    s.add_argument("color", help="green/yellow/red (绿/黄/红), or auto to follow the rules again")
    s.add_argument("--reason", default="", help="why (required unless auto)")
    s.add_argument("--round", help="round id or name (default: the current round)")

    s = sub.add_parser("close-out", help="close out (销号) a verified item (inspector)")
    s.add_argument("id")
    s.add_argument("--round", help="round id or name (default: the current round)")

    s = sub.add_parser("chase", help="催办: items not reported in the round, or red, by lead unit")
    s.add_argument("--round", help="round id or name (default: the current round)")
    s.add_argument("--format", choices=LISTING, default="table")

    s = sub.add_parser("diff", help="compare two rounds item by item")
    s.add_argument("old", help="the earlier round (id or name)")
    s.add_argument("new", help="the later round (id or name)")
    s.add_argument("--pillar", help="pillar id (P1), numeral (一) or title")
    s.add_argument("--unit", dest="diff_unit", metavar="UNIT", help="responsible unit (lead or co), alias ok")
    s.add_argument("--leader", help="leader (分管领导) name")
    s.add_argument("--all", action="store_true", help="list unchanged items too")
    s.add_argument("--summary", action="store_true",
                   help="the counts only (improved, regressed, unchanged, new, retired), no rows")
    s.add_argument("--format", choices=LISTING + ("md",), default="table")

    s = sub.add_parser("export", help="write the round bulletin (通报) into exports/")
    s.add_argument("--round", help="round id or name (default: the current round)")
    s.add_argument("--format", choices=("md", "csv", "html", "json"), default="md")
    s.add_argument("--by", choices=("pillar", "unit", "leader"), default="pillar")
    s.add_argument("--out", metavar="DIR", help="folder to write into (default: ./exports)")


def actor(args: Namespace, conn):
    """Who acts, from --user/--role/--unit; a liaison's unit by name or alias."""
    from .domain.edits import Actor
    from .domain.queries import resolve_unit

    unit_id = None
    if args.role == "liaison":
        if not args.unit:
            raise DataError(t("edit.liaison_unit"))
        unit_id = resolve_unit(conn, args.unit)
    return Actor(user=current_user(args), role=args.role, unit_id=unit_id)


# --- rounds ---------------------------------------------------------------

def cmd_round(args: Namespace) -> None:
    from .domain import rounds

    conn = open_store(args)
    action = args.round_action
    if action == "list":
        _round_list(conn, args.format)
        return
    who = actor(args, conn)
    if action == "new":
        prev = rounds.list_rounds(conn)[-1:] or [None]
        rnd = rounds.create_round(conn, who, args.name, period=args.period, due=args.due)
        items = conn.execute("SELECT count(*) FROM item_state WHERE round_id = ?", (rnd.id,)).fetchone()[0]
        print(t("rounds.created", name=rnd.name, prev=prev[0].name, items=items) if prev[0]
              else t("rounds.created_fresh", name=rnd.name, items=items))
    elif action == "use":
        print(t("rounds.now_current", name=rounds.use_round(conn, who, args.round).name))
    elif action == "close":
        print(t("rounds.closed", name=rounds.close_round(conn, who, args.round).name))
    elif action == "reopen":
        print(t("rounds.reopened", name=rounds.reopen_round(conn, who, args.round, args.reason).name))


def _round_list(conn, fmt: str) -> None:
    from .domain.rounds import round_overview

    rows = round_overview(conn)
    columns = [("current", t("rounds.col.current")), ("id", t("col.id")), ("name", t("col.round")),
               ("period", t("col.period")), ("due", t("col.due")), ("opened_at", t("col.opened")),
               ("closed_at", t("col.closed")), ("items", t("col.items")), ("updated", t("rounds.col.updated")),
               ("done", t("col.done")), ("created_by", t("col.user"))]
    if fmt != "json":
        rows = [r | {"current": "*" if r["current"] else "", "closed_at": r["closed_at"] or t("rounds.open")}
                for r in rows]
    emit(rows, columns, fmt)


# --- edits ------------------------------------------------------------------

def _print_changes(item_id: str, changes) -> None:
    from .textsafe import one_line

    if not changes:
        print(t("edit.nothing", id=item_id))
    for c in changes:
        old, new = (localise({c.field: v}).get(c.field) for v in (c.old, c.new))
        print(t("edit.changed", id=item_id, field=t("field." + c.field),
                old=one_line("" if old is None else str(old)), new=one_line("" if new is None else str(new))))


def cmd_set(args: Namespace) -> None:
    from .domain.edits import apply_changes
    from .domain.vocab import parse_progress, parse_status

    changes = {}
    if args.status is not None:
        changes["status"] = parse_status(args.status)
    if args.progress is not None:
        changes["progress"] = parse_progress(args.progress)
    if args.note is not None:
        changes["note"] = args.note
    if not changes:
        raise DataError(t("edit.give_something"))
    conn = open_store(args)
    item_id = args.id.strip().upper()
    done = apply_changes(conn, actor(args, conn), round_of(conn, args.round).id, item_id, changes)
    _print_changes(item_id, done)


def cmd_light(args: Namespace) -> None:
    from .domain.edits import set_light
    from .domain.vocab import parse_light

    auto = args.color.strip().lower() in ("auto", "自动", "none")
    light = None if auto else parse_light(args.color)
    conn = open_store(args)
    item_id = args.id.strip().upper()
    done = set_light(conn, actor(args, conn), round_of(conn, args.round).id, item_id, light, args.reason)
    if auto and done:
        print(t("edit.light_auto", id=item_id))
    else:
        _print_changes(item_id, done)


def cmd_close_out(args: Namespace) -> None:
    from .domain.edits import close_out

    conn = open_store(args)
    rnd = round_of(conn, args.round)
    item_id = args.id.strip().upper()
    close_out(conn, actor(args, conn), rnd.id, item_id)
    print(t("edit.closed_out", id=item_id, round=rnd.name))


# --- chase ------------------------------------------------------------------

def cmd_chase(args: Namespace) -> None:
    from .domain.queries import chase_list

    conn = open_store(args)
    groups = chase_list(conn, round_of(conn, args.round).id)
    if args.format == "json":
        print(json.dumps(groups, ensure_ascii=False, indent=2))
        return
    rows = [localise(item) | {"reason": "、".join(t("bulletin.reason." + k) for k in ("not_reported", "red")
                                                 if item[k])}
            for g in groups for item in g["items"]]
    if not rows and args.format == "table":
        print(t("chase.none"))
        return
    columns = [("lead_unit", t("col.lead_unit")), ("leader", t("col.leader")), ("liaison", t("col.liaison")),
               ("id", t("col.id")), ("text", t("col.text")), ("status", t("col.status")),
               ("progress", t("col.progress")), ("light", t("col.light")), ("reason", t("bulletin.col.reason"))]
    emit(rows, columns, args.format, widths={"text": 40, "lead_unit": 14})


# --- diff -------------------------------------------------------------------

def cmd_diff(args: Namespace) -> None:
    from .domain import diff, queries
    from .domain.rounds import get_round

    conn = open_store(args)
    old, new = get_round(conn, args.old), get_round(conn, args.new)
    flt = diff.DiffFilter(pillar=queries.resolve_pillar(conn, args.pillar) if args.pillar else None,
                          unit=queries.resolve_unit(conn, args.diff_unit) if args.diff_unit else None,
                          leader=queries.resolve_person(conn, args.leader) if args.leader else None)
    changed_only = not args.all
    if args.summary:
        _diff_summary(old, new, diff.diff_counts(conn, old.id, new.id, flt), args.format)
        return
    if args.format == "csv":  # rows only, made by SQLite: one pass, however many items
        _diff_csv(diff.diff_csv_lines(conn, old.id, new.id, flt, changed_only=changed_only))
        return
    counts = diff.diff_counts(conn, old.id, new.id, flt)
    if args.format == "json":
        _diff_json(old, new, counts, diff.diff_json_lines(conn, old.id, new.id, flt, changed_only=changed_only))
        return
    rows = diff.diff_rows(conn, old.id, new.id, flt, changed_only=changed_only, text_limit=TEXT_CELLS + 1)
    (_diff_table if args.format == "table" else _diff_markdown)(old, new, counts, rows)


# Rows are written as they come from the store, in chunks, never gathered in a list:
# a province-wide diff can hold hundreds of thousands.
CHUNK = 2000


def _chunked(lines, write, joiner: str | bytes = "") -> None:
    chunk = []
    for line in lines:
        chunk.append(line)
        if len(chunk) >= CHUNK:
            write(joiner.join(chunk))
            chunk.clear()
    write(joiner.join(chunk))


class _Cells:
    """Turns diff rows into the words a person reads; the vocabulary is looked up once, not per row."""

    def __init__(self) -> None:
        from .domain.diff import CLASSES
        from .domain.vocab import LIGHTS, STATUSES

        self.status = {None: ""} | {s: t("status." + s) for s in STATUSES}
        self.light = {None: ""} | {x: t("light." + x) for x in LIGHTS}
        self.cls = {c: t("diff.class." + c) for c in CLASSES}
        self.tick = "✓"

    def __call__(self, row: dict) -> list[str]:
        """id, class, lead unit, status, light, progress, note changed, text ("old → new" where they differ)."""
        cells = []
        for words, old, new in ((self.status, row["old_status"], row["new_status"]),
                                (self.light, row["old_light"], row["new_light"])):
            cells.append(words[old] if old == new else f"{words[old]} → {words[new]}")
        old, new, delta = row["old_progress"], row["new_progress"], row["progress_delta"]
        progress = ("" if old is None else str(old)) if old == new else \
            f"{'' if old is None else old} → {'' if new is None else new}" + (f" ({delta:+d})" if delta else "")
        return [row["id"], self.cls[row["class"]], row["lead_unit"] or "", *cells, progress,
                self.tick if row["note_changed"] else "", row["text"]]


def _diff_columns() -> list[str]:
    return [t("col.id"), t("bulletin.col.class"), t("col.lead_unit"), t("col.status"), t("col.light"),
            t("col.progress"), t("bulletin.col.note_changed"), t("col.text")]


def _diff_head(old, new, counts) -> str:
    from .textsafe import one_line

    return f"{one_line(t('diff.heading', old=old.name, new=new.name))}\n{t('diff.counts', **counts)}\n"


TEXT_CELLS = 40  # the item text column of the diff table, in terminal cells


def _clip(text: str, width: int) -> str:
    """Cut to ``width`` cells, ending in … when cut; a few C-speed width checks, not one per character."""
    from .domain.formats import cell_width

    if cell_width(text) <= width:
        return text
    lo, hi = 0, min(len(text), width)
    while lo < hi:  # the longest prefix that leaves a cell for the …
        mid = (lo + hi + 1) // 2
        lo, hi = (mid, hi) if cell_width(text[:mid]) <= width - 1 else (lo, mid - 1)
    return text[:lo] + "…"


def _diff_summary(old, new, counts: dict, fmt: str) -> None:
    """The counts alone, as ``sqldiff --summary`` or ``git diff --stat`` give them."""
    if fmt == "json":
        sys.stdout.write(json.dumps({"from": {"id": old.id, "name": old.name}, "to": {"id": new.id, "name": new.name},
                                     "counts": counts}, ensure_ascii=False) + "\n")
    elif fmt == "csv":
        sys.stdout.buffer.write(("\ufeffclass,count\r\n" + "".join(f"{k},{v}\r\n" for k, v in counts.items()))
                                .encode("utf-8"))
    elif fmt == "md":
        from .domain.export import _md_cell
        from .textsafe import printable

        sys.stdout.write(f"# {_md_cell(printable(t('diff.heading', old=old.name, new=new.name)))}\n\n"
                         f"{_md_cell(t('diff.counts', **counts))}\n")
    else:
        sys.stdout.write(_diff_head(old, new, counts))


def _diff_table(old, new, counts, rows) -> None:
    from .domain.formats import cell_width
    from .textsafe import one_line

    clip = _clip
    headings = _diff_columns()
    widths = [max(w, cell_width(h)) for w, h in zip((12, 6, 14, 17, 8, 16, 4), headings)]
    text_width = TEXT_CELLS
    padded: dict[tuple[int, str], str] = {}  # the few distinct words and units, fitted once

    def fit(n: int, cell: str) -> str:
        key = (n, cell)
        if key not in padded:
            if n == 2:  # the lead unit comes from the task list file: made printable
                cell = one_line(cell)
            cell = clip(cell, widths[n])
            padded[key] = cell + " " * (widths[n] - cell_width(cell))
        return padded[key]

    def line(cells: list[str]) -> str:
        item_id, cls, unit, status, light, progress, note, text = cells
        # ids and progress figures are ASCII: their width is their length
        return "  ".join((item_id.ljust(widths[0]) if len(item_id) <= widths[0] else clip(item_id, widths[0]),
                          fit(1, cls), fit(2, unit), fit(3, status), fit(4, light),
                          progress.ljust(widths[5]), fit(6, note), clip(one_line(text), text_width))) + "\n"

    cells = _Cells()
    sys.stdout.write(_diff_head(old, new, counts) + "\n")
    sys.stdout.write("  ".join(h + " " * (w - cell_width(h)) for h, w in zip(headings, widths + [0])).rstrip() + "\n")
    sys.stdout.write("  ".join("-" * w for w in widths + [text_width]) + "\n")
    _chunked((line(cells(r)) for r in rows), sys.stdout.write)


def _diff_markdown(old, new, counts, rows) -> None:
    from .domain.export import _md_cell
    from .textsafe import printable

    cells = _Cells()
    headings = _diff_columns()
    sys.stdout.write(f"# {_md_cell(printable(t('diff.heading', old=old.name, new=new.name)))}\n\n"
                     f"{_md_cell(t('diff.counts', **counts))}\n\n")
    sys.stdout.write("| " + " | ".join(headings) + " |\n|" + "---|" * len(headings) + "\n")
    _chunked(("| " + " | ".join(_md_cell(printable(c)) for c in cells(r)) + " |\n" for r in rows),
             sys.stdout.write)


def _diff_json(old, new, counts, lines) -> None:
    head = {"from": {"id": old.id, "name": old.name}, "to": {"id": new.id, "name": new.name}, "counts": counts}
    sys.stdout.write(json.dumps(head, ensure_ascii=False)[:-1] + ', "rows": [\n')
    _chunked(((",\n" if n else "") + line for n, line in enumerate(lines)), sys.stdout.write)
    sys.stdout.write("\n]}\n")


def _diff_csv(lines) -> None:
    """The export columns, codes not words, for machines; UTF-8 with a BOM for Excel."""
    from .domain.diff import EXPORT_KEYS

    sys.stdout.flush()
    out = sys.stdout.buffer
    out.write(("\ufeff" + ",".join(EXPORT_KEYS) + "\r\n").encode("utf-8"))
    _chunked(lines, out.write, b"")  # the store hands over UTF-8 bytes: written as they are
    out.flush()


# --- export -----------------------------------------------------------------

def cmd_export(args: Namespace) -> None:
    from .domain.bulletin import build_bulletin
    from .domain.export import export_bulletin
    from .locations import exports_dir

    conn = open_store(args)
    bulletin = build_bulletin(conn, round_of(conn, args.round).id, by=args.by)
    path = export_bulletin(bulletin, args.format, exports_dir(args.out))
    print(t("export.written", path=path))


HANDLERS: dict[str, object] = {
    "round": cmd_round,
    "set": cmd_set,
    "light": cmd_light,
    "close-out": cmd_close_out,
    "chase": cmd_chase,
    "diff": cmd_diff,
    "export": cmd_export,
}
