"""What the bulletin reads: one pass over a round's items, the summaries from it, item lists streamed.

A province-wide round holds hundreds of thousands of items, so nothing here gathers an item list:
each is a query whose cursor the writer reads as it writes. Every item is read once
(``RoundPass``): its light in the round, whether it was reported, and how it compares with the
previous round go into a TEMP table, in the order the bulletin prints them — by group (pillar,
lead unit or leader, each group in the order of its first work), then in list order. The counts
by pillar, unit and leader are sums over it, and the red list, the chase list and the changes
are scans of it joined to the items for their text.
"""

from __future__ import annotations

import itertools
import sqlite3

from .diff import CLASS_BY_CODE, PASS_COLUMNS, QUIET_FLAGS, UNCHANGED, class_sql, counts_of, round_pass, works_table
from .lights import LIGHT_RANK, OWN_SPAN, basis_for_round, reason_state, register_reason_sql

_LIGHT_NAME = "(CASE {} " + " ".join(f"WHEN {n} THEN {c!r}" for n, c in enumerate(LIGHT_RANK)) + " END)"

# Each grouping: how a work finds its group's name, and the order of the groups (``u`` is its lead unit).
_GROUPS = {
    "pillar": ("p.title", "p.sort", "LEFT JOIN pillars p ON p.id = w.pillar_id"),
    "unit": ("u.name", "min(w.sort) OVER (PARTITION BY u.name)", ""),
    "leader": ("nullif(w.leader, '')", "min(w.sort) OVER (PARTITION BY nullif(w.leader, ''))", ""),
}
# What an item list shows of the item's work, kept once per work beside its group (``g``): a row of a
# list then finds its work, lead unit and group in one lookup by the group's rank. The round's own
# groups (``{t}_g``) have these from diff.works_table and the title; the chase list's are made here.
_WORK_COLUMNS = {"pillar_id": "w.pillar_id", "title": "w.title", "leader": "w.leader", "liaison": "w.liaison",
                 "lead_unit": "u.name", "stage_start": "w.stage_start", "stage_end": "w.stage_end"}
_WORK_SELECT = ", ".join(f"{sql} AS {name}" for name, sql in _WORK_COLUMNS.items())
_LEAD_UNIT = ("LEFT JOIN work_units wu ON wu.work_id = w.id AND wu.role = 'lead' "
              "LEFT JOIN units u ON u.id = wu.unit_id")

_SUMS = """sum(x.items) AS items, sum(x.done) AS done, sum(x.in_progress) AS in_progress,
sum(x.behind) AS behind, sum(x.not_started) AS not_started, sum(x.red) AS red, sum(x.yellow) AS yellow,
sum(x.green) AS green, sum(x.not_reported) AS not_reported,
round(CAST(sum(x.p_sum) AS REAL) / sum(x.p_n), 1) AS progress"""
_QUIET = "(" + " OR ".join(QUIET_FLAGS) + ")"  # a change that leaves the class as it is
_COUNTS = ("items", "done", "in_progress", "behind", "not_started", "red", "yellow", "green", "not_reported")

# What the pass keeps of each item's state in the round, beside its figures, for the item lists:
# read while the pass has the state row, instead of looked up again for every row of a list.
_CARRIED = {"note": "n.note", "reason_state": reason_state("n")}

# What an item row of a list can show, as SQL over RoundPass._items' aliases.
ITEM_COLUMNS = {
    "group": "g.gname", "id": "i.id", "kind": "i.kind", "pillar_id": "g.pillar_id", "work_id": "i.work_id",
    "work_title": "g.title", "text": "i.text", "lead_unit": "g.lead_unit", "leader": "g.leader",
    "liaison": "g.liaison", "status": "r.status", "progress": "r.progress", "light": "r.light",
    "note": "r.note",
    # Looked up one item at a time: a join would have SQLite filter every round's states first.
    **{key: f"(SELECT {key} FROM item_state s WHERE s.round_id = $round AND s.item_id = i.id)"
       for key in ("updated_by", "updated_at")},
    # Why the light is what it is, in words (lights.register_reason_sql): the rule's, or the override's.
    "light_reason": f"light_why(r.status, r.progress, g.stage_start, g.stage_end, {OWN_SPAN}, r.reason_state)",
    # the comparison with the previous round
    "class": f"(CASE r.code {' '.join(f'WHEN {n} THEN {c!r}' for n, c in enumerate(CLASS_BY_CODE))} END)",
    "old_status": "r.old_status", "new_status": "r.status", "old_light": "r.old_light",
    "new_light": "(CASE WHEN r.code = 4 THEN NULL ELSE r.light END)",
    "old_progress": "r.old_progress", "new_progress": "(CASE WHEN r.code = 4 THEN NULL ELSE r.progress END)",
    "progress_delta": "(r.progress - r.old_progress)", "note_changed": "r.note_changed",
}


