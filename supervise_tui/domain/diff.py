"""The round diff: two rounds compared item by item, keyed by item id, in SQL.

An item is ``new`` when it has state only in the newer round and ``retired`` when only in
the older one. Otherwise it is compared on status, then light, then progress — the first
that differs decides: better is ``improved``, worse ``regressed``, none ``unchanged``.
Status order, worst first: 受阻 blocked < 滞后 behind < 未启动 not started < 推进中 in progress
< 已完成 done (a started item that lags is worse than one whose time has not yet come).
Light order: red < yellow < green. A note-only edit leaves the item ``unchanged`` with
``note_changed`` set; ``changed`` counts every item where anything shown differs.
Rows come in task-list order (an item retired from the list keeps its last place).
"""

from __future__ import annotations

import itertools
import sqlite3
from dataclasses import dataclass
from typing import Iterator

from .lights import LIGHT_RANK, basis_for_round, light_sql, stage_columns

STATUS_ORDER = ("blocked", "behind", "not_started", "in_progress", "done")
CLASSES = ("improved", "regressed", "unchanged", "new", "retired")
# The class as a number, worked out once per item in SQL; rows carry its name.
CLASS_BY_CODE = ("regressed", "unchanged", "improved", "new", "retired")
UNCHANGED = CLASS_BY_CODE.index("unchanged")
DIFF_KEYS = ("id", "class", "kind", "work_id", "pillar_id", "lead_unit", "leader", "liaison", "text",
             "old_status", "new_status", "old_light", "new_light", "old_progress", "new_progress",
             "progress_delta", "note_changed", "old_note", "new_note")
# What the machine formats (CSV, JSON) carry: the state, keyed by id; texts are in `list`.
EXPORT_KEYS = ("id", "class", "work_id", "pillar_id", "lead_unit", "leader", "old_status", "new_status",
               "old_light", "new_light", "old_progress", "new_progress", "progress_delta", "note_changed")


@dataclass(frozen=True)
class DiffFilter:
    """Narrow a diff: pillar id, unit id (lead or co), leader's person id."""

    pillar: str | None = None
    unit: int | None = None
    leader: int | None = None


def _filters(flt: DiffFilter) -> tuple[str, dict]:
    clauses, params = [], {}
    if flt.pillar:
        clauses.append("wk.pillar_id = :pillar")
        params["pillar"] = flt.pillar
    if flt.unit is not None:
        clauses.append("i.work_id IN (SELECT work_id FROM work_units WHERE unit_id = :unit)")
        params["unit"] = flt.unit
    if flt.leader is not None:
        clauses.append("i.work_id IN (SELECT work_id FROM work_people WHERE person_id = :leader "
                       "AND role = 'leader')")
        params["leader"] = flt.leader
    return "".join(" AND " + c for c in clauses), params


def _rank(column: str, order: tuple[str, ...]) -> str:
    return f"(CASE {column} {' '.join(f'WHEN {v!r} THEN {n}' for n, v in enumerate(order))} END)"


def _name(column: str, order: tuple[str, ...]) -> str:
    return f"(CASE {column} {' '.join(f'WHEN {n} THEN {v!r}' for n, v in enumerate(order))} END)"


def _score(status: str, light: str, progress: str) -> str:
    """Status, then light, then progress folded into one number: one comparison orders all three."""
    return f"(({_rank(status, STATUS_ORDER)} * {len(LIGHT_RANK)} + {light}) * 101 + {progress})"


