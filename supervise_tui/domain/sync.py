"""Loading a task list into the store: an idempotent upsert keyed by business id."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from .clock import now
from .db import get_meta, set_meta, transaction
from .targets import deadline_span, derived_progress, goal_from_json
from .tasklist import TaskList

DEFAULT_ROUND_NAME = "第1轮"


@dataclass
class LoadReport:
    """What a load did, counted per kind of row ("works", "items", "pillars", "indicators")."""

    added: dict[str, int] = field(default_factory=dict)
    changed: dict[str, int] = field(default_factory=dict)
    retired: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)
    round_created: str | None = None
    document_changed: bool = False

    @property
    def touched(self) -> bool:
        return (any(self.added.values()) or any(self.changed.values()) or any(self.retired.values())
                or self.document_changed)

    def as_dict(self) -> dict:
        return {"added": self.added, "changed": self.changed, "retired": self.retired,
                "unchanged": self.unchanged, "round_created": self.round_created,
                "document_changed": self.document_changed}


# Columns compared to tell "changed" from "unchanged", per table, in insert order.
COLUMNS = {
    "pillars": ("id", "numeral", "title", "sort"),
    "indicators": ("id", "year", "text", "sort", "goal"),
    "works": ("id", "seq", "numeral", "pillar_id", "title", "stage_text", "stage_start", "stage_end",
              "units_text", "leader", "liaison", "sort"),
    "items": ("id", "work_id", "kind", "no", "prefix", "text", "sort", "goal", "deadline", "span_start",
              "span_end"),
}
# Set on every load but not compared: the global display order shifts whenever
# an earlier item is added, and that alone is no change to report.
ORDER_COLUMN = {"items": "pos"}
# Bound as UTF-8 bytes and cast back to text in SQL (the same bytes): bound as a str, sqlite3 would
# leave a UTF-8 copy of it inside the string (CPython keeps it there), and the task list being loaded
# holds every item's text: a third more memory for a large list.
AS_UTF8 = {"items": "text"}
# Rows are compared with the store's a batch at a time (not the whole table read first): a reload of a
# large list holds one batch of the store's rows.
LOOKUP_BATCH = 500


def _rows(tasklist: TaskList) -> dict[str, Iterable[tuple]]:
    """Each table's rows, made as they are written (a large list's items are not held twice)."""
    return {
        "pillars": [(p.id, p.numeral, p.title, p.sort) for p in tasklist.pillars],
        "indicators": [(g.id, g.year, g.text, g.sort, g.goal.to_json()) for g in tasklist.indicators],
        "works": [(w.id, w.seq, w.numeral, w.pillar_id, w.title, w.stage_text, w.stage_start, w.stage_end,
                   w.units_text, w.leader, w.liaison, i) for i, w in enumerate(tasklist.works)],
        "items": _item_rows(tasklist),
    }


def _item_rows(tasklist: TaskList) -> Iterator[tuple]:
    written = tasklist.document.get("written_date") or ""
    first_year = int(written[:4]) if written[:4].isdigit() else None
    pos = 0
    for work in tasklist.works:
        for t in work.items:
            span = deadline_span(t.deadline, work.stage_start, first_year) if t.deadline else (None, None)
            yield (t.id, t.work_id, t.kind, t.no, t.prefix, t.text, t.sort, t.goal.to_json(), t.deadline, *span, pos)
            pos += 1


def load(conn: sqlite3.Connection, tasklist: TaskList, *, user: str, source: str = "",
         package: bool = False, retire: bool = True) -> LoadReport:
    """Upsert the whole task list in one transaction; rows gone from the file are retired.

    A liaison store takes its list from round packages only (``package``), never a whole list.
    With ``retire`` False, a list that would retire items is refused, naming them (a file cut
    short is still valid YAML); nothing is written.
    """
    from .exchange.storekind import require_inspector

    if not package:
        require_inspector(conn, "what.load")
    report = LoadReport()
    stamp = now()
    with transaction(conn):
        if not retire:
            refuse_retirements(conn, tasklist)
        written = {table: _upsert(conn, table, rows, report, stamp) for table, rows in _rows(tasklist).items()}
        _rederive(conn, written["items"], user, stamp)
        # A work whose lead, co-units or people changed has changed, even if its row has not.
        relinked = _links(conn, tasklist) - written["works"]
        report.changed["works"] += len(relinked)
        report.unchanged["works"] -= len(relinked)
        document = json.dumps(tasklist.document, ensure_ascii=False, sort_keys=True)
        if get_meta(conn, "document") != document:
            set_meta(conn, "document", document)
            report.document_changed = True
        if report.touched:
            set_meta(conn, "tasklist_source", source)
            set_meta(conn, "loaded_at", stamp)
        if conn.execute("SELECT count(*) FROM rounds").fetchone()[0] == 0:
            cur = conn.execute(
                "INSERT INTO rounds(name, opened_at, created_by) VALUES (?, ?, ?)",
                (DEFAULT_ROUND_NAME, stamp, user),
            )
            set_meta(conn, "current_round", str(cur.lastrowid))
            report.round_created = DEFAULT_ROUND_NAME
        # Every active item has a state row in every open round.
        conn.execute(
            """INSERT OR IGNORE INTO item_state(round_id, item_id)
               SELECT r.id, i.id FROM rounds r JOIN items i
               WHERE r.closed_at IS NULL AND i.retired = 0"""
        )
        if report.added.get("items") or report.changed.get("items") or report.retired.get("items"):
            conn.execute("INSERT INTO items_fts(items_fts) VALUES ('rebuild')")
        if report.touched:
            conn.execute(
                "INSERT INTO audit(at, user, action, new) VALUES (?, ?, 'load', ?)",
                (stamp, user, json.dumps({"source": source, **report.as_dict()}, ensure_ascii=False)),
            )
            # Fresh statistics, so the planner knows items_work beats a scan at any scale.
            conn.execute("ANALYZE")
    return report


def retirements(conn: sqlite3.Connection, tasklist: TaskList) -> tuple[list[str], int]:
    """The items in use that ``tasklist`` would retire (gone from the file), in list order, and how
    many items are in use."""
    keep = {item.id for item in tasklist.items}
    active = [item_id for (item_id,) in conn.execute("SELECT id FROM items WHERE retired = 0 ORDER BY pos")]
    return [item_id for item_id in active if item_id not in keep], len(active)


SHOWN_IDS = 12  # ids named in a refusal before "… and N more"


def refuse_retirements(conn: sqlite3.Connection, tasklist: TaskList) -> None:
    """Refuse a load that would retire items, naming them; louder when it is more than half."""
    from ..errors import EditRefused
    from ..i18n import Msg

    going, total = retirements(conn, tasklist)
    if not going:
        return
    more = Msg("load.more_ids", count=len(going) - SHOWN_IDS) if len(going) > SHOWN_IDS else ""
    key = "error.load.retire_most" if 2 * len(going) > total else "error.load.retire"
    raise EditRefused(key, count=len(going), total=total, items=", ".join(going[:SHOWN_IDS]), more=more)


def _upsert(conn: sqlite3.Connection, table: str, rows: Iterable[tuple], report: LoadReport,
            stamp: str) -> set[str]:
    """Write new and changed rows as they come, retire the ones gone; return the ids written."""
    columns = COLUMNS[table]
    order = ORDER_COLUMN.get(table)
    width = len(columns)
    written = columns + ((order,) if order else ())
    select = f"SELECT {', '.join(written)}, retired FROM {table} WHERE id IN "
    present: set[str] = set()  # the existing rows still in the file
    ids: set[str] = set()
    moved: list[tuple] = []  # unchanged rows at a new place in the order
    new = 0
    cast = AS_UTF8.get(table)
    at = written.index(cast) if cast else -1

    def changes() -> Iterator[tuple]:
        batch: list[tuple] = []
        for row in rows:
            batch.append(row)
            if len(batch) == LOOKUP_BATCH:
                yield from judged(batch)
                batch = []
        yield from judged(batch)

    def judged(batch: list[tuple]) -> Iterator[tuple]:
        """The rows of ``batch`` to write, each compared with the store's row of its id, if any."""
        nonlocal new
        query = select + f"({', '.join('?' for _ in batch)})"
        existing = {row[0]: row for row in map(tuple, conn.execute(query, [row[0] for row in batch]))}
        for row in batch:
            before = existing.get(row[0])
            if before is None:
                new += 1
            else:
                present.add(row[0])
                if before[:width] == row[:width] and not before[-1]:
                    if order and before[width] != row[width]:
                        moved.append((row[width], row[0]))
                    continue
            ids.add(row[0])
            yield row if at < 0 else row[:at] + (row[at].encode(),) + row[at + 1:]

    placeholders = ", ".join("CAST(? AS TEXT)" if c == cast else "?" for c in written)
    updates = ", ".join(f"{c} = excluded.{c}" for c in written[1:])
    retired_at = ", retired_at = NULL" if table == "items" else ""
    conn.executemany(
        f"INSERT INTO {table}({', '.join(written)}) VALUES ({placeholders}) "
        f"ON CONFLICT(id) DO UPDATE SET {updates}, retired = 0{retired_at}",
        changes(),
    )
    if order:
        conn.executemany(f"UPDATE {table} SET {order} = ? WHERE id = ?", moved)
    gone = [(key,) for (key,) in conn.execute(f"SELECT id FROM {table} WHERE retired = 0")
            if key not in present and key not in ids]  # (a row just added is in ids)
    retire_at = ", retired_at = ?" if table == "items" else ""
    conn.executemany(
        f"UPDATE {table} SET retired = 1{retire_at} WHERE id = ?",
        [((stamp,) + key if retire_at else key) for key in gone],
    )
    report.added[table] = new
    report.changed[table] = len(ids) - new
    report.retired[table] = len(gone)
    report.unchanged[table] = len(present) - (len(ids) - new)
    return ids


