"""The round diff: two rounds compared item by item, keyed by item id, in SQL.

An item is ``new`` when it has state only in the newer round and ``retired`` when only in
the older one. Otherwise it is compared on status, then light, then progress — the first
that differs decides: better is ``improved``, worse ``regressed``, none ``unchanged``.
Status order, worst first: 受阻 blocked < 滞后 behind < 未启动 not started < 推进中 in progress
< 已完成 done (a started item that lags is worse than one whose time has not yet come).
Light order: red < yellow < green. A note-only edit leaves the item ``unchanged`` with
``note_changed`` set, and so do ``value_changed`` (the value reached of a numeric target) and
``evidence_changed``; ``changed`` counts every item where anything shown differs.
Rows come in task-list order, work by work (an item retired from the list keeps its place in its
work, as in the bulletin).
"""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from .lights import LIGHT_RANK, LightBasis, OwnSpan, basis_for_round, judge, light_sql, stage_columns

STATUS_ORDER = ("blocked", "behind", "not_started", "in_progress", "done")
CLASSES = ("improved", "regressed", "unchanged", "new", "retired")
# The class as a number, worked out once per item in SQL; rows carry its name.
CLASS_BY_CODE = ("regressed", "unchanged", "improved", "new", "retired")
UNCHANGED = CLASS_BY_CODE.index("unchanged")
DIFF_KEYS = ("id", "class", "kind", "work_id", "pillar_id", "lead_unit", "leader", "liaison", "text",
             "old_status", "new_status", "old_light", "new_light", "old_progress", "new_progress",
             "progress_delta", "note_changed", "old_note", "new_note",
             "old_value", "new_value", "value_changed", "evidence_changed",
             # what the newer light's reason is worked out from (lights.judge)
             "stage_start", "stage_end", "span_start", "span_end", "deadline", "new_override",
             "new_override_reason", "new_closed_out")
# What the machine formats (CSV, JSON) carry: the state, keyed by id; texts are in `list`.
EXPORT_KEYS = ("id", "class", "work_id", "pillar_id", "lead_unit", "leader", "old_status", "new_status",
               "old_light", "new_light", "old_progress", "new_progress", "progress_delta", "note_changed",
               "old_value", "new_value", "value_changed", "evidence_changed")
# The flags of a change that leaves the class as it is (a note, a value reached, the evidence).
QUIET_FLAGS = ("note_changed", "value_changed", "evidence_changed")


@dataclass(frozen=True)
class DiffFilter:
    """Narrow a diff: pillar id, unit id (lead or co), leader's person id."""

    pillar: str | None = None
    unit: int | None = None
    leader: int | None = None


def _filters(flt: DiffFilter) -> tuple[str, dict]:
    clauses: list[str] = []
    params: dict[str, object] = {}
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


def _step(old: tuple[str, str, str], new: tuple[str, str, str]) -> str:
    """-1, 0 or 1 as ``new`` (status, light rank, progress) is worse, the same or better than ``old``.

    Status decides first and most items that change, change status: the lights (the costly part)
    are worked out only where the status is the same, then light and progress fold into one number.
    """
    n_status, o_status = _rank(new[0], STATUS_ORDER), _rank(old[0], STATUS_ORDER)
    return (f"(CASE WHEN {new[0]} <> {old[0]} THEN sign({n_status} - {o_status}) "
            f"ELSE sign(({new[1]} * 101 + {new[2]}) - ({old[1]} * 101 + {old[2]})) END)")


@dataclass(frozen=True)
class _Pass:
    """One pass over both rounds as a single flat SELECT: its parts and its column expressions.

    Every state row names an item, so a left join from ``items`` to each round's state is a
    full outer join of the two rounds. ``wk`` holds each work's stage lines and people, computed
    once per work; the works are read in order, each work's items off ``items_work`` in order
    (nothing is sorted), and each item is looked up in both rounds. The query is flat — no
    subquery — because a subquery that is not flattened hands each row over as a coroutine,
    which cost more here than working out a light twice.
    """

    body: str  # FROM … WHERE …
    columns: dict[str, str]  # name → SQL over one compared item
    params: dict

    def select(self, columns: str, *, changed_only: bool, order: bool = True) -> str:
        # the quiet flags first: where one is set, the class (two lights) is not worked out for the test
        where = f" AND ({self.columns['quiet_changed']} OR {self.columns['code']} <> {UNCHANGED})" \
            if changed_only else ""
        return f"SELECT {columns} {self.body}{where}{' ORDER BY ' + LIST_ORDER if order else ''}"


