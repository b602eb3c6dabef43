"""The round diff: two rounds compared item by item, keyed by item id, in SQL.

An item is ``new`` when it has state only in the newer round and ``retired`` when only in
the older one. Otherwise it is compared on status, then light, then progress — the first
that differs decides: better is ``improved``, worse ``regressed``, none ``unchanged``.
Status order, worst first: 受阻 blocked < 滞后 behind < 未启动 not started < 推进中 in progress
< 已完成 done (a started item that lags is worse than one whose time has not yet come).
Light order: red < yellow < green. A note-only edit leaves the item ``unchanged`` with
``note_changed`` set; ``changed`` counts every item where anything shown differs.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Iterator

from .lights import LIGHT_RANK, basis_for_round, light_sql, stage_cte

STATUS_ORDER = ("blocked", "behind", "not_started", "in_progress", "done")
CLASSES = ("improved", "regressed", "unchanged", "new", "retired")
# The class as a number, worked out once per item in SQL; the rows carry its name.
CLASS_BY_CODE = ("regressed", "unchanged", "improved", "new", "retired")
UNCHANGED = CLASS_BY_CODE.index("unchanged")
DIFF_KEYS = ("id", "class", "kind", "work_id", "pillar_id", "lead_unit", "leader", "liaison", "text",
             "old_status", "new_status", "old_light", "new_light", "old_progress", "new_progress",
             "progress_delta", "note_changed", "old_note", "new_note")


@dataclass(frozen=True)
class DiffFilter:
    """Narrow a diff: pillar id, unit id (lead or co), leader's person id."""

    pillar: str | None = None
    unit: int | None = None
    leader: int | None = None


def _filters(flt: DiffFilter) -> tuple[str, dict]:
    clauses, params = [], {}
    if flt.pillar:
        clauses.append("i.work_id IN (SELECT id FROM works WHERE pillar_id = :pillar)")
        params["pillar"] = flt.pillar
    if flt.unit is not None:
        clauses.append("i.work_id IN (SELECT work_id FROM work_units WHERE unit_id = :unit)")
        params["unit"] = flt.unit
    if flt.leader is not None:
        clauses.append("i.work_id IN (SELECT work_id FROM work_people WHERE person_id = :leader "
                       "AND role = 'leader')")
        params["leader"] = flt.leader
    return "".join(" AND " + c for c in clauses), params


def _score(side: str) -> str:
    """Status, then light, then progress folded into one number, so each is read once per item."""
    status = " ".join(f"WHEN '{v}' THEN {n}" for n, v in enumerate(STATUS_ORDER))
    return f"(((CASE {side}_status {status} END) * {len(LIGHT_RANK)} + {side}_light) * 101 + {side}_progress)"


def _compared(conn: sqlite3.Connection, old_id: int, new_id: int, flt: DiffFilter, *,
              materialize: bool = False) -> tuple[str, dict]:
    """A WITH clause: ``c`` holds every compared item, lean (ids, codes, ranks); ``wk`` each work's people.

    Driven from ``items``: every state row names an item, so a left join to each round's
    state is a full outer join of the two rounds, in one pass. Lights are ranks here.
    Materialised, ``c`` is computed once for two uses, and leaves the notes out.
    """
    filters, params = _filters(flt)
    notes = "" if materialize else ", o.note AS old_note, n.note AS new_note"
    sql = f"""
    WITH {stage_cte('st', ('o', 'n'))},
    wk(work_id, pillar_id, leader, liaison, lead_unit) AS MATERIALIZED (
      SELECT w.id, w.pillar_id, w.leader, w.liaison, u.name FROM works w
      LEFT JOIN work_units wu ON wu.work_id = w.id AND wu.role = 'lead' LEFT JOIN units u ON u.id = wu.unit_id),
    c AS {"MATERIALIZED " if materialize else ""}(
      SELECT *, CASE WHEN NOT in_old THEN 3 WHEN NOT in_new THEN 4
                     ELSE sign({_score('new')} - {_score('old')}) + 1 END AS code
      FROM (
      SELECT i.rowid AS rid, i.pos, o.item_id IS NOT NULL AS in_old, n.item_id IS NOT NULL AS in_new,
             o.status AS old_status, n.status AS new_status, o.progress AS old_progress, n.progress AS new_progress,
             CASE WHEN o.item_id IS NOT NULL THEN {light_sql('o', 'st', 'o', rank=True)} END AS old_light,
             CASE WHEN n.item_id IS NOT NULL THEN {light_sql('n', 'st', 'n', rank=True)} END AS new_light,
             o.item_id IS NOT NULL AND n.item_id IS NOT NULL AND o.note IS NOT n.note AS note_changed{notes}
      FROM items i JOIN st ON st.work_id = i.work_id
      LEFT JOIN item_state o ON o.round_id = :o_round AND o.item_id = i.id
      LEFT JOIN item_state n ON n.round_id = :n_round AND n.item_id = i.id
      WHERE (o.item_id IS NOT NULL OR n.item_id IS NOT NULL) {filters}))"""
    params.update(o_round=old_id, n_round=new_id, **basis_for_round(conn, old_id).params("o"),
                  **basis_for_round(conn, new_id).params("n"))
    return sql, params


