"""Rounds and edits: round new/list/use/close/reopen, set, light, close-out, and the chase list."""

from __future__ import annotations

from argparse import Namespace

from ..domain.vocab import field_name
from ..errors import SuperviseError
from ..i18n import t
from ..textsafe import one_line
from .common import actor, item_id, open_store, round_of
from .output import cell_text, emit, say_out, to_json, worded


def cmd_round(args: Namespace) -> None:
    from ..domain import rounds

    conn = open_store(args)
    action = args.round_action
    if action == "list":
        _round_list(conn, args.format)
        return
    who = actor(args, conn)
    if action == "new":
        prev = rounds.newest_round(conn)
        rnd = rounds.create_round(conn, who, args.name, period=args.period, due=args.due,
                                  close_previous=args.close_previous)
        items = conn.execute("SELECT count(*) FROM item_state WHERE round_id = ?", (rnd.id,)).fetchone()[0]
        say_out(t("rounds.created", name=rnd.name, prev=prev.name, items=items) if prev
                else t("rounds.created_fresh", name=rnd.name, items=items))
        if prev is not None and not prev.closed:
            say_out(t("rounds.closed", name=prev.name) if args.close_previous
                    else t("rounds.previous_open", name=prev.name))
    elif action == "use":
        say_out(t("rounds.now_current", name=rounds.use_round(conn, who, args.round).name))
    elif action == "close":
        say_out(t("rounds.closed", name=rounds.close_round(conn, who, args.round).name))
    elif action == "reopen":
        say_out(t("rounds.reopened", name=rounds.reopen_round(conn, who, args.round, args.reason).name))


def _round_list(conn, fmt: str) -> None:
    from ..domain.rounds import round_overview

    rows = round_overview(conn)
    columns = [("current", t("rounds.col.current")), ("id", t("col.id")), ("name", t("col.round")),
               ("period", t("col.period")), ("due", t("col.due")), ("opened_at", t("col.opened")),
               ("closed_at", t("col.closed")), ("items", t("col.items")), ("updated", t("rounds.col.updated")),
               ("done", t("col.done")), ("created_by", t("col.user"))]
    if fmt != "json":
        rows = [r | {"current": "*" if r["current"] else "", "closed_at": r["closed_at"] or t("rounds.open")}
                for r in rows]
    emit(rows, columns, fmt)


def _print_changes(item: str, changes) -> None:
    if not changes:
        print(t("edit.nothing", id=item))
    for c in changes:
        print(t("edit.changed", id=item, field=field_name(c.field),
                old=one_line(cell_text(c.field, c.old)), new=one_line(cell_text(c.field, c.new))))


def cmd_set(args: Namespace) -> None:
    from ..domain import evidence
    from ..domain.edits import current_state, edit_any, typed_value
    from ..domain.vocab import parse_progress, parse_status

    changes: dict[str, object] = {}
    if args.status is not None:
        changes["status"] = parse_status(args.status)
    if args.progress is not None:
        changes["progress"] = parse_progress(args.progress)
    if args.note is not None:
        changes["note"] = args.note
    if not changes and args.value is None and args.evidence is None and not args.evidence_dir:
        raise SuperviseError("edit.give_something")
    conn = open_store(args)
    item = item_id(args.id)
    rnd = round_of(conn, args.round)
    shown: dict[str, object] = {}  # what the new values were worked out from: refused if it changed meanwhile
    if args.value is not None:
        changes["value"], shown["value"] = typed_value(conn, rnd.id, item, args.value)
    found: list = []
    if args.evidence is not None or args.evidence_dir:
        if args.evidence is not None:
            refs = evidence.read_refs(args.evidence)
        else:  # check what is stored
            shown["evidence"] = current_state(conn, rnd.id, item)[2]
            refs = evidence.parse_refs(str(shown["evidence"]))
        if args.evidence_dir:
            refs, found = evidence.checked_against(refs, args.evidence_dir)
        changes["evidence"] = evidence.format_refs(refs)
    done = edit_any(conn, actor(args, conn), rnd.id, item, changes, shown=shown)
    for message in found:
        print(message)
    _print_changes(item, done)


def cmd_light(args: Namespace) -> None:
    from ..domain.edits import set_light
    from ..domain.vocab import parse_light

    auto = args.color.strip().lower() in ("auto", "自动", "none")
    light = None if auto else parse_light(args.color)
    conn = open_store(args)
    item = item_id(args.id)
    done = set_light(conn, actor(args, conn), round_of(conn, args.round).id, item, light, args.reason)
    if auto and done:
        print(t("edit.light_auto", id=item))
    else:
        _print_changes(item, done)


def cmd_close_out(args: Namespace) -> None:
    from ..domain.edits import close_out, reopen_close_out

    conn = open_store(args)
    rnd = round_of(conn, args.round)
    item = item_id(args.id)
    if args.reopen:
        reopen_close_out(conn, actor(args, conn), rnd.id, item, args.reason)
        say_out(t("edit.close_out_reopened", id=item, round=rnd.name))
        return
    close_out(conn, actor(args, conn), rnd.id, item, args.reason)
    say_out(t("edit.closed_out", id=item, round=rnd.name))


def cmd_chase(args: Namespace) -> None:
    from ..domain.exchange.status import chase_returns
    from ..domain.queries import chase_list

    conn = open_store(args)
    rnd = round_of(conn, args.round)
    groups = chase_list(conn, rnd.id)
    missing = chase_returns(conn, rnd.id, groups)  # units in the exchange whose return has not come back
    if args.format == "json":
        print(to_json(groups))
        return
    rows = [worded(item) | {"reason": "、".join(t("bulletin.reason." + k) for k in ("not_reported", "red")
                                                if item[k]), "returned": returned_word(g["returned"])}
            for g in groups for item in g["items"]]
    if not rows and args.format == "table":
        print(t("chase.none"))
        return
    columns = [("lead_unit", t("col.lead_unit")), ("leader", t("col.leader")), ("liaison", t("col.liaison")),
               ("id", t("col.id")), ("text", t("col.text")), ("status", t("col.status")),
               ("progress", t("col.progress")), ("light", t("col.light")), ("reason", t("bulletin.col.reason"))]
    if missing is not None:
        columns.append(("returned", t("exchange.col.return")))
    emit(rows, columns, args.format, widths={"text": 40, "lead_unit": 14})
    if missing is not None and args.format == "table":
        print(t("exchange.chase.missing", count=missing))


def returned_word(returned: bool | None) -> str:
    """Whether a unit's return came back this round, as a word; "" for a unit not in the exchange."""
    return "" if returned is None else t("exchange.yes" if returned else "exchange.no")