# The order of a works table's items: its works by rank, and each work's items in list order (off
# items_work), so nothing is sorted.
LIST_ORDER = "wk.rank, i.sort, i.rowid"


# The primary key of item_state (round_id, item_id), a WITHOUT ROWID table: SQLite names it so.
# Each round's state is looked up by it: the planner, seeing (item_id, round_id) as just as good,
# would otherwise take item_state_item and then the primary key as well, two searches for one.
STATE_PK = "sqlite_autoindex_item_state_1"


def _compared(conn: sqlite3.Connection, old_id: int, new_id: int, flt: DiffFilter, *, works: str,
              every_current: bool = False) -> _Pass:
    """The pass comparing ``old_id`` with ``new_id`` over ``works`` (a table of ``wk``'s rows, see
    ``works_table``): the items are read work by work, each work found once rather than once per item,
    in the table's order by ``LIST_ORDER``. Those with state in either round are compared; with
    ``every_current``, every current item too, with state or not.
    """
    filters, params = _filters(flt)
    rank = {side: light_sql(side, "wk", side, rank=True) for side in ("o", "n")}
    step = _step(("o.status", rank["o"], "o.progress"), ("n.status", rank["n"], "n.progress"))
    columns = {
        "id": "i.id", "kind": "i.kind", "text": "i.text", "work_id": "i.work_id", "pillar_id": "wk.pillar_id",
        "lead_unit": "wk.lead_unit", "leader": "wk.leader", "liaison": "wk.liaison",
        "old_status": "o.status", "new_status": "n.status", "old_progress": "o.progress",
        "new_progress": "n.progress", "progress_delta": "(n.progress - o.progress)",
        "old_light": f"(CASE WHEN o.item_id IS NOT NULL THEN {rank['o']} END)",
        "new_light": f"(CASE WHEN n.item_id IS NOT NULL THEN {rank['n']} END)",
        "old_note": "o.note", "new_note": "n.note", "old_value": "o.value", "new_value": "n.value",
        # note, value and evidence are NOT NULL: where either round lacks the item the test is NULL, so 0
        **{f"{field}_changed": f"iif(o.{field} <> n.{field}, 1, 0)" for field in ("note", "value", "evidence")},
        "stage_start": "wk.stage_start", "stage_end": "wk.stage_end", "span_start": "i.span_start",
        "span_end": "i.span_end", "deadline": "i.deadline", "new_override": "n.light",
        "new_override_reason": "n.light_reason", "new_closed_out": "n.closed_out",
        "code": f"(CASE WHEN o.item_id IS NULL THEN 3 WHEN n.item_id IS NULL THEN 4 ELSE {step} + 1 END)",
    }
    columns["quiet_changed"] = "(" + " OR ".join(columns[f] for f in QUIET_FLAGS) + ")"
    body = f"""
    FROM {works} wk CROSS JOIN items i INDEXED BY items_work ON i.work_id = wk.work_id
    LEFT JOIN item_state o INDEXED BY {STATE_PK} ON o.round_id = :o_round AND o.item_id = i.id
    LEFT JOIN item_state n INDEXED BY {STATE_PK} ON n.round_id = :n_round AND n.item_id = i.id
    WHERE ({'i.retired = 0 OR ' if every_current else ''}o.item_id IS NOT NULL OR n.item_id IS NOT NULL) {filters}"""
    params.update(o_round=old_id, n_round=new_id, **_basis_params(conn, old_id, new_id))
    return _Pass(body, columns, params)


def _basis_params(conn: sqlite3.Connection, old_id: int, new_id: int) -> dict:
    """The parameters of both rounds' lights (``o_…`` and ``n_…``)."""
    return {**basis_for_round(conn, old_id).params("o"), **basis_for_round(conn, new_id).params("n")}


