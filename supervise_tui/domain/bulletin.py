"""The round bulletin (通报): every figure of one round, as data, and as titled tables to render."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from ..errors import BadValue
from ..i18n import t
from . import queries
from .clock import now
from .db import get_meta
from .diff import diff_counts, diff_rows
from .formats import GROUPINGS
from .rounds import get_round, previous_round
from .vocab import shown_value

_ITEM_KEYS = ("id", "pillar_id", "work_id", "work_title", "text", "lead_unit", "leader", "liaison",
              "status", "progress", "light", "light_reason", "note")
_CHANGE_KEYS = ("id", "class", "pillar_id", "lead_unit", "leader", "text", "old_status", "new_status",
                "old_light", "new_light", "old_progress", "new_progress", "progress_delta", "note_changed")


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _breakdown(conn: sqlite3.Connection, round_id: int, by: str, pillars: list[dict]) -> list[dict]:
    """Counts, lights and progress per pillar, per lead unit or per leader."""
    if by == "pillar":
        return [{"group": f"{r['numeral']}、{r['title']}"} | r for r in pillars]
    if by == "leader":
        return [{"group": r["name"]} | r for r in queries.people_summary(conn, round_id) if r["role"] == "leader"]
    return [{"group": r["name"], "items": r["items_lead"]} | r
            for r in queries.unit_summary(conn, round_id) if r["items_lead"]]


def build_bulletin(conn: sqlite3.Connection, round_id: int, *, by: str = "pillar") -> dict:
    """Everything the bulletin of a round says, as plain data (the JSON export is exactly this)."""
    if by not in GROUPINGS:
        raise BadValue("error.bad_grouping", allowed=", ".join(GROUPINGS), by=by)
    rnd = get_round(conn, round_id)
    prev = previous_round(conn, rnd.id)
    document = json.loads(get_meta(conn, "document") or "{}")
    pillars = queries.pillar_summary(conn, rnd.id)
    pillar_names = {p["id"]: p["title"] for p in pillars}
    group_key = {"pillar": "pillar_id", "unit": "lead_unit", "leader": "leader"}[by]

    def grouped(rows: list[dict]) -> list[dict]:
        for row in rows:
            value = row.get(group_key)
            row["group"] = pillar_names.get(value, value) if by == "pillar" else value
        return rows

    units = [{"unit": u["name"], "items_lead": u["items_lead"], "done": u["done"], "behind": u["behind"],
              "not_reported": u["not_reported"], "red": u["red"], "progress": u["progress"],
              "rate": _rate(u["done"], u["items_lead"])}
             for u in queries.unit_summary(conn, rnd.id) if u["items_lead"]]
    red = [{k: r[k] for k in _ITEM_KEYS}
           for r in queries.page_items(conn, rnd.id, queries.Scope(light="red"))]
    changes = None
    if prev is not None:
        changes = {"from": {"id": prev.id, "name": prev.name},
                   "counts": diff_counts(conn, prev.id, rnd.id),
                   "rows": grouped([{k: r[k] for k in _CHANGE_KEYS} for r in diff_rows(conn, prev.id, rnd.id)])}
    return {
        "document": {"doc_number": document.get("doc_number"), "title": document.get("title")},
        "round": {"id": rnd.id, "name": rnd.name, "period": rnd.period, "due": rnd.due,
                  "opened_at": rnd.opened_at, "closed_at": rnd.closed_at},
        "generated_at": now(),
        "by": by,
        "overall": queries.overall_summary(conn, rnd.id),
        "breakdown": _breakdown(conn, rnd.id, by, pillars),
        "pillars": pillars,
        "units": units,
        "red": grouped(red),
        "chase": queries.chase_list(conn, rnd.id),
        "changes": changes,
        "goals": queries.indicators(conn),
    }


@dataclass(frozen=True)
class Section:
    """One titled table of the bulletin; ``columns`` are (key, heading); values are raw codes."""

    title: str
    columns: list[tuple[str, str]]
    rows: list[dict]
    level: int = 2


def _cols(*keys: str) -> list[tuple[str, str]]:
    return [(k, t("bulletin.col." + k)) for k in keys]


def _item_cols(*keys: str) -> list[tuple[str, str]]:
    """Columns of a list of items, where progress is the item's own, not an average."""
    return [(k, t("col.progress") if k == "progress" else t("bulletin.col." + k)) for k in keys]


def _split(title: str, rows: list[dict], columns, level: int = 3) -> list[Section]:
    """One sub-table per group, in the order the groups first appear."""
    groups: dict = {}
    for row in rows:
        groups.setdefault(row.get("group") or t("detail.none"), []).append(row)
    return [Section(f"{title} — {name}", columns, members, level) for name, members in groups.items()]


def sections(b: dict) -> list[Section]:
    """The bulletin as titled tables, in reading order, headings in the interface language."""
    o = b["overall"]
    overall = [{"metric": t("bulletin.col." + k), "value": shown_value(k, o[k])}
               for k in ("items", "done", "in_progress", "behind", "not_started", "not_reported",
                         "green", "yellow", "red", "progress")]
    out = [Section(t("bulletin.overall"), _cols("metric", "value"), overall),
           Section(t("bulletin.breakdown." + b["by"]),
                   _cols("group", "items", "done", "behind", "not_reported", "green", "yellow", "red", "progress"),
                   b["breakdown"])]
    if b["by"] != "pillar":
        out.append(Section(t("bulletin.pillars"), _cols("title", "items", "done", "behind", "not_reported",
                                                        "green", "yellow", "red", "progress"), b["pillars"]))
    if b["by"] != "unit":
        out.append(Section(t("bulletin.units"), _cols("unit", "items_lead", "done", "behind", "not_reported",
                                                      "red", "progress", "rate"), b["units"]))
    red_cols = _item_cols("id", "text", "lead_unit", "leader", "status", "progress", "light_reason", "note")
    # The heading counts them all; the list follows in one table per group (or says there is none).
    out.append(Section(t("bulletin.red", count=len(b["red"])), [] if b["red"] else red_cols, []))
    out += _split(t("bulletin.red_short"), b["red"], red_cols)
    chase = [item | {"reason": "、".join(t("bulletin.reason." + k) for k in ("not_reported", "red") if item[k])}
             for group in b["chase"] for item in group["items"]]
    out.append(Section(t("bulletin.chase", count=len(chase)),
                       _item_cols("lead_unit", "leader", "liaison", "id", "text", "status", "progress", "light",
                                  "reason"), chase))
    changes = b["changes"]
    if changes is None:
        out.append(Section(t("bulletin.changes_none"), [], []))
    else:
        counts = [{"class": t("diff.class." + k), "count": changes["counts"][k]}
                  for k in ("improved", "regressed", "unchanged", "new", "retired", "note_changed")]
        out.append(Section(t("bulletin.changes", name=changes["from"]["name"]), _cols("class", "count"), counts))
        out += _split(t("bulletin.changes_short"), changes["rows"],
                      _item_cols("id", "class", "text", "old_status", "new_status", "old_light", "new_light",
                            "old_progress", "new_progress", "progress_delta", "note_changed"))
    out.append(Section(t("bulletin.goals"), _cols("year", "text"), b["goals"]))
    return out


def title(b: dict) -> str:
    """The bulletin's heading: document, round and period."""
    r = b["round"]
    name = t("bulletin.round_period", name=r["name"], period=r["period"]) if r["period"] else r["name"]
    return t("bulletin.title", doc=b["document"].get("title") or "", round=name)