_SUMS = ", ".join([f"coalesce(sum(code = {n}), 0)" for n in range(len(CLASS_BY_CODE))]
                  + ["coalesce(sum(note_changed), 0)", f"coalesce(sum(code = {UNCHANGED} AND note_changed), 0)"])


def _counts(row) -> dict:
    """The counts from the _SUMS of the codes."""
    by_code = dict(zip(CLASS_BY_CODE, row))
    counts = {cls: by_code[cls] for cls in CLASSES}
    changed = sum(counts.values()) - counts["unchanged"] + row[-1]
    return counts | {"note_changed": row[-2], "changed": changed}


def diff_counts(conn: sqlite3.Connection, old_id: int, new_id: int, flt: DiffFilter = DiffFilter()) -> dict:
    """How many items fall in each class, with ``changed`` and ``note_changed`` totals."""
    sql, params = _compared(conn, old_id, new_id, flt)
    # LIMIT -1 keeps ``c`` a subquery read row by row, so its class is worked out once, not per sum.
    return _counts(conn.execute(f"{sql} SELECT {_SUMS} FROM (SELECT code, note_changed FROM c LIMIT -1)",
                                params).fetchone())


def _light_name(rank: str) -> str:
    whens = " ".join(f"WHEN {n} THEN '{name}'" for n, name in enumerate(LIGHT_RANK))
    return f"(CASE {rank} {whens} END)"


# Read only for the rows that are output, after the filter on the class.
_ROW_COLUMNS = {
    "id": "i.id", "kind": "i.kind", "text": "i.text", "work_id": "i.work_id", "class": "c.code",
    "pillar_id": "wk.pillar_id", "leader": "wk.leader", "liaison": "wk.liaison", "lead_unit": "wk.lead_unit",
    "old_light": _light_name("c.old_light"), "new_light": _light_name("c.new_light"),
    "progress_delta": "c.new_progress - c.old_progress",
}
_NOTES = {"old_note": "(SELECT note FROM item_state WHERE round_id = :o_round AND item_id = i.id)",
          "new_note": "(SELECT note FROM item_state WHERE round_id = :n_round AND item_id = i.id)"}


def _rows_select(changed_only: bool, materialized: bool, lead: str = "") -> str:
    """The SELECT of the output rows from ``c``; items and people are read only for the rows kept."""
    known = _ROW_COLUMNS | (_NOTES if materialized else {})
    columns = ", ".join(known.get(k, "c." + k) for k in DIFF_KEYS)
    where = f"WHERE c.code <> {UNCHANGED} OR c.note_changed" if changed_only else ""
    # CROSS JOIN keeps items and works the inner loops, after the filter on the class.
    return f"SELECT {lead}{columns} FROM c CROSS JOIN items i ON i.rowid = c.rid CROSS JOIN wk ON wk.work_id = i.work_id {where}"


def _row(values) -> dict:
    row = dict(zip(DIFF_KEYS, values))
    row["class"] = CLASS_BY_CODE[row["class"]]
    row["note_changed"] = bool(row["note_changed"])
    return row


def diff_rows(conn: sqlite3.Connection, old_id: int, new_id: int, flt: DiffFilter = DiffFilter(), *,
              changed_only: bool = True, offset: int = 0, limit: int | None = None) -> Iterator[dict]:
    """The compared items in display order, streamed; only those that changed unless told otherwise.

    ``offset``/``limit`` give one window of them (each window is a fresh pass over both rounds).
    """
    sql, params = _compared(conn, old_id, new_id, flt)
    query = f"{sql} {_rows_select(changed_only, False)} ORDER BY c.pos"
    if limit is not None or offset:
        query += " LIMIT :limit OFFSET :offset"
        params.update(limit=-1 if limit is None else limit, offset=offset)
    return map(_row, conn.execute(query, params))


def diff_report(conn: sqlite3.Connection, old_id: int, new_id: int, flt: DiffFilter = DiffFilter(), *,
                changed_only: bool = True) -> tuple[dict, Iterator[dict]]:
    """``diff_counts`` and ``diff_rows`` from one pass over both rounds: the counts, then the rows streamed."""
    sql, params = _compared(conn, old_id, new_id, flt, materialize=True)
    sums = _SUMS.count("coalesce(")
    cursor = conn.execute(f"{sql} SELECT 0, NULL, {_SUMS}{', NULL' * (len(DIFF_KEYS) - sums)} FROM c "
                          f"UNION ALL {_rows_select(changed_only, True, '1, c.pos, ')} ORDER BY 1, 2", params)
    counts = _counts(next(cursor)[2:2 + sums])
    return counts, (_row(values[2:]) for values in cursor)