def works_table(conn: sqlite3.Connection, table: str, old_id: int, new_id: int, work_extra: str = "", *,
                joins: str = "", order: str = "w.sort, w.id") -> None:
    """Make TEMP ``table``: one row per work, what comparing the two rounds needs of it (``wk``'s rows —
    its people, lead unit ``u`` and stage lines in both rounds — then ``work_extra``, more columns over
    ``w``, ``u`` and ``joins``), ranked by ``order`` (list order unless told): ``rank`` is its rowid.

    Read first, each work's figures are found once, not once per item. Without figures for it the
    planner would take the table for a million rows and build a Bloom filter over every state of
    each round before the first item, so the table is analysed (it has one row per work).
    """
    stage = ", ".join(f"{sql} AS {name}" for name, sql in stage_columns(("o", "n"), "w"))
    rows = f"""
      SELECT w.id AS work_id, w.pillar_id, w.leader, w.liaison, u.name AS lead_unit, w.stage_start, w.stage_end,
             {stage} {work_extra}
      FROM works w LEFT JOIN work_units wu ON wu.work_id = w.id AND wu.role = 'lead'
      LEFT JOIN units u ON u.id = wu.unit_id {joins}"""
    params = _basis_params(conn, old_id, new_id)
    names = ", ".join(column[0] for column in conn.execute(f"{rows} LIMIT 0", params).description)
    conn.execute(f"CREATE TEMP TABLE {table} (rank INTEGER PRIMARY KEY, {names})")
    conn.execute(f"INSERT INTO temp.{table} ({names}) {rows} ORDER BY {order}", params)
    conn.execute(f"ANALYZE temp.{table}")


_works_tables = itertools.count(1)


@contextmanager
def _works(conn: sqlite3.Connection, old_id: int, new_id: int, work_extra: str = "") -> Iterator[str]:
    """``works_table`` in list order for one comparison, dropped after it."""
    name = f"diff_works_{next(_works_tables)}"
    works_table(conn, name, old_id, new_id, work_extra)
    table = f"temp.{name}"
    try:
        yield table
    finally:
        try:
            conn.execute(f"DROP TABLE IF EXISTS {table}")
        except sqlite3.OperationalError:  # another statement of the connection is still being read:
            pass  # the table (its name used once) goes with the connection; the counts stand


def diff_counts(conn: sqlite3.Connection, old_id: int, new_id: int, flt: DiffFilter = DiffFilter()) -> dict:
    """How many items fall in each class, with ``changed`` and ``note_changed`` totals."""
    with _works(conn, old_id, new_id) as works:
        if flt == DiffFilter():
            return _all_counts(conn, old_id, new_id, works)
        p = _compared(conn, old_id, new_id, flt, works=works)
        # The class once per item (the LIMIT keeps the subquery whole), then the sums over it.
        each = p.select(", ".join(f"{p.columns[c]} AS {c}" for c in ("code", *QUIET_FLAGS)), changed_only=False,
                        order=False)
        return counts_of(conn, f"({each} LIMIT -1)", p.params)


def _all_counts(conn: sqlite3.Connection, old_id: int, new_id: int, works: str) -> dict:
    """``diff_counts`` of every item, read off the older round's states rather than the task list.

    Each state names an item (a foreign key), so the older round's states, each looked up in the
    newer round, are every item compared except the new ones, and those are the newer round's
    states left over. An item's row and its work are read only where the status is the same in both
    rounds, for the lights; elsewhere the status decides. One lookup per state instead of an item,
    its work and two lookups, and nothing is read in the task list's order, as counts need none.
    """
    p = _compared(conn, old_id, new_id, DiffFilter(), works=works)
    def by_light(rank: dict[str, str]) -> str:
        return f"sign(({rank['n']} * 101 + n.progress) - ({rank['o']} * 101 + o.progress)) + 1"

    # Where the states alone decide both lights (closed out, overridden, done or blocked) the item is
    # not read; elsewhere that comparison is NULL and the item and its work are looked up.
    decided = by_light({side: light_sql(side, rank=True, state_only=True) for side in ("o", "n")})
    looked_up = by_light({side: light_sql(side, "wk", side, rank=True) for side in ("o", "n")})
    by_light_sql = (f"coalesce({decided}, (SELECT {looked_up} "
                    f"FROM items i CROSS JOIN {works} wk ON wk.work_id = i.work_id WHERE i.id = o.item_id))")
    n_status, o_status = _rank("n.status", STATUS_ORDER), _rank("o.status", STATUS_ORDER)
    code = (f"(CASE WHEN n.item_id IS NULL THEN 4 WHEN n.status <> o.status THEN sign({n_status} - {o_status}) + 1 "
            f"ELSE {by_light_sql} END)")
    # the quiet flags as the rows show them: 0 where the newer round lacks the item
    flags = ", ".join(f"{p.columns[flag]} AS {flag}" for flag in QUIET_FLAGS)
    each = (f"SELECT {code} AS code, {flags} FROM item_state o "
            f"LEFT JOIN item_state n INDEXED BY {STATE_PK} ON n.round_id = :n_round AND n.item_id = o.item_id "
            f"WHERE o.round_id = :o_round")
    counts = counts_of(conn, f"({each} LIMIT -1)", p.params)
    in_new = conn.execute(f"SELECT count(*) FROM item_state INDEXED BY {STATE_PK} WHERE round_id = ?",
                          (new_id,)).fetchone()[0]
    new = in_new - (counts["improved"] + counts["regressed"] + counts["unchanged"])
    return counts | {"new": new, "changed": counts["changed"] + new}