def _compared(conn: sqlite3.Connection, old_id: int, new_id: int, flt: DiffFilter,
              extra: str = "", work_extra: str = "") -> tuple[str, dict]:
    """SQL of every compared item in order, with its class ``code``, and its parameters.

    Every state row names an item, so a left join from ``items`` to each round's state is a
    full outer join of the two rounds, in one pass. Items are read in task-list order off
    the ``items_pos`` index, so nothing is sorted. ``wk`` holds each work's stage and people,
    computed once per work (with ``work_extra``, more such columns, which ``extra`` can
    pick as ``wk.name``). The inner query (kept whole by its LIMIT) works out each round's
    light once per item; the outer one compares the two from those columns.
    """
    filters, params = _filters(flt)
    stage = ", ".join(f"{sql} AS {name}" for name, sql in stage_columns(("o", "n"), "w"))
    old_light = f"CASE WHEN o.item_id IS NOT NULL THEN {light_sql('o', 'wk', 'o', rank=True)} END"
    new_light = f"CASE WHEN n.item_id IS NOT NULL THEN {light_sql('n', 'wk', 'n', rank=True)} END"
    step = (f"sign({_score('new_status', 'new_light', 'new_progress')} - "
            f"{_score('old_status', 'old_light', 'old_progress')})")
    sql = f"""
    WITH wk AS MATERIALIZED (
      SELECT w.id AS work_id, w.pillar_id, w.leader, w.liaison, u.name AS lead_unit, {stage} {work_extra}
      FROM works w LEFT JOIN work_units wu ON wu.work_id = w.id AND wu.role = 'lead'
      LEFT JOIN units u ON u.id = wu.unit_id)
    SELECT *, CASE WHEN is_new THEN 3 WHEN is_retired THEN 4 ELSE {step} + 1 END AS code FROM (
      SELECT i.id, i.work_id, wk.pillar_id, wk.leader, wk.liaison, wk.lead_unit,
             o.status AS old_status, n.status AS new_status, o.progress AS old_progress,
             n.progress AS new_progress, {old_light} AS old_light, {new_light} AS new_light,
             o.item_id IS NOT NULL AND n.item_id IS NOT NULL AND o.note IS NOT n.note AS note_changed,
             o.item_id IS NULL AS is_new, n.item_id IS NULL AS is_retired {extra}
      FROM items i INDEXED BY items_pos JOIN wk ON wk.work_id = i.work_id
      LEFT JOIN item_state o ON o.round_id = :o_round AND o.item_id = i.id
      LEFT JOIN item_state n ON n.round_id = :n_round AND n.item_id = i.id
      WHERE (o.item_id IS NOT NULL OR n.item_id IS NOT NULL) {filters}
      ORDER BY i.pos, i.rowid LIMIT -1)"""
    params.update(o_round=old_id, n_round=new_id, **basis_for_round(conn, old_id).params("o"),
                  **basis_for_round(conn, new_id).params("n"))
    return sql, params


def _changed(changed_only: bool) -> str:
    return f"WHERE code <> {UNCHANGED} OR note_changed" if changed_only else ""


def diff_counts(conn: sqlite3.Connection, old_id: int, new_id: int, flt: DiffFilter = DiffFilter()) -> dict:
    """How many items fall in each class, with ``changed`` and ``note_changed`` totals."""
    sql, params = _compared(conn, old_id, new_id, flt)
    sums = ", ".join(f"coalesce(sum(code = {n}), 0)" for n in range(len(CLASS_BY_CODE)))
    row = conn.execute(f"SELECT {sums}, coalesce(sum(note_changed), 0), "
                       f"coalesce(sum(code = {UNCHANGED} AND note_changed), 0) FROM ({sql})", params).fetchone()
    counts = {cls: row[CLASS_BY_CODE.index(cls)] for cls in CLASSES}
    changed = sum(counts.values()) - counts["unchanged"] + row[-1]
    return counts | {"note_changed": row[-2], "changed": changed}


def diff_rows(conn: sqlite3.Connection, old_id: int, new_id: int, flt: DiffFilter = DiffFilter(), *,
              changed_only: bool = True, offset: int = 0, limit: int | None = None,
              text_limit: int | None = None) -> Iterator[dict]:
    """The compared items (DIFF_KEYS) in order, streamed; only those that changed unless told otherwise.

    ``offset``/``limit`` give one window of them (each window is a fresh pass over both rounds);
    ``text_limit`` cuts the item text to that many characters in the store, for narrow tables.
    """
    text = "i.text" if text_limit is None else f"substr(i.text, 1, {int(text_limit)}) AS text"
    sql, params = _compared(conn, old_id, new_id, flt, f", i.kind, {text}, o.note AS old_note, n.note AS new_note")
    columns = {"class": "code", "old_light": _name("old_light", LIGHT_RANK),
               "new_light": _name("new_light", LIGHT_RANK), "progress_delta": "new_progress - old_progress"}
    query = f"SELECT {', '.join(columns.get(k, k) for k in DIFF_KEYS)} FROM ({sql}) {_changed(changed_only)}"
    if limit is not None or offset:
        query += " LIMIT :limit OFFSET :offset"
        params.update(limit=-1 if limit is None else limit, offset=offset)
    for values in conn.execute(query, params):
        row = dict(zip(DIFF_KEYS, values))
        row["class"] = CLASS_BY_CODE[row["class"]]
        row["note_changed"] = bool(row["note_changed"])
        yield row


def _export_values() -> dict[str, str]:
    """EXPORT_KEYS as SQL over the compared items."""
    return {"class": _name("code", CLASS_BY_CODE), "old_light": _name("old_light", LIGHT_RANK),
            "new_light": _name("new_light", LIGHT_RANK), "progress_delta": "new_progress - old_progress"}


