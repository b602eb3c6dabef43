"""A round's reporting: items in the order a view asks for, what is reported, what comes next.

A table that is filtered or sorted would have SQLite filter and sort the whole scope for every
page; ``ordered_ids`` does that once (a worker calls it when the filter or the order changes) and
``items_by_rowid`` then reads any page of it by rowid, in a few milliseconds at province scale.

An item is *reported* in a round when any field was saved in it (``queries.REPORTED``); it still
*needs a report* when it is ``queries.NOT_REPORTED`` — the one definition the chase list uses too:
not saved in this round, and neither done nor closed out as carried forward.
"""

from __future__ import annotations

import json
import sqlite3
from array import array

from .lights import basis_for_round, light_sql
from .queries import ITEM_ROWS, LIGHT, NOT_REPORTED, REPORTED, STAGES, Scope, _where, light_params, with_reasons

# The orders a table can be sorted in, each in its natural direction (the worst or newest first).
SORTS = ("list", "light", "progress", "changed_at")
# The liaison's round: items still to report first, then the reported ones, then those with
# nothing left to report; in list order (work by work) within each.
ROUND_ORDER = "round"
_RANK = light_sql("s", "ls", rank=True)
_ORDER = {
    "list": "i.pos",
    "light": f"{_RANK}, i.pos",  # red, yellow, green
    "progress": "COALESCE(s.progress, 0), i.pos",  # least first
    "changed_at": "s.updated_at IS NULL, s.updated_at DESC, i.pos",  # the newest change first
    ROUND_ORDER: f"CASE WHEN {NOT_REPORTED} THEN 0 WHEN {REPORTED} THEN 1 ELSE 2 END, i.pos",
}
# Where an item stands in the liaison's round (``round_bucket``).
TO_REPORT, REPORTED_BUCKET, NOTHING_TO_REPORT = 0, 1, 2


def ordered_ids(conn: sqlite3.Connection, round_id: int, scope: Scope, order: str = "list") -> array:
    """The rowids of the items in ``scope``, in ``order`` (SORTS or ROUND_ORDER): one pass over the scope."""
    where, params = _where(scope, light=LIGHT)
    sql = f"""
    WITH {STAGES}
    SELECT i.rowid FROM items i JOIN works w ON w.id = i.work_id JOIN ls ON ls.work_id = w.id
    LEFT JOIN item_state s ON s.round_id = :round AND s.item_id = i.id{where}
    ORDER BY {_ORDER[order]}"""
    out = array("q")
    cursor = conn.execute(sql, {"round": round_id, **params, **light_params(conn, round_id)})
    while chunk := cursor.fetchmany(4096):
        out.extend(r[0] for r in chunk)
    return out


def round_layout(conn: sqlite3.Connection, round_id: int, scope: Scope) -> list[tuple[int, str, int]]:
    """(rowid, work id, round_bucket) of a scope's items in ROUND_ORDER: the rows of a unit's round,
    to be shown work by work within each bucket."""
    where, params = _where(scope)
    sql = f"""
    SELECT i.rowid, i.work_id, CASE WHEN {NOT_REPORTED} THEN 0 WHEN {REPORTED} THEN 1 ELSE 2 END AS bucket
    FROM items i JOIN works w ON w.id = i.work_id
    LEFT JOIN item_state s ON s.round_id = :round AND s.item_id = i.id{where}
    ORDER BY bucket, i.pos"""
    return [tuple(r) for r in conn.execute(sql, {"round": round_id, **params, **light_params(conn, round_id)})]


def work_labels(conn: sqlite3.Connection, unit_id: int | None) -> dict[str, dict]:
    """Every work's numeral and title, and the unit's role in it (None without a unit): for group headings."""
    return {r["id"]: dict(r) for r in conn.execute(
        "SELECT w.id, w.numeral, w.title, wu.role FROM works w "
        "LEFT JOIN work_units wu ON wu.work_id = w.id AND wu.unit_id = ?", (unit_id,))}


def items_by_rowid(conn: sqlite3.Connection, round_id: int, rowids: list[int] | array) -> list[dict]:
    """The items with these rowids (as ``queries.page_items`` reads them, and their ``rowid``), in the order given."""
    if not len(rowids):
        return []
    ids = json.dumps(list(rowids))
    order = {rowid: n for n, rowid in enumerate(rowids)}
    position = {item_id: order[rowid] for rowid, item_id in conn.execute(
        "SELECT rowid, id FROM items WHERE rowid IN (SELECT value FROM json_each(?))", (ids,))}
    rowid_of_id = {item_id: rowids[n] for item_id, n in position.items()}
    basis = basis_for_round(conn, round_id)
    rows = with_reasons([dict(r) for r in conn.execute(
        f"{ITEM_ROWS} WHERE i.rowid IN (SELECT value FROM json_each(:ids))",
        {"round": round_id, "ids": ids, **basis.params()})], basis)
    for row in rows:
        row["rowid"] = rowid_of_id[row["id"]]
    # An item the store no longer holds is simply not shown.
    return sorted(rows, key=lambda r: position[r["id"]])