def _ints(row: sqlite3.Row | None) -> dict:
    out = dict(row) if row is not None else {}
    for key in _COUNTS:
        if out.get(key) is None:
            out[key] = 0
    return out


class RoundPass:
    """Every item of a round read once into TEMP tables of ``conn``; ``close`` drops them.

    ``{t}_g`` holds the works in group order (``rank``, ``work_id``, the group's name ``gname``, what the
    lists show of the work, ``_WORK_COLUMNS``, and its stage lines for the lights), ``{t}`` one row per
    item in that order, ``{t}_w`` the tallies of each work.
    """

    _names = itertools.count(1)

    def __init__(self, conn: sqlite3.Connection, round_id: int, previous_id: int | None, by: str):
        self.conn, self.round_id, self.previous_id = conn, round_id, previous_id
        register_reason_sql(conn, basis_for_round(conn, round_id))
        self.t = t = f"round_pass_{next(self._names)}"
        gname, gkey, joins = _GROUPS[by]
        # The works in group order, each with what the pass and the lists need of it: the pass reads
        # the items work by work off this table, and a list's row finds its work and group by rank.
        works_table(conn, f"{t}_g", previous_id or 0, round_id, f", w.title, {gname} AS gname, {gkey} AS gkey",
                    joins=joins, order="gname IS NULL, gkey, w.sort")
        # Each light is worked out once (in the inner query, kept whole by its LIMIT); the light's
        # name and the diff's class come from the figures it gives.
        code = class_sql("o_in", "n_in", ("old_status", "old_lrank", "old_progress"), ("status", "lrank", "progress"))
        derived = {"light": _LIGHT_NAME.format("lrank"), "old_light": _LIGHT_NAME.format("old_lrank"), "code": code}
        columns = ", ".join((*PASS_COLUMNS, *_CARRIED, *derived))
        conn.execute(f"CREATE TEMP TABLE {t} (n INTEGER PRIMARY KEY, {columns})")
        select, params = round_pass(conn, previous_id, round_id, f"temp.{t}_g", _CARRIED)
        conn.execute(f"INSERT INTO temp.{t} ({columns}) "
                     f"SELECT *, {', '.join(derived.values())} "
                     f"FROM ({select} LIMIT -1)", params)
        conn.execute(f"""CREATE TEMP TABLE {t}_w AS SELECT work_id, count(*) AS items,
            sum(status = 'done') AS done, sum(status = 'in_progress') AS in_progress,
            sum(status IN ('behind', 'blocked')) AS behind, sum(status = 'not_started') AS not_started,
            sum(lrank = 0) AS red, sum(lrank = 1) AS yellow, sum(lrank = 2) AS green,
            sum(nr) AS not_reported, sum(nr AND lrank <> 0) AS chase,
            sum(progress) AS p_sum, count(progress) AS p_n
            FROM temp.{t} WHERE retired = 0 GROUP BY work_id""")

    def close(self) -> None:
        for suffix in ("", "_g", "_w"):
            self.conn.execute(f"DROP TABLE IF EXISTS temp.{self.t}{suffix}")

    # -- the summaries: sums over the works' tallies ------------------------------------------
    def overall(self) -> dict:
        """As ``queries.overall_summary``: every current item."""
        return _ints(self.conn.execute(f"SELECT {_SUMS} FROM temp.{self.t}_w x").fetchone())

    def pillars(self) -> list[dict]:
        """As ``queries.pillar_summary``."""
        return [_ints(r) for r in self.conn.execute(f"""
            SELECT p.id, p.numeral, p.title, count(*) AS works, {_SUMS}
            FROM pillars p JOIN works w ON w.pillar_id = p.id AND w.retired = 0
            JOIN temp.{self.t}_w x ON x.work_id = w.id
            WHERE p.retired = 0 GROUP BY p.id ORDER BY p.sort""")]

    def units(self) -> list[dict]:
        """Lead units with items, as ``queries.unit_summary`` (its lead columns) orders them."""
        return [_ints(r) for r in self.conn.execute(f"""
            SELECT un.id, un.name, count(*) AS works_lead, {_SUMS}
            FROM units un JOIN work_units wu ON wu.unit_id = un.id AND wu.role = 'lead'
            JOIN works w ON w.id = wu.work_id AND w.retired = 0
            LEFT JOIN temp.{self.t}_w x ON x.work_id = w.id
            GROUP BY un.id HAVING sum(x.items) > 0 ORDER BY works_lead DESC, sum(x.items) DESC, un.name""")]

    def leaders(self) -> list[dict]:
        """Leaders (分管领导) with items, as ``queries.people_summary`` orders them."""
        return [_ints(r) for r in self.conn.execute(f"""
            SELECT pe.id, pe.name, count(*) AS works, {_SUMS}
            FROM people pe JOIN work_people wp ON wp.person_id = pe.id AND wp.role = 'leader'
            JOIN works w ON w.id = wp.work_id AND w.retired = 0
            JOIN temp.{self.t}_w x ON x.work_id = w.id
            GROUP BY pe.id ORDER BY works DESC, pe.name""")]

    def chase_units(self) -> list[dict]:
        """催办 by lead unit: items not reported (and not red), red items, leaders and liaisons.

        The units with most to chase first; the people in the order of their works.
        """
        units: dict[str | None, dict] = {}
        for row in self.conn.execute(f"""
                SELECT u.name AS unit, w.leader, w.liaison, x.chase, x.red
                FROM temp.{self.t}_w x JOIN works w ON w.id = x.work_id
                LEFT JOIN work_units wu ON wu.work_id = w.id AND wu.role = 'lead'
                LEFT JOIN units u ON u.id = wu.unit_id
                WHERE x.chase > 0 OR x.red > 0 ORDER BY w.sort"""):
            unit = units.setdefault(row["unit"], {"unit": row["unit"], "leaders": [], "liaisons": [],
                                                  "not_reported": 0, "red": 0})
            for key, person in (("leaders", row["leader"]), ("liaisons", row["liaison"])):
                if person and person not in unit[key]:
                    unit[key].append(person)
            unit["not_reported"] += row["chase"]
            unit["red"] += row["red"]
        return sorted(units.values(), key=lambda u: (-(u["not_reported"] + u["red"]), u["unit"] is None,
                                                     u["unit"] or ""))

    def targets(self) -> sqlite3.Cursor:
        """Each current numeric target in list order: pillar, goal (JSON), value reached and light."""
        return self.conn.execute(f"""
            SELECT w.pillar_id, i.goal,
                   (SELECT value FROM item_state s WHERE s.round_id = ? AND s.item_id = i.id) AS value,
                   {_LIGHT_NAME.format("r.lrank")} AS light
            FROM temp.{self.t} r CROSS JOIN items i ON i.rowid = r.item JOIN works w ON w.id = r.work_id
            WHERE r.retired = 0 AND i.goal LIKE '[%' ORDER BY r.n""", (self.round_id,))

    def diff_counts(self) -> dict:
        """As ``diff.diff_counts`` of the previous round and this one."""
        return counts_of(self.conn, f"(SELECT *, {_QUIET} AS quiet_changed FROM temp.{self.t})")

    # -- the item lists, streamed ---------------------------------------------------------------
    def red_rows(self, columns: dict[str, str]) -> sqlite3.Cursor:
        """Red items in group order, as ``columns`` (name → SQL over ITEM_COLUMNS' aliases)."""
        return self._items(columns, "r.retired = 0 AND r.lrank = 0")

    def change_rows(self, columns: dict[str, str]) -> sqlite3.Cursor:
        """Items changed since the previous round, in group order."""
        return self._items(columns, f"r.code IS NOT NULL AND (r.code <> {UNCHANGED} OR r.note_changed "
                                    "OR r.value_changed OR r.evidence_changed)")

    def chase_rows(self, units: list[str | None], columns: dict[str, str]) -> sqlite3.Cursor:
        """Items not reported and not red, unit by unit in the order of ``units``, then in list order.

        ``g.gname`` is then the lead unit.
        """
        if not units:
            return self._items(columns, "0")
        values = ", ".join("(?, ?)" for _ in units)
        order = [v for n, unit in enumerate(units) for v in (n, unit)]
        groups = (f"(SELECT cu.column1 AS rank, w.id AS work_id, cu.column2 AS gname, {_WORK_SELECT} "
                  f"FROM (VALUES {values}) cu CROSS JOIN works w {_LEAD_UNIT} WHERE u.name IS cu.column2)")
        return self._items(columns, "r.retired = 0 AND r.nr AND r.lrank <> 0", groups, "g.rank, r.n", order)

    def _items(self, columns: dict[str, str], where: str, groups: str = "", order: str = "r.n",
               params: list | None = None) -> sqlite3.Cursor:
        select = ", ".join(columns.values()).replace("$round", str(int(self.round_id)))
        # The group and the work: the round's own groups found by their rank (the rowid of their
        # table), others by work.
        group = f"{groups} g ON g.work_id = r.work_id" if groups else f"temp.{self.t}_g g ON g.rank = r.rank"
        join = f"JOIN {group}" if "g." in f"{select} {where} {order}" else ""
        sql = f"""SELECT {select} FROM temp.{self.t} r CROSS JOIN items i ON i.rowid = r.item
            {join} WHERE {where} ORDER BY {order}"""
        cursor = self.conn.cursor()
        cursor.row_factory = None  # plain tuples: the writers read them by position, a batch at a time
        return cursor.execute(sql, params or [])