def diff_csv_lines(conn: sqlite3.Connection, old_id: int, new_id: int, flt: DiffFilter = DiffFilter(), *,
                   changed_only: bool = True) -> Iterator[str]:
    """CSV lines (EXPORT_KEYS, CRLF) made by SQLite itself, so a province-wide diff streams fast.

    Text cells are quoted (printf's %w doubles the quotes) and one that starts like a
    spreadsheet formula gets a leading apostrophe.
    """
    values = _export_values()
    work_cells = _csv_cells(WORK_KEYS, values, {"work_id": "w.id", "pillar_id": "w.pillar_id",
                                                "lead_unit": "u.name", "leader": "w.leader"})
    sql, params = _compared(conn, old_id, new_id, flt, ", wk.csv_work", f", {work_cells} AS csv_work")
    first = EXPORT_KEYS.index(WORK_KEYS[0])
    before, after = EXPORT_KEYS[:first], EXPORT_KEYS[first + len(WORK_KEYS):]
    line = " || ',' || ".join([_csv_cells(before, values), "csv_work", _csv_cells(after, values)])
    for (text,) in conn.execute(f"SELECT {line} || char(13, 10) FROM ({sql}) {_changed(changed_only)}", params):
        yield text


# The cells of a diff row that belong to its work, together in EXPORT_KEYS: made once per work.
WORK_KEYS = ("work_id", "pillar_id", "lead_unit", "leader")
TEXT_KEYS = ("lead_unit", "leader")


def _csv_cells(keys: tuple[str, ...], values: dict[str, str], columns: dict[str, str] | None = None) -> str:
    """SQL for ``keys`` as CSV cells (no line end): text quoted, a formula-like start guarded."""
    pattern, args = [], []
    for key in keys:
        value = (columns or {}).get(key, values.get(key, key))
        if key in TEXT_KEYS:
            pattern.append('"%s%w"')
            args += [f"iif(unicode({value}) IN (61, 43, 45, 64, 9, 13), '''', '')", f"coalesce({value}, '')"]
        else:
            pattern.append("%s")
            args.append(value)
    return f"printf('{','.join(pattern)}', {', '.join(args)})"


def diff_json_lines(conn: sqlite3.Connection, old_id: int, new_id: int, flt: DiffFilter = DiffFilter(), *,
                    changed_only: bool = True) -> Iterator[str]:
    """One JSON object (EXPORT_KEYS) per item, made by SQLite's json_object."""
    sql, params = _compared(conn, old_id, new_id, flt)
    values = _export_values() | {"note_changed": "json(iif(note_changed, 'true', 'false'))"}
    pairs = ", ".join(f"'{k}', {values.get(k, k)}" for k in EXPORT_KEYS)
    for (text,) in conn.execute(f"SELECT json_object({pairs}) FROM ({sql}) {_changed(changed_only)}", params):
        yield text


class DiffSnapshot:
    """The compared items held in a TEMP table of this connection: one pass, then any page at once.

    ``diff_rows`` with an offset re-reads both rounds for every window; a screen that
    scrolls through 200,000 changes pages through a snapshot instead. ``close`` drops it.
    """

    _names = itertools.count(1)

    def __init__(self, conn: sqlite3.Connection, old_id: int, new_id: int, flt: DiffFilter = DiffFilter(), *,
                 changed_only: bool = True, text_limit: int | None = None):
        self.conn, self.table = conn, f"diff_snapshot_{next(self._names)}"
        text = "i.text" if text_limit is None else f"substr(i.text, 1, {int(text_limit)}) AS text"
        sql, params = _compared(conn, old_id, new_id, flt, f", i.kind, {text}, o.note AS old_note, n.note AS new_note")
        columns = {"class": "code", "old_light": _name("old_light", LIGHT_RANK),
                   "new_light": _name("new_light", LIGHT_RANK), "progress_delta": "new_progress - old_progress"}
        select = ", ".join(f"{columns.get(k, k)} AS {k}" for k in DIFF_KEYS)
        conn.execute(f"CREATE TEMP TABLE {self.table} AS SELECT {select} FROM ({sql}) {_changed(changed_only)}",
                     params)
        self.count = conn.execute(f"SELECT count(*) FROM {self.table}").fetchone()[0]

    def rows(self, offset: int, limit: int) -> list[dict]:
        """Rows offset+1 … offset+limit, by rowid (the order they were compared in)."""
        out = []
        for values in self.conn.execute(
                f"SELECT {', '.join(DIFF_KEYS)} FROM {self.table} WHERE rowid > ? AND rowid <= ? ORDER BY rowid",
                (offset, offset + limit)):
            row = dict(zip(DIFF_KEYS, values))
            row["class"] = CLASS_BY_CODE[row["class"]]
            row["note_changed"] = bool(row["note_changed"])
            out.append(row)
        return out

    def close(self) -> None:
        self.conn.execute(f"DROP TABLE IF EXISTS temp.{self.table}")