def counts_of(conn: sqlite3.Connection, rows: str, params: dict | tuple = ()) -> dict:
    """The diff's counts over ``rows`` (a table or subquery with ``code`` and QUIET_FLAGS): each class,
    each quiet flag, and ``changed``."""
    quiet = " OR ".join(QUIET_FLAGS)
    # count(*) FILTER steps the aggregate only for the rows it counts, where sum(test) would step it
    # with every row for each figure.
    sums = ", ".join([f"count(*) FILTER (WHERE code = {n})" for n in range(len(CLASS_BY_CODE))]
                     + [f"count(*) FILTER (WHERE {flag})" for flag in QUIET_FLAGS]
                     + [f"count(*) FILTER (WHERE code = {UNCHANGED} AND ({quiet}))"])
    row = conn.execute(f"SELECT {sums} FROM {rows} WHERE code IS NOT NULL", params).fetchone()
    counts = {cls: row[CLASS_BY_CODE.index(cls)] for cls in CLASSES}
    changed = sum(counts.values()) - counts["unchanged"] + row[-1]
    flags = dict(zip(QUIET_FLAGS, row[len(CLASS_BY_CODE):-1]))
    return counts | flags | {"changed": changed}


def _row_columns(p: _Pass, text_limit: int | None) -> str:
    """DIFF_KEYS as SQL: the class as its code, lights as names."""
    values = p.columns | {"old_light": _name(p.columns["old_light"], LIGHT_RANK),
                          "new_light": _name(p.columns["new_light"], LIGHT_RANK)}
    if text_limit is not None:
        values["text"] = f"substr(i.text, 1, {int(text_limit)})"
    return ", ".join(f"{values['code' if k == 'class' else k]} AS {k}" for k in DIFF_KEYS)


def light_reason(row: dict, basis: LightBasis) -> str:
    """Why a compared item has the newer round's light (DIFF_KEYS row, the newer round's basis)."""
    if row["new_status"] is None:  # retired: no state in the newer round
        return ""
    return str(judge(row["new_status"], row["new_progress"], row["stage_start"], row["stage_end"], basis,
                     override=row["new_override"], override_reason=row["new_override_reason"] or "",
                     closed_out=bool(row["new_closed_out"]), own=OwnSpan.of(row)).reason())


def _dict_row(values: tuple) -> dict:
    row = dict(zip(DIFF_KEYS, values))
    row["class"] = CLASS_BY_CODE[row["class"]]
    for flag in QUIET_FLAGS:
        row[flag] = bool(row[flag])
    return row