def _rederive(conn: sqlite3.Connection, item_ids: set[str], user: str, stamp: str) -> None:
    """A numeric target whose goal changed gets the progress its value now gives, in every open round.

    Each change is audited (action ``load``), as any edit of the progress is.
    """
    if not item_ids:
        return
    rows = conn.execute(
        "SELECT s.round_id, s.item_id, s.progress, s.value, i.goal FROM item_state s "
        "JOIN items i ON i.id = s.item_id JOIN rounds r ON r.id = s.round_id "
        "WHERE r.closed_at IS NULL AND s.value <> '' AND i.goal LIKE '[%' AND s.closed_out = 0").fetchall()
    changes = []
    for row in rows:
        if row["item_id"] in item_ids:
            progress = derived_progress(goal_from_json(row["goal"]), row["value"])
            if progress != row["progress"]:
                changes.append((row["round_id"], row["item_id"], row["progress"], progress))
    conn.executemany("UPDATE item_state SET progress = ?, version = version + 1 WHERE round_id = ? AND item_id = ?",
                     [(new, rnd, item) for rnd, item, _, new in changes])
    conn.executemany(
        "INSERT INTO audit(at, user, round_id, item_id, action, field, old, new) "
        "VALUES (?, ?, ?, ?, 'load', 'progress', ?, ?)",
        [(stamp, user, rnd, item, str(old), str(new)) for rnd, item, old, new in changes])


