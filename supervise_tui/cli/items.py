"""Reading the store: list, show, units, people."""

from __future__ import annotations

from argparse import Namespace

from ..domain.clock import shown_time
from ..domain.vocab import shown_audit, shown_value, word
from ..errors import SuperviseError
from ..i18n import t
from ..textsafe import printable
from .common import item_id, open_store, round_of
from .output import csv_stream, emit, item_columns, json_stream, table, to_json, worded

# What `list --format json` gives each item (the store's codes, not words).
ITEM_KEYS = ("id", "kind", "no", "text", "work_id", "work_title", "pillar_id", "lead_unit", "leader", "liaison",
             "status", "progress", "light", "note", "evidence", "value", "closed_out", "updated_by", "updated_at")


def cmd_list(args: Namespace) -> None:
    from ..domain import queries

    conn = open_store(args)
    rnd = round_of(conn, args.round)
    scope = queries.Scope(
        pillar=queries.resolve_pillar(conn, args.pillar) if args.pillar else None,
        unit=queries.resolve_unit(conn, args.list_unit) if args.list_unit else None,
        unit_role=args.role_of_unit,
        kind=args.kind, search=args.search,
    )
    if args.leader and args.liaison:
        raise SuperviseError("error.leader_or_liaison")
    if args.leader:
        scope = scope.but(person=queries.resolve_person(conn, args.leader), person_role="leader")
    if args.liaison:
        scope = scope.but(person=queries.resolve_person(conn, args.liaison), person_role="liaison")
    # JSON and CSV stream from the store, however many items; the table is for people, on a screen.
    if args.format == "json":
        json_stream(queries.item_rows(conn, rnd.id, scope, ITEM_KEYS, as_json=True))
        return
    columns = item_columns()
    if args.format == "csv":
        csv_stream(queries.item_rows(conn, rnd.id, scope, [k for k, _ in columns]), columns)
        return
    # a numeric target's value reached against its goal, beside its light (18/20名 90% ✓, 未填)
    from ..domain.targets import attainment_cell, goal_from_json

    columns.insert([k for k, _ in columns].index("note"), ("attainment", t("col.attainment")))
    emit([worded(r) | {"attainment": attainment_cell(goal_from_json(r["goal"]), r["value"])}
          for r in queries.page_items(conn, rnd.id, scope)], columns, args.format,
         widths={"work_title": 16, "text": 40, "lead_unit": 14, "attainment": 16, "note": 20})


def cmd_show(args: Namespace) -> None:
    from ..domain import queries

    conn = open_store(args)
    rnd = round_of(conn, args.round)
    item = queries.item_detail(conn, rnd.id, item_id(args.id))
    if args.format == "json":
        print(to_json(item))
        return
    label = f"{item['prefix'] or (str(item['no']) + '.' if item['no'] else '')}"
    print(printable(f"{item['id']}  {word('kind', item['kind'])}  {item['work_id']} {item['work_title']}"))
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
    _goal(item)
    print(f"\n{t('detail.history')}:")
    history = [worded(h) | {"round": h["round_name"], "updated_at": shown_time(h["updated_at"])}
               for h in item["history"]]
    print(table(history, [("round", t("col.round")), ("status", t("col.status")),
                          ("progress", t("col.progress")), ("light", t("col.light")),
                          ("value", t("field.value")), ("note", t("col.note")),
                          ("updated_by", t("col.updated_by")), ("updated_at", t("col.updated_at"))],
                widths={"note": 30})
          if history else t("detail.none"))
    print(f"\n{t('detail.audit')}:")
    columns = [("at", t("col.at")), ("user", t("col.user")), ("round_name", t("col.round")),
               ("action", t("col.action")), ("field", t("col.field")), ("old", t("col.old")), ("new", t("col.new"))]
    audit = item["audit"]
    if any(a["source"] for a in audit):  # changes imported from a return file: which file, accepted by whom
        columns.append(("via", t("col.via")))
        audit = [a | {"via": via(a)} for a in audit]
    audit = [shown_audit(a) for a in audit]  # local time, the action, field and codes in words
    print(table(audit, columns, widths={"old": 24, "new": 24}) if audit else t("detail.none"))


def via(row: dict) -> str:
    """Where an audited change came from: the return file, and the inspector who accepted it."""
    if not row.get("source"):
        return ""
    return t("detail.via", source=row["source"], by=row["accepted_by"]) if row.get("accepted_by") else row["source"]


def _goal(item: dict) -> None:
    """A target's goal, deadline, value reached with its attainment, and evidence, one fact a line."""
    from ..domain.targets import goal_facts

    for key, value in goal_facts(item):
        print(f"{key}: {printable(value)}")


def cmd_units(args: Namespace) -> None:
    from ..domain import queries

    conn = open_store(args)
    rows = queries.unit_summary(conn, round_of(conn, args.round).id)
    columns = [("name", t("col.unit")), ("works_lead", t("col.works_lead")), ("works_co", t("col.works_co")),
               ("items_lead", t("col.items_lead")), ("items_co", t("col.items_co")), ("done", t("col.done")),
               ("behind", t("col.behind")), ("not_started", t("col.not_started")),
               ("progress", t("col.progress"))]
    emit([{k: r[k] for k, _ in columns} for r in rows], columns, args.format)


def cmd_people(args: Namespace) -> None:
    from ..domain import queries

    conn = open_store(args)
    rows = queries.people_summary(conn, round_of(conn, args.round).id)
    columns = [("name", t("col.name")), ("role", t("col.role")), ("works", t("col.works")),
               ("work_ids", t("col.work")), ("items", t("col.items")), ("done", t("col.done")),
               ("behind", t("col.behind")), ("progress", t("col.progress"))]
    rows = [{k: r[k] for k, _ in columns} for r in rows]
    if args.format != "json":
        rows = [r | {"role": shown_value("role", r["role"])} for r in rows]
    emit(rows, columns, args.format)