def diff_rows(conn: sqlite3.Connection, old_id: int, new_id: int, flt: DiffFilter = DiffFilter(), *,
              changed_only: bool = True, offset: int = 0, limit: int | None = None,
              text_limit: int | None = None) -> Iterator[dict]:
    """The compared items (DIFF_KEYS) in order, streamed; only those that changed unless told otherwise.

    ``offset``/``limit`` give one window of them (each window is a fresh pass over both rounds);
    ``text_limit`` cuts the item text to that many characters in the store, for narrow tables.
    """
    with _works(conn, old_id, new_id) as works:
        p = _compared(conn, old_id, new_id, flt, works=works)
        query, params = p.select(_row_columns(p, text_limit), changed_only=changed_only), dict(p.params)
        if limit is not None or offset:
            query += " LIMIT :limit OFFSET :offset"
            params.update(limit=-1 if limit is None else limit, offset=offset)
        for values in conn.execute(query, params):
            yield _dict_row(values)


def _export_values(p: _Pass) -> dict[str, str]:
    """EXPORT_KEYS as SQL over one compared item: class and lights as names."""
    return p.columns | {"class": _name(p.columns["code"], CLASS_BY_CODE),
                        **{f"{old_new}_light": f"(CASE WHEN {side}.item_id IS NOT NULL THEN "
                                               f"{light_sql(side, 'wk', side)} END)"
                           for old_new, side in (("old", "o"), ("new", "n"))}}


def diff_csv_lines(conn: sqlite3.Connection, old_id: int, new_id: int, flt: DiffFilter = DiffFilter(), *,
                   changed_only: bool = True) -> Iterator[bytes]:
    """CSV lines (EXPORT_KEYS, CRLF), UTF-8, made by SQLite itself, so a province-wide diff streams fast.

    Text cells are quoted (printf's %w doubles the quotes) and one that starts like a
    spreadsheet formula gets a leading apostrophe. The lines come as bytes, ready to write.
    """
    work_cells = _csv_cells(WORK_KEYS, {"work_id": "w.id", "pillar_id": "w.pillar_id", "lead_unit": "u.name",
                                        "leader": "w.leader"})
    # One printf makes the whole line: the work's cells go in as one, made once per work.
    with _works(conn, old_id, new_id, f", {work_cells} AS csv_work") as works:
        p = _compared(conn, old_id, new_id, flt, works=works)
        first = EXPORT_KEYS.index(WORK_KEYS[0])
        keys = (*EXPORT_KEYS[:first], "csv_work", *EXPORT_KEYS[first + len(WORK_KEYS):])
        line = _csv_cells(keys, _export_values(p) | {"csv_work": "wk.csv_work"}, end=":crlf")
        for (data,) in conn.execute(p.select(f"CAST({line} AS BLOB)", changed_only=changed_only),
                                    p.params | {"crlf": "\r\n"}):
            yield data


# The cells of a diff row that belong to its work, together in EXPORT_KEYS: made once per work.
WORK_KEYS = ("work_id", "pillar_id", "lead_unit", "leader")
TEXT_KEYS = ("lead_unit", "leader", "old_value", "new_value")


def _csv_cells(keys: tuple[str, ...], values: dict[str, str], end: str = "") -> str:
    """SQL for ``keys`` as CSV cells, then ``end`` (SQL for the line end, or none): text quoted, a
    formula-like start guarded."""
    pattern, args = [], []
    for key in keys:
        value = values[key]
        if key in TEXT_KEYS:
            pattern.append('"%s%w"')
            args += [f"iif(unicode({value}) IN (61, 43, 45, 64, 9, 13), '''', '')", f"coalesce({value}, '')"]
        else:
            pattern.append("%s")
            args.append(value)
    return f"printf('{','.join(pattern)}{'%s' if end else ''}', {', '.join([*args, end] if end else args)})"


def diff_json_lines(conn: sqlite3.Connection, old_id: int, new_id: int, flt: DiffFilter = DiffFilter(), *,
                    changed_only: bool = True) -> Iterator[str]:
    """One JSON object (EXPORT_KEYS) per item, made by SQLite's json_object."""
    with _works(conn, old_id, new_id) as works:
        p = _compared(conn, old_id, new_id, flt, works=works)
        values = _export_values(p) | {flag: f"json(iif({p.columns[flag]}, 'true', 'false'))" for flag in QUIET_FLAGS}
        pairs = ", ".join(f"'{k}', {values[k]}" for k in EXPORT_KEYS)
        for (text,) in conn.execute(p.select(f"json_object({pairs})", changed_only=changed_only), p.params):
            yield text