def rowid_of(conn: sqlite3.Connection, item_id: str) -> int | None:
    row = conn.execute("SELECT rowid FROM items WHERE id = ?", (item_id,)).fetchone()
    return None if row is None else row[0]


def round_bucket(state: dict) -> int:
    """TO_REPORT, REPORTED_BUCKET or NOTHING_TO_REPORT for an item's state row (the SQL's twin)."""
    if state.get("updated_at") is not None:
        return REPORTED_BUCKET
    if (state.get("status") or "not_started") != "done" and not state.get("closed_out"):
        return TO_REPORT
    return NOTHING_TO_REPORT


def round_counts(conn: sqlite3.Connection, round_id: int, scope: Scope) -> dict:
    """How far a scope's report has come: ``items``, ``reported``, ``to_report`` (NOT_REPORTED) and
    ``nothing_to_report`` (done or closed out, carried forward)."""
    where, params = _where(scope)
    sql = f"""
    SELECT count(*) AS items, coalesce(sum({REPORTED}), 0) AS reported,
           coalesce(sum({NOT_REPORTED}), 0) AS to_report
    FROM items i JOIN works w ON w.id = i.work_id
    LEFT JOIN item_state s ON s.round_id = :round AND s.item_id = i.id{where}"""
    row = dict(conn.execute(sql, {"round": round_id, **params, **light_params(conn, round_id)}).fetchone())
    row["nothing_to_report"] = row["items"] - row["reported"] - row["to_report"]
    return row


def next_to_report(conn: sqlite3.Connection, round_id: int, scope: Scope, after: str | None) -> str | None:
    """The first item after ``after`` in list order that still needs a report, from the top when none
    is left below it; None when no item of the scope needs one (``after`` itself never comes back)."""
    where, params = _where(scope)
    where = (where + " AND " if where else " WHERE ") + f"{NOT_REPORTED} AND i.id IS NOT :after"
    params = {"round": round_id, "after": after, **params, **light_params(conn, round_id)}
    base = (f"SELECT i.id FROM items i JOIN works w ON w.id = i.work_id "
            f"LEFT JOIN item_state s ON s.round_id = :round AND s.item_id = i.id{where}")
    pos = conn.execute("SELECT pos FROM items WHERE id = ?", (after,)).fetchone() if after else None
    if pos is not None:
        row = conn.execute(f"{base} AND i.pos > :pos ORDER BY i.pos LIMIT 1", {**params, "pos": pos[0]}).fetchone()
        if row is not None:
            return row[0]
    row = conn.execute(f"{base} ORDER BY i.pos LIMIT 1", params).fetchone()
    return None if row is None else row[0]


def previous_state(conn: sqlite3.Connection, round_id: int, item_id: str) -> dict | None:
    """The item's state in the round opened before this one, with that round's ``round_name``; None if none."""
    row = conn.execute(
        "SELECT s.*, r.name AS round_name FROM item_state s JOIN rounds r ON r.id = s.round_id "
        "WHERE s.round_id = (SELECT max(id) FROM rounds WHERE id < ?) AND s.item_id = ?",
        (round_id, item_id)).fetchone()
    return None if row is None else dict(row)


def has_previous_round(conn: sqlite3.Connection, round_id: int) -> bool:
    return conn.execute("SELECT 1 FROM rounds WHERE id < ?", (round_id,)).fetchone() is not None


def unit_reporting(conn: sqlite3.Connection, round_id: int) -> list[dict]:
    """Every unit with its items (as lead or co-unit) reported, still to report, and with nothing to report.

    The inspector's way into each unit's round: the units with most left to report first.
    """
    sql = f"""
    SELECT un.id, un.name, count(*) AS items,
           coalesce(sum({REPORTED}), 0) AS reported, coalesce(sum({NOT_REPORTED}), 0) AS to_report
    FROM units un JOIN work_units wu ON wu.unit_id = un.id
    JOIN works w ON w.id = wu.work_id AND w.retired = 0
    JOIN items i ON i.work_id = w.id AND i.retired = 0
    LEFT JOIN item_state s ON s.round_id = :round AND s.item_id = i.id
    GROUP BY un.id ORDER BY to_report DESC, items DESC, un.name"""
    out = []
    for r in conn.execute(sql, {"round": round_id}):
        row = dict(r)
        row["nothing_to_report"] = row["items"] - row["reported"] - row["to_report"]
        out.append(row)
    return out