def _links(conn: sqlite3.Connection, tasklist: TaskList) -> set[str]:
    """Rebuild units, aliases, people and their links to works (derived, so replaced whole).

    Returns the ids of the works whose links changed.
    """
    aliases = tasklist.aliases

    def canonical(name: str) -> str:
        return aliases.get(name, name)

    names: set[str] = {canonical(n) for w in tasklist.works for n in (w.lead, *w.co)} | set(aliases.values())
    conn.executemany("INSERT OR IGNORE INTO units(name) VALUES (?)", [(n,) for n in sorted(names)])
    unit_id = dict(conn.execute("SELECT name, id FROM units"))
    conn.execute("DELETE FROM unit_aliases")
    conn.executemany("INSERT INTO unit_aliases(alias, unit_id) VALUES (?, ?)",
                     [(a, unit_id[n]) for a, n in aliases.items()])
    people = {p for w in tasklist.works for p in (w.leader, w.liaison) if p}
    conn.executemany("INSERT OR IGNORE INTO people(name) VALUES (?)", [(p,) for p in sorted(people)])
    person_id = dict(conn.execute("SELECT name, id FROM people"))
    links, roles = [], []
    for w in tasklist.works:
        seen: set[int] = set()
        for sort, (name, role) in enumerate([(w.lead, "lead")] + [(n, "co") for n in w.co]):
            uid = unit_id[canonical(name)]
            if uid not in seen:
                seen.add(uid)
                links.append((w.id, uid, role, sort))
        roles += [(w.id, person_id[p], r) for p, r in ((w.leader, "leader"), (w.liaison, "liaison")) if p]
    current = set(map(tuple, conn.execute("SELECT work_id, unit_id, role, sort FROM work_units")))
    current_people = set(map(tuple, conn.execute("SELECT work_id, person_id, role FROM work_people")))
    relinked = {row[0] for row in current ^ set(links)} | {row[0] for row in current_people ^ set(roles)}
    if current != set(links):
        conn.execute("DELETE FROM work_units")
        conn.executemany("INSERT INTO work_units VALUES (?, ?, ?, ?)", links)
    if current_people != set(roles):
        conn.execute("DELETE FROM work_people")
        conn.executemany("INSERT INTO work_people(work_id, person_id, role) VALUES (?, ?, ?)", roles)
    # A name that became an alias must not live on as a unit of its own: looking it up
    # would find that empty row instead of the unit it now stands for.
    conn.executemany(
        "DELETE FROM units WHERE name = ? AND id NOT IN (SELECT unit_id FROM work_units) "
        "AND id NOT IN (SELECT unit_id FROM unit_aliases)", [(a,) for a in aliases])
    return relinked & {w.id for w in tasklist.works}