def round_pass(conn: sqlite3.Connection, old_id: int | None, new_id: int, works: str,
               carried: dict[str, str] | None = None) -> tuple[str, dict]:
    """A SELECT (and its parameters) over every item of round ``new_id``, beside its state in ``old_id``.

    Items come work by work in the order of ``works`` (a ``works_table`` of the two rounds), then in
    list order: every current item, and every retired one with state in either round. Columns (see
    ``PASS_COLUMNS``): the work's rank; the item's rowid, work and retired flag; whether each
    round has its state; its status, progress, light rank and ``nr`` (not reported) in the new
    round; ``note_changed``; the old status, light rank and progress; ``value_changed`` and
    ``evidence_changed``. Each light is worked out
    once; ``class_sql`` turns these into the diff's class. ``carried`` adds columns (name → SQL over
    the new round's state row ``n``) after those, read while the row is at hand.
    """
    p = _compared(conn, old_id or 0, new_id, DiffFilter(), works=works, every_current=True)
    not_reported = ("(n.updated_at IS NULL AND COALESCE(n.status, 'not_started') <> 'done' "
                    "AND COALESCE(n.closed_out, 0) = 0)")
    columns = ["wk.rank", "i.rowid", "i.work_id", "i.retired", "o.item_id IS NOT NULL", "n.item_id IS NOT NULL",
               "n.status", "n.progress", light_sql("n", "wk", "n", rank=True), not_reported,
               f"({p.columns['note_changed']} <> 0)", "o.status", f"(CASE WHEN o.item_id IS NOT NULL THEN "
               f"{light_sql('o', 'wk', 'o', rank=True)} END)", "o.progress",
               f"({p.columns['value_changed']} <> 0)", f"({p.columns['evidence_changed']} <> 0)"]
    select = ", ".join(f"{sql} AS {name}" for sql, name in zip(columns, PASS_COLUMNS, strict=True))
    select += "".join(f", {sql} AS {name}" for name, sql in (carried or {}).items())
    return p.select(select, changed_only=False), p.params


PASS_COLUMNS = ("rank", "item", "work_id", "retired", "o_in", "n_in", "status", "progress", "lrank", "nr",
                "note_changed", "old_status", "old_lrank", "old_progress", "value_changed", "evidence_changed")


def class_sql(o_in: str, n_in: str, old: tuple[str, str, str], new: tuple[str, str, str]) -> str:
    """The class code (see CLASS_BY_CODE) from whether each round has the item and its (status, light
    rank, progress) in each; None where neither has it."""
    step = _step(old, new)
    return (f"(CASE WHEN NOT {o_in} AND NOT {n_in} THEN NULL WHEN NOT {o_in} THEN 3 WHEN NOT {n_in} THEN 4 "
            f"ELSE {step} + 1 END)")


class DiffSnapshot:
    """The compared items held in a TEMP table of this connection: one pass, then any page at once.

    ``diff_rows`` with an offset re-reads both rounds for every window; a screen that
    scrolls through 200,000 changes pages through a snapshot instead. ``close`` drops it.
    """

    _names = itertools.count(1)

    def __init__(self, conn: sqlite3.Connection, old_id: int, new_id: int, flt: DiffFilter = DiffFilter(), *,
                 changed_only: bool = True, text_limit: int | None = None):
        self.conn, self.table = conn, f"diff_snapshot_{next(self._names)}"
        with _works(conn, old_id, new_id) as works:
            p = _compared(conn, old_id, new_id, flt, works=works)
            conn.execute(f"CREATE TEMP TABLE {self.table} AS "
                         + p.select(_row_columns(p, text_limit), changed_only=changed_only), p.params)
        self.count = conn.execute(f"SELECT count(*) FROM {self.table}").fetchone()[0]

    def rows(self, offset: int, limit: int) -> list[dict]:
        """Rows offset+1 … offset+limit, by rowid (the order they were compared in)."""
        return [_dict_row(values) for values in self.conn.execute(
            f"SELECT {', '.join(DIFF_KEYS)} FROM {self.table} WHERE rowid > ? AND rowid <= ? ORDER BY rowid",
            (offset, offset + limit))]

    def close(self) -> None:
        self.conn.execute(f"DROP TABLE IF EXISTS temp.{self.table}")
